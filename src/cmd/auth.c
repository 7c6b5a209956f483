/* SPDX-License-Identifier: ISC */
/*
 * The password prompt, the certificate question and pop_delete = ask's
 * question, as core's hooks: the prompt is masked and the answer goes back
 * to core, which reconnects (or deletes). Questions of several accounts
 * wait their turn.
 */
#include "config.h"

#include <glib.h>

#include "cmd/auth.h"
#include "core/core.h"
#include "ui/ui.h"
#include "util/url.h"

/*
 * A question about an account. Several accounts may ask at once (they
 * connect together at start), and the prompt holds one question: the
 * others wait in a queue, in the order they came, until it is answered
 * (or until a prompt the user opened is done).
 */
struct question {
	struct core *core;
	struct account *acc;
	char *why;	    /* password: why the last one failed, or NULL */
	char *fingerprint;  /* certificate: NULL for a password question */
	unsigned deletable; /* pop_delete = ask: not 0 for that question */
};

static GQueue waiting = G_QUEUE_INIT;

static void
question_free(struct question *q)
{
	g_free(q->why);
	g_free(q->fingerprint);
	g_free(q);
}

static struct question *
question_new(struct core *core, struct account *acc)
{
	struct question *q = g_new0(struct question, 1);

	q->core = core;
	q->acc = acc;
	return q;
}

/* "work: " when there are several accounts, so the question names its. */
static char *
account_prefix(const struct question *q)
{
	if (q->core->accounts->len < 2)
		return g_strdup("");
	return g_strdup_printf("%s: ", q->acc->name);
}

static void
password_answered(const char *text, void *data)
{
	struct question *q = data;

	core_answer_password(q->core, q->acc, text);
	question_free(q);
	cmd_auth_next();
}

static void
cert_answered(int key, void *data)
{
	struct question *q = data;
	enum core_trust trust = CORE_TRUST_REJECT;

	if (key == 'o')
		trust = CORE_TRUST_ONCE;
	else if (key == 'a')
		trust = CORE_TRUST_ALWAYS;
	core_answer_cert(q->core, q->acc, trust);
	question_free(q);
	cmd_auth_next();
}

static void
delete_answered(int key, void *data)
{
	struct question *q = data;

	g_autoptr(GError) error = NULL;

	/* Ctrl-G is a no: the messages stay, as with pop_delete = no. */
	if (!core_answer_pop_delete(q->core, q->acc, key == 'y', &error))
		ui_error("%s", error->message);
	else if (key == 'y')
		ui_message("%s: deleting on the server...", q->acc->name);
	else
		ui_message("%s: the messages stay on the server", q->acc->name);
	question_free(q);
	cmd_auth_next();
}

/* Put question q on the prompt; it is freed when answered. */
static void
ask(struct question *q)
{
	g_autofree char *prefix = account_prefix(q);
	g_autofree char *text = NULL;

	if (q->deletable > 0) {
		text = g_strdup_printf("%sDelete %u downloaded message%s from "
				       "the server? (y/n)",
		    prefix, q->deletable, q->deletable == 1 ? "" : "s");
		ui_choose(text, "yn", delete_answered, q);
		return;
	}

	if (q->fingerprint == NULL) {
		text = g_strdup_printf("%sPassword for %s@%s: ", prefix,
		    q->acc->url->user, q->acc->url->host);
		if (q->why != NULL)
			ui_error("%s%s", prefix, q->why);
		ui_prompt_secret(text, password_answered, q);
		return;
	}
	text = g_strdup_printf("%sCertificate not trusted (SHA256 %s): "
			       "(r)eject, accept (o)nce, accept (a)lways?",
	    prefix, q->fingerprint);
	ui_choose(text, "roa", cert_answered, q);
}

void
cmd_auth_next(void)
{
	if (!ui_prompt_active() && !g_queue_is_empty(&waiting))
		ask(g_queue_pop_head(&waiting));
}

static void
ask_password(struct core *core, struct account *acc, const char *why,
    void *data)
{
	struct question *q = question_new(core, acc);

	(void)data;
	q->why = g_strdup(why);
	g_queue_push_tail(&waiting, q);
	cmd_auth_next();
}

static void
ask_cert(struct core *core, struct account *acc, const char *fingerprint,
    void *data)
{
	struct question *q = question_new(core, acc);

	(void)data;
	q->fingerprint = g_strdup(fingerprint);
	g_queue_push_tail(&waiting, q);
	cmd_auth_next();
}

static void
ask_pop_delete(struct core *core, struct account *acc, unsigned n, void *data)
{
	struct question *q = question_new(core, acc);

	(void)data;
	q->deletable = n;
	g_queue_push_tail(&waiting, q);
	cmd_auth_next();
}

void
cmd_auth_clear(void)
{
	g_queue_clear_full(&waiting, (GDestroyNotify)question_free);
}

void
cmd_auth_install(struct core *core)
{
	core->ask_password = ask_password;
	core->ask_cert = ask_cert;
	core->ask_pop_delete = ask_pop_delete;
	core->ask_data = NULL;
}

/* SPDX-License-Identifier: ISC */
/*
 * The password prompt and the certificate question, as core's hooks: the
 * prompt is masked and the answer goes back to core, which reconnects.
 */
#include "config.h"

#include <glib.h>

#include "cmd/auth.h"
#include "core/core.h"
#include "ui/ui.h"
#include "util/url.h"

/* Which account a question is about; freed when it is answered. */
struct question {
	struct core *core;
	struct account *acc;
};

static struct question *
question_new(struct core *core, struct account *acc)
{
	struct question *q = g_new0(struct question, 1);

	q->core = core;
	q->acc = acc;
	return q;
}

static void
password_answered(const char *text, void *data)
{
	struct question *q = data;

	core_answer_password(q->core, q->acc, text);
	g_free(q);
}

static void
ask_password(struct core *core, struct account *acc, const char *why,
    void *data)
{
	g_autofree char *label =
	    g_strdup_printf("Password for %s@%s: ", acc->url->user,
		acc->url->host);

	(void)data;
	if (why != NULL)
		ui_error("%s", why);
	ui_prompt_secret(label, password_answered, question_new(core, acc));
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
	g_free(q);
}

static void
ask_cert(struct core *core, struct account *acc, const char *fingerprint,
    void *data)
{
	g_autofree char *question = g_strdup_printf(
	    "Certificate not trusted (SHA256 %s): (r)eject, accept (o)nce, "
	    "accept (a)lways?",
	    fingerprint);

	(void)data;
	ui_choose(question, "roa", cert_answered, question_new(core, acc));
}

void
cmd_auth_install(struct core *core)
{
	core->ask_password = ask_password;
	core->ask_cert = ask_cert;
	core->ask_data = NULL;
}

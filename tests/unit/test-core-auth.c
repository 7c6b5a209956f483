/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for core's login and trust questions: a driver registered as
 * "imaps" refuses until the parameters core gives it (through driver_for)
 * carry the right password and trust, and the hooks record what the user
 * is asked.
 */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "backend/backend.h"
#include "backend/types.h"
#include "backend/worker.h"
#include "config/config.h"
#include "core/core.h"
#include "core/folder.h"
#include "util/error.h"
#include "util/pins.h"

#define FP                                                                     \
	"AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:"   \
	"67:89:AB:CD:EF:01:23:45:67:89"
#define RIGHT "right-password"

/* What the last driver was made with (main thread only). */
static struct {
	unsigned made;
	char *password, *accepted, *pin_file;
	bool cert_ok; /* the server's certificate is trusted */
} last;

/* The driver's copy of its parameters. */
struct picky {
	char *password;
	bool trusted;
};

static bool
picky_open(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct picky *d = be->data;
	struct folder_state *fs;
	uint32_t uid;

	if (!d->trusted) {
		sink_untrusted(sink, FP);
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_TLS_VERIFY,
		    "certificate for 'h.example' is not trusted");
		return false;
	}
	if (d->password == NULL || strcmp(d->password, RIGHT) != 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_AUTH, "%s",
		    d->password == NULL ? "no password"
					: "login as 'alice' refused");
		return false;
	}
	fs = g_new0(struct folder_state, 1);
	fs->name = g_strdup(req->folder);
	fs->uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	for (uid = 1; uid <= 3; uid++)
		g_array_append_val(fs->uids, uid);
	fs->exists = 3;
	sink_folder(sink, fs);
	return true;
}

static void
picky_free(struct backend *be)
{
	struct picky *d = be->data;

	g_free(d->password);
	g_free(d);
	g_free(be);
}

static const struct backend_ops picky_ops = {
	.size = sizeof(struct backend_ops),
	.name = "picky",
	.caps = BACKEND_CAP_FOLDERS | BACKEND_CAP_REMOTE,
	.open_folder = picky_open,
	.free = picky_free,
};

static struct backend *
picky_new(const struct backend_params *p)
{
	struct backend *be = g_new0(struct backend, 1);
	struct picky *d = g_new0(struct picky, 1);
	g_autoptr(GArray) pins = g_array_new(FALSE, FALSE, PIN_SHA256_LEN);

	last.made++;
	g_free(last.password);
	g_free(last.accepted);
	g_free(last.pin_file);
	last.password = g_strdup(p->password);
	last.accepted = g_strdup(p->accepted);
	last.pin_file = g_strdup(p->pin_file);
	if (p->pin_file != NULL)
		g_assert_true(
		    pins_load(p->pin_file, "h.example:993", pins, NULL));
	d->trusted = last.cert_ok || pins->len > 0 ||
	    (p->accepted != NULL && strcmp(p->accepted, FP) == 0);
	d->password = g_strdup(p->password);
	be->ops = &picky_ops;
	be->data = d;
	return be;
}

/* What the hooks were asked. */
struct asked {
	unsigned passwords, certs;
	char *why;
	char *fingerprint;
};

static void
ask_password(struct core *core, struct account *acc, const char *why,
    void *data)
{
	struct asked *a = data;

	a->passwords++;
	g_free(a->why);
	a->why = g_strdup(why);
}

static void
ask_cert(struct core *core, struct account *acc, const char *fingerprint,
    void *data)
{
	struct asked *a = data;

	a->certs++;
	g_free(a->fingerprint);
	a->fingerprint = g_strdup(fingerprint);
}

struct fixture {
	struct core *core;
	struct account *acc;
	struct asked asked;
};

/* XDG_DATA_HOME for the whole run: set before any thread starts. */
static char *data_home;

static void
setup(struct fixture *fx, const char *extra)
{
	struct config *cfg = config_new();
	g_autoptr(GError) error = NULL;

	memset(fx, 0, sizeof(*fx));
	g_assert_true(
	    config_exec(cfg, "set header_fill = no", "test", NULL, &error));
	if (extra != NULL)
		g_assert_true(config_exec(cfg, extra, "test", NULL, &error));
	fx->core = core_new(cfg);
	g_assert_true(core_add_accounts(fx->core,
	    "imaps://alice@h.example/INBOX", &error));
	fx->acc = fx->core->accounts->pdata[0];
	fx->core->ask_password = ask_password;
	fx->core->ask_cert = ask_cert;
	fx->core->ask_data = &fx->asked;
	last.made = 0;
	last.cert_ok = false;
}

static void
teardown(struct fixture *fx)
{
	g_autofree char *pins = pins_default_path();
	g_autofree char *skua = g_path_get_dirname(pins);

	core_free(fx->core);
	g_unlink(pins);
	g_rmdir(skua);
	g_free(fx->asked.why);
	g_free(fx->asked.fingerprint);
}

/* Dispatch replies until none is unanswered (bounded: 10 s). */
static void
settle(struct fixture *fx)
{
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	while (reply_queue_pending(fx->core->rq) > 0) {
		GPollFD pfd = { reply_queue_fd(fx->core->rq), G_IO_IN, 0 };

		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_poll(&pfd, 1, 100);
		reply_queue_dispatch(fx->core->rq);
	}
}

static void
open_account(struct fixture *fx)
{
	g_autoptr(GError) error = NULL;

	g_assert_true(core_account_open(fx->core, fx->acc, &error));
	settle(fx);
}

static void
test_password_prompt_and_retry(void)
{
	struct fixture fx;

	setup(&fx, NULL);
	last.cert_ok = true;
	open_account(&fx);
	/* No password anywhere: asked, with no reason the first time. */
	g_assert_cmpuint(fx.asked.passwords, ==, 1);
	g_assert_null(fx.asked.why);
	g_assert_null(last.password);
	g_assert_cmpint(fx.core->folder->load, ==, FOLDER_OPENING);

	core_answer_password(fx.core, fx.acc, "wrong");
	settle(&fx);
	g_assert_cmpuint(last.made, ==, 2);
	g_assert_cmpstr(last.password, ==, "wrong");
	/* Refused: asked again, saying why; the wrong one is forgotten. */
	g_assert_cmpuint(fx.asked.passwords, ==, 2);
	g_assert_cmpstr(fx.asked.why, ==, "login as 'alice' refused");
	g_assert_null(fx.acc->password);

	core_answer_password(fx.core, fx.acc, RIGHT);
	settle(&fx);
	g_assert_cmpuint(fx.asked.passwords, ==, 2);
	g_assert_cmpstr(fx.acc->password, ==, RIGHT);
	g_assert_cmpint(fx.core->folder->load, ==, FOLDER_OPEN);
	g_assert_cmpuint(folder_count(fx.core->folder), ==, 3);
	teardown(&fx);
}

static void
test_password_cancelled(void)
{
	struct fixture fx;

	setup(&fx, NULL);
	last.cert_ok = true;
	open_account(&fx);
	g_assert_cmpuint(fx.asked.passwords, ==, 1);
	core_answer_password(fx.core, fx.acc, NULL);
	g_assert_cmpint(fx.core->folder->load, ==, FOLDER_FAILED);
	g_assert_cmpstr(fx.core->folder->error, ==, "login cancelled");
	g_assert_false(fx.acc->asking);
	g_assert_cmpuint(last.made, ==, 1);
	teardown(&fx);
}

static void
test_configured_password_not_asked(void)
{
	struct fixture fx;

	setup(&fx, "set password = wrong");
	last.cert_ok = true;
	open_account(&fx);
	/* A configured password is reported, never replaced by a prompt. */
	g_assert_cmpuint(fx.asked.passwords, ==, 0);
	g_assert_cmpint(fx.core->folder->load, ==, FOLDER_FAILED);
	g_assert_cmpstr(last.password, ==, "wrong");
	teardown(&fx);
}

static void
test_cert_once(void)
{
	struct fixture fx;
	g_autofree char *pins = NULL;

	setup(&fx, "set password = " RIGHT);
	open_account(&fx);
	g_assert_cmpuint(fx.asked.certs, ==, 1);
	g_assert_cmpstr(fx.asked.fingerprint, ==, FP);
	core_answer_cert(fx.core, fx.acc, CORE_TRUST_ONCE);
	settle(&fx);
	g_assert_cmpstr(last.accepted, ==, FP);
	g_assert_cmpint(fx.core->folder->load, ==, FOLDER_OPEN);
	pins = pins_default_path();
	g_assert_cmpstr(last.pin_file, ==, pins);
	g_assert_false(g_file_test(pins, G_FILE_TEST_EXISTS));
	teardown(&fx);
}

static void
test_cert_always_and_reject(void)
{
	struct fixture fx;
	g_autofree char *pins = NULL;
	g_autofree char *text = NULL;

	setup(&fx, "set password = " RIGHT);
	open_account(&fx);
	g_assert_cmpuint(fx.asked.certs, ==, 1);
	core_answer_cert(fx.core, fx.acc, CORE_TRUST_ALWAYS);
	settle(&fx);
	g_assert_cmpint(fx.core->folder->load, ==, FOLDER_OPEN);
	pins = pins_default_path();
	g_assert_true(g_file_get_contents(pins, &text, NULL, NULL));
	g_assert_cmpstr(text, ==, "h.example:993 " FP "\n");
	teardown(&fx);

	/* A new run: the pin file trusts it without a question. */
	setup(&fx, "set password = " RIGHT);
	g_assert_true(pins_add(pins, "h.example:993", FP, NULL));
	open_account(&fx);
	g_assert_cmpuint(fx.asked.certs, ==, 0);
	g_assert_null(last.accepted);
	g_assert_cmpint(fx.core->folder->load, ==, FOLDER_OPEN);
	teardown(&fx);

	setup(&fx, "set password = " RIGHT);
	open_account(&fx);
	g_assert_cmpuint(fx.asked.certs, ==, 1);
	core_answer_cert(fx.core, fx.acc, CORE_TRUST_REJECT);
	settle(&fx);
	g_assert_cmpint(fx.core->folder->load, ==, FOLDER_FAILED);
	g_assert_cmpuint(last.made, ==, 1);
	g_assert_null(fx.acc->accepted_fingerprint);
	teardown(&fx);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	data_home = g_dir_make_tmp("skua-core-auth-XXXXXX", NULL);
	g_assert_nonnull(data_home);
	g_setenv("XDG_DATA_HOME", data_home, TRUE);
	backend_register("imaps", picky_new);
	g_test_add_func("/core-auth/password-prompt-and-retry",
	    test_password_prompt_and_retry);
	g_test_add_func("/core-auth/password-cancelled",
	    test_password_cancelled);
	g_test_add_func("/core-auth/configured-password-not-asked",
	    test_configured_password_not_asked);
	g_test_add_func("/core-auth/cert-once", test_cert_once);
	g_test_add_func("/core-auth/cert-always-and-reject",
	    test_cert_always_and_reject);
	{
		int status = g_test_run();

		g_free(last.password);
		g_free(last.accepted);
		g_free(last.pin_file);
		g_rmdir(data_home);
		g_free(data_home);
		return status;
	}
}

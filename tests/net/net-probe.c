/* SPDX-License-Identifier: ISC */
/*
 * net-probe: drives src/net/conn.c against a server and prints one result
 * line, "ok ..." (exit 0) or "error KIND message ..." (exit 1), for
 * tests/e2e/t-net.sh. Passwords given with --login are never printed.
 */
#include "config.h"

#include <libetpan/libetpan.h>
#include <openssl/x509.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/conn.h"
#include "net/net.h"
#include "util/error.h"

enum proto {
	PROTO_LINE, /* read one greeting line */
	PROTO_IMAP,
	PROTO_POP3,
};

struct args {
	const char *host;
	unsigned port;
	bool tls;
	struct net_tls_opts opts;
	int timeout;
	const char *verify_name;
	enum proto proto;
	bool starttls;
	const char *user, *pass;
	int cancel_ms;
	int idle_ms;	  /* IDLE, interrupted from another thread after this */
	bool idle_cancel; /* ... by net_cancel_trigger instead */
};

struct result {
	struct net_peer peer;
	bool tls;
	GString *extra; /* " key=value" items */
};

static const char usage_text[] =
    "usage: net-probe connect HOST PORT tls|plain [--ca FILE] [--pin HEX]\n"
    "         [--no-verify] [--timeout S] [--verify-name NAME]\n"
    "         [--imap|--pop3] [--imap-starttls|--pop3-stls|--raw-starttls]\n"
    "         [--login USER PASS [--idle-interrupt-ms N [--idle-cancel]]]\n"
    "         [--cancel-after-ms N]\n";

static const char *
kind_of(const GError *e)
{
	static const char *const names[] = {
		[SKUA_ERROR_NETWORK] = "NETWORK",
		[SKUA_ERROR_TLS_VERIFY] = "TLS_VERIFY",
		[SKUA_ERROR_AUTH] = "AUTH",
		[SKUA_ERROR_PROTOCOL] = "PROTOCOL",
		[SKUA_ERROR_NOT_SUPPORTED] = "NOT_SUPPORTED",
		[SKUA_ERROR_CANCELLED] = "CANCELLED",
		[SKUA_ERROR_IO] = "IO",
		[SKUA_ERROR_PARSE] = "PARSE",
		[SKUA_ERROR_CONFIG] = "CONFIG",
		[SKUA_ERROR_USAGE] = "USAGE",
	};

	if (e->domain != SKUA_ERROR || e->code < 0 ||
	    (size_t)e->code >= G_N_ELEMENTS(names))
		return "OTHER";
	return names[e->code];
}

static G_NORETURN void
usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

static int
number(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 1000000)
		usage();
	return (int)v;
}

static void
parse_args(int argc, char **argv, struct args *a)
{
	if (argc < 5 || strcmp(argv[1], "connect") != 0)
		usage();
	a->host = argv[2];
	a->port = (unsigned)number(argv[3]);
	if (strcmp(argv[4], "tls") == 0)
		a->tls = true;
	else if (strcmp(argv[4], "plain") != 0)
		usage();
	a->opts.verify = true;
	a->timeout = 10;
	for (int i = 5; i < argc; i++) {
		const char *o = argv[i];
		bool more = i + 1 < argc;

		if (strcmp(o, "--ca") == 0 && more)
			a->opts.ca_file = argv[++i];
		else if (strcmp(o, "--pin") == 0 && more)
			a->opts.fingerprint = argv[++i];
		else if (strcmp(o, "--no-verify") == 0)
			a->opts.verify = false;
		else if (strcmp(o, "--timeout") == 0 && more)
			a->timeout = number(argv[++i]);
		else if (strcmp(o, "--verify-name") == 0 && more)
			a->verify_name = argv[++i];
		else if (strcmp(o, "--imap") == 0)
			a->proto = PROTO_IMAP;
		else if (strcmp(o, "--pop3") == 0)
			a->proto = PROTO_POP3;
		else if (strcmp(o, "--imap-starttls") == 0)
			a->proto = PROTO_IMAP, a->starttls = true;
		else if (strcmp(o, "--pop3-stls") == 0)
			a->proto = PROTO_POP3, a->starttls = true;
		else if (strcmp(o, "--raw-starttls") == 0)
			a->proto = PROTO_LINE, a->starttls = true;
		else if (strcmp(o, "--login") == 0 && i + 2 < argc)
			a->user = argv[i + 1], a->pass = argv[i + 2], i += 2;
		else if (strcmp(o, "--cancel-after-ms") == 0 && more)
			a->cancel_ms = number(argv[++i]);
		else if (strcmp(o, "--idle-interrupt-ms") == 0 && more)
			a->idle_ms = number(argv[++i]);
		else if (strcmp(o, "--idle-cancel") == 0)
			a->idle_cancel = true;
		else
			usage();
	}
	/* STARTTLS upgrades a plain connection; --verify-name does too. */
	if ((a->starttls && a->tls) || (a->verify_name != NULL && !a->tls) ||
	    (a->user != NULL && a->proto == PROTO_LINE) ||
	    (a->idle_ms > 0 && (a->proto != PROTO_IMAP || a->user == NULL)))
		usage();
}

struct canceller {
	struct net_cancel *cancel;
	int ms;
};

static gpointer
cancel_thread(gpointer data)
{
	struct canceller *k = data;

	g_usleep((gulong)k->ms * 1000);
	net_cancel_trigger(k->cancel);
	return NULL;
}

struct interrupter {
	mailstream *s;
	struct net_cancel *cancel; /* non-NULL: cancel rather than interrupt */
	int ms;
};

static gpointer
interrupt_thread(gpointer data)
{
	struct interrupter *k = data;

	g_usleep((gulong)k->ms * 1000);
	if (k->cancel != NULL)
		net_cancel_trigger(k->cancel);
	else
		mailstream_interrupt_idle(k->s);
	return NULL;
}

/* Note the number of certificates the peer showed (the driver hook). */
static void
note_chain(mailstream *s, struct result *res)
{
	carray *chain =
	    mailstream_low_get_certificate_chain(mailstream_get_low(s));
	unsigned n = 0;

	if (chain != NULL) {
		n = carray_count(chain);
		for (unsigned i = 0; i < n; i++)
			mmap_string_free(carray_get(chain, i));
		carray_free(chain);
	}
	g_string_append_printf(res->extra, " chain=%u", n);
}

/* Why a libetpan call failed: the stream's own reason if it has one. */
static void
etpan_error(struct net_cancel *cancel, const char *what, int r, GError **err)
{
	if (!net_io_check(cancel, err))
		return;
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
	    "%s failed (libetpan error %d)", what, r);
}

static bool
upgrade(mailstream *s, const struct args *a, struct net_cancel *cancel,
    struct result *res, GError **err)
{
	const char *name = a->verify_name != NULL ? a->verify_name : a->host;

	if (!net_starttls(s, name, &a->opts, a->timeout, cancel, &res->peer,
		err))
		return false;
	res->tls = true;
	note_chain(s, res);
	return true;
}

/* One line from the server, or false with err. */
static bool
read_line(mailstream *s, struct net_cancel *cancel, const char *what,
    GString *out, GError **err)
{
	MMAPString *line = mmap_string_new("");
	char *l = mailstream_read_line_remove_eol(s, line);

	if (l == NULL) {
		mmap_string_free(line);
		etpan_error(cancel, what, -1, err);
		return false;
	}
	g_string_assign(out, l);
	mmap_string_free(line);
	return true;
}

static bool
run_line(mailstream *s, const struct args *a, struct net_cancel *cancel,
    struct result *res, GError **err)
{
	g_autoptr(GString) line = g_string_new(NULL);
	static const char cmd[] = "a STARTTLS\r\n";

	if (!read_line(s, cancel, "reading the greeting", line, err))
		return false;
	g_string_append(res->extra, " greeting=ok");
	if (!a->starttls)
		return true;
	if (mailstream_write(s, cmd, strlen(cmd)) < 0 ||
	    mailstream_flush(s) < 0) {
		etpan_error(cancel, "sending STARTTLS", -1, err);
		return false;
	}
	if (!read_line(s, cancel, "reading the STARTTLS reply", line, err))
		return false;
	return upgrade(s, a, cancel, res, err);
}

/*
 * IDLE on INBOX through libetpan's fallback (our driver has no idle hooks:
 * it polls the stream's fd and cancel pipe), woken by another thread.
 */
static bool
run_idle(mailimap *imap, const struct args *a, struct net_cancel *cancel,
    struct result *res, GError **err)
{
	static const char *const names[] = {
		[MAILSTREAM_IDLE_ERROR] = "error",
		[MAILSTREAM_IDLE_INTERRUPTED] = "interrupted",
		[MAILSTREAM_IDLE_HASDATA] = "hasdata",
		[MAILSTREAM_IDLE_TIMEOUT] = "timeout",
		[MAILSTREAM_IDLE_CANCELLED] = "cancelled",
	};
	struct interrupter k = { imap->imap_stream,
		a->idle_cancel ? cancel : NULL, a->idle_ms };
	GThread *thread;
	int r, w;

	r = mailimap_select(imap, "INBOX");
	if (r != MAILIMAP_NO_ERROR) {
		etpan_error(cancel, "SELECT", r, err);
		return false;
	}
	if (mailstream_setup_idle(imap->imap_stream) < 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
		    "mailstream_setup_idle failed");
		return false;
	}
	r = mailimap_idle(imap);
	if (r != MAILIMAP_NO_ERROR) {
		mailstream_unsetup_idle(imap->imap_stream);
		etpan_error(cancel, "IDLE", r, err);
		return false;
	}
	thread = g_thread_new("interrupt", interrupt_thread, &k);
	w = mailstream_wait_idle(imap->imap_stream, a->timeout);
	g_thread_join(thread);
	g_string_append_printf(res->extra, " idle=%s",
	    w >= 0 && (size_t)w < G_N_ELEMENTS(names) ? names[w] : "?");
	r = mailimap_idle_done(imap);
	mailstream_unsetup_idle(imap->imap_stream);
	if (r != MAILIMAP_NO_ERROR) {
		etpan_error(cancel, "IDLE DONE", r, err);
		return false;
	}
	r = mailimap_noop(imap);
	if (r != MAILIMAP_NO_ERROR) {
		etpan_error(cancel, "NOOP", r, err);
		return false;
	}
	g_string_append(res->extra, " noop=ok");
	return true;
}

static bool
run_imap(mailimap *imap, const struct args *a, struct net_cancel *cancel,
    struct result *res, GError **err)
{
	struct mailimap_capability_data *caps = NULL;
	int r = mailimap_connect(imap, imap->imap_stream);

	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		etpan_error(cancel, "IMAP greeting", r, err);
		return false;
	}
	if (a->starttls) {
		r = mailimap_starttls(imap);
		if (r != MAILIMAP_NO_ERROR) {
			if (imap->imap_stream != NULL &&
			    imap->imap_stream->read_buffer_len > 0) {
				g_set_error(err, SKUA_ERROR,
				    SKUA_ERROR_PROTOCOL,
				    "server sent data after its STARTTLS "
				    "reply (possible injection): libetpan "
				    "refused it (error %d)",
				    r);
				return false;
			}
			etpan_error(cancel, "STARTTLS", r, err);
			return false;
		}
		if (!upgrade(imap->imap_stream, a, cancel, res, err))
			return false;
		/* Its result pointer must not be NULL (libetpan writes it). */
		r = mailimap_capability(imap, &caps);
		if (r == MAILIMAP_NO_ERROR)
			mailimap_capability_data_free(caps);
		if (r != MAILIMAP_NO_ERROR) {
			etpan_error(cancel, "CAPABILITY", r, err);
			return false;
		}
		g_string_append_printf(res->extra, " starttls_offered=%s",
		    mailimap_has_extension(imap, "STARTTLS") ? "yes" : "no");
	}
	if (a->user != NULL) {
		r = mailimap_login(imap, a->user, a->pass);
		if (r == MAILIMAP_ERROR_LOGIN) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_AUTH,
			    "login as '%s' refused", a->user);
			return false;
		}
		if (r != MAILIMAP_NO_ERROR) {
			etpan_error(cancel, "LOGIN", r, err);
			return false;
		}
		g_string_append(res->extra, " login=ok");
	}
	if (a->idle_ms > 0 && !run_idle(imap, a, cancel, res, err))
		return false;
	r = mailimap_logout(imap);
	if (r != MAILIMAP_NO_ERROR && r != MAILIMAP_ERROR_STREAM) {
		etpan_error(cancel, "LOGOUT", r, err);
		return false;
	}
	return true;
}

static bool
run_pop3(mailpop3 *pop3, const struct args *a, struct net_cancel *cancel,
    struct result *res, GError **err)
{
	int r = mailpop3_connect(pop3, pop3->pop3_stream);

	if (r != MAILPOP3_NO_ERROR) {
		etpan_error(cancel, "POP3 greeting", r, err);
		return false;
	}
	if (a->starttls) {
		r = mailpop3_stls(pop3);
		if (r != MAILPOP3_NO_ERROR) {
			if (pop3->pop3_stream != NULL &&
			    pop3->pop3_stream->read_buffer_len > 0) {
				g_set_error(err, SKUA_ERROR,
				    SKUA_ERROR_PROTOCOL,
				    "server sent data after its STLS reply "
				    "(possible injection): libetpan refused "
				    "it (error %d)",
				    r);
				return false;
			}
			etpan_error(cancel, "STLS", r, err);
			return false;
		}
		if (!upgrade(pop3->pop3_stream, a, cancel, res, err))
			return false;
	}
	if (a->user != NULL) {
		r = mailpop3_login(pop3, a->user, a->pass);
		if (r == MAILPOP3_ERROR_BAD_USER ||
		    r == MAILPOP3_ERROR_BAD_PASSWORD) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_AUTH,
			    "login as '%s' refused", a->user);
			return false;
		}
		if (r != MAILPOP3_NO_ERROR) {
			etpan_error(cancel, "USER/PASS", r, err);
			return false;
		}
		g_string_append(res->extra, " login=ok");
	}
	r = mailpop3_quit(pop3);
	if (r != MAILPOP3_NO_ERROR) {
		etpan_error(cancel, "QUIT", r, err);
		return false;
	}
	return true;
}

static bool
run(const struct args *a, struct net_cancel *cancel, struct result *res,
    GError **err)
{
	bool ok;
	mailstream *s;

	/* --verify-name: TCP to host, the handshake checks another name. */
	res->tls = a->tls && a->verify_name == NULL;
	s = net_connect(a->host, a->port, res->tls, &a->opts, a->timeout,
	    cancel, &res->peer, err);
	if (s == NULL)
		return false;
	if (a->verify_name != NULL && !upgrade(s, a, cancel, res, err)) {
		mailstream_close(s);
		return false;
	}
	if (res->tls && a->verify_name == NULL)
		note_chain(s, res);
	if (a->proto == PROTO_IMAP) {
		mailimap *imap = mailimap_new(0, NULL);

		imap->imap_stream = s;
		ok = run_imap(imap, a, cancel, res, err);
		mailimap_free(imap);
	} else if (a->proto == PROTO_POP3) {
		mailpop3 *pop3 = mailpop3_new(0, NULL);

		pop3->pop3_stream = s;
		ok = run_pop3(pop3, a, cancel, res, err);
		mailpop3_free(pop3);
	} else {
		ok = run_line(s, a, cancel, res, err);
		mailstream_close(s);
	}
	return ok;
}

int
main(int argc, char **argv)
{
	struct args a = { 0 };
	struct result res = { 0 };
	struct canceller k;
	struct net_cancel *cancel;
	GThread *thread = NULL;
	GError *error = NULL;
	bool ok;

	parse_args(argc, argv, &a);
	signal(SIGPIPE, SIG_IGN);
	net_init();
	cancel = net_cancel_new();
	res.extra = g_string_new(NULL);
	if (a.cancel_ms > 0) {
		k.cancel = cancel;
		k.ms = a.cancel_ms;
		thread = g_thread_new("cancel", cancel_thread, &k);
	}
	ok = run(&a, cancel, &res, &error);
	if (ok) {
		printf("ok tls=%s cipher=%s verify=%ld fp=%s subject=[%s]%s\n",
		    res.tls ? res.peer.tls_version : "none",
		    res.tls ? res.peer.cipher : "none", res.peer.verify_result,
		    res.peer.fingerprint, res.peer.subject, res.extra->str);
	} else {
		printf("error %s %s fp=%s subject=[%s] verify=%ld%s\n",
		    kind_of(error), error->message, res.peer.fingerprint,
		    res.peer.subject, res.peer.verify_result, res.extra->str);
		g_error_free(error);
	}
	if (thread != NULL)
		g_thread_join(thread);
	net_cancel_free(cancel);
	g_string_free(res.extra, TRUE);
	return ok ? 0 : 1;
}

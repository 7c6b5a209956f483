/* SPDX-License-Identifier: ISC */
/*
 * SMTP submission. Synchronous code run on a send worker: connect through
 * net/ (implicit TLS, or STARTTLS that is strict: no STARTTLS offered means
 * nothing is sent), EHLO, AUTH PLAIN (else LOGIN) written by us so that no
 * cyrus-sasl plugin is needed, MAIL FROM, one RCPT TO per recipient (one
 * refused fails the send before DATA), DATA, QUIT. The message is 7-bit
 * (mime/compose.c), so no BODY=8BITMIME is needed. A session lives for one
 * submission.
 */
#include "config.h"

#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "backend/common/server-conf.h"
#include "backend/types.h"
#include "net/conn.h"
#include "send/smtp.h"
#include "util/error.h"
#include "util/log.h"

struct smtp {
	struct server_conf srv; /* copies of the connection parameters */

	mailsmtp *session; /* NULL between submissions */
	char response[201];
	struct net_cancel *cancel;
};

static struct smtp *
smtp_of(struct backend *be)
{
	return be->data;
}

static void
disconnect(struct smtp *d)
{
	if (d->session == NULL)
		return;
	mailsmtp_free(d->session);
	d->session = NULL;
}

/* Untrusted server text made printable ASCII, at most 200 bytes. */
static const char *
clean_text(struct smtp *d, const char *r)
{
	size_t i = 0, n;

	if (r == NULL || *r == '\0')
		return "no response text";
	n = strlen(r);
	while (n > 0 && (r[n - 1] == '\r' || r[n - 1] == '\n'))
		n--;
	for (; i < n && i + 1 < sizeof(d->response); i++)
		d->response[i] = (r[i] >= 0x20 && r[i] < 0x7f) ? r[i] : '?';
	d->response[i] = '\0';
	return d->response;
}

static const char *
server_text(struct smtp *d)
{
	return clean_text(d, d->session != NULL ? d->session->response : NULL);
}

/* A libetpan result as an error; a stream error drops the session. */
static bool
check(struct smtp *d, int r, const char *what, GError **err)
{
	GError *why = NULL;

	if (r == MAILSMTP_NO_ERROR)
		return true;
	if (r == MAILSMTP_ERROR_STREAM) {
		if (!net_io_check(d->cancel, &why)) {
			g_set_error(err, why->domain, why->code,
			    "%s: connection to %s lost during %s (%s)",
			    d->srv.account, d->srv.host, what, why->message);
			g_error_free(why);
		} else
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_NETWORK,
			    "%s: connection to %s lost during %s",
			    d->srv.account, d->srv.host, what);
		disconnect(d);
		return false;
	}
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
	    "%s: %s refused by %s: %s", d->srv.account, what, d->srv.host,
	    server_text(d));
	return false;
}

/*
 * Send one line we wrote (secret: wiped after) and read the reply, a
 * possibly multi-line one; its code, or -1 on a stream error. The last
 * line's text goes to d->response.
 */
static int
command(struct smtp *d, const char *line)
{
	mailstream *s = d->session->stream;
	MMAPString *buf;
	int code = -1;

	if (mailstream_write(s, line, strlen(line)) < 0 ||
	    mailstream_flush(s) < 0)
		return -1;
	buf = mmap_string_new("");
	for (unsigned lines = 0; lines < 100; lines++) {
		char *reply = mailstream_read_line_remove_eol(s, buf);

		if (reply == NULL)
			break;
		if (strlen(reply) < 3 || !g_ascii_isdigit(reply[0]) ||
		    !g_ascii_isdigit(reply[1]) || !g_ascii_isdigit(reply[2])) {
			clean_text(d, reply);
			code = 0;
			break;
		}
		if (reply[3] == '-')
			continue;
		code = (reply[0] - '0') * 100 + (reply[1] - '0') * 10 +
		    (reply[2] - '0');
		clean_text(d, reply[3] != '\0' ? reply + 4 : reply);
		break;
	}
	mmap_string_free(buf);
	return code;
}

/* command() with a secret line: wiped and freed here. */
static int
secret_command(struct smtp *d, char *line)
{
	int code = command(d, line);

	explicit_bzero(line, strlen(line));
	g_free(line);
	return code;
}

static char *
b64_secret(const char *s, size_t n)
{
	return g_base64_encode((const guchar *)s, n);
}

static bool
auth_failed(struct smtp *d, int code, const char *mech, GError **err)
{
	if (code < 0)
		return check(d, MAILSMTP_ERROR_STREAM, mech, err);
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_AUTH,
	    "%s: login as '%s' refused by %s (%s): %s", d->srv.account,
	    d->srv.user, d->srv.host, mech, d->response);
	return false;
}

/* AUTH PLAIN with the initial response (RFC 4954). */
static bool
auth_plain(struct smtp *d, GError **err)
{
	size_t ulen = strlen(d->srv.user), plen = strlen(d->srv.password);
	size_t n = ulen + plen + 2;
	char *raw = g_malloc(n);
	char *b64;
	int code;

	raw[0] = '\0';
	memcpy(raw + 1, d->srv.user, ulen);
	raw[1 + ulen] = '\0';
	memcpy(raw + 2 + ulen, d->srv.password, plen);
	b64 = b64_secret(raw, n);
	explicit_bzero(raw, n);
	g_free(raw);
	code = secret_command(d, g_strdup_printf("AUTH PLAIN %s\r\n", b64));
	explicit_bzero(b64, strlen(b64));
	g_free(b64);
	if (code == 235)
		return true;
	return auth_failed(d, code, "AUTH PLAIN", err);
}

/* AUTH LOGIN: the user name and the password each answer a 334. */
static bool
auth_login(struct smtp *d, GError **err)
{
	char *b64;
	int code = command(d, "AUTH LOGIN\r\n");

	if (code != 334)
		return auth_failed(d, code, "AUTH LOGIN", err);
	b64 = b64_secret(d->srv.user, strlen(d->srv.user));
	code = secret_command(d, g_strdup_printf("%s\r\n", b64));
	g_free(b64);
	if (code != 334)
		return auth_failed(d, code, "AUTH LOGIN", err);
	b64 = b64_secret(d->srv.password, strlen(d->srv.password));
	code = secret_command(d, g_strdup_printf("%s\r\n", b64));
	explicit_bzero(b64, strlen(b64));
	g_free(b64);
	if (code == 235)
		return true;
	return auth_failed(d, code, "AUTH LOGIN", err);
}

static bool
is_loopback(const char *host)
{
	return strcmp(host, "localhost") == 0 ||
	    g_str_has_prefix(host, "127.") || strcmp(host, "::1") == 0;
}

static bool
login(struct smtp *d, GError **err)
{
	if (d->srv.user == NULL)
		return true; /* no user: the server relays for us, or says no */
	if (d->srv.password == NULL && d->srv.password_command != NULL) {
		d->srv.password = backend_password_command(d->srv.account,
		    d->srv.password_command, err);
		if (d->srv.password == NULL)
			return false;
	}
	if (d->srv.password == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_AUTH,
		    "%s: no password to log in to %s with (set password or "
		    "password_command)",
		    d->srv.account, d->srv.host);
		return false;
	}
	if (d->srv.tls == TLS_NONE && !is_loopback(d->srv.host)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
		    "%s: refusing to send a password to %s without TLS",
		    d->srv.account, d->srv.host);
		return false;
	}
	if (d->session->auth & MAILSMTP_AUTH_PLAIN)
		return auth_plain(d, err);
	if (d->session->auth & MAILSMTP_AUTH_LOGIN)
		return auth_login(d, err);
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_AUTH,
	    "%s: %s offers neither AUTH PLAIN nor AUTH LOGIN", d->srv.account,
	    d->srv.host);
	return false;
}

/* EHLO with our address literal, never this machine's name. */
static int
ehlo(struct smtp *d)
{
	return mailesmtp_ehlo_with_ip(d->session, 1);
}

static bool
smtp_connect(struct smtp *d, GError **err)
{
	struct net_tls_opts tls = server_conf_tls(&d->srv);
	struct net_peer peer;
	mailstream *s;
	int r;

	disconnect(d);
	net_cancel_reset(d->cancel);
	s = net_connect(d->srv.host, d->srv.port, d->srv.tls == TLS_IMPLICIT,
	    &tls, d->srv.timeout, d->cancel, &peer, err);
	if (s == NULL) {
		g_prefix_error(err, "%s: ", d->srv.account);
		return false;
	}
	d->session = mailsmtp_new(0, NULL);
	r = mailsmtp_connect(d->session, s);
	if (r != MAILSMTP_NO_ERROR) {
		if (r == MAILSMTP_ERROR_STREAM)
			check(d, r, "the greeting", err);
		else
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_NETWORK,
			    "%s: %s:%u does not accept mail: %s",
			    d->srv.account, d->srv.host, d->srv.port,
			    server_text(d));
		goto fail;
	}
	r = ehlo(d);
	if (r != MAILSMTP_NO_ERROR) {
		check(d, r, "EHLO", err);
		goto fail;
	}
	if (d->srv.tls == TLS_STARTTLS) {
		if (!(d->session->esmtp & MAILSMTP_ESMTP_STARTTLS)) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
			    "%s: %s does not offer STARTTLS; refusing to send "
			    "without TLS (use smtps:// or set starttls=no)",
			    d->srv.account, d->srv.host);
			goto fail;
		}
		r = mailesmtp_starttls(d->session);
		if (r != MAILSMTP_NO_ERROR) {
			/* libetpan refuses data buffered after the reply. */
			if (d->session->stream != NULL &&
			    d->session->stream->read_buffer_len > 0)
				g_set_error(err, SKUA_ERROR,
				    SKUA_ERROR_PROTOCOL,
				    "%s: %s sent data after its STARTTLS reply "
				    "(possible injection); refused",
				    d->srv.account, d->srv.host);
			else
				check(d, r, "STARTTLS", err);
			goto fail;
		}
		if (!net_starttls(d->session->stream, d->srv.host, &tls,
			d->srv.timeout, d->cancel, &peer, err))
			goto fail;
		/* What the server said before TLS may have been forged. */
		r = ehlo(d);
		if (r != MAILSMTP_NO_ERROR) {
			check(d, r, "EHLO", err);
			goto fail;
		}
	}
	if (!login(d, err))
		goto fail;
	log_info("%s: connected to %s:%u (SMTP)", d->srv.account, d->srv.host,
	    d->srv.port);
	return true;
fail:
	disconnect(d);
	return false;
}

static bool
smtp_submit(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct smtp *d = smtp_of(be);
	g_autofree char *data = NULL;
	gsize len = 0;
	int r;

	(void)sink;
	if (req->path == NULL || req->sender == NULL ||
	    req->recipients == NULL || req->recipients->len == 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "%s: nothing to send", d->srv.account);
		return false;
	}
	if (!g_file_get_contents(req->path, &data, &len, err))
		return false;
	if (!smtp_connect(d, err))
		return false;
	r = mailsmtp_mail(d->session, req->sender);
	if (r != MAILSMTP_NO_ERROR) {
		g_autofree char *what =
		    g_strdup_printf("sender %s", req->sender);

		check(d, r, what, err);
		goto fail;
	}
	for (guint i = 0; i < req->recipients->len; i++) {
		const char *to = req->recipients->pdata[i];

		r = mailsmtp_rcpt(d->session, to);
		if (r != MAILSMTP_NO_ERROR) {
			g_autofree char *what =
			    g_strdup_printf("recipient %s", to);

			check(d, r, what, err);
			goto fail;
		}
	}
	r = mailsmtp_data(d->session);
	if (r == MAILSMTP_NO_ERROR)
		r = mailsmtp_data_message(d->session, data, len);
	if (r != MAILSMTP_NO_ERROR) {
		check(d, r, "the message", err);
		goto fail;
	}
	log_info("%s: sent %zu bytes to %u recipient%s via %s: %s",
	    d->srv.account, (size_t)len, req->recipients->len,
	    req->recipients->len == 1 ? "" : "s", d->srv.host, server_text(d));
	mailsmtp_quit(d->session);
	disconnect(d);
	return true;
fail:
	disconnect(d);
	return false;
}

static void
smtp_free(struct backend *be)
{
	struct smtp *d = smtp_of(be);

	disconnect(d);
	net_cancel_free(d->cancel);
	server_conf_clear(&d->srv);
	g_free(d);
	g_free(be);
}

static void
smtp_interrupt(struct backend *be)
{
	net_cancel_trigger(smtp_of(be)->cancel);
}

static const struct backend_ops smtp_ops = {
	.size = sizeof(struct backend_ops),
	.name = "smtp",
	.caps = BACKEND_CAP_REMOTE,
	.free = smtp_free,
	.interrupt = smtp_interrupt,
	.submit = smtp_submit,
};

struct backend *
smtp_backend_new(const struct backend_params *p)
{
	struct backend *be = g_new0(struct backend, 1);
	struct smtp *d = g_new0(struct smtp, 1);

	server_conf_init(&d->srv, p);
	d->cancel = net_cancel_new();
	be->ops = &smtp_ops;
	be->data = d;
	return be;
}

/* SPDX-License-Identifier: ISC */
/*
 * The POP3 driver. Synchronous code: connect (implicit TLS or strict
 * STLS), log in (AUTH PLAIN where offered, else APOP when the greeting
 * has a timestamp, else USER/PASS), list the
 * messages with their UIDLs, download each one not yet in the UIDL state
 * into the local Maildir, delete what is due, QUIT.
 *
 * Why a kill -9 at any instant loses nothing and downloads nothing twice.
 * For each new message, in this order:
 *   1. choose a unique Maildir name N and commit the row (UIDL, N,
 *      PENDING) in the state file (SQLite, synchronous=FULL);
 *   2. RETR, write tmp/N, fsync it, rename (link) it to new/N, fsync new/;
 *   3. mark the row DONE (committed);
 *   4. DELE if due; QUIT only at the end (the server deletes on QUIT).
 * Messages go in batches (fetch_batch): step 1 for the whole batch in one
 * transaction, step 2 per message with one fsync of new/ for the batch,
 * step 3 in one transaction, step 4; each step still ends before the next
 * starts for every message of the batch, so the argument below holds.
 * A crash before 2 ends leaves a PENDING row whose file is not in new/ or
 * cur/: the next run forgets the row, removes tmp/N and downloads the
 * message again (it is still on the server: no DELE was sent, and a DELE
 * without QUIT is undone by the server). A crash between the rename and
 * step 3 leaves a PENDING row whose file IS there (new/N, or cur/N:2,... if
 * a reader moved it): the next run marks it DONE without downloading it
 * again. That is why the row is written BEFORE the rename: recording the
 * UIDL only after it would leave a window where the file exists and no row
 * says so, and the message would come twice. A crash after step 3 and
 * before QUIT leaves the message on the server with a DONE row: it is
 * skipped and deleted again on the next run. Rows of messages the server
 * no longer lists are forgotten at the start of a run, after the PENDING
 * rows were settled. A message is DELEted only once its file is durable.
 *
 * A server without UIDL (pop_no_uidl = yes; refused otherwise) gives no
 * name that survives a session, so a message is known by its content: the
 * key of its row is "sha256:<hex>" of the bytes RETR gives (fetch_whole).
 * Every message is downloaded whole (TOP-only could never be completed:
 * nothing would find the message again) and deleted: the only way to
 * tell an old message from a new one is to download it, so none is kept.
 * Per batch: RETR each into memory (bounded by its LIST size) and hash
 * it; a key with a DONE row (an earlier run delivered it) or seen earlier
 * in the batch is not delivered again; for the others the same steps 1
 * to 3 as above with the key for the UIDL; then DELE every message of
 * the batch; QUIT at the end. The same argument holds instant by instant:
 * a crash before a row is PENDING leaves the message on the server and
 * no trace here (downloaded again next time); the PENDING rows are
 * settled as above (forgotten unless the file is in new/ or cur/); a
 * crash after DONE, even after DELE but before QUIT, leaves the message
 * on the server (the server undoes a DELE without QUIT), and the next run
 * downloads it again, finds its key DONE and only deletes it. Rows are not
 * forgotten for being absent from the server (nothing says what it has)
 * but after a QUIT that succeeded: the keys that session DELEted (their
 * messages are gone now), and after the last session, which listed and
 * deleted every message, all of them; a message with the same bytes
 * coming later is new mail. A session QUITs and logs in again every 256
 * messages, so a fetch interrupted later does not download again what
 * was deleted for good. The cost: two messages with identical bytes in
 * one session are stored once.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libetpan/libetpan.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/common/server-conf.h"
#include "backend/maildir/deliver.h"
#include "backend/pop3/apop.h"
#include "backend/pop3/pop3-pipe.h"
#include "backend/pop3/pop3.h"
#include "backend/types.h"
#include "net/conn.h"
#include "store/uidl.h"
#include "util/error.h"
#include "util/log.h"

/*
 * libetpan's session states (private to its mailpop3.c): after our own
 * AUTH PLAIN the session must be moved to TRANSACTION as its USER/PASS
 * would, or every later call fails with a state error. The greeting puts
 * it in AUTHORIZATION; login() checks that before relying on the values.
 */
#define ETPAN_POP3_AUTHORIZATION 1
#define ETPAN_POP3_TRANSACTION	 2

/* The marker of a message stored with its header only (pop_max_size). */
#define PARTIAL_HEADER "X-Skua-Partial"

struct pop3 {
	struct server_conf srv; /* copies of the connection parameters */
	char *local_store, *state;
	bool del, ask;
	long keep_days, max_size;
	bool no_uidl;	 /* pop_no_uidl: a server without UIDL is used */
	bool pipelining; /* CAPA said PIPELINING (RFC 2449) */
	bool delete_now; /* this run: the yes to pop_delete = ask */

	mailpop3 *session; /* NULL while disconnected */
	/* The SHA-256 of a certificate net/ refused at the last connect,
	 * for the question (sink_untrusted); NULL: none refused. */
	char *untrusted;
	char *apop_stamp;   /* the greeting's APOP timestamp, or NULL */
	char response[201]; /* server_text()'s copy */
	struct net_cancel *cancel;
};

static struct pop3 *
pop3_of(struct backend *be)
{
	return be->data;
}

static void
disconnect(struct pop3 *d)
{
	if (d->session == NULL)
		return;
	mailpop3_free(d->session);
	d->session = NULL;
}

/*
 * The server's last response text, for messages: controls and bytes
 * outside printable ASCII made '?', at most 200 bytes (it reaches the
 * terminal and stderr). Never NULL.
 */
static const char *
server_text(struct pop3 *d)
{
	const char *r = d->session != NULL ? d->session->pop3_response : NULL;
	size_t i = 0;

	if (r == NULL || *r == '\0')
		return "no response text";
	for (; r[i] != '\0' && i + 1 < sizeof(d->response); i++)
		d->response[i] = (r[i] >= 0x20 && r[i] < 0x7f) ? r[i] : '?';
	d->response[i] = '\0';
	return d->response;
}

/* Map a libetpan result to an error; a stream error drops the session. */
static bool
check(struct pop3 *d, int r, const char *what, GError **err)
{
	GError *why = NULL;

	if (r == MAILPOP3_NO_ERROR)
		return true;
	/* A server that closed the connection reads as an empty answer to
	 * libetpan (a refusal, not a stream error): what net/ saw decides. */
	if (r == MAILPOP3_ERROR_STREAM || !net_io_check(d->cancel, NULL)) {
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
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL, "%s: %s failed: %s",
	    d->srv.account, what, server_text(d));
	return false;
}

/* The first line of password_command's output becomes the password. */
static bool
run_password_command(struct pop3 *d, GError **err)
{
	d->srv.password = backend_password_command(d->srv.account,
	    d->srv.password_command, err);
	return d->srv.password != NULL;
}

/* What CAPA said that matters to us. */
struct caps {
	bool known; /* CAPA answered */
	bool stls, uidl, sasl_plain, pipelining;
};

static void
read_caps(struct pop3 *d, struct caps *c)
{
	clist *list = NULL;

	memset(c, 0, sizeof(*c));
	if (mailpop3_capa(d->session, &list) != MAILPOP3_NO_ERROR)
		return;
	c->known = true;
	for (clistiter *it = clist_begin(list); it != NULL;
	     it = clist_next(it)) {
		struct mailpop3_capa *cap = clist_content(it);

		if (cap->cap_name == NULL)
			continue;
		if (g_ascii_strcasecmp(cap->cap_name, "STLS") == 0)
			c->stls = true;
		else if (g_ascii_strcasecmp(cap->cap_name, "UIDL") == 0)
			c->uidl = true;
		else if (g_ascii_strcasecmp(cap->cap_name, "PIPELINING") == 0)
			c->pipelining = true;
		else if (g_ascii_strcasecmp(cap->cap_name, "SASL") == 0 &&
		    cap->cap_param != NULL) {
			for (clistiter *p = clist_begin(cap->cap_param);
			     p != NULL; p = clist_next(p))
				if (g_ascii_strcasecmp(clist_content(p),
					"PLAIN") == 0)
					c->sasl_plain = true;
		}
	}
	mailpop3_capa_resp_free(list);
}

/*
 * AUTH PLAIN with the initial response (RFC 5034), sent by us: libetpan's
 * mailpop3_auth goes through cyrus-sasl plugins that may be missing.
 */
static bool
auth_plain(struct pop3 *d, GError **err)
{
	mailstream *s = d->session->pop3_stream;
	size_t ulen = strlen(d->srv.user), plen = strlen(d->srv.password);
	size_t n = ulen + plen + 2;
	char *raw = g_malloc(n);
	char *b64, *line;
	MMAPString *buf;
	char *reply;
	bool ok;

	raw[0] = '\0';
	memcpy(raw + 1, d->srv.user, ulen);
	raw[1 + ulen] = '\0';
	memcpy(raw + 2 + ulen, d->srv.password, plen);
	b64 = g_base64_encode((const guchar *)raw, n);
	explicit_bzero(raw, n);
	g_free(raw);
	line = g_strdup_printf("AUTH PLAIN %s\r\n", b64);
	explicit_bzero(b64, strlen(b64));
	g_free(b64);
	ok = mailstream_write(s, line, strlen(line)) >= 0 &&
	    mailstream_flush(s) >= 0;
	explicit_bzero(line, strlen(line));
	g_free(line);
	if (!ok)
		return check(d, MAILPOP3_ERROR_STREAM, "AUTH PLAIN", err);
	buf = mmap_string_new("");
	reply = mailstream_read_line_remove_eol(s, buf);
	if (reply == NULL) {
		mmap_string_free(buf);
		return check(d, MAILPOP3_ERROR_STREAM, "AUTH PLAIN", err);
	}
	if (strncmp(reply, "+OK", 3) == 0) {
		mmap_string_free(buf);
		d->session->pop3_state = ETPAN_POP3_TRANSACTION;
		return true;
	}
	{
		g_autofree char *safe = g_strndup(reply, 200);

		for (char *p = safe; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_AUTH,
		    "%s: login as '%s' refused: %s", d->srv.account,
		    d->srv.user, safe);
	}
	mmap_string_free(buf);
	return false;
}

/* The one line of the server's answer to our own command, checked. */
static bool
own_command(struct pop3 *d, const char *line, const char *what, GError **err)
{
	mailstream *s = d->session->pop3_stream;
	MMAPString *buf;
	char *reply;

	if (mailstream_write(s, line, strlen(line)) < 0 ||
	    mailstream_flush(s) < 0)
		return check(d, MAILPOP3_ERROR_STREAM, what, err);
	buf = mmap_string_new("");
	reply = mailstream_read_line_remove_eol(s, buf);
	if (reply == NULL) {
		mmap_string_free(buf);
		return check(d, MAILPOP3_ERROR_STREAM, what, err);
	}
	if (strncmp(reply, "+OK", 3) == 0) {
		mmap_string_free(buf);
		d->session->pop3_state = ETPAN_POP3_TRANSACTION;
		return true;
	}
	{
		g_autofree char *safe = g_strndup(reply, 200);

		for (char *p = safe; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_AUTH,
		    "%s: login as '%s' refused (%s): %s", d->srv.account,
		    d->srv.user, what, safe);
	}
	mmap_string_free(buf);
	return false;
}

/* APOP user MD5(timestamp password), sent by us (libetpan's reads the
 * timestamp its own way). The user name must be one word. */
static bool
auth_apop(struct pop3 *d, GError **err)
{
	g_autofree char *digest = apop_digest(d->apop_stamp, d->srv.password);
	g_autofree char *line = NULL;

	if (strpbrk(d->srv.user, " \t\r\n") != NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_AUTH,
		    "%s: the user name has a space: APOP cannot send it",
		    d->srv.account);
		return false;
	}
	line = g_strdup_printf("APOP %s %s\r\n", d->srv.user, digest);
	return own_command(d, line, "APOP", err);
}

static bool
login(struct pop3 *d, const struct caps *caps, GError **err)
{
	int r;

	if (d->srv.password == NULL && d->srv.password_command != NULL &&
	    !run_password_command(d, err))
		return false;
	if (d->srv.user == NULL || d->srv.password == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_AUTH,
		    "%s: no %s to log in with (set password or "
		    "password_command)",
		    d->srv.account,
		    d->srv.user == NULL ? "user name" : "password");
		return false;
	}
	if (caps->sasl_plain &&
	    d->session->pop3_state == ETPAN_POP3_AUTHORIZATION)
		return auth_plain(d, err);
	/* A greeting with a timestamp (<...@...>) offers APOP: the
	 * password never goes over the wire, only MD5(timestamp password)
	 * (RFC 1939 section 7), so it beats USER/PASS. */
	if (d->apop_stamp != NULL &&
	    d->session->pop3_state == ETPAN_POP3_AUTHORIZATION)
		return auth_apop(d, err);
	r = mailpop3_user(d->session, d->srv.user);
	if (r == MAILPOP3_NO_ERROR)
		r = mailpop3_pass(d->session, d->srv.password);
	if (r == MAILPOP3_ERROR_BAD_USER || r == MAILPOP3_ERROR_BAD_PASSWORD) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_AUTH,
		    "%s: login as '%s' refused: %s", d->srv.account,
		    d->srv.user, server_text(d));
		return false;
	}
	return check(d, r, "USER/PASS", err);
}

/* A certificate net/ refused: keep its fingerprint for the question. */
static void
note_untrusted(struct pop3 *d, const struct net_peer *peer, const GError *error)
{
	if (peer->fingerprint[0] != '\0' &&
	    g_error_matches(error, SKUA_ERROR, SKUA_ERROR_TLS_VERIFY))
		d->untrusted = g_strdup(peer->fingerprint);
}

static bool
pop3_connect(struct pop3 *d, GError **err)
{
	struct net_tls_opts tls = server_conf_tls(&d->srv);
	struct net_peer peer;
	struct caps caps;
	mailstream *s;
	int r;

	disconnect(d);
	net_cancel_reset(d->cancel);
	g_clear_pointer(&d->untrusted, g_free);
	peer.fingerprint[0] = '\0';
	s = net_connect(d->srv.host, d->srv.port, d->srv.tls == TLS_IMPLICIT,
	    &tls, d->srv.timeout, d->cancel, &peer, err);
	if (s == NULL) {
		note_untrusted(d, &peer, err != NULL ? *err : NULL);
		return false;
	}
	d->session = mailpop3_new(0, NULL);
	r = mailpop3_connect(d->session, s);
	if (r != MAILPOP3_NO_ERROR) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NETWORK,
		    "%s: no POP3 greeting from %s:%u", d->srv.account,
		    d->srv.host, d->srv.port);
		goto fail;
	}
	/* The greeting is the last response yet: APOP's timestamp. */
	g_free(d->apop_stamp);
	d->apop_stamp = apop_timestamp(d->session->pop3_response);
	read_caps(d, &caps);
	if (d->srv.tls == TLS_STARTTLS) {
		if (!caps.stls) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
			    "%s: %s does not offer STLS; refusing to log in "
			    "without TLS (use pops:// or set starttls=no)",
			    d->srv.account, d->srv.host);
			goto fail;
		}
		r = mailpop3_stls(d->session);
		if (r != MAILPOP3_NO_ERROR) {
			/* libetpan refuses data buffered after the reply. */
			if (d->session->pop3_stream != NULL &&
			    d->session->pop3_stream->read_buffer_len > 0)
				g_set_error(err, SKUA_ERROR,
				    SKUA_ERROR_PROTOCOL,
				    "%s: %s sent data after its STLS reply "
				    "(possible injection); refused",
				    d->srv.account, d->srv.host);
			else
				check(d, r, "STLS", err);
			goto fail;
		}
		if (!net_starttls(d->session->pop3_stream, d->srv.host, &tls,
			d->srv.timeout, d->cancel, &peer, err)) {
			note_untrusted(d, &peer, err != NULL ? *err : NULL);
			goto fail;
		}
		/* What the server said before TLS may have been forged. */
		read_caps(d, &caps);
	}
	/* Before the credentials: a server we would refuse gets none. */
	if (caps.known && !caps.uidl && !d->no_uidl) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
		    "%s: %s does not offer UIDL; refusing to download, as skua "
		    "could not tell new mail from old (set pop_no_uidl = yes "
		    "to download and delete every message without it)",
		    d->srv.account, d->srv.host);
		goto fail;
	}
	if (!login(d, &caps, err))
		goto fail;
	d->pipelining = caps.pipelining;
	log_info("%s: logged in to %s:%u (POP3)", d->srv.account, d->srv.host,
	    d->srv.port);
	return true;
fail:
	disconnect(d);
	return false;
}

/* Which server this state belongs to: "user@host:port". */
static char *
server_key(const struct pop3 *d)
{
	return g_strdup_printf("%s@%s:%u",
	    d->srv.user != NULL ? d->srv.user : "", d->srv.host, d->srv.port);
}

/*
 * Settle the rows a killed run left PENDING (see the comment at the top)
 * and forget the rows of messages the server no longer has; on_server
 * NULL (a server without UIDL: nothing tells what it has) forgets none.
 */
static bool
reconcile(struct pop3 *d, struct uidl_store *st, const char *server,
    GHashTable *rows, GHashTable *on_server, GError **err)
{
	GHashTableIter it;
	gpointer key, value;

	if (!uidl_store_begin(st, err))
		return false;
	g_hash_table_iter_init(&it, rows);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		struct uidl_row *row = value;

		if (row->state == UIDL_PENDING) {
			maildir_discard_tmp(d->local_store, row->file);
			if (maildir_has(d->local_store, row->file)) {
				if (!uidl_store_done(st, server, key, false,
					err))
					return false;
				row->state = UIDL_DONE;
				log_info("%s: %s was delivered before an "
					 "interruption",
				    d->srv.account, row->file);
			} else {
				if (!uidl_store_forget(st, server, key, err))
					return false;
				g_hash_table_iter_remove(&it);
				continue;
			}
		}
		if (on_server != NULL &&
		    !g_hash_table_contains(on_server, key)) {
			if (!uidl_store_forget(st, server, key, err))
				return false;
			g_hash_table_iter_remove(&it);
		}
	}
	return uidl_store_commit(st, err);
}

/* The header of a big message, marked so a reader knows the body is not
 * here: TOP n 0's text with our field first. */
static char *
partial_text(const char *top, size_t len, uint32_t size, size_t *out_len)
{
	g_autofree char *field = g_strdup_printf(PARTIAL_HEADER
	    ": %u bytes; only the header was downloaded\r\n",
	    size);
	size_t flen = strlen(field);
	char *out = g_malloc(flen + len + 1);

	memcpy(out, field, flen);
	memcpy(out + flen, top, len);
	out[flen + len] = '\0';
	*out_len = flen + len;
	return out;
}

/* New messages are fetched in batches of this many (see fetch_batch). */
#define BATCH 64

/* A message of a batch. */
struct item {
	/*
	 * Copies of the server's data: a broken connection frees the
	 * session and its list while the batch is still looked at.
	 */
	char *uidl;
	uint32_t size;
	unsigned index;
	char *name; /* its Maildir file name */
	bool partial;
};

/* Write the answer text of RETR (or TOP n 0) of it as tmp/NAME, not yet
 * synced. */
static bool
write_one(struct pop3 *d, const struct item *it, const char *text, size_t len,
    GError **err)
{
	const unsigned flags = MAILDIR_CRLF;
	size_t plen;
	char *p;
	bool ok;

	if (!it->partial)
		return maildir_write_tmp(d->local_store, it->name, text, len,
		    flags, err);
	p = partial_text(text, len, it->size, &plen);
	ok = maildir_write_tmp(d->local_store, it->name, p, plen, flags, err);
	g_free(p);
	return ok;
}

/* RETR (or TOP n 0) it and write it as tmp/NAME, not yet synced. */
static bool
retrieve_one(struct pop3 *d, struct item *it, GError **err)
{
	char *text = NULL;
	size_t len = 0;
	bool ok;
	int r;

	if (it->partial)
		r = mailpop3_top(d->session, it->index, 0, &text, &len);
	else
		r = mailpop3_retr(d->session, it->index, &text, &len);
	if (!check(d, r, it->partial ? "TOP" : "RETR", err))
		return false;
	ok = write_one(d, it, text, len, err);
	if (it->partial)
		mailpop3_top_free(text);
	else
		mailpop3_retr_free(text);
	return ok;
}

/*
 * With PIPELINING: every RETR (TOP n 0) of items in one write, then the
 * answers in order, each written as tmp/NAME, so the server sends the next
 * message while skua writes this one. Returns how many items, from the
 * first, were written; after a refusal or a write error the remaining
 * answers are still read (the session stays in step) and err says what
 * failed first.
 */
static guint
retrieve_pipelined(struct pop3 *d, GArray *items, GError **err)
{
	g_autoptr(GPtrArray) cmds = g_ptr_array_new_with_free_func(g_free);
	GError *error = NULL;
	guint written = 0;

	for (guint i = 0; i < items->len; i++) {
		const struct item *it = &g_array_index(items, struct item, i);

		g_ptr_array_add(cmds,
		    it->partial ? g_strdup_printf("TOP %u 0", it->index)
				: g_strdup_printf("RETR %u", it->index));
	}
	if (!pop3_pipe_send(d->session, cmds)) {
		check(d, MAILPOP3_ERROR_STREAM, "RETR", err);
		return 0;
	}
	for (guint i = 0; i < items->len; i++) {
		const struct item *it = &g_array_index(items, struct item, i);
		const char *what = it->partial ? "TOP" : "RETR";
		char why[160];
		const char *text;
		size_t len = 0;
		int st = pop3_pipe_status(d->session, why, sizeof(why));

		if (st < 0) {
			g_clear_error(&error);
			check(d, MAILPOP3_ERROR_STREAM, what, err);
			return written;
		}
		if (st == 0) {
			if (error == NULL)
				g_set_error(&error, SKUA_ERROR,
				    SKUA_ERROR_PROTOCOL, "%s: %s %u failed: %s",
				    d->srv.account, what, it->index,
				    *why != '\0' ? why : "no response text");
			continue;
		}
		text = pop3_pipe_multiline(d->session, it->size, &len);
		if (text == NULL) {
			g_clear_error(&error);
			check(d, MAILPOP3_ERROR_STREAM, what, err);
			return written;
		}
		if (error == NULL && write_one(d, it, text, len, &error))
			written++;
	}
	if (error != NULL)
		g_propagate_error(err, error);
	return written;
}

/*
 * One batch of new messages, with four syncs for the whole batch instead
 * of four per message: the PENDING rows of all of them in one
 * transaction; each message written to tmp/; one sync of the files
 * (syncfs); each moved into new/; one fsync of new/; the rows DONE in one
 * transaction. Every row is durable before its file is moved, every
 * file's content before its move, every move before its row says DONE,
 * which is all the argument at the top needs. *delivered: how many of
 * items made it into new/ (their rows may still be PENDING on failure:
 * the next run settles them).
 */
static bool
fetch_batch(struct pop3 *d, struct uidl_store *st, const char *server,
    GArray *items, unsigned *delivered, GError **err)
{
	int64_t now = (int64_t)time(NULL);
	GError *error = NULL;
	GPtrArray *names;

	*delivered = 0;
	if (!uidl_store_begin(st, err))
		return false;
	for (guint i = 0; i < items->len; i++) {
		struct item *it = &g_array_index(items, struct item, i);

		if (!uidl_store_pending(st, server, it->uidl, it->name, now,
			err)) {
			uidl_store_rollback(st);
			return false;
		}
	}
	if (!uidl_store_commit(st, err))
		return false;
	names = g_ptr_array_new();
	if (d->pipelining) {
		guint n = retrieve_pipelined(d, items, &error);

		for (guint i = 0; i < n; i++)
			g_ptr_array_add(names,
			    g_array_index(items, struct item, i).name);
	} else {
		for (guint i = 0; i < items->len; i++) {
			struct item *it = &g_array_index(items, struct item, i);

			if (!retrieve_one(d, it, &error))
				break;
			g_ptr_array_add(names, it->name);
		}
	}
	/* What was retrieved is kept even when the batch broke off. */
	if (names->len > 0 &&
	    !maildir_sync_tmp(d->local_store, (char *const *)names->pdata,
		names->len, err))
		goto fail;
	for (guint i = 0; i < names->len; i++) {
		if (!maildir_link_new(d->local_store, names->pdata[i], err))
			goto fail;
		(*delivered)++;
	}
	if (*delivered > 0 && !maildir_sync_new(d->local_store, err)) {
		*delivered = 0;
		goto fail;
	}
	g_ptr_array_free(names, TRUE);
	names = NULL;
	if (error != NULL) {
		g_propagate_error(err, error);
		return false;
	}
	if (!uidl_store_begin(st, err))
		return false;
	for (guint i = 0; i < items->len; i++) {
		struct item *it = &g_array_index(items, struct item, i);

		if (!uidl_store_done(st, server, it->uidl, it->partial, err)) {
			uidl_store_rollback(st);
			return false;
		}
	}
	return uidl_store_commit(st, err);
fail:
	g_clear_error(&error);
	g_ptr_array_free(names, TRUE);
	return false;
}

/*
 * A DELE sent by us, not by mailpop3_dele(): mark the message deleted in
 * libetpan's list as mailpop3_dele() would, so that later loops over the
 * list skip it.
 */
static void
mark_deleted(struct pop3 *d, unsigned index)
{
	carray *tab = d->session->pop3_msg_tab;
	struct mailpop3_msg_info *info = NULL;

	if (tab == NULL)
		return;
	if (index >= 1 && index <= carray_count(tab))
		info = carray_get(tab, index - 1);
	if (info == NULL || info->msg_index != index) {
		info = NULL;
		for (unsigned i = 0; i < carray_count(tab) && info == NULL;
		     i++) {
			struct mailpop3_msg_info *m = carray_get(tab, i);

			if (m != NULL && m->msg_index == index)
				info = m;
		}
	}
	if (info != NULL && !info->msg_deleted) {
		info->msg_deleted = TRUE;
		d->session->pop3_deleted_count++;
	}
}

/*
 * DELE each message of indexes (unsigned), pipelined when the server
 * allows it; *deleted counts those the server accepted. The first
 * refusal or a broken connection is an error.
 */
static bool
delete_all(struct pop3 *d, const GArray *indexes, unsigned *deleted,
    GError **err)
{
	g_autoptr(GPtrArray) cmds = NULL;
	GError *error = NULL;

	if (!d->pipelining || indexes->len < 2) {
		for (guint i = 0; i < indexes->len; i++) {
			int r = mailpop3_dele(d->session,
			    g_array_index(indexes, unsigned, i));

			if (!check(d, r, "DELE", err))
				return false;
			(*deleted)++;
		}
		return true;
	}
	cmds = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < indexes->len; i++)
		g_ptr_array_add(cmds,
		    g_strdup_printf("DELE %u",
			g_array_index(indexes, unsigned, i)));
	if (!pop3_pipe_send(d->session, cmds))
		return check(d, MAILPOP3_ERROR_STREAM, "DELE", err);
	for (guint i = 0; i < indexes->len; i++) {
		char why[160];
		int st = pop3_pipe_status(d->session, why, sizeof(why));

		if (st < 0) {
			g_clear_error(&error);
			return check(d, MAILPOP3_ERROR_STREAM, "DELE", err);
		}
		if (st == 1) {
			mark_deleted(d, g_array_index(indexes, unsigned, i));
			(*deleted)++;
		} else if (error == NULL)
			g_set_error(&error, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
			    "%s: DELE %u failed: %s", d->srv.account,
			    g_array_index(indexes, unsigned, i),
			    *why != '\0' ? why : "no response text");
	}
	if (error != NULL) {
		g_propagate_error(err, error);
		return false;
	}
	return true;
}

/*
 * Two fetches of one account at once (the interface's and a cron job's
 * skua --fetch) would both see a message as new and deliver it twice: a
 * fetch holds an exclusive lock on "<state file>.lock" (flock, so a killed
 * process never leaves it held). Returns the locked fd, or -1 with err.
 */
static int
lock_account(const struct pop3 *d, GError **err)
{
	g_autofree char *path = g_strconcat(d->state, ".lock", NULL);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot open %s: %s", path, g_strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;

		close(fd);
		if (e == EWOULDBLOCK)
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
			    "%s: another skua is fetching this account's mail "
			    "now; try again when it is done",
			    d->srv.account);
		else
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
			    "cannot lock %s: %s", path, g_strerror(e));
		return -1;
	}
	return fd;
}

static void
clear_item(gpointer p)
{
	struct item *it = p;

	g_free(it->name);
	g_free(it->uidl);
}

/* Whether pop_delete = yes (del) would delete row's message now. */
static bool
due(const struct pop3 *d, const struct uidl_row *row, int64_t now, bool del)
{
	if (!del || row->partial)
		return false;
	return d->keep_days <= 0 || now - row->fetched >= d->keep_days * 86400;
}

static bool
delete_due(const struct pop3 *d, const struct uidl_row *row, int64_t now)
{
	return due(d, row, now, d->del || d->delete_now);
}

/*
 * Without UIDL (pop_no_uidl = yes; the argument is at the top). A message
 * is known by the SHA-256 of its bytes as RETR gives them: the row key
 * "sha256:<64 hex>" has 71 characters, so it is never a UIDL (at most
 * 70, RFC 1939).
 */

/* The largest message (LIST size) downloaded without UIDL: it is held in
 * memory whole, and a header-only copy could never be completed. */
#define WHOLE_MAX_SIZE (256u << 20)
/* A batch holds at most this many bytes (LIST sizes), and one message. */
#define WHOLE_BATCH_BYTES (32u << 20)
/* A session QUITs (what it deleted is then gone for good) and logs in
 * again after this many messages or bytes. */
#define WHOLE_ROUND	  256
#define WHOLE_ROUND_BYTES (128u << 20)

/* A message of a batch without UIDL. */
struct whole {
	unsigned index;
	uint32_t size;	  /* LIST's */
	GByteArray *text; /* RETR's answer: dot-unstuffed, CRLF lines */
	char *key;	  /* "sha256:<hex>" of text */
	char *name;	  /* its Maildir file name, when it is delivered */
};

static void
clear_whole(gpointer p)
{
	struct whole *w = p;

	if (w->text != NULL)
		g_byte_array_unref(w->text);
	g_free(w->key);
	g_free(w->name);
}

/*
 * The multi-line answer after +OK, dot-unstuffed, every line ending in
 * CRLF, appended to out. Read a byte at a time, so nothing after the
 * final "." (the next pipelined answer) is taken, and never more than
 * limit bytes. 1: read; 0: more than limit; -1: the stream broke.
 */
static int
read_whole(mailstream *s, size_t limit, GByteArray *out)
{
	size_t start = out->len; /* where the current line starts */
	char c;

	for (;;) {
		size_t end;

		if (mailstream_read(s, &c, 1) != 1)
			return -1;
		if (c != '\n') {
			if (out->len >= limit)
				return 0;
			g_byte_array_append(out, (const guint8 *)&c, 1);
			continue;
		}
		end = out->len;
		if (end > start && out->data[end - 1] == '\r')
			end--;
		if (end - start == 1 && out->data[start] == '.') {
			g_byte_array_set_size(out, start);
			return 1;
		}
		g_byte_array_set_size(out, end);
		if (end > start && out->data[start] == '.')
			g_byte_array_remove_index(out, start);
		if (out->len + 2 > limit)
			return 0;
		g_byte_array_append(out, (const guint8 *)"\r\n", 2);
		start = out->len;
	}
}

/* The most RETR may give for a LIST size: a server that stores bare LFs
 * may count them as one byte, and a margin. */
static size_t
whole_limit(uint32_t size)
{
	return (size_t)size * 2 + 65536;
}

/*
 * RETR each message of ws into memory with its key, pipelined when the
 * server allows it. Returns how many, from the first, were read; on a
 * refusal or a broken connection err says why and the session may be
 * out of step (the caller ends the run without QUIT).
 */
static guint
retrieve_whole(struct pop3 *d, GArray *ws, GError **err)
{
	g_autoptr(GPtrArray) cmds = g_ptr_array_new_with_free_func(g_free);
	guint got = 0;

	for (guint i = 0; i < ws->len; i++)
		g_ptr_array_add(cmds,
		    g_strdup_printf("RETR %u",
			g_array_index(ws, struct whole, i).index));
	if (d->pipelining && !pop3_pipe_send(d->session, cmds)) {
		check(d, MAILPOP3_ERROR_STREAM, "RETR", err);
		return 0;
	}
	for (guint i = 0; i < ws->len; i++) {
		struct whole *w = &g_array_index(ws, struct whole, i);
		char why[160];
		int st, r;

		if (!d->pipelining) {
			GPtrArray one = { .pdata = &cmds->pdata[i], .len = 1 };

			if (!pop3_pipe_send(d->session, &one)) {
				check(d, MAILPOP3_ERROR_STREAM, "RETR", err);
				return got;
			}
		}
		st = pop3_pipe_status(d->session, why, sizeof(why));
		if (st < 0) {
			check(d, MAILPOP3_ERROR_STREAM, "RETR", err);
			return got;
		}
		if (st == 0) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
			    "%s: RETR %u failed: %s", d->srv.account, w->index,
			    *why != '\0' ? why : "no response text");
			return got;
		}
		w->text = g_byte_array_sized_new(w->size + 2);
		r = read_whole(d->session->pop3_stream, whole_limit(w->size),
		    w->text);
		if (r < 0) {
			check(d, MAILPOP3_ERROR_STREAM, "RETR", err);
			return got;
		}
		if (r == 0) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
			    "%s: %s sent far more for message %u than the %u "
			    "bytes its LIST said; refused",
			    d->srv.account, d->srv.host, w->index, w->size);
			disconnect(d);
			return got;
		}
		{
			g_autofree char *hex =
			    g_compute_checksum_for_data(G_CHECKSUM_SHA256,
				w->text->data, w->text->len);

			w->key = g_strconcat("sha256:", hex, NULL);
		}
		got++;
	}
	return got;
}

/*
 * Deliver the first n of ws whose key no row has (an earlier run
 * delivered it: it is only deleted again) and that no earlier one of the
 * batch has (the same bytes twice: one file), in the order of
 * fetch_batch: the PENDING rows committed, the files in tmp/, one sync,
 * each moved into new/, one fsync of new/, the rows DONE committed. rows
 * gets the delivered keys; *delivered and *bytes count the files that
 * reached new/ (their rows may still be PENDING after a failure: the
 * next run settles them).
 */
static bool
deliver_whole(struct pop3 *d, struct uidl_store *st, const char *server,
    GArray *ws, guint n, GHashTable *rows, unsigned *delivered, uint64_t *bytes,
    GError **err)
{
	g_autoptr(GPtrArray) fresh = g_ptr_array_new();
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	int64_t now = (int64_t)time(NULL);

	*delivered = 0;
	*bytes = 0;
	for (guint i = 0; i < n; i++) {
		struct whole *w = &g_array_index(ws, struct whole, i);

		if (g_hash_table_contains(rows, w->key) ||
		    !g_hash_table_add(seen, w->key))
			continue;
		w->name = maildir_unique_name();
		g_ptr_array_add(fresh, w);
	}
	if (fresh->len == 0)
		return true;
	if (!uidl_store_begin(st, err))
		return false;
	for (guint i = 0; i < fresh->len; i++) {
		const struct whole *w = fresh->pdata[i];

		if (!uidl_store_pending(st, server, w->key, w->name, now,
			err)) {
			uidl_store_rollback(st);
			return false;
		}
	}
	if (!uidl_store_commit(st, err))
		return false;
	for (guint i = 0; i < fresh->len; i++) {
		const struct whole *w = fresh->pdata[i];

		if (!maildir_write_tmp(d->local_store, w->name,
			(const char *)w->text->data, w->text->len, MAILDIR_CRLF,
			err))
			return false;
		g_ptr_array_add(names, w->name);
	}
	if (!maildir_sync_tmp(d->local_store, (char *const *)names->pdata,
		names->len, err))
		return false;
	for (guint i = 0; i < fresh->len; i++) {
		if (!maildir_link_new(d->local_store, names->pdata[i], err))
			return false;
		(*delivered)++;
		*bytes += ((const struct whole *)fresh->pdata[i])->size;
	}
	if (!maildir_sync_new(d->local_store, err)) {
		*delivered = 0;
		*bytes = 0;
		return false;
	}
	if (!uidl_store_begin(st, err))
		return false;
	for (guint i = 0; i < fresh->len; i++) {
		const struct whole *w = fresh->pdata[i];

		if (!uidl_store_done(st, server, w->key, false, err)) {
			uidl_store_rollback(st);
			return false;
		}
	}
	if (!uidl_store_commit(st, err))
		return false;
	for (guint i = 0; i < fresh->len; i++) {
		const struct whole *w = fresh->pdata[i];
		struct uidl_row *row = g_new0(struct uidl_row, 1);

		row->state = UIDL_DONE;
		row->fetched = now;
		row->file = g_strdup(w->name);
		g_hash_table_insert(rows, g_strdup(w->key), row);
	}
	return true;
}

/*
 * Forget the content keys of keys, or every "sha256:" row when keys is
 * NULL (in the state file and in rows): after a QUIT that succeeded,
 * their messages are no longer on the server, and a message with the same
 * bytes coming later is new mail.
 */
static bool
forget_keys(struct uidl_store *st, const char *server, GHashTable *rows,
    const GPtrArray *keys, GError **err)
{
	g_autoptr(GPtrArray) all = NULL;
	GHashTableIter it;
	gpointer key;

	if (keys == NULL) {
		all = g_ptr_array_new_with_free_func(g_free);
		g_hash_table_iter_init(&it, rows);
		while (g_hash_table_iter_next(&it, &key, NULL))
			if (g_str_has_prefix(key, "sha256:"))
				g_ptr_array_add(all, g_strdup(key));
		keys = all;
	}
	if (keys->len == 0)
		return true;
	if (!uidl_store_begin(st, err))
		return false;
	for (guint i = 0; i < keys->len; i++) {
		if (!uidl_store_forget(st, server, keys->pdata[i], err)) {
			uidl_store_rollback(st);
			return false;
		}
	}
	if (!uidl_store_commit(st, err))
		return false;
	for (guint i = 0; i < keys->len; i++)
		g_hash_table_remove(rows, keys->pdata[i]);
	return true;
}

/*
 * A fetch from a server without UIDL (pop_no_uidl): every message of
 * list is downloaded, delivered unless its key says it is here already,
 * and DELEted once it is durable (pop_delete, pop_keep_days and
 * pop_max_size do not apply). A session QUITs after WHOLE_ROUND messages
 * or WHOLE_ROUND_BYTES, forgets the keys of what it deleted (gone from
 * the server now) and logs in again, so an interrupted fetch does not
 * download again what an earlier session deleted; the last QUIT forgets
 * every content key, as the server then has none of those messages.
 */
static bool
fetch_whole(struct pop3 *d, struct uidl_store *st, const char *server,
    carray *list, pop3_progress_fn *progress, void *data,
    struct pop3_result *res, GError **err)
{
	g_autoptr(GHashTable) rows = NULL;
	unsigned done = 0, total = 0;
	uint64_t done_bytes = 0, total_bytes = 0;

	rows = uidl_store_load(st, server, err);
	if (rows == NULL || !reconcile(d, st, server, rows, NULL, err))
		return false;
	for (bool first = true;; first = false) {
		g_autoptr(GPtrArray) todo = g_ptr_array_new();
		g_autoptr(GPtrArray) gone =
		    g_ptr_array_new_with_free_func(g_free);
		unsigned skipped = 0, big_index = 0, big_size = 0;
		unsigned deleted = 0, count = carray_count(list);
		uint64_t todo_bytes = 0, round_bytes = 0;
		guint b = 0;
		int r;

		for (unsigned i = 0; i < count; i++) {
			struct mailpop3_msg_info *info = carray_get(list, i);

			if (info == NULL || info->msg_deleted)
				continue;
			if (info->msg_size > WHOLE_MAX_SIZE) {
				if (skipped++ == 0) {
					big_index = info->msg_index;
					big_size = info->msg_size;
				}
				continue;
			}
			g_ptr_array_add(todo, info);
			todo_bytes += info->msg_size;
		}
		/* A later session may list mail that came meanwhile. */
		total = MAX(total, done + todo->len);
		total_bytes = MAX(total_bytes, done_bytes + todo_bytes);
		if (progress != NULL && first)
			progress(data, done, total, done_bytes, total_bytes);
		while (b < todo->len && b < WHOLE_ROUND &&
		    round_bytes < WHOLE_ROUND_BYTES) {
			g_autoptr(GArray) ws =
			    g_array_new(FALSE, TRUE, sizeof(struct whole));
			g_autoptr(GArray) dele =
			    g_array_new(FALSE, FALSE, sizeof(unsigned));
			uint64_t batch_bytes = 0, bytes = 0;
			unsigned delivered = 0;
			GError *error = NULL;
			guint got;
			bool ok;

			g_array_set_clear_func(ws, clear_whole);
			while (b < todo->len && ws->len < BATCH) {
				const struct mailpop3_msg_info *info =
				    todo->pdata[b];
				struct whole w = { 0 };

				if (ws->len > 0 &&
				    batch_bytes + info->msg_size >
					WHOLE_BATCH_BYTES)
					break;
				w.index = info->msg_index;
				w.size = info->msg_size;
				g_array_append_val(ws, w);
				batch_bytes += info->msg_size;
				b++;
			}
			round_bytes += batch_bytes;
			got = retrieve_whole(d, ws, &error);
			/* What was read is kept even when the batch broke
			 * off. */
			ok = deliver_whole(d, st, server, ws, got, rows,
			    &delivered, &bytes, error == NULL ? err : NULL);
			res->fetched += delivered;
			res->bytes += bytes;
			for (guint i = 0; i < got; i++)
				done_bytes +=
				    g_array_index(ws, struct whole, i).size;
			done += got;
			if (progress != NULL)
				progress(data, done, total, done_bytes,
				    total_bytes);
			if (error != NULL) {
				g_propagate_error(err, error);
				return false;
			}
			if (!ok)
				return false;
			/* Every message read is durable here (delivered
			 * now or by an earlier run): DELE them all. */
			for (guint i = 0; i < got; i++) {
				const struct whole *w =
				    &g_array_index(ws, struct whole, i);

				g_array_append_val(dele, w->index);
				g_ptr_array_add(gone, g_strdup(w->key));
			}
			if (!delete_all(d, dele, &deleted, err))
				return false;
		}
		/* QUIT frees the list (libetpan's): count what stays
		 * before it. */
		res->left = count - deleted;
		r = mailpop3_quit(d->session);
		if (r != MAILPOP3_NO_ERROR) {
			res->left = 0;
			check(d, r, "QUIT", err);
			return false;
		}
		list = NULL;
		res->deleted += deleted;
		if (b < todo->len) {
			if (!forget_keys(st, server, rows, gone, err) ||
			    !net_io_check(d->cancel, err) ||
			    !pop3_connect(d, err))
				return false;
			r = mailpop3_list(d->session, &list);
			if (!check(d, r, "LIST", err))
				return false;
			continue;
		}
		if (!forget_keys(st, server, rows, NULL, err))
			return false;
		if (skipped > 0) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
			    "%s: message %u of %s is %u bytes, over the %u MiB "
			    "skua downloads without UIDL; it and %u more like "
			    "it were left on the server",
			    d->srv.account, big_index, d->srv.host, big_size,
			    WHOLE_MAX_SIZE >> 20, skipped - 1);
			return false;
		}
		return true;
	}
}

bool
pop3_fetch(struct backend *be, pop3_progress_fn *progress, void *data,
    struct pop3_result *res, GError **err)
{
	struct pop3 *d = pop3_of(be);
	g_autofree char *server = server_key(d);
	g_autoptr(GHashTable) rows = NULL;
	g_autoptr(GHashTable) on_server = NULL;
	g_autoptr(GPtrArray) todo = g_ptr_array_new();
	struct uidl_store *st = NULL;
	carray *list = NULL;
	uint64_t total_bytes = 0;
	unsigned deleted = 0;
	int64_t now = (int64_t)time(NULL);
	bool ok = false, whole = false;
	int lock;
	int r;

	memset(res, 0, sizeof(*res));
	if (!maildir_ensure(d->local_store, err))
		return false;
	{
		g_autofree char *dir = g_path_get_dirname(d->state);

		if (g_mkdir_with_parents(dir, 0700) != 0) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
			    "cannot create %s: %s", dir, g_strerror(errno));
			return false;
		}
	}
	lock = lock_account(d, err);
	if (lock < 0)
		return false;
	st = uidl_store_open(d->state, err);
	if (st == NULL) {
		close(lock);
		return false;
	}
	if (!pop3_connect(d, err))
		goto out;
	r = mailpop3_list(d->session, &list);
	if (!check(d, r, "LIST", err))
		goto out;
	on_server = g_hash_table_new(g_str_hash, g_str_equal);
	for (unsigned i = 0; i < carray_count(list); i++) {
		struct mailpop3_msg_info *info = carray_get(list, i);

		if (info == NULL)
			continue;
		if (info->msg_uidl == NULL) {
			if (d->no_uidl) {
				whole = true;
				continue;
			}
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
			    "%s: %s does not give message ids (no UIDL); "
			    "refusing to download, as skua could not tell "
			    "new mail from old (set pop_no_uidl = yes to "
			    "download and delete every message without it)",
			    d->srv.account, d->srv.host);
			goto out;
		}
		g_hash_table_add(on_server, info->msg_uidl);
	}
	if (whole) {
		log_info("%s: %s gives no UIDL: every message is downloaded "
			 "and deleted (pop_no_uidl)",
		    d->srv.account, d->srv.host);
		ok = fetch_whole(d, st, server, list, progress, data, res, err);
		goto out;
	}
	rows = uidl_store_load(st, server, err);
	if (rows == NULL || !reconcile(d, st, server, rows, on_server, err))
		goto out;

	for (unsigned i = 0; !d->delete_now && i < carray_count(list); i++) {
		struct mailpop3_msg_info *info = carray_get(list, i);

		if (info != NULL &&
		    !g_hash_table_contains(rows, info->msg_uidl)) {
			g_ptr_array_add(todo, info);
			total_bytes += info->msg_size;
		}
	}
	if (progress != NULL)
		progress(data, 0, todo->len, 0, total_bytes);
	for (guint b = 0; b < todo->len; b += BATCH) {
		g_autoptr(GArray) items =
		    g_array_new(FALSE, TRUE, sizeof(struct item));
		unsigned delivered = 0;
		bool batch_ok;

		g_array_set_clear_func(items, clear_item);
		for (guint i = b; i < todo->len && i < b + BATCH; i++) {
			struct item it = { 0 };

			struct mailpop3_msg_info *info = todo->pdata[i];

			it.uidl = g_strdup(info->msg_uidl);
			it.size = info->msg_size;
			it.index = info->msg_index;
			it.name = maildir_unique_name();
			it.partial =
			    d->max_size > 0 && it.size > (uint32_t)d->max_size;
			g_array_append_val(items, it);
		}
		batch_ok = fetch_batch(d, st, server, items, &delivered, err);
		for (guint i = 0; i < delivered; i++) {
			struct item *it = &g_array_index(items, struct item, i);
			struct uidl_row *row = g_new0(struct uidl_row, 1);

			row->state = UIDL_DONE;
			row->partial = it->partial;
			row->fetched = now;
			g_hash_table_insert(rows, g_strdup(it->uidl), row);
			res->fetched++;
			res->bytes += it->size;
			if (it->partial)
				res->partial++;
			if (progress != NULL)
				progress(data, res->fetched, todo->len,
				    res->bytes, total_bytes);
		}
		if (!batch_ok)
			goto out;
		/* Their files and rows are durable: DELE what is due. */
		{
			g_autoptr(GArray) due =
			    g_array_new(FALSE, FALSE, sizeof(unsigned));

			for (guint i = 0; i < items->len; i++) {
				struct item *it =
				    &g_array_index(items, struct item, i);

				if (delete_due(d,
					g_hash_table_lookup(rows, it->uidl),
					now))
					g_array_append_val(due, it->index);
			}
			if (!delete_all(d, due, &deleted, err))
				goto out;
		}
	}
	/* Messages downloaded by an earlier run whose time has come. */
	{
		g_autoptr(GArray) due =
		    g_array_new(FALSE, FALSE, sizeof(unsigned));

		for (unsigned i = 0; i < carray_count(list); i++) {
			struct mailpop3_msg_info *info = carray_get(list, i);
			struct uidl_row *row;

			if (info == NULL || info->msg_deleted)
				continue;
			row = g_hash_table_lookup(rows, info->msg_uidl);
			if (row != NULL && delete_due(d, row, now))
				g_array_append_val(due, info->msg_index);
		}
		if (!delete_all(d, due, &deleted, err))
			goto out;
	}
	/* pop_delete = ask: what a yes would delete (kept meanwhile). */
	for (unsigned i = 0;
	     d->ask && !d->del && !d->delete_now && i < carray_count(list);
	     i++) {
		struct mailpop3_msg_info *info = carray_get(list, i);
		struct uidl_row *row;

		if (info == NULL || info->msg_deleted)
			continue;
		row = g_hash_table_lookup(rows, info->msg_uidl);
		if (row != NULL && row->state == UIDL_DONE &&
		    due(d, row, now, true))
			res->deletable++;
	}
	/* QUIT frees the list (libetpan's): count what stays before it. */
	res->left = carray_count(list) - deleted;
	list = NULL;
	r = mailpop3_quit(d->session);
	if (r != MAILPOP3_NO_ERROR) {
		res->left = 0;
		check(d, r, "QUIT", err);
		goto out;
	}
	res->deleted = deleted;
	ok = true;
out:
	disconnect(d);
	uidl_store_close(st);
	close(lock); /* releases the lock */
	return ok;
}

static void
sink_fetch_progress(void *data, unsigned done, unsigned total, uint64_t bytes,
    uint64_t total_bytes)
{
	sink_progress_bytes(data, done, total, bytes, total_bytes);
}

/* REQ_FETCH_NEW on the account's download worker. */
static bool
pop3_fetch_op(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct pop3 *d = pop3_of(be);
	struct pop3_result res;
	bool ok;

	d->delete_now = req->pop_delete_now;
	ok = pop3_fetch(be, sink_fetch_progress, sink, &res, err);
	d->delete_now = false;
	if (!ok) {
		/* Refused certificate: core asks whether to trust it. */
		if (d->untrusted != NULL)
			sink_untrusted(sink, d->untrusted);
		return false;
	}
	if (req->pop_delete_now)
		sink_progress(sink, res.deleted, res.deleted);
	else if (res.deletable > 0)
		sink_deletable(sink, res.deletable);
	log_info("%s: fetched %u messages (%" G_GUINT64_FORMAT
		 " bytes), deleted %u, %u left on the server",
	    pop3_of(be)->srv.account, res.fetched, res.bytes, res.deleted,
	    res.left);
	return true;
}

/*
 * REQ_FETCH_FULL: the whole message of the header-only download
 * req->path. Its UIDL comes from the state file, its number from LIST;
 * RETR, tmp/ + fsync, then one rename over the stored file (same name,
 * same flags) and an fsync of its directory, so a crash leaves either
 * the header or the whole message, never less. The row is then no longer
 * partial, so pop_delete may delete it on the server like the others.
 */
static bool
pop3_fetch_full(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct pop3 *d = pop3_of(be);
	g_autofree char *server = server_key(d);
	g_autofree char *uidl = NULL, *path = NULL, *tmp = NULL, *dir = NULL;
	g_autoptr(GHashTable) rows = NULL;
	struct uidl_store *st = NULL;
	carray *list = NULL;
	unsigned index = 0;
	char *text = NULL;
	size_t len = 0;
	bool ok = false;
	int lock, r;
	GHashTableIter it;
	gpointer key, value;

	(void)sink;
	if (req->path == NULL || strchr(req->path, '/') != NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "not a message of the local store");
		return false;
	}
	lock = lock_account(d, err);
	if (lock < 0)
		return false;
	st = uidl_store_open(d->state, err);
	if (st == NULL)
		goto out;
	rows = uidl_store_load(st, server, err);
	if (rows == NULL)
		goto out;
	g_hash_table_iter_init(&it, rows);
	while (uidl == NULL && g_hash_table_iter_next(&it, &key, &value)) {
		const struct uidl_row *row = value;

		if (row->file != NULL && strcmp(row->file, req->path) == 0)
			uidl = g_strdup(key);
	}
	if (uidl == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "%s: only the header of this message was downloaded, and "
		    "it is no longer on the server",
		    d->srv.account);
		goto out;
	}
	if (!pop3_connect(d, err))
		goto out;
	r = mailpop3_list(d->session, &list);
	if (!check(d, r, "LIST", err))
		goto out;
	for (unsigned i = 0; index == 0 && i < carray_count(list); i++) {
		struct mailpop3_msg_info *info = carray_get(list, i);

		if (info != NULL && info->msg_uidl != NULL &&
		    strcmp(info->msg_uidl, uidl) == 0)
			index = info->msg_index;
	}
	if (index == 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "%s: only the header of this message was downloaded, and "
		    "it is no longer on the server",
		    d->srv.account);
		goto quit;
	}
	r = mailpop3_retr(d->session, index, &text, &len);
	if (!check(d, r, "RETR", err))
		goto out;
	ok = maildir_write_tmp(d->local_store, req->path, text, len,
	    MAILDIR_CRLF, err);
	mailpop3_retr_free(text);
	if (!ok)
		goto quit;
	ok = false;
	if (!maildir_sync_tmp(d->local_store, (char *const *)&req->path, 1,
		err))
		goto quit;
	path = maildir_path_of(d->local_store, req->path);
	tmp = g_build_filename(d->local_store, "tmp", req->path, NULL);
	if (path == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "%s: the stored header is gone from the local store",
		    d->srv.account);
		maildir_discard_tmp(d->local_store, req->path);
		goto quit;
	}
	if (rename(tmp, path) != 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot replace '%s': %s", path, g_strerror(errno));
		maildir_discard_tmp(d->local_store, req->path);
		goto quit;
	}
	dir = g_path_get_dirname(path);
	if (!maildir_sync_dir(dir, err))
		goto quit;
	if (!uidl_store_done(st, server, uidl, false, err))
		goto quit;
	ok = true;
quit:
	/* Nothing was deleted: QUIT only ends the session. */
	if (d->session != NULL)
		(void)mailpop3_quit(d->session);
out:
	disconnect(d);
	if (st != NULL)
		uidl_store_close(st);
	close(lock);
	return ok;
}

static void
pop3_free(struct backend *be)
{
	struct pop3 *d = pop3_of(be);

	disconnect(d);
	net_cancel_free(d->cancel);
	server_conf_clear(&d->srv);
	g_free(d->untrusted);
	g_free(d->local_store);
	g_free(d->state);
	g_free(d->apop_stamp);
	g_free(d);
	g_free(be);
}

static void
pop3_interrupt(struct backend *be)
{
	net_cancel_trigger(pop3_of(be)->cancel);
}

static const struct backend_ops pop3_ops = {
	.size = sizeof(struct backend_ops),
	.name = "pop3",
	.caps = BACKEND_CAP_REMOTE,
	.free = pop3_free,
	.interrupt = pop3_interrupt,
	.fetch_new = pop3_fetch_op,
	.fetch_full = pop3_fetch_full,
};

struct backend *
pop3_backend_new(const struct backend_params *p)
{
	struct backend *be = g_new0(struct backend, 1);
	struct pop3 *d = g_new0(struct pop3, 1);

	server_conf_init(&d->srv, p);
	d->local_store = g_strdup(p->local_store);
	d->state = g_strdup(p->pop_state);
	d->del = p->pop_delete;
	d->ask = p->pop_delete_ask;
	d->keep_days = p->pop_keep_days;
	d->max_size = p->pop_max_size;
	d->no_uidl = p->pop_no_uidl;
	d->cancel = net_cancel_new();
	be->ops = &pop3_ops;
	be->data = d;
	return be;
}

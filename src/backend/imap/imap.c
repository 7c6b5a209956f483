/* SPDX-License-Identifier: ISC */
/*
 * The IMAP driver. Synchronous code run on the account's worker: connect
 * (implicit TLS or strict STARTTLS) and log in, LIST with STATUS counts,
 * SELECT with the UID list in display order, and envelope fetches for the
 * UIDs the index asks for, streamed through libetpan's per-message handler
 * so a large fetch never builds a list in memory. A broken connection is
 * dropped and made again on the next request.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libetpan/libetpan.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/common/index-fields.h"
#include "backend/common/server-conf.h"
#include "backend/imap/imap-auth.h"
#include "backend/imap/imap-esearch.h"
#include "backend/imap/imap-search.h"
#include "backend/imap/imap-seqmap.h"
#include "backend/imap/imap-thread.h"
#include "backend/imap/imap-utf7.h"
#include "backend/imap/imap.h"
#include "backend/search-tree.h"
#include "backend/types.h"
#include "mime/headers.h"
#include "mime/mailcap.h"
#include "mime/mime.h"
#include "mime/render.h"
#include "net/conn.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"

/* The trace shows at most this many lines of a read, this much of a line. */
#define TRACE_MAX_LINES 20
#define TRACE_MAX_LINE	300

/* Restart IDLE this often (RFC 2177: servers may drop it after 30 min). */
#define IDLE_PERIOD_DEFAULT (25 * 60)
/* SKUA_IDLE_PERIOD (seconds, for tests) read once by imap_init(). */
static int idle_period = IDLE_PERIOD_DEFAULT;
/* The connection waits this long for a next request before IDLE. */
#define IDLE_GRACE_MS 20

struct imap {
	struct server_conf srv;	 /* copies of the connection parameters */
	char *mailcap_path;	 /* NULL: the built-in HTML converter only */
	char *alternative_order; /* type patterns, best first */

	mailimap *session;	/* NULL while disconnected */
	char *selected;		/* server name of the selected folder */
	bool selected_readonly; /* it was EXAMINEd */
	struct net_cancel *cancel;

	/*
	 * The folder kept live (REQ_IDLE, on the account's main connection):
	 * its sequence numbers (imap-seqmap.h) while it is selected, and
	 * what the server said about it and was not told yet.
	 */
	char *seq_folder; /* server name the map is of; NULL: none */
	GArray *seq;	  /* ascending UIDs; NULL when seq_folder is */
	uint32_t seq_uidvalidity;
	bool seq_resync;   /* out of step: UID SEARCH before using it */
	bool seq_new;	   /* EXISTS grew: learn the new UIDs */
	bool flags_resync; /* an unsolicited FETCH we could not place */
	struct folder_update *news; /* NULL: nothing yet */
	int wake_fd;		    /* eventfd: written by imap_wake() */
	bool idle_refused; /* IDLE offered but refused: poll with NOOP */
	/* FETCH FLAGS by number alone seen by a fetch's handler (uid is
	 * the sequence number), placed once the command's EXPUNGEs are. */
	GArray *seq_flags;
};

static void absorb_untagged(struct imap *d);

static struct imap *
imap_of(struct backend *be)
{
	return be->data;
}

/* The server's last response text, for messages; never NULL. */
static const char *
server_text(const struct imap *d)
{
	if (d->session != NULL && d->session->imap_response != NULL)
		return d->session->imap_response;
	return "no response text";
}

static void
disconnect(struct imap *d)
{
	if (d->session == NULL)
		return;
	/* mailimap_free closes and frees the stream, with our low driver. */
	mailimap_free(d->session);
	d->session = NULL;
	g_clear_pointer(&d->selected, g_free);
	/* A new session selects again: the map is checked then. */
	d->seq_resync = true;
}

/*
 * Map a libetpan result to an error; a stream or parse error means the
 * connection is gone or out of step, so it is dropped.
 */
static bool
check(struct imap *d, int r, const char *what, GError **err)
{
	/* What came unasked with the reply: EXPUNGE, EXISTS, FETCH FLAGS. */
	absorb_untagged(d);
	if (r == MAILIMAP_NO_ERROR)
		return true;
	if (r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE ||
	    r == MAILIMAP_ERROR_FATAL) {
		GError *why = NULL;

		/* The stream knows why it failed (timeout, closed, cancel). */
		if (r == MAILIMAP_ERROR_STREAM &&
		    !net_io_check(d->cancel, &why)) {
			g_propagate_prefixed_error(err, why,
			    "%s: %s: ", d->srv.account, what);
		} else {
			g_clear_error(&why);
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_NETWORK,
			    "%s: connection to %s lost during %s%s",
			    d->srv.account, d->srv.host, what,
			    r == MAILIMAP_ERROR_PARSE ? " (unreadable reply)"
						      : "");
		}
		disconnect(d);
		return false;
	}
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL, "%s failed: %s", what,
	    server_text(d));
	return false;
}

/* CAPABILITY; libetpan keeps what it learns in the session. */
static int
capability(struct imap *d)
{
	struct mailimap_capability_data *caps = NULL;
	int r = mailimap_capability(d->session, &caps);

	if (caps != NULL)
		mailimap_capability_data_free(caps);
	return r;
}

/* The first line of password_command's output becomes the password. */
static bool
run_password_command(struct imap *d, GError **err)
{
	d->srv.password = backend_password_command(d->srv.account,
	    d->srv.password_command, err);
	return d->srv.password != NULL;
}

/*
 * The protocol trace of the -d log: what is sent and the start of what
 * arrives. What libetpan or we mark private (LOGIN's arguments, the
 * AUTHENTICATE response) is never written, only its length.
 */
static void
trace_cb(mailimap *session, int log_type, const char *str, size_t size,
    void *context)
{
	const char *dir, *end = str + size;
	int lines = 0;

	(void)session;
	(void)context;
	if (!log_enabled(LOG_TRACE))
		return;
	switch (log_type) {
	case MAILSTREAM_LOG_TYPE_DATA_SENT_PRIVATE:
		log_trace("C: <%zu bytes not shown: credentials>", size);
		return;
	case MAILSTREAM_LOG_TYPE_DATA_SENT:
		dir = "C";
		break;
	case MAILSTREAM_LOG_TYPE_DATA_RECEIVED:
		dir = "S";
		break;
	default:
		return;
	}
	while (str < end) {
		const char *nl = memchr(str, '\n', (size_t)(end - str));
		size_t len = (size_t)((nl != NULL ? nl : end) - str);

		if (++lines > TRACE_MAX_LINES) {
			log_trace("%s: ... (%zu more bytes)", dir,
			    (size_t)(end - str));
			return;
		}
		if (len > 0 && str[len - 1] == '\r')
			len--;
		log_trace("%s: %.*s%s", dir, (int)MIN(len, TRACE_MAX_LINE), str,
		    len > TRACE_MAX_LINE ? " ..." : "");
		str = nl != NULL ? nl + 1 : end;
	}
}

/* Write text to the session's stream and flush it; private: not traced. */
static bool
send_text(struct imap *d, const char *text, bool private_data)
{
	mailstream *s = d->session->imap_stream;
	size_t len = strlen(text);
	bool ok;

	if (private_data)
		mailstream_set_privacy(s, 0);
	ok = mailstream_write(s, text, len) == (ssize_t)len &&
	    mailstream_flush(s) == 0;
	if (private_data)
		mailstream_set_privacy(s, 1);
	return ok;
}

/*
 * AUTHENTICATE PLAIN (RFC 4616), sent by us: libetpan's own
 * mailimap_authenticate() needs cyrus-sasl plugins. The response goes with
 * the command when the server has SASL-IR (RFC 4959), else after its "+"
 * continuation. The tag comes from the session's counter and the reply is
 * parsed by libetpan, so the session stays in step. Returns a libetpan
 * result; MAILIMAP_ERROR_LOGIN when the server said NO.
 */
static int
authenticate_plain(struct imap *d)
{
	char *msg = imap_sasl_plain(d->srv.user, d->srv.password);
	bool ir = mailimap_has_extension(d->session, "SASL-IR") != 0;
	struct mailimap_response *response = NULL;
	const char *line;
	int r, state;

	if (msg == NULL)
		return MAILIMAP_ERROR_LOGIN;
	r = mailimap_send_current_tag(d->session);
	if (r != MAILIMAP_NO_ERROR)
		goto out;
	log_debug("%s: AUTHENTICATE PLAIN%s", d->srv.account,
	    ir ? " with an initial response (SASL-IR)" : "");
	if (!send_text(d, ir ? "AUTHENTICATE PLAIN " : "AUTHENTICATE PLAIN\r\n",
		false)) {
		r = MAILIMAP_ERROR_STREAM;
		goto out;
	}
	if (!ir) {
		line = mailimap_read_line(d->session);
		if (line == NULL) {
			r = MAILIMAP_ERROR_STREAM;
			goto out;
		}
		/* No "+": the server answered at once (NO or BAD). */
		if (line[0] != '+')
			goto parse;
	}
	if (!send_text(d, msg, true) || !send_text(d, "\r\n", false)) {
		r = MAILIMAP_ERROR_STREAM;
		goto out;
	}
	line = mailimap_read_line(d->session);
	if (line == NULL) {
		r = MAILIMAP_ERROR_STREAM;
		goto out;
	}
	if (line[0] == '+') {
		/* PLAIN has one step: cancel (RFC 3501 6.2.2); the server
		 * answers BAD. */
		if (!send_text(d, "*\r\n", false) ||
		    mailimap_read_line(d->session) == NULL) {
			r = MAILIMAP_ERROR_STREAM;
			goto out;
		}
	}
parse:
	r = mailimap_parse_response(d->session, &response);
	if (r != MAILIMAP_NO_ERROR)
		goto out;
	state = response->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state
		    ->rsp_type;
	mailimap_response_free(response);
	if (state == MAILIMAP_RESP_COND_STATE_OK)
		d->session->imap_state = MAILIMAP_STATE_AUTHENTICATED;
	else
		r = MAILIMAP_ERROR_LOGIN;
out:
	explicit_bzero(msg, strlen(msg));
	g_free(msg);
	return r;
}

static bool
login(struct imap *d, GError **err)
{
	enum imap_auth_mech mech;
	const char *what;
	int r;

	mech = imap_auth_choose(mailimap_has_authentication(d->session,
				    "PLAIN") != 0,
	    mailimap_has_extension(d->session, "LOGINDISABLED") != 0);
	if (mech == IMAP_AUTH_NONE) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
		    "%s: %s allows no login skua can do (LOGINDISABLED and "
		    "no AUTH=PLAIN)",
		    d->srv.account, d->srv.host);
		return false;
	}
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
	if (mech == IMAP_AUTH_PLAIN) {
		what = "AUTHENTICATE";
		r = authenticate_plain(d);
	} else {
		what = "LOGIN";
		r = mailimap_login(d->session, d->srv.user, d->srv.password);
	}
	if (r == MAILIMAP_ERROR_LOGIN ||
	    (r == MAILIMAP_ERROR_PROTOCOL && mech == IMAP_AUTH_LOGIN)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_AUTH,
		    "%s: login as '%s' refused: %s", d->srv.account,
		    d->srv.user, server_text(d));
		return false;
	}
	return check(d, r, what, err);
}

/* Whether the session knows the server's capabilities (the greeting's). */
static bool
have_capabilities(const struct imap *d)
{
	return d->session->imap_connection_info != NULL &&
	    d->session->imap_connection_info->imap_capability != NULL;
}

/* A refused certificate's fingerprint goes with the error reply. */
static void
note_untrusted(struct reply_sink *sink, const struct net_peer *peer,
    const GError *error)
{
	if (sink != NULL && peer->fingerprint[0] != '\0' &&
	    g_error_matches(error, SKUA_ERROR, SKUA_ERROR_TLS_VERIFY))
		sink_untrusted(sink, peer->fingerprint);
}

static bool
imap_connect(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	struct net_tls_opts tls = server_conf_tls(&d->srv);
	struct net_peer peer;
	GError *error = NULL;
	mailstream *s;
	int r;

	disconnect(d);
	net_cancel_reset(d->cancel);
	s = net_connect(d->srv.host, d->srv.port, d->srv.tls == TLS_IMPLICIT,
	    &tls, d->srv.timeout, d->cancel, &peer, &error);
	if (s == NULL) {
		note_untrusted(sink, &peer, error);
		g_propagate_error(err, error);
		return false;
	}
	d->session = mailimap_new(0, NULL);
	if (log_enabled(LOG_TRACE))
		mailimap_set_logger(d->session, trace_cb, d);
	r = mailimap_connect(d->session, s);
	if (r == MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    d->srv.tls == TLS_STARTTLS) {
		/* PREAUTH before TLS: nothing would ever be encrypted. */
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
		    "%s: the server logged us in before STARTTLS (PREAUTH); "
		    "refusing an unencrypted session",
		    d->srv.account);
		disconnect(d);
		return false;
	}
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NETWORK,
		    "%s: no IMAP greeting from %s:%u", d->srv.account,
		    d->srv.host, d->srv.port);
		disconnect(d);
		return false;
	}
	if (d->srv.tls == TLS_STARTTLS) {
		r = capability(d);
		if (!check(d, r, "CAPABILITY", err))
			goto fail;
		if (!mailimap_has_extension(d->session, "STARTTLS")) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
			    "%s: %s does not offer STARTTLS; refusing to log "
			    "in without TLS (use imaps:// or set starttls=no)",
			    d->srv.account, d->srv.host);
			goto fail;
		}
		r = mailimap_starttls(d->session);
		if (!check(d, r, "STARTTLS", err))
			goto fail;
		if (!net_starttls(d->session->imap_stream, d->srv.host, &tls,
			d->srv.timeout, d->cancel, &peer, &error)) {
			note_untrusted(sink, &peer, error);
			g_propagate_error(err, error);
			goto fail;
		}
	}
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED ||
	    d->srv.tls == TLS_STARTTLS) {
		/* What the server said before TLS may have been forged. */
		if (d->srv.tls == TLS_STARTTLS || !have_capabilities(d)) {
			r = capability(d);
			if (!check(d, r, "CAPABILITY", err))
				goto fail;
		}
		if (!login(d, err))
			goto fail;
	}
	r = capability(d);
	if (!check(d, r, "CAPABILITY", err))
		goto fail;
	log_info("%s: logged in to %s:%u", d->srv.account, d->srv.host,
	    d->srv.port);
	return true;
fail:
	disconnect(d);
	return false;
}

/* Connect first if the connection is not up. */
static bool
ensure_session(struct backend *be, struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);

	/* An interrupt that came too late to fail the last op ends it now. */
	if (d->session != NULL && !net_io_check(d->cancel, NULL))
		disconnect(d);
	if (d->session != NULL)
		return true;
	return imap_connect(be, NULL, sink, err);
}

static unsigned
list_flags(const struct mailimap_mailbox_list *mb)
{
	const struct mailimap_mbx_list_flags *fl = mb->mb_flag;
	static const struct {
		const char *name;
		unsigned flag;
	} special[] = {
		{ "\\Sent", FOLDER_SENT },
		{ "\\Drafts", FOLDER_DRAFTS },
		{ "\\Trash", FOLDER_TRASH },
		{ "\\Junk", FOLDER_JUNK },
		{ "\\Archive", FOLDER_ARCHIVE },
		{ "\\HasChildren", FOLDER_HAS_CHILDREN },
		{ "\\Noselect", FOLDER_NOSELECT },
		{ "\\NonExistent", FOLDER_NOSELECT },
	};
	unsigned flags = 0;
	clistiter *it;

	if (g_ascii_strcasecmp(mb->mb_name, "INBOX") == 0)
		flags |= FOLDER_INBOX;
	if (fl == NULL)
		return flags;
	if (fl->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
	    fl->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
		flags |= FOLDER_NOSELECT;
	for (it = clist_begin(fl->mbf_oflags); it != NULL;
	     it = clist_next(it)) {
		const struct mailimap_mbx_list_oflag *of = clist_content(it);

		if (of->of_type != MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT)
			continue;
		for (size_t i = 0; i < G_N_ELEMENTS(special); i++) {
			if (g_ascii_strcasecmp(of->of_flag_ext,
				special[i].name + 1) == 0 ||
			    g_ascii_strcasecmp(of->of_flag_ext,
				special[i].name) == 0)
				flags |= special[i].flag;
		}
	}
	return flags;
}

/* STATUS (MESSAGES UNSEEN) of one folder; failures leave -1. */
static void
folder_counts(struct imap *d, struct folder_info *fi)
{
	struct mailimap_status_att_list *atts;
	struct mailimap_mailbox_data_status *st = NULL;
	clistiter *it;

	atts = mailimap_status_att_list_new_empty();
	mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_MESSAGES);
	mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_UNSEEN);
	if (mailimap_status(d->session, fi->server_name, atts, &st) ==
		MAILIMAP_NO_ERROR &&
	    st != NULL) {
		for (it = clist_begin(st->st_info_list); it != NULL;
		     it = clist_next(it)) {
			const struct mailimap_status_info *si =
			    clist_content(it);

			if (si->st_att == MAILIMAP_STATUS_ATT_MESSAGES)
				fi->total = si->st_value;
			else if (si->st_att == MAILIMAP_STATUS_ATT_UNSEEN)
				fi->unseen = si->st_value;
		}
	}
	absorb_untagged(d);
	if (st != NULL)
		mailimap_mailbox_data_status_free(st);
	mailimap_status_att_list_free(atts);
}

static bool mark_subscribed(struct imap *d, GPtrArray *folders, bool only,
    GError **err);

static bool
imap_list_folders(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	clist *list = NULL;
	GPtrArray *folders;
	clistiter *it;
	int r;

	if (!ensure_session(be, sink, err))
		return false;
	r = mailimap_list(d->session, "", "*", &list);
	if (!check(d, r, "LIST", err))
		return false;
	folders =
	    g_ptr_array_new_with_free_func((GDestroyNotify)folder_info_free);
	for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
		const struct mailimap_mailbox_list *mb = clist_content(it);
		struct folder_info *fi;

		if (mb->mb_name == NULL)
			continue;
		fi = g_new0(struct folder_info, 1);
		fi->server_name = g_strdup(mb->mb_name);
		fi->name = imap_utf7_decode_lossy(mb->mb_name);
		fi->delim = mb->mb_delimiter;
		fi->flags = list_flags(mb);
		fi->total = fi->unseen = -1;
		g_ptr_array_add(folders, fi);
	}
	mailimap_list_result_free(list);
	if (!mark_subscribed(d, folders, req->subscribed_only, err)) {
		g_ptr_array_unref(folders);
		return false;
	}
	for (guint i = 0; i < folders->len && d->session != NULL; i++) {
		struct folder_info *fi = folders->pdata[i];

		if (!(fi->flags & FOLDER_NOSELECT))
			folder_counts(d, fi);
		if (sink_cancelled(sink))
			break;
	}
	sink_folders(sink, folders);
	return true;
}

/*
 * Select name, or EXAMINE it when readonly (a connection that only reads,
 * like the header fill's: nothing it does changes the folder).
 */
static bool
select_folder(struct imap *d, const char *name, bool readonly, GError **err)
{
	g_autofree char *encoded = NULL;
	int r;

	/* A name typed by the user is UTF-8; the server wants mUTF-7. */
	for (const char *p = name; *p != '\0'; p++) {
		if ((unsigned char)*p >= 0x80) {
			encoded = imap_utf7_encode(name);
			name = encoded;
			break;
		}
	}
	if (d->selected != NULL && strcmp(d->selected, name) == 0 &&
	    (readonly || !d->selected_readonly))
		return true;
	g_clear_pointer(&d->selected, g_free);
	r = readonly ? mailimap_examine(d->session, name)
		     : mailimap_select(d->session, name);
	if (r != MAILIMAP_NO_ERROR && d->session != NULL &&
	    r != MAILIMAP_ERROR_STREAM && r != MAILIMAP_ERROR_PARSE) {
		g_autofree char *shown = imap_utf7_decode_lossy(name);

		g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
		    "cannot select '%s': %s", shown, server_text(d));
		return false;
	}
	if (!check(d, r, readonly ? "EXAMINE" : "SELECT", err))
		return false;
	d->selected = g_strdup(name);
	d->selected_readonly = readonly;
	/* Selected again: what happened meanwhile is learnt by a resync. */
	if (d->seq_folder != NULL && strcmp(d->seq_folder, name) == 0)
		d->seq_resync = true;
	return true;
}

static int
cmp_uid(gconstpointer a, gconstpointer b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The THREAD response (RFC 5256), which libetpan cannot parse: without a
 * parser for it the reply desynchronises the session. This extension
 * takes the line's data after "THREAD" as it is, up to the CRLF, and
 * imap_thread_parse() reads it afterwards. Registered by imap_init(),
 * before any thread starts (libetpan's registry has no lock).
 */
static bool thread_ext_registered;
static char thread_ext_name[] = "THREAD";

static int thread_ext_parse(int calling_parser, mailstream *fd,
    MMAPString *buffer, struct mailimap_parser_context *ctx, size_t *indx,
    struct mailimap_extension_data **result, size_t progr_rate,
    progress_function *progr_fun);
static void thread_ext_free(struct mailimap_extension_data *ext);

static struct mailimap_extension_api thread_ext = {
	.ext_name = thread_ext_name,
	.ext_id = -1,
	.ext_parser = thread_ext_parse,
	.ext_free = thread_ext_free,
};

/*
 * An untagged response "* WORD data..." of api's kind, which libetpan
 * cannot parse: the data up to the CRLF is kept as a GString for our own
 * parser. The line is whole in the buffer (neither THREAD nor ESEARCH
 * data has literals).
 */
static int
line_ext_parse(const char *word, struct mailimap_extension_api *api,
    int calling_parser, MMAPString *buffer, size_t *indx,
    struct mailimap_extension_data **result)
{
	size_t start = *indx, end, n = strlen(word);
	struct mailimap_extension_data *ext;
	GString *data;

	if (calling_parser != MAILIMAP_EXTENDED_PARSER_RESPONSE_DATA &&
	    calling_parser != MAILIMAP_EXTENDED_PARSER_MAILBOX_DATA)
		return MAILIMAP_ERROR_PARSE;
	/* The word, then a space or the end of the line. */
	if (start > buffer->len || buffer->len - start < n + 1 ||
	    g_ascii_strncasecmp(buffer->str + start, word, n) != 0 ||
	    (buffer->str[start + n] != ' ' && buffer->str[start + n] != '\r'))
		return MAILIMAP_ERROR_PARSE;
	end = start + n;
	while (end < buffer->len && buffer->str[end] != '\r')
		end++;
	if (end >= buffer->len)
		return MAILIMAP_ERROR_PARSE;
	/* The data: what follows "WORD ". */
	start += buffer->str[start + n] == ' ' ? n + 1 : n;
	data = g_string_new_len(buffer->str + start, (gssize)(end - start));
	ext = mailimap_extension_data_new(api, 0, data);
	if (ext == NULL) {
		g_string_free(data, TRUE);
		return MAILIMAP_ERROR_MEMORY;
	}
	*result = ext;
	*indx = end;
	return MAILIMAP_NO_ERROR;
}

static int
thread_ext_parse(int calling_parser, mailstream *fd, MMAPString *buffer,
    struct mailimap_parser_context *ctx, size_t *indx,
    struct mailimap_extension_data **result, size_t progr_rate,
    progress_function *progr_fun)
{
	(void)fd;
	(void)ctx;
	(void)progr_rate;
	(void)progr_fun;
	return line_ext_parse("THREAD", &thread_ext, calling_parser, buffer,
	    indx, result);
}

/*
 * The ESEARCH response (RFC 4731) to UID SEARCH RETURN (ALL): a sequence
 * set instead of every UID (600 KB for 100,000 messages). Same scheme.
 */
static bool esearch_ext_registered;
static char esearch_ext_name[] = "ESEARCH";

static int esearch_ext_parse(int calling_parser, mailstream *fd,
    MMAPString *buffer, struct mailimap_parser_context *ctx, size_t *indx,
    struct mailimap_extension_data **result, size_t progr_rate,
    progress_function *progr_fun);

static struct mailimap_extension_api esearch_ext = {
	.ext_name = esearch_ext_name,
	.ext_id = -1,
	.ext_parser = esearch_ext_parse,
	.ext_free = thread_ext_free,
};

static int
esearch_ext_parse(int calling_parser, mailstream *fd, MMAPString *buffer,
    struct mailimap_parser_context *ctx, size_t *indx,
    struct mailimap_extension_data **result, size_t progr_rate,
    progress_function *progr_fun)
{
	(void)fd;
	(void)ctx;
	(void)progr_rate;
	(void)progr_fun;
	return line_ext_parse("ESEARCH", &esearch_ext, calling_parser, buffer,
	    indx, result);
}

/* Take the data of the first response of extension api from the last
 * command's responses (the caller frees it), or NULL. */
static GString *
take_ext_data(struct imap *d, const struct mailimap_extension_api *api)
{
	clist *exts;

	if (d->session == NULL || d->session->imap_response_info == NULL)
		return NULL;
	exts = d->session->imap_response_info->rsp_extension_list;
	for (clistiter *it = clist_begin(exts); it != NULL;
	     it = clist_next(it)) {
		struct mailimap_extension_data *ext = clist_content(it);
		GString *data = ext->ext_data;

		if (ext->ext_extension == api && data != NULL) {
			ext->ext_data = NULL;
			return data;
		}
	}
	return NULL;
}

static void
thread_ext_free(struct mailimap_extension_data *ext)
{
	if (ext == NULL)
		return;
	if (ext->ext_data != NULL)
		g_string_free(ext->ext_data, TRUE);
	free(ext);
}

void
imap_init(void)
{
	const char *period = g_getenv("SKUA_IDLE_PERIOD");

	if (thread_ext_registered)
		return;
	/* Tests restart IDLE sooner than every 25 minutes. */
	if (period != NULL && atoi(period) > 0)
		idle_period = atoi(period);
	thread_ext_registered =
	    mailimap_extension_register(&thread_ext) == MAILIMAP_NO_ERROR;
	esearch_ext_registered =
	    mailimap_extension_register(&esearch_ext) == MAILIMAP_NO_ERROR;
}

/* The orders this server can give us (1 << enum sort_key). */
static unsigned
server_sorts(struct imap *d)
{
	unsigned keys = 1u << SORT_ARRIVAL;

	if (mailimap_has_extension(d->session, "SORT"))
		keys |= 1u << SORT_DATE | 1u << SORT_FROM | 1u << SORT_SUBJECT |
		    1u << SORT_SIZE | 1u << SORT_RECEIVED | 1u << SORT_TO;
	if (thread_ext_registered &&
	    mailimap_has_extension(d->session, "THREAD=REFERENCES"))
		keys |= 1u << SORT_THREADS;
	return keys;
}

static struct mailimap_sort_key *
sort_key_new(enum sort_key key, bool reverse)
{
	switch (key) {
	case SORT_DATE:
		return mailimap_sort_key_new_date(reverse);
	case SORT_FROM:
		return mailimap_sort_key_new_from(reverse);
	case SORT_SUBJECT:
		return mailimap_sort_key_new_subject(reverse);
	case SORT_SIZE:
		return mailimap_sort_key_new_size(reverse);
	case SORT_RECEIVED:
		return mailimap_sort_key_new_arrival(reverse);
	case SORT_TO:
		return mailimap_sort_key_new_to(reverse);
	default:
		return NULL;
	}
}

/* The key's name in a SORT command, for the log. */
static const char *
sort_key_imap_name(enum sort_key key)
{
	switch (key) {
	case SORT_DATE:
		return "DATE";
	case SORT_FROM:
		return "FROM";
	case SORT_SUBJECT:
		return "SUBJECT";
	case SORT_SIZE:
		return "SIZE";
	case SORT_RECEIVED:
		return "ARRIVAL";
	case SORT_TO:
		return "TO";
	default:
		return "?";
	}
}

/*
 * UID SORT (key) UTF-8 ALL into fs->uids. False without err when the
 * server refused (the caller falls back to UID SEARCH); false with err
 * when the connection is gone.
 */
static bool
uid_sort(struct imap *d, const struct request *req, struct folder_state *fs,
    GError **err)
{
	struct mailimap_sort_key *key = sort_key_new(req->sort, req->reverse);
	struct mailimap_search_key *all = mailimap_search_key_new_all();
	clist *result = NULL;
	int r;

	log_info("%s: UID SORT (%s%s) UTF-8 ALL", d->srv.account,
	    req->reverse ? "REVERSE " : "", sort_key_imap_name(req->sort));
	r = mailimap_uid_sort(d->session, "UTF-8", key, all, &result);
	mailimap_sort_key_free(key);
	mailimap_search_key_free(all);
	if (r == MAILIMAP_ERROR_EXTENSION) {
		log_info("%s: UID SORT refused: %s", d->srv.account,
		    server_text(d));
		return false;
	}
	if (!check(d, r, "UID SORT", err))
		return false;
	for (clistiter *it = clist_begin(result); it != NULL;
	     it = clist_next(it))
		g_array_append_val(fs->uids, *(uint32_t *)clist_content(it));
	mailimap_sort_result_free(result);
	return true;
}

/*
 * UID THREAD REFERENCES UTF-8 ALL, sent raw (libetpan has no THREAD) and
 * read by our extension parser: the forest into fs->threads, its messages
 * into fs->uids. False as uid_sort().
 */
static bool
uid_thread(struct imap *d, struct folder_state *fs, GError **err)
{
	g_autoptr(GError) why = NULL;
	GString *data = NULL;
	int r;

	log_info("%s: UID THREAD REFERENCES UTF-8 ALL", d->srv.account);
	r = mailimap_custom_command(d->session,
	    "UID THREAD REFERENCES UTF-8 ALL");
	if (r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE ||
	    r == MAILIMAP_ERROR_FATAL)
		return check(d, r, "UID THREAD", err);
	data = take_ext_data(d, &thread_ext);
	if (r != MAILIMAP_NO_ERROR || data == NULL) {
		log_info("%s: UID THREAD refused: %s", d->srv.account,
		    r != MAILIMAP_NO_ERROR ? server_text(d) : "no THREAD data");
		if (data != NULL)
			g_string_free(data, TRUE);
		return false;
	}
	fs->threads = imap_thread_parse(data->str, data->len, &why);
	g_string_free(data, TRUE);
	if (fs->threads == NULL) {
		log_info("%s: unreadable THREAD reply: %s", d->srv.account,
		    why->message);
		return false;
	}
	for (guint i = 0; i < fs->threads->len; i++) {
		uint32_t uid =
		    g_array_index(fs->threads, struct thread_node, i).uid;

		if (uid != 0)
			g_array_append_val(fs->uids, uid);
	}
	return true;
}

/* UID SEARCH ALL: every UID, in UID order (reversed with req->reverse). */
/*
 * UID SEARCH RETURN (ALL) ALL (RFC 4731): the UIDs as a sequence set.
 * 1 with them in fs->uids; 0 when the server refused or the answer was
 * unreadable (fs->uids emptied; the caller asks plainly); -1 with err
 * when the connection is gone.
 */
static int
uid_esearch(struct imap *d, struct folder_state *fs, GError **err)
{
	g_autoptr(GError) why = NULL;
	GString *data;
	int r;

	r = mailimap_custom_command(d->session, "UID SEARCH RETURN (ALL) ALL");
	if (r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE ||
	    r == MAILIMAP_ERROR_FATAL)
		return check(d, r, "UID SEARCH", err) ? 0 : -1;
	data = take_ext_data(d, &esearch_ext);
	if (r != MAILIMAP_NO_ERROR) {
		log_info("%s: UID SEARCH RETURN refused: %s", d->srv.account,
		    server_text(d));
	} else if (data == NULL) {
		/* No ESEARCH line: no message matched (RFC 4731 allows it). */
		return 1;
	} else if (imap_esearch_parse(data->str, data->len, fs->uids, &why)) {
		g_string_free(data, TRUE);
		return 1;
	} else {
		log_info("%s: unreadable ESEARCH reply: %s", d->srv.account,
		    why->message);
	}
	if (data != NULL)
		g_string_free(data, TRUE);
	g_array_set_size(fs->uids, 0);
	return 0;
}

static bool
uid_search(struct imap *d, const struct request *req, struct folder_state *fs,
    GError **err)
{
	struct mailimap_search_key *key;
	clist *result = NULL;
	int r;

	if (esearch_ext_registered &&
	    mailimap_has_extension(d->session, "ESEARCH")) {
		switch (uid_esearch(d, fs, err)) {
		case 1:
			goto sort;
		case -1:
			return false;
		default:
			break; /* refused or unreadable: the plain SEARCH */
		}
	}
	key = mailimap_search_key_new_all();
	r = mailimap_uid_search(d->session, NULL, key, &result);
	mailimap_search_key_free(key);
	if (!check(d, r, "UID SEARCH", err))
		return false;
	for (clistiter *it = clist_begin(result); it != NULL;
	     it = clist_next(it))
		g_array_append_val(fs->uids, *(uint32_t *)clist_content(it));
	mailimap_search_result_free(result);
sort:
	g_array_sort(fs->uids, cmp_uid);
	if (req->reverse) {
		for (guint i = 0, j = fs->uids->len; i + 1 < j; i++, j--) {
			uint32_t t = g_array_index(fs->uids, uint32_t, i);

			g_array_index(fs->uids, uint32_t, i) =
			    g_array_index(fs->uids, uint32_t, j - 1);
			g_array_index(fs->uids, uint32_t, j - 1) = t;
		}
	}
	return true;
}

/* The map of the selected folder is uids (the whole folder, now). */
static void
watch_reset(struct imap *d, const GArray *uids, uint32_t uidvalidity)
{
	/* News of the folder kept live before are of no use now. */
	if (d->news != NULL && g_strcmp0(d->news->folder, d->selected) != 0)
		g_clear_pointer(&d->news, folder_update_free);
	g_free(d->seq_folder);
	d->seq_folder = g_strdup(d->selected);
	if (d->seq != NULL)
		g_array_unref(d->seq);
	d->seq = seqmap_new(uids);
	d->seq_uidvalidity = uidvalidity;
	d->seq_resync = d->seq_new = false;
}

/*
 * SELECT, then the UID list in display order: UID THREAD or UID SORT when
 * the server offers what was asked, else UID SEARCH in UID order with
 * fs->sorted false, so that core sorts once it has the headers.
 */
static bool
imap_open_folder(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	struct folder_state *fs;
	GError *error = NULL;
	bool empty, done = false;

	if (!ensure_session(be, sink, err) ||
	    !select_folder(d, req->folder, false, err))
		return false;
	fs = g_new0(struct folder_state, 1);
	fs->name = imap_utf7_decode_lossy(req->folder);
	fs->uidvalidity = d->session->imap_selection_info != NULL
	    ? d->session->imap_selection_info->sel_uidvalidity
	    : 0;
	fs->uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	fs->server_sorts = server_sorts(d);
	fs->sort = req->sort;
	fs->reverse = req->reverse;
	/* libetpan takes an empty SORT reply for an error: ask nothing. */
	empty = d->session->imap_selection_info != NULL &&
	    d->session->imap_selection_info->sel_has_exists &&
	    d->session->imap_selection_info->sel_exists == 0;
	if (req->sort != SORT_ARRIVAL &&
	    (fs->server_sorts & (1u << req->sort)) != 0) {
		if (empty) {
			done = true;
			if (req->sort == SORT_THREADS)
				fs->threads = g_array_new(FALSE, FALSE,
				    sizeof(struct thread_node));
		} else if (req->sort == SORT_THREADS) {
			done = uid_thread(d, fs, &error);
		} else {
			done = uid_sort(d, req, fs, &error);
		}
		if (error != NULL) {
			g_propagate_error(err, error);
			folder_state_free(fs);
			return false;
		}
		if (!done) {
			g_array_set_size(fs->uids, 0);
			g_clear_pointer(&fs->threads, g_array_unref);
		}
	}
	if (!done && !uid_search(d, req, fs, err)) {
		folder_state_free(fs);
		return false;
	}
	fs->exists = fs->uids->len;
	fs->sorted = done || req->sort == SORT_ARRIVAL;
	/* Every UID of the folder: its sequence numbers from now on. */
	watch_reset(d, fs->uids, fs->uidvalidity);
	sink_folder(sink, fs);
	return true;
}

/* State of one envelope fetch, shared with the per-message handler. */
struct fetch {
	GPtrArray *batch; /* struct envelope * waiting to be sent */
	struct reply_sink *sink;
	struct imap *d;
};

/* Days from 1970-01-01 to year-month-day (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* INTERNALDATE as Unix time, by arithmetic (once per message: no
 * GDateTime); 0 when a field is out of range. */
static int64_t
internal_date(const struct mailimap_date_time *dt)
{
	int zone, minutes;

	if (dt == NULL || dt->dt_month < 1 || dt->dt_month > 12 ||
	    dt->dt_day < 1 || dt->dt_day > 31 || dt->dt_hour > 23 ||
	    dt->dt_min > 59 || dt->dt_sec > 60)
		return 0;
	zone = dt->dt_zone;
	minutes =
	    (zone < 0 ? -1 : 1) * ((ABS(zone) / 100) * 60 + ABS(zone) % 100);
	return days_from_civil(dt->dt_year, dt->dt_month, dt->dt_day) * 86400 +
	    dt->dt_hour * 3600 + dt->dt_min * 60 + dt->dt_sec -
	    (int64_t)minutes * 60;
}

static uint32_t
fetch_flags(const struct mailimap_msg_att_dynamic *dyn)
{
	uint32_t flags = 0;
	clistiter *it;

	if (dyn == NULL || dyn->att_list == NULL)
		return 0;
	for (it = clist_begin(dyn->att_list); it != NULL; it = clist_next(it)) {
		const struct mailimap_flag_fetch *ff = clist_content(it);

		if (ff->fl_type == MAILIMAP_FLAG_FETCH_RECENT) {
			flags |= MSG_RECENT;
			continue;
		}
		if (ff->fl_type != MAILIMAP_FLAG_FETCH_OTHER ||
		    ff->fl_flag == NULL)
			continue;
		switch (ff->fl_flag->fl_type) {
		case MAILIMAP_FLAG_SEEN:
			flags |= MSG_SEEN;
			break;
		case MAILIMAP_FLAG_ANSWERED:
			flags |= MSG_ANSWERED;
			break;
		case MAILIMAP_FLAG_FLAGGED:
			flags |= MSG_FLAGGED;
			break;
		case MAILIMAP_FLAG_DELETED:
			flags |= MSG_DELETED;
			break;
		case MAILIMAP_FLAG_DRAFT:
			flags |= MSG_DRAFT;
			break;
		default:
			break;
		}
	}
	return flags;
}

static void news_flags(struct imap *d, uint32_t uid, uint32_t flags);
static bool att_uid_flags(const struct mailimap_msg_att *att, uint32_t *uid,
    uint32_t *flags);

/* A FETCH FLAGS that came unasked amid a fetch of envelopes. */
static void
unsolicited_flags(struct imap *d, const struct mailimap_msg_att *att,
    uint32_t uid)
{
	uint32_t flags;

	if (d->seq == NULL || d->selected == NULL || d->seq_resync ||
	    strcmp(d->selected, d->seq_folder) != 0 ||
	    !att_uid_flags(att, &uid, &flags))
		return;
	if (uid != 0) {
		news_flags(d, uid, flags);
	} else {
		/* EXPUNGEs of the same reply may renumber it: later. */
		struct uid_flags uf = { att->att_number, flags };

		g_array_append_val(d->seq_flags, uf);
	}
}

/* libetpan calls this for each FETCH response; msg_att is freed after. */
static void
on_msg_att(struct mailimap_msg_att *att, void *context)
{
	struct fetch *fx = context;
	struct envelope_fields f = { 0 };
	/*
	 * BODY[HEADER.FIELDS (...)] read by mime/headers.c: a fraction of the
	 * cost of libetpan's ENVELOPE parser, and fewer bytes (ENVELOPE
	 * repeats From as Sender and Reply-To, and brings Cc and Bcc).
	 */
	struct mime_index_fields xf = { 0 };
	clistiter *it;
	bool headers = false;

	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		const struct mailimap_msg_att_item *item = clist_content(it);
		const struct mailimap_msg_att_static *st;

		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
			f.flags |= fetch_flags(item->att_data.att_dyn);
			continue;
		}
		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			f.uid = st->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			f.size = st->att_data.att_rfc822_size;
			break;
		case MAILIMAP_MSG_ATT_INTERNALDATE:
			f.received =
			    internal_date(st->att_data.att_internal_date);
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			headers = true;
			if (st->att_data.att_body_section != NULL &&
			    st->att_data.att_body_section->sec_body_part !=
				NULL)
				mime_index_fields(st->att_data.att_body_section
						      ->sec_body_part,
				    st->att_data.att_body_section->sec_length,
				    &xf);
			break;
		default:
			break;
		}
	}
	if (f.uid == 0 || !headers) {
		/* An unsolicited FETCH (flags changed): news of the folder. */
		mime_index_fields_clear(&xf);
		unsolicited_flags(fx->d, att, f.uid);
		return;
	}
	envelope_fields_take(&f, &xf);
	g_ptr_array_add(fx->batch, envelope_new(&f));
	mime_index_fields_clear(&xf);
	/* Hand envelopes over in groups, not one reply per message. */
	if (fx->batch->len >= 100) {
		sink_envelopes(fx->sink, fx->batch);
		fx->batch = g_ptr_array_new_with_free_func(g_free);
	}
}

/* libetpan calls the msg_att handler only when a progress callback is set. */
static void
on_progress(size_t current, size_t maximum, void *context)
{
}

static struct mailimap_set *
uid_set(const GArray *uids)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	g_autoptr(GArray) sorted = g_array_copy((GArray *)uids);

	g_array_sort(sorted, cmp_uid);
	for (guint i = 0; i < sorted->len;) {
		uint32_t first = g_array_index(sorted, uint32_t, i),
			 last = first;

		while (++i < sorted->len &&
		    g_array_index(sorted, uint32_t, i) <= last + 1)
			last = g_array_index(sorted, uint32_t, i);
		mailimap_set_add_interval(set, first, last);
	}
	return set;
}

static const char *const index_fields[] = { "Date", "From", "To", "Subject" };
static const char *const thread_fields[] = { "Message-ID", "In-Reply-To",
	"References" };

/*
 * What the index needs of each message: UID FLAGS INTERNALDATE
 * RFC822.SIZE and BODY.PEEK[HEADER.FIELDS (...)]; Message-ID, In-Reply-To
 * and References only when server_threads is false (the client threads).
 */
static struct mailimap_fetch_type *
envelope_fetch_type(bool server_threads)
{
	struct mailimap_fetch_type *ft =
	    mailimap_fetch_type_new_fetch_att_list_empty();
	clist *hdrs = clist_new();
	struct mailimap_section *sec;

	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_flags());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_internaldate());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_rfc822_size());
	for (size_t i = 0; i < G_N_ELEMENTS(index_fields); i++)
		clist_append(hdrs, strdup(index_fields[i]));
	/* Threading fields only when the server cannot thread for us. */
	for (size_t i = 0; !server_threads && i < G_N_ELEMENTS(thread_fields);
	     i++)
		clist_append(hdrs, strdup(thread_fields[i]));
	sec =
	    mailimap_section_new_header_fields(mailimap_header_list_new(hdrs));
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(sec));
	return ft;
}

static bool
imap_fetch_envelopes(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	struct fetch fx = { g_ptr_array_new_with_free_func(g_free), sink, d };
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set;
	clist *result = NULL;
	int r;

	if (!ensure_session(be, sink, err) ||
	    !select_folder(d, req->folder, req->readonly, err)) {
		g_ptr_array_unref(fx.batch);
		return false;
	}
	set = uid_set(req->uids);
	ft = envelope_fetch_type((server_sorts(d) & 1u << SORT_THREADS) != 0);
	mailimap_set_progress_callback(d->session, NULL, on_progress, NULL);
	mailimap_set_msg_att_handler(d->session, on_msg_att, &fx);
	r = mailimap_uid_fetch(d->session, set, ft, &result);
	if (d->session != NULL) {
		mailimap_set_msg_att_handler(d->session, NULL, NULL);
		mailimap_set_progress_callback(d->session, NULL, NULL, NULL);
	}
	if (result != NULL)
		mailimap_fetch_list_free(result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (fx.batch->len > 0)
		sink_envelopes(sink, fx.batch);
	else
		g_ptr_array_unref(fx.batch);
	return check(d, r, "UID FETCH", err);
}

/* The parameter name of a part (charset, format, name), or NULL. */
static const char *
param(const struct mailimap_body_fld_param *params, const char *name)
{
	clistiter *it;

	if (params == NULL)
		return NULL;
	for (it = clist_begin(params->pa_list); it != NULL;
	     it = clist_next(it)) {
		const struct mailimap_single_body_fld_param *p =
		    clist_content(it);

		if (g_ascii_strcasecmp(p->pa_name, name) == 0)
			return p->pa_value;
	}
	return NULL;
}

/*
 * A parameter that may be encoded per RFC 2231 (name*=charset'lang'%XX,
 * and continuations name*0*, name*1, ...): decoded to UTF-8. Caller frees.
 */
static char *
param_2231(const struct mailimap_body_fld_param *params, const char *name)
{
	const char *plain = param(params, name);
	g_autofree char *star = g_strdup_printf("%s*", name);
	GString *raw = g_string_new(NULL);
	g_autofree char *charset = NULL;
	char *out;

	if (plain != NULL) {
		g_string_free(raw, TRUE);
		return mime_decode_header(plain);
	}
	for (unsigned n = 0; n < 100; n++) {
		g_autofree char *k1 = n == 0
		    ? g_strdup(star)
		    : g_strdup_printf("%s*%u*", name, n);
		g_autofree char *k2 = g_strdup_printf("%s*%u", name, n);
		g_autofree char *k0 = g_strdup_printf("%s*0*", name);
		const char *v = param(params, k1);
		bool encoded = v != NULL;

		if (n == 0 && v == NULL) {
			v = param(params, k0);
			encoded = v != NULL;
		}
		if (v == NULL) {
			v = param(params, k2);
			encoded = false;
		}
		if (v == NULL)
			break;
		if (encoded && n == 0) {
			/* charset'language'value */
			const char *q1 = strchr(v, '\'');
			const char *q2 =
			    q1 != NULL ? strchr(q1 + 1, '\'') : NULL;

			if (q2 != NULL) {
				charset = g_strndup(v, q1 - v);
				v = q2 + 1;
			}
		}
		for (const char *p = v; *p != '\0'; p++) {
			if (encoded && *p == '%' && g_ascii_isxdigit(p[1]) &&
			    g_ascii_isxdigit(p[2])) {
				g_string_append_c(raw,
				    (char)(g_ascii_xdigit_value(p[1]) * 16 +
					g_ascii_xdigit_value(p[2])));
				p += 2;
			} else {
				g_string_append_c(raw, *p);
			}
		}
		if (n == 0 && param(params, star) != NULL)
			break; /* a single name*= */
	}
	if (raw->len == 0) {
		g_string_free(raw, TRUE);
		return NULL;
	}
	out = NULL;
	if (charset != NULL && *charset != '\0' &&
	    g_ascii_strcasecmp(charset, "utf-8") != 0)
		out = g_convert(raw->str, raw->len, "UTF-8", charset, NULL,
		    NULL, NULL);
	if (out == NULL)
		out = g_utf8_make_valid(raw->str, raw->len);
	g_string_free(raw, TRUE);
	return out;
}

/* One leaf of a BODYSTRUCTURE, flattened. */
struct leaf {
	char *section;
	char *type; /* lower case "text/plain" */
	const struct mailimap_body_fields *fields;
	const struct mailimap_body_ext_1part *ext;
	bool in_alternative;
	unsigned alt_group; /* which multipart/alternative it belongs to */
};

static void
leaf_free(struct leaf *l)
{
	g_free(l->section);
	g_free(l->type);
	g_free(l);
}

static const char *const basic_types[] = { "application", "audio", "image",
	"message", "video" };

#define MAX_PARTS 1000
#define MAX_DEPTH 32

/* Walk body depth-first, appending leaves with their IMAP section numbers. */
static void
walk_body(const struct mailimap_body *body, const char *prefix, int depth,
    unsigned alt, unsigned *next_alt, GPtrArray *leaves)
{
	if (body == NULL || depth > MAX_DEPTH || leaves->len >= MAX_PARTS)
		return;
	if (body->bd_type == MAILIMAP_BODY_MPART) {
		const struct mailimap_body_type_mpart *mp =
		    body->bd_data.bd_body_mpart;
		unsigned n = 1, group = alt;
		clistiter *it;

		if (g_ascii_strcasecmp(mp->bd_media_subtype, "alternative") ==
		    0)
			group = ++*next_alt;
		for (it = clist_begin(mp->bd_list); it != NULL;
		     it = clist_next(it), n++) {
			g_autofree char *sec = *prefix != '\0'
			    ? g_strdup_printf("%s.%u", prefix, n)
			    : g_strdup_printf("%u", n);

			walk_body(clist_content(it), sec, depth + 1, group,
			    next_alt, leaves);
		}
		return;
	}
	{
		const struct mailimap_body_type_1part *one =
		    body->bd_data.bd_body_1part;
		struct leaf *l = g_new0(struct leaf, 1);

		l->section = g_strdup(*prefix != '\0' ? prefix : "1");
		l->ext = one->bd_ext_1part;
		l->alt_group = alt;
		l->in_alternative = alt != 0;
		switch (one->bd_type) {
		case MAILIMAP_BODY_TYPE_1PART_TEXT: {
			g_autofree char *sub = g_ascii_strdown(
			    one->bd_data.bd_type_text->bd_media_text, -1);

			l->type = g_strconcat("text/", sub, NULL);
			l->fields = one->bd_data.bd_type_text->bd_fields;
			break;
		}
		case MAILIMAP_BODY_TYPE_1PART_MSG:
			l->type = g_strdup("message/rfc822");
			l->fields = one->bd_data.bd_type_msg->bd_fields;
			break;
		default: {
			const struct mailimap_media_basic *m =
			    one->bd_data.bd_type_basic->bd_media_basic;
			const char *major = m->med_type >= 0 &&
				m->med_type < (int)G_N_ELEMENTS(basic_types)
			    ? basic_types[m->med_type]
			    : (m->med_basic_type != NULL ? m->med_basic_type
							 : "application");
			g_autofree char *t =
			    g_strdup_printf("%s/%s", major, m->med_subtype);

			l->type = g_ascii_strdown(t, -1);
			l->fields = one->bd_data.bd_type_basic->bd_fields;
			break;
		}
		}
		g_ptr_array_add(leaves, l);
	}
}

static bool
is_attachment(const struct leaf *l)
{
	return l->ext != NULL && l->ext->bd_disposition != NULL &&
	    g_ascii_strcasecmp(l->ext->bd_disposition->dsp_type,
		"attachment") == 0;
}

/* The leaf to show when no preference applies: text/plain, else HTML. */
static const struct leaf *
first_text(GPtrArray *leaves)
{
	const struct leaf *html = NULL;

	for (guint i = 0; i < leaves->len; i++) {
		const struct leaf *l = leaves->pdata[i];

		if (is_attachment(l))
			continue;
		if (strcmp(l->type, "text/plain") == 0)
			return l;
		if (html == NULL && strcmp(l->type, "text/html") == 0)
			html = l;
	}
	return html;
}

/*
 * The leaf to show. When the first inline text/plain or text/html part
 * is in a multipart/alternative, order (alternative_order: type patterns,
 * best first) picks among the text parts of that alternative; otherwise,
 * and when nothing matches, text/plain wins over text/html.
 */
static const struct leaf *
choose_text(GPtrArray *leaves, const char *order)
{
	const struct leaf *first = NULL;
	g_auto(GStrv) prefs = NULL;

	for (guint i = 0; i < leaves->len && first == NULL; i++) {
		const struct leaf *l = leaves->pdata[i];

		if (!is_attachment(l) &&
		    (strcmp(l->type, "text/plain") == 0 ||
			strcmp(l->type, "text/html") == 0))
			first = l;
	}
	if (first == NULL || !first->in_alternative || order == NULL)
		return first_text(leaves);
	prefs = g_strsplit_set(order, " \t,", -1);
	for (size_t p = 0; prefs[p] != NULL; p++) {
		if (*prefs[p] == '\0')
			continue;
		for (guint i = 0; i < leaves->len; i++) {
			const struct leaf *l = leaves->pdata[i];

			if (l->alt_group == first->alt_group &&
			    !is_attachment(l) &&
			    g_str_has_prefix(l->type, "text/") &&
			    mailcap_type_matches(prefs[p], l->type))
				return l;
		}
	}
	return first_text(leaves);
}

/* The longest an HTML filter may run, and the most it may write. */
#define HTML_FILTER_TIMEOUT 10000
#define HTML_FILTER_MAX_OUT (8 * 1024 * 1024)

/*
 * An HTML part through the first copiousoutput mailcap entry for
 * text/html, as display text; NULL when there is none or it fails (the
 * built-in converter is used then).
 */
static char *
render_html_mailcap(const struct imap *d, const char *data, size_t len,
    const char *encoding, const char *charset)
{
	struct mailcap *mc;
	const struct mailcap_entry *e;
	g_autoptr(GHashTable) params =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GBytes) raw = NULL;
	g_autoptr(GBytes) out = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *path = NULL;
	char *text = NULL;

	if (d->mailcap_path == NULL || *d->mailcap_path == '\0')
		return NULL;
	mc = mailcap_load(d->mailcap_path);
	if (charset != NULL)
		g_hash_table_insert(params, g_strdup("charset"),
		    g_strdup(charset));
	e = mailcap_lookup(mc, "text/html", params, MAILCAP_COPIOUS);
	if (e == NULL)
		goto out;
	raw = mime_decode_transfer(data, len, encoding);
	path = mailcap_temp_write(e->nametemplate, "message.html",
	    g_bytes_get_data(raw, NULL), g_bytes_get_size(raw), &error);
	if (path != NULL) {
		out = mailcap_filter(e, "text/html", params, path,
		    HTML_FILTER_TIMEOUT, HTML_FILTER_MAX_OUT, &error);
		mailcap_temp_remove(path);
	}
	if (out == NULL) {
		log_warn("%s: HTML through mailcap: %s", d->srv.account,
		    error->message);
		goto out;
	}
	/* Whatever the filter wrote: valid UTF-8 with LF lines. */
	text = mime_render_part(g_bytes_get_data(out, NULL),
	    g_bytes_get_size(out), "text/plain", NULL, NULL, false, false);
out:
	mailcap_free(mc);
	return text;
}

static const char *
encoding_name(const struct mailimap_body_fld_enc *enc)
{
	static const char *const names[] = { "7bit", "8bit", "binary", "base64",
		"quoted-printable" };

	if (enc == NULL)
		return NULL;
	if (enc->enc_type >= 0 && enc->enc_type < (int)G_N_ELEMENTS(names))
		return names[enc->enc_type];
	return enc->enc_value;
}

/* At most this many fields of a message's header are kept. */
#define HEADER_FIELDS_MAX 1000

struct header_out {
	GString *out;
	unsigned count;
};

static void
on_header_field(const char *name, size_t name_len, const char *value,
    void *data)
{
	struct header_out *ho = data;
	g_autofree char *decoded = NULL;

	if (ho->count >= HEADER_FIELDS_MAX)
		return;
	ho->count++;
	decoded = mime_decode_header(value);
	/* One line per field: an encoded word may hold a line break. */
	for (char *p = decoded; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	g_string_append_printf(ho->out, "%.*s: %s\n", (int)name_len, name,
	    g_strstrip(decoded));
}

/*
 * A message's header block as "Name: value" lines, unfolded and decoded
 * (RFC 2047), in the message's order; not yet sanitised for the terminal.
 */
static char *
decode_header_block(const char *block, size_t len)
{
	struct header_out ho = { g_string_new(NULL), 0 };

	mime_header_fields(block, len, on_header_field, &ho);
	return g_string_free(ho.out, FALSE);
}

/* UID FETCH one item of uid; *data_out gets the section's bytes. */
struct one_fetch {
	struct mailimap_body *body; /* BODYSTRUCTURE, stolen */
	char *header;		    /* HEADER.FIELDS block */
	size_t header_len;
	char *part; /* BODY[section] */
	size_t part_len;
	uint32_t flags;
	bool seen_flags;
};

static void
on_one_att(struct mailimap_msg_att *att, void *context)
{
	struct one_fetch *of = context;
	clistiter *it;

	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		struct mailimap_msg_att_static *st;

		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
			of->flags = fetch_flags(item->att_data.att_dyn);
			of->seen_flags = true;
			continue;
		}
		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		if (st->att_type == MAILIMAP_MSG_ATT_BODYSTRUCTURE &&
		    of->body == NULL) {
			/* Keep it past the handler: libetpan frees att after.
			 */
			of->body = st->att_data.att_bodystructure;
			st->att_data.att_bodystructure = NULL;
		} else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION &&
		    st->att_data.att_body_section != NULL &&
		    st->att_data.att_body_section->sec_body_part != NULL) {
			const struct mailimap_msg_att_body_section *bs =
			    st->att_data.att_body_section;
			bool is_header = bs->sec_section != NULL &&
			    bs->sec_section->sec_spec != NULL &&
			    bs->sec_section->sec_spec->sec_type ==
				MAILIMAP_SECTION_SPEC_SECTION_MSGTEXT;

			if (is_header && of->header == NULL) {
				of->header = g_memdup2(bs->sec_body_part,
				    bs->sec_length + 1);
				of->header_len = bs->sec_length;
			} else if (!is_header && of->part == NULL) {
				of->part = g_memdup2(bs->sec_body_part,
				    bs->sec_length + 1);
				of->part_len = bs->sec_length;
			}
		}
	}
}

static int
fetch_one(struct imap *d, uint32_t uid, struct mailimap_fetch_type *ft,
    struct one_fetch *of)
{
	struct mailimap_set *set = mailimap_set_new_single(uid);
	clist *result = NULL;
	int r;

	mailimap_set_progress_callback(d->session, NULL, on_progress, NULL);
	mailimap_set_msg_att_handler(d->session, on_one_att, of);
	r = mailimap_uid_fetch(d->session, set, ft, &result);
	if (d->session != NULL) {
		mailimap_set_msg_att_handler(d->session, NULL, NULL);
		mailimap_set_progress_callback(d->session, NULL, NULL, NULL);
	}
	if (result != NULL)
		mailimap_fetch_list_free(result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	return r;
}

static struct mailimap_section *
section_of(const char *dotted)
{
	clist *ids;
	g_auto(GStrv) nums = NULL;

	if (dotted == NULL || *dotted == '\0') /* the whole message */
		return mailimap_section_new(NULL);
	ids = clist_new();
	nums = g_strsplit(dotted, ".", -1);

	for (size_t i = 0; nums[i] != NULL; i++) {
		uint32_t *n = malloc(sizeof(*n));

		*n = (uint32_t)g_ascii_strtoull(nums[i], NULL, 10);
		clist_append(ids, n);
	}
	return mailimap_section_new_part(mailimap_section_part_new(ids));
}

static bool
imap_fetch_message(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	struct one_fetch of = { 0 };
	struct mailimap_fetch_type *ft;
	struct message_text *mt;
	g_autoptr(GPtrArray) leaves =
	    g_ptr_array_new_with_free_func((GDestroyNotify)leaf_free);
	const struct leaf *text;
	unsigned groups = 0;
	int r;

	if (!ensure_session(be, sink, err) ||
	    !select_folder(d, req->folder, false, err))
		return false;
	/*
	 * First the structure and the header (small; the pager picks the
	 * fields to show), never the body.
	 */
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_flags());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_bodystructure());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(
		mailimap_section_new_header()));
	r = fetch_one(d, req->uid, ft, &of);
	if (!check(d, r, "UID FETCH", err))
		goto fail;
	if (of.body == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
		    "message %u is gone from the server", req->uid);
		goto fail;
	}
	walk_body(of.body, "", 0, 0, &groups, leaves);
	mt = g_new0(struct message_text, 1);
	mt->uid = req->uid;
	mt->headers = of.header != NULL
	    ? decode_header_block(of.header, of.header_len)
	    : g_strdup("");
	mt->parts =
	    g_ptr_array_new_with_free_func((GDestroyNotify)part_info_free);
	for (guint i = 0; i < leaves->len; i++) {
		const struct leaf *l = leaves->pdata[i];
		struct part_info *pi = g_new0(struct part_info, 1);
		char *name = NULL;

		pi->section = g_strdup(l->section);
		pi->type = g_strdup(l->type);
		pi->size = l->fields != NULL ? l->fields->bd_size : 0;
		if (l->fields != NULL && l->fields->bd_encoding != NULL)
			pi->encoding =
			    g_strdup(encoding_name(l->fields->bd_encoding));
		if (l->fields != NULL)
			pi->charset =
			    g_strdup(param(l->fields->bd_parameter, "charset"));
		if (l->ext != NULL && l->ext->bd_disposition != NULL)
			name =
			    param_2231(l->ext->bd_disposition->dsp_attributes,
				"filename");
		if (name == NULL && l->fields != NULL)
			name = param_2231(l->fields->bd_parameter, "name");
		pi->name = name;
		g_ptr_array_add(mt->parts, pi);
	}
	/* Then only the part shown. */
	text = choose_text(leaves, d->alternative_order);
	if (text != NULL) {
		const struct mailimap_body_fld_param *prm =
		    text->fields != NULL ? text->fields->bd_parameter : NULL;
		const char *format = param(prm, "format");
		const char *delsp = param(prm, "delsp");

		ft = mailimap_fetch_type_new_fetch_att_list_empty();
		mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_body_peek_section(
			section_of(text->section)));
		r = fetch_one(d, req->uid, ft, &of);
		if (!check(d, r, "UID FETCH", err)) {
			message_text_free(mt);
			goto fail;
		}
		mt->shown_type = g_strdup(text->type);
		if (strcmp(text->type, "text/html") == 0)
			mt->body = render_html_mailcap(d,
			    of.part != NULL ? of.part : "", of.part_len,
			    text->fields != NULL
				? encoding_name(text->fields->bd_encoding)
				: NULL,
			    param(prm, "charset"));
		if (mt->body == NULL)
			mt->body =
			    mime_render_part(of.part != NULL ? of.part : "",
				of.part_len, text->type,
				text->fields != NULL
				    ? encoding_name(text->fields->bd_encoding)
				    : NULL,
				param(prm, "charset"),
				format != NULL &&
				    g_ascii_strcasecmp(format, "flowed") == 0,
				delsp != NULL &&
				    g_ascii_strcasecmp(delsp, "yes") == 0);
	} else {
		mt->body = g_strdup("");
	}
	mt->flags = of.flags;
	/* Opening a message marks it read, as in mutt. */
	if (!(of.flags & MSG_SEEN)) {
		struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
		struct mailimap_set *set = mailimap_set_new_single(req->uid);
		struct mailimap_store_att_flags *sf;

		mailimap_flag_list_add(fl, mailimap_flag_new_seen());
		sf = mailimap_store_att_flags_new_add_flags_silent(fl);
		r = mailimap_uid_store(d->session, set, sf);
		mailimap_store_att_flags_free(sf);
		mailimap_set_free(set);
		if (r == MAILIMAP_NO_ERROR)
			mt->flags |= MSG_SEEN;
		else if (!check(d, r, "UID STORE", err)) {
			message_text_free(mt);
			goto fail;
		}
	}
	sink_message(sink, mt);
	mailimap_body_free(of.body);
	g_free(of.header);
	g_free(of.part);
	return true;
fail:
	if (of.body != NULL)
		mailimap_body_free(of.body);
	g_free(of.header);
	g_free(of.part);
	return false;
}

/* The IMAP system flags of mask (enum msg_flag); NULL when none. */
static struct mailimap_flag_list *
flag_list_of(uint32_t mask)
{
	struct mailimap_flag_list *fl;

	/* \Recent is the server's own: never stored. */
	mask &= MSG_SEEN | MSG_ANSWERED | MSG_FLAGGED | MSG_DELETED | MSG_DRAFT;
	if (mask == 0)
		return NULL;
	fl = mailimap_flag_list_new_empty();
	if (mask & MSG_SEEN)
		mailimap_flag_list_add(fl, mailimap_flag_new_seen());
	if (mask & MSG_ANSWERED)
		mailimap_flag_list_add(fl, mailimap_flag_new_answered());
	if (mask & MSG_FLAGGED)
		mailimap_flag_list_add(fl, mailimap_flag_new_flagged());
	if (mask & MSG_DELETED)
		mailimap_flag_list_add(fl, mailimap_flag_new_deleted());
	if (mask & MSG_DRAFT)
		mailimap_flag_list_add(fl, mailimap_flag_new_draft());
	return fl;
}

/* UID STORE +FLAGS.SILENT or -FLAGS.SILENT of mask on set. */
static bool
store_flags(struct imap *d, struct mailimap_set *set, uint32_t mask, bool add,
    GError **err)
{
	struct mailimap_flag_list *fl = flag_list_of(mask);
	struct mailimap_store_att_flags *sf;
	int r;

	if (fl == NULL)
		return true;
	sf = add ? mailimap_store_att_flags_new_add_flags_silent(fl)
		 : mailimap_store_att_flags_new_remove_flags_silent(fl);
	r = mailimap_uid_store(d->session, set, sf);
	mailimap_store_att_flags_free(sf);
	return check(d, r, "UID STORE", err);
}

/* The UIDs a request names: req->uids, else req->uid. */
static struct mailimap_set *
request_set(const struct request *req)
{
	if (req->uids != NULL && req->uids->len > 0)
		return uid_set(req->uids);
	return mailimap_set_new_single(req->uid);
}

static bool
imap_set_flags(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	struct mailimap_set *set;
	bool ok;

	if (!ensure_session(be, sink, err) ||
	    !select_folder(d, req->folder, false, err))
		return false;
	set = request_set(req);
	ok = store_flags(d, set, req->flags_add, true, err) &&
	    store_flags(d, set, req->flags_remove, false, err);
	mailimap_set_free(set);
	return ok;
}

/* A folder name typed by the user is UTF-8; the server wants mUTF-7. */
static char *
server_name(const char *name)
{
	for (const char *p = name; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			return imap_utf7_encode(name);
	return g_strdup(name);
}

/* Whether a request names no UID at all (then it does nothing). */
static bool
no_uids(const struct request *req)
{
	return req->uids == NULL || req->uids->len == 0;
}

/*
 * UID EXPUNGE of set (UIDPLUS): only those of our messages that are
 * marked \Deleted go, never another client's.
 */
static bool
uid_expunge(struct imap *d, struct mailimap_set *set, GError **err)
{
	return check(d, mailimap_uid_expunge(d->session, set), "UID EXPUNGE",
	    err);
}

static bool
imap_expunge(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	struct mailimap_set *set;
	bool ok;

	if (no_uids(req))
		return true;
	if (!ensure_session(be, sink, err) ||
	    !select_folder(d, req->folder, false, err))
		return false;
	if (!mailimap_has_uidplus(d->session)) {
		if (!req->plain_expunge) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
			    "%s: the server cannot purge single messages "
			    "(no UIDPLUS)",
			    d->srv.account);
			return false;
		}
		log_info("%s: no UIDPLUS: plain EXPUNGE of %s", d->srv.account,
		    req->folder);
		return check(d, mailimap_expunge(d->session), "EXPUNGE", err);
	}
	set = request_set(req);
	ok = uid_expunge(d, set, err);
	mailimap_set_free(set);
	return ok;
}

static bool
imap_copy(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	g_autofree char *target = NULL;
	struct mailimap_set *set;
	int r;

	if (no_uids(req))
		return true;
	if (!ensure_session(be, sink, err) ||
	    !select_folder(d, req->folder, false, err))
		return false;
	target = server_name(req->target);
	set = request_set(req);
	r = mailimap_uid_copy(d->session, set, target);
	mailimap_set_free(set);
	return check(d, r, "UID COPY", err);
}

/*
 * UID MOVE where offered, else UID COPY + \Deleted + UID EXPUNGE of
 * exactly these UIDs (UIDPLUS). A move to the trash first clears
 * \Deleted, so the copy there is not purged with the trash's own.
 */
static bool
imap_move(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	g_autofree char *target = NULL;
	struct mailimap_set *set;
	bool has_move, ok;
	int r;

	if (no_uids(req))
		return true;
	if (!ensure_session(be, sink, err) ||
	    !select_folder(d, req->folder, false, err))
		return false;
	has_move = mailimap_has_extension(d->session, "MOVE") != 0;
	if (!has_move && !mailimap_has_uidplus(d->session)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
		    "%s: the server can neither move nor purge single "
		    "messages (no MOVE, no UIDPLUS)",
		    d->srv.account);
		return false;
	}
	target = server_name(req->target);
	set = request_set(req);
	if (req->undelete && !store_flags(d, set, MSG_DELETED, false, err)) {
		mailimap_set_free(set);
		return false;
	}
	if (has_move) {
		r = mailimap_uid_move(d->session, set, target);
		ok = check(d, r, "UID MOVE", err);
	} else {
		r = mailimap_uid_copy(d->session, set, target);
		ok = check(d, r, "UID COPY", err) &&
		    store_flags(d, set, MSG_DELETED, true, err) &&
		    uid_expunge(d, set, err);
	}
	/* A refused move to the trash leaves them marked as they were. */
	if (!ok && req->undelete && d->session != NULL)
		(void)store_flags(d, set, MSG_DELETED, true, NULL);
	mailimap_set_free(set);
	return ok;
}

/* Fetch one part, BODY.PEEK[section] only, decode it and write it out. */
static bool
imap_save_part(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	struct one_fetch of = { 0 };
	struct mailimap_fetch_type *ft;
	g_autoptr(GBytes) bytes = NULL;
	bool ok;
	int r;

	if (!ensure_session(be, sink, err) ||
	    !select_folder(d, req->folder, false, err))
		return false;
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(section_of(req->section)));
	r = fetch_one(d, req->uid, ft, &of);
	if (of.body != NULL)
		mailimap_body_free(of.body);
	g_free(of.header);
	if (!check(d, r, "UID FETCH", err)) {
		g_free(of.part);
		return false;
	}
	if (of.part == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
		    "the server sent no part %s of message %u", req->section,
		    req->uid);
		return false;
	}
	bytes = mime_decode_transfer(of.part, of.part_len, req->encoding);
	g_free(of.part);
	ok = file_write_new(req->path, req->mode != 0 ? req->mode : 0644,
	    g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), true, NULL,
	    err);
	if (ok)
		sink_progress(sink, g_bytes_get_size(bytes),
		    g_bytes_get_size(bytes));
	return ok;
}

/* Messages larger than this are not appended (the file is read whole). */
#define APPEND_MAX (64 * 1024 * 1024)

/*
 * data with every bare LF made CRLF (a local Maildir's message: the
 * protocol wants CRLF lines); NULL when it has none, nothing to change.
 */
static char *
append_crlf(const char *data, gsize len, gsize *out_len)
{
	gsize bare = 0, n = 0;
	char *out;

	for (gsize i = 0; i < len; i++)
		bare += data[i] == '\n' && (i == 0 || data[i - 1] != '\r');
	if (bare == 0)
		return NULL;
	out = g_malloc(len + bare);
	for (gsize i = 0; i < len; i++) {
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			out[n++] = '\r';
		out[n++] = data[i];
	}
	*out_len = n;
	return out;
}

/* APPEND the file req->path to req->folder with flags req->flags_add. */
static bool
imap_append(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	g_autofree char *data = NULL, *mailbox = NULL, *crlf = NULL;
	struct mailimap_flag_list *fl;
	gsize len = 0;
	int r;

	if (!g_file_get_contents(req->path, &data, &len, err))
		return false;
	crlf = append_crlf(data, len, &len);
	if (crlf != NULL) {
		g_free(data);
		data = g_steal_pointer(&crlf);
	}
	if (len > APPEND_MAX) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "the message is too large to copy (%zu bytes)", len);
		return false;
	}
	if (!ensure_session(be, sink, err))
		return false;
	mailbox = server_name(req->folder);
	fl = flag_list_of(req->flags_add);
	if (fl == NULL)
		fl = mailimap_flag_list_new_empty();
	r = mailimap_append(d->session, mailbox, fl, NULL, data, len);
	mailimap_flag_list_free(fl);
	return check(d, r, "APPEND", err);
}

/*
 * Live updates of the folder the account shows (REQ_IDLE). The server
 * tells EXPUNGE, EXISTS and FETCH FLAGS unasked, during IDLE and with the
 * reply to any command; libetpan gathers them in imap_response_info, which
 * check() hands to absorb_untagged() after every command. They go into
 * d->news (by UID, through the sequence map) and leave with the idle op.
 */

static struct folder_update *
news_of(struct imap *d)
{
	if (d->news == NULL)
		d->news = folder_update_new(d->seq_folder, d->seq_uidvalidity);
	return d->news;
}

static void
news_flags(struct imap *d, uint32_t uid, uint32_t flags)
{
	struct uid_flags uf = { uid, flags };

	g_array_append_val(news_of(d)->flags, uf);
}

/* The UID and FLAGS items of a FETCH response; false without FLAGS. */
static bool
att_uid_flags(const struct mailimap_msg_att *att, uint32_t *uid,
    uint32_t *flags)
{
	bool have_flags = false;

	*uid = 0;
	*flags = 0;
	for (clistiter *it = clist_begin(att->att_list); it != NULL;
	     it = clist_next(it)) {
		const struct mailimap_msg_att_item *item = clist_content(it);

		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
			*flags = fetch_flags(item->att_data.att_dyn);
			have_flags = true;
		} else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
		    item->att_data.att_static->att_type ==
			MAILIMAP_MSG_ATT_UID) {
			*uid = item->att_data.att_static->att_data.att_uid;
		}
	}
	return have_flags;
}

static void
absorb_untagged(struct imap *d)
{
	struct mailimap_response_info *ri;
	clistiter *it;
	bool expunged = false;

	if (d->session == NULL || d->seq == NULL || d->selected == NULL ||
	    d->seq_resync || strcmp(d->selected, d->seq_folder) != 0 ||
	    (ri = d->session->imap_response_info) == NULL) {
		g_array_set_size(d->seq_flags, 0);
		return;
	}
	/* Each EXPUNGE renumbers the messages after it, in order. */
	while (ri->rsp_expunged != NULL &&
	    (it = clist_begin(ri->rsp_expunged)) != NULL) {
		uint32_t *seq = clist_content(it);
		uint32_t uid = seqmap_expunge(d->seq, *seq);

		if (uid != 0)
			g_array_append_val(news_of(d)->expunged, uid);
		else
			d->seq_resync = true;
		expunged = true;
		free(seq);
		clist_delete(ri->rsp_expunged, it);
	}
	while (ri->rsp_fetch_list != NULL &&
	    (it = clist_begin(ri->rsp_fetch_list)) != NULL) {
		struct mailimap_msg_att *att = clist_content(it);
		uint32_t uid, flags;

		if (att_uid_flags(att, &uid, &flags)) {
			/*
			 * By number alone, a FETCH that came with an EXPUNGE
			 * may mean the message before or after it: ask.
			 */
			if (uid == 0 && !expunged)
				uid = seqmap_uid(d->seq, att->att_number);
			if (uid != 0)
				news_flags(d, uid, flags);
			else
				d->flags_resync = true;
		}
		mailimap_msg_att_free(att);
		clist_delete(ri->rsp_fetch_list, it);
	}
	/* Those a fetch's handler saw, by number alone: the same rule. */
	for (guint i = 0; i < d->seq_flags->len; i++) {
		const struct uid_flags *sf =
		    &g_array_index(d->seq_flags, struct uid_flags, i);
		uint32_t uid = expunged ? 0 : seqmap_uid(d->seq, sf->uid);

		if (uid != 0)
			news_flags(d, uid, sf->flags);
		else
			d->flags_resync = true;
	}
	g_array_set_size(d->seq_flags, 0);
	if (d->session->imap_selection_info != NULL) {
		uint32_t exists = d->session->imap_selection_info->sel_exists;

		if (exists > d->seq->len)
			d->seq_new = true;
		else if (exists < d->seq->len)
			d->seq_resync = true;
	}
}

/* UID FETCH set (UID FLAGS): the flags into out (struct uid_flags). */
static bool
uid_fetch_flags(struct imap *d, struct mailimap_set *set, GArray *out,
    GError **err)
{
	struct mailimap_fetch_type *ft =
	    mailimap_fetch_type_new_fetch_att_list_empty();
	clist *result = NULL;
	int r;

	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_flags());
	r = mailimap_uid_fetch(d->session, set, ft, &result);
	mailimap_fetch_type_free(ft);
	for (clistiter *it = clist_begin(result); it != NULL;
	     it = clist_next(it)) {
		struct uid_flags uf;

		if (att_uid_flags(clist_content(it), &uf.uid, &uf.flags) &&
		    uf.uid != 0)
			g_array_append_val(out, uf);
	}
	if (result != NULL)
		mailimap_fetch_list_free(result);
	return check(d, r, "UID FETCH", err);
}

/* Every UID of the selected folder, ascending, into uids. */
static bool
all_uids(struct imap *d, GArray *uids, GError **err)
{
	struct request all = { .kind = REQ_OPEN_FOLDER };
	struct folder_state fs = { .uids = uids };

	return uid_search(d, &all, &fs, err);
}

/* Put new messages (struct uid_flags, any order) at the map's end. */
static void
news_added(struct imap *d, GArray *found)
{
	g_array_sort(found, cmp_uid); /* uid is the first member */
	for (guint i = 0; i < found->len; i++) {
		const struct uid_flags *uf =
		    &g_array_index(found, struct uid_flags, i);

		if (!seqmap_append(d->seq, uf->uid))
			continue; /* "N:*" brings the last one when none is new
				   */
		g_array_append_val(news_of(d)->added, uf->uid);
		g_array_append_val(news_of(d)->added_flags, uf->flags);
	}
}

/*
 * Bring the map in step with the server and put what changed into
 * d->news: new messages with their flags, messages gone (a resync
 * compares every UID), flags that could not be placed (every flag again).
 */
static bool
watch_sync(struct imap *d, GError **err)
{
	for (int round = 0; round < 2 && (d->seq_resync || d->seq_new);
	     round++) {
		g_autoptr(GArray) found =
		    g_array_new(FALSE, FALSE, sizeof(struct uid_flags));
		struct mailimap_set *set;
		bool ok;

		if (d->seq_resync) {
			g_autoptr(GArray) now =
			    g_array_new(FALSE, FALSE, sizeof(uint32_t));
			g_autoptr(GArray) added =
			    g_array_new(FALSE, FALSE, sizeof(uint32_t));
			g_autoptr(GArray) removed =
			    g_array_new(FALSE, FALSE, sizeof(uint32_t));
			uint32_t uidvalidity =
			    d->session->imap_selection_info != NULL
			    ? d->session->imap_selection_info->sel_uidvalidity
			    : 0;

			if (!all_uids(d, now, err))
				return false;
			if (uidvalidity == d->seq_uidvalidity) {
				g_autoptr(GArray) map = seqmap_new(now);

				seqmap_diff(d->seq, map, added, removed);
				g_array_append_vals(news_of(d)->expunged,
				    removed->data, removed->len);
				log_debug("%s: %s in step again: %u new, %u "
					  "gone",
				    d->srv.account, d->seq_folder, added->len,
				    removed->len);
			} else {
				/* Every UID means another message now. */
				log_warn("%s: UIDVALIDITY of %s changed",
				    d->srv.account, d->seq_folder);
				d->seq_uidvalidity = uidvalidity;
				news_of(d)->reload = true;
			}
			if (d->seq != NULL)
				g_array_unref(d->seq);
			d->seq = seqmap_new(now);
			d->seq_resync = d->seq_new = false;
			if (added->len == 0)
				continue;
			set = uid_set(added);
			ok = uid_fetch_flags(d, set, found, err);
			mailimap_set_free(set);
			if (!ok)
				return false;
			for (guint i = 0; i < found->len; i++) {
				const struct uid_flags *uf =
				    &g_array_index(found, struct uid_flags, i);

				g_array_append_val(news_of(d)->added, uf->uid);
				g_array_append_val(news_of(d)->added_flags,
				    uf->flags);
			}
			continue;
		}
		/* EXISTS grew: the messages after the last UID known. */
		d->seq_new = false;
		set = mailimap_set_new_interval(seqmap_last(d->seq) + 1, 0);
		ok = uid_fetch_flags(d, set, found, err);
		mailimap_set_free(set);
		if (!ok)
			return false;
		news_added(d, found);
		if (d->session->imap_selection_info != NULL &&
		    d->session->imap_selection_info->sel_exists != d->seq->len)
			d->seq_resync = true;
	}
	if (d->flags_resync) {
		g_autoptr(GArray) found =
		    g_array_new(FALSE, FALSE, sizeof(struct uid_flags));
		struct mailimap_set *set = mailimap_set_new_interval(1, 0);
		bool ok;

		d->flags_resync = false;
		ok = uid_fetch_flags(d, set, found, err);
		mailimap_set_free(set);
		if (!ok)
			return false;
		g_array_append_vals(news_of(d)->flags, found->data, found->len);
	}
	return true;
}

/* Send what was learnt about the live folder, if anything. */
static void
news_flush(struct imap *d, struct reply_sink *sink)
{
	if (d->news == NULL || folder_update_empty(d->news))
		return;
	d->news->uidvalidity = d->seq_uidvalidity;
	log_debug("%s: %s: %u new, %u gone, %u flag changes%s", d->srv.account,
	    d->news->folder, d->news->added->len, d->news->expunged->len,
	    d->news->flags->len, d->news->reload ? ", reload" : "");
	sink_update(sink, d->news);
	d->news = NULL;
}

/*
 * Whether imap_wake() is called within ms milliseconds (without consuming
 * it): a request that follows another at once (the screen's next window)
 * then costs no IDLE and DONE.
 */
static bool
woken(const struct imap *d, int ms)
{
	struct pollfd p = { .fd = d->wake_fd, .events = POLLIN };
	int n;

	do
		n = poll(&p, 1, ms);
	while (n < 0 && errno == EINTR);
	return n > 0;
}

static void
wake_drain(struct imap *d)
{
	uint64_t n;

	if (read(d->wake_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("%s: wake fd: %s", d->srv.account, g_strerror(errno));
}

/*
 * Select req->folder (making its map when this connection has none of it)
 * and bring it in step; then IDLE until woken, the server speaks or the
 * period ends, else (no IDLE) wait req->poll seconds and NOOP.
 */
static bool
imap_idle(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	enum net_ready ready;
	bool ok = false;
	int r;

	/*
	 * A connection lost is made again to keep the folder live, but
	 * one that never opened a folder (refused, asking the user) waits
	 * for a request.
	 */
	if (d->session == NULL && d->seq == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NETWORK,
		    "%s: not connected", d->srv.account);
		goto out;
	}
	if (!ensure_session(be, sink, err) ||
	    !select_folder(d, req->folder, false, err))
		goto out;
	if (d->seq == NULL || strcmp(d->seq_folder, d->selected) != 0) {
		g_autoptr(GArray) uids =
		    g_array_new(FALSE, FALSE, sizeof(uint32_t));

		/* First time here: the model has the list already. */
		if (!all_uids(d, uids, err))
			goto out;
		g_clear_pointer(&d->news, folder_update_free);
		watch_reset(d, uids,
		    d->session->imap_selection_info != NULL
			? d->session->imap_selection_info->sel_uidvalidity
			: 0);
	}
	if (!watch_sync(d, err))
		goto out;
	news_flush(d, sink);
	if (woken(d, IDLE_GRACE_MS)) {
		ok = true;
		goto out;
	}
	if (mailimap_has_idle(d->session) && !d->idle_refused) {
		int64_t t0;

		r = mailimap_idle(d->session);
		/* Anything but a continuation (NO, BAD): NOOPs from now on. */
		if (r != MAILIMAP_NO_ERROR && r != MAILIMAP_ERROR_STREAM) {
			log_info("%s: IDLE refused (%s): polling with NOOP",
			    d->srv.account, server_text(d));
			d->idle_refused = true;
		}
		if (!check(d, r, "IDLE", err))
			goto out;
		ready = net_wait_readable(d->session->imap_stream, d->wake_fd,
		    idle_period * 1000);
		t0 = g_get_monotonic_time();
		r = mailimap_idle_done(d->session);
		if (!check(d, r, "IDLE", err))
			goto out;
		if (ready == NET_READY_WAKE)
			log_debug("%s: IDLE woken; DONE answered in %.1f ms",
			    d->srv.account,
			    (double)(g_get_monotonic_time() - t0) / 1000);
	} else {
		struct pollfd p = { .fd = d->wake_fd, .events = POLLIN };
		int n;

		do
			n = poll(&p, 1,
			    (int)MIN((int64_t)MAX(req->poll, 1) * 1000,
				INT_MAX));
		while (n < 0 && errno == EINTR);
		if (n == 0) {
			r = mailimap_noop(d->session);
			if (!check(d, r, "NOOP", err))
				goto out;
		}
	}
	if (!watch_sync(d, err))
		goto out;
	news_flush(d, sink);
	ok = true;
out:
	wake_drain(d);
	return ok;
}

/* Another thread: make imap_idle() return (see backend_ops). */
static void
imap_wake(struct backend *be)
{
	uint64_t one = 1;

	if (write(imap_of(be)->wake_fd, &one, sizeof(one)) < 0 &&
	    errno != EAGAIN)
		log_warn("cannot wake an IMAP worker: %s", g_strerror(errno));
}

/*
 * The server names of the subscribed folders (LSUB "" "*"), a set of
 * strings; NULL with err when the server refuses.
 */
static GHashTable *
subscribed_names(struct imap *d, GError **err)
{
	clist *list = NULL;
	GHashTable *names;
	int r = mailimap_lsub(d->session, "", "*", &list);

	if (!check(d, r, "LSUB", err))
		return NULL;
	names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (clistiter *it = clist_begin(list); it != NULL;
	     it = clist_next(it)) {
		const struct mailimap_mailbox_list *mb = clist_content(it);

		if (mb->mb_name != NULL)
			g_hash_table_add(names, g_strdup(mb->mb_name));
	}
	if (list != NULL)
		mailimap_list_result_free(list);
	return names;
}

/*
 * Mark the subscribed folders of a LIST result; with only, drop the
 * others (the INBOX stays: it is always there). An LSUB failure only
 * matters when only is asked.
 */
static bool
mark_subscribed(struct imap *d, GPtrArray *folders, bool only, GError **err)
{
	g_autoptr(GError) error = NULL;
	GHashTable *names = subscribed_names(d, &error);

	if (names == NULL) {
		if (only) {
			g_propagate_error(err, g_steal_pointer(&error));
			return false;
		}
		log_msg(LOG_INFO, "%s: %s", d->srv.account, error->message);
		return true;
	}
	for (guint i = folders->len; i-- > 0;) {
		struct folder_info *fi = folders->pdata[i];

		if (g_hash_table_contains(names, fi->server_name))
			fi->flags |= FOLDER_SUBSCRIBED;
		else if (only && !(fi->flags & FOLDER_INBOX))
			g_ptr_array_remove_index(folders, i);
	}
	g_hash_table_destroy(names);
	return true;
}

/* Leave the selected folder when it is name (before a RENAME or DELETE). */
static bool
leave_folder(struct imap *d, const char *name, GError **err)
{
	if (d->selected == NULL || strcmp(d->selected, name) != 0)
		return true;
	g_clear_pointer(&d->selected, g_free);
	/* EXAMINE never purges, as CLOSE would. */
	return select_folder(d, "INBOX", true, err);
}

/* CREATE the folder the user named (UTF-8), then SUBSCRIBE to it. */
static bool
imap_create_folder(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	g_autofree char *mailbox = NULL;
	int r;

	if (req->folder == NULL || *req->folder == '\0' ||
	    !g_utf8_validate(req->folder, -1, NULL)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "not a folder name");
		return false;
	}
	if (!ensure_session(be, sink, err))
		return false;
	mailbox = imap_utf7_encode(req->folder);
	r = mailimap_create(d->session, mailbox);
	if (!check(d, r, "CREATE", err))
		return false;
	/* As other clients do: a folder made here is one the user wants
	 * to see in the subscribed list. */
	r = mailimap_subscribe(d->session, mailbox);
	return check(d, r, "SUBSCRIBE", err);
}

/* RENAME req->folder to the UTF-8 req->target; a subscription follows. */
static bool
imap_rename_folder(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	g_autofree char *mailbox = NULL;
	GHashTable *subscribed;
	bool was_subscribed;
	int r;

	if (req->folder == NULL || req->target == NULL ||
	    *req->target == '\0' || !g_utf8_validate(req->target, -1, NULL)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "not a folder name");
		return false;
	}
	if (!ensure_session(be, sink, err) ||
	    !leave_folder(d, req->folder, err))
		return false;
	subscribed = subscribed_names(d, NULL);
	was_subscribed = subscribed != NULL &&
	    g_hash_table_contains(subscribed, req->folder);
	if (subscribed != NULL)
		g_hash_table_destroy(subscribed);
	if (d->session == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NETWORK,
		    "%s: connection to %s lost during LSUB", d->srv.account,
		    d->srv.host);
		return false;
	}
	mailbox = imap_utf7_encode(req->target);
	r = mailimap_rename(d->session, req->folder, mailbox);
	if (!check(d, r, "RENAME", err))
		return false;
	if (!was_subscribed)
		return true;
	r = mailimap_unsubscribe(d->session, req->folder);
	if (!check(d, r, "UNSUBSCRIBE", err))
		return false;
	r = mailimap_subscribe(d->session, mailbox);
	return check(d, r, "SUBSCRIBE", err);
}

/* DELETE req->folder, and its subscription (which would outlive it). */
static bool
imap_delete_folder(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	int r;

	if (req->folder == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE, "no folder");
		return false;
	}
	if (!ensure_session(be, sink, err) ||
	    !leave_folder(d, req->folder, err))
		return false;
	r = mailimap_delete(d->session, req->folder);
	if (!check(d, r, "DELETE", err))
		return false;
	r = mailimap_unsubscribe(d->session, req->folder);
	if (r != MAILIMAP_NO_ERROR && d->session != NULL &&
	    r != MAILIMAP_ERROR_STREAM && r != MAILIMAP_ERROR_PARSE &&
	    r != MAILIMAP_ERROR_FATAL)
		return true; /* it was not subscribed */
	return check(d, r, "UNSUBSCRIBE", err);
}

/* SUBSCRIBE or UNSUBSCRIBE req->folder. */
static bool
imap_subscribe(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	int r;

	if (req->folder == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE, "no folder");
		return false;
	}
	if (!ensure_session(be, sink, err))
		return false;
	r = req->subscribe ? mailimap_subscribe(d->session, req->folder)
			   : mailimap_unsubscribe(d->session, req->folder);
	return check(d, r, req->subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE", err);
}

/*
 * UID SEARCH of req->search, sent raw (libetpan has no ESEARCH): RETURN
 * (ALL) when the server offers ESEARCH, so the answer is a sequence set;
 * non-ASCII text as LITERAL+ literals with CHARSET UTF-8. The server
 * searches: nothing of the messages is downloaded.
 */
static bool
imap_search(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	g_autoptr(GError) why = NULL;
	g_autofree char *cmd = NULL;
	GArray *uids;
	GString *data;
	size_t literal_max;
	bool esearch;
	int r;

	if (req->search == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "a search without a pattern");
		return false;
	}
	if (!ensure_session(be, sink, err) ||
	    !select_folder(d, req->folder, false, err))
		return false;
	esearch = esearch_ext_registered &&
	    mailimap_has_extension(d->session, "ESEARCH");
	/* Non-synchronizing literals: any size with LITERAL+, 4 KiB with
	 * LITERAL- (RFC 7888). */
	literal_max = 0;
	if (mailimap_has_extension(d->session, "LITERAL+"))
		literal_max = SIZE_MAX;
	else if (mailimap_has_extension(d->session, "LITERAL-"))
		literal_max = 4096;
	cmd = imap_search_command(req->search, esearch, literal_max, err);
	if (cmd == NULL)
		return false;
	log_info("%s: %s", d->srv.account, cmd);
	r = mailimap_custom_command(d->session, cmd);
	if (!check(d, r, "UID SEARCH", err))
		return false;
	uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	data = take_ext_data(d, &esearch_ext);
	if (data != NULL) {
		bool ok = imap_esearch_parse(data->str, data->len, uids, &why);

		g_string_free(data, TRUE);
		if (!ok) {
			g_array_unref(uids);
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
			    "%s: unreadable ESEARCH reply: %s", d->srv.account,
			    why->message);
			return false;
		}
	} else if (d->session->imap_response_info != NULL &&
	    d->session->imap_response_info->rsp_search_result != NULL) {
		clist *result =
		    d->session->imap_response_info->rsp_search_result;

		for (clistiter *it = clist_begin(result); it != NULL;
		     it = clist_next(it))
			g_array_append_val(uids,
			    *(uint32_t *)clist_content(it));
	}
	/* No ESEARCH nor SEARCH line: nothing matched. */
	g_array_sort(uids, cmp_uid);
	sink_uids(sink, uids);
	return true;
}

/*
 * GETQUOTAROOT of req->folder (RFC 2087, libetpan's quota extension):
 * the STORAGE resource of its first root that has one, in KiB.
 */
static bool
imap_quota(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct imap *d = imap_of(be);
	struct mailimap_quota_complete_data *q = NULL;
	g_autofree char *encoded = NULL;
	const char *name = req->folder;
	int r;

	if (!ensure_session(be, sink, err))
		return false;
	if (!mailimap_has_quota(d->session)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
		    "%s: the server has no QUOTA", d->srv.account);
		return false;
	}
	for (const char *p = name; *p != '\0'; p++) {
		if ((unsigned char)*p >= 0x80) {
			encoded = imap_utf7_encode(name);
			name = encoded;
			break;
		}
	}
	r = mailimap_quota_getquotaroot(d->session, name, &q);
	if (!check(d, r, "GETQUOTAROOT", err))
		return false;
	for (clistiter *it = clist_begin(q->quota_list); it != NULL;
	     it = clist_next(it)) {
		struct mailimap_quota_quota_data *qd = clist_content(it);

		for (clistiter *jt = clist_begin(qd->quota_list); jt != NULL;
		     jt = clist_next(jt)) {
			struct mailimap_quota_quota_resource *res =
			    clist_content(jt);

			if (res->resource_name == NULL ||
			    g_ascii_strcasecmp(res->resource_name, "STORAGE") !=
				0)
				continue;
			sink_quota(sink, res->usage, res->limit);
			mailimap_quota_complete_data_free(q);
			return true;
		}
	}
	mailimap_quota_complete_data_free(q);
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
	    "%s: no storage quota for this folder", d->srv.account);
	return false;
}

/* Another thread: fail the session's I/O now (see backend_ops). */
static void
imap_interrupt(struct backend *be)
{
	net_cancel_trigger(imap_of(be)->cancel);
}

static void
imap_free(struct backend *be)
{
	struct imap *d = imap_of(be);

	disconnect(d);
	net_cancel_free(d->cancel);
	close(d->wake_fd);
	g_array_unref(d->seq_flags);
	g_free(d->seq_folder);
	if (d->seq != NULL)
		g_array_unref(d->seq);
	folder_update_free(d->news);
	server_conf_clear(&d->srv);
	g_free(d->mailcap_path);
	g_free(d->alternative_order);
	g_free(d);
	g_free(be);
}

static const struct backend_ops imap_ops = {
	.size = sizeof(struct backend_ops),
	.name = "imap",
	.caps = BACKEND_CAP_FOLDERS | BACKEND_CAP_REMOTE | BACKEND_CAP_SEARCH,
	.connect = imap_connect,
	.list_folders = imap_list_folders,
	.open_folder = imap_open_folder,
	.fetch_envelopes = imap_fetch_envelopes,
	.fetch_message = imap_fetch_message,
	.save_part = imap_save_part,
	.free = imap_free,
	.interrupt = imap_interrupt,
	.set_flags = imap_set_flags,
	.expunge = imap_expunge,
	.copy = imap_copy,
	.move = imap_move,
	.append = imap_append,
	.idle = imap_idle,
	.wake = imap_wake,
	.create_folder = imap_create_folder,
	.rename_folder = imap_rename_folder,
	.delete_folder = imap_delete_folder,
	.subscribe = imap_subscribe,
	.search = imap_search,
	.quota = imap_quota,
};

struct backend *
imap_backend_new(const struct backend_params *p)
{
	struct backend *be = g_new0(struct backend, 1);
	struct imap *d = g_new0(struct imap, 1);

	server_conf_init(&d->srv, p);
	if (d->srv.timeout <= 0)
		d->srv.timeout = 30;
	d->mailcap_path = g_strdup(p->mailcap_path);
	d->alternative_order = g_strdup(p->alternative_order);
	d->cancel = net_cancel_new();
	d->seq_flags = g_array_new(FALSE, FALSE, sizeof(struct uid_flags));
	d->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d->wake_fd < 0)
		g_error("eventfd: %s", g_strerror(errno));
	be->ops = &imap_ops;
	be->data = d;
	return be;
}

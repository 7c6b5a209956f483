/* SPDX-License-Identifier: ISC */
/*
 * Sending and postponing. A send is a small chain of steps on the main
 * thread, each waiting on a worker's reply: build the message (mime/), hand
 * it to the account's send worker (REQ_SUBMIT: SMTP or sendmail), then
 * copy it to Sent (IMAP: REQ_APPEND on a copy connection; POP3 and local
 * accounts: the local store's Sent Maildir). When the send fails the
 * message goes to Drafts the same way, and when that fails too, to a 0600
 * file under $XDG_DATA_HOME/skua/drafts/, so nothing typed is lost. The
 * callback always comes from the main loop, never from inside core_send().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/maildir/deliver.h"
#include "backend/types.h"
#include "backend/worker.h"
#include "config/options.h"
#include "core/core.h"
#include "core/send.h"
#include "mime/compose.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/path.h"
#include "util/pins.h"
#include "util/url.h"

enum copy_kind {
	COPY_SENT,
	COPY_DRAFTS,
};

struct send_job {
	struct core *core;
	struct account *acc;
	struct draft *draft;
	core_send_cb *cb;
	void *data;
	bool postpone;
	GBytes *kept;	   /* the message with Bcc, for Sent and Drafts */
	char *submit_path; /* the message being submitted (temp file) */
	char *copy_path;   /* the message being appended (temp file) */
	enum copy_kind copy;
	char *folder; /* the IMAP folder of the copy under way */
	char *error;  /* why the send failed */
	/* The outcome handed to cb from the main loop. */
	bool ok;
	char *out_error, *kept_as;
};

static void save_copy(struct send_job *job, enum copy_kind kind);

/*
 * "ACCOUNT/FOLDER" for messages: the folder name may be the server's, so
 * controls become '?' before it reaches the terminal. Caller frees.
 */
static char *
folder_where(const struct send_job *job, const char *folder)
{
	char *s = g_strdup_printf("%s/%s", job->acc->name, folder);

	for (char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}

/* A string option, NULL when unset or empty. */
static const char *
opt_set(const struct account *acc, const char *name)
{
	const char *v = opt_string(acc->opts, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

char *
core_account_from(const struct account *acc)
{
	const char *from = opt_set(acc, "from");
	const char *realname = opt_set(acc, "realname");
	g_autofree char *addr = NULL;

	if (from != NULL)
		addr = g_strdup(from);
	else if (acc->url != NULL && acc->url->user != NULL &&
	    strchr(acc->url->user, '@') != NULL)
		addr = g_strdup(acc->url->user);
	else if (acc->url != NULL && acc->url->user != NULL)
		addr = g_strdup_printf("%s@%s", acc->url->user, acc->url->host);
	else
		return NULL;
	/* A from that already has a name ("Name <a@b>") is kept whole. */
	if (realname == NULL || strchr(addr, '<') != NULL)
		return g_steal_pointer(&addr);
	{
		bool quote = strpbrk(realname, "()<>[]:;@\\,.\"") != NULL;
		GString *s = g_string_new(NULL);

		if (quote) {
			g_string_append_c(s, '"');
			for (const char *p = realname; *p != '\0'; p++) {
				if (*p == '"' || *p == '\\')
					g_string_append_c(s, '\\');
				g_string_append_c(s, *p);
			}
			g_string_append_c(s, '"');
		} else
			g_string_append(s, realname);
		g_string_append_printf(s, " <%s>", addr);
		return g_string_free(s, FALSE);
	}
}

static void
job_free(struct send_job *job)
{
	if (job->submit_path != NULL)
		unlink(job->submit_path);
	if (job->copy_path != NULL)
		unlink(job->copy_path);
	g_free(job->submit_path);
	g_free(job->copy_path);
	draft_free(job->draft);
	if (job->kept != NULL)
		g_bytes_unref(job->kept);
	g_free(job->folder);
	g_free(job->error);
	g_free(job->out_error);
	g_free(job->kept_as);
	g_free(job);
}

static gboolean
finish_idle(gpointer data)
{
	struct send_job *job = data;

	if (job->cb != NULL)
		job->cb(job->core, job->acc, job->ok, job->out_error,
		    job->kept_as, job->data);
	job_free(job);
	return G_SOURCE_REMOVE;
}

/* The end of a job: its callback runs from the main loop. */
static void
finish(struct send_job *job, bool ok, const char *error, const char *kept_as)
{
	job->ok = ok;
	job->out_error = g_strdup(error);
	job->kept_as = g_strdup(kept_as);
	if (ok)
		log_info("%s: %s", job->acc->name,
		    job->postpone ? "message postponed" : "message sent");
	else
		log_warn("%s: %s%s%s", job->acc->name,
		    error != NULL ? error : "failed",
		    kept_as != NULL ? "; kept in " : "",
		    kept_as != NULL ? kept_as : "");
	g_idle_add(finish_idle, job);
}

/* Write data to a new 0600 temp file; its path, or NULL with err. */
static char *
write_temp(GBytes *data, GError **err)
{
	char *path = NULL;
	gsize len = 0;
	const char *p = g_bytes_get_data(data, &len);
	int fd = g_file_open_tmp("skua-send-XXXXXX.eml", &path, err);

	if (fd < 0)
		return NULL;
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO, "%s: %s",
			    path, g_strerror(errno));
			close(fd);
			unlink(path);
			g_free(path);
			return NULL;
		}
		p += w;
		len -= (size_t)w;
	}
	if (close(fd) < 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO, "%s: %s", path,
		    g_strerror(errno));
		unlink(path);
		g_free(path);
		return NULL;
	}
	return path;
}

/*
 * The draft as text when it cannot be built as a message (a malformed
 * address): the fields as typed and the body, so nothing is lost.
 */
static GBytes *
draft_as_text(const struct draft *d)
{
	GString *s = g_string_new(NULL);
	const char *names[] = { "From", "To", "Cc", "Bcc", "Reply-To",
		"Subject" };
	const char *values[] = { d->from, d->to, d->cc, d->bcc, d->reply_to,
		d->subject };

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (values[i] != NULL)
			g_string_append_printf(s, "%s: %s\n", names[i],
			    values[i]);
	for (guint i = 0; d->attachments != NULL && i < d->attachments->len;
	     i++) {
		const struct draft_attachment *a = d->attachments->pdata[i];

		g_string_append_printf(s, "X-Skua-Attachment: %s\n",
		    a->path != NULL ? a->path : "");
	}
	g_string_append_c(s, '\n');
	if (d->body != NULL)
		g_string_append(s, d->body);
	return g_string_free_to_bytes(s);
}

/*
 * The last resort: a 0600 file under $XDG_DATA_HOME/skua/drafts/. Its
 * path, or NULL with err.
 */
static char *
keep_in_file(GBytes *data, GError **err)
{
	g_autofree char *base = path_data_dir();
	g_autofree char *dir = g_build_filename(base, "drafts", NULL);
	gsize len = 0;
	const char *p = g_bytes_get_data(data, &len);

	if (g_mkdir_with_parents(dir, 0700) < 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO, "%s: %s", dir,
		    g_strerror(errno));
		return NULL;
	}
	for (unsigned k = 0; k < 100; k++) {
		g_autoptr(GDateTime) now = g_date_time_new_now_local();
		g_autofree char *stamp =
		    g_date_time_format(now, "%Y%m%d-%H%M%S");
		g_autofree char *name =
		    g_strdup_printf("%s-%08x.eml", stamp, g_random_int());
		char *path = g_build_filename(dir, name, NULL);
		bool exists;

		if (file_write_new(path, 0600, p, len, true, &exists, err))
			return path;
		g_free(path);
		if (!exists)
			return NULL;
	}
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO, "%s: no free name", dir);
	return NULL;
}

/* Drafts failed too (or cannot be used): the file, then the callback. */
static void
keep_last_resort(struct send_job *job, const char *why)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) text = NULL;
	g_autofree char *path = NULL;
	g_autofree char *msg = NULL;

	if (job->kept == NULL)
		text = draft_as_text(job->draft);
	path = keep_in_file(job->kept != NULL ? job->kept : text, &error);
	if (job->postpone)
		msg = g_strdup_printf("%s: cannot save in Drafts: %s",
		    job->acc->name, why);
	else
		msg = g_strdup(job->error != NULL ? job->error : why);
	if (path == NULL) {
		g_autofree char *all =
		    g_strdup_printf("%s; and it could not be kept: %s", msg,
			error->message);

		finish(job, false, all, NULL);
		return;
	}
	finish(job, false, msg, path);
}

/* Where a copy went, or why it did not: the next step. */
static void
copy_done(struct send_job *job, bool ok, const char *where, const char *why)
{
	if (job->copy == COPY_SENT) {
		if (!ok)
			core_notice(job->core,
			    "%s: sent, but the copy to %s "
			    "failed: %s",
			    job->acc->name, where, why);
		finish(job, true, NULL, NULL);
		return;
	}
	if (!ok) {
		keep_last_resort(job, why);
		return;
	}
	if (job->postpone)
		finish(job, true, NULL, where);
	else
		finish(job, false, job->error, where);
}

/* The folder option of kind, without mutt's '=' or '+' prefix; NULL: unset. */
static const char *
copy_option(const struct send_job *job, enum copy_kind kind)
{
	const char *v =
	    opt_set(job->acc, kind == COPY_SENT ? "record" : "postponed");

	if (v != NULL && (*v == '=' || *v == '+'))
		v++;
	return v != NULL && *v != '\0' ? v : NULL;
}

static const char *
default_folder(enum copy_kind kind)
{
	return kind == COPY_SENT ? "Sent" : "Drafts";
}

/* A folder name safe as one Maildir++ directory: ".Sent", ".a.b". */
static char *
maildir_folder(const char *store, const char *name, GError **err)
{
	g_autofree char *dotted = NULL;

	if (name[0] == '/' || name[0] == '~')
		return path_expand(name, NULL);
	if (strstr(name, "..") != NULL || name[0] == '.') {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "'%s' is not a folder name", name);
		return NULL;
	}
	if (g_ascii_strcasecmp(name, "INBOX") == 0)
		return g_strdup(store);
	dotted = g_strconcat(".", name, NULL);
	g_strdelimit(dotted + 1, "/", '.');
	return g_build_filename(store, dotted, NULL);
}

/* Write data into dir's cur/ with flags info ("S", "DS"), durably. */
static bool
maildir_store(const char *dir, GBytes *data, const char *info, GError **err)
{
	g_autofree char *name = maildir_unique_name();
	g_autofree char *tmp = NULL;
	g_autofree char *cur = NULL;
	g_autofree char *curdir = NULL;
	gsize len = 0;
	const char *p = g_bytes_get_data(data, &len);
	char *names[1];
	int fd;

	names[0] = name;
	if (!maildir_ensure(dir, err) ||
	    !maildir_write_tmp(dir, name, p, len, MAILDIR_CRLF, err) ||
	    !maildir_sync_tmp(dir, names, 1, err))
		return false;
	tmp = g_build_filename(dir, "tmp", name, NULL);
	cur = g_strdup_printf("%s/cur/%s:2,%s", dir, name, info);
	if (rename(tmp, cur) < 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO, "%s: %s", cur,
		    g_strerror(errno));
		unlink(tmp);
		return false;
	}
	curdir = g_build_filename(dir, "cur", NULL);
	fd = open(curdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO, "%s: %s", curdir,
		    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	close(fd);
	return true;
}

/* POP3 and local accounts: the copy into the local store's folder. */
static void
save_local(struct send_job *job, enum copy_kind kind)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *store = account_store_path(job->acc);
	const char *name = copy_option(job, kind);
	g_autofree char *dir = NULL;
	g_autofree char *where = NULL;

	if (name == NULL)
		name = default_folder(kind);
	if (store == NULL) {
		copy_done(job, false, name, "the account has no local store");
		return;
	}
	dir = maildir_folder(store, name, &error);
	where = folder_where(job, name);
	if (dir != NULL &&
	    maildir_store(dir, job->kept, kind == COPY_SENT ? "S" : "DS",
		&error)) {
		g_free(where);
		where = g_strdup(dir);
		copy_done(job, true, where, NULL);
		return;
	}
	copy_done(job, false, where, error->message);
}

static void
on_appended(const struct reply *reply, void *data)
{
	struct send_job *job = data;
	g_autofree char *where = NULL;

	if (!reply_is_terminal(reply))
		return;
	where = folder_where(job, job->folder);
	unlink(job->copy_path);
	g_clear_pointer(&job->copy_path, g_free);
	if (reply->kind == REPLY_DONE)
		copy_done(job, true, where, NULL);
	else
		copy_done(job, false, where,
		    reply->kind == REPLY_ERROR ? reply->error->message
			: reply->kind == REPLY_CANCELLED
			? "cancelled"
			: "the account cannot add messages");
}

/* The IMAP copy connection of acc, made on first use; NULL if none. */
static struct worker *
copy_worker(struct send_job *job)
{
	struct account *acc = job->acc;

	if (acc->copy_worker == NULL) {
		struct backend *be = core_account_driver(acc);
		g_autofree char *name = NULL;

		if (be == NULL)
			return NULL;
		name = g_strdup_printf("%s (copy)", acc->name);
		acc->copy_worker = worker_new(name, be, job->core->rq);
	}
	return acc->copy_worker;
}

static void
append_to(struct send_job *job, const char *folder)
{
	g_autoptr(GError) error = NULL;
	struct worker *w = copy_worker(job);
	struct request *req;

	g_free(job->folder);
	job->folder = g_strdup(folder);
	if (w == NULL) {
		copy_done(job, false, folder, "no IMAP driver");
		return;
	}
	job->copy_path = write_temp(job->kept, &error);
	if (job->copy_path == NULL) {
		copy_done(job, false, folder, error->message);
		return;
	}
	req = request_new(REQ_APPEND);
	req->folder = g_strdup(folder);
	req->path = g_strdup(job->copy_path);
	req->flags_add = MSG_SEEN | (job->copy == COPY_DRAFTS ? MSG_DRAFT : 0);
	worker_post(w, req, on_appended, job);
}

/* The SPECIAL-USE folder of kind in a listing; NULL when none. */
static const char *
special_folder(const GPtrArray *folders, enum copy_kind kind)
{
	unsigned flag = kind == COPY_SENT ? FOLDER_SENT : FOLDER_DRAFTS;

	for (guint i = 0; folders != NULL && i < folders->len; i++) {
		const struct folder_info *fi = folders->pdata[i];

		if ((fi->flags & flag) && !(fi->flags & FOLDER_NOSELECT))
			return fi->server_name;
	}
	return NULL;
}

static void
on_listed(const struct reply *reply, void *data)
{
	struct send_job *job = data;

	if (reply->kind == REPLY_FOLDERS) {
		const char *f = special_folder(reply->folders, job->copy);

		if (f != NULL && job->folder == NULL)
			job->folder = g_strdup(f);
		return;
	}
	if (!reply_is_terminal(reply))
		return;
	if (job->folder == NULL && reply->kind == REPLY_ERROR) {
		g_autofree char *where =
		    folder_where(job, default_folder(job->copy));

		copy_done(job, false, where, reply->error->message);
		return;
	}
	{
		g_autofree char *f = job->folder != NULL
		    ? g_steal_pointer(&job->folder)
		    : g_strdup(default_folder(job->copy));

		append_to(job, f);
	}
}

/* A copy of job->kept to Sent or Drafts, whichever the account has. */
static void
save_copy(struct send_job *job, enum copy_kind kind)
{
	const char *name = copy_option(job, kind);

	job->copy = kind;
	if (job->acc->kind != ACCOUNT_IMAP) {
		save_local(job, kind);
		return;
	}
	if (name == NULL)
		name = special_folder(job->acc->folders, kind);
	if (name != NULL) {
		append_to(job, name);
		return;
	}
	/* No listing yet (skua -s, or before the first one): ask for it. */
	{
		struct worker *w = copy_worker(job);

		if (w == NULL) {
			copy_done(job, false, default_folder(kind),
			    "no IMAP driver");
			return;
		}
		g_clear_pointer(&job->folder, g_free);
		worker_post(w, request_new(REQ_LIST_FOLDERS), on_listed, job);
	}
}

/* The send failed with why: keep the message in Drafts and say so. */
static void
send_failed(struct send_job *job, const char *why)
{
	g_free(job->error);
	job->error = g_strdup(why);
	if (job->kept == NULL) {
		keep_last_resort(job, why);
		return;
	}
	save_copy(job, COPY_DRAFTS);
}

static void
on_submitted(const struct reply *reply, void *data)
{
	struct send_job *job = data;

	if (!reply_is_terminal(reply))
		return;
	if (job->acc->send_id == reply->request_id)
		job->acc->send_id = 0;
	unlink(job->submit_path);
	g_clear_pointer(&job->submit_path, g_free);
	switch (reply->kind) {
	case REPLY_DONE:
		if (opt_bool(job->acc->opts, "copy"))
			save_copy(job, COPY_SENT);
		else
			finish(job, true, NULL, NULL);
		break;
	case REPLY_ERROR:
		send_failed(job, reply->error->message);
		break;
	case REPLY_CANCELLED:
		send_failed(job, "sending cancelled");
		break;
	default:
		send_failed(job, "this account cannot send");
		break;
	}
}

/*
 * The send driver of acc from smtp_url (else sendmail), the account's
 * password source and trust: NULL with err when neither is set or the
 * URL is not an smtp one.
 */
static struct backend *
send_driver(const struct account *acc, GError **err)
{
	const struct optset *o = acc->opts;
	const char *smtp_url = opt_set(acc, "smtp_url");
	const char *sendmail = opt_set(acc, "sendmail");
	const char *ca_opt = opt_set(acc, "tls_ca_file");
	g_autofree char *ca = NULL;
	g_autofree char *pins = pins_default_path();
	g_autoptr(url_t) u = NULL;
	struct backend_params p = { 0 };
	struct backend *be;

	p.account = acc->name;
	if (smtp_url == NULL && sendmail != NULL) {
		p.sendmail = sendmail;
		be = backend_new_for("sendmail", &p);
		goto out;
	}
	if (smtp_url == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "%s: nowhere to send: set smtp_url (or sendmail)",
		    acc->name);
		return NULL;
	}
	u = url_parse(smtp_url, err);
	if (u == NULL)
		return NULL;
	if (u->scheme != URL_SMTP && u->scheme != URL_SMTPS) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "%s: smtp_url must be smtp:// or smtps://", acc->name);
		return NULL;
	}
	if (ca_opt != NULL)
		ca = path_expand(ca_opt, NULL);
	p.host = u->host;
	p.port = u->port != 0 ? u->port : url_default_port(u->scheme);
	if (url_implicit_tls(u->scheme))
		p.tls = TLS_IMPLICIT;
	else
		p.tls = opt_bool(o, "starttls") ? TLS_STARTTLS : TLS_NONE;
	p.user = u->user;
	if (p.user == NULL)
		p.user = opt_set(acc, "smtp_user");
	if (p.user == NULL && acc->url != NULL)
		p.user = acc->url->user;
	p.password = u->password;
	if (p.password == NULL)
		p.password = opt_set(acc, "password");
	p.password_command = opt_set(acc, "password_command");
	if (p.password == NULL && p.password_command == NULL)
		p.password = acc->password;
	p.ca_file = ca;
	p.fingerprint = opt_set(acc, "tls_fingerprint");
	p.accepted = acc->accepted_fingerprint;
	p.pin_file = pins;
	p.verify = opt_bool(o, "tls_verify");
	p.timeout = (int)opt_number(o, "connect_timeout");
	be = backend_new_for(url_scheme_name(u->scheme), &p);
out:
	if (be == NULL)
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
		    "%s: no driver to send with", acc->name);
	return be;
}

/*
 * What the send driver is made from, hashed (never a password kept in
 * clear): a different key means the options changed since (":set
 * smtp_url ...", a password typed at the prompt).
 */
static char *
send_key(const struct account *acc)
{
	static const char *const strings[] = { "smtp_url", "sendmail",
		"smtp_user", "password", "password_command", "tls_ca_file",
		"tls_fingerprint" };
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	g_autofree char *rest = g_strdup_printf("starttls=%d verify=%d "
						"timeout=%ld\n",
	    opt_bool(acc->opts, "starttls"), opt_bool(acc->opts, "tls_verify"),
	    opt_number(acc->opts, "connect_timeout"));
	char *key;

	for (size_t i = 0; i < G_N_ELEMENTS(strings); i++) {
		const char *v = opt_string(acc->opts, strings[i]);

		g_checksum_update(sum, (const guchar *)strings[i], -1);
		g_checksum_update(sum, (const guchar *)(v != NULL ? "=" : "-"),
		    1);
		if (v != NULL)
			g_checksum_update(sum, (const guchar *)v, -1);
		g_checksum_update(sum, (const guchar *)"\n", 1);
	}
	g_checksum_update(sum, (const guchar *)rest, -1);
	if (acc->password != NULL)
		g_checksum_update(sum, (const guchar *)acc->password, -1);
	if (acc->accepted_fingerprint != NULL)
		g_checksum_update(sum,
		    (const guchar *)acc->accepted_fingerprint, -1);
	key = g_strdup(g_checksum_get_string(sum));
	g_checksum_free(sum);
	return key;
}

static struct worker *
send_worker(struct core *core, struct account *acc, GError **err)
{
	g_autofree char *key = send_key(acc);

	/* Options changed since it was made, and nothing is under way. */
	if (acc->send_worker != NULL && acc->send_id == 0 &&
	    g_strcmp0(key, acc->send_key) != 0)
		g_clear_pointer(&acc->send_worker, worker_free);
	if (acc->send_worker == NULL) {
		struct backend *be = send_driver(acc, err);
		g_autofree char *name = NULL;

		if (be == NULL)
			return NULL;
		name = g_strdup_printf("%s (send)", acc->name);
		acc->send_worker = worker_new(name, be, core->rq);
		g_free(acc->send_key);
		acc->send_key = g_steal_pointer(&key);
	}
	return acc->send_worker;
}

static struct send_job *
job_new(struct core *core, struct account *acc, struct draft *draft,
    core_send_cb *cb, void *data)
{
	struct send_job *job = g_new0(struct send_job, 1);

	job->core = core;
	job->acc = acc;
	job->draft = draft;
	job->cb = cb;
	job->data = data;
	acc->core = core;
	if (draft->from == NULL || *draft->from == '\0') {
		g_free(draft->from);
		draft->from = core_account_from(acc);
	}
	return job;
}

void
core_send(struct core *core, struct account *acc, struct draft *draft,
    core_send_cb *cb, void *data)
{
	struct send_job *job = job_new(core, acc, draft, cb, data);
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) rcpts = NULL;
	g_autoptr(GBytes) bytes = NULL;
	g_autofree char *sender = NULL;
	struct worker *w;
	struct request *req;

	/* Kept first: the same Message-ID then goes out. */
	job->kept = draft_build(draft, true, NULL);
	sender = draft_sender(draft, &error);
	if (sender != NULL)
		rcpts = draft_recipients(draft, &error);
	if (rcpts != NULL)
		bytes = draft_build(draft, false, &error);
	if (bytes == NULL) {
		g_autofree char *why = g_strdup_printf("%s: not sent: %s",
		    acc->name, error->message);

		send_failed(job, why);
		return;
	}
	w = send_worker(core, acc, &error);
	if (w != NULL)
		job->submit_path = write_temp(bytes, &error);
	if (w == NULL || job->submit_path == NULL) {
		send_failed(job, error->message);
		return;
	}
	req = request_new(REQ_SUBMIT);
	req->path = g_strdup(job->submit_path);
	req->sender = g_steal_pointer(&sender);
	req->recipients = g_steal_pointer(&rcpts);
	acc->send_id = worker_post(w, req, on_submitted, job);
}

bool
core_send_cancel(struct core *core, struct account *acc)
{
	(void)core;
	if (acc->send_worker == NULL || acc->send_id == 0)
		return false;
	worker_cancel(acc->send_worker, acc->send_id);
	return true;
}

void
core_postpone(struct core *core, struct account *acc, struct draft *draft,
    core_send_cb *cb, void *data)
{
	struct send_job *job = job_new(core, acc, draft, cb, data);
	g_autoptr(GError) error = NULL;

	job->postpone = true;
	job->kept = draft_build(draft, true, &error);
	if (job->kept == NULL) {
		keep_last_resort(job, error->message);
		return;
	}
	save_copy(job, COPY_DRAFTS);
}

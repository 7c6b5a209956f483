/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the maildir driver (backend/maildir/) through a real
 * worker, on a temporary Maildir: stable UIDs, flags from and to file
 * names, the shown part and a saved part, the folder list with counts,
 * names that would leave the store, purge, copy, move and append, folder
 * management; and mime/message.c's sections.
 */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/maildir/maildir.h"
#include "backend/types.h"
#include "backend/worker.h"
#include "mime/message.h"
#include "mime/mime.h"

struct result {
	struct folder_state *folder;
	GPtrArray *envelopes; /* struct envelope * */
	GPtrArray *folders;
	struct message_text *message;
	enum reply_kind kind;
	char *error;
	bool done;
};

static void
result_clear(struct result *r)
{
	if (r->folder != NULL)
		folder_state_free(r->folder);
	if (r->envelopes != NULL)
		g_ptr_array_unref(r->envelopes);
	if (r->folders != NULL)
		g_ptr_array_unref(r->folders);
	if (r->message != NULL)
		message_text_free(r->message);
	g_free(r->error);
	memset(r, 0, sizeof(*r));
}

static void
on_reply(const struct reply *reply, void *data)
{
	struct result *r = data;
	struct reply *m = (struct reply *)reply;

	switch (reply->kind) {
	case REPLY_FOLDER:
		r->folder = g_steal_pointer(&m->folder);
		break;
	case REPLY_FOLDERS:
		r->folders = g_steal_pointer(&m->folders);
		break;
	case REPLY_MESSAGE:
		r->message = g_steal_pointer(&m->message);
		break;
	case REPLY_ENVELOPES:
		if (r->envelopes == NULL)
			r->envelopes = g_ptr_array_new_with_free_func(g_free);
		for (guint i = 0; i < m->envelopes->len; i++)
			g_ptr_array_add(r->envelopes,
			    g_steal_pointer(&m->envelopes->pdata[i]));
		break;
	default:
		if (reply_is_terminal(reply)) {
			r->kind = reply->kind;
			if (reply->error != NULL)
				r->error = g_strdup(reply->error->message);
			r->done = true;
		}
		break;
	}
}

struct fixture {
	char *dir; /* the store */
	char *tmp; /* its parent, for things outside */
	struct reply_queue *rq;
	struct worker *w;
};

/* Post req and wait for its terminal reply (bounded: 10 s). */
static void
run(struct fixture *fx, struct request *req, struct result *r)
{
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	result_clear(r);
	worker_post(fx->w, req, on_reply, r);
	while (!r->done) {
		GPollFD pfd = { reply_queue_fd(fx->rq), G_IO_IN, 0 };

		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_poll(&pfd, 1, 100);
		reply_queue_dispatch(fx->rq);
	}
}

static void
make_maildir(const char *dir)
{
	static const char *const subs[] = { "cur", "new", "tmp" };

	for (size_t i = 0; i < G_N_ELEMENTS(subs); i++) {
		g_autofree char *p = g_build_filename(dir, subs[i], NULL);

		g_assert_cmpint(g_mkdir_with_parents(p, 0700), ==, 0);
	}
}

static void
put(const char *dir, const char *sub, const char *name, const char *text)
{
	g_autofree char *p = g_build_filename(dir, sub, name, NULL);

	g_assert_true(g_file_set_contents(p, text, -1, NULL));
}

static bool
exists(const char *dir, const char *sub, const char *name)
{
	g_autofree char *p = g_build_filename(dir, sub, name, NULL);

	return g_file_test(p, G_FILE_TEST_EXISTS);
}

static void
fixture_set_up(struct fixture *fx, gconstpointer data)
{
	struct backend_params p = { 0 };

	fx->tmp = g_dir_make_tmp("skua-maildir-XXXXXX", NULL);
	g_assert_nonnull(fx->tmp);
	fx->dir = g_build_filename(fx->tmp, "Mail", NULL);
	make_maildir(fx->dir);
	p.account = "test";
	p.path = fx->dir;
	p.alternative_order = "text/plain text/html";
	fx->rq = reply_queue_new();
	fx->w = worker_new("test", maildir_backend_new(&p), fx->rq);
}

static void
fixture_tear_down(struct fixture *fx, gconstpointer data)
{
	g_autofree char *cmd = NULL;

	worker_free(fx->w);
	reply_queue_free(fx->rq);
	cmd = g_strdup_printf("rm -rf '%s'", fx->tmp);
	g_assert_cmpint(system(cmd), ==, 0);
	g_free(fx->dir);
	g_free(fx->tmp);
}

static GArray *
open_uids(struct fixture *fx, const char *folder, struct result *r)
{
	struct request *req = request_new(REQ_OPEN_FOLDER);

	req->folder = g_strdup(folder);
	req->sort = SORT_ARRIVAL;
	run(fx, req, r);
	g_assert_cmpint(r->kind, ==, REPLY_DONE);
	g_assert_nonnull(r->folder);
	return r->folder->uids;
}

static const struct envelope *
envelope_of(struct fixture *fx, uint32_t uid, struct result *r)
{
	struct request *req = request_new(REQ_FETCH_ENVELOPES);

	req->folder = g_strdup("INBOX");
	req->uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_array_append_val(req->uids, uid);
	run(fx, req, r);
	g_assert_cmpint(r->kind, ==, REPLY_DONE);
	if (r->envelopes == NULL || r->envelopes->len == 0)
		return NULL;
	return r->envelopes->pdata[0];
}

static void
set_flags(struct fixture *fx, uint32_t uid, uint32_t add, uint32_t remove,
    struct result *r)
{
	struct request *req = request_new(REQ_SET_FLAGS);

	req->folder = g_strdup("INBOX");
	req->uid = uid;
	req->flags_add = add;
	req->flags_remove = remove;
	run(fx, req, r);
}

#define MSG(subject)                                                           \
	"From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.de>\nTo: u@example.org\n"    \
	"Subject: " subject "\nDate: Mon, 23 Nov 2026 10:00:00 +0000\n"        \
	"Message-ID: <x@y>\n\nbody\n"

/* Numbers by delivery time, kept across renames and rescans. */
static void
test_uids_and_flags(struct fixture *fx, gconstpointer data)
{
	struct result r = { 0 };
	const struct envelope *e;
	GArray *uids;

	put(fx->dir, "cur", "200.b.host:2,S", MSG("second"));
	put(fx->dir, "new", "100.a.host", MSG("=?UTF-8?B?5pel5pys?= first"));
	put(fx->dir, "cur", "300.c.host:2,FRa", MSG("third"));
	put(fx->dir, "cur", ".hidden", MSG("hidden"));
	uids = open_uids(fx, "INBOX", &r);
	g_assert_cmpuint(uids->len, ==, 3);
	g_assert_cmpuint(g_array_index(uids, uint32_t, 0), ==, 1);
	g_assert_cmpuint(g_array_index(uids, uint32_t, 2), ==, 3);
	g_assert_true(r.folder->sorted);

	e = envelope_of(fx, 1, &r);
	g_assert_nonnull(e);
	g_assert_cmpstr(e->subject, ==, "日本 first");
	g_assert_cmpstr(e->from, ==, "Jürgen");
	g_assert_cmpuint(e->flags, ==, 0);
	g_assert_cmpint(e->date, ==, 1795428000);
	e = envelope_of(fx, 2, &r);
	g_assert_cmpstr(e->subject, ==, "second");
	g_assert_cmpuint(e->flags, ==, MSG_SEEN);
	e = envelope_of(fx, 3, &r);
	g_assert_cmpuint(e->flags, ==, MSG_FLAGGED | MSG_ANSWERED);

	/* Seen: new/ -> cur/ with S. */
	set_flags(fx, 1, MSG_SEEN, 0, &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_true(exists(fx->dir, "cur", "100.a.host:2,S"));
	g_assert_false(exists(fx->dir, "new", "100.a.host"));
	/* Letters in ASCII order; unknown ones kept. */
	set_flags(fx, 3, MSG_DELETED, MSG_FLAGGED, &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_true(exists(fx->dir, "cur", "300.c.host:2,RTa"));
	e = envelope_of(fx, 3, &r);
	g_assert_cmpuint(e->flags, ==, MSG_ANSWERED | MSG_DELETED);

	/* Another client renames and delivers: numbers hold, new ones
	 * get the next. */
	{
		g_autofree char *from =
		    g_build_filename(fx->dir, "cur", "200.b.host:2,S", NULL);
		g_autofree char *to =
		    g_build_filename(fx->dir, "cur", "200.b.host:2,FS", NULL);

		g_assert_cmpint(rename(from, to), ==, 0);
	}
	e = envelope_of(fx, 2, &r);
	g_assert_nonnull(e);
	g_assert_cmpuint(e->flags, ==, MSG_SEEN | MSG_FLAGGED);
	put(fx->dir, "new", "050.z.host", MSG("late"));
	{
		g_autofree char *gone =
		    g_build_filename(fx->dir, "cur", "100.a.host:2,S", NULL);

		g_assert_cmpint(unlink(gone), ==, 0);
	}
	uids = open_uids(fx, "INBOX", &r);
	g_assert_cmpuint(uids->len, ==, 3);
	g_assert_cmpuint(g_array_index(uids, uint32_t, 0), ==, 2);
	g_assert_cmpuint(g_array_index(uids, uint32_t, 1), ==, 3);
	g_assert_cmpuint(g_array_index(uids, uint32_t, 2), ==, 4);
	e = envelope_of(fx, 4, &r);
	g_assert_cmpstr(e->subject, ==, "late");
	g_assert_null(envelope_of(fx, 1, &r));
	set_flags(fx, 1, MSG_SEEN, 0, &r);
	g_assert_cmpint(r.kind, ==, REPLY_ERROR);
	result_clear(&r);
}

static const char alt_message[] =
    "From: a@example.org\n"
    "Subject: parts\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"m\"\n"
    "\n"
    "--m\n"
    "Content-Type: multipart/alternative; boundary=\"a\"\n"
    "\n"
    "--a\n"
    "Content-Type: text/plain; charset=iso-8859-1\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "Caf=E9 PLAIN\n"
    "--a\n"
    "Content-Type: text/html\n"
    "\n"
    "<p>HTML</p>\n"
    "--a--\n"
    "--m\n"
    "Content-Type: application/octet-stream\n"
    "Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.bin\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "AAECA/8=\n"
    "--m--\n";

static void
test_message_and_save(struct fixture *fx, gconstpointer data)
{
	struct result r = { 0 };
	struct request *req;
	const struct part_info *pi;
	g_autofree char *out = g_build_filename(fx->tmp, "saved.bin", NULL);
	g_autofree char *got = NULL;
	gsize len;

	put(fx->dir, "new", "100.a.host", alt_message);
	open_uids(fx, "INBOX", &r);
	req = request_new(REQ_FETCH_MESSAGE);
	req->folder = g_strdup("INBOX");
	req->uid = 1;
	run(fx, req, &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_nonnull(r.message);
	g_assert_cmpstr(r.message->body, ==, "Café PLAIN");
	g_assert_cmpstr(r.message->shown_type, ==, "text/plain");
	g_assert_nonnull(strstr(r.message->headers, "Subject: parts\n"));
	g_assert_cmpuint(r.message->parts->len, ==, 3);
	pi = r.message->parts->pdata[0];
	g_assert_cmpstr(pi->section, ==, "1.1");
	pi = r.message->parts->pdata[1];
	g_assert_cmpstr(pi->section, ==, "1.2");
	g_assert_cmpstr(pi->type, ==, "text/html");
	pi = r.message->parts->pdata[2];
	g_assert_cmpstr(pi->section, ==, "2");
	g_assert_cmpstr(pi->name, ==, "résumé.bin");
	g_assert_cmpstr(pi->encoding, ==, "base64");
	g_assert_true(r.message->flags & MSG_SEEN);
	g_assert_true(exists(fx->dir, "cur", "100.a.host:2,S"));

	req = request_new(REQ_SAVE_PART);
	req->folder = g_strdup("INBOX");
	req->uid = 1;
	req->section = g_strdup("2");
	req->path = g_strdup(out);
	run(fx, req, &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_true(g_file_get_contents(out, &got, &len, NULL));
	g_assert_cmpuint(len, ==, 5);
	g_assert_cmpmem(got, len, "\x00\x01\x02\x03\xff", 5);
	/* Never over an existing file. */
	req = request_new(REQ_SAVE_PART);
	req->folder = g_strdup("INBOX");
	req->uid = 1;
	req->section = g_strdup("2");
	req->path = g_strdup(out);
	run(fx, req, &r);
	g_assert_cmpint(r.kind, ==, REPLY_ERROR);
	result_clear(&r);
}

static const struct folder_info *
find_folder(GPtrArray *folders, const char *name)
{
	for (guint i = 0; i < folders->len; i++) {
		const struct folder_info *fi = folders->pdata[i];

		if (strcmp(fi->name, name) == 0)
			return fi;
	}
	return NULL;
}

static void
test_folders(struct fixture *fx, gconstpointer data)
{
	struct result r = { 0 };
	const struct folder_info *fi;
	g_autofree char *sent = g_build_filename(fx->dir, ".Sent", NULL);
	g_autofree char *dev = g_build_filename(fx->dir, "Lists", "dev", NULL);
	g_autofree char *evil = g_build_filename(fx->dir, ".\x1b[2J", NULL);
	g_autofree char *victim = g_build_filename(fx->tmp, "victim", NULL);
	g_autofree char *link = g_build_filename(fx->dir, "out", NULL);
	struct request *req;

	put(fx->dir, "new", "1.a", MSG("one"));
	put(fx->dir, "cur", "2.b:2,S", MSG("two"));
	make_maildir(sent);
	put(sent, "cur", "3.c:2,S", MSG("sent"));
	make_maildir(dev);
	put(dev, "cur", "4.d:2,", MSG("list"));
	make_maildir(evil);
	make_maildir(victim);
	put(victim, "new", "5.e", MSG("secret"));
	g_assert_cmpint(symlink(victim, link), ==, 0);

	run(fx, request_new(REQ_LIST_FOLDERS), &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_nonnull(r.folders);
	g_assert_cmpuint(r.folders->len, ==, 3);
	fi = find_folder(r.folders, "INBOX");
	g_assert_nonnull(fi);
	g_assert_true(fi->flags & FOLDER_INBOX);
	g_assert_cmpint(fi->total, ==, 2);
	g_assert_cmpint(fi->unseen, ==, 1);
	fi = find_folder(r.folders, "Sent");
	g_assert_nonnull(fi);
	g_assert_cmpstr(fi->server_name, ==, ".Sent");
	g_assert_true(fi->flags & FOLDER_SENT);
	g_assert_cmpint(fi->unseen, ==, 0);
	fi = find_folder(r.folders, "Lists/dev");
	g_assert_nonnull(fi);
	g_assert_cmpint(fi->total, ==, 1);
	g_assert_cmpint(fi->unseen, ==, 1);
	g_assert_null(find_folder(r.folders, "out"));

	/* Maildir++ by its shown name too. */
	g_assert_cmpuint(open_uids(fx, "Sent", &r)->len, ==, 1);
	g_assert_cmpuint(open_uids(fx, "Lists/dev", &r)->len, ==, 1);
	/* Nothing outside the store. */
	static const char *const bad[] = { "../victim", "out", "/etc",
		"Lists/../../victim", "" };
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		req = request_new(REQ_OPEN_FOLDER);
		req->folder = g_strdup(bad[i]);
		run(fx, req, &r);
		g_assert_cmpint(r.kind, ==, REPLY_ERROR);
	}
	result_clear(&r);
}

/* A POP3 account's store is made on connect when missing. */
static int
cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The file names of dir/sub (sorted), joined by ' '. */
static char *
names_in(const char *dir, const char *sub)
{
	g_autofree char *p = g_build_filename(dir, sub, NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(p, 0, NULL);
	const char *n;

	while (d != NULL && (n = g_dir_read_name(d)) != NULL)
		g_ptr_array_add(names, g_strdup(n));
	if (d != NULL)
		g_dir_close(d);
	g_ptr_array_sort(names, cmp_names);
	g_ptr_array_add(names, NULL);
	return g_strjoinv(" ", (char **)names->pdata);
}

static char *
read_text(const char *dir, const char *sub, const char *name)
{
	g_autofree char *p = g_build_filename(dir, sub, name, NULL);
	char *text = NULL;

	g_assert_true(g_file_get_contents(p, &text, NULL, NULL));
	return text;
}

static void
change(struct fixture *fx, enum request_kind kind, uint32_t uid,
    const char *target, struct result *r)
{
	struct request *req = request_new(kind);

	req->folder = g_strdup("INBOX");
	req->uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_array_append_val(req->uids, uid);
	req->target = g_strdup(target);
	run(fx, req, r);
}

/*
 * Move keeps the file's name unless one of that name is there (never
 * replaced), copy makes a new name with the same info, a purge unlinks
 * only the T files asked, append stores LF lines with the flags.
 */
static void
test_changes(struct fixture *fx, gconstpointer data)
{
	g_autofree char *archive = g_build_filename(fx->dir, ".Archive", NULL);
	g_autofree char *text = NULL, *names = NULL, *msg = NULL;
	g_autofree char *src = g_build_filename(fx->tmp, "append.eml", NULL);
	struct result r = { 0 };
	GArray *uids;
	uint32_t uid;

	make_maildir(archive);
	put(fx->dir, "cur", "100.M1P1.a:2,S", "Subject: a\n\nmine\n");
	put(archive, "cur", "100.M1P1.a:2,FS", "Subject: a\n\ntheirs\n");
	put(fx->dir, "new", "200.M2P1.b", "Subject: b\n\nnew\n");
	put(fx->dir, "cur", "300.M3P1.c:2,ST", "Subject: c\n\ngone\n");
	put(fx->dir, "cur", "400.M4P1.d:2,S", "Subject: d\n\nstays\n");
	uids = open_uids(fx, "INBOX", &r);
	g_assert_cmpuint(uids->len, ==, 4);
	result_clear(&r);

	/* uid 1 (a) to Archive, where a file of that name is. */
	change(fx, REQ_MOVE, 1, "Archive", &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_false(exists(fx->dir, "cur", "100.M1P1.a:2,S"));
	text = read_text(archive, "cur", "100.M1P1.a:2,FS");
	g_assert_cmpstr(text, ==, "Subject: a\n\ntheirs\n");
	names = names_in(archive, "cur");
	g_assert_true(g_str_has_suffix(names, ":2,S"));
	g_assert_nonnull(strstr(names, "100.M1P1.a:2,FS "));
	g_clear_pointer(&names, g_free);

	/* uid 2 (b, in new/ without info) copied: new/ there, kept here. */
	change(fx, REQ_COPY, 2, "Archive", &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_true(exists(fx->dir, "new", "200.M2P1.b"));
	names = names_in(archive, "new");
	g_assert_cmpstr(names, !=, "");
	g_assert_null(strchr(names, ' '));
	g_assert_cmpstr(names, !=, "200.M2P1.b");
	g_clear_pointer(&names, g_free);

	/* Purge c (T) and d (not T): only c goes. */
	{
		struct request *req = request_new(REQ_EXPUNGE);

		req->folder = g_strdup("INBOX");
		req->uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
		uid = 3;
		g_array_append_val(req->uids, uid);
		uid = 4;
		g_array_append_val(req->uids, uid);
		run(fx, req, &r);
	}
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_false(exists(fx->dir, "cur", "300.M3P1.c:2,ST"));
	g_assert_true(exists(fx->dir, "cur", "400.M4P1.d:2,S"));

	/* A move to the folder itself is refused. */
	change(fx, REQ_MOVE, 4, "INBOX", &r);
	g_assert_cmpint(r.kind, ==, REPLY_ERROR);
	g_assert_true(exists(fx->dir, "cur", "400.M4P1.d:2,S"));

	/* Append a CRLF message with flags. */
	g_assert_true(
	    g_file_set_contents(src, "Subject: e\r\n\r\nbody\r\n", -1, NULL));
	{
		struct request *req = request_new(REQ_APPEND);

		req->folder = g_strdup("Archive");
		req->path = g_strdup(src);
		req->flags_add = MSG_SEEN | MSG_FLAGGED;
		run(fx, req, &r);
	}
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	names = names_in(archive, "cur");
	{
		g_auto(GStrv) parts = g_strsplit(names, " ", -1);
		bool found = false;

		for (char **p = parts; *p != NULL; p++) {
			if (g_str_has_prefix(*p, "100.M1P1.a") ||
			    !g_str_has_suffix(*p, ":2,FS"))
				continue;
			msg = read_text(archive, "cur", *p);
			found = true;
		}
		g_assert_true(found);
	}
	g_assert_cmpstr(msg, ==, "Subject: e\n\nbody\n");
	result_clear(&r);
}

static void
manage(struct fixture *fx, enum request_kind kind, const char *folder,
    const char *target, bool force, struct result *r)
{
	struct request *req = request_new(kind);

	req->folder = g_strdup(folder);
	req->target = g_strdup(target);
	req->force = force;
	run(fx, req, r);
}

static bool
is_dir_at(const char *dir, const char *name)
{
	g_autofree char *p = g_build_filename(dir, name, NULL);

	return g_file_test(p, G_FILE_TEST_IS_DIR);
}

/* Folder management in a Maildir++ store, and the names it refuses. */
static void
test_manage(struct fixture *fx, gconstpointer data)
{
	static const char *const bad[] = { "../x", ".hidden", "a/.b", "INBOX",
		"inbox", "a:b", "/abs", "a//b" };
	g_autofree char *outside = g_build_filename(fx->tmp, "x", NULL);
	g_autofree char *q = g_build_filename(fx->dir, ".Q", NULL);
	struct result r = { 0 };

	manage(fx, REQ_CREATE_FOLDER, "Projects", NULL, false, &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_true(is_dir_at(fx->dir, ".Projects/cur"));
	g_assert_true(is_dir_at(fx->dir, ".Projects/tmp"));
	g_assert_true(exists(fx->dir, ".Projects", "maildirfolder"));
	manage(fx, REQ_CREATE_FOLDER, "Projects", NULL, false, &r);
	g_assert_cmpint(r.kind, ==, REPLY_ERROR);
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		manage(fx, REQ_CREATE_FOLDER, bad[i], NULL, false, &r);
		g_assert_cmpint(r.kind, ==, REPLY_ERROR);
	}
	g_assert_false(g_file_test(outside, G_FILE_TEST_EXISTS));

	/* Rename: ".P" and its ".P.sub" become ".Q" and ".Q.sub". */
	manage(fx, REQ_CREATE_FOLDER, "P", NULL, false, &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	manage(fx, REQ_CREATE_FOLDER, "P/sub", NULL, false, &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_true(is_dir_at(fx->dir, ".P.sub/new"));
	manage(fx, REQ_RENAME_FOLDER, ".P", "Q", false, &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_false(is_dir_at(fx->dir, ".P"));
	g_assert_true(is_dir_at(fx->dir, ".Q/cur"));
	g_assert_true(is_dir_at(fx->dir, ".Q.sub/cur"));
	/* Never over another folder, never the INBOX. */
	manage(fx, REQ_RENAME_FOLDER, ".Q", "Projects", false, &r);
	g_assert_cmpint(r.kind, ==, REPLY_ERROR);
	g_assert_true(is_dir_at(fx->dir, ".Q"));
	manage(fx, REQ_RENAME_FOLDER, "INBOX", "Old", false, &r);
	g_assert_cmpint(r.kind, ==, REPLY_ERROR);

	/* Delete: an empty one; one with a message only when forced. */
	manage(fx, REQ_DELETE_FOLDER, ".Q.sub", NULL, false, &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_false(is_dir_at(fx->dir, ".Q.sub"));
	put(q, "new", "1.M1P1.x", "Subject: x\n\nx\n");
	manage(fx, REQ_DELETE_FOLDER, ".Q", NULL, false, &r);
	g_assert_cmpint(r.kind, ==, REPLY_ERROR);
	g_assert_true(exists(q, "new", "1.M1P1.x"));
	manage(fx, REQ_DELETE_FOLDER, ".Q", NULL, true, &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_false(is_dir_at(fx->dir, ".Q"));
	manage(fx, REQ_DELETE_FOLDER, "INBOX", NULL, true, &r);
	g_assert_cmpint(r.kind, ==, REPLY_ERROR);
	g_assert_true(is_dir_at(fx->dir, "cur"));
	/* Subscriptions are IMAP's. */
	manage(fx, REQ_SUBSCRIBE, "Projects", NULL, false, &r);
	g_assert_cmpint(r.kind, ==, REPLY_UNSUPPORTED);
	result_clear(&r);
}

/* A store of plain folders (the INBOX a subdirectory): plain ones made. */
static void
test_manage_plain(void)
{
	g_autofree char *tmp = g_dir_make_tmp("skua-maildir-XXXXXX", NULL);
	g_autofree char *dir = g_build_filename(tmp, "Mail", NULL);
	g_autofree char *inbox = g_build_filename(dir, "INBOX", NULL);
	g_autofree char *victim = g_build_filename(tmp, "victim", NULL);
	g_autofree char *link = g_build_filename(dir, "out", NULL);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp);
	struct backend_params p = { 0 };
	struct fixture fx = { 0 };
	struct result r = { 0 };

	make_maildir(inbox);
	g_assert_cmpint(g_mkdir_with_parents(victim, 0700), ==, 0);
	g_assert_cmpint(symlink(victim, link), ==, 0);
	p.path = dir;
	fx.tmp = tmp;
	fx.dir = dir;
	fx.rq = reply_queue_new();
	fx.w = worker_new("plain", maildir_backend_new(&p), fx.rq);
	manage(&fx, REQ_CREATE_FOLDER, "Lists/dev", NULL, false, &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_true(is_dir_at(dir, "Lists/dev/cur"));
	g_assert_false(exists(dir, "Lists/dev", "maildirfolder"));
	/* Through a link out of the store: refused, nothing made there. */
	manage(&fx, REQ_CREATE_FOLDER, "out/x", NULL, false, &r);
	g_assert_cmpint(r.kind, ==, REPLY_ERROR);
	g_assert_false(is_dir_at(victim, "x"));
	manage(&fx, REQ_RENAME_FOLDER, "Lists/dev", "Lists/devel", false, &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_true(is_dir_at(dir, "Lists/devel/new"));
	g_assert_false(is_dir_at(dir, "Lists/dev"));
	manage(&fx, REQ_DELETE_FOLDER, "Lists/devel", NULL, false, &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_false(is_dir_at(dir, "Lists/devel"));
	result_clear(&r);
	worker_free(fx.w);
	reply_queue_free(fx.rq);
	g_assert_cmpint(system(cmd), ==, 0);
}

static void
test_create_store(void)
{
	g_autofree char *tmp = g_dir_make_tmp("skua-maildir-XXXXXX", NULL);
	g_autofree char *dir = g_build_filename(tmp, "a", "b", NULL);
	g_autofree char *cur = g_build_filename(dir, "cur", NULL);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp);
	struct backend_params p = { 0 };
	struct fixture fx = { 0 };
	struct result r = { 0 };

	p.path = dir;
	p.create_store = true;
	fx.rq = reply_queue_new();
	fx.w = worker_new("pop", maildir_backend_new(&p), fx.rq);
	run(&fx, request_new(REQ_CONNECT), &r);
	g_assert_cmpint(r.kind, ==, REPLY_DONE);
	g_assert_true(g_file_test(cur, G_FILE_TEST_IS_DIR));
	g_assert_cmpuint(open_uids(&fx, "INBOX", &r)->len, ==, 0);
	result_clear(&r);
	worker_free(fx.w);
	reply_queue_free(fx.rq);
	g_assert_cmpint(system(cmd), ==, 0);
}

static void
test_names(void)
{
	g_assert_true(maildir_name_is_safe("Sent"));
	g_assert_true(maildir_name_is_safe(".Sent"));
	g_assert_true(maildir_name_is_safe("a/b"));
	g_assert_true(maildir_name_is_safe("a..b"));
	g_assert_false(maildir_name_is_safe(""));
	g_assert_false(maildir_name_is_safe(".."));
	g_assert_false(maildir_name_is_safe("."));
	g_assert_false(maildir_name_is_safe("a/../b"));
	g_assert_false(maildir_name_is_safe("a/"));
	g_assert_false(maildir_name_is_safe("a//b"));
	g_assert_false(maildir_name_is_safe("/etc"));
	g_assert_false(maildir_name_is_safe("a\nb"));
	g_assert_false(maildir_name_is_safe("\x1b[2J"));
}

static void
test_mime_message(void)
{
	struct mime_message *m =
	    mime_message_parse(alt_message, strlen(alt_message));
	const struct mime_leaf *l;

	g_assert_cmpuint(m->leaves->len, ==, 3);
	l = mime_message_choose_text(m, "text/html text/plain");
	g_assert_cmpstr(l->section, ==, "1.2");
	l = mime_message_choose_text(m, NULL);
	g_assert_cmpstr(l->section, ==, "1.1");
	l = mime_message_leaf(m, "2");
	g_assert_nonnull(l);
	g_assert_true(l->attachment);
	g_assert_null(mime_message_leaf(m, "3"));
	mime_message_free(m);

	/* No MIME at all: one text/plain leaf "1", the body. */
	m = mime_message_parse("Subject: x\n\nhello\n", 19);
	g_assert_cmpuint(m->leaves->len, ==, 1);
	l = m->leaves->pdata[0];
	g_assert_cmpstr(l->section, ==, "1");
	g_assert_cmpstr(l->type, ==, "text/plain");
	mime_message_free(m);
}

int
main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	mime_init();
	g_test_add("/maildir/uids-and-flags", struct fixture, NULL,
	    fixture_set_up, test_uids_and_flags, fixture_tear_down);
	g_test_add("/maildir/message-and-save", struct fixture, NULL,
	    fixture_set_up, test_message_and_save, fixture_tear_down);
	g_test_add("/maildir/folders", struct fixture, NULL, fixture_set_up,
	    test_folders, fixture_tear_down);
	g_test_add("/maildir/changes", struct fixture, NULL, fixture_set_up,
	    test_changes, fixture_tear_down);
	g_test_add("/maildir/manage", struct fixture, NULL, fixture_set_up,
	    test_manage, fixture_tear_down);
	g_test_add_func("/maildir/manage-plain", test_manage_plain);
	g_test_add_func("/maildir/create-store", test_create_store);
	g_test_add_func("/maildir/names", test_names);
	g_test_add_func("/maildir/mime-message", test_mime_message);
	rc = g_test_run();
	mime_shutdown();
	return rc;
}

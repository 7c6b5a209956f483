/* SPDX-License-Identifier: ISC */
/*
 * The maildir driver. Synchronous code run on the account's worker, like
 * the IMAP driver, over a store of Maildirs on the local disk.
 *
 * Folders: "INBOX" is the store's root when the root is a Maildir (the
 * POP3 download delivers there), else its INBOX subdirectory. The other
 * folders are Maildir++ ones (".Sent", ".work.2024" beside the root's
 * cur/new/tmp, shown as "Sent", "work.2024") and plain subdirectories
 * that hold cur/ and new/ ("Sent", "work/2024"). A folder's server name is
 * its directory relative to the root. A name from the user or from the
 * disk never builds a path outside the store: "..", "." and empty
 * components, a leading '/' and control characters are refused, and the
 * resolved directory must lie under the root's real path.
 *
 * UIDs: Maildir has none, so each message gets a number for the life of
 * the driver instance (one skua run): a folder's first scan sorts its
 * files by delivery time (the leading number of the unique name) and
 * name and numbers them from 1; files that appear later get the next
 * numbers, so UID order stays arrival order. A message keeps its number
 * across renames (flag changes, new/ -> cur/) because the key is the
 * unique part of the file name, before ":2,". The uidvalidity is made
 * per instance.
 *
 * Flags are the Maildir info letters (":2,DFRST"): D draft, F flagged,
 * R answered, S seen, T trashed (deleted); letters skua does not know (P,
 * keywords) are kept. Changing flags renames the file into cur/.
 *
 * Changes: a purge unlinks the files of the UIDs asked that carry T, only
 * those. A copy writes a new file (new unique name, the info part kept)
 * through tmp/, fsync, link into cur/ (new/ when it had no info). A move
 * is one rename(2) that never replaces (RENAME_NOREPLACE), keeping the
 * file's name (a new one when the target has a message of that unique
 * name), and a copy then unlink across filesystems; the target's
 * directories are fsynced before the source's. An append (a message from
 * another account) is delivered like a copy, CRLF made LF.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/common/index-fields.h"
#include "backend/maildir/deliver.h"
#include "backend/maildir/maildir.h"
#include "backend/search-tree.h"
#include "backend/types.h"
#include "mime/headers.h"
#include "mime/mailcap.h"
#include "mime/message.h"
#include "mime/mime.h"
#include "mime/render.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"

/* The most of a file read for the index's header fields. */
#define HEADER_READ_MAX (256 * 1024)
/* At most this many fields of a message's header go to the pager. */
#define HEADER_FIELDS_MAX 1000
/* Bounds of the folder listing. */
#define LIST_DEPTH_MAX	 8
#define LIST_FOLDERS_MAX 5000
/* The largest message file the pager or a save reads. */
#define MESSAGE_READ_MAX ((gsize)1 << 30)
/* The first field of a POP3 download of the header only. */
#define PARTIAL_FIELD "X-Skua-Partial:"
/* Envelopes go to the index in groups of this many. */
#define ENVELOPE_BATCH 100

struct entry {
	char *base; /* the unique name, before ':' */
	char *file; /* the file's name now, in new/ or cur/ */
	bool in_new;
	uint32_t uid;
	unsigned seen_gen; /* the scan that last saw it */
};

struct mfolder {
	char *dir;	     /* absolute path */
	GHashTable *by_base; /* base -> struct entry * (owned) */
	GHashTable *by_uid;  /* GUINT_TO_POINTER(uid) -> struct entry * */
	uint32_t next_uid;
	unsigned gen;
};

struct maildir {
	char *account, *root, *real_root;
	char *mailcap_path, *alternative_order;
	bool create; /* make the store when it is missing */
	uint32_t uidvalidity;
	GHashTable *folders; /* server name -> struct mfolder * */
};

static struct maildir *
maildir_of(struct backend *be)
{
	return be->data;
}

static void
entry_free(struct entry *e)
{
	g_free(e->base);
	g_free(e->file);
	g_free(e);
}

static void
mfolder_free(struct mfolder *mf)
{
	g_hash_table_destroy(mf->by_uid);
	g_hash_table_destroy(mf->by_base);
	g_free(mf->dir);
	g_free(mf);
}

static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A Maildir: cur/ and new/ (tmp/ is the writer's business). */
static bool
is_maildir(const char *dir)
{
	g_autofree char *cur = g_build_filename(dir, "cur", NULL);
	g_autofree char *new = g_build_filename(dir, "new", NULL);

	return is_dir(cur) && is_dir(new);
}

bool
maildir_name_is_safe(const char *name)
{
	const char *p = name;

	if (name == NULL || *name == '\0' || *name == '/')
		return false;
	for (const unsigned char *c = (const unsigned char *)name; *c != 0; c++)
		if (*c < 0x20 || *c == 0x7f)
			return false;
	while (*p != '\0') {
		const char *slash = strchr(p, '/');
		size_t n = slash != NULL ? (size_t)(slash - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (slash == NULL)
			break;
		p = slash + 1;
		if (*p == '\0')
			return false; /* a trailing '/' */
	}
	return true;
}

/* Whether dir, resolved, lies under the store's root. */
static bool
inside_store(const struct maildir *d, const char *dir)
{
	char *real = realpath(dir, NULL);
	size_t n = strlen(d->real_root);
	bool ok;

	if (real == NULL)
		return false;
	ok = strcmp(real, d->real_root) == 0 ||
	    (strncmp(real, d->real_root, n) == 0 &&
		(real[n] == '/' || strcmp(d->real_root, "/") == 0));
	free(real);
	return ok;
}

static bool
is_inbox(const char *name)
{
	return g_ascii_strcasecmp(name, "INBOX") == 0;
}

/* The directory of the INBOX: the root, else root/INBOX. */
static char *
inbox_dir(const struct maildir *d)
{
	g_autofree char *sub = NULL;

	if (is_maildir(d->root))
		return g_strdup(d->root);
	sub = g_build_filename(d->root, "INBOX", NULL);
	if (is_maildir(sub))
		return g_steal_pointer(&sub);
	return g_strdup(d->root);
}

static bool ensure_store(struct maildir *d, GError **err);

/* The store exists and its real path is known. */
static bool
store_open(struct maildir *d, GError **err)
{
	if (d->real_root != NULL)
		return true;
	if (!ensure_store(d, err))
		return false;
	d->real_root = realpath(d->root, NULL);
	if (d->real_root == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot open the store '%s': %s", d->root,
		    g_strerror(errno));
		return false;
	}
	return true;
}

/* The directory of folder name; NULL with err if there is none. */
static char *
resolve(struct maildir *d, const char *name, GError **err)
{
	g_autofree char *plain = NULL, *pp = NULL, *dotted = NULL;

	if (!store_open(d, err))
		return NULL;
	if (is_inbox(name)) {
		char *dir = inbox_dir(d);

		if (!is_maildir(dir)) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
			    "'%s' is not a Maildir (no cur/ and new/)", dir);
			g_free(dir);
			return NULL;
		}
		return dir;
	}
	if (!maildir_name_is_safe(name)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "not a folder name of this store");
		return NULL;
	}
	plain = g_build_filename(d->root, name, NULL);
	if (is_maildir(plain) && inside_store(d, plain))
		return g_steal_pointer(&plain);
	/* Maildir++: "a/b" or "a.b" is the directory ".a.b". */
	dotted = g_strconcat(".", name, NULL);
	g_strdelimit(dotted, "/", '.');
	pp = g_build_filename(d->root, dotted, NULL);
	if (is_maildir(pp) && inside_store(d, pp))
		return g_steal_pointer(&pp);
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO, "no folder '%s' in '%s'",
	    name, d->root);
	return NULL;
}

/* The leading number of a Maildir unique name: its delivery time. */
static uint64_t
name_time(const char *base)
{
	uint64_t t = 0;

	for (const char *p = base; g_ascii_isdigit(*p) && t < UINT64_MAX / 10;
	     p++)
		t = t * 10 + (uint64_t)(*p - '0');
	return t;
}

static int
cmp_new_entries(gconstpointer a, gconstpointer b)
{
	const struct entry *x = *(const struct entry *const *)a;
	const struct entry *y = *(const struct entry *const *)b;
	uint64_t tx = name_time(x->base), ty = name_time(y->base);

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return strcmp(x->base, y->base);
}

/* A regular file (never a link, a fifo or a directory) of dir. */
static bool
is_message_file(DIR *dir, const struct dirent *de)
{
	struct stat st;

	if (de->d_name[0] == '.')
		return false;
	if (de->d_type == DT_REG)
		return true;
	if (de->d_type != DT_UNKNOWN)
		return false;
	return fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode);
}

/*
 * Read the folder's new/ and cur/ again: known messages get their file's
 * current name, new ones the next UIDs (in delivery order), vanished ones
 * are forgotten.
 */
static bool
scan(struct mfolder *mf, struct reply_sink *sink, GError **err)
{
	static const char *const subs[] = { "new", "cur" };
	g_autoptr(GPtrArray) fresh = g_ptr_array_new();
	GHashTableIter it;
	gpointer value;

	mf->gen++;
	for (size_t s = 0; s < G_N_ELEMENTS(subs); s++) {
		g_autofree char *path =
		    g_build_filename(mf->dir, subs[s], NULL);
		DIR *dir = opendir(path);
		struct dirent *de;

		if (dir == NULL) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
			    "cannot read '%s': %s", path, g_strerror(errno));
			for (guint i = 0; i < fresh->len; i++)
				entry_free(fresh->pdata[i]);
			return false;
		}
		while ((de = readdir(dir)) != NULL) {
			const char *colon;
			g_autofree char *base = NULL;
			struct entry *e;

			if (!is_message_file(dir, de))
				continue;
			colon = strchr(de->d_name, ':');
			base = colon != NULL
			    ? g_strndup(de->d_name, colon - de->d_name)
			    : g_strdup(de->d_name);
			e = g_hash_table_lookup(mf->by_base, base);
			if (e != NULL) {
				if (e->seen_gen == mf->gen)
					continue; /* in both: the first wins */
				g_free(e->file);
				e->file = g_strdup(de->d_name);
				e->in_new = s == 0;
				e->seen_gen = mf->gen;
				continue;
			}
			e = g_new0(struct entry, 1);
			e->base = g_steal_pointer(&base);
			e->file = g_strdup(de->d_name);
			e->in_new = s == 0;
			e->seen_gen = mf->gen;
			g_hash_table_insert(mf->by_base, e->base, e);
			g_ptr_array_add(fresh, e);
		}
		closedir(dir);
		if (sink != NULL && sink_cancelled(sink)) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_CANCELLED,
			    "cancelled");
			break;
		}
	}
	g_ptr_array_sort(fresh, cmp_new_entries);
	for (guint i = 0; i < fresh->len; i++) {
		struct entry *e = fresh->pdata[i];

		e->uid = mf->next_uid++;
		g_hash_table_insert(mf->by_uid, GUINT_TO_POINTER(e->uid), e);
	}
	/* Gone from the disk: gone from the folder. */
	g_hash_table_iter_init(&it, mf->by_base);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct entry *e = value;

		if (e->seen_gen != mf->gen) {
			g_hash_table_remove(mf->by_uid,
			    GUINT_TO_POINTER(e->uid));
			g_hash_table_iter_remove(&it);
		}
	}
	return err == NULL || *err == NULL;
}

/* The folder of server name name, made and scanned on first use. */
static struct mfolder *
folder_get(struct maildir *d, const char *name, bool rescan,
    struct reply_sink *sink, GError **err)
{
	struct mfolder *mf = g_hash_table_lookup(d->folders, name);

	if (mf == NULL) {
		char *dir = resolve(d, name, err);

		if (dir == NULL)
			return NULL;
		mf = g_new0(struct mfolder, 1);
		mf->dir = dir;
		mf->by_base = g_hash_table_new_full(g_str_hash, g_str_equal,
		    NULL, (GDestroyNotify)entry_free);
		mf->by_uid = g_hash_table_new(g_direct_hash, g_direct_equal);
		mf->next_uid = 1;
		g_hash_table_insert(d->folders, g_strdup(name), mf);
		rescan = true;
	}
	if (rescan && !scan(mf, sink, err))
		return NULL;
	return mf;
}

static char *
entry_path(const struct mfolder *mf, const struct entry *e)
{
	return g_build_filename(mf->dir, e->in_new ? "new" : "cur", e->file,
	    NULL);
}

/* Open message uid for reading, rescanning once if its file moved. */
static int
open_message(struct mfolder *mf, uint32_t uid, struct entry **out, GError **err)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		struct entry *e =
		    g_hash_table_lookup(mf->by_uid, GUINT_TO_POINTER(uid));
		g_autofree char *path = NULL;
		int fd;

		if (e != NULL) {
			path = entry_path(mf, e);
			fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0) {
				*out = e;
				return fd;
			}
			if (errno != ENOENT) {
				g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
				    "cannot open '%s': %s", path,
				    g_strerror(errno));
				return -1;
			}
		}
		if (attempt == 0 && !scan(mf, NULL, err))
			return -1;
	}
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
	    "message %u is gone from the folder", uid);
	return -1;
}

/* The flags of a file name ("...:2,FS"); new/ files have none. */
static uint32_t
flags_of(const struct entry *e)
{
	const char *info = strstr(e->file, ":2,");
	uint32_t flags = 0;

	if (info == NULL)
		return 0;
	for (const char *p = info + 3; *p != '\0'; p++) {
		switch (*p) {
		case 'D':
			flags |= MSG_DRAFT;
			break;
		case 'F':
			flags |= MSG_FLAGGED;
			break;
		case 'R':
			flags |= MSG_ANSWERED;
			break;
		case 'S':
			flags |= MSG_SEEN;
			break;
		case 'T':
			flags |= MSG_DELETED;
			break;
		default:
			break;
		}
	}
	return flags;
}

static int
cmp_char(const void *a, const void *b)
{
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

static const struct {
	char letter;
	uint32_t flag;
} known_letters[] = { { 'D', MSG_DRAFT }, { 'F', MSG_FLAGGED },
	{ 'R', MSG_ANSWERED }, { 'S', MSG_SEEN }, { 'T', MSG_DELETED } };

/*
 * The info letters for the flags wanted of a file named file (NULL: a
 * new one): skua's letters as wanted, the others of file kept, in ASCII
 * order. Caller frees.
 */
static char *
info_letters(const char *file, uint32_t wanted)
{
	const char *info = file != NULL ? strstr(file, ":2,") : NULL;
	GString *letters = g_string_new(NULL);

	if (info != NULL) {
		for (const char *p = info + 3; *p != '\0'; p++) {
			bool ours = false;

			for (size_t k = 0; k < G_N_ELEMENTS(known_letters); k++)
				ours |= known_letters[k].letter == *p;
			if (!ours && g_ascii_isalpha(*p) &&
			    strchr(letters->str, *p) == NULL)
				g_string_append_c(letters, *p);
		}
	}
	for (size_t k = 0; k < G_N_ELEMENTS(known_letters); k++)
		if (wanted & known_letters[k].flag)
			g_string_append_c(letters, known_letters[k].letter);
	qsort(letters->str, letters->len, 1, cmp_char);
	return g_string_free(letters, FALSE);
}

/*
 * Give message e the flags wanted: rename it into cur/ as
 * "base:2,LETTERS" (letters in ASCII order, unknown ones kept).
 */
static bool
rename_flags(struct mfolder *mf, struct entry *e, uint32_t wanted, GError **err)
{
	g_autofree char *letters = info_letters(e->file, wanted);
	g_autofree char *from = entry_path(mf, e);
	g_autofree char *name = NULL, *to = NULL;

	name = g_strdup_printf("%s:2,%s", e->base, letters);
	to = g_build_filename(mf->dir, "cur", name, NULL);
	if (strcmp(from, to) != 0 && rename(from, to) != 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot rename '%s': %s", from, g_strerror(errno));
		return false;
	}
	g_free(e->file);
	e->file = g_steal_pointer(&name);
	e->in_new = false;
	return true;
}

/*
 * The store exists (or is made, for a POP3 account's).  The POP3 worker
 * may be making the same directories at this moment, so the three
 * subdirectories are always asked for, never skipped because the root
 * already exists.
 */
static bool
ensure_store(struct maildir *d, GError **err)
{
	if (d->create && !maildir_ensure(d->root, err))
		return false;
	if (!is_dir(d->root)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "'%s' is not a directory", d->root);
		return false;
	}
	return true;
}

static bool
maildir_connect(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	return ensure_store(maildir_of(be), err);
}

/* Messages and unseen ones of the Maildir dir, by its file names. */
static void
count_folder(const char *dir, int64_t *total, int64_t *unseen)
{
	static const char *const subs[] = { "new", "cur" };

	*total = *unseen = 0;
	for (size_t s = 0; s < G_N_ELEMENTS(subs); s++) {
		g_autofree char *path = g_build_filename(dir, subs[s], NULL);
		DIR *dh = opendir(path);
		struct dirent *de;

		if (dh == NULL)
			continue;
		while ((de = readdir(dh)) != NULL) {
			const char *info;

			if (!is_message_file(dh, de))
				continue;
			++*total;
			info = strstr(de->d_name, ":2,");
			if (s == 0 || info == NULL ||
			    strchr(info + 3, 'S') == NULL)
				++*unseen;
		}
		closedir(dh);
	}
}

static unsigned
special_flags(const char *name)
{
	static const struct {
		const char *name;
		unsigned flag;
	} special[] = {
		{ "Sent", FOLDER_SENT },
		{ "Sent Messages", FOLDER_SENT },
		{ "Sent Items", FOLDER_SENT },
		{ "Drafts", FOLDER_DRAFTS },
		{ "Trash", FOLDER_TRASH },
		{ "Deleted Messages", FOLDER_TRASH },
		{ "Junk", FOLDER_JUNK },
		{ "Spam", FOLDER_JUNK },
		{ "Archive", FOLDER_ARCHIVE },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(special); i++)
		if (g_ascii_strcasecmp(name, special[i].name) == 0)
			return special[i].flag;
	return 0;
}

static void
add_folder(GPtrArray *folders, const char *dir, const char *server_name,
    const char *display, char delim, unsigned flags)
{
	struct folder_info *fi = g_new0(struct folder_info, 1);

	fi->server_name = g_strdup(server_name);
	fi->name = g_utf8_make_valid(display, -1);
	fi->delim = delim;
	fi->flags = flags | special_flags(fi->name);
	count_folder(dir, &fi->total, &fi->unseen);
	g_ptr_array_add(folders, fi);
}

/* Plain subdirectories of root/rel that are Maildirs, depth-first. */
static void
list_plain(struct maildir *d, const char *rel, int depth, GPtrArray *folders,
    struct reply_sink *sink)
{
	g_autofree char *path = rel != NULL
	    ? g_build_filename(d->root, rel, NULL)
	    : g_strdup(d->root);
	DIR *dh;
	struct dirent *de;

	if (depth > LIST_DEPTH_MAX || folders->len >= LIST_FOLDERS_MAX)
		return;
	dh = opendir(path);
	if (dh == NULL)
		return;
	while ((de = readdir(dh)) != NULL && folders->len < LIST_FOLDERS_MAX) {
		g_autofree char *child = NULL, *sub = NULL;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		/* Never follow a link out of the store. */
		if (fstatat(dirfd(dh), de->d_name, &st, AT_SYMLINK_NOFOLLOW) !=
			0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		child = rel != NULL ? g_strconcat(rel, "/", de->d_name, NULL)
				    : g_strdup(de->d_name);
		if (!maildir_name_is_safe(child))
			continue;
		sub = g_build_filename(d->root, child, NULL);
		if (rel == NULL && de->d_name[0] == '.') {
			/* Maildir++: ".Sent", ".a.b" beside the root's own. */
			if (is_maildir(sub))
				add_folder(folders, sub, child, child + 1, '.',
				    0);
			continue;
		}
		if (de->d_name[0] == '.')
			continue;
		if (rel == NULL &&
		    (strcmp(de->d_name, "cur") == 0 ||
			strcmp(de->d_name, "new") == 0 ||
			strcmp(de->d_name, "tmp") == 0))
			continue;
		if (rel == NULL && is_inbox(de->d_name) && !is_maildir(d->root))
			continue; /* listed as the INBOX */
		if (is_maildir(sub))
			add_folder(folders, sub, child, child, '/', 0);
		if (sink_cancelled(sink))
			break;
		list_plain(d, child, depth + 1, folders, sink);
	}
	closedir(dh);
}

static bool
maildir_list_folders(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct maildir *d = maildir_of(be);
	GPtrArray *folders;
	g_autofree char *inbox = NULL;

	if (!maildir_connect(be, req, sink, err))
		return false;
	folders =
	    g_ptr_array_new_with_free_func((GDestroyNotify)folder_info_free);
	inbox = inbox_dir(d);
	if (is_maildir(inbox))
		add_folder(folders, inbox, "INBOX", "INBOX", 0, FOLDER_INBOX);
	list_plain(d, NULL, 0, folders, sink);
	sink_folders(sink, folders);
	return true;
}

static int
cmp_uid(gconstpointer a, gconstpointer b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static char *
display_name(const char *name)
{
	if (is_inbox(name))
		return g_strdup("INBOX");
	return g_utf8_make_valid(name[0] == '.' ? name + 1 : name, -1);
}

/*
 * The UIDs in arrival order (reversed when asked); any other order is
 * left to core, which sorts once it has the headers (fs->sorted false).
 */
static bool
maildir_open_folder(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct maildir *d = maildir_of(be);
	struct mfolder *mf = folder_get(d, req->folder, true, sink, err);
	struct folder_state *fs;
	GHashTableIter it;
	gpointer key;

	if (mf == NULL)
		return false;
	fs = g_new0(struct folder_state, 1);
	fs->name = display_name(req->folder);
	fs->uidvalidity = d->uidvalidity;
	fs->uids = g_array_sized_new(FALSE, FALSE, sizeof(uint32_t),
	    g_hash_table_size(mf->by_uid));
	g_hash_table_iter_init(&it, mf->by_uid);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		uint32_t uid = GPOINTER_TO_UINT(key);

		g_array_append_val(fs->uids, uid);
	}
	g_array_sort(fs->uids, cmp_uid);
	if (req->reverse) {
		for (guint i = 0, j = fs->uids->len; i + 1 < j; i++, j--) {
			uint32_t t = g_array_index(fs->uids, uint32_t, i);

			g_array_index(fs->uids, uint32_t, i) =
			    g_array_index(fs->uids, uint32_t, j - 1);
			g_array_index(fs->uids, uint32_t, j - 1) = t;
		}
	}
	fs->exists = fs->uids->len;
	fs->sort = req->sort;
	fs->reverse = req->reverse;
	fs->sorted = req->sort == SORT_ARRIVAL;
	fs->server_sorts = 0;
	sink_folder(sink, fs);
	return true;
}

/* The header block of fd: up to the empty line, at most HEADER_READ_MAX. */
static GString *
read_header(int fd)
{
	GString *buf = g_string_sized_new(4096);

	while (buf->len < HEADER_READ_MAX) {
		char chunk[8192];
		size_t from = buf->len > 3 ? buf->len - 3 : 0;
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		g_string_append_len(buf, chunk, n);
		/* The empty line ends the header. */
		if (strstr(buf->str + from, "\n\n") != NULL ||
		    strstr(buf->str + from, "\n\r\n") != NULL)
			break;
	}
	return buf;
}

static struct envelope *
envelope_of(const struct entry *e, int fd)
{
	struct envelope_fields f = { 0 };
	struct mime_index_fields xf;
	GString *head = read_header(fd);
	struct stat st;
	struct envelope *env;

	mime_index_fields(head->str, head->len, &xf);
	g_string_free(head, TRUE);
	f.uid = e->uid;
	f.flags = flags_of(e);
	if (fstat(fd, &st) == 0) {
		f.size =
		    st.st_size > UINT32_MAX ? UINT32_MAX : (uint32_t)st.st_size;
		f.received = st.st_mtime;
	}
	envelope_fields_take(&f, &xf);
	env = envelope_new(&f);
	mime_index_fields_clear(&xf);
	return env;
}

static bool
maildir_fetch_envelopes(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct maildir *d = maildir_of(be);
	struct mfolder *mf = folder_get(d, req->folder, false, sink, err);
	GPtrArray *batch;

	if (mf == NULL)
		return false;
	batch = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; req->uids != NULL && i < req->uids->len; i++) {
		uint32_t uid = g_array_index(req->uids, uint32_t, i);
		struct entry *e = NULL;
		g_autoptr(GError) error = NULL;
		int fd = open_message(mf, uid, &e, &error);

		if (fd < 0) {
			/* Gone meanwhile: no envelope, as IMAP would. */
			log_msg(LOG_INFO, "%s: %s", d->account, error->message);
			continue;
		}
		g_ptr_array_add(batch, envelope_of(e, fd));
		close(fd);
		if (batch->len >= ENVELOPE_BATCH) {
			sink_envelopes(sink, batch);
			batch = g_ptr_array_new_with_free_func(g_free);
			if (sink_cancelled(sink))
				break;
		}
	}
	if (batch->len > 0)
		sink_envelopes(sink, batch);
	else
		g_ptr_array_unref(batch);
	return true;
}

/* The whole file of message uid; NULL with err. */
static GBytes *
read_message(struct mfolder *mf, uint32_t uid, struct entry **e, GError **err)
{
	int fd = open_message(mf, uid, e, err);
	GByteArray *buf;

	if (fd < 0)
		return NULL;
	buf = g_byte_array_new();
	for (;;) {
		guint8 chunk[65536];
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
			    "cannot read message %u: %s", uid,
			    g_strerror(errno));
			close(fd);
			g_byte_array_unref(buf);
			return NULL;
		}
		if (n == 0)
			break;
		if (buf->len + (gsize)n > MESSAGE_READ_MAX) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
			    "message %u is larger than %zu MiB", uid,
			    (size_t)(MESSAGE_READ_MAX >> 20));
			close(fd);
			g_byte_array_unref(buf);
			return NULL;
		}
		g_byte_array_append(buf, chunk, (guint)n);
	}
	close(fd);
	return g_byte_array_free_to_bytes(buf);
}

/* The longest an HTML filter may run, and the most it may write. */
#define HTML_FILTER_TIMEOUT 10000
#define HTML_FILTER_MAX_OUT (8 * 1024 * 1024)

/* An HTML leaf through a copiousoutput mailcap entry; NULL: none or failed. */
static char *
render_html_mailcap(const struct maildir *d, const struct mime_leaf *l)
{
	struct mailcap *mc;
	const struct mailcap_entry *e;
	g_autoptr(GHashTable) params =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GBytes) raw = NULL;
	g_autoptr(GBytes) out = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *path = NULL;
	gsize len;
	const char *data = g_bytes_get_data(l->content, &len);
	char *text = NULL;

	if (d->mailcap_path == NULL || *d->mailcap_path == '\0')
		return NULL;
	mc = mailcap_load(d->mailcap_path);
	if (l->charset != NULL)
		g_hash_table_insert(params, g_strdup("charset"),
		    g_strdup(l->charset));
	e = mailcap_lookup(mc, "text/html", params, MAILCAP_COPIOUS);
	if (e == NULL)
		goto out;
	raw = mime_decode_transfer(data != NULL ? data : "", len, l->encoding);
	path = mailcap_temp_write(e->nametemplate, "message.html",
	    g_bytes_get_data(raw, NULL), g_bytes_get_size(raw), &error);
	if (path != NULL) {
		out = mailcap_filter(e, "text/html", params, path,
		    HTML_FILTER_TIMEOUT, HTML_FILTER_MAX_OUT, &error);
		mailcap_temp_remove(path);
	}
	if (out == NULL) {
		log_warn("%s: HTML through mailcap: %s", d->account,
		    error->message);
		goto out;
	}
	text = mime_render_part(g_bytes_get_data(out, NULL),
	    g_bytes_get_size(out), "text/plain", NULL, NULL, false, false);
out:
	mailcap_free(mc);
	return text;
}

static bool
maildir_fetch_message(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct maildir *d = maildir_of(be);
	struct mfolder *mf = folder_get(d, req->folder, false, sink, err);
	struct entry *e = NULL;
	g_autoptr(GBytes) bytes = NULL;
	struct mime_message *msg;
	const struct mime_leaf *text;
	struct message_text *mt;
	const char *data;
	gsize len;

	if (mf == NULL)
		return false;
	bytes = read_message(mf, req->uid, &e, err);
	if (bytes == NULL)
		return false;
	data = g_bytes_get_data(bytes, &len);
	if (data == NULL)
		data = "";
	msg = mime_message_parse(data, len);
	mt = g_new0(struct message_text, 1);
	mt->uid = req->uid;
	mt->headers = mime_header_text(data, len, HEADER_FIELDS_MAX);
	mt->parts =
	    g_ptr_array_new_with_free_func((GDestroyNotify)part_info_free);
	for (guint i = 0; i < msg->leaves->len; i++) {
		const struct mime_leaf *l = msg->leaves->pdata[i];
		struct part_info *pi = g_new0(struct part_info, 1);
		gsize size = g_bytes_get_size(l->content);

		pi->section = g_strdup(l->section);
		pi->type = g_strdup(l->type);
		pi->name = g_strdup(l->name);
		pi->encoding = g_strdup(l->encoding);
		pi->charset = g_strdup(l->charset);
		pi->size = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
		g_ptr_array_add(mt->parts, pi);
	}
	text = mime_message_choose_text(msg, d->alternative_order);
	if (text != NULL) {
		gsize n;
		const char *p = g_bytes_get_data(text->content, &n);

		mt->shown_type = g_strdup(text->type);
		if (strcmp(text->type, "text/html") == 0)
			mt->body = render_html_mailcap(d, text);
		if (mt->body == NULL)
			mt->body = mime_render_part(p != NULL ? p : "", n,
			    text->type, text->encoding, text->charset,
			    text->flowed, text->delsp);
	} else {
		mt->body = g_strdup("");
	}
	mime_message_free(msg);
	/* The POP3 driver's marker, its first line: only the header is
	 * here (see backend/pop3/pop3.c). */
	if (len > strlen(PARTIAL_FIELD) &&
	    g_ascii_strncasecmp(data, PARTIAL_FIELD, strlen(PARTIAL_FIELD)) ==
		0)
		mt->partial_name = g_strdup(e->base);
	mt->flags = flags_of(e);
	/* Opening a message marks it read, as in mutt. */
	if (!(mt->flags & MSG_SEEN)) {
		if (!rename_flags(mf, e, mt->flags | MSG_SEEN, err)) {
			message_text_free(mt);
			return false;
		}
		mt->flags |= MSG_SEEN;
	}
	sink_message(sink, mt);
	return true;
}

static bool
maildir_set_flags(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct maildir *d = maildir_of(be);
	struct mfolder *mf = folder_get(d, req->folder, false, sink, err);
	struct entry *e = NULL;
	int fd;

	if (mf == NULL)
		return false;
	/* Opening finds the file where it is now (another client may have
	 * renamed it). */
	fd = open_message(mf, req->uid, &e, err);
	if (fd < 0)
		return false;
	close(fd);
	return rename_flags(mf, e,
	    (flags_of(e) | req->flags_add) & ~req->flags_remove, err);
}

static bool
maildir_save_part(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct maildir *d = maildir_of(be);
	struct mfolder *mf = folder_get(d, req->folder, false, sink, err);
	struct entry *e = NULL;
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GBytes) out = NULL;
	struct mime_message *msg;
	const struct mime_leaf *l;
	const char *data;
	gsize len;
	bool ok;

	if (mf == NULL)
		return false;
	bytes = read_message(mf, req->uid, &e, err);
	if (bytes == NULL)
		return false;
	if (req->section == NULL || *req->section == '\0') {
		/* The whole message, as it is (a copy to another account). */
		ok =
		    file_write_new(req->path, req->mode != 0 ? req->mode : 0644,
			g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes),
			true, NULL, err);
		if (ok)
			sink_progress(sink, g_bytes_get_size(bytes),
			    g_bytes_get_size(bytes));
		return ok;
	}
	data = g_bytes_get_data(bytes, &len);
	msg = mime_message_parse(data != NULL ? data : "", len);
	l = mime_message_leaf(msg, req->section != NULL ? req->section : "");
	if (l == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_PARSE,
		    "message %u has no part %s", req->uid,
		    req->section != NULL ? req->section : "");
		mime_message_free(msg);
		return false;
	}
	data = g_bytes_get_data(l->content, &len);
	/* The part's own encoding: what the request says is IMAP's view. */
	out = mime_decode_transfer(data != NULL ? data : "", len, l->encoding);
	mime_message_free(msg);
	ok = file_write_new(req->path, req->mode != 0 ? req->mode : 0644,
	    g_bytes_get_data(out, NULL), g_bytes_get_size(out), true, NULL,
	    err);
	if (ok)
		sink_progress(sink, g_bytes_get_size(out),
		    g_bytes_get_size(out));
	return ok;
}

/* Forget entry e of mf (its file is gone). */
static void
entry_forget(struct mfolder *mf, struct entry *e)
{
	g_hash_table_remove(mf->by_uid, GUINT_TO_POINTER(e->uid));
	g_hash_table_remove(mf->by_base, e->base); /* frees e */
}

/* fsync mf's new/ and cur/ (after renames or unlinks in them). */
static bool
sync_folder(const struct mfolder *mf, GError **err)
{
	static const char *const subs[] = { "new", "cur" };

	for (size_t s = 0; s < G_N_ELEMENTS(subs); s++) {
		g_autofree char *path =
		    g_build_filename(mf->dir, subs[s], NULL);

		if (!maildir_sync_dir(path, err))
			return false;
	}
	return true;
}

/*
 * The entry of message uid where its file is now; NULL when it is gone
 * (another client purged it), with err only for a real error.
 */
static struct entry *
entry_now(struct mfolder *mf, uint32_t uid, GError **err)
{
	g_autoptr(GError) error = NULL;
	struct entry *e = NULL;
	int fd = open_message(mf, uid, &e, &error);

	if (fd >= 0) {
		close(fd);
		return e;
	}
	if (g_hash_table_lookup(mf->by_uid, GUINT_TO_POINTER(uid)) != NULL)
		g_propagate_error(err, g_steal_pointer(&error));
	return NULL;
}

/*
 * Purge req->uids: the files of those marked deleted (T), only those;
 * one already gone is no error.
 */
static bool
maildir_expunge(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct maildir *d = maildir_of(be);
	struct mfolder *mf = folder_get(d, req->folder, false, sink, err);
	bool ok = true;

	if (mf == NULL)
		return false;
	for (guint i = 0; req->uids != NULL && i < req->uids->len; i++) {
		uint32_t uid = g_array_index(req->uids, uint32_t, i);
		struct entry *e = entry_now(mf, uid, err);
		g_autofree char *path = NULL;

		if (e == NULL) {
			if (err != NULL && *err != NULL)
				return false;
			continue;
		}
		if (!(flags_of(e) & MSG_DELETED))
			continue;
		path = entry_path(mf, e);
		if (unlink(path) != 0 && errno != ENOENT) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
			    "cannot remove '%s': %s", path, g_strerror(errno));
			ok = false;
			break;
		}
		entry_forget(mf, e);
	}
	if (!sync_folder(mf, ok ? err : NULL))
		ok = false;
	return ok;
}

/* The info part message e gets in another folder; NULL: it goes to new/. */
static char *
info_for_copy(const struct entry *e, bool undelete)
{
	uint32_t flags = flags_of(e);

	if (e->in_new && strstr(e->file, ":2,") == NULL)
		return NULL;
	if (undelete)
		flags &= ~(uint32_t)MSG_DELETED;
	return info_letters(e->file, flags);
}

/* Copy message e of mf into to under a new unique name, flags kept. */
static bool
copy_entry(struct mfolder *mf, struct entry *e, struct mfolder *to,
    bool undelete, GError **err)
{
	g_autoptr(GBytes) bytes = read_message(mf, e->uid, &e, err);
	g_autofree char *name = NULL, *info = NULL;
	gsize len;
	const char *data;

	if (bytes == NULL)
		return false;
	data = g_bytes_get_data(bytes, &len);
	name = maildir_unique_name();
	info = info_for_copy(e, undelete);
	return maildir_deliver_info(to->dir, name, info,
	    data != NULL ? data : "", len, 0, err);
}

/* The two folders of a copy or a move; false with err. */
static bool
copy_folders(struct maildir *d, const struct request *req,
    struct reply_sink *sink, struct mfolder **from, struct mfolder **to,
    GError **err)
{
	if (req->target == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE, "no target");
		return false;
	}
	*to = folder_get(d, req->target, false, sink, err);
	if (*to == NULL)
		return false;
	*from = folder_get(d, req->folder, false, sink, err);
	if (*from == NULL)
		return false;
	if (*from == *to || strcmp((*from)->dir, (*to)->dir) == 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "'%s' is the folder itself", req->target);
		return false;
	}
	return true;
}

/* Copy req->uids to req->target: new files, the flags in their names. */
static bool
maildir_copy(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct maildir *d = maildir_of(be);
	struct mfolder *mf = NULL, *to = NULL;

	if (!copy_folders(d, req, sink, &mf, &to, err))
		return false;
	for (guint i = 0; req->uids != NULL && i < req->uids->len; i++) {
		uint32_t uid = g_array_index(req->uids, uint32_t, i);
		struct entry *e = entry_now(mf, uid, err);

		if (e == NULL) {
			if (err != NULL && *err != NULL)
				return false;
			continue;
		}
		if (!copy_entry(mf, e, to, req->undelete, err))
			return false;
		sink_progress(sink, i + 1, req->uids->len);
	}
	return true;
}

/*
 * Move message e of mf to to: one rename(2) that never replaces a file
 * (another name when one of that name is there), else, across
 * filesystems, a copy and then the unlink.
 */
static bool
move_entry(struct mfolder *mf, struct entry *e, struct mfolder *to,
    bool undelete, GError **err)
{
	g_autofree char *info = info_for_copy(e, undelete);
	g_autofree char *from = entry_path(mf, e);

	for (int attempt = 0; attempt < 2; attempt++) {
		/* Its name, unless the target has a message of that unique
		 * name (whatever its flags): two would be one to a reader. */
		bool taken = attempt == 0 && maildir_has(to->dir, e->base);
		g_autofree char *base = attempt == 0 && !taken
		    ? g_strdup(e->base)
		    : maildir_unique_name();
		g_autofree char *file = info != NULL
		    ? g_strdup_printf("%s:2,%s", base, info)
		    : g_strdup(base);
		g_autofree char *dst = g_build_filename(to->dir,
		    info != NULL ? "cur" : "new", file, NULL);
		int r =
		    renameat2(AT_FDCWD, from, AT_FDCWD, dst, RENAME_NOREPLACE);

		if (r != 0 && errno == EINVAL) {
			/* No RENAME_NOREPLACE here: link never replaces. */
			r = link(from, dst);
			if (r == 0)
				(void)unlink(from);
		}
		if (r == 0) {
			entry_forget(mf, e);
			return true;
		}
		if (errno == EXDEV)
			break;
		if (errno != EEXIST) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
			    "cannot move '%s': %s", from, g_strerror(errno));
			return false;
		}
	}
	if (!copy_entry(mf, e, to, undelete, err))
		return false;
	if (unlink(from) != 0 && errno != ENOENT) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "copied, but cannot remove '%s': %s", from,
		    g_strerror(errno));
		return false;
	}
	entry_forget(mf, e);
	return true;
}

/* Move req->uids to req->target; gone from req->folder when it succeeds. */
static bool
maildir_move(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct maildir *d = maildir_of(be);
	struct mfolder *mf = NULL, *to = NULL;
	bool ok = true;

	if (!copy_folders(d, req, sink, &mf, &to, err))
		return false;
	for (guint i = 0; req->uids != NULL && i < req->uids->len; i++) {
		uint32_t uid = g_array_index(req->uids, uint32_t, i);
		struct entry *e = entry_now(mf, uid, err);

		if (e == NULL) {
			if (err != NULL && *err != NULL) {
				ok = false;
				break;
			}
			continue;
		}
		if (!move_entry(mf, e, to, req->undelete, err)) {
			ok = false;
			break;
		}
		sink_progress(sink, i + 1, req->uids->len);
	}
	/* The target first: a crash between them leaves a copy, never none. */
	if (!sync_folder(to, ok ? err : NULL))
		ok = false;
	if (!sync_folder(mf, ok ? err : NULL))
		ok = false;
	return ok;
}

/* Add the message file req->path to req->folder with req->flags_add. */
static bool
maildir_append(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct maildir *d = maildir_of(be);
	struct mfolder *mf = folder_get(d, req->folder, false, sink, err);
	g_autofree char *data = NULL, *name = NULL, *info = NULL;
	const char *eol;
	gsize len = 0;

	if (mf == NULL)
		return false;
	if (!g_file_get_contents(req->path, &data, &len, err))
		return false;
	if (len > MESSAGE_READ_MAX) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "the message is too large to add (%zu bytes)", (size_t)len);
		return false;
	}
	name = maildir_unique_name();
	if (req->flags_add != 0)
		info = info_letters(NULL, req->flags_add);
	/* A server's message (CRLF) is stored with LF, as Maildir wants. */
	eol = memchr(data, '\n', len);
	return maildir_deliver_info(mf->dir, name, info, data, len,
	    eol != NULL && eol > data && eol[-1] == '\r' ? MAILDIR_CRLF : 0,
	    err);
}

/*
 * Whether name (UTF-8, as typed) can be a new folder of the store: a
 * safe name whose components do not start with '.' (hidden, and
 * Maildir++'s own), and not the INBOX.
 */
static bool
new_name_ok(const char *name, GError **err)
{
	if (name == NULL || !g_utf8_validate(name, -1, NULL) ||
	    !maildir_name_is_safe(name) || is_inbox(name) || name[0] == '.' ||
	    strstr(name, "/.") != NULL || strchr(name, ':') != NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "'%s' cannot be a folder name here",
		    name != NULL ? name : "");
		return false;
	}
	return true;
}

/* Whether the store keeps its folders Maildir++ style (".a.b"). */
static bool
store_is_maildirpp(const struct maildir *d)
{
	return is_maildir(d->root);
}

/* The directory a new folder name gets in this store's layout. */
static char *
new_folder_dir(const struct maildir *d, const char *name, bool dotted)
{
	g_autofree char *base = NULL;

	if (!dotted)
		return g_build_filename(d->root, name, NULL);
	base = g_strconcat(".", name, NULL);
	g_strdelimit(base, "/", '.');
	return g_build_filename(d->root, base, NULL);
}

/* Whether the nearest existing ancestor of path lies in the store. */
static bool
ancestor_inside(const struct maildir *d, const char *path)
{
	g_autofree char *p = g_strdup(path);

	for (;;) {
		char *slash;

		if (access(p, F_OK) == 0)
			return inside_store(d, p);
		slash = strrchr(p, '/');
		if (slash == NULL || slash == p)
			return false;
		*slash = '\0';
	}
}

/* Fail unless nothing is at path (not even a dangling link). */
static bool
path_free(const char *path, const char *name, GError **err)
{
	struct stat st;

	if (lstat(path, &st) == 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "a folder '%s' exists already", name);
		return false;
	}
	return true;
}

/* Forget the cached folders at dir or under it (they moved or went). */
static void
forget_folders(struct maildir *d, const char *dir)
{
	GHashTableIter it;
	gpointer value;
	size_t n = strlen(dir);

	g_hash_table_iter_init(&it, d->folders);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		const struct mfolder *mf = value;

		if (strncmp(mf->dir, dir, n) == 0 &&
		    (mf->dir[n] == '\0' || mf->dir[n] == '/' ||
			mf->dir[n] == '.'))
			g_hash_table_iter_remove(&it);
	}
}

static bool
sync_root(const struct maildir *d, GError **err)
{
	return maildir_sync_dir(d->root, err);
}

/*
 * Make folder req->folder: ".name" (a '/' becoming '.') with a
 * maildirfolder file in a Maildir++ store (one whose root is the INBOX),
 * else the plain directory name with cur/ new/ tmp/.
 */
static bool
maildir_create_folder(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct maildir *d = maildir_of(be);
	g_autofree char *dir = NULL;
	bool dotted;

	if (!store_open(d, err) || !new_name_ok(req->folder, err))
		return false;
	dotted = store_is_maildirpp(d);
	dir = new_folder_dir(d, req->folder, dotted);
	if (!path_free(dir, req->folder, err))
		return false;
	if (!ancestor_inside(d, dir)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "'%s' would lie outside the store", req->folder);
		return false;
	}
	if (!maildir_ensure(dir, err))
		return false;
	if (dotted) {
		g_autofree char *marker =
		    g_build_filename(dir, "maildirfolder", NULL);
		int fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

		if (fd >= 0)
			close(fd);
	}
	return sync_root(d, err);
}

/* The directory of server name name, which must not be the INBOX. */
static char *
managed_dir(struct maildir *d, const char *name, GError **err)
{
	g_autofree char *dir = NULL, *inbox = NULL;

	if (name == NULL || is_inbox(name)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "the INBOX cannot be renamed or deleted");
		return NULL;
	}
	dir = resolve(d, name, err);
	if (dir == NULL)
		return NULL;
	inbox = inbox_dir(d);
	if (strcmp(dir, inbox) == 0 || strcmp(dir, d->root) == 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "the INBOX cannot be renamed or deleted");
		return NULL;
	}
	return g_steal_pointer(&dir);
}

/* rename(2) that never replaces; false with errno. */
static bool
rename_noreplace(const char *from, const char *to)
{
	struct stat st;

	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return true;
	if (errno != EINVAL)
		return false;
	if (lstat(to, &st) == 0) {
		errno = EEXIST;
		return false;
	}
	return rename(from, to) == 0;
}

/*
 * Rename folder req->folder to req->target in its own layout; a Maildir++
 * folder's subfolders (".old.x") follow it.
 */
static bool
maildir_rename_folder(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct maildir *d = maildir_of(be);
	g_autofree char *from = managed_dir(d, req->folder, err);
	g_autofree char *to = NULL, *from_base = NULL, *to_base = NULL;
	bool dotted;

	if (from == NULL || !new_name_ok(req->target, err))
		return false;
	from_base = g_path_get_basename(from);
	dotted = from_base[0] == '.';
	to = new_folder_dir(d, req->target, dotted);
	if (!path_free(to, req->target, err))
		return false;
	if (!ancestor_inside(d, to)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "'%s' would lie outside the store", req->target);
		return false;
	}
	if (!dotted) {
		g_autofree char *parent = g_path_get_dirname(to);

		if (g_mkdir_with_parents(parent, 0700) != 0) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
			    "cannot create '%s': %s", parent,
			    g_strerror(errno));
			return false;
		}
	}
	if (!rename_noreplace(from, to)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot rename '%s': %s", req->folder, g_strerror(errno));
		return false;
	}
	forget_folders(d, from);
	to_base = g_path_get_basename(to);
	if (dotted) {
		/* ".old.x" -> ".new.x": the subfolders keep their place. */
		g_autofree char *prefix = g_strconcat(from_base, ".", NULL);
		g_autoptr(GPtrArray) kids =
		    g_ptr_array_new_with_free_func(g_free);
		DIR *dh = opendir(d->root);
		struct dirent *de;

		while (dh != NULL && (de = readdir(dh)) != NULL)
			if (g_str_has_prefix(de->d_name, prefix))
				g_ptr_array_add(kids, g_strdup(de->d_name));
		if (dh != NULL)
			closedir(dh);
		for (guint i = 0; i < kids->len; i++) {
			const char *kid = kids->pdata[i];
			g_autofree char *kfrom =
			    g_build_filename(d->root, kid, NULL);
			g_autofree char *kname =
			    g_strconcat(to_base, kid + strlen(from_base), NULL);
			g_autofree char *kto =
			    g_build_filename(d->root, kname, NULL);

			if (!rename_noreplace(kfrom, kto))
				log_warn("%s: cannot rename '%s': %s",
				    d->account, kid, g_strerror(errno));
		}
	}
	return sync_root(d, err);
}

/* Remove the regular files of dir (not its subdirectories). */
static bool
remove_files(const char *dir, GError **err)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	bool ok = true;

	if (dh == NULL)
		return errno == ENOENT;
	while ((de = readdir(dh)) != NULL) {
		struct stat st;

		if (fstatat(dirfd(dh), de->d_name, &st, AT_SYMLINK_NOFOLLOW) !=
			0 ||
		    S_ISDIR(st.st_mode))
			continue;
		if (unlinkat(dirfd(dh), de->d_name, 0) != 0 &&
		    errno != ENOENT) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
			    "cannot remove '%s/%s': %s", dir, de->d_name,
			    g_strerror(errno));
			ok = false;
			break;
		}
	}
	closedir(dh);
	return ok;
}

/* Whether dir holds a directory other than cur/ new/ tmp/. */
static bool
has_subdirs(const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	bool found = false;

	while (dh != NULL && !found && (de = readdir(dh)) != NULL) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, "cur") == 0 ||
		    strcmp(de->d_name, "new") == 0 ||
		    strcmp(de->d_name, "tmp") == 0)
			continue;
		found = fstatat(dirfd(dh), de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode);
	}
	if (dh != NULL)
		closedir(dh);
	return found;
}

/*
 * Delete folder req->folder: refused while it holds messages unless
 * req->force, and while it holds subfolders; its files go, then the
 * directory.
 */
static bool
maildir_delete_folder(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	static const char *const subs[] = { "cur", "new", "tmp" };
	struct maildir *d = maildir_of(be);
	g_autofree char *dir = managed_dir(d, req->folder, err);
	int64_t total = 0, unseen = 0;

	if (dir == NULL)
		return false;
	count_folder(dir, &total, &unseen);
	if (total > 0 && !req->force) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "the folder holds %" G_GINT64_FORMAT " message%s", total,
		    total == 1 ? "" : "s");
		return false;
	}
	if (has_subdirs(dir)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "the folder has subfolders: delete them first");
		return false;
	}
	forget_folders(d, dir);
	for (size_t s = 0; s < G_N_ELEMENTS(subs); s++) {
		g_autofree char *sub = g_build_filename(dir, subs[s], NULL);

		if (!remove_files(sub, err))
			return false;
		if (rmdir(sub) != 0 && errno != ENOENT) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
			    "cannot remove '%s': %s", sub, g_strerror(errno));
			return false;
		}
	}
	if (!remove_files(dir, err))
		return false;
	if (rmdir(dir) != 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot remove '%s': %s", dir, g_strerror(errno));
		return false;
	}
	return sync_root(d, err);
}

static void
maildir_free(struct backend *be)
{
	struct maildir *d = maildir_of(be);

	g_hash_table_destroy(d->folders);
	g_free(d->account);
	g_free(d->root);
	free(d->real_root);
	g_free(d->mailcap_path);
	g_free(d->alternative_order);
	g_free(d);
	g_free(be);
}

/*
 * One message as search_eval() sees it: the envelope's fields at once,
 * the header fields (decoded) and the body text read from the file only
 * when a text key asks for them.
 */
struct msearch {
	struct mfolder *mf;
	uint32_t uid;
	GString *head;	    /* the raw header block */
	GHashTable *fields; /* lower-case name -> GString, values by \n */
	char *header_text;  /* every field, decoded, "Name: value" lines */
	char *body;	    /* the text parts, rendered */
	bool body_read;
};

static void
msearch_field(const char *name, size_t name_len, const char *value, void *data)
{
	struct msearch *ms = data;
	g_autofree char *key = g_ascii_strdown(name, (gssize)name_len);
	g_autofree char *decoded = mime_decode_header(value);
	GString *all = g_hash_table_lookup(ms->fields, key);

	if (all == NULL) {
		all = g_string_new(NULL);
		g_hash_table_insert(ms->fields, g_steal_pointer(&key), all);
	} else {
		g_string_append_c(all, '\n');
	}
	g_string_append(all, decoded != NULL ? decoded : value);
}

static void
string_free(gpointer s)
{
	g_string_free(s, TRUE);
}

static void
msearch_fields(struct msearch *ms)
{
	if (ms->fields != NULL)
		return;
	ms->fields =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, string_free);
	mime_header_fields(ms->head->str, ms->head->len, msearch_field, ms);
}

/* The text parts of the message, rendered; "" when it cannot be read. */
static const char *
msearch_body(struct msearch *ms)
{
	g_autoptr(GError) error = NULL;
	struct entry *e = NULL;
	struct mime_message *msg;
	GBytes *data;
	GString *out;
	gsize len;
	const char *bytes;

	if (ms->body_read)
		return ms->body;
	ms->body_read = true;
	data = read_message(ms->mf, ms->uid, &e, &error);
	if (data == NULL) {
		log_info("search: %s", error->message);
		return NULL;
	}
	bytes = g_bytes_get_data(data, &len);
	msg = mime_message_parse(bytes, len);
	out = g_string_new(NULL);
	for (guint i = 0; i < msg->leaves->len; i++) {
		const struct mime_leaf *l = g_ptr_array_index(msg->leaves, i);
		const char *part;
		gsize part_len;
		char *text;

		if (!g_str_has_prefix(l->type, "text/"))
			continue;
		part = g_bytes_get_data(l->content, &part_len);
		text = mime_render_part(part, part_len, l->type, l->encoding,
		    l->charset, l->flowed, l->delsp);
		g_string_append(out, text);
		g_string_append_c(out, '\n');
		g_free(text);
	}
	mime_message_free(msg);
	g_bytes_unref(data);
	ms->body = g_string_free(out, FALSE);
	return ms->body;
}

static const char *
msearch_text(void *data, enum search_kind kind, const char *name)
{
	struct msearch *ms = data;
	const char *key;
	GString *v;

	switch (kind) {
	case SEARCH_FROM:
		key = "from";
		break;
	case SEARCH_TO:
		key = "to";
		break;
	case SEARCH_CC:
		key = "cc";
		break;
	case SEARCH_SUBJECT:
		key = "subject";
		break;
	case SEARCH_HEADER: {
		g_autofree char *lower =
		    g_ascii_strdown(name != NULL ? name : "", -1);

		msearch_fields(ms);
		v = g_hash_table_lookup(ms->fields, lower);
		return v != NULL ? v->str : NULL;
	}
	case SEARCH_BODY:
		return msearch_body(ms);
	case SEARCH_TEXT:
		if (ms->header_text == NULL) {
			const char *body = msearch_body(ms);
			g_autofree char *head = mime_header_text(ms->head->str,
			    ms->head->len, HEADER_FIELDS_MAX);

			ms->header_text = g_strconcat(head, "\n",
			    body != NULL ? body : "", NULL);
		}
		return ms->header_text;
	default:
		return NULL;
	}
	msearch_fields(ms);
	v = g_hash_table_lookup(ms->fields, key);
	return v != NULL ? v->str : NULL;
}

/*
 * The messages of req->folder matching req->search, evaluated here on the
 * files: the index's fields for dates, flags and sizes, the header block
 * for text keys, the whole file only for a body or text key.
 */
static bool
maildir_search(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct maildir *d = maildir_of(be);
	struct mfolder *mf = folder_get(d, req->folder, true, sink, err);
	g_autoptr(GArray) all = NULL;
	GArray *uids;
	GHashTableIter it;
	gpointer key;

	if (mf == NULL)
		return false;
	if (req->search == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "a search without a pattern");
		return false;
	}
	all = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_hash_table_iter_init(&it, mf->by_uid);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		uint32_t uid = GPOINTER_TO_UINT(key);

		g_array_append_val(all, uid);
	}
	g_array_sort(all, cmp_uid);
	uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	for (guint i = 0; i < all->len; i++) {
		uint32_t uid = g_array_index(all, uint32_t, i);
		g_autoptr(GError) error = NULL;
		struct entry *e = NULL;
		struct msearch ms = { mf, uid, NULL, NULL, NULL, NULL, false };
		struct search_msg m = { 0 };
		struct envelope *env;
		int fd;

		if (i % 256 == 0 && sink_cancelled(sink))
			break;
		fd = open_message(mf, uid, &e, &error);
		if (fd < 0)
			continue; /* gone meanwhile */
		env = envelope_of(e, fd);
		if (lseek(fd, 0, SEEK_SET) == 0)
			ms.head = read_header(fd);
		else
			ms.head = g_string_new(NULL);
		close(fd);
		m.uid = uid;
		m.flags = env->flags;
		m.size = env->size;
		m.date = env->date;
		m.received = env->received;
		m.text = msearch_text;
		m.data = &ms;
		if (search_eval(req->search, &m))
			g_array_append_val(uids, uid);
		g_free(env);
		g_string_free(ms.head, TRUE);
		if (ms.fields != NULL)
			g_hash_table_destroy(ms.fields);
		g_free(ms.header_text);
		g_free(ms.body);
	}
	sink_uids(sink, uids);
	return true;
}

static const struct backend_ops maildir_ops = {
	.size = sizeof(struct backend_ops),
	.name = "maildir",
	.caps = BACKEND_CAP_FOLDERS | BACKEND_CAP_SEARCH,
	.connect = maildir_connect,
	.list_folders = maildir_list_folders,
	.open_folder = maildir_open_folder,
	.fetch_envelopes = maildir_fetch_envelopes,
	.fetch_message = maildir_fetch_message,
	.save_part = maildir_save_part,
	.free = maildir_free,
	.set_flags = maildir_set_flags,
	.expunge = maildir_expunge,
	.copy = maildir_copy,
	.move = maildir_move,
	.append = maildir_append,
	.create_folder = maildir_create_folder,
	.rename_folder = maildir_rename_folder,
	.delete_folder = maildir_delete_folder,
	.search = maildir_search,
};

struct backend *
maildir_backend_new(const struct backend_params *p)
{
	struct backend *be = g_new0(struct backend, 1);
	struct maildir *d = g_new0(struct maildir, 1);

	d->account = g_strdup(p->account != NULL ? p->account : "local");
	d->root = g_strdup(p->path != NULL ? p->path : ".");
	/* "dir/" and "dir" are the same store. */
	while (strlen(d->root) > 1 && g_str_has_suffix(d->root, "/"))
		d->root[strlen(d->root) - 1] = '\0';
	d->create = p->create_store;
	d->mailcap_path = g_strdup(p->mailcap_path);
	d->alternative_order = g_strdup(p->alternative_order);
	d->uidvalidity = (uint32_t)time(NULL);
	d->folders = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)mfolder_free);
	be->ops = &maildir_ops;
	be->data = d;
	return be;
}

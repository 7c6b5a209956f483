/* SPDX-License-Identifier: ISC */
/* The sidebar: the account's folders at the left of the index and pager. */
#include "config.h"

#include <string.h>

#include "backend/types.h"
#include "config/config.h"
#include "config/options.h"
#include "core/core.h"
#include "core/folder.h"
#include "ui/sidebar.h"
#include "ui/text.h"
#include "ui/ui.h"

static struct {
	struct core *core;
	char *cursor;	       /* server name of the folder under the cursor */
	char *synced_open;     /* the open folder the cursor last moved to */
	struct account *asked; /* the account whose list was asked for */
	int top;	       /* first folder shown */
} sb;

/* The last component of fi's name and the number of levels above it. */
static int
folder_depth(const struct folder_info *fi, const char **leaf_out)
{
	const char *leaf = fi->name;
	int depth = 0;

	if (fi->delim != '\0') {
		for (const char *p = fi->name; *p != '\0'; p++) {
			if (*p == fi->delim && p[1] != '\0') {
				depth++;
				leaf = p + 1;
			}
		}
	}
	*leaf_out = leaf;
	return depth;
}

static char *
counts_text(const struct folder_info *fi)
{
	if (fi->flags & FOLDER_NOSELECT)
		return g_strdup("");
	if (fi->total < 0)
		return g_strdup("?");
	if (fi->unseen < 0)
		return g_strdup_printf("?/%" G_GINT64_FORMAT, fi->total);
	return g_strdup_printf("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
	    fi->unseen, fi->total);
}

char *
sidebar_line(const struct folder_info *fi, int cols)
{
	g_autofree char *counts = counts_text(fi);
	g_autofree char *safe = NULL, *name = NULL;
	const char *leaf;
	int depth = folder_depth(fi, &leaf);
	int counts_w = text_width(counts), name_cols, indent;

	if (cols <= 0)
		return g_strdup("");
	if (counts_w > 0 && counts_w + 2 > cols) {
		counts[0] = '\0';
		counts_w = 0;
	}
	name_cols = cols - (counts_w > 0 ? counts_w + 1 : 0);
	/* Deep folders keep a few cells of their name. */
	indent = MIN(2 * MIN(depth, 16), MAX(0, name_cols - 3));
	safe = text_sanitize(leaf, -1);
	name = text_fit(safe, name_cols - indent, true);
	return g_strdup_printf("%*s%s%s%s", indent, "", name,
	    counts_w > 0 ? " " : "", counts);
}

bool
sidebar_folder_is(const struct folder_info *fi, const char *name)
{
	if (strcmp(fi->server_name, name) == 0 || strcmp(fi->name, name) == 0)
		return true;
	return (fi->flags & FOLDER_INBOX) &&
	    g_ascii_strcasecmp(name, "INBOX") == 0;
}

/* Siblings: INBOX, the special-use folders, then the others. */
static int
rank(const struct folder_info *fi, const char *path, bool top)
{
	static const unsigned special[] = { FOLDER_DRAFTS, FOLDER_SENT,
		FOLDER_ARCHIVE, FOLDER_JUNK, FOLDER_TRASH };
	unsigned flags = fi != NULL ? fi->flags : 0;

	if ((flags & FOLDER_INBOX) ||
	    (top && g_ascii_strcasecmp(path, "INBOX") == 0))
		return 0;
	for (size_t i = 0; i < G_N_ELEMENTS(special); i++)
		if (flags & special[i])
			return 1 + (int)i;
	return 1 + (int)G_N_ELEMENTS(special);
}

static char **
components(const struct folder_info *fi)
{
	char delim[2] = { fi->delim, '\0' };

	if (fi->delim == '\0')
		return g_strdupv((char *[]){ fi->name, NULL });
	return g_strsplit(fi->name, delim, -1);
}

/* The folder whose name is the first k + 1 components of comps. */
static const struct folder_info *
ancestor(GHashTable *by_name, char **comps, int k, char delim, char **path_out)
{
	char sep[2] = { delim, '\0' };
	char *saved = comps[k + 1];
	const struct folder_info *fi;

	comps[k + 1] = NULL;
	*path_out = g_strjoinv(sep, comps);
	comps[k + 1] = saved;
	fi = g_hash_table_lookup(by_name, *path_out);
	return fi;
}

static gint
cmp_tree(gconstpointer pa, gconstpointer pb, gpointer data)
{
	const struct folder_info *a = *(const struct folder_info *const *)pa;
	const struct folder_info *b = *(const struct folder_info *const *)pb;
	GHashTable *by_name = data;
	g_auto(GStrv) ca = components(a);
	g_auto(GStrv) cb = components(b);
	int r = 0;

	for (int k = 0;; k++) {
		g_autofree char *path_a = NULL, *path_b = NULL;
		const struct folder_info *fa, *fb;
		int ra, rb;

		if (ca[k] == NULL || cb[k] == NULL) {
			r = ca[k] == NULL ? (cb[k] == NULL ? 0 : -1) : 1;
			break;
		}
		if (strcmp(ca[k], cb[k]) == 0)
			continue;
		fa = ancestor(by_name, ca, k, a->delim, &path_a);
		fb = ancestor(by_name, cb, k, b->delim, &path_b);
		ra = rank(fa, path_a, k == 0);
		rb = rank(fb, path_b, k == 0);
		if (ra != rb) {
			r = ra < rb ? -1 : 1;
			break;
		}
		r = g_utf8_collate(ca[k], cb[k]);
		if (r == 0)
			r = strcmp(ca[k], cb[k]);
		break;
	}
	if (r == 0)
		r = strcmp(a->server_name, b->server_name);
	return r;
}

GPtrArray *
sidebar_order(const GPtrArray *folders)
{
	GPtrArray *out = g_ptr_array_new();
	GHashTable *by_name = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; folders != NULL && i < folders->len; i++) {
		struct folder_info *fi = folders->pdata[i];

		g_ptr_array_add(out, fi);
		g_hash_table_insert(by_name, fi->name, fi);
	}
	g_ptr_array_sort_with_data(out, cmp_tree, by_name);
	g_hash_table_destroy(by_name);
	return out;
}

void
sidebar_init(struct core *core)
{
	sb.core = core;
}

void
sidebar_end(void)
{
	g_clear_pointer(&sb.cursor, g_free);
	g_clear_pointer(&sb.synced_open, g_free);
	sb.core = NULL;
	sb.asked = NULL;
	sb.top = 0;
}

int
sidebar_columns(const char *context, int cols)
{
	const struct optset *opts;
	int w;

	if (sb.core == NULL)
		return 0;
	opts = sb.core->cfg->global;
	if (!opt_bool(opts, "sidebar_visible") ||
	    (strcmp(context, "index") != 0 && strcmp(context, "pager") != 0))
		return 0;
	/* The view keeps at least half the screen. */
	w = (int)MIN(opt_number(opts, "sidebar_width"), (long)(cols / 2));
	return w >= 4 ? w : 0;
}

/* The account the sidebar shows, or NULL. */
static struct account *
shown_account(void)
{
	return sb.core != NULL ? core_current_account(sb.core) : NULL;
}

/* The open folder's name, when it is of acc. */
static const char *
open_name(struct account *acc)
{
	struct folder *f = sb.core->folder;

	return f != NULL && f->acc == acc ? f->name : NULL;
}

/* Index in order of the folder name names, or -1. */
static int
find(GPtrArray *order, const char *name)
{
	if (name == NULL)
		return -1;
	for (guint i = 0; i < order->len; i++)
		if (sidebar_folder_is(order->pdata[i], name))
			return (int)i;
	return -1;
}

/* The cursor follows the folder that was opened, however it was. */
static void
sync_cursor(struct account *acc)
{
	const char *open = open_name(acc);

	if (open == NULL ||
	    (sb.synced_open != NULL && strcmp(sb.synced_open, open) == 0))
		return;
	g_free(sb.synced_open);
	sb.synced_open = g_strdup(open);
	g_free(sb.cursor);
	sb.cursor = g_strdup(open);
}

void
sidebar_draw(int top, int rows, int cols)
{
	struct account *acc = shown_account();
	g_autoptr(GPtrArray) order = NULL;
	int n, cur, open;

	if (cols < 2 || rows <= 0)
		return;
	for (int i = 0; i < rows; i++)
		ui_put_at(top + i, cols - 1, "|", 1, 0);
	if (acc == NULL)
		return;
	if (acc->folders == NULL) {
		if (!acc->listing && sb.asked != acc && acc->worker != NULL) {
			sb.asked = acc;
			core_list_folders(sb.core, acc);
		}
		ui_put_at(top, 0, acc->listing ? "(listing...)" : "", cols - 2,
		    0);
		return;
	}
	sb.asked = acc;
	sync_cursor(acc);
	order = sidebar_order(acc->folders);
	n = (int)order->len;
	cur = find(order, sb.cursor);
	open = find(order, open_name(acc));
	if (cur >= 0) {
		if (cur < sb.top)
			sb.top = cur;
		if (cur >= sb.top + rows)
			sb.top = cur - rows + 1;
	}
	sb.top = CLAMP(sb.top, 0, MAX(n - rows, 0));
	/* A blank column, then the divider, after the lines. */
	for (int i = 0; i < rows && sb.top + i < n; i++) {
		int idx = sb.top + i;
		g_autofree char *line =
		    sidebar_line(order->pdata[idx], cols - 2);
		unsigned attrs = 0;

		if (idx == open)
			attrs |= UI_ATTR_REVERSE;
		if (idx == cur && cur != open)
			attrs |= UI_ATTR_UNDERLINE;
		ui_put_at(top + i, 0, line, cols - 2, attrs);
	}
}

void
sidebar_refresh(void)
{
	struct account *acc = shown_account();

	if (acc == NULL || acc->worker == NULL ||
	    !opt_bool(sb.core->cfg->global, "sidebar_visible"))
		return;
	sb.asked = acc;
	core_list_folders(sb.core, acc);
}

bool
sidebar_step(int delta)
{
	struct account *acc = shown_account();
	g_autoptr(GPtrArray) order = NULL;
	int i, step = delta < 0 ? -1 : 1, left = ABS(delta);

	if (acc == NULL || acc->folders == NULL)
		return false;
	sync_cursor(acc);
	order = sidebar_order(acc->folders);
	i = find(order, sb.cursor);
	if (i < 0)
		i = find(order, open_name(acc));
	if (i < 0)
		i = step > 0 ? -1 : (int)order->len;
	for (int j = i + step; left > 0 && j >= 0 && j < (int)order->len;
	     j += step) {
		const struct folder_info *fi = order->pdata[j];

		if (fi->flags & FOLDER_NOSELECT)
			continue;
		i = j;
		left--;
	}
	if (left == ABS(delta))
		return false;
	g_free(sb.cursor);
	sb.cursor = g_strdup(
	    ((const struct folder_info *)order->pdata[i])->server_name);
	ui_mark_dirty();
	return true;
}

const char *
sidebar_selected(void)
{
	struct account *acc = shown_account();

	if (acc == NULL || acc->folders == NULL)
		return NULL;
	sync_cursor(acc);
	for (guint i = 0; i < acc->folders->len; i++) {
		const struct folder_info *fi = acc->folders->pdata[i];

		if (sb.cursor != NULL && sidebar_folder_is(fi, sb.cursor))
			return fi->flags & FOLDER_NOSELECT ? NULL
							   : fi->server_name;
	}
	return NULL;
}

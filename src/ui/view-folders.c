/* SPDX-License-Identifier: ISC */
/*
 * The folder list: every IMAP account as a heading, then each of its
 * folders with its unread and total counts, names decoded from modified
 * UTF-7 and indented by hierarchy.
 */
#include "config.h"

#include "backend/types.h"
#include "core/core.h"
#include "ui/ui.h"
#include "ui/view-folders.h"

static unsigned
folders_count(struct view *v)
{
	return core_browser_count(v->data);
}

static bool
folders_ready(struct view *v)
{
	struct core *core = v->data;

	for (guint i = 0; i < core->accounts->len; i++) {
		const struct account *acc = core->accounts->pdata[i];

		if (acc->listing)
			return false;
	}
	return true;
}

/* An account's heading: its name, then where its listing is. */
static char *
account_line(const struct account *acc)
{
	int64_t unseen, total;

	if (acc->listing && acc->folders == NULL)
		return g_strdup_printf("%s (listing...)", acc->name);
	if (acc->state == ACCOUNT_FAILED && acc->error != NULL)
		return g_strdup_printf("%s (%s)", acc->name, acc->error);
	if (!account_counts(acc, &unseen, &total))
		return g_strdup_printf("%s (%s)", acc->name,
		    acc->state == ACCOUNT_CONNECTING ? "connecting..."
						     : "not listed");
	return g_strdup_printf("%s (%u %sfolders, %" G_GINT64_FORMAT
			       " unread)%s",
	    acc->name, acc->folders->len,
	    acc->subscribed_only ? "subscribed " : "", unseen,
	    acc->listing ? " (listing...)" : "");
}

/* The folder's line: counts, then the name indented by its depth. */
static char *
folder_line(const struct folder_info *fi)
{
	g_autofree char *counts = NULL;
	const char *leaf = fi->name;
	int depth = 0;

	if (fi->flags & FOLDER_NOSELECT)
		counts = g_strdup("");
	else if (fi->total < 0)
		counts = g_strdup("?");
	else if (fi->unseen > 0)
		counts =
		    g_strdup_printf("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
			fi->unseen, fi->total);
	else
		counts = g_strdup_printf("%" G_GINT64_FORMAT, fi->total);
	if (fi->delim != '\0') {
		for (const char *p = fi->name; *p != '\0'; p++) {
			if (*p == fi->delim) {
				depth++;
				leaf = p + 1;
			}
		}
	}
	return g_strdup_printf("%c %9s  %*s%s%s", fi->unseen > 0 ? 'N' : ' ',
	    counts, MIN(depth, 10) * 2, "", leaf,
	    fi->flags & FOLDER_HAS_CHILDREN && fi->delim != '\0'
		? (char[]){ fi->delim, '\0' }
		: "");
}

static void
folders_draw(struct view *v, int top, int rows, int cols)
{
	unsigned n = folders_count(v);

	view_set_title(v,
	    folders_ready(v) ? "folders" : "folders (listing...)");
	view_fit(v, rows);
	for (int i = 0; i < rows && v->top + i < (int)n; i++) {
		struct account *acc;
		const struct folder_info *fi;
		g_autofree char *line = NULL;

		if (!core_browser_line(v->data, v->top + i, &acc, &fi))
			break;
		line = fi != NULL ? folder_line(fi) : account_line(acc);
		/* Folder names and server errors are server data:
		 * ui_put_text sanitises them. */
		ui_put_text(top + i, line, cols, v->top + i == v->cursor);
	}
}

static const struct view_ops folders_ops = {
	.draw = folders_draw,
	.count = folders_count,
	.ready = folders_ready,
};

struct view *
view_folders_new(struct core *core)
{
	struct view *v =
	    view_new_with_ops(&folders_ops, "folders", "folders", true);

	v->data = core;
	return v;
}

const char *
view_folders_selected(struct view *v, struct account **acc)
{
	const struct folder_info *fi;

	if (v->cursor < 0 ||
	    !core_browser_line(v->data, (unsigned)v->cursor, acc, &fi))
		return NULL;
	/* A heading opens the account's first folder. */
	if (fi == NULL)
		return account_first_folder(*acc);
	return fi->flags & FOLDER_NOSELECT ? NULL : fi->server_name;
}

void
view_folders_show(struct view *v, const struct account *acc)
{
	for (unsigned i = 0, n = core_browser_count(v->data); i < n; i++) {
		struct account *a;
		const struct folder_info *fi;

		if (core_browser_line(v->data, i, &a, &fi) && a == acc &&
		    fi == NULL) {
			v->cursor = (int)i;
			v->top = (int)i;
			return;
		}
	}
}

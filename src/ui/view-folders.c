/* SPDX-License-Identifier: ISC */
/*
 * The folder list: every folder of the account with its unread and total
 * counts, names decoded from modified UTF-7 and indented by hierarchy.
 */
#include "config.h"

#include "backend/types.h"
#include "core/core.h"
#include "ui/ui.h"
#include "ui/view-folders.h"

static unsigned
folders_count(struct view *v)
{
	struct account *acc = v->data;

	return acc->folders != NULL ? acc->folders->len : 0;
}

static bool
folders_ready(struct view *v)
{
	struct account *acc = v->data;

	return !acc->listing;
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
	struct account *acc = v->data;
	g_autofree char *title = g_strdup_printf("folders of %s%s", acc->name,
	    acc->listing ? " (listing...)" : "");
	unsigned n = folders_count(v);

	view_set_title(v, title);
	view_fit(v, rows);
	for (int i = 0; i < rows && v->top + i < (int)n; i++) {
		const struct folder_info *fi = acc->folders->pdata[v->top + i];
		g_autofree char *line = folder_line(fi);

		/* Folder names are server data: ui_put_text sanitises them. */
		ui_put_text(top + i, line, cols, v->top + i == v->cursor);
	}
}

static const struct view_ops folders_ops = {
	.draw = folders_draw,
	.count = folders_count,
	.ready = folders_ready,
};

struct view *
view_folders_new(struct account *acc)
{
	struct view *v =
	    view_new_with_ops(&folders_ops, "folders", "folders", true);

	v->data = acc;
	return v;
}

const char *
view_folders_selected(struct view *v)
{
	struct account *acc = v->data;
	const struct folder_info *fi;

	if (acc->folders == NULL || v->cursor >= (int)acc->folders->len)
		return NULL;
	fi = acc->folders->pdata[v->cursor];
	return fi->flags & FOLDER_NOSELECT ? NULL : fi->server_name;
}

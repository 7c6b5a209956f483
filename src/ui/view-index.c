/* SPDX-License-Identifier: ISC */
/*
 * The message index: one line per row of the open folder, formatted by
 * index_format. Drawing asks the folder for the envelopes of the rows on
 * the screen, so only what is seen is ever fetched.
 */
#include "config.h"

#include "config/config.h"
#include "config/options.h"
#include "core/core.h"
#include "core/folder.h"
#include "core/sort.h"
#include "ui/index-format.h"
#include "ui/ui.h"
#include "ui/view-index.h"

static struct folder *
folder_of(struct view *v)
{
	return ((struct core *)v->data)->folder;
}

static unsigned
index_count(struct view *v)
{
	struct folder *f = folder_of(v);

	return f != NULL ? folder_count(f) : 0;
}

static bool
index_ready(struct view *v)
{
	struct folder *f = folder_of(v);

	if (f == NULL || f->load == FOLDER_FAILED)
		return true;
	if (f->load != FOLDER_OPEN)
		return false;
	for (int i = v->top; i < v->top + v->rows && i < (int)folder_count(f);
	     i++) {
		if (folder_row(f, i)->env == NULL)
			return false;
	}
	return true;
}

/* "folder [Msgs:20/10000, headers 300]": shown of all with a limit. */
static char *
open_title(const struct folder *f, const char *shown)
{
	g_autofree char *msgs = f->limit != NULL
	    ? g_strdup_printf("%u/%u", folder_count(f), f->rows->len)
	    : g_strdup_printf("%u", folder_count(f));

	if (f->fetched < f->rows->len)
		return g_strdup_printf("%s [Msgs:%s, headers %u]", shown, msgs,
		    f->fetched);
	return g_strdup_printf("%s [Msgs:%s]", shown, msgs);
}

/* KiB as the status line shows them: 512K, 12M, 1.5G. */
static char *
quota_size(uint64_t kib)
{
	if (kib >= 1024 * 1024)
		return g_strdup_printf("%.1fG", (double)kib / (1024 * 1024));
	if (kib >= 1024)
		return g_strdup_printf("%" G_GUINT64_FORMAT "M",
		    (kib + 512) / 1024);
	return g_strdup_printf("%" G_GUINT64_FORMAT "K", kib);
}

/*
 * The folder's quota after the status line's title, "quota 12M/100M
 * (12%)", in the warning colour past 90%.
 */
static void
quota_status(struct view *v, const struct folder *f)
{
	g_autofree char *used = NULL, *limit = NULL, *text = NULL;
	uint64_t percent;

	if (!f->quota_known || f->quota_limit == 0) {
		view_set_title_alert(v, NULL, false);
		return;
	}
	used = quota_size(f->quota_used);
	limit = quota_size(f->quota_limit);
	percent = f->quota_used * 100 / f->quota_limit;
	text = g_strdup_printf("quota %s/%s (%" G_GUINT64_FORMAT "%%)", used,
	    limit, percent);
	view_set_title_alert(v, text, f->quota_used * 10 > f->quota_limit * 9);
}

static void
index_draw(struct view *v, int top, int rows, int cols)
{
	struct core *core = v->data;
	struct folder *f = core->folder;
	const char *fmt = opt_string(core->cfg->global, "index_format");
	g_autofree char *title = NULL, *shown = NULL;

	v->rows = rows;
	if (f == NULL) {
		view_set_title(v, "no folder");
		return;
	}
	/* With several accounts, the status line names the folder's, as
	 * `c` takes it: "work/INBOX". */
	shown = core->accounts->len > 1
	    ? g_strdup_printf("%s/%s", f->acc->name, f->display)
	    : g_strdup(f->display);
	switch (f->load) {
	case FOLDER_OPENING:
		title = g_strdup_printf("%s (opening...)", shown);
		break;
	case FOLDER_FAILED:
		title = g_strdup_printf("%s (not open)", shown);
		ui_put_line(top, f->error != NULL ? f->error : "", cols, false);
		break;
	case FOLDER_OPEN:
		title = open_title(f, shown);
		break;
	}
	if (f->load == FOLDER_OPEN) {
		/* The order, as mutt's status line shows it. */
		struct sort_spec spec = { f->sort, f->reverse };
		g_autofree char *name = sort_name(&spec);
		char *with = g_strdup_printf("%s (%s)", title, name);

		g_free(title);
		title = with;
		/* The limit pattern, as mutt's %V. */
		if (f->limit_pattern != NULL) {
			with = g_strdup_printf("%s (limit: %s)", title,
			    f->limit_pattern);
			g_free(title);
			title = with;
		}
	}
	quota_status(v, f);
	view_set_title(v, title);
	if (f->load != FOLDER_OPEN)
		return;
	/* After a new order, the cursor follows its message. */
	if (f->cursor_hint >= 0) {
		v->cursor = f->cursor_hint;
		f->cursor_hint = -1;
	}
	if (v->cursor >= (int)folder_count(f))
		v->cursor = folder_count(f) > 0 ? (int)folder_count(f) - 1 : 0;
	/* Keep the cursor on the screen after the rows arrived. */
	view_fit(v, rows);
	f->cursor_uid = v->cursor < (int)folder_count(f)
	    ? folder_row(f, (unsigned)v->cursor)->uid
	    : 0;
	folder_want_rows(f, v->top, rows);
	for (int i = 0; i < rows; i++) {
		unsigned idx = v->top + i;
		const struct msg_row *row;
		g_autofree char *line = NULL, *tree = NULL;

		if (idx >= folder_count(f))
			break;
		row = folder_row(f, idx);
		if (f->tree != NULL && row->node != THREAD_NONE)
			tree = index_tree_prefix((const struct thread_node *)
						     f->tree->data,
			    f->tree_next, row->node);
		line = index_format_row_full(fmt != NULL ? fmt : "", idx + 1,
		    row->uid, row->env, tree, row->tagged);
		ui_put_line(top + i, line, cols, (int)idx == v->cursor);
	}
}

static const struct view_ops index_ops = {
	.draw = index_draw,
	.count = index_count,
	.ready = index_ready,
};

struct view *
view_index_new(struct core *core)
{
	struct view *v = view_new_with_ops(&index_ops, "index", "index", true);

	v->data = core;
	return v;
}

/* SPDX-License-Identifier: ISC */
/*
 * The pager: the shown headers, a blank line and the text of the message,
 * wrapped to the screen's width (never cutting a wide character), with
 * quoted lines in their own colour. Lines are rebuilt when the message or
 * the width changes.
 */
#include "config.h"

#include <string.h>

#include "backend/types.h"
#include "core/core.h"
#include "core/folder.h"
#include "ui/text.h"
#include "ui/ui.h"
#include "ui/view-pager.h"

struct pager {
	struct core *core;
	const struct message_text *built; /* what lines were made from */
	int built_cols;
	GArray *quoted; /* gboolean per line: draw as quoted text */
};

/* Expand tabs to 8-column stops, so sanitising keeps the layout. */
static char *
expand_tabs(const char *line)
{
	GString *out = g_string_new(NULL);
	int col = 0;

	for (const char *p = line; *p != '\0'; p = g_utf8_next_char(p)) {
		if (*p == '\t') {
			do {
				g_string_append_c(out, ' ');
				col++;
			} while (col % 8 != 0);
			continue;
		}
		g_string_append_len(out, p, g_utf8_next_char(p) - p);
		col++;
	}
	return g_string_free(out, FALSE);
}

/* Add one logical line, wrapped to cols. */
static void
add_wrapped(struct view *v, struct pager *pg, const char *raw, int cols,
    bool quoted)
{
	g_autofree char *tabs = expand_tabs(raw);
	g_autofree char *safe = text_sanitize(tabs, -1);
	const char *p = safe;

	do {
		g_autofree char *piece = text_fit(p, MAX(cols, 1), false);
		gboolean q = quoted;

		/* A character wider than the screen still moves on. */
		if (*piece == '\0' && *p != '\0') {
			g_free(piece);
			piece = g_strndup(p, g_utf8_next_char(p) - p);
		}
		g_ptr_array_add(v->lines, g_strdup(piece));
		g_array_append_val(pg->quoted, q);
		p += strlen(piece);
	} while (*p != '\0');
}

static void
add_text(struct view *v, struct pager *pg, const char *text, int cols,
    bool headers)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	for (size_t i = 0; lines[i] != NULL; i++) {
		/* A text ending in a newline has no last empty line. */
		if (lines[i + 1] == NULL && lines[i][0] == '\0')
			break;
		add_wrapped(v, pg, lines[i], cols,
		    !headers && lines[i][0] == '>');
	}
}

static void
rebuild(struct view *v, struct pager *pg, const struct folder *f, int cols)
{
	g_ptr_array_set_size(v->lines, 0);
	g_array_set_size(pg->quoted, 0);
	pg->built = f->message;
	pg->built_cols = cols;
	v->top = 0;
	add_text(v, pg, f->message->headers, cols, true);
	add_wrapped(v, pg, "", cols, false);
	if (f->message->shown_type == NULL) {
		add_wrapped(v, pg, "[this message has no text part]", cols,
		    false);
	} else {
		if (strcmp(f->message->shown_type, "text/plain") != 0) {
			g_autofree char *note =
			    g_strdup_printf("[%s shown as text]",
				f->message->shown_type);

			add_wrapped(v, pg, note, cols, false);
		}
		add_text(v, pg, f->message->body, cols, false);
	}
	for (guint i = 0; i < f->message->parts->len; i++) {
		const struct part_info *pi = f->message->parts->pdata[i];
		g_autofree char *line = NULL;

		if (pi->name == NULL)
			continue;
		line =
		    g_strdup_printf("[-- attachment %s: %s (%s, %u bytes) --]",
			pi->section, pi->name, pi->type, pi->size);
		if (i == 0 || v->lines->len == 0)
			add_wrapped(v, pg, "", cols, false);
		add_wrapped(v, pg, line, cols, false);
	}
}

static void
pager_draw(struct view *v, int top, int rows, int cols)
{
	struct pager *pg = v->data;
	struct folder *f = pg->core->folder;

	v->rows = rows;
	if (f == NULL)
		return;
	if (f->message_load == FOLDER_OPENING) {
		view_set_title(v, "pager (fetching the message...)");
		return;
	}
	if (f->message_load == FOLDER_FAILED) {
		view_set_title(v, "pager");
		ui_put_line(top,
		    f->message_error != NULL ? f->message_error : "", cols,
		    false);
		return;
	}
	if (f->message == NULL)
		return;
	if (pg->built != f->message || pg->built_cols != cols)
		rebuild(v, pg, f, cols);
	{
		int total = (int)v->lines->len;
		int pct = total <= rows
		    ? 100
		    : MIN(100, (v->top + rows) * 100 / total);
		g_autofree char *title =
		    g_strdup_printf("%s: message %u (%d%%)", f->display,
			f->message->uid, pct);

		view_set_title(v, title);
	}
	v->top = CLAMP(v->top, 0, MAX((int)v->lines->len - rows, 0));
	for (int i = 0; i < rows; i++) {
		int idx = v->top + i;

		if (idx >= (int)v->lines->len)
			break;
		ui_put_styled(top + i, v->lines->pdata[idx], cols,
		    g_array_index(pg->quoted, gboolean, idx) ? UI_STYLE_QUOTED
							     : UI_STYLE_NORMAL);
	}
}

static bool
pager_ready(struct view *v)
{
	struct pager *pg = v->data;
	struct folder *f = pg->core->folder;

	return f == NULL || f->message_load != FOLDER_OPENING;
}

static void
pager_free(struct view *v)
{
	struct pager *pg = v->data;

	g_array_free(pg->quoted, TRUE);
	g_free(pg);
}

static const struct view_ops pager_ops = {
	.draw = pager_draw,
	.free = pager_free,
	.ready = pager_ready,
};

struct view *
view_pager_new(struct core *core)
{
	struct view *v = view_new_with_ops(&pager_ops, "pager", "pager", false);
	struct pager *pg = g_new0(struct pager, 1);

	pg->core = core;
	pg->quoted = g_array_new(FALSE, FALSE, sizeof(gboolean));
	v->data = pg;
	return v;
}

/* SPDX-License-Identifier: ISC */
/*
 * The pager: the header fields chosen by ignore, unignore and hdr_order, a
 * blank line and the text of the message, wrapped to the screen's width
 * (never cutting a wide character), with quoted lines in a colour per
 * level, and search over the displayed lines with the matches marked.
 * Lines are rebuilt when the message or the width changes.
 */
#include "config.h"

#include <string.h>

#include "backend/types.h"
#include "config/config.h"
#include "core/core.h"
#include "core/folder.h"
#include "ui/pager-text.h"
#include "ui/text.h"
#include "ui/ui.h"
#include "ui/view-pager.h"

struct pager {
	struct core *core;
	const struct message_text *built; /* what lines were made from */
	uint32_t built_uid;
	int built_cols;
	unsigned built_serial; /* the config's headers_serial then */
	GArray *quoted;	       /* guint8 per line: its quoting level, 0: none */
	GRegex *search;	       /* the last search, or NULL */
	char *pattern;	       /* its text */
	int match;	       /* the line of the last match, or -1 */
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
    unsigned quoted)
{
	g_autofree char *tabs = expand_tabs(raw);
	g_autofree char *safe = text_sanitize(tabs, -1);
	const char *p = safe;

	do {
		g_autofree char *piece = text_fit(p, MAX(cols, 1), false);
		guint8 q = (guint8)MIN(quoted, 255);

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
		    headers ? 0 : pager_quote_level(lines[i]));
	}
}

static void
rebuild(struct view *v, struct pager *pg, const struct folder *f, int cols)
{
	const struct config *cfg = pg->core->cfg;
	g_autofree char *headers = pager_headers_filter(f->message->headers,
	    cfg->ignore, cfg->unignore, cfg->hdr_order);

	g_ptr_array_set_size(v->lines, 0);
	g_array_set_size(pg->quoted, 0);
	/* A new width or header choice keeps the place roughly; a new
	 * message starts on top. */
	if (pg->built != f->message || pg->built_uid != f->message->uid)
		v->top = 0;
	pg->built = f->message;
	pg->built_uid = f->message->uid;
	pg->built_cols = cols;
	pg->built_serial = cfg->headers_serial;
	pg->match = -1;
	add_text(v, pg, headers, cols, true);
	add_wrapped(v, pg, "", cols, 0);
	if (f->message->shown_type == NULL) {
		add_wrapped(v, pg, "[this message has no text part]", cols, 0);
	} else {
		if (strcmp(f->message->shown_type, "text/plain") != 0) {
			g_autofree char *note =
			    g_strdup_printf("[%s shown as text]",
				f->message->shown_type);

			add_wrapped(v, pg, note, cols, 0);
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
			add_wrapped(v, pg, "", cols, 0);
		add_wrapped(v, pg, line, cols, 0);
	}
}

static enum ui_style
quote_style(unsigned level)
{
	static const enum ui_style styles[] = { UI_STYLE_QUOTED,
		UI_STYLE_QUOTED2, UI_STYLE_QUOTED3, UI_STYLE_QUOTED4 };

	if (level == 0)
		return UI_STYLE_NORMAL;
	return styles[(level - 1) % G_N_ELEMENTS(styles)];
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
	if (pg->built != f->message || pg->built_uid != f->message->uid ||
	    pg->built_cols != cols ||
	    pg->built_serial != pg->core->cfg->headers_serial)
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
		g_autoptr(GArray) spans = pg->search != NULL
		    ? pager_search_spans(pg->search, v->lines->pdata[idx])
		    : NULL;

		ui_put_marked(top + i, v->lines->pdata[idx], cols,
		    quote_style(g_array_index(pg->quoted, guint8, idx)), spans);
	}
}

/* Go to the next match below the last one (or below the top line). */
static void
search_next(struct view *v, struct pager *pg)
{
	int from = pg->match >= v->top && pg->match < v->top + v->rows
	    ? pg->match
	    : v->top;
	bool wrapped;
	int at;

	at = pager_search_next(v->lines, pg->search, from, &wrapped);
	if (at < 0) {
		ui_error("not found: %s", pg->pattern);
		return;
	}
	if (wrapped)
		ui_message("search wrapped to the top");
	pg->match = at;
	v->top = at;
	ui_mark_dirty();
}

bool
view_pager_search(struct view *v, const char *pattern)
{
	struct pager *pg = v->data;
	g_autoptr(GError) error = NULL;
	GRegex *re = pager_search_compile(pattern, &error);

	if (re == NULL) {
		ui_error("bad search pattern: %s", error->message);
		return false;
	}
	if (pg->search != NULL)
		g_regex_unref(pg->search);
	pg->search = re;
	g_free(pg->pattern);
	pg->pattern = g_strdup(pattern);
	search_next(v, pg);
	return true;
}

bool
view_pager_search_next(struct view *v)
{
	struct pager *pg = v->data;

	if (pg->search == NULL)
		return false;
	search_next(v, pg);
	return true;
}

const char *
view_pager_last_search(struct view *v)
{
	struct pager *pg = v->data;

	return pg->pattern;
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
	if (pg->search != NULL)
		g_regex_unref(pg->search);
	g_free(pg->pattern);
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
	pg->quoted = g_array_new(FALSE, FALSE, sizeof(guint8));
	pg->match = -1;
	v->data = pg;
	return v;
}

/* SPDX-License-Identifier: ISC */
/* The compose screen: the draft's header fields and its list of parts. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include "mime/compose.h"
#include "ui/ui.h"
#include "ui/view-compose.h"

struct compose_view {
	struct draft **draft;
	void (*release)(void *owner);
	void *owner;
};

static struct compose_view *
state_of(struct view *v)
{
	return v->data;
}

static unsigned
compose_count(struct view *v)
{
	struct compose_view *cv = state_of(v);
	const struct draft *d = cv != NULL ? *cv->draft : NULL;

	if (d == NULL)
		return 0;
	return 1 + (d->attachments != NULL ? d->attachments->len : 0);
}

static char *
size_text(goffset n)
{
	if (n < 0)
		return g_strdup("?");
	if (n < 1024)
		return g_strdup_printf("%" G_GINT64_FORMAT, (gint64)n);
	if (n < 10 * 1024 * 1024)
		return g_strdup_printf("%.1fK", (double)n / 1024);
	return g_strdup_printf("%.1fM", (double)n / (1024 * 1024));
}

static void
put_field(int y, const char *name, const char *value, int cols)
{
	g_autofree char *line =
	    g_strdup_printf("%9s %s", name, value != NULL ? value : "");

	ui_put_text(y, line, cols, false);
}

static void
compose_draw(struct view *v, int top, int rows, int cols)
{
	struct compose_view *cv = state_of(v);
	const struct draft *d = cv != NULL ? *cv->draft : NULL;
	const char *names[] = { "From:", "To:", "Cc:", "Bcc:", "Subject:",
		"Reply-To:" };
	const char *values[6];
	int list_rows = rows - VIEW_COMPOSE_HEADER_ROWS;
	unsigned n = compose_count(v);

	if (d == NULL)
		return;
	values[0] = d->from;
	values[1] = d->to;
	values[2] = d->cc;
	values[3] = d->bcc;
	values[4] = d->subject;
	values[5] = d->reply_to;
	for (int i = 0; i < 6 && i < rows; i++)
		put_field(top + i, names[i], values[i], cols);
	if (rows > 6)
		ui_put_line(top + 6, "", cols, false);
	if (rows > 7)
		ui_put_line(top + 7, "-- Attachments", cols, false);
	if (list_rows <= 0)
		return;
	view_fit(v, list_rows);
	for (int i = 0; i < list_rows; i++) {
		int k = v->top + i;
		g_autofree char *line = NULL, *size = NULL;

		if (k >= (int)n) {
			ui_put_line(top + VIEW_COMPOSE_HEADER_ROWS + i, "",
			    cols, false);
			continue;
		}
		if (k == 0) {
			size = size_text(
			    d->body != NULL ? (goffset)strlen(d->body) : 0);
			line = g_strdup_printf("%c %2d [text/plain%s, %s] "
					       "(the message text)",
			    k == v->cursor ? '>' : ' ', 1,
			    d->flowed ? "; format=flowed" : "", size);
		} else {
			const struct draft_attachment *at =
			    d->attachments->pdata[k - 1];
			struct stat st;
			g_autofree char *base = g_path_get_basename(at->path);

			size = size_text(stat(at->path, &st) == 0
				? (goffset)st.st_size
				: -1);
			line = g_strdup_printf("%c %2d %s [%s, %s]%s%s",
			    k == v->cursor ? '>' : ' ', k + 1,
			    at->name != NULL ? at->name : base,
			    at->content_type != NULL ? at->content_type
						     : "type from name",
			    size, at->description != NULL ? "  " : "",
			    at->description != NULL ? at->description : "");
		}
		ui_put_text(top + VIEW_COMPOSE_HEADER_ROWS + i, line, cols,
		    k == v->cursor);
	}
}

static void
compose_free(struct view *v)
{
	struct compose_view *cv = state_of(v);

	if (cv == NULL)
		return;
	v->data = NULL;
	if (cv->release != NULL)
		cv->release(cv->owner);
	g_free(cv);
}

static const struct view_ops compose_ops = {
	.draw = compose_draw,
	.free = compose_free,
	.count = compose_count,
};

struct view *
view_compose_new(struct draft **draft, void (*release)(void *owner),
    void *owner)
{
	struct view *v =
	    view_new_with_ops(&compose_ops, "compose", "compose", true);
	struct compose_view *cv = g_new0(struct compose_view, 1);

	cv->draft = draft;
	cv->release = release;
	cv->owner = owner;
	v->data = cv;
	return v;
}

void *
view_compose_owner(struct view *v)
{
	struct compose_view *cv =
	    v != NULL && strcmp(v->context, "compose") == 0 ? v->data : NULL;

	return cv != NULL ? cv->owner : NULL;
}

/* SPDX-License-Identifier: ISC */
/*
 * The attachment list (mutt's v): every part of the shown message with
 * its section, type, size and file name, names being untrusted text.
 */
#include "config.h"

#include "backend/types.h"
#include "core/core.h"
#include "core/folder.h"
#include "ui/ui.h"
#include "ui/view-attach.h"

static const struct message_text *
message_of(struct view *v)
{
	struct core *core = v->data;

	if (core->folder == NULL || core->folder->message_load != FOLDER_OPEN)
		return NULL;
	return core->folder->message;
}

static unsigned
attach_count(struct view *v)
{
	const struct message_text *mt = message_of(v);

	return mt != NULL ? mt->parts->len : 0;
}

static bool
attach_ready(struct view *v)
{
	struct core *core = v->data;

	return core->folder == NULL ||
	    core->folder->message_load != FOLDER_OPENING;
}

static char *
size_text(uint32_t n)
{
	if (n < 10240)
		return g_strdup_printf("%u", n);
	if (n < 10 * 1024 * 1024)
		return g_strdup_printf("%uK", (n + 512) / 1024);
	return g_strdup_printf("%uM", (n + 512 * 1024) / (1024 * 1024));
}

static void
attach_draw(struct view *v, int top, int rows, int cols)
{
	const struct message_text *mt = message_of(v);
	unsigned n = attach_count(v);

	view_set_title(v,
	    mt != NULL ? "attachments" : "attachments (fetching...)");
	view_fit(v, rows);
	for (int i = 0; i < rows && v->top + i < (int)n; i++) {
		const struct part_info *pi = mt->parts->pdata[v->top + i];
		g_autofree char *size = size_text(pi->size);
		g_autofree char *line =
		    g_strdup_printf("%3d %-6s %-28s %6s  %s", v->top + i + 1,
			pi->section, pi->type, size,
			pi->name != NULL ? pi->name : "");

		ui_put_text(top + i, line, cols, v->top + i == v->cursor);
	}
}

static const struct view_ops attach_ops = {
	.draw = attach_draw,
	.count = attach_count,
	.ready = attach_ready,
};

struct view *
view_attach_new(struct core *core)
{
	struct view *v =
	    view_new_with_ops(&attach_ops, "attach", "attachments", true);

	v->data = core;
	return v;
}

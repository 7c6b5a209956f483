/* SPDX-License-Identifier: ISC */
/*
 * The accounts view: one line per account with its kind, its unread and
 * total messages summed over its folder list, where it is and whether it
 * is connected; drawn from the model, so the counts follow each listing.
 */
#include "config.h"

#include "core/core.h"
#include "ui/ui.h"
#include "ui/view-accounts.h"

static unsigned
accounts_count(struct view *v)
{
	struct core *core = v->data;

	return core->accounts->len;
}

/* What the account's connection is doing, for the end of its line. */
static char *
account_state_text(const struct account *acc)
{
	switch (acc->state) {
	case ACCOUNT_IDLE:
		break;
	case ACCOUNT_CONNECTING:
		return g_strdup("connecting...");
	case ACCOUNT_CONNECTED:
		return g_strdup(acc->listing ? "listing..." : "connected");
	case ACCOUNT_FAILED:
		return g_strdup(acc->error != NULL ? acc->error : "failed");
	}
	return g_strdup("");
}

static char *
account_line(const struct account *acc)
{
	g_autofree char *where = account_location(acc);
	g_autofree char *state = account_state_text(acc);
	g_autofree char *counts = NULL;
	int64_t unseen, total;
	bool known = account_counts(acc, &unseen, &total);

	if (!known)
		counts = g_strdup("-");
	else if (unseen > 0)
		counts =
		    g_strdup_printf("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
			unseen, total);
	else
		counts = g_strdup_printf("%" G_GINT64_FORMAT, total);
	return g_strdup_printf("%c %-16s %-8s %11s  %s  %s",
	    known && unseen > 0 ? 'N' : ' ', acc->name, account_kind_name(acc),
	    counts, where, state);
}

static void
accounts_draw(struct view *v, int top, int rows, int cols)
{
	struct core *core = v->data;
	unsigned n = accounts_count(v);

	view_fit(v, rows);
	for (int i = 0; i < rows && v->top + i < (int)n; i++) {
		g_autofree char *line =
		    account_line(core->accounts->pdata[v->top + i]);

		/* Server errors and names from the rc file: sanitised by
		 * ui_put_text. */
		ui_put_text(top + i, line, cols, v->top + i == v->cursor);
	}
}

static const struct view_ops accounts_ops = {
	.draw = accounts_draw,
	.count = accounts_count,
};

struct view *
view_accounts_new(struct core *core)
{
	struct view *v =
	    view_new_with_ops(&accounts_ops, "accounts", "accounts", true);

	v->data = core;
	return v;
}

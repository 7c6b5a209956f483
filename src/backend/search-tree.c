/* SPDX-License-Identifier: ISC */
/*
 * Search trees: making, copying, freeing, and evaluating one on a message
 * a driver describes (the maildir driver's local search).
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "backend/search-tree.h"
#include "backend/types.h"

struct search_node *
search_node_new(enum search_kind kind)
{
	struct search_node *node = g_new0(struct search_node, 1);

	node->kind = kind;
	if (kind == SEARCH_AND || kind == SEARCH_OR || kind == SEARCH_NOT)
		node->children = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)search_node_free);
	return node;
}

struct search_node *
search_node_new_text(enum search_kind kind, const char *text)
{
	struct search_node *node = search_node_new(kind);

	node->text = g_strdup(text);
	return node;
}

void
search_node_add(struct search_node *parent, struct search_node *child)
{
	g_assert(parent->children != NULL);
	g_ptr_array_add(parent->children, child);
}

void
search_node_free(struct search_node *node)
{
	if (node == NULL)
		return;
	g_free(node->name);
	g_free(node->text);
	if (node->uids != NULL)
		g_array_unref(node->uids);
	if (node->children != NULL)
		g_ptr_array_unref(node->children);
	g_free(node);
}

struct search_node *
search_node_copy(const struct search_node *node)
{
	struct search_node *copy;

	if (node == NULL)
		return NULL;
	copy = search_node_new(node->kind);
	copy->name = g_strdup(node->name);
	copy->text = g_strdup(node->text);
	copy->number = node->number;
	copy->set = node->set;
	copy->clear = node->clear;
	if (node->uids != NULL) {
		copy->uids = g_array_sized_new(FALSE, FALSE, sizeof(uint32_t),
		    node->uids->len);
		g_array_append_vals(copy->uids, node->uids->data,
		    node->uids->len);
	}
	for (guint i = 0; node->children != NULL && i < node->children->len;
	     i++)
		search_node_add(copy,
		    search_node_copy(g_ptr_array_index(node->children, i)));
	return copy;
}

bool
search_node_has(const struct search_node *node, enum search_kind kind)
{
	if (node == NULL)
		return false;
	if (node->kind == kind)
		return true;
	for (guint i = 0; node->children != NULL && i < node->children->len;
	     i++)
		if (search_node_has(g_ptr_array_index(node->children, i), kind))
			return true;
	return false;
}

/* Days from 1970-01-01 (H. Hinnant's civil calendar algorithms). */
int64_t
search_day_from_date(int year, int month, int mday)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (month + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + mday - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
search_day_to_date(int64_t day, int *year, int *month, int *mday)
{
	int64_t z = day + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	*year = (int)(yoe + era * 400 + (m <= 2));
	*month = (int)m;
	*mday = (int)d;
}

/* The local day of Unix time t. */
static int64_t
local_day(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return t / 86400;
	return search_day_from_date(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday);
}

/* Whether needle occurs in haystack, in any case. */
static bool
contains(const char *haystack, const char *needle)
{
	g_autofree char *h = NULL, *n = NULL;

	if (haystack == NULL)
		return false;
	if (needle == NULL || *needle == '\0')
		return true;
	h = g_utf8_casefold(haystack, -1);
	n = g_utf8_casefold(needle, -1);
	return strstr(h, n) != NULL;
}

bool
search_eval(const struct search_node *node, const struct search_msg *m)
{
	guint n = node->children != NULL ? node->children->len : 0;

	switch (node->kind) {
	case SEARCH_ALL:
		return true;
	case SEARCH_AND:
		for (guint i = 0; i < n; i++)
			if (!search_eval(g_ptr_array_index(node->children, i),
				m))
				return false;
		return true;
	case SEARCH_OR:
		for (guint i = 0; i < n; i++)
			if (search_eval(g_ptr_array_index(node->children, i),
				m))
				return true;
		return false;
	case SEARCH_NOT:
		return n == 1 &&
		    !search_eval(g_ptr_array_index(node->children, 0), m);
	case SEARCH_FROM:
	case SEARCH_TO:
	case SEARCH_CC:
	case SEARCH_SUBJECT:
	case SEARCH_HEADER:
	case SEARCH_BODY:
	case SEARCH_TEXT:
		return m->text != NULL &&
		    contains(m->text(m->data, node->kind, node->name),
			node->text);
	case SEARCH_SENT_SINCE:
		return m->date != 0 && local_day(m->date) >= node->number;
	case SEARCH_SENT_BEFORE:
		return m->date != 0 && local_day(m->date) < node->number;
	case SEARCH_SENT_ON:
		return m->date != 0 && local_day(m->date) == node->number;
	case SEARCH_SINCE:
		return local_day(m->received) >= node->number;
	case SEARCH_BEFORE:
		return local_day(m->received) < node->number;
	case SEARCH_ON:
		return local_day(m->received) == node->number;
	case SEARCH_FLAGS:
		return (m->flags & node->set) == node->set &&
		    (m->flags & node->clear) == 0;
	case SEARCH_LARGER:
		return (int64_t)m->size > node->number;
	case SEARCH_SMALLER:
		return (int64_t)m->size < node->number;
	case SEARCH_UIDS: {
		guint lo = 0, hi = node->uids != NULL ? node->uids->len : 0;

		/* The set is sorted ascending. */
		while (lo < hi) {
			guint mid = lo + (hi - lo) / 2;
			uint32_t u = g_array_index(node->uids, uint32_t, mid);

			if (u == m->uid)
				return true;
			if (u < m->uid)
				lo = mid + 1;
			else
				hi = mid;
		}
		return false;
	}
	case SEARCH_TAGGED:
		return false;
	}
	return false;
}

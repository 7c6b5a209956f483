/* SPDX-License-Identifier: ISC */
/*
 * Search trees into IMAP SEARCH keys. IMAP's OR takes two keys, so an OR
 * of n children nests (OR a OR b c); an AND of several is a parenthesised
 * list, whose keys the server ANDs.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "backend/imap/imap-search.h"
#include "backend/types.h"
#include "util/error.h"

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* A string argument: quoted, or a literal when it must be. */
static bool
string_arg(const char *s, size_t literal_max, GString *out, bool *utf8,
    GError **err)
{
	bool plain = true;

	for (const unsigned char *c = (const unsigned char *)s; *c != '\0'; c++)
		if (*c < 0x20 || *c >= 0x7f)
			plain = false;
	if (plain) {
		g_string_append_c(out, '"');
		for (const char *c = s; *c != '\0'; c++) {
			if (*c == '"' || *c == '\\')
				g_string_append_c(out, '\\');
			g_string_append_c(out, *c);
		}
		g_string_append_c(out, '"');
		return true;
	}
	if (strlen(s) > literal_max) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
		    literal_max == 0
			? "the server cannot be sent this search text (no "
			  "LITERAL+ for non-ASCII text)"
			: "the server cannot be sent search text this long "
			  "(LITERAL- takes %zu bytes)",
		    literal_max);
		return false;
	}
	for (const unsigned char *c = (const unsigned char *)s; *c != '\0'; c++)
		if (*c >= 0x80)
			*utf8 = true;
	g_string_append_printf(out, "{%zu+}\r\n%s", strlen(s), s);
	return true;
}

static void
date_arg(int64_t day, GString *out)
{
	int y, m, d;

	search_day_to_date(day, &y, &m, &d);
	g_string_append_printf(out, "%d-%s-%d", d, months[m - 1], y);
}

/* A number argument, in IMAP's range (0 .. 2^32-1). */
static void
number_arg(int64_t n, GString *out)
{
	if (n < 0)
		n = 0;
	if (n > UINT32_MAX)
		n = UINT32_MAX;
	g_string_append_printf(out, "%" G_GINT64_FORMAT, n);
}

static int
cmp_uid(gconstpointer a, gconstpointer b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* uids (in any order) as a sequence set "1:3,7". */
static void
uid_set_arg(const GArray *uids, GString *out)
{
	g_autoptr(GArray) sorted =
	    g_array_sized_new(FALSE, FALSE, sizeof(uint32_t), uids->len);
	bool first = true;

	g_array_append_vals(sorted, uids->data, uids->len);
	g_array_sort(sorted, cmp_uid);
	for (guint i = 0; i < sorted->len;) {
		uint32_t lo = g_array_index(sorted, uint32_t, i), hi = lo;

		while (++i < sorted->len &&
		    g_array_index(sorted, uint32_t, i) <= hi + 1)
			hi = g_array_index(sorted, uint32_t, i);
		if (!first)
			g_string_append_c(out, ',');
		first = false;
		if (lo == hi)
			g_string_append_printf(out, "%u", lo);
		else
			g_string_append_printf(out, "%u:%u", lo, hi);
	}
}

static const struct {
	uint32_t flag;
	const char *set, *clear;
} flag_keys[] = {
	{ MSG_SEEN, "SEEN", "UNSEEN" },
	{ MSG_ANSWERED, "ANSWERED", "UNANSWERED" },
	{ MSG_FLAGGED, "FLAGGED", "UNFLAGGED" },
	{ MSG_DELETED, "DELETED", "UNDELETED" },
	{ MSG_DRAFT, "DRAFT", "UNDRAFT" },
	{ MSG_RECENT, "RECENT", "OLD" },
};

static bool keys(const struct search_node *node, size_t literal_max,
    GString *out, bool *utf8, GError **err);

/* OR of children[from..n): binary ORs nested to the right. */
static bool
or_keys(const struct search_node *node, guint from, size_t literal_max,
    GString *out, bool *utf8, GError **err)
{
	guint n = node->children->len;

	if (from + 1 == n)
		return keys(g_ptr_array_index(node->children, from),
		    literal_max, out, utf8, err);
	g_string_append(out, "OR ");
	if (!keys(g_ptr_array_index(node->children, from), literal_max, out,
		utf8, err))
		return false;
	g_string_append_c(out, ' ');
	return or_keys(node, from + 1, literal_max, out, utf8, err);
}

static bool
keys(const struct search_node *node, size_t literal_max, GString *out,
    bool *utf8, GError **err)
{
	const char *word = NULL;
	guint n = node->children != NULL ? node->children->len : 0;

	switch (node->kind) {
	case SEARCH_ALL:
		g_string_append(out, "ALL");
		return true;
	case SEARCH_AND:
		if (n == 0) {
			g_string_append(out, "ALL");
			return true;
		}
		g_string_append_c(out, '(');
		for (guint i = 0; i < n; i++) {
			if (i > 0)
				g_string_append_c(out, ' ');
			if (!keys(g_ptr_array_index(node->children, i),
				literal_max, out, utf8, err))
				return false;
		}
		g_string_append_c(out, ')');
		return true;
	case SEARCH_OR:
		if (n == 0) {
			g_string_append(out, "NOT ALL");
			return true;
		}
		return or_keys(node, 0, literal_max, out, utf8, err);
	case SEARCH_NOT:
		if (n != 1)
			break;
		g_string_append(out, "NOT ");
		return keys(g_ptr_array_index(node->children, 0), literal_max,
		    out, utf8, err);
	case SEARCH_FROM:
		word = "FROM";
		break;
	case SEARCH_TO:
		word = "TO";
		break;
	case SEARCH_CC:
		word = "CC";
		break;
	case SEARCH_SUBJECT:
		word = "SUBJECT";
		break;
	case SEARCH_BODY:
		word = "BODY";
		break;
	case SEARCH_TEXT:
		word = "TEXT";
		break;
	case SEARCH_HEADER:
		g_string_append(out, "HEADER ");
		if (!string_arg(node->name != NULL ? node->name : "",
			literal_max, out, utf8, err))
			return false;
		g_string_append_c(out, ' ');
		return string_arg(node->text != NULL ? node->text : "",
		    literal_max, out, utf8, err);
	case SEARCH_SENT_SINCE:
	case SEARCH_SENT_BEFORE:
	case SEARCH_SENT_ON:
	case SEARCH_SINCE:
	case SEARCH_BEFORE:
	case SEARCH_ON: {
		static const char *const names[] = { "SENTSINCE", "SENTBEFORE",
			"SENTON", "SINCE", "BEFORE", "ON" };

		g_string_append(out, names[node->kind - SEARCH_SENT_SINCE]);
		g_string_append_c(out, ' ');
		date_arg(node->number, out);
		return true;
	}
	case SEARCH_FLAGS: {
		unsigned count = 0;
		gsize start = out->len;

		g_string_append_c(out, '(');
		for (guint i = 0; i < G_N_ELEMENTS(flag_keys); i++) {
			const char *k = (node->set & flag_keys[i].flag)
			    ? flag_keys[i].set
			    : (node->clear & flag_keys[i].flag)
			    ? flag_keys[i].clear
			    : NULL;

			if (k == NULL)
				continue;
			if (count++ > 0)
				g_string_append_c(out, ' ');
			g_string_append(out, k);
		}
		g_string_append_c(out, ')');
		if (count == 0) {
			g_string_truncate(out, start);
			g_string_append(out, "ALL");
		} else if (count == 1) { /* no parentheses for one */
			g_string_erase(out, (gssize)start, 1);
			g_string_truncate(out, out->len - 1);
		}
		return true;
	}
	case SEARCH_LARGER:
	case SEARCH_SMALLER:
		g_string_append(out,
		    node->kind == SEARCH_LARGER ? "LARGER " : "SMALLER ");
		number_arg(node->number, out);
		return true;
	case SEARCH_UIDS:
		if (node->uids == NULL || node->uids->len == 0) {
			g_string_append(out, "NOT ALL");
			return true;
		}
		g_string_append(out, "UID ");
		uid_set_arg(node->uids, out);
		return true;
	case SEARCH_TAGGED:
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
		    "~T is for skua, not the server");
		return false;
	}
	if (word == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "malformed search tree");
		return false;
	}
	g_string_append(out, word);
	g_string_append_c(out, ' ');
	return string_arg(node->text != NULL ? node->text : "", literal_max,
	    out, utf8, err);
}

bool
imap_search_keys(const struct search_node *node, size_t literal_max,
    GString *out, bool *utf8, GError **err)
{
	return keys(node, literal_max, out, utf8, err);
}

char *
imap_search_command(const struct search_node *node, bool esearch,
    size_t literal_max, GError **err)
{
	g_autoptr(GString) k = g_string_new(NULL);
	GString *cmd;
	bool utf8 = false;

	if (!keys(node, literal_max, k, &utf8, err))
		return NULL;
	cmd = g_string_new("UID SEARCH ");
	if (esearch)
		g_string_append(cmd, "RETURN (ALL) ");
	if (utf8)
		g_string_append(cmd, "CHARSET UTF-8 ");
	/* A parenthesised list at the top is the same keys without it. */
	if (node->kind == SEARCH_AND && k->len > 2 && k->str[0] == '(')
		g_string_append_len(cmd, k->str + 1, (gssize)k->len - 2);
	else
		g_string_append_len(cmd, k->str, (gssize)k->len);
	return g_string_free(cmd, FALSE);
}

/* SPDX-License-Identifier: ISC */
/* Sequence numbers to UIDs for the selected IMAP folder. */
#include "config.h"

#include "backend/imap/imap-seqmap.h"

static int
cmp_uid(gconstpointer a, gconstpointer b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

GArray *
seqmap_new(const GArray *uids)
{
	GArray *map = g_array_sized_new(FALSE, FALSE, sizeof(uint32_t),
	    uids != NULL ? uids->len : 0);
	guint n = 0;

	if (uids != NULL)
		g_array_append_vals(map, uids->data, uids->len);
	g_array_sort(map, cmp_uid);
	/* Drop zeros and duplicates in place. */
	for (guint i = 0; i < map->len; i++) {
		uint32_t uid = g_array_index(map, uint32_t, i);

		if (uid == 0 ||
		    (n > 0 && g_array_index(map, uint32_t, n - 1) == uid))
			continue;
		g_array_index(map, uint32_t, n++) = uid;
	}
	g_array_set_size(map, n);
	return map;
}

uint32_t
seqmap_uid(const GArray *map, uint32_t seq)
{
	if (seq == 0 || seq > map->len)
		return 0;
	return g_array_index(map, uint32_t, seq - 1);
}

uint32_t
seqmap_expunge(GArray *map, uint32_t seq)
{
	uint32_t uid = seqmap_uid(map, seq);

	if (uid != 0)
		g_array_remove_index(map, seq - 1);
	return uid;
}

uint32_t
seqmap_last(const GArray *map)
{
	return map->len > 0 ? g_array_index(map, uint32_t, map->len - 1) : 0;
}

bool
seqmap_append(GArray *map, uint32_t uid)
{
	if (uid == 0 || uid <= seqmap_last(map))
		return false;
	g_array_append_val(map, uid);
	return true;
}

void
seqmap_diff(const GArray *was, const GArray *now, GArray *added,
    GArray *removed)
{
	guint i = 0, j = 0;

	while (i < was->len || j < now->len) {
		uint32_t a =
		    i < was->len ? g_array_index(was, uint32_t, i) : UINT32_MAX;
		uint32_t b =
		    j < now->len ? g_array_index(now, uint32_t, j) : UINT32_MAX;

		if (i < was->len && (j >= now->len || a < b)) {
			g_array_append_val(removed, a);
			i++;
		} else if (j < now->len && (i >= was->len || b < a)) {
			g_array_append_val(added, b);
			j++;
		} else {
			i++;
			j++;
		}
	}
}

/* SPDX-License-Identifier: ISC */
/* The index's header fields, read from a header block in one pass. */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "mime/headers.h"
#include "mime/mime-internal.h"
#include "mime/mime.h"

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Give the field in value to cb, its ends trimmed. */
static void
emit(const char *name, size_t name_len, GString *value, mime_field_cb *cb,
    void *data)
{
	const char *v = value->str;
	size_t n = value->len;

	while (n > 0 && is_wsp(v[0])) {
		v++;
		n--;
	}
	while (n > 0 && is_wsp(v[n - 1]))
		n--;
	value->str[v - value->str + n] = '\0';
	cb(name, name_len, v, data);
}

/* Append s[0..n) to value, keeping it within MIME_FIELD_MAX bytes. */
static void
append_capped(GString *value, const char *s, size_t n)
{
	if (value->len >= MIME_FIELD_MAX)
		return;
	g_string_append_len(value, s, MIN(n, MIME_FIELD_MAX - value->len));
}

void
mime_header_fields(const char *block, size_t len, mime_field_cb *cb, void *data)
{
	GString *value = g_string_sized_new(256);
	const char *p = block, *end = block + len;
	const char *name = NULL;
	size_t name_len = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol != NULL ? eol : end;
		const char *next = eol != NULL ? eol + 1 : end;

		if (line_end > p && line_end[-1] == '\r')
			line_end--;
		if (line_end == p)
			break; /* the empty line that ends the header */
		if (*p == ' ' || *p == '\t') {
			/* Unfold: the line break goes, the white space stays.
			 */
			if (name != NULL)
				append_capped(value, p, (size_t)(line_end - p));
		} else {
			const char *colon =
			    memchr(p, ':', (size_t)(line_end - p));

			if (name != NULL)
				emit(name, name_len, value, cb, data);
			name = NULL;
			if (colon != NULL && colon > p) {
				bool ok = true;

				for (const char *q = p; q < colon; q++)
					if ((unsigned char)*q <= ' ' ||
					    (unsigned char)*q >= 0x7f)
						ok = false;
				if (ok) {
					name = p;
					name_len = (size_t)(colon - p);
					g_string_truncate(value, 0);
					append_capped(value, colon + 1,
					    (size_t)(line_end - colon - 1));
				}
			}
		}
		p = next;
	}
	if (name != NULL)
		emit(name, name_len, value, cb, data);
	g_string_free(value, TRUE);
}

char *
mime_squeeze_space(const char *value)
{
	GString *out = g_string_sized_new(strlen(value));
	bool space = false;

	for (const char *p = value; *p != '\0'; p++) {
		if (is_wsp(*p)) {
			space = out->len > 0;
			continue;
		}
		if (space)
			g_string_append_c(out, ' ');
		space = false;
		g_string_append_c(out, *p);
	}
	return g_string_free(out, FALSE);
}

/* Characters that end an unquoted phrase or address in the quick path. */
static bool
is_special(char c)
{
	return strchr("()<>,;:\\\"[]", c) != NULL;
}

/* A display name as written (phrase or quoted content): decoded, or NULL. */
static char *
display_name(const char *s, size_t n)
{
	g_autofree char *raw = NULL;

	while (n > 0 && is_wsp(s[0])) {
		s++;
		n--;
	}
	while (n > 0 && is_wsp(s[n - 1]))
		n--;
	if (n == 0)
		return NULL;
	raw = g_strndup(s, n);
	/* Quoted names with encoded words are common: decode them too. */
	return mime_decode_header(raw);
}

/*
 * The common forms, without GMime: [phrase | "quoted"] <addr>, or a bare
 * addr-spec. False for anything else (comments, groups, lists, odd
 * quoting), which GMime's full parser then reads.
 */
static bool
quick_mailbox(const char *v, char **name_out, char **addr_out)
{
	const char *p = v, *name = NULL, *addr, *addr_end;
	size_t name_len = 0;
	GString *quoted = NULL;

	while (is_wsp(*p))
		p++;
	if (*p == '"') {
		quoted = g_string_new(NULL);
		for (p++; *p != '"'; p++) {
			if (*p == '\0') {
				g_string_free(quoted, TRUE);
				return false;
			}
			if (*p == '\\' && p[1] != '\0')
				p++;
			g_string_append_c(quoted, *p);
		}
		p++;
		while (is_wsp(*p))
			p++;
		if (*p != '<') {
			g_string_free(quoted, TRUE);
			return false;
		}
	} else {
		name = p;
		while (*p != '\0' && *p != '<') {
			if (is_special(*p))
				break;
			p++;
		}
		if (*p == '\0') {
			/* No angle brackets: a bare address, one word. */
			const char *e = p;

			while (e > name && is_wsp(e[-1]))
				e--;
			for (const char *q = name; q < e; q++)
				if (is_wsp(*q))
					return false;
			*name_out = NULL;
			*addr_out = e > name
			    ? g_strndup(name, (size_t)(e - name))
			    : NULL;
			return true;
		}
		if (*p != '<')
			return false;
		name_len = (size_t)(p - name);
	}
	addr = p + 1;
	addr_end = strchr(addr, '>');
	if (addr_end == NULL) {
		if (quoted != NULL)
			g_string_free(quoted, TRUE);
		return false;
	}
	for (const char *q = addr_end + 1; *q != '\0'; q++) {
		if (!is_wsp(*q)) {
			if (quoted != NULL)
				g_string_free(quoted, TRUE);
			return false; /* a list, a comment: the full parser */
		}
	}
	for (const char *q = addr; q < addr_end; q++) {
		if (is_wsp(*q) || is_special(*q)) {
			if (quoted != NULL)
				g_string_free(quoted, TRUE);
			return false; /* a source route, spaces: full parser */
		}
	}
	if (quoted != NULL) {
		*name_out = display_name(quoted->str, quoted->len);
		g_string_free(quoted, TRUE);
	} else {
		*name_out = display_name(name, name_len);
	}
	*addr_out =
	    addr_end > addr ? g_strndup(addr, (size_t)(addr_end - addr)) : NULL;
	return true;
}

/* The first mailbox in list, looking into groups. */
static InternetAddressMailbox *
first_in(InternetAddressList *list, int depth)
{
	int n = list != NULL ? internet_address_list_length(list) : 0;

	for (int i = 0; i < n && depth < 4; i++) {
		InternetAddress *a = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			return INTERNET_ADDRESS_MAILBOX(a);
		if (INTERNET_ADDRESS_IS_GROUP(a)) {
			InternetAddressMailbox *m =
			    first_in(internet_address_group_get_members(
					 INTERNET_ADDRESS_GROUP(a)),
				depth + 1);

			if (m != NULL)
				return m;
		}
	}
	return NULL;
}

void
mime_first_mailbox(const char *value, char **name_out, char **addr_out)
{
	InternetAddressList *list;
	InternetAddressMailbox *m;

	*name_out = *addr_out = NULL;
	if (value == NULL || quick_mailbox(value, name_out, addr_out))
		return;
	list = internet_address_list_parse(mime_parser_options(), value);
	m = first_in(list, 0);
	if (m != NULL) {
		const char *name =
		    internet_address_get_name(INTERNET_ADDRESS(m));
		const char *addr = internet_address_mailbox_get_addr(m);

		*name_out =
		    name != NULL && *name != '\0' ? g_strdup(name) : NULL;
		*addr_out =
		    addr != NULL && *addr != '\0' ? g_strdup(addr) : NULL;
	}
	if (list != NULL)
		g_object_unref(list);
}

/* The raw values of the fields mime_index_fields() reads. */
struct raw_fields {
	char *date, *from, *to, *subject, *message_id, *in_reply_to,
	    *references;
};

static void
on_index_field(const char *name, size_t len, const char *value, void *data)
{
	struct raw_fields *raw = data;
	static const struct {
		const char *name;
		size_t offset;
	} known[] = {
		{ "Date", offsetof(struct raw_fields, date) },
		{ "From", offsetof(struct raw_fields, from) },
		{ "To", offsetof(struct raw_fields, to) },
		{ "Subject", offsetof(struct raw_fields, subject) },
		{ "Message-ID", offsetof(struct raw_fields, message_id) },
		{ "In-Reply-To", offsetof(struct raw_fields, in_reply_to) },
		{ "References", offsetof(struct raw_fields, references) },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(known); i++) {
		char **slot = (char **)((char *)raw + known[i].offset);

		/* The first of repeated fields counts, as in ENVELOPE. */
		if (strlen(known[i].name) == len &&
		    g_ascii_strncasecmp(name, known[i].name, len) == 0) {
			if (*slot == NULL)
				*slot = g_strdup(value);
			return;
		}
	}
}

/* name if it is not empty, else addr; frees the other. */
static char *
name_or_addr(char *name, const char *addr)
{
	if (name != NULL && *name != '\0')
		return name;
	g_free(name);
	return g_strdup(addr);
}

void
mime_index_fields(const char *block, size_t len, struct mime_index_fields *out)
{
	struct raw_fields raw = { 0 };
	char *name = NULL, *to_addr = NULL;

	memset(out, 0, sizeof(*out));
	mime_header_fields(block, len, on_index_field, &raw);
	if (raw.subject != NULL)
		out->subject = mime_decode_header(raw.subject);
	mime_first_mailbox(raw.from, &name, &out->from_addr);
	out->from = name_or_addr(name, out->from_addr);
	mime_first_mailbox(raw.to, &name, &to_addr);
	out->to = name_or_addr(name, to_addr);
	g_free(to_addr);
	out->date = mime_parse_date(raw.date);
	if (raw.message_id != NULL)
		out->message_id = mime_squeeze_space(raw.message_id);
	if (raw.in_reply_to != NULL)
		out->in_reply_to = mime_squeeze_space(raw.in_reply_to);
	if (raw.references != NULL)
		out->references = mime_squeeze_space(raw.references);
	g_free(raw.date);
	g_free(raw.from);
	g_free(raw.to);
	g_free(raw.subject);
	g_free(raw.message_id);
	g_free(raw.in_reply_to);
	g_free(raw.references);
}

void
mime_index_fields_clear(struct mime_index_fields *f)
{
	g_free(f->subject);
	g_free(f->from);
	g_free(f->from_addr);
	g_free(f->to);
	g_free(f->message_id);
	g_free(f->in_reply_to);
	g_free(f->references);
	memset(f, 0, sizeof(*f));
}

/* SPDX-License-Identifier: ISC */
/* A message file taken apart with GMime: leaves, sections, the shown part. */
#include "config.h"

#include <string.h>

#include "mime/headers.h"
#include "mime/mailcap.h"
#include "mime/message.h"
#include "mime/mime-internal.h"
#include "mime/mime.h"

static void
leaf_free(struct mime_leaf *l)
{
	g_free(l->section);
	g_free(l->type);
	g_free(l->name);
	g_free(l->encoding);
	g_free(l->charset);
	if (l->content != NULL)
		g_bytes_unref(l->content);
	g_free(l);
}

/* Everything stream s holds, from its start. */
static GBytes *
stream_bytes(GMimeStream *s)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *ba;
	GBytes *out;

	g_mime_stream_reset(s);
	g_mime_stream_write_to_stream(s, mem);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	out = g_bytes_new(ba->data, ba->len);
	g_object_unref(mem);
	return out;
}

static char *
lower_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? g_ascii_strdown(s, -1) : NULL;
}

/* One leaf: a GMimePart or an attached message (kept whole). */
static void
add_leaf(GMimeObject *obj, const char *section, unsigned alt, GPtrArray *leaves)
{
	struct mime_leaf *l = g_new0(struct mime_leaf, 1);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimeContentDisposition *cd =
	    g_mime_object_get_content_disposition(obj);
	char *type = ct != NULL ? g_mime_content_type_get_mime_type(ct) : NULL;

	l->section = g_strdup(section);
	l->type =
	    type != NULL ? g_ascii_strdown(type, -1) : g_strdup("text/plain");
	g_free(type);
	l->alt_group = alt;
	l->attachment =
	    cd != NULL && g_mime_content_disposition_is_attachment(cd);
	if (ct != NULL) {
		const char *format =
		    g_mime_content_type_get_parameter(ct, "format");
		const char *delsp =
		    g_mime_content_type_get_parameter(ct, "delsp");
		const char *charset =
		    g_mime_content_type_get_parameter(ct, "charset");

		l->charset = charset != NULL && *charset != '\0'
		    ? g_strdup(charset)
		    : NULL;
		l->flowed =
		    format != NULL && g_ascii_strcasecmp(format, "flowed") == 0;
		l->delsp =
		    delsp != NULL && g_ascii_strcasecmp(delsp, "yes") == 0;
	}
	if (GMIME_IS_PART(obj)) {
		GMimePart *part = GMIME_PART(obj);
		GMimeDataWrapper *w = g_mime_part_get_content(part);
		const char *name = g_mime_part_get_filename(part);
		GMimeContentEncoding enc =
		    g_mime_part_get_content_encoding(part);

		if (name != NULL && *name != '\0')
			l->name = g_utf8_make_valid(name, -1);
		if (enc != GMIME_CONTENT_ENCODING_DEFAULT)
			l->encoding = lower_or_null(
			    g_mime_content_encoding_to_string(enc));
		l->content =
		    w != NULL && g_mime_data_wrapper_get_stream(w) != NULL
		    ? stream_bytes(g_mime_data_wrapper_get_stream(w))
		    : g_bytes_new(NULL, 0);
	} else {
		/* message/rfc822: the attached message as it was written. */
		GMimeMessage *inner =
		    g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		GMimeStream *mem = g_mime_stream_mem_new();

		if (inner != NULL)
			g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL,
			    mem);
		l->content = stream_bytes(mem);
		g_object_unref(mem);
		if (cd != NULL) {
			const char *name =
			    g_mime_content_disposition_get_parameter(cd,
				"filename");

			if (name != NULL && *name != '\0')
				l->name = g_utf8_make_valid(name, -1);
		}
	}
	g_ptr_array_add(leaves, l);
}

/* Depth-first, numbering as IMAP does (a lone part is "1"). */
static void
walk(GMimeObject *obj, const char *prefix, int depth, unsigned alt,
    unsigned *next_alt, GPtrArray *leaves)
{
	if (obj == NULL || depth > MIME_MESSAGE_MAX_DEPTH ||
	    leaves->len >= MIME_MESSAGE_MAX_PARTS)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		GMimeContentType *ct = g_mime_object_get_content_type(obj);
		int n = g_mime_multipart_get_count(mp);
		unsigned group = alt;

		if (ct != NULL &&
		    g_ascii_strcasecmp(g_mime_content_type_get_media_subtype(
					   ct),
			"alternative") == 0)
			group = ++*next_alt;
		for (int i = 0; i < n; i++) {
			g_autofree char *sec = *prefix != '\0'
			    ? g_strdup_printf("%s.%d", prefix, i + 1)
			    : g_strdup_printf("%d", i + 1);

			walk(g_mime_multipart_get_part(mp, i), sec, depth + 1,
			    group, next_alt, leaves);
		}
		return;
	}
	if (GMIME_IS_PART(obj) || GMIME_IS_MESSAGE_PART(obj))
		add_leaf(obj, *prefix != '\0' ? prefix : "1", alt, leaves);
}

struct mime_message *
mime_message_parse(const char *data, size_t len)
{
	struct mime_message *msg = g_new0(struct mime_message, 1);
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *m;
	unsigned groups = 0;

	msg->leaves = g_ptr_array_new_with_free_func((GDestroyNotify)leaf_free);
	/* GMime reads the buffer as it is; it is not changed. */
	stream = g_mime_stream_mem_new_with_buffer(data, len);
	parser = g_mime_parser_new_with_stream(stream);
	m = g_mime_parser_construct_message(parser, mime_parser_options());
	if (m != NULL && g_mime_message_get_mime_part(m) != NULL)
		walk(g_mime_message_get_mime_part(m), "", 0, 0, &groups,
		    msg->leaves);
	if (msg->leaves->len == 0) {
		/* Not even a header: the whole file as plain text. */
		struct mime_leaf *l = g_new0(struct mime_leaf, 1);
		const char *body = data;
		const char *end = data + len;

		for (const char *p = data; p < end; p++) {
			if (*p == '\n' && p + 1 < end &&
			    (p[1] == '\n' ||
				(p[1] == '\r' && p + 2 < end &&
				    p[2] == '\n'))) {
				body = p[1] == '\n' ? p + 2 : p + 3;
				break;
			}
		}
		l->section = g_strdup("1");
		l->type = g_strdup("text/plain");
		l->content = g_bytes_new(body, (size_t)(end - body));
		g_ptr_array_add(msg->leaves, l);
	}
	if (m != NULL)
		g_object_unref(m);
	g_object_unref(parser);
	g_object_unref(stream);
	return msg;
}

void
mime_message_free(struct mime_message *msg)
{
	if (msg == NULL)
		return;
	g_ptr_array_unref(msg->leaves);
	g_free(msg);
}

const struct mime_leaf *
mime_message_leaf(const struct mime_message *msg, const char *section)
{
	for (guint i = 0; i < msg->leaves->len; i++) {
		const struct mime_leaf *l = msg->leaves->pdata[i];

		if (strcmp(l->section, section) == 0)
			return l;
	}
	return NULL;
}

/* The leaf to show when no preference applies: text/plain, else HTML. */
static const struct mime_leaf *
first_text(const GPtrArray *leaves)
{
	const struct mime_leaf *html = NULL;

	for (guint i = 0; i < leaves->len; i++) {
		const struct mime_leaf *l = leaves->pdata[i];

		if (l->attachment)
			continue;
		if (strcmp(l->type, "text/plain") == 0)
			return l;
		if (html == NULL && strcmp(l->type, "text/html") == 0)
			html = l;
	}
	return html;
}

const struct mime_leaf *
mime_message_choose_text(const struct mime_message *msg, const char *order)
{
	const GPtrArray *leaves = msg->leaves;
	const struct mime_leaf *first = NULL;
	g_auto(GStrv) prefs = NULL;

	for (guint i = 0; i < leaves->len && first == NULL; i++) {
		const struct mime_leaf *l = leaves->pdata[i];

		if (!l->attachment &&
		    (strcmp(l->type, "text/plain") == 0 ||
			strcmp(l->type, "text/html") == 0))
			first = l;
	}
	if (first == NULL || first->alt_group == 0 || order == NULL)
		return first_text(leaves);
	prefs = g_strsplit_set(order, " \t,", -1);
	for (size_t p = 0; prefs[p] != NULL; p++) {
		if (*prefs[p] == '\0')
			continue;
		for (guint i = 0; i < leaves->len; i++) {
			const struct mime_leaf *l = leaves->pdata[i];

			if (l->alt_group == first->alt_group &&
			    !l->attachment &&
			    g_str_has_prefix(l->type, "text/") &&
			    mailcap_type_matches(prefs[p], l->type))
				return l;
		}
	}
	return first_text(leaves);
}

struct header_out {
	GString *out;
	unsigned count, max;
};

static void
on_header_field(const char *name, size_t name_len, const char *value,
    void *data)
{
	struct header_out *ho = data;
	g_autofree char *decoded = NULL;

	if (ho->count >= ho->max)
		return;
	ho->count++;
	decoded = mime_decode_header(value);
	/* One line per field: an encoded word may hold a line break. */
	for (char *p = decoded; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	g_string_append_printf(ho->out, "%.*s: %s\n", (int)name_len, name,
	    g_strstrip(decoded));
}

char *
mime_header_text(const char *data, size_t len, unsigned max_fields)
{
	struct header_out ho = { g_string_new(NULL), 0, max_fields };

	mime_header_fields(data, len, on_header_field, &ho);
	return g_string_free(ho.out, FALSE);
}

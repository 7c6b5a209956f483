/* SPDX-License-Identifier: ISC */
/*
 * Outgoing messages with GMime: a draft into 7-bit RFC 5322 bytes (CRLF),
 * a stored message back into a draft, and the envelope's addresses.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mime/compose.h"
#include "mime/mime-internal.h"
#include "mime/render.h"
#include "util/error.h"
#include "util/file.h"

/* format=flowed lines are broken before this many columns. */
#define FLOW_WIDTH 72
/* Bounds for what draft_parse takes apart. */
#define MAX_PARTS 256

struct draft *
draft_new(void)
{
	return g_new0(struct draft, 1);
}

struct draft_attachment *
draft_attachment_new(const char *path)
{
	struct draft_attachment *a = g_new0(struct draft_attachment, 1);

	a->path = g_strdup(path);
	return a;
}

void
draft_attachment_free(struct draft_attachment *a)
{
	if (a == NULL)
		return;
	g_free(a->path);
	g_free(a->content_type);
	g_free(a->name);
	g_free(a->description);
	g_free(a);
}

void
draft_free(struct draft *d)
{
	if (d == NULL)
		return;
	g_free(d->from);
	g_free(d->to);
	g_free(d->cc);
	g_free(d->bcc);
	g_free(d->reply_to);
	g_free(d->subject);
	g_free(d->in_reply_to);
	g_free(d->references);
	g_free(d->message_id);
	if (d->headers != NULL) {
		g_ptr_array_set_free_func(d->headers, g_free);
		g_ptr_array_unref(d->headers);
	}
	g_free(d->body);
	if (d->attachments != NULL) {
		g_ptr_array_set_free_func(d->attachments,
		    (GDestroyNotify)draft_attachment_free);
		g_ptr_array_unref(d->attachments);
	}
	g_free(d);
}

/* Whether s is NULL or only white space. */
static bool
blank(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s != '\0'; s++)
		if (!g_ascii_isspace(*s))
			return false;
	return true;
}

/*
 * A bare address fit for an SMTP envelope: local@domain, both parts
 * non-empty, no white space, controls, brackets or quotes we would have to
 * escape.
 */
static bool
address_ok(const char *addr)
{
	const char *at = strrchr(addr, '@');

	if (at == NULL || at == addr || at[1] == '\0')
		return false;
	for (const char *p = addr; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' ||
		    c == '(' || c == ')' || c == ',' || c == ';' || c == '"' ||
		    c == '\\')
			return false;
	}
	return strchr(at + 1, '@') == NULL;
}

/* Printable text of untrusted s for an error message. Caller frees. */
static char *
printable(const char *s)
{
	char *out = g_strndup(s, 200);

	for (char *p = out; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return out;
}

/*
 * Append the bare addresses of the mailboxes of list (groups opened) to
 * out; false with err naming field and the first bad one.
 */
static bool
collect(InternetAddressList *list, const char *field, GPtrArray *out,
    GError **err)
{
	int n = internet_address_list_length(list);

	for (int i = 0; i < n; i++) {
		InternetAddress *ia =
		    internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			InternetAddressList *members =
			    internet_address_group_get_members(
				INTERNET_ADDRESS_GROUP(ia));

			if (members != NULL &&
			    !collect(members, field, out, err))
				return false;
			continue;
		}
		{
			const char *addr = internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia));

			if (addr == NULL || !address_ok(addr)) {
				g_autofree char *shown = printable(
				    addr != NULL && *addr != '\0' ? addr
					: internet_address_get_name(ia) != NULL
					? internet_address_get_name(ia)
					: "");

				g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
				    "%s: '%s' is not a valid address", field,
				    shown);
				return false;
			}
			g_ptr_array_add(out, g_strdup(addr));
		}
	}
	return true;
}

/*
 * Parse an address list as the user typed it; NULL with err when it is
 * malformed. An empty text gives an empty list.
 */
static InternetAddressList *
parse_list(const char *text, const char *field, GPtrArray *addrs, GError **err)
{
	InternetAddressList *list;
	GPtrArray *tmp;

	if (blank(text))
		return internet_address_list_new();
	if (!g_utf8_validate(text, -1, NULL)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "%s: not valid UTF-8", field);
		return NULL;
	}
	list = internet_address_list_parse(mime_parser_options(), text);
	if (list == NULL || internet_address_list_length(list) == 0) {
		g_autofree char *shown = printable(text);

		if (list != NULL)
			g_object_unref(list);
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "%s: '%s' is not a valid address", field, shown);
		return NULL;
	}
	tmp = addrs != NULL ? addrs : g_ptr_array_new_with_free_func(g_free);
	if (!collect(list, field, tmp, err)) {
		g_object_unref(list);
		list = NULL;
	}
	if (addrs == NULL)
		g_ptr_array_unref(tmp);
	return list;
}

GPtrArray *
draft_recipients(const struct draft *d, GError **err)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	const char *fields[] = { "To", "Cc", "Bcc" };
	const char *values[] = { d->to, d->cc, d->bcc };

	for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
		InternetAddressList *l =
		    parse_list(values[i], fields[i], out, err);

		if (l == NULL) {
			g_ptr_array_unref(out);
			return NULL;
		}
		g_object_unref(l);
	}
	if (out->len == 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "no recipients: To, Cc and Bcc are empty");
		g_ptr_array_unref(out);
		return NULL;
	}
	return out;
}

char *
draft_sender(const struct draft *d, GError **err)
{
	GPtrArray *addrs = g_ptr_array_new_with_free_func(g_free);
	InternetAddressList *l;
	char *out = NULL;

	if (blank(d->from)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "From: no sender address (set from)");
		g_ptr_array_unref(addrs);
		return NULL;
	}
	l = parse_list(d->from, "From", addrs, err);
	if (l != NULL) {
		if (addrs->len != 1)
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
			    "From: one address is needed, not %u", addrs->len);
		else
			out = g_strdup(addrs->pdata[0]);
		g_object_unref(l);
	}
	g_ptr_array_unref(addrs);
	return out;
}

/* Append one flowed piece: the quote prefix, stuffing, the text. */
static void
flow_piece(GString *out, size_t depth, const char *s, size_t n)
{
	for (size_t i = 0; i < depth; i++)
		g_string_append_c(out, '>');
	if (depth > 0 ? n > 0
		      : (n > 0 && s[0] == ' ') ||
		    (n >= 5 && memcmp(s, "From ", 5) == 0))
		g_string_append_c(out, ' ');
	g_string_append_len(out, s, (gssize)n);
	g_string_append_c(out, '\n');
}

/* Columns of the UTF-8 text s[0..n) (one per character). */
static size_t
columns(const char *s, size_t n)
{
	return (size_t)g_utf8_strlen(s, (gssize)n);
}

char *
draft_flow_text(const char *text)
{
	GString *out = g_string_new(NULL);
	const char *p = text != NULL ? text : "";

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		const char *line = p;
		size_t depth = 0, width;

		p = nl != NULL ? nl + 1 : p + n;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 3 && memcmp(line, "-- ", 3) == 0) {
			g_string_append(out, "-- \n");
			continue;
		}
		while (depth < n && line[depth] == '>')
			depth++;
		line += depth;
		n -= depth;
		if (depth > 0 && n > 0 && line[0] == ' ') {
			line++;
			n--;
		}
		/* A hard break never ends with a space. */
		while (n > 0 && line[n - 1] == ' ')
			n--;
		width = FLOW_WIDTH > depth + 1 ? FLOW_WIDTH - depth - 1 : 1;
		/* Break at spaces; each piece but the last keeps its space. */
		while (columns(line, n) > width) {
			size_t cut = 0, cols = 0, i = 0;

			while (i < n) {
				if (line[i] == ' ' && i > 0) {
					if (cols + 1 > width && cut > 0)
						break;
					cut = i + 1;
				}
				if (((unsigned char)line[i] & 0xc0) != 0x80)
					cols++;
				i++;
			}
			if (cut == 0 || cut >= n)
				break; /* one long word: left whole */
			flow_piece(out, depth, line, cut);
			line += cut;
			n -= cut;
		}
		flow_piece(out, depth, line, n);
	}
	return g_string_free(out, FALSE);
}

/* The domain of the address addr (after its last '@'). */
static const char *
domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at != NULL ? at + 1 : addr;
}

/* "<time.random@domain>": nothing of this host in it. */
static char *
make_message_id(const char *domain)
{
	guint32 r1 = g_random_int(), r2 = g_random_int();

	return g_strdup_printf("<%" G_GINT64_MODIFIER "x.%08x%08x@%s>",
	    g_get_real_time(), r1, r2, domain);
}

/* An id without its angle brackets, as GMime takes it. Caller frees. */
static char *
bare_id(const char *id)
{
	size_t n;

	while (*id == ' ' || *id == '<')
		id++;
	n = strlen(id);
	while (n > 0 && (id[n - 1] == '>' || id[n - 1] == ' '))
		n--;
	return g_strndup(id, n);
}

/* Headers the draft's own fields make: not allowed in d->headers. */
static bool
managed_header(const char *name)
{
	static const char *const names[] = { "From", "To", "Cc", "Bcc",
		"Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To",
		"References", "MIME-Version", "Content-Type",
		"Content-Transfer-Encoding", "Content-Disposition" };

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (g_ascii_strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}

static bool
header_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > 76)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == ':')
			return false;
	return true;
}

/* Add d->headers' "Name: value" lines to obj. */
static bool
add_extra_headers(GMimeObject *obj, const struct draft *d, GError **err)
{
	if (d->headers == NULL)
		return true;
	for (guint i = 0; i < d->headers->len; i++) {
		const char *line = d->headers->pdata[i];
		const char *colon = strchr(line, ':');
		g_autofree char *name = NULL;
		g_autofree char *value = NULL;

		if (colon == NULL ||
		    !header_name_ok(line, (size_t)(colon - line))) {
			g_autofree char *shown = printable(line);

			g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
			    "'%s' is not a header line (Name: value)", shown);
			return false;
		}
		name = g_strndup(line, (size_t)(colon - line));
		if (managed_header(name)) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
			    "header %s is set from the draft's own field",
			    name);
			return false;
		}
		value = g_strstrip(g_strdup(colon + 1));
		if (!g_utf8_validate(value, -1, NULL) ||
		    strpbrk(value, "\r\n") != NULL) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
			    "header %s: its value must be one line of UTF-8",
			    name);
			return false;
		}
		g_mime_object_append_header(obj, name, value, "utf-8");
	}
	return true;
}

/* The body as a text/plain part, in quoted-printable or base64 if needed. */
static GMimePart *
text_part(const struct draft *d)
{
	GMimeTextPart *part = g_mime_text_part_new_with_subtype("plain");
	GString *text = g_string_new(NULL);
	const char *body = d->body != NULL ? d->body : "";

	if (d->flowed) {
		g_autofree char *flowed = draft_flow_text(body);

		g_string_append(text, flowed);
	} else {
		/* LF lines; CRLF is made when writing. */
		for (const char *p = body; *p != '\0'; p++)
			if (!(p[0] == '\r' && p[1] == '\n'))
				g_string_append_c(text, *p);
		if (text->len > 0 && text->str[text->len - 1] != '\n')
			g_string_append_c(text, '\n');
	}
	{
		/* The text stays UTF-8 (GMime's set_text would pick
		 * another charset and convert to it). */
		GMimeStream *st =
		    g_mime_stream_mem_new_with_buffer(text->str, text->len);
		GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(st,
		    GMIME_CONTENT_ENCODING_DEFAULT);
		bool ascii = true;

		for (gsize i = 0; i < text->len && ascii; i++)
			ascii = (unsigned char)text->str[i] < 0x80;
		g_mime_part_set_content(GMIME_PART(part), w);
		g_object_unref(w);
		g_object_unref(st);
		g_mime_object_set_content_type_parameter(GMIME_OBJECT(part),
		    "charset", ascii ? "us-ascii" : "utf-8");
	}
	if (d->flowed)
		g_mime_object_set_content_type_parameter(GMIME_OBJECT(part),
		    "format", "flowed");
	g_mime_part_set_content_encoding(GMIME_PART(part),
	    g_mime_part_get_best_content_encoding(GMIME_PART(part),
		GMIME_ENCODING_CONSTRAINT_7BIT));
	g_string_free(text, TRUE);
	return GMIME_PART(part);
}

/* The attachment's MIME type: given, else from its name (and bytes). */
static char *
attachment_type(const struct draft_attachment *a, const char *name,
    const guchar *data, gsize len)
{
	g_autofree char *ct = NULL;
	char *mime;

	if (a->content_type != NULL && strchr(a->content_type, '/') != NULL)
		return g_ascii_strdown(a->content_type, -1);
	ct = g_content_type_guess(name, data, len > 4096 ? 4096 : len, NULL);
	mime = ct != NULL ? g_content_type_get_mime_type(ct) : NULL;
	if (mime == NULL || strchr(mime, '/') == NULL ||
	    strcmp(mime, "application/x-zerosize") == 0) {
		g_free(mime);
		return g_strdup(
		    len > 0 ? "application/octet-stream" : "text/plain");
	}
	return mime;
}

/* g_mime_message_foreach(): each leaf of a forwarded message 7-bit. */
static void
encode_leaf_7bit(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	(void)parent;
	(void)data;
	if (GMIME_IS_PART(part))
		g_mime_object_encode(part, GMIME_ENCODING_CONSTRAINT_7BIT);
}

/* Header fields with raw 8-bit text (a forwarded message's) written
 * again from their decoded text, so they go out RFC 2047-encoded. */
static void
encode_headers_7bit(GMimeObject *obj)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(obj);
	int n = g_mime_header_list_get_count(list);

	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *raw = g_mime_header_get_raw_value(h);
		g_autofree char *value = NULL;
		bool ascii = true;

		for (const char *p = raw; p != NULL && *p != '\0'; p++)
			if ((unsigned char)*p >= 0x80)
				ascii = false;
		if (ascii)
			continue;
		value = g_strdup(g_mime_header_get_value(h));
		g_mime_header_set_value(h, NULL, value, "utf-8");
	}
}

/*
 * A message/rfc822 attachment (a forward with mime_forward): RFC 2046
 * allows it no encoding but 7bit, 8bit or binary, so it goes as the
 * message itself, its own parts encoded as needed; NULL when the bytes
 * do not parse as a message.
 */
static GMimeObject *
message_attachment(const char *data, gsize len, const char *name)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *inner = g_mime_parser_construct_message(parser, NULL);
	GMimeMessagePart *part;

	g_object_unref(parser);
	g_object_unref(stream);
	if (inner == NULL)
		return NULL;
	/* Sent 7-bit, as the rest of the message (see draft_build). */
	encode_headers_7bit(GMIME_OBJECT(inner));
	g_mime_message_foreach(inner, encode_leaf_7bit, NULL);
	part = g_mime_message_part_new_with_message("rfc822", inner);
	g_object_unref(inner);
	g_mime_object_set_disposition(GMIME_OBJECT(part),
	    GMIME_DISPOSITION_INLINE);
	if (name != NULL && *name != '\0')
		g_mime_object_set_content_disposition_parameter(GMIME_OBJECT(
								    part),
		    "filename", name);
	return GMIME_OBJECT(part);
}

/* A part for one attachment: its bytes in base64, so they come back whole
 * (a message/rfc822 one: the message, see message_attachment()). */
static GMimeObject *
attachment_part(const struct draft_attachment *a, GError **err)
{
	g_autofree char *data = NULL;
	g_autofree char *base = NULL;
	g_autofree char *type = NULL;
	GError *error = NULL;
	gsize len = 0;
	const char *name;
	char *slash;
	GMimePart *part;
	GMimeStream *stream;
	GMimeDataWrapper *wrapper;

	if (a->path == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "an attachment has no file");
		return NULL;
	}
	if (!g_file_get_contents(a->path, &data, &len, &error)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO, "cannot attach: %s",
		    error->message);
		g_error_free(error);
		return NULL;
	}
	base = g_path_get_basename(a->path);
	name = a->name != NULL && *a->name != '\0' ? a->name : base;
	type = attachment_type(a, name, (const guchar *)data, len);
	if (g_ascii_strcasecmp(type, "message/rfc822") == 0) {
		GMimeObject *m = message_attachment(data, len, name);

		if (m != NULL)
			return m;
		g_free(type); /* not a message after all: plain bytes */
		type = g_strdup("application/octet-stream");
	}
	slash = strchr(type, '/');
	*slash = '\0';
	part = g_mime_part_new_with_type(type, slash + 1);
	g_mime_part_set_filename(part, name);
	/* RFC 2231 names in UTF-8, not in a charset GMime picks. */
	{
		GMimeContentDisposition *cd =
		    g_mime_object_get_content_disposition(GMIME_OBJECT(part));
		GMimeParam *fp = cd != NULL
		    ? g_mime_param_list_get_parameter(
			  g_mime_content_disposition_get_parameters(cd),
			  "filename")
		    : NULL;
		GMimeParam *np = g_mime_param_list_get_parameter(
		    g_mime_content_type_get_parameters(
			g_mime_object_get_content_type(GMIME_OBJECT(part))),
		    "name");

		if (fp != NULL)
			g_mime_param_set_charset(fp, "utf-8");
		if (np != NULL)
			g_mime_param_set_charset(np, "utf-8");
	}
	if (a->description != NULL && *a->description != '\0')
		g_mime_part_set_content_description(part, a->description);
	stream = g_mime_stream_mem_new_with_buffer(data, len);
	wrapper = g_mime_data_wrapper_new_with_stream(stream,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_object_unref(stream);
	g_mime_part_set_content(part, wrapper);
	g_object_unref(wrapper);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	return GMIME_OBJECT(part);
}

/* Add the addresses of text (already checked) to the message's field. */
static bool
add_addresses(GMimeMessage *msg, GMimeAddressType type, const char *text,
    const char *field, GError **err)
{
	InternetAddressList *l;

	if (blank(text))
		return true;
	l = parse_list(text, field, NULL, err);
	if (l == NULL)
		return false;
	/* Names are encoded as UTF-8 words, not in a charset GMime picks. */
	for (int i = 0; i < internet_address_list_length(l); i++)
		internet_address_set_charset(
		    internet_address_list_get_address(l, i), "utf-8");
	internet_address_list_append(g_mime_message_get_addresses(msg, type),
	    l);
	g_object_unref(l);
	return true;
}

GBytes *
draft_build(struct draft *d, bool for_draft, GError **err)
{
	g_autofree char *sender = NULL;
	GMimeMessage *msg = NULL;
	GMimeObject *body = NULL;
	GMimeFormatOptions *fo = NULL;
	GMimeStream *out = NULL;
	GDateTime *now;
	GBytes *bytes = NULL;

	sender = draft_sender(d, err);
	if (sender == NULL)
		return NULL;
	if (d->subject != NULL && !g_utf8_validate(d->subject, -1, NULL)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "Subject: not valid UTF-8");
		return NULL;
	}
	if (d->body != NULL && !g_utf8_validate(d->body, -1, NULL)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "the text is not valid UTF-8");
		return NULL;
	}
	msg = g_mime_message_new(TRUE);
	if (!add_addresses(msg, GMIME_ADDRESS_TYPE_FROM, d->from, "From",
		err) ||
	    !add_addresses(msg, GMIME_ADDRESS_TYPE_REPLY_TO, d->reply_to,
		"Reply-To", err) ||
	    !add_addresses(msg, GMIME_ADDRESS_TYPE_TO, d->to, "To", err) ||
	    !add_addresses(msg, GMIME_ADDRESS_TYPE_CC, d->cc, "Cc", err))
		goto out;
	/* Checked even when left out, so a draft never hides a bad one. */
	if (for_draft) {
		if (!add_addresses(msg, GMIME_ADDRESS_TYPE_BCC, d->bcc, "Bcc",
			err))
			goto out;
	} else if (!blank(d->bcc)) {
		InternetAddressList *l = parse_list(d->bcc, "Bcc", NULL, err);

		if (l == NULL)
			goto out;
		g_object_unref(l);
	}
	g_mime_message_set_subject(msg, d->subject != NULL ? d->subject : "",
	    "utf-8");
	now = g_date_time_new_now_local();
	g_mime_message_set_date(msg, now);
	g_date_time_unref(now);
	if (blank(d->message_id)) {
		g_free(d->message_id);
		d->message_id = make_message_id(domain_of(sender));
	}
	{
		g_autofree char *id = bare_id(d->message_id);

		g_mime_message_set_message_id(msg, id);
	}
	if (!blank(d->in_reply_to))
		g_mime_object_set_header(GMIME_OBJECT(msg), "In-Reply-To",
		    d->in_reply_to, NULL);
	if (!blank(d->references))
		g_mime_object_set_header(GMIME_OBJECT(msg), "References",
		    d->references, NULL);
	if (!add_extra_headers(GMIME_OBJECT(msg), d, err))
		goto out;

	body = GMIME_OBJECT(text_part(d));
	if (d->attachments != NULL && d->attachments->len > 0) {
		GMimeMultipart *mixed =
		    g_mime_multipart_new_with_subtype("mixed");

		g_mime_multipart_add(mixed, body);
		g_object_unref(body);
		body = GMIME_OBJECT(mixed);
		for (guint i = 0; i < d->attachments->len; i++) {
			GMimeObject *part =
			    attachment_part(d->attachments->pdata[i], err);

			if (part == NULL)
				goto out;
			g_mime_multipart_add(mixed, part);
			g_object_unref(part);
		}
	}
	g_mime_message_set_mime_part(msg, body);
	/* Anything still 8-bit is encoded, so any server takes it. */
	g_mime_object_encode(GMIME_OBJECT(msg), GMIME_ENCODING_CONSTRAINT_7BIT);

	fo = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	out = g_mime_stream_mem_new();
	if (g_mime_object_write_to_stream(GMIME_OBJECT(msg), fo, out) < 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot write the message");
		goto out;
	}
	{
		GByteArray *ba =
		    g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));

		bytes = g_bytes_new(ba->data, ba->len);
	}
out:
	if (body != NULL)
		g_object_unref(body);
	if (out != NULL)
		g_object_unref(out);
	if (fo != NULL)
		g_mime_format_options_free(fo);
	g_object_unref(msg);
	return bytes;
}

/* Headers a parsed message keeps in d->headers (not transport traces). */
static bool
kept_header(const char *name)
{
	static const char *const dropped[] = { "Received", "Return-Path",
		"Delivered-To", "X-Original-To", "Status", "X-Status",
		"X-Keywords", "X-UID", "Content-Length", "Lines",
		"DKIM-Signature", "Authentication-Results", "User-Agent",
		"X-Mailer" };

	if (managed_header(name) || g_ascii_strncasecmp(name, "ARC-", 4) == 0 ||
	    g_ascii_strncasecmp(name, "Content-", 8) == 0)
		return false;
	for (size_t i = 0; i < G_N_ELEMENTS(dropped); i++)
		if (g_ascii_strcasecmp(name, dropped[i]) == 0)
			return false;
	return true;
}

/* A list as "Name <a@b>, c@d" (decoded UTF-8); NULL when empty. */
static char *
list_text(InternetAddressList *l)
{
	if (l == NULL || internet_address_list_length(l) == 0)
		return NULL;
	return internet_address_list_to_string(l, NULL, FALSE);
}

/* A header's raw value unfolded to one line; NULL when absent. */
static char *
raw_header(GMimeObject *obj, const char *name)
{
	const char *v = g_mime_object_get_header(obj, name);
	GString *s;

	if (v == NULL)
		return NULL;
	s = g_string_new(NULL);
	for (; *v != '\0'; v++) {
		if (*v == '\r' || *v == '\n')
			continue;
		g_string_append_c(s, *v == '\t' ? ' ' : *v);
	}
	g_strstrip(s->str);
	s->len = strlen(s->str);
	if (s->len == 0) {
		g_string_free(s, TRUE);
		return NULL;
	}
	return g_string_free(s, FALSE);
}

/* A file name we may create: no '/', no leading dot, no controls. */
static char *
safe_file_name(const char *name, unsigned n)
{
	GString *s = g_string_new(NULL);

	if (name != NULL)
		for (const char *p = name; *p != '\0' && s->len < 120; p++) {
			unsigned char c = (unsigned char)*p;

			if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f)
				g_string_append_c(s, '_');
			else
				g_string_append_c(s, (char)c);
		}
	while (s->len > 0 && s->str[0] == '.')
		g_string_erase(s, 0, 1);
	if (s->len == 0 || !g_utf8_validate(s->str, -1, NULL))
		g_string_printf(s, "part-%u", n);
	return g_string_free(s, FALSE);
}

/* Write len bytes to a new 0600 file under dir; its path, or NULL. */
static char *
write_part_file(const char *dir, const char *name, const void *data, size_t len,
    GError **err)
{
	for (unsigned k = 0; k < 1000; k++) {
		g_autofree char *file =
		    k == 0 ? g_strdup(name) : g_strdup_printf("%u-%s", k, name);
		char *path = g_build_filename(dir, file, NULL);
		bool exists;

		if (file_write_new(path, 0600, data, len, false, &exists, err))
			return path;
		g_free(path);
		if (!exists)
			return NULL;
	}
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
	    "%s: too many files named %s", dir, name);
	return NULL;
}

/* The decoded bytes of a leaf part (a message/rfc822 part: the message). */
static GByteArray *
part_bytes(GMimeObject *obj)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *out = g_byte_array_new();
	GByteArray *ba;

	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *m =
		    g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));

		if (m != NULL)
			g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL,
			    mem);
	} else if (GMIME_IS_PART(obj)) {
		GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(obj));

		if (w != NULL)
			g_mime_data_wrapper_write_to_stream(w, mem);
	}
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	g_byte_array_append(out, ba->data, ba->len);
	g_object_unref(mem);
	return out;
}

struct parse_state {
	struct draft *d;
	const char *dir;
	GMimeObject *body; /* the part taken as the text */
	unsigned count;
	GError *error;
};

/* The first text/plain leaf that is not an attachment becomes the text. */
static void
find_body(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	struct parse_state *st = data;
	GMimeContentType *ct = g_mime_object_get_content_type(part);
	GMimeContentDisposition *cd =
	    g_mime_object_get_content_disposition(part);

	(void)parent;
	if (st->body != NULL || !GMIME_IS_TEXT_PART(part) ||
	    !g_mime_content_type_is_type(ct, "text", "plain"))
		return;
	if (cd != NULL && g_mime_content_disposition_is_attachment(cd))
		return;
	st->body = part;
}

/* Every other leaf into a file under dir, as an attachment. */
static void
save_leaf(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	struct parse_state *st = data;
	GMimeContentType *ct;
	struct draft_attachment *a;
	g_autofree char *name = NULL;
	GByteArray *bytes;
	char *path;

	(void)parent;
	if (st->error != NULL || part == st->body || GMIME_IS_MULTIPART(part))
		return;
	if (++st->count > MAX_PARTS) {
		g_set_error(&st->error, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
		    "more than %d parts", MAX_PARTS);
		return;
	}
	if (st->count == 1 &&
	    (st->dir == NULL || g_mkdir_with_parents(st->dir, 0700) < 0)) {
		g_set_error(&st->error, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot keep the attachments in %s: %s",
		    st->dir != NULL ? st->dir : "(no folder)",
		    st->dir != NULL ? g_strerror(errno) : "none given");
		return;
	}
	ct = g_mime_object_get_content_type(part);
	if (GMIME_IS_PART(part))
		name =
		    safe_file_name(g_mime_part_get_filename(GMIME_PART(part)),
			st->count);
	else
		name = g_strdup_printf("message-%u.eml", st->count);
	bytes = part_bytes(part);
	path =
	    write_part_file(st->dir, name, bytes->data, bytes->len, &st->error);
	g_byte_array_unref(bytes);
	if (path == NULL)
		return;
	a = draft_attachment_new(NULL);
	a->path = path;
	a->content_type = g_mime_content_type_get_mime_type(ct);
	if (GMIME_IS_PART(part)) {
		const char *fn = g_mime_part_get_filename(GMIME_PART(part));
		const char *desc =
		    g_mime_part_get_content_description(GMIME_PART(part));

		a->name = fn != NULL ? g_strdup(fn) : NULL;
		a->description = desc != NULL ? g_strdup(desc) : NULL;
	}
	if (st->d->attachments == NULL)
		st->d->attachments = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)draft_attachment_free);
	g_ptr_array_add(st->d->attachments, a);
}

/* The text of the body part as UTF-8 with LF lines, unflowed if flowed. */
static char *
body_text(GMimeObject *part, bool *flowed)
{
	GMimeContentType *ct = g_mime_object_get_content_type(part);
	const char *format = g_mime_content_type_get_parameter(ct, "format");
	const char *delsp = g_mime_content_type_get_parameter(ct, "delsp");
	g_autofree char *text =
	    g_mime_text_part_get_text(GMIME_TEXT_PART(part));
	GString *s = g_string_new(NULL);

	*flowed = format != NULL && g_ascii_strcasecmp(format, "flowed") == 0;
	for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			g_string_append_c(s, *p);
	if (*flowed) {
		char *out = mime_render_part(s->str, s->len, "text/plain",
		    "8bit", "utf-8", true,
		    delsp != NULL && g_ascii_strcasecmp(delsp, "yes") == 0);

		g_string_free(s, TRUE);
		return out;
	}
	return g_string_free(s, FALSE);
}

struct draft *
draft_parse(const char *data, size_t len, const char *dir, GError **err)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	GMimeHeaderList *hl;
	struct parse_state st = { 0 };
	struct draft *d;
	int n;

	stream = g_mime_stream_mem_new_with_buffer(data, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	msg = g_mime_parser_construct_message(parser, mime_parser_options());
	g_object_unref(parser);
	if (msg == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
		    "not a message");
		return NULL;
	}
	d = draft_new();
	d->from = list_text(g_mime_message_get_from(msg));
	d->to = list_text(g_mime_message_get_to(msg));
	d->cc = list_text(g_mime_message_get_cc(msg));
	d->bcc = list_text(g_mime_message_get_bcc(msg));
	d->reply_to = list_text(g_mime_message_get_reply_to(msg));
	if (g_mime_message_get_subject(msg) != NULL)
		d->subject = g_strdup(g_mime_message_get_subject(msg));
	d->in_reply_to = raw_header(GMIME_OBJECT(msg), "In-Reply-To");
	d->references = raw_header(GMIME_OBJECT(msg), "References");
	if (g_mime_message_get_message_id(msg) != NULL)
		d->message_id =
		    g_strdup_printf("<%s>", g_mime_message_get_message_id(msg));
	hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	n = g_mime_header_list_get_count(hl);
	for (int i = 0; i < n && i < 500; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h);
		const char *value = g_mime_header_get_value(h);

		if (name == NULL || !kept_header(name))
			continue;
		if (d->headers == NULL)
			d->headers = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(d->headers,
		    g_strdup_printf("%s: %s", name,
			value != NULL ? value : ""));
	}
	st.d = d;
	st.dir = dir;
	g_mime_message_foreach(msg, find_body, &st);
	if (st.body != NULL)
		d->body = body_text(st.body, &d->flowed);
	else
		d->body = g_strdup("");
	g_mime_message_foreach(msg, save_leaf, &st);
	g_object_unref(msg);
	if (st.error != NULL) {
		g_propagate_error(err, st.error);
		draft_free(d);
		return NULL;
	}
	return d;
}

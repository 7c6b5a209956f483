/* SPDX-License-Identifier: ISC */
/* Answering a message: the drafts of r, g, L and f, as mutt makes them. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "mime/compose.h"
#include "mime/headers.h"
#include "mime/message.h"
#include "mime/mime-internal.h"
#include "mime/mime.h"
#include "mime/render.h"
#include "mime/reply.h"
#include "util/error.h"

/* Fields kept from the original's header: the ones answering reads. */
static const char *const wanted[] = {
	"from",
	"reply-to",
	"to",
	"cc",
	"subject",
	"date",
	"message-id",
	"references",
	"mail-followup-to",
	"list-post",
};

static void
on_field(const char *name, size_t len, const char *value, void *data)
{
	GHashTable *fields = data;
	g_autofree char *lower = g_ascii_strdown(name, (gssize)len);

	for (size_t i = 0; i < G_N_ELEMENTS(wanted); i++) {
		if (strcmp(lower, wanted[i]) == 0 &&
		    !g_hash_table_contains(fields, wanted[i])) {
			g_hash_table_insert(fields, g_strdup(wanted[i]),
			    g_strdup(value));
			return;
		}
	}
}

struct reply_orig *
reply_orig_parse(const char *data, size_t len, const char *alternative_order)
{
	struct reply_orig *o = g_new0(struct reply_orig, 1);
	struct mime_message *msg;
	const struct mime_leaf *leaf;

	o->fields =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	mime_header_fields(data, len, on_field, o->fields);
	msg = mime_message_parse(data, len);
	leaf = mime_message_choose_text(msg, alternative_order);
	if (leaf != NULL) {
		gsize n = 0;
		const char *bytes = leaf->content != NULL
		    ? g_bytes_get_data(leaf->content, &n)
		    : NULL;

		o->text = mime_render_part(bytes != NULL ? bytes : "", n,
		    leaf->type, leaf->encoding, leaf->charset, leaf->flowed,
		    leaf->delsp);
	}
	if (o->text == NULL)
		o->text = g_strdup("");
	mime_message_free(msg);
	return o;
}

void
reply_orig_free(struct reply_orig *o)
{
	if (o == NULL)
		return;
	g_hash_table_unref(o->fields);
	g_free(o->text);
	g_free(o);
}

const char *
reply_orig_field(const struct reply_orig *o, const char *name)
{
	g_autofree char *lower = g_ascii_strdown(name, -1);

	return g_hash_table_lookup(o->fields, lower);
}

/*
 * Control characters (an encoded CR or LF, ESC) in a decoded header value
 * become spaces: the value goes into a header line of ours, or a prompt.
 */
static char *
one_line(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			*p = ' ';
	}
	return s;
}

/* The decoded value of a field, on one line; "" when absent. */
static char *
decoded(const struct reply_orig *o, const char *name)
{
	const char *raw = reply_orig_field(o, name);

	return one_line(raw != NULL ? mime_decode_header(raw) : g_strdup(""));
}

/* The length of a reply prefix at s ("Re:", "AW:", "Fwd:", "Re[2]:"). */
static size_t
prefix_len(const char *s)
{
	static const char *const words[] = { "re", "aw", "fwd", "fw" };

	for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
		size_t n = strlen(words[i]);
		const char *p = s + n;

		if (g_ascii_strncasecmp(s, words[i], n) != 0)
			continue;
		if (*p == '[') {
			p++;
			while (g_ascii_isdigit(*p))
				p++;
			if (*p != ']')
				continue;
			p++;
		}
		if (*p == ':')
			return (size_t)(p + 1 - s);
	}
	return 0;
}

char *
reply_subject(const char *subject, const char *prefix)
{
	const char *s = subject != NULL ? subject : "";
	size_t n;

	while (g_ascii_isspace(*s))
		s++;
	while ((n = prefix_len(s)) > 0) {
		s += n;
		while (g_ascii_isspace(*s))
			s++;
	}
	return one_line(g_strconcat(prefix, s, NULL));
}

/* The "<...>" IDs of text, in order, appended to ids. */
static void
split_ids(const char *text, GPtrArray *ids)
{
	const char *p = text;

	while (p != NULL && (p = strchr(p, '<')) != NULL) {
		const char *end = strchr(p, '>');

		if (end == NULL)
			break;
		/* An ID has no white space and no nested '<'. */
		if (memchr(p + 1, '<', (size_t)(end - p - 1)) == NULL &&
		    strcspn(p, " \t\r\n") > (size_t)(end - p))
			g_ptr_array_add(ids,
			    g_strndup(p, (size_t)(end - p + 1)));
		p = end + 1;
	}
}

char *
reply_references(const char *references, const char *message_id)
{
	g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
	GString *out;

	split_ids(references, ids);
	split_ids(message_id, ids);
	if (ids->len == 0)
		return NULL;
	out = g_string_new(NULL);
	for (guint i = 0; i < ids->len; i++) {
		/* The thread's root, then the newest ones. */
		if (i > 0 && ids->len > REPLY_MAX_REFERENCES &&
		    i < ids->len - (REPLY_MAX_REFERENCES - 1))
			continue;
		if (out->len > 0)
			g_string_append_c(out, ' ');
		g_string_append(out, ids->pdata[i]);
	}
	return g_string_free(out, FALSE);
}

char *
reply_quote(const char *text)
{
	GString *out = g_string_new(NULL);
	const char *p = text != NULL ? text : "";
	size_t len = strlen(p);

	/* The last line break ends the text: no empty quoted line after. */
	while (len > 0 && p[len - 1] == '\n')
		len--;
	for (const char *end = p + len; p <= end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		if (n == 0)
			g_string_append(out, ">\n");
		else {
			g_string_append(out, "> ");
			g_string_append_len(out, p, (gssize)n);
			g_string_append_c(out, '\n');
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return g_string_free(out, FALSE);
}

/* The sender's display name (else its address) and address. */
static void
sender_of(const struct reply_orig *o, char **name, char **addr)
{
	mime_first_mailbox(reply_orig_field(o, "from"), name, addr);
	if (*addr == NULL)
		*addr = g_strdup("");
	if (*name == NULL)
		*name = g_strdup(*addr);
}

char *
reply_attribution(const struct reply_orig *o, const char *fmt)
{
	GString *out = g_string_new(NULL);
	g_autofree char *name = NULL, *addr = NULL;

	sender_of(o, &name, &addr);
	for (const char *p = fmt != NULL ? fmt : ""; *p != '\0'; p++) {
		g_autofree char *date = NULL, *subject = NULL;

		if (*p != '%' || p[1] == '\0') {
			g_string_append_c(out, *p);
			continue;
		}
		switch (*++p) {
		case 'd':
			date = decoded(o, "date");
			g_string_append(out, date);
			break;
		case 'n':
			g_string_append(out, name);
			break;
		case 'a':
			g_string_append(out, addr);
			break;
		case 's':
			subject = decoded(o, "subject");
			g_string_append(out, subject);
			break;
		case '%':
			g_string_append_c(out, '%');
			break;
		default:
			g_string_append_c(out, '%');
			g_string_append_c(out, *p);
			break;
		}
	}
	return g_string_free(out, FALSE);
}

bool
reply_is_own(const char *addr, const char *from, const char *alternates)
{
	if (addr == NULL || *addr == '\0')
		return false;
	if (from != NULL && *from != '\0') {
		g_autofree char *name = NULL, *own = NULL;

		mime_first_mailbox(from, &name, &own);
		if (own != NULL && g_ascii_strcasecmp(own, addr) == 0)
			return true;
	}
	if (alternates != NULL && *alternates != '\0') {
		g_autofree char *anchored =
		    g_strdup_printf("^(?:%s)$", alternates);
		GRegex *re = g_regex_new(anchored, G_REGEX_CASELESS, 0, NULL);
		bool match = false;

		if (re != NULL) {
			match = g_regex_match(re, addr, 0, NULL);
			g_regex_unref(re);
		}
		return match;
	}
	return false;
}

/* The mailboxes of list, groups opened, appended to out. */
static void
flatten(InternetAddressList *list, GPtrArray *out, int depth)
{
	int n = list != NULL ? internet_address_list_length(list) : 0;

	for (int i = 0; i < n && depth < 4; i++) {
		InternetAddress *a = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			g_ptr_array_add(out, g_object_ref(a));
		else if (INTERNET_ADDRESS_IS_GROUP(a))
			flatten(internet_address_group_get_members(
				    INTERNET_ADDRESS_GROUP(a)),
			    out, depth + 1);
	}
}

/* An address list being made: mailboxes shown as typed, each once. */
struct addrs {
	GString *text;	  /* "A <a@x>, b@y" */
	GHashTable *seen; /* lower-case addresses, of every list */
	const struct reply_opts *opts;
	bool skip_own;
};

/* Add the mailboxes of raw (a header value); own ones are left out. */
static void
addrs_add(struct addrs *to, const char *raw)
{
	InternetAddressList *list;
	g_autoptr(GPtrArray) boxes = NULL;

	if (raw == NULL)
		return;
	list = internet_address_list_parse(mime_parser_options(), raw);
	if (list == NULL)
		return;
	boxes = g_ptr_array_new_with_free_func(g_object_unref);
	flatten(list, boxes, 0);
	for (guint i = 0; i < boxes->len; i++) {
		InternetAddress *a = boxes->pdata[i];
		const char *addr = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(a));
		g_autofree char *key = NULL, *shown = NULL;

		if (addr == NULL || *addr == '\0')
			continue;
		key = g_ascii_strdown(addr, -1);
		if (g_hash_table_contains(to->seen, key))
			continue;
		if (to->skip_own &&
		    reply_is_own(addr, to->opts->from, to->opts->alternates))
			continue;
		shown = one_line(internet_address_to_string(a, NULL, FALSE));
		if (to->text->len > 0)
			g_string_append(to->text, ", ");
		g_string_append(to->text, shown);
		g_hash_table_add(to->seen, g_steal_pointer(&key));
	}
	g_object_unref(list);
}

static char *
addrs_take(struct addrs *a)
{
	char *s = a->text->len > 0 ? g_strdup(a->text->str) : NULL;

	g_string_truncate(a->text, 0);
	return s;
}

/* The address of a List-Post field's first mailto: URL, or NULL. */
static char *
list_post_address(const char *value)
{
	const char *p = value;

	while (p != NULL && (p = strchr(p, '<')) != NULL) {
		const char *end = strchr(p, '>');

		p++;
		if (end == NULL)
			break;
		if (g_ascii_strncasecmp(p, "mailto:", 7) == 0) {
			g_autofree char *url =
			    g_strndup(p + 7, (size_t)(end - p - 7));
			char *q = strchr(url, '?');

			if (q != NULL)
				*q = '\0';
			g_strstrip(url);
			if (*url != '\0' && strchr(url, '@') != NULL)
				return g_uri_unescape_string(url, NULL);
		}
		p = end + 1;
	}
	return NULL;
}

/* The body of an answer: text then the signature (-- ). */
static char *
with_signature(GString *body, const struct reply_opts *opts)
{
	if (opts->signature != NULL && *opts->signature != '\0') {
		/* One empty line before the "-- " line. */
		if (body->len > 0 && body->str[body->len - 1] != '\n')
			g_string_append_c(body, '\n');
		if (body->len == 0 || !g_str_has_suffix(body->str, "\n\n"))
			g_string_append_c(body, '\n');
		g_string_append(body, "-- \n");
		g_string_append(body, opts->signature);
		if (body->str[body->len - 1] != '\n')
			g_string_append_c(body, '\n');
	}
	return g_string_free(body, FALSE);
}

static struct draft *
draft_for(const struct reply_opts *opts)
{
	struct draft *d = draft_new();

	d->from = g_strdup(opts->from);
	d->flowed = opts->flowed;
	return d;
}

struct draft *
reply_make(const struct reply_orig *o, enum reply_mode mode,
    const struct reply_opts *opts, GError **err)
{
	struct addrs a = { g_string_new(NULL),
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		opts, false };
	const char *from = reply_orig_field(o, "from");
	const char *reply_to = reply_orig_field(o, "reply-to");
	const char *mft = reply_orig_field(o, "mail-followup-to");
	const char *answer =
	    opts->honour_reply_to && reply_to != NULL ? reply_to : from;
	g_autofree char *to = NULL, *cc = NULL, *subject = NULL;
	g_autofree char *attribution = NULL, *quoted = NULL;
	g_autofree char *from_name = NULL, *from_addr = NULL;
	struct draft *d;
	GString *body;

	mime_first_mailbox(from, &from_name, &from_addr);
	if (mode == REPLY_LIST) {
		to = list_post_address(reply_orig_field(o, "list-post"));
		if (to == NULL) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
			    "no mailing list found in this message");
			goto fail;
		}
	} else if (mode == REPLY_GROUP && mft != NULL) {
		/* Mail-Followup-To says who gets the answers: all of them. */
		a.skip_own = true;
		addrs_add(&a, mft);
		to = addrs_take(&a);
	} else if (from_addr != NULL &&
	    reply_is_own(from_addr, opts->from, opts->alternates)) {
		/* Our own message: to its recipients again, as mutt. */
		addrs_add(&a, reply_orig_field(o, "to"));
		to = addrs_take(&a);
		if (mode == REPLY_GROUP) {
			addrs_add(&a, reply_orig_field(o, "cc"));
			cc = addrs_take(&a);
		}
	} else {
		addrs_add(&a, answer);
		to = addrs_take(&a);
		if (mode == REPLY_GROUP) {
			a.skip_own = true;
			addrs_add(&a, reply_orig_field(o, "to"));
			addrs_add(&a, reply_orig_field(o, "cc"));
			cc = addrs_take(&a);
		}
	}
	if (to == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "no address to reply to in this message");
		goto fail;
	}
	d = draft_for(opts);
	d->to = g_steal_pointer(&to);
	d->cc = g_steal_pointer(&cc);
	subject = decoded(o, "subject");
	d->subject = reply_subject(subject, "Re: ");
	if (reply_orig_field(o, "message-id") != NULL) {
		d->in_reply_to =
		    mime_squeeze_space(reply_orig_field(o, "message-id"));
	}
	d->references = reply_references(reply_orig_field(o, "references"),
	    reply_orig_field(o, "message-id"));
	attribution = reply_attribution(o, opts->attribution);
	quoted = reply_quote(o->text);
	body = g_string_new(NULL);
	if (*attribution != '\0') {
		g_string_append(body, attribution);
		g_string_append_c(body, '\n');
	}
	g_string_append(body, quoted);
	g_string_append_c(body, '\n');
	d->body = with_signature(body, opts);
	g_string_free(a.text, TRUE);
	g_hash_table_unref(a.seen);
	return d;
fail:
	g_string_free(a.text, TRUE);
	g_hash_table_unref(a.seen);
	return NULL;
}

/* The forward's subject: forward_format with %s, %n, %a. */
static char *
forward_subject(const struct reply_orig *o, const char *fmt)
{
	g_autofree char *subject = decoded(o, "subject");
	g_autofree char *bare = reply_subject(subject, "");
	g_autofree char *name = NULL, *addr = NULL;
	GString *out = g_string_new(NULL);

	sender_of(o, &name, &addr);
	for (const char *p = fmt != NULL && *fmt != '\0' ? fmt : "Fwd: %s";
	     *p != '\0'; p++) {
		if (*p != '%' || p[1] == '\0') {
			g_string_append_c(out, *p);
			continue;
		}
		switch (*++p) {
		case 's':
			g_string_append(out, bare);
			break;
		case 'n':
			g_string_append(out, name);
			break;
		case 'a':
			g_string_append(out, addr);
			break;
		case '%':
			g_string_append_c(out, '%');
			break;
		default:
			g_string_append_c(out, '%');
			g_string_append_c(out, *p);
			break;
		}
	}
	return g_string_free(out, FALSE);
}

struct draft *
reply_forward(const struct reply_orig *o, const struct reply_opts *opts,
    const char *message_path)
{
	struct draft *d = draft_for(opts);
	GString *body = g_string_new(NULL);

	d->subject = forward_subject(o, opts->forward_format);
	if (message_path != NULL) {
		struct draft_attachment *at =
		    draft_attachment_new(message_path);

		at->content_type = g_strdup("message/rfc822");
		at->name = g_strdup("forwarded-message.eml");
		at->description = g_strdup(d->subject);
		d->attachments = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)draft_attachment_free);
		g_ptr_array_add(d->attachments, at);
	} else {
		static const char *const shown[] = { "Date", "From", "To", "Cc",
			"Subject" };
		g_autofree char *who = decoded(o, "from");
		size_t len = strlen(o->text);

		g_string_append_printf(body,
		    "----- Forwarded message from %s -----\n\n", who);
		for (size_t i = 0; i < G_N_ELEMENTS(shown); i++) {
			g_autofree char *v = NULL;

			if (reply_orig_field(o, shown[i]) == NULL)
				continue;
			v = decoded(o, shown[i]);
			g_string_append_printf(body, "%s: %s\n", shown[i], v);
		}
		g_string_append_c(body, '\n');
		g_string_append(body, o->text);
		if (len > 0 && o->text[len - 1] != '\n')
			g_string_append_c(body, '\n');
		g_string_append(body, "\n----- End forwarded message -----\n");
	}
	d->body = with_signature(body, opts);
	return d;
}

/* The fields edit_headers puts in the file, and where they go. */
static const struct {
	const char *name;
	size_t offset;
} edited[] = {
	{ "From", offsetof(struct draft, from) },
	{ "To", offsetof(struct draft, to) },
	{ "Cc", offsetof(struct draft, cc) },
	{ "Bcc", offsetof(struct draft, bcc) },
	{ "Subject", offsetof(struct draft, subject) },
	{ "Reply-To", offsetof(struct draft, reply_to) },
};

static char **
field_of(struct draft *d, size_t i)
{
	return (char **)((char *)d + edited[i].offset);
}

char *
reply_edit_text(const struct draft *d, bool headers)
{
	GString *out = g_string_new(NULL);

	if (headers) {
		for (size_t i = 0; i < G_N_ELEMENTS(edited); i++) {
			char *v = *field_of((struct draft *)d, i);

			g_string_append_printf(out, "%s: %s\n", edited[i].name,
			    v != NULL ? v : "");
		}
		if (d->headers != NULL) {
			for (guint i = 0; i < d->headers->len; i++)
				g_string_append_printf(out, "%s\n",
				    (const char *)d->headers->pdata[i]);
		}
		g_string_append_c(out, '\n');
	}
	g_string_append(out, d->body != NULL ? d->body : "");
	return g_string_free(out, FALSE);
}

/* Set one field read from the file (name not NUL-terminated). */
static void
apply_field(struct draft *d, const char *name, size_t len, const char *value,
    GPtrArray *others)
{
	g_autofree char *v = g_strstrip(g_strdup(value));

	for (size_t i = 0; i < G_N_ELEMENTS(edited); i++) {
		char **field = field_of(d, i);

		if (strlen(edited[i].name) != len ||
		    g_ascii_strncasecmp(edited[i].name, name, len) != 0)
			continue;
		g_free(*field);
		*field = *v != '\0' ? g_steal_pointer(&v) : NULL;
		return;
	}
	if (*v != '\0')
		g_ptr_array_add(others,
		    g_strdup_printf("%.*s: %s", (int)len, name, v));
}

struct edit_fields {
	struct draft *d;
	GPtrArray *others;
};

static void
on_edit_field(const char *name, size_t len, const char *value, void *data)
{
	struct edit_fields *ef = data;

	apply_field(ef->d, name, len, value, ef->others);
}

void
reply_edit_apply(struct draft *d, const char *text, bool headers)
{
	const char *p = text;

	if (headers) {
		GPtrArray *others = g_ptr_array_new_with_free_func(g_free);
		struct edit_fields ef;
		const char *end = p;

		/* The header block: up to the first empty line. */
		while (*end != '\0') {
			const char *nl = strchr(end, '\n');

			if (nl == NULL) {
				end += strlen(end);
				p = end;
				break;
			}
			if (nl == end || (nl == end + 1 && *end == '\r')) {
				p = nl + 1;
				break;
			}
			end = nl + 1;
			p = end;
		}
		for (size_t i = 0; i < G_N_ELEMENTS(edited); i++)
			g_clear_pointer(field_of(d, i), g_free);
		ef.d = d;
		ef.others = others;
		mime_header_fields(text, (size_t)(end - text), on_edit_field,
		    &ef);
		if (d->headers != NULL)
			g_ptr_array_unref(d->headers);
		d->headers = others;
	}
	g_free(d->body);
	d->body = g_strdup(p);
}

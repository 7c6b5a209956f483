/* SPDX-License-Identifier: ISC */
/* Request and reply values, and the capability check. */
#include "config.h"

#include <string.h>

#include "backend/backend.h"
#include "backend/search-tree.h"
#include "backend/types.h"
#include "util/error.h"

struct request *
request_new(enum request_kind kind)
{
	struct request *req = g_new0(struct request, 1);

	req->kind = kind;
	return req;
}

void
request_free(struct request *req)
{
	if (req == NULL)
		return;
	g_free(req->folder);
	g_free(req->section);
	g_free(req->encoding);
	g_free(req->path);
	g_free(req->target);
	g_free(req->sender);
	if (req->recipients != NULL)
		g_ptr_array_unref(req->recipients);
	if (req->uids != NULL)
		g_array_unref(req->uids);
	search_node_free(req->search);
	g_free(req);
}

void
folder_info_free(struct folder_info *fi)
{
	if (fi == NULL)
		return;
	g_free(fi->name);
	g_free(fi->server_name);
	g_free(fi);
}

void
part_info_free(struct part_info *pi)
{
	if (pi == NULL)
		return;
	g_free(pi->section);
	g_free(pi->type);
	g_free(pi->name);
	g_free(pi->encoding);
	g_free(pi->charset);
	g_free(pi);
}

void
message_text_free(struct message_text *mt)
{
	if (mt == NULL)
		return;
	g_free(mt->headers);
	g_free(mt->body);
	g_free(mt->shown_type);
	g_free(mt->partial_name);
	if (mt->parts != NULL)
		g_ptr_array_unref(mt->parts);
	g_free(mt);
}

void
folder_state_free(struct folder_state *fs)
{
	if (fs == NULL)
		return;
	if (fs->uids != NULL)
		g_array_unref(fs->uids);
	if (fs->threads != NULL)
		g_array_unref(fs->threads);
	g_free(fs->name);
	g_free(fs);
}

/* Copy s (NULL: "") to *dst and set *field to it; returns the next dst. */
static char *
put(char *dst, const char **field, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n > 0)
		memcpy(dst, s, n);
	dst[n] = '\0';
	*field = dst;
	return dst + n + 1;
}

struct envelope *
envelope_new(const struct envelope_fields *f)
{
	const char *s[] = { f->from, f->from_addr, f->to, f->subject,
		f->message_id, f->in_reply_to, f->references };
	size_t len = 0;
	struct envelope *env;
	const char *ignored;
	char *p;

	for (size_t i = 0; i < G_N_ELEMENTS(s); i++)
		len += (s[i] != NULL ? strlen(s[i]) : 0) + 1;
	env = g_malloc(sizeof(*env) + len);
	env->uid = f->uid;
	env->flags = f->flags;
	env->size = f->size;
	env->date = f->date;
	env->received = f->received;
	p = env->strings;
	p = put(p, &env->from, f->from);
	p = put(p, &env->from_addr, f->from_addr);
	p = put(p, &env->to, f->to);
	p = put(p, &env->subject, f->subject);
	/* The three ids one after the other: env->ids is the first. */
	p = put(p, &env->ids, f->message_id);
	p = put(p, &ignored, f->in_reply_to);
	put(p, &ignored, f->references);
	return env;
}

struct envelope *
envelope_interned(const struct envelope *env, GStringChunk *pool)
{
	const char *refs = envelope_references(env);
	size_t ids_len = (size_t)(refs - env->ids) + strlen(refs) + 1;
	size_t len = strlen(env->subject) + 1 + ids_len;
	struct envelope *copy;
	char *p;

	copy = g_malloc(sizeof(*copy) + len);
	copy->uid = env->uid;
	copy->flags = env->flags;
	copy->size = env->size;
	copy->date = env->date;
	copy->received = env->received;
	copy->from = g_string_chunk_insert_const(pool, env->from);
	copy->from_addr = g_string_chunk_insert_const(pool, env->from_addr);
	copy->to = g_string_chunk_insert_const(pool, env->to);
	p = put(copy->strings, &copy->subject, env->subject);
	memcpy(p, env->ids, ids_len);
	copy->ids = p;
	return copy;
}

void
reply_free(struct reply *reply)
{
	if (reply == NULL)
		return;
	g_clear_error(&reply->error);
	if (reply->folders != NULL)
		g_ptr_array_unref(reply->folders);
	folder_state_free(reply->folder);
	if (reply->envelopes != NULL)
		g_ptr_array_unref(reply->envelopes);
	message_text_free(reply->message);
	folder_update_free(reply->update);
	if (reply->uids != NULL)
		g_array_unref(reply->uids);
	g_free(reply->fingerprint);
	g_free(reply->account);
	g_free(reply);
}

struct folder_update *
folder_update_new(const char *folder, uint32_t uidvalidity)
{
	struct folder_update *u = g_new0(struct folder_update, 1);

	u->folder = g_strdup(folder);
	u->uidvalidity = uidvalidity;
	u->added = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	u->added_flags = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	u->expunged = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	u->flags = g_array_new(FALSE, FALSE, sizeof(struct uid_flags));
	return u;
}

bool
folder_update_empty(const struct folder_update *u)
{
	return u->added->len == 0 && u->expunged->len == 0 &&
	    u->flags->len == 0 && !u->reload;
}

void
folder_update_free(struct folder_update *u)
{
	if (u == NULL)
		return;
	g_free(u->folder);
	g_array_unref(u->added);
	g_array_unref(u->added_flags);
	g_array_unref(u->expunged);
	g_array_unref(u->flags);
	g_free(u);
}

bool
reply_is_terminal(const struct reply *reply)
{
	return reply->kind == REPLY_DONE || reply->kind == REPLY_ERROR ||
	    reply->kind == REPLY_CANCELLED || reply->kind == REPLY_UNSUPPORTED;
}

bool
backend_has_cap(const struct backend *be, enum backend_cap cap)
{
	return (be->ops->caps & cap) != 0;
}

static struct {
	const char *scheme;
	backend_new_fn *fn;
} registry[8];

void
backend_register(const char *scheme, backend_new_fn *fn)
{
	for (size_t i = 0; i < G_N_ELEMENTS(registry); i++) {
		if (registry[i].scheme == NULL ||
		    strcmp(registry[i].scheme, scheme) == 0) {
			registry[i].scheme = scheme;
			registry[i].fn = fn;
			return;
		}
	}
	g_error("backend registry full");
}

struct backend *
backend_new_for(const char *scheme, const struct backend_params *params)
{
	for (size_t i = 0; i < G_N_ELEMENTS(registry); i++) {
		if (registry[i].scheme != NULL &&
		    strcmp(registry[i].scheme, scheme) == 0)
			return registry[i].fn(params);
	}
	return NULL;
}

char *
backend_password_command(const char *account, const char *command, GError **err)
{
	const char *argv[] = { "/bin/sh", "-c", command, NULL };
	g_autofree char *out = NULL;
	g_autoptr(GError) error = NULL;
	int status = 0;
	char *nl, *password;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
		NULL, NULL, &out, NULL, &status, &error)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_AUTH,
		    "%s: cannot run password_command: %s", account,
		    error->message);
		return NULL;
	}
	if (!g_spawn_check_wait_status(status, NULL) || out == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_AUTH,
		    "%s: password_command failed", account);
		if (out != NULL)
			explicit_bzero(out, strlen(out));
		return NULL;
	}
	nl = strpbrk(out, "\r\n");
	if (nl != NULL)
		*nl = '\0';
	password = g_strdup(out);
	explicit_bzero(out, strlen(out));
	return password;
}

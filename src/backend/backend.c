/* SPDX-License-Identifier: ISC */
/* Request and reply values, and the capability check. */
#include "config.h"

#include "backend/backend.h"
#include "backend/types.h"

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
	g_free(req);
}

void
reply_free(struct reply *reply)
{
	if (reply == NULL)
		return;
	g_clear_error(&reply->error);
	g_free(reply->account);
	g_free(reply);
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

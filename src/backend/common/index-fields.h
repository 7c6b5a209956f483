/* SPDX-License-Identifier: ISC */
/*
 * The index's fields of a header block (mime/headers.c) as a driver's
 * envelope fields: shared by the drivers that read header blocks (IMAP's
 * HEADER.FIELDS, Maildir files).
 */
#ifndef SKUA_BACKEND_COMMON_INDEX_FIELDS_H
#define SKUA_BACKEND_COMMON_INDEX_FIELDS_H

#include "backend/types.h"
#include "mime/headers.h"

/*
 * Point f's strings at xf's (which must outlive f's use); a missing Date:
 * becomes the arrival time already in f->received.
 */
static inline void
envelope_fields_take(struct envelope_fields *f,
    const struct mime_index_fields *xf)
{
	f->subject = xf->subject;
	f->from = xf->from;
	f->from_addr = xf->from_addr;
	f->to = xf->to;
	f->message_id = xf->message_id;
	f->in_reply_to = xf->in_reply_to;
	f->references = xf->references;
	f->date = xf->date != 0 ? xf->date : f->received;
}

#endif

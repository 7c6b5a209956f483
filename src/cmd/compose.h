/* SPDX-License-Identifier: ISC */
/*
 * Writing mail: new messages, replies, forwards, edit as new and recall,
 * the editor, and the keys of the compose screen. Each message being
 * written is a session that owns its draft and a private temporary
 * directory (0700) for the editor's file and fetched messages. Main thread.
 */
#ifndef SKUA_CMD_COMPOSE_H
#define SKUA_CMD_COMPOSE_H

struct core;

/* From the index and the pager. */
void cmd_mail(struct core *core);	     /* m */
void cmd_reply(struct core *core);	     /* r */
void cmd_group_reply(struct core *core);     /* g */
void cmd_list_reply(struct core *core);	     /* L */
void cmd_forward_message(struct core *core); /* f */
void cmd_edit_as_new(struct core *core);     /* e */
void cmd_recall_message(struct core *core);  /* R */
/* After R opened Drafts: recall its message if it is the only one. */
void cmd_recall_only_draft(struct core *core);
/* The compose screen. */
void cmd_edit_to(struct core *core);	      /* t */
void cmd_edit_cc(struct core *core);	      /* c */
void cmd_edit_bcc(struct core *core);	      /* b */
void cmd_edit_subject(struct core *core);     /* s */
void cmd_edit_reply_to(struct core *core);    /* r */
void cmd_edit_from(struct core *core);	      /* f */
void cmd_edit_message(struct core *core);     /* e */
void cmd_attach_file(struct core *core);      /* a */
void cmd_detach_file(struct core *core);      /* D */
void cmd_send_message(struct core *core);     /* y */
void cmd_postpone_message(struct core *core); /* P */
void cmd_abort_message(struct core *core);    /* q */

#endif

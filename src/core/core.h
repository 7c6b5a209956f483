/* SPDX-License-Identifier: ISC */
/*
 * The model, owned by the main thread: the configuration, the accounts and
 * the state of the session. Views read it; commands change it.
 */
#ifndef SKUA_CORE_CORE_H
#define SKUA_CORE_CORE_H

#include <glib.h>
#include <stdbool.h>

struct config;
struct optset;
struct url;

enum account_kind {
	ACCOUNT_IMAP,  /* mail on an IMAP server */
	ACCOUNT_POP,   /* downloaded by POP3 into a local store */
	ACCOUNT_LOCAL, /* a local Maildir */
};

struct account {
	char *name;
	enum account_kind kind;
	const struct optset *opts; /* borrowed from the config */
	struct url *url;	   /* IMAP and POP; NULL for local */
	char *path;		   /* local: the Maildir, ~ expanded */
	char *initial_folder;	   /* folder to open first; NULL: spoolfile */
};

struct core {
	struct config *cfg;  /* owned */
	GPtrArray *accounts; /* struct account *, in rc order */
	bool quit_requested;
};

/* Takes ownership of cfg; accounts are built with core_add_accounts(). */
struct core *core_new(struct config *cfg);
void core_free(struct core *core);
/*
 * Make the accounts of the config's account blocks; problems (no folder)
 * are appended to cfg->errors. Then, if folder_arg (the -f argument) is
 * not NULL, make or select the account it names. False with err when
 * folder_arg is not a valid URL or path.
 */
bool core_add_accounts(struct core *core, const char *folder_arg, GError **err);
/* "imaps", "pop", "maildir": for display. */
const char *account_kind_name(const struct account *acc);
/* The location for display, without any password. Caller frees. */
char *account_location(const struct account *acc);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * Mailcap files (RFC 1524): which program shows a MIME type, and running
 * it without ever handing mail data to a shell. The command templates are
 * the user's text; what is substituted into them comes from mail and is
 * either a temporary file name we make or a value of a restricted
 * character set, else the entry is not used.
 */
#ifndef SKUA_MIME_MAILCAP_H
#define SKUA_MIME_MAILCAP_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* Bounds on what is read: longer lines and bigger files are skipped. */
#define MAILCAP_MAX_LINE    4096
#define MAILCAP_MAX_FILE    (1024 * 1024)
#define MAILCAP_MAX_ENTRIES 2000
/* How long a test= command may run, in milliseconds. */
#define MAILCAP_TEST_TIMEOUT 5000

/* One entry; every string is owned by the mailcap it came from. */
struct mailcap_entry {
	char *type;	    /* lower case: "text/html", "text/ *", "text" */
	char *command;	    /* the view command: the user's template */
	char *test;	    /* test= command; NULL if none */
	char *nametemplate; /* nametemplate=, "%s.html"; NULL if none */
	bool copiousoutput;
	bool needsterminal;
};

/* The entries of the files read, in order (first match wins). */
struct mailcap {
	GPtrArray *entries; /* struct mailcap_entry * */
};

struct mailcap *mailcap_new(void);
void mailcap_free(struct mailcap *mc);
/*
 * Parse mailcap text and append its entries: comments, "\" line
 * continuation, "\;" inside fields, the flags copiousoutput and
 * needsterminal, test= and nametemplate= (other fields are ignored).
 * Lines longer than MAILCAP_MAX_LINE are skipped; at most
 * MAILCAP_MAX_ENTRIES entries are kept. Returns the entries added.
 */
unsigned mailcap_parse(struct mailcap *mc, const char *text, size_t len);
/*
 * Read the files of a colon-separated list ("~/.mailcap:/etc/mailcap"),
 * ~ expanded, in order. Missing or unreadable files and files bigger than
 * MAILCAP_MAX_FILE are skipped. Never NULL; caller frees.
 */
struct mailcap *mailcap_load(const char *path_list);

/*
 * Whether a mailcap or alternative_order type pattern matches type:
 * exact (any case), "major/ *", "major" or "*".
 */
bool mailcap_type_matches(const char *pattern, const char *type);

enum mailcap_want {
	MAILCAP_ANY,
	MAILCAP_COPIOUS,     /* only copiousoutput entries (filters) */
	MAILCAP_INTERACTIVE, /* only entries without copiousoutput */
};

/*
 * The first entry for type (lower case "text/html") that is of the kind
 * wanted, whose command can be expanded safely with these parameters
 * (params: lower-case name -> value, may be NULL) and whose test=
 * command, if any, exits 0. NULL when there is none. The entry is
 * borrowed from mc. Runs test commands: not for the UI thread in a loop.
 */
const struct mailcap_entry *mailcap_lookup(const struct mailcap *mc,
    const char *type, GHashTable *params, enum mailcap_want want);

/*
 * Whether a value from mail may be substituted for %t or %{name}: not
 * empty, only [A-Za-z0-9._+/-], not starting with '-'.
 */
bool mailcap_value_is_safe(const char *value);

/*
 * Expand a command template: "\x" is x taken literally, %s the file (a
 * path we named), %t the type, %{name} a parameter (an absent one is
 * empty), %% a percent sign. Then argv: when the result has no shell
 * metacharacter, its words; else /bin/sh -c with it. NULL with err when
 * a value is unsafe (see mailcap_value_is_safe), or %s is used and file
 * is NULL, or the template uses %n or %F (multipart, unsupported).
 * *uses_file_out (may be NULL) tells whether %s appeared. Caller frees
 * with g_strfreev().
 */
char **mailcap_expand(const char *tmpl, const char *type, GHashTable *params,
    const char *file, bool *uses_file_out, GError **err);

/*
 * A path for a temporary copy of a part: a new directory of mode 0700
 * under g_get_tmp_dir() ($TMPDIR), and in it a name made from the
 * nametemplate (may be NULL) and the part's name (untrusted, may be NULL)
 * using only [A-Za-z0-9._-]. The file is not created. NULL with err.
 * Caller frees; mailcap_temp_remove() removes the file and the directory.
 */
char *mailcap_temp_path(const char *nametemplate, const char *name,
    GError **err);
void mailcap_temp_remove(const char *path);
/*
 * Write data to a new temporary file (mode 0600) from mailcap_temp_path.
 * NULL with err. Caller frees and removes.
 */
char *mailcap_temp_write(const char *nametemplate, const char *name,
    const void *data, size_t len, GError **err);

/*
 * Run the copiousoutput entry e on the file at path (its %s, else the
 * file is its standard input) and collect its standard output, at most
 * max_out bytes, within timeout_ms (then the command is killed). NULL
 * with err on a failure, a non-zero exit or the timeout. Blocks: run it
 * on a worker or a thread of its own. Caller frees.
 */
GBytes *mailcap_filter(const struct mailcap_entry *e, const char *type,
    GHashTable *params, const char *path, int timeout_ms, size_t max_out,
    GError **err);

#endif

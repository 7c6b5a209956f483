/* SPDX-License-Identifier: ISC */
/*
 * The options table: every option skua knows, its type, default and the
 * sentence skuarc(5) says about it. Keep it sorted by name; the unit tests
 * check the order, the defaults and that the man page documents each one.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "config/options.h"
#include "util/error.h"
#include "util/url.h"

/* An account's folder: an IMAP or POP3 URL, or a local path. */
static bool
check_folder(const char *value, GError **err)
{
	struct url *u;

	if (*value == '\0') {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "an empty folder");
		return false;
	}
	if (!url_is_url(value))
		return true;
	u = url_parse(value, err);
	if (u == NULL)
		return false;
	if (u->scheme == URL_SMTP || u->scheme == URL_SMTPS) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "'%s://' is for sending; use an imap, imaps, pop or pops "
		    "URL",
		    url_scheme_name(u->scheme));
		url_free(u);
		return false;
	}
	url_free(u);
	return true;
}

/* The index's order: mutt's names, with an optional "reverse-" prefix. */
static bool
check_sort(const char *value, GError **err)
{
	static const char *const names[] = { "date", "date-sent",
		"date-received", "from", "mailbox-order", "size", "subject",
		"threads", "to" };
	const char *v = value;

	if (g_str_has_prefix(v, "reverse-"))
		v += strlen("reverse-");
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (strcmp(v, names[i]) == 0)
			return true;
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
	    "no sort order '%s' (date, date-received, from, mailbox-order, "
	    "size, subject, threads, to, each with an optional reverse-)",
	    value);
	return false;
}

/* pop_delete: yes, no or ask. */
static bool
check_pop_delete(const char *value, GError **err)
{
	if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0 ||
	    strcmp(value, "ask") == 0)
		return true;
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
	    "pop_delete is yes, no or ask, not '%s'", value);
	return false;
}

/* clang-format off */
static const struct option_def table[] = {
	{ "alternates", OPT_STRING, OPT_ACCOUNT, NULL, 0, 0, NULL,
	  "A regular expression (caseless, whole address) of your other addresses, left out of group replies like from's." },
	{ "alternative_order", OPT_STRING, 0, "text/plain text/html", 0, 0, NULL,
	  "The types to show from a multipart/alternative, best first (text/*, text match any text type)." },
	{ "askbcc", OPT_BOOL, 0, "no", 0, 0, NULL,
	  "Ask for Bcc addresses before editing a new message (m)." },
	{ "askcc", OPT_BOOL, 0, "no", 0, 0, NULL,
	  "Ask for Cc addresses before editing a new message (m)." },
	{ "attribution", OPT_STRING, 0, "On %d, %n wrote:", 0, 0, NULL,
	  "The line above the quoted text of a reply: %d the original's date, %n its sender's name, %a the address, %s the subject." },
	{ "beep", OPT_BOOL, 0, "yes", 0, 0, NULL,
	  "Ring the terminal bell on an error or an unbound key." },
	{ "connect_timeout", OPT_NUMBER, OPT_ACCOUNT, "30", 1, 3600, NULL,
	  "Seconds to wait for a server to connect and to answer each read or write." },
	{ "copy", OPT_BOOL, OPT_ACCOUNT, "yes", 0, 0, NULL,
	  "Keep a copy of each message sent in the record folder." },
	{ "delete", OPT_QUAD, 0, "ask-yes", 0, 0, NULL,
	  "Whether messages marked deleted are purged when leaving a folder (c, q): yes, no, or ask-yes/ask-no to ask with that default." },
	{ "edit_headers", OPT_BOOL, 0, "no", 0, 0, NULL,
	  "Put From, To, Cc, Bcc, Subject and Reply-To on top of the text in the editor, and read them back after." },
	{ "editor", OPT_STRING, 0, NULL, 0, 0, NULL,
	  "The command that edits a message, given the file name as its last argument; unset: $VISUAL, else $EDITOR, else vi." },
	{ "fast_reply", OPT_BOOL, 0, "no", 0, 0, NULL,
	  "Do not prompt for the recipients and subject of a reply or forward; go to the editor at once." },
	{ "folder", OPT_STRING, OPT_ACCOUNT | OPT_PATH, NULL, 0, 0, check_folder,
	  "Where the account's mail is: an imap://, imaps://, pop:// or pops:// URL, or a local Maildir path." },
	{ "forward_format", OPT_STRING, 0, "Fwd: %s", 0, 0, NULL,
	  "The subject of a forward: %s the original subject (without Re:/Fwd:), %n its sender's name, %a the address." },
	{ "from", OPT_STRING, OPT_ACCOUNT, NULL, 0, 0, NULL,
	  "The sender address of the account's messages; unset: the user of the folder URL when it holds an @, else user@host of that URL." },
	{ "header_fill", OPT_BOOL, OPT_ACCOUNT, "yes", 0, 0, NULL,
	  "Load every header of an opened folder in the background; no fetches only what the screen shows." },
	{ "help", OPT_BOOL, 0, "yes", 0, 0, NULL,
	  "Show a line of key hints at the top of the screen." },
	{ "include", OPT_QUAD, 0, "yes", 0, 0, NULL,
	  "Whether a reply quotes the original text: yes, no, or ask-yes/ask-no to ask with that default." },
	{ "index_format", OPT_STRING, 0, "%4C %Z %{%b %d} %-15.15L (%4c) %s", 0, 0, NULL,
	  "The line of the message index, with mutt's %-codes (see INDEX FORMAT)." },
	{ "local_store", OPT_STRING, OPT_ACCOUNT | OPT_PATH, NULL, 0, 0, NULL,
	  "A POP3 account's local Maildir store; empty: $XDG_DATA_HOME/skua/mail/ACCOUNT." },
	{ "mail_check", OPT_NUMBER, OPT_ACCOUNT, "60", 1, 86400, NULL,
	  "IMAP: seconds between the NOOPs that look for news in the open folder when the server has no IDLE (with IDLE news come at once)." },
	{ "mail_check_stats_interval", OPT_NUMBER, OPT_ACCOUNT, "60", 0, 86400, NULL,
	  "IMAP: seconds between refreshes of the unread and total counts of every folder (STATUS); 0: only when the folder list is loaded." },
	{ "mailcap_path", OPT_STRING, 0, "~/.mailcap:/etc/mailcap", 0, 0, NULL,
	  "The mailcap files (RFC 1524) that say which program shows a type, colon-separated, first match wins." },
	{ "message_timeout", OPT_NUMBER, 0, "5", 1, 3600, NULL,
	  "Seconds an informational message stays in the status line." },
	{ "mime_forward", OPT_BOOL, 0, "no", 0, 0, NULL,
	  "Forward a message unchanged as a message/rfc822 attachment, rather than quoted inline in the text." },
	{ "new_mail_command", OPT_STRING, OPT_ACCOUNT, NULL, 0, 0, NULL,
	  "A shell command run (not waited for, output discarded) when new mail comes, with the folder, the number of new messages and the account as $1, $2 and $3." },
	{ "password", OPT_STRING, OPT_ACCOUNT | OPT_SENSITIVE, NULL, 0, 0, NULL,
	  "The account's password (a password in the folder URL wins). Never shown or logged." },
	{ "password_command", OPT_STRING, OPT_ACCOUNT, NULL, 0, 0, NULL,
	  "A shell command whose first line of output is the password, run when the account connects." },
	{ "pop_check_interval", OPT_NUMBER, OPT_ACCOUNT, "600", 0, 86400, NULL,
	  "Seconds between fetches of a POP3 account while skua runs; 0 fetches only at start and on G." },
	{ "pop_delete", OPT_STRING, OPT_ACCOUNT, "yes", 0, 0, check_pop_delete,
	  "Whether a downloaded message is deleted on the POP3 server: yes, no, or ask (after a fetch with new mail, or G; skua --fetch never asks and keeps it)." },
	{ "pop_keep_days", OPT_NUMBER, OPT_ACCOUNT, "0", 0, 36500, NULL,
	  "With pop_delete: leave a downloaded message on the server for this many days after its download; 0 deletes it at once." },
	{ "pop_max_size", OPT_NUMBER, OPT_ACCOUNT, "0", 0, 2147483647, NULL,
	  "Messages larger than this many bytes are downloaded as their header only (TOP), marked X-Skua-Partial, and stay on the server until opened, which downloads them whole; 0: no limit." },
	{ "pop_no_uidl", OPT_BOOL, OPT_ACCOUNT, "no", 0, 0, NULL,
	  "Whether a POP3 server without UIDL is used anyway: every message downloaded whole, recognised by a SHA-256 of its bytes, and deleted on the server (pop_delete, pop_keep_days and pop_max_size do not apply); no refuses such a server." },
	{ "postponed", OPT_STRING, OPT_ACCOUNT, NULL, 0, 0, NULL,
	  "The Drafts folder of postponed messages and of messages that failed to send; unset: the server's \\Drafts folder (SPECIAL-USE), else Drafts (a local Maildir folder for POP3 and local accounts)." },
	{ "quit", OPT_QUAD, 0, "yes", 0, 0, NULL,
	  "Whether q on the main screen quits: yes, no, or ask-yes/ask-no to ask with that default." },
	{ "realname", OPT_STRING, OPT_ACCOUNT, NULL, 0, 0, NULL,
	  "The name shown before the from address." },
	{ "record", OPT_STRING, OPT_ACCOUNT, NULL, 0, 0, NULL,
	  "The folder of copies of sent messages; unset: the server's \\Sent folder (SPECIAL-USE), else Sent (a local Maildir folder for POP3 and local accounts)." },
	{ "reply_to", OPT_QUAD, 0, "ask-yes", 0, 0, NULL,
	  "Whether a reply goes to the Reply-To address of the original rather than its sender: yes, no, or ask-yes/ask-no to ask." },
	{ "sendmail", OPT_STRING, OPT_ACCOUNT, NULL, 0, 0, NULL,
	  "A sendmail-compatible command used when smtp_url is unset; split into words like a shell, then -oi -f sender -- and the recipients are appended." },
	{ "sidebar_visible", OPT_BOOL, 0, "no", 0, 0, NULL,
	  "Show the sidebar, the account's folders with their unread/total counts, at the left of the index and the pager." },
	{ "sidebar_width", OPT_NUMBER, 0, "30", 4, 500, NULL,
	  "Columns of the sidebar, its divider included (at most half the screen)." },
	{ "signature", OPT_STRING, OPT_PATH, "~/.signature", 0, 0, NULL,
	  "A file whose text is put at the end of new messages, after a \"-- \" line; a missing file means none." },
	{ "simple_search", OPT_STRING, OPT_ACCOUNT, "~f %s | ~s %s", 0, 0, NULL,
	  "The pattern a search or limit without ~, = or % in it stands for, each %s replaced by the text typed (see PATTERNS in skua(1))." },
	{ "smtp_url", OPT_STRING, OPT_ACCOUNT, NULL, 0, 0, NULL,
	  "Where the account's mail is sent: smtps://[user@]host[:465] (TLS) or smtp://[user@]host[:587] (strict STARTTLS, see starttls)." },
	{ "smtp_user", OPT_STRING, OPT_ACCOUNT, NULL, 0, 0, NULL,
	  "The SMTP login when smtp_url has no user; unset: the folder URL's user. The password comes from password, password_command or the prompt." },
	{ "sort", OPT_STRING, OPT_ACCOUNT, "reverse-mailbox-order", 0, 0, check_sort,
	  "The order of the message index (see SORTING): date, date-received, from, mailbox-order, size, subject, threads or to, each with an optional reverse- prefix." },
	{ "spoolfile", OPT_STRING, OPT_ACCOUNT, "INBOX", 0, 0, NULL,
	  "The folder of the account opened first." },
	{ "starttls", OPT_BOOL, OPT_ACCOUNT, "yes", 0, 0, NULL,
	  "For imap://, pop:// and smtp:// URLs: upgrade with STARTTLS and refuse a server without it; no sends everything unencrypted." },
	{ "status_on_top", OPT_BOOL, 0, "no", 0, 0, NULL,
	  "Draw the status line at the top of the screen instead of the bottom." },
	{ "text_flowed", OPT_BOOL, 0, "no", 0, 0, NULL,
	  "Send the text as format=flowed (RFC 3676)." },
	{ "tls_ca_file", OPT_STRING, OPT_ACCOUNT | OPT_PATH, NULL, 0, 0, NULL,
	  "A PEM file of CA certificates trusted besides the system's." },
	{ "tls_fingerprint", OPT_STRING, OPT_ACCOUNT, NULL, 0, 0, NULL,
	  "The SHA-256 fingerprint of the server's certificate, trusted even if no CA vouches for it." },
	{ "tls_verify", OPT_BOOL, OPT_ACCOUNT, "yes", 0, 0, NULL,
	  "Verify the server's certificate and name; no accepts any certificate (unsafe)." },
	{ "trash", OPT_STRING, OPT_ACCOUNT, NULL, 0, 0, NULL,
	  "The folder deleted messages are moved to when they are purged (not from the trash itself); unset: the server's \\Trash folder (SPECIAL-USE); \"\": none, purge for good." },
};
/* clang-format on */

const struct option_def *
options_table(size_t *n_out)
{
	*n_out = G_N_ELEMENTS(table);
	return table;
}

static int
cmp_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct option_def *)elem)->name);
}

const struct option_def *
option_find(const char *name)
{
	return bsearch(name, table, G_N_ELEMENTS(table), sizeof(table[0]),
	    cmp_name);
}

/* SPDX-License-Identifier: ISC */
/*
 * The curses screen: set-up and restoring the terminal, the view stack, the
 * status and message lines, the line prompt, and one redraw per loop turn.
 * Main thread only: curses is not thread-safe.
 *
 * Keys are ints: a character is its code point (>= 0); a function key is
 * one of enum ui_key (< 0), so the two never collide and no layer above
 * needs curses.
 */
#ifndef SKUA_UI_UI_H
#define SKUA_UI_UI_H

#include <glib.h>
#include <stdbool.h>

enum ui_key {
	UI_KEY_UP = -1,
	UI_KEY_DOWN = -2,
	UI_KEY_LEFT = -3,
	UI_KEY_RIGHT = -4,
	UI_KEY_PAGE_UP = -5,
	UI_KEY_PAGE_DOWN = -6,
	UI_KEY_HOME = -7,
	UI_KEY_END = -8,
	UI_KEY_ENTER = -9, /* the keypad's; Return is '\r' */
	UI_KEY_BACKSPACE = -10,
	UI_KEY_DELETE = -11,
	UI_KEY_INSERT = -12,
	UI_KEY_F1 = -101, /* F1 .. F12: UI_KEY_F1 - 0 .. UI_KEY_F1 - 11 */
	UI_KEY_UNKNOWN = -1000,
};

struct optset;
struct view;

/* A view's behaviour; NULL ops do nothing. */
struct view_ops {
	void (*draw)(struct view *v, int top, int rows, int cols);
	void (*free)(struct view *v);
	/* Entries to move over; NULL: the lines. */
	unsigned (*count)(struct view *v);
	/* Whether what the view shows is complete; NULL: always. */
	bool (*ready)(struct view *v);
};

/*
 * A scrollable list of lines, the base of every view for now. Lines are
 * sanitised when added. With selectable, a cursor row is highlighted.
 */
struct view {
	const struct view_ops *ops;
	const char *context; /* key map context: "welcome", "help", ... */
	char *title;	     /* safe text for the status line */
	char *title_alert;   /* safe text after it (view_set_title_alert) */
	bool title_warn;     /* title_alert in the warning colour */
	char *hint;	     /* safe text for the help line; may be NULL */
	GPtrArray *lines;    /* char *: safe text */
	bool selectable;
	int cursor; /* selected line */
	int top;    /* first line shown */
	int rows;   /* rows of the last draw, for paging */
	void *data; /* the owner's */
};

struct view *view_new(const char *context, const char *title, bool selectable);
/* Set the help line's text (key hints) for this view. */
void view_set_hint(struct view *v, const char *hint);
/* Add a line (untrusted text is fine: it is sanitised). */
void view_add_line(struct view *v, const char *text);
void view_addf(struct view *v, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void view_free(struct view *v);
/* Move the cursor (or scroll, if not selectable) by delta lines. */
void view_move(struct view *v, int delta);
void view_page(struct view *v, int pages);
void view_jump(struct view *v, bool to_end);
/* Draw helper: rows are on the screen; keep the cursor among them. */
void view_fit(struct view *v, int rows);

/*
 * Start curses on the terminal, in the locale set by the caller. False
 * with err when there is no usable terminal.
 */
bool ui_init(const struct optset *opts, GError **err);
/* Restore the terminal; safe to call twice. */
void ui_end(void);
bool ui_active(void);
/*
 * Restore the terminal from a signal handler (a crash): only async-signal-
 * safe calls. The process must exit afterwards.
 */
void ui_emergency_restore(void);
/* Around a stop (Ctrl-Z) or an external program. */
void ui_suspend(void);
void ui_resume(void);
/* The terminal changed size: read it and redraw. */
void ui_resize(void);
void ui_size(int *rows_out, int *cols_out);

/* The view stack: the top view is shown. push takes ownership. */
void ui_push_view(struct view *v);
/* Pop and free the top view; false when it is the last one. */
bool ui_pop_view(void);
struct view *ui_top_view(void);
/* The topmost view of context, or NULL. */
struct view *ui_find_view(const char *context);

/* Redraw everything on the next ui_draw(). */
void ui_mark_dirty(void);
/* Draw if anything changed; returns whether it drew. */
bool ui_draw(void);
/* Whether the first full screen has been drawn. */
bool ui_drawn_once(void);
/*
 * Whether the screen is drawn and the top view complete (an index whose
 * visible rows all have their headers): pushed keys wait for this.
 */
bool ui_screen_ready(void);
/* Views that build on the list view. */
struct view *view_new_with_ops(const struct view_ops *ops, const char *context,
    const char *title, bool selectable);
void view_set_title(struct view *v, const char *title);
/*
 * Text shown after the title on the status line (untrusted is fine: it is
 * sanitised), in the warning colour when warn; NULL: none.
 */
void view_set_title_alert(struct view *v, const char *text, bool warn);
/* Draw safe text at (y, x) in exactly cols columns, highlighted or not. */
void ui_put_line(int y, const char *safe, int cols, bool highlight);
/* The same for untrusted text, sanitised here. */
void ui_put_text(int y, const char *text, int cols, bool highlight);
/* Attributes of ui_put_at(). */
enum ui_attr {
	UI_ATTR_REVERSE = 1 << 0,
	UI_ATTR_UNDERLINE = 1 << 1,
	UI_ATTR_BOLD = 1 << 2,
};
/*
 * Draw safe text at (y, x) of the screen in exactly cols columns with
 * attrs (enum ui_attr), whatever view is drawing: for the sidebar.
 */
void ui_put_at(int y, int x, const char *safe, int cols, unsigned attrs);
enum ui_style {
	UI_STYLE_NORMAL,
	UI_STYLE_QUOTED, /* quoted text in the pager, first level */
	UI_STYLE_QUOTED2,
	UI_STYLE_QUOTED3,
	UI_STYLE_QUOTED4, /* the fourth level; deeper ones go round */
};
void ui_put_styled(int y, const char *safe, int cols, enum ui_style style);
/*
 * The same, with the byte ranges of spans (pairs of int offsets into
 * safe, at character boundaries) shown in reverse video: search matches.
 */
void ui_put_marked(int y, const char *safe, int cols, enum ui_style style,
    const GArray *spans);

/* Read one key without waiting; false when none is waiting. */
bool ui_read_key(int *key_out);
/* A key's name in rc syntax ("q", "<Down>", "^L"). Caller frees. */
char *ui_key_name(int key);
/* Append the linked ncurses version line. */
void ui_versions(GString *out);
void ui_beep(void);

/* A message on the last line; errors beep (with the beep option). */
void ui_message(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void ui_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Clear a message older than seconds; returns whether it cleared one. */
bool ui_message_expire(int seconds);

/* The line prompt. cb gets the text, or NULL when cancelled. */
typedef void ui_prompt_cb(const char *text, void *data);
void ui_prompt(const char *prompt, const char *initial, ui_prompt_cb *cb,
    void *data);
/*
 * Tab in a line prompt: the text completed (caller frees), or NULL to keep
 * it as it is (the callback may say why with ui_message or beep).
 */
typedef char *ui_complete_cb(const char *text, void *data);
/*
 * The line prompt with Tab completion through complete (data is cb's),
 * prefilled with initial as mutt's file prompts are: a printable key typed
 * first replaces the prefilled text instead of adding to it.
 */
void ui_prompt_complete(const char *prompt, const char *initial,
    ui_complete_cb *complete, ui_prompt_cb *cb, void *data);
/* A yes/no question; cb gets the answer (Ctrl-G: no answer, no call). */
typedef void ui_ask_cb(bool yes, void *data);
void ui_ask(const char *question, bool default_yes, ui_ask_cb *cb, void *data);
/*
 * A masked line prompt for a password: each character shows as '*'. The
 * text given to cb is wiped once cb returns (cb copies what it keeps).
 */
void ui_prompt_secret(const char *prompt, ui_prompt_cb *cb, void *data);
/*
 * A one-key question answered by one of the keys in keys ("roa"): cb gets
 * that key, or -1 for Ctrl-G and Esc. A question wider than the screen is
 * wrapped onto the lines above the message line.
 */
typedef void ui_choose_cb(int key, void *data);
void ui_choose(const char *question, const char *keys, ui_choose_cb *cb,
    void *data);
bool ui_prompt_active(void);
/* Give a key to the active prompt. */
void ui_prompt_key(int key);

#endif

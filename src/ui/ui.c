/* SPDX-License-Identifier: ISC */
/*
 * The curses screen. Layout, top to bottom: the help line (option help),
 * the view, the status line and the message line; status_on_top moves the
 * status line to the top. Everything drawn passes through text.c first.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

/* term.h defines terminfo names as macros that clash with ours. */
#undef lines
#undef columns

#include "config/options.h"
#include "ui/sidebar.h"
#include "ui/text.h"
#include "ui/ui.h"
#include "util/error.h"

enum {
	PAIR_BAR = 1,
	PAIR_ERROR,
	PAIR_CURSOR,
	PAIR_QUOTED,
	PAIR_QUOTED2,
	PAIR_QUOTED3,
	PAIR_QUOTED4,
};

struct prompt {
	char *label;	  /* safe text */
	GArray *text;	  /* gunichar */
	guint pos;	  /* cursor index into text */
	bool yesno;	  /* a one-key yes/no question */
	bool default_yes; /* for yesno: Enter's answer */
	bool secret;	  /* a password: shown as '*', wiped after */
	char *choices;	  /* a one-key question: the keys that answer it */
	bool fresh; /* the prefilled text goes at the first printable key */
	ui_complete_cb *complete; /* Tab; NULL: none */
	ui_prompt_cb *cb;
	ui_ask_cb *ask_cb;
	ui_choose_cb *choose_cb;
	void *data;
};

static struct {
	bool active;
	bool dirty;
	bool drawn_once;
	const struct optset *opts;
	GPtrArray *views; /* struct view *, the last one shown */
	char *message;	  /* safe text */
	bool message_is_error;
	gint64 message_time;
	struct prompt *prompt;
	int body_x; /* where the view's columns start (after the sidebar) */
	/* For ui_emergency_restore(): filled in before anything can crash. */
	struct termios saved_termios;
	bool have_termios;
	char restore_seq[256];
	size_t restore_len;
} ui;

static void view_default_draw(struct view *v, int top, int rows, int cols);

static const struct view_ops list_ops = { view_default_draw, NULL, NULL, NULL };

struct view *
view_new(const char *context, const char *title, bool selectable)
{
	return view_new_with_ops(&list_ops, context, title, selectable);
}

void
view_set_title(struct view *v, const char *title)
{
	g_free(v->title);
	v->title = text_sanitize(title, -1);
}

void
view_set_title_alert(struct view *v, const char *text, bool warn)
{
	g_free(v->title_alert);
	v->title_alert = text != NULL ? text_sanitize(text, -1) : NULL;
	v->title_warn = warn;
}

struct view *
view_new_with_ops(const struct view_ops *ops, const char *context,
    const char *title, bool selectable)
{
	struct view *v = g_new0(struct view, 1);

	v->ops = ops;
	v->context = context;
	v->title = text_sanitize(title, -1);
	v->lines = g_ptr_array_new_with_free_func(g_free);
	v->selectable = selectable;
	return v;
}

void
view_set_hint(struct view *v, const char *hint)
{
	g_free(v->hint);
	v->hint = hint != NULL ? text_sanitize(hint, -1) : NULL;
	ui.dirty = true;
}

void
view_add_line(struct view *v, const char *text)
{
	g_ptr_array_add(v->lines, text_sanitize(text, -1));
	ui.dirty = true;
}

void
view_addf(struct view *v, const char *fmt, ...)
{
	g_autofree char *text = NULL;
	va_list ap;

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	view_add_line(v, text);
}

void
view_free(struct view *v)
{
	if (v == NULL)
		return;
	if (v->ops->free != NULL)
		v->ops->free(v);
	g_free(v->title);
	g_free(v->title_alert);
	g_free(v->hint);
	g_ptr_array_free(v->lines, TRUE);
	g_free(v);
}

static unsigned
view_count(struct view *v)
{
	return v->ops->count != NULL ? v->ops->count(v) : v->lines->len;
}

static void
view_clamp(struct view *v)
{
	int n = (int)view_count(v), rows = MAX(v->rows, 1);

	if (v->selectable) {
		v->cursor = CLAMP(v->cursor, 0, MAX(n - 1, 0));
		if (v->cursor < v->top)
			v->top = v->cursor;
		if (v->cursor >= v->top + rows)
			v->top = v->cursor - rows + 1;
	}
	v->top = CLAMP(v->top, 0, MAX(n - rows, 0));
}

void
view_fit(struct view *v, int rows)
{
	v->rows = rows;
	view_clamp(v);
}

void
view_move(struct view *v, int delta)
{
	if (v->selectable)
		v->cursor += delta;
	else
		v->top += delta;
	view_clamp(v);
	ui.dirty = true;
}

void
view_page(struct view *v, int pages)
{
	int step = MAX(v->rows, 1) * pages;

	v->top += step;
	if (v->selectable)
		v->cursor += step;
	view_clamp(v);
	ui.dirty = true;
}

void
view_jump(struct view *v, bool to_end)
{
	v->cursor = to_end ? (int)view_count(v) - 1 : 0;
	v->top = to_end ? (int)view_count(v) : 0;
	view_clamp(v);
	ui.dirty = true;
}

/* Draw safe text at (y, x) in exactly cols columns. */
static void
put_fixed(int y, int x, const char *safe, int cols)
{
	g_autofree char *fit = NULL;
	g_autofree gunichar *ucs = NULL;
	glong n;

	if (cols <= 0)
		return;
	fit = text_fit(safe, cols, true);
	ucs = g_utf8_to_ucs4_fast(fit, -1, &n);
	/* wchar_t is UCS-4 on the platforms skua targets. */
	G_STATIC_ASSERT(sizeof(wchar_t) == sizeof(gunichar));
	mvaddnwstr(y, x, (const wchar_t *)ucs, (int)n);
}

void
ui_put_line(int y, const char *safe, int cols, bool highlight)
{
	if (highlight)
		attron(COLOR_PAIR(PAIR_CURSOR) | A_REVERSE);
	put_fixed(y, ui.body_x, safe, cols);
	if (highlight)
		attroff(COLOR_PAIR(PAIR_CURSOR) | A_REVERSE);
}

void
ui_put_at(int y, int x, const char *safe, int cols, unsigned attrs)
{
	int a = 0;

	if (attrs & UI_ATTR_REVERSE)
		a |= COLOR_PAIR(PAIR_CURSOR) | A_REVERSE;
	if (attrs & UI_ATTR_UNDERLINE)
		a |= A_UNDERLINE;
	if (attrs & UI_ATTR_BOLD)
		a |= A_BOLD;
	attron(a);
	put_fixed(y, x, safe, cols);
	attroff(a);
}

void
ui_put_text(int y, const char *text, int cols, bool highlight)
{
	g_autofree char *safe = text_sanitize(text, -1);

	ui_put_line(y, safe, cols, highlight);
}

static int
style_attr(enum ui_style style)
{
	switch (style) {
	case UI_STYLE_QUOTED:
		return COLOR_PAIR(PAIR_QUOTED);
	case UI_STYLE_QUOTED2:
		return COLOR_PAIR(PAIR_QUOTED2);
	case UI_STYLE_QUOTED3:
		return COLOR_PAIR(PAIR_QUOTED3);
	case UI_STYLE_QUOTED4:
		return COLOR_PAIR(PAIR_QUOTED4);
	case UI_STYLE_NORMAL:
		break;
	}
	return 0;
}

void
ui_put_styled(int y, const char *safe, int cols, enum ui_style style)
{
	int attr = style_attr(style);

	attron(attr);
	put_fixed(y, ui.body_x, safe, cols);
	attroff(attr);
}

void
ui_put_marked(int y, const char *safe, int cols, enum ui_style style,
    const GArray *spans)
{
	size_t len = strlen(safe);

	ui_put_styled(y, safe, cols, style);
	for (guint i = 0; spans != NULL && i + 1 < spans->len; i += 2) {
		int start = g_array_index(spans, int, i);
		int end = g_array_index(spans, int, i + 1);
		g_autofree char *before = NULL, *match = NULL;
		int x;

		if (start < 0 || end <= start || (size_t)end > len)
			continue;
		before = g_strndup(safe, start);
		x = text_width(before);
		if (x >= cols)
			break;
		match = g_strndup(safe + start, end - start);
		attron(A_REVERSE);
		put_fixed(y, x, match, MIN(text_width(match), cols - x));
		attroff(A_REVERSE);
	}
}

static void
view_default_draw(struct view *v, int top, int rows, int cols)
{
	v->rows = rows;
	view_clamp(v);
	for (int i = 0; i < rows; i++) {
		int idx = v->top + i;
		const char *line =
		    idx < (int)v->lines->len ? v->lines->pdata[idx] : "";
		bool sel = v->selectable && idx == v->cursor &&
		    idx < (int)v->lines->len;

		if (sel)
			attron(COLOR_PAIR(PAIR_CURSOR) | A_REVERSE);
		put_fixed(top + i, ui.body_x, line, cols);
		if (sel)
			attroff(COLOR_PAIR(PAIR_CURSOR) | A_REVERSE);
	}
}

/* Precompute what ui_emergency_restore() writes: no tigetstr there. */
static void
prepare_restore(void)
{
	const char *caps[] = { "sgr0", "cnorm", "rmkx", "rmcup" };

	ui.restore_len = 0;
	for (size_t i = 0; i < G_N_ELEMENTS(caps); i++) {
		const char *s = tigetstr((char *)caps[i]);
		size_t len;

		if (s == NULL || s == (char *)-1)
			continue;
		len = strlen(s);
		if (ui.restore_len + len + 2 >= sizeof(ui.restore_seq))
			break;
		memcpy(ui.restore_seq + ui.restore_len, s, len);
		ui.restore_len += len;
	}
	memcpy(ui.restore_seq + ui.restore_len, "\r\n", 2);
	ui.restore_len += 2;
}

bool
ui_init(const struct optset *opts, GError **err)
{
	SCREEN *screen;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "standard input and output must be a terminal");
		return false;
	}
	ui.have_termios = tcgetattr(STDIN_FILENO, &ui.saved_termios) == 0;
	/* newterm() reports a bad TERM instead of exiting like initscr(). */
	screen = newterm(NULL, stdout, stdin);
	if (screen == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot use the terminal type '%s'",
		    g_getenv("TERM") != NULL ? g_getenv("TERM") : "(unset)");
		return false;
	}
	set_term(screen);
	ui.active = true;
	ui.opts = opts;
	prepare_restore();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* Esc alone must not wait a second for a sequence. */
	set_escdelay(25);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(PAIR_BAR, -1, -1);
		init_pair(PAIR_ERROR, COLOR_RED, -1);
		init_pair(PAIR_CURSOR, -1, -1);
		init_pair(PAIR_QUOTED, COLOR_CYAN, -1);
		init_pair(PAIR_QUOTED2, COLOR_GREEN, -1);
		init_pair(PAIR_QUOTED3, COLOR_YELLOW, -1);
		init_pair(PAIR_QUOTED4, COLOR_MAGENTA, -1);
	}
	if (ui.views == NULL)
		ui.views =
		    g_ptr_array_new_with_free_func((GDestroyNotify)view_free);
	ui.dirty = true;
	return true;
}

static void
prompt_free(struct prompt *p)
{
	if (p == NULL)
		return;
	g_free(p->label);
	g_free(p->choices);
	if (p->secret && p->text->len > 0)
		explicit_bzero(p->text->data, p->text->len * sizeof(gunichar));
	g_array_free(p->text, TRUE);
	g_free(p);
}

void
ui_end(void)
{
	if (!ui.active)
		return;
	endwin();
	ui.active = false;
	g_clear_pointer(&ui.views, g_ptr_array_unref);
	g_clear_pointer(&ui.prompt, prompt_free);
	g_clear_pointer(&ui.message, g_free);
	sidebar_end();
}

bool
ui_active(void)
{
	return ui.active;
}

void
ui_emergency_restore(void)
{
	ssize_t r;

	if (!ui.active)
		return;
	if (ui.have_termios)
		tcsetattr(STDIN_FILENO, TCSANOW, &ui.saved_termios);
	r = write(STDOUT_FILENO, ui.restore_seq, ui.restore_len);
	(void)r;
}

void
ui_suspend(void)
{
	if (ui.active)
		endwin();
}

void
ui_resume(void)
{
	if (!ui.active)
		return;
	ui_resize();
}

void
ui_resize(void)
{
	struct winsize ws;

	if (!ui.active)
		return;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	ui.dirty = true;
}

void
ui_size(int *rows_out, int *cols_out)
{
	*rows_out = LINES;
	*cols_out = COLS;
}

void
ui_push_view(struct view *v)
{
	g_ptr_array_add(ui.views, v);
	ui.dirty = true;
}

bool
ui_pop_view(void)
{
	if (ui.views->len <= 1)
		return false;
	g_ptr_array_remove_index(ui.views, ui.views->len - 1);
	ui.dirty = true;
	return true;
}

struct view *
ui_top_view(void)
{
	if (ui.views == NULL || ui.views->len == 0)
		return NULL;
	return ui.views->pdata[ui.views->len - 1];
}

struct view *
ui_find_view(const char *context)
{
	for (guint i = ui.views != NULL ? ui.views->len : 0; i > 0; i--) {
		struct view *v = ui.views->pdata[i - 1];

		if (strcmp(v->context, context) == 0)
			return v;
	}
	return NULL;
}

void
ui_mark_dirty(void)
{
	ui.dirty = true;
}

bool
ui_drawn_once(void)
{
	return ui.drawn_once;
}

bool
ui_screen_ready(void)
{
	struct view *v = ui_top_view();

	if (!ui.drawn_once || ui.dirty)
		return false;
	return v == NULL || v->ops->ready == NULL || v->ops->ready(v);
}

static void
draw_bar(int y, const char *text, int cols)
{
	attron(COLOR_PAIR(PAIR_BAR) | A_REVERSE);
	put_fixed(y, 0, text, cols);
	attroff(COLOR_PAIR(PAIR_BAR) | A_REVERSE);
}

/*
 * Safe text too wide for one line: wrapped at cell boundaries onto as many
 * lines as it needs, the last one at y (at most y + 1 lines), the cursor
 * after it.
 */
static void
draw_wrapped(int y, const char *safe, int cols)
{
	GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
	const char *p = safe;
	int first, last_w = 0;

	while (cols > 1 && *p != '\0') {
		char *piece = text_fit(p, cols - 1, false);
		size_t n = strlen(piece);

		if (n == 0) { /* a wide character in one column */
			g_free(piece);
			n = (size_t)(g_utf8_next_char(p) - p);
			piece = g_strndup(p, n);
		}
		last_w = text_width(piece);
		g_ptr_array_add(lines, piece);
		p += n;
	}
	first = MAX(0, (int)lines->len - (y + 1));
	for (guint i = (guint)first; i < lines->len; i++)
		put_fixed(y - (int)(lines->len - 1 - i), 0, lines->pdata[i],
		    cols);
	curs_set(1);
	move(y, MIN(last_w, cols - 1));
	g_ptr_array_free(lines, TRUE);
}

static void
draw_prompt(int y, int cols)
{
	struct prompt *p = ui.prompt;
	g_autofree char *text = NULL, *safe = NULL, *line = NULL;
	int label_w, before_w, x;
	glong skip = 0;

	if (p->yesno) {
		line = g_strdup_printf("%s ([%s]/%s): ", p->label,
		    p->default_yes ? "yes" : "no",
		    p->default_yes ? "no" : "yes");
		put_fixed(y, 0, line, cols);
		curs_set(1);
		move(y, MIN(text_width(line), cols - 1));
		return;
	}
	if (p->choices != NULL) {
		draw_wrapped(y, p->label, cols);
		return;
	}
	if (p->secret) {
		/* One '*' per character, never the text itself. */
		text = g_strnfill(p->text->len, '*');
		safe = g_strdup(text);
	} else {
		text = g_ucs4_to_utf8((gunichar *)p->text->data, p->text->len,
		    NULL, NULL, NULL);
		safe = text_sanitize(text, -1);
	}
	label_w = text_width(p->label);
	/* Scroll the text so the cursor stays on the screen. */
	for (;;) {
		if (p->secret) {
			/* One column per character; no copy of the text. */
			before_w = (int)(p->pos - skip);
		} else {
			g_autofree char *head =
			    g_ucs4_to_utf8((gunichar *)p->text->data + skip,
				p->pos - skip, NULL, NULL, NULL);
			g_autofree char *head_safe = text_sanitize(head, -1);

			before_w = text_width(head_safe);
		}
		if (label_w + before_w < cols - 1 || skip >= (glong)p->pos)
			break;
		skip++;
	}
	if (p->secret) {
		g_autofree char *stars = g_strnfill(p->text->len - skip, '*');

		line = g_strconcat(p->label, stars, NULL);
	} else {
		g_autofree char *shown =
		    g_ucs4_to_utf8((gunichar *)p->text->data + skip,
			p->text->len - skip, NULL, NULL, NULL);
		g_autofree char *shown_safe = text_sanitize(shown, -1);

		line = g_strconcat(p->label, shown_safe, NULL);
	}
	put_fixed(y, 0, line, cols);
	x = MIN(label_w + before_w, cols - 1);
	curs_set(1);
	move(y, x);
}

bool
ui_draw(void)
{
	struct view *v = ui_top_view();
	int rows = LINES, cols = COLS, y = 0, body_rows, status_y, msg_y;
	int side;
	g_autofree char *status = NULL;

	if (!ui.active || !ui.dirty)
		return false;
	ui.dirty = false;
	erase();
	curs_set(0);
	msg_y = rows - 1;
	status_y = opt_bool(ui.opts, "status_on_top") ? y++ : rows - 2;
	if (opt_bool(ui.opts, "help") && rows > 3) {
		/* The help line names the keys of the top view's context. */
		draw_bar(y++, v != NULL && v->hint != NULL ? v->hint : "",
		    cols);
	}
	body_rows = (status_y == rows - 2 ? rows - 2 : rows - 1) - y;
	side = v != NULL ? sidebar_columns(v->context, cols) : 0;
	if (side > 0 && body_rows > 0)
		sidebar_draw(y, body_rows, side);
	/* The view draws into the columns right of the sidebar. */
	ui.body_x = side;
	if (v != NULL && v->ops->draw != NULL && body_rows > 0)
		v->ops->draw(v, y, body_rows, cols - side);
	ui.body_x = 0;
	status = g_strdup_printf("-- skua: %s", v != NULL ? v->title : "");
	if (v != NULL && v->title_alert != NULL) {
		char *with = g_strdup_printf("%s  %s", status, v->title_alert);
		int x = text_width(status) + 2;
		int w = text_width(v->title_alert);

		g_free(status);
		status = with;
		draw_bar(status_y, status, cols);
		/* Past a threshold (a quota nearly full): the warning colour.
		 */
		if (v->title_warn && x < cols) {
			attron(COLOR_PAIR(PAIR_ERROR) | A_REVERSE | A_BOLD);
			put_fixed(status_y, x, v->title_alert,
			    MIN(w, cols - x));
			attroff(COLOR_PAIR(PAIR_ERROR) | A_REVERSE | A_BOLD);
		}
	} else {
		draw_bar(status_y, status, cols);
	}
	if (ui.prompt != NULL) {
		/* A message that came with the prompt (why a login failed). */
		if (ui.message != NULL && msg_y > 0) {
			if (ui.message_is_error)
				attron(COLOR_PAIR(PAIR_ERROR) | A_BOLD);
			put_fixed(msg_y - 1, 0, ui.message, cols);
			if (ui.message_is_error)
				attroff(COLOR_PAIR(PAIR_ERROR) | A_BOLD);
		}
		draw_prompt(msg_y, cols);
	} else if (ui.message != NULL) {
		if (ui.message_is_error)
			attron(COLOR_PAIR(PAIR_ERROR) | A_BOLD);
		put_fixed(msg_y, 0, ui.message, cols);
		if (ui.message_is_error)
			attroff(COLOR_PAIR(PAIR_ERROR) | A_BOLD);
	}
	refresh();
	ui.drawn_once = true;
	return true;
}

/* A curses function key as an enum ui_key. */
static int
translate_key(int k)
{
	static const struct {
		int curses, ui;
	} map[] = {
		{ KEY_UP, UI_KEY_UP },
		{ KEY_DOWN, UI_KEY_DOWN },
		{ KEY_LEFT, UI_KEY_LEFT },
		{ KEY_RIGHT, UI_KEY_RIGHT },
		{ KEY_PPAGE, UI_KEY_PAGE_UP },
		{ KEY_NPAGE, UI_KEY_PAGE_DOWN },
		{ KEY_HOME, UI_KEY_HOME },
		{ KEY_END, UI_KEY_END },
		{ KEY_ENTER, UI_KEY_ENTER },
		{ KEY_BACKSPACE, UI_KEY_BACKSPACE },
		{ KEY_DC, UI_KEY_DELETE },
		{ KEY_IC, UI_KEY_INSERT },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(map); i++) {
		if (map[i].curses == k)
			return map[i].ui;
	}
	if (k >= KEY_F(1) && k <= KEY_F(12))
		return UI_KEY_F1 - (k - KEY_F(1));
	return UI_KEY_UNKNOWN;
}

void
ui_versions(GString *out)
{
	g_string_append_printf(out, "%s\n", curses_version());
}

bool
ui_read_key(int *key_out)
{
	wint_t wc;
	int r;

	if (!ui.active)
		return false;
	for (;;) {
		r = get_wch(&wc);
		if (r == ERR)
			return false;
		if (r == KEY_CODE_YES) {
			/* Our SIGWINCH handler resizes; ignore curses' own. */
			if (wc == KEY_RESIZE)
				continue;
			*key_out = translate_key((int)wc);
		} else {
			*key_out = (int)wc;
		}
		return true;
	}
}

char *
ui_key_name(int key)
{
	static const struct {
		int key;
		const char *name;
	} names[] = {
		{ UI_KEY_UP, "<Up>" },
		{ UI_KEY_DOWN, "<Down>" },
		{ UI_KEY_LEFT, "<Left>" },
		{ UI_KEY_RIGHT, "<Right>" },
		{ UI_KEY_PAGE_DOWN, "<PageDown>" },
		{ UI_KEY_PAGE_UP, "<PageUp>" },
		{ UI_KEY_HOME, "<Home>" },
		{ UI_KEY_END, "<End>" },
		{ UI_KEY_ENTER, "<Enter>" },
		{ UI_KEY_BACKSPACE, "<Backspace>" },
		{ UI_KEY_DELETE, "<Delete>" },
		{ UI_KEY_INSERT, "<Insert>" },
		{ '\r', "<Enter>" },
		{ '\n', "<Enter>" },
		{ '\t', "<Tab>" },
		{ ' ', "<Space>" },
		{ 27, "<Esc>" },
		{ 127, "<Backspace>" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		if (names[i].key == key)
			return g_strdup(names[i].name);
	}
	if (key <= UI_KEY_F1 && key > UI_KEY_F1 - 12)
		return g_strdup_printf("<F%d>", UI_KEY_F1 - key + 1);
	if (key < 0)
		return g_strdup("<unknown>");
	if (key < 32)
		return g_strdup_printf("^%c", key + 64);
	{
		char buf[8] = { 0 };

		g_unichar_to_utf8((gunichar)key, buf);
		return text_sanitize(buf, -1);
	}
}

void
ui_beep(void)
{
	if (ui.active && opt_bool(ui.opts, "beep"))
		beep();
}

static void
set_message(bool is_error, const char *fmt, va_list ap)
{
	g_autofree char *text = g_strdup_vprintf(fmt, ap);

	g_free(ui.message);
	ui.message = text_sanitize(text, -1);
	ui.message_is_error = is_error;
	ui.message_time = g_get_monotonic_time();
	ui.dirty = true;
}

void
ui_message(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_message(false, fmt, ap);
	va_end(ap);
}

void
ui_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_message(true, fmt, ap);
	va_end(ap);
	ui_beep();
}

bool
ui_message_expire(int seconds)
{
	if (ui.message == NULL || ui.message_is_error ||
	    g_get_monotonic_time() - ui.message_time <
		(gint64)seconds * G_USEC_PER_SEC)
		return false;
	g_clear_pointer(&ui.message, g_free);
	ui.dirty = true;
	return true;
}

static struct prompt *
prompt_new(const char *label)
{
	struct prompt *p = g_new0(struct prompt, 1);

	p->label = text_sanitize(label, -1);
	p->text = g_array_new(FALSE, FALSE, sizeof(gunichar));
	return p;
}

void
ui_prompt(const char *prompt, const char *initial, ui_prompt_cb *cb, void *data)
{
	struct prompt *p = prompt_new(prompt);

	if (initial != NULL) {
		for (const char *s = initial; *s != '\0';
		     s = g_utf8_next_char(s)) {
			gunichar c = g_utf8_get_char(s);

			g_array_append_val(p->text, c);
		}
	}
	p->pos = p->text->len;
	p->cb = cb;
	p->data = data;
	prompt_free(ui.prompt);
	ui.prompt = p;
	ui.dirty = true;
}

void
ui_prompt_complete(const char *prompt, const char *initial,
    ui_complete_cb *complete, ui_prompt_cb *cb, void *data)
{
	ui_prompt(prompt, initial, cb, data);
	ui.prompt->complete = complete;
	ui.prompt->fresh = initial != NULL && *initial != '\0';
}

/* Tab: the prompt's text completed by its callback. */
static void
prompt_complete(struct prompt *p)
{
	g_autofree char *text = NULL, *done = NULL;

	if (p->complete == NULL) {
		ui_beep();
		return;
	}
	text = g_ucs4_to_utf8((gunichar *)p->text->data, p->text->len, NULL,
	    NULL, NULL);
	done = p->complete(text != NULL ? text : "", p->data);
	/* The callback may have ended or replaced the prompt. */
	if (done == NULL || ui.prompt != p)
		return;
	g_array_set_size(p->text, 0);
	for (const char *s = done; *s != '\0'; s = g_utf8_next_char(s)) {
		gunichar c = g_utf8_get_char(s);

		g_array_append_val(p->text, c);
	}
	p->pos = p->text->len;
	ui.dirty = true;
}

void
ui_ask(const char *question, bool default_yes, ui_ask_cb *cb, void *data)
{
	struct prompt *p = prompt_new(question);

	p->yesno = true;
	p->default_yes = default_yes;
	p->ask_cb = cb;
	p->data = data;
	prompt_free(ui.prompt);
	ui.prompt = p;
	ui.dirty = true;
}

void
ui_prompt_secret(const char *prompt, ui_prompt_cb *cb, void *data)
{
	ui_prompt(prompt, NULL, cb, data);
	ui.prompt->secret = true;
}

void
ui_choose(const char *question, const char *keys, ui_choose_cb *cb, void *data)
{
	struct prompt *p = prompt_new(question);

	p->choices = g_strdup(keys);
	p->choose_cb = cb;
	p->data = data;
	prompt_free(ui.prompt);
	ui.prompt = p;
	ui.dirty = true;
}

bool
ui_prompt_active(void)
{
	return ui.prompt != NULL;
}

/* End the prompt before its callback runs: the callback may prompt again. */
static struct prompt *
prompt_take(void)
{
	struct prompt *p = ui.prompt;

	ui.prompt = NULL;
	g_clear_pointer(&ui.message, g_free);
	ui.dirty = true;
	return p;
}

/* End the line prompt: give its text (or NULL when cancelled) to its
 * callback. */
static void
prompt_finish(bool accept)
{
	struct prompt *p = prompt_take();
	g_autofree char *text = NULL;

	if (accept)
		text = g_ucs4_to_utf8((gunichar *)p->text->data, p->text->len,
		    NULL, NULL, NULL);
	p->cb(accept ? (text != NULL ? text : "") : NULL, p->data);
	if (text != NULL && p->secret)
		explicit_bzero(text, strlen(text));
	prompt_free(p);
}

static void
ask_key(int key)
{
	struct prompt *p;
	bool yes;

	if (key == 'y' || key == 'Y')
		yes = true;
	else if (key == 'n' || key == 'N')
		yes = false;
	else if (key == '\r' || key == '\n' || key == UI_KEY_ENTER)
		yes = ui.prompt->default_yes;
	else if (key == 7 || key == 27) { /* Ctrl-G, Esc: no answer */
		prompt_free(prompt_take());
		return;
	} else {
		ui_beep();
		return;
	}
	p = prompt_take();
	p->ask_cb(yes, p->data);
	prompt_free(p);
}

static void
choose_key(int key)
{
	struct prompt *p = ui.prompt;
	int answer;

	if (key == 7 || key == 27) { /* Ctrl-G, Esc */
		answer = -1;
	} else if (key > 0 && key < 128 && strchr(p->choices, key) != NULL) {
		answer = key;
	} else {
		ui_beep();
		return;
	}
	p = prompt_take();
	p->choose_cb(answer, p->data);
	prompt_free(p);
}

void
ui_prompt_key(int key)
{
	struct prompt *p = ui.prompt;

	if (p == NULL)
		return;
	if (p->yesno) {
		ask_key(key);
		return;
	}
	if (p->choices != NULL) {
		choose_key(key);
		return;
	}
	ui.dirty = true;
	/* As in mutt: typing replaces the prefilled text; editing keeps it. */
	if (p->fresh) {
		p->fresh = false;
		if (key >= 32 && key != 127 &&
		    g_unichar_validate((gunichar)key)) {
			g_array_set_size(p->text, 0);
			p->pos = 0;
		}
	}
	switch (key) {
	case '\r':
	case '\n':
	case UI_KEY_ENTER:
		prompt_finish(true);
		return;
	case '\t':
		prompt_complete(p);
		return;
	case 7:	 /* Ctrl-G */
	case 27: /* Esc */
		prompt_finish(false);
		return;
	case 8:	  /* Ctrl-H */
	case 127: /* DEL, what most terminals send for Backspace */
	case UI_KEY_BACKSPACE:
		if (p->pos == 0 && p->text->len == 0) {
			/* Backspace on an empty line cancels, as in mutt. */
			prompt_finish(false);
			return;
		}
		if (p->pos > 0)
			g_array_remove_index(p->text, --p->pos);
		return;
	case 4: /* Ctrl-D */
	case UI_KEY_DELETE:
		if (p->pos < p->text->len)
			g_array_remove_index(p->text, p->pos);
		return;
	case 21: /* Ctrl-U: kill the line */
		g_array_set_size(p->text, 0);
		p->pos = 0;
		return;
	case 1: /* Ctrl-A */
	case UI_KEY_HOME:
		p->pos = 0;
		return;
	case 5: /* Ctrl-E */
	case UI_KEY_END:
		p->pos = p->text->len;
		return;
	case 2: /* Ctrl-B */
	case UI_KEY_LEFT:
		if (p->pos > 0)
			p->pos--;
		return;
	case 6: /* Ctrl-F */
	case UI_KEY_RIGHT:
		if (p->pos < p->text->len)
			p->pos++;
		return;
	default:
		if (key < 32 || key == 127 || key < 0 ||
		    !g_unichar_validate((gunichar)key)) {
			ui_beep();
			return;
		}
		{
			gunichar c = (gunichar)key;

			g_array_insert_val(p->text, p->pos, c);
			p->pos++;
		}
	}
}

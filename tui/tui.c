/* SPDX-License-Identifier: ISC */
/*
 * tui.c -- the dashboard's frame: the tui, the screen stack, the status
 * message, the hardware cursor and drawing a frame (or the too-small
 * screen).  The entry point and the input loop are in loop.c.
 */
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* A new tui (no terminal yet). */
struct tui *
tui_new(const struct tui_opts *o)
{
	struct tui	*t;

	t = xcalloc(1, sizeof *t);
	if (o != NULL)
		t->opts = *o;
	t->g = &draw_glyphs_utf8;
	t->utf8 = true;
	t->cy = t->cx = -1;
	t->now = time(NULL);
	t->live = tui_live_new();
	return (t);
}

/* Pop every screen and free the tui. */
void
tui_free(struct tui *t)
{
	if (t == NULL)
		return;
	while (t->depth > 0)
		tui_pop(t);
	tui_live_free(t->live);		/* cancels a running probe */
	server_model_free(t->model);
	theme_free(t->theme);
	free(t->load_error);
	free(t->msg);
	free(t);
}

/* Glyphs and colours for the terminal just opened. */
void
tui_display_init(struct tui *t)
{
	const char	*cs;

	cs = nl_langinfo(CODESET);
	t->utf8 = cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0);
	/*
	 * Lines: Unicode in a UTF-8 locale, else the terminal's ACS (both
	 * through WACS_*), or plain ASCII with --ascii.  Marks and bars need
	 * UTF-8: ASCII ones otherwise.
	 */
	t->ascii = t->opts.ascii;
	t->g = t->ascii || !t->utf8 ? &draw_glyphs_ascii : &draw_glyphs_utf8;
	if (t->theme == NULL)
		t->theme = theme_builtin("default");
	colour_init(t);
}

/* Open a screen on top of the stack. */
int
tui_push(struct tui *t, const struct screen_ops *ops, void *arg)
{
	struct screen	*s;
	char		*cause = NULL;

	if (t->depth >= TUI_STACK_MAX) {
		tui_message(t, SEV_WARN, "too many screens open");
		return (-1);
	}
	s = &t->stack[t->depth];
	memset(s, 0, sizeof *s);
	s->ops = ops;
	if (ops->init != NULL && ops->init(t, s, arg, &cause) != 0) {
		tui_message(t, SEV_CRIT, "%s", cause != NULL ? cause :
		    "cannot open this screen");
		free(cause);
		return (-1);
	}
	t->depth++;
	return (0);
}

/* Close the top screen. */
void
tui_pop(struct tui *t)
{
	struct screen	*s;

	if (t->depth == 0)
		return;
	s = &t->stack[--t->depth];
	if (s->ops->free != NULL)
		s->ops->free(t, s);
	memset(s, 0, sizeof *s);
}

/* Back to the bottom screen. */
void
tui_pop_all(struct tui *t)
{
	while (t->depth > 1)
		tui_pop(t);
}

/* Set the status line message. */
void
tui_message(struct tui *t, enum sev sev, const char *fmt, ...)
{
	va_list	ap;

	free(t->msg);
	va_start(ap, fmt);
	xvasprintf(&t->msg, fmt, ap);
	va_end(ap);
	t->msg_sev = sev;
}

/* Where the hardware cursor goes after this frame. */
void
tui_cursor(struct tui *t, int y, int x)
{
	t->cy = y;
	t->cx = x;
}

/* Below the minimum size? */
bool
tui_too_small(void)
{
	return (COLS < TUI_MIN_COLS || LINES < TUI_MIN_ROWS);
}

/*
 * The too-small screen: the size needed and the size there is, broken into
 * lines that fit however narrow the terminal is; q still quits.
 */
static void
tui_draw_small(struct tui *t)
{
	char	 need[64], have[96];
	int	 y;

	snprintf(need, sizeof need, "need %dx%d, have %dx%d", TUI_MIN_COLS,
	    TUI_MIN_ROWS, COLS, LINES);
	snprintf(have, sizeof have, "terminal too small: %s", need);
	y = LINES / 2 - 1;
	if (y < 0)
		y = 0;
	if (draw_width(have) <= COLS) {
		draw_text(t, y, (COLS - draw_width(have)) / 2, COLS,
		    THEME_CRIT, have);
	} else {
		draw_text(t, y, (COLS - 19) / 2 > 0 ? (COLS - 19) / 2 : 0,
		    COLS, THEME_CRIT, "terminal too small:");
		draw_text(t, y + 1, (COLS - draw_width(need)) / 2 > 0 ?
		    (COLS - draw_width(need)) / 2 : 0, COLS, THEME_CRIT,
		    need);
	}
	if (LINES > 3)
		draw_text(t, y + 2, (COLS - 7) / 2 > 0 ? (COLS - 7) / 2 : 0,
		    COLS, THEME_MUTED, "q: quit");
	tui_cursor(t, y, 0);
}

/* One frame: erase, draw the stack, place the cursor, update. */
void
tui_draw(struct tui *t)
{
	int	i, base;

	t->cy = t->cx = -1;
	werase(stdscr);
	if (tui_too_small())
		tui_draw_small(t);
	else if (t->depth > 0) {
		/* Draw from the topmost full screen up through overlays. */
		for (base = t->depth - 1; base > 0; base--)
			if (!t->stack[base].ops->overlay)
				break;
		for (i = base; i < t->depth; i++)
			t->stack[i].ops->draw(t, &t->stack[i]);
	}
	wattrset(stdscr, A_NORMAL);
	if (t->cy >= 0 && t->cy < LINES && t->cx >= 0 && t->cx < COLS)
		wmove(stdscr, t->cy, t->cx);
	else
		wmove(stdscr, LINES - 1, 0);
	wnoutrefresh(stdscr);
	doupdate();
}

/* Let every screen that wants it look at its jobs; true to redraw. */
bool
tui_tick(struct tui *t)
{
	int	i;
	bool	redraw = false;

	for (i = t->depth - 1; i >= 0; i--)
		if (t->stack[i].ops->tick != NULL &&
		    t->stack[i].ops->tick(t, &t->stack[i]))
			redraw = true;
	return (redraw);
}

/* The key material the dashboard shows (see tui.h). */
struct key_material *
tui_material(const struct tui *t)
{
	const struct server_model	*m = t->model;

	if (t->material > 0 && (size_t)t->material < m->nmaterials)
		return (m->materials[t->material]);
	return (m->served);
}

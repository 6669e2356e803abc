/* SPDX-License-Identifier: ISC */
/*
 * screen-msg.c -- the modal message box: a title and wrapped text over the
 * screen below; any key closes it.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "tui.h"

/* The message box: a title and wrapped text over the screen below. */
struct msgbox {
	char	*title;
	char	*text;
};

/* Open a message box (arg: a struct msgbox, taken). */
static int
msg_init(struct tui *t, struct screen *s, void *arg, char **cause)
{
	s->data = arg;
	return (0);
}

/* Draw the box centred over the screen below. */
static void
msg_draw(struct tui *t, struct screen *s)
{
	struct msgbox	*mb = s->data;
	char		**lines;
	size_t		 n, i;
	int		 w, h, y, x, maxw = 0;

	w = COLS - 8 < 70 ? COLS - 8 : 70;
	n = draw_wrap(mb->text, w - 4, &lines);
	for (i = 0; i < n; i++)
		if (draw_width(lines[i]) > maxw)
			maxw = draw_width(lines[i]);
	if (maxw + 4 < w)
		w = maxw + 4 < 30 ? 30 : maxw + 4;
	h = (int)n + 4;
	if (h > LINES - 2)
		h = LINES - 2;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	for (i = 0; i < (size_t)h; i++)
		draw_fill(t, y + (int)i, x, w, THEME_TEXT);
	draw_box(t, y, x, h, w, THEME_FOCUS, mb->title, NULL);
	for (i = 0; i < n && (int)i < h - 4; i++)
		draw_text(t, y + 1 + (int)i, x + 2, w - 4, THEME_TEXT,
		    lines[i]);
	draw_text_right(t, y + h - 2, x + 2, w - 4, THEME_MUTED,
	    "any key: close");
	tui_cursor(t, y + 1, x + 2);
	draw_lines_free(lines, n);
}

/* Any key closes the box; F10 still quits. */
static int
msg_key(struct tui *t, struct screen *s, enum tui_action a, int ch)
{
	if (a == ACT_QUIT && ch != 'q')
		return (KR_QUIT);
	return (KR_POP);
}

/* Free the box. */
static void
msg_free(struct tui *t, struct screen *s)
{
	struct msgbox	*mb = s->data;

	if (mb == NULL)
		return;
	free(mb->title);
	free(mb->text);
	free(mb);
	s->data = NULL;
}

const struct screen_ops screen_msg = {
	.name = "message",
	.scope = SCOPE_LIST,
	.overlay = true,
	.init = msg_init,
	.draw = msg_draw,
	.key = msg_key,
	.free = msg_free,
};

/* Push a message box with formatted text. */
int
msg_open(struct tui *t, const char *title, const char *fmt, ...)
{
	struct msgbox	*mb;
	va_list		 ap;

	mb = xcalloc(1, sizeof *mb);
	mb->title = xstrdup(title);
	va_start(ap, fmt);
	xvasprintf(&mb->text, fmt, ap);
	va_end(ap);
	if (tui_push(t, &screen_msg, mb) != 0) {
		free(mb->title);
		free(mb->text);
		free(mb);
		return (-1);
	}
	return (0);
}

/* SPDX-License-Identifier: ISC */
/*
 * colour.c -- theme roles to curses attributes.  Screens name roles, never
 * colours.  One colour pair per role; bright colours need 16 colours, so on
 * an 8-colour terminal a bright foreground becomes the base colour in bold
 * and a bright background the base colour.  With colour off (NO_COLOR,
 * --no-color, a terminal without colours) the built-in mono theme's
 * attributes are used, so the screen stays readable.
 */
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* The curses colour of a theme colour; -1 is the terminal's default. */
static short
colour_curses(enum theme_colour c, bool *bright)
{
	static const short	 base[] = {
		COLOR_BLACK, COLOR_RED, COLOR_GREEN, COLOR_YELLOW,
		COLOR_BLUE, COLOR_MAGENTA, COLOR_CYAN, COLOR_WHITE
	};
	int			 i;

	*bright = false;
	if (c == COLOUR_DEFAULT || c >= COLOUR__MAX)
		return (-1);
	i = (int)c - COLOUR_BLACK;
	if (i < 8)
		return (base[i]);
	if (COLORS >= 16)
		return ((short)(base[i - 8] + 8));
	*bright = true;
	return (base[i - 8]);
}

/* The curses attributes of theme attribute flags. */
static attr_t
colour_flags(unsigned int a)
{
	attr_t	r = A_NORMAL;

	if (a & THEME_A_BOLD)
		r |= A_BOLD;
	if (a & THEME_A_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & THEME_A_REVERSE)
		r |= A_REVERSE;
	if (a & THEME_A_DIM)
		r |= A_DIM;
	return (r);
}

/* Decide on colour and build one colour pair per role. */
void
colour_init(struct tui *t)
{
	const struct theme_style	*s;
	struct theme			*mono = NULL;
	const char			*nc;
	short				 fg, bg;
	bool				 bright, dummy;
	int				 i;

	nc = getenv("NO_COLOR");
	t->colour = !t->opts.no_color && (nc == NULL || *nc == '\0') &&
	    has_colors();
	if (t->colour) {
		start_color();
		if (COLORS < 8 || COLOR_PAIRS <= THEME__MAX)
			t->colour = false;
	}
	if (t->colour)
		use_default_colors();
	else
		mono = theme_builtin("mono");

	for (i = 0; i < THEME__MAX; i++) {
		if (!t->colour) {
			t->attr[i] = colour_flags(mono->roles[i].attrs);
			continue;
		}
		s = &t->theme->roles[i];
		fg = colour_curses(s->fg, &bright);
		bg = colour_curses(s->bg, &dummy);
		init_pair((short)(i + 1), fg, bg);
		t->attr[i] = COLOR_PAIR(i + 1) | colour_flags(s->attrs);
		if (bright)
			t->attr[i] |= A_BOLD;
	}
	theme_free(mono);
}

/* The curses attribute of a role. */
attr_t
colour_attr(const struct tui *t, enum theme_role r)
{
	if ((unsigned)r >= THEME__MAX)
		return (A_NORMAL);
	return (t->attr[r]);
}

/* The role that shows a severity. */
enum theme_role
colour_sev(enum sev s)
{
	switch (s) {
	case SEV_CRIT:
		return (THEME_CRIT);
	case SEV_WARN:
		return (THEME_WARN);
	case SEV_INFO:
		return (THEME_INFO);
	default:
		return (THEME_OK);
	}
}

/* SPDX-License-Identifier: ISC */
/*
 * draw.c -- drawing primitives: UTF-8 text cropped by display width (the
 * wide curses API, so non-ASCII aliases keep their columns), frames with
 * line drawing (Unicode/ACS, or ASCII with --ascii), bars and the key-hint
 * bar.  Everything goes to stdscr.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui.h"

const struct tui_glyphs draw_glyphs_utf8 = {
	.star = "\xe2\x98\x85",		/* ★ */
	.tree = "\xe2\x94\x94",		/* └ */
	.mask = "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"
	    "\xe2\x80\xa2\xe2\x80\xa2",	/* •••••• */
	.ok = "\xe2\x9c\x93",		/* ✓ */
	.warn = "!",
	.crit = "\xe2\x9c\x97",		/* ✗ */
	.info = "i",
	.bullet = "\xe2\x97\x8f",	/* ● */
	.arrow = "\xe2\x86\x92",	/* → */
	.ellipsis = "\xe2\x80\xa6",	/* … */
	.bar_full = "\xe2\x96\x88",	/* █ */
	.bar_empty = "\xe2\x96\x91",	/* ░ */
	.tick = "\xe2\x94\xac",		/* ┬ */
	.axis = "\xe2\x94\x80",		/* ─ */
	.up = "\xe2\x96\xb2",		/* ▲ */
	.down = "\xe2\x96\xbc",		/* ▼ */
};

const struct tui_glyphs draw_glyphs_ascii = {
	.star = "*",
	.tree = "`-",
	.mask = "******",
	.ok = "+",
	.warn = "!",
	.crit = "x",
	.info = "i",
	.bullet = "*",
	.arrow = "->",
	.ellipsis = "~",
	.bar_full = "#",
	.bar_empty = ".",
	.tick = "+",
	.axis = "-",
	.up = "^",
	.down = "v",
};

/* The termesc flags for the dashboard: every non-ASCII character escaped
 * too when the locale is not UTF-8. */
static int
draw_escflags(void)
{
	return (MB_CUR_MAX > 1 ? 0 : TERMESC_ASCII);
}

/*
 * s[0, *len) as the dashboard shows it: escaped by termesc, the one
 * escaper for text from files, certificates and the network, so that no
 * control character (C0, C1, bidirectional) or stray byte reaches the
 * screen.  Returns s, or the escaped copy (also in *tmp, for the caller to
 * free) with *len its length.
 */
static const char *
draw_escape(const char *s, size_t *len, char **tmp)
{
	*tmp = NULL;
	if (!termesc_needed(s, *len, draw_escflags()))
		return (s);
	*tmp = termesc(s, *len, draw_escflags());
	*len = strlen(*tmp);
	return (*tmp);
}

/*
 * Decode the next character of s (len bytes left) into *wc with its
 * display width.  The text was escaped (draw_escape): what the locale
 * still cannot decode or show becomes '?'.  Returns the bytes used (at
 * least 1).
 */
static size_t
draw_next(const char *s, size_t len, wchar_t *wc, int *width)
{
	mbstate_t	 st;
	size_t		 n;
	int		 w;

	memset(&st, 0, sizeof st);
	n = mbrtowc(wc, s, len, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = L'?';
		*width = 1;
		return (1);
	}
	if (*wc < 0x20 || (*wc >= 0x7f && *wc < 0xa0)) {
		*wc = L'?';
		*width = 1;
		return (n);
	}
	if ((w = wcwidth(*wc)) < 0) {
		*wc = L'?';
		w = 1;
	}
	*width = w;
	return (n);
}

/* Display width of len bytes of UTF-8, as drawn (escaped). */
int
draw_widthn(const char *s, size_t len)
{
	wchar_t	 wc;
	size_t	 i = 0;
	char	*tmp;
	int	 w, total = 0;

	s = draw_escape(s, &len, &tmp);
	while (i < len) {
		i += draw_next(s + i, len - i, &wc, &w);
		total += w;
	}
	free(tmp);
	return (total);
}

/* Display width of a UTF-8 string (0 for NULL). */
int
draw_width(const char *s)
{
	return (s == NULL ? 0 : draw_widthn(s, strlen(s)));
}

/* Put wide characters at y, x in role. */
static void
draw_put(struct tui *t, int y, int x, enum theme_role role, const wchar_t *wb,
    int n)
{
	if (n <= 0)
		return;
	wattrset(stdscr, colour_attr(t, role));
	mvwaddnwstr(stdscr, y, x, wb, n);
}

/* Draw len bytes of UTF-8, cropped to w columns with an ellipsis. */
int
draw_textn(struct tui *t, int y, int x, int w, enum theme_role role,
    const char *s, size_t len)
{
	wchar_t	*wb, wc, ell;
	size_t	 i = 0;
	char	*tmp;
	int	 n = 0, used = 0, cw, total, ew;

	if (w <= 0 || s == NULL || y < 0 || x < 0)
		return (0);
	s = draw_escape(s, &len, &tmp);
	total = draw_widthn(s, len);
	wb = xreallocarray(NULL, len + 2, sizeof *wb);
	draw_next(t->g->ellipsis, strlen(t->g->ellipsis), &ell, &ew);
	while (i < len) {
		i += draw_next(s + i, len - i, &wc, &cw);
		if (total > w ? used + cw > w - ew : used + cw > w)
			break;
		wb[n++] = wc;
		used += cw;
	}
	if (total > w && used + ew <= w) {
		wb[n++] = ell;
		used += ew;
	}
	draw_put(t, y, x, role, wb, n);
	free(wb);
	free(tmp);
	return (used);
}

/* Draw a UTF-8 string, cropped to w columns. */
int
draw_text(struct tui *t, int y, int x, int w, enum theme_role role,
    const char *s)
{
	if (s == NULL)
		return (0);
	return (draw_textn(t, y, x, w, role, s, strlen(s)));
}

/* Draw a string keeping its end: "…/conf/keystore.p12". */
int
draw_text_tail(struct tui *t, int y, int x, int w, enum theme_role role,
    const char *s)
{
	size_t	 len, start, n;
	char	*tmp;
	int	 total, cw, ew, used;
	wchar_t	 wc;

	if (s == NULL || w <= 0)
		return (0);
	len = strlen(s);
	s = draw_escape(s, &len, &tmp);
	if ((total = draw_widthn(s, len)) <= w) {
		used = draw_textn(t, y, x, w, role, s, len);
		free(tmp);
		return (used);
	}
	ew = draw_width(t->g->ellipsis);
	/* Drop characters from the front until the rest fits. */
	for (start = 0; start < len && total > w - ew; start += n) {
		n = draw_next(s + start, len - start, &wc, &cw);
		total -= cw;
	}
	used = draw_text(t, y, x, w, role, t->g->ellipsis);
	used += draw_textn(t, y, x + used, w - used, role, s + start,
	    len - start);
	free(tmp);
	return (used);
}

/* Draw a string right-aligned in w columns. */
int
draw_text_right(struct tui *t, int y, int x, int w, enum theme_role role,
    const char *s)
{
	int	n;

	if (s == NULL || w <= 0)
		return (0);
	if ((n = draw_width(s)) > w)
		n = w;
	return (draw_text(t, y, x + w - n, n, role, s));
}

/* Format, then draw as draw_text. */
int
draw_printf(struct tui *t, int y, int x, int w, enum theme_role role,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	n = draw_text(t, y, x, w, role, s);
	free(s);
	return (n);
}

/* Fill w columns with blanks in a role. */
void
draw_fill(struct tui *t, int y, int x, int w, enum theme_role role)
{
	if (w <= 0 || y < 0 || x < 0)
		return;
	wattrset(stdscr, colour_attr(t, role));
	mvwhline(stdscr, y, x, ' ' | colour_attr(t, role), w);
}

/* Draw n copies of a line-drawing character (ASCII with --ascii). */
static void
draw_line(struct tui *t, int y, int x, int n, bool vertical,
    const cchar_t *wacs, chtype ascii, enum theme_role role)
{
	attr_t	 a = colour_attr(t, role), ca;
	cchar_t	 cc;
	wchar_t	 wch[CCHARW_MAX + 1];
	short	 pair;

	if (n <= 0)
		return;
	/* The line functions merge the window's attributes in: set ours. */
	wattrset(stdscr, a);
	if (t->ascii) {
		if (vertical)
			mvwvline(stdscr, y, x, ascii | a, n);
		else
			mvwhline(stdscr, y, x, ascii | a, n);
		return;
	}
	getcchar(wacs, wch, &ca, &pair, NULL);
	setcchar(&cc, wch, (ca & ~A_COLOR) | (a & ~A_COLOR),
	    (short)PAIR_NUMBER(a), NULL);
	if (vertical)
		mvwvline_set(stdscr, y, x, &cc, n);
	else
		mvwhline_set(stdscr, y, x, &cc, n);
}

/* A horizontal line. */
void
draw_hline(struct tui *t, int y, int x, int w, enum theme_role role)
{
	draw_line(t, y, x, w, false, WACS_HLINE, '-', role);
}

/* A frame with the title (and a muted subtitle) in its top border. */
void
draw_box(struct tui *t, int y, int x, int h, int w, enum theme_role role,
    const char *title, const char *subtitle)
{
	int	 tw;

	if (h < 2 || w < 2)
		return;
	draw_line(t, y, x, 1, false, WACS_ULCORNER, '+', role);
	draw_line(t, y, x + w - 1, 1, false, WACS_URCORNER, '+', role);
	draw_line(t, y + h - 1, x, 1, false, WACS_LLCORNER, '+', role);
	draw_line(t, y + h - 1, x + w - 1, 1, false, WACS_LRCORNER, '+',
	    role);
	draw_line(t, y, x + 1, w - 2, false, WACS_HLINE, '-', role);
	draw_line(t, y + h - 1, x + 1, w - 2, false, WACS_HLINE, '-', role);
	draw_line(t, y + 1, x, h - 2, true, WACS_VLINE, '|', role);
	draw_line(t, y + 1, x + w - 1, h - 2, true, WACS_VLINE, '|', role);
	if (title == NULL || w < 6)
		return;
	draw_fill(t, y, x + 1, 1, THEME_TITLE);
	tw = draw_text(t, y, x + 2, w - 4, THEME_TITLE, title);
	if (subtitle != NULL && *subtitle != '\0' && w - 5 - tw > 4) {
		draw_fill(t, y, x + 2 + tw, 2, THEME_TITLE);
		tw += 2 + draw_text_tail(t, y, x + 4 + tw, w - 6 - tw,
		    THEME_MUTED, subtitle);
	}
	draw_fill(t, y, x + 2 + tw, 1, THEME_TITLE);
}

/* A bar of w columns, frac of it full. */
void
draw_bar(struct tui *t, int y, int x, int w, double frac, enum theme_role role)
{
	int	i, full;

	if (w <= 0)
		return;
	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	full = (int)(frac * w + 0.5);
	if (full == 0 && frac > 0)
		full = 1;
	for (i = 0; i < w; i++)
		draw_text(t, y, x + i, 1, i < full ? role : THEME_MUTED,
		    i < full ? t->g->bar_full : t->g->bar_empty);
}

/* The hints of scope, in table order, one per action. */
static size_t
draw_hint_list(unsigned int scope, const struct tui_key **out, size_t max)
{
	const struct tui_key	*k;
	size_t			 n = 0, i;

	scope |= SCOPE_GLOBAL;
	for (k = tui_keys; k->name != NULL && n < max; k++) {
		if (k->hint == NULL || !(k->scope & scope))
			continue;
		for (i = 0; i < n; i++)
			if (out[i]->action == k->action)
				break;
		if (i == n)
			out[n++] = k;
	}
	return (n);
}

/* The key-hint bar: long labels, short ones, or fewer keys. */
void
draw_hints(struct tui *t, int y, unsigned int scope)
{
	const struct tui_key	*h[32];
	size_t			 n, i, drop;
	int			 width, x, gap;
	bool			 shrt = false;

	n = draw_hint_list(scope, h, 32);
	draw_fill(t, y, 0, COLS, THEME_HINT);
	/* Long labels, then short ones, then drop from the middle. */
	for (drop = 0;; ) {
		gap = shrt ? 1 : 2;
		width = 0;
		for (i = 0; i < n; i++) {
			if (drop > 0 && i >= n - 1 - drop && i < n - 1)
				continue;
			width += draw_width(h[i]->name) + 1 +
			    draw_width(shrt ? h[i]->short_hint : h[i]->hint) +
			    gap;
		}
		if (width - gap <= COLS - 1 || n <= 2 || drop + 2 >= n)
			break;
		if (!shrt)
			shrt = true;
		else
			drop++;
	}
	x = 1;
	for (i = 0; i < n && x < COLS; i++) {
		if (drop > 0 && i >= n - 1 - drop && i < n - 1)
			continue;
		x += draw_text(t, y, x, COLS - x, THEME_KEY, h[i]->name);
		x += 1;
		x += draw_text(t, y, x, COLS - x, THEME_HINT,
		    shrt ? h[i]->short_hint : h[i]->hint);
		x += gap;
	}
}

/* The CN of a keytool-style subject, or the whole subject. */
char *
draw_cn(const char *subject)
{
	char	*cn;

	if (subject == NULL)
		return (xstrdup(""));
	if ((cn = dn_get(subject, "CN")) != NULL)
		return (cn);
	return (xstrdup(subject));
}

/* Append one line (bytes s..s+len) to a line array. */
static void
draw_wrap_add(char ***lines, size_t *n, const char *s, size_t len)
{
	*lines = xreallocarray(*lines, *n + 1, sizeof **lines);
	(*lines)[(*n)++] = xstrndup(s, len);
}

/* Wrap text into lines of at most w columns. */
size_t
draw_wrap(const char *text, int w, char ***lines)
{
	const char	*p, *e, *brk;
	size_t		 n = 0, i, len, cut;
	wchar_t		 wc;
	int		 used, cw;

	*lines = NULL;
	if (w < 1)
		w = 1;
	for (p = text; p != NULL && *p != '\0'; p = *e == '\n' ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		/* One text line into pieces of at most w columns. */
		while (draw_widthn(p, (size_t)(e - p)) > w) {
			used = 0;
			brk = NULL;
			for (i = 0, cut = 0; p + i < e; i += len) {
				len = draw_next(p + i, (size_t)(e - p - i), &wc,
				    &cw);
				if (used + cw > w)
					break;
				used += cw;
				cut = i + len;
				if (p[i] == ' ')
					brk = p + i;
			}
			if (cut == 0)
				cut = 1;
			if (brk != NULL && brk > p) {
				draw_wrap_add(lines, &n, p, (size_t)(brk - p));
				p = brk + 1;
			} else {
				draw_wrap_add(lines, &n, p, cut);
				p += cut;
			}
		}
		draw_wrap_add(lines, &n, p, (size_t)(e - p));
	}
	return (n);
}

/* Free an array of n malloc'd strings (draw_wrap's, fstep_line's). */
void
draw_lines_free(char **lines, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* Keep a list's selection on an item and in view. */
void
draw_list_clamp(struct draw_list *l, int n, int vis)
{
	if (l->sel >= n)
		l->sel = n - 1;
	if (l->sel < 0)
		l->sel = 0;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + vis)
		l->top = l->sel - vis + 1;
	if (l->top < 0)
		l->top = 0;
}

/* Move a list's selection by a key; false when a is not a move. */
bool
draw_list_move(struct draw_list *l, enum tui_action a, int n, int vis)
{
	switch (a) {
	case ACT_UP:
		l->sel--;
		break;
	case ACT_DOWN:
		l->sel++;
		break;
	case ACT_PGUP:
		l->sel -= vis;
		break;
	case ACT_PGDN:
		l->sel += vis;
		break;
	case ACT_TOP:
		l->sel = 0;
		break;
	case ACT_BOTTOM:
		l->sel = n - 1;
		break;
	default:
		return (false);
	}
	draw_list_clamp(l, n, vis);
	return (true);
}

/* Arrows at the right edge where items are hidden above or below. */
void
draw_list_arrows(struct tui *t, const struct draw_list *l, int n, int vis,
    int y_up, int y_down)
{
	if (l->top > 0)
		draw_text(t, y_up, COLS - 1, 1, THEME_MUTED, t->g->up);
	if (l->top + vis < n)
		draw_text(t, y_down, COLS - 1, 1, THEME_MUTED, t->g->down);
}

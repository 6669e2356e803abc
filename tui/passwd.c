/* SPDX-License-Identifier: ISC */
/*
 * passwd.c -- password entry without libform (libform keeps
 * its buffers and cannot wipe them).  The characters go into one fixed
 * buffer inside the entry (never reallocated, so no stale copies), are
 * shown as one mask glyph each, and are wiped when the entry is cleared or
 * freed.  A value the entry was created with (an existing password) shows
 * as a fixed-width mask, so its length is not on screen, and the first key
 * typed replaces it rather than extending a value nobody can see.  The core sees them as a struct secret that points into that
 * buffer (pw_secret), never as a copy.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "tui.h"

/* Longest password taken, in bytes of UTF-8. */
#define PW_MAX		1024
/* Glyphs shown for a prefilled value, whatever its length. */
#define PW_PREFILL_MASK	8

struct pw_entry {
	char		 buf[PW_MAX + 1];
	size_t		 len;		/* bytes */
	size_t		 nchars;	/* characters (mask glyphs) */
	bool		 prefilled;	/* holds the value it was given */
	struct secret	 view;		/* buf/len, for the core; not owned */
};

/* A new entry, holding a copy of prefill (may be NULL). */
struct pw_entry *
pw_new(const struct secret *prefill)
{
	struct pw_entry	*pw;
	mbstate_t	 st;
	size_t		 i, n;
	wchar_t		 wc;

	pw = xcalloc(1, sizeof *pw);
	if (prefill != NULL && prefill->len <= PW_MAX) {
		memcpy(pw->buf, prefill->buf, prefill->len);
		pw->len = prefill->len;
		pw->prefilled = true;
		memset(&st, 0, sizeof st);
		for (i = 0; i < pw->len; i += n) {
			n = mbrtowc(&wc, pw->buf + i, pw->len - i, &st);
			if (n == 0 || n == (size_t)-1 || n == (size_t)-2) {
				memset(&st, 0, sizeof st);
				n = 1;
			}
			pw->nchars++;
		}
	}
	pw->buf[pw->len] = '\0';
	return (pw);
}

/* Wipe the characters. */
void
pw_clear(struct pw_entry *pw)
{
	explicit_bzero(pw->buf, sizeof pw->buf);
	pw->len = 0;
	pw->nchars = 0;
	pw->prefilled = false;
}

/* Wipe and free. */
void
pw_free(struct pw_entry *pw)
{
	if (pw == NULL)
		return;
	explicit_bzero(pw, sizeof *pw);
	free(pw);
}

/*
 * One input code: a printable character is appended, Backspace drops the
 * last character, Ctrl-U clears.  Returns true when the value changed.
 */
bool
pw_key(struct pw_entry *pw, int ch)
{
	char		 mb[8];
	mbstate_t	 st;
	size_t		 n;

	if (ch == TK(KEY_BACKSPACE) || ch == 127 || ch == 8) {
		if (pw->len == 0)
			return (false);
		if (pw->prefilled) {	/* nothing to edit character-wise */
			pw_clear(pw);
			return (true);
		}
		/* Drop the last UTF-8 character. */
		n = pw->len;
		while (n > 0 && ((unsigned char)pw->buf[n - 1] & 0xc0) == 0x80)
			n--;
		if (n > 0)
			n--;
		explicit_bzero(pw->buf + n, pw->len - n);
		pw->len = n;
		pw->nchars--;
		pw->prefilled = false;
		return (true);
	}
	if (ch == TK_CTRL('u')) {
		if (pw->len == 0)
			return (false);
		pw_clear(pw);
		return (true);
	}
	if (ch < 0x20 || ch >= TK(0) || !iswprint((wint_t)ch))
		return (false);
	if (pw->prefilled)
		pw_clear(pw);
	memset(&st, 0, sizeof st);
	n = wcrtomb(mb, (wchar_t)ch, &st);
	if (n == (size_t)-1 || pw->len + n > PW_MAX) {
		explicit_bzero(mb, sizeof mb);
		return (false);
	}
	memcpy(pw->buf + pw->len, mb, n);
	explicit_bzero(mb, sizeof mb);
	pw->len += n;
	pw->buf[pw->len] = '\0';
	pw->nchars++;
	pw->prefilled = false;
	return (true);
}

/* The value for the core: a view into the entry (do not free). */
const struct secret *
pw_secret(struct pw_entry *pw)
{
	pw->view.buf = pw->buf;
	pw->view.len = pw->len;
	return (&pw->view);
}

/* Characters typed (mask glyphs shown). */
size_t
pw_chars(const struct pw_entry *pw)
{
	return (pw->nchars);
}

/* Does it still hold the value it was created with? */
bool
pw_prefilled(const struct pw_entry *pw)
{
	return (pw->prefilled);
}

/*
 * Draw the mask (one glyph per character typed, a fixed width for a
 * prefilled value; the field's w columns filled in role); returns the
 * column of the cursor (after the last glyph).
 */
int
pw_draw(struct tui *t, const struct pw_entry *pw, int y, int x, int w,
    attr_t attr)
{
	const char	*g = t->ascii || !t->utf8 ? "*" : "\xe2\x80\xa2";
	size_t		 i, shown, n;
	int		 skip;

	wattrset(stdscr, attr);
	mvwhline(stdscr, y, x, ' ' | attr, w);
	n = pw->prefilled && pw->len > 0 ? PW_PREFILL_MASK : pw->nchars;
	/* Keep the end in view when there are more than fit. */
	shown = n < (size_t)(w - 1) ? n : (size_t)(w - 1);
	skip = n > shown ? 1 : 0;
	if (skip)
		mvwaddstr(stdscr, y, x, "<");
	for (i = skip; i < shown; i++)
		mvwaddstr(stdscr, y, x + (int)i, g);
	wattrset(stdscr, A_NORMAL);
	return (x + (int)shown);
}

/* SPDX-License-Identifier: ISC */
/*
 * termesc.c -- text from a file, a certificate or the network made safe to
 * put on a terminal.  The one escaper: the command line (every line it
 * prints, error lines included) and the dashboard (every string it draws)
 * pass such text through it.
 *
 * What a terminal would act on, rather than show, is written as an escape
 * of plain ASCII, \uXXXX for a character and \xNN for a byte that is not
 * one:
 *  - C0 controls and DEL as \u0000..\u001F, \u007F (\t and \n kept with
 *    TERMESC_LINES);
 *  - C1 controls U+0080..U+009F, encoded in UTF-8, as \u0080..\u009F
 *    (U+009B is CSI: an 8-bit terminal, or xterm with 8-bit controls on,
 *    starts an escape sequence with it);
 *  - the bidirectional controls (U+061C, U+200E, U+200F, U+202A..U+202E,
 *    U+2066..U+2069), which reorder what follows them on the line;
 *  - bytes that are not UTF-8 (raw 0x80..0x9F among them, overlong forms,
 *    surrogates, cut sequences) as \xNN, one per byte;
 *  - with TERMESC_ASCII (a terminal that is not UTF-8) every other
 *    non-ASCII character as \uXXXX or \UXXXXXXXX.
 * Backslashes are not doubled: the result of an escape reads as it is, and
 * escaping it again changes nothing (a message built from escaped parts
 * can go through it once more).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* The length of the UTF-8 sequence at s (n bytes left) and its code point,
 * or 0 when it is not one (strict: no overlong forms, no surrogates). */
static size_t
termesc_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t		len, i;
	uint32_t	c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return (1);
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return (0);
	if (n < len)
		return (0);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (len);
}

/* Is code point cp one a terminal acts on (C1, bidirectional)? */
static bool
termesc_control_cp(uint32_t cp)
{
	return ((cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e ||
	    cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069));
}

/*
 * The escape of the character at s (n bytes left) into out (at least 11
 * bytes) with its length, or 0 when it goes as it is; *used gets the bytes
 * of s it stands for.
 */
static size_t
termesc_one(const unsigned char *s, size_t n, int flags, char *out,
    size_t *used)
{
	uint32_t	cp;
	size_t		len;

	*used = 1;
	if (s[0] < 0x80) {
		if ((s[0] >= 0x20 && s[0] != 0x7f) || ((flags &
		    TERMESC_LINES) && (s[0] == '\n' || s[0] == '\t')))
			return (0);
		return (snprintf(out, 11, "\\u%04X", s[0]));
	}
	if ((len = termesc_utf8(s, n, &cp)) == 0)
		return (snprintf(out, 11, "\\x%02x", s[0]));
	*used = len;
	if (!termesc_control_cp(cp) && (~flags & TERMESC_ASCII))
		return (0);
	if (cp > 0xffff)
		return (snprintf(out, 11, "\\U%08X", (unsigned int)cp));
	return (snprintf(out, 11, "\\u%04X", (unsigned int)cp));
}

/* Does s[0, len) hold anything termesc would change? */
bool
termesc_needed(const char *s, size_t len, int flags)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			 t[12];
	size_t			 i, used;

	for (i = 0; i < len; i += used) {
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			used = 1;
			continue;
		}
		if (termesc_one(p + i, len - i, flags, t, &used) != 0)
			return (true);
	}
	return (false);
}

/* s[0, len) escaped for a terminal, malloc'd (NUL-terminated). */
char *
termesc(const char *s, size_t len, int flags)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*o, t[12];
	size_t			 i, n = 0, used, k;

	if (s == NULL)
		return (xstrdup(""));
	/* The size first (an escape is at most 10 bytes for 1 to 4). */
	for (i = 0; i < len; i += used) {
		k = termesc_one(p + i, len - i, flags, t, &used);
		n += k != 0 ? k : used;
	}
	o = xmalloc(n + 1);
	for (i = n = 0; i < len; i += used) {
		if ((k = termesc_one(p + i, len - i, flags, t, &used)) == 0) {
			memcpy(o + n, p + i, used);
			n += used;
		} else {
			memcpy(o + n, t, k);
			n += k;
		}
	}
	o[n] = '\0';
	return (o);
}

/* A NUL-terminated string escaped (NULL: ""), malloc'd. */
char *
termesc_str(const char *s, int flags)
{
	return (termesc(s, s != NULL ? strlen(s) : 0, flags));
}

/* SPDX-License-Identifier: ISC */
/*
 * confdoc.c -- what the configuration documents (yamldoc.c, xmldoc.c,
 * inidoc.c) share: a growing buffer, the checks every input passes before
 * a parser sees it, line ends and line numbers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* Append n bytes. */
void
confbuf_add(struct confbuf *b, const void *p, size_t n)
{
	if (b->cap - b->len < n + 1) {
		if (b->cap == 0)
			b->cap = 64;
		while (b->cap - b->len < n + 1)
			b->cap *= 2;
		b->d = xreallocarray(b->d, b->cap, 1);
	}
	if (n != 0)
		memcpy(b->d + b->len, p, n);
	b->len += n;
	b->d[b->len] = '\0';
}

/* Append a C string. */
void
confbuf_str(struct confbuf *b, const char *s)
{
	confbuf_add(b, s, strlen(s));
}

/* Append formatted text. */
void
confbuf_printf(struct confbuf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	confbuf_str(b, s);
	free(s);
}

/* Is s[0, n) UTF-8 without NUL? */
bool
confdoc_utf8(const unsigned char *s, size_t n, size_t *bad)
{
	size_t		i = 0, k, need;
	uint32_t	cp, min;

	while (i < n) {
		if (s[i] != 0 && s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			need = 1;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			need = 2;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			need = 3;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			goto bad;
		if (n - i <= need)
			goto bad;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;
		i += need + 1;
	}
	return (true);
bad:
	if (bad != NULL)
		*bad = i;
	return (false);
}

/* s fit for a one-line message. */
char *
confdoc_printable(const char *s, size_t max)
{
	char	*t;
	size_t	 n = strlen(s), i;

	if (n > max) {
		t = xmalloc(max + 4);
		memcpy(t, s, max);
		memcpy(t + max, "...", 4);
		n = max;
	} else
		t = xstrdup(s);
	for (i = 0; i < n; i++) {
		if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
			t[i] = '?';
	}
	return (t);
}

/* 1-based line of byte off. */
int
confdoc_line(const unsigned char *s, size_t n, size_t off)
{
	size_t	i;
	int	line = 1;

	if (off > n)
		off = n;
	for (i = 0; i < off; i++) {
		if (s[i] == '\n')
			line++;
		else if (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n'))
			line++;
	}
	return (line);
}

/* Refuse input no configuration document holds. */
int
confdoc_check(const unsigned char *s, size_t n, const char *name, int flags,
    char **cause)
{
	const unsigned char	*z;
	size_t			 bad;

	if (name == NULL)
		name = "(document)";
	if (n > CONFIG_MAX_SIZE) {
		cause_set(cause, "%s: too large (%zu bytes; at most %lu)", name,
		    n, CONFIG_MAX_SIZE);
		return (-1);
	}
	if ((n >= 2 && ((s[0] == 0xff && s[1] == 0xfe) ||
	    (s[0] == 0xfe && s[1] == 0xff))) ||
	    (n >= 4 && s[0] == 0 && s[1] == 0 && s[2] == 0xfe &&
	    s[3] == 0xff)) {
		cause_set(cause, "%s: UTF-16 or UTF-32 text: save it as UTF-8",
		    name);
		return (-1);
	}
	if ((z = memchr(s, '\0', n)) != NULL) {
		cause_set(cause, "%s: line %d: NUL byte: binary data, not a "
		    "text file", name, confdoc_line(s, n, z - s));
		return (-1);
	}
	if ((~flags & CONFDOC_ANY_BYTES) && !confdoc_utf8(s, n, &bad)) {
		cause_set(cause, "%s: line %d: not UTF-8 text (byte 0x%02x)",
		    name, confdoc_line(s, n, bad), s[bad]);
		return (-1);
	}
	return (0);
}

/* The dominant line end. */
const char *
confdoc_eol(const unsigned char *s, size_t n)
{
	size_t	i, lf = 0, crlf = 0, cr = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			lf++;
		else if (s[i] == '\r') {
			if (i + 1 < n && s[i + 1] == '\n') {
				crlf++;
				i++;
			} else
				cr++;
		}
	}
	if (crlf > lf && crlf >= cr)
		return ("\r\n");
	if (cr > lf && cr > crlf)
		return ("\r");
	return ("\n");
}

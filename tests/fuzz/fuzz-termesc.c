/* SPDX-License-Identifier: ISC */
/*
 * fuzz-termesc.c -- core/termesc.c on arbitrary bytes.  Besides not
 * crashing: the result is UTF-8 without a C0 control (but \n and \t with
 * TERMESC_LINES), DEL, C1 control or bidirectional control, ASCII only
 * with TERMESC_ASCII; escaping it again changes nothing; termesc_needed
 * says exactly whether anything changed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Is s clean for flags?  A strict UTF-8 walk. */
static void
fuzz_clean(const unsigned char *s, size_t len, int flags)
{
	uint32_t	cp;
	size_t		i = 0, n, k;

	while (i < len) {
		if (s[i] < 0x80) {
			if ((s[i] < 0x20 && !((flags & TERMESC_LINES) &&
			    (s[i] == '\n' || s[i] == '\t'))) || s[i] == 0x7f)
				abort();
			i++;
			continue;
		}
		if (flags & TERMESC_ASCII)
			abort();
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			n = 2;
			cp = s[i] & 0x1f;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			n = 3;
			cp = s[i] & 0x0f;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			n = 4;
			cp = s[i] & 0x07;
		} else
			abort();
		if (i + n > len)
			abort();
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				abort();
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			abort();
		if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x61c ||
		    cp == 0x200e || cp == 0x200f ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			abort();
		i += n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int	 fl[] = { 0, TERMESC_LINES, TERMESC_ASCII,
	    TERMESC_LINES | TERMESC_ASCII };
	char			*e, *e2;
	size_t			 i, len;

	for (i = 0; i < sizeof fl / sizeof fl[0]; i++) {
		e = termesc((const char *)data, size, fl[i]);
		len = strlen(e);
		fuzz_clean((const unsigned char *)e, len, fl[i]);
		if (termesc_needed((const char *)data, size, fl[i]) !=
		    (len != size || memcmp(e, data, size) != 0))
			abort();
		if (termesc_needed(e, len, fl[i]))
			abort();
		e2 = termesc(e, len, fl[i]);
		if (strcmp(e, e2) != 0)
			abort();
		free(e2);
		free(e);
	}
	return (0);
}

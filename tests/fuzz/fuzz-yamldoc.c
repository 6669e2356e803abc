/* SPDX-License-Identifier: ISC */
/*
 * fuzz-yamldoc.c -- core/yamldoc.c on arbitrary bytes.  Besides not
 * crashing: a failure is one line naming the document; what parses
 * serializes back byte for byte, with every entry's span inside it; a set
 * either reads back as set with every other entry as it was, or fails and
 * changes nothing; so does an unset.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The document must hold exactly these bytes. */
static void
fuzz_same(const struct yamldoc *d, const uint8_t *data, size_t size)
{
	unsigned char	*out;
	size_t		 len;

	yamldoc_serialize(d, &out, &len);
	if (len != size || memcmp(out, data, size) != 0)
		abort();
	free(out);
}

/* A failure: one line, naming the document. */
static void
fuzz_cause(char *cause)
{
	if (cause == NULL || strncmp(cause, "fuzz.yml: ", 10) != 0 ||
	    strchr(cause, '\n') != NULL)
		abort();
	free(cause);
}

/* A short string from the input at off (no NUL). */
static void
fuzz_str(char *dst, size_t max, const uint8_t *data, size_t size, size_t off,
    size_t n)
{
	size_t	i;

	for (i = 0; i < n && i + 1 < max && off + i < size; i++)
		dst[i] = data[off + i] == '\0' ? 'x' : (char)data[off + i];
	dst[i] = '\0';
}

/* Entries of old outside (doc, canon) read the same in new. */
static void
fuzz_others(const struct yamldoc *old, const struct yamldoc *new, int doc,
    const char *canon)
{
	const struct yamldoc_entry	*a, *b;
	size_t				 i, j = 0;

	for (i = 0; i < yamldoc_count(old); i++) {
		a = yamldoc_entry(old, i);
		if (a->doc == doc && strcmp(a->canon, canon) == 0)
			continue;
		/* "a:" with nothing becomes the mapping a new a.b goes in. */
		if (a->doc == doc && (a->flags & YAMLDOC_NULL) && a->len == 0 &&
		    strncmp(a->canon, canon, strlen(a->canon)) == 0 &&
		    (canon[strlen(a->canon)] == '.' ||
		    canon[strlen(a->canon)] == '[') &&
		    (j >= yamldoc_count(new) || strcmp(yamldoc_entry(new,
		    j)->key, a->key) != 0))
			continue;
		for (; j < yamldoc_count(new); j++) {
			b = yamldoc_entry(new, j);
			if (!(b->doc == doc && strcmp(b->canon, canon) == 0))
				break;
		}
		if (j == yamldoc_count(new))
			abort();
		b = yamldoc_entry(new, j++);
		if (strcmp(a->key, b->key) != 0 || a->doc != b->doc ||
		    a->value_len != b->value_len ||
		    memcmp(a->value, b->value, a->value_len) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct yamldoc_entry	*e;
	struct yamldoc			*d = NULL, *orig = NULL, *q = NULL;
	unsigned char			*out;
	char				*cause = NULL, *canon;
	char				 key[52], value[40];
	size_t				 i, n, len;
	int				 doc = 0;

	if (yamldoc_parse(data, size, "fuzz.yml", &d, &cause) != 0) {
		fuzz_cause(cause);
		return (0);
	}
	fuzz_same(d, data, size);
	n = yamldoc_count(d);
	for (i = 0; i < n; i++) {
		e = yamldoc_entry(d, i);
		if (e->off + e->len > size || e->line < 1 || e->column < 1 ||
		    e->doc < 0 || e->doc >= yamldoc_ndocs(d) ||
		    strlen(e->value) > e->value_len)
			abort();
	}
	if (yamldoc_parse(data, size, "fuzz.yml", &orig, NULL) != 0)
		abort();

	/* A key: an existing one, or bytes of the input. */
	if (n > 0 && size > 2 && (data[0] & 1) &&
	    strlen(yamldoc_entry(d, data[1] % n)->key) + 2 < sizeof key) {
		e = yamldoc_entry(d, data[1] % n);
		/* That key, or a new one below it (an insertion). */
		snprintf(key, sizeof key, "%s%s", e->key, (data[0] & 2) ?
		    ".n" : "");
		doc = e->doc;
	} else
		fuzz_str(key, sizeof key, data, size, size / 3, 1 + size % 9);
	fuzz_str(value, sizeof value, data, size, size / 2, size % 17);
	canon = props_canon_key(key);

	cause = NULL;
	if (yamldoc_set(d, doc, key, value, &cause) != 0) {
		fuzz_cause(cause);
		fuzz_same(d, data, size);
	} else {
		yamldoc_serialize(d, &out, &len);
		if (yamldoc_parse(out, len, "again", &q, NULL) != 0)
			abort();
		e = yamldoc_find(q, doc, key);
		if (e == NULL || e->value_len != strlen(value) ||
		    strcmp(e->value, value) != 0)
			abort();
		fuzz_others(orig, q, doc, canon);
		yamldoc_free(q);
		free(out);
	}

	yamldoc_free(d);
	if (yamldoc_parse(data, size, "fuzz.yml", &d, NULL) != 0)
		abort();
	cause = NULL;
	if (yamldoc_unset(d, doc, key, NULL, &cause) != 0) {
		fuzz_cause(cause);
		fuzz_same(d, data, size);
	} else {
		if (yamldoc_find(d, doc, key) != NULL)
			abort();
		fuzz_others(orig, d, doc, canon);
	}
	free(canon);
	yamldoc_free(orig);
	yamldoc_free(d);
	return (0);
}

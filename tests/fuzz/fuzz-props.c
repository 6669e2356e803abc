/* SPDX-License-Identifier: ISC */
/*
 * fuzz-props.c -- core/props.c on arbitrary bytes.  Besides not crashing:
 * what parses must serialize back to the input byte for byte; props_set on
 * a key taken from the input must read back as set, leave every other key
 * as it was, or fail and change nothing; unset and dedup must leave the
 * right number of entries; ${...} resolution must finish.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The document must hold exactly these bytes. */
static void
fuzz_same(const struct props *p, const uint8_t *data, size_t size)
{
	unsigned char	*out;
	size_t		 len;

	props_serialize(p, &out, &len);
	if (len != size || memcmp(out, data, size) != 0)
		abort();
	free(out);
}

/* A short NUL-free string from the input at off. */
static void
fuzz_str(char *dst, size_t max, const uint8_t *data, size_t size, size_t off,
    size_t n)
{
	size_t	i;

	for (i = 0; i < n && i + 1 < max && off + i < size; i++)
		dst[i] = data[off + i] == '\0' ? 'x' : (char)data[off + i];
	dst[i] = '\0';
}

/* Every key of old (other than the edited one) reads the same in new. */
static void
fuzz_others(const struct props *old, const struct props *new,
    const char *canon)
{
	const struct prop_entry	*e;
	const char		*a, *b;
	size_t			 i;

	for (i = 0; i < props_count(old); i++) {
		e = props_entry(old, i);
		if (strlen(e->key) != e->key_len ||
		    strcmp(e->canon, canon) == 0)
			continue;
		a = props_get(old, e->key);
		b = props_get(new, e->key);
		if (a == NULL || b == NULL || strcmp(a, b) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct props		*p = NULL, *orig = NULL, *q = NULL;
	const struct prop_entry	*e, **l;
	unsigned char		*out;
	char			*cause = NULL, *res, *canon;
	char			 key[40], value[40];
	size_t			 i, n, len, removed, before;
	int			*lines;
	bool			 unres;

	if (props_parse(data, size, "fuzz", &p, &cause) != 0) {
		if (cause == NULL || strstr(cause, "malformed") == NULL)
			abort();
		free(cause);
		return (0);
	}
	fuzz_same(p, data, size);
	n = props_count(p);
	for (i = 0; i < n; i++) {
		e = props_entry(p, i);
		if (e->off + e->len > size || e->line < 1 ||
		    e->last_line < e->line)
			abort();
		/* The index agrees with a relaxed lookup, and with a scan. */
		if (strlen(e->key) == e->key_len) {
			size_t	 k, same = 0, at = 0;
			bool	 first;

			for (k = 0; k < n; k++) {
				if (strlen(props_entry(p, k)->key) !=
				    props_entry(p, k)->key_len ||
				    strcmp(props_entry(p, k)->canon,
				    e->canon) != 0)
					continue;
				if (same++ == 0)
					at = k;
			}
			if (props_same(p, i, &first) != same ||
			    first != (at == i) ||
			    props_find_all(p, e->key, &l) != same ||
			    l[0] != props_entry(p, at))
				abort();
			free(l);
		}
		(void)props_eats_backslash(e);
		if (i >= 8)
			continue;
		cause = NULL;
		if (props_resolve(p, e->value, PROPS_RES_NOENV, &res, &unres,
		    &cause) == 0)
			free(res);
		else if (cause == NULL)
			abort();
		free(cause);
	}
	props_nonascii_lines(p, &lines);
	free(lines);

	/* Pick a key: an existing one, or bytes of the input. */
	if (n > 0 && size > 2 && (data[0] & 1) &&
	    strlen(props_entry(p, data[1] % n)->key) ==
	    props_entry(p, data[1] % n)->key_len) {
		e = props_entry(p, data[1] % n);
		snprintf(key, sizeof key, "%s", e->key);
	} else
		fuzz_str(key, sizeof key, data, size, size / 3, 1 + size % 7);
	fuzz_str(value, sizeof value, data, size, size / 2, size % 13);
	canon = props_canon_key(key);

	if (props_parse(data, size, "fuzz", &orig, NULL) != 0)
		abort();
	cause = NULL;
	if (props_set(p, key, value, &cause) != 0) {
		/* Only invalid UTF-8, and then nothing changed. */
		if (cause == NULL || strstr(cause, "UTF-8") == NULL)
			abort();
		free(cause);
		fuzz_same(p, data, size);
	} else {
		props_serialize(p, &out, &len);
		if (props_parse(out, len, "again", &q, NULL) != 0)
			abort();
		if (props_get(q, key) == NULL ||
		    strcmp(props_get(q, key), value) != 0)
			abort();
		fuzz_others(orig, q, canon);
		props_free(q);
		free(out);
	}

	/* dedup leaves one; unset leaves none. */
	before = props_count(p);
	n = props_find_all(p, key, &l);
	free(l);
	if (props_dedup(p, key, &removed, NULL) != 0)
		abort();
	if (n > 0 && (removed != n - 1 || props_count(p) != before - n + 1))
		abort();
	if (props_unset(p, key, &removed, NULL) != 0)
		abort();
	if (props_find_all(p, key, &l) != 0)
		abort();
	fuzz_others(orig, p, canon);

	/* dedup_all leaves each relaxed key (not empty, no NUL) once. */
	if (props_dedup_all(p, NULL, &removed, NULL) != 0)
		abort();
	for (i = 0; i < props_count(p); i++) {
		e = props_entry(p, i);
		if (*e->canon != '\0' && strlen(e->key) == e->key_len &&
		    props_same(p, i, NULL) != 1)
			abort();
	}

	free(canon);
	props_free(orig);
	props_free(p);
	return (0);
}

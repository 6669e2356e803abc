/* SPDX-License-Identifier: ISC */
/*
 * fuzz-inidoc.c -- core/inidoc.c and core/obf.c on arbitrary bytes.
 * Besides not crashing: a failure is one line naming the document; what
 * parses serializes back byte for byte; a set reads back as set (or fails
 * and changes nothing), an unset leaves no value, a module added is
 * enabled; every value that is an OBF: string decodes or fails with one
 * line; the input's UTF-8 obfuscates and decodes back to itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_same(const struct inidoc *d, const uint8_t *data, size_t size)
{
	unsigned char	*out;
	size_t		 len;

	inidoc_serialize(d, &out, &len);
	if (len != size || memcmp(out, data, size) != 0)
		abort();
	free(out);
}

static void
fuzz_cause(char *cause)
{
	if (cause == NULL || strncmp(cause, "fuzz.ini: ", 10) != 0 ||
	    strchr(cause, '\n') != NULL)
		abort();
	free(cause);
}

static void
fuzz_str(char *dst, size_t max, const uint8_t *data, size_t size, size_t off,
    size_t n)
{
	size_t	i;

	for (i = 0; i < n && i + 1 < max && off + i < size; i++)
		dst[i] = data[off + i] == '\0' ? 'x' : (char)data[off + i];
	dst[i] = '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct inidoc_entry	*e;
	struct inidoc			*d = NULL;
	struct secret			*s, *o, *back;
	const char			**mods;
	char				*cause = NULL, *v;
	char				 key[40], value[40];
	size_t				 i, n, k;

	/* OBF: of the input itself, when it is text. */
	if (size < 256 && confdoc_utf8(data, size, NULL)) {
		s = secret_new(data, size);
		o = obf_encode(s);
		if (obf_decode(o->buf, &back, NULL) != 0 ||
		    !secret_equal(s, back))
			abort();
		secret_free(back);
		secret_free(o);
		secret_free(s);
	}

	if (inidoc_parse(data, size, "fuzz.ini", &d, &cause) != 0) {
		fuzz_cause(cause);
		return (0);
	}
	fuzz_same(d, data, size);
	n = inidoc_count(d);
	for (i = 0; i < n; i++) {
		e = inidoc_entry(d, i);
		if (e->off + e->len > size || e->line < 1)
			abort();
		if (obf_kind(e->value) == OBF_OBF) {
			cause = NULL;
			if (obf_decode(e->value, &s, &cause) == 0)
				secret_free(s);
			else if (cause == NULL || strchr(cause, '\n') != NULL)
				abort();
			free(cause);
		}
	}
	k = inidoc_modules(d, &mods);
	free(mods);

	if (n > 0 && size > 2 && (data[0] & 1) &&
	    strlen(inidoc_entry(d, data[1] % n)->key) < sizeof key)
		snprintf(key, sizeof key, "%s",
		    inidoc_entry(d, data[1] % n)->key);
	else
		fuzz_str(key, sizeof key, data, size, size / 3, 1 + size % 9);
	fuzz_str(value, sizeof value, data, size, size / 2, size % 17);

	cause = NULL;
	if (inidoc_set(d, key, value, &cause) != 0) {
		fuzz_cause(cause);
		fuzz_same(d, data, size);
	} else {
		v = inidoc_get(d, key);
		if (v == NULL || strcmp(v, value) != 0)
			abort();
		free(v);
	}
	cause = NULL;
	if (inidoc_unset(d, key, NULL, &cause) != 0)
		fuzz_cause(cause);
	else if ((v = inidoc_get(d, key)) != NULL)
		abort();
	cause = NULL;
	if (inidoc_add_module(d, value, &cause) != 0)
		fuzz_cause(cause);
	else {
		n = inidoc_modules(d, &mods);
		for (i = 0; i < n && strcmp(mods[i], value) != 0; i++)
			;
		if (i == n || n < k)
			abort();
		free(mods);
	}
	inidoc_free(d);
	return (0);
}

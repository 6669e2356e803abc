/* SPDX-License-Identifier: ISC */
/*
 * fuzz-xmldoc.c -- core/xmldoc.c on arbitrary bytes.  Besides not
 * crashing: a failure is one line naming the document; what parses
 * serializes back byte for byte, every element and attribute span inside
 * it; setting or removing an attribute and inserting an element either
 * read back as asked or fail and change nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_same(const struct xmldoc *d, const uint8_t *data, size_t size)
{
	unsigned char	*out;
	size_t		 len;

	xmldoc_serialize(d, &out, &len);
	if (len != size || memcmp(out, data, size) != 0)
		abort();
	free(out);
}

static void
fuzz_cause(char *cause, const char *name)
{
	if (cause == NULL || strncmp(cause, name, strlen(name)) != 0 ||
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

/* The document must read again, element elem's name reading value. */
static void
fuzz_reads(const struct xmldoc *d, size_t elem, const char *name,
    const char *value)
{
	struct xmldoc	*q;
	unsigned char	*out;
	size_t		 len;
	const char	*v;

	xmldoc_serialize(d, &out, &len);
	if (xmldoc_parse(out, len, "again", &q, NULL) != 0)
		abort();
	v = xmldoc_get(xmldoc_elem(q, elem), name);
	if ((value == NULL) != (v == NULL) || (v != NULL &&
	    strcmp(v, value) != 0))
		abort();
	xmldoc_free(q);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct xmldoc_elem	*e;
	const struct xmldoc_attr	*a;
	struct xmldoc			*d = NULL;
	char				*cause = NULL;
	char				 name[24], value[40], frag[80];
	size_t				 i, j, n, el;

	if (xmldoc_parse(data, size, "fuzz.xml", &d, &cause) != 0) {
		fuzz_cause(cause, "fuzz.xml: ");
		return (0);
	}
	fuzz_same(d, data, size);
	n = xmldoc_count(d);
	for (i = 0; i < n; i++) {
		e = xmldoc_elem(d, i);
		if (e->index != i || e->off + e->len > size ||
		    data[e->off] != '<' || e->end > size ||
		    e->end < e->off + e->len || (i > 0 && e->parent >= i))
			abort();
		for (j = 0; j < e->nattrs; j++) {
			a = &e->attrs[j];
			if (a->val_off + a->val_len >= size ||
			    a->name_off >= a->val_off ||
			    data[a->val_off + a->val_len] != (uint8_t)a->quote)
				abort();
		}
	}
	if ((xmldoc_flags(d) & XMLDOC_NOEDIT) &&
	    xmldoc_warning(d) == NULL)
		abort();

	el = size > 0 ? data[0] % n : 0;
	e = xmldoc_elem(d, el);
	if (e->nattrs > 0 && size > 1 && (data[1] & 1))
		snprintf(name, sizeof name, "%s",
		    e->attrs[data[1] % e->nattrs].name);
	else
		snprintf(name, sizeof name, "a%zu", size % 7);
	fuzz_str(value, sizeof value, data, size, size / 2, size % 23);

	cause = NULL;
	if (xmldoc_set_attr(d, el, name, value, &cause) != 0) {
		fuzz_cause(cause, "fuzz.xml: ");
		fuzz_same(d, data, size);
	} else
		fuzz_reads(d, el, name, value);

	xmldoc_free(d);
	if (xmldoc_parse(data, size, "fuzz.xml", &d, NULL) != 0)
		abort();
	cause = NULL;
	if (xmldoc_remove_attr(d, el, name, &cause) != 0) {
		fuzz_cause(cause, "fuzz.xml: ");
		fuzz_same(d, data, size);
	} else
		fuzz_reads(d, el, name, NULL);

	xmldoc_free(d);
	if (xmldoc_parse(data, size, "fuzz.xml", &d, NULL) != 0)
		abort();
	snprintf(frag, sizeof frag, "<Connector port=\"8443\">\n  <X v='%zu'/>"
	    "\n</Connector>", size);
	/* The new element follows el's subtree. */
	e = xmldoc_elem(d, el);
	for (j = el + 1; j < n && xmldoc_elem(d, j)->depth > e->depth; j++)
		;
	cause = NULL;
	if (xmldoc_insert_element_after(d, el, frag, &cause) != 0) {
		fuzz_cause(cause, "fuzz.xml: ");
		fuzz_same(d, data, size);
	} else {
		if (xmldoc_count(d) != n + 2 ||
		    strcmp(xmldoc_elem(d, j)->name, "Connector") != 0)
			abort();
		fuzz_reads(d, j, "port", "8443");
	}
	xmldoc_free(d);
	return (0);
}

/* SPDX-License-Identifier: ISC */
/*
 * fuzz-san.c -- dn_parse, dn_get, san_parse and san_list_from_der on
 * arbitrary input.  Besides not crashing, what they accept must survive a
 * round trip: dn_to_string/san_list_to_string output parses back to the
 * same thing, and a value dn_build writes, dn_get reads back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A distinguished name: parse, print, parse again, compare. */
static void
fuzz_dn(const char *s)
{
	X509_NAME	*n = NULL, *n2 = NULL;
	char		*cause = NULL, *t;

	if (dn_parse(s, &n, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		return;
	}
	t = dn_to_string(n);
	if (dn_parse(t, &n2, NULL) != 0 || X509_NAME_cmp(n, n2) != 0)
		abort();
	free(t);
	X509_NAME_free(n);
	X509_NAME_free(n2);
}

/* dn_get on the input as a DN; the input as a value: dn_build, dn_get. */
static void
fuzz_dn_get(const char *s)
{
	static const char *const names[] = { "O", "CN" };
	const char	*values[2] = { "x", s };
	char		*dn, *v;
	size_t		 n = strlen(s);

	free(dn_get(s, "CN"));
	free(dn_get(s, "o"));
	/* dn_parse drops blanks around an unquoted value; dn_build escapes
	 * spaces there, not tabs. */
	if (n == 0 || s[0] == '\t' || s[n - 1] == '\t')
		return;
	dn = dn_build(names, values, 2);
	if ((v = dn_get(dn, "CN")) == NULL || strcmp(v, s) != 0)
		abort();
	free(v);
	free(dn);
}

/* A SAN list: parse, print, parse again; encode and decode. */
static void
fuzz_san(const char *s)
{
	struct san_list	*sl = NULL, *sl2 = NULL;
	X509_EXTENSION	*ext;
	ASN1_OCTET_STRING *os;
	char		*cause = NULL, *t;
	size_t		 i;

	if (san_parse(s, &sl, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		return;
	}
	t = san_list_to_string(sl);
	if (san_parse(t, &sl2, NULL) != 0 || sl2->n != sl->n)
		abort();
	free(t);
	san_list_free(sl2);
	sl2 = NULL;
	if (sl->n > 0) {
		if ((ext = san_list_ext(sl, false, NULL)) == NULL)
			abort();
		os = X509_EXTENSION_get_data(ext);
		if (san_list_from_der(ASN1_STRING_get0_data(os),
		    ASN1_STRING_length(os), &sl2, NULL, NULL) != 0 ||
		    sl2->n != sl->n)
			abort();
		for (i = 0; i < sl->n; i++) {
			if (sl->items[i].type != sl2->items[i].type ||
			    strcmp(sl->items[i].value, sl2->items[i].value))
				abort();
		}
		X509_EXTENSION_free(ext);
	}
	san_list_free(sl2);
	san_list_free(sl);
}

/* One fuzz input: as a DN, as a SAN list, as SAN DER. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct san_list	*sl = NULL;
	char		*s, *cause = NULL;

	s = xstrndup((const char *)data, len);
	fuzz_dn(s);
	fuzz_dn_get(s);
	fuzz_san(s);
	free(s);
	/* The same bytes as a GeneralNames DER (a certificate's SAN). */
	if (san_list_from_der(data, len, &sl, NULL, &cause) == 0)
		san_list_free(sl);
	free(cause);
	return (0);
}

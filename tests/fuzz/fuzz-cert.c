/* SPDX-License-Identifier: ISC */
/*
 * fuzz-cert.c -- der_cert_walk and cert_new on arbitrary bytes.  Besides not
 * crashing or leaking: a failure always has a message; a success has its
 * strings and spans inside the input; cert_new agrees with the walker; the
 * PEM text reads back to the same bytes; cert_describe runs; and when
 * OpenSSL decodes the same bytes, both agree on version, serial and times.
 *
 * (Accepting exactly what OpenSSL accepts is not a goal: OpenSSL does not
 * check times when decoding and keeps names as given, tag errors and all.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Is span s inside [p, p + len)? */
static int
fuzz_inside(const struct der_span *s, const uint8_t *p, size_t len)
{
	if (s->len == 0)
		return (1);
	return (s->p >= p && s->p + s->len <= p + len);
}

/* Seconds since the epoch of an ASN1_TIME; -1 if OpenSSL cannot say. */
static int
fuzz_time(const ASN1_TIME *t, int64_t *out)
{
	ASN1_TIME	*epoch;
	int		 day, sec, ok;

	if ((epoch = ASN1_TIME_set(NULL, 0)) == NULL)
		return (-1);
	ok = ASN1_TIME_diff(&day, &sec, epoch, t);
	ASN1_TIME_free(epoch);
	if (!ok)
		return (-1);
	*out = (int64_t)day * 86400 + sec;
	return (0);
}

/* Compare what the walker found with OpenSSL's decoding, if it has one. */
static void
fuzz_vs_openssl(const uint8_t *data, size_t size, const struct cert_info *ci)
{
	const unsigned char	*p = data;
	X509			*x;
	BIGNUM			*bn;
	char			*hex, *h;
	int64_t			 t;

	if ((x = d2i_X509(NULL, &p, (long)size)) == NULL) {
		ERR_clear_error();
		return;
	}
	if (p != data + size)
		goto out;
	if (X509_get_version(x) + 1 != ci->version)
		abort();
	if (fuzz_time(X509_get0_notBefore(x), &t) == 0 && t != ci->not_before)
		abort();
	if (fuzz_time(X509_get0_notAfter(x), &t) == 0 && t != ci->not_after)
		abort();
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	if (bn != NULL && (hex = BN_bn2hex(bn)) != NULL) {
		h = hex + (hex[0] == '-');
		while (h[0] == '0' && h[1] != '\0')
			h++;
		if (strcasecmp(h, ci->serial + (ci->serial[0] == '-')) != 0)
			abort();
		OPENSSL_free(hex);
	}
	BN_free(bn);
out:
	X509_free(x);
	ERR_clear_error();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cert_info	 ci;
	struct cert		*c, **v;
	char			*cause = NULL, *s;
	size_t			 i, n;

	if (der_cert_walk(data, size, &ci, &cause) != 0) {
		if (cause == NULL || ci.subject != NULL)
			abort();
		free(cause);
		return (0);
	}
	if (cause != NULL || ci.subject == NULL || ci.issuer == NULL ||
	    ci.serial == NULL || ci.version < 1 || ci.version > 3)
		abort();
	if (!fuzz_inside(&ci.subject_der, data, size) ||
	    !fuzz_inside(&ci.issuer_der, data, size) ||
	    !fuzz_inside(&ci.spki_der, data, size) ||
	    !fuzz_inside(&ci.ski, data, size) ||
	    !fuzz_inside(&ci.aki, data, size))
		abort();
	for (i = 0; i < ci.nsan; i++)
		if (ci.san[i] == NULL)
			abort();
	fuzz_vs_openssl(data, size, &ci);
	if ((c = cert_new(data, size, &cause)) == NULL)
		abort();
	if (strcmp(c->info.subject, ci.subject) != 0 ||
	    c->info.not_after != ci.not_after || c->info.nsan != ci.nsan)
		abort();
	cert_info_done(&ci);
	s = cert_pem(c);
	if (certs_read_mem((unsigned char *)s, strlen(s), "pem", &v, &n,
	    &cause) != 0 || n != 1 || v[0]->len != size ||
	    memcmp(v[0]->der, data, size) != 0)
		abort();
	certs_free(v, n);
	free(s);
	s = cert_describe(c, 1700000000);
	free(s);
	s = cert_fp_hex(cert_sha256(c), 32);
	free(s);
	(void)cert_issued_by(c, c);
	cert_free(c);
	return (0);
}

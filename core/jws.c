/* SPDX-License-Identifier: ISC */
/*
 * jws.c -- JSON Web Signatures as ACME uses them (RFC 8555 6.2): a
 * flattened JWS whose protected header holds alg, nonce, url and either
 * the account's JWK (newAccount) or its URL as kid.  RS256 for RSA keys,
 * ES256/ES384 for P-256/P-384 keys with the signature as r||s (RFC 7518
 * 3.4), not the DER OpenSSL makes.  The JWK thumbprint is RFC 7638's
 * SHA-256 over the canonical JWK, which is also the "jwk" header here.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include <jansson.h>

#include "core.h"

static const char b64url_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url without padding; see core.h. */
char *
b64url_encode(const void *data, size_t len)
{
	const unsigned char	*p = data;
	char			*out, *o;
	uint32_t		 v;
	size_t			 i;

	o = out = xmalloc(len / 3 * 4 + 5);
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*o++ = b64url_chars[v >> 18 & 63];
		*o++ = b64url_chars[v >> 12 & 63];
		*o++ = b64url_chars[v >> 6 & 63];
		*o++ = b64url_chars[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)p[i] << 16;
		*o++ = b64url_chars[v >> 18 & 63];
		*o++ = b64url_chars[v >> 12 & 63];
	} else if (len - i == 2) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		*o++ = b64url_chars[v >> 18 & 63];
		*o++ = b64url_chars[v >> 12 & 63];
		*o++ = b64url_chars[v >> 6 & 63];
	}
	*o = '\0';
	return (out);
}

/* The value of a base64url character, or -1. */
static int
b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	if (c == '-')
		return (62);
	if (c == '_')
		return (63);
	return (-1);
}

/* Decode base64url; see core.h. */
int
b64url_decode(const char *s, size_t len, unsigned char **out,
    size_t *outlen, char **cause)
{
	unsigned char	*buf;
	uint32_t	 v = 0;
	size_t		 i, n = 0;
	int		 d, bits = 0;

	*out = NULL;
	*outlen = 0;
	if (len % 4 == 1) {
		cause_set(cause, "not base64url: bad length");
		return (-1);
	}
	buf = xmalloc(len / 4 * 3 + 3);
	for (i = 0; i < len; i++) {
		if ((d = b64url_value((unsigned char)s[i])) < 0) {
			free(buf);
			cause_set(cause, "not base64url: bad character at "
			    "offset %zu", i);
			return (-1);
		}
		v = v << 6 | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[n++] = (unsigned char)(v >> bits);
		}
	}
	/* Left-over bits must be zero (a canonical encoding). */
	if ((v & ((1U << bits) - 1)) != 0) {
		free(buf);
		cause_set(cause, "not base64url: stray bits at the end");
		return (-1);
	}
	*out = buf;
	*outlen = n;
	return (0);
}

/* The JWS curve name and coordinate size of an EC key, or NULL. */
static const char *
jws_ec_curve(EVP_PKEY *pk, size_t *size)
{
	char	group[64];

	if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof group, NULL))
		return (NULL);
	if (strcmp(group, "prime256v1") == 0 ||
	    strcmp(group, "P-256") == 0) {
		*size = 32;
		return ("P-256");
	}
	if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0) {
		*size = 48;
		return ("P-384");
	}
	return (NULL);
}

const char *
jws_alg(EVP_PKEY *pk)
{
	size_t	size;

	if (pk == NULL)
		return (NULL);
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		return (EVP_PKEY_get_bits(pk) >= 2048 ? "RS256" : NULL);
	case EVP_PKEY_EC:
		if (jws_ec_curve(pk, &size) == NULL)
			return (NULL);
		return (size == 32 ? "ES256" : "ES384");
	}
	return (NULL);
}

/* A big number parameter as base64url of its big-endian bytes (padded
 * to pad bytes when pad is not 0). */
static char *
jws_bn_param(EVP_PKEY *pk, const char *name, size_t pad)
{
	BIGNUM		*bn = NULL;
	unsigned char	*buf;
	char		*s;
	int		 n;

	if (!EVP_PKEY_get_bn_param(pk, name, &bn))
		return (NULL);
	n = pad != 0 ? (int)pad : BN_num_bytes(bn);
	if (n <= 0 || BN_num_bytes(bn) > n) {
		BN_free(bn);
		return (NULL);
	}
	buf = xmalloc((size_t)n);
	BN_bn2binpad(bn, buf, n);
	s = b64url_encode(buf, (size_t)n);
	free(buf);
	BN_free(bn);
	return (s);
}

/* The canonical JWK; see core.h. */
int
jws_jwk(EVP_PKEY *pk, char **json, char **cause)
{
	const char	*crv;
	char		*a = NULL, *b = NULL;
	size_t		 size;

	*json = NULL;
	if (jws_alg(pk) == NULL) {
		cause_set(cause, "the account key must be RSA (2048 bits or "
		    "more), EC P-256 or EC P-384");
		return (-1);
	}
	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA) {
		a = jws_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, 0);
		b = jws_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, 0);
		if (a != NULL && b != NULL)
			xasprintf(json, "{\"e\":\"%s\",\"kty\":\"RSA\","
			    "\"n\":\"%s\"}", a, b);
	} else {
		crv = jws_ec_curve(pk, &size);
		a = jws_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_X, size);
		b = jws_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_Y, size);
		if (a != NULL && b != NULL)
			xasprintf(json, "{\"crv\":\"%s\",\"kty\":\"EC\","
			    "\"x\":\"%s\",\"y\":\"%s\"}", crv, a, b);
	}
	free(a);
	free(b);
	if (*json == NULL) {
		cause_ssl(cause, "cannot read the account key's public part");
		return (-1);
	}
	return (0);
}

int
jws_thumbprint(EVP_PKEY *pk, char **out, char **cause)
{
	unsigned char	 md[32];
	unsigned int	 mdlen = 0;
	char		*jwk;

	*out = NULL;
	if (jws_jwk(pk, &jwk, cause) != 0)
		return (-1);
	if (!EVP_Digest(jwk, strlen(jwk), md, &mdlen, EVP_sha256(), NULL)) {
		free(jwk);
		cause_ssl(cause, "SHA-256");
		return (-1);
	}
	free(jwk);
	*out = b64url_encode(md, mdlen);
	return (0);
}

/* Sign data; the signature in JWS form (r||s for EC).  *sig malloc'd. */
static int
jws_signature(EVP_PKEY *pk, const char *data, size_t len,
    unsigned char **sig, size_t *siglen, char **cause)
{
	EVP_MD_CTX		*ctx = NULL;
	const EVP_MD		*md;
	ECDSA_SIG		*es = NULL;
	const BIGNUM		*r, *s;
	const unsigned char	*p;
	unsigned char		*der = NULL, *out = NULL;
	size_t			 derlen = 0, size = 0;
	int			 rc = -1;

	*sig = NULL;
	*siglen = 0;
	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC) {
		jws_ec_curve(pk, &size);
		md = size == 48 ? EVP_sha384() : EVP_sha256();
	} else
		md = EVP_sha256();
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, md, NULL, pk) != 1 ||
	    EVP_DigestSign(ctx, NULL, &derlen, (const unsigned char *)data,
	    len) != 1) {
		cause_ssl(cause, "cannot sign the request");
		goto out;
	}
	der = xmalloc(derlen);
	if (EVP_DigestSign(ctx, der, &derlen, (const unsigned char *)data,
	    len) != 1) {
		cause_ssl(cause, "cannot sign the request");
		goto out;
	}
	if (size == 0) {
		*sig = der;
		*siglen = derlen;
		der = NULL;
		rc = 0;
		goto out;
	}
	p = der;
	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) == NULL) {
		cause_ssl(cause, "cannot decode the ECDSA signature");
		goto out;
	}
	ECDSA_SIG_get0(es, &r, &s);
	out = xmalloc(2 * size);
	if (BN_bn2binpad(r, out, (int)size) < 0 ||
	    BN_bn2binpad(s, out + size, (int)size) < 0) {
		cause_set(cause, "ECDSA signature out of range");
		goto out;
	}
	*sig = out;
	*siglen = 2 * size;
	out = NULL;
	rc = 0;
out:
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(ctx);
	free(der);
	free(out);
	return (rc);
}

/* {"protected":P,"payload":Y,"signature":S} with P and Y base64url. */
static char *
jws_flat(const char *prot, const char *payload, const char *sig)
{
	json_t	*j;
	char	*s;

	j = json_object();
	json_object_set_new(j, "protected", json_string(prot));
	json_object_set_new(j, "payload", json_string(payload));
	json_object_set_new(j, "signature", json_string(sig));
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s == NULL)
		fatalx("json_dumps: out of memory");
	return (s);
}

/* A flattened JWS; see core.h. */
int
jws_sign(EVP_PKEY *pk, const char *url, const char *nonce, const char *kid,
    const char *payload, char **out, char **cause)
{
	json_t		*h, *jwk = NULL;
	json_error_t	 je;
	const char	*alg;
	char		*jwks = NULL, *hs = NULL, *ph = NULL, *pp = NULL;
	char		*input = NULL, *ss = NULL;
	unsigned char	*sig = NULL;
	size_t		 siglen;
	int		 rc = -1;

	*out = NULL;
	if ((alg = jws_alg(pk)) == NULL)
		return (jws_jwk(pk, &jwks, cause));	/* says why */
	h = json_object();
	json_object_set_new(h, "alg", json_string(alg));
	if (kid != NULL)
		json_object_set_new(h, "kid", json_string(kid));
	else {
		if (jws_jwk(pk, &jwks, cause) != 0)
			goto out;
		if ((jwk = json_loads(jwks, 0, &je)) == NULL) {
			cause_set(cause, "JWK: %s", je.text);
			goto out;
		}
		json_object_set_new(h, "jwk", jwk);
	}
	json_object_set_new(h, "nonce", json_string(nonce));
	json_object_set_new(h, "url", json_string(url));
	if ((hs = json_dumps(h, JSON_COMPACT)) == NULL)
		fatalx("json_dumps: out of memory");
	ph = b64url_encode(hs, strlen(hs));
	pp = b64url_encode(payload != NULL ? payload : "",
	    payload != NULL ? strlen(payload) : 0);
	xasprintf(&input, "%s.%s", ph, pp);
	if (jws_signature(pk, input, strlen(input), &sig, &siglen,
	    cause) != 0)
		goto out;
	ss = b64url_encode(sig, siglen);
	*out = jws_flat(ph, pp, ss);
	rc = 0;
out:
	json_decref(h);
	free(jwks);
	free(hs);
	free(ph);
	free(pp);
	free(input);
	free(ss);
	free(sig);
	return (rc);
}

/* The external account binding; see core.h. */
int
jws_eab(const char *eab_kid, const struct secret *hmac_b64, const char *url,
    const char *jwk, char **out, char **cause)
{
	json_t		*h;
	unsigned char	*key = NULL, mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	size_t		 keylen = 0;
	char		*hs, *ph, *pp, *input, *ss;

	*out = NULL;
	if (b64url_decode(hmac_b64->buf, hmac_b64->len, &key, &keylen,
	    NULL) != 0 || keylen == 0) {
		free(key);
		cause_set(cause, "the external account MAC key is not "
		    "base64url");
		return (-1);
	}
	h = json_object();
	json_object_set_new(h, "alg", json_string("HS256"));
	json_object_set_new(h, "kid", json_string(eab_kid));
	json_object_set_new(h, "url", json_string(url));
	if ((hs = json_dumps(h, JSON_COMPACT)) == NULL)
		fatalx("json_dumps: out of memory");
	json_decref(h);
	ph = b64url_encode(hs, strlen(hs));
	pp = b64url_encode(jwk, strlen(jwk));
	xasprintf(&input, "%s.%s", ph, pp);
	if (HMAC(EVP_sha256(), key, (int)keylen, (unsigned char *)input,
	    strlen(input), mac, &maclen) == NULL) {
		OPENSSL_cleanse(key, keylen);
		free(key);
		free(hs);
		free(ph);
		free(pp);
		free(input);
		cause_ssl(cause, "HMAC-SHA256");
		return (-1);
	}
	OPENSSL_cleanse(key, keylen);
	free(key);
	ss = b64url_encode(mac, maclen);
	*out = jws_flat(ph, pp, ss);
	free(hs);
	free(ph);
	free(pp);
	free(input);
	free(ss);
	return (0);
}

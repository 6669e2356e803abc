/* SPDX-License-Identifier: ISC */
/*
 * test-acme.c -- the ACME client's pieces without a CA: base64url, the
 * RFC 7638 thumbprint example, JWS signatures (RS256, ES256, ES384 as
 * r||s) verified with OpenSSL, the EAB MAC, the answer parsers and the
 * one-line problems, Retry-After, Link headers, names, the CSR, and the
 * challenge responders (the http-01 listener over a socket, web root
 * files, the dns hook's exit codes, output and timeout).
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>

#include <errno.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "testutil.h"

static EVP_PKEY	*k_rsa, *k_ec256, *k_ec384;

static int
setup(void **state)
{
	if (keygen_generate("rsa", 2048, NULL, &k_rsa, NULL) != 0 ||
	    keygen_generate("ec", 0, "P-256", &k_ec256, NULL) != 0 ||
	    keygen_generate("ec", 0, "P-384", &k_ec384, NULL) != 0)
		return (-1);
	return (0);
}

static int
teardown(void **state)
{
	EVP_PKEY_free(k_rsa);
	EVP_PKEY_free(k_ec256);
	EVP_PKEY_free(k_ec384);
	return (0);
}

/* Decode base64url text into a NUL-terminated string. */
static char *
dec(const char *s)
{
	unsigned char	*out;
	size_t		 len;
	char		*t;

	assert_int_equal(b64url_decode(s, strlen(s), &out, &len, NULL), 0);
	t = xstrndup((char *)out, len);
	free(out);
	return (t);
}

static void
test_b64url(void **state)
{
	static const struct { const char *in, *out; } v[] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "\xfb\xff", "-_8" },
	};
	unsigned char	*out;
	size_t		 i, len;
	char		*s, *cause = NULL;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		s = b64url_encode(v[i].in, strlen(v[i].in));
		assert_string_equal(s, v[i].out);
		free(s);
		s = dec(v[i].out);
		assert_string_equal(s, v[i].in);
		free(s);
	}
	/* Padding, the standard alphabet, a bad length, stray bits. */
	assert_int_equal(b64url_decode("Zg==", 4, &out, &len, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(b64url_decode("+/8", 3, &out, &len, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(b64url_decode("Z", 1, &out, &len, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(b64url_decode("Zh", 2, &out, &len, &cause), -1);
	assert_non_null(strstr(cause, "stray bits"));
	free(cause);
}

/* RFC 7638 3.1: the example RSA key and its thumbprint. */
static void
test_thumbprint_rfc7638(void **state)
{
	static const char *n64 =
	    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86z"
	    "wu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5Js"
	    "GY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMic"
	    "AtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-"
	    "bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csF"
	    "Cur-kEgU8awapJzKnqDKgw";
	OSSL_PARAM_BLD	*b;
	OSSL_PARAM	*p;
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pk = NULL;
	BIGNUM		*n, *e;
	unsigned char	*nb;
	size_t		 nl;
	char		*tp, *jwk;

	assert_int_equal(b64url_decode(n64, strlen(n64), &nb, &nl, NULL), 0);
	n = BN_bin2bn(nb, (int)nl, NULL);
	e = BN_new();
	BN_set_word(e, 65537);
	b = OSSL_PARAM_BLD_new();
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, n);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, e);
	p = OSSL_PARAM_BLD_to_param(b);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	assert_int_equal(EVP_PKEY_fromdata_init(ctx), 1);
	assert_int_equal(EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, p),
	    1);
	assert_int_equal(jws_jwk(pk, &jwk, NULL), 0);
	assert_true(strncmp(jwk, "{\"e\":\"AQAB\",\"kty\":\"RSA\",\"n\":\"0vx7",
	    31) == 0);
	free(jwk);
	assert_int_equal(jws_thumbprint(pk, &tp, NULL), 0);
	assert_string_equal(tp, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
	free(tp);
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(p);
	OSSL_PARAM_BLD_free(b);
	BN_free(n);
	BN_free(e);
	free(nb);
}

/* Sign with pk and check everything a CA checks. */
static void
check_jws(EVP_PKEY *pk, const char *alg, size_t siglen, const char *kid,
    const char *payload)
{
	json_t		*j, *h;
	EVP_MD_CTX	*md;
	ECDSA_SIG	*es;
	unsigned char	*sig, *der = NULL;
	size_t		 sl;
	char		*out, *hs, *ps, *input;
	int		 derlen;

	assert_string_equal(jws_alg(pk), alg);
	assert_int_equal(jws_sign(pk, "https://ca.test/x", "NONCE1", kid,
	    payload, &out, NULL), 0);
	assert_non_null(j = json_loads(out, 0, NULL));
	free(out);
	hs = dec(json_string_value(json_object_get(j, "protected")));
	ps = dec(json_string_value(json_object_get(j, "payload")));
	assert_string_equal(ps, payload != NULL ? payload : "");
	assert_non_null(h = json_loads(hs, 0, NULL));
	assert_string_equal(json_string_value(json_object_get(h, "alg")), alg);
	assert_string_equal(json_string_value(json_object_get(h, "nonce")),
	    "NONCE1");
	assert_string_equal(json_string_value(json_object_get(h, "url")),
	    "https://ca.test/x");
	if (kid != NULL) {
		assert_string_equal(json_string_value(json_object_get(h,
		    "kid")), kid);
		assert_null(json_object_get(h, "jwk"));
	} else {
		assert_null(json_object_get(h, "kid"));
		assert_true(json_is_object(json_object_get(h, "jwk")));
	}
	json_decref(h);
	xasprintf(&input, "%s.%s", json_string_value(json_object_get(j,
	    "protected")), json_string_value(json_object_get(j, "payload")));
	assert_int_equal(b64url_decode(json_string_value(json_object_get(j,
	    "signature")), strlen(json_string_value(json_object_get(j,
	    "signature"))), &sig, &sl, NULL), 0);
	assert_int_equal(sl, siglen);
	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC) {
		/* r||s back to DER for OpenSSL. */
		es = ECDSA_SIG_new();
		ECDSA_SIG_set0(es, BN_bin2bn(sig, (int)sl / 2, NULL),
		    BN_bin2bn(sig + sl / 2, (int)sl / 2, NULL));
		derlen = i2d_ECDSA_SIG(es, &der);
		ECDSA_SIG_free(es);
		free(sig);
		sig = xmemdup(der, (size_t)derlen);
		OPENSSL_free(der);
		sl = (size_t)derlen;
	}
	md = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestVerifyInit(md, NULL, strcmp(alg, "ES384") ==
	    0 ? EVP_sha384() : EVP_sha256(), NULL, pk), 1);
	assert_int_equal(EVP_DigestVerify(md, sig, sl,
	    (unsigned char *)input, strlen(input)), 1);
	EVP_MD_CTX_free(md);
	free(sig);
	free(input);
	free(hs);
	free(ps);
	json_decref(j);
}

static void
test_jws(void **state)
{
	char	*jwk;

	check_jws(k_rsa, "RS256", 256, NULL, "{\"a\":1}");
	check_jws(k_rsa, "RS256", 256, "https://ca.test/acct/1", NULL);
	check_jws(k_ec256, "ES256", 64, NULL, "{}");
	check_jws(k_ec256, "ES256", 64, "https://ca.test/acct/2", NULL);
	check_jws(k_ec384, "ES384", 96, "https://ca.test/acct/3", "{}");
	/* EC coordinates are always the full size. */
	assert_int_equal(jws_jwk(k_ec256, &jwk, NULL), 0);
	assert_non_null(strstr(jwk, "\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\""));
	assert_int_equal(strlen(jwk), strlen("{\"crv\":\"P-256\",\"kty\":\"EC\","
	    "\"x\":\"\",\"y\":\"\"}") + 2 * 43);
	free(jwk);
}

static void
test_eab(void **state)
{
	struct secret	*key;
	json_t		*j;
	unsigned char	 mac[32], *sig;
	unsigned int	 ml;
	size_t		 sl;
	char		*out, *input, *hs;

	/* Pebble's example MAC key for kid-1. */
	key = secret_from_str("zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44"
	    "nMEtx3MUAsUDkMTQ12W");
	assert_int_equal(jws_eab("kid-1", key, "https://ca.test/new-acct",
	    "{\"kty\":\"EC\"}", &out, NULL), 0);
	assert_non_null(j = json_loads(out, 0, NULL));
	hs = dec(json_string_value(json_object_get(j, "protected")));
	assert_non_null(strstr(hs, "\"alg\":\"HS256\""));
	assert_non_null(strstr(hs, "\"kid\":\"kid-1\""));
	free(hs);
	hs = dec(json_string_value(json_object_get(j, "payload")));
	assert_string_equal(hs, "{\"kty\":\"EC\"}");
	free(hs);
	xasprintf(&input, "%s.%s", json_string_value(json_object_get(j,
	    "protected")), json_string_value(json_object_get(j, "payload")));
	{
		unsigned char	*k;
		size_t		 kl;

		assert_int_equal(b64url_decode(key->buf, key->len, &k, &kl,
		    NULL), 0);
		HMAC(EVP_sha256(), k, (int)kl, (unsigned char *)input,
		    strlen(input), mac, &ml);
		free(k);
	}
	assert_int_equal(b64url_decode(json_string_value(json_object_get(j,
	    "signature")), 43, &sig, &sl, NULL), 0);
	assert_int_equal(sl, 32);
	assert_memory_equal(sig, mac, 32);
	free(sig);
	free(input);
	free(out);
	json_decref(j);
	secret_free(key);
}

/* Parse text with fn; on failure the cause must hold want. */
#define PARSE_FAILS(fn, st, text, want) do {				\
	char *c_ = NULL;						\
	memset(&(st), 0, sizeof (st));					\
	assert_int_equal(fn(text, strlen(text), &(st), &c_), -1);	\
	if (strstr(c_, want) == NULL)					\
		fail_msg("%s: \"%s\" lacks \"%s\"", #fn, c_, want);	\
	free(c_);							\
} while (0)

static void
test_parse_dir(void **state)
{
	struct acme_dir	 d;
	const char	*t;

	t = "{\"newNonce\":\"https://a/n\",\"newAccount\":\"https://a/a\","
	    "\"newOrder\":\"https://a/o\",\"x\":[1,2],\"meta\":{"
	    "\"termsOfService\":\"https://a/t\","
	    "\"externalAccountRequired\":true}}";
	assert_int_equal(acme_parse_dir(t, strlen(t), &d, NULL), 0);
	assert_string_equal(d.new_order, "https://a/o");
	assert_string_equal(d.terms, "https://a/t");
	assert_true(d.eab_required);
	assert_null(d.revoke_cert);
	acme_dir_done(&d);
	PARSE_FAILS(acme_parse_dir, d, "{\"newNonce\":\"https://a/n\"}",
	    "newAccount is missing");
	PARSE_FAILS(acme_parse_dir, d, "{\"newNonce\":[]}",
	    "newNonce is not a string");
	PARSE_FAILS(acme_parse_dir, d, "{\"newNonce\":\"https://a b\"}",
	    "not an https URL");
	PARSE_FAILS(acme_parse_dir, d, "{\"newNonce\":\"file:///etc\"}",
	    "not an https URL");
	PARSE_FAILS(acme_parse_dir, d, "[]", "not a JSON object");
	PARSE_FAILS(acme_parse_dir, d, "{", "not JSON");
	PARSE_FAILS(acme_parse_dir, d, "{\"newNonce\":\"https://a/n\","
	    "\"newAccount\":\"https://a/a\",\"newOrder\":\"https://a/o\","
	    "\"meta\":\"x\"}", "meta is not an object");
}

static void
test_parse_order_authz(void **state)
{
	struct acme_order_obj	o;
	struct acme_authz_obj	a;
	const char		*t;

	t = "{\"status\":\"pending\",\"identifiers\":[{\"type\":\"dns\","
	    "\"value\":\"a.test\"}],\"authorizations\":[\"https://c/z/1\"],"
	    "\"finalize\":\"https://c/f/1\",\"expires\":\"2030-01-01T00:00:00Z\"}";
	assert_int_equal(acme_parse_order(t, strlen(t), &o, NULL), 0);
	assert_int_equal(o.nauthzs, 1);
	assert_string_equal(o.idents[0].value, "a.test");
	assert_null(o.certificate);
	acme_order_obj_done(&o);
	PARSE_FAILS(acme_parse_order, o, "{\"status\":\"weird\"}",
	    "unknown status \"weird\"");
	PARSE_FAILS(acme_parse_order, o, "{\"status\":\"ready\","
	    "\"finalize\":\"https://c/f\",\"identifiers\":[],"
	    "\"authorizations\":[7]}", "authorizations[0] is not a string");
	PARSE_FAILS(acme_parse_order, o, "{\"status\":\"ready\","
	    "\"finalize\":\"https://c/f\",\"identifiers\":[{\"type\":1}],"
	    "\"authorizations\":[]}", "identifiers[0].type is not a string");

	t = "{\"identifier\":{\"type\":\"dns\",\"value\":\"a.test\"},"
	    "\"status\":\"pending\",\"wildcard\":true,\"challenges\":["
	    "{\"type\":\"dns-01\",\"url\":\"https://c/ch/1\",\"status\":"
	    "\"pending\",\"token\":\"DGyRejmCefe7v4NfDGDKfA\"},"
	    "{\"type\":\"tls-alpn-01\",\"url\":\"https://c/ch/2\",\"status\":"
	    "\"invalid\",\"error\":{\"type\":\"urn:ietf:params:acme:error:"
	    "tls\",\"detail\":\"no\"}}]}";
	assert_int_equal(acme_parse_authz(t, strlen(t), &a, NULL), 0);
	assert_true(a.wildcard);
	assert_int_equal(a.nchalls, 2);
	assert_string_equal(a.challs[0].token, "DGyRejmCefe7v4NfDGDKfA");
	assert_null(a.challs[1].token);
	assert_string_equal(a.challs[1].error->type, "tls");
	acme_authz_obj_done(&a);
	PARSE_FAILS(acme_parse_authz, a, "{\"identifier\":{\"type\":\"dns\","
	    "\"value\":\"a\"},\"status\":\"pending\",\"challenges\":[{\"type\":"
	    "\"http-01\",\"url\":\"https://c/1\",\"status\":\"pending\","
	    "\"token\":\"../../../../../../etc/passwd\"}]}", "token is not");
	PARSE_FAILS(acme_parse_authz, a, "{\"identifier\":{\"type\":\"dns\","
	    "\"value\":\"a\"},\"status\":\"pending\",\"wildcard\":\"yes\","
	    "\"challenges\":[]}", "wildcard is not a boolean");
}

static void
test_problem_line(void **state)
{
	struct acme_problem	p;
	const char		*t;
	char			*line;

	t = "{\"type\":\"urn:ietf:params:acme:error:rejectedIdentifier\","
	    "\"detail\":\"Some were rejected\",\"status\":400,\"subproblems\":["
	    "{\"type\":\"urn:ietf:params:acme:error:rejectedIdentifier\","
	    "\"detail\":\"forbidden\",\"identifier\":{\"type\":\"dns\","
	    "\"value\":\"x.test\"}},{\"type\":\"urn:ietf:params:acme:error:caa"
	    "\",\"detail\":\"CAA\\u001b[2J\",\"identifier\":{\"type\":\"dns\","
	    "\"value\":\"y.test\"}}]}";
	assert_int_equal(acme_parse_problem(t, strlen(t), &p, NULL), 0);
	assert_int_equal(p.status, 400);
	line = acme_problem_line(&p, "ignored");
	assert_string_equal(line, "x.test: rejectedIdentifier: forbidden; "
	    "y.test: caa: CAA?[2J");
	free(line);
	acme_problem_done(&p);

	t = "{\"type\":\"urn:ietf:params:acme:error:userActionRequired\","
	    "\"detail\":\"new terms\\nplease\",\"instance\":\"https://ca/tos\"}";
	assert_int_equal(acme_parse_problem(t, strlen(t), &p, NULL), 0);
	line = acme_problem_line(&p, "a.test");
	assert_string_equal(line, "a.test: userActionRequired: new terms "
	    "please (see https://ca/tos)");
	free(line);
	acme_problem_done(&p);

	t = "{\"type\":\"https://example.com/own-type\"}";
	assert_int_equal(acme_parse_problem(t, strlen(t), &p, NULL), 0);
	line = acme_problem_line(&p, NULL);
	assert_string_equal(line, "https://example.com/own-type");
	free(line);
	acme_problem_done(&p);
}

static void
test_clean(void **state)
{
	char	*s;

	s = acme_clean("a\tb\nc\x1b" "d", 100);
	assert_string_equal(s, "a b c?d");
	free(s);
	/* Cut at 10: no half of the 2-byte e-acute is left. */
	s = acme_clean("abcdef\xc3\xa9ghijk", 10);
	assert_string_equal(s, "abcdef...");
	free(s);
	s = acme_clean(NULL, 10);
	assert_string_equal(s, "");
	free(s);
	assert_true(acme_url_ok("https://a/b"));
	assert_false(acme_url_ok("http://a/b"));
	assert_false(acme_url_ok("https://"));
	assert_false(acme_url_ok("https:///x"));
	assert_false(acme_url_ok("https://a/\x7f"));
}

static void
test_retry_after(void **state)
{
	time_t	now = 1800000000;	/* 2027-01-15T08:00:00Z */

	assert_int_equal(acme_retry_after("120", now), 120);
	assert_int_equal(acme_retry_after(" 5 \r\n", now), 5);
	assert_int_equal(acme_retry_after("99999999999999", now), 86400);
	assert_int_equal(acme_retry_after("1.5", now), -1);
	assert_int_equal(acme_retry_after("soon", now), -1);
	assert_int_equal(acme_retry_after(NULL, now), -1);
	assert_int_equal(acme_retry_after("Fri, 15 Jan 2027 08:01:00 GMT",
	    now), 60);
	assert_int_equal(acme_retry_after("Sun, 06 Nov 1994 08:49:37 GMT",
	    now), 0);
	assert_int_equal(acme_retry_after("Fri, 15 Jan 2027 08:01:00 GMT x",
	    now), -1);
}

static void
test_links(void **state)
{
	char	**u;
	size_t	  n, i;

	n = acme_links("<https://a/1>;rel=\"alternate\", <https://a/2>; "
	    "rel=up, <https://a/3>;title=\"x,y\";rel=\"index alternate\"",
	    "alternate", &u);
	assert_int_equal(n, 2);
	assert_string_equal(u[0], "https://a/1");
	assert_string_equal(u[1], "https://a/3");
	for (i = 0; i < n; i++)
		free(u[i]);
	free(u);
	assert_int_equal(acme_links("garbage <x", "alternate", &u), 0);
	assert_int_equal(acme_links("<https://a/1", "alternate", &u), 0);
	assert_int_equal(acme_links("", "up", &u), 0);
}

static void
test_names_csr(void **state)
{
	const char	*names[] = { "a.test", "*.b.test", "10.0.0.1" };
	X509_REQ	*req;
	const unsigned char *p;
	unsigned char	*der;
	size_t		 len;
	char		 n[64], *cause = NULL;
	bool		 ip;

	strcpy(n, "A.Example.COM");
	assert_int_equal(acme_name_check(n, &ip, NULL), 0);
	assert_string_equal(n, "a.example.com");
	assert_false(ip);
	strcpy(n, "*.example.com");
	assert_int_equal(acme_name_check(n, &ip, NULL), 0);
	strcpy(n, "::FFFF:10.0.0.1");
	assert_int_equal(acme_name_check(n, &ip, NULL), 0);
	assert_true(ip);
	strcpy(n, "a_b.example.com");
	assert_int_equal(acme_name_check(n, &ip, &cause), -1);
	assert_non_null(strstr(cause, "name \"a_b.example.com\": '_'"));
	free(cause);
	cause = NULL;
	strcpy(n, "localhost");
	assert_int_equal(acme_name_check(n, &ip, &cause), -1);
	free(cause);

	assert_int_equal(acme_csr(k_ec256, names, 3, &der, &len, NULL), 0);
	p = der;
	assert_non_null(req = d2i_X509_REQ(NULL, &p, (long)len));
	assert_int_equal(X509_REQ_verify(req, k_ec256), 1);
	X509_REQ_free(req);
	free(der);
}

/* A free loopback port (bound then closed: good enough here). */
static int
free_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		sl = sizeof sin;
	int			fd, port;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	getsockname(fd, (struct sockaddr *)&sin, &sl);
	port = ntohs(sin.sin_port);
	close(fd);
	return (port);
}

/* Send req to 127.0.0.1:port, return the whole answer (or NULL). */
static char *
http_ask(int port, const char *req)
{
	struct sockaddr_in	sin;
	char			buf[4096];
	size_t			n = 0;
	ssize_t			r;
	int			fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		close(fd);
		return (NULL);
	}
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while ((r = read(fd, buf + n, sizeof buf - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = '\0';
	return (xstrdup(buf));
}

static void
test_http01(void **state)
{
	struct acme_token	 t[2] = {
		{ "tok1tok1tok1tok1tok1", "tok1tok1tok1tok1tok1.THUMB" },
		{ "tok2tok2tok2tok2tok2", "tok2tok2tok2tok2tok2.THUMB" },
	};
	struct acme_http01	*h, *h2;
	char			*a, *cause = NULL;
	int			 port = free_port();

	assert_int_equal(acme_http01_start("127.0.0.1", port, t, 2, &h,
	    &cause), 0);
	a = http_ask(port, "GET /.well-known/acme-challenge/tok2tok2tok2tok2"
	    "tok2 HTTP/1.1\r\nHost: a.test\r\n\r\n");
	assert_non_null(a);
	assert_true(strncmp(a, "HTTP/1.1 200 OK\r\n", 17) == 0);
	assert_non_null(strstr(a, "Content-Length: 26\r\n"));
	assert_non_null(strstr(a, "\r\n\r\ntok2tok2tok2tok2tok2.THUMB"));
	assert_string_equal(strstr(a, "\r\n\r\n") + 4,
	    "tok2tok2tok2tok2tok2.THUMB");
	free(a);
	/* The absolute form, as a proxy sends it. */
	a = http_ask(port, "GET http://a.test/.well-known/acme-challenge/tok1"
	    "tok1tok1tok1tok1 HTTP/1.0\n\n");
	assert_true(strncmp(a, "HTTP/1.1 200 OK\r\n", 17) == 0);
	free(a);
	a = http_ask(port, "GET /.well-known/acme-challenge/tok1 HTTP/1.1\r\n"
	    "\r\n");
	assert_true(strncmp(a, "HTTP/1.1 404 ", 13) == 0);
	free(a);
	a = http_ask(port, "GET /.well-known/acme-challenge/tok1tok1tok1tok1"
	    "tok1/../x HTTP/1.1\r\n\r\n");
	assert_true(strncmp(a, "HTTP/1.1 404 ", 13) == 0);
	free(a);
	a = http_ask(port, "POST /.well-known/acme-challenge/tok1tok1tok1tok1"
	    "tok1 HTTP/1.1\r\n\r\n");
	assert_true(strncmp(a, "HTTP/1.1 405 ", 13) == 0);
	free(a);
	a = http_ask(port, "\x16\x03\x01 binary\r\n\r\n");
	assert_true(strncmp(a, "HTTP/1.1 400 ", 13) == 0);
	free(a);
	a = http_ask(port, "HEAD /.well-known/acme-challenge/tok1tok1tok1tok1"
	    "tok1 HTTP/1.1\r\n\r\n");
	assert_true(strncmp(a, "HTTP/1.1 200 OK\r\n", 17) == 0);
	assert_string_equal(strstr(a, "\r\n\r\n") + 4, "");
	free(a);
	assert_int_equal(acme_http01_served(h), 2);
	acme_http01_stop(h);
	/* Closed: nothing listens any more. */
	assert_null(http_ask(port, "GET / HTTP/1.1\r\n\r\n"));

	/* Every address: IPv4 and (when the host has it) IPv6. */
	port = free_port();
	assert_int_equal(acme_http01_start(NULL, port, t, 2, &h, &cause), 0);
	a = http_ask(port, "GET /.well-known/acme-challenge/tok1tok1tok1tok1"
	    "tok1 HTTP/1.1\r\n\r\n");
	assert_non_null(a);
	assert_true(strncmp(a, "HTTP/1.1 200 OK\r\n", 17) == 0);
	free(a);
	acme_http01_stop(h);

	/* The port taken: one line that says so. */
	assert_int_equal(acme_http01_start("127.0.0.1", port, t, 1, &h,
	    NULL), 0);
	assert_int_equal(acme_http01_start("127.0.0.1", port, t, 1, &h2,
	    &cause), -1);
	assert_null(h2);
	assert_non_null(strstr(cause, "cannot listen on port"));
	free(cause);
	acme_http01_stop(h);
}

static void
test_webroot(void **state)
{
	struct acme_webroot	 w;
	struct stat		 st;
	char			 dir[] = "/tmp/tlsdeck-acme-XXXXXX", *p;
	unsigned char		*buf;
	size_t			 len;

	assert_non_null(mkdtemp(dir));
	memset(&w, 0, sizeof w);
	assert_int_equal(acme_webroot_put(&w, dir, "tokAtokAtokAtokA",
	    "tokAtokAtokAtokA.T", NULL), 0);
	assert_int_equal(acme_webroot_put(&w, dir, "tokBtokBtokBtokB",
	    "tokBtokBtokBtokB.T", NULL), 0);
	xasprintf(&p, "%s/.well-known/acme-challenge/tokAtokAtokAtokA", dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(file_read(p, &buf, &len, NULL), 0);
	assert_int_equal(len, 18);
	assert_memory_equal(buf, "tokAtokAtokAtokA.T", 18);
	free(buf);
	acme_webroot_clean(&w);
	assert_int_equal(stat(p, &st), -1);
	free(p);
	xasprintf(&p, "%s/.well-known", dir);
	assert_int_equal(stat(p, &st), -1);
	free(p);
	assert_int_equal(rmdir(dir), 0);
}

static void
test_hook(void **state)
{
	char	 script[] = "/tmp/tlsdeck-hook-XXXXXX", *cause = NULL, *v;
	FILE	*f;
	int	 fd;

	assert_int_equal(acme_hook_run("true", "add", "_acme-challenge.a",
	    "v", 5, NULL, -1, NULL), 0);
	assert_int_equal(acme_hook_run("false", "add", "_acme-challenge.a",
	    "v", 5, NULL, -1, &cause), -1);
	assert_non_null(strstr(cause, "failed (exit 1)"));
	free(cause);
	cause = NULL;
	assert_int_equal(acme_hook_run("tlsdeck-no-such-hook", "add", "n",
	    "v", 5, NULL, -1, &cause), -1);
	assert_non_null(strstr(cause, "not found in $PATH"));
	free(cause);
	cause = NULL;

	/* Its arguments, its last line of output, its timeout. */
	assert_true((fd = mkstemp(script)) != -1);
	f = fdopen(fd, "w");
	fprintf(f, "#!/bin/sh\n[ \"$1 $2 $3\" = \"add N V\" ] || exit 9\n"
	    "[ -n \"$SLEEP\" ] && sleep 5\necho first\necho \"  last line \"\n"
	    "exit 4\n");
	fclose(f);
	chmod(script, 0700);
	assert_int_equal(acme_hook_run(script, "add", "N", "V", 5, NULL, -1,
	    &cause), -1);
	assert_non_null(strstr(cause, "failed (exit 4): last line"));
	free(cause);
	cause = NULL;
	setenv("SLEEP", "1", 1);
	assert_int_equal(acme_hook_run(script, "add", "N", "V", 1, NULL, -1,
	    &cause), -1);
	assert_non_null(strstr(cause, "still running after 1 s"));
	free(cause);
	unsetenv("SLEEP");
	unlink(script);

	v = acme_dns_value("token.thumb");
	assert_int_equal(strlen(v), 43);
	free(v);
}

/* A self-signed certificate for CN=a.test, valid days days. */
static struct cert *
ss_cert(int days)
{
	struct evp_pkey_st	*pk = NULL;
	X509_NAME		*n = X509_NAME_new();
	X509			*x = NULL;
	struct cert		*c;

	assert_int_equal(keygen_generate("ec", 0, "P-256", &pk, NULL), 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)"a.test", -1, -1, 0);
	assert_int_equal(keygen_selfsigned(pk, n, NULL, days, &x, NULL), 0);
	assert_non_null(c = cert_from_x509(x, NULL));
	X509_free(x);
	X509_NAME_free(n);
	key_free(pk);
	return (c);
}

/* The renewal window; the issued record read back. */
static void
test_step_acme_record(void **state)
{
	struct cert	*c90 = ss_cert(90), *c300 = ss_cert(300);
	char		 dir[] = "/tmp/tlsdeck-acme-XXXXXX", *acct, *slash;
	char		**sha = NULL, *cause = NULL;
	const char	*url = "https://ca.test/dir";
	size_t		 n = 0, i;

	/* max(30 days, a third of the lifetime); --renew-before wins */
	assert_int_equal(step_acme_window(c90, -1), 30 * SECS_PER_DAY);
	assert_int_equal(step_acme_window(c300, -1), 100 * SECS_PER_DAY);
	assert_int_equal(step_acme_window(c300, 5), 5 * SECS_PER_DAY);
	assert_int_equal(step_acme_window(c300, 0), 0);

	assert_non_null(mkdtemp(dir));
	assert_false(step_acme_issued_here(dir, url, c90));
	step_acme_issued_all(dir, &sha, &n);
	assert_int_equal(n, 0);
	assert_int_equal(acme_account_path(dir, url, &acct, NULL), 0);
	slash = strrchr(acct, '/');
	*slash = '\0';
	assert_int_equal(mkdir(acct, 0700), 0);
	assert_int_equal(step_acme_record(dir, url, c90, &cause), 0);
	assert_true(step_acme_issued_here(dir, url, c90));
	assert_false(step_acme_issued_here(dir, url, c300));
	assert_false(step_acme_issued_here(dir, "https://other.test/dir",
	    c90));
	assert_int_equal(step_acme_record(dir, url, c300, NULL), 0);
	assert_true(step_acme_issued_here(dir, url, c300));
	step_acme_issued_all(dir, &sha, &n);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++)
		free(sha[i]);
	free(sha);
	*slash = '/';
	*slash = '\0';
	{
		char *f;

		xasprintf(&f, "%s/issued", acct);
		assert_int_equal(unlink(f), 0);
		free(f);
	}
	assert_int_equal(rmdir(acct), 0);
	assert_int_equal(rmdir(dir), 0);
	free(acct);
	cert_free(c90);
	cert_free(c300);
}

/* acme_local_get and srv_reload_run against our own http-01 listener
 * (its answers stand in for Tomcat's manager); what is refused; the
 * restart command's words. */
static void
test_local_reload(void **state)
{
	struct acme_token	 t[2] = {
		{ "okokokokokokokokokok", "OK - Reloaded TLS configuration "
		    "for [b.test]" },
		{ "failfailfailfailfail", "FAIL - no such host" },
	};
	struct acme_http01	*h;
	struct srv_reload	 r;
	struct secret		*pw = secret_from_str("manager-pw");
	char			*cause = NULL, *body = NULL, url[160];
	long			 status;
	int			 port = free_port();

	assert_int_equal(acme_http01_start("127.0.0.1", port, t, 2, &h,
	    &cause), 0);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/.well-known/"
	    "acme-challenge/%s", port, t[0].token);
	assert_int_equal(acme_local_get(url, "u", pw, NULL, 5, NULL, &status,
	    &body, &cause), 0);
	assert_int_equal(status, 200);
	assert_string_equal(body, t[0].keyauth);
	free(body);

	memset(&r, 0, sizeof r);
	r.how = SRV_RELOAD_MANAGER;
	r.url = xstrdup(url);
	r.user = xstrdup("u");
	r.pass = secret_dup(pw);
	assert_int_equal(srv_reload_run(&r, 5, NULL, -1, &cause), 0);
	free(r.url);
	xasprintf(&r.url, "http://127.0.0.1:%d/.well-known/acme-challenge/%s",
	    port, t[1].token);
	assert_int_equal(srv_reload_run(&r, 5, NULL, -1, &cause), -1);
	assert_non_null(strstr(cause, "sslReload failed (HTTP 200): FAIL - "
	    "no such host"));
	assert_null(strstr(cause, "manager-pw"));
	free(cause);
	cause = NULL;
	free(r.url);
	xasprintf(&r.url, "http://127.0.0.1:%d/manager/text/sslReload", port);
	assert_int_equal(srv_reload_run(&r, 5, NULL, -1, &cause), -1);
	assert_non_null(strstr(cause, "(HTTP 404)"));
	free(cause);
	cause = NULL;
	srv_reload_done(&r);
	acme_http01_stop(h);

	/* Only loopback over http, https only with pinned keys. */
	assert_int_equal(acme_local_get("http://example.com/manager/text/"
	    "sslReload", "u", pw, NULL, 5, NULL, &status, &body, &cause), -1);
	assert_non_null(strstr(cause, "only http:// on a loopback address"));
	free(cause);
	cause = NULL;
	assert_int_equal(acme_local_get("https://127.0.0.1:1/", NULL, NULL,
	    NULL, 5, NULL, &status, &body, &cause), -1);
	assert_non_null(strstr(cause, "only http:// on a loopback address"));
	free(cause);
	cause = NULL;
	secret_free(pw);

	/* --restart's words: no shell, blanks split. */
	memset(&r, 0, sizeof r);
	assert_int_equal(srv_reload_words(&r, " systemctl  restart\tapp ",
	    &cause), 0);
	assert_int_equal(r.how, SRV_RELOAD_COMMAND);
	assert_string_equal(r.argv[0], "systemctl");
	assert_string_equal(r.argv[1], "restart");
	assert_string_equal(r.argv[2], "app");
	assert_null(r.argv[3]);
	srv_reload_done(&r);
	assert_int_equal(srv_reload_words(&r, " \t ", &cause), -1);
	assert_non_null(strstr(cause, "an empty command"));
	free(cause);
	srv_reload_done(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64url),
		cmocka_unit_test(test_thumbprint_rfc7638),
		cmocka_unit_test(test_jws),
		cmocka_unit_test(test_eab),
		cmocka_unit_test(test_parse_dir),
		cmocka_unit_test(test_parse_order_authz),
		cmocka_unit_test(test_problem_line),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_names_csr),
		cmocka_unit_test(test_http01),
		cmocka_unit_test(test_webroot),
		cmocka_unit_test(test_hook),
		cmocka_unit_test(test_step_acme_record),
		cmocka_unit_test(test_local_reload),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}

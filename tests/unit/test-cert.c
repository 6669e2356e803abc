/* SPDX-License-Identifier: ISC */
/*
 * test-cert.c -- the DER walker and struct cert against OpenSSL: the
 * fixtures of tests/data/certs (made by tests/data/make-certs.sh, with
 * OpenSSL's own output recorded next to each), the system's CA bundle when
 * present, hand-built certificates for the corner cases, and broken input
 * (every truncation, byte mutations, length tricks).
 */
#include <glob.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "testutil.h"

/* The fixtures with a NAME.openssl and NAME.expect. */
static const char *fixtures[] = {
	"sample-ca", "sample-int", "sample-leaf", "sample-srv2",
	"ec256", "ec384", "rsa4096", "sha1", "gen2050", "pss", "bmp", "t61",
	"names", "san",
};
#define NFIXTURES	(sizeof fixtures / sizeof fixtures[0])

/* A small byte builder for hand-made DER. */
struct tb {
	unsigned char	*p;
	size_t		 len;
};

/* Append bytes. */
static void
tb_add(struct tb *b, const void *p, size_t len)
{
	b->p = realloc(b->p, b->len + len + 1);
	assert_non_null(b->p);
	memcpy(b->p + b->len, p, len);
	b->len += len;
}

/* Append a TLV with contents c (len bytes). */
static void
tb_tlv(struct tb *b, unsigned tag, const void *c, size_t len)
{
	unsigned char	h[6];
	size_t		n = 0;

	h[n++] = (unsigned char)tag;
	if (len < 0x80)
		h[n++] = (unsigned char)len;
	else if (len < 0x100) {
		h[n++] = 0x81;
		h[n++] = (unsigned char)len;
	} else {
		h[n++] = 0x82;
		h[n++] = (unsigned char)(len >> 8);
		h[n++] = (unsigned char)len;
	}
	tb_add(b, h, n);
	tb_add(b, c, len);
}

/* Append a TLV wrapping another builder, which is freed. */
static void
tb_wrap(struct tb *b, unsigned tag, struct tb *in)
{
	tb_tlv(b, tag, in->p, in->len);
	free(in->p);
	in->p = NULL;
	in->len = 0;
}

/* Read PEM certificate(s) with OpenSSL. */
static STACK_OF(X509) *
read_x509s(const char *path)
{
	STACK_OF(X509)	*sk = sk_X509_new_null();
	BIO		*bio;
	X509		*x;

	if ((bio = BIO_new_file(path, "r")) == NULL)
		return (sk);
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
		sk_X509_push(sk, x);
	ERR_clear_error();
	BIO_free(bio);
	return (sk);
}

/* DER of an X509 (malloc'd through OpenSSL). */
static unsigned char *
x509_der(X509 *x, size_t *len)
{
	unsigned char	*der = NULL;
	int		 n;

	n = i2d_X509(x, &der);
	assert_true(n > 0);
	*len = (size_t)n;
	return (der);
}

/* Value of "key=" in a key=value text (static buffer), or NULL. */
static const char *
kv(const char *text, const char *key)
{
	static char	 buf[4096];
	const char	*p = text, *e;
	size_t		 kl = strlen(key);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			p += kl + 1;
			e = strchr(p, '\n');
			if (e == NULL)
				e = p + strlen(p);
			snprintf(buf, sizeof buf, "%.*s", (int)(e - p), p);
			return (buf);
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return (NULL);
}

/* Read certs/NAME.EXT under tests/data (NUL-terminated by file_read). */
static char *
td_text(const char *name, const char *ext)
{
	char	 rel[256];
	size_t	 len;

	snprintf(rel, sizeof rel, "certs/%s.%s", name, ext);
	return ((char *)td_read(rel, &len));
}

/* "Nov 29 14:41:35 2027 GMT" to epoch seconds. */
static int64_t
openssl_date(const char *s)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	assert_non_null(strptime(s, "%b %d %H:%M:%S %Y GMT", &tm));
	return ((int64_t)timegm(&tm));
}

/* OpenSSL's serial hex to keytool's: lower case, no leading zeros. */
static void
serial_norm(const char *in, char *out, size_t len)
{
	size_t	i = 0;

	while (in[0] == '0' && in[1] != '\0')
		in++;
	for (; *in != '\0' && i + 1 < len; in++)
		out[i++] = (char)(*in >= 'A' && *in <= 'F' ? *in + 32 : *in);
	out[i] = '\0';
}

/*
 * An OpenSSL name (sep_comma_plus_space, dn_rev, sname, utf8) in keytool
 * terms: the attribute names that differ renamed.
 */
static char *
name_norm(const char *in)
{
	static const struct {
		const char	*from;
		const char	*to;
	} map[] = {
		{ "emailAddress=", "EMAILADDRESS=" },
		{ "street=", "STREET=" },
		{ "serialNumber=", "SERIALNUMBER=" },
		{ "title=", "T=" },
		{ "organizationIdentifier=", "2.5.4.97=" },
		{ "userId=", "UID=" },
		{ "surname=", "SURNAME=" },
		{ "givenName=", "GIVENNAME=" },
		{ "initials=", "INITIALS=" },
		{ "generationQualifier=", "GENERATION=" },
		{ "dnQualifier=", "DNQUALIFIER=" },
	};
	char	*out = calloc(1, strlen(in) * 2 + 32), *o = out;
	size_t	 i;
	int	 start = 1;

	assert_non_null(out);
	while (*in != '\0') {
		if (start) {
			for (i = 0; i < sizeof map / sizeof map[0]; i++) {
				if (strncmp(in, map[i].from,
				    strlen(map[i].from)) == 0) {
					strcpy(o, map[i].to);
					o += strlen(o);
					in += strlen(map[i].from);
					break;
				}
			}
			start = 0;
		}
		if (*in == '\\' && in[1] != '\0') {
			*o++ = *in++;
			*o++ = *in++;
			continue;
		}
		if (strncmp(in, ", ", 2) == 0 || strncmp(in, " + ", 3) == 0)
			start = 1;
		*o++ = *in++;
		if (start)
			while (*in == ' ' || *in == '+')
				*o++ = *in++;
	}
	*o = '\0';
	return (out);
}

/* A SAN item as OpenSSL prints it, in the walker's terms. */
static void
san_norm(const char *in, char *out, size_t len)
{
	size_t	i;

	if (strncmp(in, "IP Address:", 11) == 0) {
		snprintf(out, len, "IP:%s", in + 11);
		for (i = 3; out[i] != '\0'; i++)
			if (out[i] >= 'A' && out[i] <= 'F')
				out[i] += 32;
	} else if (strncmp(in, "Registered ID:", 14) == 0)
		snprintf(out, len, "RID:%s", in + 14);
	else
		snprintf(out, len, "%s", in);
}

/* Check one fixture against its .openssl and .expect files. */
static void
check_fixture(const char *name)
{
	STACK_OF(X509)	*sk;
	struct cert	*c;
	char		 path[256], buf[512], *ossl, *exp, *s, *fp, *san;
	char		*tok, *save;
	const char	*v;
	unsigned char	*der;
	size_t		 len, i;

	print_message("# fixture %s\n", name);
	if (strncmp(name, "sample-", 7) == 0)
		snprintf(path, sizeof path, "samples/certs/%s.pem", name + 7);
	else
		snprintf(path, sizeof path, "certs/%s.pem", name);
	sk = read_x509s(td_path(path));
	assert_int_equal(sk_X509_num(sk), 1);
	der = x509_der(sk_X509_value(sk, 0), &len);
	c = cert_new(der, len, NULL);
	assert_non_null(c);
	ossl = td_text(name, "openssl");
	exp = td_text(name, "expect");

	fp = cert_fp_hex(cert_sha256(c), 32);
	assert_string_equal(fp, kv(ossl, "sha256 Fingerprint"));
	free(fp);
	fp = cert_fp_hex(cert_sha1(c), 20);
	assert_string_equal(fp, kv(ossl, "sha1 Fingerprint"));
	free(fp);
	assert_true(c->info.not_after == openssl_date(kv(ossl, "notAfter")));
	assert_true(c->info.not_before ==
	    openssl_date(kv(ossl, "notBefore")));
	serial_norm(kv(ossl, "serial"), buf, sizeof buf);
	assert_string_equal(c->info.serial, buf);
	if ((v = kv(exp, "serial")) != NULL)
		assert_string_equal(c->info.serial, v);

	assert_string_equal(c->info.subject, kv(exp, "subject"));
	if ((v = kv(exp, "issuer")) != NULL)
		assert_string_equal(c->info.issuer, v);
	/* OpenSSL's view, unless an RDN is multi-valued (order differs) */
	if (strstr(c->info.subject, " + ") == NULL) {
		s = name_norm(kv(ossl, "subject"));
		assert_string_equal(c->info.subject, s);
		free(s);
		s = name_norm(kv(ossl, "issuer"));
		assert_string_equal(c->info.issuer, s);
		free(s);
	}

	assert_string_equal(c->info.key, kv(exp, "key"));
	assert_int_equal(c->info.key_bits, atoi(kv(exp, "key_bits")));
	assert_string_equal(c->info.sig_alg, kv(exp, "sig_alg"));
	assert_int_equal(c->info.weak_sig, atoi(kv(exp, "weak_sig")));
	assert_int_equal(c->info.ca, atoi(kv(exp, "ca")));
	assert_int_equal(c->info.pathlen, atoi(kv(exp, "pathlen")));
	assert_int_equal(c->info.self_signed, atoi(kv(exp, "self_signed")));
	assert_int_equal(c->info.version, atoi(kv(exp, "version")));

	/* SAN: the expected list exactly, and OpenSSL's items in order */
	if ((v = kv(exp, "san")) != NULL) {
		san = strdup(v);
		i = 0;
		for (tok = strtok_r(san, "|", &save); tok != NULL;
		    tok = strtok_r(NULL, "|", &save)) {
			assert_true(i < c->info.nsan);
			assert_string_equal(c->info.san[i], tok);
			i++;
		}
		assert_int_equal(i, c->info.nsan);
		free(san);
	} else
		assert_int_equal(c->info.nsan, 0);
	if ((v = strstr(ossl, "Alternative Name: \n    ")) != NULL) {
		san = strdup(v + 23);
		*strchr(san, '\n') = '\0';
		i = 0;
		for (tok = strtok_r(san, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			while (*tok == ' ')
				tok++;
			if (strncmp(tok, "DirName:", 8) == 0) {
				i++;
				continue;
			}
			san_norm(tok, buf, sizeof buf);
			assert_true(i < c->info.nsan);
			assert_string_equal(c->info.san[i], buf);
			i++;
		}
		assert_int_equal(i, c->info.nsan);
		free(san);
	}
	free(ossl);
	free(exp);
	cert_free(c);
	OPENSSL_free(der);
	sk_X509_pop_free(sk, X509_free);
}

/* Every fixture agrees with OpenSSL and with what make-certs.sh made. */
static void
test_fixtures(void **state)
{
	size_t	i;

	for (i = 0; i < NFIXTURES; i++)
		check_fixture(fixtures[i]);
}

/* The DER of fixture i (malloc'd). */
static unsigned char *
fixture_der(size_t i, size_t *len)
{
	STACK_OF(X509)	*sk;
	char		 path[256];
	unsigned char	*der, *copy;

	if (strncmp(fixtures[i], "sample-", 7) == 0)
		snprintf(path, sizeof path, "samples/certs/%s.pem",
		    fixtures[i] + 7);
	else
		snprintf(path, sizeof path, "certs/%s.pem", fixtures[i]);
	sk = read_x509s(td_path(path));
	assert_int_equal(sk_X509_num(sk), 1);
	der = x509_der(sk_X509_value(sk, 0), len);
	copy = malloc(*len);
	assert_non_null(copy);
	memcpy(copy, der, *len);
	OPENSSL_free(der);
	sk_X509_pop_free(sk, X509_free);
	return (copy);
}

/* Every strict prefix of every fixture fails cleanly with a message. */
static void
test_truncated(void **state)
{
	struct cert_info	 ci;
	unsigned char		*der, *cut;
	char			*cause;
	size_t			 i, len, n;

	for (i = 0; i < NFIXTURES; i++) {
		der = fixture_der(i, &len);
		for (n = 0; n < len; n++) {
			/* an exact-size copy, so ASan sees over-reads */
			cut = malloc(n == 0 ? 1 : n);
			memcpy(cut, der, n);
			cause = NULL;
			assert_int_equal(der_cert_walk(cut, n, &ci, &cause),
			    -1);
			assert_non_null(cause);
			assert_non_null(strstr(cause, "certificate"));
			free(cause);
			assert_null(ci.subject);
			assert_null(ci.san);
			assert_null(cert_new(cut, n, NULL));
			free(cut);
		}
		/* and the whole thing walks */
		assert_int_equal(der_cert_walk(der, len, &ci, NULL), 0);
		cert_info_done(&ci);
		free(der);
	}
}

/* Byte mutations never crash; a success has its strings. */
static void
test_mutations(void **state)
{
	static const unsigned char vals[] = { 0x00, 0x80, 0x84, 0xff, 0x1f,
	    0x30, 0x7f };
	struct cert_info	 ci;
	unsigned char		*der, *m;
	size_t			 i, len, off, k, ok = 0, bad = 0;
	char			*cause;

	for (i = 0; i < NFIXTURES; i++) {
		der = fixture_der(i, &len);
		m = malloc(len);
		for (off = 0; off < len; off++) {
			for (k = 0; k < sizeof vals; k++) {
				memcpy(m, der, len);
				m[off] = vals[k];
				cause = NULL;
				if (der_cert_walk(m, len, &ci, &cause) == 0) {
					assert_non_null(ci.subject);
					assert_non_null(ci.issuer);
					assert_non_null(ci.serial);
					assert_null(cause);
					cert_info_done(&ci);
					ok++;
				} else {
					assert_non_null(cause);
					free(cause);
					bad++;
				}
			}
		}
		free(m);
		free(der);
	}
	print_message("# mutations: %zu walked, %zu refused\n", ok, bad);
	assert_true(bad > 0 && ok > 0);
}

/* Length tricks and garbage. */
static void
test_garbage(void **state)
{
	static const struct {
		const char	*bytes;
		size_t		 len;
		const char	*msg;
	} cases[] = {
		{ "\x30\x80\x30\x00\x00\x00", 6, "indefinite" },
		{ "\x30\x85\x01\x00\x00\x00\x00", 7, "oversized length" },
		{ "\x30\x84\xff\xff\xff\xf0\x30\x00", 8, "past the end" },
		{ "\x30\x82\x01", 3, "truncated" },
		{ "\x31\x00", 2, "wrong type" },
		{ "\x3f\x01\x00", 3, "unsupported tag" },
		{ "\x30\x00", 2, "missing" },
		{ "\x30\x02\x30\x00\x00", 5, "extra data" },
		{ "\x30\x06\x30\x00\x30\x00\x03\x00", 8, "" },
		{ "\x30\x08\x30\x00\x30\x00\x03\x00\x05\x00", 10,
		    "trailing data" },
		{ "hello, world", 12, "certificate" },
	};
	struct cert_info	ci;
	unsigned char		buf[256];
	char			*cause;
	size_t			i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = NULL;
		memcpy(buf, cases[i].bytes, cases[i].len);
		assert_int_equal(der_cert_walk(buf, cases[i].len, &ci,
		    &cause), -1);
		print_message("# garbage %zu: %s\n", i, cause);
		assert_non_null(strstr(cause, cases[i].msg));
		free(cause);
	}
	cause = NULL;
	assert_null(cert_new((const unsigned char *)"", 0, &cause));
	assert_non_null(strstr(cause, "no data"));
	free(cause);
	/* random bytes */
	srandom(1);
	for (i = 0; i < 20000; i++) {
		size_t	n = (size_t)random() % sizeof buf, k;

		for (k = 0; k < n; k++)
			buf[k] = (unsigned char)random();
		if (n > 0 && i % 2 == 0)
			buf[0] = 0x30;
		if (der_cert_walk(buf, n, &ci, NULL) == 0)
			cert_info_done(&ci);
	}
}

/* Options for a hand-built certificate. */
struct mk {
	const char		*serial;	/* INTEGER contents */
	size_t			 serial_len;
	unsigned		 nb_tag, na_tag;
	const char		*nb, *na;
	struct tb		*subject;	/* Name contents, or NULL */
	struct tb		*exts;		/* Extensions, or NULL */
	int			 version;	/* 0: omit */
};

/* A Name with one RDN of one attribute (2.5.4.x) of string type tag. */
static void
mk_name(struct tb *b, unsigned attr, unsigned tag, const void *v, size_t len)
{
	struct tb	ava = { NULL, 0 }, set = { NULL, 0 };
	unsigned char	oid[3] = { 0x55, 0x04, (unsigned char)attr };

	tb_tlv(&ava, 0x06, oid, 3);
	tb_tlv(&ava, tag, v, len);
	tb_wrap(&set, 0x30, &ava);
	tb_wrap(b, 0x31, &set);
}

/* Build a certificate (the signature is not real: the walker ignores it). */
static struct tb
mk_cert(const struct mk *o)
{
	static const unsigned char sigalg[] = { 0x06, 0x08, 0x2a, 0x86, 0x48,
	    0xce, 0x3d, 0x04, 0x03, 0x02 };
	static const unsigned char ecalg[] = { 0x06, 0x07, 0x2a, 0x86, 0x48,
	    0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
	    0x03, 0x01, 0x07 };
	struct tb	 tbs = { NULL, 0 }, t = { NULL, 0 }, u = { NULL, 0 };
	struct tb	 cert = { NULL, 0 }, out = { NULL, 0 };
	struct tb	 iss = { NULL, 0 };
	unsigned char	 v, point[65];

	if (o->version > 0) {
		v = (unsigned char)(o->version - 1);
		tb_tlv(&t, 0x02, &v, 1);
		tb_wrap(&tbs, 0xa0, &t);
	}
	tb_tlv(&tbs, 0x02, o->serial != NULL ? o->serial : "\x01",
	    o->serial != NULL ? o->serial_len : 1);
	tb_tlv(&tbs, 0x30, sigalg, sizeof sigalg);
	mk_name(&iss, 3, 0x0c, "Issuer", 6);
	tb_tlv(&tbs, 0x30, iss.p, iss.len);
	tb_tlv(&t, o->nb_tag, o->nb, strlen(o->nb));
	tb_tlv(&t, o->na_tag, o->na, strlen(o->na));
	tb_wrap(&tbs, 0x30, &t);
	if (o->subject != NULL)
		tb_tlv(&tbs, 0x30, o->subject->p, o->subject->len);
	else
		tb_tlv(&tbs, 0x30, iss.p, iss.len);
	free(iss.p);
	tb_tlv(&t, 0x30, ecalg, sizeof ecalg);
	memset(point, 0x11, sizeof point);
	point[0] = 0x04;
	u.p = NULL;
	tb_add(&u, "\x00", 1);
	tb_add(&u, point, sizeof point);
	tb_wrap(&t, 0x03, &u);
	tb_wrap(&tbs, 0x30, &t);
	if (o->exts != NULL) {
		tb_tlv(&t, 0x30, o->exts->p, o->exts->len);
		tb_wrap(&tbs, 0xa3, &t);
	}
	tb_wrap(&cert, 0x30, &tbs);
	tb_tlv(&cert, 0x30, sigalg, sizeof sigalg);
	tb_tlv(&cert, 0x03, "\x00\x01\x02", 3);
	tb_wrap(&out, 0x30, &cert);
	return (out);
}

/* Add an extension (id 2.5.29.x) with value bytes to a list. */
static void
mk_ext(struct tb *exts, unsigned id, const void *val, size_t len)
{
	struct tb	e = { NULL, 0 };
	unsigned char	oid[3] = { 0x55, 0x1d, (unsigned char)id };

	tb_tlv(&e, 0x06, oid, 3);
	tb_tlv(&e, 0x04, val, len);
	tb_wrap(exts, 0x30, &e);
}

/* Walk a hand-built certificate; -1 on failure. */
static int
mk_walk(const struct mk *o, struct cert_info *ci)
{
	struct tb	c = mk_cert(o);
	int		rc;

	/* the spans would dangle: clear them after */
	rc = der_cert_walk(c.p, c.len, ci, NULL);
	memset(&ci->subject_der, 0, sizeof ci->subject_der);
	memset(&ci->issuer_der, 0, sizeof ci->issuer_der);
	memset(&ci->spki_der, 0, sizeof ci->spki_der);
	memset(&ci->ski, 0, sizeof ci->ski);
	memset(&ci->aki, 0, sizeof ci->aki);
	free(c.p);
	return (rc);
}

/* UTCTime pivots at 50, GeneralizedTime up to 9999, bad dates fail. */
static void
test_times(void **state)
{
	static const struct {
		unsigned	 tag;
		const char	*s;
		int64_t		 t;	/* INT64_MIN: must fail */
	} cases[] = {
		{ 0x17, "491231235959Z", 2524607999LL },
		{ 0x17, "500101000000Z", -631152000LL },
		{ 0x17, "700101000000Z", 0 },
		{ 0x17, "380119031408Z", 2147483648LL },
		{ 0x17, "0001010000Z", 946684800LL },
		{ 0x18, "20500101000000Z", 2524608000LL },
		{ 0x18, "99991231235959Z", 253402300799LL },
		{ 0x18, "20240229120000Z", 1709208000LL },
		{ 0x18, "20240229120000.123Z", 1709208000LL },
		{ 0x18, "20230229120000Z", INT64_MIN },
		{ 0x18, "20241301000000Z", INT64_MIN },
		{ 0x18, "20240100000000Z", INT64_MIN },
		{ 0x18, "20240101240000Z", INT64_MIN },
		{ 0x18, "20240101000000", INT64_MIN },
		{ 0x18, "20240101000000+0100", INT64_MIN },
		{ 0x18, "2024010100000.Z", INT64_MIN },
		{ 0x17, "24010100000Z", INT64_MIN },
		{ 0x17, "2401010000000Z", INT64_MIN },
		{ 0x17, "240101000000.5Z", INT64_MIN },
		{ 0x17, "2a0101000000Z", INT64_MIN },
		{ 0x04, "240101000000Z", INT64_MIN },
	};
	struct cert_info	ci;
	struct mk		o;
	size_t			i;
	char			iso[32];

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&o, 0, sizeof o);
		o.version = 3;
		o.nb_tag = 0x17;
		o.nb = "200101000000Z";
		o.na_tag = cases[i].tag;
		o.na = cases[i].s;
		if (cases[i].t == INT64_MIN) {
			assert_int_equal(mk_walk(&o, &ci), -1);
			continue;
		}
		assert_int_equal(mk_walk(&o, &ci), 0);
		assert_true(ci.not_after == cases[i].t);
		assert_int_equal(ci.version, 3);
		assert_string_equal(ci.key, "EC P-256");
		assert_string_equal(ci.sig_alg, "SHA256withECDSA");
		cert_info_done(&ci);
	}
	time_iso8601(0, iso, sizeof iso);
	assert_string_equal(iso, "1970-01-01T00:00:00Z");
	time_iso8601(-1, iso, sizeof iso);
	assert_string_equal(iso, "1969-12-31T23:59:59Z");
	time_iso8601(253402300799LL, iso, sizeof iso);
	assert_string_equal(iso, "9999-12-31T23:59:59Z");
	time_iso8601(-631152000LL, iso, sizeof iso);
	assert_string_equal(iso, "1950-01-01T00:00:00Z");
	time_iso8601(1709208000LL, iso, sizeof iso);
	assert_string_equal(iso, "2024-02-29T12:00:00Z");
}

/* String types, escaping, serials, version 1. */
static void
test_names(void **state)
{
	static const struct {
		unsigned	 tag;
		const char	*v;
		size_t		 len;
		const char	*want;
	} cases[] = {
		{ 0x13, "Plain", 5, "CN=Plain" },
		{ 0x14, "Caf\xe9", 4, "CN=Caf\xc3\xa9" },
		{ 0x16, "a@b", 3, "CN=a@b" },
		{ 0x1e, "\x00M\x00\xfc\x65\xe5\xd8\x3d\xde\x00", 10,
		    "CN=M\xc3\xbc\xe6\x97\xa5\xf0\x9f\x98\x80" },
		{ 0x1c, "\x00\x00\x00X\x00\x01\xf6\x00", 8,
		    "CN=X\xf0\x9f\x98\x80" },
		{ 0x0c, " lead#", 6, "CN=\\ lead#" },
		{ 0x0c, "#x", 2, "CN=\\#x" },
		{ 0x0c, "trail ", 6, "CN=trail\\ " },
		{ 0x0c, "a,b+c;d<e>f\"g\\h", 15,
		    "CN=a\\,b\\+c\\;d\\<e\\>f\\\"g\\\\h" },
		{ 0x0c, "nul\0bell\a", 9, "CN=nul\\00bell\\07" },
		{ 0x0c, "bad\xff\xc3", 5, "CN=bad\xef\xbf\xbd\xef\xbf\xbd" },
		{ 0x0c, "\xc2\x85", 2, "CN=\\C2\\85" },
		{ 0x1e, "\xd8\x3d", 2, "CN=\xef\xbf\xbd" },
		{ 0x1e, "\x00", 1, "CN=\xef\xbf\xbd" },
		{ 0x02, "\x05", 1, "CN=#020105" },
		{ 0x0c, "", 0, "CN=" },
	};
	struct cert_info	ci;
	struct mk		o;
	struct tb		subj = { NULL, 0 };
	size_t			i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&o, 0, sizeof o);
		o.nb_tag = o.na_tag = 0x17;
		o.nb = "200101000000Z";
		o.na = "300101000000Z";
		mk_name(&subj, 3, cases[i].tag, cases[i].v, cases[i].len);
		o.subject = &subj;
		assert_int_equal(mk_walk(&o, &ci), 0);
		assert_string_equal(ci.subject, cases[i].want);
		assert_string_equal(ci.issuer, "CN=Issuer");
		assert_int_equal(ci.version, 1);
		assert_false(ci.self_signed);
		cert_info_done(&ci);
		free(subj.p);
		subj.p = NULL;
		subj.len = 0;
	}
	/* RDN order reversed; unknown attribute as a dotted OID */
	mk_name(&subj, 6, 0x13, "US", 2);
	mk_name(&subj, 10, 0x0c, "Org", 3);
	mk_name(&subj, 97, 0x0c, "X", 1);
	mk_name(&subj, 3, 0x0c, "Name", 4);
	memset(&o, 0, sizeof o);
	o.nb_tag = o.na_tag = 0x17;
	o.nb = "200101000000Z";
	o.na = "300101000000Z";
	o.subject = &subj;
	assert_int_equal(mk_walk(&o, &ci), 0);
	assert_string_equal(ci.subject, "CN=Name, 2.5.4.97=X, O=Org, C=US");
	cert_info_done(&ci);
	free(subj.p);
	subj.p = NULL;
	subj.len = 0;
	/* an empty RDN SET is malformed */
	tb_tlv(&subj, 0x31, "", 0);
	o.subject = &subj;
	assert_int_equal(mk_walk(&o, &ci), -1);
	free(subj.p);

	/* serials: negative, zero, leading zeros */
	memset(&o, 0, sizeof o);
	o.nb_tag = o.na_tag = 0x17;
	o.nb = "200101000000Z";
	o.na = "300101000000Z";
	o.serial = "\xff\x01";
	o.serial_len = 2;
	assert_int_equal(mk_walk(&o, &ci), 0);
	assert_string_equal(ci.serial, "-ff");
	cert_info_done(&ci);
	o.serial = "\x00\x00\x0a\xbc";
	o.serial_len = 4;
	assert_int_equal(mk_walk(&o, &ci), 0);
	assert_string_equal(ci.serial, "abc");
	cert_info_done(&ci);
	o.serial = "\x00";
	o.serial_len = 1;
	assert_int_equal(mk_walk(&o, &ci), 0);
	assert_string_equal(ci.serial, "0");
	cert_info_done(&ci);
	o.serial = "";
	o.serial_len = 0;
	assert_int_equal(mk_walk(&o, &ci), -1);
	o.serial = NULL;
	o.version = 4;
	assert_int_equal(mk_walk(&o, &ci), -1);
}

/* Extensions: basicConstraints, SKI/AKI and self_signed, SAN oddities. */
static void
test_extensions(void **state)
{
	struct cert_info	ci;
	struct mk		o;
	struct tb		exts = { NULL, 0 };

	memset(&o, 0, sizeof o);
	o.version = 3;
	o.nb_tag = o.na_tag = 0x17;
	o.nb = "200101000000Z";
	o.na = "300101000000Z";
	o.exts = &exts;

	/* CA with pathlen 5, matching SKI/AKI: self-signed */
	mk_ext(&exts, 19, "\x30\x06\x01\x01\xff\x02\x01\x05", 8);
	mk_ext(&exts, 14, "\x04\x02\xab\xcd", 4);
	mk_ext(&exts, 35, "\x30\x04\x80\x02\xab\xcd", 6);
	assert_int_equal(mk_walk(&o, &ci), 0);
	assert_true(ci.ca);
	assert_int_equal(ci.pathlen, 5);
	assert_true(ci.self_signed);
	cert_info_done(&ci);
	free(exts.p);
	exts.p = NULL;
	exts.len = 0;

	/* AKI differs from SKI: not self-signed although names match */
	mk_ext(&exts, 14, "\x04\x02\xab\xcd", 4);
	mk_ext(&exts, 35, "\x30\x04\x80\x02\xab\xce", 6);
	mk_ext(&exts, 19, "\x30\x00", 2);
	assert_int_equal(mk_walk(&o, &ci), 0);
	assert_false(ci.self_signed);
	assert_false(ci.ca);
	assert_int_equal(ci.pathlen, -1);
	cert_info_done(&ci);
	free(exts.p);
	exts.p = NULL;
	exts.len = 0;

	/* SAN: IPv6, odd IP length, otherName, then a broken element */
	mk_ext(&exts, 17, "\x30\x1e"
	    "\x87\x10\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	    "\x00\x01"
	    "\x87\x03\x01\x02\x03"
	    "\xa0\x03\x06\x01\x00"
	    "\x82\x7f", 32);
	assert_int_equal(mk_walk(&o, &ci), 0);
	assert_int_equal(ci.nsan, 3);
	assert_string_equal(ci.san[0], "IP:2001:db8:0:0:0:0:0:1");
	assert_string_equal(ci.san[1], "IP:010203");
	assert_string_equal(ci.san[2], "OTHER");
	cert_info_done(&ci);
	free(exts.p);
	exts.p = NULL;
	exts.len = 0;

	/* garbage inside a known extension's value is ignored */
	mk_ext(&exts, 17, "\x04\x00", 2);
	mk_ext(&exts, 19, "\x30\x03\x01\x01", 4);
	assert_int_equal(mk_walk(&o, &ci), 0);
	assert_int_equal(ci.nsan, 0);
	assert_false(ci.ca);
	cert_info_done(&ci);
	free(exts.p);
	exts.p = NULL;
	exts.len = 0;

	/* but a broken Extension structure is not */
	tb_tlv(&exts, 0x30, "\x06\x03\x55\x1d\x11\x05\x00", 7);
	assert_int_equal(mk_walk(&o, &ci), -1);
	free(exts.p);
}

/* cert_* API: dup, from_x509, pem, days, issued_by, same_key, describe. */
static void
test_api(void **state)
{
	struct cert	*ca, *in, *leaf, *srv2, *d, **v;
	STACK_OF(X509)	*sk;
	unsigned char	*der;
	char		*pem, *desc, *fp, *cause = NULL;
	size_t		 len, n;

	sk = read_x509s(td_path("samples/certs/ca.pem"));
	ca = cert_from_x509(sk_X509_value(sk, 0), &cause);
	assert_non_null(ca);
	assert_ptr_equal(cert_x509(ca, NULL), sk_X509_value(sk, 0));
	sk_X509_pop_free(sk, X509_free);
	/* still held by the cert */
	assert_non_null(cert_x509(ca, NULL));

	sk = read_x509s(td_path("samples/certs/int.pem"));
	der = x509_der(sk_X509_value(sk, 0), &len);
	in = cert_new(der, len, NULL);
	OPENSSL_free(der);
	sk_X509_pop_free(sk, X509_free);
	assert_int_equal(certs_read_file(td_path("samples/certs/leaf.pem"),
	    &v, &n, NULL), 0);
	leaf = v[0];
	free(v);
	assert_int_equal(certs_read_file(td_path("samples/certs/srv2.pem"),
	    &v, &n, NULL), 0);
	srv2 = v[0];
	free(v);

	assert_true(cert_issued_by(in, ca));
	assert_true(cert_issued_by(leaf, in));
	assert_true(cert_issued_by(ca, ca));
	assert_false(cert_issued_by(leaf, ca));
	assert_false(cert_issued_by(in, leaf));
	assert_false(cert_issued_by(ca, in));
	assert_true(cert_same_key(ca, ca));
	assert_false(cert_same_key(ca, in));

	/* dup keeps everything, including computed fingerprints */
	fp = cert_fp_hex(cert_sha256(leaf), CERT_SHA256_LEN);
	d = cert_dup(leaf);
	assert_true(d->have_fp);
	/* cert_equal: the same bytes, whichever copy */
	assert_true(cert_equal(d, leaf));
	assert_true(cert_equal(leaf, leaf));
	assert_false(cert_equal(leaf, in));
	assert_false(cert_equal(srv2, leaf));
	assert_int_equal(d->len, leaf->len);
	assert_memory_equal(d->der, leaf->der, d->len);
	assert_ptr_not_equal(d->der, leaf->der);
	assert_string_equal(d->info.subject, leaf->info.subject);
	assert_ptr_equal(d->info.subject_der.p - d->der,
	    leaf->info.subject_der.p - leaf->der);
	cert_free(d);

	/* PEM out and back in */
	pem = cert_pem(leaf);
	assert_non_null(strstr(pem, "-----BEGIN CERTIFICATE-----\n"));
	assert_int_equal(certs_read_mem((unsigned char *)pem, strlen(pem),
	    "pem", &v, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(v[0]->der, leaf->der, leaf->len);
	certs_free(v, n);
	free(pem);

	/* days left: floor */
	assert_int_equal(cert_days_left(leaf, (time_t)leaf->info.not_after),
	    0);
	assert_int_equal(cert_days_left(leaf,
	    (time_t)leaf->info.not_after - 86399), 0);
	assert_int_equal(cert_days_left(leaf,
	    (time_t)leaf->info.not_after - 86400), 1);
	assert_int_equal(cert_days_left(leaf,
	    (time_t)leaf->info.not_after + 1), -1);
	assert_int_equal(cert_days_left(leaf,
	    (time_t)leaf->info.not_after + 86400), -1);
	assert_int_equal(cert_days_left(leaf,
	    (time_t)leaf->info.not_after + 86401), -2);

	desc = cert_describe(leaf, (time_t)leaf->info.not_after - 10 * 86400);
	print_message("%s", desc);
	assert_non_null(strstr(desc, "Owner: CN=app.example.com, O=Lab\n"));
	assert_non_null(strstr(desc,
	    "Issuer: O=Lab, CN=Lab Intermediate CA\n"));
	assert_non_null(strstr(desc, "(10 days left)"));
	assert_non_null(strstr(desc, "Valid from: 2026-11-29T14:41:35Z"));
	assert_non_null(strstr(desc, fp));
	assert_non_null(strstr(desc, "Signature algorithm name: "
	    "SHA256withRSA\n"));
	assert_non_null(strstr(desc, "Subject Public Key Algorithm: 2048-bit "
	    "RSA key\n"));
	assert_non_null(strstr(desc, "DNS:app.example.com, DNS:www.example"
	    ".com, IP:10.0.0.5"));
	assert_non_null(strstr(desc, "Extended key usage: serverAuth"));
	free(desc);
	desc = cert_describe(in, (time_t)in->info.not_after + 86400 * 3);
	assert_non_null(strstr(desc, "expired 3 days ago"));
	assert_non_null(strstr(desc, "CA:true, pathlen:0"));
	free(desc);
	free(fp);

	cert_free(ca);
	cert_free(in);
	cert_free(leaf);
	cert_free(srv2);
	cert_free(NULL);
	free(cause);
}

/* OpenSSL's name in keytool terms (see name_norm). */
static char *
x509_name_str(const X509_NAME *name)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*p, *s, *out;
	long	 n;
	unsigned long flags = (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) |
	    XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_DN_REV | XN_FLAG_FN_SN |
	    XN_FLAG_DUMP_UNKNOWN_FIELDS;

	X509_NAME_print_ex(bio, name, 0, flags);
	n = BIO_get_mem_data(bio, &p);
	s = strndup(p, (size_t)n);
	BIO_free(bio);
	out = name_norm(s);
	free(s);
	return (out);
}

/* The walker and OpenSSL agree on every certificate of /etc/ssl/certs. */
static void
test_system_certs(void **state)
{
	STACK_OF(X509)		*sk;
	struct cert_info	 ci;
	struct cert		*c;
	glob_t			 g;
	unsigned char		*der, md[32];
	unsigned int		 mdlen;
	char			*s, hex[1024];
	size_t			 len, i, ncert = 0, nname = 0, k;
	int			 j, day, sec, rounds;
	int64_t			 t;
	BIGNUM			*bn;
	struct timespec		 t0, t1;
	struct der_blob {
		unsigned char	*p;
		size_t		 len;
	}			*blobs = NULL;
	double			 us;

	if (glob("/etc/ssl/certs/*.pem", 0, NULL, &g) != 0) {
		print_message("# no /etc/ssl/certs: skipped\n");
		skip();
	}
	for (i = 0; i < g.gl_pathc; i++) {
		sk = read_x509s(g.gl_pathv[i]);
		for (j = 0; j < sk_X509_num(sk); j++) {
			X509 *x = sk_X509_value(sk, j);

			der = x509_der(x, &len);
			s = NULL;
			c = cert_new(der, len, &s);
			if (c == NULL)
				print_error("%s: %s\n", g.gl_pathv[i], s);
			assert_non_null(c);
			X509_digest(x, EVP_sha256(), md, &mdlen);
			assert_memory_equal(cert_sha256(c), md, 32);
			X509_digest(x, EVP_sha1(), md, &mdlen);
			assert_memory_equal(cert_sha1(c), md, 20);
			ASN1_TIME_diff(&day, &sec, NULL, X509_get0_notAfter(x));
			t = (int64_t)time(NULL);
			/* OpenSSL's diff is from now: within a second */
			assert_true(llabs((long long)(c->info.not_after -
			    (t + (int64_t)day * 86400 + sec))) <= 1);
			bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x),
			    NULL);
			s = BN_bn2hex(bn);
			serial_norm(s[0] == '-' ? s + 1 : s, hex, sizeof hex);
			assert_string_equal(c->info.serial +
			    (c->info.serial[0] == '-'), hex);
			OPENSSL_free(s);
			BN_free(bn);
			assert_int_equal(c->info.key_bits,
			    EVP_PKEY_get_bits(X509_get0_pubkey(x)));
			assert_int_equal(c->info.version,
			    X509_get_version(x) + 1);
			assert_int_equal(c->info.ca,
			    X509_check_ca(x) != 0 &&
			    (X509_get_extension_flags(x) & EXFLAG_BCONS));
			if (strstr(c->info.subject, " + ") == NULL) {
				s = x509_name_str(X509_get_subject_name(x));
				assert_string_equal(c->info.subject, s);
				free(s);
				s = x509_name_str(X509_get_issuer_name(x));
				assert_string_equal(c->info.issuer, s);
				free(s);
				nname++;
			}
			assert_int_equal(c->info.self_signed,
			    X509_NAME_cmp(X509_get_subject_name(x),
			    X509_get_issuer_name(x)) == 0 &&
			    X509_check_issued(x, x) == X509_V_OK);
			blobs = realloc(blobs, (ncert + 1) * sizeof *blobs);
			blobs[ncert].p = der;
			blobs[ncert].len = len;
			ncert++;
			cert_free(c);
		}
		sk_X509_pop_free(sk, X509_free);
	}
	globfree(&g);
	print_message("# %zu system certificates agree (%zu names)\n", ncert,
	    nname);
	if (ncert == 0)
		skip();
	/* timing, reported only */
	rounds = 20;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (j = 0; j < rounds; j++) {
		for (k = 0; k < ncert; k++) {
			assert_int_equal(der_cert_walk(blobs[k].p,
			    blobs[k].len, &ci, NULL), 0);
			cert_info_done(&ci);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = ((t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) /
	    1e3) / (rounds * (double)ncert);
	print_message("# walker: %.2f us/cert (%zu certs x %d)\n", us, ncert,
	    rounds);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (k = 0; k < ncert; k++) {
		c = cert_new(blobs[k].p, blobs[k].len, NULL);
		cert_sha256(c);
		cert_free(c);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = ((t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) /
	    1e3) / (double)ncert;
	print_message("# cert_new + sha256: %.2f us/cert\n", us);
	for (k = 0; k < ncert; k++)
		OPENSSL_free(blobs[k].p);
	free(blobs);
}

/* Run the tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_extensions),
		cmocka_unit_test(test_api),
		cmocka_unit_test(test_system_certs),
	};
	return (cmocka_run_group_tests(tests, NULL, NULL));
}

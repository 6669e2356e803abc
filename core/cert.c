/* SPDX-License-Identifier: ISC */
/*
 * cert.c -- certificates: the walked facts (der.c), fingerprints on first
 * use, the OpenSSL X509 on demand, and a long description.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core.h"

/* A growable text for cert_describe. */
struct cert_text {
	char	*s;
	size_t	 len;
};

/* Copy a DER certificate and walk it. */
struct cert *
cert_new(const unsigned char *der, size_t len, char **cause)
{
	struct cert	*c;

	c = xcalloc(1, sizeof *c);
	c->der = xmalloc(len == 0 ? 1 : len);
	if (len > 0)
		memcpy(c->der, der, len);
	c->len = len;
	if (der_cert_walk(c->der, c->len, &c->info, cause) != 0) {
		free(c->der);
		free(c);
		return (NULL);
	}
	return (c);
}

/*
 * A cert whose DER stays where it is (in a keystore's backing buffer, see
 * keystore_load_owned): listing 10,000 entries then copies nothing.
 */
struct cert *
cert_new_ref(const unsigned char *der, size_t len, char **cause)
{
	struct cert	*c;

	c = xcalloc(1, sizeof *c);
	c->der = (unsigned char *)(uintptr_t)der;
	c->len = len;
	c->der_borrowed = true;
	if (der_cert_walk(c->der, c->len, &c->info, cause) != 0) {
		free(c);
		return (NULL);
	}
	return (c);
}

/*
 * A borrowed-DER cert allocated, with its strings, in a keystore's arena:
 * freed with the arena (cert_free then only drops the X509).
 */
struct cert *
cert_new_packed(struct arena *a, const unsigned char *der, size_t len,
    char **cause)
{
	struct cert	*c;

	c = arena_calloc(a, sizeof *c);
	c->der = (unsigned char *)(uintptr_t)der;
	c->len = len;
	c->der_borrowed = true;
	c->packed = true;
	if (der_cert_walk_in(a, c->der, c->len, &c->info, cause) != 0)
		return (NULL);
	return (c);
}

/* A cert from an OpenSSL X509, which it keeps a reference to. */
struct cert *
cert_from_x509(struct x509_st *x, char **cause)
{
	struct cert	*c;
	unsigned char	*der = NULL;
	int		 n;

	if (x == NULL) {
		cause_set(cause, "no certificate");
		return (NULL);
	}
	if ((n = i2d_X509(x, &der)) <= 0) {
		cause_ssl(cause, "cannot encode certificate");
		return (NULL);
	}
	c = cert_new(der, (size_t)n, cause);
	OPENSSL_free(der);
	if (c != NULL && X509_up_ref(x) == 1)
		c->x509 = x;
	return (c);
}

/* A deep copy (the X509, if any, is shared by reference). */
struct cert *
cert_dup(const struct cert *c)
{
	struct cert	*d;

	if (c == NULL)
		return (NULL);
	/* the bytes walked once already: this cannot fail */
	if ((d = cert_new(c->der, c->len, NULL)) == NULL)
		fatalx("cert_dup: certificate no longer decodes");
	if (c->have_fp) {
		memcpy(d->sha256, c->sha256, sizeof d->sha256);
		memcpy(d->sha1, c->sha1, sizeof d->sha1);
		d->have_fp = true;
	}
	if (c->x509 != NULL && X509_up_ref(c->x509) == 1)
		d->x509 = c->x509;
	return (d);
}

/* Free a cert and its X509 (NULL is fine). */
void
cert_free(struct cert *c)
{
	if (c == NULL)
		return;
	X509_free(c->x509);
	c->x509 = NULL;
	if (c->packed)
		return;
	cert_info_done(&c->info);
	if (!c->der_borrowed)
		free(c->der);
	free(c);
}

/*
 * The two fingerprint digests, fetched once for the process: SHA256() and
 * SHA1() fetch their implementation again on every call, which was a fifth
 * of the work of fingerprinting a 10,000-certificate listing.
 */
static CRYPTO_ONCE	 cert_md_once = CRYPTO_ONCE_STATIC_INIT;
static EVP_MD		*cert_md_sha256, *cert_md_sha1;

static void
cert_md_init(void)
{
	cert_md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	cert_md_sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	ERR_clear_error();
}

/* Compute both fingerprints once. */
static void
cert_fp(struct cert *c)
{
	if (c->have_fp)
		return;
	if (!CRYPTO_THREAD_run_once(&cert_md_once, cert_md_init) ||
	    cert_md_sha256 == NULL || cert_md_sha1 == NULL ||
	    EVP_Digest(c->der, c->len, c->sha256, NULL, cert_md_sha256,
	    NULL) != 1 ||
	    EVP_Digest(c->der, c->len, c->sha1, NULL, cert_md_sha1,
	    NULL) != 1) {
		/* the one-shot functions, which fetch every time */
		ERR_clear_error();
		SHA256(c->der, c->len, c->sha256);
		SHA1(c->der, c->len, c->sha1);
	}
	c->have_fp = true;
}

/* Below this many certificates, cert_fp_all does not start a thread. */
#define CERT_FP_THREAD_MIN	256

/* A share of cert_fp_all's work. */
struct cert_fp_job {
	struct cert *const	*v;
	size_t			 n;
};

static void *
cert_fp_run(void *arg)
{
	struct cert_fp_job	*j = arg;
	size_t			 i;

	for (i = 0; i < j->n; i++)
		cert_fp(j->v[i]);
	return (NULL);
}

/*
 * Compute the fingerprints of n certificates (each at most once in v), on
 * two threads when there are many: listing 10,000 certificates is 22 MB of
 * SHA-256 and SHA-1, the most expensive part of it.
 */
void
cert_fp_all(struct cert *const *v, size_t n)
{
	struct cert_fp_job	 j = { v + n / 2, n - n / 2 };
	struct cert_fp_job	 mine = { v, n / 2 };
	pthread_t		 th;
	sigset_t		 all, old;
	bool			 started = false;

	if (n < CERT_FP_THREAD_MIN) {
		mine.n = n;
		cert_fp_run(&mine);
		return;
	}
	(void)CRYPTO_THREAD_run_once(&cert_md_once, cert_md_init);
	sigfillset(&all);
	if (pthread_sigmask(SIG_BLOCK, &all, &old) == 0) {
		started = pthread_create(&th, NULL, cert_fp_run, &j) == 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	cert_fp_run(&mine);
	if (started)
		pthread_join(th, NULL);
	else
		cert_fp_run(&j);
}

/* The SHA-256 fingerprint, computed once. */
const unsigned char *
cert_sha256(struct cert *c)
{
	cert_fp(c);
	return (c->sha256);
}

/* The SHA-1 fingerprint, computed once. */
const unsigned char *
cert_sha1(struct cert *c)
{
	cert_fp(c);
	return (c->sha1);
}

/* The same certificate: the same encoding. */
bool
cert_equal(const struct cert *a, const struct cert *b)
{
	return (a == b || (a->len == b->len && a->len != 0 &&
	    memcmp(a->der, b->der, a->len) == 0));
}

/* Bytes as upper-case colon-separated hex, as keytool prints them. */
char *
cert_fp_hex(const unsigned char *p, size_t len)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			*s, *o;
	size_t			 i;

	o = s = xmalloc(len == 0 ? 1 : len * 3);
	for (i = 0; i < len; i++) {
		if (i > 0)
			*o++ = ':';
		*o++ = hex[p[i] >> 4];
		*o++ = hex[p[i] & 15];
	}
	*o = '\0';
	return (s);
}

/* The OpenSSL decoding, made on first use and kept. */
struct x509_st *
cert_x509(struct cert *c, char **cause)
{
	const unsigned char	*p = c->der;

	if (c->x509 != NULL)
		return (c->x509);
	cause_ssl_clear();
	if ((c->x509 = d2i_X509(NULL, &p, (long)c->len)) == NULL)
		cause_ssl(cause, "cannot decode certificate");
	return (c->x509);
}

/* Whole days until not_after, rounded down (negative once expired). */
long
cert_days_left(const struct cert *c, time_t now)
{
	int64_t	d = c->info.not_after - (int64_t)now;

	/* floor division */
	if (d < 0)
		return ((long)(-((-d + SECS_PER_DAY - 1) / SECS_PER_DAY)));
	return ((long)(d / SECS_PER_DAY));
}

/* The certificate as PEM text, 64 columns. */
char *
cert_pem(const struct cert *c)
{
	static const char	 b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char	 head[] = "-----BEGIN CERTIFICATE-----\n";
	static const char	 tail[] = "-----END CERTIFICATE-----\n";
	const unsigned char	*p = c->der;
	size_t			 i, n, col = 0, cap;
	unsigned		 v;
	char			*s, *o;

	n = (c->len + 2) / 3 * 4;
	cap = sizeof head + sizeof tail + n + n / 64 + 2;
	o = s = xmalloc(cap);
	memcpy(o, head, sizeof head - 1);
	o += sizeof head - 1;
	for (i = 0; i < c->len; i += 3) {
		v = (unsigned)p[i] << 16;
		if (i + 1 < c->len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < c->len)
			v |= p[i + 2];
		*o++ = b64[(v >> 18) & 63];
		*o++ = b64[(v >> 12) & 63];
		*o++ = i + 1 < c->len ? b64[(v >> 6) & 63] : '=';
		*o++ = i + 2 < c->len ? b64[v & 63] : '=';
		if ((col += 4) == 64) {
			*o++ = '\n';
			col = 0;
		}
	}
	if (col != 0)
		*o++ = '\n';
	memcpy(o, tail, sizeof tail);
	return (s);
}

/* Append a formatted line to a text. */
static void
cert_text_add(struct cert_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
cert_text_add(struct cert_text *t, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	size_t	 n;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	n = strlen(s);
	t->s = xreallocarray(t->s, t->len + n + 1, 1);
	memcpy(t->s + t->len, s, n + 1);
	t->len += n;
	free(s);
}

/* "2048-bit RSA key", "256-bit EC (P-256) key", as keytool words it. */
static void
cert_describe_key(struct cert_text *t, const struct cert_info *ci)
{
	const char	*sp = strrchr(ci->key, ' ');
	char		 num[16];

	cert_text_add(t, "Subject Public Key Algorithm: ");
	snprintf(num, sizeof num, " %d", ci->key_bits);
	if (ci->key_bits <= 0)
		cert_text_add(t, "%s\n", ci->key);
	else if (sp != NULL && strcmp(sp, num) == 0)
		cert_text_add(t, "%d-bit %.*s key\n", ci->key_bits,
		    (int)(sp - ci->key), ci->key);
	else if (strncmp(ci->key, "EC ", 3) == 0)
		cert_text_add(t, "%d-bit EC (%s) key\n", ci->key_bits,
		    ci->key + 3);
	else
		cert_text_add(t, "%d-bit %s key\n", ci->key_bits, ci->key);
}

/* The key usage bits, keytool's names. */
static void
cert_describe_ku(struct cert_text *t, X509 *x)
{
	static const struct {
		uint32_t	 bit;
		const char	*name;
	} ku[] = {
		{ KU_DIGITAL_SIGNATURE, "DigitalSignature" },
		{ KU_NON_REPUDIATION, "Non_repudiation" },
		{ KU_KEY_ENCIPHERMENT, "Key_Encipherment" },
		{ KU_DATA_ENCIPHERMENT, "Data_Encipherment" },
		{ KU_KEY_AGREEMENT, "Key_Agreement" },
		{ KU_KEY_CERT_SIGN, "Key_CertSign" },
		{ KU_CRL_SIGN, "Crl_Sign" },
		{ KU_ENCIPHER_ONLY, "Encipher_Only" },
		{ KU_DECIPHER_ONLY, "Decipher_Only" },
	};
	static const struct {
		uint32_t	 bit;
		const char	*name;
	} xku[] = {
		{ XKU_SSL_SERVER, "serverAuth" },
		{ XKU_SSL_CLIENT, "clientAuth" },
		{ XKU_SMIME, "emailProtection" },
		{ XKU_CODE_SIGN, "codeSigning" },
		{ XKU_TIMESTAMP, "timeStamping" },
		{ XKU_OCSP_SIGN, "OCSPSigning" },
		{ XKU_ANYEKU, "anyExtendedKeyUsage" },
	};
	uint32_t	 flags, u;
	size_t		 i;
	const char	*sep;

	flags = X509_get_extension_flags(x);
	if (flags & EXFLAG_KUSAGE) {
		u = X509_get_key_usage(x);
		cert_text_add(t, "Key usage:");
		sep = " ";
		for (i = 0; i < sizeof ku / sizeof ku[0]; i++) {
			if (u & ku[i].bit) {
				cert_text_add(t, "%s%s", sep, ku[i].name);
				sep = ", ";
			}
		}
		cert_text_add(t, "\n");
	}
	if (flags & EXFLAG_XKUSAGE) {
		u = X509_get_extended_key_usage(x);
		cert_text_add(t, "Extended key usage:");
		sep = " ";
		for (i = 0; i < sizeof xku / sizeof xku[0]; i++) {
			if (u & xku[i].bit) {
				cert_text_add(t, "%s%s", sep, xku[i].name);
				sep = ", ";
			}
		}
		if (sep[0] == ' ')
			cert_text_add(t, " (other)");
		cert_text_add(t, "\n");
	}
}

/* A keytool -list -v style description of one certificate. */
char *
cert_describe(struct cert *c, time_t now)
{
	struct cert_text	 t = { NULL, 0 };
	struct cert_info	*ci = &c->info;
	char			 nb[32], na[32], *fp1, *fp2;
	long			 days;
	size_t			 i;
	X509			*x;

	time_iso8601(ci->not_before, nb, sizeof nb);
	time_iso8601(ci->not_after, na, sizeof na);
	days = cert_days_left(c, now);
	fp1 = cert_fp_hex(cert_sha1(c), CERT_SHA1_LEN);
	fp2 = cert_fp_hex(cert_sha256(c), CERT_SHA256_LEN);
	cert_text_add(&t, "Owner: %s\n", ci->subject);
	cert_text_add(&t, "Issuer: %s\n", ci->issuer);
	cert_text_add(&t, "Serial number: %s\n", ci->serial);
	if ((int64_t)now < ci->not_before)
		cert_text_add(&t, "Valid from: %s until: %s (not yet valid)\n",
		    nb, na);
	else if (days < 0)
		cert_text_add(&t, "Valid from: %s until: %s (expired %ld "
		    "day%s ago)\n", nb, na, -days, days == -1 ? "" : "s");
	else
		cert_text_add(&t, "Valid from: %s until: %s (%ld day%s "
		    "left)\n", nb, na, days, days == 1 ? "" : "s");
	cert_text_add(&t, "Certificate fingerprints:\n");
	cert_text_add(&t, "\t SHA1: %s\n", fp1);
	cert_text_add(&t, "\t SHA256: %s\n", fp2);
	cert_text_add(&t, "Signature algorithm name: %s%s\n", ci->sig_alg,
	    ci->weak_sig ? " (weak)" : "");
	cert_describe_key(&t, ci);
	cert_text_add(&t, "Version: %d\n", ci->version);
	if (ci->self_signed)
		cert_text_add(&t, "Self-signed: yes\n");
	if (ci->nsan > 0) {
		cert_text_add(&t, "Subject alternative names:");
		for (i = 0; i < ci->nsan; i++)
			cert_text_add(&t, "%s%s", i == 0 ? " " : ", ",
			    ci->san[i]);
		cert_text_add(&t, "\n");
	}
	if (ci->ca) {
		if (ci->pathlen >= 0)
			cert_text_add(&t, "Basic constraints: CA:true, "
			    "pathlen:%d\n", ci->pathlen);
		else
			cert_text_add(&t, "Basic constraints: CA:true, "
			    "pathlen: no limit\n");
	}
	if (ci->ski.len > 0) {
		free(fp1);
		fp1 = cert_fp_hex(ci->ski.p, ci->ski.len);
		cert_text_add(&t, "Subject key identifier: %s\n", fp1);
	}
	if (ci->aki.len > 0) {
		free(fp1);
		fp1 = cert_fp_hex(ci->aki.p, ci->aki.len);
		cert_text_add(&t, "Authority key identifier: %s\n", fp1);
	}
	if ((x = cert_x509(c, NULL)) != NULL)
		cert_describe_ku(&t, x);
	cause_ssl_clear();
	free(fp1);
	free(fp2);
	return (t.s);
}

/* Is b a's issuer: names match and b's key verifies a's signature? */
bool
cert_issued_by(struct cert *a, struct cert *b)
{
	X509		*xa, *xb;
	EVP_PKEY	*k;
	int		 ok;

	if (a->info.issuer_der.len != b->info.subject_der.len ||
	    memcmp(a->info.issuer_der.p, b->info.subject_der.p,
	    a->info.issuer_der.len) != 0)
		return (false);
	if ((xa = cert_x509(a, NULL)) == NULL ||
	    (xb = cert_x509(b, NULL)) == NULL) {
		cause_ssl_clear();
		return (false);
	}
	if ((k = X509_get0_pubkey(xb)) == NULL) {
		cause_ssl_clear();
		return (false);
	}
	ok = X509_verify(xa, k);
	cause_ssl_clear();
	return (ok == 1);
}

/* Do both certificates carry the same SubjectPublicKeyInfo? */
bool
cert_same_key(const struct cert *a, const struct cert *b)
{
	return (a->info.spki_der.len == b->info.spki_der.len &&
	    memcmp(a->info.spki_der.p, b->info.spki_der.p,
	    a->info.spki_der.len) == 0);
}

/* Write v as n decimal digits with leading zeros. */
static void
time_digits(char *p, int64_t v, int n)
{
	while (n-- > 0) {
		p[n] = '0' + (char)(v % 10);
		v /= 10;
	}
}

/* Seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ" (no time_t limits). */
void
time_iso8601(int64_t t, char *buf, size_t len)
{
	int64_t	days, secs, z, era, doe, yoe, y, doy, mp, d, m;

	days = t / SECS_PER_DAY;
	secs = t % SECS_PER_DAY;
	if (secs < 0) {
		secs += SECS_PER_DAY;
		days--;
	}
	/* civil date from days since 1970-01-01 (proleptic Gregorian) */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	if (y < 0 || y > 9999 || len < 21) {
		snprintf(buf, len, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
		    (long long)y, (long long)m, (long long)d,
		    (long long)(secs / 3600), (long long)(secs % 3600 / 60),
		    (long long)(secs % 60));
		return;
	}
	/* By hand: listing 10,000 entries calls this 30,000 times. */
	time_digits(buf, y, 4);
	buf[4] = '-';
	time_digits(buf + 5, m, 2);
	buf[7] = '-';
	time_digits(buf + 8, d, 2);
	buf[10] = 'T';
	time_digits(buf + 11, secs / 3600, 2);
	buf[13] = ':';
	time_digits(buf + 14, secs % 3600 / 60, 2);
	buf[16] = ':';
	time_digits(buf + 17, secs % 60, 2);
	buf[19] = 'Z';
	buf[20] = '\0';
}

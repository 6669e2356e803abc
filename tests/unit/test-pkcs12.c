/* SPDX-License-Identifier: ISC */
/*
 * test-pkcs12.c -- the PKCS#12 codec against the reference samples
 * (tests/data/samples, passwords in README.md there) and against files
 * built here with the OpenSSL API.  Fingerprints were taken once from
 * keytool 17 (25 for the non-ASCII sample) -list -v; aliases are the
 * friendlyNames with their case (keytool prints them lower-cased).
 */
#include <sys/wait.h>

#include <pthread.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "testutil.h"

#define FP_LABROOT "65:12:BA:DE:EC:EB:09:7C:8F:B0:3F:F8:BE:0B:80:B4:" \
	"39:1E:15:B0:89:FD:CA:75:8E:7F:29:04:A3:9B:D8:52"
#define FP_LABINT "CC:4A:83:AE:72:0F:52:29:FF:88:5A:21:95:63:94:23:" \
	"EC:FF:4D:60:B2:FC:10:0B:EE:3D:CE:CE:CA:19:C0:AD"
#define FP_JDK17 "DB:21:D1:9D:EB:93:E4:1C:FB:94:65:AA:D7:BD:6C:45:" \
	"9B:45:B0:E0:2D:24:9B:62:88:3E:20:66:C4:82:DE:6E"
#define FP_CONV "33:AF:7D:0D:19:D3:A3:2F:8B:E4:0F:53:4E:29:3D:BC:" \
	"0E:BE:29:9F:93:C8:33:6E:2F:BF:15:25:74:73:F8:48"
#define FP_LEGACY "49:5F:B2:85:78:71:7B:FC:89:BA:2B:23:C8:21:28:57:" \
	"2B:E4:55:03:D4:55:82:4D:A4:D3:CC:E6:38:B7:65:46"
#define FP_JDK25 "85:0E:A7:91:45:88:D5:1A:3E:86:63:56:5B:82:FE:37:" \
	"E0:AB:A2:03:6C:E1:B9:23:D4:4E:B8:34:54:F9:50:79"
#define FP_SRV2 "3D:E4:A1:8F:07:D6:E1:7A:BC:40:70:F0:48:82:36:C2:" \
	"3B:8A:FD:55:A5:B2:BB:64:8C:42:C1:1D:62:B5:D8:B2"
#define FP_U "E9:0B:03:C6:63:13:3C:A0:FD:CA:7B:24:6D:C3:DC:65:" \
	"DD:43:69:0F:BB:31:CC:B4:DC:35:FD:00:3D:0F:FC:A3"

#define S_JDK17		"samples/sample-jdk17.p12"
#define S_CONV		"samples/sample-jdk17-converted-from-jks.p12"
#define S_LEGACY	"samples/sample-legacy-algs-jdk17.p12"
#define S_JDK25		"samples/sample-jdk25.p12"
#define S_NOPW25	"samples/sample-jdk25-passwordless.p12"
#define S_NONASCII	"samples/sample-jdk25-nonascii-pass.p12"
#define S_OSSL_PW	"samples/sample-openssl30-trust-pw.p12"
#define S_OSSL_NOPW	"samples/sample-openssl30-trust-nopw.p12"
#define S_OSSL_KEY	"samples/sample-openssl30-key-and-trust.p12"
#define S_BADLEAF	"samples/bad-leaf-trusted.p12"

#define PW_NONASCII	"p\xc3\xa4ssw\xc3\xb6rd1"

/* An expected entry. */
struct want {
	const char	*alias;
	enum ks_etype	 type;
	size_t		 nchain;
	const char	*fp[3];
};

/* An expected sample. */
struct sample {
	const char	*file;
	const char	*pass;
	bool		 passwordless;
	bool		 legacy;
	size_t		 n;
	struct want	 w[2];
};

static const struct sample samples[] = {
	{ S_JDK17, "storepass", false, false, 2, {
	    { "server", KS_ENTRY_KEY, 1, { FP_JDK17 } },
	    { "LabRoot", KS_ENTRY_TRUSTED, 1, { FP_LABROOT } } } },
	{ S_CONV, "storepass", false, false, 1, {
	    { "server", KS_ENTRY_KEY, 3, { FP_CONV, FP_LABINT, FP_LABROOT } } } },
	{ S_LEGACY, "storepass", false, true, 1, {
	    { "server", KS_ENTRY_KEY, 1, { FP_LEGACY } } } },
	{ S_JDK25, "storepass", false, false, 2, {
	    { "server", KS_ENTRY_KEY, 1, { FP_JDK25 } },
	    { "labroot", KS_ENTRY_TRUSTED, 1, { FP_LABROOT } } } },
	{ S_NOPW25, NULL, true, false, 2, {
	    { "labroot", KS_ENTRY_TRUSTED, 1, { FP_LABROOT } },
	    { "LabInt", KS_ENTRY_TRUSTED, 1, { FP_LABINT } } } },
	{ S_NOPW25, "any-random-password", true, false, 2, {
	    { "labroot", KS_ENTRY_TRUSTED, 1, { FP_LABROOT } },
	    { "LabInt", KS_ENTRY_TRUSTED, 1, { FP_LABINT } } } },
	{ S_NONASCII, PW_NONASCII, false, false, 2, {
	    { "u", KS_ENTRY_KEY, 1, { FP_U } },
	    { "labroot", KS_ENTRY_TRUSTED, 1, { FP_LABROOT } } } },
	{ S_OSSL_PW, "changeit", false, false, 2, {
	    { "LabRoot", KS_ENTRY_TRUSTED, 1, { FP_LABROOT } },
	    { "labint", KS_ENTRY_TRUSTED, 1, { FP_LABINT } } } },
	{ S_OSSL_NOPW, NULL, true, false, 2, {
	    { "LabRoot", KS_ENTRY_TRUSTED, 1, { FP_LABROOT } },
	    { "labint", KS_ENTRY_TRUSTED, 1, { FP_LABINT } } } },
	{ S_OSSL_NOPW, "changeit", true, false, 2, {
	    { "LabRoot", KS_ENTRY_TRUSTED, 1, { FP_LABROOT } },
	    { "labint", KS_ENTRY_TRUSTED, 1, { FP_LABINT } } } },
	{ S_OSSL_KEY, "storepass", false, false, 2, {
	    { "MyServer", KS_ENTRY_KEY, 3, { FP_SRV2, FP_LABINT, FP_LABROOT } },
	    { "LabRoot", KS_ENTRY_TRUSTED, 1, { FP_LABROOT } } } },
	/* Java shows the key's own certificate as a trustedCertEntry. */
	{ S_BADLEAF, "storepass", false, false, 2, {
	    { "MyServer", KS_ENTRY_TRUSTED, 1, { FP_SRV2 } },
	    { "LabRoot", KS_ENTRY_TRUSTED, 1, { FP_LABROOT } } } },
};

/* Load from memory with pw (NULL: none). */
static int
load_buf(const unsigned char *buf, size_t len, const char *pw, int flags,
    struct keystore **ks, char **cause)
{
	struct secret	*s = pw != NULL ? secret_from_str(pw) : NULL;
	int		 rc;

	rc = keystore_load_mem(buf, len, "test.p12", s, flags, ks, cause);
	secret_free(s);
	return (rc);
}

/* Load a sample file; fails the test on error. */
static struct keystore *
load_ok(const char *rel, const char *pw, int flags)
{
	struct keystore	*ks = NULL;
	unsigned char	*buf;
	size_t		 len;
	char		*cause = NULL;

	buf = td_read(rel, &len);
	if (load_buf(buf, len, pw, flags, &ks, &cause) != 0) {
		print_error("%s: %s\n", rel, cause);
		fail();
	}
	free(buf);
	return (ks);
}

/* Load a sample file expecting failure; returns the cause. */
static char *
load_fail(const unsigned char *buf, size_t len, const char *pw, int flags)
{
	struct keystore	*ks = NULL;
	char		*cause = NULL;

	assert_int_equal(load_buf(buf, len, pw, flags, &ks, &cause), -1);
	assert_null(ks);
	assert_non_null(cause);
	return (cause);
}

/* The SHA-256 fingerprint of a certificate as keytool prints it. */
static void
assert_fp(struct cert *c, const char *want)
{
	char	*hex = cert_fp_hex(cert_sha256(c), 32);

	assert_string_equal(hex, want);
	free(hex);
}

/*
 * Check one entry of ks against w: the alias as stored matched exactly,
 * with case; the alias Java shows is that one lower-cased.
 */
static struct ks_entry *
assert_entry(struct keystore *ks, const struct want *w)
{
	struct ks_entry	*e;
	char		*lower;
	size_t		 i;

	e = keystore_find(ks, w->alias);
	if (e == NULL) {
		print_error("no entry \"%s\"\n", w->alias);
		fail();
	}
	assert_string_equal(ks_entry_stored_alias(e, NULL), w->alias);
	lower = xstrdup(w->alias);
	for (i = 0; lower[i] != '\0'; i++)
		if (lower[i] >= 'A' && lower[i] <= 'Z')
			lower[i] += 'a' - 'A';
	assert_string_equal(e->alias, lower);
	assert_true((e->stored_alias != NULL) == (strcmp(lower,
	    w->alias) != 0));
	free(lower);
	assert_int_equal(e->type, w->type);
	assert_int_equal(e->nchain, w->nchain);
	for (i = 0; i < w->nchain; i++)
		assert_fp(e->chain[i], w->fp[i]);
	return (e);
}

/* Recover every key entry with pw; fails the test on error. */
static void
recover_all(struct keystore *ks, const char *pw)
{
	struct secret	*s = secret_from_str(pw);
	char		*cause = NULL;
	size_t		 i;

	for (i = 0; i < ks->nentries; i++) {
		if (ks->entries[i]->type != KS_ENTRY_KEY)
			continue;
		if (keystore_recover_key(ks, ks->entries[i], s, &cause) != 0) {
			print_error("%s: %s\n", ks->entries[i]->alias, cause);
			fail();
		}
		assert_non_null(ks->entries[i]->pkey);
	}
	secret_free(s);
}

/* Serialize; fails the test on error. */
static unsigned char *
write_ok(const struct keystore *ks, const char *pw, size_t *len)
{
	struct secret	*s = pw != NULL ? secret_from_str(pw) : NULL;
	unsigned char	*out = NULL;
	char		*cause = NULL;

	if (keystore_serialize(ks, s, &out, len, &cause) != 0) {
		print_error("write: %s\n", cause);
		fail();
	}
	secret_free(s);
	return (out);
}

/* Every sample lists as keytool lists it. */
static void
test_samples(void **state)
{
	const struct sample	*s;
	struct keystore		*ks;
	size_t			 i, j;

	for (i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		s = &samples[i];
		ks = load_ok(s->file, s->pass, 0);
		assert_int_equal(ks->format, KS_FMT_PKCS12);
		assert_int_equal(ks->nentries, s->n);
		assert_true(ks->verified);
		assert_int_equal(ks->passwordless, s->passwordless);
		assert_int_equal(ks->p12.mac, !s->passwordless);
		assert_int_equal(ks->p12.legacy, s->legacy);
		for (j = 0; j < s->n; j++)
			assert_entry(ks, &s->w[j]);
		if (s->pass != NULL && !s->passwordless)
			recover_all(ks, s->pass);
		keystore_free(ks);
	}
}

/* Scheme details recorded from the files. */
static void
test_params(void **state)
{
	struct keystore	*ks;
	struct ks_entry	*e;

	ks = load_ok(S_JDK17, "storepass", 0);
	assert_int_equal(ks->p12.mac_md_nid, NID_sha256);
	assert_int_equal(ks->p12.mac_iter, 10000);
	assert_int_equal(ks->p12.mac_salt_len, 20);
	assert_int_equal(ks->p12.cert_pbe_nid, NID_aes_256_cbc);
	assert_int_equal(ks->p12.cert_iter, 10000);
	assert_int_equal(ks->p12.key_pbe_nid, NID_aes_256_cbc);
	assert_int_equal(ks->p12.key_iter, 10000);
	/* localKeyID "Time 1795963389927" */
	e = keystore_find(ks, "server");
	assert_int_equal(e->date_ms, 1795963389927LL);
	assert_false(e->flags & KS_EF_NO_DATE);
	e = keystore_find(ks, "labroot");
	assert_true(e->flags & KS_EF_NO_DATE);
	keystore_free(ks);

	ks = load_ok(S_LEGACY, "storepass", 0);
	assert_int_equal(ks->p12.mac_md_nid, NID_sha1);
	assert_int_equal(ks->p12.mac_iter, 100000);
	assert_int_equal(ks->p12.cert_pbe_nid, NID_pbe_WithSHA1And40BitRC2_CBC);
	assert_int_equal(ks->p12.cert_iter, 50000);
	assert_int_equal(ks->p12.key_pbe_nid,
	    NID_pbe_WithSHA1And3_Key_TripleDES_CBC);
	assert_int_equal(ks->p12.key_iter, 50000);
	keystore_free(ks);

	ks = load_ok(S_NOPW25, NULL, 0);
	assert_false(ks->p12.mac);
	assert_int_equal(ks->p12.cert_pbe_nid, -1);
	keystore_free(ks);
}

/* A wrong password fails clearly, for the MAC and for a key. */
static void
test_wrong_password(void **state)
{
	struct keystore	*ks;
	struct secret	*s;
	unsigned char	*buf;
	size_t		 len;
	char		*cause;

	buf = td_read(S_JDK17, &len);
	cause = load_fail(buf, len, "wrong", 0);
	assert_non_null(strstr(cause, "test.p12: "));
	assert_non_null(strstr(cause, "keystore password is incorrect"));
	free(cause);
	cause = load_fail(buf, len, "", 0);
	assert_non_null(strstr(cause, "keystore password is incorrect"));
	free(cause);
	free(buf);

	/* "pässwörd1" in Latin-1: OpenSSL's MAC takes it (it falls back to
	 * Latin-1 -> BMPString) but PBKDF2 does not */
	buf = td_read(S_NONASCII, &len);
	cause = load_fail(buf, len, "p\xe4ssw\xf6rd1", 0);
	assert_non_null(strstr(cause, "keystore password is incorrect"));
	free(cause);
	cause = load_fail(buf, len, "p\xc3\xa4ssw\xc3\xb6rd", 0);
	assert_non_null(strstr(cause, "keystore password is incorrect"));
	free(cause);
	free(buf);

	ks = load_ok(S_JDK25, "storepass", 0);
	s = secret_from_str("keypass?");
	cause = NULL;
	assert_int_equal(keystore_recover_key(ks, keystore_find(ks, "server"),
	    s, &cause), -1);
	assert_non_null(strstr(cause, "password is incorrect"));
	assert_null(keystore_find(ks, "server")->pkey);
	free(cause);
	secret_free(s);
	keystore_free(ks);
}

/* No password on a MAC'd file: refused, or (NOVERIFY) the readable part. */
static void
test_no_password(void **state)
{
	struct keystore	*ks;
	struct ks_entry	*e;
	unsigned char	*buf;
	size_t		 len;
	char		*cause;

	buf = td_read(S_JDK17, &len);
	cause = load_fail(buf, len, NULL, 0);
	assert_non_null(strstr(cause, "password required"));
	free(cause);
	free(buf);

	/* keytool without a password: "server, PrivateKeyEntry", no chain */
	ks = load_ok(S_JDK17, NULL, KS_LOAD_NOVERIFY);
	assert_false(ks->verified);
	assert_int_equal(ks->nentries, 1);
	e = keystore_find(ks, "server");
	assert_non_null(e);
	assert_int_equal(e->type, KS_ENTRY_KEY);
	assert_int_equal(e->nchain, 0);
	assert_int_equal(e->date_ms, 1795963389927LL);
	keystore_free(ks);

	/* certificates all encrypted: Java's silently empty truststore */
	ks = load_ok(S_OSSL_PW, NULL, KS_LOAD_NOVERIFY);
	assert_false(ks->verified);
	assert_int_equal(ks->nentries, 0);
	keystore_free(ks);
}

/* Offset of needle in hay, or fail. */
static size_t
find_bytes(const unsigned char *hay, size_t len, const unsigned char *n,
    size_t nlen)
{
	size_t	i;

	for (i = len - nlen + 1; i-- > 0; )
		if (memcmp(hay + i, n, nlen) == 0)
			return (i);
	fail_msg("bytes not found");
	return (0);
}

/* A flipped byte in the MAC or in the certificates fails. */
static void
test_tampered(void **state)
{
	const ASN1_OCTET_STRING	*dig;
	const unsigned char	*p;
	struct keystore		*ks;
	unsigned char		*buf, *fpbuf;
	PKCS12			*p12;
	size_t			 len, off;
	char			*cause;

	buf = td_read(S_JDK17, &len);
	p = buf;
	p12 = d2i_PKCS12(NULL, &p, (long)len);
	assert_non_null(p12);
	PKCS12_get0_mac(&dig, NULL, NULL, NULL, p12);
	off = find_bytes(buf, len, dig->data, (size_t)dig->length);
	PKCS12_free(p12);
	buf[off + 5] ^= 0x01;
	cause = load_fail(buf, len, "storepass", 0);
	assert_non_null(strstr(cause, "incorrect (or the file was modified)"));
	free(cause);
	buf[off + 5] ^= 0x01;
	/* in the encrypted certificate safe (the second half) */
	buf[len - 200] ^= 0x40;
	cause = load_fail(buf, len, "storepass", 0);
	free(cause);
	free(buf);

	/* no MAC: a broken certificate structure still fails cleanly ... */
	buf = td_read(S_NOPW25, &len);
	ks = load_ok(S_NOPW25, NULL, 0);
	fpbuf = ks->entries[0]->chain[0]->der;
	off = find_bytes(buf, len, fpbuf, 16);
	keystore_free(ks);
	buf[off + 4] ^= 0x80;		/* the tbsCertificate tag */
	cause = load_fail(buf, len, NULL, 0);
	assert_non_null(strstr(cause, "test.p12: "));
	free(cause);
	buf[off + 4] ^= 0x80;
	/* ... but a changed signature byte goes unnoticed (no integrity) */
	ks = load_ok(S_NOPW25, NULL, 0);
	off = find_bytes(buf, len, ks->entries[0]->chain[0]->der +
	    ks->entries[0]->chain[0]->len - 16, 16);
	keystore_free(ks);
	buf[off + 3] ^= 0x01;
	cause = NULL;
	assert_int_equal(load_buf(buf, len, NULL, 0, &ks, &cause), 0);
	assert_int_equal(ks->nentries, 2);
	keystore_free(ks);
	free(buf);
}

/* Truncation anywhere fails cleanly (every offset of the smallest). */
static void
test_truncated(void **state)
{
	static const char *const files[] = { S_NOPW25, S_JDK17, S_LEGACY,
	    S_OSSL_KEY, S_NONASCII };
	struct keystore	*ks;
	unsigned char	*buf;
	size_t		 len, cut, f, step;
	char		*cause;

	for (f = 0; f < sizeof files / sizeof files[0]; f++) {
		buf = td_read(files[f], &len);
		step = f == 0 ? 1 : 7;
		for (cut = 1; cut < len; cut += step) {
			ks = NULL;
			cause = NULL;
			assert_int_equal(load_buf(buf, cut, f == 0 ? NULL :
			    "storepass", 0, &ks, &cause), -1);
			assert_null(ks);
			assert_non_null(cause);
			free(cause);
			cause = NULL;
			assert_int_equal(load_buf(buf, cut, NULL,
			    KS_LOAD_NOVERIFY, &ks, &cause), -1);
			free(cause);
		}
		free(buf);
	}
}

/* Compare two loads: aliases, types, chains, dates of key entries. */
static void
assert_same(struct keystore *a, struct keystore *b, bool lower_keys)
{
	struct ks_entry	*ea, *eb;
	size_t		 i, j;
	char		*lc;

	assert_int_equal(a->nentries, b->nentries);
	for (i = 0; i < a->nentries; i++) {
		ea = a->entries[i];
		eb = keystore_find(b, ea->alias);
		assert_non_null(eb);
		if (ea->type == KS_ENTRY_TRUSTED || !lower_keys)
			assert_string_equal(eb->alias, ea->alias);
		else {
			lc = xstrdup(ea->alias);
			for (j = 0; lc[j] != '\0'; j++)
				if (lc[j] >= 'A' && lc[j] <= 'Z')
					lc[j] += 'a' - 'A';
			assert_string_equal(eb->alias, lc);
			free(lc);
		}
		assert_int_equal(ea->type, eb->type);
		assert_int_equal(ea->nchain, eb->nchain);
		for (j = 0; j < ea->nchain; j++)
			assert_memory_equal(cert_sha256(ea->chain[j]),
			    cert_sha256(eb->chain[j]), 32);
		if (ea->type != KS_ENTRY_TRUSTED)
			assert_true(ea->date_ms == eb->date_ms);
	}
}

/* Rewrite with the file's scheme: same entries, keys still recover. */
static void
test_roundtrip_default(void **state)
{
	static const struct { const char *f, *pw; } t[] = {
		{ S_JDK17, "storepass" }, { S_CONV, "storepass" },
		{ S_JDK25, "storepass" }, { S_OSSL_KEY, "storepass" },
		{ S_OSSL_PW, "changeit" }, { S_NONASCII, PW_NONASCII },
	};
	struct keystore	*a, *b;
	unsigned char	*out;
	size_t		 len, i;
	char		*cause = NULL;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		a = load_ok(t[i].f, t[i].pw, 0);
		out = write_ok(a, t[i].pw, &len);
		assert_int_equal(load_buf(out, len, t[i].pw, 0, &b, &cause), 0);
		assert_same(a, b, true);
		assert_true(b->verified);
		assert_int_equal(b->p12.mac_md_nid, NID_sha256);
		assert_int_equal(b->p12.cert_pbe_nid, NID_aes_256_cbc);
		assert_int_equal(b->p12.key_pbe_nid, NID_aes_256_cbc);
		recover_all(b, t[i].pw);
		/* unchanged keys are written back bit for bit */
		if (a->nentries > 0 && a->entries[0]->type == KS_ENTRY_KEY) {
			assert_int_equal(a->entries[0]->prot_len,
			    b->entries[0]->prot_len);
			assert_memory_equal(a->entries[0]->prot,
			    b->entries[0]->prot, a->entries[0]->prot_len);
		}
		free(out);
		keystore_free(a);
		keystore_free(b);
	}
}

/* A new password: keys recovered, re-encrypted; the old one fails. */
static void
test_roundtrip_newpass(void **state)
{
	struct keystore	*a, *b;
	struct secret	*s;
	unsigned char	*out;
	size_t		 len;
	char		*cause = NULL;

	a = load_ok(S_OSSL_KEY, "storepass", 0);
	/* a stale stored key is refused rather than written unreadable */
	s = secret_from_str("n3w-pass");
	assert_int_equal(keystore_serialize(a, s, &out, &len, &cause), -1);
	assert_non_null(strstr(cause, "recover the key first"));
	free(cause);
	cause = NULL;
	recover_all(a, "storepass");
	free(a->entries[0]->prot);
	a->entries[0]->prot = NULL;
	a->entries[0]->prot_len = 0;
	pkcs12_params_default(&a->p12, false);
	out = write_ok(a, "n3w-pass", &len);
	assert_int_equal(load_buf(out, len, "n3w-pass", 0, &b, &cause), 0);
	assert_same(a, b, true);
	recover_all(b, "n3w-pass");
	assert_int_equal(EVP_PKEY_eq(a->entries[0]->pkey, b->entries[0]->pkey),
	    1);
	keystore_free(b);
	cause = load_fail(out, len, "storepass", 0);
	free(cause);
	free(out);
	secret_free(s);
	keystore_free(a);
}

/* Passwordless: no MAC, plain certificates, opens with any password. */
static void
test_roundtrip_passwordless(void **state)
{
	static const char *const files[] = { S_NOPW25, S_OSSL_NOPW };
	struct keystore	*a, *b;
	unsigned char	*out;
	size_t		 len, i;
	char		*cause = NULL;

	for (i = 0; i < 2; i++) {
		a = load_ok(files[i], NULL, 0);
		out = write_ok(a, NULL, &len);
		assert_int_equal(load_buf(out, len, NULL, 0, &b, &cause), 0);
		assert_same(a, b, true);
		assert_true(b->passwordless);
		assert_false(b->p12.mac);
		keystore_free(b);
		assert_int_equal(load_buf(out, len, "whatever", 0, &b, &cause),
		    0);
		assert_same(a, b, true);
		keystore_free(b);
		free(out);
		/* a password given to the writer changes nothing */
		out = write_ok(a, "ignored", &len);
		assert_int_equal(load_buf(out, len, NULL, 0, &b, &cause), 0);
		assert_true(b->passwordless);
		keystore_free(b);
		free(out);
		keystore_free(a);
	}
	/* a new passwordless store from a password-protected one */
	a = load_ok(S_OSSL_PW, "changeit", 0);
	pkcs12_params_default(&a->p12, true);
	a->passwordless = true;
	out = write_ok(a, NULL, &len);
	assert_int_equal(load_buf(out, len, NULL, 0, &b, &cause), 0);
	assert_same(a, b, true);
	assert_true(b->passwordless);
	keystore_free(b);
	free(out);
	keystore_free(a);
}

/* The legacy file keeps its scheme when the provider is there. */
static void
test_roundtrip_legacy(void **state)
{
	struct ks_p12_params	 p;
	struct keystore		*a, *b;
	unsigned char		*out;
	size_t			 len;
	char			*cause = NULL, *d;

	a = load_ok(S_LEGACY, "storepass", 0);
	assert_true(pkcs12_legacy_available());
	assert_false(pkcs12_write_params(a, &p));
	assert_true(p.legacy);
	d = pkcs12_params_describe(&p);
	assert_non_null(strstr(d, "RC2"));
	free(d);
	out = write_ok(a, "storepass", &len);
	assert_int_equal(load_buf(out, len, "storepass", 0, &b, &cause), 0);
	assert_same(a, b, true);
	assert_true(b->p12.legacy);
	assert_int_equal(b->p12.cert_pbe_nid, NID_pbe_WithSHA1And40BitRC2_CBC);
	assert_int_equal(b->p12.cert_iter, 50000);
	assert_int_equal(b->p12.mac_md_nid, NID_sha1);
	assert_int_equal(b->p12.mac_iter, 100000);
	recover_all(b, "storepass");
	keystore_free(b);
	free(out);
	keystore_free(a);
}

/* What each of test_legacy_threads' threads loads, and its result. */
struct legacy_job {
	const unsigned char	*buf;
	size_t			 len;
	pthread_barrier_t	*start;
	int			 rc;
};

/* One thread: load the legacy file (RC2: the legacy provider). */
static void *
legacy_thread(void *arg)
{
	struct legacy_job	*j = arg;
	struct keystore		*ks = NULL;
	char			*cause = NULL;

	pthread_barrier_wait(j->start);
	j->rc = load_buf(j->buf, j->len, "storepass", 0, &ks, &cause);
	keystore_free(ks);
	free(cause);
	return (NULL);
}

/*
 * Threads that need the legacy provider first at the same time (in a
 * child, so that no earlier test has loaded it): it is loaded once
 * (CRYPTO_THREAD_run_once) and every thread reads the file.
 */
static void
test_legacy_threads(void **state)
{
	struct legacy_job	 jobs[8];
	pthread_t		 th[8];
	pthread_barrier_t	 start;
	unsigned char		*buf;
	size_t			 len, i;
	pid_t			 pid;
	int			 st;

	if (getenv("TLSDECK_UNDER_VALGRIND") != NULL)
		skip();		/* the child leaves by _exit */
	buf = td_read(S_LEGACY, &len);
	if ((pid = fork()) == 0) {
		pthread_barrier_init(&start, NULL, 8);
		for (i = 0; i < 8; i++) {
			jobs[i].buf = buf;
			jobs[i].len = len;
			jobs[i].start = &start;
			jobs[i].rc = -1;
			if (pthread_create(&th[i], NULL, legacy_thread,
			    &jobs[i]) != 0)
				_exit(20);
		}
		for (i = 0; i < 8; i++) {
			pthread_join(th[i], NULL);
			if (jobs[i].rc != 0)
				_exit(21);
		}
		_exit(pkcs12_legacy_available() ? 0 : 22);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	free(buf);
}

/*
 * Without the legacy provider (OPENSSL_MODULES pointing nowhere, in a
 * child so the provider state is fresh): the legacy file fails with an
 * algorithm message, and a legacy scheme is written with the defaults.
 */
static void
test_legacy_missing(void **state)
{
	struct ks_p12_params	 p;
	struct keystore		*a = NULL, *b = NULL;
	unsigned char		*buf, *out = NULL;
	size_t			 len, outlen;
	char			*cause = NULL;
	pid_t			 pid;
	int			 st;

	/*
	 * The child provokes OpenSSL's failed provider load, which leaks
	 * inside libcrypto (OSSL_LIB_CTX_new_child), and leaves by _exit:
	 * memcheck would count both against us.
	 */
	if (getenv("TLSDECK_UNDER_VALGRIND") != NULL)
		skip();
	buf = td_read(S_LEGACY, &len);
	if ((pid = fork()) == 0) {
		setenv("OPENSSL_MODULES", "/nonexistent", 1);
		if (load_buf(buf, len, "storepass", 0, &a, &cause) == 0)
			_exit(10);
		if (strstr(cause, "cannot read") == NULL ||
		    strstr(cause, "legacy provider") == NULL ||
		    strstr(cause, "not a password problem") == NULL)
			_exit(11);
		if (pkcs12_legacy_available())
			_exit(12);
		if (load_buf(buf, len, NULL, KS_LOAD_NOVERIFY, &a,
		    &cause) != 0)
			_exit(13);
		a->p12.cert_pbe_nid = NID_pbe_WithSHA1And40BitRC2_CBC;
		if (!pkcs12_write_params(a, &p) ||
		    p.cert_pbe_nid != NID_aes_256_cbc ||
		    p.key_pbe_nid != NID_pbe_WithSHA1And3_Key_TripleDES_CBC)
			_exit(14);
		keystore_free(a);
		free(buf);
		buf = td_read(S_OSSL_PW, &len);
		if (load_buf(buf, len, "changeit", 0, &a, &cause) != 0)
			_exit(17);
		a->p12.cert_pbe_nid = NID_pbe_WithSHA1And40BitRC2_CBC;
		a->p12.cert_iter = 50000;
		if (keystore_serialize(a, secret_from_str("pw"), &out, &outlen,
		    &cause) != 0)
			_exit(15);
		if (load_buf(out, outlen, "pw", 0, &b, &cause) != 0 ||
		    b->p12.cert_pbe_nid != NID_aes_256_cbc ||
		    b->nentries != 2)
			_exit(16);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	free(buf);
}

/* Count bags with a given attribute in a written file (via OpenSSL). */
struct bagcount {
	int	keys, certs, trusted, keyid, named, bare;
};

static void
count_bags(const unsigned char *buf, size_t len, const char *pw,
    struct bagcount *c)
{
	STACK_OF(PKCS7)			*safes;
	STACK_OF(PKCS12_SAFEBAG)	*bags;
	const STACK_OF(X509_ATTRIBUTE)	*attrs;
	const unsigned char		*p = buf;
	ASN1_OBJECT			*trust;
	PKCS12_SAFEBAG			*bag;
	PKCS12				*p12;
	PKCS7				*p7;
	int				 i, j;

	memset(c, 0, sizeof *c);
	trust = OBJ_txt2obj("2.16.840.1.113894.746875.1.1", 1);
	p12 = d2i_PKCS12(NULL, &p, (long)len);
	assert_non_null(p12);
	safes = PKCS12_unpack_authsafes(p12);
	assert_non_null(safes);
	for (i = 0; i < sk_PKCS7_num(safes); i++) {
		p7 = sk_PKCS7_value(safes, i);
		if (OBJ_obj2nid(p7->type) == NID_pkcs7_data)
			bags = PKCS12_unpack_p7data(p7);
		else
			bags = PKCS12_unpack_p7encdata(p7, pw, -1);
		assert_non_null(bags);
		for (j = 0; j < sk_PKCS12_SAFEBAG_num(bags); j++) {
			bag = sk_PKCS12_SAFEBAG_value(bags, j);
			attrs = PKCS12_SAFEBAG_get0_attrs(bag);
			if (PKCS12_SAFEBAG_get_nid(bag) == NID_pkcs8ShroudedKeyBag)
				c->keys++;
			if (PKCS12_SAFEBAG_get_nid(bag) != NID_certBag)
				continue;
			c->certs++;
			if (X509at_get_attr_by_OBJ(attrs, trust, -1) >= 0)
				c->trusted++;
			if (PKCS12_SAFEBAG_get0_attr(bag, NID_localKeyID))
				c->keyid++;
			if (PKCS12_SAFEBAG_get0_attr(bag, NID_friendlyName))
				c->named++;
			if (X509at_get_attr_count(attrs) <= 0)
				c->bare++;
		}
		sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
	}
	sk_PKCS7_pop_free(safes, PKCS7_free);
	PKCS12_free(p12);
	ASN1_OBJECT_free(trust);
}

/* Bags as in docs/formats.md, Bag attributes; shared certificates once. */
static void
test_written_bags(void **state)
{
	struct keystore	*a, *b;
	struct ks_entry	*e;
	struct bagcount	 c;
	unsigned char	*out;
	size_t		 len, i;
	char		*cause = NULL;

	a = load_ok(S_OSSL_KEY, "storepass", 0);
	/* a second key entry with the same chain */
	e = ks_entry_new("Second", KS_ENTRY_KEY);
	e->date_ms = 1795963389000LL;
	e->prot = xmemdup(a->entries[0]->prot, a->entries[0]->prot_len);
	e->prot_len = a->entries[0]->prot_len;
	for (i = 0; i < a->entries[0]->nchain; i++)
		ks_entry_add_cert(e, cert_dup(a->entries[0]->chain[i]));
	keystore_add(a, e);
	out = write_ok(a, "storepass", &len);
	count_bags(out, len, "storepass", &c);
	assert_int_equal(c.keys, 2);
	/* 2 leaves + LabRoot trusted + intermediate and root once */
	assert_int_equal(c.certs, 5);
	assert_int_equal(c.trusted, 1);
	assert_int_equal(c.keyid, 2);
	/* keytool names the chain's other certificates by their subject */
	assert_int_equal(c.named, 5);
	assert_int_equal(c.bare, 0);
	assert_int_equal(load_buf(out, len, "storepass", 0, &b, &cause), 0);
	assert_int_equal(b->nentries, 3);
	e = keystore_find(b, "second");
	assert_string_equal(e->alias, "second");
	assert_int_equal(e->nchain, 3);
	assert_int_equal(e->date_ms, 1795963389000LL);
	assert_string_equal(keystore_find(b, "labroot")->alias, "labroot");
	assert_string_equal(keystore_find(b, "labroot")->stored_alias,
	    "LabRoot");
	keystore_free(b);
	free(out);
	keystore_free(a);
}

/* Aliases that differ only in case are refused. */
static void
test_alias_collision(void **state)
{
	struct keystore	*a;
	struct ks_entry	*e;
	struct secret	*s = secret_from_str("pw");
	unsigned char	*out = NULL;
	size_t		 len;
	char		*cause = NULL;

	a = load_ok(S_OSSL_PW, "changeit", 0);
	e = ks_entry_new("LABINT", KS_ENTRY_TRUSTED);
	ks_entry_add_cert(e, cert_dup(a->entries[0]->chain[0]));
	keystore_add(a, e);
	assert_int_equal(keystore_serialize(a, s, &out, &len, &cause), -1);
	assert_null(out);
	assert_non_null(strstr(cause, "differ only in case"));
	free(cause);
	secret_free(s);
	keystore_free(a);
}

/* An empty keystore round-trips, with and without a password. */
static void
test_empty(void **state)
{
	struct keystore	*a, *b;
	unsigned char	*out;
	size_t		 len;
	char		*cause = NULL;

	a = keystore_new(KS_FMT_PKCS12);
	out = write_ok(a, "pw", &len);
	assert_int_equal(load_buf(out, len, "pw", 0, &b, &cause), 0);
	assert_int_equal(b->nentries, 0);
	assert_true(b->verified);
	keystore_free(b);
	free(out);
	pkcs12_params_default(&a->p12, true);
	out = write_ok(a, NULL, &len);
	assert_int_equal(load_buf(out, len, NULL, 0, &b, &cause), 0);
	assert_int_equal(b->nentries, 0);
	assert_true(b->passwordless);
	keystore_free(b);
	free(out);
	keystore_free(a);
}

/* A self-signed EC certificate and its key. */
static X509 *
mk_cert(EVP_PKEY **key, const char *cn)
{
	X509		*x;
	X509_NAME	*n;

	*key = EVP_EC_gen("P-256");
	assert_non_null(*key);
	x = X509_new();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, n);
	X509_set_pubkey(x, *key);
	assert_true(X509_sign(x, *key, EVP_sha256()) > 0);
	return (x);
}

/* Wrap one or two SafeContents into a PFX, all plain data; MAC'd with pw
 * unless iter is 0. */
static unsigned char *
mk_pfx(STACK_OF(PKCS12_SAFEBAG) *bags, STACK_OF(PKCS12_SAFEBAG) *bags2,
    const char *pw, int iter, size_t *len)
{
	STACK_OF(PKCS7)	*safes = sk_PKCS7_new_null();
	PKCS12		*p12;
	unsigned char	*out = NULL;
	int		 n;

	sk_PKCS7_push(safes, PKCS12_pack_p7data(bags));
	if (bags2 != NULL)
		sk_PKCS7_push(safes, PKCS12_pack_p7data(bags2));
	p12 = PKCS12_add_safes(safes, 0);
	assert_non_null(p12);
	if (iter > 0)
		assert_true(PKCS12_set_mac(p12, pw, -1, NULL, 0, iter,
		    EVP_sha256()));
	n = i2d_PKCS12(p12, &out);
	assert_true(n > 0);
	*len = (size_t)n;
	sk_PKCS7_pop_free(safes, PKCS7_free);
	PKCS12_free(p12);
	return (out);
}

/*
 * Java's single-key rule: no localKeyID anywhere, the key gets "01" and so
 * does a certificate that is first in its SafeContents -- if the key was
 * seen before it (keys safe first, as Java writes).  No friendlyName gives
 * the alias "1".  A second key without localKeyID is dropped.
 */
static void
test_no_localkeyid(void **state)
{
	STACK_OF(PKCS12_SAFEBAG)	*keys = sk_PKCS12_SAFEBAG_new_null();
	STACK_OF(PKCS12_SAFEBAG)	*certs = sk_PKCS12_SAFEBAG_new_null();
	struct keystore			*ks;
	EVP_PKEY			*k1, *k2;
	X509				*x1, *x2;
	unsigned char			*buf;
	size_t				 len;
	char				*cause = NULL;

	x1 = mk_cert(&k1, "one");
	x2 = mk_cert(&k2, "two");
	assert_non_null(PKCS12_add_cert(&certs, x1));
	assert_non_null(PKCS12_add_key(&keys, k1, 0, 2048, NID_aes_256_cbc,
	    "pw"));
	buf = mk_pfx(keys, certs, "pw", 2048, &len);
	assert_int_equal(load_buf(buf, len, "pw", 0, &ks, &cause), 0);
	assert_int_equal(ks->nentries, 1);
	assert_string_equal(ks->entries[0]->alias, "1");
	assert_int_equal(ks->entries[0]->type, KS_ENTRY_KEY);
	assert_int_equal(ks->entries[0]->nchain, 1);
	assert_true(ks->entries[0]->flags & KS_EF_NO_DATE);
	recover_all(ks, "pw");
	keystore_free(ks);
	OPENSSL_free(buf);

	/* certificate safe first: Java pairs nothing (chain length 0) */
	buf = mk_pfx(certs, keys, "pw", 2048, &len);
	assert_int_equal(load_buf(buf, len, "pw", 0, &ks, &cause), 0);
	assert_int_equal(ks->nentries, 1);
	assert_int_equal(ks->entries[0]->nchain, 0);
	keystore_free(ks);
	OPENSSL_free(buf);

	assert_non_null(PKCS12_add_key(&keys, k2, 0, 2048, NID_aes_256_cbc,
	    "pw"));
	buf = mk_pfx(keys, certs, "pw", 2048, &len);
	assert_int_equal(load_buf(buf, len, "pw", 0, &ks, &cause), 0);
	assert_int_equal(ks->nentries, 1);
	/* two keys seen: the certificate gets no "01" either */
	assert_int_equal(ks->entries[0]->nchain, 0);
	keystore_free(ks);
	OPENSSL_free(buf);
	sk_PKCS12_SAFEBAG_pop_free(keys, PKCS12_SAFEBAG_free);
	sk_PKCS12_SAFEBAG_pop_free(certs, PKCS12_SAFEBAG_free);
	X509_free(x1);
	X509_free(x2);
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
}

/* A plain keyBag is listed and recovered, and written encrypted. */
static void
test_plain_keybag(void **state)
{
	STACK_OF(PKCS12_SAFEBAG)	*bags = sk_PKCS12_SAFEBAG_new_null();
	PKCS12_SAFEBAG			*bag;
	struct keystore			*ks, *b;
	struct bagcount			 c;
	EVP_PKEY			*k;
	X509				*x;
	unsigned char			*buf, *out;
	size_t				 len, outlen;
	char				*cause = NULL;
	struct secret			*none = NULL;

	x = mk_cert(&k, "plain");
	bag = PKCS12_add_cert(&bags, x);
	PKCS12_add_friendlyname_utf8(bag, "Plain", -1);
	PKCS12_add_localkeyid(bag, (unsigned char *)"Time 1000", 9);
	bag = PKCS12_SAFEBAG_create0_p8inf(EVP_PKEY2PKCS8(k));
	PKCS12_add_friendlyname_utf8(bag, "Plain", -1);
	PKCS12_add_localkeyid(bag, (unsigned char *)"Time 1000", 9);
	sk_PKCS12_SAFEBAG_push(bags, bag);
	buf = mk_pfx(bags, NULL, "pw", 2048, &len);
	assert_int_equal(load_buf(buf, len, "pw", 0, &ks, &cause), 0);
	assert_int_equal(ks->nentries, 1);
	assert_int_equal(ks->entries[0]->type, KS_ENTRY_KEY);
	assert_int_equal(ks->entries[0]->nchain, 1);
	assert_int_equal(ks->entries[0]->date_ms, 1000);
	assert_int_equal(keystore_recover_key(ks, ks->entries[0], none,
	    &cause), 0);
	assert_int_equal(EVP_PKEY_eq(ks->entries[0]->pkey, k), 1);
	EVP_PKEY_free(ks->entries[0]->pkey);
	ks->entries[0]->pkey = NULL;
	out = write_ok(ks, "pw", &outlen);
	count_bags(out, outlen, "pw", &c);
	assert_int_equal(c.keys, 1);
	assert_int_equal(load_buf(out, outlen, "pw", 0, &b, &cause), 0);
	assert_int_equal(keystore_recover_key(b, b->entries[0], none, &cause),
	    -1);
	free(cause);
	cause = NULL;
	recover_all(b, "pw");
	assert_int_equal(EVP_PKEY_eq(b->entries[0]->pkey, k), 1);
	keystore_free(b);
	free(out);
	keystore_free(ks);
	OPENSSL_free(buf);
	sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
	X509_free(x);
	EVP_PKEY_free(k);
}

/* A secretBag becomes a SecretKeyEntry and survives a rewrite. */
static void
test_secret_bag(void **state)
{
	static const unsigned char	 blob[] = "not really encrypted";
	STACK_OF(PKCS12_SAFEBAG)	*bags = sk_PKCS12_SAFEBAG_new_null();
	PKCS12_SAFEBAG			*bag;
	struct keystore			*ks, *b;
	unsigned char			*buf, *out;
	size_t				 len, outlen;
	char				*cause = NULL;

	bag = PKCS12_SAFEBAG_create_secret(NID_pkcs8ShroudedKeyBag,
	    V_ASN1_OCTET_STRING, blob, sizeof blob);
	assert_non_null(bag);
	PKCS12_add_friendlyname_utf8(bag, "aeskey", -1);
	PKCS12_add_localkeyid(bag, (unsigned char *)"Time 2000", 9);
	sk_PKCS12_SAFEBAG_push(bags, bag);
	buf = mk_pfx(bags, NULL, "pw", 2048, &len);
	assert_int_equal(load_buf(buf, len, "pw", 0, &ks, &cause), 0);
	assert_int_equal(ks->nentries, 1);
	assert_int_equal(ks->entries[0]->type, KS_ENTRY_SECRET);
	assert_int_equal(ks->entries[0]->date_ms, 2000);
	out = write_ok(ks, "pw", &outlen);
	assert_int_equal(load_buf(out, outlen, "pw", 0, &b, &cause), 0);
	assert_int_equal(b->nentries, 1);
	assert_int_equal(b->entries[0]->type, KS_ENTRY_SECRET);
	assert_int_equal(b->entries[0]->prot_len, ks->entries[0]->prot_len);
	assert_memory_equal(b->entries[0]->prot, ks->entries[0]->prot,
	    ks->entries[0]->prot_len);
	keystore_free(b);
	free(out);
	keystore_free(ks);
	OPENSSL_free(buf);
	sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
}

/*
 * A secretBag whose type OID is x509Certificate (found by the fuzzer):
 * listed, but not written (OpenSSL 3.0 would mis-free such a bag).
 */
static void
test_secret_bag_certtype(void **state)
{
	static const unsigned char	 rc4[] = { 0x06, 0x0a, 0x2a, 0x86, 0x48,
	    0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x01 };
	static const unsigned char	 x509[] = { 0x06, 0x0a, 0x2a, 0x86, 0x48,
	    0x86, 0xf7, 0x0d, 0x01, 0x09, 0x16, 0x01 };
	static const unsigned char	 blob[] = "x";
	STACK_OF(PKCS12_SAFEBAG)	*bags = sk_PKCS12_SAFEBAG_new_null();
	PKCS12_SAFEBAG			*bag;
	struct keystore			*ks;
	unsigned char			*buf, *out = NULL;
	size_t				 len, outlen, off;
	char				*cause = NULL;

	bag = PKCS12_SAFEBAG_create_secret(NID_pbe_WithSHA1And128BitRC4,
	    V_ASN1_OCTET_STRING, blob, sizeof blob);
	PKCS12_add_friendlyname_utf8(bag, "odd", -1);
	sk_PKCS12_SAFEBAG_push(bags, bag);
	buf = mk_pfx(bags, NULL, NULL, 0, &len);
	off = find_bytes(buf, len, rc4, sizeof rc4);
	memcpy(buf + off, x509, sizeof x509);
	assert_int_equal(load_buf(buf, len, NULL, 0, &ks, &cause), 0);
	assert_int_equal(ks->nentries, 1);
	assert_int_equal(ks->entries[0]->type, KS_ENTRY_SECRET);
	assert_int_equal(pkcs12_write(ks, NULL, &out, &outlen, &cause), -1);
	assert_null(out);
	assert_non_null(strstr(cause, "not in a form tlsdeck can write"));
	free(cause);
	keystore_free(ks);
	OPENSSL_free(buf);
	sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
}

/* Unknown algorithms are named as the problem, not the password. */
static void
test_unknown_algorithms(void **state)
{
	/* sha256 and PBMAC1 OIDs: same length, so the file stays valid */
	static const unsigned char sha256[] = { 0x06, 0x09, 0x60, 0x86, 0x48,
	    0x01, 0x65, 0x03, 0x04, 0x02, 0x01 };
	static const unsigned char pbmac1[] = { 0x06, 0x09, 0x2a, 0x86, 0x48,
	    0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0e };
	static const unsigned char aes256[] = { 0x06, 0x09, 0x60, 0x86, 0x48,
	    0x01, 0x65, 0x03, 0x04, 0x01, 0x2a };
	struct keystore	*a;
	unsigned char	*buf, *out;
	size_t		 len, outlen, off;
	char		*cause;

	buf = td_read(S_JDK17, &len);
	off = find_bytes(buf, len, sha256, sizeof sha256);
	memcpy(buf + off, pbmac1, sizeof pbmac1);
	cause = load_fail(buf, len, "storepass", 0);
	assert_non_null(strstr(cause, "cannot read: integrity MAC"));
	assert_non_null(strstr(cause, "PBMAC1"));
	free(cause);
	free(buf);

	/* MAC-less file with encrypted certificates, cipher OID changed */
	a = load_ok(S_OSSL_PW, "changeit", 0);
	a->p12.mac = false;
	out = write_ok(a, "changeit", &outlen);
	off = find_bytes(out, outlen, aes256, sizeof aes256);
	out[off + 10] = 0x7f;
	cause = load_fail(out, outlen, "changeit", 0);
	assert_non_null(strstr(cause, "cannot read: certificate encryption"));
	free(cause);
	free(out);
	keystore_free(a);
}

/* Iteration counts beyond Java's limit are refused without running them;
 * the writer replaces them with the default. */
static void
test_iteration_limit(void **state)
{
	static const unsigned char it65536[] = { 0x02, 0x03, 0x01, 0x00, 0x00 };
	struct keystore	*a;
	unsigned char	*out;
	size_t		 outlen, off;
	char		*cause = NULL;

	a = load_ok(S_OSSL_PW, "changeit", 0);
	a->p12.mac_iter = 5000001;
	out = write_ok(a, "changeit", &outlen);
	keystore_free(a);
	assert_int_equal(load_buf(out, outlen, "changeit", 0, &a, &cause), 0);
	assert_int_equal(a->p12.mac_iter, 10000);
	free(out);
	a->p12.mac_iter = 65536;
	out = write_ok(a, "changeit", &outlen);
	keystore_free(a);
	off = find_bytes(out, outlen, it65536, sizeof it65536);
	assert_int_equal(off, outlen - sizeof it65536);
	out[off + 2] = 0x7f;		/* 8323072 iterations */
	cause = load_fail(out, outlen, "changeit", 0);
	assert_non_null(strstr(cause, "out of range"));
	free(cause);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		/* first: needs a process that has not loaded providers */
		cmocka_unit_test(test_legacy_missing),
		cmocka_unit_test(test_legacy_threads),
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_no_password),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_roundtrip_default),
		cmocka_unit_test(test_roundtrip_newpass),
		cmocka_unit_test(test_roundtrip_passwordless),
		cmocka_unit_test(test_roundtrip_legacy),
		cmocka_unit_test(test_written_bags),
		cmocka_unit_test(test_alias_collision),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_no_localkeyid),
		cmocka_unit_test(test_plain_keybag),
		cmocka_unit_test(test_secret_bag),
		cmocka_unit_test(test_secret_bag_certtype),
		cmocka_unit_test(test_unknown_algorithms),
		cmocka_unit_test(test_iteration_limit),
	};
	return (cmocka_run_group_tests(tests, NULL, NULL));
}

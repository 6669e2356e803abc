/* SPDX-License-Identifier: ISC */
/*
 * test-jks.c -- the JKS/JCEKS codec against the reference samples
 * (tests/data/samples, passwords in README.md there).  Fingerprints were
 * taken once from keytool 17 -list -v.
 */
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "testutil.h"

#define FP_LABROOT "65:12:BA:DE:EC:EB:09:7C:8F:B0:3F:F8:BE:0B:80:B4:" \
	"39:1E:15:B0:89:FD:CA:75:8E:7F:29:04:A3:9B:D8:52"
#define FP_LABINT "CC:4A:83:AE:72:0F:52:29:FF:88:5A:21:95:63:94:23:" \
	"EC:FF:4D:60:B2:FC:10:0B:EE:3D:CE:CE:CA:19:C0:AD"
#define FP_SERVER17 "33:AF:7D:0D:19:D3:A3:2F:8B:E4:0F:53:4E:29:3D:BC:" \
	"0E:BE:29:9F:93:C8:33:6E:2F:BF:15:25:74:73:F8:48"
#define FP_K25 "20:0B:4C:FB:AE:C7:1D:70:B5:69:C8:06:4E:70:A4:1A:" \
	"B4:4B:9F:2C:FF:D5:15:C4:62:A0:E8:EE:F6:74:87:26"
#define FP_ECKEY "18:28:81:94:60:D6:3D:69:FD:6C:92:EB:5E:ED:55:B9:" \
	"3A:00:D9:9E:73:10:C8:4F:72:0B:54:51:93:2B:CA:07"
#define FP_RSAKEY "3D:E4:A1:8F:07:D6:E1:7A:BC:40:70:F0:48:82:36:C2:" \
	"3B:8A:FD:55:A5:B2:BB:64:8C:42:C1:1D:62:B5:D8:B2"
#define FP_JCEKS_SERVER "83:A3:05:96:9B:27:2D:2B:AC:A7:DA:32:9C:BF:5D:28:" \
	"93:8B:48:09:43:3F:42:B7:33:74:29:0A:D0:0A:4F:4D"

/* "pässwörd" in UTF-8 */
#define PW_UNICODE	"p\xc3\xa4ssw\xc3\xb6rd"

#define S_JKS17		"samples/sample-jks17.jks"
#define S_JDK25		"samples/sample-jdk25.jks"
#define S_UNICODE	"samples/sample-jks-unicode-alias.jks"
#define S_NONJAVA	"samples/sample-jks-nonjava-writer.jks"
#define S_JCEKS		"samples/sample-jceks17.jceks"
#define S_UPPER		"samples/bad-uppercase-alias.jks"

/* An expected entry. */
struct want {
	const char	*alias;
	enum ks_etype	 type;
	size_t		 nchain;
	const char	*fp[3];	/* SHA-256 of the chain certificates */
};

/* Load a sample from memory with password pw (NULL: none); asserts. */
static struct keystore *
load_buf(const unsigned char *buf, size_t len, const char *pw, char **cause)
{
	struct keystore	*ks = NULL;
	struct secret	*s = pw != NULL ? secret_from_str(pw) : NULL;

	if (keystore_load_mem(buf, len, "test", s, 0, &ks, cause) != 0)
		ks = NULL;
	secret_free(s);
	return (ks);
}

/* Load a sample file; fails the test on error. */
static struct keystore *
load_ok(const char *rel, const char *pw)
{
	struct keystore	*ks;
	unsigned char	*buf;
	size_t		 len;
	char		*cause = NULL;

	buf = td_read(rel, &len);
	ks = load_buf(buf, len, pw, &cause);
	if (ks == NULL) {
		print_error("%s: %s\n", rel, cause);
		free(cause);
		free(buf);
		fail();
	}
	free(buf);
	return (ks);
}

/* The SHA-256 fingerprint of a certificate as keytool prints it. */
static void
assert_fp(struct cert *c, const char *want)
{
	char	*hex = cert_fp_hex(cert_sha256(c), 32);

	assert_string_equal(hex, want);
	free(hex);
}

/* Check the (sorted) entries of ks against want[]. */
static void
check_entries(struct keystore *ks, const struct want *w, size_t n)
{
	size_t	i, j;

	keystore_sort(ks);
	assert_int_equal(ks->nentries, n);
	for (i = 0; i < n; i++) {
		struct ks_entry	*e = ks->entries[i];

		assert_string_equal(e->alias, w[i].alias);
		assert_int_equal(e->alias_len, strlen(w[i].alias));
		assert_int_equal(e->type, w[i].type);
		assert_int_equal(e->nchain, w[i].nchain);
		for (j = 0; j < w[i].nchain; j++)
			assert_fp(e->chain[j], w[i].fp[j]);
		assert_true(e->date_ms > 1700000000000LL);
		assert_int_equal(e->flags & KS_EF_ALIAS_NOT_LOWER, 0);
		/* keys and secret keys keep their protected form */
		if (e->type != KS_ENTRY_TRUSTED)
			assert_non_null(e->prot);
		else
			assert_null(e->prot);
	}
}

/* Recover a key: must work with good, fail with bad and with none. */
static void
check_recover(struct keystore *ks, const char *alias, const char *good,
    const char *bad)
{
	struct ks_entry	*e = keystore_find(ks, alias);
	struct secret	*g = secret_from_str(good);
	struct secret	*b = secret_from_str(bad);
	char		*cause = NULL;

	assert_non_null(e);
	assert_int_equal(keystore_recover_key(ks, e, NULL, &cause), -1);
	assert_non_null(strstr(cause, "key password needed"));
	free(cause);
	cause = NULL;
	assert_int_equal(keystore_recover_key(ks, e, b, &cause), -1);
	assert_non_null(strstr(cause, "wrong key password"));
	assert_non_null(strstr(cause, alias));
	assert_null(e->pkey);
	free(cause);
	cause = NULL;
	if (keystore_recover_key(ks, e, g, &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	assert_non_null(e->pkey);
	/* The key matches the leaf certificate. */
	assert_int_equal(EVP_PKEY_eq(X509_get0_pubkey(cert_x509(e->chain[0],
	    NULL)), e->pkey), 1);
	secret_free(g);
	secret_free(b);
}

/* sample-jks17.jks: keytool 17, key entry with chain of 3, two trusted. */
static void
test_jks17(void **state)
{
	static const struct want w[] = {
		{ "labint", KS_ENTRY_TRUSTED, 1, { FP_LABINT } },
		{ "labroot", KS_ENTRY_TRUSTED, 1, { FP_LABROOT } },
		{ "server", KS_ENTRY_KEY, 3,
		    { FP_SERVER17, FP_LABINT, FP_LABROOT } },
	};
	struct keystore	*ks = load_ok(S_JKS17, "storepass");

	assert_int_equal(ks->format, KS_FMT_JKS);
	assert_int_equal(ks->jks_version, 2);
	assert_true(ks->verified);
	check_entries(ks, w, 3);
	/* JDK 17 form: AlgorithmIdentifier with a NULL parameter. */
	assert_memory_equal(keystore_find(ks, "server")->prot + 4,
	    "\x30\x0e\x06\x0a\x2b\x06\x01\x04\x01\x2a\x02\x11\x01\x01\x05\x00",
	    16);
	check_recover(ks, "server", "keypass1", "keypass2");
	assert_int_equal(EVP_PKEY_get_base_id(keystore_find(ks,
	    "server")->pkey), EVP_PKEY_RSA);
	keystore_free(ks);
}

/* sample-jdk25.jks: EC P-384, key protector without NULL parameter. */
static void
test_jdk25(void **state)
{
	static const struct want w[] = {
		{ "k", KS_ENTRY_KEY, 1, { FP_K25 } },
	};
	struct keystore	*ks = load_ok(S_JDK25, "storepass");

	assert_true(ks->verified);
	check_entries(ks, w, 1);
	assert_memory_equal(ks->entries[0]->prot + 3,
	    "\x30\x0c\x06\x0a\x2b\x06\x01\x04\x01\x2a\x02\x11\x01\x01", 14);
	check_recover(ks, "k", "storepass", "storepasS");
	assert_int_equal(EVP_PKEY_get_base_id(ks->entries[0]->pkey),
	    EVP_PKEY_EC);
	assert_int_equal(EVP_PKEY_get_bits(ks->entries[0]->pkey), 384);
	keystore_free(ks);
}

/* Unicode alias "café" NUL U+1F600 and the UTF-8 password pässwörd. */
static void
test_unicode(void **state)
{
	static const unsigned char alias[] = {
	    0x63, 0x61, 0x66, 0xc3, 0xa9, 0x00, 0xf0, 0x9f, 0x98, 0x80 };
	struct keystore	*ks = load_ok(S_UNICODE, PW_UNICODE);
	struct ks_entry	*e;

	assert_true(ks->verified);
	assert_int_equal(ks->nentries, 1);
	e = ks->entries[0];
	assert_int_equal(e->alias_len, sizeof alias);
	assert_memory_equal(e->alias, alias, sizeof alias);
	assert_int_equal(e->alias[e->alias_len], '\0');
	assert_int_equal(e->type, KS_ENTRY_TRUSTED);
	assert_int_equal(e->flags & KS_EF_ALIAS_NOT_LOWER, 0);
	assert_fp(e->chain[0], FP_LABROOT);
	keystore_free(ks);

	/* The same password as ISO-8859-1 bytes gives the same UTF-16. */
	ks = load_ok(S_UNICODE, "p\xe4ssw\xf6rd");
	assert_true(ks->verified);
	keystore_free(ks);
}

/* A non-Java writer: RSA chain of 3 and EC, key password keypass2. */
static void
test_nonjava(void **state)
{
	static const struct want w[] = {
		{ "eckey", KS_ENTRY_KEY, 1, { FP_ECKEY } },
		{ "rsakey", KS_ENTRY_KEY, 3,
		    { FP_RSAKEY, FP_LABINT, FP_LABROOT } },
	};
	struct keystore	*ks = load_ok(S_NONJAVA, "storepass");

	assert_true(ks->verified);
	check_entries(ks, w, 2);
	check_recover(ks, "eckey", "keypass2", "storepass");
	check_recover(ks, "rsakey", "keypass2", "keypass1");
	keystore_free(ks);
}

/* A key that does not match its certificate is refused. */
static void
test_key_mismatch(void **state)
{
	struct keystore	*ks = load_ok(S_NONJAVA, "storepass");
	struct ks_entry	*ec = keystore_find(ks, "eckey");
	struct ks_entry	*rsa = keystore_find(ks, "rsakey");
	struct secret	*kp = secret_from_str("keypass2");
	struct cert	*tmp;
	char		*cause = NULL;

	tmp = ec->chain[0];
	ec->chain[0] = rsa->chain[0];
	rsa->chain[0] = tmp;
	assert_int_equal(keystore_recover_key(ks, ec, kp, &cause), -1);
	assert_non_null(strstr(cause, "does not match its certificate"));
	assert_null(ec->pkey);
	free(cause);
	secret_free(kp);
	keystore_free(ks);
}

/* JCEKS: 3DES-protected key, a serialized secret key, a trusted cert. */
static void
test_jceks(void **state)
{
	static const struct want w[] = {
		{ "aeskey", KS_ENTRY_SECRET, 0, { NULL } },
		{ "labroot", KS_ENTRY_TRUSTED, 1, { FP_LABROOT } },
		{ "server", KS_ENTRY_KEY, 1, { FP_JCEKS_SERVER } },
	};
	struct keystore	*ks = load_ok(S_JCEKS, "storepass");

	assert_int_equal(ks->format, KS_FMT_JCEKS);
	assert_true(ks->verified);
	check_entries(ks, w, 3);
	assert_string_equal(ks->entries[0]->secret_alg, "unknown");
	check_recover(ks, "server", "keypass1", "keypass2");
	keystore_free(ks);
}

/* An upper-case alias is listed and flagged (Java cannot look it up). */
static void
test_uppercase(void **state)
{
	struct keystore	*ks = load_ok(S_UPPER, "changeit");

	keystore_sort(ks);
	assert_int_equal(ks->nentries, 2);
	assert_string_equal(ks->entries[0]->alias, "labint");
	assert_int_equal(ks->entries[0]->flags & KS_EF_ALIAS_NOT_LOWER, 0);
	assert_string_equal(ks->entries[1]->alias, "LabRoot");
	assert_true(ks->entries[1]->flags & KS_EF_ALIAS_NOT_LOWER);
	assert_fp(ks->entries[1]->chain[0], FP_LABROOT);
	keystore_free(ks);
}

/* Wrong store password fails; no password lists unverified. */
static void
test_storepass(void **state)
{
	static const char *files[] = { S_JKS17, S_JDK25, S_NONJAVA, S_JCEKS,
	    S_UNICODE, S_UPPER };
	struct keystore	*ks;
	unsigned char	*buf;
	size_t		 len, i;
	char		*cause = NULL;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		buf = td_read(files[i], &len);
		assert_null(load_buf(buf, len, "wrongpass", &cause));
		assert_non_null(strstr(cause, "keystore password is "
		    "incorrect, or the file was tampered with"));
		free(cause);
		cause = NULL;
		ks = load_buf(buf, len, NULL, &cause);
		assert_non_null(ks);
		assert_false(ks->verified);
		assert_true(ks->nentries > 0);
		keystore_free(ks);
		free(buf);
	}
}

/* One flipped bit (digest or content) fails with a password only. */
static void
test_bitflip(void **state)
{
	struct keystore	*ks;
	unsigned char	*buf;
	size_t		 len, where[2], i;
	char		*cause = NULL;

	buf = td_read(S_JKS17, &len);
	where[0] = len - 7;	/* in the digest */
	where[1] = 28;		/* in the first entry's date */
	for (i = 0; i < 2; i++) {
		buf[where[i]] ^= 0x10;
		assert_null(load_buf(buf, len, "storepass", &cause));
		assert_non_null(strstr(cause, "password is incorrect"));
		free(cause);
		cause = NULL;
		ks = load_buf(buf, len, NULL, &cause);
		assert_non_null(ks);
		assert_false(ks->verified);
		assert_int_equal(ks->nentries, 3);
		keystore_free(ks);
		buf[where[i]] ^= 0x10;
	}
	free(buf);
}

/* Every truncation of every sample fails cleanly, saying so. */
static void
test_truncated(void **state)
{
	static const struct {
		const char	*file;
		const char	*pw;
	} s[] = {
		{ S_JKS17, "storepass" }, { S_JDK25, "storepass" },
		{ S_NONJAVA, "storepass" }, { S_JCEKS, "storepass" },
		{ S_UNICODE, PW_UNICODE }, { S_UPPER, "changeit" },
	};
	struct keystore	*ks;
	struct secret	*pw;
	unsigned char	*buf;
	size_t		 len, i, off;
	char		*cause;
	int		 k;

	for (i = 0; i < sizeof s / sizeof s[0]; i++) {
		buf = td_read(s[i].file, &len);
		pw = secret_from_str(s[i].pw);
		for (off = 0; off < len; off++) {
			for (k = 0; k < 2; k++) {
				ks = keystore_new(KS_FMT_JKS);
				cause = NULL;
				if (jks_load(buf, off, k ? pw : NULL, 0, ks,
				    &cause) != -1 || cause == NULL ||
				    strstr(cause, "truncated") == NULL) {
					print_error("%s cut at %zu: %s\n",
					    s[i].file, off, cause != NULL ?
					    cause : "(loaded)");
					fail();
				}
				assert_int_equal(ks->nentries, 0);
				free(cause);
				keystore_free(ks);
			}
		}
		secret_free(pw);
		free(buf);
	}
}

/* Trailing bytes after the digest are refused. */
static void
test_trailing(void **state)
{
	unsigned char	*buf, *big;
	size_t		 len;
	char		*cause = NULL;

	buf = td_read(S_JDK25, &len);
	big = xmalloc(len + 3);
	memcpy(big, buf, len);
	memcpy(big + len, "xyz", 3);
	assert_null(load_buf(big, len + 3, NULL, &cause));
	assert_non_null(strstr(cause, "3 bytes of unexpected data after "
	    "the integrity digest"));
	free(cause);
	free(big);
	free(buf);
}

/* Header problems: bad version, huge count, tag 3 in JKS, bad tag. */
static void
test_header(void **state)
{
	unsigned char	 b[64];
	char		*cause = NULL;

	memcpy(b, "\xfe\xed\xfe\xed\x00\x00\x00\x03\x00\x00\x00\x00", 12);
	memset(b + 12, 0, 20);
	assert_null(load_buf(b, 32, NULL, &cause));
	assert_non_null(strstr(cause, "unsupported JKS version 3"));
	free(cause);
	cause = NULL;

	/* 4294967295 entries claimed, none present: no huge allocation. */
	memcpy(b, "\xfe\xed\xfe\xed\x00\x00\x00\x02\xff\xff\xff\xff", 12);
	assert_null(load_buf(b, 12, NULL, &cause));
	assert_non_null(strstr(cause, "file is truncated (entry 1 of "
	    "4294967295)"));
	free(cause);
	cause = NULL;

	/* Tag 3 is JCEKS only. */
	memcpy(b, "\xfe\xed\xfe\xed\x00\x00\x00\x02\x00\x00\x00\x01"
	    "\x00\x00\x00\x03", 16);
	assert_null(load_buf(b, 16, NULL, &cause));
	assert_non_null(strstr(cause, "only in JCEKS"));
	free(cause);
	cause = NULL;

	memcpy(b, "\xce\xce\xce\xce\x00\x00\x00\x02\x00\x00\x00\x01"
	    "\x00\x00\x00\x09", 16);
	assert_null(load_buf(b, 16, NULL, &cause));
	assert_non_null(strstr(cause, "unknown entry type (tag 9)"));
	free(cause);
	cause = NULL;

	/* An alias with a 4-byte UTF-8 sequence is not modified UTF-8. */
	memcpy(b, "\xfe\xed\xfe\xed\x00\x00\x00\x02\x00\x00\x00\x01"
	    "\x00\x00\x00\x02\x00\x04\xf0\x9f\x98\x80", 22);
	assert_null(load_buf(b, 22, NULL, &cause));
	assert_non_null(strstr(cause, "not valid Java modified UTF-8"));
	free(cause);
	cause = NULL;

	/* An empty keystore is fine. */
	memcpy(b, "\xfe\xed\xfe\xed\x00\x00\x00\x02\x00\x00\x00\x00", 12);
	memset(b + 12, 0, 20);
	{
		struct keystore	*ks = load_buf(b, 32, NULL, &cause);

		assert_non_null(ks);
		assert_int_equal(ks->nentries, 0);
		keystore_free(ks);
	}
}

/* A bad certificate fails the load and names the alias. */
static void
test_bad_cert(void **state)
{
	unsigned char	*buf;
	size_t		 len;
	char		*cause = NULL;

	/* bad-uppercase-alias.jks: first cert DER starts at offset 44. */
	buf = td_read(S_UPPER, &len);
	assert_int_equal(buf[44], 0x30);
	buf[44] = 0x31;
	assert_null(load_buf(buf, len, NULL, &cause));
	assert_non_null(strstr(cause, "entry 1 of 2 (\"LabRoot\")"));
	free(cause);
	cause = NULL;
	buf[44] = 0x30;
	/* The cert type must be X.509. */
	buf[38] = 'Y';
	assert_null(load_buf(buf, len, NULL, &cause));
	assert_non_null(strstr(cause, "unsupported certificate type"));
	free(cause);
	free(buf);
}

/* A broken serialization stream in a JCEKS secret entry fails. */
static void
test_jceks_serial(void **state)
{
	unsigned char	*buf;
	size_t		 len;
	char		*cause = NULL;

	/* aeskey's stream starts at offset 32 (AC ED 00 05 73 72 ...). */
	buf = td_read(S_JCEKS, &len);
	assert_memory_equal(buf + 32, "\xac\xed\x00\x05\x73\x72", 6);
	buf[37] = 0x7b;		/* TC_EXCEPTION, not TC_CLASSDESC */
	assert_null(load_buf(buf, len, NULL, &cause));
	assert_non_null(strstr(cause, "cannot parse the serialized secret "
	    "key"));
	assert_non_null(strstr(cause, "aeskey"));
	free(cause);
	free(buf);
}

/* Version 1 (no certificate type strings), built here. */
static void
test_v1(void **state)
{
	struct keystore	*ks, *src = load_ok(S_UPPER, NULL);
	struct secret	*pw = secret_from_str("v1pass"), *u;
	struct cert	*c = keystore_find(src, "labint")->chain[0];
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
	unsigned char	*b;
	size_t		 n = 0;
	char		*cause = NULL;

	b = xmalloc(64 + c->len);
	memcpy(b, "\xfe\xed\xfe\xed\x00\x00\x00\x01\x00\x00\x00\x01"
	    "\x00\x00\x00\x02\x00\x02xy\x00\x00\x01\x00\x00\x00\x00\x00", 28);
	n = 28;
	b[n++] = c->len >> 24;
	b[n++] = c->len >> 16;
	b[n++] = c->len >> 8;
	b[n++] = c->len;
	memcpy(b + n, c->der, c->len);
	n += c->len;
	u = secret_utf16be(pw);
	assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha1(), NULL), 1);
	EVP_DigestUpdate(ctx, u->buf, u->len);
	EVP_DigestUpdate(ctx, "Mighty Aphrodite", 16);
	EVP_DigestUpdate(ctx, b, n);
	EVP_DigestFinal_ex(ctx, b + n, NULL);
	n += 20;

	ks = load_buf(b, n, "v1pass", &cause);
	if (ks == NULL)
		print_error("%s\n", cause);
	assert_non_null(ks);
	assert_true(ks->verified);
	assert_int_equal(ks->jks_version, 1);
	assert_int_equal(ks->nentries, 1);
	assert_string_equal(ks->entries[0]->alias, "xy");
	assert_int_equal(ks->entries[0]->date_ms, 0x10000000000LL);
	assert_fp(ks->entries[0]->chain[0], FP_LABINT);
	keystore_free(ks);
	keystore_free(src);
	secret_free(pw);
	secret_free(u);
	EVP_MD_CTX_free(ctx);
	free(b);
}

/* Writing an unchanged store gives back the same bytes. */
static void
test_write_identity(void **state)
{
	static const struct {
		const char	*file;
		const char	*pw;
	} s[] = {
		{ S_JKS17, "storepass" }, { S_JDK25, "storepass" },
		{ S_NONJAVA, "storepass" },
		{ S_UNICODE, PW_UNICODE },
	};
	struct keystore	*ks;
	struct secret	*pw;
	unsigned char	*buf, *out;
	size_t		 len, outlen, i;
	char		*cause = NULL;

	for (i = 0; i < sizeof s / sizeof s[0]; i++) {
		buf = td_read(s[i].file, &len);
		ks = load_ok(s[i].file, s[i].pw);
		pw = secret_from_str(s[i].pw);
		if (keystore_serialize(ks, pw, &out, &outlen, &cause) != 0) {
			print_error("%s\n", cause);
			fail();
		}
		assert_int_equal(outlen, len);
		assert_memory_equal(out, buf, len);
		free(out);
		secret_free(pw);
		keystore_free(ks);
		free(buf);
	}
}

/* Write -> read: same entries, new key protection recovers. */
static void
test_roundtrip(void **state)
{
	struct keystore	*ks, *ks2;
	struct ks_entry	*e, *e2;
	struct secret	*pw = secret_from_str("newstorepass");
	struct secret	*kp = secret_from_str("keypass1");
	struct secret	*nk = secret_from_str("n\xc3\xa9wkey");
	unsigned char	*out;
	size_t		 outlen, i, j;
	char		*cause = NULL;

	ks = load_ok(S_JKS17, "storepass");
	e = keystore_find(ks, "server");
	assert_int_equal(keystore_recover_key(ks, e, kp, NULL), 0);
	/* As a step that changes the key does: new protection. */
	free(e->prot);
	e->prot = NULL;
	e->prot_len = 0;
	e->keypass = secret_dup(nk);
	assert_int_equal(keystore_serialize(ks, pw, &out, &outlen, &cause),
	    0);
	ks2 = load_buf(out, outlen, "newstorepass", &cause);
	assert_non_null(ks2);
	assert_true(ks2->verified);
	keystore_sort(ks);
	keystore_sort(ks2);
	assert_int_equal(ks2->nentries, ks->nentries);
	for (i = 0; i < ks->nentries; i++) {
		e = ks->entries[i];
		e2 = ks2->entries[i];
		assert_int_equal(e2->alias_len, e->alias_len);
		assert_memory_equal(e2->alias, e->alias, e->alias_len);
		assert_int_equal(e2->type, e->type);
		assert_int_equal(e2->date_ms, e->date_ms);
		assert_int_equal(e2->nchain, e->nchain);
		for (j = 0; j < e->nchain; j++) {
			assert_int_equal(e2->chain[j]->len, e->chain[j]->len);
			assert_memory_equal(e2->chain[j]->der,
			    e->chain[j]->der, e->chain[j]->len);
		}
	}
	e = keystore_find(ks, "server");
	e2 = keystore_find(ks2, "server");
	/* JDK 17 form with NULL parameter, 20-byte salt. */
	assert_memory_equal(e2->prot + 4,
	    "\x30\x0e\x06\x0a\x2b\x06\x01\x04\x01\x2a\x02\x11\x01\x01\x05\x00",
	    16);
	assert_int_equal(keystore_recover_key(ks2, e2, kp, &cause), -1);
	assert_non_null(strstr(cause, "wrong key password"));
	free(cause);
	cause = NULL;
	assert_int_equal(keystore_recover_key(ks2, e2, nk, &cause), 0);
	assert_int_equal(EVP_PKEY_eq(e->pkey, e2->pkey), 1);
	free(out);
	keystore_free(ks2);
	keystore_free(ks);
	secret_free(pw);
	secret_free(kp);
	secret_free(nk);
}

/* Aliases are written lower-cased; collisions and bad cases refused. */
static void
test_write_aliases(void **state)
{
	struct keystore	*ks, *ks2;
	struct secret	*pw = secret_from_str("changeit");
	unsigned char	*out;
	size_t		 outlen;
	char		*cause = NULL;

	ks = load_ok(S_UPPER, "changeit");
	assert_int_equal(keystore_serialize(ks, pw, &out, &outlen, &cause),
	    0);
	ks2 = load_buf(out, outlen, "changeit", &cause);
	assert_non_null(ks2);
	keystore_sort(ks2);
	assert_string_equal(ks2->entries[1]->alias, "labroot");
	assert_int_equal(ks2->entries[1]->flags, 0);
	keystore_free(ks2);
	free(out);

	/* "LabRoot" and "labroot" collide. */
	free(ks->entries[0]->alias);
	ks->entries[0]->alias = xstrdup("labroot");
	ks->entries[0]->alias_len = 7;
	free(ks->entries[1]->alias);
	ks->entries[1]->alias = xstrdup("LabRoot");
	ks->entries[1]->alias_len = 7;
	assert_int_equal(keystore_serialize(ks, pw, &out, &outlen, &cause),
	    -1);
	assert_non_null(strstr(cause, "are the same in JKS"));
	free(cause);
	cause = NULL;

	/* Latin-1 upper case is lowered too ("É" -> "é"). */
	free(ks->entries[1]->alias);
	ks->entries[1]->alias = xstrdup("\xc3\x89t\xc3\xa9");
	ks->entries[1]->alias_len = 5;
	assert_int_equal(keystore_serialize(ks, pw, &out, &outlen, &cause),
	    0);
	ks2 = load_buf(out, outlen, "changeit", &cause);
	assert_non_null(keystore_find(ks2, "\xc3\xa9t\xc3\xa9"));
	keystore_free(ks2);
	free(out);

	/* No store password: refused. */
	assert_int_equal(keystore_serialize(ks, NULL, &out, &outlen, &cause),
	    -1);
	assert_non_null(strstr(cause, "store password"));
	free(cause);
	keystore_free(ks);
	secret_free(pw);
}

/* JCEKS is read-only; converting it to JKS needs the key recovered. */
static void
test_write_jceks(void **state)
{
	struct keystore	*ks, *ks2;
	struct ks_entry	*e;
	struct secret	*pw = secret_from_str("storepass");
	struct secret	*kp = secret_from_str("keypass1");
	unsigned char	*out;
	size_t		 outlen, i;
	char		*cause = NULL;

	ks = load_ok(S_JCEKS, "storepass");
	assert_int_equal(jks_write(ks, pw, &out, &outlen, &cause), -1);
	assert_non_null(strstr(cause, "does not write JCEKS"));
	assert_non_null(strstr(cause, "tlsdeck convert"));
	free(cause);
	cause = NULL;

	ks->format = KS_FMT_JKS;
	assert_int_equal(jks_write(ks, pw, &out, &outlen, &cause), -1);
	assert_non_null(strstr(cause, "secret key"));
	free(cause);
	cause = NULL;
	for (i = 0; i < ks->nentries; i++)
		if (ks->entries[i]->type == KS_ENTRY_SECRET)
			keystore_remove(ks, i);
	assert_int_equal(jks_write(ks, pw, &out, &outlen, &cause), -1);
	assert_non_null(strstr(cause, "key password"));
	free(cause);
	cause = NULL;

	e = keystore_find(ks, "server");
	ks->format = KS_FMT_JCEKS;
	assert_int_equal(keystore_recover_key(ks, e, kp, NULL), 0);
	ks->format = KS_FMT_JKS;
	e->keypass = secret_dup(kp);
	assert_int_equal(jks_write(ks, pw, &out, &outlen, &cause), 0);
	ks2 = load_buf(out, outlen, "storepass", &cause);
	assert_non_null(ks2);
	assert_int_equal(ks2->format, KS_FMT_JKS);
	assert_int_equal(ks2->nentries, 2);
	e = keystore_find(ks2, "server");
	assert_int_equal(keystore_recover_key(ks2, e, kp, &cause), 0);
	free(out);
	keystore_free(ks2);
	keystore_free(ks);
	secret_free(pw);
	secret_free(kp);
}

/* jks_protect_key output recovers to the same key. */
static void
test_protect(void **state)
{
	struct keystore	*ks = load_ok(S_JDK25, "storepass");
	struct ks_entry	*e = ks->entries[0];
	struct secret	*pw = secret_from_str("storepass");
	struct secret	*np = secret_from_str("other");
	EVP_PKEY	*orig;
	unsigned char	*out;
	size_t		 outlen;

	assert_int_equal(keystore_recover_key(ks, e, pw, NULL), 0);
	assert_int_equal(jks_protect_key(e->pkey, np, &out, &outlen, NULL),
	    0);
	orig = e->pkey;
	e->pkey = NULL;
	free(e->prot);
	e->prot = out;
	e->prot_len = outlen;
	assert_int_equal(keystore_recover_key(ks, e, pw, NULL), -1);
	assert_int_equal(keystore_recover_key(ks, e, np, NULL), 0);
	assert_int_equal(EVP_PKEY_eq(orig, e->pkey), 1);
	EVP_PKEY_free(orig);
	secret_free(pw);
	secret_free(np);
	keystore_free(ks);
}

/* keystore.c's codec table: what each format cannot do says why. */
static void
test_codec_table(void **state)
{
	static const unsigned char junk[] = "junk\n";
	struct keystore	*ks;
	struct secret	*pw = secret_from_str("storepass");
	unsigned char	*out = NULL;
	size_t		 outlen = 0;
	char		*cause = NULL;

	ks = load_ok(S_JCEKS, "storepass");
	assert_int_equal(keystore_serialize(ks, pw, &out, &outlen, &cause),
	    -1);
	assert_null(out);
	assert_string_equal(cause, "tlsdeck does not write JCEKS; convert "
	    "the keystore to PKCS12 first (tlsdeck convert FILE --to "
	    "pkcs12)");
	free(cause);
	cause = NULL;
	keystore_free(ks);

	ks = load_ok("certs/trusted.pem", NULL);
	assert_int_equal(ks->format, KS_FMT_PEM);
	assert_int_equal(keystore_serialize(ks, pw, &out, &outlen, &cause),
	    -1);
	assert_string_equal(cause, "PEM files are read-only certificate "
	    "files; import them into a PKCS12 keystore");
	free(cause);
	cause = NULL;
	assert_true(ks->nentries > 0);
	ks->entries[0]->type = KS_ENTRY_KEY;
	assert_int_equal(keystore_recover_key(ks, ks->entries[0], NULL,
	    &cause), -1);
	assert_string_equal(cause, "file: has no private keys");
	free(cause);
	cause = NULL;
	keystore_free(ks);

	assert_null(load_buf(junk, sizeof junk - 1, NULL, &cause));
	assert_string_equal(cause, "test: not a keystore or certificate "
	    "file (unknown format, first bytes 6A 75 6E 6B)");
	free(cause);
	secret_free(pw);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jks17),
		cmocka_unit_test(test_jdk25),
		cmocka_unit_test(test_unicode),
		cmocka_unit_test(test_nonjava),
		cmocka_unit_test(test_key_mismatch),
		cmocka_unit_test(test_jceks),
		cmocka_unit_test(test_uppercase),
		cmocka_unit_test(test_storepass),
		cmocka_unit_test(test_bitflip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_trailing),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_bad_cert),
		cmocka_unit_test(test_jceks_serial),
		cmocka_unit_test(test_v1),
		cmocka_unit_test(test_write_identity),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_write_aliases),
		cmocka_unit_test(test_write_jceks),
		cmocka_unit_test(test_protect),
		cmocka_unit_test(test_codec_table),
	};
	return (cmocka_run_group_tests(tests, NULL, NULL));
}

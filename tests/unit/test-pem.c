/* SPDX-License-Identifier: ISC */
/*
 * test-pem.c -- certificate files (PEM bundles, DER, PKCS#7, trusted
 * certificates), their error messages, certfile_load, and private keys in
 * PEM/DER with and without pass phrases.  Fixtures: tests/data/certs, made
 * by tests/data/make-certs.sh (key pass phrase "tlsdeck-test").
 */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "testutil.h"

#define KEYPASS	"tlsdeck-test"

/* SHA-256 fingerprint of the first certificate of a file, by OpenSSL. */
static void
ossl_fp(const char *rel, unsigned char md[32])
{
	BIO		*bio = BIO_new_file(td_path(rel), "r");
	X509		*x;
	unsigned int	 n;

	assert_non_null(bio);
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	assert_non_null(x);
	X509_digest(x, EVP_sha256(), md, &n);
	X509_free(x);
	BIO_free(bio);
}

/* Read a certificate file, expecting n certificates. */
static struct cert **
read_ok(const char *rel, size_t want)
{
	struct cert	**v = NULL;
	size_t		  n = 0;
	char		 *cause = NULL;

	if (certs_read_file(td_path(rel), &v, &n, &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	assert_int_equal(n, want);
	return (v);
}

/* Read a file that must fail; the message names it and contains what. */
static void
read_bad(const char *rel, const char *what)
{
	struct cert	**v = (struct cert **)1;
	size_t		  n = 99;
	char		 *cause = NULL, path[4096];

	snprintf(path, sizeof path, "%s", td_path(rel));
	assert_int_equal(certs_read_file(path, &v, &n, &cause), -1);
	assert_null(v);
	assert_int_equal(n, 0);
	print_message("# %s\n", cause);
	assert_non_null(cause);
	assert_int_equal(strncmp(cause, path, strlen(path)), 0);
	assert_string_equal(cause + strlen(path), what);
	free(cause);
}

/* The sample chain in every container holds the same three certificates. */
static void
test_containers(void **state)
{
	static const char *files[] = { "certs/bundle-crlf.pem",
	    "certs/chain.p7b", "certs/chain-p7.pem" };
	unsigned char	 leaf[32], in[32], ca[32];
	struct cert	**v;
	size_t		  i;

	ossl_fp("samples/certs/leaf.pem", leaf);
	ossl_fp("samples/certs/int.pem", in);
	ossl_fp("samples/certs/ca.pem", ca);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		v = read_ok(files[i], 3);
		assert_memory_equal(cert_sha256(v[0]), leaf, 32);
		assert_memory_equal(cert_sha256(v[1]), in, 32);
		assert_memory_equal(cert_sha256(v[2]), ca, 32);
		assert_string_equal(v[2]->info.subject,
		    "O=Lab, CN=Lab Root CA");
		certs_free(v, 3);
	}
	v = read_ok("certs/ca.der", 1);
	assert_memory_equal(cert_sha256(v[0]), ca, 32);
	certs_free(v, 1);
	/* TRUSTED CERTIFICATE: the aux data is stripped */
	v = read_ok("certs/trusted.pem", 1);
	assert_memory_equal(cert_sha256(v[0]), ca, 32);
	certs_free(v, 1);
	v = read_ok("certs/x509-label.pem", 1);
	assert_memory_equal(cert_sha256(v[0]), in, 32);
	certs_free(v, 1);
	/* a key block next to a certificate is skipped */
	v = read_ok("certs/key-and-cert.pem", 1);
	assert_string_equal(v[0]->info.subject,
	    "CN=san.example.com, O=tlsdeck tests");
	certs_free(v, 1);
	certs_free(NULL, 0);
}

/* Broken files fail with one message naming the file. */
static void
test_errors(void **state)
{
	read_bad("certs/bad-base64.pem",
	    ": line 1: bad base64 in the CERTIFICATE block");
	read_bad("certs/no-end.pem", ": line 1: BEGIN CERTIFICATE without END");
	read_bad("certs/cert-and-csr.pem",
	    ": line 21: a \"NEW CERTIFICATE REQUEST\" block is not a "
	    "certificate");
	read_bad("certs/empty.pem", ": file is empty");
	read_bad("certs/not-pem.txt",
	    ": not a certificate file (expected PEM, DER or PKCS#7)");
	read_bad("certs/key-rsa-pkcs8.pem",
	    ": no certificates found (only a private key)");
	read_bad("samples/sample-jdk25.p12",
	    ": is a PKCS12 keystore, not a certificate file");
	read_bad("samples/sample-jdk25.jks",
	    ": is a JKS keystore, not a certificate file");
}

/* A certificate block that is not a certificate says why. */
static void
test_not_a_cert(void **state)
{
	struct cert	**v;
	size_t		  n;
	char		 *cause = NULL;

	assert_int_equal(certs_read_file(td_path("certs/not-a-cert.pem"), &v,
	    &n, &cause), -1);
	print_message("# %s\n", cause);
	assert_non_null(strstr(cause, "not-a-cert.pem: line 1: malformed "
	    "certificate: "));
	free(cause);
	cause = NULL;
	assert_int_equal(certs_read_mem((const unsigned char *)"x", 1, NULL,
	    &v, &n, &cause), -1);
	assert_string_equal(cause,
	    "not a certificate file (expected PEM, DER or PKCS#7)");
	free(cause);
}

/* Every truncation of a PEM bundle and of a PKCS#7 file fails cleanly. */
static void
test_truncated(void **state)
{
	static const char *files[] = { "certs/bundle-crlf.pem",
	    "certs/chain.p7b", "certs/trusted.pem" };
	unsigned char	 *buf, *cut;
	struct cert	**v;
	size_t		  len, n, i, k, ok = 0;
	char		 *cause;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		buf = td_read(files[i], &len);
		for (k = 0; k < len; k++) {
			cut = malloc(k == 0 ? 1 : k);
			memcpy(cut, buf, k);
			cause = NULL;
			if (certs_read_mem(cut, k, "t", &v, &n, &cause) == 0) {
				assert_true(n > 0);
				certs_free(v, n);
				ok++;
			} else {
				assert_non_null(cause);
				assert_int_equal(strncmp(cause, "t: ", 3), 0);
				free(cause);
			}
			free(cut);
		}
		free(buf);
	}
	/* only cuts in the trailing text or after the last END line pass */
	print_message("# %zu truncations still read\n", ok);
}

/* certfile_load through keystore_load: trusted entries named by CN. */
static void
test_certfile_load(void **state)
{
	static const struct {
		const char	*file;
		enum ks_format	 fmt;
		size_t		 n;
	} cases[] = {
		{ "certs/bundle-crlf.pem", KS_FMT_PEM, 3 },
		{ "certs/chain.p7b", KS_FMT_PKCS7, 3 },
		{ "certs/chain-p7.pem", KS_FMT_PEM, 3 },
		{ "certs/ca.der", KS_FMT_DER, 1 },
	};
	struct keystore	*ks;
	struct ks_entry	*e;
	char		*cause = NULL;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(keystore_load(td_path(cases[i].file), NULL, 0,
		    &ks, &cause), 0);
		assert_int_equal(ks->format, cases[i].fmt);
		assert_int_equal(ks->nentries, cases[i].n);
		assert_true(ks->verified);
		e = keystore_find(ks, "Lab Root CA");
		assert_non_null(e);
		assert_int_equal(e->type, KS_ENTRY_TRUSTED);
		assert_int_equal(e->nchain, 1);
		assert_true(e->chain[0]->info.self_signed);
		if (cases[i].n == 3) {
			assert_string_equal(ks->entries[0]->alias,
			    "app.example.com");
			assert_string_equal(ks->entries[1]->alias,
			    "Lab Intermediate CA");
		}
		keystore_free(ks);
	}
	/* the same certificate twice gets distinct aliases */
	{
		unsigned char	*a, *b, *both;
		size_t		 al, bl;

		a = td_read("samples/certs/leaf.pem", &al);
		b = td_read("samples/certs/srv2.pem", &bl);
		both = malloc(al * 2 + bl);
		memcpy(both, a, al);
		memcpy(both + al, a, al);
		memcpy(both + 2 * al, b, bl);
		assert_int_equal(keystore_load_mem(both, 2 * al + bl, "mem",
		    NULL, 0, &ks, &cause), 0);
		assert_int_equal(ks->nentries, 3);
		assert_string_equal(ks->entries[0]->alias, "app.example.com");
		assert_string_equal(ks->entries[1]->alias,
		    "app.example.com (2)");
		assert_string_equal(ks->entries[2]->alias, "srv2.example.com");
		keystore_free(ks);
		free(a);
		free(b);
		free(both);
	}
	assert_int_equal(keystore_load(td_path("certs/no-end.pem"), NULL, 0,
	    &ks, &cause), -1);
	print_message("# %s\n", cause);
	assert_non_null(strstr(cause, "no-end.pem: line 1: BEGIN CERTIFICATE "
	    "without END"));
	free(cause);
}

/* The public key of the first certificate of a file. */
static EVP_PKEY *
cert_pub(const char *rel)
{
	BIO		*bio = BIO_new_file(td_path(rel), "r");
	X509		*x;
	EVP_PKEY	*k;

	assert_non_null(bio);
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	assert_non_null(x);
	k = X509_get_pubkey(x);
	X509_free(x);
	BIO_free(bio);
	return (k);
}

/* Keys: every form, right/wrong/missing pass phrase. */
static void
test_keys(void **state)
{
	static const struct {
		const char	*file;
		const char	*cert;	/* whose key it is */
		bool		 enc;
	} cases[] = {
		{ "certs/key-rsa-pkcs8.pem", "certs/san.pem", false },
		{ "certs/key-rsa-pkcs8-enc.pem", "certs/san.pem", true },
		{ "certs/key-rsa-trad.pem", "certs/san.pem", false },
		{ "certs/key-rsa-trad-enc.pem", "certs/san.pem", true },
		{ "certs/key-ec-trad.pem", "certs/ec256.pem", false },
		{ "certs/key-ec-pkcs8.der", "certs/ec256.pem", false },
		{ "certs/key-ec-pkcs8-enc.der", "certs/ec256.pem", true },
		{ "certs/key-and-cert.pem", "certs/san.pem", false },
	};
	static const char *damaged =
	    "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n";
	struct secret	*good = secret_from_str(KEYPASS);
	struct secret	*bad = secret_from_str("wrong");
	EVP_PKEY	*k, *pub;
	unsigned char	*buf;
	size_t		 len, i;
	char		*cause;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		print_message("# key %s\n", cases[i].file);
		buf = td_read(cases[i].file, &len);
		pub = cert_pub(cases[i].cert);
		assert_int_equal(pem_key_needs_pass(buf, len), cases[i].enc);
		cause = NULL;
		assert_int_equal(pem_key_read_mem(buf, len, "k", good, &k,
		    &cause), 0);
		assert_int_equal(EVP_PKEY_eq(k, pub), 1);
		EVP_PKEY_free(k);
		cause = NULL;
		if (cases[i].enc) {
			assert_int_equal(pem_key_read_mem(buf, len, "k", NULL,
			    &k, &cause), -1);
			assert_null(k);
			assert_string_equal(cause,
			    "k: encrypted key needs a pass phrase");
			free(cause);
			cause = NULL;
			assert_int_equal(pem_key_read_mem(buf, len, "k", bad,
			    &k, &cause), -1);
			print_message("# %s\n", cause);
			assert_int_equal(strncmp(cause,
			    "k: wrong pass phrase", 20), 0);
			free(cause);
		} else {
			assert_int_equal(pem_key_read_mem(buf, len, "k", NULL,
			    &k, &cause), 0);
			EVP_PKEY_free(k);
		}
		EVP_PKEY_free(pub);
		free(buf);
	}
	/* no key at all */
	buf = td_read("certs/san.pem", &len);
	cause = NULL;
	assert_int_equal(pem_key_read_mem(buf, len, "c.pem", good, &k,
	    &cause), -1);
	assert_non_null(strstr(cause, "c.pem: no private key found"));
	free(cause);
	assert_false(pem_key_needs_pass(buf, len));
	free(buf);
	/* a damaged key */
	cause = NULL;
	assert_int_equal(pem_key_read_mem((const unsigned char *)damaged,
	    strlen(damaged), "d", NULL, &k, &cause), -1);
	print_message("# %s\n", cause);
	assert_int_equal(strncmp(cause, "d: malformed private key", 24), 0);
	free(cause);
	cause = NULL;
	assert_int_equal(pem_key_read_mem((const unsigned char *)"", 0, "e",
	    NULL, &k, &cause), -1);
	assert_string_equal(cause, "e: file is empty");
	free(cause);
	secret_free(good);
	secret_free(bad);
}

/* Run the tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_containers),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_not_a_cert),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_certfile_load),
		cmocka_unit_test(test_keys),
	};
	return (cmocka_run_group_tests(tests, NULL, NULL));
}

/* SPDX-License-Identifier: ISC */
/*
 * test-keygen.c -- -dname and SAN parsing, key generation, self-signed
 * certificates and CSRs, cross-checked with keytool's own CSR sample and the
 * openssl command (req -verify, x509 -req -copy_extensions copy).
 */
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "testutil.h"

/* Keys generated once for the whole run (RSA 4096 is slow). */
static EVP_PKEY	*k_rsa2048, *k_rsa3072, *k_rsa4096, *k_ec256, *k_ec384;
static char	 tmpdir[] = "/tmp/tlsdeck-keygen.XXXXXX";

/* Generate a key, failing the test on error. */
static EVP_PKEY *
gen(const char *alg, int bits, const char *curve)
{
	EVP_PKEY	*pk = NULL;
	char		*cause = NULL;

	if (keygen_generate(alg, bits, curve, &pk, &cause) != 0) {
		print_error("keygen %s: %s\n", alg, cause);
		free(cause);
		return (NULL);
	}
	return (pk);
}

/* A key from tests/data/certs (NULL on error). */
static EVP_PKEY *
load_key(const char *name)
{
	EVP_PKEY	*pk;
	const char	*dir = getenv("TESTDATA");
	char		 path[1024];
	FILE		*f;

	snprintf(path, sizeof path, "%s/certs/%s", dir != NULL ? dir :
	    "tests/data", name);
	if ((f = fopen(path, "r")) == NULL) {
		print_error("%s: cannot open\n", path);
		return (NULL);
	}
	pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	return (pk);
}

/* Group setup: the keys, a scratch directory.  Under valgrind the RSA
 * 3072 and 4096 keys come from tests/data (made by openssl): generating
 * them there takes minutes, and keygen_generate is run under valgrind
 * for RSA 2048 and EC, and for every size in the other passes. */
static int
setup(void **state)
{
	k_rsa2048 = gen("rsa", 2048, NULL);
	if (getenv("TLSDECK_UNDER_VALGRIND") != NULL) {
		k_rsa3072 = load_key("key-rsa3072.pem");
		k_rsa4096 = load_key("key-rsa4096.pem");
	} else {
		k_rsa3072 = gen("RSA", 3072, NULL);
		k_rsa4096 = gen("rsa", 4096, NULL);
	}
	k_ec256 = gen("ec", 0, "P-256");
	k_ec384 = gen("ec", 0, "p-384");
	if (k_rsa2048 == NULL || k_rsa3072 == NULL || k_rsa4096 == NULL ||
	    k_ec256 == NULL || k_ec384 == NULL)
		return (-1);
	if (mkdtemp(tmpdir) == NULL)
		return (-1);
	return (0);
}

/* Group teardown. */
static int
teardown(void **state)
{
	char	cmd[256];

	EVP_PKEY_free(k_rsa2048);
	EVP_PKEY_free(k_rsa3072);
	EVP_PKEY_free(k_rsa4096);
	EVP_PKEY_free(k_ec256);
	EVP_PKEY_free(k_ec384);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return (system(cmd) == 0 ? 0 : -1);
}

/* Path of a file in the scratch directory (static buffer). */
static const char *
tmp(const char *name)
{
	static char	buf[512];

	snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
	return (buf);
}

/* Run a shell command; its output (stdout+stderr) malloc'd, status set. */
static char *
run(const char *cmd, int *status)
{
	FILE	*f;
	char	*out = NULL, buf[4096];
	size_t	 len = 0, n;

	assert_non_null(f = popen(cmd, "r"));
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		out = realloc(out, len + n + 1);
		memcpy(out + len, buf, n);
		len += n;
	}
	if (out == NULL)
		out = strdup("");
	out[len] = '\0';
	*status = pclose(f);
	return (out);
}

/* Write a string to a file. */
static void
write_file(const char *path, const char *s)
{
	FILE	*f;

	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(s, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Entry i of a name: its nid, string type and UTF-8 value (malloc'd). */
static char *
name_entry(X509_NAME *n, int i, int *nid, int *type)
{
	X509_NAME_ENTRY	*e = X509_NAME_get_entry(n, i);
	unsigned char	*u;
	char		*s;
	int		 len;

	assert_non_null(e);
	*nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
	*type = ASN1_STRING_type(X509_NAME_ENTRY_get_data(e));
	len = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(e));
	assert_true(len >= 0);
	s = strndup((char *)u, len);
	OPENSSL_free(u);
	return (s);
}

/* Parse a DN that must fail; the message must contain want. */
static void
dn_bad(const char *dn, const char *want)
{
	X509_NAME	*n = NULL;
	char		*cause = NULL;

	if (dn_parse(dn, &n, &cause) == 0)
		fail_msg("dn_parse accepted \"%s\"", dn);
	assert_null(n);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("dn \"%s\": message \"%s\" lacks \"%s\"", dn, cause,
		    want);
	free(cause);
}

/* keytool order: the last RDN typed is the first in DER. */
static void
test_dn_order(void **state)
{
	const char	*dn = "CN=host.example.com, OU=IT, O=Example, "
			    "L=City, ST=State, C=US";
	static const int nids[] = { NID_countryName, NID_stateOrProvinceName,
			    NID_localityName, NID_organizationName,
			    NID_organizationalUnitName, NID_commonName };
	static const char *vals[] = { "US", "State", "City", "Example", "IT",
			    "host.example.com" };
	X509_NAME	*n = NULL;
	char		*cause = NULL, *v, *s;
	int		 i, nid, type;

	assert_int_equal(dn_parse(dn, &n, &cause), 0);
	assert_int_equal(X509_NAME_entry_count(n), 6);
	for (i = 0; i < 6; i++) {
		v = name_entry(n, i, &nid, &type);
		assert_int_equal(nid, nids[i]);
		assert_int_equal(type, V_ASN1_PRINTABLESTRING);
		assert_string_equal(v, vals[i]);
		free(v);
		/* each its own RDN */
		assert_int_equal(X509_NAME_ENTRY_set(X509_NAME_get_entry(n,
		    i)), i);
	}
	s = dn_to_string(n);
	assert_string_equal(s, dn);
	free(s);
	X509_NAME_free(n);
}

/* The DER is byte for byte what keytool -certreq wrote for this -dname. */
static void
test_dn_matches_keytool(void **state)
{
	unsigned char	*pem, *der = NULL;
	size_t		 len;
	X509_REQ	*req;
	X509_NAME	*n = NULL;
	BIO		*bio;
	const unsigned char *kder;
	size_t		 klen;
	int		 dlen;

	pem = td_read("samples/certs/s17.csr", &len);
	bio = BIO_new_mem_buf(pem, (int)len);
	assert_non_null(req = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL));
	assert_int_equal(X509_NAME_get0_der(X509_REQ_get_subject_name(req),
	    &kder, &klen), 1);
	assert_int_equal(dn_parse("CN=app.example.com, O=Lab", &n, NULL), 0);
	dlen = i2d_X509_NAME(n, &der);
	assert_int_equal(dlen, klen);
	assert_memory_equal(der, kder, klen);
	OPENSSL_free(der);
	X509_NAME_free(n);
	X509_REQ_free(req);
	BIO_free(bio);
	free(pem);
}

/* Escapes, quotes, multi-valued RDNs, UTF-8, IA5 for email, case. */
static void
test_dn_escapes(void **state)
{
	X509_NAME	*n = NULL;
	char		*cause = NULL, *v, *s;
	X509_NAME	*n2 = NULL;
	int		 nid, type;

	assert_int_equal(dn_parse("cn=Smith\\, John ; o=\"ACME, Inc.\", "
	    "ou = \\\"R&D\\\" , c=de", &n, &cause), 0);
	assert_int_equal(X509_NAME_entry_count(n), 4);
	v = name_entry(n, 0, &nid, &type);
	assert_int_equal(nid, NID_countryName);
	assert_string_equal(v, "DE");
	free(v);
	v = name_entry(n, 1, &nid, &type);
	assert_int_equal(nid, NID_organizationalUnitName);
	assert_string_equal(v, "\"R&D\"");
	assert_int_equal(type, V_ASN1_UTF8STRING);	/* & " not printable */
	free(v);
	v = name_entry(n, 2, &nid, &type);
	assert_string_equal(v, "ACME, Inc.");
	assert_int_equal(type, V_ASN1_PRINTABLESTRING);
	free(v);
	v = name_entry(n, 3, &nid, &type);
	assert_int_equal(nid, NID_commonName);
	assert_string_equal(v, "Smith, John");
	free(v);
	/* dn_to_string escapes so that dn_parse reads the same name back */
	s = dn_to_string(n);
	assert_string_equal(s, "CN=Smith\\, John, O=ACME\\, Inc., "
	    "OU=\\\"R&D\\\", C=DE");
	assert_int_equal(dn_parse(s, &n2, NULL), 0);
	assert_int_equal(X509_NAME_cmp(n, n2), 0);
	free(s);
	X509_NAME_free(n);
	X509_NAME_free(n2);

	/* UTF-8 (typed and as \XX hex), IA5 email, multi-valued RDN */
	n = NULL;
	assert_int_equal(dn_parse("CN=M\xc3\xbcller+UID=jm, "
	    "EMAILADDRESS=jm@example.com, O=\\C3\\A9t\\C3\\A9, "
	    "DC=example, OID.2.5.4.5=42  ", &n, &cause), 0);
	assert_int_equal(X509_NAME_entry_count(n), 6);
	v = name_entry(n, 0, &nid, &type);
	assert_int_equal(nid, NID_serialNumber);
	assert_string_equal(v, "42");
	free(v);
	v = name_entry(n, 1, &nid, &type);
	assert_int_equal(nid, NID_domainComponent);
	assert_int_equal(type, V_ASN1_IA5STRING);
	free(v);
	v = name_entry(n, 2, &nid, &type);
	assert_string_equal(v, "\xc3\xa9t\xc3\xa9");
	assert_int_equal(type, V_ASN1_UTF8STRING);
	free(v);
	v = name_entry(n, 3, &nid, &type);
	assert_int_equal(nid, NID_pkcs9_emailAddress);
	assert_int_equal(type, V_ASN1_IA5STRING);
	free(v);
	/* entries 4 and 5 share one RDN */
	assert_int_equal(X509_NAME_ENTRY_set(X509_NAME_get_entry(n, 4)),
	    X509_NAME_ENTRY_set(X509_NAME_get_entry(n, 5)));
	assert_int_not_equal(X509_NAME_ENTRY_set(X509_NAME_get_entry(n, 3)),
	    X509_NAME_ENTRY_set(X509_NAME_get_entry(n, 4)));
	s = dn_to_string(n);
	assert_non_null(strstr(s, "M\xc3\xbcller"));
	assert_non_null(strstr(s, " + "));
	assert_non_null(strstr(s, "SERIALNUMBER=42"));
	n2 = NULL;
	assert_int_equal(dn_parse(s, &n2, NULL), 0);
	assert_int_equal(X509_NAME_cmp(n, n2), 0);
	free(s);
	X509_NAME_free(n);
	X509_NAME_free(n2);
}

/* Bad names fail with a message naming what is wrong. */
/*
 * dn_get and dn_build: the forms' DN splitting and building, in core next
 * to dn_parse (a comma inside a value used to cut it short).
 */
static void
test_dn_get_build(void **state)
{
	static const char *const names[] = { "CN", "OU", "O", "L", "ST",
	    "C" };
	const char	*values[6] = { "Smith, John", "", "ACME; \"x\" <y>",
	    NULL, "a=b+c", "US" };
	X509_NAME	*n = NULL;
	char		*s, *v, *cause = NULL;
	size_t		 i;

	v = dn_get("CN=Smith\\, John, O=ACME", "CN");
	assert_string_equal(v, "Smith, John");
	free(v);
	v = dn_get("CN=Smith\\, John, O=ACME", "o");
	assert_string_equal(v, "ACME");
	free(v);
	v = dn_get("CN=\"ACME, Inc.\", OU=a\\0Ab", "OU");
	assert_string_equal(v, "a\nb");
	free(v);
	v = dn_get("CN=M\xc3\xbcller + UID=jm, O=Lab", "CN");
	assert_string_equal(v, "M\xc3\xbcller");
	free(v);
	v = dn_get("CN=M\xc3\xbcller + UID=jm, O=Lab", "UID");
	assert_string_equal(v, "jm");
	free(v);
	assert_null(dn_get("CN=a, O=b", "OU"));
	assert_null(dn_get("CN=a, O=b", "C"));
	assert_null(dn_get(NULL, "CN"));
	assert_null(dn_get("not a name", "CN"));
	/* a value dn_parse refuses (#hex, as der.c writes non-strings) */
	v = dn_get("UID=#04026869, CN=after\\, hex", "CN");
	assert_string_equal(v, "after, hex");
	free(v);
	assert_null(dn_get("UID=#04026869, O=x", "UID"));
	v = dn_get("O=\"a, b\" + CN=c", "CN");
	assert_string_equal(v, "c");
	free(v);

	/* dn_build escapes what dn_parse and dn_get undo */
	s = dn_build(names, values, 6);
	assert_string_equal(s, "CN=Smith\\, John, O=ACME\\; \\\"x\\\" \\<y\\>, "
	    "ST=a\\=b\\+c, C=US");
	assert_int_equal(dn_parse(s, &n, &cause), 0);
	assert_int_equal(X509_NAME_entry_count(n), 4);
	X509_NAME_free(n);
	for (i = 0; i < 6; i++) {
		v = dn_get(s, names[i]);
		if (values[i] == NULL || *values[i] == '\0')
			assert_null(v);
		else
			assert_string_equal(v, values[i]);
		free(v);
	}
	free(s);
	values[0] = values[2] = values[4] = values[5] = "";
	s = dn_build(names, values, 6);
	assert_string_equal(s, "");
	free(s);

	/* a subject as dn_to_string writes it reads back */
	assert_int_equal(dn_parse("CN=Smith\\, John, O=\"ACME, Inc.\", C=de",
	    &n, NULL), 0);
	s = dn_to_string(n);
	v = dn_get(s, "O");
	assert_string_equal(v, "ACME, Inc.");
	free(v);
	v = dn_get(s, "CN");
	assert_string_equal(v, "Smith, John");
	free(v);
	free(s);
	X509_NAME_free(n);
}

static void
test_dn_errors(void **state)
{
	char	long_cn[100];

	dn_bad("", "empty distinguished name");
	dn_bad("   ", "empty distinguished name");
	dn_bad("CN=", "CN: empty value");
	dn_bad("CN=a, O=  ", "O: empty value");
	dn_bad("XX=y", "unknown attribute \"XX\"");
	dn_bad("CN=a, Country=US", "unknown attribute \"Country\"");
	dn_bad("C=USA", "two-letter");
	dn_bad("C=1A", "two-letter");
	dn_bad("CN=a,,O=b", "empty component");
	dn_bad("CN=a, ", "ends with ','");
	dn_bad("CN=\"open", "missing closing quote");
	dn_bad("CN=\"a\" b", "after the closing quote");
	dn_bad("CN=a\\", "backslash at the end");
	dn_bad("CN=a\"b", "quote inside a value");
	dn_bad("CN=#0403", "hex-encoded");
	dn_bad("host.example.com", "expected KEY=value");
	dn_bad("=x", "missing attribute name");
	dn_bad("EMAIL=j\xc3\xbc@x.example", "only ASCII");
	dn_bad("SERIALNUMBER=a_b", "SERIALNUMBER: only letters");
	dn_bad("CN=a\x01" "b", "control character");
	dn_bad("CN=\xc3", "not valid UTF-8");
	dn_bad("CN=a\\00b", "NUL");
	memset(long_cn, 'a', sizeof long_cn);
	memcpy(long_cn, "CN=", 3);
	long_cn[3 + 65] = '\0';
	dn_bad(long_cn, "longer than 64");
	long_cn[3 + 64] = '\0';
	{
		X509_NAME *n = NULL;

		assert_int_equal(dn_parse(long_cn, &n, NULL), 0);
		X509_NAME_free(n);
	}
}

/* Parse a SAN list that must fail; the message names the item. */
static void
san_bad(const char *list, const char *item, const char *why)
{
	struct san_list	*sl = NULL;
	char		*cause = NULL, want[256];

	if (san_parse(list, &sl, &cause) == 0)
		fail_msg("san_parse accepted \"%s\"", list);
	assert_null(sl);
	snprintf(want, sizeof want, "SAN \"%s\": ", item);
	if (item[0] != '\0' && strstr(cause, want) == NULL)
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", list, cause,
		    want);
	if (strstr(cause, why) == NULL)
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", list, cause,
		    why);
	free(cause);
}

/* Good lists in every accepted spelling. */
static void
test_san_good(void **state)
{
	struct san_list	*sl = NULL, *sl2 = NULL;
	char		*cause = NULL, *s;

	assert_int_equal(san_parse("dns:a.example,DNS:*.b.example, "
	    "ip:10.0.0.5,IP:::1,email:x@y.example,"
	    "uri:https://a.example/x?y=1 , IP Address:2001:DB8:0::1, "
	    "localhost, 192.168.1.1, fe80::1, dns:A.example, ip:[::2], "
	    "Dns:xn--mller-kva.example,dns:1a.example", &sl, &cause), 0);
	assert_null(cause);
	assert_int_equal(sl->n, 13);		/* A.example is a duplicate */
	assert_int_equal(sl->items[0].type, SAN_DNS);
	assert_string_equal(sl->items[1].value, "*.b.example");
	assert_int_equal(sl->items[2].type, SAN_IP);
	assert_string_equal(sl->items[3].value, "::1");
	assert_int_equal(sl->items[4].type, SAN_EMAIL);
	assert_int_equal(sl->items[5].type, SAN_URI);
	assert_string_equal(sl->items[5].value, "https://a.example/x?y=1");
	assert_string_equal(sl->items[6].value, "2001:db8::1");
	assert_int_equal(sl->items[7].type, SAN_DNS);
	assert_string_equal(sl->items[7].value, "localhost");
	assert_int_equal(sl->items[8].type, SAN_IP);
	assert_int_equal(sl->items[9].type, SAN_IP);
	assert_string_equal(sl->items[10].value, "::2");
	s = san_list_to_string(sl);
	assert_string_equal(s, "dns:a.example, dns:*.b.example, "
	    "ip:10.0.0.5, ip:::1, email:x@y.example, "
	    "uri:https://a.example/x?y=1, ip:2001:db8::1, dns:localhost, "
	    "ip:192.168.1.1, ip:fe80::1, ip:::2, dns:xn--mller-kva.example, "
	    "dns:1a.example");
	/* the display form reads back the same */
	assert_int_equal(san_parse(s, &sl2, NULL), 0);
	assert_int_equal(sl2->n, sl->n);
	free(s);
	san_list_free(sl);
	san_list_free(sl2);

	/* empty and blank lists are empty, not errors */
	assert_int_equal(san_parse("", &sl, NULL), 0);
	assert_int_equal(sl->n, 0);
	s = san_list_to_string(sl);
	assert_string_equal(s, "");
	free(s);
	san_list_free(sl);
	assert_int_equal(san_parse("  ", &sl, NULL), 0);
	assert_int_equal(sl->n, 0);
	san_list_free(sl);
}

/* Each bad item is named in the message. */
static void
test_san_bad(void **state)
{
	char	big[300];

	san_bad("dns:a_b.example", "dns:a_b.example", "'_'");
	san_bad("dns:ok.example, dns:bad_one ,ip:1.2.3.4", "dns:bad_one",
	    "'_'");
	san_bad("dns:a b", "dns:a b", "spaces");
	san_bad("dns:-a.example", "dns:-a.example", "'-'");
	san_bad("dns:a-.example", "dns:a-.example", "'-'");
	san_bad("dns:a..b", "dns:a..b", "empty label");
	san_bad("dns:.a", "dns:.a", "empty label");
	san_bad("dns:a.example.", "dns:a.example.", "end with a dot");
	san_bad("dns:*.", "dns:*.", "dot");
	san_bad("dns:*", "dns:*", "wildcard");
	san_bad("dns:a.*.example", "dns:a.*.example", "wildcard");
	san_bad("dns:*a.example", "dns:*a.example", "wildcard");
	san_bad("dns:m\xc3\xbcller.example", "dns:m\xc3\xbcller.example",
	    "xn--");
	san_bad("dns:", "dns:", "empty DNS name");
	san_bad("dns:10.0.0.5", "dns:10.0.0.5", "ip:");
	san_bad("dns:a!.example", "dns:a!.example", "only letters");
	memset(big, 'a', sizeof big);
	memcpy(big, "dns:", 4);
	big[4 + 64] = '\0';
	san_bad(big, big, "63");
	memset(big, 'a', sizeof big);
	memcpy(big, "dns:", 4);
	for (int i = 4 + 50; i < 4 + 260; i += 51)
		big[i] = '.';
	big[4 + 260] = '\0';
	san_bad(big, "", "253");
	san_bad("ip:10.0.0.256", "ip:10.0.0.256", "not an IPv4 or IPv6");
	san_bad("ip:10.0.0", "ip:10.0.0", "not an IPv4 or IPv6");
	san_bad("ip:::g", "ip:::g", "not an IPv4 or IPv6");
	san_bad("ip:fe80::1%eth0", "ip:fe80::1%eth0", "not an IPv4 or IPv6");
	san_bad("email:a@b@c.example", "email:a@b@c.example", "one '@'");
	san_bad("email:x.example", "email:x.example", "one '@'");
	san_bad("email:@x.example", "email:@x.example", "local part");
	san_bad("email:a@", "email:a@", "missing domain");
	san_bad("email:a@b_c", "email:a@b_c", "bad domain");
	san_bad("email:a b@c", "email:a b@c", "space");
	san_bad("uri:nope", "uri:nope", "scheme");
	san_bad("uri:https://a b", "uri:https://a b", "spaces");
	san_bad("uri:1http://x", "uri:1http://x", "scheme");
	san_bad("uri:https:", "uri:https:", "nothing after");
	san_bad("foo:bar", "foo:bar", "unknown type \"foo\"");
	san_bad("a_b", "a_b", "'_'");
	san_bad("dns:a,,dns:b", "", "empty item");
	san_bad("dns:a,", "", "empty item");
	san_bad("dns:a\tb", "dns:a?b", "spaces");
	san_bad("dns:a\x01" "b", "dns:a?b", "only letters");
}

/* cert_info strings ("DNS:x", "IP:y") copy over; others are counted. */
static void
test_san_from_info(void **state)
{
	struct cert_info	 ci;
	struct san_list		*sl = NULL;
	char			 i0[] = "DNS:app.example.com",
				 i1[] = "IP:10.0.0.5", i2[] = "DIRNAME:CN=x",
				 i3[] = "OTHER", i4[] = "email:a@b.example",
				 i5[] = "URI:https://x";
	char			*items[] = { i0, i1, i2, i3, i4, i5 };
	size_t			 skipped;

	memset(&ci, 0, sizeof ci);
	ci.san = items;
	ci.nsan = 6;
	assert_int_equal(san_list_from_info(&ci, &sl, &skipped, NULL), 0);
	assert_int_equal(sl->n, 4);
	assert_int_equal(skipped, 2);
	assert_int_equal(sl->items[1].type, SAN_IP);
	assert_string_equal(sl->items[3].value, "https://x");
	san_list_free(sl);
}

/* Key sizes, curves and the minimum; descriptions and digests. */
static void
test_keys(void **state)
{
	EVP_PKEY	*pk = NULL;
	char		*cause = NULL, *s;
	struct {
		EVP_PKEY	**k;
		const char	*desc, *md;
	} t[] = {
		{ &k_rsa2048, "RSA 2048", "SHA256" },
		{ &k_rsa3072, "RSA 3072", "SHA256" },
		{ &k_rsa4096, "RSA 4096", "SHA384" },
		{ &k_ec256, "EC P-256", "SHA256" },
		{ &k_ec384, "EC P-384", "SHA384" },
	};
	size_t		 i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		s = key_describe(*t[i].k);
		assert_string_equal(s, t[i].desc);
		free(s);
		assert_string_equal(keygen_digest(*t[i].k), t[i].md);
	}
	assert_int_equal(keygen_generate("rsa", 1024, NULL, &pk, &cause), -1);
	assert_null(pk);
	assert_string_equal(cause, "RSA key size 1024 is too small "
	    "(at least 2048)");
	free(cause);
	cause = NULL;
	assert_int_equal(keygen_generate("rsa", 2047, NULL, &pk, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(keygen_generate("rsa", 5000, NULL, &pk, &cause), -1);
	assert_non_null(strstr(cause, "2048, 3072 or 4096"));
	free(cause);
	cause = NULL;
	assert_int_equal(keygen_generate("ec", 0, "P-192", &pk, &cause), -1);
	assert_non_null(strstr(cause, "unsupported curve \"P-192\""));
	free(cause);
	cause = NULL;
	assert_int_equal(keygen_generate("dsa", 2048, NULL, &pk, &cause), -1);
	assert_non_null(strstr(cause, "\"dsa\""));
	free(cause);
	assert_int_equal(keygen_check("ec", 0, "secp384r1", NULL), 0);
	assert_int_equal(keygen_check("EC", 0, "prime256v1", NULL), 0);
}

static atomic_int	cancel_flag;

/* SIGALRM handler: ask the key generation to stop. */
static void
on_alarm(int sig)
{
	atomic_store(&cancel_flag, 1);
}

/* The cancel hook stops an RSA generation under way, and before. */
static void
test_cancel(void **state)
{
	struct itimerval	 it;
	EVP_PKEY		*pk = NULL;
	char			*cause = NULL;

	atomic_store(&cancel_flag, 1);
	assert_int_equal(keygen_generate_cancel("rsa", 2048, NULL,
	    &cancel_flag, &pk, &cause), -1);
	assert_string_equal(cause, "key generation cancelled");
	free(cause);
	cause = NULL;

	/* 2 ms into an RSA 4096 generation (which takes far longer) */
	atomic_store(&cancel_flag, 0);
	signal(SIGALRM, on_alarm);
	memset(&it, 0, sizeof it);
	it.it_value.tv_usec = 2000;
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	assert_int_equal(keygen_generate_cancel("rsa", 4096, NULL,
	    &cancel_flag, &pk, &cause), -1);
	assert_null(pk);
	assert_string_equal(cause, "key generation cancelled");
	free(cause);
	signal(SIGALRM, SIG_DFL);
}

/* Seconds between two ASN1_TIMEs. */
static long
time_diff(const ASN1_TIME *a, const ASN1_TIME *b)
{
	int	days, secs;

	assert_int_equal(ASN1_TIME_diff(&days, &secs, a, b), 1);
	return ((long)days * 86400 + secs);
}

/* Build a self-signed certificate, failing the test on error. */
static X509 *
selfsigned(EVP_PKEY *pk, const char *dn, const char *sans, int days)
{
	X509_NAME	*n = NULL;
	struct san_list	*sl = NULL;
	X509		*x = NULL;
	char		*cause = NULL;

	assert_int_equal(dn_parse(dn, &n, NULL), 0);
	if (sans != NULL)
		assert_int_equal(san_parse(sans, &sl, NULL), 0);
	if (keygen_selfsigned(pk, n, sl, days, &x, &cause) != 0)
		fail_msg("keygen_selfsigned: %s", cause);
	X509_NAME_free(n);
	san_list_free(sl);
	return (x);
}

/* The fields of a self-signed certificate, checked with OpenSSL. */
static void
check_selfsigned(X509 *x, EVP_PKEY *pk, int sig_nid, bool rsa, int days)
{
	const ASN1_INTEGER	*ser;
	BIGNUM			*bn;
	ASN1_OCTET_STRING	*ski;
	ASN1_BIT_STRING		*ku;
	BASIC_CONSTRAINTS	*bc;
	EXTENDED_KEY_USAGE	*eku;
	int			 crit;
	time_t			 now = time(NULL);

	assert_int_equal(X509_get_version(x), X509_VERSION_3);
	assert_int_equal(X509_get_signature_nid(x), sig_nid);
	assert_int_equal(X509_verify(x, pk), 1);
	assert_true(key_matches_cert(pk, x));
	assert_int_equal(X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)), 0);
	/* serial: positive, from 8 random bytes */
	ser = X509_get0_serialNumber(x);
	assert_non_null(bn = ASN1_INTEGER_to_BN(ser, NULL));
	assert_false(BN_is_negative(bn));
	assert_false(BN_is_zero(bn));
	assert_true(BN_num_bytes(bn) <= 8);
	BN_free(bn);
	/* validity: now .. now + days */
	assert_true(ASN1_TIME_cmp_time_t(X509_get0_notBefore(x), now + 5) < 0);
	assert_true(ASN1_TIME_cmp_time_t(X509_get0_notBefore(x), now - 5) > 0);
	assert_int_equal(time_diff(X509_get0_notBefore(x),
	    X509_get0_notAfter(x)), (long)days * 86400);
	/* extensions */
	assert_non_null(ski = X509_get_ext_d2i(x, NID_subject_key_identifier,
	    &crit, NULL));
	assert_int_equal(crit, 0);
	assert_int_equal(ASN1_STRING_length(ski), 20);
	assert_memory_equal(ASN1_STRING_get0_data(ski),
	    ASN1_STRING_get0_data(X509_get0_subject_key_id(x)), 20);
	ASN1_OCTET_STRING_free(ski);
	assert_non_null(bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit,
	    NULL));
	assert_int_equal(crit, 1);
	assert_int_equal(bc->ca, 0);
	BASIC_CONSTRAINTS_free(bc);
	assert_non_null(ku = X509_get_ext_d2i(x, NID_key_usage, &crit, NULL));
	assert_int_equal(crit, 1);
	assert_int_equal(ASN1_BIT_STRING_get_bit(ku, 0), 1);
	assert_int_equal(ASN1_BIT_STRING_get_bit(ku, 2), rsa ? 1 : 0);
	assert_int_equal(ASN1_BIT_STRING_get_bit(ku, 5), 0);	/* certSign */
	ASN1_BIT_STRING_free(ku);
	assert_non_null(eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit,
	    NULL));
	assert_int_equal(crit, 0);
	assert_int_equal(sk_ASN1_OBJECT_num(eku), 1);
	assert_int_equal(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, 0)),
	    NID_server_auth);
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	assert_int_equal(X509_check_purpose(x, X509_PURPOSE_SSL_SERVER, 0), 1);
	assert_int_equal(X509_get_ext_by_NID(x, NID_authority_key_identifier,
	    -1), -1);
}

/* RSA 2048 with SANs for ten years: every field. */
static void
test_selfsigned_rsa(void **state)
{
	X509		*x, *y;
	struct san_list	*sl = NULL;
	char		*s;
	size_t		 skipped;

	x = selfsigned(k_rsa2048, "CN=app.example.com, O=Example, C=US",
	    "dns:app.example.com,dns:localhost,ip:10.0.0.5,ip:::1", 3650);
	check_selfsigned(x, k_rsa2048, NID_sha256WithRSAEncryption, true,
	    3650);
	assert_int_equal(san_list_from_x509(x, &sl, &skipped, NULL), 0);
	s = san_list_to_string(sl);
	assert_string_equal(s, "dns:app.example.com, dns:localhost, "
	    "ip:10.0.0.5, ip:::1");
	assert_int_equal(skipped, 0);
	free(s);
	san_list_free(sl);
	/* the SAN extension is not critical when there is a subject */
	assert_int_equal(X509_EXTENSION_get_critical(X509_get_ext(x,
	    X509_get_ext_by_NID(x, NID_subject_alt_name, -1))), 0);
	assert_false(key_matches_cert(k_rsa3072, x));
	assert_false(key_matches_cert(k_ec256, x));
	/* two certificates get different serials */
	y = selfsigned(k_rsa2048, "CN=a", NULL, 1);
	assert_int_not_equal(ASN1_INTEGER_cmp(X509_get0_serialNumber(x),
	    X509_get0_serialNumber(y)), 0);
	assert_int_equal(X509_get_ext_by_NID(y, NID_subject_alt_name, -1),
	    -1);
	X509_free(x);
	X509_free(y);
}

/* keytool's digest rule for every key, and the EC keyUsage. */
static void
test_selfsigned_digests(void **state)
{
	X509	*x;

	x = selfsigned(k_rsa3072, "CN=a", "dns:a", 90);
	check_selfsigned(x, k_rsa3072, NID_sha256WithRSAEncryption, true, 90);
	X509_free(x);
	x = selfsigned(k_rsa4096, "CN=a", "dns:a", 90);
	check_selfsigned(x, k_rsa4096, NID_sha384WithRSAEncryption, true, 90);
	X509_free(x);
	x = selfsigned(k_ec256, "CN=a", "dns:a", 90);
	check_selfsigned(x, k_ec256, NID_ecdsa_with_SHA256, false, 90);
	X509_free(x);
	x = selfsigned(k_ec384, "CN=a", "dns:a", 90);
	check_selfsigned(x, k_ec384, NID_ecdsa_with_SHA384, false, 90);
	X509_free(x);
}

/* Past 2049 notAfter is a GeneralizedTime; bad day counts fail. */
static void
test_selfsigned_days(void **state)
{
	X509		*x = NULL;
	X509_NAME	*n = NULL;
	char		*cause = NULL;
	struct tm	 tm;

	x = selfsigned(k_ec256, "CN=a", NULL, 3650);
	assert_int_equal(ASN1_STRING_type(X509_get0_notAfter(x)),
	    V_ASN1_UTCTIME);
	X509_free(x);
	x = selfsigned(k_ec256, "CN=a", NULL, 12000);	/* 2059 or later */
	check_selfsigned(x, k_ec256, NID_ecdsa_with_SHA256, false, 12000);
	assert_int_equal(ASN1_STRING_type(X509_get0_notAfter(x)),
	    V_ASN1_GENERALIZEDTIME);
	assert_int_equal(ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm), 1);
	assert_true(tm.tm_year + 1900 > 2050);
	X509_free(x);
	x = NULL;

	assert_int_equal(dn_parse("CN=a", &n, NULL), 0);
	assert_int_equal(keygen_selfsigned(k_ec256, n, NULL, 0, &x, &cause),
	    -1);
	assert_null(x);
	assert_non_null(strstr(cause, "out of range"));
	free(cause);
	cause = NULL;
	assert_int_equal(keygen_selfsigned(k_ec256, n, NULL,
	    KEYGEN_MAX_DAYS + 1, &x, &cause), -1);
	free(cause);
	X509_free(x);
	X509_NAME_free(n);
}

/* The DER walker (cert.c) reads what we wrote. */
static void
test_selfsigned_walk(void **state)
{
	X509		*x;
	unsigned char	*der = NULL;
	struct cert	*c;
	char		*cause = NULL;
	int		 len;

	x = selfsigned(k_ec384, "CN=app.example.com, O=Example",
	    "dns:app.example.com,ip:10.0.0.5", 825);
	assert_true((len = i2d_X509(x, &der)) > 0);
	if ((c = cert_new(der, len, &cause)) == NULL)
		fail_msg("cert_new: %s", cause);
	assert_string_equal(c->info.subject, "CN=app.example.com, O=Example");
	assert_string_equal(c->info.issuer, c->info.subject);
	assert_int_equal(c->info.version, 3);
	assert_string_equal(c->info.key, "EC P-384");
	assert_string_equal(c->info.sig_alg, "SHA384withECDSA");
	assert_int_equal(c->info.nsan, 2);
	assert_string_equal(c->info.san[0], "DNS:app.example.com");
	assert_string_equal(c->info.san[1], "IP:10.0.0.5");
	assert_false(c->info.ca);
	assert_true(c->info.self_signed);
	assert_int_equal(c->info.not_after - c->info.not_before,
	    825L * 86400);
	assert_int_equal(c->info.ski.len, 20);
	cert_free(c);
	OPENSSL_free(der);
	X509_free(x);
}

/* keytool reads the certificate and shows the extensions we wrote. */
static void
test_selfsigned_keytool(void **state)
{
	X509	*x;
	FILE	*f;
	char	*out, cmd[4096];
	int	 st;

	if (access("/usr/bin/keytool", X_OK) != 0)
		skip();
	x = selfsigned(k_rsa2048, "CN=app.example.com, O=Example",
	    "dns:app.example.com,ip:10.0.0.5", 3650);
	assert_non_null(f = fopen(tmp("self.pem"), "w"));
	assert_int_equal(PEM_write_X509(f, x), 1);
	fclose(f);
	snprintf(cmd, sizeof cmd, "/usr/bin/keytool -J-Duser.language=en "
	    "-printcert -file '%s' 2>&1", tmp("self.pem"));
	out = run(cmd, &st);
	if (st != 0)
		fail_msg("keytool -printcert: %s", out);
	assert_non_null(strstr(out, "Owner: CN=app.example.com, O=Example"));
	assert_non_null(strstr(out, "Signature algorithm name: "
	    "SHA256withRSA"));
	assert_non_null(strstr(out, "Version: 3"));
	assert_non_null(strstr(out, "DNSName: app.example.com"));
	assert_non_null(strstr(out, "IPAddress: 10.0.0.5"));
	assert_non_null(strstr(out, "serverAuth"));
	assert_non_null(strstr(out, "DigitalSignature"));
	assert_non_null(strstr(out, "Key_Encipherment"));
	assert_non_null(strstr(out, "SubjectKeyIdentifier"));
	free(out);
	/* openssl accepts it as its own trust anchor for a TLS server */
	snprintf(cmd, sizeof cmd, "openssl verify -purpose sslserver "
	    "-verify_hostname app.example.com -CAfile '%s' '%s' 2>&1",
	    tmp("self.pem"), tmp("self.pem"));
	out = run(cmd, &st);
	if (st != 0 || strstr(out, ": OK") == NULL)
		fail_msg("openssl verify: %s", out);
	free(out);
	X509_free(x);
}

/* Make a CSR, failing the test on error. */
static char *
make_csr(EVP_PKEY *pk, const char *dn, const char *sans)
{
	X509_NAME	*n = NULL;
	struct san_list	*sl = NULL;
	char		*pem = NULL, *cause = NULL;

	assert_int_equal(dn_parse(dn, &n, NULL), 0);
	if (sans != NULL)
		assert_int_equal(san_parse(sans, &sl, NULL), 0);
	if (csr_create(pk, n, sl, &pem, &cause) != 0)
		fail_msg("csr_create: %s", cause);
	X509_NAME_free(n);
	san_list_free(sl);
	return (pem);
}

/* A CSR carries the SANs and a SKI, and reads back. */
static void
test_csr(void **state)
{
	struct csr_info	*ci = NULL;
	char		*pem, *s, *cause = NULL;

	pem = make_csr(k_rsa4096, "CN=app.example.com, O=Lab",
	    "dns:app.example.com,dns:www.example.com,ip:10.0.0.5");
	assert_true(strncmp(pem, "-----BEGIN CERTIFICATE REQUEST-----\n",
	    36) == 0);
	if (csr_info_parse(pem, strlen(pem), &ci, &cause) != 0)
		fail_msg("csr_info_parse: %s", cause);
	assert_string_equal(ci->subject, "CN=app.example.com, O=Lab");
	assert_string_equal(ci->key, "RSA 4096");
	assert_string_equal(ci->sig_alg, "SHA384withRSA");
	assert_true(ci->sig_ok);
	assert_true(ci->has_ski);
	assert_true(csr_key_matches(ci, k_rsa4096));
	assert_false(csr_key_matches(ci, k_rsa2048));
	s = san_list_to_string(ci->san);
	assert_string_equal(s, "dns:app.example.com, dns:www.example.com, "
	    "ip:10.0.0.5");
	free(s);
	csr_info_free(ci);
	free(pem);

	/* no SANs: only the SKI, signed SHA256withECDSA */
	pem = make_csr(k_ec256, "CN=x", NULL);
	assert_int_equal(csr_info_parse(pem, strlen(pem), &ci, NULL), 0);
	assert_int_equal(ci->san->n, 0);
	assert_true(ci->has_ski);
	assert_string_equal(ci->sig_alg, "SHA256withECDSA");
	csr_info_free(ci);
	free(pem);

	/* garbage is refused */
	assert_int_equal(csr_info_parse("hello", 5, &ci, &cause), -1);
	assert_non_null(strstr(cause, "not a PEM certificate request"));
	free(cause);
}

/* keytool's CSRs ("NEW CERTIFICATE REQUEST"): SANs, SKI like ours. */
static void
test_csr_keytool_sample(void **state)
{
	struct csr_info		*ci = NULL;
	X509_EXTENSION		*ext;
	unsigned char		*pem;
	char			*s;
	size_t			 len;
	ASN1_OCTET_STRING	*os;
	X509_REQ		*req;
	BIO			*bio;
	STACK_OF(X509_EXTENSION) *exts;
	int			 i;

	pem = td_read("samples/certs/s17.csr", &len);
	assert_int_equal(csr_info_parse((char *)pem, len, &ci, NULL), 0);
	assert_string_equal(ci->subject, "CN=app.example.com, O=Lab");
	assert_true(ci->sig_ok);
	assert_true(ci->has_ski);
	assert_string_equal(ci->sig_alg, "SHA256withRSA");
	s = san_list_to_string(ci->san);
	assert_string_equal(s, "dns:app.example.com, dns:www.example.com, "
	    "ip:10.0.0.5");
	free(s);
	/* our SubjectKeyIdentifier is keytool's for the same key */
	ext = keygen_ski_ext(ci->pubkey, NULL);
	assert_non_null(ext);
	bio = BIO_new_mem_buf(pem, (int)len);
	req = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL);
	exts = X509_REQ_get_extensions(req);
	i = X509v3_get_ext_by_NID(exts, NID_subject_key_identifier, -1);
	assert_true(i >= 0);
	os = X509_EXTENSION_get_data(sk_X509_EXTENSION_value(exts, i));
	assert_int_equal(ASN1_STRING_cmp(os, X509_EXTENSION_get_data(ext)),
	    0);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_EXTENSION_free(ext);
	X509_REQ_free(req);
	BIO_free(bio);
	csr_info_free(ci);
	free(pem);

	pem = td_read("samples/certs/s17-noext.csr", &len);
	assert_int_equal(csr_info_parse((char *)pem, len, &ci, NULL), 0);
	assert_int_equal(ci->san->n, 0);
	assert_true(ci->has_ski);
	csr_info_free(ci);
	free(pem);
}

/* A CA certificate made here (CA:TRUE), written with its key. */
static void
make_ca(const char *certpath, const char *keypath)
{
	X509			*x;
	X509_NAME		*n = NULL;
	X509V3_CTX		 ctx;
	X509_EXTENSION		*ext;
	FILE			*f;

	assert_int_equal(dn_parse("CN=Test CA, O=Lab", &n, NULL), 0);
	x = X509_new();
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, n);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k_ec256);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	    "critical,CA:TRUE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(x, k_ec256, EVP_sha256()) > 0);
	assert_non_null(f = fopen(certpath, "w"));
	PEM_write_X509(f, x);
	fclose(f);
	assert_non_null(f = fopen(keypath, "w"));
	PEM_write_PrivateKey(f, k_ec256, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	X509_free(x);
	X509_NAME_free(n);
}

/* openssl req -verify accepts our CSR; a CA copies its SANs. */
static void
test_csr_openssl(void **state)
{
	X509		*x;
	struct san_list	*sl = NULL;
	char		*pem, *out, cmd[4096], ca[512], cakey[512], csr[512];
	char		*s;
	FILE		*f;
	int		 st;

	pem = make_csr(k_rsa2048, "CN=app.example.com, OU=IT, O=Example, "
	    "C=US", "dns:app.example.com,dns:*.app.example.com,ip:10.0.0.5,"
	    "ip:2001:db8::5,email:ops@example.com,"
	    "uri:https://app.example.com/");
	snprintf(csr, sizeof csr, "%s", tmp("req.pem"));
	write_file(csr, pem);
	free(pem);
	snprintf(cmd, sizeof cmd, "openssl req -verify -noout -text -in '%s' "
	    "2>&1", csr);
	out = run(cmd, &st);
	if (st != 0)
		fail_msg("openssl req: %s", out);
	assert_non_null(strstr(out, "verify OK"));
	assert_non_null(strstr(out, "Subject: C = US, O = Example, OU = IT, "
	    "CN = app.example.com"));
	assert_non_null(strstr(out, "DNS:app.example.com, "
	    "DNS:*.app.example.com, IP Address:10.0.0.5, "
	    "IP Address:2001:DB8:0:0:0:0:0:5, email:ops@example.com, "
	    "URI:https://app.example.com/"));
	assert_non_null(strstr(out, "X509v3 Subject Key Identifier"));
	assert_non_null(strstr(out, "sha256WithRSAEncryption"));
	free(out);

	snprintf(ca, sizeof ca, "%s", tmp("ca.pem"));
	snprintf(cakey, sizeof cakey, "%s", tmp("ca.key"));
	make_ca(ca, cakey);
	snprintf(cmd, sizeof cmd, "openssl x509 -req -in '%s' -CA '%s' "
	    "-CAkey '%s' -copy_extensions copy -days 30 -set_serial 7 "
	    "-out '%s' 2>&1", csr, ca, cakey, tmp("signed.pem"));
	out = run(cmd, &st);
	if (st != 0)
		fail_msg("openssl x509 -req: %s", out);
	free(out);
	assert_non_null(f = fopen(tmp("signed.pem"), "r"));
	assert_non_null(x = PEM_read_X509(f, NULL, NULL, NULL));
	fclose(f);
	assert_true(key_matches_cert(k_rsa2048, x));
	assert_int_equal(san_list_from_x509(x, &sl, NULL, NULL), 0);
	s = san_list_to_string(sl);
	assert_string_equal(s, "dns:app.example.com, dns:*.app.example.com, "
	    "ip:10.0.0.5, ip:2001:db8::5, email:ops@example.com, "
	    "uri:https://app.example.com/");
	free(s);
	san_list_free(sl);
	X509_free(x);
}

/* keytool -printcertreq reads our CSR and sees the SANs. */
static void
test_csr_keytool(void **state)
{
	char	*pem, *out, cmd[4096];
	int	 st;

	if (access("/usr/bin/keytool", X_OK) != 0)
		skip();
	pem = make_csr(k_ec384, "CN=app.example.com, O=Lab",
	    "dns:app.example.com,ip:10.0.0.5");
	write_file(tmp("kreq.pem"), pem);
	free(pem);
	snprintf(cmd, sizeof cmd, "/usr/bin/keytool -J-Duser.language=en "
	    "-printcertreq -file '%s' 2>&1", tmp("kreq.pem"));
	out = run(cmd, &st);
	if (st != 0)
		fail_msg("keytool -printcertreq: %s", out);
	assert_non_null(strstr(out, "Subject: CN=app.example.com, O=Lab"));
	assert_non_null(strstr(out, "SHA384withECDSA"));
	assert_non_null(strstr(out, "DNSName: app.example.com"));
	assert_non_null(strstr(out, "IPAddress: 10.0.0.5"));
	assert_non_null(strstr(out, "SubjectKeyIdentifier"));
	free(out);
}

/* Run the tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dn_order),
		cmocka_unit_test(test_dn_matches_keytool),
		cmocka_unit_test(test_dn_escapes),
		cmocka_unit_test(test_dn_errors),
		cmocka_unit_test(test_dn_get_build),
		cmocka_unit_test(test_san_good),
		cmocka_unit_test(test_san_bad),
		cmocka_unit_test(test_san_from_info),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_selfsigned_rsa),
		cmocka_unit_test(test_selfsigned_digests),
		cmocka_unit_test(test_selfsigned_days),
		cmocka_unit_test(test_selfsigned_walk),
		cmocka_unit_test(test_selfsigned_keytool),
		cmocka_unit_test(test_csr),
		cmocka_unit_test(test_csr_keytool_sample),
		cmocka_unit_test(test_csr_openssl),
		cmocka_unit_test(test_csr_keytool),
	};
	return (cmocka_run_group_tests(tests, setup, teardown));
}

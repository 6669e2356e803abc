/* SPDX-License-Identifier: ISC */
/*
 * srv-fixture.c -- a server tree for the shell tests that need no JVM
 * (tests/server/): srv-fixture DIR [DAYS]
 *
 * DIR gets the documented layout: a CA-signed EC P-256 leaf for
 * im.example.test (valid DAYS days, default 400) with its intermediate and
 * root in conf/ssl/keystore.p12 (PKCS12, password $SRV_PASS or
 * "pw-Fixture.1"), conf/application.properties (the documented block,
 * port 8443), and a JRE 17.0.15 whose passwordless cacerts trusts the root
 * (as "fixture-root").  The same writers as the product, checked by the
 * keytool interop tests.  Also writes DIR/root.pem and DIR/int.pem.
 */
#include <errno.h>

#include <openssl/pem.h>

#include "../unit/servertree.h"

/* Write a certificate as PEM to DIR/REL. */
static void
fx_pem(const char *dir, const char *rel, X509 *x)
{
	char	*p;
	FILE	*f;

	xasprintf(&p, "%s/%s", dir, rel);
	if ((f = fopen(p, "w")) == NULL || !PEM_write_X509(f, x) ||
	    fclose(f) != 0) {
		fprintf(stderr, "srv-fixture: %s: cannot write\n", p);
		exit(1);
	}
	free(p);
}

int
main(int argc, char **argv)
{
	EVP_PKEY	*rk, *ik, *lk;
	X509		*root, *in, *leaf, *chain[3];
	struct keystore	*ks;
	const char	*pass = getenv("SRV_PASS"), *alias = "fixture-root";
	char		*d;
	long		 days = 400;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: srv-fixture DIR [DAYS]\n");
		return (2);
	}
	if (argc == 3)
		days = atol(argv[2]);
	if (pass == NULL)
		pass = "pw-Fixture.1";
	st_init();
	d = xstrdup(argv[1]);
	if (mkdir(d, 0755) != 0 && errno != EEXIST) {
		perror(d);
		return (1);
	}
	{
		static const char *sub[] = { "conf", "conf/ssl", "jre",
		    "jre/lib", "jre/lib/security" };
		size_t	i;
		char	*p;

		for (i = 0; i < sizeof sub / sizeof sub[0]; i++) {
			xasprintf(&p, "%s/%s", d, sub[i]);
			if (mkdir(p, 0755) != 0 && errno != EEXIST) {
				perror(p);
				return (1);
			}
			free(p);
		}
	}
	rk = st_ec("P-384");
	ik = st_ec("P-256");
	lk = st_ec("P-256");
	root = st_cert("Fixture Root CA", rk, NULL, NULL, -10, 3650, NULL,
	    true, NULL);
	in = st_cert("Fixture Issuing CA", ik, root, rk, -5, 1800, NULL, true,
	    NULL);
	leaf = st_cert("im.example.test", lk, in, ik, 0, days,
	    "DNS:im.example.test,DNS:localhost", false, NULL);
	chain[0] = leaf;
	chain[1] = in;
	chain[2] = root;
	ks = st_ks(KS_FMT_PKCS12, false);
	st_add_key(ks, "integration-manager", lk, chain, 3, NULL);
	st_save(ks, d, "conf/ssl/keystore.p12", pass, 0640);
	st_jre(d, "17.0.15", &root, &alias, 1);
	st_props(d, "keystore.p12", "PKCS12", pass, "");
	fx_pem(d, "root.pem", root);
	fx_pem(d, "int.pem", in);
	X509_free(root);
	X509_free(in);
	X509_free(leaf);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(ik);
	EVP_PKEY_free(lk);
	free(d);
	return (0);
}

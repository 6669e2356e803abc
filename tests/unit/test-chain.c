/* SPDX-License-Identifier: ISC */
/*
 * test-chain.c -- chain building (backtracking, loops, depth) and CA reply
 * ordering, over hierarchies made here with OpenSSL and the lab CA samples.
 */
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "testutil.h"

#define NKEYS	16
static EVP_PKEY	*keys[NKEYS];	/* EC P-256, made once */

/* Group setup: the keys. */
static int
setup(void **state)
{
	size_t	i;

	for (i = 0; i < NKEYS; i++) {
		if (keygen_generate("ec", 0, "P-256", &keys[i], NULL) != 0)
			return (-1);
	}
	return (0);
}

/* Group teardown. */
static int
teardown(void **state)
{
	size_t	i;

	for (i = 0; i < NKEYS; i++)
		EVP_PKEY_free(keys[i]);
	return (0);
}

/* Add extension nid with value conf (X509V3 config syntax). */
static void
add_ext(X509 *x, X509 *issuer, int nid, const char *conf)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	assert_non_null(ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, conf));
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/*
 * A certificate for subject with key pub, issued by issuer_dn with
 * issuer_key (self-signed when issuer_dn is NULL).  CA when ca.  The
 * issuer's certificate (for the AKI) may be NULL.
 */
static X509 *
mk_x509(const char *subject, EVP_PKEY *pub, const char *issuer_dn,
    EVP_PKEY *issuer_key, X509 *issuer, bool ca)
{
	static long	 serial = 100;
	X509		*x;
	X509_NAME	*s = NULL, *i = NULL;

	assert_int_equal(dn_parse(subject, &s, NULL), 0);
	assert_int_equal(dn_parse(issuer_dn != NULL ? issuer_dn : subject,
	    &i, NULL), 0);
	assert_non_null(x = X509_new());
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_set_subject_name(x, s);
	X509_set_issuer_name(x, i);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, pub);
	add_ext(x, NULL, NID_basic_constraints, ca ? "critical,CA:TRUE" :
	    "CA:FALSE");
	add_ext(x, NULL, NID_subject_key_identifier, "hash");
	if (issuer != NULL)
		add_ext(x, issuer, NID_authority_key_identifier, "keyid");
	assert_true(X509_sign(x, issuer_key != NULL ? issuer_key : pub,
	    EVP_sha256()) > 0);
	X509_NAME_free(s);
	X509_NAME_free(i);
	return (x);
}

/* Wrap an X509 as a struct cert (consumes x). */
static struct cert *
wrap(X509 *x)
{
	unsigned char	*der = NULL;
	struct cert	*c;
	char		*cause = NULL;
	int		 len;

	assert_true((len = i2d_X509(x, &der)) > 0);
	if ((c = cert_new(der, len, &cause)) == NULL)
		fail_msg("cert_new: %s", cause);
	OPENSSL_free(der);
	X509_free(x);
	return (c);
}

/* A root, an intermediate and a leaf. */
struct hier {
	struct cert	*root, *inter, *leaf;
};

/* Make root (key kr), intermediate (ki) and leaf (kl). */
static void
mk_hier(struct hier *h, int kr, int ki, int kl)
{
	X509	*root, *inter, *leaf;

	root = mk_x509("CN=Test Root, O=Lab", keys[kr], NULL, NULL, NULL,
	    true);
	inter = mk_x509("CN=Test Int, O=Lab", keys[ki], "CN=Test Root, O=Lab",
	    keys[kr], root, true);
	leaf = mk_x509("CN=app.example.com", keys[kl], "CN=Test Int, O=Lab",
	    keys[ki], inter, false);
	h->leaf = wrap(leaf);
	h->inter = wrap(inter);
	h->root = wrap(root);
}

/* Free a hierarchy. */
static void
free_hier(struct hier *h)
{
	cert_free(h->root);
	cert_free(h->inter);
	cert_free(h->leaf);
}

/* Build and check: the chain must be want[0..nwant-1]. */
static void
assert_chain(struct cert *leaf, struct cert **pool, size_t npool,
    struct cert **want, size_t nwant, bool complete)
{
	struct cert	**out = NULL;
	size_t		  nout, i;
	bool		  done;

	assert_int_equal(chain_build(leaf, pool, npool, &out, &nout, &done,
	    NULL), 0);
	assert_int_equal(nout, nwant);
	assert_int_equal(done, complete);
	for (i = 0; i < nwant; i++) {
		if (out[i] != want[i])
			fail_msg("chain[%zu] is %s, want %s", i,
			    out[i]->info.subject, want[i]->info.subject);
	}
	free(out);
}

/* Root, intermediate, leaf in any pool order. */
static void
test_build_simple(void **state)
{
	struct hier	 h;

	mk_hier(&h, 0, 1, 2);
	{
		struct cert *pool[] = { h.root, h.leaf, h.inter };
		struct cert *want[] = { h.leaf, h.inter, h.root };

		assert_chain(h.leaf, pool, 3, want, 3, true);
	}
	{
		/* no intermediate: the leaf alone, incomplete */
		struct cert *pool[] = { h.root };
		struct cert *want[] = { h.leaf };

		assert_chain(h.leaf, pool, 1, want, 1, false);
	}
	{
		/* no root: leaf and intermediate, incomplete */
		struct cert *pool[] = { h.inter, NULL };
		struct cert *want[] = { h.leaf, h.inter };

		assert_chain(h.leaf, pool, 2, want, 2, false);
	}
	{
		/* a self-signed certificate is a chain of its own */
		struct cert *want[] = { h.root };

		assert_chain(h.root, NULL, 0, want, 1, true);
		assert_true(chain_self_signed(h.root));
		assert_false(chain_self_signed(h.inter));
	}
	free_hier(&h);
}

/* Same name, wrong key: not an issuer.  Same name and key, dead end:
 * backtrack to the next candidate. */
static void
test_build_backtrack(void **state)
{
	struct hier	 h;
	struct cert	*impostor, *cross;
	X509		*other;

	mk_hier(&h, 3, 4, 5);
	/* "CN=Test Int" with another key: its signature cannot match */
	impostor = wrap(mk_x509("CN=Test Int, O=Lab", keys[6],
	    "CN=Test Root, O=Lab", keys[3], NULL, true));
	/* the intermediate's key cross-signed by a root not in the pool */
	other = mk_x509("CN=Other Root", keys[7], NULL, NULL, NULL, true);
	cross = wrap(mk_x509("CN=Test Int, O=Lab", keys[4], "CN=Other Root",
	    keys[7], other, true));
	X509_free(other);
	{
		struct cert *pool[] = { impostor, cross, h.inter, h.root };
		struct cert *want[] = { h.leaf, h.inter, h.root };

		assert_chain(h.leaf, pool, 4, want, 3, true);
	}
	{
		/* without the right intermediate: the longest dead end */
		struct cert *pool[] = { impostor, cross, h.root };
		struct cert *want[] = { h.leaf, cross };

		assert_chain(h.leaf, pool, 3, want, 2, false);
	}
	cert_free(impostor);
	cert_free(cross);
	free_hier(&h);
}

/* Two CAs that certify each other: no endless loop. */
static void
test_build_loop(void **state)
{
	struct cert	*a, *b, *leaf;

	a = wrap(mk_x509("CN=CA One", keys[8], "CN=CA Two", keys[9], NULL,
	    true));
	b = wrap(mk_x509("CN=CA Two", keys[9], "CN=CA One", keys[8], NULL,
	    true));
	leaf = wrap(mk_x509("CN=leaf", keys[10], "CN=CA One", keys[8], NULL,
	    false));
	{
		struct cert *pool[] = { b, a, a };
		struct cert *want[] = { leaf, a, b };

		assert_chain(leaf, pool, 3, want, 3, false);
	}
	cert_free(a);
	cert_free(b);
	cert_free(leaf);
}

/* A chain longer than CHAIN_MAX_DEPTH stops there. */
static void
test_build_depth(void **state)
{
	struct cert	*certs[13];
	X509		*x[13];
	char		 name[32], parent[32];
	int		 i;
	struct cert	**out = NULL;
	size_t		  nout;
	bool		  done;

	/* x[0] root; x[i] issued by x[i-1]; keys alternate */
	for (i = 0; i < 13; i++) {
		snprintf(name, sizeof name, "CN=CA %d", i);
		snprintf(parent, sizeof parent, "CN=CA %d", i - 1);
		x[i] = mk_x509(name, keys[i % 2], i == 0 ? NULL : parent,
		    i == 0 ? NULL : keys[(i - 1) % 2], NULL, true);
	}
	for (i = 0; i < 13; i++)
		certs[i] = wrap(x[i]);
	assert_int_equal(chain_build(certs[12], certs, 12, &out, &nout,
	    &done, NULL), 0);
	assert_int_equal(nout, CHAIN_MAX_DEPTH);
	assert_false(done);
	assert_ptr_equal(out[1], certs[11]);
	free(out);
	/* within the limit it completes */
	assert_int_equal(chain_build(certs[9], certs, 12, &out, &nout,
	    &done, NULL), 0);
	assert_int_equal(nout, 10);
	assert_true(done);
	free(out);
	for (i = 0; i < 13; i++)
		cert_free(certs[i]);
}

/* Read one PEM certificate from tests/data. */
static struct cert *
sample(const char *rel)
{
	FILE	*f;
	X509	*x;

	assert_non_null(f = fopen(td_path(rel), "r"));
	assert_non_null(x = PEM_read_X509(f, NULL, NULL, NULL));
	fclose(f);
	return (wrap(x));
}

/* The lab CA samples: leaf -> Lab Intermediate CA -> Lab Root CA. */
static void
test_build_samples(void **state)
{
	struct cert	*ca, *in, *leaf, *srv2;

	ca = sample("samples/certs/ca.pem");
	in = sample("samples/certs/int.pem");
	leaf = sample("samples/certs/leaf.pem");
	srv2 = sample("samples/certs/srv2.pem");
	{
		struct cert *pool[] = { srv2, ca, leaf, in };
		struct cert *want[] = { leaf, in, ca };

		assert_chain(leaf, pool, 4, want, 3, true);
	}
	{
		struct cert *pool[] = { ca, in };
		struct cert *want[] = { srv2, in, ca };

		assert_chain(srv2, pool, 2, want, 3, true);
	}
	cert_free(ca);
	cert_free(in);
	cert_free(leaf);
	cert_free(srv2);
}

/* Order a reply; the result must be want[0..nwant-1]. */
static void
assert_reply(struct cert **reply, size_t n, struct cert *current,
    struct cert **want, size_t nwant, size_t unused)
{
	struct cert	**out = NULL;
	size_t		  nout, nunused, i;
	char		 *cause = NULL;

	if (chain_order_reply(reply, n, current, "server", &out, &nout,
	    &nunused, &cause) != 0)
		fail_msg("chain_order_reply: %s", cause);
	assert_int_equal(nout, nwant);
	assert_int_equal(nunused, unused);
	for (i = 0; i < nwant; i++) {
		if (out[i] != want[i])
			fail_msg("reply[%zu] is %s, want %s", i,
			    out[i]->info.subject, want[i]->info.subject);
	}
	free(out);
}

/* Order a reply that must fail with a message containing want. */
static void
assert_reply_fails(struct cert **reply, size_t n, struct cert *current,
    const char *want)
{
	struct cert	**out = NULL;
	size_t		  nout;
	char		 *cause = NULL;

	assert_int_equal(chain_order_reply(reply, n, current, "server", &out,
	    &nout, NULL, &cause), -1);
	assert_null(out);
	if (strstr(cause, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", cause, want);
	free(cause);
}

/* Replies in any order, with duplicates, gaps and strangers. */
static void
test_order_reply(void **state)
{
	struct hier	 h, o;
	struct cert	*current, *compressed;
	X509		*x;
	X509_NAME	*n = NULL;
	EVP_PKEY	*pk;

	mk_hier(&h, 11, 12, 13);
	mk_hier(&o, 14, 15, 11);	/* o.root shares no key with h */
	/* the entry's self-signed certificate before the reply */
	assert_int_equal(dn_parse("CN=app.example.com", &n, NULL), 0);
	assert_int_equal(keygen_selfsigned(keys[13], n, NULL, 90, &x, NULL),
	    0);
	current = wrap(x);
	{
		struct cert *reply[] = { h.root, h.inter, h.leaf, h.inter };
		struct cert *want[] = { h.leaf, h.inter, h.root };

		assert_reply(reply, 4, current, want, 3, 0);
	}
	{
		struct cert *reply[] = { h.inter, h.leaf };
		struct cert *want[] = { h.leaf, h.inter };

		assert_reply(reply, 2, current, want, 2, 0);
	}
	{
		struct cert *reply[] = { h.leaf };
		struct cert *want[] = { h.leaf };

		assert_reply(reply, 1, current, want, 1, 0);
	}
	{
		/* a stranger after a complete chain is left over */
		struct cert *reply[] = { o.inter, h.root, h.leaf, h.inter };
		struct cert *want[] = { h.leaf, h.inter, h.root };

		assert_reply(reply, 4, current, want, 3, 1);
	}
	{
		struct cert *reply[] = { h.leaf, h.root };

		assert_reply_fails(reply, 2, current, "incomplete chain in "
		    "reply: no certificate in it issued "
		    "\"CN=app.example.com\"");
	}
	{
		struct cert *reply[] = { h.root, h.inter };

		assert_reply_fails(reply, 2, current, "reply does not contain "
		    "the public key for server");
	}
	assert_reply_fails(NULL, 0, current, "no certificate");

	/* the same key with a compressed EC point still matches */
	assert_non_null(pk = EVP_PKEY_dup(keys[13]));
	assert_int_equal(EVP_PKEY_set_utf8_string_param(pk,
	    OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "compressed"), 1);
	x = mk_x509("CN=app.example.com", pk, NULL, NULL, NULL, false);
	compressed = wrap(x);
	assert_false(cert_same_key(compressed, h.leaf));
	{
		struct cert *reply[] = { h.inter, h.leaf };
		struct cert *want[] = { h.leaf, h.inter };

		assert_reply(reply, 2, compressed, want, 2, 0);
	}
	cert_free(compressed);
	EVP_PKEY_free(pk);
	X509_NAME_free(n);
	cert_free(current);
	free_hier(&h);
	free_hier(&o);
}

/* Run the tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_simple),
		cmocka_unit_test(test_build_backtrack),
		cmocka_unit_test(test_build_loop),
		cmocka_unit_test(test_build_depth),
		cmocka_unit_test(test_build_samples),
		cmocka_unit_test(test_order_reply),
	};
	return (cmocka_run_group_tests(tests, setup, teardown));
}

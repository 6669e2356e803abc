/* SPDX-License-Identifier: ISC */
/*
 * test-audit.c -- the findings of audit.c and server.c on server trees
 * made here (servertree.h): each check provoked alone, with the exact set
 * of codes asserted, plus thresholds, URL and SAN matching, the probe hook
 * and bad input.
 */
#include "servertree.h"

static EVP_PKEY	*root_key, *int_key, *leaf_key, *other_key;
static X509	*root_x, *int_x;

#define PASS	"pw-Test.123"

static int
setup(void **state)
{
	(void)state;
	st_init();
	root_key = st_ec("P-384");
	int_key = st_ec("P-256");
	leaf_key = st_ec("P-256");
	other_key = st_ec("P-256");
	root_x = st_cert("Test Root", root_key, NULL, NULL, -10, 3650, NULL,
	    true, NULL);
	int_x = st_cert("Test Issuing CA", int_key, root_x, root_key, -5,
	    1800, NULL, true, NULL);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(int_key);
	EVP_PKEY_free(leaf_key);
	EVP_PKEY_free(other_key);
	X509_free(root_x);
	X509_free(int_x);
	return (0);
}

/* Every finding's code is in audit.c's table (label and form known). */
static void
check_table(const struct server_model *m)
{
	size_t	i;

	for (i = 0; i < m->nfindings; i++) {
		if (audit_code_label(m->findings[i]->code)[0] == '\0') {
			print_error("code %s not in the table\n",
			    m->findings[i]->code);
			fail();
		}
		assert_int_equal(m->findings[i]->form,
		    audit_code_form(m->findings[i]->code));
		assert_non_null(m->findings[i]->message);
		if (i > 0)
			assert_true(m->findings[i - 1]->sev >=
			    m->findings[i]->sev);
	}
}

/*
 * The standard tree: leaf (key, 0..400 days, san) signed by the
 * intermediate; keystore PKCS12 with pass holding [leaf, int, root]; the
 * JRE trusts the root.  Returns the tree directory.
 */
static char *
std_tree(const char *pass, const char *san, const char *extra)
{
	char		*d = st_tree_new();
	struct keystore	*ks = st_ks(KS_FMT_PKCS12, false);
	X509		*leaf, *chain[3];
	const char	*alias = "test-root";

	leaf = st_cert("im.example.test", leaf_key, int_x, int_key, 0, 400,
	    san, false, NULL);
	chain[0] = leaf;
	chain[1] = int_x;
	chain[2] = root_x;
	st_add_key(ks, "integration-manager", leaf_key, chain, 3, NULL);
	st_save(ks, d, "conf/ssl/keystore.p12", pass, 0640);
	st_jre(d, "17.0.15", &root_x, &alias, 1);
	st_props(d, "keystore.p12", "PKCS12", pass, extra);
	X509_free(leaf);
	return (d);
}

/* Load dir at day `days` and compare the set of codes. */
static struct server_model *
assert_codes(const char *dir, long days, const char *want)
{
	struct server_model	*m = st_load(dir, days);

	check_table(m);
	if (strcmp(st_codes(m), want) != 0) {
		size_t	i;

		for (i = 0; i < m->nfindings; i++)
			print_error("  %s %s: %s\n",
			    sev_name(m->findings[i]->sev),
			    m->findings[i]->code, m->findings[i]->message);
		print_error("codes [%s], expected [%s]\n", st_codes(m), want);
		fail();
	}
	return (m);
}

/* A clean CA-signed tree: nothing to say, and the panels' data. */
static void
test_clean(void **state)
{
	char			*d = std_tree(PASS, "DNS:im.example.test", "");
	struct server_model	*m;
	const struct setting	*s;

	(void)state;
	m = assert_codes(d, 1, "");
	assert_int_equal(audit_exit_code(m), 0);
	assert_true(m->ssl);
	assert_int_equal(m->port, 8443);
	assert_string_equal(m->base_url, "https://im.example.test:8443");
	assert_non_null(m->served->key_entry);
	assert_non_null(m->served->key_entry->pkey);
	assert_true(m->served->trusted);
	assert_string_equal(m->served->trusted_alias, "test-root");
	assert_int_equal(m->served->nchain, 3);
	assert_int_equal(m->served->nsent, 3);
	assert_true(m->served->chain_complete);
	assert_int_equal(m->ncerts, 3);
	assert_string_equal(m->certs[0].position, "leaf");
	assert_true(m->certs[0].days_left <= m->certs[1].days_left);
	assert_string_equal(m->jre.version, "17.0.15");
	assert_int_equal(m->jre.major, 17);
	assert_string_equal(m->jre.trust_pass_how, "no password");
	assert_non_null(s = st_row(m, "server.ssl.key-store"));
	assert_string_equal(s->check, "found");
	assert_string_equal(s->raw, "${sharedDataPath}/conf/ssl/keystore.p12");
	assert_non_null(s = st_row(m, "server.ssl.key-store-password"));
	assert_true(s->secret);
	assert_null(s->value);
	assert_null(s->raw);
	assert_string_equal(s->check, "opens");
	assert_int_equal(s->line, 5);
	assert_string_equal(st_row(m, "server.ssl.key-alias")->check,
	    "key entry");
	assert_string_equal(st_row(m, "im.base-url")->check, "in SAN");
	assert_string_equal(st_row(m, "server.ssl.key-store-type")->check,
	    "matches");
	assert_null(st_row(m, "server.ssl.key-password"));
	assert_string_equal(st_row(m, "security.require-ssl")->check, "unset");
	server_model_free(m);
	st_tree_rm(d);
}

/* Days thresholds, percentages, expiry and not-yet-valid. */
static void
test_dates(void **state)
{
	char			*d = std_tree(PASS, "DNS:im.example.test", "");
	struct server_model	*m;
	struct server_opts	 o;
	const struct finding	*f;
	char			*cause = NULL;

	(void)state;
	m = assert_codes(d, 380, "cert-expiring");	/* 20 days left */
	f = st_finding(m, "cert-expiring");
	assert_int_equal(f->sev, SEV_WARN);
	assert_string_equal(f->alias, "integration-manager");
	assert_non_null(strstr(f->message, "20 days"));
	assert_int_equal(f->form, FORM_GENKEY);
	assert_string_equal(st_row(m, "server.ssl.key-alias")->check,
	    "key entry");
	server_model_free(m);
	m = assert_codes(d, 390, "cert-expiring");	/* 10 days */
	assert_int_equal(st_finding(m, "cert-expiring")->sev, SEV_CRIT);
	assert_int_equal(audit_exit_code(m), 2);
	server_model_free(m);
	m = assert_codes(d, 386, "cert-expiring");	/* 14: critical */
	assert_int_equal(st_finding(m, "cert-expiring")->sev, SEV_CRIT);
	server_model_free(m);
	m = assert_codes(d, 370, "cert-expiring");	/* 30: warning */
	assert_int_equal(st_finding(m, "cert-expiring")->sev, SEV_WARN);
	server_model_free(m);
	m = assert_codes(d, 369, "");			/* 31: fine */
	server_model_free(m);
	m = assert_codes(d, 402, "cert-expired");
	f = st_finding(m, "cert-expired");
	assert_int_equal(f->sev, SEV_CRIT);
	assert_non_null(strstr(f->message, "leaf certificate"));
	server_model_free(m);
	/* Before the leaf's notBefore (the CA certificates are older). */
	m = assert_codes(d, -1, "cert-not-yet-valid");
	assert_int_equal(st_finding(m, "cert-not-yet-valid")->sev, SEV_CRIT);
	server_model_free(m);

	/* Percent of lifetime: 30 of 400 days left is 7.5 %. */
	server_opts_init(&o);
	o.server = d;
	o.flags = SERVER_NO_LIVE;
	o.warn_days = o.crit_days = 0;
	o.warn_percent = 10;
	o.crit_percent = 5;
	o.now = st_t0 + 370 * ST_DAY;
	assert_int_equal(server_model_load(&o, &m, &cause), 0);
	assert_string_equal(st_codes(m), "cert-expiring");
	assert_int_equal(st_finding(m, "cert-expiring")->sev, SEV_WARN);
	server_model_free(m);
	o.now = st_t0 + 385 * ST_DAY;	/* 15 days: 3.75 % */
	assert_int_equal(server_model_load(&o, &m, &cause), 0);
	assert_int_equal(st_finding(m, "cert-expiring")->sev, SEV_CRIT);
	assert_int_equal(m->certs[0].sev, SEV_CRIT);
	server_model_free(m);
	o.now = st_t0 + 300 * ST_DAY;	/* 25 % */
	assert_int_equal(server_model_load(&o, &m, &cause), 0);
	assert_string_equal(st_codes(m), "");
	server_model_free(m);
	st_tree_rm(d);
}

/* Weak keys and signatures in what the server sends. */
static void
test_strength(void **state)
{
	char			*d = st_tree_new();
	struct keystore		*ks = st_ks(KS_FMT_PKCS12, false);
	struct server_model	*m;
	EVP_PKEY		*weak = st_rsa(1024);
	X509			*leaf, *chain[3];
	const char		*alias = "test-root";

	(void)state;
	leaf = st_cert("im.example.test", weak, int_x, int_key, 0, 400,
	    "DNS:im.example.test", false, EVP_sha1());
	chain[0] = leaf;
	chain[1] = int_x;
	chain[2] = root_x;
	st_add_key(ks, "integration-manager", weak, chain, 3, NULL);
	st_save(ks, d, "conf/ssl/keystore.p12", PASS, 0640);
	st_jre(d, "17.0.15", &root_x, &alias, 1);
	st_props(d, "keystore.p12", "PKCS12", PASS, "");
	m = assert_codes(d, 1, "cert-weak-key cert-weak-signature");
	assert_non_null(strstr(st_finding(m, "cert-weak-key")->message,
	    "RSA 1024"));
	assert_non_null(strstr(st_finding(m, "cert-weak-signature")->message,
	    "SHA1withECDSA"));
	assert_int_equal(st_finding(m, "cert-weak-key")->sev, SEV_CRIT);
	server_model_free(m);
	X509_free(leaf);
	EVP_PKEY_free(weak);
	st_tree_rm(d);
}

/* A self-signed root signed with SHA-1 is fine (nobody checks it). */
static void
test_sha1_root(void **state)
{
	char			*d = st_tree_new();
	struct keystore		*ks = st_ks(KS_FMT_PKCS12, false);
	struct server_model	*m;
	X509			*r, *leaf, *chain[2];
	const char		*alias = "old-root";

	(void)state;
	r = st_cert("Old Root", root_key, NULL, NULL, -10, 3650, NULL, true,
	    EVP_sha1());
	leaf = st_cert("im.example.test", leaf_key, r, root_key, 0, 400,
	    "DNS:im.example.test", false, NULL);
	chain[0] = leaf;
	chain[1] = r;
	st_add_key(ks, "integration-manager", leaf_key, chain, 2, NULL);
	st_save(ks, d, "conf/ssl/keystore.p12", PASS, 0640);
	st_jre(d, "17.0.15", &r, &alias, 1);
	st_props(d, "keystore.p12", "PKCS12", PASS, "");
	m = assert_codes(d, 1, "");
	server_model_free(m);
	X509_free(r);
	X509_free(leaf);
	st_tree_rm(d);
}

/* Names: no SAN; base URL host against DNS wildcards and IPs. */
static void
test_names(void **state)
{
	char			*d;
	struct server_model	*m;
	const struct finding	*f;

	(void)state;
	d = std_tree(PASS, NULL, "");
	m = assert_codes(d, 1, "cert-no-san");
	assert_int_equal(st_finding(m, "cert-no-san")->sev, SEV_WARN);
	server_model_free(m);
	st_tree_rm(d);

	d = std_tree(PASS, "DNS:*.example.test", "");
	m = assert_codes(d, 1, "");
	server_model_free(m);
	st_tree_rm(d);

	d = std_tree(PASS, "DNS:other.example.test,IP:10.0.0.5", "");
	m = assert_codes(d, 1, "base-url-not-in-san");
	f = st_finding(m, "base-url-not-in-san");
	assert_int_equal(f->line, 7);
	assert_string_equal(f->key, "im.base-url");
	assert_non_null(strstr(f->message, "DNS:other.example.test"));
	assert_string_equal(st_row(m, "im.base-url")->check, "not in SAN");
	assert_int_equal(st_row(m, "im.base-url")->sev, SEV_WARN);
	server_model_free(m);
	st_tree_rm(d);
}

/* Chains: incomplete, intermediate not sent, root not trusted. */
static void
test_chains(void **state)
{
	char			*d;
	struct keystore		*ks;
	struct server_model	*m;
	X509			*leaf;
	const char		*alias = "test-root";

	(void)state;
	leaf = st_cert("im.example.test", leaf_key, int_x, int_key, 0, 400,
	    "DNS:im.example.test", false, NULL);

	/* Only the leaf, nothing anywhere knows its issuer. */
	d = st_tree_new();
	ks = st_ks(KS_FMT_PKCS12, false);
	st_add_key(ks, "integration-manager", leaf_key, &leaf, 1, NULL);
	st_save(ks, d, "conf/ssl/keystore.p12", PASS, 0640);
	st_jre(d, "17.0.15", NULL, NULL, 0);
	st_props(d, "keystore.p12", "PKCS12", PASS, "");
	m = assert_codes(d, 1, "chain-incomplete");
	assert_false(m->served->chain_complete);
	assert_false(m->served->trusted);
	server_model_free(m);
	st_tree_rm(d);

	/* JKS (which stores chains as given): leaf only in the key entry;
	 * the intermediate as a trusted entry; the root in cacerts:
	 * complete and trusted, but not sent. */
	d = st_tree_new();
	ks = st_ks(KS_FMT_JKS, false);
	st_add_key(ks, "integration-manager", leaf_key, &leaf, 1, NULL);
	st_add_trusted(ks, "intermediate", int_x);
	st_save(ks, d, "conf/ssl/keystore.jks", PASS, 0640);
	st_jre(d, "17.0.15", &root_x, &alias, 1);
	st_props(d, "keystore.jks", "JKS", PASS, "");
	m = assert_codes(d, 1, "chain-not-sent keystore-jks");
	assert_int_equal(m->served->nsent, 1);
	assert_int_equal(m->served->nchain, 3);
	assert_true(m->served->trusted);
	server_model_free(m);
	/* A PKCS#12 key entry's chain is completed from the file's other
	 * certificates on load (as Java does): all is sent. */
	ks = st_ks(KS_FMT_PKCS12, false);
	st_add_key(ks, "integration-manager", leaf_key, &leaf, 1, NULL);
	st_add_trusted(ks, "intermediate", int_x);
	st_save(ks, d, "conf/ssl/keystore.p12", PASS, 0640);
	st_props(d, "keystore.p12", "PKCS12", PASS, "");
	m = assert_codes(d, 1, "");
	assert_int_equal(m->served->nsent, 2);
	server_model_free(m);
	st_tree_rm(d);

	/* Whole chain, root unknown to the JRE. */
	d = std_tree(PASS, "DNS:im.example.test", "");
	st_jre(d, "17.0.15", &int_x, &alias, 0);
	m = assert_codes(d, 1, "cert-untrusted");
	assert_int_equal(st_finding(m, "cert-untrusted")->form, FORM_TRUST);
	server_model_free(m);
	/* The JRE trusting the intermediate is enough (PKIX anchor). */
	alias = "issuing";
	st_jre(d, "17.0.15", &int_x, &alias, 1);
	m = assert_codes(d, 1, "");
	assert_string_equal(m->served->trusted_alias, "issuing");
	server_model_free(m);
	st_tree_rm(d);
	X509_free(leaf);
}

/* Self-signed, trusted as itself (the vendor's procedure). */
static void
test_selfsigned(void **state)
{
	char			*d = st_tree_new();
	struct keystore		*ks = st_ks(KS_FMT_PKCS12, false);
	struct server_model	*m;
	X509			*leaf;
	const char		*alias = "integration-manager";

	(void)state;
	leaf = st_cert("im.example.test", leaf_key, NULL, NULL, 0, 3650,
	    "DNS:im.example.test,DNS:localhost", false, NULL);
	st_add_key(ks, "integration-manager", leaf_key, &leaf, 1, NULL);
	st_save(ks, d, "conf/ssl/keystore.p12", PASS, 0640);
	st_jre(d, "17.0.15", &leaf, &alias, 1);
	st_props(d, "keystore.p12", "PKCS12", PASS,
	    "security.require-ssl=true\n");
	m = assert_codes(d, 1, "cert-self-signed require-ssl-no-effect");
	assert_int_equal(st_finding(m, "cert-self-signed")->sev, SEV_INFO);
	assert_true(m->served->trusted);
	assert_string_equal(m->served->trusted_alias, "integration-manager");
	assert_string_equal(st_row(m, "security.require-ssl")->check,
	    "no effect");
	assert_int_equal(audit_exit_code(m), 1);
	server_model_free(m);
	/* Not in cacerts. */
	st_jre(d, "17.0.15", NULL, NULL, 0);
	m = assert_codes(d, 1,
	    "cert-self-signed cert-untrusted require-ssl-no-effect");
	server_model_free(m);
	X509_free(leaf);
	st_tree_rm(d);
}

/* Example passwords from the documentation. */
static void
test_example_password(void **state)
{
	char			*d;
	struct server_model	*m;
	const struct finding	*f;

	(void)state;
	d = std_tree("D0N0tU5eTh1sP@ssW0rd!", "DNS:im.example.test", "");
	m = assert_codes(d, 1, "password-example");
	f = st_finding(m, "password-example");
	assert_int_equal(f->line, 5);
	assert_non_null(strstr(f->message, "vendor"));
	assert_null(strstr(f->message, "D0N0tU5"));
	assert_string_equal(st_row(m, "server.ssl.key-store-password")->check,
	    "example");
	server_model_free(m);
	st_tree_rm(d);
	d = std_tree("changeit", "DNS:im.example.test", "");
	m = assert_codes(d, 1, "password-example");
	server_model_free(m);
	st_tree_rm(d);
}

/* Keys: mismatch, several without key-alias, none at all; JKS key
 * passwords. */
static void
test_keys(void **state)
{
	char			*d;
	struct keystore		*ks;
	struct server_model	*m;
	X509			*leaf, *leaf2;
	const char		*alias = "test-root";

	(void)state;
	leaf = st_cert("im.example.test", leaf_key, NULL, NULL, 0, 400,
	    "DNS:im.example.test", false, NULL);
	leaf2 = st_cert("im.example.test", other_key, NULL, NULL, 0, 400,
	    "DNS:im.example.test", false, NULL);

	/* JKS, key with its own password. */
	d = st_tree_new();
	ks = st_ks(KS_FMT_JKS, false);
	st_add_key(ks, "integration-manager", leaf_key, &leaf, 1, "kp-1");
	st_save(ks, d, "conf/ssl/keystore.jks", PASS, 0640);
	alias = "integration-manager";
	st_jre(d, "21.0.7", &leaf, &alias, 1);
	st_props(d, "keystore.jks", "JKS", PASS,
	    "server.ssl.key-password=kp-1\n");
	m = assert_codes(d, 1, "cert-self-signed keystore-jks");
	assert_non_null(m->served->key_entry->pkey);
	assert_string_equal(st_row(m, "server.ssl.key-password")->check,
	    "opens key");
	server_model_free(m);
	st_props(d, "keystore.jks", "JKS", PASS, "");
	m = assert_codes(d, 1,
	    "cert-self-signed key-password-wrong keystore-jks");
	assert_null(m->served->key_entry->pkey);
	server_model_free(m);
	st_props(d, "keystore.jks", "PKCS12", PASS,
	    "server.ssl.key-password=kp-1\n");
	m = assert_codes(d, 1,
	    "cert-self-signed keystore-jks keystore-type-mismatch");
	assert_int_equal(st_finding(m, "keystore-type-mismatch")->sev,
	    SEV_WARN);
	assert_int_equal(st_finding(m, "keystore-type-mismatch")->line, 6);
	server_model_free(m);
	st_tree_rm(d);

	/* A key whose certificate belongs to another key (JKS keeps it). */
	d = st_tree_new();
	ks = st_ks(KS_FMT_JKS, false);
	st_add_key(ks, "integration-manager", leaf_key, &leaf2, 1, NULL);
	st_save(ks, d, "conf/ssl/keystore.jks", PASS, 0640);
	st_jre(d, "21.0.7", &leaf2, &alias, 1);
	st_props(d, "keystore.jks", "JKS", PASS, "");
	m = assert_codes(d, 1,
	    "cert-self-signed key-cert-mismatch keystore-jks");
	server_model_free(m);
	st_tree_rm(d);

	/* Two key entries and no key-alias; then only one. */
	d = st_tree_new();
	ks = st_ks(KS_FMT_PKCS12, false);
	st_add_key(ks, "first", leaf_key, &leaf, 1, NULL);
	st_add_key(ks, "second", other_key, &leaf2, 1, NULL);
	st_save(ks, d, "conf/ssl/keystore.p12", PASS, 0640);
	st_jre(d, "17.0.15", &leaf, &alias, 1);
	st_props(d, "keystore.p12", "PKCS12", PASS, "");
	/* drop the key-alias line */
	{
		char	*s;

		xasprintf(&s, "sharedDataPath=%s\nserver.port=8443\n"
		    "server.ssl.key-store=${sharedDataPath}/conf/ssl/"
		    "keystore.p12\nserver.ssl.key-store-password=%s\n"
		    "im.base-url=https://im.example.test:8443\n", d, PASS);
		st_write_str(d, "conf/application.properties", s);
		free(s);
	}
	m = assert_codes(d, 1, "alias-unset cert-self-signed");
	assert_string_equal(m->served->alias, "first");
	assert_string_equal(st_row(m, "server.ssl.key-alias")->check,
	    "unset");
	assert_int_equal(st_row(m, "server.ssl.key-alias")->sev, SEV_WARN);
	server_model_free(m);
	ks = st_ks(KS_FMT_PKCS12, false);
	st_add_key(ks, "only", leaf_key, &leaf, 1, NULL);
	st_save(ks, d, "conf/ssl/keystore.p12", PASS, 0640);
	m = assert_codes(d, 1, "cert-self-signed");
	assert_string_equal(m->served->alias, "only");
	server_model_free(m);
	/* Only trusted entries. */
	ks = st_ks(KS_FMT_PKCS12, false);
	st_add_trusted(ks, "root", root_x);
	st_save(ks, d, "conf/ssl/keystore.p12", PASS, 0640);
	m = assert_codes(d, 1, "no-key-entry");
	server_model_free(m);
	st_tree_rm(d);
	X509_free(leaf);
	X509_free(leaf2);
}

/* A PKCS#12 with AES and a SHA-256 MAC on JREs that cannot read it. */
static void
test_p12_jre(void **state)
{
	char			*d = std_tree(PASS, "DNS:im.example.test", "");
	struct server_model	*m;
	static const struct {
		const char	*version;
		const char	*codes;
	} v[] = {
		{ "1.8.0_292", "pkcs12-too-new" },
		{ "1.8.0_301", "" },
		{ "11.0.11", "pkcs12-too-new" },
		{ "11.0.12", "" },
		{ "10.0.2", "pkcs12-too-new" },
		{ "12", "" },
		{ "25", "" },
	};
	size_t			 i;
	char			*rel;
	const char		*alias = "test-root";

	(void)state;
	st_jre(d, "17", &root_x, &alias, 1);
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		xasprintf(&rel, "JAVA_VERSION=\"%s\"\n", v[i].version);
		st_write_str(d, "jre/release", rel);
		free(rel);
		m = assert_codes(d, 1, v[i].codes);
		server_model_free(m);
	}
	st_tree_rm(d);
}

/* The probe hook. */
static void
test_served(void **state)
{
	char			*d = std_tree(PASS, "DNS:im.example.test", "");
	struct server_model	*m;
	struct cert		*other;
	X509			*x;

	(void)state;
	m = assert_codes(d, 1, "");
	audit_served(m, m->served->key_entry->chain, m->served->key_entry->nchain,
	    "localhost:8443");
	assert_string_equal(st_codes(m), "");
	x = st_cert("im.example.test", other_key, NULL, NULL, 0, 10, NULL,
	    false, NULL);
	other = cert_from_x509(x, NULL);
	audit_served(m, &other, 1, "localhost:8443");
	assert_string_equal(st_codes(m), "served-cert-differs");
	assert_int_equal(m->findings[0]->sev, SEV_CRIT);
	assert_non_null(strstr(m->findings[0]->message, "localhost:8443"));
	assert_int_equal(audit_exit_code(m), 2);
	cert_free(other);
	X509_free(x);
	server_model_free(m);
	st_tree_rm(d);
}

/* The properties text: duplicates, backslashes, non-ASCII, base URL. */
static void
test_properties(void **state)
{
	char			*d = std_tree(PASS, "DNS:im.example.test",
	    "server.ssl.keyAlias=integration-manager\n"
	    "logging.file.name=C:\\temp\\new.log\n"
	    "# caf\xc3\xa9\n");
	struct server_model	*m;
	const struct finding	*f;

	(void)state;
	m = assert_codes(d, 1, "properties-backslash properties-non-ascii "
	    "property-duplicate");
	f = st_finding(m, "property-duplicate");
	assert_int_equal(f->line, 3);
	assert_non_null(strstr(f->message, "lines 3 (server.ssl.key-alias) "
	    "and 8 (server.ssl.keyAlias)"));
	assert_string_equal(st_row(m, "server.ssl.key-alias")->check,
	    "duplicate");
	assert_int_equal(st_row(m, "server.ssl.key-alias")->count, 2);
	f = st_finding(m, "properties-backslash");
	assert_int_equal(f->line, 9);
	assert_non_null(strstr(f->message, "reads \"C:\\temp\\new.log\" as "
	    "\"C:\\u0009emp\\u000Aew.log\""));
	assert_int_equal(st_finding(m, "properties-non-ascii")->line, 10);
	server_model_free(m);
	st_tree_rm(d);

	/* Scheme and port of im.base-url. */
	d = std_tree(PASS, "DNS:im.example.test",
	    "im.base-url=http://im.example.test:9443/im\n");
	m = assert_codes(d, 1, "base-url-port base-url-scheme "
	    "property-duplicate");
	assert_string_equal(st_row(m, "im.base-url")->value,
	    "http://im.example.test:9443/im");
	server_model_free(m);
	st_tree_rm(d);
}

/* Bad input: junk, malformed escapes, junk keystores, a directory. */
static void
test_bad_input(void **state)
{
	char			*d = std_tree(PASS, "DNS:im.example.test", "");
	struct server_model	*m;
	struct server_opts	 o;
	unsigned char		 junk[4096];
	uint32_t		 x = 2463534242u;
	char			*cause = NULL, *p;
	size_t			 i;
	int			 round;

	(void)state;
	for (round = 0; round < 20; round++) {
		for (i = 0; i < sizeof junk; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			junk[i] = (unsigned char)x;
			if (round % 2 == 0 && junk[i] == '\\')
				junk[i] = '/';
		}
		st_write(d, "conf/application.properties", junk,
		    sizeof junk >> (round % 4), 0640);
		/* Binary junk is no properties file: refused, naming it. */
		server_opts_init(&o);
		o.server = d;
		o.flags = SERVER_NO_LIVE;
		assert_int_equal(server_model_load(&o, &m, &cause), -1);
		assert_null(m);
		assert_non_null(strstr(cause, "conf/application.properties: "
		    "looks like binary data"));
		free(cause);
		cause = NULL;
	}

	/* \u with bad hex: Java throws, the server would not start. */
	st_write_str(d, "conf/application.properties",
	    "server.port=8443\nserver.ssl.key-alias=\\u12G4\n");
	m = assert_codes(d, 1, "properties-malformed");
	assert_int_equal(findings_worst(m), SEV_CRIT);
	server_model_free(m);

	/* Junk and empty keystores. */
	st_props(d, "keystore.p12", "PKCS12", PASS, "");
	st_write(d, "conf/ssl/keystore.p12", junk, 300, 0640);
	m = assert_codes(d, 1, "keystore-corrupt");
	assert_non_null(m->served->ks_error);
	server_model_free(m);
	st_write(d, "conf/ssl/keystore.p12", "", 0, 0640);
	m = assert_codes(d, 1, "keystore-corrupt");
	server_model_free(m);
	/* A keystore that is PEM (a certificate file). */
	st_write_str(d, "conf/ssl/keystore.p12", "-----BEGIN CERTIFICATE-----\n"
	    "MIIB\n-----END CERTIFICATE-----\n");
	m = st_load(d, 1);
	check_table(m);
	server_model_free(m);

	/* The properties path is a directory: an error, not a model. */
	xasprintf(&p, "%s/conf", d);
	server_opts_init(&o);
	o.properties = p;
	o.flags = SERVER_NO_LIVE;
	assert_int_equal(server_model_load(&o, &m, &cause), -1);
	assert_null(m);
	assert_non_null(strstr(cause, "directory"));
	free(cause);
	cause = NULL;
	free(p);

	/* Unreadable keystore and properties (not for root). */
	if (geteuid() != 0) {
		st_props(d, "keystore.p12", "PKCS12", PASS, "");
		st_write(d, "conf/ssl/keystore.p12", junk, 10, 0);
		m = assert_codes(d, 1, "keystore-unreadable");
		server_model_free(m);
		st_write(d, "conf/application.properties", "x", 1, 0);
		server_opts_init(&o);
		o.server = d;
		assert_int_equal(server_model_load(&o, &m, &cause), -1);
		assert_non_null(strstr(cause, "ermission"));
		free(cause);
	}
	st_tree_rm(d);
}

/* URL parsing and SAN matching. */
static void
test_url_san(void **state)
{
	char		*s, *h;
	int		 port;
	X509		*x;
	struct cert	*c;

	(void)state;
	assert_true(audit_parse_url("https://im.example:443/x", &s, &h,
	    &port));
	assert_string_equal(s, "https");
	assert_string_equal(h, "im.example");
	assert_int_equal(port, 443);
	free(s);
	free(h);
	assert_true(audit_parse_url("HTTP://[::1]/", &s, &h, &port));
	assert_string_equal(s, "http");
	assert_string_equal(h, "::1");
	assert_int_equal(port, -1);
	free(s);
	free(h);
	assert_true(audit_parse_url("https://u:p@h.example:8443", &s, &h,
	    &port));
	assert_string_equal(h, "h.example");
	assert_int_equal(port, 8443);
	free(s);
	free(h);
	assert_false(audit_parse_url("im.example:443", &s, &h, &port));
	assert_false(audit_parse_url("https://:443", &s, &h, &port));
	assert_false(audit_parse_url("https://h:99999", &s, &h, &port));
	assert_false(audit_parse_url("https://h:4a", &s, &h, &port));

	x = st_cert("x", leaf_key, NULL, NULL, 0, 10,
	    "DNS:*.example.test,DNS:Host.Other,IP:10.0.0.5,IP:2001:db8::1",
	    false, NULL);
	c = cert_from_x509(x, NULL);
	assert_true(audit_san_matches(c, "im.example.test"));
	assert_true(audit_san_matches(c, "IM.EXAMPLE.TEST"));
	assert_false(audit_san_matches(c, "a.b.example.test"));
	assert_false(audit_san_matches(c, "example.test"));
	assert_true(audit_san_matches(c, "host.other"));
	assert_true(audit_san_matches(c, "10.0.0.5"));
	assert_false(audit_san_matches(c, "10.0.0.6"));
	assert_true(audit_san_matches(c, "2001:db8:0::1"));
	assert_false(audit_san_matches(c, "10.0.0.5.example.test"));
	cert_free(c);
	X509_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_strength),
		cmocka_unit_test(test_sha1_root),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_chains),
		cmocka_unit_test(test_selfsigned),
		cmocka_unit_test(test_example_password),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_p12_jre),
		cmocka_unit_test(test_served),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_url_san),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}

/* SPDX-License-Identifier: ISC */
/*
 * test-steps.c -- the keystore transaction (step.c) and the key and
 * certificate steps (genkey, csr, import-reply, import-cert, import-pem,
 * export) on temp copies of the samples and on new stores: each step's
 * success, and every refusal leaving the file byte for byte as it was.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <ftw.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "testutil.h"

static char	 tmpdir[] = "/tmp/tlsdeck-steps.XXXXXX";
static EVP_PKEY	*root_key, *int_key, *other_key;
static X509	*root_x, *int_x, *int_expired_x;
static struct secret *SP, *KP;	/* store and key passwords */

/* ------------------------------------------------------------------ */
/* Helpers. */

/* A path in the scratch directory (static buffer, one of 64 in turn). */
static const char *
tp(const char *name)
{
	static char	buf[64][512];
	static int	i;

	i = (i + 1) % 64;
	snprintf(buf[i], sizeof buf[i], "%s/%s", tmpdir, name);
	return (buf[i]);
}

/* A certificate: subject CN, key pub, signed by ikey (self when NULL). */
static X509 *
mk_cert(const char *cn, EVP_PKEY *pub, X509 *issuer, EVP_PKEY *ikey, bool ca,
    long from, long to)
{
	X509		*x = X509_new();
	X509_EXTENSION	*ext;
	X509V3_CTX	 ctx;
	static long	 serial = 1000;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "O", MBSTRING_ASC,
	    (const unsigned char *)"Steps Test", -1, -1, 0);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) :
	    X509_get_subject_name(x));
	X509_gmtime_adj(X509_getm_notBefore(x), from);
	X509_gmtime_adj(X509_getm_notAfter(x), to);
	X509_set_pubkey(x, pub);
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	    ca ? "critical,CA:TRUE" : "CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	X509_sign(x, ikey != NULL ? ikey : pub, EVP_sha256());
	return (x);
}

/* Write certificates as one PEM file. */
static void
put_pem(const char *path, X509 *a, X509 *b, X509 *c)
{
	FILE	*f = fopen(path, "w");
	X509	*v[3] = { a, b, c };
	int	 i;

	assert_non_null(f);
	for (i = 0; i < 3; i++)
		if (v[i] != NULL)
			PEM_write_X509(f, v[i]);
	fclose(f);
}

/* Copy a sample to the scratch directory; returns the new path. */
static const char *
copy_sample(const char *sample, const char *name)
{
	unsigned char	*buf;
	size_t		 len;
	const char	*p = tp(name);
	FILE		*f;

	buf = td_read(sample, &len);
	assert_non_null(f = fopen(p, "w"));
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
	/* Private, as a keystore is (a key write tightens and notes 0644). */
	assert_int_equal(chmod(p, 0600), 0);
	free(buf);
	return (p);
}

/* The bytes of a file, to compare after a refusal. */
struct snap {
	unsigned char	*buf;
	size_t		 len;
};

static struct snap
snap(const char *path)
{
	struct snap	 s = { NULL, 0 };
	char		*cause = NULL;

	if (file_read(path, &s.buf, &s.len, &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	return (s);
}

/* The file still holds exactly s (frees s). */
static void
assert_unchanged(const char *path, struct snap s)
{
	struct snap	n = snap(path);

	assert_int_equal(n.len, s.len);
	assert_memory_equal(n.buf, s.buf, s.len);
	free(n.buf);
	free(s.buf);
}

/* No temporary files are left in the scratch directory. */
static void
assert_no_tmp(void)
{
	DIR		*d = opendir(tmpdir);
	struct dirent	*de;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		assert_null(strstr(de->d_name, SW_TMP_PREFIX));
	closedir(d);
}

/* cause contains what; frees and clears it. */
static void
assert_cause(char **cause, const char *what)
{
	assert_non_null(*cause);
	if (strstr(*cause, what) == NULL) {
		print_error("cause \"%s\" lacks \"%s\"\n", *cause, what);
		fail();
	}
	free(*cause);
	*cause = NULL;
}

/* Load a keystore, failing the test on error. */
static struct keystore *
load(const char *path, const struct secret *pass)
{
	struct keystore	*ks = NULL;
	char		*cause = NULL;

	if (keystore_load(path, pass, 0, &ks, &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	return (ks);
}

/* The leaf certificate of the entry alias in path, re-read. */
static struct cert *
leaf_of(const char *path, const struct secret *pass, const char *alias,
    size_t *nchain)
{
	struct keystore	*ks = load(path, pass);
	struct ks_entry	*e = keystore_find(ks, alias);
	struct cert	*c;

	assert_non_null(e);
	c = cert_dup(e->chain[0]);
	if (nchain != NULL)
		*nchain = e->nchain;
	keystore_free(ks);
	return (c);
}

/* genkey with defaults (EC for speed unless alg given). */
static int
genkey(const char *path, const char *alias, const char *alg,
    struct step_result *r, char **cause)
{
	struct step_genkey_opts	o;

	memset(&o, 0, sizeof o);
	o.alias = alias;
	o.dname = "CN=host.example.com, O=Example";
	o.san = "dns:host.example.com,ip:10.0.0.5";
	o.keyalg = alg != NULL ? alg : "ec";
	return (step_genkey(path, SP, &o, r, cause));
}

/* A certificate for the key of entry alias, issued by the intermediate. */
static X509 *
sign_entry(const char *path, const char *alias, const char *cn)
{
	struct cert	*c = leaf_of(path, SP, alias, NULL);
	X509		*x;

	x = mk_cert(cn, X509_get0_pubkey(cert_x509(c, NULL)), int_x, int_key,
	    false, 0, 86400L * 365);
	cert_free(c);
	return (x);
}

/* SHA-256 of an X509's DER. */
static void
x509_sha256(X509 *x, unsigned char out[32])
{
	unsigned int	n = 32;

	X509_digest(x, EVP_sha256(), out, &n);
}

/* ------------------------------------------------------------------ */

static int
rm_cb(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	remove(p);
	return (0);
}

static int
setup(void **state)
{
	char	*cause = NULL;

	if (mkdtemp(tmpdir) == NULL)
		return (-1);
	setenv("TLSDECK_BACKUP_DIR", tp("backups"), 1);
	unsetenv("JAVA_HOME");
	if (keygen_generate("ec", 0, "P-256", &root_key, &cause) != 0 ||
	    keygen_generate("ec", 0, "P-256", &int_key, &cause) != 0 ||
	    keygen_generate("ec", 0, "P-256", &other_key, &cause) != 0)
		return (-1);
	root_x = mk_cert("Steps Root CA", root_key, NULL, NULL, true, 0,
	    86400L * 3650);
	int_x = mk_cert("Steps Int CA", int_key, root_x, root_key, true, 0,
	    86400L * 3000);
	int_expired_x = mk_cert("Steps Int CA", int_key, root_x, root_key,
	    true, -86400L * 30, -86400L);
	put_pem(tp("root.pem"), root_x, NULL, NULL);
	put_pem(tp("int.pem"), int_x, NULL, NULL);
	put_pem(tp("cas.pem"), root_x, int_x, NULL);
	put_pem(tp("int-expired.pem"), int_expired_x, NULL, NULL);
	SP = secret_from_str("st0re-pw");
	KP = secret_from_str("k3y-pw");
	return (0);
}

static int
teardown(void **state)
{
	nftw(tmpdir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(int_key);
	EVP_PKEY_free(other_key);
	X509_free(root_x);
	X509_free(int_x);
	X509_free(int_expired_x);
	secret_free(SP);
	secret_free(KP);
	return (0);
}

/* ------------------------------------------------------------------ */
/* ks_txn */

static void
test_txn_refusals(void **state)
{
	struct ks_txn	*t = NULL;
	struct secret	*sp = secret_from_str("storepass");
	struct secret	*bad = secret_from_str("wrong");
	const char	*p;
	char		*cause = NULL;

	assert_int_equal(ks_txn_open(tp("missing.p12"), sp, 0, KS_FMT_UNKNOWN,
	    &t, &cause), -1);
	assert_null(t);
	assert_cause(&cause, "missing.p12");
	p = copy_sample("samples/sample-jceks17.jceks", "t.jceks");
	assert_int_equal(ks_txn_open(p, sp, 0, 0, &t, &cause), -1);
	assert_cause(&cause, "JCEKS");
	p = copy_sample("samples/certs/ca.pem", "t.pem");
	assert_int_equal(ks_txn_open(p, sp, 0, 0, &t, &cause), -1);
	assert_cause(&cause, "certificate file");
	p = copy_sample("samples/sample-jdk17.p12", "t.p12");
	assert_int_equal(ks_txn_open(p, bad, 0, 0, &t, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(ks_txn_open(p, NULL, 0, 0, &t, &cause), -1);
	assert_cause(&cause, "password");
	assert_int_equal(ks_txn_open(p, sp, KS_TXN_MUSTNEW, 0, &t, &cause), -1);
	assert_cause(&cause, "already exists");
	p = copy_sample("samples/sample-jks17.jks", "t.jks");
	assert_int_equal(ks_txn_open(p, NULL, 0, 0, &t, &cause), -1);
	assert_cause(&cause, "store password is needed");
	assert_int_equal(ks_txn_open(tp("new.p12"), NULL, KS_TXN_CREATE, 0, &t,
	    &cause), -1);
	assert_cause(&cause, "password is needed to create");
	assert_int_equal(access(tp("new.p12"), F_OK), -1);
	/* A passwordless PKCS#12 opens without one. */
	p = copy_sample("samples/sample-jdk25-passwordless.p12", "t-nopw.p12");
	assert_int_equal(ks_txn_open(p, NULL, 0, 0, &t, &cause), 0);
	assert_int_equal(t->ks->nentries, 2);
	assert_int_equal(ks_txn_commit(t, "test", "rewrite", &cause), 0);
	ks_txn_close(t);
	secret_free(sp);
	secret_free(bad);
}

/* A changed JKS key with its own password is verified recoverable. */
static void
test_txn_changed_key(void **state)
{
	struct secret	*sp = secret_from_str("storepass");
	struct secret	*kp = secret_from_str("keypass1");
	struct ks_txn	*t = NULL;
	struct keystore	*ks;
	struct ks_entry	*e;
	struct stat	 st;
	const char	*p;
	char		*cause = NULL;

	p = copy_sample("samples/sample-jks17.jks", "chg.jks");
	chmod(p, 0640);
	assert_int_equal(ks_txn_open(p, sp, 0, 0, &t, &cause), 0);
	assert_false(t->created);
	e = keystore_find(t->ks, "server");
	assert_int_equal(keystore_recover_key(t->ks, e, kp, &cause), 0);
	free(e->prot);
	e->prot = NULL;			/* re-protect it */
	e->keypass = secret_dup(kp);
	assert_int_equal(ks_txn_commit(t, "test", "re-protect", &cause), 0);
	assert_int_not_equal(sw_backup_id(t->sw), 0);
	ks_txn_close(t);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);	/* mode kept */
	ks = load(p, sp);
	e = keystore_find(ks, "server");
	assert_int_equal(e->nchain, 3);
	assert_int_equal(keystore_recover_key(ks, e, kp, &cause), 0);
	keystore_free(ks);
	secret_free(sp);
	secret_free(kp);
}

/* What does not read back as intended is refused: nothing changes. */
static void
test_txn_verify_refuses(void **state)
{
	struct secret	*sp = secret_from_str("storepass");
	struct ks_txn	*t = NULL;
	struct ks_entry	*e;
	struct cert	*c;
	struct snap	 s;
	const char	*p;
	char		*cause = NULL;

	p = copy_sample("samples/sample-jdk17.p12", "ver.p12");
	s = snap(p);
	assert_int_equal(ks_txn_open(p, sp, 0, 0, &t, &cause), 0);
	/* A trusted entry with two certificates: PKCS#12 keeps one. */
	e = keystore_find(t->ks, "labroot");
	assert_non_null(e);
	assert_non_null(c = cert_from_x509(int_x, &cause));
	ks_entry_add_cert(e, c);
	assert_int_equal(ks_txn_commit(t, "test", "bad", &cause), -1);
	assert_cause(&cause, "failed verification");
	ks_txn_close(t);
	assert_unchanged(p, s);
	assert_no_tmp();
	secret_free(sp);
}

/* ------------------------------------------------------------------ */
/* genkey */

static void
test_genkey_new_p12(void **state)
{
	struct step_genkey_opts	 o;
	struct step_result	 r;
	struct keystore		*ks;
	struct ks_entry		*e;
	struct stat		 st;
	const char		*p = tp("g.p12");
	char			*cause = NULL;

	memset(&o, 0, sizeof o);
	o.alias = "Server";
	o.dname = "CN=srv.example.com, O=Example";
	o.san = "dns:srv.example.com,ip:10.0.0.5";
	o.keypass = KP;
	assert_int_equal(step_genkey(p, SP, &o, &r, &cause), 0);
	assert_true(r.created);
	assert_false(r.replaced);
	assert_int_equal(r.format, KS_FMT_PKCS12);
	assert_int_equal(r.backup_id, 0);
	assert_string_equal(r.aliases[0], "Server");
	assert_int_equal(r.nchain, 1);
	assert_int_equal(r.anchor, STEP_ANCHOR_SELF);
	assert_string_equal(r.chain[0]->info.key, "RSA 2048");
	assert_string_equal(r.chain[0]->info.sig_alg, "SHA256withRSA");
	assert_int_equal(r.chain[0]->info.not_after -
	    r.chain[0]->info.not_before, 3650L * 86400);
	assert_int_equal(r.chain[0]->info.nsan, 2);
	/* PKCS12: the key password given is ignored, with a note. */
	assert_int_equal(r.nnotes, 1);
	assert_non_null(strstr(r.notes[0], "ignored"));
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	ks = load(p, SP);
	assert_int_equal(ks->nentries, 1);
	e = keystore_find(ks, "server");
	assert_non_null(e);
	assert_int_equal(e->type, KS_ENTRY_KEY);
	assert_memory_equal(cert_sha256(e->chain[0]), cert_sha256(r.chain[0]),
	    32);
	assert_int_equal(keystore_recover_key(ks, e, SP, &cause), 0);
	assert_true(key_matches_cert(e->pkey, cert_x509(e->chain[0], NULL)));
	keystore_free(ks);
	step_result_free(&r);
}

static void
test_genkey_jks_existing(void **state)
{
	struct secret		*sp = secret_from_str("storepass");
	struct secret		*kp1 = secret_from_str("keypass1");
	struct step_genkey_opts	 o;
	struct step_result	 r;
	struct keystore		*ks;
	struct ks_entry		*e;
	const char		*p;
	char			*cause = NULL;

	p = copy_sample("samples/sample-jks17.jks", "g.jks");
	memset(&o, 0, sizeof o);
	o.alias = "NewKey";
	o.dname = "CN=new";
	o.keyalg = "ec";
	o.keysize = 384;
	o.days = 90;
	o.keypass = KP;
	assert_int_equal(step_genkey(p, sp, &o, &r, &cause), 0);
	assert_false(r.created);
	assert_int_not_equal(r.backup_id, 0);
	assert_string_equal(r.aliases[0], "newkey");	/* JKS: lower */
	assert_string_equal(r.chain[0]->info.key, "EC P-384");
	assert_string_equal(r.chain[0]->info.sig_alg, "SHA384withECDSA");
	assert_int_equal(r.nnotes, 0);
	step_result_free(&r);
	ks = load(p, sp);
	assert_int_equal(ks->nentries, 4);
	e = keystore_find(ks, "newkey");
	assert_int_equal(keystore_recover_key(ks, e, sp, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(keystore_recover_key(ks, e, KP, &cause), 0);
	/* The untouched entry still has its own key password and chain. */
	e = keystore_find(ks, "server");
	assert_int_equal(e->nchain, 3);
	assert_int_equal(keystore_recover_key(ks, e, kp1, &cause), 0);
	keystore_free(ks);
	secret_free(sp);
	secret_free(kp1);
}

static void
test_genkey_refusals(void **state)
{
	static const struct {
		const char	*alias, *dname, *san, *alg, *curve;
		int		 keysize, days;
		enum ks_format	 st;
		const char	*why;
	} bad[] = {
		{ "host", "CN=x", NULL, "ec", NULL, 0, 0, 0, "already exists" },
		{ "HOST", "CN=x", NULL, "ec", NULL, 0, 0, 0, "already exists" },
		{ "n", "CN=x, FOO=y", NULL, NULL, NULL, 0, 0, 0, "FOO" },
		{ "n", "CN=x", "dns:a_b", NULL, NULL, 0, 0, 0, "a_b" },
		{ "n", "CN=x", NULL, "rsa", NULL, 1024, 0, 0, "too small" },
		{ "n", "CN=x", NULL, "rsa", "P-256", 0, 0, 0, "curve" },
		{ "n", "CN=x", NULL, "ec", NULL, 200, 0, 0, "EC key size" },
		{ "n", "CN=x", NULL, "ec", "P-384", 256, 0, 0, "disagree" },
		{ "n", "CN=x", NULL, "dsa", NULL, 0, 0, 0, "dsa" },
		{ "n", "CN=x", NULL, "ec", NULL, 0, -1, 0, "days" },
		{ "n", "CN=x", NULL, "ec", NULL, 0, KEYGEN_MAX_DAYS + 1, 0,
		    "days" },
		{ "n", "CN=x", NULL, "ec", NULL, 0, 0, KS_FMT_JKS, "not JKS" },
		{ "", "CN=x", NULL, "ec", NULL, 0, 0, 0, "alias" },
		{ "n", "", NULL, "ec", NULL, 0, 0, 0, "distinguished name" },
	};
	struct step_genkey_opts	 o;
	struct step_result	 r;
	struct secret		*wrong = secret_from_str("nope!!");
	struct snap		 s;
	const char		*p = tp("gr.p12");
	char			*cause = NULL;
	size_t			 i;

	assert_int_equal(genkey(p, "host", NULL, &r, &cause), 0);
	step_result_free(&r);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		s = snap(p);
		memset(&o, 0, sizeof o);
		o.alias = bad[i].alias;
		o.dname = bad[i].dname;
		o.san = bad[i].san;
		o.keyalg = bad[i].alg;
		o.curve = bad[i].curve;
		o.keysize = bad[i].keysize;
		o.days = bad[i].days;
		o.storetype = bad[i].st;
		assert_int_equal(step_genkey(p, SP, &o, &r, &cause), -1);
		assert_null(r.aliases);
		assert_cause(&cause, bad[i].why);
		assert_unchanged(p, s);
	}
	/* Wrong store password; a JCEKS file. */
	s = snap(p);
	memset(&o, 0, sizeof o);
	o.alias = "m";
	o.dname = "CN=m";
	o.keyalg = "ec";
	assert_int_equal(step_genkey(p, wrong, &o, &r, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_unchanged(p, s);
	p = copy_sample("samples/sample-jceks17.jceks", "gr.jceks");
	s = snap(p);
	assert_int_equal(step_genkey(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "JCEKS");
	assert_unchanged(p, s);
	assert_no_tmp();
	secret_free(wrong);
}

static void
test_genkey_replace_dryrun(void **state)
{
	struct step_genkey_opts	 o;
	struct step_result	 r;
	struct keystore		*ks;
	struct cert		*old, *now;
	struct snap		 s;
	const char		*p = tp("rep.p12");
	char			*cause = NULL;

	assert_int_equal(genkey(p, "a", NULL, &r, &cause), 0);
	step_result_free(&r);
	assert_int_equal(genkey(p, "b", NULL, &r, &cause), 0);
	step_result_free(&r);
	old = leaf_of(p, SP, "a", NULL);
	/* dry run: checked, not written */
	s = snap(p);
	memset(&o, 0, sizeof o);
	o.alias = "a";
	o.dname = "CN=again";
	o.keyalg = "ec";
	o.replace = true;
	o.dry_run = true;
	o.accept_san_loss = true;	/* a new key, not a renewal */
	assert_int_equal(step_genkey(p, SP, &o, &r, &cause), 0);
	assert_true(r.replaced);
	step_result_free(&r);
	assert_unchanged(p, s);
	o.dry_run = false;
	assert_int_equal(step_genkey(p, SP, &o, &r, &cause), 0);
	assert_true(r.replaced);
	assert_int_not_equal(r.backup_id, 0);
	step_result_free(&r);
	now = leaf_of(p, SP, "a", NULL);
	assert_memory_not_equal(cert_sha256(old), cert_sha256(now), 32);
	assert_string_equal(now->info.subject, "CN=again");
	ks = load(p, SP);
	assert_int_equal(ks->nentries, 2);
	assert_string_equal(ks->entries[0]->alias, "a");	/* in place */
	keystore_free(ks);
	cert_free(old);
	cert_free(now);
	/* A dry run on a new file creates nothing. */
	o.alias = "x";
	o.replace = false;
	o.dry_run = true;
	assert_int_equal(step_genkey(tp("dry.p12"), SP, &o, &r, &cause), 0);
	assert_true(r.created);
	step_result_free(&r);
	assert_int_equal(access(tp("dry.p12"), F_OK), -1);
}

/* ------------------------------------------------------------------ */
/* csr */

static void
test_csr(void **state)
{
	struct step_csr_opts	 o;
	struct step_result	 r;
	struct keystore		*ks;
	struct csr_info		*ci;
	const char		*p = tp("csr.p12");
	char			*pem = NULL, *cause = NULL, *s;

	assert_int_equal(genkey(p, "srv", "rsa", &r, &cause), 0);
	step_result_free(&r);
	ks = load(p, SP);
	memset(&o, 0, sizeof o);
	o.alias = "SRV";
	assert_int_equal(step_csr(ks, SP, &o, &pem, &r, &cause), 0);
	assert_non_null(strstr(pem, "BEGIN CERTIFICATE REQUEST"));
	assert_int_equal(csr_info_parse(pem, strlen(pem), &ci, &cause), 0);
	assert_true(ci->sig_ok);
	assert_string_equal(ci->subject, "CN=host.example.com, O=Example");
	s = san_list_to_string(ci->san);
	assert_string_equal(s, "dns:host.example.com, ip:10.0.0.5");
	free(s);
	assert_true(csr_key_matches(ci, keystore_find(ks, "srv")->pkey));
	assert_int_equal(r.nnotes, 2);
	assert_non_null(strstr(r.notes[0], "kept"));
	assert_non_null(strstr(r.notes[1], "renewal: the same"));
	assert_false(r.san_loss);
	csr_info_free(ci);
	free(pem);
	step_result_free(&r);
	/* Other SANs and subject: the certificate's SANs would be lost,
	 * refused unless accepted. */
	o.san = "dns:other.example";
	o.dname = "CN=other.example";
	assert_int_equal(step_csr(ks, SP, &o, &pem, &r, &cause), -1);
	assert_null(pem);
	assert_cause(&cause, "--accept-san-loss");
	/* Accepted; then no SANs at all. */
	o.accept_san_loss = true;
	assert_int_equal(step_csr(ks, SP, &o, &pem, &r, &cause), 0);
	assert_true(r.san_loss);
	assert_int_equal(csr_info_parse(pem, strlen(pem), &ci, &cause), 0);
	assert_string_equal(ci->subject, "CN=other.example");
	assert_int_equal(ci->san->n, 1);
	csr_info_free(ci);
	free(pem);
	step_result_free(&r);
	o.san = "";
	assert_int_equal(step_csr(ks, SP, &o, &pem, &r, &cause), 0);
	assert_int_equal(csr_info_parse(pem, strlen(pem), &ci, &cause), 0);
	assert_int_equal(ci->san->n, 0);
	assert_non_null(strstr(r.notes[0], "no subject alternative"));
	csr_info_free(ci);
	free(pem);
	step_result_free(&r);
	/* Refusals. */
	o.san = NULL;
	o.dname = NULL;
	o.alias = "nope";
	assert_int_equal(step_csr(ks, SP, &o, &pem, &r, &cause), -1);
	assert_null(pem);
	assert_cause(&cause, "no entry");
	o.alias = "srv";
	o.dname = "CN=x, BAD=1";
	assert_int_equal(step_csr(ks, SP, &o, &pem, &r, &cause), -1);
	assert_cause(&cause, "BAD");
	o.dname = NULL;
	o.san = "ip:300.1.1.1";
	assert_int_equal(step_csr(ks, SP, &o, &pem, &r, &cause), -1);
	assert_cause(&cause, "300.1.1.1");
	keystore_free(ks);
}

static void
test_csr_jks(void **state)
{
	struct secret		*sp = secret_from_str("storepass");
	struct secret		*kp1 = secret_from_str("keypass1");
	struct step_csr_opts	 o;
	struct step_result	 r;
	struct keystore		*ks;
	char			*pem = NULL, *cause = NULL;

	ks = load(td_path("samples/sample-jks17.jks"), sp);
	memset(&o, 0, sizeof o);
	o.alias = "server";
	/* The store password is not the key password. */
	assert_int_equal(step_csr(ks, sp, &o, &pem, &r, &cause), -1);
	assert_cause(&cause, "password");
	o.keypass = kp1;
	assert_int_equal(step_csr(ks, sp, &o, &pem, &r, &cause), 0);
	free(pem);
	step_result_free(&r);
	o.alias = "labroot";
	assert_int_equal(step_csr(ks, sp, &o, &pem, &r, &cause), -1);
	assert_cause(&cause, "not a key entry");
	keystore_free(ks);
	secret_free(sp);
	secret_free(kp1);
}

/* ------------------------------------------------------------------ */
/* import-reply */

/* A key entry "srv" in a new store, and its CA-signed certificate. */
static X509 *
reply_setup(const char *p, const char *leafpem)
{
	struct step_result	 r;
	char			*cause = NULL;
	X509			*leaf;

	assert_int_equal(genkey(p, "srv", NULL, &r, &cause), 0);
	step_result_free(&r);
	leaf = sign_entry(p, "srv", "host.example.com");
	put_pem(leafpem, leaf, NULL, NULL);
	return (leaf);
}

static void
test_reply_orders(void **state)
{
	struct step_reply_opts	 o;
	struct step_result	 r;
	struct keystore		*ks;
	struct ks_entry		*e;
	unsigned char		 want[3][32];
	const char		*p = tp("rep-o.p12");
	const char		*files[3];
	char			*cause = NULL;
	X509			*leaf;
	size_t			 i;

	leaf = reply_setup(p, tp("r-leaf.pem"));
	x509_sha256(leaf, want[0]);
	x509_sha256(int_x, want[1]);
	x509_sha256(root_x, want[2]);
	memset(&o, 0, sizeof o);
	o.alias = "srv";
	o.accept_san_loss = true;	/* the reply has other SANs */
	files[0] = tp("root.pem");
	files[1] = tp("r-leaf.pem");
	files[2] = tp("int.pem");
	o.files = files;
	o.nfiles = 3;
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), 0);
	assert_int_equal(r.nchain, 3);
	assert_int_equal(r.anchor, STEP_ANCHOR_REPLY);
	assert_int_not_equal(r.backup_id, 0);
	assert_non_null(strstr(r.notes[r.nnotes - 1], "not a trusted"));
	for (i = 0; i < 3; i++)
		assert_memory_equal(cert_sha256(r.chain[i]), want[i], 32);
	step_result_free(&r);
	ks = load(p, SP);
	e = keystore_find(ks, "srv");
	assert_int_equal(e->nchain, 3);
	for (i = 0; i < 3; i++)
		assert_memory_equal(cert_sha256(e->chain[i]), want[i], 32);
	/* The key is untouched and still recovers. */
	assert_int_equal(keystore_recover_key(ks, e, SP, &cause), 0);
	keystore_free(ks);
	X509_free(leaf);
}

static void
test_reply_refusals(void **state)
{
	struct step_reply_opts	 o;
	struct step_result	 r;
	struct snap		 s;
	const char		*p = tp("rep-r.p12");
	const char		*files[3];
	char			*cause = NULL;
	X509			*leaf, *wrong;

	leaf = reply_setup(p, tp("rr-leaf.pem"));
	wrong = mk_cert("host.example.com", other_key, int_x, int_key, false, 0,
	    86400L * 365);
	put_pem(tp("rr-wrong.pem"), wrong, NULL, NULL);
	put_pem(tp("rr-wrong-bundle.pem"), wrong, int_x, root_x);
	put_pem(tp("rr-leaf-expint.pem"), leaf, int_expired_x, root_x);
	put_pem(tp("rr-leaf-int.pem"), leaf, int_x, NULL);
	memset(&o, 0, sizeof o);
	o.alias = "srv";
	o.files = files;
	o.nfiles = 1;
	s = snap(p);

	/* Leaf only, nothing to complete it. */
	files[0] = tp("rr-leaf.pem");
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "incomplete chain");
	/* Leaf + int, root nowhere. */
	files[0] = tp("rr-leaf-int.pem");
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "incomplete chain");
	/* Another key. */
	files[0] = tp("rr-wrong.pem");
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "public keys in reply and keystore don't match");
	files[0] = tp("rr-wrong-bundle.pem");
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "does not contain the public key");
	/* An expired intermediate. */
	files[0] = tp("rr-leaf-expint.pem");
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "expired");
	/* Not a certificate; an empty file; a missing file. */
	files[0] = td_path("certs/not-pem.txt");
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "not-pem.txt");
	files[0] = td_path("certs/empty.pem");
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "empty.pem");
	files[0] = tp("no-such-reply.pem");
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "no-such-reply.pem");
	/* Not a key entry; no such alias; no files. */
	files[0] = tp("rr-leaf.pem");
	o.alias = "nope";
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "no entry");
	o.nfiles = 0;
	o.alias = "srv";
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "no reply");
	assert_unchanged(p, s);

	/* The leaf drops the SANs of the certificate it replaces: refused
	 * unless the loss is accepted. */
	o.nfiles = 1;
	o.allow_untrusted = true;
	s = snap(p);
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "--accept-san-loss");
	assert_unchanged(p, s);
	o.accept_san_loss = true;
	/* Allowed: the leaf alone, then the same again is refused. */
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), 0);
	assert_int_equal(r.nchain, 1);
	assert_int_equal(r.anchor, STEP_ANCHOR_NONE);
	step_result_free(&r);
	s = snap(p);
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "already installed");
	assert_unchanged(p, s);
	/* The expired intermediate, allowed: installed with a note. */
	files[0] = tp("rr-leaf-expint.pem");
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), 0);
	assert_int_equal(r.nchain, 3);
	assert_non_null(strstr(r.notes[0], "expired"));
	step_result_free(&r);
	assert_no_tmp();
	X509_free(leaf);
	X509_free(wrong);
}

static void
test_reply_completed(void **state)
{
	struct step_reply_opts	 o;
	struct step_certs_opts	 co;
	struct step_result	 r;
	const char		*p = tp("rep-c.p12"), *files[1], *cas[1];
	char			*cause = NULL, *jh;
	size_t			 n;
	X509			*leaf;
	struct cert		*c;

	/* A cacerts (JKS) holding the root and the intermediate. */
	assert_int_equal(mkdir(tp("jre"), 0755), 0);
	assert_int_equal(mkdir(tp("jre/lib"), 0755), 0);
	assert_int_equal(mkdir(tp("jre/lib/security"), 0755), 0);
	memset(&co, 0, sizeof co);
	cas[0] = tp("cas.pem");
	co.files = cas;
	co.nfiles = 1;
	co.storetype = KS_FMT_JKS;
	assert_int_equal(step_import_cert(tp("jre/lib/security/cacerts"), SP,
	    &co, &r, &cause), 0);
	step_result_free(&r);

	leaf = reply_setup(p, tp("rc-leaf.pem"));
	memset(&o, 0, sizeof o);
	o.alias = "srv";
	o.accept_san_loss = true;	/* the reply has other SANs */
	files[0] = tp("rc-leaf.pem");
	o.files = files;
	o.nfiles = 1;
	o.cacerts = tp("jre/lib/security/cacerts");
	o.dry_run = true;
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), 0);
	assert_int_equal(r.nchain, 3);
	assert_int_equal(r.anchor, STEP_ANCHOR_CACERTS);
	assert_string_equal(r.cacerts, tp("jre/lib/security/cacerts"));
	step_result_free(&r);
	/* $JAVA_HOME's cacerts is found without --cacerts. */
	o.cacerts = NULL;
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "incomplete");
	xasprintf(&jh, "%s", tp("jre"));
	setenv("JAVA_HOME", jh, 1);
	free(jh);
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), 0);
	assert_int_equal(r.anchor, STEP_ANCHOR_CACERTS);
	step_result_free(&r);
	unsetenv("JAVA_HOME");
	/* An unreadable --cacerts is an error. */
	o.cacerts = td_path("certs/not-pem.txt");
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "not-pem.txt");
	/* Root and intermediate in the keystore: completed from it. */
	co.storetype = KS_FMT_UNKNOWN;
	assert_int_equal(step_import_cert(p, SP, &co, &r, &cause), 0);
	step_result_free(&r);
	o.cacerts = NULL;
	o.dry_run = false;
	assert_int_equal(step_import_reply(p, SP, &o, &r, &cause), 0);
	assert_int_equal(r.anchor, STEP_ANCHOR_KEYSTORE);
	step_result_free(&r);
	c = leaf_of(p, SP, "srv", &n);
	assert_int_equal(n, 3);
	cert_free(c);
	X509_free(leaf);
}

/* ------------------------------------------------------------------ */
/* import-cert */

static void
test_import_cert(void **state)
{
	struct step_certs_opts	 o;
	struct step_result	 r;
	struct keystore		*ks;
	struct snap		 s;
	const char		*p = tp("ic.jks"), *files[2];
	char			*cause = NULL;
	X509			*other;

	memset(&o, 0, sizeof o);
	files[0] = tp("cas.pem");
	o.files = files;
	o.nfiles = 1;
	o.storetype = KS_FMT_JKS;
	assert_int_equal(step_import_cert(p, SP, &o, &r, &cause), 0);
	assert_true(r.created);
	assert_int_equal(r.naliases, 2);
	assert_string_equal(r.aliases[0], "steps-root-ca");
	assert_string_equal(r.aliases[1], "steps-int-ca");
	step_result_free(&r);
	ks = load(p, SP);
	assert_int_equal(ks->nentries, 2);
	assert_int_equal(keystore_find(ks, "steps-int-ca")->type,
	    KS_ENTRY_TRUSTED);
	keystore_free(ks);

	/* Already there (under its alias): refused, named. */
	s = snap(p);
	files[0] = tp("int.pem");
	o.alias = "again";
	assert_int_equal(step_import_cert(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "already present under alias \"steps-int-ca\"");
	assert_unchanged(p, s);

	/* Another certificate with the same CN: a unique alias. */
	other = mk_cert("Steps Int CA", other_key, root_x, root_key, true, 0,
	    86400L * 30);
	put_pem(tp("ic-other.pem"), other, NULL, NULL);
	X509_free(other);
	files[0] = tp("ic-other.pem");
	o.alias = NULL;
	assert_int_equal(step_import_cert(p, SP, &o, &r, &cause), 0);
	assert_string_equal(r.aliases[0], "steps-int-ca-2");
	step_result_free(&r);

	/* An alias clash: refused; replaced when asked. */
	files[0] = td_path("samples/certs/ca.pem");
	o.alias = "Steps-Root-CA";
	s = snap(p);
	assert_int_equal(step_import_cert(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "alias \"steps-root-ca\" already exists");
	assert_unchanged(p, s);
	o.replace = true;
	assert_int_equal(step_import_cert(p, SP, &o, &r, &cause), 0);
	assert_true(r.replaced);
	step_result_free(&r);
	ks = load(p, SP);
	assert_int_equal(ks->nentries, 3);
	keystore_free(ks);

	/* --alias A with several certificates: A, A-2. */
	files[0] = copy_sample("samples/certs/int.pem", "ic-int.pem");
	files[1] = copy_sample("samples/certs/srv2.pem", "ic-srv2.pem");
	o.nfiles = 2;
	o.alias = "lab";
	o.replace = false;
	assert_int_equal(step_import_cert(p, SP, &o, &r, &cause), 0);
	assert_int_equal(r.naliases, 2);
	assert_string_equal(r.aliases[0], "lab");
	assert_string_equal(r.aliases[1], "lab-2");
	step_result_free(&r);

	/* A key entry is never replaced by a certificate. */
	assert_int_equal(genkey(p, "key", NULL, &r, &cause), 0);
	step_result_free(&r);
	s = snap(p);
	files[0] = td_path("samples/certs/leaf.pem");
	o.nfiles = 1;
	o.alias = "key";
	o.replace = true;
	assert_int_equal(step_import_cert(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "never replaced");
	/* Bad input; the wrong store type. */
	files[0] = td_path("certs/not-a-cert.pem");
	o.alias = NULL;
	assert_int_equal(step_import_cert(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "not-a-cert.pem");
	files[0] = td_path("samples/certs/leaf.pem");
	o.storetype = KS_FMT_PKCS12;
	assert_int_equal(step_import_cert(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "not PKCS12");
	assert_unchanged(p, s);
	assert_no_tmp();
}

static void
test_alias_from_cert(void **state)
{
	struct cert	*c;
	char		*a, *cause = NULL;
	X509		*x;

	x = mk_cert("  My  Web Server  ", other_key, NULL, NULL, false, 0, 60);
	c = cert_from_x509(x, &cause);
	a = step_alias_from_cert(c);
	assert_string_equal(a, "my-web-server");
	free(a);
	cert_free(c);
	X509_free(x);
	c = cert_from_x509(root_x, &cause);
	a = step_alias_from_cert(c);
	assert_string_equal(a, "steps-root-ca");
	free(a);
	cert_free(c);
}

/* ------------------------------------------------------------------ */
/* import-pem */

/* Write key as encrypted PKCS#8 (pkcs8) or traditional PEM. */
static void
put_key(const char *path, EVP_PKEY *pk, bool pkcs8, const char *phrase)
{
	FILE	*f = fopen(path, "w");
	int	 ok;

	assert_non_null(f);
	if (pkcs8)
		ok = PEM_write_PKCS8PrivateKey(f, pk, phrase != NULL ?
		    EVP_aes_256_cbc() : NULL, NULL, 0, NULL, (void *)phrase);
	else {
		BIO	*b = BIO_new_fp(f, BIO_NOCLOSE);

		ok = PEM_write_bio_PrivateKey_traditional(b, pk, phrase !=
		    NULL ? EVP_aes_128_cbc() : NULL, NULL, 0, NULL,
		    (void *)phrase);
		BIO_free(b);
	}
	assert_int_equal(ok, 1);
	fclose(f);
}

static void
test_import_pem(void **state)
{
	struct step_pem_opts	 o;
	struct step_certs_opts	 co;
	struct step_result	 r;
	struct secret		*phrase = secret_from_str("phrase");
	struct secret		*wrong = secret_from_str("wrong");
	struct keystore		*ks;
	struct ks_entry		*e;
	struct snap		 s;
	const char		*p = tp("pem.jks"), *certs[1], *files[1];
	char			*cause = NULL;
	EVP_PKEY		*pk = NULL;
	X509			*leaf;

	assert_int_equal(keygen_generate("rsa", 2048, NULL, &pk, &cause), 0);
	leaf = mk_cert("pem.example.com", pk, int_x, int_key, false, 0,
	    86400L * 90);
	put_key(tp("k-p8.pem"), pk, true, "phrase");
	put_key(tp("k-trad.pem"), pk, false, "phrase");
	put_key(tp("k-other.pem"), other_key, true, NULL);
	put_pem(tp("pem-leaf.pem"), leaf, NULL, NULL);
	put_pem(tp("pem-chain.pem"), root_x, leaf, int_x);

	memset(&o, 0, sizeof o);
	o.alias = "Web";
	o.key_file = tp("k-p8.pem");
	o.key_passphrase = phrase;
	certs[0] = tp("pem-chain.pem");
	o.cert_files = certs;
	o.ncert_files = 1;
	o.storetype = KS_FMT_JKS;
	o.keypass = KP;
	assert_int_equal(step_import_pem(p, SP, &o, &r, &cause), 0);
	assert_true(r.created);
	assert_string_equal(r.aliases[0], "web");
	assert_int_equal(r.nchain, 3);
	assert_int_equal(r.anchor, STEP_ANCHOR_REPLY);
	step_result_free(&r);
	ks = load(p, SP);
	e = keystore_find(ks, "web");
	assert_int_equal(e->nchain, 3);
	assert_int_equal(keystore_recover_key(ks, e, KP, &cause), 0);
	assert_int_equal(EVP_PKEY_eq(e->pkey, pk), 1);
	keystore_free(ks);

	/* Refusals: the alias exists; no, wrong pass phrase; other key. */
	s = snap(p);
	o.storetype = KS_FMT_UNKNOWN;
	assert_int_equal(step_import_pem(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "already exists");
	o.alias = "web2";
	o.key_passphrase = NULL;
	assert_int_equal(step_import_pem(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "pass phrase is needed");
	o.key_passphrase = wrong;
	assert_int_equal(step_import_pem(p, SP, &o, &r, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	o.key_file = tp("k-other.pem");
	o.key_passphrase = NULL;
	assert_int_equal(step_import_pem(p, SP, &o, &r, &cause), -1);
	assert_cause(&cause, "matches none");
	assert_unchanged(p, s);

	/* Traditional encrypted RSA, leaf only, completed from the store. */
	files[0] = tp("cas.pem");
	memset(&co, 0, sizeof co);
	co.files = files;
	co.nfiles = 1;
	assert_int_equal(step_import_cert(p, SP, &co, &r, &cause), 0);
	step_result_free(&r);
	o.key_file = tp("k-trad.pem");
	o.key_passphrase = phrase;
	certs[0] = tp("pem-leaf.pem");
	o.alias = "web";
	o.replace = true;
	o.keypass = NULL;
	assert_int_equal(step_import_pem(p, SP, &o, &r, &cause), 0);
	assert_true(r.replaced);
	assert_int_equal(r.nchain, 3);
	assert_int_equal(r.anchor, STEP_ANCHOR_KEYSTORE);
	step_result_free(&r);
	ks = load(p, SP);
	e = keystore_find(ks, "web");
	assert_int_equal(keystore_recover_key(ks, e, SP, &cause), 0);
	keystore_free(ks);
	assert_no_tmp();
	EVP_PKEY_free(pk);
	X509_free(leaf);
	secret_free(phrase);
	secret_free(wrong);
}

/* ------------------------------------------------------------------ */
/* export */

static void
test_export(void **state)
{
	struct secret	*sp = secret_from_str("storepass");
	struct keystore	*ks;
	struct cert	**certs = NULL;
	struct snap	 s;
	unsigned char	*out = NULL;
	size_t		 len, n, nc;
	char		*cause = NULL;
	const char	*p = tp("exp.pem");

	ks = load(td_path("samples/sample-jks17.jks"), sp);
	assert_int_equal(step_export(ks, "SERVER", 0, &out, &len, &n,
	    &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(certs_read_mem(out, len, "x", &certs, &nc, &cause), 0);
	assert_int_equal(nc, 1);
	assert_memory_equal(cert_sha256(certs[0]),
	    cert_sha256(keystore_find(ks, "server")->chain[0]), 32);
	certs_free(certs, nc);
	free(out);
	assert_int_equal(step_export(ks, "server", STEP_EXPORT_CHAIN, &out,
	    &len, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_int_equal(certs_read_mem(out, len, "x", &certs, &nc, &cause), 0);
	assert_int_equal(nc, 3);
	certs_free(certs, nc);
	/* Written as a new file; not over an existing one unless forced. */
	assert_int_equal(step_write_file(p, out, len, false, 0644, NULL,
	    "export", "test", NULL, &cause), 0);
	s = snap(p);
	assert_int_equal(step_write_file(p, (const unsigned char *)"x", 1,
	    false, 0644, NULL, "export", "test", NULL, &cause), -1);
	assert_cause(&cause, "already exists");
	assert_unchanged(p, s);
	assert_int_equal(step_write_file(p, (const unsigned char *)"x", 1,
	    true, 0644, NULL, "export", "test", NULL, &cause), 0);
	free(out);
	assert_int_equal(step_export(ks, "labroot", STEP_EXPORT_DER, &out,
	    &len, &n, &cause), 0);
	assert_memory_equal(out, keystore_find(ks, "labroot")->chain[0]->der,
	    len);
	free(out);
	assert_int_equal(step_export(ks, "server", STEP_EXPORT_DER |
	    STEP_EXPORT_CHAIN, &out, &len, &n, &cause), -1);
	assert_cause(&cause, "DER holds one certificate");
	assert_int_equal(step_export(ks, "nope", 0, &out, &len, &n, &cause),
	    -1);
	assert_cause(&cause, "no entry");
	keystore_free(ks);
	ks = load(td_path("samples/sample-jceks17.jceks"), sp);
	assert_int_equal(step_export(ks, "aeskey", 0, &out, &len, &n, &cause),
	    -1);
	assert_cause(&cause, "no certificate");
	keystore_free(ks);
	secret_free(sp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_txn_refusals),
		cmocka_unit_test(test_txn_changed_key),
		cmocka_unit_test(test_txn_verify_refuses),
		cmocka_unit_test(test_genkey_new_p12),
		cmocka_unit_test(test_genkey_jks_existing),
		cmocka_unit_test(test_genkey_refusals),
		cmocka_unit_test(test_genkey_replace_dryrun),
		cmocka_unit_test(test_csr),
		cmocka_unit_test(test_csr_jks),
		cmocka_unit_test(test_reply_orders),
		cmocka_unit_test(test_reply_refusals),
		cmocka_unit_test(test_reply_completed),
		cmocka_unit_test(test_import_cert),
		cmocka_unit_test(test_alias_from_cert),
		cmocka_unit_test(test_import_pem),
		cmocka_unit_test(test_export),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}

/* SPDX-License-Identifier: ISC */
/*
 * test-trust-manage.c -- the trust, delete, rename and passwd steps, and the
 * small cacerts discovery of jre.c, on copies of the samples in a
 * temporary directory.  Every refusal must leave the file byte-identical.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <unistd.h>

#include "testutil.h"

static char	 tmp[PATH_MAX];
static int	 seq;

/* A new path under the test directory (static buffer per call site). */
static char *
tpath(const char *name)
{
	char	*p;

	xasprintf(&p, "%s/%s", tmp, name);
	return (p);
}

/* Write bytes to a file. */
static void
put_file(const char *path, const unsigned char *buf, size_t len)
{
	FILE	*f;

	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Copy a sample (tests/data/REL) to a fresh name in tmp; malloc'd path. */
static char *
copy_sample(const char *rel)
{
	unsigned char	*buf;
	size_t		 len;
	char		*p, name[64];

	buf = td_read(rel, &len);
	snprintf(name, sizeof name, "f%d", ++seq);
	p = tpath(name);
	put_file(p, buf, len);
	free(buf);
	return (p);
}

/* Whole content of a file (fails the test when unreadable). */
static unsigned char *
slurp(const char *path, size_t *len)
{
	unsigned char	*buf = NULL;
	char		*cause = NULL;

	if (file_read(path, &buf, len, &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	return (buf);
}

/* Is the file exactly these bytes? */
static bool
same_bytes(const char *path, const unsigned char *buf, size_t len)
{
	unsigned char	*now;
	size_t		 nlen;
	bool		 same;

	now = slurp(path, &nlen);
	same = nlen == len && memcmp(now, buf, len) == 0;
	free(now);
	return (same);
}

/* How many backups the manifest lists. */
static size_t
nbackups(void)
{
	struct backup_rec	*recs = NULL;
	size_t			 n = 0;
	char			*cause = NULL;

	if (backup_list(&recs, &n, &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	backup_list_free(recs, n);
	return (n);
}

/* Load with a password (NULL: none), asserting success. */
static struct keystore *
load(const char *path, const char *pw)
{
	struct keystore	*ks = NULL;
	struct secret	*s = pw != NULL ? secret_from_str(pw) : NULL;
	char		*cause = NULL;

	if (keystore_load(path, s, 0, &ks, &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	secret_free(s);
	return (ks);
}

/* Does the file open (integrity checked) with pw? */
static bool
opens_with(const char *path, const char *pw)
{
	struct keystore	*ks = NULL;
	struct secret	*s = secret_from_str(pw);
	bool		 ok;

	ok = keystore_load(path, s, 0, &ks, NULL) == 0 &&
	    (ks->verified || ks->passwordless);
	keystore_free(ks);
	secret_free(s);
	return (ok);
}

/* Can the key of alias be recovered with pw? */
static bool
key_opens(const char *path, const char *storepw, const char *alias,
    const char *keypw)
{
	struct keystore	*ks;
	struct ks_entry	*e;
	struct secret	*k = secret_from_str(keypw);
	bool		 ok;

	ks = load(path, storepw);
	assert_non_null(e = keystore_find(ks, alias));
	ok = keystore_recover_key(ks, e, k, NULL) == 0;
	secret_free(k);
	keystore_free(ks);
	return (ok);
}

/* A JKS truststore with password pw holding the two lab CA certificates. */
static char *
make_jks_cacerts(const char *pw)
{
	struct keystore	*ks;
	struct secret	*s = secret_from_str(pw);
	unsigned char	*out = NULL;
	size_t		 outlen = 0;
	char		*p, *cause = NULL, name[64];

	ks = load(td_path("samples/sample-openssl30-trust-pw.p12"),
	    "changeit");
	ks->format = KS_FMT_JKS;
	if (keystore_serialize(ks, s, &out, &outlen, &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	snprintf(name, sizeof name, "jks%d", ++seq);
	p = tpath(name);
	put_file(p, out, outlen);
	free(out);
	keystore_free(ks);
	secret_free(s);
	return (p);
}

/* The SHA-256 of the first certificate in a file under tests/data. */
static void
cert_fp(const char *rel, unsigned char out[32])
{
	struct cert	**certs = NULL;
	size_t		  n = 0;

	assert_int_equal(certs_read_file(td_path(rel), &certs, &n, NULL), 0);
	memcpy(out, cert_sha256(certs[0]), 32);
	certs_free(certs, n);
}

/* Does any note contain s? */
static bool
has_note(const struct step_result *r, const char *s)
{
	size_t	i;

	for (i = 0; i < r->nnotes; i++)
		if (strstr(r->notes[i], s) != NULL)
			return (true);
	return (false);
}

static int
setup(void **state)
{
	char	*bk;

	(void)state;
	snprintf(tmp, sizeof tmp, "%s/tlsdeck-trust-manage.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmp) == NULL)
		return (-1);
	bk = tpath("backups");
	setenv("TLSDECK_BACKUP_DIR", bk, 1);
	free(bk);
	setenv("TLSDECK_LOCK_WAIT_MS", "2000", 1);
	return (0);
}

static int
teardown(void **state)
{
	char	*cmd;

	(void)state;
	xasprintf(&cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		return (-1);
	free(cmd);
	return (0);
}

/* Trust options for cacerts with a certificate file. */
static void
opts_cert(struct step_trust_opts *o, const char *cacerts, const char *rel)
{
	memset(o, 0, sizeof *o);
	o->cacerts = cacerts;
	o->cert_file = rel != NULL ? xstrdup(td_path(rel)) : NULL;
	o->defaults_file = "/nonexistent/defaults";
	o->distro_cacerts = "/nonexistent/cacerts";
}

/* ------------------------------------------------------------------ */
/* trust */

/* JKS cacerts with changeit: added, stays JKS, backed up; then "already
 * trusted" writes nothing; a clashing alias is refused. */
static void
test_trust_jks_changeit(void **state)
{
	struct step_trust_opts	 o;
	struct step_trust_info	 ti;
	struct step_result	 r;
	struct keystore		*ks;
	struct ks_entry		*e;
	unsigned char		 fp[32], *before;
	size_t			 blen, nb;
	char			*p, *cause = NULL;

	(void)state;
	p = make_jks_cacerts("changeit");
	nb = nbackups();
	opts_cert(&o, p, "certs/ec256.pem");
	assert_int_equal(step_trust(&o, &r, &ti, &cause), 0);
	assert_null(cause);
	assert_false(ti.already);
	assert_string_equal(ti.pass_how, "changeit");
	assert_int_equal(r.format, KS_FMT_JKS);
	assert_int_equal(r.naliases, 1);
	assert_string_equal(r.aliases[0], "ec-256-test");
	assert_true(r.backup_id > 0);
	assert_int_equal(nbackups(), nb + 1);
	assert_int_equal(ti.nentries, 3);
	assert_false(ti.symlink);
	assert_false(ti.distro);
	step_result_free(&r);
	step_trust_info_free(&ti);

	ks = load(p, "changeit");
	assert_int_equal(ks->format, KS_FMT_JKS);
	assert_true(ks->verified);
	assert_int_equal(ks->nentries, 3);
	assert_non_null(e = keystore_find(ks, "ec-256-test"));
	assert_int_equal(e->type, KS_ENTRY_TRUSTED);
	cert_fp("certs/ec256.pem", fp);
	assert_memory_equal(cert_sha256(e->chain[0]), fp, 32);
	keystore_free(ks);

	/* Again: already trusted, nothing written, no backup. */
	before = slurp(p, &blen);
	nb = nbackups();
	o.alias = "another-name";
	assert_int_equal(step_trust(&o, &r, &ti, &cause), 0);
	assert_true(ti.already);
	assert_string_equal(ti.existing_alias, "ec-256-test");
	assert_int_equal(r.backup_id, 0);
	assert_int_equal(r.naliases, 0);
	assert_true(same_bytes(p, before, blen));
	assert_int_equal(nbackups(), nb);
	step_result_free(&r);
	step_trust_info_free(&ti);

	/* Another certificate under a taken alias (any case): refused. */
	free((char *)o.cert_file);
	opts_cert(&o, p, "certs/ec384.pem");
	o.alias = "EC-256-Test";
	assert_int_equal(step_trust(&o, &r, &ti, &cause), -1);
	assert_non_null(strstr(cause, "taken"));
	assert_true(same_bytes(p, before, blen));
	assert_int_equal(nbackups(), nb);
	free(cause);
	step_result_free(&r);
	step_trust_info_free(&ti);
	free((char *)o.cert_file);
	free(before);
	free(p);
}

/* Passwordless PKCS#12 (JDK 18+ shape) stays passwordless. */
static void
test_trust_p12_passwordless(void **state)
{
	struct step_trust_opts	 o;
	struct step_trust_info	 ti;
	struct step_result	 r;
	struct keystore		*ks;
	char			*p, *cause = NULL;

	(void)state;
	p = copy_sample("samples/sample-jdk25-passwordless.p12");
	opts_cert(&o, p, "certs/ec256.pem");
	assert_int_equal(step_trust(&o, &r, &ti, &cause), 0);
	assert_true(ti.passwordless);
	assert_string_equal(ti.pass_how, "no password");
	assert_int_equal(r.format, KS_FMT_PKCS12);
	assert_true(r.backup_id > 0);
	step_result_free(&r);
	step_trust_info_free(&ti);

	ks = load(p, NULL);
	assert_true(ks->passwordless);
	assert_false(ks->p12.mac);
	assert_int_equal(ks->p12.cert_pbe_nid, -1);
	assert_int_equal(ks->nentries, 3);
	assert_non_null(keystore_find(ks, "ec-256-test"));
	/* The original entries keep their case (labroot, LabInt). */
	assert_non_null(keystore_find(ks, "LabInt"));
	keystore_free(ks);
	/* Java opens it with any password; so does our reader. */
	assert_true(opens_with(p, "whatever1"));
	free((char *)o.cert_file);
	free(p);
}

/* PKCS#12 with changeit; PKCS#12 with another password: refused until
 * given, then the key entry in it survives. */
static void
test_trust_p12_password(void **state)
{
	struct step_trust_opts	 o;
	struct step_trust_info	 ti;
	struct step_result	 r;
	struct keystore		*ks;
	struct secret		*pw;
	unsigned char		*before;
	size_t			 blen;
	char			*p, *cause = NULL;

	(void)state;
	p = copy_sample("samples/sample-openssl30-trust-pw.p12");
	opts_cert(&o, p, "certs/ec384.pem");
	assert_int_equal(step_trust(&o, &r, &ti, &cause), 0);
	assert_string_equal(ti.pass_how, "changeit");
	assert_false(ti.passwordless);
	step_result_free(&r);
	step_trust_info_free(&ti);
	ks = load(p, "changeit");
	assert_true(ks->verified);
	assert_true(ks->p12.mac);
	assert_int_equal(ks->nentries, 3);
	assert_non_null(keystore_find(ks, "ec-384-test"));
	keystore_free(ks);
	free((char *)o.cert_file);
	free(p);

	p = copy_sample("samples/sample-jdk17.p12");
	before = slurp(p, &blen);
	opts_cert(&o, p, "certs/ec384.pem");
	assert_int_equal(step_trust(&o, &r, &ti, &cause), -1);
	assert_true(ti.need_pass);
	assert_non_null(strstr(cause, "changeit"));
	assert_true(same_bytes(p, before, blen));
	free(cause);
	cause = NULL;
	step_result_free(&r);
	step_trust_info_free(&ti);

	pw = secret_from_str("wrongpass");
	o.cacerts_pass = pw;
	assert_int_equal(step_trust(&o, &r, &ti, &cause), -1);
	assert_true(same_bytes(p, before, blen));
	free(cause);
	cause = NULL;
	secret_free(pw);
	step_result_free(&r);
	step_trust_info_free(&ti);

	pw = secret_from_str("storepass");
	o.cacerts_pass = pw;
	assert_int_equal(step_trust(&o, &r, &ti, &cause), 0);
	assert_string_equal(ti.pass_how, "given");
	step_result_free(&r);
	step_trust_info_free(&ti);
	assert_true(key_opens(p, "storepass", "server", "storepass"));
	ks = load(p, "storepass");
	assert_int_equal(ks->nentries, 3);
	keystore_free(ks);
	secret_free(pw);
	free((char *)o.cert_file);
	free(before);
	free(p);
}

/* The storepass of a Debian-style /etc/default/cacerts is tried. */
static void
test_trust_defaults_storepass(void **state)
{
	struct step_trust_opts	 o;
	struct step_trust_info	 ti;
	struct step_result	 r;
	struct secret		*s;
	char			*p, *d, *cause = NULL;
	static const char	 defaults[] = "# comment\n"
	    "cacerts_updates=yes\n  storepass='s3cret-pw'\n";

	(void)state;
	d = tpath("defaults");
	put_file(d, (const unsigned char *)defaults, sizeof defaults - 1);
	assert_non_null(s = jre_defaults_storepass(d));
	assert_int_equal(s->len, 9);
	assert_memory_equal(s->buf, "s3cret-pw", 9);
	secret_free(s);
	assert_null(jre_defaults_storepass("/nonexistent/defaults"));

	p = make_jks_cacerts("s3cret-pw");
	opts_cert(&o, p, "certs/ec256.pem");
	o.defaults_file = d;
	assert_int_equal(step_trust(&o, &r, &ti, &cause), 0);
	assert_non_null(strstr(ti.pass_how, d));
	assert_true(opens_with(p, "s3cret-pw"));
	step_result_free(&r);
	step_trust_info_free(&ti);
	free((char *)o.cert_file);
	free(p);
	free(d);
}

/* A symlinked cacerts: the target changes, the link stays; a target
 * outside the JRE is shared; the distribution's file is explained and its
 * "debian:" aliases are refused. */
static void
test_trust_symlink(void **state)
{
	struct step_trust_opts	 o;
	struct step_trust_info	 ti;
	struct step_result	 r;
	struct keystore		*ks;
	struct stat		 sb;
	unsigned char		*before;
	size_t			 blen;
	char			*jks, *shared, *jre, *link, *cmd, buf[PATH_MAX];
	char			*cause = NULL;
	ssize_t			 n;

	(void)state;
	jks = make_jks_cacerts("changeit");
	shared = tpath("shared");
	jre = tpath("jre");
	xasprintf(&cmd, "mkdir -p '%s' '%s/lib/security' && mv '%s' "
	    "'%s/cacerts'", shared, jre, jks, shared);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	xasprintf(&link, "%s/lib/security/cacerts", jre);
	assert_int_equal(symlink("../../../shared/cacerts", link), 0);

	opts_cert(&o, link, "certs/ec256.pem");
	xasprintf((char **)&o.distro_cacerts, "%s/cacerts", shared);
	o.alias = "debian:mine.pem";
	before = slurp(link, &blen);
	assert_int_equal(step_trust(&o, &r, &ti, &cause), -1);
	assert_non_null(strstr(cause, "debian:"));
	assert_true(same_bytes(link, before, blen));
	free(cause);
	cause = NULL;
	step_result_free(&r);
	step_trust_info_free(&ti);

	o.alias = NULL;
	assert_int_equal(step_trust(&o, &r, &ti, &cause), 0);
	assert_true(ti.symlink);
	assert_true(ti.shared);
	assert_true(ti.distro);
	assert_non_null(strstr(ti.cacerts_real, "/shared/cacerts"));
	assert_true(has_note(&r, "symlink"));
	assert_true(has_note(&r, "every JDK"));
	assert_true(has_note(&r, "update-ca-certificates -f"));
	step_result_free(&r);
	step_trust_info_free(&ti);

	/* The link is still the same link; its target holds the entry. */
	assert_int_equal(lstat(link, &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	n = readlink(link, buf, sizeof buf - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "../../../shared/cacerts");
	ks = load(o.distro_cacerts, "changeit");
	assert_int_equal(ks->format, KS_FMT_JKS);
	assert_non_null(keystore_find(ks, "ec-256-test"));
	keystore_free(ks);
	free(before);

	/* Found through --jre and through $JAVA_HOME. */
	{
		struct jre_cacerts	jc;

		assert_int_equal(jre_cacerts_find(jre, NULL, &jc, &cause), 0);
		assert_string_equal(jc.path, link);
		assert_string_equal(jc.home, jre);
		jre_cacerts_done(&jc);
		setenv("JAVA_HOME", jre, 1);
		assert_int_equal(jre_cacerts_find(NULL, NULL, &jc, &cause), 0);
		assert_string_equal(jc.path, link);
		assert_string_equal(jc.how, "$JAVA_HOME");
		jre_cacerts_done(&jc);
		unsetenv("JAVA_HOME");
		assert_int_equal(jre_cacerts_find(NULL, "/nonexistent/x",
		    &jc, &cause), -1);
		assert_non_null(strstr(cause, "/nonexistent/x"));
		free(cause);
		cause = NULL;
		assert_int_equal(jre_cacerts_find(shared, NULL, &jc, &cause),
		    -1);
		free(cause);
		cause = NULL;
	}

	free((char *)o.cert_file);
	free((char *)o.distro_cacerts);
	free(link);
	free(jre);
	free(shared);
	free(jks);
}

/* A link inside the JRE's own directory is not "shared". */
static void
test_trust_symlink_private(void **state)
{
	struct step_trust_opts	 o;
	struct step_trust_info	 ti;
	struct step_result	 r;
	struct stat		 sb;
	char			*jks, *jre, *link, *cmd, *cause = NULL;

	(void)state;
	jks = make_jks_cacerts("changeit");
	jre = tpath("jre2");
	xasprintf(&cmd, "mkdir -p '%s/lib/security' && mv '%s' "
	    "'%s/lib/security/cacerts.real'", jre, jks, jre);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	xasprintf(&link, "%s/lib/security/cacerts", jre);
	assert_int_equal(symlink("cacerts.real", link), 0);
	opts_cert(&o, link, "certs/ec256.pem");
	assert_int_equal(step_trust(&o, &r, &ti, &cause), 0);
	assert_true(ti.symlink);
	assert_false(ti.shared);
	assert_false(ti.distro);
	assert_false(has_note(&r, "every JDK"));
	assert_int_equal(lstat(link, &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	step_result_free(&r);
	step_trust_info_free(&ti);
	free((char *)o.cert_file);
	free(link);
	free(jre);
	free(jks);
}

/* --from-keystore: the root of a CA-signed chain, the leaf of a
 * self-signed entry; a bundle gives its root. */
static void
test_trust_from_keystore(void **state)
{
	struct step_trust_opts	 o;
	struct step_trust_info	 ti;
	struct step_result	 r;
	struct secret		*sp = secret_from_str("storepass");
	unsigned char		 root[32], *before;
	size_t			 blen;
	char			*p, *cause = NULL;

	(void)state;
	cert_fp("samples/certs/ca.pem", root);

	p = make_jks_cacerts("changeit");
	before = slurp(p, &blen);
	/* The lab root is already in there: nothing to do. */
	opts_cert(&o, p, NULL);
	o.from_keystore = xstrdup(td_path("samples/sample-jks17.jks"));
	o.from_pass = sp;
	o.from_alias = "server";
	assert_int_equal(step_trust(&o, &r, &ti, &cause), 0);
	assert_true(ti.already);
	assert_memory_equal(cert_sha256(r.chain[0]), root, 32);
	assert_non_null(strstr(ti.what, "root"));
	assert_true(same_bytes(p, before, blen));
	step_result_free(&r);
	step_trust_info_free(&ti);
	free((char *)o.from_keystore);
	free(before);
	free(p);

	/* Into a store without it: the root is added. */
	p = copy_sample("samples/sample-jdk25-passwordless.p12");
	{
		struct ks_txn	*t;

		assert_int_equal(ks_txn_open(p, NULL, 0, KS_FMT_UNKNOWN, &t,
		    &cause), 0);
		keystore_remove(t->ks, 0);
		keystore_remove(t->ks, 0);
		assert_int_equal(ks_txn_commit(t, "test", "empty", &cause), 0);
		ks_txn_close(t);
	}
	opts_cert(&o, p, NULL);
	o.from_keystore = xstrdup(td_path("samples/sample-jks17.jks"));
	o.from_pass = sp;
	o.from_alias = "SERVER";
	assert_int_equal(step_trust(&o, &r, &ti, &cause), 0);
	assert_false(ti.already);
	assert_memory_equal(cert_sha256(r.chain[0]), root, 32);
	assert_string_equal(r.aliases[0], "lab-root-ca");
	step_result_free(&r);
	step_trust_info_free(&ti);

	/* A self-signed key entry: its own certificate (only key entry). */
	free((char *)o.from_keystore);
	o.from_keystore = xstrdup(td_path("samples/sample-jdk17.p12"));
	o.from_alias = NULL;
	assert_int_equal(step_trust(&o, &r, &ti, &cause), 0);
	assert_true(r.chain[0]->info.self_signed);
	assert_non_null(strstr(ti.what, "self-signed"));
	assert_int_equal(ti.nentries, 2);
	step_result_free(&r);
	step_trust_info_free(&ti);

	/* No such entry: refused, nothing written. */
	before = slurp(p, &blen);
	o.from_alias = "nosuch";
	assert_int_equal(step_trust(&o, &r, &ti, &cause), -1);
	assert_non_null(strstr(cause, "nosuch"));
	assert_true(same_bytes(p, before, blen));
	free(cause);
	cause = NULL;
	step_result_free(&r);
	step_trust_info_free(&ti);
	free((char *)o.from_keystore);

	/* A chain that stops below the root: its issuer in cacerts counts
	 * as trusted; without it the step is refused. */
	{
		struct keystore	*ks;
		struct ks_entry	*e;
		unsigned char	*out = NULL;
		size_t		 outlen = 0, k;
		char		*partial, *jks;

		ks = load(td_path("samples/sample-jks17.jks"), "storepass");
		assert_non_null(e = keystore_find(ks, "server"));
		assert_int_equal(e->nchain, 3);
		cert_free(e->chain[2]);
		e->nchain = 2;
		for (k = 0; k < ks->nentries; k++)
			if (strcmp(ks->entries[k]->alias, "labroot") == 0)
				keystore_remove(ks, k);
		assert_int_equal(keystore_serialize(ks, sp, &out, &outlen,
		    NULL), 0);
		partial = tpath("partial.jks");
		put_file(partial, out, outlen);
		free(out);
		keystore_free(ks);

		jks = make_jks_cacerts("changeit");
		opts_cert(&o, jks, NULL);
		o.from_keystore = partial;
		o.from_pass = sp;
		assert_int_equal(step_trust(&o, &r, &ti, &cause), 0);
		assert_true(ti.already);
		assert_string_equal(ti.existing_alias, "labroot");
		assert_memory_equal(cert_sha256(r.chain[0]), root, 32);
		assert_non_null(strstr(ti.what, "issuer"));
		step_result_free(&r);
		step_trust_info_free(&ti);

		/* An empty passwordless truststore. */
		free(jks);
		jks = copy_sample("samples/sample-openssl30-trust-nopw.p12");
		ks = load(jks, NULL);
		while (ks->nentries > 0) {
			assert_int_equal(step_delete(jks, NULL,
			    ks->entries[0]->alias, false, &r, &cause), 0);
			step_result_free(&r);
			keystore_remove(ks, 0);
		}
		keystore_free(ks);
		ks = load(jks, NULL);
		assert_int_equal(ks->nentries, 0);
		assert_true(ks->passwordless);
		keystore_free(ks);
		free(before);
		before = slurp(jks, &blen);
		opts_cert(&o, jks, NULL);
		o.from_keystore = partial;
		o.from_pass = sp;
		assert_int_equal(step_trust(&o, &r, &ti, &cause), -1);
		assert_non_null(strstr(cause, "root CA"));
		assert_true(same_bytes(jks, before, blen));
		free(cause);
		cause = NULL;
		step_result_free(&r);
		step_trust_info_free(&ti);
		free(before);
		before = slurp(p, &blen);
		free(partial);
		free(jks);
	}

	/* A bundle (leaf, intermediate, root): its root, already there. */
	opts_cert(&o, p, "certs/bundle-crlf.pem");
	assert_int_equal(step_trust(&o, &r, &ti, &cause), 0);
	assert_true(ti.already);
	assert_memory_equal(cert_sha256(r.chain[0]), root, 32);
	assert_true(same_bytes(p, before, blen));
	step_result_free(&r);
	step_trust_info_free(&ti);
	free((char *)o.cert_file);

	free(before);
	free(p);
	secret_free(sp);
}

/* Files tlsdeck cannot or will not write: clear refusals, no change. */
static void
test_trust_refusals(void **state)
{
	struct step_trust_opts	 o;
	struct step_trust_info	 ti;
	struct step_result	 r;
	unsigned char		*before;
	size_t			 blen;
	char			*p, *cause = NULL;

	(void)state;
	p = copy_sample("samples/sample-jceks17.jceks");
	before = slurp(p, &blen);
	opts_cert(&o, p, "certs/ec256.pem");
	assert_int_equal(step_trust(&o, &r, &ti, &cause), -1);
	assert_non_null(strstr(cause, "JCEKS"));
	assert_true(same_bytes(p, before, blen));
	free(cause);
	cause = NULL;
	step_result_free(&r);
	step_trust_info_free(&ti);
	free((char *)o.cert_file);
	free(before);
	free(p);

	/* Not a certificate. */
	p = make_jks_cacerts("changeit");
	before = slurp(p, &blen);
	opts_cert(&o, p, "certs/not-a-cert.pem");
	assert_int_equal(step_trust(&o, &r, &ti, &cause), -1);
	assert_true(same_bytes(p, before, blen));
	free(cause);
	cause = NULL;
	step_result_free(&r);
	step_trust_info_free(&ti);
	free((char *)o.cert_file);

	/* Dry run: everything checked, nothing written. */
	opts_cert(&o, p, "certs/ec256.pem");
	o.dry_run = true;
	assert_int_equal(step_trust(&o, &r, &ti, &cause), 0);
	assert_string_equal(r.aliases[0], "ec-256-test");
	assert_int_equal(r.backup_id, 0);
	assert_true(same_bytes(p, before, blen));
	step_result_free(&r);
	step_trust_info_free(&ti);
	free((char *)o.cert_file);

	/* A truncated truststore. */
	put_file(p, before, blen / 2);
	opts_cert(&o, p, "certs/ec256.pem");
	assert_int_equal(step_trust(&o, &r, &ti, &cause), -1);
	assert_true(same_bytes(p, before, blen / 2));
	free(cause);
	step_result_free(&r);
	step_trust_info_free(&ti);
	free((char *)o.cert_file);
	free(before);
	free(p);
}

/* ------------------------------------------------------------------ */
/* delete, rename */

static void
test_delete(void **state)
{
	struct step_result	 r;
	struct secret		*sp = secret_from_str("storepass");
	struct keystore		*ks;
	unsigned char		*before;
	size_t			 blen, nb;
	char			*p, *cause = NULL;

	(void)state;
	p = copy_sample("samples/sample-jks17.jks");
	nb = nbackups();
	assert_int_equal(step_delete(p, sp, "LABINT", false, &r, &cause), 0);
	assert_string_equal(r.aliases[0], "labint");
	assert_true(r.backup_id > 0);
	assert_int_equal(nbackups(), nb + 1);
	step_result_free(&r);
	ks = load(p, "storepass");
	assert_int_equal(ks->nentries, 2);
	assert_null(keystore_find(ks, "labint"));
	keystore_free(ks);
	assert_true(key_opens(p, "storepass", "server", "keypass1"));

	/* Missing alias, wrong password, dry run: nothing changes. */
	before = slurp(p, &blen);
	assert_int_equal(step_delete(p, sp, "labint", false, &r, &cause), -1);
	assert_non_null(strstr(cause, "no entry"));
	free(cause);
	cause = NULL;
	{
		struct secret	*bad = secret_from_str("wrongpass");

		assert_int_equal(step_delete(p, bad, "server", false, &r,
		    &cause), -1);
		free(cause);
		cause = NULL;
		secret_free(bad);
	}
	assert_int_equal(step_delete(p, sp, "server", true, &r, &cause), 0);
	assert_true(has_note(&r, "private key"));
	step_result_free(&r);
	assert_true(same_bytes(p, before, blen));
	free(before);
	free(p);

	/* PKCS#12: the key entry survives the rewrite. */
	p = copy_sample("samples/sample-jdk17.p12");
	assert_int_equal(step_delete(p, sp, "labroot", false, &r, &cause), 0);
	/* as Java shows it (the file stores "LabRoot") */
	assert_string_equal(r.aliases[0], "labroot");
	step_result_free(&r);
	ks = load(p, "storepass");
	assert_int_equal(ks->nentries, 1);
	keystore_free(ks);
	assert_true(key_opens(p, "storepass", "server", "storepass"));
	free(p);

	/* Passwordless PKCS#12: no password needed, stays passwordless. */
	p = copy_sample("samples/sample-jdk25-passwordless.p12");
	assert_int_equal(step_delete(p, NULL, "labroot", false, &r, &cause),
	    0);
	step_result_free(&r);
	ks = load(p, NULL);
	assert_true(ks->passwordless);
	assert_int_equal(ks->nentries, 1);
	keystore_free(ks);
	free(p);
	secret_free(sp);
}

static void
test_rename(void **state)
{
	struct step_result	 r;
	struct secret		*sp = secret_from_str("storepass");
	struct keystore		*ks;
	struct ks_entry		*e;
	unsigned char		*before;
	size_t			 blen;
	char			*p, *cause = NULL;

	(void)state;
	/* JKS: lower-cased. */
	p = copy_sample("samples/sample-jks17.jks");
	assert_int_equal(step_rename(p, sp, "labroot", "My Root", false, &r,
	    &cause), 0);
	assert_string_equal(r.aliases[0], "my root");
	assert_true(has_note(&r, "lower-cases"));
	step_result_free(&r);
	assert_int_equal(step_rename(p, sp, "server", "WebServer", false, &r,
	    &cause), 0);
	step_result_free(&r);
	ks = load(p, "storepass");
	assert_non_null(e = keystore_find(ks, "my root"));
	assert_string_equal(e->alias, "my root");
	assert_non_null(e = keystore_find(ks, "webserver"));
	assert_string_equal(e->alias, "webserver");
	assert_int_equal(e->nchain, 3);
	keystore_free(ks);
	assert_true(key_opens(p, "storepass", "webserver", "keypass1"));

	/* Clash (ignoring case), same name, missing: refused, no change. */
	before = slurp(p, &blen);
	assert_int_equal(step_rename(p, sp, "labint", "MY ROOT", false, &r,
	    &cause), -1);
	assert_non_null(strstr(cause, "taken"));
	free(cause);
	cause = NULL;
	assert_int_equal(step_rename(p, sp, "webserver", "WEBSERVER", false,
	    &r, &cause), -1);
	assert_non_null(strstr(cause, "already"));
	free(cause);
	cause = NULL;
	assert_int_equal(step_rename(p, sp, "nosuch", "x", false, &r,
	    &cause), -1);
	free(cause);
	cause = NULL;
	assert_true(same_bytes(p, before, blen));
	free(before);
	free(p);

	/* PKCS#12: trusted entries keep case, key entries lower-cased. */
	p = copy_sample("samples/sample-jdk17.p12");
	assert_int_equal(step_rename(p, sp, "labroot", "Lab-ROOT-2", false,
	    &r, &cause), 0);
	assert_string_equal(r.aliases[0], "Lab-ROOT-2");
	step_result_free(&r);
	assert_int_equal(step_rename(p, sp, "server", "My-Server", false, &r,
	    &cause), 0);
	assert_string_equal(r.aliases[0], "my-server");
	step_result_free(&r);
	/* Only the case of a trusted alias: allowed in PKCS#12. */
	assert_int_equal(step_rename(p, sp, "lab-root-2", "LAB-ROOT-2", false,
	    &r, &cause), 0);
	step_result_free(&r);
	ks = load(p, "storepass");
	assert_non_null(e = keystore_find(ks, "lab-root-2"));
	/* Java shows it lower-cased; the file keeps the case */
	assert_string_equal(e->alias, "lab-root-2");
	assert_string_equal(e->stored_alias, "LAB-ROOT-2");
	assert_int_equal(e->type, KS_ENTRY_TRUSTED);
	assert_non_null(e = keystore_find(ks, "my-server"));
	assert_string_equal(e->alias, "my-server");
	assert_int_equal(e->type, KS_ENTRY_KEY);
	keystore_free(ks);
	assert_true(key_opens(p, "storepass", "my-server", "storepass"));
	before = slurp(p, &blen);
	assert_int_equal(step_rename(p, sp, "my-server", "Lab-Root-2", false,
	    &r, &cause), -1);
	free(cause);
	assert_true(same_bytes(p, before, blen));
	free(before);
	free(p);
	secret_free(sp);
}

/* ------------------------------------------------------------------ */
/* passwd */

static void
test_passwd_pkcs12(void **state)
{
	struct step_passwd_opts	 o;
	struct step_result	 r;
	struct secret		*sp = secret_from_str("storepass");
	struct secret		*np = secret_from_str("n3w-Store");
	struct secret		*shortp = secret_from_str("abc12");
	struct keystore		*ks;
	unsigned char		*before;
	size_t			 blen;
	char			*p, *cause = NULL;

	(void)state;
	p = copy_sample("samples/sample-jdk17.p12");
	before = slurp(p, &blen);

	memset(&o, 0, sizeof o);
	o.new_storepass = shortp;
	assert_int_equal(step_passwd(p, sp, &o, &r, &cause), -1);
	assert_non_null(strstr(cause, "at least 6"));
	free(cause);
	cause = NULL;
	/* A key password of its own: not in PKCS12. */
	o.new_storepass = NULL;
	o.alias = "server";
	o.new_keypass = np;
	assert_int_equal(step_passwd(p, sp, &o, &r, &cause), -1);
	assert_non_null(strstr(cause, "store password"));
	free(cause);
	cause = NULL;
	/* Same password again. */
	memset(&o, 0, sizeof o);
	o.new_storepass = sp;
	assert_int_equal(step_passwd(p, sp, &o, &r, &cause), -1);
	free(cause);
	cause = NULL;
	assert_true(same_bytes(p, before, blen));

	o.new_storepass = np;
	assert_int_equal(step_passwd(p, sp, &o, &r, &cause), 0);
	assert_true(r.backup_id > 0);
	step_result_free(&r);
	assert_false(opens_with(p, "storepass"));
	assert_true(opens_with(p, "n3w-Store"));
	assert_true(key_opens(p, "n3w-Store", "server", "n3w-Store"));
	assert_false(key_opens(p, "n3w-Store", "server", "storepass"));
	ks = load(p, "n3w-Store");
	assert_int_equal(ks->nentries, 2);
	assert_true(ks->p12.mac);
	assert_non_null(keystore_find(ks, "LabRoot"));
	keystore_free(ks);
	free(before);
	free(p);

	/* Passwordless: nothing to change. */
	p = copy_sample("samples/sample-jdk25-passwordless.p12");
	before = slurp(p, &blen);
	assert_int_equal(step_passwd(p, NULL, &o, &r, &cause), -1);
	assert_non_null(strstr(cause, "passwordless"));
	free(cause);
	assert_true(same_bytes(p, before, blen));
	free(before);
	free(p);
	secret_free(sp);
	secret_free(np);
	secret_free(shortp);
}

static void
test_passwd_jks(void **state)
{
	struct step_passwd_opts	 o;
	struct step_result	 r;
	struct secret		*sp = secret_from_str("storepass");
	struct secret		*np = secret_from_str("n3w-Store");
	struct secret		*kp = secret_from_str("keypass1");
	struct secret		*nk = secret_from_str("n3w-Key-1");
	struct secret		*bad = secret_from_str("wrong-key");
	unsigned char		*before;
	size_t			 blen;
	char			*p, *cause = NULL;

	(void)state;
	/* Key password != store password: the key keeps its own. */
	p = copy_sample("samples/sample-jks17.jks");
	memset(&o, 0, sizeof o);
	o.new_storepass = np;
	assert_int_equal(step_passwd(p, sp, &o, &r, &cause), 0);
	assert_true(has_note(&r, "keeps its own key password"));
	step_result_free(&r);
	assert_true(opens_with(p, "n3w-Store"));
	assert_false(opens_with(p, "storepass"));
	assert_true(key_opens(p, "n3w-Store", "server", "keypass1"));

	/* Key password change: the current one is needed. */
	before = slurp(p, &blen);
	memset(&o, 0, sizeof o);
	o.alias = "server";
	o.new_keypass = nk;
	assert_int_equal(step_passwd(p, np, &o, &r, &cause), -1);
	assert_non_null(strstr(cause, "current key password"));
	free(cause);
	cause = NULL;
	o.keypass = bad;
	assert_int_equal(step_passwd(p, np, &o, &r, &cause), -1);
	free(cause);
	cause = NULL;
	o.alias = "labroot";
	o.keypass = kp;
	assert_int_equal(step_passwd(p, np, &o, &r, &cause), -1);
	assert_non_null(strstr(cause, "trustedCertEntry"));
	free(cause);
	cause = NULL;
	assert_true(same_bytes(p, before, blen));
	o.alias = "server";
	assert_int_equal(step_passwd(p, np, &o, &r, &cause), 0);
	assert_string_equal(r.aliases[0], "server");
	step_result_free(&r);
	assert_true(key_opens(p, "n3w-Store", "server", "n3w-Key-1"));
	assert_false(key_opens(p, "n3w-Store", "server", "keypass1"));
	free(before);
	free(p);

	/* Key password = store password: both change together. */
	p = copy_sample("samples/sample-jdk25.jks");
	memset(&o, 0, sizeof o);
	o.new_storepass = np;
	assert_int_equal(step_passwd(p, sp, &o, &r, &cause), 0);
	assert_true(has_note(&r, "changes with it"));
	step_result_free(&r);
	assert_true(key_opens(p, "n3w-Store", "k", "n3w-Store"));
	assert_false(key_opens(p, "n3w-Store", "k", "storepass"));

	/* Store and key at once: the key gets the store password, so no
	 * key password of its own is kept. */
	o.new_storepass = nk;
	o.alias = "k";
	o.keypass = NULL;
	o.new_keypass = nk;
	assert_int_equal(step_passwd(p, np, &o, &r, &cause), 0);
	assert_false(has_note(&r, "own key password"));
	step_result_free(&r);
	assert_true(key_opens(p, "n3w-Key-1", "k", "n3w-Key-1"));
	free(p);
	secret_free(sp);
	secret_free(np);
	secret_free(kp);
	secret_free(nk);
	secret_free(bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trust_jks_changeit),
		cmocka_unit_test(test_trust_p12_passwordless),
		cmocka_unit_test(test_trust_p12_password),
		cmocka_unit_test(test_trust_defaults_storepass),
		cmocka_unit_test(test_trust_symlink),
		cmocka_unit_test(test_trust_symlink_private),
		cmocka_unit_test(test_trust_from_keystore),
		cmocka_unit_test(test_trust_refusals),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_passwd_pkcs12),
		cmocka_unit_test(test_passwd_jks),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}

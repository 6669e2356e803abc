/* SPDX-License-Identifier: ISC */
/*
 * test-convert.c -- the convert step (core/step-convert.c) and what it
 * relies on: PKCS#12 profiles, JCEKS and PKCS#12 secret keys, aliases as
 * Java shows them, entries Java ignores.  On copies of the samples in a
 * temporary directory; every refusal must leave the file byte-identical.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdbool.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/objects.h>

#include "testutil.h"

#define S_JKS17		"samples/sample-jks17.jks"	/* keypass1 */
#define S_JCEKS17	"samples/sample-jceks17.jceks"	/* keypass1 */
#define S_JCEKS25	"convert/jceks25.jceks"		/* keypass2 */
#define S_DUP		"convert/dup-alias.jks"
#define S_P12		"samples/sample-jdk17.p12"
#define S_LEGACY	"samples/sample-legacy-algs-jdk17.p12"
#define S_NOPW		"samples/sample-jdk25-passwordless.p12"

static char	 tmp[PATH_MAX];
static int	 seq;

static char *
tpath(const char *name)
{
	char	*p;

	xasprintf(&p, "%s/%s", tmp, name);
	return (p);
}

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

/* Copy a sample to a fresh name in tmp (keeping its extension). */
static char *
copy_sample(const char *rel)
{
	unsigned char	*buf;
	const char	*dot = strrchr(rel, '.');
	size_t		 len;
	char		*p, name[64];
	FILE		*f;

	buf = td_read(rel, &len);
	snprintf(name, sizeof name, "f%d%s", ++seq, dot != NULL ? dot : "");
	p = tpath(name);
	assert_non_null(f = fopen(p, "wb"));
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(buf);
	return (p);
}

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
	assert_true(ks->verified || ks->passwordless);
	secret_free(s);
	return (ks);
}

/* Recover a key or secret key of ks with pw; fails the test on error. */
static struct ks_entry *
recover(struct keystore *ks, const char *alias, const char *pw)
{
	struct ks_entry	*e;
	struct secret	*s = secret_from_str(pw);
	char		*cause = NULL;
	int		 r;

	assert_non_null(e = keystore_find(ks, alias));
	if (e->type == KS_ENTRY_SECRET)
		r = keystore_recover_secret(ks, e, s, &cause);
	else
		r = keystore_recover_key(ks, e, s, &cause);
	if (r != 0) {
		print_error("%s\n", cause);
		fail();
	}
	secret_free(s);
	return (e);
}

static int
setup(void **state)
{
	char	*bk;

	(void)state;
	snprintf(tmp, sizeof tmp, "%s/tlsdeck-convert.XXXXXX",
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

static void
opts(struct step_convert_opts *o, enum ks_format to, enum ks_profile p)
{
	memset(o, 0, sizeof *o);
	o->to = to;
	o->profile = p;
	o->out_uid = o->out_gid = -1;
}

static bool
has_note(const struct step_result *r, const char *s)
{
	size_t	i;

	for (i = 0; i < r->nnotes; i++)
		if (strstr(r->notes[i], s) != NULL)
			return (true);
	return (false);
}

/* ------------------------------------------------------------------ */

/* The secret keys of JCEKS files: keytool 17 (AES) and 25 (HMAC, AES). */
static void
test_jceks_secret(void **state)
{
	struct keystore	*ks;
	struct ks_entry	*e;
	struct secret	*bad = secret_from_str("wrong");
	char		*cause = NULL;

	(void)state;
	ks = load(td_path(S_JCEKS17), "storepass");
	e = recover(ks, "aeskey", "keypass1");
	assert_string_equal(e->secret_alg, "AES");
	assert_int_equal(e->secret->len, 16);
	keystore_free(ks);

	ks = load(td_path(S_JCEKS25), "storepass");
	e = recover(ks, "hmackey", "keypass2");
	assert_string_equal(e->secret_alg, "HmacSHA256");
	assert_int_equal(e->secret->len, 32);
	e = recover(ks, "aeskey", "storepass");
	assert_string_equal(e->secret_alg, "AES");
	assert_int_equal(e->secret->len, 32);
	/* the alias keytool lower-cased; JCEKS keeps what it stores */
	assert_null(keystore_find(ks, "labroot")->stored_alias);
	keystore_free(ks);
	ks = load(td_path(S_JCEKS25), "storepass");
	assert_non_null(e = keystore_find(ks, "hmackey"));
	assert_int_equal(keystore_recover_secret(ks, e, bad, &cause), -1);
	assert_non_null(strstr(cause, "wrong key password"));
	free(cause);
	keystore_free(ks);
	secret_free(bad);
}

/* JCEKS -> PKCS12: every entry, the secret keys with the same bytes. */
static void
test_jceks_to_p12(void **state)
{
	struct step_convert_opts o;
	struct step_convert_info info;
	struct step_result	 r;
	struct step_convert_key	 kk[1];
	struct keystore		*a, *b;
	struct ks_entry		*ea, *eb;
	struct secret		*sp = secret_from_str("storepass");
	struct secret		*kp = secret_from_str("keypass2");
	char			*src, *out, *cause = NULL;
	unsigned char		*before;
	size_t			 blen;

	(void)state;
	src = copy_sample(S_JCEKS25);
	out = tpath("jceks25.p12");
	before = slurp(src, &blen);
	opts(&o, KS_FMT_PKCS12, KS_PROFILE_NONE);
	o.out = out;
	/* no key password: the step names the entry that needs one */
	assert_int_equal(step_convert(src, sp, &o, &r, &info, &cause), -1);
	assert_non_null(info.need_keypass);
	assert_non_null(strstr(cause, "has its own key password"));
	assert_int_equal(access(out, F_OK), -1);
	free(cause);
	cause = NULL;
	step_result_free(&r);
	step_convert_info_free(&info);
	/* given per entry */
	kk[0].alias = "hmackey";
	kk[0].pass = kp;
	o.keypasses = kk;
	o.nkeypasses = 1;
	o.keypass = kp;
	assert_int_equal(step_convert(src, sp, &o, &r, &info, &cause), 0);
	assert_int_equal(info.from, KS_FMT_JCEKS);
	assert_int_equal(info.to_profile, KS_PROFILE_MODERN);
	assert_int_equal(info.nsecret, 2);
	assert_int_equal(info.nkeys, 1);
	assert_int_equal(info.ntrusted, 1);
	assert_int_equal(info.nrekeyed, 2);
	assert_true(r.created);
	assert_int_equal(r.backup_id, 0);
	assert_true(same_bytes(src, before, blen));
	step_result_free(&r);
	step_convert_info_free(&info);

	a = load(src, "storepass");
	b = load(out, "storepass");
	assert_int_equal(b->format, KS_FMT_PKCS12);
	assert_int_equal(keystore_profile(b), KS_PROFILE_MODERN);
	assert_int_equal(b->nentries, 4);
	ea = recover(a, "hmackey", "keypass2");
	eb = recover(b, "hmackey", "storepass");
	assert_true(secret_equal(ea->secret, eb->secret));
	assert_string_equal(eb->secret_alg, "HmacSHA256");
	ea = recover(a, "aeskey", "storepass");
	eb = recover(b, "aeskey", "storepass");
	assert_true(secret_equal(ea->secret, eb->secret));
	ea = recover(a, "eckey", "keypass2");
	eb = recover(b, "eckey", "storepass");
	assert_int_equal(EVP_PKEY_eq(ea->pkey, eb->pkey), 1);
	assert_int_equal(keystore_find(b, "labroot")->type, KS_ENTRY_TRUSTED);
	keystore_free(a);
	keystore_free(b);
	free(before);
	free(src);
	free(out);
	secret_free(sp);
	secret_free(kp);
}

/* JKS (key password differs) -> PKCS12 in place, backed up; dry run. */
static void
test_jks_in_place(void **state)
{
	struct step_convert_opts o;
	struct step_convert_info info;
	struct step_result	 r;
	struct keystore		*ks;
	struct secret		*sp = secret_from_str("storepass");
	struct secret		*kp = secret_from_str("keypass1");
	char			*p, *cause = NULL;
	unsigned char		*before;
	size_t			 blen;

	(void)state;
	p = copy_sample(S_JKS17);
	before = slurp(p, &blen);
	opts(&o, KS_FMT_PKCS12, KS_PROFILE_NONE);
	o.keypass = kp;
	o.dry_run = true;
	assert_int_equal(step_convert(p, sp, &o, &r, &info, &cause), 0);
	assert_true(has_note(&r, "its key had its own password"));
	assert_true(has_note(&r, "backed up first"));
	assert_true(same_bytes(p, before, blen));
	step_result_free(&r);
	step_convert_info_free(&info);
	o.dry_run = false;
	assert_int_equal(step_convert(p, sp, &o, &r, &info, &cause), 0);
	assert_int_not_equal(r.backup_id, 0);
	assert_int_equal(r.naliases, 3);
	step_result_free(&r);
	step_convert_info_free(&info);
	ks = load(p, "storepass");
	assert_int_equal(ks->format, KS_FMT_PKCS12);
	recover(ks, "server", "storepass");
	assert_int_equal(keystore_find(ks, "server")->nchain, 3);
	keystore_free(ks);

	/* ... and back to JKS: the key password is the store password */
	opts(&o, KS_FMT_JKS, KS_PROFILE_NONE);
	assert_int_equal(step_convert(p, sp, &o, &r, &info, &cause), 0);
	step_result_free(&r);
	step_convert_info_free(&info);
	ks = load(p, "storepass");
	assert_int_equal(ks->format, KS_FMT_JKS);
	recover(ks, "server", "storepass");
	assert_int_equal(ks->nentries, 3);
	keystore_free(ks);
	free(before);
	free(p);
	secret_free(sp);
	secret_free(kp);
}

/* Profiles: modern <-> legacy, passwordless for truststores only. */
static void
test_profiles(void **state)
{
	struct step_convert_opts o;
	struct step_convert_info info;
	struct step_result	 r;
	struct ks_p12_params	 p;
	struct keystore		*ks;
	struct secret		*sp = secret_from_str("storepass");
	char			*f, *g, *cause = NULL;
	unsigned char		*before;
	size_t			 blen;

	(void)state;
	if (!pkcs12_legacy_available())
		skip();
	/* the profiles of the samples */
	ks = load(td_path(S_LEGACY), "storepass");
	assert_int_equal(keystore_profile(ks), KS_PROFILE_LEGACY);
	keystore_free(ks);
	ks = load(td_path(S_NOPW), NULL);
	assert_int_equal(keystore_profile(ks), KS_PROFILE_PASSWORDLESS);
	keystore_free(ks);
	ks = load(td_path(S_JKS17), "storepass");
	assert_int_equal(keystore_profile(ks), KS_PROFILE_NONE);
	keystore_free(ks);
	pkcs12_params_profile(&p, KS_PROFILE_LEGACY);
	assert_int_equal(pkcs12_params_classify(&p), KS_PROFILE_LEGACY);
	pkcs12_params_profile(&p, KS_PROFILE_MODERN);
	assert_int_equal(pkcs12_params_classify(&p), KS_PROFILE_MODERN);
	assert_string_equal(ks_profile_name(ks_profile_parse("Legacy")),
	    "legacy");
	assert_int_equal(ks_profile_for_jre(8, 292), KS_PROFILE_LEGACY);
	assert_int_equal(ks_profile_for_jre(11, 12), KS_PROFILE_MODERN);
	assert_int_equal(ks_profile_for_jre(0, 0), KS_PROFILE_MODERN);

	/* modern -> legacy -> modern */
	f = copy_sample(S_P12);
	opts(&o, KS_FMT_PKCS12, KS_PROFILE_LEGACY);
	assert_int_equal(step_convert(f, sp, &o, &r, &info, &cause), 0);
	assert_int_equal(info.from_profile, KS_PROFILE_MODERN);
	step_result_free(&r);
	step_convert_info_free(&info);
	ks = load(f, "storepass");
	assert_int_equal(keystore_profile(ks), KS_PROFILE_LEGACY);
	assert_int_equal(ks->p12.key_pbe_nid,
	    NID_pbe_WithSHA1And3_Key_TripleDES_CBC);
	assert_int_equal(ks->p12.mac_iter, 100000);
	recover(ks, "server", "storepass");
	keystore_free(ks);
	/* the same profile again: nothing to convert, nothing written */
	before = slurp(f, &blen);
	assert_int_equal(step_convert(f, sp, &o, &r, &info, &cause), -1);
	assert_non_null(strstr(cause, "nothing to convert"));
	free(cause);
	cause = NULL;
	assert_true(same_bytes(f, before, blen));
	free(before);
	step_result_free(&r);
	step_convert_info_free(&info);
	opts(&o, KS_FMT_PKCS12, KS_PROFILE_MODERN);
	assert_int_equal(step_convert(f, sp, &o, &r, &info, &cause), 0);
	step_result_free(&r);
	step_convert_info_free(&info);
	ks = load(f, "storepass");
	assert_int_equal(keystore_profile(ks), KS_PROFILE_MODERN);
	keystore_free(ks);

	/* passwordless refuses keys, takes a truststore */
	before = slurp(f, &blen);
	opts(&o, KS_FMT_PKCS12, KS_PROFILE_PASSWORDLESS);
	assert_int_equal(step_convert(f, sp, &o, &r, &info, &cause), -1);
	assert_non_null(strstr(cause, "holds a private key"));
	free(cause);
	cause = NULL;
	assert_true(same_bytes(f, before, blen));
	free(before);
	step_result_free(&r);
	step_convert_info_free(&info);
	g = copy_sample(S_NOPW);
	opts(&o, KS_FMT_PKCS12, KS_PROFILE_LEGACY);
	/* a passwordless source needs the password to set */
	assert_int_equal(step_convert(g, NULL, &o, &r, &info, &cause), -1);
	assert_non_null(strstr(cause, "store password is needed"));
	free(cause);
	cause = NULL;
	step_result_free(&r);
	step_convert_info_free(&info);
	assert_int_equal(step_convert(g, sp, &o, &r, &info, &cause), 0);
	step_result_free(&r);
	step_convert_info_free(&info);
	ks = load(g, "storepass");
	assert_int_equal(keystore_profile(ks), KS_PROFILE_LEGACY);
	assert_string_equal(keystore_find(ks, "labint")->stored_alias,
	    "LabInt");
	keystore_free(ks);
	opts(&o, KS_FMT_PKCS12, KS_PROFILE_PASSWORDLESS);
	assert_int_equal(step_convert(g, sp, &o, &r, &info, &cause), 0);
	step_result_free(&r);
	step_convert_info_free(&info);
	ks = load(g, NULL);
	assert_true(ks->passwordless);
	assert_int_equal(ks->nentries, 2);
	keystore_free(ks);
	free(f);
	free(g);
	secret_free(sp);
}

/* Refusals: nothing written. */
static void
test_refusals(void **state)
{
	struct step_convert_opts o;
	struct step_convert_info info;
	struct step_result	 r;
	struct secret		*sp = secret_from_str("storepass");
	struct secret		*bad = secret_from_str("wrongpass");
	struct secret		*kp = secret_from_str("keypass1");
	char			*f, *g, *out, *cause = NULL;
	unsigned char		*before;
	size_t			 blen;

	(void)state;
	f = copy_sample(S_JCEKS17);
	before = slurp(f, &blen);
	/* a secret key cannot go into JKS */
	opts(&o, KS_FMT_JKS, KS_PROFILE_NONE);
	o.keypass = kp;
	assert_int_equal(step_convert(f, sp, &o, &r, &info, &cause), -1);
	assert_non_null(strstr(cause, "entry \"aeskey\" is a secret key"));
	free(cause);
	cause = NULL;
	step_result_free(&r);
	step_convert_info_free(&info);
	/* wrong store password */
	opts(&o, KS_FMT_PKCS12, KS_PROFILE_NONE);
	o.keypass = kp;
	assert_int_equal(step_convert(f, bad, &o, &r, &info, &cause), -1);
	assert_non_null(strstr(cause, "password"));
	free(cause);
	cause = NULL;
	step_result_free(&r);
	step_convert_info_free(&info);
	/* wrong key password */
	o.keypass = bad;
	assert_int_equal(step_convert(f, sp, &o, &r, &info, &cause), -1);
	assert_non_null(strstr(cause, "wrong key password"));
	free(cause);
	cause = NULL;
	step_result_free(&r);
	step_convert_info_free(&info);
	/* a profile for JKS */
	opts(&o, KS_FMT_JKS, KS_PROFILE_LEGACY);
	assert_int_equal(step_convert(f, sp, &o, &r, &info, &cause), -1);
	free(cause);
	cause = NULL;
	step_result_free(&r);
	step_convert_info_free(&info);
	assert_true(same_bytes(f, before, blen));
	free(before);

	/* an existing output file is never replaced */
	g = copy_sample(S_P12);
	before = slurp(g, &blen);
	opts(&o, KS_FMT_PKCS12, KS_PROFILE_NONE);
	o.keypass = kp;
	o.out = g;
	assert_int_equal(step_convert(f, sp, &o, &r, &info, &cause), -1);
	assert_non_null(strstr(cause, "already exists"));
	free(cause);
	cause = NULL;
	step_result_free(&r);
	step_convert_info_free(&info);
	assert_true(same_bytes(g, before, blen));
	free(before);
	/* JKS to JKS */
	out = copy_sample(S_JKS17);
	opts(&o, KS_FMT_JKS, KS_PROFILE_NONE);
	assert_int_equal(step_convert(out, sp, &o, &r, &info, &cause), -1);
	assert_non_null(strstr(cause, "JKS keystore already"));
	free(cause);
	step_result_free(&r);
	step_convert_info_free(&info);
	free(out);
	free(f);
	free(g);
	secret_free(sp);
	secret_free(bad);
	secret_free(kp);
}

/* A JKS file holding an alias twice: Java keeps the last entry. */
static void
test_duplicates(void **state)
{
	struct step_convert_opts o;
	struct step_convert_info info;
	struct step_result	 r;
	struct keystore		*ks;
	struct secret		*sp = secret_from_str("storepass");
	struct secret		*kp = secret_from_str("keypass1");
	char			*f, *cause = NULL;

	(void)state;
	ks = load(td_path(S_DUP), "storepass");
	assert_int_equal(ks->nentries, 3);
	assert_int_equal(ks->nignored, 1);
	assert_string_equal(ks->ignored[0].e->alias, "labroot");
	assert_int_equal(ks->ignored[0].e->type, KS_ENTRY_TRUSTED);
	assert_int_equal(ks->ignored[0].pos, 1);
	assert_int_equal(ks->ignored[0].by_pos, 4);
	assert_int_equal(keystore_find(ks, "labroot")->type, KS_ENTRY_KEY);
	keystore_free(ks);

	f = copy_sample(S_DUP);
	opts(&o, KS_FMT_PKCS12, KS_PROFILE_NONE);
	o.keypass = kp;
	assert_int_equal(step_convert(f, sp, &o, &r, &info, &cause), 0);
	assert_int_equal(info.ndropped, 1);
	assert_true(has_note(&r, "Java ignores it"));
	step_result_free(&r);
	step_convert_info_free(&info);
	ks = load(f, "storepass");
	assert_int_equal(ks->nentries, 3);
	assert_int_equal(ks->nignored, 0);
	assert_int_equal(keystore_find(ks, "labroot")->type, KS_ENTRY_KEY);
	keystore_free(ks);
	free(f);
	secret_free(sp);
	secret_free(kp);
}

/* PKCS#12: a later bag of the same alias replaces the entry (ignored). */
static void
test_p12_ignored(void **state)
{
	struct keystore	*ks;

	(void)state;
	ks = load(td_path("samples/bad-leaf-trusted.p12"), "storepass");
	assert_int_equal(ks->nignored, 1);
	assert_int_equal(ks->ignored[0].e->type, KS_ENTRY_KEY);
	assert_string_equal(ks->ignored[0].e->alias, "myserver");
	assert_int_equal(keystore_find(ks, "myserver")->type,
	    KS_ENTRY_TRUSTED);
	keystore_free(ks);
}

/* The two forms a decrypted sealed key takes (made by Java 17). */
static void
test_unsealed(void **state)
{
	struct secret	*k;
	unsigned char	*buf;
	size_t		 len, i;
	char		*alg;

	(void)state;
	buf = td_read("convert/secretkeyspec.ser", &len);
	assert_int_equal(jks_unsealed_key(buf, len, &k, &alg), 0);
	assert_string_equal(alg, "AES");
	assert_int_equal(k->len, 16);
	for (i = 0; i < 16; i++)
		assert_int_equal((unsigned char)k->buf[i], i);
	secret_free(k);
	free(alg);
	/* every truncation fails cleanly */
	for (i = 0; i < len; i++)
		assert_int_equal(jks_unsealed_key(buf, i, &k, &alg), -1);
	free(buf);
	buf = td_read("convert/keyrep.ser", &len);
	assert_int_equal(jks_unsealed_key(buf, len, &k, &alg), 0);
	assert_string_equal(alg, "HmacSHA256");
	assert_int_equal(k->len, 16);
	secret_free(k);
	free(alg);
	free(buf);
}

/* Java's secret key algorithm names and OIDs. */
static void
test_secret_algs(void **state)
{
	(void)state;
	assert_string_equal(ks_secret_alg_oid("aes"), "2.16.840.1.101.3.4.1");
	assert_string_equal(ks_secret_alg_name("1.2.840.113549.2.9"),
	    "HmacSHA256");
	assert_null(ks_secret_alg_oid("Blowfish"));
	assert_null(ks_secret_alg_name("1.2.3.4"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jceks_secret),
		cmocka_unit_test(test_jceks_to_p12),
		cmocka_unit_test(test_jks_in_place),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_p12_ignored),
		cmocka_unit_test(test_unsealed),
		cmocka_unit_test(test_secret_algs),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}

/* SPDX-License-Identifier: ISC */
/*
 * p12-tool.c -- a test-only driver of the PKCS#12 codec for shell tests
 * (tests/interop/p12-write.sh) and timing.  Passwords come from the
 * environment only (P12PASS: load; P12NEWPASS: write, default P12PASS):
 *
 *   p12-tool list FILE
 *	Load FILE (without P12PASS: KS_LOAD_NOVERIFY) and print one line per
 *	entry: "alias<TAB>type<TAB>chain length<TAB>leaf SHA-256", after a
 *	header line "entries N verified V passwordless P".
 *   p12-tool rewrite IN OUT
 *	Load IN; with P12RECOVER=1 recover every key (and when the write
 *	password differs, drop the stored form so keys are encrypted again);
 *	with P12DEFAULTS=1 use the default scheme; with P12ITER=N use N
 *	iterations everywhere (keys too, with P12RECOVER=1); write OUT.
 *   p12-tool build OUT KEYALIAS KEY.pem CHAIN.pem [TRUSTALIAS CERT.pem]...
 *	A new PKCS#12 (P12PASSWORDLESS=1: passwordless) holding one key
 *	entry and trusted entries.
 *   p12-tool gen SRC OUT N
 *	A truststore of N trusted entries "cert00000".. repeating the
 *	certificates of SRC (P12PASSWORDLESS=1: passwordless).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core.h"

/* Print a failure and exit. */
static void __attribute__((noreturn))
die(const char *what, char *cause)
{
	fprintf(stderr, "p12-tool: %s: %s\n", what,
	    cause != NULL ? cause : "failed");
	free(cause);
	exit(1);
}

/* Write buf to path. */
static void
write_file(const char *path, const unsigned char *buf, size_t len)
{
	FILE	*f;

	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* An optional password from the environment. */
static struct secret *
env_pass(const char *var)
{
	return (getenv(var) != NULL ? secret_from_str(getenv(var)) : NULL);
}

/* Whether an environment flag is "1". */
static int
env_flag(const char *var)
{
	const char	*v = getenv(var);

	return (v != NULL && strcmp(v, "1") == 0);
}

/* Load a keystore with P12PASS (or without verification). */
static struct keystore *
load(const char *path)
{
	struct keystore	*ks;
	struct secret	*sp = env_pass("P12PASS");
	char		*cause = NULL;

	if (keystore_load(path, sp, sp == NULL ? KS_LOAD_NOVERIFY : 0, &ks,
	    &cause) != 0)
		die("load", cause);
	secret_free(sp);
	return (ks);
}

/* Serialize ks to path with the write password. */
static void
store(struct keystore *ks, const char *path)
{
	struct secret	*op;
	unsigned char	*buf;
	size_t		 len;
	char		*cause = NULL;

	if ((op = env_pass("P12NEWPASS")) == NULL)
		op = env_pass("P12PASS");
	if (keystore_serialize(ks, op, &buf, &len, &cause) != 0)
		die("write", cause);
	write_file(path, buf, len);
	free(buf);
	secret_free(op);
}

/* list FILE */
static void
cmd_list(const char *path)
{
	struct keystore	*ks = load(path);
	struct ks_entry	*e;
	char		*fp, *desc;
	size_t		 i;

	desc = pkcs12_params_describe(&ks->p12);
	printf("entries %zu verified %d passwordless %d legacy %d\n",
	    ks->nentries, ks->verified, ks->passwordless, ks->p12.legacy);
	printf("scheme %s\n", desc);
	free(desc);
	for (i = 0; i < ks->nentries; i++) {
		e = ks->entries[i];
		fp = e->nchain > 0 ? cert_fp_hex(cert_sha256(e->chain[0]), 32) :
		    xstrdup("-");
		printf("%s\t%s\t%zu\t%s\n", e->alias, ks_etype_name(e->type),
		    e->nchain, fp);
		free(fp);
	}
	keystore_free(ks);
}

/* rewrite IN OUT */
static void
cmd_rewrite(const char *in, const char *out)
{
	struct keystore	*ks = load(in);
	struct secret	*sp = env_pass("P12PASS"), *np = env_pass("P12NEWPASS");
	struct ks_entry	*e;
	const char	*iter;
	char		*cause = NULL;
	size_t		 i;

	if (env_flag("P12DEFAULTS"))
		pkcs12_params_default(&ks->p12, ks->passwordless);
	if ((iter = getenv("P12ITER")) != NULL) {
		ks->p12.mac_iter = ks->p12.key_iter = atoi(iter);
		if (ks->p12.cert_pbe_nid != -1)
			ks->p12.cert_iter = atoi(iter);
	}
	for (i = 0; env_flag("P12RECOVER") && i < ks->nentries; i++) {
		e = ks->entries[i];
		if (e->type != KS_ENTRY_KEY)
			continue;
		if (keystore_recover_key(ks, e, sp, &cause) != 0)
			die("recover", cause);
		if (iter != NULL || (np != NULL && !secret_equal(np, sp))) {
			free(e->prot);
			e->prot = NULL;
			e->prot_len = 0;
		}
	}
	ks->format = KS_FMT_PKCS12;
	store(ks, out);
	secret_free(sp);
	secret_free(np);
	keystore_free(ks);
}

/* Read all certificates of a PEM file. */
static size_t
read_certs(const char *path, struct cert ***out)
{
	struct cert	**v = NULL;
	FILE		 *f;
	X509		 *x;
	size_t		  n = 0;
	char		 *cause = NULL;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		exit(1);
	}
	while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		v = xreallocarray(v, n + 1, sizeof *v);
		if ((v[n++] = cert_from_x509(x, &cause)) == NULL)
			die(path, cause);
		X509_free(x);
	}
	fclose(f);
	if (n == 0)
		die(path, xstrdup("no certificates"));
	*out = v;
	return (n);
}

/* build OUT KEYALIAS KEY CHAIN [TRUSTALIAS CERT]... */
static void
cmd_build(int argc, char **argv)
{
	struct keystore	*ks = keystore_new(KS_FMT_PKCS12);
	struct ks_entry	*e;
	struct cert	**v;
	FILE		*f;
	size_t		 n, i;
	int		 a;

	pkcs12_params_default(&ks->p12, env_flag("P12PASSWORDLESS"));
	ks->passwordless = env_flag("P12PASSWORDLESS");
	e = ks_entry_new(argv[1], KS_ENTRY_KEY);
	e->date_ms = 1795963389927LL;
	if ((f = fopen(argv[2], "r")) == NULL) {
		perror(argv[2]);
		exit(1);
	}
	if ((e->pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL)
		die(argv[2], xstrdup("no private key"));
	fclose(f);
	n = read_certs(argv[3], &v);
	for (i = 0; i < n; i++)
		ks_entry_add_cert(e, v[i]);
	free(v);
	keystore_add(ks, e);
	for (a = 4; a + 1 < argc; a += 2) {
		e = ks_entry_new(argv[a], KS_ENTRY_TRUSTED);
		n = read_certs(argv[a + 1], &v);
		ks_entry_add_cert(e, v[0]);
		for (i = 1; i < n; i++)
			cert_free(v[i]);
		free(v);
		keystore_add(ks, e);
	}
	store(ks, argv[0]);
	keystore_free(ks);
}

/* gen SRC OUT N */
static void
cmd_gen(const char *src, const char *out, long n)
{
	struct keystore	*ks = keystore_new(KS_FMT_PKCS12);
	struct ks_entry	*e;
	struct cert	**v;
	char		 alias[32];
	size_t		 nv, i;
	long		 k;

	pkcs12_params_default(&ks->p12, env_flag("P12PASSWORDLESS"));
	ks->passwordless = env_flag("P12PASSWORDLESS");
	nv = read_certs(src, &v);
	for (k = 0; k < n; k++) {
		snprintf(alias, sizeof alias, "cert%05ld", k);
		e = ks_entry_new(alias, KS_ENTRY_TRUSTED);
		ks_entry_add_cert(e, cert_dup(v[k % nv]));
		keystore_add(ks, e);
	}
	for (i = 0; i < nv; i++)
		cert_free(v[i]);
	free(v);
	store(ks, out);
	keystore_free(ks);
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "list") == 0)
		cmd_list(argv[2]);
	else if (argc == 4 && strcmp(argv[1], "rewrite") == 0)
		cmd_rewrite(argv[2], argv[3]);
	else if (argc >= 6 && strcmp(argv[1], "build") == 0)
		cmd_build(argc - 2, argv + 2);
	else if (argc == 5 && strcmp(argv[1], "gen") == 0)
		cmd_gen(argv[2], argv[3], strtol(argv[4], NULL, 10));
	else {
		fprintf(stderr, "usage: p12-tool list FILE | rewrite IN OUT | "
		    "build OUT KEYALIAS KEY CHAIN [ALIAS CERT]... | "
		    "gen SRC OUT N\n");
		return (2);
	}
	return (0);
}

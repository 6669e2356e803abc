/* SPDX-License-Identifier: ISC */
/*
 * jks-tool.c -- a test-only driver of the JKS codec for shell tests
 * (tests/interop/jks-write.sh) and timing.  Passwords come from the
 * environment only:
 *
 *   jks-tool rewrite IN OUT
 *	Load IN (JT_STOREPASS if set), drop secret key entries, and if
 *	JT_KEYPASS is set recover every key and protect it again with
 *	JT_NEWKEYPASS (default: the new store password).  Write OUT as JKS
 *	with JT_OUTPASS.
 *   jks-tool gen SRC OUT N
 *	Write a JKS truststore (JT_OUTPASS) of N trusted entries
 *	"cert00000".. holding the first certificate of SRC.
 *   jks-tool load FILE
 *	Load FILE (JT_STOREPASS if set) and print "N entries, verified".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* Print a failure and exit. */
static void __attribute__((noreturn))
die(const char *what, char *cause)
{
	fprintf(stderr, "jks-tool: %s: %s\n", what,
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

/* rewrite IN OUT */
static void
cmd_rewrite(const char *in, const char *out)
{
	struct keystore	*ks;
	struct ks_entry	*e;
	struct secret	*sp, *kp, *nkp, *op;
	unsigned char	*buf;
	size_t		 len, i;
	char		*cause = NULL;

	sp = env_pass("JT_STOREPASS");
	kp = env_pass("JT_KEYPASS");
	op = env_pass("JT_OUTPASS");
	nkp = env_pass("JT_NEWKEYPASS");
	if (op == NULL)
		die("rewrite", xstrdup("JT_OUTPASS is not set"));
	if (keystore_load(in, sp, 0, &ks, &cause) != 0)
		die(in, cause);
	for (i = 0; i < ks->nentries; /* nothing */) {
		e = ks->entries[i];
		if (e->type == KS_ENTRY_SECRET) {
			keystore_remove(ks, i);
			continue;
		}
		if (e->type == KS_ENTRY_KEY && kp != NULL) {
			if (keystore_recover_key(ks, e, kp, &cause) != 0)
				die(in, cause);
			free(e->prot);
			e->prot = NULL;
			e->prot_len = 0;
			e->keypass = secret_dup(nkp != NULL ? nkp : op);
		}
		i++;
	}
	ks->format = KS_FMT_JKS;
	if (keystore_serialize(ks, op, &buf, &len, &cause) != 0)
		die(out, cause);
	write_file(out, buf, len);
	free(buf);
	keystore_free(ks);
	secret_free(sp);
	secret_free(kp);
	secret_free(nkp);
	secret_free(op);
}

/* gen SRC OUT N */
static void
cmd_gen(const char *src, const char *out, const char *count)
{
	struct keystore	*ks, *nks;
	struct ks_entry	*e;
	struct secret	*op;
	unsigned char	*buf;
	size_t		 len, i, n;
	char		*cause = NULL, alias[32];

	n = strtoul(count, NULL, 10);
	if ((op = env_pass("JT_OUTPASS")) == NULL)
		die("gen", xstrdup("JT_OUTPASS is not set"));
	if (keystore_load(src, NULL, KS_LOAD_NOVERIFY, &ks, &cause) != 0)
		die(src, cause);
	if (ks->nentries == 0 || ks->entries[0]->nchain == 0)
		die(src, xstrdup("no certificate"));
	nks = keystore_new(KS_FMT_JKS);
	for (i = 0; i < n; i++) {
		snprintf(alias, sizeof alias, "cert%05zu", i);
		e = ks_entry_new(alias, KS_ENTRY_TRUSTED);
		e->date_ms = 1795963673846LL + (int64_t)i;
		ks_entry_add_cert(e, cert_dup(ks->entries[0]->chain[0]));
		keystore_add(nks, e);
	}
	if (keystore_serialize(nks, op, &buf, &len, &cause) != 0)
		die(out, cause);
	write_file(out, buf, len);
	free(buf);
	keystore_free(nks);
	keystore_free(ks);
	secret_free(op);
}

/* load FILE */
static void
cmd_load(const char *path)
{
	struct keystore	*ks;
	struct secret	*sp = env_pass("JT_STOREPASS");
	char		*cause = NULL;

	if (keystore_load(path, sp, sp == NULL ? KS_LOAD_NOVERIFY : 0, &ks,
	    &cause) != 0)
		die(path, cause);
	printf("%zu entries, %s\n", ks->nentries,
	    ks->verified ? "verified" : "not verified");
	keystore_free(ks);
	secret_free(sp);
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "rewrite") == 0)
		cmd_rewrite(argv[2], argv[3]);
	else if (argc == 5 && strcmp(argv[1], "gen") == 0)
		cmd_gen(argv[2], argv[3], argv[4]);
	else if (argc == 3 && strcmp(argv[1], "load") == 0)
		cmd_load(argv[2]);
	else {
		fprintf(stderr, "usage: jks-tool rewrite IN OUT | "
		    "gen SRC OUT N | load FILE\n");
		return (2);
	}
	return (0);
}

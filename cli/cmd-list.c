/* SPDX-License-Identifier: ISC */
/* cmd-list.c -- tlsdeck list / show: read any keystore or certificate file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

/* tlsdeck list FILE */
/* Every certificate's fingerprints, before printing (on two threads when
 * there are many). */
static void
list_fingerprints(struct keystore *ks)
{
	struct cert	**v;
	size_t		 i, j, n = 0;

	for (i = 0; i < ks->nentries; i++)
		n += ks->entries[i]->nchain;
	v = xreallocarray(NULL, n + 1, sizeof *v);
	for (n = 0, i = 0; i < ks->nentries; i++) {
		for (j = 0; j < ks->entries[i]->nchain; j++)
			v[n++] = ks->entries[i]->chain[j];
	}
	cert_fp_all(v, n);
	free(v);
}

/* The top-level "profile": PKCS#12's, or null. */
static void
list_json_profile(json_t *j, const struct keystore *ks)
{
	const char	*p = ks_profile_name(keystore_profile(ks));

	json_object_set_new(j, "profile", p != NULL ? json_string(p) :
	    json_null());
}

/* The text of one entry as it comes (the same whether the listing kept the
 * keystore or not; on two threads at once in ks_list_file). */
static void
list_text_entry(FILE *f, struct ks_entry *e, void *arg)
{
	const time_t	*now = arg;

	fputc('\n', f);
	out_text_entry(f, e, *now);
}

/* The first lines of a text listing (the path escaped). */
static void
list_text_header(const char *path, enum ks_format format, bool passwordless,
    bool verified, size_t n)
{
	struct cli_text	 tx;
	FILE		*mf;

	mf = cli_text_begin(&tx);
	fprintf(mf, "Keystore: %s\nType: %s%s\nIntegrity: %s\n"
	    "Your keystore contains %zu entr%s\n", path,
	    ks_format_name(format), passwordless ? " (passwordless)" : "",
	    verified ? "verified" : "NOT verified", n, n == 1 ? "y" : "ies");
	cli_text_end(&tx, stdout);
}

/* Block-buffer stdout for a big listing when it is not a terminal, and
 * take its lock once (the listing may have made us threaded). */
static void
list_stdout(void)
{
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 1 << 18);
	flockfile(stdout);
}

/*
 * A JKS or JCEKS listing as text with a store password: without keeping
 * the keystore (ks_list_file), else loaded whole as cli_open_keystore
 * would with this password (which keystore_load checks and explains).
 * TLSDECK_LIST_WHOLE=1 always loads it whole (the tests compare both).
 * 1: listed here; 0: *ksp loaded for the caller; -1: failed (said).
 */
static int
list_text_stream(struct cmd_ctx *c, time_t *now, struct keystore **ksp,
    struct secret **passp)
{
	struct ks_list	*l = NULL;
	const char	*path = c->argv[0], *whole;
	char		*cause = NULL;
	size_t		 i;
	int		 rc = -1;

	if (cli_password(&c->store, "", false, passp, &cause) != 0) {
		cli_error("%s", cause);
		free(cause);
		return (-1);
	}
	whole = getenv("TLSDECK_LIST_WHOLE");
	if ((whole == NULL || strcmp(whole, "1") != 0) &&
	    ks_list_file(path, *passp, list_text_entry, now, &l) == 0) {
		list_stdout();
		list_text_header(path, l->format, false, l->verified, l->n);
		/* aliases and names come from the file: escaped */
		for (i = 0; i < l->n; i++)
			cli_write_safe(stdout, l->texts[i].s, l->texts[i].len);
		rc = fflush(stdout) == 0 ? 1 : -1;
		funlockfile(stdout);
		ks_list_free(l);
		return (rc);
	}
	if (keystore_load(path, *passp, 0, ksp, &cause) != 0) {
		cli_error("%s", cause);
		free(cause);
		return (-1);
	}
	if (!(*ksp)->verified)
		cli_warn("%s: integrity not verified (no store password "
		    "given)", path);
	return (0);
}

static int
cmd_list_exec(struct cmd_ctx *c)
{
	struct keystore		*ks = NULL;
	struct secret		*pass = NULL;
	json_t			*j, *arr;
	struct cli_text		 tx;
	FILE			*mf;
	char			*cause = NULL;
	time_t			 now = time(NULL);
	int			 fmt = c->fmt, rc = EXIT_FAIL, r;
	size_t			 i;

	if (fmt == OUT_TEXT && cli_pw_given(&c->store)) {
		if ((r = list_text_stream(c, &now, &ks, &pass)) != 0) {
			rc = r == 1 ? EXIT_OK : EXIT_FAIL;
			goto out;
		}
	} else if (cli_open_keystore(c->argv[0], &c->store, fmt == OUT_JSON,
	    &ks, &pass, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	keystore_sort(ks);
	list_fingerprints(ks);
	list_stdout();
	if (fmt == OUT_JSON) {
		j = json_object();
		json_object_set_new(j, "file", json_string(c->argv[0]));
		json_object_set_new(j, "format",
		    json_string(ks_format_name(ks->format)));
		json_object_set_new(j, "verified", json_boolean(ks->verified));
		if (ks->format == KS_FMT_PKCS12)
			json_object_set_new(j, "passwordless",
			    json_boolean(ks->passwordless));
		list_json_profile(j, ks);
		json_object_set_new(j, "ignored", out_json_ignored(ks));
		arr = json_array();
		for (i = 0; i < ks->nentries; i++)
			json_array_append_new(arr,
			    out_json_entry(ks->entries[i], now, false));
		json_object_set_new(j, "entries", arr);
		out_json_dump(j, stdout);
	} else {
		list_text_header(c->argv[0], ks->format, ks->passwordless,
		    ks->verified, ks->nentries);
		/* aliases and names come from the file: escaped (an entry
		 * at a time: a listing can be large) */
		mf = cli_text_begin(&tx);
		if (ks->format == KS_FMT_PKCS12)
			fprintf(mf, "Profile: %s\n",
			    ks_profile_name(keystore_profile(ks)));
		out_text_ignored(mf, ks, NULL);
		cli_text_end(&tx, stdout);
		for (i = 0; i < ks->nentries; i++) {
			mf = cli_text_begin(&tx);
			list_text_entry(mf, ks->entries[i], &now);
			cli_text_end(&tx, stdout);
		}
	}
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
	funlockfile(stdout);
out:
	free(cause);
	keystore_free(ks);
	secret_free(pass);
	return (rc);
}

/* tlsdeck show FILE ALIAS */
static int
cmd_show_exec(struct cmd_ctx *c)
{
	struct keystore		*ks = NULL;
	struct secret		*pass = NULL, *kpass = NULL;
	struct ks_entry		*e;
	json_t			*j;
	struct cli_text		 tx;
	FILE			*mf;
	char			*cause = NULL, *pem, *desc;
	time_t			 now = time(NULL);
	int			 fmt = c->fmt, rc = EXIT_FAIL;
	int			 recovered = -1;
	size_t			 i;

	if (cli_open_keystore(c->argv[0], &c->store, fmt != OUT_TEXT, &ks,
	    &pass, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if ((e = keystore_find(ks, c->argv[1])) == NULL) {
		cli_error("%s: no entry with alias \"%s\"", c->argv[0],
		    c->argv[1]);
		goto out;
	}
	/* With a key password source, say whether the key is recoverable. */
	if (e->type == KS_ENTRY_KEY && cli_pw_given(&c->key)) {
		if (cli_password(&c->key, "", false, &kpass, &cause) != 0) {
			cli_error("%s", cause);
			goto out;
		}
		recovered = keystore_recover_key(ks, e, kpass, &cause) == 0;
		if (!recovered && fmt == OUT_TEXT)
			cli_warn("%s", cause);
	}
	switch (fmt) {
	case OUT_PEM:
		for (i = 0; i < e->nchain; i++) {
			pem = cert_pem(e->chain[i]);
			fputs(pem, stdout);
			free(pem);
		}
		break;
	case OUT_JSON:
		j = out_json_entry(e, now, true);
		list_json_profile(j, ks);
		json_object_set_new(j, "format",
		    json_string(ks_format_name(ks->format)));
		if (recovered != -1)
			json_object_set_new(j, "key_recovered",
			    json_boolean(recovered));
		out_json_dump(j, stdout);
		break;
	default:
		/* Names come from the file: escaped. */
		mf = cli_text_begin(&tx);
		fprintf(mf, "Keystore: %s (%s%s%s)\n", c->argv[0],
		    ks_format_name(ks->format), ks->format == KS_FMT_PKCS12 ?
		    ", profile " : "", ks->format == KS_FMT_PKCS12 ?
		    ks_profile_name(keystore_profile(ks)) : "");
		out_text_ignored(mf, ks, e->alias);
		out_text_entry(mf, e, now);
		if (recovered != -1)
			fprintf(mf, "Private key: %s\n", recovered ?
			    "recovered with the key password" :
			    "NOT recoverable");
		for (i = 0; i < e->nchain; i++) {
			desc = cert_describe(e->chain[i], now);
			fprintf(mf, "\nCertificate[%zu] in full:\n%s", i + 1,
			    desc);
			free(desc);
			pem = cert_pem(e->chain[i]);
			fputs(pem, mf);
			free(pem);
		}
		cli_text_end(&tx, stdout);
		break;
	}
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
	if (recovered == 0)
		rc = EXIT_FAIL;
out:
	free(cause);
	keystore_free(ks);
	secret_free(pass);
	secret_free(kpass);
	return (rc);
}

const struct cmd_entry cmd_list_entry = {
	.name = "list",
	.usage = "FILE [--format text|json] [PASSWORD OPTIONS]",
	.summary =
	"List the entries of a keystore (JKS, JCEKS, PKCS12) or certificate "
	"file (PEM, DER, PKCS7).\n"
	"  --format text|json       output format (default text)\n"
	"  --storepass-env VAR      store password from environment VAR\n"
	"  --storepass-file FILE    store password from the first line of "
	"FILE\n"
	"  --storepass PASS         (visible in ps; avoid)\n"
	"Without a password, JKS/JCEKS are listed unverified and a terminal "
	"is asked.",
	.flags = CMD_STOREPASS,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 1, 1, "FILE is missing" },
	.exec = cmd_list_exec
};

const struct cmd_entry cmd_show_entry = {
	.name = "show",
	.usage = "FILE ALIAS [--format text|json|pem] [PASSWORD OPTIONS]",
	.summary =
	"Show one entry in full: every certificate of its chain and its PEM.\n"
	"  --format text|json|pem   output format (default text)\n"
	"  --storepass-env VAR | --storepass-file FILE\n"
	"  --keypass-env VAR | --keypass-file FILE   also check the key is "
	"recoverable",
	.flags = CMD_STOREPASS | CMD_KEYPASS,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON) | OUT_F(OUT_PEM),
	.operands = { 2, 2, "FILE and ALIAS are needed" },
	.exec = cmd_show_exec
};

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
	int			 fmt = c->fmt, rc = EXIT_FAIL;
	size_t			 i;

	if (cli_open_keystore(c->argv[0], &c->store, fmt == OUT_JSON, &ks,
	    &pass, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	keystore_sort(ks);
	list_fingerprints(ks);
	/* Big listings: block-buffer stdout when it is not a terminal, and
	 * take its lock once (cert_fp_all may have made us threaded). */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 1 << 18);
	flockfile(stdout);
	if (fmt == OUT_JSON) {
		j = json_object();
		json_object_set_new(j, "file", json_string(c->argv[0]));
		json_object_set_new(j, "format",
		    json_string(ks_format_name(ks->format)));
		json_object_set_new(j, "verified", json_boolean(ks->verified));
		if (ks->format == KS_FMT_PKCS12)
			json_object_set_new(j, "passwordless",
			    json_boolean(ks->passwordless));
		arr = json_array();
		for (i = 0; i < ks->nentries; i++)
			json_array_append_new(arr,
			    out_json_entry(ks->entries[i], now, false));
		json_object_set_new(j, "entries", arr);
		out_json_dump(j, stdout);
	} else {
		/* Aliases and names come from the file: escaped (an entry
		 * at a time: a listing can be large). */
		mf = cli_text_begin(&tx);
		fprintf(mf, "Keystore: %s\nType: %s%s\nIntegrity: %s\n"
		    "Your keystore contains %zu entr%s\n", c->argv[0],
		    ks_format_name(ks->format),
		    ks->passwordless ? " (passwordless)" : "",
		    ks->verified ? "verified" : "NOT verified",
		    ks->nentries, ks->nentries == 1 ? "y" : "ies");
		cli_text_end(&tx, stdout);
		for (i = 0; i < ks->nentries; i++) {
			mf = cli_text_begin(&tx);
			fputc('\n', mf);
			out_text_entry(mf, ks->entries[i], now);
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
		if (recovered != -1)
			json_object_set_new(j, "key_recovered",
			    json_boolean(recovered));
		out_json_dump(j, stdout);
		break;
	default:
		/* Names come from the file: escaped. */
		mf = cli_text_begin(&tx);
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

/* SPDX-License-Identifier: ISC */
/* cmd-list.c -- tlsdeck list / show: read any keystore or certificate file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

/* Options shared by list and show. */
static const struct option list_options[] = {
	{ "format", required_argument, NULL, 'f' },
	CLI_PASSWORD_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

/* tlsdeck list FILE */
static int
cmd_list_exec(int argc, char **argv)
{
	const struct cmd_entry	*ce = &cmd_list_entry;
	struct pw_opts		 store = { 0 };
	struct keystore		*ks = NULL;
	struct secret		*pass = NULL;
	json_t			*j, *arr;
	char			*cause = NULL;
	time_t			 now = time(NULL);
	int			 ch, fmt = OUT_TEXT, rc = EXIT_FAIL;
	size_t			 i;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "f:", list_options, NULL)) != -1) {
		if (cli_password_option(ch, optarg, &store, NULL))
			continue;
		if (cli_common_option(ce, ch, optarg, argv,
		    1 << OUT_TEXT | 1 << OUT_JSON, &fmt, &rc) != 0)
			goto out;
	}
	if (cli_one_file(ce, argc, &rc) != 0)
		goto out;
	if (cli_open_keystore(argv[optind], &store, fmt == OUT_JSON, &ks,
	    &pass, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	keystore_sort(ks);
	/* Big listings: block-buffer stdout when it is not a terminal. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (fmt == OUT_JSON) {
		j = json_object();
		json_object_set_new(j, "file", json_string(argv[optind]));
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
		printf("Keystore: %s\nType: %s%s\nIntegrity: %s\n"
		    "Your keystore contains %zu entr%s\n", argv[optind],
		    ks_format_name(ks->format),
		    ks->passwordless ? " (passwordless)" : "",
		    ks->verified ? "verified" : "NOT verified",
		    ks->nentries, ks->nentries == 1 ? "y" : "ies");
		for (i = 0; i < ks->nentries; i++) {
			printf("\n");
			out_text_entry(stdout, ks->entries[i], now);
		}
	}
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	free(cause);
	keystore_free(ks);
	secret_free(pass);
	cli_pw_opts_done(&store);
	return (rc);
}

/* tlsdeck show FILE ALIAS */
static int
cmd_show_exec(int argc, char **argv)
{
	const struct cmd_entry	*ce = &cmd_show_entry;
	struct pw_opts		 store = { 0 }, key = { 0 };
	struct keystore		*ks = NULL;
	struct secret		*pass = NULL, *kpass = NULL;
	struct ks_entry		*e;
	json_t			*j;
	char			*cause = NULL, *pem, *desc;
	time_t			 now = time(NULL);
	int			 ch, fmt = OUT_TEXT, rc = EXIT_FAIL;
	int			 recovered = -1;
	size_t			 i;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "f:", list_options, NULL)) != -1) {
		if (cli_password_option(ch, optarg, &store, &key))
			continue;
		if (cli_common_option(ce, ch, optarg, argv,
		    1 << OUT_TEXT | 1 << OUT_JSON | 1 << OUT_PEM, &fmt,
		    &rc) != 0)
			goto out;
	}
	if (argc - optind != 2) {
		rc = cli_usage(ce, argc - optind < 2 ? "FILE and ALIAS are "
		    "needed" : "too many arguments");
		goto out;
	}
	if (cli_open_keystore(argv[optind], &store, fmt != OUT_TEXT, &ks,
	    &pass, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if ((e = keystore_find(ks, argv[optind + 1])) == NULL) {
		cli_error("%s: no entry with alias \"%s\"", argv[optind],
		    argv[optind + 1]);
		goto out;
	}
	/* With a key password source, say whether the key is recoverable. */
	if (e->type == KS_ENTRY_KEY && (key.env != NULL || key.file != NULL ||
	    key.given != NULL)) {
		if (cli_password(&key, "", false, &kpass, &cause) != 0) {
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
		out_text_entry(stdout, e, now);
		if (recovered != -1)
			printf("Private key: %s\n", recovered ? "recovered "
			    "with the key password" : "NOT recoverable");
		for (i = 0; i < e->nchain; i++) {
			desc = cert_describe(e->chain[i], now);
			printf("\nCertificate[%zu] in full:\n%s", i + 1, desc);
			free(desc);
			pem = cert_pem(e->chain[i]);
			fputs(pem, stdout);
			free(pem);
		}
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
	cli_pw_opts_done(&store);
	cli_pw_opts_done(&key);
	return (rc);
}

const struct cmd_entry cmd_list_entry = {
	"list", "FILE [--format text|json] [PASSWORD OPTIONS]",
	"List the entries of a keystore (JKS, JCEKS, PKCS12) or certificate "
	"file (PEM, DER, PKCS7).\n"
	"  --format text|json       output format (default text)\n"
	"  --storepass-env VAR      store password from environment VAR\n"
	"  --storepass-file FILE    store password from the first line of "
	"FILE\n"
	"  --storepass PASS         (visible in ps; avoid)\n"
	"Without a password, JKS/JCEKS are listed unverified and a terminal "
	"is asked.", cmd_list_exec
};

const struct cmd_entry cmd_show_entry = {
	"show", "FILE ALIAS [--format text|json|pem] [PASSWORD OPTIONS]",
	"Show one entry in full: every certificate of its chain and its PEM.\n"
	"  --format text|json|pem   output format (default text)\n"
	"  --storepass-env VAR | --storepass-file FILE\n"
	"  --keypass-env VAR | --keypass-file FILE   also check the key is "
	"recoverable", cmd_show_exec
};

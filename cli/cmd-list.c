/* SPDX-License-Identifier: ISC */
/* cmd-list.c -- tlsdeck list / show: read any keystore or certificate file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

int
cli_password_option(int ch, char *arg, struct pw_opts *store,
    struct pw_opts *key)
{
	struct pw_opts	*pw;

	switch (ch) {
	case OPT_STOREPASS_ENV:
	case OPT_STOREPASS_FILE:
	case OPT_STOREPASS:
		pw = store;
		break;
	case OPT_KEYPASS_ENV:
	case OPT_KEYPASS_FILE:
	case OPT_KEYPASS:
		pw = key;
		break;
	default:
		return (0);
	}
	if (pw == NULL)
		return (0);
	switch (ch) {
	case OPT_STOREPASS_ENV:
	case OPT_KEYPASS_ENV:
		pw->env = arg;
		break;
	case OPT_STOREPASS_FILE:
	case OPT_KEYPASS_FILE:
		pw->file = arg;
		break;
	default:
		secret_free(pw->given);
		pw->given = secret_from_str(arg);
		explicit_bzero(arg, strlen(arg));
		cli_warn("a password on the command line is visible to other "
		    "users in ps; use --%s-env or --%s-file",
		    ch == OPT_STOREPASS ? "storepass" : "keypass",
		    ch == OPT_STOREPASS ? "storepass" : "keypass");
		break;
	}
	return (1);
}

void
cli_pw_opts_done(struct pw_opts *pw)
{
	secret_free(pw->given);
	pw->given = NULL;
}

/* Does the loader need a password for this file to be read in full? */
static bool
list_needs_password(enum ks_format f)
{
	return (f == KS_FMT_JKS || f == KS_FMT_JCEKS || f == KS_FMT_PKCS12);
}

int
cli_open_keystore(const char *path, const struct pw_opts *pw, bool quiet,
    struct keystore **ksp, struct secret **passp, char **cause)
{
	struct secret	*pass = NULL;
	unsigned char	*buf = NULL;
	size_t		 len;
	enum ks_format	 f;
	int		 rc = -1;
	char		*c2 = NULL;

	*ksp = NULL;
	*passp = NULL;
	if (cli_password(pw, "", false, &pass, cause) != 0)
		return (-1);
	if (file_read(path, &buf, &len, cause) != 0)
		goto out;
	f = keystore_sniff(buf, len);
	if (pass != NULL) {
		rc = keystore_load_owned(buf, len, path, pass, 0, ksp, cause);
		buf = NULL;
		goto out;
	}
	/* No password given: certificate files and passwordless PKCS#12
	 * open as they are. */
	if (!list_needs_password(f) || f == KS_FMT_PKCS12) {
		rc = keystore_load_mem(buf, len, path, NULL, 0, ksp, &c2);
		if (rc == 0 || f != KS_FMT_PKCS12 || !isatty(STDIN_FILENO)) {
			if (rc != 0) {
				cause_set(cause, "%s", c2);
			}
			goto out;
		}
		free(c2);
		c2 = NULL;
	}
	if (isatty(STDIN_FILENO)) {
		pass = cli_prompt_tty(f == KS_FMT_PKCS12 ?
		    "Enter keystore password: " :
		    "Enter keystore password (Enter to skip the integrity "
		    "check): ", cause);
		if (pass != NULL && pass->len == 0 && f != KS_FMT_PKCS12) {
			secret_free(pass);
			pass = NULL;
		}
	}
	rc = keystore_load_owned(buf, len, path, pass, pass == NULL ?
	    KS_LOAD_NOVERIFY : 0, ksp, cause);
	buf = NULL;		/* owned by the keystore (or freed) */
out:
	free(c2);
	if (buf != NULL) {
		explicit_bzero(buf, len);
		free(buf);
	}
	if (rc == 0) {
		(*ksp)->path = xstrdup(path);
		if (!(*ksp)->verified && !quiet)
			cli_warn("%s: integrity not verified (no store "
			    "password given)", path);
		*passp = pass;
	} else
		secret_free(pass);
	return (rc);
}

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
	struct cli_text		 tx;
	FILE			*mf;
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
		/* Aliases and names come from the file: escaped (an entry
		 * at a time: a listing can be large). */
		mf = cli_text_begin(&tx);
		fprintf(mf, "Keystore: %s\nType: %s%s\nIntegrity: %s\n"
		    "Your keystore contains %zu entr%s\n", argv[optind],
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
	struct cli_text		 tx;
	FILE			*mf;
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

/* SPDX-License-Identifier: ISC */
/* cmd-csr.c -- tlsdeck csr: a PKCS#10 request for a key entry. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_DNAME = OPT__CLI_MAX + 1,
	OPT_SAN,
	OPT_FORCE,
};

static const struct option csr_options[] = {
	{ "alias", required_argument, NULL, 'a' },
	{ "dname", required_argument, NULL, OPT_DNAME },
	{ "san", required_argument, NULL, OPT_SAN },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, OPT_FORCE },
	CLI_PASSWORD_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

/* tlsdeck csr FILE --alias A [--san LIST] [--dname DN] [-o OUT] */
static int
cmd_csr_exec(int argc, char **argv)
{
	const struct cmd_entry	*ce = &cmd_csr_entry;
	struct pw_opts		 store = { 0 }, key = { 0 };
	struct step_csr_opts	 o;
	struct step_result	 r = { 0 };
	struct keystore		*ks = NULL;
	struct ks_entry		*e;
	struct secret		*pass = NULL, *kpass = NULL;
	const char		*out = NULL;
	char			*cause = NULL, *pem = NULL, *desc = NULL;
	char			*prompt = NULL;
	bool			 force = false;
	size_t			 i;
	int			 ch, rc = EXIT_FAIL;

	memset(&o, 0, sizeof o);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "a:o:", csr_options,
	    NULL)) != -1) {
		if (cli_password_option(ch, optarg, &store, &key))
			continue;
		switch (ch) {
		case 'a':
			o.alias = optarg;
			break;
		case OPT_DNAME:
			o.dname = optarg;
			break;
		case OPT_SAN:
			o.san = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case OPT_HELP:
			cli_help(ce, stdout);
			rc = EXIT_OK;
			goto out;
		default:
			rc = cli_usage(ce, "unknown or incomplete option: %s",
			    argv[optind - 1]);
			goto out;
		}
	}
	if (cli_one_file(ce, argc, &rc) != 0)
		goto out;
	if (o.alias == NULL) {
		rc = cli_usage(ce, "--alias is needed");
		goto out;
	}
	if (cli_open_keystore(argv[optind], &store, true, &ks, &pass,
	    &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (key.env != NULL || key.file != NULL || key.given != NULL) {
		if (cli_password(&key, "", false, &kpass, &cause) != 0) {
			cli_error("%s", cause);
			goto out;
		}
	}
	o.keypass = kpass;
	if (step_csr(ks, pass, &o, &pem, &r, &cause) != 0) {
		/* On a terminal, ask for a key password that differs. */
		e = keystore_find(ks, o.alias);
		if (kpass != NULL || e == NULL || e->type != KS_ENTRY_KEY ||
		    e->pkey != NULL) {
			cli_error("%s", cause);
			goto out;
		}
		if (!isatty(STDIN_FILENO)) {
			cli_error("%s (give the key password with "
			    "--keypass-env or --keypass-file)", cause);
			goto out;
		}
		free(cause);
		cause = NULL;
		xasprintf(&prompt, "Enter key password for <%s>: ", o.alias);
		o.keypass = kpass = cli_prompt_tty(prompt, &cause);
		if (step_csr(ks, pass, &o, &pem, &r, &cause) != 0) {
			cli_error("%s", cause);
			goto out;
		}
	}
	for (i = 0; i < r.nnotes; i++)
		cli_note("%s", r.notes[i]);
	if (out == NULL || strcmp(out, "-") == 0) {
		fputs(pem, stdout);
	} else {
		xasprintf(&desc, "certificate request for alias %s of %s",
		    o.alias, argv[optind]);
		if (step_write_file(out, (const unsigned char *)pem,
		    strlen(pem), force, 0644, "csr", desc, &cause) != 0) {
			cli_error("%s", cause);
			goto out;
		}
		cli_message("wrote the request for \"%s\" to %s",
		    r.aliases[0], out);
	}
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	free(cause);
	free(pem);
	free(desc);
	free(prompt);
	step_result_free(&r);
	keystore_free(ks);
	secret_free(pass);
	secret_free(kpass);
	cli_pw_opts_done(&store);
	cli_pw_opts_done(&key);
	return (rc);
}

const struct cmd_entry cmd_csr_entry = {
	"csr", "FILE --alias A [--san LIST] [--dname DN] [-o OUT] [--force] "
	"[PASSWORD OPTIONS]",
	"Make a PKCS#10 certificate request (PEM) for a key entry.  The "
	"subject alternative\nnames of the entry's current certificate are "
	"kept unless --san is given\n(keytool -certreq drops them).\n"
	"  -a, --alias A            the key entry\n"
	"  --san LIST               dns:host,ip:10.0.0.5,... (\"\" for none)\n"
	"  --dname DN               subject (default: the certificate's)\n"
	"  -o, --output OUT         write to a new file OUT (default: stdout)\n"
	"  --force                  replace an existing OUT (it is backed up)\n"
	"  --storepass-env VAR | --storepass-file FILE   store password\n"
	"  --keypass-env VAR | --keypass-file FILE       JKS key password, "
	"when it\n"
	"                           differs from the store password",
	cmd_csr_exec
};

/* SPDX-License-Identifier: ISC */
/* cmd-export.c -- tlsdeck export: an entry's certificate or chain. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_CHAIN = OPT__CLI_MAX + 1,
	OPT_FORCE,
};

static const struct option export_options[] = {
	{ "alias", required_argument, NULL, 'a' },
	{ "format", required_argument, NULL, 'f' },
	{ "chain", no_argument, NULL, OPT_CHAIN },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, OPT_FORCE },
	CLI_PASSWORD_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

/* tlsdeck export FILE --alias A [--format pem|der] [--chain] -o OUT */
static int
cmd_export_exec(int argc, char **argv)
{
	const struct cmd_entry	*ce = &cmd_export_entry;
	struct pw_opts		 store = { 0 };
	struct keystore		*ks = NULL;
	struct secret		*pass = NULL;
	const char		*alias = NULL, *out = NULL;
	unsigned char		*data = NULL;
	char			*cause = NULL, *desc = NULL;
	size_t			 len = 0, n = 0;
	bool			 force = false;
	int			 ch, fmt = OUT_PEM, flags = 0, rc = EXIT_FAIL;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "a:f:o:", export_options,
	    NULL)) != -1) {
		if (cli_password_option(ch, optarg, &store, NULL))
			continue;
		switch (ch) {
		case 'a':
			alias = optarg;
			break;
		case 'f':
			fmt = cli_parse_format(optarg, 1 << OUT_PEM |
			    1 << OUT_DER);
			if (fmt < 0) {
				rc = cli_usage(ce, "unknown format: %s (pem "
				    "or der)", optarg);
				goto out;
			}
			break;
		case OPT_CHAIN:
			flags |= STEP_EXPORT_CHAIN;
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
	if (alias == NULL || out == NULL) {
		rc = cli_usage(ce, "--alias and -o OUT are needed (-o - for "
		    "standard output)");
		goto out;
	}
	if (fmt == OUT_DER)
		flags |= STEP_EXPORT_DER;
	if (fmt == OUT_DER && strcmp(out, "-") == 0 && isatty(STDOUT_FILENO)) {
		cli_error("export: DER is binary: not written to a terminal "
		    "(use -o FILE or --format pem)");
		goto out;
	}
	if (cli_open_keystore(argv[optind], &store, true, &ks, &pass,
	    &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (step_export(ks, alias, flags, &data, &len, &n, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (strcmp(out, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len)
			goto out;
	} else {
		xasprintf(&desc, "export of alias %s (%zu certificate%s) "
		    "from %s", alias, n, n == 1 ? "" : "s", argv[optind]);
		if (step_write_file(out, data, len, force, 0644, "export",
		    desc, &cause) != 0) {
			cli_error("%s", cause);
			goto out;
		}
		cli_message("wrote %zu certificate%s (%s) of \"%s\" to %s",
		    n, n == 1 ? "" : "s", fmt == OUT_DER ? "DER" : "PEM",
		    alias, out);
	}
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	free(cause);
	free(data);
	free(desc);
	keystore_free(ks);
	secret_free(pass);
	cli_pw_opts_done(&store);
	return (rc);
}

const struct cmd_entry cmd_export_entry = {
	"export", "FILE --alias A [--format pem|der] [--chain] -o OUT "
	"[--force] [PASSWORD OPTIONS]",
	"Export an entry's certificate (or its whole chain) as PEM or DER.\n"
	"  -a, --alias A            the entry\n"
	"  --format pem|der         output format (default pem; DER holds one "
	"certificate)\n"
	"  --chain                  the whole chain, leaf first (PEM)\n"
	"  -o, --output OUT         a new file, or - for standard output\n"
	"  --force                  replace an existing OUT (it is backed up)\n"
	"  --storepass-env VAR | --storepass-file FILE   store password "
	"(optional:\n"
	"                           certificates are readable without it)",
	cmd_export_exec
};

/* SPDX-License-Identifier: ISC */
/* cmd-genkey.c -- tlsdeck genkey: a key pair and self-signed certificate. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
	OPT_DNAME = OPT__CLI_MAX + 1,
	OPT_SAN,
	OPT_KEYALG,
	OPT_KEYSIZE,
	OPT_CURVE,
	OPT_DAYS,
};

static const struct option genkey_options[] = {
	{ "dname", required_argument, NULL, OPT_DNAME },
	{ "san", required_argument, NULL, OPT_SAN },
	{ "keyalg", required_argument, NULL, OPT_KEYALG },
	{ "keysize", required_argument, NULL, OPT_KEYSIZE },
	{ "curve", required_argument, NULL, OPT_CURVE },
	{ "days", required_argument, NULL, OPT_DAYS },
	CLI_STEP_STORETYPE,
	CLI_STEP_REPLACE,
	CLI_STEP_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

/* A positive decimal number, or -1. */
static int
genkey_number(const char *s)
{
	char	*end;
	long	 v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v <= 0 || v > INT_MAX)
		return (-1);
	return ((int)v);
}

/* tlsdeck genkey FILE --alias A --dname DN ... */
static int
cmd_genkey_exec(int argc, char **argv)
{
	const struct cmd_entry	*ce = &cmd_genkey_entry;
	struct step_args	 sa = { 0 };
	struct step_genkey_opts	 o;
	struct step_result	 r = { 0 };
	char			*cause = NULL, *what = NULL;
	int			 ch, f, rc = EXIT_FAIL;

	memset(&o, 0, sizeof o);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "a:f:", genkey_options,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_DNAME:
			o.dname = optarg;
			break;
		case OPT_SAN:
			o.san = optarg;
			break;
		case OPT_KEYALG:
			o.keyalg = optarg;
			break;
		case OPT_CURVE:
			o.curve = optarg;
			break;
		case OPT_KEYSIZE:
		case OPT_DAYS:
			if ((f = genkey_number(optarg)) < 0) {
				rc = cli_usage(ce, "not a positive number: %s",
				    optarg);
				goto out;
			}
			if (ch == OPT_KEYSIZE)
				o.keysize = f;
			else
				o.days = f;
			break;
		default:
			if (cli_step_option(ce, ch, optarg, argv, &sa,
			    &rc) != 0)
				goto out;
			break;
		}
	}
	if (cli_one_file(ce, argc, &rc) != 0)
		goto out;
	if (sa.alias == NULL || o.dname == NULL) {
		rc = cli_usage(ce, "--alias and --dname are needed");
		goto out;
	}
	o.alias = sa.alias;
	o.storetype = sa.storetype;
	o.replace = sa.replace;
	o.dry_run = sa.dry_run;
	if (cli_guard_keystore(argv[optind], "changed", &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (cli_step_passwords(argv[optind], &sa, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	o.keypass = sa.kpass;
	if (step_genkey(argv[optind], sa.pass, &o, &r, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	xasprintf(&what, "%s key entry \"%s\" (%s, self-signed) %s %s "
	    "keystore %s%s", o.dry_run ? "Would add" : r.replaced ?
	    "Replaced" : "Added", r.aliases[0], r.chain[0]->info.key,
	    r.created ? "in the new" : "in the", ks_format_name(r.format),
	    argv[optind], o.dry_run ? " (dry run: nothing written)" : ".");
	rc = cli_step_finish(argv[optind], what, &r, &sa, false);
out:
	free(cause);
	free(what);
	step_result_free(&r);
	cli_step_args_done(&sa);
	return (rc);
}

const struct cmd_entry cmd_genkey_entry = {
	"genkey", "FILE --alias A --dname DN [--san LIST] [--keyalg rsa|ec] "
	"[--keysize N | --curve P-256|P-384] [--days N] "
	"[--storetype pkcs12|jks] [--replace] [--dry-run] "
	"[--format text|json] [PASSWORD OPTIONS]",
	"Generate a key pair and a self-signed certificate (as keytool "
	"-genkeypair).\n"
	"The keystore is created if missing (PKCS12 unless --storetype jks).\n"
	"  -a, --alias A            alias of the new entry\n"
	"  --dname DN               \"CN=host.example.com, OU=IT, O=Example, "
	"C=US\"\n"
	"  --san LIST               dns:host,ip:10.0.0.5,email:x@y,uri:https:"
	"//...\n"
	"  --keyalg rsa|ec          key algorithm (default rsa)\n"
	"  --keysize N              RSA 2048 (default), 3072 or 4096\n"
	"  --curve P-256|P-384      EC curve (default P-256)\n"
	"  --days N                 validity (default 3650)\n"
	"  --storetype pkcs12|jks   type of a new keystore (default pkcs12)\n"
	"  --replace                replace an existing entry of the same "
	"alias\n"
	"  --dry-run                check, write nothing\n"
	"  --format text|json       output format (default text)\n"
	"  --storepass-env VAR | --storepass-file FILE   store password "
	"(else asked)\n"
	"  --keypass-env VAR | --keypass-file FILE       JKS key password "
	"(default: the\n"
	"                           store password; PKCS12 always uses the "
	"store password)", cmd_genkey_exec
};

/* SPDX-License-Identifier: ISC */
/* cmd-genkey.c -- tlsdeck genkey: a key pair and self-signed certificate. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

enum {
	OPT_DNAME = OPT__CLI_MAX + 1,
	OPT_SAN,
	OPT_KEYALG,
	OPT_KEYSIZE,
	OPT_CURVE,
	OPT_DAYS,
	OPT_REPLACES,
	OPT_ACCEPT_SAN_LOSS,
	OPT_PROFILE,
};

static const struct option genkey_options[] = {
	{ "dname", required_argument, NULL, OPT_DNAME },
	{ "san", required_argument, NULL, OPT_SAN },
	{ "keyalg", required_argument, NULL, OPT_KEYALG },
	{ "keysize", required_argument, NULL, OPT_KEYSIZE },
	{ "curve", required_argument, NULL, OPT_CURVE },
	{ "days", required_argument, NULL, OPT_DAYS },
	{ "replaces", required_argument, NULL, OPT_REPLACES },
	{ "accept-san-loss", no_argument, NULL, OPT_ACCEPT_SAN_LOSS },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	CLI_STEP_STORETYPE,
	CLI_STEP_REPLACE,
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

/* One of genkey's own options, into its struct step_genkey_opts. */
static int
genkey_option(struct cmd_ctx *c, int ch, char *arg)
{
	struct step_genkey_opts	*o = c->data;
	int			 f;

	switch (ch) {
	case OPT_DNAME:
		o->dname = arg;
		break;
	case OPT_SAN:
		o->san = arg;
		break;
	case OPT_KEYALG:
		o->keyalg = arg;
		break;
	case OPT_CURVE:
		o->curve = arg;
		break;
	case OPT_REPLACES:
		o->replaces = arg;
		break;
	case OPT_ACCEPT_SAN_LOSS:
		o->accept_san_loss = true;
		break;
	case OPT_PROFILE:
		if ((o->profile = ks_profile_parse(arg)) == KS_PROFILE_NONE ||
		    o->profile == KS_PROFILE_PASSWORDLESS)
			return (cmd_usage(c, "profile of a key's keystore: "
			    "modern or legacy, not %s", arg));
		break;
	case OPT_KEYSIZE:
	case OPT_DAYS:
		if ((f = genkey_number(arg)) < 0)
			return (cmd_usage(c, "not a positive number: %s", arg));
		if (ch == OPT_KEYSIZE)
			o->keysize = f;
		else
			o->days = f;
		break;
	}
	return (0);
}

/* tlsdeck genkey FILE --alias A --dname DN ... */
static int
cmd_genkey_exec(struct cmd_ctx *c)
{
	struct step_genkey_opts	*o = c->data;
	struct step_result	 r = { 0 };
	struct server_owner	 owner = { -1, -1, 0, NULL, NULL };
	const char		*file = c->argv[0];
	char			*cause = NULL, *what = NULL, *reload = NULL;
	int			 rc = EXIT_FAIL;

	if (c->alias == NULL || o->dname == NULL) {
		rc = cli_usage(c->entry, "--alias and --dname are needed");
		goto out;
	}
	o->alias = c->alias;
	o->storetype = c->storetype;
	o->replace = c->replace;
	o->dry_run = c->dry_run;
	if (cli_guard_owner(file, "changed", &owner, &reload, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (cli_step_passwords(file, c, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	o->keypass = c->kpass;
	o->owner = owner.uid >= 0 ? &owner : NULL;
	if (step_genkey(file, c->pass, o, &r, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	xasprintf(&what, "%s key entry \"%s\" (%s, self-signed) %s %s "
	    "keystore %s%s", o->dry_run ? "Would add" : r.replaced ?
	    "Replaced" : "Added", r.aliases[0], r.chain[0]->info.key,
	    r.created ? "in the new" : "in the", ks_format_name(r.format),
	    file, o->dry_run ? " (dry run: nothing written)" : ".");
	rc = cli_step_finish(file, what, &r, c, false);
	if (reload != NULL && !o->dry_run)
		cli_note("%s", reload);
out:
	free(reload);
	free(owner.how_buf);
	free(cause);
	free(what);
	step_result_free(&r);
	return (rc);
}

const struct cmd_entry cmd_genkey_entry = {
	.name = "genkey",
	.usage =
	"FILE --alias A --dname DN [--san LIST] [--keyalg rsa|ec] "
	"[--keysize N | --curve P-256|P-384] [--days N] "
	"[--storetype pkcs12|jks] [--profile modern|legacy] [--replace] "
	"[--replaces A] "
	"[--accept-san-loss] [--dry-run] [--format text|json] "
	"[PASSWORD OPTIONS]",
	.summary =
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
	"  --profile modern|legacy  a new PKCS12 file's algorithms (legacy: "
	"JREs before\n"
	"                           8u301 and 11.0.12; default modern)\n"
	"  --replace                replace an existing entry of the same "
	"alias\n"
	"  --replaces A             the entry the new certificate renews "
	"(default:\n"
	"                           the replaced entry); the differences are "
	"shown\n"
	"  --accept-san-loss        write although the new certificate lacks "
	"SANs\n"
	"                           of the one it renews (refused otherwise)\n"
	"  --dry-run                check, write nothing\n"
	"  --format text|json       output format (default text)\n"
	"  --storepass-env VAR | --storepass-file FILE   store password "
	"(else asked)\n"
	"  --keypass-env VAR | --keypass-file FILE       JKS key password "
	"(default: the\n"
	"                           store password; PKCS12 always uses the "
	"store password)",
	.options = genkey_options,
	.flags = CMD_ALIAS | CMD_DRY_RUN | CMD_STOREPASS | CMD_KEYPASS,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 1, 1, "FILE is missing" },
	.size = sizeof (struct step_genkey_opts),
	.option = genkey_option,
	.exec = cmd_genkey_exec
};

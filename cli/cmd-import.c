/* SPDX-License-Identifier: ISC */
/* cmd-import.c -- tlsdeck import-reply / import-cert / import-pem. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_ALLOW_UNTRUSTED = OPT__CLI_MAX + 1,
	OPT_KEY,
	OPT_CERT,
	OPT_KEY_PASSPHRASE_ENV,
	OPT_KEY_PASSPHRASE_FILE,
	OPT_CSR,
	OPT_REPLACES,
	OPT_ACCEPT_SAN_LOSS,
};

static const struct option reply_options[] = {
	CLI_STEP_CACERTS,
	{ "allow-untrusted", no_argument, NULL, OPT_ALLOW_UNTRUSTED },
	{ "csr", required_argument, NULL, OPT_CSR },
	{ "replaces", required_argument, NULL, OPT_REPLACES },
	{ "accept-san-loss", no_argument, NULL, OPT_ACCEPT_SAN_LOSS },
	{ NULL, 0, NULL, 0 }
};

/* import-reply's own options, into its struct step_reply_opts. */
static int
reply_option(struct cmd_ctx *c, int ch, char *arg)
{
	struct step_reply_opts	*o = c->data;

	switch (ch) {
	case OPT_ALLOW_UNTRUSTED:
		o->allow_untrusted = true;
		break;
	case OPT_CSR:
		o->csr = arg;
		break;
	case OPT_REPLACES:
		o->replaces = arg;
		break;
	case OPT_ACCEPT_SAN_LOSS:
		o->accept_san_loss = true;
		break;
	}
	return (0);
}

/* tlsdeck import-reply FILE --alias A REPLY... */
static int
cmd_import_reply_exec(struct cmd_ctx *c)
{
	struct step_reply_opts	*o = c->data;
	struct step_result	 r = { 0 };
	const char		*file = c->argv[0];
	char			*cause = NULL, *what = NULL, *reload = NULL;
	int			 rc = EXIT_FAIL;

	if (c->alias == NULL) {
		rc = cli_usage(c->entry, "--alias is needed");
		goto out;
	}
	o->alias = c->alias;
	o->cacerts = c->cacerts;
	o->dry_run = c->dry_run;
	o->files = (const char *const *)c->argv + 1;
	o->nfiles = c->argc - 1;
	if (cli_guard_owner(file, "changed", NULL, &reload, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (cli_step_passwords(file, c, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	o->keypass = c->kpass;
	if (step_import_reply(file, c->pass, o, &r, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	xasprintf(&what, "%s the CA reply in entry \"%s\" of %s%s",
	    o->dry_run ? "Would install" : "Installed", r.aliases[0],
	    file, o->dry_run ? " (dry run: nothing written)" : ".");
	rc = cli_step_finish(file, what, &r, c, false);
	if (reload != NULL && !o->dry_run)
		cli_note("%s", reload);
out:
	free(reload);
	free(cause);
	free(what);
	step_result_free(&r);
	return (rc);
}

/* ------------------------------------------------------------------ */

static const struct option cert_options[] = {
	CLI_STEP_REPLACE,
	CLI_STEP_STORETYPE,
	{ NULL, 0, NULL, 0 }
};

/* tlsdeck import-cert FILE [--alias A] CERT... */
static int
cmd_import_cert_exec(struct cmd_ctx *c)
{
	struct step_certs_opts	 o;
	struct step_result	 r = { 0 };
	struct server_owner	 owner = { -1, -1, 0, NULL, NULL };
	const char		*file = c->argv[0];
	char			*cause = NULL, *what = NULL, *reload = NULL;
	int			 rc = EXIT_FAIL;

	memset(&o, 0, sizeof o);
	o.alias = c->alias;
	o.replace = c->replace;
	o.storetype = c->storetype;
	o.dry_run = c->dry_run;
	o.files = (const char *const *)c->argv + 1;
	o.nfiles = c->argc - 1;
	if (cli_guard_owner(file, "changed", &owner, &reload, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (cli_step_passwords(file, c, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	o.owner = owner.uid >= 0 ? &owner : NULL;
	if (step_import_cert(file, c->pass, &o, &r, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	xasprintf(&what, "%s %zu trusted certificate%s into %s%s%s",
	    o.dry_run ? "Would import" : "Imported", r.naliases,
	    r.naliases == 1 ? "" : "s", r.created ? "the new keystore " : "",
	    file, o.dry_run ? " (dry run: nothing written):" : ":");
	rc = cli_step_finish(file, what, &r, c, true);
	if (reload != NULL && !o.dry_run)
		cli_note("%s", reload);
out:
	free(reload);
	free(owner.how_buf);
	free(cause);
	free(what);
	step_result_free(&r);
	return (rc);
}

/* ------------------------------------------------------------------ */

static const struct option pem_options[] = {
	{ "key", required_argument, NULL, OPT_KEY },
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "key-passphrase-env", required_argument, NULL,
	    OPT_KEY_PASSPHRASE_ENV },
	{ "key-passphrase-file", required_argument, NULL,
	    OPT_KEY_PASSPHRASE_FILE },
	CLI_STEP_CACERTS,
	CLI_STEP_REPLACE,
	CLI_STEP_STORETYPE,
	{ NULL, 0, NULL, 0 }
};

/* import-pem's own options (its ctx->data). */
struct pem_args {
	const char	*key_file;
	const char	**certs;	/* --cert, in order */
	size_t		 ncerts;
	struct pw_opts	 pp;		/* the key file's pass phrase */
};

static int
pem_option(struct cmd_ctx *c, int ch, char *arg)
{
	struct pem_args	*a = c->data;

	switch (ch) {
	case OPT_KEY:
		a->key_file = arg;
		break;
	case OPT_CERT:
		a->certs = xreallocarray(a->certs, a->ncerts + 1,
		    sizeof *a->certs);
		a->certs[a->ncerts++] = arg;
		break;
	case OPT_KEY_PASSPHRASE_ENV:
		a->pp.env = arg;
		break;
	case OPT_KEY_PASSPHRASE_FILE:
		a->pp.file = arg;
		break;
	}
	return (0);
}

static void
pem_free(void *data)
{
	struct pem_args	*a = data;

	free(a->certs);
}

/* The pass phrase of an encrypted key file: given, or asked. */
static int
pem_passphrase(const char *keyfile, const struct pw_opts *pp,
    struct secret **sp, char **cause)
{
	unsigned char	*buf;
	size_t		 len;
	char		*prompt;
	bool		 needs;

	*sp = NULL;
	if (cli_pw_given(pp))
		return (cli_password(pp, "", false, sp, cause));
	if (file_read(keyfile, &buf, &len, cause) != 0)
		return (-1);
	needs = pem_key_needs_pass(buf, len);
	explicit_bzero(buf, len);
	free(buf);
	if (!needs || !isatty(STDIN_FILENO))
		return (0);
	xasprintf(&prompt, "Enter pass phrase for %s: ", keyfile);
	*sp = cli_prompt_tty(prompt, cause);
	free(prompt);
	return (0);
}

/* tlsdeck import-pem FILE --alias A --key KEY.pem --cert CHAIN.pem */
static int
cmd_import_pem_exec(struct cmd_ctx *c)
{
	struct pem_args		*a = c->data;
	struct step_pem_opts	 o;
	struct step_result	 r = { 0 };
	struct server_owner	 owner = { -1, -1, 0, NULL, NULL };
	struct secret		*phrase = NULL;
	const char		*file = c->argv[0];
	char			*cause = NULL, *what = NULL, *reload = NULL;
	int			 rc = EXIT_FAIL;

	if (c->alias == NULL || a->key_file == NULL || a->ncerts == 0) {
		rc = cli_usage(c->entry, "--alias, --key and --cert are "
		    "needed");
		goto out;
	}
	memset(&o, 0, sizeof o);
	o.key_file = a->key_file;
	o.alias = c->alias;
	o.cacerts = c->cacerts;
	o.replace = c->replace;
	o.storetype = c->storetype;
	o.dry_run = c->dry_run;
	o.cert_files = a->certs;
	o.ncert_files = a->ncerts;
	if (cli_guard_owner(file, "changed", &owner, &reload, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (pem_passphrase(o.key_file, &a->pp, &phrase, &cause) != 0 ||
	    cli_step_passwords(file, c, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	o.key_passphrase = phrase;
	o.keypass = c->kpass;
	o.owner = owner.uid >= 0 ? &owner : NULL;
	if (step_import_pem(file, c->pass, &o, &r, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	xasprintf(&what, "%s key entry \"%s\" in %s%s%s",
	    o.dry_run ? "Would import" : "Imported", r.aliases[0],
	    r.created ? "the new keystore " : "", file,
	    o.dry_run ? " (dry run: nothing written)" : ".");
	rc = cli_step_finish(file, what, &r, c, false);
	if (reload != NULL && !o.dry_run)
		cli_note("%s", reload);
out:
	free(reload);
	free(owner.how_buf);
	free(cause);
	free(what);
	step_result_free(&r);
	secret_free(phrase);
	return (rc);
}

const struct cmd_entry cmd_import_reply_entry = {
	.name = "import-reply",
	.usage =
	"FILE --alias A REPLY... [--cacerts FILE] "
	"[--allow-untrusted] [--csr FILE] [--replaces A] [--accept-san-loss] "
	"[--dry-run] [--format text|json] [PASSWORD OPTIONS]",
	.summary =
	"Install a CA reply on a key entry: the files in any order, PEM "
	"bundles, DER or PKCS#7.\n"
	"The reply must carry the entry's public key; the chain is built from "
	"the reply,\nthe keystore and the JRE's cacerts to a self-signed root "
	"and shown.\n"
	"  -a, --alias A            the key entry\n"
	"  --cacerts FILE           cacerts to complete the chain from "
	"(default:\n"
	"                           $JAVA_HOME/lib/security/cacerts when "
	"present)\n"
	"  --allow-untrusted        install an incomplete chain, or one with "
	"an\n"
	"                           expired certificate (refused otherwise)\n"
	"  --csr FILE               the request sent to the CA: the reply "
	"must have\n"
	"                           its SANs (default: the entry's current "
	"SANs)\n"
	"  --replaces A             the entry whose certificate this renews\n"
	"  --accept-san-loss        install although SANs are missing "
	"(refused\n"
	"                           otherwise)\n"
	"  --dry-run                check and show, write nothing\n"
	"  --format text|json       output format (default text)\n"
	"  --storepass-env VAR | --storepass-file FILE   store password "
	"(else asked)\n"
	"  --keypass-env VAR | --keypass-file FILE       key password, when "
	"it differs",
	.options = reply_options,
	.flags = CMD_ALIAS | CMD_DRY_RUN | CMD_STOREPASS | CMD_KEYPASS,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 2, -1, "FILE and at least one REPLY are needed" },
	.size = sizeof (struct step_reply_opts),
	.option = reply_option,
	.exec = cmd_import_reply_exec
};

const struct cmd_entry cmd_import_cert_entry = {
	.name = "import-cert",
	.usage =
	"FILE [--alias A] CERT... [--replace] "
	"[--storetype pkcs12|jks] [--dry-run] [--format text|json] "
	"[PASSWORD OPTIONS]",
	.summary =
	"Import trusted certificates: each certificate of the files (PEM "
	"bundles, DER,\nPKCS#7) becomes one trustedCertEntry.  The keystore "
	"is created if missing.\n"
	"  -a, --alias A            alias (several certificates: A, A-2, "
	"A-3, ...);\n"
	"                           default: from each certificate's CN\n"
	"  --replace                replace trusted entries of the same "
	"alias\n"
	"  --storetype pkcs12|jks   type of a new keystore (default pkcs12)\n"
	"  --dry-run                check and show, write nothing\n"
	"  --format text|json       output format (default text)\n"
	"  --storepass-env VAR | --storepass-file FILE   store password "
	"(else asked)\n"
	"A certificate already present (same SHA-256) is refused, with its "
	"alias.",
	.options = cert_options,
	.flags = CMD_ALIAS | CMD_DRY_RUN | CMD_STOREPASS,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 2, -1, "FILE and at least one CERT are needed" },
	.exec = cmd_import_cert_exec
};

const struct cmd_entry cmd_import_pem_entry = {
	.name = "import-pem",
	.usage =
	"FILE --alias A --key KEY.pem --cert CHAIN.pem "
	"[--key-passphrase-env VAR | --key-passphrase-file F] [--replace] "
	"[--storetype pkcs12|jks] [--cacerts FILE] [--dry-run] "
	"[--format text|json] [PASSWORD OPTIONS]",
	.summary =
	"Import a private key made with OpenSSL (PKCS#8, traditional RSA/EC, "
	"encrypted\nPEM) and its certificate chain as a key entry.  The key "
	"must match a\ncertificate of the chain; the chain is put in order "
	"and completed from the\nkeystore and cacerts where possible.  The "
	"keystore is created if missing.\n"
	"  -a, --alias A            alias of the new entry\n"
	"  --key KEY.pem            the private key\n"
	"  --cert CHAIN.pem         the certificates (may be repeated)\n"
	"  --key-passphrase-env VAR | --key-passphrase-file F   pass phrase "
	"of an\n"
	"                           encrypted key (else asked on a terminal)\n"
	"  --replace                replace an entry of the same alias\n"
	"  --storetype pkcs12|jks   type of a new keystore (default pkcs12)\n"
	"  --cacerts FILE           cacerts to complete the chain from\n"
	"  --dry-run                check and show, write nothing\n"
	"  --format text|json       output format (default text)\n"
	"  --storepass-env VAR | --storepass-file FILE   store password\n"
	"  --keypass-env VAR | --keypass-file FILE       JKS key password "
	"(default:\n"
	"                           the store password)",
	.options = pem_options,
	.flags = CMD_ALIAS | CMD_DRY_RUN | CMD_STOREPASS | CMD_KEYPASS,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 1, 1, "FILE is missing" },
	.size = sizeof (struct pem_args),
	.option = pem_option,
	.free = pem_free,
	.exec = cmd_import_pem_exec
};

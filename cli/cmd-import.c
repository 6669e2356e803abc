/* SPDX-License-Identifier: ISC */
/*
 * cmd-import.c -- tlsdeck import-reply / import-cert / import-pem, and the
 * helpers every step command shares (store password, result report).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

enum {
	OPT_ALLOW_UNTRUSTED = OPT__CLI_MAX + 1,
	OPT_KEY,
	OPT_CERT,
	OPT_KEY_PASSPHRASE_ENV,
	OPT_KEY_PASSPHRASE_FILE,
};

/* ------------------------------------------------------------------ */
/* Shared by the step commands. */

/* The store password for a change; asked twice for a new file. */
int
cli_step_storepass(const char *path, const struct pw_opts *pw,
    struct secret **sp, char **cause)
{
	struct secret	*s, *s2;
	struct stat	 st;
	bool		 creating;

	*sp = NULL;
	if (cli_pw_given(pw))
		return (cli_password(pw, "", false, sp, cause));
	if (!isatty(STDIN_FILENO))
		return (0);
	creating = stat(path, &st) == -1 && errno == ENOENT;
	s = cli_prompt_tty(creating ? "Password for the new keystore: " :
	    "Enter keystore password: ", cause);
	if (s == NULL)
		return (0);
	if (creating) {
		s2 = cli_prompt_tty("Re-enter the password: ", cause);
		if (s2 == NULL || !secret_equal(s, s2)) {
			secret_free(s);
			secret_free(s2);
			cause_set(cause, "the passwords do not match");
			return (-1);
		}
		secret_free(s2);
	} else if (s->len == 0) {
		/* Enter alone: a passwordless PKCS#12. */
		secret_free(s);
		s = NULL;
	}
	*sp = s;
	return (0);
}

/* What the root of an installed chain is, in words. */
static const char *
step_anchor_text(enum step_anchor a)
{
	switch (a) {
	case STEP_ANCHOR_NONE:
		return ("none: the chain is incomplete");
	case STEP_ANCHOR_SELF:
		return ("self-signed: clients must trust this certificate "
		    "itself");
	case STEP_ANCHOR_REPLY:
		return ("from the given files only (not trusted in the "
		    "keystore or cacerts)");
	case STEP_ANCHOR_KEYSTORE:
		return ("a trusted certificate of the keystore");
	case STEP_ANCHOR_CACERTS:
		return ("trusted in cacerts");
	}
	return ("?");
}

/* Short JSON name of an anchor. */
static const char *
step_anchor_name(enum step_anchor a)
{
	static const char	*names[] = { "none", "self", "files",
	    "keystore", "cacerts" };

	return ((unsigned)a < sizeof names / sizeof names[0] ? names[a] : "?");
}

/* One certificate of a chain on one or two lines. */
static void
step_text_cert(const char *label, struct cert *c, time_t now)
{
	char	na[32];
	long	days;

	time_iso8601(c->info.not_after, na, sizeof na);
	days = cert_days_left(c, now);
	printf("  %s %s\n", label, c->info.subject);
	printf("      issuer %s; %s until %s (%s%ld days%s)\n",
	    c->info.self_signed ? "itself" : c->info.issuer, c->info.key, na,
	    days < 0 ? "EXPIRED " : "", days < 0 ? -days : days,
	    days < 0 ? " ago" : " left");
}

/* Print a step's result: text or JSON on stdout, notes on stderr. */
void
cli_step_report(const char *path, const char *what,
    const struct step_result *r, bool json, bool certs)
{
	json_t	*j, *a;
	time_t	 now = time(NULL);
	char	 label[32], *fp;
	size_t	 i;

	for (i = 0; i < r->nnotes; i++)
		fprintf(stderr, "%s: note: %s\n", TLSDECK_NAME, r->notes[i]);
	if (json) {
		j = json_object();
		json_object_set_new(j, "file", json_string(path));
		json_object_set_new(j, "format",
		    json_string(ks_format_name(r->format)));
		json_object_set_new(j, "created", json_boolean(r->created));
		json_object_set_new(j, "replaced", json_boolean(r->replaced));
		json_object_set_new(j, "backup_id", r->backup_id != 0 ?
		    json_integer(r->backup_id) : json_null());
		a = json_array();
		for (i = 0; i < r->naliases; i++)
			json_array_append_new(a, json_string(r->aliases[i]));
		json_object_set_new(j, "aliases", a);
		a = json_array();
		for (i = 0; i < r->nchain; i++)
			json_array_append_new(a, out_json_cert(r->chain[i],
			    now));
		json_object_set_new(j, "chain", a);
		json_object_set_new(j, "root",
		    json_string(step_anchor_name(r->anchor)));
		json_object_set_new(j, "cacerts", r->cacerts != NULL ?
		    json_string(r->cacerts) : json_null());
		a = json_array();
		for (i = 0; i < r->nnotes; i++)
			json_array_append_new(a, json_string(r->notes[i]));
		json_object_set_new(j, "notes", a);
		out_json_dump(j, stdout);
		return;
	}
	printf("%s\n", what);
	if (certs) {
		for (i = 0; i < r->naliases; i++) {
			snprintf(label, sizeof label, "%s:", r->aliases[i]);
			step_text_cert(label, r->chain[i], now);
			fp = cert_fp_hex(cert_sha256(r->chain[i]), 32);
			printf("      SHA-256 %s\n", fp);
			free(fp);
		}
	} else if (r->nchain > 0) {
		printf("Certificate chain (%zu, leaf first):\n", r->nchain);
		for (i = 0; i < r->nchain; i++) {
			snprintf(label, sizeof label, "[%zu]", i + 1);
			step_text_cert(label, r->chain[i], now);
		}
		printf("Root: %s%s%s\n", step_anchor_text(r->anchor),
		    r->anchor == STEP_ANCHOR_CACERTS && r->cacerts ? " " : "",
		    r->anchor == STEP_ANCHOR_CACERTS && r->cacerts ?
		    r->cacerts : "");
	}
	if (r->backup_id != 0)
		printf("Backup of the previous file: %u (tlsdeck history; "
		    "tlsdeck restore %u)\n", r->backup_id, r->backup_id);
}

/* ------------------------------------------------------------------ */

static const struct option reply_options[] = {
	CLI_STEP_CACERTS,
	{ "allow-untrusted", no_argument, NULL, OPT_ALLOW_UNTRUSTED },
	CLI_STEP_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

/* tlsdeck import-reply FILE --alias A REPLY... */
static int
cmd_import_reply_exec(int argc, char **argv)
{
	const struct cmd_entry	*ce = &cmd_import_reply_entry;
	struct step_args	 sa = { 0 };
	struct step_reply_opts	 o;
	struct step_result	 r = { 0 };
	char			*cause = NULL, *what = NULL;
	int			 ch, rc = EXIT_FAIL;

	memset(&o, 0, sizeof o);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "a:f:", reply_options,
	    NULL)) != -1) {
		if (ch == OPT_ALLOW_UNTRUSTED)
			o.allow_untrusted = true;
		else if (cli_step_option(ce, ch, optarg, argv, &sa, &rc) != 0)
			goto out;
	}
	if (argc - optind < 2) {
		rc = cli_usage(ce, "FILE and at least one REPLY are needed");
		goto out;
	}
	if (sa.alias == NULL) {
		rc = cli_usage(ce, "--alias is needed");
		goto out;
	}
	o.alias = sa.alias;
	o.cacerts = sa.cacerts;
	o.dry_run = sa.dry_run;
	o.files = (const char *const *)argv + optind + 1;
	o.nfiles = argc - optind - 1;
	if (cli_guard_keystore(argv[optind], "changed", &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (cli_step_passwords(argv[optind], &sa, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	o.keypass = sa.kpass;
	if (step_import_reply(argv[optind], sa.pass, &o, &r, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	xasprintf(&what, "%s the CA reply in entry \"%s\" of %s%s",
	    o.dry_run ? "Would install" : "Installed", r.aliases[0],
	    argv[optind], o.dry_run ? " (dry run: nothing written)" : ".");
	rc = cli_step_finish(argv[optind], what, &r, &sa, false);
out:
	free(cause);
	free(what);
	step_result_free(&r);
	cli_step_args_done(&sa);
	return (rc);
}

/* ------------------------------------------------------------------ */

static const struct option cert_options[] = {
	CLI_STEP_REPLACE,
	CLI_STEP_STORETYPE,
	CLI_STEP_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

/* tlsdeck import-cert FILE [--alias A] CERT... */
static int
cmd_import_cert_exec(int argc, char **argv)
{
	const struct cmd_entry	*ce = &cmd_import_cert_entry;
	struct step_args	 sa = { 0 };
	struct step_certs_opts	 o;
	struct step_result	 r = { 0 };
	char			*cause = NULL, *what = NULL;
	int			 ch, rc = EXIT_FAIL;

	memset(&o, 0, sizeof o);
	sa.no_keypass = true;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "a:f:", cert_options,
	    NULL)) != -1) {
		if (cli_step_option(ce, ch, optarg, argv, &sa, &rc) != 0)
			goto out;
	}
	if (argc - optind < 2) {
		rc = cli_usage(ce, "FILE and at least one CERT are needed");
		goto out;
	}
	o.alias = sa.alias;
	o.replace = sa.replace;
	o.storetype = sa.storetype;
	o.dry_run = sa.dry_run;
	o.files = (const char *const *)argv + optind + 1;
	o.nfiles = argc - optind - 1;
	if (cli_guard_keystore(argv[optind], "changed", &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (cli_step_passwords(argv[optind], &sa, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (step_import_cert(argv[optind], sa.pass, &o, &r, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	xasprintf(&what, "%s %zu trusted certificate%s into %s%s%s",
	    o.dry_run ? "Would import" : "Imported", r.naliases,
	    r.naliases == 1 ? "" : "s", r.created ? "the new keystore " : "",
	    argv[optind], o.dry_run ? " (dry run: nothing written):" : ":");
	rc = cli_step_finish(argv[optind], what, &r, &sa, true);
out:
	free(cause);
	free(what);
	step_result_free(&r);
	cli_step_args_done(&sa);
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
	CLI_STEP_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

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
cmd_import_pem_exec(int argc, char **argv)
{
	const struct cmd_entry	*ce = &cmd_import_pem_entry;
	struct step_args	 sa = { 0 };
	struct pw_opts		 pp = { 0 };
	struct step_pem_opts	 o;
	struct step_result	 r = { 0 };
	struct secret		*phrase = NULL;
	const char		**certs = NULL;
	char			*cause = NULL, *what = NULL;
	size_t			 ncerts = 0;
	int			 ch, rc = EXIT_FAIL;

	memset(&o, 0, sizeof o);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "a:f:", pem_options,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_KEY:
			o.key_file = optarg;
			break;
		case OPT_CERT:
			certs = xreallocarray(certs, ncerts + 1,
			    sizeof *certs);
			certs[ncerts++] = optarg;
			break;
		case OPT_KEY_PASSPHRASE_ENV:
			pp.env = optarg;
			break;
		case OPT_KEY_PASSPHRASE_FILE:
			pp.file = optarg;
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
	if (sa.alias == NULL || o.key_file == NULL || ncerts == 0) {
		rc = cli_usage(ce, "--alias, --key and --cert are needed");
		goto out;
	}
	o.alias = sa.alias;
	o.cacerts = sa.cacerts;
	o.replace = sa.replace;
	o.storetype = sa.storetype;
	o.dry_run = sa.dry_run;
	o.cert_files = certs;
	o.ncert_files = ncerts;
	if (cli_guard_keystore(argv[optind], "changed", &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (pem_passphrase(o.key_file, &pp, &phrase, &cause) != 0 ||
	    cli_step_passwords(argv[optind], &sa, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	o.key_passphrase = phrase;
	o.keypass = sa.kpass;
	if (step_import_pem(argv[optind], sa.pass, &o, &r, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	xasprintf(&what, "%s key entry \"%s\" in %s%s%s",
	    o.dry_run ? "Would import" : "Imported", r.aliases[0],
	    r.created ? "the new keystore " : "", argv[optind],
	    o.dry_run ? " (dry run: nothing written)" : ".");
	rc = cli_step_finish(argv[optind], what, &r, &sa, false);
out:
	free(cause);
	free(what);
	free(certs);
	step_result_free(&r);
	secret_free(phrase);
	cli_step_args_done(&sa);
	return (rc);
}

const struct cmd_entry cmd_import_reply_entry = {
	"import-reply", "FILE --alias A REPLY... [--cacerts FILE] "
	"[--allow-untrusted] [--dry-run] [--format text|json] "
	"[PASSWORD OPTIONS]",
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
	"  --dry-run                check and show, write nothing\n"
	"  --format text|json       output format (default text)\n"
	"  --storepass-env VAR | --storepass-file FILE   store password "
	"(else asked)\n"
	"  --keypass-env VAR | --keypass-file FILE       key password, when "
	"it differs", cmd_import_reply_exec
};

const struct cmd_entry cmd_import_cert_entry = {
	"import-cert", "FILE [--alias A] CERT... [--replace] "
	"[--storetype pkcs12|jks] [--dry-run] [--format text|json] "
	"[PASSWORD OPTIONS]",
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
	"alias.", cmd_import_cert_exec
};

const struct cmd_entry cmd_import_pem_entry = {
	"import-pem", "FILE --alias A --key KEY.pem --cert CHAIN.pem "
	"[--key-passphrase-env VAR | --key-passphrase-file F] [--replace] "
	"[--storetype pkcs12|jks] [--cacerts FILE] [--dry-run] "
	"[--format text|json] [PASSWORD OPTIONS]",
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
	"                           the store password)", cmd_import_pem_exec
};

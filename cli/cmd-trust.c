/* SPDX-License-Identifier: ISC */
/*
 * cmd-trust.c -- tlsdeck trust: import a certificate into the cacerts of
 * the JRE the server runs on (format and password detected; symlinked and
 * distribution-managed files explained).  The JRE is the server's, as the
 * server model finds it (GLOBAL options, or the discovery `status` uses);
 * with no CERT the certificate is the server's own (its key-alias entry).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

enum {
	OPT_FROM_KEYSTORE = OPT__CLI_MAX + 1,
	OPT_FROM_ALIAS,
	OPT_CACERTS_ALIAS,
	OPT_CACERTS_PASS_ENV,
	OPT_CACERTS_PASS_FILE,
	OPT_DRY_RUN,
};

static const struct option trust_options[] = {
	CLI_GLOBAL_OPTIONS,
	{ "from-keystore", required_argument, NULL, OPT_FROM_KEYSTORE },
	{ "from-alias", required_argument, NULL, OPT_FROM_ALIAS },
	{ "alias", required_argument, NULL, 'a' },
	{ "cacerts-alias", required_argument, NULL, OPT_CACERTS_ALIAS },
	{ "cacerts-pass-env", required_argument, NULL, OPT_CACERTS_PASS_ENV },
	{ "cacerts-pass-file", required_argument, NULL,
	    OPT_CACERTS_PASS_FILE },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "format", required_argument, NULL, 'f' },
	CLI_PASSWORD_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

/* The --from-keystore password: given, or asked for an encrypted PKCS12. */
static int
trust_from_pass(const char *path, const struct pw_opts *pw,
    struct secret **sp, char **cause)
{
	unsigned char	*buf = NULL;
	size_t		 len = 0;
	struct keystore	*ks = NULL;
	char		*prompt;

	*sp = NULL;
	if (pw->env != NULL || pw->file != NULL || pw->given != NULL)
		return (cli_password(pw, "", false, sp, cause));
	if (!isatty(STDIN_FILENO) || file_read(path, &buf, &len, NULL) != 0)
		return (0);
	/* JKS certificates are in clear; PKCS12 ones usually encrypted. */
	if (keystore_sniff(buf, len) == KS_FMT_PKCS12 &&
	    (keystore_load_mem(buf, len, path, NULL, KS_LOAD_NOVERIFY, &ks,
	    NULL) != 0 || !ks->passwordless)) {
		xasprintf(&prompt, "Enter the password of %s: ", path);
		*sp = cli_prompt_tty(prompt, cause);
		free(prompt);
	}
	keystore_free(ks);
	free(buf);
	return (0);
}

/* The report: text or JSON on stdout (m: the server, or NULL). */
static void
trust_report(const struct jre_cacerts *jc, const struct server_model *m,
    const struct step_trust_opts *o, const struct step_result *r,
    const struct step_trust_info *ti, bool json, bool dry_run)
{
	json_t	*j, *a;
	char	*fp;
	size_t	 i;
	time_t	 now = time(NULL);

	if (json) {
		j = json_object();
		json_object_set_new(j, "cacerts", json_string(jc->path));
		json_object_set_new(j, "found_by", json_string(jc->how));
		json_object_set_new(j, "properties", m != NULL ?
		    json_string(m->properties) : json_null());
		json_object_set_new(j, "properties_found_by", m != NULL ?
		    json_string(m->how) : json_null());
		json_object_set_new(j, "server_certificate",
		    json_boolean(o->from_ks != NULL));
		json_object_set_new(j, "file", json_string(ti->cacerts_real));
		json_object_set_new(j, "format",
		    json_string(ks_format_name(r->format)));
		json_object_set_new(j, "passwordless",
		    json_boolean(ti->passwordless));
		json_object_set_new(j, "opened_with",
		    json_string(ti->pass_how));
		json_object_set_new(j, "symlink", json_boolean(ti->symlink));
		json_object_set_new(j, "shared", json_boolean(ti->shared));
		json_object_set_new(j, "distro", json_boolean(ti->distro));
		json_object_set_new(j, "already_trusted",
		    json_boolean(ti->already));
		json_object_set_new(j, "alias", ti->already ?
		    json_string(ti->existing_alias) : r->naliases > 0 ?
		    json_string(r->aliases[0]) : json_null());
		json_object_set_new(j, "what", json_string(ti->what));
		json_object_set_new(j, "certificate", r->nchain > 0 ?
		    out_json_cert(r->chain[0], now) : json_null());
		json_object_set_new(j, "entries",
		    json_integer((json_int_t)ti->nentries));
		json_object_set_new(j, "dry_run", json_boolean(dry_run));
		json_object_set_new(j, "backup_id", r->backup_id != 0 ?
		    json_integer(r->backup_id) : json_null());
		a = json_array();
		for (i = 0; i < r->nnotes; i++)
			json_array_append_new(a, json_string(r->notes[i]));
		json_object_set_new(j, "notes", a);
		out_json_dump(j, stdout);
		return;
	}
	if (ti->already)
		printf("Already trusted: \"%s\" is in %s as alias \"%s\"; "
		    "nothing written.\n", r->chain[0]->info.subject, jc->path,
		    ti->existing_alias);
	else
		printf("%s \"%s\" in %s as alias \"%s\".\n", dry_run ?
		    "Would trust" : "Trusted", r->chain[0]->info.subject,
		    jc->path, r->aliases[0]);
	if (o->from_ks != NULL)
		printf("  certificate: %s, in the server's keystore %s\n",
		    ti->what, o->from_keystore);
	else
		printf("  certificate: %s\n", ti->what);
	fp = cert_fp_hex(cert_sha256(r->chain[0]), 32);
	printf("  SHA-256:     %s\n", fp);
	free(fp);
	printf("  cacerts:     %s (found by %s): %s%s, %zu entries, opened "
	    "with %s\n", ti->cacerts_real, jc->how, ks_format_name(r->format),
	    ti->passwordless ? " without password" : "", ti->nentries,
	    ti->pass_how);
	if (m != NULL)
		printf("  server:      %s (found by %s)\n", m->properties,
		    m->how);
	for (i = 0; i < r->nnotes; i++)
		printf("  note: %s\n", r->notes[i]);
	if (r->backup_id != 0)
		printf("Backup of the previous file: %u (tlsdeck history; "
		    "tlsdeck restore %u)\n", r->backup_id, r->backup_id);
}

/* Why the model has no server certificate: its finding, or NULL. */
static const char *
trust_no_entry_why(const struct server_model *m)
{
	static const char	*codes[] = { "alias-missing", "alias-not-key",
	    "no-key-entry" };
	size_t			 i, k;

	for (i = 0; i < m->nfindings; i++) {
		for (k = 0; k < sizeof codes / sizeof codes[0]; k++) {
			if (strcmp(m->findings[i]->code, codes[k]) == 0)
				return (m->findings[i]->message);
		}
	}
	return (NULL);
}

/*
 * With no CERT: the server's own certificate, from the keystore the model
 * opened with the password of application.properties (its key-alias
 * entry, or from_alias).
 */
static int
trust_server_cert(const struct server_model *m, const char *from_alias,
    struct step_trust_opts *o, char **cause)
{
	const char	*why;

	if (m->served->path == NULL) {
		cause_set(cause, "%s: server.ssl.key-store is not set: the "
		    "server has no certificate of its own to trust (give "
		    "CERT)", m->properties);
		return (-1);
	}
	if (m->served->ks == NULL) {
		cause_set(cause, "cannot read the server's keystore: %s",
		    m->served->ks_error != NULL ? m->served->ks_error : m->served->path);
		return (-1);
	}
	if (from_alias == NULL) {
		if (m->served->key_entry == NULL) {
			why = trust_no_entry_why(m);
			cause_set(cause, "%s: no server certificate to "
			    "trust%s%s", m->served->path, why != NULL ?
			    ": " : "", why != NULL ? why : "");
			return (-1);
		}
		from_alias = m->served->key_entry->alias;
	}
	if (!m->served->ks->verified && !m->served->ks->passwordless)
		cli_warn("%s: opened without its password (not set, or wrong, "
		    "in %s): its integrity was not checked", m->served->path,
		    m->properties);
	o->from_ks = m->served->ks;
	o->from_keystore = m->served->path;
	o->from_alias = from_alias;
	return (0);
}

/* tlsdeck trust [GLOBAL] [CERT | --from-keystore FILE ...] */
static int
cmd_trust_exec(int argc, char **argv)
{
	const struct cmd_entry	*ce = &cmd_trust_entry;
	struct pw_opts		 store = { 0 }, cpw = { 0 };
	struct global_opts	 g;
	struct server_opts	 so;
	struct server_model	*m = NULL;
	struct step_trust_opts	 o;
	struct step_trust_info	 ti;
	struct step_result	 r;
	struct jre_cacerts	 jc;
	struct secret		*from_pass = NULL, *cpass = NULL;
	const char		*aliases[2] = { NULL, NULL };
	const char		*from_alias = NULL;
	char			*cause = NULL, *prompt = NULL;
	size_t			 naliases = 0;
	bool			 json = false, server_cert, own_jre;
	int			 ch, fmt, sflags = 0, rc = EXIT_FAIL;

	memset(&g, 0, sizeof g);
	memset(&o, 0, sizeof o);
	memset(&ti, 0, sizeof ti);
	memset(&r, 0, sizeof r);
	memset(&jc, 0, sizeof jc);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "a:f:", trust_options,
	    NULL)) != -1) {
		if (cli_password_option(ch, optarg, &store, NULL))
			continue;
		if (cli_global_option(ch, optarg, &g, &sflags))
			continue;
		switch (ch) {
		case OPT_FROM_KEYSTORE:
			o.from_keystore = optarg;
			break;
		case OPT_FROM_ALIAS:
			from_alias = optarg;
			break;
		case 'a':
			if (naliases == 2) {
				rc = cli_usage(ce, "--alias given more than "
				    "twice");
				goto out;
			}
			aliases[naliases++] = optarg;
			break;
		case OPT_CACERTS_ALIAS:
			o.alias = optarg;
			break;
		case OPT_CACERTS_PASS_ENV:
			cpw.env = optarg;
			break;
		case OPT_CACERTS_PASS_FILE:
			cpw.file = optarg;
			break;
		case OPT_DRY_RUN:
			o.dry_run = true;
			break;
		case 'f':
			if ((fmt = cli_parse_format(optarg, 1 << OUT_TEXT |
			    1 << OUT_JSON)) < 0) {
				rc = cli_usage(ce, "unknown format: %s "
				    "(text or json)", optarg);
				goto out;
			}
			json = fmt == OUT_JSON;
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
	if (argc - optind > 1) {
		rc = cli_usage(ce, "too many arguments");
		goto out;
	}
	if (argc - optind == 1)
		o.cert_file = argv[optind];
	if (o.cert_file != NULL && o.from_keystore != NULL) {
		rc = cli_usage(ce, "give a certificate file CERT or "
		    "--from-keystore FILE, not both");
		goto out;
	}
	/* Neither: the server's own certificate. */
	server_cert = o.cert_file == NULL && o.from_keystore == NULL;
	switch (cli_server_opts(&g, sflags, &so, NULL, &cause)) {
	case 0:
		break;
	case -2:
		rc = cli_usage(ce, "%s", cause);
		goto out;
	default:
		cli_error("trust: %s", cause);
		goto out;
	}
	/*
	 * --alias: with --from-keystore, the first names the entry and a
	 * second the alias in cacerts; otherwise the alias in cacerts.
	 */
	if (o.from_keystore != NULL && from_alias == NULL) {
		from_alias = aliases[0];
		if (o.alias == NULL)
			o.alias = aliases[1];
	} else {
		if (naliases > 1) {
			rc = cli_usage(ce, "--alias given twice");
			goto out;
		}
		if (o.alias == NULL)
			o.alias = aliases[0];
	}
	if (o.cert_file != NULL && from_alias != NULL) {
		rc = cli_usage(ce, "--from-alias names an entry of "
		    "--from-keystore FILE (or, with no CERT, of the server's "
		    "keystore)");
		goto out;
	}
	if (server_cert && (store.env != NULL || store.file != NULL ||
	    store.given != NULL)) {
		rc = cli_usage(ce, "the server's keystore is opened with the "
		    "password in its application.properties: PASSWORD OPTIONS "
		    "go with --from-keystore FILE");
		goto out;
	}

	/*
	 * The server model: for its certificate, and for its JRE unless
	 * --jre or --cacerts names one.  No server found (and none named):
	 * the JRE of $JAVA_HOME or of the java on $PATH, as before.
	 */
	own_jre = so.jre != NULL || so.cacerts != NULL;
	if ((server_cert || !own_jre) &&
	    server_model_load(&so, &m, &cause) != 0) {
		if (server_cert || so.properties != NULL ||
		    so.server != NULL) {
			cli_error("trust: %s%s", cause, server_cert ? "; or "
			    "give the certificate to trust: CERT or "
			    "--from-keystore FILE" : "");
			goto out;
		}
		free(cause);
		cause = NULL;
	}
	if (own_jre || m == NULL) {
		if (jre_cacerts_find(so.jre, so.cacerts, &jc, &cause) != 0) {
			cli_error("trust: %s", cause);
			goto out;
		}
	} else if (jre_cacerts_from_model(m, &jc, &cause) != 0) {
		cli_error("trust: %s", cause);
		goto out;
	}
	o.cacerts = jc.path;
	o.jre_home = jc.home;
	if (server_cert) {
		if (trust_server_cert(m, from_alias, &o, &cause) != 0) {
			cli_error("trust: %s", cause);
			goto out;
		}
	} else if (o.from_keystore != NULL) {
		o.from_alias = from_alias;
		if (trust_from_pass(o.from_keystore, &store, &from_pass,
		    &cause) != 0) {
			cli_error("%s", cause);
			goto out;
		}
		o.from_pass = from_pass;
	}
	if (cpw.env != NULL || cpw.file != NULL) {
		if (cli_password(&cpw, "", false, &cpass, &cause) != 0) {
			cli_error("%s", cause);
			goto out;
		}
		o.cacerts_pass = cpass;
	}
	if (step_trust(&o, &r, &ti, &cause) != 0 && ti.need_pass &&
	    cpass == NULL && isatty(STDIN_FILENO)) {
		/* Neither changeit nor the distribution's: ask. */
		free(cause);
		cause = NULL;
		xasprintf(&prompt, "Enter the password of %s: ", jc.path);
		cpass = cli_prompt_tty(prompt, &cause);
		if (cpass != NULL) {
			o.cacerts_pass = cpass;
			step_result_free(&r);
			step_trust_info_free(&ti);
			step_trust(&o, &r, &ti, &cause);
		}
	}
	if (cause != NULL) {
		cli_error("trust: %s", cause);
		goto out;
	}
	trust_report(&jc, m, &o, &r, &ti, json, o.dry_run);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	free(cause);
	free(prompt);
	secret_free(from_pass);
	secret_free(cpass);
	step_result_free(&r);
	step_trust_info_free(&ti);
	jre_cacerts_done(&jc);
	server_model_free(m);
	cli_pw_opts_done(&store);
	return (rc);
}

const struct cmd_entry cmd_trust_entry = {
	"trust", CLI_GLOBAL_USAGE " [CERT | --from-keystore FILE "
	"[--from-alias A]] [--alias NAME] [--cacerts-pass-env VAR | "
	"--cacerts-pass-file F] [--dry-run] [--format text|json] "
	"[PASSWORD OPTIONS]",
	"Import a certificate into the cacerts of the JRE the server runs on "
	"(JKS or\nPKCS12, password detected).\n"
	"  (no CERT)                the server's own certificate: the "
	"key-alias entry of\n"
	"                           its keystore, opened with the password "
	"of its\n"
	"                           application.properties (the leaf when "
	"self-signed,\n"
	"                           else the root of its chain)\n"
	"  CERT                     a certificate file (PEM, DER, PKCS#7); a "
	"bundle: its root\n"
	"  --from-keystore FILE     or an entry of a keystore: the leaf when "
	"self-signed,\n"
	"                           else the root of its chain (PASSWORD "
	"OPTIONS open FILE)\n"
	"  --from-alias A           that entry (default: the only key entry; "
	"with no CERT,\n"
	"                           the key-alias); with --from-keystore a "
	"first --alias A\n"
	"                           names it too\n"
	"  -a, --alias NAME         the alias in cacerts (default: from the "
	"CN)\n"
	"  --cacerts-alias NAME     the same, whatever else is given\n"
	"  --properties FILE | --server DIR  the server (default: "
	"$TLSDECK_PROPERTIES,\n"
	"                           ./application.properties, "
	"./conf/application.properties,\n"
	"                           the vendor's location)\n"
	"  --jre DIR | --cacerts FILE  which cacerts (default: the server's "
	"JRE, as status\n"
	"                           finds it; with no server, $JAVA_HOME, "
	"then java on $PATH)\n"
	"  --cacerts-pass-env VAR | --cacerts-pass-file F\n"
	"                           its password (default: none, changeit, "
	"then the\n"
	"                           storepass of /etc/default/cacerts; asked "
	"on a terminal)\n"
	"  --dry-run                check and say what would happen, write "
	"nothing\n"
	"  -f, --format text|json   output format\n"
	"Already trusted (same SHA-256): says so, exit 0, nothing written.  A "
	"symlinked\n"
	"cacerts is written through to its target, keeping the link.",
	cmd_trust_exec
};

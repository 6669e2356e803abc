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
};

static const struct option trust_options[] = {
	{ "from-keystore", required_argument, NULL, OPT_FROM_KEYSTORE },
	{ "from-alias", required_argument, NULL, OPT_FROM_ALIAS },
	{ "alias", required_argument, NULL, 'a' },
	{ "cacerts-alias", required_argument, NULL, OPT_CACERTS_ALIAS },
	CLI_STEP_CACERTS_PASS,
	{ NULL, 0, NULL, 0 }
};

/* trust's own options (its ctx->data). */
struct trust_args {
	const char	*from_keystore;
	const char	*from_alias;
	const char	*aliases[2];	/* -a, --alias, in order */
	size_t		 naliases;
	const char	*cacerts_alias;
};

static int
trust_option(struct cmd_ctx *c, int ch, char *arg)
{
	struct trust_args	*a = c->data;

	switch (ch) {
	case OPT_FROM_KEYSTORE:
		a->from_keystore = arg;
		break;
	case OPT_FROM_ALIAS:
		a->from_alias = arg;
		break;
	case 'a':
		if (a->naliases == 2)
			return (cmd_usage(c, "--alias given more than twice"));
		a->aliases[a->naliases++] = arg;
		break;
	case OPT_CACERTS_ALIAS:
		a->cacerts_alias = arg;
		break;
	}
	return (0);
}

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
	if (cli_pw_given(pw))
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
	json_t		*j, *a;
	struct cli_text	 tx;
	FILE		*f;
	char		*fp;
	size_t		 i;
	time_t		 now = time(NULL);

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
	/* Names come from files: escaped. */
	f = cli_text_begin(&tx);
	if (ti->already)
		fprintf(f, "Already trusted: \"%s\" is in %s as alias \"%s\"; "
		    "nothing written.\n", r->chain[0]->info.subject, jc->path,
		    ti->existing_alias);
	else
		fprintf(f, "%s \"%s\" in %s as alias \"%s\".\n", dry_run ?
		    "Would trust" : "Trusted", r->chain[0]->info.subject,
		    jc->path, r->aliases[0]);
	if (o->from_ks != NULL)
		fprintf(f, "  certificate: %s, in the server's keystore %s\n",
		    ti->what, o->from_keystore);
	else
		fprintf(f, "  certificate: %s\n", ti->what);
	fp = cert_fp_hex(cert_sha256(r->chain[0]), CERT_SHA256_LEN);
	fprintf(f, "  SHA-256:     %s\n", fp);
	free(fp);
	fprintf(f, "  cacerts:     %s (found by %s): %s%s, %zu entries, opened "
	    "with %s\n", ti->cacerts_real, jc->how, ks_format_name(r->format),
	    ti->passwordless ? " without password" : "", ti->nentries,
	    ti->pass_how);
	if (m != NULL)
		fprintf(f, "  server:      %s (found by %s)\n", m->properties,
		    m->how);
	for (i = 0; i < r->nnotes; i++)
		fprintf(f, "  note: %s\n", r->notes[i]);
	if (r->backup_id != 0)
		fprintf(f, "Backup of the previous file: %u (tlsdeck history; "
		    "tlsdeck restore %u)\n", r->backup_id, r->backup_id);
	cli_text_end(&tx, stdout);
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

/*
 * The aliases: --alias, with --from-keystore, names the entry and a second
 * --alias the alias in cacerts; otherwise the alias in cacerts.  0, or -1
 * after a usage error.
 */
static int
trust_aliases(struct cmd_ctx *c, struct step_trust_opts *o,
    const char **from_alias)
{
	struct trust_args	*a = c->data;
	const struct cmd_entry	*ce = c->entry;

	*from_alias = a->from_alias;
	o->alias = a->cacerts_alias;
	if (o->from_keystore != NULL && *from_alias == NULL) {
		*from_alias = a->aliases[0];
		if (o->alias == NULL)
			o->alias = a->aliases[1];
	} else {
		if (a->naliases > 1) {
			cli_usage(ce, "--alias given twice");
			return (-1);
		}
		if (o->alias == NULL)
			o->alias = a->aliases[0];
	}
	if (o->cert_file != NULL && *from_alias != NULL) {
		cli_usage(ce, "--from-alias names an entry of "
		    "--from-keystore FILE (or, with no CERT, of the server's "
		    "keystore)");
		return (-1);
	}
	if (o->cert_file == NULL && o->from_keystore == NULL &&
	    cli_pw_given(&c->store)) {
		cli_usage(ce, "the server's keystore is opened with the "
		    "password in its application.properties: PASSWORD OPTIONS "
		    "go with --from-keystore FILE");
		return (-1);
	}
	return (0);
}

/*
 * The server model: for its certificate, and for its JRE unless --jre or
 * --cacerts names one.  No server found (and none named): the JRE of
 * $JAVA_HOME or of the java on $PATH.  Then the cacerts.
 */
static int
trust_find(struct server_opts *so, bool server_cert, struct server_model **mp,
    struct jre_cacerts *jc, char **cause)
{
	char	*c2;
	bool	 own_jre = so->jre != NULL || so->cacerts != NULL;

	if ((server_cert || !own_jre) &&
	    server_model_load(so, mp, cause) != 0) {
		if (server_cert || so->properties != NULL ||
		    so->server != NULL) {
			xasprintf(&c2, "%s%s", *cause, server_cert ? "; or "
			    "give the certificate to trust: CERT or "
			    "--from-keystore FILE" : "");
			free(*cause);
			*cause = c2;
			return (-1);
		}
		free(*cause);
		*cause = NULL;
	}
	if (own_jre || *mp == NULL)
		return (jre_cacerts_find(so->jre, so->cacerts, jc, cause));
	return (jre_cacerts_from_model(*mp, jc, cause));
}

/*
 * step_trust, and once more with a password asked on a terminal when
 * cacerts opened with neither changeit nor the distribution's.  0, or -1
 * with *cause.
 */
static int
trust_step(struct step_trust_opts *o, struct step_result *r,
    struct step_trust_info *ti, const char *path, struct secret **cpass,
    char **cause)
{
	char	*prompt;

	if (step_trust(o, r, ti, cause) != 0 && ti->need_pass &&
	    *cpass == NULL && isatty(STDIN_FILENO)) {
		free(*cause);
		*cause = NULL;
		xasprintf(&prompt, "Enter the password of %s: ", path);
		*cpass = cli_prompt_tty(prompt, cause);
		free(prompt);
		if (*cpass != NULL) {
			o->cacerts_pass = *cpass;
			step_result_free(r);
			step_trust_info_free(ti);
			step_trust(o, r, ti, cause);
		}
	}
	return (*cause != NULL ? -1 : 0);
}

/* tlsdeck trust [GLOBAL] [CERT | --from-keystore FILE ...] */
static int
cmd_trust_exec(struct cmd_ctx *c)
{
	struct trust_args	*a = c->data;
	struct server_opts	 so;
	struct server_model	*m = NULL;
	struct step_trust_opts	 o;
	struct step_trust_info	 ti;
	struct step_result	 r;
	struct jre_cacerts	 jc;
	struct secret		*from_pass = NULL, *cpass = NULL;
	const char		*from_alias;
	char			*cause = NULL;
	bool			 server_cert;
	int			 rc = EXIT_FAIL;

	memset(&o, 0, sizeof o);
	memset(&ti, 0, sizeof ti);
	memset(&r, 0, sizeof r);
	memset(&jc, 0, sizeof jc);
	o.from_keystore = a->from_keystore;
	o.dry_run = c->dry_run;
	if (c->argc == 1)
		o.cert_file = c->argv[0];
	if (o.cert_file != NULL && o.from_keystore != NULL) {
		rc = cli_usage(c->entry, "give a certificate file CERT or "
		    "--from-keystore FILE, not both");
		goto out;
	}
	/* Neither: the server's own certificate. */
	server_cert = o.cert_file == NULL && o.from_keystore == NULL;
	switch (cli_server_opts(&c->g, c->server_flags, &so, NULL, &cause)) {
	case 0:
		break;
	case -2:
		rc = cli_usage(c->entry, "%s", cause);
		goto out;
	default:
		cli_error("trust: %s", cause);
		goto out;
	}
	if (trust_aliases(c, &o, &from_alias) != 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (trust_find(&so, server_cert, &m, &jc, &cause) != 0) {
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
		if (trust_from_pass(o.from_keystore, &c->store, &from_pass,
		    &cause) != 0) {
			cli_error("%s", cause);
			goto out;
		}
		o.from_pass = from_pass;
	}
	if (cli_cacerts_pass(c, &cpass, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	o.cacerts_pass = cpass;
	if (trust_step(&o, &r, &ti, jc.path, &cpass, &cause) != 0) {
		cli_error("trust: %s", cause);
		goto out;
	}
	trust_report(&jc, m, &o, &r, &ti, c->fmt == OUT_JSON, o.dry_run);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	free(cause);
	secret_free(from_pass);
	secret_free(cpass);
	step_result_free(&r);
	step_trust_info_free(&ti);
	jre_cacerts_done(&jc);
	server_model_free(m);
	return (rc);
}

const struct cmd_entry cmd_trust_entry = {
	.name = "trust",
	.usage = CLI_GLOBAL_USAGE " [CERT | --from-keystore FILE "
	"[--from-alias A]] [--alias NAME] [--cacerts-pass-env VAR | "
	"--cacerts-pass-file F] [--dry-run] [--format text|json] "
	"[PASSWORD OPTIONS]",
	.summary =
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
	.options = trust_options,
	.flags = CMD_GLOBAL | CMD_STOREPASS | CMD_DRY_RUN | CMD_FORMAT_HINT,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 0, 1, NULL },
	.size = sizeof (struct trust_args),
	.option = trust_option,
	.exec = cmd_trust_exec
};

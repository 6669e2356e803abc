/* SPDX-License-Identifier: ISC */
/*
 * cmd-acme.c -- tlsdeck acme: a certificate from an ACME CA (core/acme.c).
 *
 * A thin face over step_acme (core/step-acme.c): the server's model is
 * loaded from the GLOBAL options, the renewal decided, the certificate
 * ordered, written into the server's key material with its settings
 * switched, the server restarted and what it serves verified, or every
 * file put back (docs/acme.md).  Progress lines on stdout (text), one
 * line on stderr for a failure; JSON for scripts.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

enum {
	OPT_DIRECTORY = OPT__CLI_MAX + 1,
	OPT_EMAIL,
	OPT_AGREE_TOS,
	OPT_CA_FILE,
	OPT_HTTP_PORT,
	OPT_HTTP_ADDRESS,
	OPT_WEBROOT,
	OPT_DNS_HOOK,
	OPT_DNS_WAIT,
	OPT_KEY,
	OPT_ACCOUNT_KEY,
	OPT_PREFERRED_CHAIN,
	OPT_EAB_KID,
	OPT_EAB_HMAC_ENV,
	OPT_EAB_HMAC_FILE,
	OPT_RENEW_BEFORE,
	OPT_FORCE,
	OPT_RESTART,
	OPT_VERIFY_TIMEOUT,
	OPT_MANAGER_USER,
	OPT_MANAGER_PASSWORD_FILE,
	OPT_HOST,
	OPT_MATERIAL,
	OPT_PRUNE,
};

static const struct option acme_options[] = {
	{ "directory", required_argument, NULL, OPT_DIRECTORY },
	{ "domain", required_argument, NULL, 'd' },
	{ "email", required_argument, NULL, OPT_EMAIL },
	{ "agree-tos", no_argument, NULL, OPT_AGREE_TOS },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "http-port", required_argument, NULL, OPT_HTTP_PORT },
	{ "http-address", required_argument, NULL, OPT_HTTP_ADDRESS },
	{ "webroot", required_argument, NULL, OPT_WEBROOT },
	{ "dns-hook", required_argument, NULL, OPT_DNS_HOOK },
	{ "dns-wait", required_argument, NULL, OPT_DNS_WAIT },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "account-key", required_argument, NULL, OPT_ACCOUNT_KEY },
	{ "preferred-chain", required_argument, NULL, OPT_PREFERRED_CHAIN },
	{ "eab-kid", required_argument, NULL, OPT_EAB_KID },
	{ "eab-hmac-env", required_argument, NULL, OPT_EAB_HMAC_ENV },
	{ "eab-hmac-file", required_argument, NULL, OPT_EAB_HMAC_FILE },
	{ "renew-before", required_argument, NULL, OPT_RENEW_BEFORE },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "restart", required_argument, NULL, OPT_RESTART },
	{ "verify-timeout", required_argument, NULL, OPT_VERIFY_TIMEOUT },
	{ "manager-user", required_argument, NULL, OPT_MANAGER_USER },
	{ "manager-password-file", required_argument, NULL,
	    OPT_MANAGER_PASSWORD_FILE },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "material", required_argument, NULL, OPT_MATERIAL },
	{ "prune", optional_argument, NULL, OPT_PRUNE },
	{ NULL, 0, NULL, 0 }
};

/* Set by SIGINT/SIGTERM; every wait in core/acme.c looks at it. */
static atomic_int	acme_cancel;

static void
acme_on_signal(int sig)
{
	acme_cancel = 1;
}

struct acme_cli {
	struct acme_opts	 o;
	char			**names;
	size_t			 nnames;
	const char		*key;		/* --key */
	int			 renew_before;	/* -1: the default window */
	bool			 renew_before_set;
	bool			 force;
	const char		*restart;
	int			 verify_timeout;
	const char		*eab_env;
	const char		*eab_file;
	struct secret		*eab;
	const char		*manager_user;
	const char		*manager_file;
	struct secret		*manager_pass;
	const char		*host;
	int			 material;
	int			 prune;		/* 1 + KEEP; 0: no --prune */
	struct cmd_ctx		*ctx;
	bool			 json;
	int			 nchall;	/* challenge options given */
};

/* A number in [min, max], or -1. */
static int
acme_number(const char *s, int min, int max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		return (-1);
	return ((int)v);
}

/* -d NAME or -d A,B: each name once. */
static void
acme_add_names(struct acme_cli *c, const char *arg)
{
	const char	*p = arg, *e;

	for (;;) {
		e = p + strcspn(p, ",");
		if (e > p) {
			c->names = xreallocarray(c->names, c->nnames + 1,
			    sizeof *c->names);
			c->names[c->nnames++] = xstrndup(p, (size_t)(e - p));
		}
		if (*e == '\0')
			break;
		p = e + 1;
	}
}

/* Progress on stdout, one line each, before the report (text output
 * only): stderr keeps the one line of a failure. */
static void
acme_progress(const struct acme_event *ev, void *arg)
{
	fputs("- ", stdout);
	cli_write_safe(stdout, ev->text, strlen(ev->text));
	fputc('\n', stdout);
	fflush(stdout);
}

/* The key for the certificate: rsa2048 (default), rsa3072, ec256, ec384. */
static bool
acme_key_known(const char *k)
{
	return (strcmp(k, "rsa2048") == 0 || strcmp(k, "rsa3072") == 0 ||
	    strcmp(k, "ec256") == 0 || strcmp(k, "ec384") == 0);
}

/* The keystore's alias: --alias, else the first name ("*." ->
 * "wildcard."). */
static json_t *
acme_json_account(const struct acme_account_info *ai)
{
	json_t	*j = json_object();

	json_object_set_new(j, "url", out_json_cstr(ai->url));
	json_object_set_new(j, "exists", json_boolean(ai->exists));
	json_object_set_new(j, "created", json_boolean(ai->created));
	json_object_set_new(j, "key_file", out_json_cstr(ai->key_path));
	json_object_set_new(j, "contact", out_json_cstr(ai->contact));
	json_object_set_new(j, "terms", out_json_cstr(ai->terms));
	return (j);
}

/* A line from the network or a file, control characters escaped. */
static void
acme_puts(const char *s)
{
	cli_write_safe(stdout, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
	fputc('\n', stdout);
}

/* The phases of the transaction, one line each (text output). */
static void
acme_note(enum step_acme_phase ph, const char *line, void *arg)
{
	fputs(ph == SA_P_ROLLBACK ? "! " : "* ", stdout);
	cli_write_safe(stdout, line, strlen(line));
	fputc('\n', stdout);
	fflush(stdout);
}

static json_t *
acme_json_strv(char *const *v, size_t n)
{
	json_t	*arr = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, out_json_cstr(v[i]));
	return (arr);
}

static const char *
acme_outcome_name(enum step_acme_outcome o)
{
	switch (o) {
	case SA_NOTHING:
		return ("nothing-to-do");
	case SA_PLANNED:
		return ("planned");
	case SA_RENEWED:
		return ("renewed");
	case SA_ROLLED_BACK:
		return ("rolled-back");
	default:
		return ("failed");
	}
}

/* The JSON report (success and failure alike). */
static void
acme_json(const struct acme_cli *c, const struct step_acme_result *r,
    const char *error)
{
	json_t		*j = json_object(), *arr, *o;
	char		 date[32];
	time_t		 now = time(NULL);
	size_t		 i;

	json_object_set_new(j, "ok", json_boolean(error == NULL));
	json_object_set_new(j, "outcome", json_string(
	    acme_outcome_name(r->outcome)));
	json_object_set_new(j, "error", out_json_cstr(error));
	json_object_set_new(j, "dry_run", json_boolean(c->ctx->dry_run));
	json_object_set_new(j, "directory", out_json_cstr(c->o.directory));
	json_object_set_new(j, "decision", out_json_cstr(r->decision));
	json_object_set_new(j, "issued_here", json_boolean(r->ours));
	json_object_set_new(j, "days_left", json_integer(r->days_left));
	if (r->due != 0) {
		time_iso8601((int64_t)r->due, date, sizeof date);
		json_object_set_new(j, "renewal_due", json_string(date));
	} else
		json_object_set_new(j, "renewal_due", json_null());
	json_object_set_new(j, "names", acme_json_strv(r->names, r->nnames));
	json_object_set_new(j, "need_agree_tos",
	    json_boolean(r->account.need_tos));
	json_object_set_new(j, "terms", out_json_cstr(r->account.terms));
	if (r->account.url != NULL || r->account.key_path != NULL)
		json_object_set_new(j, "account",
		    acme_json_account(&r->account));
	else
		json_object_set_new(j, "account", json_null());
	json_object_set_new(j, "challenge", json_string(
	    acme_chall_name(c->o.chall)));
	json_object_set_new(j, "key", json_string(c->key != NULL ? c->key :
	    "rsa2048"));
	json_object_set_new(j, "material", out_json_cstr(r->where));
	json_object_set_new(j, "alias", out_json_cstr(r->alias));
	json_object_set_new(j, "cert_file", out_json_cstr(r->cert_path));
	json_object_set_new(j, "key_file", out_json_cstr(r->key_path));
	json_object_set_new(j, "plan", acme_json_strv(r->plan, r->nplan));
	arr = json_array();
	for (i = 0; i < r->nfiles; i++) {
		o = json_object();
		json_object_set_new(o, "path", out_json_cstr(r->files[i]));
		json_object_set_new(o, "backup_id", r->backups[i] != 0 ?
		    json_integer(r->backups[i]) : json_null());
		json_array_append_new(arr, o);
	}
	json_object_set_new(j, "files", arr);
	json_object_set_new(j, "restart", out_json_cstr(r->restart));
	json_object_set_new(j, "rolled_back", json_boolean(r->rolled_back));
	json_object_set_new(j, "failure", out_json_cstr(r->failure));
	json_object_set_new(j, "pruned", acme_json_strv(r->pruned,
	    r->npruned));
	if (r->cert.nchain > 0) {
		json_object_set_new(j, "issuer", out_json_cstr(r->cert.issuer));
		json_object_set_new(j, "alternates", acme_json_strv(
		    r->cert.alternates, r->cert.nalternates));
		json_object_set_new(j, "preferred_found",
		    json_boolean(r->cert.preferred_found));
		json_object_set_new(j, "certificate_url",
		    out_json_cstr(r->cert.cert_url));
		arr = json_array();
		for (i = 0; i < r->cert.nchain; i++)
			json_array_append_new(arr, out_json_cert(
			    r->cert.chain[i], now));
		json_object_set_new(j, "chain", arr);
		json_object_set_new(j, "validated",
		    json_integer((json_int_t)r->cert.nvalidated));
	} else
		json_object_set_new(j, "chain", json_array());
	json_object_set_new(j, "bad_nonce_retries",
	    json_integer(r->bad_nonces));
	o = json_object();
	json_object_set_new(o, "sha256", out_json_cstr(r->served_sha256));
	json_object_set_new(o, "subject", out_json_cstr(r->served_subject));
	if (r->served_sha256 != NULL) {
		time_iso8601(r->served_not_after, date, sizeof date);
		json_object_set_new(o, "not_after", json_string(date));
	}
	json_object_set_new(o, "error", out_json_cstr(r->served_error));
	json_object_set_new(j, "served", o);
	out_json_dump(j, stdout);
}

/* The text report: what was decided, done and is served. */
static void
acme_text(const struct acme_cli *c, const struct step_acme_result *r)
{
	struct cert	*leaf;
	char		 date[32], *fp;
	size_t		 i;

	if (r->outcome == SA_NOTHING) {
		printf("Nothing to do: %ld days left", r->days_left);
		if (r->due != 0) {
			time_iso8601((int64_t)r->due, date, sizeof date);
			printf(", renewal due %.10s", date);
		}
		printf(" (no file changed)\n");
		return;
	}
	if (r->outcome == SA_PLANNED) {
		printf("Directory  ");
		acme_puts(c->o.directory);
		printf("Decision   ");
		acme_puts(r->decision);
		if (r->account.exists)
			printf("Account    %s\n", r->account.url);
		else
			printf("Account    none yet: a new one would be "
			    "registered%s\n", r->account.need_tos ?
			    " (needs --agree-tos)" : "");
		printf("Names     ");
		for (i = 0; i < r->nnames; i++)
			printf(" %s", r->names[i]);
		printf("\nChallenge  %s\n", acme_chall_name(c->o.chall));
		printf("Plan\n");
		for (i = 0; i < r->nplan; i++) {
			printf("  %zu. ", i + 1);
			acme_puts(r->plan[i]);
		}
		printf("Dry run: nothing was ordered or written.\n");
		return;
	}
	if (r->cert.nchain == 0)
		return;
	leaf = r->cert.chain[0];
	time_iso8601(leaf->info.not_after, date, sizeof date);
	fp = cert_fp_hex(cert_sha256(leaf), 32);
	printf("Certificate  ");
	acme_puts(leaf->info.subject);
	printf("  names      ");
	for (i = 0; i < leaf->info.nsan; i++)
		printf("%s%s", i > 0 ? ", " : "", leaf->info.san[i]);
	printf("\n  until      %s\n  SHA-256    %s\n", date, fp);
	free(fp);
	printf("  issuer     ");
	acme_puts(r->cert.issuer);
	if (r->alias != NULL)
		printf("Written      alias %s in %s\n", r->alias,
		    r->nfiles > 0 ? r->files[0] : "?");
	else if (r->cert_path != NULL)
		printf("Written      %s, %s\n", r->cert_path, r->key_path);
	if (r->outcome == SA_RENEWED)
		printf("Served       the new certificate\n");
	for (i = 0; i < r->npruned; i++) {
		printf("%s", i == 0 ? "Pruned       " : "             ");
		acme_puts(r->pruned[i]);
	}
}

/* What is served at the end of a failed run (stderr has the line). */
static void
acme_text_served(const struct step_acme_result *r)
{
	char	date[32];

	if (r->served_sha256 != NULL) {
		time_iso8601(r->served_not_after, date, sizeof date);
		printf("Served       ");
		acme_puts(r->served_subject);
		printf("  until      %s\n  SHA-256    %s\n", date,
		    r->served_sha256);
	} else if (r->served_error != NULL) {
		printf("Served       nothing: ");
		acme_puts(r->served_error);
	}
}

static int
acme_option(struct cmd_ctx *ctx, int ch, char *arg)
{
	struct acme_cli	*c = ctx->data;
	int		 n;

	switch (ch) {
	case OPT_DIRECTORY:
		if (strcmp(arg, "letsencrypt") == 0)
			c->o.directory = ACME_LE_PRODUCTION;
		else if (strcmp(arg, "letsencrypt-staging") == 0)
			c->o.directory = ACME_LE_STAGING;
		else
			c->o.directory = arg;
		break;
	case 'd':
		acme_add_names(c, arg);
		break;
	case OPT_EMAIL:
		c->o.email = arg;
		break;
	case OPT_AGREE_TOS:
		c->o.agree_tos = true;
		break;
	case OPT_CA_FILE:
		c->o.ca_file = arg;
		break;
	case OPT_HTTP_PORT:
		if ((n = acme_number(arg, 1, 65535)) < 0)
			return (cmd_usage(ctx, "--http-port: not a port: "
			    "%s", arg));
		c->o.http_port = n;
		c->o.chall = ACME_HTTP01;
		c->nchall++;
		break;
	case OPT_HTTP_ADDRESS:
		c->o.http_address = arg;
		break;
	case OPT_WEBROOT:
		c->o.webroot = arg;
		c->o.chall = ACME_WEBROOT;
		c->nchall++;
		break;
	case OPT_DNS_HOOK:
		c->o.dns_hook = arg;
		c->o.chall = ACME_DNS01;
		c->nchall++;
		break;
	case OPT_DNS_WAIT:
		if ((n = acme_number(arg, 0, 3600)) < 0)
			return (cmd_usage(ctx, "--dns-wait: not 0 to 3600 "
			    "seconds: %s", arg));
		c->o.dns_wait = n;
		break;
	case OPT_KEY:
		if (!acme_key_known(arg))
			return (cmd_usage(ctx, "--key: rsa2048, rsa3072, "
			    "ec256 or ec384, not %s", arg));
		c->key = arg;
		break;
	case OPT_ACCOUNT_KEY:
		if (!acme_key_known(arg))
			return (cmd_usage(ctx, "--account-key: ec256, "
			    "ec384, rsa2048 or rsa3072, not %s",
			    arg));
		c->o.account_key = arg;
		break;
	case OPT_PREFERRED_CHAIN:
		c->o.preferred_issuer = arg;
		break;
	case OPT_EAB_KID:
		c->o.eab_kid = arg;
		break;
	case OPT_EAB_HMAC_ENV:
		c->eab_env = arg;
		break;
	case OPT_EAB_HMAC_FILE:
		c->eab_file = arg;
		break;
	case OPT_RENEW_BEFORE:
		if ((n = acme_number(arg, 0, 3650)) < 0)
			return (cmd_usage(ctx, "--renew-before: not 0 to 3650 "
			    "days: %s", arg));
		c->renew_before = n;
		c->renew_before_set = true;
		break;
	case OPT_FORCE:
		c->force = true;
		break;
	case OPT_RESTART:
		c->restart = arg;
		break;
	case OPT_VERIFY_TIMEOUT:
		if ((n = acme_number(arg, 1, 3600)) < 0)
			return (cmd_usage(ctx, "--verify-timeout: not 1 to "
			    "3600 seconds: %s", arg));
		c->verify_timeout = n;
		break;
	case OPT_MANAGER_USER:
		c->manager_user = arg;
		break;
	case OPT_MANAGER_PASSWORD_FILE:
		c->manager_file = arg;
		break;
	case OPT_HOST:
		c->host = arg;
		break;
	case OPT_MATERIAL:
		if ((n = acme_number(arg, 1, 1000)) < 0)
			return (cmd_usage(ctx, "--material: not a number from "
			    "1 (as status numbers the keystores): %s", arg));
		c->material = n;
		break;
	case OPT_PRUNE:
		if (arg == NULL)
			n = 0;
		else if ((n = acme_number(arg, 0, 100)) < 0)
			return (cmd_usage(ctx, "--prune: keep 0 to 100 earlier "
			    "certificates, not %s", arg));
		c->prune = n + 1;	/* 0 stays "not given" */
		break;
	}
	return (0);
}

/* What the options say together: 0, or the usage error's exit code. */

/* What the options say together: 0, or the usage error's exit code. */
static int
acme_check(struct cmd_ctx *ctx, struct acme_cli *c)
{
	if (c->o.directory == NULL)
		return (cli_usage(ctx->entry, "--directory URL is missing"));
	if (c->nnames > ACME_MAX_NAMES)
		return (cli_usage(ctx->entry, "at most %d names",
		    ACME_MAX_NAMES));
	if (c->nchall > 1)
		return (cli_usage(ctx->entry, "--http-port, --webroot and "
		    "--dns-hook exclude each other"));
	if (c->o.http_address != NULL && c->o.chall != ACME_HTTP01)
		return (cli_usage(ctx->entry, "--http-address is for "
		    "--http-port"));
	if ((c->o.eab_kid != NULL) != (c->eab_env != NULL ||
	    c->eab_file != NULL))
		return (cli_usage(ctx->entry, "--eab-kid needs --eab-hmac-env "
		    "or --eab-hmac-file (and they need it)"));
	if (c->manager_file != NULL && c->manager_user == NULL)
		return (cli_usage(ctx->entry, "--manager-password-file is for "
		    "--manager-user"));
	if (c->host != NULL && c->material > 0)
		return (cli_usage(ctx->entry, "--host and --material exclude "
		    "each other"));
	return (0);
}

/* What acme_option kept. */
static void
acme_cli_free(void *data)
{
	struct acme_cli	*c = data;
	size_t		 i;

	for (i = 0; i < c->nnames; i++)
		free(c->names[i]);
	free(c->names);
	secret_free(c->eab);
	secret_free(c->manager_pass);
}

/* tlsdeck acme [GLOBAL] --directory URL ... */
static int
cmd_acme_exec(struct cmd_ctx *ctx)
{
	struct acme_cli		*c = ctx->data;
	struct server_opts	 so;
	struct server_model	*m = NULL;
	struct step_acme_opts	 so_acme;
	struct step_acme_result	 r;
	struct sigaction	 sa, oldint, oldterm;
	char			*cause = NULL;
	bool			 sigs = false;
	int			 rc;

	memset(&r, 0, sizeof r);
	r.outcome = SA_FAILED;
	if ((rc = acme_check(ctx, c)) != 0)
		return (rc);
	rc = EXIT_FAIL;
	if (!acme_url_ok(c->o.directory) ||
	    strncmp(c->o.directory, "https://", 8) != 0) {
		cause = xstrdup("the ACME directory must be an https URL");
		goto fail;
	}
	c->ctx = ctx;
	c->json = ctx->fmt == OUT_JSON;
	if (c->eab_env != NULL && secret_from_env(c->eab_env, &c->eab,
	    &cause) != 0)
		goto fail;
	if (c->eab_file != NULL && secret_from_file(c->eab_file, &c->eab,
	    &cause) != 0)
		goto fail;
	/* The manager's password: a file, else the environment; never
	 * argv. */
	if (c->manager_file != NULL && secret_from_file(c->manager_file,
	    &c->manager_pass, &cause) != 0)
		goto fail;
	if (c->manager_user != NULL && c->manager_pass == NULL &&
	    getenv("TLSDECK_MANAGER_PASSWORD") != NULL &&
	    secret_from_env("TLSDECK_MANAGER_PASSWORD", &c->manager_pass,
	    &cause) != 0)
		goto fail;
	switch (cli_server_opts(&ctx->g, ctx->server_flags, &so, NULL,
	    &cause)) {
	case -2:
		rc = cli_usage(ctx->entry, "%s", cause);
		free(cause);
		return (rc);
	case -1:
		goto fail;
	}
	/* The live look (/proc) finds the systemd unit; the probe is
	 * ours, after the restart. */
	if (server_model_load(&so, &m, &cause) != 0)
		goto fail;

	memset(&so_acme, 0, sizeof so_acme);
	so_acme.acme = c->o;
	so_acme.acme.eab_hmac = c->eab;
	so_acme.acme.cancel = &acme_cancel;
	so_acme.acme.cancel_fd = -1;
	if (!c->json) {
		so_acme.acme.progress = acme_progress;
		so_acme.note = acme_note;
	}
	so_acme.names = (const char *const *)c->names;
	so_acme.nnames = c->nnames;
	so_acme.key = c->key;
	so_acme.renew_before = c->renew_before_set ? c->renew_before : -1;
	so_acme.force = c->force;
	so_acme.restart = c->restart;
	so_acme.manager_user = c->manager_user;
	so_acme.manager_pass = c->manager_pass;
	so_acme.host = c->host;
	so_acme.material = c->material;
	so_acme.prune = c->prune > 0;
	so_acme.prune_keep = c->prune > 0 ? c->prune - 1 : 0;
	so_acme.verify_timeout = c->verify_timeout;
	so_acme.dry_run = ctx->dry_run;

	/* Ctrl-C: stop at the next wait; after the first write, every file
	 * goes back. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = acme_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &oldint);
	sigaction(SIGTERM, &sa, &oldterm);
	sigs = true;

	if (step_acme(m, &so_acme, &r, &cause) != 0) {
		if (r.account.need_tos) {
			free(cause);
			cause = NULL;
			xasprintf(&cause, "no account with %s yet: read its "
			    "terms of service at %s and agree with "
			    "--agree-tos", c->o.directory, r.account.terms !=
			    NULL ? r.account.terms : "(the CA gives no URL)");
		}
		goto fail;
	}
	if (c->json)
		acme_json(c, &r, NULL);
	else
		acme_text(c, &r);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
	goto done;
fail:
	cli_error("acme: %s", cause != NULL ? cause : "failed");
	if (c->json)
		acme_json(c, &r, cause != NULL ? cause : "failed");
	else {
		acme_text(c, &r);
		acme_text_served(&r);
	}
	rc = EXIT_FAIL;
done:
	if (sigs) {
		sigaction(SIGINT, &oldint, NULL);
		sigaction(SIGTERM, &oldterm, NULL);
	}
	step_acme_result_free(&r);
	server_model_free(m);
	free(cause);
	return (rc);
}

const struct cmd_entry cmd_acme_entry = {
	.name = "acme",
	.usage = CLI_GLOBAL_USAGE " "
	"--directory URL [--domain NAME...] [--email ADDR] [--agree-tos] "
	"[--ca-file PEM] [--http-port N [--http-address ADDR] | "
	"--webroot DIR | --dns-hook CMD [--dns-wait SECONDS]] "
	"[--key rsa2048|rsa3072|ec256|ec384] [--account-key TYPE] "
	"[--preferred-chain ISSUER] [--eab-kid KID --eab-hmac-env VAR|"
	"--eab-hmac-file FILE] [--renew-before DAYS] [--force] "
	"[--restart CMD | --manager-user USER [--manager-password-file FILE]] "
	"[--host NAME | --material N] [--prune[=KEEP]] "
	"[--verify-timeout SECONDS] [--dry-run] "
	"[--format text|json]",
	.summary =
	"Renew the server's certificate from an ACME CA (Let's Encrypt, an "
	"internal CA) when it is due: new key inside the server's keystore "
	"or PEM files, settings switched, restart, the new certificate "
	"verified as served, every file put back when it is not",
	.options = acme_options,
	.flags = CMD_GLOBAL | CMD_DRY_RUN,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 0, 0, NULL },
	.size = sizeof (struct acme_cli),
	.option = acme_option,
	.free = acme_cli_free,
	.exec = cmd_acme_exec
};

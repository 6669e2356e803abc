/* SPDX-License-Identifier: ISC */
/*
 * cmd-acme.c -- tlsdeck acme: a certificate from an ACME CA (core/acme.c).
 *
 * This is the ACME client on its own: the account, the order, the
 * challenges and the chain, with the new key made here in memory.  The
 * chain can be written to a PEM file (-o) and the key with its chain into
 * a keystore (--keystore, encrypted with the store password); the key
 * never touches the disk otherwise.  The server transaction (settings,
 * reload, verification, rollback) is described in docs/acme.md.
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
	OPT_KEYSTORE,
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
	{ "output", required_argument, NULL, 'o' },
	{ "keystore", required_argument, NULL, OPT_KEYSTORE },
	CLI_STEP_STORETYPE,
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
	const char		*output;	/* -o */
	const char		*keystore;
	const char		*alias;
	char			*alias_buf;
	const char		*eab_env;
	const char		*eab_file;
	struct secret		*eab;
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
static int
acme_key_generate(const char *k, struct evp_pkey_st **pk, char **cause)
{
	if (k == NULL || strcmp(k, "rsa2048") == 0)
		return (keygen_generate_cancel("rsa", 2048, NULL, &acme_cancel,
		    pk, cause));
	if (strcmp(k, "rsa3072") == 0)
		return (keygen_generate_cancel("rsa", 3072, NULL, &acme_cancel,
		    pk, cause));
	if (strcmp(k, "ec256") == 0)
		return (keygen_generate("ec", 0, "P-256", pk, cause));
	if (strcmp(k, "ec384") == 0)
		return (keygen_generate("ec", 0, "P-384", pk, cause));
	cause_set(cause, "unknown key type %s", k);
	return (-1);
}

static bool
acme_key_known(const char *k)
{
	return (strcmp(k, "rsa2048") == 0 || strcmp(k, "rsa3072") == 0 ||
	    strcmp(k, "ec256") == 0 || strcmp(k, "ec384") == 0);
}

/* The keystore's alias: --alias, else the first name ("*." ->
 * "wildcard."). */
static const char *
acme_alias(struct acme_cli *c)
{
	if (c->ctx->alias != NULL)
		return (c->ctx->alias);
	if (c->alias_buf == NULL) {
		if (strncmp(c->names[0], "*.", 2) == 0)
			xasprintf(&c->alias_buf, "wildcard.%s",
			    c->names[0] + 2);
		else
			c->alias_buf = xstrdup(c->names[0]);
	}
	return (c->alias_buf);
}

/* Before any request: can the keystore take the entry? */
static int
acme_keystore_check(struct acme_cli *c, char **cause)
{
	struct ks_txn	*t = NULL;
	char		*alias;
	int		 rc = -1;

	if (cli_step_storepass(c->keystore, &c->ctx->store, &c->ctx->pass,
	    cause) != 0)
		return (-1);
	if (c->ctx->pass == NULL || c->ctx->pass->len == 0) {
		cause_set(cause, "%s: a store password is needed: the new key "
		    "is kept encrypted with it (--storepass-env or "
		    "--storepass-file)", c->keystore);
		return (-1);
	}
	if (step_alias_check(acme_alias(c), cause) != 0)
		return (-1);
	if (ks_txn_open(c->keystore, c->ctx->pass, KS_TXN_CREATE,
	    c->ctx->storetype, &t, cause) != 0)
		return (-1);
	alias = step_alias_for(t->ks, acme_alias(c));
	if (keystore_find(t->ks, alias) != NULL)
		cause_set(cause, "%s: alias \"%s\" already exists; choose "
		    "another with --alias", c->keystore, alias);
	else
		rc = 0;
	free(alias);
	ks_txn_close(t);
	return (rc);
}

/* The new key and its chain into the keystore. */
static int
acme_keystore_write(struct acme_cli *c, struct evp_pkey_st **pk,
    const struct acme_cert_result *res, struct step_result *sr,
    char **cause)
{
	struct ks_txn		*t = NULL;
	struct ks_entry		*e;
	char			*alias = NULL, *desc = NULL;
	size_t			 i;
	int			 rc = -1;

	memset(sr, 0, sizeof *sr);
	if (ks_txn_open(c->keystore, c->ctx->pass, KS_TXN_CREATE,
	    c->ctx->storetype, &t, cause) != 0)
		return (-1);
	alias = step_alias_for(t->ks, acme_alias(c));
	if (keystore_find(t->ks, alias) != NULL) {
		cause_set(cause, "%s: alias \"%s\" appeared meanwhile; not "
		    "replaced", c->keystore, alias);
		goto out;
	}
	e = ks_entry_new(alias, KS_ENTRY_KEY);
	e->date_ms = step_now_ms();
	for (i = 0; i < res->nchain; i++)
		ks_entry_add_cert(e, cert_dup(res->chain[i]));
	e->pkey = *pk;
	*pk = NULL;
	step_set_keypass(t->ks, e, NULL, c->ctx->pass, sr);
	step_put_entry(t->ks, e);
	xasprintf(&desc, "added alias %s: ACME certificate for %s", alias,
	    c->names[0]);
	if (ks_txn_commit(t, "acme", desc, cause) != 0)
		goto out;
	sr->created = t->created;
	sr->format = t->ks->format;
	sr->backup_id = sw_backup_id(t->sw);
	sr->aliases = xcalloc(1, sizeof *sr->aliases);
	sr->aliases[sr->naliases++] = xstrdup(alias);
	rc = 0;
out:
	ks_txn_close(t);
	free(alias);
	free(desc);
	return (rc);
}

/* The account part of the JSON report. */
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

/* One JSON document for a failure (stdout), beside the stderr line. */
static void
acme_json_error(const char *msg, const struct acme_account_info *ai)
{
	json_t	*j = json_object();

	json_object_set_new(j, "ok", json_false());
	json_object_set_new(j, "error", out_json_cstr(msg));
	if (ai != NULL) {
		json_object_set_new(j, "need_agree_tos",
		    json_boolean(ai->need_tos));
		json_object_set_new(j, "terms", out_json_cstr(ai->terms));
	}
	out_json_dump(j, stdout);
}

/* --dry-run: what would be done. */
static void
acme_plan(struct acme_cli *c, const struct acme_account_info *ai)
{
	json_t	*j, *arr;
	size_t	 i;

	if (c->json) {
		j = json_object();
		json_object_set_new(j, "ok", json_true());
		json_object_set_new(j, "dry_run", json_true());
		json_object_set_new(j, "directory", out_json_cstr(
		    c->o.directory));
		json_object_set_new(j, "account", acme_json_account(ai));
		json_object_set_new(j, "need_agree_tos",
		    json_boolean(ai->need_tos));
		arr = json_array();
		for (i = 0; i < c->nnames; i++)
			json_array_append_new(arr, out_json_cstr(c->names[i]));
		json_object_set_new(j, "names", arr);
		json_object_set_new(j, "challenge", json_string(
		    c->o.chall == ACME_WEBROOT ? "http-01 (webroot)" :
		    acme_chall_name(c->o.chall)));
		json_object_set_new(j, "key", json_string(c->key != NULL ?
		    c->key : "rsa2048"));
		json_object_set_new(j, "output", out_json_cstr(c->output));
		json_object_set_new(j, "keystore", out_json_cstr(
		    c->keystore));
		out_json_dump(j, stdout);
		return;
	}
	printf("Directory  %s\n", c->o.directory);
	if (ai->exists)
		printf("Account    %s\n", ai->url);
	else
		printf("Account    none yet: a new one would be registered%s"
		    "\n", ai->need_tos ? " (needs --agree-tos)" : "");
	if (ai->terms != NULL)
		printf("Terms      %s\n", ai->terms);
	printf("Names     ");
	for (i = 0; i < c->nnames; i++)
		printf(" %s", c->names[i]);
	printf("\nChallenge  %s", acme_chall_name(c->o.chall));
	if (c->o.chall == ACME_HTTP01)
		printf(", answered by tlsdeck on %s port %d\n",
		    c->o.http_address != NULL ? c->o.http_address :
		    "every address", c->o.http_port != 0 ? c->o.http_port : 80);
	else if (c->o.chall == ACME_WEBROOT)
		printf(", token files under %s/.well-known/acme-challenge\n",
		    c->o.webroot);
	else
		printf(", TXT records by %s\n", c->o.dns_hook);
	printf("New key    %s\n", c->key != NULL ? c->key : "rsa2048");
	if (c->output != NULL)
		printf("Chain to   %s\n", c->output);
	if (c->keystore != NULL)
		printf("Keystore   %s, alias %s\n", c->keystore,
		    acme_alias(c));
	printf("Dry run: nothing was ordered or written.\n");
}

/* The report of an issued certificate. */
static void
acme_report(const struct acme_cli *c, struct acme *a,
    const struct acme_account_info *ai, const struct acme_cert_result *res,
    const struct step_result *sr)
{
	struct cert	*leaf = res->chain[0];
	json_t		*j, *arr, *o;
	char		 date[32], *fp;
	time_t		 now = time(NULL);
	size_t		 i;

	if (c->json) {
		j = json_object();
		json_object_set_new(j, "ok", json_true());
		json_object_set_new(j, "dry_run", json_false());
		json_object_set_new(j, "directory", out_json_cstr(
		    c->o.directory));
		json_object_set_new(j, "account", acme_json_account(ai));
		arr = json_array();
		for (i = 0; i < c->nnames; i++)
			json_array_append_new(arr, out_json_cstr(c->names[i]));
		json_object_set_new(j, "names", arr);
		json_object_set_new(j, "challenge", json_string(
		    acme_chall_name(c->o.chall)));
		json_object_set_new(j, "validated",
		    json_integer((json_int_t)res->nvalidated));
		json_object_set_new(j, "order", out_json_cstr(res->order_url));
		json_object_set_new(j, "certificate_url",
		    out_json_cstr(res->cert_url));
		json_object_set_new(j, "issuer", out_json_cstr(res->issuer));
		arr = json_array();
		for (i = 0; i < res->nalternates; i++)
			json_array_append_new(arr, out_json_cstr(
			    res->alternates[i]));
		json_object_set_new(j, "alternates", arr);
		json_object_set_new(j, "preferred_found",
		    json_boolean(res->preferred_found));
		json_object_set_new(j, "bad_nonce_retries",
		    json_integer(acme_bad_nonces(a)));
		arr = json_array();
		for (i = 0; i < res->nchain; i++)
			json_array_append_new(arr, out_json_cert(res->chain[i],
			    now));
		json_object_set_new(j, "chain", arr);
		json_object_set_new(j, "output", out_json_cstr(c->output));
		if (c->keystore != NULL && sr->naliases > 0) {
			o = json_object();
			json_object_set_new(o, "path", out_json_cstr(
			    c->keystore));
			json_object_set_new(o, "alias", out_json_cstr(
			    sr->aliases[0]));
			json_object_set_new(o, "format", json_string(
			    ks_format_name(sr->format)));
			json_object_set_new(o, "created",
			    json_boolean(sr->created));
			json_object_set_new(o, "backup_id", sr->backup_id ?
			    json_integer(sr->backup_id) : json_null());
			json_object_set_new(j, "keystore", o);
		} else
			json_object_set_new(j, "keystore", json_null());
		out_json_dump(j, stdout);
		return;
	}
	time_iso8601(leaf->info.not_after, date, sizeof date);
	fp = cert_fp_hex(cert_sha256(leaf), 32);
	printf("Certificate  %s\n", leaf->info.subject);
	printf("  names      ");
	for (i = 0; i < leaf->info.nsan; i++)
		printf("%s%s", i > 0 ? ", " : "", leaf->info.san[i]);
	printf("\n  until      %s (%ld days)\n", date,
	    cert_days_left(leaf, now));
	printf("  SHA-256    %s\n", fp);
	free(fp);
	printf("Chain        %zu certificate%s, issued by %s\n", res->nchain,
	    res->nchain == 1 ? "" : "s", res->issuer);
	for (i = 0; i < res->nalternates; i++)
		printf("  alternate  issued by %s\n", res->alternates[i]);
	if (c->o.preferred_issuer != NULL && !res->preferred_found)
		printf("  (no chain from \"%s\" was offered: the default "
		    "chain is kept)\n", c->o.preferred_issuer);
	printf("Account      %s%s\n", ai->url, ai->created ? " (new)" : "");
	if (c->output != NULL)
		printf("Written      %s\n", c->output);
	if (c->keystore != NULL && sr->naliases > 0)
		printf("Keystore     %s (%s), alias %s%s\n", c->keystore,
		    ks_format_name(sr->format), sr->aliases[0],
		    sr->created ? ", created" : "");
	if (c->output == NULL && c->keystore == NULL)
		printf("(no -o or --keystore: the new key was not kept)\n");
}

/* One of acme's own options, into its struct acme_cli. */
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
	case 'o':
		c->output = arg;
		break;
	case OPT_KEYSTORE:
		c->keystore = arg;
		break;
	}
	return (0);
}

/* What the options say together: 0, or the usage error's exit code. */
static int
acme_check(struct cmd_ctx *ctx, struct acme_cli *c)
{
	if (c->o.directory == NULL)
		return (cli_usage(ctx->entry, "--directory URL is missing"));
	if (c->nnames == 0)
		return (cli_usage(ctx->entry, "--domain NAME is missing"));
	if (c->nnames > ACME_MAX_NAMES)
		return (cli_usage(ctx->entry, "at most %d names", ACME_MAX_NAMES));
	if (c->nchall > 1)
		return (cli_usage(ctx->entry, "--http-port, --webroot and --dns-hook "
		    "exclude each other"));
	if (c->o.http_address != NULL && c->o.chall != ACME_HTTP01)
		return (cli_usage(ctx->entry, "--http-address is for --http-port"));
	if ((c->o.eab_kid != NULL) != (c->eab_env != NULL ||
	    c->eab_file != NULL))
		return (cli_usage(ctx->entry, "--eab-kid needs --eab-hmac-env or "
		    "--eab-hmac-file (and they need it)"));
	if (c->keystore == NULL && (cli_pw_given(&ctx->store) ||
	    ctx->alias != NULL || ctx->storetype != KS_FMT_UNKNOWN))
		return (cli_usage(ctx->entry, "the alias, store type and password "
		    "options are for --keystore"));
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
	free(c->alias_buf);
	secret_free(c->eab);
}

/* tlsdeck acme --directory URL --domain NAME... */
static int
cmd_acme_exec(struct cmd_ctx *ctx)
{
	struct acme_cli		*cp = ctx->data, c;
	struct acme		*a = NULL;
	struct acme_account_info ai;
	struct acme_cert_result	 res;
	struct step_result	 sr;
	struct sigaction	 sa, oldint, oldterm;
	struct evp_pkey_st	*pk = NULL;
	struct stat		 st;
	unsigned char		*csr = NULL, *pem = NULL;
	char			*cause = NULL, *s;
	size_t			 csrlen = 0, len, i;
	bool			 ip, sigs = false;
	int			 rc = EXIT_FAIL;

	memset(&ai, 0, sizeof ai);
	memset(&res, 0, sizeof res);
	memset(&sr, 0, sizeof sr);
	if ((rc = acme_check(ctx, cp)) != 0)
		return (rc);
	rc = EXIT_FAIL;
	c = *cp;
	c.ctx = ctx;
	c.json = ctx->fmt == OUT_JSON;
	c.o.cancel = &acme_cancel;
	c.o.cancel_fd = -1;
	if (!c.json)
		c.o.progress = acme_progress;
	for (i = 0; i < c.nnames; i++) {
		if (acme_name_check(c.names[i], &ip, &cause) != 0)
			goto fail;
	}
	if (c.output != NULL && stat(c.output, &st) == 0) {
		cause_set(&cause, "%s: already exists; not overwritten",
		    c.output);
		goto fail;
	}
	if (c.eab_env != NULL && secret_from_env(c.eab_env, &c.eab,
	    &cause) != 0)
		goto fail;
	if (c.eab_file != NULL && secret_from_file(c.eab_file, &c.eab,
	    &cause) != 0)
		goto fail;
	c.o.eab_hmac = c.eab;
	if (c.keystore != NULL) {
		acme_alias(&c);
		if (acme_keystore_check(&c, &cause) != 0)
			goto fail;
	}

	/* Ctrl-C: stop at the next wait, clean up, write nothing. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = acme_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &oldint);
	sigaction(SIGTERM, &sa, &oldterm);
	sigs = true;

	if (acme_new(&c.o, &a, &cause) != 0)
		goto fail;
	if (acme_account(a, c.ctx->dry_run, &ai, &cause) != 0) {
		if (ai.need_tos) {
			free(cause);
			cause = NULL;
			xasprintf(&cause, "no account with %s yet: read its "
			    "terms of service at %s and agree with "
			    "--agree-tos", c.o.directory, ai.terms != NULL ?
			    ai.terms : "(the CA gives no URL)");
		}
		goto fail;
	}
	if (c.ctx->dry_run) {
		acme_plan(&c, &ai);
		rc = EXIT_OK;
		goto done;
	}

	/* The new key, in memory only, and its request. */
	if (acme_key_generate(c.key, &pk, &cause) != 0 ||
	    acme_csr(pk, (const char *const *)c.names, c.nnames, &csr,
	    &csrlen, &cause) != 0)
		goto fail;
	if (acme_order_cert(a, (const char *const *)c.names, c.nnames, csr,
	    csrlen, &res, &cause) != 0)
		goto fail;
	if (acme_cancel) {
		cause_set(&cause, "cancelled");
		goto fail;
	}

	/* The key first: without it the chain is of no use. */
	if (c.keystore != NULL && acme_keystore_write(&c, &pk, &res, &sr,
	    &cause) != 0)
		goto fail;
	if (c.output != NULL) {
		pem = NULL;
		len = 0;
		for (i = 0; i < res.nchain; i++) {
			s = cert_pem(res.chain[i]);
			pem = xreallocarray(pem, len + strlen(s) + 1, 1);
			memcpy(pem + len, s, strlen(s));
			len += strlen(s);
			free(s);
		}
		if (step_write_file(c.output, pem, len, false, 0644, "acme",
		    "ACME certificate chain", &cause) != 0)
			goto fail;
	}
	acme_report(&c, a, &ai, &res, &sr);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
	goto done;
fail:
	cli_error("acme: %s", cause != NULL ? cause : "failed");
	if (c.json)
		acme_json_error(cause, &ai);
	rc = EXIT_FAIL;
done:
	if (sigs) {
		sigaction(SIGINT, &oldint, NULL);
		sigaction(SIGTERM, &oldterm, NULL);
	}
	acme_free(a);
	acme_account_info_done(&ai);
	acme_cert_result_done(&res);
	step_result_free(&sr);
	key_free(pk);
	free(csr);
	free(pem);
	free(cause);
	/* what acme_option kept, and what was added here, go with
	 * ctx->data */
	*cp = c;
	return (rc);
}

const struct cmd_entry cmd_acme_entry = {
	.name = "acme",
	.usage =
	"--directory URL --domain NAME... [--email ADDR] [--agree-tos] "
	"[--ca-file PEM] [--http-port N [--http-address ADDR] | "
	"--webroot DIR | --dns-hook CMD [--dns-wait SECONDS]] "
	"[--key rsa2048|rsa3072|ec256|ec384] [--account-key TYPE] "
	"[--preferred-chain ISSUER] [--eab-kid KID --eab-hmac-env VAR|"
	"--eab-hmac-file FILE] [-o CHAIN.pem] [--keystore FILE [--alias A] "
	"[--storetype pkcs12|jks] [PASSWORD OPTIONS]] [--dry-run] "
	"[--format text|json]",
	.summary =
	"Get a certificate from an ACME CA (Let's Encrypt, an internal CA)",
	.options = acme_options,
	.flags = CMD_ALIAS | CMD_DRY_RUN | CMD_STOREPASS,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 0, 0, NULL },
	.size = sizeof (struct acme_cli),
	.option = acme_option,
	.free = acme_cli_free,
	.exec = cmd_acme_exec
};

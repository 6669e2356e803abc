/* SPDX-License-Identifier: ISC */
/*
 * cmd-ensure.c -- tlsdeck ensure SPEC.yaml [--check] [--diff]: make a
 * server what the spec says, changing only what differs (core/ensure.c);
 * text, or JSON {"changed", "actions", "findings"} for Ansible's module
 * (contrib/ansible/).  Passwords only from a file or the environment.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

enum {
	OPT_CHECK = OPT__CLI_MAX + 1,
	OPT_DIFF,
	OPT_JRE,
};

static const struct option ensure_options[] = {
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "dry-run", no_argument, NULL, OPT_CHECK },
	{ "diff", no_argument, NULL, OPT_DIFF },
	{ "jre", required_argument, NULL, OPT_JRE },
	CLI_STEP_CACERTS,
	CLI_STEP_CACERTS_PASS,
	{ NULL, 0, NULL, 0 }
};

struct ensure_args {
	bool		 check;
	bool		 diff;
	const char	*jre;
};

static int
ensure_option(struct cmd_ctx *c, int ch, char *arg)
{
	struct ensure_args	*a = c->data;

	switch (ch) {
	case OPT_CHECK:
		a->check = true;
		break;
	case OPT_DIFF:
		a->diff = true;
		break;
	case OPT_JRE:
		a->jre = arg;
		break;
	}
	return (0);
}

/* Lines of a that b lacks, with mark (a set difference, in a's order). */
static void
ensure_diff_side(FILE *f, const char *a, const char *b, char mark)
{
	const char	*p, *nl, *q, *qnl;
	size_t		 n;
	bool		 found;

	for (p = a; *p != '\0'; p = nl != NULL ? nl + 1 : p + n) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		found = false;
		for (q = b; *q != '\0' && !found; q = qnl != NULL ? qnl + 1 :
		    q + strlen(q)) {
			qnl = strchr(q, '\n');
			if ((size_t)(qnl != NULL ? qnl - q : (ptrdiff_t)
			    strlen(q)) == n && memcmp(p, q, n) == 0)
				found = true;
		}
		if (!found)
			fprintf(f, "%c%.*s\n", mark, (int)n, p);
		if (nl == NULL)
			break;
	}
}

static void
ensure_text(FILE *f, const struct ensure_result *r, bool check)
{
	const struct ensure_action	*a;
	size_t				 i, j;

	for (i = 0; i < r->nactions; i++) {
		a = &r->actions[i];
		fprintf(f, "%-8s %-8s %s\n", a->changed ? (check ?
		    "change" : "changed") : "ok", a->name, a->summary);
		for (j = 0; j < a->nnotes; j++)
			fprintf(f, "         note: %s\n",
			    a->notes[j]);
		if (a->before != NULL && a->after != NULL) {
			fprintf(f, "--- %s (before)\n+++ %s "
			    "(after)\n", a->target, a->target);
			ensure_diff_side(f, a->before, a->after, '-');
			ensure_diff_side(f, a->after, a->before, '+');
		}
	}
	fprintf(f, "%s\n", r->changed ? (check ? "would change (check: nothing "
	    "written)" : "changed") : "nothing to change");
}

static json_t *
ensure_json(const struct ensure_result *r, bool diff)
{
	const struct ensure_action	*a;
	json_t				*j, *arr, *o, *notes, *d;
	size_t				 i, k;

	arr = json_array();
	for (i = 0; i < r->nactions; i++) {
		a = &r->actions[i];
		o = json_object();
		json_object_set_new(o, "action", json_string(a->name));
		json_object_set_new(o, "target", out_json_cstr(a->target));
		json_object_set_new(o, "changed", json_boolean(a->changed));
		json_object_set_new(o, "summary", out_json_cstr(a->summary));
		notes = json_array();
		for (k = 0; k < a->nnotes; k++)
			json_array_append_new(notes, out_json_cstr(
			    a->notes[k]));
		json_object_set_new(o, "notes", notes);
		json_object_set_new(o, "backup", a->backup_id != 0 ?
		    json_integer(a->backup_id) : json_null());
		if (diff && a->before != NULL && a->after != NULL) {
			d = json_object();
			json_object_set_new(d, "before_header",
			    out_json_cstr(a->target));
			json_object_set_new(d, "after_header",
			    out_json_cstr(a->target));
			json_object_set_new(d, "before",
			    out_json_cstr(a->before));
			json_object_set_new(d, "after",
			    out_json_cstr(a->after));
			json_object_set_new(o, "diff", d);
		}
		json_array_append_new(arr, o);
	}
	j = json_object();
	json_object_set_new(j, "changed", json_boolean(r->changed));
	json_object_set_new(j, "actions", arr);
	json_object_set_new(j, "findings", cli_json_findings(r->m));
	return (j);
}

/* tlsdeck ensure SPEC.yaml */
static int
cmd_ensure_exec(struct cmd_ctx *c)
{
	struct ensure_args	*a = c->data;
	struct ensure_spec	*s = NULL;
	struct ensure_opts	 o;
	struct ensure_result	 r;
	struct secret		*pass = NULL, *cpass = NULL;
	char			*cause = NULL, *text = NULL;
	size_t			 textlen = 0;
	FILE			*mf;
	int			 rc = EXIT_FAIL;

	memset(&o, 0, sizeof o);
	memset(&r, 0, sizeof r);
	if (ensure_spec_load(c->argv[0], &s, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (cli_pw_given(&c->store) &&
	    cli_password(&c->store, "", false, &pass, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (cli_cacerts_pass(c, &cpass, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	o.storepass = pass;
	o.cacerts_pass = cpass;
	o.jre = a->jre;
	o.cacerts = c->cacerts;
	o.check = a->check;
	o.diff = a->diff;
	o.server_flags = c->server_flags;
	if (ensure_run(s, &o, &r, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (c->fmt == OUT_JSON)
		out_json_dump(ensure_json(&r, a->diff), stdout);
	else {
		/* names come from files: no terminal escapes */
		if ((mf = open_memstream(&text, &textlen)) == NULL) {
			cli_error("out of memory");
			goto out;
		}
		ensure_text(mf, &r, a->check);
		fclose(mf);
		cli_write_safe(stdout, text, textlen);
	}
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	ensure_result_free(&r);
	ensure_spec_free(s);
	free(text);
	secret_free(pass);
	secret_free(cpass);
	free(cause);
	return (rc);
}

const struct cmd_entry cmd_ensure_entry = {
	.name = "ensure",
	.usage = "SPEC.yaml [--check] [--diff] [--format text|json] "
	"[--jre DIR | --cacerts FILE] [--cacerts-pass-env VAR | "
	"--cacerts-pass-file F] [PASSWORD OPTIONS]",
	.summary =
	"Make a server what SPEC.yaml says -- HTTPS with a key pair for its "
	"domains\n"
	"(self-signed, from PEM files, or from an ACME CA), enough days "
	"left, CA\n"
	"certificates trusted in its JRE's cacerts and its own trust store, "
	"settings --\n"
	"changing only what differs, entry by entry\n"
	"(a second run changes nothing).  The keystore's password: "
	"--storepass-env or\n"
	"--storepass-file (else the one its configuration gives); never in "
	"the spec.\n"
	"  --check, --dry-run       say what would change, write nothing\n"
	"  --diff                   show each change (passwords masked)\n"
	"  -f, --format text|json   JSON: {\"changed\", \"actions\", "
	"\"findings\"}\n"
	"Spec: server: DIR (or properties: FILE); https: {domains: [...],\n"
	"keystore, alias, storetype, min-days, days, key: rsa|ec, "
	"port, pem-key,\n"
	"pem-chain, trust, acme}; https.acme: {directory, email, agree-tos,\n"
	"challenge: http-01|webroot|dns-01, http-port, http-address, webroot,\n"
	"dns-hook, dns-wait, ca-file, key, renew-before, "
	"preferred-issuer, restart,\n"
	"verify-timeout, timeout}; ca-files: [...]; trust: {in: "
	"[cacerts, server],\n"
	"certs: [...]}; settings: [{key, value}].",
	.options = ensure_options,
	.flags = CMD_STOREPASS | CMD_FORMAT_HINT,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 1, 1, "SPEC.yaml is missing" },
	.size = sizeof (struct ensure_args),
	.option = ensure_option,
	.exec = cmd_ensure_exec
};

/* SPDX-License-Identifier: ISC */
/*
 * cmd-probe.c -- tlsdeck probe: connect to the server's port (localhost
 * and server.port unless HOST:PORT is given), fetch the chain it serves
 * and say whether it is the keystore's key-alias certificate (a mismatch
 * usually means a restart is pending) and whether the JRE's cacerts
 * trusts it.  Exit 0 only when both hold.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

enum {
	OPT_SNI = OPT__CLI_MAX + 1,
	OPT_TIMEOUT,
};

static const struct option probe_options[] = {
	{ "sni", required_argument, NULL, OPT_SNI },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ NULL, 0, NULL, 0 }
};

/* probe's own options (its ctx->data). */
struct probe_args {
	const char	*sni;
	int		 timeout;	/* ms; 0: the default */
};

/* What the command found out, for both outputs. */
struct probe_report {
	struct server_model	*m;	/* NULL: no configuration */
	char			*model_error; /* why there is none */
	struct probe_result	*r;
	struct keystore		*trust;	/* without a model */
	const char		*trust_path;
	char			*trust_error;
	int			 match;	/* 1, 0, -1 not compared */
	int			 name_ok; /* SNI in SAN: 1, 0, -1 */
	time_t			 now;
	int			 rc;
	const struct finding	*hide;	/* not about this probe */
};

/* -1/0/1 as null/false/true. */
static json_t *
probe_json_tri(int v)
{
	return (v < 0 ? json_null() : json_boolean(v));
}

/* The trust store that was used, or NULL. */
static const char *
probe_trust_path(const struct probe_report *p)
{
	const struct jre_info	*jr;

	if (p->m == NULL)
		return (p->trust != NULL ? p->trust_path : NULL);
	jr = &p->m->jre;
	return (jr->jssecacerts ? jr->jssecacerts_path : jr->cacerts);
}

/* Why trust was not checked. */
static const char *
probe_trust_why(const struct probe_report *p)
{
	if (p->m != NULL)
		return (p->m->jre.trust_error != NULL ?
		    p->m->jre.trust_error : "no cacerts found");
	return (p->trust_error != NULL ? p->trust_error :
	    "no cacerts found");
}

/* The live findings (a model holding only those). */
static void
probe_live_findings(const struct probe_report *p, struct server_model *out)
{
	const struct server_model	*m = p->m;
	size_t				 i;

	memset(out, 0, sizeof *out);
	for (i = 0; m != NULL && i < m->nfindings; i++) {
		if (!probe_code(m->findings[i]->code) ||
		    m->findings[i] == p->hide)
			continue;
		out->findings = xreallocarray(out->findings,
		    out->nfindings + 1, sizeof *out->findings);
		out->findings[out->nfindings++] = m->findings[i];
	}
}

/* The report as one JSON document. */
static json_t *
probe_json(const struct probe_report *p)
{
	const struct probe_result	*r = p->r;
	struct server_model		 live;
	struct ks_entry			*ke;
	json_t				*j, *o, *arr, *cj;
	char				*fp;
	size_t				 i;

	j = json_object();
	json_object_set_new(j, "ok", json_boolean(p->rc == EXIT_OK));
	json_object_set_new(j, "exit", json_integer(p->rc));
	json_object_set_new(j, "host", out_json_cstr(r->host));
	json_object_set_new(j, "port", json_integer(atoi(r->port)));
	json_object_set_new(j, "address", out_json_cstr(r->address));
	json_object_set_new(j, "sni", out_json_cstr(r->sni));
	json_object_set_new(j, "elapsed_ms", json_integer(r->elapsed_ms));
	if (r->error != PROBE_OK) {
		o = json_object();
		json_object_set_new(o, "kind", json_string(
		    probe_error_name(r->error)));
		json_object_set_new(o, "message", out_json_cstr(
		    r->error_msg));
		json_object_set_new(j, "error", o);
	} else
		json_object_set_new(j, "error", json_null());
	json_object_set_new(j, "protocol", out_json_cstr(r->protocol));
	json_object_set_new(j, "cipher", out_json_cstr(r->cipher));
	arr = json_array();
	for (i = 0; i < r->nchain; i++) {
		cj = out_json_cert(r->chain[i], p->now);
		json_array_append_new(arr, cj);
	}
	json_object_set_new(j, "chain", arr);

	o = json_object();
	ke = p->m != NULL ? p->m->served->key_entry : NULL;
	json_object_set_new(o, "properties", out_json_cstr(p->m != NULL ?
	    p->m->properties : NULL));
	json_object_set_new(o, "path", out_json_cstr(p->m != NULL ?
	    p->m->served->path : NULL));
	json_object_set_new(o, "alias", out_json_cstr(p->m != NULL ?
	    p->m->served->alias : NULL));
	if (ke != NULL && ke->nchain > 0) {
		json_object_set_new(o, "subject", out_json_cstr(
		    ke->chain[0]->info.subject));
		fp = cert_fp_hex(cert_sha256(ke->chain[0]), CERT_SHA256_LEN);
		json_object_set_new(o, "sha256", json_string(fp));
		free(fp);
	} else {
		json_object_set_new(o, "subject", json_null());
		json_object_set_new(o, "sha256", json_null());
	}
	json_object_set_new(o, "match", probe_json_tri(p->match));
	json_object_set_new(o, "error", out_json_cstr(p->m == NULL ?
	    p->model_error : p->m->served->ks_error));
	json_object_set_new(j, "keystore", o);

	o = json_object();
	json_object_set_new(o, "cacerts", out_json_cstr(probe_trust_path(p)));
	json_object_set_new(o, "verified", probe_json_tri(r->verified));
	json_object_set_new(o, "error", out_json_cstr(r->verified == 0 ?
	    r->verify_error : r->verified < 0 && r->nchain > 0 ?
	    probe_trust_why(p) : NULL));
	json_object_set_new(o, "alias", out_json_cstr(r->trust_alias));
	json_object_set_new(o, "anchor", out_json_cstr(r->trust_subject));
	json_object_set_new(j, "trust", o);
	json_object_set_new(j, "name_in_san", probe_json_tri(p->name_ok));

	probe_live_findings(p, &live);
	json_object_set_new(j, "findings", cli_json_findings(&live));
	free(live.findings);
	return (j);
}

/* The report as text. */
static void
probe_text(FILE *f, const struct probe_report *p)
{
	const struct probe_result	*r = p->r;
	struct server_model		 live;
	struct ks_entry			*ke;
	struct cert			*c;
	char				 date[32], *fp;
	size_t				 i;

	fprintf(f, "Probe      %s%s%s:%s", strchr(r->host, ':') != NULL ?
	    "[" : "", r->host, strchr(r->host, ':') != NULL ? "]" : "",
	    r->port);
	if (r->address != NULL && strcmp(r->address, r->host) != 0)
		fprintf(f, " (%s)", r->address);
	fprintf(f, ", SNI %s, %ld ms\n", r->sni != NULL ? r->sni : "none",
	    r->elapsed_ms);
	if (r->error != PROBE_OK)
		fprintf(f, "           FAILED: %s\n", r->error_msg);
	else
		fprintf(f, "           %s, %s\n", r->protocol,
		    r->cipher != NULL ? r->cipher : "-");

	if (r->nchain > 0)
		fprintf(f, "\nServed     %zu certificate%s\n", r->nchain,
		    r->nchain == 1 ? "" : "s");
	for (i = 0; i < r->nchain; i++) {
		c = r->chain[i];
		time_iso8601(c->info.not_after, date, sizeof date);
		fp = cert_fp_hex(cert_sha256(c), CERT_SHA256_LEN);
		fprintf(f, "  [%zu] %s\n", i, c->info.subject);
		fprintf(f, "      issuer   %s\n", c->info.issuer);
		fprintf(f, "      until    %s (%ld days left)\n", date,
		    cert_days_left(c, p->now));
		fprintf(f, "      SHA-256  %s\n", fp);
		free(fp);
	}

	if (r->error == PROBE_OK) {
		ke = p->m != NULL ? p->m->served->key_entry : NULL;
		fputc('\n', f);
		if (p->m == NULL)
			fprintf(f, "Keystore   not compared: %s\n",
			    p->model_error);
		else if (ke == NULL || ke->nchain == 0)
			fprintf(f, "Keystore   not compared: %s has no key "
			    "entry \"%s\"%s%s\n", p->m->served->path != NULL ?
			    p->m->served->path : "the keystore",
			    p->m->served->alias != NULL ? p->m->served->alias : "",
			    p->m->served->ks_error != NULL ? ": " : "",
			    p->m->served->ks_error != NULL ? p->m->served->ks_error : "");
		else if (p->match == 1)
			fprintf(f, "Keystore   MATCH: the served certificate "
			    "is \"%s\" of %s\n", ke->alias,
			    p->m->served->path);
		else {
			fp = cert_fp_hex(cert_sha256(ke->chain[0]), CERT_SHA256_LEN);
			fprintf(f, "Keystore   DIFFERS: \"%s\" of %s is\n"
			    "           %s\n           SHA-256  %s\n"
			    "           (restart pending?)\n", ke->alias,
			    p->m->served->path, ke->chain[0]->info.subject,
			    fp);
			free(fp);
		}
		if (r->verified == 1)
			fprintf(f, "Trust      TRUSTED by %s (anchor \"%s\"%s%s"
			    ")\n", probe_trust_path(p), r->trust_subject !=
			    NULL ? r->trust_subject : "?", r->trust_alias !=
			    NULL ? ", alias " : "", r->trust_alias != NULL ?
			    r->trust_alias : "");
		else if (r->verified == 0)
			fprintf(f, "Trust      NOT TRUSTED by %s: %s\n",
			    probe_trust_path(p), r->verify_error);
		else
			fprintf(f, "Trust      not checked: %s\n",
			    probe_trust_why(p));
		if (p->name_ok >= 0)
			fprintf(f, "Name       %s %s in the certificate's "
			    "SAN\n", r->sni, p->name_ok ? "is" : "is NOT");
	}

	probe_live_findings(p, &live);
	if (live.nfindings > 0) {
		fprintf(f, "\nFindings   %zu\n", live.nfindings);
		cli_text_findings(f, &live, "  ");
	}
	free(live.findings);
}

/* Without a configuration: the cacerts of --jre/--cacerts/$JAVA_HOME. */
static void
probe_own_trust(struct probe_report *p, const struct global_opts *g,
    struct jre_cacerts *jc)
{
	char	*how = NULL, *c = NULL;
	bool	 verified;

	if (jre_cacerts_find(g->jre, g->cacerts, jc, &c) != 0) {
		p->trust_error = c;
		return;
	}
	if (cacerts_open(jc->path, &p->trust, NULL, &how, &verified,
	    &c) != 0) {
		p->trust_error = c;
		return;
	}
	p->trust_path = jc->path;
	free(how);
}

/* Parse --timeout: 1..600000 ms. */
static int
probe_timeout_arg(const char *s)
{
	char	*end;
	long	 v;

	if (*s < '0' || *s > '9')
		return (-1);
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 1 || v > 600000)
		return (-1);
	return ((int)v);
}

/*
 * Probe: the server of the model (p->m), or HOST:PORT without one, then
 * compare what it serves with the keystore and the trust store.  p->rc:
 * the exit code.  0, or -1 with *cause (p->r is NULL when nothing was
 * tried).
 */
static int
probe_run(struct probe_report *p, const struct global_opts *g,
    const char *host, char **port, const struct probe_args *a,
    struct jre_cacerts *jc, char **cause)
{
	char	 pbuf[16];
	size_t	 i;
	int	 frc;

	p->now = p->m != NULL ? p->m->now : time(NULL);
	/*
	 * The audit's "nothing listens on server.port" is not about another
	 * port given as HOST:PORT.
	 */
	for (i = 0; p->m != NULL && *port != NULL &&
	    atoi(*port) != p->m->port && i < p->m->nfindings; i++)
		if (strcmp(p->m->findings[i]->code, "port-not-listening") == 0)
			p->hide = p->m->findings[i];
	if (p->m != NULL)
		frc = probe_server(p->m, host, *port, a->sni, a->timeout,
		    &p->r, cause);
	else {
		if (*port == NULL) {
			snprintf(pbuf, sizeof pbuf, "443");
			*port = xstrdup(pbuf);
		}
		frc = probe_fetch(host != NULL ? host : "localhost", *port,
		    a->sni, a->timeout, &p->r, cause);
		if (frc == 0) {
			probe_own_trust(p, g, jc);
			probe_verify(p->r, p->trust, p->now);
		}
	}
	if (frc == 0) {
		if (p->m != NULL && p->m->served->key_entry != NULL &&
		    p->m->served->key_entry->nchain > 0)
			p->match = cert_equal(p->m->served->key_entry->chain[0],
			    p->r->chain[0]);
		if (p->r->sni != NULL)
			p->name_ok = audit_san_matches(p->r->chain[0],
			    p->r->sni);
		/* without a configuration, trust alone decides */
		p->rc = p->r->verified == 1 && (p->m == NULL ||
		    p->match == 1) ? EXIT_OK : EXIT_FAIL;
	} else
		p->rc = EXIT_FAIL;
	return (frc);
}

/* --sni, --timeout */
static int
probe_option(struct cmd_ctx *c, int ch, char *arg)
{
	struct probe_args	*a = c->data;

	switch (ch) {
	case OPT_SNI:
		a->sni = arg;
		break;
	case OPT_TIMEOUT:
		if ((a->timeout = probe_timeout_arg(arg)) < 0)
			return (cmd_usage(c, "bad --timeout (1 to 600000 ms): "
			    "%s", arg));
		break;
	}
	return (0);
}

/* tlsdeck probe */
static int
cmd_probe_exec(struct cmd_ctx *c)
{
	struct probe_args	*a = c->data;
	struct server_opts	 so;
	struct probe_report	 p;
	struct jre_cacerts	 jc;
	char			*host = NULL, *port = NULL, *cause = NULL;
	char			*text = NULL;
	size_t			 textlen = 0;
	FILE			*mf;
	int			 rc = EXIT_FAIL, frc;

	memset(&p, 0, sizeof p);
	memset(&jc, 0, sizeof jc);
	p.match = p.name_ok = -1;
	if (c->argc > 0 &&
	    probe_parse_target(c->argv[0], &host, &port, &cause) != 0) {
		rc = cli_usage(c->entry, "%s", cause);
		goto out;
	}
	switch (cli_server_opts(&c->g, c->server_flags, &so, NULL, &cause)) {
	case -2:
		rc = cli_usage(c->entry, "%s", cause);
		goto out;
	case -1:
		cli_error("%s", cause);
		goto out;
	}

	/* The configuration is needed unless HOST:PORT says where. */
	if (server_model_load(&so, &p.m, &cause) != 0) {
		if (port == NULL) {
			cli_error("probe: %s (give HOST:PORT to probe "
			    "without one)", cause);
			goto out;
		}
		p.model_error = cause;
		cause = NULL;
	}
	frc = probe_run(&p, &c->g, host, &port, a, &jc, &cause);
	if (p.r == NULL) {		/* nothing was tried */
		cli_error("probe: %s", cause);
		rc = EXIT_FAIL;
		goto out;
	}
	/* Names come from the network: no terminal escapes get through. */
	if (c->fmt == OUT_JSON)
		out_json_dump(probe_json(&p), stdout);
	else {
		if ((mf = open_memstream(&text, &textlen)) == NULL) {
			cli_error("out of memory");
			goto out;
		}
		probe_text(mf, &p);
		fclose(mf);
		cli_write_safe(stdout, text, textlen);
		free(text);
	}
	if (frc != 0)
		cli_error("probe: %s", cause);
	rc = fflush(stdout) == 0 ? p.rc : EXIT_FAIL;
out:
	probe_result_free(p.r);
	server_model_free(p.m);
	keystore_free(p.trust);
	jre_cacerts_done(&jc);
	free(p.model_error);
	free(p.trust_error);
	free(host);
	free(port);
	free(cause);
	return (rc);
}

const struct cmd_entry cmd_probe_entry = {
	.name = "probe",
	.usage = CLI_GLOBAL_USAGE " [HOST:PORT] [--sni NAME] [--timeout MS] "
	"[--format text|json]",
	.summary =
	"Connect to the server's port (localhost and server.port by default), "
	"fetch the certificate chain it serves, and compare it with the "
	"keystore's key-alias certificate and the JRE's cacerts.  Exit 0 when "
	"it matches and is trusted, 1 otherwise.",
	.options = probe_options,
	.flags = CMD_GLOBAL | CMD_NAME_EXTRA,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 0, 1, NULL },
	.size = sizeof (struct probe_args),
	.option = probe_option,
	.exec = cmd_probe_exec
};

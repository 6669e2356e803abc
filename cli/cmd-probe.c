/* SPDX-License-Identifier: ISC */
/*
 * cmd-probe.c -- tlsdeck probe: connect to the server's port (localhost
 * and server.port unless HOST:PORT is given), fetch the chain it serves
 * and say whether it is the keystore's key-alias certificate (a mismatch
 * usually means a restart is pending) and whether the JRE's cacerts
 * trusts it; a server with a certificate per name (Tomcat's host configs,
 * a Jetty keystore's entries) is probed once for each name.  Exit 0 only
 * when every probe matches and is trusted.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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

/* One more name probed (a host config or keystore entry of its own). */
struct probe_host {
	struct probe_result	*r;		/* NULL: not fetched */
	char			*error;
	int			 match;
	struct key_material	*mat;		/* what should answer */
	struct ks_entry		*entry;
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
	struct key_material	*xmat;	/* what should answer the probe */
	struct ks_entry		*xentry;
	struct probe_host	*hosts;	/* the other names */
	size_t			 nhosts;
	const char		**names;
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

/* One more name probed, as JSON. */
static json_t *
probe_json_host(const struct probe_report *p, size_t i)
{
	const struct probe_host	*h = &p->hosts[i];
	json_t			*o;
	char			*fp;

	o = json_object();
	json_object_set_new(o, "sni", json_string(p->names[i]));
	json_object_set_new(o, "match", probe_json_tri(h->match));
	json_object_set_new(o, "error", out_json_cstr(h->error));
	json_object_set_new(o, "path", out_json_cstr(h->mat != NULL ?
	    h->mat->path : NULL));
	json_object_set_new(o, "alias", out_json_cstr(h->entry != NULL ?
	    h->entry->alias : NULL));
	if (h->r != NULL && h->r->nchain > 0) {
		json_object_set_new(o, "subject", out_json_cstr(
		    h->r->chain[0]->info.subject));
		fp = cert_fp_hex(cert_sha256(h->r->chain[0]), 32);
		json_object_set_new(o, "sha256", json_string(fp));
		free(fp);
		json_object_set_new(o, "verified", probe_json_tri(
		    h->r->verified));
	} else {
		json_object_set_new(o, "subject", json_null());
		json_object_set_new(o, "sha256", json_null());
		json_object_set_new(o, "verified", json_null());
	}
	return (o);
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
	json_object_set_new(j, "kind", p->m != NULL && p->m->kind != NULL ?
	    json_string(p->m->kind->name) : json_null());
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
	ke = p->m != NULL ? p->xentry : NULL;
	json_object_set_new(o, "properties", out_json_cstr(p->m != NULL ?
	    p->m->properties : NULL));
	json_object_set_new(o, "path", out_json_cstr(p->m != NULL ?
	    p->xmat->path : NULL));
	json_object_set_new(o, "alias", out_json_cstr(p->m != NULL ?
	    (ke != NULL ? ke->alias : p->xmat->alias) : NULL));
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
	    p->model_error : p->xmat->ks_error));
	json_object_set_new(j, "keystore", o);
	arr = json_array();
	for (i = 0; i < p->nhosts; i++)
		json_array_append_new(arr, probe_json_host(p, i));
	json_object_set_new(j, "hosts", arr);

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
		ke = p->m != NULL ? p->xentry : NULL;
		fputc('\n', f);
		if (p->m == NULL)
			fprintf(f, "Keystore   not compared: %s\n",
			    p->model_error);
		else if (ke == NULL || ke->nchain == 0)
			fprintf(f, "Keystore   not compared: %s has no key "
			    "entry \"%s\"%s%s\n", p->xmat->path != NULL ?
			    p->xmat->path : "the keystore",
			    p->xmat->alias != NULL ? p->xmat->alias : "",
			    p->xmat->ks_error != NULL ? ": " : "",
			    p->xmat->ks_error != NULL ? p->xmat->ks_error : "");
		else if (p->match == 1)
			fprintf(f, "Keystore   MATCH: the served certificate "
			    "is \"%s\" of %s\n", ke->alias, p->xmat->path);
		else {
			fp = cert_fp_hex(cert_sha256(ke->chain[0]),
			    CERT_SHA256_LEN);
			fprintf(f, "Keystore   DIFFERS: \"%s\" of %s is\n"
			    "           %s\n           SHA-256  %s\n"
			    "           (%s pending?)\n", ke->alias,
			    p->xmat->path, ke->chain[0]->info.subject,
			    fp, p->xmat->reload_on_update ? "reload" :
			    "restart");
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
	for (i = 0; i < p->nhosts; i++) {
		const struct probe_host	*h = &p->hosts[i];

		fprintf(f, "Host       %s  ", p->names[i]);
		if (h->r == NULL || h->r->nchain == 0)
			fprintf(f, "FAILED: %s\n", h->error != NULL ?
			    h->error : "nothing served");
		else if (h->match == 1)
			fprintf(f, "MATCH: \"%s\" of %s\n", h->entry->alias,
			    h->mat->path);
		else if (h->match == 0)
			fprintf(f, "DIFFERS: serves \"%s\", not \"%s\" of "
			    "%s\n", h->r->chain[0]->info.subject,
			    h->entry->alias, h->mat->path);
		else
			fprintf(f, "serves \"%s\" (not compared)\n",
			    h->r->chain[0]->info.subject);
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

/* Probe each other name the server answers (host configs, keystore
 * entries chosen by SNI) on the same address and port. */
static void
probe_each_name(struct probe_report *p, int timeout)
{
	struct probe_host	*h;
	char			*c;
	size_t			 i, n;

	n = probe_names(p->m, &p->names);
	p->hosts = xcalloc(n + 1, sizeof *p->hosts);
	for (i = 0; i < n; i++) {
		if (p->r->sni != NULL && strcasecmp(p->names[i],
		    p->r->sni) == 0) {
			/* the main probe sent it already */
			memmove(&p->names[i], &p->names[i + 1],
			    (n - i - 1) * sizeof *p->names);
			n--;
			i--;
			continue;
		}
		h = &p->hosts[p->nhosts++];
		c = NULL;
		h->match = -1;
		if (probe_fetch(p->r->host, p->r->port, p->names[i], timeout,
		    &h->r, &c) != 0) {
			h->error = c;
			p->rc = EXIT_FAIL;
			continue;
		}
		probe_verify(h->r, p->m->jre.trust, p->now);
		(void)probe_compare(h->r, p->m);
		h->match = probe_match(p->m, h->r, &h->mat, &h->entry);
		if (h->match != 1 || h->r->verified != 1)
			p->rc = EXIT_FAIL;
	}
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
	if (p->m != NULL) {
		p->xmat = p->m->served;
		p->xentry = p->m->served->key_entry;
	}
	if (frc == 0) {
		if (p->m != NULL)
			p->match = probe_match(p->m, p->r, &p->xmat,
			    &p->xentry);
		if (p->r->sni != NULL)
			p->name_ok = audit_san_matches(p->r->chain[0],
			    p->r->sni);
		/* without a configuration, trust alone decides */
		p->rc = p->r->verified == 1 && (p->m == NULL ||
		    p->match == 1) ? EXIT_OK : EXIT_FAIL;
		/* every name the server answers separately */
		if (p->m != NULL && a->sni == NULL)
			probe_each_name(p, a->timeout);
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

/*
 * The server reloads its key material itself and its files changed just
 * now: wait out the quiet period and a margin before looking at what it
 * serves, and say so.
 */
static void
probe_settle(const struct server_model *m)
{
	struct km_apply	 ap;
	struct timespec	 ts, rq;
	long		 ms;

	if (m == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	ms = key_material_settle_ms(m->served, (int64_t)ts.tv_sec * 1000 +
	    ts.tv_nsec / 1000000);
	if (ms <= 0)
		return;
	key_material_apply(m, m->served, false, &ap);
	cli_note("waiting %ld.%01ld s before probing: %s; its files changed "
	    "just now", ms / 1000, (ms % 1000) / 100, ap.line);
	km_apply_free(&ap);
	rq.tv_sec = ms / 1000;
	rq.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&rq, &rq) == -1 && errno == EINTR)
		;
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
	size_t			 textlen = 0, i;
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
	probe_settle(p.m);
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
	for (i = 0; i < p.nhosts; i++) {
		probe_result_free(p.hosts[i].r);
		free(p.hosts[i].error);
	}
	free(p.hosts);
	free(p.names);
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

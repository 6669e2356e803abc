/* SPDX-License-Identifier: ISC */
/*
 * cmd-scan.c -- tlsdeck scan: every server and every keystore or
 * certificate file under the roots (core/scan.c), as text, JSON or
 * Prometheus' text format; --output replaces a file atomically (for
 * node_exporter's textfile collector).
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

enum {
	OPT_OUTPUT = OPT__CLI_MAX + 1,
	OPT_MAX_DEPTH,
	OPT_WARN_DAYS,
	OPT_CRIT_DAYS,
	OPT_CONFIG,
	OPT_NO_LIVE,
	OPT_THREADS,
	OPT_FILES_ONLY,
};

static const struct option scan_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
	{ "warn-days", required_argument, NULL, OPT_WARN_DAYS },
	{ "crit-days", required_argument, NULL, OPT_CRIT_DAYS },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "no-live", no_argument, NULL, OPT_NO_LIVE },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "files-only", no_argument, NULL, OPT_FILES_ONLY },
	{ NULL, 0, NULL, 0 }
};

/* What the options gave (ctx->data, zeroed: nothing given). */
struct scan_args {
	const char	*output;
	const char	*config;
	int		 max_depth;
	int		 warn_days;
	int		 crit_days;
	int		 threads;
	bool		 given_depth;
	bool		 given_warn;
	bool		 given_crit;
	bool		 no_live;
	bool		 files_only;
};

/* A whole number from 0 to max, or -1. */
static int
scan_number(const char *s, int max)
{
	char	*end;
	long	 v;

	if (*s < '0' || *s > '9')
		return (-1);
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0 || v > max)
		return (-1);
	return ((int)v);
}

static int
scan_option(struct cmd_ctx *c, int ch, char *arg)
{
	struct scan_args	*a = c->data;
	int			 v = 0;

	switch (ch) {
	case 'o':
		a->output = arg;
		return (0);
	case OPT_CONFIG:
		a->config = arg;
		return (0);
	case OPT_NO_LIVE:
		a->no_live = true;
		return (0);
	case OPT_FILES_ONLY:
		a->files_only = true;
		return (0);
	case OPT_MAX_DEPTH:
		if ((v = scan_number(arg, 1000)) < 0)
			return (cmd_usage(c, "--max-depth: %s is not a whole "
			    "number from 0 to 1000", arg));
		a->max_depth = v;
		a->given_depth = true;
		return (0);
	case OPT_THREADS:
		if ((v = scan_number(arg, 8)) < 1)
			return (cmd_usage(c, "--threads: %s is not a whole "
			    "number from 1 to 8", arg));
		a->threads = v;
		return (0);
	case OPT_WARN_DAYS:
	case OPT_CRIT_DAYS:
		if ((v = scan_number(arg, KEYGEN_MAX_DAYS)) < 0)
			return (cmd_usage(c, "--%s: %s is not a whole number "
			    "from 0 to %d", ch == OPT_WARN_DAYS ? "warn-days" :
			    "crit-days", arg, KEYGEN_MAX_DAYS));
		if (ch == OPT_WARN_DAYS) {
			a->warn_days = v;
			a->given_warn = true;
		} else {
			a->crit_days = v;
			a->given_crit = true;
		}
		return (0);
	}
	return (0);
}

/* The message without its leading "PATH: ". */
static const char *
scan_unpath(const char *msg, const char *path)
{
	size_t	n = strlen(path);

	if (msg != NULL && strncmp(msg, path, n) == 0 &&
	    strncmp(msg + n, ": ", 2) == 0)
		return (msg + n + 2);
	return (msg != NULL ? msg : "");
}

/* Counts of a server's findings by severity. */
static void
scan_counts(const struct server_model *m, size_t n[SEV__MAX])
{
	size_t	i;

	memset(n, 0, SEV__MAX * sizeof *n);
	for (i = 0; m != NULL && i < m->nfindings; i++)
		n[m->findings[i]->sev]++;
}

/* One line per server and file, most urgent first. */
static void
scan_text(FILE *f, const struct scan_result *r)
{
	const struct scan_server	*s;
	const struct scan_file		*sf;
	size_t				 i, n[SEV__MAX], ncrit = 0, nwarn = 0;
	char				 when[128];
	enum sev			 sev;

	for (i = 0; i < r->nservers; i++) {
		s = r->servers[i];
		sev = s->sev;
		fprintf(f, "%-8s  %-7s %s: ", out_text_sev(sev), s->kind,
		    s->config);
		if (s->model == NULL) {
			fprintf(f, "cannot be loaded: %s\n",
			    scan_unpath(s->error, s->config));
			continue;
		}
		scan_counts(s->model, n);
		out_text_expiry(when, sizeof when, s->nearest, r->now, false);
		fprintf(f, "%zu critical, %zu warning, nearest expiry %s",
		    n[SEV_CRIT], n[SEV_WARN], when);
		if (s->model->nfindings > 0 && s->model->findings[0]->sev >=
		    SEV_WARN)
			fprintf(f, "; %s", s->model->findings[0]->message);
		fputc('\n', f);
	}
	for (i = 0; i < r->nfiles; i++) {
		sf = r->files[i];
		sev = sf->sev;
		fprintf(f, "%-8s  %-7s %s: ", out_text_sev(sev),
		    sf->format != KS_FMT_UNKNOWN ?
		    ks_format_name(sf->format) : "?", sf->path);
		if (sf->error != SCAN_ERR_NONE && sf->ncerts == 0) {
			fprintf(f, "%s: %s\n", scan_error_name(sf->error),
			    scan_unpath(sf->error_msg, sf->path));
			continue;
		}
		out_text_expiry(when, sizeof when, sf->nearest, r->now,
		    false);
		fprintf(f, "%zu certificate%s%s, nearest expiry %s",
		    sf->ncerts, sf->ncerts == 1 ? "" : "s",
		    sf->verified || sf->passwordless ? "" : " (not verified)",
		    when);
		if (sf->nfindings > 0 && sf->findings[0].sev >= SEV_WARN)
			fprintf(f, "; %s", scan_unpath(sf->findings[0].message,
			    sf->path));
		fputc('\n', f);
	}
	for (i = 0; i < r->nservers; i++) {
		ncrit += r->servers[i]->sev == SEV_CRIT;
		nwarn += r->servers[i]->sev == SEV_WARN;
	}
	for (i = 0; i < r->nfiles; i++) {
		ncrit += r->files[i]->sev == SEV_CRIT;
		nwarn += r->files[i]->sev == SEV_WARN;
	}
	fprintf(f, "%zu server%s, %zu file%s (%zu critical, %zu warning) in "
	    "%zu directories, %.2f s\n", r->nservers, r->nservers == 1 ? "" :
	    "s", r->nfiles, r->nfiles == 1 ? "" : "s", ncrit, nwarn, r->ndirs,
	    r->duration);
}

static json_t *
scan_json_file(const struct scan_file *f, time_t now)
{
	const struct scan_cert		*c;
	const struct scan_finding	*sf;
	json_t				*j, *arr, *o;
	char				*fp;
	size_t				 i;

	(void)now;
	j = json_object();
	json_object_set_new(j, "path", out_json_cstr(f->path));
	json_object_set_new(j, "format", f->format != KS_FMT_UNKNOWN ?
	    json_string(ks_format_name(f->format)) : json_null());
	json_object_set_new(j, "verified", json_boolean(f->verified));
	json_object_set_new(j, "passwordless",
	    json_boolean(f->passwordless));
	json_object_set_new(j, "entries", json_integer(
	    (json_int_t)f->nentries));
	json_object_set_new(j, "status", json_string(out_json_sev(
	    f->sev)));
	if (f->error != SCAN_ERR_NONE) {
		o = json_object();
		json_object_set_new(o, "reason", json_string(
		    scan_error_name(f->error)));
		json_object_set_new(o, "message", out_json_cstr(
		    f->error_msg));
		json_object_set_new(j, "error", o);
	} else
		json_object_set_new(j, "error", json_null());
	json_object_set_new(j, "nearest_expiry", f->nearest != INT64_MAX ?
	    out_json_time(f->nearest) : json_null());
	arr = json_array();
	for (i = 0; i < f->ncerts; i++) {
		c = &f->certs[i];
		o = json_object();
		json_object_set_new(o, "alias", out_json_cstr(c->alias));
		json_object_set_new(o, "type", json_string(ks_etype_name(
		    c->type)));
		json_object_set_new(o, "position", json_integer(
		    (json_int_t)c->position));
		json_object_set_new(o, "subject", out_json_cstr(c->subject));
		json_object_set_new(o, "issuer", out_json_cstr(c->issuer));
		json_object_set_new(o, "serial", out_json_cstr(c->serial));
		json_object_set_new(o, "not_before", out_json_time(
		    c->not_before));
		json_object_set_new(o, "not_after", out_json_time(
		    c->not_after));
		json_object_set_new(o, "days_left", json_integer(
		    c->days_left));
		json_object_set_new(o, "status", json_string(sev_name(
		    c->sev)));
		json_object_set_new(o, "key", out_json_cstr(c->key));
		json_object_set_new(o, "ca", json_boolean(c->ca));
		fp = cert_fp_hex(c->sha256, sizeof c->sha256);
		json_object_set_new(o, "sha256", json_string(fp));
		free(fp);
		json_array_append_new(arr, o);
	}
	json_object_set_new(j, "certificates", arr);
	arr = json_array();
	for (i = 0; i < f->nfindings; i++) {
		sf = &f->findings[i];
		o = json_object();
		json_object_set_new(o, "code", json_string(sf->code));
		json_object_set_new(o, "severity", json_string(sev_name(
		    sf->sev)));
		json_object_set_new(o, "file", out_json_cstr(f->path));
		json_object_set_new(o, "alias", out_json_cstr(sf->alias));
		json_object_set_new(o, "message", out_json_cstr(sf->message));
		json_object_set_new(o, "fix", json_null());
		json_array_append_new(arr, o);
	}
	json_object_set_new(j, "findings", arr);
	return (j);
}

static json_t *
scan_json(const struct scan_result *r)
{
	const struct scan_server	*s;
	json_t				*j, *arr, *o;
	char				 host[HOST_NAME_MAX + 1];
	size_t				 i;

	j = json_object();
	if (gethostname(host, sizeof host) != 0)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	json_object_set_new(j, "host", out_json_cstr(host));
	json_object_set_new(j, "report", json_string("scan"));
	json_object_set_new(j, "time", out_json_time(r->now));
	json_object_set_new(j, "duration_seconds", json_real(r->duration));
	json_object_set_new(j, "status", json_string(out_json_sev(
	    r->worst)));
	o = json_object();
	json_object_set_new(o, "warn_days", json_integer(r->warn_days));
	json_object_set_new(o, "crit_days", json_integer(r->crit_days));
	json_object_set_new(j, "thresholds", o);
	arr = json_array();
	for (i = 0; i < r->nroots; i++)
		json_array_append_new(arr, out_json_cstr(r->roots[i]));
	json_object_set_new(j, "roots", arr);
	json_object_set_new(j, "directories", json_integer(
	    (json_int_t)r->ndirs));
	json_object_set_new(j, "truncated", json_boolean(r->truncated));

	arr = json_array();
	for (i = 0; i < r->nservers; i++) {
		s = r->servers[i];
		if (s->model != NULL)
			o = cli_json_status(s->model, NULL);
		else {
			o = json_object();
			json_object_set_new(o, "status",
			    json_string("critical"));
			json_object_set_new(o, "error", out_json_cstr(
			    s->error));
		}
		json_object_set_new(o, "config", out_json_cstr(s->config));
		json_object_set_new(o, "kind", json_string(s->kind));
		json_object_set_new(o, "dir", out_json_cstr(s->dir));
		json_object_set_new(o, "detected_by", out_json_cstr(s->why));
		json_object_set_new(o, "nearest_expiry", s->nearest !=
		    INT64_MAX ? out_json_time(s->nearest) : json_null());
		json_array_append_new(arr, o);
	}
	json_object_set_new(j, "servers", arr);
	arr = json_array();
	for (i = 0; i < r->nfiles; i++)
		json_array_append_new(arr, scan_json_file(r->files[i],
		    r->now));
	json_object_set_new(j, "files", arr);
	arr = json_array();
	for (i = 0; i < r->nnotes; i++)
		json_array_append_new(arr, out_json_cstr(r->notes[i]));
	json_object_set_new(j, "notes", arr);
	return (j);
}

/* tlsdeck scan [ROOT...] */
static int
cmd_scan_exec(struct cmd_ctx *c)
{
	struct scan_args	*a = c->data;
	struct scan_opts	 o;
	struct scan_result	*r = NULL;
	struct global_opts	 g;
	char			*cause = NULL, *text = NULL;
	size_t			 textlen = 0, i;
	FILE			*mf;
	json_t			*j;
	int			 rc = EXIT_FAIL;

	scan_opts_init(&o);
	memset(&g, 0, sizeof g);
	g.config = a->config;
	if (cli_server_opts(&g, 0, &o.so, NULL, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	/* each server finds its own files and JRE */
	o.so.properties = o.so.server = o.so.jre = o.so.cacerts = NULL;
	if (a->no_live)
		o.so.flags |= SERVER_NO_LIVE;
	if (a->threads > 0)
		o.threads = a->threads;
	if (a->given_depth)
		o.max_depth = a->max_depth;
	if (a->given_warn)
		o.so.warn_days = a->warn_days;
	if (a->given_crit)
		o.so.crit_days = a->crit_days;
	if (o.so.crit_days > o.so.warn_days) {
		rc = cli_usage(c->entry, "the critical threshold (%d days) is "
		    "above the warning threshold (%d days)", o.so.crit_days,
		    o.so.warn_days);
		goto out;
	}
	o.no_servers = a->files_only;
	o.roots = c->argv;
	o.nroots = (size_t)c->argc;

	if (scan_run(&o, &r, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	for (i = 0; i < r->nnotes; i++)
		cli_warn("%s", r->notes[i]);
	if (r->truncated)
		cli_warn("more than %d files: the rest were not read",
		    SCAN_MAX_FILES);

	if (c->fmt == OUT_PROMETHEUS)
		scan_prometheus(r, &text, &textlen);
	else {
		if ((mf = open_memstream(&text, &textlen)) == NULL) {
			cli_error("out of memory");
			goto out;
		}
		if (c->fmt == OUT_JSON) {
			j = scan_json(r);
			out_json_dump(j, mf);
		} else
			scan_text(mf, r);
		fclose(mf);
	}
	if (a->output != NULL) {
		if (scan_write_output(a->output, text, textlen, &cause) != 0) {
			cli_error("%s", cause);
			goto out;
		}
		rc = EXIT_OK;
	} else {
		/* names come from files: no terminal escapes get through */
		if (c->fmt == OUT_TEXT)
			cli_write_safe(stdout, text, textlen);
		else
			fwrite(text, 1, textlen, stdout);
		rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
	}
out:
	free(text);
	scan_result_free(r);
	free(cause);
	return (rc);
}

const struct cmd_entry cmd_scan_entry = {
	.name = "scan",
	.usage = "[ROOT...] [--format text|json|prometheus] [--output FILE] "
	"[--max-depth N] [--warn-days N] [--crit-days N] [--config FILE] "
	"[--no-live] [--files-only]",
	.summary =
	"Find every Java server and every keystore and certificate file "
	"under the ROOTs (without: the running java processes' directories "
	"and the usual install locations).\n"
	"  --format text|json|prometheus  output format (default text: one "
	"line each, most urgent first)\n"
	"  -o, --output FILE        replace FILE atomically (mode 0644), "
	"e.g. for node_exporter's\n"
	"                           textfile collector\n"
	"  --max-depth N            directories below a root (default 16)\n"
	"  --warn-days N, --crit-days N   expiry thresholds (default 30, "
	"14)\n"
	"  --files-only             standalone files only, no servers\n"
	"Servers are opened with the passwords their configuration gives; "
	"other files without a password (JKS unverified).",
	.options = scan_options,
	.flags = CMD_NAME_EXTRA,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON) | OUT_F(OUT_PROMETHEUS),
	.operands = { 0, -1, NULL },
	.size = sizeof (struct scan_args),
	.option = scan_option,
	.exec = cmd_scan_exec
};

/* SPDX-License-Identifier: ISC */
/*
 * cmd-audit.c -- tlsdeck audit: the findings for monitoring.  Exit codes
 * follow the Nagios/Icinga convention (0 OK, 1 WARNING, 2 CRITICAL, 3
 * UNKNOWN); --format prometheus writes the text exposition format for
 * node_exporter's textfile collector.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

#define AUDIT_OK	0
#define AUDIT_WARNING	1
#define AUDIT_CRITICAL	2
#define AUDIT_UNKNOWN	3

enum {
	OPT_WARN_DAYS = OPT__CLI_MAX + 1,
	OPT_CRIT_DAYS,
	OPT_WARN_PERCENT,
	OPT_CRIT_PERCENT,
};

static const struct option audit_options[] = {
	{ "warn-days", required_argument, NULL, OPT_WARN_DAYS },
	{ "crit-days", required_argument, NULL, OPT_CRIT_DAYS },
	{ "warn-percent", required_argument, NULL, OPT_WARN_PERCENT },
	{ "crit-percent", required_argument, NULL, OPT_CRIT_PERCENT },
	{ NULL, 0, NULL, 0 }
};

/* The thresholds given, in the order of the options above (audit's
 * ctx->data). */
struct audit_args {
	int	thr[4];
	bool	given[4];
};

static const char *audit_words[] = { "OK", "WARNING", "CRITICAL",
    "UNKNOWN" };

/* A non-negative integer up to max, or -1. */
static int
audit_number(const char *s, int max)
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

/* Write s as a Prometheus label value: escaped for a terminal first
 * (termesc: valid UTF-8, no controls), then \\ and \" as the format wants. */
static void
audit_prom_label(FILE *f, const char *s)
{
	char	*e, *p;

	e = termesc_str(s, 0);
	for (p = e; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"')
			fputc('\\', f);
		fputc(*p, f);
	}
	free(e);
}

/* The labels of one certificate. */
static void
audit_prom_cert_labels(FILE *f, const struct cert_ref *r)
{
	/* role: the key material's; an anchor from the JRE's cacerts has
	 * none ("cacerts") */
	fputs("{role=\"", f);
	audit_prom_label(f, r->material != NULL ?
	    km_role_name(r->material->role) : "cacerts");
	fputs("\",file=\"", f);
	audit_prom_label(f, r->file);
	fputs("\",alias=\"", f);
	audit_prom_label(f, r->alias);
	fputs("\",subject=\"", f);
	audit_prom_label(f, r->cert->info.subject);
	fputs("\",position=\"", f);
	audit_prom_label(f, r->position);
	fputs("\"}", f);
}

/* The Prometheus text format; m may be NULL (UNKNOWN). */
static void
audit_prometheus(FILE *f, const struct server_model *m, int status)
{
	size_t	i, n[SEV__MAX] = { 0 };
	int	s;

	fputs("# HELP tlsdeck_cert_not_after_seconds Expiry time of a "
	    "certificate (Unix time).\n"
	    "# TYPE tlsdeck_cert_not_after_seconds gauge\n", f);
	for (i = 0; m != NULL && i < m->ncerts; i++) {
		fputs("tlsdeck_cert_not_after_seconds", f);
		audit_prom_cert_labels(f, &m->certs[i]);
		fprintf(f, " %lld\n",
		    (long long)m->certs[i].cert->info.not_after);
	}
	/*
	 * Time left in seconds, Prometheus' base unit (promtool's lint
	 * rejects a "days" metric); divide by 86400 for days.
	 */
	fputs("# HELP tlsdeck_cert_remaining_seconds Seconds until a "
	    "certificate expires (negative once expired).\n"
	    "# TYPE tlsdeck_cert_remaining_seconds gauge\n", f);
	for (i = 0; m != NULL && i < m->ncerts; i++) {
		fputs("tlsdeck_cert_remaining_seconds", f);
		audit_prom_cert_labels(f, &m->certs[i]);
		fprintf(f, " %lld\n",
		    (long long)(m->certs[i].cert->info.not_after -
		    (int64_t)m->now));
	}
	for (i = 0; m != NULL && i < m->nfindings; i++)
		n[m->findings[i]->sev]++;
	fputs("# HELP tlsdeck_findings Audit findings by severity.\n"
	    "# TYPE tlsdeck_findings gauge\n", f);
	for (s = SEV_CRIT; s >= SEV_INFO; s--)
		fprintf(f, "tlsdeck_findings{severity=\"%s\"} %zu\n",
		    sev_name(s), n[s]);
	fputs("# HELP tlsdeck_audit_status Audit result: 0 OK, 1 WARNING, 2 "
	    "CRITICAL, 3 UNKNOWN.\n"
	    "# TYPE tlsdeck_audit_status gauge\n", f);
	fprintf(f, "tlsdeck_audit_status %d\n", status);
}

/* Text: a Nagios-style first line, then one block per finding. */
static void
audit_text(FILE *f, const struct server_model *m, int status)
{
	size_t			 i, n[SEV__MAX] = { 0 };

	for (i = 0; i < m->nfindings; i++)
		n[m->findings[i]->sev]++;
	fprintf(f, "%s - %zu critical, %zu warning(s), %zu info (%s) | "
	    "critical=%zu warning=%zu info=%zu\n", audit_words[status],
	    n[SEV_CRIT], n[SEV_WARN], n[SEV_INFO], m->properties,
	    n[SEV_CRIT], n[SEV_WARN], n[SEV_INFO]);
	cli_text_findings(f, m, "");
}

/* --warn-days, --crit-days, --warn-percent, --crit-percent */
static int
audit_option(struct cmd_ctx *c, int ch, char *arg)
{
	struct audit_args	*a = c->data;
	const struct option	*o;
	int			 v, max;

	max = ch == OPT_WARN_DAYS || ch == OPT_CRIT_DAYS ?
	    KEYGEN_MAX_DAYS : 100;
	if ((v = audit_number(arg, max)) < 0) {
		for (o = audit_options; o->name != NULL; o++)
			if (o->val == ch)
				break;
		return (cmd_usage(c, "--%s: %s is not a whole number from 0 "
		    "to %d", o->name, arg, max));
	}
	a->thr[ch - OPT_WARN_DAYS] = v;
	a->given[ch - OPT_WARN_DAYS] = true;
	return (0);
}

/* Nothing to judge: say so where the monitor looks. */
static int
audit_unknown(int fmt, const char *cause)
{
	json_t	*j;

	cli_error("%s", cause);
	if (fmt == OUT_PROMETHEUS)
		audit_prometheus(stdout, NULL, AUDIT_UNKNOWN);
	else if (fmt == OUT_JSON) {
		j = json_object();
		json_object_set_new(j, "status", json_string("UNKNOWN"));
		json_object_set_new(j, "exit", json_integer(AUDIT_UNKNOWN));
		json_object_set_new(j, "error", json_string(cause));
		out_json_dump(j, stdout);
	} else {
		fputs("UNKNOWN - ", stdout);
		cli_write_safe(stdout, cause, strlen(cause));
		fputc('\n', stdout);
	}
	return (AUDIT_UNKNOWN);
}

/* tlsdeck audit */
static int
cmd_audit_exec(struct cmd_ctx *c)
{
	struct audit_args	*a = c->data;
	struct server_opts	 so;
	struct server_model	*m = NULL;
	json_t			*j;
	char			*cause = NULL, *text;
	size_t			 textlen;
	FILE			*mf;
	int			*thr[4], fmt = c->fmt;
	int			 i, status, rc = AUDIT_UNKNOWN;

	if (cli_server_opts(&c->g, c->server_flags, &so, NULL, &cause) != 0)
		goto unknown;
	thr[0] = &so.warn_days;			/* audit_options' order */
	thr[1] = &so.crit_days;
	thr[2] = &so.warn_percent;
	thr[3] = &so.crit_percent;
	for (i = 0; i < 4; i++) {
		if (a->given[i])
			*thr[i] = a->thr[i];
	}
	if (so.crit_days > so.warn_days) {
		xasprintf(&cause, "the critical threshold (%d days) is above "
		    "the warning threshold (%d days)", so.crit_days,
		    so.warn_days);
		goto unknown;
	}
	if (server_model_load(&so, &m, &cause) != 0)
		goto unknown;
	/* The live look: what the port serves (findings only). */
	if (!(so.flags & SERVER_NO_LIVE))
		probe_audit(m, 0);

	status = audit_exit_code(m);
	if (fmt == OUT_PROMETHEUS)
		audit_prometheus(stdout, m, status);
	else if (fmt == OUT_JSON) {
		j = json_object();
		json_object_set_new(j, "status", json_string(
		    audit_words[status]));
		json_object_set_new(j, "exit", json_integer(status));
		json_object_set_new(j, "properties", json_string(
		    m->properties));
		json_object_set_new(j, "certificates", cli_json_certs(m));
		json_object_set_new(j, "findings", cli_json_findings(m));
		out_json_dump(j, stdout);
	} else {
		/* Names come from files: no terminal escapes get through. */
		if ((mf = open_memstream(&text, &textlen)) == NULL) {
			cli_error("out of memory");
			goto out;
		}
		audit_text(mf, m, status);
		fclose(mf);
		cli_write_safe(stdout, text, textlen);
		free(text);
	}
	rc = fflush(stdout) == 0 ? status : AUDIT_UNKNOWN;
	goto out;

unknown:
	rc = audit_unknown(fmt, cause);
out:
	server_model_free(m);
	free(cause);
	return (rc);
}

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.usage = CLI_GLOBAL_USAGE " [--format text|json|prometheus] "
	"[--warn-days N] [--crit-days N] [--warn-percent P] "
	"[--crit-percent P]",
	.summary =
	"Check the server's HTTPS set-up; exit 0 OK, 1 WARNING, 2 CRITICAL, "
	"3 UNKNOWN (for Nagios/Icinga, or Prometheus' textfile collector).",
	.options = audit_options,
	.flags = CMD_GLOBAL | CMD_NAME_EXTRA,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON) | OUT_F(OUT_PROMETHEUS),
	.operands = { 0, 0, NULL },
	.usage_exit = AUDIT_UNKNOWN,	/* a monitor reads 2 as CRITICAL */
	.size = sizeof (struct audit_args),
	.option = audit_option,
	.exec = cmd_audit_exec
};

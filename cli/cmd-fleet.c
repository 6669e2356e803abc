/* SPDX-License-Identifier: ISC */
/*
 * cmd-fleet.c -- tlsdeck fleet DIR|-: many hosts' status reports (the
 * JSON of status or scan, core/report.c), most urgent first.  On a
 * terminal without --format it opens the fleet view (tui/screen-fleet.c,
 * through tui_main); --format text|json prints them for scripts.
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
	OPT_STALE = OPT__CLI_MAX + 1,
	OPT_THEME,
	OPT_NO_COLOR,
	OPT_ASCII,
};

static const struct option fleet_options[] = {
	{ "stale", required_argument, NULL, OPT_STALE },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ NULL, 0, NULL, 0 }
};

struct fleet_args {
	int		 stale;
	bool		 stale_given;
	const char	*theme;
	bool		 no_color;
	bool		 ascii;
};

static int
fleet_option(struct cmd_ctx *c, int ch, char *arg)
{
	struct fleet_args	*a = c->data;
	char			*end;
	long			 v;

	switch (ch) {
	case OPT_STALE:
		v = *arg >= '0' && *arg <= '9' ? strtol(arg, &end, 10) : -1;
		if (v < 1 || v > 24 * 3650 || *end != '\0')
			return (cmd_usage(c, "--stale: %s is not a whole "
			    "number of hours from 1 to %d", arg, 24 * 3650));
		a->stale = (int)v;
		a->stale_given = true;
		break;
	case OPT_THEME:
		a->theme = arg;
		break;
	case OPT_NO_COLOR:
		a->no_color = true;
		break;
	case OPT_ASCII:
		a->ascii = true;
		break;
	}
	return (0);
}

/* An unreadable report ranks as critical (its error is on stderr). */
static const char *
fleet_status_word(const struct host_report *h)
{
	if (h->error != NULL)
		return ("critical");
	return (out_json_sev(h->sev));
}

static void
fleet_text(FILE *f, const struct fleet *fl, time_t now, int stale)
{
	const struct host_report	*h;
	char				 when[64], rt[24];
	size_t				 i;

	fprintf(f, "%-8s  %-20s %-26s %-8s %-9s %-9s %s\n", "STATUS", "HOST",
	    "NEAREST EXPIRY", "KIND", "JRE", "FINDINGS", "REPORT");
	for (i = 0; i < fl->nhosts; i++) {
		h = fl->hosts[i];
		if (h->error != NULL) {
			fprintf(f, "%-8s  %-20s %s\n", "CRITICAL", h->name,
			    h->error);
			continue;
		}
		out_text_expiry(when, sizeof when, h->nearest, now, true);
		if (h->time > 0) {
			time_iso8601(h->time, rt, sizeof rt);
			rt[16] = '\0';
			rt[10] = ' ';
		} else
			snprintf(rt, sizeof rt, "-");
		fprintf(f, "%-8s  %-20s %-26s %-8s %-9s %-9zu %s%s\n",
		    out_text_sev(h->sev), h->name, when, h->kind != NULL ?
		    h->kind : "-", h->jre != NULL ? h->jre : "-",
		    h->ncrit + h->nwarn, rt, report_stale(h, now, stale) ?
		    " STALE" : "");
	}
}

static json_t *
fleet_json(const struct fleet *fl)
{
	const struct host_report	*h;
	json_t				*j, *arr, *o;
	size_t				 i;

	arr = json_array();
	for (i = 0; i < fl->nhosts; i++) {
		h = fl->hosts[i];
		o = json_object();
		json_object_set_new(o, "name", out_json_cstr(h->name));
		json_object_set_new(o, "status", json_string(
		    fleet_status_word(h)));
		json_object_set_new(o, "nearest_expiry", h->nearest !=
		    INT64_MAX ? out_json_time(h->nearest) : json_null());
		json_object_set_new(o, "kind", out_json_cstr(h->kind));
		json_object_set_new(o, "findings", json_integer(
		    (json_int_t)(h->ncrit + h->nwarn)));
		json_object_set_new(o, "report_time", h->time > 0 ?
		    out_json_time(h->time) : json_null());
		json_array_append_new(arr, o);
	}
	j = json_object();
	json_object_set_new(j, "hosts", arr);
	return (j);
}

/* The fleet view: tui_main with the hidden --fleet options. */
static int
fleet_view(struct cmd_ctx *c, int stale)
{
	struct fleet_args	*a = c->data;
	char			*av[12], num[16];
	int			 ac = 0;

	snprintf(num, sizeof num, "%d", stale);
	av[ac++] = (char *)"tlsdeck";
	av[ac++] = (char *)"--fleet";
	av[ac++] = c->argv[0];
	av[ac++] = (char *)"--fleet-stale";
	av[ac++] = num;
	if (a->theme != NULL) {
		av[ac++] = (char *)"--theme";
		av[ac++] = (char *)a->theme;
	}
	if (a->no_color)
		av[ac++] = (char *)"--no-color";
	if (a->ascii)
		av[ac++] = (char *)"--ascii";
	av[ac] = NULL;
	return (tui_main(ac, av));
}

/* tlsdeck fleet DIR|- */
static int
cmd_fleet_exec(struct cmd_ctx *c)
{
	struct fleet_args	*a = c->data;
	struct fleet		*fl = NULL;
	char			*cause = NULL, *text = NULL;
	size_t			 textlen = 0, i;
	time_t			 now = time(NULL);
	int			 stale, rc = EXIT_FAIL;
	FILE			*mf;

	stale = a->stale_given ? a->stale : REPORT_STALE_HOURS;
	if (!c->fmt_given && isatty(STDOUT_FILENO) &&
	    (isatty(STDIN_FILENO) || strcmp(c->argv[0], "-") == 0))
		return (fleet_view(c, stale));

	if (fleet_load(c->argv[0], STDIN_FILENO, &fl, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	/* one line for each report that could not be read */
	for (i = 0; i < fl->nhosts; i++)
		if (fl->hosts[i]->error != NULL)
			cli_error("%s", fl->hosts[i]->error);
	if (fl->truncated)
		cli_warn("more than %d reports: the rest were not read",
		    REPORT_MAX_HOSTS);
	if (c->fmt == OUT_JSON) {
		out_json_dump(fleet_json(fl), stdout);
	} else {
		if ((mf = open_memstream(&text, &textlen)) == NULL) {
			cli_error("out of memory");
			goto out;
		}
		fleet_text(mf, fl, now, stale);
		fclose(mf);
		/* host names come from files: no terminal escapes */
		cli_write_safe(stdout, text, textlen);
	}
	rc = fflush(stdout) == 0 && fl->nerrors == 0 ? EXIT_OK : EXIT_FAIL;
out:
	free(text);
	free(cause);
	fleet_free(fl);
	return (rc);
}

const struct cmd_entry cmd_fleet_entry = {
	.name = "fleet",
	.usage = "DIR|- [--format text|json] [--stale HOURS] [--theme NAME] "
	"[--no-color] [--ascii]",
	.summary =
	"Many hosts' reports (tlsdeck status or scan --format json, one file "
	"per host in DIR, or a stream of them on standard input with -), "
	"most urgent first.\n"
	"  (no --format, on a terminal)  the fleet view: Enter opens a "
	"host's report, / filters\n"
	"  --format text|json       for scripts\n"
	"  --stale HOURS            reports older than this are stale "
	"(default 24)\n"
	"A report that cannot be read is one line on stderr (exit 1); the "
	"others still show.",
	.options = fleet_options,
	.flags = CMD_NAME_EXTRA,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 1, 1, "DIR (or -) is missing" },
	.size = sizeof (struct fleet_args),
	.option = fleet_option,
	.exec = cmd_fleet_exec
};

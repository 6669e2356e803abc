/* SPDX-License-Identifier: ISC */
/*
 * cmd-status.c -- tlsdeck status: the dashboard's four panels as text or
 * JSON (header, keystore, settings, trust, findings).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

/* The whole model as one JSON document. */
static json_t *
st_json(const struct server_model *m, const struct tlsdeck_config *cfg)
{
	const struct jre_info	*jr = &m->jre;
	const struct setting	*s;
	json_t			*j, *o, *arr, *e;
	char			*fp;
	size_t			 i, k;
	int			 worst = (int)findings_worst(m);

	j = json_object();
	json_object_set_new(j, "status", json_string(worst == SEV_CRIT ?
	    "critical" : worst == SEV_WARN ? "warning" : "ok"));
	json_object_set_new(j, "now", out_json_time(m->now));
	json_object_set_new(j, "properties", out_json_cstr(m->properties));
	json_object_set_new(j, "found_by", out_json_cstr(m->how));
	json_object_set_new(j, "config", out_json_cstr(cfg != NULL ? cfg->files :
	    NULL));
	json_object_set_new(j, "shared_data_path",
	    out_json_cstr(m->shared_data_path));
	json_object_set_new(j, "install_path", out_json_cstr(m->install_path));
	json_object_set_new(j, "port", json_integer(m->port));
	json_object_set_new(j, "listening", m->listening < 0 ? json_null() :
	    json_boolean(m->listening));
	json_object_set_new(j, "listen_pid", m->listen_pid > 0 ?
	    json_integer(m->listen_pid) : json_null());
	json_object_set_new(j, "https", json_boolean(m->ssl));
	json_object_set_new(j, "base_url", out_json_cstr(m->base_url));
	o = json_object();
	json_object_set_new(o, "warn_days", json_integer(m->warn_days));
	json_object_set_new(o, "crit_days", json_integer(m->crit_days));
	json_object_set_new(o, "warn_percent", json_integer(m->warn_percent));
	json_object_set_new(o, "crit_percent", json_integer(m->crit_percent));
	json_object_set_new(j, "thresholds", o);

	/* Keystore panel */
	o = json_object();
	json_object_set_new(o, "path", out_json_cstr(m->keystore_path));
	json_object_set_new(o, "as_written", out_json_cstr(m->keystore_raw));
	json_object_set_new(o, "resolved_how", out_json_cstr(m->keystore_how));
	json_object_set_new(o, "declared_type", out_json_cstr(m->keystore_type));
	json_object_set_new(o, "format", m->ks != NULL ?
	    json_string(ks_format_name(m->ks->format)) : json_null());
	json_object_set_new(o, "verified", json_boolean(m->ks != NULL &&
	    m->ks->verified));
	json_object_set_new(o, "passwordless", json_boolean(m->ks != NULL &&
	    m->ks->passwordless));
	json_object_set_new(o, "error", out_json_cstr(m->ks_error));
	json_object_set_new(o, "key_alias", out_json_cstr(m->key_alias));
	json_object_set_new(o, "key_recovered", json_boolean(
	    m->key_entry != NULL && m->key_entry->pkey != NULL));
	arr = json_array();
	for (i = 0; m->ks != NULL && i < m->ks->nentries; i++) {
		e = out_json_entry(m->ks->entries[i], m->now, false);
		json_object_set_new(e, "served", json_boolean(
		    m->ks->entries[i] == m->key_entry));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "entries", arr);
	json_object_set_new(j, "keystore", o);

	/* Settings panel */
	arr = json_array();
	for (i = 0; i < m->nsettings; i++) {
		s = m->settings[i];
		o = json_object();
		json_object_set_new(o, "key", json_string(s->key));
		json_object_set_new(o, "value", s->secret ?
		    (s->line > 0 ? json_string("********") : json_null()) :
		    out_json_cstr(s->value));
		json_object_set_new(o, "as_written", out_json_cstr(s->raw));
		json_object_set_new(o, "secret", json_boolean(s->secret));
		json_object_set_new(o, "line", s->line > 0 ?
		    json_integer(s->line) : json_null());
		json_object_set_new(o, "count", json_integer(s->count));
		json_object_set_new(o, "status", json_string(
		    sev_name(s->sev)));
		json_object_set_new(o, "check", out_json_cstr(s->check));
		json_array_append_new(arr, o);
	}
	json_object_set_new(j, "settings", arr);

	/* JRE and trust panel */
	o = json_object();
	json_object_set_new(o, "home", out_json_cstr(jr->home));
	json_object_set_new(o, "found_by", out_json_cstr(jr->how));
	json_object_set_new(o, "version", out_json_cstr(jr->version));
	json_object_set_new(o, "major", json_integer(jr->major));
	json_object_set_new(o, "cacerts", out_json_cstr(jr->cacerts));
	json_object_set_new(o, "cacerts_real", out_json_cstr(jr->cacerts_real));
	json_object_set_new(o, "cacerts_symlink",
	    json_boolean(jr->cacerts_symlink));
	json_object_set_new(o, "cacerts_distro",
	    json_boolean(jr->cacerts_distro));
	json_object_set_new(o, "jssecacerts", out_json_cstr(jr->jssecacerts_path));
	json_object_set_new(o, "truststore_format", jr->trust != NULL ?
	    json_string(ks_format_name(jr->trust->format)) : json_null());
	json_object_set_new(o, "truststore_entries", jr->trust != NULL ?
	    json_integer((json_int_t)jr->trust->nentries) : json_null());
	/* How the store was opened ("no password", "changeit", the
	 * defaults file), never a password given or read from a file. */
	json_object_set_new(o, "truststore_opened_with",
	    out_json_cstr(jr->trust_pass_how));
	json_object_set_new(o, "truststore_verified",
	    json_boolean(jr->trust_verified));
	json_object_set_new(o, "error", out_json_cstr(jr->trust_error));
	json_object_set_new(j, "jre", o);

	o = json_object();
	json_object_set_new(o, "trusted", json_boolean(m->trusted));
	json_object_set_new(o, "alias", out_json_cstr(m->trusted_alias));
	json_object_set_new(o, "note", out_json_cstr(m->trust_note));
	json_object_set_new(o, "complete", json_boolean(m->chain_complete));
	arr = json_array();
	for (k = 0; k < m->nchain; k++) {
		e = json_object();
		json_object_set_new(e, "subject",
		    out_json_cstr(m->chain[k]->info.subject));
		json_object_set_new(e, "issuer",
		    out_json_cstr(m->chain[k]->info.issuer));
		fp = cert_fp_hex(cert_sha256(m->chain[k]), CERT_SHA256_LEN);
		json_object_set_new(e, "sha256", json_string(fp));
		free(fp);
		json_object_set_new(e, "sent", json_boolean(k < m->nsent));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "chain", arr);
	json_object_set_new(j, "trust", o);

	json_object_set_new(j, "certificates", cli_json_certs(m));
	json_object_set_new(j, "findings", cli_json_findings(m));
	return (j);
}

/* Print s, or "-" when NULL. */
static const char *
st_or(const char *s)
{
	return (s != NULL ? s : "-");
}

/* The four panels as text. */
static void
st_text(FILE *f, const struct server_model *m)
{
	const struct jre_info	*jr = &m->jre;
	const struct setting	*s;
	struct ks_entry		*e;
	size_t			 i, k, n[SEV__MAX] = { 0 };
	char			 date[32];

	for (i = 0; i < m->nfindings; i++)
		n[m->findings[i]->sev]++;
	fprintf(f, "Server     %s  (%s)\n", m->properties, st_or(m->how));
	fprintf(f, "           sharedDataPath %s, installPath %s\n",
	    st_or(m->shared_data_path), st_or(m->install_path));
	fprintf(f, "           port %d, %s%s, base URL %s\n", m->port,
	    m->ssl ? "HTTPS" : "HTTP", m->listening == 1 ? ", listening" :
	    m->listening == 0 ? ", NOT listening" : "", st_or(m->base_url));
	if (jr->home != NULL || jr->cacerts != NULL)
		fprintf(f, "JRE        %s %s  (%s)\n", st_or(jr->version),
		    st_or(jr->home), st_or(jr->how));
	else
		fprintf(f, "JRE        not found\n");
	fprintf(f, "Status     %s: %zu critical, %zu warning(s), %zu info\n",
	    out_text_sev(findings_worst(m)), n[SEV_CRIT], n[SEV_WARN],
	    n[SEV_INFO]);

	fprintf(f, "\nKeystore   %s", st_or(m->keystore_path));
	if (m->ks != NULL)
		fprintf(f, "  %s, %zu entr%s%s\n", ks_format_name(
		    m->ks->format), m->ks->nentries, m->ks->nentries == 1 ?
		    "y" : "ies", m->ks->verified || m->ks->passwordless ? "" :
		    " (not verified)");
	else
		fprintf(f, "  (%s)\n", st_or(m->ks_error));
	for (i = 0; m->ks != NULL && i < m->ks->nentries; i++) {
		e = m->ks->entries[i];
		fprintf(f, "  %s %s  %s", e == m->key_entry ? "*" : " ",
		    e->alias, ks_etype_name(e->type));
		if (e->nchain > 0)
			fprintf(f, "  %s", e->chain[0]->info.key);
		fputc('\n', f);
		for (k = 0; k < e->nchain; k++) {
			time_iso8601(e->chain[k]->info.not_after, date,
			    sizeof date);
			fprintf(f, "      %s%s  until %s (%ld days)\n",
			    k > 0 ? "<- " : "", e->chain[k]->info.subject,
			    date, cert_days_left(e->chain[k], m->now));
		}
	}

	fprintf(f, "\nSettings   %s\n", m->properties);
	for (i = 0; i < m->nsettings; i++) {
		s = m->settings[i];
		fprintf(f, "  %-8s  %-30s %-34s %s", out_text_sev(s->sev),
		    s->key, s->secret ? (s->line > 0 ? "********" : "-") :
		    st_or(s->value), st_or(s->check));
		if (s->line > 0)
			fprintf(f, "  (line %d)", s->line);
		fputc('\n', f);
	}

	fprintf(f, "\nTrust      %s", st_or(jr->jssecacerts ?
	    jr->jssecacerts_path : jr->cacerts));
	if (jr->trust != NULL)
		fprintf(f, "  %s, %zu entries, %s\n", ks_format_name(
		    jr->trust->format), jr->trust->nentries,
		    jr->trust_pass_how != NULL ? jr->trust_pass_how :
		    "password unknown");
	else
		fputc('\n', f);
	if (jr->cacerts_symlink)
		fprintf(f, "  symlink to %s%s\n", st_or(jr->cacerts_real),
		    jr->cacerts_distro ? " (ca-certificates-java)" : "");
	for (k = 0; k < m->nchain; k++)
		fprintf(f, "  %s%s%s\n", k > 0 ? "<- " : "",
		    m->chain[k]->info.subject, k < m->nsent ? "" :
		    "  (not sent)");
	fprintf(f, "  %s\n", st_or(m->trust_note));

	fprintf(f, "\nFindings   %zu\n", m->nfindings);
	cli_text_findings(f, m, "  ");
}

/* tlsdeck status */
static int
cmd_status_exec(struct cmd_ctx *c)
{
	struct server_opts	 so;
	struct tlsdeck_config	*cfg = NULL;
	struct server_model	*m = NULL;
	char			*cause = NULL, *text;
	size_t			 textlen;
	FILE			*mf;
	int			 rc = EXIT_FAIL;

	switch (cli_server_opts(&c->g, c->server_flags, &so, &cfg, &cause)) {
	case -2:
		rc = cli_usage(c->entry, "%s", cause);
		goto out;
	case -1:
		cli_error("%s", cause);
		goto out;
	}
	if (server_model_load(&so, &m, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	/* The live look: what the port serves (findings only). */
	if (!(so.flags & SERVER_NO_LIVE))
		probe_audit(m, 0);
	if (c->fmt == OUT_JSON)
		out_json_dump(st_json(m, cfg), stdout);
	else {
		/* Names come from files: no terminal escapes get through. */
		if ((mf = open_memstream(&text, &textlen)) == NULL) {
			cli_error("out of memory");
			goto out;
		}
		st_text(mf, m);
		fclose(mf);
		cli_write_safe(stdout, text, textlen);
		free(text);
	}
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	server_model_free(m);
	config_free(cfg);
	free(cause);
	return (rc);
}

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.usage = CLI_GLOBAL_USAGE " [--format text|json]",
	.summary =
	"Show what the dashboard shows: the server, its keystore, the SSL "
	"settings, the JRE's trust and the findings.",
	.flags = CMD_GLOBAL | CMD_NAME_EXTRA,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 0, 0, NULL },
	.exec = cmd_status_exec
};

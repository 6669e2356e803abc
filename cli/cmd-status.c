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

/* A string array (NULL-safe). */
static json_t *
st_json_strings(char *const *v, size_t n)
{
	json_t	*arr = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, out_json_cstr(v[i]));
	return (arr);
}

/* One key material: what the keystore panel shows, and where it comes
 * from.  Passwords never appear. */
static json_t *
st_json_material(const struct server_model *m,
    const struct key_material *mat)
{
	json_t	*o, *arr, *e;
	char	*fp, mode[16];
	size_t	 i, k;

	o = json_object();
	json_object_set_new(o, "role", json_string(km_role_name(mat->role)));
	json_object_set_new(o, "name", out_json_cstr(mat->name));
	json_object_set_new(o, "where", json_string(km_where_name(
	    mat->where)));
	json_object_set_new(o, "path", out_json_cstr(mat->path));
	json_object_set_new(o, "as_written", out_json_cstr(mat->raw));
	json_object_set_new(o, "resolved_how", out_json_cstr(mat->how));
	json_object_set_new(o, "declared_type",
	    out_json_cstr(mat->declared_type));
	json_object_set_new(o, "format", mat->ks != NULL ?
	    json_string(ks_format_name(mat->ks->format)) : json_null());
	json_object_set_new(o, "verified", json_boolean(mat->ks != NULL &&
	    mat->ks->verified));
	json_object_set_new(o, "passwordless", json_boolean(mat->ks != NULL &&
	    mat->ks->passwordless));
	json_object_set_new(o, "error", out_json_cstr(mat->ks_error));
	json_object_set_new(o, "key_alias", out_json_cstr(mat->alias));
	json_object_set_new(o, "key_recovered", json_boolean(
	    mat->key_entry != NULL && mat->key_entry->pkey != NULL));
	json_object_set_new(o, "certificate_file", out_json_cstr(
	    mat->cert_path));
	json_object_set_new(o, "private_key_file", out_json_cstr(
	    mat->key_path));
	json_object_set_new(o, "configured_by", st_json_strings(
	    mat->configured_by, mat->nconfigured_by));
	json_object_set_new(o, "renewable", json_boolean(mat->renewable));
	json_object_set_new(o, "not_renewable", out_json_cstr(
	    mat->not_renewable));
	json_object_set_new(o, "hosts", st_json_strings(mat->hosts,
	    mat->nhosts));
	json_object_set_new(o, "port", mat->port > 0 ?
	    json_integer(mat->port) : json_null());
	json_object_set_new(o, "reload_on_update", json_boolean(
	    mat->reload_on_update));
	json_object_set_new(o, "quiet_period_ms", mat->reload_on_update ?
	    json_integer(mat->quiet_period_ms) : json_null());
	snprintf(mode, sizeof mode, "%04o", mat->mode);
	json_object_set_new(o, "mode", mat->uid >= 0 ? json_string(mode) :
	    json_null());
	json_object_set_new(o, "uid", mat->uid >= 0 ?
	    json_integer(mat->uid) : json_null());
	json_object_set_new(o, "gid", mat->gid >= 0 ?
	    json_integer(mat->gid) : json_null());
	json_object_set_new(o, "served", json_boolean(mat == m->served));
	arr = json_array();
	for (i = 0; mat->ks != NULL && i < mat->ks->nentries; i++) {
		e = out_json_entry(mat->ks->entries[i], m->now, false);
		json_object_set_new(e, "served", json_boolean(
		    mat->ks->entries[i] == mat->key_entry));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "entries", arr);
	arr = json_array();
	for (k = 0; k < mat->nchain; k++) {
		e = json_object();
		json_object_set_new(e, "subject",
		    out_json_cstr(mat->chain[k]->info.subject));
		json_object_set_new(e, "issuer",
		    out_json_cstr(mat->chain[k]->info.issuer));
		fp = cert_fp_hex(cert_sha256(mat->chain[k]), 32);
		json_object_set_new(e, "sha256", json_string(fp));
		free(fp);
		json_object_set_new(e, "sent", json_boolean(k < mat->nsent));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "chain", arr);
	json_object_set_new(o, "chain_complete", json_boolean(
	    mat->chain_complete));
	json_object_set_new(o, "trusted", json_boolean(mat->trusted));
	json_object_set_new(o, "trusted_alias", out_json_cstr(
	    mat->trusted_alias));
	return (o);
}

/* The sources, highest precedence first. */
static json_t *
st_json_sources(const struct server_model *m)
{
	const struct cfg_source	*src;
	json_t			*arr, *o;
	size_t			 i;

	arr = json_array();
	for (i = 0; i < m->nsources; i++) {
		src = m->sources[i];
		o = json_object();
		json_object_set_new(o, "type", json_string(
		    cfg_src_type_name(src->type)));
		json_object_set_new(o, "label", out_json_cstr(src->label));
		json_object_set_new(o, "path", out_json_cstr(src->path));
		json_object_set_new(o, "format", src->format != CFG_FMT_NONE ?
		    json_string(cfg_format_name(src->format)) : json_null());
		json_object_set_new(o, "profile", out_json_cstr(src->profile));
		json_object_set_new(o, "document", src->doc >= 0 ?
		    json_integer(src->doc) : json_null());
		json_object_set_new(o, "pid", src->pid > 0 ?
		    json_integer(src->pid) : json_null());
		json_object_set_new(o, "precedence",
		    json_integer(src->precedence));
		json_object_set_new(o, "writable", json_boolean(
		    src->writable));
		json_array_append_new(arr, o);
	}
	return (arr);
}

/* The whole model as one JSON document. */
static json_t *
st_json(const struct server_model *m, const struct tlsdeck_config *cfg)
{
	const struct jre_info	*jr = &m->jre;
	const struct setting	*s;
	json_t			*j, *o, *arr, *e;
	char			*fp, mode[16];
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
	json_object_set_new(j, "listen_pid", m->proc.pid > 0 ?
	    json_integer(m->proc.pid) : json_null());
	json_object_set_new(j, "https", json_boolean(m->ssl));
	json_object_set_new(j, "base_url", out_json_cstr(m->base_url));
	o = json_object();
	json_object_set_new(o, "warn_days", json_integer(m->warn_days));
	json_object_set_new(o, "crit_days", json_integer(m->crit_days));
	json_object_set_new(o, "warn_percent", json_integer(m->warn_percent));
	json_object_set_new(o, "crit_percent", json_integer(m->crit_percent));
	json_object_set_new(j, "thresholds", o);

	json_object_set_new(j, "kind", m->kind != NULL ?
	    json_string(m->kind->name) : json_null());
	o = json_object();
	json_object_set_new(o, "pid", m->proc.pid > 0 ?
	    json_integer(m->proc.pid) : json_null());
	json_object_set_new(o, "uid", m->proc.pid > 0 && m->proc.uid >= 0 ?
	    json_integer(m->proc.uid) : json_null());
	json_object_set_new(o, "gid", m->proc.pid > 0 && m->proc.gid >= 0 ?
	    json_integer(m->proc.gid) : json_null());
	json_object_set_new(o, "cwd", out_json_cstr(m->proc.cwd));
	json_object_set_new(o, "unit", out_json_cstr(m->proc.unit));
	json_object_set_new(j, "process", o);
	o = json_object();
	json_object_set_new(o, "uid", m->owner.uid >= 0 ?
	    json_integer(m->owner.uid) : json_null());
	json_object_set_new(o, "gid", m->owner.gid >= 0 ?
	    json_integer(m->owner.gid) : json_null());
	snprintf(mode, sizeof mode, "%04o", m->owner.mode);
	json_object_set_new(o, "mode", json_string(mode));
	json_object_set_new(o, "from", out_json_cstr(m->owner.how));
	json_object_set_new(j, "new_files", o);
	json_object_set_new(j, "profiles", st_json_strings(m->profiles,
	    m->nprofiles));
	json_object_set_new(j, "sources", st_json_sources(m));

	/* Keystore panel: the served material; then every material */
	json_object_set_new(j, "keystore", st_json_material(m, m->served));
	arr = json_array();
	for (i = 0; i < m->nmaterials; i++)
		if (m->materials[i]->where != KM_NONE ||
		    m->materials[i]->nconfigured_by > 0)
			json_array_append_new(arr, st_json_material(m,
			    m->materials[i]));
	json_object_set_new(j, "keystores", arr);

	/* Settings panel */
	arr = json_array();
	for (i = 0; i < m->nsettings; i++) {
		s = m->settings[i];
		o = json_object();
		json_object_set_new(o, "key", json_string(s->key));
		json_object_set_new(o, "value", s->secret ?
		    (s->source != NULL ? json_string("********") :
		    json_null()) :
		    out_json_cstr(s->value));
		json_object_set_new(o, "as_written", out_json_cstr(s->raw));
		json_object_set_new(o, "secret", json_boolean(s->secret));
		json_object_set_new(o, "line", s->line > 0 ?
		    json_integer(s->line) : json_null());
		json_object_set_new(o, "count", json_integer(s->count));
		json_object_set_new(o, "status", json_string(
		    sev_name(s->sev)));
		json_object_set_new(o, "check", out_json_cstr(s->check));
		json_object_set_new(o, "source", out_json_cstr(s->source));
		json_object_set_new(o, "overrides", st_json_strings(
		    s->overrides, s->noverrides));
		json_object_set_new(o, "material", cli_json_material_ref(
		    s->material));
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
	json_object_set_new(o, "trusted", json_boolean(m->served->trusted));
	json_object_set_new(o, "alias", out_json_cstr(m->served->trusted_alias));
	json_object_set_new(o, "note", out_json_cstr(m->served->trust_note));
	json_object_set_new(o, "complete", json_boolean(m->served->chain_complete));
	arr = json_array();
	for (k = 0; k < m->served->nchain; k++) {
		e = json_object();
		json_object_set_new(e, "subject",
		    out_json_cstr(m->served->chain[k]->info.subject));
		json_object_set_new(e, "issuer",
		    out_json_cstr(m->served->chain[k]->info.issuer));
		fp = cert_fp_hex(cert_sha256(m->served->chain[k]), CERT_SHA256_LEN);
		json_object_set_new(e, "sha256", json_string(fp));
		free(fp);
		json_object_set_new(e, "sent", json_boolean(k < m->served->nsent));
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
	const struct key_material *mat;
	struct ks_entry		*e;
	size_t			 i, k, n[SEV__MAX] = { 0 };
	char			 date[32];

	for (i = 0; i < m->nfindings; i++)
		n[m->findings[i]->sev]++;
	fprintf(f, "Server     %s  (%s)\n", m->properties, st_or(m->how));
	fprintf(f, "           %s", m->kind != NULL ? m->kind->title :
	    "no server");
	for (i = 0; i < m->nprofiles; i++)
		fprintf(f, "%s%s", i == 0 ? ", profiles " : ",",
		    m->profiles[i]);
	if (m->proc.pid > 0)
		fprintf(f, ", pid %d", m->proc.pid);
	fputc('\n', f);
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

	fprintf(f, "\nKeystore   %s", st_or(m->served->path));
	if (m->served->ks != NULL)
		fprintf(f, "  %s, %zu entr%s%s\n", ks_format_name(
		    m->served->ks->format), m->served->ks->nentries, m->served->ks->nentries == 1 ?
		    "y" : "ies", m->served->ks->verified || m->served->ks->passwordless ? "" :
		    " (not verified)");
	else
		fprintf(f, "  (%s)\n", st_or(m->served->ks_error));
	for (i = 0; m->served->ks != NULL && i < m->served->ks->nentries; i++) {
		e = m->served->ks->entries[i];
		fprintf(f, "  %s %s  %s", e == m->served->key_entry ? "*" : " ",
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

	for (i = 0; i < m->nmaterials; i++) {
		mat = m->materials[i];
		if (mat == m->served || (mat->where == KM_NONE &&
		    mat->nconfigured_by == 0))
			continue;
		fprintf(f, "  %-12s %s%s%s  %s", km_role_name(mat->role),
		    mat->name != NULL ? mat->name : "", mat->name != NULL ?
		    ": " : "", st_or(mat->path), mat->ks != NULL ?
		    ks_format_name(mat->ks->format) : st_or(mat->ks_error));
		if (mat->key_entry != NULL && mat->key_entry->nchain > 0) {
			time_iso8601(mat->key_entry->chain[0]->info.not_after,
			    date, sizeof date);
			fprintf(f, ", \"%s\" until %s", mat->key_entry->alias,
			    date);
		}
		if (!mat->renewable && mat->not_renewable != NULL)
			fprintf(f, " (never renewed: %s)", mat->not_renewable);
		fputc('\n', f);
	}

	fprintf(f, "\nSettings   %s\n", m->properties);
	for (i = 0; i < m->nsettings; i++) {
		s = m->settings[i];
		fprintf(f, "  %-8s  %-30s %-34s %s", out_text_sev(s->sev),
		    s->key, s->secret ? (s->source != NULL ? "********" :
		    "-") : st_or(s->value), st_or(s->check));
		if (s->src != NULL && s->src->main && s->line > 0)
			fprintf(f, "  (line %d)", s->line);
		else if (s->source != NULL)
			fprintf(f, "  (%s)", s->source);
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
	for (k = 0; k < m->served->nchain; k++)
		fprintf(f, "  %s%s%s\n", k > 0 ? "<- " : "",
		    m->served->chain[k]->info.subject, k < m->served->nsent ? "" :
		    "  (not sent)");
	fprintf(f, "  %s\n", st_or(m->served->trust_note));

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

/* SPDX-License-Identifier: ISC */
/* model.c -- the server model's containers: findings and settings rows. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

static const char *sev_names[SEV__MAX] = {
	[SEV_OK] = "ok",
	[SEV_INFO] = "info",
	[SEV_WARN] = "warning",
	[SEV_CRIT] = "critical",
};

const char *
sev_name(enum sev s)
{
	if ((unsigned)s >= SEV__MAX)
		return ("unknown");
	return (sev_names[s]);
}

/* Copy s or keep NULL. */
static char *
model_strdup(const char *s)
{
	return (s == NULL ? NULL : xstrdup(s));
}

/*
 * Escape s (from a properties file or a keystore) for a terminal in place
 * (termesc): a finding is printed as it is, and stays one line.
 */
static void
model_visible(char **s)
{
	char	*e;

	if (!termesc_needed(*s, strlen(*s), 0))
		return;
	e = termesc_str(*s, 0);
	free(*s);
	*s = e;
}

struct finding *
finding_add(struct server_model *m, const char *code, enum sev sev,
    const char *file, int line, const char *alias, int form, const char *fix,
    const char *fmt, ...)
{
	struct finding	*f;
	va_list		 ap;

	f = xcalloc(1, sizeof *f);
	f->code = xstrdup(code);
	f->sev = sev;
	f->file = model_strdup(file);
	f->line = line;
	f->alias = model_strdup(alias);
	f->form = form;
	f->fix = model_strdup(fix);
	va_start(ap, fmt);
	xvasprintf(&f->message, fmt, ap);
	va_end(ap);
	model_visible(&f->message);
	m->findings = xreallocarray(m->findings, m->nfindings + 1,
	    sizeof *m->findings);
	m->findings[m->nfindings++] = f;
	return (f);
}

struct setting *
setting_add(struct server_model *m, const char *key, const char *value,
    bool secret, int line)
{
	struct setting	*s;

	s = xcalloc(1, sizeof *s);
	s->key = xstrdup(key);
	s->value = secret ? NULL : model_strdup(value);
	s->secret = secret;
	s->line = line;
	m->settings = xreallocarray(m->settings, m->nsettings + 1,
	    sizeof *m->settings);
	m->settings[m->nsettings++] = s;
	return (s);
}

void
setting_check(struct setting *s, enum sev sev, const char *check)
{
	s->sev = sev;
	free(s->check);
	s->check = model_strdup(check);
}

/* Insertion sort by descending severity: stable, and lists are short. */
void
findings_sort(struct server_model *m)
{
	struct finding	**out;
	size_t		  count[SEV__MAX + 1], i, s;

	/* A stable counting sort by severity, most severe first: linear
	 * however many findings a hostile file makes. */
	memset(count, 0, sizeof count);
	for (i = 0; i < m->nfindings; i++)
		count[SEV__MAX - 1 - m->findings[i]->sev + 1]++;
	for (s = 1; s <= SEV__MAX; s++)
		count[s] += count[s - 1];
	out = xreallocarray(NULL, m->nfindings + 1, sizeof *out);
	for (i = 0; i < m->nfindings; i++)
		out[count[SEV__MAX - 1 - m->findings[i]->sev]++] =
		    m->findings[i];
	if (m->nfindings != 0)
		memcpy(m->findings, out, m->nfindings * sizeof *out);
	free(out);
}

enum sev
findings_worst(const struct server_model *m)
{
	enum sev	w = SEV_OK;
	size_t		i;

	for (i = 0; i < m->nfindings; i++)
		if (m->findings[i]->sev > w)
			w = m->findings[i]->sev;
	return (w);
}

/* Free the JRE part. */
static void
jre_info_done(struct jre_info *j)
{
	free(j->home);
	free(j->how);
	free(j->version);
	free(j->cacerts);
	free(j->cacerts_real);
	keystore_free(j->trust);
	free(j->trust_error);
	free(j->trust_pass_how);
	free(j->jssecacerts_path);
}

struct server_model *
server_model_new(time_t now)
{
	struct server_model	*m;

	m = xcalloc(1, sizeof *m);
	m->now = now != 0 ? now : time(NULL);
	m->warn_days = SERVER_WARN_DAYS;
	m->crit_days = SERVER_CRIT_DAYS;
	m->port = SERVER_DEFAULT_PORT;
	m->listening = -1;
	return (m);
}

void
server_model_free(struct server_model *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nfindings; i++) {
		free(m->findings[i]->code);
		free(m->findings[i]->file);
		free(m->findings[i]->alias);
		free(m->findings[i]->message);
		free(m->findings[i]->fix);
		free(m->findings[i]->key);
		free(m->findings[i]);
	}
	free(m->findings);
	for (i = 0; i < m->nsettings; i++) {
		free(m->settings[i]->key);
		free(m->settings[i]->value);
		free(m->settings[i]->check);
		free(m->settings[i]->raw);
		free(m->settings[i]);
	}
	free(m->settings);
	jre_info_done(&m->jre);
	keystore_free(m->ks);
	free(m->properties);
	free(m->how);
	free(m->shared_data_path);
	free(m->install_path);
	free(m->base_url);
	free(m->keystore_path);
	free(m->keystore_type);
	free(m->key_alias);
	free(m->ks_error);
	free(m->trusted_alias);
	free(m->trust_note);
	for (i = 0; i < m->ncerts; i++) {
		free(m->certs[i].file);
		free(m->certs[i].alias);
	}
	free(m->certs);
	free(m->chain);
	free(m->keystore_raw);
	free(m->keystore_how);
	props_free(m->props);
	free(m);
}

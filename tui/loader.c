/* SPDX-License-Identifier: ISC */
/*
 * loader.c -- where the dashboard's struct server_model comes from:
 * core's server_model_load() (discovery and audit, core/server.c), with
 * the GLOBAL options and the configuration file.  Two stand-ins, reachable
 * only through hidden options, serve tests and demonstrations:
 *   --demo-model      a fixed, realistic model built in memory, no files
 *                     (core/demo-model.c);
 *   --keystore FILE   a model around one keystore file (password from
 *                     $TLSDECK_STOREPASS, or none), with expiry findings.
 * The screens draw any model.
 */
#include <stdlib.h>

#include "tui.h"

/* Stand-in: a model around one keystore file, expiry findings only. */
static int
loader_keystore(const char *path, struct server_model **mp, char **cause)
{
	struct server_model	*m;
	struct keystore		*ks = NULL;
	struct secret		*pass = NULL;
	struct ks_entry		*e;
	long			 days;
	enum sev		 sev;
	size_t			 i, j;

	if (getenv("TLSDECK_STOREPASS") != NULL &&
	    secret_from_env("TLSDECK_STOREPASS", &pass, cause) != 0)
		return (-1);
	if (keystore_load(path, pass, pass == NULL ? KS_LOAD_NOVERIFY : 0,
	    &ks, cause) != 0) {
		secret_free(pass);
		return (-1);
	}
	secret_free(pass);
	m = server_model_new(0);
	m->how = xstrdup("--keystore");
	m->served->path = xstrdup(path);
	m->served->declared_type = xstrdup(ks_format_name(ks->format));
	m->served->ks = ks;
	for (i = 0; i < ks->nentries; i++) {
		e = ks->entries[i];
		if (e->type == KS_ENTRY_KEY && m->served->key_entry == NULL) {
			m->served->key_entry = e;
			m->served->alias = xstrndup(e->alias, e->alias_len);
		}
		for (j = 0; j < e->nchain; j++) {
			days = cert_days_left(e->chain[j], m->now);
			sev = audit_cert_sev(m, e->chain[j]);
			if (sev == SEV_OK)
				continue;
			if (days < 0)
				finding_add(m, "cert-expired", SEV_CRIT, path,
				    0, e->alias, FORM_GENKEY, "renew it",
				    "%s: certificate %zu expired %ld days ago",
				    e->alias, j + 1, -days);
			else
				finding_add(m, "cert-expiring", sev, path, 0,
				    e->alias, FORM_GENKEY, "renew it",
				    "%s: certificate %zu expires in %ld days",
				    e->alias, j + 1, days);
		}
	}
	findings_sort(m);
	*mp = m;
	return (0);
}

/* Build the server model the options ask for. */
int
tui_model_load(const struct tui_opts *o, struct server_model **mp,
    char **cause)
{
	struct server_opts	so;

	*mp = NULL;
	if (o->demo) {
		*mp = demo_model(0);
		return (0);
	}
	if (o->keystore != NULL)
		return (loader_keystore(o->keystore, mp, cause));

	/* The real thing: discovery, then the audit (core/server.c). */
	server_opts_init(&so);
	so.properties = o->properties;
	so.server = o->server;
	so.jre = o->jre;
	so.cacerts = o->cacerts;
	if (o->no_live)
		so.flags |= SERVER_NO_LIVE;
	config_apply(o->cfg, &so);
	return (server_model_load(&so, mp, cause));
}

/* Make m the model; see tui.h. */
void
tui_set_model(struct tui *t, struct server_model *m)
{
	server_model_free(t->model);
	t->model = m;
	t->model_gen++;
	t->now = m->now != 0 ? m->now : time(NULL);
}

/* Load the model again, keeping the screens; on failure an empty model. */
void
tui_model_reload(struct tui *t)
{
	struct server_model	*m = NULL;
	char			*cause = NULL;

	free(t->load_error);
	t->load_error = NULL;
	if (tui_model_load(&t->opts, &m, &cause) != 0) {
		t->load_error = cause != NULL ? cause : xstrdup("not loaded");
		m = server_model_new(0);
	}
	tui_set_model(t, m);
}

/* Load the model again (r): back to the dashboard first. */
void
tui_reload(struct tui *t)
{
	tui_pop_all(t);
	tui_model_reload(t);
}

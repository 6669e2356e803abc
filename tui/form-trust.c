/* SPDX-License-Identifier: ISC */
/*
 * form-trust.c -- Trust in cacerts: import the server's certificate (the
 * leaf when self-signed, the root of its chain when CA-signed) or a file
 * into the cacerts of the JRE the server runs on.  cacerts' format and
 * password are found by the core (step_trust: none, changeit, the
 * distribution's storepass); a symlinked or distribution-managed file is
 * explained in the plan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

static const char *const tr_sources[] = { "keystore entry", "file", NULL };

struct tr {
	int	 i_src, i_file, i_cacerts, i_alias, i_cpass;
	int	 ks_first, ks_last;	/* the keystore items */
};

struct tr_arg {
	char		*cert_file;
	char		*keystore;
	char		*from_alias;
	struct secret	*from_pass;
	char		*alias;
	char		*cacerts;
	struct secret	*cacerts_pass;
};

/* Is the certificate taken from a file? */
static bool
tr_from_file(struct form *f)
{
	struct tr	*t = form_priv(f);

	return (t->i_src >= 0 && form_get_choice(f, t->i_src) == 1);
}

/* Check: the certificate file (only when it is the source). */
static char *
tr_check_file(struct form *f, int i, enum sev *sev)
{
	if (!tr_from_file(f))
		return (NULL);
	return (form_check_certfiles(f, i, sev));
}

/* Check: cacerts exists; what the core will do with it. */
static char *
tr_check_cacerts(struct form *f, int i, enum sev *sev)
{
	const char	*path = form_get(f, i);
	char		*r = NULL;

	if (*path == '\0') {
		*sev = SEV_CRIT;
		return (xstrdup("the JRE's cacerts file is needed (the JRE "
		    "was not found: give its lib/security/cacerts)"));
	}
	if (access(path, R_OK) != 0) {
		*sev = SEV_CRIT;
		xasprintf(&r, "%s: cannot be read", path);
		return (r);
	}
	if (access(path, W_OK) != 0) {
		*sev = SEV_WARN;
		return (xstrdup("not writable by you: run tlsdeck as the "
		    "JRE's owner (often root)"));
	}
	return (NULL);
}

/* Check: an alias in cacerts that is free (empty: from the CN). */
static char *
tr_check_alias(struct form *f, int i, enum sev *sev)
{
	struct tr	*t = form_priv(f);
	struct keystore	*ks = NULL;
	struct ks_entry	*e;
	char		*r = NULL, *c2 = NULL;

	if (*form_get(f, i) == '\0') {
		*sev = SEV_INFO;
		return (xstrdup("empty: made from the certificate's CN"));
	}
	if (step_cacerts_load(form_get(f, t->i_cacerts), &ks, &c2) != 0) {
		free(c2);
		return (NULL);
	}
	if ((e = keystore_find(ks, form_get(f, i))) != NULL) {
		*sev = SEV_CRIT;
		xasprintf(&r, "cacerts already has an entry \"%s\": choose "
		    "another alias", e->alias);
	}
	keystore_free(ks);
	return (r);
}

/* Add the items. */
static void
tr_init(struct form *f)
{
	struct form_env	*env = form_env(f);
	struct wiz_ctx	*ctx = form_ctx(f);
	struct tr	*t;

	t = xcalloc(1, sizeof *t);
	form_set_priv(f, t);
	t->i_src = t->i_file = t->ks_first = t->ks_last = -1;
	if (ctx != NULL && ctx->alias != NULL) {
		form_note(f, "Certificate", "%s of \"%s\" in %s",
		    ctx->self_signed ? "the self-signed certificate" :
		    "the root of the chain", ctx->alias, ctx->keystore);
	} else {
		t->i_src = form_choice(f, "Certificate from", tr_sources, 0,
		    NULL);
		t->ks_first = (int)form_nitems(f);
		form_add_keystore(f, 0);
		form_add_alias(f, "Key entry", NULL, FKA_KEY | FKA_ASK);
		t->ks_last = (int)form_nitems(f) - 1;
		t->i_file = form_text(f, "or certificate file", "",
		    tr_check_file);
	}
	t->i_cacerts = form_text(f, "cacerts", env->cacerts != NULL ?
	    env->cacerts : "", tr_check_cacerts);
	t->i_alias = form_text(f, "Alias in cacerts", ctx != NULL &&
	    ctx->alias != NULL && ctx->self_signed ? ctx->alias : "",
	    tr_check_alias);
	t->i_cpass = form_password(f, "cacerts password", NULL, NULL);
	form_note(f, "", "empty: none, changeit, then /etc/default/cacerts");
}

/* Free a step's arguments (passwords wiped). */
static void
tr_arg_free(void *p)
{
	struct tr_arg	*a = p;

	if (a == NULL)
		return;
	free(a->cert_file);
	free(a->keystore);
	free(a->from_alias);
	secret_free(a->from_pass);
	free(a->alias);
	free(a->cacerts);
	secret_free(a->cacerts_pass);
	free(a);
}

/* Core options from the arguments. */
static void
tr_opts(const struct tr_arg *a, struct step_trust_opts *o, bool dry)
{
	memset(o, 0, sizeof *o);
	o->cert_file = a->cert_file;
	o->from_keystore = a->keystore;
	o->from_alias = a->from_alias;
	o->from_pass = a->from_pass;
	o->alias = a->alias;
	o->cacerts = a->cacerts;
	o->cacerts_pass = a->cacerts_pass;
	o->dry_run = dry;
}

/* Lines about what a trust step does (or did). */
static void
tr_lines(char ***v, size_t *n, const struct step_result *r,
    const struct step_trust_info *ti, bool done)
{
	size_t	i;

	if (ti->what != NULL)
		fstep_line(v, n, "certificate: %s", ti->what);
	if (ti->already)
		fstep_line(v, n, "already trusted as \"%s\": nothing to "
		    "write", ti->existing_alias != NULL ? ti->existing_alias :
		    "?");
	else if (r->naliases > 0)
		fstep_line(v, n, "%s as \"%s\" into %s (%s, %s)", done ?
		    "imported" : "import it", r->aliases[0], ti->cacerts_real,
		    ks_format_name(r->format), ti->pass_how != NULL ?
		    ti->pass_how : "?");
	for (i = 0; i < r->nnotes; i++)
		fstep_line(v, n, "note: %s", r->notes[i]);
	if (done && r->backup_id != 0)
		fstep_line(v, n, "backup %u of the previous file (tlsdeck "
		    "restore %u)", r->backup_id, r->backup_id);
}

/* The worker: core's trust. */
static int
tr_run(struct fstep *s, atomic_int *cancel, char **cause)
{
	struct tr_arg		*a = s->arg;
	struct step_trust_opts	 o;
	struct step_result	 r;
	struct step_trust_info	 ti;
	int			 rc;

	memset(&r, 0, sizeof r);
	memset(&ti, 0, sizeof ti);
	tr_opts(a, &o, false);
	rc = step_trust(&o, &r, &ti, cause);
	if (rc == 0)
		tr_lines(&s->out, &s->nout, &r, &ti, true);
	step_result_free(&r);
	step_trust_info_free(&ti);
	return (rc);
}

/* The step: a dry run when the certificate exists already. */
static struct fstep *
tr_build(struct form *f, char **cause)
{
	struct tr		*t = form_priv(f);
	struct wiz_ctx		*ctx = form_ctx(f);
	struct tr_arg		*a;
	struct fstep		*s;
	struct step_trust_opts	 o;
	struct step_result	 r;
	struct step_trust_info	 ti;
	const struct secret	*cp;
	bool			 later;

	a = xcalloc(1, sizeof *a);
	if (tr_from_file(f))
		a->cert_file = xstrdup(form_get(f, t->i_file));
	else {
		a->keystore = xstrdup(form_ks_path(f));
		a->from_alias = xstrdup(form_alias(f));
		a->from_pass = secret_dup(form_ks_pass(f));
	}
	if (*form_get(f, t->i_alias) != '\0')
		a->alias = xstrdup(form_get(f, t->i_alias));
	a->cacerts = xstrdup(form_get(f, t->i_cacerts));
	cp = form_get_secret(f, t->i_cpass);
	if (cp->len > 0)
		a->cacerts_pass = secret_dup(cp);

	s = fstep_new("Trust in %s", a->cacerts);
	fstep_writes(s, a, tr_arg_free, tr_run);
	s->restart = true;
	/* In a wizard the certificate may not exist before step 1 runs. */
	later = ctx != NULL && ctx->alias != NULL && (ctx->entry_new ||
	    ctx->kind == WIZ_CA_PART2 || ctx->kind == WIZ_RENEW_CA2);
	if (later) {
		fstep_line(&s->plan, &s->nplan, "import %s of \"%s\" into %s "
		    "as \"%s\"", ctx->self_signed ? "the new self-signed "
		    "certificate" : "the root of the new chain", a->from_alias,
		    a->cacerts, a->alias != NULL ? a->alias :
		    "(from its CN)");
		fstep_line(&s->plan, &s->nplan, "cacerts keeps its format and "
		    "password; a backup of the file first");
		return (s);
	}
	memset(&r, 0, sizeof r);
	memset(&ti, 0, sizeof ti);
	tr_opts(a, &o, true);
	if (step_trust(&o, &r, &ti, cause) != 0) {
		if (ti.need_pass) {
			free(*cause);
			xasprintf(cause, "cacerts: no password opened it: give "
			    "it in \"cacerts password\"");
		}
		step_result_free(&r);
		step_trust_info_free(&ti);
		fstep_free(s);
		return (NULL);
	}
	tr_lines(&s->plan, &s->nplan, &r, &ti, false);
	if (ti.already)
		s->writes = false;
	step_result_free(&r);
	step_trust_info_free(&ti);
	return (s);
}

/* The keystore items do not apply to a file, nor the file to an entry. */
static bool
tr_skip(struct form *f, int i)
{
	struct tr	*t = form_priv(f);

	if (t == NULL || t->i_src < 0)
		return (false);
	if (tr_from_file(f))
		return (i >= t->ks_first && i <= t->ks_last);
	return (i == t->i_file);
}

const struct form_def form_trust_def = {
	.kind = FORM_TRUST,
	.title = "Trust in cacerts",
	.about = "The server's certificate into the cacerts of the JRE it "
	    "runs on.",
	.init = tr_init,
	.build = tr_build,
	.free = form_free_priv,
	.skip = tr_skip,
};

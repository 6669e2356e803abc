/* SPDX-License-Identifier: ISC */
/*
 * form-convert.c -- Convert keystore: a keystore into PKCS#12 (a profile
 * the server's JRE reads) or JKS; for the server's own keystore, its
 * settings switched in the same step (core's step_convert and
 * step_convert_server; docs/formats.md, Converting a keystore).  The plan
 * is core's dry run.  It fixes pkcs12-too-new (the legacy profile) and
 * keystore-jks (migration to PKCS#12).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static const char *const cv_to[] = { "PKCS12", "JKS", NULL };
/* in the order of enum ks_profile from KS_PROFILE_MODERN */
static const char *const cv_profiles[] = { "modern", "legacy",
    "passwordless", NULL };

struct cv {
	int	 i_to, i_profile, i_keypass, i_server;
};

struct cv_arg {
	char		*path;
	struct secret	*pass;
	struct secret	*keypass;	/* NULL: none given */
	enum ks_format	 to;
	enum ks_profile	 profile;
	char		*properties;	/* switch the server's settings */
};

/* Is the form's keystore the server's? */
static bool
cv_is_server(struct form *f)
{
	struct form_env	*env = form_env(f);

	return (env->properties != NULL && env->keystore != NULL &&
	    strcmp(env->keystore, form_ks_path(f)) == 0);
}

/* Check: the profile applies to PKCS12 only. */
static char *
cv_check_profile(struct form *f, int i, enum sev *sev)
{
	struct cv	*c = form_priv(f);
	struct tui	*t = form_tui(f);
	const struct jre_info *j = &t->model->jre;

	if (form_get_choice(f, c->i_to) != 0)
		return (NULL);
	if (form_get_choice(f, i) == 0 && j->major > 0 &&
	    jre_reads_new_pkcs12(j->major, j->update) == 0) {
		*sev = SEV_CRIT;
		return (xstrdup("the server's JRE cannot read it: choose "
		    "legacy"));
	}
	if (form_get_choice(f, i) == 1) {
		*sev = SEV_INFO;
		return (xstrdup("3DES and RC2-40, SHA-1 MAC: for JREs before "
		    "8u301 and 11.0.12"));
	}
	return (NULL);
}

/* Check: switching the settings needs the server's keystore and PKCS12. */
static char *
cv_check_server(struct form *f, int i, enum sev *sev)
{
	struct cv	*c = form_priv(f);

	if (form_get_choice(f, i) != 1)
		return (NULL);
	if (!cv_is_server(f)) {
		*sev = SEV_CRIT;
		return (xstrdup("not the server's keystore: choose no"));
	}
	if (form_get_choice(f, c->i_to) != 0) {
		*sev = SEV_CRIT;
		return (xstrdup("the server is switched to PKCS12 only"));
	}
	*sev = SEV_INFO;
	return (xstrdup("a new .p12 beside the old file; key-store, "
	    "key-store-type and key-password updated"));
}

/* Add the items. */
static void
cv_init(struct form *f)
{
	struct tui	*t = form_tui(f);
	struct form_env	*env = form_env(f);
	const struct jre_info *j = &t->model->jre;
	struct cv	*c;
	int		 prof = 0;

	c = xcalloc(1, sizeof *c);
	form_set_priv(f, c);
	form_add_keystore(f, 0);
	c->i_to = form_choice(f, "Convert to", cv_to, 0, NULL);
	/* The profile the server's JRE reads. */
	if (j->major > 0 && jre_reads_new_pkcs12(j->major, j->update) == 0)
		prof = 1;
	c->i_profile = form_choice(f, "PKCS#12 profile", cv_profiles, prof,
	    cv_check_profile);
	c->i_keypass = form_password(f, "Key password (if own)", NULL, NULL);
	c->i_server = form_choice(f, "Switch the settings", form_yn,
	    cv_is_server(f) && env->format != KS_FMT_PKCS12 ? 1 : 0,
	    cv_check_server);
}

static void
cv_arg_free(void *p)
{
	struct cv_arg	*a = p;

	if (a == NULL)
		return;
	free(a->path);
	secret_free(a->pass);
	secret_free(a->keypass);
	free(a->properties);
	free(a);
}

/* The step on the server (model: the dashboard's, or a fresh one). */
static int
cv_server(const struct cv_arg *a, const struct server_model *m, bool dry,
    struct step_result *r, struct step_convert_info *info, char **cause)
{
	struct step_convert_server_opts	o;

	memset(&o, 0, sizeof o);
	o.profile = a->profile;
	o.storepass = a->pass->len > 0 ? a->pass : NULL;
	o.keypass = a->keypass;
	o.dry_run = dry;
	return (step_convert_server(m, &o, r, info, cause));
}

/* The step on a file: in place. */
static int
cv_file(const struct cv_arg *a, bool dry, struct step_result *r,
    struct step_convert_info *info, char **cause)
{
	struct step_convert_opts	o;

	memset(&o, 0, sizeof o);
	o.to = a->to;
	o.profile = a->to == KS_FMT_PKCS12 ? a->profile : KS_PROFILE_NONE;
	o.out_uid = o.out_gid = -1;
	o.keypass = a->keypass;
	o.dry_run = dry;
	return (step_convert(a->path, a->pass->len > 0 ? a->pass : NULL, &o,
	    r, info, cause));
}

/* The worker. */
static int
cv_run(struct fstep *s, atomic_int *cancel, char **cause)
{
	struct cv_arg		*a = s->arg;
	struct step_result	 r;
	struct step_convert_info info;
	struct server_opts	 so;
	struct server_model	*m = NULL;
	int			 rc = -1;

	memset(&r, 0, sizeof r);
	memset(&info, 0, sizeof info);
	if (a->properties != NULL) {
		server_opts_init(&so);
		so.properties = a->properties;
		so.flags |= SERVER_NO_LIVE;
		if (server_model_load(&so, &m, cause) != 0)
			goto out;
		if (cv_server(a, m, false, &r, &info, cause) != 0)
			goto out;
	} else if (cv_file(a, false, &r, &info, cause) != 0)
		goto out;
	fstep_line(&s->out, &s->nout, "wrote %s (%s%s%s)", info.written,
	    ks_format_name(r.format), info.to_profile != KS_PROFILE_NONE ?
	    ", " : "", info.to_profile != KS_PROFILE_NONE ?
	    ks_profile_name(info.to_profile) : "");
	fstep_notes(s, &r);
	rc = 0;
out:
	step_result_free(&r);
	step_convert_info_free(&info);
	server_model_free(m);
	return (rc);
}

/* The step: the dry run is the plan. */
static struct fstep *
cv_build(struct form *f, char **cause)
{
	struct cv		*c = form_priv(f);
	struct tui		*t = form_tui(f);
	struct form_env		*env = form_env(f);
	const struct secret	*kp;
	struct cv_arg		*a;
	struct fstep		*s;
	struct step_result	 r;
	struct step_convert_info info;
	int			 n;

	a = xcalloc(1, sizeof *a);
	a->path = xstrdup(form_ks_path(f));
	a->pass = secret_dup(form_ks_pass(f));
	kp = form_get_secret(f, c->i_keypass);
	if (kp != NULL && kp->len > 0)
		a->keypass = secret_dup(kp);
	a->to = form_get_choice(f, c->i_to) == 1 ? KS_FMT_JKS : KS_FMT_PKCS12;
	a->profile = (enum ks_profile)(KS_PROFILE_MODERN +
	    form_get_choice(f, c->i_profile));
	if (form_get_choice(f, c->i_server) == 1)
		a->properties = xstrdup(env->properties);
	memset(&r, 0, sizeof r);
	memset(&info, 0, sizeof info);
	if (a->properties != NULL)
		n = cv_server(a, t->model, true, &r, &info, cause);
	else
		n = cv_file(a, true, &r, &info, cause);
	if (n != 0) {
		step_result_free(&r);
		step_convert_info_free(&info);
		cv_arg_free(a);
		return (NULL);
	}
	s = fstep_new("Convert %s to %s", a->path, ks_format_name(a->to));
	fstep_writes(s, a, cv_arg_free, cv_run);
	s->restart = a->properties != NULL;
	if (strcmp(info.written, a->path) == 0)
		fstep_line(&s->plan, &s->nplan, "rewrite %s as %s (a backup "
		    "of the file first)", a->path, ks_format_name(a->to));
	else
		fstep_line(&s->plan, &s->nplan, "write %s (%s), beside %s "
		    "(kept)", info.written, ks_format_name(a->to), a->path);
	fstep_plan_notes(s, &r);
	xasprintf(&s->doing, "converting %s", a->path);
	step_result_free(&r);
	step_convert_info_free(&info);
	return (s);
}

const struct form_def form_convert_def = {
	.kind = FORM_CONVERT,
	.title = "Convert keystore",
	.about = "PKCS12 (a profile the server's JRE reads) or JKS; the "
	    "server's settings switched too.",
	.init = cv_init,
	.build = cv_build,
	.free = form_free_priv,
};

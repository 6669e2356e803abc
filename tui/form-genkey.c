/* SPDX-License-Identifier: ISC */
/*
 * form-genkey.c -- New key pair (self-signed).  Alias
 * (integration-manager), DN fields, SANs (the host of im.base-url and
 * localhost), RSA 2048/3072/4096 or EC P-256/P-384, 3650 days, PKCS12.
 * Checks as you type: alias free or Replace, SAN syntax, key size, DN.
 * The step is core's step_genkey, run in the worker (Esc cancels RSA).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui.h"

static const char *const gk_algs[] = { "RSA", "EC", NULL };
static const char *const gk_dn_names[] = { "CN", "OU", "O", "L", "ST",
    "C" };
#define GK_NDN	6

struct gk {
	int	 i_dn[GK_NDN];
	int	 i_san, i_alg, i_size, i_days, i_type;
};

/* The arguments of the step (copies: the worker owns them). */
struct gk_arg {
	char		*path;
	struct secret	*pass;
	char		*alias;
	char		*dname;
	char		*san;
	char		*keyalg;
	char		*curve;
	int		 keysize;
	int		 days;
	enum ks_format	 storetype;
	bool		 replace;
	enum ks_profile	 profile;	/* a new PKCS12 file's */
	char		*replaces;	/* renewal: the entry renewed */
	bool		 accept_san_loss; /* the plan asked twice */
	struct server_owner *owner;	/* a new file's user, or NULL */
};

/* A whole positive number, or -1. */
static long
gk_number(const char *s)
{
	char	*end;
	long	 v;

	if (*s == '\0')
		return (-1);
	v = strtol(s, &end, 10);
	if (*end != '\0' || v <= 0)
		return (-1);
	return (v);
}

/* The DN from the fields (malloc'd). */
static char *
gk_dname(struct form *f)
{
	struct gk	*g = form_priv(f);
	const char	*v[GK_NDN];
	int		 i;

	for (i = 0; i < GK_NDN; i++)
		v[i] = form_get(f, g->i_dn[i]);
	return (dn_build(gk_dn_names, v, GK_NDN));
}

/* Check: the DN parses (shown on the CN field). */
static char *
gk_check_cn(struct form *f, int i, enum sev *sev)
{
	struct X509_name_st	*name = NULL;
	char			*dn, *cause = NULL;

	if (*form_get(f, i) == '\0') {
		*sev = SEV_CRIT;
		return (xstrdup("a common name is needed (the server's host "
		    "name)"));
	}
	dn = gk_dname(f);
	if (dn_parse(dn, &name, &cause) != 0) {
		*sev = SEV_CRIT;
		free(dn);
		return (cause);
	}
	dn_free(name);
	*sev = SEV_OK;
	return (dn);
}

/* Check: the country is two letters. */
static char *
gk_check_c(struct form *f, int i, enum sev *sev)
{
	const char	*c = form_get(f, i);

	if (*c == '\0')
		return (NULL);
	if (strlen(c) != 2 || !((c[0] >= 'A' && c[0] <= 'Z') ||
	    (c[0] >= 'a' && c[0] <= 'z')) || !((c[1] >= 'A' && c[1] <= 'Z') ||
	    (c[1] >= 'a' && c[1] <= 'z'))) {
		*sev = SEV_CRIT;
		return (xstrdup("two letters (ISO 3166), e.g. US or DE"));
	}
	return (NULL);
}

/* Check: the SAN list parses. */
static char *
gk_check_san(struct form *f, int i, enum sev *sev)
{
	struct san_list	*sl = NULL;
	char		*cause = NULL;

	if (*form_get(f, i) == '\0') {
		*sev = SEV_WARN;
		return (xstrdup("no subject alternative names: browsers and "
		    "Java clients check the host name there"));
	}
	if (san_parse(form_get(f, i), &sl, &cause) != 0) {
		*sev = SEV_CRIT;
		return (cause);
	}
	san_list_free(sl);
	return (NULL);
}

/* The algorithm, size and curve the fields ask for. */
static void
gk_key(struct form *f, const char **alg, int *bits, const char **curve)
{
	struct gk	*g = form_priv(f);
	long		 n = gk_number(form_get(f, g->i_size));

	*alg = form_get_choice(f, g->i_alg) == 1 ? "ec" : "rsa";
	*bits = n > 0 && n < 100000 ? (int)n : 0;
	*curve = NULL;
	if (strcmp(*alg, "ec") == 0)
		*curve = n == 256 ? "P-256" : n == 384 ? "P-384" : "P-?";
}

/* Check: the key size (keygen_check: RSA >= 2048, EC P-256/P-384). */
static char *
gk_check_size(struct form *f, int i, enum sev *sev)
{
	const char	*alg, *curve;
	char		*cause = NULL;
	int		 bits;

	gk_key(f, &alg, &bits, &curve);
	if (bits == 0) {
		*sev = SEV_CRIT;
		return (xstrdup(strcmp(alg, "ec") == 0 ? "EC: 256 or 384 "
		    "(P-256, P-384)" : "RSA: 2048, 3072 or 4096"));
	}
	if (strcmp(alg, "ec") == 0 && strcmp(curve, "P-?") == 0) {
		*sev = SEV_CRIT;
		xasprintf(&cause, "EC key size %d: use 256 or 384 (P-256, "
		    "P-384)", bits);
		return (cause);
	}
	if (keygen_check(alg, bits, curve, &cause) != 0) {
		*sev = SEV_CRIT;
		return (cause);
	}
	if (strcmp(alg, "rsa") == 0 && bits >= 4096) {
		*sev = SEV_INFO;
		return (xstrdup("a 4096-bit key takes a few seconds to make"));
	}
	return (NULL);
}

/* Check: the validity. */
static char *
gk_check_days(struct form *f, int i, enum sev *sev)
{
	long	 d = gk_number(form_get(f, i));
	char	*r = NULL;

	if (d < 1 || d > KEYGEN_MAX_DAYS) {
		*sev = SEV_CRIT;
		xasprintf(&r, "days: 1 to %d", KEYGEN_MAX_DAYS);
	} else if (d > 825) {
		*sev = SEV_INFO;
		r = xstrdup("fine for a self-signed certificate; public CAs "
		    "issue at most 398 days");
	}
	return (r);
}

/* Check: the store type (applies to a new file only). */
static char *
gk_check_type(struct form *f, int i, enum sev *sev)
{
	struct keystore	*ks;
	const char	*err;
	char		*r = NULL;

	if ((ks = form_keystore(f, &err)) != NULL || err != NULL) {
		*sev = SEV_INFO;
		if (ks != NULL)
			xasprintf(&r, "the file exists: it stays %s",
			    ks_format_name(ks->format));
		else
			r = xstrdup("the file exists: it keeps its format");
	}
	return (r);
}

/* Add the items. */
static void
gk_init(struct form *f)
{
	struct form_env	*env = form_env(f);
	struct wiz_ctx	*ctx = form_ctx(f);
	struct gk	*g;
	const char	*subject = NULL;
	char		*alias = NULL, *v, stamp[16];
	struct tui	*t = form_tui(f);
	const struct key_material *mat;
	time_t		 now;
	struct tm	 tm;
	int		 i, aflags = FKA_NEW | FKA_ASK;
	bool		 renew;

	g = xcalloc(1, sizeof *g);
	form_set_priv(f, g);
	renew = ctx != NULL && ctx->old_alias != NULL;
	form_add_keystore(f, FKS_CREATE);
	if (renew && ((t->model->kind != NULL &&
	    *server_kind_native(t->model->kind, "key-alias") == '\0') ||
	    !env->served || (env->reloads && ctx->kind == WIZ_RENEW_SELF))) {
		/* A kind without a key alias setting (Jetty serves every
		 * entry, by SNI), a material other than the served one, or
		 * one the server reloads (the wizard leaves the settings):
		 * the entry is renewed in place. */
		alias = xstrdup(ctx->old_alias);
		aflags |= FKA_REPLACE;
	} else if (renew) {
		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%d", &tm);
		xasprintf(&alias, "%s-%s", ctx->old_alias, stamp);
	}
	if (renew) {
		mat = tui_material(t);
		if (mat->key_entry != NULL && mat->key_entry->nchain > 0)
			subject = mat->key_entry->chain[0]->info.subject;
	}
	form_add_alias(f, "Alias", alias != NULL ? alias : env->alias,
	    aflags);
	free(alias);
	for (i = 0; i < GK_NDN; i++) {
		static const char *labels[GK_NDN] = { "Common name (CN)",
		    "Org. unit (OU)", "Organisation (O)", "Locality (L)",
		    "State (ST)", "Country (C)" };

		v = subject != NULL ? dn_get(subject, gk_dn_names[i]) :
		    NULL;
		if (v == NULL && i == 0)
			v = xstrdup(env->host);
		g->i_dn[i] = form_text(f, labels[i], v, i == 0 ? gk_check_cn :
		    i == 5 ? gk_check_c : NULL);
		free(v);
	}
	g->i_san = form_text(f, "Subject alt. names", ctx != NULL &&
	    ctx->san != NULL ? ctx->san : env->san, gk_check_san);
	g->i_alg = form_choice(f, "Key algorithm", gk_algs, 0, NULL);
	g->i_size = form_text(f, "Key size (bits)", "2048", gk_check_size);
	g->i_days = form_text(f, "Validity (days)", "3650", gk_check_days);
	g->i_type = form_storetype(f, "Store type (new file)", env->format,
	    gk_check_type);
}

/* Free the step's arguments (the password wiped). */
static void
gk_arg_free(void *p)
{
	struct gk_arg	*a = p;

	if (a == NULL)
		return;
	free(a->path);
	secret_free(a->pass);
	free(a->alias);
	free(a->dname);
	free(a->san);
	free(a->keyalg);
	free(a->curve);
	free(a->replaces);
	form_owner_free(a->owner);
	free(a);
}

/* The worker: core's genkey. */
static int
gk_run(struct fstep *s, atomic_int *cancel, char **cause)
{
	struct gk_arg		*a = s->arg;
	struct step_genkey_opts	 o;
	struct step_result	 r;

	memset(&o, 0, sizeof o);
	o.alias = a->alias;
	o.dname = a->dname;
	o.san = *a->san != '\0' ? a->san : NULL;
	o.keyalg = a->keyalg;
	o.keysize = a->keysize;
	o.curve = a->curve;
	o.days = a->days;
	o.storetype = a->storetype;
	o.replace = a->replace;
	o.replaces = a->replaces;
	o.accept_san_loss = a->accept_san_loss;
	o.profile = a->profile;
	o.cancel = cancel;
	o.owner = a->owner;
	if (form_mkdirs(a->path, cause) != 0)
		return (-1);
	if (step_genkey(a->path, a->pass, &o, &r, cause) != 0)
		return (-1);
	fstep_line(&s->out, &s->nout, "%s key entry \"%s\" (%s, self-signed) "
	    "%s %s keystore %s", r.replaced ? "replaced" : "added",
	    r.aliases[0], r.chain[0]->info.key, r.created ? "in the new" :
	    "in the", ks_format_name(r.format), a->path);
	fstep_notes(s, &r);
	step_result_free(&r);
	return (0);
}

/*
 * A renewal (an entry replaced, or the wizard's new entry beside the one
 * in use): what the new certificate changes, in the plan; SANs lost ask
 * twice.
 */
static void
gk_preflight(struct form *f, struct keystore *ks, struct gk_arg *a,
    struct fstep *s)
{
	struct wiz_ctx		*ctx = form_ctx(f);
	struct ks_entry		*old = NULL;
	struct renew_facts	 nf;
	struct step_result	 r;
	char			*against, *cause = NULL;

	if (ks == NULL)
		return;
	if (a->replace)
		old = keystore_find(ks, a->alias);
	else if (ctx != NULL && ctx->old_alias != NULL &&
	    (old = keystore_find(ks, ctx->old_alias)) != NULL)
		a->replaces = xstrdup(ctx->old_alias);
	if (old == NULL || old->type != KS_ENTRY_KEY || old->nchain == 0)
		return;
	if (renew_facts_new(a->dname, a->san, a->keyalg, a->keysize,
	    a->curve, a->days, time(NULL), &nf, &cause) != 0) {
		free(cause);
		return;
	}
	memset(&r, 0, sizeof r);
	xasprintf(&against, "the certificate of \"%s\"", old->alias);
	if (renew_preflight(&r, old->chain[0], against, &nf, NULL, "",
	    true, true, a->path, &cause) == 0) {
		fstep_plan_notes(s, &r);
		if (r.san_loss) {
			s->confirm2 = xstrdup("the new certificate lacks SANs "
			    "of the one it renews (see the notes)");
			a->accept_san_loss = true;
		}
	}
	free(cause);
	free(against);
	renew_facts_done(&nf);
	step_result_free(&r);
}

/* The step, and what later pages of a wizard need. */
static struct fstep *
gk_build(struct form *f, char **cause)
{
	struct gk	*g = form_priv(f);
	struct wiz_ctx	*ctx = form_ctx(f);
	struct gk_arg	*a;
	struct fstep	*s;
	struct keystore	*ks, *tmp;
	const char	*alg, *curve, *err;
	int		 bits;

	a = xcalloc(1, sizeof *a);
	a->path = xstrdup(form_ks_path(f));
	a->owner = form_owner(f, a->path);
	a->pass = secret_dup(form_ks_pass(f));
	a->alias = xstrdup(form_alias(f));
	a->dname = gk_dname(f);
	a->san = xstrdup(form_get(f, g->i_san));
	gk_key(f, &alg, &bits, &curve);
	a->keyalg = xstrdup(alg);
	if (strcmp(alg, "ec") == 0)
		a->curve = xstrdup(curve);
	else
		a->keysize = bits;
	a->days = (int)gk_number(form_get(f, g->i_days));
	a->replace = form_replace(f);
	ks = form_keystore(f, &err);
	a->storetype = ks != NULL ? ks->format :
	    form_get_storetype(f, g->i_type);

	/* A new PKCS12 file: the profile the server's JRE reads. */
	if (ks == NULL && err == NULL && a->storetype == KS_FMT_PKCS12 &&
	    form_tui(f)->model->jre.major > 0)
		a->profile = ks_profile_for_jre(form_tui(f)->model->jre.major,
		    form_tui(f)->model->jre.update);
	s = fstep_new("New key pair \"%s\"", a->alias);
	fstep_writes(s, a, gk_arg_free, gk_run);
	if (ks == NULL && err == NULL)
		fstep_line(&s->plan, &s->nplan, "create the %s keystore %s "
		    "(mode 0600%s%s)", ks_format_name(a->storetype), a->path,
		    a->profile == KS_PROFILE_LEGACY ? "; legacy profile: "
		    "the server's JRE " : "", a->profile == KS_PROFILE_LEGACY ?
		    form_tui(f)->model->jre.version : "");
	else
		fstep_line(&s->plan, &s->nplan, "add to the %s keystore %s "
		    "(a backup of the file first)",
		    ks_format_name(a->storetype), a->path);
	fstep_line(&s->plan, &s->nplan, "%s %s key, a self-signed "
	    "certificate for %d days", strcmp(alg, "ec") == 0 ? "EC" : "RSA",
	    strcmp(alg, "ec") == 0 ? curve : form_get(f, g->i_size),
	    a->days);
	fstep_line(&s->plan, &s->nplan, "subject %s", a->dname);
	fstep_line(&s->plan, &s->nplan, "SANs %s", *a->san != '\0' ?
	    a->san : "(none)");
	if (a->replace)
		fstep_line(&s->plan, &s->nplan, "replaces the entry \"%s\" "
		    "(the backup keeps it)", a->alias);
	gk_preflight(f, ks, a, s);
	xasprintf(&s->doing, "generating the %s key%s",
	    strcmp(alg, "ec") == 0 ? curve : "RSA",
	    strcmp(alg, "ec") == 0 ? "" : " (Esc cancels)");

	if (ctx != NULL) {
		free(ctx->keystore);
		ctx->keystore = xstrdup(a->path);
		secret_free(ctx->storepass);
		ctx->storepass = secret_dup(a->pass);
		ctx->format = a->storetype;
		ctx->ks_new = ks == NULL && err == NULL;
		ctx->entry_new = true;
		ctx->self_signed = true;
		free(ctx->alias);
		tmp = keystore_new(a->storetype);
		ctx->alias = step_alias_for(tmp, a->alias);
		keystore_free(tmp);
		free(ctx->san);
		ctx->san = xstrdup(a->san);
	}
	(void)cause;
	return (s);
}

const struct form_def form_genkey_def = {
	.kind = FORM_GENKEY,
	.title = "New key pair",
	.about = "A key pair and a self-signed certificate (keytool "
	    "-genkeypair).",
	.init = gk_init,
	.build = gk_build,
	.free = form_free_priv,
};

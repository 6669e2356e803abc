/* SPDX-License-Identifier: ISC */
/*
 * form-pemrenew.c -- the Renew wizard's page for PEM key material
 * (server.ssl.certificate and certificate-private-key, or a PEM bundle):
 * a new key and self-signed certificate as new PEM files beside the old
 * ones, then the settings switched to them (core's step_renew_pem; the
 * worker reads the server again, so that it works on the files as they
 * are then).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static const char *const pr_algs[] = { "RSA 2048", "RSA 3072", "EC P-256",
    NULL };

struct pr {
	int		 i_cn, i_san, i_alg, i_days;
	char		*cert;		/* the material's files */
	char		*key;
	char		*subject;	/* of the certificate in use */
};

struct pr_arg {
	struct tui	*t;		/* for its options (read only) */
	char		*cert;
	char		*dname;
	char		*san;
	int		 alg;
	int		 days;
};

/* Check: a positive number of days up to 100 years. */
static char *
pr_check_days(struct form *f, int i, enum sev *sev)
{
	const char	*v = form_get(f, i);
	char		*end;
	long		 n;

	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n <= 0 || n > 36500) {
		*sev = SEV_CRIT;
		return (xstrdup("a number of days, 1 to 36500"));
	}
	*sev = SEV_OK;
	return (NULL);
}

/* Check: a common name. */
static char *
pr_check_cn(struct form *f, int i, enum sev *sev)
{
	if (*form_get(f, i) == '\0') {
		*sev = SEV_CRIT;
		return (xstrdup("the host name clients connect to"));
	}
	*sev = SEV_OK;
	return (NULL);
}

static void
pr_init(struct form *f)
{
	struct form_env			*env = form_env(f);
	const struct key_material	*mat = tui_material(form_tui(f));
	struct pr			*p;
	char				*cn = NULL;

	p = xcalloc(1, sizeof *p);
	form_set_priv(f, p);
	p->cert = mat->cert_path != NULL ? xstrdup(mat->cert_path) : NULL;
	p->key = mat->key_path != NULL ? xstrdup(mat->key_path) : NULL;
	if (mat->key_entry != NULL && mat->key_entry->nchain > 0) {
		p->subject = xstrdup(mat->key_entry->chain[0]->info.subject);
		cn = dn_get(p->subject, "CN");
	}
	form_note(f, "Certificate", "%s", p->cert != NULL ? p->cert :
	    "(none)");
	form_note(f, "Private key", "%s", p->key != NULL ? p->key : "(none)");
	form_note(f, "New files", "beside these, dated; the old ones stay");
	p->i_cn = form_text(f, "Common name (CN)", cn != NULL ? cn :
	    env->host, pr_check_cn);
	free(cn);
	p->i_san = form_text(f, "Subject alt. names", env->cert_san != NULL ?
	    env->cert_san : env->san, NULL);
	p->i_alg = form_choice(f, "Key", pr_algs, 0, NULL);
	p->i_days = form_text(f, "Validity (days)", "3650", pr_check_days);
}

static void
pr_free(struct form *f)
{
	struct pr	*p = form_priv(f);

	if (p == NULL)
		return;
	free(p->cert);
	free(p->key);
	free(p->subject);
	free(p);
	form_set_priv(f, NULL);
}

static void
pr_arg_free(void *v)
{
	struct pr_arg	*a = v;

	if (a == NULL)
		return;
	free(a->cert);
	free(a->dname);
	free(a->san);
	free(a);
}

/* The worker: the server read again, its PEM material renewed. */
static int
pr_run(struct fstep *s, atomic_int *cancel, char **cause)
{
	struct pr_arg			*a = s->arg;
	struct server_model		*m = NULL;
	struct step_renew_pem_opts	 o;
	struct step_renew_pem_info	 info;
	struct step_result		 r;
	struct key_material		*mat;
	size_t				 i;
	int				 rc = -1;

	memset(&info, 0, sizeof info);
	memset(&r, 0, sizeof r);
	if (tui_model_load(&a->t->opts, &m, cause) != 0)
		return (-1);
	if ((mat = key_material_of_path(m, a->cert)) == NULL) {
		cause_set(cause, "%s: no longer a key material of the server",
		    a->cert);
		goto out;
	}
	memset(&o, 0, sizeof o);
	o.dname = a->dname;
	o.san = a->san;
	o.keyalg = a->alg == 2 ? "ec" : "rsa";
	o.keysize = a->alg == 1 ? 3072 : a->alg == 0 ? 2048 : 0;
	o.days = a->days;
	o.cancel = cancel;
	if (step_renew_pem(m, mat, &o, &r, &info, cause) != 0)
		goto out;
	fstep_line(&s->out, &s->nout, "new certificate %s and key %s",
	    info.cert_path, info.key_path);
	for (i = 0; i < r.nnotes; i++)
		fstep_line(&s->out, &s->nout, "%s", r.notes[i]);
	rc = 0;
out:
	step_result_free(&r);
	step_renew_pem_info_free(&info);
	server_model_free(m);
	return (rc);
}

static struct fstep *
pr_build(struct form *f, char **cause)
{
	struct pr	*p = form_priv(f);
	struct pr_arg	*a;
	struct fstep	*s;

	if (p->cert == NULL || p->key == NULL) {
		*cause = xstrdup("the certificate and key are not files of "
		    "their own");
		return (NULL);
	}
	a = xcalloc(1, sizeof *a);
	a->t = form_tui(f);
	a->cert = xstrdup(p->cert);
	xasprintf(&a->dname, "CN=%s", form_get(f, p->i_cn));
	a->san = xstrdup(form_get(f, p->i_san));
	a->alg = form_get_choice(f, p->i_alg);
	a->days = (int)strtol(form_get(f, p->i_days), NULL, 10);
	s = fstep_new("New PEM key and certificate for %s", p->cert);
	fstep_writes(s, a, pr_arg_free, pr_run);
	s->restart = true;
	fstep_line(&s->plan, &s->nplan, "%s key, a self-signed certificate "
	    "for %d days, subject %s", pr_algs[a->alg], a->days, a->dname);
	fstep_line(&s->plan, &s->nplan, "new files beside %s and %s (the "
	    "old ones stay; the key for the server's user only)", p->cert,
	    p->key);
	fstep_line(&s->plan, &s->nplan, "then the settings naming them "
	    "switch to the new files");
	return (s);
}

const struct form_def form_pemrenew_def = {
	.kind = FORM_NONE,
	.title = "New PEM key and certificate",
	.about = "A new key and self-signed certificate in new PEM files.",
	.init = pr_init,
	.build = pr_build,
	.free = pr_free,
};

/* SPDX-License-Identifier: ISC */
/*
 * form-csr.c -- Certificate request: a PKCS#10 request for a key entry,
 * written to a new file for the CA.  The SANs are copied from the current
 * certificate (keytool -certreq loses them: docs/formats.md, certreq)
 * unless given.
 * The step is core's step_csr, then step_write_file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"


struct cs {
	int	 i_san, i_out, i_over;
};

struct cs_arg {
	char		*path;
	struct secret	*pass;
	char		*alias;
	char		*san;		/* NULL: the certificate's */
	char		*out;
	bool		 force;
	bool		 accept_san_loss; /* the plan asked twice */	struct server_owner *owner;	/* a new file's user, or NULL */
};

/* Check: the SANs parse (empty: the certificate's are kept). */
static char *
cs_check_san(struct form *f, int i, enum sev *sev)
{
	struct san_list	*sl = NULL;
	char		*cause = NULL;

	if (*form_get(f, i) == '\0') {
		*sev = SEV_WARN;
		return (xstrdup("no SANs: clients check the host name there"));
	}
	if (san_parse(form_get(f, i), &sl, &cause) != 0) {
		*sev = SEV_CRIT;
		return (cause);
	}
	san_list_free(sl);
	return (NULL);
}

/* Add the items. */
static void
cs_init(struct form *f)
{
	struct form_env	*env = form_env(f);
	struct wiz_ctx	*ctx = form_ctx(f);
	struct cs	*c;
	char		*dir, *out;
	const char	*san;

	c = xcalloc(1, sizeof *c);
	form_set_priv(f, c);
	form_add_keystore(f, 0);
	form_add_alias(f, "Key entry", NULL, FKA_KEY);
	san = ctx != NULL && ctx->san != NULL ? ctx->san :
	    env->cert_san != NULL ? env->cert_san : env->san;
	c->i_san = form_text(f, "Subject alt. names", san, cs_check_san);
	dir = form_dirname(form_ks_path(f));
	xasprintf(&out, "%s/%s.csr", dir, form_alias(f));
	c->i_out = form_text(f, "Request file", out, form_check_outfile);
	c->i_over = form_choice(f, "Overwrite", form_yn, 0, NULL);
	free(dir);
	free(out);
}

/* Free a step's arguments (passwords wiped). */
static void
cs_arg_free(void *p)
{
	struct cs_arg	*a = p;

	if (a == NULL)
		return;
	free(a->path);
	secret_free(a->pass);
	free(a->alias);
	free(a->san);
	free(a->out);
	form_owner_free(a->owner);
	free(a);
}

/* The worker: the request, then the file. */
static int
cs_run(struct fstep *s, atomic_int *cancel, char **cause)
{
	struct cs_arg		*a = s->arg;
	struct step_csr_opts	 o;
	struct step_result	 r;
	struct keystore		*ks = NULL;
	char			*pem = NULL, *desc = NULL;
	int			 rc = -1;

	memset(&r, 0, sizeof r);
	if (keystore_load(a->path, a->pass, 0, &ks, cause) != 0)
		goto out;
	memset(&o, 0, sizeof o);
	o.alias = a->alias;
	o.san = a->san;
	o.accept_san_loss = a->accept_san_loss;
	if (step_csr(ks, a->pass, &o, &pem, &r, cause) != 0)
		goto out;
	xasprintf(&desc, "certificate request for %s", a->alias);
	if (step_write_file(a->out, (unsigned char *)pem, strlen(pem),
	    a->force, 0644, a->owner, "csr", desc, &r, cause) != 0)
		goto out;
	fstep_line(&s->out, &s->nout, "wrote %s: send it to your CA", a->out);
	fstep_notes(s, &r);
	rc = 0;
out:
	step_result_free(&r);
	keystore_free(ks);
	free(pem);
	free(desc);
	return (rc);
}

/* SANs of the entry's certificate the request leaves out: a plan line,
 * and the plan asked twice. */
static void
cs_preflight(struct form *f, struct cs_arg *a, struct fstep *s)
{
	struct keystore	*ks;
	struct ks_entry	*e;
	struct san_list	*had = NULL, *asked = NULL;
	const char	*err;
	char		**miss = NULL, *cause = NULL;
	size_t		  n = 0, i;

	if ((ks = form_keystore(f, &err)) == NULL ||
	    (e = keystore_find(ks, a->alias)) == NULL || e->nchain == 0)
		return;
	if (san_list_from_info(&e->chain[0]->info, &had, NULL, &cause) == 0 &&
	    san_parse(a->san, &asked, &cause) == 0)
		renew_missing_sans(had, asked, &miss, &n);
	for (i = 0; i < n; i++) {
		fstep_line(&s->plan, &s->nplan, "renewal WARNING: the request "
		    "drops the SAN %s of the certificate", miss[i]);
		free(miss[i]);
	}
	if (n > 0) {
		s->confirm2 = xstrdup("the request lacks SANs of the "
		    "certificate it renews");
		a->accept_san_loss = true;
	}
	free(miss);
	free(cause);
	san_list_free(had);
	san_list_free(asked);
}

/* The step. */
static struct fstep *
cs_build(struct form *f, char **cause)
{
	struct cs	*c = form_priv(f);
	struct cs_arg	*a;
	struct fstep	*s;

	a = xcalloc(1, sizeof *a);
	a->path = xstrdup(form_ks_path(f));
	a->owner = form_owner(f, a->path);
	a->pass = secret_dup(form_ks_pass(f));
	a->alias = xstrdup(form_alias(f));
	a->san = xstrdup(form_get(f, c->i_san));
	a->out = xstrdup(form_get(f, c->i_out));
	a->force = form_get_choice(f, c->i_over) == 1;
	s = fstep_new("Certificate request for \"%s\"", a->alias);
	fstep_writes(s, a, cs_arg_free, cs_run);
	fstep_line(&s->plan, &s->nplan, "write %s: a PKCS#10 request signed "
	    "by the key of \"%s\"%s", a->out, a->alias, a->force ?
	    " (replaces the file; a backup first)" : "");
	fstep_line(&s->plan, &s->nplan, "subject: the certificate's; SANs %s",
	    *a->san != '\0' ? a->san : "(none)");
	cs_preflight(f, a, s);
	(void)cause;
	return (s);
}

const struct form_def form_csr_def = {
	.kind = FORM_CSR,
	.title = "Certificate request (CSR)",
	.about = "A request for your CA, signed by the entry's key (SANs "
	    "kept, unlike keytool).",
	.init = cs_init,
	.build = cs_build,
	.free = form_free_priv,
};

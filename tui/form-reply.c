/* SPDX-License-Identifier: ISC */
/*
 * form-reply.c -- Import CA reply: the CA's files (any order, bundles,
 * PKCS#7) onto a key entry.  The plan is core's dry run: the chain it
 * will install, where its root was found, a warning when it is not
 * trusted anywhere (keytool -noprompt would install it silently).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

struct rp {
	int	 i_files, i_cacerts, i_untrusted;
};

struct rp_arg {
	struct form_farg fa;		/* files: the CA's reply */
	bool		 untrusted;
	char		*replaces;	/* renewal: the entry renewed */
	bool		 accept_san_loss; /* the plan asked twice */
};

/* Check: cacerts (optional). */
static char *
rp_check_cacerts(struct form *f, int i, enum sev *sev)
{
	if (*form_get(f, i) == '\0') {
		*sev = SEV_INFO;
		return (xstrdup("none: the chain must end in the files or "
		    "the keystore"));
	}
	return (form_check_file(f, i, sev));
}

/* Add the items. */
static void
rp_init(struct form *f)
{
	struct form_env	*env = form_env(f);
	struct rp	*r;

	r = xcalloc(1, sizeof *r);
	form_set_priv(f, r);
	form_add_keystore(f, 0);
	form_add_alias(f, "Key entry", NULL, FKA_KEY | FKA_ASK);
	r->i_files = form_text(f, "CA reply file(s)", "",
	    form_check_certfiles);
	r->i_cacerts = form_text(f, "cacerts (chain search)", env->cacerts !=
	    NULL ? env->cacerts : "", rp_check_cacerts);
	r->i_untrusted = form_choice(f, "Allow an untrusted root", form_yn,
	    0, NULL);
}

/* Free a step's arguments (passwords wiped). */
static void
rp_arg_free(void *p)
{
	struct rp_arg	*a = p;

	if (a == NULL)
		return;
	form_farg_clear(&a->fa);
	free(a->replaces);
	free(a);
}

/* Where a chain's root was found, in words. */
static const char *
rp_anchor(enum step_anchor a)
{
	switch (a) {
	case STEP_ANCHOR_SELF:
		return ("the certificate is self-signed");
	case STEP_ANCHOR_REPLY:
		return ("root from the CA's files only: NOT trusted by the "
		    "keystore or cacerts");
	case STEP_ANCHOR_KEYSTORE:
		return ("root trusted by the keystore");
	case STEP_ANCHOR_CACERTS:
		return ("root trusted by the JRE's cacerts");
	default:
		return ("incomplete chain: no root");
	}
}

/* Run (or dry-run) the core step. */
static int
rp_step(const struct rp_arg *a, bool dry, struct step_result *r,
    char **cause)
{
	struct step_reply_opts	o;

	memset(&o, 0, sizeof o);
	o.alias = a->fa.alias;
	o.files = (const char *const *)a->fa.files;
	o.nfiles = a->fa.nfiles;
	o.cacerts = a->fa.cacerts;
	o.allow_untrusted = a->untrusted;
	o.replaces = a->replaces;
	o.accept_san_loss = a->accept_san_loss;
	o.dry_run = dry;
	return (step_import_reply(a->fa.path, a->fa.pass, &o, r, cause));
}

/* The chain as lines. */
static void
rp_chain(char ***v, size_t *n, const struct step_result *r)
{
	size_t	i;

	for (i = 0; i < r->nchain; i++)
		fstep_line(v, n, "%s%s (%ld days left)", i == 0 ? "" : "<- ",
		    r->chain[i]->info.subject,
		    cert_days_left(r->chain[i], time(NULL)));
	fstep_line(v, n, "%s", rp_anchor(r->anchor));
}

/* The worker. */
static int
rp_run(struct fstep *s, atomic_int *cancel, char **cause)
{
	struct step_result	r;

	if (rp_step(s->arg, false, &r, cause) != 0)
		return (-1);
	fstep_line(&s->out, &s->nout, "installed a chain of %zu on \"%s\":",
	    r.nchain, r.naliases > 0 ? r.aliases[0] : "?");
	rp_chain(&s->out, &s->nout, &r);
	fstep_notes(s, &r);
	step_result_free(&r);
	return (0);
}

/* The step: the dry run shows the chain. */
static struct fstep *
rp_build(struct form *f, char **cause)
{
	struct rp		*rp = form_priv(f);
	struct wiz_ctx		*ctx = form_ctx(f);
	const char		*cacerts = form_get(f, rp->i_cacerts);
	struct rp_arg		*a;
	struct fstep		*s;
	struct step_result	 r;

	a = xcalloc(1, sizeof *a);
	form_farg_init(f, &a->fa, rp->i_files, form_alias(f),
	    *cacerts != '\0' ? cacerts : NULL);
	a->untrusted = form_get_choice(f, rp->i_untrusted) == 1;
	if (ctx != NULL && ctx->old_alias != NULL &&
	    strcmp(ctx->old_alias, a->fa.alias) != 0)
		a->replaces = xstrdup(ctx->old_alias);
	if (rp_step(a, true, &r, cause) != 0) {
		rp_arg_free(a);
		return (NULL);
	}
	s = fstep_new("Import the CA's reply into \"%s\"", a->fa.alias);
	/* The dry run compared it with the certificate it renews. */
	if (r.san_loss) {
		s->confirm2 = xstrdup("the new certificate lacks SANs (see "
		    "the notes)");
		a->accept_san_loss = true;
	}
	fstep_writes(s, a, rp_arg_free, rp_run);
	fstep_line(&s->plan, &s->nplan, "install this chain on \"%s\" in %s "
	    "(a backup of the file first):", a->fa.alias, a->fa.path);
	rp_chain(&s->plan, &s->nplan, &r);
	fstep_plan_notes(s, &r);
	if (ctx != NULL) {
		free(ctx->keystore);
		ctx->keystore = xstrdup(a->fa.path);
		secret_free(ctx->storepass);
		ctx->storepass = secret_dup(a->fa.pass);
		ctx->format = r.format;
		free(ctx->alias);
		ctx->alias = xstrdup(r.naliases > 0 ? r.aliases[0] :
		    a->fa.alias);
		ctx->ks_new = false;
		ctx->entry_new = false;
		ctx->self_signed = r.anchor == STEP_ANCHOR_SELF;
		free(ctx->san);
		ctx->san = NULL;
		if (r.nchain > 0 && r.chain[0]->info.nsan > 0) {
			struct san_list	*sl = NULL;

			if (san_list_from_info(&r.chain[0]->info, &sl, NULL,
			    NULL) == 0)
				ctx->san = san_list_to_string(sl);
			san_list_free(sl);
		}
	}
	step_result_free(&r);
	return (s);
}

const struct form_def form_reply_def = {
	.kind = FORM_IMPORT_REPLY,
	.title = "Import CA reply",
	.about = "The CA's certificate and chain onto the key entry (any "
	    "order, bundles, PKCS#7).",
	.init = rp_init,
	.build = rp_build,
	.free = form_free_priv,
};

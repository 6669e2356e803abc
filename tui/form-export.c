/* SPDX-License-Identifier: ISC */
/*
 * form-export.c -- Export certificate: an entry's certificate or chain as
 * PEM or DER to a new file (core's step_export and step_write_file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static const char *const ex_formats[] = { "PEM", "DER", NULL };
static const char *const ex_what[] = { "certificate", "whole chain", NULL };

struct ex {
	int	 i_fmt, i_what, i_out, i_over;
};

struct ex_arg {
	char		*path;
	struct secret	*pass;
	char		*alias;
	char		*out;
	int		 flags;
	bool		 force;	struct server_owner *owner;	/* a new file's user, or NULL */
};

/* Check: DER holds one certificate. */
static char *
ex_check_what(struct form *f, int i, enum sev *sev)
{
	struct ex	*x = form_priv(f);

	if (form_get_choice(f, x->i_fmt) == 1 && form_get_choice(f, i) == 1) {
		*sev = SEV_CRIT;
		return (xstrdup("DER holds one certificate: export the chain "
		    "as PEM"));
	}
	return (NULL);
}

/* Add the items. */
static void
ex_init(struct form *f)
{
	struct ex	*x;
	struct wiz_ctx	*ctx = form_ctx(f);
	char		*dir, *out;

	x = xcalloc(1, sizeof *x);
	form_set_priv(f, x);
	form_add_keystore(f, 0);
	if (ctx != NULL && ctx->alias != NULL)
		form_add_alias(f, "Entry", NULL, 0);
	else
		form_add_alias(f, "Entry", NULL, FKA_ASK);
	x->i_fmt = form_choice(f, "Format", ex_formats, 0, NULL);
	x->i_what = form_choice(f, "What", ex_what, 0, ex_check_what);
	dir = form_dirname(form_ks_path(f));
	xasprintf(&out, "%s/%s.pem", dir, form_alias(f));
	x->i_out = form_text(f, "Output file", out, form_check_outfile);
	x->i_over = form_choice(f, "Overwrite", form_yn, 0, NULL);
	free(dir);
	free(out);
}

/* Free the step's arguments. */
static void
ex_arg_free(void *p)
{
	struct ex_arg	*a = p;

	if (a == NULL)
		return;
	free(a->path);
	secret_free(a->pass);
	free(a->alias);
	free(a->out);
	form_owner_free(a->owner);
	free(a);
}

/* The worker: load, export, write. */
static int
ex_run(struct fstep *s, atomic_int *cancel, char **cause)
{
	struct ex_arg	*a = s->arg;
	struct keystore	*ks = NULL;
	unsigned char	*out = NULL;
	size_t		 len = 0, n = 0;
	char		*desc = NULL;
	int		 rc = -1;

	if (keystore_load(a->path, a->pass->len > 0 ? a->pass : NULL,
	    a->pass->len > 0 ? 0 : KS_LOAD_NOVERIFY, &ks, cause) != 0)
		goto out;
	if (step_export(ks, a->alias, a->flags, &out, &len, &n, cause) != 0)
		goto out;
	xasprintf(&desc, "export of %s from %s", a->alias, a->path);
	if (step_write_file(a->out, out, len, a->force, 0644, a->owner,
	    "export", desc, NULL, cause) != 0)
		goto out;
	fstep_line(&s->out, &s->nout, "wrote %s: %zu certificate%s (%s)",
	    a->out, n, n == 1 ? "" : "s", (a->flags & STEP_EXPORT_DER) ?
	    "DER" : "PEM");
	rc = 0;
out:
	free(out);
	free(desc);
	keystore_free(ks);
	return (rc);
}

/* The step. */
static struct fstep *
ex_build(struct form *f, char **cause)
{
	struct ex	*x = form_priv(f);
	struct ex_arg	*a;
	struct fstep	*s;

	a = xcalloc(1, sizeof *a);
	a->path = xstrdup(form_ks_path(f));
	a->owner = form_owner(f, a->path);
	a->pass = secret_dup(form_ks_pass(f));
	a->alias = xstrdup(form_alias(f));
	a->out = xstrdup(form_get(f, x->i_out));
	a->flags = (form_get_choice(f, x->i_fmt) == 1 ? STEP_EXPORT_DER : 0) |
	    (form_get_choice(f, x->i_what) == 1 ? STEP_EXPORT_CHAIN : 0);
	a->force = form_get_choice(f, x->i_over) == 1;
	s = fstep_new("Export \"%s\" to %s", a->alias, a->out);
	fstep_writes(s, a, ex_arg_free, ex_run);
	fstep_line(&s->plan, &s->nplan, "write %s: the %s of \"%s\" as %s%s",
	    a->out, (a->flags & STEP_EXPORT_CHAIN) ? "whole chain" :
	    "certificate", a->alias, (a->flags & STEP_EXPORT_DER) ? "DER" :
	    "PEM", a->force ? " (the file is replaced; a backup first)" : "");
	fstep_line(&s->plan, &s->nplan, "(for clients that must trust the "
	    "server: import it there)");
	(void)cause;
	return (s);
}

const struct form_def form_export_def = {
	.kind = FORM_EXPORT,
	.title = "Export certificate",
	.about = "A certificate or chain to a PEM or DER file (keytool "
	    "-exportcert).",
	.init = ex_init,
	.build = ex_build,
	.free = form_free_priv,
};

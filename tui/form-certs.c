/* SPDX-License-Identifier: ISC */
/*
 * form-certs.c -- Import trusted certificates: one entry per certificate
 * of the files (a bundle becomes several), the alias from the CN unless
 * given.  Checks: the files read, the alias is free (or Replace),
 * duplicates by fingerprint (core's dry run says so).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"


struct ct {
	int	 i_files, i_alias, i_replace, i_type;
};

/* Check: the alias, when given, is free in the keystore (or Replace). */
static char *
ct_check_alias(struct form *f, int i, enum sev *sev)
{
	struct ct	*c = form_priv(f);
	struct keystore	*ks;
	struct ks_entry	*e;
	const char	*alias = form_get(f, i), *err;
	char		*r = NULL, **files = NULL, *tmp;
	struct cert	**certs = NULL;
	size_t		 n, nc = 0;

	if (*alias == '\0') {
		/* What the CN gives, for the first file. */
		n = form_split_files(form_get(f, c->i_files), &files);
		if (n > 0 && certs_read_file(files[0], &certs, &nc, NULL) ==
		    0 && nc > 0) {
			tmp = step_alias_from_cert(certs[0]);
			*sev = SEV_INFO;
			xasprintf(&r, "empty: from each certificate's CN "
			    "(\"%s\"%s)", tmp, nc > 1 || n > 1 ? ", ..." : "");
			free(tmp);
		}
		certs_free(certs, nc);
		draw_lines_free(files, n);
		return (r);
	}
	if ((ks = form_keystore(f, &err)) == NULL)
		return (NULL);
	if ((e = keystore_find(ks, alias)) == NULL)
		return (NULL);
	if (e->type == KS_ENTRY_TRUSTED &&
	    form_get_choice(f, c->i_replace) == 1) {
		*sev = SEV_WARN;
		xasprintf(&r, "replaces the trusted entry \"%s\"", e->alias);
		return (r);
	}
	return (form_alias_taken(e, e->type == KS_ENTRY_TRUSTED, sev));
}

/* Add the items. */
static void
ct_init(struct form *f)
{
	struct form_env	*env = form_env(f);
	struct ct	*c;

	c = xcalloc(1, sizeof *c);
	form_set_priv(f, c);
	form_add_keystore(f, FKS_CREATE | FKS_ASK);
	c->i_files = form_text(f, "Certificate file(s)", "",
	    form_check_certfiles);
	c->i_alias = form_text(f, "Alias", "", ct_check_alias);
	c->i_replace = form_choice(f, "Replace a trusted entry", form_yn, 0,
	    NULL);
	c->i_type = form_storetype(f, "Store type (new file)", env->format,
	    NULL);
}

/* Free a step's arguments (passwords wiped). */
static void
ct_arg_free(void *p)
{
	if (p == NULL)
		return;
	form_farg_clear(p);
	free(p);
}

/* Run or dry-run the core step. */
static int
ct_step(const struct form_farg *a, bool dry, struct step_result *r,
    char **cause)
{
	struct step_certs_opts	o;

	memset(&o, 0, sizeof o);
	o.alias = a->alias;
	o.files = (const char *const *)a->files;
	o.nfiles = a->nfiles;
	o.replace = a->replace;
	o.storetype = a->storetype;
	o.dry_run = dry;
	o.owner = a->owner;
	return (step_import_cert(a->path, a->pass, &o, r, cause));
}

/* The entries as lines. */
static void
ct_lines(char ***v, size_t *n, const struct step_result *r)
{
	size_t	i;

	for (i = 0; i < r->naliases; i++)
		fstep_line(v, n, "\"%s\": %s", r->aliases[i], i < r->nchain ?
		    r->chain[i]->info.subject : "?");
}

/* The worker. */
static int
ct_run(struct fstep *s, atomic_int *cancel, char **cause)
{
	struct step_result	r;

	if (form_mkdirs(((struct form_farg *)s->arg)->path, cause) != 0 ||
	    ct_step(s->arg, false, &r, cause) != 0)
		return (-1);
	fstep_line(&s->out, &s->nout, "imported %zu trusted entr%s:",
	    r.naliases, r.naliases == 1 ? "y" : "ies");
	ct_lines(&s->out, &s->nout, &r);
	fstep_notes(s, &r);
	step_result_free(&r);
	return (0);
}

/* The step: the dry run names the entries. */
static struct fstep *
ct_build(struct form *f, char **cause)
{
	struct ct		*c = form_priv(f);
	const char		*alias = form_get(f, c->i_alias);
	struct form_farg	*a;
	struct fstep		*s;
	struct step_result	 r;

	a = xmalloc(sizeof *a);
	form_farg_init(f, a, c->i_files, *alias != '\0' ? alias : NULL, NULL);
	a->replace = form_get_choice(f, c->i_replace) == 1;
	a->storetype = form_get_storetype(f, c->i_type);
	if (ct_step(a, true, &r, cause) != 0) {
		ct_arg_free(a);
		return (NULL);
	}
	s = fstep_new("Import trusted certificates into %s", a->path);
	fstep_writes(s, a, ct_arg_free, ct_run);
	fstep_line(&s->plan, &s->nplan, "%s %s; add %zu trusted entr%s:",
	    r.created ? "create the keystore" : "a backup of", a->path,
	    r.naliases, r.naliases == 1 ? "y" : "ies");
	ct_lines(&s->plan, &s->nplan, &r);
	fstep_plan_notes(s, &r);
	step_result_free(&r);
	return (s);
}

const struct form_def form_certs_def = {
	.kind = FORM_IMPORT_CERT,
	.title = "Import trusted certificates",
	.about = "CA or partner certificates as trusted entries (keytool "
	    "-importcert).",
	.init = ct_init,
	.build = ct_build,
	.free = form_free_priv,
};

/* SPDX-License-Identifier: ISC */
/*
 * form-pem.c -- Import key + certificate from PEM: a private key file
 * (an encrypted one asks its pass phrase, through passwd.c) and its chain
 * as a key entry.  Checks: the key reads with the pass phrase as you type;
 * the key matches the leaf and the chain builds (core's dry run).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"


struct pm {
	int	 i_key, i_phrase, i_chain, i_type;
};

struct pm_arg {
	struct form_farg fa;		/* files: the chain */
	char		*key;
	struct secret	*phrase;
};

/* Check: the key file reads (with the pass phrase when encrypted). */
static char *
pm_check_key(struct form *f, int i, enum sev *sev)
{
	struct pm		*p = form_priv(f);
	const struct secret	*ph = form_get_secret(f, p->i_phrase);
	struct evp_pkey_st	*pk = NULL;
	unsigned char		*buf = NULL;
	size_t			 len = 0;
	char			*r = NULL, *c2 = NULL;

	if ((r = form_check_file(f, i, sev)) != NULL)
		return (r);
	if (file_read(form_get(f, i), &buf, &len, &c2) != 0) {
		*sev = SEV_CRIT;
		return (c2);
	}
	if (pem_key_needs_pass(buf, len) && (ph == NULL || ph->len == 0)) {
		*sev = SEV_WARN;
		r = xstrdup("the key is encrypted: give its pass phrase below");
	} else if (pem_key_read_mem(buf, len, form_get(f, i), ph != NULL &&
	    ph->len > 0 ? ph : NULL, &pk, &c2) != 0) {
		*sev = SEV_CRIT;
		r = c2;
	} else {
		*sev = SEV_OK;
		r = key_describe(pk);
		key_free(pk);
	}
	explicit_bzero(buf, len);
	free(buf);
	return (r);
}

/* Add the items. */
static void
pm_init(struct form *f)
{
	struct form_env	*env = form_env(f);
	struct pm	*p;

	p = xcalloc(1, sizeof *p);
	form_set_priv(f, p);
	form_add_keystore(f, FKS_CREATE | FKS_ASK);
	form_add_alias(f, "Alias", NULL, FKA_NEW | FKA_ASK);
	p->i_key = form_text(f, "Private key file", "", pm_check_key);
	p->i_phrase = form_password(f, "Key pass phrase", NULL, NULL);
	p->i_chain = form_text(f, "Chain file(s)", "",
	    form_check_certfiles);
	p->i_type = form_storetype(f, "Store type (new file)", env->format,
	    NULL);
}

/* Free a step's arguments (passwords wiped). */
static void
pm_arg_free(void *v)
{
	struct pm_arg	*a = v;

	if (a == NULL)
		return;
	form_farg_clear(&a->fa);
	free(a->key);
	secret_free(a->phrase);
	free(a);
}

/* Run or dry-run the core step. */
static int
pm_step(const struct pm_arg *a, bool dry, struct step_result *r,
    char **cause)
{
	struct step_pem_opts	o;

	memset(&o, 0, sizeof o);
	o.alias = a->fa.alias;
	o.key_file = a->key;
	o.key_passphrase = a->phrase;
	o.cert_files = (const char *const *)a->fa.files;
	o.ncert_files = a->fa.nfiles;
	o.cacerts = a->fa.cacerts;
	o.replace = a->fa.replace;
	o.storetype = a->fa.storetype;
	o.dry_run = dry;
	o.owner = a->fa.owner;
	return (step_import_pem(a->fa.path, a->fa.pass, &o, r, cause));
}

/* The chain as lines. */
static void
pm_lines(char ***v, size_t *n, const struct step_result *r)
{
	size_t	i;

	for (i = 0; i < r->nchain; i++)
		fstep_line(v, n, "%s%s", i == 0 ? "" : "<- ",
		    r->chain[i]->info.subject);
}

/* The worker. */
static int
pm_run(struct fstep *s, atomic_int *cancel, char **cause)
{
	struct pm_arg		*a = s->arg;
	struct step_result	 r;

	if (form_mkdirs(a->fa.path, cause) != 0 ||
	    pm_step(a, false, &r, cause) != 0)
		return (-1);
	fstep_line(&s->out, &s->nout, "%s key entry \"%s\" in %s:",
	    r.replaced ? "replaced" : "added", r.naliases > 0 ?
	    r.aliases[0] : a->fa.alias, a->fa.path);
	pm_lines(&s->out, &s->nout, &r);
	fstep_notes(s, &r);
	step_result_free(&r);
	return (0);
}

/* The step: the dry run checks the key against the leaf. */
static struct fstep *
pm_build(struct form *f, char **cause)
{
	struct pm		*p = form_priv(f);
	struct form_env		*env = form_env(f);
	struct pm_arg		*a;
	struct fstep		*s;
	struct step_result	 r;
	const struct secret	*ph;

	a = xcalloc(1, sizeof *a);
	form_farg_init(f, &a->fa, p->i_chain, form_alias(f), env->cacerts);
	a->fa.replace = form_replace(f);
	a->fa.storetype = form_get_storetype(f, p->i_type);
	a->key = xstrdup(form_get(f, p->i_key));
	ph = form_get_secret(f, p->i_phrase);
	if (ph->len > 0)
		a->phrase = secret_dup(ph);
	if (pm_step(a, true, &r, cause) != 0) {
		pm_arg_free(a);
		return (NULL);
	}
	s = fstep_new("Import key and certificate as \"%s\"", a->fa.alias);
	fstep_writes(s, a, pm_arg_free, pm_run);
	fstep_line(&s->plan, &s->nplan, "%s %s: key entry \"%s\" (%s) with "
	    "this chain:", r.created ? "create" : "a backup of, then change",
	    a->fa.path, a->fa.alias, r.nchain > 0 ? r.chain[0]->info.key :
	    "?");
	pm_lines(&s->plan, &s->nplan, &r);
	fstep_plan_notes(s, &r);
	step_result_free(&r);
	return (s);
}

const struct form_def form_pem_def = {
	.kind = FORM_IMPORT_PEM,
	.title = "Import key and certificate (PEM)",
	.about = "A PEM private key and its chain as a key entry (certbot, "
	    "another server).",
	.init = pm_init,
	.build = pm_build,
	.free = form_free_priv,
};

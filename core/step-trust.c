/* SPDX-License-Identifier: ISC */
/*
 * step-trust.c -- trust: import a certificate into the cacerts of the JRE
 * the server runs on, whatever its format (docs/formats.md, JDK cacerts):
 * JKS with
 * "changeit" or the storepass of /etc/default/cacerts, passwordless
 * PKCS#12 (kept passwordless: plain certificates, no MAC, as Java keeps
 * it) or PKCS#12 with a password.  A symlinked cacerts (Debian) is written
 * through to its target, and the output says when that file is shared by
 * every JDK or managed by ca-certificates-java.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"

/* The alias prefix ca-certificates-java owns (update-ca-certificates -f
 * removes such entries whose PEM file is gone). */
#define TRUST_DISTRO_PREFIX	"debian:"

/* Free what a step_trust_info holds. */
void
step_trust_info_free(struct step_trust_info *ti)
{
	if (ti == NULL)
		return;
	free(ti->cacerts_real);
	free(ti->existing_alias);
	free(ti->pass_how);
	free(ti->what);
	memset(ti, 0, sizeof *ti);
}

/* The certificate of a file: its only one, or the only root of a bundle. */
static int
trust_from_file(const char *path, struct cert **out, char **what,
    char **cause)
{
	struct cert	**certs = NULL, *root = NULL;
	size_t		  n = 0, i, nroots = 0;
	int		  rc = -1;

	if (certs_read_file(path, &certs, &n, cause) != 0)
		return (-1);
	if (n == 1) {
		*out = cert_dup(certs[0]);
		xasprintf(what, "the certificate of %s", path);
		rc = 0;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (chain_self_signed(certs[i])) {
			root = certs[i];
			nroots++;
		}
	}
	if (nroots != 1) {
		cause_set(cause, "%s: holds %zu certificates and %s: give a "
		    "file with the one certificate to trust", path, n,
		    nroots == 0 ? "none of them is a root (self-signed)" :
		    "several roots");
		goto out;
	}
	*out = cert_dup(root);
	xasprintf(what, "the root certificate of the %zu in %s", n, path);
	rc = 0;
out:
	certs_free(certs, n);
	return (rc);
}

/* The entry whose certificate is c (same SHA-256), or NULL. */
static struct ks_entry *
trust_find_same(const struct keystore *ks, struct cert *c)
{
	struct ks_entry	*e;
	size_t		 i;

	for (i = 0; i < ks->nentries; i++) {
		e = ks->entries[i];
		if (e->nchain == 0 || e->type == KS_ENTRY_SECRET)
			continue;
		if (cert_equal(e->chain[0], c))
			return (e);
	}
	return (NULL);
}

/* A trusted cacerts entry whose certificate issued c, or NULL. */
static struct ks_entry *
trust_find_issuer(const struct keystore *ks, struct cert *c)
{
	struct ks_entry	*e;
	size_t		 i;

	for (i = 0; i < ks->nentries; i++) {
		e = ks->entries[i];
		if (e->type == KS_ENTRY_TRUSTED && e->nchain > 0 &&
		    cert_issued_by(c, e->chain[0]))
			return (e);
	}
	return (NULL);
}

/*
 * The certificate to trust for a keystore entry: a trusted entry's own,
 * the leaf of a self-signed key entry, else the root of its chain
 * (completed from the keystore).  A chain that stops below a root whose
 * issuer cacerts already trusts sets *anchor to that cacerts entry.
 */
static int
trust_from_keystore(const struct step_trust_opts *o,
    const struct keystore *cacerts, struct cert **out,
    struct ks_entry **anchor, char **what, char **cause)
{
	const struct keystore *ks;
	struct keystore	 *own = NULL;
	struct ks_entry	 *e = NULL, *x;
	struct cert	**pool = NULL, **chain = NULL, *top;
	const char	 *name = o->from_keystore;
	size_t		  npool = 0, nchain = 0, i, j, nkeys = 0;
	bool		  complete = false;
	int		  rc = -1;

	*out = NULL;
	*anchor = NULL;
	if (o->from_ks != NULL) {
		/* The server's keystore, opened by the model. */
		ks = o->from_ks;
		if (name == NULL)
			name = ks->path != NULL ? ks->path : "the keystore";
	} else {
		if (keystore_load(o->from_keystore, o->from_pass,
		    o->from_pass == NULL ? KS_LOAD_NOVERIFY : 0, &own,
		    cause) != 0)
			goto out;
		ks = own;
	}
	if (o->from_alias != NULL) {
		if ((e = keystore_find(ks, o->from_alias)) == NULL) {
			cause_set(cause, "%s: no entry \"%s\"%s",
			    name, o->from_alias, !ks->verified &&
			    ks->format == KS_FMT_PKCS12 ? " (its certificates "
			    "are encrypted: give the store password)" : "");
			goto out;
		}
	} else {
		for (i = 0; i < ks->nentries; i++) {
			if (ks->entries[i]->type == KS_ENTRY_KEY) {
				e = ks->entries[i];
				nkeys++;
			}
		}
		if (nkeys != 1) {
			cause_set(cause, "%s: has %zu key entries: name the "
			    "entry whose certificate to trust", name, nkeys);
			goto out;
		}
	}
	if (e->type == KS_ENTRY_SECRET || e->nchain == 0) {
		cause_set(cause, "%s: entry \"%s\" holds no certificate",
		    name, e->alias);
		goto out;
	}
	if (e->type == KS_ENTRY_TRUSTED) {
		*out = cert_dup(e->chain[0]);
		xasprintf(what, "the certificate of entry \"%s\"", e->alias);
		rc = 0;
		goto out;
	}
	if (chain_self_signed(e->chain[0])) {
		*out = cert_dup(e->chain[0]);
		xasprintf(what, "the self-signed certificate of entry \"%s\"",
		    e->alias);
		rc = 0;
		goto out;
	}
	/* CA-signed: complete the chain from the keystore, take its root. */
	for (i = 0; i < ks->nentries; i++) {
		x = ks->entries[i];
		for (j = (x == e ? 1 : 0); j < x->nchain; j++) {
			pool = xreallocarray(pool, npool + 1, sizeof *pool);
			pool[npool++] = x->chain[j];
		}
	}
	if (chain_build(e->chain[0], pool, npool, &chain, &nchain, &complete,
	    cause) != 0)
		goto out;
	top = chain[nchain - 1];
	if (complete) {
		*out = cert_dup(top);
		xasprintf(what, "the root of entry \"%s\"'s chain (%zu "
		    "certificates)", e->alias, nchain);
		rc = 0;
		goto out;
	}
	if ((*anchor = trust_find_issuer(cacerts, top)) != NULL) {
		*out = cert_dup((*anchor)->chain[0]);
		xasprintf(what, "the issuer of \"%s\", the top of entry "
		    "\"%s\"'s chain", top->info.subject, e->alias);
		rc = 0;
		goto out;
	}
	cause_set(cause, "%s: the chain of entry \"%s\" ends at \"%s\", "
	    "issued by \"%s\", which neither the keystore nor cacerts holds: "
	    "give the root CA's certificate file instead", name, e->alias,
	    top->info.subject, top->info.issuer);
out:
	free(pool);
	free(chain);
	keystore_free(own);
	return (rc);
}

/* Is path under dir (both resolved)? */
static bool
trust_under(const char *path, const char *dir)
{
	size_t	n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return (strncmp(path, dir, n) == 0 && path[n] == '/');
}

/* Where the file really is, and who else sees it. */
static void
trust_where(const struct step_trust_opts *o, struct step_trust_info *ti,
    struct step_result *r)
{
	struct stat	 sb;
	char		 real[PATH_MAX], hreal[PATH_MAX], *home, *js;
	const char	*distro;

	ti->symlink = lstat(o->cacerts, &sb) == 0 && S_ISLNK(sb.st_mode);
	ti->cacerts_real = xstrdup(realpath(o->cacerts, real) != NULL ? real :
	    o->cacerts);
	home = o->jre_home != NULL ? xstrdup(o->jre_home) :
	    jre_home_of(o->cacerts);
	if (ti->symlink) {
		ti->shared = home == NULL || realpath(home, hreal) == NULL ||
		    !trust_under(ti->cacerts_real, hreal);
	}
	distro = o->distro_cacerts != NULL ? o->distro_cacerts :
	    SERVER_DISTRO_CACERTS;
	ti->distro = realpath(distro, hreal) != NULL &&
	    strcmp(hreal, ti->cacerts_real) == 0;
	if (ti->symlink)
		step_note(r, "%s is a symlink: the certificate goes into its "
		    "target %s (the link is kept)", o->cacerts,
		    ti->cacerts_real);
	if (ti->shared)
		step_note(r, "%s lies outside the JRE%s%s: it is shared, and "
		    "every JDK linked to it trusts the certificate too",
		    ti->cacerts_real, home != NULL ? " " : "",
		    home != NULL ? home : "");
	if (ti->distro)
		step_note(r, "%s is managed by the distribution "
		    "(ca-certificates-java): `update-ca-certificates -f` "
		    "rebuilds it but keeps entries whose alias does not start "
		    "with \"" TRUST_DISTRO_PREFIX "\", so this one stays; it "
		    "is kept JKS as the package expects", ti->cacerts_real);
	/* The JVM prefers jssecacerts when it exists. */
	if ((js = jre_jssecacerts(o->cacerts)) != NULL)
		step_note(r, "%s exists: the JVM trusts it instead of cacerts; "
		    "import the certificate there too (tlsdeck trust "
		    "--cacerts %s)", js, js);
	free(js);
	free(home);
}

/* Refuse an alias that another certificate holds; see step_trust. */
static int
trust_check(const struct keystore *ks, const char *path, const char *alias,
    struct cert *c, struct step_trust_info *ti, char **cause)
{
	struct ks_entry	*e;

	if ((e = trust_find_same(ks, c)) != NULL) {
		ti->already = true;
		free(ti->existing_alias);
		ti->existing_alias = xstrdup(e->alias);
		return (0);
	}
	if ((e = keystore_find(ks, alias)) != NULL) {
		cause_set(cause, "%s: alias \"%s\" is taken by another "
		    "certificate (%s, \"%s\"): choose another alias", path,
		    alias, ks_etype_name(e->type), e->nchain > 0 ?
		    e->chain[0]->info.subject : "?");
		return (-1);
	}
	return (0);
}

/* trust: see core.h. */
int
step_trust(const struct step_trust_opts *o, struct step_result *r,
    struct step_trust_info *ti, char **cause)
{
	struct keystore	*ks = NULL;
	struct secret	*pass = NULL;
	struct ks_txn	*t = NULL;
	struct ks_entry	*e, *anchor = NULL;
	struct cert	*c = NULL;
	char		*alias = NULL, *a, *desc = NULL, na[32];
	int		 rc = -1;

	memset(r, 0, sizeof *r);
	memset(ti, 0, sizeof *ti);
	if (o->cacerts == NULL) {
		cause_set(cause, "no cacerts file given");
		return (-1);
	}
	if ((o->cert_file == NULL) == (o->from_keystore == NULL &&
	    o->from_ks == NULL)) {
		cause_set(cause, "give either a certificate file or a keystore "
		    "entry to trust");
		return (-1);
	}
	if (o->alias != NULL && step_alias_check(o->alias, cause) != 0)
		return (-1);
	r->cacerts = xstrdup(o->cacerts);
	/* No password, the one given, "changeit", the defaults file's. */
	if (cacerts_open_with(o->cacerts, o->cacerts_pass, o->defaults_file,
	    CACERTS_WRITE, &ks, &pass, &ti->pass_how, &ti->need_pass,
	    cause) != 0)
		goto out;
	ti->passwordless = ks->passwordless;
	r->format = ks->format;
	trust_where(o, ti, r);

	if (o->cert_file != NULL) {
		if (trust_from_file(o->cert_file, &c, &ti->what, cause) != 0)
			goto out;
	} else if (trust_from_keystore(o, ks, &c, &anchor, &ti->what,
	    cause) != 0)
		goto out;
	r->chain = xcalloc(1, sizeof *r->chain);
	r->chain[0] = cert_dup(c);
	r->nchain = 1;
	if (anchor != NULL) {
		ti->already = true;
		ti->existing_alias = xstrdup(anchor->alias);
		ti->nentries = ks->nentries;
		rc = 0;
		goto out;
	}

	a = o->alias != NULL ? xstrdup(o->alias) : step_alias_from_cert(c);
	alias = step_alias_for(ks, a);
	free(a);
	if (ti->distro && strncmp(alias, TRUST_DISTRO_PREFIX,
	    strlen(TRUST_DISTRO_PREFIX)) == 0) {
		cause_set(cause, "%s: aliases starting with \""
		    TRUST_DISTRO_PREFIX "\" belong to ca-certificates-java, "
		    "whose `update-ca-certificates -f` removes them: choose "
		    "another alias", o->cacerts);
		goto out;
	}
	if (trust_check(ks, o->cacerts, alias, c, ti, cause) != 0)
		goto out;
	if (ti->already) {
		ti->nentries = ks->nentries;
		rc = 0;
		goto out;
	}
	if (!chain_self_signed(c) && !c->info.ca)
		step_note(r, "\"%s\" is neither self-signed nor a CA "
		    "certificate: Java trusts it as an anchor for itself only",
		    c->info.subject);
	if (cert_days_left(c, time(NULL)) < 0) {
		time_iso8601(c->info.not_after, na, sizeof na);
		step_note(r, "\"%s\" expired on %s: connections that need it "
		    "will fail", c->info.subject, na);
	}
	r->aliases = xcalloc(1, sizeof *r->aliases);
	r->aliases[0] = xstrdup(alias);
	r->naliases = 1;
	if (o->dry_run) {
		ti->nentries = ks->nentries + 1;
		rc = 0;
		goto out;
	}

	/* Under the lock: load again, check again, add, commit. */
	if (ks_txn_open(o->cacerts, pass, 0, KS_FMT_UNKNOWN, &t, cause) != 0)
		goto out;
	if (trust_check(t->ks, o->cacerts, alias, c, ti, cause) != 0)
		goto out;
	if (ti->already) {
		ti->nentries = t->ks->nentries;
		rc = 0;
		goto out;
	}
	e = ks_entry_new(alias, KS_ENTRY_TRUSTED);
	e->date_ms = step_now_ms();
	ks_entry_add_cert(e, cert_dup(c));
	keystore_add(t->ks, e);
	xasprintf(&desc, "trusted \"%s\" as alias \"%s\"", c->info.subject,
	    alias);
	if (ks_txn_commit(t, "trust", desc, cause) != 0)
		goto out;
	step_result_sw(r, t->sw);
	ti->nentries = t->ks->nentries;
	rc = 0;
out:
	if (rc == 0 && ti->already) {
		/* Nothing written: the result names no new alias. */
		while (r->naliases > 0)
			free(r->aliases[--r->naliases]);
		free(r->aliases);
		r->aliases = NULL;
	}
	ks_txn_close(t);
	keystore_free(ks);
	secret_free(pass);
	cert_free(c);
	free(alias);
	free(desc);
	return (rc);
}

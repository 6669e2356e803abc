/* SPDX-License-Identifier: ISC */
/*
 * step-import.c -- import-reply, import-cert and import-pem: certificates
 * and keys from files into a keystore (docs/formats.md, CA replies).
 *
 * A CA reply is installed as keytool should: the certificate with the
 * entry's public key first, then the chain built by signature from the
 * reply, the keystore and the JRE's cacerts up to a self-signed root; an
 * incomplete chain or an expired certificate is refused unless the caller
 * allows it (keytool -noprompt installs those silently).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "core.h"

/* Borrowed certificates to build chains from, with where each came from. */
struct imp_pool {
	struct cert	**c;
	enum step_anchor *from;
	size_t		  n;
};

static int	imp_preflight(const char *, struct keystore *, struct ks_entry *,
		    struct cert *, const struct step_reply_opts *,
		    struct step_result *, char **);

/* Add a borrowed certificate to the pool (skipping exact duplicates). */
static void
imp_pool_add(struct imp_pool *p, struct cert *c, enum step_anchor from)
{
	size_t	i;

	for (i = 0; i < p->n; i++) {
		if (cert_equal(p->c[i], c)) {
			/* A trusted copy makes the certificate trusted. */
			if (from > p->from[i])
				p->from[i] = from;
			return;
		}
	}
	p->c = xreallocarray(p->c, p->n + 1, sizeof *p->c);
	p->from = xreallocarray(p->from, p->n + 1, sizeof *p->from);
	p->c[p->n] = c;
	p->from[p->n++] = from;
}

/* Add every certificate of a keystore; trusted entries count as anchors. */
static void
imp_pool_add_ks(struct imp_pool *p, const struct keystore *ks,
    enum step_anchor trusted)
{
	struct ks_entry	*e;
	size_t		 i, j;

	for (i = 0; i < ks->nentries; i++) {
		e = ks->entries[i];
		for (j = 0; j < e->nchain; j++)
			imp_pool_add(p, e->chain[j], e->type ==
			    KS_ENTRY_TRUSTED ? trusted : STEP_ANCHOR_REPLY);
	}
}

/* Free the pool's arrays (the certificates are borrowed). */
static void
imp_pool_free(struct imp_pool *p)
{
	free(p->c);
	free(p->from);
}

/* Where a pool certificate came from (REPLY when not in the pool). */
static enum step_anchor
imp_pool_from(const struct imp_pool *p, struct cert *c)
{
	size_t	i;

	for (i = 0; i < p->n; i++) {
		if (cert_equal(p->c[i], c))
			return (p->from[i]);
	}
	return (STEP_ANCHOR_REPLY);
}

/* Read the certificates of several files into one array. */
static int
imp_read_files(const char *const *files, size_t nfiles, struct cert ***out,
    size_t *nout, char **cause)
{
	struct cert	**v = NULL, **c;
	size_t		  n = 0, nc, i, j;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < nfiles; i++) {
		if (certs_read_file(files[i], &c, &nc, cause) != 0) {
			certs_free(v, n);
			return (-1);
		}
		if (nc == 0) {
			cause_set(cause, "%s: contains no certificate",
			    files[i]);
			certs_free(c, nc);
			certs_free(v, n);
			return (-1);
		}
		v = xreallocarray(v, n + nc, sizeof *v);
		for (j = 0; j < nc; j++)
			v[n++] = c[j];
		free(c);
	}
	*out = v;
	*nout = n;
	return (0);
}

/* The cacerts file the caller named, or the default one, loaded. */
static int
imp_cacerts(const char *given, struct keystore **ksp, struct step_result *r,
    char **cause)
{
	char	*path, *c2 = NULL;

	*ksp = NULL;
	path = given != NULL ? xstrdup(given) : step_cacerts_default();
	if (path == NULL)
		return (0);
	if (step_cacerts_load(path, ksp, &c2) != 0) {
		if (given != NULL) {
			cause_set(cause, "%s", c2);
			free(c2);
			free(path);
			return (-1);
		}
		step_note(r, "the JRE's cacerts was not used: %s", c2);
		free(c2);
		free(path);
		return (0);
	}
	r->cacerts = path;
	return (0);
}

/*
 * Build leaf's chain from certs (the files; leaf itself skipped), the
 * keystore ks and cacerts (given or the default, loaded into *cap), in
 * that order; pool collects the candidates and where they came from.
 */
static int
imp_chain(struct cert *leaf, struct cert **certs, size_t n,
    const struct keystore *ks, const char *cacerts, struct keystore **cap,
    struct imp_pool *pool, struct step_result *r, struct cert ***chainp,
    size_t *nchainp, bool *complete, char **cause)
{
	size_t	i;

	if (imp_cacerts(cacerts, cap, r, cause) != 0)
		return (-1);
	for (i = 0; i < n; i++) {
		if (certs[i] != leaf)
			imp_pool_add(pool, certs[i], STEP_ANCHOR_REPLY);
	}
	imp_pool_add_ks(pool, ks, STEP_ANCHOR_KEYSTORE);
	if (*cap != NULL)
		imp_pool_add_ks(pool, *cap, STEP_ANCHOR_CACERTS);
	return (chain_build(leaf, pool->c, pool->n, chainp, nchainp, complete,
	    cause));
}

/* First certificate in the chain that is expired or not yet valid. */
static struct cert *
imp_invalid_cert(struct cert **chain, size_t n, time_t now)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (chain[i]->info.not_after < (int64_t)now ||
		    chain[i]->info.not_before > (int64_t)now)
			return (chain[i]);
	}
	return (NULL);
}

/* "expired on 2026-01-01T00:00:00Z" / "not valid before ..." */
static void
imp_validity_text(const struct cert *c, time_t now, char *buf, size_t len)
{
	char	t[32];

	if (c->info.not_after < (int64_t)now) {
		time_iso8601(c->info.not_after, t, sizeof t);
		snprintf(buf, len, "expired on %s", t);
	} else {
		time_iso8601(c->info.not_before, t, sizeof t);
		snprintf(buf, len, "is not valid before %s", t);
	}
}

/* Copy chain into the result (and record the anchor). */
static void
imp_result_chain(struct step_result *r, struct cert **chain, size_t n,
    bool complete, const struct imp_pool *pool)
{
	size_t	i;

	r->chain = xcalloc(n, sizeof *r->chain);
	for (i = 0; i < n; i++)
		r->chain[r->nchain++] = cert_dup(chain[i]);
	if (!complete)
		r->anchor = STEP_ANCHOR_NONE;
	else if (n == 1)
		r->anchor = STEP_ANCHOR_SELF;
	else
		r->anchor = imp_pool_from(pool, chain[n - 1]);
}

/* Note the given certificates that are not part of the chain. */
static void
imp_note_unused(struct step_result *r, struct cert **given, size_t ngiven,
    struct cert **chain, size_t n)
{
	size_t	i, j, unused = 0;

	for (i = 0; i < ngiven; i++) {
		for (j = 0; j < n; j++) {
			if (cert_equal(given[i], chain[j]))
				break;
		}
		if (j == n) {
			if (unused++ == 0)
				step_note(r, "not part of the chain, not "
				    "installed: \"%s\"",
				    given[i]->info.subject);
		}
	}
	if (unused > 1)
		step_note(r, "(%zu certificates of the files in all were not "
		    "part of the chain)", unused);
}

/* A note when the root is not trusted by the keystore or cacerts. */
static void
imp_note_anchor(struct step_result *r, struct cert **chain, size_t n)
{
	if (r->anchor == STEP_ANCHOR_REPLY)
		step_note(r, "the root \"%s\" is not a trusted certificate of "
		    "the keystore or cacerts: clients must trust it (tlsdeck "
		    "import-cert or trust)", chain[n - 1]->info.subject);
}

/* ------------------------------------------------------------------ */

/* $JAVA_HOME's cacerts, if there is one. */
char *
step_cacerts_default(void)
{
	static const char	*rel[] = { "lib/security/cacerts",
	    "jre/lib/security/cacerts" };
	const char		*jh;
	char			*p;
	size_t			 i;

	if ((jh = getenv("JAVA_HOME")) == NULL || *jh == '\0')
		return (NULL);
	for (i = 0; i < sizeof rel / sizeof rel[0]; i++) {
		xasprintf(&p, "%s/%s", jh, rel[i]);
		if (access(p, R_OK) == 0)
			return (p);
		free(p);
	}
	return (NULL);
}

/* Load a cacerts for its certificates: passwordless, then "changeit". */
int
step_cacerts_load(const char *path, struct keystore **ksp, char **cause)
{
	struct secret	*pw;
	unsigned char	*buf = NULL;
	size_t		 len;
	enum ks_format	 f;
	char		*c2 = NULL;
	int		 rc = -1;

	*ksp = NULL;
	if (file_read(path, &buf, &len, cause) != 0)
		return (-1);
	f = keystore_sniff(buf, len);
	if (f == KS_FMT_JKS || f == KS_FMT_JCEKS) {
		/* Certificates are stored in clear: no password needed. */
		rc = keystore_load_mem(buf, len, path, NULL, KS_LOAD_NOVERIFY,
		    ksp, cause);
		goto out;
	}
	if (keystore_load_mem(buf, len, path, NULL, 0, ksp, &c2) == 0 &&
	    (*ksp)->nentries > 0) {
		rc = 0;
		goto out;
	}
	keystore_free(*ksp);
	*ksp = NULL;
	pw = secret_from_str("changeit");
	rc = keystore_load_mem(buf, len, path, pw, 0, ksp, NULL);
	secret_free(pw);
	if (rc != 0)
		cause_set(cause, "%s", c2 != NULL ? c2 : "cannot read cacerts");
out:
	free(c2);
	free(buf);
	if (rc == 0)
		(*ksp)->path = xstrdup(path);
	return (rc);
}

/* import-reply: see core.h. */
int
step_import_reply(const char *path, const struct secret *storepass,
    const struct step_reply_opts *o, struct step_result *r, char **cause)
{
	struct ks_txn	 *t = NULL;
	struct keystore	 *ca = NULL;
	struct ks_entry	 *e;
	struct cert	**reply = NULL, *leaf = NULL, **chain = NULL, *bad;
	struct imp_pool	  pool = { 0 };
	size_t		  nreply = 0, nchain = 0, i;
	time_t		  now = time(NULL);
	bool		  complete, same;
	char		 *desc = NULL, why[96], sa[CAUSE_SHORT];
	int		  rc = -1;

	memset(r, 0, sizeof *r);
	if (o->alias == NULL || *o->alias == '\0') {
		cause_set(cause, "an alias is needed");
		goto out;
	}
	if (o->nfiles == 0) {
		cause_set(cause, "no reply file given");
		goto out;
	}
	if (imp_read_files(o->files, o->nfiles, &reply, &nreply, cause) != 0)
		goto out;
	if (ks_txn_open(path, storepass, 0, KS_FMT_UNKNOWN, &t, cause) != 0)
		goto out;
	r->format = t->ks->format;
	if ((e = keystore_find(t->ks, o->alias)) == NULL) {
		cause_set(cause, "%s: no entry with alias \"%s\"", path,
		    cause_short(o->alias, sa, sizeof sa));
		goto out;
	}
	if (e->type != KS_ENTRY_KEY || e->nchain == 0) {
		cause_set(cause, "%s: entry \"%s\" is a %s, not a key entry "
		    "(trusted certificates are imported with import-cert)",
		    path, e->alias, ks_etype_name(e->type));
		goto out;
	}

	/* The certificate for the entry's key; a new one before the old. */
	for (i = 0; i < nreply; i++) {
		if (!cert_same_key(reply[i], e->chain[0]))
			continue;
		if (leaf == NULL || cert_equal(leaf, e->chain[0]))
			leaf = reply[i];
	}
	if (leaf == NULL) {
		if (nreply == 1)
			cause_set(cause, "%s: public keys in reply and "
			    "keystore don't match: \"%s\" is not a certificate "
			    "for the key of entry \"%s\"", o->files[0],
			    reply[0]->info.subject, e->alias);
		else
			cause_set(cause, "the reply (%zu certificates) does "
			    "not contain the public key of entry \"%s\" in %s",
			    nreply, e->alias, path);
		goto out;
	}

	/* The chain: from the reply, the keystore, cacerts. */
	if (imp_chain(leaf, reply, nreply, t->ks, o->cacerts, &ca, &pool, r,
	    &chain, &nchain, &complete, cause) != 0)
		goto out;

	same = nchain == e->nchain;
	for (i = 0; same && i < nchain; i++)
		same = cert_equal(chain[i], e->chain[i]);
	if (same) {
		cause_set(cause, "%s: the reply is already installed: entry "
		    "\"%s\" has this certificate and chain", path, e->alias);
		goto out;
	}
	if (!complete) {
		if (!o->allow_untrusted) {
			cause_set(cause, "%s: incomplete chain: \"%s\", the "
			    "issuer of \"%s\", is not in the reply, the "
			    "keystore%s; give the CA's certificates too, or "
			    "allow an untrusted chain", path,
			    chain[nchain - 1]->info.issuer,
			    chain[nchain - 1]->info.subject, ca != NULL ?
			    " or cacerts" : " (no cacerts found)");
			goto out;
		}
		step_note(r, "incomplete chain installed: nothing issued "
		    "\"%s\"", chain[nchain - 1]->info.subject);
	}
	if ((bad = imp_invalid_cert(chain, nchain, now)) != NULL) {
		imp_validity_text(bad, now, why, sizeof why);
		if (!o->allow_untrusted) {
			cause_set(cause, "%s: certificate \"%s\" of the chain "
			    "%s; not installed", path, bad->info.subject, why);
			goto out;
		}
		step_note(r, "certificate \"%s\" of the chain %s",
		    bad->info.subject, why);
	}
	imp_note_unused(r, reply, nreply, chain, nchain);

	/* The renewal preflight: the new certificate against the one it
	 * replaces, and against what the request asked for. */
	if (imp_preflight(path, t->ks, e, leaf, o, r, cause) != 0)
		goto out;

	/* The key is not changed: only its chain (JKS: bit for bit). */
	if (o->keypass != NULL) {
		if (keystore_recover_key(t->ks, e, o->keypass, cause) != 0)
			goto out;
		if (t->ks->format == KS_FMT_PKCS12) {
			/* Re-protected with the store password, and checked
			 * on the way out. */
			explicit_bzero(e->prot, e->prot_len);
			free(e->prot);
			e->prot = NULL;
			e->prot_len = 0;
		}
	}
	imp_result_chain(r, chain, nchain, complete, &pool);
	imp_note_anchor(r, chain, nchain);
	for (i = 0; i < e->nchain; i++)
		cert_free(e->chain[i]);
	e->nchain = 0;
	for (i = 0; i < nchain; i++)
		ks_entry_add_cert(e, cert_dup(chain[i]));
	e->date_ms = step_now_ms();
	r->aliases = xcalloc(1, sizeof *r->aliases);
	r->aliases[r->naliases++] = xstrdup(e->alias);
	xasprintf(&desc, "CA reply for alias %s: chain of %zu to \"%s\"",
	    e->alias, nchain, chain[nchain - 1]->info.subject);
	if (!o->dry_run) {
		if (ks_txn_commit(t, "import-reply", desc, cause) != 0)
			goto out;
		step_result_sw(r, t->sw);
	}
	rc = 0;
out:
	if (rc != 0)
		step_result_free(r);
	free(desc);
	free(chain);
	imp_pool_free(&pool);
	keystore_free(ca);
	certs_free(reply, nreply);
	ks_txn_close(t);
	return (rc);
}

/* ------------------------------------------------------------------ */

/*
 * The preflight of import-reply: the reply's certificate against the one
 * it replaces (o->replaces', else the entry's own), and its SANs against
 * the request's (o->csr, else the entry's current certificate, from which
 * tlsdeck csr copies them).
 */
static int
imp_preflight(const char *path, struct keystore *ks, struct ks_entry *e,
    struct cert *leaf, const struct step_reply_opts *o,
    struct step_result *r, char **cause)
{
	struct ks_entry		*old = e;
	struct renew_facts	 nf;
	struct csr_info		*ci = NULL;
	struct san_list		*asked = NULL;
	X509			*x;
	unsigned char		*buf = NULL;
	size_t			 len;
	char			*against = NULL;
	int			 rc = -1;

	memset(&nf, 0, sizeof nf);
	if (o->replaces != NULL && (old = keystore_find(ks,
	    o->replaces)) == NULL) {
		cause_set(cause, "%s: no entry \"%s\" (the one renewed)",
		    path, o->replaces);
		goto out;
	}
	if (o->csr != NULL) {
		if (file_read(o->csr, &buf, &len, cause) != 0)
			goto out;
		if (csr_info_parse((const char *)buf, len, &ci, cause) != 0) {
			cause_prefix(cause, "%s", o->csr);
			goto out;
		}
		/* the reply's certificate carries the entry's key */
		if ((x = cert_x509(leaf, cause)) == NULL)
			goto out;
		if (!csr_key_matches(ci, X509_get0_pubkey(x))) {
			cause_set(cause, "%s: the request is not for the key "
			    "of entry \"%s\"", o->csr, e->alias);
			goto out;
		}
		asked = ci->san;
		step_note(r, "renewal: the request %s asked for the SANs %s",
		    o->csr, ci->san->n > 0 ? "listed below" : "(none)");
	} else if (san_list_from_info(&e->chain[0]->info, &asked, NULL,
	    cause) != 0)
		goto out;
	if (renew_facts_cert(leaf, &nf, cause) != 0)
		goto out;
	if (old->nchain > 0) {
		xasprintf(&against, "the certificate of \"%s\"", old->alias);
		if (renew_preflight(r, old->chain[0], against, &nf, asked,
		    "ask the CA for them", o->accept_san_loss, o->dry_run, path,
		    cause) != 0)
			goto out;
	}
	rc = 0;
out:
	renew_facts_done(&nf);
	if (ci == NULL)
		san_list_free(asked);
	csr_info_free(ci);
	free(buf);
	free(against);
	return (rc);
}

/* The alias for a certificate: its CN (else O), lower-case, '-' for ' '. */
char *
step_alias_from_cert(const struct cert *c)
{
	static const int	 nids[] = { NID_commonName,
	    NID_organizationalUnitName, NID_organizationName };
	X509			*x;
	const X509_NAME		*nm;
	X509_NAME_ENTRY		*ne;
	unsigned char		*u = NULL;
	char			*a;
	size_t			 i, o;
	int			 k, last, n = -1;

	if ((x = cert_x509((struct cert *)c, NULL)) == NULL)
		return (xstrdup("cert"));
	nm = X509_get_subject_name(x);
	for (i = 0; i < sizeof nids / sizeof nids[0] && n < 0; i++) {
		last = -1;
		while ((k = X509_NAME_get_index_by_NID(nm, nids[i],
		    last)) >= 0)
			last = k;
		if (last < 0)
			continue;
		ne = X509_NAME_get_entry(nm, last);
		n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(ne));
	}
	cause_ssl_clear();
	if (n <= 0) {
		OPENSSL_free(u);
		return (xstrdup("cert"));
	}
	a = xmalloc((size_t)n + 1);
	for (i = 0, o = 0; i < (size_t)n; i++) {
		if (u[i] < 0x20 || u[i] == 0x7f)
			continue;
		if (u[i] == ' ') {
			if (o > 0 && a[o - 1] != '-')
				a[o++] = '-';
		} else if (u[i] >= 'A' && u[i] <= 'Z')
			a[o++] = u[i] + ('a' - 'A');
		else
			a[o++] = u[i];
	}
	while (o > 0 && a[o - 1] == '-')
		o--;
	a[o] = '\0';
	OPENSSL_free(u);
	if (o == 0) {
		free(a);
		return (xstrdup("cert"));
	}
	return (a);
}

/* true if alias is in ks or among the n names of taken. */
static bool
imp_alias_taken(const struct keystore *ks, char **taken, size_t n,
    const char *alias)
{
	size_t	i;

	if (keystore_find(ks, alias) != NULL)
		return (true);
	for (i = 0; i < n; i++) {
		if (strcasecmp(taken[i], alias) == 0)
			return (true);
	}
	return (false);
}

/* The entry whose certificate (trusted cert, or a key's leaf) is c. */
static struct ks_entry *
imp_find_cert(const struct keystore *ks, struct cert *c)
{
	struct ks_entry	*e;
	size_t		 i;

	for (i = 0; i < ks->nentries; i++) {
		e = ks->entries[i];
		if (e->nchain > 0 && cert_equal(e->chain[0], c))
			return (e);
	}
	return (NULL);
}

/* import-cert: see core.h. */
int
step_import_cert(const char *path, const struct secret *storepass,
    const struct step_certs_opts *o, struct step_result *r, char **cause)
{
	struct ks_txn	 *t = NULL;
	struct ks_entry	 *e, *old;
	struct cert	**certs = NULL, **uniq = NULL;
	char		**aliases = NULL, *base = NULL, *a, *fp, *desc = NULL;
	char		  sa[CAUSE_SHORT];
	size_t		  ncerts = 0, nuniq = 0, i, j, k;
	bool		  replaced = false;
	int		  rc = -1;

	memset(r, 0, sizeof *r);
	if (o->nfiles == 0) {
		cause_set(cause, "no certificate file given");
		goto out;
	}
	if (o->alias != NULL && step_alias_check(o->alias, cause) != 0)
		goto out;
	if (imp_read_files(o->files, o->nfiles, &certs, &ncerts, cause) != 0)
		goto out;
	/* Duplicates in the files are imported once. */
	uniq = xcalloc(ncerts, sizeof *uniq);
	for (i = 0; i < ncerts; i++) {
		for (j = 0; j < nuniq; j++) {
			if (cert_equal(uniq[j], certs[i]))
				break;
		}
		if (j == nuniq)
			uniq[nuniq++] = certs[i];
	}
	if (nuniq < ncerts)
		step_note(r, "%zu duplicate certificate(s) in the files "
		    "imported once", ncerts - nuniq);

	if (ks_txn_open(path, storepass, KS_TXN_CREATE, o->storetype, &t,
	    cause) != 0)
		goto out;
	t->owner = o->owner;
	r->format = t->ks->format;
	if (!t->created && o->storetype != KS_FMT_UNKNOWN &&
	    o->storetype != t->ks->format) {
		cause_set(cause, "%s: is a %s keystore, not %s (the store type "
		    "applies to new files)", path,
		    ks_format_name(t->ks->format),
		    ks_format_name(o->storetype));
		goto out;
	}

	/* Refuse certificates already there, under any alias. */
	for (i = 0; i < nuniq; i++) {
		if ((old = imp_find_cert(t->ks, uniq[i])) == NULL)
			continue;
		fp = cert_fp_hex(cert_sha256(uniq[i]), CERT_SHA256_LEN);
		cause_set(cause, "%s: certificate \"%s\" (SHA-256 %s) is "
		    "already present under alias \"%s\" (a %s)", path,
		    uniq[i]->info.subject, fp, old->alias,
		    ks_etype_name(old->type));
		free(fp);
		goto out;
	}

	/* Aliases: as given (A, A-2, ...), else from each CN, unique. */
	aliases = xcalloc(nuniq, sizeof *aliases);
	for (i = 0; i < nuniq; i++) {
		free(base);
		if (o->alias != NULL) {
			if (i == 0)
				a = xstrdup(o->alias);
			else
				xasprintf(&a, "%s-%zu", o->alias, i + 1);
			aliases[i] = step_alias_for(t->ks, a);
			free(a);
			base = NULL;
			if ((old = keystore_find(t->ks, aliases[i])) == NULL)
				continue;
			if (!o->replace || old->type != KS_ENTRY_TRUSTED) {
				cause_set(cause, "%s: alias \"%s\" already "
				    "exists (a %s)%s", path,
				    cause_short(aliases[i], sa, sizeof sa),
				    ks_etype_name(old->type),
				    old->type != KS_ENTRY_TRUSTED ?
				    "; a key entry is never replaced by a "
				    "certificate" : "; choose another alias or "
				    "replace it");
				goto out;
			}
			continue;
		}
		a = step_alias_from_cert(uniq[i]);
		base = step_alias_for(t->ks, a);
		free(a);
		a = xstrdup(base);
		for (k = 2; imp_alias_taken(t->ks, aliases, i, a); k++) {
			free(a);
			xasprintf(&a, "%s-%zu", base, k);
		}
		aliases[i] = a;
	}
	free(base);
	base = NULL;

	for (i = 0; i < nuniq; i++) {
		e = ks_entry_new(aliases[i], KS_ENTRY_TRUSTED);
		e->date_ms = step_now_ms();
		ks_entry_add_cert(e, cert_dup(uniq[i]));
		if (step_put_entry(t->ks, e))
			replaced = true;
	}
	r->replaced = replaced;
	r->created = t->created;
	if (nuniq == 1)
		xasprintf(&desc, "trusted certificate \"%s\" as alias %s",
		    uniq[0]->info.subject,
		    cause_short(aliases[0], sa, sizeof sa));
	else
		xasprintf(&desc, "%zu trusted certificates as aliases %s, ...",
		    nuniq, cause_short(aliases[0], sa, sizeof sa));
	if (!o->dry_run) {
		if (ks_txn_commit(t, "import-cert", desc, cause) != 0)
			goto out;
		step_result_sw(r, t->sw);
	}
	r->aliases = aliases;
	r->naliases = nuniq;
	aliases = NULL;
	r->chain = xcalloc(nuniq, sizeof *r->chain);
	for (i = 0; i < nuniq; i++)
		r->chain[r->nchain++] = cert_dup(uniq[i]);
	rc = 0;
out:
	if (rc != 0)
		step_result_free(r);
	if (aliases != NULL) {
		for (i = 0; i < nuniq; i++)
			free(aliases[i]);
		free(aliases);
	}
	free(base);
	free(desc);
	free(uniq);
	certs_free(certs, ncerts);
	ks_txn_close(t);
	return (rc);
}

/* ------------------------------------------------------------------ */

/* import-pem: see core.h. */
int
step_import_pem(const char *path, const struct secret *storepass,
    const struct step_pem_opts *o, struct step_result *r, char **cause)
{
	struct ks_txn	 *t = NULL;
	struct keystore	 *ca = NULL;
	struct ks_entry	 *e = NULL, *old;
	struct cert	**certs = NULL, *leaf = NULL, **chain = NULL, *bad;
	struct imp_pool	  pool = { 0 };
	EVP_PKEY	 *pk = NULL;
	X509		 *x;
	unsigned char	 *kbuf = NULL;
	size_t		  klen = 0, ncerts = 0, nchain = 0, i;
	time_t		  now = time(NULL);
	bool		  complete;
	char		 *alias = NULL, *desc = NULL, *kd = NULL, why[96];
	char		  sa[CAUSE_SHORT];
	int		  rc = -1;

	memset(r, 0, sizeof *r);
	if (step_alias_check(o->alias, cause) != 0)
		goto out;
	if (o->key_file == NULL || o->ncert_files == 0) {
		cause_set(cause, "a key file and a certificate file are "
		    "needed");
		goto out;
	}
	if (file_read(o->key_file, &kbuf, &klen, cause) != 0)
		goto out;
	if (o->key_passphrase == NULL && pem_key_needs_pass(kbuf, klen)) {
		cause_set(cause, "%s: the key is encrypted: its pass phrase "
		    "is needed", o->key_file);
		goto out;
	}
	if (pem_key_read_mem(kbuf, klen, o->key_file, o->key_passphrase, &pk,
	    cause) != 0)
		goto out;
	if (imp_read_files(o->cert_files, o->ncert_files, &certs, &ncerts,
	    cause) != 0)
		goto out;
	for (i = 0; i < ncerts && leaf == NULL; i++) {
		if ((x = cert_x509(certs[i], NULL)) != NULL &&
		    key_matches_cert(pk, x))
			leaf = certs[i];
	}
	cause_ssl_clear();
	if (leaf == NULL) {
		kd = key_describe(pk);
		cause_set(cause, "%s: the key (%s) matches none of the %zu "
		    "certificate(s) in %s%s", o->key_file, kd, ncerts,
		    o->cert_files[0], o->ncert_files > 1 ? ", ..." : "");
		goto out;
	}

	if (ks_txn_open(path, storepass, KS_TXN_CREATE, o->storetype, &t,
	    cause) != 0)
		goto out;
	t->owner = o->owner;
	r->format = t->ks->format;
	if (!t->created && o->storetype != KS_FMT_UNKNOWN &&
	    o->storetype != t->ks->format) {
		cause_set(cause, "%s: is a %s keystore, not %s (the store type "
		    "applies to new files)", path,
		    ks_format_name(t->ks->format),
		    ks_format_name(o->storetype));
		goto out;
	}
	alias = step_alias_for(t->ks, o->alias);
	if ((old = keystore_find(t->ks, alias)) != NULL && !o->replace) {
		cause_set(cause, "%s: alias \"%s\" already exists (a %s); "
		    "choose another alias or replace it", path,
		    cause_short(alias, sa, sizeof sa),
		    ks_etype_name(old->type));
		goto out;
	}

	/* The chain, leaf first, completed where possible. */
	if (imp_chain(leaf, certs, ncerts, t->ks, o->cacerts, &ca, &pool, r,
	    &chain, &nchain, &complete, cause) != 0)
		goto out;
	if (!complete)
		step_note(r, "the chain ends at \"%s\": its issuer is not in "
		    "the files, the keystore or cacerts",
		    chain[nchain - 1]->info.subject);
	if ((bad = imp_invalid_cert(chain, nchain, now)) != NULL) {
		imp_validity_text(bad, now, why, sizeof why);
		step_note(r, "certificate \"%s\" of the chain %s",
		    bad->info.subject, why);
	}
	imp_note_unused(r, certs, ncerts, chain, nchain);

	e = ks_entry_new(alias, KS_ENTRY_KEY);
	e->date_ms = step_now_ms();
	for (i = 0; i < nchain; i++)
		ks_entry_add_cert(e, cert_dup(chain[i]));
	e->pkey = pk;
	pk = NULL;
	step_set_keypass(t->ks, e, o->keypass, storepass, r);
	imp_result_chain(r, chain, nchain, complete, &pool);
	imp_note_anchor(r, chain, nchain);
	kd = key_describe(e->pkey);
	xasprintf(&desc, "key entry %s from %s (%s), chain of %zu",
	    cause_short(alias, sa, sizeof sa), o->key_file, kd, nchain);
	r->replaced = step_put_entry(t->ks, e);
	e = NULL;
	r->created = t->created;
	r->aliases = xcalloc(1, sizeof *r->aliases);
	r->aliases[r->naliases++] = xstrdup(alias);
	if (!o->dry_run) {
		if (ks_txn_commit(t, "import-pem", desc, cause) != 0)
			goto out;
		step_result_sw(r, t->sw);
	}
	rc = 0;
out:
	if (rc != 0)
		step_result_free(r);
	if (kbuf != NULL) {
		explicit_bzero(kbuf, klen);
		free(kbuf);
	}
	EVP_PKEY_free(pk);
	ks_entry_free(e);
	free(alias);
	free(desc);
	free(kd);
	free(chain);
	imp_pool_free(&pool);
	keystore_free(ca);
	certs_free(certs, ncerts);
	ks_txn_close(t);
	return (rc);
}

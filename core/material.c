/* SPDX-License-Identifier: ISC */
/*
 * material.c -- opening a key material of the model (docs/server-model.md,
 * Key materials): a keystore file with the passwords its settings give,
 * or PEM certificate and key files (or PEM text inside a setting) loaded
 * as a keystore of format PEM with one key entry; the key entry the alias
 * names, its key recovered and checked against its certificate; the chain
 * it sends, completed from the keystore and the JRE's cacerts, and
 * whether that JRE trusts it.  Problems become findings about the
 * material, pointing at the settings that chose it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "srvload.h"

/* audit_add about a material: where its setting key is. */
#define MAT_ADD(s, mat, code, sev, key, alias, fix, ...) do {		\
	const char	*f_;						\
	int		 l_;						\
	srv_where((s), (key), &f_, &l_);				\
	audit_add((s)->m, (code), (sev), f_, l_, (alias), (key), (fix),	\
	    __VA_ARGS__)->material = (mat);				\
} while (0)

/* What to call a material in messages: "keystore", "trust store". */
static const char *
mat_noun(const struct key_material *mat)
{
	return (mat->role == KM_ROLE_CLIENT_TRUST ? "trust store" :
	    "keystore");
}

/* Record the file's owner and mode. */
static void
mat_stat(struct key_material *mat, const struct stat *sb)
{
	mat->mode = sb->st_mode & 07777;
	mat->uid = (int)sb->st_uid;
	mat->gid = (int)sb->st_gid;
}

/* ------------------------------------------------------------------ */
/* Keystore files */

/* Try to load the keystore bytes. */
static struct keystore *
mat_ks_try(const unsigned char *buf, size_t len, const char *path,
    const struct secret *pass, int flags, char **cause)
{
	struct keystore	*ks = NULL;

	if (keystore_load_mem(buf, len, path, pass, flags, &ks, cause) != 0)
		return (NULL);
	ks->path = xstrdup(path);
	return (ks);
}

/* Read a material's file: 0 with the bytes, -1 with a finding. */
static int
mat_file(struct srvload *s, struct key_material *mat, const char *path,
    const char *key, unsigned char **buf, size_t *len)
{
	struct stat	 sb;
	char		*c = NULL, *fix;
	int		 saved;
	const char	*noun = mat_noun(mat);

	if (stat(path, &sb) != 0) {
		saved = errno;
		xasprintf(&mat->ks_error, "%s: %s", path, strerror(saved));
		if (saved == ENOENT || saved == ENOTDIR) {
			xasprintf(&fix, "%s or correct %s", mat->role ==
			    KM_ROLE_CLIENT_TRUST || mat->where == KM_PEM ?
			    "create it" : "create the keystore (New key pair)",
			    key != NULL ? key : "the setting");
			MAT_ADD(s, mat, "keystore-missing", SEV_CRIT, key,
			    NULL, fix, "%s %s does not exist",
			    mat->where == KM_PEM ? "file" : noun, path);
			free(fix);
		} else
			MAT_ADD(s, mat, "keystore-unreadable", SEV_WARN, key,
			    NULL, "run tlsdeck as root or as the server's "
			    "user", "cannot look at %s %s: %s", noun, path,
			    strerror(saved));
		return (-1);
	}
	if (S_ISDIR(sb.st_mode)) {
		xasprintf(&mat->ks_error, "%s: is a directory", path);
		MAT_ADD(s, mat, "keystore-is-directory", SEV_CRIT, key, NULL,
		    "name the keystore file itself (e.g. "
		    ".../conf/ssl/keystore.p12)", "%s names a directory: %s",
		    key != NULL ? key : noun, path);
		return (-1);
	}
	if (!S_ISREG(sb.st_mode)) {
		xasprintf(&mat->ks_error, "%s: not a regular file", path);
		MAT_ADD(s, mat, "keystore-corrupt", SEV_CRIT, key, NULL,
		    "name the keystore file itself", "cannot read %s: %s",
		    noun, mat->ks_error);
		return (-1);
	}
	if (mat->uid == -1)
		mat_stat(mat, &sb);
	if (file_read(path, buf, len, &c) != 0) {
		mat->ks_error = c;
		MAT_ADD(s, mat, "keystore-unreadable", SEV_WARN, key, NULL,
		    "run tlsdeck as root or as the server's user", "cannot "
		    "read the %s: %s", noun, c);
		return (-1);
	}
	return (0);
}

/* The fix for a missing password. */
static char *
mat_pass_fix(const struct key_material *mat)
{
	char	*fix;

	xasprintf(&fix, "set %s (tlsdeck configure --set-env %s=VAR)",
	    mat->keys.storepass, mat->keys.storepass);
	return (fix);
}

/* Open a keystore file with the password its settings give. */
static void
mat_keystore_open(struct srvload *s, struct key_material *mat)
{
	const char	*path = mat->path, *k = mat->keys.store;
	const char	*kp = mat->keys.storepass;
	unsigned char	*buf = NULL;
	size_t		 len = 0;
	struct keystore	*ks = NULL;
	char		*c = NULL, *c2 = NULL, *fix;
	bool		 trust = mat->role == KM_ROLE_CLIENT_TRUST;

	if (mat_file(s, mat, path, k, &buf, &len) != 0)
		return;
	if ((ks = mat_ks_try(buf, len, path, mat->storepass, 0, &c)) != NULL) {
		if (mat->storepass != NULL || ks->passwordless)
			mat->opened = true;
		else if (!trust && kp != NULL) {
			/* JKS listed without its password. */
			fix = mat_pass_fix(mat);
			MAT_ADD(s, mat, "keystore-password-missing", SEV_CRIT,
			    kp, NULL, fix, "%s is not set; %s keystore %s "
			    "needs one", kp, ks_format_name(ks->format), path);
			free(fix);
		}
		goto out;
	}
	/* Readable without the password?  Then the password is wrong. */
	ks = mat_ks_try(buf, len, path, NULL, KS_LOAD_NOVERIFY, &c2);
	if (ks != NULL && mat->storepass == NULL) {
		mat->ks_error = c;
		c = NULL;
		if (kp != NULL) {
			fix = mat_pass_fix(mat);
			MAT_ADD(s, mat, "keystore-password-missing", SEV_CRIT,
			    kp, NULL, fix, "%s is not set; %s %s needs one",
			    kp, mat_noun(mat), path);
			free(fix);
		}
	} else if (ks != NULL && (strstr(c, "incorrect") != NULL ||
	    ks->format == KS_FMT_JKS || ks->format == KS_FMT_JCEKS)) {
		mat->ks_error = c;
		c = NULL;
		xasprintf(&fix, "correct %s (SSL settings form)",
		    kp != NULL ? kp : "the password");
		MAT_ADD(s, mat, "keystore-password-wrong", SEV_CRIT, kp, NULL,
		    fix, "%s does not open %s (the server will not start)",
		    kp != NULL ? kp : "the password", path);
		free(fix);
	} else {
		mat->ks_error = c;
		c = NULL;
		MAT_ADD(s, mat, "keystore-corrupt", SEV_CRIT, k, NULL,
		    "restore the keystore from a backup (tlsdeck history) or "
		    "create a new one", "cannot read %s: %s", mat_noun(mat),
		    mat->ks_error);
	}
out:
	mat->ks = ks;
	free(c);
	free(c2);
	OPENSSL_cleanse(buf, len);
	free(buf);
}

/* The key entries of ks as "\"a\", \"b\"" (malloc'd) and their count. */
static char *
mat_key_list(const struct keystore *ks, size_t *nkeys, struct ks_entry **first)
{
	char	*list = NULL, *t;
	size_t	 i;

	*nkeys = 0;
	*first = NULL;
	for (i = 0; i < ks->nentries; i++) {
		if (ks->entries[i]->type != KS_ENTRY_KEY)
			continue;
		if ((*nkeys)++ == 0)
			*first = ks->entries[i];
		xasprintf(&t, "%s%s\"%s\"", list != NULL ? list : "",
		    list != NULL ? ", " : "", ks->entries[i]->alias);
		free(list);
		list = t;
	}
	return (list);
}

/* The key does not belong to the certificate. */
static void
mat_mismatch(struct srvload *s, struct key_material *mat,
    const struct ks_entry *e)
{
	audit_add(s->m, "key-cert-mismatch", SEV_CRIT, mat->path, 0, e->alias,
	    NULL, "import the certificate issued for this key (Import CA "
	    "reply), or make a new key pair", "the certificate of \"%s\" "
	    "does not belong to its private key", e->alias)->material = mat;
}

/* Find the alias's key entry and recover its key. */
static void
mat_key_entry(struct srvload *s, struct key_material *mat)
{
	struct keystore		*ks = mat->ks;
	struct ks_entry		*e = NULL;
	const struct secret	*kp;
	struct x509_st		*x;
	const char		*ka = mat->keys.alias;
	char			*c = NULL, *list, *fix;
	size_t			 nkeys;

	list = mat_key_list(ks, &nkeys, &e);
	if (mat->alias != NULL) {
		e = keystore_find(ks, mat->alias);
		if (e == NULL) {
			xasprintf(&fix, "set %s to a key entry of the "
			    "keystore", ka != NULL ? ka : "the alias");
			MAT_ADD(s, mat, "alias-missing", SEV_CRIT, ka, NULL,
			    fix, "keystore %s has no entry \"%s\"%s%s",
			    mat->path, mat->alias, list != NULL ?
			    "; key entries: " : " and no key entry at all",
			    list != NULL ? list : "");
			free(fix);
			goto out;
		}
		if (e->type != KS_ENTRY_KEY) {
			xasprintf(&fix, "point %s at the key entry",
			    ka != NULL ? ka : "the alias");
			MAT_ADD(s, mat, "alias-not-key", SEV_CRIT, ka,
			    e->alias, fix, "\"%s\" is a %s, not a key entry: "
			    "the server has no private key to serve%s%s",
			    e->alias, ks_etype_name(e->type), list != NULL ?
			    "; key entries: " : "", list != NULL ? list : "");
			free(fix);
			e = NULL;
			goto out;
		}
	} else if (nkeys == 0) {
		audit_add(s->m, "no-key-entry", SEV_CRIT, mat->path, 0, NULL,
		    NULL, "create a key pair in it (New key pair) or import "
		    "one (Import key + certificate)", "the keystore holds no "
		    "key entry: nothing to serve")->material = mat;
		goto out;
	} else if (nkeys > 1 && ka != NULL) {
		xasprintf(&fix, "set %s", ka);
		MAT_ADD(s, mat, "alias-unset", SEV_WARN, ka, NULL, fix,
		    "%s is not set and the keystore has %zu key entries (%s): "
		    "the server picks one; showing \"%s\"", ka, nkeys, list,
		    e->alias);
		free(fix);
	}
	if (e->flags & KS_EF_ALIAS_NOT_LOWER)
		audit_add(s->m, "alias-not-lowercase", SEV_CRIT, mat->path, 0,
		    e->alias, NULL, "rename the entry to lower case (tlsdeck "
		    "rename)", "JKS entry \"%s\" is stored with upper-case "
		    "letters: Java cannot look it up", e->alias)->material =
		    mat;
	mat->key_entry = e;
	if (mat->alias == NULL)
		mat->alias = xstrndup(e->alias, e->alias_len);

	/* The key: the key password, else the store password. */
	if (!mat->opened && !ks->passwordless)
		goto out;
	kp = mat->keypass != NULL ? mat->keypass : mat->storepass;
	if (keystore_recover_key(ks, e, kp, &c) != 0) {
		if (strstr(c, "does not match") != NULL)
			mat_mismatch(s, mat, e);
		else if (mat->keypass != NULL) {
			xasprintf(&fix, "correct %s", mat->keys.keypass);
			MAT_ADD(s, mat, "key-password-wrong", SEV_CRIT,
			    mat->keys.keypass, e->alias, fix, "%s does not "
			    "open key \"%s\": %s", mat->keys.keypass,
			    e->alias, c);
			free(fix);
		} else {
			const char	*f;
			int		 l;

			xasprintf(&fix, "set %s to the key's own password",
			    mat->keys.keypass != NULL ? mat->keys.keypass :
			    "the key password");
			srv_where(s, mat->keys.storepass, &f, &l);
			audit_add(s->m, "key-password-wrong", SEV_CRIT, f, l,
			    e->alias, mat->keys.keypass, fix, "the key-store "
			    "password does not open key \"%s\" and %s is not "
			    "set: %s", e->alias, mat->keys.keypass != NULL ?
			    mat->keys.keypass : "no key password",
			    c)->material = mat;
			free(fix);
		}
		goto out;
	}
	if (e->nchain > 0 && e->pkey != NULL &&
	    (x = cert_x509(e->chain[0], NULL)) != NULL &&
	    !key_matches_cert(e->pkey, x))
		mat_mismatch(s, mat, e);
out:
	free(list);
	free(c);
}

/* ------------------------------------------------------------------ */
/* PEM */

/* The bytes of a PEM location: inline text, or a file. */
static int
mat_pem_bytes(struct srvload *s, struct key_material *mat, const char *text,
    size_t textlen, const char *path, const char *key, unsigned char **buf,
    size_t *len)
{
	if (text != NULL) {
		*buf = xmemdup(text, textlen + 1);
		*len = textlen;
		return (0);
	}
	return (mat_file(s, mat, path, key, buf, len));
}

/* PEM certificate (and chain) and private key as a keystore of format
 * PEM: one key entry, or trusted entries for a trust material. */
static void
mat_pem_open(struct srvload *s, struct key_material *mat)
{
	unsigned char	*buf = NULL, *kbuf = NULL;
	size_t		 len = 0, klen = 0, n = 0, i;
	struct cert	**certs = NULL;
	struct keystore	*ks;
	struct ks_entry	*e;
	struct x509_st	*x;
	char		*c = NULL, *alias, *fix;
	const char	*name;

	name = mat->inline_cert != NULL ? mat->keys.cert : mat->cert_path;
	if (mat_pem_bytes(s, mat, mat->inline_cert, mat->inline_cert != NULL ?
	    strlen(mat->inline_cert) : 0, mat->cert_path, mat->keys.cert, &buf,
	    &len) != 0)
		return;
	if (certs_read_mem(buf, len, name, &certs, &n, &c) != 0 || n == 0) {
		if (c == NULL)
			xasprintf(&c, "%s: no certificate", name);
		mat->ks_error = c;
		MAT_ADD(s, mat, "keystore-corrupt", SEV_CRIT, mat->keys.cert,
		    NULL, "write the PEM certificate (chain) there",
		    "cannot read the certificate: %s", c);
		free(buf);
		return;
	}
	free(buf);
	ks = keystore_new(KS_FMT_PEM);
	ks->path = xstrdup(name);
	ks->verified = true;
	mat->ks = ks;
	mat->opened = true;
	if (mat->role == KM_ROLE_CLIENT_TRUST || (mat->key_path == NULL &&
	    mat->inline_key == NULL)) {
		for (i = 0; i < n; i++) {
			xasprintf(&alias, "%s-%zu", mat->alias != NULL ?
			    mat->alias : "ssl", i);
			e = ks_entry_new(alias, KS_ENTRY_TRUSTED);
			ks_entry_add_cert(e, certs[i]);
			keystore_add(ks, e);
			free(alias);
		}
		free(certs);
		return;
	}
	e = ks_entry_new(mat->alias != NULL ? mat->alias : "ssl",
	    KS_ENTRY_KEY);
	for (i = 0; i < n; i++)
		ks_entry_add_cert(e, certs[i]);
	free(certs);
	keystore_add(ks, e);
	mat->key_entry = e;
	if (mat->alias == NULL)
		mat->alias = xstrdup("ssl");

	/* The key, checked against the certificate. */
	if (mat_pem_bytes(s, mat, mat->inline_key != NULL ?
	    mat->inline_key->buf : NULL, mat->inline_key != NULL ?
	    mat->inline_key->len : 0, mat->key_path, mat->keys.key, &kbuf,
	    &klen) != 0)
		return;
	if (pem_key_read_mem(kbuf, klen, mat->inline_key != NULL ?
	    mat->keys.key : mat->key_path, mat->keypass, &e->pkey, &c) != 0) {
		if (pem_key_needs_pass(kbuf, klen)) {
			xasprintf(&fix, "%s%s", mat->keys.keypass != NULL ?
			    "set or correct " : "store the key unencrypted "
			    "(the server has no setting for its pass phrase)",
			    mat->keys.keypass != NULL ? mat->keys.keypass :
			    "");
			MAT_ADD(s, mat, "key-password-wrong", SEV_CRIT,
			    mat->keys.keypass != NULL && mat->keypass !=
			    NULL ? mat->keys.keypass : mat->keys.key,
			    e->alias, fix, "the private key %s is encrypted "
			    "and %s: %s", mat->inline_key != NULL ?
			    mat->keys.key : mat->key_path, mat->keypass != NULL ?
			    "the pass phrase does not open it" : "no pass "
			    "phrase is set", c);
			free(fix);
		} else {
			mat->ks_error = c;
			c = NULL;
			MAT_ADD(s, mat, "keystore-corrupt", SEV_CRIT,
			    mat->keys.key, NULL, "write the PEM private key "
			    "there", "cannot read the private key: %s",
			    mat->ks_error);
		}
		goto out;
	}
	if ((x = cert_x509(e->chain[0], NULL)) != NULL &&
	    !key_matches_cert(e->pkey, x))
		mat_mismatch(s, mat, e);
out:
	free(c);
	OPENSSL_cleanse(kbuf, klen);
	free(kbuf);
}

void
srv_material_open(struct srvload *s, struct key_material *mat)
{
	switch (mat->where) {
	case KM_KEYSTORE:
		mat_keystore_open(s, mat);
		if (mat->ks != NULL && mat->role != KM_ROLE_CLIENT_TRUST)
			mat_key_entry(s, mat);
		break;
	case KM_PEM:
	case KM_PEM_INLINE:
		mat_pem_open(s, mat);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* PKCS#12 algorithms the JRE cannot read (docs/formats.md). */

void
srv_material_p12_compat(struct srvload *s, struct key_material *mat)
{
	struct server_model	*m = s->m;
	const struct ks_p12_params *pp;
	const char		*what = NULL;

	if (mat->ks == NULL || mat->ks->format != KS_FMT_PKCS12 ||
	    jre_reads_new_pkcs12(m->jre.major, m->jre.update) != 0)
		return;
	pp = &mat->ks->p12;
	if (pp->key_pbe_nid == NID_aes_256_cbc ||
	    pp->key_pbe_nid == NID_aes_128_cbc ||
	    pp->key_pbe_nid == NID_aes_192_cbc)
		what = "AES (PBES2) key encryption";
	else if (pp->cert_pbe_nid == NID_aes_256_cbc ||
	    pp->cert_pbe_nid == NID_aes_128_cbc ||
	    pp->cert_pbe_nid == NID_aes_192_cbc)
		what = "AES (PBES2) certificate encryption";
	else if (pp->mac && pp->mac_md_nid != NID_sha1 &&
	    pp->mac_md_nid != NID_undef && pp->mac_md_nid != 0)
		what = "a SHA-2 integrity MAC";
	if (what == NULL)
		return;
	audit_add(m, "pkcs12-too-new", SEV_CRIT, mat->path, 0, NULL, NULL,
	    "rewrite the keystore with legacy algorithms (keytool "
	    "-J-Dkeystore.pkcs12.legacy ...) or update the JRE",
	    "the keystore uses %s, which Java %s cannot read (needs 8u301, "
	    "11.0.12 or 12+)", what, m->jre.version)->material = mat;
}

/* ------------------------------------------------------------------ */
/* The chain it sends and its trust */

/* Is c (or a certificate with its subject and key) in the truststore? */
static struct ks_entry *
mat_trusted(struct keystore *trust, struct cert *c)
{
	struct ks_entry	*e;
	struct cert	*t;
	size_t		 i;

	for (i = 0; i < trust->nentries; i++) {
		e = trust->entries[i];
		if (e->type != KS_ENTRY_TRUSTED || e->nchain == 0)
			continue;
		t = e->chain[0];
		if (cert_equal(t, c))
			return (e);
	}
	for (i = 0; i < trust->nentries; i++) {
		e = trust->entries[i];
		if (e->type != KS_ENTRY_TRUSTED || e->nchain == 0)
			continue;
		t = e->chain[0];
		if (t->info.subject_der.len == c->info.subject_der.len &&
		    memcmp(t->info.subject_der.p, c->info.subject_der.p,
		    t->info.subject_der.len) == 0 && cert_same_key(t, c))
			return (e);
	}
	return (NULL);
}

void
srv_material_trust(struct srvload *s, struct key_material *mat)
{
	struct server_model	*m = s->m;
	struct ks_entry		*e = mat->key_entry, *te;
	struct keystore		*tr = m->jre.trust;
	struct cert		**pool = NULL, *top;
	size_t			 npool = 0, i, k, c;
	const char		*store;

	if (mat->role == KM_ROLE_CLIENT_TRUST)
		return;
	if (e == NULL || e->nchain == 0) {
		mat->trust_note = xstrdup("no server certificate to check");
		return;
	}
	mat->nsent = e->nchain;
	for (k = 0; k < 2; k++) {
		struct keystore	*src = k == 0 ? mat->ks : tr;

		if (src == NULL)
			continue;
		for (i = 0; i < src->nentries; i++) {
			for (c = 0; c < src->entries[i]->nchain; c++) {
				pool = xreallocarray(pool, npool + 1,
				    sizeof *pool);
				pool[npool++] = src->entries[i]->chain[c];
			}
		}
	}
	if (chain_build(e->chain[0], pool, npool, &mat->chain, &mat->nchain,
	    &mat->chain_complete, NULL) != 0) {
		mat->chain = NULL;
		mat->nchain = 0;
	}
	free(pool);
	if (tr == NULL) {
		xasprintf(&mat->trust_note, "trust not checked: %s",
		    m->jre.trust_error != NULL ? m->jre.trust_error :
		    "no cacerts");
		return;
	}
	for (i = 0; i < mat->nchain; i++) {
		if ((te = mat_trusted(tr, mat->chain[i])) != NULL) {
			mat->trusted = true;
			mat->trusted_alias = xstrndup(te->alias,
			    te->alias_len);
			break;
		}
	}
	store = path_basename(m->jre.jssecacerts ? m->jre.jssecacerts_path :
	    m->jre.cacerts);
	top = mat->nchain > 0 ? mat->chain[mat->nchain - 1] : e->chain[0];
	if (mat->trusted && i == 0)
		xasprintf(&mat->trust_note, "the server certificate itself is "
		    "in %s as \"%s\"", store, mat->trusted_alias);
	else if (mat->trusted)
		xasprintf(&mat->trust_note, "server chain -> %s \"%s\", "
		    "trusted as \"%s\"", mat->chain[i]->info.self_signed ?
		    "root" : "CA", mat->chain[i]->info.subject,
		    mat->trusted_alias);
	else if (!mat->chain_complete)
		xasprintf(&mat->trust_note, "chain incomplete: no issuer for "
		    "\"%s\" in the keystore or cacerts", top->info.subject);
	else
		xasprintf(&mat->trust_note, "root \"%s\" is not in %s",
		    top->info.subject, store);
}

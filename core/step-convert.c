/* SPDX-License-Identifier: ISC */
/*
 * step-convert.c -- a keystore into another format or PKCS#12 profile
 * (docs/formats.md, Converting a keystore): what keytool -importkeystore
 * does, without its pitfalls.  Every entry Java loads is carried over; every
 * key is recovered and protected again with the store password (Spring
 * Boot, Tomcat and most tools assume the two are equal); a PKCS#12 target
 * gets the profile asked for, bag by bag as keytool writes it.  In place,
 * the file is replaced through ks_txn (locked, verified, backed up); a new
 * file is created the same way and never replaces one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"

/* Free the protected form of an entry so the writer protects it anew. */
static void
conv_drop_prot(struct ks_entry *e)
{
	if (e->prot != NULL) {
		explicit_bzero(e->prot, e->prot_len);
		free(e->prot);
	}
	e->prot = NULL;
	e->prot_len = 0;
	secret_free(e->keypass);
	e->keypass = NULL;
}

/* The key password given for one entry, or NULL. */
static const struct secret *
conv_given(const struct step_convert_opts *o, const struct ks_entry *e)
{
	size_t	i;

	for (i = 0; i < o->nkeypasses; i++) {
		if (o->keypasses[i].alias != NULL &&
		    strcmp(o->keypasses[i].alias, e->alias) == 0)
			return (o->keypasses[i].pass);
	}
	return (NULL);
}

/* Does a recovery failure mean the password was not the right one? */
static bool
conv_wrong_password(const char *c)
{
	return (c != NULL && (strstr(c, "wrong key password") != NULL ||
	    strstr(c, "password is incorrect") != NULL ||
	    strstr(c, "password needed") != NULL ||
	    strstr(c, "password is required") != NULL));
}

/*
 * Recover the key (or secret key) of e: the password given for it, the
 * store password, then o->keypass.  *own: another password than the store
 * password opened it.
 */
static int
conv_recover(struct keystore *ks, struct ks_entry *e,
    const struct secret *storepass, const struct step_convert_opts *o,
    bool *own, struct step_convert_info *info, char **cause)
{
	const struct secret	*cand[3];
	const char		*what;
	char			*c2 = NULL, *last = NULL;
	size_t			 i, n = 0;
	int			 r;

	*own = false;
	what = e->type == KS_ENTRY_SECRET ? "secret key" : "key";
	if ((cand[n] = conv_given(o, e)) != NULL)
		n++;
	if (storepass != NULL)
		cand[n++] = storepass;
	if (o->keypass != NULL)
		cand[n++] = o->keypass;
	for (i = 0; i < n; i++) {
		if (e->type == KS_ENTRY_SECRET)
			r = keystore_recover_secret(ks, e, cand[i], &c2);
		else
			r = keystore_recover_key(ks, e, cand[i], &c2);
		if (r == 0) {
			*own = storepass == NULL || !secret_equal(cand[i],
			    storepass);
			free(last);
			return (0);
		}
		free(last);
		last = c2;
		c2 = NULL;
		if (!conv_wrong_password(last))
			break;
	}
	if (n == 0 || conv_wrong_password(last)) {
		free(info->need_keypass);
		info->need_keypass = xstrdup(e->alias);
		if (n == 0)
			cause_set(cause, "%s: %s entry \"%s\": a password is "
			    "needed to recover it", ks->path, what, e->alias);
		else if (n == 1 && storepass != NULL)
			cause_set(cause, "%s: %s entry \"%s\" has its own key "
			    "password (the store password does not open it): "
			    "give it with --keypass-env or --keypass-file",
			    ks->path, what, e->alias);
		else
			cause_set(cause, "%s: %s entry \"%s\": wrong key "
			    "password (neither the one given nor the store "
			    "password opens it)", ks->path, what, e->alias);
	} else
		cause_set(cause, "%s", last);
	free(last);
	return (-1);
}

/* Lower-case an alias as the target stores it (JKS: ASCII and Latin-1
 * capitals; PKCS#12 keys: ASCII).  malloc'd. */
static char *
conv_lower(const char *a, size_t len, enum ks_format to)
{
	unsigned char	*s;
	size_t		 i;

	s = xmalloc(len + 1);
	memcpy(s, a, len);
	s[len] = '\0';
	for (i = 0; i < len; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] += 'a' - 'A';
		else if (to == KS_FMT_JKS && s[i] == 0xc3 && i + 1 < len &&
		    s[i + 1] >= 0x80 && s[i + 1] <= 0x9e && s[i + 1] != 0x97) {
			s[i + 1] += 0x20;
			i++;
		}
	}
	return ((char *)s);
}

/* Give e the alias Java shows in the target (and the stored form a
 * PKCS#12 trusted entry keeps). */
static void
conv_alias(struct ks_entry *e, enum ks_format to, struct step_result *r)
{
	const char	*sa;
	char		*stored, *lower;
	size_t		 salen;

	sa = ks_entry_stored_alias(e, &salen);
	stored = xmalloc(salen + 1);
	memcpy(stored, sa, salen);
	stored[salen] = '\0';
	lower = conv_lower(stored, salen, to);
	if (e->flags & KS_EF_ALIAS_NOT_LOWER)
		step_note(r, "entry \"%s\": Java could not look it up in the "
		    "JKS file (upper-case letters); it is \"%s\" now", stored,
		    lower);
	e->flags &= ~KS_EF_ALIAS_NOT_LOWER;
	free(e->stored_alias);
	e->stored_alias = NULL;
	e->stored_alias_len = 0;
	if (to == KS_FMT_PKCS12 && e->type == KS_ENTRY_TRUSTED &&
	    memcmp(lower, stored, salen) != 0) {
		e->stored_alias = stored;
		e->stored_alias_len = salen;
		stored = NULL;
	}
	free(e->alias);
	e->alias = lower;
	e->alias_len = salen;
	free(stored);
}

/* The target profile, or -1 after a refusal. */
static int
conv_profile(const struct keystore *src, const struct step_convert_opts *o,
    enum ks_profile *prof, char **cause)
{
	enum ks_profile	from = keystore_profile(src);

	*prof = KS_PROFILE_NONE;
	if (o->to == KS_FMT_JKS) {
		if (o->profile != KS_PROFILE_NONE) {
			cause_set(cause, "a profile is for PKCS12 targets, not "
			    "JKS");
			return (-1);
		}
		if (src->format == KS_FMT_JKS) {
			cause_set(cause, "%s: is a JKS keystore already",
			    src->path);
			return (-1);
		}
		return (0);
	}
	if (o->profile == KS_PROFILE_NONE && src->format == KS_FMT_PKCS12) {
		cause_set(cause, "%s: is a PKCS12 keystore already (profile "
		    "%s); give a profile to change it to", src->path,
		    ks_profile_name(from));
		return (-1);
	}
	*prof = o->profile != KS_PROFILE_NONE ? o->profile :
	    KS_PROFILE_MODERN;
	if (src->format == KS_FMT_PKCS12 && *prof == from) {
		cause_set(cause, "%s: is a PKCS12 keystore with the %s profile "
		    "already: nothing to convert", src->path,
		    ks_profile_name(from));
		return (-1);
	}
	if (*prof == KS_PROFILE_LEGACY && !pkcs12_legacy_available()) {
		cause_set(cause, "the legacy profile needs OpenSSL's legacy "
		    "provider (RC2 and 3DES), which could not be loaded");
		return (-1);
	}
	return (0);
}

/* One entry: checked, recovered, renamed for the target; a plan line. */
static int
conv_entry(struct keystore *ks, struct ks_entry *e,
    const struct secret *storepass, const struct step_convert_opts *o,
    enum ks_profile prof, struct step_result *r,
    struct step_convert_info *info, char **cause)
{
	const char	*tname = ks_format_name(o->to);
	char		 chain[64];
	bool		 own = false;

	switch (e->type) {
	case KS_ENTRY_KEY:
	case KS_ENTRY_SECRET:
		if (e->type == KS_ENTRY_SECRET && o->to == KS_FMT_JKS) {
			cause_set(cause, "%s: entry \"%s\" is a secret key "
			    "(SecretKeyEntry), which JKS cannot hold; convert "
			    "to PKCS12, or delete the entry first", ks->path,
			    e->alias);
			return (-1);
		}
		if (prof == KS_PROFILE_PASSWORDLESS) {
			cause_set(cause, "%s: entry \"%s\" holds a %s key: the "
			    "passwordless profile is for truststores "
			    "(certificates only)", ks->path, e->alias,
			    e->type == KS_ENTRY_KEY ? "private" : "secret");
			return (-1);
		}
		if (conv_recover(ks, e, storepass, o, &own, info, cause) != 0)
			return (-1);
		conv_drop_prot(e);
		break;
	case KS_ENTRY_TRUSTED:
		break;
	default:
		cause_set(cause, "%s: entry \"%s\" has an unknown type",
		    ks->path, e->alias);
		return (-1);
	}
	conv_alias(e, o->to, r);
	switch (e->type) {
	case KS_ENTRY_KEY:
		info->nkeys++;
		snprintf(chain, sizeof chain, "chain of %zu", e->nchain);
		if (own) {
			info->nrekeyed++;
			step_note(r, "entry \"%s\" (PrivateKeyEntry, %s): its "
			    "key had its own password; it is protected with "
			    "the store password in %s", e->alias, chain, tname);
		} else
			step_note(r, "entry \"%s\" (PrivateKeyEntry, %s): the "
			    "key is protected with the store password in %s",
			    e->alias, chain, tname);
		break;
	case KS_ENTRY_SECRET:
		info->nsecret++;
		if (own)
			info->nrekeyed++;
		step_note(r, "entry \"%s\" (SecretKeyEntry, %s): into a "
		    "PKCS#12 secret bag%s", e->alias, e->secret_alg != NULL ?
		    e->secret_alg : "?", own ? "; it had its own password, "
		    "now the store password's" : "");
		break;
	default:
		info->ntrusted++;
		if (e->stored_alias != NULL)
			step_note(r, "entry \"%s\" (trustedCertEntry): kept "
			    "(stored as \"%s\", as keytool does)", e->alias,
			    e->stored_alias);
		else
			step_note(r, "entry \"%s\" (trustedCertEntry): kept",
			    e->alias);
		break;
	}
	return (0);
}

/* Give a new file the old one's mode and owner (a server must read it). */
static int
conv_attrs(const char *path, const struct step_convert_opts *o,
    char **cause)
{
	struct stat	st;

	if (stat(path, &st) == -1) {
		cause_set(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (o->out_uid >= 0 && ((uid_t)o->out_uid != st.st_uid ||
	    (gid_t)o->out_gid != st.st_gid) && geteuid() == 0 &&
	    chown(path, (uid_t)o->out_uid, (gid_t)o->out_gid) == -1) {
		cause_set(cause, "%s: cannot give it the owner %d:%d of the "
		    "old keystore: %s", path, o->out_uid, o->out_gid,
		    strerror(errno));
		return (-1);
	}
	if (o->out_mode != 0 && (st.st_mode & 07777) != (o->out_mode & 0777) &&
	    chmod(path, o->out_mode & 0777) == -1) {
		cause_set(cause, "%s: cannot set mode %04o: %s", path,
		    o->out_mode & 0777, strerror(errno));
		return (-1);
	}
	return (0);
}

void
step_convert_info_free(struct step_convert_info *info)
{
	if (info == NULL)
		return;
	free(info->written);
	free(info->need_keypass);
	free(info->scheme);
	free(info->properties);
	memset(info, 0, sizeof *info);
}

/* convert: see core.h. */
int
step_convert(const char *path, const struct secret *storepass,
    const struct step_convert_opts *o, struct step_result *r,
    struct step_convert_info *info, char **cause)
{
	struct ks_txn		*t = NULL;
	struct keystore		*src = NULL, *ks;
	struct ks_p12_params	 p;
	struct ks_ignored	*ig;
	enum ks_profile		 prof = KS_PROFILE_NONE;
	unsigned char		*out = NULL;
	size_t			 outlen = 0, i;
	char			*desc = NULL;
	int			 rc = -1;

	memset(r, 0, sizeof *r);
	memset(info, 0, sizeof *info);
	if (o->to != KS_FMT_PKCS12 && o->to != KS_FMT_JKS) {
		cause_set(cause, "tlsdeck converts to PKCS12 or JKS");
		return (-1);
	}
	if (o->out == NULL) {
		if (ks_txn_open_in(o->txn, path, storepass, KS_TXN_CONVERT,
		    KS_FMT_UNKNOWN, &t, cause) != 0)
			goto out;
		ks = t->ks;
	} else {
		if (keystore_load(path, storepass, 0, &src, cause) != 0)
			goto out;
		if (src->format != KS_FMT_JKS && src->format != KS_FMT_JCEKS &&
		    src->format != KS_FMT_PKCS12) {
			cause_set(cause, "%s: is a certificate file (%s), not a "
			    "keystore; import it instead (import-cert, "
			    "import-pem)", path, ks_format_name(src->format));
			goto out;
		}
		if (!src->verified && !src->passwordless) {
			cause_set(cause, "%s: the store password is needed to "
			    "convert it", path);
			goto out;
		}
		if (ks_txn_open_in(o->txn, o->out, storepass, KS_TXN_CREATE |
		    KS_TXN_MUSTNEW, o->to, &t, cause) != 0)
			goto out;
		keystore_free(t->ks);
		t->ks = src;
		src = NULL;
		ks = t->ks;
	}
	info->from = ks->format;
	info->from_profile = keystore_profile(ks);
	if (conv_profile(ks, o, &prof, cause) != 0)
		goto out;
	info->to_profile = prof;
	if (storepass == NULL && (o->to == KS_FMT_JKS ||
	    prof != KS_PROFILE_PASSWORDLESS)) {
		cause_set(cause, "%s: a store password is needed for the new "
		    "%s file%s", path, ks_format_name(o->to), ks->passwordless ?
		    " (this one is passwordless: give the password to set)" :
		    "");
		goto out;
	}
	for (i = 0; i < ks->nentries; i++) {
		if (conv_entry(ks, ks->entries[i], storepass, o, prof, r, info,
		    cause) != 0)
			goto out;
	}
	for (i = 0; i < ks->nignored; i++) {
		ig = &ks->ignored[i];
		info->ndropped++;
		step_note(r, "entry %zu of the file, \"%s\" (%s), is not "
		    "carried over: Java ignores it (entry %zu has the same "
		    "alias)", ig->pos, ig->e->alias, ks_etype_name(
		    ig->e->type), ig->by_pos);
	}
	ks->format = o->to;
	ks->jks_version = 2;
	ks->passwordless = prof == KS_PROFILE_PASSWORDLESS;
	ks->verified = true;
	if (o->to == KS_FMT_PKCS12) {
		pkcs12_params_profile(&ks->p12, prof);
		pkcs12_write_params(ks, &p);
		info->scheme = pkcs12_params_describe(&p);
		step_note(r, "PKCS12, %s profile: %s", ks_profile_name(prof),
		    info->scheme);
	}
	if (o->out == NULL)
		step_note(r, "%s is converted in place; the original is "
		    "backed up first (tlsdeck history)", path);
	info->written = xstrdup(o->out != NULL ? o->out : path);
	xasprintf(&desc, "converted %s to %s%s%s", ks_format_name(info->from),
	    ks_format_name(o->to), prof != KS_PROFILE_NONE ? " " : "",
	    prof != KS_PROFILE_NONE ? ks_profile_name(prof) : "");
	if (o->dry_run) {
		/* Every check the writer makes (aliases that collide, keys
		 * it cannot protect) happens here too. */
		if (keystore_serialize(ks, t->pass, &out, &outlen,
		    cause) != 0) {
			cause_prefix(cause, "%s", info->written);
			goto out;
		}
	} else {
		if (ks_txn_commit(t, o->command != NULL ? o->command :
		    "convert", desc, cause) != 0)
			goto out;
		if (o->out != NULL && conv_attrs(o->out, o, cause) != 0)
			goto out;
		r->backup_id = sw_backup_id(t->sw);
	}
	r->created = o->out != NULL;
	r->format = o->to;
	r->aliases = xcalloc(ks->nentries + 1, sizeof *r->aliases);
	for (i = 0; i < ks->nentries; i++)
		r->aliases[r->naliases++] = xstrdup(ks->entries[i]->alias);
	rc = 0;
out:
	if (out != NULL) {
		explicit_bzero(out, outlen);
		free(out);
	}
	free(desc);
	keystore_free(src);
	ks_txn_close(t);
	return (rc);
}

/* ------------------------------------------------------------------ */
/* A server's keystore, with its settings switched */

/* (here, not in keystore.c: the keystore model does not call jre.c) */
enum ks_profile
ks_profile_for_jre(int major, int update)
{
	return (jre_reads_new_pkcs12(major, update) == 0 ?
	    KS_PROFILE_LEGACY : KS_PROFILE_MODERN);
}

/* Does name end in a keystore extension Java tools use for JKS/JCEKS? */
static size_t
conv_ext(const char *name)
{
	static const char	*exts[] = { ".jks", ".jceks", ".keystore",
	    ".ks", ".p12", ".pfx", ".pkcs12" };
	size_t			 i, n = strlen(name), l;

	for (i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		l = strlen(exts[i]);
		if (n > l && strcasecmp(name + n - l, exts[i]) == 0)
			return (n - l);
	}
	return (n);
}

/*
 * The new file beside path, named as raw (the setting as written) names
 * it: the same directory, the extension .p12.  *newraw is raw with its
 * file name replaced.  -1 when raw does not end in path's file name (a
 * placeholder in the file name).
 */
static int
conv_beside(const char *path, const char *raw, char **newpath,
    char **newraw, char **cause)
{
	const char	*base = path_basename(path);
	char		*dir, *name;
	size_t		 rl = strlen(raw), bl = strlen(base);

	if (rl < bl || strcmp(raw + rl - bl, base) != 0) {
		cause_set(cause, "server.ssl.key-store (%s) does not end in "
		    "the file name %s: name the new file (-o)", raw, base);
		return (-1);
	}
	xasprintf(&name, "%.*s.p12", (int)conv_ext(base), base);
	dir = path_dirname(path);
	*newpath = path_join(dir, name);
	xasprintf(newraw, "%.*s%s", (int)(rl - bl), raw, name);
	free(dir);
	free(name);
	return (0);
}

/* A setting of the server: set (value) or removed. */
static void
conv_prop(struct step_prop *v, size_t *n, const char *key, const char *value,
    const struct secret *sec)
{
	v[*n].key = key;
	v[*n].value = value;
	v[*n].secret = sec;
	(*n)++;
}

/* Add the notes of a settings step, each after its file's name. */
static void
conv_notes(struct step_result *r, const char *path,
    const struct step_result *sr)
{
	size_t	i;

	for (i = 0; i < sr->nnotes; i++)
		step_note(r, "%s: %s", path, sr->notes[i]);
}

/* The files of a properties/YAML server that set props: each in the
 * source that wins for it, as tlsdeck configure does (cfg_plan). */
struct conv_group {
	const struct cfg_source	*src;
	struct step_prop	*v;
	int			*docs;
	size_t			 n;
};

/*
 * Set props (native names of the server's kind; value NULL: remove) where
 * the server reads them: the kind's own plan (Tomcat, Jetty), else the
 * file that wins for each (properties, YAML).  Every file is written in
 * base->txn.
 */
static int
conv_settings(const struct server_model *m, const struct step_prop *props,
    size_t n, const struct step_settings_opts *base, struct step_result *r,
    unsigned int *bid, char **cause)
{
	struct step_conf_plan		 plan;
	struct step_settings_opts	 o = *base;
	struct step_result		 sr;
	const struct cfg_source		**t = NULL;
	struct conv_group		*g = NULL, *gi;
	size_t				 i, j, k, nt, ng = 0;
	bool				 unset;
	int				 rc = -1;

	memset(&plan, 0, sizeof plan);
	memset(&sr, 0, sizeof sr);
	if (m->kind != NULL && m->kind->plan_set != NULL) {
		if (m->kind->plan_set(m, props, n, &plan, cause) != 0)
			goto out;
		for (i = 0; i < plan.nnotes; i++)
			step_note(r, "%s", plan.notes[i]);
		for (i = 0; i < plan.nfiles; i++) {
			if (step_conf(&plan.files[i], &o, &sr, cause) != 0)
				goto out;
			conv_notes(r, plan.files[i].path, &sr);
			if (*bid == 0)
				*bid = sr.backup_id;
			step_result_free(&sr);
		}
		rc = 0;
		goto out;
	}
	for (i = 0; i < n; i++) {
		unset = props[i].value == NULL && props[i].secret == NULL;
		if (cfg_plan(m, props[i].key, unset, &t, &nt, cause) != 0)
			goto out;
		for (j = 0; j < nt; j++) {
			for (k = 0; k < ng; k++)
				if (g[k].src == t[j])
					break;
			if (k == ng) {
				g = xreallocarray(g, ng + 1, sizeof *g);
				memset(&g[ng], 0, sizeof *g);
				g[ng++].src = t[j];
			}
			gi = &g[k];
			gi->v = xreallocarray(gi->v, gi->n + 1, sizeof *gi->v);
			gi->docs = xreallocarray(gi->docs, gi->n + 1,
			    sizeof *gi->docs);
			gi->v[gi->n] = props[i];
			gi->docs[gi->n++] = t[j]->doc;
		}
		free(t);
		t = NULL;
	}
	for (k = 0; k < ng; k++) {
		o.props = g[k].v;
		o.nprops = g[k].n;
		if (g[k].src->format == CFG_FMT_YAML) {
			if (step_settings_yaml(g[k].src->path, g[k].docs, &o,
			    &sr, cause) != 0)
				goto out;
		} else if (g[k].src->format == CFG_FMT_PROPERTIES) {
			if (step_settings(g[k].src->path, &o, &sr,
			    cause) != 0)
				goto out;
		} else {
			cause_set(cause, "%s: tlsdeck does not edit this kind "
			    "of file", g[k].src->path);
			goto out;
		}
		conv_notes(r, g[k].src->path, &sr);
		if (*bid == 0)
			*bid = sr.backup_id;
		step_result_free(&sr);
	}
	rc = 0;
out:
	step_result_free(&sr);
	step_conf_plan_free(&plan);
	for (k = 0; k < ng; k++) {
		free(g[k].v);
		free(g[k].docs);
	}
	free(g);
	free(t);
	return (rc);
}

/* convert --server: see core.h. */
int
step_convert_server(const struct server_model *m,
    const struct step_convert_server_opts *so, struct step_result *r,
    struct step_convert_info *info, char **cause)
{
	struct step_convert_opts	 o;
	struct step_settings_opts	 sopts;
	struct step_prop		 props[3];
	struct secret			*storepass = NULL, *keypass = NULL;
	struct keystore			*ks = NULL;
	struct txn			*own = NULL, *tx;
	struct stat			 st;
	enum ks_format			 from;
	char				*newpath = NULL, *newraw = NULL;
	char				*c2 = NULL, *done = NULL, *msg;
	const char			*kstore, *ktype, *kpass, *where;
	size_t				 nprops = 0;
	const struct key_material	*km = m->served;
	int				 rc = -1;

	memset(r, 0, sizeof *r);
	memset(info, 0, sizeof *info);
	/* The action's transaction: given, the thread's (a wizard's), or
	 * one of its own below. */
	tx = so->txn != NULL ? so->txn : txn_current();
	where = m->properties != NULL ? m->properties : "the server";
	if (km == NULL || km->path == NULL || km->raw == NULL ||
	    km->where == KM_NONE) {
		cause_set(cause, "%s: no keystore is configured: nothing to "
		    "convert", where);
		return (-1);
	}
	kstore = km->keys.store != NULL ? km->keys.store :
	    server_kind_native(m->kind, "key-store");
	ktype = km->keys.type != NULL ? km->keys.type :
	    server_kind_native(m->kind, "key-store-type");
	kpass = km->keys.keypass != NULL ? km->keys.keypass :
	    server_kind_native(m->kind, "key-password");
	if (km->where == KM_CLASSPATH || (km->how != NULL &&
	    strstr(km->how, "classpath") != NULL)) {
		cause_set(cause, "%s: %s is in the application's class path "
		    "(classpath:): convert a copy and point %s at it", where,
		    kstore, kstore);
		return (-1);
	}
	if (km->where != KM_KEYSTORE) {
		cause_set(cause, "%s: the server's key is in PEM files, not a "
		    "keystore: nothing to convert", where);
		return (-1);
	}
	if (stat(km->path, &st) == -1) {
		cause_set(cause, "%s: %s", km->path, strerror(errno));
		return (-1);
	}

	/* The passwords: given, else the server's own settings. */
	storepass = secret_dup(so->storepass != NULL ? so->storepass :
	    km->storepass);
	if (storepass == NULL) {
		cause_set(cause, "%s: the store password is not set; give it "
		    "(--storepass-env)", where);
		goto out;
	}
	keypass = secret_dup(so->keypass != NULL ? so->keypass :
	    km->keypass);

	if (km->ks != NULL)
		from = km->ks->format;
	else {
		if (keystore_load(km->path, storepass, 0, &ks,
		    cause) != 0)
			goto out;
		from = ks->format;
	}

	memset(&o, 0, sizeof o);
	o.to = KS_FMT_PKCS12;
	o.profile = so->profile;
	if (o.profile == KS_PROFILE_NONE && m->jre.major > 0)
		o.profile = ks_profile_for_jre(m->jre.major, m->jre.update);
	o.out_mode = st.st_mode & 0777;
	o.out_uid = (int)st.st_uid;
	o.out_gid = (int)st.st_gid;
	o.keypass = keypass;
	o.keypasses = so->keypasses;
	o.nkeypasses = so->nkeypasses;
	o.dry_run = so->dry_run;
	o.command = "convert --server";

	/* The settings: the new file and its type; no key password (every
	 * key is protected with the store password now). */
	if (from != KS_FMT_PKCS12 || so->out != NULL) {
		if (so->out != NULL) {
			newpath = xstrdup(so->out);
			newraw = xstrdup(so->out);
		} else if (conv_beside(km->path, km->raw,
		    &newpath, &newraw, cause) != 0) {
			cause_prefix(cause, "%s", where);
			goto out;
		}
		o.out = newpath;
		conv_prop(props, &nprops, kstore, newraw, NULL);
	}
	if (km->declared_type != NULL || from != KS_FMT_PKCS12)
		conv_prop(props, &nprops, ktype, "PKCS12", NULL);
	/* Every key is protected with the store password now: the key
	 * password setting goes, or names the store password where the
	 * server would fall back to a default of its own. */
	if (*kpass != '\0' && m->kind != NULL && m->kind->keypass_default)
		conv_prop(props, &nprops, kpass, NULL, storepass);
	else if (km->keypass != NULL && *kpass != '\0')
		conv_prop(props, &nprops, kpass, NULL, NULL);

	/* The new keystore and the settings that name it are one
	 * transaction: a failure, or a crash, puts everything back. */
	if (tx == NULL && !so->dry_run) {
		if (txn_begin("convert --server", &own, cause) != 0)
			goto out;
		tx = own;
	}
	o.txn = tx;
	if (step_convert(km->path, storepass, &o, r, info, cause) != 0)
		goto fail;
	memset(&sopts, 0, sizeof sopts);
	sopts.dry_run = so->dry_run;
	sopts.txn = tx;
	if (nprops > 0 && conv_settings(m, props, nprops, &sopts, r,
	    &info->settings_backup_id, cause) != 0)
		goto fail;
	if (own != NULL) {
		tx = own;
		own = NULL;
		if (txn_commit(tx, cause) != 0)
			goto out;
	}
	if (o.out != NULL)
		step_note(r, "the old keystore %s is kept: remove it once the "
		    "server works with the new one (restart it)",
		    km->path);
	info->properties = xstrdup(m->properties != NULL ? m->properties :
	    km->path);
	rc = 0;
	goto out;
fail:
	if (own != NULL) {
		(void)txn_abort(own, &done, &c2);
		own = NULL;
		if (cause != NULL && *cause != NULL) {
			xasprintf(&msg, "%s (%s%s%s)", *cause, done != NULL ?
			    done : "nothing was changed", c2 != NULL ? "; " :
			    "", c2 != NULL ? c2 : "");
			free(*cause);
			*cause = msg;
		}
	}
out:
	if (own != NULL)
		(void)txn_abort(own, NULL, NULL);
	free(c2);
	free(done);
	keystore_free(ks);
	secret_free(storepass);
	secret_free(keypass);
	free(newpath);
	free(newraw);
	return (rc);
}

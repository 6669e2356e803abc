/* SPDX-License-Identifier: ISC */
/*
 * step-manage.c -- delete, rename and passwd: keytool's -delete,
 * -changealias, -storepasswd and -keypasswd, through ks_txn (checked,
 * verified, backed up) and with Java's alias rules (docs/formats.md,
 * Passwords and aliases).
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* Free the PKCS#8 bytes of an entry so the writer protects pkey anew. */
static void
manage_drop_prot(struct ks_entry *e)
{
	if (e->prot != NULL) {
		explicit_bzero(e->prot, e->prot_len);
		free(e->prot);
	}
	e->prot = NULL;
	e->prot_len = 0;
}

/* Say so when a PKCS#12 file's algorithms cannot be written back. */
static void
manage_note_params(const struct keystore *ks, struct step_result *r)
{
	struct ks_p12_params	 p;
	char			*was, *now;

	if (ks->format != KS_FMT_PKCS12 || !pkcs12_write_params(ks, &p))
		return;
	was = pkcs12_params_describe(&ks->p12);
	now = pkcs12_params_describe(&p);
	step_note(r, "the file's PKCS#12 algorithms (%s) cannot be written "
	    "here; it is written with %s", was, now);
	free(was);
	free(now);
}

/* Record what a committed (or dry-run) change did. */
static void
manage_result(struct ks_txn *t, const char *alias, bool committed,
    struct step_result *r)
{
	r->format = t->ks->format;
	if (alias != NULL) {
		r->aliases = xcalloc(1, sizeof *r->aliases);
		r->aliases[0] = xstrdup(alias);
		r->naliases = 1;
	}
	if (committed)
		step_result_sw(r, t->sw);
}

/* delete: see core.h. */
int
step_delete(const char *path, const struct secret *storepass,
    const char *alias, bool dry_run, struct step_result *r, char **cause)
{
	struct ks_txn	*t = NULL;
	struct ks_entry	*e;
	char		*desc = NULL, *stored = NULL, sa[CAUSE_SHORT];
	const char	*type;
	size_t		 i;
	int		 rc = -1;

	memset(r, 0, sizeof *r);
	if (alias == NULL || *alias == '\0') {
		cause_set(cause, "no alias given");
		return (-1);
	}
	if (ks_txn_open(path, storepass, 0, KS_FMT_UNKNOWN, &t, cause) != 0)
		goto out;
	if ((e = keystore_find(t->ks, alias)) == NULL) {
		cause_set(cause, "%s: no entry \"%s\"", path,
		    cause_short(alias, sa, sizeof sa));
		goto out;
	}
	stored = xstrdup(e->alias);
	type = ks_etype_name(e->type);
	if (e->type == KS_ENTRY_KEY)
		step_note(r, "entry \"%s\" held a private key: it is gone from "
		    "the keystore (the backup keeps it)",
		    cause_short(stored, sa, sizeof sa));
	for (i = 0; i < t->ks->nentries; i++) {
		if (t->ks->entries[i] == e) {
			keystore_remove(t->ks, i);
			break;
		}
	}
	manage_note_params(t->ks, r);
	xasprintf(&desc, "deleted %s \"%s\"", type,
	    cause_short(stored, sa, sizeof sa));
	if (!dry_run && ks_txn_commit(t, "delete", desc, cause) != 0)
		goto out;
	manage_result(t, stored, !dry_run, r);
	rc = 0;
out:
	free(stored);
	free(desc);
	ks_txn_close(t);
	return (rc);
}

/* The alias as Java stores it for an entry of type et in ks. */
static char *
manage_stored_alias(const struct keystore *ks, enum ks_etype et,
    const char *alias)
{
	char	*a;
	size_t	 i;

	a = step_alias_for(ks, alias);
	if (ks->format == KS_FMT_PKCS12 && et != KS_ENTRY_TRUSTED) {
		/* Key (and secret) entries: toLowerCase(Locale.ENGLISH). */
		for (i = 0; a[i] != '\0'; i++)
			if (a[i] >= 'A' && a[i] <= 'Z')
				a[i] += 'a' - 'A';
	}
	return (a);
}

/* rename: see core.h. */
int
step_rename(const char *path, const struct secret *storepass,
    const char *alias, const char *new_alias, bool dry_run,
    struct step_result *r, char **cause)
{
	struct ks_txn	*t = NULL;
	struct ks_entry	*e, *other;
	char		*stored = NULL, *desc = NULL, *old = NULL;
	const char	*st;
	size_t		 stlen;
	char		 sa[CAUSE_SHORT], sb[CAUSE_SHORT];
	int		 rc = -1;

	memset(r, 0, sizeof *r);
	if (alias == NULL || *alias == '\0' || new_alias == NULL ||
	    *new_alias == '\0') {
		cause_set(cause, "give the entry's alias and its new alias");
		return (-1);
	}
	if (step_alias_check(new_alias, cause) != 0)
		return (-1);
	if (ks_txn_open(path, storepass, 0, KS_FMT_UNKNOWN, &t, cause) != 0)
		goto out;
	if ((e = keystore_find(t->ks, alias)) == NULL) {
		cause_set(cause, "%s: no entry \"%s\"", path,
		    cause_short(alias, sa, sizeof sa));
		goto out;
	}
	stored = manage_stored_alias(t->ks, e->type, new_alias);
	if ((other = keystore_find(t->ks, stored)) != NULL && other != e) {
		cause_set(cause, "%s: alias \"%s\" is taken by another entry "
		    "(\"%s\", %s)%s", path,
		    cause_short(new_alias, sa, sizeof sa),
		    cause_short(other->alias, sb, sizeof sb),
		    ks_etype_name(other->type), strcmp(other->alias,
		    new_alias) != 0 ? "; Java compares aliases ignoring case" :
		    "");
		goto out;
	}
	st = ks_entry_stored_alias(e, &stlen);
	if (stlen == strlen(stored) && memcmp(st, stored, stlen) == 0) {
		cause_set(cause, "%s: entry \"%s\" is already stored as "
		    "\"%s\"%s", path, cause_short(alias, sa, sizeof sa),
		    cause_short(stored, sb, sizeof sb),
		    strcmp(stored, new_alias) != 0 ? " (Java lower-cases it)" :
		    "");
		goto out;
	}
	if (strcmp(stored, new_alias) != 0)
		step_note(r, "stored as \"%s\": %s lower-cases %s aliases",
		    cause_short(stored, sa, sizeof sa),
		    ks_format_name(t->ks->format),
		    t->ks->format == KS_FMT_JKS ? "all" : "key entry");
	old = e->alias;
	e->alias = xstrdup(stored);
	e->alias_len = strlen(stored);
	free(e->stored_alias);
	e->stored_alias = NULL;
	e->stored_alias_len = 0;
	e->flags &= ~KS_EF_ALIAS_NOT_LOWER;
	manage_note_params(t->ks, r);
	xasprintf(&desc, "renamed \"%s\" to \"%s\"",
	    cause_short(old, sa, sizeof sa),
	    cause_short(stored, sb, sizeof sb));
	if (!dry_run && ks_txn_commit(t, "rename", desc, cause) != 0)
		goto out;
	manage_result(t, stored, !dry_run, r);
	rc = 0;
out:
	free(old);
	free(stored);
	free(desc);
	ks_txn_close(t);
	return (rc);
}

/* A new password must be long enough (keytool's rule). */
static int
manage_check_new(const struct secret *s, const char *what, char **cause)
{
	if (s->len < STEP_PASS_MIN) {
		cause_set(cause, "the new %s password is too short: at least "
		    "%d characters (keytool refuses shorter ones)", what,
		    STEP_PASS_MIN);
		return (-1);
	}
	return (0);
}

/* Does s hold bytes outside printable ASCII? */
static bool
manage_nonascii(const struct secret *s)
{
	size_t	i;

	for (i = 0; i < s->len; i++)
		if ((unsigned char)s->buf[i] < 0x20 ||
		    (unsigned char)s->buf[i] > 0x7e)
			return (true);
	return (false);
}

/* The JKS key password change of one entry. */
static int
manage_keypass(struct ks_txn *t, const char *path,
    const struct step_passwd_opts *o, const struct secret *final_store,
    struct ks_entry **changed, struct step_result *r, char **cause)
{
	struct ks_entry		*e;
	const struct secret	*cur;
	char			*c2 = NULL, sa[CAUSE_SHORT];
	int			 rc = -1;

	*changed = NULL;
	if (t->ks->format != KS_FMT_JKS) {
		cause_set(cause, "%s: %s keystores protect every key with the "
		    "store password (keytool: \"Different store and key "
		    "passwords not supported\"); change the store password "
		    "instead", path, ks_format_name(t->ks->format));
		goto out;
	}
	if ((e = keystore_find(t->ks, o->alias)) == NULL) {
		cause_set(cause, "%s: no entry \"%s\"", path,
		    cause_short(o->alias, sa, sizeof sa));
		goto out;
	}
	if (e->type != KS_ENTRY_KEY) {
		cause_set(cause, "%s: entry \"%s\" is a %s: it has no key "
		    "password", path, e->alias, ks_etype_name(e->type));
		goto out;
	}
	cur = o->keypass != NULL ? o->keypass : t->pass;
	if (keystore_recover_key(t->ks, e, cur, &c2) != 0) {
		cause_set(cause, "%s%s", c2, o->keypass == NULL ? " (it is "
		    "not the store password: give the current key password)" :
		    "");
		goto out;
	}
	if (secret_equal(cur, o->new_keypass)) {
		cause_set(cause, "%s: the new key password of \"%s\" is the "
		    "current one", path, e->alias);
		goto out;
	}
	manage_drop_prot(e);
	secret_free(e->keypass);
	e->keypass = secret_equal(o->new_keypass, final_store) ? NULL :
	    secret_dup(o->new_keypass);
	if (e->keypass != NULL)
		step_note(r, "key entry \"%s\" now has its own key password: "
		    "Spring Boot needs server.ssl.key-password for it",
		    e->alias);
	*changed = e;
	rc = 0;
out:
	free(c2);
	return (rc);
}

/* Re-protect the keys for a new store password (see core.h). */
static int
manage_storepass(struct ks_txn *t, const char *path,
    const struct ks_entry *skip, struct step_result *r, char **cause)
{
	struct ks_entry	*e;
	char		*c2 = NULL;
	size_t		 i;
	int		 rc = -1;

	for (i = 0; i < t->ks->nentries; i++) {
		e = t->ks->entries[i];
		if (e->type != KS_ENTRY_KEY || e == skip)
			continue;
		free(c2);
		c2 = NULL;
		if (keystore_recover_key(t->ks, e, t->pass, &c2) != 0) {
			if (t->ks->format == KS_FMT_PKCS12) {
				cause_set(cause, "%s: key entry \"%s\" cannot "
				    "be re-encrypted: %s", path, e->alias, c2);
				goto out;
			}
			step_note(r, "key entry \"%s\" keeps its own key "
			    "password (not the store password)", e->alias);
			continue;
		}
		/* Key password = store password: both change. */
		manage_drop_prot(e);
		secret_free(e->keypass);
		e->keypass = NULL;
		if (t->ks->format == KS_FMT_JKS)
			step_note(r, "key entry \"%s\": its key password was "
			    "the store password and changes with it",
			    e->alias);
	}
	rc = 0;
out:
	free(c2);
	return (rc);
}

/* passwd: see core.h. */
int
step_passwd(const char *path, const struct secret *storepass,
    const struct step_passwd_opts *o, struct step_result *r, char **cause)
{
	struct ks_txn		*t = NULL;
	struct ks_entry		*changed = NULL;
	const struct secret	*final_store;
	char			*desc = NULL;
	int			 rc = -1;

	memset(r, 0, sizeof *r);
	if (o->new_storepass == NULL && o->new_keypass == NULL) {
		cause_set(cause, "nothing to change: give a new store password "
		    "or a new key password");
		return (-1);
	}
	if (o->new_keypass != NULL && (o->alias == NULL || *o->alias == '\0')) {
		cause_set(cause, "a new key password needs the alias of its "
		    "key entry");
		return (-1);
	}
	if ((o->new_storepass != NULL &&
	    manage_check_new(o->new_storepass, "store", cause) != 0) ||
	    (o->new_keypass != NULL &&
	    manage_check_new(o->new_keypass, "key", cause) != 0))
		return (-1);
	if (ks_txn_open(path, storepass, 0, KS_FMT_UNKNOWN, &t, cause) != 0)
		goto out;
	if (t->ks->passwordless) {
		cause_set(cause, "%s: a passwordless PKCS12 keystore (like the "
		    "JDK's cacerts) has no password to change: Java opens it "
		    "with any password", path);
		goto out;
	}
	if (o->new_storepass != NULL && secret_equal(o->new_storepass,
	    t->pass)) {
		cause_set(cause, "%s: the new store password is the current "
		    "one", path);
		goto out;
	}
	final_store = o->new_storepass != NULL ? o->new_storepass : t->pass;
	if (o->new_keypass != NULL && manage_keypass(t, path, o, final_store,
	    &changed, r, cause) != 0)
		goto out;
	if (o->new_storepass != NULL) {
		if (manage_storepass(t, path, changed, r, cause) != 0)
			goto out;
		if (t->ks->format == KS_FMT_PKCS12 &&
		    manage_nonascii(o->new_storepass))
			step_note(r, "the new password is not printable ASCII: "
			    "JDK 17 and older cannot open such a PKCS12 file");
		secret_free(t->pass);
		t->pass = secret_dup(o->new_storepass);
		step_note(r, "programs that open this keystore need the new "
		    "password (Spring Boot: server.ssl.key-store-password)");
	}
	manage_note_params(t->ks, r);
	if (o->new_storepass != NULL && changed != NULL)
		xasprintf(&desc, "changed the store password and the key "
		    "password of \"%s\"", changed->alias);
	else if (o->new_storepass != NULL)
		desc = xstrdup("changed the store password");
	else
		xasprintf(&desc, "changed the key password of \"%s\"",
		    changed->alias);
	if (!o->dry_run && ks_txn_commit(t, "passwd", desc, cause) != 0)
		goto out;
	manage_result(t, changed != NULL ? changed->alias : NULL, !o->dry_run,
	    r);
	rc = 0;
out:
	free(desc);
	ks_txn_close(t);
	return (rc);
}

/* SPDX-License-Identifier: ISC */
/*
 * step.c -- a keystore opened for change.  Every writing step loads the
 * file under the safe-write lock, edits the model in memory, and commits
 * through sw_commit with a verifier that parses the new bytes again with
 * the same password and checks that they hold exactly what was intended.
 * A keystore that holds a key is written with SW_PRIVATE: no one but its
 * owner (and a server's own group) may read it.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>

#include "core.h"

/* What the verifier compares the written bytes with. */
struct txn_check {
	const struct keystore	*ks;
	const struct secret	*pass;
	const char		*name;
};

/* Does entry e hold a key that this change protects anew? */
static bool
txn_key_changed(const struct ks_entry *e)
{
	return (e->type == KS_ENTRY_KEY && e->pkey != NULL && e->prot == NULL);
}

/* Compare one intended entry with its re-parsed counterpart. */
static int
txn_check_entry(const struct txn_check *tc, struct keystore *nk,
    const struct ks_entry *e, char **cause)
{
	struct ks_entry		*n;
	const struct secret	*kp;
	char			*c2 = NULL;
	size_t			 i;
	int			 rc = -1;

	if ((n = keystore_find(nk, e->alias)) == NULL) {
		cause_set(cause, "entry \"%s\" is missing", e->alias);
		goto out;
	}
	if (n->type != e->type) {
		cause_set(cause, "entry \"%s\" reads back as a %s, not a %s",
		    e->alias, ks_etype_name(n->type), ks_etype_name(e->type));
		goto out;
	}
	/*
	 * PKCS#12 stores no chains: a reader (Java too) builds them from
	 * every certificate in the file, so a shorter chain may read back
	 * longer, the intended one first.
	 */
	if (n->nchain != e->nchain && !(nk->format == KS_FMT_PKCS12 &&
	    e->type == KS_ENTRY_KEY && n->nchain > e->nchain)) {
		cause_set(cause, "entry \"%s\" reads back with a chain of %zu, "
		    "not %zu", e->alias, n->nchain, e->nchain);
		goto out;
	}
	for (i = 0; i < e->nchain; i++) {
		if (!cert_equal(n->chain[i], e->chain[i])) {
			cause_set(cause, "entry \"%s\" reads back with another "
			    "certificate (#%zu of its chain)", e->alias, i + 1);
			goto out;
		}
	}
	if (txn_key_changed(e)) {
		kp = tc->ks->format == KS_FMT_JKS && e->keypass != NULL ?
		    e->keypass : tc->pass;
		if (keystore_recover_key(nk, n, kp, &c2) != 0) {
			cause_set(cause, "the key of entry \"%s\" cannot be "
			    "recovered: %s", e->alias, c2);
			goto out;
		}
		if (EVP_PKEY_eq(n->pkey, e->pkey) != 1) {
			cause_set(cause, "the key of entry \"%s\" reads back "
			    "as another key", e->alias);
			goto out;
		}
	}
	if (e->type == KS_ENTRY_SECRET && e->secret != NULL &&
	    e->prot == NULL) {
		if (keystore_recover_secret(nk, n, tc->pass, &c2) != 0) {
			cause_set(cause, "the secret key of entry \"%s\" cannot "
			    "be recovered: %s", e->alias, c2);
			goto out;
		}
		if (!secret_equal(n->secret, e->secret) ||
		    n->secret_alg == NULL || e->secret_alg == NULL ||
		    strcasecmp(n->secret_alg, e->secret_alg) != 0) {
			cause_set(cause, "the secret key of entry \"%s\" reads "
			    "back as another key", e->alias);
			goto out;
		}
	}
	rc = 0;
out:
	free(c2);
	return (rc);
}

/* sw_commit's verifier: the bytes on disk hold what was intended. */
static int
txn_verify(const unsigned char *buf, size_t len, void *arg, char **cause)
{
	struct txn_check	*tc = arg;
	struct keystore		*nk = NULL;
	char			*c2 = NULL;
	size_t			 i;
	int			 rc = -1;

	if (keystore_load_mem(buf, len, tc->name, tc->pass, 0, &nk,
	    &c2) != 0) {
		cause_set(cause, "%s", c2);
		goto out;
	}
	nk->path = xstrdup(tc->name);
	if (nk->format != tc->ks->format) {
		cause_set(cause, "the new file reads back as %s, not %s",
		    ks_format_name(nk->format), ks_format_name(tc->ks->format));
		goto out;
	}
	if (nk->nentries != tc->ks->nentries) {
		cause_set(cause, "the new file reads back with %zu entries, "
		    "not %zu", nk->nentries, tc->ks->nentries);
		goto out;
	}
	if (tc->pass != NULL && !nk->verified && !nk->passwordless) {
		cause_set(cause, "the new file's integrity does not verify");
		goto out;
	}
	for (i = 0; i < tc->ks->nentries; i++) {
		if (txn_check_entry(tc, nk, tc->ks->entries[i], cause) != 0)
			goto out;
	}
	rc = 0;
out:
	free(c2);
	keystore_free(nk);
	return (rc);
}

/* Does ks hold a private or secret key?  Then no one else may read it. */
static bool
txn_has_key(const struct keystore *ks)
{
	size_t	i;

	for (i = 0; i < ks->nentries; i++)
		if (ks->entries[i]->type != KS_ENTRY_TRUSTED)
			return (true);
	return (false);
}

/* Open (lock and load) a keystore for change; see core.h. */
int
ks_txn_open(const char *path, const struct secret *pass, int flags,
    enum ks_format fmt_if_new, struct ks_txn **tp, char **cause)
{
	return (ks_txn_open_in(NULL, path, pass, flags, fmt_if_new, tp,
	    cause));
}

/* ks_txn_open as a file of transaction tx (NULL: none). */
int
ks_txn_open_in(struct txn *tx, const char *path, const struct secret *pass,
    int flags, enum ks_format fmt_if_new, struct ks_txn **tp, char **cause)
{
	struct ks_txn		*t;
	const unsigned char	*buf;
	size_t			 len;
	enum ks_format		 f;
	int			 rc = -1;

	*tp = NULL;
	t = xcalloc(1, sizeof *t);
	if (pass != NULL)
		t->pass = secret_dup(pass);
	if (txn_open(tx, path, (flags & KS_TXN_CREATE) ? SW_CREATE : 0,
	    &t->sw, cause) != 0)
		goto out;
	if (!sw_exists(t->sw)) {
		if (fmt_if_new == KS_FMT_UNKNOWN)
			fmt_if_new = KS_FMT_PKCS12;
		if (fmt_if_new != KS_FMT_PKCS12 && fmt_if_new != KS_FMT_JKS) {
			cause_set(cause, "%s: tlsdeck creates PKCS12 or JKS "
			    "keystores, not %s", path,
			    ks_format_name(fmt_if_new));
			goto out;
		}
		if (pass == NULL || pass->len == 0) {
			cause_set(cause, "%s: a store password is needed to "
			    "create a keystore", path);
			goto out;
		}
		t->ks = keystore_new(fmt_if_new);
		pkcs12_params_default(&t->ks->p12, false);
		t->ks->path = xstrdup(path);
		t->created = true;
		rc = 0;
		goto out;
	}
	if (flags & KS_TXN_MUSTNEW) {
		cause_set(cause, "%s: already exists", path);
		goto out;
	}
	sw_content(t->sw, &buf, &len);
	f = keystore_sniff(buf, len);
	switch (f) {
	case KS_FMT_JKS:
		if (pass == NULL) {
			cause_set(cause, "%s: the store password is needed to "
			    "change a JKS keystore", path);
			goto out;
		}
		break;
	case KS_FMT_PKCS12:
		break;
	case KS_FMT_JCEKS:
		if ((flags & KS_TXN_CONVERT) && pass != NULL)
			break;
		cause_set(cause, "%s: tlsdeck does not write JCEKS; convert "
		    "it to PKCS12 first (tlsdeck convert FILE --to pkcs12)",
		    path);
		goto out;
	case KS_FMT_PEM:
	case KS_FMT_DER:
	case KS_FMT_PKCS7:
		cause_set(cause, "%s: is a certificate file (%s), not a "
		    "keystore", path, ks_format_name(f));
		goto out;
	default:
		if (len == 0)
			cause_set(cause, "%s: file is empty", path);
		else
			cause_set(cause, "%s: not a keystore (unknown format)",
			    path);
		goto out;
	}
	if (keystore_load_mem(buf, len, path, pass, 0, &t->ks, cause) != 0)
		goto out;
	t->ks->path = xstrdup(path);
	if (pass == NULL && !t->ks->passwordless) {
		/* Without it only the unencrypted parts were read. */
		cause_set(cause, "%s: the store password is needed to change "
		    "this keystore", path);
		goto out;
	}
	if (pass != NULL && !t->ks->verified && !t->ks->passwordless) {
		cause_set(cause, "%s: the keystore's integrity could not be "
		    "verified with this password", path);
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		ks_txn_close(t);
	else
		*tp = t;
	return (rc);
}

/* Serialize, verify, back up and replace; see core.h. */
int
ks_txn_commit(struct ks_txn *t, const char *command, const char *description,
    char **cause)
{
	struct sw_meta		 meta;
	struct txn_check	 tc;
	unsigned char		*out = NULL;
	size_t			 outlen = 0;
	int			 rc = -1;

	if (keystore_serialize(t->ks, t->pass, &out, &outlen, cause) != 0) {
		cause_prefix(cause, "%s", t->ks->path);
		goto out;
	}
	tc.ks = t->ks;
	tc.pass = t->pass;
	tc.name = "the new file";
	memset(&meta, 0, sizeof meta);
	meta.command = command;
	meta.description = description;
	meta.mode = 0600;
	meta.owner = t->owner;
	if (txn_has_key(t->ks))
		meta.flags |= SW_PRIVATE;
	if (sw_commit(t->sw, out, outlen, txn_verify, &tc, &meta, cause) != 0)
		goto out;
	rc = 0;
out:
	if (out != NULL) {
		explicit_bzero(out, outlen);
		free(out);
	}
	return (rc);
}

/* Unlock and free (NULL-safe). */
void
ks_txn_close(struct ks_txn *t)
{
	if (t == NULL)
		return;
	sw_close(t->sw);
	keystore_free(t->ks);
	secret_free(t->pass);
	free(t);
}

/* Free what a step_result holds (not the struct itself). */
void
step_result_free(struct step_result *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->naliases; i++)
		free(r->aliases[i]);
	free(r->aliases);
	certs_free(r->chain, r->nchain);
	free(r->cacerts);
	for (i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	memset(r, 0, sizeof *r);
}

/* What the safe write did: its backup, and its notes (modes tightened,
 * users crossed). */
void
step_result_sw(struct step_result *r, const struct sw_file *sw)
{
	const char *const	*notes;
	size_t			 n, i;

	r->backup_id = sw_backup_id(sw);
	r->write_notes = r->nnotes;
	n = sw_notes(sw, &notes);
	for (i = 0; i < n; i++)
		step_note(r, "%s", notes[i]);
}

/* Append a one-line note to a step's result. */
void
step_note(struct step_result *r, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	r->notes = xreallocarray(r->notes, r->nnotes + 1, sizeof *r->notes);
	r->notes[r->nnotes++] = s;
}

/* The alias as the keystore stores it: JKS lower-cases (Locale.ENGLISH,
 * ASCII and Latin-1 capitals, as jks.c writes it). */
char *
step_alias_for(const struct keystore *ks, const char *alias)
{
	unsigned char	*s;
	size_t		 i;

	s = (unsigned char *)xstrdup(alias);
	if (ks->format != KS_FMT_JKS)
		return ((char *)s);
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] += 'a' - 'A';
		else if (s[i] == 0xc3 && s[i + 1] >= 0x80 && s[i + 1] <= 0x9e &&
		    s[i + 1] != 0x97) {
			s[i + 1] += 0x20;
			i++;
		}
	}
	return ((char *)s);
}

/* Refuse an empty alias or one with control characters. */
int
step_alias_check(const char *alias, char **cause)
{
	const unsigned char	*c;
	char			 sa[CAUSE_SHORT];

	if (alias == NULL || *alias == '\0') {
		cause_set(cause, "an alias is needed");
		return (-1);
	}
	for (c = (const unsigned char *)alias; *c != '\0'; c++) {
		if (*c < 0x20 || *c == 0x7f) {
			cause_set(cause, "alias \"%s\": control characters are "
			    "not allowed in an alias",
			    cause_short(alias, sa, sizeof sa));
			return (-1);
		}
	}
	return (0);
}

/* Put e in ks, replacing the entry of the same alias in its place. */
bool
step_put_entry(struct keystore *ks, struct ks_entry *e)
{
	struct ks_entry	*old;
	size_t		 i;

	if ((old = keystore_find(ks, e->alias)) != NULL) {
		for (i = 0; i < ks->nentries; i++) {
			if (ks->entries[i] == old) {
				ks_entry_free(old);
				ks->entries[i] = e;
				return (true);
			}
		}
	}
	keystore_add(ks, e);
	return (false);
}

/* Now, in milliseconds since the epoch. */
int64_t
step_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* The key password of a new key entry (see core.h). */
void
step_set_keypass(const struct keystore *ks, struct ks_entry *e,
    const struct secret *keypass, const struct secret *storepass,
    struct step_result *r)
{
	secret_free(e->keypass);
	e->keypass = NULL;
	if (keypass == NULL || (storepass != NULL &&
	    secret_equal(keypass, storepass)))
		return;
	if (ks->format == KS_FMT_JKS)
		e->keypass = secret_dup(keypass);
	else
		step_note(r, "%s keystores protect every key with the store "
		    "password: the key password given was ignored",
		    ks_format_name(ks->format));
}

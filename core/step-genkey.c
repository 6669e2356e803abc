/* SPDX-License-Identifier: ISC */
/*
 * step-genkey.c -- genkey: a key pair and its self-signed certificate in a
 * new or existing keystore (keytool -genkeypair: docs/formats.md,
 * genkeypair), by default RSA 2048, 3650 days, PKCS12.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core.h"

#define GENKEY_DEFAULT_BITS	2048
#define GENKEY_DEFAULT_DAYS	3650

/* The P-NNN name of a curve given by any of its names (else as given). */
static const char *
genkey_curve_name(const char *c)
{
	if (strcasecmp(c, "secp256r1") == 0 ||
	    strcasecmp(c, "prime256v1") == 0 || strcasecmp(c, "P-256") == 0)
		return ("P-256");
	if (strcasecmp(c, "secp384r1") == 0 || strcasecmp(c, "P-384") == 0)
		return ("P-384");
	if (strcasecmp(c, "secp521r1") == 0 || strcasecmp(c, "P-521") == 0)
		return ("P-521");
	return (c);
}

/* Work out the key choice from the options: *curve for EC, *bits for RSA. */
static int
genkey_choice(const struct step_genkey_opts *o, const char **alg, int *bits,
    const char **curve, char **cause)
{
	const char	*fromsize = NULL;

	*alg = o->keyalg != NULL ? o->keyalg : "rsa";
	*bits = 0;
	*curve = NULL;
	if (strcasecmp(*alg, "rsa") == 0) {
		if (o->curve != NULL) {
			cause_set(cause, "a curve is for EC keys, not RSA");
			return (-1);
		}
		*bits = o->keysize != 0 ? o->keysize : GENKEY_DEFAULT_BITS;
	} else if (strcasecmp(*alg, "ec") == 0) {
		switch (o->keysize) {
		case 0:
			break;
		case 256:
			fromsize = "P-256";
			break;
		case 384:
			fromsize = "P-384";
			break;
		case 521:
			fromsize = "P-521";
			break;
		default:
			cause_set(cause, "EC key size %d: use 256 or 384 (or "
			    "--curve P-256|P-384)", o->keysize);
			return (-1);
		}
		*curve = o->curve != NULL ? o->curve : fromsize;
		if (o->curve != NULL && fromsize != NULL &&
		    strcmp(genkey_curve_name(o->curve), fromsize) != 0) {
			cause_set(cause, "key size %d and curve %s disagree",
			    o->keysize, o->curve);
			return (-1);
		}
	}
	return (keygen_check(*alg, *bits, *curve, cause));
}

/* genkey: see core.h. */
int
step_genkey(const char *path, const struct secret *storepass,
    const struct step_genkey_opts *o, struct step_result *r, char **cause)
{
	struct ks_txn		*t = NULL;
	struct X509_name_st	*dn = NULL;
	struct san_list		*san = NULL;
	struct ks_entry		*e = NULL, *old, *cmp;
	struct renew_facts	 nf;
	struct cert		*c = NULL;
	EVP_PKEY		*pk = NULL;
	X509			*x = NULL;
	const char		*alg, *curve;
	char			*alias = NULL, *kd = NULL, *desc = NULL;
	char			*against = NULL;
	char			 sa[CAUSE_SHORT];
	int			 bits, days, n, rc = -1;

	memset(r, 0, sizeof *r);
	if (step_alias_check(o->alias, cause) != 0)
		goto out;
	if (o->dname == NULL || *o->dname == '\0') {
		cause_set(cause, "a distinguished name is needed (e.g. "
		    "\"CN=host.example.com, O=Example\")");
		goto out;
	}
	if (genkey_choice(o, &alg, &bits, &curve, cause) != 0)
		goto out;
	days = o->days != 0 ? o->days : GENKEY_DEFAULT_DAYS;
	if (days < 1 || days > KEYGEN_MAX_DAYS) {
		cause_set(cause, "validity of %d days: use 1 to %d", days,
		    KEYGEN_MAX_DAYS);
		goto out;
	}
	if (dn_parse(o->dname, &dn, cause) != 0)
		goto out;
	if (o->san != NULL && san_parse(o->san, &san, cause) != 0)
		goto out;

	/* The keystore, locked, before the (slow) key generation. */
	if (ks_txn_open(path, storepass, KS_TXN_CREATE, o->storetype, &t,
	    cause) != 0)
		goto out;
	t->owner = o->owner;
	if (!t->created && o->storetype != KS_FMT_UNKNOWN &&
	    o->storetype != t->ks->format) {
		cause_set(cause, "%s: is a %s keystore, not %s (the store type "
		    "applies to new files)", path,
		    ks_format_name(t->ks->format),
		    ks_format_name(o->storetype));
		goto out;
	}
	/* A new PKCS#12 file in the profile the server's JRE reads. */
	if (t->created && t->ks->format == KS_FMT_PKCS12 &&
	    o->profile != KS_PROFILE_NONE) {
		if (o->profile == KS_PROFILE_PASSWORDLESS) {
			cause_set(cause, "%s: a passwordless PKCS12 file holds "
			    "certificates only", path);
			goto out;
		}
		pkcs12_params_profile(&t->ks->p12, o->profile);
		step_note(r, "new PKCS12 file, %s profile",
		    ks_profile_name(o->profile));
	}
	alias = step_alias_for(t->ks, o->alias);
	if ((old = keystore_find(t->ks, alias)) != NULL && !o->replace) {
		cause_set(cause, "%s: alias \"%s\" already exists (a %s); "
		    "choose another alias or replace it", path,
		    cause_short(alias, sa, sizeof sa),
		    ks_etype_name(old->type));
		goto out;
	}

	if (keygen_generate_cancel(alg, bits, curve, o->cancel, &pk,
	    cause) != 0)
		goto out;
	if (keygen_selfsigned(pk, dn, san, days, &x, cause) != 0)
		goto out;
	if ((c = cert_from_x509(x, cause)) == NULL)
		goto out;

	/* A renewal: what the new certificate changes, before it is in. */
	cmp = o->replaces != NULL ? keystore_find(t->ks, o->replaces) : old;
	if (cmp != NULL && cmp->type == KS_ENTRY_KEY && cmp->nchain > 0) {
		if (renew_facts_cert(c, &nf, cause) != 0)
			goto out;
		xasprintf(&against, "the certificate of \"%s\"", cmp->alias);
		n = renew_preflight(r, cmp->chain[0], against, &nf, NULL,
		    "give them (--san)", o->accept_san_loss, o->dry_run, path,
		    cause);
		renew_facts_done(&nf);
		if (n != 0)
			goto out;
	}

	e = ks_entry_new(alias, KS_ENTRY_KEY);
	e->date_ms = step_now_ms();
	ks_entry_add_cert(e, c);
	c = NULL;
	e->pkey = pk;
	pk = NULL;
	step_set_keypass(t->ks, e, o->keypass, storepass, r);
	r->replaced = step_put_entry(t->ks, e);
	kd = key_describe(e->pkey);
	xasprintf(&desc, "%s alias %s: new %s key, self-signed for %d days",
	    r->replaced ? "replaced" : "added",
	    cause_short(alias, sa, sizeof sa), kd, days);
	e = NULL;

	r->created = t->created;
	r->format = t->ks->format;
	if (!o->dry_run) {
		if (ks_txn_commit(t, "genkey", desc, cause) != 0)
			goto out;
		step_result_sw(r, t->sw);
	}
	r->aliases = xcalloc(1, sizeof *r->aliases);
	r->aliases[r->naliases++] = xstrdup(alias);
	old = keystore_find(t->ks, alias);
	r->chain = xcalloc(1, sizeof *r->chain);
	r->chain[r->nchain++] = cert_dup(old->chain[0]);
	r->anchor = STEP_ANCHOR_SELF;
	rc = 0;
out:
	if (rc != 0)
		step_result_free(r);
	ks_txn_close(t);
	ks_entry_free(e);
	cert_free(c);
	X509_free(x);
	EVP_PKEY_free(pk);
	dn_free(dn);
	san_list_free(san);
	free(alias);
	free(kd);
	free(desc);
	free(against);
	return (rc);
}

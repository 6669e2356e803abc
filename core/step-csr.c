/* SPDX-License-Identifier: ISC */
/*
 * step-csr.c -- csr: a PKCS#10 request for a key entry.  Unlike keytool
 * -certreq (docs/formats.md, certreq), the SANs of the entry's current
 * certificate are kept unless others are given.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "core.h"

/* csr: see core.h. */
int
step_csr(struct keystore *ks, const struct secret *storepass,
    const struct step_csr_opts *o, char **pem, struct step_result *r,
    char **cause)
{
	const char		*name;
	const struct secret	*kp;
	struct ks_entry		*e;
	struct X509_name_st	*dn = NULL;
	const X509_NAME		*subject;
	struct san_list		*san = NULL;
	X509			*x;
	struct csr_info		*ci = NULL;
	struct renew_facts	 nf;
	char			*s, *against = NULL;
	size_t			 skipped = 0;
	int			 n, rc = -1;

	*pem = NULL;
	memset(r, 0, sizeof *r);
	name = ks->path != NULL ? ks->path : "keystore";
	r->format = ks->format;
	if (o->alias == NULL || *o->alias == '\0') {
		cause_set(cause, "an alias is needed");
		goto out;
	}
	if ((e = keystore_find(ks, o->alias)) == NULL) {
		cause_set(cause, "%s: no entry with alias \"%s\"", name,
		    o->alias);
		goto out;
	}
	if (e->type != KS_ENTRY_KEY || e->nchain == 0) {
		cause_set(cause, "%s: entry \"%s\" is a %s, not a key entry: a "
		    "request needs its private key", name, e->alias,
		    ks_etype_name(e->type));
		goto out;
	}
	if ((x = cert_x509(e->chain[0], cause)) == NULL)
		goto out;
	kp = o->keypass != NULL ? o->keypass : storepass;
	if (keystore_recover_key(ks, e, kp, cause) != 0)
		goto out;
	if (!key_matches_cert(e->pkey, x)) {
		cause_set(cause, "%s: entry \"%s\": the private key does not "
		    "match its certificate", name, e->alias);
		goto out;
	}
	if (o->dname != NULL) {
		if (dn_parse(o->dname, &dn, cause) != 0)
			goto out;
		subject = dn;
	} else
		subject = X509_get_subject_name(x);
	if (o->san != NULL) {
		if (san_parse(o->san, &san, cause) != 0)
			goto out;
	} else {
		if (san_list_from_info(&e->chain[0]->info, &san, &skipped,
		    cause) != 0)
			goto out;
		if (san->n > 0) {
			s = san_list_to_string(san);
			step_note(r, "subject alternative names kept from the "
			    "current certificate: %s", s);
			free(s);
		}
		if (skipped > 0)
			step_note(r, "%zu subject alternative name(s) of "
			    "other types (directory or other names) were not "
			    "copied", skipped);
	}
	if (san->n == 0)
		step_note(r, "the request has no subject alternative names: "
		    "browsers and Java clients check the host name there "
		    "(give the names with --san dns:HOST,...)");
	if (csr_create(e->pkey, subject, san, pem, cause) != 0)
		goto out;
	/* A renewal starts here: the request against the certificate. */
	if (csr_info_parse(*pem, strlen(*pem), &ci, cause) != 0 ||
	    renew_facts_csr(ci, &nf, cause) != 0)
		goto out;
	xasprintf(&against, "the certificate of \"%s\"", e->alias);
	n = renew_preflight(r, e->chain[0], against, &nf, NULL, "give them "
	    "(--san)", o->accept_san_loss, false, name, cause);
	renew_facts_done(&nf);
	if (n != 0)
		goto out;
	r->aliases = xcalloc(1, sizeof *r->aliases);
	r->aliases[r->naliases++] = xstrdup(e->alias);
	rc = 0;
out:
	if (rc != 0) {
		step_result_free(r);
		free(*pem);
		*pem = NULL;
	}
	csr_info_free(ci);
	free(against);
	dn_free(dn);
	san_list_free(san);
	return (rc);
}

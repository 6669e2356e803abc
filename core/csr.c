/* SPDX-License-Identifier: ISC */
/*
 * csr.c -- PKCS#10 certificate requests.  Unlike keytool -certreq, the
 * request carries the SANs (docs/formats.md, certreq): the caller passes
 * those of the current certificate by default.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core.h"

#define CSR_MAX_LEN	(1024 * 1024)

/* Make a PEM PKCS#10 request with the SANs and a SKI. */
int
csr_create(struct evp_pkey_st *pk, const struct X509_name_st *subject,
    const struct san_list *san, char **pem_out, char **cause)
{
	X509_REQ			*req = NULL;
	STACK_OF(X509_EXTENSION)	*exts = NULL;
	X509_EXTENSION			*ext = NULL;
	BIO				*bio = NULL;
	const EVP_MD			*md = NULL;
	const char			*mdname;
	char				*data;
	long				 len;
	int				 rc = -1;

	*pem_out = NULL;
	if (pk == NULL || subject == NULL) {
		cause_set(cause, "certificate request: no key or subject");
		goto out;
	}
	if ((mdname = keygen_digest(pk)) != NULL &&
	    (md = EVP_get_digestbyname(mdname)) == NULL) {
		cause_ssl(cause, "digest %s", mdname);
		goto out;
	}
	if ((req = X509_REQ_new()) == NULL ||
	    !X509_REQ_set_version(req, 0) ||
	    !X509_REQ_set_subject_name(req, subject) ||
	    !X509_REQ_set_pubkey(req, pk) ||
	    (exts = sk_X509_EXTENSION_new_null()) == NULL)
		goto ssl;
	/* keytool's order: SubjectKeyIdentifier, then the SANs. */
	if ((ext = keygen_ski_ext(pk, cause)) == NULL)
		goto out;
	if (!sk_X509_EXTENSION_push(exts, ext))
		goto ssl;
	ext = NULL;
	if (san != NULL && san->n > 0) {
		ext = san_list_ext(san, X509_NAME_entry_count(subject) == 0,
		    cause);
		if (ext == NULL)
			goto out;
		if (!sk_X509_EXTENSION_push(exts, ext))
			goto ssl;
		ext = NULL;
	}
	if (!X509_REQ_add_extensions(req, exts))
		goto ssl;
	if (X509_REQ_sign(req, pk, md) <= 0)
		goto ssl;
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_X509_REQ(bio, req))
		goto ssl;
	if ((len = BIO_get_mem_data(bio, &data)) <= 0)
		goto ssl;
	*pem_out = xstrndup(data, len);
	rc = 0;
	goto out;
ssl:
	cause_ssl(cause, "certificate request");
out:
	BIO_free(bio);
	X509_EXTENSION_free(ext);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_REQ_free(req);
	return (rc);
}

/* Java's name for a signature algorithm ("SHA256withRSA"). */
static void
csr_sig_name(int nid, char *buf, size_t len)
{
	int		 mdnid, pknid;
	const char	*pkname;

	if (!OBJ_find_sigid_algs(nid, &mdnid, &pknid)) {
		snprintf(buf, len, "%s", nid == NID_undef ? "unknown" :
		    OBJ_nid2sn(nid));
		return;
	}
	switch (pknid) {
	case NID_rsaEncryption:
		pkname = "RSA";
		break;
	case NID_X9_62_id_ecPublicKey:
		pkname = "ECDSA";
		break;
	case NID_dsa:
		pkname = "DSA";
		break;
	case NID_rsassaPss:
		snprintf(buf, len, "RSASSA-PSS");
		return;
	default:
		snprintf(buf, len, "%s", OBJ_nid2sn(nid));
		return;
	}
	if (mdnid == NID_undef) {
		snprintf(buf, len, "%s", OBJ_nid2sn(nid));
		return;
	}
	snprintf(buf, len, "%swith%s", OBJ_nid2sn(mdnid), pkname);
}

/* Read a PEM request and describe it. */
int
csr_info_parse(const char *pem, size_t len, struct csr_info **out,
    char **cause)
{
	struct csr_info			*ci = NULL;
	X509_REQ			*req = NULL;
	STACK_OF(X509_EXTENSION)	*exts = NULL;
	X509_EXTENSION			*ext;
	ASN1_OCTET_STRING		*os;
	BIO				*bio = NULL;
	EVP_PKEY			*pub;
	int				 i, rc = -1;

	*out = NULL;
	if (len > CSR_MAX_LEN) {
		cause_set(cause, "certificate request is too large");
		goto out;
	}
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		goto ssl;
	if ((req = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL)) == NULL) {
		cause_ssl(cause, "not a PEM certificate request");
		goto out;
	}
	ci = xcalloc(1, sizeof *ci);
	ci->subject = dn_to_string(X509_REQ_get_subject_name(req));
	if ((pub = X509_REQ_get0_pubkey(req)) == NULL) {
		cause_ssl(cause, "certificate request public key");
		goto out;
	}
	if (!EVP_PKEY_up_ref(pub))
		goto ssl;
	ci->pubkey = pub;
	ci->key = key_describe(pub);
	ci->sig_ok = X509_REQ_verify(req, pub) == 1;
	cause_ssl_clear();
	csr_sig_name(X509_REQ_get_signature_nid(req), ci->sig_alg,
	    sizeof ci->sig_alg);
	exts = X509_REQ_get_extensions(req);
	cause_ssl_clear();
	for (i = 0; exts != NULL && i < sk_X509_EXTENSION_num(exts); i++) {
		ext = sk_X509_EXTENSION_value(exts, i);
		switch (OBJ_obj2nid(X509_EXTENSION_get_object(ext))) {
		case NID_subject_key_identifier:
			ci->has_ski = true;
			break;
		case NID_subject_alt_name:
			if (ci->san != NULL)
				break;
			os = X509_EXTENSION_get_data(ext);
			if (san_list_from_der(ASN1_STRING_get0_data(os),
			    ASN1_STRING_length(os), &ci->san, &ci->san_other,
			    cause) != 0)
				goto out;
			break;
		}
	}
	if (ci->san == NULL)
		ci->san = san_list_new();
	*out = ci;
	ci = NULL;
	rc = 0;
	goto out;
ssl:
	cause_ssl(cause, "certificate request");
out:
	csr_info_free(ci);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_REQ_free(req);
	BIO_free(bio);
	return (rc);
}

/* Free a csr_info. */
void
csr_info_free(struct csr_info *ci)
{
	if (ci == NULL)
		return;
	free(ci->subject);
	free(ci->key);
	san_list_free(ci->san);
	EVP_PKEY_free(ci->pubkey);
	free(ci);
}

/* true if the request's public key is pk's. */
bool
csr_key_matches(const struct csr_info *ci, struct evp_pkey_st *pk)
{
	int	r;

	if (ci == NULL || ci->pubkey == NULL || pk == NULL)
		return (false);
	r = EVP_PKEY_eq(ci->pubkey, pk);
	cause_ssl_clear();
	return (r == 1);
}

/* SPDX-License-Identifier: ISC */
/*
 * fuzz-pkcs12.c -- pkcs12_load (through keystore_load_mem, and
 * keystore_load_owned which must agree with it) on arbitrary input, with a
 * fixed store password and without one.
 *
 * An input starting with 0x30 is the file itself.  Anything else is taken,
 * after its first byte, as a SafeContents and wrapped here into a MAC-less
 * PFX, so the bag walker is reached without a MAC standing in the way.
 *
 * Besides not crashing or leaking: a failure always has a message; keys
 * are recovered when that is cheap; and a passwordless result must write,
 * read back with the same entries, and write again byte for byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "core.h"

#define FUZZ_MAX_ITER	2048

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Iteration count of a PBE AlgorithmIdentifier, or INT32_MAX. */
static long
fuzz_alg_iter(const X509_ALGOR *alg)
{
	PBE2PARAM	*pbe2;
	PBKDF2PARAM	*kdf;
	PBEPARAM	*pbe;
	long		 it = INT32_MAX;

	if (alg == NULL || alg->parameter == NULL)
		return (it);
	if (OBJ_obj2nid(alg->algorithm) == NID_pbes2) {
		pbe2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM),
		    alg->parameter);
		if (pbe2 != NULL && pbe2->keyfunc != NULL &&
		    pbe2->keyfunc->parameter != NULL) {
			kdf = ASN1_TYPE_unpack_sequence(
			    ASN1_ITEM_rptr(PBKDF2PARAM),
			    pbe2->keyfunc->parameter);
			if (kdf != NULL)
				it = ASN1_INTEGER_get(kdf->iter);
			PBKDF2PARAM_free(kdf);
		}
		PBE2PARAM_free(pbe2);
	} else {
		pbe = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBEPARAM),
		    alg->parameter);
		if (pbe != NULL)
			it = ASN1_INTEGER_get(pbe->iter);
		PBEPARAM_free(pbe);
	}
	return (it);
}

/* Whether the MAC and every encrypted safe are cheap to open. */
static int
fuzz_cheap_file(const unsigned char *p, size_t len)
{
	const ASN1_INTEGER	*iter = NULL;
	STACK_OF(PKCS7)		*safes;
	PKCS12			*p12;
	PKCS7			*p7;
	int			 i, ok = 1;

	if ((p12 = d2i_PKCS12(NULL, &p, (long)len)) == NULL)
		return (1);
	if (PKCS12_mac_present(p12)) {
		PKCS12_get0_mac(NULL, NULL, NULL, &iter, p12);
		if (iter != NULL && (ASN1_INTEGER_get(iter) < 0 ||
		    ASN1_INTEGER_get(iter) > FUZZ_MAX_ITER))
			ok = 0;
	}
	if (ok && (safes = PKCS12_unpack_authsafes(p12)) != NULL) {
		for (i = 0; i < sk_PKCS7_num(safes); i++) {
			p7 = sk_PKCS7_value(safes, i);
			if (OBJ_obj2nid(p7->type) == NID_pkcs7_encrypted &&
			    p7->d.encrypted != NULL &&
			    p7->d.encrypted->enc_data != NULL &&
			    fuzz_alg_iter(p7->d.encrypted->enc_data->algorithm) >
			    FUZZ_MAX_ITER)
				ok = 0;
		}
		sk_PKCS7_pop_free(safes, PKCS7_free);
	}
	PKCS12_free(p12);
	return (ok);
}

/* Whether a stored key is cheap to try (few PBE iterations). */
static int
fuzz_cheap_key(const struct ks_entry *e)
{
	const unsigned char	*p = e->prot;
	const X509_ALGOR	*alg;
	X509_SIG		*sig;
	int			 ok;

	if (p == NULL || (sig = d2i_X509_SIG(NULL, &p,
	    (long)e->prot_len)) == NULL)
		return (1);		/* plain keyBag or broken: cheap */
	X509_SIG_get0(sig, &alg, NULL);
	ok = fuzz_alg_iter(alg) <= FUZZ_MAX_ITER;
	X509_SIG_free(sig);
	return (ok);
}

/* Append a DER header (tag, length) to b at *o. */
static void
fuzz_hdr(unsigned char *b, size_t *o, int tag, size_t len)
{
	b[(*o)++] = (unsigned char)tag;
	if (len < 0x80)
		b[(*o)++] = (unsigned char)len;
	else {
		b[(*o)++] = 0x84;
		b[(*o)++] = (unsigned char)(len >> 24);
		b[(*o)++] = (unsigned char)(len >> 16);
		b[(*o)++] = (unsigned char)(len >> 8);
		b[(*o)++] = (unsigned char)len;
	}
}

/* Size of a DER element with content length len (as fuzz_hdr writes). */
static size_t
fuzz_tlv(size_t len)
{
	return ((len < 0x80 ? 2 : 6) + len);
}

/* PFX { 3, data { AuthSafe { data { sc } } } }, no MAC. */
static unsigned char *
fuzz_wrap(const unsigned char *sc, size_t n, size_t *outlen)
{
	static const unsigned char data_oid[] = { 0x06, 0x09, 0x2a, 0x86,
	    0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01 };
	size_t		 ci1, as, ci2, pfx, o = 0;
	unsigned char	*b;

	ci1 = sizeof data_oid + fuzz_tlv(fuzz_tlv(n));
	as = fuzz_tlv(ci1);
	ci2 = sizeof data_oid + fuzz_tlv(fuzz_tlv(fuzz_tlv(as)));
	pfx = 3 + fuzz_tlv(ci2);
	b = xmalloc(fuzz_tlv(pfx));
	fuzz_hdr(b, &o, 0x30, pfx);
	memcpy(b + o, "\x02\x01\x03", 3);
	o += 3;
	fuzz_hdr(b, &o, 0x30, ci2);
	memcpy(b + o, data_oid, sizeof data_oid);
	o += sizeof data_oid;
	fuzz_hdr(b, &o, 0xa0, fuzz_tlv(fuzz_tlv(as)));
	fuzz_hdr(b, &o, 0x04, fuzz_tlv(as));
	fuzz_hdr(b, &o, 0x30, as);
	fuzz_hdr(b, &o, 0x30, ci1);
	memcpy(b + o, data_oid, sizeof data_oid);
	o += sizeof data_oid;
	fuzz_hdr(b, &o, 0xa0, fuzz_tlv(n));
	fuzz_hdr(b, &o, 0x04, n);
	memcpy(b + o, sc, n);
	*outlen = o + n;
	return (b);
}

/* The entry of ks2 with e's alias (case-insensitive, NULs allowed) must
 * have e's type and leaf certificate. */
static void
fuzz_same(const struct ks_entry *e, const struct keystore *ks2)
{
	const struct ks_entry	*f;
	size_t			 i, j;
	int			 a, b;

	for (i = 0; i < ks2->nentries; i++) {
		f = ks2->entries[i];
		if (f->alias_len != e->alias_len)
			continue;
		for (j = 0; j < e->alias_len; j++) {
			a = (unsigned char)e->alias[j];
			b = (unsigned char)f->alias[j];
			if (a >= 'A' && a <= 'Z')
				a += 'a' - 'A';
			if (b >= 'A' && b <= 'Z')
				b += 'a' - 'A';
			if (a != b)
				break;
		}
		if (j < e->alias_len)
			continue;
		if (f->type != e->type || (e->nchain > 0) != (f->nchain > 0))
			abort();
		if (e->nchain > 0 && (e->chain[0]->len != f->chain[0]->len ||
		    memcmp(e->chain[0]->der, f->chain[0]->der,
		    e->chain[0]->len) != 0))
			abort();
		return;
	}
	abort();
}

/* Passwordless: write, read back, write again; the bytes must match. */
static void
fuzz_rewrite(struct keystore *ks)
{
	struct keystore	*ks2 = NULL, *ks3 = NULL;
	unsigned char	*out = NULL, *out2 = NULL, *out3 = NULL;
	size_t		 outlen, outlen2, outlen3, i;
	char		*cause = NULL;

	if (!ks->passwordless)
		return;
	if (pkcs12_write(ks, NULL, &out, &outlen, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		return;
	}
	if (keystore_load_mem(out, outlen, "rewrite", NULL, 0, &ks2,
	    &cause) != 0)
		abort();
	if (!ks2->passwordless || ks2->nentries != ks->nentries)
		abort();
	for (i = 0; i < ks->nentries; i++)
		fuzz_same(ks->entries[i], ks2);
	if (pkcs12_write(ks2, NULL, &out2, &outlen2, &cause) != 0)
		abort();
	if (keystore_load_mem(out2, outlen2, "rewrite", NULL, 0, &ks3,
	    &cause) != 0)
		abort();
	if (pkcs12_write(ks3, NULL, &out3, &outlen3, &cause) != 0)
		abort();
	if (outlen3 != outlen2 || memcmp(out2, out3, outlen2) != 0)
		abort();
	free(out);
	free(out2);
	free(out3);
	keystore_free(ks2);
	keystore_free(ks3);
}

/*
 * The same input through keystore_load_owned (the file's own buffer kept:
 * certificates borrow from it, entries are packed in the keystore's arena,
 * encrypted parts are decrypted in place): it must load exactly what
 * keystore_load_mem loaded (ref, or fail when ref is NULL), and survive
 * sorting, fingerprints, a chain grown and an entry removed.
 */
static void
fuzz_owned(const unsigned char *p, size_t len, const struct secret *pw,
    int flags, const struct keystore *ref)
{
	struct keystore	*ks = NULL;
	struct ks_entry	*e, *f;
	char		*cause = NULL;
	size_t		 i, j;

	if (keystore_load_owned(xmemdup(p, len), len, "fuzz", pw, flags, &ks,
	    &cause) != 0) {
		if (cause == NULL || ks != NULL || ref != NULL)
			abort();
		free(cause);
		return;
	}
	if (ref == NULL || ks->nentries != ref->nentries ||
	    ks->verified != ref->verified)
		abort();
	for (i = 0; i < ks->nentries; i++) {
		e = ks->entries[i];
		f = ref->entries[i];
		if (e->alias_len != f->alias_len || memcmp(e->alias, f->alias,
		    e->alias_len) != 0 || e->type != f->type ||
		    e->nchain != f->nchain)
			abort();
		for (j = 0; j < e->nchain; j++) {
			if (e->chain[j]->len != f->chain[j]->len ||
			    memcmp(e->chain[j]->der, f->chain[j]->der,
			    e->chain[j]->len) != 0 ||
			    strcmp(e->chain[j]->info.subject,
			    f->chain[j]->info.subject) != 0 ||
			    strcmp(e->chain[j]->info.serial,
			    f->chain[j]->info.serial) != 0)
				abort();
			(void)cert_sha256(e->chain[j]);
		}
	}
	keystore_sort(ks);
	if (ks->nentries > 0) {
		e = ks->entries[0];
		if (e->nchain > 0)
			ks_entry_add_cert(e, cert_dup(e->chain[0]));
		keystore_remove(ks, 0);
	}
	keystore_free(ks);
}

/* One load; failures must say why. */
static struct keystore *
fuzz_load(const unsigned char *p, size_t len, const struct secret *pw,
    int flags)
{
	struct keystore	*ks = NULL;
	char		*cause = NULL;

	if (keystore_load_mem(p, len, "fuzz", pw, flags, &ks, &cause) != 0) {
		if (cause == NULL || ks != NULL)
			abort();
		free(cause);
		return (NULL);
	}
	if (cause != NULL)
		abort();
	return (ks);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct secret	*pw;
	struct keystore		*ks;
	unsigned char		*wrapped = NULL;
	const unsigned char	*p = data;
	char			*cause = NULL;
	size_t			 len = size, i;

	if (pw == NULL)
		pw = secret_from_str("storepass");
	if (size == 0)
		return (0);
	if (data[0] != 0x30) {
		wrapped = fuzz_wrap(data + 1, size - 1, &len);
		p = wrapped;
	}
	if (keystore_sniff(p, len) != KS_FMT_PKCS12)
		goto out;

	if (fuzz_cheap_file(p, len)) {
		ks = fuzz_load(p, len, pw, 0);
		fuzz_owned(p, len, pw, 0, ks);
	} else
		ks = NULL;
	if (ks != NULL) {
		for (i = 0; i < ks->nentries; i++) {
			if (ks->entries[i]->type != KS_ENTRY_KEY ||
			    !fuzz_cheap_key(ks->entries[i]))
				continue;
			if (keystore_recover_key(ks, ks->entries[i], pw,
			    &cause) != 0) {
				if (cause == NULL)
					abort();
				free(cause);
				cause = NULL;
			}
		}
		keystore_free(ks);
	}
	if ((ks = fuzz_load(p, len, NULL, 0)) != NULL)
		keystore_free(ks);
	ks = fuzz_load(p, len, NULL, KS_LOAD_NOVERIFY);
	fuzz_owned(p, len, NULL, KS_LOAD_NOVERIFY, ks);
	if (ks != NULL) {
		fuzz_rewrite(ks);
		keystore_free(ks);
	}
out:
	free(wrapped);
	return (0);
}

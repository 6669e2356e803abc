/* SPDX-License-Identifier: ISC */
/*
 * pkcs12.c -- Java-flavoured PKCS#12 through OpenSSL 3.0 (docs/formats.md,
 * PKCS#12 as Java reads and writes it).
 *
 * Loading follows Java's PKCS12KeyStore rather than PKCS12_parse.  A DER
 * file is walked in place with a small bounds-checked DER reader (PFX,
 * AuthenticatedSafe, SafeContents, bags); OpenSSL computes the MAC
 * (PKCS12_key_gen_utf8_ex + HMAC, as PKCS12_verify_mac does) and decrypts
 * the encrypted safe in place, in the keystore's own copy of the file when
 * it has one (keystore_load_owned: its certificates then point into it).
 * BER input goes through d2i_PKCS12 and PKCS12_unpack_authsafes instead,
 * and a BER SafeContents is re-encoded as DER first.  Certificates are
 * never decoded by OpenSSL while listing: their DER goes straight to
 * ks_cert_new.  Iteration counts above Java's limit are refused before any
 * work.
 *
 * What ks_entry.prot holds for a PKCS#12 entry:
 *  - pkcs8ShroudedKeyBag: the EncryptedPrivateKeyInfo (X509_SIG) DER;
 *  - plain keyBag: the 8 bytes of p12_plain_marker, then the PrivateKeyInfo
 *    DER (not encrypted; Java ignores such bags, tlsdeck shows them and
 *    encrypts them when writing);
 *  - secretBag: the whole SecretBag DER (SEQUENCE { secretTypeId, [0] }).
 *
 * Writing builds the file bag by bag (docs/formats.md, Writing PKCS#12 with
 * OpenSSL 3.0) with the scheme in
 * ks->p12: the file's own when it was loaded (Java does the same), the
 * defaults otherwise.  Parts that need OpenSSL's legacy provider fall back
 * to the defaults when that provider cannot be loaded (pkcs12_write_params
 * tells the caller).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "core.h"

#define P12_MAX_ITER		5000000	/* Java's MAX_ITERATION_COUNT */
#define P12_DEFAULT_ITER	10000
#define P12_SALT_LEN		20
#define P12_ORACLE_TRUST	"2.16.840.1.113894.746875.1.1"
#define P12_MARKER_LEN		8
/* What keytool writes with -J-Dkeystore.pkcs12.legacy (docs/formats.md,
 * PKCS#12 profiles). */
#define P12_LEGACY_KEY_NID	NID_pbe_WithSHA1And3_Key_TripleDES_CBC
#define P12_LEGACY_CERT_NID	NID_pbe_WithSHA1And40BitRC2_CBC
#define P12_LEGACY_ITER		50000
#define P12_LEGACY_MAC_ITER	100000

static const unsigned char p12_plain_marker[P12_MARKER_LEN] = {
	0x00, 'P', '8', 'P', 'L', 'A', 'I', 'N'
};

/* OID contents (without tag and length) compared against bag fields. */
static const unsigned char oid_keybag[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x01 };
static const unsigned char oid_shkeybag[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x02 };
static const unsigned char oid_certbag[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x03 };
static const unsigned char oid_secretbag[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x05 };
static const unsigned char oid_x509cert[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x16, 0x01 };
static const unsigned char oid_friendlyname[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x14 };
static const unsigned char oid_localkeyid[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x15 };
static const unsigned char oid_trust[] = {
	0x60, 0x86, 0x48, 0x01, 0x86, 0xf9, 0x66, 0xad, 0xca, 0x7b, 0x01, 0x01 };

#define P12_OID_IS(t, o) \
	((t)->len == sizeof (o) && memcmp((t)->val, (o), sizeof (o)) == 0)

/* One DER element. */
struct p12_tlv {
	int			 tag;	/* identifier octet */
	const unsigned char	*val;	/* contents */
	size_t			 len;
	const unsigned char	*raw;	/* the whole element */
	size_t			 rawlen;
};

/* A protection algorithm, as found in an AlgorithmIdentifier. */
struct p12_alg {
	int	 nid;		/* PBES2: the cipher NID; else the PBE NID */
	int	 iter;
	bool	 legacy;	/* needs the legacy provider */
	char	 name[160];	/* for messages */
};

enum p12_bagkind {
	P12_BAG_OTHER = 0,
	P12_BAG_KEY,		/* pkcs8ShroudedKeyBag */
	P12_BAG_PLAINKEY,	/* keyBag */
	P12_BAG_CERT,
	P12_BAG_SECRET
};

/* A SafeBag as read from the file. */
struct p12_bag {
	enum p12_bagkind	 kind;
	int			 index;		/* position in its SafeContents */
	char			*alias;		/* friendlyName, UTF-8, or NULL */
	size_t			 alias_len;
	unsigned char		*keyid;		/* localKeyID, or NULL */
	size_t			 keyid_len;
	const unsigned char	*ekeyid;	/* keyid after Java's "01" rule */
	size_t			 ekeyid_len;
	bool			 trusted;	/* Oracle trusted-usage attribute */
	struct cert		*cert;
	unsigned char		*value;		/* e->prot material */
	size_t			 value_len;
	bool			 alg_ok;	/* key bags: algorithm usable */
	bool			 alg_legacy;
	int			 alg_nid;
	int			 alg_iter;
};

/* State of one load. */
struct p12_load {
	struct p12_bag	*bags;
	size_t		 nbags;
	size_t		 abags;
	int64_t		 now_ms;
	struct keystore	*ks;		/* being loaded (ks_cert_new) */
};

/* An entry in Java's alias map (a later bag replaces it in place). */
struct p12_slot {
	struct ks_entry	*e;
	struct p12_bag	*tbag;		/* trusted entry: its bag */
	size_t		 pos;		/* its bag's place in the file */
};

/* Java's keyList: every key bag, even one whose entry was replaced. */
struct p12_key {
	struct p12_bag	*bag;
	struct ks_entry	*e;		/* NULL once replaced by a later bag */
};

/* The legacy provider is loaded once per process, whichever thread (the
 * dashboard's probe and wizard workers load keystores) asks first. */
static CRYPTO_ONCE	 p12_legacy_once = CRYPTO_ONCE_STATIC_INIT;
static atomic_int	 p12_legacy_state;	/* 0 untried, 1 loaded,
						   -1 missing */
/* Kept for the life of the process (held, so not a leak). */
static OSSL_PROVIDER	*p12_prov_default, *p12_prov_legacy;

/* Load OpenSSL's legacy provider (and the default one): run once. */
static void
p12_legacy_init(void)
{
	int	state = -1;

	if ((p12_prov_default = OSSL_PROVIDER_load(NULL, "default")) != NULL &&
	    (p12_prov_legacy = OSSL_PROVIDER_load(NULL, "legacy")) != NULL)
		state = 1;
	ERR_clear_error();
	atomic_store(&p12_legacy_state, state);
}

/* Load OpenSSL's legacy provider (and the default one) once. */
static bool
p12_legacy_load(void)
{
	if (!CRYPTO_THREAD_run_once(&p12_legacy_once, p12_legacy_init))
		return (false);
	return (atomic_load(&p12_legacy_state) == 1);
}

/* Whether a cipher can run; *legacy when it needs the legacy provider. */
static bool
p12_cipher_usable(int nid, bool *legacy)
{
	EVP_CIPHER	*c;
	const char	*sn;

	*legacy = false;
	if ((sn = OBJ_nid2sn(nid)) == NULL)
		return (false);
	if ((c = EVP_CIPHER_fetch(NULL, sn, "provider=default")) != NULL) {
		EVP_CIPHER_free(c);
		return (true);
	}
	ERR_clear_error();
	*legacy = true;
	if (!p12_legacy_load())
		return (false);
	if ((c = EVP_CIPHER_fetch(NULL, sn, NULL)) == NULL) {
		ERR_clear_error();
		return (false);
	}
	EVP_CIPHER_free(c);
	return (true);
}

/* Whether a digest can run. */
static bool
p12_md_usable(int nid)
{
	EVP_MD		*md;
	const char	*sn;

	if ((sn = OBJ_nid2sn(nid)) == NULL)
		return (false);
	if ((md = EVP_MD_fetch(NULL, sn, NULL)) == NULL) {
		ERR_clear_error();
		return (false);
	}
	EVP_MD_free(md);
	return (true);
}

/* Name of an object: OpenSSL's long name, else dotted. */
static void
p12_obj_name(const ASN1_OBJECT *o, char *buf, size_t len)
{
	if (o == NULL || OBJ_obj2txt(buf, (int)len, o, 0) <= 0)
		snprintf(buf, len, "(unknown)");
}

/* Read an ASN1_INTEGER iteration count; -1 when absent or out of range. */
static int
p12_iter(const ASN1_INTEGER *ai)
{
	long	v;

	if (ai == NULL)
		return (1);
	v = ASN1_INTEGER_get(ai);
	if (v < 1 || v > P12_MAX_ITER)
		return (-1);
	return ((int)v);
}

/*
 * Inspect a password-based encryption algorithm.  Returns 0 when OpenSSL
 * can run it (loading the legacy provider when needed), -1 with why set
 * when it cannot, -2 when the parameters are malformed or out of range.
 */
static int
p12_alg_inspect(const X509_ALGOR *alg, struct p12_alg *a, char *why,
    size_t whylen)
{
	PBE2PARAM	*pbe2 = NULL;
	PBKDF2PARAM	*kdf = NULL;
	PBEPARAM	*pbe = NULL;
	char		 n1[64], n2[64];
	int		 onid, cnid = NID_undef, mdnid, prf, rc = -2;

	memset(a, 0, sizeof *a);
	why[0] = '\0';
	if (alg == NULL || alg->algorithm == NULL) {
		snprintf(why, whylen, "missing algorithm");
		return (-2);
	}
	onid = OBJ_obj2nid(alg->algorithm);
	p12_obj_name(alg->algorithm, a->name, sizeof a->name);
	if (onid == NID_pbes2) {
		if (alg->parameter == NULL || (pbe2 = ASN1_TYPE_unpack_sequence(
		    ASN1_ITEM_rptr(PBE2PARAM), alg->parameter)) == NULL ||
		    pbe2->keyfunc == NULL || pbe2->encryption == NULL) {
			snprintf(why, whylen, "malformed PBES2 parameters");
			goto out;
		}
		cnid = OBJ_obj2nid(pbe2->encryption->algorithm);
		p12_obj_name(pbe2->encryption->algorithm, n2, sizeof n2);
		if (OBJ_obj2nid(pbe2->keyfunc->algorithm) != NID_id_pbkdf2) {
			p12_obj_name(pbe2->keyfunc->algorithm, n1, sizeof n1);
			snprintf(a->name, sizeof a->name, "PBES2 (%s, %s)",
			    n1, n2);
			snprintf(why, whylen, "%s: that key derivation is "
			    "not supported", a->name);
			rc = -1;
			goto out;
		}
		if (pbe2->keyfunc->parameter == NULL ||
		    (kdf = ASN1_TYPE_unpack_sequence(
		    ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter)) ==
		    NULL) {
			snprintf(why, whylen, "malformed PBKDF2 parameters");
			goto out;
		}
		prf = kdf->prf != NULL ? OBJ_obj2nid(kdf->prf->algorithm) :
		    NID_hmacWithSHA1;
		if (kdf->prf != NULL)
			p12_obj_name(kdf->prf->algorithm, n1, sizeof n1);
		else
			snprintf(n1, sizeof n1, "hmacWithSHA1");
		snprintf(a->name, sizeof a->name, "PBES2 (PBKDF2 %s, %s)",
		    n1, n2);
		a->nid = cnid;
		if ((a->iter = p12_iter(kdf->iter)) < 0) {
			snprintf(why, whylen, "%s: iteration count out of "
			    "range (1..%d)", a->name, P12_MAX_ITER);
			goto out;
		}
		if (!EVP_PBE_find(EVP_PBE_TYPE_PRF, prf, NULL, &mdnid, NULL) ||
		    !p12_md_usable(mdnid)) {
			snprintf(why, whylen, "%s: PRF %s is not supported",
			    a->name, n1);
			rc = -1;
			goto out;
		}
	} else {
		if (!EVP_PBE_find(EVP_PBE_TYPE_OUTER, onid, &cnid, &mdnid,
		    NULL) || onid == NID_undef) {
			snprintf(why, whylen, "%s is not a known password-based "
			    "encryption", a->name);
			rc = -1;
			goto out;
		}
		if (alg->parameter == NULL || (pbe = ASN1_TYPE_unpack_sequence(
		    ASN1_ITEM_rptr(PBEPARAM), alg->parameter)) == NULL) {
			snprintf(why, whylen, "malformed %s parameters",
			    a->name);
			goto out;
		}
		a->nid = onid;
		if ((a->iter = p12_iter(pbe->iter)) < 0) {
			snprintf(why, whylen, "%s: iteration count out of "
			    "range (1..%d)", a->name, P12_MAX_ITER);
			goto out;
		}
		if (mdnid != NID_undef && !p12_md_usable(mdnid)) {
			snprintf(why, whylen, "%s: digest not available",
			    a->name);
			rc = -1;
			goto out;
		}
	}
	if (cnid == NID_undef || !p12_cipher_usable(cnid, &a->legacy)) {
		if (a->legacy)
			snprintf(why, whylen, "%s (needs OpenSSL's legacy "
			    "provider, which could not be loaded)", a->name);
		else
			snprintf(why, whylen, "%s (cipher not supported)",
			    a->name);
		rc = -1;
		goto out;
	}
	rc = 0;
out:
	PBE2PARAM_free(pbe2);
	PBKDF2PARAM_free(kdf);
	PBEPARAM_free(pbe);
	ERR_clear_error();
	return (rc);
}

/* ------------------------------------------------------------------ */
/* DER walking (untrusted input: every length is checked) */

/* Read one element from [*p, end); 0, or -1 if malformed. */
static int
p12_der_next(const unsigned char **p, const unsigned char *end,
    struct p12_tlv *t)
{
	const unsigned char	*q = *p;
	size_t			 len, n, i;

	if (q >= end || end - q < 2)
		return (-1);
	t->raw = q;
	t->tag = *q++;
	if ((t->tag & 0x1f) == 0x1f)
		return (-1);		/* high tag numbers: never used here */
	if (*q < 0x80)
		len = *q++;
	else {
		n = *q++ & 0x7f;
		if (n == 0 || n > 4 || (size_t)(end - q) < n)
			return (-1);	/* n == 0: BER indefinite length */
		for (len = 0, i = 0; i < n; i++)
			len = (len << 8) | *q++;
	}
	if ((size_t)(end - q) < len)
		return (-1);
	t->val = q;
	t->len = len;
	t->rawlen = (size_t)(q + len - t->raw);
	*p = q + len;
	return (0);
}

/* Read one element that must have the given tag. */
static int
p12_der_expect(const unsigned char **p, const unsigned char *end, int tag,
    struct p12_tlv *t)
{
	if (p12_der_next(p, end, t) != 0 || t->tag != tag)
		return (-1);
	return (0);
}

/* Append code point cp as UTF-8. */
static size_t
p12_utf8_put(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return (1);
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return (2);
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return (3);
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return (4);
}

/* BMPString (UTF-16BE, as Java writes it) to UTF-8; lone surrogates become
 * U+FFFD.  -1 on an odd length. */
static int
p12_bmp_to_utf8(const unsigned char *p, size_t len, char **out,
    size_t *outlen)
{
	char		*s;
	size_t		 i, o = 0;
	unsigned long	 u, u2;

	if (len % 2 != 0)
		return (-1);
	s = xmalloc(len / 2 * 3 + 1);
	for (i = 0; i < len; i += 2) {
		u = ((unsigned long)p[i] << 8) | p[i + 1];
		if (u >= 0xd800 && u < 0xdc00 && i + 3 < len) {
			u2 = ((unsigned long)p[i + 2] << 8) | p[i + 3];
			if (u2 >= 0xdc00 && u2 < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (u2 - 0xdc00);
				i += 2;
			}
		}
		if (u >= 0xd800 && u < 0xe000)
			u = 0xfffd;
		o += p12_utf8_put(s + o, u);
	}
	s[o] = '\0';
	*out = s;
	*outlen = o;
	return (0);
}

/* Decode one UTF-8 sequence at s[*i]; -1 if invalid. */
static long
p12_utf8_get(const unsigned char *s, size_t len, size_t *i)
{
	unsigned long	cp, min;
	size_t		n, k;

	if (s[*i] < 0x80)
		return (s[(*i)++]);
	if ((s[*i] & 0xe0) == 0xc0) {
		n = 1;
		cp = s[*i] & 0x1f;
		min = 0x80;
	} else if ((s[*i] & 0xf0) == 0xe0) {
		n = 2;
		cp = s[*i] & 0x0f;
		min = 0x800;
	} else if ((s[*i] & 0xf8) == 0xf0) {
		n = 3;
		cp = s[*i] & 0x07;
		min = 0x10000;
	} else
		return (-1);
	if (*i + n >= len)
		return (-1);
	for (k = 1; k <= n; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			return (-1);
		cp = (cp << 6) | (s[*i + k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
		return (-1);
	*i += n + 1;
	return ((long)cp);
}

/* UTF-8 to UTF-16BE (a BMPString as Java writes it); -1 if not UTF-8. */
static int
p12_utf8_to_bmp(const char *s, size_t len, unsigned char **out,
    size_t *outlen)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned char		*b;
	size_t			 i = 0, o = 0;
	long			 cp;

	b = xmalloc(len * 2 + 2);
	while (i < len) {
		if ((cp = p12_utf8_get(u, len, &i)) < 0) {
			free(b);
			return (-1);
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			b[o++] = (unsigned char)(0xd8 | (cp >> 18));
			b[o++] = (unsigned char)(cp >> 10);
			b[o++] = (unsigned char)(0xdc | ((cp >> 8) & 0x03));
			b[o++] = (unsigned char)cp;
		} else {
			b[o++] = (unsigned char)(cp >> 8);
			b[o++] = (unsigned char)cp;
		}
	}
	*out = b;
	*outlen = o;
	return (0);
}

/* Whether s is valid UTF-8. */
static bool
p12_utf8_valid(const unsigned char *s, size_t len)
{
	size_t	i = 0;

	while (i < len)
		if (p12_utf8_get(s, len, &i) < 0)
			return (false);
	return (true);
}

/* Compare aliases as Java's lower-cased map keys do (ASCII only). */
static bool
p12_alias_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	i;
	int	ca, cb;

	if (alen != blen)
		return (false);
	for (i = 0; i < alen; i++) {
		ca = (unsigned char)a[i];
		cb = (unsigned char)b[i];
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return (false);
	}
	return (true);
}

/* Hash of a lower-cased alias (FNV-1a). */
static size_t
p12_alias_hash(const char *a, size_t len)
{
	size_t	h = 2166136261u, i;
	int	c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)a[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		h = (h ^ (size_t)c) * 16777619u;
	}
	return (h);
}

/* ------------------------------------------------------------------ */
/* Loading */

/* Milliseconds since the epoch, now. */
static int64_t
p12_now_ms(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return ((int64_t)time(NULL) * 1000);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Java's Long.parseLong of localKeyID "Time <ms>"; -1 if not that form. */
static int
p12_keyid_date(const unsigned char *id, size_t len, int64_t *ms)
{
	uint64_t	v = 0, lim;
	size_t		i = 5;
	bool		neg = false;

	if (len < 6 || memcmp(id, "Time ", 5) != 0)
		return (-1);
	if (id[i] == '-' || id[i] == '+') {
		neg = id[i] == '-';
		if (++i == len)
			return (-1);
	}
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (id[i] < '0' || id[i] > '9')
			return (-1);
		if (v > (lim - (id[i] - '0')) / 10)
			return (-1);
		v = v * 10 + (id[i] - '0');
	}
	if (neg)
		*ms = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*ms = (int64_t)v;
	return (0);
}

/* Free the bags of a load from index from on. */
static void
p12_bags_trim(struct p12_load *ld, size_t from)
{
	struct p12_bag	*b;
	size_t		 i;

	for (i = from; i < ld->nbags; i++) {
		b = &ld->bags[i];
		free(b->alias);
		free(b->keyid);
		cert_free(b->cert);
		if (b->value != NULL) {
			OPENSSL_cleanse(b->value, b->value_len);
			free(b->value);
		}
	}
	if (from < ld->nbags)
		ld->nbags = from;
}

/* Parse a bag's attributes (Java: last friendlyName / localKeyID wins). */
static int
p12_parse_attrs(struct p12_bag *b, const struct p12_tlv *set, char **cause)
{
	const unsigned char	*p = set->val, *end = set->val + set->len;
	const unsigned char	*q, *qend;
	struct p12_tlv		 attr, oid, vals, v;

	while (p < end) {
		if (p12_der_expect(&p, end, 0x30, &attr) != 0)
			goto bad;
		q = attr.val;
		qend = attr.val + attr.len;
		if (p12_der_expect(&q, qend, 0x06, &oid) != 0 ||
		    p12_der_expect(&q, qend, 0x31, &vals) != 0)
			goto bad;
		if (P12_OID_IS(&oid, oid_trust)) {
			b->trusted = true;
			continue;
		}
		if (!P12_OID_IS(&oid, oid_friendlyname) &&
		    !P12_OID_IS(&oid, oid_localkeyid))
			continue;
		q = vals.val;
		if (p12_der_next(&q, vals.val + vals.len, &v) != 0)
			goto bad;
		if (P12_OID_IS(&oid, oid_localkeyid)) {
			if (v.tag != 0x04)
				goto bad;
			free(b->keyid);
			b->keyid = xmalloc(v.len + 1);
			memcpy(b->keyid, v.val, v.len);
			b->keyid_len = v.len;
			continue;
		}
		free(b->alias);
		b->alias = NULL;
		if (v.tag == 0x1e) {
			if (p12_bmp_to_utf8(v.val, v.len, &b->alias,
			    &b->alias_len) != 0)
				goto bad;
		} else if (v.tag == 0x0c && p12_utf8_valid(v.val, v.len)) {
			b->alias = xmalloc(v.len + 1);
			memcpy(b->alias, v.val, v.len);
			b->alias[v.len] = '\0';
			b->alias_len = v.len;
		} else
			goto bad;
	}
	return (0);
bad:
	cause_set(cause, "malformed attributes in bag %d", b->index + 1);
	return (-1);
}

/* Append an empty bag (pointers into ld->bags move: index, don't keep). */
static struct p12_bag *
p12_bag_add(struct p12_load *ld)
{
	struct p12_bag	*b;

	if (ld->nbags == ld->abags) {
		ld->abags = ld->abags == 0 ? 16 : ld->abags * 2;
		ld->bags = xreallocarray(ld->bags, ld->abags, sizeof *ld->bags);
	}
	b = &ld->bags[ld->nbags++];
	memset(b, 0, sizeof *b);
	return (b);
}

/* certBag: SEQUENCE { certId, [0] EXPLICIT OCTET STRING }. */
static int
p12_parse_certbag(struct p12_load *ld, struct p12_bag *b,
    const struct p12_tlv *val, char **cause)
{
	const unsigned char	*p = val->val, *end = val->val + val->len, *q;
	struct p12_tlv		 id, ctx, oct;

	if (val->tag != 0x30 || p12_der_expect(&p, end, 0x06, &id) != 0 ||
	    p12_der_expect(&p, end, 0xa0, &ctx) != 0) {
		cause_set(cause, "malformed certificate bag %d", b->index + 1);
		return (-1);
	}
	if (!P12_OID_IS(&id, oid_x509cert)) {
		cause_set(cause, "bag %d holds a certificate that is not X.509",
		    b->index + 1);
		return (-1);
	}
	q = ctx.val;
	if (p12_der_expect(&q, ctx.val + ctx.len, 0x04, &oct) != 0) {
		cause_set(cause, "malformed certificate bag %d", b->index + 1);
		return (-1);
	}
	if ((b->cert = ks_cert_new(ld->ks, oct.val, oct.len, cause)) == NULL) {
		cause_prefix(cause, "certificate in bag %d", b->index + 1);
		return (-1);
	}
	return (0);
}

/* pkcs8ShroudedKeyBag: keep the X509_SIG DER and look at its algorithm. */
static int
p12_parse_keybag(struct p12_bag *b, const struct p12_tlv *val, char **cause)
{
	const unsigned char	*p = val->raw;
	const X509_ALGOR	*alg;
	X509_SIG		*sig;
	struct p12_alg		 a;
	unsigned char		*der = NULL;
	char			 why[256];
	int			 n;

	if ((sig = d2i_X509_SIG(NULL, &p, (long)val->rawlen)) == NULL) {
		cause_ssl(cause, "malformed encrypted private key in bag %d",
		    b->index + 1);
		return (-1);
	}
	X509_SIG_get0(sig, &alg, NULL);
	b->alg_ok = p12_alg_inspect(alg, &a, why, sizeof why) == 0;
	b->alg_nid = a.nid;
	b->alg_iter = a.iter;
	b->alg_legacy = a.legacy;
	n = i2d_X509_SIG(sig, &der);
	X509_SIG_free(sig);
	if (n <= 0) {
		cause_ssl(cause, "malformed encrypted private key in bag %d",
		    b->index + 1);
		return (-1);
	}
	b->value = xmemdup(der, (size_t)n);
	b->value_len = (size_t)n;
	OPENSSL_free(der);
	return (0);
}

/* keyBag (not encrypted): keep marker + PrivateKeyInfo DER. */
static int
p12_parse_plainkey(struct p12_bag *b, const struct p12_tlv *val,
    char **cause)
{
	const unsigned char	*p = val->raw;
	PKCS8_PRIV_KEY_INFO	*p8;

	if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)val->rawlen)) ==
	    NULL) {
		cause_ssl(cause, "malformed private key in bag %d",
		    b->index + 1);
		return (-1);
	}
	PKCS8_PRIV_KEY_INFO_free(p8);
	b->value_len = P12_MARKER_LEN + val->rawlen;
	b->value = xmalloc(b->value_len);
	memcpy(b->value, p12_plain_marker, P12_MARKER_LEN);
	memcpy(b->value + P12_MARKER_LEN, val->raw, val->rawlen);
	return (0);
}

/* SafeBag: SEQUENCE { bagId, [0] EXPLICIT bagValue, SET attrs OPTIONAL }. */
static int
p12_parse_bag(struct p12_load *ld, const struct p12_tlv *bag, int index,
    char **cause)
{
	const unsigned char	*p = bag->val, *end = bag->val + bag->len, *q;
	struct p12_tlv		 oid, ctx, val, attrs;
	struct p12_bag		*b;

	if (p12_der_expect(&p, end, 0x06, &oid) != 0 ||
	    p12_der_expect(&p, end, 0xa0, &ctx) != 0)
		goto bad;
	q = ctx.val;
	if (p12_der_next(&q, ctx.val + ctx.len, &val) != 0)
		goto bad;
	b = p12_bag_add(ld);
	b->index = index;
	if (P12_OID_IS(&oid, oid_shkeybag))
		b->kind = P12_BAG_KEY;
	else if (P12_OID_IS(&oid, oid_keybag))
		b->kind = P12_BAG_PLAINKEY;
	else if (P12_OID_IS(&oid, oid_certbag))
		b->kind = P12_BAG_CERT;
	else if (P12_OID_IS(&oid, oid_secretbag))
		b->kind = P12_BAG_SECRET;
	else
		b->kind = P12_BAG_OTHER;	/* Java ignores it too */
	if (p < end) {
		if (p12_der_expect(&p, end, 0x31, &attrs) != 0)
			goto bad;
		if (p12_parse_attrs(b, &attrs, cause) != 0)
			return (-1);
	}
	switch (b->kind) {
	case P12_BAG_CERT:
		return (p12_parse_certbag(ld, b, &val, cause));
	case P12_BAG_KEY:
		return (p12_parse_keybag(b, &val, cause));
	case P12_BAG_PLAINKEY:
		return (p12_parse_plainkey(b, &val, cause));
	case P12_BAG_SECRET:
		if (val.tag != 0x30)
			goto bad;
		b->value = xmemdup(val.raw, val.rawlen);
		b->value_len = val.rawlen;
		return (0);
	default:
		return (0);
	}
bad:
	cause_set(cause, "malformed bag %d", index + 1);
	return (-1);
}

/* Walk one DER SafeContents and append its bags. */
static int
p12_parse_safe_der(struct p12_load *ld, const unsigned char *buf, size_t len,
    char **cause)
{
	const unsigned char	*p = buf, *end = buf + len, *q, *qend;
	struct p12_tlv		 seq, bag;
	int			 index = 0;

	if (p12_der_expect(&p, end, 0x30, &seq) != 0) {
		cause_set(cause, "malformed SafeContents");
		return (-1);
	}
	q = seq.val;
	qend = seq.val + seq.len;
	while (q < qend) {
		if (p12_der_expect(&q, qend, 0x30, &bag) != 0) {
			cause_set(cause, "malformed bag %d", index + 1);
			return (-1);
		}
		if (p12_parse_bag(ld, &bag, index, cause) != 0)
			return (-1);
		index++;
	}
	return (0);
}

/* Walk a SafeContents; BER input is re-encoded as DER by OpenSSL first. */
static int
p12_parse_safe(struct p12_load *ld, const unsigned char *buf, size_t len,
    char **cause)
{
	STACK_OF(PKCS12_SAFEBAG)	*bags;
	const unsigned char		*p = buf;
	unsigned char			*der = NULL;
	size_t				 mark = ld->nbags;
	char				*why = NULL;
	int				 n, rc;

	if ((rc = p12_parse_safe_der(ld, buf, len, &why)) == 0)
		return (0);
	p12_bags_trim(ld, mark);
	bags = (STACK_OF(PKCS12_SAFEBAG) *)ASN1_item_d2i(NULL, &p, (long)len,
	    ASN1_ITEM_rptr(PKCS12_SAFEBAGS));
	if (bags != NULL) {
		n = ASN1_item_i2d((ASN1_VALUE *)bags, &der,
		    ASN1_ITEM_rptr(PKCS12_SAFEBAGS));
		sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
		if (n > 0 && ((size_t)n != len || memcmp(der, buf, len) != 0)) {
			free(why);
			why = NULL;
			rc = p12_parse_safe_der(ld, der, (size_t)n, &why);
		}
		if (n > 0)
			OPENSSL_clear_free(der, (size_t)n);
	}
	ERR_clear_error();
	if (rc != 0) {
		p12_bags_trim(ld, mark);
		cause_set(cause, "%s", why != NULL ? why : "malformed");
	}
	free(why);
	return (rc);
}

/*
 * A new entry for bag b with its alias: friendlyName, else Java's counter
 * "1", "2"...  A trusted certificate bag gives its alias away (nothing
 * looks at it again).  The alias is the one Java shows: lower-cased (the
 * key of its map), the friendlyName kept as stored_alias when it differs.
 */
static struct ks_entry *
p12_entry_new(struct keystore *ks, struct p12_bag *b, enum ks_etype t,
    unsigned int *counter)
{
	struct ks_entry	*e;
	char		*alias;
	size_t		 len, i;

	if (b->alias != NULL && t == KS_ENTRY_TRUSTED) {
		alias = b->alias;
		len = b->alias_len;
		b->alias = NULL;
	} else if (b->alias != NULL) {
		alias = xmalloc(b->alias_len + 1);
		memcpy(alias, b->alias, b->alias_len);
		alias[b->alias_len] = '\0';
		len = b->alias_len;
	} else {
		xasprintf(&alias, "%u", ++*counter);
		len = strlen(alias);
	}
	e = ks_entry_new_in(ks, alias, len, t);
	for (i = 0; i < len; i++) {
		if (alias[i] < 'A' || alias[i] > 'Z')
			continue;
		if (e->stored_alias == NULL) {
			e->stored_alias = xmalloc(len + 1);
			memcpy(e->stored_alias, alias, len + 1);
			e->stored_alias_len = len;
		}
		alias[i] += 'a' - 'A';
	}
	return (e);
}

/* The entry map Java keeps (lower-cased alias, insertion order). */
struct p12_map {
	struct p12_slot	*slots;
	size_t		 nslots;
	size_t		*hash;		/* slot index + 1, 0 when empty */
	size_t		 mask;
	struct p12_key	*keys;
	size_t		 nkeys;
};

/*
 * entries.put(alias.toLowerCase(), e): a later bag replaces in place; the
 * entry replaced goes to ks->ignored.  pos: the bag's place in the file.
 */
static void
p12_map_put(struct p12_map *m, struct keystore *ks, struct ks_entry *e,
    struct p12_bag *tbag, size_t pos)
{
	struct p12_slot		*s;
	struct ks_ignored	*ig;
	size_t			 h, k;

	h = p12_alias_hash(e->alias, e->alias_len) & m->mask;
	while (m->hash[h] != 0) {
		s = &m->slots[m->hash[h] - 1];
		if (p12_alias_eq(s->e->alias, s->e->alias_len, e->alias,
		    e->alias_len)) {
			for (k = 0; k < m->nkeys; k++)
				if (m->keys[k].e == s->e)
					m->keys[k].e = NULL;
			if (s->tbag != NULL && s->e->nchain == 0) {
				/* a trusted entry's certificate is its bag's */
				ks_entry_add_cert(s->e, cert_dup(
				    s->tbag->cert));
			}
			ks->ignored = xreallocarray(ks->ignored,
			    ks->nignored + 1, sizeof *ks->ignored);
			ig = &ks->ignored[ks->nignored++];
			ig->e = s->e;
			ig->pos = s->pos;
			ig->by_pos = pos;
			s->e = e;
			s->tbag = tbag;
			s->pos = pos;
			return;
		}
		h = (h + 1) & m->mask;
	}
	s = &m->slots[m->nslots++];
	s->e = e;
	s->tbag = tbag;
	s->pos = pos;
	m->hash[h] = m->nslots;
}

/* Java's findMatchedCertificate: localKeyID (alias breaks ties), else
 * alias, among the certificates without the trust attribute. */
static struct cert *
p12_find_leaf(struct p12_load *ld, const struct p12_bag *kb,
    const struct ks_entry *e)
{
	struct p12_bag	*b, *idmatch = NULL, *aliasmatch = NULL;
	size_t		 i;
	bool		 sameid, samealias;

	for (i = 0; i < ld->nbags; i++) {
		b = &ld->bags[i];
		if (b->kind != P12_BAG_CERT || b->trusted || b->cert == NULL)
			continue;
		sameid = b->ekeyid != NULL && b->ekeyid_len == kb->ekeyid_len &&
		    memcmp(b->ekeyid, kb->ekeyid, kb->ekeyid_len) == 0;
		samealias = b->alias != NULL && p12_alias_eq(b->alias,
		    b->alias_len, e->alias, e->alias_len);
		if (sameid) {
			idmatch = b;
			if (samealias)
				return (b->cert);
		} else if (samealias)
			aliasmatch = b;
	}
	if (idmatch != NULL)
		return (idmatch->cert);
	return (aliasmatch != NULL ? aliasmatch->cert : NULL);
}

/* Java's findIssuer: an issuer-DN match whose SKI equals the AKI, else a
 * DN match without SKI (the first one when c has no AKI). */
static struct cert *
p12_find_issuer(struct p12_load *ld, const struct cert *c)
{
	const struct cert_info	*ci = &c->info, *xi;
	struct cert		*fallback = NULL;
	struct p12_bag		*b;
	size_t			 i;

	for (i = 0; i < ld->nbags; i++) {
		b = &ld->bags[i];
		if (b->kind != P12_BAG_CERT || b->cert == NULL)
			continue;
		xi = &b->cert->info;
		if (xi->subject_der.len != ci->issuer_der.len ||
		    memcmp(xi->subject_der.p, ci->issuer_der.p,
		    ci->issuer_der.len) != 0)
			continue;
		if (ci->aki.len == 0)
			return (b->cert);
		if (xi->ski.len == 0) {
			fallback = b->cert;
			continue;
		}
		if (xi->ski.len == ci->aki.len &&
		    memcmp(xi->ski.p, ci->aki.p, ci->aki.len) == 0)
			return (b->cert);
	}
	return (fallback);
}

/* Complete a key entry's chain as Java does (loops guarded). */
static int
p12_build_chain(struct p12_load *ld, struct p12_key *k, char **cause)
{
	struct ks_entry	*e = k->e;
	struct cert	*c, *d;
	size_t		 j;

	c = p12_find_leaf(ld, k->bag, e);
	while (c != NULL) {
		for (j = 0; j < e->nchain; j++) {
			if (e->chain[j]->len == c->len &&
			    memcmp(e->chain[j]->der, c->der, c->len) == 0)
				return (0);
		}
		if ((d = cert_dup(c)) == NULL) {
			cause_set(cause, "out of memory");
			return (-1);
		}
		ks_entry_add_cert(e, d);
		if (c->info.self_signed)
			break;
		c = p12_find_issuer(ld, c);
	}
	return (0);
}

/* Turn the bags into entries with Java's PKCS12KeyStore rules. */
static int
p12_build(struct p12_load *ld, struct keystore *ks, char **cause)
{
	static const unsigned char	 id01[] = "01", id00[] = "00";
	struct p12_map			 m;
	struct p12_bag			*b;
	struct ks_entry			*e;
	unsigned int			 counter = 0;
	size_t				 i, size;
	int				 privcount = 0, rc = -1;

	memset(&m, 0, sizeof m);
	for (size = 16; size < 2 * ld->nbags + 2; size *= 2)
		/* nothing */;
	m.hash = xcalloc(size, sizeof *m.hash);
	m.mask = size - 1;
	m.slots = xcalloc(ld->nbags + 1, sizeof *m.slots);
	m.keys = xcalloc(ld->nbags + 1, sizeof *m.keys);
	for (i = 0; i < ld->nbags; i++) {
		b = &ld->bags[i];
		if (b->kind == P12_BAG_KEY || b->kind == P12_BAG_PLAINKEY)
			privcount++;
		b->ekeyid = b->keyid;
		b->ekeyid_len = b->keyid_len;
		switch (b->kind) {
		case P12_BAG_KEY:
		case P12_BAG_PLAINKEY:
		case P12_BAG_SECRET:
			if (b->ekeyid == NULL) {
				if (b->kind == P12_BAG_SECRET)
					b->ekeyid = id00;
				else if (privcount == 1)
					b->ekeyid = id01;
				else
					continue;	/* Java skips it */
				b->ekeyid_len = 2;
			}
			e = p12_entry_new(ks, b, b->kind == P12_BAG_SECRET ?
			    KS_ENTRY_SECRET : KS_ENTRY_KEY, &counter);
			if (p12_keyid_date(b->ekeyid, b->ekeyid_len,
			    &e->date_ms) != 0) {
				e->date_ms = ld->now_ms;
				e->flags |= KS_EF_NO_DATE;
			}
			e->prot = b->value;
			e->prot_len = b->value_len;
			b->value = NULL;
			if (b->kind == P12_BAG_KEY && !b->alg_ok)
				e->flags |= KS_EF_KEY_UNREADABLE;
			if (b->kind != P12_BAG_SECRET) {
				m.keys[m.nkeys].bag = b;
				m.keys[m.nkeys].e = e;
				m.nkeys++;
			}
			p12_map_put(&m, ks, e, NULL, i + 1);
			break;
		case P12_BAG_CERT:
			if (b->ekeyid == NULL && privcount == 1 &&
			    b->index == 0) {
				b->ekeyid = id01;
				b->ekeyid_len = 2;
			}
			if (!b->trusted)
				break;
			e = p12_entry_new(ks, b, KS_ENTRY_TRUSTED, &counter);
			e->date_ms = ld->now_ms;
			e->flags |= KS_EF_NO_DATE;
			p12_map_put(&m, ks, e, b, i + 1);
			break;
		default:
			break;
		}
	}
	for (i = 0; i < m.nkeys; i++) {
		if (m.keys[i].e != NULL &&
		    p12_build_chain(ld, &m.keys[i], cause) != 0)
			goto out;
	}
	/* keystore_add, with the array sized once for big truststores */
	ks->entries = xreallocarray(ks->entries, ks->nentries + m.nslots + 1,
	    sizeof *ks->entries);
	for (i = 0; i < m.nslots; i++) {
		e = m.slots[i].e;
		if (m.slots[i].tbag != NULL && ks->arena != NULL &&
		    e->nchain == 0 && e->chain == NULL) {
			e->chain = arena_alloc(ks->arena, sizeof *e->chain);
			e->chain[e->nchain++] = m.slots[i].tbag->cert;
			e->flags |= KS_EF_CHAIN_PACKED;
			m.slots[i].tbag->cert = NULL;
		} else if (m.slots[i].tbag != NULL) {
			ks_entry_add_cert(e, m.slots[i].tbag->cert);
			m.slots[i].tbag->cert = NULL;
		}
		ks->entries[ks->nentries++] = m.slots[i].e;
		m.slots[i].e = NULL;
	}
	rc = 0;
out:
	for (i = 0; i < m.nslots; i++)
		ks_entry_free(m.slots[i].e);
	free(m.slots);
	free(m.hash);
	free(m.keys);
	return (rc);
}

/*
 * Decrypt an encryptedData safe in place (a big truststore is not copied
 * once more); the padding is checked here.  The legacy provider is loaded
 * and the set-up retried once if the cipher is missing.  *outlen is the
 * plaintext length.
 */
static int
p12_decrypt(const X509_ALGOR *alg, unsigned char *d, size_t len,
    const struct secret *pass, size_t *outlen)
{
	EVP_CIPHER_CTX	*ctx = NULL;
	int		 n = 0, m = 0, bs, pad, i, try, rc = -1;

	for (try = 0; try < 2; try++) {
		if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
			goto out;
		if (EVP_PBE_CipherInit_ex(alg->algorithm, pass->buf,
		    (int)pass->len, alg->parameter, ctx, 0, NULL, NULL))
			break;
		EVP_CIPHER_CTX_free(ctx);
		ctx = NULL;
		if (try == 1 || atomic_load(&p12_legacy_state) != 0)
			goto out;
		ERR_clear_error();
		p12_legacy_load();
	}
	if (ctx == NULL)
		goto out;
	bs = EVP_CIPHER_CTX_get_block_size(ctx);
	if (bs < 1 || len == 0 || len > INT_MAX || len % (size_t)bs != 0)
		goto out;
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	if (!EVP_DecryptUpdate(ctx, d, &n, d, (int)len) ||
	    !EVP_DecryptFinal_ex(ctx, d + n, &m))
		goto out;
	n += m;
	if (bs > 1) {
		pad = n > 0 ? d[n - 1] : 0;
		if (pad < 1 || pad > bs || pad > n)
			goto out;
		for (i = n - pad; i < n; i++)
			if (d[i] != pad)
				goto out;
		n -= pad;
	}
	*outlen = (size_t)n;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return (rc);
}

/* One ContentInfo of the AuthenticatedSafe. */
struct p12_part {
	int			 nid;
	const unsigned char	*data;	/* data: the SafeContents;
					   encryptedData: the ciphertext */
	size_t			 len;
	X509_ALGOR		*alg;	/* encryptedData: its algorithm */
	PKCS7			*p7;	/* encryptedData, decoded (BER) */
};

/*
 * The PFX: its parts and MacData.  DER input is read in place (a 10,000
 * certificate truststore is not copied twice by d2i_PKCS12 and
 * PKCS12_unpack_authsafes); anything else goes through OpenSSL's decoder.
 */
struct p12_outer {
	struct p12_part		*parts;
	size_t			 nparts;
	bool			 own;		/* parts[].p7 are ours */
	bool			 mac;
	int			 mac_nid;
	char			 mac_name[64];
	const unsigned char	*mac_dig;
	size_t			 mac_diglen;
	const unsigned char	*mac_salt;
	size_t			 mac_saltlen;
	int			 mac_iter;	/* -1: out of range */
	const unsigned char	*authsafe;	/* the MAC'd bytes (DER) */
	size_t			 authsafe_len;
	PKCS12			*p12;		/* OpenSSL's decode */
	STACK_OF(PKCS7)		*safes;
};

static const unsigned char oid_p7data[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01 };
static const unsigned char oid_p7encdata[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x06 };

/* Free what an outer read holds. */
static void
p12_outer_clear(struct p12_outer *o)
{
	size_t	i;

	for (i = 0; i < o->nparts; i++) {
		X509_ALGOR_free(o->parts[i].alg);
		if (o->own)
			PKCS7_free(o->parts[i].p7);
	}
	free(o->parts);
	sk_PKCS7_pop_free(o->safes, PKCS7_free);
	PKCS12_free(o->p12);
	memset(o, 0, sizeof *o);
}

/* Append an empty part. */
static struct p12_part *
p12_part_add(struct p12_outer *o)
{
	struct p12_part	*pt;

	o->parts = xreallocarray(o->parts, o->nparts + 1, sizeof *o->parts);
	pt = &o->parts[o->nparts++];
	memset(pt, 0, sizeof *pt);
	return (pt);
}

/* ContentInfo: SEQUENCE { OID, [0] EXPLICIT content }. */
static int
p12_der_ci(const struct p12_tlv *ci, struct p12_tlv *oid,
    struct p12_tlv *content)
{
	const unsigned char	*p = ci->val, *end = ci->val + ci->len, *q;
	struct p12_tlv		 ctx;

	if (p12_der_expect(&p, end, 0x06, oid) != 0 ||
	    p12_der_expect(&p, end, 0xa0, &ctx) != 0 || p != end)
		return (-1);
	q = ctx.val;
	if (p12_der_next(&q, ctx.val + ctx.len, content) != 0 ||
	    q != ctx.val + ctx.len)
		return (-1);
	return (0);
}

/* A DER INTEGER iteration count; -1 when negative or out of range. */
static int
p12_der_iter(const struct p12_tlv *t)
{
	size_t	i;
	long	v = 0;

	if (t->len < 1 || t->len > 4 || (t->val[0] & 0x80))
		return (-1);
	for (i = 0; i < t->len; i++)
		v = (v << 8) | t->val[i];
	return (v < 1 || v > P12_MAX_ITER ? -1 : (int)v);
}

/* MacData: SEQUENCE { DigestInfo { alg, digest }, salt, iter DEFAULT 1 }. */
static int
p12_der_macdata(const struct p12_tlv *md, struct p12_outer *o)
{
	const unsigned char	*p = md->val, *end = md->val + md->len, *q;
	const unsigned char	*r;
	struct p12_tlv		 di, alg, oid, dig, salt, it;
	ASN1_OBJECT		*obj;

	if (p12_der_expect(&p, end, 0x30, &di) != 0 ||
	    p12_der_expect(&p, end, 0x04, &salt) != 0)
		return (-1);
	o->mac_iter = 1;
	if (p < end) {
		if (p12_der_expect(&p, end, 0x02, &it) != 0 || p != end)
			return (-1);
		o->mac_iter = p12_der_iter(&it);
	}
	q = di.val;
	if (p12_der_expect(&q, di.val + di.len, 0x30, &alg) != 0 ||
	    p12_der_expect(&q, di.val + di.len, 0x04, &dig) != 0)
		return (-1);
	r = alg.val;
	if (p12_der_expect(&r, alg.val + alg.len, 0x06, &oid) != 0)
		return (-1);
	r = oid.raw;
	if ((obj = d2i_ASN1_OBJECT(NULL, &r, (long)oid.rawlen)) == NULL) {
		ERR_clear_error();
		return (-1);
	}
	o->mac_nid = OBJ_obj2nid(obj);
	p12_obj_name(obj, o->mac_name, sizeof o->mac_name);
	ASN1_OBJECT_free(obj);
	o->mac = true;
	o->mac_dig = dig.val;
	o->mac_diglen = dig.len;
	o->mac_salt = salt.val;
	o->mac_saltlen = salt.len;
	return (0);
}

/*
 * EncryptedData: SEQUENCE { version, EncryptedContentInfo SEQUENCE {
 * contentType, contentEncryptionAlgorithm, [0] IMPLICIT OCTET STRING } },
 * read in place: the ciphertext is not copied (it is decrypted where it
 * is).  -1 when it is not that DER shape (a constructed [0] among others):
 * OpenSSL's decoder then reads it.
 */
static int
p12_der_encdata(const struct p12_tlv *ed, struct p12_part *pt)
{
	const unsigned char	*p = ed->val, *end = ed->val + ed->len, *q;
	const unsigned char	*qend;
	struct p12_tlv		 ver, eci, type, alg, ct;

	if (ed->tag != 0x30 || p12_der_expect(&p, end, 0x02, &ver) != 0 ||
	    p12_der_expect(&p, end, 0x30, &eci) != 0)
		return (-1);
	if (p != end)
		return (-1);	/* unprotectedAttrs: as OpenSSL, refused */
	q = eci.val;
	qend = eci.val + eci.len;
	if (p12_der_expect(&q, qend, 0x06, &type) != 0 ||
	    !P12_OID_IS(&type, oid_p7data) ||
	    p12_der_expect(&q, qend, 0x30, &alg) != 0 ||
	    p12_der_expect(&q, qend, 0x80, &ct) != 0 || q != qend)
		return (-1);
	q = alg.raw;
	if ((pt->alg = d2i_X509_ALGOR(NULL, &q, (long)alg.rawlen)) == NULL) {
		ERR_clear_error();
		return (-1);
	}
	pt->data = ct.val;
	pt->len = ct.len;
	return (0);
}

/* Read a DER PFX in place; -1 (nothing set) for anything else. */
static int
p12_outer_der(const unsigned char *buf, size_t len, struct p12_outer *o)
{
	const unsigned char	*p = buf, *end = buf + len, *q, *qend, *r;
	struct p12_tlv		 pfx, ver, ci, oid, oct, as, c, content, md;
	struct p12_part		*pt;

	if (p12_der_expect(&p, end, 0x30, &pfx) != 0)
		return (-1);
	q = pfx.val;
	qend = pfx.val + pfx.len;
	if (p12_der_expect(&q, qend, 0x02, &ver) != 0 || ver.len != 1 ||
	    ver.val[0] != 3 || p12_der_expect(&q, qend, 0x30, &ci) != 0 ||
	    p12_der_ci(&ci, &oid, &oct) != 0 ||
	    !P12_OID_IS(&oid, oid_p7data) || oct.tag != 0x04)
		return (-1);
	if (q < qend && (p12_der_expect(&q, qend, 0x30, &md) != 0 ||
	    q != qend || p12_der_macdata(&md, o) != 0))
		goto fail;
	o->authsafe = oct.val;
	o->authsafe_len = oct.len;
	o->own = true;
	r = oct.val;
	if (p12_der_expect(&r, oct.val + oct.len, 0x30, &as) != 0 ||
	    r != oct.val + oct.len)
		goto fail;
	r = as.val;
	while (r < as.val + as.len) {
		if (p12_der_expect(&r, as.val + as.len, 0x30, &c) != 0 ||
		    p12_der_ci(&c, &oid, &content) != 0)
			goto fail;
		pt = p12_part_add(o);
		if (P12_OID_IS(&oid, oid_p7data)) {
			if (content.tag != 0x04)
				goto fail;
			pt->nid = NID_pkcs7_data;
			pt->data = content.val;
			pt->len = content.len;
		} else if (P12_OID_IS(&oid, oid_p7encdata)) {
			pt->nid = NID_pkcs7_encrypted;
			if (p12_der_encdata(&content, pt) == 0)
				continue;
			/* a constructed (BER) ciphertext: OpenSSL's decoder */
			q = c.raw;
			if ((pt->p7 = d2i_PKCS7(NULL, &q, (long)c.rawlen)) ==
			    NULL)
				goto fail;
		} else
			pt->nid = NID_undef;
	}
	return (0);
fail:
	ERR_clear_error();
	p12_outer_clear(o);
	return (-1);
}

/* Read a PFX through OpenSSL (BER input). */
static int
p12_outer_openssl(const unsigned char *buf, size_t len, struct p12_outer *o,
    char **cause)
{
	const ASN1_OCTET_STRING	*dig = NULL, *salt = NULL;
	const ASN1_INTEGER	*iter = NULL;
	const X509_ALGOR	*alg = NULL;
	const ASN1_OBJECT	*obj = NULL;
	const unsigned char	*p = buf;
	struct p12_part		*pt;
	PKCS7			*p7;
	int			 i;

	if (len > LONG_MAX || (o->p12 = d2i_PKCS12(NULL, &p, (long)len)) ==
	    NULL) {
		ERR_clear_error();
		cause_set(cause, "not a readable PKCS#12 keystore (damaged or "
		    "truncated)");
		return (-1);
	}
	if (PKCS12_mac_present(o->p12)) {
		PKCS12_get0_mac(&dig, &alg, &salt, &iter, o->p12);
		if (alg == NULL || dig == NULL) {
			cause_set(cause, "malformed integrity MAC");
			return (-1);
		}
		X509_ALGOR_get0(&obj, NULL, NULL, alg);
		o->mac = true;
		o->mac_nid = OBJ_obj2nid(obj);
		p12_obj_name(obj, o->mac_name, sizeof o->mac_name);
		o->mac_saltlen = salt != NULL ? (size_t)salt->length : 0;
		o->mac_iter = p12_iter(iter);
	}
	if ((o->safes = PKCS12_unpack_authsafes(o->p12)) == NULL) {
		cause_ssl(cause, "cannot read the keystore contents");
		return (-1);
	}
	for (i = 0; i < sk_PKCS7_num(o->safes); i++) {
		p7 = sk_PKCS7_value(o->safes, i);
		pt = p12_part_add(o);
		pt->nid = OBJ_obj2nid(p7->type);
		if (pt->nid == NID_pkcs7_data) {
			if (p7->d.data == NULL) {
				cause_set(cause, "malformed SafeContents");
				return (-1);
			}
			pt->data = p7->d.data->data;
			pt->len = (size_t)p7->d.data->length;
		} else if (pt->nid == NID_pkcs7_encrypted)
			pt->p7 = p7;
	}
	return (0);
}

/* Verify the MAC with a password (OpenSSL's MAC, on the bytes in place). */
static bool
p12_mac_verify(const struct p12_outer *o, const char *pw, int pwlen)
{
	unsigned char	 key[EVP_MAX_MD_SIZE], mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	const EVP_MD	*md;
	int		 mdsize;
	bool		 ok;

	if (o->p12 != NULL)
		return (PKCS12_verify_mac(o->p12, pw, pwlen) == 1);
	if ((md = EVP_get_digestbynid(o->mac_nid)) == NULL ||
	    (mdsize = EVP_MD_get_size(md)) <= 0 || o->mac_saltlen > INT_MAX)
		return (false);
	if (!PKCS12_key_gen_utf8_ex(pw, pwlen, (unsigned char *)o->mac_salt,
	    (int)o->mac_saltlen, PKCS12_MAC_ID, o->mac_iter, mdsize, key, md,
	    NULL, NULL))
		return (false);
	ok = HMAC(md, key, mdsize, o->authsafe, o->authsafe_len, mac,
	    &maclen) != NULL && maclen == o->mac_diglen &&
	    CRYPTO_memcmp(mac, o->mac_dig, maclen) == 0;
	OPENSSL_cleanse(key, sizeof key);
	return (ok);
}

/* Record the MacData parameters and verify the MAC with pass. */
static int
p12_mac_check(const struct p12_outer *o, const struct secret *pass,
    int flags, struct keystore *ks, char **cause)
{
	ks->p12.mac_md_nid = o->mac_nid;
	ks->p12.mac_salt_len = (int)o->mac_saltlen;
	if (o->mac_iter < 0) {
		cause_set(cause, "integrity MAC iteration count out of range "
		    "(1..%d)", P12_MAX_ITER);
		return (-1);
	}
	ks->p12.mac_iter = o->mac_iter;
	if (pass == NULL) {
		if (flags & KS_LOAD_NOVERIFY) {
			ks->verified = false;
			return (0);
		}
		cause_set(cause, "password required: the keystore has an "
		    "integrity MAC");
		return (-1);
	}
	if (o->mac_nid == NID_undef || !p12_md_usable(o->mac_nid)) {
		cause_set(cause, "uses algorithms this OpenSSL cannot read: "
		    "integrity MAC %s (this is not a password problem)",
		    o->mac_name);
		return (-1);
	}
	if (pass->len > INT_MAX ||
	    (!p12_mac_verify(o, pass->buf, (int)pass->len) &&
	    !(pass->len == 0 && p12_mac_verify(o, NULL, 0)))) {
		ERR_clear_error();
		cause_set(cause, "keystore password is incorrect (or the file "
		    "was modified)");
		return (-1);
	}
	ks->verified = true;
	return (0);
}

/* Load a PKCS#12 as Java's PKCS12KeyStore would (docs/formats.md, How Java
 * reads a PKCS#12). */
int
pkcs12_load(const unsigned char *buf, size_t len, const struct secret *pass,
    int flags, struct keystore *ks, char **cause)
{
	struct p12_outer	 o;
	struct p12_part		*pt;
	PKCS7_ENC_CONTENT	*ec;
	const X509_ALGOR	*alg;
	struct p12_load		 ld;
	struct p12_alg		 a;
	struct ks_p12_params	 q;
	unsigned char		*ct, *tmp = NULL;
	char			 why[256];
	size_t			 i, ncerts = 0, plainlen = 0, ctlen, tmplen = 0;
	int			 r, rc = -1;
	bool			 enc = false, skipped = false, sawkey = false;

	memset(&ld, 0, sizeof ld);
	memset(&o, 0, sizeof o);
	ld.now_ms = p12_now_ms();
	ld.ks = ks;
	if (p12_outer_der(buf, len, &o) != 0 &&
	    p12_outer_openssl(buf, len, &o, cause) != 0)
		goto out;
	ks->format = KS_FMT_PKCS12;
	pkcs12_params_default(&ks->p12, false);
	ks->p12.mac = o.mac;
	ks->verified = true;
	if (o.mac && p12_mac_check(&o, pass, flags, ks, cause) != 0)
		goto out;
	if (o.mac && pass == NULL)
		ks->verified = false;
	for (i = 0; i < o.nparts; i++) {
		pt = &o.parts[i];
		if (pt->nid == NID_pkcs7_data) {
			if (p12_parse_safe(&ld, pt->data, pt->len, cause) != 0)
				goto out;
			continue;
		}
		if (pt->nid != NID_pkcs7_encrypted || (pt->alg == NULL &&
		    (pt->p7 == NULL ||
		    OBJ_obj2nid(pt->p7->type) != NID_pkcs7_encrypted))) {
			cause_set(cause, "public-key protected PKCS#12 is not "
			    "supported (Java cannot read it either)");
			goto out;
		}
		enc = true;
		if (pt->alg != NULL) {
			alg = pt->alg;
			ct = NULL;
			ctlen = pt->len;
		} else {
			ec = pt->p7->d.encrypted != NULL ?
			    pt->p7->d.encrypted->enc_data : NULL;
			if (ec == NULL || ec->algorithm == NULL ||
			    ec->enc_data == NULL || ec->enc_data->length < 0) {
				cause_set(cause, "malformed encrypted safe");
				goto out;
			}
			alg = ec->algorithm;
			ct = ec->enc_data->data;
			ctlen = (size_t)ec->enc_data->length;
		}
		r = p12_alg_inspect(alg, &a, why, sizeof why);
		if (r == 0) {
			ks->p12.cert_pbe_nid = a.nid;
			ks->p12.cert_iter = a.iter;
			if (a.legacy)
				ks->p12.legacy = true;
		}
		if (pass == NULL) {
			if (o.mac || (flags & KS_LOAD_NOVERIFY)) {
				skipped = true;
				continue;
			}
			cause_set(cause, "password required: the certificates "
			    "are encrypted");
			goto out;
		}
		if (r == -1) {
			cause_set(cause, "uses algorithms this OpenSSL cannot "
			    "read: certificate encryption %s (this is not a "
			    "password problem)", why);
			goto out;
		}
		if (r != 0) {
			cause_set(cause, "malformed certificate encryption: %s",
			    why);
			goto out;
		}
		/*
		 * Decrypt where the ciphertext is: in the keystore's own copy
		 * of the file (its certificates then point into it), else in
		 * a copy wiped after the bags are read.
		 */
		if (ct == NULL && ks->backing != NULL &&
		    pt->data >= ks->backing &&
		    (size_t)(pt->data - ks->backing) <= ks->backing_len &&
		    ctlen <= ks->backing_len - (size_t)(pt->data - ks->backing))
			ct = ks->backing + (pt->data - ks->backing);
		else if (ct == NULL)
			ct = tmp = xmemdup(pt->data, ctlen);
		tmplen = ctlen;
		if (p12_decrypt(alg, ct, ctlen, pass, &plainlen) != 0) {
			ERR_clear_error();
			if (o.mac)
				cause_set(cause, "keystore password is "
				    "incorrect for the encrypted certificates "
				    "(the integrity MAC accepted it: a "
				    "non-ASCII password in another encoding? "
				    "Java uses UTF-8)");
			else
				cause_set(cause, "keystore password is "
				    "incorrect");
			goto out;
		}
		if (p12_parse_safe(&ld, ct, plainlen,
		    o.mac ? cause : NULL) != 0) {
			/* Java: any failure here is a wrong password */
			cause_set(cause, "keystore password is incorrect (or "
			    "the file is damaged)");
			goto out;
		}
		if (tmp != NULL) {
			OPENSSL_cleanse(tmp, tmplen);
			free(tmp);
			tmp = NULL;
		}
	}
	for (i = 0; i < ld.nbags; i++) {
		if (ld.bags[i].kind == P12_BAG_CERT)
			ncerts++;
		if (ld.bags[i].kind == P12_BAG_KEY && ld.bags[i].alg_ok) {
			ks->p12.key_pbe_nid = ld.bags[i].alg_nid;
			ks->p12.key_iter = ld.bags[i].alg_iter;
			if (ld.bags[i].alg_legacy)
				ks->p12.legacy = true;
			sawkey = true;
		}
	}
	if (!enc && (ncerts > 0 || !o.mac)) {
		ks->p12.cert_pbe_nid = -1;
		ks->p12.cert_iter = 0;
	}
	/*
	 * A file without keys says nothing about them: a key added later
	 * gets the algorithm of the file's profile, so that the JREs that
	 * read it still do.
	 */
	if (!sawkey && (o.mac || enc)) {
		q = ks->p12;
		q.key_pbe_nid = P12_LEGACY_KEY_NID;
		if (pkcs12_params_classify(&q) == KS_PROFILE_LEGACY) {
			ks->p12.key_pbe_nid = P12_LEGACY_KEY_NID;
			ks->p12.key_iter = P12_LEGACY_ITER;
		}
	}
	ks->passwordless = !o.mac && !enc;
	if (skipped)
		ks->verified = false;
	if (p12_build(&ld, ks, cause) != 0)
		goto out;
	rc = 0;
out:
	if (tmp != NULL) {
		OPENSSL_cleanse(tmp, tmplen);
		free(tmp);
	}
	p12_bags_trim(&ld, 0);
	free(ld.bags);
	p12_outer_clear(&o);
	ERR_clear_error();
	return (rc);
}

/* ------------------------------------------------------------------ */
/* Keys */

/* Whether prot holds a plain keyBag (marker + PrivateKeyInfo). */
static bool
p12_prot_is_plain(const struct ks_entry *e)
{
	return (e->prot != NULL && e->prot_len >= P12_MARKER_LEN &&
	    memcmp(e->prot, p12_plain_marker, P12_MARKER_LEN) == 0);
}

/* Decrypt a key entry's stored key into e->pkey; check it against the leaf. */
int
pkcs12_recover_key(const struct keystore *ks, struct ks_entry *e,
    const struct secret *pass, char **cause)
{
	const char		*name = ks->path != NULL ? ks->path : "keystore";
	const unsigned char	*p;
	const X509_ALGOR	*alg;
	X509_SIG		*sig = NULL;
	PKCS8_PRIV_KEY_INFO	*p8 = NULL;
	EVP_PKEY		*pkey = NULL;
	X509			*x;
	struct p12_alg		 a;
	char			 why[256];
	int			 r, rc = -1;

	if (pass == NULL)
		pass = e->keypass;
	if (e->type != KS_ENTRY_KEY || e->prot == NULL) {
		cause_set(cause, "%s: entry \"%s\" holds no private key",
		    name, e->alias);
		goto out;
	}
	if (p12_prot_is_plain(e)) {
		p = e->prot + P12_MARKER_LEN;
		if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p,
		    (long)(e->prot_len - P12_MARKER_LEN))) == NULL) {
			cause_ssl(cause, "%s: key entry \"%s\": malformed key",
			    name, e->alias);
			goto out;
		}
	} else {
		p = e->prot;
		if ((sig = d2i_X509_SIG(NULL, &p, (long)e->prot_len)) == NULL) {
			cause_ssl(cause, "%s: key entry \"%s\": malformed "
			    "encrypted key", name, e->alias);
			goto out;
		}
		X509_SIG_get0(sig, &alg, NULL);
		if ((r = p12_alg_inspect(alg, &a, why, sizeof why)) != 0) {
			cause_set(cause, r == -1 ? "%s: key entry \"%s\" uses "
			    "algorithms this OpenSSL cannot read: %s" :
			    "%s: key entry \"%s\": malformed key protection: "
			    "%s", name, e->alias, why);
			goto out;
		}
		if (pass == NULL) {
			cause_set(cause, "%s: key entry \"%s\": a password is "
			    "required to recover the private key", name,
			    e->alias);
			goto out;
		}
		if (pass->len > INT_MAX || (p8 = PKCS8_decrypt(sig, pass->buf,
		    (int)pass->len)) == NULL) {
			ERR_clear_error();
			cause_set(cause, "%s: key entry \"%s\": cannot recover "
			    "the private key: the password is incorrect",
			    name, e->alias);
			goto out;
		}
	}
	if ((pkey = EVP_PKCS82PKEY(p8)) == NULL) {
		cause_ssl(cause, "%s: key entry \"%s\": unsupported private key",
		    name, e->alias);
		goto out;
	}
	if (e->nchain > 0) {
		if ((x = cert_x509(e->chain[0], cause)) == NULL) {
			cause_prefix(cause, "%s: key entry \"%s\"", name,
			    e->alias);
			goto out;
		}
		if (EVP_PKEY_eq(pkey, X509_get0_pubkey(x)) != 1) {
			cause_set(cause, "%s: key entry \"%s\": the private key "
			    "does not match its certificate", name, e->alias);
			goto out;
		}
	}
	EVP_PKEY_free(e->pkey);
	e->pkey = pkey;
	pkey = NULL;
	rc = 0;
out:
	EVP_PKEY_free(pkey);
	PKCS8_PRIV_KEY_INFO_free(p8);
	X509_SIG_free(sig);
	ERR_clear_error();
	return (rc);
}

/*
 * The key of a secret bag as Java writes it: secretTypeId
 * pkcs8ShroudedKeyBag, its value an EncryptedPrivateKeyInfo (the store
 * password) of a PrivateKeyInfo whose algorithm is the key's and whose
 * privateKey holds the key's bytes (docs/formats.md, Secret keys in
 * PKCS#12).
 */
int
pkcs12_recover_secret(const struct keystore *ks, struct ks_entry *e,
    const struct secret *pass, char **cause)
{
	const char		*name = ks->path != NULL ? ks->path : "keystore";
	const unsigned char	*p, *end, *q, *pk;
	const ASN1_OBJECT	*obj;
	const X509_ALGOR	*alg;
	struct p12_tlv		 seq, oid, ctx, oct;
	X509_SIG		*sig = NULL;
	PKCS8_PRIV_KEY_INFO	*p8 = NULL;
	struct p12_alg		 a;
	const char		*jname;
	char			 why[256], dotted[80];
	int			 pklen, r, rc = -1;

	if (pass == NULL)
		pass = e->keypass;
	if (e->type != KS_ENTRY_SECRET || e->prot == NULL)
		goto notjava;
	p = e->prot;
	end = e->prot + e->prot_len;
	if (p12_der_expect(&p, end, 0x30, &seq) != 0)
		goto notjava;
	p = seq.val;
	end = seq.val + seq.len;
	if (p12_der_expect(&p, end, 0x06, &oid) != 0 ||
	    p12_der_expect(&p, end, 0xa0, &ctx) != 0 ||
	    !P12_OID_IS(&oid, oid_shkeybag))
		goto notjava;
	q = ctx.val;
	if (p12_der_expect(&q, ctx.val + ctx.len, 0x04, &oct) != 0 ||
	    oct.len > LONG_MAX)
		goto notjava;
	q = oct.val;
	if ((sig = d2i_X509_SIG(NULL, &q, (long)oct.len)) == NULL ||
	    q != oct.val + oct.len)
		goto notjava;
	X509_SIG_get0(sig, &alg, NULL);
	if ((r = p12_alg_inspect(alg, &a, why, sizeof why)) != 0) {
		cause_set(cause, r == -1 ? "%s: secret key entry \"%s\" uses "
		    "algorithms this OpenSSL cannot read: %s" :
		    "%s: secret key entry \"%s\": malformed protection: %s",
		    name, e->alias, why);
		goto out;
	}
	if (pass == NULL) {
		cause_set(cause, "%s: secret key entry \"%s\": a password is "
		    "required to recover the key", name, e->alias);
		goto out;
	}
	if (pass->len > INT_MAX || (p8 = PKCS8_decrypt(sig, pass->buf,
	    (int)pass->len)) == NULL) {
		ERR_clear_error();
		cause_set(cause, "%s: secret key entry \"%s\": cannot recover "
		    "the key: the password is incorrect", name, e->alias);
		goto out;
	}
	if (!PKCS8_pkey_get0(&obj, &pk, &pklen, NULL, p8) || pklen <= 0 ||
	    OBJ_obj2txt(dotted, sizeof dotted, obj, 1) <= 0)
		goto notjava;
	jname = ks_secret_alg_name(dotted);
	free(e->secret_alg);
	e->secret_alg = xstrdup(jname != NULL ? jname : dotted);
	secret_free(e->secret);
	e->secret = secret_new(pk, (size_t)pklen);
	rc = 0;
	goto out;
notjava:
	cause_set(cause, "%s: secret key entry \"%s\" is not in the form "
	    "Java writes (a pkcs8ShroudedKeyBag in a secret bag)", name,
	    e->alias);
out:
	PKCS8_PRIV_KEY_INFO_free(p8);
	X509_SIG_free(sig);
	ERR_clear_error();
	return (rc);
}

/* ------------------------------------------------------------------ */
/* Parameters */

/* The scheme of a new file: keytool 17/25's defaults, or passwordless. */
void
pkcs12_params_default(struct ks_p12_params *p, bool passwordless)
{
	memset(p, 0, sizeof *p);
	p->mac = !passwordless;
	p->mac_md_nid = NID_sha256;
	p->mac_iter = P12_DEFAULT_ITER;
	p->mac_salt_len = P12_SALT_LEN;
	p->cert_pbe_nid = passwordless ? -1 : NID_aes_256_cbc;
	p->cert_iter = passwordless ? 0 : P12_DEFAULT_ITER;
	p->key_pbe_nid = NID_aes_256_cbc;
	p->key_iter = P12_DEFAULT_ITER;
	p->legacy = false;
}

/* The scheme of a profile, as keytool 17 and 25 write it. */
void
pkcs12_params_profile(struct ks_p12_params *p, enum ks_profile prof)
{
	switch (prof) {
	case KS_PROFILE_LEGACY:
		memset(p, 0, sizeof *p);
		p->mac = true;
		p->mac_md_nid = NID_sha1;
		p->mac_iter = P12_LEGACY_MAC_ITER;
		p->mac_salt_len = P12_SALT_LEN;
		p->cert_pbe_nid = P12_LEGACY_CERT_NID;
		p->cert_iter = P12_LEGACY_ITER;
		p->key_pbe_nid = P12_LEGACY_KEY_NID;
		p->key_iter = P12_LEGACY_ITER;
		p->legacy = true;
		break;
	case KS_PROFILE_PASSWORDLESS:
		pkcs12_params_default(p, true);
		break;
	default:
		pkcs12_params_default(p, false);
		break;
	}
}

/* Is nid a PBES2 cipher (as ks_p12_params stores it), not a PBES1 one? */
static bool
p12_nid_pbes2(int nid)
{
	int	cnid;

	if (nid <= 0)
		return (false);
	/* A PBES1 NID is known to EVP_PBE as an outer algorithm. */
	return (!EVP_PBE_find(EVP_PBE_TYPE_OUTER, nid, &cnid, NULL, NULL));
}

/* The profile of a scheme (see keystore_profile). */
enum ks_profile
pkcs12_params_classify(const struct ks_p12_params *p)
{
	if (!p->mac && p->cert_pbe_nid == -1)
		return (KS_PROFILE_PASSWORDLESS);
	if (p->mac && p->mac_md_nid != NID_sha1 && p->mac_md_nid != NID_md5)
		return (KS_PROFILE_MODERN);
	if (p->cert_pbe_nid != -1 && p12_nid_pbes2(p->cert_pbe_nid))
		return (KS_PROFILE_MODERN);
	if (p12_nid_pbes2(p->key_pbe_nid))
		return (KS_PROFILE_MODERN);
	return (KS_PROFILE_LEGACY);
}

/* Whether a cipher NID (PBES2) or PBE NID can encrypt here. */
static bool
p12_pbe_usable(int nid, int iter, bool *legacy)
{
	int	cnid;

	*legacy = false;
	if (iter < 1 || iter > P12_MAX_ITER || nid <= 0)
		return (false);
	if (EVP_get_cipherbynid(nid) != NULL)
		cnid = nid;
	else if (!EVP_PBE_find(EVP_PBE_TYPE_OUTER, nid, &cnid, NULL, NULL))
		return (false);
	return (p12_cipher_usable(cnid, legacy));
}

/* Whether OpenSSL's legacy provider is (or can be) loaded. */
bool
pkcs12_legacy_available(void)
{
	return (p12_legacy_load());
}

/* The scheme pkcs12_write will use; true when it differs from ks->p12. */
bool
pkcs12_write_params(const struct keystore *ks, struct ks_p12_params *p)
{
	struct ks_p12_params	def;
	bool			changed = false, legacy;

	*p = ks->p12;
	pkcs12_params_default(&def, false);
	p->legacy = false;
	if (p->mac && (p->mac_md_nid <= 0 || !p12_md_usable(p->mac_md_nid) ||
	    EVP_get_digestbynid(p->mac_md_nid) == NULL ||
	    p->mac_iter < 1 || p->mac_iter > P12_MAX_ITER ||
	    p->mac_salt_len < 8 || p->mac_salt_len > 64)) {
		p->mac_md_nid = def.mac_md_nid;
		p->mac_iter = def.mac_iter;
		p->mac_salt_len = def.mac_salt_len;
		changed = true;
	}
	if (p->cert_pbe_nid != -1) {
		if (!p12_pbe_usable(p->cert_pbe_nid, p->cert_iter, &legacy)) {
			p->cert_pbe_nid = def.cert_pbe_nid;
			p->cert_iter = def.cert_iter;
			changed = true;
		} else if (legacy)
			p->legacy = true;
	}
	if (!p12_pbe_usable(p->key_pbe_nid, p->key_iter, &legacy)) {
		p->key_pbe_nid = def.key_pbe_nid;
		p->key_iter = def.key_iter;
		changed = true;
	} else if (legacy)
		p->legacy = true;
	return (changed);
}

/* Name of a protection NID for people. */
static const char *
p12_pbe_name(int nid)
{
	if (EVP_get_cipherbynid(nid) != NULL)
		return (OBJ_nid2sn(nid));
	return (OBJ_nid2ln(nid) != NULL ? OBJ_nid2ln(nid) : "unknown");
}

/* One line for people: "MAC SHA256 (10000 iterations), ...". */
char *
pkcs12_params_describe(const struct ks_p12_params *p)
{
	char	*s, mac[80], cert[120];

	if (p->mac)
		snprintf(mac, sizeof mac, "MAC %s (%d iterations)",
		    OBJ_nid2sn(p->mac_md_nid) != NULL ?
		    OBJ_nid2sn(p->mac_md_nid) : "unknown", p->mac_iter);
	else
		snprintf(mac, sizeof mac, "no MAC");
	if (p->cert_pbe_nid == -1)
		snprintf(cert, sizeof cert, "certificates not encrypted");
	else
		snprintf(cert, sizeof cert, "certificates %s%s (%d "
		    "iterations)", EVP_get_cipherbynid(p->cert_pbe_nid) !=
		    NULL ? "PBES2/" : "", p12_pbe_name(p->cert_pbe_nid),
		    p->cert_iter);
	xasprintf(&s, "%s, %s, keys %s%s (%d iterations)", mac, cert,
	    EVP_get_cipherbynid(p->key_pbe_nid) != NULL ? "PBES2/" : "",
	    p12_pbe_name(p->key_pbe_nid), p->key_iter);
	return (s);
}

/* ------------------------------------------------------------------ */
/* Writing */

/* qsort: aliases in Java's lower-cased order. */
static int
p12_alias_cmp(const void *va, const void *vb)
{
	const struct ks_entry	*a = *(struct ks_entry *const *)va;
	const struct ks_entry	*b = *(struct ks_entry *const *)vb;
	size_t			 i;
	int			 ca, cb;

	for (i = 0; i < a->alias_len && i < b->alias_len; i++) {
		ca = (unsigned char)a->alias[i];
		cb = (unsigned char)b->alias[i];
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return (ca - cb);
	}
	return ((a->alias_len > b->alias_len) - (a->alias_len < b->alias_len));
}

/* Java keys entries by lower-cased alias: refuse two that collide. */
static int
p12_check_aliases(const struct keystore *ks, char **cause)
{
	struct ks_entry	**v;
	size_t		  i;
	int		  rc = 0;

	if (ks->nentries < 2)
		return (0);
	v = xreallocarray(NULL, ks->nentries, sizeof *v);
	memcpy(v, ks->entries, ks->nentries * sizeof *v);
	qsort(v, ks->nentries, sizeof *v, p12_alias_cmp);
	for (i = 1; i < ks->nentries; i++) {
		if (p12_alias_eq(v[i - 1]->alias, v[i - 1]->alias_len,
		    v[i]->alias, v[i]->alias_len)) {
			cause_set(cause, "aliases \"%s\" and \"%s\" differ only "
			    "in case; Java keeps one entry per lower-cased "
			    "alias, so PKCS#12 cannot hold both",
			    v[i - 1]->alias, v[i]->alias);
			rc = -1;
			break;
		}
	}
	free(v);
	return (rc);
}

/* A certBag holding the certificate's DER as it is (no X509 decode). */
static PKCS12_SAFEBAG *
p12_cert_bag(const struct cert *c, char **cause)
{
	ASN1_STRING	*s = NULL;
	ASN1_TYPE	*t = NULL;
	PKCS12_SAFEBAG	*bag = NULL;

	if (c->len > INT_MAX)
		goto out;
	if ((s = ASN1_STRING_type_new(V_ASN1_SEQUENCE)) == NULL ||
	    !ASN1_STRING_set(s, c->der, (int)c->len) ||
	    (t = ASN1_TYPE_new()) == NULL)
		goto out;
	ASN1_TYPE_set(t, V_ASN1_SEQUENCE, s);
	s = NULL;
	bag = PKCS12_item_pack_safebag(t, ASN1_ITEM_rptr(ASN1_ANY),
	    NID_x509Certificate, NID_certBag);
out:
	if (bag == NULL)
		cause_ssl(cause, "cannot build a certificate bag");
	ASN1_STRING_free(s);
	ASN1_TYPE_free(t);
	return (bag);
}

/* Add friendlyName (BMPString; name, lower-cased with lower), localKeyID
 * and the trust attribute. */
static int
p12_bag_attrs(PKCS12_SAFEBAG *bag, const char *name, size_t namelen,
    bool lower, const char *keyid, bool trusted, char **cause)
{
	unsigned char	*bmp = NULL;
	char		*a;
	size_t		 i, bmplen = 0;
	int		 rc = -1;

	a = xmalloc(namelen + 1);
	memcpy(a, name, namelen);
	a[namelen] = '\0';
	for (i = 0; lower && i < namelen; i++)
		if (a[i] >= 'A' && a[i] <= 'Z')
			a[i] += 'a' - 'A';
	if (p12_utf8_to_bmp(a, namelen, &bmp, &bmplen) != 0) {
		cause_set(cause, "alias \"%s\" is not valid UTF-8", a);
		goto out;
	}
	if (bmplen > INT_MAX || !PKCS12_add1_attr_by_NID(bag, NID_friendlyName,
	    V_ASN1_BMPSTRING, bmp, (int)bmplen)) {
		cause_ssl(cause, "alias \"%s\": cannot add friendlyName", a);
		goto out;
	}
	if (keyid != NULL && !PKCS12_add_localkeyid(bag,
	    (unsigned char *)keyid, (int)strlen(keyid))) {
		cause_ssl(cause, "alias \"%s\": cannot add localKeyID", a);
		goto out;
	}
	if (trusted && !PKCS12_add1_attr_by_txt(bag, P12_ORACLE_TRUST,
	    V_ASN1_OBJECT, (const unsigned char *)OBJ_nid2obj(
	    NID_anyExtendedKeyUsage), -1)) {
		cause_ssl(cause, "alias \"%s\": cannot add the trust attribute",
		    a);
		goto out;
	}
	rc = 0;
out:
	free(bmp);
	free(a);
	return (rc);
}

/*
 * The friendlyName Java gives the other certificates of a key's chain:
 * the subject as X500Principal.getName() prints it (RFC 2253, UTF-8 kept).
 * malloc'd, or NULL.
 */
static char *
p12_chain_name(struct cert *c)
{
	X509		*x;
	BIO		*bio;
	BUF_MEM		*bm;
	char		*s = NULL;
	unsigned long	 fl;

	if ((x = cert_x509(c, NULL)) == NULL ||
	    (bio = BIO_new(BIO_s_mem())) == NULL)
		return (NULL);
	fl = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
	if (X509_NAME_print_ex(bio, X509_get_subject_name(x), 0, fl) >= 0) {
		BIO_get_mem_ptr(bio, &bm);
		if (bm != NULL && bm->length > 0)
			s = xstrndup(bm->data, bm->length);
	}
	BIO_free(bio);
	ERR_clear_error();
	return (s);
}

/*
 * The AlgorithmIdentifier keytool writes for a scheme's cipher (nid as
 * ks_p12_params stores it): PBES2 with PBKDF2 (a 20-byte salt, iter, the
 * key length, hmacWithSHA256) and AES-CBC with a random IV; PBES1 with a
 * 20-byte salt.  Another PBES2 cipher gets OpenSSL's parameters.
 */
static X509_ALGOR *
p12_java_algor(int nid, int iter)
{
	const EVP_CIPHER	*c;
	X509_ALGOR		*ret = NULL, *kdf = NULL;
	PBE2PARAM		*pbe2 = NULL;
	ASN1_OCTET_STRING	*os = NULL;
	unsigned char		 iv[EVP_MAX_IV_LENGTH];
	int			 ivlen;

	if (!p12_nid_pbes2(nid))
		return (PKCS5_pbe_set_ex(nid, iter, NULL, P12_SALT_LEN, NULL));
	if ((c = EVP_get_cipherbynid(nid)) == NULL)
		return (NULL);
	if (nid != NID_aes_128_cbc && nid != NID_aes_192_cbc &&
	    nid != NID_aes_256_cbc)
		return (PKCS5_pbe2_set_iv_ex(c, iter, NULL, P12_SALT_LEN, NULL,
		    NID_hmacWithSHA256, NULL));
	ivlen = EVP_CIPHER_get_iv_length(c);
	if (ivlen <= 0 || ivlen > (int)sizeof iv ||
	    RAND_bytes(iv, ivlen) != 1)
		goto out;
	if ((kdf = PKCS5_pbkdf2_set_ex(iter, NULL, P12_SALT_LEN,
	    NID_hmacWithSHA256, EVP_CIPHER_get_key_length(c), NULL)) == NULL ||
	    (pbe2 = PBE2PARAM_new()) == NULL ||
	    (os = ASN1_OCTET_STRING_new()) == NULL ||
	    !ASN1_OCTET_STRING_set(os, iv, ivlen))
		goto out;
	X509_ALGOR_free(pbe2->keyfunc);
	pbe2->keyfunc = kdf;
	kdf = NULL;
	if (!X509_ALGOR_set0(pbe2->encryption, OBJ_nid2obj(nid),
	    V_ASN1_OCTET_STRING, os))
		goto out;
	os = NULL;
	if ((ret = X509_ALGOR_new()) == NULL ||
	    ASN1_TYPE_pack_sequence(ASN1_ITEM_rptr(PBE2PARAM), pbe2,
	    &ret->parameter) == NULL) {
		X509_ALGOR_free(ret);
		ret = NULL;
		goto out;
	}
	ASN1_OBJECT_free(ret->algorithm);
	ret->algorithm = OBJ_nid2obj(NID_pbes2);
out:
	ASN1_OCTET_STRING_free(os);
	X509_ALGOR_free(kdf);
	PBE2PARAM_free(pbe2);
	return (ret);
}

/* Encrypt a PrivateKeyInfo as keytool does (p12_java_algor). */
static X509_SIG *
p12_encrypt_p8(PKCS8_PRIV_KEY_INFO *p8, int nid, int iter,
    const struct secret *pass)
{
	X509_ALGOR	*alg;
	X509_SIG	*sig;

	if ((alg = p12_java_algor(nid, iter)) == NULL)
		return (NULL);
	if ((sig = PKCS8_set0_pbe_ex(pass->buf, (int)pass->len, p8, alg,
	    NULL, NULL)) == NULL)
		X509_ALGOR_free(alg);
	return (sig);
}

/* The encryptedData safe of the certificate bags (p12_java_algor). */
static PKCS7 *
p12_pack_encdata(int nid, int iter, const struct secret *pass,
    STACK_OF(PKCS12_SAFEBAG) *bags)
{
	PKCS7		*p7;
	X509_ALGOR	*alg;

	if ((p7 = PKCS7_new()) == NULL ||
	    !PKCS7_set_type(p7, NID_pkcs7_encrypted) ||
	    (alg = p12_java_algor(nid, iter)) == NULL) {
		PKCS7_free(p7);
		return (NULL);
	}
	X509_ALGOR_free(p7->d.encrypted->enc_data->algorithm);
	p7->d.encrypted->enc_data->algorithm = alg;
	ASN1_OCTET_STRING_free(p7->d.encrypted->enc_data->enc_data);
	if ((p7->d.encrypted->enc_data->enc_data = PKCS12_item_i2d_encrypt_ex(
	    alg, ASN1_ITEM_rptr(PKCS12_SAFEBAGS), pass->buf, (int)pass->len,
	    bags, 1, NULL, NULL)) == NULL) {
		PKCS7_free(p7);
		return (NULL);
	}
	return (p7);
}

/*
 * The pkcs8ShroudedKeyBag of a key entry: prot reused bit for bit when it
 * is a PKCS#12 encrypted key that pass opens (or when there is no pass to
 * check it with); else the recovered key (pkey, or a plain keyBag's
 * PrivateKeyInfo) encrypted with pass and the key parameters.
 */
static PKCS12_SAFEBAG *
p12_key_bag(const struct ks_entry *e, const struct ks_p12_params *p,
    const struct secret *pass, char **cause)
{
	const unsigned char	*q;
	const X509_ALGOR	*alg;
	X509_SIG		*sig = NULL;
	PKCS8_PRIV_KEY_INFO	*p8 = NULL;
	PKCS12_SAFEBAG		*bag = NULL;
	struct p12_alg		 a;
	char			 why[256];

	if (e->prot != NULL && !p12_prot_is_plain(e)) {
		q = e->prot;
		if ((sig = d2i_X509_SIG(NULL, &q, (long)e->prot_len)) != NULL) {
			X509_SIG_get0(sig, &alg, NULL);
			if (p12_alg_inspect(alg, &a, why, sizeof why) == 0) {
				if (pass == NULL)
					goto reuse;
				p8 = PKCS8_decrypt(sig, pass->buf,
				    (int)pass->len);
				if (p8 != NULL) {
					PKCS8_PRIV_KEY_INFO_free(p8);
					p8 = NULL;
					goto reuse;
				}
			}
		}
		ERR_clear_error();
		X509_SIG_free(sig);
		sig = NULL;
		if (e->pkey == NULL) {
			cause_set(cause, "key entry \"%s\": its stored key is "
			    "not a PKCS#12 key protected with this password; "
			    "recover the key first", e->alias);
			goto out;
		}
	}
	if (e->pkey != NULL)
		p8 = EVP_PKEY2PKCS8(e->pkey);
	else if (p12_prot_is_plain(e)) {
		q = e->prot + P12_MARKER_LEN;
		p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &q,
		    (long)(e->prot_len - P12_MARKER_LEN));
	} else {
		cause_set(cause, "key entry \"%s\" holds no private key",
		    e->alias);
		goto out;
	}
	if (p8 == NULL) {
		cause_ssl(cause, "key entry \"%s\": cannot encode the private "
		    "key", e->alias);
		goto out;
	}
	if (pass == NULL) {
		cause_set(cause, "key entry \"%s\": a password is required to "
		    "protect the private key", e->alias);
		goto out;
	}
	if ((sig = p12_encrypt_p8(p8, p->key_pbe_nid, p->key_iter,
	    pass)) == NULL) {
		cause_ssl(cause, "key entry \"%s\": cannot encrypt the private "
		    "key", e->alias);
		goto out;
	}
reuse:
	if ((bag = PKCS12_SAFEBAG_create0_pkcs8(sig)) != NULL)
		sig = NULL;
	else
		cause_ssl(cause, "key entry \"%s\": cannot build the key bag",
		    e->alias);
out:
	X509_SIG_free(sig);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return (bag);
}

/*
 * A secret bag as Java writes it from a recovered key (e->secret): the
 * PrivateKeyInfo { 0, { the algorithm's OID, NULL } (JDK 17's form; JDK
 * 25 omits the NULL, both read both), the key's bytes } encrypted with the
 * key parameters, in a secret bag of type pkcs8ShroudedKeyBag.
 */
static PKCS12_SAFEBAG *
p12_secret_bag_new(const struct ks_entry *e, const struct ks_p12_params *p,
    const struct secret *pass, char **cause)
{
	PKCS8_PRIV_KEY_INFO	*p8 = NULL;
	PKCS12_SAFEBAG		*bag = NULL;
	ASN1_OBJECT		*obj = NULL;
	X509_SIG		*sig = NULL;
	unsigned char		*k = NULL, *der = NULL;
	const char		*oid;
	int			 n;

	if (e->secret_alg == NULL ||
	    (oid = ks_secret_alg_oid(e->secret_alg)) == NULL) {
		cause_set(cause, "secret key entry \"%s\": Java has no OID for "
		    "its algorithm %s, so PKCS#12 cannot hold it", e->alias,
		    e->secret_alg != NULL ? e->secret_alg : "(unknown)");
		return (NULL);
	}
	if (pass == NULL || pass->len > INT_MAX || e->secret->len > INT_MAX) {
		cause_set(cause, "secret key entry \"%s\": a password is "
		    "required to protect the key", e->alias);
		return (NULL);
	}
	if ((p8 = PKCS8_PRIV_KEY_INFO_new()) == NULL ||
	    (obj = OBJ_txt2obj(oid, 1)) == NULL ||
	    (k = OPENSSL_malloc(e->secret->len + 1)) == NULL)
		goto fail;
	memcpy(k, e->secret->buf, e->secret->len);
	if (!PKCS8_pkey_set0(p8, obj, 0, V_ASN1_NULL, NULL, k,
	    (int)e->secret->len))
		goto fail;
	obj = NULL;
	k = NULL;
	if ((sig = p12_encrypt_p8(p8, p->key_pbe_nid, p->key_iter,
	    pass)) == NULL || (n = i2d_X509_SIG(sig, &der)) <= 0)
		goto fail;
	bag = PKCS12_SAFEBAG_create_secret(NID_pkcs8ShroudedKeyBag,
	    V_ASN1_OCTET_STRING, der, n);
	OPENSSL_free(der);
	if (bag == NULL)
		goto fail;
	goto out;
fail:
	cause_ssl(cause, "secret key entry \"%s\": cannot build the bag",
	    e->alias);
out:
	if (k != NULL)
		OPENSSL_clear_free(k, e->secret->len + 1);
	ASN1_OBJECT_free(obj);
	X509_SIG_free(sig);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return (bag);
}

/* A secretBag rebuilt from the SecretBag DER kept in prot. */
static PKCS12_SAFEBAG *
p12_secret_bag(const struct ks_entry *e, char **cause)
{
	const unsigned char	*p, *end, *q;
	struct p12_tlv		 seq, oid, ctx, oct;
	ASN1_OBJECT		*obj = NULL;
	PKCS12_SAFEBAG		*bag = NULL;
	int			 nid;

	if (e->prot == NULL)
		goto bad;
	p = e->prot;
	end = e->prot + e->prot_len;
	if (p12_der_expect(&p, end, 0x30, &seq) != 0)
		goto bad;
	p = seq.val;
	end = seq.val + seq.len;
	if (p12_der_expect(&p, end, 0x06, &oid) != 0 ||
	    p12_der_expect(&p, end, 0xa0, &ctx) != 0)
		goto bad;
	q = ctx.val;
	if (p12_der_expect(&q, ctx.val + ctx.len, 0x04, &oct) != 0 ||
	    oct.len > INT_MAX)
		goto bad;
	q = oid.raw;
	if ((obj = d2i_ASN1_OBJECT(NULL, &q, (long)oid.rawlen)) == NULL ||
	    (nid = OBJ_obj2nid(obj)) == NID_undef)
		goto bad;
	/*
	 * OpenSSL 3.0's bag template picks the value's type by this OID: for
	 * these three it would free our ASN1_TYPE as an OCTET STRING.
	 */
	if (nid == NID_x509Certificate || nid == NID_x509Crl ||
	    nid == NID_sdsiCertificate)
		goto bad;
	if ((bag = PKCS12_SAFEBAG_create_secret(nid, V_ASN1_OCTET_STRING,
	    oct.val, (int)oct.len)) == NULL)
		cause_ssl(cause, "secret key entry \"%s\": cannot build the "
		    "bag", e->alias);
	ASN1_OBJECT_free(obj);
	return (bag);
bad:
	ASN1_OBJECT_free(obj);
	ERR_clear_error();
	cause_set(cause, "secret key entry \"%s\" is not in a form tlsdeck "
	    "can write to PKCS#12", e->alias);
	return (NULL);
}

/* Push a bag onto a stack (the stack owns it then). */
static int
p12_push(STACK_OF(PKCS12_SAFEBAG) *sk, PKCS12_SAFEBAG **bag, char **cause)
{
	if (sk_PKCS12_SAFEBAG_push(sk, *bag) <= 0) {
		cause_ssl(cause, "out of memory");
		return (-1);
	}
	*bag = NULL;
	return (0);
}

/* Serialize bag by bag (docs/formats.md, Writing PKCS#12 with OpenSSL 3.0)
 * with pkcs12_write_params. */
int
pkcs12_write(const struct keystore *ks, const struct secret *pass,
    unsigned char **out, size_t *outlen, char **cause)
{
	struct ks_p12_params		 p;
	STACK_OF(PKCS12_SAFEBAG)	*keybags = NULL, *certbags = NULL;
	STACK_OF(PKCS7)			*safes = NULL;
	PKCS7				*p7 = NULL;
	PKCS12				*p12 = NULL;
	PKCS12_SAFEBAG			*bag = NULL;
	struct ks_entry			*e;
	const unsigned char		*fp;
	unsigned char			*fps = NULL, *der = NULL, *q;
	char				*keyid = NULL, *dn = NULL;
	const char			*sa;
	size_t				 salen;
	size_t				 nfps = 0, i, j, k;
	int64_t				 now = p12_now_ms();
	int				 n, rc = -1;

	*out = NULL;
	*outlen = 0;
	pkcs12_write_params(ks, &p);
	if (pass == NULL && (p.mac || p.cert_pbe_nid != -1)) {
		cause_set(cause, "a password is required to write this "
		    "PKCS#12 keystore");
		goto out;
	}
	if (pass != NULL && pass->len > INT_MAX)
		goto out;
	if (p12_check_aliases(ks, cause) != 0)
		goto out;
	if ((keybags = sk_PKCS12_SAFEBAG_new_null()) == NULL ||
	    (certbags = sk_PKCS12_SAFEBAG_new_null()) == NULL ||
	    (safes = sk_PKCS7_new_null()) == NULL) {
		cause_ssl(cause, "out of memory");
		goto out;
	}
	for (i = 0; i < ks->nentries; i++) {
		e = ks->entries[i];
		free(keyid);
		xasprintf(&keyid, "Time %lld",
		    (long long)(e->date_ms > 0 ? e->date_ms : now));
		switch (e->type) {
		case KS_ENTRY_TRUSTED:
			if (e->nchain < 1) {
				cause_set(cause, "trusted entry \"%s\" has no "
				    "certificate", e->alias);
				goto out;
			}
			sa = ks_entry_stored_alias(e, &salen);
			if ((bag = p12_cert_bag(e->chain[0], cause)) == NULL ||
			    p12_bag_attrs(bag, sa, salen, false, NULL, true,
			    cause) != 0 || p12_push(certbags, &bag, cause) != 0)
				goto out;
			break;
		case KS_ENTRY_KEY:
			if (e->nchain < 1) {
				cause_set(cause, "key entry \"%s\" has no "
				    "certificate chain; Java cannot store a "
				    "key without one", e->alias);
				goto out;
			}
			if ((bag = p12_key_bag(e, &p, pass, cause)) == NULL ||
			    p12_bag_attrs(bag, e->alias, e->alias_len, true,
			    keyid, false, cause) != 0 ||
			    p12_push(keybags, &bag, cause) != 0)
				goto out;
			if ((bag = p12_cert_bag(e->chain[0], cause)) == NULL ||
			    p12_bag_attrs(bag, e->alias, e->alias_len, true,
			    keyid, false, cause) != 0 ||
			    p12_push(certbags, &bag, cause) != 0)
				goto out;
			for (j = 1; j < e->nchain; j++) {
				fp = cert_sha256(e->chain[j]);
				for (k = 0; k < nfps; k++)
					if (memcmp(fps + CERT_SHA256_LEN * k, fp,
					    CERT_SHA256_LEN) == 0)
						break;
				if (k < nfps)
					continue;
				fps = xreallocarray(fps, nfps + 1,
				    CERT_SHA256_LEN);
				memcpy(fps + CERT_SHA256_LEN * nfps++, fp,
				    CERT_SHA256_LEN);
				if ((bag = p12_cert_bag(e->chain[j],
				    cause)) == NULL)
					goto out;
				/* keytool names them by their subject */
				free(dn);
				if ((dn = p12_chain_name(e->chain[j])) != NULL &&
				    p12_bag_attrs(bag, dn, strlen(dn), false,
				    NULL, false, cause) != 0)
					goto out;
				if (p12_push(certbags, &bag, cause) != 0)
					goto out;
			}
			break;
		case KS_ENTRY_SECRET:
			if (e->prot == NULL && e->secret != NULL)
				bag = p12_secret_bag_new(e, &p, pass, cause);
			else
				bag = p12_secret_bag(e, cause);
			if (bag == NULL ||
			    p12_bag_attrs(bag, e->alias, e->alias_len, true,
			    keyid, false, cause) != 0 ||
			    p12_push(keybags, &bag, cause) != 0)
				goto out;
			break;
		default:
			cause_set(cause, "entry \"%s\" has an unknown type",
			    e->alias);
			goto out;
		}
	}
	if (sk_PKCS12_SAFEBAG_num(keybags) > 0) {
		if ((p7 = PKCS12_pack_p7data(keybags)) == NULL ||
		    sk_PKCS7_push(safes, p7) <= 0) {
			cause_ssl(cause, "cannot build the key safe");
			goto out;
		}
		p7 = NULL;
	}
	if (sk_PKCS12_SAFEBAG_num(certbags) > 0) {
		if (p.cert_pbe_nid == -1)
			p7 = PKCS12_pack_p7data(certbags);
		else
			p7 = p12_pack_encdata(p.cert_pbe_nid, p.cert_iter,
			    pass, certbags);
		if (p7 == NULL || sk_PKCS7_push(safes, p7) <= 0) {
			cause_ssl(cause, "cannot build the certificate safe");
			goto out;
		}
		p7 = NULL;
	}
	if ((p12 = PKCS12_add_safes(safes, 0)) == NULL) {
		cause_ssl(cause, "cannot build the keystore");
		goto out;
	}
	if (p.mac && !PKCS12_set_mac(p12, pass->buf, (int)pass->len, NULL,
	    p.mac_salt_len, p.mac_iter, EVP_get_digestbynid(p.mac_md_nid))) {
		cause_ssl(cause, "cannot compute the integrity MAC");
		goto out;
	}
	if ((n = i2d_PKCS12(p12, NULL)) <= 0) {
		cause_ssl(cause, "cannot encode the keystore");
		goto out;
	}
	der = xmalloc((size_t)n);
	q = der;
	if (i2d_PKCS12(p12, &q) != n) {
		cause_ssl(cause, "cannot encode the keystore");
		goto out;
	}
	*out = der;
	*outlen = (size_t)n;
	der = NULL;
	rc = 0;
out:
	free(der);
	free(fps);
	free(keyid);
	free(dn);
	PKCS12_SAFEBAG_free(bag);
	PKCS7_free(p7);
	sk_PKCS12_SAFEBAG_pop_free(keybags, PKCS12_SAFEBAG_free);
	sk_PKCS12_SAFEBAG_pop_free(certbags, PKCS12_SAFEBAG_free);
	sk_PKCS7_pop_free(safes, PKCS7_free);
	PKCS12_free(p12);
	ERR_clear_error();
	return (rc);
}

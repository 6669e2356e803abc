/* SPDX-License-Identifier: ISC */
/* keystore.c -- the format-neutral keystore model, sniffing, and the codec
 * table that dispatches to jks.c, pkcs12.c and pem.c. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "core.h"

static const char *ks_format_names[KS_FMT__MAX] = {
	[KS_FMT_UNKNOWN] = "unknown",
	[KS_FMT_JKS] = "JKS",
	[KS_FMT_JCEKS] = "JCEKS",
	[KS_FMT_PKCS12] = "PKCS12",
	[KS_FMT_PEM] = "PEM",
	[KS_FMT_DER] = "DER",
	[KS_FMT_PKCS7] = "PKCS7",
};

static const char *ks_etype_names[KS_ENTRY__MAX] = {
	[KS_ENTRY_KEY] = "PrivateKeyEntry",
	[KS_ENTRY_TRUSTED] = "trustedCertEntry",
	[KS_ENTRY_SECRET] = "SecretKeyEntry",
};

/* certfile_load as a codec's load (certificate files take no password). */
static int
ks_certfile_load(const unsigned char *buf, size_t len,
    const struct secret *pass, int flags, struct keystore *ks, char **cause)
{
	return (certfile_load(buf, len, ks, cause));
}

/*
 * The codecs: how each format is loaded, how a key is recovered from it and
 * how it is written; NULL where a format does not do that (certificate
 * files hold no keys; JCEKS and certificate files are read-only).
 */
struct ks_codec {
	int	 (*load)(const unsigned char *, size_t, const struct secret *,
		     int, struct keystore *, char **);
	int	 (*recover_key)(const struct keystore *, struct ks_entry *,
		     const struct secret *, char **);
	int	 (*write)(const struct keystore *, const struct secret *,
		     unsigned char **, size_t *, char **);
	const char *read_only;	/* why write is NULL (NULL: a certificate
				   file) */
};
static const struct ks_codec ks_codecs[KS_FMT__MAX] = {
	[KS_FMT_JKS] = { jks_load, jks_recover_key, jks_write, NULL },
	[KS_FMT_JCEKS] = { jks_load, jks_recover_key, NULL,
	    "tlsdeck does not write JCEKS; convert the keystore to PKCS12 "
	    "first (tlsdeck convert FILE --to pkcs12)" },
	[KS_FMT_PKCS12] = { pkcs12_load, pkcs12_recover_key, pkcs12_write,
	    NULL },
	[KS_FMT_PEM] = { ks_certfile_load, NULL, NULL, NULL },
	[KS_FMT_DER] = { ks_certfile_load, NULL, NULL, NULL },
	[KS_FMT_PKCS7] = { ks_certfile_load, NULL, NULL, NULL },
};

/* The codec of format f, or NULL. */
static const struct ks_codec *
ks_codec(enum ks_format f)
{
	if ((unsigned)f >= KS_FMT__MAX || ks_codecs[f].load == NULL)
		return (NULL);
	return (&ks_codecs[f]);
}

const char *
ks_format_name(enum ks_format f)
{
	if ((unsigned)f >= KS_FMT__MAX)
		return ("unknown");
	return (ks_format_names[f]);
}

const char *
ks_etype_name(enum ks_etype t)
{
	if ((unsigned)t >= KS_ENTRY__MAX)
		return ("unknown");
	return (ks_etype_names[t]);
}

enum ks_format
ks_format_parse(const char *s)
{
	if (strcasecmp(s, "pkcs12") == 0 || strcasecmp(s, "p12") == 0)
		return (KS_FMT_PKCS12);
	if (strcasecmp(s, "jks") == 0)
		return (KS_FMT_JKS);
	if (strcasecmp(s, "jceks") == 0)
		return (KS_FMT_JCEKS);
	return (KS_FMT_UNKNOWN);
}

/* Skip leading white space (for PEM sniffing). */
static size_t
sniff_skip_space(const unsigned char *p, size_t len)
{
	size_t	i = 0;

	/* UTF-8 BOM */
	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < len && isspace(p[i]))
		i++;
	return (i);
}

/* Read a DER length at p[*off]; -1 if malformed. */
static long
sniff_der_len(const unsigned char *p, size_t len, size_t *off)
{
	size_t	n, i;
	long	l = 0;

	if (*off >= len)
		return (-1);
	if (p[*off] < 0x80)
		return (p[(*off)++]);
	n = p[(*off)++] & 0x7f;
	if (n == 0 || n > 4 || *off + n > len)
		return (-1);
	for (i = 0; i < n; i++)
		l = (l << 8) | p[(*off)++];
	return (l);
}

enum ks_format
keystore_sniff(const unsigned char *p, size_t len)
{
	static const unsigned char p7_signed[] = {
	    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02 };
	size_t	i, off;

	if (len >= 4 && p[0] == 0xfe && p[1] == 0xed && p[2] == 0xfe &&
	    p[3] == 0xed)
		return (KS_FMT_JKS);
	if (len >= 4 && p[0] == 0xce && p[1] == 0xce && p[2] == 0xce &&
	    p[3] == 0xce)
		return (KS_FMT_JCEKS);
	if (len >= 2 && p[0] == 0x30) {
		off = 1;
		if (sniff_der_len(p, len, &off) < 0)
			return (KS_FMT_UNKNOWN);
		/* PFX: SEQUENCE { INTEGER 3, ... } */
		if (off + 3 <= len && p[off] == 0x02 && p[off + 1] == 0x01 &&
		    p[off + 2] == 0x03)
			return (KS_FMT_PKCS12);
		/* ContentInfo: SEQUENCE { OID signedData, ... } */
		if (off + sizeof p7_signed <= len &&
		    memcmp(p + off, p7_signed, sizeof p7_signed) == 0)
			return (KS_FMT_PKCS7);
		/* Certificate: SEQUENCE { SEQUENCE (tbs) ... } */
		if (off < len && p[off] == 0x30)
			return (KS_FMT_DER);
		return (KS_FMT_UNKNOWN);
	}
	i = sniff_skip_space(p, len);
	if (len - i >= 11 && memcmp(p + i, "-----BEGIN ", 11) == 0)
		return (KS_FMT_PEM);
	/* PEM with explanatory text before the first block. */
	if (len > 0 && memmem(p, len, "-----BEGIN ", 11) != NULL) {
		for (off = 0; off < len && off < 65536; off++)
			if (p[off] == 0 || (p[off] < 0x20 && !isspace(p[off])))
				return (KS_FMT_UNKNOWN);
		return (KS_FMT_PEM);
	}
	return (KS_FMT_UNKNOWN);
}

struct keystore *
keystore_new(enum ks_format f)
{
	struct keystore	*ks;

	ks = xcalloc(1, sizeof *ks);
	ks->format = f;
	ks->jks_version = 2;
	pkcs12_params_default(&ks->p12, false);
	return (ks);
}

void
keystore_free(struct keystore *ks)
{
	size_t	i;

	if (ks == NULL)
		return;
	for (i = 0; i < ks->nentries; i++)
		ks_entry_free(ks->entries[i]);
	free(ks->entries);
	for (i = 0; i < ks->nignored; i++)
		ks_entry_free(ks->ignored[i].e);
	free(ks->ignored);
	arena_free(ks->arena);
	free(ks->path);
	if (ks->backing != NULL) {
		/* JKS and JCEKS hold nothing in clear (keys are encrypted):
		 * a 10 MB truststore is not wiped byte by byte */
		if (ks->format != KS_FMT_JKS && ks->format != KS_FMT_JCEKS)
			OPENSSL_cleanse(ks->backing, ks->backing_len);
		free(ks->backing);
	}
	free(ks);
}

struct cert *
ks_cert_new(const struct keystore *ks, const unsigned char *der, size_t len,
    char **cause)
{
	if (ks->backing != NULL && der >= ks->backing &&
	    len <= ks->backing_len &&
	    (size_t)(der - ks->backing) <= ks->backing_len - len) {
		if (ks->arena != NULL)
			return (cert_new_packed(ks->arena, der, len, cause));
		return (cert_new_ref(der, len, cause));
	}
	return (cert_new(der, len, cause));
}

struct ks_entry *
ks_entry_new_in(struct keystore *ks, char *alias, size_t alias_len,
    enum ks_etype t)
{
	struct ks_entry	*e;

	if (ks->arena == NULL) {
		e = ks_entry_new("", t);
		free(e->alias);
	} else {
		e = arena_calloc(ks->arena, sizeof *e);
		e->type = t;
		e->flags = KS_EF_PACKED;
	}
	e->alias = alias != NULL ? alias : xstrdup("");
	e->alias_len = alias != NULL ? alias_len : 0;
	return (e);
}

struct ks_entry *
ks_entry_new(const char *alias, enum ks_etype t)
{
	struct ks_entry	*e;

	e = xcalloc(1, sizeof *e);
	e->alias = xstrdup(alias);
	e->alias_len = strlen(alias);
	e->type = t;
	return (e);
}

void
ks_entry_free(struct ks_entry *e)
{
	size_t	i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nchain; i++)
		cert_free(e->chain[i]);
	if (!(e->flags & KS_EF_CHAIN_PACKED))
		free(e->chain);
	if (e->prot != NULL) {
		OPENSSL_cleanse(e->prot, e->prot_len);
		free(e->prot);
	}
	EVP_PKEY_free(e->pkey);
	secret_free(e->keypass);
	secret_free(e->secret);
	free(e->secret_alg);
	free(e->stored_alias);
	free(e->alias);
	if (!(e->flags & KS_EF_PACKED))
		free(e);
}

void
keystore_add(struct keystore *ks, struct ks_entry *e)
{
	ks->entries = xreallocarray(ks->entries, ks->nentries + 1,
	    sizeof *ks->entries);
	ks->entries[ks->nentries++] = e;
}

void
keystore_remove(struct keystore *ks, size_t i)
{
	if (i >= ks->nentries)
		return;
	ks_entry_free(ks->entries[i]);
	memmove(ks->entries + i, ks->entries + i + 1,
	    (ks->nentries - i - 1) * sizeof *ks->entries);
	ks->nentries--;
}

void
ks_entry_add_cert(struct ks_entry *e, struct cert *c)
{
	struct cert	**v;

	if (e->flags & KS_EF_CHAIN_PACKED) {
		v = xreallocarray(NULL, e->nchain + 1, sizeof *v);
		memcpy(v, e->chain, e->nchain * sizeof *v);
		e->chain = v;
		e->flags &= ~KS_EF_CHAIN_PACKED;
	} else
		e->chain = xreallocarray(e->chain, e->nchain + 1,
		    sizeof *e->chain);
	e->chain[e->nchain++] = c;
}

/* Compare aliases as Java does: lower-case with Locale.ENGLISH (ASCII). */
static int
alias_casecmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	i;
	int	ca, cb;

	for (i = 0; i < alen && i < blen; i++) {
		if (a[i] == b[i])
			continue;
		ca = (unsigned char)a[i];
		cb = (unsigned char)b[i];
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return (ca - cb);
	}
	return ((alen > blen) - (alen < blen));
}

/* alias_casecmp for kslist.c, which sorts as keystore_sort does. */
int
ks_alias_casecmp(const char *a, size_t alen, const char *b, size_t blen)
{
	return (alias_casecmp(a, alen, b, blen));
}

struct ks_entry *
keystore_find(const struct keystore *ks, const char *alias)
{
	size_t	i, len = strlen(alias);

	for (i = 0; i < ks->nentries; i++) {
		if (alias_casecmp(ks->entries[i]->alias,
		    ks->entries[i]->alias_len, alias, len) == 0)
			return (ks->entries[i]);
	}
	return (NULL);
}

/* qsort comparator for entries by alias. */
static int
keystore_sort_cmp(const void *a, const void *b)
{
	const struct ks_entry	*ea = *(struct ks_entry *const *)a;
	const struct ks_entry	*eb = *(struct ks_entry *const *)b;
	int			 r;

	r = alias_casecmp(ea->alias, ea->alias_len, eb->alias, eb->alias_len);
	if (r != 0)
		return (r);
	return (strcmp(ea->alias, eb->alias));
}

void
keystore_sort(struct keystore *ks)
{
	size_t	i;

	/* tlsdeck writes its keystores sorted: check before sorting */
	for (i = 1; i < ks->nentries; i++) {
		if (keystore_sort_cmp(&ks->entries[i - 1],
		    &ks->entries[i]) > 0)
			break;
	}
	if (i < ks->nentries)
		qsort(ks->entries, ks->nentries, sizeof *ks->entries,
		    keystore_sort_cmp);
}

/* Load from buf; if owned, buf becomes ks->backing (freed on failure). */
static int
keystore_load_common(unsigned char *buf, size_t len, bool owned,
    const char *name, const struct secret *pass, int flags,
    struct keystore **ksp, char **cause)
{
	const struct ks_codec	*c;
	struct keystore		*ks;
	enum ks_format		 f;
	int			 rc;

	*ksp = NULL;
	if (name == NULL)
		name = "(memory)";
	if (len == 0) {
		cause_set(cause, "%s: file is empty", name);
		if (owned)
			free(buf);
		return (-1);
	}
	f = keystore_sniff(buf, len);
	ks = keystore_new(f);
	if (owned) {
		ks->backing = buf;
		ks->backing_len = len;
		/* the entries take about half the file */
		ks->arena = arena_new(len / 2);
	}
	if ((c = ks_codec(f)) != NULL)
		rc = c->load(buf, len, pass, flags, ks, cause);
	else {
		cause_set(cause, "not a keystore or certificate file "
		    "(unknown format, first bytes %02X %02X %02X %02X)",
		    len > 0 ? buf[0] : 0, len > 1 ? buf[1] : 0,
		    len > 2 ? buf[2] : 0, len > 3 ? buf[3] : 0);
		rc = -1;
	}
	if (rc != 0) {
		cause_prefix(cause, "%s", name);
		keystore_free(ks);
		return (-1);
	}
	*ksp = ks;
	return (0);
}

int
keystore_load_mem(const unsigned char *buf, size_t len, const char *name,
    const struct secret *pass, int flags, struct keystore **ksp, char **cause)
{
	return (keystore_load_common((unsigned char *)(uintptr_t)buf, len,
	    false, name, pass, flags, ksp, cause));
}

int
keystore_load_owned(unsigned char *buf, size_t len, const char *name,
    const struct secret *pass, int flags, struct keystore **ksp, char **cause)
{
	return (keystore_load_common(buf, len, true, name, pass, flags, ksp,
	    cause));
}

int
keystore_load(const char *path, const struct secret *pass, int flags,
    struct keystore **ksp, char **cause)
{
	unsigned char	*buf;
	size_t		 len;
	int		 rc;

	*ksp = NULL;
	if (file_read(path, &buf, &len, cause) != 0)
		return (-1);
	rc = keystore_load_owned(buf, len, path, pass, flags, ksp, cause);
	if (rc == 0)
		(*ksp)->path = xstrdup(path);
	return (rc);
}

int
keystore_recover_key(const struct keystore *ks, struct ks_entry *e,
    const struct secret *keypass, char **cause)
{
	const struct ks_codec	*c;

	if (e->type != KS_ENTRY_KEY) {
		cause_set(cause, "%s: entry \"%s\" is a %s, not a key entry",
		    ks->path != NULL ? ks->path : "keystore", e->alias,
		    ks_etype_name(e->type));
		return (-1);
	}
	if (e->pkey != NULL)
		return (0);
	if ((c = ks_codec(ks->format)) == NULL || c->recover_key == NULL) {
		cause_set(cause, "%s: has no private keys",
		    ks->path != NULL ? ks->path : "file");
		return (-1);
	}
	return (c->recover_key(ks, e, keypass, cause));
}

int
keystore_recover_secret(const struct keystore *ks, struct ks_entry *e,
    const struct secret *keypass, char **cause)
{
	if (e->type != KS_ENTRY_SECRET) {
		cause_set(cause, "%s: entry \"%s\" is a %s, not a secret key",
		    ks->path != NULL ? ks->path : "keystore", e->alias,
		    ks_etype_name(e->type));
		return (-1);
	}
	if (e->secret != NULL)
		return (0);
	switch (ks->format) {
	case KS_FMT_JCEKS:
		return (jks_recover_secret(ks, e, keypass, cause));
	case KS_FMT_PKCS12:
		return (pkcs12_recover_secret(ks, e, keypass, cause));
	default:
		cause_set(cause, "%s: has no secret keys",
		    ks->path != NULL ? ks->path : "file");
		return (-1);
	}
}

const char *
ks_entry_stored_alias(const struct ks_entry *e, size_t *len)
{
	if (e->stored_alias != NULL) {
		if (len != NULL)
			*len = e->stored_alias_len;
		return (e->stored_alias);
	}
	if (len != NULL)
		*len = e->alias_len;
	return (e->alias);
}

/*
 * Secret key algorithms: Java's standard names and the OIDs its
 * AlgorithmId gives them (a PKCS#12 secret bag holds the OID).
 */
static const struct {
	const char	*name;
	const char	*oid;
} ks_secret_algs[] = {
	{ "AES",	"2.16.840.1.101.3.4.1" },
	{ "DESede",	"1.2.840.113549.3.7" },
	{ "DES",	"1.3.14.3.2.7" },
	{ "RC2",	"1.2.840.113549.3.2" },
	{ "HmacSHA1",	"1.2.840.113549.2.7" },
	{ "HmacSHA224",	"1.2.840.113549.2.8" },
	{ "HmacSHA256",	"1.2.840.113549.2.9" },
	{ "HmacSHA384",	"1.2.840.113549.2.10" },
	{ "HmacSHA512",	"1.2.840.113549.2.11" },
	{ "HmacSHA3-224", "2.16.840.1.101.3.4.2.13" },
	{ "HmacSHA3-256", "2.16.840.1.101.3.4.2.14" },
	{ "HmacSHA3-384", "2.16.840.1.101.3.4.2.15" },
	{ "HmacSHA3-512", "2.16.840.1.101.3.4.2.16" },
};

const char *
ks_secret_alg_name(const char *oid)
{
	size_t	i;

	for (i = 0; i < sizeof ks_secret_algs / sizeof ks_secret_algs[0]; i++)
		if (strcmp(ks_secret_algs[i].oid, oid) == 0)
			return (ks_secret_algs[i].name);
	return (NULL);
}

const char *
ks_secret_alg_oid(const char *name)
{
	size_t	i;

	/* Java's names are case-insensitive ("aes", "DESEDE"). */
	for (i = 0; i < sizeof ks_secret_algs / sizeof ks_secret_algs[0]; i++)
		if (strcasecmp(ks_secret_algs[i].name, name) == 0)
			return (ks_secret_algs[i].oid);
	return (NULL);
}

static const char *ks_profile_names[KS_PROFILE__MAX] = {
	[KS_PROFILE_NONE] = NULL,
	[KS_PROFILE_MODERN] = "modern",
	[KS_PROFILE_LEGACY] = "legacy",
	[KS_PROFILE_PASSWORDLESS] = "passwordless",
};

const char *
ks_profile_name(enum ks_profile p)
{
	if ((unsigned)p >= KS_PROFILE__MAX)
		return (NULL);
	return (ks_profile_names[p]);
}

enum ks_profile
ks_profile_parse(const char *s)
{
	int	i;

	for (i = KS_PROFILE_NONE + 1; i < KS_PROFILE__MAX; i++)
		if (strcasecmp(s, ks_profile_names[i]) == 0)
			return ((enum ks_profile)i);
	return (KS_PROFILE_NONE);
}

enum ks_profile
keystore_profile(const struct keystore *ks)
{
	if (ks->format != KS_FMT_PKCS12)
		return (KS_PROFILE_NONE);
	return (pkcs12_params_classify(&ks->p12));
}

int
keystore_serialize(const struct keystore *ks, const struct secret *pass,
    unsigned char **out, size_t *outlen, char **cause)
{
	const struct ks_codec	*c = ks_codec(ks->format);

	*out = NULL;
	*outlen = 0;
	if (c != NULL && c->write != NULL)
		return (c->write(ks, pass, out, outlen, cause));
	if (c != NULL && c->read_only != NULL)
		cause_set(cause, "%s", c->read_only);
	else
		cause_set(cause, "%s files are read-only certificate files; "
		    "import them into a PKCS12 keystore",
		    ks_format_name(ks->format));
	return (-1);
}

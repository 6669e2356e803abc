/* SPDX-License-Identifier: ISC */
/*
 * servertree.h -- server trees for test-server.c and test-audit.c, made
 * with OpenSSL and the core writers (no JVM): a directory with
 * conf/application.properties, conf/ssl/<keystore>, jre/release and
 * jre/lib/security/cacerts.  Certificates get exact dates, key sizes and
 * digests, so every finding can be provoked.
 */
#ifndef SERVERTREE_H
#define SERVERTREE_H

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "testutil.h"

#define ST_DAY	86400L

/* The time every certificate is dated from (set by st_init). */
static time_t	st_t0;

static inline void
st_init(void)
{
	if (st_t0 == 0)
		st_t0 = time(NULL);
}

/* nftw callback: remove one path. */
static inline int
st_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return (remove(p));
}

/* A new tree directory (malloc'd path), with conf/ssl and jre/... */
static inline char *
st_tree_new(void)
{
	char	 tmpl[] = "/tmp/tlsdeck-srvtest.XXXXXX", *d, *p;

	st_init();
	assert_non_null(mkdtemp(tmpl));
	d = xstrdup(tmpl);
	xasprintf(&p, "%s/conf", d);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	xasprintf(&p, "%s/conf/ssl", d);
	assert_int_equal(mkdir(p, 0750), 0);
	free(p);
	xasprintf(&p, "%s/jre", d);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	xasprintf(&p, "%s/jre/lib", d);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	xasprintf(&p, "%s/jre/lib/security", d);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	return (d);
}

static inline void
st_tree_rm(char *d)
{
	if (d != NULL)
		nftw(d, st_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(d);
}

/* Write bytes to DIR/REL with mode. */
static inline void
st_write(const char *dir, const char *rel, const void *buf, size_t len,
    mode_t mode)
{
	char	*p;
	FILE	*f;

	xasprintf(&p, "%s/%s", dir, rel);
	unlink(p);
	assert_non_null(f = fopen(p, "wb"));
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(p, mode), 0);
	free(p);
}

static inline void
st_write_str(const char *dir, const char *rel, const char *s)
{
	st_write(dir, rel, s, strlen(s), 0640);
}

static inline EVP_PKEY *
st_rsa(int bits)
{
	EVP_PKEY	*k;

	assert_non_null(k = EVP_RSA_gen((unsigned int)bits));
	return (k);
}

static inline EVP_PKEY *
st_ec(const char *curve)
{
	EVP_PKEY	*k;

	assert_non_null(k = EVP_EC_gen(curve));
	return (k);
}

/* Add an X509v3 extension from config text. */
static inline void
st_ext(X509 *x, X509 *issuer, int nid, const char *conf)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;

	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	assert_non_null(ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, conf));
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/*
 * A certificate for cn with key, valid from st_t0 + from days to st_t0 +
 * to days (plus an hour, so days left are whole), signed by ikey/issuer
 * (self-signed when issuer is NULL) with md (NULL: SHA-256).  san like
 * "DNS:a,IP:1.2.3.4" or NULL.
 */
static inline X509 *
st_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey,
    long from, long to, const char *san, bool ca, const EVP_MD *md)
{
	static long	 serial = 1000;
	X509		*x;
	X509_NAME	*n;

	assert_non_null(x = X509_new());
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_time_adj_ex(X509_getm_notBefore(x), 0, from * ST_DAY, &st_t0);
	X509_time_adj_ex(X509_getm_notAfter(x), 0, to * ST_DAY + 3600,
	    &st_t0);
	n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
	    (const unsigned char *)"Test", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : n);
	X509_NAME_free(n);
	X509_set_pubkey(x, key);
	st_ext(x, issuer, NID_subject_key_identifier, "hash");
	st_ext(x, issuer, NID_authority_key_identifier, "keyid");
	st_ext(x, issuer, NID_basic_constraints, ca ? "critical,CA:true" :
	    "CA:false");
	if (san != NULL)
		st_ext(x, issuer, NID_subject_alt_name, san);
	assert_true(X509_sign(x, issuer != NULL ? ikey : key,
	    md != NULL ? md : EVP_sha256()) > 0);
	return (x);
}

/* A new keystore (PKCS12 with keytool's defaults or passwordless). */
static inline struct keystore *
st_ks(enum ks_format f, bool passwordless)
{
	struct keystore	*ks = keystore_new(f);

	pkcs12_params_default(&ks->p12, passwordless);
	return (ks);
}

/* Add a key entry: key and chain (leaf first); keypass for JKS or NULL. */
static inline void
st_add_key(struct keystore *ks, const char *alias, EVP_PKEY *key,
    X509 **chain, size_t n, const char *keypass)
{
	struct ks_entry	*e;
	size_t		 i;

	e = ks_entry_new(alias, KS_ENTRY_KEY);
	e->date_ms = (int64_t)st_t0 * 1000;
	EVP_PKEY_up_ref(key);
	e->pkey = key;
	if (keypass != NULL)
		e->keypass = secret_from_str(keypass);
	for (i = 0; i < n; i++)
		ks_entry_add_cert(e, cert_from_x509(chain[i], NULL));
	keystore_add(ks, e);
}

static inline void
st_add_trusted(struct keystore *ks, const char *alias, X509 *x)
{
	struct ks_entry	*e;

	e = ks_entry_new(alias, KS_ENTRY_TRUSTED);
	e->date_ms = (int64_t)st_t0 * 1000;
	ks_entry_add_cert(e, cert_from_x509(x, NULL));
	keystore_add(ks, e);
}

/* Serialize to DIR/REL with pass (NULL: none) and free ks. */
static inline void
st_save(struct keystore *ks, const char *dir, const char *rel,
    const char *pass, mode_t mode)
{
	struct secret	*s = pass != NULL ? secret_from_str(pass) : NULL;
	unsigned char	*out = NULL;
	size_t		 len = 0;
	char		*cause = NULL;

	if (keystore_serialize(ks, s, &out, &len, &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	st_write(dir, rel, out, len, mode);
	free(out);
	secret_free(s);
	keystore_free(ks);
}

/* A JRE: release with version, cacerts passwordless holding trust[]. */
static inline void
st_jre(const char *dir, const char *version, X509 **trust, const char **alias,
    size_t n)
{
	struct keystore	*ks = st_ks(KS_FMT_PKCS12, true);
	char		*rel;
	size_t		 i;

	xasprintf(&rel, "JAVA_VERSION=\"%s\"\n", version);
	st_write_str(dir, "jre/release", rel);
	free(rel);
	for (i = 0; i < n; i++)
		st_add_trusted(ks, alias[i], trust[i]);
	st_save(ks, dir, "jre/lib/security/cacerts", NULL, 0644);
}

/*
 * The documented properties for a keystore at conf/ssl/NAME of TYPE with
 * PASS, then extra (may be "").
 */
static inline void
st_props(const char *dir, const char *name, const char *type,
    const char *pass, const char *extra)
{
	char	*s;

	xasprintf(&s, "sharedDataPath=%s\n"
	    "server.port=8443\n"
	    "server.ssl.key-alias=integration-manager\n"
	    "server.ssl.key-store=${sharedDataPath}/conf/ssl/%s\n"
	    "server.ssl.key-store-password=%s\n"
	    "server.ssl.key-store-type=%s\n"
	    "im.base-url=https://im.example.test:${server.port}\n"
	    "%s", dir, name, pass, type, extra);
	st_write_str(dir, "conf/application.properties", s);
	free(s);
}

/* Load the model of dir at st_t0 + days (no live checks). */
static inline struct server_model *
st_load(const char *dir, long days)
{
	struct server_opts	 o;
	struct server_model	*m = NULL;
	char			*cause = NULL;

	server_opts_init(&o);
	o.server = dir;
	o.flags = SERVER_NO_LIVE;
	o.now = st_t0 + days * ST_DAY;
	if (server_model_load(&o, &m, &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	return (m);
}

/* The sorted, space-separated set of finding codes (static buffer). */
static inline const char *
st_codes(const struct server_model *m)
{
	static char	 buf[2048];
	const char	*c[128];
	size_t		 n = 0, i, j;

	for (i = 0; i < m->nfindings && n < 128; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(c[j], m->findings[i]->code) == 0)
				break;
		if (j == n)
			c[n++] = m->findings[i]->code;
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(c[j - 1], c[j]) > 0; j--) {
			const char *t = c[j];

			c[j] = c[j - 1];
			c[j - 1] = t;
		}
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		strncat(buf, c[i], sizeof buf - strlen(buf) - 2);
		if (i + 1 < n)
			strcat(buf, " ");
	}
	return (buf);
}

/* The first finding with code, or NULL. */
static inline const struct finding *
st_finding(const struct server_model *m, const char *code)
{
	size_t	i;

	for (i = 0; i < m->nfindings; i++)
		if (strcmp(m->findings[i]->code, code) == 0)
			return (m->findings[i]);
	return (NULL);
}

/* The settings row for key, or NULL. */
static inline const struct setting *
st_row(const struct server_model *m, const char *key)
{
	size_t	i;

	for (i = 0; i < m->nsettings; i++)
		if (strcmp(m->settings[i]->key, key) == 0)
			return (m->settings[i]);
	return (NULL);
}

#endif

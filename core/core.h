/* SPDX-License-Identifier: ISC */
/*
 * core.h -- the tlsdeck core: keystores, certificates, files, the server
 * model and the audit.  No curses, never prints.  Included by cli/ and tui/,
 * so it names no OpenSSL or libcyaml type: OpenSSL objects appear only as
 * forward-declared struct pointers.
 *
 * Conventions (style.md b.4, b.5):
 *  - int functions return 0 on success, -1 on failure; on failure, if cause
 *    is not NULL, *cause is set to a malloc'd one-line message the caller
 *    frees.  Messages about a file start with "PATH: ".
 *  - A char * result belongs to the caller; const char * is borrowed.
 *  - Containers own their elements; _free functions are NULL-safe.
 */
#ifndef TLSDECK_CORE_H
#define TLSDECK_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct x509_st;
struct evp_pkey_st;

#define TLSDECK_NAME	"tlsdeck"

/* ------------------------------------------------------------------ */
/* cause.c: error messages */

/* Set *cause (if cause != NULL and *cause == NULL: the first failure wins). */
void	 cause_set(char **cause, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* As cause_set, appending ": " and the drained OpenSSL error queue. */
void	 cause_ssl(char **cause, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Prefix an existing *cause with "PREFIX: " (used to add a file name). */
void	 cause_prefix(char **cause, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Drain and discard the OpenSSL error queue. */
void	 cause_ssl_clear(void);

/* xmalloc.c: allocation that aborts on out-of-memory (fatal only there). */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
void	*xmemdup(const void *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 xvasprintf(char **, const char *, va_list);
/* Called before aborting on a fatal error (the TUI restores the terminal). */
void	 fatal_set_hook(void (*)(void));
void	 fatalx(const char *, ...) __attribute__((noreturn,
	    format(printf, 1, 2)));

/* ------------------------------------------------------------------ */
/* secret.c: passwords.  buf is NUL-terminated UTF-8, len excludes the NUL.
 * Freed with secret_free, which wipes. */
struct secret {
	char	*buf;
	size_t	 len;
};

struct secret	*secret_new(const void *bytes, size_t len);
struct secret	*secret_from_str(const char *);
struct secret	*secret_dup(const struct secret *);
void		 secret_free(struct secret *);
/* Read from environment variable VAR (value is not copied elsewhere). */
int		 secret_from_env(const char *var, struct secret **,
		     char **cause);
/* First line of FILE (trailing CR/LF stripped). */
int		 secret_from_file(const char *path, struct secret **,
		     char **cause);
/* Encode as UTF-16BE (Java char[] bytes) into a new secret. */
struct secret	*secret_utf16be(const struct secret *);
bool		 secret_equal(const struct secret *, const struct secret *);

/* ------------------------------------------------------------------ */
/* der.c + cert.c: certificates, decoded lazily.
 *
 * cert_new() runs the small DER walker only (a few microseconds): enough for
 * a listing row.  Fingerprints are computed on first use; the full OpenSSL
 * X509 is decoded on demand by cert_x509(). */

struct der_span {
	const unsigned char	*p;	/* points into cert->der */
	size_t			 len;
};

struct cert_info {
	char		*subject;	/* keytool style: "CN=a, OU=b, O=c" */
	char		*issuer;
	char		*serial;	/* lower-case hex, no leading zeros */
	int64_t		 not_before;	/* seconds since the epoch, UTC */
	int64_t		 not_after;
	int		 version;	/* 1..3 */
	char		 key[32];	/* "RSA 2048", "EC P-256", "Ed25519" */
	int		 key_bits;
	char		 sig_alg[40];	/* "SHA256withRSA", as Java names it */
	char		**san;		/* "DNS:a", "IP:10.0.0.1", "email:x",
					   "URI:x", "DIRNAME:..", "OTHER" */
	size_t		 nsan;
	bool		 ca;		/* basicConstraints cA TRUE */
	int		 pathlen;	/* -1 when absent */
	bool		 self_signed;	/* subject == issuer (and AKI/SKI) */
	bool		 weak_sig;	/* MD5 or SHA-1 signature */
	struct der_span	 subject_der;	/* raw Name, for chain building */
	struct der_span	 issuer_der;
	struct der_span	 spki_der;	/* SubjectPublicKeyInfo */
	struct der_span	 ski;		/* keyIdentifier bytes, or len 0 */
	struct der_span	 aki;
};

struct cert {
	unsigned char		*der;
	size_t			 len;
	struct cert_info	 info;
	bool			 have_fp;
	unsigned char		 sha256[32];
	unsigned char		 sha1[20];
	struct x509_st		*x509;	/* decoded on demand, owned */
};

/* Copy der and walk it; NULL with *cause on a malformed certificate. */
struct cert	*cert_new(const unsigned char *der, size_t len, char **cause);
/* Take an X509 (up-referenced, the caller keeps its own reference). */
struct cert	*cert_from_x509(struct x509_st *, char **cause);
struct cert	*cert_dup(const struct cert *);
void		 cert_free(struct cert *);
/* Fingerprints, computed on first call. */
const unsigned char *cert_sha256(struct cert *);
const unsigned char *cert_sha1(struct cert *);
/* Upper-case colon-separated hex ("AB:CD:..."), malloc'd. */
char		*cert_fp_hex(const unsigned char *, size_t);
/* Full OpenSSL decode, cached in cert->x509; NULL on failure. Borrowed. */
struct x509_st	*cert_x509(struct cert *, char **cause);
/* Days left at time now (negative once expired), floor of seconds/86400. */
long		 cert_days_left(const struct cert *, time_t now);
/* PEM text, malloc'd. */
char		*cert_pem(const struct cert *);
/* A long human description (like keytool -list -v for one cert), malloc'd. */
char		*cert_describe(struct cert *, time_t now);
/* true if b's subject is a's issuer and b's key verifies a's signature. */
bool		 cert_issued_by(struct cert *a, struct cert *b);
/* true when both certificates carry the same public key (SPKI bytes). */
bool		 cert_same_key(const struct cert *, const struct cert *);
/* ISO 8601 UTC "2026-11-29T15:16:16Z" into buf (at least 21 bytes). */
void		 time_iso8601(int64_t, char *buf, size_t len);

/* The DER walker used by cert_new (exposed for tests and fuzzing). */
int		 der_cert_walk(const unsigned char *der, size_t len,
		     struct cert_info *, char **cause);
void		 cert_info_done(struct cert_info *);

/* ------------------------------------------------------------------ */
/* keystore.c: the format-neutral model */

enum ks_format {
	KS_FMT_UNKNOWN = 0,
	KS_FMT_JKS,
	KS_FMT_JCEKS,
	KS_FMT_PKCS12,
	KS_FMT_PEM,		/* certificate file: PEM bundle (read-only) */
	KS_FMT_DER,		/* one DER certificate (read-only) */
	KS_FMT_PKCS7,		/* PKCS#7 certs-only, PEM or DER (read-only) */
	KS_FMT__MAX
};

enum ks_etype {
	KS_ENTRY_KEY = 0,	/* PrivateKeyEntry */
	KS_ENTRY_TRUSTED,	/* trustedCertEntry */
	KS_ENTRY_SECRET,	/* SecretKeyEntry (JCEKS, PKCS#12 secret bag) */
	KS_ENTRY__MAX
};

/* ks_entry.flags */
#define KS_EF_ALIAS_NOT_LOWER	0x01	/* JKS alias stored not lower-case:
					   Java cannot look it up */
#define KS_EF_NO_DATE		0x02	/* no stored date (PKCS#12 trusted) */
#define KS_EF_KEY_UNREADABLE	0x04	/* key blob present, not recoverable */

struct ks_entry {
	char		*alias;		/* UTF-8; may contain NUL: use
					   alias_len */
	size_t		 alias_len;
	enum ks_etype	 type;
	int		 flags;
	int64_t		 date_ms;	/* creation date, ms since epoch */
	struct cert	**chain;	/* leaf first; trusted: one cert */
	size_t		 nchain;
	/*
	 * Key material.  prot is the key as stored (JKS/JCEKS:
	 * EncryptedPrivateKeyInfo DER; PKCS#12: the pkcs8ShroudedKeyBag's
	 * X509_SIG DER).  A writer reuses prot when it is not NULL, so an
	 * entry that was not changed is written back bit for bit without its
	 * password.  A step that changes the key sets pkey and frees prot.
	 */
	unsigned char	*prot;
	size_t		 prot_len;
	struct evp_pkey_st *pkey;	/* recovered key, owned, or NULL */
	struct secret	*keypass;	/* JKS key password for writing, or
					   NULL for the store password */
	char		*secret_alg;	/* SecretKeyEntry: algorithm, if known */
};

/* PKCS#12 protection, kept so a rewrite uses the file's own scheme. */
struct ks_p12_params {
	bool	 mac;			/* MacData present */
	int	 mac_md_nid;		/* NID of the MAC digest */
	int	 mac_iter;
	int	 mac_salt_len;
	int	 cert_pbe_nid;		/* -1: certificates in plain data */
	int	 cert_iter;
	int	 key_pbe_nid;		/* cipher NID for PBES2, or PBE NID */
	int	 key_iter;
	bool	 legacy;		/* needs OpenSSL's legacy provider */
};

struct keystore {
	enum ks_format	 format;
	char		*path;		/* as given, or NULL for memory */
	struct ks_entry	**entries;
	size_t		 nentries;
	bool		 verified;	/* integrity (digest/MAC) checked */
	bool		 passwordless;	/* PKCS#12 with no MAC (JDK 18+) */
	struct ks_p12_params p12;
	int		 jks_version;	/* 1 or 2 */
};

/* keystore_load flags */
#define KS_LOAD_NOVERIFY	0x01	/* do not require a password */

const char	*ks_format_name(enum ks_format);	/* "JKS", "PKCS12", ... */
const char	*ks_etype_name(enum ks_etype);	/* "PrivateKeyEntry", ... */
/* Parse "pkcs12"/"jks" (case-insensitive); KS_FMT_UNKNOWN otherwise. */
enum ks_format	 ks_format_parse(const char *);

/* Detect the format by content. */
enum ks_format	 keystore_sniff(const unsigned char *, size_t);

/*
 * Load a keystore or certificate file.  pass may be NULL: JKS/JCEKS are then
 * listed with verified = false; PKCS#12 opens only its unencrypted parts
 * (passwordless files entirely).  A wrong password fails.  Keys are not
 * decrypted: see keystore_recover_key.
 */
int	 keystore_load(const char *path, const struct secret *pass, int flags,
	     struct keystore **, char **cause);
/* The same from memory; name is used in messages (and may be NULL). */
int	 keystore_load_mem(const unsigned char *, size_t, const char *name,
	     const struct secret *pass, int flags, struct keystore **,
	     char **cause);
struct keystore	*keystore_new(enum ks_format);
void	 keystore_free(struct keystore *);

/* Entry lookup, case-insensitive as Java does.  NULL when absent. */
struct ks_entry	*keystore_find(const struct keystore *, const char *alias);
/* Sort entries by alias (keytool's listing order). */
void	 keystore_sort(struct keystore *);
struct ks_entry	*ks_entry_new(const char *alias, enum ks_etype);
void	 ks_entry_free(struct ks_entry *);
/* Append; the keystore takes ownership. */
void	 keystore_add(struct keystore *, struct ks_entry *);
/* Remove and free entry i. */
void	 keystore_remove(struct keystore *, size_t i);
/* Add a certificate to an entry's chain (ownership taken). */
void	 ks_entry_add_cert(struct ks_entry *, struct cert *);

/*
 * Recover the private key of a key entry into e->pkey with keypass (NULL:
 * store pass).  Fails with "wrong key password" style messages.
 */
int	 keystore_recover_key(const struct keystore *, struct ks_entry *,
	     const struct secret *keypass, char **cause);

/*
 * Serialize to memory in ks->format (JKS or PKCS12; JCEKS and certificate
 * files are read-only and fail with a message that offers PKCS#12).
 */
int	 keystore_serialize(const struct keystore *, const struct secret *pass,
	     unsigned char **out, size_t *outlen, char **cause);

/* jks.c: JKS and JCEKS (untrusted input, bounds-checked). */
int	 jks_load(const unsigned char *, size_t, const struct secret *pass,
	     int flags, struct keystore *, char **cause);
int	 jks_recover_key(const struct keystore *, struct ks_entry *,
	     const struct secret *keypass, char **cause);
int	 jks_write(const struct keystore *, const struct secret *pass,
	     unsigned char **out, size_t *outlen, char **cause);
/* Sun JDK key protector: protect PKCS#8 DER with pass -> EncryptedPKI DER */
int	 jks_protect_key(struct evp_pkey_st *, const struct secret *pass,
	     unsigned char **out, size_t *outlen, char **cause);

/* pkcs12.c: Java-flavoured PKCS#12 through OpenSSL 3. */
int	 pkcs12_load(const unsigned char *, size_t, const struct secret *pass,
	     int flags, struct keystore *, char **cause);
int	 pkcs12_recover_key(const struct keystore *, struct ks_entry *,
	     const struct secret *pass, char **cause);
int	 pkcs12_write(const struct keystore *, const struct secret *pass,
	     unsigned char **out, size_t *outlen, char **cause);
/* Defaults for a new file: PBES2/AES-256/10000, SHA-256 MAC 10000. */
void	 pkcs12_params_default(struct ks_p12_params *, bool passwordless);

/* pem.c: certificate files (PEM bundle, DER, PKCS#7) and PEM keys. */
int	 certfile_load(const unsigned char *, size_t, struct keystore *,
	     char **cause);
/* Read certificates from a file in any of those forms: *certs malloc'd. */
int	 certs_read_file(const char *path, struct cert ***certs, size_t *n,
	     char **cause);
int	 certs_read_mem(const unsigned char *, size_t, const char *name,
	     struct cert ***certs, size_t *n, char **cause);
void	 certs_free(struct cert **, size_t);

/* ------------------------------------------------------------------ */
/* fileio.c: bounded reads */

#define FILE_MAX_SIZE	(256UL * 1024 * 1024)
/* Read a whole regular file (refuses directories, > FILE_MAX_SIZE). */
int	 file_read(const char *path, unsigned char **buf, size_t *len,
	     char **cause);

#endif /* TLSDECK_CORE_H */

/* SPDX-License-Identifier: ISC */
/*
 * core.h -- the tlsdeck core: keystores, certificates, files, the server
 * model and the audit.  No curses, never prints.  Included by cli/ and tui/,
 * so it names no OpenSSL or libcyaml type: OpenSSL objects appear only as
 * forward-declared struct pointers.
 *
 * Conventions:
 *  - int functions return 0 on success, -1 on failure; on failure, if cause
 *    is not NULL, *cause is set to a malloc'd one-line message the caller
 *    frees.  Messages about a file start with "PATH: ".
 *  - A char * result belongs to the caller; const char * is borrowed.
 *  - Containers own their elements; _free functions are NULL-safe.
 *
 * Contents, in the order of the sections below, each with its group
 * (docs/architecture.md, core/ in four groups).  What is marked [core] is
 * internal to core/ and its tests: cli/ and tui/ never call it, they use
 * the keystore model, the server model and the steps.
 *
 *   cause.c, xmalloc.c   errors, allocation              infrastructure
 *   arena.c [core]       a bump allocator                infrastructure
 *   secret.c             passwords                       infrastructure
 *   der.c, cert.c        certificates (der_cert_walk,    formats and crypto
 *                        cert_new_ref [core])
 *   keystore.c           the keystore model, sniffing    formats and crypto
 *     kslist.c           listing without keeping         formats and crypto
 *     jks.c, pkcs12.c    the codecs [core]               formats and crypto
 *     pem.c              certificate files, PEM keys     formats and crypto
 *   termesc.c            untrusted text for terminals    infrastructure
 *   fileio.c             the ownership rule, bounded     infrastructure
 *                        reads
 *   props.c              application.properties          server model
 *   model.c              the server model's types        server model
 *   server.c             discovery and loading           server model
 *                        (server_port_* [core])
 *   jre.c                JREs and their cacerts          server model
 *   audit.c              the checks (audit_add,          server model
 *                        audit_run [core])
 *   config.c             config.yaml                     infrastructure
 *   safewrite.c          replacing a file (sw_* [core])  infrastructure
 *     backup.c           backups, history, restore       infrastructure
 *     txn.c              several files changed as one    infrastructure
 *   theme.c              colour themes                   infrastructure
 *   path.c               path names                      infrastructure
 *   keygen.c, csr.c      names, SANs, keys, requests     formats and crypto
 *   chain.c              chains, CA replies              formats and crypto
 *   step.c               ks_txn [core], step results     steps
 *   step-genkey.c, step-csr.c, step-import.c,
 *   step-export.c        the keystore steps              steps
 *   step-trust.c,
 *   step-manage.c        trust, delete, rename, passwd   steps
 *   step-settings.c      application.properties edits    steps
 *   demo.c, demo-model.c the demo tree, the demo model   server model
 *   probe.c              what the port serves            server model
 *   scan.c               every server and keystore under server model
 *                        some directories (tlsdeck scan)
 *   report.c             hosts' status reports read back server model
 *                        (tlsdeck fleet)
 *   yamlerr.c [core]     libcyaml diagnostics            infrastructure
 *   jws.c, acme*.c       the ACME client (docs/acme.md)  steps
 */
#ifndef TLSDECK_CORE_H
#define TLSDECK_CORE_H

#include <sys/types.h>
#include <sys/stat.h>

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct x509_st;
struct evp_pkey_st;

#define TLSDECK_NAME	"tlsdeck"
#define SECS_PER_DAY	86400	/* UTC days: no leap seconds (X.509, POSIX) */

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
/* A value for a message or a backup description: s itself when it fits
 * in buf (size bytes, at least 32), else its first bytes (whole UTF-8
 * characters), "..." and its length, written to buf.  An alias may be
 * 65,535 bytes (JKS): never a line of 64 kB. */
const char *cause_short(const char *s, char *buf, size_t size);
#define CAUSE_SHORT	96	/* buffer size for a value in a message */

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

/* arena.c: a bump allocator, freed all at once (a loaded keystore's
 * entries and certificates: see struct keystore). */
struct arena;
struct arena	*arena_new(size_t hint);	/* hint: bytes expected */
void		*arena_alloc(struct arena *, size_t);	/* never NULL */
void		*arena_calloc(struct arena *, size_t);
char		*arena_strndup(struct arena *, const char *, size_t);
void		 arena_reset(struct arena *);	/* all gone, memory kept */
void		 arena_free(struct arena *);

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
/* RLIMIT_CORE 0 and PR_SET_DUMPABLE 0 for the whole process: the first
 * call in main, before any secret is read. */
int		 secret_process_harden(char **cause);
/* Does a setting of that name hold a secret (password, passphrase, secret,
 * token, credential, apikey, ... in any server kind's spelling)?  The one
 * rule for masking values in diffs, plans, JSON and on screen. */
bool		 secret_key_name(const char *key);

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
	char		*issuer;	/* may be subject itself (a root):
					   free with cert_info_done */
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

#define CERT_SHA256_LEN	32	/* bytes of a SHA-256 fingerprint */
#define CERT_SHA1_LEN	20	/* bytes of a SHA-1 fingerprint */

struct cert {
	unsigned char		*der;
	size_t			 len;
	bool			 der_borrowed;	/* der points into a keystore's
						   backing buffer (not owned) */
	bool			 packed;	/* the cert and its info strings
						   live in a keystore's arena */
	struct cert_info	 info;
	bool			 have_fp;
	unsigned char		 sha256[CERT_SHA256_LEN];
	unsigned char		 sha1[CERT_SHA1_LEN];
	struct x509_st		*x509;	/* decoded on demand, owned */
};

/* Copy der and walk it; NULL with *cause on a malformed certificate. */
struct cert	*cert_new(const unsigned char *der, size_t len, char **cause);
/* As cert_new, but der is borrowed: it must outlive the cert (keystore
 * backing buffers; use ks_cert_new in codecs). */
struct cert	*cert_new_ref(const unsigned char *der, size_t len,
		     char **cause);
/* As cert_new_ref, with the cert and its strings in arena a. */
struct cert	*cert_new_packed(struct arena *a, const unsigned char *der,
		     size_t len, char **cause);
/* Take an X509 (up-referenced, the caller keeps its own reference). */
struct cert	*cert_from_x509(struct x509_st *, char **cause);
struct cert	*cert_dup(const struct cert *);
void		 cert_free(struct cert *);
/* Fingerprints (CERT_SHA256_LEN, CERT_SHA1_LEN bytes), computed on first
 * call. */
const unsigned char *cert_sha256(struct cert *);
const unsigned char *cert_sha1(struct cert *);
/* Both fingerprints of n certificates (none twice in v), two threads when
 * there are many (a listing computes them all first). */
void		 cert_fp_all(struct cert *const *v, size_t n);
/* The same certificate: the same DER bytes (so the same fingerprints). */
bool		 cert_equal(const struct cert *, const struct cert *);
/* Upper-case colon-separated hex ("AB:CD:..."), malloc'd. */
char		*cert_fp_hex(const unsigned char *, size_t);
/* Full OpenSSL decode, cached in cert->x509; NULL on failure. Borrowed. */
struct x509_st	*cert_x509(struct cert *, char **cause);
/* Days left at time now (negative once expired): the floor of seconds /
 * SECS_PER_DAY. */
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

/* The DER walker used by cert_new (exposed for tests and fuzzing).  With
 * der_cert_walk_in, the strings are allocated in arena a (then never give
 * ci to cert_info_done). */
int		 der_cert_walk(const unsigned char *der, size_t len,
		     struct cert_info *, char **cause);
int		 der_cert_walk_in(struct arena *a, const unsigned char *der,
		     size_t len, struct cert_info *, char **cause);
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
#define KS_EF_PACKED		0x08	/* the entry lives in its keystore's
					   arena (ks_entry_free knows) */
#define KS_EF_CHAIN_PACKED	0x10	/* so does its chain array */

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
	struct secret	*secret;	/* SecretKeyEntry: the key's bytes once
					   recovered (keystore_recover_secret);
					   a writer protects them anew when
					   prot is NULL */
	/* The alias as the file stores it, when Java shows another one
	 * (alias): PKCS#12 lower-cases every alias when it loads it, and
	 * keeps a trusted entry's friendlyName as written.  NULL when the
	 * two are the same. */
	char		*stored_alias;
	size_t		 stored_alias_len;
};

/*
 * An entry Java does not load: a later entry of the same file has the
 * same alias and replaces it (JKS and JCEKS: the same string; PKCS#12:
 * the same lower-cased alias).  Kept aside so that it can be named.
 */
struct ks_ignored {
	struct ks_entry	*e;		/* owned */
	size_t		 pos;		/* its place in the file, 1-based
					   (JKS: entry N; PKCS#12: bag N) */
	size_t		 by_pos;	/* the place of the entry Java keeps */
};

/* The PKCS#12 profiles, as Java writes them (docs/formats.md, PKCS#12
 * profiles). */
enum ks_profile {
	KS_PROFILE_NONE = 0,	/* not PKCS#12 */
	KS_PROFILE_MODERN,	/* PBES2/AES-256, HmacPBESHA256: JDK 12+,
				   8u301+, 11.0.12+ */
	KS_PROFILE_LEGACY,	/* 3DES keys, RC2-40 certificates, SHA-1
				   MAC: every JRE */
	KS_PROFILE_PASSWORDLESS, /* no MAC, certificates in clear (JDK 18+
				   cacerts) */
	KS_PROFILE__MAX
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
	struct ks_ignored *ignored;	/* entries Java does not load (a later
					   one has the same alias) */
	size_t		 nignored;
	unsigned char	*backing;	/* the file's bytes when loaded with
					   keystore_load_owned: certificates
					   may point into it */
	size_t		 backing_len;
	struct arena	*arena;		/* with backing: the loaded entries
					   and certificates (packed) */
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
/*
 * As keystore_load_mem, taking ownership of buf (malloc'd): it becomes
 * ks->backing and certificates reference it instead of copying (freed with
 * the keystore, or at once on failure).
 */
int	 keystore_load_owned(unsigned char *buf, size_t len, const char *name,
	     const struct secret *pass, int flags, struct keystore **,
	     char **cause);
/* For codecs: cert_new_ref when der lies inside ks->backing, else cert_new. */
struct cert	*ks_cert_new(const struct keystore *, const unsigned char *der,
		     size_t len, char **cause);
struct keystore	*keystore_new(enum ks_format);
void	 keystore_free(struct keystore *);

/* Entry lookup, case-insensitive as Java does.  NULL when absent. */
struct ks_entry	*keystore_find(const struct keystore *, const char *alias);
/* Sort entries by alias (keytool's listing order). */
void	 keystore_sort(struct keystore *);
/* The order keystore_sort uses first: aliases compared as Java compares
 * them (ASCII case folded); 0 for two Java takes for one. */
int	 ks_alias_casecmp(const char *, size_t, const char *, size_t);
struct ks_entry	*ks_entry_new(const char *alias, enum ks_etype);
/* For codecs: an entry in ks->arena when there is one (alias malloc'd and
 * owned by the entry, may be NULL), else ks_entry_new. */
struct ks_entry	*ks_entry_new_in(struct keystore *, char *alias,
		     size_t alias_len, enum ks_etype);
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
 * Recover the key of a secret key entry into e->secret and its Java
 * algorithm name into e->secret_alg: JCEKS's sealed object (keypass; NULL:
 * the store password is not known here, so it fails), a PKCS#12 secret bag
 * (the store password).  Fails naming the entry on a wrong password or a
 * form that is not Java's.
 */
int	 keystore_recover_secret(const struct keystore *, struct ks_entry *,
	     const struct secret *keypass, char **cause);
/* The alias as stored in the file (stored_alias, else alias). */
const char *ks_entry_stored_alias(const struct ks_entry *, size_t *len);
/* Java's name for a secret key algorithm OID and back ("AES" and
 * 2.16.840.1.101.3.4.1); NULL when Java has none. */
const char *ks_secret_alg_name(const char *oid);
const char *ks_secret_alg_oid(const char *name);

/*
 * The PKCS#12 profile of a keystore: KS_PROFILE_NONE for other formats;
 * passwordless (no MAC, certificates in clear); legacy when every
 * algorithm is one JREs before 8u301 and 11.0.12 read (PBES1, SHA-1 MAC);
 * modern otherwise.
 */
enum ks_profile	 keystore_profile(const struct keystore *);
/* "modern", "legacy", "passwordless"; NULL for KS_PROFILE_NONE. */
const char	*ks_profile_name(enum ks_profile);
/* Parse a profile name; KS_PROFILE_NONE when unknown. */
enum ks_profile	 ks_profile_parse(const char *);
/* The profile of the PKCS#12 files a JRE reads (jre_reads_new_pkcs12):
 * legacy for an older JRE, else modern (also when unknown); in
 * step-convert.c. */
enum ks_profile	 ks_profile_for_jre(int major, int update);

/*
 * Serialize to memory in ks->format (JKS or PKCS12; JCEKS and certificate
 * files are read-only and fail with a message that offers PKCS#12).
 */
int	 keystore_serialize(const struct keystore *, const struct secret *pass,
	     unsigned char **out, size_t *outlen, char **cause);

/*
 * Listing without keeping the keystore (kslist.c): a JKS or JCEKS file is
 * read a piece at a time, its keyed digest computed as the pieces go by;
 * each entry is parsed, its certificates fingerprinted, its text written
 * by fn to a memory stream, and the entry dropped.  fn runs on up to two
 * threads at once (each with its own stream).  The texts come back in
 * keystore_sort's order.  -1 when a file is not listed this way: not a
 * regular JKS or JCEKS file, anything malformed, a digest that does not
 * match, an alias Java would lower-case or see twice.  Nothing says why:
 * keystore_load then loads the file, and says what is wrong, if anything.
 * ks_list_fd reads fd from where it is, chunk bytes at a time (0: the
 * default; tests use small ones).
 */
typedef void	(*ks_list_fn)(FILE *, struct ks_entry *, void *);
struct ks_list_text {
	const char	*s;
	size_t		 len;
};
struct ks_list {
	enum ks_format		 format;
	bool			 verified;	/* the keyed digest matched */
	size_t			 n;
	struct ks_list_text	*texts;		/* n, in listing order */
	void			*priv;
};
int	 ks_list_file(const char *path, const struct secret *pass,
	     ks_list_fn fn, void *arg, struct ks_list **);
int	 ks_list_fd(int fd, size_t chunk, const struct secret *pass,
	     ks_list_fn fn, void *arg, struct ks_list **);
void	 ks_list_free(struct ks_list *);

/* jks.c: JKS and JCEKS (untrusted input, bounds-checked). */
int	 jks_load(const unsigned char *, size_t, const struct secret *pass,
	     int flags, struct keystore *, char **cause);
int	 jks_recover_key(const struct keystore *, struct ks_entry *,
	     const struct secret *keypass, char **cause);
int	 jks_recover_secret(const struct keystore *, struct ks_entry *,
	     const struct secret *keypass, char **cause);
/* The key in a decrypted JCEKS sealed object (a serialized SecretKeySpec,
 * or a KeyRep of type SECRET and format RAW): 0 with *key and *alg
 * (malloc'd), -1 when it is not one (exposed for fuzzing). */
int	 jks_unsealed_key(const unsigned char *, size_t, struct secret **key,
	     char **alg);
int	 jks_write(const struct keystore *, const struct secret *pass,
	     unsigned char **out, size_t *outlen, char **cause);
/* Sun JDK key protector: protect PKCS#8 DER with pass -> EncryptedPKI DER */
int	 jks_protect_key(struct evp_pkey_st *, const struct secret *pass,
	     unsigned char **out, size_t *outlen, char **cause);
/*
 * A JKS or JCEKS file read piece by piece (kslist.c): the header (-1 when
 * jks_load would refuse it), where an entry ends (1 and *elen; 0: more
 * bytes needed; -1: malformed), entry n parsed as jks_load parses it (ks:
 * a scratch keystore, backing the piece), and the keyed digest's SHA-1
 * context, ready for the bytes before the last JKS_STREAM_DIGEST_LEN.
 */
#define JKS_STREAM_HEADER_LEN	12
#define JKS_STREAM_DIGEST_LEN	20
struct jks_stream {
	enum ks_format	 format;	/* KS_FMT_JKS or KS_FMT_JCEKS */
	uint32_t	 version;
	uint32_t	 count;
};
struct evp_md_ctx_st;
int	 jks_stream_header(const unsigned char *, size_t,
	     struct jks_stream *);
int	 jks_stream_skip(const struct jks_stream *, const unsigned char *,
	     size_t, size_t *elen);
int	 jks_stream_entry(const struct jks_stream *, uint32_t n,
	     const unsigned char *, size_t, struct keystore *,
	     struct ks_entry **, char **cause);
struct evp_md_ctx_st *jks_stream_digest(const struct secret *pass,
	     char **cause);

/* pkcs12.c: Java-flavoured PKCS#12 through OpenSSL 3. */
int	 pkcs12_load(const unsigned char *, size_t, const struct secret *pass,
	     int flags, struct keystore *, char **cause);
int	 pkcs12_recover_key(const struct keystore *, struct ks_entry *,
	     const struct secret *pass, char **cause);
int	 pkcs12_recover_secret(const struct keystore *, struct ks_entry *,
	     const struct secret *pass, char **cause);
int	 pkcs12_write(const struct keystore *, const struct secret *pass,
	     unsigned char **out, size_t *outlen, char **cause);
/* Defaults for a new file: PBES2/AES-256/10000, SHA-256 MAC 10000. */
void	 pkcs12_params_default(struct ks_p12_params *, bool passwordless);
/* The scheme of a profile, as keytool writes it (KS_PROFILE_NONE: the
 * defaults). */
void	 pkcs12_params_profile(struct ks_p12_params *, enum ks_profile);
/* The profile a scheme belongs to (see keystore_profile). */
enum ks_profile	 pkcs12_params_classify(const struct ks_p12_params *);
/*
 * The writing scheme.  pkcs12_write uses ks->p12 (the loaded file's scheme,
 * or the defaults); an algorithm this OpenSSL cannot run (e.g. RC2 without
 * the legacy provider) is replaced by the default.  pkcs12_write_params
 * fills the scheme the writer will use and returns true when it differs
 * from ks->p12 (so a caller can say so).  pkcs12_params_describe gives a
 * malloc'd one-line description.  pkcs12_legacy_available loads OpenSSL's
 * legacy provider if it can (once) and says whether it is there.
 */
bool	 pkcs12_write_params(const struct keystore *, struct ks_p12_params *);
char	*pkcs12_params_describe(const struct ks_p12_params *);
bool	 pkcs12_legacy_available(void);

/* pem.c: certificate files (PEM bundle, DER, PKCS#7) and PEM keys. */
int	 certfile_load(const unsigned char *, size_t, struct keystore *,
	     char **cause);
/* Read certificates from a file in any of those forms: *certs malloc'd. */
int	 certs_read_file(const char *path, struct cert ***certs, size_t *n,
	     char **cause);
int	 certs_read_mem(const unsigned char *, size_t, const char *name,
	     struct cert ***certs, size_t *n, char **cause);
void	 certs_free(struct cert **, size_t);

/* pem.c: keys.  A private key in PKCS#8 PEM (plain or encrypted),
 * traditional RSA/EC PEM (also legacy "Proc-Type: 4,ENCRYPTED") or DER
 * PKCS#8.  pass may be NULL for an unencrypted key; name is used in
 * messages.  *pkey is new, the caller frees it with EVP_PKEY_free. */
int	 pem_key_read_mem(const unsigned char *, size_t, const char *name,
	     const struct secret *pass, struct evp_pkey_st **, char **cause);
/* true when the key in the buffer is encrypted (needs a pass phrase). */
bool	 pem_key_needs_pass(const unsigned char *, size_t);

/* ------------------------------------------------------------------ */
/* termesc.c: the one escaper for text from a file, a certificate or the
 * network on its way to a terminal (the CLI's lines, the dashboard's
 * strings): C0, DEL, C1 (U+0080..U+009F) and bidirectional controls
 * become \uXXXX, bytes that are not UTF-8 \xNN (plain ASCII escapes).
 * Backslashes are kept as they are, so escaping twice changes nothing. */

#define TERMESC_LINES	0x01	/* keep \n and \t: text of several lines */
#define TERMESC_ASCII	0x02	/* not a UTF-8 terminal: escape every
				   non-ASCII character as well */
/* s[0, len) escaped (s NULL: ""), malloc'd and NUL-terminated. */
char	*termesc(const char *s, size_t len, int flags);
char	*termesc_str(const char *s, int flags);
/* Would termesc change s[0, len)? */
bool	 termesc_needed(const char *s, size_t len, int flags);

/* ------------------------------------------------------------------ */
/* fileio.c: paths under the ownership rule, bounded reads, private
 * directories and locks (docs/security.md).
 *
 * file_resolve walks a path from "/" one component at a time, each
 * directory opened O_PATH | O_NOFOLLOW relative to the one before.  A
 * symbolic link is followed only when root, the user running tlsdeck or
 * the owner of its target made it, and no one else can write a directory
 * from "/" down to the link (a sticky one counts as safe where the entry
 * passed through is one of theirs); otherwise it fails with one line
 * naming the link, its owner and what it points to.  The caller opens
 * at->base relative to at->dirfd with O_NOFOLLOW: nothing can swap a
 * component between the check and the use. */

#define FILE_MAX_SIZE	(256UL * 1024 * 1024)

#define FILE_AT_CREATE	0x01	/* the last component may be missing */
#define FILE_AT_PROC	0x02	/* a /proc link last (/dev/stdin) is opened
				   by the kernel: reads only */
#define FILE_AT_MKDIR	0x04	/* create missing directories (0700) */
#define FILE_AT_PRIVATE	0x08	/* every directory on the way is root's or
				   the user's, writable by no one else */

struct file_at {
	int		 dirfd;		/* the last directory (O_RDONLY, or
					   O_PATH when it is not readable) */
	char		*dir;		/* its path, links resolved */
	char		*base;		/* the last component */
	char		*real;		/* dir/base */
	bool		 exists;
	bool		 proc;		/* FILE_AT_PROC: open it following */
	struct stat	 st;		/* lstat of real when it exists */
};

int	 file_resolve(const char *path, int flags, struct file_at *,
	     char **cause);
void	 file_at_free(struct file_at *);
/*
 * The largest configuration document a reader accepts (properties now; the
 * YAML, XML and ini readers use it too), far above any real one: a
 * typical application.properties is a few kB.  A larger document is
 * refused with one line instead of being processed (docs/formats.md).
 */
#define CONFIG_MAX_SIZE	(16UL * 1024 * 1024)
/* Read a whole file (regular, FIFO or device) resolved by file_resolve
 * and opened O_NOFOLLOW; refuses directories and > FILE_MAX_SIZE.
 * NUL-terminated.  On failure errno says why (ENOENT: missing). */
int	 file_read(const char *path, unsigned char **buf, size_t *len,
	     char **cause);
/* Read name in the open directory dirfd with O_NOFOLLOW (path names it
 * in messages). */
int	 file_read_at(int dirfd, const char *name, const char *path,
	     unsigned char **buf, size_t *len, char **cause);
/* "name (uid N)" or "uid N" into buf, for messages. */
void	 file_who(uid_t, char *buf, size_t len);
/* tlsdeck's private state directory (not created): $TLSDECK_STATE_DIR,
 * else /var/lib/tlsdeck as root, else ${XDG_STATE_HOME:-~/.local/state}/
 * tlsdeck.  Locks live in its "locks" directory. */
int	 state_dir(char **dir, char **cause);
/* Open directory path (what names it in messages), creating it and its
 * parents 0700: it must be the user's, not writable by group or others
 * (closed to readers too when it is not), under directories that are
 * root's or the user's and writable by no one else.  Nothing is ever
 * chmod'ed that someone else could write.  *real (may be NULL) gets its
 * resolved path. */
int	 file_private_dir(const char *path, const char *what, int *fd,
	     char **real, char **cause);
/*
 * Lock the directory dirfd (dir, what: for messages) against other
 * writers run by the same user: an flock(2) on $STATE/locks/DEV-INO.lock,
 * keyed by the directory's device and inode, so it covers files that do
 * not exist yet and survives renames, and only the user can create it.
 * Waits SW_LOCK_WAIT_MS ($TLSDECK_LOCK_WAIT_MS); the message names the
 * holder's pid.  file_unlock removes the lock file.
 */
struct file_lock;
int	 file_lock(int dirfd, const char *dir, const char *what,
	     struct file_lock **, char **cause);
/* file_lock for the files of a transaction (txn.c): a directory this
 * process locked through it is shared, counted (file_unlock once each);
 * file_lock too reuses such a lock (this process holds it). */
int	 file_lock_share(int dirfd, const char *dir, const char *what,
	     struct file_lock **, char **cause);
void	 file_unlock(struct file_lock *);
/* Process-wide, once at start: ignore SIGXFSZ, so a write over
 * RLIMIT_FSIZE fails with EFBIG (one line, temp files removed). */
void	 file_signals_init(void);
/* jar.c: the bytes of entry name of a jar (ZIP) file, stored or
 * deflated, at most max of them (NUL-terminated, *len without it); one
 * line naming the jar on anything else (ZIP64, encryption, damage). */
int	 jar_read(const char *path, const char *name, size_t max,
	     unsigned char **out, size_t *len, char **cause);
int	 jar_read_mem(const unsigned char *, size_t, const char *jar,
	     const char *name, size_t max, unsigned char **out, size_t *len,
	     char **cause);

/* ------------------------------------------------------------------ */
/* props.c: application.properties (docs/formats.md, The .properties grammar).
 *
 * Read exactly as java.util.Properties.load(InputStream) reads it
 * (ISO-8859-1, escapes, continuation lines, comments, CR/LF/CRLF); every
 * byte is kept, so an unedited document serializes to its input byte for
 * byte.  An edit rewrites only the logical lines it touches and is checked
 * by parsing the result again: a failed edit changes nothing.  Entry
 * pointers are valid until the next edit or props_free. */

struct props;

struct prop_entry {
	char		*key;		/* what Java reads, as UTF-8 (lone
					   surrogates as 3-byte sequences);
					   may hold NUL: see key_len */
	size_t		 key_len;
	char		*value;		/* the same for the value */
	size_t		 value_len;
	char		*raw_value;	/* the value as written: continuations
					   joined, escapes NOT applied, each
					   byte taken as ISO-8859-1 (UTF-8) */
	char		*canon;		/* props_canon_key(key) */
	int		 line;		/* first physical line (1-based) */
	int		 last_line;	/* last physical line */
	size_t		 off;		/* raw bytes of the logical line(s), */
	size_t		 len;		/* line ends included */
	bool		 nonascii;	/* bytes >= 0x80 in those bytes */
};

/* Parse (name is used in messages and may be NULL).  Fails where Java
 * throws: a malformed \uxxxx escape ("NAME: line N: ..."); and on a
 * document larger than CONFIG_MAX_SIZE.  The document is indexed by
 * exact and relaxed key as it is parsed: every lookup below is a hash
 * probe, and the whole parse is linear in the input. */
int		 props_parse(const unsigned char *, size_t, const char *name,
		     struct props **, char **cause);
int		 props_load(const char *path, struct props **, char **cause);
void		 props_free(struct props *);
/* The document's bytes (malloc'd; byte-exact when unedited). */
void		 props_serialize(const struct props *, unsigned char **out,
		     size_t *len);
const char	*props_name(const struct props *);
/* Entries in file order (duplicates included). */
size_t		 props_count(const struct props *);
const struct prop_entry *props_entry(const struct props *, size_t);
/* Value of the last entry whose key is exactly key (Java: last wins). */
const char	*props_get(const struct props *, const char *key);
/* Every entry matching key in Spring's relaxed form (key-store, keyStore,
 * key_store, KEY-STORE), in file order; *list malloc'd (NULL if none). */
size_t		 props_find_all(const struct props *, const char *key,
		     const struct prop_entry ***list);
/* Relaxed form: ASCII lower-case, '-' and '_' dropped.  Malloc'd. */
char		*props_canon_key(const char *key);
/* How many entries share entry i's relaxed key (1: no other); *first (may
 * be NULL) says whether i is the first of them in the file.  O(1). */
size_t		 props_same(const struct props *, size_t i, bool *first);
/*
 * Set key to value (UTF-8; written ASCII-only with escapes so Java reads
 * back exactly value).  The last entry matching key (relaxed) is rewritten
 * in place, keeping its indentation, separator and line end (and its key as
 * written when it is exactly key; another spelling becomes key); otherwise
 * a line is inserted after the last key sharing the longest dotted prefix,
 * or at the end, with the file's dominant line end.
 */
int		 props_set(struct props *, const char *key, const char *value,
		     char **cause);
/* Remove every entry matching key (relaxed); *removed may be NULL. */
int		 props_unset(struct props *, const char *key, size_t *removed,
		     char **cause);
/* Remove all but the last entry matching key (relaxed). */
int		 props_dedup(struct props *, const char *key, size_t *removed,
		     char **cause);
/* props_dedup for every relaxed key at once, in one rewrite; only
 * property names are taken (props_plain_key: keys empty, holding NUL or
 * other text Java happens to read as a key, such as "<x" in an XML file,
 * are left alone); *removed may be NULL. */
/* Is the entry's key a property name: letters, digits and "._-[]/@$",
 * starting with a letter, digit or '_'? */
bool		 props_plain_key(const struct prop_entry *);
int		 props_dedup_all(struct props *, size_t *removed,
		     char **cause);

/* props_resolve flags */
#define PROPS_RES_NOENV	0x01	/* do not look in the environment */
/*
 * Resolve ${name} and ${name:default} placeholders as Spring Boot does
 * (docs/formats.md, Placeholders): nested, the environment first (NAME,
 * then Spring's NAME_FORM: upper-case, '.' -> '_', '-' dropped or '-' ->
 * '_'), then this file; found values are resolved again.  An unresolvable
 * placeholder stays as written and sets *unresolved (may be NULL).  A
 * cycle fails with "circular placeholder reference: a -> b -> a"; so do
 * runaway nesting and expansion.
 */
int		 props_resolve(const struct props *, const char *value,
		     int flags, char **out, bool *unresolved, char **cause);
/* A lookup for props_resolve_with: the value of name (NUL-terminated),
 * *vlen its length, or NULL when nothing defines it. */
typedef const char *(*props_lookup_fn)(void *arg, const char *name,
		     size_t *vlen);
/* props_resolve with the names looked up by fn instead of p's entries
 * (p, which may be NULL, only names the document in messages). */
int		 props_resolve_with(const struct props *, props_lookup_fn,
		     void *arg, const char *value, int flags, char **out,
		     bool *unresolved, char **cause);
/* Physical lines holding bytes >= 0x80 (Java reads them as ISO-8859-1);
 * *lines malloc'd, ascending. */
size_t		 props_nonascii_lines(const struct props *, int **lines);
/* Does the value as written hold "\c" with c a letter or digit (not a
 * \uxxxx escape)?  Java eats such backslashes: C:\ProgramData reads as
 * C:ProgramData, C:\temp\new holds a TAB and a newline.  Compare
 * raw_value with value to show it. */
bool		 props_eats_backslash(const struct prop_entry *);


/* ------------------------------------------------------------------ */
/* model.c, audit.c, server.c: the server model and findings.  The
 * dashboard draws only from these structs. */

enum sev {
	SEV_OK = 0,
	SEV_INFO,
	SEV_WARN,
	SEV_CRIT,
	SEV__MAX
};

struct key_material;

struct finding {
	char		*code;		/* stable, e.g. "cert-expiring" */
	enum sev	 sev;
	char		*file;		/* where: file (or NULL) */
	int		 line;		/* 0 when not a line */
	char		*alias;		/* or NULL */
	char		*message;	/* what is wrong */
	char		*fix;		/* what to do */
	int		 form;		/* enum form_kind that fixes it, or -1 */
	char		*key;		/* the property it concerns (its
					   settings row), or NULL */
	struct key_material *material;	/* the key material it concerns, or
					   NULL */
};

/* The forms that fix findings (the TUI maps each to a screen). */
enum form_kind {
	FORM_NONE = -1,
	FORM_GENKEY = 0,
	FORM_CSR,
	FORM_IMPORT_REPLY,
	FORM_IMPORT_CERT,
	FORM_IMPORT_PEM,
	FORM_SETTINGS,
	FORM_EXPORT,
	FORM_TRUST,
	FORM_CONVERT,
	FORM__MAX
};

/* ------------------------------------------------------------------ */
/* The model's sources and key materials (docs/server-model.md). */

struct yamldoc;
struct yamldoc_entry;
struct xmldoc;
struct inidoc;
struct cfg_hit;

/* Where a value comes from. */
enum cfg_src_type {
	CFG_SRC_FILE = 0,	/* a configuration file (or one document) */
	CFG_SRC_ENV,		/* the environment of a process */
	CFG_SRC_CMDLINE,	/* command-line arguments (--k=v) */
	CFG_SRC_SYSPROP,	/* Java system properties (-Dk=v) */
	CFG_SRC_JSON,		/* SPRING_APPLICATION_JSON */
	CFG_SRC_ASSUMED,	/* a value tlsdeck assumes (not the
				   server's: sharedDataPath) */
	CFG_SRC__MAX
};

/* The format of a configuration file. */
enum cfg_format {
	CFG_FMT_NONE = 0,	/* not a file */
	CFG_FMT_PROPERTIES,
	CFG_FMT_YAML,
	CFG_FMT_XML,
	CFG_FMT_INI,
	CFG_FMT__MAX
};

/* One value of a source that is not a file document. */
struct cfg_kv {
	char		*key;		/* dotted name: "server.ssl.key-alias";
					   the environment: as Spring maps it
					   ("server.ssl.key.alias") */
	char		*canon;		/* props_canon_key(key); environment:
					   cfg_env_canon(key) */
	char		*value;		/* wiped when freed */
	char		*name;		/* as written: the variable
					   (SERVER_SSL_KEY_ALIAS), the
					   argument (--server.port=8443) */
};

/*
 * A source of settings.  Sources have a precedence: the highest that
 * sets a key wins, as the server resolves it.  A file source owns its
 * parsed document; the documents of one multi-document YAML file are one
 * source each (doc), the first owning the parse.
 */
struct cfg_source {
	enum cfg_src_type type;
	enum cfg_format	 format;
	char		*path;		/* file (absolute), or NULL */
	char		*label;		/* "conf/application.properties",
					   "environment of pid 4242" */
	int		 pid;		/* process sources: its pid */
	char		*profile;	/* profile-specific file: its profile,
					   or NULL */
	char		*on_profile;	/* a YAML document's activation
					   (spring.config.activate.on-profile),
					   or NULL */
	bool		 pending;	/* its activation is not decided yet:
					   cfg_get skips it */
	int		 doc;		/* YAML: document index, else -1 */
	int		 precedence;	/* higher wins */
	bool		 writable;	/* a file parsed as its own format:
					   configure may edit it */
	bool		 main;		/* the file --properties/--server
					   named (m->properties) */
	char		*error;		/* why it could not be parsed (then
					   not writable), or NULL */
	struct props	*props;		/* CFG_FMT_PROPERTIES */
	struct yamldoc	*yaml;		/* CFG_FMT_YAML */
	bool		 yaml_owner;	/* frees yaml */
	size_t		 yfirst;	/* YAML: this document's entries */
	size_t		 ycount;
	struct cfg_kv	*kv;		/* the other sources */
	size_t		 nkv;
	struct xmldoc	*xml;		/* CFG_FMT_XML (server.xml) */
	struct inidoc	*ini;		/* CFG_FMT_INI (Jetty start.ini) */
	/* A kind's own lookup, for a document whose keys are not names
	 * alone (server.xml: "certificateKeyAlias@8443/_default_/RSA"):
	 * as cfg_source_get, or NULL. */
	int		(*get)(const struct cfg_source *, const char *key,
			    struct cfg_hit *);
	void		*kpriv;		/* the kind's index of the document */
	void		(*kpriv_free)(void *);
};

/* One row of the SSL settings panel (and of JSON's settings). */
struct setting {
	char		*key;		/* e.g. "server.ssl.key-store" */
	char		*value;		/* as written (resolved), NULL if unset;
					   passwords are never stored here */
	bool		 secret;	/* a password: show masked */
	int		 line;		/* line in its source file, or 0 */
	enum sev	 sev;		/* result of its check */
	char		*check;		/* short check text: "found", "key" */
	char		*raw;		/* the value as written (placeholders
					   unresolved), NULL for secrets */
	int		 count;		/* entries for the key (relaxed) in its
					   source: >1 is a duplicate */
	char		*source;	/* where the value comes from:
					   "conf/application.properties:12",
					   "environment of pid 4242
					   (SERVER_SSL_KEY_ALIAS)"; NULL when
					   unset */
	const struct cfg_source *src;	/* the source that wins, or NULL */
	char		**overrides;	/* where the values that lost are
					   (labels as source) */
	size_t		 noverrides;
	struct key_material *material;	/* the key material the setting
					   configures, or NULL */
	char		*scope;		/* where in the file, when a name
					   occurs in several places: "connector
					   8443, host _default_, type RSA"; or
					   NULL */
};

/* The role of a key material. */
enum km_role {
	KM_ROLE_SERVER = 0,	/* what the HTTPS connector serves */
	KM_ROLE_SNI,		/* a certificate chosen by host name */
	KM_ROLE_CLIENT_TRUST,	/* trusted for client authentication */
	KM_ROLE_QUEUE,		/* TLS to the message broker (IM) */
	KM_ROLE_ENCRYPTION,	/* decrypts stored values (IM): never
				   renewed */
	KM_ROLE__MAX
};

/* Where a key material is. */
enum km_where {
	KM_NONE = 0,		/* not configured */
	KM_KEYSTORE,		/* a keystore file (path) */
	KM_PEM,			/* PEM files: cert_path, key_path */
	KM_PEM_INLINE,		/* PEM text inside a setting */
	KM_CLASSPATH		/* a resource inside the application:
				   read-only, not opened */
};

/* The native names of the settings that configure a material (NULL: the
 * kind has none), for messages, rows and edits. */
struct km_keys {
	char		*store;		/* server.ssl.key-store */
	char		*storepass;
	char		*type;
	char		*alias;
	char		*keypass;
	char		*cert;		/* PEM: server.ssl.certificate */
	char		*key;		/* PEM: its private key */
};

/* One key material of the server: what every panel, finding, step and
 * JSON object works on. */
struct key_material {
	enum km_role	 role;
	char		*name;		/* bundle, host name, or NULL */
	enum km_where	 where;
	char		*path;		/* resolved keystore file; PEM: the
					   certificate file */
	char		*raw;		/* the location as written */
	char		*how;		/* how the path was resolved (relative
					   paths, file:, classpath:) */
	char		*cert_path;	/* PEM: certificate (and chain) */
	char		*key_path;	/* PEM: private key */
	char		*inline_cert;	/* PEM text given in the setting */
	struct secret	*inline_key;	/* the same for the key (never
					   shown) */
	char		*declared_type;	/* the type setting, or NULL */
	char		*alias;		/* key alias: the setting, else the
					   only key entry's */
	struct km_keys	 keys;
	char		**configured_by; /* the settings that chose it, as
					   set (native names) */
	size_t		 nconfigured_by;
	struct secret	*storepass;	/* never shown; NULL when unset */
	struct secret	*keypass;
	bool		 opened;	/* the password opened it (verified) */
	/* loaded */
	struct keystore	*ks;		/* loaded (PEM: format PEM, one key
					   entry), or NULL */
	char		*ks_error;	/* why not */
	struct ks_entry	*key_entry;	/* the alias's key entry, or NULL */
	unsigned int	 mode;		/* the file's permission bits */
	int		 uid;		/* its owner, or -1 */
	int		 gid;
	/* the chain: completed from ks and the JRE's trust, leaf first
	 * (borrowed pointers; array owned) */
	struct cert	**chain;
	size_t		 nchain;
	bool		 chain_complete; /* ends at a self-signed certificate */
	size_t		 nsent;		/* how many of chain the key entry
					   holds (what is sent) */
	bool		 trusted;	/* its root is in the JRE's cacerts */
	char		*trusted_alias;	/* the cacerts alias anchoring it */
	char		*trust_note;
	/* use */
	bool		 renewable;	/* forms may renew or replace it */
	char		*not_renewable;	/* why not (one line), or NULL */
	char		**hosts;	/* host names it serves (SNI) */
	size_t		 nhosts;
	int		 port;		/* the port it serves, or 0 */
	bool		 reload_on_update; /* the server reloads it when the
					   files change */
	long		 quiet_period_ms; /* ... after this quiet period */
	char		*reload_how;	/* what reloads it ("Jetty's
					   ssl-reload module"), or NULL */
	char		*chain_path;	/* PEM: a separate chain file, or
					   NULL */
	/* The server picks the key entry by the name the client sends
	 * (SNI), among every key entry of the keystore (Jetty): each
	 * entry with the names it serves. */
	bool		 by_sni;
	struct km_entry_hosts *entry_hosts;
	size_t		 nentry_hosts;
};

/* A key entry of a by_sni material and the names it serves (from its
 * certificate's SANs, else its CN). */
struct km_entry_hosts {
	struct ks_entry	*entry;		/* borrowed from the material's ks */
	char		**hosts;	/* "a.example", "*.example", "10.0.0.1" */
	size_t		 nhosts;
};

/* The JRE the server runs on. */
struct jre_info {
	char		*home;		/* JAVA_HOME-like directory */
	char		*how;		/* how it was found */
	char		*version;	/* from the release file, or NULL */
	int		 major;		/* 17, 25, ... or 0 */
	char		*cacerts;	/* path as found */
	char		*cacerts_real;	/* symlink resolved */
	bool		 cacerts_symlink;
	bool		 cacerts_distro; /* managed by ca-certificates-java */
	bool		 jssecacerts;	/* lib/security/jssecacerts exists */
	struct keystore	*trust;		/* loaded cacerts, or NULL */
	char		*trust_error;	/* why it could not be loaded */
	int		 update;	/* 8u292 -> 292, 11.0.12 -> 12, or 0 */
	char		*trust_pass_how; /* what opened it: "no password",
					   "changeit", "/etc/default/cacerts"
					   (storepass), or NULL */
	bool		 trust_verified; /* integrity checked with it */
	char		*jssecacerts_path; /* when jssecacerts exists: the JVM
					   trusts it INSTEAD of cacerts, and
					   trust is loaded from it */
};

/* One certificate the audit looked at (the Expiry panel's rows). */
struct cert_ref {
	struct cert	*cert;		/* borrowed from ks or jre.trust */
	char		*file;		/* the store holding it */
	char		*alias;		/* its entry (printable UTF-8) */
	const char	*position;	/* "leaf", "intermediate", "root",
					   "trusted" (another entry) or
					   "anchor" (from cacerts) */
	bool		 served;	/* in the chain the server sends (or
					   its trust anchor) */
	long		 days_left;	/* at model->now */
	enum sev	 sev;		/* expiry severity (SEV_OK when fine) */
	struct key_material *material;	/* whose certificate, or NULL (an
					   anchor from cacerts) */
};

/* The running server, when one was found (/proc). */
struct server_proc {
	int		 pid;		/* 0: none found */
	int		 uid;		/* its real user and group */
	int		 gid;
	char		*cwd;		/* its working directory, or NULL */
	char		*exe;		/* its executable, or NULL */
	char		*unit;		/* its systemd unit (cgroup), or NULL */
	bool		 cmdline_read;	/* its arguments were read */
	bool		 environ_read;	/* its environment was readable */
	int		*groups;	/* its supplementary groups */
	size_t		 ngroups;
};

/* Who new files are for: the server's user (docs/server-model.md,
 * Writing back). */
struct server_owner {
	int		 uid;		/* -1: unknown (tlsdeck's own) */
	int		 gid;
	unsigned int	 mode;		/* 0640, or 0600 when the server runs
					   as tlsdeck's own user */
	const char	*how;		/* "the running server (pid N)", ... */
	char		*how_buf;	/* (owned storage of how) */
};

struct server_kind;

struct server_model {
	const struct server_kind *kind;	/* "spring", ...; NULL when no
					   server was read (a keystore
					   opened alone) */
	char		*properties;	/* the main configuration file (what
					   --properties or --server named) */
	char		*how;		/* how it was found */
	char		*shared_data_path;
	char		*install_path;
	int		 port;		/* server.port (SERVER_DEFAULT_PORT
					   if unset) */
	char		*base_url;	/* im.base-url, resolved */
	struct setting	**settings;
	size_t		 nsettings;
	struct jre_info	 jre;
	struct finding	**findings;	/* sorted: most severe first */
	size_t		 nfindings;
	int		 warn_days;	/* thresholds used */
	int		 crit_days;
	time_t		 now;
	bool		 ssl;		/* HTTPS configured (key material set,
					   not server.ssl.enabled=false) */
	int		 listening;	/* server.port has a LISTEN socket: 1,
					   0, or -1 when not checked */
	int		 warn_percent;	/* of lifetime left; 0: off */
	int		 crit_percent;
	struct cert_ref	*certs;		/* every certificate audited, sorted
					   by days left */
	size_t		 ncerts;
	/* the sources, highest precedence first */
	struct cfg_source **sources;
	size_t		 nsources;
	/* every key material; served is the one the HTTPS connector
	 * serves (never NULL: where is KM_NONE when nothing is
	 * configured) */
	struct key_material **materials;
	size_t		 nmaterials;
	struct key_material *served;
	struct server_proc proc;	/* the running server: the process
					   owning the port (pid 0: none) */
	struct server_owner owner;	/* who new files are for */
	char		**profiles;	/* the active profiles, in order */
	size_t		 nprofiles;
	char		*base;		/* the server's own directory
					   (CATALINA_BASE, jetty.base), or
					   NULL */
	char		*home;		/* its installation (CATALINA_HOME,
					   jetty.home), or NULL */
	char		*version;	/* the server's version ("10.1.60"),
					   or NULL */
};

/* Severity names: "ok", "info", "warning", "critical". */
const char	*sev_name(enum sev);

/* model.c: constructors for the model (all strings copied). */
struct finding	*finding_add(struct server_model *, const char *code,
		     enum sev, const char *file, int line, const char *alias,
		     int form, const char *fix, const char *fmt, ...)
		     __attribute__((format(printf, 9, 10)));
struct setting	*setting_add(struct server_model *, const char *key,
		     const char *value, bool secret, int line);
void		 setting_check(struct setting *, enum sev, const char *check);
/* Sort findings, most severe first (stable within a severity). */
void		 findings_sort(struct server_model *);
/* The worst severity among the findings (SEV_OK when none). */
enum sev	 findings_worst(const struct server_model *);
/* An empty model at time now (0: time(NULL)): the default thresholds
 * (SERVER_WARN_DAYS, SERVER_CRIT_DAYS) and port (SERVER_DEFAULT_PORT),
 * listening not checked (-1), no kind (NULL), and its served material
 * (role server, nothing configured: where KM_NONE). */
struct server_model *server_model_new(time_t now);
void		 server_model_free(struct server_model *);
/* A new key material of role, appended to m->materials. */
struct key_material *key_material_add(struct server_model *, enum km_role);
void		 key_material_free(struct key_material *);
/* Append a setting name to mat->configured_by (once). */
void		 key_material_configured_by(struct key_material *,
		     const char *key);
/* The material a setting chose (in its configured_by, relaxed names),
 * or NULL. */
struct key_material *key_material_of_setting(const struct server_model *,
		     const char *key);
/*
 * The material at path that no form, wizard or command may change: the
 * encryption key (its key pair decrypts stored data), PEM files or text
 * (no keystore step writes them: step_renew_pem makes new files), a
 * classpath: resource; NULL when path
 * is none of those.  Its not_renewable says why.
 */
const struct key_material *key_material_locked(const struct server_model *,
		     const char *path);
/* The key material whose file path is (a keystore, a PEM certificate or
 * key; links resolved), or NULL. */
struct key_material *key_material_of_path(const struct server_model *,
		     const char *path);

/*
 * How a change reaches the server (docs/server-model.md, Reload): a
 * material whose files the server watches (Spring Boot's
 * reload-on-update, Jetty's ssl-reload) is served anew once the files
 * changed and stayed quiet for quiet_period_ms, without a restart; a
 * change of settings, or of any other material, needs a restart.
 */
#define KM_RELOAD_MARGIN_MS	2000	/* after the quiet period */
struct km_apply {
	bool		 restart;	/* a restart is needed */
	long		 wait_ms;	/* no restart: wait this long after
					   the last write before checking
					   what is served (quiet period and
					   a margin) */
	char		*line;		/* one line saying which */
};
/* The plan for a change of mat's files (and settings, when
 * settings_changed); mat NULL: the served one.  Free with
 * km_apply_free. */
void		 key_material_apply(const struct server_model *,
		     const struct key_material *mat, bool settings_changed,
		     struct km_apply *);
void		 km_apply_free(struct km_apply *);
/* Milliseconds still to wait before what is served can be checked: mat
 * reloads itself and one of its files changed less than the quiet
 * period and the margin ago (at now_ms, milliseconds since the epoch);
 * else 0. */
long		 key_material_settle_ms(const struct key_material *,
		     int64_t now_ms);

/*
 * Whom a new file at path is for: &m->owner (the server's user) when path
 * is the server's -- the configuration file or a key material's file, or
 * a file in the directory of one of those -- and that user is known;
 * else NULL (the safe-write path's own rules).
 */
const struct server_owner *server_owner_for(const struct server_model *,
		     const char *path);
/* "server", "sni", "client-trust", "queue", "encryption". */
const char	*km_role_name(enum km_role);
/* "none", "keystore", "pem", "pem-inline", "classpath". */
const char	*km_where_name(enum km_where);
/* A new source (strings copied), appended to m->sources; sort with
 * cfg_sources_sort once all are in. */
struct cfg_source *cfg_source_add(struct server_model *, enum cfg_src_type,
		     enum cfg_format, const char *path, const char *label,
		     int precedence);
void		 cfg_source_free(struct cfg_source *);
/* Take a source out of m->sources and free it (a YAML document that owns
 * its file's parse hands it to another document of the file). */
void		 cfg_source_remove(struct server_model *, struct cfg_source *);
/* Free the parsed documents of every source (paths, labels, formats and
 * the other fields stay): for a caller that has planned its edits and
 * is about to parse the files again, so that memory holds one document
 * at a time (docs/formats.md, "The properties reader"). */
void		 cfg_sources_release(struct server_model *);
/* Append a value to a source that is not a file document. */
struct cfg_kv	*cfg_kv_add(struct cfg_source *, const char *key,
		     const char *value, const char *name);
/* Sort m->sources, highest precedence first (stable). */
void		 cfg_sources_sort(struct server_model *);
/* "file", "environment", "command line", "system properties",
 * "SPRING_APPLICATION_JSON", "assumed". */
const char	*cfg_src_type_name(enum cfg_src_type);
/* "properties", "yaml", "xml", "ini", or "" (none). */
const char	*cfg_format_name(enum cfg_format);
/* The index of a material in m->materials, or -1. */
int		 key_material_index(const struct server_model *,
		     const struct key_material *);

/* source.c: what the sources say (docs/server-model.md, Sources and
 * settings). */
struct cfg_hit {
	const struct cfg_source	*src;	/* the source holding the value */
	const char	*key;		/* as written there */
	const char	*value;		/* what the server reads */
	size_t		 value_len;
	const char	*raw;		/* as written (escapes applied) */
	int		 line;		/* in a file, or 0 */
	const char	*name;		/* variable or argument, or NULL */
	int		 count;		/* entries for the key in src */
	const struct prop_entry *pe;	/* a properties file's entry */
	const struct yamldoc_entry *ye;	/* a YAML document's entry */
};
/* Relaxed form for environment names (SERVER_SSL_KEY_STORE and
 * server.ssl.key-store match); malloc'd. */
char		*cfg_env_canon(const char *key);
/* Does src set key (relaxed; its last entry wins)?  1 with *hit, or 0. */
int		 cfg_source_get(const struct cfg_source *, const char *key,
		     struct cfg_hit *);
/* The winning value of key among m->sources: 1 with *hit, or 0. */
int		 cfg_get(const struct server_model *, const char *key,
		     struct cfg_hit *);
/* The winning value of key as written (borrowed), or NULL. */
const char	*cfg_value(const struct server_model *, const char *key);
/* Where a finding about key points: the file and line of the source that
 * sets it (a source that is no file: its label, line 0); unset: the main
 * file (m->properties), line 0. */
void		 cfg_where(const struct server_model *, const char *key,
		     const char **file, int *line);
/* Where a value is: "conf/application.properties:12", "environment of
 * pid 4242 (SERVER_SSL_KEY_ALIAS)", "command line of pid 4242"
 * (malloc'd). */
char		*cfg_hit_where(const struct cfg_hit *);
/* The entries of a source, in its order. */
size_t		 cfg_source_count(const struct cfg_source *);
void		 cfg_source_entry(const struct cfg_source *, size_t,
		     struct cfg_hit *);
/*
 * Refuse what is plainly not a configuration file of the format want
 * (properties or YAML): binary data, UTF-16, XML, JSON, an INI file.
 * -1 with one line naming the file ("NAME: looks like XML (a Tomcat
 * server.xml?), ..."); 0 otherwise.
 */
int		 cfg_sniff(const unsigned char *, size_t, const char *name,
		     enum cfg_format want, char **cause);
/*
 * Where a change of key is written (docs/server-model.md, Writing back):
 * the file that sets it and wins; the main file when nothing sets it;
 * for a removal (unset) every file that sets it.  *targets malloc'd (the
 * sources, borrowed).  Refused (-1, *cause naming the source) when a
 * source that is no file wins -- the environment, command line, system
 * properties or SPRING_APPLICATION_JSON of the running server -- or when
 * the file could not be parsed as its own format.
 */
int		 cfg_plan(const struct server_model *, const char *key,
		     bool unset, const struct cfg_source ***targets,
		     size_t *ntargets, char **cause);
/* cfg_plan for several settings at once, grouped by the file that wins
 * for each (two sources of one file -- documents of one YAML file -- are
 * one group): props and their YAML documents per group, in order. */
struct step_prop;
struct cfg_plan_group {
	const struct cfg_source	*src;
	struct step_prop	*props;		/* copies (borrowed strings) */
	int			*docs;
	size_t			 n;
};
int		 cfg_plan_groups(const struct server_model *,
		     const struct step_prop *, size_t,
		     struct cfg_plan_group **, size_t *, char **cause);
void		 cfg_plan_groups_free(struct cfg_plan_group *, size_t);
/* The value key should get when the file it names moves from oldpath to
 * newpath: its value as written with the file name replaced (a relative
 * or "file:" form stays so), else newpath (malloc'd). */
char		*cfg_value_renamed(const struct server_model *, const char *key,
		     const char *oldpath, const char *newpath);
/* Resolve placeholders against the sources (as props_resolve). */
int		 cfg_resolve(const struct server_model *, const char *value,
		     char **out, bool *unresolved, char **cause);

/* ------------------------------------------------------------------ */
/* server.c: finding and loading the server model (docs/architecture.md,
 * The server model).  Read-only: nothing is written. */

#define SERVER_WARN_DAYS	30	/* default thresholds (days left) */
#define SERVER_CRIT_DAYS	14
#define SERVER_DEFAULT_PORT	8080	/* server.port when unset */
#define SERVER_VENDOR_PROPERTIES \
	"/etc/opt/actian/integration-manager/conf/application.properties"
#define SERVER_DISTRO_CACERTS	"/etc/ssl/certs/java/cacerts"
#define SERVER_DISTRO_DEFAULTS	"/etc/default/cacerts"

/* server_opts.flags */
#define SERVER_NO_LIVE		0x01	/* no look at the running server
					   (/proc: listening port, process) */
#define SERVER_SOURCES_ONLY	0x02	/* read the sources and stop: no
					   key material opened, no JRE, no
					   audit (configure) */

struct server_opts {
	const char	*properties;	/* --properties FILE */
	const char	*server;	/* --server DIR (the sharedDataPath) */
	const char	*jre;		/* --jre DIR */
	const char	*cacerts;	/* --cacerts FILE */
	int		 warn_days;	/* thresholds; see server_opts_init */
	int		 crit_days;
	int		 warn_percent;	/* of the lifetime left; 0: off */
	int		 crit_percent;
	time_t		 now;		/* 0: time(NULL) (tests set it) */
	int		 flags;		/* SERVER_* */
	const char	*proc;		/* procfs root, NULL for "/proc" */
};

/* Defaults: no paths, 30/14 days, no percentages, now, live checks. */
void	 server_opts_init(struct server_opts *);

/*
 * A server kind (docs/server-model.md, Kinds): one module, core/kind-*.c.
 * The rest of the core never asks which kind a server is.
 */
struct srvload;			/* server.c's loading state */
struct step_prop;
struct step_conf_plan;
struct srv_reload;
struct srv_reload_opts;
struct server_kind {
	const char	*name;		/* "spring" */
	const char	*title;		/* "Spring Boot" */
	/* Does DIR look like this kind?  1 with *file, its main
	 * configuration file, and *why (both malloc'd); 0 when not. */
	int		(*detect)(const char *dir, char **file, char **why);
	/* Read every source into the model: sources, key materials (to
	 * be opened by server.c), the kind's findings.  -1 only when the
	 * main file cannot be read at all. */
	int		(*load)(struct srvload *, char **cause);
	/* Once the materials are open and audited: the kind's own checks
	 * on them and the settings rows. */
	void		(*finish)(struct srvload *);
	/* Neutral names ("key-store", "key-alias", ...) to native ones,
	 * NULL-terminated pairs. */
	const char *const (*names)[2];
	/* The Java system property a running server names its directory
	 * with ("catalina.base"), NULL: its working directory. */
	const char	*base_prop;
	/* Where a package installs it, NULL-terminated (or NULL). */
	const char *const *places;
	/* The kind's JRE rules, after the running process: 1 with *home
	 * and *how (malloc'd), 0 when they name none.  May be NULL. */
	int		(*jre)(struct srvload *, char **home, char **how);
	/* How to restart the server: *lines (malloc'd) as
	 * step_restart_hint's, or none to leave it to the generic rules.
	 * May be NULL. */
	void		(*restart)(const struct server_model *, const char *proc,
			    char ***lines, size_t *n);
	/* Plan setting props[] (native or neutral names, NAME@SCOPE where
	 * a name occurs in several places) as edits of the kind's files;
	 * -1 with one line when it cannot.  NULL: the sources' files are
	 * properties or YAML (cfg_plan). */
	int		(*plan_set)(const struct server_model *,
			    const struct step_prop *, size_t,
			    struct step_conf_plan *, char **cause);
	/* Plan the fix of a finding (by code); -1 when there is none. */
	int		(*plan_fix)(const struct server_model *,
			    const char *code, struct step_conf_plan *,
			    char **cause);
	/* The kind's own way to make the server take mat's renewed files
	 * (reload.c): 1 with *r planned, 0 when it has none (the generic
	 * rules follow), -1 with one line.  May be NULL. */
	int		(*reload)(const struct server_model *,
			    const struct key_material *,
			    const struct srv_reload_opts *,
			    struct srv_reload *, char **cause);
	/* Without its key-password setting the server opens keys with a
	 * default of its own, not the store password (Jetty's "keypwd"):
	 * convert --server sets it to the store password instead of
	 * removing it. */
	bool		 keypass_default;
};
extern const struct server_kind server_kind_spring;
extern const struct server_kind server_kind_tomcat;
extern const struct server_kind server_kind_jetty;
/* The kinds, in detection order, NULL-terminated. */
extern const struct server_kind *const server_kinds[];
/* The native name of a neutral one ("key-alias" ->
 * "server.ssl.key-alias"), or name itself. */
const char *server_kind_native(const struct server_kind *, const char *name);
/*
 * Which application.properties: --properties, --server DIR
 * (DIR/conf/application.properties, else DIR/application.properties),
 * $TLSDECK_PROPERTIES, ./application.properties,
 * ./conf/application.properties, SERVER_VENDOR_PROPERTIES.  *how says
 * which ("--server DIR", "$TLSDECK_PROPERTIES", ...).  Fails when none
 * exists (an explicit path that is missing fails too).
 */
int	 server_find_properties(const struct server_opts *, char **path,
	     char **how, char **cause);
/*
 * Build the whole model: properties (resolved), keystore (opened with the
 * password written there; key recovered), JRE and its cacerts (no
 * password, then "changeit", then /etc/default/cacerts' storepass), the
 * served chain and its trust, the settings rows, then audit_run().  Fails
 * only when no properties file can be read; every other problem is a
 * finding.
 */
int	 server_model_load(const struct server_opts *, struct server_model **,
	     char **cause);
/* Is TCP port listening (LISTEN in PROC/net/tcp or tcp6)?  1, 0, or -1
 * when procfs cannot be read; *inode receives the socket's inode. */
int	 server_port_listening(const char *proc, int port,
	     unsigned long *inode);
/* The process holding socket inode (PROC/PID/fd), 0 if none is visible. */
int	 server_socket_pid(const char *proc, unsigned long inode);

/* ------------------------------------------------------------------ */
/* jre.c: Java runtimes and their cacerts -- the one JRE discovery and
 * cacerts opening, used by the model (server.c), trust (step-trust.c) and
 * jre_cacerts_find. */

/*
 * Open a cacerts-like truststore: no password (passwordless PKCS#12),
 * "changeit", then the storepass in /etc/default/cacerts; an unverified
 * listing as the last resort.  *how as jre_info.trust_pass_how (NULL when
 * unverified); *verified says whether integrity was checked.  *pass (may
 * be NULL) receives the password that worked, for writing.
 */
int	 cacerts_open(const char *path, struct keystore **, struct secret **pass,
	     char **how, bool *verified, char **cause);
/*
 * cacerts_open_with: what cacerts_open does, with choices.  A damaged
 * file fails before any password is tried.  Then: no password
 * (passwordless PKCS#12: *how "no password", *pass NULL); given (not
 * NULL) alone ("given"; a wrong one fails with the loader's message);
 * else "changeit", then the storepass of the defaults file (NULL:
 * SERVER_DISTRO_DEFAULTS; "FILE (storepass)").  A password counts only
 * when the integrity was checked with it.  When none opens it: the
 * unverified listing (*how NULL), or with CACERTS_WRITE a failure.
 * CACERTS_WRITE also refuses what cannot be written (JCEKS, certificate
 * files).  *need_pass (may be NULL): failed for want of the password.
 */
#define CACERTS_WRITE	0x01	/* a store to write to: JKS or PKCS#12,
				   opened with its password */
int	 cacerts_open_with(const char *path, const struct secret *given,
	     const char *defaults, int flags, struct keystore **,
	     struct secret **pass, char **how, bool *need_pass, char **cause);
/* The Java home of a java binary: its real path, named java, two levels
 * up (malloc'd), or NULL. */
char	*jre_home_of_java(const char *java);
/* The real path of the first executable java on $PATH, or NULL. */
char	*jre_java_on_path(void);
/* The cacerts under a Java home: lib/security/cacerts, else the JDK 8
 * jre/lib/security/cacerts (a link counts even when dangling), malloc'd;
 * NULL when neither is there. */
char	*jre_cacerts_under(const char *home);
/* lib/security/jssecacerts beside a cacerts path (the JVM trusts it
 * instead) when it exists, malloc'd; else NULL. */
char	*jre_jssecacerts(const char *cacerts);
/* Parse a release file's JAVA_VERSION ("1.8.0_292", "17.0.15"). */
bool	 jre_parse_version(const char *version, int *major, int *update);
/* Can this JRE read PKCS#12 files with PBES2/AES and SHA-256 MACs
 * (8u301+, 11.0.12+, 12+)?  1 yes, 0 no, -1 unknown version. */
int	 jre_reads_new_pkcs12(int major, int update);
/* The cacerts a command writes to without the server model. */
struct jre_cacerts {
	char	*path;		/* as found (may be a symlink) */
	char	*home;		/* the JRE directory, or NULL if unknown */
	char	*how;		/* "--cacerts", "--jre DIR", "$JAVA_HOME",
				   "java on $PATH (REAL)" */
	char	*jssecacerts;	/* lib/security/jssecacerts beside it (the
				   JVM trusts it instead), or NULL */
};
/*
 * --cacerts FILE (its home when it ends in lib/security/cacerts), --jre DIR
 * (DIR/lib/security/cacerts or DIR/jre/lib/security/cacerts), $JAVA_HOME,
 * then the java on $PATH: realpath, two levels up.
 */
int	 jre_cacerts_find(const char *jre, const char *cacerts,
	     struct jre_cacerts *, char **cause);
void	 jre_cacerts_done(struct jre_cacerts *);
/* "X/lib/security/cacerts" -> "X" (malloc'd), else NULL. */
char	*jre_home_of(const char *cacerts);
/* The storepass= of a Debian-style defaults file (NULL: the system's
 * SERVER_DISTRO_DEFAULTS), or NULL when it sets none. */
struct secret *jre_defaults_storepass(const char *file);
/*
 * The cacerts of the JRE the server runs on, as server_model_load found
 * it (m->jre: path as found, home); how names the way and the server
 * ("${sharedDataPath}/jre, the JRE of the server in PROPS").  Fails when
 * the model found no JRE, or a JRE without cacerts, saying so.
 */
int	 jre_cacerts_from_model(const struct server_model *,
	     struct jre_cacerts *, char **cause);

/* ------------------------------------------------------------------ */
/* audit.c: every finding.  Codes are stable; docs/findings.md lists them
 * (tests/check-findings.sh checks it against audit.c's table). */

/*
 * Add a finding (code from audit.c's table, which gives its form); key is
 * the property whose settings row shows it (or NULL).
 */
struct finding	*audit_add(struct server_model *, const char *code, enum sev,
		     const char *file, int line, const char *alias,
		     const char *key, const char *fix, const char *fmt, ...)
		     __attribute__((format(printf, 9, 10)));
/* The short check text for a code ("missing", "wrong"); "" if unknown. */
const char	*audit_code_label(const char *code);
/* The form that fixes a code, or FORM_NONE. */
int		 audit_code_form(const char *code);
/* Run every check over a loaded model (server_model_load calls it). */
void	 audit_run(struct server_model *);
/* Expiry severity of a certificate under the model's thresholds. */
enum sev audit_cert_sev(const struct server_model *, const struct cert *);
/*
 * Hook for probe: compare the chain a port served with the keystore's
 * key-alias certificate; adds "served-cert-differs" (critical: a restart
 * is pending, or another server answers) or nothing.  where: "host:port".
 */
void	 audit_served(struct server_model *, struct cert **served, size_t n,
	     const char *where);
/* The monitoring exit code: 0 OK, 1 WARNING, 2 CRITICAL. */
int	 audit_exit_code(const struct server_model *);
/* Host name from a URL ("https://h:443/x" -> "h"), port (-1 if none),
 * scheme; false when it is not a URL. */
bool	 audit_parse_url(const char *url, char **scheme, char **host,
	     int *port);
/* Does the certificate's SAN cover host (DNS with one-label wildcards,
 * or IP)? */
bool	 audit_san_matches(const struct cert *, const char *host);

/* ------------------------------------------------------------------ */
/* config.c: tlsdeck's own settings (YAML, libcyaml).  Files, later ones
 * overriding earlier ones key by key: /etc/tlsdeck/config.yaml, then
 * $XDG_CONFIG_HOME/tlsdeck/config.yaml (~/.config/...); --config FILE
 * replaces both (and must exist).  Unknown keys are errors:
 * "FILE: line L, column C: Unexpected key: K". */

#define CONFIG_SYSTEM_FILE	"/etc/tlsdeck/config.yaml"

struct tlsdeck_config {
	int		 warn_days;	/* -1 when not set */
	int		 crit_days;
	int		 warn_percent;
	int		 crit_percent;
	char		*theme;		/* or NULL */
	int		 no_color;	/* -1 not set, 0, 1 */
	int		 ascii;
	int		 mouse;
	char		*properties;	/* default --properties, or NULL */
	char		*server;
	char		*jre;
	char		*cacerts;
	char		*files;		/* the files read, ", "-separated, or
					   NULL when none */
};

/* Parse YAML from memory into c (keys present override c's values). */
int	 config_parse(const void *, size_t, const char *name,
	     struct tlsdeck_config *, char **cause);
/* Load the configuration: explicit (--config) or the default files. */
int	 config_load(const char *explicit_path, struct tlsdeck_config **,
	     char **cause);
void	 config_free(struct tlsdeck_config *);
/* Copy the thresholds and paths a config sets into opts (paths only
 * where opts has none). */
void	 config_apply(const struct tlsdeck_config *, struct server_opts *);

/* ------------------------------------------------------------------ */
/* safewrite.c / backup.c: the one way tlsdeck replaces a file
 * (docs/security.md).
 *
 * sw_open resolves the path under the ownership rule (file_resolve: the
 * target of a trusted link is replaced, never the link), takes the
 * directory's lock (file_lock; two files in one directory share it),
 * removes the user's stale ".tlsdeck-tmp-UID-*" files there (safe: a live
 * writer of this user would hold the lock), then opens the file with
 * O_NOFOLLOW, keeps it open and records dev, inode, size, mtime and
 * SHA-256.  A file with several hard links is refused (the rename would
 * split them).
 *
 * sw_replace (no backup): refuses if the file changed since it was read
 * (stat + hash); writes ".tlsdeck-tmp-UID-NAME.XXXXXX" in the same
 * directory (openat, O_EXCL | O_NOFOLLOW) with the owner and mode the
 * result must have, fsyncs, reads it back from disk and calls verify;
 * checks the name and the open file once more (two system calls) and
 * renames (renameat2 RENAME_NOREPLACE for a new file); then checks the
 * replaced file again: if another program wrote to it meanwhile, its
 * version is put back and the call fails naming the conflict; fsyncs the
 * directory.  On any failure the temporary file is removed and the
 * message names the file and what happened.
 *
 * sw_commit (backup.c): backup_create, then sw_replace; when the replace
 * fails, the backup's entry is removed again (no history for a change
 * that did not happen).
 *
 * Modes: an existing file keeps its owner and permission bits (never
 * setuid, setgid or sticky); a new one gets meta->mode (0600 when 0)
 * without those bits or world-write, and when root creates it in another
 * user's directory, that user's ownership.  With SW_PRIVATE (the content
 * holds a private key) the result has no bits for others, and none for
 * the group when the group is a general one (gid 100, "users").  Each
 * change of mode or crossing of users is said in sw_notes.
 *
 * With meta->owner (the server's user, uid >= 0) a NEW file is made for
 * that user instead: its owner and group, and its mode (0640, or 0600
 * when the server runs as tlsdeck's own user; SW_PRIVATE still applies).
 * Only root can give a file away: run as another user, tlsdeck keeps the
 * rules above (the file is its own, meta->mode) and says so in sw_notes.
 */
#define SW_CREATE	0x01	/* the file may not exist yet */
#define SW_NOBACKUP	0x02	/* no backup (the backup manifest itself) */
#define SW_SHARED	0x04	/* [core] a transaction's file: the
				   directory lock is file_lock_share's */
#define SW_LOCK_WAIT_MS	10000
#define SW_TMP_PREFIX	".tlsdeck-tmp-"

/* sw_meta.flags */
#define SW_PRIVATE	0x01	/* the result holds a private key */

struct sw_file;

/* What a change is, for the backup manifest.  Never put passwords here. */
struct sw_meta {
	const char	*command;	/* "trust", "restore", ... */
	const char	*description;	/* short, one line */
	unsigned int	 mode;		/* mode of a NEW file; 0 means 0600 */
	int		 flags;		/* SW_PRIVATE */
	const struct server_owner *owner; /* whom a NEW file is for (the
					   server's user), or NULL */
};

/* Called on the bytes read back from the temporary file; 0 to accept. */
typedef int (*sw_verify_fn)(const unsigned char *, size_t, void *arg,
	    char **cause);

int	 sw_open(const char *path, int flags, struct sw_file **,
	     char **cause);
/* sw_open for name in an open directory (dir names it in messages). */
int	 sw_openat(int dirfd, const char *dir, const char *name, int flags,
	     struct sw_file **, char **cause);
/* The bytes read by sw_open (or the last commit); NULL, 0 if new. */
void	 sw_content(const struct sw_file *, const unsigned char **,
	     size_t *);
bool	 sw_exists(const struct sw_file *);
/* The resolved path that is replaced (borrowed, valid until sw_close). */
const char *sw_path(const struct sw_file *);
/* The path as given to sw_open, for messages (borrowed). */
const char *sw_name(const struct sw_file *);
/* Lower-case hex SHA-256 of the current content (borrowed). */
const char *sw_sha256(const struct sw_file *);
/* Permission bits of the file as read (0 when new). */
unsigned int sw_mode(const struct sw_file *);
int	 sw_flags(const struct sw_file *);
/* Backup id made by the last successful sw_commit, 0 when none. */
unsigned int sw_backup_id(const struct sw_file *);
void	 sw_set_backup_id(struct sw_file *, unsigned int);
/* What the last replace said besides success: modes tightened, users
 * crossed (borrowed, valid until the next replace or sw_close). */
size_t	 sw_notes(const struct sw_file *, const char *const **);
/* After a failed sw_replace: another writer's version that could not be
 * put back (borrowed), or NULL. */
const unsigned char *sw_lost(const struct sw_file *, size_t *);
/* Replace the file with data, without a backup; verify may be NULL. */
int	 sw_replace(struct sw_file *, const unsigned char *data, size_t len,
	     sw_verify_fn verify, void *arg, const struct sw_meta *,
	     char **cause);
/* Back up (unless new or SW_NOBACKUP), then sw_replace.  May be called
 * again on the same handle. */
int	 sw_commit(struct sw_file *, const unsigned char *data, size_t len,
	     sw_verify_fn verify, void *arg, const struct sw_meta *,
	     char **cause);
/* Remove the file (refused if it changed since read or written); the
 * rollback of a file a transaction created. */
int	 sw_remove(struct sw_file *, char **cause);
/* Unlock and free (NULL-safe); with references (sw_ref), only the last
 * sw_close does. */
void	 sw_close(struct sw_file *);
/* [core] for txn.c: one more reference; the transaction that journals
 * the file's replaces; replaces that are the transaction's own. */
struct txn;
/* txn.c's hooks, set by txn_begin (safewrite.c does not call txn.c):
 * the thread's transaction, opening a file in it, and sw_replace's
 * calls before and after it writes a file of a transaction. */
struct sw_txn_hooks {
	struct txn	*(*current)(void);
	int		 (*open)(struct txn *, const char *, int,
			     struct sw_file **, char **);
	int		 (*before)(struct txn *, struct sw_file *,
			     const unsigned char *, size_t, char **);
	void		 (*after)(struct txn *, struct sw_file *, int, bool);
};
void	 sw_set_txn_hooks(const struct sw_txn_hooks *);
void	 sw_ref(struct sw_file *);
void	 sw_set_txn(struct sw_file *, struct txn *);
struct txn *sw_txn(const struct sw_file *);
void	 sw_set_raw(struct sw_file *, bool);
/* SHA-256 of buf as 64 lower-case hex digits into out[65]. */
void	 sw_sha256_hex(const unsigned char *, size_t, char out[65]);

/*
 * Backups: <dir>/<UTC stamp>-<id>-<basename> (mode 0600) plus
 * <dir>/manifest.yaml (libcyaml; rewritten through sw_replace under the
 * backup directory's lock).  dir: $TLSDECK_BACKUP_DIR, else
 * /var/backups/tlsdeck when euid is 0, else $STATE/backups (state_dir).
 * The directory is opened with file_private_dir, and every entry in it
 * must be a regular file of the user's that no one else can write, or
 * nothing is written (one line saying which file and how to fix it).
 * Descriptions longer than BACKUP_DESC_MAX are shortened (cause_short).
 */
#define BACKUP_DESC_MAX	1024
/* Permission bits a restore may give a new file: no setuid, setgid,
 * sticky or world-write, whatever the manifest says. */
#define BACKUP_MODE_MASK 0775

struct backup_rec {
	unsigned int	 id;		/* 1, 2, ... */
	char		*time;		/* ISO 8601 UTC */
	char		*command;
	char		*description;
	char		*path;		/* original, resolved */
	char		*file;		/* name in the backup directory */
	uint64_t	 size;
	char		*sha256;	/* lower-case hex */
	unsigned int	 uid;		/* who ran tlsdeck */
	unsigned int	 mode;		/* the original's permission bits */
};

/* Which directory (malloc'd); not created. */
int	 backup_dir(char **dir, char **cause);
/* The manifest's text to records and back (mpath names it in messages);
 * exposed for tests and fuzzing. */
int	 backup_manifest_parse(const char *mpath, const unsigned char *,
	     size_t, struct backup_rec **, size_t *, char **cause);
int	 backup_manifest_text(const char *mpath, const struct backup_rec *,
	     size_t, unsigned char **, size_t *, char **cause);
/* Save a copy of data (the content of path) before path is replaced. */
int	 backup_create(const char *path, const unsigned char *data, size_t len,
	     unsigned int mode, const struct sw_meta *, unsigned int *id,
	     char **cause);
/* Remove backup id from the manifest and its copy (a change that did not
 * happen). */
int	 backup_forget(unsigned int id, char **cause);
/* All backups, oldest first (empty when there is no manifest yet). */
int	 backup_list(struct backup_rec **, size_t *, char **cause);
void	 backup_list_free(struct backup_rec *, size_t);
/* By id ("12", "0012") or backup file name; *rec freed by backup_rec_free. */
int	 backup_find(const char *spec, struct backup_rec **, char **cause);
void	 backup_rec_free(struct backup_rec *);
/* The backup's bytes, refused if missing or its SHA-256 does not match. */
int	 backup_read(const struct backup_rec *, unsigned char **, size_t *,
	     char **cause);

#define BACKUP_DRY_RUN	0x01
struct backup_outcome {
	bool		 existed;	/* the file existed before */
	bool		 same;		/* it already held the backup's bytes:
					   nothing was written */
	unsigned int	 prev_id;	/* backup of the replaced content */
	char		 note[512];	/* modes tightened, users crossed
					   ("; "-joined), or "" */
};
/* Put a backup's bytes back at its recorded path (under the ownership
 * rule), through sw_commit; a new file's mode is masked with
 * BACKUP_MODE_MASK. */
int	 backup_restore(const struct backup_rec *, int flags,
	     struct backup_outcome *, char **cause);

/* ------------------------------------------------------------------ */
/* txn.c: several files changed as one (docs/security.md, Transactions).
 *
 * txn_begin starts a transaction; txn_open opens a file in it (sw_open;
 * the same file twice gives the same handle, with one more reference):
 * every file keeps its handle, its directory's lock (file_lock_share) and
 * the bytes it had until the end, whatever sw_close the caller does.
 * Each sw_replace (so each sw_commit, which backs up first as always) of
 * such a file is first recorded in a journal, $STATE/txn/PID-TIME-RANDOM.txn (0600,
 * written through sw_replace): the resolved path, the SHA-256 it had
 * (or "new"), the backup of those bytes and the SHA-256 written; never
 * content, never a secret.  txn_commit removes the journal: the change is
 * made.  txn_abort (and txn_commit after a failed write) puts every
 * written file back, last first, to its exact bytes (sw_replace with a
 * SHA-256 check), removes the files it created and forgets their backups
 * (no history for a change that did not happen); *done (may be NULL) gets
 * one line saying what was put back.  Both free the transaction.  Every
 * function takes t NULL as "no transaction" (txn_open is sw_open).
 *
 * txn_recover rolls back every transaction whose journal was left by a
 * process that is gone (pid and its start time): each file that holds
 * what the transaction wrote is put back from its backup (SHA-256
 * checked; what it replaces is backed up, command "rollback"), each file
 * it created is removed (backed up first), a file changed since is left
 * alone and named; one line per transaction in *lines (malloc'd).  Every
 * command that writes calls it first.  txn_pending lists them, for
 * tlsdeck history.
 */
struct txn_write {
	char		*path;		/* resolved */
	bool		 created;	/* the file did not exist */
	char		 prev[65];	/* its SHA-256 before ("" if created) */
	char		 sha[65];	/* the SHA-256 written */
	unsigned int	 backup_id;	/* the backup of prev, 0 when none */
};
struct txn_journal {
	long		 pid;
	unsigned long long start;	/* the process's start (clock ticks
					   after boot), 0 when unknown */
	char		*time;		/* ISO 8601 UTC */
	char		*command;
	struct txn_write *writes;
	size_t		 nwrites;
};
int	 txn_begin(const char *command, struct txn **, char **cause);
int	 txn_open(struct txn *, const char *path, int flags,
	     struct sw_file **, char **cause);
int	 txn_commit(struct txn *, char **cause);
int	 txn_abort(struct txn *, char **done, char **cause);
/* The context of an action whose steps open their own files (the
 * dashboard's wizards): while t is entered in this thread, sw_open of a
 * file that is backed up (not SW_NOBACKUP) is txn_open(t, ...); NULL
 * leaves it.  txn_commit and txn_abort leave it too. */
void	 txn_enter(struct txn *);
struct txn *txn_current(void);
int	 txn_recover(char ***lines, size_t *n, char **cause);
int	 txn_pending(char ***lines, size_t *n, char **cause);
/* The journal's text and back (name in messages); for tests and fuzzing. */
int	 txn_journal_parse(const char *name, const unsigned char *, size_t,
	     struct txn_journal *, char **cause);
void	 txn_journal_text(const struct txn_journal *, unsigned char **,
	     size_t *);
void	 txn_journal_done(struct txn_journal *);
/* [core] sw_replace's hooks for a file of a transaction. */
int	 txn_sw_before(struct txn *, struct sw_file *,
	     const unsigned char *, size_t, char **cause);
void	 txn_sw_after(struct txn *, struct sw_file *, int rc, bool changed);

/* ------------------------------------------------------------------ */
/* theme.c: colour themes (themes/NAME.yaml, libcyaml).
 * Screens name roles, never colours; tui/colour.c maps a role to curses
 * attributes.  THEME_ROLES generates the role enum, the YAML keys and the
 * libcyaml schema rows: X(ENUM_SUFFIX, "yaml-key"). */
#define THEME_ROLES \
	X(TITLE,	"title")	/* panel titles */		\
	X(HEADER,	"header")	/* the top line */		\
	X(BORDER,	"border")	/* panel frames */		\
	X(FOCUS,	"focus")	/* the focused panel's frame */	\
	X(TEXT,		"text")		/* ordinary text */		\
	X(MUTED,	"muted")	/* secondary text */		\
	X(OK,		"ok")		/* a passed check */		\
	X(INFO,		"info")		/* an informational finding */	\
	X(WARN,		"warn")		/* a warning */			\
	X(CRIT,		"crit")		/* a critical finding */	\
	X(SELECTED,	"selected")	/* the selected row */		\
	X(KEY,		"key")		/* key names in the hint bar */	\
	X(HINT,		"hint")		/* hint bar labels */		\
	X(MARK,		"mark")		/* the configured-alias star */	\
	X(BAR_OK,	"bar-ok")	/* validity bar, healthy */	\
	X(BAR_WARN,	"bar-warn")	/* validity bar, warning */	\
	X(BAR_CRIT,	"bar-crit")	/* validity bar, critical */

enum theme_role {
#define X(id, key) THEME_##id,
	THEME_ROLES
#undef X
	THEME__MAX
};

/* The 16 ANSI colours; 0 is the terminal's own default. */
enum theme_colour {
	COLOUR_DEFAULT = 0,
	COLOUR_BLACK, COLOUR_RED, COLOUR_GREEN, COLOUR_YELLOW,
	COLOUR_BLUE, COLOUR_MAGENTA, COLOUR_CYAN, COLOUR_WHITE,
	COLOUR_BRIGHT_BLACK, COLOUR_BRIGHT_RED, COLOUR_BRIGHT_GREEN,
	COLOUR_BRIGHT_YELLOW, COLOUR_BRIGHT_BLUE, COLOUR_BRIGHT_MAGENTA,
	COLOUR_BRIGHT_CYAN, COLOUR_BRIGHT_WHITE,
	COLOUR__MAX
};

/* theme_style.attrs */
#define THEME_A_BOLD		0x01
#define THEME_A_UNDERLINE	0x02
#define THEME_A_REVERSE		0x04
#define THEME_A_DIM		0x08

struct theme_style {
	enum theme_colour	 fg;
	enum theme_colour	 bg;
	unsigned int		 attrs;		/* THEME_A_* */
};

struct theme {
	char			*name;
	char			*path;		/* file it came from, or NULL */
	struct theme_style	 roles[THEME__MAX];
};

/* "title", "bar-ok", ...; NULL when out of range. */
const char	*theme_role_name(enum theme_role);
/* "default", "red", "bright-black", ... */
const char	*theme_colour_name(enum theme_colour);
/* The compiled-in themes: "default" (colour) and "mono" (attributes only,
 * used when colour is off).  NULL for any other name. */
struct theme	*theme_builtin(const char *name);
/*
 * Parse a theme from memory (name is used in messages).  Unknown keys, bad
 * colour or attribute names and invisible roles (fg == bg) fail; *cause
 * then reads "NAME: line L, column C: WHAT".  A role the file omits keeps
 * the built-in default's style.
 */
struct theme	*theme_load_data(const void *buf, size_t len, const char *name,
		     char **cause);
struct theme	*theme_load_file(const char *path, char **cause);
/*
 * Find a theme by NAME: a path (contains '/' or ends in ".yaml"), else
 * NAME.yaml in $TLSDECK_THEMES_DIR, the themes/ directory next to (or one
 * above) the running binary (uninstalled runs), TLSDECK_DATADIR/themes; the
 * built-in "default" and "mono" when no file is found.
 */
struct theme	*theme_find(const char *name, char **cause);
void		 theme_free(struct theme *);

/* ------------------------------------------------------------------ */
/* path.c: path names.  path_join(a, b): "a/b" (b when b is absolute or a
 * is NULL or empty); path_dirname: "." when there is no slash;
 * path_absolute: the working directory prepended, not resolved.
 * path_exists and path_is_dir follow symlinks.  Results are malloc'd but
 * path_basename's, which points into its argument. */
char		*path_join(const char *, const char *);
char		*path_dirname(const char *);
const char	*path_basename(const char *);
char		*path_absolute(const char *);
bool		 path_exists(const char *);
bool		 path_is_dir(const char *);

/* ------------------------------------------------------------------ */
/* keygen.c / csr.c: distinguished names, SAN lists, key pairs,
 * self-signed certificates and PKCS#10 requests (docs/formats.md,
 * genkeypair and certreq). */

struct X509_name_st;		/* OpenSSL's X509_NAME */
struct X509_extension_st;	/* OpenSSL's X509_EXTENSION */

#define KEYGEN_MAX_DAYS	36500	/* longest validity accepted */

/*
 * Parse keytool's -dname: "CN=host, OU=IT, O=Example, L=City, ST=State,
 * C=US", most specific first (the DER order is reversed).  ',' or ';'
 * separate RDNs, '+' joins a multi-valued RDN; values may be quoted or use
 * \-escapes (\, \+ \" \\ or \XX hex).  Names are case-insensitive: CN OU O
 * L ST S C STREET DC UID EMAILADDRESS EMAIL SERIALNUMBER T GIVENNAME
 * SURNAME INITIALS GENERATION DNQ, or a dotted OID.  Encoded as Java does:
 * PrintableString where possible, else UTF8String (IA5String for email and
 * DC).  Free with dn_free.
 */
int		 dn_parse(const char *, struct X509_name_st **, char **cause);
/* keytool-style text ("CN=a, OU=b, O=c") that dn_parse reads back. */
char		*dn_to_string(const struct X509_name_st *);
void		 dn_free(struct X509_name_st *);
/* A keytool-style DN ("CN=a, O=b") from n names and values, in that
 * order; empty values are left out, values escaped as dn_to_string does
 * (",+;\"\\<>=", a leading '#' or space, a trailing space), so dn_parse
 * reads them back.  malloc'd; "" when every value is empty. */
char		*dn_build(const char *const *names, const char *const *values,
		     size_t n);
/* The value of the first attribute called name (case-insensitive, "CN")
 * in a keytool-style DN such as cert_info.subject, quotes and escapes
 * undone as dn_parse does ("CN=Smith\, John" gives "Smith, John"); a
 * value dn_parse refuses (#hex) is stepped over.  malloc'd; NULL when
 * absent, or when the text before it is not KEY=value. */
char		*dn_get(const char *dn, const char *name);

enum san_type {
	SAN_DNS = 0,
	SAN_IP,
	SAN_EMAIL,
	SAN_URI,
	SAN__MAX
};

struct san_item {
	enum san_type	 type;
	char		*value;		/* IPs in canonical inet_ntop form */
};

struct san_list {
	struct san_item	*items;
	size_t		 n;
};

/* "dns", "ip", "email", "uri". */
const char	*san_type_name(enum san_type);
/*
 * Parse "dns:a.example,ip:10.0.0.5,email:x@y,uri:https://..." (keytool
 * -ext SAN= syntax; type names case-insensitive; "DNS:x, IP Address:y" as
 * OpenSSL prints and cert_info's "IP:y" also work; an untyped item is an IP
 * if it parses as one, else a DNS name).  Each item is checked; the message
 * names the bad one: SAN "dns:a_b": ...  Duplicates are dropped.  An empty
 * string gives an empty list.
 */
int		 san_parse(const char *, struct san_list **, char **cause);
struct san_list	*san_list_new(void);
/* Check and append one item ("dns:x"); duplicates are ignored. */
int		 san_list_add(struct san_list *, const char *item,
		     char **cause);
void		 san_list_free(struct san_list *);
/* "dns:a.example, ip:10.0.0.5" (san_parse syntax); "" when empty. */
char		*san_list_to_string(const struct san_list *);
/* From a certificate's cert_info.san; DIRNAME/OTHER items are counted in
 * *skipped (may be NULL), not copied. */
int		 san_list_from_info(const struct cert_info *,
		     struct san_list **, size_t *skipped, char **cause);
/* From an X509's subjectAltName (empty list if none). */
int		 san_list_from_x509(struct x509_st *, struct san_list **,
		     size_t *skipped, char **cause);
/* From the DER of a GeneralNames (a SAN extension's value). */
int		 san_list_from_der(const unsigned char *, size_t,
		     struct san_list **, size_t *skipped, char **cause);
/* The subjectAltName extension for a list (used by keygen.c, csr.c). */
struct X509_extension_st *san_list_ext(const struct san_list *, bool critical,
		     char **cause);

/* Check a key choice: rsa 2048/3072/4096, or ec P-256/P-384/P-521. */
int		 keygen_check(const char *alg, int bits, const char *curve,
		     char **cause);
/* Generate a key: alg "rsa" (bits) or "ec" (curve "P-256", "P-384"). */
int		 keygen_generate(const char *alg, int bits, const char *curve,
		     struct evp_pkey_st **, char **cause);
/* The same; setting *cancel non-zero (from another thread or a signal
 * handler) makes RSA generation stop and fail with "cancelled". */
int		 keygen_generate_cancel(const char *alg, int bits,
		     const char *curve, atomic_int *cancel,
		     struct evp_pkey_st **, char **cause);
/*
 * A self-signed X.509 v3 certificate as keytool -genkeypair makes it
 * (8-byte random serial, notBefore now, SubjectKeyIdentifier), with the SANs
 * (if any) and basicConstraints CA:FALSE, keyUsage digitalSignature (+
 * keyEncipherment for RSA) and extendedKeyUsage serverAuth.  Signed with
 * keygen_digest().  days: 1..KEYGEN_MAX_DAYS.  Free with X509_free, or
 * wrap with cert_from_x509.
 */
int		 keygen_selfsigned(struct evp_pkey_st *,
		     const struct X509_name_st *subject,
		     const struct san_list *, int days, struct x509_st **,
		     char **cause);
/* keytool's digest rule: "SHA384" for RSA > 3072 or EC >= 384 bits, else
 * "SHA256"; NULL for Ed25519/Ed448. */
const char	*keygen_digest(struct evp_pkey_st *);
/* The SubjectKeyIdentifier extension (SHA-1 of the public key bits). */
struct X509_extension_st *keygen_ski_ext(struct evp_pkey_st *, char **cause);
/* "RSA 2048", "EC P-256", "Ed25519". */
char		*key_describe(struct evp_pkey_st *);
/* true if the certificate carries pk's public key. */
bool		 key_matches_cert(struct evp_pkey_st *, struct x509_st *);
void		 key_free(struct evp_pkey_st *);

/*
 * A PKCS#10 request in PEM ("-----BEGIN CERTIFICATE REQUEST-----") whose
 * extensionRequest holds the SANs (when any) and a SubjectKeyIdentifier,
 * signed with keygen_digest().
 */
int		 csr_create(struct evp_pkey_st *,
		     const struct X509_name_st *subject,
		     const struct san_list *, char **pem_out, char **cause);

/* What a request says (csr_info_parse). */
struct csr_info {
	char		*subject;	/* keytool style */
	char		*key;		/* "RSA 2048" */
	char		 sig_alg[40];	/* "SHA256withRSA" */
	struct san_list	*san;		/* never NULL */
	size_t		 san_other;	/* SAN names of other types */
	bool		 has_ski;
	bool		 sig_ok;	/* its own signature verifies */
	struct evp_pkey_st *pubkey;	/* owned */
};

/* Read a PEM request (either header, keytool's "NEW ..." too). */
int		 csr_info_parse(const char *pem, size_t len,
		     struct csr_info **, char **cause);
void		 csr_info_free(struct csr_info *);
/* true if the request carries pk's public key. */
bool		 csr_key_matches(const struct csr_info *, struct evp_pkey_st *);

/* ------------------------------------------------------------------ */
/* chain.c: certificate chains (docs/formats.md, CA replies) */

#define CHAIN_MAX_DEPTH	10	/* longest chain built, leaf included */

/* subject == issuer and the certificate's own key verifies it. */
bool		 chain_self_signed(struct cert *);
/*
 * Build a chain from leaf: repeatedly pick an issuer from pool (subject ==
 * issuer name, AKI == SKI preferred, signature verified), backtracking
 * across candidates of the same name, until a self-signed certificate.
 * *out is a malloc'd array (free() it) of borrowed pointers, leaf first;
 * *complete says whether it ends self-signed, else it is the longest
 * partial chain found.  Fails only without a leaf.
 */
int		 chain_build(struct cert *leaf, struct cert **pool,
		     size_t npool, struct cert ***out, size_t *nout,
		     bool *complete, char **cause);
/*
 * Order a CA reply given in any order (duplicates dropped) leaf first, as
 * keytool does: the certificate with current's public key, then each
 * issuer by signature.  Fails with "reply does not contain the public key
 * for ALIAS" or "incomplete chain in reply: ...".  Certificates left over
 * after a self-signed top are counted in *nunused (may be NULL).  *out is a
 * malloc'd array of pointers borrowed from reply.
 */
int		 chain_order_reply(struct cert **reply, size_t nreply,
		     struct cert *current, const char *alias,
		     struct cert ***out, size_t *nout, size_t *nunused,
		     char **cause);


/* ------------------------------------------------------------------ */
/* step.c: a keystore opened for change (every writing step uses this).
 * ks_txn_open locks the file (sw_open), loads it with pass (or creates an
 * empty keystore of fmt_if_new with KS_TXN_CREATE); ks_txn_commit
 * serializes, then sw_commit's verify re-parses the bytes with the same
 * password and checks the intended aliases, types, fingerprints and that
 * changed keys are recoverable; backs up and replaces (new files 0600;
 * SW_PRIVATE whenever the result holds a key entry). */
#define KS_TXN_CREATE	0x01	/* create when missing */
#define KS_TXN_MUSTNEW	0x02	/* fail when the file exists */
#define KS_TXN_CONVERT	0x04	/* open a JCEKS file too (the caller
				   changes ks->format before committing) */

struct ks_txn {
	struct sw_file	*sw;
	struct keystore	*ks;
	struct secret	*pass;		/* store password (owned copy) */
	bool		 created;	/* the file did not exist */
	const struct server_owner *owner; /* whom a created file is for
					   (sw_meta.owner), or NULL */
};

int	 ks_txn_open(const char *path, const struct secret *pass, int flags,
	     enum ks_format fmt_if_new, struct ks_txn **, char **cause);
/* The same, the file opened in transaction tx (txn.c; NULL: none). */
int	 ks_txn_open_in(struct txn *tx, const char *path,
	     const struct secret *pass, int flags, enum ks_format fmt_if_new,
	     struct ks_txn **, char **cause);
int	 ks_txn_commit(struct ks_txn *, const char *command,
	     const char *description, char **cause);
void	 ks_txn_close(struct ks_txn *);

/* ------------------------------------------------------------------ */
/* Keystore steps: step-genkey.c, step-csr.c, step-import.c,
 * step-export.c -- genkey, csr, import-reply, import-cert, import-pem and
 * export as core functions.  Writing steps go through
 * ks_txn: checked before anything is written, verified, backed up; a
 * refused step changes nothing.  Nothing is printed: what keytool would
 * print as a warning comes back in result->notes.  With dry_run set a
 * step does every check and fills the result, but writes nothing. */

/* Where the root of an installed chain was found. */
enum step_anchor {
	STEP_ANCHOR_NONE = 0,	/* the chain is incomplete */
	STEP_ANCHOR_SELF,	/* the leaf itself is self-signed */
	STEP_ANCHOR_REPLY,	/* the given files only: not trusted anywhere */
	STEP_ANCHOR_KEYSTORE,	/* a certificate of the keystore */
	STEP_ANCHOR_CACERTS	/* the JRE's cacerts */
};

struct step_result {
	bool		 created;	/* the keystore file was created */
	bool		 replaced;	/* an existing entry was replaced */
	unsigned int	 backup_id;	/* backup of the previous file, or 0 */
	enum ks_format	 format;	/* of the keystore */
	char		**aliases;	/* entries written (as stored) */
	size_t		 naliases;
	/*
	 * Key entry steps: the chain installed, leaf first.  import-cert:
	 * the certificates imported, parallel to aliases.  Copies, owned.
	 */
	struct cert	**chain;
	size_t		 nchain;
	enum step_anchor anchor;
	char		*cacerts;	/* the cacerts file used, or NULL */
	char		**notes;	/* one line each */
	size_t		 nnotes;
	bool		 san_loss;	/* a renewal loses SANs (renew.c):
					   refused unless accepted; a dry
					   run says so here */
	size_t		 write_notes;	/* notes[write_notes..] are the safe
					   write's (modes, owners) */
};

void	 step_result_free(struct step_result *);	/* contents only */
/* The alias as ks will store it (JKS: lower-cased as Java does), malloc'd. */
char	*step_alias_for(const struct keystore *, const char *alias);
/* 0 if alias may name a new entry; -1
 * with *cause when it is empty or holds control characters (they would
 * reach terminals, logs and properties files). */
int	 step_alias_check(const char *alias, char **cause);
/* Put e in ks: in place of the entry with its alias, else appended.
 * Returns true when an entry was replaced. */
bool	 step_put_entry(struct keystore *, struct ks_entry *);
/* Now in milliseconds since the epoch (entry dates). */
int64_t	 step_now_ms(void);
/* Set a new key entry's key password: JKS keeps keypass when it differs
 * from the store password; PKCS12 uses the store password (a note says
 * so when another was given). */
void	 step_set_keypass(const struct keystore *, struct ks_entry *,
	     const struct secret *keypass, const struct secret *storepass,
	     struct step_result *);
/* Record the safe write's backup id and notes in the result. */
void	 step_result_sw(struct step_result *, const struct sw_file *);
/* Append a note (printf-style). */
void	 step_note(struct step_result *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

struct step_genkey_opts {
	const char	*alias;
	const char	*dname;		/* keytool -dname syntax */
	const char	*san;		/* san_parse syntax, or NULL */
	const char	*keyalg;	/* "rsa" (NULL) or "ec" */
	int		 keysize;	/* RSA: 0 is 2048; EC: 256/384/521 */
	const char	*curve;		/* EC: NULL is P-256 (or keysize's) */
	int		 days;		/* 0 is 3650 */
	enum ks_profile	 profile;	/* a new PKCS12 file's profile (NONE:
					   modern); a file keeps its own */
	enum ks_format	 storetype;	/* a new file: PKCS12 (UNKNOWN) or
					   JKS; an existing one must match */
	bool		 replace;	/* overwrite an existing alias */
	const struct secret *keypass;	/* JKS key password (NULL: store
					   password); PKCS12 ignores it */
	atomic_int	*cancel;	/* may be NULL */
	bool		 dry_run;
	const char	*replaces;	/* the entry whose certificate the new
					   one replaces (renewal preflight);
					   NULL: alias, when it exists */
	bool		 accept_san_loss;
	const struct server_owner *owner; /* a new file's user, or NULL */
};
/* Generate a key pair and a self-signed certificate under alias. */
int	 step_genkey(const char *path, const struct secret *storepass,
	     const struct step_genkey_opts *, struct step_result *,
	     char **cause);

struct step_csr_opts {
	const char	*alias;
	const char	*dname;		/* NULL: the certificate's subject */
	const char	*san;		/* NULL: the certificate's SANs; "":
					   none */
	const struct secret *keypass;	/* NULL: the store password */
	bool		 accept_san_loss; /* a request without SANs the
					   certificate has */
};
/* A PKCS#10 request (PEM, *pem malloc'd) for a key entry of ks. */
int	 step_csr(struct keystore *, const struct secret *storepass,
	     const struct step_csr_opts *, char **pem, struct step_result *,
	     char **cause);

struct step_reply_opts {
	const char	*alias;
	const char *const *files;	/* the CA's files, any order/form */
	size_t		 nfiles;
	const char	*cacerts;	/* NULL: $JAVA_HOME's, if any */
	bool		 allow_untrusted; /* install an incomplete chain or
					   one with expired certificates */
	const struct secret *keypass;	/* only when the key must be
					   re-protected (may be NULL) */
	bool		 dry_run;
	const char	*replaces;	/* the entry whose certificate this
					   renews (NULL: alias's own) */
	const char	*csr;		/* the request sent to the CA (PEM),
					   or NULL: its SANs are the ones of
					   the entry's current certificate */
	bool		 accept_san_loss;
};
/* Install a CA reply on a key entry (docs/formats.md, CA replies). */
int	 step_import_reply(const char *path, const struct secret *storepass,
	     const struct step_reply_opts *, struct step_result *,
	     char **cause);

struct step_certs_opts {
	const char	*alias;		/* NULL: from each CN */
	const char *const *files;
	size_t		 nfiles;
	bool		 replace;	/* overwrite trusted entries of the
					   same alias */
	enum ks_format	 storetype;	/* for a new file */
	bool		 dry_run;
	const struct server_owner *owner; /* a new file's user, or NULL */
};
/* Import trusted certificates, one entry per certificate. */
int	 step_import_cert(const char *path, const struct secret *storepass,
	     const struct step_certs_opts *, struct step_result *,
	     char **cause);
/* The alias import-cert derives from a certificate: its CN (else O,
 * else "cert") lower-cased, spaces as '-'.  malloc'd. */
char	*step_alias_from_cert(const struct cert *);

struct step_pem_opts {
	const char	*alias;
	const char	*key_file;	/* PKCS#8 / traditional, maybe
					   encrypted */
	const struct secret *key_passphrase; /* for an encrypted key */
	const char *const *cert_files;	/* the chain, any order */
	size_t		 ncert_files;
	const char	*cacerts;	/* NULL: $JAVA_HOME's, if any */
	bool		 replace;
	enum ks_format	 storetype;	/* for a new file */
	const struct secret *keypass;	/* JKS key password (NULL: store
					   password) */
	bool		 dry_run;
	const struct server_owner *owner; /* a new file's user, or NULL */
};
/* Import a PEM key and its chain as a key entry. */
int	 step_import_pem(const char *path, const struct secret *storepass,
	     const struct step_pem_opts *, struct step_result *,
	     char **cause);

/* cacerts: $JAVA_HOME/lib/security/cacerts (or jre/lib/...) when it
 * exists, malloc'd; NULL otherwise. */
char	*step_cacerts_default(void);
/* Load a cacerts for its certificates: passwordless, then "changeit". */
int	 step_cacerts_load(const char *path, struct keystore **,
	     char **cause);

#define STEP_EXPORT_CHAIN	0x01	/* the whole chain, not the leaf */
#define STEP_EXPORT_DER		0x02	/* DER (a single certificate only) */
/* The certificate(s) of an entry as PEM or DER; *out malloc'd. */
int	 step_export(const struct keystore *, const char *alias, int flags,
	     unsigned char **out, size_t *outlen, size_t *ncerts,
	     char **cause);
/* Write a new output file (CSR, export) through the safe path; an
 * existing file is refused unless force (then it is backed up).  A new
 * file is for owner (the server's user; sw_meta.owner) when not NULL.
 * r (may be NULL) gets the backup id and the safe write's notes. */
int	 step_write_file(const char *path, const unsigned char *, size_t,
	     bool force, unsigned int mode, const struct server_owner *owner,
	     const char *command, const char *description,
	     struct step_result *r, char **cause);

/* step-pem.c: renew a PEM key material (server.ssl.certificate and
 * certificate-private-key, or a PEM bundle's) self-signed. */
struct step_renew_pem_opts {
	const char	*dname;		/* keytool -dname syntax */
	const char	*san;		/* san_parse syntax, or NULL/"" */
	const char	*keyalg;	/* "rsa" (NULL) or "ec" */
	int		 keysize;	/* RSA: 0 is 2048 */
	const char	*curve;		/* EC: NULL is P-256 */
	int		 days;		/* 0 is 3650 */
	atomic_int	*cancel;	/* may be NULL */
	bool		 dry_run;
	bool		 accept_san_loss;
};
struct step_renew_pem_info {
	char		*cert_path;	/* the new files */
	char		*key_path;
};
void	 step_renew_pem_info_free(struct step_renew_pem_info *);
/*
 * A new key (PKCS#8 PEM, encrypted with the material's key password when
 * it has one) and self-signed certificate as new files beside the old
 * ones (NAME-YYYYMMDD.EXT; the old stay), through the safe-write path
 * for the server's user (server_owner_for; the key SW_PRIVATE), then the
 * two settings naming the files switched in the source that wins (the
 * kind's plan_set, else cfg_plan); the settings fail: the new files are
 * removed.  The renewal preflight compares the new certificate with the
 * one in use.  result: notes, chain[0] the new certificate.  The
 * encryption key, inline PEM and a key not in a file of its own are
 * refused.
 */
int	 step_renew_pem(const struct server_model *,
	     const struct key_material *, const struct step_renew_pem_opts *,
	     struct step_result *, struct step_renew_pem_info *,
	     char **cause);

/* renew.c: the renewal preflight -- what a new certificate or request
 * changes against the one it replaces (docs/architecture.md, The renewal
 * preflight). */
struct renew_facts {
	const char	*what;		/* "certificate" or "request" */
	char		*subject;
	struct san_list	*san;		/* never NULL once filled */
	char		*key;		/* "RSA 2048" */
	int		 key_bits;
	int		 ku;		/* KU_* bits, -1 without the
					   extension */
	bool		 has_eku;
	uint32_t	 eku;		/* XKU_* bits */
	int64_t		 not_before;	/* 0: a request */
	int64_t		 not_after;
	bool		 self_signed;
};
int	 renew_facts_cert(struct cert *, struct renew_facts *, char **cause);
int	 renew_facts_csr(const struct csr_info *, struct renew_facts *,
	     char **cause);
/* What step_genkey will make of these options (keygen_selfsigned). */
int	 renew_facts_new(const char *dname, const char *san,
	     const char *keyalg, int bits, const char *curve, int days,
	     time_t now, struct renew_facts *, char **cause);
void	 renew_facts_done(struct renew_facts *);

struct renew_diff {
	char		**lines;	/* one per difference */
	enum sev	*sev;		/* per line: SEV_INFO, or SEV_WARN
					   (a SAN lost, a weaker key, TLS
					   usage lost, an earlier end) */
	size_t		 n;
	enum sev	 worst;		/* SEV_OK when the same */
	char		**lost;		/* SANs of old that new lacks
					   ("dns:a.example"); a wildcard of
					   new covers a name */
	size_t		 nlost;
};
void	 renew_compare(const struct renew_facts *old,
	     const struct renew_facts *new, struct renew_diff *);
void	 renew_diff_free(struct renew_diff *);
/* The SANs of asked that got lacks (a CA's reply against its request);
 * *missing malloc'd ("dns:x"), free each. */
void	 renew_missing_sans(const struct san_list *asked,
	     const struct san_list *got, char ***missing, size_t *n);
/* A comparison as the notes of a step ("renewal: ... (against WHAT)");
 * sets r->san_loss when SANs are lost. */
void	 renew_note(struct step_result *, const char *against,
	     const struct renew_diff *);
/*
 * The preflight of a renewing step, before it writes: new against old
 * (the certificate it replaces, described as against; may be NULL) in
 * r->notes, and new's SANs against asked (what the request asked for; may
 * be NULL).  A lost SAN sets r->san_loss; then -1 with *cause ("PATH: the
 * new certificate drops SANs of ...: dns:x; HINT, or accept the loss
 * (--accept-san-loss)") unless accept or dry_run.
 */
int	 renew_preflight(struct step_result *, struct cert *old,
	     const char *against, const struct renew_facts *new,
	     const struct san_list *asked, const char *hint, bool accept,
	     bool dry_run, const char *path, char **cause);

/* ------------------------------------------------------------------ */
/* Trust and keystore management: jre.c, step-trust.c, step-manage.c --
 * trust, delete, rename and passwd (docs/formats.md, JDK cacerts).
 * Every change goes through ks_txn; a refused step writes nothing. */

/* step-trust.c: import a certificate into a JRE's cacerts. */
struct step_trust_opts {
	const char	*cert_file;	/* CERT: one certificate, or a bundle
					   holding exactly one root */
	const char	*from_keystore;	/* or: a keystore entry's certificate
					   (the leaf when self-signed, else
					   its chain's root) */
	const char	*from_alias;	/* NULL: the keystore's only key
					   entry */
	const struct secret *from_pass;	/* the keystore's password, or NULL */
	const char	*alias;		/* in cacerts; NULL: from the CN */
	const char	*cacerts;	/* the file (a symlink is followed) */
	const char	*jre_home;	/* NULL: from the cacerts path */
	const struct secret *cacerts_pass; /* NULL: no password, "changeit",
					   then the defaults file's storepass */
	const char	*defaults_file;	/* NULL: SERVER_DISTRO_DEFAULTS */
	const char	*distro_cacerts; /* NULL: SERVER_DISTRO_CACERTS */
	bool		 dry_run;
	/* the server's keystore, already open
	 * (server_model_load's m->ks, with the password of the
	 * properties); used instead of loading from_keystore, which then
	 * only names it in messages.  from_pass is not used. */
	const struct keystore *from_ks;
};

struct step_trust_info {
	char		*cacerts_real;	/* the file written (link resolved) */
	bool		 symlink;	/* cacerts was reached through a link */
	bool		 shared;	/* the link's target is outside the
					   JRE: every JDK linked to it */
	bool		 distro;	/* managed by ca-certificates-java */
	bool		 already;	/* the certificate was there already:
					   nothing written */
	char		*existing_alias; /* ... under this alias */
	bool		 need_pass;	/* failed for want of the password */
	char		*pass_how;	/* "no password", "changeit", the
					   defaults file, "given" */
	bool		 passwordless;	/* PKCS#12 with no MAC (kept so) */
	size_t		 nentries;	/* entries after the step */
	char		*what;		/* which certificate and why, e.g.
					   "the root of entry \"x\"'s chain" */
};
void	 step_trust_info_free(struct step_trust_info *);	/* contents */
/*
 * result: aliases[0] the new alias, chain[0] the certificate, format,
 * cacerts (as given), backup_id, notes (symlink, shared file, distribution
 * management, jssecacerts, a certificate that is no CA or expired).
 * Already trusted (same SHA-256 under some alias): 0, info->already, no
 * write.  Alias clash: refused.  The file keeps its format, password and
 * (PKCS#12) protection; a passwordless file stays passwordless.
 */
int	 step_trust(const struct step_trust_opts *, struct step_result *,
	     struct step_trust_info *, char **cause);

/* step-manage.c: delete, rename, passwd. */
#define STEP_PASS_MIN	6	/* keytool refuses shorter passwords */

/* Remove an entry.  result: aliases[0] (as it was stored), backup_id. */
int	 step_delete(const char *path, const struct secret *storepass,
	     const char *alias, bool dry_run, struct step_result *,
	     char **cause);
/*
 * Rename an entry.  The new alias is stored as Java would: JKS lower-cases
 * every alias, PKCS#12 lower-cases key entries and keeps the case of
 * trusted ones.  An alias another entry has (case-insensitively) is
 * refused.  result: aliases[0] the new alias as stored.
 */
int	 step_rename(const char *path, const struct secret *storepass,
	     const char *alias, const char *new_alias, bool dry_run,
	     struct step_result *, char **cause);

struct step_passwd_opts {
	const struct secret *new_storepass; /* NULL: keep */
	const char	*alias;		/* key entry whose password changes */
	const struct secret *keypass;	/* its current one (NULL: the store
					   password) */
	const struct secret *new_keypass; /* JKS only */
	bool		 dry_run;
};
/*
 * Change the store password and/or a JKS key password (>= STEP_PASS_MIN
 * characters).  PKCS#12: every key is re-encrypted with the new store
 * password (key password = store password, as keytool requires); a key
 * password change is refused.  JKS: the integrity digest is keyed with the
 * new password; each key whose password was the old store password is
 * re-protected with the new one (what Spring Boot assumes when
 * server.ssl.key-password is unset); keys with their own password keep it
 * (a note names them).  Passwordless PKCS#12 has no password to change:
 * refused.
 */
int	 step_passwd(const char *path, const struct secret *storepass,
	     const struct step_passwd_opts *, struct step_result *,
	     char **cause);

/* step-convert.c: a keystore into another format or PKCS#12 profile. */
struct step_convert_key {
	const char		*alias;		/* as Java shows it */
	const struct secret	*pass;		/* its key password */
};

struct step_convert_opts {
	enum ks_format		 to;		/* KS_FMT_PKCS12 or KS_FMT_JKS */
	enum ks_profile		 profile;	/* PKCS12: NONE is modern (a
						   PKCS12 source needs one) */
	const char		*out;		/* a new file; NULL: in place */
	unsigned int		 out_mode;	/* out's mode (0: 0600) */
	int			 out_uid;	/* out's owner, or -1 */
	int			 out_gid;
	const struct secret	*keypass;	/* for every key the store
						   password does not open */
	const struct step_convert_key *keypasses; /* per entry, first */
	size_t			 nkeypasses;
	bool			 dry_run;
	const char		*command;	/* for the backup manifest
						   (NULL: "convert") */
	struct txn		*txn;		/* the action's transaction, or
						   NULL */
};

struct step_convert_info {
	enum ks_format	 from;
	enum ks_profile	 from_profile;	/* PKCS12 source, else NONE */
	enum ks_profile	 to_profile;	/* PKCS12 target, else NONE */
	char		*written;	/* the file written (or that would be) */
	char		*need_keypass;	/* failed for want of this entry's key
					   password (the alias), or NULL */
	char		*scheme;	/* PKCS12 target: its algorithms */
	size_t		 nkeys;		/* entries by type, after */
	size_t		 ntrusted;
	size_t		 nsecret;
	size_t		 nrekeyed;	/* keys that had their own password */
	size_t		 ndropped;	/* entries Java ignored, not carried */
	char		*properties;	/* step_convert_server: the settings
					   file switched */
	unsigned int	 settings_backup_id;
};
void	 step_convert_info_free(struct step_convert_info *);	/* contents */
/*
 * Convert the keystore at path (JKS, JCEKS or PKCS#12, opened with
 * storepass) to o->to, in place (the original backed up first) or into
 * o->out (a new file; refused when it exists).  Every entry Java loads is
 * kept: key entries with their chains, trusted certificates, secret keys
 * (PKCS#12 secret bags as keytool writes them; JKS cannot hold them: the
 * step is refused naming the entry).  Every key is recovered (the store
 * password, o->keypasses, o->keypass) and protected with the store
 * password; a key no password opens fails with info->need_keypass.  The
 * store password stays the same; a passwordless PKCS#12 needs one for any
 * other target.  PKCS#12 targets get o->profile (legacy needs OpenSSL's
 * legacy provider; passwordless holds certificates only).  result:
 * aliases (as Java shows them in the new file), notes (the plan: one line
 * per entry and what happens to it), backup_id.  Nothing is written with
 * dry_run or on any refusal.
 */
int	 step_convert(const char *path, const struct secret *storepass,
	     const struct step_convert_opts *, struct step_result *,
	     struct step_convert_info *, char **cause);

struct step_convert_server_opts {
	enum ks_profile		 profile;	/* NONE: what the server's JRE
						   reads (modern when unknown) */
	const char		*out;		/* the new keystore; NULL: beside
						   the old one, named .p12 */
	const struct secret	*storepass;	/* NULL: the server's setting */
	const struct secret	*keypass;	/* NULL: its key-password */
	const struct step_convert_key *keypasses;
	size_t			 nkeypasses;
	bool			 dry_run;
	struct txn		*txn;		/* the action's transaction;
						   NULL: its own */
};
/*
 * Convert the server's keystore to PKCS#12 and switch its settings
 * (docs/formats.md, Converting a server's keystore), on every kind, in
 * one transaction (so->txn, else the thread's, else its own): a JKS or
 * JCEKS keystore becomes a new file beside it (KEYSTORE.p12, the old
 * one's mode and owner; the old one is kept), then the material's
 * keystore setting names it, its type is PKCS12 and its key password
 * setting is removed (set to the store password where the kind has a
 * default of its own, server_kind.keypass_default), where the server
 * reads them (the kind's plan_set, else the file that wins, cfg_plan).
 * A PKCS#12 keystore is rewritten in place (another profile).  A failure
 * rolls everything back.  The passwords are the server's own unless
 * given.  result notes: the keystore's plan, then each settings file's
 * lines.
 */
int	 step_convert_server(const struct server_model *,
	     const struct step_convert_server_opts *, struct step_result *,
	     struct step_convert_info *, char **cause);

/* ------------------------------------------------------------------ */
/* step-settings.c: the settings step of the forms and wizards:
 * properties of application.properties set through the
 * safe-write path (props_set, a verifier that re-reads them, a backup),
 * every other byte kept.  The restart commands the wizards end with. */

struct step_prop {
	const char	*key;
	const char	*value;		/* NULL (and no secret): remove it */
	const struct secret *secret;	/* a password (instead of value) */
};

struct step_settings_change;
struct step_settings_opts {
	const struct step_prop *props;
	size_t		 nprops;
	bool		 dedup;		/* leave one line for each key set */
	bool		 dry_run;
	/* for tlsdeck configure, which runs the step:
	 * dedup_all leaves one line for every key of the file (then
	 * nprops may be 0); show, when set, is called with the change
	 * before anything is written (and on a dry run), only when the
	 * bytes change. */
	bool		 dedup_all;
	void		(*show)(const struct step_settings_change *,
			    void *arg);
	void		*show_arg;
	struct txn	*txn;		/* the action's transaction (txn.c),
					   or NULL: this file alone */
};
/*
 * Set (or remove) each property, in order.  result->notes: one line per
 * property ("change server.port (line 7): 8080 -> 443", passwords never
 * shown; "... nothing written" when the file already holds them);
 * backup_id.  With dry_run the notes are filled and nothing is written.
 */
int	 step_settings(const char *path, const struct step_settings_opts *,
	     struct step_result *, char **cause);
/*
 * What an edit does, for a caller to show
 * (a diff): borrowed, valid during the show call only.  The lines that
 * hold a secret (secret_key_name) come with what to show instead, so
 * that a caller never decides what to mask.  The backup manifest
 * describes the edit as "set K, unset K2, dedup" (keys only, never
 * values).
 */
struct step_mask {
	int			 line;		/* physical line, 1-based */
	char			*show;		/* "KEY=********" on an entry's
						   first line, "    ********"
						   on its continuations */
};
struct step_settings_change {
	const char		*path;		/* the file (links resolved) */
	const unsigned char	*before;	/* its bytes now */
	size_t			 beforelen;
	const struct step_mask	*before_mask;	/* by line, ascending */
	size_t			 nbefore_mask;
	const unsigned char	*after;		/* what would be written */
	size_t			 afterlen;
	const struct step_mask	*after_mask;
	size_t			 nafter_mask;
};
/* A span of bytes in a document. */
struct confspan {
	size_t	off;
	size_t	len;
};

/*
 * step-conf.c: edits of a server kind's own files (Tomcat's server.xml
 * through xmldoc.c, Jetty's start.ini and start.d/NAME.ini through
 * inidoc.c), planned by the kind (server_kind.plan_set, plan_fix) and
 * written through the safe-write path: every edit is checked by the
 * document module, the result re-read before the rename (each value set
 * must read back), a backup kept.
 */
enum step_conf_op {
	SC_SET = 0,		/* attribute or property key = value/secret */
	SC_UNSET,		/* remove it */
	SC_INSERT_AFTER,	/* XML: text, one element, after elem */
	SC_REPLACE,		/* XML: text replaces elem (and below) */
	SC_ADD_MODULE		/* INI: --module=key */
};
struct step_conf_edit {
	enum step_conf_op op;
	size_t		 elem;		/* XML: the element (indices as they
					   are when this edit is made) */
	char		*key;		/* attribute, property or module */
	char		*value;		/* or NULL with secret */
	struct secret	*secret;	/* a password (never shown) */
	bool		 obf;		/* INI: write the secret as OBF: */
	char		*text;		/* XML: the element */
};
struct step_conf_file {
	char		*path;
	enum cfg_format	 format;	/* CFG_FMT_XML or CFG_FMT_INI */
	struct step_conf_edit *edits;
	size_t		 nedits;
};
struct step_conf_plan {
	struct step_conf_file *files;
	size_t		 nfiles;
	char		**notes;	/* what the plan does beyond the
					   edits, and warnings */
	size_t		 nnotes;
};
/* The file entry for path (a new one at the end when there is none). */
struct step_conf_file *step_conf_file(struct step_conf_plan *,
	     const char *path, enum cfg_format);
/* Append an edit (strings copied; secret duplicated). */
struct step_conf_edit *step_conf_add(struct step_conf_file *,
	     enum step_conf_op, size_t elem, const char *key,
	     const char *value, const struct secret *);
void	 step_conf_note(struct step_conf_plan *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 step_conf_plan_free(struct step_conf_plan *);	/* contents */
/* Make one file's edits (opts: dry_run, show; the rest is ignored).
 * result->notes: one line per edit (passwords never shown). */
int	 step_conf(const struct step_conf_file *,
	     const struct step_settings_opts *, struct step_result *,
	     char **cause);
/*
 * step-yaml.c: step_settings for a YAML file, property i in document
 * docs[i] (yamldoc_set and yamldoc_unset: only the scalars' bytes change;
 * what cannot be edited in place is refused).  dedup is refused (YAML has
 * no duplicate keys).  The file is re-read and every key checked before
 * the rename.
 */
int	 step_settings_yaml(const char *path, const int *docs,
	     const struct step_settings_opts *, struct step_result *,
	     char **cause);
/* A property name the step writes: not empty, no blank or control
 * characters (step_settings refuses others). */
bool	 step_settings_key_ok(const char *key);
/* The resolved value of key's last entry as a secret, or NULL. */
struct secret *step_settings_secret(const struct props *, const char *key);
/*
 * How to restart the server, naming only what exists: "systemctl restart
 * UNIT" for the systemd unit of the running server (m->proc.unit, else
 * PROC/PID/cgroup; proc NULL is /proc); else "INITD stop" and "INITD
 * start" when INITD (NULL: /etc/init.d/imservice) exists; else
 * "systemctl restart UNIT" for a unit file naming the server's paths;
 * else a sentence.  *lines malloc'd (free each, then the array).
 */
void	 step_restart_hint(const struct server_model *, const char *initd,
	     const char *proc, char ***lines, size_t *n);
/* step_restart_hint's commands (a sentence is no command and is left
 * out), "; "-joined, or NULL when there is none (malloc'd).  start: the
 * ones that start a server that is not running ("systemctl start UNIT",
 * the start half of a stop/start pair). */
char	*step_restart_cmds(const struct server_model *, bool start);
/* The fix of a server that is not running: "start the server (systemctl
 * start UNIT) and check its log" (malloc'd). */
char	*step_start_fix(const struct server_model *);

/*
 * reload.c: how the server takes a renewed key material
 * (docs/server-model.md, Reloading): a restart command (given, or the
 * systemd unit of the running server), Tomcat's manager
 * (/manager/text/sslReload over the server's own connector on loopback,
 * user and password given), a server that re-reads its files itself
 * (Jetty's ssl-reload, Spring Boot's reload-on-update: wait its scan
 * interval), or none known.
 */
enum srv_reload_how {
	SRV_RELOAD_NONE = 0,	/* no way known: a restart is needed */
	SRV_RELOAD_COMMAND,	/* argv */
	SRV_RELOAD_MANAGER,	/* GET url (Tomcat's sslReload) */
	SRV_RELOAD_FILES	/* the server re-reads the files: wait */
};
#define SRV_RELOAD_MARGIN_MS	500	/* after a scan interval */
struct srv_reload_opts {
	const char	*restart;	/* a command (words, no shell), or
					   NULL: the kind's own way */
	const char	*manager_user;	/* Tomcat's manager-script user */
	const struct secret *manager_pass;
};
struct srv_reload {
	enum srv_reload_how how;
	char		**argv;		/* COMMAND, NULL-terminated */
	char		*argv_buf;
	char		*url;		/* MANAGER */
	char		*user;
	struct secret	*pass;
	char		*pins;		/* MANAGER over https: the keys */
	long		 wait_ms;	/* FILES: before the probe */
	/* The server re-reads the same files (the manager, FILES): the
	 * material must be renewed in place, its settings unchanged. */
	bool		 in_place;
	char		*text;		/* what it does, one line */
};
/* Plan: --restart, else the kind's own, else the material's
 * reload_on_update, else the systemd unit; NONE with *r->text saying
 * what to do when nothing is known.  -1 with one line on bad options
 * (a manager user where no manager is deployed). */
int	 srv_reload_plan(const struct server_model *,
	     const struct key_material *, const struct srv_reload_opts *,
	     struct srv_reload *, char **cause);
/* Run it: the command (at most timeout seconds), the manager's GET
 * (its answer must start "OK"), or the wait; cancel stops it. */
int	 srv_reload_run(const struct srv_reload *, int timeout,
	     atomic_int *cancel, int cancel_fd, char **cause);
void	 srv_reload_done(struct srv_reload *);
/* r->argv from cmd's words (no shell, no quotes), r->how COMMAND. */
int	 srv_reload_words(struct srv_reload *, const char *cmd, char **cause);

/* ------------------------------------------------------------------ */
/* demo.c: tlsdeck demo -- a complete demo server tree built with the core
 * (conf/application.properties, conf/ssl/keystore.p12 with a CA-signed
 * chain and a certificate expiring in 10 days, jre/release and
 * jre/lib/security/cacerts).  Every key and certificate is new. */

#define DEMO_STOREPASS	"tlsdeck-demo"	/* the demo keystore's password */

struct demo_info {
	char	*dir;			/* absolute */
	char	*properties;
	char	*keystore;
	char	*cacerts;
};
/* Build the tree in dir (created if missing; NULL: a new directory under
 * $TMPDIR).  Refuses a directory that already holds a tree. */
int	 demo_build(const char *dir, struct demo_info *, char **cause);
void	 demo_info_done(struct demo_info *);
/* demo-model.c: the dashboard's demonstration model (--demo-model), built
 * in memory at time now (0: time(NULL)); no files, certificates without
 * DER.  Free with server_model_free. */
struct server_model *demo_model(time_t now);

/* ------------------------------------------------------------------ */
/* probe.c: what the port really serves (the live findings).
 * A TLS client (OpenSSL) that fetches the served chain without verifying
 * it, then judges it: against a trust store (the server JRE's cacerts, as
 * Java's PKIX would: any trusted certificate is an anchor) and against
 * the keystore's key-alias certificate.  Loopback or any host; bounded by
 * a timeout (getaddrinfo itself is not). */

#define PROBE_TIMEOUT_MS	3000	/* default: connect, then handshake */

enum probe_error {
	PROBE_OK = 0,
	PROBE_ERR_RESOLVE,	/* the name does not resolve */
	PROBE_ERR_CONNECT,	/* another connect error (unreachable) */
	PROBE_ERR_REFUSED,	/* nothing listens (connection refused) */
	PROBE_ERR_TIMEOUT,	/* no connection, or no answer, in time */
	PROBE_ERR_NOT_TLS,	/* it answered, but not with TLS */
	PROBE_ERR_HANDSHAKE,	/* TLS failed: OpenSSL's reason */
	PROBE_ERR__MAX
};

struct probe_result {
	char		*host;		/* as given */
	char		*port;
	char		*address;	/* numeric address tried last, or NULL */
	char		*sni;		/* server name sent, or NULL (an IP) */
	enum probe_error error;
	char		*error_msg;	/* the cause, when error != PROBE_OK */
	long		 elapsed_ms;	/* connect + handshake */
	char		*protocol;	/* "TLSv1.3" */
	char		*cipher;	/* IANA name: "TLS_AES_256_GCM_SHA384" */
	struct cert	**chain;	/* as served, leaf first; owned */
	size_t		 nchain;
	/* probe_verify */
	int		 verified;	/* 1 trusted, 0 not, -1 not checked */
	char		*verify_error;	/* why not (OpenSSL's words) */
	char		*trust_alias;	/* the anchor's alias in the store */
	char		*trust_subject;	/* the anchor's subject */
};

/* "host:port", "[v6addr]:port", "host" or "v6addr" (port NULL), ":port"
 * (host NULL).  Both malloc'd or NULL.  Fails on an empty or bad port. */
int	 probe_parse_target(const char *, char **host, char **port,
	     char **cause);
/*
 * Connect to host:port (every address getaddrinfo gives, each with
 * timeout_ms; 0 means PROBE_TIMEOUT_MS), then a TLS handshake bounded by
 * timeout_ms that accepts any certificate, and fetch the served chain,
 * protocol and cipher.  sni: the name to send (NULL: host, unless host is
 * an IP address).  Returns 0 with *res; -1 with *cause ("nothing listens
 * on HOST:PORT (connection refused)", "... timed out ...", "HOST:PORT
 * answered, but not with TLS: plain HTTP? ...", "TLS handshake with
 * HOST:PORT failed: REASON") and then too *res (if res is not NULL), with
 * error and error_msg set, so that callers can tell the cases apart.
 * Free with probe_result_free.
 */
int	 probe_fetch(const char *host, const char *port, const char *sni,
	     int timeout_ms, struct probe_result **res, char **cause);
void	 probe_result_free(struct probe_result *);
/* "refused", "timeout", "not-tls", ... (for JSON). */
const char *probe_error_name(enum probe_error);
/*
 * Verify the served chain against the trusted certificate entries of
 * trust (partial chains allowed, as in Java; purpose TLS server; at time
 * now, 0: time(NULL)).  Sets verified, verify_error, trust_alias and
 * trust_subject.  trust NULL or nothing served: verified = -1.
 */
void	 probe_verify(struct probe_result *, const struct keystore *trust,
	     time_t now);
/*
 * Add the live findings for a probe to m: "served-cert-differs"
 * (critical; the fix is the restart command), "served-chain-untrusted",
 * "served-chain-incomplete", "port-not-listening" (refused; unless
 * present), "served-not-tls" (critical: HTTPS is configured, plain HTTP
 * answers), "probe-failed" (timeout, handshake).  Returns 1 when the
 * served leaf is the key-alias certificate, 0 when it differs, -1 when
 * there is nothing to compare (probe failed, no key entry).
 */
int	 probe_compare(const struct probe_result *, struct server_model *);
/* What a client naming sni (NULL: none) on port (0: any) may be served,
 * best first: the key entries of the host configs whose names match
 * (exact over wildcard), of the keystore entries of a by_sni material
 * whose names match, else of the default (role server) materials, every
 * key entry of a by_sni keystore.  *out malloc'd. */
struct probe_expect {
	struct key_material	*mat;
	struct ks_entry		*entry;
};
size_t	 probe_expected(const struct server_model *, const char *sni,
	     int port, struct probe_expect **out);
/* Is the served leaf one of those?  1 with *mat and *entry the one it
 * is; 0 with the first expected; -1 when nothing can be compared. */
int	 probe_match(const struct server_model *, const struct probe_result *,
	     struct key_material **mat, struct ks_entry **entry);
/* The names a server answers separately (host configs, SNI keystore
 * entries; no wildcards), for probing each: *names malloc'd, strings
 * borrowed. */
size_t	 probe_names(const struct server_model *, const char ***names);
/* Is code one of the findings probe_compare adds? */
bool	 probe_code(const char *code);
/*
 * Probe the server of m and add the findings: host NULL is server.address
 * (when it names one interface) or "localhost", port NULL is server.port,
 * sni NULL is im.base-url's host; verified with m->jre.trust.  Returns as
 * probe_fetch (*res may be NULL if unwanted).
 */
int	 probe_server(struct server_model *, const char *host,
	     const char *port, const char *sni, int timeout_ms,
	     struct probe_result **res, char **cause);
/*
 * The live hook for audit, status and the dashboard: when HTTPS is
 * configured and the port is not known to be closed, probe_server() on
 * localhost and keep only the findings.  One call after
 * server_model_load() unless SERVER_NO_LIVE.
 */
void	 probe_audit(struct server_model *, int timeout_ms);
/*
 * For the dashboard's live probe: probe_server split so
 * that the network part can run in a worker thread that shares nothing
 * with the model.  probe_server is probe_target, probe_fetch,
 * probe_verify with m->jre.trust, then probe_compare.
 */
struct probe_target {
	char	*host;
	char	*port;
	char	*sni;		/* NULL: probe_fetch's default (the host) */
};
/* Where probe_server would connect for m (host, port, sni NULL as there).
 * Fails when server.port is not a number (give HOST:PORT). */
int	 probe_target(const struct server_model *, const char *host,
	     const char *port, const char *sni, struct probe_target *,
	     char **cause);
void	 probe_target_done(struct probe_target *);	/* contents */
/* probe_fetch that also stops, failing with "... was cancelled", as soon
 * as cancel_fd (-1: none; e.g. a pipe's read end) becomes readable.
 * Resolving the host name is not interrupted. */
int	 probe_fetch_cancel(const char *host, const char *port,
	     const char *sni, int timeout_ms, int cancel_fd,
	     struct probe_result **, char **cause);
/* A copy of the trusted certificate entries of trust (NULL: NULL) that
 * shares no certificate or X509 with it, for probe_verify in a thread. */
struct keystore *probe_trust_copy(const struct keystore *trust);

/* yamlerr.c: libcyaml's diagnostics captured (never printed) into a
 * buffer and made into causes; for config.c, theme.c and backup.c. */
struct cyaml_config;
struct yamlerr {
	char	 text[1024];
	size_t	 len;
};
/* Zero cfg and ye; cfg then logs errors into ye and loads with flags
 * (cyaml_cfg_flags_t). */
void	 yamlerr_setup(struct cyaml_config *cfg, struct yamlerr *ye,
	     unsigned int flags);
/* The first message (without "Load: "), else cyaml_strerror(err); *lp,
 * *cp get the innermost "(line: L, column: C)", or 0. */
char	*yamlerr_first(const struct yamlerr *, int err, int *lp, int *cp);
/* The log lines joined with "; ", only the innermost "in ..." kept. */
char	*yamlerr_joined(const struct yamlerr *);

/* ------------------------------------------------------------------ */
/* scan.c: every server and every keystore or certificate file under some
 * directories (tlsdeck scan; docs/architecture.md, Scan and fleet).
 * Read-only; every file met is untrusted input. */

#define SCAN_MAX_DEPTH		16	/* default: directories below a root */
#define SCAN_MAX_SIZE		(64UL * 1024 * 1024) /* default: larger
					   files are sniffed, not loaded */
#define SCAN_MAX_FILES		250000	/* regular files listed at most */
#define SCAN_THREADS		2	/* default: files read in parallel */

/* Why a file could not be read (the Prometheus reason label). */
enum scan_error {
	SCAN_ERR_NONE = 0,
	SCAN_ERR_BAD_PASSWORD,	/* the password its server gives is wrong */
	SCAN_ERR_NO_PASSWORD,	/* its certificates are encrypted and no
				   password is known for it */
	SCAN_ERR_CORRUPT,	/* damaged, or not what its name says */
	SCAN_ERR_UNREADABLE,	/* cannot be read: permissions, I/O, too
				   large, missing */
	SCAN_ERR__MAX
};

/* One certificate of a standalone file (a summary: the keystore itself
 * is freed once read). */
struct scan_cert {
	char		*alias;		/* printable UTF-8 */
	enum ks_etype	 type;		/* of its entry */
	size_t		 position;	/* in its entry's chain, 0 the leaf */
	char		*subject;
	char		*issuer;
	char		*serial;
	int64_t		 not_before;
	int64_t		 not_after;
	long		 days_left;	/* at the scan's time */
	enum sev	 sev;		/* its expiry severity in this file */
	bool		 ca;
	char		 key[32];
	unsigned char	 sha256[CERT_SHA256_LEN];
};

/* A finding of the scan about a standalone file (the codes of
 * docs/findings.md: cert-expired, keystore-corrupt, ...). */
struct scan_finding {
	char		*code;
	enum sev	 sev;
	char		*alias;		/* or NULL */
	char		*message;
};

/* A keystore or certificate file that belongs to no server found. */
struct scan_file {
	char		*path;
	enum ks_format	 format;	/* by content; KS_FMT_UNKNOWN when
					   the content is none */
	bool		 verified;	/* integrity checked (passwordless
					   PKCS#12), else read without it */
	bool		 passwordless;
	size_t		 nentries;
	enum scan_error	 error;
	char		*error_msg;	/* one line naming the file */
	struct scan_cert *certs;	/* entries' chains, in entry order */
	size_t		 ncerts;
	struct scan_finding *findings;	/* most severe first */
	size_t		 nfindings;
	enum sev	 sev;		/* the worst of its findings */
	int64_t		 nearest;	/* earliest not-after, or INT64_MAX */
};

/* A server found by its kind's detect. */
struct scan_server {
	char		*dir;		/* the directory it was found in */
	char		*config;	/* its main configuration file */
	const char	*kind;		/* "spring", ... */
	char		*why;		/* what detect said */
	struct server_model *model;	/* NULL when it could not load */
	char		*error;		/* why not */
	enum sev	 sev;		/* findings_worst, SEV_CRIT when it
					   could not load */
	int64_t		 nearest;	/* earliest not-after of its
					   certificates, or INT64_MAX */
};

struct scan_opts {
	char *const	*roots;		/* NULL or none: scan_default_roots */
	size_t		 nroots;
	int		 max_depth;	/* SCAN_MAX_DEPTH */
	size_t		 max_size;	/* SCAN_MAX_SIZE */
	int		 threads;	/* SCAN_THREADS */
	bool		 no_servers;	/* standalone files only */
	/* for the servers: thresholds, flags (SERVER_NO_LIVE), now, proc
	   root; the files use the same thresholds and now */
	struct server_opts so;
};

struct scan_result {
	char		**roots;	/* the directories walked */
	size_t		 nroots;
	struct scan_server **servers;	/* most urgent first */
	size_t		 nservers;
	struct scan_file **files;	/* most urgent first */
	size_t		 nfiles;
	char		**notes;	/* what the walk could not read */
	size_t		 nnotes;
	time_t		 now;		/* the scan's time */
	double		 duration;	/* seconds */
	size_t		 ndirs;		/* directories walked */
	size_t		 nregular;	/* regular files looked at */
	bool		 truncated;	/* SCAN_MAX_FILES reached */
	enum sev	 worst;
	int		 warn_days;	/* thresholds used */
	int		 crit_days;
};

void	 scan_opts_init(struct scan_opts *);
/* "bad_password", "no_password", "corrupt", "unreadable" ("" for none). */
const char *scan_error_name(enum scan_error);
/*
 * The roots without ROOT: the directories of the running java processes
 * (-Dcatalina.base, -Djetty.base, spring.config.location, their working
 * directory unless /) and the usual install locations that exist.
 * proc NULL is /proc.  *roots malloc'd (free each, then the array).
 */
void	 scan_default_roots(const char *proc, char ***roots, size_t *n);
/*
 * Walk the roots and read what is there.  Fails only when no root can be
 * walked; every other problem is a note or a file's error.
 */
int	 scan_run(const struct scan_opts *, struct scan_result **,
	     char **cause);
void	 scan_result_free(struct scan_result *);
/*
 * Read one file's bytes as the scan does (name: its path, for the name
 * rule and messages).  0 with *fp NULL when it is no keystore or
 * certificate file; takes buf (malloc'd).  For tests and fuzzing.
 */
int	 scan_file_mem(unsigned char *buf, size_t len, const char *name,
	     const struct server_opts *, struct scan_file **fp);
void	 scan_file_free(struct scan_file *);
/*
 * The Prometheus text exposition format of a scan (node_exporter's
 * textfile collector): certificates' not-after and not-before, read
 * errors with their reason, findings by severity and code, the servers'
 * status, the scan's time and duration.  *buf malloc'd.
 */
void	 scan_prometheus(const struct scan_result *, char **buf,
	     size_t *len);
/*
 * Replace path with data atomically and without a backup (a temporary
 * file in the same directory, fsync, rename; a new file gets mode 0644):
 * the safe-write path, for --output.
 */
int	 scan_write_output(const char *path, const void *data, size_t len,
	     char **cause);
/* config documents: the servers' own configuration files, read and
 * edited losslessly (docs/config-formats.md).  yamldoc.c (Spring Boot
 * application.yml, libyaml), xmldoc.c (Tomcat server.xml, libxml2),
 * inidoc.c (Jetty start.ini and start.d/NAME.ini) and obf.c (Jetty's OBF:
 * passwords).  The conventions of props.c: parse keeps every byte, an
 * unedited document serializes to its input byte for byte, every edit
 * builds new bytes, parses them again and checks that only what it meant
 * to change changed (else it fails and changes nothing); messages are
 * "NAME: line N: ...".  Entry and element pointers are valid until the
 * next edit or _free. */

/* (CONFIG_MAX_SIZE, above: bytes of one document) */

/* confdoc.c: what the three documents share.  A growing byte buffer
 * (always NUL-terminated once used). */
struct confbuf {
	unsigned char	*d;
	size_t		 len;
	size_t		 cap;
};
void		 confbuf_add(struct confbuf *, const void *, size_t);
void		 confbuf_str(struct confbuf *, const char *);
void		 confbuf_printf(struct confbuf *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
/* confdoc_check flags */
#define CONFDOC_ANY_BYTES	0x01	/* bytes need not be UTF-8 (an XML
					   encoding declaration decides) */
/*
 * Refuse what no configuration document holds, with one line naming NAME
 * (and the line): more than CONFIG_MAX_SIZE bytes, a UTF-16 or UTF-32
 * byte order mark, NUL bytes (binary data), and bytes that are not UTF-8.
 */
int		 confdoc_check(const unsigned char *, size_t, const char *name,
		     int flags, char **cause);
/* Is s[0, n) UTF-8 (no overlong forms, surrogates or NUL)?  *bad gets the
 * offset of the first bad byte (may be NULL). */
bool		 confdoc_utf8(const unsigned char *, size_t, size_t *bad);
/* The dominant line end of a text ("\n" when it has none). */
const char	*confdoc_eol(const unsigned char *, size_t);
/* s for a one-line message: control characters as '?', at most max
 * bytes (then "..."); malloc'd. */
char		*confdoc_printable(const char *s, size_t max);
/* 1-based line of byte off (CR, LF and CRLF end lines). */
int		 confdoc_line(const unsigned char *, size_t, size_t off);

/* yamldoc.c: application.yml.  Read with libyaml and flattened as Spring
 * Boot flattens it: nested keys joined with '.', list items as key[0],
 * key[1], keys that are not strings as [key] (ports: {8080: x} gives
 * ports[8080]), plain scalars typed as SnakeYAML types them (YAML 1.1:
 * yes/on -> "true", 0x1F -> "31", 010 -> "8", null/~/empty -> "") and
 * printed as Java prints them; aliases and << merge keys are followed;
 * duplicate keys are refused as Spring Boot refuses them.  Each document
 * of a multi-document file (---) keeps its index and its profile. */

struct yamldoc;

enum yamldoc_style {
	YAMLDOC_PLAIN = 0,
	YAMLDOC_SINGLE,		/* 'x' */
	YAMLDOC_DOUBLE,		/* "x" (escapes decoded) */
	YAMLDOC_LITERAL,	/* | (read only) */
	YAMLDOC_FOLDED,		/* > (read only) */
	YAMLDOC_FLOWCOLL	/* an empty [] or {} (value "") */
};

/* yamldoc_entry.flags */
#define YAMLDOC_NULL	0x01	/* null: ~, null, or nothing */
#define YAMLDOC_EMPTY	0x02	/* an empty list or mapping */
#define YAMLDOC_TYPED	0x04	/* a plain scalar SnakeYAML reads as a
				   number or boolean: value differs from
				   what is written (0123 -> 83) */
#define YAMLDOC_ALIAS	0x08	/* reached through an alias or a <<
				   merge: the bytes are shared */
#define YAMLDOC_ANCHOR	0x10	/* the scalar or a collection above it
				   carries an anchor (&x) */
#define YAMLDOC_FLOW	0x20	/* inside a flow collection ([..] {..}) */
#define YAMLDOC_TAG	0x40	/* carries a tag (!!str ...) */
#define YAMLDOC_MULTILINE 0x80	/* the scalar spans several lines */

struct yamldoc_entry {
	char		*key;		/* flattened: server.ssl.bundle,
					   a.b[0].c */
	char		*canon;		/* props_canon_key(key) */
	char		*value;		/* what Spring reads (UTF-8); may hold
					   NUL (\0): see value_len */
	size_t		 value_len;
	int		 doc;		/* document index (0-based, every
					   document of the stream counted) */
	const char	*profile;	/* the document's profile, or NULL */
	int		 line;		/* of the value (1-based) */
	int		 column;	/* 1-based, in characters */
	enum yamldoc_style style;
	int		 flags;
	size_t		 off;		/* the value's bytes (quotes, block */
	size_t		 len;		/* header included; len 0: nothing
					   written, as in "key:") */
};

/* Parse (name is used in messages and may be NULL).  Fails, with one line,
 * on what libyaml or Spring Boot refuses (syntax, duplicate keys, unknown
 * or recursive aliases, tags SnakeYAML has no constructor for, nesting
 * deeper than 50, documents over 3 MiB characters), input over
 * CONFIG_MAX_SIZE, UTF-16, and alias expansion beyond 100000 entries. */
int		 yamldoc_parse(const unsigned char *, size_t, const char *name,
		     struct yamldoc **, char **cause);
int		 yamldoc_load(const char *path, struct yamldoc **,
		     char **cause);
void		 yamldoc_free(struct yamldoc *);
void		 yamldoc_serialize(const struct yamldoc *, unsigned char **out,
		     size_t *len);
const char	*yamldoc_name(const struct yamldoc *);
/* Flattened entries, documents in order, each in Spring's order. */
size_t		 yamldoc_count(const struct yamldoc *);
const struct yamldoc_entry *yamldoc_entry(const struct yamldoc *, size_t);
/* Documents in the stream (0 for an empty file) and the profile of one:
 * spring.config.activate.on-profile, else the legacy spring.profiles (a
 * list joined with ","), or NULL. */
int		 yamldoc_ndocs(const struct yamldoc *);
const char	*yamldoc_profile(const struct yamldoc *, int doc);
/* The last entry of document doc (-1: any) matching key in Spring's
 * relaxed form, or NULL. */
const struct yamldoc_entry *yamldoc_find(const struct yamldoc *, int doc,
		     const char *key);
/*
 * Set key to value (one line of UTF-8) in document doc.  An existing
 * scalar is rewritten in place: only its bytes change, in its own quoting
 * style when the value allows it (plain stays plain only when SnakeYAML
 * reads the new text back as that string; else single, then double
 * quotes).  A missing key is inserted after the last entry of the deepest
 * block mapping on its path, at that mapping's indentation, the missing
 * levels as nested block mappings.  Refused: block scalars, anchored or
 * aliased values, flow mappings on the path, new list items, ambiguous
 * insertion points, and any edit after which the flattened view is not
 * the old one with only key changed.
 */
int		 yamldoc_set(struct yamldoc *, int doc, const char *key,
		     const char *value, char **cause);
/* Remove every entry of document doc matching key (relaxed): each must be
 * a one-line "key: scalar" of a block mapping; a mapping left empty loses
 * its own line too.  *removed (may be NULL) counts the entries. */
int		 yamldoc_unset(struct yamldoc *, int doc, const char *key,
		     size_t *removed, char **cause);

/* xmldoc.c: Tomcat's server.xml.  Checked by libxml2 (no network, no
 * external DTD or entity ever loaded or expanded) and cut by our own
 * tokenizer, which keeps the byte spans of every start tag and attribute
 * value; the two must agree on every element and attribute. */

struct xmldoc;

/* xmldoc_flags() */
#define XMLDOC_DOCTYPE	0x01	/* has a DOCTYPE */
#define XMLDOC_ENTITIES	0x02	/* declares entities (internal) */
#define XMLDOC_EXTERNAL	0x04	/* declares external entities: includes
				   other files */
#define XMLDOC_XINCLUDE	0x08	/* uses XInclude */
#define XMLDOC_ENTREF	0x10	/* references a declared entity */
#define XMLDOC_NOEDIT	(XMLDOC_DOCTYPE | XMLDOC_ENTITIES | \
			 XMLDOC_EXTERNAL | XMLDOC_XINCLUDE | XMLDOC_ENTREF)

/* xmldoc_attr.flags */
#define XMLDOC_AF_ENTREF 0x01	/* holds a reference to a declared entity
				   (kept as "&name;" in value) */

struct xmldoc_attr {
	char		*name;		/* as written (prefix:local) */
	char		*value;		/* decoded (entities, character
					   references, normalized blanks),
					   UTF-8 */
	size_t		 name_off;	/* the name's first byte */
	size_t		 val_off;	/* the value's bytes between the */
	size_t		 val_len;	/* quotes */
	char		 quote;		/* '"' or '\'' */
	int		 line;
	int		 flags;
};

struct xmldoc_elem {
	char		*name;		/* as written (prefix:local) */
	size_t		 index;		/* in document order (0: the root) */
	size_t		 parent;	/* index, or SIZE_MAX for the root */
	int		 depth;		/* 0: the root */
	int		 line;		/* of the start tag */
	size_t		 off;		/* the start tag: '<' to '>' */
	size_t		 len;
	size_t		 end;		/* after the end tag (or "/>") */
	bool		 empty;		/* <x/> */
	struct xmldoc_attr *attrs;
	size_t		 nattrs;
	size_t		 nkids;		/* child elements */
};

/* Parse (name is used in messages and may be NULL).  One line on what
 * libxml2 refuses, input over CONFIG_MAX_SIZE, UTF-16, nesting deeper than
 * 100 levels, or a disagreement between libxml2 and our tokenizer. */
int		 xmldoc_parse(const unsigned char *, size_t, const char *name,
		     struct xmldoc **, char **cause);
int		 xmldoc_load(const char *path, struct xmldoc **, char **cause);
void		 xmldoc_free(struct xmldoc *);
void		 xmldoc_serialize(const struct xmldoc *, unsigned char **out,
		     size_t *len);
const char	*xmldoc_name(const struct xmldoc *);
int		 xmldoc_flags(const struct xmldoc *);
/* When xmldoc_flags() has XMLDOC_NOEDIT bits: one line saying what the
 * document does ("NAME: server.xml includes other files through entities
 * (connector.xml): ..."), for a finding; else NULL.  Borrowed. */
const char	*xmldoc_warning(const struct xmldoc *);
/* Elements in document order. */
size_t		 xmldoc_count(const struct xmldoc *);
const struct xmldoc_elem *xmldoc_elem(const struct xmldoc *, size_t);
/* Elements on an absolute path of names, e.g. "Server/Service/Connector"
 * or "Server/Service/Connector/SSLHostConfig/Certificate", in document
 * order; *list malloc'd (NULL if none). */
size_t		 xmldoc_find(const struct xmldoc *, const char *path,
		     const struct xmldoc_elem ***list);
/* Child elements of elem named name (NULL: all). */
size_t		 xmldoc_children(const struct xmldoc *,
		     const struct xmldoc_elem *, const char *name,
		     const struct xmldoc_elem ***list);
/* An attribute (exact name) of elem, or NULL; its decoded value. */
const struct xmldoc_attr *xmldoc_attr(const struct xmldoc_elem *,
		     const char *name);
const char	*xmldoc_get(const struct xmldoc_elem *, const char *name);
/*
 * Set attribute name of element index to value (UTF-8).  An existing value
 * is replaced between its quotes (escaped for its quote character); a new
 * attribute goes after the last one of the tag, on the same line or on a
 * continuation line aligned with the others.  Refused on documents with
 * XMLDOC_NOEDIT flags, and when libxml2 does not read the result as the
 * old tree with only that value changed.
 */
int		 xmldoc_set_attr(struct xmldoc *, size_t elem,
		     const char *name, const char *value, char **cause);
/* Remove attribute name (and the blanks before it) from element elem;
 * absent: 0, nothing changed. */
int		 xmldoc_remove_attr(struct xmldoc *, size_t elem,
		     const char *name, char **cause);
/*
 * Insert text, one complete element (with its own children; lines after
 * the first indented relative to it), on a new line after element elem,
 * with elem's indentation (a sibling).  The new element's index is
 * elem's index plus the number of elements in elem's subtree.
 */
int		 xmldoc_insert_element_after(struct xmldoc *, size_t elem,
		     const char *text, char **cause);
/*
 * Replace element elem (its start tag to its end, children included)
 * with text, one complete element, its lines after the first indented
 * as elem is.  Refused as xmldoc_insert_element_after; libxml2 must read the
 * result as the old tree with that element replaced and nothing else
 * changed.
 */
int		 xmldoc_replace(struct xmldoc *, size_t elem, const char *text,
		     char **cause);
/* Decode XML text (predefined entities, character references) into a
 * malloc'd UTF-8 string; -1 on a malformed or undeclared reference. */
int		 xmldoc_unescape(const char *, size_t, char **out);

/* inidoc.c: Jetty's start.ini and start.d/NAME.ini, read as Jetty's start.jar
 * reads them (TextFile and StartArgs of Jetty 9.4 to 12): one argument a
 * line, the line trimmed, '#' comments, "--module=a,b", "name=value",
 * "name+=value" (appends), "name?=value" (default), "-Dname=value"; the
 * name is everything before the first '=' (blanks included).  Values are
 * raw: ${...} is expanded by Jetty when used, not here. */

struct inidoc;

enum inidoc_kind {
	INIDOC_PROPERTY = 0,	/* name=value, name+=value, name?=value */
	INIDOC_SYSPROP,		/* -Dname=value (also a property) */
	INIDOC_MODULE,		/* --module=a,b / --modules= */
	INIDOC_ADD_MODULE,	/* --add-module(s)=, --add-to-start(d)= */
	INIDOC_OPTION,		/* any other --option or JVM argument */
	INIDOC_FILE		/* a bare XML or properties file name */
};

struct inidoc_entry {
	enum inidoc_kind kind;
	char		*key;		/* property name (without + or ?), or
					   the option ("--module") */
	char		*value;		/* after the first '=' (modules: the
					   list as written) */
	char		 op;		/* '=', '+' (+=) or '?' (?=) */
	bool		 spaced;	/* blanks around the '=': Jetty keeps
					   them in the name and value */
	int		 line;		/* 1-based */
	size_t		 off;		/* the physical line, line end */
	size_t		 len;		/* included */
};

/* Parse (name is used in messages and may be NULL).  One line on input
 * over CONFIG_MAX_SIZE, invalid UTF-8 or NUL bytes, an option missing its
 * value (--module=) and a line Jetty refuses ("Unrecognized argument"). */
int		 inidoc_parse(const unsigned char *, size_t, const char *name,
		     struct inidoc **, char **cause);
int		 inidoc_load(const char *path, struct inidoc **, char **cause);
void		 inidoc_free(struct inidoc *);
void		 inidoc_serialize(const struct inidoc *, unsigned char **out,
		     size_t *len);
const char	*inidoc_name(const struct inidoc *);
/* Entries (comments and blank lines are not entries), in file order. */
size_t		 inidoc_count(const struct inidoc *);
const struct inidoc_entry *inidoc_entry(const struct inidoc *, size_t);
/* The value property key has after this file alone (=, += and ?=
 * applied in order, as Jetty applies them), malloc'd, or NULL. */
char		*inidoc_get(const struct inidoc *, const char *key);
/* The same folded into *value (malloc'd, or NULL when unset so far), for
 * reading the files in Jetty's order: start.ini, then start.d/NAME.ini in
 * natural order.  Returns the number of assignments seen. */
int		 inidoc_fold(const struct inidoc *, const char *key,
		     char **value);
/* The last entry assigning key, or NULL. */
const struct inidoc_entry *inidoc_find(const struct inidoc *,
		     const char *key);
/* Modules the file enables (--module=, in order, each once); *list
 * malloc'd, the strings borrowed. */
size_t		 inidoc_modules(const struct inidoc *, const char ***list);
/*
 * Set property key to value (one line).  The last line assigning it with
 * '=' or '?=' is rewritten in place (name and operator kept); else a line
 * "key=value" goes after a commented-out "# key=..." template line, else
 * after the last property sharing the longest dotted prefix (at least two
 * elements: jetty.sslContext), else after the --module line naming ssl,
 * else at the end.  A key whose last assignment is += is refused.
 */
int		 inidoc_set(struct inidoc *, const char *key, const char *value,
		     char **cause);
/* Remove every line assigning key; *removed may be NULL. */
int		 inidoc_unset(struct inidoc *, const char *key,
		     size_t *removed, char **cause);
/* Enable module: a "--module=NAME" line after the last --module line (or
 * at the end); nothing when a --module line names it already. */
int		 inidoc_add_module(struct inidoc *, const char *module,
		     char **cause);

/* obf.c: Jetty's password forms (org.eclipse.jetty.util.security). */
enum obf_kind {
	OBF_PLAIN = 0,		/* the password itself */
	OBF_OBF,		/* "OBF:..." reversible obfuscation */
	OBF_MD5,		/* "MD5:..." one-way digest */
	OBF_CRYPT		/* "CRYPT:..." one-way crypt(3) */
};
enum obf_kind	 obf_kind(const char *);
/* The password of an "OBF:" string (repeated OBF: prefixes undone, as
 * Jetty does) into a new secret.  One line on MD5:/CRYPT: (not
 * reversible) and on a corrupt string; the message never quotes it. */
int		 obf_decode(const char *, struct secret **, char **cause);
/* "OBF:..." for a password, byte for byte what Jetty's
 * Password.obfuscate() writes (UTF-8 bytes); a secret itself. */
struct secret	*obf_encode(const struct secret *);

/* ------------------------------------------------------------------ */
/* jws.c: JSON Web Signatures for ACME (RFC 7515, 7517, 7518, 7638).
 * Account keys: RSA (RS256), EC P-256 (ES256) and P-384 (ES384); the EC
 * signature is r||s, each zero-padded to the curve's size, not DER. */

/* base64url without padding (RFC 4648 5); malloc'd. */
char	*b64url_encode(const void *, size_t);
/* Decode base64url (no padding, no white space); *out malloc'd. */
int	 b64url_decode(const char *, size_t, unsigned char **out,
	     size_t *outlen, char **cause);
/* "RS256", "ES256", "ES384", or NULL for a key ACME cannot sign with. */
const char *jws_alg(struct evp_pkey_st *);
/* The public JWK in RFC 7638's canonical form (members sorted, no white
 * space): the thumbprint's input and the "jwk" header.  Malloc'd. */
int	 jws_jwk(struct evp_pkey_st *, char **json, char **cause);
/* base64url(SHA-256(canonical JWK)) (RFC 7638); malloc'd. */
int	 jws_thumbprint(struct evp_pkey_st *, char **out, char **cause);
/*
 * A flattened JWS (RFC 8555 6.2) as a JSON text, malloc'd: protected
 * {alg, nonce, url, and kid, or the jwk when kid is NULL}; payload NULL
 * is the empty payload of a POST-as-GET.
 */
int	 jws_sign(struct evp_pkey_st *, const char *url, const char *nonce,
	     const char *kid, const char *payload, char **out, char **cause);
/* The externalAccountBinding object (RFC 8555 7.3.4): an HS256 JWS of
 * the account's JWK with the CA's key id and base64url MAC key. */
int	 jws_eab(const char *eab_kid, const struct secret *hmac_b64,
	     const char *url, const char *jwk, char **out, char **cause);

/* ------------------------------------------------------------------ */
/* acme.c, acme-parse.c, acme-chall.c: the ACME client (RFC 8555) over
 * libcurl (HTTPS only, verified against the system store or ca_file; no
 * redirects; bounded bodies and times) and jansson (every answer checked
 * for types, sizes and counts).  See docs/acme.md.
 *
 * The caller makes the certificate's key and CSR (keygen.c, csr.c; the
 * key never reaches this module) and gets the chain back; what it does
 * with them (the keystore, the server's settings, the reload) is its own
 * transaction.  Progress goes to a callback; every wait checks the cancel
 * flag and fd, and a cancelled run removes what it provisioned. */

#define ACME_LE_PRODUCTION \
	"https://acme-v02.api.letsencrypt.org/directory"
#define ACME_LE_STAGING \
	"https://acme-staging-v02.api.letsencrypt.org/directory"
#define ACME_MAX_NAMES		100	/* identifiers in one order */
#define ACME_BODY_MAX		(1024 * 1024)	/* any answer, bytes */
#define ACME_REQUEST_TIMEOUT	30	/* seconds, one HTTP request */
#define ACME_TIMEOUT		300	/* seconds, validation + issuance */

enum acme_chall {
	ACME_HTTP01 = 0,	/* our own listener on http_port */
	ACME_WEBROOT,		/* http-01: files under webroot */
	ACME_DNS01,		/* dns-01 through dns_hook */
	ACME_CHALL__MAX
};

/* The steps a run reports (acme_event.step). */
enum acme_step {
	ACME_S_DIRECTORY = 0,
	ACME_S_ACCOUNT,
	ACME_S_ORDER,
	ACME_S_AUTHZ,		/* one per name: what it needs */
	ACME_S_PROVISION,	/* listener up, file written, hook run */
	ACME_S_VALIDATE,	/* the CA checks a name */
	ACME_S_CLEANUP,
	ACME_S_FINALIZE,
	ACME_S_DOWNLOAD,
	ACME_S_DONE,
	ACME_S__MAX
};

struct acme_event {
	enum acme_step	 step;
	const char	*name;		/* the identifier, or NULL */
	const char	*text;		/* one line for a log or a screen */
	size_t		 done;		/* of total (names), 0/0 when n/a */
	size_t		 total;
};

struct acme_opts {
	const char	*directory;	/* the directory URL (https://) */
	const char	*ca_file;	/* PEM roots for the CA's TLS, or NULL:
					   the system store */
	const char	*state_dir;	/* NULL: acme_state_dir() */
	const char	*email;		/* contact, or NULL */
	bool		 agree_tos;	/* needed to create an account */
	const char	*account_key;	/* new account key: "ec256" (NULL),
					   "ec384", "rsa2048", "rsa3072" */
	const char	*eab_kid;	/* external account binding, or NULL */
	const struct secret *eab_hmac;	/* its base64url MAC key */
	enum acme_chall	 chall;
	const char	*http_address;	/* ACME_HTTP01: NULL every address,
					   else e.g. "127.0.0.1" or "::1" */
	int		 http_port;	/* 0: 80 */
	const char	*webroot;	/* ACME_WEBROOT */
	const char	*dns_hook;	/* ACME_DNS01: program run as
					   "CMD add|remove NAME VALUE" */
	int		 dns_wait;	/* seconds after the hooks (0) */
	const char	*preferred_issuer; /* a chain whose top certificate's
					   issuer CN (or subject CN) is this;
					   NULL: the default chain */
	int		 timeout;	/* seconds for validation and issuance
					   (0: ACME_TIMEOUT) */
	atomic_int	*cancel;	/* non-zero: stop (may be NULL) */
	int		 cancel_fd;	/* readable: stop (-1: none) */
	void		(*progress)(const struct acme_event *, void *arg);
	void		*progress_arg;	/* called on the acme thread */
};

/* acme_account: what the account is. */
struct acme_account_info {
	char		*key_path;	/* the account key file */
	char		*url;		/* the account URL (JWS kid) */
	char		*status;	/* "valid" */
	char		*contact;	/* the first contact, or NULL */
	bool		 created;	/* registered by this call */
	bool		 key_created;	/* its key was generated now */
	bool		 need_tos;	/* failed: agree to the terms first */
	char		*terms;		/* the terms of service URL, or NULL */
	bool		 exists;	/* dry run: the CA knows the account */
};

struct acme_cert_result {
	struct cert	**chain;	/* leaf first; owned */
	size_t		 nchain;
	char		*order_url;
	char		*cert_url;	/* the chain's URL */
	char		*issuer;	/* top certificate's issuer, text */
	char		**alternates;	/* the other chains' top issuers */
	size_t		 nalternates;
	bool		 preferred_found; /* preferred_issuer matched */
	size_t		 nvalidated;	/* names the CA validated now (the
					   others were valid already) */
};

struct acme;

/* The state directory for account keys: $TLSDECK_ACME_DIR, else
 * /var/lib/tlsdeck/acme as root, else
 * ${XDG_STATE_HOME:-~/.local/state}/tlsdeck/acme.  Malloc'd. */
int	 acme_state_dir(char **dir, char **cause);
/* The account key file for a directory URL:
 * STATE/<SHA-256 hex of the URL>/account.pem.  Malloc'd. */
int	 acme_account_path(const char *state_dir, const char *directory,
	     char **path, char **cause);
/* A client (checks the options; no network yet).  opts is copied
 * shallowly: its strings must outlive the client. */
int	 acme_new(const struct acme_opts *, struct acme **, char **cause);
void	 acme_free(struct acme *);
/*
 * The account: its key from the state directory (0600; a key readable by
 * others is refused) and a lookup (onlyReturnExisting); else, with
 * agree_tos, a new key and a new account with the contact (the key file
 * is written only once the CA has the account).  Without agree_tos:
 * -1, info->need_tos and info->terms.  A changed email updates the
 * contact.  dry_run: looks only (info->exists), creates nothing.
 */
int	 acme_account(struct acme *, bool dry_run, struct acme_account_info *,
	     char **cause);
void	 acme_account_info_done(struct acme_account_info *);
/* How many badNonce answers were retried so far. */
unsigned int acme_bad_nonces(const struct acme *);
/* The directory's terms of service URL (after acme_account or
 * acme_directory), or NULL.  Borrowed. */
const char *acme_terms(const struct acme *);
/* Fetch the directory (acme_account does it too). */
int	 acme_directory(struct acme *, char **cause);
/*
 * Order a certificate for names (DNS names, "*.x" wildcards, IP
 * addresses) with csr (DER; its SANs must be exactly the names): the
 * order, each authorization's challenge answered and cleaned up, the
 * finalization, the chain (the preferred issuer's when offered; the
 * leaf must carry the CSR's key).  Needs acme_account first.  A failure
 * is one line naming the name and the problem.
 */
int	 acme_order_cert(struct acme *, const char *const *names, size_t n,
	     const unsigned char *csr, size_t csrlen,
	     struct acme_cert_result *, char **cause);
void	 acme_cert_result_done(struct acme_cert_result *);
/* A CSR in DER for a key and names (CN: the first name when it fits,
 * SAN: every name), for acme_order_cert.  *der malloc'd. */
int	 acme_csr(struct evp_pkey_st *, const char *const *names, size_t n,
	     unsigned char **der, size_t *len, char **cause);
/* Check a name as an order identifier (lower-cases it in place);
 * *is_ip says which type. */
int	 acme_name_check(char *name, bool *is_ip, char **cause);
const char *acme_chall_name(enum acme_chall);	/* "http-01", "dns-01" */
const char *acme_step_name(enum acme_step);	/* "order", ... */

/*
 * acme-chall.c: the challenge responders (RFC 8555 8.3, 8.4).
 *
 * http-01: a small poll()-based HTTP/1.x server in its own thread that
 * answers GET (and HEAD) /.well-known/acme-challenge/TOKEN with exactly
 * the key authorization and everything else with 404; bounded (clients,
 * request size, seconds per connection).  It listens only between
 * acme_http01_start and acme_http01_stop.  address NULL: every address
 * (IPv6 and IPv4).
 */
struct acme_token {
	const char	*token;
	const char	*keyauth;	/* token.thumbprint */
};
struct acme_http01;
int	 acme_http01_start(const char *address, int port,
	     const struct acme_token *, size_t n, struct acme_http01 **,
	     char **cause);
/* Challenge answers (200) sent so far. */
unsigned int acme_http01_served(struct acme_http01 *);
void	 acme_http01_stop(struct acme_http01 *);	/* NULL-safe */
/*
 * http-01 by files: ROOT/.well-known/acme-challenge/TOKEN (0644, through
 * the safe-write path; the directories are made 0755 when missing), all
 * removed by acme_webroot_clean (with the directories it made).
 */
struct acme_webroot {
	char	*root;
	char	*made[2];	/* directories made, innermost first */
	char	**files;
	size_t	 nfiles;
};
int	 acme_webroot_put(struct acme_webroot *, const char *root,
	     const char *token, const char *keyauth, char **cause);
void	 acme_webroot_clean(struct acme_webroot *);
/* The dns-01 TXT value: base64url(SHA-256(key authorization)). */
char	*acme_dns_value(const char *keyauth);
/*
 * Run the dns hook "CMD VERB NAME VALUE" (fork and execve, no shell;
 * CMD without '/' is looked up in $PATH), stdin /dev/null, its output
 * kept (bounded) for the message.  At most timeout seconds; cancel
 * (flag or fd, either may be absent) stops it (TERM, then KILL).
 */
int	 acme_hook_run(const char *cmd, const char *verb, const char *name,
	     const char *value, int timeout, atomic_int *cancel,
	     int cancel_fd, char **cause);
/*
 * The runner under acme_hook_run, for any command: argv[0] a program
 * (searched in $PATH without a slash), no shell, stdin /dev/null, its
 * own process group, output kept for the message (its last line); what
 * names it in messages ("restart command systemctl").  At most timeout
 * seconds (0: 60); cancel stops it.
 */
int	 acme_cmd_run(char *const argv[], const char *what, int timeout,
	     atomic_int *cancel, int cancel_fd, char **cause);
/*
 * One GET to a server on this machine (Tomcat's manager): http:// on a
 * loopback address only, or https:// accepted only when the server's
 * public key is one of pins ("sha256//BASE64;sha256//..." as libcurl's
 * CURLOPT_PINNEDPUBLICKEY; the certificate is not otherwise checked, it
 * is the server's own).  Basic authentication with user and pass when
 * user is set (the password never on a command line or in a message).
 * *status the HTTP status, *body the answer (at most 64 KiB, NUL
 * ended, malloc'd).  Redirects are not followed.
 */
int	 acme_local_get(const char *url, const char *user,
	     const struct secret *pass, const char *pins, int timeout,
	     atomic_int *cancel, long *status, char **body, char **cause);

/*
 * acme-parse.c: the answers, parsed from untrusted JSON (bounded counts
 * and lengths; wrong types are errors naming the member).  Exposed for
 * tests and fuzzing.
 */
struct acme_subproblem {
	char	*type;			/* without the error namespace */
	char	*detail;
	char	*ident;			/* the identifier's value, or NULL */
};
struct acme_problem {
	char			*type;	/* "badNonce", or the full URI when
					   not urn:ietf:params:acme:error: */
	char			*detail;
	int			 status;
	char			*ident;	/* identifier, or NULL */
	char			*instance; /* a URL for the user, or NULL */
	struct acme_subproblem	*sub;
	size_t			 nsub;
};
struct acme_dir {
	char	*new_nonce;
	char	*new_account;
	char	*new_order;
	char	*revoke_cert;
	char	*key_change;
	char	*terms;			/* meta.termsOfService */
	char	*website;
	bool	 eab_required;		/* meta.externalAccountRequired */
};
struct acme_account_obj {
	char	*status;
	char	*contact;		/* the first contact URL, or NULL */
};
struct acme_ident {
	char	*type;			/* "dns", "ip" */
	char	*value;
};
struct acme_order_obj {
	char			*status;
	struct acme_ident	*idents;
	size_t			 nidents;
	char			**authzs;
	size_t			 nauthzs;
	char			*finalize;
	char			*certificate;	/* or NULL */
	struct acme_problem	*error;		/* or NULL */
};
struct acme_chall_obj {
	char			*type;
	char			*url;
	char			*status;
	char			*token;		/* or NULL */
	struct acme_problem	*error;		/* or NULL */
};
struct acme_authz_obj {
	struct acme_ident	 ident;
	char			*status;
	bool			 wildcard;
	struct acme_chall_obj	*challs;
	size_t			 nchalls;
};
/* acme_parse_* fill a zeroed struct; on failure they free what they set.
 * what names the answer in messages ("directory", URL). */
int	 acme_parse_dir(const char *, size_t, struct acme_dir *,
	     char **cause);
int	 acme_parse_problem(const char *, size_t, struct acme_problem *,
	     char **cause);
int	 acme_parse_account(const char *, size_t, struct acme_account_obj *,
	     char **cause);
int	 acme_parse_order(const char *, size_t, struct acme_order_obj *,
	     char **cause);
int	 acme_parse_authz(const char *, size_t, struct acme_authz_obj *,
	     char **cause);
void	 acme_dir_done(struct acme_dir *);
void	 acme_problem_done(struct acme_problem *);
void	 acme_account_obj_done(struct acme_account_obj *);
void	 acme_order_obj_done(struct acme_order_obj *);
void	 acme_authz_obj_done(struct acme_authz_obj *);
/* A problem as one line: "NAME: TYPE: DETAIL" (name: the problem's
 * identifier, else the given one, else none); subproblems name their
 * identifiers.  Control characters become '?'.  Malloc'd. */
char	*acme_problem_line(const struct acme_problem *, const char *name);
/* Printable, one line, at most max bytes ("..." when cut).  Malloc'd. */
char	*acme_clean(const char *, size_t max);
/* An https URL we will talk to (no blanks or control characters). */
bool	 acme_url_ok(const char *);
/* Retry-After: delta-seconds or an HTTP date, as seconds from now
 * (>= 0), or -1 when it is neither. */
long	 acme_retry_after(const char *, time_t now);
/* A Link header value: the URL of each link with rel=REL (bounded);
 * *urls malloc'd. */
size_t	 acme_links(const char *value, const char *rel, char ***urls);

/* ------------------------------------------------------------------ */
/* step-acme.c: the server transaction around the ACME client
 * (docs/acme.md, The server transaction): decide, order, write the new
 * key and chain into the server's key material and switch its settings
 * (one set of safe writes with backups), reload, verify what is served,
 * and put every file back to its exact previous bytes when that fails. */

#define STEP_ACME_WINDOW_DAYS	30	/* renew with less than this left (or
					   a third of the lifetime) */
#define STEP_ACME_VERIFY_TIMEOUT 60	/* seconds to see the new cert */
#define STEP_ACME_RESTART_TIMEOUT 120	/* seconds a restart command runs */

/* The phases a run reports to opts->note (beside the ACME events). */
enum step_acme_phase {
	SA_P_DECIDE = 0,
	SA_P_ORDER,		/* the ACME events follow */
	SA_P_WRITE,
	SA_P_RELOAD,
	SA_P_VERIFY,
	SA_P_ROLLBACK,
	SA_P_DONE,
	SA_P__MAX
};

struct step_acme_opts {
	struct acme_opts acme;		/* the client (cancel, progress) */
	const char *const *names;	/* NULL: the served certificate's
					   DNS and IP names */
	size_t		 nnames;
	const char	*key;		/* "rsa2048" (NULL), "rsa3072",
					   "ec256", "ec384" */
	int		 renew_before;	/* days; < 0: the default window */
	bool		 force;		/* order whatever is left */
	const char	*restart;	/* command (words, no shell), or NULL:
					   the server kind's own way */
	const char	*manager_user;	/* Tomcat's manager (sslReload) */
	const struct secret *manager_pass;
	const char	*host;		/* the material serving this host
					   name (SNI), or NULL */
	int		 material;	/* 1..: the N-th key material as
					   status numbers them; 0: served */
	bool		 prune;		/* after success, remove earlier
					   entries or files ACME made for the
					   material ... */
	int		 prune_keep;	/* ... but the newest prune_keep */
	int		 verify_timeout; /* seconds; 0: STEP_ACME_VERIFY_TIMEOUT */
	const char	*probe_host;	/* NULL: as probe_server */
	const char	*probe_port;	/* NULL: server.port */
	bool		 dry_run;	/* decide and plan only */
	void		(*note)(enum step_acme_phase, const char *line,
			    void *arg);
	void		*note_arg;
};

enum step_acme_outcome {
	SA_NOTHING = 0,		/* enough time left: nothing written */
	SA_PLANNED,		/* dry run: what would be done */
	SA_RENEWED,		/* written, reloaded, served */
	SA_ROLLED_BACK,		/* written, not served: files put back */
	SA_FAILED		/* before any write (nothing changed), or
				   a rollback that failed (see cause) */
};

struct step_acme_result {
	enum step_acme_outcome outcome;
	char		*decision;	/* why (one line) */
	bool		 ours;		/* the current certificate was issued
					   through this directory */
	long		 days_left;	/* of the current certificate */
	time_t		 due;		/* when its renewal is due */
	char		**names;	/* ordered (or to order) */
	size_t		 nnames;
	struct acme_account_info account;
	struct acme_cert_result	 cert;	/* the new chain */
	char		*where;		/* the material: keystore or PEM */
	char		*alias;		/* the new entry's alias, or NULL */
	char		*cert_path;	/* new PEM files, or NULL */
	char		*key_path;
	char		**files;	/* every file written */
	size_t		 nfiles;
	unsigned int	*backups;	/* their backup ids (0: new file) */
	char		**plan;		/* the plan, one line each */
	size_t		 nplan;
	char		*restart;	/* how it was restarted (text) */
	char		*served_sha256;	/* hex of what is served at the end */
	char		*served_subject;
	int64_t		 served_not_after;
	char		*served_error;	/* why nothing could be probed */
	bool		 rolled_back;
	char		*failure;	/* what failed after the writes */
	char		**pruned;	/* aliases or files removed (--prune) */
	size_t		 npruned;
	unsigned int	 bad_nonces;	/* badNonce answers retried */
};
void	 step_acme_result_free(struct step_acme_result *);
/*
 * The whole run for m's served material (a keystore or PEM files).
 * 0 with outcome SA_NOTHING, SA_PLANNED or SA_RENEWED; -1 with *cause
 * for SA_ROLLED_BACK (every file is back, *cause says why) and
 * SA_FAILED.  A cancellation before the writes changes nothing; after
 * them it rolls back.
 */
int	 step_acme(struct server_model *, const struct step_acme_opts *,
	     struct step_acme_result *, char **cause);
/* The renewal window for a certificate: renew_before days (>= 0), else
 * max(STEP_ACME_WINDOW_DAYS, a third of its lifetime), in seconds. */
int64_t	 step_acme_window(const struct cert *, int renew_before);
/* Was this certificate issued through directory (its SHA-256, or its
 * issuer's key identifier, in the state directory's issued record)? */
bool	 step_acme_issued_here(const char *state_dir, const char *directory,
	     struct cert *);
/* The SHA-256 (lower-case hex, malloc'd each) of every certificate in
 * the issued records of every directory under state_dir (NULL:
 * acme_state_dir()); none when there are no records. */
void	 step_acme_issued_all(const char *state_dir, char ***sha,
	     size_t *n);
/* Record an issued certificate (STATE/<hash>/issued, a line each). */
int	 step_acme_record(const char *state_dir, const char *directory,
	     struct cert *, char **cause);

/* ------------------------------------------------------------------ */
/* report.c: hosts' status reports read back (tlsdeck fleet;
 * docs/architecture.md, Scan and fleet).  A report is the JSON of
 * tlsdeck status or tlsdeck scan, one per host, collected from many
 * hosts: untrusted input, parsed with jansson within REPORT_MAX_SIZE and
 * summarised into what the fleet view shows; a report that cannot be
 * read is a host with its error, so the others still show. */

#define REPORT_MAX_SIZE		(32UL * 1024 * 1024)	/* bytes of one */
#define REPORT_MAX_STREAM	(512UL * 1024 * 1024)	/* bytes of "-" */
#define REPORT_MAX_HOSTS	100000
#define REPORT_STALE_HOURS	24	/* default: older reports are stale */

/* One certificate of a report. */
struct report_cert {
	char		*server;	/* the config of its server, or NULL (a
					   standalone file) */
	char		*file;
	char		*alias;
	char		*subject;
	char		*role;		/* "leaf", "trusted", "anchor", "key",
					   "certificate", ... as reported */
	int64_t		 not_after;
	enum sev	 sev;		/* as reported */
	bool		 trust;		/* a trust anchor or trusted entry: not
					   counted for the nearest expiry */
};

struct report_finding {
	char		*server;	/* its server's config, or NULL */
	enum sev	 sev;
	char		*code;
	char		*file;
	char		*message;
	char		*fix;		/* what to do, or NULL */
	char		*alias;		/* the entry it concerns, or NULL */
	int		 form;		/* enum form_kind, FORM_NONE */
};

struct report_setting {
	char		*server;
	char		*key;
	char		*value;		/* masked as reported, or NULL */
	enum sev	 sev;
	char		*check;
};

/* A server of a report (status: one; scan: every one found). */
struct report_server {
	char		*config;
	char		*kind;
	enum sev	 sev;
	char		*jre;		/* its JRE's version, or NULL */
	char		*keystore;	/* the served keystore, or NULL */
	char		*error;		/* it could not be loaded, or NULL */
};

struct host_report {
	char		*name;		/* the report's "host", else the file
					   name without ".json" */
	char		*source;	/* the file, or "stdin, document N" */
	char		*error;		/* why the report could not be read
					   (then only name and source are
					   set), or NULL */
	const char	*type;		/* "status" or "scan" */
	enum sev	 sev;		/* its status (SEV_INFO: none given) */
	int64_t		 time;		/* when it was made, or 0 */
	int64_t		 nearest;	/* earliest expiry of a certificate
					   that is not a trust anchor, or
					   INT64_MAX */
	char		*nearest_what;	/* that certificate's alias or
					   subject, or NULL */
	char		*kind;		/* the servers' kinds, "spring" or
					   "spring, tomcat"; NULL: none */
	char		*jre;		/* the first server's JRE version */
	size_t		 ncrit;		/* findings by severity */
	size_t		 nwarn;
	size_t		 ninfo;
	char		*fix;		/* the most severe finding's fix (the
					   first with one), or NULL */
	char		*fix_server;	/* ... and its server, or NULL */
	char		*fix_command;	/* ... the command on the host that
					   fixes it (report_fix_command), or
					   NULL */
	size_t		 nfiles;	/* standalone files of a scan */
	struct report_server *servers;
	size_t		 nservers;
	struct report_cert *certs;	/* by expiry, earliest first */
	size_t		 ncerts;
	struct report_finding *findings; /* most severe first */
	size_t		 nfindings;
	struct report_setting *settings;
	size_t		 nsettings;
};

struct fleet {
	struct host_report **hosts;	/* most urgent first (fleet_sort) */
	size_t		 nhosts;
	size_t		 nerrors;	/* hosts whose report was unreadable */
	bool		 truncated;	/* REPORT_MAX_HOSTS reached */
};

/*
 * Parse one report (buf need not be NUL-terminated).  name: the host
 * name unless the report gives one; source: where it came from (for
 * messages).  Returns a host: when the report is malformed, not a status
 * or scan report, or too large, its error says so in one line naming
 * source.  Never fails otherwise.
 */
struct host_report *report_parse(const char *buf, size_t len,
		     const char *name, const char *source);
void		 host_report_free(struct host_report *);
/*
 * The reports of a directory (every regular file whose name does not
 * start with '.', each at most REPORT_MAX_SIZE) or, for "-", of the
 * stream of JSON documents on fd (at most REPORT_MAX_STREAM bytes).
 * Fails only when the directory or stream cannot be read at all.
 */
int		 fleet_load(const char *src, int fd, struct fleet **,
		     char **cause);
/* Most urgent first: unreadable reports and critical, then warning, then
 * ok; within, the nearest expiry first, then by name. */
void		 fleet_sort(struct fleet *);
void		 fleet_free(struct fleet *);
/*
 * The command that fixes finding f on host h, as one shell line with
 * every path quoted (malloc'd): "ssh HOST tlsdeck trust --properties
 * FILE" for an untrusted certificate, "ssh HOST tlsdeck --properties
 * FILE" (the dashboard, whose form fixes it) for the others of a server,
 * "ssh HOST tlsdeck list FILE" for a standalone file; NULL when the
 * finding names neither.
 */
char		*report_fix_command(const struct host_report *,
		     const struct report_finding *);
/* Is the report older than hours (or of unknown time)? */
bool		 report_stale(const struct host_report *, time_t now,
		     int hours);
/* "2026-11-29T15:16:16Z" (also with fractions or an offset) to seconds
 * since the epoch; -1 when it is not such a time. */
int64_t		 report_time_parse(const char *);

/* ------------------------------------------------------------------ */
/* ensure.c: tlsdeck ensure SPEC.yaml, a server's desired HTTPS state,
 * changed only where it differs (docs/architecture.md, Desired state). */

struct ensure_setting {
	char		*key;
	char		*value;
};

/* https.acme: the key pair from an ACME CA through step_acme. */
struct ensure_acme {
	char		*directory;	/* https:// URL */
	char		*email;		/* or NULL */
	bool		 agree_tos;
	enum acme_chall	 chall;
	int		 http_port;	/* 0: 80 */
	char		*http_address;	/* NULL: every address */
	char		*webroot;	/* ACME_WEBROOT */
	char		*dns_hook;	/* ACME_DNS01 */
	int		 dns_wait;
	char		*ca_file;	/* the CA's TLS roots, or NULL */
	char		*key;		/* "rsa2048" (NULL), "ec256", ... */
	int		 renew_before;	/* days; -1: step_acme's window */
	char		*preferred_issuer;
	char		*restart;	/* command (words), or NULL */
	int		 verify_timeout; /* seconds, 0: the default */
	int		 timeout;
};

#define ENSURE_TRUST_CACERTS	0x1	/* the server JRE's cacerts */
#define ENSURE_TRUST_SERVER	0x2	/* the server's own trust store(s) */

/* A spec (YAML, libcyaml): never a password. */
struct ensure_spec {
	char		*server;	/* a server directory, or */
	char		*properties;	/* its configuration file */
	bool		 https;		/* an https: section was given */
	char		**domains;	/* the names its certificate has */
	size_t		 ndomains;
	char		*keystore;	/* NULL: the configured one, else
					   conf/ssl/keystore.p12 (relative:
					   to the server's directory) */
	char		*alias;		/* NULL: the configured, else
					   "tlsdeck" */
	enum ks_format	 storetype;	/* a new file (UNKNOWN: PKCS12) */
	int		 min_days;	/* a new key pair below (30) */
	int		 days;		/* a new certificate's validity (825) */
	char		*keyalg;	/* "rsa" or "ec" (NULL: rsa) */
	int		 port;		/* server.port, or 0: as it is */
	char		*pem_key;	/* the key pair from PEM files instead
					   of self-signed */
	char		*pem_chain;
	bool		 trust;		/* trust a self-signed certificate in
					   the server JRE's cacerts (true) */
	char		**ca_files;	/* CA certificates to trust there */
	size_t		 nca_files;
	struct ensure_acme *acme;	/* the key pair from ACME, or NULL */
	int		 trust_in;	/* trust: ENSURE_TRUST_* */
	char		**trust_certs;	/* trust.certs: trusted there */
	size_t		 ntrust_certs;
	struct ensure_setting *settings; /* more settings (no passwords) */
	size_t		 nsettings;
};
int		 ensure_spec_parse(const void *, size_t, const char *name,
		     struct ensure_spec **, char **cause);
int		 ensure_spec_load(const char *path, struct ensure_spec **,
		     char **cause);
void		 ensure_spec_free(struct ensure_spec *);

struct ensure_opts {
	const struct secret *storepass;	/* NULL: the configured password */
	const struct secret *cacerts_pass; /* NULL: as step_trust tries */
	const char	*jre;		/* --jre, or NULL */
	const char	*cacerts;	/* --cacerts, or NULL */
	bool		 check;		/* a dry run of every step */
	bool		 diff;		/* fill before and after */
	int		 server_flags;
};

/* One part of the state: "keypair", "settings" (one per file), "trust"
 * (one per certificate). */
struct ensure_action {
	char		*name;
	char		*target;	/* the file it concerns */
	bool		 changed;	/* changed (check: would change) */
	char		*summary;	/* one line: what and why */
	char		**notes;	/* the steps' notes */
	size_t		 nnotes;
	char		*before;	/* diff: the text before and after */
	char		*after;		/* (passwords masked), or NULL */
	unsigned int	 backup_id;	/* of the file changed, or 0 */
};

struct ensure_result {
	bool		 changed;
	bool		 keypair_changed;
	struct ensure_action *actions;
	size_t		 nactions;
	struct server_model *m;		/* the server afterwards (check: as
					   it is), audited */
};
/*
 * Compare the server with the spec and change what differs, action by
 * action (check: nothing written).  -1 with *cause when the server or a
 * keystore cannot be read, or a step refuses; the actions done before
 * stay done (each is whole: a transaction of its own).
 */
int		 ensure_run(const struct ensure_spec *,
		     const struct ensure_opts *, struct ensure_result *,
		     char **cause);
void		 ensure_result_free(struct ensure_result *);

#endif /* TLSDECK_CORE_H */

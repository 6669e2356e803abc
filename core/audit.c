/* SPDX-License-Identifier: ISC */
/*
 * audit.c -- findings, data not errors (docs/findings.md).  Each has a stable
 * code, a severity, where (file:line or alias), what is wrong, what to do,
 * and the form that fixes it.
 *
 * server.c adds the findings about loading (files, passwords, the JRE);
 * audit_run judges what was loaded: certificates, the chain and its trust,
 * the text of application.properties, the settings against each other, and
 * the running server.  The table below lists every code either adds.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core.h"

/* Every code: the form that fixes it and the settings-row label. */
static const struct audit_code {
	const char	*code;
	int		 form;
	const char	*label;
} audit_codes[] = {
	/* certificates */
	{ "cert-expired",		FORM_GENKEY,	   "expired" },
	{ "cert-expiring",		FORM_GENKEY,	   "expiring" },
	{ "cert-not-yet-valid",		FORM_GENKEY,	   "not yet valid" },
	{ "cert-weak-key",		FORM_GENKEY,	   "weak key" },
	{ "cert-weak-signature",	FORM_CSR,	   "weak signature" },
	{ "cert-no-san",		FORM_GENKEY,	   "no SAN" },
	{ "base-url-not-in-san",	FORM_GENKEY,	   "not in SAN" },
	{ "cert-self-signed",		FORM_CSR,	   "self-signed" },
	{ "chain-incomplete",		FORM_IMPORT_REPLY, "incomplete" },
	{ "chain-not-sent",		FORM_IMPORT_REPLY, "short chain" },
	{ "cert-untrusted",		FORM_TRUST,	   "untrusted" },
	{ "key-cert-mismatch",		FORM_IMPORT_REPLY, "key mismatch" },
	{ "no-key-entry",		FORM_GENKEY,	   "no key" },
	/* settings */
	{ "properties-malformed",	FORM_NONE,	   "malformed" },
	{ "property-duplicate",		FORM_SETTINGS,	   "duplicate" },
	{ "properties-non-ascii",	FORM_NONE,	   "non-ASCII" },
	{ "properties-backslash",	FORM_SETTINGS,	   "backslash" },
	{ "placeholder-cycle",		FORM_SETTINGS,	   "cycle" },
	{ "placeholder-unresolved",	FORM_SETTINGS,	   "unresolved" },
	{ "shared-data-path-assumed",	FORM_NONE,	   "assumed" },
	{ "https-off",			FORM_GENKEY,	   "HTTPS off" },
	{ "ssl-disabled",		FORM_SETTINGS,	   "disabled" },
	{ "port-invalid",		FORM_SETTINGS,	   "invalid" },
	{ "keystore-missing",		FORM_SETTINGS,	   "missing" },
	{ "keystore-is-directory",	FORM_SETTINGS,	   "directory" },
	{ "keystore-unreadable",	FORM_NONE,	   "unreadable" },
	{ "keystore-corrupt",		FORM_GENKEY,	   "unreadable" },
	{ "keystore-classpath",		FORM_SETTINGS,	   "in the jar" },
	{ "keystore-path-relative",	FORM_SETTINGS,	   "relative" },
	{ "keystore-password-missing",	FORM_SETTINGS,	   "unset" },
	{ "keystore-password-wrong",	FORM_SETTINGS,	   "wrong" },
	{ "key-password-wrong",		FORM_SETTINGS,	   "wrong" },
	{ "password-example",		FORM_SETTINGS,	   "example" },
	{ "keystore-type-mismatch",	FORM_SETTINGS,	   "mismatch" },
	{ "keystore-type-invalid",	FORM_SETTINGS,	   "invalid" },
	{ "alias-missing",		FORM_SETTINGS,	   "missing" },
	{ "alias-not-key",		FORM_SETTINGS,	   "not a key" },
	{ "alias-unset",		FORM_SETTINGS,	   "unset" },
	{ "alias-not-lowercase",	FORM_NONE,	   "case" },
	{ "require-ssl-no-effect",	FORM_SETTINGS,	   "no effect" },
	{ "base-url-scheme",		FORM_SETTINGS,	   "scheme" },
	{ "base-url-port",		FORM_SETTINGS,	   "port differs" },
	{ "base-url-placeholder",	FORM_SETTINGS,	   "placeholder" },
	{ "base-url-invalid",		FORM_SETTINGS,	   "invalid" },
	{ "setting-ignored",		FORM_SETTINGS,	   "ignored" },
	{ "setting-overridden",		FORM_NONE,	   "overridden" },
	{ "ssl-bundle-missing",		FORM_NONE,	   "no bundle" },
	{ "client-auth-no-trust",	FORM_NONE,	   "no trust" },
	{ "spring-json-invalid",	FORM_NONE,	   "invalid" },
	{ "config-not-editable",	FORM_NONE,	   "read only" },
	{ "tomcat-legacy-tls",		FORM_NONE,	   "old attributes" },
	{ "jetty-obf-invalid",		FORM_SETTINGS,	   "corrupt OBF" },
	{ "jetty-keystore-path-absolute", FORM_SETTINGS,   "below base" },
	{ "jetty-truststore-missing",	FORM_SETTINGS,	   "missing" },
	/* files */
	{ "keystore-world-readable",	FORM_NONE,	   "readable" },
	{ "properties-world-readable",	FORM_NONE,	   "readable" },
	{ "keystore-server-cannot-read", FORM_NONE,	   "no access" },
	{ "pkcs12-too-new",		FORM_CONVERT,	   "too new" },
	{ "keystore-jks",		FORM_CONVERT,	   "JKS" },
	{ "keystore-alias-twice",	FORM_NONE,	   "alias twice" },
	{ "jre-not-found",		FORM_NONE,	   "no JRE" },
	{ "cacerts-missing",		FORM_NONE,	   "missing" },
	{ "cacerts-unreadable",		FORM_NONE,	   "unreadable" },
	{ "cacerts-password-unknown",	FORM_TRUST,	   "password?" },
	{ "cacerts-symlink",		FORM_TRUST,	   "symlink" },
	{ "cacerts-distro",		FORM_TRUST,	   "distro" },
	{ "jssecacerts-present",	FORM_TRUST,	   "jssecacerts" },
	/* live */
	{ "port-not-listening",		FORM_NONE,	   "not listening" },
	{ "served-cert-differs",	FORM_NONE,	   "differs" },
	{ "served-chain-untrusted",	FORM_TRUST,	   "untrusted" },
	{ "served-chain-incomplete",	FORM_IMPORT_REPLY, "short chain" },
	{ "served-not-tls",		FORM_NONE,	   "not TLS" },
	{ "probe-failed",		FORM_NONE,	   "probe failed" },
};

/* Passwords from documentation and habit (the vendor's own first). */
static const char *audit_example_passwords[] = {
	"D0N0tU5eTh1sP@ssW0rd!", "changeit", "changeme", "password",
	"secret", "your-password", "123456", "admin",
};

/* The table row for code, or NULL. */
static const struct audit_code *
audit_code_find(const char *code)
{
	size_t	i;

	for (i = 0; i < sizeof audit_codes / sizeof audit_codes[0]; i++)
		if (strcmp(audit_codes[i].code, code) == 0)
			return (&audit_codes[i]);
	return (NULL);
}

const char *
audit_code_label(const char *code)
{
	const struct audit_code	*ac = audit_code_find(code);

	return (ac != NULL ? ac->label : "");
}

int
audit_code_form(const char *code)
{
	const struct audit_code	*ac = audit_code_find(code);

	return (ac != NULL ? ac->form : FORM_NONE);
}

struct finding *
audit_add(struct server_model *m, const char *code, enum sev sev,
    const char *file, int line, const char *alias, const char *key,
    const char *fix, const char *fmt, ...)
{
	struct finding	*f;
	va_list		 ap;
	char		*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	f = finding_add(m, code, sev, file, line, alias, audit_code_form(code),
	    fix, "%s", msg);
	free(msg);
	if (key != NULL)
		f->key = xstrdup(key);
	return (f);
}

/* Is there a finding with this code already? */
static bool
audit_has(const struct server_model *m, const char *code)
{
	size_t	i;

	for (i = 0; i < m->nfindings; i++)
		if (strcmp(m->findings[i]->code, code) == 0)
			return (true);
	return (false);
}

/* The line of the winning entry for key in a file, 0 when unset. */
static int
audit_line(const struct server_model *m, const char *key)
{
	const char	*file;
	int		 line;

	cfg_where(m, key, &file, &line);
	return (line);
}

/* The file (or source) of the winning entry for key, else the main
 * file. */
static const char *
audit_file(const struct server_model *m, const char *key)
{
	const char	*file;
	int		 line;

	cfg_where(m, key, &file, &line);
	return (file);
}

/* ------------------------------------------------------------------ */
/* URLs and names */

bool
audit_parse_url(const char *url, char **scheme, char **host, int *port)
{
	const char	*p, *h, *e, *c;
	char		*end;
	long		 n;

	*scheme = *host = NULL;
	*port = -1;
	while (*url == ' ' || *url == '\t')
		url++;
	if ((p = strstr(url, "://")) == NULL || p == url)
		return (false);
	for (c = url; c < p; c++)
		if (!isalpha((unsigned char)*c) && *c != '+' && *c != '-' &&
		    *c != '.')
			return (false);
	h = p + 3;
	if ((c = strchr(h, '@')) != NULL && c < h + strcspn(h, "/?#"))
		h = c + 1;
	if (*h == '[') {
		if ((e = strchr(h, ']')) == NULL)
			return (false);
		*host = xstrndup(h + 1, e - h - 1);
		c = e + 1;
	} else {
		e = h + strcspn(h, ":/?# \t");
		*host = xstrndup(h, e - h);
		c = e;
	}
	if (**host == '\0') {
		free(*host);
		*host = NULL;
		return (false);
	}
	if (*c == ':') {
		n = strtol(c + 1, &end, 10);
		if (end == c + 1 || n < 0 || n > 65535 ||
		    (*end != '\0' && strchr("/?# \t", *end) == NULL)) {
			free(*host);
			*host = NULL;
			return (false);
		}
		*port = (int)n;
	}
	*scheme = xstrndup(url, p - url);
	for (end = *scheme; *end != '\0'; end++)
		*end = (char)tolower((unsigned char)*end);
	return (true);
}

/* Does a DNS SAN pattern match host (case-insensitive, "*." one label)? */
static bool
audit_dns_match(const char *pat, const char *host)
{
	const char	*dot;

	if (strcasecmp(pat, host) == 0)
		return (true);
	if (strncmp(pat, "*.", 2) != 0)
		return (false);
	if ((dot = strchr(host, '.')) == NULL || dot == host)
		return (false);
	return (strcasecmp(pat + 1, dot) == 0);
}

/* Same IP address in any notation? */
static bool
audit_ip_match(const char *a, const char *b)
{
	unsigned char	x[16], y[16];

	if (inet_pton(AF_INET, a, x) == 1)
		return (inet_pton(AF_INET, b, y) == 1 && memcmp(x, y, 4) == 0);
	if (inet_pton(AF_INET6, a, x) == 1)
		return (inet_pton(AF_INET6, b, y) == 1 &&
		    memcmp(x, y, 16) == 0);
	return (false);
}

bool
audit_san_matches(const struct cert *c, const char *host)
{
	const char	*s;
	unsigned char	 tmp[16];
	bool		 ip;
	size_t		 i;

	ip = inet_pton(AF_INET, host, tmp) == 1 ||
	    inet_pton(AF_INET6, host, tmp) == 1;
	for (i = 0; i < c->info.nsan; i++) {
		s = c->info.san[i];
		if (!ip && strncmp(s, "DNS:", 4) == 0 &&
		    audit_dns_match(s + 4, host))
			return (true);
		if (ip && strncmp(s, "IP:", 3) == 0 &&
		    audit_ip_match(s + 3, host))
			return (true);
	}
	return (false);
}

/* ------------------------------------------------------------------ */
/* Certificates */

enum sev
audit_cert_sev(const struct server_model *m, const struct cert *c)
{
	long		days = cert_days_left(c, m->now);
	int64_t		life, left;
	enum sev	sev = SEV_OK;

	if (c->info.not_after <= (int64_t)m->now)
		return (SEV_CRIT);
	if (days <= m->crit_days)
		sev = SEV_CRIT;
	else if (days <= m->warn_days)
		sev = SEV_WARN;
	life = c->info.not_after - c->info.not_before;
	left = c->info.not_after - (int64_t)m->now;
	if (life > 0 && left < life) {
		if (m->crit_percent > 0 && left * 100 <= life *
		    m->crit_percent)
			sev = SEV_CRIT;
		else if (m->warn_percent > 0 && left * 100 <= life *
		    m->warn_percent && sev < SEV_WARN)
			sev = SEV_WARN;
	}
	return (sev);
}

/* Has the list a certificate with c's fingerprint? */
static bool
audit_ref_has(const struct server_model *m, struct cert *c)
{
	size_t	i;

	for (i = 0; i < m->ncerts; i++)
		if (cert_equal(m->certs[i].cert, c))
			return (true);
	return (false);
}

/* Append a certificate reference. */
static void
audit_ref_add(struct server_model *m, struct cert *c, const char *file,
    const struct ks_entry *e, const char *position, bool served,
    struct key_material *mat)
{
	struct cert_ref	*r;
	char		*alias;

	alias = termesc(e->alias, e->alias_len, 0);
	m->certs = xreallocarray(m->certs, m->ncerts + 1, sizeof *m->certs);
	r = &m->certs[m->ncerts++];
	memset(r, 0, sizeof *r);
	r->cert = c;
	r->file = xstrdup(file != NULL ? file : "");
	r->alias = alias;
	r->position = position;
	r->served = served;
	r->days_left = cert_days_left(c, m->now);
	r->sev = audit_cert_sev(m, c);
	r->material = mat;
}

/* Position of chain[i] in a key entry's chain. */
static const char *
audit_position(struct cert **chain, size_t n, size_t i)
{
	if (i == 0)
		return ("leaf");
	if (i == n - 1 && chain[i]->info.self_signed)
		return ("root");
	return ("intermediate");
}

/* qsort: fewest days left first. */
static int
audit_ref_cmp(const void *a, const void *b)
{
	const struct cert_ref	*x = a, *y = b;

	if (x->cert->info.not_after != y->cert->info.not_after)
		return (x->cert->info.not_after < y->cert->info.not_after ?
		    -1 : 1);
	return (strcmp(x->alias, y->alias));
}

/* Is a material's key entry in use for TLS (its chain is sent)? */
static bool
audit_in_use(const struct key_material *mat)
{
	return (mat->role == KM_ROLE_SERVER || mat->role == KM_ROLE_SNI ||
	    mat->role == KM_ROLE_QUEUE);
}

/* Every certificate worth a look: each material's chain (the served one
 * first), its anchor, the rest of its keystore (each once). */
static void
audit_collect_one(struct server_model *m, struct key_material *mat)
{
	struct ks_entry	*e = mat->key_entry, *te;
	struct keystore	*ks = mat->ks;
	size_t		 i, j;
	bool		 use = audit_in_use(mat);

	if (e != NULL) {
		for (i = 0; i < e->nchain; i++)
			if (!audit_ref_has(m, e->chain[i]))
				audit_ref_add(m, e->chain[i], mat->path, e,
				    audit_position(e->chain, e->nchain, i),
				    use, mat);
	}
	if (use && mat->trusted && mat->trusted_alias != NULL &&
	    m->jre.trust != NULL &&
	    (te = keystore_find(m->jre.trust, mat->trusted_alias)) != NULL &&
	    te->nchain > 0 && !audit_ref_has(m, te->chain[0]))
		audit_ref_add(m, te->chain[0], m->jre.jssecacerts ?
		    m->jre.jssecacerts_path : m->jre.cacerts, te, "anchor",
		    true, NULL);
	for (i = 0; ks != NULL && i < ks->nentries; i++) {
		te = ks->entries[i];
		if (te == e)
			continue;
		for (j = 0; j < te->nchain; j++) {
			if (audit_ref_has(m, te->chain[j]))
				continue;
			audit_ref_add(m, te->chain[j], mat->path, te,
			    te->type == KS_ENTRY_KEY ? audit_position(
			    te->chain, te->nchain, j) : "trusted", false, mat);
		}
	}
}

static void
audit_collect(struct server_model *m)
{
	size_t	i;

	audit_collect_one(m, m->served);
	for (i = 0; i < m->nmaterials; i++)
		if (m->materials[i] != m->served)
			audit_collect_one(m, m->materials[i]);
	if (m->ncerts > 1)
		qsort(m->certs, m->ncerts, sizeof *m->certs, audit_ref_cmp);
}

/* The fix for an encryption certificate's dates. */
#define ENC_FIX	"nothing to do: the encryption key is not used for TLS " \
		"and must never be replaced"

/* Dates: expired, expiring, not yet valid. */
static void
audit_dates(struct server_model *m)
{
	struct cert_ref	*r;
	struct cert	*c;
	char		 na[32], nb[32];
	size_t		 i;
	enum sev	 sev;

	for (i = 0; i < m->ncerts; i++) {
		r = &m->certs[i];
		c = r->cert;
		time_iso8601(c->info.not_after, na, sizeof na);
		if (r->material != NULL &&
		    r->material->role == KM_ROLE_ENCRYPTION) {
			/* not used for TLS: its dates matter to nobody */
			if (c->info.not_after <= (int64_t)m->now)
				audit_add(m, "cert-expired", SEV_INFO, r->file,
				    0, r->alias, NULL, ENC_FIX, "encryption "
				    "certificate \"%s\" (%s) expired on %s (it "
				    "is not used for TLS: the key still "
				    "decrypts)", c->info.subject, r->alias,
				    na)->material = r->material;
			else if (r->sev > SEV_OK)
				audit_add(m, "cert-expiring", SEV_INFO,
				    r->file, 0, r->alias, NULL, ENC_FIX,
				    "encryption certificate \"%s\" (%s) "
				    "expires on %s (it is not used for TLS: "
				    "the key still decrypts)", c->info.subject,
				    r->alias, na)->material = r->material;
			continue;
		}
		if (c->info.not_after <= (int64_t)m->now) {
			audit_add(m, "cert-expired", r->served ? SEV_CRIT :
			    SEV_WARN, r->file, 0, r->alias, NULL, r->served ?
			    "renew: new key pair and CSR, or a new "
			    "self-signed certificate (Renew wizard)" :
			    "renew it, or delete the entry if nothing uses it",
			    "%s certificate \"%s\" (%s) expired on %s, %ld "
			    "days ago", r->position, c->info.subject,
			    r->alias, na, -r->days_left)->material =
			    r->material;
		} else if (r->sev > SEV_OK) {
			sev = r->served ? r->sev : SEV_WARN;
			audit_add(m, "cert-expiring", sev, r->file, 0, r->alias,
			    NULL, r->served ? "renew it now (Renew wizard)" :
			    "renew it, or delete the entry if nothing uses it",
			    "%s certificate \"%s\" (%s) expires in %ld days "
			    "(%s)", r->position, c->info.subject, r->alias,
			    r->days_left, na)->material =
			    r->material;
		}
		if (c->info.not_before > (int64_t)m->now) {
			time_iso8601(c->info.not_before, nb, sizeof nb);
			audit_add(m, "cert-not-yet-valid", r->served ?
			    SEV_CRIT : SEV_WARN, r->file, 0, r->alias, NULL,
			    "check the clock of this host and of the CA; "
			    "wait, or re-issue", "%s certificate \"%s\" (%s) "
			    "is not valid before %s", r->position,
			    c->info.subject, r->alias, nb)->material =
			    r->material;
		}
	}
}

/* Key size and signature of what a material sends. */
static void
audit_strength(struct server_model *m, struct key_material *mat)
{
	struct ks_entry	*e = mat->key_entry;
	struct cert	*c;
	const char	*k, *pos;
	size_t		 i;
	bool		 weak;

	if (e == NULL)
		return;
	for (i = 0; i < e->nchain; i++) {
		c = e->chain[i];
		k = c->info.key;
		pos = audit_position(e->chain, e->nchain, i);
		weak = false;
		if (strncmp(k, "RSA", 3) == 0 || strncmp(k, "DSA", 3) == 0)
			weak = c->info.key_bits > 0 && c->info.key_bits < 2048;
		else if (strncmp(k, "EC", 2) == 0)
			weak = c->info.key_bits > 0 && c->info.key_bits < 256;
		if (weak)
			audit_add(m, "cert-weak-key", SEV_CRIT,
			    mat->path, 0, e->alias, NULL, i == 0 ?
			    "make a new key pair: RSA 2048+ or EC P-256+ "
			    "(Renew wizard)" : "ask the CA for a chain with "
			    "stronger keys", "%s certificate \"%s\" has a "
			    "weak key: %s (needs RSA 2048 or EC 256 bits)",
			    pos, c->info.subject, k)->material = mat;
		if (c->info.weak_sig && (i == 0 || !c->info.self_signed))
			audit_add(m, "cert-weak-signature", SEV_CRIT,
			    mat->path, 0, e->alias, NULL, i == 0 ?
			    "get a new certificate signed with SHA-256 (new "
			    "CSR, or a new self-signed one)" : "ask the CA "
			    "for a SHA-256 chain", "%s certificate \"%s\" is "
			    "signed with %s: clients reject SHA-1 and MD5",
			    pos, c->info.subject, c->info.sig_alg)->material =
			    mat;
	}
}

/* The leaf's names against im.base-url, and self-signed use. */
static void
audit_names(struct server_model *m)
{
	struct ks_entry	*e = m->served->key_entry;
	struct cert	*leaf;
	char		*scheme = NULL, *host = NULL;
	int		 port;

	if (e == NULL || e->nchain == 0)
		return;
	leaf = e->chain[0];
	if (leaf->info.self_signed)
		audit_add(m, "cert-self-signed", SEV_INFO, m->served->path, 0,
		    e->alias, NULL, "fine for tests; for production get it "
		    "signed by a CA (CSR form)", "the server certificate "
		    "\"%s\" is self-signed: browsers warn unless it is "
		    "imported into their trust store",
		    leaf->info.subject)->material = m->served;
	if (leaf->info.nsan == 0) {
		audit_add(m, "cert-no-san", SEV_WARN, m->served->path, 0,
		    e->alias, NULL, "make a new certificate with a SAN "
		    "(New key pair / CSR with SANs: keytool -certreq drops "
		    "them unless -ext SAN= is given again)", "the server "
		    "certificate \"%s\" has no subjectAltName: browsers "
		    "ignore the CN and reject it",
		    leaf->info.subject)->material = m->served;
		return;
	}
	if (m->base_url == NULL || !m->ssl ||
	    !audit_parse_url(m->base_url, &scheme, &host, &port))
		goto out;
	if (strstr(host, "IM_SERVER_HOSTNAME") != NULL)
		goto out;
	if (!audit_san_matches(leaf, host)) {
		char	*list = NULL, *t;
		size_t	 i;

		for (i = 0; i < leaf->info.nsan; i++) {
			xasprintf(&t, "%s%s%s", list != NULL ? list : "",
			    list != NULL ? ", " : "", leaf->info.san[i]);
			free(list);
			list = t;
		}
		audit_add(m, "base-url-not-in-san", SEV_WARN,
		    audit_file(m, "im.base-url"), audit_line(m, "im.base-url"),
		    e->alias, "im.base-url",
		    "make a certificate whose SAN has the host (or correct "
		    "im.base-url)", "im.base-url host \"%s\" is not in the "
		    "certificate's SAN (%s): clients calling that URL reject "
		    "the certificate", host, list);
		free(list);
	}
out:
	free(scheme);
	free(host);
}

/* The chain: complete?  Sent whole?  Trusted by the JRE? */
static void
audit_chain(struct server_model *m, struct key_material *mat)
{
	struct ks_entry	*e = mat->key_entry;
	struct cert	*top, *miss;
	const char	*store;

	if (e == NULL || e->nchain == 0 || mat->nchain == 0)
		return;
	top = mat->chain[mat->nchain - 1];
	store = m->jre.jssecacerts ? m->jre.jssecacerts_path :
	    m->jre.cacerts;
	if (!mat->chain_complete && !mat->trusted) {
		audit_add(m, "chain-incomplete", SEV_CRIT, mat->path, 0,
		    e->alias, NULL, "import the issuing CA's certificates "
		    "(Import CA reply, or Import trusted certificate)",
		    "no path from \"%s\" to a root: the issuer \"%s\" is "
		    "neither in the keystore nor in the JRE's cacerts",
		    e->chain[0]->info.subject, top->info.issuer)->material =
		    mat;
		return;
	}
	if (mat->nsent < mat->nchain &&
	    !mat->chain[mat->nsent]->info.self_signed) {
		miss = mat->chain[mat->nsent];
		audit_add(m, "chain-not-sent", SEV_WARN, mat->path, 0,
		    e->alias, NULL, "import the CA reply again with its whole "
		    "chain (Import CA reply)", "key entry \"%s\" holds %zu "
		    "certificate(s): the server does not send intermediate "
		    "\"%s\", which clients need", e->alias, mat->nsent,
		    miss->info.subject)->material = mat;
	}
	if (m->jre.trust != NULL && !mat->trusted && mat->chain_complete)
		audit_add(m, "cert-untrusted", SEV_WARN, store, 0, e->alias,
		    NULL, top == e->chain[0] ? "import the server certificate "
		    "into the JRE's cacerts (Trust form)" : "import the root "
		    "CA certificate into the JRE's cacerts (Trust form)",
		    "the JRE the server runs on does not trust %s \"%s\": "
		    "its own HTTPS calls to %s fail", top ==
		    e->chain[0] ? "the self-signed server certificate" :
		    "the root", top->info.subject, m->base_url != NULL ?
		    "im.base-url" : "itself (and to every server with this "
		    "certificate)")->material = mat;
}

/* ------------------------------------------------------------------ */
/* The properties text and settings */

/* Keys whose problems stop HTTPS (settings rows). */
static bool
audit_key_relevant(const char *canon)
{
	return (strncmp(canon, "server.ssl.", 11) == 0 ||
	    strcmp(canon, "server.port") == 0 ||
	    strcmp(canon, "im.baseurl") == 0 ||
	    strcmp(canon, "security.requiressl") == 0 ||
	    strcmp(canon, "shareddatapath") == 0 ||
	    strcmp(canon, "installpath") == 0);
}

/* Lines of a duplicated key named in its finding (the first ones and the
 * last): a key repeated 100,000 times still makes one short line. */
#define AUDIT_DUP_LINES	5
/* Findings of one kind made line by line (duplicates, backslashes): past
 * this many, one more finding counts the rest, so that a hostile file of
 * 100,000 such lines makes a short report, not 100,000 findings. */
#define AUDIT_LINE_FINDINGS	100

/*
 * Duplicated keys (relaxed names), every line named up to AUDIT_DUP_LINES.
 * The document is indexed by relaxed key: one pass, no pairwise compare.
 */
static void
audit_duplicates(struct server_model *m, const struct props *p,
    const char *file)
{
	const struct prop_entry	*pe, **list = NULL;
	size_t			 i, j, n, len, cap, found = 0, more = 0;
	char			*lines, t[64];
	int			 more_line = 0;
	bool			 first;

	for (i = 0; i < props_count(p); i++) {
		pe = props_entry(p, i);
		if (pe->key_len == 0 || memchr(pe->key, '\0', pe->key_len))
			continue;
		if (props_same(p, i, &first) < 2 || !first)
			continue;
		if (++found > AUDIT_LINE_FINDINGS) {
			if (more == 0)
				more_line = pe->line;
			more++;
			continue;
		}
		n = props_find_all(p, pe->key, &list);
		cap = 2048;
		lines = xmalloc(cap);
		len = 0;
		lines[0] = '\0';
		for (j = 0; j < n; j++) {
			if (j == AUDIT_DUP_LINES - 1 && n > AUDIT_DUP_LINES) {
				snprintf(t, sizeof t, ", ... (%zu more)",
				    n - AUDIT_DUP_LINES);
				j = n - 1;
			} else
				t[0] = '\0';
			len += snprintf(lines + len, cap - len, "%s%s%d (",
			    t, j == 0 ? "" : j == n - 1 ? " and " : ", ",
			    list[j]->line);
			if (len >= cap)
				len = cap - 1;
			/* The key as written (up to 200 bytes of it). */
			len += snprintf(lines + len, cap - len, "%.*s)",
			    list[j]->key_len > 200 ? 200 :
			    (int)list[j]->key_len, list[j]->key);
			if (len >= cap)
				len = cap - 1;
		}
		audit_add(m, "property-duplicate", SEV_WARN, file,
		    pe->line, NULL, pe->key, "keep one line (tlsdeck configure "
		    "--dedup)", "%s is set %zu times, on lines %s: the last "
		    "one (line %d) wins", pe->key, n, lines,
		    list[n - 1]->line);
		free(lines);
		free(list);
		list = NULL;
	}
	if (more > 0)
		audit_add(m, "property-duplicate", SEV_WARN, file,
		    more_line, NULL, NULL, "keep one line of each (tlsdeck "
		    "configure --dedup)", "%zu more keys are set more than "
		    "once (the first of them on line %d)", more, more_line);
}

/* Backslashes Java eats, non-ASCII bytes. */
static void
audit_text(struct server_model *m, const struct props *p, const char *file)
{
	const struct prop_entry	*pe;
	char			*raw, *val, *list = NULL, *t;
	int			*lines = NULL, more_line = 0;
	size_t			 i, n, found = 0, more = 0;

	for (i = 0; i < props_count(p); i++) {
		pe = props_entry(p, i);
		if (!props_eats_backslash(pe))
			continue;
		if (++found > AUDIT_LINE_FINDINGS) {
			if (more == 0)
				more_line = pe->line;
			more++;
			continue;
		}
		if (secret_key_name(pe->key)) {
			/* A secret: say so without showing it. */
			audit_add(m, "properties-backslash", SEV_WARN,
			    file, pe->line, NULL,
			    audit_key_relevant(pe->canon) ? pe->key : NULL,
			    "write \\\\ for a backslash in it", "%s: Java "
			    "reads the value with its backslashes taken as "
			    "escapes (it is not the one written)", pe->key);
			continue;
		}
		raw = termesc_str(pe->raw_value, 0);
		val = termesc(pe->value, pe->value_len, 0);
		audit_add(m, "properties-backslash", SEV_WARN, file,
		    pe->line, NULL, audit_key_relevant(pe->canon) ? pe->key :
		    NULL, "write / or \\\\ instead of \\ (the SSL settings "
		    "form does)", "%s: Java reads \"%s\" as \"%s\" (a "
		    "backslash starts an escape)", pe->key, raw, val);
		free(raw);
		free(val);
	}
	if (more > 0)
		audit_add(m, "properties-backslash", SEV_WARN, file,
		    more_line, NULL, NULL, "write / or \\\\ instead of \\",
		    "%zu more values hold a backslash Java eats (the first "
		    "of them on line %d)", more, more_line);
	if ((n = props_nonascii_lines(p, &lines)) > 0) {
		for (i = 0; i < n && i < 5; i++) {
			xasprintf(&t, "%s%s%d", list != NULL ? list : "",
			    i > 0 ? ", " : "", lines[i]);
			free(list);
			list = t;
		}
		audit_add(m, "properties-non-ascii", SEV_WARN, file,
		    lines[0], NULL, NULL, "write non-ASCII characters as "
		    "\\uXXXX escapes (tlsdeck configure does)", "%zu line(s) "
		    "hold non-ASCII bytes (%s%s): the server reads the file "
		    "as ISO-8859-1, so UTF-8 text comes out garbled", n, list,
		    n > 5 ? ", ..." : "");
		free(list);
	}
	free(lines);
}

/* Is this entry a password with a value? */
static bool
audit_is_password(const struct prop_entry *pe)
{
	return (strstr(pe->canon, "password") != NULL && pe->value_len > 0);
}

/* The declared type of a material against its file. */
static void
audit_type(struct server_model *m, struct key_material *mat)
{
	const char	*t, *k = mat->keys.type, *ks = mat->keys.store;
	const char	*file;
	char		*fix;
	enum ks_format	 f;
	int		 line;
	bool		 compat, mismatch = false;

	if (mat->where != KM_KEYSTORE)
		return;
	if ((t = mat->declared_type) != NULL && *t != '\0' && k != NULL) {
		cfg_where(m, k, &file, &line);
		f = ks_format_parse(t);
		compat = mat->ks != NULL && (f == KS_FMT_JKS ||
		    f == KS_FMT_PKCS12) && (mat->ks->format == KS_FMT_JKS ||
		    mat->ks->format == KS_FMT_PKCS12);
		if (f == KS_FMT_UNKNOWN && strcasecmp(t, "PKCS11") != 0 &&
		    strcasecmp(t, "BKS") != 0 && strcasecmp(t, "BCFKS") != 0 &&
		    strcasecmp(t, "DKS") != 0 && strncasecmp(t, "Windows-",
		    8) != 0)
			audit_add(m, "keystore-type-invalid", SEV_CRIT, file,
			    line, NULL, k, "write PKCS12 or JKS (the file's "
			    "real format)", "%s \"%s\" is not a keystore "
			    "type Java knows: the server will not start", k,
			    t)->material = mat;
		else if (mat->ks != NULL && f != mat->ks->format) {
			xasprintf(&fix, "set %s to the real format", k);
			audit_add(m, "keystore-type-mismatch", compat ?
			    SEV_WARN : SEV_CRIT, file, line, NULL, k, fix,
			    "%s is %s but %s is %s%s", k, t, mat->path,
			    ks_format_name(mat->ks->format), compat ? " (Java "
			    "loads it anyway while keystore.type.compat is "
			    "true)" : ": Java cannot load it as "
			    "declared")->material = mat;
			free(fix);
			mismatch = true;
		}
	}
	if (!mismatch && mat->ks != NULL && (mat->ks->format == KS_FMT_PEM ||
	    mat->ks->format == KS_FMT_DER || mat->ks->format == KS_FMT_PKCS7) &&
	    mat->role != KM_ROLE_CLIENT_TRUST) {
		cfg_where(m, ks, &file, &line);
		audit_add(m, "keystore-type-mismatch", SEV_CRIT, file, line,
		    NULL, ks, "import the key and certificate into a PKCS12 "
		    "keystore (Import key + certificate)", "%s is a %s "
		    "certificate file, not a keystore", mat->path,
		    ks_format_name(mat->ks->format))->material = mat;
	}
}

/* Settings against each other. */
static void
audit_settings(struct server_model *m)
{
	struct cfg_hit		 hit;
	char			*scheme = NULL, *host = NULL;
	const char		*file;
	int			 port, line, defport;
	size_t			 i;

	/* HTTPS at all? */
	if (m->served->nconfigured_by == 0 &&
	    !audit_has(m, "properties-malformed"))
		audit_add(m, "https-off", SEV_WARN, m->properties, 0, NULL,
		    m->served->keys.store != NULL ? m->served->keys.store :
		    NULL, "run the Enable HTTPS wizard", "HTTPS is not "
		    "configured (no %s): passwords and API tokens cross the "
		    "network in clear", m->served->keys.store != NULL ?
		    m->served->keys.store : "key material");

	/* The declared types against the files. */
	for (i = 0; i < m->nmaterials; i++)
		audit_type(m, m->materials[i]);

	/* security.require-ssl */
	if (cfg_get(m, "security.require-ssl", &hit)) {
		cfg_where(m, "security.require-ssl", &file, &line);
		audit_add(m, "require-ssl-no-effect", strncasecmp(hit.value,
		    "true", 4) == 0 ? SEV_WARN : SEV_INFO, file, line, NULL,
		    "security.require-ssl", "HTTP is refused only because "
		    "the one port speaks HTTPS; the line can go",
		    "security.require-ssl has no effect on Spring Boot 2 and "
		    "later (it is not a redirect or an HTTP block)");
	}

	/* im.base-url against server.port and SSL */
	if (m->base_url != NULL) {
		cfg_where(m, "im.base-url", &file, &line);
		if (!audit_parse_url(m->base_url, &scheme, &host, &port))
			audit_add(m, "base-url-invalid", SEV_WARN,
			    file, line, NULL, "im.base-url",
			    "write https://HOST:PORT", "im.base-url \"%s\" "
			    "is not a URL", m->base_url);
		else {
			if (strstr(host, "IM_SERVER_HOSTNAME") != NULL)
				audit_add(m, "base-url-placeholder", SEV_WARN,
				    file, line, NULL, "im.base-url",
				    "put this server's host name in "
				    "im.base-url", "im.base-url still holds "
				    "the documentation's placeholder "
				    "IM_SERVER_HOSTNAME");
			if (m->ssl && strcmp(scheme, "https") != 0)
				audit_add(m, "base-url-scheme", SEV_WARN,
				    file, line, NULL, "im.base-url",
				    "write https:// in im.base-url",
				    "im.base-url uses %s:// but the server "
				    "speaks HTTPS", scheme);
			else if (!m->ssl && strcmp(scheme, "https") == 0 &&
			    m->served->nconfigured_by > 0)
				audit_add(m, "base-url-scheme", SEV_WARN,
				    file, line, NULL, "im.base-url",
				    "write http:// in im.base-url, or enable "
				    "HTTPS", "im.base-url uses https:// but "
				    "server.ssl.enabled=false");
			defport = strcmp(scheme, "https") == 0 ? 443 : 80;
			if (port == -1)
				port = defport;
			if (m->port > 0 && port != m->port)
				audit_add(m, "base-url-port", SEV_WARN,
				    file, line, NULL, "im.base-url",
				    "use ${server.port} in im.base-url (unless "
				    "a proxy listens on that port)",
				    "im.base-url points at port %d but "
				    "server.port is %d", port, m->port);
		}
		free(scheme);
		free(host);
	}
}

/* Who can read a file's passwords (and other secrets)? */
static void
audit_file_mode(struct server_model *m, const struct props *p,
    const char *file)
{
	const struct prop_entry	*pe;
	struct stat		 sb;
	size_t			 i;
	bool			 pw = false;

	for (i = 0; i < props_count(p) && !pw; i++) {
		pe = props_entry(p, i);
		pw = pe->value_len > 0 && secret_key_name(pe->key);
	}
	if (pw && stat(file, &sb) == 0 && (sb.st_mode & S_IROTH))
		audit_add(m, "properties-world-readable", SEV_WARN,
		    file, 0, NULL, NULL, "chmod o-r (0640, group of "
		    "the server's user)", "the file holds passwords and is "
		    "readable by every user on the host (mode %04o)",
		    (unsigned int)(sb.st_mode & 07777));
}

/* A password a key material's settings give, kept in a YAML, XML or INI
 * file (properties files are read line by line above): the same rule,
 * once per file. */
static void
audit_secret_files(struct server_model *m)
{
	const struct key_material	*mat;
	const char			*keys[2];
	struct cfg_hit			 hit;
	struct stat			 sb;
	const char			*file;
	size_t				 i, j, k;
	bool				 seen;

	for (i = 0; i < m->nmaterials; i++) {
		mat = m->materials[i];
		keys[0] = mat->keys.storepass;
		keys[1] = mat->keys.keypass;
		for (j = 0; j < 2; j++) {
			if (keys[j] == NULL || !cfg_get(m, keys[j], &hit) ||
			    hit.src->type != CFG_SRC_FILE ||
			    hit.src->format == CFG_FMT_PROPERTIES ||
			    hit.value == NULL || hit.value[0] == '\0')
				continue;
			file = hit.src->path;
			for (k = 0, seen = false; k < m->nfindings && !seen;
			    k++)
				seen = strcmp(m->findings[k]->code,
				    "properties-world-readable") == 0 &&
				    m->findings[k]->file != NULL &&
				    strcmp(m->findings[k]->file, file) == 0;
			if (seen || stat(file, &sb) != 0 ||
			    !(sb.st_mode & S_IROTH))
				continue;
			audit_add(m, "properties-world-readable", SEV_WARN,
			    file, 0, NULL, NULL, "chmod o-r (0640, group of "
			    "the server's user)", "the file holds passwords "
			    "and is readable by every user on the host (mode "
			    "%04o)", (unsigned int)(sb.st_mode & 07777));
		}
	}
}

/* Example passwords (compared as written; the resolved ones in server.c
 * are the same unless a placeholder feeds them). */
static void
audit_passwords(struct server_model *m, const struct props *p,
    const char *file)
{
	const struct prop_entry	*pe;
	size_t			 i, j;

	for (i = 0; i < props_count(p); i++) {
		pe = props_entry(p, i);
		if (!audit_is_password(pe))
			continue;
		for (j = 0; j < sizeof audit_example_passwords /
		    sizeof audit_example_passwords[0]; j++) {
			if (strcmp(pe->value, audit_example_passwords[j]) != 0)
				continue;
			audit_add(m, "password-example", SEV_WARN,
			    file, pe->line, NULL, pe->key,
			    "choose a password of your own (change it on "
			    "the keystore too: tlsdeck passwd)", "%s is %s, "
			    "a password published in documentation", pe->key,
			    j == 0 ? "the vendor documentation's example" :
			    "a well-known default");
			break;
		}
	}
}

/* ------------------------------------------------------------------ */

void
audit_run(struct server_model *m)
{
	const struct cfg_source	*src;
	size_t			 i;
	bool			 read = false;
	char			*fix;

	/* The files' text, each properties file in turn. */
	for (i = 0; i < m->nsources; i++) {
		src = m->sources[i];
		/* any file parsed as its format (properties, YAML,
		 * server.xml, start.ini): the settings can be judged */
		if (src->error == NULL && (src->props != NULL ||
		    src->yaml != NULL || src->xml != NULL || src->ini != NULL))
			read = true;
		if (src->format != CFG_FMT_PROPERTIES || src->props == NULL)
			continue;
		audit_duplicates(m, src->props, src->path);
		audit_text(m, src->props, src->path);
	}
	if (read)
		audit_settings(m);
	for (i = 0; i < m->nsources; i++) {
		src = m->sources[i];
		if (src->format != CFG_FMT_PROPERTIES || src->props == NULL)
			continue;
		audit_file_mode(m, src->props, src->path);
		audit_passwords(m, src->props, src->path);
	}
	audit_secret_files(m);
	audit_collect(m);
	audit_dates(m);
	for (i = 0; i < m->nmaterials; i++)
		if (audit_in_use(m->materials[i]))
			audit_strength(m, m->materials[i]);
	audit_names(m);
	for (i = 0; i < m->nmaterials; i++)
		if (m->materials[i]->role == KM_ROLE_SERVER ||
		    m->materials[i]->role == KM_ROLE_SNI)
			audit_chain(m, m->materials[i]);
	if (m->listening == 0) {
		fix = step_start_fix(m);
		audit_add(m, "port-not-listening", SEV_WARN,
		    audit_file(m, "server.port"), audit_line(m, "server.port"),
		    NULL, "server.port", fix,
		    "nothing listens on port %d: the server is not running "
		    "(or failed to start with these settings)", m->port);
		free(fix);
	}
	findings_sort(m);
}

void
audit_served(struct server_model *m, struct cert **served, size_t n,
    const char *where)
{
	struct cert	*mine;
	char		*a, *b;

	if (n == 0 || m->served->key_entry == NULL || m->served->key_entry->nchain == 0)
		return;
	mine = m->served->key_entry->chain[0];
	if (cert_equal(mine, served[0]))
		return;
	a = cert_fp_hex(cert_sha256(served[0]), CERT_SHA256_LEN);
	b = cert_fp_hex(cert_sha256(mine), CERT_SHA256_LEN);
	audit_add(m, "served-cert-differs", SEV_CRIT, m->served->path, 0,
	    m->served->key_entry->alias, NULL, "restart the server to load the "
	    "keystore's certificate (or check what answers on that port)",
	    "%s serves \"%s\" (SHA-256 %s), not the keystore's \"%s\" (%s): "
	    "a restart is pending?", where, served[0]->info.subject, a,
	    mine->info.subject, b);
	free(a);
	free(b);
	findings_sort(m);
}

int
audit_exit_code(const struct server_model *m)
{
	switch (findings_worst(m)) {
	case SEV_CRIT:
		return (2);
	case SEV_WARN:
		return (1);
	default:
		return (0);
	}
}

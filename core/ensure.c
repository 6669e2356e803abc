/* SPDX-License-Identifier: ISC */
/*
 * ensure.c -- tlsdeck ensure SPEC.yaml: what a server should have (HTTPS
 * with a key pair for some names, enough validity left, certificates
 * trusted by its JRE, settings), compared with what it has, and only the
 * difference changed (docs/architecture.md, Desired state).
 *
 * Each part is one action, checked first and changed only when it
 * differs, through the existing steps: the key pair by step_genkey (or
 * step_import_pem), which puts one entry into the keystore through a
 * keystore transaction (the other entries stay as they are); the
 * settings by step_settings (or step_settings_yaml) in the file that wins
 * for each key (cfg_plan); trust by step_trust, which finds a certificate
 * already trusted and then writes nothing.  With check set every step
 * runs as a dry run.  A second run with the same spec finds nothing to
 * change.  The spec holds no password: the keystore's comes from the
 * caller (a file or the environment) or from the server's configuration.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cyaml/cyaml.h>

#include "core.h"

#define ENSURE_MAX_SIZE		(1024UL * 1024)	/* bytes of a spec */
#define ENSURE_MAX_DAYS		36500

/* ------------------------------------------------------------------ */
/* The spec (libcyaml): what libcyaml fills, checked and copied out. */

struct es_setting {
	char		*key;
	char		*value;
};

struct es_acme {
	char		*directory;
	char		*email;
	bool		*agree_tos;
	char		*challenge;
	int		*http_port;
	char		*http_address;
	char		*webroot;
	char		*dns_hook;
	int		*dns_wait;
	char		*ca_file;
	char		*key;
	int		*renew_before;
	char		*preferred_issuer;
	char		*restart;
	int		*verify_timeout;
	int		*timeout;
};

struct es_https {
	char		**domains;
	unsigned int	 domains_count;
	char		*keystore;
	char		*alias;
	char		*storetype;
	int		*min_days;
	int		*days;
	char		*key;
	int		*port;
	char		*pem_key;
	char		*pem_chain;
	bool		*trust;
	struct es_acme	*acme;
};

struct es_trust {
	char		**in;
	unsigned int	 in_count;
	char		**certs;
	unsigned int	 certs_count;
};

struct es_file {
	char		*server;
	char		*properties;
	struct es_https	*https;
	char		**ca_files;
	unsigned int	 ca_files_count;
	struct es_setting *settings;
	unsigned int	 settings_count;
	struct es_trust	*trust;
};

#define ES_OPT	CYAML_FLAG_OPTIONAL

static const cyaml_schema_value_t es_string = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, 4096),
};

static const cyaml_schema_field_t es_setting_fields[] = {
	CYAML_FIELD_STRING_PTR("key", CYAML_FLAG_POINTER, struct es_setting,
	    key, 1, 512),
	CYAML_FIELD_STRING_PTR("value", CYAML_FLAG_POINTER, struct es_setting,
	    value, 0, 4096),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t es_setting_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct es_setting,
	    es_setting_fields),
};

static const cyaml_schema_field_t es_acme_fields[] = {
	CYAML_FIELD_STRING_PTR("directory", CYAML_FLAG_POINTER,
	    struct es_acme, directory, 9, 2048),
	CYAML_FIELD_STRING_PTR("email", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_acme, email, 3, 320),
	CYAML_FIELD_BOOL_PTR("agree-tos", ES_OPT, struct es_acme, agree_tos),
	CYAML_FIELD_STRING_PTR("challenge", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_acme, challenge, 1, 16),
	CYAML_FIELD_INT_PTR("http-port", ES_OPT, struct es_acme, http_port),
	CYAML_FIELD_STRING_PTR("http-address", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_acme, http_address, 1, 64),
	CYAML_FIELD_STRING_PTR("webroot", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_acme, webroot, 1, 4096),
	CYAML_FIELD_STRING_PTR("dns-hook", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_acme, dns_hook, 1, 4096),
	CYAML_FIELD_INT_PTR("dns-wait", ES_OPT, struct es_acme, dns_wait),
	CYAML_FIELD_STRING_PTR("ca-file", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_acme, ca_file, 1, 4096),
	CYAML_FIELD_STRING_PTR("key", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_acme, key, 1, 16),
	CYAML_FIELD_INT_PTR("renew-before", ES_OPT, struct es_acme,
	    renew_before),
	CYAML_FIELD_STRING_PTR("preferred-issuer", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_acme, preferred_issuer, 1, 256),
	CYAML_FIELD_STRING_PTR("restart", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_acme, restart, 1, 4096),
	CYAML_FIELD_INT_PTR("verify-timeout", ES_OPT, struct es_acme,
	    verify_timeout),
	CYAML_FIELD_INT_PTR("timeout", ES_OPT, struct es_acme, timeout),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t es_trust_fields[] = {
	CYAML_FIELD_SEQUENCE("in", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_trust, in, &es_string, 1, 2),
	CYAML_FIELD_SEQUENCE("certs", CYAML_FLAG_POINTER, struct es_trust,
	    certs, &es_string, 1, 1000),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t es_https_fields[] = {
	CYAML_FIELD_SEQUENCE("domains", CYAML_FLAG_POINTER, struct es_https,
	    domains, &es_string, 1, 100),
	CYAML_FIELD_STRING_PTR("keystore", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_https, keystore, 1, 4096),
	CYAML_FIELD_STRING_PTR("alias", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_https, alias, 1, 256),
	CYAML_FIELD_STRING_PTR("storetype", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_https, storetype, 1, 16),
	CYAML_FIELD_INT_PTR("min-days", ES_OPT, struct es_https, min_days),
	CYAML_FIELD_INT_PTR("days", ES_OPT, struct es_https, days),
	CYAML_FIELD_STRING_PTR("key", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_https, key, 1, 16),
	CYAML_FIELD_INT_PTR("port", ES_OPT, struct es_https, port),
	CYAML_FIELD_STRING_PTR("pem-key", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_https, pem_key, 1, 4096),
	CYAML_FIELD_STRING_PTR("pem-chain", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_https, pem_chain, 1, 4096),
	CYAML_FIELD_BOOL_PTR("trust", ES_OPT, struct es_https, trust),
	CYAML_FIELD_MAPPING_PTR("acme", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_https, acme, es_acme_fields),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t es_fields[] = {
	CYAML_FIELD_STRING_PTR("server", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_file, server, 1, 4096),
	CYAML_FIELD_STRING_PTR("properties", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_file, properties, 1, 4096),
	CYAML_FIELD_MAPPING_PTR("https", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_file, https, es_https_fields),
	CYAML_FIELD_SEQUENCE("ca-files", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_file, ca_files, &es_string, 0, 1000),
	CYAML_FIELD_SEQUENCE("settings", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_file, settings, &es_setting_entry, 0, 1000),
	CYAML_FIELD_MAPPING_PTR("trust", ES_OPT | CYAML_FLAG_POINTER,
	    struct es_file, trust, es_trust_fields),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t es_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct es_file, es_fields),
};

void
ensure_spec_free(struct ensure_spec *s)
{
	size_t	i;

	if (s == NULL)
		return;
	free(s->server);
	free(s->properties);
	for (i = 0; i < s->ndomains; i++)
		free(s->domains[i]);
	free(s->domains);
	free(s->keystore);
	free(s->alias);
	free(s->keyalg);
	free(s->pem_key);
	free(s->pem_chain);
	for (i = 0; i < s->nca_files; i++)
		free(s->ca_files[i]);
	free(s->ca_files);
	for (i = 0; i < s->nsettings; i++) {
		free(s->settings[i].key);
		free(s->settings[i].value);
	}
	free(s->settings);
	for (i = 0; i < s->ntrust_certs; i++)
		free(s->trust_certs[i]);
	free(s->trust_certs);
	if (s->acme != NULL) {
		free(s->acme->directory);
		free(s->acme->email);
		free(s->acme->http_address);
		free(s->acme->webroot);
		free(s->acme->dns_hook);
		free(s->acme->ca_file);
		free(s->acme->key);
		free(s->acme->preferred_issuer);
		free(s->acme->restart);
		free(s->acme);
	}
	free(s);
}

static char *
es_dup(const char *s)
{
	return (s != NULL ? xstrdup(s) : NULL);
}

/* A DNS name or an IP address: letters, digits, '-', '.', '*', ':'. */
static bool
es_domain_ok(const char *d)
{
	const char	*p;

	if (*d == '\0' || strlen(d) > 253)
		return (false);
	for (p = d; *p != '\0'; p++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789-.*:", *p) == NULL)
			return (false);
	return (true);
}

/* An integer option in lo..hi, or -1 when out of range (cause). */
static int
es_range(const char *what, const int *v, int lo, int hi, int dflt, int *out,
    char **cause)
{
	if (v == NULL) {
		*out = dflt;
		return (0);
	}
	if (*v < lo || *v > hi) {
		cause_set(cause, "%s: %d is out of range (%d..%d)", what, *v,
		    lo, hi);
		return (-1);
	}
	*out = *v;
	return (0);
}

/* The https.acme section, checked (names, the challenge and what it
 * needs, the key, the ranges); nothing is contacted. */
static int
es_copy_acme(const struct es_acme *e, const struct ensure_spec *s,
    struct ensure_acme **ap, char **cause)
{
	static const char	*keys[] = { "rsa2048", "rsa3072", "ec256",
	    "ec384" };
	struct ensure_acme	*a;
	char			*n;
	size_t			 i;
	bool			 ip;
	int			 rc;

	if (strncmp(e->directory, "https://", 8) != 0) {
		cause_set(cause, "https.acme.directory: \"%s\" is not an "
		    "https:// URL", e->directory);
		return (-1);
	}
	if (s->pem_key != NULL) {
		cause_set(cause, "https: give pem-key and pem-chain, or acme, "
		    "not both");
		return (-1);
	}
	for (i = 0; i < s->ndomains; i++) {
		n = xstrdup(s->domains[i]);
		rc = acme_name_check(n, &ip, cause);
		free(n);
		if (rc != 0)
			return (-1);
	}
	a = xcalloc(1, sizeof *a);
	*ap = a;
	a->directory = xstrdup(e->directory);
	a->email = es_dup(e->email);
	a->agree_tos = e->agree_tos != NULL && *e->agree_tos;
	if (e->challenge == NULL || strcmp(e->challenge, "http-01") == 0)
		a->chall = ACME_HTTP01;
	else if (strcmp(e->challenge, "webroot") == 0)
		a->chall = ACME_WEBROOT;
	else if (strcmp(e->challenge, "dns-01") == 0)
		a->chall = ACME_DNS01;
	else {
		cause_set(cause, "https.acme.challenge: \"%s\" is none of "
		    "http-01, webroot and dns-01", e->challenge);
		return (-1);
	}
	if (a->chall == ACME_WEBROOT && e->webroot == NULL) {
		cause_set(cause, "https.acme: the webroot challenge needs "
		    "webroot (a directory)");
		return (-1);
	}
	if (a->chall == ACME_DNS01 && e->dns_hook == NULL) {
		cause_set(cause, "https.acme: the dns-01 challenge needs "
		    "dns-hook (a program)");
		return (-1);
	}
	if (e->key != NULL) {
		for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if (strcmp(e->key, keys[i]) == 0)
				break;
		if (i == sizeof keys / sizeof keys[0]) {
			cause_set(cause, "https.acme.key: \"%s\" is none of "
			    "rsa2048, rsa3072, ec256 and ec384", e->key);
			return (-1);
		}
	}
	if (es_range("https.acme.http-port", e->http_port, 1, 65535, 0,
	    &a->http_port, cause) != 0 ||
	    es_range("https.acme.dns-wait", e->dns_wait, 0, 3600, 0,
	    &a->dns_wait, cause) != 0 ||
	    es_range("https.acme.renew-before", e->renew_before, 0,
	    ENSURE_MAX_DAYS, -1, &a->renew_before, cause) != 0 ||
	    es_range("https.acme.verify-timeout", e->verify_timeout, 1, 3600,
	    0, &a->verify_timeout, cause) != 0 ||
	    es_range("https.acme.timeout", e->timeout, 1, 3600, 0,
	    &a->timeout, cause) != 0)
		return (-1);
	a->http_address = es_dup(e->http_address);
	a->webroot = es_dup(e->webroot);
	a->dns_hook = es_dup(e->dns_hook);
	a->ca_file = es_dup(e->ca_file);
	a->key = es_dup(e->key);
	a->preferred_issuer = es_dup(e->preferred_issuer);
	a->restart = es_dup(e->restart);
	return (0);
}

/* The trust section: where (cacerts, server) and which certificates. */
static int
es_copy_trust(const struct es_trust *t, struct ensure_spec *s, char **cause)
{
	size_t	i;

	if (t->in_count == 0)
		s->trust_in = ENSURE_TRUST_CACERTS;
	for (i = 0; i < t->in_count; i++) {
		if (strcmp(t->in[i], "cacerts") == 0)
			s->trust_in |= ENSURE_TRUST_CACERTS;
		else if (strcmp(t->in[i], "server") == 0)
			s->trust_in |= ENSURE_TRUST_SERVER;
		else {
			cause_set(cause, "trust.in: \"%s\" is neither cacerts "
			    "(the server JRE's) nor server (the server's own "
			    "trust store)", t->in[i]);
			return (-1);
		}
	}
	s->trust_certs = xcalloc(t->certs_count, sizeof *s->trust_certs);
	for (i = 0; i < t->certs_count; i++)
		s->trust_certs[i] = xstrdup(t->certs[i]);
	s->ntrust_certs = t->certs_count;
	return (0);
}

/* Check what libcyaml read and copy it into a spec. */
static int
es_copy(const struct es_file *f, struct ensure_spec *s, char **cause)
{
	const struct es_https	*h = f->https;
	size_t			 i;

	if ((f->server == NULL) == (f->properties == NULL)) {
		cause_set(cause, "give exactly one of server (a directory) "
		    "and properties (a configuration file)");
		return (-1);
	}
	s->server = es_dup(f->server);
	s->properties = es_dup(f->properties);
	s->min_days = 30;
	s->days = 825;
	s->trust = true;
	if (h != NULL) {
		s->https = true;
		for (i = 0; i < h->domains_count; i++) {
			if (!es_domain_ok(h->domains[i])) {
				cause_set(cause, "https.domains: \"%s\" is not "
				    "a DNS name or an IP address",
				    h->domains[i]);
				return (-1);
			}
		}
		s->domains = xcalloc(h->domains_count, sizeof *s->domains);
		for (i = 0; i < h->domains_count; i++)
			s->domains[i] = xstrdup(h->domains[i]);
		s->ndomains = h->domains_count;
		s->keystore = es_dup(h->keystore);
		if (h->alias != NULL && step_alias_check(h->alias, cause) != 0)
			return (-1);
		s->alias = es_dup(h->alias);
		if (h->storetype == NULL)
			s->storetype = KS_FMT_UNKNOWN;
		else if (strcasecmp(h->storetype, "pkcs12") == 0)
			s->storetype = KS_FMT_PKCS12;
		else if (strcasecmp(h->storetype, "jks") == 0)
			s->storetype = KS_FMT_JKS;
		else {
			cause_set(cause, "https.storetype: \"%s\" is neither "
			    "pkcs12 nor jks", h->storetype);
			return (-1);
		}
		if (h->min_days != NULL) {
			if (*h->min_days < 0 || *h->min_days > ENSURE_MAX_DAYS) {
				cause_set(cause, "https.min-days: %d is out of "
				    "range (0..%d)", *h->min_days,
				    ENSURE_MAX_DAYS);
				return (-1);
			}
			s->min_days = *h->min_days;
		}
		if (h->days != NULL) {
			if (*h->days < 1 || *h->days > ENSURE_MAX_DAYS) {
				cause_set(cause, "https.days: %d is out of "
				    "range (1..%d)", *h->days,
				    ENSURE_MAX_DAYS);
				return (-1);
			}
			s->days = *h->days;
		}
		if (s->min_days >= s->days) {
			cause_set(cause, "https.min-days (%d) must be less "
			    "than https.days (%d)", s->min_days, s->days);
			return (-1);
		}
		if (h->key != NULL && strcmp(h->key, "rsa") != 0 &&
		    strcmp(h->key, "ec") != 0) {
			cause_set(cause, "https.key: \"%s\" is neither rsa "
			    "nor ec", h->key);
			return (-1);
		}
		s->keyalg = es_dup(h->key);
		if (h->port != NULL) {
			if (*h->port < 1 || *h->port > 65535) {
				cause_set(cause, "https.port: %d is not a TCP "
				    "port", *h->port);
				return (-1);
			}
			s->port = *h->port;
		}
		if ((h->pem_key == NULL) != (h->pem_chain == NULL)) {
			cause_set(cause, "https: give both pem-key and "
			    "pem-chain, or neither");
			return (-1);
		}
		s->pem_key = es_dup(h->pem_key);
		s->pem_chain = es_dup(h->pem_chain);
		if (h->acme != NULL) {
			if (es_copy_acme(h->acme, s, &s->acme, cause) != 0)
				return (-1);
			/* a CA's certificate: no cacerts entry of its own */
			s->trust = false;
			if (h->trust != NULL && *h->trust) {
				cause_set(cause, "https.trust: a certificate "
				    "from an ACME CA is not trusted one by "
				    "one (trust its root with trust.certs)");
				return (-1);
			}
		}
		if (h->trust != NULL && h->acme == NULL)
			s->trust = *h->trust;
	}
	if (f->ca_files_count > 0) {
		s->ca_files = xcalloc(f->ca_files_count, sizeof *s->ca_files);
		for (i = 0; i < f->ca_files_count; i++)
			s->ca_files[i] = xstrdup(f->ca_files[i]);
		s->nca_files = f->ca_files_count;
	}
	if (f->trust != NULL && es_copy_trust(f->trust, s, cause) != 0)
		return (-1);
	if (f->settings_count > 0) {
		s->settings = xcalloc(f->settings_count, sizeof *s->settings);
		for (i = 0; i < f->settings_count; i++) {
			if (!step_settings_key_ok(f->settings[i].key)) {
				cause_set(cause, "settings: \"%s\" is not a "
				    "property name", f->settings[i].key);
				return (-1);
			}
			if (secret_key_name(f->settings[i].key)) {
				cause_set(cause, "settings: %s holds a "
				    "password: passwords never go into a spec "
				    "(the keystore's comes from "
				    "--storepass-env or --storepass-file)",
				    f->settings[i].key);
				return (-1);
			}
			s->settings[i].key = xstrdup(f->settings[i].key);
			s->settings[i].value = xstrdup(f->settings[i].value);
			s->nsettings = i + 1;
		}
	}
	return (0);
}

int
ensure_spec_parse(const void *buf, size_t len, const char *name,
    struct ensure_spec **sp, char **cause)
{
	struct yamlerr		 lg;
	cyaml_config_t		 cfg;
	struct es_file		*f = NULL;
	struct ensure_spec	*s;
	cyaml_err_t		 err;
	char			*why = NULL, *msg;
	int			 l, c;

	*sp = NULL;
	if (len > ENSURE_MAX_SIZE) {
		cause_set(cause, "%s: too large (%zu bytes; at most %lu)",
		    name, len, ENSURE_MAX_SIZE);
		return (-1);
	}
	if (len == 0 || memchr(buf, '\0', len) != NULL) {
		cause_set(cause, "%s: %s", name, len == 0 ? "empty" :
		    "holds NUL bytes: not a YAML spec");
		return (-1);
	}
	yamlerr_setup(&cfg, &lg, CYAML_CFG_DEFAULT | CYAML_CFG_NO_ALIAS);
	err = cyaml_load_data(buf, len, &cfg, &es_schema,
	    (cyaml_data_t **)&f, NULL);
	if (err != CYAML_OK || f == NULL) {
		msg = yamlerr_first(&lg, err, &l, &c);
		if (l > 0)
			cause_set(cause, "%s: line %d, column %d: %s", name, l,
			    c, msg);
		else
			cause_set(cause, "%s: %s", name, msg);
		free(msg);
		if (f != NULL)
			cyaml_free(&cfg, &es_schema, f, 0);
		return (-1);
	}
	s = xcalloc(1, sizeof *s);
	if (es_copy(f, s, &why) != 0) {
		cause_set(cause, "%s: %s", name, why);
		free(why);
		ensure_spec_free(s);
		cyaml_free(&cfg, &es_schema, f, 0);
		return (-1);
	}
	cyaml_free(&cfg, &es_schema, f, 0);
	*sp = s;
	return (0);
}

int
ensure_spec_load(const char *path, struct ensure_spec **sp, char **cause)
{
	unsigned char	*buf = NULL;
	size_t		 len = 0;
	int		 rc;

	*sp = NULL;
	if (file_read(path, &buf, &len, cause) != 0)
		return (-1);
	rc = ensure_spec_parse(buf, len, path, sp, cause);
	free(buf);
	return (rc);
}

/* ------------------------------------------------------------------ */
/* Actions */

static struct ensure_action *
ea_new(struct ensure_result *r, const char *name, const char *target)
{
	struct ensure_action	*a;

	r->actions = xreallocarray(r->actions, r->nactions + 1,
	    sizeof *r->actions);
	a = &r->actions[r->nactions++];
	memset(a, 0, sizeof *a);
	a->name = xstrdup(name);
	a->target = es_dup(target);
	return (a);
}

static void
ea_summary(struct ensure_action *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
ea_summary(struct ensure_action *a, const char *fmt, ...)
{
	va_list	ap;

	free(a->summary);
	va_start(ap, fmt);
	xvasprintf(&a->summary, fmt, ap);
	va_end(ap);
}

static void
ea_note(struct ensure_action *a, const char *s)
{
	a->notes = xreallocarray(a->notes, a->nnotes + 1, sizeof *a->notes);
	a->notes[a->nnotes++] = xstrdup(s);
}

static void
ea_notes(struct ensure_action *a, const struct step_result *sr)
{
	size_t	i;

	for (i = 0; i < sr->nnotes; i++)
		ea_note(a, sr->notes[i]);
	if (sr->backup_id != 0)
		a->backup_id = sr->backup_id;
}

void
ensure_result_free(struct ensure_result *r)
{
	size_t	i, j;

	for (i = 0; i < r->nactions; i++) {
		free(r->actions[i].name);
		free(r->actions[i].target);
		free(r->actions[i].summary);
		for (j = 0; j < r->actions[i].nnotes; j++)
			free(r->actions[i].notes[j]);
		free(r->actions[i].notes);
		free(r->actions[i].before);
		free(r->actions[i].after);
	}
	free(r->actions);
	server_model_free(r->m);
	memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------------ */
/* The key pair */

/* Does the certificate name every domain (its SANs, else its CN)? */
static bool
ek_names_ok(const struct cert *c, const struct ensure_spec *s)
{
	size_t	i, j;
	bool	found;

	for (i = 0; i < s->ndomains; i++) {
		found = false;
		for (j = 0; j < c->info.nsan && !found; j++) {
			if ((strncmp(c->info.san[j], "DNS:", 4) == 0 ||
			    strncmp(c->info.san[j], "IP:", 3) == 0) &&
			    strcasecmp(strchr(c->info.san[j], ':') + 1,
			    s->domains[i]) == 0)
				found = true;
		}
		if (!found)
			return (false);
	}
	return (true);
}

/* One line per entry of a keystore (the --diff text), malloc'd. */
static char *
ek_describe(const struct keystore *ks, time_t now)
{
	const struct ks_entry	*e;
	char			*s = xstrdup(""), *t, date[24];
	size_t			 i;

	for (i = 0; ks != NULL && i < ks->nentries; i++) {
		e = ks->entries[i];
		if (e->nchain > 0) {
			time_iso8601(e->chain[0]->info.not_after, date,
			    sizeof date);
			xasprintf(&t, "%s%.*s: %s, %s, until %s (%ld days)\n",
			    s, (int)e->alias_len, e->alias,
			    ks_etype_name(e->type),
			    e->chain[0]->info.subject != NULL ?
			    e->chain[0]->info.subject : "?", date,
			    cert_days_left(e->chain[0], now));
		} else
			xasprintf(&t, "%s%.*s: %s\n", s, (int)e->alias_len,
			    e->alias, ks_etype_name(e->type));
		free(s);
		s = t;
	}
	return (s);
}

/* Is c the leaf (first certificate) of the PEM chain file? */
static int
ek_pem_leaf(const char *chain, const struct cert *c, bool *same,
    char **cause)
{
	struct cert	**certs = NULL;
	size_t		 n = 0;

	if (certs_read_file(chain, &certs, &n, cause) != 0)
		return (-1);
	if (n == 0) {
		certs_free(certs, n);
		cause_set(cause, "%s: no certificate", chain);
		return (-1);
	}
	*same = certs[0]->len == c->len &&
	    memcmp(certs[0]->der, c->der, c->len) == 0;
	certs_free(certs, n);
	return (0);
}

/*
 * Why the key pair must change, or NULL when it is as the spec says
 * (malloc'd); -1 with *cause when the keystore cannot be read with the
 * password, or the alias names no key entry.
 */
static int
ek_why(const char *path, const struct secret *pass, const char *alias,
    const struct ensure_spec *s, time_t now, char **why, char **before,
    char **cause)
{
	struct keystore		*ks = NULL;
	const struct ks_entry	*e;
	struct stat		 st;
	long			 days;
	bool			 same;

	*why = NULL;
	*before = xstrdup("");
	if (stat(path, &st) == -1 && errno == ENOENT) {
		xasprintf(why, "%s does not exist: create it with a new key "
		    "pair under alias %s", path, alias);
		return (0);
	}
	if (keystore_load(path, pass, 0, &ks, cause) != 0)
		return (-1);
	free(*before);
	*before = ek_describe(ks, now);
	if ((e = keystore_find(ks, alias)) == NULL) {
		xasprintf(why, "%s has no entry %s: add a key pair", path,
		    alias);
		goto out;
	}
	if (e->type != KS_ENTRY_KEY || e->nchain == 0) {
		cause_set(cause, "%s: entry %s is a %s, not a key pair: choose "
		    "another https.alias", path, alias, ks_etype_name(e->type));
		keystore_free(ks);
		return (-1);
	}
	if (s->pem_chain != NULL) {
		if (ek_pem_leaf(s->pem_chain, e->chain[0], &same,
		    cause) != 0) {
			keystore_free(ks);
			return (-1);
		}
		if (!same)
			xasprintf(why, "%s: entry %s does not hold %s's "
			    "certificate: import the PEM key pair", path,
			    alias, s->pem_chain);
		goto out;
	}
	days = cert_days_left(e->chain[0], now);
	if (days < s->min_days)
		xasprintf(why, "%s: entry %s has %ld days left (at least %d "
		    "wanted): a new key pair", path, alias, days, s->min_days);
	else if (!ek_names_ok(e->chain[0], s))
		xasprintf(why, "%s: entry %s's certificate does not name every "
		    "domain: a new key pair", path, alias);
out:
	keystore_free(ks);
	return (0);
}

/* "DNS:a,DNS:b,IP:1.2.3.4" for the domains (malloc'd). */
static char *
ek_san(const struct ensure_spec *s)
{
	char	*san = xstrdup(""), *t;
	size_t	 i;
	bool	 ip;

	for (i = 0; i < s->ndomains; i++) {
		ip = strchr(s->domains[i], ':') != NULL ||
		    strspn(s->domains[i], "0123456789.") ==
		    strlen(s->domains[i]);
		xasprintf(&t, "%s%s%s:%s", san, i > 0 ? "," : "",
		    ip ? "IP" : "DNS", s->domains[i]);
		free(san);
		san = t;
	}
	return (san);
}

/* The missing directories above path (as the forms make them): 1 when
 * some were missing (check: only said), 0 when none, -1 on error. */
static int
ek_mkdirs(const char *path, bool check, char **cause)
{
	struct stat	 st;
	char		*d = xstrdup(path), *p, c;
	int		 made = 0;

	if ((p = strrchr(d, '/')) != NULL)
		*p = '\0';
	for (p = d + 1; *d != '\0'; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (stat(d, &st) != 0) {
			made = 1;
			if (!check && mkdir(d, 0755) != 0) {
				cause_set(cause, "%s: cannot create the "
				    "directory: %s", d, strerror(errno));
				free(d);
				return (-1);
			}
		}
		*p = c;
		if (c == '\0')
			break;
	}
	free(d);
	return (made);
}

static int
ensure_keypair(const struct ensure_spec *s, const struct ensure_opts *o,
    const char *path, const struct secret *pass, const char *alias,
    enum ks_format fmt, time_t now, struct ensure_result *r, char **cause)
{
	struct ensure_action	*a;
	struct step_genkey_opts	 go;
	struct step_pem_opts	 po;
	struct step_result	 sr;
	struct keystore		*ks = NULL;
	const char		*chain[1];
	char			*why = NULL, *before = NULL, *dname, *san;
	int			 rc;
	bool			 exists;

	if (ek_why(path, pass, alias, s, now, &why, &before, cause) != 0)
		return (-1);
	a = ea_new(r, "keypair", path);
	if (why == NULL) {
		ea_summary(a, "%s: entry %s is as wanted", path, alias);
		free(before);
		return (0);
	}
	exists = *before != '\0';
	memset(&sr, 0, sizeof sr);
	if ((rc = ek_mkdirs(path, o->check, cause)) == -1) {
		free(why);
		free(before);
		return (-1);
	}
	if (rc == 1 && o->check) {
		/* nothing to dry-run against: the directory is missing */
		a->changed = true;
		r->keypair_changed = true;
		ea_summary(a, "%s", why);
		ea_note(a, "its directory will be created");
		if (o->diff) {
			a->before = before;
			xasprintf(&a->after, "%s: a new key pair for %s\n",
			    alias, s->domains[0]);
		} else
			free(before);
		free(why);
		return (0);
	}
	if (s->pem_key != NULL) {
		memset(&po, 0, sizeof po);
		chain[0] = s->pem_chain;
		po.alias = alias;
		po.key_file = s->pem_key;
		po.cert_files = chain;
		po.ncert_files = 1;
		po.replace = true;
		po.storetype = fmt;
		po.cacerts = o->cacerts;
		po.dry_run = o->check;
		rc = step_import_pem(path, pass, &po, &sr, cause);
	} else {
		memset(&go, 0, sizeof go);
		xasprintf(&dname, "CN=%s", s->domains[0]);
		san = ek_san(s);
		go.alias = alias;
		go.dname = dname;
		go.san = san;
		go.keyalg = s->keyalg;
		go.days = s->days;
		go.storetype = fmt;
		go.replace = true;
		go.dry_run = o->check;
		rc = step_genkey(path, pass, &go, &sr, cause);
		free(dname);
		free(san);
	}
	if (rc != 0) {
		step_result_free(&sr);
		free(why);
		free(before);
		return (-1);
	}
	a->changed = true;
	r->keypair_changed = true;
	ea_summary(a, "%s", why);
	ea_notes(a, &sr);
	step_result_free(&sr);
	if (o->diff) {
		a->before = before;
		before = NULL;
		if (o->check)
			xasprintf(&a->after, "%s%s: a new key pair for %s "
			    "(%s)\n", exists ? "(the other entries as they "
			    "are)\n" : "", alias, s->domains[0],
			    s->pem_key != NULL ? "from the PEM files" :
			    "self-signed");
		else if (keystore_load(path, pass, 0, &ks, cause) == 0) {
			a->after = ek_describe(ks, now);
			keystore_free(ks);
		} else {
			free(*cause);
			*cause = NULL;
		}
	}
	free(why);
	free(before);
	return (0);
}

/* ------------------------------------------------------------------ */
/* Settings */

/* The text with the lines the step masks (its secrets) shown as the
 * step says (malloc'd). */
static char *
es_mask(const unsigned char *buf, size_t len, const struct step_mask *mk,
    size_t nmk)
{
	const char	*p = (const char *)buf, *end = p + len, *nl;
	char		*out;
	size_t		 o = 0, n, k = 0, sz;
	int		 line = 0;

	sz = len + 1;
	for (k = 0; k < nmk; k++)
		sz += strlen(mk[k].show) + 1;
	out = xmalloc(sz);
	k = 0;
	while (p < end) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		while (k < nmk && mk[k].line < line)
			k++;
		if (k < nmk && mk[k].line == line) {
			memcpy(out + o, mk[k].show, strlen(mk[k].show));
			o += strlen(mk[k].show);
			out[o++] = '\n';
		} else {
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	out[o] = '\0';
	return (out);
}

struct es_show {
	bool	 shown;
	char	*before;
	char	*after;
};

static void
es_show(const struct step_settings_change *ch, void *arg)
{
	struct es_show	*sh = arg;

	sh->shown = true;
	free(sh->before);
	free(sh->after);
	sh->before = es_mask(ch->before, ch->beforelen, ch->before_mask,
	    ch->nbefore_mask);
	sh->after = es_mask(ch->after, ch->afterlen, ch->after_mask,
	    ch->nafter_mask);
}

/* The settings to have, each only when it differs from the model. */
static size_t
es_wanted(const struct ensure_spec *s, const struct server_model *m,
    const char *path, const char *alias, enum ks_format fmt,
    const struct secret *pass, char *port, size_t plen,
    struct step_prop *v)
{
	/* path NULL: the key material stays as configured (ACME renews
	 * it in place) */
	const struct key_material	*km = m->served;
	size_t				 n = 0, i;

	if (s->https) {
		if (s->port > 0 && m->port != s->port) {
			snprintf(port, plen, "%d", s->port);
			v[n].key = "server.port";
			v[n++].value = port;
		}
		v[n].key = "server.ssl.enabled";
		v[n++].value = "true";
	}
	if (s->https && path != NULL) {
		if (km == NULL || km->path == NULL ||
		    strcmp(km->path, path) != 0) {
			v[n].key = "server.ssl.key-store";
			v[n++].value = path;
		}
		if (km == NULL || km->declared_type == NULL ||
		    strcasecmp(km->declared_type, ks_format_name(fmt)) != 0) {
			v[n].key = "server.ssl.key-store-type";
			v[n++].value = fmt == KS_FMT_JKS ? "JKS" : "PKCS12";
		}
		if (km == NULL || km->alias == NULL ||
		    strcmp(km->alias, alias) != 0) {
			v[n].key = "server.ssl.key-alias";
			v[n++].value = alias;
		}
		if (pass != NULL && (km == NULL || km->storepass == NULL ||
		    !secret_equal(km->storepass, pass))) {
			v[n].key = "server.ssl.key-store-password";
			v[n++].secret = pass;
		}
	}
	for (i = 0; i < s->nsettings; i++) {
		v[n].key = s->settings[i].key;
		v[n++].value = s->settings[i].value;
	}
	return (n);
}

static int
ensure_settings(const struct ensure_spec *s, const struct ensure_opts *o,
    const struct server_model *m, const char *path, const char *alias,
    enum ks_format fmt, const struct secret *pass, struct ensure_result *r,
    char **cause)
{
	const struct cfg_source	**t = NULL, *src;
	struct step_prop	*v, *gv;
	struct step_settings_opts so;
	struct step_result	 sr;
	struct ensure_action	*a;
	struct es_show		 sh;
	char			 port[16];
	int			*docs;
	size_t			 n, nt, i, j, k, ng;
	int			 rc = -1;

	v = xcalloc(s->nsettings + 8, sizeof *v);
	n = es_wanted(s, m, path, alias, fmt, pass, port, sizeof port, v);
	/* one step per file, the keys that file wins for */
	for (i = 0; i < n; i++) {
		if (v[i].key == NULL)
			continue;
		if (cfg_plan(m, v[i].key, false, &t, &nt, cause) != 0)
			goto out;
		if (nt == 0) {
			free(t);
			continue;
		}
		src = t[0];
		free(t);
		gv = xcalloc(n, sizeof *gv);
		docs = xcalloc(n, sizeof *docs);
		ng = 0;
		for (j = i; j < n; j++) {
			if (v[j].key == NULL)
				continue;
			if (j > i) {
				if (cfg_plan(m, v[j].key, false, &t, &nt,
				    cause) != 0) {
					free(gv);
					free(docs);
					goto out;
				}
				k = nt > 0 && strcmp(t[0]->path, src->path) ==
				    0 ? 1 : 0;
				if (k)
					docs[ng] = t[0]->doc;
				free(t);
				if (!k)
					continue;
			} else
				docs[ng] = src->doc;
			gv[ng++] = v[j];
			v[j].key = NULL;
		}
		memset(&so, 0, sizeof so);
		memset(&sr, 0, sizeof sr);
		memset(&sh, 0, sizeof sh);
		so.props = gv;
		so.nprops = ng;
		so.dry_run = o->check;
		so.show = es_show;
		so.show_arg = &sh;
		if (src->format == CFG_FMT_YAML)
			k = step_settings_yaml(src->path, docs, &so, &sr,
			    cause);
		else
			k = step_settings(src->path, &so, &sr, cause);
		free(gv);
		free(docs);
		if (k != 0) {
			step_result_free(&sr);
			free(sh.before);
			free(sh.after);
			goto out;
		}
		a = ea_new(r, "settings", src->path);
		a->changed = sh.shown;
		if (sh.shown) {
			ea_summary(a, "%s: %zu setting%s to change", src->path,
			    ng, ng == 1 ? "" : "s");
			ea_notes(a, &sr);
		} else
			ea_summary(a, "%s: the settings are as wanted",
			    src->path);
		if (o->diff && sh.shown) {
			a->before = sh.before;
			a->after = sh.after;
		} else {
			free(sh.before);
			free(sh.after);
		}
		step_result_free(&sr);
	}
	rc = 0;
out:
	free(v);
	return (rc);
}

/* ------------------------------------------------------------------ */
/* Trust */

/* One certificate into one trust store (cacerts: the JRE's, with
 * step_trust's passwords; else a server's trust store with its own). */
static int
ensure_trust_one(const struct ensure_opts *o, const char *cacerts,
    const char *jre_home, const struct secret *pass,
    const char *cert_file, const char *from_ks,
    const struct secret *from_pass, const char *from_alias,
    const char *alias, struct ensure_result *r, char **cause)
{
	struct step_trust_opts	 to;
	struct step_trust_info	 info;
	struct step_result	 sr;
	struct ensure_action	*a;

	memset(&to, 0, sizeof to);
	memset(&info, 0, sizeof info);
	memset(&sr, 0, sizeof sr);
	to.cert_file = cert_file;
	to.from_keystore = from_ks;
	to.from_pass = from_pass;
	to.from_alias = from_alias;
	to.alias = alias;
	to.cacerts = cacerts;
	to.jre_home = jre_home;
	to.cacerts_pass = pass;
	to.dry_run = o->check;
	if (step_trust(&to, &sr, &info, cause) != 0) {
		step_result_free(&sr);
		step_trust_info_free(&info);
		return (-1);
	}
	a = ea_new(r, "trust", cacerts);
	a->changed = !info.already;
	if (info.already)
		ea_summary(a, "%s: %s is trusted already (alias %s)", cacerts,
		    info.what != NULL ? info.what : cert_file,
		    info.existing_alias != NULL ? info.existing_alias : "?");
	else {
		ea_summary(a, "%s: trust %s as %s", cacerts,
		    info.what != NULL ? info.what : cert_file,
		    sr.naliases > 0 ? sr.aliases[0] : alias != NULL ? alias :
		    "?");
		ea_notes(a, &sr);
		if (o->diff) {
			a->before = xstrdup("");
			xasprintf(&a->after, "%s\n", sr.naliases > 0 ?
			    sr.aliases[0] : alias != NULL ? alias : "?");
		}
	}
	step_result_free(&sr);
	step_trust_info_free(&info);
	return (0);
}

/* The trust stores of the server (its client-trust materials): each
 * keystore once; -1 when it has none, or one tlsdeck cannot add to. */
static int
ensure_trust_stores(const struct server_model *m,
    const struct key_material ***tp, size_t *np, char **cause)
{
	const struct key_material	*km, **t = NULL;
	size_t				 i, j, n = 0;

	*tp = NULL;
	*np = 0;
	for (i = 0; i < m->nmaterials; i++) {
		km = m->materials[i];
		if (km->role != KM_ROLE_CLIENT_TRUST)
			continue;
		if (km->where != KM_KEYSTORE || km->path == NULL) {
			cause_set(cause, "%s: the server's trust store is %s: "
			    "ensure adds certificates to a JKS or PKCS12 trust "
			    "store only", km->path != NULL ? km->path :
			    m->properties != NULL ? m->properties : "server",
			    km->where == KM_PEM ? "a PEM file" :
			    km->where == KM_PEM_INLINE ? "PEM text in a "
			    "setting" : "not a file");
			free(t);
			return (-1);
		}
		for (j = 0; j < n; j++)
			if (strcmp(t[j]->path, km->path) == 0)
				break;
		if (j < n)
			continue;
		t = xreallocarray(t, n + 1, sizeof *t);
		t[n++] = km;
	}
	if (n == 0) {
		cause_set(cause, "%s: the server has no trust store of its own "
		    "(server.ssl.trust-store, Tomcat's truststoreFile, Jetty's "
		    "trustStorePath): configure one, or trust in cacerts only",
		    m->properties != NULL ? m->properties : "server");
		return (-1);
	}
	*tp = t;
	*np = n;
	return (0);
}

/* trust: {in: [cacerts, server], certs: [...]}, certificate by
 * certificate, store by store. */
static int
ensure_trust(const struct ensure_spec *s, const struct ensure_opts *o,
    const struct server_model *m, const char *cacerts,
    struct ensure_result *r, char **cause)
{
	const struct key_material	**t = NULL;
	size_t				  nt = 0, i, j;
	int				  rc = -1;

	if (s->ntrust_certs == 0)
		return (0);
	if ((s->trust_in & ENSURE_TRUST_SERVER) &&
	    ensure_trust_stores(m, &t, &nt, cause) != 0)
		return (-1);
	for (i = 0; i < s->ntrust_certs; i++) {
		if ((s->trust_in & ENSURE_TRUST_CACERTS) &&
		    ensure_trust_one(o, cacerts, m->jre.home,
		    o->cacerts_pass, s->trust_certs[i], NULL, NULL, NULL,
		    NULL, r, cause) != 0)
			goto out;
		for (j = 0; j < nt; j++)
			if (ensure_trust_one(o, t[j]->path, NULL,
			    t[j]->storepass, s->trust_certs[i], NULL, NULL,
			    NULL, NULL, r, cause) != 0)
				goto out;
	}
	rc = 0;
out:
	free(t);
	return (rc);
}

/* ------------------------------------------------------------------ */
/* The key pair from an ACME CA (step_acme) */

/* The served certificate (leaf), or NULL. */
static struct cert *
ea_served(const struct server_model *m)
{
	const struct key_material	*km = m->served;

	if (km == NULL || km->where == KM_NONE)
		return (NULL);
	if (km->nchain > 0)
		return (km->chain[0]);
	if (km->key_entry != NULL && km->key_entry->nchain > 0)
		return (km->key_entry->chain[0]);
	return (NULL);
}

/*
 * The decision without the network, for --check: what step_acme decides
 * from the served certificate, the spec's names and the issued record of
 * the directory (docs/acme.md, The server transaction): an order when
 * no certificate is served, it misses a name, is self-signed, was not
 * issued through the directory or is within the renewal window.
 * 1: an order (why says why); 0: nothing to do; -1: no state directory.
 */
static int
ea_decide(const struct ensure_spec *s, const struct server_model *m,
    char **why, char **cause)
{
	struct cert	*c = ea_served(m);
	char		*state = NULL, date[32];
	time_t		 now = m->now != 0 ? m->now : time(NULL);
	int64_t		 w;
	long		 days;
	bool		 ours;

	*why = NULL;
	if (c == NULL) {
		*why = xstrdup("no certificate is served yet");
		return (1);
	}
	if (!ek_names_ok(c, s)) {
		*why = xstrdup("the certificate does not name every domain");
		return (1);
	}
	if (c->info.self_signed) {
		*why = xstrdup("the certificate is self-signed");
		return (1);
	}
	if (acme_state_dir(&state, cause) != 0)
		return (-1);
	ours = step_acme_issued_here(state, s->acme->directory, c);
	free(state);
	if (!ours) {
		xasprintf(why, "the certificate was not issued through %s "
		    "(issuer %s)", s->acme->directory, c->info.issuer);
		return (1);
	}
	days = cert_days_left(c, now);
	w = step_acme_window(c, s->acme->renew_before);
	if (c->info.not_after - (int64_t)now <= w) {
		xasprintf(why, "%ld days left, within the renewal window of "
		    "%lld days", days, (long long)(w / SECS_PER_DAY));
		return (1);
	}
	time_iso8601(c->info.not_after - w, date, sizeof date);
	xasprintf(why, "nothing to do: %ld days left, renewal due %.10s",
	    days, date);
	return (0);
}

/* A certificate in one line for --diff (malloc'd). */
static char *
ea_cert_line(const struct cert *c)
{
	char	 date[32], *s;

	if (c == NULL)
		return (xstrdup(""));
	time_iso8601(c->info.not_after, date, sizeof date);
	xasprintf(&s, "%s, issuer %s, until %s\n", c->info.subject != NULL ?
	    c->info.subject : "?", c->info.issuer != NULL ? c->info.issuer :
	    "?", date);
	return (s);
}

static void
ea_acme_note(enum step_acme_phase ph, const char *line, void *arg)
{
	(void)ph;
	ea_note(arg, line);
}

/*
 * The ACME action.  --check decides offline (ea_decide; the CA is not
 * contacted); a run reloads the model when the earlier actions wrote
 * (*mp replaced) and lets step_acme decide, order, write, restart and
 * verify -- or put every file back.
 */
static int
ensure_acme(const struct ensure_spec *s, const struct ensure_opts *o,
    const struct server_opts *so, struct server_model **mp, bool bootstrap,
    struct ensure_result *r, char **cause)
{
	const struct ensure_acme	*e = s->acme;
	struct step_acme_opts		 ao;
	struct step_acme_result		 ar;
	struct ensure_action		*a;
	struct server_model		*m2 = NULL;
	char				*why = NULL;
	size_t				 i;
	int				 d;

	if (o->check) {
		if (bootstrap)
			d = 1, why = xstrdup("no certificate is served yet");
		else if ((d = ea_decide(s, *mp, &why, cause)) < 0)
			return (-1);
		a = ea_new(r, "acme", e->directory);
		a->changed = d == 1;
		if (d == 1) {
			ea_summary(a, "%s: order a certificate for %zu "
			    "name%s: %s", e->directory, s->ndomains,
			    s->ndomains == 1 ? "" : "s", why);
			ea_note(a, "check: decided from the served "
			    "certificate and the issued record; the CA is "
			    "not contacted");
			if (o->diff) {
				a->before = ea_cert_line(ea_served(*mp));
				xasprintf(&a->after, "a certificate for %s "
				    "from %s\n", s->domains[0], e->directory);
			}
		} else
			ea_summary(a, "%s: %s", e->directory, why);
		free(why);
		return (0);
	}
	for (i = 0; i < r->nactions; i++)
		if (r->actions[i].changed)
			break;
	if (i < r->nactions) {
		/* the bootstrap key pair or the settings were written */
		if (server_model_load(so, &m2, cause) != 0)
			return (-1);
		server_model_free(*mp);
		*mp = m2;
	}
	if ((*mp)->served == NULL) {
		cause_set(cause, "%s: HTTPS is not configured: no key material "
		    "for the ACME certificate", (*mp)->properties != NULL ?
		    (*mp)->properties : "the server");
		return (-1);
	}
	memset(&ao, 0, sizeof ao);
	ao.acme.directory = e->directory;
	ao.acme.ca_file = e->ca_file;
	ao.acme.email = e->email;
	ao.acme.agree_tos = e->agree_tos;
	ao.acme.chall = e->chall;
	ao.acme.http_address = e->http_address;
	ao.acme.http_port = e->http_port;
	ao.acme.webroot = e->webroot;
	ao.acme.dns_hook = e->dns_hook;
	ao.acme.dns_wait = e->dns_wait;
	ao.acme.preferred_issuer = e->preferred_issuer;
	ao.acme.timeout = e->timeout;
	ao.acme.cancel_fd = -1;
	ao.names = (const char *const *)s->domains;
	ao.nnames = s->ndomains;
	ao.key = e->key;
	ao.renew_before = e->renew_before;
	ao.restart = e->restart;
	ao.verify_timeout = e->verify_timeout;
	a = ea_new(r, "acme", e->directory);
	ao.note = ea_acme_note;
	ao.note_arg = a;
	if (o->diff)
		a->before = ea_cert_line(ea_served(*mp));
	memset(&ar, 0, sizeof ar);
	if (step_acme(*mp, &ao, &ar, cause) != 0) {
		step_acme_result_free(&ar);
		return (-1);
	}
	if (ar.outcome == SA_NOTHING) {
		ea_summary(a, "%s: %s", e->directory, ar.decision != NULL ?
		    ar.decision : "nothing to do");
		/* nothing written: the decision is the summary */
		for (i = 0; i < a->nnotes; i++)
			free(a->notes[i]);
		free(a->notes);
		a->notes = NULL;
		a->nnotes = 0;
		free(a->before);
		a->before = NULL;
	} else {
		a->changed = true;
		ea_summary(a, "%s: a new certificate for %zu name%s (%s), "
		    "served", e->directory, ar.nnames, ar.nnames == 1 ? "" :
		    "s", ar.decision != NULL ? ar.decision : "ordered");
		for (i = 0; i < ar.nfiles; i++)
			if (ar.backups != NULL && ar.backups[i] != 0) {
				a->backup_id = ar.backups[i];
				break;
			}
		if (o->diff)
			a->after = ea_cert_line(ar.cert.nchain > 0 ?
			    ar.cert.chain[0] : NULL);
	}
	step_acme_result_free(&ar);
	return (0);
}

/* ------------------------------------------------------------------ */

/* The keystore the spec means: its path (relative: to the server's
 * directory), else the configured one, else conf/ssl/keystore.p12. */
static char *
ensure_ks_path(const struct ensure_spec *s, const struct server_model *m)
{
	const char	*base;
	char		*p, *dir, *slash;

	base = m->shared_data_path != NULL ? m->shared_data_path : s->server;
	if (s->keystore != NULL && s->keystore[0] == '/')
		return (xstrdup(s->keystore));
	dir = NULL;
	if (base == NULL && m->properties != NULL) {
		dir = xstrdup(m->properties);
		if ((slash = strrchr(dir, '/')) != NULL)
			*slash = '\0';
		base = dir;
	}
	if (s->keystore != NULL)
		xasprintf(&p, "%s/%s", base != NULL ? base : ".", s->keystore);
	else if (m->served != NULL && m->served->path != NULL)
		p = xstrdup(m->served->path);
	else
		xasprintf(&p, "%s/conf/ssl/keystore.p12", base != NULL ?
		    base : ".");
	free(dir);
	return (p);
}

/* Begin a transaction the steps below join (txn_enter). */
static int
ensure_txn_begin(struct txn **tx, char **cause)
{
	if (txn_begin("ensure", tx, cause) != 0)
		return (-1);
	txn_enter(*tx);
	return (0);
}

/* Commit it (ok) or put back what it wrote; either way it is over.  A
 * rollback's line is added to *cause. */
static int
ensure_txn_end(struct txn **tx, bool ok, char **cause)
{
	char	*done = NULL, *c2 = NULL, *t;
	int	 rc = 0;

	if (*tx == NULL)
		return (0);
	if (ok) {
		rc = txn_commit(*tx, cause);
		*tx = NULL;
		return (rc);
	}
	if (txn_abort(*tx, &done, &c2) != 0) {
		xasprintf(&t, "%s; the rollback failed too: %s", *cause !=
		    NULL ? *cause : "failed", c2);
		free(*cause);
		*cause = t;
	} else if (done != NULL && *done != '\0') {
		xasprintf(&t, "%s (%s)", *cause != NULL ? *cause : "failed",
		    done);
		free(*cause);
		*cause = t;
	}
	*tx = NULL;
	free(done);
	free(c2);
	return (-1);
}

int
ensure_run(const struct ensure_spec *s, const struct ensure_opts *o,
    struct ensure_result *r, char **cause)
{
	struct server_opts	 so;
	struct server_model	*m = NULL;
	const struct secret	*pass = NULL;
	struct keystore		*ks = NULL;
	struct stat		 st;
	char			*path = NULL, *alias = NULL, *tal = NULL;
	char			 hex[65], *c2 = NULL;
	const char		*cacerts;
	enum ks_format		 fmt;
	time_t			 now = time(NULL);
	size_t			 i;
	int			 rc = -1;
	bool			 acme_inplace;
	struct txn		*tx = NULL;

	memset(r, 0, sizeof *r);
	server_opts_init(&so);
	so.server = s->server;
	so.properties = s->properties;
	so.jre = o->jre;
	so.cacerts = o->cacerts;
	so.flags |= SERVER_NO_LIVE | o->server_flags;
	if (server_model_load(&so, &m, cause) != 0)
		return (-1);
	/* Every file changed before and after the ACME step is one
	 * transaction each (docs/security.md, Transactions): a failure
	 * puts back what that part wrote.  The ACME step has its own. */
	if (!o->check && ensure_txn_begin(&tx, cause) != 0)
		goto out;

	/* ACME on a server that serves HTTPS already: step_acme renews its
	 * material in place, whatever it is (keystore or PEM files); on one
	 * without HTTPS, a self-signed key pair first (the bootstrap). */
	acme_inplace = s->acme != NULL && ea_served(m) != NULL;
	if (acme_inplace) {
		if (ensure_settings(s, o, m, NULL, NULL, KS_FMT_UNKNOWN, NULL,
		    r, cause) != 0)
			goto out;
	} else if (s->https) {
		path = ensure_ks_path(s, m);
		alias = xstrdup(s->alias != NULL ? s->alias :
		    m->served != NULL && m->served->alias != NULL ?
		    m->served->alias : "tlsdeck");
		pass = o->storepass != NULL ? o->storepass :
		    m->served != NULL ? m->served->storepass : NULL;
		if (pass == NULL) {
			cause_set(cause, "%s: no keystore password: give "
			    "--storepass-env VAR or --storepass-file FILE",
			    path);
			goto out;
		}
		/* the file's format when it exists, else the spec's */
		fmt = s->storetype != KS_FMT_UNKNOWN ? s->storetype :
		    KS_FMT_PKCS12;
		if (stat(path, &st) == 0 &&
		    keystore_load(path, pass, 0, &ks, &c2) == 0) {
			if (s->storetype != KS_FMT_UNKNOWN &&
			    ks->format != s->storetype) {
				cause_set(cause, "%s is %s, not %s (a keystore "
				    "is never converted here)", path,
				    ks_format_name(ks->format),
				    ks_format_name(s->storetype));
				goto out;
			}
			fmt = ks->format;
			keystore_free(ks);
			ks = NULL;
		}
		free(c2);
		c2 = NULL;
		if (ensure_keypair(s, o, path, pass, alias, fmt, now, r,
		    cause) != 0)
			goto out;
		if (ensure_settings(s, o, m, path, alias, fmt, pass, r,
		    cause) != 0)
			goto out;
	} else if (s->nsettings > 0 && ensure_settings(s, o, m, NULL, NULL,
	    KS_FMT_UNKNOWN, NULL, r, cause) != 0)
		goto out;
	if (s->acme != NULL) {
		if (ensure_txn_end(&tx, true, cause) != 0)
			goto out;
		if (ensure_acme(s, o, &so, &m, !acme_inplace &&
		    r->keypair_changed, r, cause) != 0)
			goto out;
		pass = NULL;	/* the model it came from may be gone */
		if (!o->check && ensure_txn_begin(&tx, cause) != 0)
			goto out;
	}

	cacerts = o->cacerts != NULL ? o->cacerts : m->jre.cacerts;
	if ((s->https && s->trust && s->pem_key == NULL) || s->nca_files > 0 ||
	    (s->ntrust_certs > 0 && (s->trust_in & ENSURE_TRUST_CACERTS))) {
		if (cacerts == NULL) {
			cause_set(cause, "%s: its JRE's cacerts was not found "
			    "(give --jre DIR or --cacerts FILE)",
			    m->properties != NULL ? m->properties : "server");
			goto out;
		}
	}
	if (s->https && s->trust && s->pem_key == NULL) {
		if (o->check && r->keypair_changed) {
			/* the certificate does not exist yet */
			struct ensure_action *a = ea_new(r, "trust", cacerts);

			a->changed = true;
			ea_summary(a, "%s: trust the new certificate of %s "
			    "(%s)", cacerts, path, alias);
			if (o->diff) {
				a->before = xstrdup("");
				xasprintf(&a->after, "the new certificate of "
				    "%s\n", alias);
			}
		} else {
			/* an alias of its own for each certificate */
			if (keystore_load(path, pass, 0, &ks, cause) != 0)
				goto out;
			if (keystore_find(ks, alias) == NULL ||
			    keystore_find(ks, alias)->nchain == 0) {
				cause_set(cause, "%s: no entry %s", path,
				    alias);
				goto out;
			}
			sw_sha256_hex(keystore_find(ks, alias)->chain[0]->der,
			    keystore_find(ks, alias)->chain[0]->len, hex);
			hex[12] = '\0';
			xasprintf(&tal, "tlsdeck-%s-%s", alias, hex);
			if (ensure_trust_one(o, cacerts, m->jre.home,
			    o->cacerts_pass, NULL, path, pass, alias, tal, r,
			    cause) != 0)
				goto out;
		}
	}
	for (i = 0; i < s->nca_files; i++)
		if (ensure_trust_one(o, cacerts, m->jre.home, o->cacerts_pass,
		    s->ca_files[i], NULL, NULL, NULL, NULL, r, cause) != 0)
			goto out;
	if (ensure_trust(s, o, m, cacerts, r, cause) != 0)
		goto out;

	if (ensure_txn_end(&tx, true, cause) != 0)
		goto out;
	for (i = 0; i < r->nactions; i++)
		if (r->actions[i].changed)
			r->changed = true;
	if (r->changed && !o->check) {
		/* the state written, audited again */
		server_model_free(m);
		m = NULL;
		if (server_model_load(&so, &m, cause) != 0)
			goto out;
	}
	r->m = m;
	m = NULL;
	rc = 0;
out:
	if (tx != NULL)
		(void)ensure_txn_end(&tx, false, cause);
	keystore_free(ks);
	server_model_free(m);
	free(path);
	free(alias);
	free(tal);
	free(c2);
	if (rc != 0) {
		ensure_result_free(r);
	}
	return (rc);
}

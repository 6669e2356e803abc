/* SPDX-License-Identifier: ISC */
/*
 * loader.c -- where the dashboard's struct server_model comes from:
 * core's server_model_load() (discovery and audit, core/server.c), with
 * the GLOBAL options and the configuration file.  Two stand-ins, reachable
 * only through hidden options, serve tests and demonstrations:
 *   --demo-model      a fixed, realistic model built in memory (no files);
 *   --keystore FILE   a model around one keystore file (password from
 *                     $TLSDECK_STOREPASS, or none), with expiry findings.
 * The screens draw any model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* A model with nothing loaded. */
struct server_model *
tui_model_empty(void)
{
	struct server_model	*m;

	m = xcalloc(1, sizeof *m);
	m->now = time(NULL);
	m->warn_days = 30;
	m->crit_days = 14;
	m->port = 8080;
	return (m);
}

/* A certificate without DER, for the demonstration model. */
static struct cert *
demo_cert(const char *subject, const char *issuer, const char *serial,
    time_t now, long age, long left, const char *key, bool ca,
    const char *san)
{
	struct cert	*c;

	c = xcalloc(1, sizeof *c);
	c->info.subject = xstrdup(subject);
	c->info.issuer = xstrdup(issuer);
	c->info.serial = xstrdup(serial);
	c->info.version = 3;
	/* An hour past the day, so days left is exactly left. */
	c->info.not_before = (int64_t)now - (int64_t)age * 86400;
	c->info.not_after = (int64_t)now + (int64_t)left * 86400 + 3600;
	snprintf(c->info.key, sizeof c->info.key, "%s", key);
	c->info.key_bits = atoi(strchr(key, ' ') != NULL ?
	    strchr(key, ' ') + 1 : "0");
	snprintf(c->info.sig_alg, sizeof c->info.sig_alg, "SHA256withRSA");
	c->info.ca = ca;
	c->info.pathlen = -1;
	c->info.self_signed = strcmp(subject, issuer) == 0;
	if (san != NULL) {
		c->info.san = xcalloc(1, sizeof *c->info.san);
		c->info.san[0] = xstrdup(san);
		c->info.nsan = 1;
	}
	return (c);
}

/* An entry with the given certificates (ownership taken). */
static struct ks_entry *
demo_entry(struct keystore *ks, const char *alias, enum ks_etype type,
    time_t now)
{
	struct ks_entry	*e;

	e = ks_entry_new(alias, type);
	e->date_ms = ((int64_t)now - 86400 * 300) * 1000;
	keystore_add(ks, e);
	return (e);
}

/* The demonstration model: a realistic server, built in memory. */
struct server_model *
tui_model_demo(time_t now)
{
	static const char	*dir = "/etc/opt/actian/integration-manager";
	static const char	*root =
	    "CN=Example Root CA, O=Example Corp, C=US";
	static const char	*ica =
	    "CN=Example Issuing CA 1, O=Example Corp, C=US";
	static const struct {
		const char	*alias;
		const char	*cn;
		long		 left;
	} anchors[] = {
		{ "digicertglobalrootg2", "CN=DigiCert Global Root G2, "
		    "OU=www.digicert.com, O=DigiCert Inc, C=US", 4444 },
		{ "isrgrootx1", "CN=ISRG Root X1, O=Internet Security "
		    "Research Group, C=US", 3084 },
		{ "usertrustrsaca", "CN=USERTrust RSA Certification "
		    "Authority, O=The USERTRUST Network, C=US", 4456 },
	};
	struct server_model	*m;
	struct keystore		*ks, *cac;
	struct ks_entry		*e;
	struct setting		*s;
	char			*p;
	size_t			 i;

	m = tui_model_empty();
	m->now = now;
	m->how = xstrdup("demonstration model (--demo-model)");
	m->shared_data_path = xstrdup(dir);
	xasprintf(&m->properties, "%s/conf/application.properties", dir);
	m->port = 443;
	m->base_url = xstrdup("https://im.example.com:443");
	xasprintf(&m->keystore_path, "%s/conf/ssl/keystore.p12", dir);
	m->keystore_type = xstrdup("PKCS12");
	m->key_alias = xstrdup("integration-manager");

	/* The server's keystore: a CA-signed chain and some trouble. */
	ks = keystore_new(KS_FMT_PKCS12);
	ks->path = xstrdup(m->keystore_path);
	ks->verified = true;
	e = demo_entry(ks, "integration-manager", KS_ENTRY_KEY, now);
	ks_entry_add_cert(e, demo_cert("CN=im.example.com, O=Example Corp, "
	    "C=US", ica, "4a1f09c3", now, 318, 412, "RSA 2048", false,
	    "DNS:im.example.com"));
	ks_entry_add_cert(e, demo_cert(ica, root, "1002", now, 2000, 3620,
	    "RSA 4096", true, NULL));
	ks_entry_add_cert(e, demo_cert(root, root, "1001", now, 3650, 7290,
	    "RSA 4096", true, NULL));
	m->key_entry = e;
	e = demo_entry(ks, "old-server", KS_ENTRY_KEY, now);
	ks_entry_add_cert(e, demo_cert("CN=old.example.com", "CN=old.example."
	    "com", "5e2a", now, 356, 9, "RSA 2048", false,
	    "DNS:old.example.com"));
	e = demo_entry(ks, "root", KS_ENTRY_TRUSTED, now);
	ks_entry_add_cert(e, demo_cert(root, root, "1001", now, 3650, 7290,
	    "RSA 4096", true, NULL));
	e = demo_entry(ks, "intermediate", KS_ENTRY_TRUSTED, now);
	ks_entry_add_cert(e, demo_cert(ica, root, "1002", now, 2000, 3620,
	    "RSA 4096", true, NULL));
	e = demo_entry(ks, "caf\xc3\xa9-partner", KS_ENTRY_TRUSTED, now);
	ks_entry_add_cert(e, demo_cert("CN=Partner CA, O=Partner GmbH, C=DE",
	    "CN=Partner CA, O=Partner GmbH, C=DE", "77", now, 1800, 25,
	    "EC P-256", true, NULL));
	m->ks = ks;

	/* The seven settings, plus the usual mistake. */
	s = setting_add(m, "server.port", "443", false, 12);
	setting_check(s, SEV_OK, "HTTPS");
	s = setting_add(m, "server.ssl.enabled", "true", false, 13);
	setting_check(s, SEV_OK, "on");
	s = setting_add(m, "server.ssl.key-store", m->keystore_path, false,
	    14);
	setting_check(s, SEV_OK, "found");
	s = setting_add(m, "server.ssl.key-store-type", "PKCS12", false, 15);
	setting_check(s, SEV_OK, "matches");
	s = setting_add(m, "server.ssl.key-store-password", "x", true, 16);
	setting_check(s, SEV_OK, "opens");
	s = setting_add(m, "server.ssl.key-alias", "integration-manager",
	    false, 17);
	setting_check(s, SEV_OK, "key entry");
	s = setting_add(m, "server.ssl.key-password", "x", true, 18);
	setting_check(s, SEV_OK, "opens key");
	s = setting_add(m, "im.base-url", m->base_url, false, 20);
	setting_check(s, SEV_OK, "in SAN");
	s = setting_add(m, "security.require-ssl", "true", false, 21);
	setting_check(s, SEV_WARN, "no effect");

	/* The JRE and its cacerts (a distribution-managed symlink). */
	xasprintf(&m->jre.home, "%s/jre", dir);
	m->jre.how = xstrdup("${sharedDataPath}/jre");
	m->jre.version = xstrdup("17.0.15");
	m->jre.major = 17;
	xasprintf(&m->jre.cacerts, "%s/jre/lib/security/cacerts", dir);
	m->jre.cacerts_real = xstrdup("/etc/ssl/certs/java/cacerts");
	m->jre.cacerts_symlink = true;
	m->jre.cacerts_distro = true;
	cac = keystore_new(KS_FMT_JKS);
	cac->path = xstrdup(m->jre.cacerts_real);
	e = demo_entry(cac, "example-root", KS_ENTRY_TRUSTED, now);
	ks_entry_add_cert(e, demo_cert(root, root, "1001", now, 3650, 7290,
	    "RSA 4096", true, NULL));
	for (i = 0; i < sizeof anchors / sizeof anchors[0]; i++) {
		e = demo_entry(cac, anchors[i].alias, KS_ENTRY_TRUSTED, now);
		ks_entry_add_cert(e, demo_cert(anchors[i].cn, anchors[i].cn,
		    "1", now, 3000, anchors[i].left, "RSA 4096", true, NULL));
	}
	m->jre.trust = cac;
	m->trusted = true;
	m->trusted_alias = xstrdup("example-root");

	p = m->properties;
	finding_add(m, "cert-expiring", SEV_CRIT, m->keystore_path, 0,
	    "old-server", FORM_GENKEY, "renew it, or delete the entry if "
	    "nothing uses it", "old-server: certificate expires in 9 days "
	    "(CN=old.example.com)");
	finding_add(m, "cert-expiring", SEV_WARN, m->keystore_path, 0,
	    "caf\xc3\xa9-partner", FORM_IMPORT_CERT, "import the partner's "
	    "new CA certificate", "caf\xc3\xa9-partner: certificate expires "
	    "in 25 days (CN=Partner CA)");
	finding_add(m, "require-ssl-no-effect", SEV_WARN, p, 21, NULL,
	    FORM_SETTINGS, "remove the line; server.ssl.enabled=true is what "
	    "counts", "security.require-ssl has no effect on Spring Boot 2 "
	    "and later");
	finding_add(m, "cacerts-distro", SEV_INFO, m->jre.cacerts, 0, NULL,
	    FORM_TRUST, "re-run the trust step after ca-certificates-java "
	    "updates", "cacerts is managed by ca-certificates-java: updates "
	    "may drop imported certificates");
	findings_sort(m);
	return (m);
}

/* Stand-in: a model around one keystore file, expiry findings only. */
static int
loader_keystore(const char *path, struct server_model **mp, char **cause)
{
	struct server_model	*m;
	struct keystore		*ks = NULL;
	struct secret		*pass = NULL;
	struct ks_entry		*e;
	long			 days;
	enum sev		 sev;
	size_t			 i, j;

	if (getenv("TLSDECK_STOREPASS") != NULL &&
	    secret_from_env("TLSDECK_STOREPASS", &pass, cause) != 0)
		return (-1);
	if (keystore_load(path, pass, pass == NULL ? KS_LOAD_NOVERIFY : 0,
	    &ks, cause) != 0) {
		secret_free(pass);
		return (-1);
	}
	secret_free(pass);
	m = tui_model_empty();
	m->how = xstrdup("--keystore");
	m->keystore_path = xstrdup(path);
	m->keystore_type = xstrdup(ks_format_name(ks->format));
	m->ks = ks;
	for (i = 0; i < ks->nentries; i++) {
		e = ks->entries[i];
		if (e->type == KS_ENTRY_KEY && m->key_entry == NULL) {
			m->key_entry = e;
			m->key_alias = xstrndup(e->alias, e->alias_len);
		}
		for (j = 0; j < e->nchain; j++) {
			days = cert_days_left(e->chain[j], m->now);
			sev = audit_cert_sev(m, e->chain[j]);
			if (sev == SEV_OK)
				continue;
			if (days < 0)
				finding_add(m, "cert-expired", SEV_CRIT, path,
				    0, e->alias, FORM_GENKEY, "renew it",
				    "%s: certificate %zu expired %ld days ago",
				    e->alias, j + 1, -days);
			else
				finding_add(m, "cert-expiring", sev, path, 0,
				    e->alias, FORM_GENKEY, "renew it",
				    "%s: certificate %zu expires in %ld days",
				    e->alias, j + 1, days);
		}
	}
	findings_sort(m);
	*mp = m;
	return (0);
}

/* Build the server model the options ask for. */
int
tui_model_load(const struct tui_opts *o, struct server_model **mp,
    char **cause)
{
	struct server_opts	so;

	*mp = NULL;
	if (o->demo) {
		*mp = tui_model_demo(time(NULL));
		return (0);
	}
	if (o->keystore != NULL)
		return (loader_keystore(o->keystore, mp, cause));

	/* The real thing: discovery, then the audit (core/server.c). */
	server_opts_init(&so);
	so.properties = o->properties;
	so.server = o->server;
	so.jre = o->jre;
	so.cacerts = o->cacerts;
	config_apply(o->cfg, &so);
	return (server_model_load(&so, mp, cause));
}

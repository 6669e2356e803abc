/* SPDX-License-Identifier: ISC */
/*
 * demo-model.c -- the dashboard's built-in demonstration model
 * (tlsdeck --demo-model): a realistic server built in memory, with no
 * files: a CA-signed key entry, an entry about to expire, a non-ASCII
 * trusted alias, the settings rows, a distribution-managed cacerts and
 * the findings they give.  Its certificates carry no DER, only the fields
 * the screens show, with dates relative to now.  (demo.c builds a real
 * tree on disk for tlsdeck demo.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* A certificate without DER, for the demonstration model. */
static struct cert *
dm_cert(const char *subject, const char *issuer, const char *serial,
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
	c->info.not_before = (int64_t)now - (int64_t)age * SECS_PER_DAY;
	c->info.not_after = (int64_t)now + (int64_t)left * SECS_PER_DAY +
	    3600;
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
dm_entry(struct keystore *ks, const char *alias, enum ks_etype type,
    time_t now)
{
	struct ks_entry	*e;

	e = ks_entry_new(alias, type);
	e->date_ms = ((int64_t)now - SECS_PER_DAY * 300) * 1000;
	keystore_add(ks, e);
	return (e);
}

#define DM_DIR		"/etc/opt/actian/integration-manager"
#define DM_KEYSTORE	DM_DIR "/conf/ssl/keystore.p12"
#define DM_BASE_URL	"https://im.example.com:443"
#define DM_ROOT		"CN=Example Root CA, O=Example Corp, C=US"
#define DM_ICA		"CN=Example Issuing CA 1, O=Example Corp, C=US"

/* The server's keystore: a CA-signed chain and some trouble. */
static void
dm_keystore(struct server_model *m)
{
	struct keystore	*ks;
	struct ks_entry	*e;
	time_t		 now = m->now;

	ks = keystore_new(KS_FMT_PKCS12);
	ks->path = xstrdup(m->served->path);
	ks->verified = true;
	e = dm_entry(ks, "integration-manager", KS_ENTRY_KEY, now);
	ks_entry_add_cert(e, dm_cert("CN=im.example.com, O=Example Corp, "
	    "C=US", DM_ICA, "4a1f09c3", now, 318, 412, "RSA 2048", false,
	    "DNS:im.example.com"));
	ks_entry_add_cert(e, dm_cert(DM_ICA, DM_ROOT, "1002", now, 2000, 3620,
	    "RSA 4096", true, NULL));
	ks_entry_add_cert(e, dm_cert(DM_ROOT, DM_ROOT, "1001", now, 3650,
	    7290, "RSA 4096", true, NULL));
	m->served->key_entry = e;
	e = dm_entry(ks, "old-server", KS_ENTRY_KEY, now);
	ks_entry_add_cert(e, dm_cert("CN=old.example.com", "CN=old.example."
	    "com", "5e2a", now, 356, 9, "RSA 2048", false,
	    "DNS:old.example.com"));
	e = dm_entry(ks, "root", KS_ENTRY_TRUSTED, now);
	ks_entry_add_cert(e, dm_cert(DM_ROOT, DM_ROOT, "1001", now, 3650,
	    7290, "RSA 4096", true, NULL));
	e = dm_entry(ks, "intermediate", KS_ENTRY_TRUSTED, now);
	ks_entry_add_cert(e, dm_cert(DM_ICA, DM_ROOT, "1002", now, 2000, 3620,
	    "RSA 4096", true, NULL));
	e = dm_entry(ks, "caf\xc3\xa9-partner", KS_ENTRY_TRUSTED, now);
	ks_entry_add_cert(e, dm_cert("CN=Partner CA, O=Partner GmbH, C=DE",
	    "CN=Partner CA, O=Partner GmbH, C=DE", "77", now, 1800, 25,
	    "EC P-256", true, NULL));
	m->served->ks = ks;
}

/* The seven settings, plus the usual mistake. */
static void
dm_settings(struct server_model *m)
{
	static const struct {
		const char	*key;
		const char	*value;
		bool		 secret;
		int		 line;
		enum sev	 sev;
		const char	*check;
	} rows[] = {
		{ "server.port", "443", false, 12, SEV_OK, "HTTPS" },
		{ "server.ssl.enabled", "true", false, 13, SEV_OK, "on" },
		{ "server.ssl.key-store", DM_KEYSTORE, false, 14, SEV_OK,
		    "found" },
		{ "server.ssl.key-store-type", "PKCS12", false, 15, SEV_OK,
		    "matches" },
		{ "server.ssl.key-store-password", "x", true, 16, SEV_OK,
		    "opens" },
		{ "server.ssl.key-alias", "integration-manager", false, 17,
		    SEV_OK, "key entry" },
		{ "server.ssl.key-password", "x", true, 18, SEV_OK,
		    "opens key" },
		{ "im.base-url", DM_BASE_URL, false, 20, SEV_OK, "in SAN" },
		{ "security.require-ssl", "true", false, 21, SEV_WARN,
		    "no effect" },
	};
	struct setting	*s;
	size_t		 i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		s = setting_add(m, rows[i].key, rows[i].value, rows[i].secret,
		    rows[i].line);
		setting_check(s, rows[i].sev, rows[i].check);
	}
}

/* The JRE and its cacerts (a distribution-managed symlink). */
static void
dm_jre(struct server_model *m)
{
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
	struct keystore	*cac;
	struct ks_entry	*e;
	time_t		 now = m->now;
	size_t		 i;

	m->jre.home = xstrdup(DM_DIR "/jre");
	m->jre.how = xstrdup("${sharedDataPath}/jre");
	m->jre.version = xstrdup("17.0.15");
	m->jre.major = 17;
	m->jre.cacerts = xstrdup(DM_DIR "/jre/lib/security/cacerts");
	m->jre.cacerts_real = xstrdup("/etc/ssl/certs/java/cacerts");
	m->jre.cacerts_symlink = true;
	m->jre.cacerts_distro = true;
	cac = keystore_new(KS_FMT_JKS);
	cac->path = xstrdup(m->jre.cacerts_real);
	e = dm_entry(cac, "example-root", KS_ENTRY_TRUSTED, now);
	ks_entry_add_cert(e, dm_cert(DM_ROOT, DM_ROOT, "1001", now, 3650,
	    7290, "RSA 4096", true, NULL));
	for (i = 0; i < sizeof anchors / sizeof anchors[0]; i++) {
		e = dm_entry(cac, anchors[i].alias, KS_ENTRY_TRUSTED, now);
		ks_entry_add_cert(e, dm_cert(anchors[i].cn, anchors[i].cn,
		    "1", now, 3000, anchors[i].left, "RSA 4096", true, NULL));
	}
	m->jre.trust = cac;
	m->served->trusted = true;
	m->served->trusted_alias = xstrdup("example-root");
}

/* The demonstration model; see core.h. */
struct server_model *
demo_model(time_t now)
{
	struct server_model	*m;

	m = server_model_new(now);
	m->kind = &server_kind_spring;
	m->how = xstrdup("demonstration model (--demo-model)");
	m->shared_data_path = xstrdup(DM_DIR);
	m->properties = xstrdup(DM_DIR "/conf/application.properties");
	m->port = 443;
	m->base_url = xstrdup(DM_BASE_URL);
	m->served->path = xstrdup(DM_KEYSTORE);
	m->served->declared_type = xstrdup("PKCS12");
	m->served->alias = xstrdup("integration-manager");
	dm_keystore(m);
	dm_settings(m);
	dm_jre(m);

	finding_add(m, "cert-expiring", SEV_CRIT, m->served->path, 0,
	    "old-server", FORM_GENKEY, "renew it, or delete the entry if "
	    "nothing uses it", "old-server: certificate expires in 9 days "
	    "(CN=old.example.com)");
	finding_add(m, "cert-expiring", SEV_WARN, m->served->path, 0,
	    "caf\xc3\xa9-partner", FORM_IMPORT_CERT, "import the partner's "
	    "new CA certificate", "caf\xc3\xa9-partner: certificate expires "
	    "in 25 days (CN=Partner CA)");
	finding_add(m, "require-ssl-no-effect", SEV_WARN, m->properties, 21,
	    NULL, FORM_SETTINGS, "remove the line; server.ssl.enabled=true is "
	    "what counts", "security.require-ssl has no effect on Spring "
	    "Boot 2 and later");
	finding_add(m, "cacerts-distro", SEV_INFO, m->jre.cacerts, 0, NULL,
	    FORM_TRUST, "re-run the trust step after ca-certificates-java "
	    "updates", "cacerts is managed by ca-certificates-java: updates "
	    "may drop imported certificates");
	findings_sort(m);
	return (m);
}

/* SPDX-License-Identifier: ISC */
/*
 * kind-tomcat.c -- the Apache Tomcat kind (8.5, 9, 10.1, 11): what
 * conf/server.xml of a CATALINA_BASE configures, as Tomcat reads it
 * (docs/server-model.md, Tomcat).
 *
 * Every <Connector SSLEnabled="true"> of Server/Service, each of its
 * <SSLHostConfig hostName=...> and each <Certificate type=...> of those is
 * a key material: a keystore (certificateKeystoreFile and its password,
 * type, alias, key password) or PEM files (certificateFile,
 * certificateKeyFile, certificateChainFile); the host config named by the
 * connector's defaultSSLHostConfigName (_default_) serves role "server",
 * the others "sni".  The Connector's own TLS attributes of Tomcat 8.5 and 9
 * (keystoreFile, keystorePass, keyAlias, SSLCertificateFile...) are read
 * as the implicit _default_ host config; Tomcat 10.1 removed them and the
 * connector then fails, which is a critical finding with its rewrite.
 * ${name} and ${name:-default} in attribute values come from Java system
 * properties (the running server's -D options, catalina.base and
 * catalina.home) and conf/catalina.properties, which Tomcat loads into
 * the system properties at start (so it wins over -D).
 *
 * Setting names: an attribute's name, and where the name occurs in more
 * than one place, NAME@SCOPE with SCOPE "PORT/HOST/TYPE" (or a part that
 * is unique: "EC", "b.example.com", "8443").
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "srvload.h"

#define TC_NONE			SIZE_MAX
#define TC_DEFAULT_HOST		"_default_"
#define TC_DEFAULT_PASS		"changeit"
#define TC_MAX_ITER		20	/* IntrospectionUtils' passes */
#define TC_PREC_CATALINA	(SRC_PREC_SYSPROP + 50)
#define TC_SERVERINFO		"org/apache/catalina/util/ServerInfo.properties"
#define TC_DPKG_STATUS		"/var/lib/dpkg/status"
#define TC_DEFAULTS		"/etc/default/tomcat"	/* + major */
#define TC_LOCATE_JAVA		"/usr/libexec/tomcat%d/tomcat-locate-java.sh"

/* Where a certificate's attributes are written. */
enum tc_legacy {
	TC_MODERN = 0,		/* a <Certificate> element */
	TC_LEGACY_CONNECTOR,	/* attributes of the <Connector> */
	TC_LEGACY_HOST		/* certificate attributes of <SSLHostConfig> */
};

/* One certificate of an HTTPS connector. */
struct tc_cert {
	char		*scope;		/* "8443/_default_/RSA" */
	char		*port;		/* resolved */
	char		*host;		/* hostName ("_default_" when unset) */
	char		*type;		/* the type attribute, or NULL */
	size_t		 conn;		/* element indices, or TC_NONE */
	size_t		 hc;
	size_t		 cert;
	enum tc_legacy	 legacy;
	bool		 is_default;	/* the connector's default host */
	struct key_material *mat;
};

/* One connector. */
struct tc_conn {
	size_t		 elem;
	char		*port;		/* resolved ("" when unset) */
	int		 portn;		/* 0 when not a number */
	char		*address;	/* resolved, or NULL */
	bool		 ssl;		/* SSLEnabled="true" */
	char		*defhost;	/* defaultSSLHostConfigName */
	size_t		 nlegacy;	/* its old TLS attributes */
};

/* The kind's index of server.xml (the XML source's kpriv). */
struct tc_index {
	struct tc_cert	*certs;
	size_t		 ncerts;
	struct tc_conn	*conns;
	size_t		 nconns;
	bool		 scoped;	/* names need @SCOPE */
	size_t		 server;	/* the <Server> element */
	int		 major;		/* Tomcat's version, 0 unknown */
	int		 minor;
	const struct xmldoc *doc;	/* the source's (borrowed) */
};

/* Neutral names to Tomcat's. */
static const char *const tomcat_names[][2] = {
	{ "port", "port" },
	{ "key-store", "certificateKeystoreFile" },
	{ "key-store-password", "certificateKeystorePassword" },
	{ "key-store-type", "certificateKeystoreType" },
	{ "key-alias", "certificateKeyAlias" },
	{ "key-password", "certificateKeyPassword" },
	{ NULL, NULL }
};

static const char *const tomcat_places[] = {
	"/var/lib/tomcat11", "/var/lib/tomcat10", "/var/lib/tomcat9", NULL
};

/* Attributes of <Certificate> (and, before 10.1, of <SSLHostConfig> for
 * its one certificate), with the Connector attribute of Tomcat 8.5/9
 * that set them. */
static const char *const tc_cert_attrs[][3] = {
	{ "certificateKeystoreFile", "keystoreFile", NULL },
	{ "certificateKeystorePassword", "keystorePass", NULL },
	{ "certificateKeystorePasswordFile", NULL, NULL },
	{ "certificateKeystoreType", "keystoreType", NULL },
	{ "certificateKeystoreProvider", "keystoreProvider", NULL },
	{ "certificateKeyAlias", "keyAlias", NULL },
	{ "certificateKeyPassword", "keyPass", "SSLPassword" },
	{ "certificateKeyPasswordFile", NULL, NULL },
	{ "certificateFile", "SSLCertificateFile", NULL },
	{ "certificateKeyFile", "SSLCertificateKeyFile", NULL },
	{ "certificateChainFile", "SSLCertificateChainFile", NULL },
	{ "type", NULL, NULL },
	{ NULL, NULL, NULL }
};

/* Attributes of <SSLHostConfig>, with the Connector's old ones. */
static const char *const tc_host_attrs[][3] = {
	{ "hostName", NULL, NULL },
	{ "truststoreFile", "truststoreFile", NULL },
	{ "truststorePassword", "truststorePass", NULL },
	{ "truststoreType", "truststoreType", NULL },
	{ "truststoreProvider", "truststoreProvider", NULL },
	{ "truststoreAlgorithm", "truststoreAlgorithm", NULL },
	{ "certificateVerification", "clientAuth", "SSLVerifyClient" },
	{ "certificateVerificationDepth", "trustMaxCertLength",
	    "SSLVerifyDepth" },
	{ "protocols", "sslEnabledProtocols", "SSLProtocol" },
	{ "sslProtocol", "sslProtocol", NULL },
	{ "ciphers", "ciphers", "SSLCipherSuite" },
	{ "honorCipherOrder", "useServerCipherSuitesOrder",
	    "SSLHonorCipherOrder" },
	{ "caCertificateFile", "SSLCACertificateFile", NULL },
	{ "caCertificatePath", "SSLCACertificatePath", NULL },
	{ "certificateRevocationListFile", "crlFile", "SSLCARevocationFile" },
	{ "keyManagerAlgorithm", "algorithm", NULL },
	{ "sessionCacheSize", "sessionCacheSize", NULL },
	{ "sessionTimeout", "sessionTimeout", NULL },
	{ "disableCompression", "SSLDisableCompression", NULL },
	{ "disableSessionTickets", "SSLDisableSessionTickets", NULL },
	{ "insecureRenegotiation", "SSLInsecureRenegotiation", NULL },
	{ "trustManagerClassName", "trustManagerClassName", NULL },
	{ NULL, NULL, NULL }
};

/* The level of an attribute name: 2 certificate, 1 host config, 0
 * connector. */
static int
tc_level(const char *name)
{
	size_t	i;

	for (i = 0; tc_cert_attrs[i][0] != NULL; i++)
		if (strcmp(tc_cert_attrs[i][0], name) == 0)
			return (2);
	for (i = 0; tc_host_attrs[i][0] != NULL; i++)
		if (strcmp(tc_host_attrs[i][0], name) == 0)
			return (1);
	return (0);
}

/* Is name one of the Connector's old TLS attributes?  Its new name. */
static const char *
tc_legacy_name(const char *name)
{
	size_t	i, k;

	for (i = 0; tc_cert_attrs[i][0] != NULL; i++)
		for (k = 1; k < 3; k++)
			if (tc_cert_attrs[i][k] != NULL &&
			    strcmp(tc_cert_attrs[i][k], name) == 0)
				return (tc_cert_attrs[i][0]);
	for (i = 0; tc_host_attrs[i][0] != NULL; i++)
		for (k = 1; k < 3; k++)
			if (tc_host_attrs[i][k] != NULL &&
			    strcmp(tc_host_attrs[i][k], name) == 0)
				return (tc_host_attrs[i][0]);
	return (NULL);
}

/* ------------------------------------------------------------------ */
/* Detection */

static int
tomcat_detect(const char *dir, char **file, char **why)
{
	char	*p;

	p = path_join(dir, "conf/server.xml");
	if (!path_exists(p) || path_is_dir(p)) {
		free(p);
		return (0);
	}
	*file = path_absolute(p);
	xasprintf(why, "%s holds conf/server.xml (a Tomcat CATALINA_BASE)",
	    dir);
	free(p);
	return (1);
}

/* ------------------------------------------------------------------ */
/* The index */

static void
tc_index_free(void *arg)
{
	struct tc_index	*x = arg;
	size_t		 i;

	if (x == NULL)
		return;
	for (i = 0; i < x->ncerts; i++) {
		free(x->certs[i].scope);
		free(x->certs[i].port);
		free(x->certs[i].host);
		free(x->certs[i].type);
	}
	free(x->certs);
	for (i = 0; i < x->nconns; i++) {
		free(x->conns[i].port);
		free(x->conns[i].address);
		free(x->conns[i].defhost);
	}
	free(x->conns);
	free(x);
}

/* The index and document of the model's server.xml source. */
static const struct cfg_source *
tc_source(const struct server_model *m)
{
	size_t	i;

	for (i = 0; i < m->nsources; i++)
		if (m->sources[i]->format == CFG_FMT_XML &&
		    m->sources[i]->kpriv != NULL)
			return (m->sources[i]);
	return (NULL);
}

/* Does scope part p name certificate e? */
static bool
tc_part_matches(const struct tc_cert *e, const char *p, size_t n)
{
	return ((strlen(e->port) == n && strncmp(e->port, p, n) == 0) ||
	    (strlen(e->host) == n && strncasecmp(e->host, p, n) == 0) ||
	    (e->type != NULL && strlen(e->type) == n &&
	    strncasecmp(e->type, p, n) == 0));
}

/* Does the scope ("8443/_default_/RSA", or parts of it) name e? */
static bool
tc_scope_matches(const struct tc_cert *e, const char *scope)
{
	const char	*p = scope, *q;

	if (strcmp(e->scope, scope) == 0)
		return (true);
	while (*p != '\0') {
		q = strchr(p, '/');
		if (q == NULL)
			q = p + strlen(p);
		if (q > p && !tc_part_matches(e, p, (size_t)(q - p)))
			return (false);
		p = *q == '/' ? q + 1 : q;
	}
	return (true);
}

/* The element holding attribute name for certificate e (TC_NONE when
 * the name has no place there). */
static size_t
tc_elem_for(const struct tc_cert *e, const char *name)
{
	switch (tc_level(name)) {
	case 2:
		if (e->legacy == TC_LEGACY_CONNECTOR)
			return (TC_NONE);
		return (e->cert != TC_NONE ? e->cert : e->hc);
	case 1:
		return (e->hc);
	default:
		return (e->conn);
	}
}

/*
 * The certificates a scope names, for attribute name: *elem the one
 * element they share (TC_NONE when they do not).  Returns the first
 * certificate, or NULL.
 */
static const struct tc_cert *
tc_find(const struct tc_index *x, const char *name, const char *scope,
    size_t *elem, size_t *nmatch)
{
	const struct tc_cert	*first = NULL;
	size_t			 i, el;

	*elem = TC_NONE;
	*nmatch = 0;
	for (i = 0; i < x->ncerts; i++) {
		if (scope != NULL && !tc_scope_matches(&x->certs[i], scope))
			continue;
		el = tc_elem_for(&x->certs[i], name);
		if (first == NULL) {
			first = &x->certs[i];
			*elem = el;
			*nmatch = 1;
		} else if (el != *elem || el == TC_NONE) {
			(*nmatch)++;
			*elem = TC_NONE;
		}
	}
	return (first);
}

/* cfg_source.get for server.xml: NAME or NAME@SCOPE. */
static int
tc_get(const struct cfg_source *src, const char *key, struct cfg_hit *hit)
{
	const struct tc_index		*x = src->kpriv;
	const struct xmldoc_attr	*a;
	const char			*at;
	char				*name;
	size_t				 elem, n;

	if (x == NULL || src->xml == NULL)
		return (0);
	if ((at = strchr(key, '@')) != NULL)
		name = xstrndup(key, (size_t)(at - key));
	else
		name = xstrdup(key);
	if (at == NULL && x->scoped)
		elem = TC_NONE;
	else
		(void)tc_find(x, name, at != NULL ? at + 1 : NULL, &elem, &n);
	if (elem == TC_NONE || (a = xmldoc_attr(xmldoc_elem(src->xml, elem),
	    name)) == NULL) {
		free(name);
		return (0);
	}
	free(name);
	hit->key = a->name;
	hit->value = a->value;
	hit->value_len = strlen(a->value);
	hit->raw = a->value;
	hit->line = a->line;
	hit->count = 1;
	return (1);
}

/* ------------------------------------------------------------------ */
/* Placeholders: ${name} and ${name:-default}, as IntrospectionUtils */

/* A system property or catalina.properties value (not server.xml). */
static const char *
tc_lookup(const struct server_model *m, const char *name)
{
	struct cfg_hit	hit;
	size_t		i;

	for (i = 0; i < m->nsources; i++) {
		if (m->sources[i]->format == CFG_FMT_XML)
			continue;
		if (m->sources[i]->type == CFG_SRC_FILE) {
			/* catalina.properties: exact names */
			const char *v = m->sources[i]->props != NULL ?
			    props_get(m->sources[i]->props, name) : NULL;

			if (v != NULL)
				return (v);
			continue;
		}
		if (cfg_source_get(m->sources[i], name, &hit) &&
		    strcmp(hit.key, name) == 0)
			return (hit.value);
	}
	return (NULL);
}

/* One pass over v; *changed when something was replaced. */
static char *
tc_pass(const struct server_model *m, const char *v, bool *unres)
{
	struct confbuf	 b = { NULL, 0, 0 };
	const char	*p = v, *d, *e, *r, *dash;
	char		*n, *n2;

	while ((d = strchr(p, '$')) != NULL) {
		confbuf_add(&b, p, (size_t)(d - p));
		if (d[1] != '{' || (e = strchr(d + 2, '}')) == NULL) {
			confbuf_add(&b, "$", 1);
			p = d + 1;
			continue;
		}
		n = xstrndup(d + 2, (size_t)(e - d - 2));
		if ((r = tc_lookup(m, n)) == NULL &&
		    (dash = strstr(n, ":-")) != NULL) {
			n2 = xstrndup(n, (size_t)(dash - n));
			if ((r = tc_lookup(m, n2)) == NULL)
				r = dash + 2;
			free(n2);
		}
		if (r != NULL)
			confbuf_str(&b, r);
		else {
			*unres = true;
			confbuf_add(&b, d, (size_t)(e - d + 1));
		}
		free(n);
		p = e + 1;
	}
	confbuf_str(&b, p);
	return ((char *)b.d);
}

/* The value with its placeholders replaced (malloc'd); *unres when one
 * is left (Tomcat keeps it as written). */
static char *
tc_resolve(const struct server_model *m, const char *v, bool *unres)
{
	char	*cur, *next;
	int	 i;
	bool	 u = false;

	cur = xstrdup(v);
	for (i = 0; i < TC_MAX_ITER && strstr(cur, "${") != NULL; i++) {
		u = false;
		next = tc_pass(m, cur, &u);
		if (strcmp(next, cur) == 0) {
			free(next);
			break;
		}
		OPENSSL_cleanse(cur, strlen(cur));
		free(cur);
		cur = next;
	}
	if (unres != NULL)
		*unres = u || strstr(cur, "${") != NULL;
	return (cur);
}

/* ------------------------------------------------------------------ */
/* Attributes of a certificate */

/* The attribute of element elem (TC_NONE: none). */
static const struct xmldoc_attr *
tc_xattr(const struct xmldoc *d, size_t elem, const char *name)
{
	if (elem == TC_NONE || d == NULL)
		return (NULL);
	return (xmldoc_attr(xmldoc_elem(d, elem), name));
}

/*
 * The attribute that sets name (a <Certificate> or <SSLHostConfig>
 * attribute) for e: in its element, or the Connector's old one.
 * *written the name as written (may be NULL).
 */
static const struct xmldoc_attr *
tc_cattr(const struct xmldoc *d, const struct tc_cert *e, const char *name,
    const char **written)
{
	const struct xmldoc_attr	*a = NULL;
	const char *const		(*tab)[3];
	size_t				 i, k;

	if (written != NULL)
		*written = name;
	if (e->legacy != TC_LEGACY_CONNECTOR)
		return (tc_xattr(d, tc_elem_for(e, name), name));
	tab = tc_level(name) == 2 ? tc_cert_attrs : tc_level(name) == 1 ?
	    tc_host_attrs : NULL;
	if (tab == NULL)
		return (tc_xattr(d, e->conn, name));
	for (i = 0; tab[i][0] != NULL; i++) {
		if (strcmp(tab[i][0], name) != 0)
			continue;
		for (k = 1; k < 3 && a == NULL; k++) {
			if (tab[i][k] == NULL)
				continue;
			a = tc_xattr(d, e->conn, tab[i][k]);
			if (written != NULL)
				*written = tab[i][k];
		}
		if (a == NULL && written != NULL)
			*written = tab[i][1];
		break;
	}
	return (a);
}

/* The setting name of attribute name for e: as written there (the old
 * Connector name for legacy), @SCOPE when names are scoped (malloc'd;
 * NULL when e has no place for it). */
static char *
tc_key(const struct tc_index *x, const struct tc_cert *e, const char *name)
{
	const char	*w = name;
	char		*k;

	if (e->legacy == TC_LEGACY_CONNECTOR && tc_level(name) > 0) {
		(void)tc_cattr(x->doc, e, name, &w);
		if (w == NULL)
			return (NULL);
	}
	if (x->scoped)
		xasprintf(&k, "%s@%s", w, e->scope);
	else
		k = xstrdup(w);
	return (k);
}

/* The resolved value of name for e (malloc'd), or NULL when unset. */
static char *
tc_value(struct srvload *s, const struct tc_cert *e, const char *name,
    bool *unres)
{
	const struct cfg_source		*src = tc_source(s->m);
	const struct xmldoc_attr	*a;

	if (unres != NULL)
		*unres = false;
	if (src == NULL || (a = tc_cattr(src->xml, e, name, NULL)) == NULL)
		return (NULL);
	return (tc_resolve(s->m, a->value, unres));
}

/* ------------------------------------------------------------------ */
/* CATALINA_HOME, the version, the JRE */

/* The major version in a path's "tomcatN" (0 when none). */
static int
tc_path_major(const char *p)
{
	const char	*t;
	int		 n = 0;

	for (t = p; (t = strstr(t, "tomcat")) != NULL; t++) {
		if (isdigit((unsigned char)t[6]))
			n = atoi(t + 6);
	}
	return (n);
}

/* The one /usr/share/tomcatN with a lib/catalina.jar, or NULL (none, or
 * several). */
static char *
tc_home_only(void)
{
	DIR		*d;
	struct dirent	*de;
	char		*p, *jar, *found = NULL;
	int		 n = 0;

	if ((d = opendir("/usr/share")) == NULL)
		return (NULL);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "tomcat", 6) != 0 ||
		    !isdigit((unsigned char)de->d_name[6]))
			continue;
		p = path_join("/usr/share", de->d_name);
		jar = path_join(p, "lib/catalina.jar");
		if (path_exists(jar)) {
			n++;
			free(found);
			found = p;
		} else
			free(p);
		free(jar);
	}
	closedir(d);
	if (n != 1) {
		free(found);
		return (NULL);
	}
	return (found);
}

/* CATALINA_HOME: catalina.home, the base itself, Debian's
 * /usr/share/tomcatN; with none of those, the one Tomcat installed under
 * /usr/share. */
static char *
tc_home(struct srvload *s)
{
	const char	*v;
	char		*p, real[PATH_MAX], *conf;
	int		 n;

	if ((v = tc_lookup(s->m, "catalina.home")) != NULL && path_is_dir(v))
		return (xstrdup(v));
	p = path_join(s->m->base, "lib/catalina.jar");
	if (path_exists(p)) {
		free(p);
		return (xstrdup(s->m->base));
	}
	free(p);
	conf = path_join(s->m->base, "conf");
	n = tc_path_major(s->m->base);
	if (n == 0 && realpath(conf, real) != NULL)
		n = tc_path_major(real);
	free(conf);
	if (n > 0) {
		xasprintf(&p, "/usr/share/tomcat%d", n);
		if (path_is_dir(p))
			return (p);
		free(p);
	}
	return (tc_home_only());
}

/* "10.1.60" from the start of s (malloc'd), or NULL. */
static char *
tc_version_at(const char *s)
{
	size_t	n = 0;

	while (isdigit((unsigned char)s[n]) || s[n] == '.' ||
	    (n > 0 && (s[n] == '-' || isalnum((unsigned char)s[n])) &&
	    s[n] != ' '))
		n++;
	if (n == 0 || !isdigit((unsigned char)s[0]) || n > 32)
		return (NULL);
	return (xstrndup(s, n));
}

/* The version from catalina.jar's ServerInfo.properties. */
static char *
tc_version_jar(const char *home)
{
	unsigned char	*buf;
	struct props	*p;
	const char	*v, *sl;
	char		*jar, *out = NULL;
	size_t		 len;

	jar = path_join(home, "lib/catalina.jar");
	if (jar_read(jar, TC_SERVERINFO, 65536, &buf, &len, NULL) != 0) {
		free(jar);
		return (NULL);
	}
	free(jar);
	if (props_parse(buf, len, TC_SERVERINFO, &p, NULL) == 0) {
		if ((v = props_get(p, "server.info")) != NULL &&
		    (sl = strchr(v, '/')) != NULL)
			out = tc_version_at(sl + 1);
		if (out == NULL && (v = props_get(p, "server.number")) != NULL)
			out = tc_version_at(v);
		props_free(p);
	}
	free(buf);
	return (out);
}

/* The version from a RELEASE-NOTES file ("Apache Tomcat Version X"). */
static char *
tc_version_notes(const char *home)
{
	unsigned char	*buf;
	char		*p, *t, *out = NULL;
	size_t		 len;

	p = path_join(home, "RELEASE-NOTES");
	if (file_read(p, &buf, &len, NULL) == 0) {
		if ((t = strstr((char *)buf, "Apache Tomcat Version ")) != NULL)
			out = tc_version_at(t + 22);
		free(buf);
	}
	free(p);
	return (out);
}

/* The version of Debian's libtomcatN-java package. */
static char *
tc_version_dpkg(const char *home)
{
	unsigned char	*buf;
	char		*want, *t, *end, *out = NULL;
	size_t		 len;
	int		 n;

	if ((n = tc_path_major(home)) == 0 ||
	    strncmp(home, "/usr/share/tomcat", 17) != 0)
		return (NULL);
	if (file_read(TC_DPKG_STATUS, &buf, &len, NULL) != 0)
		return (NULL);
	xasprintf(&want, "\nPackage: libtomcat%d-java\n", n);
	if ((t = strstr((char *)buf, want)) != NULL) {
		end = strstr(t + 1, "\n\n");
		if ((t = strstr(t, "\nVersion: ")) != NULL &&
		    (end == NULL || t < end))
			out = tc_version_at(t + 10);
	}
	free(want);
	free(buf);
	return (out);
}

static void
tc_version(struct srvload *s, struct tc_index *x)
{
	struct server_model	*m = s->m;
	char			*v = NULL;

	if (m->home != NULL && (v = tc_version_jar(m->home)) == NULL &&
	    (v = tc_version_notes(m->home)) == NULL)
		v = tc_version_dpkg(m->home);
	if (v == NULL)
		return;
	m->version = v;
	x->major = atoi(v);
	x->minor = strchr(v, '.') != NULL ? atoi(strchr(v, '.') + 1) : 0;
}

/* Does this Tomcat drop the Connector's own TLS attributes (10.1+)? */
static int
tc_no_legacy(const struct tc_index *x)
{
	if (x->major == 0)
		return (-1);
	return (x->major > 10 || (x->major == 10 && x->minor >= 1));
}

/* A shell assignment NAME=value (quotes removed) in a defaults file. */
static char *
tc_shell_var(const char *file, const char *name)
{
	unsigned char	*buf;
	char		*line, *save = NULL, *v = NULL, *e;
	size_t		 len, n = strlen(name);

	if (file_read(file, &buf, &len, NULL) != 0)
		return (NULL);
	for (line = strtok_r((char *)buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (strncmp(line, "export ", 7) == 0)
			line += 7;
		if (strncmp(line, name, n) != 0 || line[n] != '=')
			continue;
		line += n + 1;
		if (*line == '"' || *line == '\'') {
			if ((e = strchr(line + 1, *line)) == NULL)
				continue;
			free(v);
			v = xstrndup(line + 1, (size_t)(e - line - 1));
		} else {
			e = line + strcspn(line, " \t#;");
			free(v);
			v = xstrndup(line, (size_t)(e - line));
		}
	}
	free(buf);
	if (v != NULL && *v == '\0') {
		free(v);
		v = NULL;
	}
	return (v);
}

/* The Java versions Debian's tomcat-locate-java.sh tries, in order. */
static size_t
tc_java_versions(const char *script, int *out, size_t max)
{
	static const int	 dflt[] = { 25, 24, 23, 22, 21, 17, 11 };
	unsigned char		*buf;
	char			*t, *e;
	size_t			 len, n = 0, i;

	if (file_read(script, &buf, &len, NULL) == 0) {
		if ((t = strstr((char *)buf, "for java_version in ")) != NULL) {
			t += 20;
			e = t + strcspn(t, "\n;");
			while (t < e && n < max) {
				while (t < e && !isdigit((unsigned char)*t))
					t++;
				if (t < e)
					out[n++] = atoi(t);
				while (t < e && isdigit((unsigned char)*t))
					t++;
			}
		}
		free(buf);
	}
	if (n > 0)
		return (n);
	for (i = 0; i < sizeof dflt / sizeof dflt[0] && i < max; i++)
		out[i] = dflt[i];
	return (i);
}

/* Directories of /usr/lib/jvm whose names start with prefix, sorted. */
static int
tc_jvm_first(const char *prefix, bool exact, char **home)
{
	DIR		*d;
	struct dirent	*de;
	char		*best = NULL, *p;
	size_t		 n = strlen(prefix);

	if ((d = opendir("/usr/lib/jvm")) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		if (exact ? strcmp(de->d_name, prefix) != 0 :
		    strncmp(de->d_name, prefix, n) != 0)
			continue;
		if (best == NULL || strcmp(de->d_name, best) < 0) {
			free(best);
			best = xstrdup(de->d_name);
		}
	}
	closedir(d);
	if (best == NULL)
		return (0);
	p = path_join("/usr/lib/jvm", best);
	free(best);
	*home = p;
	return (1);
}

/* Tomcat's JRE rules: JAVA_HOME in /etc/default/tomcatN, then the order
 * of Debian's tomcat-locate-java.sh. */
static int
tomcat_jre(struct srvload *s, char **home, char **how)
{
	/* JVM directory names: prefix, version, suffix; exact or a prefix */
	static const struct {
		const char	*pre, *post;
		bool		 exact;
	} pats[] = { { "java-", "-openjdk-", false },
	    { "jdk-", "-oracle-", false }, { "jre-", "-oracle-", false },
	    { "java-", "-oracle", true }, { "oracle-java", "-jdk-", false },
	    { "oracle-java", "-jre-", false } };
	char	*defaults, *v, *script, *java, *cand, pat[64];
	int	 vers[16], major;
	size_t	 n, i, k;

	major = s->m->home != NULL ? tc_path_major(s->m->home) : 0;
	if (major == 0)
		major = tc_path_major(s->m->base);
	if (major == 0)
		return (0);
	xasprintf(&defaults, "%s%d", TC_DEFAULTS, major);
	if ((v = tc_shell_var(defaults, "JAVA_HOME")) != NULL) {
		*home = v;
		xasprintf(how, "JAVA_HOME in %s", defaults);
		free(defaults);
		return (1);
	}
	free(defaults);
	xasprintf(&script, TC_LOCATE_JAVA, major);
	if (!path_exists(script)) {
		free(script);
		return (0);
	}
	n = tc_java_versions(script, vers, 16);
	cand = NULL;
	java = path_join("/usr/lib/jvm/default-java", "bin/java");
	if (access(java, R_OK) == 0)
		cand = xstrdup("/usr/lib/jvm/default-java");
	free(java);
	for (i = 0; i < n && cand == NULL; i++) {
		for (k = 0; k < sizeof pats / sizeof pats[0] && cand == NULL;
		    k++) {
			snprintf(pat, sizeof pat, "%s%d%s", pats[k].pre,
			    vers[i], pats[k].post);
			if (!tc_jvm_first(pat, pats[k].exact, &v))
				continue;
			java = path_join(v, "bin/java");
			if (access(java, R_OK) == 0)
				cand = v;
			else
				free(v);
			free(java);
		}
	}
	if (cand == NULL) {
		free(script);
		return (0);
	}
	*home = cand;
	xasprintf(how, "the order of %s", script);
	free(script);
	return (1);
}

/* ------------------------------------------------------------------ */
/* Reading server.xml */

/* Is a resolved boolean attribute true (Boolean.parseBoolean)? */
static bool
tc_true(const char *v)
{
	return (v != NULL && strcasecmp(v, "true") == 0);
}

/* An attribute of an element, resolved (malloc'd), or NULL. */
static char *
tc_eval_const(const struct server_model *m, const struct xmldoc *d,
    size_t elem, const char *name)
{
	const struct xmldoc_attr	*a;

	if ((a = tc_xattr(d, elem, name)) == NULL)
		return (NULL);
	return (tc_resolve(m, a->value, NULL));
}

static char *
tc_eval(struct srvload *s, const struct xmldoc *d, size_t elem,
    const char *name)
{
	return (tc_eval_const(s->m, d, elem, name));
}

/* Add a certificate to the index. */
static struct tc_cert *
tc_add(struct tc_index *x, const struct tc_conn *c, const char *host,
    const char *type, size_t hc, size_t cert, enum tc_legacy legacy)
{
	struct tc_cert	*e;

	x->certs = xreallocarray(x->certs, x->ncerts + 1, sizeof *x->certs);
	e = &x->certs[x->ncerts++];
	memset(e, 0, sizeof *e);
	e->port = xstrdup(c->port);
	e->host = xstrdup(host);
	e->type = type != NULL ? xstrdup(type) : NULL;
	e->conn = c->elem;
	e->hc = hc;
	e->cert = cert;
	e->legacy = legacy;
	e->is_default = strcasecmp(host, c->defhost) == 0;
	return (e);
}

/* Does an element carry certificate attributes (old SSLHostConfig)? */
static bool
tc_has_cert_attrs(const struct xmldoc_elem *el)
{
	size_t	i;

	for (i = 0; i < el->nattrs; i++)
		if (strncmp(el->attrs[i].name, "certificate", 11) == 0 &&
		    tc_level(el->attrs[i].name) == 2)
			return (true);
	return (false);
}

/* Connectors, host configs and certificates. */
static void
tc_index_build(struct srvload *s, const struct xmldoc *d, struct tc_index *x)
{
	const struct xmldoc_elem	**conns = NULL, **hcs = NULL;
	const struct xmldoc_elem	**certs = NULL;
	struct tc_conn			*c;
	struct tc_cert			*e;
	char				*host, *type, *v;
	size_t				 nc, nh, nk, i, j, k, a;

	x->doc = d;
	nc = xmldoc_find(d, "Server/Service/Connector", &conns);
	for (i = 0; i < nc; i++) {
		x->conns = xreallocarray(x->conns, x->nconns + 1,
		    sizeof *x->conns);
		c = &x->conns[x->nconns++];
		memset(c, 0, sizeof *c);
		c->elem = conns[i]->index;
		c->port = tc_eval(s, d, c->elem, "port");
		if (c->port == NULL)
			c->port = xstrdup("");
		c->portn = atoi(c->port);
		if (c->portn < 0 || c->portn > 65535)
			c->portn = 0;
		c->address = tc_eval(s, d, c->elem, "address");
		v = tc_eval(s, d, c->elem, "SSLEnabled");
		c->ssl = tc_true(v);
		free(v);
		c->defhost = tc_eval(s, d, c->elem,
		    "defaultSSLHostConfigName");
		if (c->defhost == NULL)
			c->defhost = xstrdup(TC_DEFAULT_HOST);
		for (a = 0; a < conns[i]->nattrs; a++)
			if (tc_legacy_name(conns[i]->attrs[a].name) != NULL)
				c->nlegacy++;
		if (!c->ssl)
			continue;
		nh = xmldoc_children(d, conns[i], "SSLHostConfig", &hcs);
		if (nh == 0 && c->nlegacy > 0)
			tc_add(x, c, TC_DEFAULT_HOST, NULL, TC_NONE, TC_NONE,
			    TC_LEGACY_CONNECTOR);
		for (j = 0; j < nh; j++) {
			host = tc_eval(s, d, hcs[j]->index, "hostName");
			if (host == NULL)
				host = xstrdup(TC_DEFAULT_HOST);
			nk = xmldoc_children(d, hcs[j], "Certificate", &certs);
			if (nk == 0 && tc_has_cert_attrs(hcs[j]))
				tc_add(x, c, host, NULL, hcs[j]->index, TC_NONE,
				    TC_LEGACY_HOST);
			for (k = 0; k < nk; k++) {
				type = tc_eval(s, d, certs[k]->index, "type");
				tc_add(x, c, host, type, hcs[j]->index,
				    certs[k]->index, TC_MODERN);
				free(type);
			}
			if (nk == 0 && !tc_has_cert_attrs(hcs[j]))
				/* a host config with nothing to serve */
				tc_add(x, c, host, NULL, hcs[j]->index, TC_NONE,
				    TC_MODERN);
			free(certs);
			certs = NULL;
			free(host);
		}
		if (nh == 0 && c->nlegacy == 0)
			/* SSLEnabled alone: nothing to serve */
			tc_add(x, c, TC_DEFAULT_HOST, NULL, TC_NONE, TC_NONE,
			    TC_MODERN);
		free(hcs);
		hcs = NULL;
	}
	free(conns);
	if ((nc = xmldoc_find(d, "Server", &conns)) > 0)
		x->server = conns[0]->index;
	free(conns);

	/* Scopes: PORT/HOST, /TYPE when the host has a type or several
	 * certificates; names need them when there is more than one. */
	for (i = 0; i < x->ncerts; i++) {
		e = &x->certs[i];
		k = 0;
		for (j = 0; j < x->ncerts; j++)
			if (x->certs[j].hc == e->hc && x->certs[j].conn ==
			    e->conn)
				k++;
		if (e->type != NULL)
			xasprintf(&e->scope, "%s/%s/%s", e->port, e->host,
			    e->type);
		else if (k > 1)
			xasprintf(&e->scope, "%s/%s/%zu", e->port, e->host, i);
		else
			xasprintf(&e->scope, "%s/%s", e->port, e->host);
	}
	x->scoped = x->ncerts > 1;
}

/* ------------------------------------------------------------------ */
/* Key materials */

/* A location relative to CATALINA_BASE, as Tomcat's ConfigFileLoader
 * reads it: absolute, file: URL, else below the base (placeholders
 * already replaced). */
static char *
tc_location_plain(const struct server_model *m, const char *v,
    bool *classpath)
{
	*classpath = false;
	if (strncmp(v, "classpath:", 10) == 0) {
		*classpath = true;
		return (xstrdup(v));
	}
	if (strncmp(v, "file://", 7) == 0)
		v += 7;
	else if (strncmp(v, "file:", 5) == 0)
		v += 5;
	if (v[0] == '/')
		return (xstrdup(v));
	return (path_join(m->base, v));
}

static char *
tc_location(struct srvload *s, struct key_material *mat, const char *v,
    bool *classpath)
{
	const char	*p = v;

	if (strncmp(p, "file:", 5) == 0)
		p += 5;
	if (mat != NULL && mat->how == NULL && p[0] != '/' &&
	    strncmp(p, "classpath:", 10) != 0)
		xasprintf(&mat->how, "relative to CATALINA_BASE (%s)",
		    s->m->base);
	return (tc_location_plain(s->m, v, classpath));
}

/* A password attribute or its file (certificate...PasswordFile) as a
 * secret; NULL when neither is set. */
static struct secret *
tc_password(struct srvload *s, const struct tc_cert *e, const char *attr,
    const char *fileattr, struct key_material *mat)
{
	struct secret	*sec = NULL;
	char		*v, *p, *c = NULL, *k;
	bool		 cp;

	if (fileattr != NULL && (v = tc_value(s, e, fileattr, NULL)) != NULL) {
		k = tc_key(tc_source(s->m)->kpriv, e, fileattr);
		key_material_configured_by(mat, k);
		p = tc_location(s, NULL, v, &cp);
		if (secret_from_file(p, &sec, &c) != 0) {
			const char	*f;
			int		 l;

			srv_where(s, k, &f, &l);
			audit_add(s->m, "keystore-unreadable", SEV_WARN, f, l,
			    NULL, k, "run tlsdeck as root or as the server's "
			    "user", "cannot read the password file %s: %s",
			    p, c)->material = mat;
			free(c);
		}
		free(p);
		free(v);
		free(k);
		return (sec);
	}
	if ((v = tc_value(s, e, attr, NULL)) == NULL)
		return (NULL);
	k = tc_key(tc_source(s->m)->kpriv, e, attr);
	key_material_configured_by(mat, k);
	free(k);
	sec = secret_from_str(v);
	OPENSSL_cleanse(v, strlen(v));
	free(v);
	return (sec);
}

/* The material's names for messages and rows. */
static void
tc_keys(const struct tc_index *x, const struct tc_cert *e,
    struct key_material *mat)
{
	mat->keys.store = tc_key(x, e, "certificateKeystoreFile");
	mat->keys.storepass = tc_key(x, e, "certificateKeystorePassword");
	mat->keys.type = tc_key(x, e, "certificateKeystoreType");
	mat->keys.alias = tc_key(x, e, "certificateKeyAlias");
	mat->keys.keypass = tc_key(x, e, "certificateKeyPassword");
	mat->keys.cert = tc_key(x, e, "certificateFile");
	mat->keys.key = tc_key(x, e, "certificateKeyFile");
}

/* A setting was written with a placeholder nothing defines. */
static void
tc_unresolved(struct srvload *s, const char *key, const char *value,
    struct key_material *mat)
{
	const char	*f;
	int		 l;

	srv_where(s, key, &f, &l);
	audit_add(s->m, "placeholder-unresolved", SEV_WARN, f, l, NULL, key,
	    "define the name in conf/catalina.properties (or as -D on "
	    "Tomcat's command line), or write the value", "%s = \"%s\": a "
	    "placeholder is defined neither as a system property nor in "
	    "catalina.properties, and Tomcat keeps it as written", key,
	    value)->material = mat;
}

/* Fill mat from certificate e. */
static void
tc_material(struct srvload *s, struct tc_index *x, struct tc_cert *e,
    const struct tc_conn *c, struct key_material *mat)
{
	char		*file, *cert, *v, *k, *fix;
	bool		 unres, cp;

	e->mat = mat;
	mat->role = e->is_default ? KM_ROLE_SERVER : KM_ROLE_SNI;
	mat->name = xstrdup(e->scope);
	mat->port = c->portn;
	if (strcmp(e->host, TC_DEFAULT_HOST) != 0) {
		mat->hosts = xcalloc(1, sizeof *mat->hosts);
		mat->hosts[mat->nhosts++] = xstrdup(e->host);
	}
	tc_keys(x, e, mat);
	k = tc_key(x, e, "SSLEnabled");
	key_material_configured_by(mat, k);
	free(k);

	file = tc_value(s, e, "certificateKeystoreFile", &unres);
	cert = tc_value(s, e, "certificateFile", NULL);
	if (cert != NULL && file == NULL) {
		/* PEM files */
		mat->where = KM_PEM;
		key_material_configured_by(mat, mat->keys.cert);
		mat->raw = xstrdup(cert);
		mat->cert_path = tc_location(s, mat, cert, &cp);
		mat->path = xstrdup(mat->cert_path);
		if ((v = tc_value(s, e, "certificateKeyFile", NULL)) != NULL) {
			key_material_configured_by(mat, mat->keys.key);
			mat->key_path = tc_location(s, NULL, v, &cp);
			free(v);
		} else
			mat->key_path = xstrdup(mat->cert_path);
		if ((v = tc_value(s, e, "certificateChainFile", NULL)) !=
		    NULL) {
			k = tc_key(x, e, "certificateChainFile");
			key_material_configured_by(mat, k);
			free(k);
			mat->chain_path = tc_location(s, NULL, v, &cp);
			free(v);
		}
		mat->keypass = tc_password(s, e, "certificateKeyPassword",
		    "certificateKeyPasswordFile", mat);
		mat->alias = tc_value(s, e, "certificateKeyAlias", NULL);
		free(cert);
		return;
	}
	free(cert);
	if (file == NULL && e->hc == TC_NONE && e->legacy == TC_MODERN) {
		/* SSLEnabled="true" and nothing else */
		xasprintf(&mat->ks_error, "the connector on port %s has no "
		    "SSLHostConfig", e->port);
		audit_add(s->m, "keystore-missing", SEV_CRIT, s->m->properties,
		    xmldoc_elem(tc_source(s->m)->xml, e->conn)->line, NULL,
		    NULL, "add an <SSLHostConfig> with a <Certificate> to the "
		    "connector (tlsdeck configure --set key-store=FILE ...)",
		    "the connector on port %s has SSLEnabled=\"true\" but no "
		    "SSLHostConfig or certificate: it fails to start",
		    e->port)->material = mat;
		return;
	}
	if (file == NULL && e->cert == TC_NONE && e->legacy == TC_MODERN) {
		xasprintf(&mat->ks_error, "host config %s has no certificate",
		    e->host);
		audit_add(s->m, "keystore-missing", SEV_CRIT, s->m->properties,
		    xmldoc_elem(tc_source(s->m)->xml, e->hc)->line, NULL, NULL,
		    "add a <Certificate certificateKeystoreFile=...> to it",
		    "SSLHostConfig %s on port %s has no Certificate: the "
		    "connector fails to start", e->host, e->port)->material =
		    mat;
		return;
	}
	mat->where = KM_KEYSTORE;
	if (file == NULL) {
		/* JSSE's default: the server user's ~/.keystore */
		mat->raw = xstrdup("${user.home}/.keystore");
		mat->path = xstrdup("~/.keystore");
		xasprintf(&mat->ks_error, "%s is not set", mat->keys.store);
		mat->where = KM_NONE;
		xasprintf(&fix, "set %s (tlsdeck configure --set %s=FILE)",
		    mat->keys.store, mat->keys.store);
		audit_add(s->m, "keystore-missing", SEV_CRIT, s->m->properties,
		    xmldoc_elem(tc_source(s->m)->xml, e->cert != TC_NONE ?
		    e->cert : e->hc != TC_NONE ? e->hc : e->conn)->line, NULL,
		    mat->keys.store, fix, "%s is not set: Tomcat reads "
		    "${user.home}/.keystore of the user it runs as",
		    mat->keys.store)->material = mat;
		free(fix);
	} else {
		key_material_configured_by(mat, mat->keys.store);
		{
			const struct xmldoc_attr *a = tc_cattr(
			    tc_source(s->m)->xml, e, "certificateKeystoreFile",
			    NULL);

			mat->raw = xstrdup(a != NULL ? a->value : file);
		}
		if (unres)
			tc_unresolved(s, mat->keys.store, file, mat);
		mat->path = tc_location(s, mat, file, &cp);
		if (cp) {
			mat->where = KM_CLASSPATH;
			mat->how = xstrdup("classpath: a resource inside "
			    "Tomcat's class path");
		}
	}
	free(file);
	mat->storepass = tc_password(s, e, "certificateKeystorePassword",
	    "certificateKeystorePasswordFile", mat);
	if (mat->storepass == NULL)
		mat->storepass = secret_from_str(TC_DEFAULT_PASS);
	mat->keypass = tc_password(s, e, "certificateKeyPassword",
	    "certificateKeyPasswordFile", mat);
	if ((mat->declared_type = tc_value(s, e, "certificateKeystoreType",
	    NULL)) != NULL)
		key_material_configured_by(mat, mat->keys.type);
	if ((mat->alias = tc_value(s, e, "certificateKeyAlias", NULL)) !=
	    NULL)
		key_material_configured_by(mat, mat->keys.alias);
}

/* The trust a host config sets for client certificates. */
static void
tc_trust(struct srvload *s, struct tc_index *x, struct tc_cert *e)
{
	struct key_material	*t;
	char			*v, *k;
	bool			 cp;
	size_t			 i;

	/* once per host config */
	for (i = 0; i < x->ncerts && &x->certs[i] != e; i++)
		if (x->certs[i].conn == e->conn && x->certs[i].hc == e->hc)
			return;
	if ((v = tc_value(s, e, "truststoreFile", NULL)) != NULL) {
		t = key_material_add(s->m, KM_ROLE_CLIENT_TRUST);
		xasprintf(&t->name, "%s/%s", e->port, e->host);
		t->port = atoi(e->port);
		t->keys.store = tc_key(x, e, "truststoreFile");
		t->keys.storepass = tc_key(x, e, "truststorePassword");
		t->keys.type = tc_key(x, e, "truststoreType");
		key_material_configured_by(t, t->keys.store);
		t->raw = xstrdup(v);
		t->path = tc_location(s, t, v, &cp);
		t->where = cp ? KM_CLASSPATH : KM_KEYSTORE;
		free(v);
		t->storepass = tc_password(s, e, "truststorePassword", NULL, t);
		if ((t->declared_type = tc_value(s, e, "truststoreType",
		    NULL)) != NULL)
			key_material_configured_by(t, t->keys.type);
	} else if ((v = tc_value(s, e, "caCertificateFile", NULL)) != NULL) {
		t = key_material_add(s->m, KM_ROLE_CLIENT_TRUST);
		xasprintf(&t->name, "%s/%s", e->port, e->host);
		t->port = atoi(e->port);
		k = tc_key(x, e, "caCertificateFile");
		t->keys.cert = k;
		key_material_configured_by(t, k);
		t->where = KM_PEM;
		t->raw = xstrdup(v);
		t->cert_path = tc_location(s, t, v, &cp);
		t->path = xstrdup(t->cert_path);
		free(v);
	}
}

/* ------------------------------------------------------------------ */
/* The old Connector attributes */

/* The <Connector> rewritten with an <SSLHostConfig> and a <Certificate>
 * (passwords as "********" unless secrets is true).  Malloc'd. */
static char *
tc_rewrite(const struct xmldoc *d, const struct tc_conn *c, bool secrets)
{
	const struct xmldoc_elem	*el = xmldoc_elem(d, c->elem);
	const struct xmldoc_elem	**kids = NULL;
	const struct xmldoc_attr	*a;
	struct confbuf			 conn = { NULL, 0, 0 };
	struct confbuf			 host = { NULL, 0, 0 };
	struct confbuf			 cert = { NULL, 0, 0 };
	struct confbuf			 out = { NULL, 0, 0 };
	struct confbuf			*to;
	unsigned char			*all;
	const char			*nn, *sep;
	size_t				 i, nk, len;

	xmldoc_serialize(d, &all, &len);
	for (i = 0; i < el->nattrs; i++) {
		a = &el->attrs[i];
		if ((nn = tc_legacy_name(a->name)) == NULL) {
			to = &conn;
			nn = a->name;
			sep = "\n           ";
		} else if (tc_level(nn) == 2) {
			to = &cert;
			sep = "\n                     ";
		} else {
			to = &host;
			sep = "\n                   ";
		}
		confbuf_str(to, to->len > 0 ? sep : " ");
		if (!secrets && secret_key_name(nn))
			confbuf_printf(to, "%s=%c********%c", nn, a->quote,
			    a->quote);
		else
			confbuf_printf(to, "%s=%c%.*s%c", nn, a->quote,
			    (int)a->val_len, (char *)all + a->val_off,
			    a->quote);
	}
	confbuf_printf(&out, "<Connector%s>\n", conn.d != NULL ?
	    (char *)conn.d : "");
	confbuf_printf(&out, "    <SSLHostConfig%s>\n", host.d != NULL ?
	    (char *)host.d : "");
	confbuf_printf(&out, "        <Certificate%s />\n", cert.d != NULL ?
	    (char *)cert.d : "");
	confbuf_str(&out, "    </SSLHostConfig>\n");
	/* the connector's other children stay */
	nk = xmldoc_children(d, el, NULL, &kids);
	for (i = 0; i < nk; i++)
		confbuf_printf(&out, "    %.*s\n", (int)(kids[i]->end -
		    kids[i]->off), (char *)all + kids[i]->off);
	free(kids);
	confbuf_str(&out, "</Connector>");
	OPENSSL_cleanse(all, len);
	free(all);
	free(conn.d);
	free(host.d);
	if (cert.d != NULL)
		OPENSSL_cleanse(cert.d, cert.len);
	free(cert.d);
	return ((char *)out.d);
}

/* The Connector's old TLS attributes: read above; here the finding. */
static void
tc_legacy(struct srvload *s, struct tc_index *x)
{
	const struct cfg_source		*src = tc_source(s->m);
	const struct xmldoc_elem	*el;
	struct tc_conn			*c;
	struct tc_cert			*e;
	char				*names, *t, *text, *fix;
	size_t				 i, j, a;
	int				 no;
	enum sev			 sev;

	no = tc_no_legacy(x);
	sev = no == 1 ? SEV_CRIT : SEV_WARN;
	for (i = 0; i < x->nconns; i++) {
		c = &x->conns[i];
		if (c->nlegacy == 0)
			continue;
		el = xmldoc_elem(src->xml, c->elem);
		names = NULL;
		for (a = 0; a < el->nattrs; a++) {
			if (tc_legacy_name(el->attrs[a].name) == NULL)
				continue;
			xasprintf(&t, "%s%s%s", names != NULL ? names : "",
			    names != NULL ? ", " : "", el->attrs[a].name);
			free(names);
			names = t;
		}
		e = NULL;
		for (j = 0; j < x->ncerts; j++)
			if (x->certs[j].conn == c->elem)
				e = &x->certs[j];
		text = tc_rewrite(src->xml, c, false);
		xasprintf(&fix, "rewrite the connector (tlsdeck configure "
		    "--fix tomcat-legacy-tls) as:\n%s", text);
		audit_add(s->m, "tomcat-legacy-tls", sev, s->m->properties,
		    el->line, NULL, NULL, fix, no == 1 ? "the connector on "
		    "port %s configures TLS with Connector attributes (%s) "
		    "that Tomcat %s no longer reads: the connector fails to "
		    "start (\"No SSLHostConfig element was found with the "
		    "hostName [_default_]\")" : "the connector on port %s "
		    "configures TLS with Connector attributes (%s) that "
		    "Tomcat %s still reads but 10.1 and later ignore (the "
		    "connector then fails)", c->port, names, no == 1 ?
		    s->m->version : s->m->version != NULL ? s->m->version :
		    "(version unknown)")->material = e != NULL ? e->mat : NULL;
		free(fix);
		free(text);
		free(names);
	}
	/* certificate attributes on SSLHostConfig itself (8.5, 9) */
	for (j = 0; j < x->ncerts; j++) {
		e = &x->certs[j];
		if (e->legacy != TC_LEGACY_HOST)
			continue;
		el = xmldoc_elem(src->xml, e->hc);
		audit_add(s->m, "tomcat-legacy-tls", sev, s->m->properties,
		    el->line, NULL, NULL, "move the certificate* attributes "
		    "into a <Certificate> element inside the SSLHostConfig",
		    "SSLHostConfig %s on port %s carries certificate "
		    "attributes itself, which Tomcat 10.1 and later ignore",
		    e->host, e->port)->material = e->mat;
	}
}

/* ------------------------------------------------------------------ */
/* The running server */

/* Is the port listening, and by whom. */
static void
tc_live(struct srvload *s)
{
	struct server_model	*m = s->m;
	unsigned long		 ino;
	int			 pid;

	m->listening = -1;
	if ((s->o->flags & SERVER_NO_LIVE) || m->port <= 0)
		return;
	m->listening = server_port_listening(s->proc, m->port, &ino);
	if (m->listening == 1 && m->proc.pid == 0 &&
	    (pid = server_socket_pid(s->proc, ino)) > 0) {
		srv_proc_read(s, pid);
		s->cwd = s->m->proc.cwd;
		(void)srv_proc_sysprops(s, SRC_PREC_SYSPROP);
	}
}

/* ------------------------------------------------------------------ */

static int
tomcat_load(struct srvload *s, char **cause)
{
	struct server_model	*m = s->m;
	struct cfg_source	*src, *as;
	struct tc_index		*x;
	struct tc_cert		*e, *served = NULL;
	struct tc_conn		*c;
	struct xmldoc		*d;
	unsigned char		*buf;
	size_t			 len, i, j;
	char			*p, *label, *c2 = NULL;
	int			 pid;

	m->base = s->server_dir != NULL ? xstrdup(s->server_dir) :
	    path_dirname(s->main_dir);
	if (file_read(m->properties, &buf, &len, cause) != 0)
		return (-1);
	if (xmldoc_parse(buf, len, m->properties, &d, cause) != 0) {
		free(buf);
		return (-1);
	}
	free(buf);
	free(s->label_root);
	s->label_root = xstrdup(m->base);
	label = path_join("conf", "server.xml");
	src = cfg_source_add(m, CFG_SRC_FILE, CFG_FMT_XML, m->properties,
	    label, SRC_PREC_FILE);
	free(label);
	src->xml = d;
	src->main = true;
	src->writable = !(xmldoc_flags(d) & XMLDOC_NOEDIT);
	if (!src->writable)
		src->error = xstrdup(xmldoc_warning(d));
	src->get = tc_get;
	x = xcalloc(1, sizeof *x);
	src->kpriv = x;
	src->kpriv_free = tc_index_free;
	if (xmldoc_warning(d) != NULL)
		audit_add(m, "config-not-editable", SEV_WARN, m->properties, 0,
		    NULL, NULL, "keep TLS settings in server.xml itself (no "
		    "entities or XInclude) if tlsdeck is to change them",
		    "%s", xmldoc_warning(d));

	/* The running server: its -D options are system properties. */
	if (!(s->o->flags & SERVER_NO_LIVE) &&
	    (pid = srv_proc_by_dir(s->proc, "catalina.base", m->base)) > 0) {
		srv_proc_read(s, pid);
		s->cwd = s->m->proc.cwd;
		(void)srv_proc_sysprops(s, SRC_PREC_SYSPROP);
	}
	as = cfg_source_add(m, CFG_SRC_ASSUMED, CFG_FMT_NONE, NULL,
	    "assumed by tlsdeck", SRC_PREC_ASSUMED);
	cfg_kv_add(as, "catalina.base", m->base, NULL);
	cfg_sources_sort(m);
	if ((m->home = tc_home(s)) != NULL) {
		cfg_kv_add(as, "catalina.home", m->home, NULL);
		tc_version(s, x);
	}
	p = path_join(m->base, "conf/catalina.properties");
	if (path_exists(p)) {
		if ((src = srv_file_source(s, p, CFG_FMT_PROPERTIES, NULL,
		    &c2)) == NULL) {
			audit_add(m, "properties-malformed", SEV_CRIT, p, 0,
			    NULL, NULL, "fix the file (Tomcat reads it at "
			    "start)", "%s", c2);
			free(c2);
		} else {
			src->precedence = TC_PREC_CATALINA;
			src->writable = false;
		}
	}
	free(p);
	cfg_sources_sort(m);

	tc_index_build(s, tc_source(m)->xml, x);
	/* the material served: the first default host's first
	 * certificate */
	for (i = 0; i < x->ncerts && served == NULL; i++)
		if (x->certs[i].is_default)
			served = &x->certs[i];
	if (served == NULL && x->ncerts > 0)
		served = &x->certs[0];
	m->port = 0;
	for (j = 0; j < x->nconns; j++) {
		c = &x->conns[j];
		if (served != NULL && c->elem == served->conn) {
			m->port = c->portn;
			tc_material(s, x, served, c, m->served);
		}
	}
	for (i = 0; i < x->ncerts; i++) {
		e = &x->certs[i];
		for (j = 0; j < x->nconns; j++) {
			c = &x->conns[j];
			if (c->elem != e->conn)
				continue;
			if (e != served)
				tc_material(s, x, e, c, key_material_add(m,
				    KM_ROLE_SERVER));
			tc_trust(s, x, e);
		}
	}
	m->ssl = x->ncerts > 0;
	if (served == NULL) {
		/* HTTP only: the names a new certificate is written to */
		m->served->keys.store = xstrdup("certificateKeystoreFile");
		m->served->keys.storepass = xstrdup(
		    "certificateKeystorePassword");
		m->served->keys.type = xstrdup("certificateKeystoreType");
		m->served->keys.alias = xstrdup("certificateKeyAlias");
		m->served->keys.keypass = xstrdup("certificateKeyPassword");
		for (j = 0; j < x->nconns && m->port == 0; j++)
			m->port = x->conns[j].portn;
	}
	for (i = 0; i < m->nmaterials; i++) {
		struct key_material	*mat = m->materials[i];

		if (mat->where == KM_PEM && mat->role != KM_ROLE_CLIENT_TRUST) {
			mat->renewable = false;
			mat->not_renewable = xstrdup("renewing PEM files is "
			    "not supported yet: make a keystore and point "
			    "certificateKeystoreFile at it");
		} else if (mat->role == KM_ROLE_CLIENT_TRUST) {
			mat->renewable = false;
			mat->not_renewable = xstrdup("it holds trusted "
			    "certificates only");
		}
	}
	tc_legacy(s, x);
	tc_live(s);
	return (0);
}

/* ------------------------------------------------------------------ */
/* After the materials are open */

/* The row of an attribute of certificate e. */
static void
tc_row(struct srvload *s, const struct tc_index *x, const struct tc_cert *e,
    const struct tc_conn *c, const char *name, bool always,
    const char *unset_label, const char *ok_label)
{
	struct server_model		*m = s->m;
	const struct cfg_source		*src = tc_source(m);
	const struct xmldoc_attr	*a;
	const char			*w = name;
	struct setting			*row;
	struct finding			*f, *worst = NULL;
	char				*v = NULL, *k, *scope;
	size_t				 i;
	bool				 secret;

	a = e != NULL ? tc_cattr(src->xml, e, name, &w) :
	    tc_xattr(src->xml, c->elem, name);
	if (a == NULL && !always)
		return;
	if (w == NULL)
		w = name;
	secret = secret_key_name(w);
	if (a != NULL && !secret)
		v = tc_resolve(m, a->value, NULL);
	row = setting_add(m, w, v, secret, a != NULL ? a->line : 0);
	free(v);
	if (e != NULL) {
		if (e->legacy == TC_LEGACY_CONNECTOR || tc_level(name) == 0)
			xasprintf(&scope, "connector %s", e->port);
		else if (tc_level(name) == 1)
			xasprintf(&scope, "connector %s, host %s", e->port,
			    e->host);
		else
			xasprintf(&scope, "connector %s, host %s%s%s", e->port,
			    e->host, e->type != NULL ? ", type " : "",
			    e->type != NULL ? e->type : "");
		row->material = e->mat;
		k = tc_key(x, e, name);
	} else {
		xasprintf(&scope, "connector %s", c->port);
		k = xstrdup(w);
	}
	row->scope = scope;
	if (a != NULL) {
		if (!secret)
			row->raw = xstrdup(a->value);
		row->count = 1;
		xasprintf(&row->source, "%s:%d", src->label, a->line);
		row->src = src;
	}
	for (i = 0; k != NULL && i < m->nfindings; i++) {
		f = m->findings[i];
		if (f->key != NULL && strcmp(f->key, k) == 0 &&
		    (worst == NULL || f->sev > worst->sev))
			worst = f;
	}
	free(k);
	if (worst != NULL && worst->sev > SEV_OK)
		setting_check(row, worst->sev, audit_code_label(worst->code));
	else
		setting_check(row, SEV_OK, a == NULL ? unset_label : ok_label);
}

/* Messages that say what Tomcat does when a password is not set. */
static void
tc_default_pass(struct srvload *s, const struct tc_cert *e)
{
	struct server_model	*m = s->m;
	struct key_material	*mat = e->mat;
	struct finding		*f;
	const char		*w;
	size_t			 i;

	if (mat == NULL || mat->where != KM_KEYSTORE ||
	    tc_cattr(tc_source(m)->xml, e, "certificateKeystorePassword",
	    &w) != NULL || tc_cattr(tc_source(m)->xml, e,
	    "certificateKeystorePasswordFile", NULL) != NULL)
		return;
	for (i = 0; i < m->nfindings; i++) {
		f = m->findings[i];
		if (f->material != mat ||
		    strcmp(f->code, "keystore-password-wrong") != 0)
			continue;
		free(f->message);
		xasprintf(&f->message, "%s is not set, and Tomcat's default "
		    "\"changeit\" does not open %s: the connector fails to "
		    "start", mat->keys.storepass, mat->path);
	}
	if (mat->opened)
		audit_add(m, "password-example", SEV_WARN, m->properties,
		    xmldoc_elem(tc_source(m)->xml, e->cert != TC_NONE ?
		    e->cert : e->conn)->line, NULL, mat->keys.storepass,
		    "give the keystore a password of its own (tlsdeck passwd) "
		    "and set it", "%s is not set: the keystore opens with "
		    "Tomcat's default \"changeit\", a well-known password",
		    mat->keys.storepass)->material = mat;
}

/* Written passwords that are well known. */
static void
tc_example_pass(struct srvload *s, const struct tc_cert *e)
{
	struct server_model		*m = s->m;
	const struct xmldoc_attr	*a;
	char				*v;

	if (e->mat == NULL || (a = tc_cattr(tc_source(m)->xml, e,
	    "certificateKeystorePassword", NULL)) == NULL)
		return;
	v = tc_resolve(m, a->value, NULL);
	if (strcmp(v, "changeit") == 0 || strcmp(v, "changeme") == 0 ||
	    strcmp(v, "password") == 0)
		audit_add(m, "password-example", SEV_WARN, m->properties,
		    a->line, NULL, e->mat->keys.storepass, "choose a password "
		    "of your own (change it on the keystore too: tlsdeck "
		    "passwd)", "%s is %s, a well-known default",
		    e->mat->keys.storepass, v)->material = e->mat;
	OPENSSL_cleanse(v, strlen(v));
	free(v);
}

/* Is the manager webapp deployed (webapps/manager, or its context file
 * as Debian's tomcat10-admin installs it)? */
static bool
tc_manager_deployed(const struct server_model *m)
{
	char	*p;
	bool	 yes;

	if (m->base == NULL)
		return (false);
	p = path_join(m->base, "webapps/manager");
	yes = path_is_dir(p);
	free(p);
	if (!yes) {
		p = path_join(m->base, "conf/Catalina/localhost/manager.xml");
		yes = path_exists(p);
		free(p);
	}
	return (yes);
}

/* A manager user with role manager-script: TLS reloads without a
 * restart (/manager/text/sslReload). */
static char *
tc_manager_user(const struct server_model *m)
{
	struct xmldoc			*u = NULL;
	const struct xmldoc_elem	**users = NULL;
	const char			*roles, *name;
	char				*p, *out = NULL;
	size_t				 n, i;

	if (!tc_manager_deployed(m))
		return (NULL);
	p = path_join(m->base, "conf/tomcat-users.xml");
	if (xmldoc_load(p, &u, NULL) != 0) {
		free(p);
		return (NULL);
	}
	free(p);
	n = xmldoc_find(u, "tomcat-users/user", &users);
	for (i = 0; i < n && out == NULL; i++) {
		roles = xmldoc_get(users[i], "roles");
		name = xmldoc_get(users[i], "username");
		if (roles != NULL && name != NULL &&
		    strstr(roles, "manager-script") != NULL)
			out = xstrdup(name);
	}
	free(users);
	xmldoc_free(u);
	return (out);
}

static void
tomcat_finish(struct srvload *s)
{
	struct server_model	*m = s->m;
	const struct cfg_source	*src = tc_source(m);
	struct tc_index		*x;
	struct tc_cert		*e;
	struct tc_conn		*c;
	char			*mgr, lbl[32];
	size_t			 i, j;

	if (src == NULL)
		return;
	x = src->kpriv;
	for (i = 0; i < x->ncerts; i++) {
		tc_default_pass(s, &x->certs[i]);
		tc_example_pass(s, &x->certs[i]);
	}
	if ((mgr = tc_manager_user(m)) != NULL) {
		for (i = 0; i < x->ncerts; i++) {
			if ((e = &x->certs[i])->mat == NULL)
				continue;
			free(e->mat->reload_how);
			xasprintf(&e->mat->reload_how, "Tomcat's manager "
			    "(user %s): /manager/text/sslReload?tlsHostName=%s "
			    "reloads it without a restart", mgr, e->host);
		}
		free(mgr);
	}

	/* rows: each connector, then its certificates */
	for (j = 0; j < x->nconns; j++) {
		c = &x->conns[j];
		if (m->listening == 1 && c->portn == m->port)
			snprintf(lbl, sizeof lbl, "listening");
		else
			snprintf(lbl, sizeof lbl, "%s", c->ssl ? "HTTPS" :
			    "HTTP");
		tc_row(s, x, NULL, c, "port", true, "unset", lbl);
		tc_row(s, x, NULL, c, "address", false, NULL, "set");
		tc_row(s, x, NULL, c, "SSLEnabled", false, NULL, c->ssl ?
		    "on" : "off");
		if (c->ssl || c->nlegacy > 0)
			tc_row(s, x, NULL, c, "protocol", false, NULL, "set");
		if (!c->ssl)
			tc_row(s, x, NULL, c, "redirectPort", false, NULL,
			    "set");
		for (i = 0; i < x->ncerts; i++) {
			e = &x->certs[i];
			if (e->conn != c->elem || e->mat == NULL)
				continue;
			tc_row(s, x, e, c, "hostName", false, NULL, "set");
			if (e->mat->where == KM_PEM) {
				tc_row(s, x, e, c, "certificateFile", true,
				    "unset", e->mat->ks != NULL ? "found" :
				    "set");
				tc_row(s, x, e, c, "certificateKeyFile", false,
				    NULL, e->mat->key_entry != NULL &&
				    e->mat->key_entry->pkey != NULL ? "key" :
				    "set");
				tc_row(s, x, e, c, "certificateChainFile",
				    false, NULL, "set");
				tc_row(s, x, e, c, "certificateKeyPassword",
				    false, NULL, "set");
			} else {
				tc_row(s, x, e, c, "certificateKeystoreFile",
				    true, "unset", e->mat->ks != NULL ?
				    "found" : "set");
				tc_row(s, x, e, c, "certificateKeystoreType",
				    true, e->mat->ks != NULL ? "default JKS" :
				    "unset", "matches");
				tc_row(s, x, e, c,
				    "certificateKeystorePassword", true,
				    e->mat->opened ? "default opens" :
				    "default changeit", e->mat->opened ?
				    "opens" : "set");
				tc_row(s, x, e, c,
				    "certificateKeystorePasswordFile", false,
				    NULL, "set");
				tc_row(s, x, e, c, "certificateKeyAlias", true,
				    e->mat->key_entry != NULL ? "first key" :
				    "unset", e->mat->key_entry != NULL ?
				    "key entry" : "set");
				tc_row(s, x, e, c, "certificateKeyPassword",
				    false, NULL, e->mat->key_entry != NULL &&
				    e->mat->key_entry->pkey != NULL ?
				    "opens key" : "set");
			}
			tc_row(s, x, e, c, "type", false, NULL, "set");
			tc_row(s, x, e, c, "truststoreFile", false, NULL,
			    "set");
			tc_row(s, x, e, c, "truststoreType", false, NULL,
			    "set");
			tc_row(s, x, e, c, "truststorePassword", false, NULL,
			    "set");
			tc_row(s, x, e, c, "caCertificateFile", false, NULL,
			    "set");
			tc_row(s, x, e, c, "certificateVerification", false,
			    NULL, "set");
			tc_row(s, x, e, c, "protocols", false, NULL, "set");
		}
	}
}

/* ------------------------------------------------------------------ */
/* Restarting */

static void
tc_line(char ***lines, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
tc_line(char ***lines, size_t *n, const char *fmt, ...)
{
	va_list	ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	*lines = xreallocarray(*lines, *n + 1, sizeof **lines);
	(*lines)[(*n)++] = s;
}

/* The systemd unit of the running server, else the unit naming the
 * base, else Tomcat's scripts (or a sentence when its shutdown port is
 * off). */
static void
tomcat_restart(const struct server_model *m, const char *proc,
    char ***lines, size_t *n)
{
	const struct cfg_source	*src = tc_source(m);
	const struct tc_index	*x = src != NULL ? src->kpriv : NULL;
	char			*unit = NULL, *needle, *user = NULL, *sp;
	int			 i;

	if (m->base == NULL)
		return;
	if (m->proc.pid > 0)
		unit = srv_proc_unit(proc, m->proc.pid);
	for (i = 0; unit == NULL && i < 2; i++) {
		xasprintf(&needle, "CATALINA_BASE=%s%s", m->base, i == 0 ?
		    "\"" : "\n");
		unit = srv_unit_naming(needle, &user);
		free(needle);
		free(user);
		user = NULL;
	}
	if (unit != NULL) {
		tc_line(lines, n, "systemctl restart %s", unit);
		free(unit);
		return;
	}
	sp = x != NULL ? tc_eval_const(m, src->xml, x->server, "port") : NULL;
	if (m->home != NULL && (sp == NULL || strcmp(sp, "-1") != 0)) {
		tc_line(lines, n, "CATALINA_BASE=%s %s/bin/shutdown.sh",
		    m->base, m->home);
		tc_line(lines, n, "CATALINA_BASE=%s %s/bin/startup.sh",
		    m->base, m->home);
	} else if (m->proc.pid > 0)
		tc_line(lines, n, "restart Tomcat (CATALINA_BASE=%s): stop its "
		    "java process (pid %d; the shutdown port is off) and "
		    "start it again", m->base, m->proc.pid);
	else
		tc_line(lines, n, "restart Tomcat (CATALINA_BASE=%s)",
		    m->base);
	free(sp);
}

/* ------------------------------------------------------------------ */
/* Reloading: the manager's sslReload */

/* "sha256//BASE64" of each key the connector of e serves, ";" between. */
static char *
tc_pins(const struct tc_index *x, const struct tc_cert *e)
{
	const struct key_material	*mat;
	const struct cert		*c;
	unsigned char			 md[SHA256_DIGEST_LENGTH];
	char				 b64[4 * SHA256_DIGEST_LENGTH / 3 + 4];
	char				*out = NULL, *t;
	size_t				 i;

	for (i = 0; i < x->ncerts; i++) {
		if (x->certs[i].conn != e->conn ||
		    (mat = x->certs[i].mat) == NULL ||
		    mat->key_entry == NULL || mat->key_entry->nchain == 0)
			continue;
		c = mat->key_entry->chain[0];
		SHA256(c->info.spki_der.p, c->info.spki_der.len, md);
		EVP_EncodeBlock((unsigned char *)b64, md, sizeof md);
		xasprintf(&t, "%s%ssha256//%s", out != NULL ? out : "",
		    out != NULL ? ";" : "", b64);
		free(out);
		out = t;
	}
	return (out);
}

/* The manager's sslReload for mat's host config, over the server's own
 * HTTP connector on loopback, else its HTTPS one (the key pinned). */
static int
tomcat_reload(const struct server_model *m, const struct key_material *mat,
    const struct srv_reload_opts *o, struct srv_reload *r, char **cause)
{
	const struct cfg_source	*src = tc_source(m);
	const struct tc_index	*x = src != NULL ? src->kpriv : NULL;
	const struct tc_cert	*e = NULL;
	const struct tc_conn	*c, *http = NULL, *https = NULL;
	const char		*addr;
	char			*proto;
	size_t			 i;

	if (o->manager_user == NULL)
		return (0);
	if (x == NULL)
		return (0);
	if (!tc_manager_deployed(m)) {
		cause_set(cause, "%s: Tomcat's manager is not deployed "
		    "(webapps/manager, or conf/Catalina/localhost/manager.xml "
		    "from Debian's tomcat%d-admin): no sslReload", m->base,
		    x->major > 0 ? x->major : 10);
		return (-1);
	}
	if (o->manager_pass == NULL) {
		cause_set(cause, "the manager user %s needs its password: "
		    "TLSDECK_MANAGER_PASSWORD or --manager-password-file",
		    o->manager_user);
		return (-1);
	}
	for (i = 0; i < x->ncerts; i++)
		if (x->certs[i].mat == mat)
			e = &x->certs[i];
	if (e == NULL) {
		cause_set(cause, "%s: not one of server.xml's certificates",
		    mat->path != NULL ? mat->path : "the key material");
		return (-1);
	}
	for (i = 0; i < x->nconns; i++) {
		c = &x->conns[i];
		if (c->portn <= 0)
			continue;
		if (c->ssl) {
			if (c->elem == e->conn && https == NULL)
				https = c;
			continue;
		}
		proto = tc_eval_const(m, x->doc, c->elem, "protocol");
		if (http == NULL && (proto == NULL ||
		    strncasecmp(proto, "AJP", 3) != 0))
			http = c;
		free(proto);
	}
	if ((c = http != NULL ? http : https) == NULL) {
		cause_set(cause, "%s: no connector to reach Tomcat's manager "
		    "on", src->path);
		return (-1);
	}
	addr = c->address;
	if (addr == NULL || *addr == '\0' || strcmp(addr, "0.0.0.0") == 0 ||
	    strcmp(addr, "::") == 0 || strcmp(addr, "[::]") == 0)
		addr = "127.0.0.1";
	if (c == https) {
		if ((r->pins = tc_pins(x, e)) == NULL) {
			cause_set(cause, "%s: no HTTP connector, and no key of "
			    "the HTTPS one to trust for the manager",
			    src->path);
			return (-1);
		}
	}
	xasprintf(&r->url, "%s://%s%s%s:%d/manager/text/sslReload"
	    "?tlsHostName=%s", c == https ? "https" : "http",
	    strchr(addr, ':') != NULL && *addr != '[' ? "[" : "", addr,
	    strchr(addr, ':') != NULL && *addr != '[' ? "]" : "", c->portn,
	    e->host);
	r->how = SRV_RELOAD_MANAGER;
	r->user = xstrdup(o->manager_user);
	r->pass = secret_dup(o->manager_pass);
	r->in_place = true;
	xasprintf(&r->text, "Tomcat's manager (user %s): %s", r->user,
	    r->url);
	return (1);
}

/* ------------------------------------------------------------------ */
/* Writing server.xml */

/* One change, the names resolved. */
struct tc_op {
	const struct step_prop	*sp;
	char			*name;		/* native attribute name */
	char			*scope;		/* or NULL */
};

/* "RSA" or "EC": the key of the keystore's alias (no alias: its first key
 * entry); NULL when it cannot be read. */
static const char *
tc_key_type(const char *path, const struct secret *pass, const char *alias)
{
	struct keystore		*ks = NULL;
	struct ks_entry		*e = NULL;
	const char		*t = NULL;
	size_t			 i;

	if (keystore_load(path, pass, 0, &ks, NULL) != 0)
		return (NULL);
	if (alias != NULL)
		e = keystore_find(ks, alias);
	for (i = 0; alias == NULL && e == NULL && i < ks->nentries; i++)
		if (ks->entries[i]->type == KS_ENTRY_KEY)
			e = ks->entries[i];
	if (e != NULL && e->type == KS_ENTRY_KEY && e->nchain > 0) {
		if (strncmp(e->chain[0]->info.key, "RSA", 3) == 0)
			t = "RSA";
		else if (strncmp(e->chain[0]->info.key, "EC", 2) == 0)
			t = "EC";
	}
	keystore_free(ks);
	return (t);
}

/* The op of name among ops (the last), or NULL. */
static const struct tc_op *
tc_op_find(const struct tc_op *ops, size_t n, const char *name)
{
	const struct tc_op	*o = NULL;
	size_t			 i;

	for (i = 0; i < n; i++)
		if (strcmp(ops[i].name, name) == 0)
			o = &ops[i];
	return (o);
}

/* The scopes there are, for a message (malloc'd). */
static char *
tc_scopes(const struct tc_index *x)
{
	char	*list = NULL, *t;
	size_t	 i;

	for (i = 0; i < x->ncerts; i++) {
		xasprintf(&t, "%s%s%s", list != NULL ? list : "",
		    list != NULL ? ", " : "", x->certs[i].scope);
		free(list);
		list = t;
	}
	return (list != NULL ? list : xstrdup("none"));
}

/* Number of elements in elem's subtree (itself included). */
static size_t
tc_subtree(const struct xmldoc *d, size_t elem)
{
	const struct xmldoc_elem	*e = xmldoc_elem(d, elem);
	size_t				 i;

	for (i = elem; i < xmldoc_count(d) && xmldoc_elem(d, i)->off <
	    e->end; i++)
		;
	return (i - elem);
}

/* Escape a value for an attribute in double quotes (malloc'd). */
static char *
tc_xml_escape(const char *v)
{
	struct confbuf	b = { NULL, 0, 0 };

	for (; *v != '\0'; v++) {
		if (*v == '&')
			confbuf_str(&b, "&amp;");
		else if (*v == '<')
			confbuf_str(&b, "&lt;");
		else if (*v == '>')
			confbuf_str(&b, "&gt;");
		else if (*v == '"')
			confbuf_str(&b, "&quot;");
		else
			confbuf_add(&b, v, 1);
	}
	if (b.d == NULL)
		confbuf_add(&b, "", 0);
	return ((char *)b.d);
}

/* Enable HTTPS: a complete connector after the HTTP one. */
static int
tc_plan_new(const struct server_model *m, const struct cfg_source *src,
    const struct tc_op *ops, size_t nops, struct step_conf_plan *plan,
    char **cause)
{
	const struct tc_index		*x = src->kpriv;
	const struct tc_conn		*h = NULL;
	const struct tc_op		*o, *ks, *pw;
	struct step_conf_file		*f;
	struct confbuf			 t = { NULL, 0, 0 };
	const char			*type = NULL;
	char				*port = NULL, *v, *path, *esc, *proto;
	size_t				 i, at;
	bool				 cp;
	static const char		*certattrs[] = {
	    "certificateKeystoreFile", "certificateKeystoreType",
	    "certificateKeyAlias", "certificateFile", "certificateKeyFile",
	    "certificateChainFile", NULL };

	for (i = 0; i < x->nconns && h == NULL; i++) {
		proto = tc_eval_const(m, src->xml, x->conns[i].elem,
		    "protocol");
		if (proto == NULL || strstr(proto, "AJP") == NULL)
			h = &x->conns[i];
		free(proto);
	}
	if (h == NULL) {
		cause_set(cause, "%s: no HTTP connector to put an HTTPS one "
		    "beside", m->properties);
		return (-1);
	}
	ks = tc_op_find(ops, nops, "certificateKeystoreFile");
	if ((ks == NULL || ks->sp->value == NULL) &&
	    tc_op_find(ops, nops, "certificateFile") == NULL) {
		cause_set(cause, "%s has no HTTPS connector: set key-store "
		    "(certificateKeystoreFile) and key-store-password to "
		    "enable HTTPS", m->properties);
		return (-1);
	}
	for (i = 0; i < nops; i++) {
		if (ops[i].sp->value == NULL && ops[i].sp->secret == NULL) {
			cause_set(cause, "%s has no HTTPS connector: nothing "
			    "to unset", m->properties);
			return (-1);
		}
		if (tc_level(ops[i].name) != 2 &&
		    strcmp(ops[i].name, "port") != 0) {
			cause_set(cause, "%s: a new HTTPS connector takes "
			    "port and Certificate attributes, not %s",
			    m->properties, ops[i].name);
			return (-1);
		}
	}
	if ((o = tc_op_find(ops, nops, "port")) != NULL)
		port = xstrdup(o->sp->value);
	else if ((port = tc_eval_const(m, src->xml, h->elem,
	    "redirectPort")) == NULL)
		port = xstrdup("8443");
	if (atoi(port) <= 0 || atoi(port) > 65535) {
		cause_set(cause, "not a port: %s", port);
		free(port);
		return (-1);
	}
	/* type follows the key */
	pw = tc_op_find(ops, nops, "certificateKeystorePassword");
	if (ks != NULL) {
		struct secret	*dflt = secret_from_str(TC_DEFAULT_PASS);
		const struct tc_op *al = tc_op_find(ops, nops,
		    "certificateKeyAlias");

		path = tc_location_plain(m, ks->sp->value, &cp);
		type = tc_key_type(path, pw != NULL ? pw->sp->secret : dflt,
		    al != NULL ? al->sp->value : NULL);
		secret_free(dflt);
		free(path);
	}
	confbuf_printf(&t, "<Connector port=\"%s\"", port);
	if ((v = tc_eval_const(m, src->xml, h->elem, "address")) != NULL) {
		esc = tc_xml_escape(v);
		confbuf_printf(&t, " address=\"%s\"", esc);
		free(esc);
		free(v);
	}
	confbuf_str(&t, " protocol=\"org.apache.coyote.http11."
	    "Http11NioProtocol\"\n           SSLEnabled=\"true\" "
	    "maxThreads=\"150\">\n    <SSLHostConfig>\n        <Certificate");
	for (i = 0; certattrs[i] != NULL; i++) {
		if ((o = tc_op_find(ops, nops, certattrs[i])) == NULL ||
		    o->sp->value == NULL)
			continue;
		esc = tc_xml_escape(o->sp->value);
		confbuf_printf(&t, "%s%s=\"%s\"", t.len > 0 && strstr(
		    (char *)t.d, "<Certificate ") != NULL ?
		    "\n                     " : " ", certattrs[i], esc);
		free(esc);
	}
	if (type != NULL)
		confbuf_printf(&t, "\n                     type=\"%s\"", type);
	confbuf_str(&t, " />\n    </SSLHostConfig>\n</Connector>");

	f = step_conf_file(plan, src->path, CFG_FMT_XML);
	v = tc_eval_const(m, src->xml, h->elem, "redirectPort");
	if (v == NULL || strcmp(v, port) != 0) {
		step_conf_add(f, SC_SET, h->elem, "redirectPort", port, NULL);
		step_conf_note(plan, "the HTTP connector on port %s redirects "
		    "to %s", h->port, port);
	}
	free(v);
	step_conf_add(f, SC_INSERT_AFTER, h->elem, NULL, NULL, NULL)->text =
	    (char *)t.d;
	at = h->elem + tc_subtree(src->xml, h->elem) + 2;
	for (i = 0; i < nops; i++) {
		if (ops[i].sp->secret == NULL)
			continue;
		step_conf_add(f, SC_SET, at, ops[i].name, NULL,
		    ops[i].sp->secret);
	}
	step_conf_note(plan, "a new HTTPS connector on port %s after the "
	    "connector on port %s%s%s", port, h->port, type != NULL ?
	    ", type " : "", type != NULL ? type : "");
	free(port);
	return (0);
}

static int
tomcat_plan_set(const struct server_model *m, const struct step_prop *props,
    size_t n, struct step_conf_plan *plan, char **cause)
{
	const struct cfg_source		*src = tc_source(m);
	const struct tc_index		*x;
	const struct tc_cert		*e;
	const struct tc_op		*pw, *al;
	struct step_conf_file		*f;
	struct tc_op			*ops;
	const char			*at, *w, *type, *nat;
	char				*name, *list, *v, *path;
	size_t				 i, j, elem, nm;
	bool				 cp;
	int				 rc = -1;

	if (src == NULL) {
		cause_set(cause, "%s: not read", m->properties);
		return (-1);
	}
	if (!src->writable) {
		cause_set(cause, "%s (nothing written)", src->error != NULL ?
		    src->error : src->path);
		return (-1);
	}
	x = src->kpriv;
	ops = xcalloc(n, sizeof *ops);
	for (i = 0; i < n; i++) {
		at = strchr(props[i].key, '@');
		name = at != NULL ? xstrndup(props[i].key,
		    (size_t)(at - props[i].key)) : xstrdup(props[i].key);
		nat = server_kind_native(&server_kind_tomcat, name);
		if ((w = tc_legacy_name(nat)) != NULL && tc_level(nat) == 0)
			nat = w;	/* keystoreFile -> certificate... */
		ops[i].sp = &props[i];
		ops[i].name = xstrdup(nat);
		ops[i].scope = at != NULL ? xstrdup(at + 1) : NULL;
		free(name);
	}
	if (x->ncerts == 0) {
		rc = tc_plan_new(m, src, ops, n, plan, cause);
		goto out;
	}
	f = step_conf_file(plan, src->path, CFG_FMT_XML);
	for (i = 0; i < n; i++) {
		e = tc_find(x, ops[i].name, ops[i].scope, &elem, &nm);
		if (e == NULL) {
			list = tc_scopes(x);
			cause_set(cause, "%s: no HTTPS certificate matches "
			    "\"%s\" (there are: %s)", m->properties,
			    ops[i].scope, list);
			free(list);
			goto out;
		}
		if (nm > 1 && elem == TC_NONE) {
			list = tc_scopes(x);
			cause_set(cause, "%s: %s is in %zu places: name one as "
			    "%s@SCOPE (scopes: %s)", m->properties,
			    ops[i].name, nm, ops[i].name, list);
			free(list);
			goto out;
		}
		if (e->legacy == TC_LEGACY_CONNECTOR) {
			if (tc_no_legacy(x) == 1) {
				cause_set(cause, "%s: the connector on port %s "
				    "uses Connector attributes Tomcat %s "
				    "ignores: fix that first (tlsdeck "
				    "configure --fix tomcat-legacy-tls)",
				    m->properties, e->port, m->version);
				goto out;
			}
			if (tc_level(ops[i].name) > 0) {
				(void)tc_cattr(src->xml, e, ops[i].name, &w);
				if (w == NULL) {
					cause_set(cause, "%s: the connector on "
					    "port %s has no old attribute for "
					    "%s: fix it first (tlsdeck "
					    "configure --fix "
					    "tomcat-legacy-tls)", m->properties,
					    e->port, ops[i].name);
					goto out;
				}
				free(ops[i].name);
				ops[i].name = xstrdup(w);
			}
			elem = e->conn;
		}
		if (elem == TC_NONE) {
			cause_set(cause, "%s: %s has no place in %s",
			    m->properties, ops[i].name, e->scope);
			goto out;
		}
		if ((strcmp(ops[i].name, "certificateKeystorePassword") == 0 ||
		    strcmp(ops[i].name, "certificateKeyPassword") == 0) &&
		    tc_xattr(src->xml, elem, strcmp(ops[i].name,
		    "certificateKeyPassword") == 0 ?
		    "certificateKeyPasswordFile" :
		    "certificateKeystorePasswordFile") != NULL) {
			cause_set(cause, "%s: the password of %s comes from a "
			    "file (%sFile): write the new one there",
			    m->properties, e->scope, ops[i].name);
			goto out;
		}
		if (ops[i].sp->value == NULL && ops[i].sp->secret == NULL)
			step_conf_add(f, SC_UNSET, elem, ops[i].name, NULL,
			    NULL);
		else
			step_conf_add(f, SC_SET, elem, ops[i].name,
			    ops[i].sp->value, ops[i].sp->secret);
		/* a new port: the HTTP connectors redirecting there follow */
		if (strcmp(ops[i].name, "port") == 0 &&
		    ops[i].sp->value != NULL) {
			for (j = 0; j < x->nconns; j++) {
				if (x->conns[j].ssl)
					continue;
				v = tc_eval_const(m, src->xml,
				    x->conns[j].elem, "redirectPort");
				if (v != NULL && strcmp(v, e->port) == 0) {
					step_conf_add(f, SC_SET,
					    x->conns[j].elem, "redirectPort",
					    ops[i].sp->value, NULL);
					step_conf_note(plan, "the connector on "
					    "port %s redirects to %s",
					    x->conns[j].port, ops[i].sp->value);
				}
				free(v);
			}
		}
		/* the certificate's type follows the key: a new keystore,
		 * or a new alias in the same one */
		if (ops[i].sp->value != NULL && e->cert != TC_NONE &&
		    (strcmp(ops[i].name, "certificateKeystoreFile") == 0 ||
		    (strcmp(ops[i].name, "certificateKeyAlias") == 0 &&
		    tc_op_find(ops, n, "certificateKeystoreFile") == NULL &&
		    e->mat != NULL && e->mat->path != NULL))) {
			pw = tc_op_find(ops, n, "certificateKeystorePassword");
			al = tc_op_find(ops, n, "certificateKeyAlias");
			path = strcmp(ops[i].name, "certificateKeyAlias") == 0 ?
			    xstrdup(e->mat->path) :
			    tc_location_plain(m, ops[i].sp->value, &cp);
			type = tc_key_type(path, pw != NULL ? pw->sp->secret :
			    e->mat != NULL ? e->mat->storepass : NULL,
			    al != NULL ? al->sp->value : e->mat != NULL ?
			    e->mat->alias : NULL);
			free(path);
			if (type != NULL && e->type != NULL &&
			    strcasecmp(e->type, type) != 0 &&
			    tc_op_find(ops, n, "type") == NULL) {
				step_conf_add(f, SC_SET, e->cert, "type", type,
				    NULL);
				step_conf_note(plan, "type follows the new "
				    "key: %s (was %s)", type, e->type);
			}
		}
	}
	rc = 0;
out:
	for (i = 0; i < n; i++) {
		free(ops[i].name);
		free(ops[i].scope);
	}
	free(ops);
	return (rc);
}

static int
tomcat_plan_fix(const struct server_model *m, const char *code,
    struct step_conf_plan *plan, char **cause)
{
	const struct cfg_source	*src = tc_source(m);
	const struct tc_index	*x;
	struct step_conf_file	*f = NULL;
	size_t			 i;

	if (strcmp(code, "tomcat-legacy-tls") != 0) {
		cause_set(cause, "no fix for %s on Tomcat (fixes: "
		    "tomcat-legacy-tls)", code);
		return (-1);
	}
	if (src == NULL || !src->writable) {
		cause_set(cause, "%s (nothing written)", src != NULL &&
		    src->error != NULL ? src->error : m->properties);
		return (-1);
	}
	x = src->kpriv;
	/* from the last connector up: indices before it stay */
	for (i = x->nconns; i-- > 0;) {
		if (x->conns[i].nlegacy == 0)
			continue;
		if (f == NULL)
			f = step_conf_file(plan, src->path, CFG_FMT_XML);
		step_conf_add(f, SC_REPLACE, x->conns[i].elem, NULL, NULL,
		    NULL)->text = tc_rewrite(src->xml, &x->conns[i], true);
		step_conf_note(plan, "the connector on port %s: its TLS "
		    "attributes move into <SSLHostConfig> and <Certificate>",
		    x->conns[i].port);
	}
	if (f == NULL) {
		cause_set(cause, "%s: no connector uses the old TLS "
		    "attributes: nothing to fix", m->properties);
		return (-1);
	}
	return (0);
}

const struct server_kind server_kind_tomcat = {
	.name = "tomcat",
	.title = "Apache Tomcat",
	.detect = tomcat_detect,
	.load = tomcat_load,
	.finish = tomcat_finish,
	.names = tomcat_names,
	.base_prop = "catalina.base",
	.places = tomcat_places,
	.jre = tomcat_jre,
	.restart = tomcat_restart,
	.plan_set = tomcat_plan_set,
	.plan_fix = tomcat_plan_fix,
	.reload = tomcat_reload,
};

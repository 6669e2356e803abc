/* SPDX-License-Identifier: ISC */
/*
 * server.c -- the server model: which application.properties, what it
 * says (placeholders resolved), the keystore it names, the JRE the server
 * runs on and its cacerts (found and opened with jre.c), the chain the
 * server sends and whether that JRE trusts it (docs/architecture.md, The
 * server model).
 *
 * Loading problems (a missing keystore, a wrong password, no JRE) become
 * findings here; what the loaded files say is judged by audit.c.  Only an
 * unreadable properties file is an error.  Nothing is written.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "core.h"

/* Placeholder findings listed one by one; past this many, one finding
 * counts the rest (a hostile file cannot make 100,000 of them). */
#define SRV_LINE_FINDINGS	100

/* Loading state (private to one server_model_load). */
struct srv {
	const struct server_opts *o;
	struct server_model	*m;
	char			*props_dir;	/* directory of the file */
	char			*base_dir;	/* its parent */
	struct props		*res;		/* document placeholders are
						   resolved against */
	bool			 res_own;	/* res is a private copy */
	struct secret		*storepass;	/* resolved, or NULL */
	struct secret		*keypass;	/* key-password, or NULL */
	int			 storepass_line;
	int			 keypass_line;
	int			 store_line;	/* line of key-store */
	int			 alias_line;
	bool			 store_opened;	/* password verified */
	unsigned int		 store_mode;	/* keystore file mode */
	struct srv_fkey		*fkeys;		/* findings by relaxed key, */
	size_t			 nfkeys;	/* sorted (srv_settings) */
};

/* A finding that names a property, under the property's relaxed key. */
struct srv_fkey {
	char			*canon;
	const struct finding	*f;
	size_t			 idx;		/* its place in m->findings */
};

void
server_opts_init(struct server_opts *o)
{
	memset(o, 0, sizeof *o);
	o->warn_days = SERVER_WARN_DAYS;
	o->crit_days = SERVER_CRIT_DAYS;
}

/* ------------------------------------------------------------------ */
/* Finding the properties file */

int
server_find_properties(const struct server_opts *o, char **path, char **how,
    char **cause)
{
	const char	*env;
	char		*p = NULL;
	int		 i;
	static const char *local[] = {
	    "application.properties", "conf/application.properties" };

	*path = *how = NULL;
	if (o->properties != NULL) {
		if (!path_exists(o->properties)) {
			cause_set(cause, "%s: %s", o->properties,
			    strerror(errno));
			return (-1);
		}
		*path = path_absolute(o->properties);
		*how = xstrdup("--properties");
		return (0);
	}
	if (o->server != NULL) {
		if (!path_is_dir(o->server)) {
			cause_set(cause, "%s: not a directory (--server takes "
			    "the sharedDataPath, e.g. %s)", o->server,
			    "/etc/opt/actian/integration-manager");
			return (-1);
		}
		p = path_join(o->server, "conf/application.properties");
		if (!path_exists(p)) {
			free(p);
			p = path_join(o->server, "application.properties");
		}
		if (!path_exists(p)) {
			cause_set(cause, "%s: no conf/application.properties "
			    "or application.properties", o->server);
			free(p);
			return (-1);
		}
		*path = path_absolute(p);
		free(p);
		xasprintf(how, "--server %s", o->server);
		return (0);
	}
	if ((env = getenv("TLSDECK_PROPERTIES")) != NULL && *env != '\0') {
		if (!path_exists(env)) {
			cause_set(cause, "%s (from $TLSDECK_PROPERTIES): %s",
			    env, strerror(errno));
			return (-1);
		}
		*path = path_absolute(env);
		*how = xstrdup("$TLSDECK_PROPERTIES");
		return (0);
	}
	for (i = 0; i < 2; i++) {
		if (path_exists(local[i])) {
			*path = path_absolute(local[i]);
			xasprintf(how, "./%s", local[i]);
			return (0);
		}
	}
	if (path_exists(SERVER_VENDOR_PROPERTIES)) {
		*path = xstrdup(SERVER_VENDOR_PROPERTIES);
		*how = xstrdup("vendor default location");
		return (0);
	}
	cause_set(cause, "no application.properties found (tried "
	    "$TLSDECK_PROPERTIES, ./application.properties, "
	    "./conf/application.properties, %s); use --properties FILE or "
	    "--server DIR", SERVER_VENDOR_PROPERTIES);
	return (-1);
}

/* ------------------------------------------------------------------ */
/* Properties: values, resolved */

/* The effective (last) entry for key in relaxed form, or NULL. */
static const struct prop_entry *
srv_entry(const struct srv *s, const char *key, size_t *count)
{
	const struct prop_entry	**list = NULL, *pe = NULL;
	size_t			  n;

	if (s->m->props == NULL) {
		if (count != NULL)
			*count = 0;
		return (NULL);
	}
	n = props_find_all(s->m->props, key, &list);
	if (n > 0)
		pe = list[n - 1];
	free(list);
	if (count != NULL)
		*count = n;
	return (pe);
}

/* Resolve placeholders in v (unresolvable ones stay as written). */
static char *
srv_resolve(const struct srv *s, const char *v)
{
	char	*out = NULL, *cause = NULL;

	if (v == NULL)
		return (NULL);
	if (strstr(v, "${") == NULL || s->res == NULL)
		return (xstrdup(v));
	if (props_resolve(s->res, v, 0, &out, NULL, &cause) != 0) {
		free(cause);
		return (xstrdup(v));
	}
	return (out);
}

/* Resolve v strictly: -1 on a cycle, 1 when a placeholder is left. */
static int
srv_resolve_strict(const struct srv *s, const char *v, char **out)
{
	bool	unres = false;

	*out = NULL;
	if (strstr(v, "${") == NULL || s->res == NULL) {
		*out = xstrdup(v);
		return (0);
	}
	if (props_resolve(s->res, v, 0, out, &unres, NULL) != 0)
		return (-1);
	return (unres ? 1 : 0);
}

/* Keys whose problems stop HTTPS (they have settings rows). */
static bool
srv_relevant(const char *canon)
{
	return (strncmp(canon, "server.ssl.", 11) == 0 ||
	    strcmp(canon, "server.port") == 0 ||
	    strcmp(canon, "im.baseurl") == 0 ||
	    strcmp(canon, "security.requiressl") == 0 ||
	    strcmp(canon, "shareddatapath") == 0 ||
	    strcmp(canon, "installpath") == 0);
}

/*
 * Placeholders that loop (Spring fails at start-up) or that nothing
 * defines (Spring keeps "${x}" literally).  Only the keys tlsdeck reads
 * are judged for the latter: others may come from the start script.
 */
static void
srv_placeholders(struct srv *s)
{
	struct server_model	*m = s->m;
	const struct prop_entry	*pe;
	char			*out, *c, *msg;
	size_t			 i, plen = strlen(m->properties);
	size_t			 found = 0, more = 0;
	enum sev		 more_sev = SEV_WARN;
	int			 more_line = 0;
	bool			 unres, rel, bad;

	for (i = 0; i < props_count(m->props); i++) {
		pe = props_entry(m->props, i);
		if (strstr(pe->value, "${") == NULL)
			continue;
		rel = srv_relevant(pe->canon);
		c = out = NULL;
		bad = props_resolve(s->res, pe->value, 0, &out, &unres,
		    &c) != 0;
		if (!bad && !(unres && rel)) {
			free(out);
			continue;
		}
		if (++found > SRV_LINE_FINDINGS) {
			/* Counted, not listed: see below. */
			if (more++ == 0)
				more_line = pe->line;
			if (bad && rel)
				more_sev = SEV_CRIT;
			free(out);
			free(c);
			continue;
		}
		if (bad) {
			msg = c;
			if (c != NULL && strncmp(c, m->properties, plen) == 0 &&
			    strncmp(c + plen, ": ", 2) == 0)
				msg = c + plen + 2;
			audit_add(m, "placeholder-cycle", rel ? SEV_CRIT :
			    SEV_WARN, m->properties, pe->line, NULL, rel ?
			    pe->key : NULL, "break the loop: give one of the "
			    "names a plain value", "%s: %s (the server fails "
			    "to start)", pe->key, msg != NULL ? msg :
			    "placeholder cannot be resolved");
		} else if (secret_key_name(pe->key))
			audit_add(m, "placeholder-unresolved", SEV_WARN,
			    m->properties, pe->line, NULL, pe->key, "define "
			    "the name in the file (or the environment), or "
			    "write the value", "%s: a placeholder is defined "
			    "neither in the file nor in the environment, and "
			    "Spring keeps it as written", pe->key);
		else
			audit_add(m, "placeholder-unresolved", SEV_WARN,
			    m->properties, pe->line, NULL, pe->key, "define "
			    "the name in the file (or the environment), or "
			    "write the value", "%s = \"%s\": a placeholder "
			    "is defined neither in the file nor in the "
			    "environment, and Spring keeps it as written",
			    pe->key, out);
		free(out);
		free(c);
	}
	if (more > 0)
		audit_add(m, "placeholder-cycle", more_sev, m->properties,
		    more_line, NULL, NULL, "define or untangle the names",
		    "%zu more values hold placeholders that loop or that "
		    "nothing defines (the first of them on line %d)", more,
		    more_line);
}

/* The resolved value of key, or NULL when unset; *line its line. */
static char *
srv_get(const struct srv *s, const char *key, int *line)
{
	const struct prop_entry	*pe;

	pe = srv_entry(s, key, NULL);
	if (line != NULL)
		*line = pe != NULL ? pe->line : 0;
	if (pe == NULL)
		return (NULL);
	return (srv_resolve(s, pe->value));
}

/* The same as a secret (the plain copy is wiped). */
static struct secret *
srv_get_secret(const struct srv *s, const char *key, int *line)
{
	struct secret	*sec;
	char		*v;

	if ((v = srv_get(s, key, line)) == NULL)
		return (NULL);
	sec = secret_from_str(v);
	OPENSSL_cleanse(v, strlen(v));
	free(v);
	return (sec);
}

/* Is the value a boolean false ("false", any case, blanks ignored)? */
static bool
srv_false(const char *v)
{
	size_t	n;

	while (*v == ' ' || *v == '\t')
		v++;
	n = strlen(v);
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	return (n == 5 && strncasecmp(v, "false", 5) == 0);
}

/*
 * Read and parse the properties.  When the file uses ${sharedDataPath}
 * without defining it (the launcher may pass -DsharedDataPath), resolve
 * against a copy that defines it as the directory above conf/ (or
 * --server DIR), and say so.
 */
static int
srv_properties(struct srv *s, char **cause)
{
	struct server_model	*m = s->m;
	unsigned char		*buf = NULL;
	size_t			 len, i;
	char			*c = NULL, *guess = NULL;
	const struct prop_entry	*pe;
	bool			 uses = false;
	int			 rc = -1;

	if (file_read(m->properties, &buf, &len, cause) != 0)
		goto out;
	s->props_dir = path_dirname(m->properties);
	s->base_dir = path_dirname(s->props_dir);
	if (props_parse(buf, len, m->properties, &m->props, &c) != 0) {
		/* Java throws here: the server would not start. */
		audit_add(m, "properties-malformed", SEV_CRIT, m->properties,
		    0, NULL, NULL, "fix the escape (write \\\\ for a "
		    "backslash)", "%s", c);
		free(c);
		rc = 0;
		goto out;
	}
	s->res = m->props;
	for (i = 0; i < props_count(m->props); i++) {
		pe = props_entry(m->props, i);
		if (strstr(pe->value, "${sharedDataPath") != NULL)
			uses = true;
	}
	if (uses && srv_entry(s, "sharedDataPath", NULL) == NULL &&
	    getenv("sharedDataPath") == NULL &&
	    getenv("SHAREDDATAPATH") == NULL) {
		if (s->o->server != NULL)
			guess = path_absolute(s->o->server);
		else if (strcmp(path_basename(s->props_dir), "conf") == 0)
			guess = xstrdup(s->base_dir);
	}
	if (guess != NULL) {
		s->res = NULL;
		if (props_parse(buf, len, m->properties, &s->res, NULL) != 0 ||
		    props_set(s->res, "sharedDataPath", guess, NULL) != 0) {
			props_free(s->res);
			s->res = m->props;
		} else {
			s->res_own = true;
			audit_add(m, "shared-data-path-assumed", SEV_INFO,
			    m->properties, 0, NULL, "sharedDataPath",
			    "define sharedDataPath in the file if the server "
			    "does not get it from its start script",
			    "${sharedDataPath} is used but not defined here; "
			    "taken as %s (the directory above conf/)", guess);
		}
	}
	rc = 0;
out:
	free(guess);
	free(buf);
	return (rc);
}

/* ------------------------------------------------------------------ */
/* The keystore */

/* Decode %XX in a file: URL path (in place). */
static void
srv_url_decode(char *p)
{
	char	*o = p;
	int	 hi, lo;

	for (; *p != '\0'; p++) {
		if (*p == '%' && isxdigit((unsigned char)p[1]) &&
		    isxdigit((unsigned char)p[2])) {
			hi = isdigit((unsigned char)p[1]) ? p[1] - '0' :
			    (tolower((unsigned char)p[1]) - 'a' + 10);
			lo = isdigit((unsigned char)p[2]) ? p[2] - '0' :
			    (tolower((unsigned char)p[2]) - 'a' + 10);
			*o++ = (char)(hi * 16 + lo);
			p += 2;
		} else
			*o++ = *p;
	}
	*o = '\0';
}

/*
 * Where the key-store value points: sets m->keystore_path and
 * keystore_how; false for classpath: (nothing to open).
 */
static bool
srv_keystore_path(struct srv *s, const char *v)
{
	struct server_model	*m = s->m;
	char			*p, *a, *b, cwd[PATH_MAX];

	if (strncmp(v, "classpath:", 10) == 0 ||
	    strncmp(v, "classpath*:", 11) == 0) {
		m->keystore_path = xstrdup(v);
		m->keystore_how = xstrdup("classpath: a resource inside the "
		    "application's jar");
		audit_add(m, "keystore-classpath", SEV_WARN, m->properties,
		    s->store_line, NULL, "server.ssl.key-store",
		    "put the keystore in a file and point server.ssl.key-store "
		    "at it (e.g. ${sharedDataPath}/conf/ssl/keystore.p12)",
		    "the keystore is %s: inside the application, where "
		    "tlsdeck cannot check or renew it", v);
		return (false);
	}
	if (strncmp(v, "file:", 5) == 0) {
		p = xstrdup(v + 5);
		if (strncmp(p, "//", 2) == 0) {
			/* file:///x or file://localhost/x */
			a = strchr(p + 2, '/');
			b = xstrdup(a != NULL ? a : "/");
			free(p);
			p = b;
		}
		srv_url_decode(p);
		xasprintf(&m->keystore_how, "file: URL");
	} else
		p = xstrdup(v);
	if (p[0] == '/') {
		m->keystore_path = p;
		return (true);
	}

	/* Relative: the server resolves it against its working directory. */
	a = path_join(s->base_dir, p);
	b = getcwd(cwd, sizeof cwd) != NULL ? path_join(cwd, p) : NULL;
	free(m->keystore_how);
	m->keystore_how = NULL;
	if (path_exists(a)) {
		m->keystore_path = a;
		a = NULL;
		xasprintf(&m->keystore_how, "relative path, found against "
		    "the directory above the properties (%s)", s->base_dir);
	} else if (b != NULL && path_exists(b)) {
		m->keystore_path = b;
		b = NULL;
		xasprintf(&m->keystore_how, "relative path, found against "
		    "the current directory (%s)", cwd);
	} else {
		m->keystore_path = a;
		a = NULL;
		xasprintf(&m->keystore_how, "relative path, not found against "
		    "the directory above the properties nor the current "
		    "directory");
	}
	audit_add(m, "keystore-path-relative", SEV_WARN, m->properties,
	    s->store_line, NULL, "server.ssl.key-store", "write an absolute "
	    "path (or ${sharedDataPath}/...)", "server.ssl.key-store is the "
	    "relative path \"%s\": the server resolves it against its own "
	    "working directory; %s", p, m->keystore_how);
	free(a);
	free(b);
	free(p);
	return (true);
}

/* Try to load the keystore bytes; see srv_keystore. */
static struct keystore *
srv_ks_try(const unsigned char *buf, size_t len, const char *path,
    const struct secret *pass, int flags, char **cause)
{
	struct keystore	*ks = NULL;

	if (keystore_load_mem(buf, len, path, pass, flags, &ks, cause) != 0)
		return (NULL);
	ks->path = xstrdup(path);
	return (ks);
}

/* Open the keystore with the password the properties give. */
static void
srv_keystore_open(struct srv *s)
{
	struct server_model	*m = s->m;
	const char		*path = m->keystore_path;
	unsigned char		*buf = NULL;
	size_t			 len;
	struct stat		 sb;
	struct keystore		*ks = NULL;
	char			*c = NULL, *c2 = NULL;
	int			 saved;

	if (stat(path, &sb) != 0) {
		saved = errno;
		xasprintf(&m->ks_error, "%s: %s", path, strerror(saved));
		if (saved == ENOENT || saved == ENOTDIR)
			audit_add(m, "keystore-missing", SEV_CRIT,
			    m->properties, s->store_line, NULL,
			    "server.ssl.key-store", "create the keystore "
			    "(New key pair) or correct server.ssl.key-store",
			    "keystore %s does not exist", path);
		else
			audit_add(m, "keystore-unreadable", SEV_WARN,
			    m->properties, s->store_line, NULL,
			    "server.ssl.key-store", "run tlsdeck as root or "
			    "as the server's user", "cannot look at keystore "
			    "%s: %s", path, strerror(saved));
		return;
	}
	if (S_ISDIR(sb.st_mode)) {
		xasprintf(&m->ks_error, "%s: is a directory", path);
		audit_add(m, "keystore-is-directory", SEV_CRIT, m->properties,
		    s->store_line, NULL, "server.ssl.key-store", "name the "
		    "keystore file itself (e.g. .../conf/ssl/keystore.p12)",
		    "server.ssl.key-store names a directory: %s", path);
		return;
	}
	if (!S_ISREG(sb.st_mode)) {
		xasprintf(&m->ks_error, "%s: not a regular file", path);
		audit_add(m, "keystore-corrupt", SEV_CRIT, m->properties,
		    s->store_line, NULL, "server.ssl.key-store", "name the "
		    "keystore file itself", "cannot read keystore: %s",
		    m->ks_error);
		return;
	}
	s->store_mode = sb.st_mode & 07777;
	if (file_read(path, &buf, &len, &c) != 0) {
		m->ks_error = c;
		audit_add(m, "keystore-unreadable", SEV_WARN, m->properties,
		    s->store_line, NULL, "server.ssl.key-store",
		    "run tlsdeck as root or as the server's user", "cannot "
		    "read the keystore: %s", c);
		return;
	}

	if ((ks = srv_ks_try(buf, len, path, s->storepass, 0, &c)) != NULL) {
		if (s->storepass != NULL || ks->passwordless)
			s->store_opened = true;
		else {
			/* JKS listed without its password. */
			audit_add(m, "keystore-password-missing", SEV_CRIT,
			    m->properties, 0, NULL,
			    "server.ssl.key-store-password", "set "
			    "server.ssl.key-store-password (tlsdeck configure "
			    "--set-env server.ssl.key-store-password=VAR)",
			    "server.ssl.key-store-password is not set; %s "
			    "keystore %s needs one", ks_format_name(
			    ks->format), path);
		}
		goto out;
	}
	/* Readable without the password?  Then the password is wrong. */
	ks = srv_ks_try(buf, len, path, NULL, KS_LOAD_NOVERIFY, &c2);
	if (ks != NULL && s->storepass == NULL) {
		m->ks_error = c;
		c = NULL;
		audit_add(m, "keystore-password-missing", SEV_CRIT,
		    m->properties, 0, NULL, "server.ssl.key-store-password",
		    "set server.ssl.key-store-password (tlsdeck configure "
		    "--set-env server.ssl.key-store-password=VAR)",
		    "server.ssl.key-store-password is not set; keystore %s "
		    "needs one", path);
	} else if (ks != NULL && (strstr(c, "incorrect") != NULL ||
	    ks->format == KS_FMT_JKS || ks->format == KS_FMT_JCEKS)) {
		m->ks_error = c;
		c = NULL;
		audit_add(m, "keystore-password-wrong", SEV_CRIT,
		    m->properties, s->storepass_line, NULL,
		    "server.ssl.key-store-password", "correct "
		    "server.ssl.key-store-password (SSL settings form)",
		    "server.ssl.key-store-password does not open %s "
		    "(the server will not start)", path);
	} else {
		m->ks_error = c;
		c = NULL;
		audit_add(m, "keystore-corrupt", SEV_CRIT, m->properties,
		    s->store_line, NULL, "server.ssl.key-store", "restore the "
		    "keystore from a backup (tlsdeck history) or create a new "
		    "one", "cannot read keystore: %s", m->ks_error);
	}
out:
	m->ks = ks;
	free(c);
	free(c2);
	OPENSSL_cleanse(buf, len);
	free(buf);
}

/* Find the key-alias entry and recover its key. */
static void
srv_key_entry(struct srv *s)
{
	struct server_model	*m = s->m;
	struct keystore		*ks = m->ks;
	struct ks_entry		*e = NULL;
	const struct secret	*kp;
	struct x509_st		*x;
	char			*c = NULL, *list = NULL, *t;
	size_t			 i, nkeys = 0;

	for (i = 0; i < ks->nentries; i++) {
		if (ks->entries[i]->type != KS_ENTRY_KEY)
			continue;
		if (nkeys++ == 0)
			e = ks->entries[i];
		xasprintf(&t, "%s%s\"%s\"", list != NULL ? list : "",
		    list != NULL ? ", " : "", ks->entries[i]->alias);
		free(list);
		list = t;
	}
	if (m->key_alias != NULL) {
		e = keystore_find(ks, m->key_alias);
		if (e == NULL) {
			audit_add(m, "alias-missing", SEV_CRIT, m->properties,
			    s->alias_line, NULL, "server.ssl.key-alias",
			    "set server.ssl.key-alias to a key entry of the "
			    "keystore", "keystore %s has no entry \"%s\"%s%s",
			    m->keystore_path, m->key_alias, list != NULL ?
			    "; key entries: " : " and no key entry at all",
			    list != NULL ? list : "");
			goto out;
		}
		if (e->type != KS_ENTRY_KEY) {
			audit_add(m, "alias-not-key", SEV_CRIT, m->properties,
			    s->alias_line, e->alias, "server.ssl.key-alias",
			    "point server.ssl.key-alias at the key entry",
			    "\"%s\" is a %s, not a key entry: the server has "
			    "no private key to serve%s%s", e->alias,
			    ks_etype_name(e->type), list != NULL ?
			    "; key entries: " : "", list != NULL ? list : "");
			e = NULL;
			goto out;
		}
	} else if (nkeys == 0) {
		audit_add(m, "no-key-entry", SEV_CRIT, m->keystore_path, 0,
		    NULL, NULL, "create a key pair in it (New key pair) or "
		    "import one (Import key + certificate)", "the keystore "
		    "holds no key entry: nothing to serve");
		goto out;
	} else if (nkeys > 1) {
		audit_add(m, "alias-unset", SEV_WARN, m->properties, 0, NULL,
		    "server.ssl.key-alias", "set server.ssl.key-alias",
		    "server.ssl.key-alias is not set and the keystore has %zu "
		    "key entries (%s): the server picks one; showing \"%s\"",
		    nkeys, list, e->alias);
	}
	if (e->flags & KS_EF_ALIAS_NOT_LOWER)
		audit_add(m, "alias-not-lowercase", SEV_CRIT, m->keystore_path,
		    0, e->alias, NULL, "rename the entry to lower case "
		    "(tlsdeck rename)", "JKS entry \"%s\" is stored with "
		    "upper-case letters: Java cannot look it up", e->alias);
	m->key_entry = e;
	if (m->key_alias == NULL)
		m->key_alias = xstrndup(e->alias, e->alias_len);

	/* The key: key-password, else the store password. */
	if (!s->store_opened && !ks->passwordless)
		goto out;
	kp = s->keypass != NULL ? s->keypass : s->storepass;
	if (keystore_recover_key(ks, e, kp, &c) != 0) {
		if (strstr(c, "does not match") != NULL)
			audit_add(m, "key-cert-mismatch", SEV_CRIT,
			    m->keystore_path, 0, e->alias, NULL, "import the "
			    "certificate issued for this key (Import CA "
			    "reply), or make a new key pair", "the "
			    "certificate of \"%s\" does not belong to its "
			    "private key", e->alias);
		else if (s->keypass != NULL)
			audit_add(m, "key-password-wrong", SEV_CRIT,
			    m->properties, s->keypass_line, e->alias,
			    "server.ssl.key-password", "correct "
			    "server.ssl.key-password", "server.ssl."
			    "key-password does not open key \"%s\": %s",
			    e->alias, c);
		else
			audit_add(m, "key-password-wrong", SEV_CRIT,
			    m->properties, s->storepass_line, e->alias,
			    "server.ssl.key-password", "set "
			    "server.ssl.key-password to the key's own "
			    "password", "the key-store password does not open "
			    "key \"%s\" and server.ssl.key-password is not "
			    "set: %s", e->alias, c);
		goto out;
	}
	if (e->nchain > 0 && e->pkey != NULL &&
	    (x = cert_x509(e->chain[0], NULL)) != NULL &&
	    !key_matches_cert(e->pkey, x))
		audit_add(m, "key-cert-mismatch", SEV_CRIT, m->keystore_path, 0,
		    e->alias, NULL, "import the certificate issued for this "
		    "key (Import CA reply), or make a new key pair", "the "
		    "certificate of \"%s\" does not belong to its private key",
		    e->alias);
out:
	free(list);
	free(c);
}

/* The keystore: path, file, password, entry, key. */
static void
srv_keystore(struct srv *s)
{
	struct server_model	*m = s->m;
	const struct prop_entry	*pe;
	char			*v, *en;
	int			 line;

	pe = srv_entry(s, "server.ssl.key-store", NULL);
	en = srv_get(s, "server.ssl.enabled", NULL);
	m->key_alias = srv_get(s, "server.ssl.key-alias", &s->alias_line);
	m->keystore_type = srv_get(s, "server.ssl.key-store-type", NULL);
	s->storepass = srv_get_secret(s, "server.ssl.key-store-password",
	    &s->storepass_line);
	s->keypass = srv_get_secret(s, "server.ssl.key-password",
	    &s->keypass_line);
	if (pe == NULL) {
		free(en);
		return;
	}
	s->store_line = pe->line;
	m->keystore_raw = xstrdup(pe->value);
	m->ssl = en == NULL || !srv_false(en);
	if (en != NULL && !m->ssl) {
		line = srv_entry(s, "server.ssl.enabled", NULL)->line;
		audit_add(m, "ssl-disabled", SEV_WARN, m->properties, line,
		    NULL, "server.ssl.enabled", "remove server.ssl.enabled="
		    "false (or set it to true) to serve HTTPS",
		    "server.ssl.enabled=false: the keystore is configured "
		    "but the server speaks plain HTTP");
	}
	free(en);
	if (memchr(pe->value, '\0', pe->value_len) != NULL) {
		/* a \u0000 escape: C (and the OS) would cut the path there */
		m->keystore_path = xstrdup(pe->value);
		xasprintf(&m->ks_error, "server.ssl.key-store holds a NUL "
		    "character (\\u0000)");
		audit_add(m, "keystore-missing", SEV_CRIT, m->properties,
		    s->store_line, NULL, "server.ssl.key-store", "remove the "
		    "\\u0000 escape from server.ssl.key-store",
		    "server.ssl.key-store holds a NUL character (\\u0000): "
		    "no file has that name");
		return;
	}
	if (srv_resolve_strict(s, pe->value, &v) != 0) {
		/* placeholder-cycle or -unresolved says why */
		m->keystore_path = v != NULL ? v : xstrdup(pe->value);
		xasprintf(&m->ks_error, "server.ssl.key-store \"%s\" cannot "
		    "be resolved", pe->value);
		return;
	}
	if (*v == '\0') {
		audit_add(m, "keystore-missing", SEV_CRIT, m->properties,
		    s->store_line, NULL, "server.ssl.key-store", "set "
		    "server.ssl.key-store to the keystore file",
		    "server.ssl.key-store is empty");
		free(v);
		return;
	}
	if (srv_keystore_path(s, v)) {
		srv_keystore_open(s);
		if (m->ks != NULL)
			srv_key_entry(s);
	}
	free(v);
}

/* ------------------------------------------------------------------ */
/* /proc: who listens on the port */

int
server_port_listening(const char *proc, int port, unsigned long *inode)
{
	static const char	*files[] = { "net/tcp", "net/tcp6" };
	char			*path, line[512], local[64];
	unsigned int		 lport, st;
	unsigned long		 ino;
	const char		*colon;
	FILE			*f;
	int			 i, seen = 0, found = 0;

	if (inode != NULL)
		*inode = 0;
	if (proc == NULL)
		proc = "/proc";
	for (i = 0; i < 2 && !found; i++) {
		xasprintf(&path, "%s/%s", proc, files[i]);
		f = fopen(path, "r");
		free(path);
		if (f == NULL)
			continue;
		seen = 1;
		/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
		while (fgets(line, sizeof line, f) != NULL) {
			if (sscanf(line, " %*s %63s %*s %x %*s %*s %*s %*s "
			    "%*s %lu", local, &st, &ino) != 3)
				continue;
			if ((colon = strrchr(local, ':')) == NULL ||
			    sscanf(colon + 1, "%x", &lport) != 1)
				continue;
			if (st == 0x0A && (int)lport == port) {
				if (inode != NULL)
					*inode = ino;
				found = 1;
				break;
			}
		}
		fclose(f);
	}
	if (!seen)
		return (-1);
	return (found);
}

int
server_socket_pid(const char *proc, unsigned long inode)
{
	DIR		*d, *fd;
	struct dirent	*de, *fe;
	char		*p, link[64], want[64];
	ssize_t		 n;
	int		 pid = 0;

	if (proc == NULL)
		proc = "/proc";
	if (inode == 0 || (d = opendir(proc)) == NULL)
		return (0);
	snprintf(want, sizeof want, "socket:[%lu]", inode);
	while (pid == 0 && (de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		xasprintf(&p, "%s/%s/fd", proc, de->d_name);
		fd = opendir(p);
		if (fd == NULL) {
			free(p);
			continue;
		}
		while ((fe = readdir(fd)) != NULL) {
			char	*q;

			if (fe->d_name[0] == '.')
				continue;
			xasprintf(&q, "%s/%s", p, fe->d_name);
			n = readlink(q, link, sizeof link - 1);
			free(q);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (strcmp(link, want) == 0) {
				pid = atoi(de->d_name);
				break;
			}
		}
		closedir(fd);
		free(p);
	}
	closedir(d);
	return (pid);
}

/* Is the port listening, and which process has it? */
static void
srv_live(struct srv *s)
{
	struct server_model	*m = s->m;
	unsigned long		 ino;

	m->listening = -1;
	if ((s->o->flags & SERVER_NO_LIVE) || m->port <= 0)
		return;
	m->listening = server_port_listening(s->o->proc, m->port, &ino);
	if (m->listening == 1)
		m->listen_pid = server_socket_pid(s->o->proc, ino);
}

/* ------------------------------------------------------------------ */
/* The JRE and its cacerts */

/* The value of KEY="..." (or KEY=...) in a release-like file. */
static char *
srv_release_value(const unsigned char *buf, size_t len, const char *key)
{
	size_t		 klen = strlen(key), i, j;
	const char	*s = (const char *)buf;

	for (i = 0; i < len; i = j + 1) {
		for (j = i; j < len && s[j] != '\n'; j++)
			continue;
		if (j - i > klen && memcmp(s + i, key, klen) == 0 &&
		    s[i + klen] == '=') {
			i += klen + 1;
			if (i < j && s[i] == '"')
				i++;
			while (j > i && (s[j - 1] == '"' || s[j - 1] == '\r' ||
			    s[j - 1] == ' '))
				j--;
			if (j - i > 64)
				return (NULL);
			return (xstrndup(s + i, j - i));
		}
	}
	return (NULL);
}

/* Does dir look like a Java home? */
static bool
srv_java_home(const char *dir)
{
	static const char	*marks[] = { "release", "bin/java",
	    "lib/security/cacerts", "jre/lib/security/cacerts" };
	char			*p;
	size_t			 i;
	bool			 ok = false;

	if (dir == NULL || !path_is_dir(dir))
		return (false);
	for (i = 0; i < sizeof marks / sizeof marks[0] && !ok; i++) {
		p = path_join(dir, marks[i]);
		ok = path_exists(p);
		free(p);
	}
	return (ok);
}

/* Pick the JRE: the first candidate that looks like one. */
static void
srv_jre_find(struct srv *s)
{
	struct server_model	*m = s->m;
	struct jre_info		*j = &m->jre;
	const char		*env;
	char			*c, *p, *exe;

	if (s->o->jre != NULL) {
		j->home = path_absolute(s->o->jre);
		j->how = xstrdup("--jre");
		return;
	}
	if (m->shared_data_path != NULL) {
		c = path_join(m->shared_data_path, "jre");
		if (srv_java_home(c)) {
			j->home = c;
			j->how = xstrdup("${sharedDataPath}/jre");
			return;
		}
		free(c);
	}
	if (m->install_path != NULL) {
		c = path_join(m->install_path, "jre");
		if (srv_java_home(c)) {
			j->home = c;
			j->how = xstrdup("${installPath}/jre");
			return;
		}
		free(c);
	}
	if (m->listen_pid > 0) {
		xasprintf(&exe, "%s/%d/exe", s->o->proc != NULL ?
		    s->o->proc : "/proc", m->listen_pid);
		p = jre_home_of_java(exe);
		free(exe);
		if (p != NULL && srv_java_home(p)) {
			j->home = p;
			xasprintf(&j->how, "the java process listening on port "
			    "%d (pid %d)", m->port, m->listen_pid);
			return;
		}
		free(p);
	}
	if ((env = getenv("JAVA_HOME")) != NULL && srv_java_home(env)) {
		j->home = xstrdup(env);
		j->how = xstrdup("$JAVA_HOME");
		return;
	}
	if ((exe = jre_java_on_path()) != NULL) {
		p = jre_home_of_java(exe);
		free(exe);
		if (p != NULL && srv_java_home(p)) {
			j->home = p;
			j->how = xstrdup("java on $PATH");
			return;
		}
		free(p);
	}
}

/* Version from home/release (or ../release for a JDK 8 jre/). */
static void
srv_jre_version(struct jre_info *j)
{
	unsigned char	*buf = NULL;
	size_t		 len;
	char		*p;
	int		 i;

	for (i = 0; i < 2 && j->version == NULL; i++) {
		p = path_join(j->home, i == 0 ? "release" : "../release");
		if (file_read(p, &buf, &len, NULL) == 0) {
			j->version = srv_release_value(buf, len,
			    "JAVA_VERSION");
			free(buf);
		}
		free(p);
	}
	if (j->version != NULL)
		jre_parse_version(j->version, &j->major, &j->update);
}

/* Locate and open cacerts (or jssecacerts, which the JVM prefers). */
static void
srv_jre(struct srv *s)
{
	struct server_model	*m = s->m;
	struct jre_info		*j = &m->jre;
	struct stat		 sb;
	char			*c = NULL, real[PATH_MAX];
	const char		*load;

	if (s->o->cacerts != NULL) {
		j->cacerts = path_absolute(s->o->cacerts);
		j->how = xstrdup("--cacerts");
	} else {
		srv_jre_find(s);
		if (j->home == NULL) {
			audit_add(m, "jre-not-found", SEV_WARN, NULL, 0, NULL,
			    NULL, "name it: --jre DIR or --cacerts FILE",
			    "cannot tell which Java the server runs on (no "
			    "${sharedDataPath}/jre, ${installPath}/jre, java "
			    "process on port %d, $JAVA_HOME or java on "
			    "$PATH): trust not checked", m->port);
			return;
		}
		srv_jre_version(j);
		if ((j->cacerts = jre_cacerts_under(j->home)) == NULL) {
			j->cacerts = path_join(j->home, "lib/security/cacerts");
			xasprintf(&j->trust_error, "%s: no such file",
			    j->cacerts);
			audit_add(m, "cacerts-missing", SEV_WARN, j->cacerts, 0,
			    NULL, NULL, "check the JRE (--jre DIR)",
			    "the JRE at %s has no lib/security/cacerts: "
			    "trust not checked", j->home);
			return;
		}
	}
	if (lstat(j->cacerts, &sb) == 0 && S_ISLNK(sb.st_mode))
		j->cacerts_symlink = true;
	if (realpath(j->cacerts, real) != NULL)
		j->cacerts_real = xstrdup(real);
	else
		j->cacerts_real = xstrdup(j->cacerts);
	j->cacerts_distro = strcmp(j->cacerts_real,
	    SERVER_DISTRO_CACERTS) == 0;
	if (j->cacerts_distro)
		audit_add(m, "cacerts-distro", SEV_INFO, j->cacerts, 0, NULL,
		    NULL, "after ca-certificates updates, check that the "
		    "imported certificate is still there; or give the server "
		    "its own truststore", "cacerts %s is managed by "
		    "ca-certificates-java (shared by every JDK linked to it%s)",
		    j->cacerts_real, j->cacerts_symlink ? "; reached through "
		    "a symlink" : "");
	else if (j->cacerts_symlink)
		audit_add(m, "cacerts-symlink", SEV_INFO, j->cacerts, 0, NULL,
		    NULL, "changes go to the link's target; every JRE linked "
		    "to it sees them", "cacerts is a symlink to %s",
		    j->cacerts_real);

	/* jssecacerts replaces cacerts for the default TrustManager. */
	if (s->o->cacerts == NULL &&
	    (j->jssecacerts_path = jre_jssecacerts(j->cacerts)) != NULL) {
		j->jssecacerts = true;
		audit_add(m, "jssecacerts-present", SEV_WARN,
		    j->jssecacerts_path, 0, NULL, NULL, "import into "
		    "jssecacerts too, or remove it if it is stale",
		    "%s exists: the JVM trusts it instead of cacerts",
		    j->jssecacerts_path);
	}
	load = j->jssecacerts ? j->jssecacerts_path : j->cacerts;
	if (cacerts_open(load, &j->trust, NULL, &j->trust_pass_how,
	    &j->trust_verified, &c) != 0) {
		j->trust_error = c;
		audit_add(m, "cacerts-unreadable", SEV_WARN, load, 0, NULL,
		    NULL, "run tlsdeck as root, or name the right file with "
		    "--cacerts", "cannot read the JRE's truststore: %s", c);
		return;
	}
	if (!j->trust_verified) {
		xasprintf(&j->trust_error, "%s: password unknown (not "
		    "changeit); listed without checking its integrity", load);
		audit_add(m, "cacerts-password-unknown", SEV_WARN, load, 0,
		    NULL, NULL, "importing into it will ask for its password",
		    "the truststore opens with no password, changeit or "
		    "%s: its integrity was not checked",
		    SERVER_DISTRO_DEFAULTS);
	}
}

/* What the JRE cannot read (docs/formats.md, Algorithms by JDK version). */
static void
srv_p12_compat(struct srv *s)
{
	struct server_model	*m = s->m;
	const struct ks_p12_params *pp;
	const char		*what = NULL;

	if (m->ks == NULL || m->ks->format != KS_FMT_PKCS12 ||
	    jre_reads_new_pkcs12(m->jre.major, m->jre.update) != 0)
		return;
	pp = &m->ks->p12;
	if (pp->key_pbe_nid == NID_aes_256_cbc ||
	    pp->key_pbe_nid == NID_aes_128_cbc ||
	    pp->key_pbe_nid == NID_aes_192_cbc)
		what = "AES (PBES2) key encryption";
	else if (pp->cert_pbe_nid == NID_aes_256_cbc ||
	    pp->cert_pbe_nid == NID_aes_128_cbc ||
	    pp->cert_pbe_nid == NID_aes_192_cbc)
		what = "AES (PBES2) certificate encryption";
	else if (pp->mac && pp->mac_md_nid != NID_sha1 &&
	    pp->mac_md_nid != NID_undef && pp->mac_md_nid != 0)
		what = "a SHA-2 integrity MAC";
	if (what == NULL)
		return;
	audit_add(m, "pkcs12-too-new", SEV_CRIT, m->keystore_path, 0, NULL,
	    NULL, "rewrite the keystore with legacy algorithms (keytool "
	    "-J-Dkeystore.pkcs12.legacy ...) or update the JRE",
	    "the keystore uses %s, which Java %s cannot read (needs 8u301, "
	    "11.0.12 or 12+)", what, m->jre.version);
}

/* ------------------------------------------------------------------ */
/* The served chain and its trust */

/* Is c (or a certificate with its subject and key) in the truststore? */
static struct ks_entry *
srv_trusted(struct keystore *trust, struct cert *c)
{
	struct ks_entry	*e;
	struct cert	*t;
	size_t		 i;

	for (i = 0; i < trust->nentries; i++) {
		e = trust->entries[i];
		if (e->type != KS_ENTRY_TRUSTED || e->nchain == 0)
			continue;
		t = e->chain[0];
		if (cert_equal(t, c))
			return (e);
	}
	for (i = 0; i < trust->nentries; i++) {
		e = trust->entries[i];
		if (e->type != KS_ENTRY_TRUSTED || e->nchain == 0)
			continue;
		t = e->chain[0];
		if (t->info.subject_der.len == c->info.subject_der.len &&
		    memcmp(t->info.subject_der.p, c->info.subject_der.p,
		    t->info.subject_der.len) == 0 && cert_same_key(t, c))
			return (e);
	}
	return (NULL);
}

/* Build the chain the server sends (completed) and check trust. */
static void
srv_trust(struct srv *s)
{
	struct server_model	*m = s->m;
	struct ks_entry		*e = m->key_entry, *te;
	struct keystore		*tr = m->jre.trust;
	struct cert		**pool = NULL, *top;
	size_t			 npool = 0, i, k;

	if (e == NULL || e->nchain == 0) {
		m->trust_note = xstrdup("no server certificate to check");
		return;
	}
	m->nsent = e->nchain;
	for (k = 0; k < 2; k++) {
		struct keystore	*src = k == 0 ? m->ks : tr;

		if (src == NULL)
			continue;
		for (i = 0; i < src->nentries; i++) {
			size_t	 c;

			for (c = 0; c < src->entries[i]->nchain; c++) {
				pool = xreallocarray(pool, npool + 1,
				    sizeof *pool);
				pool[npool++] = src->entries[i]->chain[c];
			}
		}
	}
	if (chain_build(e->chain[0], pool, npool, &m->chain, &m->nchain,
	    &m->chain_complete, NULL) != 0) {
		m->chain = NULL;
		m->nchain = 0;
	}
	free(pool);
	if (tr == NULL) {
		xasprintf(&m->trust_note, "trust not checked: %s",
		    m->jre.trust_error != NULL ? m->jre.trust_error :
		    "no cacerts");
		return;
	}
	for (i = 0; i < m->nchain; i++) {
		if ((te = srv_trusted(tr, m->chain[i])) != NULL) {
			m->trusted = true;
			m->trusted_alias = xstrndup(te->alias, te->alias_len);
			break;
		}
	}
	top = m->nchain > 0 ? m->chain[m->nchain - 1] : e->chain[0];
	if (m->trusted && i == 0)
		xasprintf(&m->trust_note, "the server certificate itself is "
		    "in %s as \"%s\"", path_basename(m->jre.jssecacerts ?
		    m->jre.jssecacerts_path : m->jre.cacerts),
		    m->trusted_alias);
	else if (m->trusted)
		xasprintf(&m->trust_note, "server chain -> %s \"%s\", "
		    "trusted as \"%s\"", m->chain[i]->info.self_signed ?
		    "root" : "CA", m->chain[i]->info.subject,
		    m->trusted_alias);
	else if (!m->chain_complete)
		xasprintf(&m->trust_note, "chain incomplete: no issuer for "
		    "\"%s\" in the keystore or cacerts", top->info.subject);
	else
		xasprintf(&m->trust_note, "root \"%s\" is not in %s",
		    top->info.subject, path_basename(m->jre.jssecacerts ?
		    m->jre.jssecacerts_path : m->jre.cacerts));
}

/* ------------------------------------------------------------------ */
/* The settings rows */

/* Add the row for key (which may be unset); NULL label: no check. */
static void
srv_row(struct srv *s, const char *key, bool secret, bool always,
    const char *ok_label, const char *unset_label)
{
	struct server_model	*m = s->m;
	const struct prop_entry	*pe;
	struct setting		*row;
	const struct finding	*f, *worst = NULL;
	char			*v = NULL, *ck;
	size_t			 n, i, lo, hi;

	pe = srv_entry(s, key, &n);
	if (pe == NULL && !always)
		return;
	if (pe != NULL && !secret)
		v = srv_resolve(s, pe->value);
	row = setting_add(m, key, v, secret, pe != NULL ? pe->line : 0);
	if (pe != NULL && !secret)
		row->raw = xstrdup(pe->value);
	row->count = (int)n;
	free(v);
	/* The worst finding on the key: a binary search in s->fkeys. */
	ck = props_canon_key(key);
	lo = 0;
	hi = s->nfkeys;
	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (strcmp(s->fkeys[i].canon, ck) < 0)
			lo = i + 1;
		else
			hi = i;
	}
	for (i = lo; i < s->nfkeys && strcmp(s->fkeys[i].canon, ck) == 0;
	    i++) {
		f = s->fkeys[i].f;
		if (worst == NULL || f->sev > worst->sev)
			worst = f;
	}
	free(ck);
	if (worst != NULL && worst->sev > SEV_OK)
		setting_check(row, worst->sev, audit_code_label(worst->code));
	else if (pe == NULL)
		setting_check(row, SEV_OK, unset_label);
	else
		setting_check(row, SEV_OK, ok_label);
}

/* Order of srv_fkey: by relaxed key, then as the findings are (the first
 * of the worst severity labels the row, as a pass over them would). */
static int
srv_fkey_cmp(const void *a, const void *b)
{
	const struct srv_fkey	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->canon, y->canon)) != 0)
		return (c);
	return (x->idx < y->idx ? -1 : x->idx > y->idx);
}

/* Index the findings that name a property by its relaxed key (once, so
 * that a row's check is a lookup, not a pass over every finding). */
static void
srv_fkeys(struct srv *s)
{
	struct server_model	*m = s->m;
	size_t			 i;

	s->fkeys = xreallocarray(NULL, m->nfindings + 1, sizeof *s->fkeys);
	s->nfkeys = 0;
	for (i = 0; i < m->nfindings; i++) {
		if (m->findings[i]->key == NULL)
			continue;
		s->fkeys[s->nfkeys].canon = props_canon_key(
		    m->findings[i]->key);
		s->fkeys[s->nfkeys].idx = i;
		s->fkeys[s->nfkeys++].f = m->findings[i];
	}
	qsort(s->fkeys, s->nfkeys, sizeof *s->fkeys, srv_fkey_cmp);
}

/* The rows of the SSL settings panel, checked against the findings. */
static void
srv_settings(struct srv *s)
{
	struct server_model	*m = s->m;
	const struct prop_entry	*pe;
	char			*c, lbl[32], dflt[32];
	size_t			 i, j;
	bool			 dup, first;
	static const char	*fixed[] = { "server.port",
	    "server.ssl.enabled", "server.ssl.key-store",
	    "server.ssl.key-store-type", "server.ssl.key-store-password",
	    "server.ssl.key-alias", "server.ssl.key-password",
	    "security.require-ssl", "im.base-url" };

	srv_fkeys(s);
	if (m->listening == 1)
		snprintf(lbl, sizeof lbl, "listening");
	else
		snprintf(lbl, sizeof lbl, "%s", m->ssl ? "HTTPS" : "HTTP");
	snprintf(dflt, sizeof dflt, "default %d", SERVER_DEFAULT_PORT);
	srv_row(s, "server.port", false, true, lbl, dflt);
	srv_row(s, "server.ssl.enabled", false, false, m->ssl ? "on" : "off",
	    NULL);
	srv_row(s, "server.ssl.key-store", false, true, m->ks != NULL ?
	    "found" : "set", "unset");
	srv_row(s, "server.ssl.key-store-type", false, true, "matches",
	    m->ks != NULL ? "default" : "unset");
	srv_row(s, "server.ssl.key-store-password", true, true,
	    s->store_opened ? "opens" : "set", m->ks != NULL &&
	    m->ks->passwordless ? "none needed" : "unset");
	srv_row(s, "server.ssl.key-alias", false, true, m->key_entry != NULL ?
	    "key entry" : "set", m->key_entry != NULL ? "only key" : "unset");
	srv_row(s, "server.ssl.key-password", true, false,
	    m->key_entry != NULL && m->key_entry->pkey != NULL ?
	    "opens key" : "set", NULL);
	srv_row(s, "security.require-ssl", false, true, "set", "unset");
	srv_row(s, "im.base-url", false, true, "in SAN", "unset");

	/* Any other server.ssl.* present, in file order (each relaxed key
	 * once: at its first entry). */
	for (i = 0; m->props != NULL && i < props_count(m->props); i++) {
		pe = props_entry(m->props, i);
		if (strncmp(pe->canon, "server.ssl.", 11) != 0)
			continue;
		props_same(m->props, i, &first);
		dup = !first;
		for (j = 0; j < sizeof fixed / sizeof fixed[0] && !dup; j++) {
			c = props_canon_key(fixed[j]);
			dup = strcmp(c, pe->canon) == 0;
			free(c);
		}
		if (dup)
			continue;
		srv_row(s, pe->key, secret_key_name(pe->key), false, "set",
		    NULL);
	}
	for (i = 0; i < s->nfkeys; i++)
		free(s->fkeys[i].canon);
	free(s->fkeys);
	s->fkeys = NULL;
	s->nfkeys = 0;
}

/* ------------------------------------------------------------------ */

/* Port, paths and the base URL from the properties. */
static void
srv_basics(struct srv *s)
{
	struct server_model	*m = s->m;
	char			*v, *end;
	long			 port;
	int			 line;

	/* From the file, the environment, or as assumed (srv_properties). */
	if (srv_resolve_strict(s, "${sharedDataPath}", &v) == 0)
		m->shared_data_path = v;
	else {
		free(v);
		if (s->o->server != NULL)
			m->shared_data_path = path_absolute(s->o->server);
	}
	if (srv_resolve_strict(s, "${installPath}", &v) == 0)
		m->install_path = v;
	else
		free(v);
	m->base_url = srv_get(s, "im.base-url", NULL);
	m->port = SERVER_DEFAULT_PORT;
	if ((v = srv_get(s, "server.port", &line)) != NULL) {
		errno = 0;
		port = strtol(v, &end, 10);
		while (*end == ' ' || *end == '\t')
			end++;
		if (end == v || *end != '\0' || errno != 0 || port < -1 ||
		    port > 65535) {
			audit_add(m, "port-invalid", SEV_CRIT, m->properties,
			    line, NULL, "server.port", "set server.port to a "
			    "number (443 for HTTPS)", "server.port \"%s\" is "
			    "not a port number: the server will not start", v);
			m->port = 0;
		} else
			m->port = (int)port;
		free(v);
	}
}

/* Does the keystore hold a key (true when it could not be read)? */
static bool
srv_has_key(const struct keystore *ks)
{
	size_t	i;

	if (ks == NULL)
		return (true);
	for (i = 0; i < ks->nentries; i++)
		if (ks->entries[i]->type == KS_ENTRY_KEY)
			return (true);
	return (false);
}

int
server_model_load(const struct server_opts *o, struct server_model **mp,
    char **cause)
{
	struct server_model	*m;
	struct srv		 s;
	int			 rc = -1;

	*mp = NULL;
	memset(&s, 0, sizeof s);
	m = server_model_new(o->now);
	s.o = o;
	s.m = m;
	m->warn_days = o->warn_days;
	m->crit_days = o->crit_days;
	m->warn_percent = o->warn_percent;
	m->crit_percent = o->crit_percent;
	if (server_find_properties(o, &m->properties, &m->how, cause) != 0)
		goto out;
	if (srv_properties(&s, cause) != 0)
		goto out;
	if (m->props != NULL) {
		srv_placeholders(&s);
		srv_basics(&s);
		srv_live(&s);
		srv_keystore(&s);
	} else if (o->server != NULL)
		m->shared_data_path = path_absolute(o->server);
	srv_jre(&s);
	srv_p12_compat(&s);
	srv_trust(&s);
	audit_run(m);
	if (m->props != NULL && (s.store_mode & S_IROTH) &&
	    srv_has_key(m->ks))
		audit_add(m, "keystore-world-readable", SEV_WARN,
		    m->keystore_path, 0, NULL, NULL, "chmod o-r (0640 or "
		    "0600, owned by the server's user)", "the keystore "
		    "(mode %04o) is readable by every user on the host",
		    s.store_mode);
	if (m->props != NULL)
		srv_settings(&s);
	findings_sort(m);
	*mp = m;
	m = NULL;
	rc = 0;
out:
	if (s.res_own)
		props_free(s.res);
	secret_free(s.storepass);
	secret_free(s.keypass);
	free(s.props_dir);
	free(s.base_dir);
	server_model_free(m);
	return (rc);
}

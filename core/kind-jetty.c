/* SPDX-License-Identifier: ISC */
/*
 * kind-jetty.c -- the Jetty kind (9.4 and later): what a jetty.base's
 * start.ini and start.d/NAME.ini configure, as Jetty's start.jar reads
 * them (docs/server-model.md, Jetty; docs/config-formats.md for the
 * files).
 *
 * Sources, lowest first: start.ini, start.d/NAME.ini in name order, the
 * running server's system properties (-D before the jar) and its
 * name=value arguments after start.jar.  The ssl module (also enabled by
 * https, http2 and ssl-reload) makes the TLS connector on jetty.ssl.port;
 * its SslContextFactory reads one keystore (jetty.sslContext.keyStorePath
 * below jetty.base, or keyStoreAbsolutePath) with keyStorePassword and
 * opens its keys with keyManagerPassword (Jetty's defaults "storepwd" and
 * "keypwd" when unset), and serves every key entry, chosen by the name the
 * client sends (SNI): an entry serves the DNS names of its certificate's
 * SAN (its CN when it has none).  Passwords may be in Jetty's OBF: form.
 * With the ssl-reload module Jetty reloads the keystore within
 * jetty.sslContext.reload.scanInterval seconds of a change.
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

#include "srvload.h"

#define JT_STOREPWD	"OBF:1vny1zlo1x8e1vnw1vn61x8g1zlu1vn4"	/* storepwd */
#define JT_KEYPWD	"OBF:1u2u1wml1z7s1z7a1wnl1u2g"		/* keypwd */
#define JT_KEYSTORE	"etc/keystore"
#define JT_SSL_PORT	8443
#define JT_HTTP_PORT	8080
#define JT_MAX_INI	256
#define JT_DEFAULTS	"/etc/default/jetty9"

#define JT_P(x)		"jetty.sslContext." x

/* Neutral names to Jetty's (key-alias: Jetty 9.4 has none). */
static const char *const jetty_names[][2] = {
	{ "port", "jetty.ssl.port" },
	{ "key-store", JT_P("keyStorePath") },
	{ "key-store-password", JT_P("keyStorePassword") },
	{ "key-store-type", JT_P("keyStoreType") },
	{ "key-alias", "" },
	{ "key-password", JT_P("keyManagerPassword") },
	{ NULL, NULL }
};

static const char *const jetty_places[] = {
	"/var/lib/jetty9", "/usr/share/jetty9", NULL
};

/* Names Jetty 9.4 still reads in place of the current ones. */
static const char *const jt_deprecated[][2] = {
	{ JT_P("keyStorePath"), "jetty.keystore" },
	{ JT_P("keyStorePassword"), "jetty.keystore.password" },
	{ JT_P("keyManagerPassword"), "jetty.keymanager.password" },
	{ JT_P("trustStorePath"), "jetty.truststore" },
	{ JT_P("trustStorePassword"), "jetty.truststore.password" },
	{ JT_P("needClientAuth"), "jetty.ssl.needClientAuth" },
	{ JT_P("wantClientAuth"), "jetty.ssl.wantClientAuth" },
	{ NULL, NULL }
};

/* The rows, in order: [0] name, [1] what its unset value means. */
static const char *const jt_rows[][2] = {
	{ "jetty.ssl.port", "default 8443" },
	{ "jetty.ssl.host", NULL },
	{ JT_P("keyStorePath"), "default etc/keystore" },
	{ JT_P("keyStoreAbsolutePath"), NULL },
	{ JT_P("keyStoreType"), "default JKS" },
	{ JT_P("keyStorePassword"), "default storepwd" },
	{ JT_P("keyManagerPassword"), "default keypwd" },
	{ JT_P("trustStorePath"), NULL },
	{ JT_P("trustStoreAbsolutePath"), NULL },
	{ JT_P("trustStoreType"), NULL },
	{ JT_P("trustStorePassword"), NULL },
	{ JT_P("needClientAuth"), NULL },
	{ JT_P("wantClientAuth"), NULL },
	{ JT_P("sniRequired"), NULL },
	{ "jetty.ssl.sniRequired", NULL },
	{ "jetty.ssl.sniHostCheck", NULL },
	{ JT_P("reload.scanInterval"), NULL },
	{ "jetty.http.port", NULL },
	{ NULL, NULL }
};

static const struct cfg_source *jt_home_file(const struct server_model *,
		    const char *);

/* ------------------------------------------------------------------ */
/* Detection */

/* qsort: strings. */
static int
jt_strcmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The start.d/NAME.ini files of base, sorted (malloc'd paths). */
static size_t
jt_start_d(const char *base, char ***list)
{
	DIR		*d;
	struct dirent	*de;
	char		*dir, *p;
	size_t		 n = 0, len;

	*list = NULL;
	dir = path_join(base, "start.d");
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return (0);
	}
	while ((de = readdir(d)) != NULL && n < JT_MAX_INI) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 ||
		    strcmp(de->d_name + len - 4, ".ini") != 0)
			continue;
		p = path_join(dir, de->d_name);
		if (path_is_dir(p)) {
			free(p);
			continue;
		}
		*list = xreallocarray(*list, n + 1, sizeof **list);
		(*list)[n++] = p;
	}
	closedir(d);
	free(dir);
	if (n > 1)
		if (n > 1)
			qsort(*list, n, sizeof **list, jt_strcmp);
	return (n);
}

static void
jt_list_free(char **list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static int
jetty_detect(const char *dir, char **file, char **why)
{
	char	*p, **list;
	size_t	 n;

	p = path_join(dir, "start.ini");
	if (path_exists(p) && !path_is_dir(p)) {
		*file = path_absolute(p);
		xasprintf(why, "%s holds start.ini (a Jetty jetty.base)", dir);
		free(p);
		return (1);
	}
	free(p);
	if ((n = jt_start_d(dir, &list)) == 0)
		return (0);
	*file = path_absolute(list[0]);
	xasprintf(why, "%s holds start.d/*.ini (a Jetty jetty.base)", dir);
	jt_list_free(list, n);
	return (1);
}

/* ------------------------------------------------------------------ */
/* Sources */

/* An ini file as a source (its label relative to the base). */
static struct cfg_source *
jt_ini_source(struct srvload *s, const char *path, int prec, char **cause)
{
	struct cfg_source	*src;
	struct inidoc		*d;
	char			*label;
	size_t			 n = strlen(s->m->base);

	if (inidoc_load(path, &d, cause) != 0)
		return (NULL);
	if (strncmp(path, s->m->base, n) == 0 && path[n] == '/')
		label = xstrdup(path + n + 1);
	else
		label = xstrdup(path);
	src = cfg_source_add(s->m, CFG_SRC_FILE, CFG_FMT_INI, path, label,
	    prec);
	free(label);
	src->ini = d;
	src->writable = true;
	return (src);
}

/* The running Jetty: -Djetty.base, "jetty.base=" after the jar, or its
 * working directory. */
static int
jt_find_proc(struct srvload *s)
{
	char	 want[PATH_MAX], got[PATH_MAX], *v;
	int	*pids, pid = 0;
	size_t	 n, i;

	if (realpath(s->m->base, want) == NULL)
		return (0);
	if ((pid = srv_proc_by_dir(s->proc, "jetty.base", s->m->base)) > 0)
		return (pid);
	n = srv_proc_java(s->proc, &pids);
	for (i = 0; i < n && pid == 0; i++) {
		/* its working directory, when it runs start.jar */
		if ((v = srv_proc_cwd(s->proc, pids[i])) != NULL &&
		    realpath(v, got) != NULL && strcmp(got, want) == 0)
			pid = pids[i];
		free(v);
	}
	free(pids);
	return (pid);
}

/* The process's name=value arguments after start.jar, and its modules
 * (--module=). */
static void
jt_proc_args(struct srvload *s)
{
	struct cfg_source	*src;
	const char		*a, *eq;
	char			*label, *k;
	size_t			 i;

	if (s->m->proc.pid <= 0 || !s->m->proc.cmdline_read)
		return;
	xasprintf(&label, "command line of pid %d", s->m->proc.pid);
	src = cfg_source_add(s->m, CFG_SRC_CMDLINE, CFG_FMT_NONE, NULL, label,
	    SRC_PREC_CMDLINE);
	free(label);
	src->pid = s->m->proc.pid;
	for (i = srv_proc_main(s) + 1; i < s->argc; i++) {
		a = s->argv[i];
		if (a[0] == '-' && strncmp(a, "--module=", 9) != 0 &&
		    strncmp(a, "--modules=", 10) != 0)
			continue;
		if ((eq = strchr(a, '=')) == NULL || eq == a)
			continue;
		k = xstrndup(a, (size_t)(eq - a));
		cfg_kv_add(src, k, eq + 1, NULL);
		free(k);
	}
}

/* ------------------------------------------------------------------ */
/* Values */

/* The raw value of name (deprecated names too): *hit says where. */
static const char *
jt_raw(struct srvload *s, const char *name, struct cfg_hit *hit)
{
	size_t	i;

	if (cfg_get(s->m, name, hit))
		return (hit->value);
	for (i = 0; jt_deprecated[i][0] != NULL; i++)
		if (strcmp(jt_deprecated[i][0], name) == 0 &&
		    cfg_get(s->m, jt_deprecated[i][1], hit))
			return (hit->value);
	return (NULL);
}

/* The value of name, ${...} expanded (malloc'd), or NULL. */
static char *
jt_value(struct srvload *s, const char *name, struct cfg_hit *hit)
{
	struct cfg_hit	 h;
	const char	*v;
	char		*out = NULL;

	if (hit == NULL)
		hit = &h;
	if ((v = jt_raw(s, name, hit)) == NULL)
		return (NULL);
	if (strstr(v, "${") == NULL || cfg_resolve(s->m, v, &out, NULL,
	    NULL) != 0) {
		free(out);
		return (xstrdup(v));
	}
	return (out);
}

/* The name a setting is written under (a deprecated one when that is
 * what the files use): malloc'd. */
static char *
jt_written(struct srvload *s, const char *name)
{
	struct cfg_hit	hit;

	if (jt_raw(s, name, &hit) != NULL)
		return (xstrdup(hit.key));
	return (xstrdup(name));
}

/* A password: OBF: decoded; *bad when the OBF: string is corrupt. */
static struct secret *
jt_password(struct srvload *s, const char *name, const char *dflt,
    struct key_material *mat, bool *set)
{
	struct secret	*sec = NULL;
	struct cfg_hit	 hit;
	const char	*f;
	char		*v, *c = NULL, *k, *fix;
	int		 l;

	v = jt_value(s, name, &hit);
	*set = v != NULL;
	if (v == NULL)
		v = xstrdup(dflt);
	else {
		k = xstrdup(hit.key);
		key_material_configured_by(mat, k);
		free(k);
	}
	if (obf_kind(v) != OBF_OBF) {
		sec = secret_from_str(v);
		OPENSSL_cleanse(v, strlen(v));
		free(v);
		return (sec);
	}
	if (obf_decode(v, &sec, &c) != 0) {
		srv_where(s, hit.key, &f, &l);
		xasprintf(&fix, "set %s again (tlsdeck configure --set-env "
		    "%s=VAR writes it in OBF: form)", hit.key, hit.key);
		audit_add(s->m, "jetty-obf-invalid", SEV_CRIT, f, l, NULL,
		    hit.key, fix, "%s: %s: Jetty fails to start", hit.key,
		    c)->material = mat;
		free(fix);
		free(c);
		sec = NULL;
	}
	OPENSSL_cleanse(v, strlen(v));
	free(v);
	return (sec);
}

/* Modules the files and the command line enable. */
static bool
jt_module(const struct server_model *m, const char *want)
{
	const struct cfg_source	*src;
	const char		**mods, *p, *e;
	size_t			 i, k, n;
	bool			 on = false;

	for (i = 0; i < m->nsources && !on; i++) {
		src = m->sources[i];
		if (src->ini != NULL) {
			n = inidoc_modules(src->ini, &mods);
			for (k = 0; k < n && !on; k++)
				on = strcmp(mods[k], want) == 0;
			free(mods);
		}
		for (k = 0; k < src->nkv && !on; k++) {
			if (strcmp(src->kv[k].key, "--module") != 0 &&
			    strcmp(src->kv[k].key, "--modules") != 0)
				continue;
			for (p = src->kv[k].value; *p != '\0' && !on; p = e) {
				e = p + strcspn(p, ",");
				on = (size_t)(e - p) == strlen(want) &&
				    strncmp(p, want, (size_t)(e - p)) == 0;
				if (*e == ',')
					e++;
			}
		}
	}
	return (on);
}

/* Does this Jetty join keyStorePath to jetty.base as text (9.4), so
 * that an absolute path is read below the base? */
static bool
jt_joins_paths(const struct server_model *m)
{
	unsigned char	*buf;
	char		*p;
	size_t		 len;
	bool		 joins = true;
	int		 i;

	for (i = 0; i < 2; i++) {
		p = path_join(i == 0 ? m->base : m->home,
		    "etc/jetty-ssl-context.xml");
		if (p != NULL && file_read(p, &buf, &len, NULL) == 0) {
			joins = strstr((char *)buf, "resolvePath") == NULL;
			free(buf);
			free(p);
			return (joins);
		}
		free(p);
		if (m->home == NULL)
			break;
	}
	return (joins);
}

/* Where a store is: the absolute property, else base/path (*path_set
 * when the relative one was set). */
static char *
jt_store_path(struct srvload *s, const char *abs, const char *rel,
    const char *dflt, bool *set, char **raw, char **how)
{
	char	*v, *p;

	*set = false;
	*how = NULL;
	if ((v = jt_value(s, abs, NULL)) != NULL) {
		*set = true;
		*raw = xstrdup(v);
		return (v);
	}
	if ((v = jt_value(s, rel, NULL)) != NULL)
		*set = true;
	else
		v = xstrdup(dflt);
	*raw = xstrdup(v);
	if (v[0] == '/' && jt_joins_paths(s->m)) {
		/* Jetty 9.4 writes jetty.base + "/" + the path */
		xasprintf(&p, "%s%s", s->m->base, v);
		xasprintf(how, "%s is joined to jetty.base as text by this "
		    "Jetty (an absolute path is read below the base)", rel);
	} else if (v[0] == '/')
		p = xstrdup(v);
	else {
		p = path_join(s->m->base, v);
		xasprintf(how, "relative to jetty.base (%s)", s->m->base);
	}
	free(v);
	return (p);
}

/* ------------------------------------------------------------------ */
/* The home: jetty.home of the process, else the base's own. */
static char *
jt_home(struct srvload *s)
{
	char	*v;

	if ((v = jt_value(s, "jetty.home", NULL)) != NULL && path_is_dir(v))
		return (v);
	free(v);
	v = path_join(s->m->base, "start.jar");
	if (path_exists(v)) {
		free(v);
		return (xstrdup(s->m->base));
	}
	free(v);
	if (path_is_dir("/usr/share/jetty9/modules"))
		return (xstrdup("/usr/share/jetty9"));
	return (NULL);
}

/* The version in the name of the home's lib/jetty-server-VERSION.jar. */
static char *
jt_version(const char *home)
{
	DIR		*d;
	struct dirent	*de;
	char		*lib, *v = NULL;
	size_t		 n;

	lib = path_join(home, "lib");
	if ((d = opendir(lib)) == NULL) {
		free(lib);
		return (NULL);
	}
	while ((de = readdir(d)) != NULL && v == NULL) {
		n = strlen(de->d_name);
		if (strncmp(de->d_name, "jetty-server-", 13) == 0 &&
		    n > 17 && isdigit((unsigned char)de->d_name[13]) &&
		    strcmp(de->d_name + n - 4, ".jar") == 0)
			v = xstrndup(de->d_name + 13, n - 17);
	}
	closedir(d);
	free(lib);
	return (v);
}

static void
jt_live(struct srvload *s)
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
	}
}

static int
jetty_load(struct srvload *s, char **cause)
{
	struct server_model	*m = s->m;
	struct key_material	*mat = m->served, *t;
	struct cfg_source	*src, *as;
	struct cfg_hit		 hit;
	char			**list, *p, *v, *raw, *how, *tpath, *traw;
	const char		*f;
	size_t			 n, i;
	bool			 set, tset, sreload;
	long			 iv;
	int			 pid, l;

	m->base = s->server_dir != NULL ? xstrdup(s->server_dir) :
	    xstrdup(s->main_dir);
	if (strcmp(path_basename(s->main_dir), "start.d") == 0) {
		free(m->base);
		m->base = path_dirname(s->main_dir);
	}
	free(s->label_root);
	s->label_root = xstrdup(m->base);
	p = path_join(m->base, "start.ini");
	if (path_exists(p) && (src = jt_ini_source(s, p, SRC_PREC_FILE,
	    cause)) == NULL) {
		free(p);
		return (-1);
	}
	free(p);
	n = jt_start_d(m->base, &list);
	for (i = 0; i < n; i++) {
		if (jt_ini_source(s, list[i], SRC_PREC_FILE + 1 + (int)i,
		    cause) == NULL) {
			jt_list_free(list, n);
			return (-1);
		}
	}
	jt_list_free(list, n);
	/* the main file: the one enabling TLS, else start.ini */
	if ((src = (struct cfg_source *)jt_home_file(m, "ssl")) != NULL &&
	    strcmp(src->path, m->properties) != 0) {
		free(m->properties);
		m->properties = xstrdup(src->path);
	}
	for (i = 0; i < m->nsources; i++)
		if (strcmp(m->sources[i]->path, m->properties) == 0)
			m->sources[i]->main = true;

	if (!(s->o->flags & SERVER_NO_LIVE) && (pid = jt_find_proc(s)) > 0) {
		srv_proc_read(s, pid);
		s->cwd = s->m->proc.cwd;
		(void)srv_proc_sysprops(s, SRC_PREC_SYSPROP);
		jt_proc_args(s);
	}
	as = cfg_source_add(m, CFG_SRC_ASSUMED, CFG_FMT_NONE, NULL,
	    "assumed by tlsdeck", SRC_PREC_ASSUMED);
	cfg_kv_add(as, "jetty.base", m->base, NULL);
	cfg_sources_sort(m);
	if ((m->home = jt_home(s)) != NULL) {
		cfg_kv_add(as, "jetty.home", m->home, NULL);
		m->version = jt_version(m->home);
	}

	m->ssl = jt_module(m, "ssl") || jt_module(m, "https") ||
	    jt_module(m, "http2") || jt_module(m, "ssl-reload");
	sreload = jt_module(m, "ssl-reload");
	m->port = m->ssl ? JT_SSL_PORT : JT_HTTP_PORT;
	if ((v = jt_value(s, m->ssl ? "jetty.ssl.port" : "jetty.http.port",
	    NULL)) != NULL) {
		m->port = atoi(v);
		if (m->port <= 0 || m->port > 65535)
			m->port = 0;
		free(v);
	}
	mat->keys.store = xstrdup(JT_P("keyStorePath"));
	mat->keys.storepass = xstrdup(JT_P("keyStorePassword"));
	mat->keys.type = xstrdup(JT_P("keyStoreType"));
	mat->keys.keypass = xstrdup(JT_P("keyManagerPassword"));
	if (!m->ssl) {
		jt_live(s);
		return (0);
	}

	/* The keystore: every key entry served, chosen by SNI. */
	mat->port = m->port;
	mat->by_sni = true;
	key_material_configured_by(mat, "--module=ssl");
	mat->path = jt_store_path(s, JT_P("keyStoreAbsolutePath"),
	    JT_P("keyStorePath"), JT_KEYSTORE, &set, &raw, &how);
	mat->raw = raw;
	mat->how = how;
	mat->where = KM_KEYSTORE;
	if (jt_raw(s, JT_P("keyStoreAbsolutePath"), &hit) != NULL) {
		free(mat->keys.store);
		mat->keys.store = xstrdup(JT_P("keyStoreAbsolutePath"));
		key_material_configured_by(mat, mat->keys.store);
	} else if (set) {
		free(mat->keys.store);
		mat->keys.store = jt_written(s, JT_P("keyStorePath"));
		key_material_configured_by(mat, mat->keys.store);
	}
	if (how != NULL && strstr(how, "as text") != NULL) {
		srv_where(s, mat->keys.store, &f, &l);
		audit_add(m, "jetty-keystore-path-absolute", SEV_CRIT, f, l,
		    NULL, mat->keys.store, "use jetty.sslContext."
		    "keyStoreAbsolutePath for an absolute path (tlsdeck "
		    "configure --set key-store=PATH does)", "%s is the "
		    "absolute path \"%s\", but this Jetty joins it to "
		    "jetty.base: it reads %s", mat->keys.store, raw,
		    mat->path)->material = mat;
	}
	mat->storepass = jt_password(s, JT_P("keyStorePassword"), JT_STOREPWD,
	    mat, &set);
	if (!set) {
		free(mat->keys.storepass);
		mat->keys.storepass = xstrdup(JT_P("keyStorePassword"));
	} else {
		free(mat->keys.storepass);
		mat->keys.storepass = jt_written(s, JT_P("keyStorePassword"));
	}
	mat->keypass = jt_password(s, JT_P("keyManagerPassword"), JT_KEYPWD,
	    mat, &set);
	free(mat->keys.keypass);
	mat->keys.keypass = jt_written(s, JT_P("keyManagerPassword"));
	if ((mat->declared_type = jt_value(s, JT_P("keyStoreType"), NULL)) !=
	    NULL)
		key_material_configured_by(mat, JT_P("keyStoreType"));
	if (sreload) {
		mat->reload_on_update = true;
		mat->quiet_period_ms = 1000;
		if ((v = jt_value(s, JT_P("reload.scanInterval"), NULL)) !=
		    NULL) {
			iv = strtol(v, NULL, 10);
			if (iv > 0 && iv < 86400)
				mat->quiet_period_ms = iv * 1000;
			free(v);
		}
		key_material_configured_by(mat, "--module=ssl-reload");
		xasprintf(&mat->reload_how, "Jetty's ssl-reload module: "
		    "automatic within %ld s of a change to the keystore",
		    mat->quiet_period_ms / 1000);
	}

	/* The trust store: the keystore unless set; Jetty 9.4 fails when
	 * its default etc/keystore does not exist. */
	tpath = jt_store_path(s, JT_P("trustStoreAbsolutePath"),
	    JT_P("trustStorePath"), JT_KEYSTORE, &tset, &traw, &how);
	free(how);
	if (!path_exists(tpath) && strcmp(tpath, mat->path) != 0) {
		if (tset)
			srv_where(s, jt_raw(s, JT_P("trustStorePath"), &hit) !=
			    NULL ? hit.key : JT_P("trustStoreAbsolutePath"),
			    &f, &l);
		else {
			f = m->properties;
			l = 0;
		}
		audit_add(m, "jetty-truststore-missing", SEV_CRIT, f, l, NULL,
		    JT_P("trustStorePath"), "point jetty.sslContext."
		    "trustStorePath at the keystore or a trust store (tlsdeck "
		    "configure --set jetty.sslContext.trustStorePath=PATH)",
		    "the trust store %s does not exist%s: Jetty fails to "
		    "start (\"%s is not a valid keystore\")", tpath, tset ? "" :
		    " (jetty.sslContext.trustStorePath is not set and "
		    "defaults to etc/keystore)", tpath)->material = mat;
	} else if (tset && strcmp(tpath, mat->path) != 0) {
		t = key_material_add(m, KM_ROLE_CLIENT_TRUST);
		t->port = m->port;
		t->where = KM_KEYSTORE;
		t->path = xstrdup(tpath);
		t->raw = xstrdup(traw);
		t->keys.store = jt_written(s, JT_P("trustStorePath"));
		t->keys.storepass = jt_written(s, JT_P("trustStorePassword"));
		t->keys.type = jt_written(s, JT_P("trustStoreType"));
		key_material_configured_by(t, t->keys.store);
		t->storepass = jt_password(s, JT_P("trustStorePassword"), "",
		    t, &set);
		if (!set) {
			secret_free(t->storepass);
			t->storepass = NULL;
		}
		t->declared_type = jt_value(s, JT_P("trustStoreType"), NULL);
		t->renewable = false;
		t->not_renewable = xstrdup("it holds trusted certificates "
		    "only");
	}
	free(tpath);
	free(traw);
	jt_live(s);
	return (0);
}

/* ------------------------------------------------------------------ */
/* After the keystore is open */

/* The names an entry serves: DNS and IP names of its SAN, else its
 * CN. */
static void
jt_entry_hosts(struct key_material *mat, struct ks_entry *e)
{
	struct km_entry_hosts	*h;
	const struct cert_info	*ci;
	const char		*cn, *end;
	size_t			 i;

	mat->entry_hosts = xreallocarray(mat->entry_hosts,
	    mat->nentry_hosts + 1, sizeof *mat->entry_hosts);
	h = &mat->entry_hosts[mat->nentry_hosts++];
	memset(h, 0, sizeof *h);
	h->entry = e;
	if (e->nchain == 0)
		return;
	ci = &e->chain[0]->info;
	for (i = 0; i < ci->nsan; i++) {
		if (strncmp(ci->san[i], "DNS:", 4) != 0 &&
		    strncmp(ci->san[i], "IP:", 3) != 0)
			continue;
		h->hosts = xreallocarray(h->hosts, h->nhosts + 1,
		    sizeof *h->hosts);
		h->hosts[h->nhosts++] = xstrdup(strchr(ci->san[i], ':') + 1);
	}
	if (h->nhosts == 0 && (cn = strstr(ci->subject, "CN=")) != NULL &&
	    (cn == ci->subject || cn[-1] == ' ')) {
		cn += 3;
		end = strstr(cn, ", ");
		h->hosts = xcalloc(1, sizeof *h->hosts);
		h->hosts[h->nhosts++] = end != NULL ? xstrndup(cn,
		    (size_t)(end - cn)) : xstrdup(cn);
	}
}

/* Every key entry: the names it serves, and its key must open with the
 * key manager password (Jetty's KeyManagerFactory opens them all). */
static void
jt_entries(struct srvload *s, struct key_material *mat)
{
	struct server_model	*m = s->m;
	struct ks_entry		*e;
	const struct secret	*kp;
	const char		*f;
	char			*c, *fix;
	size_t			 i, j, k;
	int			 l;
	bool			 dup;

	if (mat->ks == NULL)
		return;
	for (i = 0; i < mat->ks->nentries; i++) {
		e = mat->ks->entries[i];
		if (e->type != KS_ENTRY_KEY)
			continue;
		jt_entry_hosts(mat, e);
		for (j = 0; j < mat->entry_hosts[mat->nentry_hosts - 1].nhosts;
		    j++) {
			const char *hn =
			    mat->entry_hosts[mat->nentry_hosts - 1].hosts[j];

			dup = false;
			for (k = 0; k < mat->nhosts && !dup; k++)
				dup = strcasecmp(mat->hosts[k], hn) == 0;
			if (dup)
				continue;
			mat->hosts = xreallocarray(mat->hosts, mat->nhosts + 1,
			    sizeof *mat->hosts);
			mat->hosts[mat->nhosts++] = xstrdup(hn);
		}
		if (e == mat->key_entry || e->pkey != NULL ||
		    (!mat->opened && !mat->ks->passwordless))
			continue;
		kp = mat->keypass != NULL ? mat->keypass : mat->storepass;
		c = NULL;
		if (keystore_recover_key(mat->ks, e, kp, &c) != 0) {
			srv_where(s, mat->keys.keypass, &f, &l);
			xasprintf(&fix, "set %s to the password of every key "
			    "(with PKCS#12: the keystore password)",
			    mat->keys.keypass);
			audit_add(m, "key-password-wrong", SEV_CRIT, f, l,
			    e->alias, mat->keys.keypass, fix, "%s does not "
			    "open key \"%s\": Jetty fails to start (%s)",
			    mat->keys.keypass, e->alias, c)->material = mat;
			free(fix);
		}
		free(c);
	}
}

/* What Jetty does when keyManagerPassword is not set. */
static void
jt_keypass_messages(struct srvload *s, struct key_material *mat)
{
	struct server_model	*m = s->m;
	struct finding		*f;
	struct cfg_hit		 hit;
	size_t			 i;

	if (jt_raw(s, JT_P("keyManagerPassword"), &hit) != NULL)
		return;
	for (i = 0; i < m->nfindings; i++) {
		f = m->findings[i];
		if (f->material != mat ||
		    strcmp(f->code, "key-password-wrong") != 0)
			continue;
		free(f->message);
		xasprintf(&f->message, "jetty.sslContext.keyManagerPassword "
		    "is not set, so Jetty opens the keys with its default "
		    "password \"keypwd\", which does not open key \"%s\": "
		    "Jetty fails to start (\"Get Key failed\")",
		    f->alias != NULL ? f->alias : "?");
		free(f->fix);
		f->fix = xstrdup("set jetty.sslContext.keyManagerPassword "
		    "(for a PKCS#12 keystore, its password: tlsdeck configure "
		    "--set-env key-password=VAR)");
	}
}

/* A settings row for a property. */
static void
jt_row(struct srvload *s, const char *name, const char *unset_label,
    struct key_material *mat)
{
	struct server_model	*m = s->m;
	struct setting		*row;
	struct cfg_hit		 hit;
	struct finding		*f, *worst = NULL;
	const char		*raw;
	char			*v = NULL, *key;
	size_t			 i;
	bool			 secret;

	raw = jt_raw(s, name, &hit);
	if (raw == NULL && unset_label == NULL)
		return;
	key = raw != NULL ? xstrdup(hit.key) : xstrdup(name);
	secret = secret_key_name(key);
	if (raw != NULL && !secret)
		v = jt_value(s, name, NULL);
	row = setting_add(m, key, v, secret, raw != NULL ? hit.line : 0);
	free(v);
	row->material = mat;
	if (raw != NULL) {
		if (!secret)
			row->raw = xstrdup(raw);
		row->count = hit.count;
		row->source = cfg_hit_where(&hit);
		row->src = hit.src;
	}
	for (i = 0; i < m->nfindings; i++) {
		f = m->findings[i];
		if (f->key != NULL && (strcmp(f->key, key) == 0 ||
		    strcmp(f->key, name) == 0) && (worst == NULL ||
		    f->sev > worst->sev))
			worst = f;
	}
	if (worst != NULL && worst->sev > SEV_OK)
		setting_check(row, worst->sev, audit_code_label(worst->code));
	else if (raw == NULL)
		setting_check(row, SEV_OK, unset_label);
	else if (secret && obf_kind(raw) == OBF_OBF)
		setting_check(row, SEV_OK, "OBF form");
	else
		setting_check(row, SEV_OK, "set");
	free(key);
}

static void
jetty_finish(struct srvload *s)
{
	struct server_model	*m = s->m;
	struct key_material	*mat = m->served;
	struct setting		*row;
	size_t			 i;

	if (m->ssl) {
		jt_entries(s, mat);
		jt_keypass_messages(s, mat);
	}
	row = setting_add(m, "--module", m->ssl ? (jt_module(m, "ssl-reload") ?
	    "ssl, https, ssl-reload" : jt_module(m, "https") ? "ssl, https" :
	    "ssl") : "http", false, 0);
	setting_check(row, SEV_OK, m->ssl ? "HTTPS" : "HTTP");
	row->material = m->ssl ? mat : NULL;
	for (i = 0; jt_rows[i][0] != NULL; i++) {
		if (!m->ssl && strncmp(jt_rows[i][0], "jetty.http.", 11) != 0)
			continue;
		jt_row(s, jt_rows[i][0], jt_rows[i][1], strncmp(jt_rows[i][0],
		    "jetty.sslContext.trustStore", 27) == 0 ? NULL : m->ssl ?
		    mat : NULL);
	}
}

/* ------------------------------------------------------------------ */
/* JRE and restart */

static int
jetty_jre(struct srvload *s, char **home, char **how)
{
	unsigned char	*buf;
	char		*line, *save = NULL, *v = NULL, *e;
	size_t		 len;

	if (file_read(JT_DEFAULTS, &buf, &len, NULL) != 0)
		return (0);
	for (line = strtok_r((char *)buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (strncmp(line, "JAVA_HOME=", 10) != 0)
			continue;
		line += 10;
		if (*line == '"' || *line == '\'') {
			if ((e = strchr(line + 1, *line)) == NULL)
				continue;
			free(v);
			v = xstrndup(line + 1, (size_t)(e - line - 1));
		} else {
			free(v);
			v = xstrndup(line, strcspn(line, " \t#"));
		}
	}
	free(buf);
	if (v == NULL || *v == '\0') {
		free(v);
		return (0);
	}
	*home = v;
	xasprintf(how, "JAVA_HOME in %s", JT_DEFAULTS);
	return (1);
}

static void
jetty_restart(const struct server_model *m, const char *proc, char ***lines,
    size_t *n)
{
	char	*unit = NULL, *user = NULL, *s;

	if (m->base == NULL)
		return;
	if (m->proc.pid > 0)
		unit = srv_proc_unit(proc, m->proc.pid);
	if (unit == NULL)
		unit = srv_unit_naming(m->base, &user);
	free(user);
	if (unit != NULL)
		xasprintf(&s, "systemctl restart %s", unit);
	else if (m->proc.pid > 0)
		xasprintf(&s, "restart Jetty (jetty.base=%s): stop its java "
		    "process (pid %d) and start it again", m->base,
		    m->proc.pid);
	else
		xasprintf(&s, "restart Jetty (jetty.base=%s)", m->base);
	free(unit);
	*lines = xreallocarray(*lines, *n + 1, sizeof **lines);
	(*lines)[(*n)++] = s;
}

/* With ssl-reload, Jetty re-reads the keystore it was started with
 * within scanInterval of a change: no restart, but the same file and
 * settings (the material is renewed in place). */
static int
jetty_reload(const struct server_model *m, const struct key_material *mat,
    const struct srv_reload_opts *o, struct srv_reload *r, char **cause)
{
	if (!mat->reload_on_update)
		return (0);
	r->how = SRV_RELOAD_FILES;
	r->wait_ms = mat->quiet_period_ms + SRV_RELOAD_MARGIN_MS;
	r->in_place = true;
	xasprintf(&r->text, "none: %s (wait %ld.%01ld s)",
	    mat->reload_how != NULL ? mat->reload_how : "ssl-reload",
	    r->wait_ms / 1000, r->wait_ms % 1000 / 100);
	return (1);
}

/* ------------------------------------------------------------------ */
/* Writing the ini files */

/* The file a new property goes to: the one enabling ssl, else
 * start.ini, else the first. */
static const struct cfg_source *
jt_home_file(const struct server_model *m, const char *module)
{
	const struct cfg_source	*src, *best = NULL, *ini = NULL;
	const char		**mods;
	size_t			 i, k, n;

	for (i = 0; i < m->nsources; i++) {
		src = m->sources[i];
		if (src->ini == NULL)
			continue;
		if (strcmp(path_basename(src->path), "start.ini") == 0)
			ini = src;
		n = inidoc_modules(src->ini, &mods);
		for (k = 0; k < n && best == NULL; k++)
			if (strcmp(mods[k], module) == 0)
				best = src;
		free(mods);
	}
	if (best == NULL && module != NULL && strcmp(module, "ssl") == 0)
		for (i = 0; i < m->nsources && best == NULL; i++) {
			src = m->sources[i];
			if (src->ini == NULL)
				continue;
			n = inidoc_modules(src->ini, &mods);
			for (k = 0; k < n && best == NULL; k++)
				if (strcmp(mods[k], "https") == 0 ||
				    strcmp(mods[k], "http2") == 0)
					best = src;
			free(mods);
		}
	if (best != NULL)
		return (best);
	if (ini != NULL)
		return (ini);
	for (i = 0; i < m->nsources; i++)
		if (m->sources[i]->ini != NULL)
			return (m->sources[i]);
	return (NULL);
}

/* Where name is written now: its file source (NULL when unset); -1 when
 * a source that is no file wins. */
static int
jt_target(const struct server_model *m, const char *name,
    const struct cfg_source **src, const char **written, char **cause)
{
	struct cfg_hit	hit;
	char		*where;
	size_t		i;

	*src = NULL;
	*written = name;
	if (!cfg_get(m, name, &hit)) {
		for (i = 0; jt_deprecated[i][0] != NULL; i++)
			if (strcmp(jt_deprecated[i][0], name) == 0 &&
			    cfg_get(m, jt_deprecated[i][1], &hit))
				break;
		if (jt_deprecated[i][0] == NULL)
			return (0);
	}
	if (hit.src->type != CFG_SRC_FILE) {
		where = cfg_hit_where(&hit);
		cause_set(cause, "%s comes from the %s, which wins over every "
		    "file: change it there (tlsdeck edits files only)", name,
		    where);
		free(where);
		return (-1);
	}
	*src = hit.src;
	*written = hit.key;
	return (0);
}

static int
jetty_plan_set(const struct server_model *m, const struct step_prop *props,
    size_t n, struct step_conf_plan *plan, char **cause)
{
	const struct cfg_source	*src, *home;
	struct step_conf_file	*f;
	struct step_conf_edit	*e;
	const char		*nat, *w;
	char			*name, *v;
	size_t			 i;
	bool			 unset, enable = false;

	for (i = 0; i < n; i++) {
		if (strchr(props[i].key, '@') != NULL) {
			cause_set(cause, "%s: Jetty has one TLS configuration: "
			    "no @SCOPE", props[i].key);
			return (-1);
		}
		nat = server_kind_native(&server_kind_jetty, props[i].key);
		if (*nat == '\0') {
			cause_set(cause, "%s: Jetty has no key alias setting: "
			    "it serves every key entry of the keystore, "
			    "chosen by the name the client asks for (SNI)",
			    props[i].key);
			return (-1);
		}
		unset = props[i].value == NULL && props[i].secret == NULL;
		name = xstrdup(nat);
		/* an absolute keystore path: keyStoreAbsolutePath */
		if (strcmp(name, JT_P("keyStorePath")) == 0 && !unset &&
		    props[i].value[0] == '/') {
			free(name);
			name = xstrdup(JT_P("keyStoreAbsolutePath"));
		} else if (strcmp(name, JT_P("keyStorePath")) == 0 &&
		    cfg_value(m, JT_P("keyStoreAbsolutePath")) != NULL) {
			/* it would win over the new relative path */
			if (jt_target(m, JT_P("keyStoreAbsolutePath"), &src,
			    &w, cause) != 0) {
				free(name);
				return (-1);
			}
			if (src != NULL) {
				f = step_conf_file(plan, src->path,
				    CFG_FMT_INI);
				step_conf_add(f, SC_UNSET, 0, w, NULL, NULL);
				step_conf_note(plan, "%s goes: the new "
				    "relative keyStorePath takes its place", w);
			}
		}
		if (jt_target(m, name, &src, &w, cause) != 0) {
			free(name);
			return (-1);
		}
		if (src == NULL && unset) {
			free(name);
			continue;
		}
		if (src == NULL) {
			if ((home = jt_home_file(m, "ssl")) == NULL) {
				cause_set(cause, "%s: no ini file to write to",
				    m->base);
				free(name);
				return (-1);
			}
			src = home;
		}
		if (!src->writable) {
			cause_set(cause, "%s (nothing written)",
			    src->error != NULL ? src->error : src->path);
			free(name);
			return (-1);
		}
		f = step_conf_file(plan, src->path, CFG_FMT_INI);
		if (!m->ssl && !enable && !unset && strncmp(name,
		    "jetty.sslContext.", 17) == 0) {
			step_conf_add(f, SC_ADD_MODULE, 0, "ssl", NULL, NULL);
			step_conf_add(f, SC_ADD_MODULE, 0, "https", NULL,
			    NULL);
			step_conf_note(plan, "HTTPS on: the ssl and https "
			    "modules are enabled in %s", src->label);
			enable = true;
		}
		if (unset)
			e = step_conf_add(f, SC_UNSET, 0, w, NULL, NULL);
		else
			e = step_conf_add(f, SC_SET, 0, w, props[i].value,
			    props[i].secret);
		if (props[i].secret != NULL)
			e->obf = true;
		/* the trust store that was the keystore follows it */
		if (strcmp(name, JT_P("keyStorePath")) == 0 && !unset &&
		    (v = (char *)cfg_value(m, JT_P("trustStorePath"))) !=
		    NULL && cfg_value(m, JT_P("keyStorePath")) != NULL &&
		    strcmp(v, cfg_value(m, JT_P("keyStorePath"))) == 0 &&
		    jt_target(m, JT_P("trustStorePath"), &src, &w,
		    cause) == 0 && src != NULL) {
			f = step_conf_file(plan, src->path, CFG_FMT_INI);
			step_conf_add(f, SC_SET, 0, w, props[i].value, NULL);
			step_conf_note(plan, "%s follows: it named the "
			    "keystore", w);
		}
		free(name);
	}
	return (0);
}

const struct server_kind server_kind_jetty = {
	.name = "jetty",
	.title = "Jetty",
	.detect = jetty_detect,
	.load = jetty_load,
	.finish = jetty_finish,
	.names = jetty_names,
	.base_prop = "jetty.base",
	.places = jetty_places,
	.jre = jetty_jre,
	.restart = jetty_restart,
	.reload = jetty_reload,
	.plan_set = jetty_plan_set,
};

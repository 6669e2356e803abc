/* SPDX-License-Identifier: ISC */
/*
 * kind-spring.c -- the Spring Boot kind (Actian Integration Manager is
 * one): where Spring Boot takes its settings from and what its web
 * server loads (docs/server-model.md).
 *
 * Sources, lowest precedence first: the configuration files (for each
 * location: application.yaml, .yml, .properties; then the same for each
 * active profile), the environment (relaxed binding), Java system
 * properties, SPRING_APPLICATION_JSON, command-line arguments.  The
 * locations are the running server's working directory, its config/ and
 * config/ subdirectories (or spring.config.location), spring.config.additional-
 * location, and the file tlsdeck was pointed at.
 *
 * What the web server serves (Spring Boot's WebServerSslBundle):
 * server.ssl.bundle wins outright; else PEM (server.ssl.certificate and
 * server.ssl.certificate-private-key); else server.ssl.key-store.  SNI
 * certificates come from server.ssl.server-name-bundles; client trust
 * from the trust store or trust certificate (or the bundle's); Actian
 * Integration Manager adds encryption.* and queue.ssl.* key materials.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "srvload.h"

#define SPRING_MAX_SNI		256	/* server-name-bundles read */
#define SPRING_QUIET_MS		10000	/* watch.file.quiet-period default */

static const char *spring_exts[] = { "properties", "yml", "yaml" };

/* Placeholder findings listed one by one; past this many, one finding
 * counts the rest (a hostile file cannot make 100,000 of them). */
#define SPRING_LINE_FINDINGS	100

/* Neutral names to Spring's. */
static const char *const spring_names[][2] = {
	{ "port", "server.port" },
	{ "key-store", "server.ssl.key-store" },
	{ "key-store-password", "server.ssl.key-store-password" },
	{ "key-store-type", "server.ssl.key-store-type" },
	{ "key-alias", "server.ssl.key-alias" },
	{ "key-password", "server.ssl.key-password" },
	{ NULL, NULL }
};

/* One place Spring Boot looks for configuration files. */
struct sp_loc {
	char	*path;		/* absolute */
	bool	 dir;		/* a directory (else one file) */
};

struct sp_locs {
	struct sp_loc	*v;
	size_t		 n;
};

/* ------------------------------------------------------------------ */
/* Files */

static enum cfg_format
spring_format(const char *path)
{
	size_t	n = strlen(path);

	if ((n > 4 && strcmp(path + n - 4, ".yml") == 0) ||
	    (n > 5 && strcmp(path + n - 5, ".yaml") == 0))
		return (CFG_FMT_YAML);
	return (CFG_FMT_PROPERTIES);
}

static int
spring_detect(const char *dir, char **file, char **why)
{
	static const char	*subs[] = { "conf", "config", "" };
	char			*d, *p, *name;
	size_t			 i, j;

	for (i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		d = path_join(dir, subs[i]);
		for (j = 0; j < sizeof spring_exts / sizeof spring_exts[0];
		    j++) {
			xasprintf(&name, "application.%s", spring_exts[j]);
			p = path_join(d, name);
			free(name);
			if (path_exists(p) && !path_is_dir(p)) {
				*file = path_absolute(p);
				xasprintf(why, "%s holds %s", dir, *subs[i] !=
				    '\0' ? p + strlen(dir) + 1 : path_basename(p));
				free(p);
				free(d);
				return (1);
			}
			free(p);
		}
		free(d);
	}
	return (0);
}

/* The file source for path, if it is one already. */
static struct cfg_source *
spring_loaded(struct srvload *s, const char *path)
{
	size_t	i;

	for (i = 0; i < s->m->nsources; i++)
		if (s->m->sources[i]->path != NULL &&
		    strcmp(s->m->sources[i]->path, path) == 0)
			return (s->m->sources[i]);
	return (NULL);
}

/* Load one file (if it exists) as the next file source. */
static void
spring_file(struct srvload *s, const char *path, const char *profile)
{
	struct cfg_source	*src;
	char			*c = NULL;
	size_t			 i;

	if (!path_exists(path) || path_is_dir(path))
		return;
	if ((src = spring_loaded(s, path)) != NULL) {
		/* the main file, met again in its place: each document */
		for (i = 0; src->main && i < s->m->nsources; i++)
			if (s->m->sources[i]->path != NULL &&
			    strcmp(s->m->sources[i]->path, path) == 0)
				s->m->sources[i]->precedence = SRC_PREC_FILE +
				    s->nfiles++;
		return;
	}
	if (srv_file_source(s, path, spring_format(path), profile, &c) ==
	    NULL) {
		audit_add(s->m, "properties-malformed", SEV_CRIT, path, 0, NULL,
		    NULL, "fix the file, or remove it (the server would not "
		    "start)", "%s", c);
		free(c);
	}
}

/* The files of a location, for no profile or one profile. */
static void
spring_location_files(struct srvload *s, const struct sp_loc *l,
    const char *profile)
{
	const char	*dot, *base;
	char		*p, *name, *stem;
	int		 i;

	if (!l->dir) {
		if (profile == NULL) {
			spring_file(s, l->path, NULL);
			return;
		}
		base = path_basename(l->path);
		if ((dot = strrchr(base, '.')) == NULL)
			return;
		stem = xstrndup(l->path, (size_t)(dot - l->path));
		xasprintf(&p, "%s-%s%s", stem, profile, dot);
		spring_file(s, p, profile);
		free(p);
		free(stem);
		return;
	}
	/* .yaml, .yml, then .properties: later ones win. */
	for (i = 2; i >= 0; i--) {
		if (profile != NULL)
			xasprintf(&name, "application-%s.%s", profile,
			    spring_exts[i]);
		else
			xasprintf(&name, "application.%s", spring_exts[i]);
		p = path_join(l->path, name);
		spring_file(s, p, profile);
		free(p);
		free(name);
	}
}

/* ------------------------------------------------------------------ */
/* The running server's own sources */

/* Is argv[0] a java launcher? */
static bool
spring_is_java(const char *a0)
{
	return (strncmp(path_basename(a0), "java", 4) == 0);
}

/* Flatten a JSON value into key-value pairs of src. */
static void
spring_json_flatten(struct cfg_source *src, const char *prefix,
    json_t *v, int depth)
{
	const char	*k;
	json_t		*e;
	size_t		 i;
	char		*key, buf[64];

	if (depth > 32)
		return;
	if (json_is_object(v)) {
		json_object_foreach(v, k, e) {
			if (prefix != NULL)
				xasprintf(&key, "%s.%s", prefix, k);
			else
				key = xstrdup(k);
			spring_json_flatten(src, key, e, depth + 1);
			free(key);
		}
		return;
	}
	if (prefix == NULL)
		return;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e) {
			xasprintf(&key, "%s[%zu]", prefix, i);
			spring_json_flatten(src, key, e, depth + 1);
			free(key);
		}
		return;
	}
	if (json_is_string(v))
		cfg_kv_add(src, prefix, json_string_value(v), NULL);
	else if (json_is_integer(v)) {
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		cfg_kv_add(src, prefix, buf, NULL);
	} else if (json_is_real(v)) {
		snprintf(buf, sizeof buf, "%g", json_real_value(v));
		cfg_kv_add(src, prefix, buf, NULL);
	} else if (json_is_boolean(v))
		cfg_kv_add(src, prefix, json_is_true(v) ? "true" : "false",
		    NULL);
}

/* SPRING_APPLICATION_JSON (or spring.application.json). */
static void
spring_json(struct srvload *s, const char *text, const char *where)
{
	struct cfg_source	*src;
	json_t			*root;
	json_error_t		 err;
	char			*label;

	if ((root = json_loads(text, JSON_REJECT_DUPLICATES, &err)) == NULL ||
	    !json_is_object(root)) {
		audit_add(s->m, "spring-json-invalid", SEV_WARN, NULL, 0, NULL,
		    NULL, "correct the JSON (the server fails to start on "
		    "it)", "%s of pid %d is not a JSON object%s%s", where,
		    s->m->proc.pid, root == NULL ? ": " : "", root == NULL ?
		    err.text : "");
		json_decref(root);
		return;
	}
	xasprintf(&label, "%s of pid %d", where, s->m->proc.pid);
	src = cfg_source_add(s->m, CFG_SRC_JSON, CFG_FMT_NONE, NULL, label,
	    SRC_PREC_JSON);
	src->pid = s->m->proc.pid;
	free(label);
	spring_json_flatten(src, NULL, root, 0);
	json_decref(root);
}

/* The process's command line, system properties and environment. */
static void
spring_proc_sources(struct srvload *s)
{
	struct server_model	*m = s->m;
	struct cfg_source	*cmd = NULL, *sys = NULL, *env = NULL;
	const char		*a, *eq, *json = NULL, *json_where = NULL;
	char			*label, *k, *p;
	size_t			 i;
	int			 pid = m->proc.pid;

	{
		/* the JVM options' -Dk=v, up to the main class (proc.c) */
		sys = srv_proc_sysprops(s, SRC_PREC_SYSPROP);
		xasprintf(&label, "command line of pid %d", pid);
		cmd = cfg_source_add(m, CFG_SRC_CMDLINE, CFG_FMT_NONE, NULL,
		    label, SRC_PREC_CMDLINE);
		free(label);
		cmd->pid = pid;
		/* Spring Boot's --name=value arguments, after the main. */
		for (i = srv_proc_main(s) + 1; i < s->argc; i++) {
			a = s->argv[i];
			if (strncmp(a, "--", 2) != 0 || a[2] == '\0' ||
			    a[2] == '=')
				continue;
			if ((eq = strchr(a + 2, '=')) != NULL) {
				k = xstrndup(a + 2, (size_t)(eq - a - 2));
				cfg_kv_add(cmd, k, eq + 1, NULL);
				free(k);
			} else
				cfg_kv_add(cmd, a + 2, "", NULL);
		}
	}
	if (m->proc.environ_read) {
		xasprintf(&label, "environment of pid %d", pid);
		env = cfg_source_add(m, CFG_SRC_ENV, CFG_FMT_NONE, NULL, label,
		    SRC_PREC_ENV);
		env->pid = pid;
		free(label);
		for (i = 0; i < s->envc; i++) {
			if ((eq = strchr(s->envv[i], '=')) == NULL ||
			    eq == s->envv[i])
				continue;
			k = xstrndup(s->envv[i], (size_t)(eq - s->envv[i]));
			if (strcmp(k, "SPRING_APPLICATION_JSON") == 0) {
				json = eq + 1;
				json_where = "SPRING_APPLICATION_JSON";
			}
			/* as Spring maps it: lower-case, '_' -> '.' */
			for (p = k; *p != '\0'; p++)
				*p = *p == '_' ? '.' : (char)tolower(
				    (unsigned char)*p);
			{
				char	*name = xstrndup(s->envv[i],
					    (size_t)(eq - s->envv[i]));

				cfg_kv_add(env, k, eq + 1, name);
				free(name);
			}
			free(k);
		}
	}
	/* spring.application.json as a system property or argument */
	for (i = 0; sys != NULL && i < sys->nkv; i++)
		if (strcmp(sys->kv[i].canon, "spring.application.json") == 0) {
			json = sys->kv[i].value;
			json_where = "spring.application.json";
		}
	for (i = 0; cmd != NULL && i < cmd->nkv; i++)
		if (strcmp(cmd->kv[i].canon, "spring.application.json") == 0) {
			json = cmd->kv[i].value;
			json_where = "spring.application.json";
		}
	if (json != NULL)
		spring_json(s, json, json_where);
}

/* A value the process gives (not the files): malloc'd, or NULL. */
static char *
spring_proc_value(struct srvload *s, const char *key)
{
	struct cfg_hit	 hit;
	size_t		 i;

	for (i = 0; i < s->m->nsources; i++) {
		if (s->m->sources[i]->type == CFG_SRC_FILE)
			continue;
		if (cfg_source_get(s->m->sources[i], key, &hit))
			return (xstrndup(hit.value, hit.value_len));
	}
	return (NULL);
}

/* ------------------------------------------------------------------ */
/* Locations and profiles */

static void
spring_locs_add(struct sp_locs *ls, const char *path, bool dir)
{
	char	 a[PATH_MAX], b[PATH_MAX];
	size_t	 i;
	bool	 ra;

	ra = realpath(path, a) != NULL;
	for (i = 0; i < ls->n; i++) {
		if (strcmp(ls->v[i].path, path) == 0)
			return;
		if (ra && realpath(ls->v[i].path, b) != NULL &&
		    strcmp(a, b) == 0)
			return;
	}
	ls->v = xreallocarray(ls->v, ls->n + 1, sizeof *ls->v);
	ls->v[ls->n].path = xstrdup(path);
	ls->v[ls->n++].dir = dir;
}

static void
spring_locs_free(struct sp_locs *ls)
{
	size_t	i;

	for (i = 0; i < ls->n; i++)
		free(ls->v[i].path);
	free(ls->v);
}

/* qsort: strings. */
static int
spring_strcmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Every subdirectory of dir, in name order (a location ending in
 * "*" "/"). */
static void
spring_locs_glob(struct sp_locs *ls, const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL, *p;
	size_t		 n = 0, i;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && n < 64) {
		if (de->d_name[0] == '.')
			continue;
		p = path_join(dir, de->d_name);
		if (path_is_dir(p)) {
			names = xreallocarray(names, n + 1, sizeof *names);
			names[n++] = p;
		} else
			free(p);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, spring_strcmp);
	for (i = 0; i < n; i++) {
		spring_locs_add(ls, names[i], true);
		free(names[i]);
	}
	free(names);
}

/* spring.config.location syntax: "optional:file:./config/,..." */
static void
spring_locs_parse(struct srvload *s, struct sp_locs *ls, const char *v)
{
	const char	*cwd = s->cwd;
	char		*copy, *tok, *save = NULL, *p, *t;
	size_t		 n;
	bool		 dot;

	copy = xstrdup(v);
	for (tok = strtok_r(copy, ",;", &save); tok != NULL;
	    tok = strtok_r(NULL, ",;", &save)) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		n = strlen(tok);
		while (n > 0 && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
			tok[--n] = '\0';
		if (strncmp(tok, "optional:", 9) == 0)
			tok += 9;
		if (strncmp(tok, "file:", 5) == 0)
			tok += 5;
		dot = false;
		while (tok[0] == '.' && tok[1] == '/') {
			tok += 2;	/* ./config/: config/ of cwd */
			dot = true;
		}
		if ((*tok == '\0' && !dot) || strncmp(tok, "classpath", 9) == 0)
			continue;	/* inside the application */
		if (*tok != '/' && cwd == NULL)
			continue;	/* relative to a directory unknown */
		if (*tok == '\0')
			xasprintf(&p, "%s/", cwd);	/* "./" */
		else
			p = *tok == '/' ? xstrdup(tok) : path_join(cwd, tok);
		n = strlen(p);
		if (n >= 2 && strcmp(p + n - 2, "*/") == 0) {
			t = xstrndup(p, n - 2);
			spring_locs_glob(ls, t);
			free(t);
		} else
			spring_locs_add(ls, p, n > 0 && p[n - 1] == '/');
		free(p);
	}
	free(copy);
}

/* Add the profiles of a comma-separated list, each once. */
static void
spring_profiles_add(struct server_model *m, const char *v)
{
	char	*copy, *tok, *save = NULL;
	size_t	 i, n;
	bool	 dup;

	copy = xstrdup(v);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		n = strlen(tok);
		while (n > 0 && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
			tok[--n] = '\0';
		if (*tok == '\0' || strchr(tok, '/') != NULL)
			continue;
		dup = false;
		for (i = 0; i < m->nprofiles && !dup; i++)
			dup = strcmp(m->profiles[i], tok) == 0;
		if (dup)
			continue;
		m->profiles = xreallocarray(m->profiles, m->nprofiles + 1,
		    sizeof *m->profiles);
		m->profiles[m->nprofiles++] = xstrdup(tok);
	}
	free(copy);
}

/* Is profile p active? */
static bool
spring_profile_on(const struct server_model *m, const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < m->nprofiles; i++)
		if (strlen(m->profiles[i]) == n &&
		    strncmp(m->profiles[i], p, n) == 0)
			return (true);
	return (false);
}

/*
 * A profile expression as spring.config.activate.on-profile takes it:
 * names, "!", "&", "|", parentheses; a comma-separated list matches when
 * one of its expressions does.  *p advances; *bad on a syntax error.
 */
static bool	spring_pexpr(const struct server_model *, const char **, bool *,
		    int);

static void
spring_pskip(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

static bool
spring_pfactor(const struct server_model *m, const char **p, bool *bad,
    int depth)
{
	const char	*b;
	bool		 v;

	spring_pskip(p);
	if (**p == '!') {
		(*p)++;
		return (!spring_pfactor(m, p, bad, depth + 1));
	}
	if (**p == '(') {
		(*p)++;
		v = spring_pexpr(m, p, bad, depth + 1);
		spring_pskip(p);
		if (**p != ')')
			*bad = true;
		else
			(*p)++;
		return (v);
	}
	b = *p;
	while (**p != '\0' && strchr("!&|(), \t", **p) == NULL)
		(*p)++;
	if (*p == b) {
		*bad = true;
		return (false);
	}
	return (spring_profile_on(m, b, (size_t)(*p - b)));
}

static bool
spring_pexpr(const struct server_model *m, const char **p, bool *bad,
    int depth)
{
	bool	v, w;
	char	op;

	if (depth > 32) {
		*bad = true;
		return (false);
	}
	v = spring_pfactor(m, p, bad, depth);
	for (;;) {
		spring_pskip(p);
		if (**p != '&' && **p != '|')
			return (v);
		op = **p;
		(*p)++;
		w = spring_pfactor(m, p, bad, depth);
		v = op == '&' ? v && w : v || w;
	}
}

static bool
spring_profile_match(const struct server_model *m, const char *expr)
{
	const char	*p = expr;
	bool		 bad = false, any = false;

	for (;;) {
		if (spring_pexpr(m, &p, &bad, 0))
			any = true;
		spring_pskip(&p);
		if (*p != ',')
			break;
		p++;
	}
	return (any && !bad && *p == '\0');
}

/* The YAML documents of inactive profiles leave; the others count. */
static void
spring_activate(struct srvload *s)
{
	struct server_model	*m = s->m;
	struct cfg_source	*src;
	size_t			 i;

	for (i = 0; i < m->nsources;) {
		src = m->sources[i];
		if (!src->pending) {
			i++;
			continue;
		}
		if (spring_profile_match(m, src->on_profile)) {
			src->pending = false;
			i++;
		} else
			cfg_source_remove(m, src);
	}
}

/* Every file Spring Boot reads, with its precedence. */
static void
spring_files(struct srvload *s)
{
	struct server_model	*m = s->m;
	struct sp_locs		 ls;
	const char		*cwd = s->cwd;
	char			*v, *p;
	size_t			 i, j;

	memset(&ls, 0, sizeof ls);
	if ((v = spring_proc_value(s, "spring.config.location")) != NULL)
		spring_locs_parse(s, &ls, v);
	else if (cwd != NULL) {
		spring_locs_add(&ls, cwd, true);
		p = path_join(cwd, "config");
		spring_locs_add(&ls, p, true);
		spring_locs_glob(&ls, p);
		free(p);
	}
	free(v);
	if ((v = spring_proc_value(s, "spring.config.additional-location")) !=
	    NULL)
		spring_locs_parse(s, &ls, v);
	free(v);
	/* The file tlsdeck was pointed at: its directory is a location
	 * when it is an application.* file, else the file itself. */
	if (strncmp(path_basename(m->properties), "application.", 12) == 0)
		spring_locs_add(&ls, s->main_dir, true);
	else
		spring_locs_add(&ls, m->properties, false);

	s->nfiles = 0;
	for (i = 0; i < ls.n; i++)
		spring_location_files(s, &ls.v[i], NULL);
	cfg_sources_sort(m);
	/* The active profiles: from the process or the plain files. */
	if ((v = srv_value(s, "spring.profiles.include", NULL)) != NULL)
		spring_profiles_add(m, v);
	free(v);
	if ((v = srv_value(s, "spring.profiles.active", NULL)) != NULL)
		spring_profiles_add(m, v);
	free(v);
	if (m->nprofiles == 0)
		spring_profiles_add(m, "default");
	for (j = 0; j < m->nprofiles; j++)
		for (i = 0; i < ls.n; i++)
			spring_location_files(s, &ls.v[i], m->profiles[j]);
	cfg_sources_sort(m);
	spring_activate(s);
	spring_locs_free(&ls);
}

/* ------------------------------------------------------------------ */
/* Placeholders and the IM directories */

/* Keys whose problems stop HTTPS (they have settings rows). */
static bool
spring_relevant(const char *canon)
{
	return (strncmp(canon, "server.ssl.", 11) == 0 ||
	    strncmp(canon, "spring.ssl.", 11) == 0 ||
	    strncmp(canon, "encryption.", 11) == 0 ||
	    strncmp(canon, "queue.ssl.", 10) == 0 ||
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
spring_placeholders(struct srvload *s)
{
	struct server_model	*m = s->m;
	const struct cfg_source	*src;
	const char		*more_file = NULL;
	struct cfg_hit		 h;
	char			*out, *c, *msg, *canon;
	size_t			 i, k, found = 0, more = 0;
	enum sev		 more_sev = SEV_WARN;
	int			 more_line = 0;
	bool			 unres, rel, bad;

	for (k = 0; k < m->nsources; k++) {
		src = m->sources[k];
		if (src->type != CFG_SRC_FILE)
			continue;
		for (i = 0; i < cfg_source_count(src); i++) {
			cfg_source_entry(src, i, &h);
			if (memchr(h.value, '$', h.value_len) == NULL ||
			    strstr(h.value, "${") == NULL)
				continue;
			canon = props_canon_key(h.key);
			rel = spring_relevant(canon);
			free(canon);
			c = out = NULL;
			bad = cfg_resolve(m, h.value, &out, &unres, &c) != 0;
			if (!bad && !(unres && rel)) {
				free(out);
				continue;
			}
			if (++found > SPRING_LINE_FINDINGS) {
				/* counted, not listed: see below */
				if (more++ == 0) {
					more_file = src->path;
					more_line = h.line;
				}
				if (bad && rel)
					more_sev = SEV_CRIT;
				free(out);
				free(c);
				continue;
			}
			if (bad) {
				msg = c;
				if (c != NULL && strncmp(c, "(properties): ",
				    14) == 0)
					msg = c + 14;
				audit_add(m, "placeholder-cycle", rel ?
				    SEV_CRIT : SEV_WARN, src->path, h.line,
				    NULL, rel ? h.key : NULL, "break the loop: "
				    "give one of the names a plain value",
				    "%s: %s (the server fails to start)", h.key,
				    msg != NULL ? msg : "placeholder cannot be "
				    "resolved");
			} else if (secret_key_name(h.key))
				audit_add(m, "placeholder-unresolved",
				    SEV_WARN, src->path, h.line, NULL, h.key,
				    "define the name in the file (or the "
				    "environment), or write the value", "%s: a "
				    "placeholder is defined neither in the "
				    "file nor in the environment, and Spring "
				    "keeps it as written", h.key);
			else
				audit_add(m, "placeholder-unresolved",
				    SEV_WARN, src->path, h.line, NULL, h.key,
				    "define the name in the file (or the "
				    "environment), or write the value", "%s = "
				    "\"%s\": a placeholder is defined neither "
				    "in the file nor in the environment, and "
				    "Spring keeps it as written", h.key, out);
			free(out);
			free(c);
		}
	}
	if (more > 0)
		audit_add(m, "placeholder-cycle", more_sev, more_file,
		    more_line, NULL, NULL, "define or untangle the names",
		    "%zu more values hold placeholders that loop or that "
		    "nothing defines (the first of them on line %d)", more,
		    more_line);
}

/*
 * When the files use ${sharedDataPath} without defining it (the
 * launcher may pass -DsharedDataPath), assume the directory above conf/
 * (or --server DIR), and say so.
 */
static void
spring_assume_shared(struct srvload *s)
{
	struct server_model	*m = s->m;
	const struct cfg_source	*src;
	struct cfg_source	*as;
	struct cfg_hit		 h;
	char			*guess = NULL;
	size_t			 i, k;
	bool			 uses = false;

	for (k = 0; k < m->nsources && !uses; k++) {
		src = m->sources[k];
		if (src->type != CFG_SRC_FILE)
			continue;
		for (i = 0; i < cfg_source_count(src) && !uses; i++) {
			cfg_source_entry(src, i, &h);
			uses = strstr(h.value, "${sharedDataPath") != NULL;
		}
	}
	if (!uses || cfg_get(m, "sharedDataPath", &h))
		return;
	if (s->cwd == NULL && (getenv("sharedDataPath") != NULL ||
	    getenv("SHAREDDATAPATH") != NULL))
		return;
	if (s->o->server != NULL)
		guess = path_absolute(s->o->server);
	else if (strcmp(path_basename(s->main_dir), "conf") == 0)
		guess = xstrdup(s->base_dir);
	if (guess == NULL)
		return;
	as = cfg_source_add(m, CFG_SRC_ASSUMED, CFG_FMT_NONE, NULL,
	    "assumed by tlsdeck", SRC_PREC_ASSUMED);
	cfg_kv_add(as, "sharedDataPath", guess, NULL);
	cfg_sources_sort(m);
	audit_add(m, "shared-data-path-assumed", SEV_INFO, m->properties, 0,
	    NULL, "sharedDataPath", "define sharedDataPath in the file if the "
	    "server does not get it from its start script", "${sharedDataPath} "
	    "is used but not defined here; taken as %s (the directory above "
	    "conf/)", guess);
	free(guess);
}

/* Port, paths and the base URL. */
static void
spring_basics(struct srvload *s)
{
	struct server_model	*m = s->m;
	const char		*f;
	char			*v, *end;
	long			 port;
	int			 line;

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
	m->base_url = srv_value(s, "im.base-url", NULL);
	m->port = SERVER_DEFAULT_PORT;
	if ((v = srv_value(s, "server.port", NULL)) != NULL) {
		errno = 0;
		port = strtol(v, &end, 10);
		while (*end == ' ' || *end == '\t')
			end++;
		if (end == v || *end != '\0' || errno != 0 || port < -1 ||
		    port > 65535) {
			srv_where(s, "server.port", &f, &line);
			audit_add(m, "port-invalid", SEV_CRIT, f, line, NULL,
			    "server.port", "set server.port to a number (443 "
			    "for HTTPS)", "server.port \"%s\" is not a port "
			    "number: the server will not start", v);
			m->port = 0;
		} else
			m->port = (int)port;
		free(v);
	}
}

/* ------------------------------------------------------------------ */
/* Key materials */

/* Decode %XX in a file: URL path (in place). */
static void
spring_url_decode(char *p)
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
 * Where a resource location points (file:, plain path, classpath:):
 * *out the file, 1; 0 for classpath: (inside the application: the
 * material becomes KM_CLASSPATH, read-only, with a finding).  Relative
 * paths resolve against the server's working directory, when it runs;
 * else against the directory above the file tlsdeck was pointed at, then
 * tlsdeck's own.
 */
static int
spring_location(struct srvload *s, struct key_material *mat, const char *key,
    const char *v, char **out)
{
	struct server_model	*m = s->m;
	const char		*f;
	char			*p, *a, *b, cwd[PATH_MAX], *fix;
	int			 line;

	*out = NULL;
	srv_where(s, key, &f, &line);
	if (strncmp(v, "classpath:", 10) == 0 ||
	    strncmp(v, "classpath*:", 11) == 0) {
		mat->where = KM_CLASSPATH;
		free(mat->how);
		mat->how = xstrdup("classpath: a resource inside the "
		    "application's jar");
		xasprintf(&fix, "put the keystore in a file and point %s at "
		    "it (e.g. ${sharedDataPath}/conf/ssl/keystore.p12)", key);
		audit_add(m, "keystore-classpath", SEV_WARN, f, line, NULL,
		    key, fix, "the keystore is %s: inside the application, "
		    "where tlsdeck cannot check or renew it", v)->material =
		    mat;
		free(fix);
		return (0);
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
		spring_url_decode(p);
		free(mat->how);
		mat->how = xstrdup("file: URL");
	} else
		p = xstrdup(v);
	if (p[0] == '/') {
		*out = p;
		return (1);
	}

	/* Relative: the server resolves it against its working directory. */
	free(mat->how);
	mat->how = NULL;
	if (s->cwd != NULL) {
		*out = path_join(s->cwd, p);
		xasprintf(&mat->how, "relative path, resolved against the "
		    "server's working directory (%s)", s->cwd);
	} else {
		a = path_join(s->base_dir, p);
		b = getcwd(cwd, sizeof cwd) != NULL ? path_join(cwd, p) : NULL;
		if (path_exists(a)) {
			*out = a;
			a = NULL;
			xasprintf(&mat->how, "relative path, found against "
			    "the directory above the properties (%s)",
			    s->base_dir);
		} else if (b != NULL && path_exists(b)) {
			*out = b;
			b = NULL;
			xasprintf(&mat->how, "relative path, found against "
			    "the current directory (%s)", cwd);
		} else {
			*out = a;
			a = NULL;
			xasprintf(&mat->how, "relative path, not found "
			    "against the directory above the properties nor "
			    "the current directory");
		}
		free(a);
		free(b);
	}
	audit_add(m, "keystore-path-relative", SEV_WARN, f, line, NULL, key,
	    "write an absolute path (or ${sharedDataPath}/...)", "%s is the "
	    "relative path \"%s\": the server resolves it against its own "
	    "working directory; %s", key, p, mat->how)->material = mat;
	free(p);
	return (1);
}

/* The resolved location of key for mat: *out malloc'd; false when unset
 * or unusable (with a finding, and ks_error). */
static bool
spring_loc_value(struct srvload *s, struct key_material *mat,
    const char *key, char **out)
{
	struct cfg_hit	 hit;
	const char	*f;
	char		*v, *fix;
	int		 line;

	*out = NULL;
	if (!cfg_get(s->m, key, &hit))
		return (false);
	key_material_configured_by(mat, key);
	srv_where(s, key, &f, &line);
	if (memchr(hit.value, '\0', hit.value_len) != NULL) {
		/* a \u0000 escape: C (and the OS) would cut the path there */
		if (mat->raw == NULL)
			mat->raw = xstrdup(hit.value);
		xasprintf(&mat->ks_error, "%s holds a NUL character (\\u0000)",
		    key);
		xasprintf(&fix, "remove the \\u0000 escape from %s", key);
		audit_add(s->m, "keystore-missing", SEV_CRIT, f, line, NULL,
		    key, fix, "%s holds a NUL character (\\u0000): no file has "
		    "that name", key)->material = mat;
		free(fix);
		return (false);
	}
	if (srv_resolve_strict(s, hit.value, &v) != 0) {
		/* placeholder-cycle or -unresolved says why */
		if (mat->path == NULL)
			mat->path = v != NULL ? v : xstrdup(hit.value);
		else
			free(v);
		xasprintf(&mat->ks_error, "%s \"%s\" cannot be resolved", key,
		    hit.value);
		return (false);
	}
	if (*v == '\0') {
		xasprintf(&fix, "set %s to the keystore file", key);
		audit_add(s->m, "keystore-missing", SEV_CRIT, f, line, NULL,
		    key, fix, "%s is empty", key)->material = mat;
		free(fix);
		free(v);
		return (false);
	}
	*out = v;
	return (true);
}

/* The material's settings: names kept, passwords read as secrets. */
static void
spring_keys(struct srvload *s, struct key_material *mat, const char *store,
    const char *storepass, const char *type, const char *alias,
    const char *keypass)
{
	struct cfg_hit	 hit;

	mat->keys.store = store != NULL ? xstrdup(store) : NULL;
	mat->keys.storepass = storepass != NULL ? xstrdup(storepass) : NULL;
	mat->keys.type = type != NULL ? xstrdup(type) : NULL;
	mat->keys.alias = alias != NULL ? xstrdup(alias) : NULL;
	mat->keys.keypass = keypass != NULL ? xstrdup(keypass) : NULL;
	if (storepass != NULL && (mat->storepass = srv_secret(s, storepass,
	    &hit)) != NULL)
		key_material_configured_by(mat, storepass);
	if (keypass != NULL && (mat->keypass = srv_secret(s, keypass,
	    &hit)) != NULL)
		key_material_configured_by(mat, keypass);
	if (type != NULL && (mat->declared_type = srv_value(s, type, NULL)) !=
	    NULL)
		key_material_configured_by(mat, type);
	if (alias != NULL && (mat->alias = srv_value(s, alias, NULL)) != NULL)
		key_material_configured_by(mat, alias);
}

/* A keystore file material. */
static void
spring_ks_material(struct srvload *s, struct key_material *mat,
    const char *store, const char *storepass, const char *type,
    const char *alias, const char *keypass)
{
	struct cfg_hit	 hit;
	char		*v;

	if (cfg_get(s->m, store, &hit)) {
		key_material_configured_by(mat, store);
		if (mat->raw == NULL)
			mat->raw = xstrndup(hit.value, hit.value_len);
	}
	spring_keys(s, mat, store, storepass, type, alias, keypass);
	if (!spring_loc_value(s, mat, store, &v))
		return;
	if (spring_location(s, mat, store, v, &mat->path) == 1)
		mat->where = KM_KEYSTORE;
	else
		mat->path = xstrdup(v);
	free(v);
}

/* A PEM material: certificate (chain) and private key, files or text. */
static void
spring_pem_material(struct srvload *s, struct key_material *mat,
    const char *cert, const char *key, const char *keypass,
    const char *alias, const char *type)
{
	struct cfg_hit	 hit;
	char		*v, *p;

	if (cfg_get(s->m, cert, &hit))
		key_material_configured_by(mat, cert);
	if (key != NULL && cfg_get(s->m, key, &hit))
		key_material_configured_by(mat, key);
	spring_keys(s, mat, NULL, NULL, type, alias, keypass);
	mat->keys.cert = xstrdup(cert);
	mat->keys.key = key != NULL ? xstrdup(key) : NULL;
	mat->where = KM_PEM;
	if (cfg_get(s->m, cert, &hit) &&
	    strstr(hit.value, "-----BEGIN") != NULL) {
		key_material_configured_by(mat, cert);
		mat->inline_cert = xstrndup(hit.value, hit.value_len);
		mat->where = KM_PEM_INLINE;
		mat->raw = xstrdup("(PEM text)");
	} else if (spring_loc_value(s, mat, cert, &v)) {
		mat->raw = xstrdup(hit.value);
		if (spring_location(s, mat, cert, v, &p) == 1) {
			mat->cert_path = p;
			mat->path = xstrdup(p);
		} else {
			mat->where = KM_CLASSPATH;
			mat->path = xstrdup(v);
		}
		free(v);
	} else {
		mat->where = KM_NONE;
		return;
	}
	if (key == NULL || !cfg_get(s->m, key, &hit))
		return;
	if (strstr(hit.value, "-----BEGIN") != NULL) {
		key_material_configured_by(mat, key);
		mat->inline_key = secret_new(hit.value, hit.value_len);
	} else if (spring_loc_value(s, mat, key, &v)) {
		if (spring_location(s, mat, key, v, &p) == 1)
			mat->key_path = p;
		else
			mat->where = KM_CLASSPATH;
		free(v);
	}
}

/* A Spring duration ("10s", "500ms", "1m", plain milliseconds). */
static long
spring_duration_ms(const char *v)
{
	char	*end;
	long	 n;

	n = strtol(v, &end, 10);
	if (end == v || n < 0)
		return (-1);
	if (*end == '\0' || strcmp(end, "ms") == 0)
		return (n);
	if (strcmp(end, "s") == 0)
		return (n * 1000);
	if (strcmp(end, "m") == 0)
		return (n * 60000);
	return (-1);
}

/* Is key set, and true? */
static bool
spring_true(struct srvload *s, const char *key)
{
	char	*v;
	bool	 t;

	if ((v = srv_value(s, key, NULL)) == NULL)
		return (false);
	t = strcasecmp(v, "true") == 0;
	free(v);
	return (t);
}

/* Is key set at all (any source)? */
static bool
spring_set(struct srvload *s, const char *key)
{
	struct cfg_hit	hit;

	return (cfg_get(s->m, key, &hit) != 0);
}

/* The trust material of a bundle (its truststore), if it has one. */
static void
spring_bundle_trust(struct srvload *s, const char *name)
{
	struct key_material	*t;
	char			*k[4];

	xasprintf(&k[0], "spring.ssl.bundle.jks.%s.truststore.location", name);
	xasprintf(&k[1], "spring.ssl.bundle.pem.%s.truststore.certificate",
	    name);
	if (spring_set(s, k[0])) {
		t = key_material_add(s->m, KM_ROLE_CLIENT_TRUST);
		t->name = xstrdup(name);
		xasprintf(&k[2], "spring.ssl.bundle.jks.%s.truststore.password",
		    name);
		xasprintf(&k[3], "spring.ssl.bundle.jks.%s.truststore.type",
		    name);
		spring_ks_material(s, t, k[0], k[2], k[3], NULL, NULL);
		free(k[2]);
		free(k[3]);
	} else if (spring_set(s, k[1])) {
		t = key_material_add(s->m, KM_ROLE_CLIENT_TRUST);
		t->name = xstrdup(name);
		spring_pem_material(s, t, k[1], NULL, NULL, NULL, NULL);
	}
	free(k[0]);
	free(k[1]);
}

/* An SSL bundle by name: false when no bundle of that name exists. */
static bool
spring_bundle(struct srvload *s, struct key_material *mat, const char *name,
    const char *via)
{
	char	*p, *k[6], *v;
	bool	 found = true;
	long	 ms;

	key_material_configured_by(mat, via);
	xasprintf(&p, "spring.ssl.bundle.jks.%s.keystore.location", name);
	if (spring_set(s, p)) {
		xasprintf(&k[0], "spring.ssl.bundle.jks.%s.keystore.password",
		    name);
		xasprintf(&k[1], "spring.ssl.bundle.jks.%s.keystore.type",
		    name);
		xasprintf(&k[2], "spring.ssl.bundle.jks.%s.key.alias", name);
		xasprintf(&k[3], "spring.ssl.bundle.jks.%s.key.password",
		    name);
		spring_ks_material(s, mat, p, k[0], k[1], k[2], k[3]);
		xasprintf(&k[4], "spring.ssl.bundle.jks.%s.reload-on-update",
		    name);
		free(k[0]);
		free(k[1]);
		free(k[2]);
		free(k[3]);
	} else {
		free(p);
		xasprintf(&p, "spring.ssl.bundle.pem.%s.keystore.certificate",
		    name);
		if (!spring_set(s, p)) {
			free(p);
			return (false);
		}
		xasprintf(&k[0], "spring.ssl.bundle.pem.%s.keystore."
		    "private-key", name);
		xasprintf(&k[1], "spring.ssl.bundle.pem.%s.keystore."
		    "private-key-password", name);
		xasprintf(&k[2], "spring.ssl.bundle.pem.%s.key.alias", name);
		xasprintf(&k[3], "spring.ssl.bundle.pem.%s.keystore.type",
		    name);
		spring_pem_material(s, mat, p, k[0], k[1], k[2], k[3]);
		xasprintf(&k[4], "spring.ssl.bundle.pem.%s.reload-on-update",
		    name);
		free(k[0]);
		free(k[1]);
		free(k[2]);
		free(k[3]);
	}
	free(p);
	free(mat->name);
	mat->name = xstrdup(name);
	if (spring_true(s, k[4])) {
		mat->reload_on_update = true;
		key_material_configured_by(mat, k[4]);
		mat->quiet_period_ms = SPRING_QUIET_MS;
		if ((v = srv_value(s, "spring.ssl.bundle.watch.file."
		    "quiet-period", NULL)) != NULL) {
			if ((ms = spring_duration_ms(v)) >= 0)
				mat->quiet_period_ms = ms;
			free(v);
		}
	}
	free(k[4]);
	spring_bundle_trust(s, name);
	return (found);
}

/* A setting the server ignores because another wins. */
static void
spring_ignored(struct srvload *s, const char *key, const char *why)
{
	struct cfg_hit	 hit;
	const char	*f;
	int		 line;
	char		*fix;

	if (!cfg_get(s->m, key, &hit))
		return;
	srv_where(s, key, &f, &line);
	xasprintf(&fix, "remove %s (it changes nothing), or stop using what "
	    "wins", key);
	audit_add(s->m, "setting-ignored", SEV_WARN, f, line, NULL, key, fix,
	    "%s is ignored: %s", key, why);
	free(fix);
}

/* The server's own materials: what server.ssl.* chooses. */
static void
spring_served(struct srvload *s)
{
	struct server_model	*m = s->m;
	struct key_material	*mat = m->served, *t;
	const char		*f;
	char			*bundle, *en, *why;
	bool			 pem;
	int			 line;
	static const char	*bundle_ignores[] = { "server.ssl.key-store",
	    "server.ssl.key-store-password", "server.ssl.key-store-type",
	    "server.ssl.key-store-provider", "server.ssl.key-alias",
	    "server.ssl.key-password", "server.ssl.certificate",
	    "server.ssl.certificate-private-key", "server.ssl.trust-store",
	    "server.ssl.trust-store-password", "server.ssl.trust-store-type",
	    "server.ssl.trust-certificate",
	    "server.ssl.trust-certificate-private-key", NULL };
	size_t			 i;

	mat->port = m->port;
	bundle = srv_value(s, "server.ssl.bundle", NULL);
	if (bundle != NULL && *bundle == '\0') {
		free(bundle);
		bundle = NULL;
	}
	pem = spring_set(s, "server.ssl.certificate") &&
	    spring_set(s, "server.ssl.certificate-private-key");
	if (bundle != NULL) {
		if (!spring_bundle(s, mat, bundle, "server.ssl.bundle")) {
			key_material_configured_by(mat, "server.ssl.bundle");
			mat->name = xstrdup(bundle);
			xasprintf(&mat->ks_error, "no SSL bundle \"%s\"",
			    bundle);
			srv_where(s, "server.ssl.bundle", &f, &line);
			audit_add(m, "ssl-bundle-missing", SEV_CRIT, f, line,
			    NULL, "server.ssl.bundle", "define "
			    "spring.ssl.bundle.jks.NAME.keystore.* (or "
			    ".pem.NAME.keystore.*), or correct "
			    "server.ssl.bundle", "server.ssl.bundle is \"%s\" "
			    "but no spring.ssl.bundle.jks.%s or "
			    "spring.ssl.bundle.pem.%s is configured: the "
			    "server will not start", bundle, bundle,
			    bundle)->material = mat;
		}
		xasprintf(&why, "server.ssl.bundle=%s wins (Spring Boot "
		    "takes the key material from that bundle)", bundle);
		for (i = 0; bundle_ignores[i] != NULL; i++)
			spring_ignored(s, bundle_ignores[i], why);
		free(why);
	} else if (pem) {
		spring_pem_material(s, mat, "server.ssl.certificate",
		    "server.ssl.certificate-private-key",
		    "server.ssl.key-password", "server.ssl.key-alias",
		    "server.ssl.key-store-type");
		why = xstrdup("server.ssl.certificate (PEM) wins over the "
		    "key store");
		spring_ignored(s, "server.ssl.key-store", why);
		spring_ignored(s, "server.ssl.key-store-password", why);
		free(why);
	} else {
		if (spring_set(s, "server.ssl.certificate"))
			spring_ignored(s, "server.ssl.certificate",
			    "server.ssl.certificate-private-key is not set, "
			    "so the PEM certificate is not used");
		if (spring_set(s, "server.ssl.key-store"))
			spring_ks_material(s, mat, "server.ssl.key-store",
			    "server.ssl.key-store-password",
			    "server.ssl.key-store-type",
			    "server.ssl.key-alias",
			    "server.ssl.key-password");
		else {
			/* the names a new keystore will be written to */
			mat->keys.store = xstrdup("server.ssl.key-store");
			mat->keys.storepass = xstrdup(
			    "server.ssl.key-store-password");
			mat->keys.type = xstrdup("server.ssl.key-store-type");
			mat->keys.alias = xstrdup("server.ssl.key-alias");
			mat->keys.keypass = xstrdup("server.ssl.key-password");
			mat->alias = srv_value(s, "server.ssl.key-alias",
			    NULL);
			mat->declared_type = srv_value(s,
			    "server.ssl.key-store-type", NULL);
			mat->storepass = srv_secret(s,
			    "server.ssl.key-store-password", NULL);
		}
	}
	if (mat->nconfigured_by > 0) {
		en = srv_value(s, "server.ssl.enabled", NULL);
		m->ssl = en == NULL || !srv_false(en);
		if (en != NULL && !m->ssl) {
			srv_where(s, "server.ssl.enabled", &f, &line);
			audit_add(m, "ssl-disabled", SEV_WARN, f, line, NULL,
			    "server.ssl.enabled", "remove server.ssl.enabled="
			    "false (or set it to true) to serve HTTPS",
			    "server.ssl.enabled=false: the keystore is "
			    "configured but the server speaks plain HTTP");
		}
		free(en);
	}

	/* Trust for client authentication (not with a bundle: its own). */
	if (bundle == NULL) {
		if (spring_set(s, "server.ssl.trust-certificate")) {
			t = key_material_add(m, KM_ROLE_CLIENT_TRUST);
			spring_pem_material(s, t, "server.ssl.trust-certificate",
			    NULL, NULL, NULL, "server.ssl.trust-store-type");
		} else if (spring_set(s, "server.ssl.trust-store")) {
			t = key_material_add(m, KM_ROLE_CLIENT_TRUST);
			spring_ks_material(s, t, "server.ssl.trust-store",
			    "server.ssl.trust-store-password",
			    "server.ssl.trust-store-type", NULL, NULL);
		}
	}
	free(bundle);
}

/* server.ssl.server-name-bundles[i]: a certificate per host name. */
static void
spring_sni(struct srvload *s)
{
	struct key_material	*mat;
	char			*kn, *kb, *name, *bundle;
	const char		*f;
	int			 i, line;

	for (i = 0; i < SPRING_MAX_SNI; i++) {
		xasprintf(&kn, "server.ssl.server-name-bundles[%d].server-name",
		    i);
		xasprintf(&kb, "server.ssl.server-name-bundles[%d].bundle", i);
		name = srv_value(s, kn, NULL);
		bundle = srv_value(s, kb, NULL);
		if (name == NULL && bundle == NULL) {
			free(kn);
			free(kb);
			break;
		}
		mat = key_material_add(s->m, KM_ROLE_SNI);
		mat->port = s->m->port;
		if (name != NULL) {
			key_material_configured_by(mat, kn);
			mat->hosts = xcalloc(1, sizeof *mat->hosts);
			mat->hosts[mat->nhosts++] = xstrdup(name);
		}
		if (bundle != NULL && !spring_bundle(s, mat, bundle, kb)) {
			key_material_configured_by(mat, kb);
			xasprintf(&mat->ks_error, "no SSL bundle \"%s\"",
			    bundle);
			srv_where(s, kb, &f, &line);
			audit_add(s->m, "ssl-bundle-missing", SEV_CRIT, f,
			    line, NULL, kb, "define the bundle, or correct the "
			    "setting", "%s is \"%s\" but no "
			    "spring.ssl.bundle.jks.%s or "
			    "spring.ssl.bundle.pem.%s is configured: the "
			    "server will not start", kb, bundle, bundle,
			    bundle)->material = mat;
		}
		if (name != NULL) {
			/* an SNI material is known by its host name */
			free(mat->name);
			mat->name = xstrdup(name);
		}
		free(name);
		free(bundle);
		free(kn);
		free(kb);
	}
}

/* Actian Integration Manager: encryption.* and queue.ssl.*. */
static void
spring_im(struct srvload *s)
{
	struct key_material	*mat;
	char			*en;

	en = srv_value(s, "encryption.enabled", NULL);
	if (spring_set(s, "encryption.key-store") &&
	    (en == NULL || !srv_false(en))) {
		mat = key_material_add(s->m, KM_ROLE_ENCRYPTION);
		mat->renewable = false;
		mat->not_renewable = xstrdup("the encryption key decrypts "
		    "stored macro values: a new key pair loses that data");
		spring_ks_material(s, mat, "encryption.key-store",
		    "encryption.key-store-password", NULL,
		    "encryption.certificate-name", NULL);
		if (en != NULL)
			key_material_configured_by(mat, "encryption.enabled");
	}
	free(en);
	en = srv_value(s, "queue.ssl.enabled", NULL);
	if (spring_set(s, "queue.ssl.key-store") &&
	    (en == NULL || !srv_false(en))) {
		mat = key_material_add(s->m, KM_ROLE_QUEUE);
		spring_ks_material(s, mat, "queue.ssl.key-store",
		    "queue.ssl.key-store-password", "queue.ssl.key-store-type",
		    NULL, NULL);
		if (en != NULL)
			key_material_configured_by(mat, "queue.ssl.enabled");
	}
	free(en);
}

/* What no form may change, and why. */
static void
spring_renewable(struct server_model *m)
{
	struct key_material	*mat;
	size_t			 i;

	for (i = 0; i < m->nmaterials; i++) {
		mat = m->materials[i];
		if (mat->not_renewable != NULL)
			continue;
		if (mat->where == KM_CLASSPATH)
			mat->not_renewable = xstrdup("it is inside the "
			    "application (classpath:)");
		else if (mat->where == KM_PEM_INLINE)
			mat->not_renewable = xstrdup("its PEM text is inside "
			    "the configuration");
		else if (mat->role == KM_ROLE_CLIENT_TRUST)
			mat->not_renewable = xstrdup("it holds trusted "
			    "certificates only");
		if (mat->not_renewable != NULL)
			mat->renewable = false;
	}
}

/* ------------------------------------------------------------------ */

static int
spring_load(struct srvload *s, char **cause)
{
	struct server_model	*m = s->m;
	struct cfg_source	*main;
	char			*v, *end;
	long			 port;
	size_t			 i;
	int			 first;

	if ((main = srv_file_source(s, m->properties,
	    spring_format(m->properties), NULL, cause)) == NULL)
		return (-1);
	for (i = 0; i < m->nsources; i++)
		m->sources[i]->main = true;
	if (main->format == CFG_FMT_PROPERTIES && main->props == NULL) {
		/* malformed: the server would not start; nothing more */
		if (s->o->server != NULL)
			m->shared_data_path = path_absolute(s->o->server);
		return (0);
	}

	/* The port from the file, to find the running server. */
	m->port = SERVER_DEFAULT_PORT;
	if ((v = srv_value(s, "server.port", NULL)) != NULL) {
		port = strtol(v, &end, 10);
		if (end != v && *end == '\0' && port > 0 && port <= 65535)
			m->port = (int)port;
		free(v);
	}
	srv_live(s);
	if (m->proc.pid > 0) {
		srv_proc_read(s, m->proc.pid);
		/* a java process: its arguments, environment and working
		 * directory are the server's */
		if (s->argc > 0 && spring_is_java(s->argv[0])) {
			s->cwd = m->proc.cwd;
			spring_proc_sources(s);
		}
	}
	spring_files(s);
	spring_assume_shared(s);
	spring_placeholders(s);
	first = m->port;
	spring_basics(s);
	if (m->port != first)
		srv_live(s);
	spring_served(s);
	spring_sni(s);
	spring_im(s);
	spring_renewable(m);
	return (0);
}

/* ------------------------------------------------------------------ */
/* After the materials are open: checks on them, then the rows. */

/* Is every certificate of ks expired (or is there none)? */
static bool
spring_trust_dead(const struct server_model *m, const struct keystore *ks)
{
	size_t	i, j;

	for (i = 0; ks != NULL && i < ks->nentries; i++)
		for (j = 0; j < ks->entries[i]->nchain; j++)
			if (ks->entries[i]->chain[j]->info.not_after >
			    (int64_t)m->now)
				return (false);
	return (true);
}

/* client-auth=need: someone must be trusted. */
static void
spring_client_auth(struct srvload *s)
{
	struct server_model	*m = s->m;
	struct key_material	*t = NULL;
	const char		*f, *why = NULL;
	char			*v;
	size_t			 i;
	int			 line;

	if ((v = srv_value(s, "server.ssl.client-auth", NULL)) == NULL)
		return;
	if (strcasecmp(v, "need") != 0) {
		free(v);
		return;
	}
	free(v);
	for (i = 0; i < m->nmaterials && t == NULL; i++)
		if (m->materials[i]->role == KM_ROLE_CLIENT_TRUST &&
		    (m->materials[i]->name == NULL || (m->served->name !=
		    NULL && strcmp(m->materials[i]->name,
		    m->served->name) == 0)))
			t = m->materials[i];
	if (t == NULL)
		why = "no trust store is configured";
	else if (t->ks == NULL)
		why = "the trust store cannot be read";
	else if (t->ks->nentries == 0)
		why = "the trust store is empty";
	else if (spring_trust_dead(m, t->ks))
		why = "every certificate in the trust store has expired";
	if (why == NULL)
		return;
	srv_where(s, "server.ssl.client-auth", &f, &line);
	audit_add(m, "client-auth-no-trust", SEV_CRIT, f, line, NULL,
	    "server.ssl.client-auth", "configure a trust store with the "
	    "clients' CA (server.ssl.trust-store or the bundle's "
	    "truststore)", "server.ssl.client-auth=need but %s: no client "
	    "can connect", why)->material = t;
}

/* Keys the rows list after the fixed ones: every key of these. */
static bool
spring_row_key(const char *canon)
{
	return (strncmp(canon, "server.ssl.", 11) == 0 ||
	    strncmp(canon, "spring.ssl.", 11) == 0 ||
	    strncmp(canon, "encryption.", 11) == 0 ||
	    strncmp(canon, "queue.ssl.", 10) == 0);
}

/* A file value another source overrides. */
static void
spring_overridden(struct srvload *s, const struct setting *row)
{
	struct server_model	*m = s->m;
	struct cfg_hit		 lo;
	char			*where;
	size_t			 i;
	bool			 below = false;

	if (row->src == NULL)
		return;
	for (i = 0; i < m->nsources; i++) {
		if (m->sources[i] == row->src) {
			below = true;
			continue;
		}
		if (!below || m->sources[i]->type != CFG_SRC_FILE ||
		    !cfg_source_get(m->sources[i], row->key, &lo))
			continue;
		where = cfg_hit_where(&lo);
		audit_add(m, "setting-overridden", row->src->type ==
		    CFG_SRC_FILE ? SEV_INFO : SEV_WARN, lo.src->path, lo.line,
		    NULL, row->key, "change it where it wins, or remove it "
		    "from this file", "%s in %s is overridden by %s: editing "
		    "the file will not change what the server uses", row->key,
		    where, row->source)->material = row->material;
		free(where);
	}
}

/* A key the settings panel may list (spring_finish): where it is, and
 * its place in source order. */
struct spring_cand {
	char	*canon;
	size_t	 src, entry, order;
	bool	 keep;
};

static int
spring_strp_cmp(const void *a, const void *b)
{
	return (strcmp(*(char * const *)a, *(char * const *)b));
}

/* By relaxed key, then source order (the first place comes first). */
static int
spring_cand_cmp(const void *a, const void *b)
{
	const struct spring_cand	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->canon, y->canon)) != 0)
		return (c);
	return (x->order < y->order ? -1 : x->order > y->order);
}

static int
spring_cand_order(const void *a, const void *b)
{
	const struct spring_cand	*x = a, *y = b;

	return (x->order < y->order ? -1 : x->order > y->order);
}

static void
spring_finish(struct srvload *s)
{
	struct server_model	*m = s->m;
	struct key_material	*mat = m->served;
	const struct cfg_source	*src;
	struct cfg_hit		 h;
	struct setting		*row;
	struct spring_cand	*cand = NULL;
	char			*c, **fixed, lbl[32], dflt[32];
	size_t			 i, j, k, ncand = 0, nfixed;

	if (m->nsources == 0 || (m->nsources == 1 &&
	    m->sources[0]->format == CFG_FMT_PROPERTIES &&
	    m->sources[0]->props == NULL))
		return;		/* nothing could be read */
	spring_client_auth(s);

	if (m->listening == 1)
		snprintf(lbl, sizeof lbl, "listening");
	else
		snprintf(lbl, sizeof lbl, "%s", m->ssl ? "HTTPS" : "HTTP");
	snprintf(dflt, sizeof dflt, "default %d", SERVER_DEFAULT_PORT);
	srv_row(s, "server.port", false, true, lbl, dflt, NULL);
	srv_row(s, "server.ssl.enabled", false, false, m->ssl ? "on" : "off",
	    NULL, NULL);
	if (mat->nconfigured_by == 0 || (mat->keys.store != NULL &&
	    strcmp(mat->keys.store, "server.ssl.key-store") == 0)) {
		srv_row(s, "server.ssl.key-store", false, true, mat->ks !=
		    NULL ? "found" : "set", "unset", mat);
		srv_row(s, "server.ssl.key-store-type", false, true,
		    "matches", mat->ks != NULL ? "default" : "unset", mat);
		srv_row(s, "server.ssl.key-store-password", true, true,
		    mat->opened ? "opens" : "set", mat->ks != NULL &&
		    mat->ks->passwordless ? "none needed" : "unset", mat);
		srv_row(s, "server.ssl.key-alias", false, true,
		    mat->key_entry != NULL ? "key entry" : "set",
		    mat->key_entry != NULL ? "only key" : "unset", mat);
		srv_row(s, "server.ssl.key-password", true, false,
		    mat->key_entry != NULL && mat->key_entry->pkey != NULL ?
		    "opens key" : "set", NULL, mat);
	}
	srv_row(s, "security.require-ssl", false, true, "set", "unset", NULL);
	srv_row(s, "im.base-url", false, true, "in SAN", "unset", NULL);

	/* Every other key of the server's TLS, highest source first (the
	 * environment's names are Spring's mapping, no spelling to show:
	 * its values appear on the rows above and on the files' rows).
	 * Each relaxed key once, at its first place; sorted, not compared
	 * pairwise (docs/security.md, "Linear in the input"). */
	for (k = 0; k < m->nsources; k++) {
		src = m->sources[k];
		if (src->type == CFG_SRC_ENV)
			continue;
		for (i = 0; i < cfg_source_count(src); i++) {
			cfg_source_entry(src, i, &h);
			c = props_canon_key(h.key);
			if (!spring_row_key(c)) {
				free(c);
				continue;
			}
			cand = xreallocarray(cand, ncand + 1, sizeof *cand);
			cand[ncand].canon = c;
			cand[ncand].src = k;
			cand[ncand].entry = i;
			cand[ncand].order = ncand;
			cand[ncand].keep = false;
			ncand++;
		}
	}
	nfixed = m->nsettings;
	fixed = xreallocarray(NULL, nfixed + 1, sizeof *fixed);
	for (j = 0; j < nfixed; j++)
		fixed[j] = props_canon_key(m->settings[j]->key);
	if (nfixed > 1)
		qsort(fixed, nfixed, sizeof *fixed, spring_strp_cmp);
	if (ncand > 1)
		qsort(cand, ncand, sizeof *cand, spring_cand_cmp);
	for (i = 0; i < ncand; i++)
		cand[i].keep = (i == 0 || strcmp(cand[i - 1].canon,
		    cand[i].canon) != 0) && bsearch(&cand[i].canon, fixed,
		    nfixed, sizeof *fixed, spring_strp_cmp) == NULL;
	if (ncand > 1)
		qsort(cand, ncand, sizeof *cand, spring_cand_order);
	for (i = 0; i < ncand; i++) {
		if (cand[i].keep) {
			cfg_source_entry(m->sources[cand[i].src],
			    cand[i].entry, &h);
			srv_row(s, h.key, secret_key_name(h.key), false,
			    "set", NULL, key_material_of_setting(m, h.key));
		}
		free(cand[i].canon);
	}
	free(cand);
	for (j = 0; j < nfixed; j++)
		free(fixed[j]);
	free(fixed);
	for (i = 0; i < m->nsettings; i++) {
		row = m->settings[i];
		if (row->material == NULL)
			row->material = key_material_of_setting(m, row->key);
		spring_overridden(s, row);
	}
}

const struct server_kind server_kind_spring = {
	.name = "spring",
	.title = "Spring Boot",
	.detect = spring_detect,
	.load = spring_load,
	.finish = spring_finish,
	.names = spring_names,
};

const char *
server_kind_native(const struct server_kind *k, const char *name)
{
	size_t	i;

	for (i = 0; k->names != NULL && k->names[i][0] != NULL; i++)
		if (strcmp(k->names[i][0], name) == 0)
			return (k->names[i][1]);
	return (name);
}

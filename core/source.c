/* SPDX-License-Identifier: ISC */
/*
 * source.c -- the model's sources of settings (docs/server-model.md,
 * Sources and settings): what one source says about a key, which source
 * wins, where a value comes from, and placeholders resolved against all
 * of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/*
 * The relaxed form used to match environment variables: ASCII lower-case,
 * without '.', '-', '_', '[' and ']'.  SERVER_SSL_KEY_STORE,
 * SERVER_SSL_KEYSTORE and server.ssl.key-store all give
 * "serversslkeystore"; _0_ and [0] both give "0".
 */
char *
cfg_env_canon(const char *key)
{
	char	*out, *o;

	o = out = xmalloc(strlen(key) + 1);
	for (; *key != '\0'; key++) {
		if (strchr(".-_[]", *key) != NULL)
			continue;
		if (*key >= 'A' && *key <= 'Z')
			*o++ = (char)(*key - 'A' + 'a');
		else
			*o++ = *key;
	}
	*o = '\0';
	return (out);
}

/* YAML: the entries of one document. */
static int
cfg_yaml_get(const struct cfg_source *src, const char *key,
    struct cfg_hit *hit)
{
	const struct yamldoc_entry	*ye;

	if (src->yaml == NULL ||
	    (ye = yamldoc_find(src->yaml, src->doc, key)) == NULL)
		return (0);
	hit->key = ye->key;
	hit->value = ye->value;
	hit->value_len = ye->value_len;
	hit->raw = ye->value;
	hit->line = ye->line;
	hit->count = 1;
	hit->ye = ye;
	return (1);
}

static size_t
cfg_yaml_count(const struct cfg_source *src)
{
	return (src->yaml != NULL ? src->ycount : 0);
}

static void
cfg_yaml_entry(const struct cfg_source *src, size_t i, struct cfg_hit *hit)
{
	const struct yamldoc_entry	*ye;

	ye = yamldoc_entry(src->yaml, src->yfirst + i);
	hit->key = ye->key;
	hit->value = ye->value;
	hit->value_len = ye->value_len;
	hit->raw = ye->value;
	hit->line = ye->line;
	hit->ye = ye;
}

/* Jetty ini: the last line assigning key (names are exact). */
static int
cfg_ini_get(const struct cfg_source *src, const char *key,
    struct cfg_hit *hit)
{
	const struct inidoc_entry	*ie, *e;
	size_t				 i;

	if (src->ini == NULL || (ie = inidoc_find(src->ini, key)) == NULL)
		return (0);
	hit->key = ie->key;
	hit->value = ie->value;
	hit->value_len = strlen(ie->value);
	hit->raw = ie->value;
	hit->line = ie->line;
	for (i = 0; i < inidoc_count(src->ini); i++) {
		e = inidoc_entry(src->ini, i);
		if ((e->kind == INIDOC_PROPERTY || e->kind == INIDOC_SYSPROP) &&
		    strcmp(e->key, key) == 0)
			hit->count++;
	}
	return (1);
}

/* Jetty ini: its properties, in file order. */
static size_t
cfg_ini_count(const struct cfg_source *src)
{
	return (src->ini != NULL ? inidoc_count(src->ini) : 0);
}

static void
cfg_ini_entry(const struct cfg_source *src, size_t i, struct cfg_hit *hit)
{
	const struct inidoc_entry	*ie = inidoc_entry(src->ini, i);

	hit->key = ie->key;
	hit->value = ie->value != NULL ? ie->value : "";
	hit->value_len = strlen(hit->value);
	hit->raw = hit->value;
	hit->line = ie->line;
}

/* The last value of a key-value source matching key. */
static int
cfg_kv_get(const struct cfg_source *src, const char *key,
    struct cfg_hit *hit)
{
	const struct cfg_kv	*kv = NULL;
	char			*canon;
	size_t			 i;
	int			 n = 0;

	canon = src->type == CFG_SRC_ENV ? cfg_env_canon(key) :
	    props_canon_key(key);
	for (i = 0; i < src->nkv; i++) {
		if (strcmp(src->kv[i].canon, canon) == 0) {
			kv = &src->kv[i];
			n++;
		}
	}
	free(canon);
	if (kv == NULL)
		return (0);
	hit->key = kv->key;
	hit->value = kv->value;
	hit->value_len = strlen(kv->value);
	hit->raw = kv->value;
	hit->name = kv->name;
	hit->count = n;
	return (1);
}

/* The last entry of a properties file matching key (relaxed). */
static int
cfg_props_get(const struct cfg_source *src, const char *key,
    struct cfg_hit *hit)
{
	const struct prop_entry	**list = NULL, *pe;
	size_t			  n;

	if (src->props == NULL)
		return (0);
	if ((n = props_find_all(src->props, key, &list)) == 0)
		return (0);
	pe = list[n - 1];
	free(list);
	hit->key = pe->key;
	hit->value = pe->value;
	hit->value_len = pe->value_len;
	hit->raw = pe->value;
	hit->line = pe->line;
	hit->count = (int)n;
	hit->pe = pe;
	return (1);
}

int
cfg_source_get(const struct cfg_source *src, const char *key,
    struct cfg_hit *hit)
{
	memset(hit, 0, sizeof *hit);
	hit->src = src;
	switch (src->format) {
	case CFG_FMT_PROPERTIES:
		return (cfg_props_get(src, key, hit));
	case CFG_FMT_YAML:
		return (cfg_yaml_get(src, key, hit));
	case CFG_FMT_NONE:
		return (cfg_kv_get(src, key, hit));
	case CFG_FMT_INI:
		return (cfg_ini_get(src, key, hit));
	default:
		return (src->get != NULL ? src->get(src, key, hit) : 0);
	}
}

int
cfg_get(const struct server_model *m, const char *key, struct cfg_hit *hit)
{
	size_t	i;

	for (i = 0; i < m->nsources; i++)
		if (!m->sources[i]->pending &&
		    cfg_source_get(m->sources[i], key, hit))
			return (1);
	memset(hit, 0, sizeof *hit);
	return (0);
}

char *
cfg_hit_where(const struct cfg_hit *hit)
{
	const struct cfg_source	*src = hit->src;
	char			*s;

	if (src == NULL)
		return (NULL);
	if (src->type == CFG_SRC_FILE && hit->line > 0)
		xasprintf(&s, "%s:%d", src->label, hit->line);
	else if (hit->name != NULL && src->type == CFG_SRC_ENV)
		xasprintf(&s, "%s (%s)", src->label, hit->name);
	else
		s = xstrdup(src->label);
	return (s);
}

const char *
cfg_value(const struct server_model *m, const char *key)
{
	struct cfg_hit	hit;

	return (cfg_get(m, key, &hit) ? hit.value : NULL);
}

void
cfg_where(const struct server_model *m, const char *key, const char **file,
    int *line)
{
	struct cfg_hit	hit;

	*file = m->properties;
	*line = 0;
	if (key == NULL || !cfg_get(m, key, &hit))
		return;
	if (hit.src->type == CFG_SRC_FILE) {
		*file = hit.src->path;
		*line = hit.line;
	} else
		*file = hit.src->label;
}

/* The file a key nobody sets goes to: the main file (its first document
 * without an activation condition). */
static const struct cfg_source *
cfg_main_source(const struct server_model *m)
{
	const struct cfg_source	*src, *best = NULL;
	size_t			 i;

	for (i = 0; i < m->nsources; i++) {
		src = m->sources[i];
		if (!src->main || src->on_profile != NULL)
			continue;
		if (best == NULL || src->doc < best->doc)
			best = src;
	}
	return (best);
}

int
cfg_plan(const struct server_model *m, const char *key, bool unset,
    const struct cfg_source ***targets, size_t *ntargets, char **cause)
{
	const struct cfg_source	*src;
	struct cfg_hit		 hit;
	char			*where;
	size_t			 i;
	bool			 won = false;

	*targets = NULL;
	*ntargets = 0;
	for (i = 0; i < m->nsources; i++) {
		src = m->sources[i];
		if (src->pending || !cfg_source_get(src, key, &hit))
			continue;
		if (src->type != CFG_SRC_FILE && src->type != CFG_SRC_ASSUMED) {
			where = cfg_hit_where(&hit);
			cause_set(cause, "%s comes from the %s, which wins over "
			    "every file: change it there (tlsdeck edits "
			    "files only)", key, where);
			free(where);
			goto fail;
		}
		if (src->type == CFG_SRC_ASSUMED)
			continue;
		if (!src->writable) {
			cause_set(cause, "%s (nothing written)", src->error !=
			    NULL ? src->error : src->path);
			goto fail;
		}
		if (won && !unset)
			break;
		won = true;
		*targets = xreallocarray(*targets, *ntargets + 1,
		    sizeof **targets);
		(*targets)[(*ntargets)++] = src;
	}
	if (*ntargets > 0 || unset)
		return (0);
	if ((src = cfg_main_source(m)) == NULL || !src->writable) {
		cause_set(cause, "%s (nothing written)", src != NULL &&
		    src->error != NULL ? src->error : m->properties);
		goto fail;
	}
	*targets = xcalloc(1, sizeof **targets);
	(*targets)[(*ntargets)++] = src;
	return (0);
fail:
	free(*targets);
	*targets = NULL;
	*ntargets = 0;
	return (-1);
}

int
cfg_plan_groups(const struct server_model *m, const struct step_prop *props,
    size_t n, struct cfg_plan_group **gp, size_t *ngp, char **cause)
{
	const struct cfg_source	**t = NULL;
	struct cfg_plan_group	*g;
	size_t			 i, j, k, nt;

	for (i = 0; i < n; i++) {
		if (cfg_plan(m, props[i].key, false, &t, &nt, cause) != 0)
			return (-1);
		for (j = 0; j < nt; j++) {
			for (k = 0; k < *ngp; k++)
				if ((*gp)[k].src == t[j] ||
				    ((*gp)[k].src->path != NULL &&
				    t[j]->path != NULL &&
				    strcmp((*gp)[k].src->path,
				    t[j]->path) == 0))
					break;
			if (k == *ngp) {
				*gp = xreallocarray(*gp, *ngp + 1,
				    sizeof **gp);
				memset(&(*gp)[k], 0, sizeof **gp);
				(*gp)[k].src = t[j];
				(*ngp)++;
			}
			g = &(*gp)[k];
			g->props = xreallocarray(g->props, g->n + 1,
			    sizeof *g->props);
			g->docs = xreallocarray(g->docs, g->n + 1,
			    sizeof *g->docs);
			g->props[g->n] = props[i];
			g->docs[g->n++] = t[j]->doc;
		}
		free(t);
		t = NULL;
	}
	return (0);
}

void
cfg_plan_groups_free(struct cfg_plan_group *g, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(g[i].props);
		free(g[i].docs);
	}
	free(g);
}

char *
cfg_value_renamed(const struct server_model *m, const char *key,
    const char *oldpath, const char *newpath)
{
	struct cfg_hit	 hit;
	const char	*ob, *nb;
	char		*v;
	size_t		 vl, ol;

	ob = strrchr(oldpath, '/') != NULL ? strrchr(oldpath, '/') + 1 :
	    oldpath;
	nb = strrchr(newpath, '/') != NULL ? strrchr(newpath, '/') + 1 :
	    newpath;
	if (cfg_get(m, key, &hit) && hit.raw != NULL) {
		vl = strlen(hit.raw);
		ol = strlen(ob);
		if (vl >= ol && strcmp(hit.raw + vl - ol, ob) == 0 &&
		    strchr(hit.raw, '$') == NULL) {
			xasprintf(&v, "%.*s%s", (int)(vl - ol), hit.raw, nb);
			return (v);
		}
	}
	return (xstrdup(newpath));
}

/* Placeholders: the winning value of a name among the sources. */
static const char *
cfg_lookup(void *arg, const char *name, size_t *vlen)
{
	const struct server_model	*m = arg;
	struct cfg_hit			 hit;

	if (!cfg_get(m, name, &hit))
		return (NULL);
	*vlen = hit.value_len;
	return (hit.value);
}

int
cfg_resolve(const struct server_model *m, const char *value, char **out,
    bool *unresolved, char **cause)
{
	int	flags = 0;
	size_t	i;

	/* The server's own environment, when read, is one of the
	 * sources: tlsdeck's is then not consulted. */
	for (i = 0; i < m->nsources; i++)
		if (m->sources[i]->type == CFG_SRC_ENV)
			flags |= PROPS_RES_NOENV;
	return (props_resolve_with(NULL, cfg_lookup, (void *)m, value,
	    flags, out, unresolved, cause));
}

size_t
cfg_source_count(const struct cfg_source *src)
{
	switch (src->format) {
	case CFG_FMT_PROPERTIES:
		return (src->props != NULL ? props_count(src->props) : 0);
	case CFG_FMT_YAML:
		return (cfg_yaml_count(src));
	case CFG_FMT_NONE:
		return (src->nkv);
	case CFG_FMT_INI:
		return (cfg_ini_count(src));
	default:
		return (0);
	}
}

void
cfg_source_entry(const struct cfg_source *src, size_t i, struct cfg_hit *hit)
{
	const struct prop_entry	*pe;
	const struct cfg_kv	*kv;

	memset(hit, 0, sizeof *hit);
	hit->src = src;
	hit->count = 1;
	switch (src->format) {
	case CFG_FMT_PROPERTIES:
		pe = props_entry(src->props, i);
		hit->key = pe->key;
		hit->value = pe->value;
		hit->value_len = pe->value_len;
		hit->raw = pe->value;
		hit->line = pe->line;
		hit->pe = pe;
		break;
	case CFG_FMT_YAML:
		cfg_yaml_entry(src, i, hit);
		break;
	case CFG_FMT_INI:
		cfg_ini_entry(src, i, hit);
		break;
	default:
		kv = &src->kv[i];
		hit->key = kv->key;
		hit->value = kv->value;
		hit->value_len = strlen(kv->value);
		hit->raw = kv->value;
		hit->name = kv->name;
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Is it the format we expect?  Java reads any bytes as properties, so
 * what is plainly something else is refused before it is parsed. */

/* The first character that is not blank (after a UTF-8 BOM). */
static const unsigned char *
cfg_first(const unsigned char *buf, size_t len)
{
	const unsigned char	*p = buf, *e = buf + len;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\n' || *p == '\f'))
		p++;
	return (p < e ? p : NULL);
}

int
cfg_sniff(const unsigned char *buf, size_t len, const char *name,
    enum cfg_format want, char **cause)
{
	const unsigned char	*p;
	const char		*what = NULL;
	size_t			 i, ctl = 0;
	const char		*fmt = want == CFG_FMT_YAML ? "a YAML" :
				    "a properties";

	if (len > CONFIG_MAX_SIZE)
		return (0);	/* the parser refuses it, saying so */
	if (len >= 2 && ((buf[0] == 0xff && buf[1] == 0xfe) ||
	    (buf[0] == 0xfe && buf[1] == 0xff)))
		what = "UTF-16 text";
	else if (memchr(buf, '\0', len) != NULL)
		what = "binary data (NUL bytes)";
	if (what == NULL) {
		for (i = 0; i < len; i++)
			if ((buf[i] < 0x20 && buf[i] != '\t' &&
			    buf[i] != '\n' && buf[i] != '\r' &&
			    buf[i] != '\f') || buf[i] == 0x7f)
				ctl++;
		/* Java reads them, but no one writes them by hand */
		if (ctl > 0 && (ctl * 100 > len || ctl >= 16))
			what = "binary data (control characters)";
	}
	if (what == NULL && (p = cfg_first(buf, len)) != NULL) {
		if (*p == '<')
			what = "XML (a Tomcat server.xml?)";
		else if (want == CFG_FMT_PROPERTIES && *p == '{')
			what = "JSON";
		else if (want == CFG_FMT_PROPERTIES && *p == '[')
			what = "an INI file (a Jetty start.ini?)";
	}
	if (what == NULL)
		return (0);
	cause_set(cause, "%s: looks like %s, not %s file of a Spring Boot "
	    "server: nothing read or written", name, what, fmt);
	return (-1);
}

/* SPDX-License-Identifier: ISC */
/*
 * srvload.c -- what the kind modules (core/kind-*.c), material.c and
 * server.c share while a server model loads: values with their sources,
 * the configuration files as sources, who listens on the port, the
 * settings rows.  It calls no kind and nothing of server.c, so loading
 * has no call cycle: server.c drives the kinds, the kinds use this.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "srvload.h"

/* ------------------------------------------------------------------ */
/* Values and where they come from */

char *
srv_value(struct srvload *s, const char *key, struct cfg_hit *hitp)
{
	struct cfg_hit	 hit;
	char		*out = NULL, *c = NULL;

	if (!cfg_get(s->m, key, &hit)) {
		if (hitp != NULL)
			*hitp = hit;
		return (NULL);
	}
	if (hitp != NULL)
		*hitp = hit;
	if (memchr(hit.value, '$', hit.value_len) == NULL)
		return (xstrndup(hit.value, hit.value_len));
	if (cfg_resolve(s->m, hit.value, &out, NULL, &c) != 0) {
		free(c);
		return (xstrndup(hit.value, hit.value_len));
	}
	return (out);
}

struct secret *
srv_secret(struct srvload *s, const char *key, struct cfg_hit *hit)
{
	struct secret	*sec;
	char		*v;

	if ((v = srv_value(s, key, hit)) == NULL)
		return (NULL);
	sec = secret_from_str(v);
	OPENSSL_cleanse(v, strlen(v));
	free(v);
	return (sec);
}

int
srv_resolve_strict(struct srvload *s, const char *v, char **out)
{
	bool	unres = false;

	*out = NULL;
	if (strstr(v, "${") == NULL) {
		*out = xstrdup(v);
		return (0);
	}
	if (cfg_resolve(s->m, v, out, &unres, NULL) != 0)
		return (-1);
	return (unres ? 1 : 0);
}

void
srv_where(struct srvload *s, const char *key, const char **file, int *line)
{
	cfg_where(s->m, key, file, line);
}

bool
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

/* A label for a file: relative to the server's directory when inside. */
static char *
srv_label(struct srvload *s, const char *path)
{
	const char	*root = s->label_root;
	size_t		 n;

	if (root != NULL && (n = strlen(root)) > 0 &&
	    strncmp(path, root, n) == 0 && (path[n] == '/' ||
	    root[n - 1] == '/'))
		return (xstrdup(path + n + (path[n] == '/')));
	return (xstrdup(path));
}

/* A YAML file: one source per document, the first owning the parse;
 * a document with an activation condition is pending until the kind
 * decides.  NULL with *cause when it is no YAML. */
static struct cfg_source *
srv_yaml_sources(struct srvload *s, const unsigned char *buf, size_t len,
    const char *path, const char *label, const char *profile, char **cause)
{
	struct yamldoc		*y = NULL;
	struct cfg_source	*src, *first = NULL;
	const struct yamldoc_entry *ye;
	const char		*on;
	size_t			 i, n, k;
	int			 d, nd;

	if (yamldoc_parse(buf, len, path, &y, cause) != 0)
		return (NULL);
	nd = yamldoc_ndocs(y);
	n = yamldoc_count(y);
	k = 0;
	for (d = 0; d < (nd > 0 ? nd : 1); d++) {
		src = cfg_source_add(s->m, CFG_SRC_FILE, CFG_FMT_YAML, path,
		    label, SRC_PREC_FILE + s->nfiles++);
		src->yaml = y;
		src->doc = d;
		src->writable = true;
		if (profile != NULL)
			src->profile = xstrdup(profile);
		if (nd > 0 && (on = yamldoc_profile(y, d)) != NULL) {
			src->on_profile = xstrdup(on);
			src->pending = true;
		}
		src->yfirst = k;
		for (i = k; i < n; i++) {
			ye = yamldoc_entry(y, i);
			if (ye->doc != d)
				break;
		}
		src->ycount = i - k;
		k = i;
		if (first == NULL) {
			first = src;
			src->yaml_owner = true;
		}
	}
	return (first);
}

struct cfg_source *
srv_file_source(struct srvload *s, const char *path, enum cfg_format fmt,
    const char *profile, char **cause)
{
	struct cfg_source	*src;
	unsigned char		*buf = NULL;
	size_t			 len = 0;
	char			*label, *c = NULL;

	if (file_read(path, &buf, &len, cause) != 0)
		return (NULL);
	/* (a file over the size limit is the parser's to refuse: a finding
	 * for the server's file, as a malformed one) */
	if (len <= CONFIG_MAX_SIZE &&
	    cfg_sniff(buf, len, path, fmt, cause) != 0) {
		free(buf);
		return (NULL);
	}
	label = srv_label(s, path);
	if (fmt == CFG_FMT_YAML) {
		src = srv_yaml_sources(s, buf, len, path, label, profile,
		    cause);
		free(label);
		free(buf);
		return (src);
	}
	src = cfg_source_add(s->m, CFG_SRC_FILE, fmt, path, label,
	    SRC_PREC_FILE + s->nfiles++);
	free(label);
	if (profile != NULL)
		src->profile = xstrdup(profile);
	if (props_parse(buf, len, path, &src->props, &c) != 0) {
		/* Java throws here: the server would not start. */
		audit_add(s->m, "properties-malformed", SEV_CRIT, path, 0,
		    NULL, NULL, len > CONFIG_MAX_SIZE ? "find what filled "
		    "the file: a real configuration is a few kB" : "fix the "
		    "escape (write \\\\ for a backslash)", "%s", c);
		src->error = c;
	} else
		src->writable = true;
	free(buf);
	return (src);
}

/* ------------------------------------------------------------------ */
/* /proc: who listens on the port */

void
srv_live(struct srvload *s)
{
	struct server_model	*m = s->m;
	unsigned long		 ino;

	m->listening = -1;
	m->proc.pid = 0;
	if ((s->o->flags & SERVER_NO_LIVE) || m->port <= 0)
		return;
	m->listening = server_port_listening(s->proc, m->port, &ino);
	if (m->listening == 1)
		m->proc.pid = server_socket_pid(s->proc, ino);
}

void
srv_proc_adopt(struct srvload *s, int pid, bool sysprops)
{
	srv_proc_read(s, pid);
	s->cwd = s->m->proc.cwd;
	if (sysprops)
		(void)srv_proc_sysprops(s, SRC_PREC_SYSPROP);
}

void
srv_live_adopt(struct srvload *s, bool sysprops)
{
	struct server_model	*m = s->m;
	unsigned long		 ino;
	int			 pid;

	m->listening = -1;
	if ((s->o->flags & SERVER_NO_LIVE) || m->port <= 0)
		return;
	m->listening = server_port_listening(s->proc, m->port, &ino);
	if (m->listening == 1 && m->proc.pid == 0 &&
	    (pid = server_socket_pid(s->proc, ino)) > 0)
		srv_proc_adopt(s, pid, sysprops);
}

/* ------------------------------------------------------------------ */
/* The settings rows */

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

void
srv_fkeys_free(struct srvload *s)
{
	size_t	i;

	for (i = 0; i < s->nfkeys; i++)
		free(s->fkeys[i].canon);
	free(s->fkeys);
	s->fkeys = NULL;
	s->nfkeys = 0;
}

/* Index the findings that name a property by its relaxed key, so that a
 * row's check is a lookup, not a pass over every finding. */
static void
srv_fkeys(struct srvload *s)
{
	struct server_model	*m = s->m;
	size_t			 i;

	srv_fkeys_free(s);
	s->fkeys = xreallocarray(NULL, m->nfindings + 1, sizeof *s->fkeys);
	for (i = 0; i < m->nfindings; i++) {
		if (m->findings[i]->key == NULL)
			continue;
		s->fkeys[s->nfkeys].canon = props_canon_key(
		    m->findings[i]->key);
		s->fkeys[s->nfkeys].idx = i;
		s->fkeys[s->nfkeys++].f = m->findings[i];
	}
	qsort(s->fkeys, s->nfkeys, sizeof *s->fkeys, srv_fkey_cmp);
	s->fkeys_of = m->nfindings;
}

struct setting *
srv_row(struct srvload *s, const char *key, bool secret, bool always,
    const char *ok_label, const char *unset_label, struct key_material *mat)
{
	struct server_model	*m = s->m;
	struct cfg_hit		 hit, lo;
	struct setting		*row;
	const struct finding	*f, *worst = NULL;
	char			*v = NULL, *ck;
	size_t			 i, l, h;
	bool			 set, below = false;

	set = cfg_get(m, key, &hit) != 0;
	if (!set && !always)
		return (NULL);
	if (set && !secret)
		v = srv_value(s, key, NULL);
	row = setting_add(m, key, v, secret, set ? hit.line : 0);
	free(v);
	row->material = mat;
	if (set) {
		if (!secret)
			row->raw = xstrndup(hit.value, hit.value_len);
		row->count = hit.count;
		row->source = cfg_hit_where(&hit);
		row->src = hit.src;
		for (i = 0; i < m->nsources; i++) {
			if (m->sources[i] == hit.src) {
				below = true;
				continue;
			}
			if (!below || !cfg_source_get(m->sources[i], key, &lo))
				continue;
			row->overrides = xreallocarray(row->overrides,
			    row->noverrides + 1, sizeof *row->overrides);
			row->overrides[row->noverrides++] = cfg_hit_where(&lo);
		}
	}
	/* The worst finding on the key: a binary search in s->fkeys. */
	if (s->fkeys == NULL || s->fkeys_of != m->nfindings)
		srv_fkeys(s);
	ck = props_canon_key(key);
	l = 0;
	h = s->nfkeys;
	while (l < h) {
		i = l + (h - l) / 2;
		if (strcmp(s->fkeys[i].canon, ck) < 0)
			l = i + 1;
		else
			h = i;
	}
	for (i = l; i < s->nfkeys && strcmp(s->fkeys[i].canon, ck) == 0;
	    i++) {
		f = s->fkeys[i].f;
		if (worst == NULL || f->sev > worst->sev)
			worst = f;
	}
	free(ck);
	if (worst != NULL && worst->sev > SEV_OK)
		setting_check(row, worst->sev, audit_code_label(worst->code));
	else if (!set)
		setting_check(row, SEV_OK, unset_label);
	else
		setting_check(row, SEV_OK, ok_label);
	return (row);
}

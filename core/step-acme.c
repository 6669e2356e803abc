/* SPDX-License-Identifier: ISC */
/*
 * step-acme.c -- the server transaction around the ACME client
 * (docs/acme.md, The server transaction).
 *
 *   decide     the served certificate: issued through this directory and
 *              more than the window left -> nothing to do, no byte written
 *   check      the key material can take a new key (keystore opened with
 *              its password, PEM files), the settings can be written where
 *              they win, a way to restart is known
 *   order      account, new key in memory, CSR, order (no server file yet)
 *   write      the new key entry beside the old one (or new PEM files),
 *              then the settings switched to it: safe writes with backups
 *   reload     --restart CMD, else the kind's own (reload-on-update, the
 *              systemd unit)
 *   verify     probe until the new certificate is served
 *   rollback   on any failure after the first write: every file back to
 *              its exact previous bytes (backup_restore, SHA-256 checked),
 *              new files removed, the restart again
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core.h"

#define SA_ISSUED_MAX	(1024 * 1024)	/* the issued record, bytes */
#define SA_RESTART_WORDS 64

/* One settings file to edit. */
struct sa_group {
	const struct cfg_source	*src;
	struct step_prop	*props;
	int			*docs;
	size_t			 n;
};

/* A run's state. */
struct sa {
	struct server_model		*m;
	struct key_material		*mat;
	const struct step_acme_opts	*o;
	struct step_acme_result		*r;
	struct cert			*cur;	/* served certificate, or NULL */
	char				*state;	/* state directory (owned) */
	const char			*state_dir;
	char				*cert_value;	/* PEM settings values */
	char				*key_value;
	char				**restart;	/* argv, or NULL */
	char				*restart_buf;
	struct sa_group			*groups;
	size_t				 ngroups;
	bool				 wrote;
};

static void
sa_note(struct sa *s, enum step_acme_phase ph, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
sa_note(struct sa *s, enum step_acme_phase ph, const char *fmt, ...)
{
	va_list	 ap;
	char	*line;

	if (s->o->note == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&line, fmt, ap);
	va_end(ap);
	s->o->note(ph, line, s->o->note_arg);
	free(line);
}

static void
sa_push(char ***v, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
sa_push(char ***v, size_t *n, const char *fmt, ...)
{
	va_list	ap;

	*v = xreallocarray(*v, *n + 1, sizeof **v);
	va_start(ap, fmt);
	xvasprintf(&(*v)[*n], fmt, ap);
	va_end(ap);
	(*n)++;
}

static bool
sa_cancelled(struct sa *s)
{
	return (s->o->acme.cancel != NULL && atomic_load(s->o->acme.cancel));
}

void
step_acme_result_free(struct step_acme_result *r)
{
	size_t	i;

	free(r->decision);
	for (i = 0; i < r->nnames; i++)
		free(r->names[i]);
	free(r->names);
	acme_account_info_done(&r->account);
	acme_cert_result_done(&r->cert);
	free(r->where);
	free(r->alias);
	free(r->cert_path);
	free(r->key_path);
	for (i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->files);
	free(r->backups);
	for (i = 0; i < r->nplan; i++)
		free(r->plan[i]);
	free(r->plan);
	free(r->restart);
	free(r->served_sha256);
	free(r->served_subject);
	free(r->served_error);
	free(r->failure);
	memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------------ */
/* The decision */

int64_t
step_acme_window(const struct cert *c, int renew_before)
{
	int64_t	life, w;

	if (renew_before >= 0)
		return ((int64_t)renew_before * SECS_PER_DAY);
	life = c->info.not_after - c->info.not_before;
	w = (int64_t)STEP_ACME_WINDOW_DAYS * SECS_PER_DAY;
	if (life / 3 > w)
		w = life / 3;
	return (w);
}

/* STATE/<hash>/issued for a directory URL (malloc'd). */
static int
sa_issued_path(const char *state_dir, const char *directory, char **path,
    char **cause)
{
	char	*acct, *slash;

	if (acme_account_path(state_dir, directory, &acct, cause) != 0)
		return (-1);
	if ((slash = strrchr(acct, '/')) != NULL)
		*slash = '\0';
	xasprintf(path, "%s/issued", acct);
	free(acct);
	return (0);
}

/* Hex of n bytes into out (2n + 1). */
static void
sa_hex(const unsigned char *p, size_t n, char *out)
{
	size_t	i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
	out[2 * n] = '\0';
}

bool
step_acme_issued_here(const char *state_dir, const char *directory,
    struct cert *c)
{
	unsigned char	*buf = NULL;
	char		*path = NULL, *cause = NULL, *line, *next, *sp;
	char		 fp[2 * CERT_SHA256_LEN + 1], aki[2 * 64 + 1];
	size_t		 len;
	bool		 found = false;

	if (sa_issued_path(state_dir, directory, &path, &cause) != 0 ||
	    file_read(path, &buf, &len, &cause) != 0)
		goto out;
	sa_hex(cert_sha256(c), CERT_SHA256_LEN, fp);
	aki[0] = '\0';
	if (c->info.aki.len > 0 && c->info.aki.len <= 64)
		sa_hex(c->info.aki.p, c->info.aki.len, aki);
	/* "SHA256 AKI NOTAFTER NAMES" per line; AKI "-" when none. */
	for (line = (char *)buf; line != NULL && !found; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp++ = '\0';
		if (strcmp(line, fp) == 0)
			found = true;
		else if (*aki != '\0' && strncmp(sp, aki, strlen(aki)) == 0 &&
		    sp[strlen(aki)] == ' ')
			found = true;
	}
out:
	free(buf);
	free(path);
	free(cause);
	return (found);
}

void
step_acme_issued_all(const char *state_dir, char ***sha, size_t *n)
{
	DIR		*dir;
	struct dirent	*de;
	unsigned char	*buf;
	char		*own = NULL, *cause = NULL, *path, *line, *next, *sp;
	size_t		 len;

	*sha = NULL;
	*n = 0;
	if (state_dir == NULL) {
		if (acme_state_dir(&own, &cause) != 0) {
			free(cause);
			return;
		}
		state_dir = own;
	}
	if ((dir = opendir(state_dir)) == NULL) {
		free(own);
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strlen(de->d_name) != 64)
			continue;
		xasprintf(&path, "%s/%s/issued", state_dir, de->d_name);
		if (file_read(path, &buf, &len, &cause) == 0) {
			for (line = (char *)buf; line != NULL; line = next) {
				if ((next = strchr(line, '\n')) != NULL)
					*next++ = '\0';
				if ((sp = strchr(line, ' ')) == NULL ||
				    sp - line != 64)
					continue;
				sa_push(sha, n, "%.64s", line);
			}
			free(buf);
		}
		free(cause);
		cause = NULL;
		free(path);
	}
	closedir(dir);
	free(own);
}

int
step_acme_record(const char *state_dir, const char *directory,
    struct cert *c, char **cause)
{
	struct sw_file		*sw = NULL;
	struct sw_meta		 meta;
	const unsigned char	*old;
	unsigned char		*buf;
	char			*path = NULL, *line = NULL, *names = NULL, *t;
	char			 fp[2 * CERT_SHA256_LEN + 1], aki[2 * 64 + 1];
	size_t			 oldlen, i;
	int			 rc = -1;

	if (sa_issued_path(state_dir, directory, &path, cause) != 0)
		return (-1);
	sa_hex(cert_sha256(c), CERT_SHA256_LEN, fp);
	if (c->info.aki.len > 0 && c->info.aki.len <= 64)
		sa_hex(c->info.aki.p, c->info.aki.len, aki);
	else
		snprintf(aki, sizeof aki, "-");
	names = xstrdup("");
	for (i = 0; i < c->info.nsan; i++) {
		xasprintf(&t, "%s%s%s", names, i > 0 ? "," : "",
		    c->info.san[i]);
		free(names);
		names = t;
	}
	for (t = names; *t != '\0'; t++)
		if ((unsigned char)*t <= ' ' || *t == 0x7f)
			*t = '?';
	xasprintf(&line, "%s %s %lld %s\n", fp, aki,
	    (long long)c->info.not_after, names);
	if (sw_open(path, SW_CREATE, &sw, cause) != 0)
		goto out;
	sw_content(sw, &old, &oldlen);
	if (oldlen + strlen(line) > SA_ISSUED_MAX) {
		/* Keep the newer half. */
		old += oldlen / 2;
		oldlen -= oldlen / 2;
		while (oldlen > 0 && *old != '\n') {
			old++;
			oldlen--;
		}
		if (oldlen > 0) {
			old++;
			oldlen--;
		}
	}
	buf = xmalloc(oldlen + strlen(line) + 1);
	if (oldlen > 0)
		memcpy(buf, old, oldlen);
	memcpy(buf + oldlen, line, strlen(line));
	memset(&meta, 0, sizeof meta);
	meta.command = "acme";
	meta.description = "issued certificates";
	meta.mode = 0600;
	rc = sw_replace(sw, buf, oldlen + strlen(line), NULL, NULL, &meta,
	    cause);
	free(buf);
out:
	sw_close(sw);
	free(path);
	free(line);
	free(names);
	return (rc);
}

/* The DNS and IP names of a certificate (lower-cased). */
static void
sa_cert_names(const struct cert *c, char ***v, size_t *n)
{
	const char	*s;
	char		*p;
	size_t		 i;

	for (i = 0; i < c->info.nsan; i++) {
		s = c->info.san[i];
		if (strncmp(s, "DNS:", 4) == 0)
			s += 4;
		else if (strncmp(s, "IP:", 3) == 0)
			s += 3;
		else
			continue;
		sa_push(v, n, "%s", s);
		for (p = (*v)[*n - 1]; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p += 'a' - 'A';
	}
}

/* Does the certificate name every one of names? */
static const char *
sa_uncovered(const struct cert *c, char *const *names, size_t n)
{
	char	**have = NULL;
	size_t	  nhave = 0, i, j;
	const char *miss = NULL;

	sa_cert_names(c, &have, &nhave);
	for (i = 0; i < n && miss == NULL; i++) {
		for (j = 0; j < nhave; j++)
			if (strcmp(have[j], names[i]) == 0)
				break;
		if (j == nhave)
			miss = names[i];
	}
	for (j = 0; j < nhave; j++)
		free(have[j]);
	free(have);
	return (miss);
}

/* 1: order; 0: nothing to do; -1: cannot tell (cause). */
static int
sa_decide(struct sa *s, char **cause)
{
	struct step_acme_result	*r = s->r;
	const struct step_acme_opts *o = s->o;
	struct cert		*c = s->cur;
	time_t			 now = s->m->now != 0 ? s->m->now : time(NULL);
	const char		*miss;
	char			 date[32];
	int64_t			 w, left;
	size_t			 i;
	bool			 ip;

	if (o->nnames > 0) {
		for (i = 0; i < o->nnames; i++) {
			sa_push(&r->names, &r->nnames, "%s", o->names[i]);
			if (acme_name_check(r->names[i], &ip, cause) != 0)
				return (-1);
		}
	} else if (c != NULL)
		sa_cert_names(c, &r->names, &r->nnames);
	if (r->nnames == 0) {
		cause_set(cause, "%s: the served certificate names no host "
		    "(no DNS or IP subject alternative name): give --domain",
		    s->mat->path != NULL ? s->mat->path : "the server");
		return (-1);
	}
	if (r->nnames > ACME_MAX_NAMES) {
		cause_set(cause, "the certificate names %zu hosts; at most "
		    "%d in one order (give --domain)", r->nnames,
		    ACME_MAX_NAMES);
		return (-1);
	}
	if (c == NULL) {
		r->decision = xstrdup("no certificate is served yet");
		return (1);
	}
	r->days_left = cert_days_left(c, now);
	w = step_acme_window(c, o->renew_before);
	r->due = (time_t)(c->info.not_after - w);
	left = c->info.not_after - (int64_t)now;
	r->ours = step_acme_issued_here(s->state_dir,
	    o->acme.directory, c);
	if (o->force) {
		xasprintf(&r->decision, "--force (%ld days left)",
		    r->days_left);
		return (1);
	}
	if ((miss = sa_uncovered(c, r->names, r->nnames)) != NULL) {
		xasprintf(&r->decision, "the certificate does not name %s",
		    miss);
		return (1);
	}
	if (c->info.self_signed) {
		xasprintf(&r->decision, "the certificate is self-signed");
		return (1);
	}
	if (!r->ours) {
		xasprintf(&r->decision, "the certificate was not issued "
		    "through %s (issuer %s)", o->acme.directory,
		    c->info.issuer);
		return (1);
	}
	if (left <= w) {
		xasprintf(&r->decision, "%ld days left, within the renewal "
		    "window of %lld days", r->days_left,
		    (long long)(w / SECS_PER_DAY));
		return (1);
	}
	time_iso8601((int64_t)r->due, date, sizeof date);
	xasprintf(&r->decision, "nothing to do: %ld days left, renewal due "
	    "%.10s", r->days_left, date);
	return (0);
}

/* ------------------------------------------------------------------ */
/* The plan: what is written */

/* "BASE-acme-YYYYMMDD": BASE without an earlier "-acme-YYYYMMDD[-N]". */
static char *
sa_stem(const char *base, size_t len, const char *day)
{
	const char	*p;
	size_t		 i;
	char		*s;

	for (p = base; (p = strstr(p, "-acme-")) != NULL &&
	    (size_t)(p - base) < len; p++) {
		for (i = 0; i < 8 && p[6 + i] >= '0' && p[6 + i] <= '9'; i++)
			;
		if (i == 8 && (p + 14 == base + len || p[14] == '-')) {
			len = (size_t)(p - base);
			break;
		}
	}
	xasprintf(&s, "%.*s-acme-%s", (int)len, base, day);
	return (s);
}

/* A new alias beside the old one, free in ks. */
static char *
sa_new_alias(const struct keystore *ks, const char *old, const char *day)
{
	char	*stem, *a, *st;
	int	 i;

	stem = sa_stem(old, strlen(old), day);
	for (i = 1;; i++) {
		if (i == 1)
			a = xstrdup(stem);
		else
			xasprintf(&a, "%s-%d", stem, i);
		st = step_alias_for(ks, a);
		if (keystore_find(ks, st) == NULL) {
			free(a);
			free(stem);
			return (st);
		}
		free(st);
		free(a);
	}
}

/* A new file name beside path: DIR/STEM-acme-DAY[-N].EXT, not existing. */
static char *
sa_new_file(const char *path, const char *day)
{
	const char	*base, *dot, *ext;
	char		*stem, *p;
	size_t		 blen;
	int		 i;

	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base)
		dot = NULL;
	blen = dot != NULL ? (size_t)(dot - base) : strlen(base);
	ext = dot != NULL ? dot : "";
	stem = sa_stem(base, blen, day);
	for (i = 1;; i++) {
		if (i == 1)
			xasprintf(&p, "%.*s%s%s", (int)(base - path), path,
			    stem, ext);
		else
			xasprintf(&p, "%.*s%s-%d%s", (int)(base - path), path,
			    stem, i, ext);
		if (access(p, F_OK) != 0 && errno == ENOENT) {
			free(stem);
			return (p);
		}
		free(p);
	}
}

/* The setting's value for a new file: its value as written with the
 * file name replaced, else the absolute path. */
static char *
sa_setting_value(const struct server_model *m, const char *key,
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

/* Group the settings edits by the file that wins for each key. */
static int
sa_groups(struct sa *s, const struct step_prop *props, size_t n,
    char **cause)
{
	const struct cfg_source	**t = NULL;
	struct sa_group		*g;
	size_t			 i, j, k, nt;

	for (i = 0; i < n; i++) {
		if (cfg_plan(s->m, props[i].key, false, &t, &nt, cause) != 0)
			return (-1);
		for (j = 0; j < nt; j++) {
			for (k = 0; k < s->ngroups; k++)
				if (s->groups[k].src == t[j] ||
				    (s->groups[k].src->path != NULL &&
				    t[j]->path != NULL &&
				    strcmp(s->groups[k].src->path,
				    t[j]->path) == 0))
					break;
			if (k == s->ngroups) {
				s->groups = xreallocarray(s->groups,
				    s->ngroups + 1, sizeof *s->groups);
				memset(&s->groups[k], 0, sizeof *s->groups);
				s->groups[k].src = t[j];
				s->ngroups++;
			}
			g = &s->groups[k];
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

/* Split --restart into words (no shell, no quotes). */
static void
sa_restart_words(struct sa *s, const char *cmd)
{
	char	*p, *w;
	size_t	 n = 0;

	s->restart_buf = xstrdup(cmd);
	s->restart = xcalloc(SA_RESTART_WORDS + 1, sizeof *s->restart);
	for (p = s->restart_buf; (w = strsep(&p, " \t")) != NULL;) {
		if (*w == '\0')
			continue;
		if (n == SA_RESTART_WORDS)
			break;
		s->restart[n++] = w;
	}
}

/* How the server is restarted: 0, or -1 when no way is known. */
static int
sa_restart_plan(struct sa *s, char **cause)
{
	const struct step_acme_opts *o = s->o;
	struct step_acme_result	*r = s->r;

	if (o->restart != NULL && *o->restart != '\0') {
		sa_restart_words(s, o->restart);
		if (s->restart[0] == NULL) {
			cause_set(cause, "--restart: an empty command");
			return (-1);
		}
		xasprintf(&r->restart, "%s", o->restart);
		return (0);
	}
	if (s->mat->reload_on_update) {
		xasprintf(&r->restart, "none: %s reloads the files itself "
		    "(reload-on-update)", s->m->kind->title);
		return (0);
	}
	if (s->m->proc.unit != NULL) {
		s->restart = xcalloc(4, sizeof *s->restart);
		s->restart[0] = (char *)"systemctl";
		s->restart[1] = (char *)"restart";
		s->restart[2] = s->m->proc.unit;
		xasprintf(&r->restart, "systemctl restart %s",
		    s->m->proc.unit);
		return (0);
	}
	cause_set(cause, "no way to restart the server is known (it runs "
	    "under no systemd unit and does not reload its files): give "
	    "--restart CMD");
	return (-1);
}

/* Before any request: the material can take the new key; the plan. */
static int
sa_check(struct sa *s, char **cause)
{
	struct key_material	*mat = s->mat;
	struct step_acme_result	*r = s->r;
	struct ks_txn		*t = NULL;
	struct step_prop	 p[2];
	char			 day[16], *rcause = NULL;
	struct tm		 tm;
	time_t			 now = time(NULL);
	size_t			 i;

	if (mat->role == KM_ROLE_ENCRYPTION) {
		cause_set(cause, "%s: the encryption keystore is never "
		    "renewed", mat->path);
		return (-1);
	}
	gmtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y%m%d", &tm);
	switch (mat->where) {
	case KM_KEYSTORE:
		if (mat->ks == NULL || mat->key_entry == NULL) {
			cause_set(cause, "%s: %s", mat->path, mat->ks_error !=
			    NULL ? mat->ks_error : "no key entry to renew");
			return (-1);
		}
		if (mat->storepass == NULL || mat->storepass->len == 0) {
			cause_set(cause, "%s: the keystore has no password: "
			    "the new key would not be encrypted", mat->path);
			return (-1);
		}
		if (mat->keys.alias == NULL) {
			cause_set(cause, "%s: %s has no key alias setting",
			    mat->path, s->m->kind->title);
			return (-1);
		}
		if (ks_txn_open(mat->path, mat->storepass, 0,
		    KS_FMT_UNKNOWN, &t, cause) != 0)
			return (-1);
		if (t->ks->format != KS_FMT_PKCS12 &&
		    t->ks->format != KS_FMT_JKS) {
			cause_set(cause, "%s: a %s keystore cannot take the "
			    "new key (PKCS12 or JKS)", mat->path,
			    ks_format_name(t->ks->format));
			ks_txn_close(t);
			return (-1);
		}
		r->alias = sa_new_alias(t->ks, mat->key_entry->alias, day);
		ks_txn_close(t);
		xasprintf(&r->where, "%s (%s), alias %s", mat->path,
		    ks_format_name(mat->ks->format), mat->key_entry->alias);
		p[0].key = mat->keys.alias;
		p[0].value = r->alias;
		p[0].secret = NULL;
		sa_push(&r->plan, &r->nplan, "new key entry \"%s\" in %s "
		    "(the old \"%s\" stays)", r->alias, mat->path,
		    mat->key_entry->alias);
		if (sa_groups(s, p, 1, cause) != 0)
			return (-1);
		break;
	case KM_PEM:
		if (mat->cert_path == NULL || mat->key_path == NULL ||
		    mat->keys.cert == NULL || mat->keys.key == NULL) {
			cause_set(cause, "%s: the private key is not in a "
			    "file of its own (%s)", mat->path != NULL ?
			    mat->path : "PEM", mat->keys.key != NULL ?
			    mat->keys.key : "no key setting");
			return (-1);
		}
		r->cert_path = sa_new_file(mat->cert_path, day);
		r->key_path = sa_new_file(mat->key_path, day);
		if (strcmp(r->cert_path, r->key_path) == 0) {
			free(r->key_path);
			xasprintf(&r->key_path, "%s.key", r->cert_path);
		}
		s->cert_value = sa_setting_value(s->m, mat->keys.cert,
		    mat->cert_path, r->cert_path);
		s->key_value = sa_setting_value(s->m, mat->keys.key,
		    mat->key_path, r->key_path);
		xasprintf(&r->where, "%s and %s (PEM)", mat->cert_path,
		    mat->key_path);
		p[0].key = mat->keys.cert;
		p[0].value = s->cert_value;
		p[0].secret = NULL;
		p[1].key = mat->keys.key;
		p[1].value = s->key_value;
		p[1].secret = NULL;
		sa_push(&r->plan, &r->nplan, "new files %s and %s%s (the "
		    "old ones stay)", r->cert_path, r->key_path,
		    mat->keypass != NULL ? ", the key encrypted with the "
		    "key password" : "");
		if (sa_groups(s, p, 2, cause) != 0)
			return (-1);
		break;
	default:
		cause_set(cause, "%s: %s", mat->path != NULL ? mat->path :
		    "the server", mat->where == KM_NONE ? "HTTPS is not "
		    "configured (no key material to renew)" :
		    mat->where == KM_PEM_INLINE ? "the PEM text is inside a "
		    "setting: it cannot be renewed in place" :
		    "a classpath resource cannot be written");
		return (-1);
	}
	for (i = 0; i < s->ngroups; i++)
		sa_push(&r->plan, &r->nplan, "switch %s in %s",
		    s->ngroups == 1 && s->groups[i].n == 1 ?
		    s->groups[i].props[0].key : "the settings",
		    s->groups[i].src->path != NULL ? s->groups[i].src->path :
		    s->groups[i].src->label);
	if (sa_restart_plan(s, &rcause) != 0) {
		cause_set(cause, "%s", rcause);
		free(rcause);
		return (-1);
	}
	sa_push(&r->plan, &r->nplan, "restart: %s", r->restart);
	sa_push(&r->plan, &r->nplan, "verify that the new certificate is "
	    "served (up to %d s), else put every file back",
	    s->o->verify_timeout > 0 ? s->o->verify_timeout :
	    STEP_ACME_VERIFY_TIMEOUT);
	return (0);
}

/* ------------------------------------------------------------------ */
/* Writing */

static void
sa_wrote(struct sa *s, const char *path, unsigned int backup)
{
	struct step_acme_result	*r = s->r;

	r->files = xreallocarray(r->files, r->nfiles + 1, sizeof *r->files);
	r->backups = xreallocarray(r->backups, r->nfiles + 1,
	    sizeof *r->backups);
	r->files[r->nfiles] = xstrdup(path);
	r->backups[r->nfiles++] = backup;
	s->wrote = true;
}

/* The key and chain as a new entry of the keystore. */
static int
sa_write_keystore(struct sa *s, struct evp_pkey_st **pk, char **cause)
{
	struct key_material	*mat = s->mat;
	struct step_acme_result	*r = s->r;
	struct step_result	 sr;
	struct ks_txn		*t = NULL;
	struct ks_entry		*e;
	char			*desc = NULL;
	size_t			 i;
	int			 rc = -1;

	memset(&sr, 0, sizeof sr);
	if (ks_txn_open(mat->path, mat->storepass, 0, KS_FMT_UNKNOWN, &t,
	    cause) != 0)
		return (-1);
	if (keystore_find(t->ks, r->alias) != NULL) {
		cause_set(cause, "%s: alias \"%s\" appeared meanwhile; not "
		    "replaced", mat->path, r->alias);
		goto out;
	}
	e = ks_entry_new(r->alias, KS_ENTRY_KEY);
	e->date_ms = step_now_ms();
	for (i = 0; i < r->cert.nchain; i++)
		ks_entry_add_cert(e, cert_dup(r->cert.chain[i]));
	e->pkey = *pk;
	*pk = NULL;
	step_set_keypass(t->ks, e, mat->keypass, mat->storepass, &sr);
	step_put_entry(t->ks, e);
	xasprintf(&desc, "added alias %s: ACME certificate for %s", r->alias,
	    r->names[0]);
	if (ks_txn_commit(t, "acme", desc, cause) != 0)
		goto out;
	sa_wrote(s, sw_path(t->sw), sw_backup_id(t->sw));
	rc = 0;
out:
	step_result_free(&sr);
	ks_txn_close(t);
	free(desc);
	return (rc);
}

/* A new file through the safe-write path (refused when it exists). */
static int
sa_write_new(struct sa *s, const char *path, const unsigned char *data,
    size_t len, bool private, const char *desc, char **cause)
{
	struct sw_file	*sw = NULL;
	struct sw_meta	 meta;
	int		 rc = -1;

	if (sw_open(path, SW_CREATE, &sw, cause) != 0)
		return (-1);
	if (sw_exists(sw)) {
		cause_set(cause, "%s: appeared meanwhile; not overwritten",
		    path);
		goto out;
	}
	memset(&meta, 0, sizeof meta);
	meta.command = "acme";
	meta.description = desc;
	meta.mode = private ? 0600 : (s->m->owner.mode != 0 ?
	    s->m->owner.mode : 0644);
	if (private && s->m->owner.mode != 0)
		meta.mode = s->m->owner.mode;
	meta.flags = private ? SW_PRIVATE : 0;
	meta.owner = &s->m->owner;
	if (sw_commit(sw, data, len, NULL, NULL, &meta, cause) != 0)
		goto out;
	sa_wrote(s, sw_path(sw), 0);
	rc = 0;
out:
	sw_close(sw);
	return (rc);
}

/* The key (PKCS#8 PEM, encrypted with the key password when the server
 * has one) and the chain as new PEM files. */
static int
sa_write_pem(struct sa *s, struct evp_pkey_st *pk, char **cause)
{
	struct key_material	*mat = s->mat;
	struct step_acme_result	*r = s->r;
	BIO			*bio;
	BUF_MEM			*bm;
	char			*pem = NULL, *c;
	size_t			 len = 0, i;
	int			 ok, rc = -1;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		fatalx("out of memory");
	if (mat->keypass != NULL && mat->keypass->len > 0)
		ok = PEM_write_bio_PKCS8PrivateKey(bio, pk, EVP_aes_256_cbc(),
		    mat->keypass->buf, (int)mat->keypass->len, NULL, NULL);
	else
		ok = PEM_write_bio_PKCS8PrivateKey(bio, pk, NULL, NULL, 0,
		    NULL, NULL);
	if (!ok) {
		cause_ssl(cause, "%s: cannot encode the key", r->key_path);
		BIO_free(bio);
		return (-1);
	}
	BIO_get_mem_ptr(bio, &bm);
	rc = sa_write_new(s, r->key_path, (unsigned char *)bm->data,
	    bm->length, true, "ACME private key", cause);
	OPENSSL_cleanse(bm->data, bm->length);
	BIO_free(bio);
	if (rc != 0)
		return (-1);
	for (i = 0; i < r->cert.nchain; i++) {
		c = cert_pem(r->cert.chain[i]);
		pem = xreallocarray(pem, len + strlen(c) + 1, 1);
		memcpy(pem + len, c, strlen(c) + 1);
		len += strlen(c);
		free(c);
	}
	rc = sa_write_new(s, r->cert_path, (unsigned char *)pem, len, false,
	    "ACME certificate chain", cause);
	free(pem);
	return (rc);
}

/* The settings switched to the new material. */
static int
sa_write_settings(struct sa *s, char **cause)
{
	struct step_settings_opts	 o;
	struct step_result		 sr;
	struct sa_group			*g;
	size_t				 i;
	int				 rc;

	for (i = 0; i < s->ngroups; i++) {
		g = &s->groups[i];
		memset(&o, 0, sizeof o);
		memset(&sr, 0, sizeof sr);
		o.props = g->props;
		o.nprops = g->n;
		if (g->src->format == CFG_FMT_YAML)
			rc = step_settings_yaml(g->src->path, g->docs, &o, &sr,
			    cause);
		else
			rc = step_settings(g->src->path, &o, &sr, cause);
		if (rc == 0 && sr.backup_id != 0)
			sa_wrote(s, g->src->path, sr.backup_id);
		step_result_free(&sr);
		if (rc != 0)
			return (-1);
	}
	return (0);
}

/* ------------------------------------------------------------------ */
/* Reload, verify, roll back */

static int
sa_restart(struct sa *s, bool cancellable, char **cause)
{
	char	*what;
	int	 rc;

	if (s->restart == NULL)
		return (0);
	xasprintf(&what, "restart command %s", s->restart[0]);
	rc = acme_cmd_run(s->restart, what, STEP_ACME_RESTART_TIMEOUT,
	    cancellable ? s->o->acme.cancel : NULL,
	    cancellable ? s->o->acme.cancel_fd : -1, cause);
	free(what);
	return (rc);
}

/* Probe until the served leaf is want (SHA-256), or the time is up;
 * what is served last goes into the result.  1 served, 0 not. */
static int
sa_probe(struct sa *s, const unsigned char *want, int seconds,
    bool cancellable)
{
	struct step_acme_result	*r = s->r;
	struct probe_target	 tg;
	struct probe_result	*pr = NULL;
	char			*cause = NULL, hex[2 * CERT_SHA256_LEN + 1];
	const char		*sni = NULL;
	int64_t			 end;
	bool			 ip;
	char			*n0;
	int			 served = 0;

	memset(&tg, 0, sizeof tg);
	if (probe_target(s->m, s->o->probe_host, s->o->probe_port, NULL, &tg,
	    &cause) != 0) {
		free(r->served_error);
		r->served_error = cause;
		return (0);
	}
	n0 = xstrdup(r->names[0]);
	if (acme_name_check(n0, &ip, &cause) == 0 && !ip &&
	    strncmp(n0, "*.", 2) != 0)
		sni = n0;
	free(cause);
	cause = NULL;
	end = step_now_ms() + (int64_t)seconds * 1000;
	for (;;) {
		probe_result_free(pr);
		pr = NULL;
		free(cause);
		cause = NULL;
		if (probe_fetch(tg.host, tg.port, sni, 2000, &pr,
		    &cause) == 0 && pr->nchain > 0 &&
		    memcmp(cert_sha256(pr->chain[0]), want,
		    CERT_SHA256_LEN) == 0) {
			served = 1;
			break;
		}
		if (step_now_ms() >= end ||
		    (cancellable && sa_cancelled(s)))
			break;
		(void)usleep(250 * 1000);
	}
	free(r->served_sha256);
	free(r->served_subject);
	free(r->served_error);
	r->served_sha256 = r->served_subject = r->served_error = NULL;
	if (pr != NULL && pr->nchain > 0) {
		sa_hex(cert_sha256(pr->chain[0]), CERT_SHA256_LEN, hex);
		r->served_sha256 = xstrdup(hex);
		r->served_subject = xstrdup(pr->chain[0]->info.subject);
		r->served_not_after = pr->chain[0]->info.not_after;
	} else
		r->served_error = cause != NULL ? cause : xstrdup("nothing "
		    "was served");
	if (r->served_error != cause)
		free(cause);
	probe_result_free(pr);
	probe_target_done(&tg);
	free(n0);
	return (served);
}

/* Every file back: settings and keystores from their backups (SHA-256
 * checked), new files removed. */
static int
sa_rollback(struct sa *s, char **cause)
{
	struct step_acme_result	*r = s->r;
	struct backup_rec	*rec;
	struct backup_outcome	 bo;
	unsigned char		*buf;
	size_t			 len, i;
	char			 hex[65], *c = NULL;
	int			 rc = 0;

	for (i = r->nfiles; i-- > 0;) {
		if (r->backups[i] == 0) {
			if (unlink(r->files[i]) != 0 && errno != ENOENT) {
				cause_set(cause, "%s: cannot remove: %s",
				    r->files[i], strerror(errno));
				rc = -1;
			} else
				sa_note(s, SA_P_ROLLBACK, "removed %s",
				    r->files[i]);
			continue;
		}
		xasprintf(&c, "%u", r->backups[i]);
		memset(&bo, 0, sizeof bo);
		if (backup_find(c, &rec, cause) != 0) {
			free(c);
			rc = -1;
			continue;
		}
		free(c);
		if (backup_restore(rec, 0, &bo, cause) != 0) {
			backup_rec_free(rec);
			rc = -1;
			continue;
		}
		if (file_read(rec->path, &buf, &len, cause) == 0) {
			sw_sha256_hex(buf, len, hex);
			free(buf);
			if (strcmp(hex, rec->sha256) != 0) {
				cause_set(cause, "%s: not its previous bytes "
				    "after the restore", rec->path);
				rc = -1;
			} else
				sa_note(s, SA_P_ROLLBACK, "%s: back to its "
				    "previous bytes (backup %u)", rec->path,
				    rec->id);
		} else
			rc = -1;
		backup_rec_free(rec);
	}
	return (rc);
}

/* ------------------------------------------------------------------ */

static void
sa_free(struct sa *s)
{
	size_t	i;

	free(s->state);
	free(s->cert_value);
	free(s->key_value);
	free(s->restart);
	free(s->restart_buf);
	for (i = 0; i < s->ngroups; i++) {
		free(s->groups[i].props);
		free(s->groups[i].docs);
	}
	free(s->groups);
}

/* The key for the certificate. */
static int
sa_keygen(struct sa *s, struct evp_pkey_st **pk, char **cause)
{
	const char	*k = s->o->key;

	if (k == NULL || strcmp(k, "rsa2048") == 0)
		return (keygen_generate_cancel("rsa", 2048, NULL,
		    s->o->acme.cancel, pk, cause));
	if (strcmp(k, "rsa3072") == 0)
		return (keygen_generate_cancel("rsa", 3072, NULL,
		    s->o->acme.cancel, pk, cause));
	if (strcmp(k, "ec256") == 0)
		return (keygen_generate("ec", 0, "P-256", pk, cause));
	if (strcmp(k, "ec384") == 0)
		return (keygen_generate("ec", 0, "P-384", pk, cause));
	cause_set(cause, "unknown key type %s", k);
	return (-1);
}

int
step_acme(struct server_model *m, const struct step_acme_opts *o,
    struct step_acme_result *r, char **cause)
{
	struct sa		 s;
	struct acme		*a = NULL;
	struct acme_opts	 ao = o->acme;
	struct evp_pkey_st	*pk = NULL;
	unsigned char		*csr = NULL, want[CERT_SHA256_LEN];
	char			*why = NULL, *rb = NULL, *c2 = NULL;
	size_t			 csrlen = 0;
	int			 d, rc = -1, secs;

	memset(r, 0, sizeof *r);
	memset(&s, 0, sizeof s);
	s.m = m;
	s.mat = m->served;
	s.o = o;
	s.r = r;
	r->outcome = SA_FAILED;
	secs = o->verify_timeout > 0 ? o->verify_timeout :
	    STEP_ACME_VERIFY_TIMEOUT;
	if (s.mat->nchain > 0)
		s.cur = s.mat->chain[0];
	else if (s.mat->key_entry != NULL && s.mat->key_entry->nchain > 0)
		s.cur = s.mat->key_entry->chain[0];
	if (ao.state_dir == NULL) {
		if (acme_state_dir(&s.state, cause) != 0)
			goto out;
		ao.state_dir = s.state;
	}
	s.state_dir = ao.state_dir;
	/* The options are checked before anything else (no network). */
	if (acme_new(&ao, &a, cause) != 0)
		goto out;
	if ((d = sa_decide(&s, cause)) < 0)
		goto out;
	sa_note(&s, SA_P_DECIDE, "%s", r->decision);
	if (d == 0) {
		r->outcome = SA_NOTHING;
		rc = 0;
		goto out;
	}
	if (sa_check(&s, cause) != 0)
		goto out;

	/* The network: nothing of the server is written before the
	 * chain is here. */
	if (acme_account(a, o->dry_run, &r->account, cause) != 0)
		goto out;
	if (o->dry_run) {
		r->outcome = SA_PLANNED;
		rc = 0;
		goto out;
	}
	sa_note(&s, SA_P_ORDER, "new %s key, order for %zu name%s",
	    o->key != NULL ? o->key : "rsa2048", r->nnames,
	    r->nnames == 1 ? "" : "s");
	if (sa_keygen(&s, &pk, cause) != 0 ||
	    acme_csr(pk, (const char *const *)r->names, r->nnames, &csr,
	    &csrlen, cause) != 0 ||
	    acme_order_cert(a, (const char *const *)r->names, r->nnames, csr,
	    csrlen, &r->cert, cause) != 0)
		goto out;
	if (sa_cancelled(&s)) {
		cause_set(cause, "cancelled (nothing was written)");
		goto out;
	}
	memcpy(want, cert_sha256(r->cert.chain[0]), CERT_SHA256_LEN);

	/* The writes: the key material first, then the settings. */
	if (s.mat->where == KM_KEYSTORE)
		rc = sa_write_keystore(&s, &pk, &why);
	else
		rc = sa_write_pem(&s, pk, &why);
	if (rc == 0) {
		sa_note(&s, SA_P_WRITE, "%s: new %s written", r->files[0],
		    r->alias != NULL ? "key entry" : "files");
		if (sa_cancelled(&s))
			why = xstrdup("cancelled");
	}
	if (why == NULL && (rc = sa_write_settings(&s, &why)) == 0)
		sa_note(&s, SA_P_WRITE, "settings switched to %s",
		    r->alias != NULL ? r->alias : r->cert_path);
	if (why == NULL && sa_cancelled(&s))
		why = xstrdup("cancelled");
	rc = -1;

	/* Reload and verify. */
	if (why == NULL) {
		sa_note(&s, SA_P_RELOAD, "restart: %s", r->restart);
		if (sa_restart(&s, true, &why) == 0) {
			sa_note(&s, SA_P_VERIFY, "waiting for the new "
			    "certificate to be served (up to %d s)", secs);
			if (sa_probe(&s, want, secs, true))
				rc = 0;
			else if (sa_cancelled(&s))
				why = xstrdup("cancelled");
			else
				xasprintf(&why, "the new certificate was not "
				    "served within %d s (%s)", secs,
				    r->served_error != NULL ?
				    r->served_error : "the old one still is");
		}
	}
	if (rc == 0) {
		r->outcome = SA_RENEWED;
		sa_note(&s, SA_P_DONE, "the new certificate is served");
		if (step_acme_record(ao.state_dir, ao.directory,
		    r->cert.chain[0], &c2) != 0) {
			sa_note(&s, SA_P_DONE, "note: %s", c2);
			free(c2);
		}
		goto out;
	}

	/* Roll back whatever was written. */
	r->failure = why;
	why = NULL;
	if (!s.wrote) {
		cause_set(cause, "%s (nothing was changed)", r->failure);
		goto out;
	}
	sa_note(&s, SA_P_ROLLBACK, "%s: putting every file back",
	    r->failure);
	if (sa_rollback(&s, &rb) != 0) {
		cause_set(cause, "%s; the rollback failed: %s", r->failure,
		    rb);
		goto out;
	}
	r->rolled_back = true;
	r->outcome = SA_ROLLED_BACK;
	if (sa_restart(&s, false, &rb) != 0) {
		cause_set(cause, "%s; every file was put back, but the "
		    "restart failed again: %s", r->failure, rb);
		goto out;
	}
	if (s.cur != NULL)
		(void)sa_probe(&s, cert_sha256(s.cur), secs, false);
	cause_set(cause, "%s; every file was put back and the server "
	    "restarted", r->failure);
out:
	if (r->outcome == SA_FAILED && !s.wrote && r->failure == NULL &&
	    cause != NULL && *cause != NULL)
		r->failure = xstrdup(*cause);
	if (a != NULL)
		r->bad_nonces = acme_bad_nonces(a);
	acme_free(a);
	key_free(pk);
	free(csr);
	free(why);
	free(rb);
	sa_free(&s);
	return (rc);
}

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
#include <openssl/x509.h>

#include "core.h"

#define SA_ISSUED_MAX	(1024 * 1024)	/* the issued record, bytes */
#define SA_RESTART_WORDS 64

/* One settings file to edit. */

/* A run's state. */
struct sa {
	struct server_model		*m;
	struct key_material		*mat;
	const struct step_acme_opts	*o;
	struct step_acme_result		*r;
	struct cert			*cur;	/* served certificate, or NULL */
	char				*state;	/* state directory (owned) */
	const char			*state_dir;
	struct ks_entry			*entry;	/* the key entry renewed */
	char				*cert_value;	/* PEM settings values */
	char				*key_value;
	struct srv_reload		 rl;	/* how the server takes it */
	bool				 in_place; /* same alias or files */
	struct cfg_plan_group		*groups;
	size_t				 ngroups;
	struct step_conf_plan		 cplan;	/* the kind's files */
	bool				 use_cplan;
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
	for (i = 0; i < r->npruned; i++)
		free(r->pruned[i]);
	free(r->pruned);
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


/* How the server takes the new material: 0, or -1 when no way is
 * known. */
static int
sa_restart_plan(struct sa *s, char **cause)
{
	const struct step_acme_opts *o = s->o;
	struct srv_reload_opts	 ro;

	memset(&ro, 0, sizeof ro);
	ro.restart = o->restart;
	ro.manager_user = o->manager_user;
	ro.manager_pass = o->manager_pass;
	if (srv_reload_plan(s->m, s->mat, &ro, &s->rl, cause) != 0)
		return (-1);
	if (s->rl.how == SRV_RELOAD_NONE) {
		cause_set(cause, "no way to restart the server is known: %s",
		    s->rl.text);
		return (-1);
	}
	s->r->restart = xstrdup(s->rl.text);
	return (0);
}

/* The settings edits: the kind's own files (plan_set), else the
 * properties or YAML source that wins (cfg_plan). */
static int
sa_settings_plan(struct sa *s, const struct step_prop *props, size_t n,
    char **cause)
{
	const struct server_kind *k = s->m->kind;

	if (k != NULL && k->plan_set != NULL) {
		s->use_cplan = true;
		return (k->plan_set(s->m, props, n, &s->cplan, cause));
	}
	return (cfg_plan_groups(s->m, props, n, &s->groups, &s->ngroups,
	    cause));
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
	if (sa_restart_plan(s, &rcause) != 0) {
		cause_set(cause, "%s", rcause);
		free(rcause);
		return (-1);
	}
	/* A server that re-reads the same files (sslReload, ssl-reload),
	 * or one that serves every entry by SNI (Jetty): the renewal
	 * replaces the entry or files in place; the previous ones stay in
	 * the backups. */
	s->in_place = s->rl.in_place || (mat->by_sni && mat->keys.alias ==
	    NULL);
	switch (mat->where) {
	case KM_KEYSTORE:
		if (mat->ks == NULL || s->entry == NULL) {
			cause_set(cause, "%s: %s", mat->path, mat->ks_error !=
			    NULL ? mat->ks_error : "no key entry to renew");
			return (-1);
		}
		if (mat->storepass == NULL || mat->storepass->len == 0) {
			cause_set(cause, "%s: the keystore has no password: "
			    "the new key would not be encrypted", mat->path);
			return (-1);
		}
		if (mat->keys.alias == NULL && !s->in_place) {
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
		xasprintf(&r->where, "%s (%s), alias %s", mat->path,
		    ks_format_name(mat->ks->format), s->entry->alias);
		if (s->in_place) {
			r->alias = xstrdup(s->entry->alias);
			ks_txn_close(t);
			sa_push(&r->plan, &r->nplan, "key entry \"%s\" in %s "
			    "replaced in place (the previous one stays in "
			    "the backup): %s", r->alias, mat->path,
			    s->rl.in_place ? "the server re-reads the same "
			    "file and settings" : "the server serves every "
			    "entry by SNI");
			break;
		}
		r->alias = sa_new_alias(t->ks, s->entry->alias, day);
		ks_txn_close(t);
		p[0].key = mat->keys.alias;
		p[0].value = r->alias;
		p[0].secret = NULL;
		sa_push(&r->plan, &r->nplan, "new key entry \"%s\" in %s "
		    "(the old \"%s\" stays)", r->alias, mat->path,
		    s->entry->alias);
		if (sa_settings_plan(s, p, 1, cause) != 0)
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
		if (s->in_place) {
			r->cert_path = xstrdup(mat->cert_path);
			r->key_path = xstrdup(mat->key_path);
			xasprintf(&r->where, "%s and %s (PEM)", mat->cert_path,
			    mat->key_path);
			sa_push(&r->plan, &r->nplan, "%s and %s replaced in "
			    "place (the previous ones stay in the backups): "
			    "the server re-reads the same files",
			    r->cert_path, r->key_path);
			break;
		}
		r->cert_path = sa_new_file(mat->cert_path, day);
		r->key_path = sa_new_file(mat->key_path, day);
		if (strcmp(r->cert_path, r->key_path) == 0) {
			free(r->key_path);
			xasprintf(&r->key_path, "%s.key", r->cert_path);
		}
		s->cert_value = cfg_value_renamed(s->m, mat->keys.cert,
		    mat->cert_path, r->cert_path);
		s->key_value = cfg_value_renamed(s->m, mat->keys.key,
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
		if (sa_settings_plan(s, p, 2, cause) != 0)
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
	for (i = 0; i < s->cplan.nfiles; i++)
		sa_push(&r->plan, &r->nplan, "switch %s in %s",
		    s->cplan.files[i].nedits == 1 ?
		    s->cplan.files[i].edits[0].key : "the settings",
		    s->cplan.files[i].path);
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
	if (!s->in_place && keystore_find(t->ks, r->alias) != NULL) {
		cause_set(cause, "%s: alias \"%s\" appeared meanwhile; not "
		    "replaced", mat->path, r->alias);
		goto out;
	}
	if (s->in_place && keystore_find(t->ks, r->alias) == NULL) {
		cause_set(cause, "%s: alias \"%s\" vanished meanwhile",
		    mat->path, r->alias);
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
	xasprintf(&desc, "%s alias %s: ACME certificate for %s",
	    s->in_place ? "replaced" : "added", r->alias, r->names[0]);
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

/* A new file through the safe-write path (refused when it exists), or
 * in place: the existing file replaced, its backup kept. */
static int
sa_write_new(struct sa *s, const char *path, const unsigned char *data,
    size_t len, bool private, const char *desc, char **cause)
{
	struct sw_file	*sw = NULL;
	struct sw_meta	 meta;
	int		 rc = -1;

	if (sw_open(path, s->in_place ? 0 : SW_CREATE, &sw, cause) != 0)
		return (-1);
	if (!s->in_place && sw_exists(sw)) {
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
	sa_wrote(s, sw_path(sw), s->in_place ? sw_backup_id(sw) : 0);
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
	struct cfg_plan_group		*g;
	size_t				 i;
	int				 rc;

	for (i = 0; i < s->cplan.nfiles; i++) {
		memset(&o, 0, sizeof o);
		memset(&sr, 0, sizeof sr);
		rc = step_conf(&s->cplan.files[i], &o, &sr, cause);
		if (rc == 0 && sr.backup_id != 0)
			sa_wrote(s, s->cplan.files[i].path, sr.backup_id);
		step_result_free(&sr);
		if (rc != 0)
			return (-1);
	}
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
	return (srv_reload_run(&s->rl, STEP_ACME_RESTART_TIMEOUT,
	    cancellable ? s->o->acme.cancel : NULL,
	    cancellable ? s->o->acme.cancel_fd : -1, cause));
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
	char			 pbuf[16] = "";
	const char		*sni = NULL;
	int64_t			 end;
	bool			 ip;
	char			*n0;
	int			 served = 0;

	memset(&tg, 0, sizeof tg);
	if (s->o->probe_port == NULL && s->mat->port > 0)
		snprintf(pbuf, sizeof pbuf, "%d", s->mat->port);
	if (probe_target(s->m, s->o->probe_host, s->o->probe_port != NULL ?
	    s->o->probe_port : (*pbuf != '\0' ? pbuf : NULL), NULL, &tg,
	    &cause) != 0) {
		free(r->served_error);
		r->served_error = cause;
		return (0);
	}
	n0 = xstrdup(s->o->host != NULL ? s->o->host : r->names[0]);
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
/* Pruning: earlier entries or files this ACME client made */

/* Length of name's base: name is BASE-acme-YYYYMMDD[-N]; 0 when not. */
static size_t
sa_acme_base(const char *name, size_t len)
{
	const char	*p, *end = name + len;
	size_t		 i;

	for (p = name; p + 14 <= end; p++) {
		if (strncmp(p, "-acme-", 6) != 0)
			continue;
		for (i = 0; i < 8 && p[6 + i] >= '0' && p[6 + i] <= '9'; i++)
			;
		if (i != 8)
			continue;
		if (p + 14 == end)
			return ((size_t)(p - name));
		if (p[14] != '-' || p + 15 == end)
			continue;
		for (i = 15; p + i < end && p[i] >= '0' && p[i] <= '9'; i++)
			;
		if (p + i == end)
			return ((size_t)(p - name));
	}
	return (0);
}

/* Is this certificate's SHA-256 in an issued record? */
static bool
sa_issued_sha(char **sha, size_t n, const struct cert *c)
{
	char	hex[2 * CERT_SHA256_LEN + 1];
	size_t	i;

	sa_hex(cert_sha256((struct cert *)c), CERT_SHA256_LEN, hex);
	for (i = 0; i < n; i++)
		if (strcmp(sha[i], hex) == 0)
			return (true);
	return (false);
}

/* Is alias (or the file) used by another material of the server? */
static bool
sa_in_use(struct sa *s, const char *path, const char *alias)
{
	struct key_material	*mat;
	size_t			 i;

	for (i = 0; i < s->m->nmaterials; i++) {
		mat = s->m->materials[i];
		if (mat == s->mat)
			continue;
		if (alias == NULL) {
			if ((mat->cert_path != NULL &&
			    strcmp(mat->cert_path, path) == 0) ||
			    (mat->key_path != NULL &&
			    strcmp(mat->key_path, path) == 0))
				return (true);
			continue;
		}
		if (mat->path == NULL || strcmp(mat->path, path) != 0)
			continue;
		if (mat->key_entry == NULL || (mat->alias != NULL &&
		    strcmp(mat->alias, alias) == 0) ||
		    strcmp(mat->key_entry->alias, alias) == 0)
			return (true);
	}
	return (false);
}

struct sa_old {
	char	*name;		/* alias, or the certificate file */
	char	*key;		/* PEM: its key file */
	int64_t	 nb;		/* notBefore: newest first */
};

static int
sa_old_cmp(const void *a, const void *b)
{
	const struct sa_old	*x = a, *y = b;

	return (x->nb > y->nb ? -1 : x->nb < y->nb);
}

static void
sa_pruned(struct sa *s, const char *what)
{
	struct step_acme_result	*r = s->r;

	r->pruned = xreallocarray(r->pruned, r->npruned + 1,
	    sizeof *r->pruned);
	r->pruned[r->npruned++] = xstrdup(what);
}

/* Earlier ACME key entries of the keystore, one transaction. */
static int
sa_prune_keystore(struct sa *s, char **sha, size_t nsha, char **cause)
{
	struct step_acme_result	*r = s->r;
	struct ks_txn		*t = NULL;
	struct ks_entry		*e;
	struct sa_old		*old = NULL;
	char			*desc = NULL, *d;
	size_t			 base, n = 0, i, j;
	int			 rc = -1;

	if ((base = sa_acme_base(r->alias, strlen(r->alias))) == 0)
		return (0);
	if (ks_txn_open(s->mat->path, s->mat->storepass, 0, KS_FMT_UNKNOWN,
	    &t, cause) != 0)
		return (-1);
	for (i = 0; i < t->ks->nentries; i++) {
		e = t->ks->entries[i];
		if (e->type != KS_ENTRY_KEY || e->nchain == 0 ||
		    strcmp(e->alias, r->alias) == 0 ||
		    e->alias_len != strlen(e->alias) ||
		    sa_acme_base(e->alias, e->alias_len) != base ||
		    strncmp(e->alias, r->alias, base) != 0 ||
		    !sa_issued_sha(sha, nsha, e->chain[0]) ||
		    sa_in_use(s, s->mat->path, e->alias))
			continue;
		old = xreallocarray(old, n + 1, sizeof *old);
		old[n].name = e->alias;
		old[n].key = NULL;
		old[n++].nb = e->chain[0]->info.not_before;
	}
	qsort(old, n, sizeof *old, sa_old_cmp);
	if (n <= (size_t)s->o->prune_keep) {
		rc = 0;
		goto out;
	}
	desc = xstrdup("pruned earlier ACME entries:");
	for (i = (size_t)s->o->prune_keep; i < n; i++) {
		for (j = 0; j < t->ks->nentries; j++)
			if (t->ks->entries[j]->alias == old[i].name)
				break;
		sa_pruned(s, old[i].name);
		xasprintf(&d, "%s %s", desc, old[i].name);
		free(desc);
		desc = d;
		keystore_remove(t->ks, j);
	}
	if ((rc = ks_txn_commit(t, "acme", desc, cause)) == 0)
		sa_note(s, SA_P_DONE, "%s: %s (backup %u)", s->mat->path,
		    desc, sw_backup_id(t->sw));
out:
	free(old);
	free(desc);
	ks_txn_close(t);
	return (rc);
}

/* Remove a file after a backup of its bytes (the safe-write lock held). */
static int
sa_remove_backed(const char *path, char **cause)
{
	struct sw_file		*sw = NULL;
	struct sw_meta		 meta;
	const unsigned char	*data;
	size_t			 len;
	unsigned int		 id;
	int			 rc = -1;

	if (sw_open(path, 0, &sw, cause) != 0)
		return (-1);
	sw_content(sw, &data, &len);
	memset(&meta, 0, sizeof meta);
	meta.command = "acme";
	meta.description = "pruned: an earlier ACME file";
	if (backup_create(path, data, len, sw_mode(sw), &meta, &id,
	    cause) != 0)
		goto out;
	if (unlink(path) != 0) {
		cause_set(cause, "%s: cannot remove: %s", path,
		    strerror(errno));
		(void)backup_forget(id, NULL);
		goto out;
	}
	rc = 0;
out:
	sw_close(sw);
	return (rc);
}

/* DIR/ and the base name's stem and extension of path. */
static void
sa_split(const char *path, size_t *dirlen, const char **stem,
    size_t *stemlen, const char **ext)
{
	const char	*b, *dot;

	b = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	dot = strrchr(b, '.');
	if (dot == NULL || dot == b)
		dot = b + strlen(b);
	*dirlen = (size_t)(b - path);
	*stem = b;
	*stemlen = (size_t)(dot - b);
	*ext = dot;
}

/* Does the key file hold the certificate's key? */
static bool
sa_key_pairs(struct sa *s, const char *path, const struct cert *c)
{
	struct evp_pkey_st	*pk = NULL;
	unsigned char		*buf = NULL, *der = NULL;
	char			*cause = NULL;
	size_t			 len;
	int			 dl;
	bool			 yes = false;

	if (file_read(path, &buf, &len, &cause) == 0 &&
	    pem_key_read_mem(buf, len, path, s->mat->keypass, &pk,
	    &cause) == 0 && (dl = i2d_PUBKEY(pk, &der)) > 0)
		yes = (size_t)dl == c->info.spki_der.len &&
		    memcmp(der, c->info.spki_der.p, (size_t)dl) == 0;
	if (buf != NULL) {
		OPENSSL_cleanse(buf, len);
		free(buf);
	}
	OPENSSL_free(der);
	key_free(pk);
	free(cause);
	return (yes);
}

/* Earlier ACME certificate files beside the new one, with their keys. */
static int
sa_prune_pem(struct sa *s, char **sha, size_t nsha, char **cause)
{
	struct step_acme_result	*r = s->r;
	struct sa_old		*old = NULL;
	struct cert		**certs;
	DIR			*dir;
	struct dirent		*de;
	const char		*cstem, *cext, *kstem, *kext;
	char			*cdir, *path, *kpath, *c = NULL;
	size_t			 cdl, csl, kdl, ksl, base, kbase, nc, n = 0, i;
	size_t			 nl;
	int			 rc = 0;

	sa_split(r->cert_path, &cdl, &cstem, &csl, &cext);
	sa_split(r->key_path, &kdl, &kstem, &ksl, &kext);
	if ((base = sa_acme_base(cstem, csl)) == 0 ||
	    (kbase = sa_acme_base(kstem, ksl)) == 0)
		return (0);
	cdir = cdl > 0 ? xstrndup(r->cert_path, cdl) : xstrdup("./");
	if ((dir = opendir(cdir)) == NULL) {
		cause_set(cause, "%s: %s", cdir, strerror(errno));
		free(cdir);
		return (-1);
	}
	while ((de = readdir(dir)) != NULL) {
		nl = strlen(de->d_name);
		if (nl <= strlen(cext) || strcmp(de->d_name + nl -
		    strlen(cext), cext) != 0 || strncmp(de->d_name, cstem,
		    base) != 0 || sa_acme_base(de->d_name, nl -
		    strlen(cext)) != base)
			continue;
		xasprintf(&path, "%s%s", cdir, de->d_name);
		if (strcmp(path, r->cert_path) == 0 ||
		    strcmp(path, r->key_path) == 0 ||
		    sa_in_use(s, path, NULL) ||
		    certs_read_file(path, &certs, &nc, &c) != 0) {
			free(c);
			c = NULL;
			free(path);
			continue;
		}
		if (nc == 0 || !sa_issued_sha(sha, nsha, certs[0])) {
			certs_free(certs, nc);
			free(path);
			continue;
		}
		/* The key: the same suffix on the key's stem. */
		xasprintf(&kpath, "%.*s%.*s%.*s%s", (int)kdl, r->key_path,
		    (int)kbase, kstem, (int)(nl - strlen(cext) - base),
		    de->d_name + base, kext);
		if (strcmp(kpath, r->key_path) == 0 ||
		    sa_in_use(s, kpath, NULL) ||
		    !sa_key_pairs(s, kpath, certs[0])) {
			sa_note(s, SA_P_DONE, "%s kept: %s does not hold its "
			    "key", path, kpath);
			certs_free(certs, nc);
			free(kpath);
			free(path);
			continue;
		}
		old = xreallocarray(old, n + 1, sizeof *old);
		old[n].name = path;
		old[n].key = kpath;
		old[n++].nb = certs[0]->info.not_before;
		certs_free(certs, nc);
	}
	closedir(dir);
	free(cdir);
	qsort(old, n, sizeof *old, sa_old_cmp);
	for (i = (size_t)s->o->prune_keep; i < n && rc == 0; i++) {
		if (sa_remove_backed(old[i].key, cause) != 0 ||
		    sa_remove_backed(old[i].name, cause) != 0) {
			rc = -1;
			break;
		}
		sa_pruned(s, old[i].name);
		sa_pruned(s, old[i].key);
		sa_note(s, SA_P_DONE, "pruned %s and %s (backed up)",
		    old[i].name, old[i].key);
	}
	for (i = 0; i < n; i++) {
		free(old[i].name);
		free(old[i].key);
	}
	free(old);
	return (rc);
}

/* After the new certificate is served: remove the earlier entries or
 * files tlsdeck's ACME made for the material (their certificates in an
 * issued record), but the newest prune_keep.  A failure is a note. */
static void
sa_prune(struct sa *s)
{
	char	**sha = NULL, *cause = NULL;
	size_t	  nsha = 0, i;
	int	  rc;

	if (s->in_place) {
		sa_note(s, SA_P_DONE, "nothing to prune: the renewal "
		    "replaced the entry or files in place");
		return;
	}
	step_acme_issued_all(s->state_dir, &sha, &nsha);
	if (s->mat->where == KM_KEYSTORE)
		rc = sa_prune_keystore(s, sha, nsha, &cause);
	else
		rc = sa_prune_pem(s, sha, nsha, &cause);
	if (rc != 0) {
		sa_note(s, SA_P_DONE, "pruning stopped: %s", cause);
		free(cause);
	} else if (s->r->npruned == 0)
		sa_note(s, SA_P_DONE, "nothing to prune");
	for (i = 0; i < nsha; i++)
		free(sha[i]);
	free(sha);
}

/* ------------------------------------------------------------------ */

static void
sa_free(struct sa *s)
{
	free(s->state);
	free(s->cert_value);
	free(s->key_value);
	srv_reload_done(&s->rl);
	step_conf_plan_free(&s->cplan);
	cfg_plan_groups_free(s->groups, s->ngroups);
}

/* Does the host name pattern p (a SAN or host config name, "*.x"
 * allowed) serve name? */
static bool
sa_host_match(const char *p, const char *name)
{
	const char	*dot;

	if (strncasecmp(p, "DNS:", 4) == 0)
		p += 4;
	if (strcasecmp(p, name) == 0)
		return (true);
	if (strncmp(p, "*.", 2) == 0 && (dot = strchr(name, '.')) != NULL &&
	    strcasecmp(p + 1, dot) == 0)
		return (true);
	return (false);
}

/* The material (and key entry) to renew: the N-th as status numbers
 * them, the one serving a host name (an SNI host config, a Jetty entry,
 * a named bundle), else the served one. */
static int
sa_pick(struct sa *s, char **cause)
{
	struct server_model		*m = s->m;
	const struct step_acme_opts	*o = s->o;
	struct key_material		*mat, *exact = NULL, *wild = NULL;
	size_t				 i, j, k;
	int				 n = 0;

	s->mat = m->served;
	if (o->material > 0) {
		s->mat = NULL;
		for (i = 0; i < m->nmaterials && s->mat == NULL; i++) {
			mat = m->materials[i];
			if (mat->where == KM_NONE && mat->nconfigured_by == 0)
				continue;
			if (++n == o->material)
				s->mat = mat;
		}
		if (s->mat == NULL) {
			cause_set(cause, "--material %d: the server has %d "
			    "key material%s (status lists them as keystores)",
			    o->material, n, n == 1 ? "" : "s");
			return (-1);
		}
		if (s->mat->role == KM_ROLE_CLIENT_TRUST) {
			cause_set(cause, "--material %d: %s is a trust store",
			    o->material, s->mat->path != NULL ? s->mat->path :
			    "it");
			return (-1);
		}
	} else if (o->host != NULL) {
		for (i = 0; i < m->nmaterials; i++) {
			mat = m->materials[i];
			if (mat->role == KM_ROLE_CLIENT_TRUST ||
			    mat->role == KM_ROLE_ENCRYPTION)
				continue;
			if (mat->name != NULL && strcasecmp(mat->name,
			    o->host) == 0 && exact == NULL)
				exact = mat;
			for (j = 0; j < mat->nhosts; j++) {
				if (strcasecmp(mat->hosts[j], o->host) == 0 &&
				    exact == NULL)
					exact = mat;
				else if (sa_host_match(mat->hosts[j],
				    o->host) && wild == NULL)
					wild = mat;
			}
		}
		if ((s->mat = exact != NULL ? exact : wild) == NULL) {
			cause_set(cause, "--host %s: no key material of the "
			    "server serves that name", o->host);
			return (-1);
		}
	}
	s->entry = s->mat->key_entry;
	if (s->mat->by_sni && o->host != NULL) {
		/* Jetty: the entry whose certificate names the host. */
		s->entry = NULL;
		for (k = 0; k < 2 && s->entry == NULL; k++)
			for (i = 0; i < s->mat->nentry_hosts &&
			    s->entry == NULL; i++)
				for (j = 0; j < s->mat->entry_hosts[i].nhosts;
				    j++)
					if (k == 0 ? strcasecmp(
					    s->mat->entry_hosts[i].hosts[j],
					    o->host) == 0 : sa_host_match(
					    s->mat->entry_hosts[i].hosts[j],
					    o->host)) {
						s->entry =
						    s->mat->entry_hosts[i].entry;
						break;
					}
		if (s->entry == NULL) {
			cause_set(cause, "--host %s: no key entry of %s names "
			    "it", o->host, s->mat->path);
			return (-1);
		}
	}
	return (0);
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
	s.o = o;
	s.r = r;
	r->outcome = SA_FAILED;
	secs = o->verify_timeout > 0 ? o->verify_timeout :
	    STEP_ACME_VERIFY_TIMEOUT;
	if (sa_pick(&s, cause) != 0)
		goto out;
	if (s.entry != NULL && s.entry != s.mat->key_entry) {
		if (s.entry->nchain > 0)
			s.cur = s.entry->chain[0];
	} else if (s.mat->nchain > 0)
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
		if (o->prune)
			sa_prune(&s);
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

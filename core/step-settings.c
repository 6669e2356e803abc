/* SPDX-License-Identifier: ISC */
/*
 * step-settings.c -- the settings step of the forms, the wizards and
 * `tlsdeck configure`: set or remove properties of
 * application.properties, every other byte kept (props_set, props_unset,
 * props_dedup), through the safe-write path with a verifier and a backup;
 * the change is handed to a show hook (configure's diff) before it is
 * written.  Also what the wizards end with: the password a property holds
 * (as a secret) and the commands that restart the server.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "core.h"

#define SETTINGS_MASK		"********"
#define SETTINGS_INITD		"/etc/init.d/imservice"
#define SETTINGS_UNIT_MAX	(64 * 1024)	/* bytes of a unit file read */
#define SETTINGS_UNITS_MAX	2000		/* unit files looked at */

/* A secret value as a NUL-terminated string to hand to props_set. */
static const char *
settings_value(const struct step_prop *sp)
{
	if (sp->secret != NULL)
		return (sp->secret->buf);
	return (sp->value);
}

/* Wipe and free a string that may hold a password. */
static void
settings_wipe(char *s)
{
	if (s == NULL)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

/* Is the key one whose value must not be shown (nor put on argv)? */
bool
step_settings_is_secret(const char *key)
{
	char	*c = props_canon_key(key);
	size_t	 n = strlen(c);
	bool	 r;

	r = strstr(c, "password") != NULL || strstr(c, "secret") != NULL ||
	    strstr(c, "passphrase") != NULL ||
	    (n >= 4 && strcmp(c + n - 4, "pass") == 0);
	free(c);
	return (r);
}

/* A property name the step writes: printable, no blanks. */
bool
step_settings_key_ok(const char *k)
{
	if (k == NULL || *k == '\0')
		return (false);
	for (; *k != '\0'; k++)
		if ((unsigned char)*k < 0x21 || *k == 0x7f)
			return (false);
	return (true);
}

/* Is props[i] the last edit of its key (relaxed)?  Only that one counts. */
static bool
settings_last(const struct step_settings_opts *o, size_t i)
{
	char	*a, *b;
	size_t	 j;
	bool	 later = false;

	a = props_canon_key(o->props[i].key);
	for (j = i + 1; j < o->nprops && !later; j++) {
		b = props_canon_key(o->props[j].key);
		later = strcmp(a, b) == 0;
		free(b);
	}
	free(a);
	return (!later);
}

/* Entry i of p names a key props_dedup can take (not empty, no NUL)? */
static bool
settings_plain_key(const struct props *p, size_t i)
{
	const struct prop_entry	*pe = props_entry(p, i);

	return (pe->key_len > 0 && memchr(pe->key, '\0', pe->key_len) == NULL);
}

/* sw_commit's verifier: each property reads back once, as intended. */
static int
settings_verify(const unsigned char *buf, size_t len, void *arg,
    char **cause)
{
	const struct step_settings_opts	*o = arg;
	const struct step_prop		*sp;
	const struct prop_entry		**list = NULL;
	struct props			*p = NULL;
	size_t				 i, n;
	int				 rc = -1;

	if (props_parse(buf, len, "new application.properties", &p,
	    cause) != 0)
		return (-1);
	for (i = 0; i < o->nprops; i++) {
		sp = &o->props[i];
		if (!settings_last(o, i))
			continue;
		n = props_find_all(p, sp->key, &list);
		if (settings_value(sp) == NULL && n != 0) {
			cause_set(cause, "%s is still set after the edit",
			    sp->key);
			goto out;
		}
		if (settings_value(sp) != NULL && (n == 0 ||
		    strcmp(list[n - 1]->value, settings_value(sp)) != 0)) {
			cause_set(cause, "%s does not read back as written",
			    sp->key);
			goto out;
		}
		if (o->dedup && n > 1) {
			cause_set(cause, "%s is still set %zu times", sp->key,
			    n);
			goto out;
		}
		free(list);
		list = NULL;
	}
	for (i = 0; o->dedup_all && i < props_count(p); i++) {
		if (!settings_plain_key(p, i))
			continue;
		n = props_find_all(p, props_entry(p, i)->key, &list);
		free(list);
		list = NULL;
		if (n > 1) {
			cause_set(cause, "%s is still duplicated",
			    props_entry(p, i)->key);
			goto out;
		}
	}
	rc = 0;
out:
	free(list);
	props_free(p);
	return (rc);
}

/* One note per property: what changes. */
static void
settings_note(struct step_result *r, const struct props *old,
    const struct step_prop *sp, bool dedup)
{
	const struct prop_entry	**list = NULL;
	const char		*nv = settings_value(sp);
	const char		*ov;
	bool			 secret;
	size_t			 n;

	secret = sp->secret != NULL || step_settings_is_secret(sp->key);
	n = props_find_all(old, sp->key, &list);
	ov = n > 0 ? list[n - 1]->value : NULL;
	if (nv == NULL) {
		if (n > 0)
			step_note(r, "remove %s (%zu line%s)", sp->key, n,
			    n == 1 ? "" : "s");
	} else if (ov == NULL)
		step_note(r, "add %s = %s", sp->key, secret ? SETTINGS_MASK :
		    nv);
	else if (strcmp(ov, nv) == 0)
		step_note(r, "keep %s = %s%s", sp->key, secret ?
		    SETTINGS_MASK : nv, dedup && n > 1 ? " (duplicates "
		    "removed)" : "");
	else if (secret)
		step_note(r, "change %s (line %d): a new password%s", sp->key,
		    list[n - 1]->line, dedup && n > 1 ? "; duplicates "
		    "removed" : "");
	else
		step_note(r, "change %s (line %d): %s -> %s%s", sp->key,
		    list[n - 1]->line, ov, nv, dedup && n > 1 ?
		    "; duplicates removed" : "");
	free(list);
}

/* Leave one line (the last) for every key of p, relaxed names. */
static int
settings_dedup_all(struct props *p, struct step_result *r, char **cause)
{
	const struct prop_entry	*pe;
	char			**keys = NULL;
	size_t			 i, j, nkeys = 0, removed;
	int			 rc = -1;

	for (i = 0; i < props_count(p); i++) {
		if (!settings_plain_key(p, i))
			continue;
		pe = props_entry(p, i);
		for (j = 0; j < nkeys; j++)
			if (strcmp(keys[j], pe->canon) == 0)
				break;
		if (j < nkeys)
			continue;
		keys = xreallocarray(keys, nkeys + 1, sizeof *keys);
		keys[nkeys++] = xstrdup(pe->canon);
	}
	for (j = 0; j < nkeys; j++) {
		if (props_dedup(p, keys[j], &removed, cause) != 0)
			goto out;
		if (removed > 0)
			step_note(r, "remove %zu duplicate line%s of %s",
			    removed, removed == 1 ? "" : "s", keys[j]);
	}
	rc = 0;
out:
	for (j = 0; j < nkeys; j++)
		free(keys[j]);
	free(keys);
	return (rc);
}

/* A one-line description for the backup manifest (keys, no values). */
static char *
settings_describe(const struct step_settings_opts *o)
{
	char	*d = NULL, *t;
	size_t	 i;

	for (i = 0; i < o->nprops; i++) {
		xasprintf(&t, "%s%s%s %s", d != NULL ? d : "", d != NULL ?
		    ", " : "", settings_value(&o->props[i]) == NULL ?
		    "unset" : "set", o->props[i].key);
		free(d);
		d = t;
	}
	if (o->dedup_all) {
		xasprintf(&t, "%s%sdedup", d != NULL ? d : "", d != NULL ?
		    ", " : "");
		free(d);
		d = t;
	}
	return (d);
}

/* settings: see core.h. */
int
step_settings(const char *path, const struct step_settings_opts *o,
    struct step_result *r, char **cause)
{
	const struct step_prop		*sp;
	struct step_settings_change	 ch;
	struct sw_file			*sw = NULL;
	struct props			*old = NULL, *p = NULL;
	struct sw_meta			 meta;
	const unsigned char		*cur;
	unsigned char			*out = NULL;
	size_t				 curlen, outlen = 0, i, removed;
	char				*desc = NULL;
	int				 rc = -1;

	memset(r, 0, sizeof *r);
	if (o->nprops == 0 && !o->dedup_all) {
		cause_set(cause, "no property to set");
		goto out;
	}
	for (i = 0; i < o->nprops; i++) {
		sp = &o->props[i];
		if (sp->key == NULL || *sp->key == '\0') {
			cause_set(cause, "a property name is empty");
			goto out;
		}
		if (!step_settings_key_ok(sp->key)) {
			cause_set(cause, "not a property name: %s", sp->key);
			goto out;
		}
	}
	if (sw_open(path, 0, &sw, cause) != 0)
		goto out;
	sw_content(sw, &cur, &curlen);
	if (props_parse(cur, curlen, path, &old, cause) != 0 ||
	    props_parse(cur, curlen, path, &p, cause) != 0)
		goto out;
	for (i = 0; i < o->nprops; i++) {
		sp = &o->props[i];
		settings_note(r, old, sp, o->dedup);
		if (settings_value(sp) == NULL) {
			if (props_unset(p, sp->key, &removed, cause) != 0)
				goto out;
			continue;
		}
		if (props_set(p, sp->key, settings_value(sp), cause) != 0)
			goto out;
		if (o->dedup && props_dedup(p, sp->key, &removed,
		    cause) != 0)
			goto out;
	}
	if (o->dedup_all && settings_dedup_all(p, r, cause) != 0)
		goto out;
	props_serialize(p, &out, &outlen);
	if (outlen == curlen && memcmp(out, cur, curlen) == 0) {
		step_note(r, "%s already holds these settings: nothing "
		    "written", path);
		rc = 0;
		goto out;
	}
	if (o->show != NULL) {
		memset(&ch, 0, sizeof ch);
		ch.path = sw_path(sw);
		ch.before = cur;
		ch.beforelen = curlen;
		ch.before_props = old;
		ch.after = out;
		ch.afterlen = outlen;
		ch.after_props = p;
		o->show(&ch, o->show_arg);
	}
	if (o->dry_run) {
		rc = 0;
		goto out;
	}
	desc = settings_describe(o);
	memset(&meta, 0, sizeof meta);
	meta.command = "configure";
	meta.description = desc != NULL ? desc : "settings";
	if (sw_commit(sw, out, outlen, settings_verify, (void *)o, &meta,
	    cause) != 0)
		goto out;
	step_result_sw(r, sw);
	rc = 0;
out:
	if (rc != 0)
		step_result_free(r);
	if (out != NULL) {
		OPENSSL_cleanse(out, outlen);
		free(out);
	}
	props_free(old);
	props_free(p);
	sw_close(sw);
	free(desc);
	return (rc);
}

/* The resolved value of key (the last entry) as a secret, or NULL. */
struct secret *
step_settings_secret(const struct props *p, const char *key)
{
	const struct prop_entry	**list = NULL;
	struct secret		*s = NULL;
	char			*v = NULL, *c2 = NULL;
	size_t			 n;

	if (p == NULL)
		return (NULL);
	n = props_find_all(p, key, &list);
	if (n == 0) {
		free(list);
		return (NULL);
	}
	if (props_resolve(p, list[n - 1]->value, 0, &v, NULL, &c2) == 0)
		s = secret_from_str(v);
	settings_wipe(v);
	free(c2);
	free(list);
	return (s);
}

/* Read up to SETTINGS_UNIT_MAX bytes of a unit file as a string. */
static char *
settings_read_unit(const char *path)
{
	unsigned char	*buf = NULL;
	size_t		 len = 0;
	char		*s;

	if (file_read(path, &buf, &len, NULL) != 0)
		return (NULL);
	if (len > SETTINGS_UNIT_MAX)
		len = SETTINGS_UNIT_MAX;
	s = xstrndup((const char *)buf, len);
	free(buf);
	return (s);
}

/* The systemd unit a process runs in (from its cgroup), or NULL. */
static char *
settings_unit_of_pid(const char *proc, int pid)
{
	char	 path[256], *s, *p, *e, *unit = NULL;

	snprintf(path, sizeof path, "%s/%d/cgroup", proc != NULL ? proc :
	    "/proc", pid);
	if ((s = settings_read_unit(path)) == NULL)
		return (NULL);
	for (p = s; (p = strstr(p, ".service")) != NULL; p++) {
		e = p + 8;
		if (*e != '\n' && *e != '\0' && *e != '/')
			continue;
		while (p > s && p[-1] != '/' && p[-1] != '\n' && p[-1] != ':')
			p--;
		unit = xstrndup(p, (size_t)(e - p));
		break;
	}
	free(s);
	return (unit);
}

/* A unit file in dir that names needle (a path of the server), or NULL. */
static char *
settings_unit_in(const char *dir, const char *needle, size_t *budget)
{
	DIR		*d;
	struct dirent	*de;
	char		*path, *s, *unit = NULL;
	size_t		 len;

	if (needle == NULL || *needle == '\0' || (d = opendir(dir)) == NULL)
		return (NULL);
	while (unit == NULL && *budget > 0 && (de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 8 || strcmp(de->d_name + len - 8, ".service") != 0)
			continue;
		(*budget)--;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		if ((s = settings_read_unit(path)) != NULL &&
		    strstr(s, needle) != NULL)
			unit = xstrdup(de->d_name);
		free(s);
		free(path);
	}
	closedir(d);
	return (unit);
}

/* Add a line to a string array. */
static void
settings_line(char ***lines, size_t *n, const char *fmt, ...)
{
	va_list	ap;

	*lines = xreallocarray(*lines, *n + 1, sizeof **lines);
	va_start(ap, fmt);
	xvasprintf(&(*lines)[*n], fmt, ap);
	va_end(ap);
	(*n)++;
}

/* restart hint: see core.h. */
void
step_restart_hint(const struct server_model *m, const char *initd,
    const char *proc, char ***lines, size_t *n)
{
	static const char	*dirs[] = { "/etc/systemd/system",
	    "/lib/systemd/system", "/usr/lib/systemd/system" };
	const char		*script = initd != NULL ? initd : SETTINGS_INITD;
	char			*unit = NULL, *confdir = NULL, *sl;
	size_t			 i, budget = SETTINGS_UNITS_MAX;
	bool			 im;
	struct stat		 sb;

	*lines = NULL;
	*n = 0;
	im = stat(script, &sb) == 0 || (m != NULL &&
	    (m->shared_data_path != NULL || (m->props != NULL &&
	    props_get(m->props, "im.base-url") != NULL) ||
	    (m->properties != NULL && strstr(m->properties,
	    "integration-manager") != NULL)));
	if (im) {
		settings_line(lines, n, "%s stop", script);
		settings_line(lines, n, "%s start", script);
		return;
	}
	if (m != NULL && m->listen_pid > 0)
		unit = settings_unit_of_pid(proc, m->listen_pid);
	if (unit == NULL && m != NULL && m->properties != NULL) {
		confdir = xstrdup(m->properties);
		if ((sl = strrchr(confdir, '/')) != NULL && sl != confdir)
			*sl = '\0';
		for (i = 0; unit == NULL && i < sizeof dirs / sizeof dirs[0];
		    i++) {
			unit = settings_unit_in(dirs[i], m->properties,
			    &budget);
			if (unit == NULL)
				unit = settings_unit_in(dirs[i], confdir,
				    &budget);
			if (unit == NULL && m->install_path != NULL)
				unit = settings_unit_in(dirs[i],
				    m->install_path, &budget);
		}
	}
	if (unit != NULL)
		settings_line(lines, n, "systemctl restart %s", unit);
	else
		settings_line(lines, n, "restart the Java server that reads "
		    "%s (no init script or systemd unit was found for it)",
		    m != NULL && m->properties != NULL ? m->properties :
		    "application.properties");
	free(unit);
	free(confdir);
}

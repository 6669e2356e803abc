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

#include <ctype.h>
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
#define SETTINGS_NOTES_MAX	100		/* keys --dedup notes name */

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

/* Is entry i a key props_dedup_all leaves once: a property name
 * (props_plain_key), never text that Java happens to read as a key? */
static bool
settings_dedup_key(const struct props *p, size_t i)
{
	const struct prop_entry	*pe = props_entry(p, i);

	return (pe->canon[0] != '\0' && strlen(pe->key) == pe->key_len &&
	    props_plain_key(pe));
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
		if (!settings_dedup_key(p, i) || props_same(p, i, NULL) < 2)
			continue;
		cause_set(cause, "%s is still duplicated",
		    props_entry(p, i)->key);
		goto out;
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

	secret = sp->secret != NULL || secret_key_name(sp->key);
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

/* Leave one line (the last) for every key of p, relaxed names: one note
 * per key that repeats, then one rewrite. */
static int
settings_dedup_all(struct props *p, struct step_result *r, char **cause)
{
	const struct prop_entry	*pe;
	size_t			 i, n, removed, keys = 0, more = 0;
	bool			 first;

	for (i = 0; i < props_count(p); i++) {
		if (!settings_dedup_key(p, i))
			continue;
		if ((n = props_same(p, i, &first)) < 2 || !first)
			continue;
		if (++keys > SETTINGS_NOTES_MAX) {
			more += n - 1;
			continue;
		}
		pe = props_entry(p, i);
		step_note(r, "remove %zu duplicate line%s of %s", n - 1,
		    n == 2 ? "" : "s", pe->canon);
	}
	if (more > 0)
		step_note(r, "remove %zu duplicate lines of %zu more keys",
		    more, keys - SETTINGS_NOTES_MAX);
	return (props_dedup_all(p, &removed, cause));
}

/* The lines of p that hold a secret, with what a diff shows instead. */
static void
settings_masks(const struct props *p, struct step_mask **mp, size_t *np)
{
	const struct prop_entry	*pe;
	struct step_mask	*m = NULL;
	size_t			 i, n = 0, cap = 0;
	int			 ln;

	for (i = 0; i < props_count(p); i++) {
		pe = props_entry(p, i);
		if (!secret_key_name(pe->key))
			continue;
		for (ln = pe->line; ln <= pe->last_line; ln++) {
			if (n == cap) {
				cap = cap == 0 ? 8 : cap * 2;
				m = xreallocarray(m, cap, sizeof *m);
			}
			m[n].line = ln;
			if (ln == pe->line)
				xasprintf(&m[n].show, "%.*s=" SETTINGS_MASK,
				    pe->key_len > 200 ? 200 : (int)pe->key_len,
				    pe->key);
			else
				m[n].show = xstrdup("    " SETTINGS_MASK);
			n++;
		}
	}
	*mp = m;
	*np = n;
}

/* Free what settings_masks made. */
static void
settings_masks_free(struct step_mask *m, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(m[i].show);
	free(m);
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
	struct props			*p = NULL;
	struct step_mask		*bmask = NULL, *amask = NULL;
	struct sw_meta			 meta;
	const unsigned char		*cur;
	unsigned char			*out = NULL;
	size_t				 curlen, outlen = 0, i, removed;
	size_t				 nbmask = 0, namask = 0;
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
	if (txn_open(o->txn, path, 0, &sw, cause) != 0)
		goto out;
	sw_content(sw, &cur, &curlen);
	/* Never edit a file that is not a properties file. */
	if (cfg_sniff(cur, curlen, path, CFG_FMT_PROPERTIES, cause) != 0)
		goto out;
	/*
	 * One document: the notes and the secret lines are taken from it
	 * before it is edited (notes say what changes from the file as it
	 * is), so that memory stays a small multiple of the file.
	 */
	if (props_parse(cur, curlen, path, &p, cause) != 0)
		goto out;
	for (i = 0; i < o->nprops; i++)
		settings_note(r, p, &o->props[i], o->dedup);
	if (o->show != NULL)
		settings_masks(p, &bmask, &nbmask);
	for (i = 0; i < o->nprops; i++) {
		sp = &o->props[i];
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
		settings_masks(p, &amask, &namask);
		memset(&ch, 0, sizeof ch);
		ch.path = sw_path(sw);
		ch.before = cur;
		ch.beforelen = curlen;
		ch.before_mask = bmask;
		ch.nbefore_mask = nbmask;
		ch.after = out;
		ch.afterlen = outlen;
		ch.after_mask = amask;
		ch.nafter_mask = namask;
		o->show(&ch, o->show_arg);
	}
	if (o->dry_run) {
		rc = 0;
		goto out;
	}
	/* The verifier parses the new bytes again: only one document at
	 * a time in memory. */
	props_free(p);
	p = NULL;
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
	props_free(p);
	settings_masks_free(bmask, nbmask);
	settings_masks_free(amask, namask);
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
	struct stat		 sb;

	*lines = NULL;
	*n = 0;
	if (m != NULL && m->kind != NULL && m->kind->restart != NULL) {
		m->kind->restart(m, proc, lines, n);
		if (*n > 0)
			return;
	}
	/* The unit the running server is in. */
	if (m != NULL && m->proc.unit != NULL)
		unit = xstrdup(m->proc.unit);
	else if (m != NULL && m->proc.pid > 0)
		unit = settings_unit_of_pid(proc, m->proc.pid);
	if (unit != NULL) {
		settings_line(lines, n, "systemctl restart %s", unit);
		free(unit);
		return;
	}
	/* The vendor's init script, when it is there. */
	if (stat(script, &sb) == 0 && S_ISREG(sb.st_mode)) {
		settings_line(lines, n, "%s stop", script);
		settings_line(lines, n, "%s start", script);
		return;
	}
	/* A unit file that names the server's files. */
	if (m != NULL && m->properties != NULL) {
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

char *
step_restart_cmds(const struct server_model *m, bool start)
{
	char	**lines, *cmds = NULL, *c, *t;
	size_t	  n, i, len;

	step_restart_hint(m, NULL, NULL, &lines, &n);
	for (i = 0; i < n; i++) {
		len = strlen(lines[i]);
		c = NULL;
		if (start && strncmp(lines[i], "systemctl restart ", 18) == 0)
			xasprintf(&c, "systemctl start %s", lines[i] + 18);
		else if (lines[i][0] == '/' || strncmp(lines[i],
		    "systemctl ", 10) == 0 || strncmp(lines[i],
		    "CATALINA_BASE=", 14) == 0) {
			/* starting: the stop half of a pair is left out */
			if (!start || (!(len >= 5 && strcmp(lines[i] + len - 5,
			    " stop") == 0) && !(len >= 11 &&
			    strcmp(lines[i] + len - 11, "shutdown.sh") == 0)))
				c = xstrdup(lines[i]);
		}
		if (c != NULL) {
			if (cmds == NULL)
				cmds = c;
			else {
				xasprintf(&t, "%s; %s", cmds, c);
				free(cmds);
				free(c);
				cmds = t;
			}
		}
		free(lines[i]);
	}
	free(lines);
	return (cmds);
}

char *
step_start_fix(const struct server_model *m)
{
	char	*cmds, *t;

	if ((cmds = step_restart_cmds(m, true)) == NULL)
		return (xstrdup("start the server and check its log"));
	xasprintf(&t, "start the server (%s) and check its log", cmds);
	free(cmds);
	return (t);
}

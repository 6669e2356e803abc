/* SPDX-License-Identifier: ISC */
/*
 * step-yaml.c -- the settings step for application.yml: set or remove
 * keys of one document through yamldoc.c (only the scalar's bytes change;
 * what cannot be edited in place is refused), re-read and checked by the
 * safe-write path's verifier before the rename, with a backup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core.h"

#define YAML_MASK	"********"

/* The value a property sets (a secret's bytes), or NULL to remove. */
static const char *
yaml_value(const struct step_prop *sp)
{
	if (sp->secret != NULL)
		return (sp->secret->buf);
	return (sp->value);
}

/* Is property i the last one for its key in its document? */
static bool
yaml_last(const struct step_settings_opts *o, const int *docs, size_t i)
{
	char	*a, *b;
	size_t	 j;
	bool	 later = false;

	a = props_canon_key(o->props[i].key);
	for (j = i + 1; j < o->nprops && !later; j++) {
		if (docs[j] != docs[i])
			continue;
		b = props_canon_key(o->props[j].key);
		later = strcmp(a, b) == 0;
		free(b);
	}
	free(a);
	return (!later);
}

struct yaml_verify {
	const struct step_settings_opts	*o;
	const int			*docs;
	const char			*path;
};

/* sw_commit's verifier: the file parses, each key reads back as set. */
static int
yaml_verify(const unsigned char *buf, size_t len, void *arg, char **cause)
{
	const struct yaml_verify	*yv = arg;
	const struct step_settings_opts	*o = yv->o;
	const struct yamldoc_entry	*ye;
	struct yamldoc			*y = NULL;
	const char			*v;
	size_t				 i;
	int				 rc = -1;

	if (yamldoc_parse(buf, len, yv->path, &y, cause) != 0)
		return (-1);
	for (i = 0; i < o->nprops; i++) {
		if (!yaml_last(o, yv->docs, i))
			continue;
		v = yaml_value(&o->props[i]);
		ye = yamldoc_find(y, yv->docs[i], o->props[i].key);
		if (v == NULL && ye != NULL) {
			cause_set(cause, "%s is still set after the edit",
			    o->props[i].key);
			goto out;
		}
		if (v != NULL && (ye == NULL || ye->value_len != strlen(v) ||
		    memcmp(ye->value, v, ye->value_len) != 0)) {
			cause_set(cause, "%s does not read back as written",
			    o->props[i].key);
			goto out;
		}
	}
	rc = 0;
out:
	yamldoc_free(y);
	return (rc);
}

/*
 * The lines of a YAML document that hold a secret (secret_key_name), with
 * what a diff shows instead: the line up to the value, then the mask; a
 * value's further lines (a block scalar) only the mask.
 */
static void
yaml_masks(const unsigned char *buf, size_t len, const struct yamldoc *y,
    struct step_mask **mp, size_t *np)
{
	const struct yamldoc_entry	*ye;
	struct step_mask		*m = NULL;
	size_t				 e, k, n = 0, cap = 0, ls;
	int				 ln, last;

	for (e = 0; y != NULL && e < yamldoc_count(y); e++) {
		ye = yamldoc_entry(y, e);
		if (!secret_key_name(ye->key) || ye->len == 0 ||
		    ye->off + ye->len > len)
			continue;
		last = ye->line;
		for (k = ye->off; k < ye->off + ye->len; k++)
			if (buf[k] == '\n' && k + 1 < ye->off + ye->len)
				last++;
		/* the start of the value's first line */
		for (ls = ye->off; ls > 0 && buf[ls - 1] != '\n'; ls--)
			;
		for (ln = ye->line; ln <= last && ln >= 1; ln++) {
			if (n > 0 && m[n - 1].line >= ln)
				continue;	/* masked already (entries
						   come in file order) */
			if (n == cap) {
				cap = cap == 0 ? 8 : cap * 2;
				m = xreallocarray(m, cap, sizeof *m);
			}
			m[n].line = ln;
			if (ln == ye->line)
				xasprintf(&m[n].show, "%.*s" YAML_MASK,
				    ye->off - ls > 200 ? 200 :
				    (int)(ye->off - ls), buf + ls);
			else
				m[n].show = xstrdup("    " YAML_MASK);
			n++;
		}
	}
	*mp = m;
	*np = n;
}

/* Free what yaml_masks made. */
static void
yaml_masks_free(struct step_mask *m, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(m[i].show);
	free(m);
}

/* One note per property: what changes. */
static void
yaml_note(struct step_result *r, const struct yamldoc *old, int doc,
    const struct step_prop *sp)
{
	const struct yamldoc_entry	*ye;
	const char			*nv = yaml_value(sp);
	bool				 secret;

	secret = sp->secret != NULL || secret_key_name(sp->key);
	ye = yamldoc_find(old, doc, sp->key);
	if (nv == NULL) {
		if (ye != NULL)
			step_note(r, "remove %s (line %d)", sp->key,
			    ye->line);
	} else if (ye == NULL)
		step_note(r, "add %s = %s", sp->key, secret ? YAML_MASK : nv);
	else if (ye->value_len == strlen(nv) &&
	    memcmp(ye->value, nv, ye->value_len) == 0)
		step_note(r, "keep %s = %s", sp->key, secret ? YAML_MASK : nv);
	else if (secret)
		step_note(r, "change %s (line %d): a new password", sp->key,
		    ye->line);
	else
		step_note(r, "change %s (line %d): %s -> %s", sp->key,
		    ye->line, ye->value, nv);
}

int
step_settings_yaml(const char *path, const int *docs,
    const struct step_settings_opts *o, struct step_result *r, char **cause)
{
	const struct step_prop		*sp;
	struct step_settings_change	 ch;
	struct yaml_verify		 yv;
	struct sw_file			*sw = NULL;
	struct yamldoc			*old = NULL, *y = NULL;
	struct sw_meta			 meta;
	const unsigned char		*cur;
	unsigned char			*out = NULL;
	size_t				 curlen, outlen = 0, i, removed;
	char				*desc = NULL, *t;
	struct step_mask		*bmask = NULL, *amask = NULL;
	size_t				 nbmask = 0, namask = 0;
	int				 rc = -1;

	memset(r, 0, sizeof *r);
	if (o->dedup || o->dedup_all) {
		cause_set(cause, "%s: a YAML file has no duplicate keys to "
		    "remove", path);
		return (-1);
	}
	if (o->nprops == 0) {
		cause_set(cause, "no property to set");
		return (-1);
	}
	for (i = 0; i < o->nprops; i++) {
		if (!step_settings_key_ok(o->props[i].key)) {
			cause_set(cause, "not a property name: %s",
			    o->props[i].key);
			return (-1);
		}
	}
	if (txn_open(o->txn, path, 0, &sw, cause) != 0)
		goto out;
	sw_content(sw, &cur, &curlen);
	/* Never edit a file that is not YAML. */
	if (cfg_sniff(cur, curlen, path, CFG_FMT_YAML, cause) != 0 ||
	    yamldoc_parse(cur, curlen, path, &old, cause) != 0 ||
	    yamldoc_parse(cur, curlen, path, &y, cause) != 0)
		goto out;
	for (i = 0; i < o->nprops; i++) {
		sp = &o->props[i];
		if (docs[i] < 0 || (docs[i] > 0 &&
		    docs[i] >= yamldoc_ndocs(y))) {
			cause_set(cause, "%s: no document %d", path,
			    docs[i] + 1);
			goto out;
		}
		yaml_note(r, old, docs[i], sp);
		if (yaml_value(sp) == NULL) {
			if (yamldoc_unset(y, docs[i], sp->key, &removed,
			    cause) != 0)
				goto out;
		} else if (yamldoc_set(y, docs[i], sp->key, yaml_value(sp),
		    cause) != 0)
			goto out;
	}
	yamldoc_serialize(y, &out, &outlen);
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
		ch.after = out;
		ch.afterlen = outlen;
		yaml_masks(cur, curlen, old, &bmask, &nbmask);
		yaml_masks(out, outlen, y, &amask, &namask);
		ch.before_mask = bmask;
		ch.nbefore_mask = nbmask;
		ch.after_mask = amask;
		ch.nafter_mask = namask;
		o->show(&ch, o->show_arg);
	}
	if (o->dry_run) {
		rc = 0;
		goto out;
	}
	for (i = 0; i < o->nprops; i++) {
		xasprintf(&t, "%s%s%s %s", desc != NULL ? desc : "",
		    desc != NULL ? ", " : "", yaml_value(&o->props[i]) ==
		    NULL ? "unset" : "set", o->props[i].key);
		free(desc);
		desc = t;
	}
	memset(&meta, 0, sizeof meta);
	meta.command = "configure";
	meta.description = desc;
	yv.o = o;
	yv.docs = docs;
	yv.path = path;
	if (sw_commit(sw, out, outlen, yaml_verify, &yv, &meta, cause) != 0)
		goto out;
	r->backup_id = sw_backup_id(sw);
	rc = 0;
out:
	if (rc != 0)
		step_result_free(r);
	if (out != NULL) {
		OPENSSL_cleanse(out, outlen);
		free(out);
	}
	yamldoc_free(old);
	yamldoc_free(y);
	yaml_masks_free(bmask, nbmask);
	yaml_masks_free(amask, namask);
	sw_close(sw);
	free(desc);
	return (rc);
}

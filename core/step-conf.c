/* SPDX-License-Identifier: ISC */
/*
 * step-conf.c -- the settings step for a server kind's own files:
 * Tomcat's server.xml (xmldoc.c: attribute values, a new element, an
 * element replaced) and Jetty's start.ini and start.d/NAME.ini (inidoc.c:
 * properties, passwords in Jetty's OBF: form, modules).  The kind plans
 * the edits (server_kind.plan_set, plan_fix); each is made and checked by
 * the document module, the result is shown (passwords masked), then
 * written through the safe-write path, whose verifier re-reads the bytes
 * and checks that every value set reads back.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core.h"

#define CONF_MASK	"********"

struct step_conf_file *
step_conf_file(struct step_conf_plan *p, const char *path,
    enum cfg_format format)
{
	struct step_conf_file	*f;
	size_t			 i;

	for (i = 0; i < p->nfiles; i++)
		if (strcmp(p->files[i].path, path) == 0)
			return (&p->files[i]);
	p->files = xreallocarray(p->files, p->nfiles + 1, sizeof *p->files);
	f = &p->files[p->nfiles++];
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	f->format = format;
	return (f);
}

struct step_conf_edit *
step_conf_add(struct step_conf_file *f, enum step_conf_op op, size_t elem,
    const char *key, const char *value, const struct secret *sec)
{
	struct step_conf_edit	*e;

	f->edits = xreallocarray(f->edits, f->nedits + 1, sizeof *f->edits);
	e = &f->edits[f->nedits++];
	memset(e, 0, sizeof *e);
	e->op = op;
	e->elem = elem;
	e->key = key != NULL ? xstrdup(key) : NULL;
	e->value = value != NULL ? xstrdup(value) : NULL;
	e->secret = sec != NULL ? secret_dup(sec) : NULL;
	return (e);
}

void
step_conf_note(struct step_conf_plan *p, const char *fmt, ...)
{
	va_list	ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	p->notes = xreallocarray(p->notes, p->nnotes + 1, sizeof *p->notes);
	p->notes[p->nnotes++] = s;
}

void
step_conf_plan_free(struct step_conf_plan *p)
{
	struct step_conf_edit	*e;
	size_t			 i, j;

	if (p == NULL)
		return;
	for (i = 0; i < p->nfiles; i++) {
		for (j = 0; j < p->files[i].nedits; j++) {
			e = &p->files[i].edits[j];
			free(e->key);
			if (e->value != NULL) {
				OPENSSL_cleanse(e->value, strlen(e->value));
				free(e->value);
			}
			secret_free(e->secret);
			if (e->text != NULL) {
				OPENSSL_cleanse(e->text, strlen(e->text));
				free(e->text);
			}
		}
		free(p->files[i].edits);
		free(p->files[i].path);
	}
	free(p->files);
	for (i = 0; i < p->nnotes; i++)
		free(p->notes[i]);
	free(p->notes);
	memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------------------ */

/* What an edit writes (NULL: remove); *tmp a secret to free. */
static const char *
conf_value(const struct step_conf_edit *e, struct secret **tmp)
{
	*tmp = NULL;
	if (e->secret == NULL)
		return (e->value);
	if (e->obf) {
		*tmp = obf_encode(e->secret);
		return ((*tmp)->buf);
	}
	return (e->secret->buf);
}

/* Is an edit a password? */
static bool
conf_secret(const struct step_conf_edit *e)
{
	return (e->secret != NULL || (e->key != NULL &&
	    secret_key_name(e->key)));
}

/* The password values of a document, for masking. */
static void
conf_spans(const struct step_conf_file *f, const struct xmldoc *xd,
    const struct inidoc *id, const unsigned char *buf,
    struct confspan **sp, size_t *n)
{
	const struct xmldoc_elem	*el;
	const struct inidoc_entry	*ie;
	size_t				 i, j, k, end;

	*sp = NULL;
	*n = 0;
	if (f->format == CFG_FMT_XML) {
		for (i = 0; i < xmldoc_count(xd); i++) {
			el = xmldoc_elem(xd, i);
			for (j = 0; j < el->nattrs; j++) {
				if (!secret_key_name(
				    el->attrs[j].name))
					continue;
				*sp = xreallocarray(*sp, *n + 1, sizeof **sp);
				(*sp)[*n].off = el->attrs[j].val_off;
				(*sp)[(*n)++].len = el->attrs[j].val_len;
			}
		}
		return;
	}
	for (i = 0; i < inidoc_count(id); i++) {
		ie = inidoc_entry(id, i);
		if ((ie->kind != INIDOC_PROPERTY &&
		    ie->kind != INIDOC_SYSPROP) ||
		    !secret_key_name(ie->key))
			continue;
		for (k = ie->off; k < ie->off + ie->len && buf[k] != '='; k++)
			;
		if (k == ie->off + ie->len)
			continue;
		end = ie->off + ie->len;
		while (end > k + 1 && (buf[end - 1] == '\n' ||
		    buf[end - 1] == '\r'))
			end--;
		*sp = xreallocarray(*sp, *n + 1, sizeof **sp);
		(*sp)[*n].off = k + 1;
		(*sp)[(*n)++].len = end - k - 1;
	}
}

/* By offset. */
static int
conf_span_cmp(const void *a, const void *b)
{
	const struct confspan	*x = a, *y = b;

	return (x->off < y->off ? -1 : x->off > y->off);
}

/*
 * The lines of buf that hold password values (spans), as the show hook
 * prints them: every byte of a value becomes one "********" per run, the
 * rest of the line stays (several values on one line are all masked).
 */
static void
conf_masks(const unsigned char *buf, size_t len, struct confspan *sp,
    size_t n, struct step_mask **mp, size_t *np)
{
	struct step_mask	*m = NULL;
	size_t			 ls, le, k, i, first, nm = 0, cap = 0, o, sz;
	char			*show;
	bool			 in, was;
	int			 line = 1;

	*mp = NULL;
	*np = 0;
	if (n == 0)
		return;
	qsort(sp, n, sizeof *sp, conf_span_cmp);
	first = 0;
	for (ls = 0; ls < len; ls = le + 1, line++) {
		for (le = ls; le < len && buf[le] != '\n'; le++)
			;
		while (first < n && sp[first].off + sp[first].len <= ls &&
		    !(sp[first].len == 0 && sp[first].off == ls))
			first++;
		if (first == n)
			break;
		if (sp[first].off > le)
			continue;
		/* the line touches a value: rebuild it */
		sz = (le - ls) + 9;
		show = xmalloc(sz);
		o = 0;
		was = false;
		for (k = ls; k < le; k++) {
			in = false;
			for (i = first; i < n && sp[i].off <= k && !in; i++)
				in = k < sp[i].off + sp[i].len;
			if (in && !was) {
				if (o + 9 > sz) {
					sz = o + 64;
					show = xreallocarray(show, sz, 1);
				}
				memcpy(show + o, "********", 8);
				o += 8;
			} else if (!in) {
				if (o + 2 > sz) {
					sz = o + 64;
					show = xreallocarray(show, sz, 1);
				}
				show[o++] = (char)buf[k];
			}
			was = in;
		}
		show[o] = '\0';
		if (nm == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			m = xreallocarray(m, cap, sizeof *m);
		}
		m[nm].line = line;
		m[nm++].show = show;
	}
	*mp = m;
	*np = nm;
}

static void
conf_masks_free(struct step_mask *m, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(m[i].show);
	free(m);
}

/* Where the element an edit set ends up after the edits that follow:
 * structural edits shift indices. */
struct conf_shift {
	size_t	pos;		/* indices from here move */
	size_t	upto;		/* REPLACE: indices in [elem+1, upto) are
				   gone */
	long	delta;
	bool	replace;
	size_t	elem;
};

struct conf_verify {
	const struct step_conf_file	*f;
	const unsigned char		*out;
	size_t				 outlen;
	size_t				*final;	/* each edit's element at
						   the end, or SIZE_MAX */
};

/* sw_commit's verifier: the bytes are what was built, they parse, and
 * every value set reads back. */
static int
conf_verify(const unsigned char *buf, size_t len, void *arg, char **cause)
{
	const struct conf_verify	*v = arg;
	const struct step_conf_file	*f = v->f;
	const struct step_conf_edit	*e;
	struct xmldoc			*xd = NULL;
	struct inidoc			*id = NULL;
	struct secret			*tmp;
	const char			*want, *got;
	const char			**mods;
	char				*iv;
	size_t				 i, k, nm;
	bool				 ok;
	int				 rc = -1;

	if (len != v->outlen || memcmp(buf, v->out, len) != 0) {
		cause_set(cause, "%s: the file read back differs from what "
		    "was written", f->path);
		return (-1);
	}
	if (f->format == CFG_FMT_XML) {
		if (xmldoc_parse(buf, len, f->path, &xd, cause) != 0)
			return (-1);
	} else if (inidoc_parse(buf, len, f->path, &id, cause) != 0)
		return (-1);
	for (i = 0; i < f->nedits; i++) {
		e = &f->edits[i];
		if (e->op != SC_SET && e->op != SC_UNSET &&
		    e->op != SC_ADD_MODULE)
			continue;
		want = e->op == SC_SET ? conf_value(e, &tmp) : NULL;
		if (e->op != SC_SET)
			tmp = NULL;
		ok = true;
		if (f->format == CFG_FMT_XML) {
			if (v->final[i] == SIZE_MAX)
				ok = true;
			else if (v->final[i] >= xmldoc_count(xd))
				ok = false;
			else {
				got = xmldoc_get(xmldoc_elem(xd, v->final[i]),
				    e->key);
				ok = (want == NULL) == (got == NULL) &&
				    (want == NULL || strcmp(want, got) == 0);
			}
		} else if (e->op == SC_ADD_MODULE) {
			nm = inidoc_modules(id, &mods);
			ok = false;
			for (k = 0; k < nm && !ok; k++)
				ok = strcmp(mods[k], e->key) == 0;
			free(mods);
		} else {
			iv = inidoc_get(id, e->key);
			ok = (want == NULL) == (iv == NULL) &&
			    (want == NULL || strcmp(want, iv) == 0);
			if (iv != NULL) {
				OPENSSL_cleanse(iv, strlen(iv));
				free(iv);
			}
		}
		secret_free(tmp);
		if (!ok) {
			cause_set(cause, "%s: %s does not read back as "
			    "written", f->path, e->key != NULL ? e->key :
			    "an edit");
			goto out;
		}
	}
	rc = 0;
out:
	xmldoc_free(xd);
	inidoc_free(id);
	return (rc);
}

/* One note per edit. */
static void
conf_note(struct step_result *r, const struct step_conf_file *f,
    const struct step_conf_edit *e, const struct xmldoc *xd,
    const struct inidoc *id)
{
	const struct xmldoc_elem	*el = NULL;
	const char			*old = NULL;
	char				*iold = NULL, *t;
	struct secret			*tmp;
	const char			*nv;
	bool				 secret = conf_secret(e);

	if (f->format == CFG_FMT_XML && e->elem < xmldoc_count(xd)) {
		el = xmldoc_elem(xd, e->elem);
		if (e->key != NULL)
			old = xmldoc_get(el, e->key);
	} else if (f->format == CFG_FMT_INI && e->key != NULL)
		old = iold = inidoc_get(id, e->key);
	switch (e->op) {
	case SC_SET:
		nv = conf_value(e, &tmp);
		if (el != NULL)
			xasprintf(&t, "<%s> (line %d)", el->name, el->line);
		else
			t = xstrdup("");
		if (old == NULL)
			step_note(r, "add %s%s%s = %s", e->key, *t ? " to " :
			    "", t, secret ? CONF_MASK : nv);
		else if (strcmp(old, nv) == 0)
			step_note(r, "keep %s = %s", e->key, secret ?
			    CONF_MASK : nv);
		else if (secret)
			step_note(r, "change %s%s%s: a new password", e->key,
			    *t ? " of " : "", t);
		else
			step_note(r, "change %s%s%s: %s -> %s", e->key,
			    *t ? " of " : "", t, old, nv);
		free(t);
		secret_free(tmp);
		break;
	case SC_UNSET:
		if (old != NULL)
			step_note(r, "remove %s%s%s", e->key, el != NULL ?
			    " of <" : "", el != NULL ? el->name : "");
		break;
	case SC_INSERT_AFTER:
		step_note(r, "insert a new element after <%s> (line %d)",
		    el != NULL ? el->name : "?", el != NULL ? el->line : 0);
		break;
	case SC_REPLACE:
		step_note(r, "rewrite <%s> (line %d)", el != NULL ? el->name :
		    "?", el != NULL ? el->line : 0);
		break;
	case SC_ADD_MODULE:
		step_note(r, "enable module %s", e->key);
		break;
	}
	if (iold != NULL) {
		OPENSSL_cleanse(iold, strlen(iold));
		free(iold);
	}
}

/* Apply one edit. */
static int
conf_apply(const struct step_conf_file *f, const struct step_conf_edit *e,
    struct xmldoc *xd, struct inidoc *id, char **cause)
{
	struct secret	*tmp;
	const char	*v;
	size_t		 removed;
	int		 rc = -1;

	v = conf_value(e, &tmp);
	if (f->format == CFG_FMT_XML) {
		switch (e->op) {
		case SC_SET:
			rc = xmldoc_set_attr(xd, e->elem, e->key, v, cause);
			break;
		case SC_UNSET:
			rc = xmldoc_remove_attr(xd, e->elem, e->key, cause);
			break;
		case SC_INSERT_AFTER:
			rc = xmldoc_insert_element_after(xd, e->elem, e->text, cause);
			break;
		case SC_REPLACE:
			rc = xmldoc_replace(xd, e->elem, e->text, cause);
			break;
		default:
			cause_set(cause, "%s: not an edit of XML", f->path);
			break;
		}
	} else {
		switch (e->op) {
		case SC_SET:
			rc = inidoc_set(id, e->key, v, cause);
			break;
		case SC_UNSET:
			rc = inidoc_unset(id, e->key, &removed, cause);
			break;
		case SC_ADD_MODULE:
			rc = inidoc_add_module(id, e->key, cause);
			break;
		default:
			cause_set(cause, "%s: not an edit of an ini file",
			    f->path);
			break;
		}
	}
	secret_free(tmp);
	return (rc);
}

/* Elements below elem, itself included. */
static size_t
conf_subtree(const struct xmldoc *d, size_t elem)
{
	const struct xmldoc_elem	*e = xmldoc_elem(d, elem);
	size_t				 i;

	for (i = elem; i < xmldoc_count(d) &&
	    xmldoc_elem(d, i)->off < e->end; i++)
		;
	return (i - elem);
}

int
step_conf(const struct step_conf_file *f, const struct step_settings_opts *o,
    struct step_result *r, char **cause)
{
	struct step_settings_change	 ch;
	struct conf_verify		 cv;
	struct conf_shift		*sh = NULL;
	struct sw_file			*sw = NULL;
	struct xmldoc			*xold = NULL, *xd = NULL;
	struct inidoc			*iold = NULL, *id = NULL;
	struct confspan			*sb = NULL, *sa = NULL;
	struct step_mask		*bm, *am;
	size_t				 nbm, nam;
	struct sw_meta			 meta;
	const struct step_conf_edit	*e;
	const unsigned char		*cur;
	unsigned char			*out = NULL;
	size_t				 curlen, outlen = 0, i, j, nsb, nsa;
	size_t				 before, sub, t;
	char				*desc = NULL, *tx;
	int				 rc = -1;

	memset(r, 0, sizeof *r);
	memset(&cv, 0, sizeof cv);
	if (f->format != CFG_FMT_XML && f->format != CFG_FMT_INI) {
		cause_set(cause, "%s: not a file step_conf edits", f->path);
		return (-1);
	}
	if (txn_open(o != NULL ? o->txn : NULL, f->path, 0, &sw,
	    cause) != 0)
		goto out;
	sw_content(sw, &cur, &curlen);
	if (f->format == CFG_FMT_XML) {
		if (xmldoc_parse(cur, curlen, f->path, &xold, cause) != 0 ||
		    xmldoc_parse(cur, curlen, f->path, &xd, cause) != 0)
			goto out;
	} else if (inidoc_parse(cur, curlen, f->path, &iold, cause) != 0 ||
	    inidoc_parse(cur, curlen, f->path, &id, cause) != 0)
		goto out;

	cv.final = xcalloc(f->nedits + 1, sizeof *cv.final);
	sh = xcalloc(f->nedits + 1, sizeof *sh);
	for (i = 0; i < f->nedits; i++) {
		e = &f->edits[i];
		conf_note(r, f, e, xd != NULL ? xd : NULL, id);
		before = xd != NULL ? xmldoc_count(xd) : 0;
		sub = xd != NULL && e->elem < before ? conf_subtree(xd,
		    e->elem) : 0;
		if (conf_apply(f, e, xd, id, cause) != 0)
			goto out;
		cv.final[i] = e->elem;
		if (xd != NULL && e->op == SC_INSERT_AFTER) {
			sh[i].pos = e->elem + sub;
			sh[i].delta = (long)xmldoc_count(xd) - (long)before;
		} else if (xd != NULL && e->op == SC_REPLACE) {
			sh[i].replace = true;
			sh[i].elem = e->elem;
			sh[i].pos = e->elem + sub;
			sh[i].upto = e->elem + sub;
			sh[i].delta = (long)xmldoc_count(xd) - (long)before;
		}
	}
	/* where each element set stands once every edit is made */
	for (i = 0; xd != NULL && i < f->nedits; i++) {
		if (f->edits[i].op != SC_SET && f->edits[i].op != SC_UNSET)
			continue;
		t = cv.final[i];
		for (j = i + 1; j < f->nedits && t != SIZE_MAX; j++) {
			if (f->edits[j].op == SC_REPLACE && t > sh[j].elem &&
			    t < sh[j].upto)
				t = SIZE_MAX;
			else if ((f->edits[j].op == SC_INSERT_AFTER ||
			    f->edits[j].op == SC_REPLACE) && t >= sh[j].pos)
				t = (size_t)((long)t + sh[j].delta);
			else if (f->edits[j].op == SC_REPLACE &&
			    t == sh[j].elem)
				t = SIZE_MAX;
		}
		cv.final[i] = t;
	}
	for (i = 0; i < f->nedits; i++)
		if (f->edits[i].op != SC_SET && f->edits[i].op != SC_UNSET &&
		    f->edits[i].op != SC_ADD_MODULE)
			cv.final[i] = SIZE_MAX;

	if (xd != NULL)
		xmldoc_serialize(xd, &out, &outlen);
	else
		inidoc_serialize(id, &out, &outlen);
	if (outlen == curlen && memcmp(out, cur, curlen) == 0) {
		step_note(r, "%s already holds these settings: nothing "
		    "written", f->path);
		rc = 0;
		goto out;
	}
	if (o != NULL && o->show != NULL) {
		conf_spans(f, xold, iold, cur, &sb, &nsb);
		conf_spans(f, xd, id, out, &sa, &nsa);
		memset(&ch, 0, sizeof ch);
		ch.path = sw_path(sw);
		ch.before = cur;
		ch.beforelen = curlen;
		ch.after = out;
		ch.afterlen = outlen;
		conf_masks(cur, curlen, sb, nsb, &bm, &nbm);
		conf_masks(out, outlen, sa, nsa, &am, &nam);
		ch.before_mask = bm;
		ch.nbefore_mask = nbm;
		ch.after_mask = am;
		ch.nafter_mask = nam;
		o->show(&ch, o->show_arg);
		conf_masks_free(bm, nbm);
		conf_masks_free(am, nam);
	}
	if (o != NULL && o->dry_run) {
		rc = 0;
		goto out;
	}
	for (i = 0; i < f->nedits; i++) {
		e = &f->edits[i];
		xasprintf(&tx, "%s%s%s%s%s", desc != NULL ? desc : "",
		    desc != NULL ? ", " : "", e->op == SC_SET ? "set " :
		    e->op == SC_UNSET ? "unset " : e->op == SC_ADD_MODULE ?
		    "module " : e->op == SC_REPLACE ? "rewrite element" :
		    "insert element", e->key != NULL ? e->key : "", "");
		free(desc);
		desc = tx;
	}
	memset(&meta, 0, sizeof meta);
	meta.command = "configure";
	meta.description = desc;
	cv.f = f;
	cv.out = out;
	cv.outlen = outlen;
	if (sw_commit(sw, out, outlen, conf_verify, &cv, &meta, cause) != 0)
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
	free(sb);
	free(sa);
	free(sh);
	free(cv.final);
	xmldoc_free(xold);
	xmldoc_free(xd);
	inidoc_free(iold);
	inidoc_free(id);
	sw_close(sw);
	free(desc);
	return (rc);
}

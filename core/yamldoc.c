/* SPDX-License-Identifier: ISC */
/*
 * yamldoc.c -- Spring Boot's application.yml as a lossless document
 * (docs/config-formats.md, "Spring Boot YAML").
 *
 * libyaml's event parser reads the file; every node keeps the byte span
 * its events mark (libyaml counts characters: they are mapped back to
 * bytes).  The nodes are then flattened as Spring Boot flattens them
 * (OriginTrackedYamlLoader over SnakeYAML, YamlProcessor's flattened map):
 * keys joined with '.', list items as [i], keys that are not strings as
 * [key], empty lists and mappings as "", scalars typed by SnakeYAML's
 * YAML 1.1 resolver (timestamps left as text, as Spring Boot does) and
 * printed as Java prints the object, << merge keys merged as SnakeYAML
 * merges them.
 *
 * An edit writes new bytes (one scalar rewritten, or lines inserted or
 * dropped), parses them again and checks that the flattened view is the
 * old one with only the edited key changed; otherwise the document is left
 * as it was and the edit fails.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core.h"

#define YD_MAX_DEPTH	50		/* SnakeYAML's nesting limit */
#define YD_MAX_CHARS	(3 * 1024 * 1024) /* SnakeYAML's per document */
#define YD_MAX_FLAT	256		/* flattening depth through aliases */
#define YD_MAX_ENTRIES	100000		/* flattened entries */
#define YD_MAX_WORK	(16UL * 1024 * 1024) /* bytes of flattened text */
#define YD_RESOLVE_MAX	1024		/* SnakeYAML types no longer value */
#define YD_CKPT		64		/* characters between checkpoints */

#define YD_TAG		"tag:yaml.org,2002:"
#define YD_INLIST	0x10000		/* flattening below a list */

enum yn_type {
	YN_SCALAR,
	YN_SEQ,
	YN_MAP,
	YN_ALIAS
};

struct ynode {
	enum yn_type	 type;
	size_t		 start;		/* bytes */
	size_t		 end;
	int		 line;		/* 1-based */
	int		 eline;
	int		 col;		/* 0-based, characters */
	int		 style;		/* libyaml's scalar style */
	bool		 flow;		/* a flow collection */
	bool		 inflow;	/* inside one */
	bool		 done;		/* complete (an alias may name it) */
	bool		 plain;		/* untagged plain scalar */
	char		*anchor;
	char		*tag;
	char		*text;		/* scalar, as libyaml decodes it */
	size_t		 textlen;
	struct ynode	**kids;		/* MAP: key, value, key, value ... */
	size_t		 nkids;
	size_t		 capkids;
	struct ynode	*target;	/* ALIAS */
	struct ynode	*parent;
};

struct ydoc {
	struct ynode	*root;		/* NULL: an empty document */
	char		*profile;
};

struct yd_ent {
	struct yamldoc_entry pub;
	struct ynode	*node;		/* the value */
	struct ynode	*keynode;	/* its key, when its own mapping's */
	struct ynode	*map;		/* that mapping */
};

/* A string -> index table (anchors, keys of one mapping). */
struct yhash {
	long		*slot;
	size_t		 cap;
	size_t		 n;
};

struct yamldoc {
	char		*name;
	unsigned char	*buf;
	size_t		 len;
	size_t		 bom;		/* bytes of a UTF-8 BOM */
	bool		 ascii;
	size_t		*ckpt;		/* byte of every YD_CKPT'th char */
	size_t		 nckpt;
	struct ynode	**nodes;	/* every node, for freeing */
	size_t		 nnodes;
	struct ydoc	*docs;
	int		 ndocs;
	struct yd_ent	*ents;
	size_t		 nents;
	size_t		 work;
};

/* Types SnakeYAML's resolver gives a plain scalar. */
enum yd_type {
	YT_STR,
	YT_NULL,
	YT_BOOL,
	YT_INT,
	YT_FLOAT,
	YT_MERGE
};

/* One key/value of a mapping after << merges. */
struct ytuple {
	char		*key;
	struct ynode	*knode;
	struct ynode	*vnode;
	bool		 merged;	/* from a << merge */
	bool		 typed;		/* the key is no string: [key] */
};

struct ytuples {
	struct ytuple	*t;
	char		**keys;		/* t[i].key, for the table */
	size_t		 n;
	struct yhash	 h;
};

static int	yd_flatten(struct yamldoc *, int, struct ynode *,
		    struct confbuf *, int, int, struct ynode *,
		    struct ynode *, char **);

/* Name for messages. */
static const char *
yd_who(const struct yamldoc *d)
{
	return (d->name != NULL ? d->name : "(yaml)");
}

/* ------------------------------------------------------------------ */
/* Hash table of strings (indices into a caller's array) */

static uint32_t
yhash_of(const char *s)
{
	uint32_t	h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return (h);
}

/* Find s among keys (via the table), or -1. */
static long
yhash_find(const struct yhash *h, char *const *keys, const char *s)
{
	size_t	i;

	if (h->cap == 0)
		return (-1);
	for (i = yhash_of(s) & (h->cap - 1); h->slot[i] != -1;
	    i = (i + 1) & (h->cap - 1)) {
		if (strcmp(keys[h->slot[i]], s) == 0)
			return (h->slot[i]);
	}
	return (-1);
}

/* Add index idx (keys[idx] not in the table yet). */
static void
yhash_add(struct yhash *h, char *const *keys, long idx)
{
	size_t	i, j, ocap = h->cap;
	long	*old = h->slot;

	if ((h->n + 1) * 2 > h->cap) {
		h->cap = h->cap == 0 ? 16 : h->cap * 2;
		h->slot = xreallocarray(NULL, h->cap, sizeof *h->slot);
		for (i = 0; i < h->cap; i++)
			h->slot[i] = -1;
		for (j = 0; j < ocap; j++) {
			if (old[j] == -1)
				continue;
			for (i = yhash_of(keys[old[j]]) & (h->cap - 1);
			    h->slot[i] != -1; i = (i + 1) & (h->cap - 1))
				;
			h->slot[i] = old[j];
		}
		free(old);
	}
	for (i = yhash_of(keys[idx]) & (h->cap - 1); h->slot[i] != -1;
	    i = (i + 1) & (h->cap - 1))
		;
	h->slot[i] = idx;
	h->n++;
}

static void
yhash_free(struct yhash *h)
{
	free(h->slot);
	memset(h, 0, sizeof *h);
}

/* ------------------------------------------------------------------ */
/* Positions: libyaml counts characters, we keep bytes */

/* Index the characters (UTF-8 checked before). */
static void
yd_index_chars(struct yamldoc *d)
{
	size_t	i, nchar = 0, cap = 0;

	d->bom = (d->len >= 3 && d->buf[0] == 0xef && d->buf[1] == 0xbb &&
	    d->buf[2] == 0xbf) ? 3 : 0;
	d->ascii = true;
	for (i = 0; i < d->len; i++) {
		if (d->buf[i] >= 0x80) {
			d->ascii = false;
			break;
		}
	}
	if (d->ascii)
		return;
	for (i = d->bom; i <= d->len; i++) {
		if (i < d->len && (d->buf[i] & 0xc0) == 0x80)
			continue;
		if (nchar % YD_CKPT == 0) {
			if (d->nckpt == cap) {
				cap = cap == 0 ? 64 : cap * 2;
				d->ckpt = xreallocarray(d->ckpt, cap,
				    sizeof *d->ckpt);
			}
			d->ckpt[d->nckpt++] = i;
		}
		nchar++;
	}
}

/* Byte offset of character index idx. */
static size_t
yd_off(const struct yamldoc *d, size_t idx)
{
	size_t	k, off, n;

	if (d->ascii)
		return (d->bom + idx > d->len ? d->len : d->bom + idx);
	k = idx / YD_CKPT;
	if (k >= d->nckpt)
		return (d->len);
	off = d->ckpt[k];
	for (n = idx % YD_CKPT; n > 0 && off < d->len; n--) {
		off++;
		while (off < d->len && (d->buf[off] & 0xc0) == 0x80)
			off++;
	}
	return (off);
}

/* ------------------------------------------------------------------ */
/* SnakeYAML's implicit types and Java's way of printing them */

/* Count characters of set at s[*i]: at least one. */
static size_t
yd_span(const char *s, size_t *i, const char *set)
{
	size_t	n = 0;

	while (s[*i] != '\0' && strchr(set, s[*i]) != NULL) {
		(*i)++;
		n++;
	}
	return (n);
}

/* Do the sexagesimal groups (?::[0-5]?[0-9])+ start at s[*i]? */
static bool
yd_sexa(const char *s, size_t *i)
{
	size_t	n = 0, k;

	while (s[*i] == ':') {
		k = *i + 1;
		if (s[k] >= '0' && s[k] <= '5' && s[k + 1] >= '0' &&
		    s[k + 1] <= '9')
			k += 2;
		else if (s[k] >= '0' && s[k] <= '9')
			k++;
		else
			return (n > 0);
		*i = k;
		n++;
	}
	return (n > 0);
}

/* Does s match SnakeYAML's INT expression? */
static bool
yd_is_int(const char *s)
{
	size_t	i = 0, j;

	if (s[i] == '-' || s[i] == '+')
		i++;
	j = i;
	if (strncmp(s + j, "0b", 2) == 0) {
		j += 2;
		yd_span(s, &j, "_");
		if (s[j] == '0' || s[j] == '1') {
			yd_span(s, &j, "01_");
			if (s[j] == '\0')
				return (true);
		}
	}
	j = i;
	if (s[j] == '0') {
		j++;
		yd_span(s, &j, "_");
		if (s[j] >= '0' && s[j] <= '7') {
			yd_span(s, &j, "01234567_");
			if (s[j] == '\0')
				return (true);
		}
	}
	if (strcmp(s + i, "0") == 0)
		return (true);
	j = i;
	if (s[j] >= '1' && s[j] <= '9') {
		yd_span(s, &j, "0123456789_");
		if (s[j] == '\0')
			return (true);
		if (yd_sexa(s, &j) && s[j] == '\0')
			return (true);
	}
	j = i;
	if (strncmp(s + j, "0x", 2) == 0) {
		j += 2;
		yd_span(s, &j, "_");
		if (s[j] != '\0' && strchr("0123456789abcdefABCDEF", s[j]) !=
		    NULL) {
			yd_span(s, &j, "0123456789abcdefABCDEF_");
			if (s[j] == '\0')
				return (true);
		}
	}
	return (false);
}

/* An exponent [eE][-+]?[0-9]+ at s[*i]? */
static bool
yd_exp(const char *s, size_t *i)
{
	size_t	j = *i;

	if (s[j] != 'e' && s[j] != 'E')
		return (false);
	j++;
	if (s[j] == '-' || s[j] == '+')
		j++;
	if (yd_span(s, &j, "0123456789") == 0)
		return (false);
	*i = j;
	return (true);
}

/* Does s match SnakeYAML's FLOAT expression? */
static bool
yd_is_float(const char *s)
{
	size_t	i = 0, j;

	if (strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0 ||
	    strcmp(s, ".NAN") == 0)
		return (true);
	if (s[i] == '-' || s[i] == '+')
		i++;
	if (strcmp(s + i, ".inf") == 0 || strcmp(s + i, ".Inf") == 0 ||
	    strcmp(s + i, ".INF") == 0)
		return (true);
	j = i;
	if (s[j] >= '0' && s[j] <= '9') {
		yd_span(s, &j, "0123456789_");
		if (s[j] == '.') {
			j++;
			yd_span(s, &j, "0123456789_");
			(void)yd_exp(s, &j);
			if (s[j] == '\0')
				return (true);
		} else if (yd_exp(s, &j) && s[j] == '\0')
			return (true);
		j = i + 1;
		yd_span(s, &j, "0123456789_");
		if (yd_sexa(s, &j) && s[j] == '.') {
			j++;
			yd_span(s, &j, "0123456789_");
			if (s[j] == '\0')
				return (true);
		}
	}
	j = i;
	if (s[j] == '.') {
		j++;
		if (yd_span(s, &j, "0123456789_") > 0) {
			(void)yd_exp(s, &j);
			if (s[j] == '\0')
				return (true);
		}
	}
	return (false);
}

/* The type SnakeYAML's resolver gives plain text s (length n). */
static enum yd_type
yd_resolve(const char *s, size_t n)
{
	static const char *const bools[] = { "yes", "Yes", "YES", "no", "No",
	    "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On",
	    "ON", "off", "Off", "OFF" };
	size_t	i;

	if (n == 0)
		return (YT_NULL);
	if (strlen(s) != n || n > YD_RESOLVE_MAX)
		return (YT_STR);
	if (strchr("yYnNtTfFoO", s[0]) != NULL) {
		for (i = 0; i < sizeof bools / sizeof bools[0]; i++) {
			if (strcmp(s, bools[i]) == 0)
				return (YT_BOOL);
		}
	}
	if (strchr("-+0123456789", s[0]) != NULL && yd_is_int(s))
		return (YT_INT);
	if (strchr("-+0123456789.", s[0]) != NULL && yd_is_float(s))
		return (YT_FLOAT);
	if (strcmp(s, "<<") == 0)
		return (YT_MERGE);
	if (strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
		return (YT_NULL);
	return (YT_STR);
}

/* s (digits of base, '_' removed) as a decimal string: BigInteger's. */
static char *
yd_bigint(const char *s, int base, bool neg)
{
	uint32_t	*w = NULL;
	size_t		 nw = 0, i, k;
	uint64_t	 c;
	char		*out, *p;
	int		 dv;

	for (; *s != '\0'; s++) {
		dv = *s >= 'a' ? *s - 'a' + 10 : *s >= 'A' ? *s - 'A' + 10 :
		    *s - '0';
		c = (uint64_t)dv;
		for (i = 0; i < nw; i++) {
			c += (uint64_t)w[i] * (uint64_t)base;
			w[i] = (uint32_t)(c % 1000000000u);
			c /= 1000000000u;
		}
		while (c != 0) {
			w = xreallocarray(w, nw + 1, sizeof *w);
			w[nw++] = (uint32_t)(c % 1000000000u);
			c /= 1000000000u;
		}
	}
	out = xmalloc(nw * 9 + 3);
	p = out;
	if (nw == 0) {
		strcpy(out, "0");
		return (out);
	}
	if (neg)
		*p++ = '-';
	p += sprintf(p, "%u", w[nw - 1]);
	for (k = nw - 1; k > 0; k--)
		p += sprintf(p, "%09u", w[k - 1]);
	free(w);
	return (out);
}

/* Java's Double.toString(v). */
static char *
yd_double(double v)
{
	char	 digits[40], e[48], *out, *mant;
	int	 p, exp, nd, i;
	bool	 neg;

	if (isnan(v))
		return (xstrdup("NaN"));
	if (isinf(v))
		return (xstrdup(v < 0 ? "-Infinity" : "Infinity"));
	if (v == 0)
		return (xstrdup(signbit(v) ? "-0.0" : "0.0"));
	neg = v < 0;
	if (neg)
		v = -v;
	/* The shortest digits that read back as v. */
	for (p = 1; p <= 17; p++) {
		snprintf(e, sizeof e, "%.*e", p - 1, v);
		if (strtod(e, NULL) == v)
			break;
	}
	mant = e;
	nd = 0;
	for (i = 0; mant[i] != 'e'; i++) {
		if (mant[i] != '.')
			digits[nd++] = mant[i];
	}
	exp = atoi(mant + i + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	out = xmalloc(nd + 32);
	if (v >= 1e-3 && v < 1e7) {
		/* Plain notation, at least one digit after the point. */
		p = 0;
		if (neg)
			out[p++] = '-';
		if (exp < 0) {
			out[p++] = '0';
			out[p++] = '.';
			for (i = 0; i < -exp - 1; i++)
				out[p++] = '0';
			memcpy(out + p, digits, nd);
			p += nd;
		} else {
			for (i = 0; i <= exp; i++)
				out[p++] = i < nd ? digits[i] : '0';
			out[p++] = '.';
			if (nd > exp + 1) {
				memcpy(out + p, digits + exp + 1,
				    nd - exp - 1);
				p += nd - exp - 1;
			} else
				out[p++] = '0';
		}
		out[p] = '\0';
	} else
		snprintf(out, nd + 32, "%s%c.%sE%d", neg ? "-" : "", digits[0],
		    nd > 1 ? digits + 1 : "0", exp);
	return (out);
}

/* Copy of s without '_'. */
static char *
yd_nounder(const char *s)
{
	char	*t = xmalloc(strlen(s) + 1), *q = t;

	for (; *s != '\0'; s++) {
		if (*s != '_')
			*q++ = *s;
	}
	*q = '\0';
	return (t);
}

/* What Java prints for the Integer/Long/BigInteger SnakeYAML builds. */
static char *
yd_int_string(const char *text)
{
	char		*v = yd_nounder(text), *s = v, *out, *part;
	bool		 neg = false;
	int32_t		 val = 0, bes = 1;
	size_t		 n, k;

	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	if (strcmp(s, "0") == 0)
		out = xstrdup("0");
	else if (strncmp(s, "0b", 2) == 0)
		out = yd_bigint(s + 2, 2, neg);
	else if (strncmp(s, "0x", 2) == 0)
		out = yd_bigint(s + 2, 16, neg);
	else if (s[0] == '0')
		out = yd_bigint(s + 1, 8, neg);
	else if (strchr(s, ':') != NULL) {
		/* Base 60, in Java int arithmetic (it wraps). */
		n = strlen(s);
		while (n > 0) {
			for (k = n; k > 0 && s[k - 1] != ':'; k--)
				;
			part = xstrndup(s + k, n - k);
			val = (int32_t)((uint32_t)val + (uint32_t)((int64_t)
			    strtoll(part, NULL, 10) * bes));
			bes = (int32_t)((uint32_t)bes * 60u);
			free(part);
			n = k > 0 ? k - 1 : 0;
			if (k == 0)
				break;
		}
		xasprintf(&out, "%s%d", neg ? "-" : "", (int)val);
	} else
		out = yd_bigint(s, 10, neg);
	free(v);
	return (out);
}

/* What Java prints for the Double SnakeYAML builds. */
static char *
yd_float_string(const char *text)
{
	char	*v = yd_nounder(text), *s = v, *out, *part, *lower;
	double	 d = 0, bes = 1;
	int	 sign = 1;
	size_t	 n, k, i;

	if (*s == '-' || *s == '+') {
		sign = *s == '-' ? -1 : 1;
		s++;
	}
	lower = xstrdup(s);
	for (i = 0; lower[i] != '\0'; i++) {
		if (lower[i] >= 'A' && lower[i] <= 'Z')
			lower[i] += 'a' - 'A';
	}
	if (strcmp(lower, ".inf") == 0)
		d = sign * INFINITY;
	else if (strcmp(lower, ".nan") == 0)
		d = NAN;
	else if (strchr(s, ':') != NULL) {
		n = strlen(s);
		for (;;) {
			for (k = n; k > 0 && s[k - 1] != ':'; k--)
				;
			part = xstrndup(s + k, n - k);
			d += strtod(part, NULL) * bes;
			bes = (double)(int32_t)((uint32_t)(int32_t)bes * 60u);
			free(part);
			if (k == 0)
				break;
			n = k - 1;
		}
		d *= sign;
	} else
		d = strtod(s, NULL) * sign;
	free(lower);
	free(v);
	out = yd_double(d);
	return (out);
}

/*
 * What Spring reads for scalar n: its type (forced by a standard tag, else
 * resolved for an untagged plain scalar) and the text Java prints for it.
 */
static char *
yd_scalar_value(const struct ynode *n, enum yd_type *tp, size_t *lenp,
    int *flags)
{
	enum yd_type	 t = YT_STR;
	const char	*tag = n->tag;

	if (tag != NULL && strcmp(tag, "!") != 0)
		*flags |= YAMLDOC_TAG;
	if (tag != NULL && strncmp(tag, YD_TAG, strlen(YD_TAG)) == 0) {
		tag += strlen(YD_TAG);
		t = yd_resolve(n->text, n->textlen);
		if (strcmp(tag, "int") == 0 && t != YT_INT)
			t = YT_STR;
		else if (strcmp(tag, "float") == 0 && t != YT_FLOAT &&
		    t != YT_INT)
			t = YT_STR;
		else if (strcmp(tag, "bool") == 0 && t != YT_BOOL)
			t = YT_STR;
		else if (strcmp(tag, "null") == 0)
			t = YT_NULL;
		else if (strcmp(tag, "float") == 0)
			t = YT_FLOAT;
		else if (strcmp(tag, "int") != 0 && strcmp(tag, "bool") != 0)
			t = YT_STR;
	} else if ((tag == NULL && n->plain) ||
	    (tag != NULL && strcmp(tag, "!") == 0)) {
		/* SnakeYAML resolves "!"-tagged scalars, even quoted ones,
		 * as if they were plain. */
		t = yd_resolve(n->text, n->textlen);
	}
	*tp = t;
	switch (t) {
	case YT_NULL:
		*flags |= YAMLDOC_NULL;
		*lenp = 0;
		return (xstrdup(""));
	case YT_BOOL:
		*lenp = strchr("yYtToO", n->text[0]) != NULL &&
		    strcasecmp(n->text, "off") != 0 ? 4 : 5;
		return (xstrdup(*lenp == 4 ? "true" : "false"));
	case YT_INT:
	case YT_FLOAT:
		{
			char	*s = t == YT_INT ? yd_int_string(n->text) :
			    yd_float_string(n->text);

			*lenp = strlen(s);
			if (*lenp != n->textlen ||
			    memcmp(s, n->text, *lenp) != 0)
				*flags |= YAMLDOC_TYPED;
			return (s);
		}
	default:
		*lenp = n->textlen;
		return (xmemdup(n->text, n->textlen + 1));
	}
}

/* ------------------------------------------------------------------ */
/* Reading: events into nodes */

static struct ynode *
yd_node_new(struct yamldoc *d, enum yn_type type, const yaml_event_t *ev)
{
	struct ynode	*n;

	n = xcalloc(1, sizeof *n);
	n->type = type;
	n->start = yd_off(d, ev->start_mark.index);
	n->end = yd_off(d, ev->end_mark.index);
	n->line = (int)ev->start_mark.line + 1;
	n->eline = (int)ev->end_mark.line + 1;
	n->col = (int)ev->start_mark.column;
	if ((d->nnodes & (d->nnodes + 1)) == 0 || d->nnodes == 0)
		d->nodes = xreallocarray(d->nodes, d->nnodes * 2 + 1,
		    sizeof *d->nodes);
	d->nodes[d->nnodes++] = n;
	return (n);
}

static void
yd_node_kid(struct ynode *p, struct ynode *k)
{
	if (p->nkids == p->capkids) {
		p->capkids = p->capkids == 0 ? 4 : p->capkids * 2;
		p->kids = xreallocarray(p->kids, p->capkids, sizeof *p->kids);
	}
	p->kids[p->nkids++] = k;
	k->parent = p;
}

/* The anchors of the current document. */
struct yanchors {
	char		**names;
	struct ynode	**nodes;
	size_t		 n;
	struct yhash	 h;
};

static void
yd_anchors_clear(struct yanchors *a)
{
	free(a->names);
	free(a->nodes);
	yhash_free(&a->h);
	memset(a, 0, sizeof *a);
}

/* Register an anchor (a later one of the same name wins). */
static void
yd_anchor_add(struct yanchors *a, char *name, struct ynode *n)
{
	long	i = yhash_find(&a->h, a->names, name);

	if (i != -1) {
		a->nodes[i] = n;
		return;
	}
	a->names = xreallocarray(a->names, a->n + 1, sizeof *a->names);
	a->nodes = xreallocarray(a->nodes, a->n + 1, sizeof *a->nodes);
	a->names[a->n] = name;
	a->nodes[a->n] = n;
	yhash_add(&a->h, a->names, (long)a->n);
	a->n++;
}

/* Is tag one SnakeYAML's SafeConstructor builds? */
static bool
yd_tag_ok(const char *tag)
{
	static const char *const ok[] = { "str", "int", "float", "bool",
	    "null", "binary", "timestamp", "omap", "pairs", "set", "seq",
	    "map", "merge" };
	size_t	i;

	if (strcmp(tag, "!") == 0)
		return (true);
	if (strncmp(tag, YD_TAG, strlen(YD_TAG)) != 0)
		return (false);
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		if (strcmp(tag + strlen(YD_TAG), ok[i]) == 0)
			return (true);
	}
	return (false);
}

/* libyaml's error as one line. */
static void
yd_parse_error(const struct yamldoc *d, const yaml_parser_t *p, char **cause)
{
	const char	*problem = p->problem != NULL ? p->problem :
	    "not YAML";
	size_t		 line = p->problem_mark.line + 1;

	if (p->error == YAML_MEMORY_ERROR)
		fatalx("libyaml: out of memory");
	if (p->context != NULL && p->context_mark.line + 1 != line)
		cause_set(cause, "%s: line %zu: %s (%s started at line %zu)",
		    yd_who(d), line, problem, p->context,
		    p->context_mark.line + 1);
	else if (p->context != NULL)
		cause_set(cause, "%s: line %zu: %s (%s)", yd_who(d), line,
		    problem, p->context);
	else
		cause_set(cause, "%s: line %zu: %s", yd_who(d), line, problem);
}

/* Read the events into documents of nodes. */
static int
yd_read(struct yamldoc *d, char **cause)
{
	yaml_parser_t	 p;
	yaml_event_t	 ev;
	struct yanchors	 anchors;
	struct ynode	*stack[YD_MAX_DEPTH + 1], *n;
	const char	*anchor, *tag;
	char		*shown;
	int		 depth = 0, flow = 0, rc = -1;
	size_t		 docstart = 0;
	bool		 stop = false;

	memset(&anchors, 0, sizeof anchors);
	if (!yaml_parser_initialize(&p))
		fatalx("libyaml: out of memory");
	yaml_parser_set_input_string(&p, d->buf, d->len);
	while (!stop) {
		if (!yaml_parser_parse(&p, &ev)) {
			yd_parse_error(d, &p, cause);
			goto out;
		}
		n = NULL;
		anchor = tag = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			stop = true;
			break;
		case YAML_DOCUMENT_END_EVENT:
			if (ev.end_mark.index - docstart > YD_MAX_CHARS) {
				cause_set(cause, "%s: line %zu: a document of "
				    "more than %d characters (Spring Boot's "
				    "YAML reader refuses it)", yd_who(d),
				    ev.end_mark.line + 1, YD_MAX_CHARS);
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_DOCUMENT_START_EVENT:
			docstart = ev.start_mark.index;
			d->docs = xreallocarray(d->docs, d->ndocs + 1,
			    sizeof *d->docs);
			memset(&d->docs[d->ndocs], 0, sizeof *d->docs);
			d->ndocs++;
			yd_anchors_clear(&anchors);
			break;
		case YAML_ALIAS_EVENT:
			n = yd_node_new(d, YN_ALIAS, &ev);
			n->anchor = xstrdup((char *)ev.data.alias.anchor);
			{
				long	i = yhash_find(&anchors.h,
				    anchors.names, n->anchor);

				if (i == -1 || !anchors.nodes[i]->done) {
					cause_set(cause, "%s: line %d: %s "
					    "alias *%s", yd_who(d), n->line,
					    i == -1 ? "unknown" : "recursive",
					    n->anchor);
					yaml_event_delete(&ev);
					goto out;
				}
				n->target = anchors.nodes[i];
			}
			break;
		case YAML_SCALAR_EVENT:
			n = yd_node_new(d, YN_SCALAR, &ev);
			n->style = ev.data.scalar.style;
			n->text = xmemdup(ev.data.scalar.value,
			    ev.data.scalar.length + 1);
			n->textlen = ev.data.scalar.length;
			n->plain = ev.data.scalar.plain_implicit &&
			    n->style == YAML_PLAIN_SCALAR_STYLE;
			anchor = (char *)ev.data.scalar.anchor;
			tag = (char *)ev.data.scalar.tag;
			n->done = true;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			n = yd_node_new(d, ev.type == YAML_MAPPING_START_EVENT ?
			    YN_MAP : YN_SEQ, &ev);
			if (ev.type == YAML_MAPPING_START_EVENT) {
				n->flow = ev.data.mapping_start.style ==
				    YAML_FLOW_MAPPING_STYLE;
				anchor = (char *)ev.data.mapping_start.anchor;
				tag = (char *)ev.data.mapping_start.tag;
			} else {
				n->flow = ev.data.sequence_start.style ==
				    YAML_FLOW_SEQUENCE_STYLE;
				anchor = (char *)ev.data.sequence_start.anchor;
				tag = (char *)ev.data.sequence_start.tag;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth == 0)
				break;
			n = stack[--depth];
			n->end = yd_off(d, ev.end_mark.index);
			n->eline = (int)ev.end_mark.line + 1;
			n->done = true;
			if (n->flow)
				flow--;
			n = NULL;
			break;
		default:
			break;
		}
		if (n != NULL) {
			n->inflow = flow > 0;
			if (tag != NULL && !yd_tag_ok(tag)) {
				shown = confdoc_printable(tag, 64);
				cause_set(cause, "%s: line %d: tag %s: Spring "
				    "Boot cannot read the file (SnakeYAML has "
				    "no constructor for it)", yd_who(d),
				    n->line, shown);
				free(shown);
				yaml_event_delete(&ev);
				goto out;
			}
			if (tag != NULL)
				n->tag = xstrdup(tag);
			if (anchor != NULL) {
				n->anchor = xstrdup(anchor);
				yd_anchor_add(&anchors, n->anchor, n);
			}
			if (depth > 0)
				yd_node_kid(stack[depth - 1], n);
			else if (d->ndocs > 0)
				d->docs[d->ndocs - 1].root = n;
			/* SnakeYAML counts every node but aliases. */
			if (n->type != YN_ALIAS && depth > YD_MAX_DEPTH) {
				cause_set(cause, "%s: line %d: nested more "
				    "than %d levels deep (Spring Boot's YAML "
				    "reader refuses it)", yd_who(d), n->line,
				    YD_MAX_DEPTH);
				yaml_event_delete(&ev);
				goto out;
			}
			if (n->type == YN_SEQ || n->type == YN_MAP) {
				stack[depth++] = n;
				if (n->flow)
					flow++;
			}
		}
		yaml_event_delete(&ev);
	}
	rc = 0;
out:
	yd_anchors_clear(&anchors);
	yaml_parser_delete(&p);
	return (rc);
}

/* ------------------------------------------------------------------ */
/* Flattening as Spring Boot does */

/* Follow an alias. */
static struct ynode *
yd_deref(struct ynode *n, int *flags)
{
	if (n != NULL && n->type == YN_ALIAS) {
		if (flags != NULL)
			*flags |= YAMLDOC_ALIAS;
		n = n->target;
	}
	return (n);
}

/* Is n (a key) SnakeYAML's << merge key? */
static bool
yd_is_merge(const struct ynode *n)
{
	if (n->type != YN_SCALAR || strcmp(n->text, "<<") != 0)
		return (false);
	if (n->tag != NULL)
		return (strcmp(n->tag, YD_TAG "merge") == 0);
	return (n->plain);
}

/* The key text Spring uses for key node k (after an alias). */
/*
 * What Java's toString() gives for the object SnakeYAML builds from node n
 * (a list "[a, b]", a mapping "{k=v}"; scalars inside are tracked values,
 * null printing as ""), for keys that are lists or mappings.
 */
static int
yd_java_string(struct yamldoc *d, struct ynode *n, int depth,
    struct confbuf *b, char **cause)
{
	enum yd_type	 t;
	size_t		 i, len;
	int		 flags = 0;
	char		*v;

	n = yd_deref(n, NULL);
	if (depth > YD_MAX_FLAT || (d->work += 1) > YD_MAX_WORK ||
	    b->len > YD_MAX_WORK) {
		cause_set(cause, "%s: line %d: a key too large to print",
		    yd_who(d), n->line);
		return (-1);
	}
	if (n->type == YN_SCALAR) {
		v = yd_scalar_value(n, &t, &len, &flags);
		confbuf_add(b, v, len);
		d->work += len;
		free(v);
		return (0);
	}
	confbuf_str(b, n->type == YN_SEQ ? "[" : "{");
	for (i = 0; i < n->nkids; i++) {
		if (i > 0)
			confbuf_str(b, n->type == YN_SEQ || i % 2 == 0 ? ", " :
			    "=");
		if (yd_java_string(d, n->kids[i], depth + 1, b, cause) != 0)
			return (-1);
	}
	confbuf_str(b, n->type == YN_SEQ ? "]" : "}");
	return (0);
}

static int
yd_key_string(struct yamldoc *d, struct ynode *k, char **out, bool *typed,
    char **cause)
{
	struct confbuf	 b = { NULL, 0, 0 };
	enum yd_type	 t;
	char		*v;
	size_t		 len;
	int		 flags = 0;

	*out = NULL;
	k = yd_deref(k, NULL);
	if (k->type != YN_SCALAR) {
		/* YamlProcessor names it "[" + key.toString() + "]". */
		confbuf_str(&b, "[");
		if (yd_java_string(d, k, 0, &b, cause) != 0) {
			free(b.d);
			return (-1);
		}
		confbuf_str(&b, "]");
		if (memchr(b.d, '\0', b.len) != NULL) {
			free(b.d);
			cause_set(cause, "%s: line %d: a key holding a NUL "
			    "character", yd_who(d), k->line);
			return (-1);
		}
		if (typed != NULL)
			*typed = true;
		*out = (char *)b.d;
		return (0);
	}
	v = yd_scalar_value(k, &t, &len, &flags);
	if (t == YT_NULL) {
		free(v);
		cause_set(cause, "%s: line %d: a null key (Spring Boot cannot "
		    "read it)", yd_who(d), k->line);
		return (-1);
	}
	if (memchr(v, '\0', len) != NULL) {
		free(v);
		cause_set(cause, "%s: line %d: a key holding a NUL character",
		    yd_who(d), k->line);
		return (-1);
	}
	if (typed != NULL)
		*typed = t != YT_STR && t != YT_MERGE;
	if (t == YT_STR || t == YT_MERGE)
		*out = v;
	else {
		xasprintf(out, "[%s]", v);
		free(v);
	}
	return (0);
}

static void
yd_tuples_free(struct ytuples *ts)
{
	size_t	i;

	for (i = 0; i < ts->n; i++)
		free(ts->t[i].key);
	free(ts->t);
	free(ts->keys);
	yhash_free(&ts->h);
	memset(ts, 0, sizeof *ts);
}

/* Add or (preferred) replace the tuple for key; takes key. */
static void
yd_tuple_put(struct ytuples *ts, char *key, struct ynode *k, struct ynode *v,
    bool preferred, bool merged, bool typed)
{
	struct ytuple	*t;
	long		 at;

	if ((at = yhash_find(&ts->h, ts->keys, key)) != -1) {
		if (!preferred) {
			free(key);
			return;
		}
		t = &ts->t[at];
		free(t->key);
		ts->keys[at] = key;
	} else {
		ts->t = xreallocarray(ts->t, ts->n + 1, sizeof *ts->t);
		ts->keys = xreallocarray(ts->keys, ts->n + 1,
		    sizeof *ts->keys);
		t = &ts->t[ts->n];
		ts->keys[ts->n] = key;
		ts->n++;
		yhash_add(&ts->h, ts->keys, (long)ts->n - 1);
	}
	t->key = key;
	t->knode = k;
	t->vnode = v;
	t->merged = merged;
	t->typed = typed;
}

/*
 * SnakeYAML's mergeNode: m's tuples into ts in order, those of << merges
 * (not preferred) only when their key is new, m's own (preferred at the
 * top) replacing earlier ones in place.
 */
static int
yd_merge(struct yamldoc *d, struct ynode *m, bool preferred, int depth,
    struct ytuples *ts, char **cause)
{
	struct ynode	*k, *v, *it;
	char		*key;
	size_t		 i, j;
	bool		 typed;

	if (depth > YD_MAX_FLAT) {
		cause_set(cause, "%s: line %d: merge keys nest too deeply",
		    yd_who(d), m->line);
		return (-1);
	}
	for (i = 0; i + 1 < m->nkids; i += 2) {
		k = yd_deref(m->kids[i], NULL);
		v = yd_deref(m->kids[i + 1], NULL);
		if (!yd_is_merge(k)) {
			if (yd_key_string(d, m->kids[i], &key, &typed,
			    cause) != 0)
				return (-1);
			yd_tuple_put(ts, key, m->kids[i], m->kids[i + 1],
			    preferred, depth > 0, typed);
			continue;
		}
		if (v->type == YN_MAP) {
			if (yd_merge(d, v, false, depth + 1, ts, cause) != 0)
				return (-1);
			continue;
		}
		if (v->type != YN_SEQ)
			goto bad;
		for (j = 0; j < v->nkids; j++) {
			it = yd_deref(v->kids[j], NULL);
			if (it->type != YN_MAP)
				goto bad;
			if (yd_merge(d, it, false, depth + 1, ts, cause) != 0)
				return (-1);
		}
	}
	return (0);
bad:
	cause_set(cause, "%s: line %d: a << merge key needs a mapping or a "
	    "list of mappings", yd_who(d), v->line);
	return (-1);
}

/* SnakeYAML refuses a mapping whose own keys repeat (Spring Boot sets
 * allowDuplicateKeys false). */
static int
yd_dupcheck(struct yamldoc *d, struct ynode *m, char **cause)
{
	struct ytuples	 ts;
	struct ynode	*k;
	char		*key, *shown;
	size_t		 i;
	int		 rc = -1;

	memset(&ts, 0, sizeof ts);
	for (i = 0; i + 1 < m->nkids; i += 2) {
		k = yd_deref(m->kids[i], NULL);
		if (yd_is_merge(k))
			continue;
		if (yd_key_string(d, m->kids[i], &key, NULL, cause) != 0)
			goto out;
		if (yhash_find(&ts.h, ts.keys, key) != -1) {
			shown = confdoc_printable(key, 64);
			cause_set(cause, "%s: line %d: duplicate key %s "
			    "(Spring Boot refuses the file)", yd_who(d),
			    k->line, shown);
			free(shown);
			free(key);
			goto out;
		}
		yd_tuple_put(&ts, key, k, NULL, true, false, false);
	}
	rc = 0;
out:
	yd_tuples_free(&ts);
	return (rc);
}

/* Add a flattened entry for value node n under the path in pb. */
static int
yd_add(struct yamldoc *d, int doc, struct confbuf *pb, struct ynode *n,
    int flags, struct ynode *knode, struct ynode *map, char **cause)
{
	struct yd_ent	*e;
	enum yd_type	 t;
	size_t		 vlen;
	char		*v;

	if (d->nents == YD_MAX_ENTRIES) {
		cause_set(cause, "%s: more than %d settings: alias expansion "
		    "too large (a \"billion laughs\" document?)", yd_who(d),
		    YD_MAX_ENTRIES);
		return (-1);
	}
	if (n->type == YN_SCALAR)
		v = yd_scalar_value(n, &t, &vlen, &flags);
	else {
		v = xstrdup("");
		vlen = 0;
		flags |= YAMLDOC_EMPTY;
	}
	d->work += pb->len + vlen;
	if (d->work > YD_MAX_WORK) {
		free(v);
		cause_set(cause, "%s: the settings add up to more than %lu "
		    "bytes: alias expansion too large (a \"billion laughs\" "
		    "document?)", yd_who(d), YD_MAX_WORK);
		return (-1);
	}
	if ((d->nents & (d->nents + 1)) == 0 || d->nents == 0)
		d->ents = xreallocarray(d->ents, d->nents * 2 + 1,
		    sizeof *d->ents);
	e = &d->ents[d->nents++];
	memset(e, 0, sizeof *e);
	e->pub.key = xstrdup(pb->d != NULL ? (char *)pb->d : "");
	e->pub.canon = props_canon_key(e->pub.key);
	e->pub.value = v;
	e->pub.value_len = vlen;
	e->pub.doc = doc;
	e->pub.line = n->line;
	e->pub.column = n->col + 1;
	if (n->type != YN_SCALAR)
		e->pub.style = YAMLDOC_FLOWCOLL;
	else if (n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE)
		e->pub.style = YAMLDOC_SINGLE;
	else if (n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
		e->pub.style = YAMLDOC_DOUBLE;
	else if (n->style == YAML_LITERAL_SCALAR_STYLE)
		e->pub.style = YAMLDOC_LITERAL;
	else if (n->style == YAML_FOLDED_SCALAR_STYLE)
		e->pub.style = YAMLDOC_FOLDED;
	else
		e->pub.style = YAMLDOC_PLAIN;
	if (n->anchor != NULL)
		flags |= YAMLDOC_ANCHOR;
	if (n->inflow || n->flow)
		flags |= YAMLDOC_FLOW;
	if (n->eline > n->line && n->type == YN_SCALAR)
		flags |= YAMLDOC_MULTILINE;
	e->pub.flags = flags & ~YD_INLIST;
	e->pub.off = n->start;
	e->pub.len = n->end - n->start;
	e->node = n;
	e->keynode = knode;
	e->map = map;
	return (0);
}

/* Flatten node n (the value at the path in pb) into entries. */
static int
yd_flatten(struct yamldoc *d, int doc, struct ynode *n, struct confbuf *pb,
    int flags, int depth, struct ynode *knode, struct ynode *map,
    char **cause)
{
	struct ytuples	 ts;
	struct ynode	*v;
	char		*shown;
	size_t		 plen = pb->len, i;
	int		 rc = -1, f;

	if (depth > YD_MAX_FLAT) {
		cause_set(cause, "%s: line %d: nested more than %d levels "
		    "deep through aliases", yd_who(d), n->line, YD_MAX_FLAT);
		return (-1);
	}
	n = yd_deref(n, &flags);
	if (n->anchor != NULL)
		flags |= YAMLDOC_ANCHOR;
	if (n->type == YN_SCALAR || n->nkids == 0)
		return (yd_add(d, doc, pb, n, flags, knode, map, cause));
	if (n->type == YN_SEQ) {
		for (i = 0; i < n->nkids; i++) {
			confbuf_printf(pb, "[%zu]", i);
			rc = yd_flatten(d, doc, n->kids[i], pb,
			    flags | YD_INLIST, depth + 1, NULL, NULL, cause);
			pb->len = plen;
			pb->d[plen] = '\0';
			if (rc != 0)
				return (-1);
		}
		return (0);
	}
	memset(&ts, 0, sizeof ts);
	if (yd_dupcheck(d, n, cause) != 0 ||
	    yd_merge(d, n, true, 0, &ts, cause) != 0)
		goto out;
	for (i = 0; i < ts.n; i++) {
		if (ts.t[i].typed && (flags & YD_INLIST)) {
			/* YamlProcessor turns such keys into "[key]" only
			 * outside lists; inside, Spring Boot fails on them. */
			shown = confdoc_printable(ts.t[i].key, 64);
			cause_set(cause, "%s: line %d: key %s is not a string, "
			    "inside a list: Spring Boot cannot read the file "
			    "(ClassCastException); quote it", yd_who(d),
			    ts.t[i].knode->line, shown);
			free(shown);
			rc = -1;
			goto out;
		}
		if (plen != 0 && ts.t[i].key[0] != '[')
			confbuf_str(pb, ".");
		confbuf_str(pb, ts.t[i].key);
		f = flags;
		if (ts.t[i].merged)
			f |= YAMLDOC_ALIAS;
		v = ts.t[i].vnode;
		rc = yd_flatten(d, doc, v, pb, f, depth + 1,
		    ts.t[i].merged ? NULL : ts.t[i].knode,
		    ts.t[i].merged ? NULL : n, cause);
		pb->len = plen;
		if (pb->d != NULL)
			pb->d[plen] = '\0';
		if (rc != 0)
			goto out;
	}
	rc = 0;
out:
	yd_tuples_free(&ts);
	return (rc);
}

/* The document's profile from its entries [from, to). */
static void
yd_profile(struct yamldoc *d, int doc, size_t from, size_t to)
{
	static const char *const keys[] = {
	    "spring.config.activate.onprofile", "spring.profiles" };
	struct confbuf	 b = { NULL, 0, 0 };
	const char	*c;
	size_t		 i, k, n;

	for (k = 0; k < 2 && b.d == NULL; k++) {
		n = strlen(keys[k]);
		for (i = from; i < to; i++) {
			c = d->ents[i].pub.canon;
			if (strncmp(c, keys[k], n) != 0 || (c[n] != '\0' &&
			    c[n] != '['))
				continue;
			if (b.d != NULL)
				confbuf_str(&b, ",");
			confbuf_str(&b, d->ents[i].pub.value);
		}
	}
	d->docs[doc].profile = (char *)b.d;
	for (i = from; i < to; i++)
		d->ents[i].pub.profile = d->docs[doc].profile;
}

/* Read and flatten d->buf. */
static int
yd_build(struct yamldoc *d, char **cause)
{
	struct confbuf	 pb = { NULL, 0, 0 };
	struct ynode	*root;
	size_t		 from;
	int		 i, rc = -1;

	yd_index_chars(d);
	if (yd_read(d, cause) != 0)
		return (-1);
	confbuf_add(&pb, "", 0);
	for (i = 0; i < d->ndocs; i++) {
		from = d->nents;
		root = d->docs[i].root;
		if (root != NULL && !(root->type == YN_SCALAR &&
		    root->textlen == 0 && root->style ==
		    YAML_PLAIN_SCALAR_STYLE && root->tag == NULL)) {
			/* A document that is no mapping is "document". */
			pb.len = 0;
			if (yd_deref(root, NULL)->type != YN_MAP)
				confbuf_str(&pb, "document");
			if (yd_flatten(d, i, root, &pb, 0, 0, NULL, NULL,
			    cause) != 0)
				goto out;
		}
		yd_profile(d, i, from, d->nents);
	}
	rc = 0;
out:
	free(pb.d);
	return (rc);
}

/* Free the parsed parts. */
static void
yd_clear(struct yamldoc *d)
{
	size_t		 i;
	struct ynode	*n;
	int		 k;

	for (i = 0; i < d->nents; i++) {
		free(d->ents[i].pub.key);
		free(d->ents[i].pub.canon);
		free(d->ents[i].pub.value);
	}
	free(d->ents);
	for (i = 0; i < d->nnodes; i++) {
		n = d->nodes[i];
		free(n->anchor);
		free(n->tag);
		free(n->text);
		free(n->kids);
		free(n);
	}
	free(d->nodes);
	for (k = 0; k < d->ndocs; k++)
		free(d->docs[k].profile);
	free(d->docs);
	free(d->ckpt);
	free(d->buf);
}

void
yamldoc_free(struct yamldoc *d)
{
	if (d == NULL)
		return;
	yd_clear(d);
	free(d->name);
	free(d);
}

int
yamldoc_parse(const unsigned char *buf, size_t len, const char *name,
    struct yamldoc **dp, char **cause)
{
	struct yamldoc	*d;

	*dp = NULL;
	if (confdoc_check(buf, len, name, 0, cause) != 0)
		return (-1);
	d = xcalloc(1, sizeof *d);
	if (name != NULL)
		d->name = xstrdup(name);
	d->buf = xmalloc(len + 1);
	if (len != 0)
		memcpy(d->buf, buf, len);
	d->buf[len] = '\0';
	d->len = len;
	if (yd_build(d, cause) != 0) {
		yamldoc_free(d);
		return (-1);
	}
	*dp = d;
	return (0);
}

int
yamldoc_load(const char *path, struct yamldoc **dp, char **cause)
{
	unsigned char	*buf;
	size_t		 len;
	int		 rc;

	*dp = NULL;
	if (file_read(path, &buf, &len, cause) != 0)
		return (-1);
	rc = yamldoc_parse(buf, len, path, dp, cause);
	free(buf);
	return (rc);
}

void
yamldoc_serialize(const struct yamldoc *d, unsigned char **out, size_t *len)
{
	*out = xmemdup(d->buf, d->len + 1);
	*len = d->len;
}

const char *
yamldoc_name(const struct yamldoc *d)
{
	return (d->name);
}

size_t
yamldoc_count(const struct yamldoc *d)
{
	return (d->nents);
}

const struct yamldoc_entry *
yamldoc_entry(const struct yamldoc *d, size_t i)
{
	return (i < d->nents ? &d->ents[i].pub : NULL);
}

int
yamldoc_ndocs(const struct yamldoc *d)
{
	return (d->ndocs);
}

const char *
yamldoc_profile(const struct yamldoc *d, int doc)
{
	if (doc < 0 || doc >= d->ndocs)
		return (NULL);
	return (d->docs[doc].profile);
}

/* Index of the last entry of doc (-1: any) whose canon is c, or -1. */
static long
yd_find_canon(const struct yamldoc *d, int doc, const char *c)
{
	size_t	i;

	for (i = d->nents; i > 0; i--) {
		if ((doc == -1 || d->ents[i - 1].pub.doc == doc) &&
		    strcmp(d->ents[i - 1].pub.canon, c) == 0)
			return ((long)i - 1);
	}
	return (-1);
}

const struct yamldoc_entry *
yamldoc_find(const struct yamldoc *d, int doc, const char *key)
{
	char	*c = props_canon_key(key);
	long	 i = yd_find_canon(d, doc, c);

	free(c);
	return (i == -1 ? NULL : &d->ents[i].pub);
}

/* ------------------------------------------------------------------ */
/* Edits */

/* Length of the UTF-8 sequence at s (valid UTF-8) and its code point. */
static size_t
yd_cp(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return (1);
	}
	if ((s[0] & 0xe0) == 0xc0) {
		*cp = ((s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		return (2);
	}
	if ((s[0] & 0xf0) == 0xe0) {
		*cp = ((s[0] & 0x0f) << 12) | ((s[1] & 0x3f) << 6) |
		    (s[2] & 0x3f);
		return (3);
	}
	*cp = ((s[0] & 0x07) << 18) | ((s[1] & 0x3f) << 12) |
	    ((s[2] & 0x3f) << 6) | (s[3] & 0x3f);
	return (4);
}

/* May code point cp stand unescaped in a quoted scalar (YAML 1.1
 * printable, no line break)? */
static bool
yd_printable(uint32_t cp)
{
	if (cp == '\t')
		return (true);
	if (cp < 0x20 || cp == 0x7f)
		return (false);
	if (cp >= 0x80 && cp <= 0x9f)
		return (false);		/* C1, NEL */
	if (cp == 0x2028 || cp == 0x2029 || cp == 0xfeff || cp == 0xfffe ||
	    cp == 0xffff)
		return (false);
	return (true);
}

/*
 * Does Spring read plain text s as the string s?  A number or boolean
 * does when Java prints it as written (443, true, 1.5), not otherwise
 * (0123 reads as 83, yes as true); a key must be a string.
 */
static bool
yd_plain_same(const char *s, size_t n, bool key)
{
	enum yd_type	 t = yd_resolve(s, n);
	char		*v;
	bool		 same;

	if (t == YT_STR)
		return (true);
	if (key || t == YT_NULL || t == YT_MERGE)
		return (false);
	if (t == YT_BOOL)
		return (strcmp(s, "true") == 0 || strcmp(s, "false") == 0);
	v = t == YT_INT ? yd_int_string(s) : yd_float_string(s);
	same = strcmp(v, s) == 0;
	free(v);
	return (same);
}

/* Can s be written as a plain scalar that SnakeYAML reads back as the
 * string s (in a flow collection when inflow)? */
static bool
yd_plain_ok(const char *s, bool inflow, bool key)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = strlen(s);
	uint32_t		 cp;

	if (n == 0 || !yd_plain_same(s, n, key))
		return (false);
	if (strchr("-?:,[]{}#&*!|>'\"%@` \t", s[0]) != NULL)
		return (false);
	if (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == ':')
		return (false);
	if (strstr(s, ": ") != NULL || strstr(s, " #") != NULL ||
	    strstr(s, "\t#") != NULL || strchr(s, '\t') != NULL)
		return (false);
	if (inflow && strpbrk(s, ",[]{}") != NULL)
		return (false);
	if (key && strpbrk(s, ":#") != NULL)
		return (false);
	while (*p != '\0') {
		p += yd_cp(p, &cp);
		if (!yd_printable(cp) || cp == '\t')
			return (false);
	}
	return (true);
}

/* Can s be written single-quoted? */
static bool
yd_single_ok(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;

	while (*p != '\0') {
		p += yd_cp(p, &cp);
		if (!yd_printable(cp))
			return (false);
	}
	return (true);
}

/* s written as a YAML scalar, in style if it allows (0 plain, 1 single,
 * 2 double). */
static void
yd_render(struct confbuf *b, const char *s, int style, bool inflow, bool key)
{
	const unsigned char	*p = (const unsigned char *)s, *q;
	uint32_t		 cp;
	size_t			 n;

	if (style == 0 && yd_plain_ok(s, inflow, key)) {
		confbuf_str(b, s);
		return;
	}
	if (style <= 1 && yd_single_ok(s)) {
		confbuf_str(b, "'");
		for (; *p != '\0'; p++) {
			if (*p == '\'')
				confbuf_str(b, "''");
			else
				confbuf_add(b, p, 1);
		}
		confbuf_str(b, "'");
		return;
	}
	confbuf_str(b, "\"");
	while (*p != '\0') {
		q = p;
		n = yd_cp(p, &cp);
		p += n;
		switch (cp) {
		case '"':
			confbuf_str(b, "\\\"");
			break;
		case '\\':
			confbuf_str(b, "\\\\");
			break;
		case '\t':
			confbuf_str(b, "\\t");
			break;
		case '\r':
			confbuf_str(b, "\\r");
			break;
		case '\n':
			confbuf_str(b, "\\n");
			break;
		case 0x1b:
			confbuf_str(b, "\\e");
			break;
		case 0x85:
			confbuf_str(b, "\\N");
			break;
		case 0x2028:
			confbuf_str(b, "\\L");
			break;
		case 0x2029:
			confbuf_str(b, "\\P");
			break;
		default:
			if (yd_printable(cp))
				confbuf_add(b, q, n);
			else if (cp <= 0xff)
				confbuf_printf(b, "\\x%02X", (unsigned int)cp);
			else
				confbuf_printf(b, "\\u%04X", (unsigned int)cp);
			break;
		}
	}
	confbuf_str(b, "\"");
}

/* The style yd_render keeps for an entry written in style st. */
static int
yd_style_of(enum yamldoc_style st)
{
	if (st == YAMLDOC_SINGLE)
		return (1);
	if (st == YAMLDOC_DOUBLE)
		return (2);
	return (0);
}

/*
 * Replace d with the bytes in nb if they read as d's flattened view with
 * only the entries of document doc matching canon c changed: none left
 * (want NULL), or want in the last of them and nwant of them in all.
 */
static int
yd_commit(struct yamldoc *d, struct confbuf *nb, int doc, const char *c,
    const char *gone, const char *want, size_t nwant, char **cause)
{
	struct yamldoc	*q = NULL, tmp;
	char		*cause2 = NULL;
	size_t		 i, j, n = 0;
	long		 last;
	int		 ndocs = d->ndocs;

	if (nb->d == NULL)
		confbuf_add(nb, "", 0);
	if (yamldoc_parse(nb->d, nb->len, d->name, &q, &cause2) != 0) {
		cause_set(cause, "%s: edit refused, the result would not "
		    "read: %s", yd_who(d), cause2);
		free(cause2);
		return (-1);
	}
	if (ndocs == 0 && want != NULL)
		ndocs = 1;
	/* Removing the last setting of a one-document file empties it. */
	if (q->ndocs != ndocs && !(want == NULL && ndocs == 1 &&
	    q->ndocs == 0))
		goto bad;
	for (i = j = 0; i < d->nents || j < q->nents; ) {
		if (i < d->nents && d->ents[i].pub.doc == doc &&
		    (strcmp(d->ents[i].pub.canon, c) == 0 || (gone != NULL &&
		    strcmp(d->ents[i].pub.canon, gone) == 0))) {
			i++;
			continue;
		}
		if (j < q->nents && q->ents[j].pub.doc == doc &&
		    strcmp(q->ents[j].pub.canon, c) == 0) {
			j++;
			n++;
			continue;
		}
		if (i == d->nents || j == q->nents)
			goto bad;
		if (d->ents[i].pub.doc != q->ents[j].pub.doc ||
		    strcmp(d->ents[i].pub.key, q->ents[j].pub.key) != 0 ||
		    d->ents[i].pub.value_len != q->ents[j].pub.value_len ||
		    memcmp(d->ents[i].pub.value, q->ents[j].pub.value,
		    d->ents[i].pub.value_len) != 0)
			goto bad;
		i++;
		j++;
	}
	if (want == NULL) {
		if (n != 0)
			goto bad;
	} else {
		last = yd_find_canon(q, doc, c);
		if (n != nwant || last == -1 ||
		    q->ents[last].pub.value_len != strlen(want) ||
		    strcmp(q->ents[last].pub.value, want) != 0)
			goto bad;
	}
	tmp = *d;
	*d = *q;
	free(d->name);
	d->name = tmp.name;
	yd_clear(&tmp);
	free(q);
	return (0);
bad:
	yamldoc_free(q);
	cause_set(cause, "%s: edit refused: the file would not read as "
	    "before with only that setting changed", yd_who(d));
	return (-1);
}

/* Split a flattened key into its elements ("a", "b", "[0]"). */
static char **
yd_segs(const char *key, size_t *np)
{
	char		**v = NULL;
	const char	*p = key, *e;
	size_t		 n = 0;

	while (*p != '\0') {
		if (*p == '.') {
			p++;
			if (*p == '\0' || *p == '.' || *p == '[')
				goto bad;
			continue;
		}
		if (*p == '[') {
			if ((e = strchr(p, ']')) == NULL || e == p + 1)
				goto bad;
			e++;
		} else {
			for (e = p; *e != '\0' && *e != '.' && *e != '['; e++)
				;
			if (*e == '.' && e[1] == '\0')
				goto bad;
		}
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = xstrndup(p, e - p);
		p = e;
		if (*p != '\0' && *p != '.' && *p != '[')
			goto bad;
	}
	if (n == 0 || key[0] == '.')
		goto bad;
	*np = n;
	return (v);
bad:
	while (n > 0)
		free(v[--n]);
	free(v);
	*np = 0;
	return (NULL);
}

static void
yd_segs_free(char **v, size_t n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}

/* Do key elements a[0, na) match b (relaxed)? */
static bool
yd_segs_match(char **a, size_t na, char **b)
{
	char	*x, *y;
	size_t	 i;
	bool	 ok = true;

	for (i = 0; i < na && ok; i++) {
		x = props_canon_key(a[i]);
		y = props_canon_key(b[i]);
		ok = strcmp(x, y) == 0;
		free(x);
		free(y);
	}
	return (ok);
}

/* Where text may go after node n's last line (a line start). */
static size_t
yd_after(const struct yamldoc *d, const struct ynode *n, bool *needeol)
{
	size_t	at;

	while ((n->type == YN_MAP || n->type == YN_SEQ) && !n->flow &&
	    n->nkids > 0)
		n = n->kids[n->nkids - 1];
	at = n->end;
	*needeol = false;
	if (at > 0 && (d->buf[at - 1] == '\n' || d->buf[at - 1] == '\r'))
		return (at);
	while (at < d->len && d->buf[at] != '\n' && d->buf[at] != '\r')
		at++;
	if (at == d->len) {
		*needeol = true;
		return (at);
	}
	if (d->buf[at] == '\r' && at + 1 < d->len && d->buf[at + 1] == '\n')
		at++;
	return (at + 1);
}

/* Lines for the missing elements segs[0, n) of a key: the first at
 * indent, each next one step deeper, the last with the value. */
static void
yd_lines(struct confbuf *b, char **segs, size_t n, int indent, int step,
    const char *value, const char *eol)
{
	size_t	i;
	int	k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < indent + (int)i * step; k++)
			confbuf_str(b, " ");
		yd_render(b, segs[i], 0, false, true);
		confbuf_str(b, ":");
		if (i + 1 == n) {
			confbuf_str(b, " ");
			yd_render(b, value, 0, false, false);
		}
		confbuf_str(b, eol);
	}
}

/* The indentation step the document uses around mapping m. */
static int
yd_step(const struct ynode *m)
{
	const struct ynode	*v;
	size_t			 i;

	for (i = 1; i < m->nkids; i += 2) {
		v = m->kids[i];
		if (v->type == YN_MAP && !v->flow && v->col > m->col)
			return (v->col - m->col);
	}
	if (m->parent != NULL && m->parent->type == YN_MAP &&
	    m->col > m->parent->col)
		return (m->col - m->parent->col);
	return (2);
}

/* Is n an empty plain scalar with no bytes ("key:")? */
static bool
yd_is_void(const struct ynode *n)
{
	return (n->type == YN_SCALAR && n->textlen == 0 && n->start == n->end &&
	    n->tag == NULL && n->anchor == NULL);
}

/* Insert key (elements segs[0, nsegs)) = value into document doc. */
static int
yd_insert(struct yamldoc *d, int doc, const char *key, char **segs,
    size_t nsegs, const char *value, struct confbuf *nb, char **gone,
    char **cause)
{
	struct ynode	*cur, *k, *v, *it, *cand, *candkey;
	const char	*eol = confdoc_eol(d->buf, d->len);
	char		*ks, **ksegs;
	struct confbuf	 dk = { NULL, 0, 0 };
	char		*dseg;
	size_t		 nk, i = 0, j, m, ncand, candj = 0, at, idx, item;
	bool		 needeol, isvoid = false, dotted = false;
	int		 indent, step;

	for (m = 0; m < nsegs; m++) {
		if (segs[m][0] == '[' && segs[m][1] >= '0' &&
		    segs[m][1] <= '9')
			break;
	}
	if (d->ndocs == 0 || (doc == d->ndocs - 1 &&
	    d->docs[doc].root == NULL) || (doc == d->ndocs - 1 &&
	    yd_is_void(d->docs[doc].root))) {
		/* An empty file or a last document with nothing in it. */
		if (m != nsegs)
			goto nolist;
		confbuf_add(nb, d->buf, d->len);
		if (d->len > 0 && d->buf[d->len - 1] != '\n' &&
		    d->buf[d->len - 1] != '\r')
			confbuf_str(nb, eol);
		yd_lines(nb, segs, nsegs, 0, 2, value, eol);
		return (0);
	}
	cur = d->docs[doc].root;
	if (cur == NULL || cur->type != YN_MAP || cur->flow ||
	    cur->anchor != NULL) {
		cause_set(cause, "%s: document %d is not a block mapping: "
		    "cannot add %s", yd_who(d), doc, key);
		return (-1);
	}
	for (;;) {
		ncand = 0;
		cand = candkey = NULL;
		for (idx = 0; idx + 1 < cur->nkids; idx += 2) {
			k = cur->kids[idx];
			v = cur->kids[idx + 1];
			if (yd_is_merge(yd_deref(k, NULL)))
				continue;
			if (yd_key_string(d, k, &ks, NULL, cause) != 0)
				return (-1);
			ksegs = yd_segs(ks, &nk);
			free(ks);
			if (ksegs == NULL || nk > nsegs - i ||
			    !yd_segs_match(ksegs, nk, segs + i)) {
				yd_segs_free(ksegs, nk);
				continue;
			}
			yd_segs_free(ksegs, nk);
			j = i + nk;
			if (v->type == YN_ALIAS || v->anchor != NULL) {
				cause_set(cause, "%s: line %d: %s is shared "
				    "through a YAML anchor or alias: add %s "
				    "by hand", yd_who(d), v->line,
				    segs[i], key);
				return (-1);
			}
			if (j == nsegs) {
				cause_set(cause, "%s: line %d: %s is a %s, not "
				    "a value", yd_who(d), v->line, key,
				    v->type == YN_MAP ? "mapping" : "list");
				return (-1);
			}
			if (v->type == YN_MAP && v->flow) {
				cause_set(cause, "%s: line %d: %s is a flow "
				    "mapping ({...}): add %s by hand",
				    yd_who(d), v->line, segs[j - 1], key);
				return (-1);
			}
			if (v->type == YN_SEQ) {
				if (segs[j][0] != '[' || v->flow)
					goto notmap;
				it = NULL;
				if (segs[j][1] >= '0' && segs[j][1] <= '9') {
					item = strtoul(segs[j] + 1, NULL, 10);
					if (item < v->nkids)
						it = v->kids[item];
				}
				if (it == NULL) {
					cause_set(cause, "%s: line %d: %s has "
					    "no item %s: adding list items is "
					    "not supported", yd_who(d),
					    v->line, segs[j - 1], segs[j]);
					return (-1);
				}
				if (it->type != YN_MAP || it->flow ||
				    it->anchor != NULL)
					goto notmap;
				v = it;
				j++;
			} else if (v->type == YN_SCALAR) {
				if (!yd_is_void(v) || v->inflow)
					goto notmap;
			}
			ncand++;
			cand = v;
			candkey = k;
			candj = j;
			continue;
		notmap:
			cause_set(cause, "%s: line %d: %s holds a value, not "
			    "a mapping: cannot add %s", yd_who(d), v->line,
			    segs[j - 1], key);
			return (-1);
		}
		if (ncand > 1) {
			cause_set(cause, "%s: document %d: %s could go under "
			    "more than one mapping: add it by hand", yd_who(d),
			    doc, key);
			return (-1);
		}
		if (ncand == 0 || cand->type == YN_SCALAR)
			break;
		cur = cand;
		i = candj;
	}
	if (ncand == 1) {
		/* "key:" with nothing: the new levels go under it, and the
		 * empty setting it was goes. */
		isvoid = true;
		i = candj;
		for (idx = 0; idx < d->nents; idx++) {
			if (d->ents[idx].node == cand)
				*gone = xstrdup(d->ents[idx].pub.canon);
		}
	}
	for (j = i; j < nsegs; j++) {
		if (segs[j][0] == '[' && segs[j][1] >= '0' &&
		    segs[j][1] <= '9')
			goto nolist;
	}
	if (!isvoid) {
		for (idx = 0; idx + 1 < cur->nkids; idx += 2) {
			k = yd_deref(cur->kids[idx], NULL);
			if (yd_is_merge(k)) {
				cause_set(cause, "%s: line %d: this mapping "
				    "takes keys from a << merge: add %s by "
				    "hand", yd_who(d), k->line, key);
				return (-1);
			}
			/* Does the mapping spell keys dotted ("a.b: c")? */
			if (yd_key_string(d, cur->kids[idx], &ks, NULL,
			    cause) != 0)
				return (-1);
			ksegs = yd_segs(ks, &nk);
			free(ks);
			if (ksegs != NULL && nk > 1 && nsegs - i > 1 &&
			    yd_segs_match(ksegs, 1, segs + i))
				dotted = true;
			yd_segs_free(ksegs, nk);
		}
	}
	step = yd_step(cur);
	if (isvoid) {
		indent = candkey->col + step;
		at = yd_after(d, cand, &needeol);
	} else {
		indent = cur->col;
		at = yd_after(d, cur, &needeol);
	}
	confbuf_add(nb, d->buf, at);
	if (needeol)
		confbuf_str(nb, eol);
	if (dotted) {
		for (j = i; j < nsegs; j++) {
			if (j > i && segs[j][0] != '[')
				confbuf_str(&dk, ".");
			confbuf_str(&dk, segs[j]);
		}
		dseg = (char *)dk.d;
		yd_lines(nb, &dseg, 1, indent, step, value, eol);
		free(dk.d);
	} else
		yd_lines(nb, segs + i, nsegs - i, indent, step, value, eol);
	confbuf_add(nb, d->buf + at, d->len - at);
	return (0);
nolist:
	cause_set(cause, "%s: %s: adding list items is not supported",
	    yd_who(d), key);
	return (-1);
}

/* Is value one line of UTF-8 text? */
static int
yd_value_ok(const struct yamldoc *d, const char *key, const char *value,
    char **cause)
{
	if (!confdoc_utf8((const unsigned char *)value, strlen(value),
	    NULL) || strpbrk(value, "\r\n") != NULL) {
		cause_set(cause, "%s: the value of %s must be one line of "
		    "UTF-8 text", yd_who(d), key);
		return (-1);
	}
	return (0);
}

/* Is key a name we look for: UTF-8, no control characters? */
static bool
yd_key_ok(const char *key)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)key; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return (false);
	}
	return (confdoc_utf8((const unsigned char *)key, strlen(key), NULL));
}

int
yamldoc_set(struct yamldoc *d, int doc, const char *key, const char *value,
    char **cause)
{
	struct confbuf		 nb = { NULL, 0, 0 }, sb = { NULL, 0, 0 };
	const struct yd_ent	*e;
	char			*c = NULL, **segs = NULL, *gone = NULL;
	size_t			 nsegs = 0, nwant;
	long			 idx;
	int			 rc = -1;

	if (!yd_key_ok(key)) {
		cause_set(cause, "%s: not a property name", yd_who(d));
		return (-1);
	}
	if (yd_value_ok(d, key, value, cause) != 0)
		return (-1);
	if (doc < 0 || (doc >= d->ndocs && !(doc == 0 && d->ndocs == 0))) {
		cause_set(cause, "%s: no document %d", yd_who(d), doc);
		return (-1);
	}
	if (!yd_key_ok(key) || (segs = yd_segs(key, &nsegs)) == NULL) {
		cause_set(cause, "%s: not a property name", yd_who(d));
		goto out;
	}
	c = props_canon_key(key);
	if ((idx = yd_find_canon(d, doc, c)) != -1) {
		e = &d->ents[idx];
		nwant = 0;
		for (size_t i = 0; i < d->nents; i++) {
			if (d->ents[i].pub.doc == doc &&
			    strcmp(d->ents[i].pub.canon, c) == 0)
				nwant++;
		}
		if (e->pub.flags & (YAMLDOC_ALIAS | YAMLDOC_ANCHOR)) {
			cause_set(cause, "%s: line %d: %s is shared through a "
			    "YAML anchor or alias: edit it by hand", yd_who(d),
			    e->pub.line, key);
			goto out;
		}
		if (e->pub.style == YAMLDOC_LITERAL ||
		    e->pub.style == YAMLDOC_FOLDED) {
			cause_set(cause, "%s: line %d: %s is a block scalar "
			    "(| or >): edit it by hand", yd_who(d),
			    e->pub.line, key);
			goto out;
		}
		if (e->pub.flags & YAMLDOC_TAG) {
			cause_set(cause, "%s: line %d: %s carries a YAML tag: "
			    "edit it by hand", yd_who(d), e->pub.line, key);
			goto out;
		}
		yd_render(&sb, value, yd_style_of(e->pub.style),
		    (e->pub.flags & YAMLDOC_FLOW) != 0, false);
		confbuf_add(&nb, d->buf, e->pub.off);
		if (e->pub.len == 0 && e->pub.off > 0 &&
		    d->buf[e->pub.off - 1] != ' ' &&
		    d->buf[e->pub.off - 1] != '\t')
			confbuf_str(&nb, " ");
		confbuf_add(&nb, sb.d, sb.len);
		confbuf_add(&nb, d->buf + e->pub.off + e->pub.len,
		    d->len - e->pub.off - e->pub.len);
	} else {
		nwant = 1;
		if (yd_insert(d, doc, key, segs, nsegs, value, &nb, &gone,
		    cause) != 0)
			goto out;
	}
	rc = yd_commit(d, &nb, doc, c, gone, value, nwant, cause);
out:
	yd_segs_free(segs, nsegs);
	free(gone);
	free(c);
	free(nb.d);
	free(sb.d);
	return (rc);
}

/* A byte range to drop. */
struct ycut {
	size_t	from;
	size_t	to;
};

/* The whole line holding bytes [from, to): [line start, after its end);
 * -1 unless only blanks precede from and only blanks or a comment follow
 * to on that line. */
static int
yd_line_cut(const struct yamldoc *d, size_t from, size_t to,
    struct ycut *cut)
{
	size_t	a = from, b = to;

	while (a > 0 && (d->buf[a - 1] == ' ' || d->buf[a - 1] == '\t'))
		a--;
	if (a > 0 && d->buf[a - 1] != '\n' && d->buf[a - 1] != '\r')
		return (-1);
	while (b < d->len && (d->buf[b] == ' ' || d->buf[b] == '\t'))
		b++;
	if (b < d->len && d->buf[b] == '#') {
		while (b < d->len && d->buf[b] != '\n' && d->buf[b] != '\r')
			b++;
	}
	if (b < d->len && d->buf[b] == '\r') {
		b++;
		if (b < d->len && d->buf[b] == '\n')
			b++;
	} else if (b < d->len && d->buf[b] == '\n')
		b++;
	else if (b < d->len)
		return (-1);
	cut->from = a;
	cut->to = b;
	return (0);
}

/* The line of a "key: value" pair of a block mapping (key first on its
 * line, value ending on it), or -1. */
static int
yd_pair_cut(const struct yamldoc *d, const struct ynode *k,
    const struct ynode *v, struct ycut *cut)
{
	size_t	i, end;

	if (k == NULL || k->type != YN_SCALAR || k->anchor != NULL ||
	    k->tag != NULL || k->line != v->eline ||
	    k->eline != k->line)
		return (-1);
	end = v->end > k->end ? v->end : k->end;
	/* Only blanks and the ':' between the key and a void value. */
	if (yd_is_void(v)) {
		for (i = k->end; i < v->start; i++) {
			if (d->buf[i] != ' ' && d->buf[i] != '\t' &&
			    d->buf[i] != ':')
				return (-1);
		}
	}
	return (yd_line_cut(d, k->start, end, cut));
}

static int
yd_cut_cmp(const void *a, const void *b)
{
	const struct ycut	*x = a, *y = b;

	return (x->from < y->from ? -1 : x->from > y->from);
}

/* Add the cut for pair (k, m) whose mapping value m is left empty. */
static int
yd_cut_owner(const struct yamldoc *d, struct ynode *m, struct ycut **cuts,
    size_t *ncuts)
{
	struct ynode	*p = m->parent, *k = NULL;
	struct ycut	 c;
	size_t		 i, a, b;

	if (p == NULL || p->type != YN_MAP || p->flow || m->anchor != NULL)
		return (-1);
	for (i = 1; i < p->nkids; i += 2) {
		if (p->kids[i] == m)
			k = p->kids[i - 1];
	}
	if (k == NULL || k->type != YN_SCALAR || k->anchor != NULL ||
	    k->tag != NULL || k->line != k->eline || k->line >= m->line)
		return (-1);
	/* "key:" and perhaps a comment, alone on their line. */
	a = k->end;
	while (a < d->len && (d->buf[a] == ' ' || d->buf[a] == '\t'))
		a++;
	if (a >= d->len || d->buf[a] != ':')
		return (-1);
	b = a + 1;
	while (b < d->len && (d->buf[b] == ' ' || d->buf[b] == '\t'))
		b++;
	if (b < d->len && d->buf[b] != '#' && d->buf[b] != '\n' &&
	    d->buf[b] != '\r')
		return (-1);
	if (yd_line_cut(d, k->start, a + 1, &c) != 0)
		return (-1);
	*cuts = xreallocarray(*cuts, *ncuts + 1, sizeof **cuts);
	(*cuts)[(*ncuts)++] = c;
	return (0);
}

int
yamldoc_unset(struct yamldoc *d, int doc, const char *key, size_t *removed,
    char **cause)
{
	struct confbuf		 nb = { NULL, 0, 0 };
	struct ycut		*cuts = NULL, c;
	struct ynode		**maps = NULL, *m;
	size_t			*counts = NULL, nmaps = 0, ncuts = 0;
	size_t			 i, j, n = 0;
	size_t			 at;
	bool			*done;
	const struct yd_ent	*e;
	char			*cn;
	int			 rc = -1;

	if (removed != NULL)
		*removed = 0;
	if (!yd_key_ok(key)) {
		cause_set(cause, "%s: not a property name", yd_who(d));
		return (-1);
	}
	cn = props_canon_key(key);
	for (i = 0; i < d->nents; i++) {
		e = &d->ents[i];
		if (e->pub.doc != doc || strcmp(e->pub.canon, cn) != 0)
			continue;
		n++;
		if ((e->pub.flags & (YAMLDOC_ALIAS | YAMLDOC_ANCHOR)) ||
		    e->map == NULL || e->map->flow ||
		    yd_pair_cut(d, e->keynode, e->node, &c) != 0) {
			cause_set(cause, "%s: line %d: %s is not a one-line "
			    "\"key: value\" of a block mapping: remove it by "
			    "hand", yd_who(d), e->pub.line, key);
			goto out;
		}
		cuts = xreallocarray(cuts, ncuts + 1, sizeof *cuts);
		cuts[ncuts++] = c;
		for (j = 0; j < nmaps && maps[j] != e->map; j++)
			;
		if (j == nmaps) {
			maps = xreallocarray(maps, nmaps + 1, sizeof *maps);
			counts = xreallocarray(counts, nmaps + 1,
			    sizeof *counts);
			maps[nmaps] = e->map;
			counts[nmaps++] = 0;
		}
		counts[j]++;
	}
	if (n == 0) {
		rc = 0;
		goto out;
	}
	/* A mapping left empty loses its own "key:" line, and so on up. */
	done = xcalloc(nmaps, sizeof *done);
	for (j = 0; j < nmaps; j++) {
		m = maps[j];
		if (done[j] || counts[j] != m->nkids / 2 || m->parent == NULL ||
		    yd_cut_owner(d, m, &cuts, &ncuts) != 0)
			continue;
		done[j] = true;
		for (i = 0; i < nmaps && maps[i] != m->parent; i++)
			;
		if (i == nmaps) {
			maps = xreallocarray(maps, nmaps + 1, sizeof *maps);
			counts = xreallocarray(counts, nmaps + 1,
			    sizeof *counts);
			done = xreallocarray(done, nmaps + 1, sizeof *done);
			maps[nmaps] = m->parent;
			done[nmaps] = false;
			counts[nmaps++] = 0;
		}
		counts[i]++;
		if (i < j)
			j = (size_t)-1;		/* look again from the start */
	}
	free(done);
	if (ncuts > 1)
		qsort(cuts, ncuts, sizeof *cuts, yd_cut_cmp);
	for (i = 0, at = 0; i < ncuts; i++) {
		if (cuts[i].from < at)
			cuts[i].from = at;
		if (cuts[i].from >= cuts[i].to)
			continue;
		confbuf_add(&nb, d->buf + at, cuts[i].from - at);
		at = cuts[i].to;
	}
	confbuf_add(&nb, d->buf + at, d->len - at);
	rc = yd_commit(d, &nb, doc, cn, NULL, NULL, 0, cause);
	if (rc == 0 && removed != NULL)
		*removed = n;
out:
	free(cn);
	free(cuts);
	free(maps);
	free(counts);
	free(nb.d);
	return (rc);
}

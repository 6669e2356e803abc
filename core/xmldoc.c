/* SPDX-License-Identifier: ISC */
/*
 * xmldoc.c -- Tomcat's server.xml as a lossless document
 * (docs/config-formats.md, "Tomcat server.xml").
 *
 * Two readers look at every document.  libxml2 decides whether it is XML at
 * all: no network, no external DTD, entities never expanded and never
 * fetched (XML_PARSE_NONET without NOENT, DTDLOAD or DTDATTR; an external
 * entity loader that refuses everything, in case).  Our own tokenizer then
 * cuts the same bytes into start tags, attributes and end tags and keeps
 * where each lies, which libxml2 does not tell; the two must agree on every
 * element and attribute, or the document is refused.
 *
 * An edit changes the bytes of one attribute value, adds or removes one
 * attribute, or inserts one element; the result is read by libxml2 again
 * and its tree compared with the old one (element names, attributes, text,
 * comments, processing instructions): it must differ exactly by the edit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "core.h"

#define XD_MAX_DEPTH	100		/* nested elements */
#define XD_XINCLUDE_NS	"http://www.w3.org/2001/XInclude"

struct xd_entity {
	char		*name;
	char		*system;	/* SYSTEM id, or NULL (internal) */
	bool		 param;		/* a parameter entity (%) */
};

struct xmldoc {
	char		*name;
	unsigned char	*buf;
	size_t		 len;
	bool		 latin1;	/* declared ISO-8859-1 or US-ASCII */
	int		 flags;
	char		*warning;
	struct xmldoc_elem *els;
	size_t		 nels;
	struct xd_entity *ents;
	size_t		 nents;
	xmlDocPtr	 xml;		/* libxml2's tree of the same bytes */
};

/* The tokenizer's state. */
struct xd_scan {
	struct xmldoc	*d;
	size_t		 pos;
	size_t		 stack[XD_MAX_DEPTH];
	int		 depth;
	bool		 root_seen;
	char		**cause;
};

/* libxml2's first error, captured (libxml2 never prints). */
struct xd_err {
	char		 msg[256];
	int		 line;
	bool		 set;
};

/* What an edit must change, for the tree comparison. */
enum xd_edit {
	XD_SET,		/* elem's attribute attr becomes value */
	XD_REMOVE,	/* elem's attribute attr goes */
	XD_INSERT	/* after elem: text ws, then the element in frag */
};

struct xd_expect {
	enum xd_edit	 op;
	size_t		 elem;		/* in the old tree's document order */
	const char	*attr;
	const char	*value;
	const char	*ws;
	xmlNodePtr	 frag;
	size_t		 oi;		/* elements seen in the old tree */
	bool		 hit;		/* the edit was found */
};

/* Name for messages. */
static const char *
xd_who(const struct xmldoc *d)
{
	return (d->name != NULL ? d->name : "(xml)");
}

static bool
xd_ws(unsigned char c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\n');
}

/* ------------------------------------------------------------------ */
/* libxml2 */

static void
xd_err_fn(void *ctx, xmlErrorPtr e)
{
	struct xd_err	*err = ctx;
	size_t		 n;

	if (err->set || e == NULL || e->level < XML_ERR_ERROR ||
	    e->domain == XML_FROM_NAMESPACE)
		return;
	if (e->message != NULL && strstr(e->message, "Excessive depth") !=
	    NULL)
		snprintf(err->msg, sizeof err->msg, "elements nested more "
		    "than %d levels deep", (int)xmlParserMaxDepth);
	else if (e->message != NULL && strstr(e->message,
	    "entity reference loop") != NULL)
		snprintf(err->msg, sizeof err->msg, "entities that refer to "
		    "themselves or expand too far (a \"billion laughs\" "
		    "document?)");
	else
		snprintf(err->msg, sizeof err->msg, "%s", e->message != NULL ?
		    e->message : "not XML");
	n = strlen(err->msg);
	while (n > 0 && (err->msg[n - 1] == '\n' || err->msg[n - 1] == ' '))
		err->msg[--n] = '\0';
	/* It may quote the document: one line. */
	for (; n > 0; n--) {
		if ((unsigned char)err->msg[n - 1] < 0x20 ||
		    err->msg[n - 1] == 0x7f)
			err->msg[n - 1] = '?';
	}
	err->line = e->line;
	err->set = true;
}

static void
xd_generic_fn(void *ctx, const char *fmt, ...)
{
}

/* Never load anything from outside the document. */
static xmlParserInputPtr
xd_no_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	return (NULL);
}

/* Parse buf with libxml2 into *xp; one line on failure. */
static int
xd_libxml(const char *who, const unsigned char *buf, size_t len,
    xmlDocPtr *xp, char **cause)
{
	xmlParserCtxtPtr		 ctxt;
	xmlDocPtr			 x;
	struct xd_err			 err;
	xmlStructuredErrorFunc		 oserr;
	xmlGenericErrorFunc		 ogen;
	void				*osctx, *ogctx;
	bool				 wf;

	*xp = NULL;
	memset(&err, 0, sizeof err);
	xmlSetExternalEntityLoader(xd_no_loader);
	oserr = xmlStructuredError;
	osctx = xmlStructuredErrorContext;
	ogen = xmlGenericError;
	ogctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(&err, xd_err_fn);
	xmlSetGenericErrorFunc(NULL, xd_generic_fn);
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		fatalx("libxml2: out of memory");
	x = xmlCtxtReadMemory(ctxt, (const char *)buf, (int)len, NULL, NULL,
	    XML_PARSE_NONET);
	wf = ctxt->wellFormed;
	xmlFreeParserCtxt(ctxt);
	xmlSetStructuredErrorFunc(osctx, oserr);
	xmlSetGenericErrorFunc(ogctx, ogen);
	if (x == NULL || !wf || err.set) {
		if (x != NULL)
			xmlFreeDoc(x);
		if (err.set)
			cause_set(cause, "%s: line %d: %s", who, err.line,
			    err.msg);
		else
			cause_set(cause, "%s: not XML", who);
		return (-1);
	}
	*xp = x;
	return (0);
}

/* ------------------------------------------------------------------ */
/* Text */

/* Append code point cp as UTF-8. */
static void
xd_utf8(struct confbuf *b, uint32_t cp)
{
	unsigned char	t[4];
	size_t		n;

	if (cp < 0x80) {
		t[0] = cp;
		n = 1;
	} else if (cp < 0x800) {
		t[0] = 0xc0 | (cp >> 6);
		t[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else if (cp < 0x10000) {
		t[0] = 0xe0 | (cp >> 12);
		t[1] = 0x80 | ((cp >> 6) & 0x3f);
		t[2] = 0x80 | (cp & 0x3f);
		n = 3;
	} else {
		t[0] = 0xf0 | (cp >> 18);
		t[1] = 0x80 | ((cp >> 12) & 0x3f);
		t[2] = 0x80 | ((cp >> 6) & 0x3f);
		t[3] = 0x80 | (cp & 0x3f);
		n = 4;
	}
	confbuf_add(b, t, n);
}

/* Is cp an XML 1.0 Char? */
static bool
xd_char_ok(uint32_t cp)
{
	return (cp == 0x9 || cp == 0xa || cp == 0xd ||
	    (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
	    (cp >= 0x10000 && cp <= 0x10ffff));
}

/*
 * Decode s[0, n): predefined entities and character references; with attr,
 * literal blanks become spaces as XML normalizes attribute values.  A
 * reference to another entity is kept as "&name;" (and *entref set) when
 * entities may (non-NULL entref), else fails.  latin1: bytes are
 * ISO-8859-1.
 */
static int
xd_decode(const unsigned char *s, size_t n, bool attr, bool latin1,
    bool *entref, struct confbuf *out)
{
	size_t		i = 0, j;
	uint32_t	cp;
	char		*end;
	char		 tmp[16];

	while (i < n) {
		if (s[i] == '&') {
			for (j = i + 1; j < n && s[j] != ';' && j - i < 64; j++)
				;
			if (j >= n || s[j] != ';' || j == i + 1)
				return (-1);
			if (s[i + 1] == '#') {
				if (j - i - 2 > sizeof tmp - 1 || j - i < 3)
					return (-1);
				if (s[i + 2] == 'x') {
					memcpy(tmp, s + i + 3, j - i - 3);
					tmp[j - i - 3] = '\0';
					cp = strtoul(tmp, &end, 16);
				} else {
					memcpy(tmp, s + i + 2, j - i - 2);
					tmp[j - i - 2] = '\0';
					cp = strtoul(tmp, &end, 10);
				}
				if (*tmp == '\0' || *end != '\0' ||
				    *tmp == '-' || *tmp == '+' ||
				    !xd_char_ok(cp))
					return (-1);
				xd_utf8(out, cp);
			} else if (j - i == 3 && memcmp(s + i, "&lt", 3) == 0)
				confbuf_str(out, "<");
			else if (j - i == 3 && memcmp(s + i, "&gt", 3) == 0)
				confbuf_str(out, ">");
			else if (j - i == 4 && memcmp(s + i, "&amp", 4) == 0)
				confbuf_str(out, "&");
			else if (j - i == 5 && memcmp(s + i, "&quot", 5) == 0)
				confbuf_str(out, "\"");
			else if (j - i == 5 && memcmp(s + i, "&apos", 5) == 0)
				confbuf_str(out, "'");
			else if (entref != NULL) {
				*entref = true;
				confbuf_add(out, s + i, j + 1 - i);
			} else
				return (-1);
			i = j + 1;
			continue;
		}
		if (attr && (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
			if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
				i++;
			confbuf_str(out, " ");
			i++;
			continue;
		}
		if (!attr && s[i] == '\r') {
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
			confbuf_str(out, "\n");
			i++;
			continue;
		}
		if (latin1 && s[i] >= 0x80)
			xd_utf8(out, s[i]);
		else
			confbuf_add(out, s + i, 1);
		i++;
	}
	if (out->d == NULL)
		confbuf_add(out, "", 0);
	return (0);
}

int
xmldoc_unescape(const char *s, size_t n, char **out)
{
	struct confbuf	b = { NULL, 0, 0 };

	*out = NULL;
	if (xd_decode((const unsigned char *)s, n, false, false, NULL,
	    &b) != 0) {
		free(b.d);
		return (-1);
	}
	*out = (char *)b.d;
	return (0);
}

/* ------------------------------------------------------------------ */
/* The tokenizer */

static int
xd_fail(struct xd_scan *sc, size_t at, const char *what)
{
	cause_set(sc->cause, "%s: line %d: %s", xd_who(sc->d),
	    confdoc_line(sc->d->buf, sc->d->len, at), what);
	return (-1);
}

/* Does the text at the scan position start with s? */
static bool
xd_at(const struct xd_scan *sc, const char *s)
{
	size_t	n = strlen(s);

	return (sc->d->len - sc->pos >= n &&
	    memcmp(sc->d->buf + sc->pos, s, n) == 0);
}

/* Move past the next occurrence of s; -1 when there is none. */
static int
xd_past(struct xd_scan *sc, const char *s)
{
	const unsigned char	*p;
	size_t			 n = strlen(s);

	p = memmem(sc->d->buf + sc->pos, sc->d->len - sc->pos, s, n);
	if (p == NULL)
		return (-1);
	sc->pos = p - sc->d->buf + n;
	return (0);
}

static void
xd_skip_ws(struct xd_scan *sc)
{
	while (sc->pos < sc->d->len && xd_ws(sc->d->buf[sc->pos]))
		sc->pos++;
}

/* A name at the position: its length (0: none). */
static size_t
xd_name(const struct xd_scan *sc)
{
	const unsigned char	*b = sc->d->buf;
	size_t			 i = sc->pos;

	while (i < sc->d->len && !xd_ws(b[i]) && strchr("/>=<\"'&;[]%()",
	    b[i]) == NULL)
		i++;
	return (i - sc->pos);
}

/* A quoted literal at the position: its contents' span. */
static int
xd_literal(struct xd_scan *sc, size_t *off, size_t *len)
{
	const unsigned char	*q;
	unsigned char		 c;

	if (sc->pos >= sc->d->len || (sc->d->buf[sc->pos] != '"' &&
	    sc->d->buf[sc->pos] != '\''))
		return (-1);
	c = sc->d->buf[sc->pos++];
	q = memchr(sc->d->buf + sc->pos, c, sc->d->len - sc->pos);
	if (q == NULL)
		return (-1);
	*off = sc->pos;
	*len = q - (sc->d->buf + sc->pos);
	sc->pos = q - sc->d->buf + 1;
	return (0);
}

/* <!ENTITY [%] name (literal | SYSTEM lit | PUBLIC lit lit) ...> */
static int
xd_entity_decl(struct xd_scan *sc)
{
	struct xmldoc		*d = sc->d;
	struct xd_entity	*e;
	size_t			 n, off, len, at = sc->pos;
	bool			 param = false, external = false;
	char			*sys = NULL;

	sc->pos += strlen("<!ENTITY");
	xd_skip_ws(sc);
	if (xd_at(sc, "%")) {
		param = true;
		sc->pos++;
		xd_skip_ws(sc);
	}
	if ((n = xd_name(sc)) == 0)
		return (xd_fail(sc, at, "malformed entity declaration"));
	d->ents = xreallocarray(d->ents, d->nents + 1, sizeof *d->ents);
	e = &d->ents[d->nents++];
	e->name = xstrndup((char *)d->buf + sc->pos, n);
	e->system = NULL;
	e->param = param;
	sc->pos += n;
	xd_skip_ws(sc);
	if (xd_at(sc, "SYSTEM") || xd_at(sc, "PUBLIC")) {
		external = true;
		if (xd_at(sc, "PUBLIC")) {
			sc->pos += 6;
			xd_skip_ws(sc);
			if (xd_literal(sc, &off, &len) != 0)
				return (xd_fail(sc, at, "malformed entity "
				    "declaration"));
		} else
			sc->pos += 6;
		xd_skip_ws(sc);
		if (xd_literal(sc, &off, &len) != 0)
			return (xd_fail(sc, at, "malformed entity "
			    "declaration"));
		sys = xstrndup((char *)d->buf + off, len);
		e->system = sys;
	} else if (xd_literal(sc, &off, &len) != 0)
		return (xd_fail(sc, at, "malformed entity declaration"));
	/* NDATA and the closing '>' */
	while (sc->pos < d->len && d->buf[sc->pos] != '>') {
		if (d->buf[sc->pos] == '"' || d->buf[sc->pos] == '\'') {
			if (xd_literal(sc, &off, &len) != 0)
				break;
			continue;
		}
		sc->pos++;
	}
	if (sc->pos >= d->len)
		return (xd_fail(sc, at, "malformed entity declaration"));
	sc->pos++;
	d->flags |= XMLDOC_ENTITIES;
	if (external)
		d->flags |= XMLDOC_EXTERNAL;
	return (0);
}

/* <!DOCTYPE name ExternalID? [internal subset]? > */
static int
xd_doctype(struct xd_scan *sc)
{
	struct xmldoc	*d = sc->d;
	size_t		 at = sc->pos, off, len;

	sc->pos += strlen("<!DOCTYPE");
	while (sc->pos < d->len && d->buf[sc->pos] != '[' &&
	    d->buf[sc->pos] != '>') {
		if (d->buf[sc->pos] == '"' || d->buf[sc->pos] == '\'') {
			if (xd_literal(sc, &off, &len) != 0)
				return (xd_fail(sc, at, "malformed DOCTYPE"));
			d->flags |= XMLDOC_DOCTYPE;	/* an external DTD */
			continue;
		}
		sc->pos++;
	}
	if (sc->pos < d->len && d->buf[sc->pos] == '[') {
		sc->pos++;
		for (;;) {
			xd_skip_ws(sc);
			if (sc->pos >= d->len)
				return (xd_fail(sc, at, "malformed DOCTYPE"));
			if (d->buf[sc->pos] == ']') {
				sc->pos++;
				break;
			}
			d->flags |= XMLDOC_DOCTYPE;
			if (xd_at(sc, "<!--")) {
				if (xd_past(sc, "-->") != 0)
					return (xd_fail(sc, at, "unterminated "
					    "comment"));
			} else if (xd_at(sc, "<?")) {
				if (xd_past(sc, "?>") != 0)
					return (xd_fail(sc, at, "unterminated "
					    "processing instruction"));
			} else if (xd_at(sc, "<!ENTITY")) {
				if (xd_entity_decl(sc) != 0)
					return (-1);
			} else if (xd_at(sc, "<!")) {
				while (sc->pos < d->len &&
				    d->buf[sc->pos] != '>') {
					if ((d->buf[sc->pos] == '"' ||
					    d->buf[sc->pos] == '\'')) {
						if (xd_literal(sc, &off,
						    &len) != 0)
							break;
						continue;
					}
					sc->pos++;
				}
				if (sc->pos >= d->len)
					return (xd_fail(sc, at, "malformed "
					    "DOCTYPE"));
				sc->pos++;
			} else if (d->buf[sc->pos] == '%') {
				/* A parameter entity reference: it may pull
				 * in anything. */
				d->flags |= XMLDOC_EXTERNAL;
				if (xd_past(sc, ";") != 0)
					return (xd_fail(sc, at, "malformed "
					    "DOCTYPE"));
			} else
				return (xd_fail(sc, at, "malformed DOCTYPE"));
		}
		xd_skip_ws(sc);
	}
	if (sc->pos >= d->len || d->buf[sc->pos] != '>')
		return (xd_fail(sc, at, "malformed DOCTYPE"));
	sc->pos++;
	return (0);
}

/* Text between markup: note references to declared entities. */
static int
xd_text(struct xd_scan *sc)
{
	struct xmldoc		*d = sc->d;
	const unsigned char	*lt;
	struct confbuf		 b = { NULL, 0, 0 };
	bool			 entref = false;
	size_t			 end, at = sc->pos;

	lt = memchr(d->buf + sc->pos, '<', d->len - sc->pos);
	end = lt != NULL ? (size_t)(lt - d->buf) : d->len;
	if (memchr(d->buf + sc->pos, '&', end - sc->pos) != NULL) {
		if (xd_decode(d->buf + sc->pos, end - sc->pos, false, false,
		    &entref, &b) != 0) {
			free(b.d);
			return (xd_fail(sc, at, "malformed reference"));
		}
		free(b.d);
		if (entref)
			d->flags |= XMLDOC_ENTREF;
	}
	if (sc->depth == 0) {
		for (; at < end; at++) {
			if (!xd_ws(d->buf[at]))
				return (xd_fail(sc, at, "text outside the "
				    "root element"));
		}
	}
	sc->pos = end;
	return (0);
}

/* A start tag at the position ('<' and a name). */
static int
xd_start_tag(struct xd_scan *sc)
{
	struct xmldoc		*d = sc->d;
	struct xmldoc_elem	*e;
	struct xmldoc_attr	*a;
	struct confbuf		 v;
	size_t			 at = sc->pos, n, i, nameoff;
	bool			 entref;

	if (sc->depth == 0 && sc->root_seen)
		return (xd_fail(sc, at, "a second root element"));
	if (sc->depth == XD_MAX_DEPTH)
		return (xd_fail(sc, at, "elements nested more than 100 "
		    "levels deep"));
	sc->pos++;
	if ((n = xd_name(sc)) == 0)
		return (xd_fail(sc, at, "malformed start tag"));
	if ((d->nels & (d->nels + 1)) == 0 || d->nels == 0)
		d->els = xreallocarray(d->els, d->nels * 2 + 1,
		    sizeof *d->els);
	e = &d->els[d->nels];
	memset(e, 0, sizeof *e);
	e->name = xstrndup((char *)d->buf + sc->pos, n);
	e->index = d->nels;
	e->parent = sc->depth > 0 ? sc->stack[sc->depth - 1] : SIZE_MAX;
	e->depth = sc->depth;
	e->line = confdoc_line(d->buf, d->len, at);
	e->off = at;
	d->nels++;
	if (e->parent != SIZE_MAX)
		d->els[e->parent].nkids++;
	sc->pos += n;
	for (;;) {
		i = sc->pos;
		xd_skip_ws(sc);
		if (sc->pos >= d->len)
			return (xd_fail(sc, at, "unterminated start tag"));
		if (xd_at(sc, "/>")) {
			sc->pos += 2;
			e->empty = true;
			e->end = sc->pos;
			break;
		}
		if (d->buf[sc->pos] == '>') {
			sc->pos++;
			break;
		}
		if (i == sc->pos || (n = xd_name(sc)) == 0)
			return (xd_fail(sc, sc->pos, "malformed attribute"));
		nameoff = sc->pos;
		sc->pos += n;
		xd_skip_ws(sc);
		if (!xd_at(sc, "="))
			return (xd_fail(sc, nameoff, "malformed attribute"));
		sc->pos++;
		xd_skip_ws(sc);
		e->attrs = xreallocarray(e->attrs, e->nattrs + 1,
		    sizeof *e->attrs);
		a = &e->attrs[e->nattrs++];
		memset(a, 0, sizeof *a);
		a->name = xstrndup((char *)d->buf + nameoff, n);
		a->name_off = nameoff;
		a->line = confdoc_line(d->buf, d->len, nameoff);
		if (sc->pos < d->len)
			a->quote = (char)d->buf[sc->pos];
		if (xd_literal(sc, &a->val_off, &a->val_len) != 0 ||
		    memchr(d->buf + a->val_off, '<', a->val_len) != NULL)
			return (xd_fail(sc, nameoff, "malformed attribute "
			    "value"));
		memset(&v, 0, sizeof v);
		entref = false;
		if (xd_decode(d->buf + a->val_off, a->val_len, true,
		    d->latin1, &entref, &v) != 0) {
			free(v.d);
			return (xd_fail(sc, nameoff, "malformed reference in "
			    "an attribute value"));
		}
		a->value = (char *)v.d;
		if (entref) {
			a->flags |= XMLDOC_AF_ENTREF;
			d->flags |= XMLDOC_ENTREF;
		}
	}
	e->len = sc->pos - at;
	if (sc->depth == 0)
		sc->root_seen = true;
	if (!e->empty)
		sc->stack[sc->depth++] = e->index;
	return (0);
}

/* An end tag at the position. */
static int
xd_end_tag(struct xd_scan *sc)
{
	struct xmldoc		*d = sc->d;
	struct xmldoc_elem	*e;
	size_t			 at = sc->pos, n;

	sc->pos += 2;
	n = xd_name(sc);
	if (sc->depth == 0)
		return (xd_fail(sc, at, "an end tag with no start tag"));
	e = &d->els[sc->stack[sc->depth - 1]];
	if (n != strlen(e->name) || memcmp(d->buf + sc->pos, e->name, n) != 0)
		return (xd_fail(sc, at, "mismatched end tag"));
	sc->pos += n;
	xd_skip_ws(sc);
	if (!xd_at(sc, ">"))
		return (xd_fail(sc, at, "malformed end tag"));
	sc->pos++;
	e->end = sc->pos;
	sc->depth--;
	return (0);
}

/* The encoding of the XML declaration: UTF-8 or ISO-8859-1 only. */
static int
xd_encoding(struct xmldoc *d, char **cause)
{
	const unsigned char	*p, *end, *q;
	char			 enc[32];
	size_t			 n, start = 0;

	if (d->len >= 3 && memcmp(d->buf, "\xef\xbb\xbf", 3) == 0)
		start = 3;
	if (d->len - start < 6 || memcmp(d->buf + start, "<?xml", 5) != 0 ||
	    !xd_ws(d->buf[start + 5]))
		return (0);
	end = memmem(d->buf + start, d->len - start, "?>", 2);
	if (end == NULL)
		return (0);
	p = memmem(d->buf + start, end - d->buf - start, "encoding", 8);
	if (p == NULL)
		return (0);
	p += 8;
	while (p < end && (xd_ws(*p) || *p == '='))
		p++;
	if (p >= end || (*p != '"' && *p != '\''))
		return (0);
	q = memchr(p + 1, *p, end - p - 1);
	if (q == NULL)
		return (0);
	n = q - p - 1;
	if (n >= sizeof enc)
		n = sizeof enc - 1;
	memcpy(enc, p + 1, n);
	enc[n] = '\0';
	if (strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "UTF8") == 0)
		return (0);
	if (strcasecmp(enc, "ISO-8859-1") == 0 ||
	    strcasecmp(enc, "ISO8859-1") == 0 ||
	    strcasecmp(enc, "latin1") == 0 ||
	    strcasecmp(enc, "US-ASCII") == 0 ||
	    strcasecmp(enc, "ASCII") == 0) {
		d->latin1 = true;
		return (0);
	}
	for (n = 0; enc[n] != '\0'; n++) {
		if ((unsigned char)enc[n] < 0x20 || enc[n] == 0x7f)
			enc[n] = '?';
	}
	cause_set(cause, "%s: encoding \"%s\" is not supported (UTF-8 or "
	    "ISO-8859-1)", xd_who(d), enc);
	return (-1);
}

/* Cut the document into elements. */
static int
xd_tokenize(struct xmldoc *d, char **cause)
{
	struct xd_scan	sc;

	memset(&sc, 0, sizeof sc);
	sc.d = d;
	sc.cause = cause;
	if (d->len >= 3 && memcmp(d->buf, "\xef\xbb\xbf", 3) == 0)
		sc.pos = 3;
	while (sc.pos < d->len) {
		if (d->buf[sc.pos] != '<') {
			if (xd_text(&sc) != 0)
				return (-1);
			continue;
		}
		if (xd_at(&sc, "<!--")) {
			if (xd_past(&sc, "-->") != 0)
				return (xd_fail(&sc, sc.pos, "unterminated "
				    "comment"));
		} else if (xd_at(&sc, "<![CDATA[")) {
			if (sc.depth == 0)
				return (xd_fail(&sc, sc.pos, "CDATA outside "
				    "the root element"));
			if (xd_past(&sc, "]]>") != 0)
				return (xd_fail(&sc, sc.pos, "unterminated "
				    "CDATA section"));
		} else if (xd_at(&sc, "<?")) {
			if (xd_past(&sc, "?>") != 0)
				return (xd_fail(&sc, sc.pos, "unterminated "
				    "processing instruction"));
		} else if (xd_at(&sc, "<!DOCTYPE")) {
			if (sc.root_seen || sc.depth > 0)
				return (xd_fail(&sc, sc.pos, "misplaced "
				    "DOCTYPE"));
			if (xd_doctype(&sc) != 0)
				return (-1);
		} else if (xd_at(&sc, "</")) {
			if (xd_end_tag(&sc) != 0)
				return (-1);
		} else if (xd_start_tag(&sc) != 0)
			return (-1);
	}
	if (sc.depth != 0)
		return (xd_fail(&sc, d->len, "unclosed element"));
	if (d->nels == 0)
		return (xd_fail(&sc, 0, "no root element"));
	return (0);
}

/* ------------------------------------------------------------------ */
/* Agreement with libxml2 */

/* The qualified name of a libxml2 element or attribute. */
static char *
xd_qname(const xmlChar *name, const xmlNs *ns)
{
	char	*s;

	if (ns != NULL && ns->prefix != NULL)
		xasprintf(&s, "%s:%s", (const char *)ns->prefix,
		    (const char *)name);
	else
		s = xstrdup((const char *)name);
	return (s);
}

/* An attribute's value as libxml2 holds it (entity references as
 * "&name;"). */
static char *
xd_attr_value(const xmlAttr *a)
{
	struct confbuf	 b = { NULL, 0, 0 };
	const xmlNode	*c;

	for (c = a->children; c != NULL; c = c->next) {
		if (c->type == XML_TEXT_NODE && c->content != NULL)
			confbuf_str(&b, (const char *)c->content);
		else if (c->type == XML_ENTITY_REF_NODE)
			confbuf_printf(&b, "&%s;", (const char *)c->name);
	}
	if (b.d == NULL)
		confbuf_add(&b, "", 0);
	return ((char *)b.d);
}

/* Is an attribute name a namespace declaration? */
static bool
xd_is_xmlns(const char *name)
{
	return (strcmp(name, "xmlns") == 0 || strncmp(name, "xmlns:", 6) == 0);
}

/* Compare element e with libxml2's node n. */
static bool
xd_agree_elem(const struct xmldoc_elem *e, const xmlNode *n)
{
	const xmlAttr	*a;
	const xmlNs	*ns;
	char		*q, *v;
	size_t		 i, nns = 0;
	bool		 ok;

	q = xd_qname(n->name, n->ns);
	ok = strcmp(q, e->name) == 0;
	free(q);
	if (!ok)
		return (false);
	a = n->properties;
	for (i = 0; i < e->nattrs; i++) {
		if (xd_is_xmlns(e->attrs[i].name)) {
			nns++;
			continue;
		}
		if (a == NULL)
			return (false);
		q = xd_qname(a->name, a->ns);
		v = xd_attr_value(a);
		ok = strcmp(q, e->attrs[i].name) == 0 &&
		    strcmp(v, e->attrs[i].value) == 0;
		free(q);
		free(v);
		if (!ok)
			return (false);
		a = a->next;
	}
	if (a != NULL)
		return (false);
	for (ns = n->nsDef; ns != NULL; ns = ns->next)
		nns--;
	return (nns == 0);
}

/* Walk libxml2's elements in document order beside ours. */
static int
xd_agree_walk(struct xmldoc *d, const xmlNode *n, size_t *idx, char **cause)
{
	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (*idx >= d->nels || !xd_agree_elem(&d->els[*idx], n)) {
			cause_set(cause, "%s: line %d: libxml2 and tlsdeck's "
			    "reader disagree about this element: refusing the "
			    "document", xd_who(d), *idx < d->nels ?
			    d->els[*idx].line : n->line);
			return (-1);
		}
		if (n->ns != NULL && n->ns->href != NULL &&
		    strcmp((const char *)n->ns->href, XD_XINCLUDE_NS) == 0)
			d->flags |= XMLDOC_XINCLUDE;
		(*idx)++;
		if (xd_agree_walk(d, n->children, idx, cause) != 0)
			return (-1);
	}
	return (0);
}

/* The one line about what makes the document unsafe to edit. */
static void
xd_warning(struct xmldoc *d)
{
	struct confbuf	 b = { NULL, 0, 0 };
	char		*shown;
	size_t		 i, n = 0;

	if (d->flags & XMLDOC_EXTERNAL) {
		for (i = 0; i < d->nents; i++) {
			if (d->ents[i].system == NULL)
				continue;
			shown = confdoc_printable(d->ents[i].system, 80);
			confbuf_printf(&b, "%s%s", n++ > 0 ? ", " : "",
			    shown);
			free(shown);
		}
		if (b.d == NULL)
			confbuf_str(&b, "a parameter entity");
		xasprintf(&d->warning, "%s: includes other files through "
		    "entities (%s): tlsdeck reads only this file and will not "
		    "edit it", xd_who(d), (char *)b.d);
	} else if (d->flags & XMLDOC_ENTITIES) {
		for (i = 0; i < d->nents; i++) {
			shown = confdoc_printable(d->ents[i].name, 80);
			confbuf_printf(&b, "%s%s", i > 0 ? ", " : "", shown);
			free(shown);
		}
		xasprintf(&d->warning, "%s: declares entities (%s): tlsdeck "
		    "does not expand them and will not edit it", xd_who(d),
		    (char *)b.d);
	} else if (d->flags & XMLDOC_XINCLUDE) {
		xasprintf(&d->warning, "%s: uses XInclude: tlsdeck does not "
		    "read included files and will not edit it", xd_who(d));
	} else if (d->flags & XMLDOC_ENTREF) {
		xasprintf(&d->warning, "%s: refers to entities declared "
		    "elsewhere: tlsdeck will not edit it", xd_who(d));
	} else if (d->flags & XMLDOC_DOCTYPE) {
		xasprintf(&d->warning, "%s: has a DTD (DOCTYPE): tlsdeck "
		    "does not apply it and will not edit the file", xd_who(d));
	}
	free(b.d);
}

/* ------------------------------------------------------------------ */
/* The document */

static void
xd_clear(struct xmldoc *d)
{
	size_t	i, j;

	for (i = 0; i < d->nels; i++) {
		for (j = 0; j < d->els[i].nattrs; j++) {
			free(d->els[i].attrs[j].name);
			free(d->els[i].attrs[j].value);
		}
		free(d->els[i].attrs);
		free(d->els[i].name);
	}
	free(d->els);
	for (i = 0; i < d->nents; i++) {
		free(d->ents[i].name);
		free(d->ents[i].system);
	}
	free(d->ents);
	free(d->warning);
	if (d->xml != NULL)
		xmlFreeDoc(d->xml);
	free(d->buf);
}

void
xmldoc_free(struct xmldoc *d)
{
	if (d == NULL)
		return;
	xd_clear(d);
	free(d->name);
	free(d);
}

int
xmldoc_parse(const unsigned char *buf, size_t len, const char *name,
    struct xmldoc **dp, char **cause)
{
	struct xmldoc	*d;
	size_t		 idx = 0;

	*dp = NULL;
	d = xcalloc(1, sizeof *d);
	if (name != NULL)
		d->name = xstrdup(name);
	d->buf = xmalloc(len + 1);
	if (len != 0)
		memcpy(d->buf, buf, len);
	d->buf[len] = '\0';
	d->len = len;
	if (confdoc_check(buf, len, xd_who(d), CONFDOC_ANY_BYTES,
	    cause) != 0 || xd_encoding(d, cause) != 0)
		goto fail;
	if (!d->latin1 && confdoc_check(buf, len, xd_who(d), 0, cause) != 0)
		goto fail;
	if (xd_libxml(xd_who(d), buf, len, &d->xml, cause) != 0 ||
	    xd_tokenize(d, cause) != 0 ||
	    xd_agree_walk(d, xmlDocGetRootElement(d->xml), &idx, cause) != 0)
		goto fail;
	if (idx != d->nels) {
		cause_set(cause, "%s: libxml2 and tlsdeck's reader disagree "
		    "about the elements: refusing the document", xd_who(d));
		goto fail;
	}
	xd_warning(d);
	*dp = d;
	return (0);
fail:
	xmldoc_free(d);
	return (-1);
}

int
xmldoc_load(const char *path, struct xmldoc **dp, char **cause)
{
	unsigned char	*buf;
	size_t		 len;
	int		 rc;

	*dp = NULL;
	if (file_read(path, &buf, &len, cause) != 0)
		return (-1);
	rc = xmldoc_parse(buf, len, path, dp, cause);
	free(buf);
	return (rc);
}

void
xmldoc_serialize(const struct xmldoc *d, unsigned char **out, size_t *len)
{
	*out = xmemdup(d->buf, d->len + 1);
	*len = d->len;
}

const char *
xmldoc_name(const struct xmldoc *d)
{
	return (d->name);
}

int
xmldoc_flags(const struct xmldoc *d)
{
	return (d->flags);
}

const char *
xmldoc_warning(const struct xmldoc *d)
{
	return (d->warning);
}

size_t
xmldoc_count(const struct xmldoc *d)
{
	return (d->nels);
}

const struct xmldoc_elem *
xmldoc_elem(const struct xmldoc *d, size_t i)
{
	return (i < d->nels ? &d->els[i] : NULL);
}

/* Does e's chain of names up to the root spell path (segs)? */
static bool
xd_path_match(const struct xmldoc *d, const struct xmldoc_elem *e,
    char **segs, size_t n)
{
	size_t	i;

	if ((size_t)e->depth + 1 != n)
		return (false);
	for (i = n; i > 0; i--) {
		if (strcmp(e->name, segs[i - 1]) != 0)
			return (false);
		if (e->parent != SIZE_MAX)
			e = &d->els[e->parent];
	}
	return (true);
}

size_t
xmldoc_find(const struct xmldoc *d, const char *path,
    const struct xmldoc_elem ***list)
{
	char	*copy, *p, *tok, **segs = NULL;
	size_t	 n = 0, i, found = 0;

	*list = NULL;
	copy = xstrdup(path);
	for (p = copy; (tok = strsep(&p, "/")) != NULL; ) {
		if (*tok == '\0')
			continue;
		segs = xreallocarray(segs, n + 1, sizeof *segs);
		segs[n++] = tok;
	}
	for (i = 0; n > 0 && i < d->nels; i++) {
		if (!xd_path_match(d, &d->els[i], segs, n))
			continue;
		*list = xreallocarray(*list, found + 1, sizeof **list);
		(*list)[found++] = &d->els[i];
	}
	free(segs);
	free(copy);
	return (found);
}

size_t
xmldoc_children(const struct xmldoc *d, const struct xmldoc_elem *e,
    const char *name, const struct xmldoc_elem ***list)
{
	size_t	i, found = 0;

	*list = NULL;
	for (i = e->index + 1; i < d->nels && d->els[i].depth > e->depth;
	    i++) {
		if (d->els[i].parent != e->index || (name != NULL &&
		    strcmp(d->els[i].name, name) != 0))
			continue;
		*list = xreallocarray(*list, found + 1, sizeof **list);
		(*list)[found++] = &d->els[i];
	}
	return (found);
}

const struct xmldoc_attr *
xmldoc_attr(const struct xmldoc_elem *e, const char *name)
{
	size_t	i;

	for (i = 0; i < e->nattrs; i++) {
		if (strcmp(e->attrs[i].name, name) == 0)
			return (&e->attrs[i]);
	}
	return (NULL);
}

const char *
xmldoc_get(const struct xmldoc_elem *e, const char *name)
{
	const struct xmldoc_attr	*a = xmldoc_attr(e, name);

	return (a != NULL ? a->value : NULL);
}

/* ------------------------------------------------------------------ */
/* Edits */

/* Same string, NULLs equal. */
static bool
xd_streq(const xmlChar *a, const xmlChar *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp((const char *)a, (const char *)b) == 0);
}

static bool	xd_same_list(const xmlNode *, const xmlNode *,
		    struct xd_expect *, size_t *, int);

/* Compare the attributes of elements a (old) and b (new). */
static bool
xd_same_attrs(const xmlNode *a, const xmlNode *b, struct xd_expect *x,
    bool target)
{
	const xmlAttr	*p = a->properties, *q = b->properties;
	const xmlNs	*m = a->nsDef, *n = b->nsDef;
	char		*pn, *qn, *pv, *qv;
	bool		 ok = true, seen = false;

	for (; m != NULL || n != NULL; m = m->next, n = n->next) {
		if (m == NULL || n == NULL || !xd_streq(m->prefix, n->prefix) ||
		    !xd_streq(m->href, n->href))
			return (false);
	}
	while (ok && (p != NULL || q != NULL)) {
		pn = p != NULL ? xd_qname(p->name, p->ns) : NULL;
		qn = q != NULL ? xd_qname(q->name, q->ns) : NULL;
		pv = p != NULL ? xd_attr_value(p) : NULL;
		qv = q != NULL ? xd_attr_value(q) : NULL;
		if (target && x->op == XD_REMOVE && pn != NULL &&
		    strcmp(pn, x->attr) == 0) {
			seen = true;
			p = p->next;
		} else if (target && x->op == XD_SET && qn != NULL &&
		    strcmp(qn, x->attr) == 0) {
			/* The new value, in place or at the end. */
			ok = strcmp(qv, x->value) == 0;
			seen = true;
			if (pn != NULL && strcmp(pn, x->attr) == 0)
				p = p->next;
			q = q->next;
		} else {
			ok = pn != NULL && qn != NULL && strcmp(pn, qn) == 0 &&
			    strcmp(pv, qv) == 0;
			if (p != NULL)
				p = p->next;
			if (q != NULL)
				q = q->next;
		}
		free(pn);
		free(qn);
		free(pv);
		free(qv);
	}
	if (target && ok) {
		x->hit = seen;
		ok = seen;
	}
	return (ok);
}

/* Compare two nodes (and what is below them). */
static bool
xd_same_node(const xmlNode *a, const xmlNode *b, struct xd_expect *x,
    size_t *ni, int depth)
{
	bool	target;

	if (a->type != b->type)
		return (false);
	switch (a->type) {
	case XML_ELEMENT_NODE:
		if (!xd_streq(a->name, b->name) ||
		    (a->ns == NULL) != (b->ns == NULL) || (a->ns != NULL &&
		    !xd_streq(a->ns->prefix, b->ns->prefix)))
			return (false);
		target = x->oi == x->elem && x->op != XD_INSERT;
		x->oi++;
		(*ni)++;
		if (!xd_same_attrs(a, b, x, target))
			return (false);
		return (xd_same_list(a->children, b->children, x, ni,
		    depth + 1));
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
	case XML_COMMENT_NODE:
		return (xd_streq(a->content, b->content));
	case XML_PI_NODE:
		return (xd_streq(a->name, b->name) &&
		    xd_streq(a->content, b->content));
	case XML_ENTITY_REF_NODE:
		return (xd_streq(a->name, b->name));
	case XML_DTD_NODE:
		return (xd_streq(a->name, b->name));
	default:
		return (true);
	}
}

/* Compare two lists of siblings; after the element the insertion
 * follows, the new list has the inserted text and element. */
static bool
xd_same_list(const xmlNode *a, const xmlNode *b, struct xd_expect *x,
    size_t *ni, int depth)
{
	size_t	before, dummy = 0;
	struct xd_expect	y;

	if (depth > XD_MAX_DEPTH + 2)
		return (false);
	for (; a != NULL; a = a->next, b = b->next) {
		if (b == NULL)
			return (false);
		before = x->oi;
		if (!xd_same_node(a, b, x, ni, depth))
			return (false);
		if (x->op != XD_INSERT || a->type != XML_ELEMENT_NODE ||
		    before != x->elem)
			continue;
		/* The whitespace, then the new element. */
		b = b->next;
		if (b == NULL || b->type != XML_TEXT_NODE ||
		    !xd_streq(b->content, (const xmlChar *)x->ws))
			return (false);
		b = b->next;
		if (b == NULL || b->type != XML_ELEMENT_NODE)
			return (false);
		memset(&y, 0, sizeof y);
		y.op = XD_INSERT;
		y.elem = SIZE_MAX;
		if (!xd_same_node(x->frag, b, &y, &dummy, depth))
			return (false);
		*ni += dummy;
		x->hit = true;
	}
	return (b == NULL);
}

/*
 * Replace d with the bytes in nb if libxml2 reads them as d's tree changed
 * by exactly the edit x, and our tokenizer agrees.
 */
static int
xd_commit(struct xmldoc *d, struct confbuf *nb, struct xd_expect *x,
    char **cause)
{
	struct xmldoc	*q = NULL, tmp;
	char		*cause2 = NULL;
	size_t		 ni = 0;

	if (xmldoc_parse(nb->d, nb->len, d->name, &q, &cause2) != 0) {
		cause_set(cause, "%s: edit refused, the result would not "
		    "read: %s", xd_who(d), cause2);
		free(cause2);
		return (-1);
	}
	if (!xd_same_list(d->xml->children, q->xml->children, x, &ni, 0) ||
	    !x->hit || q->flags != d->flags) {
		xmldoc_free(q);
		cause_set(cause, "%s: edit refused: libxml2 does not read the "
		    "result as the old document with only that change",
		    xd_who(d));
		return (-1);
	}
	tmp = *d;
	*d = *q;
	free(d->name);
	d->name = tmp.name;
	xd_clear(&tmp);
	free(q);
	return (0);
}

/* Can the document be edited at all? */
static int
xd_editable(const struct xmldoc *d, size_t elem, char **cause)
{
	if (d->flags & XMLDOC_NOEDIT) {
		cause_set(cause, "%s", d->warning);
		return (-1);
	}
	if (elem >= d->nels) {
		cause_set(cause, "%s: no element %zu", xd_who(d), elem);
		return (-1);
	}
	return (0);
}

/* Escape value for an attribute quoted with q; -1 on characters XML 1.0
 * cannot hold. */
static int
xd_escape(const struct xmldoc *d, const char *value, char q,
    struct confbuf *b)
{
	const unsigned char	*p = (const unsigned char *)value;
	uint32_t		 cp;
	size_t			 n, k;

	if (!confdoc_utf8(p, strlen(value), NULL))
		return (-1);
	while (*p != '\0') {
		if (*p < 0x80) {
			cp = *p;
			n = 1;
		} else {
			n = (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 :
			    4;
			cp = *p & (0xff >> (n + 1));
			for (k = 1; k < n; k++)
				cp = (cp << 6) | (p[k] & 0x3f);
		}
		if (!xd_char_ok(cp))
			return (-1);
		if (cp == '&')
			confbuf_str(b, "&amp;");
		else if (cp == '<')
			confbuf_str(b, "&lt;");
		else if (cp == '>')
			confbuf_str(b, "&gt;");
		else if (cp == '"' && q == '"')
			confbuf_str(b, "&quot;");
		else if (cp == '\'' && q == '\'')
			confbuf_str(b, "&apos;");
		else if (cp == '\t' || cp == '\n' || cp == '\r')
			confbuf_printf(b, "&#%u;", (unsigned int)cp);
		else if (cp >= 0x80 && d->latin1) {
			if (cp <= 0xff) {
				unsigned char	c = (unsigned char)cp;

				confbuf_add(b, &c, 1);
			} else
				confbuf_printf(b, "&#x%X;", (unsigned int)cp);
		} else
			confbuf_add(b, p, n);
		p += n;
	}
	if (b->d == NULL)
		confbuf_add(b, "", 0);
	return (0);
}

/* Is name an attribute name we write (ASCII XML Name)? */
static bool
xd_name_ok(const char *name)
{
	const char	*p;

	if (!((*name >= 'A' && *name <= 'Z') || (*name >= 'a' &&
	    *name <= 'z') || *name == '_'))
		return (false);
	for (p = name; *p != '\0'; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("_.-:", *p) != NULL))
			return (false);
	}
	return (strncmp(name, "xmlns", 5) != 0);
}

/* The blanks from the start of the line holding off up to off, if only
 * blanks precede off on it; else NULL. */
static char *
xd_indent(const struct xmldoc *d, size_t off)
{
	size_t	a = off;

	while (a > 0 && (d->buf[a - 1] == ' ' || d->buf[a - 1] == '\t'))
		a--;
	if (a > 0 && d->buf[a - 1] != '\n' && d->buf[a - 1] != '\r')
		return (NULL);
	return (xstrndup((const char *)d->buf + a, off - a));
}

int
xmldoc_set_attr(struct xmldoc *d, size_t elem, const char *name,
    const char *value, char **cause)
{
	struct confbuf			 nb = { NULL, 0, 0 };
	struct confbuf			 ev = { NULL, 0, 0 };
	struct xd_expect		 x;
	const struct xmldoc_elem	*e;
	const struct xmldoc_attr	*a, *last;
	char				*ind = NULL, q;
	size_t				 at;
	int				 rc = -1;

	if (xd_editable(d, elem, cause) != 0)
		return (-1);
	e = &d->els[elem];
	if (!xd_name_ok(name)) {
		cause_set(cause, "%s: not an attribute name tlsdeck writes",
		    xd_who(d));
		return (-1);
	}
	a = xmldoc_attr(e, name);
	last = e->nattrs > 0 ? &e->attrs[e->nattrs - 1] : NULL;
	q = a != NULL ? a->quote : last != NULL ? last->quote : '"';
	if (xd_escape(d, value, q, &ev) != 0) {
		cause_set(cause, "%s: the value of %s holds characters XML "
		    "cannot carry", xd_who(d), name);
		goto out;
	}
	if (a != NULL) {
		confbuf_add(&nb, d->buf, a->val_off);
		confbuf_add(&nb, ev.d, ev.len);
		at = a->val_off + a->val_len;
	} else {
		at = last != NULL ? last->val_off + last->val_len + 1 :
		    e->off + 1 + strlen(e->name);
		confbuf_add(&nb, d->buf, at);
		if (last != NULL && last->line != e->line &&
		    (ind = xd_indent(d, last->name_off)) != NULL) {
			confbuf_str(&nb, confdoc_eol(d->buf, d->len));
			confbuf_str(&nb, ind);
		} else
			confbuf_str(&nb, " ");
		confbuf_printf(&nb, "%s=%c%s%c", name, q, (char *)ev.d, q);
	}
	confbuf_add(&nb, d->buf + at, d->len - at);
	memset(&x, 0, sizeof x);
	x.op = XD_SET;
	x.elem = elem;
	x.attr = name;
	x.value = value;
	rc = xd_commit(d, &nb, &x, cause);
out:
	free(ind);
	free(ev.d);
	free(nb.d);
	return (rc);
}

int
xmldoc_remove_attr(struct xmldoc *d, size_t elem, const char *name,
    char **cause)
{
	struct confbuf			 nb = { NULL, 0, 0 };
	struct xd_expect		 x;
	const struct xmldoc_elem	*e;
	const struct xmldoc_attr	*a;
	size_t				 from, i;
	int				 rc;

	if (xd_editable(d, elem, cause) != 0)
		return (-1);
	e = &d->els[elem];
	if ((a = xmldoc_attr(e, name)) == NULL)
		return (0);
	i = a - e->attrs;
	from = i > 0 ? e->attrs[i - 1].val_off + e->attrs[i - 1].val_len + 1 :
	    e->off + 1 + strlen(e->name);
	confbuf_add(&nb, d->buf, from);
	confbuf_add(&nb, d->buf + a->val_off + a->val_len + 1,
	    d->len - a->val_off - a->val_len - 1);
	memset(&x, 0, sizeof x);
	x.op = XD_REMOVE;
	x.elem = elem;
	x.attr = name;
	rc = xd_commit(d, &nb, &x, cause);
	free(nb.d);
	return (rc);
}

int
xmldoc_insert_element_after(struct xmldoc *d, size_t elem, const char *text,
    char **cause)
{
	struct confbuf			 nb = { NULL, 0, 0 };
	struct confbuf			 ws = { NULL, 0, 0 };
	struct confbuf			 ft = { NULL, 0, 0 };
	struct xd_expect		 x;
	const struct xmldoc_elem	*e;
	struct xmldoc			*frag = NULL;
	const char			*eol, *p;
	char				*ind = NULL, *cause2 = NULL;
	int				 rc = -1;

	if (xd_editable(d, elem, cause) != 0)
		return (-1);
	e = &d->els[elem];
	if (e->parent == SIZE_MAX) {
		cause_set(cause, "%s: nothing can follow the root element",
		    xd_who(d));
		return (-1);
	}
	if ((ind = xd_indent(d, e->off)) == NULL) {
		cause_set(cause, "%s: line %d: <%s> does not start its line: "
		    "insert by hand", xd_who(d), e->line, e->name);
		return (-1);
	}
	for (p = text; *p != '\0'; p++) {
		if (*p == '\r') {
			cause_set(cause, "%s: the new element holds a CR",
			    xd_who(d));
			goto out;
		}
	}
	/* The text as it will stand: lines indented, the file's line end. */
	eol = confdoc_eol(d->buf, d->len);
	for (p = text; *p != '\0'; p++) {
		if (*p == '\n') {
			confbuf_str(&ft, eol);
			if (p[1] != '\n' && p[1] != '\0')
				confbuf_str(&ft, ind);
		} else
			confbuf_add(&ft, p, 1);
	}
	if (ft.d == NULL)
		confbuf_add(&ft, "", 0);
	/* It must be one element, and nothing else. */
	if (xmldoc_parse(ft.d, ft.len, "the new element", &frag,
	    &cause2) != 0 || frag->flags != 0 || ft.d[0] != '<' ||
	    ft.d[1] == '?' || ft.d[1] == '!' ||
	    frag->els[0].end != ft.len) {
		cause_set(cause, "%s: the new element is not one complete "
		    "element: %s", xd_who(d), cause2 != NULL ? cause2 :
		    "something else around it");
		goto out;
	}
	confbuf_add(&nb, d->buf, e->end);
	confbuf_str(&nb, eol);
	confbuf_str(&nb, ind);
	confbuf_add(&nb, ft.d, ft.len);
	confbuf_add(&nb, d->buf + e->end, d->len - e->end);
	memset(&x, 0, sizeof x);
	x.op = XD_INSERT;
	x.elem = elem;
	/* libxml2 reads every line end as LF. */
	confbuf_str(&ws, "\n");
	confbuf_str(&ws, ind);
	x.ws = (const char *)ws.d;
	x.frag = xmlDocGetRootElement(frag->xml);
	rc = xd_commit(d, &nb, &x, cause);
out:
	xmldoc_free(frag);
	free(cause2);
	free(ind);
	free(ws.d);
	free(ft.d);
	free(nb.d);
	return (rc);
}

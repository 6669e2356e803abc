/* SPDX-License-Identifier: ISC */
/*
 * inidoc.c -- Jetty's start.ini and start.d/NAME.ini as lossless documents
 * (docs/config-formats.md, "Jetty").
 *
 * Jetty's start.jar (TextFile, StartIni, StartArgs.parse; the same rules
 * from 9.4 to 12) reads the file as UTF-8 lines ending in LF, CR or CRLF;
 * skips empty lines and lines starting with '#'; trims each other line
 * (every character up to U+0020 at both ends) and drops a line equal to
 * an earlier one; splits "--module=a,b" into one line per module.  Each
 * line is then one argument: '#...' is ignored, "--module=" enables
 * modules, other "--options" and "-X" JVM arguments are options, "-Dk=v"
 * sets a system property and a property, "k=v" a property (the name is
 * everything before the first '=', blanks included; "k+=v" appends, "k?=v"
 * sets unless set), a bare "*.xml" or "*.properties" names a file, and
 * anything else stops Jetty ("Unrecognized argument").
 *
 * The document is its bytes cut into physical lines; an edit replaces,
 * inserts or drops whole lines, parses the result again and checks that
 * only the property it meant to change reads differently.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

struct ini_line {
	size_t		 off;
	size_t		 len;		/* with the line end */
	size_t		 textlen;	/* without it */
	long		 ent;		/* index in ents, or -1 */
	bool		 comment;
};

struct ini_ent {
	struct inidoc_entry pub;
	size_t		 lineidx;
	bool		 dup;		/* equal to an earlier line: Jetty
					   drops it */
	char		*text;		/* the trimmed line */
};

struct inidoc {
	char		*name;
	unsigned char	*buf;
	size_t		 len;
	struct ini_line	*lines;
	size_t		 nlines;
	struct ini_ent	*ents;
	size_t		 nents;
	char		**mods;		/* modules enabled, each once */
	size_t		 nmods;
};

/* Name for messages. */
static const char *
ini_who(const struct inidoc *d)
{
	return (d->name != NULL ? d->name : "(ini)");
}

/* Java's String.trim() bounds of s[0, n). */
static void
ini_trim(const unsigned char *s, size_t n, size_t *a, size_t *b)
{
	*a = 0;
	*b = n;
	while (*a < *b && s[*a] <= ' ')
		(*a)++;
	while (*b > *a && s[*b - 1] <= ' ')
		(*b)--;
}

/* Does s start with prefix? */
static bool
ini_prefix(const char *s, const char *prefix)
{
	return (strncmp(s, prefix, strlen(prefix)) == 0);
}

/* Does s end with suffix, ignoring ASCII case? */
static bool
ini_suffix(const char *s, const char *suffix)
{
	size_t	n = strlen(s), m = strlen(suffix);

	return (n >= m && strcasecmp(s + n - m, suffix) == 0);
}

/* Add module name (trimmed) unless it is there. */
static void
ini_add_mod(struct inidoc *d, const char *s, size_t n)
{
	size_t	a, b, i;

	ini_trim((const unsigned char *)s, n, &a, &b);
	if (a == b)
		return;
	for (i = 0; i < d->nmods; i++) {
		if (strlen(d->mods[i]) == b - a &&
		    memcmp(d->mods[i], s + a, b - a) == 0)
			return;
	}
	d->mods = xreallocarray(d->mods, d->nmods + 1, sizeof *d->mods);
	d->mods[d->nmods++] = xstrndup(s + a, b - a);
}

/* Does a module list (as written) hold a non-empty name? */
static bool
ini_list_ok(const char *v)
{
	const char	*p;

	for (p = v; *p != '\0'; p++) {
		if ((unsigned char)*p > ' ' && *p != ',')
			return (true);
	}
	return (false);
}

/* Classify the trimmed argument t of line li. */
static int
ini_add_entry(struct inidoc *d, size_t li, char *t, char **cause)
{
	struct ini_ent	*e;
	const char	*eq, *arg = t;
	size_t		 i, klen;
	bool		 dup = false;

	for (i = 0; i < d->nents; i++) {
		if (strcmp(d->ents[i].text, t) == 0) {
			dup = true;
			break;
		}
	}
	d->ents = xreallocarray(d->ents, d->nents + 1, sizeof *d->ents);
	e = &d->ents[d->nents];
	memset(e, 0, sizeof *e);
	e->lineidx = li;
	e->dup = dup;
	e->text = t;
	e->pub.op = '=';
	e->pub.line = (int)li + 1;
	e->pub.off = d->lines[li].off;
	e->pub.len = d->lines[li].len;
	eq = strchr(t, '=');

	if (ini_prefix(t, "--module=") || ini_prefix(t, "--modules=") ||
	    ini_prefix(t, "--add-module=") || ini_prefix(t, "--add-modules=") ||
	    ini_prefix(t, "--add-to-start=") ||
	    ini_prefix(t, "--add-to-startd=")) {
		e->pub.kind = ini_prefix(t, "--module") ? INIDOC_MODULE :
		    INIDOC_ADD_MODULE;
		e->pub.key = xstrndup(t, eq - t);
		e->pub.value = xstrdup(eq + 1);
		if (!ini_list_ok(eq + 1)) {
			cause_set(cause, "%s: line %zu: %s has no module name "
			    "(Jetty stops: \"Argument is missing a required "
			    "value\")", ini_who(d), li + 1, e->pub.key);
			goto fail;
		}
	} else if (ini_prefix(t, "-D") && t[2] != '\0' && t[2] != '=') {
		e->pub.kind = INIDOC_SYSPROP;
		arg = t + 2;
		eq = strchr(arg, '=');
		goto property;
	} else if (t[0] == '-') {
		e->pub.kind = INIDOC_OPTION;
		if (eq != NULL) {
			e->pub.key = xstrndup(t, eq - t);
			e->pub.value = xstrdup(eq + 1);
		} else {
			e->pub.key = xstrdup(t);
			e->pub.value = xstrdup("");
		}
	} else if (eq != NULL) {
		e->pub.kind = INIDOC_PROPERTY;
	property:
		klen = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
		if (klen > 0 && (arg[klen - 1] == '+' ||
		    arg[klen - 1] == '?')) {
			e->pub.op = arg[klen - 1];
			klen--;
		}
		e->pub.key = xstrndup(arg, klen);
		e->pub.value = xstrdup(eq != NULL ? eq + 1 : "");
		e->pub.spaced = (klen > 0 && (unsigned char)arg[klen - 1] <=
		    ' ') || (unsigned char)e->pub.value[0] <= ' ';
		if (e->pub.value[0] == '\0')
			e->pub.spaced = false;
	} else if (ini_suffix(t, ".xml") || ini_suffix(t, ".properties")) {
		e->pub.kind = INIDOC_FILE;
		e->pub.key = xstrdup(t);
		e->pub.value = xstrdup("");
	} else {
		cause_set(cause, "%s: line %zu: Jetty does not understand this "
		    "line (\"Unrecognized argument\"): neither name=value, "
		    "--option nor a file", ini_who(d), li + 1);
		goto fail;
	}
	d->lines[li].ent = (long)d->nents;
	d->nents++;
	if (e->pub.kind == INIDOC_MODULE) {
		/* StartIni splits the list; each module counts once. */
		for (arg = e->pub.value; (eq = strchr(arg, ',')) != NULL;
		    arg = eq + 1)
			ini_add_mod(d, arg, eq - arg);
		ini_add_mod(d, arg, strlen(arg));
	}
	return (0);
fail:
	free(e->pub.key);
	free(e->pub.value);
	free(t);
	return (-1);
}

/* Cut d->buf into lines and entries. */
static int
ini_build(struct inidoc *d, char **cause)
{
	struct ini_line	*l;
	size_t		 off = 0, end, next, a, b, cap = 0;

	while (off < d->len) {
		for (end = off; end < d->len && d->buf[end] != '\n' &&
		    d->buf[end] != '\r'; end++)
			;
		next = end;
		if (next < d->len && d->buf[next] == '\r')
			next++;
		if (next < d->len && d->buf[next] == '\n' &&
		    (next == end || d->buf[end] == '\r'))
			next++;
		if (d->nlines == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			d->lines = xreallocarray(d->lines, cap,
			    sizeof *d->lines);
		}
		l = &d->lines[d->nlines++];
		l->off = off;
		l->len = next - off;
		l->textlen = end - off;
		l->ent = -1;
		l->comment = false;
		off = next;
		if (l->textlen == 0)
			continue;
		if (d->buf[l->off] == '#') {
			l->comment = true;
			continue;
		}
		ini_trim(d->buf + l->off, l->textlen, &a, &b);
		if (a == b)
			continue;
		if (d->buf[l->off + a] == '#') {
			l->comment = true;
			continue;
		}
		if (ini_add_entry(d, d->nlines - 1, xstrndup((const char *)
		    d->buf + l->off + a, b - a), cause) != 0)
			return (-1);
	}
	return (0);
}

/* Free the parsed parts. */
static void
ini_clear(struct inidoc *d)
{
	size_t	i;

	for (i = 0; i < d->nents; i++) {
		free(d->ents[i].pub.key);
		free(d->ents[i].pub.value);
		free(d->ents[i].text);
	}
	for (i = 0; i < d->nmods; i++)
		free(d->mods[i]);
	free(d->mods);
	free(d->ents);
	free(d->lines);
	free(d->buf);
}

void
inidoc_free(struct inidoc *d)
{
	if (d == NULL)
		return;
	ini_clear(d);
	free(d->name);
	free(d);
}

/* Parse from memory. */
int
inidoc_parse(const unsigned char *buf, size_t len, const char *name,
    struct inidoc **dp, char **cause)
{
	struct inidoc	*d;

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
	if (ini_build(d, cause) != 0) {
		inidoc_free(d);
		return (-1);
	}
	*dp = d;
	return (0);
}

int
inidoc_load(const char *path, struct inidoc **dp, char **cause)
{
	unsigned char	*buf;
	size_t		 len;
	int		 rc;

	*dp = NULL;
	if (file_read(path, &buf, &len, cause) != 0)
		return (-1);
	rc = inidoc_parse(buf, len, path, dp, cause);
	free(buf);
	return (rc);
}

void
inidoc_serialize(const struct inidoc *d, unsigned char **out, size_t *len)
{
	*out = xmemdup(d->buf, d->len + 1);
	*len = d->len;
}

const char *
inidoc_name(const struct inidoc *d)
{
	return (d->name);
}

size_t
inidoc_count(const struct inidoc *d)
{
	return (d->nents);
}

const struct inidoc_entry *
inidoc_entry(const struct inidoc *d, size_t i)
{
	if (i >= d->nents)
		return (NULL);
	return (&d->ents[i].pub);
}

/* Does entry e assign property key? */
static bool
ini_assigns(const struct ini_ent *e, const char *key)
{
	return ((e->pub.kind == INIDOC_PROPERTY ||
	    e->pub.kind == INIDOC_SYSPROP) && strcmp(e->pub.key, key) == 0);
}

/* Apply this file's assignments of key to *value (malloc'd or NULL). */
int
inidoc_fold(const struct inidoc *d, const char *key, char **value)
{
	const struct ini_ent	*e;
	const char		*v;
	char			*s;
	size_t			 i;
	int			 n = 0;

	for (i = 0; i < d->nents; i++) {
		e = &d->ents[i];
		if (e->dup || !ini_assigns(e, key))
			continue;
		n++;
		v = e->pub.value;
		if (e->pub.op == '?' && *value != NULL)
			continue;
		if (e->pub.op == '+' && *value != NULL) {
			xasprintf(&s, "%s%s", *value, v);
			free(*value);
			*value = s;
			continue;
		}
		if (e->pub.op == '+' && *v == ',')
			v++;
		free(*value);
		*value = xstrdup(v);
	}
	return (n);
}

char *
inidoc_get(const struct inidoc *d, const char *key)
{
	char	*v = NULL;

	inidoc_fold(d, key, &v);
	return (v);
}

/* Index of the last entry Jetty reads that assigns key, or -1. */
static long
ini_find(const struct inidoc *d, const char *key)
{
	size_t	i;

	for (i = d->nents; i > 0; i--) {
		if (!d->ents[i - 1].dup && ini_assigns(&d->ents[i - 1], key))
			return ((long)i - 1);
	}
	return (-1);
}

const struct inidoc_entry *
inidoc_find(const struct inidoc *d, const char *key)
{
	long	i = ini_find(d, key);

	return (i == -1 ? NULL : &d->ents[i].pub);
}

size_t
inidoc_modules(const struct inidoc *d, const char ***list)
{
	size_t	i;

	*list = NULL;
	if (d->nmods == 0)
		return (0);
	*list = xreallocarray(NULL, d->nmods, sizeof **list);
	for (i = 0; i < d->nmods; i++)
		(*list)[i] = d->mods[i];
	return (d->nmods);
}

/* ------------------------------------------------------------------ */
/* Edits */

/* Are entries a and b read alike? */
static bool
ini_same(const struct ini_ent *a, const struct ini_ent *b)
{
	return (a->pub.kind == b->pub.kind && a->pub.op == b->pub.op &&
	    a->dup == b->dup && strcmp(a->pub.key, b->pub.key) == 0 &&
	    strcmp(a->pub.value, b->pub.value) == 0);
}

/*
 * Replace d with the bytes in nb if they parse, every entry not assigning
 * key reads as before (plus the module line when module is not NULL), key
 * reads want (NULL: unset) and the modules are the old ones (plus module).
 */
static int
ini_commit(struct inidoc *d, struct confbuf *nb, const char *key,
    const char *want, const char *module, char **cause)
{
	struct inidoc	*q = NULL, tmp;
	char		*cause2 = NULL, *v = NULL;
	size_t		 i, j;

	if (nb->d == NULL)
		confbuf_add(nb, "", 0);
	if (inidoc_parse(nb->d, nb->len, d->name, &q, &cause2) != 0) {
		cause_set(cause, "%s: edit refused, the result would not "
		    "read: %s", ini_who(d), cause2);
		free(cause2);
		return (-1);
	}
	for (i = j = 0; i < d->nents || j < q->nents; ) {
		if (i < d->nents && key != NULL &&
		    ini_assigns(&d->ents[i], key)) {
			i++;
			continue;
		}
		if (j < q->nents && ((key != NULL &&
		    ini_assigns(&q->ents[j], key)) || (module != NULL &&
		    q->ents[j].pub.kind == INIDOC_MODULE &&
		    strcmp(q->ents[j].pub.value, module) == 0))) {
			j++;
			continue;
		}
		if (i == d->nents || j == q->nents ||
		    !ini_same(&d->ents[i], &q->ents[j]))
			goto bad;
		i++;
		j++;
	}
	if (key != NULL) {
		v = inidoc_get(q, key);
		if ((v == NULL) != (want == NULL) ||
		    (v != NULL && strcmp(v, want) != 0))
			goto bad;
		free(v);
		v = NULL;
	}
	if (q->nmods != d->nmods + (module != NULL))
		goto bad;
	for (i = 0; i < d->nmods; i++) {
		if (strcmp(d->mods[i], q->mods[i]) != 0)
			goto bad;
	}
	if (module != NULL && strcmp(q->mods[d->nmods], module) != 0)
		goto bad;
	tmp = *d;
	*d = *q;
	free(d->name);
	d->name = tmp.name;
	ini_clear(&tmp);
	free(q);
	return (0);
bad:
	free(v);
	inidoc_free(q);
	cause_set(cause, "%s: edit refused: it would change how other lines "
	    "read", ini_who(d));
	return (-1);
}

/* The line end of line i ("" at the end of the file). */
static const char *
ini_term(const struct inidoc *d, const struct ini_line *l)
{
	if (l->len == l->textlen)
		return ("");
	if (l->len - l->textlen == 2)
		return ("\r\n");
	return (d->buf[l->off + l->textlen] == '\r' ? "\r" : "\n");
}

/* Dotted elements two names share at their start. */
static size_t
ini_common(const char *a, const char *b)
{
	size_t	i, n = 0;

	for (i = 0; a[i] != '\0' && a[i] == b[i]; i++) {
		if (a[i] == '.')
			n++;
	}
	if ((a[i] == '\0' || a[i] == '.') && (b[i] == '\0' || b[i] == '.') &&
	    i > 0)
		n++;
	return (n);
}

/* Is line l a commented-out "# key=..." (a Jetty ini template line)? */
static bool
ini_template(const struct inidoc *d, const struct ini_line *l,
    const char *key)
{
	const unsigned char	*s = d->buf + l->off;
	size_t			 i = 0, n = l->textlen, k = strlen(key);

	while (i < n && (s[i] <= ' ' || s[i] == '#'))
		i++;
	if (n - i <= k || memcmp(s + i, key, k) != 0)
		return (false);
	i += k;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return (i < n && s[i] == '=');
}

/* Does a --module line enable ssl? */
static bool
ini_ssl_line(const struct ini_ent *e)
{
	const char	*p, *v = e->pub.value;
	size_t		 a, b, n;

	if (e->pub.kind != INIDOC_MODULE)
		return (false);
	for (;;) {
		p = strchr(v, ',');
		n = p != NULL ? (size_t)(p - v) : strlen(v);
		ini_trim((const unsigned char *)v, n, &a, &b);
		if (b - a == 3 && memcmp(v + a, "ssl", 3) == 0)
			return (true);
		if (p == NULL)
			return (false);
		v = p + 1;
	}
}

/* Append lines [0, upto) and a new line text after them. */
static void
ini_insert_at(const struct inidoc *d, size_t upto, const char *text,
    struct confbuf *nb)
{
	const struct ini_line	*l;
	const char		*eol = confdoc_eol(d->buf, d->len);
	size_t			 at;

	at = upto == 0 ? 0 : d->lines[upto - 1].off + d->lines[upto - 1].len;
	confbuf_add(nb, d->buf, at);
	if (upto > 0) {
		l = &d->lines[upto - 1];
		if (*ini_term(d, l) == '\0')
			confbuf_str(nb, eol);
	}
	confbuf_str(nb, text);
	confbuf_str(nb, eol);
	confbuf_add(nb, d->buf + at, d->len - at);
}

/* Is s fit for one line of an ini file? */
static bool
ini_text_ok(const char *s)
{
	return (confdoc_utf8((const unsigned char *)s, strlen(s), NULL) &&
	    strpbrk(s, "\r\n") == NULL);
}

/* Check a property name we are asked to write. */
static int
ini_key_ok(const struct inidoc *d, const char *key, char **cause)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)key; *p != '\0'; p++) {
		if (*p <= ' ' || *p == '=')
			break;
	}
	if (*key == '\0' || *p != '\0' || key[0] == '#' || key[0] == '-' ||
	    key[strlen(key) - 1] == '+' || key[strlen(key) - 1] == '?' ||
	    !ini_text_ok(key)) {
		cause_set(cause, "%s: not a property name Jetty can read",
		    ini_who(d));
		return (-1);
	}
	return (0);
}

int
inidoc_set(struct inidoc *d, const char *key, const char *value,
    char **cause)
{
	struct confbuf		 nb = { NULL, 0, 0 };
	const struct ini_ent	*e;
	const struct ini_line	*l;
	const unsigned char	*eq;
	char			*text;
	size_t			 i, n, best = 0, upto = SIZE_MAX, a, b;
	long			 idx;
	int			 rc;

	if (ini_key_ok(d, key, cause) != 0)
		return (-1);
	if (!ini_text_ok(value)) {
		cause_set(cause, "%s: the value of %s must be one line of "
		    "UTF-8 text", ini_who(d), key);
		return (-1);
	}
	n = strlen(value);
	if (n > 0 && ((unsigned char)value[0] <= ' ' ||
	    (unsigned char)value[n - 1] <= ' ')) {
		cause_set(cause, "%s: Jetty trims the line: the value of %s "
		    "cannot start or end with blanks", ini_who(d), key);
		return (-1);
	}
	if ((idx = ini_find(d, key)) != -1) {
		e = &d->ents[idx];
		if (e->pub.op == '+') {
			cause_set(cause, "%s: line %d: %s+= appends to the "
			    "value of other files: edit it by hand",
			    ini_who(d), e->pub.line, key);
			return (-1);
		}
		l = &d->lines[e->lineidx];
		eq = memchr(d->buf + l->off, '=', l->textlen);
		if (eq != NULL)
			confbuf_add(&nb, d->buf, eq + 1 - d->buf);
		else {
			/* "-Dname" alone: it gets its "=". */
			ini_trim(d->buf + l->off, l->textlen, &a, &b);
			confbuf_add(&nb, d->buf, l->off + b);
			confbuf_str(&nb, "=");
		}
		confbuf_str(&nb, value);
		/* Blanks after the value are trimmed anyway: drop them. */
		confbuf_str(&nb, ini_term(d, l));
		confbuf_add(&nb, d->buf + l->off + l->len,
		    d->len - l->off - l->len);
	} else {
		for (i = 0; i < d->nlines; i++) {
			if (d->lines[i].comment &&
			    ini_template(d, &d->lines[i], key))
				upto = i + 1;
		}
		for (i = 0; upto == SIZE_MAX && i < d->nents; i++) {
			e = &d->ents[i];
			if (e->pub.kind != INIDOC_PROPERTY &&
			    e->pub.kind != INIDOC_SYSPROP)
				continue;
			n = ini_common(key, e->pub.key);
			if (n >= 2 && n >= best)
				best = n;
		}
		for (i = 0; upto == SIZE_MAX && best > 0 && i < d->nents;
		    i++) {
			e = &d->ents[d->nents - 1 - i];
			if ((e->pub.kind == INIDOC_PROPERTY ||
			    e->pub.kind == INIDOC_SYSPROP) &&
			    ini_common(key, e->pub.key) == best)
				upto = e->lineidx + 1;
		}
		for (i = 0; upto == SIZE_MAX && i < d->nents; i++) {
			if (ini_ssl_line(&d->ents[i]))
				upto = d->ents[i].lineidx + 1;
		}
		if (upto == SIZE_MAX)
			upto = d->nlines;
		xasprintf(&text, "%s=%s", key, value);
		ini_insert_at(d, upto, text, &nb);
		free(text);
	}
	rc = ini_commit(d, &nb, key, value, NULL, cause);
	free(nb.d);
	return (rc);
}

int
inidoc_unset(struct inidoc *d, const char *key, size_t *removed,
    char **cause)
{
	struct confbuf		 nb = { NULL, 0, 0 };
	const struct ini_line	*l;
	size_t			 i, n = 0;
	int			 rc;

	if (removed != NULL)
		*removed = 0;
	for (i = 0; i < d->nlines; i++) {
		l = &d->lines[i];
		if (l->ent != -1 && ini_assigns(&d->ents[l->ent], key)) {
			n++;
			/* The file ended without a line end: so does it now. */
			if (i + 1 == d->nlines && *ini_term(d, l) == '\0') {
				if (nb.len > 0 && nb.d[nb.len - 1] == '\n')
					nb.len--;
				if (nb.len > 0 && nb.d[nb.len - 1] == '\r')
					nb.len--;
				if (nb.d != NULL)
					nb.d[nb.len] = '\0';
			}
			continue;
		}
		confbuf_add(&nb, d->buf + l->off, l->len);
	}
	if (n == 0) {
		free(nb.d);
		return (0);
	}
	rc = ini_commit(d, &nb, key, NULL, NULL, cause);
	if (rc == 0 && removed != NULL)
		*removed = n;
	free(nb.d);
	return (rc);
}

int
inidoc_add_module(struct inidoc *d, const char *module, char **cause)
{
	struct confbuf	 nb = { NULL, 0, 0 };
	const char	*p;
	char		*text;
	size_t		 i, upto = SIZE_MAX;
	int		 rc;

	for (p = module; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == ',' || *p == '=')
			break;
	}
	if (*module == '\0' || *p != '\0' || !ini_text_ok(module)) {
		cause_set(cause, "%s: not a module name", ini_who(d));
		return (-1);
	}
	for (i = 0; i < d->nmods; i++) {
		if (strcmp(d->mods[i], module) == 0)
			return (0);
	}
	for (i = 0; i < d->nents; i++) {
		if (d->ents[i].pub.kind == INIDOC_MODULE)
			upto = d->ents[i].lineidx + 1;
	}
	if (upto == SIZE_MAX)
		upto = d->nlines;
	xasprintf(&text, "--module=%s", module);
	ini_insert_at(d, upto, text, &nb);
	free(text);
	rc = ini_commit(d, &nb, NULL, NULL, module, cause);
	free(nb.d);
	return (rc);
}

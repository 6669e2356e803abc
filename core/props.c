/* SPDX-License-Identifier: ISC */
/*
 * props.c -- application.properties as a lossless document.
 *
 * The reader follows java.util.Properties.load(InputStream) (the LineReader,
 * load0 and loadConvert of JDK 17 and 25) byte for byte: docs/formats.md,
 * The .properties grammar.
 * The file is cut into records that cover it exactly: one for each logical
 * line Java returns (an entry), and one for each physical line Java skips
 * before it (blank lines and comments: "trivia").  A record starts in the
 * reader's initial state, which is what lets an edit drop, replace or insert
 * whole records.  Writing the records back gives the input.  An edit builds
 * new bytes, parses them again and checks that the entries read exactly as
 * expected (every other setting unchanged) before it replaces the document.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

#define PROPS_RES_DEPTH		32		/* lookups inside lookups */
#define PROPS_RES_NEST		64		/* ${ inside one text */
#define PROPS_RES_MAXOUT	(1024 * 1024)	/* bytes of a result */
#define PROPS_RES_MAXSTEPS	100000		/* lookups per call */
#define PROPS_RES_MAXWORK	(16 * 1024 * 1024) /* bytes looked at */
#define PROPS_CHUNK		(64 * 1024)	/* string arena chunk */
#define PROPS_NONE		UINT32_MAX	/* no entry */

struct props_rec {
	size_t		 off;
	size_t		 len;
	long		 ent;		/* index in ents, or -1: trivia */
};

/*
 * An entry.  Its strings live in the document's arena; value and raw_value
 * (canon and key) are one string when they are the same bytes, and lb
 * points into the document's bytes when the logical line is one run of
 * them (no continuation), as it nearly always is.  Offsets and lengths fit
 * 32 bits: a document is at most CONFIG_MAX_SIZE bytes.
 */
struct props_ent {
	struct prop_entry pub;
	const unsigned char *lb;	/* the logical line as Java built it */
	uint32_t	 rec;
	uint32_t	 canon_len;
	uint32_t	 indent;	/* whitespace before the line's text */
	uint32_t	 lblen;
	uint32_t	 keylen;	/* key text: lb[0, keylen) */
	uint32_t	 valstart;	/* value text: lb[valstart, lblen) */
	uint32_t	 grp;		/* its relaxed key's group */
	uint32_t	 next;		/* next entry of the group, or
					   PROPS_NONE */
	bool		 eof_cont;	/* end of input cut a continuation */
};

/* One chunk of a document's string arena. */
struct props_chunk {
	struct props_chunk	*next;
	size_t			 used;
	size_t			 cap;
	char			 data[];
};

/* The entries sharing one relaxed key, in file order (a linked list). */
struct props_grp {
	uint32_t	 first;
	uint32_t	 last;
	uint32_t	 n;
};

struct props {
	char		*name;
	unsigned char	*buf;
	size_t		 len;
	size_t		*lines;		/* start offset of each physical line */
	size_t		 nlines;
	struct props_rec *recs;
	size_t		 nrecs;
	struct props_ent *ents;
	size_t		 nents;
	struct props_chunk *arena;	/* the entries' strings */
	/*
	 * The index, built once per parse: every lookup by key is a hash
	 * probe, never a scan.  Open addressing over ixmask + 1 slots
	 * holding an index + 1 (0: empty); the hash is SipHash keyed with
	 * random bytes per document, so that no file can be made of keys
	 * that collide.
	 */
	struct props_grp *grps;
	size_t		 ngrps;
	uint32_t	*ixc;		/* relaxed key -> group */
	uint32_t	*ixe;		/* exact key -> its last entry */
	size_t		 ixmask;
	uint64_t	 seed[2];
};

/* A growing byte buffer, always NUL-terminated once used. */
struct pbuf {
	unsigned char	*d;
	size_t		 len;
	size_t		 cap;
};

/* Java's LineReader state over a whole buffer. */
struct props_reader {
	const unsigned char	*buf;
	size_t			 len;
	size_t			 off;
	unsigned char		*lb;
	size_t			*lbpos;		/* input offset of each byte */
	size_t			 lblen;
	size_t			 lbcap;
	uint16_t		*u;		/* scratch: UTF-16 units */
	size_t			 ucap;
	struct pbuf		*sk;		/* scratch: key, canon */
	struct pbuf		*sv;		/* scratch: value, raw */
};

/* An entry as an edit expects to read it back. */
struct props_kv {
	const char	*k;
	size_t		 kl;
	const char	*v;
	size_t		 vl;
};

/* Placeholder resolution state. */
struct props_res {
	const struct props	*p;
	props_lookup_fn		 fn;		/* instead of p's entries */
	void			*arg;
	int			 flags;
	char			*stack[PROPS_RES_DEPTH];
	size_t			 depth;
	size_t			 nest;
	size_t			 steps;
	size_t			 work;
	bool			 unresolved;
	char			**cause;
};

static int	props_res_text(struct props_res *, const char *, size_t,
		    struct pbuf *);

/* Append n bytes. */
static void
pbuf_add(struct pbuf *b, const void *p, size_t n)
{
	if (b->cap - b->len < n + 1) {
		if (b->cap == 0)
			b->cap = 64;
		while (b->cap - b->len < n + 1)
			b->cap *= 2;
		b->d = xreallocarray(b->d, b->cap, 1);
	}
	if (n != 0)
		memcpy(b->d + b->len, p, n);
	b->len += n;
	b->d[b->len] = '\0';
}

/* Make room for n more bytes (and the NUL) at once. */
static void
pbuf_reserve(struct pbuf *b, size_t n)
{
	if (b->cap - b->len < n + 1) {
		b->cap = b->len + n + 1;
		b->d = xreallocarray(b->d, b->cap, 1);
	}
}

/* Append a C string. */
static void
pbuf_str(struct pbuf *b, const char *s)
{
	pbuf_add(b, s, strlen(s));
}

/* Append one code point as UTF-8 (surrogates as 3-byte sequences). */
static void
pbuf_utf8(struct pbuf *b, uint32_t cp)
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
	pbuf_add(b, t, n);
}

/* Take the buffer's contents as a string ("" when never used). */
static char *
pbuf_take(struct pbuf *b, size_t *lenp)
{
	char	*s;

	if (b->d == NULL)
		pbuf_add(b, "", 0);
	s = (char *)b->d;
	if (lenp != NULL)
		*lenp = b->len;
	b->d = NULL;
	b->len = b->cap = 0;
	return (s);
}

/* UTF-16 units to UTF-8 into b (emptied first), joining surrogate pairs. */
static void
props_u16_utf8(struct pbuf *b, const uint16_t *u, size_t n)
{
	uint32_t	cp;
	size_t		i;

	b->len = 0;
	pbuf_add(b, "", 0);
	for (i = 0; i < n; i++) {
		cp = u[i];
		if (cp < 0x80 && b->cap - b->len >= 2) {
			b->d[b->len++] = cp;	/* the common case */
			b->d[b->len] = '\0';
			continue;
		}
		if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n &&
		    u[i + 1] >= 0xdc00 && u[i + 1] <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) +
			    (u[i + 1] - 0xdc00);
			i++;
		}
		pbuf_utf8(b, cp);
	}
}

/* ISO-8859-1 bytes to UTF-8 into b (emptied first). */
static void
props_latin1_utf8(struct pbuf *b, const unsigned char *s, size_t n)
{
	size_t	i;

	b->len = 0;
	pbuf_add(b, "", 0);
	for (i = 0; i < n; i++)
		pbuf_utf8(b, s[i]);
}

/*
 * A copy of s[0, n) and a NUL in the document's arena.  Small strings share
 * chunks; a large one gets a chunk of its own behind the current one.
 */
static char *
props_arena(struct props *p, const void *s, size_t n)
{
	struct props_chunk	*c = p->arena, *nc;
	char			*d;

	if (c == NULL || c->cap - c->used < n + 1) {
		nc = xmalloc(sizeof *nc + (n + 1 > PROPS_CHUNK / 4 ? n + 1 :
		    PROPS_CHUNK));
		nc->used = 0;
		nc->cap = n + 1 > PROPS_CHUNK / 4 ? n + 1 : PROPS_CHUNK;
		if (c != NULL && n + 1 > PROPS_CHUNK / 4) {
			nc->next = c->next;
			c->next = nc;
		} else {
			nc->next = c;
			p->arena = nc;
		}
		c = nc;
	}
	d = c->data + c->used;
	if (n != 0)
		memcpy(d, s, n);
	d[n] = '\0';
	c->used += n + 1;
	return (d);
}

/* Free the arena. */
static void
props_arena_free(struct props *p)
{
	struct props_chunk	*c, *next;

	for (c = p->arena; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	p->arena = NULL;
}

/* Name for messages. */
static const char *
props_who(const struct props *p)
{
	return (p != NULL && p->name != NULL ? p->name : "(properties)");
}

/* Physical line (1-based) of a byte offset. */
static int
props_line_of(const struct props *p, size_t off)
{
	size_t	lo = 0, hi = p->nlines, mid;

	/* The last line start <= off. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (p->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return ((int)lo + 1);
}

/* Index the physical lines: CRLF, CR and LF each end one. */
static void
props_index_lines(struct props *p)
{
	size_t	i, cap = 64;

	p->lines = xreallocarray(NULL, cap, sizeof *p->lines);
	p->nlines = 1;
	p->lines[0] = 0;
	for (i = 0; i < p->len; i++) {
		if (p->buf[i] != '\r' && p->buf[i] != '\n')
			continue;
		if (p->buf[i] == '\r' && i + 1 < p->len &&
		    p->buf[i + 1] == '\n')
			i++;
		if (i + 1 >= p->len)
			break;
		if (p->nlines == cap) {
			cap *= 2;
			p->lines = xreallocarray(p->lines, cap,
			    sizeof *p->lines);
		}
		p->lines[p->nlines++] = i + 1;
	}
}

/* Add a record over buf[off, off + len). */
static void
props_rec_add(struct props *p, size_t off, size_t len, long ent)
{
	struct props_rec	*r;

	if ((p->nrecs & (p->nrecs - 1)) == 0)
		p->recs = xreallocarray(p->recs, p->nrecs == 0 ? 1 :
		    p->nrecs * 2, sizeof *p->recs);
	r = &p->recs[p->nrecs++];
	r->off = off;
	r->len = len;
	r->ent = ent;
}

/* One trivia record per physical line of buf[from, to). */
static void
props_trivia(struct props *p, size_t from, size_t to)
{
	size_t	i, end;

	if (from >= to)
		return;
	i = props_line_of(p, from) - 1;
	for (; i < p->nlines && p->lines[i] < to; i++) {
		end = i + 1 < p->nlines ? p->lines[i + 1] : p->len;
		if (end > to)
			end = to;
		props_rec_add(p, p->lines[i], end - p->lines[i], -1);
	}
}

/* Append a byte to the logical line. */
static void
props_lb_add(struct props_reader *r, unsigned char c, size_t pos)
{
	if (r->lblen == r->lbcap) {
		r->lbcap = r->lbcap == 0 ? 128 : r->lbcap * 2;
		r->lb = xreallocarray(r->lb, r->lbcap, 1);
		r->lbpos = xreallocarray(r->lbpos, r->lbcap,
		    sizeof *r->lbpos);
	}
	r->lb[r->lblen] = c;
	r->lbpos[r->lblen++] = pos;
}

/*
 * LineReader.readLine: the next logical line into r->lb.  Returns 0 at the
 * end of input (Java's -1), else 1 with *first the offset of the first byte
 * appended to the line (perhaps since dropped) and *eof_cont set when the
 * end of input cut a continuation short (text appended after it would
 * join the line).
 */
static int
props_readline(struct props_reader *r, size_t *first, bool *eof_cont)
{
	bool		skipws = true, appended = false, bs = false;
	unsigned char	c;

	r->lblen = 0;
	*first = SIZE_MAX;
	*eof_cont = false;
	for (;;) {
		if (r->off >= r->len) {
			if (r->lblen == 0)
				return (0);
			/* Waiting for the line a continuation joins? */
			*eof_cont = skipws && appended;
			break;
		}
		c = r->buf[r->off++];
		if (skipws) {
			if (c == ' ' || c == '\t' || c == '\f')
				continue;
			if (!appended && (c == '\r' || c == '\n'))
				continue;
			skipws = false;
			appended = false;
		}
		if (r->lblen == 0 && (c == '#' || c == '!')) {
			/* A comment: never continued. */
			while (r->off < r->len) {
				c = r->buf[r->off++];
				if (c == '\r' || c == '\n')
					break;
			}
			skipws = true;
			continue;
		}
		if (c != '\r' && c != '\n') {
			if (*first == SIZE_MAX)
				*first = r->off - 1;
			props_lb_add(r, c, r->off - 1);
			bs = (c == '\\') ? !bs : false;
			continue;
		}
		if (r->lblen == 0) {
			skipws = true;
			continue;
		}
		if (r->off >= r->len)
			break;
		if (!bs) {
			/* Java reads the LF of a CRLF as a blank line. */
			if (c == '\r' && r->buf[r->off] == '\n')
				r->off++;
			return (1);
		}
		/* Continuation: drop the backslash and the next indent. */
		r->lblen--;
		skipws = true;
		appended = true;
		bs = false;
		if (c == '\r' && r->buf[r->off] == '\n')
			r->off++;
	}
	if (bs) {
		r->lblen--;
		*eof_cont = true;
	}
	return (1);
}

/*
 * loadConvert over lb[off, off + len) into UTF-16 units.  Returns -1 on a
 * malformed \uxxxx escape, with *bad the index of its backslash.
 */
static int
props_convert(const unsigned char *lb, size_t off, size_t len, uint16_t *out,
    size_t *outlen, size_t *bad)
{
	size_t		end = off + len, n = 0, start, i;
	unsigned int	v;
	unsigned char	c;

	while (off < end) {
		c = lb[off++];
		if (c != '\\') {
			out[n++] = c;
			continue;
		}
		start = off - 1;
		if (off >= end)
			break;		/* cannot happen: readline drops it */
		c = lb[off++];
		if (c == 'u') {
			if (end - off < 4) {
				*bad = start;
				return (-1);
			}
			v = 0;
			for (i = 0; i < 4; i++) {
				c = lb[off++];
				if (c >= '0' && c <= '9')
					v = (v << 4) + c - '0';
				else if (c >= 'a' && c <= 'f')
					v = (v << 4) + 10 + c - 'a';
				else if (c >= 'A' && c <= 'F')
					v = (v << 4) + 10 + c - 'A';
				else {
					*bad = start;
					return (-1);
				}
			}
			out[n++] = v;
			continue;
		}
		if (c == 't')
			c = '\t';
		else if (c == 'r')
			c = '\r';
		else if (c == 'n')
			c = '\n';
		else if (c == 'f')
			c = '\f';
		out[n++] = c;
	}
	*outlen = n;
	return (0);
}

/* Relaxed form of len bytes of key into s (len + 1 bytes); its length. */
static size_t
props_canon_into(char *s, const char *key, size_t len)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++) {
		if (key[i] == '-' || key[i] == '_')
			continue;
		if (key[i] >= 'A' && key[i] <= 'Z')
			s[n++] = key[i] - 'A' + 'a';
		else
			s[n++] = key[i];
	}
	s[n] = '\0';
	return (n);
}

/* Relaxed form of len bytes of key, malloc'd. */
static char *
props_canon(const char *key, size_t len, size_t *outlen)
{
	char	*s = xmalloc(len + 1);
	size_t	 n;

	n = props_canon_into(s, key, len);
	if (outlen != NULL)
		*outlen = n;
	return (s);
}

/* Relaxed form of a key: ASCII lower-case, '-' and '_' dropped. */
char *
props_canon_key(const char *key)
{
	return (props_canon(key, strlen(key), NULL));
}

/* Split the logical line into key and value (load0) and add the entry. */
static int
props_add_entry(struct props *p, struct props_reader *r, size_t recoff,
    size_t first, size_t end, bool eof_cont, char **cause)
{
	struct props_ent	*e;
	uint16_t		*u;
	size_t			 keylen = 0, valstart = r->lblen, n, bad, i;
	bool			 hassep = false, bs = false;
	unsigned char		 c;

	while (keylen < r->lblen) {
		c = r->lb[keylen];
		if ((c == '=' || c == ':') && !bs) {
			valstart = keylen + 1;
			hassep = true;
			break;
		}
		if ((c == ' ' || c == '\t' || c == '\f') && !bs) {
			valstart = keylen + 1;
			break;
		}
		bs = (c == '\\') ? !bs : false;
		keylen++;
	}
	while (valstart < r->lblen) {
		c = r->lb[valstart];
		if (c != ' ' && c != '\t' && c != '\f') {
			if (hassep || (c != '=' && c != ':'))
				break;
			hassep = true;
		}
		valstart++;
	}

	if ((p->nents & (p->nents - 1)) == 0)
		p->ents = xreallocarray(p->ents, p->nents == 0 ? 1 :
		    p->nents * 2, sizeof *p->ents);
	e = &p->ents[p->nents];
	memset(e, 0, sizeof *e);

	if (r->ucap < r->lblen + 1) {
		r->ucap = r->lblen + 1;
		r->u = xreallocarray(r->u, r->ucap, sizeof *r->u);
	}
	u = r->u;
	if (props_convert(r->lb, 0, keylen, u, &n, &bad) == -1)
		goto malformed;
	props_u16_utf8(r->sk, u, n);
	if (props_convert(r->lb, valstart, r->lblen - valstart, u, &n,
	    &bad) == -1)
		goto malformed;
	props_u16_utf8(r->sv, u, n);
	e->pub.key = props_arena(p, r->sk->d, r->sk->len);
	e->pub.key_len = r->sk->len;
	e->pub.value = props_arena(p, r->sv->d, r->sv->len);
	e->pub.value_len = r->sv->len;

	/* The value as written; most often the value itself. */
	props_latin1_utf8(r->sv, r->lb + valstart, r->lblen - valstart);
	if (r->sv->len == e->pub.value_len &&
	    memcmp(r->sv->d, e->pub.value, r->sv->len) == 0)
		e->pub.raw_value = e->pub.value;
	else
		e->pub.raw_value = props_arena(p, r->sv->d, r->sv->len);
	/* The relaxed key; most often the key itself. */
	r->sk->len = 0;
	pbuf_add(r->sk, e->pub.key, e->pub.key_len);
	n = props_canon_into((char *)r->sk->d, (char *)r->sk->d,
	    e->pub.key_len);
	e->canon_len = n;
	if (n == e->pub.key_len && memcmp(r->sk->d, e->pub.key, n) == 0)
		e->pub.canon = e->pub.key;
	else
		e->pub.canon = props_arena(p, r->sk->d, n);

	e->pub.off = recoff;
	e->pub.len = end - recoff;
	e->pub.line = props_line_of(p, recoff);
	e->pub.last_line = props_line_of(p, end - 1);
	for (i = recoff; i < end; i++) {
		if (p->buf[i] >= 0x80) {
			e->pub.nonascii = true;
			break;
		}
	}
	e->rec = p->nrecs;
	e->indent = first - recoff;
	/* One run of the input (no continuation): point into it. */
	if (r->lblen == 0)
		e->lb = (const unsigned char *)"";
	else if (r->lbpos[r->lblen - 1] - r->lbpos[0] == r->lblen - 1)
		e->lb = p->buf + r->lbpos[0];
	else
		e->lb = (unsigned char *)props_arena(p, r->lb, r->lblen);
	e->lblen = r->lblen;
	e->keylen = keylen;
	e->valstart = valstart;
	e->eof_cont = eof_cont;
	e->next = PROPS_NONE;
	props_rec_add(p, recoff, end - recoff, (long)p->nents);
	p->nents++;
	return (0);

malformed:
	cause_set(cause, "%s: line %d: malformed \\uxxxx encoding (Java "
	    "refuses to load the file)", props_who(p),
	    props_line_of(p, r->lbpos[bad]));
	return (-1);
}

/* ------------------------------------------------------------------ */
/* The index: keys by hash */

#define PROPS_ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define PROPS_SIPROUND(v0, v1, v2, v3) do {				\
	v0 += v1; v1 = PROPS_ROTL(v1, 13); v1 ^= v0;			\
	v0 = PROPS_ROTL(v0, 32);					\
	v2 += v3; v3 = PROPS_ROTL(v3, 16); v3 ^= v2;			\
	v0 += v3; v3 = PROPS_ROTL(v3, 21); v3 ^= v0;			\
	v2 += v1; v1 = PROPS_ROTL(v1, 17); v1 ^= v2;			\
	v2 = PROPS_ROTL(v2, 32);					\
} while (0)

/* SipHash-1-3 of s[0, len) keyed with the document's seed. */
static uint64_t
props_hash(const struct props *p, const void *s, size_t len)
{
	const unsigned char	*in = s;
	uint64_t		 v0, v1, v2, v3, m, b;
	size_t			 i, j;

	v0 = 0x736f6d6570736575ULL ^ p->seed[0];
	v1 = 0x646f72616e646f6dULL ^ p->seed[1];
	v2 = 0x6c7967656e657261ULL ^ p->seed[0];
	v3 = 0x7465646279746573ULL ^ p->seed[1];
	for (i = 0; i + 8 <= len; i += 8) {
		m = 0;
		for (j = 0; j < 8; j++)
			m |= (uint64_t)in[i + j] << (8 * j);
		v3 ^= m;
		PROPS_SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	b = (uint64_t)len << 56;
	for (j = 0; i + j < len; j++)
		b |= (uint64_t)in[i + j] << (8 * j);
	v3 ^= b;
	PROPS_SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	PROPS_SIPROUND(v0, v1, v2, v3);
	PROPS_SIPROUND(v0, v1, v2, v3);
	PROPS_SIPROUND(v0, v1, v2, v3);
	return (v0 ^ v1 ^ v2 ^ v3);
}

/* A random key for the document's hash. */
static void
props_seed(struct props *p)
{
	struct timespec	ts;

	if (getentropy(p->seed, sizeof p->seed) == 0)
		return;
	/* Not expected (getrandom is there since Linux 3.17). */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	p->seed[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^
	    (uintptr_t)p;
	p->seed[1] = (uint64_t)ts.tv_sec ^ (uint64_t)getpid() << 32;
}

/* The slot of the group whose relaxed key is canon[0, len): its group
 * index + 1, or 0 where it would go. */
static size_t
props_ix_canon(const struct props *p, const char *canon, size_t len,
    uint32_t *found)
{
	const struct props_ent	*fe;
	size_t			 h;

	h = props_hash(p, canon, len) & p->ixmask;
	for (;; h = (h + 1) & p->ixmask) {
		if ((*found = p->ixc[h]) == 0)
			return (h);
		fe = &p->ents[p->grps[*found - 1].first];
		if (fe->canon_len == len &&
		    memcmp(fe->pub.canon, canon, len) == 0)
			return (h);
	}
}

/* The slot of the last entry whose key is exactly key[0, len): its index
 * + 1, or 0 where it would go. */
static size_t
props_ix_exact(const struct props *p, const char *key, size_t len,
    uint32_t *found)
{
	const struct props_ent	*e;
	size_t			 h;

	h = props_hash(p, key, len) & p->ixmask;
	for (;; h = (h + 1) & p->ixmask) {
		if ((*found = p->ixe[h]) == 0)
			return (h);
		e = &p->ents[*found - 1];
		if (e->pub.key_len == len && memcmp(e->pub.key, key, len) == 0)
			return (h);
	}
}

/* Index the entries by relaxed and by exact key (at most half full). */
static void
props_index(struct props *p)
{
	struct props_ent	*e;
	struct props_grp	*g;
	size_t			 cap = 16, i, h;
	uint32_t		 found;

	while (cap < 2 * p->nents)
		cap *= 2;
	props_seed(p);
	p->ixmask = cap - 1;
	p->ixc = xcalloc(cap, sizeof *p->ixc);
	p->ixe = xcalloc(cap, sizeof *p->ixe);
	p->grps = xreallocarray(NULL, p->nents + 1, sizeof *p->grps);
	p->ngrps = 0;
	for (i = 0; i < p->nents; i++) {
		e = &p->ents[i];
		h = props_ix_canon(p, e->pub.canon, e->canon_len, &found);
		if (found == 0) {
			g = &p->grps[p->ngrps++];
			g->first = g->last = i;
			g->n = 1;
			p->ixc[h] = p->ngrps;
			e->grp = p->ngrps - 1;
		} else {
			g = &p->grps[found - 1];
			p->ents[g->last].next = i;
			g->last = i;
			g->n++;
			e->grp = found - 1;
		}
		h = props_ix_exact(p, e->pub.key, e->pub.key_len, &found);
		p->ixe[h] = i + 1;
	}
}

/* Cut p->buf into records and entries. */
static int
props_build(struct props *p, char **cause)
{
	struct props_reader	r;
	struct pbuf		sk = { NULL, 0, 0 }, sv = { NULL, 0, 0 };
	size_t			first, pos = 0, start;
	bool			eof_cont;
	int			rc = -1;

	memset(&r, 0, sizeof r);
	r.buf = p->buf;
	r.len = p->len;
	r.sk = &sk;
	r.sv = &sv;
	props_index_lines(p);
	for (;;) {
		if (props_readline(&r, &first, &eof_cont) == 0)
			break;
		/* The entry starts at the line of its first byte. */
		start = p->lines[props_line_of(p, first) - 1];
		props_trivia(p, pos, start);
		if (props_add_entry(p, &r, start, first, r.off, eof_cont,
		    cause) != 0)
			goto out;
		pos = r.off;
	}
	props_trivia(p, pos, p->len);
	/* Give back what the doubling left unused. */
	if (p->nents != 0)
		p->ents = xreallocarray(p->ents, p->nents, sizeof *p->ents);
	if (p->nrecs != 0)
		p->recs = xreallocarray(p->recs, p->nrecs, sizeof *p->recs);
	p->lines = xreallocarray(p->lines, p->nlines, sizeof *p->lines);
	props_index(p);
	rc = 0;
out:
	free(r.lb);
	free(r.lbpos);
	free(r.u);
	free(sk.d);
	free(sv.d);
	return (rc);
}

/* Parse buf[0, len), taking it (malloc'd, len + 1 bytes; freed on
 * failure). */
static int
props_parse_owned(unsigned char *buf, size_t len, const char *name,
    struct props **pp, char **cause)
{
	struct props	*p;

	*pp = NULL;
	if (len > CONFIG_MAX_SIZE) {
		cause_set(cause, "%s: %zu bytes: too large for a configuration "
		    "file (at most %lu MiB are read)", name != NULL ? name :
		    "(properties)", len, CONFIG_MAX_SIZE >> 20);
		free(buf);
		return (-1);
	}
	p = xcalloc(1, sizeof *p);
	if (name != NULL)
		p->name = xstrdup(name);
	p->buf = buf;
	p->buf[len] = '\0';
	p->len = len;
	if (props_build(p, cause) != 0) {
		props_free(p);
		return (-1);
	}
	*pp = p;
	return (0);
}

/* Parse a .properties document from memory. */
int
props_parse(const unsigned char *buf, size_t len, const char *name,
    struct props **pp, char **cause)
{
	unsigned char	*copy;

	*pp = NULL;
	if (len > CONFIG_MAX_SIZE)
		return (props_parse_owned(NULL, len, name, pp, cause));
	copy = xmalloc(len + 1);
	if (len != 0)
		memcpy(copy, buf, len);
	return (props_parse_owned(copy, len, name, pp, cause));
}

/* Read and parse a file. */
int
props_load(const char *path, struct props **pp, char **cause)
{
	unsigned char	*buf;
	size_t		 len;

	*pp = NULL;
	if (file_read(path, &buf, &len, cause) != 0)
		return (-1);
	/* file_read leaves room for a NUL. */
	return (props_parse_owned(buf, len, path, pp, cause));
}

/* Free what parsing built over a document's bytes (entries, records,
 * lines, strings, index). */
static void
props_unbuild(struct props *p)
{
	props_arena_free(p);
	free(p->ents);
	free(p->recs);
	free(p->lines);
	free(p->grps);
	free(p->ixc);
	free(p->ixe);
	p->ents = NULL;
	p->recs = NULL;
	p->lines = NULL;
	p->grps = NULL;
	p->ixc = p->ixe = NULL;
	p->nents = p->nrecs = p->nlines = p->ngrps = 0;
}

/* Free the entries, records, index and bytes of a document. */
static void
props_clear(struct props *p)
{
	props_unbuild(p);
	free(p->buf);
	p->buf = NULL;
}

/* Free a document. */
void
props_free(struct props *p)
{
	if (p == NULL)
		return;
	props_clear(p);
	free(p->name);
	free(p);
}

/* The document's bytes. */
void
props_serialize(const struct props *p, unsigned char **out, size_t *len)
{
	*out = xmemdup(p->buf, p->len + 1);
	*len = p->len;
}

/* Name given to props_parse, or NULL. */
const char *
props_name(const struct props *p)
{
	return (p->name);
}

/* Number of entries. */
size_t
props_count(const struct props *p)
{
	return (p->nents);
}

/* Entry i in file order, or NULL. */
const struct prop_entry *
props_entry(const struct props *p, size_t i)
{
	if (i >= p->nents)
		return (NULL);
	return (&p->ents[i].pub);
}

/* Index of the last entry whose key is exactly key[0, len), or -1. */
static long
props_find_exact(const struct props *p, const char *key, size_t len)
{
	uint32_t	found;

	if (p->ixe == NULL)
		return (-1);
	props_ix_exact(p, key, len, &found);
	return (found == 0 ? -1 : (long)found - 1);
}

/* The group of relaxed key canon[0, len), or NULL. */
static const struct props_grp *
props_find_grp(const struct props *p, const char *canon, size_t len)
{
	uint32_t	found;

	if (p->ixc == NULL)
		return (NULL);
	props_ix_canon(p, canon, len, &found);
	return (found == 0 ? NULL : &p->grps[found - 1]);
}

/* Index of the last entry whose relaxed key is canon[0, len), or -1. */
static long
props_find_canon(const struct props *p, const char *canon, size_t len)
{
	const struct props_grp	*g;

	if ((g = props_find_grp(p, canon, len)) == NULL)
		return (-1);
	return ((long)g->last);
}

/* Value of the last entry with exactly this key. */
const char *
props_get(const struct props *p, const char *key)
{
	long	i;

	if ((i = props_find_exact(p, key, strlen(key))) == -1)
		return (NULL);
	return (p->ents[i].pub.value);
}

/* All entries matching key in the relaxed form. */
size_t
props_find_all(const struct props *p, const char *key,
    const struct prop_entry ***list)
{
	const struct props_grp	 *g;
	const struct prop_entry	**l = NULL;
	char			 *canon;
	size_t			  n = 0, clen;
	uint32_t		  i;

	canon = props_canon(key, strlen(key), &clen);
	if ((g = props_find_grp(p, canon, clen)) != NULL) {
		l = xreallocarray(NULL, g->n, sizeof *l);
		for (i = g->first; i != PROPS_NONE; i = p->ents[i].next)
			l[n++] = &p->ents[i].pub;
	}
	free(canon);
	*list = l;
	return (n);
}

/* Entries sharing entry i's relaxed key; *first: i is the first of them. */
size_t
props_same(const struct props *p, size_t i, bool *first)
{
	const struct props_grp	*g;

	if (i >= p->nents) {
		if (first != NULL)
			*first = false;
		return (0);
	}
	g = &p->grps[p->ents[i].grp];
	if (first != NULL)
		*first = g->first == i;
	return (g->n);
}

/* Is entry i the last (the winning) one of its relaxed key? */
bool
props_last(const struct props *p, size_t i)
{
	return (i < p->nents && p->grps[p->ents[i].grp].last == i);
}

/* Physical lines with bytes >= 0x80. */
size_t
props_nonascii_lines(const struct props *p, int **lines)
{
	int	*l = NULL;
	size_t	 i, j, end, n = 0, cap = 0;

	for (i = 0; i < p->nlines; i++) {
		end = i + 1 < p->nlines ? p->lines[i + 1] : p->len;
		for (j = p->lines[i]; j < end; j++) {
			if (p->buf[j] >= 0x80)
				break;
		}
		if (j == end)
			continue;
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			l = xreallocarray(l, cap, sizeof *l);
		}
		l[n++] = (int)i + 1;
	}
	*lines = l;
	return (n);
}

/* Is c an ASCII hex digit? */
static bool
props_xdigit(unsigned char c)
{
	return ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F'));
}

/* Does the written value hold a backslash Java eats before a letter? */
bool
props_eats_backslash(const struct prop_entry *pe)
{
	const struct props_ent	*e = (const struct props_ent *)pe;
	const unsigned char	*v = e->lb + e->valstart;
	size_t			 n = e->lblen - e->valstart, i, j;
	unsigned char		 c;

	for (i = 0; i + 1 < n; i++) {
		if (v[i] != '\\')
			continue;
		c = v[++i];
		if (c == 'u') {
			/* A \uxxxx escape is meant. */
			for (j = 1; j <= 4 && i + j < n; j++) {
				if (!props_xdigit(v[i + j]))
					break;
			}
			if (j == 5) {
				i += 4;
				continue;
			}
		}
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			return (true);
	}
	return (false);
}

/* ------------------------------------------------------------------ */
/* Editing */

/* Next code point of strict UTF-8 (no surrogates, no overlong forms). */
static long
props_utf8_next(const unsigned char **sp)
{
	const unsigned char	*s = *sp;
	uint32_t		 cp;
	size_t			 n, i;

	if (s[0] < 0x80) {
		*sp = s + 1;
		return (s[0]);
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		cp = s[0] & 0x1f;
		n = 1;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		cp = s[0] & 0x0f;
		n = 2;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		cp = s[0] & 0x07;
		n = 3;
	} else
		return (-1);
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (-1);	/* also stops at the NUL */
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return (-1);
	*sp = s + n + 1;
	return (cp);
}

/* Append one UTF-16 unit as \uXXXX. */
static void
props_escape_unit(struct pbuf *b, uint32_t u)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 t[6];

	t[0] = '\\';
	t[1] = 'u';
	t[2] = hex[(u >> 12) & 0xf];
	t[3] = hex[(u >> 8) & 0xf];
	t[4] = hex[(u >> 4) & 0xf];
	t[5] = hex[u & 0xf];
	pbuf_add(b, t, sizeof t);
}

/*
 * Write s escaped, ASCII only, so that Java reads back s exactly (as a key
 * when key is set).  Fails on invalid UTF-8.
 */
static int
props_escape(struct pbuf *b, const char *s, bool key)
{
	const unsigned char	*p = (const unsigned char *)s;
	bool			 first = true;
	long			 cp;
	char			 c;

	while (*p != '\0') {
		if ((cp = props_utf8_next(&p)) == -1)
			return (-1);
		switch (cp) {
		case ' ':
			pbuf_str(b, key || first ? "\\ " : " ");
			break;
		case '\t':
			pbuf_str(b, "\\t");
			break;
		case '\n':
			pbuf_str(b, "\\n");
			break;
		case '\r':
			pbuf_str(b, "\\r");
			break;
		case '\f':
			pbuf_str(b, "\\f");
			break;
		case '\\':
			pbuf_str(b, "\\\\");
			break;
		case '=':
		case ':':
		case '#':
		case '!':
			c = cp;
			if (key || (first && (c == '=' || c == ':')))
				pbuf_add(b, "\\", 1);
			pbuf_add(b, &c, 1);
			break;
		default:
			if (cp >= 0x20 && cp < 0x7f) {
				c = cp;
				pbuf_add(b, &c, 1);
			} else if (cp < 0x10000)
				props_escape_unit(b, cp);
			else {
				cp -= 0x10000;
				props_escape_unit(b, 0xd800 + (cp >> 10));
				props_escape_unit(b, 0xdc00 + (cp & 0x3ff));
			}
			break;
		}
		first = false;
	}
	return (0);
}

/* The dominant line end: CRLF, CR or LF (LF on ties or none). */
static const char *
props_eol(const struct props *p)
{
	size_t	i, lf = 0, crlf = 0, cr = 0;

	for (i = 0; i < p->len; i++) {
		if (p->buf[i] == '\n')
			lf++;
		else if (p->buf[i] == '\r') {
			if (i + 1 < p->len && p->buf[i + 1] == '\n') {
				crlf++;
				i++;
			} else
				cr++;
		}
	}
	if (crlf > lf && crlf >= cr)
		return ("\r\n");
	if (cr > lf && cr > crlf)
		return ("\r");
	return ("\n");
}

/* The line end a record finishes with ("" at the end of a file). */
static const char *
props_rec_term(const struct props *p, const struct props_rec *r)
{
	const unsigned char	*e = p->buf + r->off + r->len;

	if (r->len >= 2 && e[-2] == '\r' && e[-1] == '\n')
		return ("\r\n");
	if (r->len >= 1 && e[-1] == '\n')
		return ("\n");
	if (r->len >= 1 && e[-1] == '\r')
		return ("\r");
	return ("");
}

/* The entries as they are, for an edit to adjust. */
static struct props_kv *
props_kv_all(const struct props *p)
{
	struct props_kv	*kv;
	size_t		 i;

	kv = xreallocarray(NULL, p->nents + 1, sizeof *kv);
	for (i = 0; i < p->nents; i++) {
		kv[i].k = p->ents[i].pub.key;
		kv[i].kl = p->ents[i].pub.key_len;
		kv[i].v = p->ents[i].pub.value;
		kv[i].vl = p->ents[i].pub.value_len;
	}
	return (kv);
}

/*
 * Replace the document with nb (taken: nb->d is NULL after) if it parses to
 * exactly the entries in want; otherwise leave it alone and fail.  want
 * points into p's strings, which live in its arena: p's entries, records
 * and index are dropped before nb is parsed, so that an edit holds one
 * document's entries, not two; a refused edit builds them again from p's
 * bytes (the same parse).
 */
static int
props_commit(struct props *p, struct pbuf *nb, const struct props_kv *want,
    size_t nwant, char **cause)
{
	struct props		*q, tmp;
	struct props_chunk	*arena;
	unsigned char		*d;
	char			*cause2 = NULL;
	size_t			 i;
	int			 rc = -1;

	if (nb->d == NULL)
		pbuf_add(nb, "", 0);
	d = nb->d;
	nb->d = NULL;
	arena = p->arena;
	p->arena = NULL;
	props_unbuild(p);
	if (props_parse_owned(d, nb->len, p->name, &q, &cause2) != 0) {
		cause_set(cause, "%s: edit refused, the result would not "
		    "load: %s", props_who(p), cause2);
		free(cause2);
		cause2 = NULL;
		goto out;
	}
	if (q->nents != nwant)
		goto bad;
	for (i = 0; i < nwant; i++) {
		if (q->ents[i].pub.key_len != want[i].kl ||
		    q->ents[i].pub.value_len != want[i].vl ||
		    memcmp(q->ents[i].pub.key, want[i].k, want[i].kl) != 0 ||
		    memcmp(q->ents[i].pub.value, want[i].v, want[i].vl) != 0)
			goto bad;
	}
	tmp = *p;
	*p = *q;
	free(p->name);		/* q's copy */
	p->name = tmp.name;
	free(tmp.buf);
	free(q);
	tmp.arena = arena;
	props_arena_free(&tmp);
	return (0);
bad:
	props_free(q);
	cause_set(cause, "%s: edit refused: it would change how other lines "
	    "read", props_who(p));
out:
	/* Back as it was: the same bytes parse the same way. */
	tmp.arena = arena;
	props_arena_free(&tmp);
	if (props_build(p, &cause2) != 0)
		fatalx("%s: cannot parse again: %s", props_who(p), cause2);
	return (rc);
}

/* Dotted elements two relaxed keys share at their start. */
static size_t
props_common(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	i, n = 0;

	for (i = 0; i < alen && i < blen && a[i] == b[i]; i++) {
		if (a[i] == '.')
			n++;
	}
	if ((i == alen || a[i] == '.') && (i == blen || b[i] == '.') &&
	    !(i == alen && i == blen && i == 0))
		n++;
	return (n);
}

/* Does a separator (as written) hold '=' or ':'? */
static bool
props_sep_ok(const unsigned char *s, size_t len)
{
	return (memchr(s, '=', len) != NULL || memchr(s, ':', len) != NULL);
}

/* Set the entry idx in want to key=value. */
static void
props_kv_set(struct props_kv *want, long idx, const char *key,
    const char *value)
{
	want[idx].k = key;
	want[idx].kl = strlen(key);
	want[idx].v = value;
	want[idx].vl = strlen(value);
}

/*
 * The new bytes when entry e is rewritten in place: its indentation, its key
 * as written (or ekey for another spelling), its separator, the escaped
 * value and its line end.
 */
static void
props_set_line(const struct props *p, const struct props_ent *e,
    const char *key, const struct pbuf *ekey, const struct pbuf *eval,
    struct pbuf *nb)
{
	const struct props_rec	*rec = &p->recs[e->rec];
	const unsigned char	*sep = e->lb + e->keylen;
	size_t			 n = e->valstart - e->keylen;

	pbuf_add(nb, p->buf, rec->off + e->indent);
	if (e->pub.key_len == strlen(key) &&
	    memcmp(e->pub.key, key, e->pub.key_len) == 0)
		pbuf_add(nb, e->lb, e->keylen);
	else
		pbuf_add(nb, ekey->d, ekey->len);
	/* A whitespace separator will not do after an empty key. */
	if (props_sep_ok(sep, n) || (n != 0 && *key != '\0'))
		pbuf_add(nb, sep, n);
	else if (eval->len != 0 || *key == '\0')
		pbuf_str(nb, "=");
	pbuf_add(nb, eval->d, eval->len);
	pbuf_str(nb, props_rec_term(p, rec));
	pbuf_add(nb, p->buf + rec->off + rec->len,
	    p->len - rec->off - rec->len);
}

/*
 * The new bytes when a line is inserted after the last key sharing the
 * longest dotted prefix with key (or at the end); *idx is set to the new
 * entry's index.
 */
static void
props_set_insert(const struct props *p, const char *canon, size_t clen,
    const struct pbuf *ekey, const struct pbuf *eval, struct pbuf *nb,
    long *idx)
{
	const struct props_ent	*e, *anchor = NULL;
	const struct props_rec	*rec;
	const char		*eol = props_eol(p), *term;
	size_t			 i, n, best = 0, at;

	for (i = 0; i < p->nents; i++) {
		n = props_common(canon, clen, p->ents[i].pub.canon,
		    p->ents[i].canon_len);
		if (n > 0 && n >= best) {
			best = n;
			anchor = &p->ents[i];
		}
	}
	if (anchor != NULL) {
		rec = &p->recs[anchor->rec];
		at = rec->off + rec->len;
		*idx = (long)(anchor - p->ents) + 1;
	} else {
		at = p->len;
		*idx = (long)p->nents;
	}
	pbuf_add(nb, p->buf, at);
	if (at == p->len && p->nrecs != 0) {
		/* After the last line: make sure it has ended. */
		rec = &p->recs[p->nrecs - 1];
		term = props_rec_term(p, rec);
		e = rec->ent == -1 ? NULL : &p->ents[rec->ent];
		if (e != NULL && e->eof_cont && e->lblen == 0) {
			/* A lone backslash at the end: key "", value "". */
			nb->len = rec->off;
			pbuf_str(nb, "=");
			pbuf_str(nb, *term != '\0' ? term : eol);
		} else {
			if (*term == '\0')
				pbuf_str(nb, eol);
			/* A blank line ends a continuation cut by EOF. */
			if (e != NULL && e->eof_cont)
				pbuf_str(nb, strcmp(term, "\r") == 0 ?
				    "\r" : eol);
		}
	}
	pbuf_add(nb, ekey->d, ekey->len);
	if (anchor != NULL && props_sep_ok(anchor->lb + anchor->keylen,
	    anchor->valstart - anchor->keylen))
		pbuf_add(nb, anchor->lb + anchor->keylen,
		    anchor->valstart - anchor->keylen);
	else
		pbuf_str(nb, "=");
	pbuf_add(nb, eval->d, eval->len);
	pbuf_str(nb, eol);
	pbuf_add(nb, p->buf + at, p->len - at);
}

/* Set key to value. */
int
props_set(struct props *p, const char *key, const char *value, char **cause)
{
	struct pbuf	 ekey = { NULL, 0, 0 }, eval = { NULL, 0, 0 };
	struct pbuf	 nb = { NULL, 0, 0 };
	struct props_kv	*want = NULL;
	char		*canon = NULL;
	size_t		 clen, nwant;
	long		 idx;
	int		 rc = -1;

	if (props_escape(&ekey, key, true) != 0) {
		cause_set(cause, "%s: key is not valid UTF-8", props_who(p));
		goto out;
	}
	if (props_escape(&eval, value, false) != 0) {
		cause_set(cause, "%s: value of %s is not valid UTF-8",
		    props_who(p), key);
		goto out;
	}
	pbuf_add(&ekey, "", 0);
	pbuf_add(&eval, "", 0);
	want = props_kv_all(p);
	nwant = p->nents;
	canon = props_canon(key, strlen(key), &clen);
	/* The new document at once: a file can be large. */
	pbuf_reserve(&nb, p->len + ekey.len + eval.len + 16);
	if ((idx = props_find_canon(p, canon, clen)) != -1)
		props_set_line(p, &p->ents[idx], key, &ekey, &eval, &nb);
	else {
		props_set_insert(p, canon, clen, &ekey, &eval, &nb, &idx);
		want = xreallocarray(want, nwant + 1, sizeof *want);
		memmove(want + idx + 1, want + idx,
		    (nwant - idx) * sizeof *want);
		nwant++;
	}
	props_kv_set(want, idx, key, value);
	rc = props_commit(p, &nb, want, nwant, cause);
out:
	free(canon);
	free(want);
	free(ekey.d);
	free(eval.d);
	free(nb.d);
	return (rc);
}

/* Write the document without the entries marked in drop (n of them). */
static int
props_drop_marked(struct props *p, const bool *drop, char **cause)
{
	struct pbuf		 nb = { NULL, 0, 0 };
	struct props_kv		*want;
	struct props_rec	*rec;
	size_t			 i, nwant = 0;
	int			 rc;

	want = props_kv_all(p);
	for (i = 0; i < p->nents; i++) {
		if (!drop[i])
			want[nwant++] = want[i];
	}
	pbuf_reserve(&nb, p->len);
	for (i = 0; i < p->nrecs; i++) {
		rec = &p->recs[i];
		if (rec->ent != -1 && drop[rec->ent])
			continue;
		pbuf_add(&nb, p->buf + rec->off, rec->len);
	}
	rc = props_commit(p, &nb, want, nwant, cause);
	free(nb.d);
	free(want);
	return (rc);
}

/* Drop entries matching key (all, or all but the last). */
static int
props_drop(struct props *p, const char *key, bool keep_last, size_t *removed,
    char **cause)
{
	const struct props_grp	*g;
	char			*canon;
	bool			*drop;
	size_t			 clen, n = 0;
	uint32_t		 i;
	int			 rc;

	if (removed != NULL)
		*removed = 0;
	canon = props_canon(key, strlen(key), &clen);
	g = props_find_grp(p, canon, clen);
	free(canon);
	if (g == NULL || (keep_last && g->n == 1))
		return (0);
	drop = xcalloc(p->nents + 1, sizeof *drop);
	for (i = g->first; i != PROPS_NONE; i = p->ents[i].next) {
		if (keep_last && i == g->last)
			continue;
		drop[i] = true;
		n++;
	}
	rc = props_drop_marked(p, drop, cause);
	if (rc == 0 && removed != NULL)
		*removed = n;
	free(drop);
	return (rc);
}

/* Leave the last entry of every relaxed key (not empty, no NUL): one
 * rewrite of the document, however many keys repeat. */
int
props_dedup_all(struct props *p, bool (*eligible)(const struct prop_entry *),
    size_t *removed, char **cause)
{
	const struct props_ent	*e;
	bool			*drop;
	size_t			 i, n = 0;
	int			 rc = 0;

	if (removed != NULL)
		*removed = 0;
	drop = xcalloc(p->nents + 1, sizeof *drop);
	for (i = 0; i < p->nents; i++) {
		e = &p->ents[i];
		if (e->canon_len == 0 ||
		    memchr(e->pub.canon, '\0', e->canon_len) != NULL ||
		    p->grps[e->grp].last == i ||
		    (eligible != NULL && !eligible(&e->pub)))
			continue;
		drop[i] = true;
		n++;
	}
	if (n != 0)
		rc = props_drop_marked(p, drop, cause);
	if (rc == 0 && removed != NULL)
		*removed = n;
	free(drop);
	return (rc);
}

/* Remove every entry matching key. */
int
props_unset(struct props *p, const char *key, size_t *removed, char **cause)
{
	return (props_drop(p, key, false, removed, cause));
}

/* Remove all but the last entry matching key. */
int
props_dedup(struct props *p, const char *key, size_t *removed, char **cause)
{
	return (props_drop(p, key, true, removed, cause));
}

/* ------------------------------------------------------------------ */
/* Placeholders (Spring Framework 6.2 PlaceholderParser semantics) */

/* Index of the '}' closing the placeholder opened at s[j], or SIZE_MAX. */
static size_t
props_res_end(const char *s, size_t len, size_t j)
{
	size_t	i, nest = 0;

	for (i = j + 2; i < len; i++) {
		if (s[i] == '}') {
			if (nest == 0)
				return (i);
			nest--;
		} else if (s[i] == '{')
			nest++;
	}
	return (SIZE_MAX);
}

/* Environment value for name: NAME, then Spring's environment forms. */
static const char *
props_res_env(const char *name)
{
	const char	*v;
	char		*s, *t;
	size_t		 i, j;
	int		 form;

	if (*name == '\0' || strchr(name, '=') != NULL)
		return (NULL);
	if ((v = getenv(name)) != NULL)
		return (v);
	s = xstrdup(name);
	for (form = 0; form < 2 && v == NULL; form++) {
		t = s;
		for (i = j = 0; name[i] != '\0'; i++) {
			if (name[i] == '-' && form == 0)
				continue;
			if (name[i] == '.' || name[i] == '-')
				t[j++] = '_';
			else if (name[i] >= 'a' && name[i] <= 'z')
				t[j++] = name[i] - 'a' + 'A';
			else
				t[j++] = name[i];
		}
		t[j] = '\0';
		if (strcmp(t, name) != 0 && *t != '\0')
			v = getenv(t);
	}
	free(s);
	return (v);
}

/* Fail with the chain of lookups that lead back to name. */
static void
props_res_cycle(struct props_res *r, const char *name)
{
	struct pbuf	b = { NULL, 0, 0 };
	size_t		i;

	for (i = 0; i < r->depth; i++) {
		if (strcmp(r->stack[i], name) == 0)
			break;
	}
	for (; i < r->depth; i++) {
		pbuf_str(&b, r->stack[i]);
		pbuf_str(&b, " -> ");
	}
	pbuf_str(&b, name);
	cause_set(r->cause, "%s: circular placeholder reference: %s",
	    props_who(r->p), b.d);
	free(b.d);
}

/*
 * Look name up and append its resolved value: 1 if found, 0 if not, -1 on
 * an error.
 */
static int
props_res_lookup(struct props_res *r, const char *name, size_t nlen,
    struct pbuf *out)
{
	const struct props	*p = r->p;
	const char		*v = NULL;
	char			*s, *canon;
	size_t			 vlen = 0, clen, i;
	long			 idx;
	int			 rc;

	if (++r->steps > PROPS_RES_MAXSTEPS) {
		cause_set(r->cause, "%s: placeholder expansion too large",
		    props_who(p));
		return (-1);
	}
	if (memchr(name, '\0', nlen) != NULL)
		return (0);
	s = xstrndup(name, nlen);
	if (~r->flags & PROPS_RES_NOENV) {
		if ((v = props_res_env(s)) != NULL)
			vlen = strlen(v);
	}
	if (v == NULL && r->fn != NULL)
		v = r->fn(r->arg, s, &vlen);
	else if (v == NULL) {
		idx = props_find_exact(p, s, nlen);
		if (idx == -1) {
			canon = props_canon(s, nlen, &clen);
			idx = props_find_canon(p, canon, clen);
			free(canon);
		}
		if (idx != -1) {
			v = p->ents[idx].pub.value;
			vlen = p->ents[idx].pub.value_len;
		}
	}
	if (v == NULL) {
		free(s);
		return (0);
	}
	r->work += vlen;
	if (r->work > PROPS_RES_MAXWORK) {
		cause_set(r->cause, "%s: placeholder expansion too large",
		    props_who(p));
		free(s);
		return (-1);
	}
	for (i = 0; i < r->depth; i++) {
		if (strcmp(r->stack[i], s) == 0) {
			props_res_cycle(r, s);
			free(s);
			return (-1);
		}
	}
	if (r->depth == PROPS_RES_DEPTH) {
		cause_set(r->cause, "%s: placeholders nested too deeply at "
		    "%s", props_who(p), s);
		free(s);
		return (-1);
	}
	r->stack[r->depth++] = s;
	rc = props_res_text(r, v, vlen, out);
	free(r->stack[--r->depth]);
	return (rc == 0 ? 1 : -1);
}

/* Resolve the placeholder whose text (between ${ and }) is c[0, clen). */
static int
props_res_one(struct props_res *r, const char *c, size_t clen,
    struct pbuf *out)
{
	struct pbuf	kb = { NULL, 0, 0 };
	size_t		i, sep = SIZE_MAX, end;
	bool		nested = false;
	int		found = 0;

	/* The default starts after the first ':' outside nested ${...}. */
	for (i = 0; i < clen; i++) {
		if (c[i] == '$' && i + 1 < clen && c[i + 1] == '{' &&
		    (end = props_res_end(c, clen, i)) != SIZE_MAX) {
			nested = true;
			i = end;
		} else if (c[i] == ':') {
			sep = i;
			break;
		}
	}
	for (; i < clen && !nested; i++) {
		if (c[i] == '$' && i + 1 < clen && c[i + 1] == '{')
			nested = true;
	}
	/* Spring 6.2 tries the whole text "a:b" as a key first. */
	if (sep != SIZE_MAX && !nested)
		found = props_res_lookup(r, c, clen, out);
	if (found == 0) {
		if (props_res_text(r, c, sep == SIZE_MAX ? clen : sep,
		    &kb) != 0)
			found = -1;
		else {
			if (kb.d == NULL)
				pbuf_add(&kb, "", 0);
			found = props_res_lookup(r, (char *)kb.d, kb.len,
			    out);
		}
	}
	free(kb.d);
	if (found != 0)
		return (found == 1 ? 0 : -1);
	if (sep != SIZE_MAX)
		return (props_res_text(r, c + sep + 1, clen - sep - 1, out));
	r->unresolved = true;
	pbuf_str(out, "${");
	pbuf_add(out, c, clen);
	pbuf_str(out, "}");
	return (0);
}

/* Resolve every placeholder in s[0, len) into out. */
static int
props_res_text(struct props_res *r, const char *s, size_t len,
    struct pbuf *out)
{
	const char	*q;
	size_t		 i = 0, j, end;
	int		 rc = -1;

	if (++r->nest > PROPS_RES_NEST) {
		cause_set(r->cause, "%s: placeholders nested too deeply",
		    props_who(r->p));
		goto out;
	}
	while (i < len) {
		for (q = s + i; (q = memchr(q, '$', s + len - q)) != NULL;
		    q++) {
			if (q + 1 < s + len && q[1] == '{')
				break;
		}
		if (q == NULL) {
			pbuf_add(out, s + i, len - i);
			break;
		}
		j = q - s;
		if ((end = props_res_end(s, len, j)) == SIZE_MAX) {
			/* Not a placeholder: keep "${" and go on. */
			pbuf_add(out, s + i, j + 2 - i);
			i = j + 2;
			continue;
		}
		pbuf_add(out, s + i, j - i);
		if (props_res_one(r, s + j + 2, end - j - 2, out) != 0)
			goto out;
		i = end + 1;
		if (out->len > PROPS_RES_MAXOUT) {
			cause_set(r->cause, "%s: placeholder expansion too "
			    "large", props_who(r->p));
			goto out;
		}
	}
	rc = 0;
out:
	r->nest--;
	return (rc);
}

/* Resolve the placeholders in value. */
int
props_resolve(const struct props *p, const char *value, int flags,
    char **out, bool *unresolved, char **cause)
{
	return (props_resolve_with(p, NULL, NULL, value, flags, out,
	    unresolved, cause));
}

int
props_resolve_with(const struct props *p, props_lookup_fn fn, void *arg,
    const char *value, int flags, char **out, bool *unresolved,
    char **cause)
{
	struct props_res	r;
	struct pbuf		b = { NULL, 0, 0 };

	*out = NULL;
	if (unresolved != NULL)
		*unresolved = false;
	memset(&r, 0, sizeof r);
	r.p = p;
	r.fn = fn;
	r.arg = arg;
	r.flags = flags;
	r.cause = cause;
	if (props_res_text(&r, value, strlen(value), &b) != 0) {
		while (r.depth > 0)
			free(r.stack[--r.depth]);
		free(b.d);
		return (-1);
	}
	*out = pbuf_take(&b, NULL);
	if (unresolved != NULL)
		*unresolved = r.unresolved;
	return (0);
}

/* SPDX-License-Identifier: ISC */
/*
 * der.c -- a small bounds-checked DER walker and der_cert_walk(), which
 * fills struct cert_info straight from a certificate's bytes (no OpenSSL
 * decoding: listing a large truststore must stay fast).
 *
 * Every length is checked against the end of its enclosing element;
 * indefinite lengths, lengths of more than four octets and high tag numbers
 * are refused.  Unknown or malformed contents of the extensions we read
 * (SAN, basicConstraints, SKI, AKI) are ignored, as OpenSSL's decoder does;
 * the certificate structure itself must be exact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* One decoded tag-length-value. */
struct der_tlv {
	unsigned		 tag;	/* identifier octet */
	const unsigned char	*hdr;	/* start of the element */
	const unsigned char	*p;	/* contents */
	size_t			 len;	/* contents length */
	size_t			 tot;	/* header and contents */
};

/* A reader over a span of bytes. */
struct der_rd {
	const unsigned char	*p;
	const unsigned char	*end;
};

/* Why der_next failed. */
enum der_err {
	DER_OK = 0,
	DER_E_TRUNC,		/* not enough bytes for the header */
	DER_E_TAG,		/* high tag number form */
	DER_E_INDEF,		/* indefinite length */
	DER_E_LENLEN,		/* more than four length octets */
	DER_E_PASTEND		/* contents run past the end */
};

/* The walker's state: the certificate base and the first error. */
struct der_walk {
	const unsigned char	*base;
	char			**cause;
	int			 failed;
	struct arena		*arena;	/* for the strings, or NULL */
};

/* A growable string. */
struct der_buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
	char	*stack;		/* caller's storage s starts in, or NULL */
};

/* tags */
#define DER_BOOLEAN	0x01
#define DER_INTEGER	0x02
#define DER_BITSTRING	0x03
#define DER_OCTETSTRING	0x04
#define DER_NULL	0x05
#define DER_OID		0x06
#define DER_UTF8	0x0c
#define DER_NUMERIC	0x12
#define DER_PRINTABLE	0x13
#define DER_T61		0x14
#define DER_IA5		0x16
#define DER_UTCTIME	0x17
#define DER_GENTIME	0x18
#define DER_VISIBLE	0x1a
#define DER_UNIVERSAL	0x1c
#define DER_BMP		0x1e
#define DER_SEQUENCE	0x30
#define DER_SET		0x31

/* An OID's contents octets and a name. */
struct der_oid_name {
	const char	*oid;
	size_t		 len;
	const char	*name;
};
#define OIDN(o, n)	{ o, sizeof o - 1, n }

/* Attribute types of names (keytool's short names). */
static const struct der_oid_name der_attr_names[] = {
	OIDN("\x55\x04\x03", "CN"),
	OIDN("\x55\x04\x0b", "OU"),
	OIDN("\x55\x04\x0a", "O"),
	OIDN("\x55\x04\x07", "L"),
	OIDN("\x55\x04\x08", "ST"),
	OIDN("\x55\x04\x06", "C"),
	OIDN("\x55\x04\x09", "STREET"),
	OIDN("\x55\x04\x05", "SERIALNUMBER"),
	OIDN("\x55\x04\x0c", "T"),
	OIDN("\x55\x04\x04", "SURNAME"),
	OIDN("\x55\x04\x2a", "GIVENNAME"),
	OIDN("\x55\x04\x2b", "INITIALS"),
	OIDN("\x55\x04\x2c", "GENERATION"),
	OIDN("\x55\x04\x2e", "DNQUALIFIER"),
	OIDN("\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x19", "DC"),
	OIDN("\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x01", "UID"),
	OIDN("\x2a\x86\x48\x86\xf7\x0d\x01\x09\x01", "EMAILADDRESS"),
};

/* Signature algorithms, named as Java names them. */
#define SIG_WEAK	1
static const struct der_sig_alg {
	const char	*oid;
	size_t		 len;
	const char	*name;
	int		 flags;
} der_sig_algs[] = {
#define SIGA(o, n, f)	{ o, sizeof o - 1, n, f }
	SIGA("\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b", "SHA256withRSA", 0),
	SIGA("\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0c", "SHA384withRSA", 0),
	SIGA("\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0d", "SHA512withRSA", 0),
	SIGA("\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0e", "SHA224withRSA", 0),
	SIGA("\x2a\x86\x48\x86\xf7\x0d\x01\x01\x05", "SHA1withRSA", SIG_WEAK),
	SIGA("\x2a\x86\x48\x86\xf7\x0d\x01\x01\x04", "MD5withRSA", SIG_WEAK),
	SIGA("\x2a\x86\x48\x86\xf7\x0d\x01\x01\x02", "MD2withRSA", SIG_WEAK),
	SIGA("\x2b\x0e\x03\x02\x1d", "SHA1withRSA", SIG_WEAK),
	SIGA("\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0a", "RSASSA-PSS", 0),
	SIGA("\x2a\x86\x48\xce\x3d\x04\x03\x02", "SHA256withECDSA", 0),
	SIGA("\x2a\x86\x48\xce\x3d\x04\x03\x03", "SHA384withECDSA", 0),
	SIGA("\x2a\x86\x48\xce\x3d\x04\x03\x04", "SHA512withECDSA", 0),
	SIGA("\x2a\x86\x48\xce\x3d\x04\x03\x01", "SHA224withECDSA", 0),
	SIGA("\x2a\x86\x48\xce\x3d\x04\x01", "SHA1withECDSA", SIG_WEAK),
	SIGA("\x2b\x65\x70", "Ed25519", 0),
	SIGA("\x2b\x65\x71", "Ed448", 0),
	SIGA("\x60\x86\x48\x01\x65\x03\x04\x03\x02", "SHA256withDSA", 0),
	SIGA("\x60\x86\x48\x01\x65\x03\x04\x03\x01", "SHA224withDSA", 0),
	SIGA("\x2a\x86\x48\xce\x38\x04\x03", "SHA1withDSA", SIG_WEAK),
#undef SIGA
};

#define OID_RSA		"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01"
#define OID_RSAPSS	"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0a"
#define OID_EC		"\x2a\x86\x48\xce\x3d\x02\x01"
#define OID_DSA		"\x2a\x86\x48\xce\x38\x04\x01"
#define OID_SHA1	"\x2b\x0e\x03\x02\x1a"

/* Named curves. */
static const struct der_curve {
	const char	*oid;
	size_t		 len;
	const char	*name;
	int		 bits;
} der_curves[] = {
#define CURVE(o, n, b)	{ o, sizeof o - 1, n, b }
	CURVE("\x2a\x86\x48\xce\x3d\x03\x01\x07", "P-256", 256),
	CURVE("\x2b\x81\x04\x00\x22", "P-384", 384),
	CURVE("\x2b\x81\x04\x00\x23", "P-521", 521),
	CURVE("\x2b\x81\x04\x00\x0a", "secp256k1", 256),
#undef CURVE
};

/* Public key algorithms with a fixed size. */
static const struct der_curve der_fixed_keys[] = {
	{ "\x2b\x65\x70", 3, "Ed25519", 255 },
	{ "\x2b\x65\x71", 3, "Ed448", 448 },
	{ "\x2b\x65\x6e", 3, "X25519", 255 },
	{ "\x2b\x65\x6f", 3, "X448", 448 },
};

/* Extensions we read. */
#define OID_EXT_SKI	"\x55\x1d\x0e"
#define OID_EXT_SAN	"\x55\x1d\x11"
#define OID_EXT_BC	"\x55\x1d\x13"
#define OID_EXT_AKI	"\x55\x1d\x23"

/* Read one element at r->p; advance past it. */
static enum der_err
der_next(struct der_rd *r, struct der_tlv *t)
{
	const unsigned char	*p = r->p;
	size_t			 avail, hl, n, i, len;

	avail = (size_t)(r->end - p);
	if (avail < 2)
		return (DER_E_TRUNC);
	if ((p[0] & 0x1f) == 0x1f)
		return (DER_E_TAG);
	if (p[1] < 0x80) {
		len = p[1];
		hl = 2;
	} else {
		n = p[1] & 0x7f;
		if (n == 0)
			return (DER_E_INDEF);
		if (n > 4)
			return (DER_E_LENLEN);
		if (avail < 2 + n)
			return (DER_E_TRUNC);
		len = 0;
		for (i = 0; i < n; i++)
			len = (len << 8) | p[2 + i];
		hl = 2 + n;
	}
	if (len > avail - hl)
		return (DER_E_PASTEND);
	t->tag = p[0];
	t->hdr = p;
	t->p = p + hl;
	t->len = len;
	t->tot = hl + len;
	r->p = p + hl + len;
	return (DER_OK);
}

/* Set up a reader over the contents of t. */
static void
der_rd_init(struct der_rd *r, const struct der_tlv *t)
{
	r->p = t->p;
	r->end = t->p + t->len;
}

/* Is the reader at its end? */
static int
der_rd_done(const struct der_rd *r)
{
	return (r->p >= r->end);
}

/* The tag at the reader, or -1 at the end. */
static int
der_peek(const struct der_rd *r)
{
	if (r->p >= r->end)
		return (-1);
	return (r->p[0]);
}

/* Lenient read of an element with tag (0 when absent or malformed). */
static int
der_get(struct der_rd *r, unsigned tag, struct der_tlv *t)
{
	struct der_rd	save = *r;

	if (der_next(r, t) != DER_OK || t->tag != tag) {
		*r = save;
		return (-1);
	}
	return (0);
}

/* Record the first failure as "malformed certificate: ..." */
static int
der_fail(struct der_walk *w, const unsigned char *at, const char *what,
    const char *why)
{
	if (!w->failed)
		cause_set(w->cause, "malformed certificate: %s %s (offset %zu)",
		    what, why, (size_t)(at - w->base));
	w->failed = 1;
	return (-1);
}

/* Strict read of an element with tag; fails the walk with what. */
static int
der_expect(struct der_walk *w, struct der_rd *r, unsigned tag,
    struct der_tlv *t, const char *what)
{
	static const char	*why[] = {
		[DER_OK] = "",
		[DER_E_TRUNC] = "is truncated",
		[DER_E_TAG] = "has an unsupported tag",
		[DER_E_INDEF] = "has an indefinite length (not DER)",
		[DER_E_LENLEN] = "has an oversized length field",
		[DER_E_PASTEND] = "has a length past the end of the data",
	};
	enum der_err		 e;
	const unsigned char	*at = r->p;

	if (r->p >= r->end)
		return (der_fail(w, at, what, "is missing"));
	if ((e = der_next(r, t)) != DER_OK)
		return (der_fail(w, at, what, why[e]));
	if (t->tag != tag) {
		r->p = at;
		return (der_fail(w, at, what, "has the wrong type"));
	}
	return (0);
}

/* Make room for len more bytes and a NUL. */
static void
der_buf_reserve(struct der_buf *b, size_t len)
{
	char	*o;

	if (b->len + len + 1 > b->cap) {
		while (b->len + len + 1 > b->cap)
			b->cap = b->cap == 0 ? 128 : b->cap * 2;
		if (b->s != NULL && b->s == b->stack) {
			o = xmalloc(b->cap);
			memcpy(o, b->s, b->len + 1);
			b->s = o;
		} else
			b->s = xreallocarray(b->s, b->cap, 1);
	}
}

/* Append len bytes. */
static void
der_buf_add(struct der_buf *b, const char *s, size_t len)
{
	der_buf_reserve(b, len);
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

/* Append a NUL-terminated string. */
static void
der_buf_str(struct der_buf *b, const char *s)
{
	der_buf_add(b, s, strlen(s));
}

/* Append one character. */
static void
der_buf_ch(struct der_buf *b, char c)
{
	der_buf_add(b, &c, 1);
}

/* Append bytes as hex (lower-case, no separators). */
static void
der_buf_hex(struct der_buf *b, const unsigned char *p, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;
	char			 two[2];

	for (i = 0; i < len; i++) {
		two[0] = hex[p[i] >> 4];
		two[1] = hex[p[i] & 15];
		der_buf_add(b, two, 2);
	}
}

/* Take the string out of the buffer (never NULL), into arena a if any. */
static char *
der_buf_take(struct der_buf *b, struct arena *a)
{
	char	*s;

	if (a != NULL) {
		s = arena_strndup(a, b->s != NULL ? b->s : "", b->len);
		if (b->s != b->stack)
			free(b->s);
	} else if (b->s == NULL)
		s = xstrdup("");
	else if (b->s == b->stack)
		s = xstrndup(b->s, b->len);
	else
		s = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return (s);
}

/* Append an OID in dotted form; -1 if malformed (nothing appended). */
static int
der_buf_oid(struct der_buf *b, const unsigned char *p, size_t len)
{
	char		 tmp[32];
	uint64_t	 arc = 0;
	size_t		 i, start = b->len;
	int		 first = 1, n;

	if (len == 0 || (p[len - 1] & 0x80))
		return (-1);
	for (i = 0; i < len; i++) {
		if (arc == 0 && p[i] == 0x80)
			goto bad;	/* non-minimal */
		if (arc > (UINT64_MAX >> 7))
			goto bad;
		arc = (arc << 7) | (p[i] & 0x7f);
		if (p[i] & 0x80)
			continue;
		if (first) {
			if (arc < 80)
				n = snprintf(tmp, sizeof tmp, "%u.%u",
				    (unsigned)(arc / 40), (unsigned)(arc % 40));
			else
				n = snprintf(tmp, sizeof tmp, "2.%llu",
				    (unsigned long long)(arc - 80));
			first = 0;
		} else
			n = snprintf(tmp, sizeof tmp, ".%llu",
			    (unsigned long long)arc);
		der_buf_add(b, tmp, (size_t)n);
		arc = 0;
	}
	return (0);
bad:
	b->len = start;
	if (b->s != NULL)
		b->s[start] = '\0';
	return (-1);
}

/* Look an OID up in a name table. */
static const char *
der_oid_lookup(const struct der_oid_name *t, size_t n,
    const unsigned char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (t[i].len == len && memcmp(t[i].oid, p, len) == 0)
			return (t[i].name);
	}
	return (NULL);
}

/* Does the OID in t equal the len bytes oid? */
static int
der_oid_is(const struct der_tlv *t, const char *oid, size_t len)
{
	return (t->tag == DER_OID && t->len == len &&
	    memcmp(t->p, oid, len) == 0);
}
#define DER_OID_IS(t, o)	der_oid_is(t, o, sizeof o - 1)

/* Write code point c as UTF-8 at o (room reserved); returns the length. */
static size_t
der_put_utf8(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return (1);
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3f));
		return (2);
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return (3);
	}
	o[0] = (char)(0xf0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return (4);
}

/*
 * Decode the next code point of a string of ASN.1 type tag at *i; invalid
 * sequences give U+FFFD.
 */
static uint32_t
der_str_next(unsigned tag, const unsigned char *p, size_t len, size_t *i)
{
	uint32_t	c, lo;
	size_t		n, k;

	switch (tag) {
	case DER_BMP:
		if (len - *i < 2) {
			*i = len;
			return (0xfffd);
		}
		c = ((uint32_t)p[*i] << 8) | p[*i + 1];
		*i += 2;
		if (c >= 0xd800 && c < 0xdc00 && len - *i >= 2) {
			lo = ((uint32_t)p[*i] << 8) | p[*i + 1];
			if (lo >= 0xdc00 && lo < 0xe000) {
				*i += 2;
				return (0x10000 + ((c - 0xd800) << 10) +
				    (lo - 0xdc00));
			}
		}
		if (c >= 0xd800 && c < 0xe000)
			return (0xfffd);
		return (c);
	case DER_UNIVERSAL:
		if (len - *i < 4) {
			*i = len;
			return (0xfffd);
		}
		c = ((uint32_t)p[*i] << 24) | ((uint32_t)p[*i + 1] << 16) |
		    ((uint32_t)p[*i + 2] << 8) | p[*i + 3];
		*i += 4;
		if (c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
			return (0xfffd);
		return (c);
	case DER_UTF8:
		c = p[(*i)++];
		if (c < 0x80)
			return (c);
		if (c >= 0xc2 && c < 0xe0)
			n = 1;
		else if (c >= 0xe0 && c < 0xf0)
			n = 2;
		else if (c >= 0xf0 && c < 0xf5)
			n = 3;
		else
			return (0xfffd);
		if (len - *i < n)
			return (0xfffd);
		c &= 0x3f >> n;
		for (k = 0; k < n; k++) {
			if ((p[*i + k] & 0xc0) != 0x80)
				return (0xfffd);
			c = (c << 6) | (p[*i + k] & 0x3f);
		}
		*i += n;
		if ((n == 2 && c < 0x800) || (n == 3 && c < 0x10000) ||
		    c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
			return (0xfffd);
		return (c);
	default:
		/* PrintableString, IA5String, T61String (as Latin-1), ... */
		return (p[(*i)++]);
	}
}

/* Is tag a character string type we convert? */
static int
der_is_string(unsigned tag)
{
	switch (tag) {
	case DER_UTF8:
	case DER_NUMERIC:
	case DER_PRINTABLE:
	case DER_T61:
	case DER_IA5:
	case DER_VISIBLE:
	case DER_UNIVERSAL:
	case DER_BMP:
		return (1);
	}
	return (0);
}

/*
 * Append a string value converted to UTF-8.  With dn, escape as RFC 2253
 * does; control characters are always escaped as \XX so the result is safe
 * to show on a terminal.
 */
static void
der_buf_string(struct der_buf *b, unsigned tag, const unsigned char *p,
    size_t len, int dn)
{
	static const char	 hex[] = "0123456789ABCDEF";
	uint32_t		 c;
	size_t			 i = 0, last = (size_t)-1;
	int			 last_space = 0;
	char			*o;

	/* at most six bytes out per byte in ("\C2\85"), and a "\ " */
	der_buf_reserve(b, len * 6 + 2);
	o = b->s + b->len;
	while (i < len) {
		if (tag != DER_BMP && tag != DER_UNIVERSAL && p[i] >= 0x20 &&
		    p[i] < 0x7f && p[i] != ',' && p[i] != '+' && p[i] != '"' &&
		    p[i] != '\\' && p[i] != '<' && p[i] != '>' && p[i] != ';' &&
		    (i > 0 || (p[i] != '#' && p[i] != ' '))) {
			/* plain ASCII, the common case */
			last = (size_t)(o - b->s);
			last_space = p[i] == ' ';
			*o++ = (char)p[i++];
			continue;
		}
		c = der_str_next(tag, p, len, &i);
		last_space = 0;
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
			*o++ = '\\';
			if (c >= 0x80) {
				/* a C1 control: its two UTF-8 bytes */
				*o++ = 'C';
				*o++ = '2';
				*o++ = '\\';
			}
			*o++ = hex[(c >> 4) & 15];
			*o++ = hex[c & 15];
		} else if (dn && (c == ',' || c == '+' || c == '"' ||
		    c == '\\' || c == '<' || c == '>' || c == ';' ||
		    (o == b->s + b->len && (c == '#' || c == ' ')))) {
			*o++ = '\\';
			*o++ = (char)c;
		} else {
			last = (size_t)(o - b->s);
			last_space = (c == ' ');
			o += der_put_utf8(o, c);
		}
	}
	if (dn && last_space && last != (size_t)-1) {
		/* a trailing space is escaped */
		o = b->s + last;
		*o++ = '\\';
		*o++ = ' ';
	}
	b->len = (size_t)(o - b->s);
	b->s[b->len] = '\0';
}

/* Append an AttributeTypeAndValue "CN=value"; -1 if malformed. */
static int
der_name_ava(struct der_buf *b, const struct der_tlv *ava)
{
	struct der_rd	 r;
	struct der_tlv	 oid, val;
	const char	*name;

	der_rd_init(&r, ava);
	if (der_get(&r, DER_OID, &oid) != 0 || der_next(&r, &val) != DER_OK ||
	    !der_rd_done(&r))
		return (-1);
	name = der_oid_lookup(der_attr_names,
	    sizeof der_attr_names / sizeof der_attr_names[0], oid.p, oid.len);
	if (name != NULL)
		der_buf_str(b, name);
	else if (der_buf_oid(b, oid.p, oid.len) != 0)
		return (-1);
	der_buf_ch(b, '=');
	if (der_is_string(val.tag))
		der_buf_string(b, val.tag, val.p, val.len, 1);
	else {
		der_buf_ch(b, '#');
		der_buf_hex(b, val.hdr, val.tot);
	}
	return (0);
}

/*
 * Convert a Name to keytool's string: RDNs most specific first, joined by
 * ", "; the values of a multi-valued RDN joined by " + ".
 */
static int
der_name_string(const struct der_tlv *name, char **out, struct arena *a)
{
	struct der_tlv	 stack[16], *rdns = stack, rdn, ava;
	struct der_rd	 r, rr;
	struct der_buf	 b;
	char		 area[512];	/* most names fit: one exact malloc */
	size_t		 n = 0, cap = 16, i;
	int		 rc = -1, first;

	*out = NULL;
	area[0] = '\0';
	b.s = b.stack = area;
	b.len = 0;
	b.cap = sizeof area;
	der_rd_init(&r, name);
	while (!der_rd_done(&r)) {
		if (der_next(&r, &rdn) != DER_OK || rdn.tag != DER_SET ||
		    rdn.len == 0)
			goto out;
		if (n == cap) {
			cap *= 2;
			if (rdns == stack) {
				rdns = xreallocarray(NULL, cap, sizeof *rdns);
				memcpy(rdns, stack, sizeof stack);
			} else
				rdns = xreallocarray(rdns, cap, sizeof *rdns);
		}
		rdns[n++] = rdn;
	}
	for (i = n; i > 0; i--) {
		if (i != n)
			der_buf_add(&b, ", ", 2);
		der_rd_init(&rr, &rdns[i - 1]);
		first = 1;
		while (!der_rd_done(&rr)) {
			if (der_next(&rr, &ava) != DER_OK ||
			    ava.tag != DER_SEQUENCE)
				goto out;
			if (!first)
				der_buf_add(&b, " + ", 3);
			if (der_name_ava(&b, &ava) != 0)
				goto out;
			first = 0;
		}
	}
	*out = der_buf_take(&b, a);
	rc = 0;
out:
	if (b.s != b.stack)
		free(b.s);
	if (rdns != stack)
		free(rdns);
	return (rc);
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
der_days_from_civil(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	if (m <= 2)
		y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

/* Parse n decimal digits; -1 if any is not a digit. */
static int
der_digits(const unsigned char *p, size_t n)
{
	size_t	i;
	int	v = 0;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return (-1);
		v = v * 10 + (p[i] - '0');
	}
	return (v);
}

/* UTCTime or GeneralizedTime to seconds since the epoch. */
static int
der_time(const struct der_tlv *t, int64_t *out)
{
	static const int	 mdays[] = {
	    31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const unsigned char	*p = t->p;
	size_t			 len = t->len, yl, i;
	int			 y, mo, d, h, mi, s = 0, leap;

	if (t->tag == DER_UTCTIME)
		yl = 2;
	else if (t->tag == DER_GENTIME)
		yl = 4;
	else
		return (-1);
	/* YY[YY]MMDDHHMM[SS][.fff]Z */
	if (len < yl + 9 || p[len - 1] != 'Z')
		return (-1);
	if ((y = der_digits(p, yl)) < 0)
		return (-1);
	if (yl == 2)
		y += y >= 50 ? 1900 : 2000;
	p += yl;
	len -= yl + 1;		/* the rest, without the Z */
	if ((mo = der_digits(p, 2)) < 0 || (d = der_digits(p + 2, 2)) < 0 ||
	    (h = der_digits(p + 4, 2)) < 0 || (mi = der_digits(p + 6, 2)) < 0)
		return (-1);
	if (len >= 10) {
		if ((s = der_digits(p + 8, 2)) < 0)
			return (-1);
		if (len > 10) {
			/* fractional seconds, GeneralizedTime only */
			if (yl != 4 || p[10] != '.' || len == 11)
				return (-1);
			for (i = 11; i < len; i++)
				if (p[i] < '0' || p[i] > '9')
					return (-1);
		}
	} else if (len != 8)
		return (-1);
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || s > 60)
		return (-1);
	*out = der_days_from_civil(y, mo, d) * SECS_PER_DAY + h * 3600 +
	    mi * 60 + s;
	return (0);
}

/* Serial number as lower-case hex without leading zeros ("-" if negative). */
static int
der_serial(const struct der_tlv *t, char **out, struct arena *a)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		*mag = NULL;
	const unsigned char	*p = t->p;
	struct der_buf		 b;
	size_t			 len = t->len, i;
	int			 carry, started = 0;
	char			 c, area[128];	/* one exact malloc */

	if (len == 0)
		return (-1);
	area[0] = '\0';
	b.s = b.stack = area;
	b.len = 0;
	b.cap = sizeof area;
	if (p[0] & 0x80) {
		/* two's complement: negate into a magnitude */
		mag = xmalloc(len);
		carry = 1;
		for (i = len; i > 0; i--) {
			carry += (unsigned char)~p[i - 1];
			mag[i - 1] = (unsigned char)carry;
			carry >>= 8;
		}
		p = mag;
		der_buf_ch(&b, '-');
	}
	for (i = 0; i < len; i++) {
		c = hex[p[i] >> 4];
		if (started || c != '0') {
			der_buf_ch(&b, c);
			started = 1;
		}
		c = hex[p[i] & 15];
		if (started || c != '0') {
			der_buf_ch(&b, c);
			started = 1;
		}
	}
	if (!started)
		der_buf_ch(&b, '0');
	free(mag);
	*out = der_buf_take(&b, a);
	return (0);
}

/*
 * Copy s into dst of size n, truncated as snprintf "%s" would (dst[0] set
 * even when n is 1); with bits > 0, " bits" is appended.  The fixed key and
 * signature names take this path: snprintf was a sixth of walking a cert.
 */
static void
der_name_copy(char *dst, size_t n, const char *s, int bits)
{
	char	num[16];
	size_t	len = strlen(s), k = sizeof num;

	if (len >= n)
		len = n - 1;
	memcpy(dst, s, len);
	if (bits > 0) {
		num[--k] = '\0';
		do {
			num[--k] = (char)('0' + bits % 10);
			bits /= 10;
		} while (bits > 0 && k > 1);
		num[--k] = ' ';
		if (sizeof num - 1 - k > n - 1 - len)
			num[k + (n - 1 - len)] = '\0';
		memcpy(dst + len, num + k, strlen(num + k));
		len += strlen(num + k);
	}
	dst[len] = '\0';
}

/* Bit length of an unsigned big-endian INTEGER's contents. */
static int
der_int_bits(const struct der_tlv *t)
{
	const unsigned char	*p = t->p;
	size_t			 len = t->len;
	int			 bits;
	unsigned		 c;

	while (len > 0 && p[0] == 0) {
		p++;
		len--;
	}
	if (len == 0 || len > 65536)
		return (0);
	bits = (int)(len - 1) * 8;
	for (c = p[0]; c != 0; c >>= 1)
		bits++;
	return (bits);
}

/* Describe the SubjectPublicKeyInfo: "RSA 2048", "EC P-256", ... */
static void
der_key(const struct der_tlv *spki, struct cert_info *ci)
{
	struct der_rd	 r, ar, kr;
	struct der_tlv	 alg, oid, params, bits, seq, n;
	struct der_buf	 b = { NULL, 0, 0, NULL };
	size_t		 i;
	const char	*kind = NULL;

	der_name_copy(ci->key, sizeof ci->key, "unknown", 0);
	ci->key_bits = 0;
	der_rd_init(&r, spki);
	if (der_get(&r, DER_SEQUENCE, &alg) != 0 ||
	    der_get(&r, DER_BITSTRING, &bits) != 0)
		return;
	der_rd_init(&ar, &alg);
	if (der_get(&ar, DER_OID, &oid) != 0)
		return;
	params.len = 0;
	params.tag = 0;
	if (!der_rd_done(&ar) && der_next(&ar, &params) != DER_OK)
		params.tag = 0;
	/* the key bytes, after the unused-bits octet */
	if (bits.len > 0 && bits.p[0] == 0) {
		bits.p++;
		bits.len--;
	} else
		bits.len = 0;

	if (DER_OID_IS(&oid, OID_RSA) || DER_OID_IS(&oid, OID_RSAPSS)) {
		kind = DER_OID_IS(&oid, OID_RSA) ? "RSA" : "RSASSA-PSS";
		kr.p = bits.p;
		kr.end = bits.p + bits.len;
		if (der_get(&kr, DER_SEQUENCE, &seq) == 0) {
			der_rd_init(&kr, &seq);
			if (der_get(&kr, DER_INTEGER, &n) == 0)
				ci->key_bits = der_int_bits(&n);
		}
	} else if (DER_OID_IS(&oid, OID_DSA)) {
		kind = "DSA";
		if (params.tag == DER_SEQUENCE) {
			der_rd_init(&kr, &params);
			if (der_get(&kr, DER_INTEGER, &n) == 0)
				ci->key_bits = der_int_bits(&n);
		}
	} else if (DER_OID_IS(&oid, OID_EC)) {
		if (params.tag == DER_OID) {
			for (i = 0; i < sizeof der_curves /
			    sizeof der_curves[0]; i++) {
				if (der_curves[i].len == params.len &&
				    memcmp(der_curves[i].oid, params.p,
				    params.len) == 0) {
					snprintf(ci->key, sizeof ci->key,
					    "EC %s", der_curves[i].name);
					ci->key_bits = der_curves[i].bits;
					return;
				}
			}
			der_buf_str(&b, "EC ");
			if (der_buf_oid(&b, params.p, params.len) != 0)
				der_buf_str(&b, "?");
		} else
			der_buf_str(&b, "EC");
		/* size from an uncompressed point */
		if (bits.len > 1 && bits.p[0] == 0x04)
			ci->key_bits = (int)((bits.len - 1) / 2 * 8);
		snprintf(ci->key, sizeof ci->key, "%s", b.s);
		free(b.s);
		return;
	} else {
		for (i = 0; i < sizeof der_fixed_keys /
		    sizeof der_fixed_keys[0]; i++) {
			if (der_fixed_keys[i].len == oid.len &&
			    memcmp(der_fixed_keys[i].oid, oid.p, oid.len) ==
			    0) {
				der_name_copy(ci->key, sizeof ci->key,
				    der_fixed_keys[i].name, 0);
				ci->key_bits = der_fixed_keys[i].bits;
				return;
			}
		}
		if (der_buf_oid(&b, oid.p, oid.len) == 0)
			snprintf(ci->key, sizeof ci->key, "%s", b.s);
		free(b.s);
		return;
	}
	der_name_copy(ci->key, sizeof ci->key, kind, ci->key_bits);
}

/* Is an RSASSA-PSS parameter set hashing with SHA-1 (the default)? */
static int
der_pss_weak(const struct der_tlv *params)
{
	struct der_rd	 r, hr;
	struct der_tlv	 h, alg, oid;

	if (params->tag != DER_SEQUENCE)
		return (1);
	der_rd_init(&r, params);
	if (der_get(&r, 0xa0, &h) != 0)
		return (1);	/* default hashAlgorithm: SHA-1 */
	der_rd_init(&hr, &h);
	if (der_get(&hr, DER_SEQUENCE, &alg) != 0)
		return (0);
	der_rd_init(&hr, &alg);
	if (der_get(&hr, DER_OID, &oid) != 0)
		return (0);
	return (DER_OID_IS(&oid, OID_SHA1));
}

/* Name the signature algorithm. */
static void
der_sig(const struct der_tlv *alg, struct cert_info *ci)
{
	struct der_rd	 r;
	struct der_tlv	 oid, params;
	struct der_buf	 b = { NULL, 0, 0, NULL };
	size_t		 i;

	der_name_copy(ci->sig_alg, sizeof ci->sig_alg, "unknown", 0);
	der_rd_init(&r, alg);
	if (der_get(&r, DER_OID, &oid) != 0)
		return;
	for (i = 0; i < sizeof der_sig_algs / sizeof der_sig_algs[0]; i++) {
		if (der_sig_algs[i].len != oid.len ||
		    memcmp(der_sig_algs[i].oid, oid.p, oid.len) != 0)
			continue;
		der_name_copy(ci->sig_alg, sizeof ci->sig_alg,
		    der_sig_algs[i].name, 0);
		ci->weak_sig = (der_sig_algs[i].flags & SIG_WEAK) != 0;
		if (DER_OID_IS(&oid, OID_RSAPSS)) {
			params.tag = 0;
			if (!der_rd_done(&r) && der_next(&r, &params) !=
			    DER_OK)
				params.tag = 0;
			ci->weak_sig = der_pss_weak(&params);
		}
		return;
	}
	if (der_buf_oid(&b, oid.p, oid.len) == 0)
		snprintf(ci->sig_alg, sizeof ci->sig_alg, "%s", b.s);
	free(b.s);
}

/* Append an iPAddress in the form Java prints. */
static void
der_buf_ip(struct der_buf *b, const unsigned char *p, size_t len)
{
	char	tmp[48];
	size_t	i;

	if (len == 4) {
		snprintf(tmp, sizeof tmp, "%u.%u.%u.%u", p[0], p[1], p[2],
		    p[3]);
		der_buf_str(b, tmp);
	} else if (len == 16) {
		for (i = 0; i < 16; i += 2) {
			snprintf(tmp, sizeof tmp, "%s%x", i == 0 ? "" : ":",
			    (unsigned)((p[i] << 8) | p[i + 1]));
			der_buf_str(b, tmp);
		}
	} else
		der_buf_hex(b, p, len);
}

/* Add one SAN string. */
static void
der_san_add(struct cert_info *ci, char *s)
{
	ci->san = xreallocarray(ci->san, ci->nsan + 1, sizeof *ci->san);
	ci->san[ci->nsan++] = s;
}

/* subjectAltName: GeneralNames. */
static void
der_ext_san(const unsigned char *p, size_t len, struct cert_info *ci,
    struct arena *a)
{
	struct der_rd	 r = { p, p + len }, gr;
	struct der_tlv	 names, gn, in;
	struct der_buf	 b;
	char		*s, area[256];	/* one exact malloc per name */

	if (der_get(&r, DER_SEQUENCE, &names) != 0)
		return;
	der_rd_init(&r, &names);
	while (!der_rd_done(&r)) {
		if (der_next(&r, &gn) != DER_OK)
			break;
		area[0] = '\0';
		b.s = b.stack = area;
		b.len = 0;
		b.cap = sizeof area;
		switch (gn.tag) {
		case 0x81:
			der_buf_str(&b, "email:");
			der_buf_string(&b, DER_IA5, gn.p, gn.len, 0);
			break;
		case 0x82:
			der_buf_str(&b, "DNS:");
			der_buf_string(&b, DER_IA5, gn.p, gn.len, 0);
			break;
		case 0x86:
			der_buf_str(&b, "URI:");
			der_buf_string(&b, DER_IA5, gn.p, gn.len, 0);
			break;
		case 0x87:
			der_buf_str(&b, "IP:");
			der_buf_ip(&b, gn.p, gn.len);
			break;
		case 0x88:
			der_buf_str(&b, "RID:");
			if (der_buf_oid(&b, gn.p, gn.len) != 0)
				der_buf_str(&b, "?");
			break;
		case 0xa4:
			der_buf_str(&b, "DIRNAME:");
			der_rd_init(&gr, &gn);
			if (der_get(&gr, DER_SEQUENCE, &in) == 0 &&
			    der_name_string(&in, &s, NULL) == 0) {
				der_buf_str(&b, s);
				free(s);
			} else
				der_buf_str(&b, "?");
			break;
		case 0xa3:
			der_buf_str(&b, "X400");
			break;
		case 0xa5:
			der_buf_str(&b, "EDIPARTY");
			break;
		default:
			der_buf_str(&b, "OTHER");
			break;
		}
		der_san_add(ci, der_buf_take(&b, a));
	}
}

/* basicConstraints. */
static void
der_ext_bc(const unsigned char *p, size_t len, struct cert_info *ci)
{
	struct der_rd	 r = { p, p + len };
	struct der_tlv	 seq, t;
	int		 bits;
	size_t		 i;

	if (der_get(&r, DER_SEQUENCE, &seq) != 0)
		return;
	der_rd_init(&r, &seq);
	if (der_get(&r, DER_BOOLEAN, &t) == 0 && t.len == 1)
		ci->ca = t.p[0] != 0;
	if (der_get(&r, DER_INTEGER, &t) == 0 && t.len > 0 &&
	    !(t.p[0] & 0x80)) {
		bits = der_int_bits(&t);
		if (bits <= 30) {
			ci->pathlen = 0;
			for (i = 0; i < t.len; i++)
				ci->pathlen = (ci->pathlen << 8) | t.p[i];
		}
	}
}

/* subjectKeyIdentifier: an OCTET STRING. */
static void
der_ext_ski(const unsigned char *p, size_t len, struct cert_info *ci)
{
	struct der_rd	 r = { p, p + len };
	struct der_tlv	 t;

	if (der_get(&r, DER_OCTETSTRING, &t) == 0) {
		ci->ski.p = t.p;
		ci->ski.len = t.len;
	}
}

/* authorityKeyIdentifier: the [0] keyIdentifier. */
static void
der_ext_aki(const unsigned char *p, size_t len, struct cert_info *ci)
{
	struct der_rd	 r = { p, p + len };
	struct der_tlv	 seq, t;

	if (der_get(&r, DER_SEQUENCE, &seq) != 0)
		return;
	der_rd_init(&r, &seq);
	if (der_get(&r, 0x80, &t) == 0) {
		ci->aki.p = t.p;
		ci->aki.len = t.len;
	}
}

/* Extensions: SEQUENCE OF Extension. */
static int
der_exts(struct der_walk *w, const struct der_tlv *wrap,
    struct cert_info *ci)
{
	struct der_rd	 r;
	struct der_tlv	 seq, ext, oid, crit, val;
	int		 seen = 0;

	der_rd_init(&r, wrap);
	if (der_expect(w, &r, DER_SEQUENCE, &seq, "extensions") != 0)
		return (-1);
	if (!der_rd_done(&r))
		return (der_fail(w, r.p, "extensions", "have trailing data"));
	der_rd_init(&r, &seq);
	while (!der_rd_done(&r)) {
		struct der_rd	er;

		if (der_expect(w, &r, DER_SEQUENCE, &ext, "extension") != 0)
			return (-1);
		der_rd_init(&er, &ext);
		if (der_expect(w, &er, DER_OID, &oid, "extension id") != 0)
			return (-1);
		if (der_peek(&er) == DER_BOOLEAN &&
		    der_expect(w, &er, DER_BOOLEAN, &crit,
		    "extension critical flag") != 0)
			return (-1);
		if (der_expect(w, &er, DER_OCTETSTRING, &val,
		    "extension value") != 0)
			return (-1);
		if (!der_rd_done(&er))
			return (der_fail(w, er.p, "extension",
			    "has trailing data"));
		/* the first of duplicated extensions wins */
		if (DER_OID_IS(&oid, OID_EXT_SAN) && !(seen & 1)) {
			der_ext_san(val.p, val.len, ci, w->arena);
			seen |= 1;
		} else if (DER_OID_IS(&oid, OID_EXT_BC) && !(seen & 2)) {
			der_ext_bc(val.p, val.len, ci);
			seen |= 2;
		} else if (DER_OID_IS(&oid, OID_EXT_SKI) && !(seen & 4)) {
			der_ext_ski(val.p, val.len, ci);
			seen |= 4;
		} else if (DER_OID_IS(&oid, OID_EXT_AKI) && !(seen & 8)) {
			der_ext_aki(val.p, val.len, ci);
			seen |= 8;
		}
	}
	return (0);
}

/* Walk the TBSCertificate. */
static int
der_tbs(struct der_walk *w, const struct der_tlv *tbs, struct cert_info *ci)
{
	struct der_rd	 r, vr;
	struct der_tlv	 t, v, alg, nb, na, spki;

	der_rd_init(&r, tbs);
	ci->version = 1;
	if (der_peek(&r) == 0xa0) {
		if (der_expect(w, &r, 0xa0, &t, "version") != 0)
			return (-1);
		der_rd_init(&vr, &t);
		if (der_expect(w, &vr, DER_INTEGER, &v, "version") != 0)
			return (-1);
		if (!der_rd_done(&vr) || v.len != 1 || v.p[0] > 2)
			return (der_fail(w, v.hdr, "version", "is invalid"));
		ci->version = v.p[0] + 1;
	}
	if (der_expect(w, &r, DER_INTEGER, &t, "serial number") != 0)
		return (-1);
	if (der_serial(&t, &ci->serial, w->arena) != 0)
		return (der_fail(w, t.hdr, "serial number", "is empty"));
	if (der_expect(w, &r, DER_SEQUENCE, &alg, "signature algorithm") != 0)
		return (-1);
	if (der_expect(w, &r, DER_SEQUENCE, &t, "issuer") != 0)
		return (-1);
	ci->issuer_der.p = t.hdr;
	ci->issuer_der.len = t.tot;
	if (der_name_string(&t, &ci->issuer, w->arena) != 0)
		return (der_fail(w, t.hdr, "issuer name", "is malformed"));
	if (der_expect(w, &r, DER_SEQUENCE, &t, "validity") != 0)
		return (-1);
	der_rd_init(&vr, &t);
	if (der_next(&vr, &nb) != DER_OK || der_time(&nb, &ci->not_before) != 0)
		return (der_fail(w, t.p, "notBefore", "is not a valid time"));
	if (der_next(&vr, &na) != DER_OK || der_time(&na, &ci->not_after) != 0)
		return (der_fail(w, nb.p + nb.len, "notAfter",
		    "is not a valid time"));
	if (!der_rd_done(&vr))
		return (der_fail(w, vr.p, "validity", "has trailing data"));
	if (der_expect(w, &r, DER_SEQUENCE, &t, "subject") != 0)
		return (-1);
	ci->subject_der.p = t.hdr;
	ci->subject_der.len = t.tot;
	/* A root names itself: one string for both (see cert_info_done). */
	if (t.tot == ci->issuer_der.len &&
	    memcmp(t.hdr, ci->issuer_der.p, t.tot) == 0)
		ci->subject = ci->issuer;
	else if (der_name_string(&t, &ci->subject, w->arena) != 0)
		return (der_fail(w, t.hdr, "subject name", "is malformed"));
	if (der_expect(w, &r, DER_SEQUENCE, &spki, "public key info") != 0)
		return (-1);
	ci->spki_der.p = spki.hdr;
	ci->spki_der.len = spki.tot;
	der_key(&spki, ci);
	/* issuerUniqueID [1], subjectUniqueID [2] */
	if (der_peek(&r) == 0x81 &&
	    der_expect(w, &r, 0x81, &t, "issuerUniqueID") != 0)
		return (-1);
	if (der_peek(&r) == 0x82 &&
	    der_expect(w, &r, 0x82, &t, "subjectUniqueID") != 0)
		return (-1);
	if (der_peek(&r) == 0xa3) {
		if (der_expect(w, &r, 0xa3, &t, "extensions") != 0)
			return (-1);
		if (der_exts(w, &t, ci) != 0)
			return (-1);
	}
	if (!der_rd_done(&r))
		return (der_fail(w, r.p, "certificate body",
		    "has trailing data"));
	return (0);
}

/* Walk a certificate into ci (see core.h); -1 with *cause if malformed. */
int
der_cert_walk(const unsigned char *der, size_t len, struct cert_info *ci,
    char **cause)
{
	return (der_cert_walk_in(NULL, der, len, ci, cause));
}

/* The same with the strings (and the SAN array) in arena a, if not NULL. */
int
der_cert_walk_in(struct arena *a, const unsigned char *der, size_t len,
    struct cert_info *ci, char **cause)
{
	struct der_walk	 w = { der, cause, 0, a };
	struct der_rd	 r = { der, der + len };
	struct der_tlv	 cert, tbs, alg, sig;
	char		**san;

	memset(ci, 0, sizeof *ci);
	ci->pathlen = -1;
	if (len == 0) {
		cause_set(cause, "malformed certificate: no data");
		return (-1);
	}
	if (der_expect(&w, &r, DER_SEQUENCE, &cert, "certificate") != 0)
		goto fail;
	if (!der_rd_done(&r)) {
		der_fail(&w, r.p, "certificate", "is followed by extra data");
		goto fail;
	}
	der_rd_init(&r, &cert);
	if (der_expect(&w, &r, DER_SEQUENCE, &tbs, "certificate body") != 0 ||
	    der_expect(&w, &r, DER_SEQUENCE, &alg,
	    "signature algorithm") != 0 ||
	    der_expect(&w, &r, DER_BITSTRING, &sig, "signature") != 0)
		goto fail;
	if (!der_rd_done(&r)) {
		der_fail(&w, r.p, "certificate", "has trailing data");
		goto fail;
	}
	if (der_tbs(&w, &tbs, ci) != 0)
		goto fail;
	der_sig(&alg, ci);
	ci->self_signed = ci->subject_der.len == ci->issuer_der.len &&
	    memcmp(ci->subject_der.p, ci->issuer_der.p,
	    ci->subject_der.len) == 0;
	if (ci->self_signed && ci->ski.len > 0 && ci->aki.len > 0 &&
	    (ci->ski.len != ci->aki.len ||
	    memcmp(ci->ski.p, ci->aki.p, ci->ski.len) != 0))
		ci->self_signed = false;
	if (a != NULL && ci->nsan > 0) {
		san = arena_alloc(a, ci->nsan * sizeof *san);
		memcpy(san, ci->san, ci->nsan * sizeof *san);
		free(ci->san);
		ci->san = san;
	}
	return (0);
fail:
	if (a != NULL) {
		/* the strings stay in the arena */
		free(ci->san);
		memset(ci, 0, sizeof *ci);
		ci->pathlen = -1;
	} else
		cert_info_done(ci);
	return (-1);
}

/* Free what der_cert_walk allocated and reset ci. */
void
cert_info_done(struct cert_info *ci)
{
	size_t	i;

	if (ci == NULL)
		return;
	if (ci->issuer != ci->subject)
		free(ci->issuer);
	free(ci->subject);
	free(ci->serial);
	for (i = 0; i < ci->nsan; i++)
		free(ci->san[i]);
	free(ci->san);
	memset(ci, 0, sizeof *ci);
	ci->pathlen = -1;
}

/* SPDX-License-Identifier: ISC */
/*
 * jks.c -- the JKS and JCEKS codec (docs/formats.md, JKS and JCEKS).
 *
 * The input is untrusted: every length is checked against the bytes that
 * remain before it is used, counts read from the file never size an
 * allocation, and every failure ends in a one-line message.  Reading handles
 * JKS and JCEKS (including the Java serialization stream of a JCEKS secret
 * key entry, which is skipped); writing produces JKS version 2 only.
 */
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "core.h"

#define JKS_MAGIC		0xfeedfeedU
#define JCEKS_MAGIC		0xcecececeU
#define JKS_DIGEST_LEN		20
#define JKS_WHITENER		"Mighty Aphrodite"
#define JKS_SALT_LEN		20
#define JKS_CERT_TYPE		"X.509"

#define OID_SUN_PROTECTOR	"1.3.6.1.4.1.42.2.17.1.1"
#define OID_PBE_MD5_3DES	"1.3.6.1.4.1.42.2.19.1"
/* Files this large have their keyed digest computed on a second thread. */
#define JKS_DIGEST_THREAD_MIN	(1024 * 1024)
/* JDK KeyProtector refuses larger counts on recovery; so do we. */
#define JCEKS_MAX_ITER		5000000

/* Java serialization (java.io.ObjectStreamConstants). */
#define JSER_MAGIC		0xaced
#define JSER_VERSION		5
#define JSER_BASE_HANDLE	0x7e0000U
#define JSER_MAX_DEPTH		32
#define JSER_MAX_SUPERS		64
#define TC_NULL			0x70
#define TC_REFERENCE		0x71
#define TC_CLASSDESC		0x72
#define TC_OBJECT		0x73
#define TC_STRING		0x74
#define TC_ARRAY		0x75
#define TC_CLASS		0x76
#define TC_BLOCKDATA		0x77
#define TC_ENDBLOCKDATA		0x78
#define TC_RESET		0x79
#define TC_BLOCKDATALONG	0x7a
#define TC_EXCEPTION		0x7b
#define TC_LONGSTRING		0x7c
#define TC_PROXYCLASSDESC	0x7d
#define TC_ENUM			0x7e
#define SC_WRITE_METHOD		0x01
#define SC_SERIALIZABLE		0x02
#define SC_EXTERNALIZABLE	0x04
#define SC_BLOCK_DATA		0x08

/* A bounds-checked reader over the input buffer. */
struct jks_rd {
	const unsigned char	*p;
	size_t			 len;
	size_t			 off;
	bool			 short_read;	/* ran out of input */
};

/* A growing output buffer. */
struct jks_buf {
	unsigned char	*p;
	size_t		 len;
	size_t		 cap;
};

/* What the entry reader needs to know about the file. */
struct jks_ctx {
	enum ks_format	 format;
	uint32_t	 version;
	uint32_t	 count;
	uint32_t	 n;		/* 1-based number of this entry */
	struct keystore	*ks;		/* being loaded (ks_cert_new and
					   ks_entry_new_in) */
};

/* A string or byte array of a serialization stream (points into it). */
struct jser_val {
	char			 kind;	/* 's' string, 'b' byte[], 'e' enum
					   constant (its name), 0 other */
	const unsigned char	*p;
	size_t			 len;
};

/* A class descriptor seen in a serialization stream. */
struct jser_class {
	const unsigned char	*name;	/* points into the input */
	size_t			 namelen;
	uint8_t			 flags;
	char			*types;	/* one typecode per field */
	struct jser_val		*fnames; /* the fields' names */
	size_t			 nfields;
	struct jser_class	*super;	/* or NULL */
};

/* One handle of a serialization stream. */
struct jser_handle {
	struct jser_class	*cls;	/* NULL unless a class */
	struct jser_val		 val;	/* a string or byte array */
};

/* The object fields of the stream's top object, as read (capture). */
#define JSER_MAX_CAPS		16
struct jser_cap {
	struct jser_val		 name;
	struct jser_val		 val;
};

/* The state of the serialization skipper. */
struct jser {
	struct jks_rd		*r;
	struct jser_handle	*h;
	size_t			 nh;
	size_t			 caph;
	/* Every class descriptor, owned here: TC_RESET drops handles only. */
	struct jser_class	**cls;
	size_t			 ncls;
	size_t			 capcls;
	int			 depth;
	int			 objdepth;	/* objects being read */
	struct jser_val		 last;	/* the value read last */
	bool			 capture;	/* record the top object's */
	struct jser_cap		 caps[JSER_MAX_CAPS];	/* fields */
	size_t			 ncaps;
	const unsigned char	*topcls;	/* the top object's class */
	size_t			 topclslen;
};

static int	jser_content(struct jser *);
static int	jser_classdesc(struct jser *, struct jser_class **);

/* ------------------------------------------------------------------ */
/* Reading primitives. */

/* Take n bytes, pointing *pp at them; -1 if fewer remain. */
static int
jks_rd_bytes(struct jks_rd *r, size_t n, const unsigned char **pp)
{
	if (r->len - r->off < n) {
		r->short_read = true;
		return (-1);
	}
	if (pp != NULL)
		*pp = r->p + r->off;
	r->off += n;
	return (0);
}

/* Read one byte. */
static int
jks_rd_u8(struct jks_rd *r, uint8_t *v)
{
	const unsigned char	*p;

	if (jks_rd_bytes(r, 1, &p) != 0)
		return (-1);
	*v = p[0];
	return (0);
}

/* Read a big-endian u2. */
static int
jks_rd_u16(struct jks_rd *r, uint16_t *v)
{
	const unsigned char	*p;

	if (jks_rd_bytes(r, 2, &p) != 0)
		return (-1);
	*v = (uint16_t)((p[0] << 8) | p[1]);
	return (0);
}

/* Read a big-endian u4. */
static int
jks_rd_u32(struct jks_rd *r, uint32_t *v)
{
	const unsigned char	*p;

	if (jks_rd_bytes(r, 4, &p) != 0)
		return (-1);
	*v = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
	return (0);
}

/* Read a big-endian u8. */
static int
jks_rd_u64(struct jks_rd *r, uint64_t *v)
{
	uint32_t	hi, lo;

	if (jks_rd_u32(r, &hi) != 0 || jks_rd_u32(r, &lo) != 0)
		return (-1);
	*v = ((uint64_t)hi << 32) | lo;
	return (0);
}

/* ------------------------------------------------------------------ */
/* Writing primitives. */

/* Append n bytes, growing geometrically. */
static void
jks_buf_add(struct jks_buf *b, const void *p, size_t n)
{
	size_t	cap;

	if (b->cap - b->len < n) {
		cap = b->cap != 0 ? b->cap : 4096;
		while (cap - b->len < n)
			cap *= 2;
		b->p = xreallocarray(b->p, cap, 1);
		b->cap = cap;
	}
	if (n != 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* Append a big-endian u2. */
static void
jks_buf_u16(struct jks_buf *b, uint16_t v)
{
	unsigned char	p[2] = { v >> 8, v & 0xff };

	jks_buf_add(b, p, sizeof p);
}

/* Append a big-endian u4. */
static void
jks_buf_u32(struct jks_buf *b, uint32_t v)
{
	unsigned char	p[4];

	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;

	jks_buf_add(b, p, sizeof p);
}

/* Append a big-endian u8. */
static void
jks_buf_u64(struct jks_buf *b, uint64_t v)
{
	jks_buf_u32(b, (uint32_t)(v >> 32));
	jks_buf_u32(b, (uint32_t)v);
}

/* ------------------------------------------------------------------ */
/* Aliases: Java modified UTF-8 <-> UTF-8, and Locale.ENGLISH lower case. */

/* Lower-case a code point as Java does for the ranges we handle. */
static uint32_t
jks_lower(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return (cp + ('a' - 'A'));
	/* Latin-1: U+00C0..U+00DE except the multiplication sign. */
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		return (cp + 0x20);
	return (cp);
}

/* Append the UTF-8 form of cp (NUL is one zero byte). */
static size_t
jks_utf8_put(unsigned char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = cp;
		return (1);
	}
	if (cp < 0x800) {
		o[0] = 0xc0 | (cp >> 6);
		o[1] = 0x80 | (cp & 0x3f);
		return (2);
	}
	if (cp < 0x10000) {
		o[0] = 0xe0 | (cp >> 12);
		o[1] = 0x80 | ((cp >> 6) & 0x3f);
		o[2] = 0x80 | (cp & 0x3f);
		return (3);
	}
	o[0] = 0xf0 | (cp >> 18);
	o[1] = 0x80 | ((cp >> 12) & 0x3f);
	o[2] = 0x80 | ((cp >> 6) & 0x3f);
	o[3] = 0x80 | (cp & 0x3f);
	return (4);
}

/* Read one UTF-16 code unit of modified UTF-8 at s[*i]; -1 if malformed. */
static int
jks_mutf8_unit(const unsigned char *s, size_t n, size_t *i, uint32_t *c)
{
	const unsigned char	*p = s + *i;
	size_t			 left = n - *i;

	if (p[0] < 0x80) {
		*c = p[0];
		*i += 1;
		return (0);
	}
	if ((p[0] & 0xe0) == 0xc0) {
		if (left < 2 || (p[1] & 0xc0) != 0x80)
			return (-1);
		*c = ((uint32_t)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
		*i += 2;
		return (0);
	}
	if ((p[0] & 0xf0) == 0xe0) {
		if (left < 3 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80)
			return (-1);
		*c = ((uint32_t)(p[0] & 0x0f) << 12) |
		    ((uint32_t)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
		*i += 3;
		return (0);
	}
	return (-1);
}

/*
 * Decode modified UTF-8 (docs/formats.md, Modified UTF-8 strings) into
 * UTF-8: C0 80 becomes a NUL
 * byte and a surrogate pair one 4-byte sequence; a lone surrogate becomes
 * U+FFFD.  The output is never longer than the input.  *upper is set when
 * the alias has a character Java would lower-case.
 */
static int
jks_mutf8_decode(const unsigned char *s, size_t n, char **outp,
    size_t *outlen, bool *upper)
{
	unsigned char	*o;
	size_t		 i = 0, j, len = 0;
	uint32_t	 c, c2;

	*upper = false;
	o = xmalloc(n + 1);
	while (i < n) {
		if (jks_mutf8_unit(s, n, &i, &c) != 0) {
			free(o);
			return (-1);
		}
		if (c >= 0xd800 && c <= 0xdbff) {
			j = i;
			if (j < n && jks_mutf8_unit(s, n, &j, &c2) == 0 &&
			    c2 >= 0xdc00 && c2 <= 0xdfff) {
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (c2 - 0xdc00);
				i = j;
			} else
				c = 0xfffd;
		} else if (c >= 0xdc00 && c <= 0xdfff)
			c = 0xfffd;
		if (jks_lower(c) != c)
			*upper = true;
		len += jks_utf8_put(o + len, c);
	}
	o[len] = '\0';
	*outp = (char *)o;
	*outlen = len;
	return (0);
}

/* Decode one strict UTF-8 sequence at s[*i]; -1 if malformed. */
static int
jks_utf8_next(const unsigned char *s, size_t n, size_t *i, uint32_t *cp)
{
	const unsigned char	*p = s + *i;
	size_t			 left = n - *i, k, need;
	uint32_t		 c, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		*i += 1;
		return (0);
	}
	if ((p[0] & 0xe0) == 0xc0) {
		need = 2;
		c = p[0] & 0x1f;
		min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		need = 3;
		c = p[0] & 0x0f;
		min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		need = 4;
		c = p[0] & 0x07;
		min = 0x10000;
	} else
		return (-1);
	if (left < need)
		return (-1);
	for (k = 1; k < need; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return (-1);
		c = (c << 6) | (p[k] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (-1);
	*cp = c;
	*i += need;
	return (0);
}

/* Append one UTF-16 code unit as modified UTF-8. */
static size_t
jks_mutf8_put_unit(unsigned char *o, uint32_t u)
{
	if (u != 0 && u < 0x80) {
		o[0] = u;
		return (1);
	}
	if (u < 0x800) {
		o[0] = 0xc0 | (u >> 6);
		o[1] = 0x80 | (u & 0x3f);
		return (2);
	}
	o[0] = 0xe0 | (u >> 12);
	o[1] = 0x80 | ((u >> 6) & 0x3f);
	o[2] = 0x80 | (u & 0x3f);
	return (3);
}

/*
 * Encode a UTF-8 alias as lower-cased modified UTF-8 (what JKS writes).  The
 * result is malloc'd; -1 if the alias is not valid UTF-8 or too long.
 */
static int
jks_mutf8_encode_lower(const char *a, size_t n, unsigned char **outp,
    size_t *outlen)
{
	const unsigned char	*s = (const unsigned char *)a;
	unsigned char		*o;
	size_t			 i = 0, len = 0;
	uint32_t		 cp;

	/* Each input byte gives at most 3 output bytes (4 -> 6). */
	o = xmalloc(n * 3 + 1);
	while (i < n) {
		if (jks_utf8_next(s, n, &i, &cp) != 0) {
			free(o);
			return (-1);
		}
		cp = jks_lower(cp);
		if (cp >= 0x10000) {
			cp -= 0x10000;
			len += jks_mutf8_put_unit(o + len, 0xd800 | (cp >> 10));
			len += jks_mutf8_put_unit(o + len,
			    0xdc00 | (cp & 0x3ff));
		} else
			len += jks_mutf8_put_unit(o + len, cp);
	}
	if (len > UINT16_MAX) {
		free(o);
		return (-1);
	}
	*outp = o;
	*outlen = len;
	return (0);
}

/* A printable copy of an alias for messages (controls shown as '?', a long
 * one shortened by cause_short). */
static char *
jks_alias_disp(const char *a, size_t n)
{
	char	*s, *t, buf[CAUSE_SHORT];
	size_t	 i;

	s = xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		if ((unsigned char)a[i] < 0x20 || a[i] == 0x7f)
			s[i] = '?';
		else
			s[i] = a[i];
	}
	s[n] = '\0';
	if (n < sizeof buf)
		return (s);
	t = xstrdup(cause_short(s, buf, sizeof buf));
	free(s);
	return (t);
}

/* ------------------------------------------------------------------ */
/* The "Mighty Aphrodite" digest (docs/formats.md, The integrity digest). */

/* digest = SHA1(UTF16BE(pass) || "Mighty Aphrodite" || buf). */
static int
jks_digest(const unsigned char *buf, size_t len, const struct secret *pass,
    unsigned char out[JKS_DIGEST_LEN], char **cause)
{
	struct secret	*u;
	EVP_MD_CTX	*ctx;
	int		 rc = -1;

	u = secret_utf16be(pass);
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		cause_ssl(cause, "EVP_MD_CTX_new");
		goto out;
	}
	if (EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, u->buf, u->len) != 1 ||
	    EVP_DigestUpdate(ctx, JKS_WHITENER, strlen(JKS_WHITENER)) != 1 ||
	    EVP_DigestUpdate(ctx, buf, len) != 1 ||
	    EVP_DigestFinal_ex(ctx, out, NULL) != 1) {
		cause_ssl(cause, "SHA-1");
		goto out;
	}
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	secret_free(u);
	return (rc);
}

/*
 * The digest of a large file, computed on a second thread while the main
 * one parses the entries: it covers every byte before the last 20 whatever
 * they hold, so it need not wait for the parse (a 10,000-certificate
 * truststore is 11 MB of SHA-1, as long as walking its certificates).
 */
struct jks_digest_job {
	const unsigned char	*buf;
	size_t			 len;
	const struct secret	*pass;
	unsigned char		 md[JKS_DIGEST_LEN];
	char			*cause;
	int			 rc;
	pthread_t		 th;
	bool			 started;
};

static void *
jks_digest_run(void *arg)
{
	struct jks_digest_job	*j = arg;

	j->rc = jks_digest(j->buf, j->len, j->pass, j->md, &j->cause);
	return (NULL);
}

/* Start the job when it is worth a thread; signals stay with the caller. */
static void
jks_digest_start(struct jks_digest_job *j, const unsigned char *buf,
    size_t len, const struct secret *pass)
{
	sigset_t	all, old;

	memset(j, 0, sizeof *j);
	if (pass == NULL || len < JKS_DIGEST_LEN + JKS_DIGEST_THREAD_MIN)
		return;
	j->buf = buf;
	j->len = len - JKS_DIGEST_LEN;
	j->pass = pass;
	sigfillset(&all);
	if (pthread_sigmask(SIG_BLOCK, &all, &old) != 0)
		return;
	j->started = pthread_create(&j->th, NULL, jks_digest_run, j) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Wait for the job (if any); its result stays for jks_digest_get. */
static void
jks_digest_wait(struct jks_digest_job *j)
{
	if (!j->started)
		return;
	pthread_join(j->th, NULL);
	j->started = false;
}

/* The digest of buf[0, len): the job's when it covered that, else now. */
static int
jks_digest_get(struct jks_digest_job *j, const unsigned char *buf,
    size_t len, const struct secret *pass, unsigned char out[JKS_DIGEST_LEN],
    char **cause)
{
	if (!j->started || j->buf != buf || j->len != len) {
		jks_digest_wait(j);
		return (jks_digest(buf, len, pass, out, cause));
	}
	jks_digest_wait(j);
	if (j->rc != 0) {
		cause_set(cause, "%s", j->cause != NULL ? j->cause : "SHA-1");
		return (-1);
	}
	memcpy(out, j->md, JKS_DIGEST_LEN);
	return (0);
}

/* ------------------------------------------------------------------ */
/* The serialization skipper (docs/formats.md, JCEKS secret key entries). */

/* Register a new handle; returns its index. */
static size_t
jser_handle_new(struct jser *js, struct jser_class *cls)
{
	if (js->nh == js->caph) {
		js->caph = js->caph != 0 ? js->caph * 2 : 16;
		js->h = xreallocarray(js->h, js->caph, sizeof *js->h);
	}
	js->h[js->nh].cls = cls;
	memset(&js->h[js->nh].val, 0, sizeof js->h[js->nh].val);
	return (js->nh++);
}

/* A new class descriptor, owned by js. */
static struct jser_class *
jser_class_new(struct jser *js)
{
	struct jser_class	*c;

	if (js->ncls == js->capcls) {
		js->capcls = js->capcls != 0 ? js->capcls * 2 : 8;
		js->cls = xreallocarray(js->cls, js->capcls, sizeof *js->cls);
	}
	c = xcalloc(1, sizeof *c);
	js->cls[js->ncls++] = c;
	return (c);
}

/* Free everything the skipper allocated. */
static void
jser_free(struct jser *js)
{
	size_t	i;

	for (i = 0; i < js->ncls; i++) {
		free(js->cls[i]->types);
		free(js->cls[i]->fnames);
		free(js->cls[i]);
	}
	free(js->cls);
	free(js->h);
}

/* Read a u4 handle reference and map it to an index. */
static int
jser_ref(struct jser *js, size_t *idx)
{
	uint32_t	h;

	if (jks_rd_u32(js->r, &h) != 0 || h < JSER_BASE_HANDLE ||
	    h - JSER_BASE_HANDLE >= js->nh)
		return (-1);
	*idx = h - JSER_BASE_HANDLE;
	return (0);
}

/* Skip a modified UTF-8 string with a u2 length (no handle). */
static int
jser_utf(struct jser *js, const unsigned char **p, size_t *len)
{
	uint16_t	n;

	if (jks_rd_u16(js->r, &n) != 0 || jks_rd_bytes(js->r, n, p) != 0)
		return (-1);
	*len = n;
	return (0);
}

/* Skip an annotation: contents up to TC_ENDBLOCKDATA. */
static int
jser_annotation(struct jser *js)
{
	for (;;) {
		if (js->r->off >= js->r->len) {
			js->r->short_read = true;
			return (-1);
		}
		if (js->r->p[js->r->off] == TC_ENDBLOCKDATA) {
			js->r->off++;
			return (0);
		}
		if (jser_content(js) != 0)
			return (-1);
	}
}

/* Bytes left to read. */
static size_t
jser_left(const struct jser *js)
{
	return (js->r->len - js->r->off);
}

/* Fail because the input ran out (so a cut file reads as truncated). */
static int
jser_short(struct jser *js)
{
	js->r->short_read = true;
	return (-1);
}

/* Read a new class descriptor (after its tag). */
static int
jser_newclass(struct jser *js, bool proxy, struct jser_class **clsp)
{
	struct jser_class	*cls, *super;
	const unsigned char	*p;
	size_t			 i, len;
	uint32_t		 count;
	uint16_t		 nf;
	uint8_t			 t;

	cls = jser_class_new(js);
	/* The handle is assigned before the fields are read. */
	jser_handle_new(js, cls);
	if (proxy) {
		cls->flags = SC_SERIALIZABLE;
		if (jks_rd_u32(js->r, &count) != 0)
			return (-1);
		/* Each interface name takes at least 2 bytes. */
		if ((size_t)count > jser_left(js) / 2)
			return (jser_short(js));
		for (i = 0; i < count; i++)
			if (jser_utf(js, &p, &len) != 0)
				return (-1);
	} else {
		if (jser_utf(js, &cls->name, &cls->namelen) != 0 ||
		    jks_rd_bytes(js->r, 8, NULL) != 0 ||
		    jks_rd_u8(js->r, &cls->flags) != 0 ||
		    jks_rd_u16(js->r, &nf) != 0)
			return (-1);
		/* Each field takes at least 3 bytes: bound before alloc. */
		if ((size_t)nf * 3 > jser_left(js))
			return (jser_short(js));
		cls->types = xmalloc((size_t)nf + 1);
		cls->fnames = xcalloc((size_t)nf + 1, sizeof *cls->fnames);
		for (i = 0; i < nf; i++) {
			if (jks_rd_u8(js->r, &t) != 0 ||
			    jser_utf(js, &p, &len) != 0)
				return (-1);
			cls->fnames[i].kind = 's';
			cls->fnames[i].p = p;
			cls->fnames[i].len = len;
			switch (t) {
			case 'B': case 'C': case 'D': case 'F':
			case 'I': case 'J': case 'S': case 'Z':
				break;
			case '[': case 'L':
				/* The field's class name: a string object. */
				if (jser_content(js) != 0)
					return (-1);
				break;
			default:
				return (-1);
			}
			cls->types[i] = (char)t;
			cls->nfields = i + 1;
		}
	}
	if (jser_annotation(js) != 0 || jser_classdesc(js, &super) != 0)
		return (-1);
	cls->super = super;
	*clsp = cls;
	return (0);
}

/* Read a class descriptor (new, proxy, null or reference). */
static int
jser_classdesc(struct jser *js, struct jser_class **clsp)
{
	size_t	idx;
	uint8_t	tag;
	int	rc = -1;

	if (++js->depth > JSER_MAX_DEPTH)
		goto out;
	if (jks_rd_u8(js->r, &tag) != 0)
		goto out;
	switch (tag) {
	case TC_NULL:
		*clsp = NULL;
		rc = 0;
		break;
	case TC_REFERENCE:
		if (jser_ref(js, &idx) == 0 && js->h[idx].cls != NULL) {
			*clsp = js->h[idx].cls;
			rc = 0;
		}
		break;
	case TC_CLASSDESC:
		rc = jser_newclass(js, false, clsp);
		break;
	case TC_PROXYCLASSDESC:
		rc = jser_newclass(js, true, clsp);
		break;
	default:
		break;
	}
out:
	js->depth--;
	return (rc);
}

/* Skip one field value of typecode t. */
static int
jser_value(struct jser *js, char t)
{
	switch (t) {
	case 'B':
	case 'Z':
		return (jks_rd_bytes(js->r, 1, NULL));
	case 'C':
	case 'S':
		return (jks_rd_bytes(js->r, 2, NULL));
	case 'I':
	case 'F':
		return (jks_rd_bytes(js->r, 4, NULL));
	case 'J':
	case 'D':
		return (jks_rd_bytes(js->r, 8, NULL));
	case '[':
	case 'L':
		return (jser_content(js));
	default:
		return (-1);
	}
}

/* Skip the class data of an object of class c (top superclass first). */
static int
jser_classdata(struct jser *js, struct jser_class *c)
{
	struct jser_class	*chain[JSER_MAX_SUPERS];
	size_t			 n = 0, f;

	/* A reference can make the superclass chain a cycle: bounded. */
	for (; c != NULL; c = c->super) {
		if (n == JSER_MAX_SUPERS)
			return (-1);
		chain[n++] = c;
	}
	while (n-- > 0) {
		c = chain[n];
		if (c->flags & SC_EXTERNALIZABLE) {
			/* Only the block-data form can be skipped. */
			if ((c->flags & SC_BLOCK_DATA) == 0)
				return (-1);
			if (jser_annotation(js) != 0)
				return (-1);
			continue;
		}
		if ((c->flags & SC_SERIALIZABLE) == 0)
			continue;
		for (f = 0; f < c->nfields; f++) {
			memset(&js->last, 0, sizeof js->last);
			if (jser_value(js, c->types[f]) != 0)
				return (-1);
			if (js->capture && js->objdepth == 1 &&
			    js->ncaps < JSER_MAX_CAPS &&
			    (c->types[f] == '[' || c->types[f] == 'L')) {
				js->caps[js->ncaps].name = c->fnames[f];
				js->caps[js->ncaps++].val = js->last;
			}
		}
		if ((c->flags & SC_WRITE_METHOD) && jser_annotation(js) != 0)
			return (-1);
	}
	return (0);
}

/* Skip an array: class descriptor, u4 length, elements. */
static int
jser_array(struct jser *js)
{
	struct jser_class	*c;
	size_t			 size, i;
	uint32_t		 n;

	if (jser_classdesc(js, &c) != 0 || c == NULL)
		return (-1);
	if (c->namelen < 2 || c->name[0] != '[')
		return (-1);
	jser_handle_new(js, NULL);
	if (jks_rd_u32(js->r, &n) != 0)
		return (-1);
	switch (c->name[1]) {
	case 'B': case 'Z':
		size = 1;
		break;
	case 'C': case 'S':
		size = 2;
		break;
	case 'I': case 'F':
		size = 4;
		break;
	case 'J': case 'D':
		size = 8;
		break;
	case '[': case 'L':
		/* Each element takes at least one byte. */
		if (n > jser_left(js))
			return (jser_short(js));
		for (i = 0; i < n; i++)
			if (jser_content(js) != 0)
				return (-1);
		return (0);
	default:
		return (-1);
	}
	if ((uint64_t)n * size > jser_left(js))
		return (jser_short(js));
	if (c->name[1] == 'B') {
		js->h[js->nh - 1].val.kind = 'b';
		js->h[js->nh - 1].val.p = js->r->p + js->r->off;
		js->h[js->nh - 1].val.len = n;
		js->last = js->h[js->nh - 1].val;
	}
	return (jks_rd_bytes(js->r, (size_t)n * size, NULL));
}

/* Skip one content element (an object, string, array, ...). */
static int
jser_content(struct jser *js)
{
	struct jser_class	*cls;
	const unsigned char	*p;
	size_t			 idx, len;
	uint64_t		 l64;
	uint32_t		 l32;
	uint8_t			 tag, l8;
	int			 r2, rc = -1;

	if (++js->depth > JSER_MAX_DEPTH)
		goto out;
	if (js->r->off >= js->r->len) {
		jser_short(js);
		goto out;
	}
	tag = js->r->p[js->r->off];
	if (tag == TC_CLASSDESC || tag == TC_PROXYCLASSDESC) {
		/* jser_classdesc reads the tag itself. */
		rc = jser_classdesc(js, &cls);
		goto out;
	}
	js->r->off++;
	switch (tag) {
	case TC_NULL:
		break;
	case TC_REFERENCE:
		if (jser_ref(js, &idx) != 0)
			goto out;
		js->last = js->h[idx].val;
		break;
	case TC_OBJECT:
		if (jser_classdesc(js, &cls) != 0 || cls == NULL)
			goto out;
		jser_handle_new(js, NULL);
		if (++js->objdepth == 1) {
			js->topcls = cls->name;
			js->topclslen = cls->namelen;
		}
		r2 = jser_classdata(js, cls);
		js->objdepth--;
		memset(&js->last, 0, sizeof js->last);
		if (r2 != 0)
			goto out;
		break;
	case TC_STRING:
		idx = jser_handle_new(js, NULL);
		if (jser_utf(js, &p, &len) != 0)
			goto out;
		js->h[idx].val.kind = 's';
		js->h[idx].val.p = p;
		js->h[idx].val.len = len;
		js->last = js->h[idx].val;
		break;
	case TC_LONGSTRING:
		jser_handle_new(js, NULL);
		if (jks_rd_u64(js->r, &l64) != 0)
			goto out;
		if (l64 > jser_left(js)) {
			jser_short(js);
			goto out;
		}
		js->r->off += (size_t)l64;
		break;
	case TC_ARRAY:
		if (jser_array(js) != 0)
			goto out;
		break;
	case TC_CLASS:
		if (jser_classdesc(js, &cls) != 0)
			goto out;
		jser_handle_new(js, NULL);
		break;
	case TC_ENUM:
		if (jser_classdesc(js, &cls) != 0)
			goto out;
		idx = jser_handle_new(js, NULL);
		if (jser_content(js) != 0)
			goto out;
		if (js->last.kind == 's') {
			js->h[idx].val = js->last;
			js->h[idx].val.kind = 'e';
			js->last.kind = 'e';
		}
		break;
	case TC_BLOCKDATA:
		if (jks_rd_u8(js->r, &l8) != 0 ||
		    jks_rd_bytes(js->r, l8, NULL) != 0)
			goto out;
		break;
	case TC_BLOCKDATALONG:
		if (jks_rd_u32(js->r, &l32) != 0 ||
		    jks_rd_bytes(js->r, l32, NULL) != 0)
			goto out;
		break;
	case TC_RESET:
		/* Handles restart; the descriptors stay owned by js. */
		js->nh = 0;
		break;
	default:
		/* TC_EXCEPTION and anything unknown. */
		goto out;
	}
	rc = 0;
out:
	js->depth--;
	return (rc);
}

/*
 * Read a serialization stream holding one object: the stream header, then
 * the object.  With capture, js->caps receive the object fields of that
 * top object (strings, byte arrays, enum constants; pointers into r).
 * The caller frees js with jser_free.
 */
static int
jser_parse(struct jks_rd *r, struct jser *js, bool capture)
{
	uint16_t	magic, version;

	memset(js, 0, sizeof *js);
	js->r = r;
	js->capture = capture;
	if (jks_rd_u16(r, &magic) != 0 || jks_rd_u16(r, &version) != 0 ||
	    magic != JSER_MAGIC || version != JSER_VERSION)
		return (-1);
	if (r->off >= r->len) {
		r->short_read = true;
		return (-1);
	}
	if (r->p[r->off] != TC_OBJECT)
		return (-1);
	return (jser_content(js));
}

/*
 * Skip the serialization stream of a JCEKS secret key entry: the stream
 * header, then one object (a SealedObjectForKeyProtector).
 */
static int
jser_skip(struct jks_rd *r)
{
	struct jser	js;
	int		rc;

	rc = jser_parse(r, &js, false);
	jser_free(&js);
	return (rc);
}

/* The captured field called name, of kind k; NULL when absent. */
static const struct jser_val *
jser_field(const struct jser *js, const char *name, char k)
{
	size_t	i, n = strlen(name);

	for (i = 0; i < js->ncaps; i++) {
		if (js->caps[i].name.len == n &&
		    memcmp(js->caps[i].name.p, name, n) == 0 &&
		    js->caps[i].val.kind == k)
			return (&js->caps[i].val);
	}
	return (NULL);
}

/* Is v the string s? */
static bool
jser_is(const struct jser_val *v, const char *s)
{
	return (v != NULL && v->len == strlen(s) && memcmp(v->p, s, v->len) ==
	    0);
}

/* ------------------------------------------------------------------ */
/* Loading. */

/* Read one certificate (type string in version 2, u4 length, DER). */
static int
jks_load_cert(struct jks_rd *r, const struct jks_ctx *c, struct ks_entry *e,
    size_t j, size_t nj, struct cert **certp, bool *trunc, char **cause)
{
	const unsigned char	*p;
	uint16_t		 tlen;
	uint32_t		 clen;
	char			*alias, *why = NULL;

	*certp = NULL;
	if (c->version == 2) {
		if (jks_rd_u16(r, &tlen) != 0 || jks_rd_bytes(r, tlen, &p) != 0)
			goto trunc;
		if (tlen != strlen(JKS_CERT_TYPE) ||
		    memcmp(p, JKS_CERT_TYPE, tlen) != 0) {
			alias = jks_alias_disp(e->alias, e->alias_len);
			cause_set(cause, "entry %u of %u (\"%s\"): "
			    "unsupported certificate type (only X.509 is "
			    "supported)", c->n, c->count, alias);
			free(alias);
			return (-1);
		}
	}
	if (jks_rd_u32(r, &clen) != 0 || jks_rd_bytes(r, clen, &p) != 0)
		goto trunc;
	if ((*certp = ks_cert_new(c->ks, p, clen, &why)) == NULL) {
		alias = jks_alias_disp(e->alias, e->alias_len);
		if (nj > 1)
			cause_set(cause, "entry %u of %u (\"%s\"): "
			    "certificate %zu of %zu: %s", c->n, c->count,
			    alias, j + 1, nj,
			    why != NULL ? why : "malformed");
		else
			cause_set(cause, "entry %u of %u (\"%s\"): "
			    "bad certificate: %s", c->n, c->count, alias,
			    why != NULL ? why : "malformed");
		free(alias);
		free(why);
		return (-1);
	}
	return (0);
trunc:
	*trunc = true;
	return (-1);
}

/* Read one entry; *trunc is set when the input ended too early. */
static int
jks_load_entry(struct jks_rd *r, const struct jks_ctx *c,
    struct ks_entry **ep, bool *trunc, char **cause)
{
	struct ks_entry		*e = NULL;
	struct cert		*cert;
	const unsigned char	*p;
	char			*alias = NULL;
	size_t			 alen, j, cap = 0, sstart;
	uint64_t		 date;
	uint32_t		 tag, plen, nchain;
	uint16_t		 n;
	enum ks_etype		 type;
	bool			 upper;
	int			 rc = -1;

	*ep = NULL;
	if (jks_rd_u32(r, &tag) != 0)
		goto trunc;
	switch (tag) {
	case 1:
		type = KS_ENTRY_KEY;
		break;
	case 2:
		type = KS_ENTRY_TRUSTED;
		break;
	case 3:
		if (c->format == KS_FMT_JCEKS) {
			type = KS_ENTRY_SECRET;
			break;
		}
		cause_set(cause, "entry %u of %u: secret key entries (tag 3) "
		    "exist only in JCEKS keystores, not in JKS", c->n,
		    c->count);
		goto out;
	default:
		cause_set(cause, "entry %u of %u: unknown entry type (tag %u)",
		    c->n, c->count, tag);
		goto out;
	}
	if (jks_rd_u16(r, &n) != 0 || jks_rd_bytes(r, n, &p) != 0)
		goto trunc;
	if (jks_mutf8_decode(p, n, &alias, &alen, &upper) != 0) {
		cause_set(cause, "entry %u of %u: alias is not valid Java "
		    "modified UTF-8", c->n, c->count);
		goto out;
	}
	e = ks_entry_new_in(c->ks, alias, alen, type);
	alias = NULL;
	/* JKS lower-cases the alias of every lookup; JCEKS does not. */
	if (upper && c->format == KS_FMT_JKS)
		e->flags |= KS_EF_ALIAS_NOT_LOWER;
	if (jks_rd_u64(r, &date) != 0)
		goto trunc;
	e->date_ms = (int64_t)date;

	switch (type) {
	case KS_ENTRY_KEY:
		if (jks_rd_u32(r, &plen) != 0 ||
		    jks_rd_bytes(r, plen, &p) != 0)
			goto trunc;
		e->prot = xmemdup(p, plen);
		e->prot_len = plen;
		if (jks_rd_u32(r, &nchain) != 0)
			goto trunc;
		/* nchain is untrusted: grow as certificates are read. */
		for (j = 0; j < nchain; j++) {
			if (jks_load_cert(r, c, e, j, nchain, &cert, trunc,
			    cause) != 0)
				goto out;
			if (e->nchain == cap) {
				cap = cap != 0 ? cap * 2 : 4;
				e->chain = xreallocarray(e->chain, cap,
				    sizeof *e->chain);
			}
			e->chain[e->nchain++] = cert;
		}
		break;
	case KS_ENTRY_TRUSTED:
		if (jks_load_cert(r, c, e, 0, 1, &cert, trunc, cause) != 0)
			goto out;
		if (c->ks->arena != NULL) {
			e->chain = arena_alloc(c->ks->arena, sizeof *e->chain);
			e->flags |= KS_EF_CHAIN_PACKED;
		} else
			e->chain = xcalloc(1, sizeof *e->chain);
		e->chain[0] = cert;
		e->nchain = 1;
		break;
	case KS_ENTRY_SECRET:
		/*
		 * A sealed object, serialized with no length prefix.  Its
		 * key algorithm is inside the encrypted content, so it is
		 * not known without the key password.  The stream is kept
		 * in prot (jks_recover_secret).
		 */
		sstart = r->off;
		if (jser_skip(r) != 0) {
			if (r->short_read)
				goto trunc;
			alias = jks_alias_disp(e->alias, e->alias_len);
			cause_set(cause, "entry %u of %u (\"%s\"): cannot "
			    "parse the serialized secret key", c->n, c->count,
			    alias);
			goto out;
		}
		e->secret_alg = xstrdup("unknown");
		e->prot = xmemdup(r->p + sstart, r->off - sstart);
		e->prot_len = r->off - sstart;
		break;
	default:
		break;
	}
	*ep = e;
	e = NULL;
	rc = 0;
	goto out;
trunc:
	*trunc = true;
out:
	free(alias);
	ks_entry_free(e);
	return (rc);
}

/* qsort: ignored entries by place in the file. */
static int
jks_ig_cmp(const void *a, const void *b)
{
	const struct ks_ignored	*x = a, *y = b;

	return ((x->pos > y->pos) - (x->pos < y->pos));
}

/* qsort: entry indices by alias bytes, then by place in the file. */
static int
jks_dup_cmp(const void *a, const void *b, void *arg)
{
	struct ks_entry	**v = arg;
	size_t		  i = *(const size_t *)a, j = *(const size_t *)b;
	size_t		  n;
	int		  r;

	n = v[i]->alias_len < v[j]->alias_len ? v[i]->alias_len :
	    v[j]->alias_len;
	if ((r = memcmp(v[i]->alias, v[j]->alias, n)) != 0)
		return (r);
	if (v[i]->alias_len != v[j]->alias_len)
		return (v[i]->alias_len < v[j]->alias_len ? -1 : 1);
	return ((i > j) - (i < j));
}

/*
 * Java loads the entries into a map keyed by the alias as stored: an
 * entry whose alias a later entry repeats is replaced by it.  Move such
 * entries from v to ks->ignored; returns the new count of v.
 */
static size_t
jks_dedup(struct keystore *ks, struct ks_entry **v, size_t nv)
{
	struct ks_ignored	*ig;
	size_t			*ix, i, j, n;
	bool			*drop;

	if (nv < 2)
		return (nv);
	ix = xreallocarray(NULL, nv, sizeof *ix);
	for (i = 0; i < nv; i++)
		ix[i] = i;
	qsort_r(ix, nv, sizeof *ix, jks_dup_cmp, v);
	drop = NULL;
	for (i = 1; i < nv; i++) {
		if (v[ix[i]]->alias_len != v[ix[i - 1]]->alias_len ||
		    memcmp(v[ix[i]]->alias, v[ix[i - 1]]->alias,
		    v[ix[i]]->alias_len) != 0)
			continue;
		/* ix[i - 1] comes earlier in the file: ignored.  The one
		 * that replaces it is the last of the run. */
		for (j = i; j + 1 < nv && v[ix[j + 1]]->alias_len ==
		    v[ix[j]]->alias_len && memcmp(v[ix[j + 1]]->alias,
		    v[ix[j]]->alias, v[ix[j]]->alias_len) == 0; j++)
			/* nothing */;
		if (drop == NULL)
			drop = xcalloc(nv, sizeof *drop);
		drop[ix[i - 1]] = true;
		ks->ignored = xreallocarray(ks->ignored, ks->nignored + 1,
		    sizeof *ks->ignored);
		ig = &ks->ignored[ks->nignored++];
		ig->e = v[ix[i - 1]];
		ig->pos = ix[i - 1] + 1;
		ig->by_pos = ix[j] + 1;
	}
	free(ix);
	if (drop == NULL)
		return (nv);
	qsort(ks->ignored, ks->nignored, sizeof *ks->ignored, jks_ig_cmp);
	for (i = 0, n = 0; i < nv; i++)
		if (!drop[i])
			v[n++] = v[i];
	free(drop);
	return (n);
}

/* Parse a JKS or JCEKS file into ks; verify the digest when pass != NULL. */
int
jks_load(const unsigned char *buf, size_t len, const struct secret *pass,
    int flags, struct keystore *ks, char **cause)
{
	struct jks_rd	 r = { buf, len, 0, false };
	struct jks_ctx	 c;
	struct jks_digest_job dj;
	struct ks_entry	**v = NULL, *e;
	unsigned char	 md[JKS_DIGEST_LEN];
	size_t		 nv = 0, cap = 0, i, left;
	uint32_t	 magic;
	bool		 trunc = false;
	int		 rc = -1;

	memset(&c, 0, sizeof c);
	c.ks = ks;
	jks_digest_start(&dj, buf, len, pass);
	if (jks_rd_u32(&r, &magic) != 0) {
		cause_set(cause, "file is truncated (header)");
		goto out;
	}
	if (magic == JKS_MAGIC)
		c.format = KS_FMT_JKS;
	else if (magic == JCEKS_MAGIC)
		c.format = KS_FMT_JCEKS;
	else {
		cause_set(cause, "not a JKS or JCEKS keystore (magic %08X)",
		    magic);
		goto out;
	}
	if (jks_rd_u32(&r, &c.version) != 0) {
		cause_set(cause, "file is truncated (header)");
		goto out;
	}
	if (c.version != 1 && c.version != 2) {
		cause_set(cause, "unsupported %s version %u (1 and 2 exist)",
		    ks_format_name(c.format), c.version);
		goto out;
	}
	if (jks_rd_u32(&r, &c.count) != 0) {
		cause_set(cause, "file is truncated (header)");
		goto out;
	}

	/* The count is untrusted: the array grows as entries are read. */
	for (i = 0; i < c.count; i++) {
		c.n = i + 1;
		if (jks_load_entry(&r, &c, &e, &trunc, cause) != 0) {
			if (trunc)
				cause_set(cause, "file is truncated (entry %u "
				    "of %u)", c.n, c.count);
			goto out;
		}
		if (nv == cap) {
			cap = cap != 0 ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[nv++] = e;
	}

	left = len - r.off;
	if (left < JKS_DIGEST_LEN) {
		cause_set(cause, "file is truncated (integrity digest)");
		goto out;
	}
	if (left > JKS_DIGEST_LEN) {
		cause_set(cause, "%zu bytes of unexpected data after the "
		    "integrity digest", left - JKS_DIGEST_LEN);
		goto out;
	}
	ks->verified = false;
	if (pass != NULL) {
		if (jks_digest_get(&dj, buf, r.off, pass, md, cause) != 0)
			goto out;
		if (CRYPTO_memcmp(md, buf + r.off, JKS_DIGEST_LEN) != 0) {
			cause_set(cause, "keystore password is incorrect, or "
			    "the file was tampered with");
			goto out;
		}
		ks->verified = true;
	}

	ks->format = c.format;
	ks->jks_version = (int)c.version;
	nv = jks_dedup(ks, v, nv);
	if (ks->entries == NULL) {
		ks->entries = v;
		ks->nentries = nv;
		v = NULL;
	} else {
		for (i = 0; i < nv; i++)
			keystore_add(ks, v[i]);
	}
	nv = 0;
	rc = 0;
out:
	jks_digest_wait(&dj);
	free(dj.cause);
	for (i = 0; i < nv; i++)
		ks_entry_free(v[i]);
	free(v);
	return (rc);
}

/* ------------------------------------------------------------------ */
/*
 * Reading a file piece by piece (kslist.c lists a large keystore without
 * holding it): the header, where each entry ends, one entry parsed as
 * jks_load parses it, and the keyed digest fed as the pieces go by.
 */

/* The 12-byte header; -1 when it is not a JKS or JCEKS one jks_load reads. */
int
jks_stream_header(const unsigned char *p, size_t len, struct jks_stream *h)
{
	struct jks_rd	r = { p, len, 0, false };
	uint32_t	magic;

	if (jks_rd_u32(&r, &magic) != 0 || jks_rd_u32(&r, &h->version) != 0 ||
	    jks_rd_u32(&r, &h->count) != 0)
		return (-1);
	if (magic == JKS_MAGIC)
		h->format = KS_FMT_JKS;
	else if (magic == JCEKS_MAGIC)
		h->format = KS_FMT_JCEKS;
	else
		return (-1);
	if (h->version != 1 && h->version != 2)
		return (-1);
	return (0);
}

/* Step over one certificate as jks_load_cert reads it. */
static int
jks_skip_cert(struct jks_rd *r, const struct jks_stream *h)
{
	uint16_t	tlen;
	uint32_t	clen;

	if (h->version == 2 && (jks_rd_u16(r, &tlen) != 0 ||
	    jks_rd_bytes(r, tlen, NULL) != 0))
		return (-1);
	if (jks_rd_u32(r, &clen) != 0 || jks_rd_bytes(r, clen, NULL) != 0)
		return (-1);
	return (0);
}

/*
 * Where the entry at p ends: 1 with *elen set, 0 when it goes on past len
 * (read more), -1 when it is malformed.  Nothing is decoded: this only
 * follows the lengths (jks_stream_entry checks the rest).
 */
int
jks_stream_skip(const struct jks_stream *h, const unsigned char *p,
    size_t len, size_t *elen)
{
	struct jks_rd	r = { p, len, 0, false };
	uint32_t	tag, plen, nchain, j;
	uint16_t	n;
	uint64_t	date;

	if (jks_rd_u32(&r, &tag) != 0)
		goto fail;
	if (tag < 1 || tag > 3 || (tag == 3 && h->format != KS_FMT_JCEKS))
		return (-1);
	if (jks_rd_u16(&r, &n) != 0 || jks_rd_bytes(&r, n, NULL) != 0 ||
	    jks_rd_u64(&r, &date) != 0)
		goto fail;
	switch (tag) {
	case 1:
		if (jks_rd_u32(&r, &plen) != 0 ||
		    jks_rd_bytes(&r, plen, NULL) != 0 ||
		    jks_rd_u32(&r, &nchain) != 0)
			goto fail;
		for (j = 0; j < nchain; j++)
			if (jks_skip_cert(&r, h) != 0)
				goto fail;
		break;
	case 2:
		if (jks_skip_cert(&r, h) != 0)
			goto fail;
		break;
	default:
		if (jser_skip(&r) != 0)
			goto fail;
		break;
	}
	*elen = r.off;
	return (1);
fail:
	return (r.short_read ? 0 : -1);
}

/*
 * Parse entry n (1-based) of the file, the len bytes at p that
 * jks_stream_skip measured, into *ep, with ks (its backing the piece
 * holding p, its arena for the entry) as jks_load would.
 */
int
jks_stream_entry(const struct jks_stream *h, uint32_t n,
    const unsigned char *p, size_t len, struct keystore *ks,
    struct ks_entry **ep, char **cause)
{
	struct jks_rd	 r = { p, len, 0, false };
	struct jks_ctx	 c;
	bool		 trunc = false;

	memset(&c, 0, sizeof c);
	c.format = h->format;
	c.version = h->version;
	c.count = h->count;
	c.n = n;
	c.ks = ks;
	if (jks_load_entry(&r, &c, ep, &trunc, cause) != 0) {
		if (trunc)
			cause_set(cause, "file is truncated (entry %u of %u)",
			    c.n, c.count);
		return (-1);
	}
	if (r.off != len) {
		ks_entry_free(*ep);
		*ep = NULL;
		cause_set(cause, "entry %u of %u: not where it was measured",
		    c.n, c.count);
		return (-1);
	}
	return (0);
}

/*
 * The keyed digest's SHA-1 context, password and whitener fed: the file's
 * bytes before the last JKS_STREAM_DIGEST_LEN follow (EVP_DigestUpdate),
 * then EVP_DigestFinal_ex.
 */
struct evp_md_ctx_st *
jks_stream_digest(const struct secret *pass, char **cause)
{
	struct secret	*u;
	EVP_MD_CTX	*ctx;

	u = secret_utf16be(pass);
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, u->buf, u->len) != 1 ||
	    EVP_DigestUpdate(ctx, JKS_WHITENER, strlen(JKS_WHITENER)) != 1) {
		cause_ssl(cause, "SHA-1");
		EVP_MD_CTX_free(ctx);
		ctx = NULL;
	}
	secret_free(u);
	return (ctx);
}

/* ------------------------------------------------------------------ */
/* Key protection. */

/*
 * The Sun key protector keystream (docs/formats.md, The key protector):
 * D1 = SHA1(K || salt),
 * Di+1 = SHA1(K || Di); data ^= D1 || D2 || ...  k is the UTF-16BE password.
 */
static int
jks_sun_xor(const struct secret *k, const unsigned char *salt,
    unsigned char *data, size_t n, char **cause)
{
	EVP_MD_CTX	*ctx;
	unsigned char	 d[JKS_SALT_LEN];
	size_t		 off, i, m;
	int		 rc = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		cause_ssl(cause, "EVP_MD_CTX_new");
		return (-1);
	}
	memcpy(d, salt, sizeof d);
	for (off = 0; off < n; off += sizeof d) {
		if (EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1 ||
		    EVP_DigestUpdate(ctx, k->buf, k->len) != 1 ||
		    EVP_DigestUpdate(ctx, d, sizeof d) != 1 ||
		    EVP_DigestFinal_ex(ctx, d, NULL) != 1) {
			cause_ssl(cause, "SHA-1");
			goto out;
		}
		m = n - off < sizeof d ? n - off : sizeof d;
		for (i = 0; i < m; i++)
			data[off + i] ^= d[i];
	}
	rc = 0;
out:
	OPENSSL_cleanse(d, sizeof d);
	EVP_MD_CTX_free(ctx);
	return (rc);
}

/* check = SHA1(K || plaintext). */
static int
jks_sun_check(const struct secret *k, const unsigned char *plain, size_t n,
    unsigned char out[JKS_DIGEST_LEN], char **cause)
{
	EVP_MD_CTX	*ctx;
	int		 rc = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		cause_ssl(cause, "EVP_MD_CTX_new");
		return (-1);
	}
	if (EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, k->buf, k->len) != 1 ||
	    EVP_DigestUpdate(ctx, plain, n) != 1 ||
	    EVP_DigestFinal_ex(ctx, out, NULL) != 1) {
		cause_ssl(cause, "SHA-1");
		goto out;
	}
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	return (rc);
}

/*
 * Undo the Sun key protector: 0 with the plaintext, 1 on a wrong password,
 * -1 on another error.
 */
static int
jks_sun_recover(const unsigned char *data, size_t len,
    const struct secret *pass, unsigned char **plainp, size_t *plenp,
    char **cause)
{
	struct secret	*k;
	unsigned char	*plain = NULL, check[JKS_DIGEST_LEN];
	size_t		 n;
	int		 rc = -1;

	*plainp = NULL;
	*plenp = 0;
	if (len <= JKS_SALT_LEN + JKS_DIGEST_LEN) {
		cause_set(cause, "protected key is too short");
		return (-1);
	}
	n = len - JKS_SALT_LEN - JKS_DIGEST_LEN;
	k = secret_utf16be(pass);
	plain = xmemdup(data + JKS_SALT_LEN, n);
	if (jks_sun_xor(k, data, plain, n, cause) != 0 ||
	    jks_sun_check(k, plain, n, check, cause) != 0)
		goto out;
	if (CRYPTO_memcmp(check, data + len - JKS_DIGEST_LEN,
	    sizeof check) != 0) {
		rc = 1;
		goto out;
	}
	*plainp = plain;
	*plenp = n;
	plain = NULL;
	rc = 0;
out:
	if (plain != NULL) {
		OPENSSL_cleanse(plain, n);
		free(plain);
	}
	secret_free(k);
	return (rc);
}

/*
 * The JCEKS PBEWithMD5AndTripleDES key and IV (docs/formats.md, JCEKS key
 * protection): each salt
 * half is hashed with the password count times; 24 key bytes, 8 IV bytes.
 */
static int
jks_pbe3des_kdf(const unsigned char salt_in[8], long iter,
    const struct secret *pw, unsigned char out[32], char **cause)
{
	EVP_MD_CTX	*ctx;
	EVP_MD		*md;
	unsigned char	 salt[8], d[EVP_MAX_MD_SIZE], t;
	unsigned int	 dlen;
	long		 j;
	int		 i, rc = -1;

	memcpy(salt, salt_in, sizeof salt);
	if (memcmp(salt, salt + 4, 4) == 0) {
		for (i = 0; i < 2; i++) {
			t = salt[i];
			salt[i] = salt[3 - i];
			salt[3 - i] = t;
		}
	}
	ctx = EVP_MD_CTX_new();
	md = EVP_MD_fetch(NULL, "MD5", NULL);
	if (ctx == NULL || md == NULL) {
		cause_ssl(cause, "MD5 is not available");
		goto out;
	}
	for (i = 0; i < 2; i++) {
		memcpy(d, salt + 4 * i, 4);
		dlen = 4;
		for (j = 0; j < iter; j++) {
			if (EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
			    EVP_DigestUpdate(ctx, d, dlen) != 1 ||
			    EVP_DigestUpdate(ctx, pw->buf, pw->len) != 1 ||
			    EVP_DigestFinal_ex(ctx, d, &dlen) != 1) {
				cause_ssl(cause, "MD5");
				goto out;
			}
		}
		memcpy(out + 16 * i, d, 16);
	}
	rc = 0;
out:
	OPENSSL_cleanse(d, sizeof d);
	EVP_MD_free(md);
	EVP_MD_CTX_free(ctx);
	return (rc);
}

/*
 * Undo JCEKS PBEWithMD5AndTripleDES: 0 with the plaintext, 1 on a wrong
 * password (bad padding), -1 on another error.
 */
static int
jks_pbe3des_recover(int ptype, const void *pval, const unsigned char *data,
    size_t len, const struct secret *pass, unsigned char **plainp,
    size_t *plenp, char **cause)
{
	const ASN1_STRING	*seq = pval;
	const unsigned char	*p, *end;
	PBEPARAM		*pbe = NULL;
	EVP_CIPHER_CTX		*cctx = NULL;
	unsigned char		 kiv[32], *plain = NULL;
	int64_t			 iter;
	int			 n1 = 0, n2 = 0, rc = -1;

	*plainp = NULL;
	*plenp = 0;
	/* SEQUENCE { OCTET STRING salt, INTEGER iterationCount } */
	if (ptype == V_ASN1_SEQUENCE && seq != NULL) {
		p = ASN1_STRING_get0_data(seq);
		end = p + ASN1_STRING_length(seq);
		pbe = d2i_PBEPARAM(NULL, &p, ASN1_STRING_length(seq));
		if (pbe != NULL && p != end) {
			PBEPARAM_free(pbe);
			pbe = NULL;
		}
	}
	if (pbe == NULL) {
		cause_ssl_clear();
		cause_set(cause, "malformed PBEWithMD5AndTripleDES parameters");
		goto out;
	}
	if (ASN1_STRING_length(pbe->salt) != 8) {
		cause_set(cause, "PBEWithMD5AndTripleDES salt is not 8 bytes");
		goto out;
	}
	if (ASN1_INTEGER_get_int64(&iter, pbe->iter) != 1 || iter < 1 ||
	    iter > JCEKS_MAX_ITER) {
		cause_ssl_clear();
		cause_set(cause, "PBEWithMD5AndTripleDES iteration count out "
		    "of range (1 to %d)", JCEKS_MAX_ITER);
		goto out;
	}
	if (len == 0 || len % 8 != 0 || len > INT_MAX - 16) {
		cause_set(cause, "encrypted key has a bad length (%zu)", len);
		goto out;
	}
	if (jks_pbe3des_kdf(ASN1_STRING_get0_data(pbe->salt), (long)iter,
	    pass, kiv, cause) != 0)
		goto out;
	plain = xmalloc(len + 8);
	if ((cctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_DecryptInit_ex(cctx, EVP_des_ede3_cbc(), NULL, kiv,
	    kiv + 24) != 1 ||
	    EVP_DecryptUpdate(cctx, plain, &n1, data, (int)len) != 1) {
		cause_ssl(cause, "DES-EDE3-CBC");
		goto out;
	}
	if (EVP_DecryptFinal_ex(cctx, plain + n1, &n2) != 1) {
		/* Bad padding: the key was wrong. */
		cause_ssl_clear();
		rc = 1;
		goto out;
	}
	*plainp = plain;
	*plenp = (size_t)n1 + (size_t)n2;
	plain = NULL;
	rc = 0;
out:
	if (plain != NULL) {
		OPENSSL_cleanse(plain, len + 8);
		free(plain);
	}
	OPENSSL_cleanse(kiv, sizeof kiv);
	EVP_CIPHER_CTX_free(cctx);
	PBEPARAM_free(pbe);
	return (rc);
}

/* The dotted OID of an AlgorithmIdentifier, into buf. */
static void
jks_alg_oid(const X509_ALGOR *alg, char *buf, size_t len, int *ptype,
    const void **pval)
{
	const ASN1_OBJECT	*obj;

	X509_ALGOR_get0(&obj, ptype, pval, alg);
	if (OBJ_obj2txt(buf, (int)len, obj, 1) <= 0)
		buf[0] = '\0';
}

/* Does this protected key use the Sun key protector (JKS-writable)? */
static bool
jks_prot_is_sun(const unsigned char *prot, size_t len)
{
	const unsigned char	*p = prot;
	const X509_ALGOR	*alg;
	const ASN1_OCTET_STRING	*oct;
	const void		*pval;
	X509_SIG		*sig;
	char			 oid[80];
	int			 ptype;
	bool			 ok = false;

	if (len > LONG_MAX)
		return (false);
	if ((sig = d2i_X509_SIG(NULL, &p, (long)len)) == NULL) {
		cause_ssl_clear();
		return (false);
	}
	if (p == prot + len) {
		X509_SIG_get0(sig, &alg, &oct);
		jks_alg_oid(alg, oid, sizeof oid, &ptype, &pval);
		ok = strcmp(oid, OID_SUN_PROTECTOR) == 0 &&
		    (ptype == V_ASN1_UNDEF || ptype == V_ASN1_NULL);
	}
	X509_SIG_free(sig);
	return (ok);
}

/* Decrypt the key of entry e into e->pkey (Sun protector or JCEKS 3DES). */
int
jks_recover_key(const struct keystore *ks, struct ks_entry *e,
    const struct secret *keypass, char **cause)
{
	const unsigned char	*p;
	const X509_ALGOR	*alg;
	const ASN1_OCTET_STRING	*oct;
	const void		*pval;
	X509_SIG		*sig = NULL;
	PKCS8_PRIV_KEY_INFO	*p8 = NULL;
	EVP_PKEY		*pkey = NULL, *pub;
	struct x509_st		*x;
	unsigned char		*plain = NULL;
	size_t			 plen = 0;
	char			 oid[80], *alias, *why = NULL;
	const char		*path;
	int			 ptype, r = -1, rc = -1;

	path = ks->path != NULL ? ks->path : "keystore";
	alias = jks_alias_disp(e->alias, e->alias_len);
	if (e->pkey != NULL) {
		rc = 0;
		goto out;
	}
	if (e->type != KS_ENTRY_KEY || e->prot == NULL) {
		cause_set(cause, "%s: entry \"%s\" has no private key", path,
		    alias);
		goto out;
	}
	if (keypass == NULL) {
		cause_set(cause, "%s: cannot recover key \"%s\": key password "
		    "needed", path, alias);
		goto out;
	}

	p = e->prot;
	if (e->prot_len > LONG_MAX ||
	    (sig = d2i_X509_SIG(NULL, &p, (long)e->prot_len)) == NULL ||
	    p != e->prot + e->prot_len) {
		cause_ssl_clear();
		cause_set(cause, "%s: cannot recover key \"%s\": the stored "
		    "key is not a valid EncryptedPrivateKeyInfo", path, alias);
		goto out;
	}
	X509_SIG_get0(sig, &alg, &oct);
	jks_alg_oid(alg, oid, sizeof oid, &ptype, &pval);
	if (strcmp(oid, OID_SUN_PROTECTOR) == 0) {
		/* JDK 17 writes a NULL parameter, JDK 25 none. */
		if (ptype != V_ASN1_UNDEF && ptype != V_ASN1_NULL) {
			cause_set(cause, "%s: cannot recover key \"%s\": "
			    "unexpected key protector parameters", path,
			    alias);
			goto out;
		}
		r = jks_sun_recover(ASN1_STRING_get0_data(oct),
		    (size_t)ASN1_STRING_length(oct), keypass, &plain, &plen,
		    &why);
	} else if (strcmp(oid, OID_PBE_MD5_3DES) == 0) {
		r = jks_pbe3des_recover(ptype, pval,
		    ASN1_STRING_get0_data(oct),
		    (size_t)ASN1_STRING_length(oct), keypass, &plain, &plen,
		    &why);
	} else {
		cause_set(cause, "%s: cannot recover key \"%s\": unsupported "
		    "key protection algorithm %s", path, alias,
		    oid[0] != '\0' ? oid : "(unknown)");
		goto out;
	}
	if (r == 1)
		goto wrong;
	if (r != 0) {
		cause_set(cause, "%s: cannot recover key \"%s\": %s", path,
		    alias, why != NULL ? why : "failed");
		goto out;
	}

	p = plain;
	if (plen > LONG_MAX ||
	    (p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)plen)) == NULL) {
		cause_ssl_clear();
		/*
		 * The Sun protector has a check value, so a bad plaintext
		 * means a corrupt key; 3DES padding passes by chance 1 in
		 * 256 times, so there it means a wrong password.
		 */
		if (strcmp(oid, OID_PBE_MD5_3DES) == 0)
			goto wrong;
		cause_set(cause, "%s: cannot recover key \"%s\": the "
		    "decrypted key is not PKCS#8", path, alias);
		goto out;
	}
	if ((pkey = EVP_PKCS82PKEY(p8)) == NULL) {
		cause_ssl(cause, "%s: cannot recover key \"%s\": cannot decode "
		    "the private key", path, alias);
		goto out;
	}
	if (e->nchain > 0) {
		if ((x = cert_x509(e->chain[0], &why)) == NULL) {
			cause_set(cause, "%s: key \"%s\": cannot decode its "
			    "certificate: %s", path, alias,
			    why != NULL ? why : "failed");
			goto out;
		}
		pub = X509_get0_pubkey(x);
		if (pub == NULL || EVP_PKEY_eq(pub, pkey) != 1) {
			cause_ssl_clear();
			cause_set(cause, "%s: key \"%s\" does not match its "
			    "certificate", path, alias);
			goto out;
		}
	}
	e->pkey = pkey;
	pkey = NULL;
	rc = 0;
	goto out;
wrong:
	cause_set(cause, "%s: cannot recover key \"%s\": wrong key password",
	    path, alias);
out:
	if (plain != NULL) {
		OPENSSL_cleanse(plain, plen);
		free(plain);
	}
	PKCS8_PRIV_KEY_INFO_free(p8);
	EVP_PKEY_free(pkey);
	X509_SIG_free(sig);
	free(why);
	free(alias);
	return (rc);
}

/* The key in a decrypted sealed object; see core.h. */
int
jks_unsealed_key(const unsigned char *plain, size_t plen,
    struct secret **keyp, char **algp)
{
	struct jks_rd		 r;
	struct jser		 js;
	const struct jser_val	*alg, *key, *fmt, *type;
	size_t			 i;
	int			 rc = -1;

	*keyp = NULL;
	*algp = NULL;
	r.p = plain;
	r.len = plen;
	r.off = 0;
	r.short_read = false;
	if (jser_parse(&r, &js, true) != 0 || r.off != plen)
		goto out;
	if ((alg = jser_field(&js, "algorithm", 's')) == NULL)
		goto out;
	if ((key = jser_field(&js, "key", 'b')) == NULL) {
		/* KeyRep: the form of keys with writeReplace */
		key = jser_field(&js, "encoded", 'b');
		fmt = jser_field(&js, "format", 's');
		type = jser_field(&js, "type", 'e');
		if (key == NULL || !jser_is(fmt, "RAW") ||
		    !jser_is(type, "SECRET"))
			goto out;
	}
	if (key->len == 0 || alg->len == 0 || alg->len > 64)
		goto out;
	for (i = 0; i < alg->len; i++)
		if (alg->p[i] <= 0x20 || alg->p[i] >= 0x7f)
			goto out;
	*keyp = secret_new(key->p, key->len);
	*algp = xstrndup((const char *)alg->p, alg->len);
	rc = 0;
out:
	jser_free(&js);
	return (rc);
}

/*
 * The key of a JCEKS secret key entry (docs/formats.md, JCEKS secret key
 * entries): the sealed object's encryptedContent, decrypted with
 * PBEWithMD5AndTripleDES (its encodedParams) and the key password, is a
 * second serialization stream holding a javax.crypto.spec.SecretKeySpec
 * (algorithm, key) or a java.security.KeyRep (SECRET, RAW).
 */
int
jks_recover_secret(const struct keystore *ks, struct ks_entry *e,
    const struct secret *keypass, char **cause)
{
	struct jks_rd		 r;
	struct jser		 js;
	const struct jser_val	*ec, *ep, *sa;
	ASN1_STRING		*params = NULL;
	struct secret		*key;
	unsigned char		*plain = NULL;
	size_t			 plen = 0;
	const char		*path;
	char			*alias, *why = NULL, *algname;
	int			 x, rc = -1;

	memset(&js, 0, sizeof js);
	path = ks->path != NULL ? ks->path : "keystore";
	alias = jks_alias_disp(e->alias, e->alias_len);
	if (e->secret != NULL) {
		rc = 0;
		goto out;
	}
	if (e->type != KS_ENTRY_SECRET || e->prot == NULL) {
		cause_set(cause, "%s: entry \"%s\" has no secret key", path,
		    alias);
		goto out;
	}
	if (keypass == NULL) {
		cause_set(cause, "%s: cannot recover secret key \"%s\": key "
		    "password needed", path, alias);
		goto out;
	}
	r.p = e->prot;
	r.len = e->prot_len;
	r.off = 0;
	r.short_read = false;
	if (jser_parse(&r, &js, true) != 0 ||
	    (ec = jser_field(&js, "encryptedContent", 'b')) == NULL ||
	    (ep = jser_field(&js, "encodedParams", 'b')) == NULL ||
	    (sa = jser_field(&js, "sealAlg", 's')) == NULL) {
		cause_set(cause, "%s: cannot recover secret key \"%s\": it is "
		    "not a sealed key as Java writes it", path, alias);
		goto out;
	}
	if (!jser_is(sa, "PBEWithMD5AndTripleDES")) {
		cause_set(cause, "%s: cannot recover secret key \"%s\": "
		    "unsupported sealing algorithm", path, alias);
		goto out;
	}
	if (ep->len > INT_MAX || (params = ASN1_STRING_new()) == NULL ||
	    !ASN1_STRING_set(params, ep->p, (int)ep->len)) {
		cause_ssl(cause, "ASN1_STRING_set");
		goto out;
	}
	x = jks_pbe3des_recover(V_ASN1_SEQUENCE, params, ec->p, ec->len,
	    keypass, &plain, &plen, &why);
	if (x == 1)
		goto wrong;
	if (x != 0) {
		cause_set(cause, "%s: cannot recover secret key \"%s\": %s",
		    path, alias, why != NULL ? why : "failed");
		goto out;
	}
	/* 3DES padding passes by chance: a bad plaintext is a wrong
	 * password too. */
	if (jks_unsealed_key(plain, plen, &key, &algname) != 0)
		goto wrong;
	secret_free(e->secret);
	e->secret = key;
	free(e->secret_alg);
	e->secret_alg = algname;
	rc = 0;
	goto out;
wrong:
	cause_set(cause, "%s: cannot recover secret key \"%s\": wrong key "
	    "password", path, alias);
out:
	jser_free(&js);
	if (plain != NULL) {
		OPENSSL_cleanse(plain, plen);
		free(plain);
	}
	ASN1_STRING_free(params);
	free(why);
	free(alias);
	return (rc);
}

/* Protect pkey with the Sun key protector: EncryptedPrivateKeyInfo DER. */
int
jks_protect_key(struct evp_pkey_st *pkey, const struct secret *pass,
    unsigned char **out, size_t *outlen, char **cause)
{
	PKCS8_PRIV_KEY_INFO	*p8 = NULL;
	X509_SIG		*sig = NULL;
	X509_ALGOR		*alg;
	ASN1_OCTET_STRING	*oct;
	ASN1_OBJECT		*obj = NULL;
	struct secret		*k = NULL;
	unsigned char		*plain = NULL, *data = NULL, *q;
	size_t			 dlen = 0;
	int			 plen = 0, n, rc = -1;

	*out = NULL;
	*outlen = 0;
	if (pkey == NULL || pass == NULL) {
		cause_set(cause, "no key or password to protect it with");
		goto out;
	}
	/* The plaintext is PKCS#8 (docs/formats.md, The key protector). */
	if ((p8 = EVP_PKEY2PKCS8(pkey)) == NULL ||
	    (plen = i2d_PKCS8_PRIV_KEY_INFO(p8, NULL)) <= 0) {
		cause_ssl(cause, "cannot encode the private key as PKCS#8");
		goto out;
	}
	plain = xmalloc(plen);
	q = plain;
	if (i2d_PKCS8_PRIV_KEY_INFO(p8, &q) != plen) {
		cause_ssl(cause, "cannot encode the private key as PKCS#8");
		goto out;
	}

	/* salt(20) || plaintext ^ keystream || SHA1(K || plaintext) */
	dlen = JKS_SALT_LEN + (size_t)plen + JKS_DIGEST_LEN;
	data = xmalloc(dlen);
	if (RAND_bytes(data, JKS_SALT_LEN) != 1) {
		cause_ssl(cause, "RAND_bytes");
		goto out;
	}
	k = secret_utf16be(pass);
	memcpy(data + JKS_SALT_LEN, plain, plen);
	if (jks_sun_check(k, plain, plen, data + JKS_SALT_LEN + plen,
	    cause) != 0 ||
	    jks_sun_xor(k, data, data + JKS_SALT_LEN, plen, cause) != 0)
		goto out;

	/* EncryptedPrivateKeyInfo with the JDK 17 form (NULL parameter). */
	if ((sig = X509_SIG_new()) == NULL ||
	    (obj = OBJ_txt2obj(OID_SUN_PROTECTOR, 1)) == NULL) {
		cause_ssl(cause, "X509_SIG_new");
		goto out;
	}
	X509_SIG_getm(sig, &alg, &oct);
	if (X509_ALGOR_set0(alg, obj, V_ASN1_NULL, NULL) != 1) {
		cause_ssl(cause, "X509_ALGOR_set0");
		goto out;
	}
	obj = NULL;
	if (ASN1_OCTET_STRING_set(oct, data, (int)dlen) != 1 ||
	    (n = i2d_X509_SIG(sig, NULL)) <= 0) {
		cause_ssl(cause, "cannot encode EncryptedPrivateKeyInfo");
		goto out;
	}
	*out = xmalloc(n);
	q = *out;
	if (i2d_X509_SIG(sig, &q) != n) {
		cause_ssl(cause, "cannot encode EncryptedPrivateKeyInfo");
		free(*out);
		*out = NULL;
		goto out;
	}
	*outlen = (size_t)n;
	rc = 0;
out:
	if (plain != NULL) {
		OPENSSL_cleanse(plain, plen);
		free(plain);
	}
	if (data != NULL) {
		OPENSSL_cleanse(data, dlen);
		free(data);
	}
	ASN1_OBJECT_free(obj);
	X509_SIG_free(sig);
	PKCS8_PRIV_KEY_INFO_free(p8);
	secret_free(k);
	return (rc);
}

/* ------------------------------------------------------------------ */
/* Writing. */

/* An alias as it will be written, for the collision check. */
struct jks_walias {
	unsigned char	*m;		/* lower-cased modified UTF-8 */
	size_t		 len;
	size_t		 idx;		/* entry index */
};

/* qsort comparator for written aliases. */
static int
jks_walias_cmp(const void *a, const void *b)
{
	const struct jks_walias	*x = a, *y = b;
	size_t			 n = x->len < y->len ? x->len : y->len;
	int			 r;

	if ((r = memcmp(x->m, y->m, n)) != 0)
		return (r);
	if (x->len != y->len)
		return (x->len < y->len ? -1 : 1);
	return (x->idx < y->idx ? -1 : x->idx > y->idx);
}

/* Append one certificate: type string, u4 length, DER. */
static int
jks_write_cert(struct jks_buf *b, const struct cert *c, const char *alias,
    char **cause)
{
	if (c->len > UINT32_MAX) {
		cause_set(cause, "entry \"%s\": certificate too large", alias);
		return (-1);
	}
	jks_buf_u16(b, strlen(JKS_CERT_TYPE));
	jks_buf_add(b, JKS_CERT_TYPE, strlen(JKS_CERT_TYPE));
	jks_buf_u32(b, (uint32_t)c->len);
	jks_buf_add(b, c->der, c->len);
	return (0);
}

/* Append one entry (alias already encoded). */
static int
jks_write_entry(struct jks_buf *b, const struct ks_entry *e,
    const struct jks_walias *wa, const struct secret *pass, int64_t now_ms,
    char **cause)
{
	unsigned char	*prot = NULL;
	size_t		 plen = 0, i;
	char		*alias, *why = NULL;
	int64_t		 date;
	int		 rc = -1;

	alias = jks_alias_disp(e->alias, e->alias_len);
	date = (e->flags & KS_EF_NO_DATE) ? now_ms : e->date_ms;
	switch (e->type) {
	case KS_ENTRY_KEY:
		if (e->prot != NULL && jks_prot_is_sun(e->prot, e->prot_len)) {
			/* Unchanged: written back bit for bit. */
			prot = xmemdup(e->prot, e->prot_len);
			plen = e->prot_len;
		} else if (e->pkey != NULL) {
			if (jks_protect_key(e->pkey, e->keypass != NULL ?
			    e->keypass : pass, &prot, &plen, &why) != 0) {
				cause_set(cause, "entry \"%s\": %s", alias,
				    why != NULL ? why : "cannot protect it");
				goto out;
			}
		} else {
			cause_set(cause, "entry \"%s\": the key is protected "
			    "in a form JKS cannot hold and was not recovered; "
			    "give its key password first", alias);
			goto out;
		}
		if (plen > UINT32_MAX || e->nchain > UINT32_MAX) {
			cause_set(cause, "entry \"%s\": too large", alias);
			goto out;
		}
		jks_buf_u32(b, 1);
		jks_buf_u16(b, (uint16_t)wa->len);
		jks_buf_add(b, wa->m, wa->len);
		jks_buf_u64(b, (uint64_t)date);
		jks_buf_u32(b, (uint32_t)plen);
		jks_buf_add(b, prot, plen);
		jks_buf_u32(b, (uint32_t)e->nchain);
		for (i = 0; i < e->nchain; i++)
			if (jks_write_cert(b, e->chain[i], alias, cause) != 0)
				goto out;
		break;
	case KS_ENTRY_TRUSTED:
		if (e->nchain != 1) {
			cause_set(cause, "entry \"%s\": a trusted certificate "
			    "entry must hold exactly one certificate (has %zu)",
			    alias, e->nchain);
			goto out;
		}
		jks_buf_u32(b, 2);
		jks_buf_u16(b, (uint16_t)wa->len);
		jks_buf_add(b, wa->m, wa->len);
		jks_buf_u64(b, (uint64_t)date);
		if (jks_write_cert(b, e->chain[0], alias, cause) != 0)
			goto out;
		break;
	case KS_ENTRY_SECRET:
		cause_set(cause, "entry \"%s\" is a secret key, which JKS "
		    "cannot hold; write PKCS12 instead", alias);
		goto out;
	default:
		cause_set(cause, "entry \"%s\": unknown entry type", alias);
		goto out;
	}
	rc = 0;
out:
	if (prot != NULL) {
		OPENSSL_cleanse(prot, plen);
		free(prot);
	}
	free(why);
	free(alias);
	return (rc);
}

/* Serialize ks as a JKS version 2 file keyed with pass. */
int
jks_write(const struct keystore *ks, const struct secret *pass,
    unsigned char **out, size_t *outlen, char **cause)
{
	struct jks_buf		 b = { NULL, 0, 0 };
	struct jks_walias	*wa = NULL, *sorted = NULL;
	const struct ks_entry	*e;
	unsigned char		 md[JKS_DIGEST_LEN];
	char			*a1, *a2;
	size_t			 i, nwa = 0;
	int64_t			 now_ms;
	int			 rc = -1;

	*out = NULL;
	*outlen = 0;
	if (ks->format == KS_FMT_JCEKS) {
		cause_set(cause, "tlsdeck does not write JCEKS; convert the "
		    "keystore to PKCS12 first (tlsdeck convert FILE --to "
		    "pkcs12)");
		goto out;
	}
	if (pass == NULL) {
		cause_set(cause, "a store password is needed to write a JKS "
		    "keystore (it keys the integrity digest)");
		goto out;
	}
	if (ks->nentries > UINT32_MAX) {
		cause_set(cause, "too many entries for JKS");
		goto out;
	}

	/* Encode every alias lower-cased, then refuse collisions. */
	wa = xcalloc(ks->nentries, sizeof *wa);
	for (i = 0; i < ks->nentries; i++) {
		e = ks->entries[i];
		if (jks_mutf8_encode_lower(e->alias, e->alias_len, &wa[i].m,
		    &wa[i].len) != 0) {
			a1 = jks_alias_disp(e->alias, e->alias_len);
			cause_set(cause, "alias \"%s\" is not valid UTF-8 or "
			    "is too long for JKS", a1);
			free(a1);
			goto out;
		}
		wa[i].idx = i;
		nwa = i + 1;
	}
	if (nwa > 1) {
		sorted = xcalloc(nwa, sizeof *sorted);
		memcpy(sorted, wa, nwa * sizeof *sorted);
		qsort(sorted, nwa, sizeof *sorted, jks_walias_cmp);
		for (i = 1; i < nwa; i++) {
			if (sorted[i].len != sorted[i - 1].len ||
			    memcmp(sorted[i].m, sorted[i - 1].m,
			    sorted[i].len) != 0)
				continue;
			e = ks->entries[sorted[i - 1].idx];
			a1 = jks_alias_disp(e->alias, e->alias_len);
			e = ks->entries[sorted[i].idx];
			a2 = jks_alias_disp(e->alias, e->alias_len);
			cause_set(cause, "aliases \"%s\" and \"%s\" are the "
			    "same in JKS, which lower-cases aliases; rename "
			    "one", a1, a2);
			free(a1);
			free(a2);
			goto out;
		}
	}

	now_ms = (int64_t)time(NULL) * 1000;
	jks_buf_u32(&b, JKS_MAGIC);
	jks_buf_u32(&b, 2);
	jks_buf_u32(&b, (uint32_t)ks->nentries);
	for (i = 0; i < ks->nentries; i++) {
		if (jks_write_entry(&b, ks->entries[i], &wa[i], pass, now_ms,
		    cause) != 0)
			goto out;
	}
	if (jks_digest(b.p, b.len, pass, md, cause) != 0)
		goto out;
	jks_buf_add(&b, md, sizeof md);
	*out = b.p;
	*outlen = b.len;
	b.p = NULL;
	rc = 0;
out:
	if (wa != NULL) {
		for (i = 0; i < nwa; i++)
			free(wa[i].m);
		free(wa);
	}
	free(sorted);
	free(b.p);
	return (rc);
}

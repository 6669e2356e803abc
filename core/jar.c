/* SPDX-License-Identifier: ISC */
/*
 * jar.c -- one entry of a jar (ZIP) file, for the little a server kind
 * reads from its server's own jars (Tomcat's ServerInfo.properties in
 * catalina.jar).  The central directory is found from the end record,
 * the entry by its exact name, and its bytes are stored or deflated
 * (zlib, raw inflate).  Untrusted input: every offset and size is
 * checked against the buffer, the output bounded by max; ZIP64,
 * encrypted entries and other methods are refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "core.h"

#define JAR_EOCD_SIG	0x06054b50U
#define JAR_CDIR_SIG	0x02014b50U
#define JAR_LOCAL_SIG	0x04034b50U
#define JAR_EOCD_MIN	22		/* the end record without comment */
#define JAR_CDIR_MIN	46
#define JAR_LOCAL_MIN	30

static uint32_t
jar_u32(const unsigned char *p)
{
	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

static uint16_t
jar_u16(const unsigned char *p)
{
	return ((uint16_t)(p[0] | p[1] << 8));
}

/* Inflate raw deflate data of n bytes into exactly want bytes. */
static int
jar_inflate(const unsigned char *in, size_t n, size_t want, unsigned char **out,
    const char *who, char **cause)
{
	z_stream	 z;
	unsigned char	*buf;
	int		 r;

	buf = xmalloc(want + 1);
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {
		free(buf);
		cause_set(cause, "%s: cannot inflate", who);
		return (-1);
	}
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = buf;
	z.avail_out = (uInt)want;
	r = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	if (r != Z_STREAM_END || z.total_out != want) {
		free(buf);
		cause_set(cause, "%s: corrupt deflated data", who);
		return (-1);
	}
	buf[want] = '\0';
	*out = buf;
	return (0);
}

int
jar_read_mem(const unsigned char *buf, size_t len, const char *jar,
    const char *name, size_t max, unsigned char **out, size_t *outlen,
    char **cause)
{
	const unsigned char	*e = NULL, *c = NULL, *l;
	size_t			 i, nlen = strlen(name), off, coff, csize;
	size_t			 usize, dataoff, entries, k, fn, ex, cm;
	unsigned int		 method, flags;
	char			*who;

	*out = NULL;
	*outlen = 0;
	xasprintf(&who, "%s (%s)", jar != NULL ? jar : "jar", name);
	if (len < JAR_EOCD_MIN)
		goto corrupt;
	/* the end record: at most 65535 bytes of comment after it */
	for (i = len - JAR_EOCD_MIN + 1; i-- > 0;) {
		if (len - i > JAR_EOCD_MIN + 65535)
			break;
		if (jar_u32(buf + i) == JAR_EOCD_SIG) {
			e = buf + i;
			break;
		}
	}
	if (e == NULL)
		goto corrupt;
	entries = jar_u16(e + 10);
	csize = jar_u32(e + 12);
	coff = jar_u32(e + 16);
	if (entries == 0xffff || csize == 0xffffffffU || coff == 0xffffffffU) {
		cause_set(cause, "%s: ZIP64 is not read", who);
		goto fail;
	}
	if (coff > len || csize > len - coff)
		goto corrupt;
	off = coff;
	for (k = 0; k < entries; k++) {
		if (off > coff + csize || coff + csize - off < JAR_CDIR_MIN)
			goto corrupt;
		c = buf + off;
		if (jar_u32(c) != JAR_CDIR_SIG)
			goto corrupt;
		fn = jar_u16(c + 28);
		ex = jar_u16(c + 30);
		cm = jar_u16(c + 32);
		if (coff + csize - off - JAR_CDIR_MIN < fn + ex + cm)
			goto corrupt;
		if (fn == nlen && memcmp(c + JAR_CDIR_MIN, name, nlen) == 0)
			break;
		off += JAR_CDIR_MIN + fn + ex + cm;
	}
	if (k == entries) {
		cause_set(cause, "%s: no such entry", who);
		goto fail;
	}
	flags = jar_u16(c + 8);
	method = jar_u16(c + 10);
	csize = jar_u32(c + 20);
	usize = jar_u32(c + 24);
	dataoff = jar_u32(c + 42);
	if (flags & 1) {
		cause_set(cause, "%s: encrypted", who);
		goto fail;
	}
	if (usize > max) {
		cause_set(cause, "%s: larger than %zu bytes", who, max);
		goto fail;
	}
	if (dataoff > len || len - dataoff < JAR_LOCAL_MIN)
		goto corrupt;
	l = buf + dataoff;
	if (jar_u32(l) != JAR_LOCAL_SIG)
		goto corrupt;
	dataoff += JAR_LOCAL_MIN + jar_u16(l + 26) + jar_u16(l + 28);
	if (dataoff > len || csize > len - dataoff)
		goto corrupt;
	if (method == 0) {
		if (csize != usize)
			goto corrupt;
		*out = xmalloc(usize + 1);
		memcpy(*out, buf + dataoff, usize);
		(*out)[usize] = '\0';
	} else if (method == 8) {
		if (jar_inflate(buf + dataoff, csize, usize, out, who,
		    cause) != 0)
			goto fail;
	} else {
		cause_set(cause, "%s: compression method %u is not read", who,
		    method);
		goto fail;
	}
	*outlen = usize;
	free(who);
	return (0);
corrupt:
	cause_set(cause, "%s: not a readable jar (ZIP) file", who);
fail:
	free(who);
	return (-1);
}

int
jar_read(const char *path, const char *name, size_t max, unsigned char **out,
    size_t *outlen, char **cause)
{
	unsigned char	*buf;
	size_t		 len;
	int		 rc;

	*out = NULL;
	*outlen = 0;
	if (file_read(path, &buf, &len, cause) != 0)
		return (-1);
	rc = jar_read_mem(buf, len, path, name, max, out, outlen, cause);
	free(buf);
	return (rc);
}

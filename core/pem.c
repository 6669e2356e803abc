/* SPDX-License-Identifier: ISC */
/*
 * pem.c -- certificate files (a PEM bundle, one DER certificate, PKCS#7
 * certs-only in DER or PEM) and private keys in PEM or DER.
 *
 * PEM is split into blocks here (so a bad block can be named by its line);
 * certificates are then walked by der.c.  Keys are handed to OpenSSL, with a
 * password callback that never prompts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "core.h"

/* One PEM block. */
struct pem_block {
	char			 label[64];
	const unsigned char	*begin;		/* "-----BEGIN" */
	const unsigned char	*end;		/* after the END line */
	const unsigned char	*body;		/* between the lines */
	size_t			 body_len;
	int			 line;	/* line of BEGIN, from 1 */
	int			 encrypted; /* Proc-Type: 4,ENCRYPTED */
};

/* A list of certificates being read. */
struct pem_certs {
	struct cert	**v;
	size_t		  n;
};

/* Password callback data. */
struct pem_pass {
	const struct secret	*pass;
	int			 asked;
};

/* Line number of position p in buf. */
static int
pem_line(const unsigned char *buf, const unsigned char *p)
{
	int	line = 1;

	for (; buf < p; buf++)
		if (*buf == '\n')
			line++;
	return (line);
}

/* Is c base64 white space? */
static int
pem_space(unsigned char c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\n');
}

/*
 * Find the next block at or after *off.  Returns 1 with b filled, 0 when
 * there are no more blocks, -1 with *cause on a malformed block.
 */
static int
pem_next(const unsigned char *buf, size_t len, size_t *off,
    struct pem_block *b, char **cause)
{
	const unsigned char	*p, *q, *e, *lim = buf + len, *nb;
	char			 endtag[80];
	size_t			 n, tl;

	memset(b, 0, sizeof *b);
	if (*off >= len)
		return (0);
	p = memmem(buf + *off, len - *off, "-----BEGIN ", 11);
	if (p == NULL)
		return (0);
	b->begin = p;
	b->line = pem_line(buf, p);
	q = p + 11;
	for (n = 0; q + n < lim && q[n] != '-' && q[n] != '\n'; n++) {
		if (q[n] < 0x20 || q[n] > 0x7e || n >= sizeof b->label - 1) {
			cause_set(cause, "line %d: malformed BEGIN line",
			    b->line);
			return (-1);
		}
	}
	if (n == 0 || (size_t)(lim - (q + n)) < 5 ||
	    memcmp(q + n, "-----", 5) != 0) {
		cause_set(cause, "line %d: malformed BEGIN line", b->line);
		return (-1);
	}
	memcpy(b->label, q, n);
	b->label[n] = '\0';
	q += n + 5;
	while (q < lim && (*q == ' ' || *q == '\t' || *q == '\r'))
		q++;
	if (q < lim && *q != '\n') {
		cause_set(cause, "line %d: malformed BEGIN line", b->line);
		return (-1);
	}
	if (q < lim)
		q++;
	b->body = q;
	tl = (size_t)snprintf(endtag, sizeof endtag, "-----END %s-----",
	    b->label);
	e = memmem(q, (size_t)(lim - q), endtag, tl);
	nb = memmem(q, (size_t)(lim - q), "-----BEGIN ", 11);
	if (e == NULL || (nb != NULL && nb < e)) {
		cause_set(cause, "line %d: BEGIN %s without END", b->line,
		    b->label);
		return (-1);
	}
	b->body_len = (size_t)(e - q);
	e += tl;
	while (e < lim && *e != '\n')
		e++;
	if (e < lim)
		e++;
	b->end = e;
	*off = (size_t)(e - buf);
	return (1);
}

/*
 * Skip RFC 1421 headers ("Proc-Type: ...", "DEK-Info: ...") at the start
 * of a block body, noting an encrypted block.
 */
static void
pem_skip_headers(struct pem_block *b)
{
	const unsigned char	*p = b->body, *lim = b->body + b->body_len;
	const unsigned char	*nl;

	while (p < lim && pem_space(*p))
		p++;
	nl = memchr(p, '\n', (size_t)(lim - p));
	if (nl == NULL || memchr(p, ':', (size_t)(nl - p)) == NULL)
		return;
	for (;;) {
		nl = memchr(p, '\n', (size_t)(lim - p));
		if (nl == NULL)
			nl = lim;
		if ((size_t)(nl - p) >= 22 &&
		    memcmp(p, "Proc-Type: 4,ENCRYPTED", 22) == 0)
			b->encrypted = 1;
		if (nl - p == 0 || (nl - p == 1 && *p == '\r')) {
			p = nl < lim ? nl + 1 : lim;
			break;
		}
		p = nl < lim ? nl + 1 : lim;
		if (p >= lim)
			break;
	}
	b->body_len = (size_t)(lim - p);
	b->body = p;
}

/* Value of a base64 digit, -1 if none. */
static int
pem_b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	if (c == '+')
		return (62);
	if (c == '/')
		return (63);
	return (-1);
}

/* Strict base64 decode (white space ignored); -1 on bad input. */
static int
pem_b64_decode(const unsigned char *p, size_t len, unsigned char **out,
    size_t *outlen)
{
	unsigned char	*o;
	unsigned	 acc = 0;
	size_t		 i, n = 0, digits = 0, pad = 0;
	int		 v;

	*out = NULL;
	*outlen = 0;
	o = xmalloc(len / 4 * 3 + 3);
	for (i = 0; i < len; i++) {
		if (pem_space(p[i]))
			continue;
		if (p[i] == '=') {
			pad++;
			if (pad > 2)
				goto bad;
			continue;
		}
		if (pad > 0 || (v = pem_b64_val(p[i])) < 0)
			goto bad;
		acc = (acc << 6) | (unsigned)v;
		if (++digits % 4 == 0) {
			o[n++] = (unsigned char)(acc >> 16);
			o[n++] = (unsigned char)(acc >> 8);
			o[n++] = (unsigned char)acc;
			acc = 0;
		}
	}
	if ((digits + pad) % 4 != 0 || (pad > 0 && digits % 4 + pad != 4))
		goto bad;
	if (digits % 4 == 2) {
		o[n++] = (unsigned char)(acc >> 4);
	} else if (digits % 4 == 3) {
		o[n++] = (unsigned char)(acc >> 10);
		o[n++] = (unsigned char)(acc >> 2);
	}
	*out = o;
	*outlen = n;
	return (0);
bad:
	free(o);
	return (-1);
}

/* Add a certificate to the list. */
static void
pem_certs_add(struct pem_certs *l, struct cert *c)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = c;
}

/* Certificates of a PKCS#7 signedData in DER. */
static int
pem_pkcs7(const unsigned char *der, size_t len, struct pem_certs *l,
    char **cause)
{
	const unsigned char	*p = der;
	STACK_OF(X509)		*sk = NULL;
	PKCS7			*p7;
	struct cert		*c;
	int			 i, rc = -1;

	cause_ssl_clear();
	if ((p7 = d2i_PKCS7(NULL, &p, (long)len)) == NULL) {
		cause_ssl(cause, "malformed PKCS#7 data");
		return (-1);
	}
	if (PKCS7_type_is_signed(p7) && p7->d.sign != NULL)
		sk = p7->d.sign->cert;
	else if (PKCS7_type_is_signedAndEnveloped(p7) &&
	    p7->d.signed_and_enveloped != NULL)
		sk = p7->d.signed_and_enveloped->cert;
	else {
		cause_set(cause, "PKCS#7 data is not signedData");
		goto out;
	}
	for (i = 0; i < sk_X509_num(sk); i++) {
		if ((c = cert_from_x509(sk_X509_value(sk, i), cause)) == NULL) {
			cause_prefix(cause, "PKCS#7 certificate %d", i + 1);
			goto out;
		}
		pem_certs_add(l, c);
	}
	rc = 0;
out:
	PKCS7_free(p7);
	return (rc);
}

/* Size of the DER element at p (header and contents), 0 if malformed. */
static size_t
pem_der_size(const unsigned char *p, size_t len)
{
	size_t	n, i, l;

	if (len < 2)
		return (0);
	if (p[1] < 0x80)
		l = p[1], n = 0;
	else {
		n = p[1] & 0x7f;
		if (n == 0 || n > 4 || len < 2 + n)
			return (0);
		for (l = 0, i = 0; i < n; i++)
			l = (l << 8) | p[2 + i];
	}
	if (l > len - 2 - n)
		return (0);
	return (2 + n + l);
}

/* Is a PEM label a private key (or EC parameters that go with one)? */
static int
pem_label_is_key(const char *label)
{
	return (strstr(label, "PRIVATE KEY") != NULL ||
	    strcmp(label, "EC PARAMETERS") == 0);
}

/* Certificates of a PEM text. */
static int
pem_read_blocks(const unsigned char *buf, size_t len, struct pem_certs *l,
    char **cause)
{
	struct pem_block	 b;
	struct cert		*c;
	unsigned char		*der = NULL;
	size_t			 off = 0, dlen, sz;
	int			 r, rc = -1, nblocks = 0, nkeys = 0;

	while ((r = pem_next(buf, len, &off, &b, cause)) == 1) {
		nblocks++;
		if (pem_label_is_key(b.label)) {
			nkeys++;
			continue;
		}
		pem_skip_headers(&b);
		if (strcmp(b.label, "CERTIFICATE") != 0 &&
		    strcmp(b.label, "X509 CERTIFICATE") != 0 &&
		    strcmp(b.label, "TRUSTED CERTIFICATE") != 0 &&
		    strcmp(b.label, "PKCS7") != 0 &&
		    strcmp(b.label, "PKCS #7 SIGNED DATA") != 0) {
			cause_set(cause, "line %d: a \"%s\" block is not a "
			    "certificate", b.line, b.label);
			goto out;
		}
		if (pem_b64_decode(b.body, b.body_len, &der, &dlen) != 0) {
			cause_set(cause, "line %d: bad base64 in the %s block",
			    b.line, b.label);
			goto out;
		}
		if (dlen == 0) {
			cause_set(cause, "line %d: empty %s block", b.line,
			    b.label);
			goto out;
		}
		if (strncmp(b.label, "PKCS", 4) == 0) {
			if (pem_pkcs7(der, dlen, l, cause) != 0) {
				cause_prefix(cause, "line %d", b.line);
				goto out;
			}
		} else {
			sz = dlen;
			if (strcmp(b.label, "TRUSTED CERTIFICATE") == 0 &&
			    (sz = pem_der_size(der, dlen)) == 0)
				sz = dlen;	/* let the walker say why */
			if ((c = cert_new(der, sz, cause)) == NULL) {
				cause_prefix(cause, "line %d", b.line);
				goto out;
			}
			pem_certs_add(l, c);
		}
		free(der);
		der = NULL;
	}
	if (r < 0)
		goto out;
	if (nblocks == 0) {
		cause_set(cause, "no PEM blocks found");
		goto out;
	}
	if (l->n == 0) {
		cause_set(cause, "no certificates found%s", nkeys > 0 ?
		    " (only a private key)" : "");
		goto out;
	}
	rc = 0;
out:
	free(der);
	return (rc);
}

/* Certificates in any supported form; no file name in messages. */
static int
pem_read_any(const unsigned char *buf, size_t len, enum ks_format *fmt,
    struct pem_certs *l, char **cause)
{
	struct cert	*c;
	enum ks_format	 f;

	if (len == 0) {
		cause_set(cause, "file is empty");
		return (-1);
	}
	f = keystore_sniff(buf, len);
	if (fmt != NULL)
		*fmt = f;
	switch (f) {
	case KS_FMT_PEM:
		return (pem_read_blocks(buf, len, l, cause));
	case KS_FMT_DER:
		if ((c = cert_new(buf, len, cause)) == NULL)
			return (-1);
		pem_certs_add(l, c);
		return (0);
	case KS_FMT_PKCS7:
		if (pem_pkcs7(buf, len, l, cause) != 0)
			return (-1);
		if (l->n == 0) {
			cause_set(cause, "no certificates in the PKCS#7 data");
			return (-1);
		}
		return (0);
	case KS_FMT_JKS:
	case KS_FMT_JCEKS:
	case KS_FMT_PKCS12:
		cause_set(cause, "is a %s keystore, not a certificate file",
		    ks_format_name(f));
		return (-1);
	default:
		cause_set(cause, "not a certificate file (expected PEM, DER "
		    "or PKCS#7)");
		return (-1);
	}
}

/* Free a list of certificates and the list (NULL is fine). */
void
certs_free(struct cert **v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		cert_free(v[i]);
	free(v);
}

/* Certificates from a PEM, DER or PKCS#7 buffer; messages start "NAME: ". */
int
certs_read_mem(const unsigned char *buf, size_t len, const char *name,
    struct cert ***certs, size_t *n, char **cause)
{
	struct pem_certs	l = { NULL, 0 };

	*certs = NULL;
	*n = 0;
	if (pem_read_any(buf, len, NULL, &l, cause) != 0) {
		certs_free(l.v, l.n);
		if (name != NULL)
			cause_prefix(cause, "%s", name);
		return (-1);
	}
	*certs = l.v;
	*n = l.n;
	return (0);
}

/* Certificates from a file in any of the forms certs_read_mem reads. */
int
certs_read_file(const char *path, struct cert ***certs, size_t *n,
    char **cause)
{
	unsigned char	*buf;
	size_t		 len;
	int		 rc;

	*certs = NULL;
	*n = 0;
	if (file_read(path, &buf, &len, cause) != 0)
		return (-1);
	rc = certs_read_mem(buf, len, path, certs, n, cause);
	free(buf);
	return (rc);
}

/*
 * The first CN of a keytool-style subject (most specific first), unescaped;
 * NULL when there is none.
 */
static char *
pem_subject_cn(const char *s)
{
	const char	*p = s;
	char		*out, *o;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, "CN=", 3) == 0)
			break;
		/* to the next unescaped ", " */
		while (*p != '\0' && !(p[0] == ',' && p[1] == ' ')) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			p++;
		}
		if (*p == '\0')
			return (NULL);
		p += 2;
	}
	if (p == NULL || *p == '\0')
		return (NULL);
	p += 3;
	o = out = xmalloc(strlen(p) + 1);
	while (*p != '\0' && *p != ',' && *p != '+') {
		if (*p == '\\' && p[1] != '\0')
			p++;
		*o++ = *p++;
	}
	*o = '\0';
	/* strip the space before a " + " */
	while (o > out && o[-1] == ' ')
		*--o = '\0';
	if (*out == '\0' || strchr(out, '\\') != NULL) {
		free(out);
		return (NULL);
	}
	return (out);
}

/* An alias for certificate i: its CN, else its number; unique. */
static char *
pem_alias(const struct keystore *ks, const struct cert *c, size_t i)
{
	char	*base, *alias;
	int	 k;

	if ((base = pem_subject_cn(c->info.subject)) == NULL)
		xasprintf(&base, "%zu", i + 1);
	alias = xstrdup(base);
	for (k = 2; keystore_find(ks, alias) != NULL; k++) {
		free(alias);
		xasprintf(&alias, "%s (%d)", base, k);
	}
	free(base);
	return (alias);
}

/* Load a certificate file as a read-only store of trusted entries. */
int
certfile_load(const unsigned char *buf, size_t len, struct keystore *ks,
    char **cause)
{
	struct pem_certs	 l = { NULL, 0 };
	struct ks_entry		*e;
	enum ks_format		 f = KS_FMT_UNKNOWN;
	char			*alias;
	size_t			 i;

	if (pem_read_any(buf, len, &f, &l, cause) != 0) {
		certs_free(l.v, l.n);
		return (-1);
	}
	ks->format = f;
	ks->verified = true;
	for (i = 0; i < l.n; i++) {
		alias = pem_alias(ks, l.v[i], i);
		e = ks_entry_new(alias, KS_ENTRY_TRUSTED);
		e->flags |= KS_EF_NO_DATE;
		free(alias);
		ks_entry_add_cert(e, l.v[i]);
		keystore_add(ks, e);
	}
	free(l.v);
	return (0);
}

/* OpenSSL password callback: the given pass, never a prompt. */
static int
pem_pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pem_pass	*pp = u;

	pp->asked = 1;
	if (pp->pass == NULL || pp->pass->len > (size_t)size)
		return (-1);
	memcpy(buf, pp->pass->buf, pp->pass->len);
	return ((int)pp->pass->len);
}

/* Find the first private key block of a PEM text; 1 found, 0 none, -1 bad. */
static int
pem_find_key(const unsigned char *buf, size_t len, struct pem_block *key,
    char **cause)
{
	struct pem_block	b;
	size_t			off = 0;
	int			r;

	while ((r = pem_next(buf, len, &off, &b, cause)) == 1) {
		if (strstr(b.label, "PRIVATE KEY") != NULL) {
			*key = b;
			pem_skip_headers(key);
			return (1);
		}
	}
	return (r);
}

/* Is a DER buffer an EncryptedPrivateKeyInfo? */
static int
pem_der_encrypted(const unsigned char *buf, size_t len)
{
	const unsigned char	*p = buf;
	X509_SIG		*sig;

	if ((sig = d2i_X509_SIG(NULL, &p, (long)len)) == NULL) {
		cause_ssl_clear();
		return (0);
	}
	X509_SIG_free(sig);
	return (p == buf + len);
}

/* Is the first private key in the buffer encrypted? */
bool
pem_key_needs_pass(const unsigned char *buf, size_t len)
{
	struct pem_block	b;
	int			r;

	r = pem_find_key(buf, len, &b, NULL);
	if (r == 1)
		return (strcmp(b.label, "ENCRYPTED PRIVATE KEY") == 0 ||
		    b.encrypted);
	if (r == 0 && len > 0 && buf[0] == 0x30)
		return (pem_der_encrypted(buf, len));
	return (false);
}

/* Read the first private key of a PEM or DER buffer. */
int
pem_key_read_mem(const unsigned char *buf, size_t len, const char *name,
    const struct secret *pass, struct evp_pkey_st **pkey, char **cause)
{
	struct pem_pass		 pp = { pass, 0 };
	struct pem_block	 b;
	EVP_PKEY		*k = NULL;
	BIO			*bio = NULL;
	const unsigned char	*p;
	int			 r, enc, rc = -1;

	*pkey = NULL;
	cause_ssl_clear();
	if (len == 0) {
		cause_set(cause, "file is empty");
		goto out;
	}
	r = pem_find_key(buf, len, &b, cause);
	if (r < 0)
		goto out;
	if (r == 1) {
		enc = strcmp(b.label, "ENCRYPTED PRIVATE KEY") == 0 ||
		    b.encrypted;
		if (enc && pass == NULL) {
			cause_set(cause, "encrypted key needs a pass phrase");
			goto out;
		}
		bio = BIO_new_mem_buf(b.begin, (int)(b.end - b.begin));
		if (bio == NULL) {
			cause_ssl(cause, "cannot read key");
			goto out;
		}
		k = PEM_read_bio_PrivateKey(bio, NULL, pem_pass_cb, &pp);
	} else if (buf[0] == 0x30) {
		enc = pem_der_encrypted(buf, len);
		if (enc && pass == NULL) {
			cause_set(cause, "encrypted key needs a pass phrase");
			goto out;
		}
		if (enc) {
			bio = BIO_new_mem_buf(buf, (int)len);
			if (bio != NULL)
				k = d2i_PKCS8PrivateKey_bio(bio, NULL,
				    pem_pass_cb, &pp);
		} else {
			p = buf;
			k = d2i_AutoPrivateKey(NULL, &p, (long)len);
		}
	} else {
		cause_set(cause, "no private key found (expected a PEM "
		    "\"PRIVATE KEY\" block or DER PKCS#8)");
		goto out;
	}
	if (k == NULL) {
		if (enc) {
			cause_ssl_clear();
			cause_set(cause, "wrong pass phrase (or damaged key)");
		} else
			cause_ssl(cause, "malformed private key");
		goto out;
	}
	*pkey = k;
	rc = 0;
out:
	BIO_free(bio);
	cause_ssl_clear();
	if (rc != 0 && name != NULL)
		cause_prefix(cause, "%s", name);
	return (rc);
}

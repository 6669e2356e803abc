/* SPDX-License-Identifier: ISC */
/*
 * keygen.c -- distinguished names and subjectAltName lists as keytool takes
 * them (-dname, -ext SAN=...), key pairs, and self-signed certificates.
 *
 * The parsers here read what a user typed into a form or on the command
 * line: they are bounds-checked, never crash on any input (fuzz-san.c) and
 * fail with a message naming the bad part.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core.h"

#define DN_MAX_LEN	 8192	/* longest -dname accepted */
#define DN_MAX_AVAS	 64	/* attributes in one name */
#define SAN_MAX_LEN	 65536	/* longest SAN list accepted */
#define SAN_MAX_ITEMS	 1024
#define SAN_DNS_MAX	 253
#define SAN_EMAIL_MAX	 254
#define SAN_URI_MAX	 4096

/* Copy s (n bytes) for a message: control characters as '?', cut at 80. */
static char *
kg_quote(const char *s, size_t n)
{
	char	*q;
	size_t	 i, m = n > 80 ? 80 : n;

	q = xmalloc(m + 4);
	for (i = 0; i < m; i++)
		q[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' :
		    s[i];
	if (m < n)
		memcpy(q + m, "...", 4);
	else
		q[m] = '\0';
	return (q);
}

/* ------------------------------------------------------------------ */
/* Distinguished names */

/* How a DN attribute's value is encoded. */
enum dn_enc {
	DN_ENC_DIR = 0,		/* PrintableString, else UTF8String (Java) */
	DN_ENC_IA5,		/* IA5String (ASCII only) */
	DN_ENC_IA5_OR_UTF8,	/* IA5String, UTF8String if not ASCII */
	DN_ENC_PRINTABLE,	/* PrintableString only */
	DN_ENC_COUNTRY		/* two letters, PrintableString */
};

/* A -dname keyword (keytool's names, X500Name.java). */
struct dn_keyword {
	const char	*name;
	int		 nid;
	enum dn_enc	 enc;
	size_t		 max;	/* upper bound in characters (RFC 5280) */
};

/* The first name of each nid is the one dn_to_string prints. */
static const struct dn_keyword dn_keywords[] = {
	{ "CN", NID_commonName, DN_ENC_DIR, 64 },
	{ "OU", NID_organizationalUnitName, DN_ENC_DIR, 64 },
	{ "O", NID_organizationName, DN_ENC_DIR, 64 },
	{ "L", NID_localityName, DN_ENC_DIR, 128 },
	{ "ST", NID_stateOrProvinceName, DN_ENC_DIR, 128 },
	{ "S", NID_stateOrProvinceName, DN_ENC_DIR, 128 },
	{ "C", NID_countryName, DN_ENC_COUNTRY, 2 },
	{ "STREET", NID_streetAddress, DN_ENC_DIR, 128 },
	{ "DC", NID_domainComponent, DN_ENC_IA5_OR_UTF8, 63 },
	{ "UID", NID_userId, DN_ENC_DIR, 256 },
	{ "EMAILADDRESS", NID_pkcs9_emailAddress, DN_ENC_IA5, 255 },
	{ "EMAIL", NID_pkcs9_emailAddress, DN_ENC_IA5, 255 },
	{ "SERIALNUMBER", NID_serialNumber, DN_ENC_PRINTABLE, 64 },
	{ "T", NID_title, DN_ENC_DIR, 64 },
	{ "TITLE", NID_title, DN_ENC_DIR, 64 },
	{ "GIVENNAME", NID_givenName, DN_ENC_DIR, 64 },
	{ "SURNAME", NID_surname, DN_ENC_DIR, 64 },
	{ "INITIALS", NID_initials, DN_ENC_DIR, 64 },
	{ "GENERATION", NID_generationQualifier, DN_ENC_DIR, 64 },
	{ "DNQUALIFIER", NID_dnQualifier, DN_ENC_PRINTABLE, 64 },
	{ "DNQ", NID_dnQualifier, DN_ENC_PRINTABLE, 64 },
};
#define DN_NKEYWORDS	(sizeof dn_keywords / sizeof dn_keywords[0])

/* One parsed attribute, in input order. */
struct dn_ava {
	ASN1_OBJECT	*obj;
	int		 type;	/* V_ASN1_* */
	char		*value;
	size_t		 len;
	bool		 first;	/* first attribute of its RDN */
};

/* Find a keyword, case-insensitively. */
static const struct dn_keyword *
dn_keyword_find(const char *name)
{
	size_t	i;

	for (i = 0; i < DN_NKEYWORDS; i++) {
		if (strcasecmp(dn_keywords[i].name, name) == 0)
			return (&dn_keywords[i]);
	}
	return (NULL);
}

/* Find the printed keyword for a nid, or NULL. */
static const struct dn_keyword *
dn_keyword_by_nid(int nid)
{
	size_t	i;

	for (i = 0; i < DN_NKEYWORDS; i++) {
		if (dn_keywords[i].nid == nid)
			return (&dn_keywords[i]);
	}
	return (NULL);
}

/* true if c may appear in an ASN.1 PrintableString. */
static bool
dn_printable_char(unsigned char c)
{
	if (isascii(c) && isalnum(c))
		return (true);
	return (c != '\0' && strchr(" '()+,-./:=?", c) != NULL);
}

/*
 * Check that s is UTF-8 without control characters; count its characters
 * into *nchars.  Returns NULL or a static reason.
 */
static const char *
dn_check_utf8(const unsigned char *s, size_t len, size_t *nchars)
{
	size_t		i = 0, n, k;
	unsigned int	cp, min;

	*nchars = 0;
	while (i < len) {
		if (s[i] < 0x80) {
			if (s[i] < 0x20 || s[i] == 0x7f)
				return ("control character in value");
			i++;
			(*nchars)++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			n = 1;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 3;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			return ("value is not valid UTF-8");
		if (len - i - 1 < n)
			return ("value is not valid UTF-8");
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return ("value is not valid UTF-8");
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return ("value is not valid UTF-8");
		if (cp >= 0x80 && cp < 0xa0)
			return ("control character in value");
		i += n + 1;
		(*nchars)++;
	}
	return (NULL);
}

/* Append byte c to a growing buffer. */
static void
dn_buf_add(char **buf, size_t *len, size_t *size, char c)
{
	if (*len + 1 >= *size) {
		*size = *size == 0 ? 64 : *size * 2;
		*buf = xreallocarray(*buf, *size, 1);
	}
	(*buf)[(*len)++] = c;
	(*buf)[*len] = '\0';
}

/* Value of a hex digit, or -1. */
static int
dn_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * Read one value at *pp (after "KEY=") up to an unescaped ',', ';', '+' or
 * the end; leading and trailing blanks are dropped unless escaped or quoted.
 * Returns the malloc'd raw bytes, or NULL with *cause set.
 */
static char *
dn_read_value(const char **pp, const char *key, size_t *outlen, char **cause)
{
	const char	*p = *pp;
	char		*buf = NULL;
	size_t		 len = 0, size = 0, keep = 0;
	int		 hi, lo;

	while (*p == ' ' || *p == '\t')
		p++;
	dn_buf_add(&buf, &len, &size, '\0');
	len = 0;
	if (*p == '#') {
		cause_set(cause, "%s: hex-encoded values (#...) are not "
		    "supported", key);
		goto fail;
	}
	if (*p == '"') {
		p++;
		for (;;) {
			if (*p == '\0') {
				cause_set(cause, "%s: missing closing quote",
				    key);
				goto fail;
			}
			if (*p == '"')
				break;
			if (*p == '\\') {
				p++;
				if (*p == '\0') {
					cause_set(cause, "%s: backslash at the "
					    "end", key);
					goto fail;
				}
			}
			dn_buf_add(&buf, &len, &size, *p++);
		}
		p++;
		keep = len;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '\0' && *p != ',' && *p != ';' && *p != '+') {
			cause_set(cause, "%s: unexpected text after the "
			    "closing quote", key);
			goto fail;
		}
	} else {
		while (*p != '\0' && *p != ',' && *p != ';' && *p != '+') {
			if (*p == '"') {
				cause_set(cause, "%s: a quote inside a value "
				    "must be escaped (\\\")", key);
				goto fail;
			}
			if (*p != '\\') {
				dn_buf_add(&buf, &len, &size, *p);
				if (*p != ' ' && *p != '\t')
					keep = len;
				p++;
				continue;
			}
			p++;
			if (*p == '\0') {
				cause_set(cause, "%s: backslash at the end",
				    key);
				goto fail;
			}
			hi = dn_hexval((unsigned char)p[0]);
			lo = hi == -1 ? -1 : dn_hexval((unsigned char)p[1]);
			if (hi != -1 && lo != -1) {
				dn_buf_add(&buf, &len, &size,
				    (char)(hi << 4 | lo));
				p += 2;
			} else
				dn_buf_add(&buf, &len, &size, *p++);
			keep = len;
		}
	}
	len = keep;
	buf[len] = '\0';
	if (memchr(buf, '\0', len) != NULL) {
		cause_set(cause, "%s: NUL character in value", key);
		goto fail;
	}
	*pp = p;
	*outlen = len;
	return (buf);

fail:
	free(buf);
	return (NULL);
}

/* Choose the string type for a value and check it; -1 with *cause. */
static int
dn_value_type(const struct dn_keyword *kw, const char *key, char *v,
    size_t len, int *type, char **cause)
{
	const char	*why;
	size_t		 i, nchars;
	bool		 printable = true, ascii = true;

	if (len == 0) {
		cause_set(cause, "%s: empty value", key);
		return (-1);
	}
	if ((why = dn_check_utf8((unsigned char *)v, len, &nchars)) != NULL) {
		cause_set(cause, "%s: %s", key, why);
		return (-1);
	}
	for (i = 0; i < len; i++) {
		if ((unsigned char)v[i] >= 0x80)
			ascii = false;
		if (!dn_printable_char((unsigned char)v[i]))
			printable = false;
	}
	if (kw != NULL && kw->enc != DN_ENC_COUNTRY && nchars > kw->max) {
		cause_set(cause, "%s: value longer than %zu characters", key,
		    kw->max);
		return (-1);
	}
	switch (kw == NULL ? DN_ENC_DIR : kw->enc) {
	case DN_ENC_COUNTRY:
		if (len != 2 || !isalpha((unsigned char)v[0]) ||
		    !isalpha((unsigned char)v[1])) {
			cause_set(cause, "%s: country must be a two-letter "
			    "code such as US or DE", key);
			return (-1);
		}
		v[0] = toupper((unsigned char)v[0]);
		v[1] = toupper((unsigned char)v[1]);
		*type = V_ASN1_PRINTABLESTRING;
		break;
	case DN_ENC_PRINTABLE:
		if (!printable) {
			cause_set(cause, "%s: only letters, digits, spaces "
			    "and '()+,-./:=? are allowed", key);
			return (-1);
		}
		*type = V_ASN1_PRINTABLESTRING;
		break;
	case DN_ENC_IA5:
		if (!ascii) {
			cause_set(cause, "%s: only ASCII characters are "
			    "allowed", key);
			return (-1);
		}
		*type = V_ASN1_IA5STRING;
		break;
	case DN_ENC_IA5_OR_UTF8:
		*type = ascii ? V_ASN1_IA5STRING : V_ASN1_UTF8STRING;
		break;
	case DN_ENC_DIR:
		*type = printable ? V_ASN1_PRINTABLESTRING : V_ASN1_UTF8STRING;
		break;
	}
	return (0);
}

/* true if s is a dotted numeric OID such as 2.5.4.3. */
static bool
dn_is_oid(const char *s)
{
	size_t	dots = 0;

	if (!isdigit((unsigned char)*s))
		return (false);
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (!isdigit((unsigned char)s[1]))
				return (false);
			dots++;
		} else if (!isdigit((unsigned char)*s))
			return (false);
	}
	return (dots >= 1);
}

/* Read "KEY" before '=' at *pp into key (size keylen); -1 with *cause. */
static int
dn_read_key(const char **pp, char *key, size_t keylen, char **cause)
{
	const char	*p = *pp, *start, *end;
	char		*q;
	size_t		 n, i;

	while (*p == ' ' || *p == '\t')
		p++;
	start = p;
	while (*p != '\0' && *p != '=' && *p != ',' && *p != ';' && *p != '+')
		p++;
	end = p;
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	n = end - start;
	if (*p != '=') {
		if (n == 0)
			cause_set(cause, "empty component in distinguished "
			    "name");
		else {
			q = kg_quote(start, n);
			cause_set(cause, "\"%s\": expected KEY=value", q);
			free(q);
		}
		return (-1);
	}
	if (n == 0) {
		cause_set(cause, "missing attribute name before '='");
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (!isascii((unsigned char)start[i]) ||
		    (!isalnum((unsigned char)start[i]) && start[i] != '.'))
			break;
	}
	if (i != n || n >= keylen) {
		q = kg_quote(start, n);
		cause_set(cause, "unknown attribute \"%s\"", q);
		free(q);
		return (-1);
	}
	memcpy(key, start, n);
	key[n] = '\0';
	*pp = p + 1;
	return (0);
}

/* Free the parsed attributes. */
static void
dn_avas_free(struct dn_ava *avas, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		ASN1_OBJECT_free(avas[i].obj);
		free(avas[i].value);
	}
	free(avas);
}

/* Parse a keytool -dname into a new X509_NAME (RDNs reversed). */
int
dn_parse(const char *dn, struct X509_name_st **out, char **cause)
{
	const struct dn_keyword	*kw;
	struct dn_ava		*avas = NULL, *ava;
	X509_NAME		*name = NULL;
	const char		*p = dn, *q;
	char			 key[64], *v;
	size_t			 navas = 0, len, i, j, rdn_start;
	int			 type = V_ASN1_UTF8STRING, rc = -1;
	bool			 first = true;

	*out = NULL;
	if (strlen(dn) > DN_MAX_LEN) {
		cause_set(cause, "distinguished name is too long");
		goto out;
	}
	for (q = dn; *q == ' ' || *q == '\t'; q++)
		/* nothing */;
	if (*q == '\0') {
		cause_set(cause, "empty distinguished name (expected e.g. "
		    "CN=host.example.com, O=Example, C=US)");
		goto out;
	}
	avas = xcalloc(DN_MAX_AVAS, sizeof *avas);
	for (;;) {
		if (navas == DN_MAX_AVAS) {
			cause_set(cause, "too many attributes in distinguished "
			    "name");
			goto out;
		}
		if (dn_read_key(&p, key, sizeof key, cause) != 0)
			goto out;
		if (strncasecmp(key, "OID.", 4) == 0 && dn_is_oid(key + 4))
			memmove(key, key + 4, strlen(key + 4) + 1);
		kw = dn_keyword_find(key);
		if (kw == NULL && !dn_is_oid(key)) {
			cause_set(cause, "unknown attribute \"%s\" (use CN, "
			    "OU, O, L, ST, C, STREET, DC, UID, EMAILADDRESS "
			    "or SERIALNUMBER)", key);
			goto out;
		}
		ava = &avas[navas];
		if (kw != NULL)
			ava->obj = OBJ_nid2obj(kw->nid);
		else
			ava->obj = OBJ_txt2obj(key, 1);
		if (ava->obj == NULL) {
			cause_ssl_clear();
			cause_set(cause, "bad attribute OID \"%s\"", key);
			goto out;
		}
		navas++;	/* owned by avas[] from here */
		if (kw == NULL)
			kw = dn_keyword_by_nid(OBJ_obj2nid(ava->obj));
		if ((v = dn_read_value(&p, key, &len, cause)) == NULL)
			goto out;
		ava->value = v;
		ava->len = len;
		ava->first = first;
		if (dn_value_type(kw, key, v, len, &type, cause) != 0)
			goto out;
		ava->type = type;
		if (*p == '\0')
			break;
		first = (*p != '+');
		p++;
		for (q = p; *q == ' ' || *q == '\t'; q++)
			/* nothing */;
		if (*q == '\0') {
			cause_set(cause, "distinguished name ends with '%c'",
			    p[-1]);
			goto out;
		}
	}

	/* keytool order is most specific first: emit the RDNs reversed. */
	if ((name = X509_NAME_new()) == NULL) {
		cause_ssl(cause, "X509_NAME_new");
		goto out;
	}
	i = navas;
	while (i > 0) {
		rdn_start = i - 1;
		while (!avas[rdn_start].first)
			rdn_start--;
		for (j = rdn_start; j < i; j++) {
			if (!X509_NAME_add_entry_by_OBJ(name, avas[j].obj,
			    avas[j].type, (unsigned char *)avas[j].value,
			    (int)avas[j].len, -1, j == rdn_start ? 0 : -1)) {
				cause_ssl(cause, "X509_NAME_add_entry");
				goto out;
			}
		}
		i = rdn_start;
	}
	*out = name;
	name = NULL;
	rc = 0;
out:
	X509_NAME_free(name);
	if (avas != NULL)
		dn_avas_free(avas, navas);
	return (rc);
}

/* Append the string s to a growing buffer. */
static void
dn_buf_str(char **buf, size_t *len, size_t *size, const char *s)
{
	while (*s != '\0')
		dn_buf_add(buf, len, size, *s++);
}

/* Append s (n bytes) to a growing buffer, escaped so dn_parse reads it. */
static void
dn_append_value(char **buf, size_t *len, size_t *size, const char *s,
    size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strchr(",+;\"\\<>=", s[i]) != NULL ||
		    (i == 0 && (s[i] == '#' || s[i] == ' ')) ||
		    (i == n - 1 && s[i] == ' '))
			dn_buf_add(buf, len, size, '\\');
		dn_buf_add(buf, len, size, s[i]);
	}
}

/* keytool-style text of a name, most specific first. */
char *
dn_to_string(const struct X509_name_st *cname)
{
	const X509_NAME		*name = cname;
	const X509_NAME_ENTRY	*e;
	const struct dn_keyword	*kw;
	unsigned char		*u;
	char			*buf = NULL, oid[80];
	size_t			 len = 0, size = 0;
	int			 i, n, ulen, set, nid;

	dn_buf_add(&buf, &len, &size, '\0');
	len = 0;
	n = X509_NAME_entry_count(name);
	for (i = n - 1; i >= 0; i--) {
		e = X509_NAME_get_entry(name, i);
		set = X509_NAME_ENTRY_set(e);
		if (i != n - 1) {
			if (set == X509_NAME_ENTRY_set(
			    X509_NAME_get_entry(name, i + 1)))
				dn_buf_str(&buf, &len, &size, " + ");
			else
				dn_buf_str(&buf, &len, &size, ", ");
		}
		nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
		if ((kw = dn_keyword_by_nid(nid)) != NULL)
			snprintf(oid, sizeof oid, "%s", kw->name);
		else if (OBJ_obj2txt(oid, sizeof oid,
		    X509_NAME_ENTRY_get_object(e), 1) <= 0)
			snprintf(oid, sizeof oid, "?");
		dn_buf_str(&buf, &len, &size, oid);
		dn_buf_add(&buf, &len, &size, '=');
		ulen = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(e));
		if (ulen < 0) {
			cause_ssl_clear();
			dn_buf_add(&buf, &len, &size, '?');
			continue;
		}
		dn_append_value(&buf, &len, &size, (char *)u, ulen);
		OPENSSL_free(u);
	}
	return (buf);
}

/* Free a name from dn_parse (for callers without OpenSSL). */
void
dn_free(struct X509_name_st *name)
{
	X509_NAME_free(name);
}

/* A keytool-style DN from names and values; see core.h. */
char *
dn_build(const char *const *names, const char *const *values, size_t n)
{
	char	*buf = NULL;
	size_t	 len = 0, size = 0, i;

	dn_buf_add(&buf, &len, &size, '\0');
	len = 0;
	for (i = 0; i < n; i++) {
		if (values[i] == NULL || *values[i] == '\0')
			continue;
		if (len > 0)
			dn_buf_str(&buf, &len, &size, ", ");
		dn_buf_str(&buf, &len, &size, names[i]);
		dn_buf_add(&buf, &len, &size, '=');
		dn_append_value(&buf, &len, &size, values[i],
		    strlen(values[i]));
	}
	return (buf);
}

/* Move *pp past a value dn_read_value refuses (a #hex one): to the next
 * ',', ';' or '+' outside quotes and escapes. */
static void
dn_skip_value(const char **pp)
{
	const char	*p = *pp;
	bool		 quoted = false;

	for (; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == ',' || *p == ';' || *p == '+'))
			break;
	}
	*pp = p;
}

/* One attribute's value of a keytool-style DN, unescaped; see core.h. */
char *
dn_get(const char *dn, const char *name)
{
	const char	*p = dn, *start;
	char		 key[64], *v;
	size_t		 len;

	if (dn == NULL)
		return (NULL);
	for (;;) {
		if (dn_read_key(&p, key, sizeof key, NULL) != 0)
			return (NULL);
		start = p;
		if ((v = dn_read_value(&p, key, &len, NULL)) == NULL) {
			/* not this one's to judge: step over it */
			p = start;
			dn_skip_value(&p);
		} else if (strcasecmp(key, name) == 0)
			return (v);
		free(v);
		if (*p == '\0')
			return (NULL);
		p++;	/* ',', ';' or '+' */
	}
}

/* ------------------------------------------------------------------ */
/* subjectAltName lists */

static const char *san_type_names[SAN__MAX] = {
	[SAN_DNS] = "dns",
	[SAN_IP] = "ip",
	[SAN_EMAIL] = "email",
	[SAN_URI] = "uri",
};

/* The san_parse prefix of a SAN type. */
const char *
san_type_name(enum san_type t)
{
	if ((unsigned)t >= SAN__MAX)
		return ("?");
	return (san_type_names[t]);
}

/* An empty SAN list. */
struct san_list *
san_list_new(void)
{
	return (xcalloc(1, sizeof (struct san_list)));
}

/* Free a SAN list and its items. */
void
san_list_free(struct san_list *sl)
{
	size_t	i;

	if (sl == NULL)
		return;
	for (i = 0; i < sl->n; i++)
		free(sl->items[i].value);
	free(sl->items);
	free(sl);
}

/* Check a DNS name; NULL if good, else a static reason. */
static const char *
san_check_dns(const char *s, bool wildcard_ok)
{
	const char	*p = s, *label;
	size_t		 len = strlen(s), n;
	unsigned char	 a4[4];
	bool		 all_numeric = true;

	if (len == 0)
		return ("empty DNS name");
	if (len > SAN_DNS_MAX)
		return ("DNS name is longer than 253 characters");
	for (n = 0; n < len; n++) {
		if ((unsigned char)s[n] >= 0x80)
			return ("non-ASCII name: use its IDNA form (xn--...)");
		if (s[n] == ' ' || s[n] == '\t')
			return ("spaces are not allowed in a DNS name");
		if (s[n] == '_')
			return ("'_' is not allowed in a host name");
	}
	if (s[len - 1] == '.')
		return ("DNS name must not end with a dot");
	if (p[0] == '*') {
		if (!wildcard_ok)
			return ("wildcards are not allowed here");
		if (p[1] != '.' || p[2] == '\0')
			return ("a wildcard must be the whole leftmost label "
			    "(*.example.com)");
		p += 2;
	}
	for (;;) {
		label = p;
		while (*p != '\0' && *p != '.') {
			if (*p == '*')
				return ("a wildcard must be the whole leftmost "
				    "label (*.example.com)");
			if (!isascii((unsigned char)*p) ||
			    (!isalnum((unsigned char)*p) && *p != '-'))
				return ("only letters, digits, '-' and '.' are "
				    "allowed in a DNS name");
			if (!isdigit((unsigned char)*p))
				all_numeric = false;
			p++;
		}
		n = p - label;
		if (n == 0)
			return ("empty label (\"..\" or a leading dot)");
		if (n > 63)
			return ("a DNS label is longer than 63 characters");
		if (label[0] == '-' || label[n - 1] == '-')
			return ("a DNS label must not start or end with '-'");
		if (*p == '\0')
			break;
		p++;
	}
	if (all_numeric && inet_pton(AF_INET, s, a4) == 1)
		return ("this is an IP address: write it as ip:ADDRESS");
	return (NULL);
}

/* Check an email address; NULL if good, else a static reason. */
static const char *
san_check_email(const char *s)
{
	const char	*at, *p;

	if (strlen(s) > SAN_EMAIL_MAX)
		return ("email address is too long");
	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return ("an email address needs exactly one '@'");
	if (at == s)
		return ("empty local part before '@'");
	for (p = s; p < at; p++) {
		if (!isascii((unsigned char)*p) || !isgraph((unsigned char)*p))
			return ("email address has a space or a non-ASCII "
			    "character");
	}
	if (at[1] == '\0')
		return ("missing domain after '@'");
	if (san_check_dns(at + 1, false) != NULL)
		return ("bad domain after '@'");
	return (NULL);
}

/* Check a URI; NULL if good, else a static reason. */
static const char *
san_check_uri(const char *s)
{
	const char	*p;

	if (strlen(s) > SAN_URI_MAX)
		return ("URI is too long");
	if (!isascii((unsigned char)s[0]) || !isalpha((unsigned char)s[0]))
		return ("a URI must start with a scheme (https://...)");
	for (p = s + 1; *p != ':'; p++) {
		if (*p == '\0')
			return ("a URI must start with a scheme (https://...)");
		if (!isascii((unsigned char)*p) ||
		    (!isalnum((unsigned char)*p) && *p != '+' && *p != '-' &&
		    *p != '.'))
			return ("bad character in the URI scheme");
	}
	if (p[1] == '\0')
		return ("nothing after the URI scheme");
	for (; *p != '\0'; p++) {
		if (!isascii((unsigned char)*p) || !isgraph((unsigned char)*p))
			return ("a URI must not contain spaces or non-ASCII "
			    "characters (percent-encode them)");
	}
	return (NULL);
}

/*
 * Parse an IP address (IPv6 may be in brackets) into bin (16 bytes) and
 * canonical text; returns the length (4 or 16) or 0.
 */
static size_t
san_parse_ip(const char *s, unsigned char *bin, char *text, size_t textlen)
{
	char	tmp[INET6_ADDRSTRLEN + 2];
	size_t	n = strlen(s);

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		if (n - 2 >= sizeof tmp)
			return (0);
		memcpy(tmp, s + 1, n - 2);
		tmp[n - 2] = '\0';
		s = tmp;
	}
	if (inet_pton(AF_INET, s, bin) == 1) {
		if (text != NULL)
			inet_ntop(AF_INET, bin, text, textlen);
		return (4);
	}
	if (inet_pton(AF_INET6, s, bin) == 1) {
		if (text != NULL)
			inet_ntop(AF_INET6, bin, text, textlen);
		return (16);
	}
	return (0);
}

/* true if the list already holds this item. */
static bool
san_list_has(const struct san_list *sl, enum san_type type, const char *v)
{
	size_t	i;

	for (i = 0; i < sl->n; i++) {
		if (sl->items[i].type != type)
			continue;
		if (type == SAN_URI ? strcmp(sl->items[i].value, v) == 0 :
		    strcasecmp(sl->items[i].value, v) == 0)
			return (true);
	}
	return (false);
}

/* Append a checked item (value copied) unless it is already there. */
static void
san_list_push(struct san_list *sl, enum san_type type, const char *v)
{
	if (san_list_has(sl, type, v))
		return;
	sl->items = xreallocarray(sl->items, sl->n + 1, sizeof *sl->items);
	sl->items[sl->n].type = type;
	sl->items[sl->n].value = xstrdup(v);
	sl->n++;
}

/* The type named by prefix p (n bytes), or -1. */
static int
san_type_parse(const char *p, size_t n)
{
	static const struct {
		const char	*name;
		enum san_type	 type;
	} names[] = {
		{ "dns", SAN_DNS },
		{ "ip", SAN_IP },
		{ "ip address", SAN_IP },
		{ "email", SAN_EMAIL },
		{ "rfc822", SAN_EMAIL },
		{ "uri", SAN_URI },
	};
	size_t	i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strlen(names[i].name) == n &&
		    strncasecmp(names[i].name, p, n) == 0)
			return (names[i].type);
	}
	return (-1);
}

/* Add one item of s (n bytes, not NUL-terminated, blanks trimmed). */
static int
san_list_add_n(struct san_list *sl, const char *s, size_t n, char **cause)
{
	unsigned char	 bin[16];
	char		*item = NULL, *v, *q = NULL, ipt[INET6_ADDRSTRLEN];
	const char	*colon, *why = NULL;
	int		 t, rc = -1;

	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if (n == 0) {
		cause_set(cause, "empty item in SAN list");
		goto out;
	}
	q = kg_quote(s, n);
	if (memchr(s, '\0', n) != NULL) {
		cause_set(cause, "SAN \"%s\": NUL character", q);
		goto out;
	}
	if (sl->n >= SAN_MAX_ITEMS) {
		cause_set(cause, "too many SAN items (at most %d)",
		    SAN_MAX_ITEMS);
		goto out;
	}
	item = xstrndup(s, n);
	colon = strchr(item, ':');
	t = colon == NULL ? -1 : san_type_parse(item, colon - item);
	if (t != -1) {
		v = (char *)colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
	} else if (san_parse_ip(item, bin, NULL, 0) != 0) {
		v = item;
		t = SAN_IP;
	} else if (colon != NULL) {
		cause_set(cause, "SAN \"%s\": unknown type \"%.*s\" (use dns:, "
		    "ip:, email: or uri:)", q,
		    (int)(colon - item > 20 ? 20 : colon - item), item);
		goto out;
	} else {
		v = item;
		t = SAN_DNS;
	}
	switch (t) {
	case SAN_DNS:
		why = san_check_dns(v, true);
		break;
	case SAN_IP:
		if (san_parse_ip(v, bin, ipt, sizeof ipt) == 0)
			why = "not an IPv4 or IPv6 address";
		else
			v = ipt;
		break;
	case SAN_EMAIL:
		why = san_check_email(v);
		break;
	case SAN_URI:
		why = san_check_uri(v);
		break;
	}
	if (why != NULL) {
		cause_set(cause, "SAN \"%s\": %s", q, why);
		goto out;
	}
	san_list_push(sl, t, v);
	rc = 0;
out:
	free(q);
	free(item);
	return (rc);
}

/* Check one item and append it. */
int
san_list_add(struct san_list *sl, const char *item, char **cause)
{
	return (san_list_add_n(sl, item, strlen(item), cause));
}

/* Parse a comma-separated SAN list. */
int
san_parse(const char *list, struct san_list **out, char **cause)
{
	struct san_list	*sl;
	const char	*p = list, *comma;
	size_t		 n;

	*out = NULL;
	if (strlen(list) > SAN_MAX_LEN) {
		cause_set(cause, "SAN list is too long");
		return (-1);
	}
	sl = san_list_new();
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p == '\0') {
		*out = sl;
		return (0);
	}
	for (;;) {
		comma = strchr(p, ',');
		n = comma == NULL ? strlen(p) : (size_t)(comma - p);
		if (san_list_add_n(sl, p, n, cause) != 0) {
			san_list_free(sl);
			return (-1);
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	*out = sl;
	return (0);
}

/* The list in san_parse syntax, ", "-separated. */
char *
san_list_to_string(const struct san_list *sl)
{
	char	*s = NULL, *t;
	size_t	 i;

	if (sl == NULL || sl->n == 0)
		return (xstrdup(""));
	for (i = 0; i < sl->n; i++) {
		if (s == NULL)
			xasprintf(&t, "%s:%s", san_type_name(sl->items[i].type),
			    sl->items[i].value);
		else
			xasprintf(&t, "%s, %s:%s", s,
			    san_type_name(sl->items[i].type),
			    sl->items[i].value);
		free(s);
		s = t;
	}
	return (s);
}

/* Copy the DNS/IP/email/URI names of a cert_info. */
int
san_list_from_info(const struct cert_info *ci, struct san_list **out,
    size_t *skipped, char **cause)
{
	struct san_list	*sl;
	size_t		 i;
	const char	*s;

	*out = NULL;
	if (skipped != NULL)
		*skipped = 0;
	sl = san_list_new();
	for (i = 0; i < ci->nsan; i++) {
		s = ci->san[i];
		if (strncasecmp(s, "DNS:", 4) != 0 &&
		    strncasecmp(s, "IP:", 3) != 0 &&
		    strncasecmp(s, "email:", 6) != 0 &&
		    strncasecmp(s, "URI:", 4) != 0) {
			if (skipped != NULL)
				(*skipped)++;
			continue;
		}
		if (san_list_add(sl, s, cause) != 0) {
			san_list_free(sl);
			return (-1);
		}
	}
	*out = sl;
	return (0);
}

/* Copy an IA5String general name's text, refusing embedded NULs. */
static char *
san_gen_text(const ASN1_STRING *s)
{
	const unsigned char	*d = ASN1_STRING_get0_data(s);
	int			 n = ASN1_STRING_length(s);

	if (n <= 0 || memchr(d, '\0', n) != NULL)
		return (NULL);
	return (xstrndup((const char *)d, n));
}

/* Read a GeneralNames DER (untrusted) into a list. */
int
san_list_from_der(const unsigned char *der, size_t len, struct san_list **out,
    size_t *skipped, char **cause)
{
	GENERAL_NAMES		*gens = NULL;
	const GENERAL_NAME	*gn;
	struct san_list		*sl = NULL;
	const unsigned char	*p = der;
	char			*v, ipt[INET6_ADDRSTRLEN];
	int			 i, rc = -1, t;

	*out = NULL;
	if (skipped != NULL)
		*skipped = 0;
	if (len > LONG_MAX ||
	    (gens = d2i_GENERAL_NAMES(NULL, &p, (long)len)) == NULL ||
	    p != der + len) {
		cause_ssl(cause, "bad subjectAltName extension");
		goto out;
	}
	sl = san_list_new();
	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		gn = sk_GENERAL_NAME_value(gens, i);
		v = NULL;
		t = -1;
		switch (gn->type) {
		case GEN_DNS:
			t = SAN_DNS;
			v = san_gen_text(gn->d.dNSName);
			break;
		case GEN_EMAIL:
			t = SAN_EMAIL;
			v = san_gen_text(gn->d.rfc822Name);
			break;
		case GEN_URI:
			t = SAN_URI;
			v = san_gen_text(gn->d.uniformResourceIdentifier);
			break;
		case GEN_IPADD:
			t = SAN_IP;
			if (gn->d.iPAddress->length == 4)
				inet_ntop(AF_INET, gn->d.iPAddress->data, ipt,
				    sizeof ipt);
			else if (gn->d.iPAddress->length == 16)
				inet_ntop(AF_INET6, gn->d.iPAddress->data,
				    ipt, sizeof ipt);
			else
				break;
			v = xstrdup(ipt);
			break;
		}
		if (v == NULL) {
			if (skipped != NULL)
				(*skipped)++;
			continue;
		}
		/* Kept as found, even when it would not pass san_parse. */
		san_list_push(sl, t, v);
		free(v);
	}
	*out = sl;
	sl = NULL;
	rc = 0;
out:
	san_list_free(sl);
	GENERAL_NAMES_free(gens);
	return (rc);
}

/* Read a certificate's subjectAltName into a list. */
int
san_list_from_x509(struct x509_st *x, struct san_list **out, size_t *skipped,
    char **cause)
{
	const X509_EXTENSION	*ext;
	const ASN1_OCTET_STRING	*os;
	int			 i;

	*out = NULL;
	if (skipped != NULL)
		*skipped = 0;
	i = X509_get_ext_by_NID(x, NID_subject_alt_name, -1);
	if (i < 0) {
		*out = san_list_new();
		return (0);
	}
	ext = X509_get_ext(x, i);
	os = X509_EXTENSION_get_data((X509_EXTENSION *)ext);
	return (san_list_from_der(ASN1_STRING_get0_data(os),
	    ASN1_STRING_length(os), out, skipped, cause));
}

/* Encode a list as a subjectAltName extension. */
struct X509_extension_st *
san_list_ext(const struct san_list *sl, bool critical, char **cause)
{
	GENERAL_NAMES	*gens = NULL;
	GENERAL_NAME	*gn = NULL;
	ASN1_STRING	*s = NULL;
	X509_EXTENSION	*ext = NULL;
	unsigned char	 bin[16];
	size_t		 i, n;
	int		 gtype = 0;

	if ((gens = GENERAL_NAMES_new()) == NULL)
		goto ssl;
	for (i = 0; i < sl->n; i++) {
		switch (sl->items[i].type) {
		case SAN_DNS:
			gtype = GEN_DNS;
			break;
		case SAN_IP:
			gtype = GEN_IPADD;
			break;
		case SAN_EMAIL:
			gtype = GEN_EMAIL;
			break;
		case SAN_URI:
		default:
			gtype = GEN_URI;
			break;
		}
		if (gtype == GEN_IPADD) {
			n = san_parse_ip(sl->items[i].value, bin, NULL, 0);
			if (n == 0) {
				cause_set(cause, "SAN \"ip:%s\": not an IP "
				    "address", sl->items[i].value);
				goto out;
			}
			if ((s = ASN1_OCTET_STRING_new()) == NULL ||
			    !ASN1_OCTET_STRING_set(s, bin, (int)n))
				goto ssl;
		} else {
			if ((s = ASN1_IA5STRING_new()) == NULL ||
			    !ASN1_STRING_set(s, sl->items[i].value, -1))
				goto ssl;
		}
		if ((gn = GENERAL_NAME_new()) == NULL)
			goto ssl;
		GENERAL_NAME_set0_value(gn, gtype, s);
		s = NULL;
		if (!sk_GENERAL_NAME_push(gens, gn))
			goto ssl;
		gn = NULL;
	}
	if ((ext = X509V3_EXT_i2d(NID_subject_alt_name, critical,
	    gens)) == NULL)
		goto ssl;
	goto out;
ssl:
	cause_ssl(cause, "subjectAltName");
out:
	ASN1_STRING_free(s);
	GENERAL_NAME_free(gn);
	GENERAL_NAMES_free(gens);
	return (ext);
}

/* ------------------------------------------------------------------ */
/* Keys */

/* What the key generation callback sees. */
struct keygen_cbarg {
	atomic_int	*cancel;
};

/* Key generation progress: returning 0 stops it. */
static int
keygen_progress(EVP_PKEY_CTX *ctx)
{
	struct keygen_cbarg	*a = EVP_PKEY_CTX_get_app_data(ctx);

	if (a == NULL || a->cancel == NULL)
		return (1);
	return (atomic_load(a->cancel) == 0);
}

/* Map a curve name given by the user to OpenSSL's group name. */
static const char *
keygen_curve(const char *curve)
{
	if (curve == NULL || strcasecmp(curve, "P-256") == 0 ||
	    strcasecmp(curve, "secp256r1") == 0 ||
	    strcasecmp(curve, "prime256v1") == 0)
		return ("P-256");
	if (strcasecmp(curve, "P-384") == 0 ||
	    strcasecmp(curve, "secp384r1") == 0)
		return ("P-384");
	if (strcasecmp(curve, "P-521") == 0 ||
	    strcasecmp(curve, "secp521r1") == 0)
		return ("P-521");
	return (NULL);
}

/* Check a key algorithm, size and curve before generating. */
int
keygen_check(const char *alg, int bits, const char *curve, char **cause)
{
	if (alg == NULL || strcasecmp(alg, "rsa") == 0) {
		if (bits < 2048) {
			cause_set(cause, "RSA key size %d is too small "
			    "(at least 2048)", bits);
			return (-1);
		}
		if (bits != 2048 && bits != 3072 && bits != 4096) {
			cause_set(cause, "RSA key size %d: use 2048, 3072 or "
			    "4096", bits);
			return (-1);
		}
		return (0);
	}
	if (strcasecmp(alg, "ec") == 0) {
		if (keygen_curve(curve) == NULL) {
			cause_set(cause, "unsupported curve \"%s\" (use P-256 "
			    "or P-384)", curve);
			return (-1);
		}
		return (0);
	}
	cause_set(cause, "unsupported key algorithm \"%s\" (use rsa or ec)",
	    alg);
	return (-1);
}

/* Generate a key pair; *cancel (may be NULL) stops it. */
int
keygen_generate_cancel(const char *alg, int bits, const char *curve,
    atomic_int *cancel, struct evp_pkey_st **out, char **cause)
{
	struct keygen_cbarg	 arg;
	EVP_PKEY_CTX		*ctx = NULL;
	EVP_PKEY		*pk = NULL;
	bool			 rsa;
	int			 rc = -1;

	*out = NULL;
	if (keygen_check(alg, bits, curve, cause) != 0)
		goto out;
	rsa = alg == NULL || strcasecmp(alg, "rsa") == 0;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, rsa ? "RSA" : "EC", NULL);
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) <= 0) {
		cause_ssl(cause, "key generation");
		goto out;
	}
	if (rsa) {
		if (EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) <= 0) {
			cause_ssl(cause, "RSA key size %d", bits);
			goto out;
		}
	} else if (EVP_PKEY_CTX_set_group_name(ctx,
	    keygen_curve(curve)) <= 0) {
		cause_ssl(cause, "curve %s", keygen_curve(curve));
		goto out;
	}
	arg.cancel = cancel;
	EVP_PKEY_CTX_set_app_data(ctx, &arg);
	EVP_PKEY_CTX_set_cb(ctx, keygen_progress);
	if (cancel != NULL && atomic_load(cancel)) {
		cause_set(cause, "key generation cancelled");
		goto out;
	}
	if (EVP_PKEY_generate(ctx, &pk) <= 0) {
		if (cancel != NULL && atomic_load(cancel)) {
			cause_ssl_clear();
			cause_set(cause, "key generation cancelled");
		} else
			cause_ssl(cause, "key generation");
		goto out;
	}
	*out = pk;
	pk = NULL;
	rc = 0;
out:
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(ctx);
	return (rc);
}

/* Generate a key pair. */
int
keygen_generate(const char *alg, int bits, const char *curve,
    struct evp_pkey_st **out, char **cause)
{
	return (keygen_generate_cancel(alg, bits, curve, NULL, out, cause));
}

/* Free a key (for callers without OpenSSL). */
void
key_free(struct evp_pkey_st *pk)
{
	EVP_PKEY_free(pk);
}

/* Describe a key as keytool does ("RSA 2048", "EC P-256"). */
char *
key_describe(struct evp_pkey_st *pk)
{
	const char	*nist;
	char		 group[80], *s;
	int		 nid;

	if (pk == NULL)
		return (xstrdup("none"));
	if (EVP_PKEY_is_a(pk, "RSA")) {
		xasprintf(&s, "RSA %d", EVP_PKEY_get_bits(pk));
		return (s);
	}
	if (EVP_PKEY_is_a(pk, "RSA-PSS")) {
		xasprintf(&s, "RSASSA-PSS %d", EVP_PKEY_get_bits(pk));
		return (s);
	}
	if (EVP_PKEY_is_a(pk, "EC")) {
		if (!EVP_PKEY_get_group_name(pk, group, sizeof group, NULL)) {
			cause_ssl_clear();
			xasprintf(&s, "EC %d", EVP_PKEY_get_bits(pk));
			return (s);
		}
		nid = OBJ_txt2nid(group);
		if (nid == NID_undef)
			nid = EC_curve_nist2nid(group);
		nist = nid == NID_undef ? NULL : EC_curve_nid2nist(nid);
		xasprintf(&s, "EC %s", nist != NULL ? nist : group);
		return (s);
	}
	if (EVP_PKEY_is_a(pk, "ED25519"))
		return (xstrdup("Ed25519"));
	if (EVP_PKEY_is_a(pk, "ED448"))
		return (xstrdup("Ed448"));
	if (EVP_PKEY_is_a(pk, "DSA")) {
		xasprintf(&s, "DSA %d", EVP_PKEY_get_bits(pk));
		return (s);
	}
	return (xstrdup(EVP_PKEY_get0_type_name(pk) != NULL ?
	    EVP_PKEY_get0_type_name(pk) : "unknown"));
}

/* true if x's public key is pk's. */
bool
key_matches_cert(struct evp_pkey_st *pk, struct x509_st *x)
{
	EVP_PKEY	*pub;
	int		 r;

	if (pk == NULL || x == NULL || (pub = X509_get0_pubkey(x)) == NULL) {
		cause_ssl_clear();
		return (false);
	}
	r = EVP_PKEY_eq(pk, pub);
	cause_ssl_clear();
	return (r == 1);
}

/* The signature digest keytool would use for pk. */
const char *
keygen_digest(struct evp_pkey_st *pk)
{
	if (EVP_PKEY_is_a(pk, "ED25519") || EVP_PKEY_is_a(pk, "ED448"))
		return (NULL);
	if (EVP_PKEY_is_a(pk, "EC"))
		return (EVP_PKEY_get_bits(pk) >= 384 ? "SHA384" : "SHA256");
	if (EVP_PKEY_is_a(pk, "RSA") || EVP_PKEY_is_a(pk, "RSA-PSS"))
		return (EVP_PKEY_get_bits(pk) > 3072 ? "SHA384" : "SHA256");
	return ("SHA256");
}

/* A SubjectKeyIdentifier extension for pk. */
struct X509_extension_st *
keygen_ski_ext(struct evp_pkey_st *pk, char **cause)
{
	X509_PUBKEY		*xpk = NULL;
	ASN1_OCTET_STRING	*os = NULL;
	X509_EXTENSION		*ext = NULL;
	const unsigned char	*bits;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen;
	int			 nbits;

	/* RFC 5280 4.2.1.2 method (1), as keytool: SHA-1 of the key bits. */
	if (!X509_PUBKEY_set(&xpk, pk) ||
	    !X509_PUBKEY_get0_param(NULL, &bits, &nbits, NULL, xpk) ||
	    !EVP_Digest(bits, nbits, md, &mdlen, EVP_sha1(), NULL) ||
	    (os = ASN1_OCTET_STRING_new()) == NULL ||
	    !ASN1_OCTET_STRING_set(os, md, (int)mdlen) ||
	    (ext = X509V3_EXT_i2d(NID_subject_key_identifier, 0, os)) == NULL)
		cause_ssl(cause, "subjectKeyIdentifier");
	ASN1_OCTET_STRING_free(os);
	X509_PUBKEY_free(xpk);
	return (ext);
}

/* Add ext to x (taking it); -1 with *cause. */
static int
keygen_add_ext(X509 *x, X509_EXTENSION *ext, char **cause)
{
	int	rc = 0;

	if (ext == NULL)
		return (-1);
	if (!X509_add_ext(x, ext, -1)) {
		cause_ssl(cause, "X509_add_ext");
		rc = -1;
	}
	X509_EXTENSION_free(ext);
	return (rc);
}

/* Add the end-entity extensions: basicConstraints, keyUsage, EKU. */
static int
keygen_add_ee_exts(X509 *x, EVP_PKEY *pk, char **cause)
{
	BASIC_CONSTRAINTS	*bc = NULL;
	ASN1_BIT_STRING		*ku = NULL;
	EXTENDED_KEY_USAGE	*eku = NULL;
	int			 rc = -1;

	if ((bc = BASIC_CONSTRAINTS_new()) == NULL ||
	    (ku = ASN1_BIT_STRING_new()) == NULL ||
	    (eku = sk_ASN1_OBJECT_new_null()) == NULL)
		goto ssl;
	bc->ca = 0;
	/* digitalSignature (0); RSA also keyEncipherment (2) for TLS 1.2 */
	if (!ASN1_BIT_STRING_set_bit(ku, 0, 1))
		goto ssl;
	if ((EVP_PKEY_is_a(pk, "RSA") || EVP_PKEY_is_a(pk, "RSA-PSS")) &&
	    !ASN1_BIT_STRING_set_bit(ku, 2, 1))
		goto ssl;
	if (!sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(NID_server_auth)))
		goto ssl;
	if (X509_add1_ext_i2d(x, NID_basic_constraints, bc, 1,
	    X509V3_ADD_REPLACE) != 1 ||
	    X509_add1_ext_i2d(x, NID_key_usage, ku, 1,
	    X509V3_ADD_REPLACE) != 1 ||
	    X509_add1_ext_i2d(x, NID_ext_key_usage, eku, 0,
	    X509V3_ADD_REPLACE) != 1)
		goto ssl;
	rc = 0;
	goto out;
ssl:
	cause_ssl(cause, "certificate extensions");
out:
	BASIC_CONSTRAINTS_free(bc);
	ASN1_BIT_STRING_free(ku);
	sk_ASN1_OBJECT_free(eku);
	return (rc);
}

/* Fetch the signing digest for pk (NULL for Ed25519: none needed). */
static int
keygen_md(EVP_PKEY *pk, const EVP_MD **md, char **cause)
{
	const char	*name = keygen_digest(pk);

	*md = NULL;
	if (name == NULL)
		return (0);
	if ((*md = EVP_get_digestbyname(name)) == NULL) {
		cause_ssl(cause, "digest %s", name);
		return (-1);
	}
	return (0);
}

/* Make and sign a self-signed server certificate. */
int
keygen_selfsigned(struct evp_pkey_st *pk, const struct X509_name_st *subject,
    const struct san_list *san, int days, struct x509_st **out, char **cause)
{
	X509		*x = NULL;
	BIGNUM		*bn = NULL;
	const EVP_MD	*md;
	unsigned char	 rnd[8];
	time_t		 now;
	int		 rc = -1;

	*out = NULL;
	if (pk == NULL || subject == NULL) {
		cause_set(cause, "self-signed certificate: no key or subject");
		goto out;
	}
	if (days < 1 || days > KEYGEN_MAX_DAYS) {
		cause_set(cause, "validity of %d days is out of range "
		    "(1 to %d)", days, KEYGEN_MAX_DAYS);
		goto out;
	}
	if (keygen_md(pk, &md, cause) != 0)
		goto out;
	if ((x = X509_new()) == NULL ||
	    !X509_set_version(x, X509_VERSION_3))
		goto ssl;
	/* keytool: a positive number from 8 random bytes. */
	do {
		if (RAND_bytes(rnd, sizeof rnd) != 1)
			goto ssl;
		BN_free(bn);
		if ((bn = BN_bin2bn(rnd, sizeof rnd, NULL)) == NULL)
			goto ssl;
	} while (BN_is_zero(bn));
	if (BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto ssl;
	if (!X509_set_subject_name(x, subject) ||
	    !X509_set_issuer_name(x, subject))
		goto ssl;
	/* UTCTime until 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
	now = time(NULL);
	if (X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &now) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), days, 0, &now) == NULL)
		goto ssl;
	if (!X509_set_pubkey(x, pk))
		goto ssl;
	if (keygen_add_ext(x, keygen_ski_ext(pk, cause), cause) != 0)
		goto out;
	if (san != NULL && san->n > 0 && keygen_add_ext(x, san_list_ext(san,
	    X509_NAME_entry_count(subject) == 0, cause), cause) != 0)
		goto out;
	if (keygen_add_ee_exts(x, pk, cause) != 0)
		goto out;
	if (X509_sign(x, pk, md) <= 0)
		goto ssl;
	*out = x;
	x = NULL;
	rc = 0;
	goto out;
ssl:
	cause_ssl(cause, "self-signed certificate");
out:
	BN_free(bn);
	X509_free(x);
	return (rc);
}

/* SPDX-License-Identifier: ISC */
/*
 * obf.c -- Jetty's password forms (docs/config-formats.md, "Jetty").
 *
 * "OBF:" is Jetty's reversible obfuscation (Password.obfuscate and
 * deobfuscate in org.eclipse.jetty.util.security, unchanged from Jetty 7 to
 * 12).  It works on the password's UTF-8 bytes b[0..n), pairing each byte
 * with its mirror b[n-1-i]:
 *  - both below 0x80: i0 = (127 + b1 + b2) * 256 + (127 + b1 - b2), written
 *    in base 36, lower case, padded with '0' to 4 characters;
 *  - else: i0 = b1 * 256 + b2 (unsigned), written as 'U' and 4 base-36
 *    characters.
 * Decoding keeps b1 of each group: (i1 + i2 - 254) / 2, or i0 >> 8.  Jetty
 * decodes any string it is given and undoes repeated "OBF:" prefixes; we
 * accept only strings that encode back to themselves, so a corrupt value
 * is named as such instead of becoming a wrong password.  "MD5:" and
 * "CRYPT:" are the one-way Credential forms of realm files.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core.h"

#define OBF_PREFIX	"OBF:"
#define OBF_MAX_ROUNDS	16	/* nested OBF: prefixes undone */

/* Which form a configured password has. */
enum obf_kind
obf_kind(const char *s)
{
	if (strncmp(s, OBF_PREFIX, 4) == 0)
		return (OBF_OBF);
	if (strncmp(s, "MD5:", 4) == 0)
		return (OBF_MD5);
	if (strncmp(s, "CRYPT:", 6) == 0)
		return (OBF_CRYPT);
	return (OBF_PLAIN);
}

/* v in base 36, lower case, into out (at least 8 bytes); its length. */
static size_t
obf_b36(unsigned int v, char *out)
{
	char	t[8];
	size_t	n = 0, i;

	do {
		t[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
		v /= 36;
	} while (v != 0);
	for (i = 0; i < n; i++)
		out[i] = t[n - 1 - i];
	return (n);
}

/* Encode n bytes into out (room for 4 + 5 * n + 1 bytes). */
static void
obf_encode_bytes(const unsigned char *b, size_t n, char *out)
{
	char		x[8];
	size_t		i, k, o = 0;
	unsigned int	b1, b2, i0;

	memcpy(out, OBF_PREFIX, 4);
	o = 4;
	for (i = 0; i < n; i++) {
		b1 = b[i];
		b2 = b[n - 1 - i];
		if (b1 >= 0x80 || b2 >= 0x80) {
			i0 = b1 * 256 + b2;
			k = obf_b36(i0, x);
			out[o++] = 'U';
		} else {
			i0 = (127 + b1 + b2) * 256 + (127 + b1 - b2);
			k = obf_b36(i0, x);
		}
		for (; k < 4; k++)
			out[o++] = '0';
		k = obf_b36(i0, x);
		memcpy(out + o, x, k);
		o += k;
	}
	out[o] = '\0';
}

/* "OBF:..." for a password. */
struct secret *
obf_encode(const struct secret *pw)
{
	struct secret	*s;
	char		*out;
	size_t		 cap = 4 + 5 * pw->len + 1;

	out = xmalloc(cap);
	obf_encode_bytes((const unsigned char *)pw->buf, pw->len, out);
	s = secret_new(out, strlen(out));
	OPENSSL_cleanse(out, cap);
	free(out);
	return (s);
}

/* Value of a base-36 digit (either case), or -1. */
static int
obf_digit(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'Z')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * One round: the bytes s[0, len) (after "OBF:") stand for, into out (room
 * for len / 4 bytes); -1 when they are not a string Jetty could have
 * written.
 */
static int
obf_decode_round(const char *s, size_t len, unsigned char *out, size_t *outlen)
{
	size_t		i = 0, n = 0, k;
	unsigned int	i0, i1, i2;
	int		d;
	bool		u;
	char		*again;
	int		rc = -1;

	while (i < len) {
		u = s[i] == 'U';
		if (u)
			i++;
		if (len - i < 4)
			return (-1);
		i0 = 0;
		for (k = 0; k < 4; k++) {
			if ((d = obf_digit(s[i + k])) == -1)
				return (-1);
			i0 = i0 * 36 + (unsigned int)d;
		}
		i += 4;
		if (u)
			out[n++] = (unsigned char)(i0 >> 8);
		else {
			i1 = i0 / 256;
			i2 = i0 % 256;
			if (i1 + i2 < 254 || i1 + i2 - 254 > 2 * 127)
				return (-1);
			out[n++] = (unsigned char)((i1 + i2 - 254) / 2);
		}
	}
	/* Jetty's own encoding of those bytes must give the input back. */
	again = xmalloc(4 + 5 * n + 1);
	obf_encode_bytes(out, n, again);
	if (strlen(again + 4) == len) {
		rc = 0;
		for (k = 0; k < len; k++) {
			if (again[4 + k] != s[k] && !(s[k] >= 'A' &&
			    s[k] <= 'Z' && again[4 + k] == s[k] - 'A' + 'a')) {
				rc = -1;
				break;
			}
		}
	}
	OPENSSL_cleanse(again, 4 + 5 * n + 1);
	free(again);
	*outlen = n;
	return (rc);
}

/* The password an "OBF:" string stands for. */
int
obf_decode(const char *s, struct secret **out, char **cause)
{
	unsigned char	*buf;
	char		*cur;
	size_t		 len, n = 0, cap;
	int		 round;

	*out = NULL;
	switch (obf_kind(s)) {
	case OBF_MD5:
		cause_set(cause, "an MD5: password is a one-way digest "
		    "(Jetty's Credential form): it cannot be turned back into "
		    "the password; give the password itself");
		return (-1);
	case OBF_CRYPT:
		cause_set(cause, "a CRYPT: password is a one-way crypt(3) hash "
		    "(Jetty's Credential form): it cannot be turned back into "
		    "the password; give the password itself");
		return (-1);
	case OBF_PLAIN:
		cause_set(cause, "not an OBF: password");
		return (-1);
	case OBF_OBF:
		break;
	}
	cur = xstrdup(s);
	cap = strlen(cur) + 1;
	for (round = 0; strncmp(cur, OBF_PREFIX, 4) == 0; round++) {
		if (round == OBF_MAX_ROUNDS) {
			cause_set(cause, "OBF: password nested more than %d "
			    "times", OBF_MAX_ROUNDS);
			goto fail;
		}
		len = strlen(cur + 4);
		buf = xmalloc(len / 4 + 1);
		if (obf_decode_round(cur + 4, len, buf, &n) != 0 ||
		    !confdoc_utf8(buf, n, NULL)) {
			OPENSSL_cleanse(buf, len / 4 + 1);
			free(buf);
			cause_set(cause, "corrupt OBF: password (not a string "
			    "Jetty's Password.obfuscate writes: re-enter the "
			    "password)");
			goto fail;
		}
		OPENSSL_cleanse(cur, cap);
		free(cur);
		buf[n] = '\0';
		cur = (char *)buf;
		cap = len / 4 + 1;
	}
	*out = secret_new(cur, strlen(cur));
	OPENSSL_cleanse(cur, cap);
	free(cur);
	return (0);
fail:
	OPENSSL_cleanse(cur, cap);
	free(cur);
	return (-1);
}

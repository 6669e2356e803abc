/* SPDX-License-Identifier: ISC */
/*
 * secret.c -- passwords.  The bytes live only in a struct secret and are
 * wiped with OPENSSL_cleanse when freed; nothing here copies them into plain
 * strings.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "core.h"

/*
 * No core file, and no ptrace or /proc/PID/mem by other processes of the
 * same user, for the whole process: called first thing in main, before any
 * password is read, so that a crash (or a kill -SEGV) at a prompt or during
 * a key generation cannot leave the password on disk.  Both are inherited
 * by threads; children started later get RLIMIT_CORE 0 as well.  Fails
 * (and says why) only when the kernel refuses.
 */
int
secret_process_harden(char **cause)
{
	struct rlimit	rl;
	int		rc = 0;

	rl.rlim_cur = rl.rlim_max = 0;
	if (setrlimit(RLIMIT_CORE, &rl) != 0) {
		cause_set(cause, "cannot turn core dumps off: %s",
		    strerror(errno));
		rc = -1;
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		cause_set(cause, "cannot make the process undumpable: %s",
		    strerror(errno));
		rc = -1;
	}
	return (rc);
}

/*
 * Does a setting named key hold a secret, whose value is masked in diffs,
 * plans, JSON and on screen and never taken from argv?  One rule for every
 * server kind (Spring properties, Tomcat and Jetty attributes, YAML keys):
 * the name in ASCII lower case without '-', '_' and '.' (so api-key,
 * api_key, apiKey and api.key are one) holds password, passwd, passphrase,
 * secret, token, credential, apikey, privatekey or cleartext, or ends in
 * pass or pwd (keystorePass, keyPass, db.pwd).
 */
bool
secret_key_name(const char *key)
{
	static const char	*words[] = { "password", "passwd", "passphrase",
	    "secret", "token", "credential", "apikey", "privatekey",
	    "cleartext" };
	char			*c;
	size_t			 i, j, n;
	bool			 r = false;

	if (key == NULL)
		return (false);
	c = xmalloc(strlen(key) + 1);
	for (i = j = 0; key[i] != '\0'; i++) {
		if (key[i] == '-' || key[i] == '_' || key[i] == '.')
			continue;
		c[j++] = key[i] >= 'A' && key[i] <= 'Z' ? key[i] - 'A' + 'a' :
		    key[i];
	}
	c[j] = '\0';
	n = j;
	for (i = 0; i < sizeof words / sizeof words[0] && !r; i++)
		r = strstr(c, words[i]) != NULL;
	if (!r)
		r = (n >= 4 && strcmp(c + n - 4, "pass") == 0) ||
		    (n >= 3 && strcmp(c + n - 3, "pwd") == 0);
	free(c);
	return (r);
}

struct secret *
secret_new(const void *bytes, size_t len)
{
	struct secret	*s;

	s = xcalloc(1, sizeof *s);
	s->buf = xmalloc(len + 1);
	if (len != 0)
		memcpy(s->buf, bytes, len);
	s->buf[len] = '\0';
	s->len = len;
	return (s);
}

struct secret *
secret_from_str(const char *str)
{
	return (secret_new(str, strlen(str)));
}

struct secret *
secret_dup(const struct secret *s)
{
	if (s == NULL)
		return (NULL);
	return (secret_new(s->buf, s->len));
}

void
secret_free(struct secret *s)
{
	if (s == NULL)
		return;
	if (s->buf != NULL) {
		OPENSSL_cleanse(s->buf, s->len + 1);
		free(s->buf);
	}
	OPENSSL_cleanse(s, sizeof *s);
	free(s);
}

bool
secret_equal(const struct secret *a, const struct secret *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (a->len == b->len && CRYPTO_memcmp(a->buf, b->buf, a->len) == 0);
}

int
secret_from_env(const char *var, struct secret **sp, char **cause)
{
	const char	*v;

	*sp = NULL;
	if ((v = getenv(var)) == NULL) {
		cause_set(cause, "environment variable %s is not set", var);
		return (-1);
	}
	*sp = secret_from_str(v);
	return (0);
}

int
secret_from_file(const char *path, struct secret **sp, char **cause)
{
	unsigned char	*buf = NULL;
	size_t		 len = 0, n;

	*sp = NULL;
	if (file_read(path, &buf, &len, cause) != 0)
		return (-1);
	for (n = 0; n < len && buf[n] != '\n' && buf[n] != '\r'; n++)
		;
	if (n == 0) {
		/* an empty file is a mistake, not the empty password */
		cause_set(cause, "%s: the password file is empty (the password "
		    "is its first line)", path);
		free(buf);
		return (-1);
	}
	*sp = secret_new(buf, n);
	OPENSSL_cleanse(buf, len);
	free(buf);
	return (0);
}

/* Decode one UTF-8 sequence at s (len bytes left); -1 if malformed. */
static long
utf8_decode(const unsigned char *s, size_t len, size_t *used)
{
	long	c;
	size_t	n, i;

	if (s[0] < 0x80) {
		*used = 1;
		return (s[0]);
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return (-1);
	if (n > len)
		return (-1);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (-1);
		c = (c << 6) | (s[i] & 0x3f);
	}
	*used = n;
	return (c);
}

/*
 * UTF-16BE as Java's char[] (JKS digest and key protector).  Bytes that are
 * not valid UTF-8 are taken as ISO-8859-1 characters.
 */
struct secret *
secret_utf16be(const struct secret *s)
{
	struct secret	*u;
	unsigned char	*out;
	size_t		 i = 0, o = 0, used;
	long		 c;

	out = xmalloc(s->len * 4 + 1);
	while (i < s->len) {
		c = utf8_decode((const unsigned char *)s->buf + i,
		    s->len - i, &used);
		if (c < 0) {
			c = (unsigned char)s->buf[i];
			used = 1;
		}
		i += used;
		if (c >= 0x10000) {
			c -= 0x10000;
			out[o++] = (0xd800 | (c >> 10)) >> 8;
			out[o++] = (0xd800 | (c >> 10)) & 0xff;
			out[o++] = (0xdc00 | (c & 0x3ff)) >> 8;
			out[o++] = (0xdc00 | (c & 0x3ff)) & 0xff;
		} else {
			out[o++] = c >> 8;
			out[o++] = c & 0xff;
		}
	}
	u = secret_new(out, o);
	OPENSSL_cleanse(out, s->len * 4 + 1);
	free(out);
	return (u);
}

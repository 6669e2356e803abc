/* SPDX-License-Identifier: ISC */
/*
 * jre.c -- Java runtimes and their truststores: versions, where a JRE and
 * its cacerts are, and opening a cacerts with the password it needs.
 *
 * server.c discovers the JRE the server runs on (from
 * application.properties, the listening process, ...) with these; a
 * command such as trust, without a server to ask, finds its cacerts here
 * (jre_cacerts_find: --cacerts FILE, --jre DIR, $JAVA_HOME, or the `java`
 * on $PATH: its real path, two directories up).
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "core.h"

/* ------------------------------------------------------------------ */
/* Versions */

bool
jre_parse_version(const char *v, int *major, int *update)
{
	char	*end;
	long	 a, b = 0, c = 0;

	*major = *update = 0;
	a = strtol(v, &end, 10);
	if (end == v || a <= 0 || a > 1000)
		return (false);
	if (*end == '.') {
		b = strtol(end + 1, &end, 10);
		if (*end == '.')
			c = strtol(end + 1, &end, 10);
	}
	if (a == 1) {
		/* 1.8.0_292 */
		*major = (int)b;
		if (*end == '_')
			*update = atoi(end + 1);
	} else {
		*major = (int)a;
		*update = (int)c;
	}
	return (*major > 0);
}

int
jre_reads_new_pkcs12(int major, int update)
{
	if (major <= 0)
		return (-1);
	if (major >= 12)
		return (1);
	if (major == 11)
		return (update >= 12);
	if (major == 8)
		return (update >= 301);
	if (major == 7)
		return (update >= 311);
	return (0);
}

/* ------------------------------------------------------------------ */
/* Where a JRE and its cacerts are */

/* The Java home of a java binary (…/bin/java -> …), resolved. */
char *
jre_home_of_java(const char *java)
{
	char	real[PATH_MAX], *bin, *home;

	if (realpath(java, real) == NULL)
		return (NULL);
	if (strcmp(path_basename(real), "java") != 0)
		return (NULL);
	bin = path_dirname(real);
	home = path_dirname(bin);
	free(bin);
	return (home);
}

/* The real path of the first executable java on $PATH, or NULL. */
char *
jre_java_on_path(void)
{
	const char	*path = getenv("PATH");
	char		*copy, *dir, *next, *p, real[PATH_MAX];
	char		*found = NULL;

	if (path == NULL || *path == '\0')
		return (NULL);
	copy = xstrdup(path);
	for (dir = copy; dir != NULL && found == NULL; dir = next) {
		if ((next = strchr(dir, ':')) != NULL)
			*next++ = '\0';
		/* An empty entry is the current directory. */
		p = path_join(*dir == '\0' ? "." : dir, "java");
		if (access(p, X_OK) == 0 && realpath(p, real) != NULL)
			found = xstrdup(real);
		free(p);
	}
	free(copy);
	return (found);
}

/* The cacerts under a Java home (JDK 9+, then JDK 8), or NULL. */
char *
jre_cacerts_under(const char *home)
{
	static const char	*rel[] = { "lib/security/cacerts",
	    "jre/lib/security/cacerts" };
	struct stat		 sb;
	char			*p;
	size_t			 i;

	for (i = 0; i < sizeof rel / sizeof rel[0]; i++) {
		p = path_join(home, rel[i]);
		if (lstat(p, &sb) == 0)
			return (p);
		free(p);
	}
	return (NULL);
}

/* The jssecacerts beside cacerts when it exists, or NULL. */
char *
jre_jssecacerts(const char *cacerts)
{
	char	*dir, *p;

	dir = path_dirname(cacerts);
	p = path_join(dir, "jssecacerts");
	free(dir);
	if (path_exists(p))
		return (p);
	free(p);
	return (NULL);
}

/* The JRE home of a cacerts path ending in lib/security/cacerts, or NULL. */
char *
jre_home_of(const char *cacerts)
{
	static const char	 tail[] = "/lib/security/cacerts";
	size_t			 n = strlen(cacerts), t = sizeof tail - 1;

	if (n <= t || strcmp(cacerts + n - t, tail) != 0)
		return (NULL);
	return (xstrndup(cacerts, n - t));
}

/* Find the cacerts to use; see core.h. */
int
jre_cacerts_find(const char *jre, const char *cacerts, struct jre_cacerts *jc,
    char **cause)
{
	const char	*jh;
	char		*java = NULL, *home = NULL;
	int		 rc = -1;

	memset(jc, 0, sizeof *jc);
	if (cacerts != NULL) {
		if (!path_exists(cacerts)) {
			/* stat's errno: a symlink loop is not "no such file" */
			cause_set(cause, "%s: %s", cacerts, strerror(errno));
			goto out;
		}
		jc->path = xstrdup(cacerts);
		jc->home = jre_home_of(cacerts);
		jc->how = xstrdup("--cacerts");
		rc = 0;
		goto out;
	}
	if (jre != NULL) {
		if ((jc->path = jre_cacerts_under(jre)) == NULL) {
			cause_set(cause, "%s: no lib/security/cacerts in this "
			    "JRE (--jre names the directory holding bin/java)",
			    jre);
			goto out;
		}
		jc->home = xstrdup(jre);
		xasprintf(&jc->how, "--jre %s", jre);
		rc = 0;
		goto out;
	}
	if ((jh = getenv("JAVA_HOME")) != NULL && *jh != '\0' &&
	    (jc->path = jre_cacerts_under(jh)) != NULL) {
		jc->home = xstrdup(jh);
		jc->how = xstrdup("$JAVA_HOME");
		rc = 0;
		goto out;
	}
	if ((java = jre_java_on_path()) != NULL &&
	    (home = jre_home_of_java(java)) != NULL) {
		if ((jc->path = jre_cacerts_under(home)) != NULL) {
			jc->home = home;
			home = NULL;
			xasprintf(&jc->how, "java on $PATH (%s)", java);
			rc = 0;
			goto out;
		}
	}
	cause_set(cause, "cannot tell which Java to trust the certificate in "
	    "(no $JAVA_HOME with a cacerts, no java on $PATH): name it with "
	    "--jre DIR or --cacerts FILE");
out:
	free(java);
	free(home);
	if (rc != 0) {
		jre_cacerts_done(jc);
		return (rc);
	}
	/* The JVM trusts lib/security/jssecacerts instead, if it exists. */
	jc->jssecacerts = jre_jssecacerts(jc->path);
	return (0);
}

/* The cacerts of the server's JRE as the model found it; see core.h. */
int
jre_cacerts_from_model(const struct server_model *m, struct jre_cacerts *jc,
    char **cause)
{
	const struct jre_info	*j = &m->jre;
	struct stat		 sb;

	memset(jc, 0, sizeof *jc);
	if (j->cacerts == NULL) {
		cause_set(cause, "cannot tell which Java the server of %s "
		    "runs on (no ${sharedDataPath}/jre, ${installPath}/jre, "
		    "java process on port %d, $JAVA_HOME or java on $PATH): "
		    "name it with --jre DIR or --cacerts FILE", m->properties,
		    m->port);
		return (-1);
	}
	if (stat(j->cacerts, &sb) != 0) {
		cause_set(cause, "%s: %s (the cacerts of the server's JRE, "
		    "found by %s): name the right one with --jre DIR or "
		    "--cacerts FILE", j->cacerts, strerror(errno),
		    j->how != NULL ? j->how : "?");
		return (-1);
	}
	jc->path = xstrdup(j->cacerts);
	jc->home = j->home != NULL ? xstrdup(j->home) :
	    jre_home_of(j->cacerts);
	xasprintf(&jc->how, "%s, the JRE of the server in %s",
	    j->how != NULL ? j->how : "?", m->properties);
	if (j->jssecacerts_path != NULL)
		jc->jssecacerts = xstrdup(j->jssecacerts_path);
	return (0);
}

/* Free what jre_cacerts_find filled. */
void
jre_cacerts_done(struct jre_cacerts *jc)
{
	if (jc == NULL)
		return;
	free(jc->path);
	free(jc->home);
	free(jc->how);
	free(jc->jssecacerts);
	memset(jc, 0, sizeof *jc);
}

/* ------------------------------------------------------------------ */
/* Opening a cacerts */

/* The storepass= of a Debian-style /etc/default/cacerts; see core.h. */
struct secret *
jre_defaults_storepass(const char *file)
{
	unsigned char	*buf = NULL;
	struct secret	*sec = NULL;
	size_t		 len, i, s, e, nl;

	if (file == NULL)
		file = SERVER_DISTRO_DEFAULTS;
	if (file_read(file, &buf, &len, NULL) != 0)
		return (NULL);
	for (i = 0; i < len; i = nl + 1) {
		for (nl = i; nl < len && buf[nl] != '\n'; nl++)
			;
		e = nl;
		s = i;
		while (s < e && (buf[s] == ' ' || buf[s] == '\t'))
			s++;
		if (e - s < 10 || memcmp(buf + s, "storepass=", 10) != 0)
			continue;
		s += 10;
		while (e > s && (buf[e - 1] == '\r' || buf[e - 1] == ' ' ||
		    buf[e - 1] == '\t'))
			e--;
		/* A shell assignment: strip one pair of quotes. */
		if (e - s >= 2 && (buf[s] == '"' || buf[s] == '\'') &&
		    buf[e - 1] == buf[s]) {
			s++;
			e--;
		}
		secret_free(sec);
		sec = secret_new(buf + s, e - s);	/* the last one wins */
	}
	explicit_bzero(buf, len);
	free(buf);
	return (sec);
}

/* Load cacerts bytes (named path in messages and in ks->path). */
static struct keystore *
cacerts_load(const unsigned char *buf, size_t len, const char *path,
    const struct secret *pass, int flags, char **cause)
{
	struct keystore	*ks = NULL;

	if (keystore_load_mem(buf, len, path, pass, flags, &ks, cause) != 0)
		return (NULL);
	ks->path = xstrdup(path);
	return (ks);
}

/* Load cacerts bytes with pass: it counts only when the integrity was
 * checked with it (or the file is passwordless). */
static struct keystore *
cacerts_try(const unsigned char *buf, size_t len, const char *path,
    const struct secret *pass, char **cause)
{
	struct keystore	*ks;

	ks = cacerts_load(buf, len, path, pass, 0, cause);
	if (ks != NULL && !ks->verified && !ks->passwordless) {
		keystore_free(ks);
		ks = NULL;
	}
	return (ks);
}

/* Open a cacerts, finding its password; see core.h. */
int
cacerts_open_with(const char *path, const struct secret *given,
    const char *defaults, int flags, struct keystore **ksp,
    struct secret **passp, char **how, bool *need_pass, char **cause)
{
	unsigned char	*buf = NULL;
	size_t		 len = 0;
	struct keystore	*list = NULL, *ks = NULL;
	struct secret	*pw = NULL;
	enum ks_format	 f;
	char		*c = NULL;
	int		 rc = -1;

	*ksp = NULL;
	*how = NULL;
	if (passp != NULL)
		*passp = NULL;
	if (need_pass != NULL)
		*need_pass = false;
	if (defaults == NULL)
		defaults = SERVER_DISTRO_DEFAULTS;
	if (file_read(path, &buf, &len, cause) != 0)
		return (-1);
	f = keystore_sniff(buf, len);
	if ((flags & CACERTS_WRITE) && f == KS_FMT_JCEKS) {
		cause_set(cause, "%s: is a JCEKS keystore, which tlsdeck only "
		    "reads", path);
		goto out;
	}
	if ((flags & CACERTS_WRITE) && f != KS_FMT_JKS &&
	    f != KS_FMT_PKCS12) {
		cause_set(cause, "%s: not a JKS or PKCS12 truststore (%s)",
		    path, len == 0 ? "empty file" : ks_format_name(f));
		goto out;
	}
	/* Damaged files fail here, before any password is tried; a
	 * passwordless PKCS#12 (JDK 18+) opens in full. */
	if ((list = cacerts_load(buf, len, path, NULL, KS_LOAD_NOVERIFY,
	    cause)) == NULL)
		goto out;
	if (list->passwordless) {
		*how = xstrdup("no password");
		ks = list;
		list = NULL;
		goto done;
	}
	if (given != NULL) {
		if ((ks = cacerts_try(buf, len, path, given,
		    &c)) == NULL) {
			if (need_pass != NULL)
				*need_pass = true;
			cause_set(cause, "%s", c != NULL ? c :
			    "the password is incorrect");
			goto out;
		}
		pw = secret_dup(given);
		*how = xstrdup("given");
		goto done;
	}
	pw = secret_from_str("changeit");
	if ((ks = cacerts_try(buf, len, path, pw, NULL)) != NULL) {
		*how = xstrdup("changeit");
		goto done;
	}
	secret_free(pw);
	if ((pw = jre_defaults_storepass(defaults)) != NULL &&
	    (ks = cacerts_try(buf, len, path, pw, NULL)) != NULL) {
		xasprintf(how, "%s (storepass)", defaults);
		goto done;
	}
	secret_free(pw);
	pw = NULL;
	if (flags & CACERTS_WRITE) {
		if (need_pass != NULL)
			*need_pass = true;
		cause_set(cause, "%s: the store password is not \"changeit\" "
		    "(nor the storepass of %s): give it", path, defaults);
		goto out;
	}
	/* The last resort: listed without checking its integrity. */
	ks = list;
	list = NULL;
done:
	*ksp = ks;
	ks = NULL;
	if (passp != NULL) {
		*passp = pw;
		pw = NULL;
	}
	rc = 0;
out:
	keystore_free(list);
	keystore_free(ks);
	secret_free(pw);
	free(c);
	OPENSSL_cleanse(buf, len);
	free(buf);
	return (rc);
}

/* Open a cacerts for reading; see core.h. */
int
cacerts_open(const char *path, struct keystore **ksp, struct secret **passp,
    char **how, bool *verified, char **cause)
{
	int	rc;

	rc = cacerts_open_with(path, NULL, NULL, 0, ksp, passp, how, NULL,
	    cause);
	*verified = rc == 0 && *how != NULL;
	return (rc);
}

/* SPDX-License-Identifier: ISC */
/*
 * jre.c -- which cacerts a command such as trust writes to, without the
 * whole server model: --cacerts FILE, --jre DIR, $JAVA_HOME, or the `java`
 * on $PATH (its real path, two directories up).  server.c does the full
 * discovery from application.properties (jre_cacerts_from_model takes its
 * result); this is the fallback when there is no server to ask.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* Does path name something (a dangling symlink does not count)? */
static bool
jre_exists(const char *path)
{
	struct stat	sb;

	return (stat(path, &sb) == 0);
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
		if (!jre_exists(cacerts)) {
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

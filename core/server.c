/* SPDX-License-Identifier: ISC */
/*
 * server.c -- the server model (docs/server-model.md): which server, of
 * which kind, and what every kind shares once its module (core/kind-*.c)
 * has read its sources: values with their sources, the running process
 * (proc.c), the key materials opened (material.c), the JRE the server
 * runs on and its cacerts (found and opened with jre.c), the audit and
 * the settings rows.
 *
 * Loading problems (a missing keystore, a wrong password, no JRE) become
 * findings; what the loaded files say is judged by audit.c.  Only a
 * configuration file that cannot be read, or is not of its format, is an
 * error.  Nothing is written.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "srvload.h"

void
server_opts_init(struct server_opts *o)
{
	memset(o, 0, sizeof *o);
	o->warn_days = SERVER_WARN_DAYS;
	o->crit_days = SERVER_CRIT_DAYS;
}

/* The kinds, in detection order (docs/server-model.md). */
const struct server_kind *const server_kinds[] = {
	&server_kind_spring,
	&server_kind_tomcat,
	&server_kind_jetty,
	NULL
};

/* ------------------------------------------------------------------ */
/* Finding the server */

/* A Spring configuration file in dir: application.properties|yml|yaml. */
static char *
srv_conf_in(const char *dir)
{
	static const char	*names[] = { "application.properties",
	    "application.yml", "application.yaml" };
	char			*p;
	size_t			 i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		p = path_join(dir, names[i]);
		if (path_exists(p))
			return (p);
		free(p);
	}
	return (NULL);
}

/* Does some kind recognise dir?  1 with *kp and *path. */
static int
srv_detect(const char *dir, const struct server_kind **kp, char **path)
{
	const struct server_kind	*k;
	char				*p = NULL, *why = NULL;
	size_t				 i;

	for (i = 0; server_kinds[i] != NULL; i++) {
		k = server_kinds[i];
		if (k->detect != NULL && k->detect(dir, &p, &why) == 1) {
			*kp = k;
			*path = p;
			free(why);
			return (1);
		}
	}
	return (0);
}

/*
 * DIR holds no server, but it may be a package's data directory that a
 * server in one of the kinds' usual places links to (Debian's jetty9:
 * /usr/share/jetty9/webapps -> /var/lib/jetty9/webapps, the base being
 * /usr/share/jetty9).  1 with that server's kind, file and *base
 * (malloc'd) when exactly such a link is found.
 */
static int
srv_detect_linked(const char *dir, const struct server_kind **kp,
    char **path, char **base)
{
	const struct server_kind	*k;
	char				*rdir, *rent, *ent;
	const char			*place;
	size_t				 i, j, dl;
	DIR				*d;
	struct dirent			*de;
	struct stat			 sb;
	int				 found = 0;

	if ((rdir = realpath(dir, NULL)) == NULL)
		return (0);
	dl = strlen(rdir);
	for (i = 0; !found && server_kinds[i] != NULL; i++) {
		k = server_kinds[i];
		for (j = 0; !found && k->places != NULL &&
		    (place = k->places[j]) != NULL; j++) {
			if ((d = opendir(place)) == NULL)
				continue;
			while (!found && (de = readdir(d)) != NULL) {
				if (de->d_name[0] == '.')
					continue;
				xasprintf(&ent, "%s/%s", place, de->d_name);
				if (lstat(ent, &sb) == 0 && S_ISLNK(sb.st_mode) &&
				    (rent = realpath(ent, NULL)) != NULL) {
					if (strncmp(rent, rdir, dl) == 0 &&
					    (rent[dl] == '\0' ||
					    (rent[dl] == '/' && strcmp(rent +
					    dl + 1, de->d_name) == 0)) &&
					    strcmp(place, dir) != 0 &&
					    srv_detect(place, kp, path)) {
						*base = xstrdup(place);
						found = 1;
					}
					free(rent);
				}
				free(ent);
			}
			closedir(d);
		}
	}
	free(rdir);
	return (found);
}

/* A running java server: the directory it names with a kind's system
 * property (-Dcatalina.base, -Djetty.base), else its working
 * directory, recognised by a kind.  The first process (by pid) wins. */
static int
srv_find_running(const struct server_opts *o, const struct server_kind **kp,
    char **path, char **how)
{
	const struct server_kind	*k;
	int				*pids;
	size_t				 n, i, j;
	char				*dir;
	int				 found = 0;

	n = srv_proc_java(o->proc, &pids);
	for (i = 0; i < n && !found; i++) {
		for (j = 0; server_kinds[j] != NULL && !found; j++) {
			k = server_kinds[j];
			if (k->base_prop == NULL ||
			    (dir = srv_proc_sysprop(o->proc, pids[i],
			    k->base_prop)) == NULL)
				continue;
			if (srv_detect(dir, kp, path)) {
				xasprintf(how, "the running java process %d "
				    "(-D%s=%s)", pids[i], k->base_prop, dir);
				found = 1;
			}
			free(dir);
		}
		if (!found && (dir = srv_proc_cwd(o->proc, pids[i])) != NULL) {
			if (strcmp(dir, "/") != 0 && srv_detect(dir, kp,
			    path)) {
				xasprintf(how, "the running java process %d "
				    "(its working directory %s)", pids[i], dir);
				found = 1;
			}
			free(dir);
		}
	}
	free(pids);
	return (found);
}

/* Which server: its kind, its main configuration file and how. */
static int
srv_find(const struct server_opts *o, const struct server_kind **kp,
    char **path, char **how, char **dir, char **cause)
{
	const struct server_kind	*k;
	const char			*env;
	char				*p = NULL, *why = NULL;
	size_t				 i, j;
	static const char		*local[] = { ".", "conf" };

	*path = *how = NULL;
	if (dir != NULL)
		*dir = NULL;
	*kp = &server_kind_spring;
	if (o->properties != NULL) {
		if (!path_exists(o->properties)) {
			cause_set(cause, "%s: %s", o->properties,
			    strerror(errno));
			return (-1);
		}
		*path = path_absolute(o->properties);
		*how = xstrdup("--properties");
		return (0);
	}
	if (o->server != NULL) {
		if (!path_is_dir(o->server)) {
			cause_set(cause, "%s: not a directory (--server takes "
			    "the sharedDataPath, e.g. %s)", o->server,
			    "/etc/opt/actian/integration-manager");
			return (-1);
		}
		if (srv_detect(o->server, kp, path)) {
			xasprintf(how, "--server %s", o->server);
			if (dir != NULL)
				*dir = path_absolute(o->server);
			return (0);
		}
		if (srv_detect_linked(o->server, kp, path, &p)) {
			xasprintf(how, "--server %s: the %s base %s links "
			    "there", o->server, (*kp)->title, p);
			if (dir != NULL)
				*dir = p;
			else
				free(p);
			return (0);
		}
		cause_set(cause, "%s: no server found there (no "
		    "conf/application.properties, application.properties or "
		    "application.yml for Spring Boot, no conf/server.xml for "
		    "Tomcat, no start.ini or start.d/*.ini for Jetty)",
		    o->server);
		return (-1);
	}
	if ((env = getenv("TLSDECK_PROPERTIES")) != NULL && *env != '\0') {
		if (!path_exists(env)) {
			cause_set(cause, "%s (from $TLSDECK_PROPERTIES): %s",
			    env, strerror(errno));
			return (-1);
		}
		*path = path_absolute(env);
		*how = xstrdup("$TLSDECK_PROPERTIES");
		return (0);
	}
	for (i = 0; i < sizeof local / sizeof local[0]; i++) {
		if ((p = srv_conf_in(local[i])) != NULL) {
			*path = path_absolute(p);
			xasprintf(how, "./%s", p[0] == '.' && p[1] == '/' ?
			    p + 2 : p);
			free(p);
			return (0);
		}
	}
	if (!(o->flags & SERVER_NO_LIVE) && srv_find_running(o, kp, path,
	    how))
		return (0);
	if (path_exists(SERVER_VENDOR_PROPERTIES)) {
		*path = xstrdup(SERVER_VENDOR_PROPERTIES);
		*how = xstrdup("vendor default location");
		return (0);
	}
	for (i = 0; server_kinds[i] != NULL; i++) {
		k = server_kinds[i];
		for (j = 0; k->places != NULL && k->places[j] != NULL; j++) {
			if (k->detect == NULL || k->detect(k->places[j], &p,
			    &why) != 1)
				continue;
			*kp = k;
			*path = p;
			free(why);
			xasprintf(how, "%s's usual place %s", k->title,
			    k->places[j]);
			return (0);
		}
	}
	cause_set(cause, "no application.properties found (tried "
	    "$TLSDECK_PROPERTIES, ./application.properties, "
	    "./conf/application.properties, the running java servers, %s, "
	    "Tomcat's and Jetty's usual places); use --properties FILE or "
	    "--server DIR", SERVER_VENDOR_PROPERTIES);
	return (-1);
}

int
server_find_properties(const struct server_opts *o, char **path, char **how,
    char **cause)
{
	const struct server_kind	*k;

	return (srv_find(o, &k, path, how, NULL, cause));
}

/* ------------------------------------------------------------------ */
/* The JRE and its cacerts */

/* The value of KEY="..." (or KEY=...) in a release-like file. */
static char *
srv_release_value(const unsigned char *buf, size_t len, const char *key)
{
	size_t		 klen = strlen(key), i, j;
	const char	*s = (const char *)buf;

	for (i = 0; i < len; i = j + 1) {
		for (j = i; j < len && s[j] != '\n'; j++)
			continue;
		if (j - i > klen && memcmp(s + i, key, klen) == 0 &&
		    s[i + klen] == '=') {
			i += klen + 1;
			if (i < j && s[i] == '"')
				i++;
			while (j > i && (s[j - 1] == '"' || s[j - 1] == '\r' ||
			    s[j - 1] == ' '))
				j--;
			if (j - i > 64)
				return (NULL);
			return (xstrndup(s + i, j - i));
		}
	}
	return (NULL);
}

/* Does dir look like a Java home? */
static bool
srv_java_home(const char *dir)
{
	static const char	*marks[] = { "release", "bin/java",
	    "lib/security/cacerts", "jre/lib/security/cacerts" };
	char			*p;
	size_t			 i;
	bool			 ok = false;

	if (dir == NULL || !path_is_dir(dir))
		return (false);
	for (i = 0; i < sizeof marks / sizeof marks[0] && !ok; i++) {
		p = path_join(dir, marks[i]);
		ok = path_exists(p);
		free(p);
	}
	return (ok);
}

/* Pick the JRE: the first candidate that looks like one. */
static void
srv_jre_find(struct srvload *s)
{
	struct server_model	*m = s->m;
	struct jre_info		*j = &m->jre;
	const char		*env;
	char			*c, *p, *exe;

	if (s->o->jre != NULL) {
		j->home = path_absolute(s->o->jre);
		j->how = xstrdup("--jre");
		return;
	}
	if (m->shared_data_path != NULL) {
		c = path_join(m->shared_data_path, "jre");
		if (srv_java_home(c)) {
			j->home = c;
			j->how = xstrdup("${sharedDataPath}/jre");
			return;
		}
		free(c);
	}
	if (m->install_path != NULL) {
		c = path_join(m->install_path, "jre");
		if (srv_java_home(c)) {
			j->home = c;
			j->how = xstrdup("${installPath}/jre");
			return;
		}
		free(c);
	}
	if (m->proc.pid > 0) {
		xasprintf(&exe, "%s/%d/exe", s->o->proc != NULL ?
		    s->o->proc : "/proc", m->proc.pid);
		p = jre_home_of_java(exe);
		free(exe);
		if (p != NULL && srv_java_home(p)) {
			j->home = p;
			if (m->listening == 1)
				xasprintf(&j->how, "the java process listening "
				    "on port %d (pid %d)", m->port,
				    m->proc.pid);
			else
				xasprintf(&j->how, "the running server (pid "
				    "%d)", m->proc.pid);
			return;
		}
		free(p);
	}
	if (m->kind->jre != NULL && m->kind->jre(s, &p, &c) == 1) {
		if (srv_java_home(p)) {
			j->home = p;
			j->how = c;
			return;
		}
		free(p);
		free(c);
	}
	if ((env = getenv("JAVA_HOME")) != NULL && srv_java_home(env)) {
		j->home = xstrdup(env);
		j->how = xstrdup("$JAVA_HOME");
		return;
	}
	if ((exe = jre_java_on_path()) != NULL) {
		p = jre_home_of_java(exe);
		free(exe);
		if (p != NULL && srv_java_home(p)) {
			j->home = p;
			j->how = xstrdup("java on $PATH");
			return;
		}
		free(p);
	}
}

/* Version from home/release (or ../release for a JDK 8 jre/). */
static void
srv_jre_version(struct jre_info *j)
{
	unsigned char	*buf = NULL;
	size_t		 len;
	char		*p;
	int		 i;

	for (i = 0; i < 2 && j->version == NULL; i++) {
		p = path_join(j->home, i == 0 ? "release" : "../release");
		if (file_read(p, &buf, &len, NULL) == 0) {
			j->version = srv_release_value(buf, len,
			    "JAVA_VERSION");
			free(buf);
		}
		free(p);
	}
	if (j->version != NULL)
		jre_parse_version(j->version, &j->major, &j->update);
}

/* Locate and open cacerts (or jssecacerts, which the JVM prefers). */
static void
srv_jre(struct srvload *s)
{
	struct server_model	*m = s->m;
	struct jre_info		*j = &m->jre;
	struct stat		 sb;
	char			*c = NULL, real[PATH_MAX];
	const char		*load;

	if (s->o->cacerts != NULL) {
		j->cacerts = path_absolute(s->o->cacerts);
		j->how = xstrdup("--cacerts");
	} else {
		srv_jre_find(s);
		if (j->home == NULL) {
			audit_add(m, "jre-not-found", SEV_WARN, NULL, 0, NULL,
			    NULL, "name it: --jre DIR or --cacerts FILE",
			    "cannot tell which Java the server runs on (no "
			    "${sharedDataPath}/jre, ${installPath}/jre, java "
			    "process on port %d, $JAVA_HOME or java on "
			    "$PATH): trust not checked", m->port);
			return;
		}
		srv_jre_version(j);
		if ((j->cacerts = jre_cacerts_under(j->home)) == NULL) {
			j->cacerts = path_join(j->home, "lib/security/cacerts");
			xasprintf(&j->trust_error, "%s: no such file",
			    j->cacerts);
			audit_add(m, "cacerts-missing", SEV_WARN, j->cacerts, 0,
			    NULL, NULL, "check the JRE (--jre DIR)",
			    "the JRE at %s has no lib/security/cacerts: "
			    "trust not checked", j->home);
			return;
		}
	}
	if (lstat(j->cacerts, &sb) == 0 && S_ISLNK(sb.st_mode))
		j->cacerts_symlink = true;
	if (realpath(j->cacerts, real) != NULL)
		j->cacerts_real = xstrdup(real);
	else
		j->cacerts_real = xstrdup(j->cacerts);
	j->cacerts_distro = strcmp(j->cacerts_real,
	    SERVER_DISTRO_CACERTS) == 0;
	if (j->cacerts_distro)
		audit_add(m, "cacerts-distro", SEV_INFO, j->cacerts, 0, NULL,
		    NULL, "after ca-certificates updates, check that the "
		    "imported certificate is still there; or give the server "
		    "its own truststore", "cacerts %s is managed by "
		    "ca-certificates-java (shared by every JDK linked to it%s)",
		    j->cacerts_real, j->cacerts_symlink ? "; reached through "
		    "a symlink" : "");
	else if (j->cacerts_symlink)
		audit_add(m, "cacerts-symlink", SEV_INFO, j->cacerts, 0, NULL,
		    NULL, "changes go to the link's target; every JRE linked "
		    "to it sees them", "cacerts is a symlink to %s",
		    j->cacerts_real);

	/* jssecacerts replaces cacerts for the default TrustManager. */
	if (s->o->cacerts == NULL &&
	    (j->jssecacerts_path = jre_jssecacerts(j->cacerts)) != NULL) {
		j->jssecacerts = true;
		audit_add(m, "jssecacerts-present", SEV_WARN,
		    j->jssecacerts_path, 0, NULL, NULL, "import into "
		    "jssecacerts too, or remove it if it is stale",
		    "%s exists: the JVM trusts it instead of cacerts",
		    j->jssecacerts_path);
	}
	load = j->jssecacerts ? j->jssecacerts_path : j->cacerts;
	if (cacerts_open(load, &j->trust, NULL, &j->trust_pass_how,
	    &j->trust_verified, &c) != 0) {
		j->trust_error = c;
		audit_add(m, "cacerts-unreadable", SEV_WARN, load, 0, NULL,
		    NULL, "run tlsdeck as root, or name the right file with "
		    "--cacerts", "cannot read the JRE's truststore: %s", c);
		return;
	}
	if (!j->trust_verified) {
		xasprintf(&j->trust_error, "%s: password unknown (not "
		    "changeit); listed without checking its integrity", load);
		audit_add(m, "cacerts-password-unknown", SEV_WARN, load, 0,
		    NULL, NULL, "importing into it will ask for its password",
		    "the truststore opens with no password, changeit or "
		    "%s: its integrity was not checked",
		    SERVER_DISTRO_DEFAULTS);
	}
}

/* ------------------------------------------------------------------ */

/* Does the keystore hold a key (true when it could not be read)? */
static bool
srv_has_key(const struct keystore *ks)
{
	size_t	i;

	if (ks == NULL)
		return (true);
	for (i = 0; i < ks->nentries; i++)
		if (ks->entries[i]->type == KS_ENTRY_KEY)
			return (true);
	return (false);
}

/* May the server's user (m->proc) read path: search every directory
 * down to it, read the file? */
static bool
srv_readable_by(const struct server_proc *pr, const char *path)
{
	struct stat	 sb;
	char		*p, *sl;
	bool		 ok = true;
	size_t		 i;
	unsigned int	 want;

	if (pr->uid == 0)
		return (true);
	p = xstrdup(path);
	for (sl = p; ok && (sl = strchr(sl + 1, '/')) != NULL;) {
		*sl = '\0';
		want = S_IXOTH;
		if (*p != '\0' && stat(p, &sb) == 0) {
			if ((int)sb.st_uid == pr->uid)
				want = S_IXUSR;
			else if ((int)sb.st_gid == pr->gid)
				want = S_IXGRP;
			else {
				for (i = 0; i < pr->ngroups; i++)
					if ((int)sb.st_gid == pr->groups[i])
						want = S_IXGRP;
			}
			ok = (sb.st_mode & want) != 0;
		}
		*sl = '/';
	}
	if (ok && stat(p, &sb) == 0) {
		if ((int)sb.st_uid == pr->uid)
			want = S_IRUSR;
		else if ((int)sb.st_gid == pr->gid)
			want = S_IRGRP;
		else {
			want = S_IROTH;
			for (i = 0; i < pr->ngroups; i++)
				if ((int)sb.st_gid == pr->groups[i])
					want = S_IRGRP;
		}
		ok = (sb.st_mode & want) != 0;
	}
	free(p);
	return (ok);
}

/* Key materials the running server's user cannot read: it fails to
 * start (or to reload) with "Permission denied". */
static void
srv_server_can_read(struct srvload *s)
{
	struct server_model	*m = s->m;
	struct key_material	*mat;
	const char		*files[3];
	size_t			 i, k;

	if (m->proc.pid <= 0 || m->proc.uid < 0 || s->cwd == NULL)
		return;
	for (i = 0; i < m->nmaterials; i++) {
		mat = m->materials[i];
		files[0] = mat->where == KM_KEYSTORE ? mat->path : NULL;
		files[1] = mat->where == KM_PEM ? mat->cert_path : NULL;
		files[2] = mat->where == KM_PEM ? mat->key_path : NULL;
		for (k = 0; k < 3; k++) {
			if (files[k] == NULL || !path_exists(files[k]) ||
			    srv_readable_by(&m->proc, files[k]))
				continue;
			audit_add(m, "keystore-server-cannot-read", SEV_CRIT,
			    files[k], 0, NULL, NULL, "give the file to the "
			    "server's user (chown, chmod 0640 or 0600) and let "
			    "it search the directories above", "the server "
			    "(pid %d, uid %d, gid %d) cannot read %s: it fails "
			    "with \"Permission denied\"", m->proc.pid,
			    m->proc.uid, m->proc.gid, files[k])->material =
			    mat;
		}
	}
}

/* Who new files are for: the running server's user; else the owner of
 * the keystore in use; else of the configuration's directory. */
static void
srv_owner(struct srvload *s)
{
	struct server_model	*m = s->m;
	struct server_owner	*o = &m->owner;
	struct stat		 sb;

	if (m->proc.pid > 0 && m->proc.uid >= 0 && s->cwd != NULL) {
		o->uid = m->proc.uid;
		o->gid = m->proc.gid;
		xasprintf(&o->how_buf, "the running server (pid %d)",
		    m->proc.pid);
	} else if (m->served->uid >= 0) {
		o->uid = m->served->uid;
		o->gid = m->served->gid;
		xasprintf(&o->how_buf, "the keystore %s", m->served->path);
	} else if (m->served->where == KM_KEYSTORE && m->served->path !=
	    NULL && stat(m->served->path, &sb) == 0) {
		/* Not opened (SERVER_SOURCES_ONLY): the file itself. */
		o->uid = (int)sb.st_uid;
		o->gid = (int)sb.st_gid;
		xasprintf(&o->how_buf, "the keystore %s", m->served->path);
	} else if (stat(s->main_dir, &sb) == 0) {
		o->uid = (int)sb.st_uid;
		o->gid = (int)sb.st_gid;
		xasprintf(&o->how_buf, "the directory %s", s->main_dir);
	}
	o->how = o->how_buf;
	o->mode = o->uid >= 0 && (uid_t)o->uid != geteuid() ? 0640 : 0600;
}

/* Keys readable by every user on the host. */
static void
srv_world_readable(struct srvload *s)
{
	struct server_model	*m = s->m;
	struct key_material	*mat;
	size_t			 i;

	for (i = 0; i < m->nmaterials; i++) {
		mat = m->materials[i];
		if (mat->uid == -1 || !(mat->mode & S_IROTH) ||
		    mat->role == KM_ROLE_CLIENT_TRUST || !srv_has_key(mat->ks))
			continue;
		audit_add(m, "keystore-world-readable", SEV_WARN, mat->path, 0,
		    NULL, NULL, "chmod o-r (0640 or 0600, owned by the "
		    "server's user)", "the keystore (mode %04o) is readable "
		    "by every user on the host", mat->mode)->material = mat;
	}
}

int
server_model_load(const struct server_opts *o, struct server_model **mp,
    char **cause)
{
	struct server_model		*m;
	struct srvload			 s;
	const struct server_kind	*kind;
	size_t				 i;
	int				 rc = -1;

	*mp = NULL;
	memset(&s, 0, sizeof s);
	m = server_model_new(o->now);
	s.o = o;
	s.m = m;
	s.proc = o->proc != NULL ? o->proc : "/proc";
	m->warn_days = o->warn_days;
	m->crit_days = o->crit_days;
	m->warn_percent = o->warn_percent;
	m->crit_percent = o->crit_percent;
	if (srv_find(o, &kind, &m->properties, &m->how, &s.server_dir,
	    cause) != 0)
		goto out;
	m->kind = kind;
	s.main_dir = path_dirname(m->properties);
	s.base_dir = path_dirname(s.main_dir);
	s.label_root = s.server_dir != NULL ? xstrdup(s.server_dir) :
	    xstrdup(s.base_dir);
	if (kind->load(&s, cause) != 0)
		goto out;
	cfg_sources_sort(m);
	if (o->flags & SERVER_SOURCES_ONLY) {
		srv_owner(&s);
		goto done;
	}
	for (i = 0; i < m->nmaterials; i++)
		srv_material_open(&s, m->materials[i]);
	srv_jre(&s);
	for (i = 0; i < m->nmaterials; i++) {
		srv_material_p12_compat(&s, m->materials[i]);
		srv_material_ks_formats(&s, m->materials[i]);
		srv_material_trust(&s, m->materials[i]);
	}
	audit_run(m);
	srv_world_readable(&s);
	srv_server_can_read(&s);
	srv_owner(&s);
	if (kind->finish != NULL)
		kind->finish(&s);
done:
	findings_sort(m);
	*mp = m;
	m = NULL;
	rc = 0;
out:
	srv_proc_done(&s);
	srv_fkeys_free(&s);
	free(s.main_dir);
	free(s.base_dir);
	free(s.label_root);
	free(s.server_dir);
	server_model_free(m);
	return (rc);
}

/* SPDX-License-Identifier: ISC */
/*
 * proc.c -- the running server, from procfs: which process listens on a
 * port, and what that process is (its arguments, environment, working
 * directory, owner and systemd unit).  Its environment is readable only
 * as its own user or as root; values read from it are wiped when freed.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "srvload.h"

#define PROC_READ_MAX	(1024 * 1024)	/* bytes of cmdline or environ */

int
server_port_listening(const char *proc, int port, unsigned long *inode)
{
	static const char	*files[] = { "net/tcp", "net/tcp6" };
	char			*path, line[512], local[64];
	unsigned int		 lport, st;
	unsigned long		 ino;
	const char		*colon;
	FILE			*f;
	int			 i, seen = 0, found = 0;

	if (inode != NULL)
		*inode = 0;
	if (proc == NULL)
		proc = "/proc";
	for (i = 0; i < 2 && !found; i++) {
		xasprintf(&path, "%s/%s", proc, files[i]);
		f = fopen(path, "r");
		free(path);
		if (f == NULL)
			continue;
		seen = 1;
		/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
		while (fgets(line, sizeof line, f) != NULL) {
			if (sscanf(line, " %*s %63s %*s %x %*s %*s %*s %*s "
			    "%*s %lu", local, &st, &ino) != 3)
				continue;
			if ((colon = strrchr(local, ':')) == NULL ||
			    sscanf(colon + 1, "%x", &lport) != 1)
				continue;
			if (st == 0x0A && (int)lport == port) {
				if (inode != NULL)
					*inode = ino;
				found = 1;
				break;
			}
		}
		fclose(f);
	}
	if (!seen)
		return (-1);
	return (found);
}

int
server_socket_pid(const char *proc, unsigned long inode)
{
	DIR		*d, *fd;
	struct dirent	*de, *fe;
	char		*p, link[64], want[64];
	ssize_t		 n;
	int		 pid = 0;

	if (proc == NULL)
		proc = "/proc";
	if (inode == 0 || (d = opendir(proc)) == NULL)
		return (0);
	snprintf(want, sizeof want, "socket:[%lu]", inode);
	while (pid == 0 && (de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		xasprintf(&p, "%s/%s/fd", proc, de->d_name);
		fd = opendir(p);
		if (fd == NULL) {
			free(p);
			continue;
		}
		while ((fe = readdir(fd)) != NULL) {
			char	*q;

			if (fe->d_name[0] == '.')
				continue;
			xasprintf(&q, "%s/%s", p, fe->d_name);
			n = readlink(q, link, sizeof link - 1);
			free(q);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (strcmp(link, want) == 0) {
				pid = atoi(de->d_name);
				break;
			}
		}
		closedir(fd);
		free(p);
	}
	closedir(d);
	return (pid);
}

/* Read a procfs file (at most PROC_READ_MAX bytes); NULL on failure. */
static unsigned char *
proc_read(const char *proc, int pid, const char *what, size_t *len)
{
	unsigned char	*buf;
	char		*path;
	FILE		*f;
	size_t		 n;

	xasprintf(&path, "%s/%d/%s", proc, pid, what);
	f = fopen(path, "r");
	free(path);
	if (f == NULL)
		return (NULL);
	buf = xmalloc(PROC_READ_MAX + 1);
	n = fread(buf, 1, PROC_READ_MAX, f);
	if (ferror(f)) {
		fclose(f);
		OPENSSL_cleanse(buf, PROC_READ_MAX);
		free(buf);
		return (NULL);
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return (buf);
}

/* Split NUL-separated strings into a new array. */
static void
proc_split(const unsigned char *buf, size_t len, char ***vp, size_t *np)
{
	size_t	i, start = 0;

	*vp = NULL;
	*np = 0;
	for (i = 0; i <= len; i++) {
		if (i < len && buf[i] != '\0')
			continue;
		if (i > start || i < len) {
			*vp = xreallocarray(*vp, *np + 1, sizeof **vp);
			(*vp)[(*np)++] = xstrndup((const char *)buf + start,
			    i - start);
		}
		start = i + 1;
	}
}

/* "Groups:\t4 24 27" into pr->groups. */
static void
proc_groups(struct server_proc *pr, const char *s)
{
	char	*end;
	long	 g;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || pr->ngroups >= 1024)
			return;
		g = strtol(s, &end, 10);
		if (end == s)
			return;
		pr->groups = xreallocarray(pr->groups, pr->ngroups + 1,
		    sizeof *pr->groups);
		pr->groups[pr->ngroups++] = (int)g;
		s = end;
	}
}

/* A link's target (malloc'd), or NULL. */
static char *
proc_link(const char *proc, int pid, const char *what)
{
	char	*path, target[PATH_MAX];
	ssize_t	 n;

	xasprintf(&path, "%s/%d/%s", proc, pid, what);
	n = readlink(path, target, sizeof target - 1);
	free(path);
	if (n <= 0)
		return (NULL);
	target[n] = '\0';
	return (xstrdup(target));
}

char *
srv_proc_unit(const char *proc, int pid)
{
	unsigned char	*buf;
	char		*s, *p, *e, *unit = NULL;
	size_t		 len;

	if ((buf = proc_read(proc != NULL ? proc : "/proc", pid, "cgroup",
	    &len)) == NULL)
		return (NULL);
	s = (char *)buf;
	for (p = s; (p = strstr(p, ".service")) != NULL; p++) {
		e = p + 8;
		if (*e != '\n' && *e != '\0' && *e != '/')
			continue;
		while (p > s && p[-1] != '/' && p[-1] != '\n' && p[-1] != ':')
			p--;
		unit = xstrndup(p, (size_t)(e - p));
		break;
	}
	free(buf);
	return (unit);
}

void
srv_proc_read(struct srvload *s, int pid)
{
	struct server_proc	*pr = &s->m->proc;
	unsigned char		*buf;
	size_t			 len;
	char			*line, *save = NULL;

	pr->pid = pid;
	pr->uid = pr->gid = -1;
	if ((buf = proc_read(s->proc, pid, "cmdline", &len)) != NULL) {
		proc_split(buf, len, &s->argv, &s->argc);
		pr->cmdline_read = true;
		OPENSSL_cleanse(buf, len);
		free(buf);
	}
	if ((buf = proc_read(s->proc, pid, "environ", &len)) != NULL) {
		proc_split(buf, len, &s->envv, &s->envc);
		pr->environ_read = true;
		OPENSSL_cleanse(buf, len);
		free(buf);
	}
	pr->cwd = proc_link(s->proc, pid, "cwd");
	pr->exe = proc_link(s->proc, pid, "exe");
	if ((buf = proc_read(s->proc, pid, "status", &len)) != NULL) {
		for (line = strtok_r((char *)buf, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			if (strncmp(line, "Uid:", 4) == 0)
				pr->uid = atoi(line + 4);
			else if (strncmp(line, "Gid:", 4) == 0)
				pr->gid = atoi(line + 4);
			else if (strncmp(line, "Groups:", 7) == 0)
				proc_groups(pr, line + 7);
		}
		free(buf);
	}
	pr->unit = srv_proc_unit(s->proc, pid);
}

void
srv_proc_done(struct srvload *s)
{
	size_t	i;

	for (i = 0; i < s->argc; i++) {
		OPENSSL_cleanse(s->argv[i], strlen(s->argv[i]));
		free(s->argv[i]);
	}
	free(s->argv);
	for (i = 0; i < s->envc; i++) {
		OPENSSL_cleanse(s->envv[i], strlen(s->envv[i]));
		free(s->envv[i]);
	}
	free(s->envv);
	s->argv = s->envv = NULL;
	s->argc = s->envc = 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * fileio.c -- files and paths: resolving a path under the ownership rule,
 * bounded reads, private directories and the per-user locks of the safe
 * write path (docs/security.md).
 *
 * A path is walked one component at a time from "/", each directory opened
 * with O_PATH | O_NOFOLLOW relative to the one before, so nothing can swap
 * a component for a link between the check and the use.  A symbolic link
 * is followed only when root, the user running tlsdeck or the owner of
 * what it points to made it, and only when no one else can write any
 * directory from "/" down to the link (a sticky directory counts as safe
 * where the entry passed through belongs to one of them): the rule of the
 * kernel's protected_symlinks and of OpenSSH's safe_path.  The caller gets
 * the final directory as a descriptor and opens the name in it with
 * O_NOFOLLOW.
 */
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

#define FILE_HUGE	(2UL * 1024 * 1024)

/* Links followed in one path at most (the kernel's MAXSYMLINKS). */
#define FR_MAXLINKS	40

/* procfs's f_type (linux/magic.h). */
#define FR_PROC_MAGIC	0x9fa0

/*
 * A buffer for len bytes of a file, free()-able.  A large one is aligned
 * to 2 MB, rounded up to a multiple of it and advised to transparent huge
 * pages: a 10 MB truststore then faults in five 2 MB pages instead of
 * 2,700 4 kB ones, which on a virtual machine is most of the cost of
 * reading it.  The advice is a hint; its failure is harmless.
 */
static unsigned char *
file_alloc(size_t len)
{
	void	*p;
	size_t	 n;

	if (len < 2 * FILE_HUGE)
		return (xmalloc(len));
	n = (len + FILE_HUGE - 1) & ~(FILE_HUGE - 1);
	if (posix_memalign(&p, FILE_HUGE, n) != 0)
		return (xmalloc(len));
#ifdef MADV_HUGEPAGE
	(void)madvise(p, n, MADV_HUGEPAGE);
#endif
	return (p);
}

/* ------------------------------------------------------------------ */
/* Users and groups, for the rule and its messages. */

/* "name (uid N)", or "uid N" for an unknown user. */
void
file_who(uid_t uid, char *buf, size_t len)
{
	struct passwd	 pw, *res = NULL;
	char		 pbuf[1024];

	if (getpwuid_r(uid, &pw, pbuf, sizeof pbuf, &res) == 0 &&
	    res != NULL && res->pw_name != NULL)
		snprintf(buf, len, "%s (uid %lu)", res->pw_name,
		    (unsigned long)uid);
	else
		snprintf(buf, len, "uid %lu", (unsigned long)uid);
}

/* Root, the user running tlsdeck, or the owner of the target. */
static bool
fr_trusted(uid_t uid, uid_t towner)
{
	return (uid == 0 || uid == geteuid() || uid == towner);
}

/*
 * Can only trusted users be in group gid?  True for a group that lists no
 * one else and is no one else's primary group as far as we know: root's
 * group, or the user-private group of the target's owner.
 */
static bool
fr_group_private(gid_t gid, uid_t towner)
{
	struct group	 gr, *gres = NULL;
	struct passwd	 pw, *pres = NULL;
	char		 gbuf[4096], pbuf[1024], **m;

	if (getgrgid_r(gid, &gr, gbuf, sizeof gbuf, &gres) != 0 ||
	    gres == NULL)
		return (false);
	for (m = gres->gr_mem; m != NULL && *m != NULL; m++) {
		if (getpwnam_r(*m, &pw, pbuf, sizeof pbuf, &pres) != 0 ||
		    pres == NULL || !fr_trusted(pres->pw_uid, towner))
			return (false);
	}
	if (gid == 0)
		return (true);
	if (getpwuid_r(towner, &pw, pbuf, sizeof pbuf, &pres) != 0 ||
	    pres == NULL)
		return (false);
	return (pres->pw_gid == gid);
}

/* Set *cause (when unset) and errno to err. */
static void __attribute__((format(printf, 3, 4)))
fr_err(char **cause, int err, const char *fmt, ...)
{
	va_list	ap;

	if (cause != NULL && *cause == NULL) {
		va_start(ap, fmt);
		xvasprintf(cause, fmt, ap);
		va_end(ap);
	}
	errno = err;
}

/* ------------------------------------------------------------------ */
/* The walk. */

/* A directory on the way from "/", as the rule needs it. */
struct fr_dir {
	uid_t		 uid;
	gid_t		 gid;
	mode_t		 mode;
	uid_t		 next_uid;	/* owner of the entry taken in it */
	size_t		 rlen;		/* its path is real[0..rlen) */
};

/* Where the walk is: a directory, its path and the chain above it. */
struct fr_state {
	int		 fd;		/* O_PATH */
	char		*real;		/* "" for "/" */
	struct fr_dir	*dirs;		/* dirs[n - 1] is this directory */
	size_t		 n;
	const char	*orig;		/* the path given, for messages */
	int		 flags;
	int		 nlinks;
};

/* How the walk ended. */
struct fr_end {
	char		*base;		/* NULL: the directory itself */
	bool		 exists;
	bool		 proc;		/* a procfs link, for the kernel */
	struct stat	 st;
};

static void
fr_free(struct fr_state *s)
{
	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
	free(s->real);
	s->real = NULL;
	free(s->dirs);
	s->dirs = NULL;
	s->n = 0;
}

/* Start at "/". */
static int
fr_root(struct fr_state *s, char **cause)
{
	struct stat	st;
	int		fd;

	if ((fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		fr_err(cause, errno, "%s: /: %s", s->orig, strerror(errno));
		if (fd != -1)
			close(fd);
		return (-1);
	}
	if (s->fd != -1)
		close(s->fd);
	s->fd = fd;
	free(s->real);
	s->real = xstrdup("");
	free(s->dirs);
	s->dirs = xcalloc(1, sizeof *s->dirs);
	s->dirs[0].uid = st.st_uid;
	s->dirs[0].gid = st.st_gid;
	s->dirs[0].mode = st.st_mode;
	s->dirs[0].rlen = 0;
	s->n = 1;
	return (0);
}

/* A copy of s (its own descriptor). */
static int
fr_dup(struct fr_state *dst, const struct fr_state *src)
{
	*dst = *src;
	dst->real = NULL;
	dst->dirs = NULL;
	dst->n = 0;
	if ((dst->fd = fcntl(src->fd, F_DUPFD_CLOEXEC, 0)) == -1)
		return (-1);
	dst->n = src->n;
	dst->real = xstrdup(src->real);
	dst->dirs = xreallocarray(NULL, src->n, sizeof *dst->dirs);
	memcpy(dst->dirs, src->dirs, src->n * sizeof *dst->dirs);
	return (0);
}

/* Move src's place into dst (dst's old one freed; its flags and name
 * kept, the count of links carried). */
static void
fr_move(struct fr_state *dst, struct fr_state *src)
{
	const char	*orig = dst->orig;
	int		 flags = dst->flags;

	fr_free(dst);
	*dst = *src;
	dst->orig = orig;
	dst->flags = flags;
	src->fd = -1;
	src->real = NULL;
	src->dirs = NULL;
	src->n = 0;
}

/* Enter directory fd (entry name, stat st) below s. */
static void
fr_push(struct fr_state *s, int fd, const char *name, const struct stat *st)
{
	char	*r;

	s->dirs[s->n - 1].next_uid = st->st_uid;
	s->dirs = xreallocarray(s->dirs, s->n + 1, sizeof *s->dirs);
	xasprintf(&r, "%s/%s", s->real, name);
	free(s->real);
	s->real = r;
	s->dirs[s->n].uid = st->st_uid;
	s->dirs[s->n].gid = st->st_gid;
	s->dirs[s->n].mode = st->st_mode;
	s->dirs[s->n].next_uid = 0;
	s->dirs[s->n].rlen = strlen(r);
	s->n++;
	close(s->fd);
	s->fd = fd;
}

/* Go to the parent ("/.." is "/"). */
static int
fr_up(struct fr_state *s, char **cause)
{
	int	fd;

	if (s->n <= 1)
		return (0);
	fd = openat(s->fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1) {
		fr_err(cause, errno, "%s: %s/..: %s", s->orig, s->real,
		    strerror(errno));
		return (-1);
	}
	close(s->fd);
	s->fd = fd;
	s->n--;
	s->real[s->dirs[s->n - 1].rlen] = '\0';
	return (0);
}

/* The path of s's directory i, for messages (malloc'd). */
static char *
fr_dirpath(const struct fr_state *s, size_t i)
{
	if (s->dirs[i].rlen == 0)
		return (xstrdup("/"));
	return (xstrndup(s->real, s->dirs[i].rlen));
}

/*
 * Who besides trusted users can change the entries of directory d, where
 * the entry passed through belongs to entry_uid?  Writes a description
 * into why and returns false when someone can.
 */
static bool
fr_dir_safe(const struct fr_dir *d, uid_t entry_uid, uid_t towner, char *why,
    size_t len)
{
	char	who[128];

	if (!fr_trusted(d->uid, towner)) {
		file_who(d->uid, who, sizeof who);
		snprintf(why, len, "its owner, %s", who);
		return (false);
	}
	if ((d->mode & (S_IWGRP | S_IWOTH)) == 0)
		return (true);
	/* Sticky: others may add entries but not replace this one. */
	if ((d->mode & S_ISVTX) && fr_trusted(entry_uid, towner))
		return (true);
	if ((d->mode & S_IWOTH) == 0 && fr_group_private(d->gid, towner))
		return (true);
	if (d->mode & S_IWOTH)
		snprintf(why, len, "everyone (mode %04o)",
		    (unsigned int)(d->mode & 07777));
	else
		snprintf(why, len, "group %lu (mode %04o)",
		    (unsigned long)d->gid, (unsigned int)(d->mode & 07777));
	return (false);
}

/*
 * May the link lpath (lstat lst), in s's directory, be followed to tpath,
 * owned by towner?
 */
static int
fr_link_ok(const struct fr_state *s, const char *lpath,
    const struct stat *lst, const char *tpath, uid_t towner, char **cause)
{
	char	lwho[128], twho[128], why[160], *d;
	size_t	i;
	uid_t	entry;

	file_who(lst->st_uid, lwho, sizeof lwho);
	file_who(towner, twho, sizeof twho);
	if (!fr_trusted(lst->st_uid, towner)) {
		fr_err(cause, EPERM, "%s: not following symbolic link %s, "
		    "owned by %s, to %s, owned by %s: only root or the "
		    "target's owner may link to it", s->orig, lpath, lwho,
		    tpath, twho);
		return (-1);
	}
	for (i = 0; i < s->n; i++) {
		entry = i + 1 < s->n ? s->dirs[i].next_uid : lst->st_uid;
		if (fr_dir_safe(&s->dirs[i], entry, towner, why, sizeof why))
			continue;
		d = fr_dirpath(s, i);
		fr_err(cause, EPERM, "%s: not following symbolic link %s, "
		    "owned by %s, to %s, owned by %s: directory %s can be "
		    "written by %s", s->orig, lpath, lwho, tpath, twho, d, why);
		free(d);
		return (-1);
	}
	return (0);
}

/* FILE_AT_PRIVATE: may we take entry (owned by uid) from s's directory? */
static int
fr_private_ok(const struct fr_state *s, uid_t uid, char **cause)
{
	char	why[160], *d;

	if (!(s->flags & FILE_AT_PRIVATE) ||
	    fr_dir_safe(&s->dirs[s->n - 1], uid, geteuid(), why, sizeof why))
		return (0);
	d = fr_dirpath(s, s->n - 1);
	fr_err(cause, EPERM, "%s: directory %s can be written by %s, so "
	    "nothing under it is private", s->orig, d, why);
	free(d);
	return (-1);
}

/* Is s's directory on procfs? */
static bool
fr_on_proc(const struct fr_state *s)
{
	struct statfs	sf;

	return (fstatfs(s->fd, &sf) == 0 && sf.f_type == FR_PROC_MAGIC);
}

static int fr_walk(struct fr_state *, const char *, int, struct fr_end *,
    char **);

/*
 * Component c of s is a symbolic link (lstat lst): resolve it, apply the
 * rule and move s to where it points.  last: it is the final component.
 */
static int
fr_follow(struct fr_state *s, const char *c, const struct stat *lst, bool last,
    struct fr_end *e, char **cause)
{
	struct fr_state	 t;
	struct fr_end	 te;
	struct stat	 tst, nst;
	char		 target[PATH_MAX], *lpath = NULL, *tpath = NULL;
	char		*c2 = NULL;
	ssize_t		 n;
	int		 fd, rc = -1, flags;

	memset(&te, 0, sizeof te);
	t.fd = -1;
	t.real = NULL;
	t.dirs = NULL;
	xasprintf(&lpath, "%s/%s", s->real, c);
	if (++s->nlinks > FR_MAXLINKS) {
		fr_err(cause, ELOOP, "%s: %s", s->orig, strerror(ELOOP));
		goto out;
	}
	if (last && (s->flags & FILE_AT_PROC) && fr_on_proc(s)) {
		/* /proc/self/fd/N and the like: the kernel's own objects. */
		if (fstatat(s->fd, c, &e->st, 0) == -1) {
			fr_err(cause, errno, "%s: %s", s->orig,
			    strerror(errno));
			goto out;
		}
		e->base = xstrdup(c);
		e->exists = true;
		e->proc = true;
		rc = 0;
		goto out;
	}
	n = readlinkat(s->fd, c, target, sizeof target - 1);
	if (n == -1) {
		fr_err(cause, errno, "%s: %s: %s", s->orig, lpath,
		    strerror(errno));
		goto out;
	}
	target[n] = '\0';
	if (fr_dup(&t, s) == -1) {
		fr_err(cause, errno, "%s: %s", s->orig, strerror(errno));
		goto out;
	}
	flags = s->flags & ~(FILE_AT_CREATE | FILE_AT_MKDIR);
	if (!last)
		flags &= ~FILE_AT_PROC;
	t.flags = flags;
	if (fr_walk(&t, target, flags, &te, &c2) != 0) {
		if (errno == ENOENT && last)
			fr_err(cause, errno, "%s: symbolic link to a file "
			    "that does not exist; not following it", s->orig);
		else
			fr_err(cause, errno == 0 ? EINVAL : errno, "%s", c2);
		goto out;
	}
	s->nlinks = t.nlinks;
	if (te.base == NULL) {
		if (fstat(t.fd, &tst) == -1) {
			fr_err(cause, errno, "%s: %s", s->orig,
			    strerror(errno));
			goto out;
		}
		tpath = xstrdup(*t.real == '\0' ? "/" : t.real);
	} else {
		tst = te.st;
		xasprintf(&tpath, "%s/%s", t.real, te.base);
	}
	if (!te.proc && fr_link_ok(s, lpath, lst, tpath, tst.st_uid,
	    cause) != 0)
		goto out;
	if (last || te.base == NULL) {
		if (last) {
			free(e->base);
			*e = te;
			te.base = NULL;
		}
		fr_move(s, &t);
		rc = 0;
		goto out;
	}
	/* A directory on the way: enter it. */
	if (!S_ISDIR(tst.st_mode)) {
		fr_err(cause, ENOTDIR, "%s: %s: %s", s->orig, lpath,
		    strerror(ENOTDIR));
		goto out;
	}
	fd = openat(t.fd, te.base, O_PATH | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1 || fstat(fd, &nst) == -1 || nst.st_dev != tst.st_dev ||
	    nst.st_ino != tst.st_ino) {
		fr_err(cause, errno, "%s: %s changed while tlsdeck resolved it",
		    s->orig, tpath);
		if (fd != -1)
			close(fd);
		errno = EAGAIN;
		goto out;
	}
	if (fr_private_ok(&t, nst.st_uid, cause) != 0) {
		close(fd);
		goto out;
	}
	fr_push(&t, fd, te.base, &nst);
	fr_move(s, &t);
	rc = 0;
out:
	fr_free(&t);
	free(te.base);
	free(c2);
	free(lpath);
	free(tpath);
	return (rc);
}

/* Walk path from s (or from "/" when it is absolute); see fr_end. */
static int
fr_walk(struct fr_state *s, const char *path, int flags, struct fr_end *e,
    char **cause)
{
	struct stat	 st;
	char		*copy, *save = NULL, *tok, **comps = NULL;
	size_t		 ncomps = 0, i;
	bool		 last;
	int		 fd, rc = -1;

	memset(e, 0, sizeof *e);
	errno = 0;
	copy = xstrdup(path);
	if (*path == '/' && fr_root(s, cause) != 0)
		goto out;
	for (tok = strtok_r(copy, "/", &save); tok != NULL;
	    tok = strtok_r(NULL, "/", &save)) {
		comps = xreallocarray(comps, ncomps + 1, sizeof *comps);
		comps[ncomps++] = tok;
	}
	for (i = 0; i < ncomps; i++) {
		last = i + 1 == ncomps;
		free(e->base);
		e->base = NULL;
		e->exists = false;
		if (strcmp(comps[i], ".") == 0)
			continue;
		if (strcmp(comps[i], "..") == 0) {
			if (fr_up(s, cause) != 0)
				goto out;
			continue;
		}
		if (fstatat(s->fd, comps[i], &st, AT_SYMLINK_NOFOLLOW) == -1) {
			if (errno == ENOENT && (flags & FILE_AT_MKDIR)) {
				if (mkdirat(s->fd, comps[i], 0700) == -1 &&
				    errno != EEXIST) {
					fr_err(cause, errno, "%s: cannot "
					    "create directory %s/%s: %s",
					    s->orig, s->real, comps[i],
					    strerror(errno));
					goto out;
				}
				if (fstatat(s->fd, comps[i], &st,
				    AT_SYMLINK_NOFOLLOW) == -1) {
					fr_err(cause, errno, "%s: %s", s->orig,
					    strerror(errno));
					goto out;
				}
			} else if (errno == ENOENT && last &&
			    (flags & FILE_AT_CREATE)) {
				e->base = xstrdup(comps[i]);
				break;
			} else if (!last) {
				fr_err(cause, errno, "%s: directory %s/%s: %s",
				    s->orig, s->real, comps[i],
				    strerror(errno));
				goto out;
			} else {
				fr_err(cause, errno, "%s: %s", s->orig,
				    strerror(errno));
				goto out;
			}
		}
		if (S_ISLNK(st.st_mode)) {
			if (fr_follow(s, comps[i], &st, last, e, cause) != 0)
				goto out;
			continue;
		}
		if (fr_private_ok(s, st.st_uid, cause) != 0)
			goto out;
		if (last) {
			e->base = xstrdup(comps[i]);
			e->exists = true;
			e->st = st;
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			fr_err(cause, ENOTDIR, "%s: %s", s->orig,
			    strerror(ENOTDIR));
			goto out;
		}
		fd = openat(s->fd, comps[i], O_PATH | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1) {
			fr_err(cause, errno, "%s: %s", s->orig,
			    strerror(errno));
			goto out;
		}
		if (fstat(fd, &st) == -1) {
			fr_err(cause, errno, "%s: %s", s->orig,
			    strerror(errno));
			close(fd);
			goto out;
		}
		fr_push(s, fd, comps[i], &st);
	}
	rc = 0;
out:
	if (rc != 0) {
		free(e->base);
		e->base = NULL;
		if (errno == 0)
			errno = EINVAL;
	}
	free(comps);
	free(copy);
	return (rc);
}

/* Resolve path under the ownership rule; see core.h. */
int
file_resolve(const char *path, int flags, struct file_at *at, char **cause)
{
	struct fr_state	 s;
	struct fr_end	 e;
	char		*abs = NULL, cwd[PATH_MAX];
	int		 rc = -1, saved;

	memset(at, 0, sizeof *at);
	at->dirfd = -1;
	memset(&s, 0, sizeof s);
	memset(&e, 0, sizeof e);
	s.fd = -1;
	s.orig = path;
	s.flags = flags;
	if (path == NULL || *path == '\0') {
		fr_err(cause, ENOENT, "an empty file name");
		return (-1);
	}
	if (*path != '/') {
		if (getcwd(cwd, sizeof cwd) == NULL) {
			fr_err(cause, errno, "%s: current directory: %s", path,
			    strerror(errno));
			return (-1);
		}
		xasprintf(&abs, "%s/%s", cwd, path);
	} else
		abs = xstrdup(path);
	if (fr_root(&s, cause) != 0 || fr_walk(&s, abs, flags, &e, cause) != 0)
		goto out;
	if (e.base == NULL) {
		fr_err(cause, EISDIR, "%s: not a file name", path);
		goto out;
	}
	/* Readable for fsync and readdir; O_PATH where we may not read it. */
	at->dirfd = openat(s.fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (at->dirfd == -1) {
		if (errno != EACCES) {
			fr_err(cause, errno, "%s: directory %s: %s", path,
			    *s.real == '\0' ? "/" : s.real, strerror(errno));
			goto out;
		}
		at->dirfd = s.fd;
		s.fd = -1;
	}
	at->dir = xstrdup(*s.real == '\0' ? "/" : s.real);
	at->base = e.base;
	e.base = NULL;
	xasprintf(&at->real, "%s/%s", s.real, at->base);
	at->exists = e.exists;
	at->proc = e.proc;
	at->st = e.st;
	rc = 0;
out:
	saved = errno;
	if (rc != 0)
		file_at_free(at);
	free(e.base);
	fr_free(&s);
	free(abs);
	errno = saved;
	return (rc);
}

/* Free what file_resolve filled (NULL-safe, idempotent). */
void
file_at_free(struct file_at *at)
{
	if (at == NULL)
		return;
	if (at->dirfd != -1)
		close(at->dirfd);
	at->dirfd = -1;
	free(at->dir);
	free(at->base);
	free(at->real);
	at->dir = at->base = at->real = NULL;
}

/* ------------------------------------------------------------------ */
/* Reads. */

/* Read an open file (a regular file, a FIFO or a device) into *bufp. */
static int
file_read_fd(int fd, const char *path, unsigned char **bufp, size_t *lenp,
    char **cause)
{
	struct stat	 st;
	unsigned char	*buf = NULL;
	size_t		 off = 0, cap;
	ssize_t		 n;
	int		 saved;

	if (fstat(fd, &st) == -1 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == -1) {
		saved = errno;
		cause_set(cause, "%s: %s", path, strerror(saved));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		cause_set(cause, "%s: is a directory, not a file", path);
		errno = EISDIR;
		goto fail;
	}
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) &&
	    !S_ISCHR(st.st_mode)) {
		cause_set(cause, "%s: not a regular file", path);
		errno = EINVAL;
		goto fail;
	}
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size >
	    FILE_MAX_SIZE) {
		cause_set(cause, "%s: file too large (%lld bytes)", path,
		    (long long)st.st_size);
		errno = EFBIG;
		goto fail;
	}
	/* A regular file: its size, a byte to see the end, and the NUL. */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 2 : 65536;
	buf = file_alloc(cap);
	for (;;) {
		if (off + 1 >= cap) {
			if (cap >= FILE_MAX_SIZE) {
				cause_set(cause, "%s: file too large", path);
				errno = EFBIG;
				goto fail;
			}
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		n = read(fd, buf + off, cap - off - 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			cause_set(cause, "%s: %s", path, strerror(saved));
			errno = saved;
			goto fail;
		}
		if (n == 0)
			break;
		off += n;
	}
	buf[off] = '\0';
	*bufp = buf;
	*lenp = off;
	return (0);
fail:
	saved = errno;
	free(buf);
	errno = saved;
	return (-1);
}

/* Open name in dirfd for reading (following a link only with follow). */
static int
file_read_open(int dirfd, const char *name, const char *path, bool follow,
    unsigned char **bufp, size_t *lenp, char **cause)
{
	int	fd, rc, saved;

	*bufp = NULL;
	*lenp = 0;
	/*
	 * O_NONBLOCK: opening a FIFO nobody writes to must not hang.  Reads
	 * block again after the open, so a pipe (--storepass-file /dev/fd/N)
	 * is read in full, and a writerless FIFO reads as empty.
	 */
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK | (follow ? 0 : O_NOFOLLOW));
	if (fd == -1) {
		saved = errno;
		if (saved == ELOOP)
			cause_set(cause, "%s: is a symbolic link; not "
			    "following it", path);
		else
			cause_set(cause, "%s: %s", path, strerror(saved));
		errno = saved;
		return (-1);
	}
	rc = file_read_fd(fd, path, bufp, lenp, cause);
	saved = errno;
	close(fd);
	errno = saved;
	return (rc);
}

/* Read name in directory dirfd, never through a link; see core.h. */
int
file_read_at(int dirfd, const char *name, const char *path,
    unsigned char **bufp, size_t *lenp, char **cause)
{
	return (file_read_open(dirfd, name, path, false, bufp, lenp, cause));
}

/* Read a whole file into a malloc'd buffer (NUL-terminated); see core.h. */
int
file_read(const char *path, unsigned char **bufp, size_t *lenp, char **cause)
{
	struct file_at	 at;
	int		 rc, saved;

	*bufp = NULL;
	*lenp = 0;
	if (file_resolve(path, FILE_AT_PROC, &at, cause) != 0)
		return (-1);
	/* A /proc link last (/dev/stdin) is the kernel's to follow. */
	rc = file_read_open(at.dirfd, at.base, path, at.proc, bufp, lenp,
	    cause);
	saved = errno;
	file_at_free(&at);
	errno = saved;
	return (rc);
}

/* ------------------------------------------------------------------ */
/* Private directories and locks. */

/* tlsdeck's private state directory (not created); see core.h. */
int
state_dir(char **dirp, char **cause)
{
	const char	*e, *home;
	struct passwd	 pw, *res = NULL;
	char		 pbuf[1024];

	*dirp = NULL;
	if ((e = getenv("TLSDECK_STATE_DIR")) != NULL && *e != '\0') {
		*dirp = xstrdup(e);
		return (0);
	}
	if (geteuid() == 0) {
		*dirp = xstrdup("/var/lib/tlsdeck");
		return (0);
	}
	if ((e = getenv("XDG_STATE_HOME")) != NULL && e[0] == '/') {
		xasprintf(dirp, "%s/tlsdeck", e);
		return (0);
	}
	if ((home = getenv("HOME")) == NULL || home[0] != '/') {
		if (getpwuid_r(getuid(), &pw, pbuf, sizeof pbuf, &res) != 0 ||
		    res == NULL || res->pw_dir == NULL ||
		    res->pw_dir[0] != '/') {
			cause_set(cause, "no state directory: set HOME or "
			    "TLSDECK_STATE_DIR");
			return (-1);
		}
		home = res->pw_dir;
	}
	xasprintf(dirp, "%s/.local/state/tlsdeck", home);
	return (0);
}

/* Open (creating) a directory only the user can write; see core.h. */
int
file_private_dir(const char *path, const char *what, int *fdp, char **realp,
    char **cause)
{
	struct file_at	 at;
	struct stat	 st;
	char		 who[128];
	int		 fd = -1;

	*fdp = -1;
	if (realp != NULL)
		*realp = NULL;
	if (file_resolve(path, FILE_AT_MKDIR | FILE_AT_PRIVATE, &at,
	    cause) != 0) {
		cause_prefix(cause, "%s", what);
		return (-1);
	}
	fd = openat(at.dirfd, at.base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1) {
		cause_set(cause, "%s %s: %s", what, path, errno == ENOTDIR ?
		    "not a directory" : strerror(errno));
		goto fail;
	}
	if (st.st_uid != geteuid()) {
		file_who(st.st_uid, who, sizeof who);
		cause_set(cause, "%s %s belongs to %s, not to you: tlsdeck "
		    "changes nothing while it is there (move it away; tlsdeck "
		    "makes a new one)", what, path, who);
		goto fail;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		cause_set(cause, "%s %s can be written by others (mode %04o): "
		    "tlsdeck changes nothing while it is there (move it away; "
		    "tlsdeck makes a new one)", what, path,
		    (unsigned int)(st.st_mode & 07777));
		goto fail;
	}
	/* Ours and closed to writers: closing it to readers is safe. */
	if ((st.st_mode & 077) != 0 && fchmod(fd, 0700) == -1) {
		cause_set(cause, "%s %s: cannot make it private: %s", what,
		    path, strerror(errno));
		goto fail;
	}
	*fdp = fd;
	if (realp != NULL)
		*realp = xstrdup(at.real);
	file_at_free(&at);
	return (0);
fail:
	if (fd != -1)
		close(fd);
	file_at_free(&at);
	return (-1);
}

struct file_lock {
	int		 lockdir;	/* $STATE/locks */
	int		 fd;
	char		*name;
	/* file_lock_share: the locks a transaction holds, by directory */
	int		 refs;
	dev_t		 dev;
	ino_t		 ino;
	struct file_lock *next;
};

/* The shared locks this process holds (file_lock_share). */
static struct file_lock *file_locks_shared;

/* Milliseconds to wait for a lock ($TLSDECK_LOCK_WAIT_MS for tests). */
static long
file_lock_wait(void)
{
	const char	*s = getenv("TLSDECK_LOCK_WAIT_MS");
	char		*end;
	long		 v;

	if (s != NULL && *s != '\0') {
		v = strtol(s, &end, 10);
		if (*end == '\0' && v >= 0 && v <= 3600000)
			return (v);
	}
	return (SW_LOCK_WAIT_MS);
}

/* The pid written in a lock file, or 0. */
static long
file_lock_pid(int fd)
{
	char	buf[32];
	ssize_t	n;
	long	pid;

	n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return (0);
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	return (pid > 0 ? pid : 0);
}

/* Lock directory dirfd for a change; see core.h. */
int
file_lock(int dirfd, const char *dir, const char *what, struct file_lock **lp,
    char **cause)
{
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };
	struct file_lock *l;
	struct stat	 st, fst, pst;
	char		*sdir = NULL, *ldir = NULL, pid[32];
	long		 waited = 0, limit = file_lock_wait(), holder = 0;
	int		 fd;

	*lp = NULL;
	if (fstat(dirfd, &st) == -1) {
		cause_set(cause, "%s: directory %s: %s", what, dir,
		    strerror(errno));
		return (-1);
	}
	/* Held by this process's transaction (file_lock_share): ours. */
	for (l = file_locks_shared; l != NULL; l = l->next) {
		if (l->dev == st.st_dev && l->ino == st.st_ino) {
			l->refs++;
			*lp = l;
			return (0);
		}
	}
	l = xcalloc(1, sizeof *l);
	l->fd = -1;
	l->lockdir = -1;
	if (state_dir(&sdir, cause) != 0)
		goto fail;
	xasprintf(&ldir, "%s/locks", sdir);
	if (file_private_dir(ldir, "lock directory", &l->lockdir, NULL,
	    cause) != 0) {
		cause_prefix(cause, "%s", what);
		goto fail;
	}
	xasprintf(&l->name, "%llu-%llu.lock", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	for (;;) {
		fd = openat(l->lockdir, l->name, O_RDWR | O_CREAT |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd == -1) {
			cause_set(cause, "%s: lock %s/%s: %s", what, ldir,
			    l->name, strerror(errno));
			goto fail;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			/* Still the file under that name (not unlinked)? */
			if (fstat(fd, &fst) == 0 && fstatat(l->lockdir,
			    l->name, &pst, AT_SYMLINK_NOFOLLOW) == 0 &&
			    fst.st_ino == pst.st_ino &&
			    fst.st_dev == pst.st_dev)
				break;
			close(fd);
			continue;
		}
		if (errno != EWOULDBLOCK && errno != EINTR) {
			cause_set(cause, "%s: cannot lock %s/%s: %s", what,
			    ldir, l->name, strerror(errno));
			close(fd);
			goto fail;
		}
		holder = file_lock_pid(fd);
		close(fd);
		if (waited >= limit) {
			if (holder != 0)
				snprintf(pid, sizeof pid, " (pid %ld)", holder);
			else
				*pid = '\0';
			cause_set(cause, "%s: another tlsdeck%s is changing "
			    "files in %s (waited %ld s); try again", what, pid,
			    dir, limit / 1000);
			goto fail;
		}
		nanosleep(&ts, NULL);
		waited += 20;
	}
	l->fd = fd;
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0)
		(void)pwrite(fd, pid, strlen(pid), 0);
	free(sdir);
	free(ldir);
	*lp = l;
	return (0);
fail:
	file_unlock(l);
	free(sdir);
	free(ldir);
	return (-1);
}

/*
 * file_lock for a file of a transaction: a lock this process already holds
 * on the directory through this function is shared (counted), so that a
 * transaction can keep several files of one directory open.
 */
int
file_lock_share(int dirfd, const char *dir, const char *what,
    struct file_lock **lp, char **cause)
{
	struct file_lock	*l;
	struct stat		 st;

	*lp = NULL;
	if (fstat(dirfd, &st) == -1) {
		cause_set(cause, "%s: directory %s: %s", what, dir,
		    strerror(errno));
		return (-1);
	}
	for (l = file_locks_shared; l != NULL; l = l->next) {
		if (l->dev == st.st_dev && l->ino == st.st_ino) {
			l->refs++;
			*lp = l;
			return (0);
		}
	}
	if (file_lock(dirfd, dir, what, &l, cause) != 0)
		return (-1);
	l->refs = 1;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	l->next = file_locks_shared;
	file_locks_shared = l;
	*lp = l;
	return (0);
}

/* Release and remove a lock (NULL-safe). */
void
file_unlock(struct file_lock *l)
{
	struct file_lock	**pp;

	if (l == NULL)
		return;
	if (l->refs > 1) {
		l->refs--;
		return;
	}
	if (l->refs == 1) {
		for (pp = &file_locks_shared; *pp != NULL; pp = &(*pp)->next)
			if (*pp == l) {
				*pp = l->next;
				break;
			}
	}
	if (l->fd != -1) {
		/* Removed while held: a waiter sees the name is gone. */
		(void)unlinkat(l->lockdir, l->name, 0);
		close(l->fd);
	}
	if (l->lockdir != -1)
		close(l->lockdir);
	free(l->name);
	free(l);
}

/* Process-wide settings for writing files; see core.h. */
void
file_signals_init(void)
{
	struct sigaction	sa;

	/* A write over RLIMIT_FSIZE then fails with EFBIG, which the safe
	 * path reports and cleans up after, instead of killing us. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGXFSZ, &sa, NULL);
}

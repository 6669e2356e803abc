/* SPDX-License-Identifier: ISC */
/*
 * safewrite.c -- the one way tlsdeck replaces a file: lock, check it did not
 * change, temporary file in the same directory, fsync, read back and verify,
 * back up, rename, fsync the directory.
 *
 * The lock is an flock(2) on the target's directory: it covers files that do
 * not exist yet, leaves no lock file behind, and survives the rename (a lock
 * on the file itself would stay on the old inode).  While it is held no other
 * tlsdeck writes in that directory, so any ".tlsdeck-tmp-*" file found there
 * was left by a killed process and is removed by sw_open.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core.h"

struct sw_file {
	char		*path;		/* as given, for messages */
	char		*real;		/* resolved: what commit replaces */
	char		*dir;		/* directory of real */
	char		*base;		/* last component of real */
	int		 flags;
	int		 dirfd;		/* open and flock'd */
	bool		 exists;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	mode_t		 mode;
	uid_t		 uid;
	gid_t		 gid;
	unsigned char	*buf;
	size_t		 len;
	char		 sha[65];
	unsigned int	 backup_id;
};

/* Longest part of the base name kept in a temporary file name. */
#define SW_TMP_BASE_MAX	200

/* SHA-256 of buf as lower-case hex. */
void
sw_sha256_hex(const unsigned char *buf, size_t len, char out[65])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[32];
	unsigned int		 mdlen = 0;
	size_t			 i;

	if (EVP_Digest(buf != NULL ? buf : (const unsigned char *)"", len,
	    md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		fatalx("SHA-256 unavailable");
	for (i = 0; i < 32; i++) {
		out[i * 2] = hex[md[i] >> 4];
		out[i * 2 + 1] = hex[md[i] & 0xf];
	}
	out[64] = '\0';
}

/* Resolve path to f->real, f->dir and f->base. */
static int
sw_resolve(struct sw_file *f, char **cause)
{
	struct stat	 st;
	char		*copy = NULL, *rdir = NULL, *slash, *d, *b;
	int		 rc = -1;

	if (lstat(f->path, &st) == 0) {
		if ((f->real = realpath(f->path, NULL)) == NULL) {
			if (S_ISLNK(st.st_mode) && errno == ENOENT)
				cause_set(cause, "%s: symbolic link to a file "
				    "that does not exist; not following it",
				    f->path);
			else
				cause_set(cause, "%s: %s", f->path,
				    strerror(errno));
			goto out;
		}
	} else if (errno == ENOENT && (f->flags & SW_CREATE)) {
		copy = xstrdup(f->path);
		if ((slash = strrchr(copy, '/')) == NULL) {
			d = xstrdup(".");
			b = copy;
		} else {
			*slash = '\0';
			d = xstrdup(slash == copy ? "/" : copy);
			b = slash + 1;
		}
		if (*b == '\0' || strcmp(b, ".") == 0 || strcmp(b, "..") == 0) {
			cause_set(cause, "%s: not a file name", f->path);
			free(d);
			goto out;
		}
		rdir = realpath(d, NULL);
		if (rdir == NULL) {
			cause_set(cause, "%s: directory %s: %s", f->path, d,
			    strerror(errno));
			free(d);
			goto out;
		}
		free(d);
		xasprintf(&f->real, "%s/%s", strcmp(rdir, "/") == 0 ? "" :
		    rdir, b);
	} else {
		cause_set(cause, "%s: %s", f->path, strerror(errno));
		goto out;
	}
	slash = strrchr(f->real, '/');
	f->dir = slash == f->real ? xstrdup("/") :
	    xstrndup(f->real, slash - f->real);
	f->base = xstrdup(slash + 1);
	rc = 0;
out:
	free(copy);
	free(rdir);
	return (rc);
}

/* Milliseconds to wait for the lock ($TLSDECK_LOCK_WAIT_MS for tests). */
static long
sw_lock_wait(void)
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

/* Open and lock the directory, waiting a while for another tlsdeck. */
static int
sw_lock(struct sw_file *f, char **cause)
{
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };
	long		 waited = 0, limit = sw_lock_wait();

	f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->dirfd == -1) {
		cause_set(cause, "%s: directory %s: %s", f->path, f->dir,
		    strerror(errno));
		return (-1);
	}
	for (;;) {
		if (flock(f->dirfd, LOCK_EX | LOCK_NB) == 0)
			return (0);
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			cause_set(cause, "%s: cannot lock directory %s: %s",
			    f->path, f->dir, strerror(errno));
			return (-1);
		}
		if (waited >= limit)
			break;
		nanosleep(&ts, NULL);
		waited += 20;
	}
	cause_set(cause, "%s: another tlsdeck is changing files in %s "
	    "(waited %ld s); try again", f->path, f->dir, limit / 1000);
	return (-1);
}

/*
 * Remove temporary files left by a killed tlsdeck.  Called with the lock
 * held, so none of them can belong to a live writer.  Errors are ignored:
 * a read-only directory simply keeps them.
 */
static void
sw_clean_stale(struct sw_file *f)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	int		 fd;

	if ((fd = dup(f->dirfd)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, SW_TMP_PREFIX,
		    sizeof SW_TMP_PREFIX - 1) != 0)
			continue;
		if (fstatat(f->dirfd, de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (st.st_uid != geteuid() && geteuid() != 0)
			continue;
		(void)unlinkat(f->dirfd, de->d_name, 0);
	}
	closedir(d);
}

/* Read all of fd (a regular file of about size bytes). */
static int
sw_read_fd(int fd, off_t size, unsigned char **bufp, size_t *lenp)
{
	unsigned char	*buf;
	size_t		 cap, off = 0;
	ssize_t		 n;

	cap = (size_t)size + 1;
	buf = xmalloc(cap);
	for (;;) {
		if (off == cap) {
			if (cap > FILE_MAX_SIZE) {
				free(buf);
				errno = EFBIG;
				return (-1);
			}
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		n = read(fd, buf + off, cap - off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			free(buf);
			return (-1);
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	*bufp = buf;
	*lenp = off;
	return (0);
}

/* Read the existing file and record what it was. */
static int
sw_read(struct sw_file *f, char **cause)
{
	struct stat	 st;
	int		 fd, rc = -1;

	fd = open(f->real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT && (f->flags & SW_CREATE)) {
			f->exists = false;
			return (0);
		}
		cause_set(cause, "%s: %s", f->path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		cause_set(cause, "%s: %s", f->path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		cause_set(cause, "%s: not a regular file", f->path);
		goto out;
	}
	if (st.st_nlink > 1) {
		cause_set(cause, "%s: has %lu hard links; replacing it would "
		    "separate them, so tlsdeck does not change it", f->path,
		    (unsigned long)st.st_nlink);
		goto out;
	}
	if ((unsigned long long)st.st_size > FILE_MAX_SIZE) {
		cause_set(cause, "%s: file too large (%lld bytes)", f->path,
		    (long long)st.st_size);
		goto out;
	}
	if (sw_read_fd(fd, st.st_size, &f->buf, &f->len) == -1) {
		cause_set(cause, "%s: %s", f->path, strerror(errno));
		goto out;
	}
	f->exists = true;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = st.st_size;
	f->mtime = st.st_mtim;
	f->mode = st.st_mode;
	f->uid = st.st_uid;
	f->gid = st.st_gid;
	sw_sha256_hex(f->buf, f->len, f->sha);
	rc = 0;
out:
	close(fd);
	return (rc);
}

/* Resolve, lock and read path for a later sw_commit. */
int
sw_open(const char *path, int flags, struct sw_file **fp, char **cause)
{
	struct sw_file	*f;

	*fp = NULL;
	f = xcalloc(1, sizeof *f);
	f->path = xstrdup(path);
	f->flags = flags;
	f->dirfd = -1;
	if (sw_resolve(f, cause) != 0 || sw_lock(f, cause) != 0)
		goto fail;
	sw_clean_stale(f);
	if (sw_read(f, cause) != 0)
		goto fail;
	if (!f->exists)
		sw_sha256_hex(NULL, 0, f->sha);
	*fp = f;
	return (0);
fail:
	sw_close(f);
	return (-1);
}

/* The bytes as read (or as last committed). */
void
sw_content(const struct sw_file *f, const unsigned char **bufp, size_t *lenp)
{
	*bufp = f->buf;
	*lenp = f->len;
}

/* Did the file exist when read? */
bool
sw_exists(const struct sw_file *f)
{
	return (f->exists);
}

/* The resolved path (the file that is replaced). */
const char *
sw_path(const struct sw_file *f)
{
	return (f->real);
}

/* Hex SHA-256 of the current content. */
const char *
sw_sha256(const struct sw_file *f)
{
	return (f->sha);
}

/* The backup made by the last commit, or 0. */
unsigned int
sw_backup_id(const struct sw_file *f)
{
	return (f->backup_id);
}

/* Release the lock and free (NULL-safe). */
void
sw_close(struct sw_file *f)
{
	if (f == NULL)
		return;
	if (f->dirfd != -1)
		close(f->dirfd);	/* releases the flock */
	if (f->buf != NULL)
		explicit_bzero(f->buf, f->len);
	free(f->buf);
	free(f->path);
	free(f->real);
	free(f->dir);
	free(f->base);
	free(f);
}

/*
 * Is the file still what sw_open (or the last commit) saw?  With hash set,
 * the content is read and compared too, not only the inode, size and time.
 */
static int
sw_check(struct sw_file *f, bool hash, char **cause)
{
	struct stat	 st;
	unsigned char	*buf = NULL;
	size_t		 len;
	char		 sha[65];
	int		 fd = -1, rc = -1;

	if (!f->exists) {
		if (fstatat(f->dirfd, f->base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			cause_set(cause, "%s: was created by another program "
			    "meanwhile; not overwritten", f->path);
			return (-1);
		}
		return (0);
	}
	fd = openat(f->dirfd, f->base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT)
			cause_set(cause, "%s: was removed by another program "
			    "since tlsdeck read it; nothing written", f->path);
		else
			cause_set(cause, "%s: %s", f->path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		cause_set(cause, "%s: %s", f->path, strerror(errno));
		goto out;
	}
	if (st.st_dev != f->dev || st.st_ino != f->ino) {
		cause_set(cause, "%s: was replaced by another program since "
		    "tlsdeck read it; nothing written (read it again)",
		    f->path);
		goto out;
	}
	if (st.st_size != f->size ||
	    st.st_mtim.tv_sec != f->mtime.tv_sec ||
	    st.st_mtim.tv_nsec != f->mtime.tv_nsec) {
		cause_set(cause, "%s: was changed by another program since "
		    "tlsdeck read it; nothing written (read it again)",
		    f->path);
		goto out;
	}
	if (hash) {
		if (sw_read_fd(fd, st.st_size, &buf, &len) == -1) {
			cause_set(cause, "%s: %s", f->path, strerror(errno));
			goto out;
		}
		sw_sha256_hex(buf, len, sha);
		if (strcmp(sha, f->sha) != 0) {
			cause_set(cause, "%s: content was changed by another "
			    "program since tlsdeck read it (same size and "
			    "time); nothing written", f->path);
			goto out;
		}
	}
	rc = 0;
out:
	if (buf != NULL)
		explicit_bzero(buf, len);
	free(buf);
	if (fd != -1)
		close(fd);
	return (rc);
}

/* Write all of buf to fd. */
static int
sw_write_all(int fd, const unsigned char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

/* Give the temporary file the owner and mode the result must have. */
static int
sw_set_attrs(struct sw_file *f, int fd, const struct sw_meta *meta,
    char **cause)
{
	struct stat	st;
	mode_t		mode;

	if (f->exists) {
		if (fstat(fd, &st) == -1) {
			cause_set(cause, "%s: temporary file: %s", f->path,
			    strerror(errno));
			return (-1);
		}
		if ((st.st_uid != f->uid || st.st_gid != f->gid) &&
		    fchown(fd, f->uid, f->gid) == -1) {
			cause_set(cause, "%s: cannot keep its owner %lu:%lu "
			    "on the new file: %s (nothing changed)", f->path,
			    (unsigned long)f->uid, (unsigned long)f->gid,
			    strerror(errno));
			return (-1);
		}
		mode = f->mode & 07777;
	} else
		mode = (meta != NULL && meta->mode != 0) ? meta->mode & 07777 :
		    0600;
	if (fchmod(fd, mode) == -1) {
		cause_set(cause, "%s: cannot set mode %04o on the new file: %s "
		    "(nothing changed)", f->path, (unsigned int)mode,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/* Read the temporary file back from disk and check it. */
static int
sw_readback(struct sw_file *f, int fd, const unsigned char *data, size_t len,
    sw_verify_fn verify, void *arg, char **cause)
{
	unsigned char	*buf = NULL;
	size_t		 blen = 0;
	char		*vcause = NULL;
	int		 rc = -1;

	/* The pages are clean after fsync: drop them to really read back. */
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (lseek(fd, 0, SEEK_SET) == -1 ||
	    sw_read_fd(fd, (off_t)len, &buf, &blen) == -1) {
		cause_set(cause, "%s: cannot read the temporary file back: %s "
		    "(nothing changed)", f->path, strerror(errno));
		goto out;
	}
	if (blen != len || (len != 0 && memcmp(buf, data, len) != 0)) {
		cause_set(cause, "%s: the temporary file read back differs "
		    "from what was written (nothing changed)", f->path);
		goto out;
	}
	if (verify != NULL && verify(buf, blen, arg, &vcause) != 0) {
		cause_set(cause, "%s: the new content failed verification: "
		    "%s (nothing changed)", f->path, vcause != NULL ? vcause :
		    "rejected");
		goto out;
	}
	rc = 0;
out:
	free(vcause);
	if (buf != NULL)
		explicit_bzero(buf, blen);
	free(buf);
	return (rc);
}

/* Move the temporary file into place; a new file never clobbers. */
static int
sw_rename(struct sw_file *f, const char *tmp, char **cause)
{
	if (f->exists) {
		if (renameat(f->dirfd, tmp, f->dirfd, f->base) == 0)
			return (0);
		cause_set(cause, "%s: cannot rename the new file into place: "
		    "%s (nothing changed)", f->path, strerror(errno));
		return (-1);
	}
	if (renameat2(f->dirfd, tmp, f->dirfd, f->base, RENAME_NOREPLACE) == 0)
		return (0);
	if (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) {
		/* No RENAME_NOREPLACE here: link(2) never replaces either. */
		if (linkat(f->dirfd, tmp, f->dirfd, f->base, 0) == 0) {
			(void)unlinkat(f->dirfd, tmp, 0);
			return (0);
		}
	}
	if (errno == EEXIST)
		cause_set(cause, "%s: was created by another program "
		    "meanwhile; not overwritten", f->path);
	else
		cause_set(cause, "%s: cannot move the new file into place: %s "
		    "(nothing changed)", f->path, strerror(errno));
	return (-1);
}

/* Replace the file with data, safely (see core.h). */
int
sw_commit(struct sw_file *f, const unsigned char *data, size_t len,
    sw_verify_fn verify, void *arg, const struct sw_meta *meta, char **cause)
{
	struct stat	 st;
	char		*tmp = NULL, *tmppath = NULL, *bcause = NULL;
	unsigned int	 id = 0;
	int		 fd = -1, rc = -1;
	bool		 placed = false;

	if (sw_check(f, true, cause) != 0)
		return (-1);

	/* The temporary file, beside the target. */
	xasprintf(&tmp, "%s%.*s.XXXXXX", SW_TMP_PREFIX, SW_TMP_BASE_MAX,
	    f->base);
	xasprintf(&tmppath, "%s/%s", strcmp(f->dir, "/") == 0 ? "" : f->dir,
	    tmp);
	if ((fd = mkostemp(tmppath, O_CLOEXEC)) == -1) {
		cause_set(cause, "%s: cannot create a temporary file in %s: "
		    "%s (nothing changed)", f->path, f->dir, strerror(errno));
		free(tmppath);
		tmppath = NULL;
		goto out;
	}
	free(tmp);
	tmp = xstrdup(strrchr(tmppath, '/') + 1);
	if (sw_set_attrs(f, fd, meta, cause) != 0)
		goto out;
	if (sw_write_all(fd, data, len) != 0) {
		cause_set(cause, "%s: cannot write the new file in %s: %s "
		    "(nothing changed)", f->path, f->dir, strerror(errno));
		goto out;
	}
	if (fsync(fd) != 0) {
		cause_set(cause, "%s: cannot write the new file to disk: %s "
		    "(nothing changed)", f->path, strerror(errno));
		goto out;
	}
	if (sw_readback(f, fd, data, len, verify, arg, cause) != 0)
		goto out;

	/* The backup, fsync'd and in the manifest, before the rename. */
	if (f->exists && !(f->flags & SW_NOBACKUP)) {
		if (backup_create(f->real, f->buf, f->len, f->mode & 07777,
		    meta, &id, &bcause) != 0) {
			cause_set(cause, "%s: not changed: the backup failed: "
			    "%s", f->path, bcause);
			goto out;
		}
	}
	if (sw_check(f, false, cause) != 0 || sw_rename(f, tmp, cause) != 0)
		goto out;
	placed = true;
	if (fsync(f->dirfd) != 0) {
		cause_set(cause, "%s: replaced, but syncing directory %s "
		    "failed: %s", f->path, f->dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (placed) {
		/* The file is in place either way: remember the new state. */
		if (fstat(fd, &st) == 0) {
			f->dev = st.st_dev;
			f->ino = st.st_ino;
			f->size = st.st_size;
			f->mtime = st.st_mtim;
			f->mode = st.st_mode;
			f->uid = st.st_uid;
			f->gid = st.st_gid;
		}
		if (f->buf != NULL)
			explicit_bzero(f->buf, f->len);
		free(f->buf);
		f->buf = xmemdup(len != 0 ? data : (const unsigned char *)"",
		    len != 0 ? len : 1);
		f->len = len;
		sw_sha256_hex(data, len, f->sha);
		f->exists = true;
		f->backup_id = id;
	} else if (tmppath != NULL)
		(void)unlinkat(f->dirfd, tmp, 0);
	if (fd != -1)
		close(fd);
	free(bcause);
	free(tmp);
	free(tmppath);
	return (rc);
}

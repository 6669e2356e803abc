/* SPDX-License-Identifier: ISC */
/*
 * safewrite.c -- the one way tlsdeck replaces a file: resolve under the
 * ownership rule, lock, check it did not change, temporary file in the same
 * directory, fsync, read back and verify, rename, check again, fsync the
 * directory (docs/security.md).  Backups are added on top by sw_commit in
 * backup.c; nothing here calls into backup.c.
 *
 * Everything after the resolution is relative to the directory's
 * descriptor, with O_NOFOLLOW: a component swapped for a link after the
 * check is never followed.  The lock (file_lock) is the user's own, kept
 * in the private state directory: another user cannot block a write, and
 * while it is held no other tlsdeck of this user writes in the directory,
 * so any ".tlsdeck-tmp-UID-*" file of this user found there was left by a
 * killed process and is removed by sw_open.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core.h"

struct sw_file {
	char		*path;		/* as given, for messages */
	struct file_at	 at;		/* resolved: dirfd, dir, base, real */
	struct file_lock *lock;
	int		 flags;
	int		 fd;		/* the file as read, kept open, or -1 */
	bool		 exists;
	struct stat	 st;		/* of fd when read */
	unsigned char	*buf;
	size_t		 len;
	char		 sha[65];
	unsigned int	 backup_id;
	char		**notes;
	size_t		 nnotes;
	unsigned char	*lost;		/* another writer's version, not put
					   back */
	size_t		 lostlen;
	int		 refs;		/* sw_close frees at 0 */
	struct txn	*txn;		/* the transaction it belongs to */
	bool		 raw;		/* a transaction's own write (its
					   rollback): not journaled */
};

/* txn.c's hooks (sw_set_txn_hooks), NULL until a transaction begins. */
static const struct sw_txn_hooks *sw_hooks;

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

/* Add a note for the caller. */
static void __attribute__((format(printf, 2, 3)))
sw_note(struct sw_file *f, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	f->notes = xreallocarray(f->notes, f->nnotes + 1, sizeof *f->notes);
	f->notes[f->nnotes++] = s;
}

/* Forget the notes and lost bytes of an earlier replace. */
static void
sw_reset(struct sw_file *f)
{
	size_t	i;

	for (i = 0; i < f->nnotes; i++)
		free(f->notes[i]);
	free(f->notes);
	f->notes = NULL;
	f->nnotes = 0;
	if (f->lost != NULL)
		explicit_bzero(f->lost, f->lostlen);
	free(f->lost);
	f->lost = NULL;
	f->lostlen = 0;
}

/* The prefix of this user's temporary files: ".tlsdeck-tmp-UID-". */
static void
sw_tmp_prefix(char *buf, size_t len)
{
	snprintf(buf, len, "%s%lu-", SW_TMP_PREFIX, (unsigned long)geteuid());
}

/*
 * Remove this user's temporary files left by a killed tlsdeck.  Called
 * with the lock held, so none of them can belong to a live writer of this
 * user; other users' files are theirs to clean.  Errors are ignored: a
 * read-only directory simply keeps them.
 */
static void
sw_clean_stale(struct sw_file *f)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		 pfx[64];
	int		 fd;

	sw_tmp_prefix(pfx, sizeof pfx);
	if ((fd = openat(f->at.dirfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, pfx, strlen(pfx)) != 0)
			continue;
		if (fstatat(f->at.dirfd, de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(st.st_mode))
			continue;
		(void)unlinkat(f->at.dirfd, de->d_name, 0);
	}
	closedir(d);
}

/* Read all of fd from its start (a regular file of about size bytes). */
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
		n = pread(fd, buf + off, cap - off, (off_t)off);
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

/* Open the existing file (O_NOFOLLOW) and record what it was. */
static int
sw_read(struct sw_file *f, char **cause)
{
	struct stat	 st;
	int		 fd;

	fd = openat(f->at.dirfd, f->at.base, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT && (f->flags & SW_CREATE)) {
			f->exists = false;
			sw_sha256_hex(NULL, 0, f->sha);
			return (0);
		}
		if (errno == ELOOP)
			cause_set(cause, "%s: is a symbolic link now; not "
			    "following it", f->path);
		else
			cause_set(cause, "%s: %s", f->path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		cause_set(cause, "%s: %s", f->path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		cause_set(cause, "%s: not a regular file", f->path);
		goto fail;
	}
	if (st.st_nlink > 1) {
		cause_set(cause, "%s: has %lu hard links; replacing it would "
		    "separate them, so tlsdeck does not change it", f->path,
		    (unsigned long)st.st_nlink);
		goto fail;
	}
	if ((unsigned long long)st.st_size > FILE_MAX_SIZE) {
		cause_set(cause, "%s: file too large (%lld bytes)", f->path,
		    (long long)st.st_size);
		goto fail;
	}
	if (sw_read_fd(fd, st.st_size, &f->buf, &f->len) == -1) {
		cause_set(cause, "%s: %s", f->path, strerror(errno));
		goto fail;
	}
	f->fd = fd;
	f->exists = true;
	f->st = st;
	sw_sha256_hex(f->buf, f->len, f->sha);
	return (0);
fail:
	close(fd);
	return (-1);
}

/* Lock, clean and read: the rest of sw_open once f->at is set. */
static int
sw_setup(struct sw_file *f, struct sw_file **fp, char **cause)
{
	int	fd;

	/* The file's own errors first: they say more than the lock's. */
	fd = openat(f->at.dirfd, f->at.base, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1 && errno != ENOENT && errno != ELOOP) {
		cause_set(cause, "%s: %s", f->path, strerror(errno));
		goto fail;
	}
	if (fd != -1)
		close(fd);
	if (((f->flags & SW_SHARED) ? file_lock_share : file_lock)(
	    f->at.dirfd, f->at.dir, f->path, &f->lock, cause) != 0)
		goto fail;
	sw_clean_stale(f);
	if (sw_read(f, cause) != 0)
		goto fail;
	*fp = f;
	return (0);
fail:
	sw_close(f);
	return (-1);
}

/* A new handle for path. */
static struct sw_file *
sw_new(const char *path, int flags)
{
	struct sw_file	*f;

	f = xcalloc(1, sizeof *f);
	f->path = xstrdup(path);
	f->flags = flags;
	f->fd = -1;
	f->at.dirfd = -1;
	f->refs = 1;
	return (f);
}

/* Resolve, lock and read path for a later sw_replace or sw_commit. */
int
sw_open(const char *path, int flags, struct sw_file **fp, char **cause)
{
	struct sw_file	*f;
	struct txn	*t;

	*fp = NULL;
	/* In an action's transaction (txn_enter): one of its files. */
	if (!(flags & (SW_SHARED | SW_NOBACKUP)) && sw_hooks != NULL &&
	    (t = sw_hooks->current()) != NULL)
		return (sw_hooks->open(t, path, flags, fp, cause));
	f = sw_new(path, flags);
	if (file_resolve(path, (flags & SW_CREATE) ? FILE_AT_CREATE : 0,
	    &f->at, cause) != 0) {
		sw_close(f);
		return (-1);
	}
	return (sw_setup(f, fp, cause));
}

/* sw_open for name in the open directory dirfd (see core.h). */
int
sw_openat(int dirfd, const char *dir, const char *name, int flags,
    struct sw_file **fp, char **cause)
{
	struct sw_file	*f;
	char		*path;

	*fp = NULL;
	xasprintf(&path, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, name);
	f = sw_new(path, flags);
	free(path);
	if ((f->at.dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0)) == -1) {
		cause_set(cause, "%s: %s", f->path, strerror(errno));
		sw_close(f);
		return (-1);
	}
	f->at.dir = xstrdup(dir);
	f->at.base = xstrdup(name);
	f->at.real = xstrdup(f->path);
	return (sw_setup(f, fp, cause));
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

/* The path as given, for messages. */
const char *
sw_name(const struct sw_file *f)
{
	return (f->path);
}

/* The resolved path (the file that is replaced). */
const char *
sw_path(const struct sw_file *f)
{
	return (f->at.real);
}

/* Hex SHA-256 of the current content. */
const char *
sw_sha256(const struct sw_file *f)
{
	return (f->sha);
}

/* Permission bits as read, 0 when new. */
unsigned int
sw_mode(const struct sw_file *f)
{
	return (f->exists ? (unsigned int)(f->st.st_mode & 07777) : 0);
}

/* The flags sw_open was given. */
int
sw_flags(const struct sw_file *f)
{
	return (f->flags);
}

/* The backup made by the last commit, or 0. */
unsigned int
sw_backup_id(const struct sw_file *f)
{
	return (f->backup_id);
}

/* Set by sw_commit once the replace it backed up succeeded. */
void
sw_set_backup_id(struct sw_file *f, unsigned int id)
{
	f->backup_id = id;
}

/* The notes of the last replace. */
size_t
sw_notes(const struct sw_file *f, const char *const **notesp)
{
	*notesp = (const char *const *)f->notes;
	return (f->nnotes);
}

/* Another writer's version that a failed replace could not put back. */
const unsigned char *
sw_lost(const struct sw_file *f, size_t *lenp)
{
	*lenp = f->lostlen;
	return (f->lost);
}

void
sw_set_txn_hooks(const struct sw_txn_hooks *h)
{
	sw_hooks = h;
}

/* One more reference: sw_close frees at the last (txn.c). */
void
sw_ref(struct sw_file *f)
{
	f->refs++;
}

/* The transaction whose journal records f's writes, or NULL. */
void
sw_set_txn(struct sw_file *f, struct txn *t)
{
	f->txn = t;
}

struct txn *
sw_txn(const struct sw_file *f)
{
	return (f->txn);
}

/* The next replaces are the transaction's own (not journaled). */
void
sw_set_raw(struct sw_file *f, bool raw)
{
	f->raw = raw;
}

/* Release the lock and free (NULL-safe). */
void
sw_close(struct sw_file *f)
{
	if (f == NULL)
		return;
	if (--f->refs > 0)
		return;
	sw_reset(f);
	file_unlock(f->lock);
	if (f->fd != -1)
		close(f->fd);
	file_at_free(&f->at);
	if (f->buf != NULL)
		explicit_bzero(f->buf, f->len);
	free(f->buf);
	free(f->path);
	free(f);
}

/*
 * Is the file still what sw_open (or the last replace) saw: the same inode
 * under the name, of the same size and time?  With hash set, the content
 * is read and compared too.  Without, this is two system calls: the last
 * check before the rename.
 */
static int
sw_check(struct sw_file *f, bool hash, char **cause)
{
	struct stat	 st;
	unsigned char	*buf = NULL;
	size_t		 len = 0;
	char		 sha[65];
	int		 rc = -1;

	if (fstatat(f->at.dirfd, f->at.base, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT && !f->exists)
			return (0);
		if (errno == ENOENT)
			cause_set(cause, "%s: was removed by another program "
			    "since tlsdeck read it; nothing written", f->path);
		else
			cause_set(cause, "%s: %s", f->path, strerror(errno));
		return (-1);
	}
	if (!f->exists) {
		cause_set(cause, "%s: was created by another program "
		    "meanwhile; not overwritten", f->path);
		return (-1);
	}
	if (st.st_dev != f->st.st_dev || st.st_ino != f->st.st_ino) {
		cause_set(cause, "%s: was replaced by another program since "
		    "tlsdeck read it; nothing written (read it again)",
		    f->path);
		return (-1);
	}
	if (fstat(f->fd, &st) == -1) {
		cause_set(cause, "%s: %s", f->path, strerror(errno));
		return (-1);
	}
	if (st.st_size != f->st.st_size ||
	    st.st_mtim.tv_sec != f->st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != f->st.st_mtim.tv_nsec) {
		cause_set(cause, "%s: was changed by another program since "
		    "tlsdeck read it; nothing written (read it again)",
		    f->path);
		return (-1);
	}
	if (hash) {
		if (sw_read_fd(f->fd, st.st_size, &buf, &len) == -1) {
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

/* Is gid a group of everyone (gid 100 or "users")? */
static bool
sw_group_general(gid_t gid)
{
	struct group	 gr, *res = NULL;
	char		 buf[4096];

	if (gid == 100)
		return (true);
	return (getgrnam_r("users", &gr, buf, sizeof buf, &res) == 0 &&
	    res != NULL && res->gr_gid == gid);
}

/* The owner and mode the new file must have; notes what crosses users. */
static void
sw_attrs(struct sw_file *f, const struct sw_meta *meta, uid_t *uidp,
    gid_t *gidp, mode_t *modep)
{
	const struct server_owner *o;
	struct stat	 dst;
	char		 who[128], me[128];
	mode_t		 mode, pm;
	uid_t		 uid = geteuid();
	gid_t		 gid = (gid_t)-1;

	if (f->exists) {
		uid = f->st.st_uid;
		gid = f->st.st_gid;
		mode = f->st.st_mode & 0777;
		if (f->st.st_mode & 07000)
			sw_note(f, "%s: mode %04o -> %04o: tlsdeck writes no "
			    "setuid, setgid or sticky files", f->path,
			    (unsigned int)(f->st.st_mode & 07777),
			    (unsigned int)mode);
		if (uid != geteuid()) {
			file_who(uid, who, sizeof who);
			file_who(geteuid(), me, sizeof me);
			sw_note(f, "%s belongs to %s: written by %s, it keeps "
			    "that owner", f->path, who, me);
		}
	} else {
		mode = (meta != NULL && meta->mode != 0) ? meta->mode : 0600;
		mode &= 0775;
		o = meta != NULL ? meta->owner : NULL;
		if (o != NULL && o->uid >= 0 && o->mode != 0 &&
		    (geteuid() == 0 || (uid_t)o->uid == geteuid())) {
			/* For the server's user (root can give it away). */
			uid = (uid_t)o->uid;
			gid = o->gid >= 0 ? (gid_t)o->gid : (gid_t)-1;
			mode = o->mode & 0770;
			if (uid != geteuid()) {
				file_who(uid, who, sizeof who);
				sw_note(f, "%s: a new file for the server's "
				    "user %s (from %s): group %ld, mode %04o",
				    f->path, who, o->how != NULL ? o->how :
				    "the server", gid == (gid_t)-1 ? -1L :
				    (long)gid, (unsigned int)mode);
			}
		} else if (o != NULL && o->uid >= 0) {
			/* Only root can give a file to another user. */
			file_who((uid_t)o->uid, who, sizeof who);
			file_who(geteuid(), me, sizeof me);
			sw_note(f, "%s: a new file of %s, mode %04o: the server "
			    "runs as %s, and only root can give it the file "
			    "(as root: chown %d:%d and chmod %04o)", f->path,
			    me, (unsigned int)mode, who, o->uid, o->gid,
			    o->mode);
		} else if (geteuid() == 0 && fstat(f->at.dirfd, &dst) == 0 &&
		    dst.st_uid != 0) {
			/* Root writing for a service: the file is theirs. */
			uid = dst.st_uid;
			gid = dst.st_gid;
			file_who(uid, who, sizeof who);
			sw_note(f, "%s: a new file in the directory of %s, "
			    "so it is theirs (tlsdeck runs as root)", f->path,
			    who);
		}
	}
	if (meta != NULL && (meta->flags & SW_PRIVATE)) {
		pm = mode & ~(mode_t)S_IRWXO;
		if (gid != (gid_t)-1 ? sw_group_general(gid) :
		    sw_group_general(getegid()))
			pm &= ~(mode_t)S_IRWXG;
		if (pm != mode)
			sw_note(f, "%s: mode %04o -> %04o: it holds a private "
			    "key, so %s may not read it", f->path,
			    (unsigned int)mode, (unsigned int)pm,
			    (pm & S_IRWXG) != (mode & S_IRWXG) ?
			    "the group and others" : "others");
		mode = pm;
	}
	*uidp = uid;
	*gidp = gid;
	*modep = mode;
}

/*
 * A new temporary file beside the target, this user's, O_EXCL and
 * O_NOFOLLOW: ".tlsdeck-tmp-UID-NAME.XXXXXX".
 */
static int
sw_tmp_create(struct sw_file *f, char **namep, char **cause)
{
	static const char	 set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
	    "klmnopqrstuvwxyz0123456789";
	unsigned char		 rnd[6];
	char			 pfx[64], sfx[7];
	int			 fd, tries, i;

	*namep = NULL;
	sw_tmp_prefix(pfx, sizeof pfx);
	for (tries = 0; tries < 100; tries++) {
		if (getentropy(rnd, sizeof rnd) == -1)
			fatalx("getentropy failed");
		for (i = 0; i < 6; i++)
			sfx[i] = set[rnd[i] % (sizeof set - 1)];
		sfx[6] = '\0';
		free(*namep);
		xasprintf(namep, "%s%.*s.%s", pfx, SW_TMP_BASE_MAX, f->at.base,
		    sfx);
		fd = openat(f->at.dirfd, *namep, O_RDWR | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1)
			return (fd);
		if (errno != EEXIST)
			break;
	}
	cause_set(cause, "%s: cannot create a temporary file in %s: %s "
	    "(nothing changed)", f->path, f->at.dir, strerror(errno));
	free(*namep);
	*namep = NULL;
	return (-1);
}

/* Give the temporary file its owner and mode. */
static int
sw_tmp_attrs(struct sw_file *f, int fd, uid_t uid, gid_t gid, mode_t mode,
    char **cause)
{
	struct stat	st;

	if (fstat(fd, &st) == -1) {
		cause_set(cause, "%s: temporary file: %s", f->path,
		    strerror(errno));
		return (-1);
	}
	if ((st.st_uid != uid || (gid != (gid_t)-1 && st.st_gid != gid)) &&
	    fchown(fd, uid, gid) == -1) {
		cause_set(cause, "%s: cannot give the new file its owner "
		    "%lu:%ld: %s (nothing changed)", f->path,
		    (unsigned long)uid, gid == (gid_t)-1 ? -1L : (long)gid,
		    strerror(errno));
		return (-1);
	}
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
	if (sw_read_fd(fd, (off_t)len, &buf, &blen) == -1) {
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
sw_rename(struct sw_file *f, const char *tmp, bool exists, char **cause)
{
	int	dfd = f->at.dirfd;

	if (exists) {
		if (renameat(dfd, tmp, dfd, f->at.base) == 0)
			return (0);
		cause_set(cause, "%s: cannot rename the new file into place: "
		    "%s (nothing changed)", f->path, strerror(errno));
		return (-1);
	}
	if (renameat2(dfd, tmp, dfd, f->at.base, RENAME_NOREPLACE) == 0)
		return (0);
	if (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) {
		/* No RENAME_NOREPLACE here: link(2) never replaces either. */
		if (linkat(dfd, tmp, dfd, f->at.base, 0) == 0) {
			(void)unlinkat(dfd, tmp, 0);
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

/* The file is now fd holding data: remember that state. */
static void
sw_now(struct sw_file *f, int fd, const unsigned char *data, size_t len)
{
	struct stat	st;

	if (f->fd != -1)
		close(f->fd);
	f->fd = fd;
	if (fstat(fd, &st) == 0)
		f->st = st;
	if (f->buf != NULL)
		explicit_bzero(f->buf, f->len);
	free(f->buf);
	f->buf = xmemdup(len != 0 ? data : (const unsigned char *)"",
	    len != 0 ? len : 1);
	f->len = len;
	sw_sha256_hex(data, len, f->sha);
	f->exists = true;
}

/*
 * Write data to a new temporary file with the given owner and mode, fsync
 * and verify it, and rename it into place after a last check.  *fdp is the
 * new file's descriptor on success.
 */
static int
sw_place(struct sw_file *f, const unsigned char *data, size_t len,
    sw_verify_fn verify, void *arg, uid_t uid, gid_t gid, mode_t mode,
    bool check, int *fdp, char **cause)
{
	char	*tmp = NULL;
	int	 fd, rc = -1;

	*fdp = -1;
	if ((fd = sw_tmp_create(f, &tmp, cause)) == -1)
		return (-1);
	if (sw_tmp_attrs(f, fd, uid, gid, mode, cause) != 0)
		goto out;
	if (sw_write_all(fd, data, len) != 0) {
		cause_set(cause, "%s: cannot write the new file in %s: %s "
		    "(nothing changed)", f->path, f->at.dir, strerror(errno));
		goto out;
	}
	if (fsync(fd) != 0) {
		cause_set(cause, "%s: cannot write the new file to disk: %s "
		    "(nothing changed)", f->path, strerror(errno));
		goto out;
	}
	if (sw_readback(f, fd, data, len, verify, arg, cause) != 0)
		goto out;
	/* The window: two system calls between the last check and rename. */
	if ((check && sw_check(f, false, cause) != 0) ||
	    sw_rename(f, tmp, f->exists || !check, cause) != 0)
		goto out;
	*fdp = fd;
	fd = -1;
	rc = 0;
out:
	if (rc != 0)
		(void)unlinkat(f->at.dirfd, tmp, 0);
	if (fd != -1)
		close(fd);
	free(tmp);
	return (rc);
}

/*
 * After the rename: did another program write to the replaced file between
 * the last check and the rename?  Then put its version back and fail.
 */
static int
sw_after(struct sw_file *f, int newfd, char **cause)
{
	struct stat	 st, nst;
	unsigned char	*theirs = NULL;
	size_t		 tlen = 0;
	char		 sha[65], *c2 = NULL;
	int		 fd, rc = -1;

	if (fstat(newfd, &nst) == -1 || fstatat(f->at.dirfd, f->at.base, &st,
	    AT_SYMLINK_NOFOLLOW) == -1 || st.st_ino != nst.st_ino ||
	    st.st_dev != nst.st_dev) {
		cause_set(cause, "%s: was replaced by another program just "
		    "after tlsdeck wrote it: that version stays and tlsdeck's "
		    "change is not in place (run again)", f->path);
		return (-1);
	}
	if (!f->exists)
		return (0);
	if (sw_read_fd(f->fd, f->st.st_size, &theirs, &tlen) == -1)
		return (0);	/* unreadable now: nothing to compare */
	sw_sha256_hex(theirs, tlen, sha);
	if (strcmp(sha, f->sha) == 0) {
		rc = 0;
		goto out;
	}
	/* Put their version back, with the owner and mode it had. */
	if (sw_place(f, theirs, tlen, NULL, NULL, f->st.st_uid,
	    f->st.st_gid, f->st.st_mode & 0777, false, &fd, &c2) == 0) {
		(void)fsync(f->at.dirfd);
		sw_now(f, fd, theirs, tlen);
		cause_set(cause, "%s: another program changed it while tlsdeck "
		    "was replacing it: its version is back in place and "
		    "tlsdeck's change was not made (run again)", f->path);
		goto out;
	}
	cause_set(cause, "%s: another program changed it while tlsdeck was "
	    "replacing it, and its version could not be put back (%s)",
	    f->path, c2);
	f->lost = theirs;
	f->lostlen = tlen;
	theirs = NULL;
out:
	free(c2);
	if (theirs != NULL)
		explicit_bzero(theirs, tlen);
	free(theirs);
	return (rc);
}

/* sw_replace without the transaction's journal. */
static int
sw_replace1(struct sw_file *f, const unsigned char *data, size_t len,
    sw_verify_fn verify, void *arg, const struct sw_meta *meta, char **cause)
{
	uid_t	uid;
	gid_t	gid;
	mode_t	mode;
	int	fd = -1;

	sw_reset(f);
	if (sw_check(f, true, cause) != 0)
		return (-1);
	sw_attrs(f, meta, &uid, &gid, &mode);
	if (sw_place(f, data, len, verify, arg, uid, gid, mode, true, &fd,
	    cause) != 0)
		return (-1);
	if (sw_after(f, fd, cause) != 0) {
		close(fd);
		return (-1);
	}
	sw_now(f, fd, data, len);
	if (fsync(f->at.dirfd) != 0) {
		cause_set(cause, "%s: replaced, but syncing directory %s "
		    "failed: %s", f->path, f->at.dir, strerror(errno));
		return (-1);
	}
	return (0);
}

/* Replace the file with data, safely, without a backup (see core.h). */
int
sw_replace(struct sw_file *f, const unsigned char *data, size_t len,
    sw_verify_fn verify, void *arg, const struct sw_meta *meta, char **cause)
{
	char	before[65];
	bool	existed;
	int	rc;

	if (f->txn == NULL || f->raw || sw_hooks == NULL)
		return (sw_replace1(f, data, len, verify, arg, meta, cause));
	/* In a transaction: journaled before the rename (txn.c). */
	sw_reset(f);
	if (sw_hooks->before(f->txn, f, data, len, cause) != 0)
		return (-1);
	memcpy(before, f->sha, sizeof before);
	existed = f->exists;
	rc = sw_replace1(f, data, len, verify, arg, meta, cause);
	sw_hooks->after(f->txn, f, rc, strcmp(before, f->sha) != 0 ||
	    existed != f->exists);
	return (rc);
}

/*
 * Remove the file (a transaction's rollback of a file it created): refused
 * if it changed since it was read or written; the directory is synced.
 */
int
sw_remove(struct sw_file *f, char **cause)
{
	sw_reset(f);
	if (!f->exists)
		return (0);
	if (sw_check(f, true, cause) != 0)
		return (-1);
	if (unlinkat(f->at.dirfd, f->at.base, 0) == -1) {
		cause_set(cause, "%s: cannot remove it: %s", f->path,
		    strerror(errno));
		return (-1);
	}
	if (f->fd != -1)
		close(f->fd);
	f->fd = -1;
	if (f->buf != NULL)
		explicit_bzero(f->buf, f->len);
	free(f->buf);
	f->buf = NULL;
	f->len = 0;
	f->exists = false;
	sw_sha256_hex(NULL, 0, f->sha);
	if (fsync(f->at.dirfd) != 0) {
		cause_set(cause, "%s: removed, but syncing directory %s "
		    "failed: %s", f->path, f->at.dir, strerror(errno));
		return (-1);
	}
	return (0);
}

/* SPDX-License-Identifier: ISC */
/* test-safewrite.c -- sw_open/sw_commit, the ownership rule and backups on
 * real files. */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <regex.h>
#include <unistd.h>

#include "testutil.h"

/* Per-test scratch: a work directory and a backup directory. */
struct fx {
	char	 root[64];	/* mkdtemp */
	char	*work;		/* root/work */
	char	*bdir;		/* root/backups */
	char	*mnt;		/* a tmpfs mounted by the test, or NULL */
};

/* nftw callback: remove everything. */
static int
rm_cb(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	return (remove(p) == -1 ? 0 : 0);
}

static int
setup(void **state)
{
	struct fx	*fx = xcalloc(1, sizeof *fx);

	snprintf(fx->root, sizeof fx->root, "/tmp/tlsdeck-sw.XXXXXX");
	if (mkdtemp(fx->root) == NULL)
		return (-1);
	xasprintf(&fx->work, "%s/work", fx->root);
	xasprintf(&fx->bdir, "%s/backups", fx->root);
	if (mkdir(fx->work, 0755) == -1)
		return (-1);
	setenv("TLSDECK_BACKUP_DIR", fx->bdir, 1);
	unsetenv("TLSDECK_LOCK_WAIT_MS");
	*state = fx;
	return (0);
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	if (fx->mnt != NULL) {
		umount2(fx->mnt, MNT_DETACH);
		free(fx->mnt);
	}
	nftw(fx->root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(fx->work);
	free(fx->bdir);
	free(fx);
	return (0);
}

/* A path under the work directory (malloc'd). */
static char *
wpath(struct fx *fx, const char *name)
{
	char	*p;

	xasprintf(&p, "%s/%s", fx->work, name);
	return (p);
}

/* Write a file directly (not through sw). */
static void
put_file(const char *path, const char *s, size_t len, mode_t mode)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* Does the file at path hold exactly s? */
static bool
has_content(const char *path, const char *s, size_t len)
{
	unsigned char	*buf;
	size_t		 blen;
	bool		 ok;

	if (file_read(path, &buf, &blen, NULL) != 0)
		return (false);
	ok = blen == len && memcmp(buf, s, len) == 0;
	free(buf);
	return (ok);
}

/* Number of ".tlsdeck-tmp-*" files in dir. */
static int
ntemp(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, SW_TMP_PREFIX,
		    strlen(SW_TMP_PREFIX)) == 0)
			n++;
	closedir(d);
	return (n);
}

/* Number of backups in the manifest. */
static size_t
nbackups(void)
{
	struct backup_rec	*recs;
	size_t			 n;
	char			*cause = NULL;

	if (backup_list(&recs, &n, &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	backup_list_free(recs, n);
	return (n);
}

/* Open path and commit s through the safe path; returns sw_commit's rc. */
static int
sw_put(const char *path, int flags, const char *s, unsigned int mode,
    unsigned int *idp, char **cause)
{
	struct sw_file	*f = NULL;
	struct sw_meta	 meta = { "test", "unit test write", mode, 0, NULL };
	int		 rc;

	if (sw_open(path, flags, &f, cause) != 0)
		return (-1);
	rc = sw_commit(f, (const unsigned char *)s, strlen(s), NULL, NULL,
	    &meta, cause);
	if (idp != NULL)
		*idp = sw_backup_id(f);
	sw_close(f);
	return (rc);
}

/* A new file: mode 0600 by default, the meta mode when given, no backup. */
static void
test_create_new(void **state)
{
	struct fx	*fx = *state;
	struct stat	 st;
	char		*p = wpath(fx, "new.p12"), *q = wpath(fx, "pub.pem");
	char		*cause = NULL;
	unsigned int	 id = 99;
	mode_t		 old;

	old = umask(0);		/* the mode must not depend on the umask */
	assert_int_equal(sw_put(p, 0, "x", 0, NULL, &cause), -1);
	assert_non_null(strstr(cause, "No such file"));
	free(cause);
	cause = NULL;
	assert_int_equal(sw_put(p, SW_CREATE, "key material", 0, &id, &cause),
	    0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_true(has_content(p, "key material", 12));
	assert_int_equal(id, 0);
	assert_int_equal(nbackups(), 0);
	assert_int_equal(sw_put(q, SW_CREATE, "cert", 0644, NULL, NULL), 0);
	assert_int_equal(stat(q, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(ntemp(fx->work), 0);
	umask(old);
	free(p);
	free(q);
}

/* A new file never clobbers one that appeared between open and commit. */
static void
test_create_no_clobber(void **state)
{
	struct fx	*fx = *state;
	struct sw_file	*f = NULL;
	char		*p = wpath(fx, "race.jks"), *cause = NULL;

	assert_int_equal(sw_open(p, SW_CREATE, &f, &cause), 0);
	assert_false(sw_exists(f));
	put_file(p, "theirs", 6, 0644);
	assert_int_equal(sw_commit(f, (const unsigned char *)"ours", 4, NULL,
	    NULL, NULL, &cause), -1);
	assert_non_null(strstr(cause, p));
	assert_non_null(strstr(cause, "not overwritten"));
	sw_close(f);
	assert_true(has_content(p, "theirs", 6));
	assert_int_equal(ntemp(fx->work), 0);
	free(cause);
	free(p);
}

/* Replacing keeps mode and owner; a second commit on the same handle works. */
static void
test_replace_keeps_mode_owner(void **state)
{
	struct fx	*fx = *state;
	struct sw_file	*f = NULL;
	struct stat	 st, st0;
	char		*p = wpath(fx, "ks.p12"), *cause = NULL, buf[16];
	bool		 root = geteuid() == 0;
	int		 fd0;

	put_file(p, "version 1", 9, 0640);
	if (root)
		assert_int_equal(chown(p, 1234, 5678), 0);
	assert_int_equal(stat(p, &st0), 0);
	fd0 = open(p, O_RDONLY);	/* keeps the old inode alive */
	assert_true(fd0 >= 0);
	assert_int_equal(sw_open(p, 0, &f, &cause), 0);
	assert_int_equal(sw_commit(f, (const unsigned char *)"version 2", 9,
	    NULL, NULL, NULL, &cause), 0);
	assert_int_not_equal(sw_backup_id(f), 0);
	assert_int_equal(sw_commit(f, (const unsigned char *)"version 3!",
	    10, NULL, NULL, NULL, &cause), 0);
	sw_close(f);
	assert_int_equal(stat(p, &st), 0);
	/* Really replaced: the old inode still holds the old bytes. */
	assert_int_not_equal(st.st_ino, st0.st_ino);
	assert_int_equal(pread(fd0, buf, sizeof buf, 0), 9);
	assert_memory_equal(buf, "version 1", 9);
	close(fd0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_uid, st0.st_uid);
	assert_int_equal(st.st_gid, st0.st_gid);
	if (root) {
		assert_int_equal(st.st_uid, 1234);
		assert_int_equal(st.st_gid, 5678);
	}
	assert_true(has_content(p, "version 3!", 10));
	assert_int_equal(nbackups(), 2);
	assert_int_equal(ntemp(fx->work), 0);
	free(p);
}

/* Through a symlink: the target is replaced, the link stays a link. */
static void
test_symlink(void **state)
{
	struct fx	*fx = *state;
	struct sw_file	*f = NULL;
	struct stat	 st;
	char		*dir = wpath(fx, "jvm"), *real = wpath(fx, "java-cacerts");
	char		*link, lbuf[256], *cause = NULL, *rp;
	ssize_t		 n;

	assert_int_equal(mkdir(dir, 0755), 0);
	xasprintf(&link, "%s/cacerts", dir);
	put_file(real, "old trust", 9, 0644);
	assert_int_equal(symlink("../java-cacerts", link), 0);
	assert_int_equal(sw_open(link, 0, &f, &cause), 0);
	rp = realpath(real, NULL);
	assert_string_equal(sw_path(f), rp);
	assert_int_equal(sw_commit(f, (const unsigned char *)"new trust", 9,
	    NULL, NULL, NULL, &cause), 0);
	sw_close(f);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	n = readlink(link, lbuf, sizeof lbuf - 1);
	assert_true(n > 0);
	lbuf[n] = '\0';
	assert_string_equal(lbuf, "../java-cacerts");
	assert_true(has_content(real, "new trust", 9));
	assert_int_equal(lstat(real, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(ntemp(dir), 0);
	assert_int_equal(ntemp(fx->work), 0);
	free(rp);
	free(link);
	free(dir);
	free(real);
}

/* Changed since read (same size and time, new inode, removed): refused. */
static void
test_changed_since_read(void **state)
{
	struct fx	*fx = *state;
	struct sw_file	*f = NULL;
	struct stat	 st;
	struct timespec	 ts[2];
	char		*p = wpath(fx, "conf.jks"), *q = wpath(fx, "other");
	char		*cause = NULL;

	/* 1: same size, mtime put back: only the hash can tell. */
	put_file(p, "AAAA", 4, 0644);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(sw_open(p, 0, &f, &cause), 0);
	put_file(p, "BBBB", 4, 0644);
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	assert_int_equal(sw_commit(f, (const unsigned char *)"CCCC", 4, NULL,
	    NULL, NULL, &cause), -1);
	assert_non_null(strstr(cause, p));
	assert_non_null(strstr(cause, "changed"));
	sw_close(f);
	assert_true(has_content(p, "BBBB", 4));
	free(cause);
	cause = NULL;

	/* 2: replaced by another file (rename). */
	assert_int_equal(sw_open(p, 0, &f, &cause), 0);
	put_file(q, "DDDD", 4, 0644);
	assert_int_equal(rename(q, p), 0);
	assert_int_equal(sw_commit(f, (const unsigned char *)"EEEE", 4, NULL,
	    NULL, NULL, &cause), -1);
	assert_non_null(strstr(cause, "replaced"));
	sw_close(f);
	assert_true(has_content(p, "DDDD", 4));
	free(cause);
	cause = NULL;

	/* 3: removed. */
	assert_int_equal(sw_open(p, 0, &f, &cause), 0);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(sw_commit(f, (const unsigned char *)"FFFF", 4, NULL,
	    NULL, NULL, &cause), -1);
	assert_non_null(strstr(cause, "removed"));
	sw_close(f);
	assert_int_equal(access(p, F_OK), -1);
	free(cause);

	assert_int_equal(ntemp(fx->work), 0);
	assert_int_equal(nbackups(), 0);	/* nothing was backed up */
	free(p);
	free(q);
}

/* A verify callback that rejects. */
static int
verify_reject(const unsigned char *buf, size_t len, void *arg, char **cause)
{
	int	*called = arg;

	(*called)++;
	assert_int_equal(len, 9);
	assert_memory_equal(buf, "corrupted", 9);
	cause_set(cause, "alias \"server\" is missing");
	return (-1);
}

/* Verification failure: original untouched, no temp file, no backup. */
static void
test_verify_fails(void **state)
{
	struct fx	*fx = *state;
	struct sw_file	*f = NULL;
	struct stat	 st0, st;
	char		*p = wpath(fx, "ks.jks"), *cause = NULL;
	int		 called = 0;

	put_file(p, "good keystore", 13, 0600);
	assert_int_equal(stat(p, &st0), 0);
	assert_int_equal(sw_open(p, 0, &f, &cause), 0);
	assert_int_equal(sw_commit(f, (const unsigned char *)"corrupted", 9,
	    verify_reject, &called, NULL, &cause), -1);
	sw_close(f);
	assert_int_equal(called, 1);
	assert_non_null(strstr(cause, p));
	assert_non_null(strstr(cause, "verification"));
	assert_non_null(strstr(cause, "alias \"server\" is missing"));
	assert_true(has_content(p, "good keystore", 13));
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_ino, st0.st_ino);
	assert_int_equal(ntemp(fx->work), 0);
	assert_int_equal(nbackups(), 0);
	free(cause);
	free(p);
}

/* Mount a tmpfs on fx->root/mnt; false (and a skip message) if we can't. */
static bool
mount_tmpfs(struct fx *fx, const char *opts)
{
	xasprintf(&fx->mnt, "%s/mnt", fx->root);
	assert_int_equal(mkdir(fx->mnt, 0755), 0);
	if (geteuid() != 0 ||
	    mount("tmpfs", fx->mnt, "tmpfs", 0, opts) == -1) {
		free(fx->mnt);
		fx->mnt = NULL;
		return (false);
	}
	return (true);
}

/* A read-only file system: EROFS named, original untouched. */
static void
test_readonly_fs(void **state)
{
	struct fx	*fx = *state;
	char		*p, *cause = NULL;

	if (!mount_tmpfs(fx, "size=256k")) {
		print_message("SKIP: needs root to mount a tmpfs\n");
		skip();
	}
	xasprintf(&p, "%s/ks.p12", fx->mnt);
	put_file(p, "original", 8, 0644);
	assert_int_equal(mount("tmpfs", fx->mnt, "tmpfs",
	    MS_REMOUNT | MS_RDONLY, "size=256k"), 0);
	assert_int_equal(sw_put(p, 0, "replacement", 0, NULL, &cause), -1);
	assert_non_null(strstr(cause, p));
	assert_non_null(strstr(cause, strerror(EROFS)));
	assert_non_null(strstr(cause, "nothing changed"));
	assert_true(has_content(p, "original", 8));
	assert_int_equal(ntemp(fx->mnt), 0);
	assert_int_equal(nbackups(), 0);
	free(cause);
	free(p);
}

/* Disk full: ENOSPC named, temp file removed, original untouched. */
static void
test_disk_full(void **state)
{
	struct fx	*fx = *state;
	char		*p, *big, *cause = NULL;
	size_t		 n = 40 * 1024;

	if (!mount_tmpfs(fx, "size=64k")) {
		print_message("SKIP: needs root to mount a tmpfs\n");
		skip();
	}
	xasprintf(&p, "%s/cacerts", fx->mnt);
	big = xmalloc(n + 1);
	memset(big, 'o', n);
	big[n] = '\0';
	put_file(p, big, n, 0644);
	memset(big, 'n', n);
	assert_int_equal(sw_put(p, 0, big, 0, NULL, &cause), -1);
	assert_non_null(strstr(cause, p));
	assert_non_null(strstr(cause, strerror(ENOSPC)));
	memset(big, 'o', n);
	assert_true(has_content(p, big, n));
	assert_int_equal(ntemp(fx->mnt), 0);
	free(cause);
	free(big);
	free(p);
}

/* Permission denied (a directory we may not write): EACCES named. */
static void
test_permission_denied(void **state)
{
	struct fx	*fx = *state;
	char		*d = wpath(fx, "locked"), *p, *cause = NULL;
	char		*nd = NULL, *nb = NULL;
	struct backup_rec *recs = NULL;
	unsigned char	*mb = NULL;
	size_t		 ml = 0, n = 0;
	pid_t		 pid;
	int		 st, rc;

	/* Forked children under memcheck: timing and exit paths differ. */
	if (getenv("TLSDECK_UNDER_VALGRIND") != NULL) {
		free(d);
		skip();
	}

	assert_int_equal(mkdir(d, 0755), 0);
	xasprintf(&p, "%s/ks.p12", d);
	put_file(p, "original", 8, 0644);
	if (geteuid() != 0) {
		assert_int_equal(chmod(d, 0555), 0);
		rc = sw_put(p, 0, "replacement", 0, NULL, &cause);
		assert_int_equal(rc, -1);
		assert_non_null(strstr(cause, strerror(EACCES)));
		assert_true(has_content(p, "original", 8));
		chmod(d, 0755);
		goto out;
	}
	/* Root ignores modes: try as nobody in a child process, with a
	 * state and a backup directory of its own. */
	assert_int_equal(chmod(fx->root, 0755), 0);
	xasprintf(&nd, "%s/nobody", fx->root);
	assert_int_equal(mkdir(nd, 0700), 0);
	assert_int_equal(chown(nd, 65534, 65534), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("TLSDECK_STATE_DIR", nd, 1);
		xasprintf(&nb, "%s/backups", nd);
		setenv("TLSDECK_BACKUP_DIR", nb, 1);
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(3);
		rc = sw_put(p, 0, "replacement", 0, NULL, &cause);
		if (rc != -1 || strstr(cause, p) == NULL ||
		    strstr(cause, strerror(EACCES)) == NULL) {
			fprintf(stderr, "child: rc %d: %s\n", rc, cause);
			_exit(1);
		}
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_true(has_content(p, "original", 8));
	assert_int_equal(ntemp(d), 0);
	/* Its backup was made, then removed with the failed replace. */
	xasprintf(&nb, "%s/backups/manifest.yaml", nd);
	assert_int_equal(file_read(nb, &mb, &ml, NULL), 0);
	assert_int_equal(backup_manifest_parse(nb, mb, ml, &recs, &n, NULL),
	    0);
	assert_int_equal(n, 0);
	backup_list_free(recs, n);
	free(mb);
	free(nb);
	free(nd);
out:
	free(cause);
	free(p);
	free(d);
}

/* Backup: file name, mode 0600 in a 0700 dir, SHA-256, manifest entry. */
static void
test_backup_created(void **state)
{
	struct fx		*fx = *state;
	struct backup_rec	*recs = NULL, *r = NULL;
	struct sw_file		*f = NULL;
	struct sw_meta		 meta = { "trust", "import ca.pem as myca", 0,
	    0, NULL };
	struct stat		 st;
	regex_t			 re;
	char			*p = wpath(fx, "keystore.p12"), *cause = NULL;
	char			*bf, *rp, sha[65];
	size_t			 n = 0;
	const char		*orig = "original keystore bytes\n";

	put_file(p, orig, strlen(orig), 0640);
	assert_int_equal(sw_open(p, 0, &f, &cause), 0);
	assert_int_equal(sw_commit(f, (const unsigned char *)"new", 3, NULL,
	    NULL, &meta, &cause), 0);
	assert_int_equal(sw_backup_id(f), 1);
	sw_close(f);

	assert_int_equal(backup_list(&recs, &n, &cause), 0);
	assert_int_equal(n, 1);
	r = &recs[0];
	assert_int_equal(r->id, 1);
	assert_string_equal(r->command, "trust");
	assert_string_equal(r->description, "import ca.pem as myca");
	rp = realpath(p, NULL);
	assert_string_equal(r->path, rp);
	assert_int_equal(r->size, strlen(orig));
	/* printf 'original keystore bytes\n' | sha256sum */
	assert_string_equal(r->sha256, "4645c382eca91470f9c104b0066c92c50dda"
	    "772122822373beb9d58c076bddcb");
	sw_sha256_hex((const unsigned char *)orig, strlen(orig), sha);
	assert_string_equal(r->sha256, sha);
	assert_int_equal(r->uid, getuid());
	assert_int_equal(r->mode, 0640);
	assert_int_equal(regcomp(&re, "^[0-9]{8}T[0-9]{6}Z-0001-keystore\\.p12$",
	    REG_EXTENDED | REG_NOSUB), 0);
	assert_int_equal(regexec(&re, r->file, 0, NULL, 0), 0);
	regfree(&re);
	assert_int_equal(strlen(r->time), 20);
	assert_int_equal(r->time[10], 'T');

	xasprintf(&bf, "%s/%s", fx->bdir, r->file);
	assert_true(has_content(bf, orig, strlen(orig)));
	assert_int_equal(stat(bf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(fx->bdir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	free(bf);
	xasprintf(&bf, "%s/manifest.yaml", fx->bdir);
	assert_int_equal(stat(bf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	free(bf);
	assert_int_equal(ntemp(fx->bdir), 0);
	backup_list_free(recs, n);
	free(rp);
	free(p);
}

/* The SHA-256 against a known vector (sha256sum of "abc"). */
static void
test_sha256_vector(void **state)
{
	char	sha[65];

	sw_sha256_hex((const unsigned char *)"abc", 3, sha);
	assert_string_equal(sha, "ba7816bf8f01cfea414140de5dae2223b00361a3"
	    "96177a9cb410ff61f20015ad");
}

/* Restore round trip, "same", dry run, tampered and missing backups. */
static void
test_restore(void **state)
{
	struct fx		*fx = *state;
	struct backup_rec	*r = NULL;
	struct backup_outcome	 o;
	struct stat		 st;
	char			*p = wpath(fx, "ks.jks"), *cause = NULL, *bf;
	unsigned int		 id;
	int			 fd;

	put_file(p, "v1", 2, 0604);
	assert_int_equal(sw_put(p, 0, "v2", 0, &id, NULL), 0);
	assert_int_equal(id, 1);
	assert_int_equal(sw_put(p, 0, "v3", 0, &id, NULL), 0);
	assert_int_equal(id, 2);

	/* Dry run: nothing changes. */
	assert_int_equal(backup_find("1", &r, &cause), 0);
	assert_int_equal(backup_restore(r, BACKUP_DRY_RUN, &o, &cause), 0);
	assert_true(o.existed);
	assert_false(o.same);
	assert_true(has_content(p, "v3", 2));
	assert_int_equal(nbackups(), 2);

	/* Restore 1: v1 back, v3 saved as backup 3. */
	assert_int_equal(backup_restore(r, 0, &o, &cause), 0);
	assert_int_equal(o.prev_id, 3);
	assert_true(has_content(p, "v1", 2));
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);
	assert_int_equal(backup_restore(r, 0, &o, &cause), 0);
	assert_true(o.same);
	assert_int_equal(nbackups(), 3);
	backup_rec_free(r);

	/* Backup 3 holds v3; also found by its file name. */
	assert_int_equal(backup_find("0003", &r, &cause), 0);
	assert_int_equal(r->id, 3);
	assert_string_equal(r->command, "restore");
	xasprintf(&bf, "%s/%s", fx->bdir, r->file);
	assert_true(has_content(bf, "v3", 2));
	backup_rec_free(r);
	{
		struct backup_rec	*r2 = NULL;
		char			*base = strrchr(bf, '/') + 1;

		assert_int_equal(backup_find(base, &r2, &cause), 0);
		assert_int_equal(r2->id, 3);
		backup_rec_free(r2);
	}

	/* Tampered backup: refused, file untouched. */
	assert_int_equal(backup_find("3", &r, &cause), 0);
	fd = open(bf, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "v4", 2), 2);
	close(fd);
	assert_int_equal(backup_restore(r, 0, &o, &cause), -1);
	assert_non_null(strstr(cause, "does not match"));
	assert_true(has_content(p, "v1", 2));
	free(cause);
	cause = NULL;

	/* Missing backup: refused. */
	assert_int_equal(unlink(bf), 0);
	assert_int_equal(backup_restore(r, 0, &o, &cause), -1);
	assert_non_null(strstr(cause, strerror(ENOENT)));
	assert_true(has_content(p, "v1", 2));
	free(cause);
	cause = NULL;
	backup_rec_free(r);

	/* The original was deleted: restore recreates it with its mode. */
	assert_int_equal(unlink(p), 0);
	assert_int_equal(backup_find("2", &r, &cause), 0);
	assert_int_equal(backup_restore(r, 0, &o, &cause), 0);
	assert_false(o.existed);
	assert_int_equal(o.prev_id, 0);
	assert_true(has_content(p, "v2", 2));
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);
	backup_rec_free(r);

	/* Unknown id. */
	assert_int_equal(backup_find("42", &r, &cause), -1);
	assert_non_null(strstr(cause, "no such backup"));
	assert_null(r);
	free(cause);
	free(bf);
	free(p);
}

/* Write the manifest by hand. */
static void
put_manifest(struct fx *fx, const char *text)
{
	char	*m;

	mkdir(fx->bdir, 0700);
	xasprintf(&m, "%s/manifest.yaml", fx->bdir);
	put_file(m, text, strlen(text), 0600);
	free(m);
}

/* A corrupt manifest: a clear message with the line; writes refused. */
static void
test_manifest_corrupt(void **state)
{
	struct fx		*fx = *state;
	struct backup_rec	*recs = NULL;
	size_t			 n = 0;
	char			*p = wpath(fx, "ks.p12"), *cause = NULL;
	static const char	 good_head[] =
	    "version: 1\nbackups:\n- id: 1\n  time: 2026-11-29T15:16:16Z\n"
	    "  command: trust\n  path: /etc/x\n"
	    "  file: 20261129T151616Z-0001-x\n  size: 3\n"
	    "  sha256: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410"
	    "ff61f20015ad\n  uid: 0\n";
	char			*text;

	/* Wrong type. */
	put_manifest(fx, "version: 1\nbackups:\n- id: [1]\n  time: x\n");
	assert_int_equal(backup_list(&recs, &n, &cause), -1);
	print_message("# %s\n", cause);
	assert_non_null(strstr(cause, "manifest.yaml"));
	assert_non_null(strstr(cause, "line: 3"));
	free(cause);
	cause = NULL;

	/* YAML syntax error (an unterminated quote), on line 4. */
	put_manifest(fx, "version: 1\nbackups:\n- id: 1\n  time: 'x\n");
	assert_int_equal(backup_list(&recs, &n, &cause), -1);
	print_message("# %s\n", cause);
	assert_non_null(strstr(cause, "manifest.yaml"));
	assert_non_null(strstr(cause, "line"));
	free(cause);
	cause = NULL;

	/* Unknown key (a typo) on line 12. */
	xasprintf(&text, "%s  colour: red\n", good_head);
	put_manifest(fx, text);
	free(text);
	assert_int_equal(backup_list(&recs, &n, &cause), -1);
	print_message("# %s\n", cause);
	assert_non_null(strstr(cause, "manifest.yaml"));
	assert_non_null(strstr(cause, "colour"));
	assert_non_null(strstr(cause, "line"));
	free(cause);
	cause = NULL;

	/* A file name escaping the backup directory. */
	text = xstrdup(good_head);
	memcpy(strstr(text, "file: ") + 6, "../../../etc/pw", 15);
	put_manifest(fx, text);
	free(text);
	assert_int_equal(backup_list(&recs, &n, &cause), -1);
	assert_non_null(strstr(cause, "invalid file name"));
	free(cause);
	cause = NULL;

	/* The good one parses. */
	put_manifest(fx, good_head);
	assert_int_equal(backup_list(&recs, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(recs[0].size, 3);
	assert_int_equal(recs[0].mode, 0600);	/* absent: 0600 */
	assert_string_equal(recs[0].description, "");
	backup_list_free(recs, n);

	/* With a corrupt manifest, no change is made (no backup possible). */
	put_manifest(fx, "backups: {\n");
	put_file(p, "orig", 4, 0600);
	assert_int_equal(sw_put(p, 0, "new!", 0, NULL, &cause), -1);
	print_message("# %s\n", cause);
	assert_non_null(strstr(cause, "backup failed"));
	assert_non_null(strstr(cause, "manifest.yaml"));
	assert_true(has_content(p, "orig", 4));
	assert_int_equal(ntemp(fx->work), 0);
	free(cause);
	free(p);
}

/* Odd strings (quotes, colon, newline, '#') survive the manifest. */
static void
test_manifest_strings(void **state)
{
	struct fx		*fx = *state;
	struct backup_rec	*recs = NULL;
	struct sw_file		*f = NULL;
	struct sw_meta		 meta = { "configure", "", 0, 0, NULL };
	size_t			 n = 0;
	char			*p = wpath(fx, "a: b #c 'd\".props");
	char			*cause = NULL;
	static const char	 desc[] = "set key: \"v\" # not a comment\n"
	    "second line, 123";

	meta.description = desc;
	put_file(p, "", 0, 0644);	/* an empty file backs up too */
	assert_int_equal(sw_open(p, 0, &f, &cause), 0);
	assert_int_equal(sw_commit(f, (const unsigned char *)"x=1\n", 4,
	    NULL, NULL, &meta, &cause), 0);
	sw_close(f);
	assert_int_equal(backup_list(&recs, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(recs[0].description, desc);
	assert_int_equal(recs[0].size, 0);
	assert_non_null(strstr(recs[0].path, "a: b #c 'd\".props"));
	backup_list_free(recs, n);
	free(p);
}

/* sw_open removes this user's temp files left by a killed writer, and
 * keeps another user's (theirs may be live: locks are per user). */
static void
test_stale_temp_removed(void **state)
{
	struct fx	*fx = *state;
	struct sw_file	*f = NULL;
	char		*p = wpath(fx, "ks"), *t, *o, *name, *cause = NULL;

	xasprintf(&name, SW_TMP_PREFIX "%lu-ks.Ab12Cd",
	    (unsigned long)geteuid());
	t = wpath(fx, name);
	free(name);
	xasprintf(&name, SW_TMP_PREFIX "%lu-ks.Ef34Gh",
	    (unsigned long)geteuid() + 4242);
	o = wpath(fx, name);
	free(name);
	put_file(p, "x", 1, 0600);
	put_file(t, "half-written", 12, 0600);
	put_file(o, "someone else's", 14, 0600);
	assert_int_equal(ntemp(fx->work), 2);
	assert_int_equal(sw_open(p, 0, &f, &cause), 0);
	assert_int_equal(ntemp(fx->work), 1);
	assert_int_equal(access(o, F_OK), 0);
	sw_close(f);
	free(p);
	free(t);
	free(o);
}

/* A second writer waits for the lock, then gives up with a message. */
static void
test_lock_contention(void **state)
{
	struct fx	*fx = *state;
	struct sw_file	*f = NULL;
	char		*p = wpath(fx, "ks"), *q = wpath(fx, "other");
	char		*cause = NULL, c;
	int		 to_child[2], from_child[2], st;
	pid_t		 pid;

	/* Forked children under memcheck: timing and exit paths differ. */
	if (getenv("TLSDECK_UNDER_VALGRIND") != NULL) {
		free(p);
		free(q);
		skip();
	}

	put_file(p, "x", 1, 0600);
	assert_int_equal(pipe(to_child), 0);
	assert_int_equal(pipe(from_child), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (sw_open(p, 0, &f, NULL) != 0)
			_exit(1);
		(void)write(from_child[1], "L", 1);
		(void)read(to_child[0], &c, 1);
		sw_close(f);
		_exit(0);
	}
	assert_int_equal(read(from_child[0], &c, 1), 1);
	setenv("TLSDECK_LOCK_WAIT_MS", "100", 1);
	/* Another file in the same directory shares the lock. */
	assert_int_equal(sw_open(q, SW_CREATE, &f, &cause), -1);
	assert_non_null(strstr(cause, "another tlsdeck"));
	free(cause);
	cause = NULL;
	assert_int_equal(write(to_child[1], "U", 1), 1);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(sw_open(q, SW_CREATE, &f, &cause), 0);
	sw_close(f);
	unsetenv("TLSDECK_LOCK_WAIT_MS");
	close(to_child[0]);
	close(to_child[1]);
	close(from_child[0]);
	close(from_child[1]);
	free(p);
	free(q);
}

/* Hard links, directories and dangling links are refused. */
static void
test_refusals(void **state)
{
	struct fx	*fx = *state;
	struct sw_file	*f = NULL;
	char		*p = wpath(fx, "ks"), *h = wpath(fx, "ks-hard");
	char		*l = wpath(fx, "dangling"), *cause = NULL;

	put_file(p, "x", 1, 0600);
	assert_int_equal(link(p, h), 0);
	assert_int_equal(sw_open(p, 0, &f, &cause), -1);
	assert_non_null(strstr(cause, "hard links"));
	free(cause);
	cause = NULL;
	assert_int_equal(sw_open(fx->work, SW_CREATE, &f, &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	cause = NULL;
	assert_int_equal(symlink("nowhere", l), 0);
	assert_int_equal(sw_open(l, SW_CREATE, &f, &cause), -1);
	assert_non_null(strstr(cause, "does not exist"));
	free(cause);
	free(p);
	free(h);
	free(l);
}

/* The backup directory: override, and root's default. */
static void
test_backup_dir(void **state)
{
	char	*d = NULL;

	assert_int_equal(backup_dir(&d, NULL), 0);
	assert_string_equal(d, getenv("TLSDECK_BACKUP_DIR"));
	free(d);
	unsetenv("TLSDECK_BACKUP_DIR");
	setenv("XDG_STATE_HOME", "/x/state", 1);
	assert_int_equal(backup_dir(&d, NULL), 0);
	if (geteuid() == 0)
		assert_string_equal(d, "/var/backups/tlsdeck");
	else
		assert_string_equal(d, "/x/state/tlsdeck/backups");
	free(d);
	unsetenv("XDG_STATE_HOME");
}


/* In a child as nobody (65534): a symbolic link, or a file. */
static void
as_nobody(const char *target, const char *path, const char *content)
{
	pid_t	pid;
	int	st, fd;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(3);
		if (target != NULL)
			_exit(symlink(target, path) == 0 ? 0 : 4);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd == -1 || write(fd, content, strlen(content)) !=
		    (ssize_t)strlen(content))
			_exit(5);
		_exit(close(fd) == 0 ? 0 : 6);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* sw_open and file_read refuse -1 with a message containing each of the
 * given strings. */
static void
refused(const char *path, const char *s1, const char *s2)
{
	struct sw_file	*f = NULL;
	unsigned char	*buf = NULL;
	size_t		 len;
	char		*cause = NULL;

	assert_int_equal(sw_open(path, 0, &f, &cause), -1);
	print_message("# %s\n", cause);
	assert_non_null(strstr(cause, s1));
	if (s2 != NULL)
		assert_non_null(strstr(cause, s2));
	assert_null(strchr(cause, '\n'));
	free(cause);
	cause = NULL;
	assert_int_equal(file_read(path, &buf, &len, &cause), -1);
	assert_non_null(strstr(cause, s1));
	free(cause);
}

/* The ownership rule: links planted by another user are not followed to
 * someone else's file; the user's own links, and root's, are. */
static void
test_ownership_rule(void **state)
{
	struct fx	*fx = *state;
	struct stat	 st;
	char		*app, *victim, *l, *own, *sticky, *want, *cause = NULL;

	if (geteuid() != 0 || getenv("TLSDECK_UNDER_VALGRIND") != NULL) {
		print_message("SKIP: needs root (and no valgrind)\n");
		skip();
	}
	assert_int_equal(chmod(fx->root, 0755), 0);
	xasprintf(&app, "%s/app", fx->root);
	assert_int_equal(mkdir(app, 0755), 0);
	assert_int_equal(chown(app, 65534, 65534), 0);
	victim = wpath(fx, "victim");
	put_file(victim, "root:x:0:0\n", 11, 0644);

	/* Their link, as the file: refused, naming link, owner, target. */
	xasprintf(&l, "%s/planted", app);
	as_nobody(victim, l, NULL);
	xasprintf(&want, "not following symbolic link %s, owned by ", l);
	refused(l, want, victim);
	free(want);
	free(l);

	/* Their link to a directory on the way. */
	xasprintf(&l, "%s/conf", app);
	as_nobody(fx->work, l, NULL);
	free(l);
	xasprintf(&l, "%s/conf/victim", app);
	xasprintf(&want, "not following symbolic link %s/conf", app);
	refused(l, want, NULL);
	free(want);
	free(l);

	/* Root's own link, but in their directory: they could have put it
	 * there. */
	xasprintf(&l, "%s/rootlink", app);
	assert_int_equal(symlink(victim, l), 0);
	xasprintf(&want, "directory %s can be written by its owner", app);
	refused(l, want, NULL);
	free(want);
	free(l);

	/* Their link to their own file: followed; the file stays theirs. */
	xasprintf(&own, "%s/own", app);
	as_nobody(NULL, own, "a=1\n");
	xasprintf(&l, "%s/ownlink", app);
	as_nobody("own", l, NULL);
	assert_int_equal(sw_put(l, 0, "a=2\n", 0, NULL, &cause), 0);
	assert_true(has_content(own, "a=2\n", 4));
	assert_int_equal(lstat(l, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat(own, &st), 0);
	assert_int_equal(st.st_uid, 65534);
	free(l);

	/* Root's link in root's directory to their file: followed. */
	l = wpath(fx, "tonobody");
	assert_int_equal(symlink(own, l), 0);
	assert_int_equal(sw_put(l, 0, "a=3\n", 0, NULL, &cause), 0);
	assert_true(has_content(own, "a=3\n", 4));
	free(l);

	/* A sticky world-writable directory (/tmp): their link to their
	 * file is followed, to root's file it is not. */
	xasprintf(&sticky, "%s/sticky", fx->root);
	assert_int_equal(mkdir(sticky, 0755), 0);
	assert_int_equal(chmod(sticky, 01777), 0);
	xasprintf(&l, "%s/theirs", sticky);
	as_nobody(own, l, NULL);
	assert_int_equal(sw_put(l, 0, "a=4\n", 0, NULL, &cause), 0);
	assert_true(has_content(own, "a=4\n", 4));
	free(l);
	xasprintf(&l, "%s/toroot", sticky);
	as_nobody(victim, l, NULL);
	refused(l, "not following symbolic link", "only root or the target's");
	free(l);
	assert_true(has_content(victim, "root:x:0:0\n", 11));

	/* A new file root creates in their directory is theirs. */
	xasprintf(&l, "%s/new.pem", app);
	assert_int_equal(sw_put(l, SW_CREATE, "pem", 0644, NULL, &cause), 0);
	assert_int_equal(stat(l, &st), 0);
	assert_int_equal(st.st_uid, 65534);
	assert_int_equal(st.st_mode & 07777, 0644);
	free(l);
	free(sticky);
	free(own);
	free(victim);
	free(app);
}

/* Commit s with meta flags; returns the notes joined by "|". */
static char *
put_flags(const char *path, const char *s, int flags)
{
	struct sw_file		*f = NULL;
	struct sw_meta		 meta = { "genkey", "test", 0, flags, NULL };
	const char *const	*notes;
	char			*cause = NULL, *all = xstrdup(""), *t;
	size_t			 n, i;

	assert_int_equal(sw_open(path, SW_CREATE, &f, &cause), 0);
	assert_int_equal(sw_commit(f, (const unsigned char *)s, strlen(s),
	    NULL, NULL, &meta, &cause), 0);
	n = sw_notes(f, &notes);
	for (i = 0; i < n; i++) {
		xasprintf(&t, "%s%s|", all, notes[i]);
		free(all);
		all = t;
	}
	sw_close(f);
	return (all);
}

/* SW_PRIVATE: no bits for others, none for a general group; said in a
 * note.  Without it the mode is kept, minus setuid/setgid/sticky. */
static void
test_private_modes(void **state)
{
	struct fx	*fx = *state;
	struct stat	 st;
	char		*p = wpath(fx, "ks.p12"), *n;

	put_file(p, "v1", 2, 0644);
	n = put_flags(p, "v2", SW_PRIVATE);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_non_null(strstr(n, "mode 0644 -> 0640: it holds a private key"));
	free(n);
	/* Already private: nothing to say. */
	n = put_flags(p, "v3", SW_PRIVATE);
	assert_string_equal(n, "");
	free(n);
	/* No key: 0666 stays. */
	assert_int_equal(chmod(p, 0666), 0);
	n = put_flags(p, "v4", 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0666);
	free(n);
	/* setuid/setgid/sticky never survive a write. */
	assert_int_equal(chmod(p, 06755), 0);
	n = put_flags(p, "v5", 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_non_null(strstr(n, "no setuid, setgid or sticky"));
	free(n);
	if (geteuid() == 0) {
		/* A general group (gid 100, "users"): loses read too. */
		assert_int_equal(chown(p, (uid_t)-1, 100), 0);
		assert_int_equal(chmod(p, 0640), 0);
		n = put_flags(p, "v6", SW_PRIVATE);
		assert_int_equal(stat(p, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
		assert_int_equal(st.st_gid, 100);
		assert_non_null(strstr(n, "the group and others"));
		free(n);
	}
	free(p);
}

/* A verify callback that changes the target: the last check fails. */
static int
verify_meddle(const unsigned char *buf, size_t len, void *arg, char **cause)
{
	put_file(arg, "meddled!", 8, 0644);
	return (0);
}

/* A replace that fails after the backup leaves no history entry, no
 * copy and no temporary file. */
static void
test_failed_replace_forgets(void **state)
{
	struct fx	*fx = *state;
	struct sw_file	*f = NULL;
	DIR		*d;
	struct dirent	*de;
	char		*p = wpath(fx, "conf.properties"), *cause = NULL;
	int		 files = 0;

	put_file(p, "a=1\n", 4, 0644);
	assert_int_equal(sw_put(p, 0, "a=2\n", 0, NULL, &cause), 0);
	assert_int_equal(nbackups(), 1);
	assert_int_equal(sw_open(p, 0, &f, &cause), 0);
	assert_int_equal(sw_commit(f, (const unsigned char *)"a=3\n", 4,
	    verify_meddle, p, NULL, &cause), -1);
	assert_non_null(strstr(cause, "changed by another program"));
	assert_int_equal(sw_backup_id(f), 0);
	sw_close(f);
	assert_true(has_content(p, "meddled!", 8));
	assert_int_equal(nbackups(), 1);
	assert_int_equal(ntemp(fx->work), 0);
	assert_non_null(d = opendir(fx->bdir));
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			files++;
	closedir(d);
	assert_int_equal(files, 2);	/* the manifest and one copy */
	free(cause);
	free(p);
}

/* The backup directory must be ours and closed to writers, and so must
 * every file in it; nothing is chmod'ed into shape. */
static void
test_backup_dir_untrusted(void **state)
{
	struct fx		*fx = *state;
	struct backup_rec	*recs = NULL;
	struct stat		 st;
	size_t			 n = 0;
	char			*p = wpath(fx, "ks"), *e, *cause = NULL;

	put_file(p, "v1", 2, 0600);
	assert_int_equal(mkdir(fx->bdir, 0700), 0);
	assert_int_equal(chmod(fx->bdir, 01777), 0);
	assert_int_equal(sw_put(p, 0, "v2", 0, NULL, &cause), -1);
	print_message("# %s\n", cause);
	assert_non_null(strstr(cause, "can be written by others (mode 1777)"));
	assert_non_null(strstr(cause, "move it away"));
	assert_int_equal(stat(fx->bdir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 01777);
	assert_true(has_content(p, "v1", 2));
	free(cause);
	cause = NULL;

	/* Closed again, but a link was planted meanwhile. */
	assert_int_equal(chmod(fx->bdir, 0700), 0);
	xasprintf(&e, "%s/manifest.yaml", fx->bdir);
	assert_int_equal(symlink(p, e), 0);
	assert_int_equal(sw_put(p, 0, "v2", 0, NULL, &cause), -1);
	assert_non_null(strstr(cause, "is a symbolic link"));
	free(cause);
	cause = NULL;
	assert_int_equal(backup_list(&recs, &n, &cause), -1);
	assert_non_null(strstr(cause, "in the backup directory but"));
	free(cause);
	cause = NULL;
	assert_int_equal(unlink(e), 0);
	/* A file others can write. */
	put_file(e, "version: 1\nbackups: []\n", 23, 0622);
	assert_int_equal(sw_put(p, 0, "v2", 0, NULL, &cause), -1);
	assert_non_null(strstr(cause, "can be written by others (mode 0622)"));
	free(cause);
	cause = NULL;
	if (geteuid() == 0) {
		/* Another user's. */
		assert_int_equal(chmod(e, 0600), 0);
		assert_int_equal(chown(e, 65534, 65534), 0);
		assert_int_equal(sw_put(p, 0, "v2", 0, NULL, &cause), -1);
		assert_non_null(strstr(cause, "belongs to"));
		free(cause);
		cause = NULL;
	}
	assert_true(has_content(p, "v1", 2));
	free(e);
	free(p);
}

/* restore never gives a new file setuid, setgid, sticky or world-write,
 * whatever the manifest says. */
static void
test_restore_mode_masked(void **state)
{
	struct fx		*fx = *state;
	struct backup_rec	*r = NULL;
	struct backup_outcome	 o;
	struct stat		 st;
	char			*text, *copy, *target, *cause = NULL;
	char			 sha[65];

	target = wpath(fx, "restored");
	sw_sha256_hex((const unsigned char *)"abc", 3, sha);
	xasprintf(&text, "version: 1\nbackups:\n- id: 1\n"
	    "  time: 2026-01-01T00:00:00Z\n  command: configure\n"
	    "  path: %s\n  file: 20260101T000000Z-0001-restored\n"
	    "  size: 3\n  sha256: %s\n  uid: 0\n  mode: \"6777\"\n",
	    target, sha);
	put_manifest(fx, text);
	xasprintf(&copy, "%s/20260101T000000Z-0001-restored", fx->bdir);
	put_file(copy, "abc", 3, 0600);
	assert_int_equal(backup_find("1", &r, &cause), 0);
	assert_int_equal(r->mode, 06777);
	assert_int_equal(backup_restore(r, 0, &o, &cause), 0);
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0775);
	assert_true(has_content(target, "abc", 3));
	backup_rec_free(r);
	free(copy);
	free(text);
	free(target);
}

/* Long values: messages and descriptions shortened, on a character
 * boundary, with the length; the manifest takes any description. */
static void
test_long_values(void **state)
{
	struct fx		*fx = *state;
	struct backup_rec	*recs = NULL;
	struct sw_file		*f = NULL;
	struct sw_meta		 meta = { "rename", NULL, 0, 0, NULL };
	char			 buf[CAUSE_SHORT], *big, *p = wpath(fx, "ks");
	char			*cause = NULL;
	const char		*s;
	size_t			 n, i;

	assert_ptr_equal(cause_short("short", buf, sizeof buf), "short");
	big = xmalloc(70001);
	memset(big, 'a', 70000);
	big[70000] = '\0';
	s = cause_short(big, buf, sizeof buf);
	assert_true(strlen(s) < sizeof buf);
	assert_non_null(strstr(s, "...(70000 bytes)"));
	/* "é" is two bytes: never cut in the middle of one. */
	for (i = 0; i + 1 < 200; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	big[200] = '\0';
	s = cause_short(big, buf, sizeof buf);
	assert_int_equal((strstr(s, "...") - s) % 2, 0);
	memset(big, 'r', 70000);
	big[70000] = '\0';

	meta.description = big;
	put_file(p, "v1", 2, 0600);
	assert_int_equal(sw_open(p, 0, &f, &cause), 0);
	assert_int_equal(sw_commit(f, (const unsigned char *)"v2", 2, NULL,
	    NULL, &meta, &cause), 0);
	sw_close(f);
	assert_int_equal(backup_list(&recs, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_true(strlen(recs[0].description) <= BACKUP_DESC_MAX);
	assert_non_null(strstr(recs[0].description, "(70000 bytes)"));
	backup_list_free(recs, n);
	free(big);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vector),
		cmocka_unit_test_setup_teardown(test_create_new, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_no_clobber, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_replace_keeps_mode_owner,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_since_read, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_verify_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_readonly_fs, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_permission_denied, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backup_created, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manifest_corrupt, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_manifest_strings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stale_temp_removed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lock_contention, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backup_dir, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ownership_rule, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_private_modes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_failed_replace_forgets,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup_dir_untrusted,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_mode_masked,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_values, setup,
		    teardown),
	};
	return (cmocka_run_group_tests(tests, NULL, NULL));
}

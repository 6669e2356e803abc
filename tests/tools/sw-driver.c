/* SPDX-License-Identifier: ISC */
/*
 * sw-driver.c -- drives sw_commit for the crash harness (crash-write.sh) and
 * the history CLI test.
 *
 *	sw-driver init FILE		write content A (no backup: new file)
 *	sw-driver run FILE LOG [N]	rewrite FILE A<->B forever (or N times);
 *					after each commit append
 *					"ID SHA256-OF-OLD\n" to LOG
 *	sw-driver check FILE LOG	FILE is exactly A or B, at most one stale
 *					temp file beside it and in the backup
 *					directory, the manifest parses, every
 *					logged commit has its backup (present,
 *					hash right)
 *	sw-driver sweep FILE		sw_open + sw_close (removes stale temps)
 *	sw-driver put FILE SRC [CMD]	replace FILE by SRC's bytes (SW_CREATE)
 *	sw-driver hold FILE		sw_open FILE (SW_CREATE), print "held",
 *					and keep its lock until killed
 *
 * Exit 0 when all is well; 1 with a message on stderr otherwise.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

#define LEN_A	3000
#define LEN_B	7001

static unsigned char	 content_a[LEN_A], content_b[LEN_B];

/* Two recognisable contents of different sizes. */
static void
make_contents(void)
{
	size_t	i;

	for (i = 0; i < LEN_A; i++)
		content_a[i] = (unsigned char)('A' + i % 23);
	for (i = 0; i < LEN_B; i++)
		content_b[i] = (unsigned char)('b' + i % 17);
}

/* 0 for A, 1 for B, -1 for anything else. */
static int
which(const unsigned char *buf, size_t len)
{
	if (len == LEN_A && memcmp(buf, content_a, LEN_A) == 0)
		return (0);
	if (len == LEN_B && memcmp(buf, content_b, LEN_B) == 0)
		return (1);
	return (-1);
}

/* verify: the bytes read back are one of the known contents. */
static int
verify_known(const unsigned char *buf, size_t len, void *arg, char **cause)
{
	if (which(buf, len) == -1) {
		cause_set(cause, "neither content A nor content B");
		return (-1);
	}
	return (0);
}

/* Die with a message. */
static void __attribute__((noreturn))
die(const char *what, char *cause)
{
	fprintf(stderr, "sw-driver: %s: %s\n", what, cause != NULL ? cause :
	    "failed");
	free(cause);
	exit(1);
}

/* One commit of content (A or B) to path. */
static void
commit_once(const char *path, int flags, int want, FILE *log)
{
	struct sw_file		*f = NULL;
	struct sw_meta		 meta = { "crash-test", "alternate A/B", 0640,
	    0, NULL };
	const unsigned char	*cur;
	char			*cause = NULL, old[65];
	size_t			 len;
	int			 w;

	if (sw_open(path, flags, &f, &cause) != 0)
		die("open", cause);
	sw_content(f, &cur, &len);
	if (sw_exists(f)) {
		if ((w = which(cur, len)) == -1)
			die("open", xstrdup("file is neither A nor B"));
		want = !w;
	}
	snprintf(old, sizeof old, "%s", sw_sha256(f));
	if (sw_commit(f, want ? content_b : content_a, want ? LEN_B : LEN_A,
	    verify_known, NULL, &meta, &cause) != 0)
		die("commit", cause);
	if (log != NULL) {
		fprintf(log, "%u %s\n", sw_backup_id(f), old);
		fflush(log);
	}
	sw_close(f);
}

/* Count ".tlsdeck-tmp-*" files in dir. */
static int
count_tmp(const char *dir)
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

/* The directory of the file path resolves to. */
static char *
real_dir(const char *path)
{
	char	*r, *s;

	if ((r = realpath(path, NULL)) == NULL)
		die(path, xstrdup(strerror(errno)));
	s = strrchr(r, '/');
	*s = '\0';
	return (r);
}

/* sw-driver check FILE LOG */
static int
check(const char *path, const char *logpath)
{
	struct backup_rec	*recs = NULL, *r;
	unsigned char		*buf, *bbuf;
	size_t			 len, n = 0, blen, i, ncommits = 0;
	char			*cause = NULL, *dir, line[256], sha[65];
	unsigned int		 id;
	FILE			*log;
	int			 ntmp;

	if (file_read(path, &buf, &len, &cause) != 0)
		die("check", cause);
	if (which(buf, len) == -1) {
		fprintf(stderr, "sw-driver: check: %s is torn: %zu bytes, "
		    "neither A nor B\n", path, len);
		return (1);
	}
	free(buf);
	dir = real_dir(path);
	if ((ntmp = count_tmp(dir)) > 1) {
		fprintf(stderr, "sw-driver: check: %d stale temporary files "
		    "in %s\n", ntmp, dir);
		return (1);
	}
	free(dir);
	if (backup_dir(&dir, &cause) != 0)
		die("check", cause);
	if ((ntmp = count_tmp(dir)) > 1) {
		fprintf(stderr, "sw-driver: check: %d stale temporary files "
		    "in %s\n", ntmp, dir);
		return (1);
	}
	free(dir);
	if (backup_list(&recs, &n, &cause) != 0)
		die("check: manifest", cause);
	if ((log = fopen(logpath, "r")) == NULL) {
		if (errno == ENOENT)
			goto done;
		die(logpath, xstrdup(strerror(errno)));
	}
	while (fgets(line, sizeof line, log) != NULL) {
		if (strchr(line, '\n') == NULL)
			break;		/* a line cut by the kill */
		if (sscanf(line, "%u %64s", &id, sha) != 2) {
			fprintf(stderr, "sw-driver: check: bad log line: %s",
			    line);
			return (1);
		}
		ncommits++;
		if (id == 0) {
			fprintf(stderr, "sw-driver: check: a commit of an "
			    "existing file made no backup\n");
			return (1);
		}
		r = NULL;
		for (i = 0; i < n; i++)
			if (recs[i].id == id)
				r = &recs[i];
		if (r == NULL) {
			fprintf(stderr, "sw-driver: check: completed commit's "
			    "backup %u is not in the manifest\n", id);
			return (1);
		}
		if (strcmp(r->sha256, sha) != 0) {
			fprintf(stderr, "sw-driver: check: backup %u has "
			    "SHA-256 %s, the replaced file had %s\n", id,
			    r->sha256, sha);
			return (1);
		}
		if (backup_read(r, &bbuf, &blen, &cause) != 0)
			die("check", cause);
		if (which(bbuf, blen) == -1) {
			fprintf(stderr, "sw-driver: check: backup %u is "
			    "neither A nor B\n", id);
			return (1);
		}
		free(bbuf);
	}
	fclose(log);
done:
	printf("ok: %zu logged commits, %zu backups\n", ncommits, n);
	backup_list_free(recs, n);
	return (0);
}

/* sw-driver put FILE SRC [CMD] */
static int
put(const char *path, const char *src, const char *cmd)
{
	struct sw_file	*f = NULL;
	struct sw_meta	 meta = { cmd, "test put", 0600, 0, NULL };
	unsigned char	*buf;
	size_t		 len;
	char		*cause = NULL;

	if (file_read(src, &buf, &len, &cause) != 0)
		die("put", cause);
	if (sw_open(path, SW_CREATE, &f, &cause) != 0 ||
	    sw_commit(f, buf, len, NULL, NULL, &meta, &cause) != 0)
		die("put", cause);
	printf("%u\n", sw_backup_id(f));
	sw_close(f);
	free(buf);
	return (0);
}

/* Dispatch the subcommands above. */
int
main(int argc, char **argv)
{
	struct sw_file	*f;
	char		*cause = NULL, *dir, *mpath;
	FILE		*log;
	long		 i, n = -1;

	make_contents();
	if (argc == 3 && strcmp(argv[1], "init") == 0) {
		commit_once(argv[2], SW_CREATE, 0, NULL);
		return (0);
	}
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "run") == 0) {
		if (argc == 5)
			n = strtol(argv[4], NULL, 10);
		if ((log = fopen(argv[3], "a")) == NULL)
			die(argv[3], xstrdup(strerror(errno)));
		for (i = 0; n < 0 || i < n; i++)
			commit_once(argv[2], 0, 0, log);
		fclose(log);
		return (0);
	}
	if (argc == 4 && strcmp(argv[1], "check") == 0)
		return (check(argv[2], argv[3]));
	if (argc == 3 && strcmp(argv[1], "sweep") == 0) {
		if (sw_open(argv[2], 0, &f, &cause) != 0)
			die("sweep", cause);
		sw_close(f);
		if (backup_dir(&dir, &cause) != 0)
			die("sweep", cause);
		xasprintf(&mpath, "%s/manifest.yaml", dir);
		if (sw_open(mpath, SW_CREATE | SW_NOBACKUP, &f, &cause) != 0)
			die("sweep", cause);
		sw_close(f);
		free(mpath);
		free(dir);
		return (0);
	}
	if (argc == 3 && strcmp(argv[1], "hold") == 0) {
		if (sw_open(argv[2], SW_CREATE, &f, &cause) != 0)
			die("hold", cause);
		printf("held\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "put") == 0)
		return (put(argv[2], argv[3], argc == 5 ? argv[4] : "put"));
	fprintf(stderr, "usage: sw-driver init|run|check|sweep|put|hold ...\n");
	return (2);
}

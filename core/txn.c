/* SPDX-License-Identifier: ISC */
/*
 * txn.c -- several files changed as one (docs/security.md, Transactions).
 *
 * A transaction's files are opened through txn_open: each keeps its
 * handle, its directory's lock and the bytes it had until the transaction
 * ends.  Every replace of one of them (sw_replace, hence sw_commit, whose
 * backup is made first as always) is first recorded in a journal in the
 * state directory: the file, its SHA-256 before (or that it did not
 * exist), the backup that holds those bytes and the SHA-256 of what is
 * written.  The journal holds no content, so no secret.  txn_commit
 * removes it: that is the commit point.  txn_abort puts every written
 * file back, last written first, to the exact bytes it had (checked by
 * SHA-256 when read back) and removes the files the transaction created.
 *
 * A journal whose process is gone belongs to an interrupted transaction:
 * txn_recover puts back each file that still holds what the transaction
 * wrote (from its backup, checked by SHA-256), removes the ones it
 * created, leaves alone and names any file changed since, and says so in
 * one line.  What it replaces is backed up first ("rollback" in tlsdeck
 * history).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

#define TXN_MAGIC	"tlsdeck-transaction 1"
#define TXN_DIR		"txn"
#define TXN_EXT		".txn"
#define TXN_MAX_SIZE	(1024 * 1024)
#define TXN_MAX_WRITES	4096
#define TXN_CMD_MAX	256

struct txn_file {
	struct sw_file	*sw;
	bool		 existed;
	unsigned char	*prev;		/* the bytes before (wiped) */
	size_t		 prevlen;
	char		 prevsha[65];
	unsigned int	 backup_id;	/* of prev, 0 when none */
	unsigned int	*backups;	/* every backup made in the txn */
	size_t		 nbackups;
	bool		 written;
};

struct txn {
	struct txn_journal j;
	struct txn_file	*files;
	size_t		 nfiles;
	int		 jdirfd;	/* the journal's directory, or -1 */
	char		*jdir;
	char		*jname;
	bool		 journaled;	/* the journal file exists */
	bool		 failed;	/* a write failed: only abort */
};

/* ------------------------------------------------------------------ */
/* The journal's text */

/* Is s 64 lower-case hex digits? */
static bool
txn_is_sha(const char *s, size_t len)
{
	size_t	i;

	if (len != 64)
		return (false);
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return (false);
	return (true);
}

static int
txn_hex(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* A path as one word: bytes outside '!'..'~' and '%' as %XX. */
static void
txn_escape(const char *s, char **out)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p = (const unsigned char *)s;
	char			*o;
	size_t			 n = 0;

	o = xmalloc(strlen(s) * 3 + 1);
	for (; *p != '\0'; p++) {
		if (*p > ' ' && *p < 0x7f && *p != '%')
			o[n++] = (char)*p;
		else {
			o[n++] = '%';
			o[n++] = hex[*p >> 4];
			o[n++] = hex[*p & 0xf];
		}
	}
	o[n] = '\0';
	*out = o;
}

/* The word back to a path; -1 when it is not one. */
static int
txn_unescape(const char *s, size_t len, char **out)
{
	char	*o;
	size_t	 i, n = 0;
	int	 h, l;

	o = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (s[i] != '%') {
			o[n++] = s[i];
			continue;
		}
		if (i + 2 >= len) {
			free(o);
			return (-1);
		}
		if ((h = txn_hex((unsigned char)s[i + 1])) == -1 ||
		    (l = txn_hex((unsigned char)s[i + 2])) == -1 ||
		    (h == 0 && l == 0)) {
			free(o);
			return (-1);
		}
		o[n++] = (char)(h << 4 | l);
		i += 2;
	}
	o[n] = '\0';
	if (n == 0 || o[0] != '/' || n >= PATH_MAX) {
		free(o);
		return (-1);
	}
	*out = o;
	return (0);
}

void
txn_journal_done(struct txn_journal *j)
{
	size_t	i;

	if (j == NULL)
		return;
	for (i = 0; i < j->nwrites; i++)
		free(j->writes[i].path);
	free(j->writes);
	free(j->time);
	free(j->command);
	memset(j, 0, sizeof *j);
}

/* The next word of line [*p, end): [*w, *w + *wl). */
static bool
txn_word(const char **p, const char *end, const char **w, size_t *wl)
{
	const char	*s = *p;

	if (s >= end || *s == ' ')
		return (false);
	*w = s;
	while (s < end && *s != ' ')
		s++;
	*wl = (size_t)(s - *w);
	if (s < end)
		s++;		/* one blank between words */
	*p = s;
	return (true);
}

/* An unsigned decimal word no larger than max. */
static bool
txn_num(const char *w, size_t wl, unsigned long long max,
    unsigned long long *v)
{
	unsigned long long	n = 0;
	size_t			i;

	if (wl == 0 || wl > 20 || (wl > 1 && w[0] == '0'))
		return (false);
	for (i = 0; i < wl; i++) {
		if (w[i] < '0' || w[i] > '9')
			return (false);
		if (n > (max - (unsigned long long)(w[i] - '0')) / 10)
			return (false);
		n = n * 10 + (unsigned long long)(w[i] - '0');
	}
	*v = n;
	return (true);
}

/* One "write" line's words. */
static int
txn_parse_write(const char *p, const char *end, struct txn_write *w)
{
	const char		*x;
	size_t			 xl;
	unsigned long long	 v;

	memset(w, 0, sizeof *w);
	if (!txn_word(&p, end, &x, &xl))
		return (-1);
	if (xl == 3 && memcmp(x, "new", 3) == 0)
		w->created = true;
	else if (!(xl == 3 && memcmp(x, "old", 3) == 0))
		return (-1);
	if (!txn_word(&p, end, &x, &xl))
		return (-1);
	if (w->created) {
		if (xl != 1 || *x != '-')
			return (-1);
	} else {
		if (!txn_is_sha(x, xl))
			return (-1);
		memcpy(w->prev, x, 64);
	}
	if (!txn_word(&p, end, &x, &xl) || !txn_is_sha(x, xl))
		return (-1);
	memcpy(w->sha, x, 64);
	if (!txn_word(&p, end, &x, &xl) || !txn_num(x, xl, UINT_MAX, &v) ||
	    (w->created && v != 0))
		return (-1);
	w->backup_id = (unsigned int)v;
	if (!txn_word(&p, end, &x, &xl) || p != end ||
	    txn_unescape(x, xl, &w->path) != 0)
		return (-1);
	return (0);
}

/* The journal's text to its records (see core.h). */
int
txn_journal_parse(const char *name, const unsigned char *buf, size_t len,
    struct txn_journal *j, char **cause)
{
	const char		*s = (const char *)buf, *end, *line, *le;
	const char		*p, *w;
	size_t			 wl, i;
	unsigned long long	 v, v2;
	int			 lineno = 0;

	memset(j, 0, sizeof *j);
	if (len > TXN_MAX_SIZE) {
		cause_set(cause, "%s: too large for a transaction journal",
		    name);
		return (-1);
	}
	if (len == 0 || buf[len - 1] != '\n') {
		cause_set(cause, "%s: not a complete transaction journal",
		    name);
		return (-1);
	}
	for (i = 0; i < len; i++)
		if (buf[i] == '\0' || buf[i] == '\r' ||
		    (buf[i] < ' ' && buf[i] != '\n') || buf[i] >= 0x7f) {
			cause_set(cause, "%s: byte %zu: not text a transaction "
			    "journal holds", name, i);
			return (-1);
		}
	end = s + len;
	for (line = s; line < end; line = le + 1) {
		le = memchr(line, '\n', (size_t)(end - line));
		lineno++;
		p = line;
		if (lineno == 1) {
			if ((size_t)(le - line) != strlen(TXN_MAGIC) ||
			    memcmp(line, TXN_MAGIC, strlen(TXN_MAGIC)) != 0) {
				cause_set(cause, "%s: not a tlsdeck transaction "
				    "journal (line 1)", name);
				goto fail;
			}
			continue;
		}
		if (!txn_word(&p, le, &w, &wl))
			goto bad;
		if (wl == 3 && memcmp(w, "pid", 3) == 0) {
			if (j->pid != 0 || !txn_word(&p, le, &w, &wl) ||
			    !txn_num(w, wl, INT_MAX, &v) || v == 0 ||
			    !txn_word(&p, le, &w, &wl) ||
			    !txn_num(w, wl, ULLONG_MAX, &v2) || p != le)
				goto bad;
			j->pid = (long)v;
			j->start = v2;
		} else if (wl == 4 && memcmp(w, "time", 4) == 0) {
			if (j->time != NULL || !txn_word(&p, le, &w, &wl) ||
			    p != le || wl > 64)
				goto bad;
			j->time = xstrndup(w, wl);
		} else if (wl == 7 && memcmp(w, "command", 7) == 0) {
			if (j->command != NULL || p >= le ||
			    (size_t)(le - p) > TXN_CMD_MAX)
				goto bad;
			j->command = xstrndup(p, (size_t)(le - p));
		} else if (wl == 5 && memcmp(w, "write", 5) == 0) {
			if (j->nwrites == TXN_MAX_WRITES)
				goto bad;
			j->writes = xreallocarray(j->writes, j->nwrites + 1,
			    sizeof *j->writes);
			if (txn_parse_write(p, le, &j->writes[j->nwrites]) != 0)
				goto bad;
			j->nwrites++;
		} else
			goto bad;
	}
	if (j->pid == 0 || j->time == NULL || j->command == NULL) {
		cause_set(cause, "%s: incomplete transaction journal (pid, "
		    "time and command are needed)", name);
		goto fail;
	}
	return (0);
bad:
	cause_set(cause, "%s: line %d: not a line of a transaction journal",
	    name, lineno);
fail:
	txn_journal_done(j);
	return (-1);
}

/* Append printf-style text to a growing buffer. */
static void __attribute__((format(printf, 3, 4)))
txn_cat(char **buf, size_t *len, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	*buf = xreallocarray(*buf, *len + (size_t)n + 1, 1);
	memcpy(*buf + *len, s, (size_t)n + 1);
	*len += (size_t)n;
	free(s);
}

/* The records as the journal's text. */
void
txn_journal_text(const struct txn_journal *j, unsigned char **out,
    size_t *outlen)
{
	char	*buf = NULL, *cmd, *path;
	size_t	 len = 0, i;

	cmd = xstrdup(j->command != NULL && *j->command != '\0' ?
	    j->command : "?");
	for (i = 0; cmd[i] != '\0'; i++)
		if ((unsigned char)cmd[i] < ' ' ||
		    (unsigned char)cmd[i] >= 0x7f)
			cmd[i] = '?';
	if (strlen(cmd) > TXN_CMD_MAX)
		cmd[TXN_CMD_MAX] = '\0';
	txn_cat(&buf, &len, "%s\npid %ld %llu\ntime %s\ncommand %s\n",
	    TXN_MAGIC, j->pid, j->start, j->time, cmd);
	for (i = 0; i < j->nwrites; i++) {
		txn_escape(j->writes[i].path, &path);
		txn_cat(&buf, &len, "write %s %s %s %u %s\n",
		    j->writes[i].created ? "new" : "old",
		    j->writes[i].created ? "-" : j->writes[i].prev,
		    j->writes[i].sha, j->writes[i].backup_id, path);
		free(path);
	}
	free(cmd);
	*out = (unsigned char *)buf;
	*outlen = len;
}

/* ------------------------------------------------------------------ */
/* Processes */

/* The start time of process pid (clock ticks after boot), or 0. */
static unsigned long long
txn_proc_start(long pid)
{
	char			 path[64], buf[1024], *p;
	unsigned long long	 v = 0;
	ssize_t			 n;
	int			 fd, field;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (0);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return (0);
	buf[n] = '\0';
	/* After the command name in parentheses: field 3 onwards. */
	if ((p = strrchr(buf, ')')) == NULL)
		return (0);
	p++;
	for (field = 3; field < 22 && p != NULL; field++) {
		while (*p == ' ')
			p++;
		p = strchr(p, ' ');
	}
	if (p == NULL)
		return (0);
	v = strtoull(p + 1, NULL, 10);
	return (v);
}

/* Is the journal's process alive (the same process: pid and start)? */
static bool
txn_alive(const struct txn_journal *j)
{
	if (j->pid == (long)getpid())
		return (true);
	if (kill((pid_t)j->pid, 0) == -1 && errno == ESRCH)
		return (false);
	if (j->start == 0)
		return (true);	/* no start time known: the pid decides */
	return (txn_proc_start(j->pid) == j->start);
}

/* ------------------------------------------------------------------ */
/* A transaction */

/* The transaction of this thread's action (txn_enter), or NULL. */
static _Thread_local struct txn *txn_ambient;

void
txn_enter(struct txn *t)
{
	txn_ambient = t;
}

struct txn *
txn_current(void)
{
	return (txn_ambient);
}

/* sw_open and sw_replace reach the transaction through these. */
static const struct sw_txn_hooks txn_hooks = {
	txn_current, txn_open, txn_sw_before, txn_sw_after
};

int
txn_begin(const char *command, struct txn **tp, char **cause)
{
	struct txn	*t;
	struct tm	 tm;
	time_t		 now = time(NULL);
	char		 iso[32];

	(void)cause;
	sw_set_txn_hooks(&txn_hooks);
	t = xcalloc(1, sizeof *t);
	t->jdirfd = -1;
	t->j.pid = (long)getpid();
	t->j.start = txn_proc_start(t->j.pid);
	gmtime_r(&now, &tm);
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	t->j.time = xstrdup(iso);
	t->j.command = xstrdup(command != NULL ? command : "?");
	*tp = t;
	return (0);
}

/* The entry of a file of t, or NULL. */
static struct txn_file *
txn_find(struct txn *t, const struct sw_file *f)
{
	size_t	i;

	for (i = 0; i < t->nfiles; i++)
		if (t->files[i].sw == f)
			return (&t->files[i]);
	return (NULL);
}

int
txn_open(struct txn *t, const char *path, int flags, struct sw_file **fp,
    char **cause)
{
	struct txn_file		*tf;
	struct sw_file		*f;
	const unsigned char	*buf;
	size_t			 len, i;

	*fp = NULL;
	if (t == NULL)
		return (sw_open(path, flags, fp, cause));
	if (flags & SW_NOBACKUP) {
		cause_set(cause, "%s: a file of a transaction is backed up "
		    "before it changes", path);
		return (-1);
	}
	if (t->failed) {
		cause_set(cause, "%s: not opened: an earlier change of the "
		    "same action failed", path);
		return (-1);
	}
	if (sw_open(path, flags | SW_SHARED, &f, cause) != 0)
		return (-1);
	for (i = 0; i < t->nfiles; i++) {
		if (strcmp(sw_path(t->files[i].sw), sw_path(f)) == 0) {
			/* The same file again: the handle the txn holds. */
			sw_close(f);
			sw_ref(t->files[i].sw);
			*fp = t->files[i].sw;
			return (0);
		}
	}
	t->files = xreallocarray(t->files, t->nfiles + 1, sizeof *t->files);
	tf = &t->files[t->nfiles++];
	memset(tf, 0, sizeof *tf);
	tf->sw = f;
	tf->existed = sw_exists(f);
	sw_content(f, &buf, &len);
	tf->prev = xmemdup(len != 0 ? buf : (const unsigned char *)"",
	    len != 0 ? len : 1);
	tf->prevlen = len;
	memcpy(tf->prevsha, sw_sha256(f), sizeof tf->prevsha);
	sw_set_txn(f, t);
	sw_ref(f);		/* the transaction's own reference */
	*fp = f;
	return (0);
}

/* Write the journal through the safe-write path (created at the first). */
static int
txn_journal_write(struct txn *t, char **cause)
{
	struct sw_meta	 meta = { "transaction", "journal", 0600, 0, NULL };
	struct sw_file	*jf = NULL;
	unsigned char	*text = NULL, rnd[4];
	size_t		 len = 0;
	char		*sdir = NULL, *dir = NULL;
	int		 rc = -1;

	if (t->jdirfd == -1) {
		if (state_dir(&sdir, cause) != 0)
			goto out;
		xasprintf(&dir, "%s/%s", sdir, TXN_DIR);
		if (file_private_dir(dir, "transaction journal directory",
		    &t->jdirfd, &t->jdir, cause) != 0)
			goto out;
		if (getentropy(rnd, sizeof rnd) == -1)
			fatalx("getentropy failed");
		xasprintf(&t->jname, "%ld-%lld-%02x%02x%02x%02x%s", t->j.pid,
		    (long long)time(NULL), rnd[0], rnd[1], rnd[2], rnd[3],
		    TXN_EXT);
	}
	if (sw_openat(t->jdirfd, t->jdir, t->jname, SW_CREATE | SW_NOBACKUP,
	    &jf, cause) != 0)
		goto out;
	txn_journal_text(&t->j, &text, &len);
	if (sw_replace(jf, text, len, NULL, NULL, &meta, cause) != 0)
		goto out;
	t->journaled = true;
	rc = 0;
out:
	sw_close(jf);
	free(text);
	free(sdir);
	free(dir);
	return (rc);
}

/* Remove the journal: the commit point. */
static int
txn_journal_remove(struct txn *t, char **cause)
{
	struct sw_file	*jf = NULL;
	int		 rc;

	if (!t->journaled)
		return (0);
	if (sw_openat(t->jdirfd, t->jdir, t->jname, SW_CREATE | SW_NOBACKUP,
	    &jf, cause) != 0)
		return (-1);
	rc = sw_remove(jf, cause);
	sw_close(jf);
	if (rc == 0)
		t->journaled = false;
	return (rc);
}

/* Called by sw_replace before it writes a file of t (see core.h). */
int
txn_sw_before(struct txn *t, struct sw_file *f, const unsigned char *data,
    size_t len, char **cause)
{
	struct txn_file		*tf;
	struct txn_write	*w;
	unsigned int		 id = sw_backup_id(f);

	if ((tf = txn_find(t, f)) == NULL) {
		cause_set(cause, "%s: not a file of this transaction",
		    sw_name(f));
		return (-1);
	}
	if (t->failed) {
		cause_set(cause, "%s: not changed: an earlier change of the "
		    "same action failed", sw_name(f));
		return (-1);
	}
	if (tf->existed && !tf->written && tf->backup_id == 0)
		tf->backup_id = id;
	if (id != 0) {
		tf->backups = xreallocarray(tf->backups, tf->nbackups + 1,
		    sizeof *tf->backups);
		tf->backups[tf->nbackups++] = id;
	}
	if (t->j.nwrites == TXN_MAX_WRITES) {
		cause_set(cause, "%s: too many changes in one transaction",
		    sw_name(f));
		t->failed = true;
		return (-1);
	}
	t->j.writes = xreallocarray(t->j.writes, t->j.nwrites + 1,
	    sizeof *t->j.writes);
	w = &t->j.writes[t->j.nwrites++];
	memset(w, 0, sizeof *w);
	w->path = xstrdup(sw_path(f));
	w->created = !tf->existed;
	if (tf->existed)
		memcpy(w->prev, tf->prevsha, sizeof w->prev);
	sw_sha256_hex(data, len, w->sha);
	w->backup_id = tf->existed ? tf->backup_id : 0;
	if (txn_journal_write(t, cause) != 0) {
		cause_prefix(cause, "%s: not changed", sw_name(f));
		t->failed = true;
		return (-1);
	}
	return (0);
}

/* Called by sw_replace after it wrote (rc) a file of t. */
void
txn_sw_after(struct txn *t, struct sw_file *f, int rc, bool changed)
{
	struct txn_file	*tf;

	if ((tf = txn_find(t, f)) == NULL)
		return;
	if (changed)
		tf->written = true;
	if (rc != 0)
		t->failed = true;
}

/* The rollback's verifier: the bytes are the ones recorded. */
static int
txn_verify_sha(const unsigned char *buf, size_t len, void *arg,
    char **cause)
{
	char	sha[65];

	sw_sha256_hex(buf, len, sha);
	if (strcmp(sha, arg) != 0) {
		cause_set(cause, "SHA-256 %s, not the %s recorded", sha,
		    (const char *)arg);
		return (-1);
	}
	return (0);
}

/* Free t and release its files. */
static void
txn_free(struct txn *t)
{
	struct txn_file	*tf;
	size_t		 i;

	if (txn_ambient == t)
		txn_ambient = NULL;
	for (i = 0; i < t->nfiles; i++) {
		tf = &t->files[i];
		sw_set_txn(tf->sw, NULL);
		sw_close(tf->sw);
		explicit_bzero(tf->prev, tf->prevlen);
		free(tf->prev);
		free(tf->backups);
	}
	free(t->files);
	txn_journal_done(&t->j);
	if (t->jdirfd != -1)
		close(t->jdirfd);
	free(t->jdir);
	free(t->jname);
	free(t);
}

int
txn_commit(struct txn *t, char **cause)
{
	char	*c2 = NULL, *done = NULL;

	if (t == NULL)
		return (0);
	if (t->failed) {
		(void)txn_abort(t, &done, &c2);
		cause_set(cause, "a change of the same action failed; %s%s%s",
		    done != NULL ? done : "nothing was changed",
		    c2 != NULL ? "; " : "", c2 != NULL ? c2 : "");
		free(done);
		free(c2);
		return (-1);
	}
	if (txn_journal_remove(t, &c2) != 0) {
		/* Without the journal's removal the change is not whole. */
		cause_set(cause, "the transaction's journal could not be "
		    "removed (%s)", c2);
		free(c2);
		c2 = NULL;
		t->failed = true;
		(void)txn_abort(t, &done, &c2);
		free(done);
		free(c2);
		return (-1);
	}
	txn_free(t);
	return (0);
}

/* Join names into "a, b". */
static void
txn_list_add(char **list, const char *name)
{
	char	*s;

	xasprintf(&s, "%s%s%s", *list != NULL ? *list : "",
	    *list != NULL ? ", " : "", name);
	free(*list);
	*list = s;
}

int
txn_abort(struct txn *t, char **donep, char **cause)
{
	struct sw_meta	 meta = { "rollback", "put back", 0600, 0, NULL };
	struct txn_file	*tf;
	char		*put = NULL, *rem = NULL, *bad = NULL, *c2, *s;
	size_t		 i, k;
	int		 rc = 0;

	if (donep != NULL)
		*donep = NULL;
	if (t == NULL)
		return (0);
	for (i = t->nfiles; i-- > 0;) {
		tf = &t->files[i];
		if (!tf->written)
			continue;
		c2 = NULL;
		sw_set_raw(tf->sw, true);
		if (tf->existed) {
			if (sw_replace(tf->sw, tf->prev, tf->prevlen,
			    txn_verify_sha, tf->prevsha, &meta, &c2) == 0)
				txn_list_add(&put, sw_name(tf->sw));
		} else if (sw_remove(tf->sw, &c2) == 0)
			txn_list_add(&rem, sw_name(tf->sw));
		sw_set_raw(tf->sw, false);
		if (c2 != NULL) {
			txn_list_add(&bad, c2);
			free(c2);
			rc = -1;
			continue;
		}
		tf->written = false;
		/* The change did not happen: no history for it. */
		for (k = 0; k < tf->nbackups; k++)
			(void)backup_forget(tf->backups[k], NULL);
	}
	if (rc == 0) {
		c2 = NULL;
		if (txn_journal_remove(t, &c2) != 0) {
			txn_list_add(&bad, c2);
			rc = -1;
		}
		free(c2);
	}
	if (donep != NULL && (put != NULL || rem != NULL)) {
		xasprintf(&s, "rolled back:%s%s%s%s%s", put != NULL ?
		    " put back " : "", put != NULL ? put : "",
		    put != NULL && rem != NULL ? ";" : "", rem != NULL ?
		    " removed " : "", rem != NULL ? rem : "");
		*donep = s;
	}
	if (bad != NULL)
		cause_set(cause, "could not roll back: %s%s", bad,
		    t->journaled ? " (the next tlsdeck command that writes "
		    "tries again)" : "");
	free(put);
	free(rem);
	free(bad);
	txn_free(t);
	return (rc);
}

/* ------------------------------------------------------------------ */
/* Interrupted transactions */

/* The journal directory, opened; 0 with *fd -1 when there is none. */
static int
txn_dir_open(int *fd, char **real, char **cause)
{
	struct stat	 st;
	char		*sdir = NULL, *dir = NULL;
	int		 rc = -1;

	*fd = -1;
	*real = NULL;
	if (state_dir(&sdir, cause) != 0)
		return (-1);
	xasprintf(&dir, "%s/%s", sdir, TXN_DIR);
	if (lstat(dir, &st) == -1 && errno == ENOENT)
		rc = 0;
	else if (file_private_dir(dir, "transaction journal directory", fd,
	    real, cause) == 0)
		rc = 0;
	free(sdir);
	free(dir);
	return (rc);
}

/* The journals' names in the directory, sorted. */
static int
txn_names_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

static size_t
txn_names(int dfd, char ***namesp)
{
	struct dirent	*de;
	char		**names = NULL;
	size_t		 n = 0, l;
	DIR		*d;
	int		 fd;

	*namesp = NULL;
	if ((fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return (0);
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return (0);
	}
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l <= strlen(TXN_EXT) ||
		    strcmp(de->d_name + l - strlen(TXN_EXT), TXN_EXT) != 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, txn_names_cmp);
	*namesp = names;
	return (n);
}

static void
txn_names_free(char **names, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Did the journal record sha as written to the file of writes[k]? */
static bool
txn_wrote(const struct txn_journal *j, size_t k, const char *sha)
{
	size_t	i;

	for (i = 0; i < j->nwrites; i++)
		if (strcmp(j->writes[i].path, j->writes[k].path) == 0 &&
		    strcmp(j->writes[i].sha, sha) == 0)
			return (true);
	return (false);
}

/* Roll back one file of an interrupted transaction: writes[k] is its
 * first write.  Adds its name to put, rem, left or bad. */
static void
txn_recover_file(const struct txn_journal *j, size_t k, const char *desc,
    char **put, char **rem, char **left, char **bad)
{
	const struct txn_write	*w = &j->writes[k];
	struct sw_meta		 meta = { "rollback", desc, 0600, 0, NULL };
	struct backup_rec	*rec = NULL;
	struct sw_file		*f = NULL;
	struct stat		 st;
	const unsigned char	*cur;
	unsigned char		*data = NULL;
	size_t			 curlen, dlen = 0;
	unsigned int		 id = 0;
	char			*c2 = NULL, *s, spec[32];

	if (lstat(w->path, &st) == -1 && (errno == ENOENT ||
	    errno == ENOTDIR)) {
		/* Gone, directory and all: nothing of the transaction's
		 * is left there. */
		if (!w->created)
			txn_list_add(left, w->path);
		goto out;
	}
	if (sw_open(w->path, SW_CREATE, &f, &c2) != 0)
		goto fail;
	if (!sw_exists(f)) {
		if (!w->created)
			txn_list_add(left, w->path);	/* removed since */
		goto out;
	}
	if (!w->created && strcmp(sw_sha256(f), w->prev) == 0)
		goto out;			/* not written yet */
	if (!txn_wrote(j, k, sw_sha256(f))) {
		txn_list_add(left, w->path);	/* changed since */
		goto out;
	}
	if (w->created) {
		/* Saved first: tlsdeck history shows it, restore brings it
		 * back. */
		sw_content(f, &cur, &curlen);
		if (backup_create(sw_path(f), cur, curlen, sw_mode(f), &meta,
		    &id, &c2) != 0 || sw_remove(f, &c2) != 0)
			goto fail;
		txn_list_add(rem, w->path);
		goto out;
	}
	if (w->backup_id == 0) {
		c2 = xstrdup("no backup of it was made");
		goto fail;
	}
	snprintf(spec, sizeof spec, "%u", w->backup_id);
	if (backup_find(spec, &rec, &c2) != 0 ||
	    backup_read(rec, &data, &dlen, &c2) != 0)
		goto fail;
	if (strcmp(rec->sha256, w->prev) != 0) {
		xasprintf(&c2, "backup %u does not hold the bytes it had",
		    w->backup_id);
		goto fail;
	}
	if (sw_commit(f, data, dlen, txn_verify_sha, (void *)w->prev, &meta,
	    &c2) != 0)
		goto fail;
	txn_list_add(put, w->path);
	goto out;
fail:
	xasprintf(&s, "%s (%s)", w->path, c2 != NULL ? c2 : "failed");
	txn_list_add(bad, s);
	free(s);
out:
	free(c2);
	if (data != NULL) {
		explicit_bzero(data, dlen);
		free(data);
	}
	backup_rec_free(rec);
	sw_close(f);
}

/* Roll back the transaction of one journal; its line in *line. */
static void
txn_recover_one(int dfd, const char *dir, const char *name, char **line)
{
	struct txn_journal	 j;
	struct sw_file		*jf = NULL;
	const unsigned char	*buf;
	char			*c2 = NULL, *jpath, *put = NULL, *rem = NULL;
	char			*left = NULL, *bad = NULL, *desc, *s;
	size_t			 len, i, k;
	bool			 first;

	*line = NULL;
	memset(&j, 0, sizeof j);
	xasprintf(&jpath, "%s/%s", dir, name);
	/* The journal's lock: one tlsdeck rolls it back, others wait. */
	if (sw_openat(dfd, dir, name, SW_CREATE | SW_NOBACKUP, &jf,
	    &c2) != 0) {
		xasprintf(line, "%s: interrupted transaction not rolled back: "
		    "%s", jpath, c2);
		goto out;
	}
	if (!sw_exists(jf))
		goto out;		/* done by another tlsdeck meanwhile */
	sw_content(jf, &buf, &len);
	if (txn_journal_parse(jpath, buf, len, &j, &c2) != 0) {
		xasprintf(line, "%s; left alone", c2);
		goto out;
	}
	if (txn_alive(&j))
		goto out;
	xasprintf(&desc, "interrupted %s (pid %ld, %s)", j.command, j.pid,
	    j.time);
	/* Each file once, the last first written put back first. */
	for (i = j.nwrites; i-- > 0;) {
		first = true;
		for (k = 0; k < i && first; k++)
			if (strcmp(j.writes[k].path, j.writes[i].path) == 0)
				first = false;
		if (first)
			txn_recover_file(&j, i, desc, &put, &rem, &left, &bad);
	}
	if (bad == NULL) {
		free(c2);
		c2 = NULL;
		if (sw_remove(jf, &c2) != 0)
			txn_list_add(&bad, c2);
	}
	xasprintf(line, "rolled back an %s:%s%s%s%s%s%s%s%s%s%s", desc,
	    put != NULL ? " put back " : "", put != NULL ? put : "",
	    put != NULL && rem != NULL ? ";" : "",
	    rem != NULL ? " removed " : "", rem != NULL ? rem : "",
	    put == NULL && rem == NULL ? " nothing had been changed yet" : "",
	    left != NULL ? "; left alone, changed since: " : "",
	    left != NULL ? left : "", bad != NULL ? "; could not roll back: " :
	    "", bad != NULL ? bad : "");
	if (bad != NULL) {
		xasprintf(&s, "%s (the journal %s stays, and the next command "
		    "that writes tries again: remove it once the files are as "
		    "they should be)", *line, jpath);
		free(*line);
		*line = s;
	}
	free(desc);
out:
	free(c2);
	free(jpath);
	free(put);
	free(rem);
	free(left);
	free(bad);
	txn_journal_done(&j);
	sw_close(jf);
}

/* See core.h. */
int
txn_recover(char ***linesp, size_t *np, char **cause)
{
	char	**names = NULL, *real = NULL, *line;
	size_t	 n, i;
	int	 dfd;

	*linesp = NULL;
	*np = 0;
	if (txn_dir_open(&dfd, &real, cause) != 0)
		return (-1);
	if (dfd == -1)
		return (0);
	n = txn_names(dfd, &names);
	for (i = 0; i < n; i++) {
		txn_recover_one(dfd, real, names[i], &line);
		if (line == NULL)
			continue;
		*linesp = xreallocarray(*linesp, *np + 1, sizeof **linesp);
		(*linesp)[(*np)++] = line;
	}
	txn_names_free(names, n);
	close(dfd);
	free(real);
	return (0);
}

/* See core.h. */
int
txn_pending(char ***linesp, size_t *np, char **cause)
{
	struct txn_journal	 j;
	unsigned char		*buf = NULL;
	char			**names = NULL, *real = NULL, *jpath, *line;
	char			*c2;
	size_t			 n, i, len;
	int			 dfd;

	*linesp = NULL;
	*np = 0;
	if (txn_dir_open(&dfd, &real, cause) != 0)
		return (-1);
	if (dfd == -1)
		return (0);
	n = txn_names(dfd, &names);
	for (i = 0; i < n; i++) {
		c2 = NULL;
		line = NULL;
		xasprintf(&jpath, "%s/%s", real, names[i]);
		if (file_read_at(dfd, names[i], jpath, &buf, &len, &c2) != 0)
			line = c2;
		else if (txn_journal_parse(jpath, buf, len, &j, &c2) != 0)
			line = c2;
		else {
			if (!txn_alive(&j))
				xasprintf(&line, "interrupted %s (pid %ld, %s), "
				    "%zu change%s: the next tlsdeck command "
				    "that writes rolls it back", j.command,
				    j.pid, j.time, j.nwrites, j.nwrites == 1 ?
				    "" : "s");
			txn_journal_done(&j);
		}
		free(buf);
		buf = NULL;
		free(jpath);
		if (line == NULL)
			continue;
		*linesp = xreallocarray(*linesp, *np + 1, sizeof **linesp);
		(*linesp)[(*np)++] = line;
	}
	txn_names_free(names, n);
	close(dfd);
	free(real);
	return (0);
}

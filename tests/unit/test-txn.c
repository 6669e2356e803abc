/* SPDX-License-Identifier: ISC */
/* test-txn.c -- multi-file transactions (txn.c) on real files: commit,
 * abort, a failed write in the middle, an interrupted transaction rolled
 * back by the next process, and the journal's text. */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <unistd.h>

#include "testutil.h"

struct fx {
	char	 root[64];
	char	*work;
	char	*state;
};

static int
rm_cb(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	(void)remove(p);
	return (0);
}

static int
setup(void **state)
{
	struct fx	*fx = xcalloc(1, sizeof *fx);
	char		*b;

	snprintf(fx->root, sizeof fx->root, "/tmp/tlsdeck-txn.XXXXXX");
	if (mkdtemp(fx->root) == NULL)
		return (-1);
	xasprintf(&fx->work, "%s/work", fx->root);
	xasprintf(&fx->state, "%s/state", fx->root);
	xasprintf(&b, "%s/backups", fx->root);
	if (mkdir(fx->work, 0755) == -1)
		return (-1);
	setenv("TLSDECK_BACKUP_DIR", b, 1);
	setenv("TLSDECK_STATE_DIR", fx->state, 1);
	free(b);
	*state = fx;
	return (0);
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	nftw(fx->root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(fx->work);
	free(fx->state);
	free(fx);
	return (0);
}

static char *
wpath(struct fx *fx, const char *name)
{
	char	*p;

	xasprintf(&p, "%s/%s", fx->work, name);
	return (p);
}

static void
put(const char *path, const char *s)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

static bool
has(const char *path, const char *s)
{
	unsigned char	*buf;
	size_t		 len;
	bool		 ok;

	if (file_read(path, &buf, &len, NULL) != 0)
		return (false);
	ok = len == strlen(s) && memcmp(buf, s, len) == 0;
	free(buf);
	return (ok);
}

static bool
exists(const char *path)
{
	struct stat	st;

	return (lstat(path, &st) == 0);
}

/* Journals left in the state directory. */
static int
njournals(struct fx *fx)
{
	struct dirent	*de;
	DIR		*d;
	char		*dir;
	int		 n = 0;

	xasprintf(&dir, "%s/txn", fx->state);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (strstr(de->d_name, ".txn") != NULL)
				n++;
		closedir(d);
	}
	free(dir);
	return (n);
}

/* Write s to path in t (sw_commit: backed up, journaled). */
static int
tw(struct txn *t, const char *path, const char *s, char **cause)
{
	struct sw_meta	 meta = { "test", "txn", 0600, 0, NULL };
	struct sw_file	*f = NULL;
	int		 rc;

	if (txn_open(t, path, SW_CREATE, &f, cause) != 0)
		return (-1);
	rc = sw_commit(f, (const unsigned char *)s, strlen(s), NULL, NULL,
	    &meta, cause);
	sw_close(f);
	return (rc);
}

/* Refuses every content: a failed write. */
static int
refuse(const unsigned char *b, size_t l, void *arg, char **cause)
{
	(void)b;
	(void)l;
	(void)arg;
	cause_set(cause, "refused by the test");
	return (-1);
}

static void
test_commit(void **state)
{
	struct fx	*fx = *state;
	struct txn	*t = NULL;
	char		*a = wpath(fx, "a.props"), *b = wpath(fx, "b.p12");
	char		*cause = NULL;
	struct backup_rec *recs = NULL;
	size_t		 n = 0;

	put(a, "old-a");
	assert_int_equal(txn_begin("test", &t, &cause), 0);
	assert_int_equal(tw(t, b, "new-b", &cause), 0);
	assert_int_equal(tw(t, a, "new-a", &cause), 0);
	/* the same file twice: the transaction's handle */
	assert_int_equal(tw(t, a, "newer-a", &cause), 0);
	assert_int_equal(njournals(fx), 1);
	assert_int_equal(txn_commit(t, &cause), 0);
	assert_null(cause);
	assert_true(has(a, "newer-a"));
	assert_true(has(b, "new-b"));
	assert_int_equal(njournals(fx), 0);
	/* backups as for any write: both of a's */
	assert_int_equal(backup_list(&recs, &n, &cause), 0);
	assert_int_equal(n, 2);
	backup_list_free(recs, n);
	free(a);
	free(b);
}

static void
test_abort(void **state)
{
	struct fx	*fx = *state;
	struct txn	*t = NULL;
	char		*a = wpath(fx, "a.props"), *b = wpath(fx, "b.p12");
	char		*c = wpath(fx, "c.xml"), *cause = NULL, *done = NULL;
	struct backup_rec *recs = NULL;
	struct stat	 st;
	size_t		 n = 0;

	put(a, "old-a");
	put(c, "old-c");
	assert_int_equal(chmod(c, 0644), 0);
	assert_int_equal(txn_begin("test", &t, &cause), 0);
	assert_int_equal(tw(t, a, "new-a", &cause), 0);
	assert_int_equal(tw(t, b, "new-b", &cause), 0);
	assert_int_equal(tw(t, c, "new-c", &cause), 0);
	assert_int_equal(tw(t, a, "newer-a", &cause), 0);
	assert_int_equal(txn_abort(t, &done, &cause), 0);
	assert_null(cause);
	assert_non_null(done);
	assert_non_null(strstr(done, "put back"));
	assert_non_null(strstr(done, "removed"));
	free(done);
	assert_true(has(a, "old-a"));
	assert_true(has(c, "old-c"));
	assert_int_equal(stat(c, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_false(exists(b));
	assert_int_equal(njournals(fx), 0);
	/* no history for a change that did not happen */
	assert_int_equal(backup_list(&recs, &n, &cause), 0);
	assert_int_equal(n, 0);
	backup_list_free(recs, n);
	free(a);
	free(b);
	free(c);
}

/* The second of three writes fails: the first is put back, the third is
 * refused, commit rolls back. */
static void
test_middle_fails(void **state)
{
	struct fx	*fx = *state;
	struct sw_meta	 meta = { "test", "txn", 0600, 0, NULL };
	struct sw_file	*f = NULL;
	struct txn	*t = NULL;
	char		*a = wpath(fx, "new.p12"), *b = wpath(fx, "b.props");
	char		*c = wpath(fx, "c.yml"), *cause = NULL;

	put(b, "old-b");
	put(c, "old-c");
	assert_int_equal(txn_begin("test", &t, &cause), 0);
	assert_int_equal(tw(t, a, "new-a", &cause), 0);
	assert_int_equal(txn_open(t, b, 0, &f, &cause), 0);
	assert_int_equal(sw_commit(f, (const unsigned char *)"new-b", 5,
	    refuse, NULL, &meta, &cause), -1);
	sw_close(f);
	assert_non_null(strstr(cause, "refused by the test"));
	free(cause);
	cause = NULL;
	assert_int_equal(tw(t, c, "new-c", &cause), -1);
	assert_non_null(strstr(cause, "earlier change"));
	free(cause);
	cause = NULL;
	assert_true(exists(a));
	assert_int_equal(txn_commit(t, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "removed"));
	free(cause);
	assert_false(exists(a));
	assert_true(has(b, "old-b"));
	assert_true(has(c, "old-c"));
	assert_int_equal(njournals(fx), 0);
	free(a);
	free(b);
	free(c);
}

/* A process killed in the middle: the next one rolls back what still
 * holds the transaction's bytes and leaves a file changed since. */
static void
test_recover(void **state)
{
	struct fx	*fx = *state;
	struct txn	*t = NULL;
	char		*a = wpath(fx, "a.props"), *b = wpath(fx, "b.p12");
	char		*c = wpath(fx, "c.xml"), *d = wpath(fx, "d.ini");
	char		*cause = NULL, **lines = NULL;
	size_t		 n = 0, i;
	pid_t		 pid;
	int		 st;

	put(a, "old-a");
	put(c, "old-c");
	put(d, "old-d");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (txn_begin("convert --server", &t, NULL) != 0 ||
		    tw(t, b, "new-b", NULL) != 0 ||
		    tw(t, a, "new-a", NULL) != 0 ||
		    tw(t, c, "new-c", NULL) != 0 ||
		    tw(t, a, "newer-a", NULL) != 0)
			_exit(1);
		free(a);
		free(b);
		free(c);
		free(d);
		_exit(0);	/* killed: no commit, no abort */
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_true(has(a, "newer-a"));
	assert_int_equal(njournals(fx), 1);
	/* another program changes c meanwhile: it stays as it is */
	put(c, "theirs");

	assert_int_equal(txn_pending(&lines, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_non_null(strstr(lines[0], "convert --server"));
	free(lines[0]);
	free(lines);

	assert_int_equal(txn_recover(&lines, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_non_null(strstr(lines[0], "rolled back"));
	assert_non_null(strstr(lines[0], a));
	assert_non_null(strstr(lines[0], "removed"));
	assert_non_null(strstr(lines[0], "changed since"));
	assert_non_null(strstr(lines[0], c));
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	assert_true(has(a, "old-a"));
	assert_false(exists(b));
	assert_true(has(c, "theirs"));
	assert_true(has(d, "old-d"));
	assert_int_equal(njournals(fx), 0);
	/* once */
	assert_int_equal(txn_recover(&lines, &n, &cause), 0);
	assert_int_equal(n, 0);
	free(a);
	free(b);
	free(c);
	free(d);
}

/* Another program changes a file of the transaction: the write is
 * refused, and the rollback leaves that program's version alone. */
static void
test_conflict_kept(void **state)
{
	struct fx	*fx = *state;
	struct sw_meta	 meta = { "test", "txn", 0600, 0, NULL };
	struct sw_file	*f = NULL;
	struct txn	*t = NULL;
	char		*a = wpath(fx, "a.p12"), *b = wpath(fx, "b.props");
	char		*cause = NULL, *done = NULL;

	put(b, "old-b");
	assert_int_equal(txn_begin("test", &t, &cause), 0);
	assert_int_equal(tw(t, a, "new-a", &cause), 0);
	assert_int_equal(txn_open(t, b, 0, &f, &cause), 0);
	put(b, "theirs");
	assert_int_equal(sw_commit(f, (const unsigned char *)"new-b", 5,
	    NULL, NULL, &meta, &cause), -1);
	sw_close(f);
	assert_non_null(strstr(cause, "changed by another program"));
	free(cause);
	cause = NULL;
	assert_int_equal(txn_abort(t, &done, &cause), 0);
	assert_non_null(done);
	assert_null(strstr(done, b));
	free(done);
	assert_false(exists(a));
	assert_true(has(b, "theirs"));
	free(a);
	free(b);
}

/* A journal whose process is alive is not touched. */
static void
test_live_untouched(void **state)
{
	struct fx	*fx = *state;
	struct txn	*t = NULL;
	char		*a = wpath(fx, "a"), *cause = NULL, **lines = NULL;
	size_t		 n = 0;

	put(a, "old");
	assert_int_equal(txn_begin("test", &t, &cause), 0);
	assert_int_equal(tw(t, a, "new", &cause), 0);
	assert_int_equal(txn_recover(&lines, &n, &cause), 0);
	assert_int_equal(n, 0);
	assert_true(has(a, "new"));
	assert_int_equal(txn_commit(t, &cause), 0);
	assert_true(has(a, "new"));
	free(a);
}

static void
test_journal_text(void **state)
{
	struct txn_journal	 j, j2;
	struct txn_write	 w[2];
	unsigned char		*text = NULL;
	size_t			 len = 0;
	char			*cause = NULL;
	static const char	*bad[] = {
		"",
		"tlsdeck-transaction 1\n",
		"tlsdeck-transaction 2\npid 1 1\ntime t\ncommand c\n",
		"tlsdeck-transaction 1\npid 0 1\ntime t\ncommand c\n",
		"tlsdeck-transaction 1\npid 1 1\ntime t\ncommand c\nwrite "
		    "new x 0 /a\n",
		"tlsdeck-transaction 1\npid 1 1\ntime t\ncommand c\nwrite "
		    "new - 0000000000000000000000000000000000000000000000000000"
		    "000000000000 0 a\n",
		"tlsdeck-transaction 1\npid 1 1\ntime t\ncommand c\npid 1 1\n",
		"tlsdeck-transaction 1\npid 1 1\ntime t\ncommand c",
		NULL
	};
	size_t			 i;

	(void)state;
	memset(&j, 0, sizeof j);
	memset(w, 0, sizeof w);
	j.pid = 42;
	j.start = 123456;
	j.time = xstrdup("2026-12-07T09:00:00Z");
	j.command = xstrdup("convert --server");
	w[0].path = xstrdup("/srv/a b/%x\n.p12");
	w[0].created = true;
	memset(w[0].sha, 'a', 64);
	w[1].path = xstrdup("/srv/conf/server.xml");
	memset(w[1].prev, 'b', 64);
	memset(w[1].sha, 'c', 64);
	w[1].backup_id = 7;
	j.writes = w;
	j.nwrites = 2;
	txn_journal_text(&j, &text, &len);
	assert_int_equal(txn_journal_parse("j", text, len, &j2, &cause), 0);
	assert_int_equal(j2.pid, 42);
	assert_true(j2.start == 123456);
	assert_string_equal(j2.command, "convert --server");
	assert_int_equal(j2.nwrites, 2);
	assert_string_equal(j2.writes[0].path, w[0].path);
	assert_true(j2.writes[0].created);
	assert_string_equal(j2.writes[1].prev, w[1].prev);
	assert_int_equal(j2.writes[1].backup_id, 7);
	txn_journal_done(&j2);
	free(text);
	for (i = 0; bad[i] != NULL; i++) {
		assert_int_equal(txn_journal_parse("j", (const unsigned char *)
		    bad[i], strlen(bad[i]), &j2, &cause), -1);
		assert_non_null(cause);
		assert_true(strncmp(cause, "j: ", 3) == 0);
		free(cause);
		cause = NULL;
	}
	free(w[0].path);
	free(w[1].path);
	free(j.time);
	free(j.command);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_middle_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflict_kept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_live_untouched, setup,
		    teardown),
		cmocka_unit_test(test_journal_text),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

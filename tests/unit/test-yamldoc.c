/* SPDX-License-Identifier: ISC */
/*
 * test-yamldoc.c -- core/yamldoc.c: byte-exact round trips, Spring Boot's
 * flattening (the .expect files were written by SnakeYAML 2.x with Spring
 * Boot's loader options and flattening), edits byte for byte, every edit
 * read again by a second YAML parser (PyYAML, tests/unit/yaml-oracle.py),
 * refusals, and bad input.
 */
#include <sys/wait.h>

#include <dirent.h>
#include <unistd.h>

#include "testutil.h"

/* Entries in the .expect format: "DOC KEY=VALUE", control bytes and
 * backslashes as \xNN. */
static char *
dump(const struct yamldoc *d)
{
	const struct yamldoc_entry	*e;
	struct confbuf			 b = { NULL, 0, 0 };
	size_t				 i, j;

	confbuf_add(&b, "", 0);
	for (i = 0; i < yamldoc_count(d); i++) {
		e = yamldoc_entry(d, i);
		confbuf_printf(&b, "%d %s=", e->doc, e->key);
		for (j = 0; j < e->value_len; j++) {
			if ((unsigned char)e->value[j] < 0x20 ||
			    e->value[j] == '\\')
				confbuf_printf(&b, "\\x%02x",
				    (unsigned char)e->value[j]);
			else
				confbuf_add(&b, e->value + j, 1);
		}
		confbuf_str(&b, "\n");
	}
	return ((char *)b.d);
}

/* JSON string of s[0, n). */
static void
json_str(struct confbuf *b, const char *s, size_t n)
{
	size_t	i;

	confbuf_str(b, "\"");
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			confbuf_printf(b, "\\%c", s[i]);
		else if ((unsigned char)s[i] < 0x20)
			confbuf_printf(b, "\\u%04x", (unsigned char)s[i]);
		else
			confbuf_add(b, s + i, 1);
	}
	confbuf_str(b, "\"");
}

/* Write n bytes to a new temporary file; its path (malloc'd). */
static char *
tmp_write(const void *p, size_t n, const char *suffix)
{
	char	*path;
	int	 fd;

	xasprintf(&path, "%s/yamldoc-XXXXXX%s", getenv("TMPDIR") != NULL ?
	    getenv("TMPDIR") : "/tmp", suffix);
	assert_true((fd = mkstemps(path, strlen(suffix))) != -1);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
	return (path);
}

/*
 * The second parser: PyYAML must read the document's bytes as our reader
 * flattens them.  Skipped (once noted) when python3-yaml is missing.
 */
static void
oracle(const struct yamldoc *d)
{
	static int			 missing;
	const struct yamldoc_entry	*e;
	struct confbuf			 j = { NULL, 0, 0 };
	unsigned char			*out;
	const char			*top = getenv("TOP_SRCDIR");
	char				*doc, *exp, *cmd;
	size_t				 i, len;
	int				 rc;

	if (missing)
		return;
	confbuf_str(&j, "[");
	for (i = 0; i < yamldoc_count(d); i++) {
		e = yamldoc_entry(d, i);
		confbuf_printf(&j, "%s[%d, ", i > 0 ? ", " : "", e->doc);
		json_str(&j, e->key, strlen(e->key));
		confbuf_str(&j, ", ");
		json_str(&j, e->value, e->value_len);
		confbuf_str(&j, "]");
	}
	confbuf_str(&j, "]");
	yamldoc_serialize(d, &out, &len);
	doc = tmp_write(out, len, ".yml");
	exp = tmp_write(j.d, j.len, ".json");
	xasprintf(&cmd, "python3 %s/tests/unit/yaml-oracle.py %s %s",
	    top != NULL ? top : ".", doc, exp);
	rc = system(cmd);
	if (WIFEXITED(rc) && WEXITSTATUS(rc) == 77) {
		print_message("# python3-yaml missing: no second parser\n");
		missing = 1;
	} else if (!WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
		print_error("PyYAML disagrees about:\n%.*s\n", (int)len, out);
		fail();
	}
	unlink(doc);
	unlink(exp);
	free(doc);
	free(exp);
	free(cmd);
	free(out);
	free(j.d);
}

static struct yamldoc *
parse_str(const char *s)
{
	struct yamldoc	*d = NULL;
	char		*cause = NULL;

	if (yamldoc_parse((const unsigned char *)s, strlen(s), "t.yml", &d,
	    &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	return (d);
}

static void
assert_doc(const struct yamldoc *d, const char *want)
{
	unsigned char	*out;
	size_t		 len;

	yamldoc_serialize(d, &out, &len);
	if (len != strlen(want) || memcmp(out, want, len) != 0) {
		print_error("got:\n[%.*s]\nwant:\n[%s]\n", (int)len, out, want);
		free(out);
		fail();
	}
	free(out);
}

/* Every fixture writes back byte for byte and flattens as Spring does. */
static void
test_roundtrip(void **state)
{
	struct yamldoc	*d;
	struct dirent	*de;
	DIR		*dir;
	unsigned char	*buf, *out, *exp;
	size_t		 len, outlen, explen;
	char		 rel[512], *cause = NULL, *got;
	int		 n = 0;

	assert_non_null(dir = opendir(td_path("conf/yaml")));
	while ((de = readdir(dir)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".yml") != 0 ||
		    strncmp(de->d_name, "bad-", 4) == 0)
			continue;
		snprintf(rel, sizeof rel, "conf/yaml/%s", de->d_name);
		buf = td_read(rel, &len);
		if (yamldoc_parse(buf, len, rel, &d, &cause) != 0) {
			print_error("%s\n", cause);
			fail();
		}
		yamldoc_serialize(d, &out, &outlen);
		assert_int_equal(outlen, len);
		assert_memory_equal(out, buf, len);
		free(out);
		snprintf(rel + strlen(rel) - 4, 8, ".expect");
		exp = td_read(rel, &explen);
		got = dump(d);
		if (strlen(got) != explen || memcmp(got, exp, explen) != 0) {
			print_error("%s: got\n%s\nwant\n%.*s\n", rel, got,
			    (int)explen, exp);
			fail();
		}
		/* snake-*: what SnakeYAML does and PyYAML does not (repeated
		 * << keys, keys that are lists, "!"-tagged numbers). */
		if (strncmp(de->d_name, "snake-", 6) != 0)
			oracle(d);
		free(got);
		free(exp);
		yamldoc_free(d);
		free(buf);
		n++;
	}
	closedir(dir);
	assert_true(n >= 14);
}

/* Bad input: one line naming the file, for every bad-*.yml. */
static void
test_bad(void **state)
{
	static const struct {
		const char	*file;
		const char	*want;
	} bad[] = {
		{ "bad-syntax.yml",
		    "line 4: did not find expected ',' or ']'" },
		{ "bad-duplicate.yml", "line 3: duplicate key port" },
		{ "bad-tab.yml", "line 2: found character that cannot start" },
		{ "bad-unknown-alias.yml", "unknown alias *nope" },
		{ "bad-recursive-alias.yml", "recursive alias *x" },
		{ "bad-custom-tag.yml", "tag !vault" },
		{ "bad-null-key.yml", "a null key" },
		{ "bad-billion-laughs.yml", "billion laughs" },
		{ "bad-deep.yml", "nested more than 50 levels" },
		{ "bad-binary.yml", "binary data" },
		{ "bad-utf16.yml", "UTF-16" },
		{ "bad-not-utf8.yml", "line 2: not UTF-8" },
		{ "bad-typed-key-in-list.yml", "ClassCastException" },
	};
	struct yamldoc	*d;
	unsigned char	*buf;
	size_t		 i, len;
	char		 rel[256], *cause;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(rel, sizeof rel, "conf/yaml/%s", bad[i].file);
		buf = td_read(rel, &len);
		cause = NULL;
		d = (struct yamldoc *)1;
		assert_int_equal(yamldoc_parse(buf, len, rel, &d, &cause), -1);
		assert_null(d);
		assert_non_null(cause);
		if (strncmp(cause, rel, strlen(rel)) != 0 ||
		    strstr(cause, bad[i].want) == NULL ||
		    strchr(cause, '\n') != NULL) {
			print_error("%s: got \"%s\"\n", rel, cause);
			fail();
		}
		free(cause);
		free(buf);
	}
}

/* Over CONFIG_MAX_SIZE: refused before libyaml sees it. */
static void
test_huge(void **state)
{
	struct yamldoc	*d;
	unsigned char	*buf;
	size_t		 len = CONFIG_MAX_SIZE + 1;
	char		*cause = NULL;

	buf = xmalloc(len);
	memset(buf, '#', len);
	assert_int_equal(yamldoc_parse(buf, len, "big.yml", &d, &cause), -1);
	assert_non_null(strstr(cause, "big.yml: too large"));
	free(cause);
	free(buf);
}

/* One set: in (document doc) key=value must give exactly want. */
struct set_case {
	const char	*in;
	int		 doc;
	const char	*key;
	const char	*value;
	const char	*want;
};

static const struct set_case set_cases[] = {
	/* In place, keeping the style. */
	{ "a:\n  b: 1 # c\n", 0, "a.b", "2", "a:\n  b: 2 # c\n" },
	{ "a:\n  b: \"x\"\n", 0, "a.b", "y", "a:\n  b: \"y\"\n" },
	{ "a:\n  b: 'x'\n", 0, "a.b", "it's", "a:\n  b: 'it''s'\n" },
	{ "a: x\n", 0, "a", "a: b", "a: 'a: b'\n" },
	{ "a: x\n", 0, "a", "0123", "a: '0123'\n" },
	{ "a: x\n", 0, "a", "yes", "a: 'yes'\n" },
	{ "a: x\n", 0, "a", "8443", "a: 8443\n" },
	{ "a: x\n", 0, "a", "true", "a: true\n" },
	{ "a: x\n", 0, "a", "tab\there", "a: 'tab\there'\n" },
	{ "a: x\n", 0, "a", "bell\a", "a: \"bell\\x07\"\n" },
	{ "a: x\n", 0, "a", "#x", "a: '#x'\n" },
	{ "a: x\n", 0, "a", "", "a: ''\n" },
	{ "a: x\n", 0, "a", "p\xc3\xa4ss", "a: p\xc3\xa4ss\n" },
	{ "a: \"x\"\n", 0, "a", "q\"b\\", "a: \"q\\\"b\\\\\"\n" },
	{ "a:\n", 0, "a", "v", "a: v\n" },
	{ "a: # note\n", 0, "a", "v", "a: v # note\n" },
	{ "a: ~\n", 0, "a", "v", "a: v\n" },
	{ "a: []\n", 0, "a", "v", "a: v\n" },
	{ "a: {x: 1, y: 2}\n", 0, "a.x", "p,q", "a: {x: 'p,q', y: 2}\n" },
	{ "a: [1, 2]\n", 0, "a[1]", "3", "a: [1, 3]\n" },
	/* Relaxed names find the key as written. */
	{ "server:\n  ssl:\n    keyStore: a\n", 0, "server.ssl.key-store",
	    "b", "server:\n  ssl:\n    keyStore: b\n" },
	{ "server.ssl.key-store: a\n", 0, "server.ssl.key-store", "b",
	    "server.ssl.key-store: b\n" },
	/* Inserted into the deepest block mapping. */
	{ "server:\n  port: 1\n  ssl:\n    enabled: true\nx: 1\n", 0,
	    "server.ssl.key-store", "k.p12",
	    "server:\n  port: 1\n  ssl:\n    enabled: true\n"
	    "    key-store: k.p12\nx: 1\n" },
	{ "server:\n  port: 1\nx: 1\n", 0, "server.ssl.key-store", "k.p12",
	    "server:\n  port: 1\n  ssl:\n    key-store: k.p12\nx: 1\n" },
	{ "a: 1\nb:\n    c: 1\n", 0, "b.x.y", "z",
	    "a: 1\nb:\n    c: 1\n    x:\n        y: z\n" },
	{ "a: 1\n", 0, "server.ssl.key-store", "k",
	    "a: 1\nserver:\n  ssl:\n    key-store: k\n" },
	{ "a: 1", 0, "b", "2", "a: 1\nb: 2\n" },
	{ "", 0, "server.port", "8443", "server:\n  port: 8443\n" },
	{ "# nothing yet", 0, "a.b", "c", "# nothing yet\na:\n  b: c\n" },
	{ "a:\r\n  b: 1\r\n", 0, "a.c", "2", "a:\r\n  b: 1\r\n  c: 2\r\n" },
	{ "server:\n  ssl:\nx: 1\n", 0, "server.ssl.key-store", "k",
	    "server:\n  ssl:\n    key-store: k\nx: 1\n" },
	{ "a:\n  b: |\n    text\n\n# c\nd: 1\n", 0, "a.e", "f",
	    "a:\n  b: |\n    text\n\n  e: f\n# c\nd: 1\n" },
	/* A mapping that spells its keys dotted gets a dotted key. */
	{ "server.port: 1\nserver.ssl.key-store: k\n", 0,
	    "server.ssl.key-alias", "a",
	    "server.port: 1\nserver.ssl.key-store: k\nserver.ssl.key-alias: "
	    "a\n" },
	/* List items that exist. */
	{ "l:\n  - n: a\n    b: x\n  - n: c\n", 0, "l[1].b", "y",
	    "l:\n  - n: a\n    b: x\n  - n: c\n    b: y\n" },
	{ "l:\n  - ? q\n    : r\n", 0, "l[0].s", "t",
	    "l:\n  - ? q\n    : r\n    s: t\n" },
	{ "m: 1\nl:\n  - n: a\n    z: x\n", 0, "l[0].q.r", "y",
	    "m: 1\nl:\n  - n: a\n    z: x\n    q:\n      r: y\n" },
	/* The right document of several. */
	{ "a: 1\n---\nb: 2\n---\nc: 3\n", 1, "b", "9",
	    "a: 1\n---\nb: 9\n---\nc: 3\n" },
	{ "a: 1\n---\nb: 2\n...\n", 1, "x.y", "z",
	    "a: 1\n---\nb: 2\nx:\n  y: z\n...\n" },
	{ "a:\n  b: 1\n---\na:\n  b: 1\n", 0, "a.b", "2",
	    "a:\n  b: 2\n---\na:\n  b: 1\n" },
};

static void
test_set(void **state)
{
	const struct yamldoc_entry	*e;
	struct yamldoc			*d;
	char				*cause;
	size_t				 i;

	for (i = 0; i < sizeof set_cases / sizeof set_cases[0]; i++) {
		d = parse_str(set_cases[i].in);
		cause = NULL;
		if (yamldoc_set(d, set_cases[i].doc, set_cases[i].key,
		    set_cases[i].value, &cause) != 0) {
			print_error("case %zu: %s\n", i, cause);
			fail();
		}
		assert_doc(d, set_cases[i].want);
		e = yamldoc_find(d, set_cases[i].doc, set_cases[i].key);
		assert_non_null(e);
		assert_string_equal(e->value, set_cases[i].value);
		oracle(d);
		yamldoc_free(d);
	}
}

/* Refused edits say why and change nothing. */
static void
test_set_refused(void **state)
{
	static const struct {
		const char	*in;
		int		 doc;
		const char	*key;
		const char	*value;
		const char	*want;
	} cases[] = {
		{ "a: |\n  x\n", 0, "a", "y", "block scalar" },
		{ "a: >\n  x\n", 0, "a", "y", "block scalar" },
		{ "d: &d x\ne: *d\n", 0, "e", "y", "anchor or alias" },
		{ "d: &d x\ne: *d\n", 0, "d", "y", "anchor or alias" },
		{ "d: &d {x: 1}\ne:\n  <<: *d\n", 0, "e.x", "2",
		    "anchor or alias" },
		{ "d: &d {x: 1}\ne:\n  <<: *d\n", 0, "e.y", "2",
		    "<< merge" },
		{ "a: {x: 1}\n", 0, "a.y", "2", "flow mapping" },
		{ "a: 1\n", 0, "a.b", "2", "holds a value" },
		{ "a:\n  b: 1\n", 0, "a", "2", "is a mapping" },
		{ "a:\n  - x\n", 0, "a", "2", "is a list" },
		{ "a:\n  - x\n", 0, "a[1]", "2", "adding list items" },
		{ "m: 1\nl:\n  - z: x\n", 0, "l[0].z.n", "2", "holds a value" },
		{ "a: 1\n", 0, "b[0]", "2", "adding list items" },
		{ "a: 1\n", 0, "a", "two\nlines", "one line" },
		{ "a: 1\n", 0, "a", "\xff", "one line of UTF-8" },
		{ "a: 1\n", 3, "a", "2", "no document 3" },
		{ "a: !!str 1\n", 0, "a", "2", "tag" },
		{ "a: 1\n", 0, "a..b", "2", "not a property name" },
		{ "- 1\n", 0, "a", "2", "not a block mapping" },
		{ "a:\n  b: 1\na.b: 2\n", 0, "a.b.c", "3", "holds a value" },
		{ "a:\n  x: 1\na.y:\n  z: 2\n", 0, "a.y.w", "3",
		    "more than one mapping" },
	};
	struct yamldoc	*d;
	char		*cause;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		d = parse_str(cases[i].in);
		cause = NULL;
		if (yamldoc_set(d, cases[i].doc, cases[i].key, cases[i].value,
		    &cause) == 0) {
			print_error("case %zu: not refused\n", i);
			fail();
		}
		if (cause == NULL || strncmp(cause, "t.yml: ", 7) != 0 ||
		    strstr(cause, cases[i].want) == NULL) {
			print_error("case %zu: \"%s\"\n", i, cause);
			fail();
		}
		free(cause);
		assert_doc(d, cases[i].in);
		yamldoc_free(d);
	}
}

static void
test_unset(void **state)
{
	static const struct {
		const char	*in;
		int		 doc;
		const char	*key;
		size_t		 removed;
		const char	*want;
	} cases[] = {
		{ "a: 1\nb: 2\n", 0, "a", 1, "b: 2\n" },
		{ "a:\n  b: 1 # x\n  c: 2\n", 0, "a.b", 1, "a:\n  c: 2\n" },
		{ "x: 1\na:\n  b:\n    c: 1\n", 0, "a.b.c", 1, "x: 1\n" },
		{ "a: 1\n", 0, "a", 1, "" },
		{ "a: 1\n", 0, "zz", 0, "a: 1\n" },
		{ "a:\n  key-store: 1\n  keyStore: 2\n", 0, "a.key-store", 2,
		    "" },
		{ "a:\r\n  b: 1\r\n  c: 2\r\n", 0, "a.c", 1,
		    "a:\r\n  b: 1\r\n" },
		{ "a: 1\n---\na: 1\nb: 2\n", 1, "a", 1, "a: 1\n---\nb: 2\n" },
		{ "l:\n  - n: a\n    b: x\n", 0, "l[0].b", 1,
		    "l:\n  - n: a\n" },
	};
	struct yamldoc	*d;
	char		*cause;
	size_t		 i, removed;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		d = parse_str(cases[i].in);
		cause = NULL;
		if (yamldoc_unset(d, cases[i].doc, cases[i].key, &removed,
		    &cause) != 0) {
			print_error("case %zu: %s\n", i, cause);
			fail();
		}
		assert_int_equal(removed, cases[i].removed);
		assert_doc(d, cases[i].want);
		assert_null(yamldoc_find(d, cases[i].doc, cases[i].key));
		oracle(d);
		yamldoc_free(d);
	}
}

static void
test_unset_refused(void **state)
{
	static const struct {
		const char	*in;
		const char	*key;
	} cases[] = {
		{ "a: {b: 1}\n", "a.b" },
		{ "a: |\n  x\nb: 1\n", "a" },
		{ "d: &d x\ne: *d\n", "e" },
		{ "a: 'x\n  y'\n", "a" },
		{ "l:\n  - n: a\n", "l[0].n" },
		{ "a: 1\n---\nb: 2\n", "a" },
		{ "- 1\n", "document[0]" },
	};
	struct yamldoc	*d;
	char		*cause;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		d = parse_str(cases[i].in);
		cause = NULL;
		if (yamldoc_unset(d, 0, cases[i].key, NULL, &cause) == 0) {
			print_error("case %zu: not refused\n", i);
			fail();
		}
		assert_non_null(cause);
		assert_true(strncmp(cause, "t.yml: ", 7) == 0);
		free(cause);
		assert_doc(d, cases[i].in);
		yamldoc_free(d);
	}
}

/* Documents, profiles, positions and flags of the entries. */
static void
test_entries(void **state)
{
	const struct yamldoc_entry	*e;
	struct yamldoc			*d;
	unsigned char			*buf;
	size_t				 len;
	char				*cause = NULL;

	buf = td_read("conf/yaml/profiles.yml", &len);
	assert_int_equal(yamldoc_parse(buf, len, "p.yml", &d, &cause), 0);
	assert_int_equal(yamldoc_ndocs(d), 3);
	assert_null(yamldoc_profile(d, 0));
	assert_string_equal(yamldoc_profile(d, 1), "prod");
	assert_string_equal(yamldoc_profile(d, 2), "legacy");
	e = yamldoc_find(d, -1, "SERVER.SSL.KEY_STORE");
	assert_non_null(e);
	assert_int_equal(e->doc, 2);
	assert_string_equal(e->value, "old.jks");
	e = yamldoc_find(d, 1, "server.ssl.keyStorePassword");
	assert_non_null(e);
	assert_string_equal(e->key, "server.ssl.key-store-password");
	assert_string_equal(e->canon, "server.ssl.keystorepassword");
	assert_string_equal(e->profile, "prod");
	assert_int_equal(e->line, 15);
	assert_int_equal(e->column, 25);
	assert_int_equal(e->style, YAMLDOC_SINGLE);
	assert_int_equal(e->len, 6);
	assert_memory_equal(buf + e->off, "'0123'", 6);
	yamldoc_free(d);
	free(buf);

	d = parse_str("a: 0123\nb: &x y\nc: *x\nd: [1]\ne:\nf: \"\\u00e9\"\n"
	    "g: 'a\n  b'\n");
	e = yamldoc_find(d, 0, "a");
	assert_string_equal(e->value, "83");
	assert_true(e->flags & YAMLDOC_TYPED);
	assert_true(yamldoc_find(d, 0, "b")->flags & YAMLDOC_ANCHOR);
	assert_true(yamldoc_find(d, 0, "c")->flags & YAMLDOC_ALIAS);
	assert_true(yamldoc_find(d, 0, "d[0]")->flags & YAMLDOC_FLOW);
	e = yamldoc_find(d, 0, "e");
	assert_true(e->flags & YAMLDOC_NULL);
	assert_int_equal(e->len, 0);
	assert_string_equal(yamldoc_find(d, 0, "f")->value, "\xc3\xa9");
	e = yamldoc_find(d, 0, "g");
	assert_true(e->flags & YAMLDOC_MULTILINE);
	assert_string_equal(e->value, "a b");
	yamldoc_free(d);

	/* Character columns map back to bytes after non-ASCII text. */
	d = parse_str("\xc3\xa9t\xc3\xa9: \xe2\x82\xac\nk: v\n");
	e = yamldoc_find(d, 0, "k");
	assert_int_equal(e->off, 14);
	e = yamldoc_find(d, 0, "\xc3\xa9t\xc3\xa9");
	assert_int_equal(e->off, 7);
	assert_int_equal(e->len, 3);
	assert_int_equal(e->column, 6);
	yamldoc_free(d);
}

/* An edit on a real file changes only the bytes it must. */
static void
test_real_files(void **state)
{
	struct yamldoc	*d;
	unsigned char	*buf, *out;
	size_t		 len, outlen;
	char		*cause = NULL;
	const char	*old = "            password: \"secret\"\n";
	const char	*new = "            password: \"n3w-s3cret\"\n";
	unsigned char	*at;

	buf = td_read("conf/yaml/boot-ssl-bundles.yml", &len);
	assert_int_equal(yamldoc_parse(buf, len, "b.yml", &d, &cause), 0);
	assert_int_equal(yamldoc_set(d, 0,
	    "spring.ssl.bundle.jks.web.keystore.password", "n3w-s3cret",
	    &cause), 0);
	yamldoc_serialize(d, &out, &outlen);
	assert_int_equal(outlen, len + strlen(new) - strlen(old));
	at = memmem(buf, len, old, strlen(old));
	assert_non_null(at);
	assert_memory_equal(out, buf, at - buf);
	assert_memory_equal(out + (at - buf), new, strlen(new));
	assert_memory_equal(out + (at - buf) + strlen(new),
	    at + strlen(old), len - (at - buf) - strlen(old));
	oracle(d);
	free(out);

	/* SNI: the second host's bundle, then a new key in the item. */
	assert_int_equal(yamldoc_set(d, 0,
	    "server.ssl.server-name-bundles[1].bundle", "web-new", &cause), 0);
	assert_string_equal(yamldoc_find(d, 0,
	    "server.ssl.server-name-bundles[1].bundle")->value, "web-new");
	assert_int_equal(yamldoc_unset(d, 0, "spring.ssl.watch.file."
	    "quiet-period", NULL, &cause), 0);
	assert_null(yamldoc_find(d, 0, "spring.ssl.watch.file.quiet-period"));
	oracle(d);
	yamldoc_free(d);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_huge),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_set_refused),
		cmocka_unit_test(test_unset),
		cmocka_unit_test(test_unset_refused),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_real_files),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

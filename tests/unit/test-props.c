/* SPDX-License-Identifier: ISC */
/* test-props.c -- core/props.c: lossless parse, queries, edits, ${...}. */
#include <dirent.h>

#include "testutil.h"

/* Parse a string (fails the test on error). */
static struct props *
parse_str(const char *s)
{
	struct props	*p = NULL;
	char		*cause = NULL;

	if (props_parse((const unsigned char *)s, strlen(s), "t.properties",
	    &p, &cause) != 0) {
		print_error("%s\n", cause);
		free(cause);
		fail();
	}
	return (p);
}

/* The document's bytes must be exactly want. */
static void
assert_doc(const struct props *p, const char *want)
{
	unsigned char	*out;
	size_t		 len;

	props_serialize(p, &out, &len);
	if (len != strlen(want) || memcmp(out, want, len) != 0) {
		print_error("got:\n[%.*s]\nwant:\n[%s]\n", (int)len, out,
		    want);
		free(out);
		fail();
	}
	free(out);
}

/* Set key=value on s; the result must be want. */
static void
check_set(const char *s, const char *key, const char *value,
    const char *want)
{
	struct props	*p = parse_str(s);
	char		*cause = NULL;

	if (props_set(p, key, value, &cause) != 0) {
		print_error("set %s in [%s]: %s\n", key, s, cause);
		fail();
	}
	assert_doc(p, want);
	assert_string_equal(props_get(p, key), value);
	props_free(p);
}

/* Every corpus file writes back byte for byte. */
static void
test_roundtrip(void **state)
{
	struct props	*p;
	struct dirent	*de;
	DIR		*d;
	unsigned char	*buf, *out;
	size_t		 len, outlen;
	char		 rel[512], *cause = NULL;
	int		 n = 0, bad = 0;

	assert_non_null(d = opendir(td_path("props")));
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".properties") == NULL)
			continue;
		snprintf(rel, sizeof rel, "props/%s", de->d_name);
		buf = td_read(rel, &len);
		if (props_parse(buf, len, rel, &p, &cause) != 0) {
			/* Only the malformed-escape files may fail. */
			assert_true(strncmp(de->d_name, "bad-", 4) == 0);
			assert_non_null(strstr(cause, "malformed"));
			free(cause);
			cause = NULL;
			bad++;
			free(buf);
			continue;
		}
		assert_true(strncmp(de->d_name, "bad-", 4) != 0);
		props_serialize(p, &out, &outlen);
		assert_int_equal(outlen, len);
		assert_memory_equal(out, buf, len);
		free(out);
		props_free(p);
		free(buf);
		n++;
	}
	closedir(d);
	assert_true(n >= 20);
	assert_int_equal(bad, 4);

	buf = td_read("samples/properties-test.properties", &len);
	assert_int_equal(props_parse(buf, len, NULL, &p, NULL), 0);
	props_serialize(p, &out, &outlen);
	assert_int_equal(outlen, len);
	assert_memory_equal(out, buf, len);
	free(out);
	free(buf);
	props_free(p);
}

/* Format a value as properties-test.expected.txt does. */
static void
fmt_expected(char *dst, size_t size, const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i, o = 0;
	unsigned int		 cp;

	for (i = 0; i < len && o + 8 < size; i++) {
		cp = u[i];
		if (cp >= 0xc0 && cp < 0xe0 && i + 1 < len) {
			cp = ((cp & 0x1f) << 6) | (u[i + 1] & 0x3f);
			i++;
		}
		if (cp >= 0x20 && cp < 0x7f)
			dst[o++] = cp;
		else
			o += snprintf(dst + o, size - o, "\\u%04x", cp);
	}
	dst[o] = '\0';
}

/* Sort helper: by key. */
static int
cmp_line(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The sample file reads as Java read it (properties-test.expected.txt). */
static void
test_sample_expected(void **state)
{
	struct props		*p;
	const struct prop_entry	*e;
	char			*cause = NULL, *exp, *line, *cut, **got;
	char			 k[256], v[256];
	size_t			 len, i, j, n, ngot = 0;

	assert_int_equal(props_load(td_path(
	    "samples/properties-test.properties"), &p, &cause), 0);
	n = props_count(p);
	got = calloc(n, sizeof *got);
	for (i = 0; i < n; i++) {
		e = props_entry(p, i);
		if (strcmp(props_get(p, e->key), e->value) != 0)
			continue;	/* an earlier duplicate */
		for (j = 0; j < ngot; j++) {
			fmt_expected(k, sizeof k, e->key, e->key_len);
			if (strncmp(got[j] + 1, k, strlen(k)) == 0 &&
			    got[j][strlen(k) + 1] == ']')
				break;
		}
		if (j < ngot)
			continue;
		fmt_expected(k, sizeof k, e->key, e->key_len);
		fmt_expected(v, sizeof v, e->value, e->value_len);
		xasprintf(&got[ngot++], "[%s] => [%s]", k, v);
	}
	qsort(got, ngot, sizeof *got, cmp_line);

	exp = (char *)td_read("samples/properties-test.expected.txt", &len);
	i = 0;
	for (line = strtok(exp, "\n"); line != NULL;
	    line = strtok(NULL, "\n")) {
		/* "   (UTF-8 reader: ...)" is a note on another reader. */
		if ((cut = strstr(line, "]   (")) != NULL)
			cut[1] = '\0';
		assert_true(i < ngot);
		assert_string_equal(got[i], line);
		i++;
	}
	assert_int_equal(i, ngot);
	assert_int_equal(ngot, 23);
	for (i = 0; i < ngot; i++)
		free(got[i]);
	free(got);
	free(exp);
	props_free(p);
}

/* Malformed \uxxxx fails naming file and line, like Java's exception. */
static void
test_malformed(void **state)
{
	static const struct {
		const char	*file;
		int		 line;
	} t[] = {
		{ "props/bad-unicode-short.properties", 2 },
		{ "props/bad-unicode-nonhex.properties", 2 },
		{ "props/bad-unicode-key.properties", 2 },
		{ "props/bad-unicode-eof.properties", 2 },
	};
	struct props	*p = NULL;
	char		*cause = NULL, want[5000];
	size_t		 i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		assert_int_equal(props_load(td_path(t[i].file), &p, &cause),
		    -1);
		assert_null(p);
		snprintf(want, sizeof want, "%s: line %d: malformed \\uxxxx",
		    td_path(t[i].file), t[i].line);
		assert_true(strncmp(cause, want, strlen(want)) == 0);
		free(cause);
		cause = NULL;
	}
	/* The escape split over a continuation is fine (Java agrees). */
	assert_int_equal(props_load(td_path(
	    "props/unicode-across-continuation.properties"), &p, NULL), 0);
	assert_string_equal(props_get(p, "b"), "x\xc3\xa9");
	props_free(p);
	/* A missing file. */
	assert_int_equal(props_load("/nonexistent/x.properties", &p, &cause),
	    -1);
	assert_true(strncmp(cause, "/nonexistent/x.properties: ", 27) == 0);
	free(cause);
}

/* Entries: line numbers, spans, raw values, flags. */
static void
test_entries(void **state)
{
	static const char	 doc[] = "# c\r\n\r\n  a = 1\r\n"
	    "multi = x \\\r\n   y\r\n\xc3\xa9=\xe9\r\nlast\\\n";
	struct props		*p = parse_str(doc);
	const struct prop_entry	*e;
	int			*lines;
	size_t			 n;

	assert_int_equal(props_count(p), 4);
	e = props_entry(p, 0);
	assert_string_equal(e->key, "a");
	assert_int_equal(e->line, 3);
	assert_int_equal(e->last_line, 3);
	assert_int_equal(e->off, 7);
	assert_int_equal(e->len, 9);
	e = props_entry(p, 1);
	assert_string_equal(e->value, "x y");
	assert_string_equal(e->raw_value, "x y");
	assert_int_equal(e->line, 4);
	assert_int_equal(e->last_line, 5);
	assert_memory_equal(doc + e->off, "multi = x \\\r\n   y\r\n", e->len);
	assert_false(e->nonascii);
	e = props_entry(p, 2);
	/* ISO-8859-1: UTF-8 "é" is read as two characters. */
	assert_string_equal(e->key, "\xc3\x83\xc2\xa9");
	assert_string_equal(e->value, "\xc3\xa9");
	assert_true(e->nonascii);
	e = props_entry(p, 3);
	assert_string_equal(e->key, "last");
	assert_string_equal(e->value, "");
	assert_int_equal(e->line, 7);
	assert_null(props_entry(p, 4));
	n = props_nonascii_lines(p, &lines);
	assert_int_equal(n, 1);
	assert_int_equal(lines[0], 6);
	free(lines);
	props_free(p);

	/* Embedded NULs, and keys only Java's rules explain. */
	p = parse_str("");
	assert_int_equal(props_count(p), 0);
	assert_null(props_get(p, "x"));
	props_free(p);
	assert_int_equal(props_parse((const unsigned char *)"k\0y=v\0w\n", 8,
	    NULL, &p, NULL), 0);
	e = props_entry(p, 0);
	assert_int_equal(e->key_len, 3);
	assert_memory_equal(e->key, "k\0y", 3);
	assert_int_equal(e->value_len, 3);
	assert_memory_equal(e->value, "v\0w", 3);
	props_free(p);
}

/* props_nonascii_lines on the corpus file. */
static void
test_nonascii(void **state)
{
	struct props	*p;
	int		*lines;
	size_t		 n;

	assert_int_equal(props_load(td_path("props/unicode.properties"), &p,
	    NULL), 0);
	n = props_nonascii_lines(p, &lines);
	assert_int_equal(n, 4);
	assert_int_equal(lines[0], 1);
	assert_int_equal(lines[1], 2);
	assert_int_equal(lines[2], 4);
	assert_int_equal(lines[3], 5);
	free(lines);
	assert_false(props_entry(p, 2)->nonascii);	/* escaped */
	assert_string_equal(props_get(p, "escaped"),
	    "caf\xc3\xa9 \xe2\x82\xac");
	props_free(p);
}

/* Windows paths: the backslashes Java eats are detected. */
static void
test_windows_paths(void **state)
{
	static const struct {
		const char	*key;
		bool		 eats;
	} t[] = {
		{ "sharedDataPath", true },
		{ "installPath", true },
		{ "server.ssl.key-store", true },
		{ "good.double", false },
		{ "good.slash", false },
		{ "unc", false },
		{ "placeholder.path", true },
		{ "trailing.dir", true },
	};
	struct props		*p;
	const struct prop_entry	**l;
	size_t			 i;

	assert_int_equal(props_load(td_path(
	    "props/windows-paths.properties"), &p, NULL), 0);
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		assert_int_equal(props_find_all(p, t[i].key, &l), 1);
		if (props_eats_backslash(l[0]) != t[i].eats) {
			print_error("%s: %s\n", t[i].key, l[0]->raw_value);
			fail();
		}
		free(l);
	}
	props_find_all(p, "sharedDataPath", &l);
	assert_string_equal(l[0]->raw_value,
	    "C:\\ProgramData\\Actian\\IntegrationManager");
	assert_string_equal(l[0]->value,
	    "C:ProgramDataActianIntegrationManager");
	free(l);
	assert_string_equal(props_get(p, "server.ssl.key-store"),
	    "C:\temp\newkeystore.p12");
	assert_string_equal(props_get(p, "good.double"),
	    "C:\\ProgramData\\Actian");
	/* The trailing backslash continued the line. */
	assert_null(props_get(p, "next.line"));
	props_free(p);

	/* A real \uxxxx escape is not a Windows path. */
	p = parse_str("a=caf\\u00e9\nb=\\u00e9\\x\n");
	assert_false(props_eats_backslash(props_entry(p, 0)));
	assert_true(props_eats_backslash(props_entry(p, 1)));
	props_free(p);
}

/* Relaxed names and last-wins queries. */
static void
test_relaxed(void **state)
{
	struct props		*p;
	const struct prop_entry	**l;
	char			*c;

	assert_int_equal(props_load(td_path("props/duplicates.properties"),
	    &p, NULL), 0);
	assert_string_equal(props_get(p, "server.ssl.key-store"),
	    "second.p12");
	assert_string_equal(props_get(p, "server.ssl.keyStore"), "camel.p12");
	assert_null(props_get(p, "server.ssl.KEY-STORE"));
	assert_string_equal(props_get(p, "server.port"), "8443");
	assert_string_equal(props_get(p, "dup"), "c");
	assert_int_equal(props_find_all(p, "server.ssl.KEY-STORE", &l), 4);
	assert_int_equal(l[0]->line, 1);
	assert_int_equal(l[1]->line, 3);
	assert_int_equal(l[2]->line, 4);
	assert_int_equal(l[3]->line, 5);
	assert_string_equal(l[3]->value, "snake.p12");
	free(l);
	assert_int_equal(props_find_all(p, "server.ssl.key-alias", &l), 0);
	assert_null(l);
	props_free(p);

	c = props_canon_key("server.ssl.KEY-STORE");
	assert_string_equal(c, "server.ssl.keystore");
	free(c);
	c = props_canon_key("Server.SSL.key_Store-Type");
	assert_string_equal(c, "server.ssl.keystoretype");
	free(c);
}

/* props_set: in place, keeping the line's style. */
static void
test_set_replace(void **state)
{
	check_set("a=1\nb = 2\nc=3\n", "b", "X", "a=1\nb = X\nc=3\n");
	check_set("a=1\r\nb : 2\r\nc=3\r\n", "b", "new",
	    "a=1\r\nb : new\r\nc=3\r\n");
	check_set("a=1\rb\t2\rc=3\r", "b", "v", "a=1\rb\tv\rc=3\r");
	/* A continued value is replaced as a whole. */
	check_set("x=1\nmulti = a \\\n   b \\\n\tc\ny=2\n", "multi", "z",
	    "x=1\nmulti = z\ny=2\n");
	check_set("x=1\r\nmulti = a \\\r\n   b\r\ny=2\r\n", "multi", "z",
	    "x=1\r\nmulti = z\r\ny=2\r\n");
	/* The last of duplicates; indentation and no final newline kept. */
	check_set("d=1\n  d = 2\nd=3", "d", "4", "d=1\n  d = 2\nd=4");
	check_set("  a = 1\n", "a", "2", "  a = 2\n");
	/* A relaxed form is rewritten under the requested name. */
	check_set("server.ssl.keyStore=old.p12\n", "server.ssl.key-store",
	    "new.p12", "server.ssl.key-store=new.p12\n");
	/* The key as written (escapes and all) is kept. */
	check_set("key\\ with\\ space = v\n", "key with space", "w",
	    "key\\ with\\ space = w\n");
	/* Key-only lines. */
	check_set("nokey\n", "nokey", "v", "nokey=v\n");
	check_set("nokey\n", "nokey", "", "nokey\n");
	check_set("=x\n", "", "y", "=y\n");
	/* Escapes: ASCII only, Java reads back exactly the value. */
	check_set("k=1\n", "k", "  lead\\ \xc3\xa9\tx",
	    "k=\\  lead\\\\ \\u00E9\\tx\n");
	check_set("k v\n", "k", "=x", "k \\=x\n");
	check_set("k=1\n", "k", ":x=y#z!", "k=\\:x=y#z!\n");
	check_set("k=1\n", "k", "\xf0\x9f\x98\x80", "k=\\uD83D\\uDE00\n");
	check_set("k=1\n", "k", "trailing  ", "k=trailing  \n");
	/* End of input inside a continuation. */
	check_set("a=1\nb=x\\", "b", "y", "a=1\nb=y");
	check_set("a=1\nb=x\\\n", "b", "y", "a=1\nb=y\n");
}

/* props_set: a new key goes after its block, else at the end. */
static void
test_set_insert(void **state)
{
	static const char	ssl[] = "server.port=8080\n"
	    "server.ssl.key-store=a\nserver.ssl.key-alias=b\n"
	    "logging.level=INFO\n";

	check_set(ssl, "server.ssl.key-store-type", "PKCS12",
	    "server.port=8080\nserver.ssl.key-store=a\n"
	    "server.ssl.key-alias=b\nserver.ssl.key-store-type=PKCS12\n"
	    "logging.level=INFO\n");
	check_set(ssl, "server.address", "0.0.0.0",
	    "server.port=8080\nserver.ssl.key-store=a\n"
	    "server.ssl.key-alias=b\nserver.address=0.0.0.0\n"
	    "logging.level=INFO\n");
	check_set(ssl, "spring.main.banner-mode", "off",
	    "server.port=8080\nserver.ssl.key-store=a\n"
	    "server.ssl.key-alias=b\nlogging.level=INFO\n"
	    "spring.main.banner-mode=off\n");
	/* The block's separator style; the key escaped. */
	check_set("# x\nim.base-url = http://a\n# end\n", "im.x y", "1",
	    "# x\nim.base-url = http://a\nim.x\\ y = 1\n# end\n");
	/* No final newline: a line break first. */
	check_set("a=1\nb=2", "c", "3", "a=1\nb=2\nc=3\n");
	check_set("a=1\n# tail", "c", "3", "a=1\n# tail\nc=3\n");
	check_set("", "c", "3", "c=3\n");
	/* The dominant line end. */
	check_set("a=1\r\nb=2\r\nc=3\n", "d", "4",
	    "a=1\r\nb=2\r\nc=3\nd=4\r\n");
	check_set("a=1\rb=2\r", "c", "3", "a=1\rb=2\rc=3\r");
	check_set("a=1\rb=2", "c", "3", "a=1\rb=2\rc=3\r");
	/* A continuation cut by the end of input must stay cut. */
	check_set("a=x\\", "b", "1", "a=x\\\n\nb=1\n");
	check_set("a=x\\\n", "b", "1", "a=x\\\n\nb=1\n");
	check_set("a=x\\\r", "b", "1", "a=x\\\r\rb=1\r");
	check_set("a=x\\\r\n", "b", "1", "a=x\\\r\n\r\nb=1\r\n");
	check_set("a=x\\\n   ", "b", "1", "a=x\\\n   \n\nb=1\n");
	check_set("a=1\n\\\r\n", "b", "1", "a=1\n\\\r\nb=1\n");
	/* A lone backslash at the end is the entry "" = "". */
	check_set("a=1\n\\", "b", "1", "a=1\n=\nb=1\n");
	/* An empty key needs a real separator. */
	check_set("a b\n", "", "v", "a b\n=v\n");
}

/* props_unset and props_dedup, relaxed forms included. */
static void
test_unset_dedup(void **state)
{
	struct props	*p;
	size_t		 n;

	p = parse_str("a=1\nserver.ssl.keyStore=x\n# c\n"
	    "server.ssl.key-store = y \\\n  z\r\nb=2");
	assert_int_equal(props_unset(p, "server.ssl.key-store", &n, NULL),
	    0);
	assert_int_equal(n, 2);
	assert_doc(p, "a=1\n# c\nb=2");
	assert_int_equal(props_unset(p, "nothing", &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_doc(p, "a=1\n# c\nb=2");
	assert_int_equal(props_unset(p, "b", &n, NULL), 0);
	assert_doc(p, "a=1\n# c\n");
	props_free(p);

	p = parse_str("d=1\nx=0\r\nD=2\nd=3\n");
	assert_int_equal(props_dedup(p, "d", &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_doc(p, "x=0\r\nd=3\n");
	assert_int_equal(props_dedup(p, "d", &n, NULL), 0);
	assert_int_equal(n, 0);
	props_free(p);
}

/* A failed edit changes nothing. */
static void
test_edit_fails(void **state)
{
	static const char	 doc[] = "a=1\nb=2\n";
	struct props		*p = parse_str(doc);
	char			*cause = NULL;

	assert_int_equal(props_set(p, "a", "bad \xc3(", &cause), -1);
	assert_non_null(strstr(cause, "not valid UTF-8"));
	free(cause);
	cause = NULL;
	assert_int_equal(props_set(p, "\xed\xa0\x80", "v", &cause), -1);
	free(cause);
	assert_doc(p, doc);
	assert_string_equal(props_get(p, "a"), "1");
	props_free(p);
}

/* Resolve with the environment left out. */
static char *
res(const struct props *p, const char *v, int flags, bool *unres)
{
	char	*out = NULL, *cause = NULL;

	if (props_resolve(p, v, flags, &out, unres, &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	return (out);
}

/* Check one resolution. */
static void
check_res(const struct props *p, const char *v, int flags, const char *want,
    bool want_unres)
{
	char	*out;
	bool	 unres;

	out = res(p, v, flags, &unres);
	assert_string_equal(out, want);
	assert_int_equal(unres, want_unres);
	free(out);
}

/* ${...} from the same file, nested, defaults, unresolvable. */
static void
test_resolve(void **state)
{
	struct props	*p;
	const int	 N = PROPS_RES_NOENV;

	assert_int_equal(props_load(td_path(
	    "props/integration-manager.properties"), &p, NULL), 0);
	check_res(p, props_get(p, "server.ssl.key-store"), N,
	    "/etc/opt/actian/integration-manager/conf/ssl/keystore.p12",
	    false);
	check_res(p, "${dataflow.localEngineInstallPath}", N,
	    "/opt/actian/integration-manager/actian-dataflow-8.1.0/bin",
	    false);
	check_res(p, props_get(p, "im.base-url"), N,
	    "https://im.example.com:443", false);
	check_res(p, props_get(p, "encryption.key-store-password"), N,
	    "changeit", false);
	check_res(p, "no placeholders", N, "no placeholders", false);
	check_res(p, "${nope:fallback}", N, "fallback", false);
	check_res(p, "${nope:}", N, "", false);
	check_res(p, "${a:${b:c}}", N, "c", false);
	check_res(p, "${a:${server.port}}", N, "443", false);
	check_res(p, "${missing}/x", N, "${missing}/x", true);
	check_res(p, "${p.${missing}}", N, "${p.${missing}}", true);
	check_res(p, "${unclosed", N, "${unclosed", false);
	check_res(p, "${a ${server.port}", N, "${a 443", false);
	check_res(p, "$ {x} {y} $", N, "$ {x} {y} $", false);
	/* Relaxed names resolve from the file too. */
	check_res(p, "${server.ssl.keyAlias}", N, "integration-manager",
	    false);
	props_free(p);

	p = parse_str("q=x\np.x=found\nr=${q}\nport:${p.${r}}\n"
	    "a\\:b=literal\n");
	check_res(p, "${p.${q}}", N, "found", false);
	check_res(p, "${port}", N, "found", false);
	/* Spring 6.2 tries "a:b" as a key before splitting it. */
	check_res(p, "${a:b}", N, "literal", false);
	props_free(p);
}

/* The environment comes before the file, in Spring's forms. */
static void
test_resolve_env(void **state)
{
	struct props	*p;

	p = parse_str("sharedDataPath=/file\nserver.ssl.key-store=f.p12\n"
	    "ks=${server.ssl.key-store}\n");
	unsetenv("sharedDataPath");
	unsetenv("SHAREDDATAPATH");
	unsetenv("SERVER_SSL_KEYSTORE");
	unsetenv("SERVER_SSL_KEY_STORE");
	check_res(p, "${sharedDataPath}", 0, "/file", false);
	setenv("SHAREDDATAPATH", "/env", 1);
	check_res(p, "${sharedDataPath}/x", 0, "/env/x", false);
	check_res(p, "${sharedDataPath}/x", PROPS_RES_NOENV, "/file/x",
	    false);
	setenv("sharedDataPath", "/exact", 1);
	check_res(p, "${sharedDataPath}", 0, "/exact", false);
	setenv("SERVER_SSL_KEY_STORE", "legacy.p12", 1);
	check_res(p, "${ks}", 0, "legacy.p12", false);
	setenv("SERVER_SSL_KEYSTORE", "env.p12", 1);
	check_res(p, "${ks}", 0, "env.p12", false);
	/* Values from the environment are resolved again. */
	setenv("SERVER_SSL_KEYSTORE", "${sharedDataPath}/k.p12", 1);
	check_res(p, "${ks}", 0, "/exact/k.p12", false);
	unsetenv("sharedDataPath");
	unsetenv("SHAREDDATAPATH");
	unsetenv("SERVER_SSL_KEYSTORE");
	unsetenv("SERVER_SSL_KEY_STORE");
	props_free(p);
}

/* Cycles and runaway expansion fail with a clear message. */
static void
test_resolve_errors(void **state)
{
	struct props	*p;
	char		*out = NULL, *cause = NULL, *doc = NULL, *t;
	int		 i;

	p = parse_str("a=${b}\nb=x${c:${a}}\nself=${self}\n");
	assert_int_equal(props_resolve(p, "${a}", PROPS_RES_NOENV, &out,
	    NULL, &cause), -1);
	assert_null(out);
	assert_string_equal(cause, "t.properties: circular placeholder "
	    "reference: a -> b -> a");
	free(cause);
	cause = NULL;
	assert_int_equal(props_resolve(p, "x ${self}", PROPS_RES_NOENV, &out,
	    NULL, &cause), -1);
	assert_string_equal(cause, "t.properties: circular placeholder "
	    "reference: self -> self");
	free(cause);
	cause = NULL;
	props_free(p);

	/* A chain deeper than the limit. */
	for (i = 0; i < 40; i++) {
		xasprintf(&t, "%sk%d=${k%d}\n", doc == NULL ? "" : doc, i,
		    i + 1);
		free(doc);
		doc = t;
	}
	p = parse_str(doc);
	free(doc);
	doc = NULL;
	assert_int_equal(props_resolve(p, "${k0}", PROPS_RES_NOENV, &out,
	    NULL, &cause), -1);
	assert_non_null(strstr(cause, "too deeply"));
	free(cause);
	cause = NULL;
	check_res(p, "${k30}", PROPS_RES_NOENV, "${k40}", true);
	props_free(p);

	/* Doubling at every level. */
	for (i = 0; i < 30; i++) {
		xasprintf(&t, "%sx%d=${x%d}${x%d}\n", doc == NULL ? "" : doc,
		    i, i + 1, i + 1);
		free(doc);
		doc = t;
	}
	p = parse_str(doc);
	free(doc);
	assert_int_equal(props_resolve(p, "${x0}", PROPS_RES_NOENV, &out,
	    NULL, &cause), -1);
	assert_non_null(strstr(cause, "too large"));
	free(cause);
	props_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_sample_expected),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_nonascii),
		cmocka_unit_test(test_windows_paths),
		cmocka_unit_test(test_relaxed),
		cmocka_unit_test(test_set_replace),
		cmocka_unit_test(test_set_insert),
		cmocka_unit_test(test_unset_dedup),
		cmocka_unit_test(test_edit_fails),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_resolve_env),
		cmocka_unit_test(test_resolve_errors),
	};
	return (cmocka_run_group_tests(tests, NULL, NULL));
}

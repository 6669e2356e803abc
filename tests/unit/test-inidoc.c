/* SPDX-License-Identifier: ISC */
/*
 * test-inidoc.c -- core/inidoc.c and core/obf.c: Jetty's start.ini and
 * start.d files as start.jar reads them (the fixtures are Debian's jetty9
 * start.ini and the start.d files its start.jar writes for ssl, https and
 * ssl-reload), byte-exact round trips, edits byte for byte, bad input;
 * OBF: passwords byte for byte as Jetty's own Password class writes them
 * (against the jetty9 jar when it is installed).
 */
#include <sys/wait.h>

#include <dirent.h>
#include <glob.h>
#include <unistd.h>

#include "testutil.h"

static struct inidoc *
parse_str(const char *s)
{
	struct inidoc	*d = NULL;
	char		*cause = NULL;

	if (inidoc_parse((const unsigned char *)s, strlen(s), "t.ini", &d,
	    &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	return (d);
}

static void
assert_doc(const struct inidoc *d, const char *want)
{
	unsigned char	*out;
	size_t		 len;

	inidoc_serialize(d, &out, &len);
	if (len != strlen(want) || memcmp(out, want, len) != 0) {
		print_error("got:\n[%.*s]\nwant:\n[%s]\n", (int)len, out, want);
		free(out);
		fail();
	}
	free(out);
}

static void
assert_get(const struct inidoc *d, const char *key, const char *want)
{
	char	*v = inidoc_get(d, key);

	if (want == NULL)
		assert_null(v);
	else {
		assert_non_null(v);
		assert_string_equal(v, want);
	}
	free(v);
}

static void
test_roundtrip(void **state)
{
	struct inidoc	*d;
	struct dirent	*de;
	DIR		*dir;
	unsigned char	*buf, *out;
	size_t		 len, outlen;
	char		 rel[512], *cause = NULL;
	int		 n = 0;

	assert_non_null(dir = opendir(td_path("conf/ini")));
	while ((de = readdir(dir)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".ini") != 0 ||
		    strncmp(de->d_name, "bad-", 4) == 0)
			continue;
		snprintf(rel, sizeof rel, "conf/ini/%s", de->d_name);
		buf = td_read(rel, &len);
		if (inidoc_parse(buf, len, rel, &d, &cause) != 0) {
			print_error("%s\n", cause);
			fail();
		}
		inidoc_serialize(d, &out, &outlen);
		assert_int_equal(outlen, len);
		assert_memory_equal(out, buf, len);
		free(out);
		inidoc_free(d);
		free(buf);
		n++;
	}
	closedir(dir);
	assert_true(n >= 4);
}

/* Debian's start.ini and the start.d files Jetty writes. */
static void
test_jetty_files(void **state)
{
	const struct inidoc_entry	*e;
	struct inidoc			*d;
	const char			**mods;
	unsigned char			*buf;
	size_t				 len;
	char				*cause = NULL;

	buf = td_read("conf/ini/debian-jetty9-start.ini", &len);
	assert_int_equal(inidoc_parse(buf, len, "start.ini", &d, &cause), 0);
	assert_int_equal(inidoc_modules(d, &mods), 7);
	assert_string_equal(mods[0], "deploy");
	assert_string_equal(mods[6], "resources");
	free(mods);
	assert_get(d, "jetty.http.port", "8080");
	e = inidoc_find(d, "jetty.http.port");
	assert_int_equal(e->line, 23);
	assert_int_equal(e->kind, INIDOC_PROPERTY);
	assert_null(inidoc_find(d, "jetty.host"));	/* commented out */
	inidoc_free(d);
	free(buf);

	buf = td_read("conf/ini/jetty9-start.d-ssl.ini", &len);
	assert_int_equal(inidoc_parse(buf, len, "ssl.ini", &d, &cause), 0);
	assert_int_equal(inidoc_count(d), 1);	/* all else is template */
	assert_int_equal(inidoc_modules(d, &mods), 1);
	assert_string_equal(mods[0], "ssl");
	free(mods);
	inidoc_free(d);
	free(buf);
}

/* The rules of Jetty's TextFile and StartArgs. */
static void
test_semantics(void **state)
{
	const struct inidoc_entry	*e;
	struct inidoc			*d;
	const char			**mods;
	char				*v;

	d = parse_str("# comment\n  # indented comment\n\n   \n"
	    "  a=1  \n"
	    "b = 2\n"
	    "c+=,x\n"
	    "c+=,y\n"
	    "d?=1\n"
	    "d=2\n"
	    "e=2\n"
	    "e?=1\n"
	    "f=1\nf=2\nf=1\n"
	    "-Dg=sys\n"
	    "--module=ssl, https,,\n"
	    "--modules=ssl,http\n"
	    "--add-to-start=jmx\n"
	    "etc/jetty-ssl.xml\n"
	    "-Xmx1g\n"
	    "--exec\n"
	    "h=${jetty.base}/etc/keystore\n"
	    "i=\n");
	assert_get(d, "a", "1");
	assert_null(inidoc_find(d, "b"));		/* the name is "b " */
	e = inidoc_find(d, "b ");
	assert_non_null(e);
	assert_string_equal(e->value, " 2");
	assert_true(e->spaced);
	assert_get(d, "c", "x,y");
	assert_get(d, "d", "2");
	assert_get(d, "e", "2");
	assert_get(d, "f", "2");	/* the third line repeats the first */
	e = inidoc_find(d, "g");
	assert_int_equal(e->kind, INIDOC_SYSPROP);
	assert_get(d, "g", "sys");
	assert_get(d, "h", "${jetty.base}/etc/keystore");
	assert_get(d, "i", "");
	assert_get(d, "nope", NULL);
	assert_int_equal(inidoc_modules(d, &mods), 3);
	assert_string_equal(mods[0], "ssl");
	assert_string_equal(mods[1], "https");
	assert_string_equal(mods[2], "http");
	free(mods);
	assert_int_equal(inidoc_entry(d, 14)->kind, INIDOC_ADD_MODULE);
	assert_int_equal(inidoc_entry(d, 15)->kind, INIDOC_FILE);
	assert_int_equal(inidoc_entry(d, 16)->kind, INIDOC_OPTION);
	assert_int_equal(inidoc_entry(d, 17)->kind, INIDOC_OPTION);
	/* Folding over files: a later file's += appends, ?= defers. */
	v = xstrdup("base");
	assert_int_equal(inidoc_fold(d, "c", &v), 2);
	assert_string_equal(v, "base,x,y");
	assert_int_equal(inidoc_fold(d, "d", &v), 2);
	free(v);
	v = xstrdup("set");
	inidoc_fold(d, "e", &v);
	assert_string_equal(v, "2");
	free(v);
	inidoc_free(d);

	/* Line ends: CR, CRLF, none at the end. */
	d = parse_str("a=1\rb=2\r\nc=3");
	assert_get(d, "a", "1");
	assert_get(d, "b", "2");
	assert_get(d, "c", "3");
	assert_int_equal(inidoc_find(d, "c")->line, 3);
	inidoc_free(d);

	/* A byte order mark is no blank to Java: it starts a name. */
	d = parse_str("\xef\xbb\xbf--module=ssl\n");
	assert_int_equal(inidoc_entry(d, 0)->kind, INIDOC_PROPERTY);
	assert_int_equal(inidoc_modules(d, &mods), 0);
	inidoc_free(d);
}

static void
test_bad(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*want;
	} bad[] = {
		{ "a=1\n--module=\n", 0, "line 2: --module has no module" },
		{ "--module= , \n", 0, "line 1: --module has no module" },
		{ "a=1\n\njust words\n", 0,
		    "line 3: Jetty does not understand" },
		{ "a=caf\xe9\n", 0, "line 1: not UTF-8" },
		{ "a=1\nb=\0\n", 7, "line 2: NUL byte" },
		{ "\xff\xfe" "a\0=\0" "1\0", 8, "UTF-16" },
	};
	struct inidoc	*d;
	size_t		 i, len;
	char		*cause;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		len = bad[i].len != 0 ? bad[i].len : strlen(bad[i].in);
		cause = NULL;
		assert_int_equal(inidoc_parse((const unsigned char *)bad[i].in,
		    len, "t.ini", &d, &cause), -1);
		assert_null(d);
		if (cause == NULL || strncmp(cause, "t.ini: ", 7) != 0 ||
		    strstr(cause, bad[i].want) == NULL ||
		    strchr(cause, '\n') != NULL) {
			print_error("case %zu: \"%s\"\n", i, cause);
			fail();
		}
		free(cause);
	}
}

static void
test_huge(void **state)
{
	struct inidoc	*d;
	unsigned char	*buf;
	size_t		 len = CONFIG_MAX_SIZE + 1;
	char		*cause = NULL;

	buf = xmalloc(len);
	memset(buf, '#', len);
	assert_int_equal(inidoc_parse(buf, len, "big.ini", &d, &cause), -1);
	assert_non_null(strstr(cause, "big.ini: too large"));
	free(cause);
	free(buf);
}

static void
test_set(void **state)
{
	static const struct {
		const char	*in;
		const char	*key;
		const char	*value;
		const char	*want;
	} cases[] = {
		/* In place: name, operator and line end kept. */
		{ "a=1\nb=2\n", "a", "9", "a=9\nb=2\n" },
		{ "  a=1  \r\nb=2\r\n", "a", "9", "  a=9\r\nb=2\r\n" },
		{ "a?=1\n", "a", "9", "a?=9\n" },
		{ "-Da=1\n", "a", "9", "-Da=9\n" },
		{ "  -Da  \r\n", "a", "9", "  -Da=9\r\n" },
		{ "a=1\na=2\n", "a", "9", "a=1\na=9\n" },
		/* Jetty drops the repeated line: a reads 2 either way. */
		{ "a=2\na=1\n", "a", "2", "a=2\na=2\n" },
		{ "a=1", "a", "9", "a=9" },
		/* After the commented-out template line. */
		{ "## port\n# jetty.ssl.port=8443\n\nx=1\n", "jetty.ssl.port",
		    "443", "## port\n# jetty.ssl.port=8443\n"
		    "jetty.ssl.port=443\n\nx=1\n" },
		/* After the last property sharing two dotted elements. */
		{ "jetty.ssl.port=1\nx=1\njetty.ssl.host=h\ny=2\n",
		    "jetty.ssl.idleTimeout", "5",
		    "jetty.ssl.port=1\nx=1\njetty.ssl.host=h\n"
		    "jetty.ssl.idleTimeout=5\ny=2\n" },
		/* After the --module line naming ssl. */
		{ "# hdr\n--module=http,ssl\n\njetty.http.port=1\n",
		    "jetty.sslContext.keyStorePath", "etc/k.p12",
		    "# hdr\n--module=http,ssl\njetty.sslContext.keyStorePath="
		    "etc/k.p12\n\njetty.http.port=1\n" },
		/* At the end, with the file's line end. */
		{ "a=1\r\n", "b", "2", "a=1\r\nb=2\r\n" },
		{ "a=1", "b", "2", "a=1\nb=2\n" },
		{ "", "b", "2", "b=2\n" },
		{ "a=1\n", "b", "", "a=1\nb=\n" },
		{ "a=1\n", "b", "${jetty.base}/x", "a=1\nb=${jetty.base}/x\n" },
	};
	struct inidoc	*d;
	char		*cause;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		d = parse_str(cases[i].in);
		cause = NULL;
		if (inidoc_set(d, cases[i].key, cases[i].value, &cause) != 0) {
			print_error("case %zu: %s\n", i, cause);
			fail();
		}
		assert_doc(d, cases[i].want);
		assert_get(d, cases[i].key, cases[i].value);
		inidoc_free(d);
	}
}

static void
test_set_refused(void **state)
{
	static const struct {
		const char	*in;
		const char	*key;
		const char	*value;
		const char	*want;
	} cases[] = {
		{ "a+=,x\n", "a", "y", "line 1: a+= appends" },
		{ "a=1\n", "a", "x\ny", "one line" },
		{ "a=1\n", "a", " x", "blanks" },
		{ "a=1\n", "a b", "x", "not a property name" },
		{ "a=1\n", "-Dx", "x", "not a property name" },
		{ "a=1\n", "#a", "x", "not a property name" },
		{ "a=1\n", "a+", "x", "not a property name" },
		{ "a=1\n", "", "x", "not a property name" },
		{ "a=1\n", "a", "\xff", "UTF-8" },
	};
	struct inidoc	*d;
	char		*cause;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		d = parse_str(cases[i].in);
		cause = NULL;
		if (inidoc_set(d, cases[i].key, cases[i].value, &cause) == 0) {
			print_error("case %zu: not refused\n", i);
			fail();
		}
		if (cause == NULL || strncmp(cause, "t.ini: ", 7) != 0 ||
		    strstr(cause, cases[i].want) == NULL) {
			print_error("case %zu: \"%s\"\n", i, cause);
			fail();
		}
		free(cause);
		assert_doc(d, cases[i].in);
		inidoc_free(d);
	}
}

static void
test_unset_module(void **state)
{
	struct inidoc	*d;
	size_t		 n;
	char		*cause = NULL;

	d = parse_str("a=1\nb=2\n-Da=3\na+=,4\n");
	assert_int_equal(inidoc_unset(d, "a", &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_doc(d, "b=2\n");
	assert_int_equal(inidoc_unset(d, "zz", &n, &cause), 0);
	assert_int_equal(n, 0);
	inidoc_free(d);

	d = parse_str("x=1\na=1");
	assert_int_equal(inidoc_unset(d, "a", NULL, &cause), 0);
	assert_doc(d, "x=1");
	inidoc_free(d);

	d = parse_str("# mods\n--module=http\n\nx=1\n");
	assert_int_equal(inidoc_add_module(d, "ssl", &cause), 0);
	assert_int_equal(inidoc_add_module(d, "http", &cause), 0);
	assert_doc(d, "# mods\n--module=http\n--module=ssl\n\nx=1\n");
	assert_int_equal(inidoc_add_module(d, "a,b", &cause), -1);
	assert_non_null(strstr(cause, "not a module name"));
	free(cause);
	inidoc_free(d);

	d = parse_str("x=1");
	assert_int_equal(inidoc_add_module(d, "ssl-reload", &cause), 0);
	assert_doc(d, "x=1\n--module=ssl-reload\n");
	inidoc_free(d);
}

/* Enable TLS on Jetty's own ssl.ini: only new lines, each after its
 * template. */
static void
test_jetty_edit(void **state)
{
	struct inidoc	*d;
	struct secret	*pw, *obf;
	unsigned char	*buf, *out;
	size_t		 len, outlen;
	char		*cause = NULL, *want;
	const char	*tpl = "# jetty.sslContext.keyStorePath=etc/keystore\n";
	unsigned char	*at;

	buf = td_read("conf/ini/jetty9-start.d-ssl.ini", &len);
	assert_int_equal(inidoc_parse(buf, len, "ssl.ini", &d, &cause), 0);
	assert_int_equal(inidoc_set(d, "jetty.sslContext.keyStorePath",
	    "etc/tlsdeck.p12", &cause), 0);
	pw = secret_from_str("p\xc3\xa4sswort");
	obf = obf_encode(pw);
	assert_int_equal(inidoc_set(d, "jetty.sslContext.keyStorePassword",
	    obf->buf, &cause), 0);
	assert_int_equal(inidoc_set(d, "jetty.ssl.port", "9443", &cause), 0);
	inidoc_serialize(d, &out, &outlen);
	at = memmem(buf, len, tpl, strlen(tpl));
	assert_non_null(at);
	xasprintf(&want, "%sjetty.sslContext.keyStorePath=etc/tlsdeck.p12\n",
	    tpl);
	assert_non_null(memmem(out, outlen, want, strlen(want)));
	free(want);
	xasprintf(&want, "# jetty.ssl.port=8443\njetty.ssl.port=9443\n");
	assert_non_null(memmem(out, outlen, want, strlen(want)));
	free(want);
	assert_int_equal(outlen, len + strlen("jetty.sslContext."
	    "keyStorePath=etc/tlsdeck.p12\n") + strlen("jetty.sslContext."
	    "keyStorePassword=\n") + obf->len +
	    strlen("jetty.ssl.port=9443\n"));
	free(out);
	secret_free(pw);
	secret_free(obf);
	inidoc_free(d);
	free(buf);
}

/* ------------------------------------------------------------------ */
/* OBF: */

/* Written by Jetty 9.4's Password class (jetty-util 9.4.57). */
static const struct {
	const char	*pw;
	const char	*obf;
} obf_vectors[] = {
	{ "changeit", "OBF:1vn21ugu1saj1v9i1v941sar1ugw1vo0" },
	{ "secret", "OBF:1yta1t331v8w1v9q1t331ytc" },
	{ "p&ss w0rd!~", "OBF:206p137o1vny1yf414z3207314zz1yf21vn4137e207h" },
	{ "p\xc3\xa4ssw\xc3\xb6rd",
	    "OBF:1v2jU12luU0wjaU0mv71zej1zerU12lvU102sU0mo31v1v" },
	{ "\xe2\x82\xacuro", "OBF:U18q7U0prmU0y2dU0n8sU0mmaU0m3m" },
	{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x83\x91\xe3\x82\xb9",
	    "OBF:U19kpU0txeU0wrnU19jlU0uwzU0y5fU19y6U0xpmU0ve0U18z0U0pzwU0sti"
	    "U18ytU0psnU10py" },
	{ "a", "OBF:1ri7" },
	{ "", "OBF:" },
};

static void
test_obf_vectors(void **state)
{
	struct secret	*pw, *obf, *back;
	char		*cause = NULL;
	size_t		 i;

	for (i = 0; i < sizeof obf_vectors / sizeof obf_vectors[0]; i++) {
		pw = secret_from_str(obf_vectors[i].pw);
		obf = obf_encode(pw);
		assert_string_equal(obf->buf, obf_vectors[i].obf);
		assert_int_equal(obf_decode(obf_vectors[i].obf, &back,
		    &cause), 0);
		assert_true(secret_equal(back, pw));
		secret_free(back);
		secret_free(obf);
		secret_free(pw);
	}
	assert_int_equal(obf_kind("OBF:1ri7"), OBF_OBF);
	assert_int_equal(obf_kind("MD5:0cc175b9c0f1b6a831c399e269772661"),
	    OBF_MD5);
	assert_int_equal(obf_kind("CRYPT:abc"), OBF_CRYPT);
	assert_int_equal(obf_kind("obf:1ri7"), OBF_PLAIN);
	assert_int_equal(obf_kind("changeit"), OBF_PLAIN);
}

/* Jetty decodes an OBF: inside an OBF: too; upper-case digits read. */
static void
test_obf_nested(void **state)
{
	struct secret	*pw, *once, *twice, *back;
	char		*cause = NULL;

	pw = secret_from_str("s3cret");
	once = obf_encode(pw);
	twice = obf_encode(once);
	assert_int_equal(obf_decode(twice->buf, &back, &cause), 0);
	assert_true(secret_equal(back, pw));
	secret_free(back);
	assert_int_equal(obf_decode("OBF:1RI7", &back, &cause), 0);
	assert_string_equal(back->buf, "a");
	secret_free(back);
	secret_free(twice);
	secret_free(once);
	secret_free(pw);
}

static void
test_obf_bad(void **state)
{
	static const struct {
		const char	*s;
		const char	*want;
	} bad[] = {
		{ "OBF:1ri", "corrupt OBF:" },
		{ "OBF:1ri71", "corrupt OBF:" },
		{ "OBF:1ri8", "corrupt OBF:" },		/* odd: not Jetty's */
		{ "OBF:zzzz", "corrupt OBF:" },
		{ "OBF:1r-7", "corrupt OBF:" },
		{ "OBF:U0000", "corrupt OBF:" },
		{ "OBF:U12lu", "corrupt OBF:" },	/* half a pair */
		{ "OBF:0000", "corrupt OBF:" },		/* a NUL byte */
		{ "MD5:0cc175b9c0f1b6a831c399e269772661", "one-way digest" },
		{ "CRYPT:ust6V9o.ULuos", "one-way crypt(3)" },
		{ "changeit", "not an OBF: password" },
	};
	struct secret	*s;
	char		*cause;
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		s = (struct secret *)1;
		assert_int_equal(obf_decode(bad[i].s, &s, &cause), -1);
		assert_null(s);
		if (cause == NULL || strstr(cause, bad[i].want) == NULL ||
		    strstr(cause, bad[i].s + 4) != NULL) {
			print_error("case %zu: \"%s\"\n", i, cause);
			fail();
		}
		free(cause);
	}
}

/* s in single quotes for sh (malloc'd). */
static char *
sh_quote(const char *s)
{
	struct confbuf	b = { NULL, 0, 0 };

	confbuf_str(&b, "'");
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			confbuf_str(&b, "'\\''");
		else
			confbuf_add(&b, s, 1);
	}
	confbuf_str(&b, "'");
	return ((char *)b.d);
}

/* Round trips of many passwords, and the real Jetty jar when present:
 * java -cp jetty-util.jar org.eclipse.jetty.util.security.Password. */
static void
test_obf_jetty(void **state)
{
	static const char *const pws[] = { "tlsdeck-demo", "x", "Zz9~ !",
	    "\xc3\xa9t\xc3\xa9", "\xf0\x9f\x94\x91key", "a\"b'c$d`e\\f" };
	struct secret	*pw, *obf, *back;
	glob_t		 g;
	FILE		*f;
	char		 line[1024], *cmd, *q, *cause = NULL;
	unsigned char	 b[64];
	size_t		 i, j, n;

	for (i = 0; i < 2000; i++) {
		n = 1 + i % 40;
		for (j = 0; j < n; j++)
			b[j] = 0x20 + (unsigned char)((i * 7 + j * 13) % 95);
		pw = secret_new(b, n);
		obf = obf_encode(pw);
		assert_int_equal(obf_decode(obf->buf, &back, &cause), 0);
		assert_true(secret_equal(back, pw));
		secret_free(back);
		secret_free(obf);
		secret_free(pw);
	}
	if (glob("/usr/share/jetty9/lib/jetty-util-*.jar", 0, NULL, &g) != 0 ||
	    system("java -version >/dev/null 2>&1") != 0) {
		print_message("# no jetty9 jar or java: fixed vectors only\n");
		return;
	}
	for (i = 0; i < sizeof pws / sizeof pws[0]; i++) {
		/* Test passwords, not secrets: fine on a command line. */
		q = sh_quote(pws[i]);
		xasprintf(&cmd, "java -cp %s org.eclipse.jetty.util.security."
		    "Password user %s 2>&1", g.gl_pathv[0], q);
		free(q);
		assert_non_null(f = popen(cmd, "r"));
		line[0] = '\0';
		while (fgets(line, sizeof line, f) != NULL &&
		    strncmp(line, "OBF:", 4) != 0)
			;
		pclose(f);
		line[strcspn(line, "\n")] = '\0';
		pw = secret_from_str(pws[i]);
		obf = obf_encode(pw);
		if (strcmp(obf->buf, line) != 0) {
			print_error("%s: Jetty writes %s, we %s\n", pws[i],
			    line, obf->buf);
			fail();
		}
		secret_free(obf);
		secret_free(pw);
		free(cmd);
	}
	globfree(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_jetty_files),
		cmocka_unit_test(test_semantics),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_huge),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_set_refused),
		cmocka_unit_test(test_unset_module),
		cmocka_unit_test(test_jetty_edit),
		cmocka_unit_test(test_obf_vectors),
		cmocka_unit_test(test_obf_nested),
		cmocka_unit_test(test_obf_bad),
		cmocka_unit_test(test_obf_jetty),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

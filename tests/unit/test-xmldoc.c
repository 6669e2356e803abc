/* SPDX-License-Identifier: ISC */
/*
 * test-xmldoc.c -- core/xmldoc.c: byte-exact round trips of real
 * server.xml files (Debian's tomcat10, Tomcat 9/10.1/11 connectors, the
 * old keystoreFile form), the element model, edits byte for byte and each
 * result accepted by xmllint, documents that include others (entities,
 * XInclude), and bad input.
 */
#include <sys/wait.h>

#include <dirent.h>
#include <unistd.h>

#include "testutil.h"

static struct xmldoc *
parse_str(const char *s)
{
	struct xmldoc	*d = NULL;
	char		*cause = NULL;

	if (xmldoc_parse((const unsigned char *)s, strlen(s), "s.xml", &d,
	    &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	return (d);
}

static struct xmldoc *
parse_file(const char *rel)
{
	struct xmldoc	*d = NULL;
	unsigned char	*buf;
	size_t		 len;
	char		*cause = NULL;

	buf = td_read(rel, &len);
	if (xmldoc_parse(buf, len, rel, &d, &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	free(buf);
	return (d);
}

/* xmllint (libxml2-utils), a separate reader, must accept the bytes. */
static void
xmllint(const struct xmldoc *d)
{
	static int	 missing = -1;
	unsigned char	*out;
	size_t		 len;
	char		 path[] = "/tmp/xmldoc-XXXXXX", *cmd;
	int		 fd, rc;

	if (missing == -1)
		missing = system("xmllint --version >/dev/null 2>&1") != 0;
	if (missing)
		return;
	xmldoc_serialize(d, &out, &len);
	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, out, len), (ssize_t)len);
	close(fd);
	xasprintf(&cmd, "xmllint --noout --nonet %s", path);
	rc = system(cmd);
	if (!WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
		print_error("xmllint refuses:\n%.*s\n", (int)len, out);
		fail();
	}
	unlink(path);
	free(cmd);
	free(out);
}

static void
assert_doc(const struct xmldoc *d, const char *want)
{
	unsigned char	*out;
	size_t		 len;

	xmldoc_serialize(d, &out, &len);
	if (len != strlen(want) || memcmp(out, want, len) != 0) {
		print_error("got:\n[%.*s]\nwant:\n[%s]\n", (int)len, out, want);
		free(out);
		fail();
	}
	free(out);
}

/* buf with [from, from + n) replaced by s must be the document. */
static void
assert_spliced(const struct xmldoc *d, const unsigned char *buf, size_t len,
    size_t from, size_t n, const char *s)
{
	unsigned char	*out;
	size_t		 outlen, k = strlen(s);

	xmldoc_serialize(d, &out, &outlen);
	assert_int_equal(outlen, len - n + k);
	assert_memory_equal(out, buf, from);
	assert_memory_equal(out + from, s, k);
	assert_memory_equal(out + from + k, buf + from + n, len - from - n);
	free(out);
}

static void
test_roundtrip(void **state)
{
	struct xmldoc	*d;
	struct dirent	*de;
	DIR		*dir;
	unsigned char	*buf, *out;
	size_t		 len, outlen;
	char		 rel[512], *cause = NULL;
	int		 n = 0;

	assert_non_null(dir = opendir(td_path("conf/xml")));
	while ((de = readdir(dir)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".xml") != 0 ||
		    strncmp(de->d_name, "bad-", 4) == 0)
			continue;
		snprintf(rel, sizeof rel, "conf/xml/%s", de->d_name);
		buf = td_read(rel, &len);
		if (xmldoc_parse(buf, len, rel, &d, &cause) != 0) {
			print_error("%s\n", cause);
			fail();
		}
		xmldoc_serialize(d, &out, &outlen);
		assert_int_equal(outlen, len);
		assert_memory_equal(out, buf, len);
		free(out);
		xmldoc_free(d);
		free(buf);
		n++;
	}
	closedir(dir);
	assert_true(n >= 9);
}

static void
test_bad(void **state)
{
	static const struct {
		const char	*file;
		const char	*want;
	} bad[] = {
		{ "bad-mismatched.xml", "line 4: Opening and ending tag "
		    "mismatch" },
		{ "bad-duplicate-attr.xml",
		    "line 2: Attribute port redefined" },
		{ "bad-unquoted.xml", "line 1: AttValue" },
		{ "bad-two-roots.xml", "line 2: Extra content" },
		{ "bad-undefined-entity.xml",
		    "Entity 'undefined' not defined" },
		{ "bad-encoding.xml",
		    "encoding \"Shift_JIS\" is not supported" },
		{ "bad-billion-laughs.xml", "billion laughs" },
		{ "bad-deep.xml", "nested more than 256 levels" },
		{ "bad-deep-ours.xml", "nested more than 100 levels" },
		{ "bad-binary.xml", "binary data" },
		{ "bad-utf16.xml", "UTF-16" },
	};
	struct xmldoc	*d;
	unsigned char	*buf;
	size_t		 i, len;
	char		 rel[256], *cause;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(rel, sizeof rel, "conf/xml/%s", bad[i].file);
		buf = td_read(rel, &len);
		cause = NULL;
		assert_int_equal(xmldoc_parse(buf, len, rel, &d, &cause), -1);
		assert_null(d);
		if (cause == NULL || strncmp(cause, rel, strlen(rel)) != 0 ||
		    strstr(cause, bad[i].want) == NULL ||
		    strchr(cause, '\n') != NULL) {
			print_error("%s: got \"%s\"\n", rel, cause);
			fail();
		}
		free(cause);
		free(buf);
	}
}

static void
test_huge(void **state)
{
	struct xmldoc	*d;
	unsigned char	*buf;
	size_t		 len = CONFIG_MAX_SIZE + 1;
	char		*cause = NULL;

	buf = xmalloc(len);
	memset(buf, ' ', len);
	memcpy(buf, "<a>", 3);
	memcpy(buf + len - 4, "</a>", 4);
	assert_int_equal(xmldoc_parse(buf, len, "big.xml", &d, &cause), -1);
	assert_non_null(strstr(cause, "big.xml: too large"));
	free(cause);
	free(buf);
}

/* The element model: paths, children, decoded attributes, positions. */
static void
test_model(void **state)
{
	const struct xmldoc_elem	**l, **c, *e;
	const struct xmldoc_attr	*a;
	struct xmldoc			*d;
	unsigned char			*buf;
	size_t				 n, len;

	d = parse_file("conf/xml/debian-tomcat10-server.xml");
	assert_int_equal(xmldoc_flags(d), 0);
	assert_null(xmldoc_warning(d));
	n = xmldoc_find(d, "Server/Service/Connector", &l);
	assert_int_equal(n, 1);	/* the others are commented out */
	assert_string_equal(xmldoc_get(l[0], "port"), "8080");
	assert_string_equal(xmldoc_get(l[0], "redirectPort"), "8443");
	assert_null(xmldoc_get(l[0], "SSLEnabled"));
	assert_int_equal(l[0]->line, 70);
	assert_int_equal(l[0]->depth, 2);
	free(l);
	xmldoc_free(d);

	d = parse_file("conf/xml/tomcat10-multi-cert.xml");
	n = xmldoc_find(d, "/Server/Service/Connector/SSLHostConfig", &l);
	assert_int_equal(n, 2);
	assert_string_equal(xmldoc_get(l[0], "hostName"), "www.example.com");
	assert_int_equal(xmldoc_children(d, l[0], "Certificate", &c), 2);
	assert_string_equal(xmldoc_get(c[0], "certificateKeystoreFile"),
	    "${catalina.base}/conf/example-rsa.p12");
	assert_string_equal(xmldoc_get(c[0], "certificateKeystorePassword"),
	    "s3cr&t!");
	assert_string_equal(xmldoc_get(c[1], "type"), "EC");
	free(c);
	assert_int_equal(xmldoc_children(d, l[1], NULL, &c), 1);
	a = xmldoc_attr(c[0], "certificateKeystorePassword");
	assert_string_equal(a->value, "it's");
	assert_int_equal(a->quote, '\'');
	free(c);
	free(l);
	assert_int_equal(xmldoc_find(d, "Server/Service/Connector/"
	    "SSLHostConfig/Certificate", &l), 3);
	free(l);
	assert_int_equal(xmldoc_find(d, "Service/Connector", &l), 0);
	assert_null(l);
	e = xmldoc_elem(d, 0);
	assert_string_equal(e->name, "Server");
	assert_int_equal(e->parent, SIZE_MAX);
	xmldoc_free(d);

	/* ISO-8859-1: values decoded to UTF-8, spans in the file's bytes. */
	buf = td_read("conf/xml/latin1-crlf.xml", &len);
	assert_int_equal(xmldoc_parse(buf, len, "l.xml", &d, NULL), 0);
	assert_int_equal(xmldoc_find(d, "Server/Service/Connector", &l), 1);
	a = xmldoc_attr(l[0], "keystoreFile");
	assert_string_equal(a->value, "conf/k\xc3\xa9y.jks");
	assert_int_equal(a->val_len, 12);
	assert_memory_equal(buf + a->val_off, "conf/k\xe9y.jks", 12);
	free(l);
	xmldoc_free(d);
	free(buf);

	/* Attribute values as XML normalizes them. */
	d = parse_str("<a x=\"1\t2\r\n3&#10;&lt;&#x41;\"/>");
	assert_string_equal(xmldoc_get(xmldoc_elem(d, 0), "x"), "1 2 3\n<A");
	xmldoc_free(d);
}

/* Documents that include others, or are more than one file: read, flagged
 * with one line, never edited. */
static void
test_includes(void **state)
{
	static const struct {
		const char	*file;
		int		 flag;
		const char	*want;
	} cases[] = {
		{ "entities-external.xml", XMLDOC_EXTERNAL, "includes other "
		    "files through entities (connector.xml, realm.xml)" },
		{ "entities-internal.xml", XMLDOC_ENTITIES, "declares "
		    "entities (pass)" },
		{ "xinclude.xml", XMLDOC_XINCLUDE, "uses XInclude" },
		{ "doctype-dtd.xml", XMLDOC_DOCTYPE, "has a DTD" },
	};
	const struct xmldoc_elem	**l;
	struct xmldoc			*d;
	char				 rel[256], *cause;
	size_t				 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(rel, sizeof rel, "conf/xml/%s", cases[i].file);
		d = parse_file(rel);
		assert_true(xmldoc_flags(d) & cases[i].flag);
		assert_non_null(xmldoc_warning(d));
		if (strncmp(xmldoc_warning(d), rel, strlen(rel)) != 0 ||
		    strstr(xmldoc_warning(d), cases[i].want) == NULL) {
			print_error("%s\n", xmldoc_warning(d));
			fail();
		}
		cause = NULL;
		assert_int_equal(xmldoc_set_attr(d, 0, "port", "1", &cause),
		    -1);
		assert_string_equal(cause, xmldoc_warning(d));
		free(cause);
		cause = NULL;
		assert_int_equal(xmldoc_insert_element_after(d, 1, "<x/>",
		    &cause), -1);
		free(cause);
		xmldoc_free(d);
	}
	/* The entity reference stays a reference: never expanded. */
	d = parse_file("conf/xml/entities-internal.xml");
	assert_int_equal(xmldoc_find(d, "Server/Service/Connector", &l), 1);
	assert_string_equal(xmldoc_get(l[0], "keystorePass"), "&pass;");
	assert_true(xmldoc_attr(l[0], "keystorePass")->flags &
	    XMLDOC_AF_ENTREF);
	free(l);
	xmldoc_free(d);
}

/* Setting attributes: the value's bytes only, or one new attribute laid
 * out as the tag's others. */
static void
test_set_attr(void **state)
{
	static const struct {
		const char	*in;
		size_t		 elem;
		const char	*name;
		const char	*value;
		const char	*want;
	} cases[] = {
		{ "<a x=\"1\"/>", 0, "x", "2", "<a x=\"2\"/>" },
		{ "<a x='1'/>", 0, "x", "it's \"q\"",
		    "<a x='it&apos;s \"q\"'/>" },
		{ "<a x=\"1\"/>", 0, "x", "<&>\"'",
		    "<a x=\"&lt;&amp;&gt;&quot;'\"/>" },
		{ "<a x=\"1\"/>", 0, "x", "t\tn\nr\r",
		    "<a x=\"t&#9;n&#10;r&#13;\"/>" },
		{ "<a x=\"1\"/>", 0, "x", "", "<a x=\"\"/>" },
		{ "<a x=\"1\"/>", 0, "x", "caf\xc3\xa9",
		    "<a x=\"caf\xc3\xa9\"/>" },
		{ "<a/>", 0, "y", "1", "<a y=\"1\"/>" },
		{ "<a></a>", 0, "y", "1", "<a y=\"1\"></a>" },
		{ "<a x='1'  />", 0, "y", "2", "<a x='1' y='2'  />" },
		{ "<a>\n  <b x=\"1\"\n     z=\"2\" />\n</a>", 1, "y", "3",
		    "<a>\n  <b x=\"1\"\n     z=\"2\"\n     y=\"3\" />\n</a>" },
		{ "<a>\r\n  <b x=\"1\"\r\n     z=\"2\"/>\r\n</a>", 1, "y", "3",
		    "<a>\r\n  <b x=\"1\"\r\n     z=\"2\"\r\n     y=\"3\"/>\r\n"
		    "</a>" },
		{ "<a><b/><c v=\"1\"/></a>", 2, "v", "9",
		    "<a><b/><c v=\"9\"/></a>" },
		{ "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
		    "<a x=\"\"/>", 0, "x", "\xc3\xa9\xe2\x82\xac",
		    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
		    "<a x=\"\xe9&#x20AC;\"/>" },
		{ "<!-- c --><a xmlns:p=\"urn:x\" p:x=\"1\"/>", 0, "p:x", "2",
		    "<!-- c --><a xmlns:p=\"urn:x\" p:x=\"2\"/>" },
	};
	struct xmldoc	*d;
	char		*cause;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		d = parse_str(cases[i].in);
		cause = NULL;
		if (xmldoc_set_attr(d, cases[i].elem, cases[i].name,
		    cases[i].value, &cause) != 0) {
			print_error("case %zu: %s\n", i, cause);
			fail();
		}
		assert_doc(d, cases[i].want);
		assert_string_equal(xmldoc_get(xmldoc_elem(d, cases[i].elem),
		    cases[i].name), cases[i].value);
		xmllint(d);
		xmldoc_free(d);
	}
}

static void
test_refused(void **state)
{
	struct xmldoc	*d;
	char		*cause = NULL;
	const char	*in = "<a x=\"1\"><b/></a>";

	d = parse_str(in);
	assert_int_equal(xmldoc_set_attr(d, 0, "x", "\x01", &cause), -1);
	assert_non_null(strstr(cause, "s.xml: the value of x holds"));
	free(cause);
	cause = NULL;
	assert_int_equal(xmldoc_set_attr(d, 0, "x", "\xff", &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(xmldoc_set_attr(d, 0, "1x", "v", &cause), -1);
	assert_non_null(strstr(cause, "not an attribute name"));
	free(cause);
	cause = NULL;
	assert_int_equal(xmldoc_set_attr(d, 0, "xmlns:q", "v", &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(xmldoc_set_attr(d, 5, "x", "v", &cause), -1);
	assert_non_null(strstr(cause, "no element 5"));
	free(cause);
	cause = NULL;
	assert_int_equal(xmldoc_insert_element_after(d, 0, "<c/>", &cause), -1);
	assert_non_null(strstr(cause, "root element"));
	free(cause);
	cause = NULL;
	assert_int_equal(xmldoc_insert_element_after(d, 1, "<c/>", &cause), -1);
	assert_non_null(strstr(cause, "does not start its line"));
	free(cause);
	assert_doc(d, in);
	xmldoc_free(d);

	d = parse_str("<a>\n  <b/>\n</a>");
	cause = NULL;
	assert_int_equal(xmldoc_insert_element_after(d, 1, "<c/><d/>",
	    &cause), -1);
	assert_non_null(strstr(cause, "not one complete element"));
	free(cause);
	cause = NULL;
	assert_int_equal(xmldoc_insert_element_after(d, 1, "<c>", &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(xmldoc_insert_element_after(d, 1, "text", &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(xmldoc_insert_element_after(d, 1, "<!DOCTYPE c><c/>",
	    &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(xmldoc_insert_element_after(d, 1,
	    "<c x=\"&e;\"/>", &cause), -1);
	free(cause);
	assert_doc(d, "<a>\n  <b/>\n</a>");
	assert_int_equal(xmldoc_remove_attr(d, 1, "nope", NULL), 0);
	assert_doc(d, "<a>\n  <b/>\n</a>");
	xmldoc_free(d);
}

/* Enable HTTPS on Debian's server.xml: redirectPort on the HTTP
 * connector, a complete HTTPS connector beside it; every other byte kept. */
static void
test_debian_https(void **state)
{
	const struct xmldoc_elem	**l;
	const struct xmldoc_attr	*a;
	struct xmldoc			*d;
	unsigned char			*buf, *out;
	size_t				 len, outlen, at, http, n, aoff;
	char				*cause = NULL;
	const char			*conn =
	    "<Connector port=\"8443\" "
	    "protocol=\"org.apache.coyote.http11.Http11NioProtocol\"\n"
	    "           maxThreads=\"150\" SSLEnabled=\"true\">\n"
	    "    <SSLHostConfig>\n"
	    "        <Certificate certificateKeystoreFile=\"conf/tls.p12\"\n"
	    "                     certificateKeystorePassword=\"s&amp;cret\"\n"
	    "                     type=\"RSA\" />\n"
	    "    </SSLHostConfig>\n"
	    "</Connector>";
	const char			*want =
	    "\n    <Connector port=\"8443\" "
	    "protocol=\"org.apache.coyote.http11.Http11NioProtocol\"\n"
	    "               maxThreads=\"150\" SSLEnabled=\"true\">\n"
	    "        <SSLHostConfig>\n"
	    "            <Certificate "
	    "certificateKeystoreFile=\"conf/tls.p12\"\n"
	    "                         "
	    "certificateKeystorePassword=\"s&amp;cret\"\n"
	    "                         type=\"RSA\" />\n"
	    "        </SSLHostConfig>\n"
	    "    </Connector>";

	buf = td_read("conf/xml/debian-tomcat10-server.xml", &len);
	assert_int_equal(xmldoc_parse(buf, len, "server.xml", &d, &cause), 0);
	assert_int_equal(xmldoc_find(d, "Server/Service/Connector", &l), 1);
	http = l[0]->index;
	at = l[0]->end;
	a = xmldoc_attr(l[0], "redirectPort");
	aoff = a->val_off;	/* (the edit frees the attributes) */
	free(l);
	assert_int_equal(xmldoc_set_attr(d, http, "redirectPort", "443",
	    &cause), 0);
	assert_spliced(d, buf, len, aoff, 4, "443");
	xmllint(d);
	if (xmldoc_insert_element_after(d, http, conn, &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	xmldoc_serialize(d, &out, &outlen);
	assert_int_equal(outlen, len - 1 + strlen(want));
	assert_memory_equal(out + at - 1, want, strlen(want));
	assert_memory_equal(out + at - 1 + strlen(want), buf + at,
	    len - at);
	free(out);
	xmllint(d);
	n = xmldoc_find(d, "Server/Service/Connector/SSLHostConfig/"
	    "Certificate", &l);
	assert_int_equal(n, 1);
	assert_string_equal(xmldoc_get(l[0], "certificateKeystorePassword"),
	    "s&cret");
	assert_int_equal(l[0]->index, http + 3);
	free(l);
	xmldoc_free(d);
	free(buf);
}

/* The old Connector form rewritten: attributes removed, the rest kept. */
static void
test_legacy_rewrite(void **state)
{
	const struct xmldoc_elem	**l;
	struct xmldoc			*d;
	size_t				 c;
	char				*cause = NULL;

	d = parse_file("conf/xml/tomcat-legacy-keystorefile.xml");
	assert_int_equal(xmldoc_find(d, "Server/Service/Connector", &l), 1);
	c = l[0]->index;
	assert_string_equal(xmldoc_get(l[0], "keystoreFile"),
	    "conf/.keystore");
	free(l);
	assert_int_equal(xmldoc_remove_attr(d, c, "keystorePass", &cause), 0);
	assert_int_equal(xmldoc_remove_attr(d, c, "keystoreFile", &cause), 0);
	assert_int_equal(xmldoc_remove_attr(d, c, "keyAlias", &cause), 0);
	assert_int_equal(xmldoc_remove_attr(d, c, "sslProtocol", &cause), 0);
	assert_doc(d, "<?xml version='1.0' encoding='utf-8'?>\n"
	    "<Server port=\"8005\" shutdown=\"SHUTDOWN\">\n"
	    "  <Service name=\"Catalina\">\n"
	    "    <!-- Tomcat 8.5 and earlier: the keystore on the Connector "
	    "itself.\n"
	    "         Tomcat 10.1 ignores these attributes. -->\n"
	    "    <Connector port=\"8443\" protocol=\"HTTP/1.1\" "
	    "SSLEnabled=\"true\"\n"
	    "               maxThreads=\"150\" scheme=\"https\" "
	    "secure=\"true\" clientAuth=\"false\"/>\n"
	    "    <Engine name=\"Catalina\" defaultHost=\"localhost\">\n"
	    "      <Host name=\"localhost\" appBase=\"webapps\"/>\n"
	    "    </Engine>\n"
	    "  </Service>\n"
	    "</Server>\n");
	xmllint(d);
	xmldoc_free(d);

	/* A Tomcat 11 file on one line: a new attribute on that line. */
	d = parse_file("conf/xml/tomcat11-passwordfile.xml");
	assert_int_equal(xmldoc_find(d, "Server/Service/Connector/"
	    "SSLHostConfig/Certificate", &l), 1);
	c = l[0]->index;
	free(l);
	assert_int_equal(xmldoc_set_attr(d, c, "certificateKeyAlias", "tls",
	    &cause), 0);
	assert_int_equal(xmldoc_remove_attr(d, c,
	    "certificateKeystorePasswordFile", &cause), 0);
	assert_int_equal(xmldoc_set_attr(d, c, "certificateKeystorePassword",
	    "pw", &cause), 0);
	assert_doc(d, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<Server port=\"-1\" shutdown=\"SHUTDOWN\"><Service "
	    "name=\"Catalina\"><Connector port=\"8443\" SSLEnabled=\"true\">"
	    "<SSLHostConfig><Certificate certificateKeystoreFile=\""
	    "conf/keystore.p12\" type=\"RSA\" certificateKeyAlias=\"tls\" "
	    "certificateKeystorePassword=\"pw\"/></SSLHostConfig></Connector>"
	    "</Service></Server>\n");
	xmllint(d);
	xmldoc_free(d);

	/* A second certificate after the first, in a CRLF ISO-8859-1 file. */
	d = parse_file("conf/xml/latin1-crlf.xml");
	assert_int_equal(xmldoc_insert_element_after(d, 2,
	    "<Connector port=\"1\"/>", &cause), 0);
	assert_doc(d, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\r\n"
	    "<Server port=\"8005\">\r\n  <!-- caf\xe9 -->\r\n"
	    "  <Service name=\"Caf\xe9\">\r\n"
	    "    <Connector port=\"8443\" SSLEnabled=\"true\"\r\n"
	    "               keystoreFile=\"conf/k\xe9y.jks\"/>\r\n"
	    "    <Connector port=\"1\"/>\r\n"
	    "  </Service>\r\n</Server>\r\n");
	xmllint(d);
	xmldoc_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_huge),
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_includes),
		cmocka_unit_test(test_set_attr),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_debian_https),
		cmocka_unit_test(test_legacy_rewrite),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

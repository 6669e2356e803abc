/* SPDX-License-Identifier: ISC */
/*
 * test-server.c -- server.c and config.c: where application.properties is
 * found, how the keystore path resolves, the JRE (release file, the
 * process listening on the port through a fake /proc), cacerts opened
 * with no password / changeit, the settings rows, and config.yaml.
 */
#include <errno.h>

#include "servertree.h"

static EVP_PKEY	*key;
static X509	*cert;

#define PASS	"pw-Srv.456"

static int
setup(void **state)
{
	(void)state;
	st_init();
	key = st_ec("P-256");
	cert = st_cert("im.example.test", key, NULL, NULL, 0, 825,
	    "DNS:im.example.test", false, NULL);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(key);
	X509_free(cert);
	return (0);
}

/* A self-signed tree trusted by its JRE: the only finding is that. */
static char *
tree(const char *extra)
{
	char		*d = st_tree_new();
	struct keystore	*ks = st_ks(KS_FMT_PKCS12, false);
	const char	*alias = "integration-manager";

	st_add_key(ks, "integration-manager", key, &cert, 1, NULL);
	st_save(ks, d, "conf/ssl/keystore.p12", PASS, 0640);
	st_jre(d, "17.0.15", &cert, &alias, 1);
	st_props(d, "keystore.p12", "PKCS12", PASS, extra);
	return (d);
}

/* Remove DIR/REL recursively. */
static void
rm_sub(const char *d, const char *rel)
{
	char	*p;

	xasprintf(&p, "%s/%s", d, rel);
	nftw(p, st_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(p);
}

/* Which application.properties, in the documented order. */
static void
test_discovery(void **state)
{
	char			*d = tree(""), *d2 = st_tree_new(), *p, *h;
	char			*cause = NULL, cwd[4096], *want;
	struct server_opts	 o;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof cwd));
	unsetenv("TLSDECK_PROPERTIES");
	server_opts_init(&o);
	assert_int_equal(o.warn_days, 30);
	assert_int_equal(o.crit_days, 14);

	/* --server DIR: DIR/conf/application.properties */
	o.server = d;
	assert_int_equal(server_find_properties(&o, &p, &h, &cause), 0);
	xasprintf(&want, "%s/conf/application.properties", d);
	assert_string_equal(p, want);
	assert_non_null(strstr(h, "--server"));
	free(p);
	free(h);
	/* ... or DIR/application.properties */
	st_write_str(d2, "application.properties", "server.port=1\n");
	o.server = d2;
	assert_int_equal(server_find_properties(&o, &p, &h, &cause), 0);
	assert_non_null(strstr(p, "/application.properties"));
	assert_null(strstr(p, "/conf/"));
	free(p);
	free(h);
	o.server = "/nonexistent/tlsdeck";
	assert_int_equal(server_find_properties(&o, &p, &h, &cause), -1);
	assert_non_null(strstr(cause, "not a directory"));
	free(cause);
	cause = NULL;

	/* --properties FILE, made absolute */
	o.server = NULL;
	assert_int_equal(chdir(d), 0);
	o.properties = "conf/application.properties";
	assert_int_equal(server_find_properties(&o, &p, &h, &cause), 0);
	assert_string_equal(p, want);
	assert_string_equal(h, "--properties");
	free(p);
	free(h);
	o.properties = "conf/nope.properties";
	assert_int_equal(server_find_properties(&o, &p, &h, &cause), -1);
	assert_non_null(strstr(cause, "nope.properties"));
	free(cause);
	cause = NULL;

	/* $TLSDECK_PROPERTIES beats ./ */
	o.properties = NULL;
	xasprintf(&p, "%s/application.properties", d2);
	setenv("TLSDECK_PROPERTIES", p, 1);
	free(p);
	assert_int_equal(server_find_properties(&o, &p, &h, &cause), 0);
	assert_string_equal(h, "$TLSDECK_PROPERTIES");
	assert_non_null(strstr(p, d2));
	free(p);
	free(h);
	unsetenv("TLSDECK_PROPERTIES");

	/* ./conf/application.properties (in d) */
	assert_int_equal(server_find_properties(&o, &p, &h, &cause), 0);
	assert_string_equal(h, "./conf/application.properties");
	assert_string_equal(p, want);
	free(p);
	free(h);
	/* ./application.properties first (in d2) */
	assert_int_equal(chdir(d2), 0);
	assert_int_equal(server_find_properties(&o, &p, &h, &cause), 0);
	assert_string_equal(h, "./application.properties");
	free(p);
	free(h);
	/* nothing here: unless this host has Integration Manager, or a
	 * Tomcat or Jetty at its usual place (no running servers) */
	assert_int_equal(chdir("/"), 0);
	o.flags |= SERVER_NO_LIVE;
	if (access(SERVER_VENDOR_PROPERTIES, F_OK) != 0) {
		if (server_find_properties(&o, &p, &h, &cause) == -1) {
			assert_non_null(strstr(cause,
			    SERVER_VENDOR_PROPERTIES));
			free(cause);
		} else {
			assert_non_null(strstr(h, "usual place"));
			free(p);
			free(h);
		}
	}
	o.flags &= ~SERVER_NO_LIVE;
	assert_int_equal(chdir(cwd), 0);
	free(want);
	st_tree_rm(d);
	st_tree_rm(d2);
}

/* The model of a tree: the rows and facts the dashboard draws. */
static void
test_model(void **state)
{
	char			*d = tree(
	    "server.ssl.enabled-protocols=TLSv1.3\n"
	    "server.ssl.trust-store-password=tpw\n"
	    "installPath=/opt/im\n");
	struct server_model	*m;
	const struct setting	*s;
	static const char	*order[] = { "server.port",
	    "server.ssl.key-store", "server.ssl.key-store-type",
	    "server.ssl.key-store-password", "server.ssl.key-alias",
	    "security.require-ssl", "im.base-url",
	    "server.ssl.enabled-protocols",
	    "server.ssl.trust-store-password" };
	size_t			 i;

	(void)state;
	m = st_load(d, 1);
	assert_string_equal(st_codes(m), "cert-self-signed");
	assert_non_null(strstr(m->how, "--server"));
	assert_string_equal(m->shared_data_path, d);
	assert_string_equal(m->install_path, "/opt/im");
	assert_int_equal(m->listening, -1);
	assert_int_equal(m->warn_days, 30);
	assert_int_equal(m->nsettings, sizeof order / sizeof order[0]);
	for (i = 0; i < m->nsettings; i++)
		assert_string_equal(m->settings[i]->key, order[i]);
	s = st_row(m, "server.port");
	assert_string_equal(s->value, "8443");
	assert_string_equal(s->check, "HTTPS");
	assert_int_equal(s->line, 2);
	s = st_row(m, "server.ssl.trust-store-password");
	assert_true(s->secret);
	assert_null(s->value);
	s = st_row(m, "server.ssl.enabled-protocols");
	assert_string_equal(s->value, "TLSv1.3");
	assert_int_equal(s->sev, SEV_OK);
	s = st_row(m, "security.require-ssl");
	assert_null(s->value);
	assert_int_equal(s->line, 0);
	assert_string_equal(m->served->raw,
	    "${sharedDataPath}/conf/ssl/keystore.p12");
	assert_null(m->served->how);
	assert_string_equal(m->jre.how, "${sharedDataPath}/jre");
	assert_false(m->jre.cacerts_symlink);
	assert_false(m->jre.cacerts_distro);
	assert_true(m->jre.trust_verified);
	assert_int_equal(m->ncerts, 1);
	assert_true(m->certs[0].served);
	assert_int_equal(m->certs[0].days_left, 824);
	assert_non_null(strstr(m->served->trust_note, "itself"));
	server_model_free(m);
	st_tree_rm(d);
}

/* Keystore paths: relative (against the parent of conf/, then the
 * current directory), file: URLs, classpath:, ${sharedDataPath} assumed. */
static void
test_paths(void **state)
{
	char			*d = tree(""), *d2 = st_tree_new(), *s, *pp;
	char			 cwd[4096];
	struct server_model	*m;
	struct server_opts	 o;
	char			*cause = NULL;
	const struct finding	*f;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof cwd));
	/* relative to the directory above conf/ */
	xasprintf(&s, "sharedDataPath=%s\nserver.port=8443\n"
	    "server.ssl.key-alias=integration-manager\n"
	    "server.ssl.key-store=conf/ssl/keystore.p12\n"
	    "server.ssl.key-store-password=%s\n"
	    "im.base-url=https://im.example.test:8443\n", d, PASS);
	st_write_str(d, "conf/application.properties", s);
	free(s);
	m = st_load(d, 1);
	assert_string_equal(st_codes(m),
	    "cert-self-signed keystore-path-relative");
	assert_non_null(strstr(m->served->how, "above the properties"));
	assert_non_null(m->served->ks);
	f = st_finding(m, "keystore-path-relative");
	assert_int_equal(f->line, 4);
	assert_int_equal(f->sev, SEV_WARN);
	server_model_free(m);

	/* relative to the current directory */
	rm_sub(d2, "conf");
	assert_int_equal(mkdir(d2, 0755) == 0 || errno == EEXIST, 1);
	xasprintf(&s, "%s/store", d2);
	assert_int_equal(mkdir(s, 0755), 0);
	free(s);
	{
		struct keystore	*ks = st_ks(KS_FMT_PKCS12, false);

		st_add_key(ks, "integration-manager", key, &cert, 1, NULL);
		st_save(ks, d2, "store/ks.p12", PASS, 0640);
	}
	xasprintf(&s, "sharedDataPath=%s\nserver.port=8443\n"
	    "server.ssl.key-alias=integration-manager\n"
	    "server.ssl.key-store=store/ks.p12\n"
	    "server.ssl.key-store-password=%s\n"
	    "im.base-url=https://im.example.test:8443\n", d, PASS);
	st_write_str(d, "conf/application.properties", s);
	free(s);
	assert_int_equal(chdir(d2), 0);
	m = st_load(d, 1);
	assert_int_equal(chdir(cwd), 0);
	assert_string_equal(st_codes(m),
	    "cert-self-signed keystore-path-relative");
	assert_non_null(strstr(m->served->how, "current directory"));
	assert_non_null(m->served->ks);
	server_model_free(m);
	/* and not found at all */
	m = st_load(d, 1);
	assert_string_equal(st_codes(m),
	    "keystore-missing keystore-path-relative");
	server_model_free(m);

	/* file: URLs, with %20 */
	xasprintf(&s, "%s/conf/ssl/key store.p12", d);
	xasprintf(&pp, "%s/conf/ssl/keystore.p12", d);
	assert_int_equal(rename(pp, s), 0);
	free(pp);
	free(s);
	xasprintf(&s, "sharedDataPath=%s\nserver.port=8443\n"
	    "server.ssl.key-alias=integration-manager\n"
	    "server.ssl.key-store=file://${sharedDataPath}/conf/ssl/"
	    "key%%20store.p12\n"
	    "server.ssl.key-store-password=%s\n"
	    "im.base-url=https://im.example.test:8443\n", d, PASS);
	st_write_str(d, "conf/application.properties", s);
	free(s);
	m = st_load(d, 1);
	assert_string_equal(st_codes(m), "cert-self-signed");
	assert_string_equal(m->served->how, "file: URL");
	assert_non_null(strstr(m->served->path, "/key store.p12"));
	server_model_free(m);

	/* classpath: */
	st_props(d, "x", "PKCS12", PASS, "server.ssl.key-store="
	    "classpath:keystore.p12\n");
	m = st_load(d, 1);
	assert_string_equal(st_codes(m), "keystore-classpath "
	    "property-duplicate");
	assert_null(m->served->ks);
	assert_string_equal(st_row(m, "server.ssl.key-store")->check,
	    "in the jar");
	assert_int_equal(st_row(m, "server.ssl.key-store")->count, 2);
	server_model_free(m);

	/* ${sharedDataPath} used, not defined: the directory above conf/ */
	xasprintf(&s, "%s/conf/ssl/key store.p12", d);
	xasprintf(&pp, "%s/conf/ssl/keystore.p12", d);
	assert_int_equal(rename(s, pp), 0);
	free(pp);
	free(s);
	xasprintf(&s, "server.port=8443\n"
	    "server.ssl.key-alias=integration-manager\n"
	    "server.ssl.key-store=${sharedDataPath}/conf/ssl/keystore.p12\n"
	    "server.ssl.key-store-password=%s\n"
	    "im.base-url=https://im.example.test:8443\n", PASS);
	st_write_str(d, "conf/application.properties", s);
	free(s);
	server_opts_init(&o);
	xasprintf(&pp, "%s/conf/application.properties", d);
	o.properties = pp;
	o.flags = SERVER_NO_LIVE;
	assert_int_equal(server_model_load(&o, &m, &cause), 0);
	assert_string_equal(st_codes(m),
	    "cert-self-signed shared-data-path-assumed");
	assert_string_equal(m->shared_data_path, d);
	assert_string_equal(m->jre.how, "${sharedDataPath}/jre");
	assert_int_equal(st_finding(m, "shared-data-path-assumed")->sev,
	    SEV_INFO);
	server_model_free(m);
	/* The environment defines it: nothing assumed. */
	setenv("sharedDataPath", d, 1);
	assert_int_equal(server_model_load(&o, &m, &cause), 0);
	unsetenv("sharedDataPath");
	assert_string_equal(st_codes(m), "cert-self-signed");
	server_model_free(m);
	free(pp);
	st_tree_rm(d);
	st_tree_rm(d2);
}

/* Java versions from release files. */
static void
test_versions(void **state)
{
	int	major, update;

	(void)state;
	assert_true(jre_parse_version("1.8.0_292", &major, &update));
	assert_int_equal(major, 8);
	assert_int_equal(update, 292);
	assert_true(jre_parse_version("17.0.15", &major, &update));
	assert_int_equal(major, 17);
	assert_int_equal(update, 15);
	assert_true(jre_parse_version("11", &major, &update));
	assert_int_equal(major, 11);
	assert_int_equal(update, 0);
	assert_true(jre_parse_version("21.0.1+12", &major, &update));
	assert_int_equal(update, 1);
	assert_false(jre_parse_version("junk", &major, &update));
	assert_false(jre_parse_version("", &major, &update));
	assert_int_equal(jre_reads_new_pkcs12(8, 292), 0);
	assert_int_equal(jre_reads_new_pkcs12(8, 301), 1);
	assert_int_equal(jre_reads_new_pkcs12(11, 11), 0);
	assert_int_equal(jre_reads_new_pkcs12(11, 12), 1);
	assert_int_equal(jre_reads_new_pkcs12(9, 4), 0);
	assert_int_equal(jre_reads_new_pkcs12(17, 0), 1);
	assert_int_equal(jre_reads_new_pkcs12(0, 0), -1);
}

/* A fake procfs: LISTEN sockets, the process, its java. */
static void
test_proc(void **state)
{
	static const char	 cmd1[] = "java\0-cp\0-Dim.cp=no\0"
	    "-Dim.sys=yes\0-Dim.flag\0-jar\0app.jar\0--im.arg=1\0"
	    "-Dim.after=no\0--im.bare\0";
	static const char	 cmd2[] = "java\0-Dim.sys=two\0"
	    "--module=a/b.C\0--im.arg=2\0";
	char			*d = tree(""), *proc, *p, *t;
	struct server_opts	 o;
	struct server_model	*m;
	char			*cause = NULL;
	unsigned long		 ino;

	(void)state;
	xasprintf(&proc, "%s/proc", d);
	assert_int_equal(mkdir(proc, 0755), 0);
	xasprintf(&p, "%s/net", proc);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	st_write_str(proc, "net/tcp",
	    "  sl  local_address rem_address   st tx_queue rx_queue tr "
	    "tm->when retrnsmt   uid  timeout inode\n"
	    "   0: 0100007F:1F90 0100007F:C350 01 00000000:00000000 "
	    "00:00000000 00000000     0        0 999 1 0000 100 0 0 10 0\n"
	    "   1: 00000000:20FB 00000000:0000 0A 00000000:00000000 "
	    "00:00000000 00000000   107        0 12345 1 0000 100 0 0 10 0\n");
	st_write_str(proc, "net/tcp6",
	    "  sl  local_address                         remote_address     "
	    "                   st tx_queue rx_queue tr tm->when retrnsmt   "
	    "uid  timeout inode\n"
	    "   0: 00000000000000000000000000000000:01BB "
	    "00000000000000000000000000000000:0000 0A 00000000:00000000 "
	    "00:00000000 00000000     0        0 777 1 0000 100 0 0 10 0\n");
	assert_int_equal(server_port_listening(proc, 8443, &ino), 1);
	assert_int_equal(ino, 12345);
	assert_int_equal(server_port_listening(proc, 443, &ino), 1);
	assert_int_equal(ino, 777);
	assert_int_equal(server_port_listening(proc, 8080, &ino), 0);
	assert_int_equal(server_port_listening("/nonexistent", 8080, &ino),
	    -1);

	/* PID 4242 holds socket 12345; its exe is d/jdk/bin/java. */
	xasprintf(&p, "%s/4242", proc);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	xasprintf(&p, "%s/4242/fd", proc);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	xasprintf(&p, "%s/4242/fd/3", proc);
	assert_int_equal(symlink("/dev/null", p), 0);
	free(p);
	xasprintf(&p, "%s/4242/fd/7", proc);
	assert_int_equal(symlink("socket:[12345]", p), 0);
	free(p);
	assert_int_equal(server_socket_pid(proc, 12345), 4242);
	assert_int_equal(server_socket_pid(proc, 777), 0);

	/* The tree's JRE moves to d/jdk: found through the process. */
	xasprintf(&p, "%s/jre", d);
	xasprintf(&t, "%s/jdk", d);
	assert_int_equal(rename(p, t), 0);
	free(p);
	free(t);
	xasprintf(&p, "%s/jdk/bin", d);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	st_write(d, "jdk/bin/java", "#!/bin/sh\n", 10, 0755);
	xasprintf(&p, "%s/4242/exe", proc);
	xasprintf(&t, "%s/jdk/bin/java", d);
	assert_int_equal(symlink(t, p), 0);
	free(p);
	free(t);
	/* Its command line: JVM options (one taking the next argument,
	 * which is not a property), -jar, then Spring's --name=value. */
	st_write(proc, "4242/cmdline", cmd1, sizeof cmd1 - 1, 0644);
	server_opts_init(&o);
	o.server = d;
	o.proc = proc;
	o.now = st_t0 + ST_DAY;
	assert_int_equal(server_model_load(&o, &m, &cause), 0);
	assert_string_equal(cfg_value(m, "im.sys"), "yes");
	assert_string_equal(cfg_value(m, "im.flag"), "");
	assert_null(cfg_value(m, "im.cp"));
	assert_null(cfg_value(m, "im.after"));
	assert_string_equal(cfg_value(m, "im.arg"), "1");
	assert_string_equal(cfg_value(m, "im.bare"), "");
	assert_null(cfg_value(m, "app.jar"));
	server_model_free(m);
	st_write(proc, "4242/cmdline", cmd2, sizeof cmd2 - 1, 0644);
	assert_int_equal(server_model_load(&o, &m, &cause), 0);
	assert_string_equal(cfg_value(m, "im.sys"), "two");
	assert_string_equal(cfg_value(m, "im.arg"), "2");
	server_model_free(m);
	assert_int_equal(unlink(p = path_join(proc, "4242/cmdline")), 0);
	free(p);
	assert_int_equal(server_model_load(&o, &m, &cause), 0);
	assert_int_equal(m->listening, 1);
	assert_int_equal(m->proc.pid, 4242);
	assert_non_null(strstr(m->jre.how, "pid 4242"));
	assert_string_equal(st_codes(m), "cert-self-signed");
	assert_string_equal(st_row(m, "server.port")->check, "listening");
	server_model_free(m);

	/* Nothing on the port: a finding (and no process to ask). */
	st_write_str(proc, "net/tcp", "");
	unsetenv("JAVA_HOME");
	o.jre = t = NULL;
	xasprintf(&t, "%s/jdk", d);
	o.jre = t;
	assert_int_equal(server_model_load(&o, &m, &cause), 0);
	assert_int_equal(m->listening, 0);
	assert_string_equal(m->jre.how, "--jre");
	assert_string_equal(st_codes(m), "cert-self-signed port-not-listening");
	assert_string_equal(st_row(m, "server.port")->check, "not listening");
	assert_int_equal(st_finding(m, "port-not-listening")->line, 2);
	/* no unit, no init script for this tree: the fix names none */
	assert_string_equal(st_finding(m, "port-not-listening")->fix,
	    "start the server and check its log");
	server_model_free(m);
	free(t);
	free(proc);
	st_tree_rm(d);
}

/* cacerts: passwordless, changeit, unknown password, missing. */
static void
test_cacerts(void **state)
{
	static const struct {
		const char	*file;
		const char	*how;
		bool		 verified;
	} c[] = {
		{ "samples/sample-jdk25-passwordless.p12", "no password",
		    true },
		{ "samples/sample-openssl30-trust-nopw.p12", "no password",
		    true },
		{ "samples/sample-openssl30-trust-pw.p12", "changeit", true },
		{ "samples/bad-uppercase-alias.jks", "changeit", true },
		{ "samples/sample-jks17.jks", NULL, false },
	};
	struct keystore	*ks;
	struct secret	*pw;
	char		*how, *cause = NULL;
	bool		 v;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		if (cacerts_open(td_path(c[i].file), &ks, &pw, &how, &v,
		    &cause) != 0) {
			print_error("%s: %s\n", c[i].file, cause);
			fail();
		}
		if (c[i].how == NULL)
			assert_null(how);
		else
			assert_string_equal(how, c[i].how);
		assert_int_equal(v, c[i].verified);
		assert_true(ks->nentries > 0);
		if (c[i].how != NULL && strcmp(c[i].how, "changeit") == 0)
			assert_string_equal(pw->buf, "changeit");
		else
			assert_null(pw);
		secret_free(pw);
		free(how);
		keystore_free(ks);
	}
	assert_int_equal(cacerts_open("/nonexistent/cacerts", &ks, NULL, &how,
	    &v, &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/cacerts"));
	free(cause);
}

/* config.yaml: values, unknown keys with their line, ranges, files. */
static void
test_config(void **state)
{
	struct tlsdeck_config	 c, *cp;
	struct server_opts	 o;
	char			*cause = NULL, *d = st_tree_new(), *p;
	static const char	 good[] = "# tlsdeck\nwarn-days: 45\n"
	    "crit-days: 7\nwarn-percent: 20\ntheme: mono\nno-color: true\n"
	    "properties: /srv/im/application.properties\n";

	(void)state;
	memset(&c, 0, sizeof c);
	c.warn_days = c.crit_days = c.warn_percent = c.crit_percent = -1;
	c.no_color = c.ascii = c.mouse = -1;
	assert_int_equal(config_parse(good, strlen(good), "t.yaml", &c,
	    &cause), 0);
	assert_int_equal(c.warn_days, 45);
	assert_int_equal(c.crit_days, 7);
	assert_int_equal(c.warn_percent, 20);
	assert_int_equal(c.crit_percent, -1);
	assert_string_equal(c.theme, "mono");
	assert_int_equal(c.no_color, 1);
	assert_int_equal(c.ascii, -1);
	server_opts_init(&o);
	o.jre = "/given/jre";
	config_apply(&c, &o);
	assert_int_equal(o.warn_days, 45);
	assert_int_equal(o.crit_days, 7);
	assert_int_equal(o.warn_percent, 20);
	assert_int_equal(o.crit_percent, 0);
	assert_string_equal(o.properties, "/srv/im/application.properties");
	assert_string_equal(o.jre, "/given/jre");
	o.properties = NULL;
	o.server = "/given";
	config_apply(&c, &o);
	assert_null(o.properties);
	free(c.theme);
	free(c.properties);

	/* Errors, with the line of the problem. */
	memset(&c, 0, sizeof c);
	assert_int_equal(config_parse("warn-days: 20\n\ncolour: red\n", 27,
	    "t.yaml", &c, &cause), -1);
	assert_non_null(strstr(cause, "t.yaml: line 3, column 1: unknown key "
	    "\"colour\""));
	free(cause);
	cause = NULL;
	assert_int_equal(config_parse("crit-days: soon\n", 16, "t.yaml", &c,
	    &cause), -1);
	assert_non_null(strstr(cause, "line 1"));
	free(cause);
	cause = NULL;
	assert_int_equal(config_parse("warn-days: 99999\n", 17, "t.yaml", &c,
	    &cause), -1);
	assert_non_null(strstr(cause, "warn-days: 99999 is out of range"));
	free(cause);
	cause = NULL;
	assert_int_equal(config_parse("warn-days: 5\ncrit-days: 9\n", 26,
	    "t.yaml", &c, &cause), -1);
	assert_non_null(strstr(cause, "crit-days (9) is more than warn-days"));
	free(cause);
	cause = NULL;
	assert_int_equal(config_parse("- a\n- b\n", 8, "t.yaml", &c, &cause),
	    -1);
	free(cause);
	cause = NULL;
	assert_int_equal(config_parse("a: [\n", 5, "t.yaml", &c, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(config_parse("", 0, "t.yaml", &c, &cause), 0);
	assert_int_equal(config_parse("# only a comment\n", 17, "t.yaml", &c,
	    &cause), 0);

	/* The user's file under $XDG_CONFIG_HOME; --config replaces it. */
	xasprintf(&p, "%s/tlsdeck", d);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	st_write_str(d, "tlsdeck/config.yaml", "crit-days: 3\n");
	setenv("XDG_CONFIG_HOME", d, 1);
	assert_int_equal(config_load(NULL, &cp, &cause), 0);
	assert_int_equal(cp->crit_days, 3);
	assert_int_equal(cp->warn_days, -1);
	assert_non_null(strstr(cp->files, "tlsdeck/config.yaml"));
	config_free(cp);
	st_write_str(d, "other.yaml", "warn-days: 60\n");
	xasprintf(&p, "%s/other.yaml", d);
	assert_int_equal(config_load(p, &cp, &cause), 0);
	assert_int_equal(cp->warn_days, 60);
	assert_int_equal(cp->crit_days, -1);
	config_free(cp);
	free(p);
	assert_int_equal(config_load("/nonexistent/c.yaml", &cp, &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/c.yaml"));
	free(cause);
	cause = NULL;
	st_write_str(d, "tlsdeck/config.yaml", "warn_days: 3\n");
	assert_int_equal(config_load(NULL, &cp, &cause), -1);
	assert_non_null(strstr(cause, "config.yaml: line 1, column 1: "
	    "unknown key \"warn_days\""));
	free(cause);
	unsetenv("XDG_CONFIG_HOME");
	st_tree_rm(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_proc),
		cmocka_unit_test(test_cacerts),
		cmocka_unit_test(test_config),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}

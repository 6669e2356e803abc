/* SPDX-License-Identifier: ISC */
/*
 * test-probe.c -- probe.c against real sockets on 127.0.0.1: a forked
 * OpenSSL server (which reports the SNI it received through a pipe), a
 * plain HTTP answer, a peer that closes at once, a port that refuses and
 * a listener that never answers; then the verification against trust
 * stores and the live findings on server trees made with servertree.h.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <signal.h>

#include <openssl/ssl.h>

#include "servertree.h"

static EVP_PKEY	*root_key, *int_key, *leaf_key, *other_key;
static X509	*root_x, *int_x, *leaf_x, *other_x;

#define PASS	"pw-Probe.123"

static int
setup(void **state)
{
	(void)state;
	st_init();
	signal(SIGPIPE, SIG_IGN);
	root_key = st_ec("P-256");
	int_key = st_ec("P-256");
	leaf_key = st_ec("P-256");
	other_key = st_ec("P-256");
	root_x = st_cert("Probe Root", root_key, NULL, NULL, -10, 3650, NULL,
	    true, NULL);
	int_x = st_cert("Probe Issuing CA", int_key, root_x, root_key, -5,
	    1800, NULL, true, NULL);
	leaf_x = st_cert("im.example.test", leaf_key, int_x, int_key, -1, 400,
	    "DNS:im.example.test,DNS:localhost", false, NULL);
	other_x = st_cert("im.example.test", other_key, NULL, NULL, -1, 30,
	    "DNS:im.example.test", false, NULL);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(int_key);
	EVP_PKEY_free(leaf_key);
	EVP_PKEY_free(other_key);
	X509_free(root_x);
	X509_free(int_x);
	X509_free(leaf_x);
	X509_free(other_x);
	return (0);
}

/* ------------------------------------------------------------------ */
/* Test servers */

enum srv_mode {
	SRV_TLS,	/* serve cert (+ extra) and report the SNI */
	SRV_HTTP,	/* answer like a plain HTTP server */
	SRV_CLOSE,	/* accept and close at once */
	SRV_SILENT,	/* never accept (the kernel completes connects) */
};

struct srv {
	pid_t	 pid;
	int	 lfd;
	int	 pipe;
	char	 port[16];
};

/* A socket on 127.0.0.1 with a free port, listening if asked. */
static int
srv_socket(char port[16], bool listening)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd;

	assert_true((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) >=
	    0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	if (listening)
		assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	snprintf(port, 16, "%u", ntohs(sin.sin_port));
	return (fd);
}

/* The child: serve nconn connections, then exit (20 s at most). */
static void
srv_child(int lfd, int out, enum srv_mode mode, X509 *cert, EVP_PKEY *key,
    X509 *extra, int nconn)
{
	static const char	 http[] = "HTTP/1.1 400 Bad Request\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n";
	SSL_CTX			*ctx = NULL;
	SSL			*ssl;
	const char		*name;
	char			 buf[4096];
	int			 fd, i;

	alarm(20);
	if (mode == SRV_TLS) {
		ctx = SSL_CTX_new(TLS_server_method());
		if (ctx == NULL || SSL_CTX_use_certificate(ctx, cert) != 1 ||
		    SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
		    (extra != NULL && SSL_CTX_add1_chain_cert(ctx,
		    extra) != 1))
			_exit(3);
	}
	for (i = 0; i < nconn; i++) {
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			_exit(4);
		switch (mode) {
		case SRV_TLS:
			ssl = SSL_new(ctx);
			SSL_set_fd(ssl, fd);
			if (SSL_accept(ssl) == 1) {
				name = SSL_get_servername(ssl,
				    TLSEXT_NAMETYPE_host_name);
				snprintf(buf, sizeof buf, "%s\n",
				    name != NULL ? name : "-");
				(void)write(out, buf, strlen(buf));
				(void)SSL_shutdown(ssl);
			} else
				(void)write(out, "!\n", 2);
			SSL_free(ssl);
			break;
		case SRV_HTTP:
			(void)recv(fd, buf, sizeof buf, 0);
			(void)send(fd, http, sizeof http - 1, MSG_NOSIGNAL);
			shutdown(fd, SHUT_WR);
			while (recv(fd, buf, sizeof buf, 0) > 0)
				;
			break;
		default:
			break;
		}
		close(fd);
	}
	SSL_CTX_free(ctx);
	_exit(0);
}

/* Start a server; the caller probes it nconn times, then srv_stop. */
static void
srv_start(struct srv *s, enum srv_mode mode, X509 *cert, EVP_PKEY *key,
    X509 *extra, int nconn)
{
	int	p[2];

	memset(s, 0, sizeof *s);
	s->lfd = srv_socket(s->port, true);
	s->pipe = -1;
	if (mode == SRV_SILENT)
		return;
	assert_int_equal(pipe(p), 0);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		close(p[0]);
		srv_child(s->lfd, p[1], mode, cert, key, extra, nconn);
	}
	close(p[1]);
	s->pipe = p[0];
}

/* The next line the TLS child reported (static buffer): SNI or "-". */
static const char *
srv_sni(struct srv *s)
{
	static char	buf[256];
	size_t		n = 0;
	char		c;

	while (n < sizeof buf - 1 && read(s->pipe, &c, 1) == 1 && c != '\n')
		buf[n++] = c;
	buf[n] = '\0';
	return (buf);
}

static void
srv_stop(struct srv *s)
{
	int	status, i;

	close(s->lfd);
	/* the child exits after its connections; 2 s of grace, then kill */
	for (i = 0; s->pid > 0 && i < 200; i++) {
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			s->pid = 0;
			break;
		}
		usleep(10000);
	}
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, &status, 0);
	}
	if (s->pipe != -1)
		close(s->pipe);
}

/* The SHA-256 of an X509 as our certificates compute it. */
static void
x509_sha256(X509 *x, unsigned char out[32])
{
	struct cert	*c = cert_from_x509(x, NULL);

	assert_non_null(c);
	memcpy(out, cert_sha256(c), 32);
	cert_free(c);
}

/* A keystore holding trusted entries. */
static struct keystore *
trust_of(X509 **x, const char **alias, size_t n)
{
	struct keystore	*ks = st_ks(KS_FMT_PKCS12, true);
	size_t		 i;

	for (i = 0; i < n; i++)
		st_add_trusted(ks, alias[i], x[i]);
	return (ks);
}

/* ------------------------------------------------------------------ */

static void
test_parse_target(void **state)
{
	char	*h, *p, *cause = NULL;

	(void)state;
	assert_int_equal(probe_parse_target("im.example:8443", &h, &p, NULL),
	    0);
	assert_string_equal(h, "im.example");
	assert_string_equal(p, "8443");
	free(h);
	free(p);
	assert_int_equal(probe_parse_target("[::1]:443", &h, &p, NULL), 0);
	assert_string_equal(h, "::1");
	assert_string_equal(p, "443");
	free(h);
	free(p);
	assert_int_equal(probe_parse_target("::1", &h, &p, NULL), 0);
	assert_string_equal(h, "::1");
	assert_null(p);
	free(h);
	assert_int_equal(probe_parse_target(":9443", &h, &p, NULL), 0);
	assert_null(h);
	assert_string_equal(p, "9443");
	free(p);
	assert_int_equal(probe_parse_target("host", &h, &p, NULL), 0);
	assert_string_equal(h, "host");
	assert_null(p);
	free(h);
	assert_int_equal(probe_parse_target("host:0", &h, &p, &cause), -1);
	assert_non_null(strstr(cause, "bad port"));
	free(cause);
	cause = NULL;
	assert_int_equal(probe_parse_target("host:70000", &h, &p, NULL), -1);
	assert_int_equal(probe_parse_target("host:x1", &h, &p, NULL), -1);
	assert_int_equal(probe_parse_target("host:", &h, &p, NULL), -1);
	assert_int_equal(probe_parse_target("[::1", &h, &p, NULL), -1);
	assert_int_equal(probe_parse_target("[::1]x", &h, &p, NULL), -1);
	assert_int_equal(probe_parse_target("", &h, &p, NULL), -1);
	assert_null(h);
	assert_null(p);
}

/* A bound port nobody listens on: refused, at once. */
static void
test_refused(void **state)
{
	struct probe_result	*r;
	char			 port[16], *cause = NULL, *want;
	int			 fd;

	(void)state;
	fd = srv_socket(port, false);
	assert_int_equal(probe_fetch("127.0.0.1", port, NULL, 2000, &r,
	    &cause), -1);
	assert_int_equal(r->error, PROBE_ERR_REFUSED);
	assert_string_equal(probe_error_name(r->error), "refused");
	xasprintf(&want, "nothing listens on 127.0.0.1:%s", port);
	assert_non_null(strstr(cause, want));
	assert_string_equal(r->error_msg, cause);
	assert_null(r->sni);		/* an IP: no SNI */
	assert_int_equal(r->nchain, 0);
	assert_true(r->elapsed_ms < 1000);
	probe_result_free(r);
	free(want);
	free(cause);
	close(fd);
}

/* A listener that never answers: a timeout, on time. */
static void
test_timeout(void **state)
{
	struct srv		 s;
	struct probe_result	*r;
	char			*cause = NULL;

	(void)state;
	srv_start(&s, SRV_SILENT, NULL, NULL, NULL, 0);
	assert_int_equal(probe_fetch("127.0.0.1", s.port, "x.example", 400,
	    &r, &cause), -1);
	assert_int_equal(r->error, PROBE_ERR_TIMEOUT);
	assert_non_null(strstr(cause, "did not answer"));
	assert_non_null(strstr(cause, "400 ms"));
	assert_true(r->elapsed_ms >= 350);
	assert_true(r->elapsed_ms < 2000);
	assert_string_equal(r->sni, "x.example");
	probe_result_free(r);
	free(cause);
	srv_stop(&s);
}

/* Plain HTTP on the port: "not TLS", with what it said. */
static void
test_not_tls(void **state)
{
	struct srv		 s;
	struct probe_result	*r;
	char			*cause = NULL;

	(void)state;
	srv_start(&s, SRV_HTTP, NULL, NULL, NULL, 1);
	assert_int_equal(probe_fetch("127.0.0.1", s.port, NULL, 3000, &r,
	    &cause), -1);
	assert_int_equal(r->error, PROBE_ERR_NOT_TLS);
	assert_non_null(strstr(cause, "not with TLS: plain HTTP?"));
	assert_non_null(strstr(cause, "HTTP/1.1 400 Bad Request"));
	probe_result_free(r);
	free(cause);
	srv_stop(&s);
}

/* A peer that closes at once: a handshake failure that says so. */
static void
test_closed(void **state)
{
	struct srv		 s;
	struct probe_result	*r;
	char			*cause = NULL;

	(void)state;
	srv_start(&s, SRV_CLOSE, NULL, NULL, NULL, 1);
	assert_int_equal(probe_fetch("127.0.0.1", s.port, NULL, 3000, &r,
	    &cause), -1);
	assert_int_equal(r->error, PROBE_ERR_HANDSHAKE);
	assert_non_null(strstr(cause, "closed the connection"));
	probe_result_free(r);
	free(cause);
	srv_stop(&s);
}

/* The chain as served, the SNI sent, and trust by several stores. */
static void
test_fetch_verify(void **state)
{
	struct srv		 s;
	struct probe_result	*r = NULL;
	struct keystore		*ks;
	unsigned char		 fp[32];
	X509			*tx[1];
	const char		*ta[1];
	char			*cause = NULL;

	(void)state;
	srv_start(&s, SRV_TLS, leaf_x, leaf_key, int_x, 2);
	if (probe_fetch("localhost", s.port, "im.example.test", 3000, &r,
	    &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	assert_string_equal(srv_sni(&s), "im.example.test");
	assert_int_equal(r->error, PROBE_OK);
	assert_null(r->error_msg);
	assert_string_equal(r->address, "127.0.0.1");
	assert_string_equal(r->protocol, "TLSv1.3");
	assert_non_null(strstr(r->cipher, "TLS_"));
	assert_int_equal(r->nchain, 2);
	x509_sha256(leaf_x, fp);
	assert_memory_equal(cert_sha256(r->chain[0]), fp, 32);
	x509_sha256(int_x, fp);
	assert_memory_equal(cert_sha256(r->chain[1]), fp, 32);
	assert_string_equal(r->chain[0]->info.subject,
	    "CN=im.example.test, O=Test");

	/* not checked without a store */
	probe_verify(r, NULL, 0);
	assert_int_equal(r->verified, -1);
	/* the root: trusted, anchor named */
	tx[0] = root_x;
	ta[0] = "probe-root";
	ks = trust_of(tx, ta, 1);
	probe_verify(r, ks, 0);
	assert_int_equal(r->verified, 1);
	assert_string_equal(r->trust_alias, "probe-root");
	assert_string_equal(r->trust_subject, "CN=Probe Root, O=Test");
	assert_null(r->verify_error);
	/* later than the leaf's end: expired */
	probe_verify(r, ks, st_t0 + 500 * ST_DAY);
	assert_int_equal(r->verified, 0);
	assert_non_null(strstr(r->verify_error, "expired"));
	keystore_free(ks);
	/* the intermediate alone is an anchor too, as in Java */
	tx[0] = int_x;
	ta[0] = "issuing";
	ks = trust_of(tx, ta, 1);
	probe_verify(r, ks, 0);
	assert_int_equal(r->verified, 1);
	assert_string_equal(r->trust_alias, "issuing");
	keystore_free(ks);
	/* another root: not trusted, OpenSSL's reason */
	tx[0] = other_x;
	ta[0] = "other";
	ks = trust_of(tx, ta, 1);
	probe_verify(r, ks, 0);
	assert_int_equal(r->verified, 0);
	assert_null(r->trust_alias);
	assert_non_null(strstr(r->verify_error,
	    "unable to get local issuer certificate"));
	keystore_free(ks);
	probe_result_free(r);

	/* an IP address: no SNI unless one is given */
	assert_int_equal(probe_fetch("127.0.0.1", s.port, NULL, 3000, &r,
	    NULL), 0);
	assert_string_equal(srv_sni(&s), "-");
	assert_null(r->sni);
	probe_result_free(r);
	srv_stop(&s);
}

/* ------------------------------------------------------------------ */
/* Live findings on a server tree */

/*
 * A tree: keystore [leaf, int, root] under integration-manager, cacerts
 * trusting the root, the documented properties (server.port 8443).
 */
static char *
probe_tree(const char *extra)
{
	char		*d = st_tree_new();
	struct keystore	*ks = st_ks(KS_FMT_PKCS12, false);
	X509		*chain[3] = { leaf_x, int_x, root_x };
	const char	*alias = "probe-root";

	st_add_key(ks, "integration-manager", leaf_key, chain, 3, NULL);
	st_save(ks, d, "conf/ssl/keystore.p12", PASS, 0600);
	st_jre(d, "17.0.15", &root_x, &alias, 1);
	st_props(d, "keystore.p12", "PKCS12", PASS, extra);
	return (d);
}

/* The codes probe_compare adds, sorted (static buffer). */
static const char *
live_codes(const struct server_model *m)
{
	static char	buf[512];
	size_t		i, k;
	const char	*all[] = { "port-not-listening", "probe-failed",
	    "served-cert-differs", "served-chain-incomplete",
	    "served-chain-untrusted", "served-not-tls" };

	buf[0] = '\0';
	for (k = 0; k < sizeof all / sizeof all[0]; k++) {
		assert_true(probe_code(all[k]));
		for (i = 0; i < m->nfindings; i++)
			if (strcmp(m->findings[i]->code, all[k]) == 0) {
				if (buf[0] != '\0')
					strcat(buf, " ");
				strcat(buf, all[k]);
			}
	}
	return (buf);
}

/* Probe a tree's model on 127.0.0.1:port (SNI from im.base-url). */
static struct server_model *
probe_model(const char *d, const char *port, int want_rc,
    struct probe_result **rp)
{
	struct server_model	*m = st_load(d, 1);
	struct probe_result	*r = NULL;
	char			*cause = NULL;
	int			 rc;

	assert_string_equal(live_codes(m), "");
	rc = probe_server(m, "127.0.0.1", port, NULL, 1500, &r, &cause);
	if (rc != want_rc) {
		print_error("probe_server: %d (%s)\n", rc, cause);
		fail();
	}
	free(cause);
	if (rp != NULL)
		*rp = r;
	else
		probe_result_free(r);
	return (m);
}

static void
test_tree_live(void **state)
{
	char			*d = probe_tree("");
	struct server_model	*m;
	struct probe_result	*r;
	const struct finding	*f;
	struct srv		 s;
	char			 port[16];
	int			 fd;

	(void)state;
	assert_false(probe_code("cert-expired"));

	/* the keystore's certificate with its intermediate: all good */
	srv_start(&s, SRV_TLS, leaf_x, leaf_key, int_x, 1);
	m = probe_model(d, s.port, 0, &r);
	assert_string_equal(srv_sni(&s), "im.example.test");
	assert_string_equal(r->sni, "im.example.test");
	assert_int_equal(r->verified, 1);
	assert_string_equal(r->trust_alias, "probe-root");
	assert_string_equal(live_codes(m), "");
	assert_int_equal(probe_compare(r, m), 1);
	assert_string_equal(live_codes(m), "");
	probe_result_free(r);
	server_model_free(m);
	srv_stop(&s);

	/* another certificate: restart pending, and untrusted */
	srv_start(&s, SRV_TLS, other_x, other_key, NULL, 1);
	m = probe_model(d, s.port, 0, &r);
	assert_string_equal(live_codes(m),
	    "served-cert-differs served-chain-untrusted");
	f = st_finding(m, "served-cert-differs");
	assert_int_equal(f->sev, SEV_CRIT);
	assert_string_equal(f->alias, "integration-manager");
	assert_non_null(strstr(f->message, "restart is pending"));
	/* the restart names what exists: no unit, no init script here */
	assert_non_null(strstr(f->fix, "restart"));
	assert_int_equal(audit_exit_code(m), 2);
	f = st_finding(m, "served-chain-untrusted");
	assert_int_equal(f->form, FORM_TRUST);
	assert_non_null(strstr(f->file, "jre/lib/security/cacerts"));
	/* compared again: no second finding */
	assert_int_equal(probe_compare(r, m), 0);
	assert_string_equal(live_codes(m),
	    "served-cert-differs served-chain-untrusted");
	probe_result_free(r);
	server_model_free(m);
	srv_stop(&s);

	/* the leaf alone: the intermediate is missing, trust fails */
	srv_start(&s, SRV_TLS, leaf_x, leaf_key, NULL, 1);
	m = probe_model(d, s.port, 0, NULL);
	assert_string_equal(live_codes(m),
	    "served-chain-incomplete served-chain-untrusted");
	f = st_finding(m, "served-chain-incomplete");
	assert_non_null(strstr(f->message, "\"CN=Probe Issuing CA, O=Test\""));
	assert_int_equal(f->form, FORM_IMPORT_REPLY);
	f = st_finding(m, "served-chain-untrusted");
	assert_non_null(strstr(f->message, "unable to get local issuer"));
	server_model_free(m);
	srv_stop(&s);

	/* nothing listens: port-not-listening, once */
	fd = srv_socket(port, false);
	m = probe_model(d, port, -1, &r);
	assert_string_equal(live_codes(m), "port-not-listening");
	f = st_finding(m, "port-not-listening");
	assert_string_equal(f->key, "server.port");
	assert_int_equal(f->line, 2);
	assert_int_equal(probe_compare(r, m), -1);
	assert_string_equal(live_codes(m), "port-not-listening");
	probe_result_free(r);
	server_model_free(m);
	close(fd);

	/* plain HTTP where HTTPS is configured: restart pending */
	srv_start(&s, SRV_HTTP, NULL, NULL, NULL, 1);
	m = probe_model(d, s.port, -1, NULL);
	assert_string_equal(live_codes(m), "served-not-tls");
	f = st_finding(m, "served-not-tls");
	assert_int_equal(f->sev, SEV_CRIT);
	assert_non_null(strstr(f->fix, "restart"));
	server_model_free(m);
	srv_stop(&s);

	/* a peer that closes: the probe failed, a warning */
	srv_start(&s, SRV_CLOSE, NULL, NULL, NULL, 1);
	m = probe_model(d, s.port, -1, NULL);
	assert_string_equal(live_codes(m), "probe-failed");
	assert_int_equal(st_finding(m, "probe-failed")->sev, SEV_WARN);
	server_model_free(m);
	srv_stop(&s);

	st_tree_rm(d);
}

/* The audit hook probes only an HTTPS server whose port may listen. */
static void
test_probe_audit(void **state)
{
	char			*d = probe_tree("");
	struct server_model	*m;
	size_t			 n;

	(void)state;
	m = st_load(d, 1);
	n = m->nfindings;
	m->listening = 0;		/* /proc said: closed */
	probe_audit(m, 500);
	assert_int_equal(m->nfindings, n);
	m->listening = -1;
	m->ssl = false;			/* plain HTTP configured */
	probe_audit(m, 500);
	assert_int_equal(m->nfindings, n);
	server_model_free(m);
	st_tree_rm(d);
}

/* server.address names the interface to probe; 0.0.0.0 does not. */
static void
test_server_address(void **state)
{
	char			*d = probe_tree("server.address=127.0.0.1\n");
	char			*d2 = probe_tree("server.address=0.0.0.0\n");
	struct server_model	*m;
	struct probe_result	*r = NULL;
	struct srv		 s;

	(void)state;
	srv_start(&s, SRV_TLS, leaf_x, leaf_key, int_x, 2);
	m = st_load(d, 1);
	assert_int_equal(probe_server(m, NULL, s.port, NULL, 2000, &r, NULL),
	    0);
	assert_string_equal(r->host, "127.0.0.1");
	assert_string_equal(r->sni, "im.example.test");
	assert_string_equal(srv_sni(&s), "im.example.test");
	probe_result_free(r);
	server_model_free(m);
	m = st_load(d2, 1);
	assert_int_equal(probe_server(m, NULL, s.port, NULL, 2000, &r, NULL),
	    0);
	assert_string_equal(r->host, "localhost");
	assert_string_equal(srv_sni(&s), "im.example.test");
	probe_result_free(r);
	server_model_free(m);
	srv_stop(&s);
	st_tree_rm(d);
	st_tree_rm(d2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_target),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_not_tls),
		cmocka_unit_test(test_closed),
		cmocka_unit_test(test_fetch_verify),
		cmocka_unit_test(test_tree_live),
		cmocka_unit_test(test_probe_audit),
		cmocka_unit_test(test_server_address),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}

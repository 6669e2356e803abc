/* SPDX-License-Identifier: ISC */
/*
 * probe.c -- what the port really serves, and the live findings.
 *
 * A small TLS client: a non-blocking connect to each address of the host,
 * then a handshake that accepts any certificate (we judge trust ourselves,
 * with the server JRE's cacerts, as Java would).  OpenSSL runs over memory
 * BIOs and we move the bytes, so every wait is a poll() bounded by the
 * deadline, and the first bytes the peer sent are at hand to tell "not
 * TLS" (an HTTP answer) from a TLS failure.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "core.h"

#define PROBE_SNIFF	64	/* first bytes kept to recognise HTTP */
#define PROBE_BUF	16384

/* One connection being probed. */
struct probe_conn {
	const char	*where;		/* "host:port" for messages */
	int		 fd;
	int		 cancel_fd;	/* readable: stop (-1: none) */
	int		 timeout_ms;
	int64_t		 deadline;	/* monotonic ms */
	SSL		*ssl;
	BIO		*rbio;		/* bytes from the peer */
	BIO		*wbio;		/* bytes for the peer */
	unsigned char	 sniff[PROBE_SNIFF];
	size_t		 nsniff;
	size_t		 nread;		/* bytes received in all */
	bool		 eof;
};

static const char *probe_error_names[PROBE_ERR__MAX] = {
	[PROBE_OK] = "ok",
	[PROBE_ERR_RESOLVE] = "resolve",
	[PROBE_ERR_CONNECT] = "connect",
	[PROBE_ERR_REFUSED] = "refused",
	[PROBE_ERR_TIMEOUT] = "timeout",
	[PROBE_ERR_NOT_TLS] = "not-tls",
	[PROBE_ERR_HANDSHAKE] = "handshake",
};

/* The codes probe_compare adds. */
static const char *probe_codes[] = {
	"served-cert-differs", "served-chain-untrusted",
	"served-chain-incomplete", "port-not-listening", "served-not-tls",
	"probe-failed",
};

/* The JSON name of an error kind. */
const char *
probe_error_name(enum probe_error e)
{
	if ((unsigned)e >= PROBE_ERR__MAX)
		return ("unknown");
	return (probe_error_names[e]);
}

/* Is code one of ours (probe_codes)? */
bool
probe_code(const char *code)
{
	size_t	i;

	for (i = 0; i < sizeof probe_codes / sizeof probe_codes[0]; i++)
		if (strcmp(code, probe_codes[i]) == 0)
			return (true);
	return (false);
}

/* Monotonic milliseconds. */
static int64_t
probe_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Milliseconds left until deadline (0 when past), for poll(). */
static int
probe_left(int64_t deadline)
{
	int64_t	left = deadline - probe_now_ms();

	return (left <= 0 ? 0 : left > 600000 ? 600000 : (int)left);
}

/*
 * Wait for events on fd until deadline, or until cancel_fd (-1: none) is
 * readable.  1 ready, 0 timed out, -1 with errno (ECANCELED: cancelled).
 */
static int
probe_wait(int fd, short events, int64_t deadline, int cancel_fd)
{
	struct pollfd	pfd[2];
	int		n;

	for (;;) {
		pfd[0].fd = fd;
		pfd[0].events = events;
		pfd[0].revents = 0;
		pfd[1].fd = cancel_fd;		/* poll ignores -1 */
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		n = poll(pfd, 2, probe_left(deadline));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (-1);
		if (pfd[1].revents != 0) {
			errno = ECANCELED;
			return (-1);
		}
		return (n == 0 ? 0 : 1);
	}
}

/* Is s an IPv4 or IPv6 address literal? */
static bool
probe_is_ip(const char *s)
{
	unsigned char	buf[sizeof(struct in6_addr)];

	return (inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1);
}

/* A port: 1..65535, digits only. */
static bool
probe_port_ok(const char *s)
{
	long	v = 0;

	if (*s == '\0' || strlen(s) > 5)
		return (false);
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return (false);
		v = v * 10 + (*s - '0');
	}
	return (v >= 1 && v <= 65535);
}

/* Split HOST:PORT, [V6]:PORT, HOST or :PORT. */
int
probe_parse_target(const char *s, char **hostp, char **portp, char **cause)
{
	const char	*colon, *end;
	char		*host = NULL, *port = NULL;
	int		 rc = -1;

	*hostp = *portp = NULL;
	if (s == NULL || *s == '\0') {
		cause_set(cause, "empty HOST:PORT");
		goto out;
	}
	if (*s == '[') {
		/* [v6addr] or [v6addr]:port */
		if ((end = strchr(s, ']')) == NULL || end == s + 1) {
			cause_set(cause, "%s: missing ']' after the IPv6 "
			    "address", s);
			goto out;
		}
		host = xstrndup(s + 1, (size_t)(end - s - 1));
		if (end[1] == ':')
			port = xstrdup(end + 2);
		else if (end[1] != '\0') {
			cause_set(cause, "%s: expected ':PORT' after ']'", s);
			goto out;
		}
	} else if ((colon = strchr(s, ':')) != NULL &&
	    strchr(colon + 1, ':') != NULL) {
		/* more than one ':': a bare IPv6 address, no port */
		host = xstrdup(s);
	} else if (colon != NULL) {
		if (colon != s)
			host = xstrndup(s, (size_t)(colon - s));
		port = xstrdup(colon + 1);
	} else
		host = xstrdup(s);
	if (port != NULL && !probe_port_ok(port)) {
		cause_set(cause, "%s: bad port \"%s\" (1 to 65535)", s, port);
		goto out;
	}
	if (host != NULL && (*host == '\0' || strpbrk(host, " \t/") != NULL)) {
		cause_set(cause, "%s: bad host name", s);
		goto out;
	}
	*hostp = host;
	*portp = port;
	host = port = NULL;
	rc = 0;
out:
	free(host);
	free(port);
	return (rc);
}

/* Free a result and everything it holds (NULL-safe). */
void
probe_result_free(struct probe_result *r)
{
	if (r == NULL)
		return;
	free(r->host);
	free(r->port);
	free(r->address);
	free(r->sni);
	free(r->error_msg);
	free(r->protocol);
	free(r->cipher);
	certs_free(r->chain, r->nchain);
	free(r->verify_error);
	free(r->trust_alias);
	free(r->trust_subject);
	free(r);
}

/* ------------------------------------------------------------------ */
/* Connecting */

/* Connect one address within timeout_ms; 0, or -1 with errno. */
static int
probe_connect_one(const struct addrinfo *ai, int timeout_ms, int cancel_fd,
    int *fdp)
{
	socklen_t	len;
	int		fd, err = 0, n;

	*fdp = -1;
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1)
		return (-1);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		goto done;
	if (errno != EINPROGRESS) {
		err = errno;
		goto fail;
	}
	n = probe_wait(fd, POLLOUT, probe_now_ms() + timeout_ms, cancel_fd);
	if (n == -1) {
		err = errno;
		goto fail;
	}
	if (n == 0) {
		err = ETIMEDOUT;
		goto fail;
	}
	len = sizeof err;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0)
		goto fail;
done:
	*fdp = fd;
	return (0);
fail:
	close(fd);
	errno = err;
	return (-1);
}

/*
 * Try every address of host:port.  A timeout outweighs a refusal (the
 * host is there but filtered), and a refusal any other error (localhost's
 * ::1 may be unreachable while 127.0.0.1 refuses).
 */
static int
probe_connect(struct probe_result *r, int timeout_ms, int cancel_fd,
    int *fdp, char **cause)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 addr[NI_MAXHOST];
	int		 e, fd = -1, timedout = 0, refused = 0, other = 0;
	int		 rc = -1;
	bool		 cancelled = false;

	*fdp = -1;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	if ((e = getaddrinfo(r->host, r->port, &hints, &res)) != 0) {
		r->error = PROBE_ERR_RESOLVE;
		cause_set(cause, "%s: cannot resolve: %s", r->host,
		    e == EAI_SYSTEM ? strerror(errno) : gai_strerror(e));
		goto out;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr,
		    sizeof addr, NULL, 0, NI_NUMERICHOST) == 0) {
			free(r->address);
			r->address = xstrdup(addr);
		}
		if (probe_connect_one(ai, timeout_ms, cancel_fd, &fd) == 0)
			break;
		if (errno == ECANCELED) {
			cancelled = true;
			break;
		}
		if (errno == ETIMEDOUT)
			timedout++;
		else if (errno == ECONNREFUSED)
			refused++;
		else
			other = errno;
	}
	if (fd == -1) {
		if (cancelled) {
			r->error = PROBE_ERR_CONNECT;
			cause_set(cause, "connecting to %s:%s was cancelled",
			    r->host, r->port);
		} else if (timedout > 0) {
			r->error = PROBE_ERR_TIMEOUT;
			cause_set(cause, "connecting to %s:%s timed out after "
			    "%d ms (a firewall drops the packets, or the host "
			    "is down)", r->host, r->port, timeout_ms);
		} else if (refused > 0) {
			r->error = PROBE_ERR_REFUSED;
			cause_set(cause, "nothing listens on %s:%s "
			    "(connection refused)", r->host, r->port);
		} else {
			r->error = PROBE_ERR_CONNECT;
			cause_set(cause, "cannot connect to %s:%s: %s",
			    r->host, r->port, strerror(other));
		}
		goto out;
	}
	*fdp = fd;
	rc = 0;
out:
	if (res != NULL)
		freeaddrinfo(res);
	return (rc);
}

/* ------------------------------------------------------------------ */
/* The handshake over memory BIOs */

/* Send what OpenSSL wrote for the peer; -1 on a socket error/timeout. */
static int
probe_flush(struct probe_conn *c)
{
	unsigned char	buf[PROBE_BUF];
	ssize_t		n;
	int		len, off, k;

	while ((len = BIO_read(c->wbio, buf, sizeof buf)) > 0) {
		off = 0;
		while (off < len) {
			n = send(c->fd, buf + off, (size_t)(len - off),
			    MSG_NOSIGNAL);
			if (n > 0) {
				off += (int)n;
				continue;
			}
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1 && errno != EAGAIN &&
			    errno != EWOULDBLOCK)
				return (-1);
			k = probe_wait(c->fd, POLLOUT, c->deadline,
			    c->cancel_fd);
			if (k == 0) {
				errno = ETIMEDOUT;
				return (-1);
			}
			if (k == -1)
				return (-1);
		}
	}
	return (0);
}

/* Wait for bytes from the peer and hand them to OpenSSL. */
static int
probe_fill(struct probe_conn *c)
{
	unsigned char	buf[PROBE_BUF];
	ssize_t		n;
	int		k;

	for (;;) {
		k = probe_wait(c->fd, POLLIN, c->deadline, c->cancel_fd);
		if (k == -1)
			return (-1);
		if (k == 0) {
			errno = ETIMEDOUT;
			return (-1);
		}
		n = recv(c->fd, buf, sizeof buf, 0);
		if (n == -1 && (errno == EINTR || errno == EAGAIN ||
		    errno == EWOULDBLOCK))
			continue;
		if (n == -1) {
			/* a reset: OpenSSL sees the end of the stream */
			c->eof = true;
			BIO_set_mem_eof_return(c->rbio, 0);
			return (0);
		}
		if (n == 0) {
			c->eof = true;
			BIO_set_mem_eof_return(c->rbio, 0);
			return (0);
		}
		if (c->nsniff < sizeof c->sniff) {
			size_t	m = sizeof c->sniff - c->nsniff;

			if ((size_t)n < m)
				m = (size_t)n;
			memcpy(c->sniff + c->nsniff, buf, m);
			c->nsniff += m;
		}
		c->nread += (size_t)n;
		if (BIO_write(c->rbio, buf, (int)n) != (int)n)
			return (-1);
		return (0);
	}
}

/* Do the first bytes look like a TLS record (or an SSLv2 hello)? */
static bool
probe_looks_tls(const struct probe_conn *c)
{
	if (c->nsniff == 0)
		return (true);	/* nothing to judge by */
	if (c->sniff[0] >= 0x14 && c->sniff[0] <= 0x18)
		return (c->nsniff < 2 || c->sniff[1] == 0x03);
	return (false);
}

/* The first line the peer sent, printable, for a message (malloc'd). */
static char *
probe_first_line(const struct probe_conn *c)
{
	char	*s;
	size_t	 i, n = 0;

	s = xmalloc(c->nsniff + 1);
	for (i = 0; i < c->nsniff && i < 60; i++) {
		if (c->sniff[i] == '\r' || c->sniff[i] == '\n')
			break;
		s[n++] = c->sniff[i] >= 0x20 && c->sniff[i] < 0x7f ?
		    (char)c->sniff[i] : '.';
	}
	s[n] = '\0';
	return (s);
}

/* Why the handshake failed, in the best words we have. */
static void
probe_handshake_error(struct probe_result *r, struct probe_conn *c,
    int sslerr, char **cause)
{
	char	*line;

	if (!probe_looks_tls(c)) {
		cause_ssl_clear();
		r->error = PROBE_ERR_NOT_TLS;
		line = probe_first_line(c);
		if (strncmp(line, "HTTP/", 5) == 0)
			cause_set(cause, "%s answered, but not with TLS: plain "
			    "HTTP? (it said \"%s\")", c->where, line);
		else
			cause_set(cause, "%s answered, but not with TLS: "
			    "plain HTTP? (it sent %zu bytes starting \"%s\")",
			    c->where, c->nread, line);
		free(line);
		return;
	}
	r->error = PROBE_ERR_HANDSHAKE;
	if (c->eof && c->nread == 0) {
		cause_ssl_clear();
		cause_set(cause, "%s closed the connection during the TLS "
		    "handshake without an answer (not TLS, or it refused our "
		    "hello)", c->where);
		return;
	}
	if (ERR_peek_error() != 0)
		cause_ssl(cause, "TLS handshake with %s failed", c->where);
	else
		cause_set(cause, "TLS handshake with %s failed (%s)", c->where,
		    c->eof ? "the connection was closed" : sslerr ==
		    SSL_ERROR_SYSCALL ? "I/O error" : "protocol error");
}

/* The handshake, bounded by c->deadline. */
static int
probe_handshake(struct probe_result *r, struct probe_conn *c, char **cause)
{
	int	n, e;

	for (;;) {
		ERR_clear_error();
		n = SSL_do_handshake(c->ssl);
		e = n == 1 ? SSL_ERROR_NONE : SSL_get_error(c->ssl, n);
		/* a failed send: what the peer said (or its EOF) tells more */
		(void)probe_flush(c);
		if (n == 1)
			return (0);
		if (e != SSL_ERROR_WANT_READ || c->eof)
			break;
		if (probe_fill(c) != 0) {
			if (errno == ETIMEDOUT) {
				cause_ssl_clear();
				r->error = PROBE_ERR_TIMEOUT;
				if (c->nread == 0)
					cause_set(cause, "%s accepted the "
					    "connection but did not answer the "
					    "TLS hello within %d ms (not TLS, "
					    "or the server hangs)", c->where,
					    c->timeout_ms);
				else if (!probe_looks_tls(c))
					probe_handshake_error(r, c, e, cause);
				else
					cause_set(cause, "the TLS handshake "
					    "with %s timed out after %d ms",
					    c->where, c->timeout_ms);
				return (-1);
			}
			cause_ssl_clear();
			r->error = PROBE_ERR_CONNECT;
			if (errno == ECANCELED)
				cause_set(cause, "the TLS handshake with %s "
				    "was cancelled", c->where);
			else
				cause_set(cause, "%s: %s", c->where,
				    strerror(errno));
			return (-1);
		}
	}
	probe_handshake_error(r, c, e, cause);
	return (-1);
}

/* Copy what the handshake gave: protocol, cipher and the chain. */
static int
probe_collect(struct probe_result *r, struct probe_conn *c, char **cause)
{
	STACK_OF(X509)		*sk;
	const SSL_CIPHER	*ci;
	const char		*name;
	struct cert		*ct;
	char			*c2 = NULL;
	int			 i, n;

	r->protocol = xstrdup(SSL_get_version(c->ssl));
	if ((ci = SSL_get_current_cipher(c->ssl)) != NULL) {
		name = SSL_CIPHER_standard_name(ci);
		r->cipher = xstrdup(name != NULL ? name :
		    SSL_CIPHER_get_name(ci));
	}
	/* a client's peer chain starts with the server's certificate */
	if ((sk = SSL_get_peer_cert_chain(c->ssl)) == NULL ||
	    (n = sk_X509_num(sk)) == 0) {
		r->error = PROBE_ERR_HANDSHAKE;
		cause_set(cause, "%s sent no certificate (an anonymous or "
		    "PSK cipher?)", c->where);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if ((ct = cert_from_x509(sk_X509_value(sk, i), &c2)) == NULL) {
			r->error = PROBE_ERR_HANDSHAKE;
			cause_set(cause, "%s: served certificate %d: %s",
			    c->where, i + 1, c2);
			free(c2);
			return (-1);
		}
		r->chain = xreallocarray(r->chain, r->nchain + 1,
		    sizeof *r->chain);
		r->chain[r->nchain++] = ct;
	}
	return (0);
}

/* Connect, shake hands, and keep what the server sent. */
int
probe_fetch(const char *host, const char *port, const char *sni,
    int timeout_ms, struct probe_result **res, char **cause)
{
	return (probe_fetch_cancel(host, port, sni, timeout_ms, -1, res,
	    cause));
}

/* probe_fetch, stopped early when cancel_fd becomes readable. */
int
probe_fetch_cancel(const char *host, const char *port, const char *sni,
    int timeout_ms, int cancel_fd, struct probe_result **res, char **cause)
{
	struct probe_result	*r;
	struct probe_conn	 c;
	SSL_CTX			*ctx = NULL;
	char			*where = NULL, *c2 = NULL;
	int64_t			 start = probe_now_ms();
	int			 rc = -1;

	if (res != NULL)
		*res = NULL;
	memset(&c, 0, sizeof c);
	c.fd = -1;
	c.cancel_fd = cancel_fd;
	if (timeout_ms <= 0)
		timeout_ms = PROBE_TIMEOUT_MS;
	c.timeout_ms = timeout_ms;
	r = xcalloc(1, sizeof *r);
	r->verified = -1;
	r->host = xstrdup(host != NULL ? host : "localhost");
	r->port = xstrdup(port != NULL ? port : "443");
	if (sni != NULL && *sni != '\0' && !probe_is_ip(sni))
		r->sni = xstrdup(sni);
	else if (sni == NULL && !probe_is_ip(r->host))
		r->sni = xstrdup(r->host);
	if (strchr(r->host, ':') != NULL)
		xasprintf(&where, "[%s]:%s", r->host, r->port);
	else
		xasprintf(&where, "%s:%s", r->host, r->port);
	c.where = where;

	if (probe_connect(r, timeout_ms, cancel_fd, &c.fd, &c2) != 0)
		goto out;
	c.deadline = probe_now_ms() + timeout_ms;

	/*
	 * No verification here (we report trust ourselves), security level
	 * 0 and TLS 1.0 up: a weak or old certificate must still be
	 * fetched, so that the audit can say what is wrong with it.
	 */
	cause_ssl_clear();
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		r->error = PROBE_ERR_HANDSHAKE;
		cause_ssl(&c2, "cannot create a TLS context");
		goto out;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	if ((c.ssl = SSL_new(ctx)) == NULL ||
	    (c.rbio = BIO_new(BIO_s_mem())) == NULL ||
	    (c.wbio = BIO_new(BIO_s_mem())) == NULL) {
		r->error = PROBE_ERR_HANDSHAKE;
		cause_ssl(&c2, "cannot create a TLS connection");
		goto out;
	}
	/* an empty read BIO means "wait for more", until the peer's EOF */
	BIO_set_mem_eof_return(c.rbio, -1);
	SSL_set_bio(c.ssl, c.rbio, c.wbio);
	SSL_set_connect_state(c.ssl);
	if (r->sni != NULL && SSL_set_tlsext_host_name(c.ssl, r->sni) != 1) {
		r->error = PROBE_ERR_HANDSHAKE;
		cause_ssl(&c2, "cannot send server name \"%s\"", r->sni);
		goto out;
	}
	if (probe_handshake(r, &c, &c2) != 0)
		goto out;
	if (probe_collect(r, &c, &c2) != 0)
		goto out;
	/* a polite close_notify, not waited for */
	(void)SSL_shutdown(c.ssl);
	(void)probe_flush(&c);
	rc = 0;
out:
	r->elapsed_ms = (long)(probe_now_ms() - start);
	if (rc != 0) {
		if (r->error == PROBE_OK)
			r->error = PROBE_ERR_HANDSHAKE;
		r->error_msg = xstrdup(c2 != NULL ? c2 : "probe failed");
		if (cause != NULL && *cause == NULL) {
			*cause = c2;
			c2 = NULL;
		}
	}
	free(c2);
	cause_ssl_clear();
	SSL_free(c.ssl);	/* frees the BIOs it took */
	SSL_CTX_free(ctx);
	if (c.fd != -1)
		close(c.fd);
	free(where);
	if (res != NULL)
		*res = r;
	else
		probe_result_free(r);
	return (rc);
}

/* ------------------------------------------------------------------ */
/* Trust */

/* The alias of the trusted entry holding exactly x, or NULL. */
static const struct ks_entry *
probe_trust_entry(const struct keystore *trust, X509 *x)
{
	const struct ks_entry	*e;
	unsigned char		*der = NULL;
	int			 n;
	size_t			 i;

	if ((n = i2d_X509(x, &der)) <= 0)
		return (NULL);
	for (i = 0; i < trust->nentries; i++) {
		e = trust->entries[i];
		if (e->type != KS_ENTRY_TRUSTED || e->nchain == 0)
			continue;
		if (e->chain[0]->len == (size_t)n &&
		    memcmp(e->chain[0]->der, der, (size_t)n) == 0) {
			OPENSSL_free(der);
			return (e);
		}
	}
	OPENSSL_free(der);
	return (NULL);
}

/* Verify the served chain as Java's PKIX would, with OpenSSL. */
void
probe_verify(struct probe_result *r, const struct keystore *trust,
    time_t now)
{
	X509_STORE		*st = NULL;
	X509_STORE_CTX		*ctx = NULL;
	STACK_OF(X509)		*untrusted = NULL, *chain;
	X509			*leaf, *x, *cur;
	const struct ks_entry	*e;
	char			*subj;
	size_t			 i;
	int			 err, depth;

	free(r->verify_error);
	free(r->trust_alias);
	free(r->trust_subject);
	r->verify_error = r->trust_alias = r->trust_subject = NULL;
	r->verified = -1;
	if (trust == NULL || r->nchain == 0)
		return;
	cause_ssl_clear();
	if ((leaf = cert_x509(r->chain[0], NULL)) == NULL)
		goto out;
	if ((st = X509_STORE_new()) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL ||
	    (untrusted = sk_X509_new_null()) == NULL)
		goto out;
	/* Java's PKIX: every trusted certificate entry is an anchor */
	for (i = 0; i < trust->nentries; i++) {
		e = trust->entries[i];
		if (e->type != KS_ENTRY_TRUSTED || e->nchain == 0)
			continue;
		if ((x = cert_x509(e->chain[0], NULL)) == NULL)
			continue;
		(void)X509_STORE_add_cert(st, x);	/* duplicates: fine */
	}
	cause_ssl_clear();
	for (i = 1; i < r->nchain; i++)
		if ((x = cert_x509(r->chain[i], NULL)) != NULL)
			(void)sk_X509_push(untrusted, x);
	if (X509_STORE_CTX_init(ctx, st, leaf, untrusted) != 1)
		goto out;
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_PARTIAL_CHAIN);
	X509_STORE_CTX_set_time(ctx, 0, now != 0 ? now : time(NULL));
	(void)X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
	if (X509_verify_cert(ctx) == 1) {
		r->verified = 1;
		chain = X509_STORE_CTX_get0_chain(ctx);
		if (chain != NULL && sk_X509_num(chain) > 0) {
			x = sk_X509_value(chain, sk_X509_num(chain) - 1);
			if ((e = probe_trust_entry(trust, x)) != NULL) {
				r->trust_alias = xstrndup(e->alias,
				    e->alias_len);
				r->trust_subject = xstrdup(
				    e->chain[0]->info.subject);
			}
		}
		goto out;
	}
	r->verified = 0;
	err = X509_STORE_CTX_get_error(ctx);
	depth = X509_STORE_CTX_get_error_depth(ctx);
	cur = X509_STORE_CTX_get_current_cert(ctx);
	subj = NULL;
	for (i = 0; cur != NULL && i < r->nchain; i++)
		if (r->chain[i]->x509 == cur)
			subj = r->chain[i]->info.subject;
	if (subj != NULL)
		xasprintf(&r->verify_error, "%s (at \"%s\")",
		    X509_verify_cert_error_string(err), subj);
	else
		xasprintf(&r->verify_error, "%s (at depth %d)",
		    X509_verify_cert_error_string(err), depth);
out:
	if (r->verified == -1 && r->verify_error == NULL) {
		r->verified = 0;
		r->verify_error = xstrdup("cannot verify: out of memory or a "
		    "certificate OpenSSL cannot decode");
	}
	cause_ssl_clear();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	sk_X509_free(untrusted);	/* borrowed certificates */
}

/* ------------------------------------------------------------------ */
/* Findings */

/* Is there a finding with code already? */
static struct finding *
probe_finding(const struct server_model *m, const char *code)
{
	size_t	i;

	for (i = 0; i < m->nfindings; i++)
		if (strcmp(m->findings[i]->code, code) == 0)
			return (m->findings[i]);
	return (NULL);
}

/* The line of a property's settings row, or 0. */
static int
probe_line(const struct server_model *m, const char *key)
{
	size_t	i;

	for (i = 0; i < m->nsettings; i++)
		if (strcmp(m->settings[i]->key, key) == 0)
			return (m->settings[i]->line);
	return (0);
}

/*
 * "restart the server (CMD, then CMD)" from step_restart_hint; when the
 * served material reloads itself (Spring Boot's reload-on-update), no
 * restart: the server reads the changed files after its quiet period.
 */
static char *
probe_restart_fix(const struct server_model *m, const char *why)
{
	struct km_apply	  ap;
	char	**lines, *fix, *cmds = NULL, *t;
	size_t	  n, i;

	if (m->served->reload_on_update) {
		key_material_apply(m, m->served, false, &ap);
		xasprintf(&fix, "%s; wait that long and probe again",
		    ap.line);
		km_apply_free(&ap);
		return (fix);
	}
	step_restart_hint(m, NULL, NULL, &lines, &n);
	for (i = 0; i < n; i++) {
		if (cmds == NULL)
			cmds = xstrdup(lines[i]);
		else {
			xasprintf(&t, "%s, then %s", cmds, lines[i]);
			free(cmds);
			cmds = t;
		}
		free(lines[i]);
	}
	free(lines);
	if (cmds == NULL)
		xasprintf(&fix, "restart the server %s", why);
	else if (cmds[0] == '/' || strncmp(cmds, "systemctl ", 10) == 0)
		xasprintf(&fix, "restart the server %s: %s", why, cmds);
	else
		xasprintf(&fix, "%s", cmds);	/* a sentence already */
	free(cmds);
	return (fix);
}

/* Is c among the served certificates (same DER)? */
static bool
probe_served(const struct probe_result *r, const struct cert *c)
{
	size_t	i;

	for (i = 0; i < r->nchain; i++)
		if (cert_equal(r->chain[i], c))
			return (true);
	return (false);
}

/* Add each certificate of a keystore to a pool of borrowed pointers. */
static void
probe_pool_add(struct cert ***pool, size_t *n, const struct keystore *ks)
{
	size_t	i, k;

	for (i = 0; ks != NULL && i < ks->nentries; i++)
		for (k = 0; k < ks->entries[i]->nchain; k++) {
			*pool = xreallocarray(*pool, *n + 1, sizeof **pool);
			(*pool)[(*n)++] = ks->entries[i]->chain[k];
		}
}

/*
 * The intermediate a client needs but the server did not send: the path
 * from the served leaf built from what was served, the keystore and the
 * cacerts; every certificate on it but a self-signed top must be served.
 */
static struct cert *
probe_missing(const struct probe_result *r, const struct server_model *m)
{
	struct cert	**pool = NULL, **path = NULL, *miss = NULL;
	size_t		  npool = 0, npath = 0, i;
	bool		  complete;

	for (i = 0; i < r->nchain; i++) {
		pool = xreallocarray(pool, npool + 1, sizeof *pool);
		pool[npool++] = r->chain[i];
	}
	probe_pool_add(&pool, &npool, m->served->ks);
	probe_pool_add(&pool, &npool, m->jre.trust);
	if (chain_build(r->chain[0], pool, npool, &path, &npath, &complete,
	    NULL) == 0) {
		for (i = 1; i < npath; i++) {
			/* the root may be left out */
			if (i == npath - 1 && complete)
				break;
			if (!probe_served(r, path[i])) {
				miss = path[i];
				break;
			}
		}
	}
	free(path);
	free(pool);
	return (miss);
}

/* The findings of a probe that did not get a chain. */
static void
probe_compare_failed(const struct probe_result *r, struct server_model *m,
    const char *where)
{
	char	*fix;

	switch (r->error) {
	case PROBE_ERR_REFUSED:
		if (probe_finding(m, "port-not-listening") != NULL)
			break;
		fix = step_start_fix(m);
		audit_add(m, "port-not-listening", SEV_WARN, m->properties,
		    probe_line(m, "server.port"), NULL, "server.port", fix,
		    "nothing listens on %s: the server is not running (or "
		    "failed to start with these settings)", where);
		free(fix);
		break;
	case PROBE_ERR_NOT_TLS:
		/* plain HTTP is fine when it is what is configured */
		if (!m->ssl || probe_finding(m, "served-not-tls") != NULL)
			break;
		fix = probe_restart_fix(m, "so that it reads the HTTPS "
		    "settings");
		audit_add(m, "served-not-tls", SEV_CRIT, m->properties,
		    probe_line(m, "server.ssl.key-store"), NULL,
		    "server.ssl.key-store", fix, "%s answers without TLS "
		    "although HTTPS is configured: a restart is pending? (%s)",
		    where, r->error_msg != NULL ? r->error_msg : "not TLS");
		free(fix);
		break;
	default:
		if (probe_finding(m, "probe-failed") != NULL)
			break;
		audit_add(m, "probe-failed", SEV_WARN, m->properties,
		    probe_line(m, "server.port"), NULL, "server.port",
		    "check that the server on that port is the one configured "
		    "here, and its log", "cannot check what %s serves: %s",
		    where, r->error_msg != NULL ? r->error_msg : "failed");
		break;
	}
}

/* ------------------------------------------------------------------ */
/* What a client naming a host should be served */

/* Does a certificate name pattern ("a.example", "*.example", an IP)
 * match host?  2 exactly, 1 by wildcard, 0 not. */
static int
probe_name_match(const char *pat, const char *host)
{
	const char	*dot;

	if (strcasecmp(pat, host) == 0)
		return (2);
	if (strncmp(pat, "*.", 2) == 0 && (dot = strchr(host, '.')) != NULL &&
	    dot != host && strcasecmp(pat + 1, dot) == 0)
		return (1);
	return (0);
}

/* Append an expected entry (once). */
static void
probe_expect_add(struct probe_expect **v, size_t *n, struct key_material *mat,
    struct ks_entry *e)
{
	size_t	i;

	if (e == NULL || e->nchain == 0)
		return;
	for (i = 0; i < *n; i++)
		if ((*v)[i].entry == e)
			return;
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[*n].mat = mat;
	(*v)[(*n)++].entry = e;
}

/* Does mat serve on port (0: any)? */
static bool
probe_on_port(const struct key_material *mat, int port)
{
	return ((mat->role == KM_ROLE_SERVER || mat->role == KM_ROLE_SNI) &&
	    (port <= 0 || mat->port <= 0 || mat->port == port));
}

size_t
probe_expected(const struct server_model *m, const char *sni, int port,
    struct probe_expect **out)
{
	struct key_material		*mat;
	const struct km_entry_hosts	*h;
	size_t				 i, k, j, n = 0;
	int				 best = 0, q;

	*out = NULL;
	/* by name: host configs first, then the entries of an SNI store,
	 * exact names over wildcards */
	for (q = 2; sni != NULL && q >= 1 && n == 0; q--) {
		for (i = 0; i < m->nmaterials; i++) {
			mat = m->materials[i];
			if (!probe_on_port(mat, port))
				continue;
			if (!mat->by_sni) {
				for (k = 0; k < mat->nhosts; k++)
					if (probe_name_match(mat->hosts[k],
					    sni) == q)
						probe_expect_add(out, &n, mat,
						    mat->key_entry);
				continue;
			}
			for (k = 0; k < mat->nentry_hosts; k++) {
				h = &mat->entry_hosts[k];
				for (j = 0; j < h->nhosts; j++)
					if (probe_name_match(h->hosts[j],
					    sni) == q)
						probe_expect_add(out, &n, mat,
						    h->entry);
			}
		}
		best = q;
	}
	(void)best;
	if (n > 0)
		return (n);
	/* no name matches: the default host config; an SNI store lets
	 * the JDK pick any of its keys */
	for (i = 0; i < m->nmaterials; i++) {
		mat = m->materials[i];
		if (!probe_on_port(mat, port))
			continue;
		if (mat->by_sni && mat->ks != NULL) {
			for (k = 0; k < mat->ks->nentries; k++)
				if (mat->ks->entries[k]->type == KS_ENTRY_KEY)
					probe_expect_add(out, &n, mat,
					    mat->ks->entries[k]);
		} else if (mat->role == KM_ROLE_SERVER)
			probe_expect_add(out, &n, mat, mat->key_entry);
	}
	if (n == 0)
		probe_expect_add(out, &n, m->served, m->served->key_entry);
	return (n);
}

int
probe_match(const struct server_model *m, const struct probe_result *r,
    struct key_material **mat, struct ks_entry **entry)
{
	struct probe_expect	*ex;
	size_t			 n, i;
	int			 match = -1;

	*mat = m->served;
	*entry = m->served->key_entry;
	if (r == NULL || r->nchain == 0)
		return (-1);
	n = probe_expected(m, r->sni, atoi(r->port), &ex);
	for (i = 0; i < n; i++) {
		if (memcmp(cert_sha256(ex[i].entry->chain[0]),
		    cert_sha256(r->chain[0]), 32) == 0) {
			*mat = ex[i].mat;
			*entry = ex[i].entry;
			match = 1;
			break;
		}
	}
	if (match != 1 && n > 0) {
		*mat = ex[0].mat;
		*entry = ex[0].entry;
		match = 0;
	}
	free(ex);
	return (match);
}

/* The served leaf is not what the configuration says: a restart (or a
 * reload) is pending, or another server answers. */
static void
probe_differs(struct server_model *m, const struct probe_result *r,
    struct key_material *mat, struct ks_entry *e, const char *where)
{
	struct cert	*mine = e->chain[0];
	char		*a, *b, *c, *fix;
	size_t		 i;

	for (i = 0; i < m->nfindings; i++)
		if (strcmp(m->findings[i]->code, "served-cert-differs") == 0 &&
		    m->findings[i]->material == mat &&
		    (m->findings[i]->alias == NULL ||
		    strcmp(m->findings[i]->alias, e->alias) == 0))
			return;
	a = cert_fp_hex(cert_sha256(r->chain[0]), 32);
	b = cert_fp_hex(cert_sha256(mine), 32);
	if (mat->reload_on_update) {
		xasprintf(&fix, "wait: %s", mat->reload_how != NULL ?
		    mat->reload_how : "the server reloads the keystore when "
		    "it changes");
		audit_add(m, "served-cert-differs", SEV_WARN, mat->path, 0,
		    e->alias, NULL, fix, "%s%s%s serves \"%s\" (SHA-256 %s), "
		    "not the keystore's \"%s\" (%s): a reload is pending "
		    "(automatic within %ld s)?", where, r->sni != NULL ?
		    " for " : "", r->sni != NULL ? r->sni : "",
		    r->chain[0]->info.subject, a, mine->info.subject, b,
		    (mat->quiet_period_ms + 999) / 1000)->material = mat;
	} else {
		fix = probe_restart_fix(m, "so that it loads the keystore's "
		    "certificate (if this is the server configured here)");
		if (mat->reload_how != NULL) {
			/* a reload on request (Tomcat's manager) */
			xasprintf(&c, "%s; or %s", mat->reload_how, fix);
			free(fix);
			fix = c;
		}
		audit_add(m, "served-cert-differs", SEV_CRIT, mat->path, 0,
		    e->alias, NULL, fix, "%s%s%s serves \"%s\" (SHA-256 %s), "
		    "not the keystore's \"%s\" (%s): a %s is pending?",
		    where, r->sni != NULL ? " for " : "", r->sni != NULL ?
		    r->sni : "", r->chain[0]->info.subject, a,
		    mine->info.subject, b, mat->reload_how != NULL ?
		    "reload or restart" : "restart")->material = mat;
	}
	free(fix);
	free(a);
	free(b);
}

/* The served chain against the model: the live findings. */
int
probe_compare(const struct probe_result *r, struct server_model *m)
{
	struct finding	*f;
	struct cert	*miss;
	struct key_material *xmat;
	struct ks_entry	*xe;
	char		*where, *fix;
	const char	*store;
	int		 match = -1;

	if (strchr(r->host, ':') != NULL)
		xasprintf(&where, "[%s]:%s", r->host, r->port);
	else
		xasprintf(&where, "%s:%s", r->host, r->port);
	if (r->error != PROBE_OK || r->nchain == 0) {
		probe_compare_failed(r, m, where);
		goto out;
	}

	/* the served leaf against the entry that should answer the name
	 * the probe sent (the key-alias certificate, a host config's, or
	 * the keystore entry whose names match) */
	match = probe_match(m, r, &xmat, &xe);
	if (match == 0 && xe != NULL)
		probe_differs(m, r, xmat, xe, where);

	store = m->jre.jssecacerts ? m->jre.jssecacerts_path :
	    m->jre.cacerts;
	if (r->verified == 0 &&
	    probe_finding(m, "served-chain-untrusted") == NULL) {
		f = audit_add(m, "served-chain-untrusted", SEV_WARN, store, 0,
		    NULL, NULL, "import the root CA certificate (the "
		    "certificate itself when it is self-signed) into the JRE's "
		    "cacerts: tlsdeck trust, or the Trust form", "the JRE's "
		    "cacerts does not trust the chain %s serves (\"%s\"): %s",
		    where, r->chain[0]->info.subject, r->verify_error != NULL ?
		    r->verify_error : "not trusted");
		f->form = FORM_TRUST;
	}

	if (probe_finding(m, "served-chain-incomplete") == NULL &&
	    (miss = probe_missing(r, m)) != NULL) {
		fix = probe_restart_fix(m, "after installing the CA reply "
		    "with its whole chain (Import CA reply)");
		f = audit_add(m, "served-chain-incomplete", SEV_WARN,
		    m->served->path, 0, m->served->key_entry != NULL ?
		    m->served->key_entry->alias : NULL, NULL, fix, "%s sends %zu "
		    "certificate(s) but not the intermediate \"%s\" that "
		    "clients need to build a path to the root", where,
		    r->nchain, miss->info.subject);
		f->form = FORM_IMPORT_REPLY;
		free(fix);
	}
out:
	findings_sort(m);
	free(where);
	return (match);
}

/* ------------------------------------------------------------------ */
/* The server of a model */

/* Where probe_server connects for m: host, port and server name. */
int
probe_target(const struct server_model *m, const char *host,
    const char *port, const char *sni, struct probe_target *tg,
    char **cause)
{
	const char	*addr;
	char		*scheme = NULL, *bhost = NULL, pbuf[16];
	int		 bport;

	memset(tg, 0, sizeof *tg);
	if (port == NULL) {
		if (m->port <= 0) {
			addr = cfg_value(m, "server.port");
			cause_set(cause, "%s: server.port \"%s\" is not a port "
			    "number: give HOST:PORT to probe", m->properties !=
			    NULL ? m->properties : "the configuration",
			    addr != NULL ? addr : "");
			return (-1);
		}
		snprintf(pbuf, sizeof pbuf, "%d", m->port);
		port = pbuf;
	}
	/* server.address when it names one interface, else localhost */
	if (host == NULL &&
	    (addr = cfg_value(m, "server.address")) != NULL &&
	    *addr != '\0' && strchr(addr, '$') == NULL &&
	    strcmp(addr, "0.0.0.0") != 0 && strcmp(addr, "::") != 0)
		host = addr;
	if (host == NULL)
		host = "localhost";
	/* the name clients use: im.base-url's host, when it is a name */
	if (sni == NULL && m->base_url != NULL &&
	    audit_parse_url(m->base_url, &scheme, &bhost, &bport) &&
	    bhost != NULL && *bhost != '\0' && !probe_is_ip(bhost) &&
	    strstr(bhost, "IM_SERVER_HOSTNAME") == NULL)
		sni = bhost;
	tg->host = xstrdup(host);
	tg->port = xstrdup(port);
	tg->sni = sni != NULL ? xstrdup(sni) : NULL;
	free(scheme);
	free(bhost);
	return (0);
}

/* Free what a target holds (not the struct). */
void
probe_target_done(struct probe_target *tg)
{
	if (tg == NULL)
		return;
	free(tg->host);
	free(tg->port);
	free(tg->sni);
	memset(tg, 0, sizeof *tg);
}

/* A private copy of the trusted certificates of trust (or NULL). */
struct keystore *
probe_trust_copy(const struct keystore *trust)
{
	const struct ks_entry	*e;
	struct ks_entry		*n;
	struct keystore		*ks;
	struct cert		*c;
	size_t			 i;

	if (trust == NULL)
		return (NULL);
	ks = keystore_new(trust->format);
	for (i = 0; i < trust->nentries; i++) {
		e = trust->entries[i];
		if (e->type != KS_ENTRY_TRUSTED || e->nchain == 0)
			continue;
		/* a new decode: nothing (DER, X509) shared with trust */
		if ((c = cert_new(e->chain[0]->der, e->chain[0]->len,
		    NULL)) == NULL)
			continue;
		n = ks_entry_new("", KS_ENTRY_TRUSTED);
		free(n->alias);
		n->alias = xmalloc(e->alias_len + 1);
		memcpy(n->alias, e->alias, e->alias_len);
		n->alias[e->alias_len] = '\0';
		n->alias_len = e->alias_len;
		ks_entry_add_cert(n, c);
		keystore_add(ks, n);
	}
	return (ks);
}

/* Probe m's server (or host:port) and judge what it serves. */
int
probe_server(struct server_model *m, const char *host, const char *port,
    const char *sni, int timeout_ms, struct probe_result **res, char **cause)
{
	struct probe_result	*r = NULL;
	struct probe_target	 tg;
	int			 rc;

	if (res != NULL)
		*res = NULL;
	if (probe_target(m, host, port, sni, &tg, cause) != 0)
		return (-1);
	rc = probe_fetch(tg.host, tg.port, tg.sni, timeout_ms, &r, cause);
	if (rc == 0)
		probe_verify(r, m->jre.trust, m->now);
	(void)probe_compare(r, m);
	if (res != NULL)
		*res = r;
	else
		probe_result_free(r);
	probe_target_done(&tg);
	return (rc);
}

/* The live hook: probe when HTTPS is configured and may listen. */
void
probe_audit(struct server_model *m, int timeout_ms)
{
	if (m == NULL || !m->ssl || m->listening == 0 || m->port <= 0)
		return;
	(void)probe_server(m, NULL, NULL, NULL, timeout_ms, NULL, NULL);
}

/* Add a name (once; no wildcards or empty names). */
static void
probe_name_add(const char ***v, size_t *n, const char *name)
{
	size_t	i;

	if (name == NULL || *name == '\0' || strchr(name, '*') != NULL ||
	    probe_is_ip(name))
		return;
	for (i = 0; i < *n; i++)
		if (strcasecmp((*v)[i], name) == 0)
			return;
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = name;
}

size_t
probe_names(const struct server_model *m, const char ***names)
{
	const struct key_material	*mat;
	size_t				 i, k, j, n = 0;

	*names = NULL;
	for (i = 0; i < m->nmaterials; i++) {
		mat = m->materials[i];
		if (mat->role != KM_ROLE_SERVER && mat->role != KM_ROLE_SNI)
			continue;
		if (mat->by_sni) {
			for (k = 0; k < mat->nentry_hosts; k++)
				for (j = 0; j < mat->entry_hosts[k].nhosts; j++)
					probe_name_add(names, &n,
					    mat->entry_hosts[k].hosts[j]);
		} else if (mat->role == KM_ROLE_SNI)
			for (k = 0; k < mat->nhosts; k++)
				probe_name_add(names, &n, mat->hosts[k]);
	}
	return (n);
}

/* SPDX-License-Identifier: ISC */
/*
 * acme-chall.c -- answering ACME challenges (RFC 8555 8.3, 8.4): our own
 * http-01 listener, token files under a web root, and a dns-01 hook
 * program.  Each is set up just before the challenges are answered and
 * taken down right after the CA has looked, also on failure and on
 * cancellation (acme.c).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core.h"

extern char **environ;

#define H01_MAXCONN	32	/* clients at once; more are dropped */
#define H01_REQ_MAX	4096	/* request head, bytes */
#define H01_CONN_MS	10000	/* per connection */
#define H01_PREFIX	"/.well-known/acme-challenge/"
#define HOOK_OUT_MAX	4096	/* hook output kept for the message */

struct h01_conn {
	int	 fd;
	size_t	 len;
	int64_t	 deadline;
	char	 buf[H01_REQ_MAX];
};

struct acme_http01 {
	int			 lfd[2];
	size_t			 nlfd;
	int			 wake[2];
	pthread_t		 th;
	bool			 running;
	char			**tokens;
	char			**keyauths;
	size_t			 ntokens;
	atomic_uint		 served;
	struct h01_conn		 conns[H01_MAXCONN];
};

static int64_t
chall_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Send all of buf, waiting at most 2 s for a slow reader. */
static void
h01_send(int fd, const char *buf, size_t len)
{
	struct pollfd	pfd;
	int64_t		end = chall_now_ms() + 2000;
	ssize_t		n;

	while (len > 0) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (chall_now_ms() >= end)
				return;
			pfd.fd = fd;
			pfd.events = POLLOUT;
			(void)poll(&pfd, 1, 100);
			continue;
		}
		return;
	}
}

/* Answer one complete request head in c->buf. */
static void
h01_answer(struct acme_http01 *h, struct h01_conn *c)
{
	const char	*status = "404 Not Found", *body = "not found\n";
	char		*line, *sp1, *sp2, *target, *p, head[256];
	static char	 slash[] = "/";
	size_t		 i;
	bool		 head_only = false, found = false;
	int		 n;

	c->buf[c->len < H01_REQ_MAX ? c->len : H01_REQ_MAX - 1] = '\0';
	line = c->buf;
	line[strcspn(line, "\r\n")] = '\0';
	sp1 = strchr(line, ' ');
	sp2 = sp1 != NULL ? strchr(sp1 + 1, ' ') : NULL;
	if (sp1 == NULL || sp2 == NULL || strncmp(sp2 + 1, "HTTP/1.", 7)) {
		status = "400 Bad Request";
		body = "bad request\n";
		goto send;
	}
	*sp1 = *sp2 = '\0';
	target = sp1 + 1;
	if (strcmp(line, "HEAD") == 0)
		head_only = true;
	else if (strcmp(line, "GET") != 0) {
		status = "405 Method Not Allowed";
		body = "method not allowed\n";
		goto send;
	}
	/* The absolute form (a proxy's): http://host[:port]/path. */
	if (strncmp(target, "http://", 7) == 0) {
		p = strchr(target + 7, '/');
		target = p != NULL ? p : slash;
	}
	if (strncmp(target, H01_PREFIX, strlen(H01_PREFIX)) == 0) {
		p = target + strlen(H01_PREFIX);
		for (i = 0; i < h->ntokens; i++) {
			if (strcmp(p, h->tokens[i]) == 0) {
				status = "200 OK";
				body = h->keyauths[i];
				found = true;
				break;
			}
		}
	}
send:
	n = snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Type: "
	    "text/plain\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
	    status, strlen(body));
	if (n > 0 && (size_t)n < sizeof head)
		h01_send(c->fd, head, (size_t)n);
	if (!head_only)
		h01_send(c->fd, body, strlen(body));
	if (found && !head_only)
		atomic_fetch_add(&h->served, 1);
}

static void
h01_close(struct h01_conn *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->len = 0;
}

/* Read what a client sent; answer once the head is complete. */
static void
h01_read(struct acme_http01 *h, struct h01_conn *c)
{
	ssize_t	n;

	n = recv(c->fd, c->buf + c->len, H01_REQ_MAX - 1 - c->len, 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		h01_close(c);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	if (strstr(c->buf, "\r\n\r\n") != NULL ||
	    strstr(c->buf, "\n\n") != NULL || c->len >= H01_REQ_MAX - 1) {
		h01_answer(h, c);
		h01_close(c);
	}
}

/* The listener's thread: until the wake pipe is written. */
static void *
h01_thread(void *arg)
{
	struct acme_http01	*h = arg;
	struct pollfd		 pfd[1 + 2 + H01_MAXCONN];
	struct h01_conn		*c;
	int64_t			 now, next;
	size_t			 i, j, np, map[H01_MAXCONN];
	int			 fd, timeout;

	for (;;) {
		np = 0;
		pfd[np].fd = h->wake[0];
		pfd[np++].events = POLLIN;
		for (i = 0; i < h->nlfd; i++) {
			pfd[np].fd = h->lfd[i];
			pfd[np++].events = POLLIN;
		}
		now = chall_now_ms();
		next = now + 1000;
		for (i = j = 0; i < H01_MAXCONN; i++) {
			c = &h->conns[i];
			if (c->fd == -1)
				continue;
			if (c->deadline <= now) {
				h01_close(c);
				continue;
			}
			if (c->deadline < next)
				next = c->deadline;
			map[j++] = i;
			pfd[np].fd = c->fd;
			pfd[np++].events = POLLIN;
		}
		timeout = (int)(next - now);
		if (poll(pfd, np, timeout < 1 ? 1 : timeout) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents != 0)
			break;
		for (i = 0; i < h->nlfd; i++) {
			if ((pfd[1 + i].revents & POLLIN) == 0)
				continue;
			while ((fd = accept4(h->lfd[i], NULL, NULL,
			    SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
				for (j = 0; j < H01_MAXCONN; j++) {
					if (h->conns[j].fd == -1)
						break;
				}
				if (j == H01_MAXCONN) {
					close(fd);
					continue;
				}
				h->conns[j].fd = fd;
				h->conns[j].len = 0;
				h->conns[j].deadline = chall_now_ms() +
				    H01_CONN_MS;
			}
		}
		for (i = 1 + h->nlfd; i < np; i++) {
			if (pfd[i].revents == 0)
				continue;
			c = &h->conns[map[i - 1 - h->nlfd]];
			if (c->fd == pfd[i].fd)
				h01_read(h, c);
		}
	}
	for (i = 0; i < H01_MAXCONN; i++)
		h01_close(&h->conns[i]);
	return (NULL);
}

/* A listening socket for ai. */
static int
h01_listen(const struct addrinfo *ai, bool dual, int *fdp, int *err)
{
	int	fd, on = 1, off = 0;

	*fdp = -1;
	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol)) == -1) {
		*err = errno;
		return (-1);
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (ai->ai_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, dual ? &off :
		    &on, sizeof on);
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, 16) == -1) {
		*err = errno;
		close(fd);
		return (-1);
	}
	*fdp = fd;
	return (0);
}

/* Start the http-01 listener; see core.h. */
int
acme_http01_start(const char *address, int port, const struct acme_token *t,
    size_t n, struct acme_http01 **hp, char **cause)
{
	struct acme_http01	*h;
	struct addrinfo		 hints, *res = NULL, *ai;
	sigset_t		 all, old;
	char			 ps[16];
	const char		*where;
	size_t			 i;
	int			 err = 0, r;

	*hp = NULL;
	if (port < 1 || port > 65535) {
		cause_set(cause, "http-01: port %d is not 1 to 65535", port);
		return (-1);
	}
	h = xcalloc(1, sizeof *h);
	h->wake[0] = h->wake[1] = h->lfd[0] = h->lfd[1] = -1;
	for (i = 0; i < H01_MAXCONN; i++)
		h->conns[i].fd = -1;
	h->tokens = xcalloc(n + 1, sizeof *h->tokens);
	h->keyauths = xcalloc(n + 1, sizeof *h->keyauths);
	for (i = 0; i < n; i++) {
		h->tokens[i] = xstrdup(t[i].token);
		h->keyauths[i] = xstrdup(t[i].keyauth);
	}
	h->ntokens = n;
	atomic_init(&h->served, 0);

	snprintf(ps, sizeof ps, "%d", port);
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	where = address != NULL ? address : "every address";
	if (address == NULL) {
		/* One IPv6 socket that takes IPv4 too; IPv4 alone when the
		 * host has no IPv6. */
		hints.ai_family = AF_INET6;
		if (getaddrinfo(NULL, ps, &hints, &res) == 0 &&
		    h01_listen(res, true, &h->lfd[0], &err) == 0)
			h->nlfd = 1;
		else if (err != EADDRINUSE && err != EACCES) {
			if (res != NULL)
				freeaddrinfo(res);
			res = NULL;
			hints.ai_family = AF_INET;
			if (getaddrinfo(NULL, ps, &hints, &res) == 0 &&
			    h01_listen(res, false, &h->lfd[0], &err) == 0)
				h->nlfd = 1;
		}
	} else {
		hints.ai_family = AF_UNSPEC;
		hints.ai_flags |= AI_NUMERICHOST;
		if ((r = getaddrinfo(address, ps, &hints, &res)) != 0) {
			cause_set(cause, "http-01: %s is not an IP address: %s",
			    address, gai_strerror(r));
			goto fail;
		}
		for (ai = res; ai != NULL && h->nlfd == 0; ai = ai->ai_next) {
			if (h01_listen(ai, false, &h->lfd[0], &err) == 0)
				h->nlfd = 1;
		}
	}
	if (res != NULL)
		freeaddrinfo(res);
	if (h->nlfd == 0) {
		cause_set(cause, "http-01: cannot listen on port %d (%s): "
		    "%s%s", port, where, strerror(err), err == EACCES ?
		    " (ports below 1024 need root or CAP_NET_BIND_SERVICE)" :
		    err == EADDRINUSE ? " (a web server there can serve the "
		    "token files from its web root instead)" : "");
		goto fail;
	}
	if (pipe2(h->wake, O_CLOEXEC) == -1) {
		cause_set(cause, "http-01: pipe: %s", strerror(errno));
		goto fail;
	}
	/* The thread takes no signals: they stay with the caller. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&h->th, NULL, h01_thread, h);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		cause_set(cause, "http-01: thread: %s", strerror(r));
		goto fail;
	}
	h->running = true;
	*hp = h;
	return (0);
fail:
	acme_http01_stop(h);
	return (-1);
}

unsigned int
acme_http01_served(struct acme_http01 *h)
{
	return (h != NULL ? atomic_load(&h->served) : 0);
}

void
acme_http01_stop(struct acme_http01 *h)
{
	size_t	i;
	char	c = 'x';

	if (h == NULL)
		return;
	if (h->running) {
		while (write(h->wake[1], &c, 1) == -1 && errno == EINTR)
			;
		pthread_join(h->th, NULL);
	}
	for (i = 0; i < 2; i++) {
		if (h->lfd[i] != -1)
			close(h->lfd[i]);
		if (h->wake[i] != -1)
			close(h->wake[i]);
	}
	for (i = 0; i < h->ntokens; i++) {
		free(h->tokens[i]);
		free(h->keyauths[i]);
	}
	free(h->tokens);
	free(h->keyauths);
	free(h);
}

/* Make dir (0755) unless it exists; *made says whether we did. */
static int
webroot_mkdir(const char *dir, bool *made, char **cause)
{
	struct stat	st;

	*made = false;
	if (mkdir(dir, 0755) == 0) {
		*made = true;
		/* The web server must read it, whatever our umask. */
		(void)chmod(dir, 0755);
		return (0);
	}
	if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return (0);
	cause_set(cause, "%s: cannot make the directory: %s", dir,
	    errno == EEXIST ? "not a directory" : strerror(errno));
	return (-1);
}

/* A token file under the web root; see core.h. */
int
acme_webroot_put(struct acme_webroot *w, const char *root,
    const char *token, const char *keyauth, char **cause)
{
	struct sw_file	*sw = NULL;
	struct sw_meta	 meta;
	struct stat	 st;
	char		*wk = NULL, *ac = NULL, *path = NULL;
	bool		 made;
	int		 rc = -1;

	if (stat(root, &st) == -1 || !S_ISDIR(st.st_mode)) {
		cause_set(cause, "%s: %s", root, errno == 0 || S_ISDIR(
		    st.st_mode) ? "not a directory" : strerror(errno));
		return (-1);
	}
	if (w->root == NULL)
		w->root = xstrdup(root);
	xasprintf(&wk, "%s/.well-known", root);
	xasprintf(&ac, "%s/acme-challenge", wk);
	if (webroot_mkdir(wk, &made, cause) != 0)
		goto out;
	if (made && w->made[1] == NULL) {
		w->made[1] = wk;
		wk = NULL;
	}
	if (webroot_mkdir(ac, &made, cause) != 0)
		goto out;
	if (made && w->made[0] == NULL) {
		w->made[0] = ac;
		ac = NULL;
	}
	xasprintf(&path, "%s/.well-known/acme-challenge/%s", root, token);
	if (sw_open(path, SW_CREATE | SW_NOBACKUP, &sw, cause) != 0)
		goto out;
	memset(&meta, 0, sizeof meta);
	meta.command = "acme";
	meta.description = "http-01 challenge token";
	meta.mode = 0644;
	if (sw_commit(sw, (const unsigned char *)keyauth, strlen(keyauth),
	    NULL, NULL, &meta, cause) != 0)
		goto out;
	w->files = xreallocarray(w->files, w->nfiles + 1, sizeof *w->files);
	w->files[w->nfiles++] = path;
	path = NULL;
	rc = 0;
out:
	sw_close(sw);
	free(wk);
	free(ac);
	free(path);
	return (rc);
}

void
acme_webroot_clean(struct acme_webroot *w)
{
	size_t	i;

	for (i = 0; i < w->nfiles; i++) {
		(void)unlink(w->files[i]);
		free(w->files[i]);
	}
	free(w->files);
	for (i = 0; i < 2; i++) {
		if (w->made[i] != NULL)
			(void)rmdir(w->made[i]);	/* only when empty */
		free(w->made[i]);
	}
	free(w->root);
	memset(w, 0, sizeof *w);
}

char *
acme_dns_value(const char *keyauth)
{
	unsigned char	md[32];
	unsigned int	mdlen = 0;

	if (!EVP_Digest(keyauth, strlen(keyauth), md, &mdlen, EVP_sha256(),
	    NULL))
		fatalx("SHA-256 failed");
	return (b64url_encode(md, mdlen));
}

/* The program to execute for cmd: itself when it holds '/', else the
 * first executable of that name in $PATH.  Malloc'd or NULL. */
static char *
hook_resolve(const char *cmd)
{
	const char	*path, *p, *e;
	char		*full;

	if (strchr(cmd, '/') != NULL)
		return (access(cmd, X_OK) == 0 ? xstrdup(cmd) : NULL);
	if ((path = getenv("PATH")) == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = e + 1) {
		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		xasprintf(&full, "%.*s/%s", (int)(e - p) > 0 ? (int)(e - p) :
		    1, (e - p) > 0 ? p : ".", cmd);
		if (access(full, X_OK) == 0)
			return (full);
		free(full);
		if (*e == '\0')
			break;
	}
	return (NULL);
}

/* The last non-empty line of the hook's output, cleaned (malloc'd). */
static char *
hook_last_line(const char *out, size_t len)
{
	char	*copy, *line, *s;
	size_t	 end = len, start;

	while (end > 0 && (out[end - 1] == '\n' || out[end - 1] == '\r' ||
	    out[end - 1] == ' '))
		end--;
	start = end;
	while (start > 0 && out[start - 1] != '\n')
		start--;
	while (start < end && (out[start] == ' ' || out[start] == '\t'))
		start++;
	copy = xstrndup(out + start, end - start);
	line = acme_clean(copy, 300);
	free(copy);
	if (*line == '\0')
		return (line);
	xasprintf(&s, ": %s", line);
	free(line);
	return (s);
}

/* Wait for pid (at most ms); 1 when it ended (*status set), else 0. */
static int
hook_reap(pid_t pid, int ms, int *status)
{
	int64_t	end = chall_now_ms() + ms;
	pid_t	r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return (1);
		if (r == -1 && errno != EINTR)
			return (1);
		if (chall_now_ms() >= end)
			return (0);
		(void)poll(NULL, 0, 20);
	}
}

/* Run the dns hook; see core.h. */
int
acme_hook_run(const char *cmd, const char *verb, const char *name,
    const char *value, int timeout, atomic_int *cancel, int cancel_fd,
    char **cause)
{
	struct sigaction	 sa;
	struct pollfd		 pfd[2];
	sigset_t		 none;
	char			*prog, *argv[5], out[HOOK_OUT_MAX], *last;
	const char		*why = NULL;
	size_t			 len = 0;
	ssize_t			 n;
	int64_t			 end;
	pid_t			 pid;
	int			 p[2], devnull, status = 0, i, np;
	bool			 eof = false;

	if ((prog = hook_resolve(cmd)) == NULL) {
		cause_set(cause, "dns hook %s: %s", cmd, strchr(cmd, '/') !=
		    NULL ? "not an executable file" : "not found in $PATH");
		return (-1);
	}
	if (pipe2(p, O_CLOEXEC) == -1) {
		free(prog);
		cause_set(cause, "dns hook: pipe: %s", strerror(errno));
		return (-1);
	}
	if ((devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		free(prog);
		close(p[0]);
		close(p[1]);
		cause_set(cause, "/dev/null: %s", strerror(errno));
		return (-1);
	}
	argv[0] = (char *)cmd;
	argv[1] = (char *)verb;
	argv[2] = (char *)name;
	argv[3] = (char *)value;
	argv[4] = NULL;
	sigemptyset(&none);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	if ((pid = fork()) == -1) {
		free(prog);
		close(p[0]);
		close(p[1]);
		close(devnull);
		cause_set(cause, "dns hook: fork: %s", strerror(errno));
		return (-1);
	}
	if (pid == 0) {
		/* Only async-signal-safe calls from here.  Its own process
		 * group: a Ctrl-C reaches us, and we stop all of it. */
		setpgid(0, 0);
		sigaction(SIGPIPE, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(devnull, 0) == -1 || dup2(p[1], 1) == -1 ||
		    dup2(p[1], 2) == -1)
			_exit(126);
		execve(prog, argv, environ);
		_exit(127);
	}
	setpgid(pid, pid);	/* either side may win the race */
	free(prog);
	close(p[1]);
	close(devnull);

	end = chall_now_ms() + (int64_t)(timeout > 0 ? timeout : 60) * 1000;
	while (!eof) {
		if (cancel != NULL && *cancel) {
			why = "cancelled";
			break;
		}
		if (chall_now_ms() >= end) {
			why = "timeout";
			break;
		}
		np = 0;
		pfd[np].fd = p[0];
		pfd[np++].events = POLLIN;
		if (cancel_fd != -1) {
			pfd[np].fd = cancel_fd;
			pfd[np++].events = POLLIN;
		}
		if (poll(pfd, np, 100) <= 0)
			continue;
		if (np == 2 && pfd[1].revents != 0) {
			why = "cancelled";
			break;
		}
		if (pfd[0].revents == 0)
			continue;
		if (len == sizeof out) {
			/* Keep the end: that is where the reason is. */
			memmove(out, out + sizeof out / 2, sizeof out / 2);
			len = sizeof out / 2;
		}
		n = read(p[0], out + len, sizeof out - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			eof = true;
		else
			len += (size_t)n;
	}
	close(p[0]);
	if (why == NULL) {
		/* Output closed: the hook should be exiting. */
		i = (int)(end - chall_now_ms());
		if (!hook_reap(pid, i > 0 ? i : 0, &status))
			why = "timeout";
	}
	if (why != NULL) {
		/* The hook and whatever it started. */
		kill(-pid, SIGTERM);
		if (!hook_reap(pid, 2000, &status)) {
			kill(-pid, SIGKILL);
			hook_reap(pid, 2000, &status);
		}
		kill(-pid, SIGKILL);
		if (strcmp(why, "cancelled") == 0)
			cause_set(cause, "dns hook %s %s %s: cancelled", cmd,
			    verb, name);
		else
			cause_set(cause, "dns hook %s %s %s: still running "
			    "after %d s (stopped)", cmd, verb, name,
			    timeout > 0 ? timeout : 60);
		return (-1);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return (0);
	last = hook_last_line(out, len);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		cause_set(cause, "dns hook %s: cannot be executed%s", cmd,
		    last);
	else if (WIFEXITED(status))
		cause_set(cause, "dns hook %s %s %s failed (exit %d)%s", cmd,
		    verb, name, WEXITSTATUS(status), last);
	else
		cause_set(cause, "dns hook %s %s %s killed by signal %d%s",
		    cmd, verb, name, WIFSIGNALED(status) ? WTERMSIG(status) :
		    0, last);
	free(last);
	return (-1);
}

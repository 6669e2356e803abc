/* SPDX-License-Identifier: ISC */
/*
 * acme.c -- an ACME client (RFC 8555): directory, nonces, account, order,
 * authorizations, challenges, finalization and the certificate chain.
 *
 * HTTP is libcurl's: HTTPS only, the peer verified against the system
 * store or opts->ca_file (there is no way to turn that off), no redirects
 * (RFC 8555 has none to follow: every URL comes from the directory or a
 * Location/Link header), every body at most ACME_BODY_MAX bytes and every
 * request at most ACME_REQUEST_TIMEOUT seconds.  Requests are JWS-signed
 * POSTs (jws.c), reads are POST-as-GET.  A badNonce answer is retried
 * with the nonce it carries, up to ACME_NONCE_TRIES times.
 *
 * Every answer is parsed by acme-parse.c; an error answer becomes one line
 * (acme_problem_line) naming the identifier it is about.  Every wait (a
 * request, a poll interval, the hook) checks the cancel flag and fd.
 * See docs/acme.md for the design and what the caller does around it.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core.h"

#define ACME_NONCE_TRIES	16	/* badNonce retries of one request
					   (Pebble rejects 5%, tests 50%) */
#define ACME_HDR_MAX		4096	/* a header value we keep */
#define ACME_MAX_ALT		4	/* alternate chains fetched */
#define ACME_HOOK_TIMEOUT	120	/* seconds for one dns hook run */
#define ACME_USER_AGENT		TLSDECK_NAME "/" PACKAGE_VERSION " (ACME)"

enum acme_method { M_GET, M_HEAD, M_POST };

/* One HTTP answer. */
struct acme_resp {
	long	 status;
	char	*body;		/* NUL-terminated */
	size_t	 len;
	bool	 too_big;
	char	*nonce;
	char	*location;
	char	*retry_after;
	char	*ctype;
	char	**alt;		/* Link rel="alternate" */
	size_t	 nalt;
};

struct acme {
	struct acme_opts	 o;
	CURL			*curl;
	char			 errbuf[CURL_ERROR_SIZE];
	char			*host;		/* the CA, for messages */
	char			*state_dir;
	struct acme_dir		 dir;
	bool			 have_dir;
	char			*nonce;
	EVP_PKEY		*akey;		/* the account key */
	char			*kid;		/* the account URL */
	char			*thumb;		/* its JWK thumbprint */
	int64_t			 deadline;	/* monotonic ms */
	unsigned int		 badnonces;
};

/* One name to validate. */
struct acme_task {
	char		*name;		/* as shown: "*.x" for wildcards */
	char		*ident;		/* the authorization's identifier */
	char		*authz;		/* its URL */
	char		*chall;		/* the challenge URL */
	char		*token;
	char		*keyauth;
	char		*record;	/* dns-01: _acme-challenge.NAME */
	char		*value;		/* dns-01: the TXT value */
	bool		 added;		/* the hook added the record */
	bool		 done;
	int		 polls;
};

/*
 * libcurl is loaded with dlopen the first time a client is made, not
 * linked: it and the libraries it pulls in (Kerberos, LDAP, GnuTLS,
 * SASL, p11-kit: 28 on Debian 12) would otherwise be mapped and
 * relocated by every tlsdeck command, doubling the start-up time of
 * "tlsdeck list" for a feature used twice a day.  libcurl.so.4's ABI has
 * been stable since 2006; the headers give the types only.
 */
#define ACME_LIBCURL		"libcurl.so.4"
#if LIBCURL_VERSION_NUM >= 0x075500
#define ACME_CURL_MIN		0x075500	/* the headers' CURLOPT_*_STR */
#else
#define ACME_CURL_MIN		0x074400	/* 7.68: what configure asks */
#endif

static struct {
	CURLcode		 (*global_init)(long);
	CURL			*(*easy_init)(void);
	CURLcode		 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode		 (*easy_perform)(CURL *);
	CURLcode		 (*easy_getinfo)(CURL *, CURLINFO, ...);
	void			 (*easy_reset)(CURL *);
	void			 (*easy_cleanup)(CURL *);
	const char		*(*easy_strerror)(CURLcode);
	struct curl_slist	*(*slist_append)(struct curl_slist *,
				     const char *);
	void			 (*slist_free_all)(struct curl_slist *);
	curl_version_info_data	*(*version_info)(CURLversion);
	unsigned int		 version;
}			cu;
static pthread_once_t	acme_curl_once = PTHREAD_ONCE_INIT;
static char		acme_curl_error[512];	/* empty: loaded */

static void
acme_curl_init(void)
{
	curl_version_info_data	*vi;
	void			*h;
	const char		*missing = NULL;
	CURLcode		 cc;

	if ((h = dlopen(ACME_LIBCURL, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(acme_curl_error, sizeof acme_curl_error, "the ACME "
		    "client needs libcurl (%s): %s", ACME_LIBCURL, dlerror());
		return;
	}
#define ACME_SYM(f, name) do {						\
	if (missing == NULL &&						\
	    (*(void **)&cu.f = dlsym(h, name)) == NULL)			\
		missing = name;						\
} while (0)
	ACME_SYM(global_init, "curl_global_init");
	ACME_SYM(easy_init, "curl_easy_init");
	ACME_SYM(easy_setopt, "curl_easy_setopt");
	ACME_SYM(easy_perform, "curl_easy_perform");
	ACME_SYM(easy_getinfo, "curl_easy_getinfo");
	ACME_SYM(easy_reset, "curl_easy_reset");
	ACME_SYM(easy_cleanup, "curl_easy_cleanup");
	ACME_SYM(easy_strerror, "curl_easy_strerror");
	ACME_SYM(slist_append, "curl_slist_append");
	ACME_SYM(slist_free_all, "curl_slist_free_all");
	ACME_SYM(version_info, "curl_version_info");
#undef ACME_SYM
	if (missing != NULL) {
		snprintf(acme_curl_error, sizeof acme_curl_error, "%s: no "
		    "%s", ACME_LIBCURL, missing);
		return;
	}
	vi = cu.version_info(CURLVERSION_NOW);
	if (vi == NULL || vi->version_num < ACME_CURL_MIN ||
	    (vi->features & CURL_VERSION_SSL) == 0) {
		snprintf(acme_curl_error, sizeof acme_curl_error, "%s: "
		    "libcurl %s%s; the ACME client needs %u.%u or later, "
		    "with TLS", ACME_LIBCURL, vi != NULL ? vi->version : "?",
		    vi != NULL && (vi->features & CURL_VERSION_SSL) == 0 ?
		    " without TLS" : "", ACME_CURL_MIN >> 16,
		    ACME_CURL_MIN >> 8 & 0xff);
		return;
	}
	cu.version = vi->version_num;
	if ((cc = cu.global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK)
		snprintf(acme_curl_error, sizeof acme_curl_error, "libcurl: "
		    "%s", cu.easy_strerror(cc));
	/* The handle stays open: libcurl lives as long as the process. */
}

static int64_t
acme_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

const char *
acme_chall_name(enum acme_chall c)
{
	return (c == ACME_DNS01 ? "dns-01" : "http-01");
}

const char *
acme_step_name(enum acme_step s)
{
	static const char *names[ACME_S__MAX] = {
		"directory", "account", "order", "authorization",
		"provision", "validate", "cleanup", "finalize", "download",
		"done"
	};

	return (s < ACME_S__MAX ? names[s] : "?");
}

/* Report progress. */
static void
acme_emit(struct acme *a, enum acme_step step, const char *name,
    size_t done, size_t total, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void
acme_emit(struct acme *a, enum acme_step step, const char *name,
    size_t done, size_t total, const char *fmt, ...)
{
	struct acme_event	 ev;
	va_list			 ap;
	char			*text;

	if (a->o.progress == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&text, fmt, ap);
	va_end(ap);
	memset(&ev, 0, sizeof ev);
	ev.step = step;
	ev.name = name;
	ev.text = text;
	ev.done = done;
	ev.total = total;
	a->o.progress(&ev, a->o.progress_arg);
	free(text);
}

/* Has the caller asked us to stop? */
static bool
acme_cancelled(const struct acme *a)
{
	struct pollfd	pfd;

	if (a->o.cancel != NULL && *a->o.cancel)
		return (true);
	if (a->o.cancel_fd == -1)
		return (false);
	pfd.fd = a->o.cancel_fd;
	pfd.events = POLLIN;
	return (poll(&pfd, 1, 0) == 1);
}

/* Wait ms, watching the cancel flag and fd. */
static int
acme_sleep(struct acme *a, int64_t ms, char **cause)
{
	struct pollfd	pfd;
	int64_t		end = acme_now_ms() + ms, left;

	for (;;) {
		if (acme_cancelled(a)) {
			cause_set(cause, "cancelled");
			return (-1);
		}
		if ((left = end - acme_now_ms()) <= 0)
			return (0);
		pfd.fd = a->o.cancel_fd;
		pfd.events = POLLIN;
		(void)poll(&pfd, a->o.cancel_fd != -1 ? 1 : 0,
		    left > 100 ? 100 : (int)left);
	}
}

/* ------------------------------------------------------------------ */
/* HTTP through libcurl */

static void
acme_resp_done(struct acme_resp *r)
{
	size_t	i;

	free(r->body);
	free(r->nonce);
	free(r->location);
	free(r->retry_after);
	free(r->ctype);
	for (i = 0; i < r->nalt; i++)
		free(r->alt[i]);
	free(r->alt);
	memset(r, 0, sizeof *r);
}

static size_t
acme_write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct acme_resp	*r = arg;
	size_t			 len = size * n;

	if (len > ACME_BODY_MAX - r->len) {
		r->too_big = true;
		return (0);		/* curl stops with a write error */
	}
	r->body = xreallocarray(r->body, r->len + len + 1, 1);
	memcpy(r->body + r->len, data, len);
	r->len += len;
	r->body[r->len] = '\0';
	return (len);
}

/* Replace *dst with a copy of a header value (bounded). */
static void
acme_hdr_set(char **dst, const char *v, size_t n)
{
	free(*dst);
	*dst = n <= ACME_HDR_MAX ? xstrndup(v, n) : NULL;
}

/* A nonce is base64url (RFC 8555 6.5.1). */
static bool
acme_nonce_ok(const char *s)
{
	size_t	n = 0;

	for (; s[n] != '\0'; n++) {
		if (!isalnum((unsigned char)s[n]) && s[n] != '-' &&
		    s[n] != '_')
			return (false);
	}
	return (n > 0 && n <= 512);
}

static size_t
acme_header_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct acme_resp	*r = arg;
	size_t			 len = size * n, nl, vl, i, k;
	const char		*v;
	char			*value, **urls;

	if (len >= 5 && strncasecmp(buf, "HTTP/", 5) == 0) {
		/* A new answer (after 100 Continue or a proxy's). */
		free(r->nonce);
		free(r->location);
		free(r->retry_after);
		free(r->ctype);
		r->nonce = r->location = r->retry_after = r->ctype = NULL;
		for (i = 0; i < r->nalt; i++)
			free(r->alt[i]);
		r->nalt = 0;
		return (len);
	}
	if ((v = memchr(buf, ':', len)) == NULL)
		return (len);
	nl = (size_t)(v - buf);
	v++;
	vl = len - nl - 1;
	while (vl > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vl--;
	}
	while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n' ||
	    v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	if (memchr(v, '\0', vl) != NULL)
		return (len);
	if (nl == 12 && strncasecmp(buf, "Replay-Nonce", nl) == 0)
		acme_hdr_set(&r->nonce, v, vl);
	else if (nl == 8 && strncasecmp(buf, "Location", nl) == 0)
		acme_hdr_set(&r->location, v, vl);
	else if (nl == 11 && strncasecmp(buf, "Retry-After", nl) == 0)
		acme_hdr_set(&r->retry_after, v, vl);
	else if (nl == 12 && strncasecmp(buf, "Content-Type", nl) == 0)
		acme_hdr_set(&r->ctype, v, vl);
	else if (nl == 4 && strncasecmp(buf, "Link", nl) == 0 &&
	    vl <= ACME_HDR_MAX) {
		value = xstrndup(v, vl);
		k = acme_links(value, "alternate", &urls);
		for (i = 0; i < k; i++) {
			if (r->nalt < ACME_MAX_ALT && acme_url_ok(urls[i])) {
				r->alt = xreallocarray(r->alt, r->nalt + 1,
				    sizeof *r->alt);
				r->alt[r->nalt++] = urls[i];
			} else
				free(urls[i]);
		}
		free(urls);
		free(value);
	}
	return (len);
}

static int
acme_xfer_cb(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	return (acme_cancelled(arg) ? 1 : 0);
}

/* A URL for a message (printable, bounded), malloc'd. */
static char *
acme_url_text(const char *url)
{
	return (acme_clean(url, 200));
}

/* One HTTP exchange.  Any status is a success here; the caller judges. */
static int
acme_http(struct acme *a, enum acme_method m, const char *url,
    const char *body, const char *accept, struct acme_resp *r, char **cause)
{
	struct curl_slist	*hdrs = NULL;
	CURLcode		 cc, oc = CURLE_OK;
	char			*u = NULL, *h = NULL;
	int			 rc = -1;

	memset(r, 0, sizeof *r);
	if (acme_cancelled(a)) {
		cause_set(cause, "cancelled");
		return (-1);
	}
	if (!acme_url_ok(url)) {
		u = acme_url_text(url);
		cause_set(cause, "%s: not an https URL", u);
		free(u);
		return (-1);
	}
	cu.easy_reset(a->curl);
	a->errbuf[0] = '\0';
	/* Each option must take: a libcurl that refused one (HTTPS only,
	 * verification, the size bound) is not used at all. */
#define ACME_SET(o, v) do {						\
	if (oc == CURLE_OK)						\
		oc = cu.easy_setopt(a->curl, o, v);			\
} while (0)
	ACME_SET(CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	ACME_SET(CURLOPT_PROTOCOLS_STR, "https");
	ACME_SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else
	ACME_SET(CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
	ACME_SET(CURLOPT_REDIR_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	ACME_SET(CURLOPT_FOLLOWLOCATION, 0L);
	ACME_SET(CURLOPT_NOSIGNAL, 1L);
	ACME_SET(CURLOPT_SSL_VERIFYPEER, 1L);
	ACME_SET(CURLOPT_SSL_VERIFYHOST, 2L);
	ACME_SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (a->o.ca_file != NULL)
		ACME_SET(CURLOPT_CAINFO, a->o.ca_file);
	ACME_SET(CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	ACME_SET(CURLOPT_TIMEOUT_MS, (long)ACME_REQUEST_TIMEOUT * 1000);
	ACME_SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)ACME_BODY_MAX);
	ACME_SET(CURLOPT_USERAGENT, ACME_USER_AGENT);
	ACME_SET(CURLOPT_ERRORBUFFER, a->errbuf);
	ACME_SET(CURLOPT_WRITEFUNCTION, acme_write_cb);
	ACME_SET(CURLOPT_WRITEDATA, r);
	ACME_SET(CURLOPT_HEADERFUNCTION, acme_header_cb);
	ACME_SET(CURLOPT_HEADERDATA, r);
	ACME_SET(CURLOPT_NOPROGRESS, 0L);
	ACME_SET(CURLOPT_XFERINFOFUNCTION, acme_xfer_cb);
	ACME_SET(CURLOPT_XFERINFODATA, a);
	xasprintf(&h, "Accept: %s", accept != NULL ? accept :
	    "application/json");
	hdrs = cu.slist_append(hdrs, h);
	if (m == M_POST) {
		hdrs = cu.slist_append(hdrs,
		    "Content-Type: application/jose+json");
		ACME_SET(CURLOPT_POSTFIELDS, body);
		ACME_SET(CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	} else if (m == M_HEAD)
		ACME_SET(CURLOPT_NOBODY, 1L);
	if (hdrs == NULL)
		fatalx("curl_slist_append: out of memory");
	ACME_SET(CURLOPT_HTTPHEADER, hdrs);
#undef ACME_SET
	if (oc != CURLE_OK) {
		cause_set(cause, "libcurl refused an option: %s",
		    cu.easy_strerror(oc));
		goto out;
	}

	cc = cu.easy_perform(a->curl);
	u = acme_url_text(url);
	if (cc != CURLE_OK) {
		if (cc == CURLE_ABORTED_BY_CALLBACK)
			cause_set(cause, "cancelled");
		else if (r->too_big || cc == CURLE_FILESIZE_EXCEEDED)
			cause_set(cause, "%s: answer larger than %d bytes", u,
			    ACME_BODY_MAX);
		else if (cc == CURLE_OPERATION_TIMEDOUT)
			cause_set(cause, "%s: no answer within %d s", u,
			    ACME_REQUEST_TIMEOUT);
		else if (cc == CURLE_PEER_FAILED_VERIFICATION ||
		    cc == CURLE_SSL_CACERT_BADFILE)
			cause_set(cause, "%s: the server's certificate is not "
			    "trusted: %s%s", u, a->errbuf[0] != '\0' ?
			    a->errbuf : cu.easy_strerror(cc),
			    a->o.ca_file == NULL ? " (a private CA's root "
			    "can be given as the CA file)" : "");
		else
			cause_set(cause, "%s: %s", u, a->errbuf[0] != '\0' ?
			    a->errbuf : cu.easy_strerror(cc));
		goto out;
	}
	cu.easy_getinfo(a->curl, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->nonce != NULL && acme_nonce_ok(r->nonce)) {
		free(a->nonce);
		a->nonce = r->nonce;
		r->nonce = NULL;
	}
	if (r->status >= 300 && r->status < 400) {
		free(h);
		h = acme_clean(r->location, 200);
		cause_set(cause, "%s: redirected (HTTP %ld%s%s); ACME servers "
		    "do not redirect, so it is not followed", u, r->status,
		    *h != '\0' ? " to " : "", h);
		goto out;
	}
	if (r->body == NULL)
		r->body = xstrdup("");
	rc = 0;
out:
	if (rc != 0)
		acme_resp_done(r);
	cu.slist_free_all(hdrs);
	free(h);
	free(u);
	return (rc);
}

/* "3 h 20 min", "5 min", "40 s". */
static void
acme_duration(long s, char *buf, size_t len)
{
	if (s >= 3600)
		snprintf(buf, len, "%ld h %ld min", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, len, "%ld min", (s + 59) / 60);
	else
		snprintf(buf, len, "%ld s", s);
}

/* The one line for an error answer. */
static void
acme_fail(struct acme *a, const char *url, const struct acme_resp *r,
    const char *name, char **cause)
{
	struct acme_problem	 p;
	char			*line, *u, buf[64];
	long			 ra;

	if (r->len > 0 && acme_parse_problem(r->body, r->len, &p,
	    NULL) == 0 && (p.detail != NULL || strcmp(p.type,
	    "about:blank") != 0)) {
		line = acme_problem_line(&p, name != NULL ? name : a->host);
		if (strcmp(p.type, "rateLimited") == 0 &&
		    (ra = acme_retry_after(r->retry_after, time(NULL))) > 0) {
			acme_duration(ra, buf, sizeof buf);
			cause_set(cause, "%s (retry in %s)", line, buf);
		} else if (strcmp(p.type, "externalAccountRequired") == 0)
			cause_set(cause, "%s (the CA needs an external account "
			    "binding: its key id and MAC key)", line);
		else
			cause_set(cause, "%s", line);
		free(line);
		acme_problem_done(&p);
		return;
	}
	u = acme_url_text(url);
	cause_set(cause, "%s: HTTP %ld from the CA, without an ACME problem "
	    "document", u, r->status);
	free(u);
}

/* Is this answer a badNonce problem? */
static bool
acme_is_bad_nonce(const struct acme_resp *r)
{
	struct acme_problem	p;
	bool			bad;

	if (r->status != 400 || acme_parse_problem(r->body, r->len, &p,
	    NULL) != 0)
		return (false);
	bad = strcmp(p.type, "badNonce") == 0;
	acme_problem_done(&p);
	return (bad);
}

/* A fresh nonce (HEAD newNonce) when we hold none. */
static int
acme_new_nonce(struct acme *a, char **cause)
{
	struct acme_resp	r;
	char			*u;

	if (a->nonce != NULL)
		return (0);
	if (acme_http(a, M_HEAD, a->dir.new_nonce, NULL, NULL, &r,
	    cause) != 0)
		return (-1);
	if (r.status != 200 && r.status != 204) {
		acme_fail(a, a->dir.new_nonce, &r, NULL, cause);
		acme_resp_done(&r);
		return (-1);
	}
	acme_resp_done(&r);
	if (a->nonce == NULL) {
		u = acme_url_text(a->dir.new_nonce);
		cause_set(cause, "%s: no valid Replay-Nonce header", u);
		free(u);
		return (-1);
	}
	return (0);
}

/*
 * A signed POST (payload NULL: POST-as-GET), with the account's JWK
 * instead of its URL when jwk is set; badNonce answers are retried.
 */
static int
acme_post(struct acme *a, const char *url, const char *payload, bool jwk,
    const char *accept, struct acme_resp *r, char **cause)
{
	char	*body;
	int	 try;

	memset(r, 0, sizeof *r);
	for (try = 0; ; try++) {
		if (acme_new_nonce(a, cause) != 0)
			return (-1);
		if (jws_sign(a->akey, url, a->nonce, jwk ? NULL : a->kid,
		    payload, &body, cause) != 0)
			return (-1);
		free(a->nonce);		/* used up, whatever happens */
		a->nonce = NULL;
		if (acme_http(a, M_POST, url, body, accept, r, cause) != 0) {
			free(body);
			return (-1);
		}
		free(body);
		if (try + 1 < ACME_NONCE_TRIES && acme_is_bad_nonce(r)) {
			a->badnonces++;
			acme_resp_done(r);
			continue;
		}
		return (0);
	}
}

/* A JSON object as compact text (malloc'd); j is consumed. */
static char *
acme_dump(json_t *j)
{
	char	*s;

	if ((s = json_dumps(j, JSON_COMPACT)) == NULL)
		fatalx("json_dumps: out of memory");
	json_decref(j);
	return (s);
}

/* ------------------------------------------------------------------ */
/* State: where account keys live */

int
acme_state_dir(char **dirp, char **cause)
{
	const char	*e;
	char		*state;

	*dirp = NULL;
	if ((e = getenv("TLSDECK_ACME_DIR")) != NULL && *e != '\0') {
		*dirp = xstrdup(e);
		return (0);
	}
	if (state_dir(&state, cause) != 0)
		return (-1);
	xasprintf(dirp, "%s/acme", state);
	free(state);
	return (0);
}

int
acme_account_path(const char *state, const char *directory, char **path,
    char **cause)
{
	char	hex[65], *dir = NULL;

	*path = NULL;
	if (state == NULL) {
		if (acme_state_dir(&dir, cause) != 0)
			return (-1);
		state = dir;
	}
	sw_sha256_hex((const unsigned char *)directory, strlen(directory),
	    hex);
	xasprintf(path, "%s/%s/account.pem", state, hex);
	free(dir);
	return (0);
}

/* Make the directory holding path and its missing parents (0700). */
static int
acme_mkdirs(const char *path, char **cause)
{
	struct stat	 st;
	char		*p, *s;
	int		 rc = -1;

	p = xstrdup(path);
	if ((s = strrchr(p, '/')) == NULL || s == p) {
		free(p);
		return (0);
	}
	*s = '\0';
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST) {
			cause_set(cause, "%s: %s", p, strerror(errno));
			goto out;
		}
		if (stat(p, &st) == -1 || !S_ISDIR(st.st_mode)) {
			cause_set(cause, "%s: not a directory", p);
			goto out;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	rc = 0;
out:
	free(p);
	return (rc);
}

/* Read the account key; 1 when there is none. */
static int
acme_key_load(const char *path, EVP_PKEY **pk, char **cause)
{
	struct stat	 st;
	unsigned char	*buf = NULL;
	size_t		 len = 0;
	int		 rc;

	*pk = NULL;
	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return (1);
		cause_set(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (!S_ISREG(st.st_mode)) {
		cause_set(cause, "%s: not a regular file", path);
		return (-1);
	}
	if ((st.st_mode & 077) != 0) {
		cause_set(cause, "%s: mode %04o: the account key must be "
		    "readable by its owner only (chmod 600)", path,
		    (unsigned int)(st.st_mode & 07777));
		return (-1);
	}
	if (file_read(path, &buf, &len, cause) != 0)
		return (-1);
	rc = pem_key_read_mem(buf, len, path, NULL, pk, cause);
	explicit_bzero(buf, len);
	free(buf);
	if (rc != 0)
		return (-1);
	if (jws_alg(*pk) == NULL) {
		EVP_PKEY_free(*pk);
		*pk = NULL;
		cause_set(cause, "%s: not an RSA, EC P-256 or EC P-384 key",
		    path);
		return (-1);
	}
	return (0);
}

/* sw_commit's check of the key file: it reads back as our key. */
static int
acme_key_verify(const unsigned char *buf, size_t len, void *arg,
    char **cause)
{
	EVP_PKEY	*pk = NULL;
	int		 ok;

	if (pem_key_read_mem(buf, len, "account key", NULL, &pk,
	    cause) != 0)
		return (-1);
	ok = EVP_PKEY_eq(pk, arg) == 1;
	EVP_PKEY_free(pk);
	if (!ok) {
		cause_set(cause, "the key read back differs");
		return (-1);
	}
	return (0);
}

/* Write a new account key file (0600, never over an existing one). */
static int
acme_key_save(struct acme *a, const char *path, EVP_PKEY *pk, char **cause)
{
	struct sw_file	*sw = NULL;
	struct sw_meta	 meta;
	BIO		*bio = NULL;
	char		*data;
	long		 len;
	int		 rc = -1;

	if (acme_mkdirs(path, cause) != 0)
		return (-1);
	/* A BIO that wipes its memory when freed. */
	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    !PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL) ||
	    (len = BIO_get_mem_data(bio, &data)) <= 0) {
		cause_ssl(cause, "%s: cannot encode the account key", path);
		goto out;
	}
	if (sw_open(path, SW_CREATE | SW_NOBACKUP, &sw, cause) != 0)
		goto out;
	if (sw_exists(sw)) {
		cause_set(cause, "%s: appeared meanwhile (another tlsdeck?); "
		    "not replaced", path);
		goto out;
	}
	memset(&meta, 0, sizeof meta);
	meta.command = "acme";
	meta.description = "ACME account key";
	meta.mode = 0600;
	if (sw_commit(sw, (const unsigned char *)data, (size_t)len,
	    acme_key_verify, pk, &meta, cause) != 0)
		goto out;
	rc = 0;
out:
	sw_close(sw);
	BIO_free(bio);
	return (rc);
}

/* A new account key of the configured kind. */
static int
acme_key_new(const struct acme *a, EVP_PKEY **pk, char **cause)
{
	const char	*k = a->o.account_key != NULL ? a->o.account_key :
			    "ec256";

	if (strcmp(k, "ec256") == 0)
		return (keygen_generate("ec", 0, "P-256", pk, cause));
	if (strcmp(k, "ec384") == 0)
		return (keygen_generate("ec", 0, "P-384", pk, cause));
	if (strcmp(k, "rsa2048") == 0)
		return (keygen_generate("rsa", 2048, NULL, pk, cause));
	if (strcmp(k, "rsa3072") == 0)
		return (keygen_generate("rsa", 3072, NULL, pk, cause));
	cause_set(cause, "account key type %s: use ec256, ec384, rsa2048 or "
	    "rsa3072", k);
	return (-1);
}

/* ------------------------------------------------------------------ */
/* The client */

/* A contact address we can put in a mailto: URL as it is. */
static bool
acme_email_ok(const char *e)
{
	const char	*at, *p;

	if (e == NULL || strlen(e) > 254 || (at = strchr(e, '@')) == NULL ||
	    at == e || at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return (false);
	for (p = e; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) &&
		    strchr(".!#$&'*+/=^_`{|}~@-", *p) == NULL)
			return (false);
	}
	return (strchr(at, '.') != NULL);
}

int
acme_new(const struct acme_opts *o, struct acme **ap, char **cause)
{
	struct acme	*a;
	struct stat	 st;
	const char	*h, *e;

	*ap = NULL;
	if (o->directory == NULL || !acme_url_ok(o->directory)) {
		cause_set(cause, "the ACME directory must be an https URL");
		return (-1);
	}
	if (o->ca_file != NULL) {
		if (stat(o->ca_file, &st) == -1 ||
		    access(o->ca_file, R_OK) == -1) {
			cause_set(cause, "%s: %s", o->ca_file,
			    strerror(errno));
			return (-1);
		}
		if (!S_ISREG(st.st_mode)) {
			cause_set(cause, "%s: not a regular file", o->ca_file);
			return (-1);
		}
	}
	if (o->email != NULL && !acme_email_ok(o->email)) {
		cause_set(cause, "\"%s\" is not an email address tlsdeck can "
		    "give the CA", o->email);
		return (-1);
	}
	if ((o->eab_kid == NULL) != (o->eab_hmac == NULL)) {
		cause_set(cause, "an external account binding needs both "
		    "the key id and the MAC key");
		return (-1);
	}
	switch (o->chall) {
	case ACME_HTTP01:
		if (o->http_port < 0 || o->http_port > 65535) {
			cause_set(cause, "http-01: port %d is not 1 to 65535",
			    o->http_port);
			return (-1);
		}
		break;
	case ACME_WEBROOT:
		if (o->webroot == NULL || stat(o->webroot, &st) == -1 ||
		    !S_ISDIR(st.st_mode)) {
			cause_set(cause, "%s: not a directory (the web root)",
			    o->webroot != NULL ? o->webroot : "(none)");
			return (-1);
		}
		break;
	case ACME_DNS01:
		if (o->dns_hook == NULL || *o->dns_hook == '\0') {
			cause_set(cause, "dns-01 needs a hook program");
			return (-1);
		}
		break;
	default:
		cause_set(cause, "unknown challenge type");
		return (-1);
	}
	pthread_once(&acme_curl_once, acme_curl_init);
	if (acme_curl_error[0] != '\0') {
		cause_set(cause, "%s", acme_curl_error);
		return (-1);
	}
	a = xcalloc(1, sizeof *a);
	a->o = *o;
	if (a->o.timeout <= 0)
		a->o.timeout = ACME_TIMEOUT;
	if ((a->curl = cu.easy_init()) == NULL) {
		free(a);
		cause_set(cause, "libcurl: cannot make a handle");
		return (-1);
	}
	if (o->state_dir != NULL)
		a->state_dir = xstrdup(o->state_dir);
	else if (acme_state_dir(&a->state_dir, cause) != 0) {
		acme_free(a);
		return (-1);
	}
	h = o->directory + 8;
	e = h + strcspn(h, "/?#");
	a->host = xstrndup(h, (size_t)(e - h));
	*ap = a;
	return (0);
}

void
acme_free(struct acme *a)
{
	if (a == NULL)
		return;
	if (a->curl != NULL)
		cu.easy_cleanup(a->curl);
	acme_dir_done(&a->dir);
	EVP_PKEY_free(a->akey);
	free(a->host);
	free(a->state_dir);
	free(a->nonce);
	free(a->kid);
	free(a->thumb);
	free(a);
}

int
acme_directory(struct acme *a, char **cause)
{
	struct acme_resp	 r;
	char			*u;
	int			 rc;

	if (a->have_dir)
		return (0);
	if (acme_http(a, M_GET, a->o.directory, NULL, NULL, &r, cause) != 0)
		return (-1);
	if (r.status != 200) {
		acme_fail(a, a->o.directory, &r, NULL, cause);
		acme_resp_done(&r);
		return (-1);
	}
	rc = acme_parse_dir(r.body, r.len, &a->dir, cause);
	acme_resp_done(&r);
	if (rc != 0) {
		u = acme_url_text(a->o.directory);
		cause_prefix(cause, "%s", u);
		free(u);
		return (-1);
	}
	a->have_dir = true;
	acme_emit(a, ACME_S_DIRECTORY, NULL, 0, 0, "directory of %s",
	    a->host);
	return (0);
}

unsigned int
acme_bad_nonces(const struct acme *a)
{
	return (a->badnonces);
}

const char *
acme_terms(const struct acme *a)
{
	return (a->have_dir ? a->dir.terms : NULL);
}

void
acme_account_info_done(struct acme_account_info *i)
{
	if (i == NULL)
		return;
	free(i->key_path);
	free(i->url);
	free(i->status);
	free(i->contact);
	free(i->terms);
	memset(i, 0, sizeof *i);
}

/* The account URL from a newAccount answer (200 or 201). */
static int
acme_account_answer(struct acme *a, const char *url, struct acme_resp *r,
    struct acme_account_info *info, char **cause)
{
	struct acme_account_obj	 ao;
	char			*u;

	if (r->location == NULL || !acme_url_ok(r->location)) {
		u = acme_url_text(url);
		cause_set(cause, "%s: the account has no https Location",
		    u);
		free(u);
		return (-1);
	}
	if (acme_parse_account(r->body, r->len, &ao, cause) != 0) {
		u = acme_url_text(url);
		cause_prefix(cause, "%s", u);
		free(u);
		return (-1);
	}
	if (strcmp(ao.status, "valid") != 0) {
		cause_set(cause, "%s: the account is %s", a->host, ao.status);
		acme_account_obj_done(&ao);
		return (-1);
	}
	free(a->kid);
	a->kid = xstrdup(r->location);
	free(info->url);
	info->url = xstrdup(r->location);
	free(info->status);
	info->status = ao.status;
	free(info->contact);
	info->contact = ao.contact;
	return (0);
}

/* Is the answer the problem of that type? */
static bool
acme_is_problem(const struct acme_resp *r, const char *type)
{
	struct acme_problem	p;
	bool			is;

	if (r->status < 400 || acme_parse_problem(r->body, r->len, &p,
	    NULL) != 0)
		return (false);
	is = strcmp(p.type, type) == 0;
	acme_problem_done(&p);
	return (is);
}

/* Look the account up by its key (onlyReturnExisting): 0 found, 1 not. */
static int
acme_account_lookup(struct acme *a, struct acme_account_info *info,
    char **cause)
{
	struct acme_resp	 r;
	json_t			*j;
	char			*payload;
	int			 rc = -1;

	j = json_object();
	json_object_set_new(j, "onlyReturnExisting", json_true());
	payload = acme_dump(j);
	if (acme_post(a, a->dir.new_account, payload, true, NULL, &r,
	    cause) != 0) {
		free(payload);
		return (-1);
	}
	free(payload);
	if (r.status == 200 || r.status == 201)
		rc = acme_account_answer(a, a->dir.new_account, &r, info,
		    cause);
	else if (acme_is_problem(&r, "accountDoesNotExist"))
		rc = 1;
	else
		acme_fail(a, a->dir.new_account, &r, NULL, cause);
	acme_resp_done(&r);
	return (rc);
}

/* Bring the contact up to date with opts->email. */
static int
acme_account_contact(struct acme *a, struct acme_account_info *info,
    char **cause)
{
	struct acme_resp	 r;
	json_t			*j, *c;
	char			*payload, *mailto;
	int			 rc = -1;

	xasprintf(&mailto, "mailto:%s", a->o.email);
	if (info->contact != NULL && strcasecmp(info->contact, mailto) == 0) {
		free(mailto);
		return (0);
	}
	j = json_object();
	c = json_array();
	json_array_append_new(c, json_string(mailto));
	json_object_set_new(j, "contact", c);
	payload = acme_dump(j);
	if (acme_post(a, a->kid, payload, false, NULL, &r, cause) != 0)
		goto out;
	if (r.status != 200)
		acme_fail(a, a->kid, &r, NULL, cause);
	else {
		free(info->contact);
		info->contact = mailto;
		mailto = NULL;
		acme_emit(a, ACME_S_ACCOUNT, NULL, 0, 0, "account contact "
		    "set to %s", a->o.email);
		rc = 0;
	}
	acme_resp_done(&r);
out:
	free(payload);
	free(mailto);
	return (rc);
}

/* Register a new account for a->akey. */
static int
acme_account_create(struct acme *a, struct acme_account_info *info,
    char **cause)
{
	struct acme_resp	 r;
	json_error_t		 je;
	json_t			*j, *c, *eab;
	char			*payload, *mailto, *jwk = NULL, *eabs = NULL;
	int			 rc = -1;

	j = json_object();
	json_object_set_new(j, "termsOfServiceAgreed", json_true());
	if (a->o.email != NULL) {
		xasprintf(&mailto, "mailto:%s", a->o.email);
		c = json_array();
		json_array_append_new(c, json_string(mailto));
		json_object_set_new(j, "contact", c);
		free(mailto);
	}
	if (a->o.eab_kid != NULL) {
		if (jws_jwk(a->akey, &jwk, cause) != 0 ||
		    jws_eab(a->o.eab_kid, a->o.eab_hmac, a->dir.new_account,
		    jwk, &eabs, cause) != 0) {
			json_decref(j);
			free(jwk);
			return (-1);
		}
		if ((eab = json_loads(eabs, 0, &je)) == NULL)
			fatalx("EAB JSON: %s", je.text);
		json_object_set_new(j, "externalAccountBinding", eab);
		free(jwk);
		free(eabs);
	}
	payload = acme_dump(j);
	if (acme_post(a, a->dir.new_account, payload, true, NULL, &r,
	    cause) != 0) {
		free(payload);
		return (-1);
	}
	free(payload);
	if (r.status == 200 || r.status == 201) {
		rc = acme_account_answer(a, a->dir.new_account, &r, info,
		    cause);
		info->created = r.status == 201;
	} else
		acme_fail(a, a->dir.new_account, &r, NULL, cause);
	acme_resp_done(&r);
	return (rc);
}

int
acme_account(struct acme *a, bool dry_run, struct acme_account_info *info,
    char **cause)
{
	EVP_PKEY	*pk = NULL;
	int		 r, rc = -1;

	memset(info, 0, sizeof *info);
	if (acme_directory(a, cause) != 0)
		return (-1);
	if (a->dir.terms != NULL)
		info->terms = xstrdup(a->dir.terms);
	if (acme_account_path(a->state_dir, a->o.directory, &info->key_path,
	    cause) != 0)
		return (-1);
	if ((r = acme_key_load(info->key_path, &pk, cause)) < 0)
		return (-1);
	if (r == 0) {
		EVP_PKEY_free(a->akey);
		a->akey = pk;
		pk = NULL;
		free(a->thumb);
		a->thumb = NULL;
		if (jws_thumbprint(a->akey, &a->thumb, cause) != 0)
			return (-1);
		if ((r = acme_account_lookup(a, info, cause)) < 0)
			return (-1);
		if (r == 0) {
			info->exists = true;
			acme_emit(a, ACME_S_ACCOUNT, NULL, 0, 0, "account %s",
			    info->url);
			if (a->o.email != NULL && !dry_run)
				return (acme_account_contact(a, info, cause));
			return (0);
		}
	}
	/* No account with this CA yet. */
	if (dry_run) {
		info->need_tos = !a->o.agree_tos;
		return (0);
	}
	if (!a->o.agree_tos) {
		info->need_tos = true;
		cause_set(cause, "%s: no account with this CA yet: its terms "
		    "of service must be agreed to first%s%s", a->host,
		    a->dir.terms != NULL ? ": " : "", a->dir.terms != NULL ?
		    a->dir.terms : "");
		return (-1);
	}
	if (a->dir.eab_required && a->o.eab_kid == NULL) {
		cause_set(cause, "%s: the CA requires an external account "
		    "binding (its key id and MAC key) for a new account",
		    a->host);
		return (-1);
	}
	if (a->akey == NULL) {
		if (acme_key_new(a, &pk, cause) != 0)
			return (-1);
		a->akey = pk;
		pk = NULL;
		info->key_created = true;
		if (jws_thumbprint(a->akey, &a->thumb, cause) != 0)
			goto out;
	}
	if (acme_account_create(a, info, cause) != 0)
		goto out;
	/* Only now, with the account made, is the key worth keeping. */
	if (info->key_created && acme_key_save(a, info->key_path, a->akey,
	    cause) != 0) {
		cause_prefix(cause, "account %s was created, but its key "
		    "could not be kept", info->url);
		goto out;
	}
	info->exists = true;
	acme_emit(a, ACME_S_ACCOUNT, NULL, 0, 0, "account %s %s", info->url,
	    info->created ? "created" : "found");
	rc = 0;
out:
	if (rc != 0 && info->key_created) {
		EVP_PKEY_free(a->akey);
		a->akey = NULL;
		free(a->kid);
		a->kid = NULL;
	}
	return (rc);
}

/* ------------------------------------------------------------------ */
/* Names and the CSR */

int
acme_name_check(char *name, bool *is_ip, char **cause)
{
	struct san_list	*sl;
	unsigned char	 bin[16];
	char		*item, *why = NULL, *p, *q, buf[INET6_ADDRSTRLEN];

	*is_ip = false;
	for (p = name; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (inet_pton(AF_INET, name, bin) == 1 ||
	    inet_pton(AF_INET6, name, bin) == 1) {
		inet_ntop(strchr(name, ':') != NULL ? AF_INET6 : AF_INET, bin,
		    buf, sizeof buf);
		if (strlen(buf) <= strlen(name))
			strcpy(name, buf);
		*is_ip = true;
		return (0);
	}
	sl = san_list_new();
	xasprintf(&item, "dns:%s", name);
	if (san_list_add(sl, item, &why) != 0) {
		/* 'SAN "dns:x": reason' -> the reason. */
		q = why != NULL ? strstr(why, "\": ") : NULL;
		p = acme_clean(name, 256);
		cause_set(cause, "name \"%s\": %s", p, q != NULL ? q + 3 :
		    "not a DNS name");
		free(p);
		free(why);
		free(item);
		san_list_free(sl);
		return (-1);
	}
	free(item);
	san_list_free(sl);
	if (strchr(name, '.') == NULL) {
		cause_set(cause, "name \"%s\": a public CA needs a fully "
		    "qualified name", name);
		return (-1);
	}
	return (0);
}

int
acme_csr(EVP_PKEY *pk, const char *const *names, size_t n,
    unsigned char **der, size_t *len, char **cause)
{
	struct san_list		*sl;
	struct X509_name_st	*subj = NULL;
	X509_REQ		*req = NULL;
	BIO			*bio = NULL;
	unsigned char		 bin[16], *p;
	char			*item, *pem = NULL;
	size_t			 i;
	int			 l, rc = -1;

	*der = NULL;
	*len = 0;
	sl = san_list_new();
	for (i = 0; i < n; i++) {
		if (inet_pton(AF_INET, names[i], bin) == 1 ||
		    inet_pton(AF_INET6, names[i], bin) == 1)
			xasprintf(&item, "ip:%s", names[i]);
		else
			xasprintf(&item, "dns:%s", names[i]);
		l = san_list_add(sl, item, cause);
		free(item);
		if (l != 0)
			goto out;
	}
	if ((subj = X509_NAME_new()) == NULL)
		goto ssl;
	/* The CN is limited to 64 characters; the SANs are what count. */
	if (n > 0 && strlen(names[0]) <= 64 && sl->items[0].type == SAN_DNS &&
	    !X509_NAME_add_entry_by_NID(subj, NID_commonName, MBSTRING_UTF8,
	    (const unsigned char *)names[0], -1, -1, 0))
		goto ssl;
	if (csr_create(pk, subj, sl, &pem, cause) != 0)
		goto out;
	if ((bio = BIO_new_mem_buf(pem, -1)) == NULL ||
	    (req = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL)) == NULL)
		goto ssl;
	if ((l = i2d_X509_REQ(req, NULL)) <= 0)
		goto ssl;
	p = *der = xmalloc((size_t)l);
	i2d_X509_REQ(req, &p);
	*len = (size_t)l;
	rc = 0;
	goto out;
ssl:
	cause_ssl(cause, "certificate request");
out:
	san_list_free(sl);
	X509_NAME_free(subj);
	X509_REQ_free(req);
	BIO_free(bio);
	free(pem);
	return (rc);
}

/* Check the caller's CSR against the names; *spki gets its public key
 * (DER SubjectPublicKeyInfo, malloc'd). */
static int
acme_csr_check(const unsigned char *csr, size_t len,
    const char *const *names, size_t n, unsigned char **spki,
    size_t *spkilen, char **cause)
{
	STACK_OF(X509_EXTENSION)	*exts = NULL;
	X509_EXTENSION			*ext;
	ASN1_OCTET_STRING		*os;
	struct san_list			*sl = NULL;
	const unsigned char		*p = csr;
	unsigned char			*q;
	X509_REQ			*req;
	EVP_PKEY			*pub;
	size_t				 i, j;
	int				 k, l, rc = -1;

	*spki = NULL;
	if ((req = d2i_X509_REQ(NULL, &p, (long)len)) == NULL ||
	    p != csr + len) {
		cause_ssl(cause, "the certificate request is not DER");
		goto out;
	}
	if ((pub = X509_REQ_get0_pubkey(req)) == NULL ||
	    X509_REQ_verify(req, pub) != 1) {
		cause_ssl(cause, "the certificate request's signature does "
		    "not verify");
		goto out;
	}
	exts = X509_REQ_get_extensions(req);
	k = X509v3_get_ext_by_NID(exts, NID_subject_alt_name, -1);
	if (k < 0 || (ext = X509v3_get_ext(exts, k)) == NULL ||
	    (os = X509_EXTENSION_get_data(ext)) == NULL ||
	    san_list_from_der(ASN1_STRING_get0_data(os),
	    (size_t)ASN1_STRING_length(os), &sl, NULL, cause) != 0) {
		cause_set(cause, "the certificate request has no subject "
		    "alternative names");
		goto out;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < sl->n; j++) {
			if (strcasecmp(sl->items[j].value, names[i]) == 0)
				break;
		}
		if (j == sl->n) {
			cause_set(cause, "the certificate request does not "
			    "name %s", names[i]);
			goto out;
		}
	}
	if (sl->n != n) {
		cause_set(cause, "the certificate request names %zu names, "
		    "the order %zu", sl->n, n);
		goto out;
	}
	if ((l = i2d_PUBKEY(pub, NULL)) <= 0)
		goto out;
	q = *spki = xmalloc((size_t)l);
	i2d_PUBKEY(pub, &q);
	*spkilen = (size_t)l;
	rc = 0;
out:
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	san_list_free(sl);
	X509_REQ_free(req);
	return (rc);
}

void
acme_cert_result_done(struct acme_cert_result *r)
{
	size_t	i;

	if (r == NULL)
		return;
	certs_free(r->chain, r->nchain);
	free(r->order_url);
	free(r->cert_url);
	free(r->issuer);
	for (i = 0; i < r->nalternates; i++)
		free(r->alternates[i]);
	free(r->alternates);
	memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------------ */
/* The order */

static void
acme_task_free(struct acme_task *t)
{
	free(t->name);
	free(t->ident);
	free(t->authz);
	free(t->chall);
	free(t->token);
	free(t->keyauth);
	free(t->record);
	free(t->value);
}

/* Wait before polling again: Retry-After when the CA gave one (at
 * least 0.2 s), else 0.1, 0.2, 0.4 ... 3.2, then every 5 s; never past
 * the deadline. */
static int
acme_poll_wait(struct acme *a, const char *retry_after, int attempt,
    const char *name, const char *what, char **cause)
{
	int64_t	ms, now = acme_now_ms();
	long	ra;

	if ((ra = acme_retry_after(retry_after, time(NULL))) >= 0)
		ms = ra * 1000 < 200 ? 200 : (int64_t)ra * 1000;
	else
		ms = attempt >= 6 ? 5000 : 100 << attempt;
	if (now >= a->deadline) {
		cause_set(cause, "%s%sthe CA has still %s after %d s (given "
		    "up)", name != NULL ? name : "", name != NULL ? ": " : "",
		    what, a->o.timeout);
		return (-1);
	}
	if (now + ms > a->deadline)
		ms = a->deadline - now;
	return (acme_sleep(a, ms, cause));
}

/* POST-as-GET of an object; 200 wanted. */
static int
acme_get(struct acme *a, const char *url, const char *name,
    struct acme_resp *r, char **cause)
{
	if (acme_post(a, url, NULL, false, NULL, r, cause) != 0)
		return (-1);
	if (r->status != 200) {
		acme_fail(a, url, r, name, cause);
		acme_resp_done(r);
		return (-1);
	}
	return (0);
}

/* The names joined for messages about the whole order (bounded). */
static char *
acme_names_text(const char *const *names, size_t n)
{
	char	*s = xstrdup(""), *t;
	size_t	 i;

	for (i = 0; i < n && i < 3; i++) {
		xasprintf(&t, "%s%s%s", s, i > 0 ? ", " : "", names[i]);
		free(s);
		s = t;
	}
	if (n > 3) {
		xasprintf(&t, "%s and %zu more", s, n - 3);
		free(s);
		s = t;
	}
	return (s);
}

/* The challenge of our type in an authorization; builds the task. */
static int
acme_task_make(struct acme *a, const struct acme_authz_obj *az,
    const char *authz_url, struct acme_task *t, char **cause)
{
	const char	*want = acme_chall_name(a->o.chall);
	char		*offered = xstrdup(""), *s, *n;
	size_t		 i;

	memset(t, 0, sizeof *t);
	n = acme_clean(az->ident.value, 256);
	if (az->wildcard)
		xasprintf(&t->name, "*.%s", n);
	else
		t->name = xstrdup(n);
	free(n);
	t->ident = xstrdup(az->ident.value);
	t->authz = xstrdup(authz_url);
	for (i = 0; i < az->nchalls; i++) {
		if (strcmp(az->challs[i].type, want) == 0)
			break;
		n = acme_clean(az->challs[i].type, 40);
		xasprintf(&s, "%s%s%s", offered, *offered != '\0' ? ", " : "",
		    n);
		free(n);
		free(offered);
		offered = s;
	}
	if (i == az->nchalls) {
		if (az->wildcard && a->o.chall != ACME_DNS01)
			cause_set(cause, "%s: a wildcard name needs the dns-01 "
			    "challenge (a dns hook)", t->name);
		else
			cause_set(cause, "%s: the CA offers no %s challenge "
			    "for it (it offers: %s)", t->name, want,
			    *offered != '\0' ? offered : "none");
		free(offered);
		return (-1);
	}
	free(offered);
	if (az->challs[i].token == NULL) {
		cause_set(cause, "%s: the %s challenge has no token",
		    t->name, want);
		return (-1);
	}
	t->chall = xstrdup(az->challs[i].url);
	t->token = xstrdup(az->challs[i].token);
	xasprintf(&t->keyauth, "%s.%s", t->token, a->thumb);
	if (a->o.chall == ACME_DNS01) {
		xasprintf(&t->record, "_acme-challenge.%s", t->ident);
		t->value = acme_dns_value(t->keyauth);
	}
	return (0);
}

/* What was set up for the challenges, to take down again. */
struct acme_prov {
	struct acme_http01	*http;
	struct acme_webroot	 web;
};

static int
acme_provision(struct acme *a, struct acme_task *tasks, size_t n,
    struct acme_prov *pv, char **cause)
{
	struct acme_token	*toks;
	size_t			 i;
	int			 port, rc;

	switch (a->o.chall) {
	case ACME_HTTP01:
		port = a->o.http_port != 0 ? a->o.http_port : 80;
		toks = xcalloc(n, sizeof *toks);
		for (i = 0; i < n; i++) {
			toks[i].token = tasks[i].token;
			toks[i].keyauth = tasks[i].keyauth;
		}
		rc = acme_http01_start(a->o.http_address, port, toks, n,
		    &pv->http, cause);
		free(toks);
		if (rc != 0)
			return (-1);
		acme_emit(a, ACME_S_PROVISION, NULL, 0, n, "listening on %s "
		    "port %d for %zu token%s", a->o.http_address != NULL ?
		    a->o.http_address : "every address", port, n, n == 1 ?
		    "" : "s");
		return (0);
	case ACME_WEBROOT:
		for (i = 0; i < n; i++) {
			if (acme_webroot_put(&pv->web, a->o.webroot,
			    tasks[i].token, tasks[i].keyauth, cause) != 0)
				return (-1);
			acme_emit(a, ACME_S_PROVISION, tasks[i].name, i + 1, n,
			    "%s: token file %s", tasks[i].name,
			    pv->web.files[pv->web.nfiles - 1]);
		}
		return (0);
	case ACME_DNS01:
		for (i = 0; i < n; i++) {
			if (acme_hook_run(a->o.dns_hook, "add",
			    tasks[i].record, tasks[i].value,
			    ACME_HOOK_TIMEOUT, a->o.cancel, a->o.cancel_fd,
			    cause) != 0) {
				/* A hook stopped half way may have added
				 * it: remove it too. */
				tasks[i].added = true;
				return (-1);
			}
			tasks[i].added = true;
			acme_emit(a, ACME_S_PROVISION, tasks[i].name, i + 1, n,
			    "%s: TXT record %s added", tasks[i].name,
			    tasks[i].record);
		}
		if (a->o.dns_wait > 0) {
			acme_emit(a, ACME_S_PROVISION, NULL, n, n, "waiting "
			    "%d s for the DNS records to spread",
			    a->o.dns_wait);
			return (acme_sleep(a, (int64_t)a->o.dns_wait * 1000,
			    cause));
		}
		return (0);
	default:
		return (-1);
	}
}

/* Take everything down (also after a failure or a cancellation). */
static void
acme_unprovision(struct acme *a, struct acme_task *tasks, size_t n,
    struct acme_prov *pv)
{
	char	*why;
	size_t	 i, removed = 0;

	if (pv->http != NULL) {
		acme_emit(a, ACME_S_CLEANUP, NULL, 0, 0, "listener closed (%u "
		    "answer%s sent)", acme_http01_served(pv->http),
		    acme_http01_served(pv->http) == 1 ? "" : "s");
		acme_http01_stop(pv->http);
		pv->http = NULL;
	}
	if (pv->web.nfiles > 0) {
		acme_emit(a, ACME_S_CLEANUP, NULL, 0, 0, "%zu token file%s "
		    "removed", pv->web.nfiles, pv->web.nfiles == 1 ? "" :
		    "s");
	}
	acme_webroot_clean(&pv->web);
	for (i = 0; i < n; i++) {
		if (!tasks[i].added)
			continue;
		why = NULL;
		/* Not cancellable: this is the cleaning up. */
		if (acme_hook_run(a->o.dns_hook, "remove", tasks[i].record,
		    tasks[i].value, ACME_HOOK_TIMEOUT, NULL, -1, &why) != 0) {
			acme_emit(a, ACME_S_CLEANUP, tasks[i].name, i + 1, n,
			    "%s", why);
			free(why);
		} else
			removed++;
		tasks[i].added = false;
	}
	if (removed > 0)
		acme_emit(a, ACME_S_CLEANUP, NULL, 0, 0, "%zu TXT record%s "
		    "removed", removed, removed == 1 ? "" : "s");
}

/* The error of an invalid authorization as one line. */
static void
acme_authz_error(const struct acme_authz_obj *az, const struct acme_task *t,
    char **cause)
{
	char	*line;
	size_t	 i;

	for (i = 0; i < az->nchalls; i++) {
		if (az->challs[i].error == NULL)
			continue;
		line = acme_problem_line(az->challs[i].error, t->name);
		cause_set(cause, "%s", line);
		free(line);
		return;
	}
	cause_set(cause, "%s: the authorization is %s", t->name, az->status);
}

/* Answer the challenges and wait until the CA has looked at each. */
static int
acme_validate(struct acme *a, struct acme_task *tasks, size_t n,
    char **cause)
{
	struct acme_authz_obj	 az;
	struct acme_resp	 r;
	size_t			 i, left = n, done = 0;
	int			 round;

	for (i = 0; i < n; i++) {
		if (acme_post(a, tasks[i].chall, "{}", false, NULL, &r,
		    cause) != 0)
			return (-1);
		if (r.status != 200) {
			acme_fail(a, tasks[i].chall, &r, tasks[i].name, cause);
			acme_resp_done(&r);
			return (-1);
		}
		acme_resp_done(&r);
	}
	for (round = 0; left > 0; round++) {
		memset(&r, 0, sizeof r);
		for (i = 0; i < n; i++) {
			if (tasks[i].done)
				continue;
			acme_resp_done(&r);
			if (acme_get(a, tasks[i].authz, tasks[i].name, &r,
			    cause) != 0)
				return (-1);
			if (acme_parse_authz(r.body, r.len, &az, cause) != 0) {
				cause_prefix(cause, "%s", tasks[i].name);
				acme_resp_done(&r);
				return (-1);
			}
			if (strcmp(az.status, "valid") == 0) {
				tasks[i].done = true;
				left--;
				done++;
				acme_emit(a, ACME_S_VALIDATE, tasks[i].name,
				    done, n, "%s: validated", tasks[i].name);
			} else if (strcmp(az.status, "pending") != 0) {
				acme_authz_error(&az, &tasks[i], cause);
				acme_authz_obj_done(&az);
				acme_resp_done(&r);
				return (-1);
			}
			acme_authz_obj_done(&az);
		}
		if (left > 0) {
			for (i = 0; i < n && tasks[i].done; i++)
				;
			if (acme_poll_wait(a, r.retry_after, round,
			    tasks[i].name, "not validated the name",
			    cause) != 0) {
				acme_resp_done(&r);
				return (-1);
			}
		}
		acme_resp_done(&r);
	}
	return (0);
}

/* Poll the order until its status is not in the set busy ("|a|b|");
 * *o holds it then.  stale: *o is older than what happened since (the
 * validation), so it is fetched again at once. */
static int
acme_order_poll(struct acme *a, const char *url, const char *busy,
    bool stale, const char *names, const char *what,
    struct acme_order_obj *o, char **cause)
{
	struct acme_resp	 r;
	char			 pat[32], *ra = NULL, *u;
	int			 attempt, rc = -1;

	for (attempt = 0; ; attempt++) {
		snprintf(pat, sizeof pat, "|%s|", o->status);
		if (strstr(busy, pat) == NULL && !(stale && attempt == 0)) {
			rc = 0;
			break;
		}
		if (!(stale && attempt == 0) && acme_poll_wait(a, ra,
		    attempt - stale, names, what, cause) != 0)
			break;
		if (acme_get(a, url, names, &r, cause) != 0)
			break;
		acme_order_obj_done(o);
		if (acme_parse_order(r.body, r.len, o, cause) != 0) {
			acme_resp_done(&r);
			u = acme_url_text(url);
			cause_prefix(cause, "%s", u);
			free(u);
			break;
		}
		free(ra);
		ra = r.retry_after;	/* for the next wait */
		r.retry_after = NULL;
		acme_resp_done(&r);
	}
	free(ra);
	return (rc);
}

/* The CN of a name, malloc'd, or NULL. */
static char *
acme_cn(const X509_NAME *xn)
{
	const X509_NAME_ENTRY	*ne;
	unsigned char		*u = NULL;
	char			*s;
	int			 i, n;

	if (xn == NULL || (i = X509_NAME_get_index_by_NID(xn,
	    NID_commonName, -1)) < 0 ||
	    (ne = X509_NAME_get_entry(xn, i)) == NULL ||
	    (n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(ne))) < 0)
		return (NULL);
	s = xstrndup((char *)u, (size_t)n);
	OPENSSL_free(u);
	return (s);
}

/* Does the chain match the preferred issuer? */
static bool
acme_chain_preferred(struct cert **chain, size_t n, const char *pref)
{
	X509	*x;
	char	*cn;
	bool	 match = false;
	size_t	 i;

	if ((x = cert_x509(chain[n - 1], NULL)) != NULL &&
	    (cn = acme_cn(X509_get_issuer_name(x))) != NULL) {
		match = strcasecmp(cn, pref) == 0;
		free(cn);
	}
	for (i = 0; i < n && !match; i++) {
		if ((x = cert_x509(chain[i], NULL)) != NULL &&
		    (cn = acme_cn(X509_get_subject_name(x))) != NULL) {
			match = strcasecmp(cn, pref) == 0;
			free(cn);
		}
	}
	return (match);
}

/* Does the leaf name it (a SAN "DNS:name" or "IP:addr")? */
static bool
acme_leaf_names(const struct cert *c, const char *name)
{
	const char	*s;
	size_t		 i;

	for (i = 0; i < c->info.nsan; i++) {
		s = c->info.san[i];
		if ((strncmp(s, "DNS:", 4) == 0 &&
		    strcasecmp(s + 4, name) == 0) ||
		    (strncmp(s, "IP:", 3) == 0 && strcasecmp(s + 3, name) == 0))
			return (true);
	}
	return (false);
}

/* Download one chain (PEM) and check it against the request. */
static int
acme_chain_get(struct acme *a, const char *url, const char *const *names,
    size_t n, const unsigned char *spki, size_t spkilen,
    struct cert ***chain, size_t *nchain, struct acme_resp *r, char **cause)
{
	const struct cert	*leaf;
	char			*u;
	size_t			 i;

	*chain = NULL;
	*nchain = 0;
	if (acme_post(a, url, NULL, false, "application/pem-certificate-chain",
	    r, cause) != 0)
		return (-1);
	if (r->status != 200) {
		acme_fail(a, url, r, NULL, cause);
		return (-1);
	}
	u = acme_url_text(url);
	if (certs_read_mem((const unsigned char *)r->body, r->len, u, chain,
	    nchain, cause) != 0) {
		free(u);
		return (-1);
	}
	if (*nchain == 0 || *nchain > CHAIN_MAX_DEPTH) {
		cause_set(cause, "%s: a chain of %zu certificates", u,
		    *nchain);
		goto fail;
	}
	leaf = (*chain)[0];
	if (leaf->info.spki_der.len != spkilen ||
	    memcmp(leaf->info.spki_der.p, spki, spkilen) != 0) {
		cause_set(cause, "%s: the certificate is not for the key of "
		    "the request", u);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if (!acme_leaf_names(leaf, names[i])) {
			cause_set(cause, "%s: the certificate does not name %s",
			    u, names[i]);
			goto fail;
		}
	}
	free(u);
	return (0);
fail:
	free(u);
	certs_free(*chain, *nchain);
	*chain = NULL;
	*nchain = 0;
	return (-1);
}

/* The default chain, its alternates, and the preferred one. */
static int
acme_download(struct acme *a, const char *url, const char *const *names,
    size_t n, const unsigned char *spki, size_t spkilen,
    struct acme_cert_result *res, char **cause)
{
	struct acme_resp	  r;
	struct cert		**chain, **best = NULL;
	char			**alt = NULL, *why = NULL;
	size_t			  nchain, nbest = 0, nalt = 0, i;
	int			  rc = -1;

	if (acme_chain_get(a, url, names, n, spki, spkilen, &best, &nbest,
	    &r, cause) != 0) {
		acme_resp_done(&r);
		return (-1);
	}
	res->cert_url = xstrdup(url);
	alt = r.alt;
	nalt = r.nalt;
	r.alt = NULL;
	r.nalt = 0;
	acme_resp_done(&r);
	res->preferred_found = a->o.preferred_issuer != NULL &&
	    acme_chain_preferred(best, nbest, a->o.preferred_issuer);
	for (i = 0; i < nalt; i++) {
		if (acme_chain_get(a, alt[i], names, n, spki, spkilen, &chain,
		    &nchain, &r, &why) != 0) {
			/* A broken alternate does not spoil the default. */
			acme_emit(a, ACME_S_DOWNLOAD, NULL, 0, 0,
			    "alternate chain skipped: %s", why);
			free(why);
			why = NULL;
			acme_resp_done(&r);
			if (acme_cancelled(a)) {
				cause_set(cause, "cancelled");
				goto out;
			}
			continue;
		}
		acme_resp_done(&r);
		if (!res->preferred_found && a->o.preferred_issuer != NULL &&
		    acme_chain_preferred(chain, nchain,
		    a->o.preferred_issuer)) {
			res->alternates = xreallocarray(res->alternates,
			    res->nalternates + 1, sizeof *res->alternates);
			res->alternates[res->nalternates++] =
			    xstrdup(best[nbest - 1]->info.issuer);
			certs_free(best, nbest);
			best = chain;
			nbest = nchain;
			free(res->cert_url);
			res->cert_url = xstrdup(alt[i]);
			res->preferred_found = true;
			continue;
		}
		res->alternates = xreallocarray(res->alternates,
		    res->nalternates + 1, sizeof *res->alternates);
		res->alternates[res->nalternates++] =
		    xstrdup(chain[nchain - 1]->info.issuer);
		certs_free(chain, nchain);
	}
	res->chain = best;
	res->nchain = nbest;
	best = NULL;
	res->issuer = xstrdup(res->chain[res->nchain - 1]->info.issuer);
	acme_emit(a, ACME_S_DOWNLOAD, NULL, 0, 0, "chain of %zu certificate%s "
	    "issued by %s%s", res->nchain, res->nchain == 1 ? "" : "s",
	    res->issuer, res->nalternates > 0 ? " (alternates offered)" : "");
	rc = 0;
out:
	certs_free(best, nbest);
	for (i = 0; i < nalt; i++)
		free(alt[i]);
	free(alt);
	return (rc);
}

int
acme_order_cert(struct acme *a, const char *const *names, size_t n,
    const unsigned char *csr, size_t csrlen, struct acme_cert_result *res,
    char **cause)
{
	struct acme_order_obj	 o;
	struct acme_authz_obj	 az;
	struct acme_resp	 r;
	struct acme_task	*tasks = NULL;
	struct acme_prov	 pv;
	json_t			*j, *ids, *id;
	unsigned char		*spki = NULL;
	char			*payload = NULL, *all = NULL, *url = NULL;
	char			*b64, **lower = NULL;
	size_t			 spkilen = 0, ntasks = 0, i, k;
	bool			 ip;
	int			 rc = -1;

	memset(res, 0, sizeof *res);
	memset(&o, 0, sizeof o);
	memset(&r, 0, sizeof r);
	memset(&pv, 0, sizeof pv);
	if (a->kid == NULL || a->akey == NULL) {
		cause_set(cause, "no ACME account (acme_account first)");
		return (-1);
	}
	if (n == 0 || n > ACME_MAX_NAMES) {
		cause_set(cause, "an order needs 1 to %d names", ACME_MAX_NAMES);
		return (-1);
	}
	a->deadline = acme_now_ms() + (int64_t)a->o.timeout * 1000;
	lower = xcalloc(n, sizeof *lower);
	j = json_object();
	ids = json_array();
	for (i = 0; i < n; i++) {
		lower[i] = xstrdup(names[i]);
		if (acme_name_check(lower[i], &ip, cause) != 0) {
			json_decref(j);
			json_decref(ids);
			goto out;
		}
		for (k = 0; k < i; k++) {
			if (strcmp(lower[k], lower[i]) == 0) {
				cause_set(cause, "%s: named twice", lower[i]);
				json_decref(j);
				json_decref(ids);
				goto out;
			}
		}
		if (ip && a->o.chall == ACME_DNS01) {
			cause_set(cause, "%s: an IP address cannot be "
			    "validated by dns-01", lower[i]);
			json_decref(j);
			json_decref(ids);
			goto out;
		}
		id = json_object();
		json_object_set_new(id, "type", json_string(ip ? "ip" :
		    "dns"));
		json_object_set_new(id, "value", json_string(lower[i]));
		json_array_append_new(ids, id);
	}
	json_object_set_new(j, "identifiers", ids);
	payload = acme_dump(j);
	all = acme_names_text((const char *const *)lower, n);
	if (acme_csr_check(csr, csrlen, (const char *const *)lower, n, &spki,
	    &spkilen, cause) != 0)
		goto out;

	/* The order. */
	if (acme_post(a, a->dir.new_order, payload, false, NULL, &r,
	    cause) != 0)
		goto out;
	if (r.status != 201 && r.status != 200) {
		acme_fail(a, a->dir.new_order, &r, all, cause);
		goto out;
	}
	if (r.location == NULL || !acme_url_ok(r.location)) {
		cause_set(cause, "%s: the new order has no https Location",
		    a->host);
		goto out;
	}
	url = xstrdup(r.location);
	if (acme_parse_order(r.body, r.len, &o, cause) != 0) {
		b64 = acme_url_text(a->dir.new_order);
		cause_prefix(cause, "%s", b64);
		free(b64);
		goto out;
	}
	acme_resp_done(&r);
	res->order_url = xstrdup(url);
	for (i = 0; i < n; i++) {
		for (k = 0; k < o.nidents; k++) {
			if (strcasecmp(o.idents[k].value, lower[i]) == 0)
				break;
		}
		if (k == o.nidents) {
			cause_set(cause, "%s: the CA's order leaves it out",
			    lower[i]);
			goto out;
		}
	}
	acme_emit(a, ACME_S_ORDER, NULL, 0, n, "order for %s: %s", all,
	    o.status);
	if (strcmp(o.status, "invalid") == 0) {
		if (o.error != NULL) {
			free(payload);
			payload = acme_problem_line(o.error, all);
			cause_set(cause, "%s", payload);
		} else
			cause_set(cause, "%s: the order is invalid", all);
		goto out;
	}

	/* Authorizations: which names need a challenge. */
	tasks = xcalloc(o.nauthzs + 1, sizeof *tasks);
	for (i = 0; i < o.nauthzs; i++) {
		if (acme_get(a, o.authzs[i], all, &r, cause) != 0)
			goto out;
		if (acme_parse_authz(r.body, r.len, &az, cause) != 0) {
			b64 = acme_url_text(o.authzs[i]);
			cause_prefix(cause, "%s", b64);
			free(b64);
			goto out;
		}
		acme_resp_done(&r);
		if (strcmp(az.status, "valid") == 0) {
			b64 = acme_clean(az.ident.value, 256);
			acme_emit(a, ACME_S_AUTHZ, az.ident.value, i + 1,
			    o.nauthzs, "%s%s: valid already", az.wildcard ?
			    "*." : "", b64);
			free(b64);
			acme_authz_obj_done(&az);
			continue;
		}
		if (strcmp(az.status, "pending") != 0) {
			struct acme_task tmp;

			memset(&tmp, 0, sizeof tmp);
			tmp.name = acme_clean(az.ident.value, 256);
			acme_authz_error(&az, &tmp, cause);
			free(tmp.name);
			acme_authz_obj_done(&az);
			goto out;
		}
		if (acme_task_make(a, &az, o.authzs[i], &tasks[ntasks],
		    cause) != 0) {
			acme_task_free(&tasks[ntasks]);
			acme_authz_obj_done(&az);
			goto out;
		}
		acme_emit(a, ACME_S_AUTHZ, tasks[ntasks].name, i + 1,
		    o.nauthzs, "%s: %s challenge", tasks[ntasks].name,
		    acme_chall_name(a->o.chall));
		ntasks++;
		acme_authz_obj_done(&az);
	}

	/* The challenges: set up, answered, taken down again. */
	if (ntasks > 0) {
		rc = acme_provision(a, tasks, ntasks, &pv, cause);
		if (rc == 0)
			rc = acme_validate(a, tasks, ntasks, cause);
		acme_unprovision(a, tasks, ntasks, &pv);
		if (rc != 0)
			goto out;
		rc = -1;
	}
	res->nvalidated = ntasks;

	/* Finalization. */
	if (acme_order_poll(a, url, "|pending|", ntasks > 0, all, "not made "
	    "the order ready", &o, cause) != 0)
		goto out;
	if (strcmp(o.status, "ready") == 0) {
		acme_emit(a, ACME_S_FINALIZE, NULL, 0, 0, "finalizing with the "
		    "certificate request");
		j = json_object();
		b64 = b64url_encode(csr, csrlen);
		json_object_set_new(j, "csr", json_string(b64));
		free(b64);
		free(payload);
		payload = acme_dump(j);
		if (acme_post(a, o.finalize, payload, false, NULL, &r,
		    cause) != 0)
			goto out;
		if (r.status != 200) {
			acme_fail(a, o.finalize, &r, all, cause);
			goto out;
		}
		b64 = acme_url_text(o.finalize);
		acme_order_obj_done(&o);
		if (acme_parse_order(r.body, r.len, &o, cause) != 0) {
			cause_prefix(cause, "%s", b64);
			free(b64);
			goto out;
		}
		free(b64);
		acme_resp_done(&r);
	}
	if (acme_order_poll(a, url, "|processing|ready|", false, all,
	    "not issued the certificate", &o, cause) != 0)
		goto out;
	if (strcmp(o.status, "valid") != 0) {
		if (o.error != NULL) {
			free(payload);
			payload = acme_problem_line(o.error, all);
			cause_set(cause, "%s", payload);
		} else
			cause_set(cause, "%s: the order is %s", all, o.status);
		goto out;
	}
	if (o.certificate == NULL) {
		cause_set(cause, "%s: the order is valid but has no "
		    "certificate URL", all);
		goto out;
	}
	acme_emit(a, ACME_S_FINALIZE, NULL, 0, 0, "certificate issued");

	if (acme_download(a, o.certificate, (const char *const *)lower, n,
	    spki, spkilen, res, cause) != 0)
		goto out;
	acme_emit(a, ACME_S_DONE, NULL, n, n, "done");
	rc = 0;
out:
	if (rc != 0)
		acme_cert_result_done(res);
	acme_resp_done(&r);
	acme_order_obj_done(&o);
	for (i = 0; i < ntasks; i++)
		acme_task_free(&tasks[i]);
	free(tasks);
	for (i = 0; lower != NULL && i < n; i++)
		free(lower[i]);
	free(lower);
	free(spki);
	free(payload);
	free(all);
	free(url);
	return (rc);
}

/* ------------------------------------------------------------------ */
/* A server on this machine (Tomcat's manager) */

struct acme_local {
	char		*body;
	size_t		 len;
	bool		 too_big;
	atomic_int	*cancel;
};

#define ACME_LOCAL_MAX	(64 * 1024)

static size_t
acme_local_cb(char *data, size_t size, size_t n, void *arg)
{
	struct acme_local	*l = arg;
	size_t			 len = size * n;

	if (len > ACME_LOCAL_MAX - l->len) {
		l->too_big = true;
		return (0);
	}
	l->body = xreallocarray(l->body, l->len + len + 1, 1);
	memcpy(l->body + l->len, data, len);
	l->len += len;
	l->body[l->len] = '\0';
	return (len);
}

static int64_t
acme_local_xfer(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	struct acme_local	*l = arg;

	return (l->cancel != NULL && atomic_load(l->cancel) ? 1 : 0);
}

/* Is url http:// to a loopback address? */
static bool
acme_local_loopback(const char *url)
{
	const char	*h;

	if (strncmp(url, "http://", 7) != 0)
		return (false);
	h = url + 7;
	return (strncmp(h, "127.", 4) == 0 || strncmp(h, "[::1]", 5) == 0 ||
	    strncmp(h, "localhost:", 10) == 0 ||
	    strncmp(h, "localhost/", 10) == 0);
}

int
acme_local_get(const char *url, const char *user, const struct secret *pass,
    const char *pins, int timeout, atomic_int *cancel, long *status,
    char **body, char **cause)
{
	struct acme_local	 l;
	CURL			*c;
	CURLcode		 cc, oc = CURLE_OK;
	char			 errbuf[CURL_ERROR_SIZE], *pw = NULL, *u;
	bool			 https;
	int			 rc = -1;

	*status = 0;
	*body = NULL;
	memset(&l, 0, sizeof l);
	l.cancel = cancel;
	https = strncmp(url, "https://", 8) == 0;
	if (!acme_url_ok(url) ? !acme_local_loopback(url) :
	    (pins == NULL || *pins == '\0')) {
		u = acme_url_text(url);
		cause_set(cause, "%s: only http:// on a loopback address, or "
		    "https:// to the server's own key", u);
		free(u);
		return (-1);
	}
	pthread_once(&acme_curl_once, acme_curl_init);
	if (acme_curl_error[0] != '\0') {
		cause_set(cause, "%s", acme_curl_error);
		return (-1);
	}
	if ((c = cu.easy_init()) == NULL) {
		cause_set(cause, "libcurl: cannot make a handle");
		return (-1);
	}
	errbuf[0] = '\0';
#define ACME_SET(o, v) do {						\
	if (oc == CURLE_OK)						\
		oc = cu.easy_setopt(c, o, v);				\
} while (0)
	ACME_SET(CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	ACME_SET(CURLOPT_PROTOCOLS_STR, https ? "https" : "http");
#else
	ACME_SET(CURLOPT_PROTOCOLS, https ? (long)CURLPROTO_HTTPS :
	    (long)CURLPROTO_HTTP);
#endif
	ACME_SET(CURLOPT_FOLLOWLOCATION, 0L);
	ACME_SET(CURLOPT_NOSIGNAL, 1L);
	ACME_SET(CURLOPT_NOPROXY, "*");
	if (https) {
		/* The server's own key, pinned: its certificate names no
		 * loopback address. */
		ACME_SET(CURLOPT_SSL_VERIFYPEER, 0L);
		ACME_SET(CURLOPT_SSL_VERIFYHOST, 0L);
		ACME_SET(CURLOPT_PINNEDPUBLICKEY, pins);
	}
	ACME_SET(CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	ACME_SET(CURLOPT_TIMEOUT_MS, (long)(timeout > 0 ? timeout : 30) *
	    1000);
	ACME_SET(CURLOPT_USERAGENT, ACME_USER_AGENT);
	ACME_SET(CURLOPT_ERRORBUFFER, errbuf);
	ACME_SET(CURLOPT_WRITEFUNCTION, acme_local_cb);
	ACME_SET(CURLOPT_WRITEDATA, &l);
	ACME_SET(CURLOPT_NOPROGRESS, 0L);
	ACME_SET(CURLOPT_XFERINFOFUNCTION, acme_local_xfer);
	ACME_SET(CURLOPT_XFERINFODATA, &l);
	if (user != NULL) {
		pw = xmalloc(pass != NULL ? pass->len + 1 : 1);
		if (pass != NULL && pass->len > 0)
			memcpy(pw, pass->buf, pass->len);
		pw[pass != NULL ? pass->len : 0] = '\0';
		ACME_SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		ACME_SET(CURLOPT_USERNAME, user);
		ACME_SET(CURLOPT_PASSWORD, pw);
	}
#undef ACME_SET
	u = acme_url_text(url);
	if (oc != CURLE_OK) {
		cause_set(cause, "libcurl refused an option: %s",
		    cu.easy_strerror(oc));
		goto out;
	}
	cc = cu.easy_perform(c);
	if (cc == CURLE_ABORTED_BY_CALLBACK)
		cause_set(cause, "cancelled");
	else if (l.too_big)
		cause_set(cause, "%s: answer larger than %d bytes", u,
		    ACME_LOCAL_MAX);
	else if (cc == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
		cause_set(cause, "%s: not the server's own key", u);
	else if (cc != CURLE_OK)
		cause_set(cause, "%s: %s", u, errbuf[0] != '\0' ? errbuf :
		    cu.easy_strerror(cc));
	else {
		cu.easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		*body = l.body != NULL ? l.body : xstrdup("");
		l.body = NULL;
		rc = 0;
	}
out:
	/* The handle goes first: it holds the password. */
	cu.easy_cleanup(c);
	if (pw != NULL) {
		OPENSSL_cleanse(pw, strlen(pw));
		free(pw);
	}
	free(l.body);
	free(u);
	return (rc);
}

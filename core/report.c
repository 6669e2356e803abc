/* SPDX-License-Identifier: ISC */
/*
 * report.c -- hosts' status reports read back, for tlsdeck fleet
 * (docs/architecture.md, Scan and fleet).
 *
 * A report is what tlsdeck status --format json or tlsdeck scan --format
 * json printed on some host, copied here by whatever collects them: it is
 * untrusted input.  Each is at most REPORT_MAX_SIZE bytes, parsed by
 * jansson (which bounds the nesting depth itself), and every value is
 * taken only when it has the expected type; what the fleet view needs is
 * copied into a struct host_report and the JSON is freed at once, so a
 * fleet of large scan reports costs the summaries, not the documents.
 * A report that cannot be read becomes a host with an error: one line
 * naming the file, and the other hosts still show.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "core.h"

/* A string member, or NULL. */
static const char *
rj_str(const json_t *o, const char *key)
{
	const json_t	*v = json_object_get(o, key);

	return (json_is_string(v) ? json_string_value(v) : NULL);
}

/* A copy of a string member, or NULL.  Strings may hold NUL (\u0000):
 * only what precedes it is kept. */
static char *
rj_dup(const json_t *o, const char *key)
{
	const char	*s = rj_str(o, key);

	return (s != NULL ? xstrdup(s) : NULL);
}

static enum sev
rj_sev(const char *s)
{
	if (s == NULL)
		return (SEV_INFO);
	if (strcasecmp(s, "critical") == 0)
		return (SEV_CRIT);
	if (strcasecmp(s, "warning") == 0)
		return (SEV_WARN);
	if (strcasecmp(s, "info") == 0)
		return (SEV_INFO);
	return (SEV_OK);
}

int64_t
report_time_parse(const char *s)
{
	struct tm	 tm;
	const char	*p;
	int64_t		 t;
	int		 oh, om, n = 0;

	if (s == NULL)
		return (-1);
	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n != 19)
		return (-1);
	if (tm.tm_year < 1 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return (-1);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = (int64_t)timegm(&tm);
	p = s + n;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == 'Z' && p[1] == '\0')
		return (t);
	if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &oh,
	    &om) == 2 && strlen(p) == 6 && oh < 24 && om < 60)
		return (*p == '+' ? t - (oh * 3600 + om * 60) :
		    t + (oh * 3600 + om * 60));
	return (-1);
}

/* ------------------------------------------------------------------ */

/*
 * One certificate.  format: a scan's file format, or NULL for a server's
 * certificate (whose "position" says leaf ... anchor).  Trust anchors and
 * trusted entries -- and CA certificates of certificate files -- do not
 * count for the nearest expiry.
 */
static void
rp_cert(struct host_report *h, const json_t *c, const char *server,
    const char *file, const char *format)
{
	struct report_cert	*rc;
	const char		*role;
	int64_t			 t;
	bool			 certfile;

	if (!json_is_object(c) ||
	    (t = report_time_parse(rj_str(c, "not_after"))) == -1)
		return;
	h->certs = xreallocarray(h->certs, h->ncerts + 1, sizeof *h->certs);
	rc = &h->certs[h->ncerts++];
	memset(rc, 0, sizeof *rc);
	rc->server = server != NULL ? xstrdup(server) : NULL;
	rc->file = rj_str(c, "file") != NULL ? rj_dup(c, "file") :
	    file != NULL ? xstrdup(file) : NULL;
	rc->alias = rj_dup(c, "alias");
	rc->subject = rj_dup(c, "subject");
	rc->not_after = t;
	rc->sev = rj_str(c, "status") != NULL ?
	    rj_sev(rj_str(c, "status")) : SEV_OK;
	if (format == NULL) {
		role = rj_str(c, "position");
		rc->trust = role != NULL && (strcmp(role, "trusted") == 0 ||
		    strcmp(role, "anchor") == 0);
	} else {
		certfile = strcmp(format, "PEM") == 0 ||
		    strcmp(format, "DER") == 0 || strcmp(format, "PKCS7") == 0;
		role = certfile ? "certificate" : rj_str(c, "type");
		if (certfile)
			rc->trust = json_is_true(json_object_get(c, "ca"));
		else
			rc->trust = role != NULL &&
			    strcmp(role, "trustedCertEntry") == 0;
	}
	rc->role = role != NULL ? xstrdup(role) : NULL;
}

static void
rp_finding(struct host_report *h, const json_t *f, const char *server,
    const char *file)
{
	struct report_finding	*rf;
	const json_t		*v;

	if (!json_is_object(f))
		return;
	h->findings = xreallocarray(h->findings, h->nfindings + 1,
	    sizeof *h->findings);
	rf = &h->findings[h->nfindings++];
	memset(rf, 0, sizeof *rf);
	rf->server = server != NULL ? xstrdup(server) : NULL;
	rf->sev = rj_sev(rj_str(f, "severity"));
	rf->code = xstrdup(rj_str(f, "code") != NULL ? rj_str(f, "code") :
	    "?");
	rf->file = rj_str(f, "file") != NULL ? rj_dup(f, "file") :
	    file != NULL ? xstrdup(file) : NULL;
	rf->message = xstrdup(rj_str(f, "message") != NULL ?
	    rj_str(f, "message") : "");
	rf->fix = rj_dup(f, "fix");
	rf->alias = rj_dup(f, "alias");
	v = json_object_get(f, "form");
	rf->form = json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) < FORM__MAX ? (int)json_integer_value(v) :
	    FORM_NONE;
	if (rf->sev == SEV_CRIT)
		h->ncrit++;
	else if (rf->sev == SEV_WARN)
		h->nwarn++;
	else if (rf->sev == SEV_INFO)
		h->ninfo++;
}

/* The kinds, each once, joined with ", ". */
static void
rp_kind(struct host_report *h, const char *kind)
{
	char	*k;
	size_t	 n;

	if (kind == NULL || *kind == '\0')
		return;
	if (h->kind != NULL) {
		n = strlen(kind);
		for (k = h->kind; (k = strstr(k, kind)) != NULL; k++)
			if ((k == h->kind || k[-1] == ' ') &&
			    (k[n] == '\0' || k[n] == ','))
				return;
		xasprintf(&k, "%s, %s", h->kind, kind);
		free(h->kind);
		h->kind = k;
	} else
		h->kind = xstrdup(kind);
}

/* One server as status prints it (a status report, or a scan's
 * servers[i]). */
static void
rp_server(struct host_report *h, const json_t *s, const char *config)
{
	struct report_server	*rs;
	const json_t		*a, *v, *jre, *ks;
	const char		*kind;
	size_t			 i, k;

	h->servers = xreallocarray(h->servers, h->nservers + 1,
	    sizeof *h->servers);
	rs = &h->servers[h->nservers++];
	memset(rs, 0, sizeof *rs);
	rs->config = config != NULL ? xstrdup(config) : NULL;
	/* main's status has no kind: it knew only Spring Boot */
	kind = rj_str(s, "kind") != NULL ? rj_str(s, "kind") : "spring";
	rs->kind = xstrdup(kind);
	rp_kind(h, kind);
	rs->sev = rj_sev(rj_str(s, "status"));
	rs->error = rj_dup(s, "error");
	jre = json_object_get(s, "jre");
	if (json_is_object(jre)) {
		if (rj_str(jre, "version") != NULL)
			rs->jre = rj_dup(jre, "version");
		else if (json_is_integer(json_object_get(jre, "major")) &&
		    json_integer_value(json_object_get(jre, "major")) > 0)
			xasprintf(&rs->jre, "%lld", (long long)
			    json_integer_value(json_object_get(jre,
			    "major")));
	}
	if (h->jre == NULL && rs->jre != NULL)
		h->jre = xstrdup(rs->jre);
	ks = json_object_get(s, "keystore");
	if (json_is_object(ks))
		rs->keystore = rj_dup(ks, "path");

	a = json_object_get(s, "certificates");
	for (i = 0; json_is_array(a) && i < json_array_size(a); i++)
		rp_cert(h, json_array_get(a, i), config, NULL, NULL);
	a = json_object_get(s, "findings");
	for (i = 0; json_is_array(a) && i < json_array_size(a); i++)
		rp_finding(h, json_array_get(a, i), config, NULL);
	a = json_object_get(s, "settings");
	for (i = 0; json_is_array(a) && i < json_array_size(a); i++) {
		v = json_array_get(a, i);
		if (!json_is_object(v) || rj_str(v, "key") == NULL)
			continue;
		h->settings = xreallocarray(h->settings, h->nsettings + 1,
		    sizeof *h->settings);
		k = h->nsettings++;
		h->settings[k].server = config != NULL ? xstrdup(config) :
		    NULL;
		h->settings[k].key = rj_dup(v, "key");
		h->settings[k].value = rj_dup(v, "value");
		h->settings[k].sev = rj_sev(rj_str(v, "status"));
		if (h->settings[k].sev == SEV_INFO &&
		    rj_str(v, "status") == NULL)
			h->settings[k].sev = SEV_OK;
		h->settings[k].check = rj_dup(v, "check");
	}
}

static int
rp_cert_cmp(const void *a, const void *b)
{
	const struct report_cert	*x = a, *y = b;

	if (x->not_after != y->not_after)
		return (x->not_after < y->not_after ? -1 : 1);
	return (0);
}

static int
rp_finding_cmp(const void *a, const void *b)
{
	const struct report_finding	*x = a, *y = b;

	if (x->sev != y->sev)
		return (x->sev > y->sev ? -1 : 1);
	return (0);
}

/* The host's summary from what was read. */
static void
rp_finish(struct host_report *h)
{
	size_t	i;

	if (h->ncerts > 1)
		qsort(h->certs, h->ncerts, sizeof *h->certs, rp_cert_cmp);
	/* a stable order within a severity: mergesort-like by index */
	for (i = 1; i < h->nfindings; i++) {
		struct report_finding	x = h->findings[i];
		size_t			j = i;

		while (j > 0 && rp_finding_cmp(&h->findings[j - 1], &x) > 0) {
			h->findings[j] = h->findings[j - 1];
			j--;
		}
		h->findings[j] = x;
	}
	for (i = 0; i < h->ncerts; i++) {
		if (h->certs[i].trust)
			continue;
		h->nearest = h->certs[i].not_after;
		h->nearest_what = xstrdup(h->certs[i].alias != NULL ?
		    h->certs[i].alias : h->certs[i].subject != NULL ?
		    h->certs[i].subject : "?");
		break;
	}
	for (i = 0; i < h->nfindings; i++) {
		if (h->findings[i].sev < SEV_WARN)
			break;
		if (h->findings[i].fix != NULL &&
		    *h->findings[i].fix != '\0') {
			h->fix = xstrdup(h->findings[i].fix);
			if (h->findings[i].server != NULL)
				h->fix_server = xstrdup(
				    h->findings[i].server);
			h->fix_command = report_fix_command(h,
			    &h->findings[i]);
			break;
		}
	}
	/* no status given: the worst finding says it */
	if (h->sev == SEV_INFO)
		h->sev = h->ncrit > 0 ? SEV_CRIT : h->nwarn > 0 ? SEV_WARN :
		    SEV_OK;
}

static struct host_report *
rp_new(const char *name, const char *source)
{
	struct host_report	*h;
	const char		*base;
	size_t			 n;

	h = xcalloc(1, sizeof *h);
	h->nearest = INT64_MAX;
	h->sev = SEV_INFO;
	h->source = xstrdup(source != NULL ? source : "-");
	base = name != NULL ? name : "?";
	n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".json") == 0)
		h->name = xstrndup(base, n - 5);
	else
		h->name = xstrdup(base);
	return (h);
}

/* An unreadable report: one line, naming source. */
static struct host_report *
rp_error(struct host_report *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static struct host_report *
rp_error(struct host_report *h, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	free(h->error);
	xasprintf(&h->error, "%s: %s", h->source, msg);
	free(msg);
	h->sev = SEV_CRIT;
	return (h);
}

/* Fill h from a parsed document. */
static struct host_report *
rp_doc(struct host_report *h, json_t *j)
{
	const json_t	*a, *f, *v;
	const char	*host, *path;
	size_t		 i, k;
	int64_t		 t;

	if (!json_is_object(j))
		return (rp_error(h, "not a tlsdeck report (a JSON %s, not "
		    "an object)", json_is_array(j) ? "array" : "value"));
	if ((host = rj_str(j, "host")) != NULL && *host != '\0') {
		free(h->name);
		h->name = xstrdup(host);
	}
	if (json_is_array(json_object_get(j, "servers")) ||
	    json_is_array(json_object_get(j, "files"))) {
		h->type = "scan";
		t = report_time_parse(rj_str(j, "time"));
		h->time = t > 0 ? t : 0;
		h->sev = rj_sev(rj_str(j, "status"));
		a = json_object_get(j, "servers");
		for (i = 0; json_is_array(a) && i < json_array_size(a); i++) {
			v = json_array_get(a, i);
			if (!json_is_object(v))
				continue;
			rp_server(h, v, rj_str(v, "config") != NULL ?
			    rj_str(v, "config") : rj_str(v, "properties"));
		}
		a = json_object_get(j, "files");
		for (i = 0; json_is_array(a) && i < json_array_size(a); i++) {
			f = json_array_get(a, i);
			if (!json_is_object(f))
				continue;
			h->nfiles++;
			path = rj_str(f, "path");
			v = json_object_get(f, "certificates");
			for (k = 0; json_is_array(v) &&
			    k < json_array_size(v); k++)
				rp_cert(h, json_array_get(v, k), NULL, path,
				    rj_str(f, "format") != NULL ?
				    rj_str(f, "format") : "");
			v = json_object_get(f, "findings");
			for (k = 0; json_is_array(v) &&
			    k < json_array_size(v); k++)
				rp_finding(h, json_array_get(v, k), NULL,
				    path);
		}
	} else if (json_object_get(j, "findings") != NULL ||
	    json_object_get(j, "certificates") != NULL) {
		h->type = "status";
		t = report_time_parse(rj_str(j, "now"));
		h->time = t > 0 ? t : 0;
		rp_server(h, j, rj_str(j, "properties"));
		h->sev = h->servers[0].sev;
	} else
		return (rp_error(h, "not a tlsdeck status or scan report "
		    "(no findings, certificates, servers or files)"));
	rp_finish(h);
	return (h);
}

struct host_report *
report_parse(const char *buf, size_t len, const char *name,
    const char *source)
{
	struct host_report	*h = rp_new(name, source);
	json_error_t		 e;
	json_t			*j;

	if (len > REPORT_MAX_SIZE)
		return (rp_error(h, "too large (%zu bytes; at most %lu MB)",
		    len, REPORT_MAX_SIZE / (1024 * 1024)));
	if (len == 0)
		return (rp_error(h, "empty"));
	if ((j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &e)) == NULL)
		return (rp_error(h, "not JSON: line %d, column %d: %s",
		    e.line, e.column, e.text));
	h = rp_doc(h, j);
	json_decref(j);
	return (h);
}

void
host_report_free(struct host_report *h)
{
	size_t	i;

	if (h == NULL)
		return;
	for (i = 0; i < h->nservers; i++) {
		free(h->servers[i].config);
		free(h->servers[i].kind);
		free(h->servers[i].jre);
		free(h->servers[i].keystore);
		free(h->servers[i].error);
	}
	free(h->servers);
	for (i = 0; i < h->ncerts; i++) {
		free(h->certs[i].server);
		free(h->certs[i].file);
		free(h->certs[i].alias);
		free(h->certs[i].subject);
		free(h->certs[i].role);
	}
	free(h->certs);
	for (i = 0; i < h->nfindings; i++) {
		free(h->findings[i].server);
		free(h->findings[i].code);
		free(h->findings[i].file);
		free(h->findings[i].message);
		free(h->findings[i].fix);
		free(h->findings[i].alias);
	}
	free(h->findings);
	for (i = 0; i < h->nsettings; i++) {
		free(h->settings[i].server);
		free(h->settings[i].key);
		free(h->settings[i].value);
		free(h->settings[i].check);
	}
	free(h->settings);
	free(h->name);
	free(h->source);
	free(h->error);
	free(h->nearest_what);
	free(h->kind);
	free(h->jre);
	free(h->fix);
	free(h->fix_server);
	free(h->fix_command);
	free(h);
}

/* word, quoted for a POSIX shell when it needs it, appended to *s. */
static void
rp_shell_word(char **s, const char *word)
{
	const char	*p;
	char		*q, *tmp;
	size_t		 n = 0;

	for (p = word; *p != '\0'; p++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_./:@=,+-", *p) == NULL)
			break;
	if (*p == '\0' && *word != '\0') {
		xasprintf(&tmp, "%s %s", *s, word);
		free(*s);
		*s = tmp;
		return;
	}
	/* '...' with every ' as '\'' */
	for (p = word; *p != '\0'; p++)
		n += *p == '\'' ? 4 : 1;
	q = tmp = xmalloc(n + 3);
	*q++ = '\'';
	for (p = word; *p != '\0'; p++) {
		if (*p == '\'') {
			memcpy(q, "'\\''", 4);
			q += 4;
		} else
			*q++ = *p;
	}
	*q++ = '\'';
	*q = '\0';
	xasprintf(&q, "%s %s", *s, tmp);
	free(tmp);
	free(*s);
	*s = q;
}

/* Is path a configuration file --properties reads (else its server is
 * named by its directory)? */
static bool
rp_props_file(const char *path)
{
	const char	*dot = strrchr(path, '.');

	return (dot != NULL && (strcmp(dot, ".properties") == 0 ||
	    strcmp(dot, ".yml") == 0 || strcmp(dot, ".yaml") == 0));
}

char *
report_fix_command(const struct host_report *h,
    const struct report_finding *f)
{
	const char	*config = f->server;
	char		*s, *dir, *slash;

	if (config == NULL && h->nservers == 1 && h->type != NULL &&
	    strcmp(h->type, "status") == 0)
		config = h->servers[0].config;
	if (config == NULL && f->file == NULL)
		return (NULL);
	s = xstrdup("ssh");
	if (*h->name == '-')
		rp_shell_word(&s, "--");	/* never an option of ssh */
	rp_shell_word(&s, h->name);
	rp_shell_word(&s, "tlsdeck");
	if (config == NULL) {
		rp_shell_word(&s, "list");
		rp_shell_word(&s, f->file);
		return (s);
	}
	if (f->form == FORM_TRUST)
		rp_shell_word(&s, "trust");
	if (rp_props_file(config)) {
		rp_shell_word(&s, "--properties");
		rp_shell_word(&s, config);
	} else {
		dir = xstrdup(config);
		if ((slash = strrchr(dir, '/')) != NULL && slash != dir)
			*slash = '\0';
		rp_shell_word(&s, "--server");
		rp_shell_word(&s, dir);
		free(dir);
	}
	return (s);
}

bool
report_stale(const struct host_report *h, time_t now, int hours)
{
	if (h->error != NULL)
		return (false);
	if (h->time <= 0)
		return (true);
	return ((int64_t)now - h->time > (int64_t)hours * 3600);
}

/* ------------------------------------------------------------------ */
/* A fleet: a directory of reports, or a stream */

static void
fleet_add(struct fleet *f, struct host_report *h)
{
	if (f->nhosts >= REPORT_MAX_HOSTS) {
		f->truncated = true;
		host_report_free(h);
		return;
	}
	f->hosts = xreallocarray(f->hosts, f->nhosts + 1, sizeof *f->hosts);
	f->hosts[f->nhosts++] = h;
	if (h->error != NULL)
		f->nerrors++;
}

/* Read at most max bytes of fd (and one more, to know it was more). */
static int
fleet_read_fd(int fd, size_t max, char **bufp, size_t *lenp, bool *more)
{
	char	*buf = NULL;
	size_t	 len = 0, cap = 0;
	ssize_t	 n;

	*more = false;
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				*more = true;
				break;
			}
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > max + 1)
				cap = max + 1;
			buf = xreallocarray(buf, cap, 1);
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			free(buf);
			return (-1);
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			*more = true;
			break;
		}
	}
	*bufp = buf;
	*lenp = len;
	return (0);
}

/* One file of the directory. */
static struct host_report *
fleet_file(int dfd, const char *dir, const char *name)
{
	struct host_report	*h;
	struct stat		 st;
	char			*path, *buf = NULL;
	size_t			 len = 0;
	bool			 more;
	int			 fd;

	xasprintf(&path, "%s/%s", dir, name);
	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK);
	if (fd == -1 || fstat(fd, &st) == -1) {
		h = rp_error(rp_new(name, path), "%s", strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		h = NULL;		/* a directory: no report */
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		h = rp_error(rp_new(name, path), "not a regular file");
		goto out;
	}
	if ((size_t)st.st_size > REPORT_MAX_SIZE) {
		h = rp_error(rp_new(name, path), "too large (%lld bytes; at "
		    "most %lu MB)", (long long)st.st_size,
		    REPORT_MAX_SIZE / (1024 * 1024));
		goto out;
	}
	if (fleet_read_fd(fd, REPORT_MAX_SIZE, &buf, &len, &more) != 0) {
		h = rp_error(rp_new(name, path), "%s", strerror(errno));
		goto out;
	}
	if (more)
		h = rp_error(rp_new(name, path), "too large (more than %lu "
		    "MB)", REPORT_MAX_SIZE / (1024 * 1024));
	else
		h = report_parse(buf, len, name, path);
out:
	if (fd != -1)
		close(fd);
	free(buf);
	free(path);
	return (h);
}

static int
fleet_name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

static int
fleet_dir(struct fleet *f, const char *dir, char **cause)
{
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL;
	size_t		 n = 0, i;
	struct host_report *h;

	if ((d = opendir(dir)) == NULL) {
		cause_set(cause, "%s: %s", dir, strerror(errno));
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n >= REPORT_MAX_HOSTS) {
			f->truncated = true;
			break;
		}
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	if (n > 1)
		qsort(names, n, sizeof *names, fleet_name_cmp);
	for (i = 0; i < n; i++) {
		if ((h = fleet_file(dirfd(d), dir, names[i])) != NULL)
			fleet_add(f, h);
		free(names[i]);
	}
	free(names);
	closedir(d);
	return (0);
}

/* A stream of JSON documents, one after the other. */
static int
fleet_stream(struct fleet *f, int fd, char **cause)
{
	json_error_t	 e;
	json_t		*j;
	char		*buf, *src, name[32];
	size_t		 len, off = 0, doc = 0;
	bool		 more;

	if (fleet_read_fd(fd, REPORT_MAX_STREAM, &buf, &len, &more) != 0) {
		cause_set(cause, "standard input: %s", strerror(errno));
		return (-1);
	}
	if (more) {
		free(buf);
		cause_set(cause, "standard input: more than %lu MB of "
		    "reports", REPORT_MAX_STREAM / (1024 * 1024));
		return (-1);
	}
	for (;;) {
		while (off < len && (buf[off] == ' ' || buf[off] == '\n' ||
		    buf[off] == '\r' || buf[off] == '\t'))
			off++;
		if (off >= len)
			break;
		doc++;
		snprintf(name, sizeof name, "stdin-%zu", doc);
		xasprintf(&src, "standard input, document %zu", doc);
		j = json_loadb(buf + off, len - off, JSON_DISABLE_EOF_CHECK |
		    JSON_REJECT_DUPLICATES, &e);
		if (j == NULL) {
			/* nothing after a broken document can be trusted */
			fleet_add(f, rp_error(rp_new(name, src), "not JSON: "
			    "line %d, column %d: %s", e.line, e.column,
			    e.text));
			free(src);
			break;
		}
		if (e.position == 0 || (size_t)e.position > len - off)
			e.position = (int)(len - off);
		if ((size_t)e.position > REPORT_MAX_SIZE)
			fleet_add(f, rp_error(rp_new(name, src), "too large "
			    "(%d bytes; at most %lu MB)", e.position,
			    REPORT_MAX_SIZE / (1024 * 1024)));
		else
			fleet_add(f, rp_doc(rp_new(name, src), j));
		json_decref(j);
		free(src);
		off += (size_t)e.position;
		if (f->truncated)
			break;
	}
	free(buf);
	return (0);
}

int
fleet_load(const char *src, int fd, struct fleet **fp, char **cause)
{
	struct fleet	*f;

	f = xcalloc(1, sizeof *f);
	if ((strcmp(src, "-") == 0 ? fleet_stream(f, fd, cause) :
	    fleet_dir(f, src, cause)) != 0) {
		fleet_free(f);
		*fp = NULL;
		return (-1);
	}
	fleet_sort(f);
	*fp = f;
	return (0);
}

/* Critical and unreadable first, then warning, then ok. */
static int
fleet_rank(const struct host_report *h)
{
	if (h->error != NULL)
		return (1);
	return (h->sev == SEV_CRIT ? 0 : h->sev == SEV_WARN ? 2 : 3);
}

/*
 * Natural order of host names: runs of digits compare as numbers (web2
 * before web10), the rest byte by byte; names equal that way (web02,
 * web2) fall back to strcmp, so the order is total.
 */
static int
fleet_natcmp(const char *a, const char *b)
{
	const char	*x = a, *y = b, *dx, *dy;
	size_t		 nx, ny;
	int		 d;

	while (*x != '\0' && *y != '\0') {
		if (*x >= '0' && *x <= '9' && *y >= '0' && *y <= '9') {
			while (*x == '0')
				x++;
			while (*y == '0')
				y++;
			for (dx = x; *dx >= '0' && *dx <= '9'; dx++)
				;
			for (dy = y; *dy >= '0' && *dy <= '9'; dy++)
				;
			nx = (size_t)(dx - x);
			ny = (size_t)(dy - y);
			if (nx != ny)
				return (nx < ny ? -1 : 1);
			if (nx > 0 && (d = memcmp(x, y, nx)) != 0)
				return (d);
			x = dx;
			y = dy;
			continue;
		}
		if (*x != *y)
			return ((unsigned char)*x < (unsigned char)*y ? -1 : 1);
		x++;
		y++;
	}
	if (*x != *y)
		return (*x == '\0' ? -1 : 1);
	return (strcmp(a, b));
}

static int
fleet_cmp(const void *a, const void *b)
{
	const struct host_report	*x = *(struct host_report *const *)a;
	const struct host_report	*y = *(struct host_report *const *)b;
	int				 rx = fleet_rank(x), ry = fleet_rank(y);

	if (rx != ry)
		return (rx < ry ? -1 : 1);
	if (x->nearest != y->nearest)
		return (x->nearest < y->nearest ? -1 : 1);
	return (fleet_natcmp(x->name, y->name));
}

void
fleet_sort(struct fleet *f)
{
	if (f->nhosts > 1)
		qsort(f->hosts, f->nhosts, sizeof *f->hosts, fleet_cmp);
}

void
fleet_free(struct fleet *f)
{
	size_t	i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nhosts; i++)
		host_report_free(f->hosts[i]);
	free(f->hosts);
	free(f);
}

/* SPDX-License-Identifier: ISC */
/*
 * scan-prom.c -- a scan in Prometheus' text exposition format, for
 * node_exporter's textfile collector, and the atomic write of --output
 * (docs/architecture.md, Scan and fleet).
 *
 * The metrics follow what x509-certificate-exporter users alert on: one
 * not-after and one not-before timestamp per certificate, labelled with
 * its file, alias, role, chain position, subject and issuer CN and
 * serial; a read-error gauge per file that could not be read, with the
 * reason, so that a wrong password never silently stops the monitoring;
 * the findings by severity and code.  Label values are escaped as the
 * format says (\\, \" and \n), control characters become '?' and bytes
 * that are no UTF-8 U+FFFD: node_exporter refuses the whole file
 * otherwise.  Two series with the same labels would make it refuse the
 * file too: each family is sorted and duplicates dropped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

struct pbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

static void
pb_add(struct pbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap == 0 ? 256 : b->cap * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
pb_str(struct pbuf *b, const char *s)
{
	pb_add(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
pb_printf(struct pbuf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	pb_add(b, s, (size_t)n);
	free(s);
}

/* The length of the UTF-8 sequence at p (0: not valid UTF-8). */
static size_t
prom_utf8(const unsigned char *p)
{
	size_t	n, i;

	n = *p >= 0xf0 && *p <= 0xf4 ? 4 : *p >= 0xe0 && *p <= 0xef ? 3 :
	    *p >= 0xc2 && *p <= 0xdf ? 2 : 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return (0);
	if (n == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) ||
	    (p[0] == 0xed && p[1] >= 0xa0)))
		return (0);
	if (n == 4 && ((p[0] == 0xf0 && p[1] < 0x90) ||
	    (p[0] == 0xf4 && p[1] >= 0x90)))
		return (0);
	return (n);
}

/* name="value" (with a comma before unless first). */
static void
pb_label(struct pbuf *b, const char *name, const char *value, bool first)
{
	const unsigned char	*p = (const unsigned char *)(value != NULL ?
				    value : "");
	size_t			 n;

	if (!first)
		pb_add(b, ",", 1);
	pb_str(b, name);
	pb_add(b, "=\"", 2);
	while (*p != '\0') {
		if (*p == '\\')
			pb_add(b, "\\\\", 2);
		else if (*p == '"')
			pb_add(b, "\\\"", 2);
		else if (*p == '\n')
			pb_add(b, "\\n", 2);
		else if (*p < 0x20 || *p == 0x7f)
			pb_add(b, "?", 1);
		else if (*p < 0x80)
			pb_add(b, (const char *)p, 1);
		else if ((n = prom_utf8(p)) == 0)
			pb_add(b, "\xef\xbf\xbd", 3);
		else {
			pb_add(b, (const char *)p, n);
			p += n;
			continue;
		}
		p++;
	}
	pb_add(b, "\"", 1);
}

/* One metric family: its series collected, then sorted and unique. */
struct family {
	const char	*name;
	const char	*help;
	char		**series;	/* "{labels} value" */
	size_t		 n;
};

static void
fam_add(struct family *f, struct pbuf *series)
{
	f->series = xreallocarray(f->series, f->n + 1, sizeof *f->series);
	f->series[f->n++] = series->p != NULL ? series->p : xstrdup("");
	memset(series, 0, sizeof *series);
}

static int
fam_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The labels part of a series: up to the value's space after '}'. */
static size_t
fam_key_len(const char *s)
{
	const char	*e = strrchr(s, '}');

	return (e != NULL ? (size_t)(e - s) + 1 : strcspn(s, " "));
}

static void
fam_emit(struct pbuf *out, struct family *f)
{
	size_t	i, k, prev = 0;

	pb_printf(out, "# HELP %s %s\n# TYPE %s gauge\n", f->name, f->help,
	    f->name);
	if (f->n > 1)
		qsort(f->series, f->n, sizeof *f->series, fam_cmp);
	for (i = 0; i < f->n; i++) {
		k = fam_key_len(f->series[i]);
		if (i > 0 && k == prev && strncmp(f->series[i],
		    f->series[i - 1], k) == 0)
			continue;	/* the same labels: once */
		prev = k;
		pb_str(out, f->name);
		pb_str(out, f->series[i]);
		pb_add(out, "\n", 1);
	}
	for (i = 0; i < f->n; i++)
		free(f->series[i]);
	free(f->series);
	f->series = NULL;
	f->n = 0;
}

/* The CN of a keytool-style subject, or "". */
static char *
prom_cn(const char *subject)
{
	char	*cn;

	if (subject == NULL || (cn = dn_get(subject, "CN")) == NULL)
		return (xstrdup(""));
	return (cn);
}

static const char *
prom_role(enum ks_etype t)
{
	switch (t) {
	case KS_ENTRY_KEY:
		return ("key");
	case KS_ENTRY_TRUSTED:
		return ("trusted");
	default:
		return ("secret");
	}
}

/* The certificate labels, then " VALUE". */
static void
prom_cert(struct family *fam, const char *file, const char *alias,
    const char *role, size_t pos, const char *subject, const char *issuer,
    const char *serial, const char *server, int64_t value)
{
	struct pbuf	 b;
	char		*cn, num[32];

	memset(&b, 0, sizeof b);
	pb_add(&b, "{", 1);
	pb_label(&b, "file", file, true);
	pb_label(&b, "alias", alias, false);
	pb_label(&b, "role", role, false);
	snprintf(num, sizeof num, "%zu", pos);
	pb_label(&b, "chain_position", num, false);
	cn = prom_cn(subject);
	pb_label(&b, "subject_cn", cn, false);
	free(cn);
	cn = prom_cn(issuer);
	pb_label(&b, "issuer_cn", cn, false);
	free(cn);
	pb_label(&b, "serial", serial, false);
	pb_label(&b, "server", server, false);
	pb_printf(&b, "} %lld", (long long)value);
	fam_add(fam, &b);
}

static void
prom_read_error(struct family *fam, const char *file, const char *format,
    const char *reason, const char *server)
{
	struct pbuf	b;

	memset(&b, 0, sizeof b);
	pb_add(&b, "{", 1);
	pb_label(&b, "file", file, true);
	pb_label(&b, "format", format, false);
	pb_label(&b, "reason", reason, false);
	pb_label(&b, "server", server, false);
	pb_add(&b, "} 1", 3);
	fam_add(fam, &b);
}

/* The read-error reason of a server's finding, or NULL. */
static const char *
prom_finding_reason(const char *code)
{
	static const struct {
		const char	*code;
		const char	*reason;
	} map[] = {
		{ "keystore-password-wrong", "bad_password" },
		{ "key-password-wrong", "bad_password" },
		{ "keystore-corrupt", "corrupt" },
		{ "keystore-unreadable", "unreadable" },
		{ "keystore-missing", "unreadable" },
		{ "keystore-is-directory", "unreadable" },
		{ "cacerts-unreadable", "unreadable" },
	};
	size_t	i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(code, map[i].code) == 0)
			return (map[i].reason);
	return (NULL);
}

/* Findings counted by (server, severity, code). */
struct fcount {
	const char	*server;
	const char	*code;
	enum sev	 sev;
	size_t		 n;
};

static void
fcount_add(struct fcount **v, size_t *n, const char *server,
    const char *code, enum sev sev)
{
	size_t	i;

	for (i = 0; i < *n; i++) {
		if ((*v)[i].sev == sev && strcmp((*v)[i].code, code) == 0 &&
		    strcmp((*v)[i].server, server) == 0) {
			(*v)[i].n++;
			return;
		}
	}
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[*n].server = server;
	(*v)[*n].code = code;
	(*v)[*n].sev = sev;
	(*v)[*n].n = 1;
	(*n)++;
}

/* 0 ok (and info), 1 warning, 2 critical. */
static int
prom_sev(enum sev s)
{
	return (s == SEV_CRIT ? 2 : s == SEV_WARN ? 1 : 0);
}

/* The index of c in the chain it belongs to (its entry's, else the
 * served chain), for a server's certificate. */
static size_t	prom_server_pos(const struct server_model *,
		    const struct cert_ref *);
static const char *prom_server_role(const struct server_model *,
		    const struct cert_ref *);

void
scan_prometheus(const struct scan_result *r, char **bufp, size_t *lenp)
{
	struct family		 after = { "tlsdeck_cert_not_after_timestamp_"
				    "seconds", "The end of a certificate's "
				    "validity (Unix time).", NULL, 0 };
	struct family		 before = { "tlsdeck_cert_not_before_"
				    "timestamp_seconds", "The start of a "
				    "certificate's validity (Unix time).",
				    NULL, 0 };
	struct family		 rerr = { "tlsdeck_read_error", "A keystore "
				    "or certificate file that could not be "
				    "read (1), with the reason: bad_password, "
				    "no_password, corrupt, unreadable.", NULL,
				    0 };
	struct family		 find = { "tlsdeck_findings", "Findings by "
				    "server (empty: standalone files), "
				    "severity and code.", NULL, 0 };
	struct family		 sstat = { "tlsdeck_server_status", "A "
				    "server's worst finding: 0 ok, 1 warning, "
				    "2 critical.", NULL, 0 };
	struct pbuf		 out, b;
	struct fcount		*fc = NULL;
	const struct scan_file	*f;
	const struct scan_cert	*c;
	const struct scan_server *s;
	const struct server_model *m;
	const struct cert_ref	*cr;
	const struct finding	*fi;
	const char		*reason;
	size_t			 i, k, nfc = 0;

	memset(&out, 0, sizeof out);
	for (i = 0; i < r->nservers; i++) {
		s = r->servers[i];
		memset(&b, 0, sizeof b);
		pb_add(&b, "{", 1);
		pb_label(&b, "server", s->config, true);
		pb_label(&b, "kind", s->kind, false);
		pb_printf(&b, "} %d", prom_sev(s->sev));
		fam_add(&sstat, &b);
		if ((m = s->model) == NULL) {
			prom_read_error(&rerr, s->config, "", "unreadable",
			    s->config);
			fcount_add(&fc, &nfc, s->config, "server-unreadable",
			    SEV_CRIT);
			continue;
		}
		for (k = 0; k < m->ncerts; k++) {
			cr = &m->certs[k];
			prom_cert(&after, cr->file, cr->alias,
			    prom_server_role(m, cr), prom_server_pos(m, cr),
			    cr->cert->info.subject, cr->cert->info.issuer,
			    cr->cert->info.serial, s->config,
			    cr->cert->info.not_after);
			prom_cert(&before, cr->file, cr->alias,
			    prom_server_role(m, cr), prom_server_pos(m, cr),
			    cr->cert->info.subject, cr->cert->info.issuer,
			    cr->cert->info.serial, s->config,
			    cr->cert->info.not_before);
		}
		for (k = 0; k < m->nfindings; k++) {
			fi = m->findings[k];
			fcount_add(&fc, &nfc, s->config, fi->code, fi->sev);
			if ((reason = prom_finding_reason(fi->code)) != NULL)
				prom_read_error(&rerr, fi->file != NULL ?
				    fi->file : s->config, "", reason,
				    s->config);
		}
	}
	for (i = 0; i < r->nfiles; i++) {
		f = r->files[i];
		for (k = 0; k < f->ncerts; k++) {
			c = &f->certs[k];
			prom_cert(&after, f->path, c->alias,
			    f->format == KS_FMT_PEM || f->format ==
			    KS_FMT_DER || f->format == KS_FMT_PKCS7 ?
			    "certificate" : prom_role(c->type), c->position,
			    c->subject, c->issuer, c->serial, "",
			    c->not_after);
			prom_cert(&before, f->path, c->alias,
			    f->format == KS_FMT_PEM || f->format ==
			    KS_FMT_DER || f->format == KS_FMT_PKCS7 ?
			    "certificate" : prom_role(c->type), c->position,
			    c->subject, c->issuer, c->serial, "",
			    c->not_before);
		}
		if (f->error != SCAN_ERR_NONE) {
			prom_read_error(&rerr, f->path, f->format ==
			    KS_FMT_UNKNOWN ? "" : ks_format_name(f->format),
			    scan_error_name(f->error), "");
		}
		for (k = 0; k < f->nfindings; k++)
			fcount_add(&fc, &nfc, "", f->findings[k].code,
			    f->findings[k].sev);
	}
	fam_emit(&out, &after);
	fam_emit(&out, &before);
	fam_emit(&out, &rerr);
	for (i = 0; i < nfc; i++) {
		memset(&b, 0, sizeof b);
		pb_add(&b, "{", 1);
		pb_label(&b, "server", fc[i].server, true);
		pb_label(&b, "severity", sev_name(fc[i].sev), false);
		pb_label(&b, "code", fc[i].code, false);
		pb_printf(&b, "} %zu", fc[i].n);
		fam_add(&find, &b);
	}
	free(fc);
	fam_emit(&out, &find);
	fam_emit(&out, &sstat);
	pb_printf(&out, "# HELP tlsdeck_scan_status The scan's worst finding: "
	    "0 ok, 1 warning, 2 critical.\n# TYPE tlsdeck_scan_status gauge\n"
	    "tlsdeck_scan_status %d\n", prom_sev(r->worst));
	pb_printf(&out, "# HELP tlsdeck_scan_servers Servers found.\n"
	    "# TYPE tlsdeck_scan_servers gauge\ntlsdeck_scan_servers %zu\n",
	    r->nservers);
	pb_printf(&out, "# HELP tlsdeck_scan_files Standalone keystore and "
	    "certificate files found.\n# TYPE tlsdeck_scan_files gauge\n"
	    "tlsdeck_scan_files %zu\n", r->nfiles);
	pb_printf(&out, "# HELP tlsdeck_scan_timestamp_seconds When the scan "
	    "ran (Unix time).\n# TYPE tlsdeck_scan_timestamp_seconds gauge\n"
	    "tlsdeck_scan_timestamp_seconds %lld\n", (long long)r->now);
	pb_printf(&out, "# HELP tlsdeck_scan_duration_seconds How long the "
	    "scan took.\n# TYPE tlsdeck_scan_duration_seconds gauge\n"
	    "tlsdeck_scan_duration_seconds %.3f\n", r->duration);
	*bufp = out.p;
	*lenp = out.len;
}

int
scan_write_output(const char *path, const void *data, size_t len,
    char **cause)
{
	struct sw_file		*sw;
	const struct sw_meta	 meta = { "scan", "scan results", 0644, 0,
				     NULL };
	int			 rc;

	if (sw_open(path, SW_CREATE | SW_NOBACKUP, &sw, cause) != 0)
		return (-1);
	rc = sw_commit(sw, data, len, NULL, NULL, &meta, cause);
	sw_close(sw);
	return (rc);
}

/* ------------------------------------------------------------------ */
/* What a server's certificate is (the model's shape). */

static size_t
prom_server_pos(const struct server_model *m, const struct cert_ref *cr)
{
	const struct key_material	*mat = cr->material;
	size_t				 i;

	(void)m;
	for (i = 0; mat != NULL && i < mat->nchain; i++)
		if (mat->chain[i] == cr->cert)
			return (i);
	return (0);
}

/* The key material's role (server, sni, client-trust, queue,
 * encryption), "anchor" for the JRE's trust anchor, "trusted" for the
 * other trusted entries of a store, "key" for its other key entries. */
static const char *
prom_server_role(const struct server_model *m, const struct cert_ref *cr)
{
	(void)m;
	if (strcmp(cr->position, "anchor") == 0 || cr->material == NULL)
		return ("anchor");
	if (strcmp(cr->position, "trusted") == 0)
		return ("trusted");
	if (cr->material->role == KM_ROLE_SERVER && !cr->served)
		return ("key");
	return (km_role_name(cr->material->role));
}

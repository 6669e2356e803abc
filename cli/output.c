/* SPDX-License-Identifier: ISC */
/*
 * output.c -- what the commands print: messages on stderr, and text and JSON
 * renderings of core data.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cli.h"

/*
 * The termesc flags for this terminal: TERMESC_ASCII when the locale names
 * a character set that is not UTF-8 (there, the bytes of a UTF-8
 * character could be C1 controls).
 */
int
cli_termesc_flags(void)
{
	static int	 flags = -1;
	const char	*v = NULL, *dot;

	if (flags != -1)
		return (flags);
	flags = 0;
	if ((v = getenv("LC_ALL")) == NULL || *v == '\0')
		if ((v = getenv("LC_CTYPE")) == NULL || *v == '\0')
			v = getenv("LANG");
	if (v != NULL && (dot = strchr(v, '.')) != NULL &&
	    strncasecmp(dot + 1, "utf-8", 5) != 0 &&
	    strncasecmp(dot + 1, "utf8", 4) != 0)
		flags = TERMESC_ASCII;
	return (flags);
}

/*
 * Print one message line on stderr, escaped (termesc): what comes from
 * file names, aliases, certificates or file contents stays one line and
 * cannot drive the terminal.
 */
void
cli_vmessage(const char *prefix, const char *fmt, va_list ap)
{
	char	*s, *e;

	xvasprintf(&s, fmt, ap);
	e = termesc_str(s, cli_termesc_flags());
	fprintf(stderr, "%s%s\n", prefix, e);
	free(e);
	free(s);
}

void
cli_error(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cli_vmessage(TLSDECK_NAME ": ", fmt, ap);
	va_end(ap);
}

void
cli_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cli_vmessage(TLSDECK_NAME ": warning: ", fmt, ap);
	va_end(ap);
}

void
cli_message(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cli_vmessage(TLSDECK_NAME ": ", fmt, ap);
	va_end(ap);
}

void
cli_note(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cli_vmessage(TLSDECK_NAME ": note: ", fmt, ap);
	va_end(ap);
}

/* Print and release a JSON document (one document, indented, newline). */
void
out_json_dump(void *json, FILE *f)
{
	json_t	*j = json;

	json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_ENSURE_ASCII);
	fputc('\n', f);
	json_decref(j);
}

/* A JSON string from possibly invalid UTF-8 bytes (invalid bytes → U+FFFD). */
static json_t *
out_json_str(const char *s, size_t len)
{
	json_t	*j;
	char	*fixed;
	size_t	 i, o = 0;

	if (s == NULL)
		return (json_null());
	if ((j = json_stringn(s, len)) != NULL)
		return (j);
	fixed = xmalloc(len * 3 + 1);
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x80)
			fixed[o++] = s[i];
		else {
			memcpy(fixed + o, "\xef\xbf\xbd", 3);
			o += 3;
		}
	}
	j = json_stringn(fixed, o);
	free(fixed);
	return (j != NULL ? j : json_string("?"));
}

/* The same for a NUL-terminated string (NULL: null). */
void *
out_json_cstr(const char *s)
{
	return (out_json_str(s, s != NULL ? strlen(s) : 0));
}

/* ISO 8601 UTC string. */
void *
out_json_time(int64_t t)
{
	char	buf[32];

	time_iso8601(t, buf, sizeof buf);
	return (json_string(buf));
}

void *
out_json_cert(struct cert *c, time_t now)
{
	const struct cert_info	*ci = &c->info;
	json_t			*j, *san;
	char			*fp;
	size_t			 i;

	j = json_object();
	json_object_set_new(j, "subject", out_json_str(ci->subject,
	    ci->subject ? strlen(ci->subject) : 0));
	json_object_set_new(j, "issuer", out_json_str(ci->issuer,
	    ci->issuer ? strlen(ci->issuer) : 0));
	json_object_set_new(j, "serial", json_string(ci->serial ?
	    ci->serial : ""));
	json_object_set_new(j, "not_before", out_json_time(ci->not_before));
	json_object_set_new(j, "not_after", out_json_time(ci->not_after));
	json_object_set_new(j, "days_left",
	    json_integer(cert_days_left(c, now)));
	fp = cert_fp_hex(cert_sha256(c), CERT_SHA256_LEN);
	json_object_set_new(j, "sha256", json_string(fp));
	free(fp);
	fp = cert_fp_hex(cert_sha1(c), 20);
	json_object_set_new(j, "sha1", json_string(fp));
	free(fp);
	json_object_set_new(j, "key", json_string(ci->key));
	json_object_set_new(j, "sig_alg", json_string(ci->sig_alg));
	san = json_array();
	for (i = 0; i < ci->nsan; i++)
		json_array_append_new(san, out_json_str(ci->san[i],
		    strlen(ci->san[i])));
	json_object_set_new(j, "san", san);
	json_object_set_new(j, "ca", json_boolean(ci->ca));
	json_object_set_new(j, "self_signed", json_boolean(ci->self_signed));
	return (j);
}

void *
out_json_entry(struct ks_entry *e, time_t now, bool with_pem)
{
	json_t	*j, *chain, *cj;
	char	*pem;
	size_t	 i;

	j = json_object();
	json_object_set_new(j, "alias", out_json_str(e->alias, e->alias_len));
	if (e->stored_alias != NULL)
		json_object_set_new(j, "stored_alias",
		    out_json_str(e->stored_alias, e->stored_alias_len));
	json_object_set_new(j, "type", json_string(ks_etype_name(e->type)));
	if (e->flags & KS_EF_NO_DATE)
		json_object_set_new(j, "date", json_null());
	else
		json_object_set_new(j, "date", out_json_time(e->date_ms /
		    1000));
	if (e->flags & KS_EF_ALIAS_NOT_LOWER)
		json_object_set_new(j, "warning", json_string("alias is not "
		    "lower-case: Java cannot look this JKS entry up"));
	if (e->type == KS_ENTRY_SECRET)
		json_object_set_new(j, "algorithm", json_string(
		    e->secret_alg != NULL ? e->secret_alg : "unknown"));
	chain = json_array();
	for (i = 0; i < e->nchain; i++) {
		cj = out_json_cert(e->chain[i], now);
		if (with_pem) {
			pem = cert_pem(e->chain[i]);
			json_object_set_new(cj, "pem", json_string(pem));
			free(pem);
		}
		json_array_append_new(chain, cj);
	}
	json_object_set_new(j, "chain", chain);
	return (j);
}

/* Print an alias as stored (callers print through cli_text: escaped). */
static void
out_text_str(FILE *f, const char *a, size_t len)
{
	fwrite(a, 1, len, f);
}

static void
out_text_alias(FILE *f, const struct ks_entry *e)
{
	out_text_str(f, e->alias, e->alias_len);
}

/*
 * A certificate's lines are put together in a buffer and written at once:
 * a listing of 10,000 entries prints 100,000 of them, and printf's format
 * parsing was the most expensive part of printing.
 */
struct out_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	char	 stack[1024];
};

static void
out_buf_add(struct out_buf *b, const char *s, size_t n)
{
	size_t	cap;

	if (b->cap - b->len < n) {
		for (cap = b->cap * 2; cap - b->len < n; cap *= 2)
			/* nothing */;
		if (b->p == b->stack) {
			b->p = xmalloc(cap);
			memcpy(b->p, b->stack, b->len);
		} else
			b->p = xreallocarray(b->p, cap, 1);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
out_buf_str(struct out_buf *b, const char *s)
{
	out_buf_add(b, s, strlen(s));
}

/* A decimal number. */
static void
out_buf_num(struct out_buf *b, long v)
{
	char		 d[24], *p = d + sizeof d;
	unsigned long	 u = v < 0 ? -(unsigned long)v : (unsigned long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	out_buf_add(b, p, (size_t)(d + sizeof d - p));
}

/* "IND LABEL AB:CD:...\n", as cert_fp_hex spells a fingerprint. */
static void
out_buf_fp(struct out_buf *b, const char *ind, const char *label,
    const unsigned char *p, size_t len)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 s[3 * 64], *o = s;
	size_t			 i;

	out_buf_str(b, ind);
	out_buf_str(b, label);
	for (i = 0; i < len && i < 64; i++) {
		if (i > 0)
			*o++ = ':';
		*o++ = hex[p[i] >> 4];
		*o++ = hex[p[i] & 15];
	}
	*o++ = '\n';
	out_buf_add(b, s, (size_t)(o - s));
}

/* "IND LABEL VALUE\n" */
static void
out_buf_line(struct out_buf *b, const char *ind, const char *label,
    const char *value)
{
	out_buf_str(b, ind);
	out_buf_str(b, label);
	out_buf_str(b, value);
	out_buf_add(b, "\n", 1);
}

void
out_text_cert(FILE *f, struct cert *c, time_t now, const char *ind)
{
	const struct cert_info	*ci = &c->info;
	struct out_buf		 b;
	char			 nb[32], na[32];
	long			 days;
	size_t			 i;

	b.p = b.stack;
	b.len = 0;
	b.cap = sizeof b.stack;
	time_iso8601(ci->not_before, nb, sizeof nb);
	time_iso8601(ci->not_after, na, sizeof na);
	days = cert_days_left(c, now);
	out_buf_line(&b, ind, "Owner:     ", ci->subject);
	out_buf_line(&b, ind, "Issuer:    ", ci->issuer);
	out_buf_line(&b, ind, "Serial:    ", ci->serial);
	out_buf_str(&b, ind);
	out_buf_str(&b, "Valid:     ");
	out_buf_str(&b, nb);
	out_buf_str(&b, " until ");
	out_buf_str(&b, na);
	if (days < 0) {
		out_buf_str(&b, " (EXPIRED ");
		out_buf_num(&b, -days);
		out_buf_str(&b, " days ago)\n");
	} else if (ci->not_before > (int64_t)now) {
		out_buf_str(&b, " (NOT YET VALID; ");
		out_buf_num(&b, days);
		out_buf_str(&b, " days left)\n");
	} else {
		out_buf_str(&b, " (");
		out_buf_num(&b, days);
		out_buf_str(&b, " days left)\n");
	}
	out_buf_fp(&b, ind, "SHA256:    ", cert_sha256(c), CERT_SHA256_LEN);
	out_buf_fp(&b, ind, "SHA1:      ", cert_sha1(c), CERT_SHA1_LEN);
	out_buf_str(&b, ind);
	out_buf_str(&b, "Key:       ");
	out_buf_str(&b, ci->key);
	out_buf_line(&b, "", "    Signature: ", ci->sig_alg);
	if (ci->nsan > 0) {
		out_buf_str(&b, ind);
		out_buf_str(&b, "SAN:       ");
		for (i = 0; i < ci->nsan; i++) {
			if (i > 0)
				out_buf_str(&b, ", ");
			out_buf_str(&b, ci->san[i]);
		}
		out_buf_add(&b, "\n", 1);
	}
	if (ci->ca || ci->self_signed) {
		out_buf_str(&b, ind);
		out_buf_str(&b, "Flags:    ");
		if (ci->ca)
			out_buf_str(&b, " CA");
		if (ci->self_signed)
			out_buf_str(&b, " self-signed");
		out_buf_add(&b, "\n", 1);
	}
	fwrite(b.p, 1, b.len, f);
	if (b.p != b.stack)
		free(b.p);
}

/* One entry as text, like keytool -list -v with days left (to a
 * cli_text stream: aliases and names are escaped there). */
void
out_text_entry(FILE *f, struct ks_entry *e, time_t now)
{
	char	date[32];
	size_t	i;
	char	ind[16];

	fprintf(f, "Alias name: ");
	out_text_alias(f, e);
	fputc('\n', f);
	if (e->stored_alias != NULL) {
		fprintf(f, "Stored as:  ");
		out_text_str(f, e->stored_alias, e->stored_alias_len);
		fprintf(f, " (Java shows the alias lower-cased)\n");
	}
	if (e->flags & KS_EF_NO_DATE)
		fprintf(f, "Entry type: %s\n", ks_etype_name(e->type));
	else {
		time_iso8601(e->date_ms / 1000, date, sizeof date);
		fprintf(f, "Creation date: %s\nEntry type: %s\n", date,
		    ks_etype_name(e->type));
	}
	if (e->flags & KS_EF_ALIAS_NOT_LOWER)
		fprintf(f, "WARNING: alias is not lower-case; Java cannot "
		    "look this JKS entry up\n");
	if (e->type == KS_ENTRY_SECRET) {
		fprintf(f, "Algorithm: %s\n", e->secret_alg != NULL ?
		    e->secret_alg : "unknown");
		return;
	}
	if (e->type == KS_ENTRY_KEY)
		fprintf(f, "Certificate chain length: %zu\n", e->nchain);
	for (i = 0; i < e->nchain; i++) {
		if (e->type == KS_ENTRY_KEY) {
			fprintf(f, "Certificate[%zu]:\n", i + 1);
			snprintf(ind, sizeof ind, "  ");
		} else
			ind[0] = '\0';
		out_text_cert(f, e->chain[i], now, ind);
	}
}

/* The entries Java ignores, and the profile: list and show. */
void *
out_json_ignored(const struct keystore *ks)
{
	const struct ks_ignored	*ig;
	json_t			*a, *j;
	char			*fp;
	size_t			 i;

	a = json_array();
	for (i = 0; i < ks->nignored; i++) {
		ig = &ks->ignored[i];
		j = json_object();
		json_object_set_new(j, "alias", out_json_str(ig->e->alias,
		    ig->e->alias_len));
		json_object_set_new(j, "type",
		    json_string(ks_etype_name(ig->e->type)));
		json_object_set_new(j, "position", json_integer(
		    (json_int_t)ig->pos));
		json_object_set_new(j, "replaced_by", json_integer(
		    (json_int_t)ig->by_pos));
		if (ig->e->nchain > 0) {
			fp = cert_fp_hex(cert_sha256(ig->e->chain[0]), 32);
			json_object_set_new(j, "sha256", json_string(fp));
			free(fp);
		} else
			json_object_set_new(j, "sha256", json_null());
		json_array_append_new(a, j);
	}
	return (a);
}

void
out_text_ignored(FILE *f, const struct keystore *ks, const char *alias)
{
	const struct ks_ignored	*ig;
	const char		*unit;
	size_t			 i;

	unit = ks->format == KS_FMT_PKCS12 ? "bag" : "entry";
	for (i = 0; i < ks->nignored; i++) {
		ig = &ks->ignored[i];
		if (alias != NULL && strcasecmp(alias, ig->e->alias) != 0)
			continue;
		fprintf(f, "WARNING: %s %zu of the file, \"", unit, ig->pos);
		out_text_alias(f, ig->e);
		fprintf(f, "\" (%s), is ignored by Java: %s %zu has the same "
		    "alias and replaces it\n", ks_etype_name(ig->e->type),
		    unit, ig->by_pos);
	}
}

/* What the root of an installed chain is, in words. */
static const char *
step_anchor_text(enum step_anchor a)
{
	switch (a) {
	case STEP_ANCHOR_NONE:
		return ("none: the chain is incomplete");
	case STEP_ANCHOR_SELF:
		return ("self-signed: clients must trust this certificate "
		    "itself");
	case STEP_ANCHOR_REPLY:
		return ("from the given files only (not trusted in the "
		    "keystore or cacerts)");
	case STEP_ANCHOR_KEYSTORE:
		return ("a trusted certificate of the keystore");
	case STEP_ANCHOR_CACERTS:
		return ("trusted in cacerts");
	}
	return ("?");
}

/* Short JSON name of an anchor. */
static const char *
step_anchor_name(enum step_anchor a)
{
	static const char	*names[] = { "none", "self", "files",
	    "keystore", "cacerts" };

	return ((unsigned)a < sizeof names / sizeof names[0] ? names[a] : "?");
}

/* One certificate of a chain on one or two lines. */
static void
step_text_cert(FILE *f, const char *label, struct cert *c, time_t now)
{
	char	na[32];
	long	days;

	time_iso8601(c->info.not_after, na, sizeof na);
	days = cert_days_left(c, now);
	fprintf(f, "  %s %s\n", label, c->info.subject);
	fprintf(f, "      issuer %s; %s until %s (%s%ld days%s)\n",
	    c->info.self_signed ? "itself" : c->info.issuer, c->info.key, na,
	    days < 0 ? "EXPIRED " : "", days < 0 ? -days : days,
	    days < 0 ? " ago" : " left");
}

/* Print a step's result: text or JSON on stdout, notes on stderr. */
void
cli_step_report(const char *path, const char *what,
    const struct step_result *r, bool json, bool certs)
{
	json_t		*j, *a;
	struct cli_text	 tx;
	FILE		*f;
	time_t		 now = time(NULL);
	char		 label[32], *fp;
	size_t		 i;

	for (i = 0; i < r->nnotes; i++)
		cli_note("%s", r->notes[i]);
	if (json) {
		j = json_object();
		json_object_set_new(j, "file", json_string(path));
		json_object_set_new(j, "format",
		    json_string(ks_format_name(r->format)));
		json_object_set_new(j, "created", json_boolean(r->created));
		json_object_set_new(j, "replaced", json_boolean(r->replaced));
		json_object_set_new(j, "backup_id", r->backup_id != 0 ?
		    json_integer(r->backup_id) : json_null());
		a = json_array();
		for (i = 0; i < r->naliases; i++)
			json_array_append_new(a, json_string(r->aliases[i]));
		json_object_set_new(j, "aliases", a);
		a = json_array();
		for (i = 0; i < r->nchain; i++)
			json_array_append_new(a, out_json_cert(r->chain[i],
			    now));
		json_object_set_new(j, "chain", a);
		json_object_set_new(j, "root",
		    json_string(step_anchor_name(r->anchor)));
		json_object_set_new(j, "cacerts", r->cacerts != NULL ?
		    json_string(r->cacerts) : json_null());
		a = json_array();
		for (i = 0; i < r->nnotes; i++)
			json_array_append_new(a, json_string(r->notes[i]));
		json_object_set_new(j, "notes", a);
		json_object_set_new(j, "san_loss", json_boolean(r->san_loss));
		out_json_dump(j, stdout);
		return;
	}
	/* Aliases and names come from files: escaped. */
	f = cli_text_begin(&tx);
	fprintf(f, "%s\n", what);
	if (certs) {
		for (i = 0; i < r->naliases; i++) {
			snprintf(label, sizeof label, "%s:", r->aliases[i]);
			step_text_cert(f, label, r->chain[i], now);
			fp = cert_fp_hex(cert_sha256(r->chain[i]),
			    CERT_SHA256_LEN);
			fprintf(f, "      SHA-256 %s\n", fp);
			free(fp);
		}
	} else if (r->nchain > 0) {
		fprintf(f, "Certificate chain (%zu, leaf first):\n",
		    r->nchain);
		for (i = 0; i < r->nchain; i++) {
			snprintf(label, sizeof label, "[%zu]", i + 1);
			step_text_cert(f, label, r->chain[i], now);
		}
		fprintf(f, "Root: %s%s%s\n", step_anchor_text(r->anchor),
		    r->anchor == STEP_ANCHOR_CACERTS && r->cacerts ? " " : "",
		    r->anchor == STEP_ANCHOR_CACERTS && r->cacerts ?
		    r->cacerts : "");
	}
	if (r->backup_id != 0)
		fprintf(f, "Backup of the previous file: %u (tlsdeck history; "
		    "tlsdeck restore %u)\n", r->backup_id, r->backup_id);
	cli_text_end(&tx, stdout);
}

/* Report a step command's result; see cli.h. */
int
cli_step_finish(const char *path, const char *what,
    const struct step_result *r, const struct cmd_ctx *c, bool certs)
{
	cli_step_report(path, what, r, c->fmt == OUT_JSON, certs);
	return (fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL);
}

const char *
out_json_sev(enum sev s)
{
	return (s == SEV_CRIT ? "critical" : s == SEV_WARN ? "warning" :
	    "ok");
}

void
out_text_expiry(char *buf, size_t len, int64_t t, time_t now, bool terse)
{
	char	date[24];
	long	days;

	if (t == INT64_MAX) {
		snprintf(buf, len, "-");
		return;
	}
	time_iso8601(t, date, sizeof date);
	date[10] = '\0';
	days = (long)((t - (int64_t)now) / SECS_PER_DAY);
	if (t <= (int64_t)now) {
		if (terse)
			snprintf(buf, len, "%s (expired %ldd ago)", date,
			    -days);
		else
			snprintf(buf, len, "%s (expired %ld day%s ago)", date,
			    -days, days == -1 ? "" : "s");
	} else if (terse)
		snprintf(buf, len, "%s (%ldd)", date, days);
	else
		snprintf(buf, len, "%s (%ld day%s)", date, days,
		    days == 1 ? "" : "s");
}

/* Upper-case severity word for text output. */
const char *
out_text_sev(enum sev s)
{
	switch (s) {
	case SEV_CRIT:
		return ("CRITICAL");
	case SEV_WARN:
		return ("WARNING");
	case SEV_INFO:
		return ("info");
	default:
		return ("ok");
	}
}

/* The findings as text: status, audit and probe show them alike. */
void
cli_text_findings(FILE *f, const struct server_model *m, const char *indent)
{
	const struct finding	*fd;
	size_t			 i;

	for (i = 0; i < m->nfindings; i++) {
		fd = m->findings[i];
		fprintf(f, "%s%-8s  %s", indent, out_text_sev(fd->sev),
		    fd->code);
		if (fd->file != NULL) {
			fprintf(f, "  %s", fd->file);
			if (fd->line > 0)
				fprintf(f, ":%d", fd->line);
		}
		if (fd->alias != NULL)
			fprintf(f, " (%s)", fd->alias);
		fprintf(f, "\n%s          %s\n", indent, fd->message);
		if (fd->fix != NULL)
			fprintf(f, "%s          fix: %s\n", indent, fd->fix);
	}
}

/* Which key material: {"role", "name", "path"}, or null. */
void *
cli_json_material_ref(const struct key_material *mat)
{
	json_t	*o;

	if (mat == NULL)
		return (json_null());
	o = json_object();
	json_object_set_new(o, "role", json_string(km_role_name(mat->role)));
	json_object_set_new(o, "name", out_json_cstr(mat->name));
	json_object_set_new(o, "path", out_json_cstr(mat->path));
	return (o);
}

void *
cli_json_findings(const struct server_model *m)
{
	const struct finding	*f;
	json_t			*arr, *j;
	size_t			 i;

	arr = json_array();
	for (i = 0; i < m->nfindings; i++) {
		f = m->findings[i];
		j = json_object();
		json_object_set_new(j, "code", json_string(f->code));
		json_object_set_new(j, "severity", json_string(
		    sev_name(f->sev)));
		json_object_set_new(j, "file", out_json_cstr(f->file));
		json_object_set_new(j, "line", f->line > 0 ?
		    json_integer(f->line) : json_null());
		json_object_set_new(j, "alias", out_json_cstr(f->alias));
		json_object_set_new(j, "key", out_json_cstr(f->key));
		json_object_set_new(j, "message", out_json_cstr(f->message));
		json_object_set_new(j, "fix", out_json_cstr(f->fix));
		json_object_set_new(j, "form", f->form >= 0 ?
		    json_integer(f->form) : json_null());
		json_object_set_new(j, "material", cli_json_material_ref(
		    f->material));
		json_array_append_new(arr, j);
	}
	return (arr);
}

void *
cli_json_certs(const struct server_model *m)
{
	const struct cert_ref	*r;
	json_t			*arr, *j;
	char			*fp;
	size_t			 i;

	arr = json_array();
	for (i = 0; i < m->ncerts; i++) {
		r = &m->certs[i];
		j = json_object();
		json_object_set_new(j, "file", out_json_cstr(r->file));
		json_object_set_new(j, "alias", out_json_cstr(r->alias));
		json_object_set_new(j, "position", json_string(r->position));
		json_object_set_new(j, "served", json_boolean(r->served));
		json_object_set_new(j, "subject", out_json_cstr(
		    r->cert->info.subject));
		json_object_set_new(j, "not_before",
		    out_json_time(r->cert->info.not_before));
		json_object_set_new(j, "not_after",
		    out_json_time(r->cert->info.not_after));
		json_object_set_new(j, "days_left",
		    json_integer(r->days_left));
		json_object_set_new(j, "status", json_string(
		    sev_name(r->sev)));
		fp = cert_fp_hex(cert_sha256(r->cert), CERT_SHA256_LEN);
		json_object_set_new(j, "sha256", json_string(fp));
		free(fp);
		json_object_set_new(j, "material", cli_json_material_ref(
		    r->material));
		json_array_append_new(arr, j);
	}
	return (arr);
}

void
cli_write_safe(FILE *f, const char *s, size_t len)
{
	char	*e;

	if (!termesc_needed(s, len, TERMESC_LINES | cli_termesc_flags())) {
		fwrite(s, 1, len, f);
		return;
	}
	e = termesc(s, len, TERMESC_LINES | cli_termesc_flags());
	fputs(e, f);
	free(e);
}

void
cli_puts_safe(FILE *f, const char *s)
{
	char	*e;

	e = termesc_str(s, cli_termesc_flags());
	fputs(e, f);
	free(e);
}

FILE *
cli_text_begin(struct cli_text *t)
{
	memset(t, 0, sizeof *t);
	if ((t->mf = open_memstream(&t->buf, &t->len)) == NULL)
		fatalx("open_memstream: out of memory");
	return (t->mf);
}

void
cli_text_end(struct cli_text *t, FILE *f)
{
	if (fclose(t->mf) != 0)
		fatalx("open_memstream: out of memory");
	cli_write_safe(f, t->buf, t->len);
	free(t->buf);
	memset(t, 0, sizeof *t);
}

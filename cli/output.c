/* SPDX-License-Identifier: ISC */
/* output.c -- text and JSON renderings of core data, shared by commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

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
	fp = cert_fp_hex(cert_sha256(c), 32);
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
out_text_alias(FILE *f, const struct ks_entry *e)
{
	fwrite(e->alias, 1, e->alias_len, f);
}

void
out_text_cert(FILE *f, struct cert *c, time_t now, const char *ind)
{
	const struct cert_info	*ci = &c->info;
	char			 nb[32], na[32], *fp;
	long			 days;
	size_t			 i;

	time_iso8601(ci->not_before, nb, sizeof nb);
	time_iso8601(ci->not_after, na, sizeof na);
	days = cert_days_left(c, now);
	fprintf(f, "%sOwner:     %s\n", ind, ci->subject);
	fprintf(f, "%sIssuer:    %s\n", ind, ci->issuer);
	fprintf(f, "%sSerial:    %s\n", ind, ci->serial);
	fprintf(f, "%sValid:     %s until %s", ind, nb, na);
	if (days < 0)
		fprintf(f, " (EXPIRED %ld days ago)\n", -days);
	else if (ci->not_before > (int64_t)now)
		fprintf(f, " (NOT YET VALID; %ld days left)\n", days);
	else
		fprintf(f, " (%ld days left)\n", days);
	fp = cert_fp_hex(cert_sha256(c), 32);
	fprintf(f, "%sSHA256:    %s\n", ind, fp);
	free(fp);
	fp = cert_fp_hex(cert_sha1(c), 20);
	fprintf(f, "%sSHA1:      %s\n", ind, fp);
	free(fp);
	fprintf(f, "%sKey:       %s    Signature: %s\n", ind, ci->key,
	    ci->sig_alg);
	if (ci->nsan > 0) {
		fprintf(f, "%sSAN:       ", ind);
		for (i = 0; i < ci->nsan; i++)
			fprintf(f, "%s%s", i ? ", " : "", ci->san[i]);
		fputc('\n', f);
	}
	if (ci->ca || ci->self_signed)
		fprintf(f, "%sFlags:    %s%s\n", ind, ci->ca ? " CA" : "",
		    ci->self_signed ? " self-signed" : "");
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

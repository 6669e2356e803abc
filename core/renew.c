/* SPDX-License-Identifier: ISC */
/*
 * renew.c -- the renewal preflight: what a new certificate or request
 * changes against the certificate it replaces (subject, SANs, key, key
 * usage and extended key usage, validity), and the SANs a CA's reply
 * dropped from its request.  The steps that renew (genkey, csr,
 * import-reply) put the differences in their plan, and refuse to lose a
 * SAN unless told to (docs/architecture.md, The renewal preflight).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core.h"

void
renew_facts_done(struct renew_facts *f)
{
	if (f == NULL)
		return;
	free(f->subject);
	san_list_free(f->san);
	free(f->key);
	memset(f, 0, sizeof *f);
}

/* The key usage and extended key usage of an X509 into f. */
static void
renew_usage(X509 *x, struct renew_facts *f)
{
	uint32_t	ku, eku;

	ku = X509_get_key_usage(x);
	f->ku = ku == UINT32_MAX ? -1 : (int)ku;
	eku = X509_get_extended_key_usage(x);
	f->has_eku = eku != UINT32_MAX;
	f->eku = f->has_eku ? eku : 0;
}

int
renew_facts_cert(struct cert *c, struct renew_facts *f, char **cause)
{
	X509	*x;

	memset(f, 0, sizeof *f);
	if ((x = cert_x509(c, cause)) == NULL)
		return (-1);
	f->what = "certificate";
	f->subject = xstrdup(c->info.subject);
	if (san_list_from_info(&c->info, &f->san, NULL, cause) != 0) {
		renew_facts_done(f);
		return (-1);
	}
	f->key = xstrdup(c->info.key);
	f->key_bits = c->info.key_bits;
	renew_usage(x, f);
	f->not_before = c->info.not_before;
	f->not_after = c->info.not_after;
	f->self_signed = c->info.self_signed;
	return (0);
}

int
renew_facts_csr(const struct csr_info *ci, struct renew_facts *f,
    char **cause)
{
	char	*why = NULL;

	memset(f, 0, sizeof *f);
	f->what = "request";
	f->subject = xstrdup(ci->subject);
	f->san = san_list_new();
	if (ci->san != NULL) {
		free(why);
		why = san_list_to_string(ci->san);
		san_list_free(f->san);
		if (san_parse(why, &f->san, cause) != 0) {
			free(why);
			renew_facts_done(f);
			return (-1);
		}
	}
	free(why);
	f->key = xstrdup(ci->key != NULL ? ci->key : "?");
	f->key_bits = 0;
	if (ci->pubkey != NULL)
		f->key_bits = EVP_PKEY_get_bits(ci->pubkey);
	f->ku = -1;
	f->has_eku = false;
	return (0);
}

int
renew_facts_new(const char *dname, const char *san, const char *keyalg,
    int bits, const char *curve, int days, time_t now,
    struct renew_facts *f, char **cause)
{
	struct X509_name_st	*dn = NULL;
	bool			 ec;

	memset(f, 0, sizeof *f);
	f->what = "certificate";
	if (dn_parse(dname, &dn, cause) != 0)
		goto fail;
	f->subject = dn_to_string(dn);
	dn_free(dn);
	if (san_parse(san != NULL ? san : "", &f->san, cause) != 0)
		goto fail;
	ec = keyalg != NULL && strcasecmp(keyalg, "ec") == 0;
	if (ec) {
		xasprintf(&f->key, "EC %s", curve != NULL ? curve : "P-256");
		f->key_bits = curve != NULL && strstr(curve, "384") != NULL ?
		    384 : curve != NULL && strstr(curve, "521") != NULL ?
		    521 : 256;
	} else {
		f->key_bits = bits != 0 ? bits : 2048;
		xasprintf(&f->key, "RSA %d", f->key_bits);
	}
	/* what keygen_selfsigned writes */
	f->ku = KU_DIGITAL_SIGNATURE | (ec ? 0 : KU_KEY_ENCIPHERMENT);
	f->has_eku = true;
	f->eku = XKU_SSL_SERVER;
	f->not_before = (int64_t)now;
	f->not_after = (int64_t)now + (int64_t)days * 86400;
	f->self_signed = true;
	return (0);
fail:
	renew_facts_done(f);
	return (-1);
}

/* Append a line of the comparison. */
static void
renew_line(struct renew_diff *d, enum sev s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
renew_line(struct renew_diff *d, enum sev s, const char *fmt, ...)
{
	va_list	 ap;
	char	*l;

	va_start(ap, fmt);
	xvasprintf(&l, fmt, ap);
	va_end(ap);
	d->lines = xreallocarray(d->lines, d->n + 1, sizeof *d->lines);
	d->sev = xreallocarray(d->sev, d->n + 1, sizeof *d->sev);
	d->lines[d->n] = l;
	d->sev[d->n++] = s;
	if (s > d->worst)
		d->worst = s;
}

/* Is item (a DNS name) covered by a one-label wildcard of l? */
static bool
renew_wild_covers(const struct san_list *l, const struct san_item *it)
{
	const char	*dot;
	size_t		 i;

	if (it->type != SAN_DNS || (dot = strchr(it->value, '.')) == NULL)
		return (false);
	for (i = 0; i < l->n; i++) {
		if (l->items[i].type == SAN_DNS &&
		    strncmp(l->items[i].value, "*.", 2) == 0 &&
		    strcasecmp(l->items[i].value + 1, dot) == 0)
			return (true);
	}
	return (false);
}

/* Does l hold item (DNS names compared ignoring case)? */
static bool
renew_has(const struct san_list *l, const struct san_item *it)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		if (l->items[i].type != it->type)
			continue;
		if (it->type == SAN_DNS ? strcasecmp(l->items[i].value,
		    it->value) == 0 : strcmp(l->items[i].value,
		    it->value) == 0)
			return (true);
	}
	return (false);
}

void
renew_missing_sans(const struct san_list *asked, const struct san_list *got,
    char ***missing, size_t *n)
{
	size_t	i;

	*missing = NULL;
	*n = 0;
	if (asked == NULL)
		return;
	for (i = 0; i < asked->n; i++) {
		if (got != NULL && (renew_has(got, &asked->items[i]) ||
		    renew_wild_covers(got, &asked->items[i])))
			continue;
		*missing = xreallocarray(*missing, *n + 1, sizeof **missing);
		xasprintf(&(*missing)[(*n)++], "%s:%s",
		    san_type_name(asked->items[i].type),
		    asked->items[i].value);
	}
}

/* "a, b, c" of n strings (malloc'd). */
static char *
renew_join(char **v, size_t n)
{
	char	*s = xstrdup(""), *t;
	size_t	 i;

	for (i = 0; i < n; i++) {
		xasprintf(&t, "%s%s%s", s, i > 0 ? ", " : "", v[i]);
		free(s);
		s = t;
	}
	return (s);
}

/* The key usage bits as words ("digitalSignature, keyEncipherment"). */
static char *
renew_ku_text(int ku)
{
	static const struct { int bit; const char *name; } names[] = {
		{ KU_DIGITAL_SIGNATURE, "digitalSignature" },
		{ KU_NON_REPUDIATION, "nonRepudiation" },
		{ KU_KEY_ENCIPHERMENT, "keyEncipherment" },
		{ KU_DATA_ENCIPHERMENT, "dataEncipherment" },
		{ KU_KEY_AGREEMENT, "keyAgreement" },
		{ KU_KEY_CERT_SIGN, "keyCertSign" },
		{ KU_CRL_SIGN, "cRLSign" },
	};
	char	*v[8];
	size_t	 i, n = 0;

	if (ku < 0)
		return (xstrdup("(none: any)"));
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (ku & names[i].bit)
			v[n++] = (char *)names[i].name;
	return (n > 0 ? renew_join(v, n) : xstrdup("(empty)"));
}

/* The extended key usage bits as words. */
static char *
renew_eku_text(bool has, uint32_t eku)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ XKU_SSL_SERVER, "serverAuth" },
		{ XKU_SSL_CLIENT, "clientAuth" },
		{ XKU_SMIME, "emailProtection" },
		{ XKU_CODE_SIGN, "codeSigning" },
		{ XKU_OCSP_SIGN, "OCSPSigning" },
		{ XKU_TIMESTAMP, "timeStamping" },
		{ XKU_ANYEKU, "anyExtendedKeyUsage" },
	};
	char	*v[8];
	size_t	 i, n = 0;

	if (!has)
		return (xstrdup("(none: any)"));
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (eku & names[i].bit)
			v[n++] = (char *)names[i].name;
	return (n > 0 ? renew_join(v, n) : xstrdup("(other)"));
}

/* The key's type word ("RSA", "EC", "Ed25519"). */
static size_t
renew_key_type(const char *k)
{
	const char	*sp = strchr(k, ' ');

	return (sp != NULL ? (size_t)(sp - k) : strlen(k));
}

void
renew_compare(const struct renew_facts *old, const struct renew_facts *new,
    struct renew_diff *d)
{
	char		**v = NULL, *a, *b, na[32], nb[32], oa[32], ob[32];
	size_t		  n = 0, i, lt, nt;
	long		  od, nd;

	memset(d, 0, sizeof *d);
	if (strcmp(old->subject, new->subject) != 0)
		renew_line(d, SEV_INFO, "subject: %s -> %s", old->subject,
		    new->subject);

	/* SANs: lost (a warning), added. */
	renew_missing_sans(old->san, new->san, &d->lost, &d->nlost);
	if (d->nlost > 0) {
		a = renew_join(d->lost, d->nlost);
		renew_line(d, SEV_WARN, "SANs lost: %s (the new %s does not "
		    "name %s: clients that use %s will fail)", a, new->what,
		    d->nlost == 1 ? "it" : "them", d->nlost == 1 ? "it" :
		    "them");
		free(a);
	}
	for (i = 0; new->san != NULL && i < new->san->n; i++) {
		if (old->san != NULL && renew_has(old->san,
		    &new->san->items[i]))
			continue;
		v = xreallocarray(v, n + 1, sizeof *v);
		xasprintf(&v[n++], "%s:%s",
		    san_type_name(new->san->items[i].type),
		    new->san->items[i].value);
	}
	if (n > 0) {
		a = renew_join(v, n);
		renew_line(d, SEV_INFO, "SANs added: %s", a);
		free(a);
	}
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);

	/* The key. */
	if (strcmp(old->key, new->key) != 0) {
		lt = renew_key_type(old->key);
		nt = renew_key_type(new->key);
		if (lt == nt && strncmp(old->key, new->key, lt) == 0 &&
		    new->key_bits > 0 && new->key_bits < old->key_bits)
			renew_line(d, SEV_WARN, "key: %s -> %s (weaker)",
			    old->key, new->key);
		else
			renew_line(d, SEV_INFO, "key: %s -> %s", old->key,
			    new->key);
	}

	/* Key usage and extended key usage (a request may not say). */
	if (new->ku != old->ku && (new->ku >= 0 || new->what[0] != 'r')) {
		a = renew_ku_text(old->ku);
		b = renew_ku_text(new->ku);
		/* losing what TLS needs (signing, or RSA key transport) */
		renew_line(d, old->ku >= 0 && new->ku >= 0 &&
		    (old->ku & ~new->ku & (KU_DIGITAL_SIGNATURE |
		    KU_KEY_ENCIPHERMENT)) ? SEV_WARN : SEV_INFO,
		    "key usage: %s -> %s", a, b);
		free(a);
		free(b);
	}
	if ((new->has_eku != old->has_eku || new->eku != old->eku) &&
	    (new->has_eku || new->what[0] != 'r')) {
		a = renew_eku_text(old->has_eku, old->eku);
		b = renew_eku_text(new->has_eku, new->eku);
		renew_line(d, (!old->has_eku ||
		    (old->eku & XKU_SSL_SERVER)) && new->has_eku &&
		    !(new->eku & (XKU_SSL_SERVER | XKU_ANYEKU)) ? SEV_WARN :
		    SEV_INFO, "extended key usage: %s -> %s%s", a, b,
		    new->has_eku && !(new->eku & (XKU_SSL_SERVER |
		    XKU_ANYEKU)) ? " (no serverAuth: TLS clients refuse it)" :
		    "");
		free(a);
		free(b);
	}

	/* Validity (a request has none). */
	time_iso8601(old->not_before, oa, sizeof oa);
	time_iso8601(old->not_after, ob, sizeof ob);
	time_iso8601(new->not_before, na, sizeof na);
	time_iso8601(new->not_after, nb, sizeof nb);
	/* shown by day: seconds apart is the same validity */
	if (new->not_after != 0 && old->not_after != 0 &&
	    (strncmp(oa, na, 10) != 0 || strncmp(ob, nb, 10) != 0)) {
		od = (long)((old->not_after - old->not_before) / 86400);
		nd = (long)((new->not_after - new->not_before) / 86400);
		/* a placeholder (self-signed) says nothing about the end */
		renew_line(d, new->not_after < old->not_after &&
		    !old->self_signed ? SEV_WARN : SEV_INFO, "validity: %.10s "
		    "to %.10s (%ld days) -> %.10s to %.10s (%ld days)%s", oa,
		    ob, od, na, nb, nd, new->not_after < old->not_after &&
		    !old->self_signed ? ": it ends before the certificate it "
		    "replaces" : "");
	}
}

void
renew_diff_free(struct renew_diff *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		free(d->lines[i]);
	free(d->lines);
	free(d->sev);
	for (i = 0; i < d->nlost; i++)
		free(d->lost[i]);
	free(d->lost);
	memset(d, 0, sizeof *d);
}

/* Put a comparison in a step's result: notes, and san_loss. */
void
renew_note(struct step_result *r, const char *against,
    const struct renew_diff *d)
{
	size_t	i;

	if (d->n == 0) {
		step_note(r, "renewal: the same subject, SANs, key, key usage "
		    "and validity as %s", against);
		return;
	}
	for (i = 0; i < d->n; i++)
		step_note(r, "renewal%s: %s (against %s)", d->sev[i] ==
		    SEV_WARN ? " WARNING" : "", d->lines[i], against);
	if (d->nlost > 0)
		r->san_loss = true;
}

/* The preflight of a step; see core.h. */
int
renew_preflight(struct step_result *r, struct cert *old, const char *against,
    const struct renew_facts *new, const struct san_list *asked,
    const char *hint, bool accept, bool dry_run, const char *path,
    char **cause)
{
	struct renew_facts	 of;
	struct renew_diff	 d;
	char			**miss = NULL, *lost = NULL, *m = NULL;
	size_t			 nmiss = 0, i;
	int			 rc = -1;

	memset(&d, 0, sizeof d);
	if (old != NULL) {
		if (renew_facts_cert(old, &of, cause) != 0)
			return (-1);
		renew_compare(&of, new, &d);
		renew_facts_done(&of);
		renew_note(r, against, &d);
		if (d.nlost > 0)
			lost = renew_join(d.lost, d.nlost);
	}
	if (asked != NULL) {
		renew_missing_sans(asked, new->san, &miss, &nmiss);
		if (nmiss > 0) {
			m = renew_join(miss, nmiss);
			step_note(r, "renewal WARNING: the CA's reply lacks "
			    "SANs the request asked for: %s", m);
			r->san_loss = true;
		}
	}
	if (r->san_loss && !accept && !dry_run) {
		if (m != NULL)
			cause_set(cause, "%s: the CA's reply lacks SANs the "
			    "request asked for: %s; %s, or accept the loss "
			    "(--accept-san-loss)", path, m, hint);
		else
			cause_set(cause, "%s: the new %s drops SANs of %s: "
			    "%s; %s, or accept the loss (--accept-san-loss)",
			    path, new->what, against, lost, hint);
		goto out;
	}
	if (r->san_loss && dry_run && !accept)
		step_note(r, "SANs would be lost: the change needs "
		    "--accept-san-loss (the dashboard asks twice)");
	rc = 0;
out:
	for (i = 0; i < nmiss; i++)
		free(miss[i]);
	free(miss);
	free(m);
	free(lost);
	renew_diff_free(&d);
	return (rc);
}

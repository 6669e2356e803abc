/* SPDX-License-Identifier: ISC */
/*
 * fuzz-acme.c -- the ACME answer parsers (core/acme-parse.c) on arbitrary
 * bytes: directory, account, order, authorization and problem documents,
 * then the one-line rendering of a problem and of any error, and the
 * header parsers (Link, Retry-After).  What parses must be well formed:
 * https URLs where URLs are kept, counts within their bounds, tokens
 * base64url, and the rendered lines free of control characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A line must be printable: no control characters. */
static void
check_line(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
	}
}

/* A failed parse must say why; the reason is rendered cleanly. */
static void
check_cause(char *cause)
{
	char	*c;

	if (cause == NULL)
		abort();
	c = acme_clean(cause, 300);
	check_line(c);
	free(c);
	free(cause);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct acme_dir		 d;
	struct acme_account_obj	 ac;
	struct acme_order_obj	 o;
	struct acme_authz_obj	 az;
	struct acme_problem	 p;
	const char		*t = (const char *)data;
	char			*cause = NULL, *s, **urls;
	size_t			 i, n;

	if (acme_parse_dir(t, len, &d, &cause) == 0) {
		if (!acme_url_ok(d.new_nonce) || !acme_url_ok(d.new_order))
			abort();
		acme_dir_done(&d);
	} else
		check_cause(cause);
	cause = NULL;
	if (acme_parse_account(t, len, &ac, &cause) == 0)
		acme_account_obj_done(&ac);
	else
		check_cause(cause);
	cause = NULL;
	if (acme_parse_order(t, len, &o, &cause) == 0) {
		if (o.nauthzs > ACME_MAX_NAMES || o.nidents > ACME_MAX_NAMES)
			abort();
		for (i = 0; i < o.nauthzs; i++) {
			if (!acme_url_ok(o.authzs[i]))
				abort();
		}
		if (o.error != NULL) {
			s = acme_problem_line(o.error, "x.test");
			check_line(s);
			free(s);
		}
		acme_order_obj_done(&o);
	} else
		check_cause(cause);
	cause = NULL;
	if (acme_parse_authz(t, len, &az, &cause) == 0) {
		for (i = 0; i < az.nchalls; i++) {
			if (!acme_url_ok(az.challs[i].url) ||
			    (az.challs[i].token != NULL &&
			    strspn(az.challs[i].token, "ABCDEFGHIJKLMNOPQRSTUV"
			    "WXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
			    strlen(az.challs[i].token)))
				abort();
		}
		acme_authz_obj_done(&az);
	} else
		check_cause(cause);
	cause = NULL;
	if (acme_parse_problem(t, len, &p, &cause) == 0) {
		s = acme_problem_line(&p, NULL);
		check_line(s);
		free(s);
		s = acme_problem_line(&p, "a.test");
		check_line(s);
		free(s);
		acme_problem_done(&p);
	} else
		check_cause(cause);

	/* The same bytes as header values. */
	s = xstrndup(t, len);
	n = acme_links(s, "alternate", &urls);
	for (i = 0; i < n; i++)
		free(urls[i]);
	free(urls);
	if (acme_retry_after(s, 1800000000) > 86400)
		abort();
	free(s);
	return (0);
}

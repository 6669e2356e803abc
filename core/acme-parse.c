/* SPDX-License-Identifier: ISC */
/*
 * acme-parse.c -- the ACME server's answers (RFC 8555 7.1) into structs.
 *
 * Every answer is untrusted: the text is bounded (ACME_BODY_MAX), parsed
 * by jansson with duplicate members refused, and each member we use is
 * checked for its type, its length (ACME_STR_MAX, no NUL inside) and, for
 * arrays, its count.  URLs must be https and printable.  Members we do not
 * use are ignored, as RFC 8555 asks.  A failure is one line naming the
 * member ("order: authorizations[3] is not a string").
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "core.h"

#define ACME_STR_MAX	4096	/* any string we keep */
#define ACME_MAX_CHALLS	16	/* challenges of one authorization */
#define ACME_MAX_SUB	100	/* subproblems of one problem */
#define ACME_MAX_LINKS	16	/* links of one header */
#define ACME_ERR_NS	"urn:ietf:params:acme:error:"

/* Parse text as a JSON object; *root is new. */
static int
acme_json(const char *text, size_t len, const char *what, json_t **root,
    char **cause)
{
	json_error_t	je;

	*root = NULL;
	if (len > ACME_BODY_MAX) {
		cause_set(cause, "%s: answer of %zu bytes (at most %d)", what,
		    len, ACME_BODY_MAX);
		return (-1);
	}
	if ((*root = json_loadb(text, len, JSON_REJECT_DUPLICATES,
	    &je)) == NULL) {
		cause_set(cause, "%s: not JSON (line %d: %s)", what, je.line,
		    je.text);
		return (-1);
	}
	if (!json_is_object(*root)) {
		json_decref(*root);
		*root = NULL;
		cause_set(cause, "%s: not a JSON object", what);
		return (-1);
	}
	return (0);
}

/* A string member (or array element when key is NULL: v itself).
 * Absent: 0 with *out NULL unless required. */
static int
acme_str(json_t *v, const char *what, const char *name, bool required,
    char **out, char **cause)
{
	const char	*s;
	size_t		 n;

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return (0);
		cause_set(cause, "%s: %s is missing", what, name);
		return (-1);
	}
	if (!json_is_string(v)) {
		cause_set(cause, "%s: %s is not a string", what, name);
		return (-1);
	}
	s = json_string_value(v);
	n = json_string_length(v);
	if (n > ACME_STR_MAX) {
		cause_set(cause, "%s: %s is %zu bytes long (at most %d)",
		    what, name, n, ACME_STR_MAX);
		return (-1);
	}
	if (strlen(s) != n) {
		cause_set(cause, "%s: %s holds a NUL character", what, name);
		return (-1);
	}
	*out = xstrndup(s, n);
	return (0);
}

/* A string member that must be an https URL. */
static int
acme_url(json_t *o, const char *key, const char *what, bool required,
    char **out, char **cause)
{
	if (acme_str(json_object_get(o, key), what, key, required, out,
	    cause) != 0)
		return (-1);
	if (*out != NULL && !acme_url_ok(*out)) {
		free(*out);
		*out = NULL;
		cause_set(cause, "%s: %s is not an https URL", what, key);
		return (-1);
	}
	return (0);
}

/* A string member that must be one of the words of set (|-separated). */
static int
acme_status(json_t *o, const char *what, const char *set, char **out,
    char **cause)
{
	const char	*p;
	size_t		 n;
	char		*c;

	if (acme_str(json_object_get(o, "status"), what, "status", true, out,
	    cause) != 0)
		return (-1);
	n = strlen(*out);
	for (p = set; n > 0 && *p != '\0'; p += strcspn(p, "|"),
	    p += (*p == '|')) {
		if (strncmp(p, *out, n) == 0 && (p[n] == '|' || p[n] == '\0'))
			return (0);
	}
	c = acme_clean(*out, 40);
	cause_set(cause, "%s: unknown status \"%s\"", what, c);
	free(c);
	free(*out);
	*out = NULL;
	return (-1);
}

/* An array member of at most max elements; absent: 0 with *arr NULL. */
static int
acme_array(json_t *o, const char *key, const char *what, size_t max,
    bool required, json_t **arr, char **cause)
{
	json_t	*v = json_object_get(o, key);

	*arr = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return (0);
		cause_set(cause, "%s: %s is missing", what, key);
		return (-1);
	}
	if (!json_is_array(v)) {
		cause_set(cause, "%s: %s is not an array", what, key);
		return (-1);
	}
	if (json_array_size(v) > max) {
		cause_set(cause, "%s: %s has %zu entries (at most %zu)", what,
		    key, json_array_size(v), max);
		return (-1);
	}
	*arr = v;
	return (0);
}

/* An identifier object {type, value}. */
static int
acme_ident_parse(json_t *v, const char *what, const char *name,
    struct acme_ident *id, char **cause)
{
	char	*n;
	int	 rc = -1;

	memset(id, 0, sizeof *id);
	xasprintf(&n, "%s.type", name);
	if (!json_is_object(v))
		cause_set(cause, "%s: %s is not an object", what, name);
	else if (acme_str(json_object_get(v, "type"), what, n, true,
	    &id->type, cause) == 0) {
		free(n);
		xasprintf(&n, "%s.value", name);
		if (acme_str(json_object_get(v, "value"), what, n, true,
		    &id->value, cause) == 0)
			rc = 0;
	}
	free(n);
	if (rc != 0) {
		free(id->type);
		free(id->value);
		memset(id, 0, sizeof *id);
	}
	return (rc);
}

/* The short type: without ACME's namespace. */
static char *
acme_problem_type(const char *t)
{
	if (strncmp(t, ACME_ERR_NS, strlen(ACME_ERR_NS)) == 0 &&
	    t[strlen(ACME_ERR_NS)] != '\0')
		return (xstrdup(t + strlen(ACME_ERR_NS)));
	return (xstrdup(t));
}

/* A problem document's object (also an "error" member). */
static int
acme_problem_obj(json_t *o, const char *what, struct acme_problem *p,
    char **cause)
{
	struct acme_subproblem	*sp;
	struct acme_ident	 id;
	json_t			*arr, *v;
	char			*t = NULL, *name;
	size_t			 i;

	memset(p, 0, sizeof *p);
	if (!json_is_object(o)) {
		cause_set(cause, "%s: the problem is not an object", what);
		return (-1);
	}
	if (acme_str(json_object_get(o, "type"), what, "type", false, &t,
	    cause) != 0)
		goto fail;
	p->type = acme_problem_type(t != NULL ? t : "about:blank");
	free(t);
	if (acme_str(json_object_get(o, "detail"), what, "detail", false,
	    &p->detail, cause) != 0 || acme_str(json_object_get(o,
	    "instance"), what, "instance", false, &p->instance, cause) != 0)
		goto fail;
	v = json_object_get(o, "status");
	if (json_is_integer(v) && json_integer_value(v) >= 100 &&
	    json_integer_value(v) <= 599)
		p->status = (int)json_integer_value(v);
	if ((v = json_object_get(o, "identifier")) != NULL) {
		if (acme_ident_parse(v, what, "identifier", &id, cause) != 0)
			goto fail;
		p->ident = id.value;
		free(id.type);
	}
	if (acme_array(o, "subproblems", what, ACME_MAX_SUB, false, &arr,
	    cause) != 0)
		goto fail;
	if (arr != NULL && json_array_size(arr) > 0)
		p->sub = xcalloc(json_array_size(arr), sizeof *p->sub);
	json_array_foreach(arr, i, v) {
		sp = &p->sub[p->nsub++];
		xasprintf(&name, "subproblems[%zu]", i);
		if (!json_is_object(v)) {
			cause_set(cause, "%s: %s is not an object", what, name);
			free(name);
			goto fail;
		}
		free(name);
		t = NULL;
		if (acme_str(json_object_get(v, "type"), what,
		    "subproblem type", false, &t, cause) != 0 ||
		    acme_str(json_object_get(v, "detail"), what,
		    "subproblem detail", false, &sp->detail, cause) != 0)
			goto fail;
		sp->type = acme_problem_type(t != NULL ? t : "about:blank");
		free(t);
		if (json_object_get(v, "identifier") != NULL) {
			if (acme_ident_parse(json_object_get(v, "identifier"),
			    what, "subproblem identifier", &id, cause) != 0)
				goto fail;
			sp->ident = id.value;
			free(id.type);
		}
	}
	return (0);
fail:
	acme_problem_done(p);
	return (-1);
}

int
acme_parse_problem(const char *text, size_t len, struct acme_problem *p,
    char **cause)
{
	json_t	*root;
	int	 rc;

	memset(p, 0, sizeof *p);
	if (acme_json(text, len, "problem", &root, cause) != 0)
		return (-1);
	rc = acme_problem_obj(root, "problem", p, cause);
	json_decref(root);
	return (rc);
}

void
acme_problem_done(struct acme_problem *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nsub; i++) {
		free(p->sub[i].type);
		free(p->sub[i].detail);
		free(p->sub[i].ident);
	}
	free(p->sub);
	free(p->type);
	free(p->detail);
	free(p->ident);
	free(p->instance);
	memset(p, 0, sizeof *p);
}

/* An optional "error" member as a new problem, or NULL. */
static int
acme_error_member(json_t *o, const char *what, struct acme_problem **pp,
    char **cause)
{
	json_t	*v = json_object_get(o, "error");

	*pp = NULL;
	if (v == NULL || json_is_null(v))
		return (0);
	*pp = xcalloc(1, sizeof **pp);
	if (acme_problem_obj(v, what, *pp, cause) != 0) {
		free(*pp);
		*pp = NULL;
		return (-1);
	}
	return (0);
}

int
acme_parse_dir(const char *text, size_t len, struct acme_dir *d,
    char **cause)
{
	const char	*what = "directory";
	json_t		*root, *meta, *v;
	int		 rc = -1;

	memset(d, 0, sizeof *d);
	if (acme_json(text, len, what, &root, cause) != 0)
		return (-1);
	if (acme_url(root, "newNonce", what, true, &d->new_nonce,
	    cause) != 0 ||
	    acme_url(root, "newAccount", what, true, &d->new_account,
	    cause) != 0 ||
	    acme_url(root, "newOrder", what, true, &d->new_order,
	    cause) != 0 ||
	    acme_url(root, "revokeCert", what, false, &d->revoke_cert,
	    cause) != 0 ||
	    acme_url(root, "keyChange", what, false, &d->key_change,
	    cause) != 0)
		goto out;
	meta = json_object_get(root, "meta");
	if (meta != NULL && !json_is_null(meta)) {
		if (!json_is_object(meta)) {
			cause_set(cause, "%s: meta is not an object", what);
			goto out;
		}
		/* The terms may be any URL the user can read (Pebble: a
		 * data: URL); it is shown, never fetched. */
		if (acme_str(json_object_get(meta, "termsOfService"), what,
		    "meta.termsOfService", false, &d->terms, cause) != 0 ||
		    acme_str(json_object_get(meta, "website"), what,
		    "meta.website", false, &d->website, cause) != 0)
			goto out;
		v = json_object_get(meta, "externalAccountRequired");
		if (v != NULL && !json_is_boolean(v)) {
			cause_set(cause, "%s: meta.externalAccountRequired is "
			    "not a boolean", what);
			goto out;
		}
		d->eab_required = json_is_true(v);
	}
	rc = 0;
out:
	json_decref(root);
	if (rc != 0)
		acme_dir_done(d);
	return (rc);
}

void
acme_dir_done(struct acme_dir *d)
{
	if (d == NULL)
		return;
	free(d->new_nonce);
	free(d->new_account);
	free(d->new_order);
	free(d->revoke_cert);
	free(d->key_change);
	free(d->terms);
	free(d->website);
	memset(d, 0, sizeof *d);
}

int
acme_parse_account(const char *text, size_t len, struct acme_account_obj *a,
    char **cause)
{
	const char	*what = "account";
	json_t		*root, *arr;
	int		 rc = -1;

	memset(a, 0, sizeof *a);
	if (acme_json(text, len, what, &root, cause) != 0)
		return (-1);
	if (acme_status(root, what, "valid|deactivated|revoked", &a->status,
	    cause) != 0 || acme_array(root, "contact", what, ACME_MAX_NAMES,
	    false, &arr, cause) != 0)
		goto out;
	if (arr != NULL && json_array_size(arr) > 0 &&
	    acme_str(json_array_get(arr, 0), what, "contact[0]", true,
	    &a->contact, cause) != 0)
		goto out;
	rc = 0;
out:
	json_decref(root);
	if (rc != 0)
		acme_account_obj_done(a);
	return (rc);
}

void
acme_account_obj_done(struct acme_account_obj *a)
{
	if (a == NULL)
		return;
	free(a->status);
	free(a->contact);
	memset(a, 0, sizeof *a);
}

int
acme_parse_order(const char *text, size_t len, struct acme_order_obj *o,
    char **cause)
{
	const char	*what = "order";
	json_t		*root, *arr, *v;
	char		*name;
	size_t		 i;
	int		 rc = -1;

	memset(o, 0, sizeof *o);
	if (acme_json(text, len, what, &root, cause) != 0)
		return (-1);
	if (acme_status(root, what, "pending|ready|processing|valid|invalid",
	    &o->status, cause) != 0 ||
	    acme_url(root, "finalize", what, true, &o->finalize,
	    cause) != 0 ||
	    acme_url(root, "certificate", what, false, &o->certificate,
	    cause) != 0 ||
	    acme_error_member(root, what, &o->error, cause) != 0)
		goto out;

	if (acme_array(root, "identifiers", what, ACME_MAX_NAMES, true, &arr,
	    cause) != 0)
		goto out;
	if (json_array_size(arr) > 0)
		o->idents = xcalloc(json_array_size(arr), sizeof *o->idents);
	json_array_foreach(arr, i, v) {
		xasprintf(&name, "identifiers[%zu]", i);
		if (acme_ident_parse(v, what, name, &o->idents[i],
		    cause) != 0) {
			free(name);
			goto out;
		}
		free(name);
		o->nidents++;
	}

	if (acme_array(root, "authorizations", what, ACME_MAX_NAMES, true,
	    &arr, cause) != 0)
		goto out;
	if (json_array_size(arr) > 0)
		o->authzs = xcalloc(json_array_size(arr), sizeof *o->authzs);
	json_array_foreach(arr, i, v) {
		xasprintf(&name, "authorizations[%zu]", i);
		if (acme_str(v, what, name, true, &o->authzs[i],
		    cause) != 0) {
			free(name);
			goto out;
		}
		o->nauthzs++;
		if (!acme_url_ok(o->authzs[i])) {
			cause_set(cause, "%s: %s is not an https URL", what,
			    name);
			free(name);
			goto out;
		}
		free(name);
	}
	rc = 0;
out:
	json_decref(root);
	if (rc != 0)
		acme_order_obj_done(o);
	return (rc);
}

void
acme_order_obj_done(struct acme_order_obj *o)
{
	size_t	i;

	if (o == NULL)
		return;
	for (i = 0; i < o->nidents; i++) {
		free(o->idents[i].type);
		free(o->idents[i].value);
	}
	free(o->idents);
	for (i = 0; i < o->nauthzs; i++)
		free(o->authzs[i]);
	free(o->authzs);
	free(o->status);
	free(o->finalize);
	free(o->certificate);
	acme_problem_done(o->error);
	free(o->error);
	memset(o, 0, sizeof *o);
}

/* One challenge object. */
static int
acme_chall_parse(json_t *v, const char *what, size_t i,
    struct acme_chall_obj *c, char **cause)
{
	const char	*p;
	char		*w;
	int		 rc = -1;

	memset(c, 0, sizeof *c);
	xasprintf(&w, "%s: challenges[%zu]", what, i);
	if (!json_is_object(v)) {
		cause_set(cause, "%s is not an object", w);
		goto out;
	}
	if (acme_str(json_object_get(v, "type"), w, "type", true, &c->type,
	    cause) != 0 ||
	    acme_url(v, "url", w, true, &c->url, cause) != 0 ||
	    acme_status(v, w, "pending|processing|valid|invalid", &c->status,
	    cause) != 0 ||
	    acme_str(json_object_get(v, "token"), w, "token", false,
	    &c->token, cause) != 0 ||
	    acme_error_member(v, w, &c->error, cause) != 0)
		goto out;
	/* A token goes into a URL path, a file name and a DNS value: only
	 * base64url characters (RFC 8555 8.1), and enough of them. */
	if (c->token != NULL) {
		for (p = c->token; *p != '\0'; p++) {
			if (!isalnum((unsigned char)*p) && *p != '-' &&
			    *p != '_')
				break;
		}
		if (*p != '\0' || strlen(c->token) < 16 ||
		    strlen(c->token) > 256) {
			cause_set(cause, "%s: token is not base64url of 16 to "
			    "256 characters", w);
			goto out;
		}
	}
	rc = 0;
out:
	free(w);
	if (rc != 0) {
		free(c->type);
		free(c->url);
		free(c->status);
		free(c->token);
		acme_problem_done(c->error);
		free(c->error);
		memset(c, 0, sizeof *c);
	}
	return (rc);
}

int
acme_parse_authz(const char *text, size_t len, struct acme_authz_obj *a,
    char **cause)
{
	const char	*what = "authorization";
	json_t		*root, *arr, *v;
	size_t		 i;
	int		 rc = -1;

	memset(a, 0, sizeof *a);
	if (acme_json(text, len, what, &root, cause) != 0)
		return (-1);
	if (acme_ident_parse(json_object_get(root, "identifier"), what,
	    "identifier", &a->ident, cause) != 0 ||
	    acme_status(root, what,
	    "pending|valid|invalid|deactivated|expired|revoked", &a->status,
	    cause) != 0)
		goto out;
	v = json_object_get(root, "wildcard");
	if (v != NULL && !json_is_boolean(v)) {
		cause_set(cause, "%s: wildcard is not a boolean", what);
		goto out;
	}
	a->wildcard = json_is_true(v);
	if (acme_array(root, "challenges", what, ACME_MAX_CHALLS, true, &arr,
	    cause) != 0)
		goto out;
	if (json_array_size(arr) > 0)
		a->challs = xcalloc(json_array_size(arr), sizeof *a->challs);
	json_array_foreach(arr, i, v) {
		if (acme_chall_parse(v, what, i, &a->challs[i], cause) != 0)
			goto out;
		a->nchalls++;
	}
	rc = 0;
out:
	json_decref(root);
	if (rc != 0)
		acme_authz_obj_done(a);
	return (rc);
}

void
acme_authz_obj_done(struct acme_authz_obj *a)
{
	size_t	i;

	if (a == NULL)
		return;
	free(a->ident.type);
	free(a->ident.value);
	free(a->status);
	for (i = 0; i < a->nchalls; i++) {
		free(a->challs[i].type);
		free(a->challs[i].url);
		free(a->challs[i].status);
		free(a->challs[i].token);
		acme_problem_done(a->challs[i].error);
		free(a->challs[i].error);
	}
	free(a->challs);
	memset(a, 0, sizeof *a);
}

/* Printable and one line; see core.h. */
char *
acme_clean(const char *s, size_t max)
{
	char	*out;
	size_t	 i, n;

	if (s == NULL)
		return (xstrdup(""));
	n = strlen(s);
	if (max < 4)
		max = 4;
	if (n > max)
		n = max - 3;
	out = xmalloc(n + 4);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = (c < 0x20 || c == 0x7f) ? (c == '\n' || c == '\t' ?
		    ' ' : '?') : (char)c;
	}
	/* Do not leave half a UTF-8 sequence at a cut. */
	if (n < strlen(s)) {
		while (i > 0 && ((unsigned char)out[i - 1] & 0xc0) == 0x80)
			i--;
		if (i > 0 && ((unsigned char)out[i - 1] & 0xc0) == 0xc0)
			i--;
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return (out);
}

/* "TYPE: DETAIL" (or one of them). */
static char *
acme_type_detail(const char *type, const char *detail)
{
	char	*t, *d, *s;

	t = acme_clean(type, 120);
	d = acme_clean(detail, 600);
	if (*d == '\0')
		s = xstrdup(*t != '\0' ? t : "unspecified problem");
	else if (*t == '\0' || strcmp(t, "about:blank") == 0)
		s = xstrdup(d);
	else
		xasprintf(&s, "%s: %s", t, d);
	free(t);
	free(d);
	return (s);
}

/* A problem as one line; see core.h. */
char *
acme_problem_line(const struct acme_problem *p, const char *name)
{
	const struct acme_subproblem	*sp;
	char				*line, *part, *n, *s;
	size_t				 i;

	if (p->nsub > 0) {
		/* Each subproblem names its identifier: those are what
		 * the user must fix, and the top line just counts them. */
		line = NULL;
		for (i = 0; i < p->nsub && i < 3; i++) {
			sp = &p->sub[i];
			part = acme_type_detail(sp->type, sp->detail);
			n = acme_clean(sp->ident != NULL ? sp->ident : name,
			    256);
			if (line == NULL)
				xasprintf(&s, "%s%s%s", n, *n != '\0' ? ": " :
				    "", part);
			else
				xasprintf(&s, "%s; %s%s%s", line, n, *n !=
				    '\0' ? ": " : "", part);
			free(line);
			line = s;
			free(part);
			free(n);
		}
		if (p->nsub > 3) {
			xasprintf(&s, "%s (and %zu more)", line, p->nsub - 3);
			free(line);
			line = s;
		}
		return (line);
	}
	part = acme_type_detail(p->type, p->detail);
	n = acme_clean(p->ident != NULL ? p->ident : name, 256);
	if (*n != '\0')
		xasprintf(&line, "%s: %s", n, part);
	else
		line = xstrdup(part);
	free(part);
	free(n);
	if (p->instance != NULL && acme_url_ok(p->instance)) {
		n = acme_clean(p->instance, 300);
		xasprintf(&s, "%s (see %s)", line, n);
		free(line);
		line = s;
		free(n);
	}
	return (line);
}

/* An https URL; see core.h. */
bool
acme_url_ok(const char *u)
{
	const char	*p;

	if (u == NULL || strncasecmp(u, "https://", 8) != 0 || u[8] == '\0' ||
	    u[8] == '/' || strlen(u) > ACME_STR_MAX)
		return (false);
	for (p = u; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return (false);
	}
	return (true);
}

/* Retry-After; see core.h.  At most a day. */
long
acme_retry_after(const char *v, time_t now)
{
	struct tm	 tm;
	const char	*end;
	long		 n = 0;
	time_t		 t;

	if (v == NULL)
		return (-1);
	while (*v == ' ' || *v == '\t')
		v++;
	if (isdigit((unsigned char)*v)) {
		for (; isdigit((unsigned char)*v); v++) {
			n = n * 10 + (*v - '0');
			if (n > 86400)
				n = 86400;
		}
		while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
			v++;
		return (*v == '\0' ? n : -1);
	}
	/* IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT". */
	memset(&tm, 0, sizeof tm);
	if ((end = strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm)) == NULL)
		return (-1);
	while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
		end++;
	if (*end != '\0' || (t = timegm(&tm)) == (time_t)-1)
		return (-1);
	if (t <= now)
		return (0);
	return (t - now > 86400 ? 86400 : (long)(t - now));
}

/* Does a rel parameter's value (space-separated relation types) hold
 * rel? */
static bool
acme_rel_has(const char *v, size_t n, const char *rel)
{
	size_t	i = 0, j, rl = strlen(rel);

	while (i < n) {
		while (i < n && v[i] == ' ')
			i++;
		for (j = i; j < n && v[j] != ' '; j++)
			;
		if (j - i == rl && strncasecmp(v + i, rel, rl) == 0)
			return (true);
		i = j;
	}
	return (false);
}

/* The links of one Link header value with rel; see core.h. */
size_t
acme_links(const char *s, const char *rel, char ***urls)
{
	const char	*p = s, *u, *ue, *name, *val;
	size_t		 n = 0, nl, vl, links = 0;
	bool		 match;

	*urls = NULL;
	while (*p != '\0' && links < ACME_MAX_LINKS) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p != '<')
			break;
		u = ++p;
		if ((ue = strchr(u, '>')) == NULL)
			break;
		p = ue + 1;
		links++;
		match = false;
		/* ;name=value or ;name="value" parameters. */
		for (;;) {
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p != ';')
				break;
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
			name = p;
			nl = strcspn(p, "=;, \t");
			p += nl;
			while (*p == ' ' || *p == '\t')
				p++;
			val = "";
			vl = 0;
			if (*p == '=') {
				p++;
				while (*p == ' ' || *p == '\t')
					p++;
				if (*p == '"') {
					val = ++p;
					vl = strcspn(p, "\"");
					p += vl;
					if (*p == '"')
						p++;
				} else {
					val = p;
					vl = strcspn(p, ";, \t");
					p += vl;
				}
			}
			if (nl == 3 && strncasecmp(name, "rel", 3) == 0 &&
			    acme_rel_has(val, vl, rel))
				match = true;
		}
		if (match) {
			*urls = xreallocarray(*urls, n + 1, sizeof **urls);
			(*urls)[n++] = xstrndup(u, (size_t)(ue - u));
		}
		while (*p != '\0' && *p != ',')
			p++;
	}
	return (n);
}

/* SPDX-License-Identifier: ISC */
/*
 * form-settings.c -- SSL settings: the seven properties of the vendor's
 * HTTPS procedure (docs/formats.md, Integration Manager layout),
 * pre-filled from the keystore, the
 * model and the wizard.  Checks as you type: the port, the keystore path
 * exists and its real format is the type declared, the password opens it,
 * the alias is a key entry, the base URL's host is in the certificate's
 * SANs; every key is left once (no duplicates).  The step is core's
 * step_settings (props_set, safe write, backup).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tui.h"

static const char *const st_bool[] = { "true", "false", NULL };

/* The seven, in the order of the vendor's procedure. */
enum {
	ST_PORT = 0,
	ST_REQUIRE,
	ST_STORE,
	ST_TYPE,
	ST_PASS,
	ST_ALIAS,
	ST_URL,
	ST__MAX
};
static const char *const st_keys[ST__MAX] = {
	"server.port", "security.require-ssl", "server.ssl.key-store",
	"server.ssl.key-store-type", "server.ssl.key-store-password",
	"server.ssl.key-alias", "im.base-url"
};

struct st {
	int		 i[ST__MAX];
	struct props	*props;		/* for ${...} and duplicates */
	char		*resolved;	/* the key-store path, resolved */
	struct keystore	*ks;		/* opened with the password */
	char		*ks_err;
	char		*ks_path;	/* what it was opened with */
	struct secret	*ks_pass;
	size_t		 ndup;		/* duplicate lines now */
};

struct st_arg {
	char		*path;
	struct step_prop props[ST__MAX];
	char		*values[ST__MAX];
	struct secret	*pass;
};

/* The key-store value resolved (${sharedDataPath}...), or NULL. */
static const char *
st_resolved(struct form *f)
{
	struct st	*s = form_priv(f);
	const char	*raw = form_get(f, s->i[ST_STORE]);
	char		*out = NULL, *c2 = NULL;

	free(s->resolved);
	s->resolved = NULL;
	if (*raw == '\0')
		return (NULL);
	if (strncmp(raw, "file:", 5) == 0)
		raw += 5;
	if (s->props != NULL && props_resolve(s->props, raw, 0, &out, NULL,
	    &c2) == 0)
		s->resolved = out;
	else
		s->resolved = xstrdup(raw);
	free(c2);
	return (s->resolved);
}

/* Will the wizard create this keystore in an earlier step? */
static bool
st_later(struct form *f, const char *path)
{
	struct wiz_ctx	*ctx = form_ctx(f);

	return (ctx != NULL && ctx->keystore != NULL && path != NULL &&
	    strcmp(ctx->keystore, path) == 0 && (ctx->ks_new ||
	    ctx->entry_new));
}

/* The keystore opened with the password field (cached per path and
 * password). */
static struct keystore *
st_keystore(struct form *f, const char **err)
{
	struct st		*s = form_priv(f);
	const struct secret	*pass = form_get_secret(f, s->i[ST_PASS]);
	const char		*path = st_resolved(f);

	*err = NULL;
	if (path == NULL || access(path, F_OK) != 0)
		return (NULL);
	if (s->ks_path != NULL && strcmp(s->ks_path, path) == 0 &&
	    secret_equal(s->ks_pass, pass)) {
		*err = s->ks_err;
		return (s->ks);
	}
	keystore_free(s->ks);
	s->ks = NULL;
	free(s->ks_err);
	s->ks_err = NULL;
	free(s->ks_path);
	secret_free(s->ks_pass);
	s->ks_path = xstrdup(path);
	s->ks_pass = secret_dup(pass);
	if (keystore_load(path, pass->len > 0 ? pass : NULL, pass->len > 0 ?
	    0 : KS_LOAD_NOVERIFY, &s->ks, &s->ks_err) != 0)
		s->ks = NULL;
	*err = s->ks_err;
	return (s->ks);
}

/* Check: the port. */
static char *
st_check_port(struct form *f, int i, enum sev *sev)
{
	const char	*v = form_get(f, i);
	char		*end;
	long		 p;

	p = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || p < 1 || p > 65535) {
		*sev = SEV_CRIT;
		return (xstrdup("a port number, 1 to 65535"));
	}
	if (p < 1024) {
		*sev = SEV_INFO;
		return (xstrdup("below 1024: the server needs root or "
		    "CAP_NET_BIND_SERVICE"));
	}
	return (NULL);
}

/* Check: the keystore file and its real format. */
static char *
st_check_store(struct form *f, int i, enum sev *sev)
{
	struct st	*s = form_priv(f);
	const char	*path = st_resolved(f);
	unsigned char	*buf = NULL;
	size_t		 len = 0;
	enum ks_format	 real, want;
	char		*r = NULL, *c2 = NULL;

	if (path == NULL) {
		*sev = SEV_CRIT;
		return (xstrdup("the keystore file is needed"));
	}
	if (path[0] != '/') {
		*sev = SEV_WARN;
		xasprintf(&r, "%s is relative to the server's working "
		    "directory: write an absolute path", path);
		return (r);
	}
	if (access(path, F_OK) != 0) {
		if (st_later(f, path)) {
			*sev = SEV_OK;
			return (xstrdup("created by an earlier step"));
		}
		*sev = SEV_CRIT;
		xasprintf(&r, "%s: no such file", path);
		return (r);
	}
	if (file_read(path, &buf, &len, &c2) != 0) {
		*sev = SEV_CRIT;
		return (c2);
	}
	real = keystore_sniff(buf, len);
	free(buf);
	want = form_get_storetype(f, s->i[ST_TYPE]);
	if (real != KS_FMT_JKS && real != KS_FMT_PKCS12) {
		*sev = SEV_CRIT;
		xasprintf(&r, "%s is not a keystore (%s)", path,
		    ks_format_name(real));
	} else if (real != want && !st_later(f, path)) {
		*sev = SEV_CRIT;
		xasprintf(&r, "the file is %s, but the type below says %s",
		    ks_format_name(real), ks_format_name(want));
	} else if (strcmp(path, form_get(f, i)) != 0) {
		*sev = SEV_OK;
		xasprintf(&r, "%s (%s)", path, ks_format_name(real));
	}
	return (r);
}

/* Check: the password opens the keystore. */
static char *
st_check_pass(struct form *f, int i, enum sev *sev)
{
	const struct secret	*pass = form_get_secret(f, i);
	struct keystore		*ks;
	const char		*err, *path = st_resolved(f);
	char			*r = NULL;

	if (st_later(f, path) && (path == NULL || access(path, F_OK) != 0)) {
		*sev = SEV_OK;
		return (xstrdup("the new keystore's password"));
	}
	if (pass->len == 0) {
		*sev = SEV_CRIT;
		return (xstrdup("the keystore's password is needed"));
	}
	if ((ks = st_keystore(f, &err)) == NULL) {
		if (err == NULL)
			return (NULL);
		*sev = SEV_CRIT;
		xasprintf(&r, "wrong password: %s", err);
		return (r);
	}
	*sev = SEV_OK;
	return (xstrdup("opens the keystore"));
}

/* Check: the alias is a key entry. */
static char *
st_check_alias(struct form *f, int i, enum sev *sev)
{
	const char	*alias = form_get(f, i), *err;
	struct keystore	*ks;
	struct ks_entry	*e;
	struct wiz_ctx	*ctx = form_ctx(f);
	char		*r = NULL;

	if (*alias == '\0') {
		*sev = SEV_CRIT;
		return (xstrdup("the key entry's alias is needed"));
	}
	if (st_later(f, st_resolved(f)) && ctx->alias != NULL &&
	    strcasecmp(ctx->alias, alias) == 0) {
		*sev = SEV_OK;
		return (xstrdup("the entry an earlier step makes"));
	}
	if ((ks = st_keystore(f, &err)) == NULL || !ks->verified)
		return (NULL);
	if ((e = keystore_find(ks, alias)) == NULL) {
		*sev = SEV_CRIT;
		xasprintf(&r, "no entry \"%s\" in the keystore", alias);
	} else if (e->type != KS_ENTRY_KEY) {
		*sev = SEV_CRIT;
		xasprintf(&r, "\"%s\" is a %s, not a key entry", e->alias,
		    ks_etype_name(e->type));
	} else if (e->nchain == 1 && e->chain[0]->info.self_signed &&
	    ctx != NULL && (ctx->kind == WIZ_CA_PART2 ||
	    ctx->kind == WIZ_RENEW_CA2) && !ctx->entry_new) {
		*sev = SEV_OK;
		r = xstrdup("key entry (its CA-signed chain comes with the "
		    "reply)");
	} else {
		*sev = SEV_OK;
		r = xstrdup("key entry");
	}
	return (r);
}

/* Is host one of the DNS/IP names of a SAN list string? */
static bool
st_san_has(const char *san, const char *host)
{
	struct san_list	*sl = NULL;
	size_t		 i;
	bool		 r = false;

	if (san == NULL || san_parse(san, &sl, NULL) != 0)
		return (false);
	for (i = 0; i < sl->n && !r; i++)
		r = (sl->items[i].type == SAN_DNS || sl->items[i].type ==
		    SAN_IP) && strcasecmp(sl->items[i].value, host) == 0;
	san_list_free(sl);
	return (r);
}

/* Check: the base URL is https://HOST where HOST is in the SANs. */
static char *
st_check_url(struct form *f, int i, enum sev *sev)
{
	struct st	*s = form_priv(f);
	struct wiz_ctx	*ctx = form_ctx(f);
	struct keystore	*ks;
	struct ks_entry	*e;
	const char	*err;
	char		*url = NULL, *scheme = NULL, *host = NULL, *r = NULL;
	char		*c2 = NULL, *raw, *p, *tmp;
	int		 port;

	if (*form_get(f, i) == '\0')
		return (NULL);
	/* ${server.port} is the field above, not what the file says. */
	raw = xstrdup(form_get(f, i));
	while ((p = strstr(raw, "${server.port}")) != NULL) {
		*p = '\0';
		xasprintf(&tmp, "%s%s%s", raw, form_get(f, s->i[ST_PORT]),
		    p + 14);
		free(raw);
		raw = tmp;
	}
	if (s->props == NULL || props_resolve(s->props, raw, PROPS_RES_NOENV,
	    &url, NULL, &c2) != 0)
		url = xstrdup(raw);
	free(raw);
	free(c2);
	if (!audit_parse_url(url, &scheme, &host, &port)) {
		*sev = SEV_WARN;
		xasprintf(&r, "not a URL: %s", url);
		goto out;
	}
	if (strcmp(scheme, "https") != 0) {
		*sev = SEV_WARN;
		r = xstrdup("write https:// (the server speaks HTTPS)");
		goto out;
	}
	if (strstr(host, "IM_SERVER_HOSTNAME") != NULL) {
		*sev = SEV_CRIT;
		r = xstrdup("put this server's host name here (the "
		    "documentation's placeholder)");
		goto out;
	}
	if (ctx != NULL && ctx->san != NULL && ctx->entry_new) {
		if (!st_san_has(ctx->san, host)) {
			*sev = SEV_WARN;
			xasprintf(&r, "%s is not in the new certificate's SANs "
			    "(%s)", host, ctx->san);
		} else {
			*sev = SEV_OK;
			xasprintf(&r, "%s is in the new certificate's SANs",
			    host);
		}
		goto out;
	}
	if ((ks = st_keystore(f, &err)) != NULL &&
	    (e = keystore_find(ks, form_get(f, s->i[ST_ALIAS]))) != NULL &&
	    e->nchain > 0) {
		if (audit_san_matches(e->chain[0], host)) {
			*sev = SEV_OK;
			xasprintf(&r, "%s is in the certificate's SANs", host);
		} else {
			*sev = SEV_WARN;
			xasprintf(&r, "%s is not in the certificate's SANs: "
			    "clients will refuse it", host);
		}
	}
out:
	free(url);
	free(scheme);
	free(host);
	return (r);
}

/* A value for key-store: ${sharedDataPath}/... when the path is there. */
static char *
st_store_value(struct form_env *env, const char *path)
{
	size_t	n;
	char	*r;

	if (env->shared != NULL && (n = strlen(env->shared)) > 0 &&
	    strncmp(path, env->shared, n) == 0 && path[n] == '/') {
		xasprintf(&r, "${sharedDataPath}%s", path + n);
		return (r);
	}
	return (xstrdup(path));
}

/* Add the seven. */
static void
st_init(struct form *f)
{
	struct form_env		*env = form_env(f);
	struct wiz_ctx		*ctx = form_ctx(f);
	struct st		*s;
	const struct prop_entry	**list = NULL;
	const struct secret	*pass;
	enum ks_format		 fmt;
	char			*v, *c2 = NULL, port[16];
	const char		*req;
	size_t			 k, n;

	s = xcalloc(1, sizeof *s);
	form_set_priv(f, s);
	if (env->properties == NULL || props_load(env->properties, &s->props,
	    &c2) != 0) {
		s->props = NULL;
		form_note(f, "application.properties", "%s", c2 != NULL ? c2 :
		    "not found");
		free(c2);
	} else
		form_note(f, "File", "%s", env->properties);

	snprintf(port, sizeof port, "%d", env->ssl && env->port > 0 ?
	    env->port : 443);
	s->i[ST_PORT] = form_text(f, st_keys[ST_PORT], port, st_check_port);
	req = s->props != NULL ? props_get(s->props, st_keys[ST_REQUIRE]) :
	    NULL;
	s->i[ST_REQUIRE] = form_choice(f, st_keys[ST_REQUIRE], st_bool,
	    req != NULL && strncasecmp(req, "false", 5) == 0 ? 1 : 0, NULL);
	if (ctx != NULL && ctx->keystore != NULL)
		v = st_store_value(env, ctx->keystore);
	else if (env->keystore_raw != NULL)
		v = xstrdup(env->keystore_raw);
	else
		v = st_store_value(env, env->keystore);
	s->i[ST_STORE] = form_text(f, st_keys[ST_STORE], v, st_check_store);
	free(v);
	fmt = ctx != NULL && ctx->keystore != NULL ? ctx->format : env->format;
	s->i[ST_TYPE] = form_storetype(f, st_keys[ST_TYPE], fmt, NULL);
	pass = ctx != NULL && ctx->storepass != NULL ? ctx->storepass :
	    env->storepass;
	s->i[ST_PASS] = form_password(f, st_keys[ST_PASS], pass,
	    st_check_pass);
	s->i[ST_ALIAS] = form_text(f, st_keys[ST_ALIAS], ctx != NULL &&
	    ctx->alias != NULL ? ctx->alias : env->alias, st_check_alias);
	xasprintf(&v, "https://%s:${server.port}", env->host);
	s->i[ST_URL] = form_text(f, st_keys[ST_URL], v, st_check_url);
	free(v);

	for (k = 0; k < ST__MAX && s->props != NULL; k++) {
		n = props_find_all(s->props, st_keys[k], &list);
		free(list);
		list = NULL;
		if (n > 1)
			s->ndup += n - 1;
	}
	if (s->ndup > 0)
		form_note(f, "Duplicates", "%zu duplicate line%s of these "
		    "keys will be removed (the last one wins in Java)",
		    s->ndup, s->ndup == 1 ? "" : "s");
}

/* Free a step's arguments (passwords wiped). */
static void
st_arg_free(void *p)
{
	struct st_arg	*a = p;
	size_t		 k;

	if (a == NULL)
		return;
	free(a->path);
	for (k = 0; k < ST__MAX; k++)
		free(a->values[k]);
	secret_free(a->pass);
	free(a);
}

/* The worker: core's settings step. */
static int
st_run(struct fstep *s, atomic_int *cancel, char **cause)
{
	struct st_arg			*a = s->arg;
	struct step_settings_opts	 o;
	struct step_result		 r;
	size_t				 i;

	memset(&o, 0, sizeof o);
	o.props = a->props;
	o.nprops = ST__MAX;
	o.dedup = true;
	if (step_settings(a->path, &o, &r, cause) != 0)
		return (-1);
	for (i = 0; i < r.nnotes; i++)
		fstep_line(&s->out, &s->nout, "%s", r.notes[i]);
	if (r.backup_id != 0)
		fstep_line(&s->out, &s->nout, "wrote %s (backup %u: tlsdeck "
		    "restore %u)", a->path, r.backup_id, r.backup_id);
	step_result_free(&r);
	return (0);
}

/* The step: a dry run says what changes. */
static struct fstep *
st_build(struct form *f, char **cause)
{
	struct st			*s = form_priv(f);
	struct form_env			*env = form_env(f);
	struct st_arg			*a;
	struct fstep			*fs;
	struct step_settings_opts	 o;
	struct step_result		 r;
	size_t				 k;

	if (env->properties == NULL || s->props == NULL) {
		*cause = xstrdup("no application.properties to write");
		return (NULL);
	}
	a = xcalloc(1, sizeof *a);
	a->path = xstrdup(env->properties);
	for (k = 0; k < ST__MAX; k++) {
		a->props[k].key = st_keys[k];
		if (k == ST_PASS) {
			a->pass = secret_dup(form_get_secret(f, s->i[k]));
			a->props[k].secret = a->pass;
		} else if (k == ST_REQUIRE || k == ST_TYPE) {
			a->values[k] = xstrdup(k == ST_REQUIRE ?
			    st_bool[form_get_choice(f, s->i[k])] :
			    ks_format_name(form_get_storetype(f, s->i[k])));
			a->props[k].value = a->values[k];
		} else {
			a->values[k] = xstrdup(form_get(f, s->i[k]));
			a->props[k].value = a->values[k];
		}
	}
	memset(&o, 0, sizeof o);
	o.props = a->props;
	o.nprops = ST__MAX;
	o.dedup = true;
	o.dry_run = true;
	if (step_settings(a->path, &o, &r, cause) != 0) {
		st_arg_free(a);
		return (NULL);
	}
	fs = fstep_new("SSL settings in %s", a->path);
	fstep_writes(fs, a, st_arg_free, st_run);
	fs->restart = true;
	for (k = 0; k < r.nnotes; k++)
		fstep_line(&fs->plan, &fs->nplan, "%s", r.notes[k]);
	fstep_line(&fs->plan, &fs->nplan, "every other line kept byte for "
	    "byte; a backup of the file first");
	step_result_free(&r);
	return (fs);
}

/* Free the form's own data. */
static void
st_free(struct form *f)
{
	struct st	*s = form_priv(f);

	if (s == NULL)
		return;
	props_free(s->props);
	free(s->resolved);
	keystore_free(s->ks);
	free(s->ks_err);
	free(s->ks_path);
	secret_free(s->ks_pass);
	free(s);
}

const struct form_def form_settings_def = {
	.kind = FORM_SETTINGS,
	.title = "SSL settings",
	.about = "The seven HTTPS properties in application.properties; "
	    "nothing else changes.",
	.init = st_init,
	.build = st_build,
	.free = st_free,
};

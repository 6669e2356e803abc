/* SPDX-License-Identifier: ISC */
/*
 * form.c -- the form widget every form is made of: labelled
 * items (libform text fields, choice fields, password entries from
 * passwd.c, read-only notes), each checked as you type with an error line
 * under it, plus what the forms share: where the server's files are (the
 * form environment), the keystore the form works on (cached per password),
 * and the step a form hands to the runner (wizard.c).
 *
 * libform: one FORM holds the text fields, posted on an
 * off-screen pad (everything on screen is drawn into stdscr each frame, so
 * the pad's cells are copied to where the field is shown).  O_BLANK,
 * O_AUTOSKIP, O_STATIC and the form's O_BS_OVERLOAD/O_NL_OVERLOAD are off;
 * control characters never reach form_driver_w; REQ_VALIDATION syncs the
 * buffer after every key.  Passwords never go through libform.
 *
 * The checks read files (a keystore: a PBKDF and every entry), so they do
 * not run per key: a key only marks the form stale, and the checks run
 * once the keys have stopped for FORM_IDLE_MS (the loop's tick), when the
 * focus moves to another item, a choice changes, or the form is submitted
 * or left.  A paste or a held key costs one check, not one per character.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <form.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include "tui.h"

#define FORM_LABEL_MIN	16		/* label column: the longest label, */
#define FORM_LABEL_MAX	31		/* within these */
#define FORM_FIELD_MAX	4096		/* bytes of a text field */
#define FORM_MSG_ROWS	3		/* rows of an item's message */
#define FORM_TOP	3		/* first row of the items */
#define FORM_IDLE_MS	200		/* quiet time before the checks run */

enum fkind {
	FK_TEXT = 0,
	FK_CHOICE,
	FK_PASSWORD,
	FK_NOTE
};

struct fitem {
	enum fkind	 kind;
	char		*label;
	form_check_fn	 check;
	FIELD		*field;		/* FK_TEXT */
	char		*text;		/* FK_TEXT (trimmed) and FK_NOTE */
	const char *const *choices;	/* FK_CHOICE, NULL-terminated */
	int		 nchoices;
	int		 sel;
	struct pw_entry	*pw;		/* FK_PASSWORD */
	char		*msg;		/* the check's message, or NULL */
	enum sev	 sev;		/* SEV_CRIT blocks the form */
};

/* The keystore a form looked at last (loading costs a PBKDF). */
struct fks_cache {
	char		*path;
	struct secret	*pass;
	struct stat	 sb;
	bool		 exists;
	struct keystore	*ks;
	char		*err;
};

struct form {
	struct tui		*t;
	const struct form_def	*def;
	struct form_env		*env;
	struct wiz_ctx		*ctx;		/* NULL outside a wizard */
	void			*priv;		/* the form's own data */
	char			*subtitle;	/* "step 2 of 4" */

	struct fitem		*items;
	size_t			 nitems;
	int			 focus;
	int			 top;		/* first item shown */

	FIELD			**fields;	/* text items, NULL-ended */
	size_t			 nfields;
	FORM			*lf;
	WINDOW			*pad;
	int			 fw;		/* field width */
	int			 lw;		/* label width */

	char			*status;	/* form-wide message */
	enum sev		 status_sev;

	int			 i_ks, i_pass, i_confirm, i_alias, i_replace;
	int			 ks_flags, alias_flags;
	struct fks_cache	 cache;

	bool			 stale;		/* edited since the checks ran
						   (holds one t->busy) */
	long long		 edited_ms;	/* the last edit, monotonic */
};

/* ------------------------------------------------------------------ */
/* The environment: the server's files, from the model. */

/* The directory part of a path (malloc'd; "." when there is none). */
char *
form_dirname(const char *path)
{
	const char	*sl;

	if (path == NULL || (sl = strrchr(path, '/')) == NULL)
		return (xstrdup("."));
	if (sl == path)
		return (xstrdup("/"));
	return (xstrndup(path, (size_t)(sl - path)));
}

/* A setting's source as a file name without its line
 * ("conf/server.xml:12" is "server.xml"), else as it is ("environment of
 * pid 42 (...)"), malloc'd. */
static char *
form_source_file(const char *src)
{
	const char	*sl;
	size_t		 n, i;

	if (strchr(src, ' ') != NULL)
		return (xstrdup(src));
	if ((sl = strrchr(src, '/')) != NULL)
		src = sl + 1;
	n = i = strlen(src);
	while (i > 0 && src[i - 1] >= '0' && src[i - 1] <= '9')
		i--;
	if (i < n && i > 1 && src[i - 1] == ':')
		return (xstrndup(src, i - 1));
	return (xstrdup(src));
}

/* What the forms need from the model, copied (the model is reloaded
 * after every write). */
struct form_env *
form_env_new(const struct server_model *m, const struct key_material *mat)
{
	struct form_env	*e;
	const char	*base;
	char		*scheme = NULL, *host = NULL, *dir, hn[256];
	int		 port;
	size_t		 i;

	if (mat == NULL)
		mat = m->served;
	e = xcalloc(1, sizeof *e);
	e->served = mat == m->served;
	e->reloads = mat->reload_on_update;
	e->role = mat->role;
	e->alias_setting = mat->keys.alias != NULL;
	if (m->properties != NULL)
		e->properties = xstrdup(m->properties);
	if (m->shared_data_path != NULL)
		e->shared = xstrdup(m->shared_data_path);
	if (mat->path != NULL)
		e->keystore = xstrdup(mat->path);
	else if (m->shared_data_path != NULL)
		xasprintf(&e->keystore, "%s/conf/ssl/keystore.p12",
		    m->shared_data_path);
	else if (m->properties != NULL) {
		dir = form_dirname(m->properties);
		xasprintf(&e->keystore, "%s/ssl/keystore.p12", dir);
		free(dir);
	} else
		e->keystore = xstrdup("keystore.p12");
	e->keystore_exists = access(e->keystore, F_OK) == 0;
	e->storepass = mat->storepass != NULL ?
	    secret_dup(mat->storepass) : NULL;
	if (mat->alias != NULL)
		e->alias = xstrdup(mat->alias);
	else if (mat->key_entry != NULL)	/* Jetty: no alias set */
		e->alias = xstrndup(mat->key_entry->alias,
		    mat->key_entry->alias_len);
	else if (m->kind != NULL && m->kind->plan_set != NULL)
		e->alias = xstrdup(m->kind->name);	/* "tomcat" */
	else
		e->alias = xstrdup("integration-manager");
	e->port = m->port;
	e->ssl = m->ssl;
	if (m->base_url != NULL)
		e->base_url = xstrdup(m->base_url);
	base = m->base_url;
	if (base != NULL && audit_parse_url(base, &scheme, &host, &port) &&
	    strstr(host, "IM_SERVER_HOSTNAME") == NULL && *host != '\0')
		e->host = xstrdup(host);
	else if (gethostname(hn, sizeof hn) == 0 && hn[0] != '\0') {
		hn[sizeof hn - 1] = '\0';
		e->host = xstrdup(hn);
	} else
		e->host = xstrdup("localhost");
	free(scheme);
	free(host);
	if (strcmp(e->host, "localhost") == 0)
		e->san = xstrdup("dns:localhost");
	else
		xasprintf(&e->san, "dns:%s,dns:localhost", e->host);
	if (mat->key_entry != NULL && mat->key_entry->nchain > 0 &&
	    mat->key_entry->chain[0]->info.nsan > 0) {
		struct san_list	*sl = NULL;

		if (san_list_from_info(&mat->key_entry->chain[0]->info, &sl,
		    NULL, NULL) == 0 && sl->n > 0) {
			free(e->cert_san);
			e->cert_san = san_list_to_string(sl);
		}
		san_list_free(sl);
	}
	if (m->jre.cacerts != NULL)
		e->cacerts = xstrdup(m->jre.cacerts);
	if (m->jre.home != NULL)
		e->jre_home = xstrdup(m->jre.home);
	for (i = 0; i < m->nsettings; i++) {
		if (mat->keys.store != NULL &&
		    strcmp(m->settings[i]->key, mat->keys.store) == 0 &&
		    m->settings[i]->raw != NULL)
			e->keystore_raw = xstrdup(m->settings[i]->raw);
		if (mat->keys.storepass != NULL && e->storepass_from == NULL &&
		    strcmp(m->settings[i]->key, mat->keys.storepass) == 0 &&
		    m->settings[i]->source != NULL)
			e->storepass_from = form_source_file(
			    m->settings[i]->source);
	}
	if (mat->ks != NULL)
		e->format = mat->ks->format;
	else if (mat->declared_type != NULL)
		e->format = ks_format_parse(mat->declared_type);
	for (i = 0; i < m->nmaterials; i++) {
		if (m->materials[i]->path == NULL ||
		    key_material_locked(m, m->materials[i]->path) !=
		    m->materials[i])
			continue;
		e->locked = xreallocarray(e->locked, e->nlocked + 1,
		    sizeof *e->locked);
		e->locked_why = xreallocarray(e->locked_why, e->nlocked + 1,
		    sizeof *e->locked_why);
		e->locked[e->nlocked] = xstrdup(m->materials[i]->path);
		xasprintf(&e->locked_why[e->nlocked++], "the %s key "
		    "material: %s", km_role_name(m->materials[i]->role),
		    m->materials[i]->not_renewable != NULL ?
		    m->materials[i]->not_renewable : "it must not change");
	}
	return (e);
}

/* Free an environment. */
void
form_env_free(struct form_env *e)
{
	size_t	i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nlocked; i++) {
		free(e->locked[i]);
		free(e->locked_why[i]);
	}
	free(e->locked);
	free(e->locked_why);
	free(e->properties);
	free(e->shared);
	free(e->keystore);
	free(e->keystore_raw);
	secret_free(e->storepass);
	free(e->storepass_from);
	free(e->alias);
	free(e->host);
	free(e->san);
	free(e->cert_san);
	free(e->base_url);
	free(e->cacerts);
	free(e->jre_home);
	free(e);
}

/* ------------------------------------------------------------------ */
/* Steps: what a form does, run by the runner (wizard.c). */

/* Append a formatted line to a line array. */
void
fstep_line(char ***lines, size_t *n, const char *fmt, ...)
{
	va_list	ap;

	*lines = xreallocarray(*lines, *n + 1, sizeof **lines);
	va_start(ap, fmt);
	xvasprintf(&(*lines)[*n], fmt, ap);
	va_end(ap);
	(*n)++;
}

/* A new step with a title (printf-style). */
struct fstep *
fstep_new(const char *fmt, ...)
{
	struct fstep	*s;
	va_list		 ap;

	s = xcalloc(1, sizeof *s);
	va_start(ap, fmt);
	xvasprintf(&s->title, fmt, ap);
	va_end(ap);
	return (s);
}

/* Free a step (its argument through its own free function). */
void
fstep_free(struct fstep *s)
{
	if (s == NULL)
		return;
	if (s->free_arg != NULL)
		s->free_arg(s->arg);
	free(s->title);
	free(s->doing);
	draw_lines_free(s->plan, s->nplan);
	draw_lines_free(s->out, s->nout);
	free(s->cause);
	free(s->confirm2);
	free(s);
}

/* The notes of a step result as result lines. */
void
fstep_notes(struct fstep *s, const struct step_result *r)
{
	size_t	i;

	for (i = 0; i < r->nnotes; i++)
		fstep_line(&s->out, &s->nout, "note: %s", r->notes[i]);
	if (r->backup_id != 0)
		fstep_line(&s->out, &s->nout, "backup %u of the previous "
		    "file (tlsdeck restore %u)", r->backup_id, r->backup_id);
}

/* ------------------------------------------------------------------ */
/* Items */

/* A new item (the array may move: callers keep indices). */
static int
form_item_new(struct form *f, enum fkind kind, const char *label,
    form_check_fn check)
{
	struct fitem	*it;

	f->items = xreallocarray(f->items, f->nitems + 1, sizeof *f->items);
	it = &f->items[f->nitems];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->label = xstrdup(label != NULL ? label : "");
	it->check = check;
	return ((int)f->nitems++);
}

/* Trim the blanks libform pads a buffer with (both ends), malloc'd. */
static char *
form_trim(const char *s)
{
	const char	*e;

	if (s == NULL)
		return (xstrdup(""));
	while (*s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && e[-1] == ' ')
		e--;
	return (xstrndup(s, (size_t)(e - s)));
}

/* A text item with an initial value (NULL: empty). */
int
form_text(struct form *f, const char *label, const char *value,
    form_check_fn check)
{
	struct fitem	*it;
	FIELD		*fld;
	int		 i;

	if (f->lf != NULL)
		fatalx("form_text after the form was posted");
	i = form_item_new(f, FK_TEXT, label, check);
	it = &f->items[i];
	fld = new_field(1, f->fw, (int)f->nfields, 0, 0, 0);
	if (fld == NULL)
		fatalx("new_field failed");
	field_opts_off(fld, O_BLANK | O_AUTOSKIP | O_STATIC);
	set_max_field(fld, FORM_FIELD_MAX);
	set_field_buffer(fld, 0, value != NULL ? value : "");
	set_field_userptr(fld, (void *)(intptr_t)i);
	it->field = fld;
	it->text = xstrdup(value != NULL ? value : "");
	f->fields = xreallocarray(f->fields, f->nfields + 2,
	    sizeof *f->fields);
	f->fields[f->nfields++] = fld;
	f->fields[f->nfields] = NULL;
	return (i);
}

/* A choice among values (NULL-terminated), sel selected. */
int
form_choice(struct form *f, const char *label, const char *const *values,
    int sel, form_check_fn check)
{
	struct fitem	*it;
	int		 i;

	i = form_item_new(f, FK_CHOICE, label, check);
	it = &f->items[i];
	it->choices = values;
	while (values[it->nchoices] != NULL)
		it->nchoices++;
	it->sel = sel >= 0 && sel < it->nchoices ? sel : 0;
	return (i);
}

/* A password entry, prefilled with a copy of value (may be NULL). */
int
form_password(struct form *f, const char *label, const struct secret *value,
    form_check_fn check)
{
	int	i;

	i = form_item_new(f, FK_PASSWORD, label, check);
	f->items[i].pw = pw_new(value);
	return (i);
}

/* A read-only line. */
int
form_note(struct form *f, const char *label, const char *fmt, ...)
{
	va_list	ap;
	int	i;

	i = form_item_new(f, FK_NOTE, label, NULL);
	va_start(ap, fmt);
	xvasprintf(&f->items[i].text, fmt, ap);
	va_end(ap);
	return (i);
}

/* The trimmed text of a text (or note) item; "" for others. */
const char *
form_get(struct form *f, int i)
{
	if (i < 0 || (size_t)i >= f->nitems || f->items[i].text == NULL)
		return ("");
	return (f->items[i].text);
}

/* The selected index of a choice item. */
int
form_get_choice(struct form *f, int i)
{
	if (i < 0 || (size_t)i >= f->nitems)
		return (0);
	return (f->items[i].sel);
}

/* The password of a password item (a view: do not free); NULL when the
 * item does not exist. */
const struct secret *
form_get_secret(struct form *f, int i)
{
	if (i < 0 || (size_t)i >= f->nitems || f->items[i].pw == NULL)
		return (NULL);
	return (pw_secret(f->items[i].pw));
}

/* Does a password item still hold the value it was given? */
bool
form_get_prefilled(struct form *f, int i)
{
	if (i < 0 || (size_t)i >= f->nitems || f->items[i].pw == NULL)
		return (false);
	return (pw_prefilled(f->items[i].pw));
}

/* Replace a text item's value. */
void
form_set(struct form *f, int i, const char *value)
{
	struct fitem	*it;

	if (i < 0 || (size_t)i >= f->nitems || f->items[i].kind != FK_TEXT)
		return;
	it = &f->items[i];
	set_field_buffer(it->field, 0, value);
	free(it->text);
	it->text = xstrdup(value);
}

/* How many items (the next item's index). */
size_t
form_nitems(struct form *f)
{
	return (f->nitems);
}

/* Accessors for the form-*.c files. */
struct tui *
form_tui(struct form *f)
{
	return (f->t);
}

/* The form's environment. */
struct form_env *
form_env(struct form *f)
{
	return (f->env);
}

/* The wizard's context, or NULL. */
struct wiz_ctx *
form_ctx(struct form *f)
{
	return (f->ctx);
}

/* The form's own data. */
void *
form_priv(struct form *f)
{
	return (f->priv);
}

/* Set the form's own data (freed by its def's free). */
void
form_set_priv(struct form *f, void *p)
{
	f->priv = p;
}

/* The form-wide message (under the items). */
void
form_status(struct form *f, enum sev sev, const char *fmt, ...)
{
	va_list	ap;

	free(f->status);
	f->status = NULL;
	if (fmt == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&f->status, fmt, ap);
	va_end(ap);
	f->status_sev = sev;
}

/* ------------------------------------------------------------------ */
/* The keystore the form works on */

/* Forget the cached keystore (its password wiped). */
static void
form_cache_clear(struct fks_cache *c)
{
	free(c->path);
	secret_free(c->pass);
	keystore_free(c->ks);
	free(c->err);
	memset(c, 0, sizeof *c);
}

/* The keystore path the form works on (field, or the wizard's). */
const char *
form_ks_path(struct form *f)
{
	if (f->i_ks >= 0)
		return (form_get(f, f->i_ks));
	if (f->ctx != NULL && f->ctx->keystore != NULL)
		return (f->ctx->keystore);
	return (f->env->keystore);
}

/* Whom a new file at path is for, copied (see tui.h). */
struct server_owner *
form_owner(struct form *f, const char *path)
{
	const struct server_owner	*so;
	struct server_owner		*o;

	if ((so = server_owner_for(f->t->model, path)) == NULL)
		return (NULL);
	o = xcalloc(1, sizeof *o);
	o->uid = so->uid;
	o->gid = so->gid;
	o->mode = so->mode;
	if (so->how != NULL)
		o->how = o->how_buf = xstrdup(so->how);
	return (o);
}

/* Free a form_owner copy (NULL-safe). */
void
form_owner_free(struct server_owner *o)
{
	if (o == NULL)
		return;
	free(o->how_buf);
	free(o);
}

/* Its password (field, or the wizard's; may be empty, never NULL). */
const struct secret *
form_ks_pass(struct form *f)
{
	static struct secret	 empty = { (char *)"", 0 };

	if (f->i_pass >= 0)
		return (form_get_secret(f, f->i_pass));
	if (f->ctx != NULL && f->ctx->storepass != NULL)
		return (f->ctx->storepass);
	return (&empty);
}

/* Will an earlier step of the wizard create the keystore? */
bool
form_ks_later(struct form *f)
{
	return (f->i_ks < 0 && f->ctx != NULL && f->ctx->ks_new);
}

/*
 * The keystore at form_ks_path opened with form_ks_pass (an empty
 * password lists a JKS unverified), cached until the path, password or
 * file changes.  NULL with *err (borrowed) when it cannot be opened; NULL
 * with *err NULL when the file does not exist.
 */
struct keystore *
form_keystore(struct form *f, const char **err)
{
	struct fks_cache	*c = &f->cache;
	const char		*path = form_ks_path(f);
	const struct secret	*pass = form_ks_pass(f);
	struct stat		 sb;
	bool			 exists;

	*err = NULL;
	if (*path == '\0')
		return (NULL);
	exists = stat(path, &sb) == 0;
	if (c->path != NULL && strcmp(c->path, path) == 0 &&
	    secret_equal(c->pass, pass) && c->exists == exists &&
	    (!exists || (sb.st_mtime == c->sb.st_mtime &&
	    sb.st_size == c->sb.st_size && sb.st_ino == c->sb.st_ino))) {
		*err = c->err;
		return (c->ks);
	}
	form_cache_clear(c);
	c->path = xstrdup(path);
	c->pass = secret_dup(pass);
	c->exists = exists;
	c->sb = sb;
	if (!exists)
		return (NULL);
	if (S_ISDIR(sb.st_mode))
		xasprintf(&c->err, "%s: is a directory", path);
	else if (keystore_load(path, pass->len > 0 ? pass : NULL,
	    pass->len > 0 ? 0 : KS_LOAD_NOVERIFY, &c->ks, &c->err) != 0)
		c->ks = NULL;
	else if (c->ks->format != KS_FMT_JKS &&
	    c->ks->format != KS_FMT_PKCS12 && c->ks->format != KS_FMT_JCEKS) {
		xasprintf(&c->err, "%s: is a %s certificate file, not a "
		    "keystore", path, ks_format_name(c->ks->format));
		keystore_free(c->ks);
		c->ks = NULL;
	}
	*err = c->err;
	return (c->ks);
}

/* The alias the form works on (field, or the wizard's). */
const char *
form_alias(struct form *f)
{
	if (f->i_alias >= 0)
		return (form_get(f, f->i_alias));
	if (f->ctx != NULL && f->ctx->alias != NULL)
		return (f->ctx->alias);
	return (f->env->alias);
}

/* Replace an existing entry? */
bool
form_replace(struct form *f)
{
	return (f->i_replace >= 0 && form_get_choice(f, f->i_replace) == 1);
}

/* Is the nearest existing ancestor of dir a writable directory? */
static bool
form_ancestor_ok(const char *dir)
{
	struct stat	 sb;
	char		*d = xstrdup(dir), *sl;
	bool		 ok = false;

	while (*d != '\0') {
		if (stat(d, &sb) == 0) {
			ok = S_ISDIR(sb.st_mode) && access(d, W_OK) == 0;
			break;
		}
		if ((sl = strrchr(d, '/')) == NULL)
			break;
		*sl = '\0';
	}
	free(d);
	return (ok);
}

/* mkdir -p for the directory of path (new levels 0755); runs in the
 * worker, before a step creates a keystore there. */
int
form_mkdirs(const char *path, char **cause)
{
	struct stat	 sb;
	char		*d = form_dirname(path), *p, c;
	int		 rc = 0;

	for (p = d + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (stat(d, &sb) != 0 && mkdir(d, 0755) != 0) {
			xasprintf(cause, "%s: cannot create the directory: %s",
			    d, strerror(errno));
			rc = -1;
			break;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	free(d);
	return (rc);
}

/* Is path a key material no form may change?  Why (malloc'd), or NULL. */
static char *
form_locked(const struct form_env *e, const char *path)
{
	char	 a[PATH_MAX], b[PATH_MAX], *r;
	size_t	 i;
	bool	 ra;

	if (e == NULL)
		return (NULL);
	ra = realpath(path, a) != NULL;
	for (i = 0; i < e->nlocked; i++) {
		if (strcmp(e->locked[i], path) == 0 || (ra &&
		    realpath(e->locked[i], b) != NULL && strcmp(a, b) == 0)) {
			xasprintf(&r, "never changed here: %s",
			    e->locked_why[i]);
			return (r);
		}
	}
	return (NULL);
}

/* Check: the keystore path. */
static char *
form_check_ks(struct form *f, int i, enum sev *sev)
{
	const char	*path = form_get(f, i), *err;
	struct keystore	*ks;
	char		*dir, *r = NULL;
	struct stat	 sb;

	if (*path == '\0') {
		*sev = SEV_CRIT;
		return (xstrdup("the keystore file is needed"));
	}
	if ((r = form_locked(form_env(f), path)) != NULL) {
		*sev = SEV_CRIT;
		return (r);
	}
	ks = form_keystore(f, &err);
	if (ks != NULL) {
		*sev = SEV_OK;
		xasprintf(&r, "%s keystore, %zu entr%s%s", ks_format_name(
		    ks->format), ks->nentries, ks->nentries == 1 ? "y" : "ies",
		    ks->verified || ks->passwordless ? "" : " (not verified)");
		return (r);
	}
	if (err != NULL) {
		/* A wrong password is the password field's business. */
		if (access(path, R_OK) == 0 && form_ks_pass(f)->len > 0 &&
		    f->i_pass >= 0) {
			*sev = SEV_INFO;
			return (xstrdup("exists (give its password)"));
		}
		*sev = SEV_CRIT;
		return (xstrdup(err));
	}
	if (!(f->ks_flags & FKS_CREATE)) {
		*sev = SEV_CRIT;
		xasprintf(&r, "%s: no such file", path);
		return (r);
	}
	dir = form_dirname(path);
	if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		*sev = SEV_OK;
		r = xstrdup("new file: it will be created");
	} else if (form_ancestor_ok(dir)) {
		*sev = SEV_OK;
		xasprintf(&r, "new file: it will be created, and %s with it",
		    dir);
	} else {
		*sev = SEV_CRIT;
		xasprintf(&r, "%s: no such directory", dir);
	}
	free(dir);
	return (r);
}

/* Check: the store password opens the keystore (or is good for a new
 * one). */
static char *
form_check_pass(struct form *f, int i, enum sev *sev)
{
	const struct secret	*pass = form_get_secret(f, i);
	struct keystore		*ks;
	const char		*err;
	char			*r = NULL;

	ks = form_keystore(f, &err);
	if (ks != NULL && (ks->verified || ks->passwordless)) {
		*sev = SEV_OK;
		if (form_get_prefilled(f, i) && f->env->storepass_from != NULL)
			xasprintf(&r, "opens the keystore (from %s)",
			    f->env->storepass_from);
		else
			r = xstrdup("opens the keystore");
		return (r);
	}
	if (ks != NULL) {
		*sev = SEV_CRIT;
		return (xstrdup("the keystore's password is needed"));
	}
	if (err != NULL) {
		if (pass->len == 0) {
			*sev = SEV_CRIT;
			return (xstrdup("the keystore's password is needed"));
		}
		*sev = SEV_CRIT;
		xasprintf(&r, "wrong password: %s", err);
		return (r);
	}
	/* A new keystore. */
	if (pass->len < STEP_PASS_MIN) {
		*sev = SEV_CRIT;
		xasprintf(&r, "a new keystore's password needs at least %d "
		    "characters (keytool's rule)", STEP_PASS_MIN);
		return (r);
	}
	return (NULL);
}

/* Check: the confirmation matches (new keystores only). */
static char *
form_check_confirm(struct form *f, int i, enum sev *sev)
{
	const char	*err;

	if (form_keystore(f, &err) != NULL || err != NULL) {
		*sev = SEV_INFO;
		return (xstrdup("not needed: the keystore exists"));
	}
	if (form_ks_later(f))
		return (NULL);
	if (!secret_equal(form_get_secret(f, i), form_ks_pass(f))) {
		*sev = SEV_CRIT;
		return (xstrdup("does not match the password"));
	}
	return (NULL);
}

/* Check: the alias, as the flags want it. */
static char *
form_check_alias(struct form *f, int i, enum sev *sev)
{
	const char	*alias = form_get(f, i), *err;
	struct keystore	*ks;
	struct ks_entry	*e;
	char		*r = NULL, *stored;

	if (*alias == '\0') {
		*sev = SEV_CRIT;
		return (xstrdup("an alias is needed"));
	}
	if (strchr(alias, ' ') != NULL && (f->alias_flags & FKA_NEW)) {
		*sev = SEV_WARN;
		return (xstrdup("spaces in an alias are legal but awkward in "
		    "keytool commands"));
	}
	if (form_ks_later(f)) {
		*sev = SEV_OK;
		return (xstrdup("the keystore is created by an earlier step"));
	}
	if ((ks = form_keystore(f, &err)) == NULL) {
		if (f->alias_flags & FKA_KEY) {
			*sev = SEV_INFO;
			return (xstrdup("checked once the keystore opens"));
		}
		return (NULL);
	}
	e = keystore_find(ks, alias);
	if (f->alias_flags & FKA_NEW) {
		if (e == NULL) {
			stored = step_alias_for(ks, alias);
			if (strcmp(stored, alias) != 0) {
				*sev = SEV_INFO;
				xasprintf(&r, "stored as \"%s\" (%s aliases "
				    "are lower-case)", stored,
				    ks_format_name(ks->format));
			}
			free(stored);
			return (r);
		}
		if (form_replace(f) && e->type == KS_ENTRY_KEY) {
			*sev = SEV_WARN;
			xasprintf(&r, "replaces the existing %s \"%s\" (a "
			    "backup of the file is kept)",
			    ks_etype_name(e->type), e->alias);
			return (r);
		}
		return (form_alias_taken(e, f->i_replace >= 0, sev));
	}
	if (e == NULL) {
		*sev = SEV_CRIT;
		xasprintf(&r, "no entry \"%s\" in the keystore", alias);
		return (r);
	}
	if ((f->alias_flags & FKA_KEY) && e->type != KS_ENTRY_KEY) {
		*sev = SEV_CRIT;
		xasprintf(&r, "\"%s\" is a %s, not a key entry", e->alias,
		    ks_etype_name(e->type));
		return (r);
	}
	if (e->nchain > 0) {
		char	*cn = draw_cn(e->chain[0]->info.subject);

		*sev = SEV_OK;
		xasprintf(&r, "%s, %s, %ld days left", ks_etype_name(e->type),
		    cn, cert_days_left(e->chain[0], time(NULL)));
		free(cn);
	}
	return (r);
}

/* Check: replace (re-checks the alias through the form's recheck). */
static char *
form_check_replace(struct form *f, int i, enum sev *sev)
{
	return (NULL);
}

/*
 * The keystore items: the file, its password (prefilled from
 * application.properties when it is the configured keystore) and, with
 * FKS_CREATE, a confirmation for a new file.  In a wizard whose earlier
 * step chose the keystore, a note instead.
 */
void
form_add_keystore(struct form *f, int flags)
{
	const struct secret	*pre = NULL;

	f->ks_flags = flags;
	if (f->ctx != NULL && f->ctx->keystore != NULL &&
	    !(flags & FKS_ASK)) {
		form_note(f, "Keystore", "%s%s", f->ctx->keystore,
		    f->ctx->ks_new ? " (created by an earlier step)" : "");
		return;
	}
	f->i_ks = form_text(f, "Keystore file", f->ctx != NULL &&
	    f->ctx->keystore != NULL ? f->ctx->keystore : f->env->keystore,
	    form_check_ks);
	if (f->ctx != NULL && f->ctx->storepass != NULL)
		pre = f->ctx->storepass;
	else if (f->env->storepass != NULL)
		pre = f->env->storepass;
	f->i_pass = form_password(f, "Keystore password", pre,
	    form_check_pass);
	if (flags & FKS_CREATE)
		f->i_confirm = form_password(f, "Password again (new)",
		    pre, form_check_confirm);
}

/* The alias item (FKA_NEW: must be free unless Replace; FKA_KEY: must be
 * a key entry), or the wizard's alias as a note. */
void
form_add_alias(struct form *f, const char *label, const char *value,
    int flags)
{
	f->alias_flags = flags;
	if (f->ctx != NULL && f->ctx->alias != NULL && !(flags & FKA_ASK)) {
		form_note(f, label, "%s%s", f->ctx->alias,
		    f->ctx->entry_new ? " (created by an earlier step)" : "");
		return;
	}
	f->i_alias = form_text(f, label, value != NULL ? value :
	    f->ctx != NULL && f->ctx->alias != NULL ? f->ctx->alias :
	    f->env->alias, form_check_alias);
	if (flags & FKA_NEW)
		f->i_replace = form_choice(f, "Replace existing entry",
		    form_yn, (flags & FKA_REPLACE) ? 1 : 0,
		    form_check_replace);
}

/* ------------------------------------------------------------------ */
/* Checks shared by several forms */

/* Check: a file that must exist and be readable. */
char *
form_check_file(struct form *f, int i, enum sev *sev)
{
	const char	*path = form_get(f, i);
	struct stat	 sb;
	char		*r = NULL;

	if (*path == '\0') {
		*sev = SEV_CRIT;
		return (xstrdup("a file is needed"));
	}
	if (stat(path, &sb) != 0 || access(path, R_OK) != 0) {
		*sev = SEV_CRIT;
		xasprintf(&r, "%s: cannot be read", path);
	} else if (S_ISDIR(sb.st_mode)) {
		*sev = SEV_CRIT;
		xasprintf(&r, "%s: is a directory", path);
	}
	return (r);
}

/* Check: a new output file (refused when it exists unless overwrite is
 * the next item and says yes). */
char *
form_check_outfile(struct form *f, int i, enum sev *sev)
{
	const char	*path = form_get(f, i);
	char		*dir, *kdir, *r = NULL;
	struct stat	 sb;
	bool		 over;

	if (*path == '\0') {
		*sev = SEV_CRIT;
		return (xstrdup("a file name is needed"));
	}
	over = (size_t)i + 1 < f->nitems && f->items[i + 1].kind ==
	    FK_CHOICE && f->items[i + 1].sel == 1;
	if (stat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			*sev = SEV_CRIT;
			xasprintf(&r, "%s: is a directory", path);
		} else if (over) {
			*sev = SEV_WARN;
			r = xstrdup("exists: it will be replaced (a backup is "
			    "kept)");
		} else {
			*sev = SEV_CRIT;
			r = xstrdup("exists: choose another name or set "
			    "Overwrite to yes");
		}
		return (r);
	}
	dir = form_dirname(path);
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		kdir = form_dirname(form_ks_path(f));
		if (form_ks_later(f) && strcmp(kdir, dir) == 0) {
			*sev = SEV_OK;
			r = xstrdup("in the directory an earlier step makes");
		} else {
			*sev = SEV_CRIT;
			xasprintf(&r, "%s: no such directory", dir);
		}
		free(kdir);
	}
	free(dir);
	return (r);
}

/* Split a list of paths (blanks or commas), malloc'd array of strings. */
size_t
form_split_files(const char *s, char ***out)
{
	char	**v = NULL, *copy, *p, *tok, *save = NULL;
	size_t	  n = 0;

	copy = xstrdup(s);
	for (p = copy; (tok = strtok_r(p, " ,\t", &save)) != NULL; p = NULL) {
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = xstrdup(tok);
	}
	free(copy);
	*out = v;
	return (n);
}

/* Check: one or more certificate files, each readable. */
char *
form_check_certfiles(struct form *f, int i, enum sev *sev)
{
	struct cert	**c = NULL;
	char		**files, *r = NULL, *c2 = NULL;
	size_t		  n, nc, j, total = 0;

	n = form_split_files(form_get(f, i), &files);
	if (n == 0) {
		*sev = SEV_CRIT;
		r = xstrdup("one or more files are needed (separate them with "
		    "spaces)");
	}
	for (j = 0; j < n && r == NULL; j++) {
		if (certs_read_file(files[j], &c, &nc, &c2) != 0) {
			*sev = SEV_CRIT;
			r = c2;
			c2 = NULL;
			break;
		}
		if (nc == 0) {
			*sev = SEV_CRIT;
			xasprintf(&r, "%s: contains no certificate", files[j]);
		}
		total += nc;
		certs_free(c, nc);
	}
	if (r == NULL && n > 0) {
		*sev = SEV_OK;
		xasprintf(&r, "%zu certificate%s in %zu file%s", total,
		    total == 1 ? "" : "s", n, n == 1 ? "" : "s");
	}
	draw_lines_free(files, n);
	free(c2);
	return (r);
}

/* ------------------------------------------------------------------ */
/* Helpers shared by the file forms (certificates, PEM, CA reply) */

/* The choices of a yes/no item. */
const char *const form_yn[] = { "no", "yes", NULL };

/* The store types a form offers for a new keystore, the default first
 * (ks_format_parse reads each). */
static const char *const form_storetypes[] = { "PKCS12", "JKS", NULL };

/* A choice of store type, sel preselected (the default if not offered). */
int
form_storetype(struct form *f, const char *label, enum ks_format sel,
    form_check_fn check)
{
	int	i, n = 0;

	for (i = 0; form_storetypes[i] != NULL; i++)
		if (ks_format_parse(form_storetypes[i]) == sel)
			n = i;
	return (form_choice(f, label, form_storetypes, n, check));
}

/* The format chosen in a form_storetype item. */
enum ks_format
form_get_storetype(struct form *f, int item)
{
	return (ks_format_parse(form_storetypes[form_get_choice(f, item)]));
}

/* Check message: the alias is taken by e (SEV_CRIT). */
char *
form_alias_taken(const struct ks_entry *e, bool can_replace, enum sev *sev)
{
	char	*r;

	*sev = SEV_CRIT;
	xasprintf(&r, "alias \"%s\" exists (%s): choose another%s",
	    e->alias, ks_etype_name(e->type), can_replace ?
	    " or set Replace to yes" : "");
	return (r);
}

/* Fill a file form's step arguments: the keystore and its password, the
 * alias and cacerts (copied, NULL stays NULL) and the files of item. */
void
form_farg_init(struct form *f, struct form_farg *a, int item,
    const char *alias, const char *cacerts)
{
	memset(a, 0, sizeof *a);
	a->path = xstrdup(form_ks_path(f));
	a->pass = secret_dup(form_ks_pass(f));
	if (alias != NULL)
		a->alias = xstrdup(alias);
	if (cacerts != NULL)
		a->cacerts = xstrdup(cacerts);
	a->nfiles = form_split_files(form_get(f, item), &a->files);
	a->owner = form_owner(f, a->path);
}

/* Free what form_farg_init filled (the password wiped). */
void
form_farg_clear(struct form_farg *a)
{
	free(a->path);
	secret_free(a->pass);
	free(a->alias);
	draw_lines_free(a->files, a->nfiles);
	free(a->cacerts);
	form_owner_free(a->owner);
}

/* Make s a step that writes files: its argument, free function, worker. */
void
fstep_writes(struct fstep *s, void *arg, void (*free_arg)(void *),
    int (*run)(struct fstep *, atomic_int *, char **))
{
	s->arg = arg;
	s->free_arg = free_arg;
	s->run = run;
	s->writes = true;
}

/* The notes of a step result (a dry run) as plan lines. */
void
fstep_plan_notes(struct fstep *s, const struct step_result *r)
{
	size_t	i;

	for (i = 0; i < r->nnotes; i++)
		fstep_line(&s->plan, &s->nplan, "note: %s", r->notes[i]);
}

/* A form's free function when its own data is one allocation. */
void
form_free_priv(struct form *f)
{
	free(f->priv);
}

/* ------------------------------------------------------------------ */
/* The widget */

/* The label column: as wide as the widest label (within limits). */
static void
form_layout(struct form *f)
{
	size_t	i;
	int	w;

	f->lw = FORM_LABEL_MIN;
	for (i = 0; i < f->nitems; i++) {
		w = draw_width(f->items[i].label) + 1;
		if (w > f->lw)
			f->lw = w;
	}
	if (f->lw > FORM_LABEL_MAX)
		f->lw = FORM_LABEL_MAX;
}

/* A new form of def (ctx: the wizard's context, or NULL). */
struct form *
form_new(struct tui *t, const struct form_def *def, struct wiz_ctx *ctx,
    struct form_env *env)
{
	struct form	*f;
	int		 fw;

	f = xcalloc(1, sizeof *f);
	f->t = t;
	f->def = def;
	f->ctx = ctx;
	f->env = env;
	f->i_ks = f->i_pass = f->i_confirm = f->i_alias = f->i_replace = -1;
	/* Fields are made as wide as the widest label leaves room for. */
	f->lw = FORM_LABEL_MAX;
	fw = COLS - 4 - f->lw - 2;
	f->fw = fw < 20 ? 20 : fw > 70 ? 70 : fw;
	def->init(f);
	form_layout(f);
	if (f->nfields > 0) {
		f->pad = newpad((int)f->nfields, f->fw);
		f->lf = new_form(f->fields);
		if (f->pad == NULL || f->lf == NULL)
			fatalx("cannot make a form");
		form_opts_off(f->lf, O_BS_OVERLOAD | O_NL_OVERLOAD);
		set_form_win(f->lf, f->pad);
		set_form_sub(f->lf, f->pad);
		if (post_form(f->lf) != E_OK)
			fatalx("cannot post a form");
	}
	/* The first editable item has the focus. */
	for (f->focus = 0; (size_t)f->focus < f->nitems &&
	    f->items[f->focus].kind == FK_NOTE; f->focus++)
		;
	if ((size_t)f->focus == f->nitems)
		f->focus = 0;
	form_focus(f, f->focus);
	form_recheck(f);
	return (f);
}

/* Free a form (passwords wiped). */
void
form_free(struct form *f)
{
	size_t	i;

	if (f == NULL)
		return;
	if (f->stale)
		f->t->busy--;
	if (f->def->free != NULL)
		f->def->free(f);
	if (f->lf != NULL) {
		unpost_form(f->lf);
		free_form(f->lf);
	}
	for (i = 0; i < f->nitems; i++) {
		if (f->items[i].field != NULL)
			free_field(f->items[i].field);
		pw_free(f->items[i].pw);
		free(f->items[i].label);
		free(f->items[i].text);
		free(f->items[i].msg);
	}
	if (f->pad != NULL)
		delwin(f->pad);
	form_cache_clear(&f->cache);
	free(f->items);
	free(f->fields);
	free(f->status);
	free(f->subtitle);
	free(f);
}

/* The form's definition. */
const struct form_def *
form_def(struct form *f)
{
	return (f->def);
}

/* Set the subtitle ("step 2 of 4"). */
void
form_subtitle(struct form *f, const char *s)
{
	free(f->subtitle);
	f->subtitle = s != NULL ? xstrdup(s) : NULL;
}

/* Copy the current field's buffer into its item (REQ_VALIDATION syncs
 * libform's buffer with what was typed). */
static void
form_sync(struct form *f)
{
	struct fitem	*it = &f->items[f->focus];

	if (it->kind != FK_TEXT)
		return;
	form_driver(f->lf, REQ_VALIDATION);
	free(it->text);
	it->text = form_trim(field_buffer(it->field, 0));
}

/* Move the focus to item i (a text field gets libform's cursor at its
 * end, where users expect to append). */
void
form_focus(struct form *f, int i)
{
	struct fitem	*it;

	if (i < 0 || (size_t)i >= f->nitems)
		return;
	form_sync(f);
	/* Leaving an edited item: its checks now. */
	if (f->stale)
		form_recheck(f);
	f->focus = i;
	it = &f->items[i];
	if (it->kind == FK_TEXT) {
		set_current_field(f->lf, it->field);
		form_driver(f->lf, REQ_END_FIELD);
	}
}

/* Milliseconds on the monotonic clock. */
static long long
form_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* A key changed a value: the checks are due once the keys stop.  While
 * they are due the form holds t->busy, so the loop ticks (form_idle). */
static void
form_edited(struct form *f)
{
	f->edited_ms = form_now_ms();
	if (!f->stale) {
		f->stale = true;
		f->t->busy++;
	}
}

/* The loop's tick: run the checks when they are due and the keys have
 * stopped for FORM_IDLE_MS; true when the form changed. */
bool
form_idle(struct form *f)
{
	if (f == NULL || !f->stale ||
	    form_now_ms() - f->edited_ms < FORM_IDLE_MS)
		return (false);
	form_recheck(f);
	return (true);
}

/* Run every item's check (values depend on each other: the alias on the
 * keystore, the confirmation on the password). */
void
form_recheck(struct form *f)
{
	struct fitem	*it;
	size_t		 i;

	if (f->stale) {
		f->stale = false;
		f->t->busy--;
	}
	for (i = 0; i < f->nitems; i++) {
		it = &f->items[i];
		free(it->msg);
		it->msg = NULL;
		it->sev = SEV_OK;
		if (f->def->skip != NULL && f->def->skip(f, (int)i))
			continue;
		if (it->check != NULL)
			it->msg = it->check(f, (int)i, &it->sev);
	}
}

/* How many items block the form; *first receives the first one. */
static int
form_blockers(struct form *f, int *first)
{
	size_t	i;
	int	n = 0;

	*first = -1;
	for (i = 0; i < f->nitems; i++) {
		if (f->items[i].msg != NULL && f->items[i].sev == SEV_CRIT) {
			if (n++ == 0)
				*first = (int)i;
		}
	}
	return (n);
}

/* Submit: every check passes, then the form's step.  NULL when it
 * cannot go ahead (the form says why). */
struct fstep *
form_submit(struct form *f)
{
	struct fstep	*s;
	char		*cause = NULL;
	int		 n, first;

	form_sync(f);
	form_recheck(f);
	if ((n = form_blockers(f, &first)) > 0) {
		form_focus(f, first);
		form_status(f, SEV_CRIT, "%d field%s need%s attention: "
		    "nothing was written", n, n == 1 ? "" : "s", n == 1 ?
		    "s" : "");
		return (NULL);
	}
	if ((s = f->def->build(f, &cause)) == NULL) {
		form_status(f, SEV_CRIT, "%s", cause != NULL ? cause :
		    "cannot go ahead");
		free(cause);
		return (NULL);
	}
	form_status(f, SEV_OK, NULL);
	return (s);
}

/* Move the focus by dir over the editable items. */
static void
form_move(struct form *f, int dir)
{
	int	i = f->focus;

	do {
		i += dir;
	} while (i >= 0 && (size_t)i < f->nitems &&
	    f->items[i].kind == FK_NOTE);
	if (i >= 0 && (size_t)i < f->nitems)
		form_focus(f, i);
}

/* Is i the last editable item? */
static bool
form_last(struct form *f, int i)
{
	size_t	j;

	for (j = (size_t)i + 1; j < f->nitems; j++)
		if (f->items[j].kind != FK_NOTE)
			return (false);
	return (true);
}

/* Editing keys of a text field; true when the key was one. */
static bool
form_text_key(struct form *f, int ch)
{
	int	req = 0;

	switch (ch) {
	case TK(KEY_LEFT):
		req = REQ_PREV_CHAR;
		break;
	case TK(KEY_RIGHT):
		req = REQ_NEXT_CHAR;
		break;
	case TK(KEY_HOME):
	case TK_CTRL('a'):
		req = REQ_BEG_FIELD;
		break;
	case TK(KEY_END):
	case TK_CTRL('e'):
		req = REQ_END_FIELD;
		break;
	case TK(KEY_BACKSPACE):
	case 127:
	case 8:
		req = REQ_DEL_PREV;
		break;
	case TK(KEY_DC):
		req = REQ_DEL_CHAR;
		break;
	case TK_CTRL('u'):
		req = REQ_CLR_FIELD;
		break;
	case TK_CTRL('k'):
		req = REQ_CLR_EOF;
		break;
	}
	if (req != 0) {
		form_driver(f->lf, req);
		return (true);
	}
	/* Printable characters only: form_driver_w would insert ^X text. */
	if (ch >= 0x20 && ch < TK(0) && iswprint((wint_t)ch)) {
		form_driver_w(f->lf, OK, (wchar_t)ch);
		return (true);
	}
	return (false);
}

/*
 * One key.  Returns FORM_K_SUBMIT when the user asks to go on (the caller
 * calls form_submit), FORM_K_BACK for Esc, FORM_K_HANDLED, or
 * FORM_K_UNHANDLED (F1, F10: the global keys).
 */
int
form_key(struct form *f, enum tui_action a, int ch)
{
	struct fitem	*it = &f->items[f->focus];
	bool		 changed = false;

	form_status(f, SEV_OK, NULL);
	/* Text and passwords take printable keys before the key table. */
	if (it->kind == FK_TEXT && ch != '\t' && ch != '\r' && ch != '\n' &&
	    ch != TK_ESC && form_text_key(f, ch)) {
		form_sync(f);
		form_edited(f);
		return (FORM_K_HANDLED);
	}
	if (it->kind == FK_PASSWORD && pw_key(it->pw, ch)) {
		form_edited(f);
		return (FORM_K_HANDLED);
	}
	if (it->kind == FK_PASSWORD && ch >= 0x20 && ch < TK(0))
		return (FORM_K_HANDLED);	/* too long: ignored */
	switch (a) {
	case ACT_NEXT_PANEL:
		form_move(f, 1);
		break;
	case ACT_PREV_PANEL:
		form_move(f, -1);
		break;
	case ACT_OPEN:
		if (form_last(f, f->focus))
			return (FORM_K_SUBMIT);
		form_move(f, 1);
		break;
	case ACT_SUBMIT:
		return (FORM_K_SUBMIT);
	case ACT_RIGHT:
	case ACT_LEFT:
		if (it->kind != FK_CHOICE || it->nchoices == 0)
			break;
		it->sel = (it->sel + (a == ACT_LEFT ? it->nchoices - 1 : 1)) %
		    it->nchoices;
		changed = true;
		break;
	case ACT_BACK:
		if (f->stale)
			form_recheck(f);
		return (FORM_K_BACK);
	default:
		return (FORM_K_UNHANDLED);
	}
	if (changed || f->stale)
		form_recheck(f);
	return (FORM_K_HANDLED);
}

/* Rows an item takes: its line and its message. */
static int
form_item_rows(const struct form *f, const struct fitem *it, int mw)
{
	char	**lines;
	size_t	  n;

	if (it->kind == FK_NOTE && it->text != NULL && it->text[0] != '/') {
		n = draw_wrap(it->text, mw + 2, &lines);
		draw_lines_free(lines, n);
		return (n > FORM_MSG_ROWS ? FORM_MSG_ROWS : n > 0 ? (int)n :
		    1);
	}
	if (it->msg == NULL)
		return (1);
	n = draw_wrap(it->msg, mw, &lines);
	draw_lines_free(lines, n);
	return (1 + (n > FORM_MSG_ROWS ? FORM_MSG_ROWS : (int)n));
}

/* Copy a text field's cells from the pad to the screen. */
static void
form_draw_field(struct form *f, const struct fitem *it, int y, int x, int w,
    attr_t attr)
{
	cchar_t	 cells[256];
	wchar_t	 wc[CCHARW_MAX + 1];
	attr_t	 a;
	short	 pair;
	int	 row, i, n;

	row = field_index(it->field);
	n = w < f->fw ? w : f->fw;
	if (n > (int)(sizeof cells / sizeof cells[0]) - 1)
		n = (int)(sizeof cells / sizeof cells[0]) - 1;
	mvwin_wchnstr(f->pad, row, 0, cells, n);
	for (i = 0; i < n; i++) {
		if (getcchar(&cells[i], wc, &a, &pair, NULL) == ERR)
			continue;
		setcchar(&cells[i], wc, attr, PAIR_NUMBER(attr), NULL);
	}
	wattrset(stdscr, attr);
	mvwhline(stdscr, y, x, ' ' | attr, w);
	mvwadd_wchnstr(stdscr, y, x, cells, n);
	wattrset(stdscr, A_NORMAL);
}

/* A choice: every value, the selected one marked. */
static int
form_draw_choice(struct form *f, const struct fitem *it, int y, int x, int w,
    bool focus)
{
	struct tui	*t = f->t;
	int		 i, cx = x, sx = x;

	for (i = 0; i < it->nchoices && cx < x + w; i++) {
		if (i == it->sel) {
			sx = cx;
			cx += draw_printf(t, y, cx, x + w - cx, focus ?
			    THEME_SELECTED : THEME_TITLE, "[%s]",
			    it->choices[i]);
		} else
			cx += draw_printf(t, y, cx, x + w - cx, THEME_MUTED,
			    " %s ", it->choices[i]);
		cx++;
	}
	return (sx + 1);
}

/* Draw the form full screen: title, items with their messages, status,
 * hint bar; the hardware cursor in the focused field. */
void
form_draw(struct form *f)
{
	struct tui	*t = f->t;
	struct fitem	*it;
	const char	*glyph;
	char		**lines;
	size_t		  nl, j;
	int		  i, y, fx, fw, mw, bottom, rows, cx = -1, cy = -1;
	int		  py, px;
	attr_t		  fattr;
	bool		  focus;

	draw_box(t, 0, 0, LINES - 1, COLS, THEME_FOCUS, f->def->title,
	    f->subtitle);
	if (f->def->about != NULL)
		draw_text(t, 1, 2, COLS - 4, THEME_MUTED, f->def->about);
	fx = 2 + f->lw + 1;
	fw = COLS - fx - 2;
	if (fw > f->fw)
		fw = f->fw;
	if (fw < 4)
		fw = 4;
	mw = COLS - fx - 4;
	if (mw < 10)
		mw = 10;
	bottom = LINES - 4;		/* last row for items */

	/* Scroll so the focused item and its message are in view. */
	if (f->focus < f->top)
		f->top = f->focus;
	for (;;) {
		rows = 0;
		for (i = f->top; i <= f->focus; i++)
			rows += form_item_rows(f, &f->items[i], mw);
		if (FORM_TOP + rows - 1 <= bottom || f->top >= f->focus)
			break;
		f->top++;
	}
	/* Show the notes just above the first field when there is room. */
	while (f->top > 0 && f->items[f->top - 1].kind == FK_NOTE) {
		rows = 0;
		for (i = f->top - 1; i <= f->focus; i++)
			rows += form_item_rows(f, &f->items[i], mw);
		if (FORM_TOP + rows - 1 > bottom)
			break;
		f->top--;
	}

	y = FORM_TOP;
	for (i = f->top; (size_t)i < f->nitems && y <= bottom; i++) {
		it = &f->items[i];
		focus = i == f->focus;
		draw_text(t, y, 2, f->lw, focus ? THEME_TITLE :
		    it->kind == FK_NOTE ? THEME_MUTED : THEME_TEXT, it->label);
		fattr = focus ? colour_attr(t, THEME_SELECTED) :
		    colour_attr(t, THEME_TEXT) | A_UNDERLINE;
		switch (it->kind) {
		case FK_TEXT:
			form_draw_field(f, it, y, fx, fw, fattr);
			if (focus) {
				pos_form_cursor(f->lf);
				getyx(f->pad, py, px);
				(void)py;
				cy = y;
				cx = fx + (px < fw ? px : fw - 1);
			}
			break;
		case FK_PASSWORD:
			px = pw_draw(t, it->pw, y, fx, fw, fattr);
			if (focus) {
				cy = y;
				cx = px < fx + fw ? px : fx + fw - 1;
			}
			break;
		case FK_CHOICE:
			px = form_draw_choice(f, it, y, fx, COLS - fx - 2,
			    focus);
			if (focus) {
				cy = y;
				cx = px;
			}
			break;
		case FK_NOTE:
			if (it->text[0] == '/') {
				draw_text_tail(t, y, fx, COLS - fx - 2,
				    THEME_TEXT, it->text);
				break;
			}
			nl = draw_wrap(it->text, mw + 2, &lines);
			for (j = 0; j < nl && j < FORM_MSG_ROWS &&
			    y <= bottom; j++) {
				if (j > 0)
					y++;
				draw_text(t, y, fx, mw + 2, THEME_TEXT,
				    lines[j]);
			}
			draw_lines_free(lines, nl);
			break;
		}
		y++;
		if (it->msg == NULL)
			continue;
		glyph = it->sev == SEV_CRIT ? t->g->crit : it->sev ==
		    SEV_WARN ? t->g->warn : it->sev == SEV_INFO ? t->g->info :
		    t->g->ok;
		nl = draw_wrap(it->msg, mw, &lines);
		for (j = 0; j < nl && j < FORM_MSG_ROWS && y <= bottom; j++) {
			if (j == 0)
				draw_text(t, y, fx, 2, colour_sev(it->sev),
				    glyph);
			draw_text(t, y, fx + 2, mw, it->sev == SEV_OK ?
			    THEME_MUTED : colour_sev(it->sev), lines[j]);
			y++;
		}
		draw_lines_free(lines, nl);
	}
	if (f->top > 0)
		draw_text(t, FORM_TOP, COLS - 2, 1, THEME_MUTED, t->g->up);
	if (y > bottom && (size_t)i < f->nitems)
		draw_text(t, bottom, COLS - 2, 1, THEME_MUTED, t->g->down);
	if (f->status != NULL)
		draw_text(t, LINES - 3, 2, COLS - 4, colour_sev(f->status_sev),
		    f->status);
	draw_hints(t, LINES - 1, SCOPE_FORM);
	if (cy >= 0)
		tui_cursor(t, cy, cx);
}

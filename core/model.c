/* SPDX-License-Identifier: ISC */
/* model.c -- the server model's containers: findings and settings rows. */
#include <sys/stat.h>

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core.h"

static const char *sev_names[SEV__MAX] = {
	[SEV_OK] = "ok",
	[SEV_INFO] = "info",
	[SEV_WARN] = "warning",
	[SEV_CRIT] = "critical",
};

const char *
sev_name(enum sev s)
{
	if ((unsigned)s >= SEV__MAX)
		return ("unknown");
	return (sev_names[s]);
}

/* Copy s or keep NULL. */
static char *
model_strdup(const char *s)
{
	return (s == NULL ? NULL : xstrdup(s));
}

/*
 * Escape s (from a properties file or a keystore) for a terminal in place
 * (termesc): a finding is printed as it is, and stays one line.
 */
static void
model_visible(char **s)
{
	char	*e;

	if (!termesc_needed(*s, strlen(*s), 0))
		return;
	e = termesc_str(*s, 0);
	free(*s);
	*s = e;
}

struct finding *
finding_add(struct server_model *m, const char *code, enum sev sev,
    const char *file, int line, const char *alias, int form, const char *fix,
    const char *fmt, ...)
{
	struct finding	*f;
	va_list		 ap;

	f = xcalloc(1, sizeof *f);
	f->code = xstrdup(code);
	f->sev = sev;
	f->file = model_strdup(file);
	f->line = line;
	f->alias = model_strdup(alias);
	f->form = form;
	f->fix = model_strdup(fix);
	va_start(ap, fmt);
	xvasprintf(&f->message, fmt, ap);
	va_end(ap);
	model_visible(&f->message);
	m->findings = xreallocarray(m->findings, m->nfindings + 1,
	    sizeof *m->findings);
	m->findings[m->nfindings++] = f;
	return (f);
}

struct setting *
setting_add(struct server_model *m, const char *key, const char *value,
    bool secret, int line)
{
	struct setting	*s;

	s = xcalloc(1, sizeof *s);
	s->key = xstrdup(key);
	s->value = secret ? NULL : model_strdup(value);
	s->secret = secret;
	s->line = line;
	m->settings = xreallocarray(m->settings, m->nsettings + 1,
	    sizeof *m->settings);
	m->settings[m->nsettings++] = s;
	return (s);
}

void
setting_check(struct setting *s, enum sev sev, const char *check)
{
	s->sev = sev;
	free(s->check);
	s->check = model_strdup(check);
}

/* Insertion sort by descending severity: stable, and lists are short. */
void
findings_sort(struct server_model *m)
{
	struct finding	**out;
	size_t		  count[SEV__MAX + 1], i, s;

	/* A stable counting sort by severity, most severe first: linear
	 * however many findings a hostile file makes. */
	memset(count, 0, sizeof count);
	for (i = 0; i < m->nfindings; i++)
		count[SEV__MAX - 1 - m->findings[i]->sev + 1]++;
	for (s = 1; s <= SEV__MAX; s++)
		count[s] += count[s - 1];
	out = xreallocarray(NULL, m->nfindings + 1, sizeof *out);
	for (i = 0; i < m->nfindings; i++)
		out[count[SEV__MAX - 1 - m->findings[i]->sev]++] =
		    m->findings[i];
	if (m->nfindings != 0)
		memcpy(m->findings, out, m->nfindings * sizeof *out);
	free(out);
}

enum sev
findings_worst(const struct server_model *m)
{
	enum sev	w = SEV_OK;
	size_t		i;

	for (i = 0; i < m->nfindings; i++)
		if (m->findings[i]->sev > w)
			w = m->findings[i]->sev;
	return (w);
}

/* Free the JRE part. */
static void
jre_info_done(struct jre_info *j)
{
	free(j->home);
	free(j->how);
	free(j->version);
	free(j->cacerts);
	free(j->cacerts_real);
	keystore_free(j->trust);
	free(j->trust_error);
	free(j->trust_pass_how);
	free(j->jssecacerts_path);
}

static const char *km_role_names[KM_ROLE__MAX] = {
	[KM_ROLE_SERVER] = "server",
	[KM_ROLE_SNI] = "sni",
	[KM_ROLE_CLIENT_TRUST] = "client-trust",
	[KM_ROLE_QUEUE] = "queue",
	[KM_ROLE_ENCRYPTION] = "encryption",
};

const char *
km_role_name(enum km_role r)
{
	if ((unsigned)r >= KM_ROLE__MAX)
		return ("unknown");
	return (km_role_names[r]);
}

const char *
km_where_name(enum km_where w)
{
	switch (w) {
	case KM_KEYSTORE:
		return ("keystore");
	case KM_PEM:
		return ("pem");
	case KM_PEM_INLINE:
		return ("pem-inline");
	case KM_CLASSPATH:
		return ("classpath");
	default:
		return ("none");
	}
}

const char *
cfg_src_type_name(enum cfg_src_type t)
{
	static const char *names[CFG_SRC__MAX] = {
		[CFG_SRC_FILE] = "file",
		[CFG_SRC_ENV] = "environment",
		[CFG_SRC_CMDLINE] = "command line",
		[CFG_SRC_SYSPROP] = "system properties",
		[CFG_SRC_JSON] = "SPRING_APPLICATION_JSON",
		[CFG_SRC_ASSUMED] = "assumed",
	};

	if ((unsigned)t >= CFG_SRC__MAX)
		return ("unknown");
	return (names[t]);
}

const char *
cfg_format_name(enum cfg_format f)
{
	switch (f) {
	case CFG_FMT_PROPERTIES:
		return ("properties");
	case CFG_FMT_YAML:
		return ("yaml");
	case CFG_FMT_XML:
		return ("xml");
	case CFG_FMT_INI:
		return ("ini");
	default:
		return ("");
	}
}

struct server_model *
server_model_new(time_t now)
{
	struct server_model	*m;

	m = xcalloc(1, sizeof *m);
	m->now = now != 0 ? now : time(NULL);
	m->warn_days = SERVER_WARN_DAYS;
	m->crit_days = SERVER_CRIT_DAYS;
	m->port = SERVER_DEFAULT_PORT;
	m->listening = -1;
	m->owner.uid = m->owner.gid = -1;
	m->owner.mode = 0600;
	m->served = key_material_add(m, KM_ROLE_SERVER);
	return (m);
}

struct key_material *
key_material_add(struct server_model *m, enum km_role role)
{
	struct key_material	*mat;

	mat = xcalloc(1, sizeof *mat);
	mat->role = role;
	mat->uid = mat->gid = -1;
	mat->renewable = role != KM_ROLE_ENCRYPTION;
	m->materials = xreallocarray(m->materials, m->nmaterials + 1,
	    sizeof *m->materials);
	m->materials[m->nmaterials++] = mat;
	return (mat);
}

void
key_material_configured_by(struct key_material *mat, const char *key)
{
	size_t	i;

	for (i = 0; i < mat->nconfigured_by; i++)
		if (strcmp(mat->configured_by[i], key) == 0)
			return;
	mat->configured_by = xreallocarray(mat->configured_by,
	    mat->nconfigured_by + 1, sizeof *mat->configured_by);
	mat->configured_by[mat->nconfigured_by++] = xstrdup(key);
}

int
key_material_index(const struct server_model *m,
    const struct key_material *mat)
{
	size_t	i;

	for (i = 0; mat != NULL && i < m->nmaterials; i++)
		if (m->materials[i] == mat)
			return ((int)i);
	return (-1);
}

struct key_material *
key_material_of_setting(const struct server_model *m, const char *key)
{
	struct key_material	*mat;
	char			*ck, *c;
	size_t			 i, j;
	bool			 hit;

	ck = props_canon_key(key);
	for (i = 0; i < m->nmaterials; i++) {
		mat = m->materials[i];
		for (j = 0; j < mat->nconfigured_by; j++) {
			c = props_canon_key(mat->configured_by[j]);
			hit = strcmp(c, ck) == 0;
			free(c);
			if (hit) {
				free(ck);
				return (mat);
			}
		}
	}
	free(ck);
	return (NULL);
}

/* Is the material one no step may change (see core.h)? */
static bool
key_material_frozen(const struct key_material *mat)
{
	return (mat->role == KM_ROLE_ENCRYPTION || mat->where == KM_PEM ||
	    mat->where == KM_PEM_INLINE || mat->where == KM_CLASSPATH);
}

const struct key_material *
key_material_locked(const struct server_model *m, const char *path)
{
	const struct key_material	*mat;
	char				 a[PATH_MAX], b[PATH_MAX];
	size_t				 i;
	bool				 ra;

	if (m == NULL || path == NULL)
		return (NULL);
	ra = realpath(path, a) != NULL;
	for (i = 0; i < m->nmaterials; i++) {
		mat = m->materials[i];
		if (!key_material_frozen(mat) || mat->path == NULL)
			continue;
		if (strcmp(mat->path, path) == 0 || (ra &&
		    realpath(mat->path, b) != NULL && strcmp(a, b) == 0))
			return (mat);
	}
	return (NULL);
}

/* Is rpath (resolved) file, or in file's directory? */
static bool
owner_in_dir(const char *rpath, const char *file)
{
	char	 b[PATH_MAX], *d, *sl;
	bool	 r;

	if (file == NULL || realpath(file, b) == NULL)
		return (false);
	if (strcmp(b, rpath) == 0)
		return (true);
	d = xstrdup(rpath);
	if ((sl = strrchr(d, '/')) != NULL)
		*sl = '\0';
	if ((sl = strrchr(b, '/')) != NULL)
		*sl = '\0';
	r = strcmp(d, b) == 0;
	free(d);
	return (r);
}

/* Is rpath (resolved) the file file? */
static bool
owner_same(const char *rpath, const char *file)
{
	char	b[PATH_MAX];

	return (realpath(file, b) != NULL && strcmp(b, rpath) == 0);
}

const struct server_owner *
server_owner_for(const struct server_model *m, const char *path)
{
	const struct key_material	*mat;
	char				 a[PATH_MAX], *dir, *base, *sl;
	size_t				 i, n;

	if (m == NULL || path == NULL || m->owner.uid < 0)
		return (NULL);
	/* A new file: its directory resolved, its name appended. */
	if (realpath(path, a) == NULL) {
		dir = xstrdup(path);
		if ((sl = strrchr(dir, '/')) != NULL) {
			*sl = '\0';
			base = sl + 1;
			if (realpath(*dir == '\0' ? "/" : dir, a) == NULL) {
				free(dir);
				return (NULL);
			}
		} else {
			base = dir;
			if (realpath(".", a) == NULL) {
				free(dir);
				return (NULL);
			}
		}
		n = strlen(a);
		if (snprintf(a + n, sizeof a - n, "/%s", base) >=
		    (int)(sizeof a - n)) {
			free(dir);
			return (NULL);
		}
		free(dir);
	}
	if (owner_in_dir(a, m->properties))
		return (&m->owner);
	for (i = 0; i < m->nmaterials; i++) {
		mat = m->materials[i];
		if (owner_in_dir(a, mat->path) || owner_in_dir(a,
		    mat->cert_path) || owner_in_dir(a, mat->key_path))
			return (&m->owner);
	}
	return (NULL);
}

struct key_material *
key_material_of_path(const struct server_model *m, const char *path)
{
	struct key_material	*mat;
	char			 a[PATH_MAX];
	const char		*f[3];
	size_t			 i, k;

	if (m == NULL || path == NULL || realpath(path, a) == NULL)
		return (NULL);
	for (i = 0; i < m->nmaterials; i++) {
		mat = m->materials[i];
		f[0] = mat->path;
		f[1] = mat->cert_path;
		f[2] = mat->key_path;
		for (k = 0; k < 3; k++)
			if (f[k] != NULL && owner_same(a, f[k]))
				return (mat);
	}
	return (NULL);
}

void
key_material_apply(const struct server_model *m,
    const struct key_material *mat, bool settings_changed,
    struct km_apply *ap)
{
	memset(ap, 0, sizeof *ap);
	if (mat == NULL)
		mat = m->served;
	if (mat->reload_on_update && !settings_changed) {
		ap->wait_ms = mat->quiet_period_ms + KM_RELOAD_MARGIN_MS;
		if (m->kind != NULL && strcmp(m->kind->name, "spring") == 0)
			xasprintf(&ap->line, "no restart needed: Spring Boot "
			    "reloads the bundle (reload-on-update) once its "
			    "files have been quiet for %ld ms",
			    mat->quiet_period_ms);
		else
			xasprintf(&ap->line, "no restart needed: %s reloads "
			    "the key material once its files have been quiet "
			    "for %ld ms", mat->reload_how != NULL ?
			    mat->reload_how : "the server",
			    mat->quiet_period_ms);
		return;
	}
	ap->restart = true;
	if (mat->reload_on_update)
		ap->line = xstrdup("restart the server for the change to take "
		    "effect (it reloads the key material's files, not its "
		    "settings)");
	else
		ap->line = xstrdup("restart the server for the change to take "
		    "effect");
}

void
km_apply_free(struct km_apply *ap)
{
	if (ap == NULL)
		return;
	free(ap->line);
	ap->line = NULL;
}

long
key_material_settle_ms(const struct key_material *mat, int64_t now_ms)
{
	struct stat	 sb;
	const char	*f[3];
	int64_t		 t, last = 0, left;
	size_t		 k;

	if (mat == NULL || !mat->reload_on_update)
		return (0);
	f[0] = mat->path;
	f[1] = mat->cert_path;
	f[2] = mat->key_path;
	for (k = 0; k < 3; k++) {
		if (f[k] == NULL || stat(f[k], &sb) != 0)
			continue;
		t = (int64_t)sb.st_mtim.tv_sec * 1000 +
		    sb.st_mtim.tv_nsec / 1000000;
		if (t > last)
			last = t;
	}
	if (last == 0)
		return (0);
	left = last + mat->quiet_period_ms + KM_RELOAD_MARGIN_MS - now_ms;
	if (left <= 0)
		return (0);
	if (left > mat->quiet_period_ms + KM_RELOAD_MARGIN_MS)
		left = mat->quiet_period_ms + KM_RELOAD_MARGIN_MS;
	return ((long)left);
}

void
key_material_free(struct key_material *mat)
{
	size_t	i, j;

	if (mat == NULL)
		return;
	free(mat->name);
	free(mat->path);
	free(mat->raw);
	free(mat->how);
	free(mat->cert_path);
	free(mat->key_path);
	free(mat->inline_cert);
	secret_free(mat->inline_key);
	free(mat->declared_type);
	free(mat->alias);
	free(mat->keys.store);
	free(mat->keys.storepass);
	free(mat->keys.type);
	free(mat->keys.alias);
	free(mat->keys.keypass);
	free(mat->keys.cert);
	free(mat->keys.key);
	for (i = 0; i < mat->nconfigured_by; i++)
		free(mat->configured_by[i]);
	free(mat->configured_by);
	secret_free(mat->storepass);
	secret_free(mat->keypass);
	keystore_free(mat->ks);
	free(mat->ks_error);
	free(mat->chain);
	free(mat->trusted_alias);
	free(mat->trust_note);
	free(mat->not_renewable);
	for (i = 0; i < mat->nhosts; i++)
		free(mat->hosts[i]);
	free(mat->hosts);
	free(mat->reload_how);
	free(mat->chain_path);
	for (i = 0; i < mat->nentry_hosts; i++) {
		for (j = 0; j < mat->entry_hosts[i].nhosts; j++)
			free(mat->entry_hosts[i].hosts[j]);
		free(mat->entry_hosts[i].hosts);
	}
	free(mat->entry_hosts);
	free(mat);
}

struct cfg_source *
cfg_source_add(struct server_model *m, enum cfg_src_type type,
    enum cfg_format format, const char *path, const char *label,
    int precedence)
{
	struct cfg_source	*src;

	src = xcalloc(1, sizeof *src);
	src->type = type;
	src->format = format;
	src->path = model_strdup(path);
	src->label = model_strdup(label);
	src->doc = -1;
	src->precedence = precedence;
	m->sources = xreallocarray(m->sources, m->nsources + 1,
	    sizeof *m->sources);
	m->sources[m->nsources++] = src;
	return (src);
}

struct cfg_kv *
cfg_kv_add(struct cfg_source *src, const char *key, const char *value,
    const char *name)
{
	struct cfg_kv	*kv;

	src->kv = xreallocarray(src->kv, src->nkv + 1, sizeof *src->kv);
	kv = &src->kv[src->nkv++];
	kv->key = xstrdup(key);
	kv->canon = src->type == CFG_SRC_ENV ? cfg_env_canon(key) :
	    props_canon_key(key);
	kv->value = xstrdup(value);
	kv->name = model_strdup(name);
	return (kv);
}

void
cfg_source_free(struct cfg_source *src)
{
	size_t	i;

	if (src == NULL)
		return;
	free(src->path);
	free(src->label);
	free(src->profile);
	free(src->on_profile);
	free(src->error);
	props_free(src->props);
	xmldoc_free(src->xml);
	inidoc_free(src->ini);
	if (src->kpriv_free != NULL)
		src->kpriv_free(src->kpriv);
	if (src->yaml_owner)
		yamldoc_free(src->yaml);
	for (i = 0; i < src->nkv; i++) {
		free(src->kv[i].key);
		free(src->kv[i].canon);
		OPENSSL_cleanse(src->kv[i].value, strlen(src->kv[i].value));
		free(src->kv[i].value);
		free(src->kv[i].name);
	}
	free(src->kv);
	free(src);
}

void
cfg_source_remove(struct server_model *m, struct cfg_source *src)
{
	size_t	i, j;

	for (i = 0; i < m->nsources && m->sources[i] != src; i++)
		continue;
	if (i == m->nsources)
		return;
	memmove(&m->sources[i], &m->sources[i + 1],
	    (m->nsources - i - 1) * sizeof *m->sources);
	m->nsources--;
	if (src->yaml_owner) {
		for (j = 0; j < m->nsources; j++) {
			if (m->sources[j]->yaml == src->yaml) {
				m->sources[j]->yaml_owner = true;
				src->yaml_owner = false;
				break;
			}
		}
	}
	cfg_source_free(src);
}

void
cfg_sources_release(struct server_model *m)
{
	struct cfg_source	*src;
	size_t			 i;

	for (i = 0; i < m->nsources; i++) {
		src = m->sources[i];
		props_free(src->props);
		src->props = NULL;
		if (src->yaml_owner)
			yamldoc_free(src->yaml);
		src->yaml_owner = false;
	}
	for (i = 0; i < m->nsources; i++)
		m->sources[i]->yaml = NULL;
}

void
cfg_sources_sort(struct server_model *m)
{
	struct cfg_source	*src;
	size_t			 i, j;

	for (i = 1; i < m->nsources; i++) {
		src = m->sources[i];
		for (j = i; j > 0 && m->sources[j - 1]->precedence <
		    src->precedence; j--)
			m->sources[j] = m->sources[j - 1];
		m->sources[j] = src;
	}
}

void
server_model_free(struct server_model *m)
{
	size_t	i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->nfindings; i++) {
		free(m->findings[i]->code);
		free(m->findings[i]->file);
		free(m->findings[i]->alias);
		free(m->findings[i]->message);
		free(m->findings[i]->fix);
		free(m->findings[i]->key);
		free(m->findings[i]);
	}
	free(m->findings);
	for (i = 0; i < m->nsettings; i++) {
		free(m->settings[i]->key);
		free(m->settings[i]->value);
		free(m->settings[i]->check);
		free(m->settings[i]->raw);
		free(m->settings[i]->source);
		free(m->settings[i]->scope);
		for (j = 0; j < m->settings[i]->noverrides; j++)
			free(m->settings[i]->overrides[j]);
		free(m->settings[i]->overrides);
		free(m->settings[i]);
	}
	free(m->settings);
	jre_info_done(&m->jre);
	free(m->properties);
	free(m->how);
	free(m->shared_data_path);
	free(m->install_path);
	free(m->base_url);
	free(m->base);
	free(m->home);
	free(m->version);
	for (i = 0; i < m->ncerts; i++) {
		free(m->certs[i].file);
		free(m->certs[i].alias);
	}
	free(m->certs);
	for (i = 0; i < m->nmaterials; i++)
		key_material_free(m->materials[i]);
	free(m->materials);
	for (i = 0; i < m->nsources; i++)
		cfg_source_free(m->sources[i]);
	free(m->sources);
	free(m->proc.cwd);
	free(m->proc.exe);
	free(m->proc.unit);
	free(m->proc.groups);
	free(m->owner.how_buf);
	for (i = 0; i < m->nprofiles; i++)
		free(m->profiles[i]);
	free(m->profiles);
	free(m);
}

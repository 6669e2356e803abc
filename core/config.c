/* SPDX-License-Identifier: ISC */
/*
 * config.c -- tlsdeck's own settings: config.yaml read with libcyaml 1.3.1.
 *
 *	warn-days: 30		# expiry thresholds (days left)
 *	crit-days: 14
 *	warn-percent: 20	# ... or percent of the lifetime left
 *	crit-percent: 5
 *	theme: default
 *	no-color: false
 *	ascii: false
 *	mouse: false
 *	properties: /srv/im/conf/application.properties
 *	server: /etc/opt/actian/integration-manager
 *	jre: /opt/actian/jre
 *	cacerts: /path/to/cacerts
 *
 * Every key is optional; pointer fields tell "absent" from 0 (1.3.1 has no
 * defaults).  Unknown keys are errors (strict config), reported with the
 * line of the key itself; libcyaml's log goes to a buffer, never to a
 * terminal.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cyaml/cyaml.h>

#include "core.h"

#define CONFIG_MAX_DAYS		36500

/* The file's shape: what libcyaml fills, copied out right after. */
struct config_file {
	int		*warn_days;
	int		*crit_days;
	int		*warn_percent;
	int		*crit_percent;
	char		*theme;
	bool		*no_color;
	bool		*ascii;
	bool		*mouse;
	char		*properties;
	char		*server;
	char		*jre;
	char		*cacerts;
};

#define CONFIG_OPT	CYAML_FLAG_OPTIONAL
static const cyaml_schema_field_t config_fields[] = {
	CYAML_FIELD_INT_PTR("warn-days", CONFIG_OPT, struct config_file,
	    warn_days),
	CYAML_FIELD_INT_PTR("crit-days", CONFIG_OPT, struct config_file,
	    crit_days),
	CYAML_FIELD_INT_PTR("warn-percent", CONFIG_OPT, struct config_file,
	    warn_percent),
	CYAML_FIELD_INT_PTR("crit-percent", CONFIG_OPT, struct config_file,
	    crit_percent),
	CYAML_FIELD_STRING_PTR("theme", CONFIG_OPT, struct config_file,
	    theme, 1, 256),
	CYAML_FIELD_BOOL_PTR("no-color", CONFIG_OPT, struct config_file,
	    no_color),
	CYAML_FIELD_BOOL_PTR("ascii", CONFIG_OPT, struct config_file, ascii),
	CYAML_FIELD_BOOL_PTR("mouse", CONFIG_OPT, struct config_file, mouse),
	CYAML_FIELD_STRING_PTR("properties", CONFIG_OPT, struct config_file,
	    properties, 1, 4096),
	CYAML_FIELD_STRING_PTR("server", CONFIG_OPT, struct config_file,
	    server, 1, 4096),
	CYAML_FIELD_STRING_PTR("jre", CONFIG_OPT, struct config_file, jre,
	    1, 4096),
	CYAML_FIELD_STRING_PTR("cacerts", CONFIG_OPT, struct config_file,
	    cacerts, 1, 4096),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t config_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct config_file,
	    config_fields),
};

/* The line and column of "key:" at the start of a line (after blanks). */
static void
config_key_pos(const unsigned char *buf, size_t len, const char *key,
    int *lp, int *cp)
{
	size_t	i = 0, k, klen = strlen(key);
	int	line = 1, col;

	while (i < len) {
		col = 1;
		while (i < len && (buf[i] == ' ' || buf[i] == '\t')) {
			i++;
			col++;
		}
		if (i + klen <= len && memcmp(buf + i, key, klen) == 0) {
			for (k = i + klen; k < len && buf[k] == ' '; k++)
				continue;
			if (k < len && buf[k] == ':') {
				*lp = line;
				*cp = col;
				return;
			}
		}
		while (i < len && buf[i] != '\n')
			i++;
		i++;
		line++;
	}
}

/*
 * libcyaml's log as "line L, column C: MESSAGE", moving an unknown key's
 * position from its mapping to the key itself.
 */
static char *
config_log_cause(const struct yamlerr *ye, cyaml_err_t err,
    const unsigned char *buf, size_t len)
{
	char	*msg, *out;
	int	 l, c;

	msg = yamlerr_first(ye, err, &l, &c);
	if (strncmp(msg, "Unexpected key: ", 16) == 0) {
		config_key_pos(buf, len, msg + 16, &l, &c);
		xasprintf(&out, "line %d, column %d: unknown key \"%s\" "
		    "(known: "
		    "warn-days, crit-days, warn-percent, crit-percent, theme, "
		    "no-color, ascii, mouse, properties, server, jre, cacerts)",
		    l, c, msg + 16);
	} else if (l > 0)
		xasprintf(&out, "line %d, column %d: %s", l, c, msg);
	else
		out = xstrdup(msg);
	free(msg);
	return (out);
}

/* Copy an optional integer in range, or fail naming it. */
static int
config_int(const int *v, const char *key, int max, int *out, char **cause)
{
	if (v == NULL)
		return (0);
	if (*v < 0 || *v > max) {
		cause_set(cause, "%s: %d is out of range (0..%d)", key, *v,
		    max);
		return (-1);
	}
	*out = *v;
	return (0);
}

/* Replace *dst with a copy of src when src is set. */
static void
config_str(char **dst, const char *src)
{
	if (src == NULL)
		return;
	free(*dst);
	*dst = xstrdup(src);
}

int
config_parse(const void *buf, size_t len, const char *name,
    struct tlsdeck_config *c, char **cause)
{
	struct yamlerr		 lg;
	cyaml_config_t		 cfg;
	struct config_file	*f = NULL;
	struct tlsdeck_config	 t;
	cyaml_err_t		 err;
	char			*why = NULL;
	int			 rc = -1;

	if (name == NULL)
		name = "config";
	yamlerr_setup(&cfg, &lg, CYAML_CFG_DEFAULT | CYAML_CFG_NO_ALIAS);

	/* An empty file (or only comments) sets nothing. */
	if (len == 0)
		return (0);
	err = cyaml_load_data(buf, len, &cfg, &config_schema,
	    (cyaml_data_t **)&f, NULL);
	if (err != CYAML_OK) {
		why = config_log_cause(&lg, err, buf, len);
		cause_set(cause, "%s: %s", name, why);
		free(why);
		return (-1);
	}
	if (f == NULL)
		return (0);
	t = *c;
	if (config_int(f->warn_days, "warn-days", CONFIG_MAX_DAYS,
	    &t.warn_days, &why) != 0 ||
	    config_int(f->crit_days, "crit-days", CONFIG_MAX_DAYS,
	    &t.crit_days, &why) != 0 ||
	    config_int(f->warn_percent, "warn-percent", 100, &t.warn_percent,
	    &why) != 0 ||
	    config_int(f->crit_percent, "crit-percent", 100, &t.crit_percent,
	    &why) != 0) {
		cause_set(cause, "%s: %s", name, why);
		free(why);
		goto out;
	}
	if (t.warn_days >= 0 && t.crit_days >= 0 &&
	    t.crit_days > t.warn_days) {
		cause_set(cause, "%s: crit-days (%d) is more than warn-days "
		    "(%d)", name, t.crit_days, t.warn_days);
		goto out;
	}
	if (t.warn_percent >= 0 && t.crit_percent >= 0 &&
	    t.crit_percent > t.warn_percent && t.warn_percent != 0) {
		cause_set(cause, "%s: crit-percent (%d) is more than "
		    "warn-percent (%d)", name, t.crit_percent,
		    t.warn_percent);
		goto out;
	}
	c->warn_days = t.warn_days;
	c->crit_days = t.crit_days;
	c->warn_percent = t.warn_percent;
	c->crit_percent = t.crit_percent;
	config_str(&c->theme, f->theme);
	if (f->no_color != NULL)
		c->no_color = *f->no_color;
	if (f->ascii != NULL)
		c->ascii = *f->ascii;
	if (f->mouse != NULL)
		c->mouse = *f->mouse;
	config_str(&c->properties, f->properties);
	config_str(&c->server, f->server);
	config_str(&c->jre, f->jre);
	config_str(&c->cacerts, f->cacerts);
	rc = 0;
out:
	cyaml_free(&cfg, &config_schema, f, 0);
	return (rc);
}

/* Read and parse one file into c; *found says whether it existed. */
static int
config_file(const char *path, bool must, struct tlsdeck_config *c,
    bool *found, char **cause)
{
	unsigned char	*buf = NULL;
	size_t		 len;
	char		*t;
	int		 rc;

	*found = false;
	/* A default file we cannot even see (no such file, or a directory
	 * we may not search, as $HOME for another user) is absent. */
	if (!must && access(path, F_OK) != 0)
		return (0);
	if (file_read(path, &buf, &len, cause) != 0)
		return (-1);
	*found = true;
	rc = config_parse(buf, len, path, c, cause);
	free(buf);
	if (rc == 0) {
		xasprintf(&t, "%s%s%s", c->files != NULL ? c->files : "",
		    c->files != NULL ? ", " : "", path);
		free(c->files);
		c->files = t;
	}
	return (rc);
}

int
config_load(const char *explicit_path, struct tlsdeck_config **cp,
    char **cause)
{
	struct tlsdeck_config	*c;
	const char		*x, *home;
	char			*user = NULL;
	bool			 found;
	int			 rc = -1;

	*cp = NULL;
	c = xcalloc(1, sizeof *c);
	c->warn_days = c->crit_days = -1;
	c->warn_percent = c->crit_percent = -1;
	c->no_color = c->ascii = c->mouse = -1;
	if (explicit_path != NULL) {
		if (config_file(explicit_path, true, c, &found, cause) != 0)
			goto out;
	} else {
		if (config_file(CONFIG_SYSTEM_FILE, false, c, &found,
		    cause) != 0)
			goto out;
		if ((x = getenv("XDG_CONFIG_HOME")) != NULL && *x == '/')
			xasprintf(&user, "%s/tlsdeck/config.yaml", x);
		else if ((home = getenv("HOME")) != NULL && *home != '\0')
			xasprintf(&user, "%s/.config/tlsdeck/config.yaml",
			    home);
		if (user != NULL && config_file(user, false, c, &found,
		    cause) != 0)
			goto out;
	}
	*cp = c;
	c = NULL;
	rc = 0;
out:
	free(user);
	config_free(c);
	return (rc);
}

void
config_free(struct tlsdeck_config *c)
{
	if (c == NULL)
		return;
	free(c->theme);
	free(c->properties);
	free(c->server);
	free(c->jre);
	free(c->cacerts);
	free(c->files);
	free(c);
}

void
config_apply(const struct tlsdeck_config *c, struct server_opts *o)
{
	if (c == NULL)
		return;
	if (c->warn_days >= 0)
		o->warn_days = c->warn_days;
	if (c->crit_days >= 0)
		o->crit_days = c->crit_days;
	if (c->warn_percent >= 0)
		o->warn_percent = c->warn_percent;
	if (c->crit_percent >= 0)
		o->crit_percent = c->crit_percent;
	if (o->properties == NULL && o->server == NULL) {
		if (c->properties != NULL)
			o->properties = c->properties;
		else if (c->server != NULL)
			o->server = c->server;
	}
	if (o->jre == NULL && o->cacerts == NULL) {
		if (c->jre != NULL)
			o->jre = c->jre;
		else if (c->cacerts != NULL)
			o->cacerts = c->cacerts;
	}
}

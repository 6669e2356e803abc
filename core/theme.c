/* SPDX-License-Identifier: ISC */
/*
 * theme.c -- colour themes: themes/NAME.yaml loaded with libcyaml 1.3.1.
 *
 * The schema is built bottom-up from static tables (libcyaml's planner
 * example): a role is a mapping of fg, bg (strict enums, 0 = the terminal's
 * default) and attrs (strict flags); the roles mapping has one optional
 * pointer field per THEME_ROLES entry, so an omitted role loads as NULL and
 * keeps the built-in default.  Loading is strict (CYAML_CFG_DEFAULT: unknown
 * keys fail) and libcyaml's diagnostics go to our own log function, which
 * turns them into the cause; nothing is printed.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cyaml/cyaml.h>

#include "core.h"

#ifndef TLSDECK_DATADIR
#define TLSDECK_DATADIR	"/usr/local/share/tlsdeck"
#endif

/* Largest theme file we read (themes are a few hundred bytes). */
#define THEME_MAX_SIZE	(64 * 1024)

static const char *theme_role_names[THEME__MAX] = {
#define X(id, key) [THEME_##id] = key,
	THEME_ROLES
#undef X
};

static const cyaml_strval_t theme_colour_strings[] = {
	{ "default",		COLOUR_DEFAULT },
	{ "black",		COLOUR_BLACK },
	{ "red",		COLOUR_RED },
	{ "green",		COLOUR_GREEN },
	{ "yellow",		COLOUR_YELLOW },
	{ "blue",		COLOUR_BLUE },
	{ "magenta",		COLOUR_MAGENTA },
	{ "cyan",		COLOUR_CYAN },
	{ "white",		COLOUR_WHITE },
	{ "bright-black",	COLOUR_BRIGHT_BLACK },
	{ "bright-red",		COLOUR_BRIGHT_RED },
	{ "bright-green",	COLOUR_BRIGHT_GREEN },
	{ "bright-yellow",	COLOUR_BRIGHT_YELLOW },
	{ "bright-blue",	COLOUR_BRIGHT_BLUE },
	{ "bright-magenta",	COLOUR_BRIGHT_MAGENTA },
	{ "bright-cyan",	COLOUR_BRIGHT_CYAN },
	{ "bright-white",	COLOUR_BRIGHT_WHITE },
};

static const cyaml_strval_t theme_attr_strings[] = {
	{ "bold",	THEME_A_BOLD },
	{ "underline",	THEME_A_UNDERLINE },
	{ "reverse",	THEME_A_REVERSE },
	{ "dim",	THEME_A_DIM },
};

/* The file's shape: only what libcyaml fills, copied out right after. */
struct theme_file_role {
	enum theme_colour	 fg;
	enum theme_colour	 bg;
	unsigned int		 attrs;
};

struct theme_file_roles {
#define X(id, key) struct theme_file_role *r_##id;
	THEME_ROLES
#undef X
};

struct theme_file {
	char			*name;
	char			*description;
	struct theme_file_roles	*roles;
};

static const cyaml_schema_field_t theme_role_fields[] = {
	CYAML_FIELD_ENUM("fg", CYAML_FLAG_OPTIONAL | CYAML_FLAG_STRICT,
	    struct theme_file_role, fg, theme_colour_strings,
	    CYAML_ARRAY_LEN(theme_colour_strings)),
	CYAML_FIELD_ENUM("bg", CYAML_FLAG_OPTIONAL | CYAML_FLAG_STRICT,
	    struct theme_file_role, bg, theme_colour_strings,
	    CYAML_ARRAY_LEN(theme_colour_strings)),
	CYAML_FIELD_FLAGS("attrs", CYAML_FLAG_OPTIONAL | CYAML_FLAG_STRICT,
	    struct theme_file_role, attrs, theme_attr_strings,
	    CYAML_ARRAY_LEN(theme_attr_strings)),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t theme_roles_fields[] = {
#define X(id, key) CYAML_FIELD_MAPPING_PTR(key, CYAML_FLAG_OPTIONAL, \
	    struct theme_file_roles, r_##id, theme_role_fields),
	THEME_ROLES
#undef X
	CYAML_FIELD_END
};

static const cyaml_schema_field_t theme_file_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, struct theme_file,
	    name, 1, 64),
	CYAML_FIELD_STRING_PTR("description",
	    CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct theme_file,
	    description, 0, 256),
	CYAML_FIELD_MAPPING_PTR("roles", CYAML_FLAG_DEFAULT, struct theme_file,
	    roles, theme_roles_fields),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t theme_file_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct theme_file,
	    theme_file_fields),
};

/* The compiled-in default: readable on dark and light backgrounds. */
static const struct theme_style theme_default_roles[THEME__MAX] = {
	[THEME_TITLE] =		{ COLOUR_CYAN, 0, THEME_A_BOLD },
	[THEME_HEADER] =	{ COLOUR_WHITE, COLOUR_BLUE, THEME_A_BOLD },
	[THEME_BORDER] =	{ COLOUR_BLUE, 0, 0 },
	[THEME_FOCUS] =		{ COLOUR_CYAN, 0, THEME_A_BOLD },
	[THEME_TEXT] =		{ 0, 0, 0 },
	[THEME_MUTED] =		{ COLOUR_BRIGHT_BLACK, 0, 0 },
	[THEME_OK] =		{ COLOUR_GREEN, 0, 0 },
	[THEME_INFO] =		{ COLOUR_CYAN, 0, 0 },
	[THEME_WARN] =		{ COLOUR_YELLOW, 0, THEME_A_BOLD },
	[THEME_CRIT] =		{ COLOUR_RED, 0, THEME_A_BOLD },
	[THEME_SELECTED] =	{ COLOUR_BLACK, COLOUR_CYAN, 0 },
	[THEME_KEY] =		{ COLOUR_BLACK, COLOUR_CYAN, 0 },
	[THEME_HINT] =		{ 0, 0, 0 },
	[THEME_MARK] =		{ COLOUR_YELLOW, 0, THEME_A_BOLD },
	[THEME_BAR_OK] =	{ COLOUR_GREEN, 0, 0 },
	[THEME_BAR_WARN] =	{ COLOUR_YELLOW, 0, 0 },
	[THEME_BAR_CRIT] =	{ COLOUR_RED, 0, 0 },
};

/* Attributes only, for NO_COLOR and monochrome terminals. */
static const struct theme_style theme_mono_roles[THEME__MAX] = {
	[THEME_TITLE] =		{ 0, 0, THEME_A_BOLD },
	[THEME_HEADER] =	{ 0, 0, THEME_A_REVERSE },
	[THEME_BORDER] =	{ 0, 0, 0 },
	[THEME_FOCUS] =		{ 0, 0, THEME_A_BOLD },
	[THEME_TEXT] =		{ 0, 0, 0 },
	[THEME_MUTED] =		{ 0, 0, THEME_A_DIM },
	[THEME_OK] =		{ 0, 0, 0 },
	[THEME_INFO] =		{ 0, 0, 0 },
	[THEME_WARN] =		{ 0, 0, THEME_A_BOLD },
	[THEME_CRIT] =		{ 0, 0, THEME_A_BOLD | THEME_A_UNDERLINE },
	[THEME_SELECTED] =	{ 0, 0, THEME_A_REVERSE },
	[THEME_KEY] =		{ 0, 0, THEME_A_REVERSE },
	[THEME_HINT] =		{ 0, 0, 0 },
	[THEME_MARK] =		{ 0, 0, THEME_A_BOLD },
	[THEME_BAR_OK] =	{ 0, 0, 0 },
	[THEME_BAR_WARN] =	{ 0, 0, THEME_A_BOLD },
	[THEME_BAR_CRIT] =	{ 0, 0, THEME_A_BOLD },
};

/* The YAML key of a role. */
const char *
theme_role_name(enum theme_role r)
{
	if ((unsigned)r >= THEME__MAX)
		return (NULL);
	return (theme_role_names[r]);
}

/* The YAML name of a colour. */
const char *
theme_colour_name(enum theme_colour c)
{
	size_t	i;

	for (i = 0; i < CYAML_ARRAY_LEN(theme_colour_strings); i++)
		if (theme_colour_strings[i].val == (int64_t)c)
			return (theme_colour_strings[i].str);
	return ("default");
}

/* A compiled-in theme: "default" or "mono". */
struct theme *
theme_builtin(const char *name)
{
	struct theme	*t;

	if (strcmp(name, "default") != 0 && strcmp(name, "mono") != 0)
		return (NULL);
	t = xcalloc(1, sizeof *t);
	t->name = xstrdup(name);
	if (strcmp(name, "mono") == 0)
		memcpy(t->roles, theme_mono_roles, sizeof t->roles);
	else
		memcpy(t->roles, theme_default_roles, sizeof t->roles);
	return (t);
}

/* Free a theme (NULL is fine). */
void
theme_free(struct theme *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->path);
	free(t);
}

/*
 * libcyaml places an unknown key at its enclosing mapping.  Find the key
 * itself in the text, from line *lp on, and move *lp and *cp there.
 */
static void
theme_find_key(const unsigned char *buf, size_t len, const char *key, int *lp,
    int *cp)
{
	size_t	 i, klen = strlen(key), k;
	int	 line = 1, col = 1;
	bool	 start = true;		/* only blanks, '{', ',' or '-' since */

	if (klen == 0)
		return;
	for (i = 0; i < len; i++) {
		if (line >= *lp && start && i + klen <= len &&
		    memcmp(buf + i, key, klen) == 0) {
			for (k = i + klen; k < len && buf[k] == ' '; k++)
				continue;
			if (k < len && buf[k] == ':') {
				*lp = line;
				*cp = col;
				return;
			}
		}
		if (buf[i] == '\n') {
			line++;
			col = 1;
			start = true;
			continue;
		}
		col++;
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '{' &&
		    buf[i] != ',' && buf[i] != '-')
			start = false;
		else if (buf[i] == '{' || buf[i] == ',')
			start = true;
	}
}

/*
 * Turn libcyaml's log (a message, then a backtrace of "in ... (line: L,
 * column: C)" lines) into "line L, column C: MESSAGE".  The first message
 * line that is not "Backtrace:" is what went wrong; the first position is
 * the innermost node, nearest the problem.
 */
static char *
theme_log_cause(const struct yamlerr *ye, cyaml_err_t err,
    const unsigned char *buf, size_t len)
{
	char	*msg, *out;
	int	 l, c;

	msg = yamlerr_first(ye, err, &l, &c);
	if (l > 0 && strncmp(msg, "Unexpected key: ", 16) == 0)
		theme_find_key(buf, len, msg + 16, &l, &c);
	if (l > 0)
		xasprintf(&out, "line %d, column %d: %s", l, c, msg);
	else
		out = xstrdup(msg);
	free(msg);
	return (out);
}

/* Check meaning after the syntax: colours that would make text vanish. */
static int
theme_validate(const struct theme *t, char **cause)
{
	const struct theme_style	*s;
	int				 i;

	for (i = 0; i < THEME__MAX; i++) {
		s = &t->roles[i];
		if (s->fg != COLOUR_DEFAULT && s->fg == s->bg) {
			cause_set(cause, "role %s: fg and bg are both %s "
			    "(the text would be invisible)",
			    theme_role_names[i], theme_colour_name(s->fg));
			return (-1);
		}
	}
	return (0);
}

/* Parse and check a theme from memory. */
struct theme *
theme_load_data(const void *buf, size_t len, const char *name, char **cause)
{
	struct yamlerr		 lg;
	cyaml_config_t		 cfg;
	struct theme_file	*tf = NULL;
	struct theme		*t = NULL;
	struct theme_file_role	*r;
	cyaml_err_t		 err;
	char			*why;
	char			*vcause = NULL;

	if (name == NULL)
		name = "theme";
	yamlerr_setup(&cfg, &lg, CYAML_CFG_DEFAULT | CYAML_CFG_NO_ALIAS);

	if (len == 0) {
		cause_set(cause, "%s: empty theme file", name);
		return (NULL);
	}
	err = cyaml_load_data(buf, len, &cfg, &theme_file_schema,
	    (cyaml_data_t **)&tf, NULL);
	if (err != CYAML_OK) {
		why = theme_log_cause(&lg, err, buf, len);
		cause_set(cause, "%s: %s", name, why);
		free(why);
		return (NULL);
	}
	if (tf == NULL || tf->roles == NULL) {
		cause_set(cause, "%s: no roles: mapping", name);
		goto out;
	}

	/* Copy out of libcyaml memory; omitted roles keep the default. */
	t = xcalloc(1, sizeof *t);
	t->name = xstrdup(tf->name);
	memcpy(t->roles, theme_default_roles, sizeof t->roles);
#define X(id, key) \
	if ((r = tf->roles->r_##id) != NULL) { \
		t->roles[THEME_##id].fg = r->fg; \
		t->roles[THEME_##id].bg = r->bg; \
		t->roles[THEME_##id].attrs = r->attrs; \
	}
	THEME_ROLES
#undef X
	if (theme_validate(t, &vcause) != 0) {
		cause_set(cause, "%s: %s", name, vcause);
		free(vcause);
		theme_free(t);
		t = NULL;
	}
out:
	cyaml_free(&cfg, &theme_file_schema, tf, 0);
	return (t);
}

/* Load a theme file. */
struct theme *
theme_load_file(const char *path, char **cause)
{
	unsigned char	*buf = NULL;
	size_t		 len;
	struct theme	*t = NULL;
	struct stat	 st;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > THEME_MAX_SIZE) {
		cause_set(cause, "%s: too large for a theme (%lld bytes)", path,
		    (long long)st.st_size);
		return (NULL);
	}
	if (file_read(path, &buf, &len, cause) != 0)
		return (NULL);
	if ((t = theme_load_data(buf, len, path, cause)) != NULL)
		t->path = xstrdup(path);
	free(buf);
	return (t);
}

/* Is NAME a file name rather than a theme name? */
static bool
theme_is_path(const char *name)
{
	size_t	n = strlen(name);

	return (strchr(name, '/') != NULL ||
	    (n > 5 && strcmp(name + n - 5, ".yaml") == 0));
}

/* Try DIR/NAME.yaml: 1 found (loaded or failed with *cause), 0 absent. */
static int
theme_try_dir(const char *dir, const char *name, struct theme **tp,
    char **cause)
{
	char	*path;
	int	 found = 0;

	if (dir == NULL || *dir == '\0')
		return (0);
	xasprintf(&path, "%s/%s.yaml", dir, name);
	if (access(path, F_OK) == 0) {
		found = 1;
		*tp = theme_load_file(path, cause);
	}
	free(path);
	return (found);
}

/* The directory of the running binary (for uninstalled runs), or NULL. */
static char *
theme_exe_dir(void)
{
	char	 buf[PATH_MAX];
	ssize_t	 n;
	char	*slash;

	n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0)
		return (NULL);
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		return (NULL);
	*slash = '\0';
	return (xstrdup(buf));
}

/* Find a theme by name or path. */
struct theme *
theme_find(const char *name, char **cause)
{
	struct theme	*t = NULL;
	char		*exe, *dir;
	const char	*c;
	int		 found;

	if (name == NULL || *name == '\0')
		name = "default";
	if (theme_is_path(name))
		return (theme_load_file(name, cause));
	for (c = name; *c != '\0'; c++) {
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' ||
		    *c == '.')) {
			cause_set(cause, "bad theme name: %s", name);
			return (NULL);
		}
	}

	if (theme_try_dir(getenv("TLSDECK_THEMES_DIR"), name, &t, cause))
		return (t);
	if ((exe = theme_exe_dir()) != NULL) {
		xasprintf(&dir, "%s/themes", exe);
		found = theme_try_dir(dir, name, &t, cause);
		free(dir);
		if (!found) {
			xasprintf(&dir, "%s/../themes", exe);
			found = theme_try_dir(dir, name, &t, cause);
			free(dir);
		}
		free(exe);
		if (found)
			return (t);
	}
	if (theme_try_dir(TLSDECK_DATADIR "/themes", name, &t, cause))
		return (t);
	if ((t = theme_builtin(name)) != NULL)
		return (t);
	cause_set(cause, "theme not found: %s (looked for %s.yaml in "
	    "$TLSDECK_THEMES_DIR and %s/themes)", name, name, TLSDECK_DATADIR);
	return (NULL);
}

/* SPDX-License-Identifier: ISC */
/*
 * yamlerr.c -- libcyaml's diagnostics, captured and turned into causes.
 *
 * libcyaml logs a message ("Load: Unexpected key: x") and then a backtrace
 * ("Load: Backtrace:", "  in mapping field 'y' (line: L, column: C)", ...)
 * through the config's log_fn.  core/ never prints, so the log goes to a
 * buffer (struct yamlerr); the callers (config.c, theme.c, backup.c) make
 * their cause from the first message and position, or from all the lines.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cyaml/cyaml.h>

#include "core.h"

/* libcyaml log function: keep error text, never print. */
static void
yamlerr_log_fn(cyaml_log_t level, void *ctx, const char *fmt, va_list ap)
{
	struct yamlerr	*ye = ctx;
	int		 n;

	if (level < CYAML_LOG_ERROR || ye->len >= sizeof ye->text - 1)
		return;
	n = vsnprintf(ye->text + ye->len, sizeof ye->text - ye->len, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof ye->text - ye->len)
		ye->len = sizeof ye->text - 1;
	else
		ye->len += (size_t)n;
}

/* Zero cfg and ye; cfg logs errors into ye and loads with flags. */
void
yamlerr_setup(struct cyaml_config *cfg, struct yamlerr *ye,
    unsigned int flags)
{
	memset(cfg, 0, sizeof *cfg);
	memset(ye, 0, sizeof *ye);
	cfg->log_fn = yamlerr_log_fn;
	cfg->log_ctx = ye;
	cfg->mem_fn = cyaml_mem;
	cfg->log_level = CYAML_LOG_ERROR;
	cfg->flags = (cyaml_cfg_flags_t)flags;
}

/* Copy one log line without leading blanks, "Load: " and trailing s. */
static char *
yamlerr_line(const char *s, size_t n, const char *trail)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if (n >= 6 && strncmp(s, "Load: ", 6) == 0) {
		s += 6;
		n -= 6;
	}
	while (n > 0 && strchr(trail, s[n - 1]) != NULL)
		n--;
	return (xstrndup(s, n));
}

/*
 * The first message line that is not the backtrace (what went wrong,
 * without "Load: " and trailing ": "), or cyaml_strerror(err) if none;
 * *lp and *cp get the first "(line: L, column: C)", the innermost node,
 * or 0 when there is none.
 */
char *
yamlerr_first(const struct yamlerr *ye, int err, int *lp, int *cp)
{
	const char	*line, *pos;
	char		*msg = NULL, *one;
	size_t		 n;

	*lp = *cp = 0;
	for (line = ye->text; *line != '\0'; line += n + (line[n] == '\n')) {
		n = strcspn(line, "\n");
		one = xstrndup(line, n);
		if (msg == NULL && strncmp(one, "  ", 2) != 0 &&
		    strstr(one, "Backtrace") == NULL) {
			msg = yamlerr_line(one, n, " :");
			if (*msg == '\0') {
				free(msg);
				msg = NULL;
			}
		}
		if (*lp == 0 && (pos = strstr(one, "(line: ")) != NULL &&
		    sscanf(pos, "(line: %d, column: %d)", lp, cp) != 2)
			*lp = *cp = 0;
		free(one);
	}
	if (msg == NULL)
		msg = xstrdup(cyaml_strerror((cyaml_err_t)err));
	return (msg);
}

/*
 * All the log lines joined with "; " (at most 511 bytes), without
 * "Load: " and "Backtrace:", keeping only the innermost "in ..." location:
 * the enclosing sequence entries and mappings are noise.
 */
char *
yamlerr_joined(const struct yamlerr *ye)
{
	const char	*line;
	char		*out = xstrdup(""), *one, *tmp;
	size_t		 n;
	bool		 located = false;

	for (line = ye->text; *line != '\0'; line += n + (line[n] == '\n')) {
		n = strcspn(line, "\n");
		one = yamlerr_line(line, n < 255 ? n : 255, " \n");
		if (*one == '\0' || strncmp(one, "Backtrace:", 10) == 0 ||
		    (strncmp(one, "in ", 3) == 0 && located)) {
			free(one);
			continue;
		}
		if (strncmp(one, "in ", 3) == 0)
			located = true;
		xasprintf(&tmp, "%s%s%s", out, *out != '\0' ? "; " : "", one);
		free(out);
		free(one);
		out = tmp;
	}
	if (strlen(out) > 511)
		out[511] = '\0';
	return (out);
}

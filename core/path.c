/* SPDX-License-Identifier: ISC */
/* path.c -- path names: join, directory and last component, absolute;
 * whether a path exists or is a directory (the only two that look at the
 * file system). */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

/* "a" + "/" + "b" (b absolute, or a NULL or empty: b), malloc'd. */
char *
path_join(const char *a, const char *b)
{
	char	*s;

	if (b[0] == '/' || a == NULL || *a == '\0')
		return (xstrdup(b));
	if (a[strlen(a) - 1] == '/')
		xasprintf(&s, "%s%s", a, b);
	else
		xasprintf(&s, "%s/%s", a, b);
	return (s);
}

/* The directory part of a path ("." when there is none), malloc'd. */
char *
path_dirname(const char *p)
{
	const char	*s;

	if (p == NULL || (s = strrchr(p, '/')) == NULL)
		return (xstrdup("."));
	if (s == p)
		return (xstrdup("/"));
	return (xstrndup(p, s - p));
}

/* The last component of a path (borrowed). */
const char *
path_basename(const char *p)
{
	const char	*s;

	return ((s = strrchr(p, '/')) != NULL ? s + 1 : p);
}

/* Is p a directory (symlinks followed)? */
bool
path_is_dir(const char *p)
{
	struct stat	sb;

	return (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode));
}

/* Does p exist (symlinks followed: a dangling link does not)? */
bool
path_exists(const char *p)
{
	struct stat	sb;

	return (stat(p, &sb) == 0);
}

/* An absolute version of p (cwd prepended; not resolved), malloc'd. */
char *
path_absolute(const char *p)
{
	char	cwd[PATH_MAX];

	if (p[0] == '/' || getcwd(cwd, sizeof cwd) == NULL)
		return (xstrdup(p));
	if (p[0] == '.' && p[1] == '/')
		p += 2;
	return (path_join(cwd, p));
}

/* SPDX-License-Identifier: ISC */
/* testutil.h -- shared helpers for the cmocka unit tests. */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core.h"

/* Path of a file under tests/data (static buffer, overwritten each call). */
static inline const char *
td_path(const char *rel)
{
	static char	 buf[4096];
	const char	*d = getenv("TESTDATA");

	if (d == NULL)
		d = "tests/data";
	snprintf(buf, sizeof buf, "%s/%s", d, rel);
	return (buf);
}

/* Read a file under tests/data; fails the test when missing. */
static inline unsigned char *
td_read(const char *rel, size_t *len)
{
	unsigned char	*buf = NULL;
	char		*cause = NULL;

	if (file_read(td_path(rel), &buf, len, &cause) != 0) {
		print_error("%s\n", cause);
		free(cause);
		fail();
	}
	return (buf);
}

#endif

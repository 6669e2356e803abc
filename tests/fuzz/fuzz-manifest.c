/* SPDX-License-Identifier: ISC */
/*
 * fuzz-manifest.c -- the backup manifest (libcyaml, strict) on arbitrary
 * bytes.  What parses must write back to text that parses to the same
 * records: restore trusts every field it reads.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Same string, both may be NULL. */
static int
fm_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct backup_rec	*r = NULL, *r2 = NULL;
	unsigned char		*text = NULL;
	size_t			 n = 0, n2 = 0, tlen = 0, i;
	char			*cause = NULL;

	if (backup_manifest_parse("m.yaml", data, size, &r, &n,
	    &cause) != 0) {
		if (cause == NULL || strncmp(cause, "m.yaml: ", 8) != 0)
			abort();
		free(cause);
		return (0);
	}
	if (cause != NULL)
		abort();
	for (i = 0; i < n; i++)
		if (r[i].id == 0 || r[i].path[0] != '/' ||
		    r[i].file[0] == '\0' || r[i].file[0] == '.' ||
		    strchr(r[i].file, '/') != NULL ||
		    strlen(r[i].sha256) != 64 || r[i].mode > 07777)
			abort();
	if (backup_manifest_text("m.yaml", r, n, &text, &tlen, &cause) != 0)
		abort();
	if (backup_manifest_parse("m.yaml", text, tlen, &r2, &n2,
	    &cause) != 0)
		abort();
	if (n2 != n)
		abort();
	for (i = 0; i < n; i++)
		if (r[i].id != r2[i].id || r[i].size != r2[i].size ||
		    r[i].uid != r2[i].uid || r[i].mode != r2[i].mode ||
		    !fm_same(r[i].time, r2[i].time) ||
		    !fm_same(r[i].command, r2[i].command) ||
		    !fm_same(r[i].description, r2[i].description) ||
		    !fm_same(r[i].path, r2[i].path) ||
		    !fm_same(r[i].file, r2[i].file) ||
		    !fm_same(r[i].sha256, r2[i].sha256))
			abort();
	free(text);
	backup_list_free(r, n);
	backup_list_free(r2, n2);
	return (0);
}

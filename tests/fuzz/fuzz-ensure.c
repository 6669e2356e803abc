/* SPDX-License-Identifier: ISC */
/*
 * fuzz-ensure.c -- a tlsdeck ensure spec (core/ensure.c, libcyaml) on
 * arbitrary bytes: refused with one line naming it, or a spec whose
 * values are within their checked ranges.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ensure_spec	*s = NULL;
	char			*cause = NULL;
	size_t			 i;

	if (ensure_spec_parse(data, size, "spec.yaml", &s, &cause) != 0) {
		if (s != NULL || cause == NULL ||
		    strncmp(cause, "spec.yaml: ", 11) != 0 ||
		    strchr(cause, '\n') != NULL)
			abort();
		free(cause);
		return (0);
	}
	if ((s->server == NULL) == (s->properties == NULL))
		abort();
	if (s->https && (s->ndomains == 0 || s->min_days >= s->days ||
	    s->port < 0 || s->port > 65535))
		abort();
	for (i = 0; i < s->nsettings; i++)
		if (secret_key_name(s->settings[i].key))
			abort();
	ensure_spec_free(s);
	return (0);
}

/* SPDX-License-Identifier: ISC */
/* fuzz-theme.c -- the theme YAML loader (libcyaml) on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme	*t;
	char		*cause = NULL;
	int		 i;

	t = theme_load_data(data, size, "fuzz.yaml", &cause);
	if (t != NULL) {
		/* a loaded theme is complete and in range */
		for (i = 0; i < THEME__MAX; i++)
			if ((unsigned)t->roles[i].fg >= COLOUR__MAX ||
			    (unsigned)t->roles[i].bg >= COLOUR__MAX ||
			    (t->roles[i].attrs & ~0x0fU) != 0)
				abort();
		if (t->name == NULL || cause != NULL)
			abort();
	} else if (cause == NULL || strncmp(cause, "fuzz.yaml: ", 11) != 0)
		abort();
	theme_free(t);
	free(cause);
	return (0);
}

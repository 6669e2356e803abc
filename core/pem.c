/* SPDX-License-Identifier: ISC */
/* pem.c -- placeholder so the tree builds; being written now. */
#include <stdlib.h>
#include "core.h"
int
certfile_load(const unsigned char *b, size_t l, struct keystore *ks,
    char **cause)
{
	cause_set(cause, "certificate files not implemented yet");
	return (-1);
}

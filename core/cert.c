/* SPDX-License-Identifier: ISC */
/* cert.c -- placeholder so the tree builds; being written now. */
#include <stdlib.h>
#include "core.h"
void
cert_free(struct cert *c)
{
	free(c);
}

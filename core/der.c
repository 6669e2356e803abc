/* SPDX-License-Identifier: ISC */
/* der.c -- placeholder so the tree builds; being written now. */
#include <stdlib.h>
#include "core.h"
int
der_cert_walk(const unsigned char *der, size_t len, struct cert_info *ci,
    char **cause)
{
	cause_set(cause, "certificate decoding not implemented yet");
	return (-1);
}
void
cert_info_done(struct cert_info *ci)
{
}

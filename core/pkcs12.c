/* SPDX-License-Identifier: ISC */
/* pkcs12.c -- placeholder so the tree builds; being written now. */
#include <stdlib.h>
#include "core.h"
int
pkcs12_load(const unsigned char *b, size_t l, const struct secret *p, int f,
    struct keystore *ks, char **cause)
{
	cause_set(cause, "PKCS12 not implemented yet");
	return (-1);
}
int
pkcs12_recover_key(const struct keystore *ks, struct ks_entry *e,
    const struct secret *p, char **cause)
{
	cause_set(cause, "PKCS12 not implemented yet");
	return (-1);
}
int
pkcs12_write(const struct keystore *ks, const struct secret *p,
    unsigned char **o, size_t *ol, char **cause)
{
	cause_set(cause, "PKCS12 not implemented yet");
	return (-1);
}
void
pkcs12_params_default(struct ks_p12_params *p, bool pwless)
{
}

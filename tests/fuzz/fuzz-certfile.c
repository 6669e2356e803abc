/* SPDX-License-Identifier: ISC */
/*
 * fuzz-certfile.c -- certificate files (certs_read_mem, certfile_load) and
 * private keys (pem_key_read_mem with a fixed pass phrase and without one)
 * on arbitrary input.  Besides not crashing or leaking: a failure always
 * has a message that names the file, and a success has what it promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct secret	*pw;
	struct cert		**v;
	struct keystore		*ks;
	EVP_PKEY		*k;
	char			*cause = NULL;
	size_t			 i, n;

	if (pw == NULL)
		pw = secret_from_str("tlsdeck-test");
	if (certs_read_mem(data, size, "f", &v, &n, &cause) == 0) {
		if (n == 0 || cause != NULL)
			abort();
		for (i = 0; i < n; i++)
			if (v[i]->info.subject == NULL)
				abort();
		certs_free(v, n);
		ks = keystore_new(KS_FMT_UNKNOWN);
		if (certfile_load(data, size, ks, &cause) != 0 ||
		    ks->nentries != n || !ks->verified)
			abort();
		keystore_free(ks);
	} else {
		if (cause == NULL || strncmp(cause, "f: ", 3) != 0 || v != NULL)
			abort();
		free(cause);
		cause = NULL;
	}
	(void)pem_key_needs_pass(data, size);
	if (pem_key_read_mem(data, size, "f", pw, &k, &cause) == 0) {
		if (k == NULL)
			abort();
		EVP_PKEY_free(k);
	} else {
		if (cause == NULL || strncmp(cause, "f: ", 3) != 0 || k != NULL)
			abort();
		free(cause);
		cause = NULL;
	}
	if (pem_key_read_mem(data, size, "f", NULL, &k, &cause) == 0)
		EVP_PKEY_free(k);
	else
		free(cause);
	return (0);
}

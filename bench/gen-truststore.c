/* SPDX-License-Identifier: ISC */
/*
 * gen-truststore.c -- make an N-entry truststore for the benchmark by
 * cycling through the certificates of a source file (Debian's cacerts has
 * 144 real roots) under distinct aliases.
 *
 * usage: gen-truststore SRC N jks|pkcs12|pkcs12-nopw OUT   (password: $PW)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int
main(int argc, char **argv)
{
	struct keystore	*src = NULL, *dst;
	struct ks_entry	*e;
	struct secret	*pw = NULL;
	unsigned char	*out;
	size_t		 outlen, i, n, k;
	char		*cause = NULL, alias[64];
	FILE		*f;

	if (argc != 5) {
		fprintf(stderr, "usage: gen-truststore SRC N "
		    "jks|pkcs12|pkcs12-nopw OUT\n");
		return (2);
	}
	if (getenv("PW") != NULL)
		pw = secret_from_str(getenv("PW"));
	if (keystore_load(argv[1], pw, pw == NULL ? KS_LOAD_NOVERIFY : 0,
	    &src, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		return (1);
	}
	n = strtoul(argv[2], NULL, 10);
	if (strcmp(argv[3], "jks") == 0)
		dst = keystore_new(KS_FMT_JKS);
	else {
		dst = keystore_new(KS_FMT_PKCS12);
		pkcs12_params_default(&dst->p12,
		    strcmp(argv[3], "pkcs12-nopw") == 0);
		dst->passwordless = strcmp(argv[3], "pkcs12-nopw") == 0;
	}
	for (i = 0, k = 0; i < n; i++, k = (k + 1) % src->nentries) {
		while (src->entries[k]->nchain == 0)
			k = (k + 1) % src->nentries;
		snprintf(alias, sizeof alias, "bench-%06zu", i);
		e = ks_entry_new(alias, KS_ENTRY_TRUSTED);
		e->date_ms = 1795963389927LL;
		ks_entry_add_cert(e, cert_dup(src->entries[k]->chain[0]));
		keystore_add(dst, e);
	}
	if (keystore_serialize(dst, dst->passwordless ? NULL : pw, &out,
	    &outlen, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		return (1);
	}
	if ((f = fopen(argv[4], "wb")) == NULL ||
	    fwrite(out, 1, outlen, f) != outlen || fclose(f) != 0) {
		perror(argv[4]);
		return (1);
	}
	free(out);
	keystore_free(src);
	keystore_free(dst);
	secret_free(pw);
	return (0);
}

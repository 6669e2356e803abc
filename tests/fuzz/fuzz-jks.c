/* SPDX-License-Identifier: ISC */
/*
 * fuzz-jks.c -- jks_load (through keystore_load_mem) on arbitrary input,
 * with a fixed store password and without one.  Besides not crashing or
 * leaking: a failure always has a message; key recovery is attempted on
 * every key entry; and what loads and can be written as JKS must read back
 * verified with the same number of entries, and write again byte for byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Is this a JCEKS PBEWithMD5AndTripleDES key with a large iteration count?
 * Such recoveries cost 10^5..10^6 MD5 rounds; they are skipped so the
 * fuzzer keeps its speed (small counts, and malformed ones, still run).
 */
static int
fuzz_slow_key(const unsigned char *p, size_t len)
{
	static const unsigned char oid[] = { 0x06, 0x09, 0x2b, 0x06, 0x01,
	    0x04, 0x01, 0x2a, 0x02, 0x13, 0x01 };
	const unsigned char	*o, *s;
	size_t			 left, i, n;
	unsigned long		 count = 0;

	if ((o = memmem(p, len, oid, sizeof oid)) == NULL)
		return (0);
	left = len - (size_t)(o - p);
	if ((s = memmem(o, left, "\x04\x08", 2)) == NULL)
		return (0);
	left = len - (size_t)(s - p);
	if (left < 12 || s[10] != 0x02)
		return (0);
	n = s[11];
	if (n > 4 || left < 12 + n)
		return (1);
	for (i = 0; i < n; i++)
		count = (count << 8) | s[12 + i];
	return (count > 2048);
}

/* Write ks as JKS, read it back, write again: the bytes must not change. */
static void
fuzz_rewrite(struct keystore *ks, const struct secret *pw)
{
	struct keystore	*ks2 = NULL;
	unsigned char	*out = NULL, *out2 = NULL;
	size_t		 outlen, outlen2;
	char		*cause = NULL;

	if (ks->format != KS_FMT_JKS)
		return;
	if (jks_write(ks, pw, &out, &outlen, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		return;
	}
	if (keystore_load_mem(out, outlen, "rewrite", pw, 0, &ks2,
	    &cause) != 0)
		abort();
	if (!ks2->verified || ks2->nentries != ks->nentries)
		abort();
	if (jks_write(ks2, pw, &out2, &outlen2, &cause) != 0)
		abort();
	if (outlen2 != outlen || memcmp(out, out2, outlen) != 0)
		abort();
	free(out);
	free(out2);
	keystore_free(ks2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct secret	*pw, *kp;
	struct keystore		*ks = NULL;
	char			*cause = NULL;
	size_t			 i;

	if (pw == NULL) {
		pw = secret_from_str("storepass");
		kp = secret_from_str("keypass1");
	}
	/* Only the JKS/JCEKS magic reaches jks_load. */
	if (size < 4 || (memcmp(data, "\xfe\xed\xfe\xed", 4) != 0 &&
	    memcmp(data, "\xce\xce\xce\xce", 4) != 0))
		return (0);

	if (keystore_load_mem(data, size, "fuzz", pw, 0, &ks, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		cause = NULL;
	} else
		keystore_free(ks);

	if (keystore_load_mem(data, size, "fuzz", NULL, KS_LOAD_NOVERIFY,
	    &ks, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		return (0);
	}
	if (ks->verified)
		abort();
	for (i = 0; i < ks->nentries; i++) {
		if (ks->entries[i]->type != KS_ENTRY_KEY ||
		    fuzz_slow_key(ks->entries[i]->prot,
		    ks->entries[i]->prot_len))
			continue;
		if (keystore_recover_key(ks, ks->entries[i], kp,
		    &cause) != 0) {
			if (cause == NULL)
				abort();
			free(cause);
			cause = NULL;
		}
	}
	fuzz_rewrite(ks, pw);
	keystore_free(ks);
	return (0);
}

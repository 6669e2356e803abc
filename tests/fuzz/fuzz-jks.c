/* SPDX-License-Identifier: ISC */
/*
 * fuzz-jks.c -- jks_load (through keystore_load_mem, and keystore_load_owned
 * which must agree with it) on arbitrary input, with a fixed store password
 * and without one.  Besides not crashing or
 * leaking: a failure always has a message; key recovery is attempted on
 * every key entry and secret key entry; and what loads and can be written
 * as JKS must read back verified with the same number of entries, and
 * write again byte for byte.  The listing a chunk at a time (ks_list_fd,
 * chunks of 1 to 509 bytes) lists exactly what jks_load loads verified,
 * sorted, or refuses, and refuses only what is not so listed (an alias
 * Java would lower-case or see twice).  An input that starts with the
 * Java serialization magic (AC ED) is a decrypted sealed object instead:
 * the stream jks_unsealed_key reads once a JCEKS secret key is decrypted.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/*
 * The same for a sealed secret key: its encodedParams (SEQUENCE { OCTET
 * STRING salt(8), INTEGER count }) anywhere in the stream with a large
 * count.
 */
static int
fuzz_slow_sealed(const unsigned char *p, size_t len)
{
	const unsigned char	*s = p;
	size_t			 left = len, i, n;
	unsigned long		 count;

	if (p == NULL)
		return (0);
	while ((s = memmem(s, left, "\x04\x08", 2)) != NULL) {
		left = len - (size_t)(s - p);
		if (left >= 12 && s[10] == 0x02) {
			n = s[11];
			if (n > 4 || left < 12 + n)
				return (1);
			for (count = 0, i = 0; i < n; i++)
				count = (count << 8) | s[12 + i];
			if (count > 2048)
				return (1);
		}
		s++;
		left--;
	}
	return (0);
}

/*
 * The same input through keystore_load_owned (the file's own buffer kept:
 * certificates borrow from it, entries are packed in the keystore's arena,
 * encrypted parts are decrypted in place): it must load exactly what
 * keystore_load_mem loaded (ref, or fail when ref is NULL), and survive
 * sorting, fingerprints, a chain grown and an entry removed.
 */
static void
fuzz_owned(const unsigned char *p, size_t len, const struct secret *pw,
    int flags, const struct keystore *ref)
{
	struct keystore	*ks = NULL;
	struct ks_entry	*e, *f;
	char		*cause = NULL;
	size_t		 i, j;

	if (keystore_load_owned(xmemdup(p, len), len, "fuzz", pw, flags, &ks,
	    &cause) != 0) {
		if (cause == NULL || ks != NULL || ref != NULL)
			abort();
		free(cause);
		return;
	}
	if (ref == NULL || ks->nentries != ref->nentries ||
	    ks->verified != ref->verified)
		abort();
	for (i = 0; i < ks->nentries; i++) {
		e = ks->entries[i];
		f = ref->entries[i];
		if (e->alias_len != f->alias_len || memcmp(e->alias, f->alias,
		    e->alias_len) != 0 || e->type != f->type ||
		    e->nchain != f->nchain)
			abort();
		for (j = 0; j < e->nchain; j++) {
			if (e->chain[j]->len != f->chain[j]->len ||
			    memcmp(e->chain[j]->der, f->chain[j]->der,
			    e->chain[j]->len) != 0 ||
			    strcmp(e->chain[j]->info.subject,
			    f->chain[j]->info.subject) != 0 ||
			    strcmp(e->chain[j]->info.serial,
			    f->chain[j]->info.serial) != 0)
				abort();
			(void)cert_sha256(e->chain[j]);
		}
	}
	keystore_sort(ks);
	if (ks->nentries > 0) {
		e = ks->entries[0];
		if (e->nchain > 0)
			ks_entry_add_cert(e, cert_dup(e->chain[0]));
		keystore_remove(ks, 0);
	}
	keystore_free(ks);
}

/* The listing's text of an entry: its alias. */
static void
fuzz_list_fn(FILE *f, struct ks_entry *e, void *arg)
{
	size_t	i;

	(void)arg;
	fwrite(e->alias, 1, e->alias_len, f);
	for (i = 0; i < e->nchain; i++)
		(void)cert_sha1(e->chain[i]);
}

/*
 * ks_list_fd on the input with password pw against ref, what keystore_load
 * made of it with pw (NULL: it failed); ref is sorted here.
 */
static void
fuzz_list(const unsigned char *p, size_t len, const struct secret *pw,
    struct keystore *ref)
{
	struct ks_list	*l = NULL;
	struct ks_entry	*e, *f;
	size_t		 i;
	int		 fd, rc;
	bool		 odd = false;

	if ((fd = memfd_create("fuzz-list", 0)) == -1)
		return;
	if (write(fd, p, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	rc = ks_list_fd(fd, 1 + len % 509, pw, fuzz_list_fn, NULL, &l);
	close(fd);
	if (ref != NULL)
		keystore_sort(ref);
	for (i = 0; ref != NULL && i < ref->nentries; i++) {
		e = ref->entries[i];
		f = i > 0 ? ref->entries[i - 1] : NULL;
		if ((e->flags & KS_EF_ALIAS_NOT_LOWER) || (f != NULL &&
		    ks_alias_casecmp(e->alias, e->alias_len, f->alias,
		    f->alias_len) == 0))
			odd = true;
	}
	if (rc != 0) {
		if (l != NULL || (ref != NULL && ref->verified && !odd))
			abort();
		return;
	}
	if (ref == NULL || !ref->verified || odd || !l->verified ||
	    l->n != ref->nentries || l->format != ref->format)
		abort();
	for (i = 0; i < l->n; i++) {
		e = ref->entries[i];
		if (l->texts[i].len != e->alias_len ||
		    memcmp(l->texts[i].s, e->alias, e->alias_len) != 0)
			abort();
	}
	ks_list_free(l);
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
	if (size >= 2 && memcmp(data, "\xac\xed", 2) == 0) {
		struct secret	*key;
		char		*alg;

		if (jks_unsealed_key(data, size, &key, &alg) == 0) {
			if (key == NULL || alg == NULL || key->len == 0)
				abort();
			secret_free(key);
			free(alg);
		}
		return (0);
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
		ks = NULL;
	}
	fuzz_owned(data, size, pw, 0, ks);
	fuzz_list(data, size, pw, ks);
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
	fuzz_owned(data, size, NULL, KS_LOAD_NOVERIFY, ks);
	for (i = 0; i < ks->nentries; i++) {
		if (ks->entries[i]->type == KS_ENTRY_SECRET &&
		    !fuzz_slow_sealed(ks->entries[i]->prot,
		    ks->entries[i]->prot_len)) {
			if (keystore_recover_secret(ks, ks->entries[i], kp,
			    &cause) != 0) {
				if (cause == NULL)
					abort();
				free(cause);
				cause = NULL;
			}
			continue;
		}
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

/* SPDX-License-Identifier: ISC */
/*
 * props-dump.c -- print what core/props.c reads from .properties files, in
 * the format of tests/interop/PropsDump.java, for props-oracle.sh.
 *
 *	props-dump FILE...		one "== FILE" section per file: the
 *					keys (last wins) sorted as Java sorts
 *					Strings, "[key] => [value]", every
 *					char outside 0x20-0x7e and \ [ ] as
 *					\uxxxx; "ERROR malformed" when the
 *					file does not load
 *	props-dump -g SEED N DIR	write N random files, DIR/rand-NNN
 *					.properties
 *	props-dump -s FILE KEY VALUE	props_set, the result on stdout
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

struct dump_kv {
	uint16_t	*k;
	size_t		 kl;
	size_t		 idx;		/* position in the file */
	const char	*v;
	size_t		 vl;
};

/* WTF-8 (as props.c writes it) to UTF-16 units; *n set. */
static uint16_t *
dump_u16(const char *s, size_t len, size_t *n)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint16_t		*u = calloc(len + 1, sizeof *u);
	uint32_t		 cp;
	size_t			 i = 0, k = 0, extra;

	if (u == NULL)
		abort();
	while (i < len) {
		if (p[i] < 0x80) {
			cp = p[i];
			extra = 0;
		} else if (p[i] < 0xe0) {
			cp = p[i] & 0x1f;
			extra = 1;
		} else if (p[i] < 0xf0) {
			cp = p[i] & 0x0f;
			extra = 2;
		} else {
			cp = p[i] & 0x07;
			extra = 3;
		}
		i++;
		while (extra-- > 0 && i < len)
			cp = (cp << 6) | (p[i++] & 0x3f);
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u[k++] = 0xd800 + (cp >> 10);
			u[k++] = 0xdc00 + (cp & 0x3ff);
		} else
			u[k++] = cp;
	}
	*n = k;
	return (u);
}

/* Print units, escaped as PropsDump.java does. */
static void
dump_print(const uint16_t *u, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (u[i] >= 0x20 && u[i] < 0x7f && u[i] != '\\' &&
		    u[i] != '[' && u[i] != ']')
			putchar(u[i]);
		else
			printf("\\u%04x", u[i]);
	}
}

/* Java String.compareTo (by UTF-16 unit, then length), then position. */
static int
dump_cmp(const void *a, const void *b)
{
	const struct dump_kv	*x = a, *y = b;
	size_t			 i;

	for (i = 0; i < x->kl && i < y->kl; i++) {
		if (x->k[i] != y->k[i])
			return (x->k[i] < y->k[i] ? -1 : 1);
	}
	if (x->kl != y->kl)
		return (x->kl < y->kl ? -1 : 1);
	return (x->idx < y->idx ? -1 : x->idx > y->idx);
}

/* One file. */
static void
dump_file(const char *path)
{
	struct props		*p;
	const struct prop_entry	*e;
	struct dump_kv		*kv;
	char			*cause = NULL;
	size_t			 n, i, vn;
	uint16_t		*vu;

	printf("== %s\n", path);
	if (props_load(path, &p, &cause) != 0) {
		if (strstr(cause, "malformed \\uxxxx") != NULL)
			printf("ERROR malformed\n");
		else
			printf("ERROR %s\n", cause);
		free(cause);
		return;
	}
	n = props_count(p);
	if ((kv = calloc(n + 1, sizeof *kv)) == NULL)
		abort();
	for (i = 0; i < n; i++) {
		e = props_entry(p, i);
		kv[i].k = dump_u16(e->key, e->key_len, &kv[i].kl);
		kv[i].idx = i;
		kv[i].v = e->value;
		kv[i].vl = e->value_len;
	}
	qsort(kv, n, sizeof *kv, dump_cmp);
	for (i = 0; i < n; i++) {
		/* Last wins: print only the last of equal keys. */
		if (i + 1 < n && kv[i].kl == kv[i + 1].kl &&
		    memcmp(kv[i].k, kv[i + 1].k, kv[i].kl * 2) == 0)
			continue;
		putchar('[');
		dump_print(kv[i].k, kv[i].kl);
		printf("] => [");
		vu = dump_u16(kv[i].v, kv[i].vl, &vn);
		dump_print(vu, vn);
		printf("]\n");
		free(vu);
	}
	for (i = 0; i < n; i++)
		free(kv[i].k);
	free(kv);
	props_free(p);
}

/* Deterministic pseudo-random numbers (a 64-bit LCG). */
static uint64_t	dump_seed;

static unsigned int
dump_rand(unsigned int n)
{
	dump_seed = dump_seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((unsigned int)(dump_seed >> 33) % n);
}

/* Write N random files made of the grammar's interesting pieces. */
static int
dump_generate(unsigned long seed, int count, const char *dir)
{
	static const char	*tok[] = {
		"a", "b", "key", ".", "-", "x.y", "=", ":", " ", " ", "\t",
		"\f", "\\", "\\", "\\\\", "\n", "\n", "\r", "\r\n", "#", "!",
		"\\u0041", "\\u00e9", "\\uD83D\\uDE00", "\\ud800",
		"\\t", "\\n", "\\ ", "\\=", "\\:", "\\#", "C:\\Program",
		"\xe9", "\xc3\xa9", "\xff", "${a}", "0", "F", "1"
	};
	char			 path[4096];
	FILE			*f;
	int			 i, j, len;
	const char		*t;

	dump_seed = seed;
	for (i = 0; i < count; i++) {
		snprintf(path, sizeof path, "%s/rand-%03d.properties", dir,
		    i);
		if ((f = fopen(path, "wb")) == NULL) {
			perror(path);
			return (1);
		}
		len = dump_rand(60);
		for (j = 0; j < len; j++) {
			t = tok[dump_rand(sizeof tok / sizeof tok[0])];
			fwrite(t, 1, strlen(t), f);
		}
		/* A NUL now and then. */
		if (dump_rand(8) == 0)
			fwrite("k\0v", 1, 3, f);
		fclose(f);
	}
	return (0);
}

/* props_set on a file, the result on stdout. */
static int
dump_set(const char *path, const char *key, const char *value)
{
	struct props	*p;
	unsigned char	*out;
	size_t		 len;
	char		*cause = NULL;

	if (props_load(path, &p, &cause) != 0 ||
	    props_set(p, key, value, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		props_free(p);
		return (1);
	}
	props_serialize(p, &out, &len);
	fwrite(out, 1, len, stdout);
	free(out);
	props_free(p);
	return (0);
}

int
main(int argc, char **argv)
{
	int	i;

	if (argc == 5 && strcmp(argv[1], "-g") == 0)
		return (dump_generate(strtoul(argv[2], NULL, 10),
		    atoi(argv[3]), argv[4]));
	if (argc == 5 && strcmp(argv[1], "-s") == 0)
		return (dump_set(argv[2], argv[3], argv[4]));
	for (i = 1; i < argc; i++)
		dump_file(argv[i]);
	return (0);
}

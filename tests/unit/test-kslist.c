/* SPDX-License-Identifier: ISC */
/*
 * test-kslist.c -- listing a JKS or JCEKS keystore a chunk at a time
 * (ks_list_fd, ks_list_file) against keystore_load: the same entries, in
 * keystore_sort's order, for every JKS and JCEKS sample and for a
 * generated keystore large enough for two threads, read in chunks of many
 * sizes; and a refusal (-1, keystore_load's to explain) for everything
 * that is not exactly what keystore_load would list verified.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "testutil.h"

#define PW_UNICODE	"p\xc3\xa4ssw\xc3\xb6rd"

/* What a listing shows of an entry, as text (the test's ks_list_fn). */
static void
entry_text(FILE *f, struct ks_entry *e, void *arg)
{
	char	*fp;
	size_t	 i;

	(void)arg;
	fprintf(f, "[");
	fwrite(e->alias, 1, e->alias_len, f);
	fprintf(f, "] %s %lld %zu\n", ks_etype_name(e->type),
	    (long long)e->date_ms, e->nchain);
	for (i = 0; i < e->nchain; i++) {
		fp = cert_fp_hex(cert_sha256(e->chain[i]), CERT_SHA256_LEN);
		fprintf(f, " %s|%s|%s|%s|%s\n", e->chain[i]->info.subject,
		    e->chain[i]->info.issuer, e->chain[i]->info.serial,
		    e->chain[i]->info.key, fp);
		free(fp);
		fp = cert_fp_hex(cert_sha1(e->chain[i]), CERT_SHA1_LEN);
		fprintf(f, " %s\n", fp);
		free(fp);
	}
	if (e->secret_alg != NULL)
		fprintf(f, " %s\n", e->secret_alg);
}

/* The texts of keystore_load's sorted entries, joined. */
static char *
whole_text(const struct keystore *ks)
{
	char	*buf = NULL;
	size_t	 len = 0, i;
	FILE	*f;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	for (i = 0; i < ks->nentries; i++)
		entry_text(f, ks->entries[i], NULL);
	fclose(f);
	return (buf);
}

/* The texts of a listing, joined. */
static char *
list_text(const struct ks_list *l)
{
	char	*buf = NULL;
	size_t	 len = 0, i;
	FILE	*f;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	for (i = 0; i < l->n; i++)
		fwrite(l->texts[i].s, 1, l->texts[i].len, f);
	fclose(f);
	return (buf);
}

/* A temporary file holding buf; its descriptor, at offset 0. */
static int
tmp_fd(const unsigned char *buf, size_t len, char *path, size_t pathlen)
{
	const char	*d = getenv("TMPDIR");
	int		 fd;

	snprintf(path, pathlen, "%s/test-kslist.XXXXXX", d != NULL ? d :
	    "/tmp");
	fd = mkstemp(path);
	assert_true(fd != -1);
	assert_true(write(fd, buf, len) == (ssize_t)len);
	assert_true(lseek(fd, 0, SEEK_SET) == 0);
	return (fd);
}

/* ks_list_fd on buf with chunk; 0 or -1 (and the listing in *lp). */
static int
list_buf(const unsigned char *buf, size_t len, size_t chunk, const char *pw,
    struct ks_list **lp)
{
	struct secret	*s = pw != NULL ? secret_from_str(pw) : NULL;
	char		 path[4096];
	int		 fd, rc;

	fd = tmp_fd(buf, len, path, sizeof path);
	rc = ks_list_fd(fd, chunk, s, entry_text, NULL, lp);
	close(fd);
	unlink(path);
	secret_free(s);
	if (rc != 0)
		assert_null(*lp);
	return (rc);
}

/* The listing of buf must be keystore_load's, sorted, in every chunk size. */
static void
check_same(const unsigned char *buf, size_t len, const char *pw)
{
	static const size_t	 chunks[] = { 1, 7, 100, 1000, 4096, 65536,
	    0 };
	struct keystore		*ks = NULL;
	struct secret		*s = pw != NULL ? secret_from_str(pw) : NULL;
	struct ks_list		*l;
	char			*cause = NULL, *want, *got;
	size_t			 i;

	if (keystore_load_mem(buf, len, "test", s, pw == NULL ?
	    KS_LOAD_NOVERIFY : 0, &ks, &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	secret_free(s);
	keystore_sort(ks);
	want = whole_text(ks);
	for (i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		if (list_buf(buf, len, chunks[i], pw, &l) != 0) {
			print_error("chunk %zu: not listed\n", chunks[i]);
			fail();
		}
		assert_int_equal(l->format, ks->format);
		assert_int_equal(l->verified, ks->verified);
		assert_int_equal(l->n, ks->nentries);
		got = list_text(l);
		assert_string_equal(got, want);
		free(got);
		ks_list_free(l);
	}
	free(want);
	keystore_free(ks);
}

/* A sample file, with its password and without one. */
static void
check_sample(const char *rel, const char *pw)
{
	unsigned char	*buf;
	size_t		 len;

	buf = td_read(rel, &len);
	check_same(buf, len, pw);
	check_same(buf, len, NULL);
	free(buf);
}

static void
test_samples(void **state)
{
	(void)state;
	check_sample("samples/sample-jks17.jks", "storepass");
	check_sample("samples/sample-jdk25.jks", "storepass");
	check_sample("samples/sample-jks-unicode-alias.jks", PW_UNICODE);
	check_sample("samples/sample-jks-nonjava-writer.jks", "storepass");
	check_sample("samples/sample-jceks17.jceks", "storepass");
}

/* The keyed digest at the end of a JKS made again for password pw. */
static void
redigest(unsigned char *buf, size_t len, const char *pw)
{
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
	unsigned char	 u[64];
	size_t		 i, n = strlen(pw);

	assert_true(n <= sizeof u / 2);
	for (i = 0; i < n; i++) {
		u[2 * i] = 0;
		u[2 * i + 1] = (unsigned char)pw[i];
	}
	assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha1(), NULL), 1);
	EVP_DigestUpdate(ctx, u, 2 * n);
	EVP_DigestUpdate(ctx, "Mighty Aphrodite", 16);
	EVP_DigestUpdate(ctx, buf, len - 20);
	assert_int_equal(EVP_DigestFinal_ex(ctx, buf + len - 20, NULL), 1);
	EVP_MD_CTX_free(ctx);
}

/*
 * A JKS of n trusted entries cycling through the sample certificates,
 * its aliases in no order (the listing sorts them); dup: one alias stored
 * twice (the writer refuses that: the bytes are changed and the keyed
 * digest made again).  Serialized with "changeit".
 */
static unsigned char *
make_jks(size_t n, bool dup, size_t *lenp)
{
	static const char	*files[] = { "samples/certs/ca.pem",
	    "samples/certs/int.pem", "samples/certs/leaf.pem",
	    "samples/certs/srv2.pem" };
	struct cert		*certs[4];
	struct keystore		*ks;
	struct ks_entry		*e;
	struct secret		*pw = secret_from_str("changeit");
	struct cert		**v;
	unsigned char		*out, *p;
	char			*cause = NULL, alias[32];
	size_t			 i, nv;

	for (i = 0; i < 4; i++) {
		if (certs_read_file(td_path(files[i]), &v, &nv, &cause) != 0) {
			print_error("%s\n", cause);
			fail();
		}
		certs[i] = cert_dup(v[0]);
		certs_free(v, nv);
	}
	ks = keystore_new(KS_FMT_JKS);
	for (i = 0; i < n; i++) {
		snprintf(alias, sizeof alias, "e%05zu", (i * 7919) % n);
		e = ks_entry_new(alias, KS_ENTRY_TRUSTED);
		e->date_ms = 1700000000000LL + (int64_t)i;
		ks_entry_add_cert(e, cert_dup(certs[i % 4]));
		keystore_add(ks, e);
	}
	if (keystore_serialize(ks, pw, &out, lenp, &cause) != 0) {
		print_error("%s\n", cause);
		fail();
	}
	keystore_free(ks);
	for (i = 0; i < 4; i++)
		cert_free(certs[i]);
	secret_free(pw);
	if (dup) {
		/* "e00001" becomes "e00002" */
		assert_non_null(p = memmem(out, *lenp, "e00001", 6));
		p[5] = '2';
		redigest(out, *lenp, "changeit");
	}
	return (out);
}

/* Large enough for the second thread; chunks down to one byte. */
static void
test_large(void **state)
{
	unsigned char	*buf;
	size_t		 len;

	(void)state;
	buf = make_jks(1500, false, &len);
	assert_true(len > 1024 * 1024);
	check_same(buf, len, "changeit");
	free(buf);
}

/* Not listed this way (keystore_load explains): -1, nothing listed. */
static void
check_refused(const unsigned char *buf, size_t len, const char *pw)
{
	struct ks_list	*l = NULL;

	assert_int_equal(list_buf(buf, len, 0, pw, &l), -1);
	assert_int_equal(list_buf(buf, len, 13, pw, &l), -1);
}

static void
test_refused(void **state)
{
	struct keystore	*ks = NULL;
	struct secret	*pw;
	unsigned char	*buf, *b2;
	size_t		 len, cut;

	(void)state;
	buf = make_jks(40, false, &len);
	/* the wrong password; a changed byte anywhere */
	check_refused(buf, len, "wrongpass");
	b2 = xmemdup(buf, len);
	b2[len - 1] ^= 1;
	check_refused(b2, len, "changeit");
	memcpy(b2, buf, len);
	b2[len / 2] ^= 0x10;
	check_refused(b2, len, "changeit");
	memcpy(b2, buf, len);
	b2[11] = 41;			/* the count: one entry more */
	check_refused(b2, len, "changeit");
	free(b2);
	/* truncated anywhere; a byte more */
	for (cut = 0; cut < len; cut += 1 + cut / 3)
		check_refused(buf, cut, "changeit");
	check_refused(buf, len - 1, NULL);
	b2 = xmalloc(len + 1);
	memcpy(b2, buf, len);
	b2[len] = 0;
	check_refused(b2, len + 1, "changeit");
	check_refused(b2, len + 1, NULL);
	free(b2);
	free(buf);
	/* one alias twice (keystore_load keeps the one Java loads and sets
	 * the other aside; the chunked listing gives up) */
	buf = make_jks(40, true, &len);
	pw = secret_from_str("changeit");
	assert_int_equal(keystore_load_mem(buf, len, "test", pw, 0, &ks,
	    NULL), 0);
	assert_true(ks->verified);
	assert_int_equal(ks->nentries, 39);
	assert_int_equal(ks->nignored, 1);
	keystore_free(ks);
	secret_free(pw);
	check_refused(buf, len, "changeit");
	free(buf);
	/* an alias Java cannot look up */
	buf = td_read("samples/bad-uppercase-alias.jks", &len);
	check_refused(buf, len, "changeit");
	free(buf);
	/* not JKS or JCEKS */
	buf = td_read("samples/sample-jdk17.p12", &len);
	check_refused(buf, len, "storepass");
	free(buf);
}

/* ks_list_file: a JKS path is listed; anything else is not. */
static void
test_file(void **state)
{
	struct ks_list	*l = NULL;
	struct secret	*pw = secret_from_str("storepass");

	(void)state;
	assert_int_equal(ks_list_file(td_path("samples/sample-jks17.jks"),
	    pw, entry_text, NULL, &l), 0);
	assert_non_null(l);
	assert_true(l->verified);
	assert_int_equal(l->n, 3);
	ks_list_free(l);
	assert_int_equal(ks_list_file(td_path("samples/sample-jdk17.p12"),
	    pw, entry_text, NULL, &l), -1);
	assert_null(l);
	assert_int_equal(ks_list_file(td_path("samples/nosuchfile.jks"),
	    pw, entry_text, NULL, &l), -1);
	assert_int_equal(ks_list_file(td_path("samples"), pw, entry_text,
	    NULL, &l), -1);
	assert_null(l);
	secret_free(pw);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_file),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

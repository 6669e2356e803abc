/* SPDX-License-Identifier: ISC */
/* test-secret.c -- struct secret and the UTF-16BE encoding Java uses. */
#include <unistd.h>

#include "testutil.h"

/* ASCII becomes 00 xx pairs. */
static void
test_utf16_ascii(void **state)
{
	struct secret	*s = secret_from_str("ab");
	struct secret	*u = secret_utf16be(s);

	assert_int_equal(u->len, 4);
	assert_memory_equal(u->buf, "\0a\0b", 4);
	secret_free(s);
	secret_free(u);
}

/* "pässwörd" (docs/formats.md, The integrity digest): 00 70 00 e4 ... */
static void
test_utf16_latin1(void **state)
{
	struct secret	*s = secret_from_str("p\xc3\xa4ss");
	struct secret	*u = secret_utf16be(s);

	assert_int_equal(u->len, 8);
	assert_memory_equal(u->buf, "\0p\0\xe4\0s\0s", 8);
	secret_free(s);
	secret_free(u);
}

/* A supplementary character becomes a surrogate pair. */
static void
test_utf16_surrogate(void **state)
{
	struct secret	*s = secret_from_str("\xf0\x9f\x98\x80");
	struct secret	*u = secret_utf16be(s);

	assert_int_equal(u->len, 4);
	assert_memory_equal(u->buf, "\xd8\x3d\xde\x00", 4);
	secret_free(s);
	secret_free(u);
}

/* secret_from_env fails clearly when unset, reads when set. */
static void
test_env(void **state)
{
	struct secret	*s = NULL;
	char		*cause = NULL;

	unsetenv("TLSDECK_TEST_PW");
	assert_int_equal(secret_from_env("TLSDECK_TEST_PW", &s, &cause), -1);
	assert_non_null(strstr(cause, "TLSDECK_TEST_PW"));
	free(cause);
	setenv("TLSDECK_TEST_PW", "changeit", 1);
	assert_int_equal(secret_from_env("TLSDECK_TEST_PW", &s, NULL), 0);
	assert_string_equal(s->buf, "changeit");
	secret_free(s);
}

/* secret_from_file takes the first line only. */
static void
test_file(void **state)
{
	char		 path[] = "/tmp/tlsdeck-pwXXXXXX";
	struct secret	*s = NULL;
	int		 fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "storepass\r\nignored\n", 19), 19);
	close(fd);
	assert_int_equal(secret_from_file(path, &s, NULL), 0);
	assert_string_equal(s->buf, "storepass");
	assert_int_equal(s->len, 9);
	secret_free(s);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf16_ascii),
		cmocka_unit_test(test_utf16_latin1),
		cmocka_unit_test(test_utf16_surrogate),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_file),
	};
	return (cmocka_run_group_tests(tests, NULL, NULL));
}

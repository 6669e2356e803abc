/* SPDX-License-Identifier: ISC */
/* test-secret.c -- struct secret and the UTF-16BE encoding Java uses; the
 * secret-name rule; the process hardening. */
#include <sys/prctl.h>
#include <sys/resource.h>

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

/* The one rule for secret-looking keys, in every server kind's spelling. */
static void
test_key_name(void **state)
{
	static const char	*yes[] = { "server.ssl.key-store-password",
	    "server.ssl.keyPassword", "spring.datasource.password",
	    "app.client-secret", "oauth.token", "github.TOKEN",
	    "db.credentials", "aws.credential", "stripe.apikey",
	    "stripe.api-key", "stripe.api_key", "stripe.apiKey",
	    "stripe.api.key", "gpg.passphrase", "jwt.private-key",
	    "keystorePass", "truststorePass", "keyPass",
	    "certificateKeystorePassword", "db.pwd", "passwd",
	    "credential-reference.clear-text",
	    "jetty.sslContext.keyStorePassword",
	    "quarkus.http.ssl.certificate.key-store-password" };
	static const char	*no[] = { "server.port", "server.ssl.key-store",
	    "server.ssl.key-alias", "server.ssl.key-store-type",
	    "im.base-url", "sharedDataPath", "server.ssl.ciphers",
	    "spring.datasource.username", "keystoreFile" };
	size_t			 i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (!secret_key_name(yes[i])) {
			print_error("%s: not a secret?\n", yes[i]);
			fail();
		}
	}
	for (i = 0; i < sizeof no / sizeof no[0]; i++) {
		if (secret_key_name(no[i])) {
			print_error("%s: a secret?\n", no[i]);
			fail();
		}
	}
	assert_false(secret_key_name(NULL));
}

/* Core dumps off and not dumpable, for good, after the call. */
static void
test_harden(void **state)
{
	struct rlimit	rl;

	assert_int_equal(secret_process_harden(NULL), 0);
	assert_int_equal(getrlimit(RLIMIT_CORE, &rl), 0);
	assert_int_equal(rl.rlim_cur, 0);
	assert_int_equal(rl.rlim_max, 0);
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
	/* An unprivileged process cannot raise it again. */
	rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
	if (geteuid() != 0)
		assert_int_not_equal(setrlimit(RLIMIT_CORE, &rl), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_name),
		cmocka_unit_test(test_harden),
		cmocka_unit_test(test_utf16_ascii),
		cmocka_unit_test(test_utf16_latin1),
		cmocka_unit_test(test_utf16_surrogate),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_file),
	};
	return (cmocka_run_group_tests(tests, NULL, NULL));
}

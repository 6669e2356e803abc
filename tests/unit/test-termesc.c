/* SPDX-License-Identifier: ISC */
/* test-termesc.c -- core/termesc.c: the one escaper for terminal output. */
#include "testutil.h"

/* termesc of s (NUL-terminated input) must be want. */
static void
check(const char *s, size_t len, int flags, const char *want)
{
	char	*e = termesc(s, len, flags), *e2;

	if (strcmp(e, want) != 0) {
		print_error("termesc(%zu bytes, %d): [%s], want [%s]\n", len,
		    flags, e, want);
		fail();
	}
	assert_int_equal(termesc_needed(s, len, flags),
	    strlen(e) != len || memcmp(e, s, len) != 0);
	/* Escaping again changes nothing. */
	e2 = termesc(e, strlen(e), flags);
	assert_string_equal(e2, e);
	assert_false(termesc_needed(e, strlen(e), flags));
	free(e2);
	free(e);
}
#define CHECK(s, f, w)	check((s), sizeof (s) - 1, (f), (w))

/* C0 and DEL: \uXXXX; tabs and line ends kept only with TERMESC_LINES. */
static void
test_c0(void **state)
{
	CHECK("ser\x1b[2Jver", 0, "ser\\u001B[2Jver");
	CHECK("a\tb\nc\rd\x7f", 0, "a\\u0009b\\u000Ac\\u000Dd\\u007F");
	CHECK("a\tb\nc\rd\x7f", TERMESC_LINES, "a\tb\nc\\u000Dd\\u007F");
	CHECK("nul\0in", 0, "nul\\u0000in");
	CHECK("plain ASCII, C:\\temp \\x41", 0, "plain ASCII, C:\\temp \\x41");
}

/* C1 as UTF-8 (U+009B is CSI) and as raw bytes; other UTF-8 kept. */
static void
test_c1(void **state)
{
	CHECK("csi\xc2\x9b" "31m", 0, "csi\\u009B31m");
	CHECK("\xc2\x80\xc2\x9f\xc2\xa0", 0, "\\u0080\\u009F\xc2\xa0");
	CHECK("raw\x9b" "31m\x80", 0, "raw\\x9b31m\\x80");
	CHECK("caf\xc3\xa9 \xe2\x98\x85 \xf0\x9f\x98\x80", 0,
	    "caf\xc3\xa9 \xe2\x98\x85 \xf0\x9f\x98\x80");
}

/* Bidirectional controls ("Trojan source" names). */
static void
test_bidi(void **state)
{
	CHECK("evil\xe2\x80\xaetxt.exe", 0, "evil\\u202Etxt.exe");
	CHECK("\xe2\x81\xa6x\xe2\x81\xa9\xe2\x80\x8f", 0,
	    "\\u2066x\\u2069\\u200F");
}

/* Invalid UTF-8: every stray byte as \xNN. */
static void
test_invalid(void **state)
{
	CHECK("\xff\xfe", 0, "\\xff\\xfe");
	CHECK("cut\xc3", 0, "cut\\xc3");
	CHECK("\xe0\x80\xaf", 0, "\\xe0\\x80\\xaf");		/* overlong */
	CHECK("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");		/* surrogate */
	CHECK("\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80");	/* > U+10FFFF */
	CHECK("\xc3\x28", 0, "\\xc3(");
}

/* A terminal that is not UTF-8: nothing but ASCII. */
static void
test_ascii(void **state)
{
	CHECK("caf\xc3\xa9 \xf0\x9f\x98\x80", TERMESC_ASCII,
	    "caf\\u00E9 \\U0001F600");
	CHECK("\xc4\x9b", TERMESC_ASCII, "\\u011B");
}

/* NULL and empty. */
static void
test_empty(void **state)
{
	char	*e;

	e = termesc_str(NULL, 0);
	assert_string_equal(e, "");
	free(e);
	CHECK("", 0, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c0),
		cmocka_unit_test(test_c1),
		cmocka_unit_test(test_bidi),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_empty),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

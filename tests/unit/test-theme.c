/* SPDX-License-Identifier: ISC */
/* test-theme.c -- colour themes: the shipped files, strictness, causes. */
#include <sys/stat.h>

#include <unistd.h>

#include "testutil.h"

/* Path of a file in the source tree's themes/ (static buffer). */
static const char *
th_path(const char *name)
{
	static char	 buf[4096];
	const char	*top = getenv("TOP_SRCDIR");

	snprintf(buf, sizeof buf, "%s/themes/%s", top != NULL ? top : "..",
	    name);
	return (buf);
}

/* Load inline YAML; returns the theme or NULL with *cause. */
static struct theme *
th_load(const char *yaml, char **cause)
{
	*cause = NULL;
	return (theme_load_data(yaml, strlen(yaml), "t.yaml", cause));
}

/* Expect a failure whose cause contains every string given. */
static void
th_fails(const char *yaml, const char *want1, const char *want2)
{
	struct theme	*t;
	char		*cause;

	t = th_load(yaml, &cause);
	if (t != NULL)
		fail_msg("loaded, expected \"%s\"", want1);
	assert_non_null(cause);
	if (strncmp(cause, "t.yaml: ", 8) != 0 ||
	    strstr(cause, want1) == NULL ||
	    (want2 != NULL && strstr(cause, want2) == NULL))
		fail_msg("cause \"%s\" lacks \"%s\" / \"%s\"", cause, want1,
		    want2 != NULL ? want2 : "");
	free(cause);
}

static void
test_shipped_themes(void **state)
{
	static const char	*names[] = { "default.yaml", "light.yaml",
	    "mono.yaml", "high-contrast.yaml" };
	struct theme		*t, *b;
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < 4; i++) {
		t = theme_load_file(th_path(names[i]), &cause);
		if (t == NULL)
			fail_msg("%s", cause);
		assert_int_equal(strncmp(t->name, names[i],
		    strlen(t->name)), 0);
		assert_string_equal(t->path, th_path(names[i]));
		theme_free(t);
	}
	/* default.yaml and mono.yaml say what the built-ins are */
	t = theme_load_file(th_path("default.yaml"), &cause);
	b = theme_builtin("default");
	assert_memory_equal(t->roles, b->roles, sizeof t->roles);
	theme_free(t);
	theme_free(b);
	t = theme_load_file(th_path("mono.yaml"), &cause);
	b = theme_builtin("mono");
	assert_memory_equal(t->roles, b->roles, sizeof t->roles);
	for (i = 0; i < THEME__MAX; i++) {
		assert_int_equal(t->roles[i].fg, COLOUR_DEFAULT);
		assert_int_equal(t->roles[i].bg, COLOUR_DEFAULT);
	}
	assert_true(t->roles[THEME_SELECTED].attrs & THEME_A_REVERSE);
	theme_free(t);
	theme_free(b);
}

static void
test_good_inline(void **state)
{
	struct theme	*t, *b;
	char		*cause;

	t = th_load("name: mine\n"
	    "description: for a test\n"
	    "roles:\n"
	    "  title: { fg: red, bg: bright-white, attrs: [bold, underline] }\n"
	    "  bar-ok:\n"
	    "    fg: bright-green\n", &cause);
	if (t == NULL)
		fail_msg("%s", cause);
	assert_string_equal(t->name, "mine");
	assert_null(t->path);
	assert_int_equal(t->roles[THEME_TITLE].fg, COLOUR_RED);
	assert_int_equal(t->roles[THEME_TITLE].bg, COLOUR_BRIGHT_WHITE);
	assert_int_equal(t->roles[THEME_TITLE].attrs,
	    THEME_A_BOLD | THEME_A_UNDERLINE);
	assert_int_equal(t->roles[THEME_BAR_OK].fg, COLOUR_BRIGHT_GREEN);
	assert_int_equal(t->roles[THEME_BAR_OK].bg, COLOUR_DEFAULT);
	assert_int_equal(t->roles[THEME_BAR_OK].attrs, 0);
	/* a role left out keeps the built-in default */
	b = theme_builtin("default");
	assert_memory_equal(&t->roles[THEME_CRIT], &b->roles[THEME_CRIT],
	    sizeof b->roles[THEME_CRIT]);
	theme_free(b);
	theme_free(t);
}

static void
test_unknown_key(void **state)
{
	/* the line of the key itself, not of its mapping */
	th_fails("name: x\nroles:\n  title: { fg: red }\n  titel: { fg: blue "
	    "}\n", "line 4, column 3", "Unexpected key: titel");
	th_fails("name: x\nroles:\n  title:\n    fg: red\n    bgcolour: blue\n",
	    "line 5, column 5", "Unexpected key: bgcolour");
	th_fails("name: x\ncolours: {}\nroles: {}\n", "line 2",
	    "Unexpected key: colours");
}

static void
test_bad_values(void **state)
{
	th_fails("name: x\nroles:\n  ok: { fg: purple }\n", "line 3",
	    "Invalid ENUM value: purple");
	/* strict: numbers are not colours */
	th_fails("name: x\nroles:\n  ok: { fg: 2 }\n", "line 3",
	    "Invalid ENUM value: 2");
	th_fails("name: x\nroles:\n  ok: { attrs: [bold, blink] }\n", "line 3",
	    "blink");
	th_fails("name: x\nroles:\n  ok: { fg: red, bg: red }\n",
	    "role ok: fg and bg are both red", NULL);
	th_fails("roles:\n  ok: { fg: red }\n", "Missing required mapping "
	    "field: name", NULL);
	th_fails("name: x\n", "roles", NULL);
	th_fails("- a\n- b\n", "MAPPING", NULL);
	th_fails("name: x\n\troles: {}\n", "line 1", "tab");
	th_fails("name: &a x\nroles:\n  title: *a\n", "line 3", "alias");
}

static void
test_garbage(void **state)
{
	static const unsigned char	bin[] = { 0xff, 0xfe, 0x00, 0x01,
	    '{', '[', 0x80 };
	struct theme			*t;
	char				*cause = NULL;

	t = theme_load_data(bin, sizeof bin, "bin", &cause);
	assert_null(t);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	t = theme_load_data("", 0, "empty.yaml", &cause);
	assert_null(t);
	assert_string_equal(cause, "empty.yaml: empty theme file");
	free(cause);
}

static void
test_missing_file(void **state)
{
	struct theme	*t;
	char		*cause = NULL;

	t = theme_load_file("/nonexistent/dir/x.yaml", &cause);
	assert_null(t);
	assert_non_null(cause);
	assert_int_equal(strncmp(cause, "/nonexistent/dir/x.yaml: ", 25), 0);
	free(cause);
}

static void
test_find(void **state)
{
	char		 dir[] = "/tmp/test-theme.XXXXXX", path[4096];
	struct theme	*t;
	char		*cause = NULL;
	FILE		*f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/mine.yaml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("name: mine\nroles:\n  ok: { fg: blue }\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/broken.yaml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("name: broken\nroles:\n  ok: { fg: blu }\n", f);
	fclose(f);
	setenv("TLSDECK_THEMES_DIR", dir, 1);

	/* by name in $TLSDECK_THEMES_DIR */
	t = theme_find("mine", &cause);
	if (t == NULL)
		fail_msg("%s", cause);
	assert_int_equal(t->roles[THEME_OK].fg, COLOUR_BLUE);
	theme_free(t);
	/* a broken one: the cause names the file and the line */
	t = theme_find("broken", &cause);
	assert_null(t);
	assert_non_null(strstr(cause, "broken.yaml: line 3"));
	free(cause);
	cause = NULL;
	/* by path */
	t = theme_find(path, &cause);
	assert_null(t);
	free(cause);
	cause = NULL;
	/* unknown names fail; bad names are refused */
	t = theme_find("no-such-theme", &cause);
	assert_null(t);
	assert_non_null(strstr(cause, "theme not found: no-such-theme"));
	free(cause);
	cause = NULL;
	t = theme_find("a b", &cause);
	assert_null(t);
	assert_non_null(strstr(cause, "bad theme name"));
	free(cause);
	cause = NULL;
	/* "default" always exists (file or built-in) */
	t = theme_find("default", &cause);
	assert_non_null(t);
	assert_string_equal(t->name, "default");
	theme_free(t);
	t = theme_find(NULL, &cause);
	assert_non_null(t);
	theme_free(t);

	unsetenv("TLSDECK_THEMES_DIR");
	unlink(path);
	snprintf(path, sizeof path, "%s/mine.yaml", dir);
	unlink(path);
	rmdir(dir);
}

static void
test_roles_and_builtins(void **state)
{
	struct theme	*t;
	int		 i, j;

	/* the X-macro's names: all there, all different */
	for (i = 0; i < THEME__MAX; i++) {
		assert_non_null(theme_role_name(i));
		for (j = 0; j < i; j++)
			assert_string_not_equal(theme_role_name(i),
			    theme_role_name(j));
	}
	assert_null(theme_role_name(THEME__MAX));
	assert_string_equal(theme_role_name(THEME_BAR_WARN), "bar-warn");
	assert_string_equal(theme_colour_name(COLOUR_BRIGHT_BLACK),
	    "bright-black");
	assert_null(theme_builtin("light"));
	t = theme_builtin("default");
	assert_non_null(t);
	/* the fallback is readable: no role is fg == bg */
	for (i = 0; i < THEME__MAX; i++)
		assert_true(t->roles[i].fg == COLOUR_DEFAULT ||
		    t->roles[i].fg != t->roles[i].bg);
	theme_free(t);
	theme_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_themes),
		cmocka_unit_test(test_good_inline),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_roles_and_builtins),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

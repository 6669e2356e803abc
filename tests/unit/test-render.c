/* SPDX-License-Identifier: ISC */
/*
 * test-render.c -- headless render tests of the dashboard: curses on
 * /dev/null (newterm), fixed models built here, the screen read back cell
 * by cell with mvwinnwstr.  No terminal, no tmux.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "testutil.h"
#include "tui.h"

/* A fixed "now": 2025-06-15T12:00:00Z. */
#define FX_NOW	((time_t)1749988800)

static SCREEN	*rt_screen;

/* A certificate without DER: exactly days_left days left at FX_NOW. */
static struct cert *
fx_cert(const char *subject, const char *issuer, long age, long left,
    const char *key)
{
	struct cert	*c;

	c = xcalloc(1, sizeof *c);
	c->info.subject = xstrdup(subject);
	c->info.issuer = xstrdup(issuer);
	c->info.serial = xstrdup("0a");
	c->info.not_before = (int64_t)FX_NOW - (int64_t)age * 86400;
	c->info.not_after = (int64_t)FX_NOW + (int64_t)left * 86400 + 60;
	snprintf(c->info.key, sizeof c->info.key, "%s", key);
	snprintf(c->info.sig_alg, sizeof c->info.sig_alg, "SHA256withRSA");
	c->info.pathlen = -1;
	c->info.self_signed = strcmp(subject, issuer) == 0;
	return (c);
}

/*
 * The fixture: "tomcat" (the configured key, a chain of three, 100 days),
 * a non-ASCII trusted alias expiring in 10 days, an expired key entry, the
 * settings with a password, three findings and a symlinked cacerts that
 * trusts the root as "lab-root".
 */
static struct server_model *
fx_model(void)
{
	const char		*root = "CN=Lab Root CA, O=Lab";
	const char		*ica = "CN=Lab Intermediate CA, O=Lab";
	struct server_model	*m;
	struct ks_entry		*e;
	struct setting		*s;

	m = server_model_new(0);
	m->now = FX_NOW;
	m->properties = xstrdup("/srv/app/conf/application.properties");
	m->served->path = xstrdup("/srv/app/conf/keystore.p12");
	m->served->alias = xstrdup("tomcat");
	m->served->ks = keystore_new(KS_FMT_PKCS12);

	e = ks_entry_new("tomcat", KS_ENTRY_KEY);
	ks_entry_add_cert(e, fx_cert("CN=tomcat.example.org, O=Lab", ica, 265,
	    100, "RSA 2048"));
	ks_entry_add_cert(e, fx_cert(ica, root, 1000, 1000, "RSA 4096"));
	ks_entry_add_cert(e, fx_cert(root, root, 2000, 5000, "RSA 4096"));
	keystore_add(m->served->ks, e);
	m->served->key_entry = e;
	e = ks_entry_new("na\xc3\xafve-\xc3\x9f", KS_ENTRY_TRUSTED);
	ks_entry_add_cert(e, fx_cert("CN=Partner Root, O=P", "CN=Partner "
	    "Root, O=P", 3000, 10, "EC P-256"));
	keystore_add(m->served->ks, e);
	e = ks_entry_new("expired-one", KS_ENTRY_KEY);
	ks_entry_add_cert(e, fx_cert("CN=old.example.org", "CN=old.example."
	    "org", 400, -4, "RSA 1024"));
	keystore_add(m->served->ks, e);

	s = setting_add(m, "server.port", "8443", false, 3);
	setting_check(s, SEV_OK, "HTTPS");
	s = setting_add(m, "server.ssl.key-store", m->served->path, false, 4);
	setting_check(s, SEV_OK, "found");
	s = setting_add(m, "server.ssl.key-store-password", "hunter2", true,
	    5);
	setting_check(s, SEV_CRIT, "wrong");
	s = setting_add(m, "server.ssl.key-alias", "tomcat", false, 6);
	setting_check(s, SEV_OK, "key entry");

	m->jre.home = xstrdup("/usr/lib/jvm/java-21");
	m->jre.version = xstrdup("21.0.2");
	m->jre.cacerts = xstrdup("/usr/lib/jvm/java-21/lib/security/cacerts");
	m->jre.cacerts_real = xstrdup("/etc/ssl/certs/java/cacerts");
	m->jre.cacerts_symlink = true;
	m->jre.cacerts_distro = true;
	m->jre.trust = keystore_new(KS_FMT_JKS);
	e = ks_entry_new("lab-root", KS_ENTRY_TRUSTED);
	ks_entry_add_cert(e, fx_cert(root, root, 2000, 5000, "RSA 4096"));
	keystore_add(m->jre.trust, e);
	m->served->trusted = true;
	m->served->trusted_alias = xstrdup("lab-root");

	finding_add(m, "store-password-wrong", SEV_CRIT, m->properties, 5,
	    NULL, FORM_SETTINGS, "set the right password",
	    "server.ssl.key-store-password does not open the keystore");
	finding_add(m, "cert-expired", SEV_CRIT, m->served->path, 0,
	    "expired-one", FORM_GENKEY, "renew it", "expired-one: expired 4 "
	    "days ago");
	finding_add(m, "cert-expiring", SEV_WARN, m->served->path, 0,
	    "naive", FORM_IMPORT_CERT, "import the new root",
	    "partner root expires in 10 days");
	findings_sort(m);
	return (m);
}

/* Resize the headless screen. */
static void
rt_size(int cols, int lines)
{
	resize_term(lines, cols);
}

/* A tui on the headless screen, drawing the model (taken). */
static struct tui *
rt_tui(struct server_model *m, const struct tui_opts *o)
{
	struct tui	*t;

	t = tui_new(o);
	tui_set_model(t, m);
	tui_display_init(t);
	assert_int_equal(tui_push(t, &screen_dash, NULL), 0);
	tui_draw(t);
	return (t);
}

/* Row y of the screen as UTF-8, trailing blanks removed (static). */
static const char *
rt_row(int y)
{
	static char	 out[4096];
	wchar_t		 wb[1024];
	size_t		 n;
	int		 k;

	memset(wb, 0, sizeof wb);
	k = mvwinnwstr(stdscr, y, 0, wb, COLS < 1023 ? COLS : 1023);
	if (k == ERR)
		wb[0] = L'\0';
	n = wcstombs(out, wb, sizeof out - 1);
	if (n == (size_t)-1)
		n = 0;
	out[n] = '\0';
	while (n > 0 && out[n - 1] == ' ')
		out[--n] = '\0';
	return (out);
}

/* The first row from y0 on containing s, or -1. */
static int
rt_find_from(const char *s, int y0)
{
	int	y;

	for (y = y0 < 0 ? 0 : y0; y < LINES; y++)
		if (strstr(rt_row(y), s) != NULL)
			return (y);
	return (-1);
}

/* The first row containing s, or -1. */
static int
rt_find(const char *s)
{
	return (rt_find_from(s, 0));
}

/* Print the screen (shown by cmocka on failure, useful when editing). */
static void
rt_dump(void)
{
	int	y;

	for (y = 0; y < LINES; y++)
		print_message("# |%s\n", rt_row(y));
}

#define assert_screen_has(s) do {					\
	if (rt_find(s) == -1) {						\
		rt_dump();						\
		fail_msg("screen lacks \"%s\"", s);			\
	}								\
} while (0)
#define assert_screen_lacks(s) do {					\
	if (rt_find(s) != -1) {						\
		rt_dump();						\
		fail_msg("screen shows \"%s\"", s);			\
	}								\
} while (0)

/* Keys into the tui, then a redraw. */
static void
rt_keys(struct tui *t, const int *keys, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		tui_input(t, keys[i]);
	tui_draw(t);
}

static void
test_keystore_panel(void **state)
{
	struct tui	*t;
	int		 y;

	rt_size(80, 24);
	t = rt_tui(fx_model(), NULL);
	/* the configured alias is starred, on its own row */
	y = rt_find("tomcat");
	assert_int_not_equal(y, -1);
	assert_non_null(strstr(rt_row(y), "\xe2\x98\x85 tomcat"));
	assert_non_null(strstr(rt_row(y), "100d"));
	/* its chain as a tree, below it */
	assert_int_equal(rt_find("\xe2\x94\x94 Lab Intermediate CA"), y + 1);
	assert_non_null(strstr(rt_row(y + 1), "1000d"));
	assert_non_null(strstr(rt_row(y + 2), "Lab Root CA"));
	/* a non-ASCII alias keeps its characters; an expired entry */
	assert_screen_has("na\xc3\xafve-\xc3\x9f");
	assert_non_null(strstr(rt_row(rt_find("expired-one")), "-4d"));
	/* other entries are not starred */
	assert_null(strstr(rt_row(rt_find("expired-one")), "\xe2\x98\x85"));
	assert_screen_has("conf/keystore.p12");
	tui_free(t);
}

static void
test_settings_panel(void **state)
{
	struct tui	*t;
	int		 y;

	rt_size(120, 40);
	t = rt_tui(fx_model(), NULL);
	y = rt_find("server.ssl.key-store-password");
	assert_int_not_equal(y, -1);
	/* masked, never the value */
	assert_non_null(strstr(rt_row(y), "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80"
	    "\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"));
	assert_screen_lacks("hunter2");
	/* the failed check, with its mark */
	assert_non_null(strstr(rt_row(y), "\xe2\x9c\x97 wrong"));
	assert_non_null(strstr(rt_row(rt_find("server.port")), "8443"));
	assert_non_null(strstr(rt_row(rt_find("server.ssl.key-alias")),
	    "\xe2\x9c\x93 key entry"));
	tui_free(t);
}

static void
test_header_and_strip(void **state)
{
	struct tui	*t;

	rt_size(120, 40);
	t = rt_tui(fx_model(), NULL);
	assert_non_null(strstr(rt_row(0), "tlsdeck"));
	assert_non_null(strstr(rt_row(0), "JRE 21.0.2"));
	assert_non_null(strstr(rt_row(0), "cacerts JKS 1"));
	assert_non_null(strstr(rt_row(0), "2 critical"));
	assert_non_null(strstr(rt_row(0), "1 warning"));
	tui_free(t);

	/* 80x24: no room for a findings panel, so the strip has the worst */
	rt_size(80, 24);
	t = rt_tui(fx_model(), NULL);
	assert_non_null(strstr(rt_row(LINES - 2), "CRIT"));
	assert_non_null(strstr(rt_row(LINES - 2),
	    "server.ssl.key-store-password does not open"));
	assert_non_null(strstr(rt_row(LINES - 2), "f: all findings (3)"));
	assert_non_null(strstr(rt_row(LINES - 1), "F1"));
	assert_non_null(strstr(rt_row(LINES - 1), "F10 Quit"));
	tui_free(t);
}

static void
test_trust_panel(void **state)
{
	struct tui	*t;

	rt_size(120, 40);
	t = rt_tui(fx_model(), NULL);
	assert_screen_has("\xe2\x9c\x93 trusted as lab-root");
	assert_screen_has("root     Lab Root CA");
	assert_screen_has("symlink  \xe2\x86\x92 /etc/ssl/certs/java/cacerts");
	assert_screen_has("managed by ca-certificates-java");
	assert_screen_has("JKS, 1 entries");
	tui_free(t);
}

static void
test_expiry_panel(void **state)
{
	struct tui	*t;
	int		 y_exp, y_partner, y_tomcat, y_root;

	rt_size(120, 40);
	t = rt_tui(fx_model(), NULL);
	assert_screen_has("warn 30d  crit 14d");
	assert_int_not_equal(rt_find("now"), -1);
	assert_non_null(strstr(rt_row(rt_find("now")), "1y"));
	assert_non_null(strstr(rt_row(rt_find("now")), "10y"));
	/* soonest first; the expired one says so */
	y_exp = rt_find("expired 4 days ago");
	y_partner = rt_find_from("Partner Root ", y_exp);
	y_tomcat = rt_find_from("tomcat.exam", y_exp);
	y_root = rt_find_from("Lab Root CA ", y_exp);
	assert_int_not_equal(y_exp, -1);
	assert_true(y_exp < y_partner);
	assert_true(y_partner < y_tomcat);
	assert_true(y_tomcat < y_root);
	assert_non_null(strstr(rt_row(y_partner), "10d"));
	/* the root in the keystore and in cacerts is one certificate */
	assert_int_equal(rt_find("cacerts: Lab Root CA"), -1);
	tui_free(t);
}

static void
test_too_small(void **state)
{
	struct tui	*t;
	const int	 q[] = { 'q' };

	rt_size(40, 10);
	t = rt_tui(fx_model(), NULL);
	assert_screen_has("terminal too small");
	assert_screen_has("need 60x15, have 40x10");
	assert_screen_lacks("tomcat");
	/* one column short is too small too */
	rt_size(59, 15);
	tui_draw(t);
	assert_screen_has("terminal too small: need 60x15, have 59x15");
	/* growing back draws the dashboard; q still quits when small */
	rt_size(60, 15);
	tui_draw(t);
	assert_screen_lacks("too small");
	assert_screen_has("tomcat");
	rt_size(40, 10);
	tui_draw(t);
	assert_false(tui_input(t, q[0]));
	tui_free(t);
}

static void
test_compact_layout(void **state)
{
	struct tui	*t;
	const int	 tab[] = { '\t' };

	rt_size(60, 15);
	t = rt_tui(fx_model(), NULL);
	/* one panel at a time under a tab row */
	assert_non_null(strstr(rt_row(1), "Keystore"));
	assert_non_null(strstr(rt_row(1), "Trust"));
	assert_screen_has("tomcat");
	assert_screen_lacks("server.port");
	rt_keys(t, tab, 1);
	assert_screen_has("SSL settings");
	assert_screen_has("key-store-password");
	assert_screen_lacks("expired-one");
	assert_screen_has("F10 Quit");
	tui_free(t);
}

static void
test_large_layout(void **state)
{
	struct tui	*t;

	rt_size(200, 60);
	t = rt_tui(fx_model(), NULL);
	/* tall: a findings panel; wide: expiry dates in the keystore */
	assert_screen_has("Findings");
	assert_screen_has("partner root expires in 10 days");
	assert_non_null(strstr(rt_row(rt_find("\xe2\x98\x85 tomcat")),
	    "2025-09-23"));
	assert_screen_has("F2 Enable HTTPS");
	tui_free(t);
}

static void
test_ascii(void **state)
{
	struct tui_opts	 o;
	struct tui	*t;
	const char	*r;

	memset(&o, 0, sizeof o);
	o.ascii = true;
	rt_size(80, 24);
	t = rt_tui(fx_model(), &o);
	assert_non_null(strstr(rt_row(rt_find("tomcat")), "* tomcat"));
	assert_screen_has("`- Lab Intermediate CA");
	assert_screen_has("******");
	assert_screen_lacks("\xe2\x94\x82");	/* │ */
	r = rt_row(1);
	assert_int_equal(r[0], '+');
	tui_free(t);
}

static void
test_cursor_follows_focus(void **state)
{
	struct tui	*t;
	const int	 down[] = { TK(KEY_DOWN) }, tab[] = { '\t' };
	int		 y;

	rt_size(80, 24);
	t = rt_tui(fx_model(), NULL);
	y = rt_find("tomcat");
	assert_int_equal(t->cy, y);
	rt_keys(t, down, 1);
	assert_int_equal(t->cy, y + 1);
	rt_keys(t, tab, 1);
	assert_int_equal(t->cy, rt_find("port"));
	assert_true(t->cx >= COLS / 2);
	tui_free(t);
}

static void
test_detail_and_back(void **state)
{
	struct tui	*t;
	const int	 enter[] = { '\r' }, esc[] = { TK_ESC };

	rt_size(80, 24);
	t = rt_tui(fx_model(), NULL);
	rt_keys(t, enter, 1);
	assert_screen_has("Alias: tomcat (keystore, PrivateKeyEntry, "
	    "certificate 1 of 3)");
	assert_screen_has("Owner: CN=tomcat.example.org, O=Lab");
	assert_screen_has("100 days left");
	rt_keys(t, esc, 1);
	assert_screen_lacks("Owner:");
	assert_screen_has("\xe2\x98\x85 tomcat");
	tui_free(t);
}

static void
test_help_from_key_table(void **state)
{
	struct tui		*t;
	const struct tui_key	*k;
	const int		 help[] = { '?' }, q[] = { 'q' };
	char			*text;

	/* every documented binding is in the help text */
	text = tui_key_help();
	for (k = tui_keys; k->name != NULL; k++)
		if (k->help != NULL && strstr(text, k->help) == NULL)
			fail_msg("help lacks \"%s\"", k->help);
	assert_non_null(strstr(text, "F1, ?"));
	free(text);
	/* and the dispatcher uses the same table */
	assert_int_equal(tui_key_action(TK(KEY_F(10)), SCOPE_DASH), ACT_QUIT);
	assert_int_equal(tui_key_action('?', SCOPE_LIST), ACT_HELP);
	assert_int_equal(tui_key_action('q', SCOPE_LIST), ACT_BACK);
	assert_int_equal(tui_key_action('q', SCOPE_DASH), ACT_QUIT);

	rt_size(100, 30);
	t = rt_tui(fx_model(), NULL);
	rt_keys(t, help, 1);
	assert_screen_has("Help");
	assert_screen_has("this help, generated from the key table");
	/* q leaves help, not the program */
	assert_true(tui_input(t, q[0]));
	tui_draw(t);
	assert_screen_has("\xe2\x98\x85 tomcat");
	assert_false(tui_input(t, q[0]));
	tui_free(t);
}

static void
test_filter(void **state)
{
	struct tui	*t;
	const int	 keys[] = { '/', 'n', 'a', 0xef /* ï */ };
	const int	 bs[] = { TK(KEY_BACKSPACE) }, enter[] = { '\r' };
	const int	 esc[] = { TK_ESC };

	rt_size(80, 24);
	t = rt_tui(fx_model(), NULL);
	rt_keys(t, keys, 4);
	/* only the matching entry; the prompt shows the text */
	assert_screen_has("na\xc3\xafve-\xc3\x9f");
	assert_int_equal(rt_find("\xe2\x98\x85 tomcat"), -1);
	assert_non_null(strstr(rt_row(LINES - 2), "/na\xc3\xaf"));
	/* q is text while filtering, not quit */
	assert_true(tui_input(t, 'q'));
	tui_draw(t);
	assert_screen_has("no entry matches the filter");
	rt_keys(t, bs, 1);
	rt_keys(t, enter, 1);
	assert_screen_has("Keystore /na\xc3\xaf ");	/* kept, in the title */
	rt_keys(t, esc, 1);
	assert_screen_has("\xe2\x98\x85 tomcat");
	tui_free(t);
}

static void
test_findings_screen(void **state)
{
	struct tui	*t;
	const int	 f[] = { 'f' }, enter[] = { '\r' }, esc[] = { TK_ESC };

	rt_size(100, 30);
	t = rt_tui(fx_model(), NULL);
	rt_keys(t, f, 1);
	assert_screen_has("Findings");
	assert_screen_has("CRIT  server.ssl.key-store-password does not open");
	assert_screen_has("WARN  partner root expires in 10 days");
	assert_screen_has("fix: set the right password  (form: SSL settings)");
	assert_screen_has("application.properties:5");
	/* Enter opens the form that fixes it (wizard.c); Esc comes back */
	rt_keys(t, enter, 1);
	assert_screen_has("fixing: server.ssl.key-store-password does not "
	    "open");
	assert_screen_has("\xe2\x94\x8c SSL settings");
	rt_keys(t, esc, 1);
	assert_screen_lacks("fixing:");
	assert_screen_has("Findings");
	rt_keys(t, esc, 1);
	assert_screen_has("\xe2\x98\x85 tomcat");
	tui_free(t);
}

static void
test_empty_model(void **state)
{
	struct tui	*t;

	rt_size(80, 24);
	t = rt_tui(server_model_new(0), NULL);
	assert_screen_has("no keystore loaded");
	assert_screen_has("no application.properties loaded");
	assert_screen_has("no certificates");
	assert_screen_has("no findings");
	tui_free(t);
}

/*
 * The live probe follows the model by its generation, not its address: a
 * model allocated where a freed one was (two reloads between polls) is
 * still probed again.
 */
static void
test_live_generation(void **state)
{
	struct tui		*t;
	struct server_model	*m;
	uintptr_t		 first;

	rt_size(80, 24);
	m = server_model_new(FX_NOW);
	first = (uintptr_t)m;
	t = rt_tui(m, NULL);
	assert_true(tui_live_poll(t));		/* a new model */
	assert_false(tui_live_poll(t));		/* nothing to do */
	tui_set_model(t, server_model_new(FX_NOW));	/* frees the first */
	m = server_model_new(FX_NOW);
	print_message("# the third model %s the first one's address\n",
	    (uintptr_t)m == first ? "reuses" : "does not reuse");
	tui_set_model(t, m);
	assert_true(tui_live_poll(t));
	assert_int_equal(t->live->model_gen, t->model_gen);
	assert_false(tui_live_poll(t));
	tui_free(t);
}

/* The CN shown for a subject: unescaped (a comma is no end), or the
 * subject when it has none. */
static void
test_draw_cn(void **state)
{
	char	*s;

	s = draw_cn("CN=Smith\\, John, O=Example");
	assert_string_equal(s, "Smith, John");
	free(s);
	s = draw_cn("O=Example, CN=a\\+b");
	assert_string_equal(s, "a+b");
	free(s);
	s = draw_cn("O=Example");
	assert_string_equal(s, "O=Example");
	free(s);
}

static void
test_demo_model(void **state)
{
	struct tui	*t;

	rt_size(80, 24);
	t = rt_tui(demo_model(FX_NOW), NULL);
	/* the key row (the header, row 0, may end in the same name) */
	assert_non_null(strstr(rt_row(rt_find_from("integration-manager",
	    1)), "412d"));
	assert_screen_has("caf\xc3\xa9-partner");
	assert_screen_has("old-server: certificate expires in 9 days");
	tui_free(t);
}

static void
test_no_colour(void **state)
{
	struct tui_opts	 o;
	struct tui	*t;

	memset(&o, 0, sizeof o);
	o.no_color = true;
	rt_size(80, 24);
	t = rt_tui(fx_model(), &o);
	assert_false(t->colour);
	/* attributes carry the meaning: the selection is reverse video */
	assert_true(colour_attr(t, THEME_SELECTED) & A_REVERSE);
	assert_int_equal(PAIR_NUMBER(colour_attr(t, THEME_CRIT)), 0);
	assert_true(mvwinch(stdscr, t->cy, t->cx) & A_REVERSE);
	tui_free(t);

	setenv("NO_COLOR", "1", 1);
	t = rt_tui(fx_model(), NULL);
	assert_false(t->colour);
	tui_free(t);
	setenv("NO_COLOR", "", 1);		/* empty: ignored */
	t = rt_tui(fx_model(), NULL);
	assert_true(t->colour);
	assert_int_not_equal(PAIR_NUMBER(colour_attr(t, THEME_CRIT)), 0);
	tui_free(t);
	unsetenv("NO_COLOR");
}

/* The audit's certificate list, when the model has one, is the timeline. */
static void
test_expiry_from_audit(void **state)
{
	struct server_model	*m;
	struct tui		*t;
	struct cert_ref		*r;
	int			 y1, y2;

	m = fx_model();
	m->certs = xcalloc(2, sizeof *m->certs);
	r = &m->certs[0];
	r->cert = m->served->ks->entries[0]->chain[0];
	r->alias = xstrdup("tomcat");
	r->position = "leaf";
	r->days_left = 100;
	r->sev = SEV_WARN;		/* the audit's say, not recomputed */
	r = &m->certs[1];
	r->cert = m->jre.trust->entries[0]->chain[0];
	r->alias = xstrdup("lab-root");
	r->position = "anchor";
	r->days_left = 5000;
	m->ncerts = 2;
	rt_size(120, 40);
	t = rt_tui(m, NULL);
	y1 = rt_find_from("tomcat.exam", rt_find("certificate"));
	y2 = rt_find("cacerts: Lab R");
	assert_int_not_equal(y1, -1);
	assert_int_equal(y2, y1 + 1);
	/* only those two: the partner and expired certificates are not in */
	assert_int_equal(rt_find("Partner Root"), -1);
	assert_int_equal(rt_find("old.example.org"), -1);
	assert_non_null(strstr(rt_row(y1), "100d"));
	tui_free(t);
}

/* Another terminal type for a while: draw the fixture, check colours. */
static void
test_8_colours_and_none(void **state)
{
	struct tui	*t;
	SCREEN		*s;
	FILE		*out, *in;
	short		 fg, bg;

	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	assert_non_null(out);
	assert_non_null(in);

	/* xterm: 8 colours; bright-black (muted) is black in bold */
	s = newterm("xterm", out, in);
	assert_non_null(s);
	set_term(s);
	t = rt_tui(fx_model(), NULL);
	assert_true(t->colour);
	assert_int_equal(COLORS, 8);
	pair_content(PAIR_NUMBER(colour_attr(t, THEME_MUTED)), &fg, &bg);
	assert_int_equal(fg, COLOR_BLACK);
	assert_true(colour_attr(t, THEME_MUTED) & A_BOLD);
	pair_content(PAIR_NUMBER(colour_attr(t, THEME_CRIT)), &fg, &bg);
	assert_int_equal(fg, COLOR_RED);
	assert_screen_has("\xe2\x98\x85 tomcat");
	tui_free(t);
	endwin();
	set_term(rt_screen);
	delscreen(s);
	set_term(rt_screen);

	/* vt100: no colours at all, attributes only */
	s = newterm("vt100", out, in);
	assert_non_null(s);
	set_term(s);
	t = rt_tui(fx_model(), NULL);
	assert_false(t->colour);
	assert_true(colour_attr(t, THEME_SELECTED) & A_REVERSE);
	assert_screen_has("tomcat");
	tui_free(t);
	endwin();
	set_term(rt_screen);
	delscreen(s);
	/* delscreen of another screen unsets the current one: set it again */
	set_term(rt_screen);
	fclose(out);
	fclose(in);
}

/* One SCREEN for the whole run, on /dev/null. */
static int
rt_setup(void **state)
{
	FILE	*out, *in;

	setlocale(LC_ALL, "C.UTF-8");
	setenv("COLUMNS", "80", 1);
	setenv("LINES", "24", 1);
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	if (out == NULL || in == NULL)
		return (-1);
	rt_screen = newterm("xterm-256color", out, in);
	return (rt_screen == NULL ? -1 : 0);
}

static int
rt_teardown(void **state)
{
	endwin();
	delscreen(rt_screen);
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keystore_panel),
		cmocka_unit_test(test_settings_panel),
		cmocka_unit_test(test_header_and_strip),
		cmocka_unit_test(test_trust_panel),
		cmocka_unit_test(test_expiry_panel),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_compact_layout),
		cmocka_unit_test(test_large_layout),
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_cursor_follows_focus),
		cmocka_unit_test(test_detail_and_back),
		cmocka_unit_test(test_help_from_key_table),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_findings_screen),
		cmocka_unit_test(test_empty_model),
		cmocka_unit_test(test_demo_model),
		cmocka_unit_test(test_draw_cn),
		cmocka_unit_test(test_live_generation),
		cmocka_unit_test(test_no_colour),
		cmocka_unit_test(test_expiry_from_audit),
		/* last: after switching SCREENs the first one reads blank */
		cmocka_unit_test(test_8_colours_and_none),
	};

	return (cmocka_run_group_tests(tests, rt_setup, rt_teardown));
}

/* SPDX-License-Identifier: ISC */
/*
 * loop.c -- the dashboard's entry point: options, terminal set-up and
 * restore, the input loop, and the keys no screen takes.
 *
 * Terminal rules: newterm() so an unknown TERM falls back
 * instead of exiting; TERM=dumb is refused with a pointer to the plain
 * commands; NO_COLOR/--no-color; --ascii line drawing; the mouse only with
 * --mouse; a short ESCDELAY; the hardware cursor on the focused item; the
 * terminal restored on fatal errors and on SIGINT/SIGTERM/SIGHUP/SIGQUIT.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

/* Set by the signal handler; the loop restores the terminal and exits. */
static volatile sig_atomic_t	 tui_signo;
/* The screen to restore on a fatal error. */
static SCREEN			*tui_screen;

/* fatal_set_hook: give the terminal back before the message is printed. */
static void
tui_fatal_hook(void)
{
	if (tui_screen != NULL && !isendwin())
		endwin();
}

/* SIGINT/SIGTERM/SIGHUP/SIGQUIT: note it; the loop wakes up (EINTR) and
 * leaves (the terminal restored). */
static void
tui_sighandler(int sig)
{
	tui_signo = sig;
}

/* Quit, pop or redraw as a screen's key function said. */
static bool
tui_result(struct tui *t, int r)
{
	if (r & KR_QUIT)
		return (false);
	if (r & KR_POP) {
		if (t->depth <= 1)
			return (false);
		tui_pop(t);
	}
	return (true);
}

/* Dispatch one input code; false when it is time to quit. */
bool
tui_input(struct tui *t, int ch)
{
	struct screen	*s;
	enum tui_action	 a;
	int		 r;

	if (ch == TK(KEY_RESIZE))
		return (true);
	/* A message lasts until the next key. */
	free(t->msg);
	t->msg = NULL;

	if (tui_too_small() || t->depth == 0) {
		a = tui_key_action(ch, SCOPE_DASH);
		return (a != ACT_QUIT && ch != TK_CTRL('c'));
	}
	s = &t->stack[t->depth - 1];
	a = tui_key_action(ch, s->ops->scope);
	if (a == ACT_MOUSE) {
		MEVENT	ev;

		if (getmouse(&ev) != OK)
			return (true);
		if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED |
		    BUTTON1_DOUBLE_CLICKED)))
			return (true);
		t->mouse_y = ev.y;
		t->mouse_x = ev.x;
	}
	r = s->ops->key(t, s, a, ch);
	if (r != KR_UNHANDLED)
		return (tui_result(t, r));

	/* What no screen took: the global keys. */
	switch (a) {
	case ACT_QUIT:
		return (false);
	case ACT_HELP:
		help_open(t);
		break;
	case ACT_BACK:
		return (tui_result(t, KR_POP));
	default:
		break;
	}
	return (true);
}

/* Read one key as an input code: characters as is, keys as TK(code). */
static int
tui_getkey(void)
{
	wint_t	wc;
	int	r;

	r = wget_wch(stdscr, &wc);
	if (r == ERR)
		return (-1);
	if (r == KEY_CODE_YES)
		return (TK((int)wc));
	return ((int)wc);
}

/* Are more keys waiting (a paste, a held key)?  Then the loop handles
 * them before it draws: one frame for the lot, not one per key. */
static bool
tui_input_pending(void)
{
	struct pollfd	pfd;

	pfd.fd = STDIN_FILENO;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return (poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN));
}

/* Usage of the dashboard's options. */
static void
tui_usage(FILE *f)
{
	fprintf(f, "usage: %s [--properties FILE | --server DIR] "
	    "[--jre DIR | --cacerts FILE]\n"
	    "       [--theme NAME] [--no-color] [--ascii] [--mouse] "
	    "[--config FILE] [--no-live]\n", TLSDECK_NAME);
}

/* Parse the GLOBAL options; -1 on a usage error (printed). */
static int
tui_parse(int argc, char **argv, struct tui_opts *o)
{
	enum {
		OPT_PROPERTIES = 256, OPT_SERVER, OPT_JRE, OPT_CACERTS,
		OPT_THEME, OPT_NO_COLOR, OPT_ASCII, OPT_MOUSE, OPT_CONFIG,
		OPT_DEMO, OPT_KEYSTORE, OPT_HELP, OPT_NO_LIVE, OPT_FLEET,
		OPT_FLEET_STALE
	};
	static const struct option longopts[] = {
		{ "properties",	required_argument, NULL, OPT_PROPERTIES },
		{ "server",	required_argument, NULL, OPT_SERVER },
		{ "jre",	required_argument, NULL, OPT_JRE },
		{ "cacerts",	required_argument, NULL, OPT_CACERTS },
		{ "theme",	required_argument, NULL, OPT_THEME },
		{ "no-color",	no_argument,	   NULL, OPT_NO_COLOR },
		{ "no-colour",	no_argument,	   NULL, OPT_NO_COLOR },
		{ "ascii",	no_argument,	   NULL, OPT_ASCII },
		{ "mouse",	no_argument,	   NULL, OPT_MOUSE },
		{ "config",	required_argument, NULL, OPT_CONFIG },
		{ "no-live",	no_argument,	   NULL, OPT_NO_LIVE },
		{ "help",	no_argument,	   NULL, OPT_HELP },
		/* hidden: a built-in model and a bare keystore, for tests */
		{ "demo-model",	no_argument,	   NULL, OPT_DEMO },
		{ "keystore",	required_argument, NULL, OPT_KEYSTORE },
		/* hidden: tlsdeck fleet's view (cli/cmd-fleet.c) */
		{ "fleet",	required_argument, NULL, OPT_FLEET },
		{ "fleet-stale", required_argument, NULL, OPT_FLEET_STALE },
		{ NULL, 0, NULL, 0 }
	};
	int	c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PROPERTIES:
			o->properties = optarg;
			break;
		case OPT_SERVER:
			o->server = optarg;
			break;
		case OPT_JRE:
			o->jre = optarg;
			break;
		case OPT_CACERTS:
			o->cacerts = optarg;
			break;
		case OPT_THEME:
			o->theme = optarg;
			break;
		case OPT_NO_COLOR:
			o->no_color = true;
			break;
		case OPT_ASCII:
			o->ascii = true;
			break;
		case OPT_MOUSE:
			o->mouse = true;
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_NO_LIVE:
			o->no_live = true;
			break;
		case OPT_DEMO:
			o->demo = true;
			break;
		case OPT_KEYSTORE:
			o->keystore = optarg;
			break;
		case OPT_FLEET:
			o->fleet = optarg;
			break;
		case OPT_FLEET_STALE:
			o->fleet_stale = atoi(optarg);
			break;
		case OPT_HELP:
			tui_usage(stdout);
			exit(0);
		default:
			fprintf(stderr, "%s: unknown or incomplete option: %s "
			    "(see %s --help)\n", TLSDECK_NAME, argv[optind - 1],
			    TLSDECK_NAME);
			return (-1);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument: %s (see %s --help)\n",
		    TLSDECK_NAME, argv[optind], TLSDECK_NAME);
		return (-1);
	}
	if (o->properties != NULL && o->server != NULL) {
		fprintf(stderr, "%s: --properties and --server exclude each "
		    "other\n", TLSDECK_NAME);
		return (-1);
	}
	if (o->jre != NULL && o->cacerts != NULL) {
		fprintf(stderr, "%s: --jre and --cacerts exclude each other\n",
		    TLSDECK_NAME);
		return (-1);
	}
	return (0);
}

/*
 * Open the terminal.  An unknown TERM (an ssh client's kitty or foot on a
 * server without that terminfo entry) falls back to xterm-256color, then
 * vt100, with a note in the status line.  NULL when nothing works.
 */
static SCREEN *
tui_open_term(struct tui *t, FILE *in)
{
	static const char	*fallback[] = { "xterm-256color", "vt100" };
	const char		*term = getenv("TERM");
	SCREEN			*scr;
	size_t			 i;

	if (term != NULL && *term != '\0' &&
	    (scr = newterm(NULL, stdout, in)) != NULL)
		return (scr);
	for (i = 0; i < sizeof fallback / sizeof fallback[0]; i++) {
		if ((scr = newterm(fallback[i], stdout, in)) != NULL) {
			tui_message(t, SEV_WARN, "TERM=%s is not known here: "
			    "drawing as %s", term != NULL ? term : "",
			    fallback[i]);
			return (scr);
		}
	}
	return (NULL);
}

/* Load the theme named by --theme (or the default); errors to the status. */
static void
tui_load_theme(struct tui *t)
{
	char	*cause = NULL;

	t->theme = theme_find(t->opts.theme != NULL ? t->opts.theme :
	    "default", &cause);
	if (t->theme == NULL) {
		tui_message(t, SEV_CRIT, "theme: %s (using the built-in "
		    "default)", cause != NULL ? cause : "cannot load");
		free(cause);
		t->theme = theme_builtin("default");
	}
}

/* Refuse what cannot show the dashboard (TERM=dumb, no terminal): 0, or
 * the exit code after saying why. */
static int
tui_check_term(bool tty_in)
{
	const char	*term = getenv("TERM");

	if (term != NULL && strcmp(term, "dumb") == 0) {
		fprintf(stderr, "%s: TERM=dumb cannot show the dashboard; use "
		    "'%s status' (or '%s audit') for plain text\n",
		    TLSDECK_NAME, TLSDECK_NAME, TLSDECK_NAME);
		return (1);
	}
	if ((tty_in && !isatty(STDIN_FILENO)) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s: the dashboard needs a terminal; use "
		    "'%s status' for plain text\n", TLSDECK_NAME,
		    TLSDECK_NAME);
		return (1);
	}
	return (0);
}

/*
 * The configuration into o: flags win over it, as no-color.org says.  A
 * broken --config FILE fails (said); a broken default file leaves *cause
 * for the status line and goes on without it.
 */
static int
tui_config(struct tui_opts *o, struct tlsdeck_config **cfgp, char **cause)
{
	struct tlsdeck_config	*cfg = NULL;

	*cfgp = NULL;
	if (config_load(o->config, &cfg, cause) != 0) {
		if (o->config != NULL) {
			fprintf(stderr, "%s: %s\n", TLSDECK_NAME, *cause);
			free(*cause);
			*cause = NULL;
			return (-1);
		}
		cfg = NULL;	/* a broken default file: say so, go on */
	}
	if (cfg != NULL) {
		if (o->theme == NULL)
			o->theme = cfg->theme;
		o->no_color = o->no_color || cfg->no_color == 1;
		o->ascii = o->ascii || cfg->ascii == 1;
		o->mouse = o->mouse || cfg->mouse == 1;
		o->cfg = cfg;
	}
	*cfgp = cfg;
	return (0);
}

/* Signals, input modes, the mouse, colours and glyphs of the terminal
 * just opened. */
static void
tui_term_modes(struct tui *t)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tui_sighandler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;		/* no SA_RESTART: wake the read */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);	/* ^\ in cbreak mode */

	if (getenv("ESCDELAY") == NULL)
		set_escdelay(50);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	wtimeout(stdscr, 1000);
	curs_set(1);
	if (t->opts.mouse)
		mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED |
		    BUTTON1_DOUBLE_CLICKED, NULL);
	tui_display_init(t);
}

/* The first paint, then keys, ticks and the live probe until quit; the
 * exit code. */
static int
tui_loop(struct tui *t)
{
	int	ch;
	bool	redraw;

	tui_draw(t);
	/* bench/run.sh: time to the first complete paint, then leave. */
	if (getenv("TLSDECK_EXIT_AFTER_PAINT") != NULL)
		return (0);
	/* The model is on the screen: now probe the live server. */
	if (tui_live_poll(t))
		tui_draw(t);
	for (;;) {
		if (tui_signo != 0)
			return (128 + tui_signo);
		/* Jobs or a probe running: wake often to show progress. */
		wtimeout(stdscr, t->busy > 0 || tui_live_busy(t) ?
		    TUI_TICK_MS : 1000);
		ch = tui_getkey();
		if (ch == -1) {
			/* timeout or EINTR */
			redraw = t->busy > 0 && tui_tick(t);
			if (tui_live_poll(t))
				redraw = true;
			if (redraw && tui_signo == 0)
				tui_draw(t);
			continue;
		}
		if (!tui_input(t, ch))
			return (0);
		if (tui_input_pending() && tui_signo == 0)
			continue;
		if (t->busy > 0)
			tui_tick(t);
		/* After r or a form's write: the new model is probed. */
		(void)tui_live_poll(t);
		if (tui_signo == 0)
			tui_draw(t);
	}
}

/*
 * tlsdeck fleet's reports, read before the terminal opens (from standard
 * input for "-": then the keys come from /dev/tty, *inp).  0, or -1
 * after saying why.
 */
static int
tui_fleet_load(const struct tui_opts *o, struct fleet **flp, FILE **inp)
{
	char	*cause = NULL;

	*inp = stdin;
	if (fleet_load(o->fleet, STDIN_FILENO, flp, &cause) != 0) {
		fprintf(stderr, "%s: %s\n", TLSDECK_NAME, cause);
		free(cause);
		return (-1);
	}
	if (strcmp(o->fleet, "-") == 0 &&
	    (*inp = fopen("/dev/tty", "r")) == NULL) {
		fprintf(stderr, "%s: the fleet view needs a terminal for its "
		    "keys (/dev/tty: %s); use --format text\n", TLSDECK_NAME,
		    strerror(errno));
		fleet_free(*flp);
		*flp = NULL;
		return (-1);
	}
	return (0);
}

/* The dashboard: set up the terminal, run the loop, restore. */
/* What happened before the dashboard opened (an interrupted transaction
 * rolled back), for its first message; see tui_start_note. */
static char	*start_note;

void
tui_start_note(const char *line)
{
	char	*t;

	if (start_note == NULL)
		start_note = xstrdup(line);
	else {
		xasprintf(&t, "%s; %s", start_note, line);
		free(start_note);
		start_note = t;
	}
}

int
tui_main(int argc, char **argv)
{
	struct tui_opts		 o;
	struct tui		*t;
	struct tlsdeck_config	*cfg;
	struct fleet		*fl = NULL;
	const char		*term;
	SCREEN			*scr;
	FILE			*in = stdin;
	char			*note, *cause = NULL;
	enum sev		 note_sev;
	int			 rc;

	memset(&o, 0, sizeof o);
	if (tui_parse(argc, argv, &o) != 0)
		return (2);
	if ((rc = tui_check_term(o.fleet == NULL ||
	    strcmp(o.fleet, "-") != 0)) != 0)
		return (rc);
	setlocale(LC_ALL, "");
	if (tui_config(&o, &cfg, &cause) != 0)
		return (1);
	if (o.fleet != NULL) {
		o.no_live = true;
		if (tui_fleet_load(&o, &fl, &in) != 0) {
			free(cause);
			config_free(cfg);
			return (1);
		}
	}

	t = tui_new(&o);
	tui_load_theme(t);
	if (start_note != NULL)
		tui_message(t, SEV_WARN, "%s", start_note);
	free(start_note);
	start_note = NULL;
	if (cause != NULL) {
		tui_message(t, SEV_CRIT, "config: %s", cause);
		free(cause);
	}
	note = t->msg != NULL ? xstrdup(t->msg) : NULL;
	note_sev = t->msg_sev;
	if (fl != NULL)
		tui_set_model(t, server_model_new(0));	/* no server here */
	else
		tui_reload(t);

	if ((scr = tui_open_term(t, in)) == NULL) {
		term = getenv("TERM");
		fprintf(stderr, "%s: cannot use this terminal (TERM=%s); use "
		    "'%s status' for plain text\n", TLSDECK_NAME,
		    term != NULL ? term : "", TLSDECK_NAME);
		free(note);
		tui_free(t);
		fleet_free(fl);
		if (in != stdin)
			fclose(in);
		config_free(cfg);
		return (1);
	}
	tui_screen = scr;
	fatal_set_hook(tui_fatal_hook);
	tui_term_modes(t);

	/* A theme error outranks a TERM note; a load error shows itself. */
	if (note != NULL)
		tui_message(t, note_sev, "%s", note);
	free(note);
	if (fl != NULL)
		rc = tui_push(t, &screen_fleet, fl);	/* takes fl */
	else
		rc = tui_push(t, &screen_dash, NULL);
	if (rc != 0)
		rc = 1;
	else
		rc = tui_loop(t);

	endwin();
	/* Screens first: forms hold curses windows that delscreen frees. */
	tui_free(t);
	delscreen(scr);
	tui_screen = NULL;
	fatal_set_hook(NULL);
	if (in != stdin)
		fclose(in);
	config_free(cfg);
	return (rc);
}

/* SPDX-License-Identifier: ISC */
/*
 * opts.c -- what the commands share before they work: the one option
 * parser (cmd_run), usage, passwords, opening a keystore, the server
 * options.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

#define CMD_NITEMS(a)	(sizeof (a) / sizeof (a)[0])

/* The --format names, in enum out_format order. */
static const char *cmd_format_names[] = { "text", "json", "pem", "der",
    "prometheus" };

/* The rows cmd_run adds to a command's own options. */
static const struct option cmd_global_rows[] = {
	{ "properties", required_argument, NULL, OPT_G_PROPERTIES },
	{ "server", required_argument, NULL, OPT_G_SERVER },
	{ "jre", required_argument, NULL, OPT_G_JRE },
	{ "cacerts", required_argument, NULL, OPT_G_CACERTS },
	{ "theme", required_argument, NULL, OPT_G_THEME },
	{ "no-color", no_argument, NULL, OPT_G_NO_COLOR },
	{ "no-colour", no_argument, NULL, OPT_G_NO_COLOR },
	{ "config", required_argument, NULL, OPT_G_CONFIG },
	{ "no-live", no_argument, NULL, OPT_G_NO_LIVE },
};
static const struct option cmd_storepass_rows[] = {
	{ "storepass-env", required_argument, NULL, OPT_STOREPASS_ENV },
	{ "storepass-file", required_argument, NULL, OPT_STOREPASS_FILE },
	{ "storepass", required_argument, NULL, OPT_STOREPASS },
};
static const struct option cmd_keypass_rows[] = {
	{ "keypass-env", required_argument, NULL, OPT_KEYPASS_ENV },
	{ "keypass-file", required_argument, NULL, OPT_KEYPASS_FILE },
	{ "keypass", required_argument, NULL, OPT_KEYPASS },
};
static const struct option cmd_alias_row[] = {
	{ "alias", required_argument, NULL, 'a' },
};
static const struct option cmd_dry_run_row[] = {
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
};
static const struct option cmd_format_row[] = {
	{ "format", required_argument, NULL, 'f' },
};
static const struct option cmd_help_row[] = {
	{ "help", no_argument, NULL, OPT_HELP },
};

void
cli_help(const struct cmd_entry *ce, FILE *f)
{
	fprintf(f, "usage: %s %s %s\n", TLSDECK_NAME, ce->name, ce->usage);
	fprintf(f, "%s\n", ce->summary);
}

/* Print "tlsdeck CMD: MSG" (unless fmt is NULL), then the usage line. */
static void
cli_vusage(const struct cmd_entry *ce, const char *fmt, va_list ap)
{
	char	*prefix;

	if (fmt != NULL) {
		xasprintf(&prefix, "%s %s: ", TLSDECK_NAME, ce->name);
		cli_vmessage(prefix, fmt, ap);
		free(prefix);
	}
	fprintf(stderr, "usage: %s %s %s\n", TLSDECK_NAME, ce->name,
	    ce->usage);
}

int
cli_usage(const struct cmd_entry *ce, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	cli_vusage(ce, fmt, ap);
	va_end(ap);
	return (EXIT_USAGE);
}

int
cmd_usage(struct cmd_ctx *c, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	cli_vusage(c->entry, fmt, ap);
	va_end(ap);
	c->rc = c->entry->usage_exit != 0 ? c->entry->usage_exit : EXIT_USAGE;
	return (-1);
}

int
cli_parse_format(const char *s, unsigned allowed)
{
	unsigned	i;

	for (i = 0; i < CMD_NITEMS(cmd_format_names); i++)
		if (strcmp(s, cmd_format_names[i]) == 0 && (allowed & OUT_F(i)))
			return ((int)i);
	return (-1);
}

/* " (a, b or c)": the formats a command takes, for CMD_FORMAT_HINT. */
static char *
cmd_format_hint(unsigned formats)
{
	char		*s, *t;
	unsigned	 i, n = 0, left = 0;

	for (i = 0; i < CMD_NITEMS(cmd_format_names); i++)
		left += (formats & OUT_F(i)) != 0;
	s = xstrdup(" (");
	for (i = 0; i < CMD_NITEMS(cmd_format_names); i++) {
		if (!(formats & OUT_F(i)))
			continue;
		xasprintf(&t, "%s%s%s", s, n++ == 0 ? "" : left == 1 ?
		    " or " : ", ", cmd_format_names[i]);
		free(s);
		s = t;
		left--;
	}
	xasprintf(&t, "%s)", s);
	free(s);
	return (t);
}

/*
 * A password option into store or key; 1 if ch was one.  A password given
 * on the command line is copied into a secret, the argv copy wiped, and a
 * warning printed (it was visible in ps).
 */
static int
cli_password_option(int ch, char *arg, struct pw_opts *store,
    struct pw_opts *key)
{
	struct pw_opts	*pw;

	switch (ch) {
	case OPT_STOREPASS_ENV:
	case OPT_STOREPASS_FILE:
	case OPT_STOREPASS:
		pw = store;
		break;
	case OPT_KEYPASS_ENV:
	case OPT_KEYPASS_FILE:
	case OPT_KEYPASS:
		pw = key;
		break;
	default:
		return (0);
	}
	if (pw == NULL)
		return (0);
	switch (ch) {
	case OPT_STOREPASS_ENV:
	case OPT_KEYPASS_ENV:
		pw->env = arg;
		break;
	case OPT_STOREPASS_FILE:
	case OPT_KEYPASS_FILE:
		pw->file = arg;
		break;
	default:
		secret_free(pw->given);
		pw->given = secret_from_str(arg);
		explicit_bzero(arg, strlen(arg));
		cli_warn("a password on the command line is visible to other "
		    "users in ps; use --%s-env or --%s-file",
		    ch == OPT_STOREPASS ? "storepass" : "keypass",
		    ch == OPT_STOREPASS ? "storepass" : "keypass");
		break;
	}
	return (1);
}

/* Free the password a pw_opts holds. */
static void
cli_pw_opts_done(struct pw_opts *pw)
{
	secret_free(pw->given);
	pw->given = NULL;
}

/* A GLOBAL option into g (and *flags); 1 if ch was one. */
static int
cli_global_option(int ch, char *arg, struct global_opts *g, int *flags)
{
	switch (ch) {
	case OPT_G_PROPERTIES:
		g->properties = arg;
		return (1);
	case OPT_G_SERVER:
		g->server = arg;
		return (1);
	case OPT_G_JRE:
		g->jre = arg;
		return (1);
	case OPT_G_CACERTS:
		g->cacerts = arg;
		return (1);
	case OPT_G_THEME:
		g->theme = arg;		/* accepted; the dashboard uses it */
		return (1);
	case OPT_G_NO_COLOR:
		g->no_color = true;
		return (1);
	case OPT_G_CONFIG:
		g->config = arg;
		return (1);
	case OPT_G_NO_LIVE:
		*flags |= SERVER_NO_LIVE;
		return (1);
	}
	return (0);
}

/*
 * An option cmd_run handles for every command that takes it: 1 when
 * handled, 0 when ch is the command's own, -1 to stop (c->rc set).
 */
static int
cmd_shared_option(struct cmd_ctx *c, int ch, char *arg)
{
	const struct cmd_entry	*ce = c->entry;
	char			*hint;
	int			 f;

	if (cli_password_option(ch, arg, &c->store, &c->key))
		return (1);
	if (cli_global_option(ch, arg, &c->g, &c->server_flags))
		return (1);
	switch (ch) {
	case OPT_HELP:
		cli_help(ce, stdout);
		c->rc = EXIT_OK;
		return (-1);
	case 'f':
		if (ce->formats == 0)
			return (0);
		if ((f = cli_parse_format(arg, ce->formats)) < 0) {
			hint = ce->flags & CMD_FORMAT_HINT ?
			    cmd_format_hint(ce->formats) : xstrdup("");
			cmd_usage(c, "unknown format: %s%s", arg, hint);
			free(hint);
			return (-1);
		}
		c->fmt = f;
		c->fmt_given = true;
		return (1);
	case 'a':
		if (!(ce->flags & CMD_ALIAS))
			return (0);
		c->alias = arg;
		return (1);
	case OPT_DRY_RUN:
		c->dry_run = true;
		return (1);
	case OPT_S_CACERTS:
		c->cacerts = arg;
		return (1);
	case OPT_S_REPLACE:
		c->replace = true;
		return (1);
	case OPT_S_CACERTS_PASS_ENV:
		c->cacerts_pw.env = arg;
		return (1);
	case OPT_S_CACERTS_PASS_FILE:
		c->cacerts_pw.file = arg;
		return (1);
	case OPT_S_STORETYPE:
		c->storetype = ks_format_parse(arg);
		if (c->storetype != KS_FMT_PKCS12 &&
		    c->storetype != KS_FMT_JKS)
			return (cmd_usage(c, "unknown store type: %s (pkcs12 "
			    "or jks)", arg));
		return (1);
	}
	return (0);
}

/* Append rows to a getopt_long table (kept NULL-terminated). */
static void
cmd_add_rows(struct option **lo, size_t *n, const struct option *rows,
    size_t nrows)
{
	*lo = xreallocarray(*lo, *n + nrows + 1, sizeof **lo);
	if (nrows > 0)
		memcpy(*lo + *n, rows, nrows * sizeof *rows);
	*n += nrows;
	memset(*lo + *n, 0, sizeof **lo);
}

/*
 * A command's getopt_long table (its own rows, then the shared ones its
 * flags and formats ask for) and short options (every row whose val is a
 * letter).
 */
static void
cmd_options(const struct cmd_entry *ce, struct option **lop, char **sop)
{
	const struct option	*o;
	struct option		*lo = NULL;
	size_t			 n = 0, own = 0;
	char			*so, *p;

	while (ce->options != NULL && ce->options[own].name != NULL)
		own++;
	cmd_add_rows(&lo, &n, ce->options, own);
	if (ce->flags & CMD_GLOBAL)
		cmd_add_rows(&lo, &n, cmd_global_rows,
		    CMD_NITEMS(cmd_global_rows));
	if (ce->flags & CMD_ALIAS)
		cmd_add_rows(&lo, &n, cmd_alias_row, 1);
	if (ce->flags & CMD_DRY_RUN)
		cmd_add_rows(&lo, &n, cmd_dry_run_row, 1);
	if (ce->formats != 0)
		cmd_add_rows(&lo, &n, cmd_format_row, 1);
	if (ce->flags & CMD_STOREPASS)
		cmd_add_rows(&lo, &n, cmd_storepass_rows,
		    CMD_NITEMS(cmd_storepass_rows));
	if (ce->flags & CMD_KEYPASS)
		cmd_add_rows(&lo, &n, cmd_keypass_rows,
		    CMD_NITEMS(cmd_keypass_rows));
	cmd_add_rows(&lo, &n, cmd_help_row, 1);

	p = so = xmalloc(2 * n + 1);
	for (o = lo; o->name != NULL; o++) {
		if (o->val <= 0 || o->val > 0x7f || !isalpha(o->val))
			continue;
		*p++ = (char)o->val;
		if (o->has_arg == required_argument)
			*p++ = ':';
	}
	*p = '\0';
	*lop = lo;
	*sop = so;
}

/* Parse argv into c: 0, or -1 with c->rc (a usage error, --help). */
static int
cmd_parse(struct cmd_ctx *c, int argc, char **argv)
{
	const struct cmd_entry	*ce = c->entry;
	struct option		*lo;
	char			*so;
	int			 ch, n, rc = -1;

	cmd_options(ce, &lo, &so);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (ch != '?') {
			switch (cmd_shared_option(c, ch, optarg)) {
			case 1:
				continue;
			case -1:
				goto out;
			}
			if (ce->option != NULL) {
				if (ce->option(c, ch, optarg) != 0)
					goto out;
				continue;
			}
		}
		cmd_usage(c, "unknown or incomplete option: %s",
		    argv[optind - 1]);
		goto out;
	}
	n = argc - optind;
	if (n < ce->operands.lower) {
		cmd_usage(c, "%s", ce->operands.missing);
		goto out;
	}
	if (ce->operands.upper >= 0 && n > ce->operands.upper) {
		if (ce->flags & CMD_NAME_EXTRA)
			cmd_usage(c, "unexpected argument: %s",
			    argv[optind + ce->operands.upper]);
		else
			cmd_usage(c, "too many arguments");
		goto out;
	}
	c->argc = n;
	c->argv = argv + optind;
	rc = 0;
out:
	free(lo);
	free(so);
	return (rc);
}

int
cmd_run(const struct cmd_entry *ce, int argc, char **argv)
{
	struct cmd_ctx	c;
	int		rc;

	memset(&c, 0, sizeof c);
	c.entry = ce;
	c.fmt = ce->format;
	c.rc = EXIT_FAIL;
	if (ce->size != 0)
		c.data = xcalloc(1, ce->size);
	if (cmd_parse(&c, argc, argv) == 0)
		rc = ce->exec(&c);
	else
		rc = c.rc;
	if (ce->free != NULL)
		ce->free(c.data);
	free(c.data);
	secret_free(c.pass);
	secret_free(c.kpass);
	cli_pw_opts_done(&c.store);
	cli_pw_opts_done(&c.key);
	return (rc);
}

/*
 * The prompt's terminal, restored by prompt_sighandler.  Every signal
 * that can arrive while echo is off is caught: the handler puts the
 * terminal back as it was, then takes the signal's usual action (the
 * process ends, or stops); a process that is continued after a stop gets
 * echo off and the prompt again, and the read goes on.
 */
static const int	 prompt_signals[] = { SIGINT, SIGTERM, SIGHUP,
    SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGALRM, SIGUSR1, SIGUSR2, SIGPIPE,
    SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGXCPU, SIGXFSZ };
#define PROMPT_NSIG	(sizeof prompt_signals / sizeof prompt_signals[0])
static int		 prompt_fd = -1;
static const char	*prompt_text;
static struct termios	 prompt_saved, prompt_noecho;
static struct sigaction	 prompt_old[PROMPT_NSIG];

/* A signal at the prompt: the terminal back, then the signal's action. */
static void
prompt_sighandler(int sig)
{
	struct sigaction	 sa, mine;
	sigset_t		 set, old;
	int			 saved = errno;

	/* (The other prompt signals are blocked while this runs.) */
	(void)tcsetattr(prompt_fd, TCSANOW, &prompt_saved);
	(void)write(prompt_fd, "\n", 1);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(sig, &sa, &mine);
	sigemptyset(&set);
	sigaddset(&set, sig);
	(void)sigprocmask(SIG_UNBLOCK, &set, &old);
	(void)kill(getpid(), sig);
	/* Still here: continued after a stop. */
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	(void)sigaction(sig, &mine, NULL);
	(void)tcsetattr(prompt_fd, TCSAFLUSH, &prompt_noecho);
	(void)write(prompt_fd, prompt_text, strlen(prompt_text));
	errno = saved;
}

/* Catch the prompt signals (on = true) or put their actions back.  A
 * signal ignored when tlsdeck started (nohup, a script's background job)
 * stays ignored. */
static void
prompt_signals_set(bool on)
{
	struct sigaction	sa;
	size_t			i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = prompt_sighandler;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < PROMPT_NSIG; i++)
		sigaddset(&sa.sa_mask, prompt_signals[i]);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < PROMPT_NSIG; i++) {
		if (!on) {
			sigaction(prompt_signals[i], &prompt_old[i], NULL);
			continue;
		}
		sigaction(prompt_signals[i], NULL, &prompt_old[i]);
		if (prompt_old[i].sa_handler != SIG_IGN)
			sigaction(prompt_signals[i], &sa, NULL);
	}
}

struct secret *
cli_prompt_tty(const char *prompt, char **cause)
{
	struct secret	*s;
	char		 buf[1024], *ep;
	size_t		 n = 0;
	ssize_t		 r;
	char		 c;
	int		 fd;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1)
		return (NULL);
	if (tcgetattr(fd, &prompt_saved) == -1) {
		close(fd);
		return (NULL);
	}
	prompt_fd = fd;
	prompt_text = ep = termesc_str(prompt, cli_termesc_flags());
	prompt_noecho = prompt_saved;
	prompt_noecho.c_lflag &= ~(ECHO | ECHONL);
	prompt_noecho.c_lflag |= ICANON;
	prompt_signals_set(true);
	(void)write(fd, ep, strlen(ep));
	tcsetattr(fd, TCSAFLUSH, &prompt_noecho);
	for (;;) {
		r = read(fd, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n' || c == '\r')
			break;
		if (n < sizeof buf - 1)
			buf[n++] = c;
	}
	tcsetattr(fd, TCSAFLUSH, &prompt_saved);
	prompt_signals_set(false);
	(void)write(fd, "\n", 1);
	prompt_fd = -1;
	prompt_text = NULL;
	free(ep);
	close(fd);
	s = secret_new(buf, n);
	explicit_bzero(buf, sizeof buf);
	c = 0;
	return (s);
}

int
cli_password(const struct pw_opts *pw, const char *prompt, bool ask,
    struct secret **sp, char **cause)
{
	*sp = NULL;
	if (pw->env != NULL)
		return (secret_from_env(pw->env, sp, cause));
	if (pw->file != NULL)
		return (secret_from_file(pw->file, sp, cause));
	if (pw->given != NULL) {
		*sp = secret_dup(pw->given);
		return (0);
	}
	if (ask && isatty(STDIN_FILENO))
		*sp = cli_prompt_tty(prompt, cause);
	return (0);
}

/* Was a password source given? */
bool
cli_pw_given(const struct pw_opts *pw)
{
	return (pw->env != NULL || pw->file != NULL || pw->given != NULL);
}

/* Does the loader need a password for this file to be read in full? */
static bool
list_needs_password(enum ks_format f)
{
	return (f == KS_FMT_JKS || f == KS_FMT_JCEKS || f == KS_FMT_PKCS12);
}

int
cli_open_keystore(const char *path, const struct pw_opts *pw, bool quiet,
    struct keystore **ksp, struct secret **passp, char **cause)
{
	struct secret	*pass = NULL;
	unsigned char	*buf = NULL;
	size_t		 len;
	enum ks_format	 f;
	int		 rc = -1;
	char		*c2 = NULL;

	*ksp = NULL;
	*passp = NULL;
	if (cli_password(pw, "", false, &pass, cause) != 0)
		return (-1);
	if (file_read(path, &buf, &len, cause) != 0)
		goto out;
	f = keystore_sniff(buf, len);
	if (pass != NULL) {
		rc = keystore_load_owned(buf, len, path, pass, 0, ksp, cause);
		buf = NULL;
		goto out;
	}
	/* No password given: certificate files and passwordless PKCS#12
	 * open as they are. */
	if (!list_needs_password(f) || f == KS_FMT_PKCS12) {
		rc = keystore_load_mem(buf, len, path, NULL, 0, ksp, &c2);
		if (rc == 0 || f != KS_FMT_PKCS12 || !isatty(STDIN_FILENO)) {
			if (rc != 0) {
				cause_set(cause, "%s", c2);
			}
			goto out;
		}
		free(c2);
		c2 = NULL;
	}
	if (isatty(STDIN_FILENO)) {
		pass = cli_prompt_tty(f == KS_FMT_PKCS12 ?
		    "Enter keystore password: " :
		    "Enter keystore password (Enter to skip the integrity "
		    "check): ", cause);
		if (pass != NULL && pass->len == 0 && f != KS_FMT_PKCS12) {
			secret_free(pass);
			pass = NULL;
		}
	}
	rc = keystore_load_owned(buf, len, path, pass, pass == NULL ?
	    KS_LOAD_NOVERIFY : 0, ksp, cause);
	buf = NULL;		/* owned by the keystore (or freed) */
out:
	free(c2);
	if (buf != NULL) {
		explicit_bzero(buf, len);
		free(buf);
	}
	if (rc == 0) {
		(*ksp)->path = xstrdup(path);
		if (!(*ksp)->verified && !quiet)
			cli_warn("%s: integrity not verified (no store "
			    "password given)", path);
		*passp = pass;
	} else
		secret_free(pass);
	return (rc);
}

/* The store password for a change; asked twice for a new file. */
int
cli_step_storepass(const char *path, const struct pw_opts *pw,
    struct secret **sp, char **cause)
{
	struct secret	*s, *s2;
	struct stat	 st;
	bool		 creating;

	*sp = NULL;
	if (cli_pw_given(pw))
		return (cli_password(pw, "", false, sp, cause));
	if (!isatty(STDIN_FILENO))
		return (0);
	creating = stat(path, &st) == -1 && errno == ENOENT;
	s = cli_prompt_tty(creating ? "Password for the new keystore: " :
	    "Enter keystore password: ", cause);
	if (s == NULL)
		return (0);
	if (creating) {
		s2 = cli_prompt_tty("Re-enter the password: ", cause);
		if (s2 == NULL || !secret_equal(s, s2)) {
			secret_free(s);
			secret_free(s2);
			cause_set(cause, "the passwords do not match");
			return (-1);
		}
		secret_free(s2);
	} else if (s->len == 0) {
		/* Enter alone: a passwordless PKCS#12. */
		secret_free(s);
		s = NULL;
	}
	*sp = s;
	return (0);
}

/* The passwords of a step command; see cli.h. */
int
cli_step_passwords(const char *path, struct cmd_ctx *c, char **cause)
{
	if (cli_step_storepass(path, &c->store, &c->pass, cause) != 0)
		return (-1);
	if (cli_pw_given(&c->key) &&
	    cli_password(&c->key, "", false, &c->kpass, cause) != 0)
		return (-1);
	return (0);
}

/* The password of cacerts; see cli.h. */
int
cli_cacerts_pass(const struct cmd_ctx *c, struct secret **sp, char **cause)
{
	*sp = NULL;
	if (!cli_pw_given(&c->cacerts_pw))
		return (0);
	return (cli_password(&c->cacerts_pw, "", false, sp, cause));
}

int
cli_server_opts(const struct global_opts *g, int flags,
    struct server_opts *so, struct tlsdeck_config **cfgp, char **cause)
{
	struct tlsdeck_config	*cfg = NULL;

	if (cfgp != NULL)
		*cfgp = NULL;
	if (g->properties != NULL && g->server != NULL) {
		cause_set(cause, "--properties and --server exclude each "
		    "other");
		return (-2);
	}
	if (g->jre != NULL && g->cacerts != NULL) {
		cause_set(cause, "--jre and --cacerts exclude each other");
		return (-2);
	}
	server_opts_init(so);
	so->properties = g->properties;
	so->server = g->server;
	so->jre = g->jre;
	so->cacerts = g->cacerts;
	so->flags = flags;
	if (config_load(g->config, &cfg, cause) != 0)
		return (-1);
	config_apply(cfg, so);
	if (cfgp != NULL)
		*cfgp = cfg;
	else
		config_free(cfg);
	return (0);
}

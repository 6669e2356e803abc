/* SPDX-License-Identifier: ISC */
/* main.c -- tlsdeck's entry point: global options and subcommand dispatch. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "../tui/tui.h"

/* Every subcommand; the order is the order of --help. */
const struct cmd_entry *cmd_table[] = {
	&cmd_list_entry,
	&cmd_show_entry,
	&cmd_history_entry,
	&cmd_restore_entry,
	&cmd_genkey_entry,
	&cmd_csr_entry,
	&cmd_import_reply_entry,
	&cmd_import_cert_entry,
	&cmd_import_pem_entry,
	&cmd_export_entry,
	&cmd_status_entry,
	&cmd_audit_entry,
	&cmd_configure_entry,
	&cmd_trust_entry,
	&cmd_delete_entry,
	&cmd_rename_entry,
	&cmd_passwd_entry,
	&cmd_demo_entry,
	&cmd_probe_entry,
	/* (commands: add new entries above this line) */
	NULL
};

/*
 * The termesc flags for this terminal: TERMESC_ASCII when the locale names
 * a character set that is not UTF-8 (there, the bytes of a UTF-8
 * character could be C1 controls).
 */
int
cli_termesc_flags(void)
{
	static int	 flags = -1;
	const char	*v = NULL, *dot;

	if (flags != -1)
		return (flags);
	flags = 0;
	if ((v = getenv("LC_ALL")) == NULL || *v == '\0')
		if ((v = getenv("LC_CTYPE")) == NULL || *v == '\0')
			v = getenv("LANG");
	if (v != NULL && (dot = strchr(v, '.')) != NULL &&
	    strncasecmp(dot + 1, "utf-8", 5) != 0 &&
	    strncasecmp(dot + 1, "utf8", 4) != 0)
		flags = TERMESC_ASCII;
	return (flags);
}

/*
 * Print one message line on stderr, escaped (termesc): what comes from
 * file names, aliases, certificates or file contents stays one line and
 * cannot drive the terminal.
 */
static void
cli_vmessage(const char *prefix, const char *fmt, va_list ap)
{
	char	*s, *e;

	xvasprintf(&s, fmt, ap);
	e = termesc_str(s, cli_termesc_flags());
	fprintf(stderr, "%s%s\n", prefix, e);
	free(e);
	free(s);
}

void
cli_error(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cli_vmessage(TLSDECK_NAME ": ", fmt, ap);
	va_end(ap);
}

void
cli_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cli_vmessage(TLSDECK_NAME ": warning: ", fmt, ap);
	va_end(ap);
}

void
cli_message(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cli_vmessage(TLSDECK_NAME ": ", fmt, ap);
	va_end(ap);
}

void
cli_note(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cli_vmessage(TLSDECK_NAME ": note: ", fmt, ap);
	va_end(ap);
}

void
cli_help(const struct cmd_entry *ce, FILE *f)
{
	fprintf(f, "usage: %s %s %s\n", TLSDECK_NAME, ce->name, ce->usage);
	fprintf(f, "%s\n", ce->summary);
}

int
cli_usage(const struct cmd_entry *ce, const char *fmt, ...)
{
	va_list	 ap;
	char	*prefix;

	if (fmt != NULL) {
		xasprintf(&prefix, "%s %s: ", TLSDECK_NAME, ce->name);
		va_start(ap, fmt);
		cli_vmessage(prefix, fmt, ap);
		va_end(ap);
		free(prefix);
	}
	fprintf(stderr, "usage: %s %s %s\n", TLSDECK_NAME, ce->name,
	    ce->usage);
	return (EXIT_USAGE);
}

int
cli_parse_format(const char *s, unsigned allowed)
{
	static const char *names[] = { "text", "json", "pem", "der",
	    "prometheus" };
	unsigned	i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0 && (allowed & (1U << i)))
			return ((int)i);
	return (-1);
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

/* Top-level usage. */
static void
usage_all(FILE *f)
{
	const struct cmd_entry	**ce;

	fprintf(f, "usage: %s [GLOBAL]              open the dashboard\n",
	    TLSDECK_NAME);
	for (ce = cmd_table; *ce != NULL; ce++)
		fprintf(f, "       %s %s %s\n", TLSDECK_NAME, (*ce)->name,
		    (*ce)->usage);
	fprintf(f, "Run '%s COMMAND --help' for one command.\n",
	    TLSDECK_NAME);
}

int
main(int argc, char **argv)
{
	const struct cmd_entry	**ce;
	char			 *cause = NULL;

	/* Before anything can read a password: no core dumps. */
	if (secret_process_harden(&cause) != 0) {
		cli_warn("%s", cause);
		free(cause);
	}
	if (argc >= 2) {
		if (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
			usage_all(stdout);
			return (EXIT_OK);
		}
		if (strcmp(argv[1], "--version") == 0 ||
		    strcmp(argv[1], "-V") == 0) {
			printf("%s %s\n", TLSDECK_NAME, PACKAGE_VERSION);
			return (EXIT_OK);
		}
		for (ce = cmd_table; *ce != NULL; ce++) {
			if (strcmp(argv[1], (*ce)->name) == 0)
				return ((*ce)->exec(argc - 1, argv + 1));
		}
		if (argv[1][0] != '-') {
			cli_error("unknown command: %s", argv[1]);
			usage_all(stderr);
			return (EXIT_USAGE);
		}
	}
	return (tui_main(argc, argv));
}

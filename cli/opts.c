/* SPDX-License-Identifier: ISC */
/*
 * opts.c -- what the commands share before they work: options, usage,
 * passwords.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

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

struct secret *
cli_prompt_tty(const char *prompt, char **cause)
{
	struct termios	 t, saved;
	struct secret	*s;
	char		 buf[1024];
	size_t		 n = 0;
	ssize_t		 r;
	char		 c;
	int		 fd;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1)
		return (NULL);
	if (tcgetattr(fd, &saved) == -1) {
		close(fd);
		return (NULL);
	}
	t = saved;
	t.c_lflag &= ~(ECHO | ECHONL);
	t.c_lflag |= ICANON;
	(void)write(fd, prompt, strlen(prompt));
	tcsetattr(fd, TCSAFLUSH, &t);
	for (;;) {
		r = read(fd, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n' || c == '\r')
			break;
		if (n < sizeof buf - 1)
			buf[n++] = c;
	}
	tcsetattr(fd, TCSAFLUSH, &saved);
	(void)write(fd, "\n", 1);
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

/*
 * The default: of a command's getopt_long switch: -f/--format (into *fmt,
 * one of allowed), --help (printed) and anything else (a usage error).
 * Returns 0 to go on, else 1 with *rc set (EXIT_OK after --help).
 */
int
cli_common_option(const struct cmd_entry *ce, int ch, const char *arg,
    char **argv, unsigned allowed, int *fmt, int *rc)
{
	int	f;

	switch (ch) {
	case 'f':
		if ((f = cli_parse_format(arg, allowed)) < 0) {
			*rc = cli_usage(ce, "unknown format: %s", arg);
			return (1);
		}
		*fmt = f;
		return (0);
	case OPT_HELP:
		cli_help(ce, stdout);
		*rc = EXIT_OK;
		return (1);
	default:
		*rc = cli_usage(ce, "unknown or incomplete option: %s",
		    argv[optind - 1]);
		return (1);
	}
}

/* Exactly one FILE operand left after the options?  Else a usage error. */
int
cli_one_file(const struct cmd_entry *ce, int argc, int *rc)
{
	if (argc - optind == 1)
		return (0);
	*rc = cli_usage(ce, argc - optind == 0 ? "FILE is missing" :
	    "too many arguments");
	return (1);
}

/* Was a password source given? */
bool
cli_pw_given(const struct pw_opts *pw)
{
	return (pw->env != NULL || pw->file != NULL || pw->given != NULL);
}

/* An option every step command may take; see cli.h. */
int
cli_step_option(const struct cmd_entry *ce, int ch, char *arg, char **argv,
    struct step_args *sa, int *rc)
{
	if (cli_password_option(ch, arg, &sa->store, sa->no_keypass ? NULL :
	    &sa->key))
		return (0);
	switch (ch) {
	case 'a':
		sa->alias = arg;
		return (0);
	case OPT_S_CACERTS:
		sa->cacerts = arg;
		return (0);
	case OPT_S_REPLACE:
		sa->replace = true;
		return (0);
	case OPT_S_STORETYPE:
		sa->storetype = ks_format_parse(arg);
		if (sa->storetype != KS_FMT_PKCS12 &&
		    sa->storetype != KS_FMT_JKS) {
			*rc = cli_usage(ce, "unknown store type: %s (pkcs12 or "
			    "jks)", arg);
			return (1);
		}
		return (0);
	case OPT_S_DRY_RUN:
		sa->dry_run = true;
		return (0);
	}
	return (cli_common_option(ce, ch, arg, argv, 1 << OUT_TEXT |
	    1 << OUT_JSON, &sa->fmt, rc));
}

/* The passwords of a step command; see cli.h. */
int
cli_step_passwords(const char *path, struct step_args *sa, char **cause)
{
	if (cli_step_storepass(path, &sa->store, &sa->pass, cause) != 0)
		return (-1);
	if (cli_pw_given(&sa->key) &&
	    cli_password(&sa->key, "", false, &sa->kpass, cause) != 0)
		return (-1);
	return (0);
}

/* Free what a step_args holds. */
void
cli_step_args_done(struct step_args *sa)
{
	secret_free(sa->pass);
	secret_free(sa->kpass);
	sa->pass = sa->kpass = NULL;
	cli_pw_opts_done(&sa->store);
	cli_pw_opts_done(&sa->key);
}

/* Report a step command's result; see cli.h. */
int
cli_step_finish(const char *path, const char *what,
    const struct step_result *r, const struct step_args *sa, bool certs)
{
	cli_step_report(path, what, r, sa->fmt == OUT_JSON, certs);
	return (fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL);
}

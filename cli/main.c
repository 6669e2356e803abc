/* SPDX-License-Identifier: ISC */
/* main.c -- tlsdeck's entry point: global options and subcommand dispatch. */
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
	&cmd_acme_entry,
	/* (commands: add new entries above this line) */
	NULL
};

/*
 * Print one message line on stderr.  Control bytes (from file names,
 * aliases or file contents) are shown as \uXXXX: a message stays one line
 * and cannot drive the terminal.
 */
static void
cli_vmessage(const char *prefix, const char *fmt, va_list ap)
{
	char		*s;
	unsigned char	 c;
	size_t		 i;

	xvasprintf(&s, fmt, ap);
	fputs(prefix, stderr);
	for (i = 0; s[i] != '\0'; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			fprintf(stderr, "\\u%04X", c);
		else
			fputc(c, stderr);
	}
	fputc('\n', stderr);
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

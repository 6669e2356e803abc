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
#include <sys/stat.h>
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

int
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

void
cli_pw_opts_done(struct pw_opts *pw)
{
	secret_free(pw->given);
	pw->given = NULL;
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

int
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

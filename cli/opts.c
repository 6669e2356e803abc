/* SPDX-License-Identifier: ISC */
/* opts.c -- option handling shared by the subcommands. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

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

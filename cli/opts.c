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

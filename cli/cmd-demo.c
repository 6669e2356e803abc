/* SPDX-License-Identifier: ISC */
/*
 * cmd-demo.c -- tlsdeck demo [DIR]: build a demo server tree with the core
 * (core/demo.c), say where it is, then open the dashboard on it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
	OPT_NO_OPEN = OPT__CLI_MAX + 1,
	OPT_D_THEME,
	OPT_D_NO_COLOR,
	OPT_D_ASCII,
	OPT_D_MOUSE,
	OPT_D_HELP,
};

static const struct option demo_options[] = {
	{ "no-open", no_argument, NULL, OPT_NO_OPEN },
	{ "theme", required_argument, NULL, OPT_D_THEME },
	{ "no-color", no_argument, NULL, OPT_D_NO_COLOR },
	{ "no-colour", no_argument, NULL, OPT_D_NO_COLOR },
	{ "ascii", no_argument, NULL, OPT_D_ASCII },
	{ "mouse", no_argument, NULL, OPT_D_MOUSE },
	{ "help", no_argument, NULL, OPT_D_HELP },
	{ NULL, 0, NULL, 0 }
};

/* tlsdeck demo [DIR] [--no-open] */
static int
cmd_demo_exec(int argc, char **argv)
{
	const struct cmd_entry	*ce = &cmd_demo_entry;
	struct demo_info	 di;
	char			*targv[12], *cause = NULL;
	const char		*theme = NULL;
	bool			 open = true, nocolor = false, ascii = false;
	bool			 mouse = false;
	int			 ch, targc = 0, rc;

	memset(&di, 0, sizeof di);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", demo_options, NULL)) != -1) {
		switch (ch) {
		case OPT_NO_OPEN:
			open = false;
			break;
		case OPT_D_THEME:
			theme = optarg;
			break;
		case OPT_D_NO_COLOR:
			nocolor = true;
			break;
		case OPT_D_ASCII:
			ascii = true;
			break;
		case OPT_D_MOUSE:
			mouse = true;
			break;
		case OPT_D_HELP:
			cli_help(ce, stdout);
			return (EXIT_OK);
		default:
			return (cli_usage(ce, "unknown or incomplete option: %s",
			    argv[optind - 1]));
		}
	}
	if (argc - optind > 1)
		return (cli_usage(ce, "too many arguments"));
	if (demo_build(argc - optind == 1 ? argv[optind] : NULL, &di,
	    &cause) != 0) {
		cli_error("demo: %s", cause);
		free(cause);
		return (EXIT_FAIL);
	}
	printf("demo server tree: %s\n"
	    "  %s\n  %s (password: %s)\n  %s (JKS, changeit)\n",
	    di.dir, di.properties, di.keystore, DEMO_STOREPASS, di.cacerts);
	if (!open) {
		printf("open it with: %s --properties %s\n", TLSDECK_NAME,
		    di.properties);
		demo_info_done(&di);
		return (fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL);
	}
	fflush(stdout);

	targv[targc++] = (char *)TLSDECK_NAME;
	targv[targc++] = (char *)"--properties";
	targv[targc++] = di.properties;
	if (theme != NULL) {
		targv[targc++] = (char *)"--theme";
		targv[targc++] = (char *)theme;
	}
	if (nocolor)
		targv[targc++] = (char *)"--no-color";
	if (ascii)
		targv[targc++] = (char *)"--ascii";
	if (mouse)
		targv[targc++] = (char *)"--mouse";
	targv[targc] = NULL;
	rc = tui_main(targc, targv);
	printf("demo server tree kept in %s\n", di.dir);
	demo_info_done(&di);
	return (rc);
}

const struct cmd_entry cmd_demo_entry = {
	"demo", "[DIR] [--no-open] [--theme NAME] [--no-color] [--ascii] "
	"[--mouse]",
	"Build a demo server tree (Integration Manager layout: "
	"conf/application.properties,\n"
	"conf/ssl/keystore.p12 with a CA-signed chain and a certificate "
	"expiring soon,\n"
	"jre/ with its release file and cacerts) in DIR (default: a new "
	"directory under\n"
	"$TMPDIR), then open the dashboard on it.\n"
	"  --no-open    only build the tree and print where it is",
	cmd_demo_exec
};

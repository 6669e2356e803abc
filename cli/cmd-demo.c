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
};

static const struct option demo_options[] = {
	{ "no-open", no_argument, NULL, OPT_NO_OPEN },
	{ "theme", required_argument, NULL, OPT_D_THEME },
	{ "no-color", no_argument, NULL, OPT_D_NO_COLOR },
	{ "no-colour", no_argument, NULL, OPT_D_NO_COLOR },
	{ "ascii", no_argument, NULL, OPT_D_ASCII },
	{ "mouse", no_argument, NULL, OPT_D_MOUSE },
	{ NULL, 0, NULL, 0 }
};

/* demo's own options (its ctx->data). */
struct demo_args {
	bool		 no_open;
	const char	*theme;
	bool		 nocolor;
	bool		 ascii;
	bool		 mouse;
};

static int
demo_option(struct cmd_ctx *c, int ch, char *arg)
{
	struct demo_args	*a = c->data;

	switch (ch) {
	case OPT_NO_OPEN:
		a->no_open = true;
		break;
	case OPT_D_THEME:
		a->theme = arg;
		break;
	case OPT_D_NO_COLOR:
		a->nocolor = true;
		break;
	case OPT_D_ASCII:
		a->ascii = true;
		break;
	case OPT_D_MOUSE:
		a->mouse = true;
		break;
	}
	return (0);
}

/* tlsdeck demo [DIR] [--no-open] */
static int
cmd_demo_exec(struct cmd_ctx *c)
{
	struct demo_args	*a = c->data;
	struct demo_info	 di;
	char			*targv[12], *cause = NULL;
	int			 targc = 0, rc;

	memset(&di, 0, sizeof di);
	if (demo_build(c->argc == 1 ? c->argv[0] : NULL, &di, &cause) != 0) {
		cli_error("demo: %s", cause);
		free(cause);
		return (EXIT_FAIL);
	}
	printf("demo server tree: %s\n"
	    "  %s\n  %s (password: %s)\n  %s (JKS, changeit)\n",
	    di.dir, di.properties, di.keystore, DEMO_STOREPASS, di.cacerts);
	if (a->no_open) {
		printf("open it with: %s --properties %s\n", TLSDECK_NAME,
		    di.properties);
		demo_info_done(&di);
		return (fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL);
	}
	fflush(stdout);

	targv[targc++] = (char *)TLSDECK_NAME;
	targv[targc++] = (char *)"--properties";
	targv[targc++] = di.properties;
	if (a->theme != NULL) {
		targv[targc++] = (char *)"--theme";
		targv[targc++] = (char *)a->theme;
	}
	if (a->nocolor)
		targv[targc++] = (char *)"--no-color";
	if (a->ascii)
		targv[targc++] = (char *)"--ascii";
	if (a->mouse)
		targv[targc++] = (char *)"--mouse";
	targv[targc] = NULL;
	rc = tui_main(targc, targv);
	printf("demo server tree kept in %s\n", di.dir);
	demo_info_done(&di);
	return (rc);
}

const struct cmd_entry cmd_demo_entry = {
	.name = "demo",
	.usage = "[DIR] [--no-open] [--theme NAME] [--no-color] [--ascii] "
	"[--mouse]",
	.summary =
	"Build a demo server tree (Integration Manager layout: "
	"conf/application.properties,\n"
	"conf/ssl/keystore.p12 with a CA-signed chain and a certificate "
	"expiring soon,\n"
	"jre/ with its release file and cacerts) in DIR (default: a new "
	"directory under\n"
	"$TMPDIR), then open the dashboard on it.\n"
	"  --no-open    only build the tree and print where it is",
	.options = demo_options,
	.operands = { 0, 1, NULL },
	.size = sizeof (struct demo_args),
	.option = demo_option,
	.exec = cmd_demo_exec
};

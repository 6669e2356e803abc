/* SPDX-License-Identifier: ISC */
/* cmd-export.c -- tlsdeck export: an entry's certificate or chain. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_CHAIN = OPT__CLI_MAX + 1,
	OPT_FORCE,
};

static const struct option export_options[] = {
	{ "chain", no_argument, NULL, OPT_CHAIN },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ NULL, 0, NULL, 0 }
};

/* export's own options (its ctx->data). */
struct export_args {
	const char	*out;
	int		 flags;		/* STEP_EXPORT_* */
	bool		 force;
};

static int
export_option(struct cmd_ctx *c, int ch, char *arg)
{
	struct export_args	*a = c->data;

	switch (ch) {
	case OPT_CHAIN:
		a->flags |= STEP_EXPORT_CHAIN;
		break;
	case 'o':
		a->out = arg;
		break;
	case OPT_FORCE:
		a->force = true;
		break;
	}
	return (0);
}

/* tlsdeck export FILE --alias A [--format pem|der] [--chain] -o OUT */
static int
cmd_export_exec(struct cmd_ctx *c)
{
	struct export_args	*a = c->data;
	struct keystore		*ks = NULL;
	struct secret		*pass = NULL;
	struct server_owner	 owner = { -1, -1, 0, NULL, NULL };
	struct step_result	 r = { 0 };
	const char		*alias = c->alias, *out = a->out;
	const char		*file = c->argv[0];
	unsigned char		*data = NULL;
	char			*cause = NULL, *desc = NULL;
	size_t			 len = 0, n = 0, i;
	int			 fmt = c->fmt, flags = a->flags;
	int			 rc = EXIT_FAIL;

	if (alias == NULL || out == NULL) {
		rc = cli_usage(c->entry, "--alias and -o OUT are needed (-o - "
		    "for standard output)");
		goto out;
	}
	if (fmt == OUT_DER)
		flags |= STEP_EXPORT_DER;
	if (fmt == OUT_DER && strcmp(out, "-") == 0 && isatty(STDOUT_FILENO)) {
		cli_error("export: DER is binary: not written to a terminal "
		    "(use -o FILE or --format pem)");
		goto out;
	}
	if (cli_open_keystore(file, &c->store, true, &ks, &pass,
	    &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (step_export(ks, alias, flags, &data, &len, &n, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (strcmp(out, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len)
			goto out;
	} else {
		xasprintf(&desc, "export of alias %s (%zu certificate%s) "
		    "from %s", alias, n, n == 1 ? "" : "s", file);
		/* For the server's user when FILE is the server's. */
		(void)cli_guard_owner(file, NULL, &owner, NULL, NULL);
		if (step_write_file(out, data, len, a->force, 0644,
		    owner.uid >= 0 ? &owner : NULL, "export", desc, &r,
		    &cause) != 0) {
			cli_error("%s", cause);
			goto out;
		}
		cli_message("wrote %zu certificate%s (%s) of \"%s\" to %s",
		    n, n == 1 ? "" : "s", fmt == OUT_DER ? "DER" : "PEM",
		    alias, out);
		for (i = 0; i < r.nnotes; i++)
			cli_note("%s", r.notes[i]);
	}
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	step_result_free(&r);
	free(owner.how_buf);
	free(cause);
	free(data);
	free(desc);
	keystore_free(ks);
	secret_free(pass);
	return (rc);
}

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.usage =
	"FILE --alias A [--format pem|der] [--chain] -o OUT "
	"[--force] [PASSWORD OPTIONS]",
	.summary =
	"Export an entry's certificate (or its whole chain) as PEM or DER.\n"
	"  -a, --alias A            the entry\n"
	"  --format pem|der         output format (default pem; DER holds one "
	"certificate)\n"
	"  --chain                  the whole chain, leaf first (PEM)\n"
	"  -o, --output OUT         a new file, or - for standard output\n"
	"  --force                  replace an existing OUT (it is backed up)\n"
	"  --storepass-env VAR | --storepass-file FILE   store password "
	"(optional:\n"
	"                           certificates are readable without it)",
	.options = export_options,
	.flags = CMD_ALIAS | CMD_STOREPASS | CMD_FORMAT_HINT,
	.formats = OUT_F(OUT_PEM) | OUT_F(OUT_DER),
	.format = OUT_PEM,
	.operands = { 1, 1, "FILE is missing" },
	.size = sizeof (struct export_args),
	.option = export_option,
	.exec = cmd_export_exec
};

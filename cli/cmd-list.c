/* SPDX-License-Identifier: ISC */
/* cmd-list.c -- tlsdeck list / show. */
#include <stdio.h>

#include "cli.h"

static int
cmd_list_exec(int argc, char **argv)
{
	return (EXIT_FAIL);
}

const struct cmd_entry cmd_list_entry = {
	"list", "FILE [--format text|json] [PASSWORD OPTIONS]",
	"List the entries of a keystore or certificate file.", cmd_list_exec
};
const struct cmd_entry cmd_show_entry = {
	"show", "FILE ALIAS [--format text|json|pem] [PASSWORD OPTIONS]",
	"Show one entry in full.", cmd_list_exec
};

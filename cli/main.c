/* SPDX-License-Identifier: ISC */
/* main.c -- tlsdeck's entry point: the command table and the dispatch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Every subcommand; the order is the order of --help. */
static const struct cmd_entry *cmd_table[] = {
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
	&cmd_convert_entry,
	&cmd_demo_entry,
	&cmd_probe_entry,
	&cmd_scan_entry,
	&cmd_acme_entry,
	&cmd_fleet_entry,
	&cmd_ensure_entry,
	/* (commands: add new entries above this line) */
	NULL
};

/* The commands that write files: each first rolls back the transactions
 * a killed tlsdeck left (txn_recover), and the dashboard too. */
static const char *const cmd_writers[] = {
	"restore", "genkey", "csr", "import-reply", "import-cert",
	"import-pem", "export", "configure", "trust", "delete", "rename",
	"passwd", "convert", "demo", "acme", "ensure", NULL
};

/* Roll back interrupted transactions before a command that writes; one
 * line each on stderr.  Not for --help or --dry-run. */
static void
recover(int argc, char **argv)
{
	char	**lines = NULL, *cause = NULL;
	size_t	 n = 0, i;
	int	 k;
	bool	 writer = argc < 2 || argv[1][0] == '-';
	bool	 dashboard = writer;

	for (i = 0; !writer && cmd_writers[i] != NULL; i++)
		writer = strcmp(argv[1], cmd_writers[i]) == 0;
	for (k = 1; writer && k < argc; k++)
		if (strcmp(argv[k], "--help") == 0 ||
		    strcmp(argv[k], "-h") == 0 ||
		    strcmp(argv[k], "--dry-run") == 0)
			writer = false;
	if (!writer)
		return;
	if (txn_recover(&lines, &n, &cause) != 0) {
		cli_warn("%s", cause);
		free(cause);
		return;
	}
	for (i = 0; i < n; i++) {
		cli_message("%s", lines[i]);
		if (dashboard)
			tui_start_note(lines[i]);
		free(lines[i]);
	}
	free(lines);
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
	char			*cause = NULL;

	/* Before anything can read a password: no core dumps. */
	if (secret_process_harden(&cause) != 0) {
		cli_warn("%s", cause);
		free(cause);
	}
	file_signals_init();
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
			if (strcmp(argv[1], (*ce)->name) == 0) {
				recover(argc, argv);
				return (cmd_run(*ce, argc - 1, argv + 1));
			}
		}
		if (argv[1][0] != '-') {
			cli_error("unknown command: %s", argv[1]);
			usage_all(stderr);
			return (EXIT_USAGE);
		}
	}
	recover(argc, argv);
	return (tui_main(argc, argv));
}

/* SPDX-License-Identifier: ISC */
/* cmd-history.c -- tlsdeck history / restore: the backups of every change. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

static const struct option restore_options[] = {
	{ "dry-run", no_argument, NULL, 'n' },
	{ NULL, 0, NULL, 0 }
};

/* One backup as a JSON object. */
static json_t *
history_json_rec(const struct backup_rec *r)
{
	json_t	*j;
	char	 mode[8];

	snprintf(mode, sizeof mode, "%04o", r->mode);
	j = json_object();
	json_object_set_new(j, "id", json_integer(r->id));
	json_object_set_new(j, "time", json_string(r->time));
	json_object_set_new(j, "command", out_json_cstr(r->command));
	json_object_set_new(j, "description",
	    out_json_cstr(r->description));
	json_object_set_new(j, "path", out_json_cstr(r->path));
	json_object_set_new(j, "backup_file", out_json_cstr(r->file));
	json_object_set_new(j, "size", json_integer((json_int_t)r->size));
	json_object_set_new(j, "sha256", json_string(r->sha256));
	json_object_set_new(j, "uid", json_integer(r->uid));
	json_object_set_new(j, "mode", json_string(mode));
	return (j);
}

/* tlsdeck history */
static int
cmd_history_exec(struct cmd_ctx *c)
{
	struct backup_rec	*recs = NULL;
	json_t			*j, *arr;
	struct cli_text		 tx;
	FILE			*f;
	char			*cause = NULL, *dir = NULL, *line;
	char			**pend = NULL;
	size_t			 n = 0, i, npend = 0;
	int			 rc = EXIT_FAIL;

	if (backup_dir(&dir, &cause) != 0 ||
	    backup_list(&recs, &n, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	/* Transactions a killed tlsdeck left: the next write rolls them
	 * back (their rollback is in the history as "rollback"). */
	if (txn_pending(&pend, &npend, &cause) != 0) {
		cli_warn("%s", cause);
		free(cause);
		cause = NULL;
	}
	if (c->fmt == OUT_JSON) {
		j = json_object();
		json_object_set_new(j, "backup_dir", out_json_cstr(dir));
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(arr, history_json_rec(&recs[i]));
		json_object_set_new(j, "backups", arr);
		arr = json_array();
		for (i = 0; i < npend; i++)
			json_array_append_new(arr, out_json_cstr(pend[i]));
		json_object_set_new(j, "interrupted", arr);
		out_json_dump(j, stdout);
	} else if (n == 0) {
		f = cli_text_begin(&tx);
		fprintf(f, "No backups yet (backup directory: %s)\n", dir);
		cli_text_end(&tx, stdout);
	} else {
		/* Paths and descriptions come from the manifest: escaped,
		 * one backup a line. */
		f = cli_text_begin(&tx);
		fprintf(f, "Backups in %s (oldest first):\n", dir);
		fprintf(f, "%5s  %-20s  %-12s %10s  %s\n", "ID", "WHEN (UTC)",
		    "COMMAND", "SIZE", "FILE");
		cli_text_end(&tx, stdout);
		for (i = 0; i < n; i++) {
			xasprintf(&line, "%5u  %-20s  %-12s %10llu  %s%s%s%s",
			    recs[i].id, recs[i].time, recs[i].command,
			    (unsigned long long)recs[i].size, recs[i].path,
			    recs[i].description[0] != '\0' ? "  (" : "",
			    recs[i].description,
			    recs[i].description[0] != '\0' ? ")" : "");
			cli_puts_safe(stdout, line);
			fputc('\n', stdout);
			free(line);
		}
	}
	for (i = 0; i < npend && c->fmt != OUT_JSON; i++) {
		cli_puts_safe(stdout, pend[i]);
		fputc('\n', stdout);
	}
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	for (i = 0; i < npend; i++)
		free(pend[i]);
	free(pend);
	backup_list_free(recs, n);
	free(dir);
	free(cause);
	return (rc);
}

/* restore's -n, --dry-run */
static int
restore_option(struct cmd_ctx *c, int ch, char *arg)
{
	c->dry_run = true;
	return (0);
}

/* tlsdeck restore ID */
static int
cmd_restore_exec(struct cmd_ctx *c)
{
	struct backup_rec	*r = NULL;
	struct backup_outcome	 o;
	struct cli_text		 tx;
	FILE			*f;
	char			*cause = NULL;
	int			 rc = EXIT_FAIL;
	bool			 dry = c->dry_run;

	if (backup_find(c->argv[0], &r, &cause) != 0 ||
	    backup_restore(r, dry ? BACKUP_DRY_RUN : 0, &o, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	/* The path and command come from the manifest: escaped. */
	f = cli_text_begin(&tx);
	if (o.same)
		fprintf(f, "%s already holds backup %u (%s, %llu bytes); "
		    "nothing to do\n", r->path, r->id, r->time,
		    (unsigned long long)r->size);
	else if (dry)
		fprintf(f, "would restore %s from backup %u (%s, %s, %llu "
		    "bytes)%s\n", r->path, r->id, r->time, r->command,
		    (unsigned long long)r->size, o.existed ? "; the current "
		    "file would be backed up first" : "; the file does not "
		    "exist now and would be created");
	else if (o.prev_id != 0)
		fprintf(f, "restored %s from backup %u (%s, %llu bytes); the "
		    "replaced content is backup %u\n", r->path, r->id,
		    r->time, (unsigned long long)r->size, o.prev_id);
	else
		fprintf(f, "restored %s from backup %u (%s, %llu bytes); the "
		    "file did not exist\n", r->path, r->id, r->time,
		    (unsigned long long)r->size);
	cli_text_end(&tx, stdout);
	if (o.note[0] != '\0')
		cli_note("%s", o.note);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	backup_rec_free(r);
	free(cause);
	return (rc);
}

const struct cmd_entry cmd_history_entry = {
	.name = "history",
	.usage = "[--format text|json]",
	.summary =
	"List the backups tlsdeck made before each change (oldest first).",
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 0, 0, NULL },
	.exec = cmd_history_exec
};

const struct cmd_entry cmd_restore_entry = {
	.name = "restore",
	.usage = "BACKUP [--dry-run]",
	.summary =
	"Put a backup (an id from 'tlsdeck history') back in place; the "
	"current file is backed up first.",
	.options = restore_options,
	.operands = { 1, 1, "BACKUP is missing (an id from tlsdeck history)" },
	.option = restore_option,
	.exec = cmd_restore_exec
};

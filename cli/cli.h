/* SPDX-License-Identifier: ISC */
/*
 * cli.h -- the tlsdeck command line: subcommands over core.
 *
 * main.c finds the command in its table and hands argv to cmd_run
 * (opts.c), which parses every command's options the same way from its
 * struct cmd_entry, then calls the command's exec with what was given.
 * opts.c also holds what the commands share before they work (passwords,
 * opening a keystore, the server options), output.c what they print
 * (messages, text and JSON of core data), cmd-*.c the commands.
 */
#ifndef TLSDECK_CLI_H
#define TLSDECK_CLI_H

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "core.h"

/* Exit codes of the commands (audit has its own, for monitoring). */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

enum out_format {
	OUT_TEXT = 0,
	OUT_JSON,
	OUT_PEM,
	OUT_DER,
	OUT_PROMETHEUS,
};
#define OUT_F(f)	(1U << (f))	/* struct cmd_entry's formats */

/* Password sources for one password (store or key). */
struct pw_opts {
	const char	*env;		/* --storepass-env VAR */
	const char	*file;		/* --storepass-file FILE */
	struct secret	*given;		/* --storepass (visible in ps) */
};

/* Global options shared by the server commands. */
struct global_opts {
	const char	*properties;
	const char	*server;
	const char	*jre;
	const char	*cacerts;
	const char	*theme;
	const char	*config;
	bool		 no_color;
	bool		 ascii;
	bool		 mouse;
};

/* ------------------------------------------------------------------ */
/* Commands */

/* What a command takes besides its own options (cmd_entry's flags). */
#define CMD_GLOBAL	0x01	/* the GLOBAL options, into ctx->g */
#define CMD_STOREPASS	0x02	/* --storepass-env/-file, --storepass */
#define CMD_KEYPASS	0x04	/* --keypass-env/-file, --keypass */
#define CMD_ALIAS	0x08	/* -a, --alias A, into ctx->alias */
#define CMD_DRY_RUN	0x10	/* --dry-run, into ctx->dry_run */
#define CMD_FORMAT_HINT	0x20	/* "unknown format: X (a or b)" */
#define CMD_NAME_EXTRA	0x40	/* too many operands: "unexpected argument:
				   X", else "too many arguments" */

struct cmd_ctx;

/*
 * One subcommand (as tmux's cmd_entry): its name and help, what it takes,
 * and its work.  cmd_run parses argv with getopt_long over the command's
 * own options and the shared ones its flags and formats ask for; a row
 * whose val is a letter is also that short option.  --help, an unknown
 * option, a missing argument, a bad --format and a wrong number of
 * operands are handled there for every command, with the same messages.
 * A command's own options reach its option hook, in command-line order;
 * exec runs when all went well.
 */
struct cmd_entry {
	const char		*name;
	const char		*usage;		/* after "tlsdeck NAME " */
	const char		*summary;	/* the rest of --help */

	const struct option	*options;	/* its own; NULL-terminated */
	int			 flags;		/* CMD_* */
	unsigned		 formats;	/* --format: OUT_F()s, or 0 */
	enum out_format		 format;	/* without --format */
	struct {
		int		 lower;
		int		 upper;		/* -1: no limit */
		const char	*missing;	/* fewer than lower */
	} operands;
	int			 usage_exit;	/* 0: EXIT_USAGE */

	size_t			 size;		/* of ctx->data (zeroed) */
	/* One of its own options: 0, or -1 with ctx->rc (cmd_usage). */
	int			(*option)(struct cmd_ctx *, int ch, char *arg);
	void			(*free)(void *data);	/* what option kept */
	int			(*exec)(struct cmd_ctx *);	/* exit code */
};

/* One invocation: the operands and what the options gave. */
struct cmd_ctx {
	const struct cmd_entry	*entry;
	int			 argc;		/* the operands */
	char			**argv;
	int			 fmt;		/* OUT_* */
	bool			 fmt_given;	/* --format was given */
	struct pw_opts		 store;		/* CMD_STOREPASS */
	struct pw_opts		 key;		/* CMD_KEYPASS */
	struct global_opts	 g;		/* CMD_GLOBAL */
	int			 server_flags;	/* SERVER_NO_LIVE */
	const char		*alias;		/* CMD_ALIAS */
	bool			 dry_run;	/* CMD_DRY_RUN */
	const char		*cacerts;	/* CLI_STEP_CACERTS */
	struct pw_opts		 cacerts_pw;	/* CLI_STEP_CACERTS_PASS */
	enum ks_format		 storetype;	/* CLI_STEP_STORETYPE */
	bool			 replace;	/* CLI_STEP_REPLACE */
	struct secret		*pass;		/* cli_step_passwords */
	struct secret		*kpass;
	void			*data;		/* the command's own options */
	int			 rc;		/* when parsing stops */
};

/* Option codes (getopt_long val) of the shared options; a command numbers
 * its own from OPT__CLI_MAX + 1, or uses a letter. */
enum {
	OPT_STOREPASS_ENV = 1000,
	OPT_STOREPASS_FILE,
	OPT_STOREPASS,
	OPT_KEYPASS_ENV,
	OPT_KEYPASS_FILE,
	OPT_KEYPASS,
	OPT_HELP,
	OPT_DRY_RUN,
	OPT_G_PROPERTIES = 1080,	/* 1080..1089: the GLOBAL options */
	OPT_G_SERVER,
	OPT_G_JRE,
	OPT_G_CACERTS,
	OPT_G_THEME,
	OPT_G_NO_COLOR,
	OPT_G_CONFIG,
	OPT_G_NO_LIVE,
	OPT_S_CACERTS = 1090,		/* 1090..1099: the step options */
	OPT_S_REPLACE,
	OPT_S_STORETYPE,
	OPT_S_CACERTS_PASS_ENV,
	OPT_S_CACERTS_PASS_FILE,
	OPT__CLI_MAX = 1100
};
/* Step options a command lists among its own (into ctx; cmd_run checks
 * --storetype). */
#define CLI_STEP_CACERTS \
	{ "cacerts", required_argument, NULL, OPT_S_CACERTS }
#define CLI_STEP_REPLACE \
	{ "replace", no_argument, NULL, OPT_S_REPLACE }
#define CLI_STEP_STORETYPE \
	{ "storetype", required_argument, NULL, OPT_S_STORETYPE }
/* The password of cacerts (two rows; read by cli_cacerts_pass). */
#define CLI_STEP_CACERTS_PASS \
	{ "cacerts-pass-env", required_argument, NULL, \
	    OPT_S_CACERTS_PASS_ENV }, \
	{ "cacerts-pass-file", required_argument, NULL, \
	    OPT_S_CACERTS_PASS_FILE }
/* The GLOBAL options in a usage line. */
#define CLI_GLOBAL_USAGE \
	"[--properties FILE | --server DIR] [--jre DIR | --cacerts FILE] " \
	"[--config FILE] [--no-live]"

/* main.c: every command, in the order of --help. */
extern const struct cmd_entry cmd_list_entry;
extern const struct cmd_entry cmd_show_entry;		/* cmd-list.c */
extern const struct cmd_entry cmd_history_entry;
extern const struct cmd_entry cmd_restore_entry;	/* cmd-history.c */
extern const struct cmd_entry cmd_genkey_entry;
extern const struct cmd_entry cmd_csr_entry;
extern const struct cmd_entry cmd_import_reply_entry;
extern const struct cmd_entry cmd_import_cert_entry;
extern const struct cmd_entry cmd_import_pem_entry;	/* cmd-import.c */
extern const struct cmd_entry cmd_export_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_audit_entry;
extern const struct cmd_entry cmd_configure_entry;
extern const struct cmd_entry cmd_trust_entry;
extern const struct cmd_entry cmd_delete_entry;
extern const struct cmd_entry cmd_rename_entry;
extern const struct cmd_entry cmd_passwd_entry;		/* cmd-manage.c */
extern const struct cmd_entry cmd_convert_entry;	/* cmd-convert.c */
extern const struct cmd_entry cmd_demo_entry;
extern const struct cmd_entry cmd_probe_entry;
extern const struct cmd_entry cmd_scan_entry;		/* cmd-scan.c */
extern const struct cmd_entry cmd_fleet_entry;		/* cmd-fleet.c */
extern const struct cmd_entry cmd_ensure_entry;		/* cmd-ensure.c */

/*
 * The dashboard (tui/tui.c), the one entry point cli/ calls (tlsdeck with
 * no command, and demo): argv holds the GLOBAL options; returns the exit
 * code.  tui/tui.h declares it for tui/; cli/ includes no tui/ header
 * (tests/check-layering.sh checks both and that they agree).
 */
int	 tui_main(int argc, char **argv);
/* A line for the dashboard's first message, before tui_main. */
void	 tui_start_note(const char *);

/* ------------------------------------------------------------------ */
/* opts.c: options, usage, passwords, keystores, the server options */

/* Parse a command's options and operands, then run it: the exit code. */
int	 cmd_run(const struct cmd_entry *, int argc, char **argv);
/* In an option hook: print a usage error, set ctx->rc, return -1. */
int	 cmd_usage(struct cmd_ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Print a usage error for cmd and return EXIT_USAGE. */
int	 cli_usage(const struct cmd_entry *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Print a command's --help. */
void	 cli_help(const struct cmd_entry *, FILE *);
/* Parse "text|json|pem|..."; -1 if not in allowed (OUT_F bits). */
int	 cli_parse_format(const char *, unsigned allowed);

/*
 * Get a password: from pw->env, pw->file or pw->given, else (if ask is
 * set and stdin is a terminal) ask on /dev/tty without echo.  *sp is
 * NULL (and 0 returned) when there is no source and no terminal.
 */
int	 cli_password(const struct pw_opts *, const char *prompt,
	     bool ask, struct secret **sp, char **cause);
/* Read a password from the terminal without echo; NULL if no terminal. */
struct secret *cli_prompt_tty(const char *prompt, char **cause);
/* Was a password source given? */
bool	 cli_pw_given(const struct pw_opts *);
/*
 * Open a keystore for reading with the store password from pw, prompting on
 * a terminal when the file needs one.  *passp receives the password used
 * (NULL if none); the caller frees it.  Unverified JKS (no password) prints
 * a warning unless quiet.
 */
int	 cli_open_keystore(const char *path, const struct pw_opts *pw,
	     bool quiet, struct keystore **ksp, struct secret **passp,
	     char **cause);

/* The store password for a change: asked on a terminal (twice when the
 * file is created). */
int	 cli_step_storepass(const char *path, const struct pw_opts *,
	     struct secret **, char **cause);
/* The store password for path (cli_step_storepass) into ctx->pass, and
 * the key password, when one was given, into ctx->kpass. */
int	 cli_step_passwords(const char *path, struct cmd_ctx *, char **cause);
/* The password of cacerts from --cacerts-pass-env or --cacerts-pass-file
 * (CLI_STEP_CACERTS_PASS), or *sp NULL when neither was given. */
int	 cli_cacerts_pass(const struct cmd_ctx *, struct secret **sp,
	     char **cause);

/*
 * Server options from defaults, the config file (g->config or the default
 * files), then g.  Returns 0, -1 with *cause (config errors) or -2 with
 * *cause for a usage error (options that exclude each other).  *cfg (may
 * be NULL) receives the config, freed with config_free.
 */
int	 cli_server_opts(const struct global_opts *, int flags,
	     struct server_opts *, struct tlsdeck_config **cfg, char **cause);

/* ------------------------------------------------------------------ */
/* output.c: messages on stderr, text and JSON of core data on stdout */

/* The termesc flags for this terminal's locale (TERMESC_ASCII when it is
 * not UTF-8). */
int	 cli_termesc_flags(void);
/* Print PREFIX MSG on stderr, escaped for the terminal (termesc). */
void	 cli_vmessage(const char *prefix, const char *fmt, va_list)
	    __attribute__((format(printf, 2, 0)));
/* Print "tlsdeck: MSG" on stderr, escaped for the terminal (termesc). */
void	 cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "tlsdeck: note: MSG" and "tlsdeck: MSG" (not an error), escaped too. */
void	 cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 cli_message(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* JSON (jansson; void * is json_t *). */
/* Print and release one JSON document. */
void	 out_json_dump(void *json, FILE *);
void	*out_json_cert(struct cert *, time_t now);
void	*out_json_entry(struct ks_entry *, time_t now, bool with_pem);
/* A string that may not be UTF-8 (bad bytes as U+FFFD; NULL: null). */
void	*out_json_cstr(const char *);
/* Seconds since the epoch as an ISO 8601 UTC string. */
void	*out_json_time(int64_t);
void	 out_text_cert(FILE *, struct cert *, time_t now, const char *indent);
/* The entries Java ignores (ks->ignored): a JSON array, or WARNING lines
 * (only those of alias, when not NULL). */
void	*out_json_ignored(const struct keystore *);
void	 out_text_ignored(FILE *, const struct keystore *, const char *alias);
void	 out_text_entry(FILE *, struct ks_entry *, time_t now);
/* A severity as a word: CRITICAL, WARNING, info, ok. */
const char *out_text_sev(enum sev);
/* A status as JSON says it: critical, warning, ok (info is ok). */
const char *out_json_sev(enum sev);
/* An expiry for a table: "2026-12-10 (3 days)", "2026-12-01 (expired 2
 * days ago)", or with terse "(3d)", "(expired 2d ago)"; "-" for
 * INT64_MAX (none). */
void	 out_text_expiry(char *buf, size_t len, int64_t t, time_t now,
	     bool terse);
/* Write text escaped for the terminal (termesc: lines and tabs kept). */
void	 cli_write_safe(FILE *, const char *, size_t);
/* The same for one line (a tab or a line end is escaped too). */
void	 cli_puts_safe(FILE *, const char *);
/*
 * Text output through the one escaper: print to cli_text_begin()'s stream;
 * cli_text_end() writes what was printed to f with cli_write_safe.  The
 * text commands (list, show, status, audit, probe, history and the step
 * reports) print this way.
 */
struct cli_text {
	FILE	*mf;
	char	*buf;
	size_t	 len;
};
FILE	*cli_text_begin(struct cli_text *);
void	 cli_text_end(struct cli_text *, FILE *f);

/* The findings and the audited certificates (status, audit, probe). */
void	*cli_json_findings(const struct server_model *);
/* The findings as text, each line after indent. */
void	 cli_text_findings(FILE *, const struct server_model *,
	     const char *indent);
void	*cli_json_certs(const struct server_model *);
/* The whole model as tlsdeck status --format json prints it (cfg: the
 * config file, or NULL). */
void	*cli_json_status(const struct server_model *,
	     const struct tlsdeck_config *cfg);
/* Which key material a finding, row or certificate concerns: a json_t
 * {"role", "name", "path"}, or JSON null. */
void	*cli_json_material_ref(const struct key_material *);
/* cmd-manage.c: refuse (-1, *cause) when path is a key material of the
 * server found by default that no command may change (the encryption
 * keystore, PEM files); what: "changed". */
int	 cli_guard_keystore(const char *path, const char *what, char **cause);
/* The same (what NULL: never refused), and *owner (uid -1 when none; free
 * owner->how_buf): whom new files for path are for, when path is the
 * server's (server_owner_for); *reload (malloc'd, or NULL): "no restart
 * needed: ..." when path is a key material the server reloads itself
 * (key_material_apply).  owner and reload may be NULL. */
int	 cli_guard_owner(const char *path, const char *what,
	     struct server_owner *owner, char **reload, char **cause);

/*
 * The report of a step: text or JSON on stdout, notes on stderr (certs:
 * the result lists imported certificates, not a chain).
 */
void	 cli_step_report(const char *path, const char *what,
	     const struct step_result *, bool json, bool certs);
/* The end of a step command: cli_step_report in ctx's format, then the
 * exit code (EXIT_FAIL when stdout cannot be flushed). */
int	 cli_step_finish(const char *path, const char *what,
	     const struct step_result *, const struct cmd_ctx *, bool certs);

/* cmd-acme.c: tlsdeck acme (core/acme.c). */
extern const struct cmd_entry cmd_acme_entry;

#endif

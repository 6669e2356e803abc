/* SPDX-License-Identifier: ISC */
/* cli.h -- the tlsdeck command line: subcommands over core. */
#ifndef TLSDECK_CLI_H
#define TLSDECK_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "core.h"

/* Exit codes (tlsdeck.1, EXIT STATUS). */
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

/* One subcommand (tmux's cmd_entry idea). */
struct cmd_entry {
	const char	*name;
	const char	*usage;		/* after "tlsdeck NAME " */
	const char	*summary;	/* one line for --help */
	int		(*exec)(int argc, char **argv);
};

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

/* cmd-manage.c: refuse (-1, *cause) when path is a key material of the
 * server found by default that no command may change (the encryption
 * keystore, PEM files); what: "changed". */
int	 cli_guard_keystore(const char *path, const char *what, char **cause);

/* main.c */
extern const struct cmd_entry *cmd_table[];
/* Print "tlsdeck: MSG" on stderr. */
void	 cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a usage error for cmd and return EXIT_USAGE. */
int	 cli_usage(const struct cmd_entry *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Print a command's --help. */
void	 cli_help(const struct cmd_entry *, FILE *);
/* Parse "text|json|pem|..."; -1 if not in allowed (a bit set of 1<<fmt). */
int	 cli_parse_format(const char *, unsigned allowed);

/* opts.c */
/*
 * The default: of a command's getopt_long switch: -f/--format (into *fmt,
 * one of allowed), --help (printed) and anything else (a usage error).
 * Returns 0 to go on, else 1 with *rc set (EXIT_OK after --help).
 */
int	 cli_common_option(const struct cmd_entry *, int ch, const char *arg,
	     char **argv, unsigned allowed, int *fmt, int *rc);
/* Exactly one FILE operand left after the options?  Else a usage error
 * (1, *rc set). */
int	 cli_one_file(const struct cmd_entry *, int argc, int *rc);

/*
 * Get a password: from pw->env, pw->file or pw->given, else (if prompt is
 * set and stdin/tty is a terminal) ask on /dev/tty without echo.  *sp is
 * NULL (and 0 returned) when there is no source and no terminal.
 */
int	 cli_password(const struct pw_opts *, const char *prompt,
	     bool ask, struct secret **sp, char **cause);
/* Read a password from the terminal without echo; NULL if no terminal. */
struct secret *cli_prompt_tty(const char *prompt, char **cause);

/* Long-option codes shared by commands (getopt_long val). */
enum {
	OPT_STOREPASS_ENV = 1000,
	OPT_STOREPASS_FILE,
	OPT_STOREPASS,
	OPT_KEYPASS_ENV,
	OPT_KEYPASS_FILE,
	OPT_KEYPASS,
	OPT_HELP,
	OPT__CLI_MAX = 1100	/* commands number their own options above */
};
/* The getopt_long rows for the password options (append to a table). */
#define CLI_PASSWORD_OPTIONS \
	{ "storepass-env", required_argument, NULL, OPT_STOREPASS_ENV }, \
	{ "storepass-file", required_argument, NULL, OPT_STOREPASS_FILE }, \
	{ "storepass", required_argument, NULL, OPT_STOREPASS }, \
	{ "keypass-env", required_argument, NULL, OPT_KEYPASS_ENV }, \
	{ "keypass-file", required_argument, NULL, OPT_KEYPASS_FILE }, \
	{ "keypass", required_argument, NULL, OPT_KEYPASS }, \
	{ "help", no_argument, NULL, OPT_HELP }
/*
 * Handle one password option; returns 1 if ch was one, else 0.  A password
 * given on the command line is copied into a secret, the argv copy wiped,
 * and a warning printed (it was visible in ps).
 */
int	 cli_password_option(int ch, char *arg, struct pw_opts *store,
	     struct pw_opts *key);
void	 cli_pw_opts_done(struct pw_opts *);
/*
 * Open a keystore for reading with the store password from pw, prompting on
 * a terminal when the file needs one.  *passp receives the password used
 * (NULL if none); the caller frees it.  Unverified JKS (no password) prints
 * a warning unless quiet.
 */
int	 cli_open_keystore(const char *path, const struct pw_opts *pw,
	     bool quiet, struct keystore **ksp, struct secret **passp,
	     char **cause);

/* output.c: JSON helpers (jansson) */
struct json_t;
/* Time as ISO 8601 UTC. */
void	 out_json_dump(void *json, FILE *);	/* json_t *, decref'd */
void	*out_json_cert(struct cert *, time_t now);
void	*out_json_entry(struct ks_entry *, time_t now, bool with_pem);
/* A string that may not be UTF-8 (bad bytes as U+FFFD; NULL: null). */
void	*out_json_cstr(const char *);
/* Seconds since the epoch as an ISO 8601 UTC string. */
void	*out_json_time(int64_t);
void	 out_text_cert(FILE *, struct cert *, time_t now, const char *indent);
void	 out_text_entry(FILE *, struct ks_entry *, time_t now);

/* Commands (one descriptor each). */
extern const struct cmd_entry cmd_list_entry;
extern const struct cmd_entry cmd_show_entry;
extern const struct cmd_entry cmd_history_entry;
extern const struct cmd_entry cmd_restore_entry;
/* Keystore steps: cmd-genkey.c, cmd-csr.c, cmd-import.c, cmd-export.c */
extern const struct cmd_entry cmd_genkey_entry;
extern const struct cmd_entry cmd_csr_entry;
extern const struct cmd_entry cmd_import_reply_entry;
extern const struct cmd_entry cmd_import_cert_entry;
extern const struct cmd_entry cmd_import_pem_entry;
extern const struct cmd_entry cmd_export_entry;
/* Trust and keystore management: cmd-trust.c, cmd-manage.c */
extern const struct cmd_entry cmd_trust_entry;
extern const struct cmd_entry cmd_delete_entry;
extern const struct cmd_entry cmd_rename_entry;
extern const struct cmd_entry cmd_passwd_entry;
/*
 * cmd-import.c, shared by the step commands: the store password for a
 * change (asked on a terminal; twice when the file is created), and the
 * report of a step (text or JSON on stdout, notes on stderr; certs:
 * the result lists imported certificates, not a chain).
 */
int	 cli_step_storepass(const char *path, const struct pw_opts *,
	     struct secret **, char **cause);
void	 cli_step_report(const char *path, const char *what,
	     const struct step_result *, bool json, bool certs);

/*
 * opts.c: the options the step commands share (cmd-genkey.c,
 * cmd-import.c), parsed into one struct step_args.  A command's table
 * lists the rows it takes (CLI_STEP_OPTIONS, then e.g. --cacerts,
 * --replace, --storetype); its getopt_long switch handles its own options
 * and passes the rest to cli_step_option.
 */
enum {
	OPT_S_CACERTS = 1090,		/* 1090..1099: the step options */
	OPT_S_REPLACE,
	OPT_S_STORETYPE,
	OPT_S_DRY_RUN,
};
#define CLI_STEP_OPTIONS \
	{ "alias", required_argument, NULL, 'a' }, \
	{ "dry-run", no_argument, NULL, OPT_S_DRY_RUN }, \
	{ "format", required_argument, NULL, 'f' }, \
	CLI_PASSWORD_OPTIONS
#define CLI_STEP_CACERTS \
	{ "cacerts", required_argument, NULL, OPT_S_CACERTS }
#define CLI_STEP_REPLACE \
	{ "replace", no_argument, NULL, OPT_S_REPLACE }
#define CLI_STEP_STORETYPE \
	{ "storetype", required_argument, NULL, OPT_S_STORETYPE }

struct step_args {
	struct pw_opts	 store;
	struct pw_opts	 key;
	bool		 no_keypass;	/* set before parsing: the command
					   takes no key password */
	const char	*alias;
	const char	*cacerts;
	enum ks_format	 storetype;	/* KS_FMT_UNKNOWN: the default */
	bool		 replace;
	bool		 dry_run;
	int		 fmt;		/* OUT_TEXT or OUT_JSON */
	struct secret	*pass;		/* from cli_step_passwords */
	struct secret	*kpass;
};
/* Handle an option of a step command's default: case: 0 to go on, else 1
 * with *rc set (--help, a usage error). */
int	 cli_step_option(const struct cmd_entry *, int ch, char *arg,
	     char **argv, struct step_args *, int *rc);
/* The store password for path (cli_step_storepass) and the key password
 * when one was given. */
int	 cli_step_passwords(const char *path, struct step_args *,
	     char **cause);
/* The end of a step command: cli_step_report in sa's format, then the
 * exit code (EXIT_FAIL when stdout cannot be flushed). */
int	 cli_step_finish(const char *path, const char *what,
	     const struct step_result *, const struct step_args *,
	     bool certs);
/* Free what a step_args holds (passwords wiped). */
void	 cli_step_args_done(struct step_args *);
/* Was a password source given? */
bool	 cli_pw_given(const struct pw_opts *);

/*
 * The server commands: cmd-status.c, cmd-audit.c,
 * cmd-configure.c.  cmd-status.c holds what they share: the GLOBAL
 * options, loading the config file and the model, and JSON of findings.
 */
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_audit_entry;
extern const struct cmd_entry cmd_configure_entry;
enum {
	OPT_G_PROPERTIES = 1080,	/* 1080..1089: the GLOBAL options */
	OPT_G_SERVER,
	OPT_G_JRE,
	OPT_G_CACERTS,
	OPT_G_THEME,
	OPT_G_NO_COLOR,
	OPT_G_CONFIG,
	OPT_G_NO_LIVE,
};
#define CLI_GLOBAL_OPTIONS \
	{ "properties", required_argument, NULL, OPT_G_PROPERTIES }, \
	{ "server", required_argument, NULL, OPT_G_SERVER }, \
	{ "jre", required_argument, NULL, OPT_G_JRE }, \
	{ "cacerts", required_argument, NULL, OPT_G_CACERTS }, \
	{ "theme", required_argument, NULL, OPT_G_THEME }, \
	{ "no-color", no_argument, NULL, OPT_G_NO_COLOR }, \
	{ "no-colour", no_argument, NULL, OPT_G_NO_COLOR }, \
	{ "config", required_argument, NULL, OPT_G_CONFIG }, \
	{ "no-live", no_argument, NULL, OPT_G_NO_LIVE }
#define CLI_GLOBAL_USAGE \
	"[--properties FILE | --server DIR] [--jre DIR | --cacerts FILE] " \
	"[--config FILE] [--no-live]"
/* Handle one GLOBAL option: 1 if ch was one, else 0. */
int	 cli_global_option(int ch, char *arg, struct global_opts *, int *flags);
/*
 * Server options from defaults, the config file (g->config or the default
 * files), then g.  Returns 0, -1 with *cause (config errors) or -2 with
 * *cause for a usage error (options that exclude each other).  *cfg (may
 * be NULL) receives the config, freed with config_free.
 */
int	 cli_server_opts(const struct global_opts *, int flags,
	     struct server_opts *, struct tlsdeck_config **cfg, char **cause);
/* The findings as a JSON array (json_t *). */
void	*cli_json_findings(const struct server_model *);
/* The findings as text, each line after indent (status, audit, probe). */
void	 cli_text_findings(FILE *, const struct server_model *,
	     const char *indent);
/* The audited certificates as a JSON array (json_t *). */
void	*cli_json_certs(const struct server_model *);
/* Write text with control characters (not \n or \t) shown as '?'. */
void	 cli_write_safe(FILE *, const char *, size_t);

/* cmd-demo.c: tlsdeck demo (core/demo.c, then the dashboard). */
extern const struct cmd_entry cmd_demo_entry;

/* cmd-probe.c: tlsdeck probe (core/probe.c). */
extern const struct cmd_entry cmd_probe_entry;

#endif

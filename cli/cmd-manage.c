/* SPDX-License-Identifier: ISC */
/* cmd-manage.c -- tlsdeck delete / rename / passwd. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/*
 * Refuse to change a keystore the server must never see changed: the
 * server found as status finds it (configuration file, environment,
 * ./application.properties, the vendor's location), when there is one,
 * says which (key_material_locked).
 */
int
cli_guard_keystore(const char *path, const char *what, char **cause)
{
	struct server_opts		 so;
	struct tlsdeck_config		*cfg = NULL;
	struct server_model		*m = NULL;
	const struct key_material	*mat;
	char				*c = NULL;
	int				 rc = 0;

	server_opts_init(&so);
	so.flags = SERVER_NO_LIVE | SERVER_SOURCES_ONLY;
	if (config_load(NULL, &cfg, &c) == 0)
		config_apply(cfg, &so);
	free(c);
	c = NULL;
	if (server_model_load(&so, &m, &c) != 0) {
		free(c);		/* no server known: nothing to guard */
		config_free(cfg);
		return (0);
	}
	if ((mat = key_material_locked(m, path)) != NULL) {
		cause_set(cause, "%s: not %s: it is the %s key material of "
		    "%s, and %s", path, what, km_role_name(mat->role),
		    m->properties, mat->not_renewable != NULL ?
		    mat->not_renewable : "it must not change");
		rc = -1;
	}
	server_model_free(m);
	config_free(cfg);
	return (rc);
}

enum {
	OPT_TO = OPT__CLI_MAX + 1,
	OPT_DRY_RUN,
	OPT_NEW_STOREPASS_ENV,
	OPT_NEW_STOREPASS_FILE,
	OPT_NEW_KEYPASS_ENV,
	OPT_NEW_KEYPASS_FILE,
};

static const struct option manage_options[] = {
	{ "alias", required_argument, NULL, 'a' },
	{ "to", required_argument, NULL, OPT_TO },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "format", required_argument, NULL, 'f' },
	{ "new-storepass-env", required_argument, NULL, OPT_NEW_STOREPASS_ENV },
	{ "new-storepass-file", required_argument, NULL,
	    OPT_NEW_STOREPASS_FILE },
	{ "new-keypass-env", required_argument, NULL, OPT_NEW_KEYPASS_ENV },
	{ "new-keypass-file", required_argument, NULL, OPT_NEW_KEYPASS_FILE },
	CLI_PASSWORD_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

/* What one invocation asked for. */
struct manage_args {
	const char	*file;
	const char	*alias;
	const char	*to;
	bool		 dry_run;
	bool		 json;
	struct pw_opts	 store;
	struct pw_opts	 key;
	struct pw_opts	 new_store;
	struct pw_opts	 new_key;
};

/* Parse the options every manage command shares; allowed: option codes
 * this command takes (others are usage errors).  -1: exit with *rc. */
static int
manage_parse(const struct cmd_entry *ce, int argc, char **argv,
    struct manage_args *a, bool passwd, int *rc)
{
	int	ch, fmt;

	memset(a, 0, sizeof *a);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "a:f:", manage_options,
	    NULL)) != -1) {
		if (cli_password_option(ch, optarg, &a->store,
		    passwd ? &a->key : NULL))
			continue;
		switch (ch) {
		case 'a':
			a->alias = optarg;
			break;
		case OPT_TO:
			if (strcmp(ce->name, "rename") != 0)
				goto bad;
			a->to = optarg;
			break;
		case OPT_DRY_RUN:
			a->dry_run = true;
			break;
		case 'f':
			if ((fmt = cli_parse_format(optarg, 1 << OUT_TEXT |
			    1 << OUT_JSON)) < 0) {
				*rc = cli_usage(ce, "unknown format: %s (text "
				    "or json)", optarg);
				return (-1);
			}
			a->json = fmt == OUT_JSON;
			break;
		case OPT_NEW_STOREPASS_ENV:
		case OPT_NEW_STOREPASS_FILE:
		case OPT_NEW_KEYPASS_ENV:
		case OPT_NEW_KEYPASS_FILE:
			if (!passwd)
				goto bad;
			if (ch == OPT_NEW_STOREPASS_ENV)
				a->new_store.env = optarg;
			else if (ch == OPT_NEW_STOREPASS_FILE)
				a->new_store.file = optarg;
			else if (ch == OPT_NEW_KEYPASS_ENV)
				a->new_key.env = optarg;
			else
				a->new_key.file = optarg;
			break;
		case OPT_HELP:
			cli_help(ce, stdout);
			*rc = EXIT_OK;
			return (-1);
		default:
			goto bad;
		}
	}
	if (argc - optind != 1) {
		*rc = cli_usage(ce, argc - optind == 0 ? "FILE is missing" :
		    "too many arguments");
		return (-1);
	}
	a->file = argv[optind];
	return (0);
bad:
	*rc = cli_usage(ce, "unknown or incomplete option: %s",
	    argv[optind - 1]);
	return (-1);
}

/* Release what manage_parse's password options hold. */
static void
manage_args_done(struct manage_args *a)
{
	cli_pw_opts_done(&a->store);
	cli_pw_opts_done(&a->key);
}

/* tlsdeck delete FILE --alias A */
static int
cmd_delete_exec(int argc, char **argv)
{
	const struct cmd_entry	*ce = &cmd_delete_entry;
	struct manage_args	 a;
	struct step_result	 r;
	struct secret		*pass = NULL;
	char			*cause = NULL, *what = NULL;
	int			 rc = EXIT_FAIL;

	memset(&r, 0, sizeof r);
	if (manage_parse(ce, argc, argv, &a, false, &rc) != 0)
		goto out;
	if (a.alias == NULL) {
		rc = cli_usage(ce, "--alias is needed");
		goto out;
	}
	if (cli_guard_keystore(a.file, "changed", &cause) != 0 ||
	    cli_step_storepass(a.file, &a.store, &pass, &cause) != 0 ||
	    step_delete(a.file, pass, a.alias, a.dry_run, &r, &cause) != 0) {
		cli_error("delete: %s", cause);
		goto out;
	}
	xasprintf(&what, "%s \"%s\" from %s.", a.dry_run ? "Would delete" :
	    "Deleted", r.aliases[0], a.file);
	cli_step_report(a.file, what, &r, a.json, false);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	free(cause);
	free(what);
	secret_free(pass);
	step_result_free(&r);
	manage_args_done(&a);
	return (rc);
}

/* tlsdeck rename FILE --alias OLD --to NEW */
static int
cmd_rename_exec(int argc, char **argv)
{
	const struct cmd_entry	*ce = &cmd_rename_entry;
	struct manage_args	 a;
	struct step_result	 r;
	struct secret		*pass = NULL;
	char			*cause = NULL, *what = NULL;
	int			 rc = EXIT_FAIL;

	memset(&r, 0, sizeof r);
	if (manage_parse(ce, argc, argv, &a, false, &rc) != 0)
		goto out;
	if (a.alias == NULL || a.to == NULL) {
		rc = cli_usage(ce, "--alias and --to are needed");
		goto out;
	}
	if (cli_guard_keystore(a.file, "changed", &cause) != 0 ||
	    cli_step_storepass(a.file, &a.store, &pass, &cause) != 0 ||
	    step_rename(a.file, pass, a.alias, a.to, a.dry_run, &r,
	    &cause) != 0) {
		cli_error("rename: %s", cause);
		goto out;
	}
	xasprintf(&what, "%s \"%s\" to \"%s\" in %s.", a.dry_run ?
	    "Would rename" : "Renamed", a.alias, r.aliases[0], a.file);
	cli_step_report(a.file, what, &r, a.json, false);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	free(cause);
	free(what);
	secret_free(pass);
	step_result_free(&r);
	manage_args_done(&a);
	return (rc);
}

/* A new password from its options, else asked twice on a terminal. */
static int
passwd_new(const struct pw_opts *pw, const char *what, struct secret **sp,
    char **cause)
{
	struct secret	*s2;
	char		*prompt;

	*sp = NULL;
	if (pw->env != NULL || pw->file != NULL)
		return (cli_password(pw, "", false, sp, cause));
	xasprintf(&prompt, "New %s: ", what);
	*sp = cli_prompt_tty(prompt, cause);
	free(prompt);
	if (*sp == NULL) {
		cause_set(cause, "no new %s: give it with an -env or -file "
		    "option", what);
		return (-1);
	}
	s2 = cli_prompt_tty("Re-enter it: ", cause);
	if (s2 == NULL || !secret_equal(*sp, s2)) {
		secret_free(*sp);
		*sp = NULL;
		secret_free(s2);
		cause_set(cause, "the passwords do not match");
		return (-1);
	}
	secret_free(s2);
	return (0);
}

/* tlsdeck passwd FILE [--new-storepass-*] [--alias A --new-keypass-*] */
static int
cmd_passwd_exec(int argc, char **argv)
{
	const struct cmd_entry	*ce = &cmd_passwd_entry;
	struct manage_args	 a;
	struct step_passwd_opts	 o;
	struct step_result	 r;
	struct secret		*pass = NULL, *kp = NULL;
	struct secret		*ns = NULL, *nk = NULL;
	char			*cause = NULL, *what = NULL;
	bool			 want_store, want_key;
	int			 rc = EXIT_FAIL;

	memset(&r, 0, sizeof r);
	memset(&o, 0, sizeof o);
	if (manage_parse(ce, argc, argv, &a, true, &rc) != 0)
		goto out;
	if (cli_guard_keystore(a.file, "changed", &cause) != 0) {
		cli_error("passwd: %s", cause);
		goto out;
	}
	want_store = a.new_store.env != NULL || a.new_store.file != NULL;
	want_key = a.new_key.env != NULL || a.new_key.file != NULL;
	if (want_key && a.alias == NULL) {
		rc = cli_usage(ce, "a new key password needs --alias");
		goto out;
	}
	if (!want_store && !want_key) {
		if (!isatty(STDIN_FILENO)) {
			rc = cli_usage(ce, "give --new-storepass-env VAR, "
			    "--new-storepass-file F, or --alias A with "
			    "--new-keypass-env/--new-keypass-file");
			goto out;
		}
		/* On a terminal: the key password with --alias, else the
		 * store password. */
		want_key = a.alias != NULL;
		want_store = !want_key;
	}
	if (cli_step_storepass(a.file, &a.store, &pass, &cause) != 0)
		goto fail;
	if (want_key && (a.key.env != NULL || a.key.file != NULL ||
	    a.key.given != NULL) && cli_password(&a.key, "", false, &kp,
	    &cause) != 0)
		goto fail;
	if (want_store && passwd_new(&a.new_store, "store password", &ns,
	    &cause) != 0)
		goto fail;
	if (want_key && passwd_new(&a.new_key, "key password", &nk,
	    &cause) != 0)
		goto fail;
	o.new_storepass = ns;
	o.new_keypass = nk;
	o.alias = a.alias;
	o.keypass = kp;
	o.dry_run = a.dry_run;
	if (step_passwd(a.file, pass, &o, &r, &cause) != 0)
		goto fail;
	xasprintf(&what, "%s %s%s%s%s in %s.", a.dry_run ? "Would change" :
	    "Changed", ns != NULL ? "the store password" : "", ns != NULL &&
	    nk != NULL ? " and " : "", nk != NULL ? "the key password of " :
	    "", nk != NULL ? a.alias : "", a.file);
	cli_step_report(a.file, what, &r, a.json, false);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
	goto out;
fail:
	cli_error("passwd: %s", cause);
out:
	free(cause);
	free(what);
	secret_free(pass);
	secret_free(kp);
	secret_free(ns);
	secret_free(nk);
	step_result_free(&r);
	manage_args_done(&a);
	return (rc);
}

const struct cmd_entry cmd_delete_entry = {
	"delete", "FILE --alias A [--dry-run] [--format text|json] "
	"[PASSWORD OPTIONS]",
	"Delete an entry from a keystore (a backup of the file is kept).",
	cmd_delete_exec
};

const struct cmd_entry cmd_rename_entry = {
	"rename", "FILE --alias OLD --to NEW [--dry-run] [--format text|json] "
	"[PASSWORD OPTIONS]",
	"Rename an entry.  JKS stores every alias lower-cased, PKCS12 "
	"lower-cases key\n"
	"entries and keeps the case of trusted ones (as Java does); an alias "
	"another\n"
	"entry has (ignoring case) is refused.",
	cmd_rename_exec
};

const struct cmd_entry cmd_passwd_entry = {
	"passwd", "FILE [--new-storepass-env VAR | --new-storepass-file F] "
	"[--alias A [--keypass-env VAR | --keypass-file F] "
	"(--new-keypass-env VAR | --new-keypass-file F)] [--dry-run] "
	"[PASSWORD OPTIONS]",
	"Change the store password, or a JKS key password (at least 6 "
	"characters;\n"
	"asked twice on a terminal when no option gives it).\n"
	"  PKCS12: every key is re-encrypted with the new store password (the "
	"key\n"
	"    password is the store password, as keytool requires).\n"
	"  JKS: keys whose password was the store password change with it "
	"(what\n"
	"    Spring Boot assumes without server.ssl.key-password); keys with "
	"their own\n"
	"    password keep it.  --keypass-* gives a key's current password "
	"(default:\n"
	"    the store password).",
	cmd_passwd_exec
};

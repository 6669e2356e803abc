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
	return (cli_guard_owner(path, what, NULL, NULL, cause));
}

/* cli_guard_keystore, and whom new files for path are for (cli.h). */
int
cli_guard_owner(const char *path, const char *what,
    struct server_owner *owner, char **reload, char **cause)
{
	const struct server_owner	*so_owner;
	const struct key_material	*rmat;
	struct km_apply			 ap;
	struct server_opts		 so;
	struct tlsdeck_config		*cfg = NULL;
	struct server_model		*m = NULL;
	const struct key_material	*mat;
	char				*c = NULL;
	int				 rc = 0;

	if (owner != NULL) {
		memset(owner, 0, sizeof *owner);
		owner->uid = owner->gid = -1;
	}
	if (reload != NULL)
		*reload = NULL;
	server_opts_init(&so);
	/* Whom new files are for: the running server's user (/proc). */
	so.flags = owner != NULL ? SERVER_SOURCES_ONLY : SERVER_NO_LIVE |
	    SERVER_SOURCES_ONLY;
	if (config_load(NULL, &cfg, &c) == 0)
		config_apply(cfg, &so);
	free(c);
	c = NULL;
	if (server_model_load(&so, &m, &c) != 0) {
		free(c);		/* no server known: nothing to guard */
		config_free(cfg);
		return (0);
	}
	if (what != NULL && (mat = key_material_locked(m, path)) != NULL) {
		cause_set(cause, "%s: not %s: it is the %s key material of "
		    "%s, and %s", path, what, km_role_name(mat->role),
		    m->properties, mat->not_renewable != NULL ?
		    mat->not_renewable : "it must not change");
		rc = -1;
	}
	if (owner != NULL && (so_owner = server_owner_for(m, path)) != NULL) {
		owner->uid = so_owner->uid;
		owner->gid = so_owner->gid;
		owner->mode = so_owner->mode;
		owner->how_buf = so_owner->how != NULL ?
		    xstrdup(so_owner->how) : NULL;
		owner->how = owner->how_buf;
	}
	if (reload != NULL && (rmat = key_material_of_path(m, path)) != NULL &&
	    rmat->reload_on_update) {
		key_material_apply(m, rmat, false, &ap);
		*reload = ap.line;
	}
	server_model_free(m);
	config_free(cfg);
	return (rc);
}

enum {
	OPT_TO = OPT__CLI_MAX + 1,
	OPT_NEW_STOREPASS_ENV,
	OPT_NEW_STOREPASS_FILE,
	OPT_NEW_KEYPASS_ENV,
	OPT_NEW_KEYPASS_FILE,
};

static const struct option rename_options[] = {
	{ "to", required_argument, NULL, OPT_TO },
	{ NULL, 0, NULL, 0 }
};

static const struct option passwd_options[] = {
	{ "new-storepass-env", required_argument, NULL, OPT_NEW_STOREPASS_ENV },
	{ "new-storepass-file", required_argument, NULL,
	    OPT_NEW_STOREPASS_FILE },
	{ "new-keypass-env", required_argument, NULL, OPT_NEW_KEYPASS_ENV },
	{ "new-keypass-file", required_argument, NULL, OPT_NEW_KEYPASS_FILE },
	{ NULL, 0, NULL, 0 }
};

/* The own options of rename and passwd (their ctx->data). */
struct manage_args {
	const char	*to;
	struct pw_opts	 new_store;
	struct pw_opts	 new_key;
};

static int
manage_option(struct cmd_ctx *c, int ch, char *arg)
{
	struct manage_args	*a = c->data;

	switch (ch) {
	case OPT_TO:
		a->to = arg;
		break;
	case OPT_NEW_STOREPASS_ENV:
		a->new_store.env = arg;
		break;
	case OPT_NEW_STOREPASS_FILE:
		a->new_store.file = arg;
		break;
	case OPT_NEW_KEYPASS_ENV:
		a->new_key.env = arg;
		break;
	case OPT_NEW_KEYPASS_FILE:
		a->new_key.file = arg;
		break;
	}
	return (0);
}

/* tlsdeck delete FILE --alias A */
static int
cmd_delete_exec(struct cmd_ctx *c)
{
	struct step_result	 r;
	struct secret		*pass = NULL;
	const char		*file = c->argv[0];
	char			*cause = NULL, *what = NULL;
	int			 rc = EXIT_FAIL;

	memset(&r, 0, sizeof r);
	if (c->alias == NULL) {
		rc = cli_usage(c->entry, "--alias is needed");
		goto out;
	}
	if (cli_guard_keystore(file, "changed", &cause) != 0 ||
	    cli_step_storepass(file, &c->store, &pass, &cause) != 0 ||
	    step_delete(file, pass, c->alias, c->dry_run, &r, &cause) != 0) {
		cli_error("delete: %s", cause);
		goto out;
	}
	xasprintf(&what, "%s \"%s\" from %s.", c->dry_run ? "Would delete" :
	    "Deleted", r.aliases[0], file);
	cli_step_report(file, what, &r, c->fmt == OUT_JSON, false);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	free(cause);
	free(what);
	secret_free(pass);
	step_result_free(&r);
	return (rc);
}

/* tlsdeck rename FILE --alias OLD --to NEW */
static int
cmd_rename_exec(struct cmd_ctx *c)
{
	struct manage_args	*a = c->data;
	struct step_result	 r;
	struct secret		*pass = NULL;
	const char		*file = c->argv[0];
	char			*cause = NULL, *what = NULL;
	int			 rc = EXIT_FAIL;

	memset(&r, 0, sizeof r);
	if (c->alias == NULL || a->to == NULL) {
		rc = cli_usage(c->entry, "--alias and --to are needed");
		goto out;
	}
	if (cli_guard_keystore(file, "changed", &cause) != 0 ||
	    cli_step_storepass(file, &c->store, &pass, &cause) != 0 ||
	    step_rename(file, pass, c->alias, a->to, c->dry_run, &r,
	    &cause) != 0) {
		cli_error("rename: %s", cause);
		goto out;
	}
	xasprintf(&what, "%s \"%s\" to \"%s\" in %s.", c->dry_run ?
	    "Would rename" : "Renamed", c->alias, r.aliases[0], file);
	cli_step_report(file, what, &r, c->fmt == OUT_JSON, false);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	free(cause);
	free(what);
	secret_free(pass);
	step_result_free(&r);
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

/*
 * Which passwords passwd changes: the ones given, else on a terminal the
 * key password with --alias, or the store password.  0, or -1 after a
 * usage error.
 */
static int
passwd_which(struct cmd_ctx *c, bool *want_store, bool *want_key)
{
	struct manage_args	*a = c->data;

	*want_store = cli_pw_given(&a->new_store);
	*want_key = cli_pw_given(&a->new_key);
	if (*want_key && c->alias == NULL) {
		cli_usage(c->entry, "a new key password needs --alias");
		return (-1);
	}
	if (!*want_store && !*want_key) {
		if (!isatty(STDIN_FILENO)) {
			cli_usage(c->entry, "give --new-storepass-env VAR, "
			    "--new-storepass-file F, or --alias A with "
			    "--new-keypass-env/--new-keypass-file");
			return (-1);
		}
		*want_key = c->alias != NULL;
		*want_store = !*want_key;
	}
	return (0);
}

/* tlsdeck passwd FILE [--new-storepass-*] [--alias A --new-keypass-*] */
static int
cmd_passwd_exec(struct cmd_ctx *c)
{
	struct manage_args	*a = c->data;
	struct step_passwd_opts	 o;
	struct step_result	 r;
	struct secret		*pass = NULL, *kp = NULL;
	struct secret		*ns = NULL, *nk = NULL;
	const char		*file = c->argv[0];
	char			*cause = NULL, *what = NULL;
	bool			 want_store, want_key;
	int			 rc = EXIT_FAIL;

	memset(&r, 0, sizeof r);
	memset(&o, 0, sizeof o);
	if (passwd_which(c, &want_store, &want_key) != 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (cli_guard_keystore(file, "changed", &cause) != 0 ||
	    cli_step_storepass(file, &c->store, &pass, &cause) != 0)
		goto fail;
	if (want_key && cli_pw_given(&c->key) &&
	    cli_password(&c->key, "", false, &kp, &cause) != 0)
		goto fail;
	if (want_store && passwd_new(&a->new_store, "store password", &ns,
	    &cause) != 0)
		goto fail;
	if (want_key && passwd_new(&a->new_key, "key password", &nk,
	    &cause) != 0)
		goto fail;
	o.new_storepass = ns;
	o.new_keypass = nk;
	o.alias = c->alias;
	o.keypass = kp;
	o.dry_run = c->dry_run;
	if (step_passwd(file, pass, &o, &r, &cause) != 0)
		goto fail;
	xasprintf(&what, "%s %s%s%s%s in %s.", c->dry_run ? "Would change" :
	    "Changed", ns != NULL ? "the store password" : "", ns != NULL &&
	    nk != NULL ? " and " : "", nk != NULL ? "the key password of " :
	    "", nk != NULL ? c->alias : "", file);
	cli_step_report(file, what, &r, c->fmt == OUT_JSON, false);
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
	return (rc);
}

const struct cmd_entry cmd_delete_entry = {
	.name = "delete",
	.usage = "FILE --alias A [--dry-run] [--format text|json] "
	"[PASSWORD OPTIONS]",
	.summary =
	"Delete an entry from a keystore (a backup of the file is kept).",
	.flags = CMD_ALIAS | CMD_DRY_RUN | CMD_STOREPASS | CMD_FORMAT_HINT,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 1, 1, "FILE is missing" },
	.exec = cmd_delete_exec
};

const struct cmd_entry cmd_rename_entry = {
	.name = "rename",
	.usage =
	"FILE --alias OLD --to NEW [--dry-run] [--format text|json] "
	"[PASSWORD OPTIONS]",
	.summary =
	"Rename an entry.  JKS stores every alias lower-cased, PKCS12 "
	"lower-cases key\n"
	"entries and keeps the case of trusted ones (as Java does); an alias "
	"another\n"
	"entry has (ignoring case) is refused.",
	.options = rename_options,
	.flags = CMD_ALIAS | CMD_DRY_RUN | CMD_STOREPASS | CMD_FORMAT_HINT,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 1, 1, "FILE is missing" },
	.size = sizeof (struct manage_args),
	.option = manage_option,
	.exec = cmd_rename_exec
};

const struct cmd_entry cmd_passwd_entry = {
	.name = "passwd",
	.usage =
	"FILE [--new-storepass-env VAR | --new-storepass-file F] "
	"[--alias A [--keypass-env VAR | --keypass-file F] "
	"(--new-keypass-env VAR | --new-keypass-file F)] [--dry-run] "
	"[PASSWORD OPTIONS]",
	.summary =
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
	.options = passwd_options,
	.flags = CMD_ALIAS | CMD_DRY_RUN | CMD_STOREPASS | CMD_KEYPASS |
	    CMD_FORMAT_HINT,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 1, 1, "FILE is missing" },
	.size = sizeof (struct manage_args),
	.option = manage_option,
	.exec = cmd_passwd_exec
};

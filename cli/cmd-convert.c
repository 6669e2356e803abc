/* SPDX-License-Identifier: ISC */
/* cmd-convert.c -- tlsdeck convert: a keystore into another format or
 * PKCS#12 profile (core/step-convert.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

enum {
	OPT_TO = OPT__CLI_MAX + 1,
	OPT_PROFILE,
};

static const struct option convert_options[] = {
	{ "to", required_argument, NULL, OPT_TO },
	{ "out", required_argument, NULL, 'o' },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ NULL, 0, NULL, 0 }
};

/* The own options of convert (its ctx->data). */
struct convert_args {
	enum ks_format	 to;
	const char	*out;
	enum ks_profile	 profile;
};

static int
convert_option(struct cmd_ctx *c, int ch, char *arg)
{
	struct convert_args	*a = c->data;

	switch (ch) {
	case OPT_TO:
		a->to = ks_format_parse(arg);
		if (a->to != KS_FMT_PKCS12 && a->to != KS_FMT_JKS)
			return (cmd_usage(c, "unknown target format: %s "
			    "(pkcs12 or jks)", arg));
		break;
	case 'o':
		a->out = arg;
		break;
	case OPT_PROFILE:
		if ((a->profile = ks_profile_parse(arg)) == KS_PROFILE_NONE)
			return (cmd_usage(c, "unknown profile: %s (modern, "
			    "legacy or passwordless)", arg));
		break;
	}
	return (0);
}

/* Key passwords asked for on the terminal, entry by entry. */
struct convert_keys {
	struct step_convert_key	*v;
	struct secret		**s;
	char			**a;
	size_t			 n;
};

static void
convert_keys_free(struct convert_keys *k)
{
	size_t	i;

	for (i = 0; i < k->n; i++) {
		secret_free(k->s[i]);
		free(k->a[i]);
	}
	free(k->v);
	free(k->s);
	free(k->a);
	memset(k, 0, sizeof *k);
}

/* Ask for the key password of one entry; -1 when there is no terminal. */
static int
convert_ask(struct convert_keys *k, const char *alias, char **cause)
{
	struct secret	*s;
	char		*prompt;
	size_t		 i;

	for (i = 0; i < k->n; i++)
		if (strcmp(k->a[i], alias) == 0)
			return (-1);	/* asked already: it was wrong */
	if (!isatty(STDIN_FILENO))
		return (-1);
	xasprintf(&prompt, "Key password for \"%s\": ", alias);
	s = cli_prompt_tty(prompt, cause);
	free(prompt);
	if (s == NULL)
		return (-1);
	k->v = xreallocarray(k->v, k->n + 1, sizeof *k->v);
	k->s = xreallocarray(k->s, k->n + 1, sizeof *k->s);
	k->a = xreallocarray(k->a, k->n + 1, sizeof *k->a);
	k->a[k->n] = xstrdup(alias);
	k->s[k->n] = s;
	k->n++;
	for (i = 0; i < k->n; i++) {
		k->v[i].alias = k->a[i];
		k->v[i].pass = k->s[i];
	}
	return (0);
}

/* The result in JSON. */
static void
convert_json(const char *file, const struct step_result *r,
    const struct step_convert_info *info, bool dry_run)
{
	json_t		*j, *a;
	const char	*p;
	size_t		 i;

	j = json_object();
	json_object_set_new(j, "file", json_string(file));
	json_object_set_new(j, "written", json_string(info->written));
	json_object_set_new(j, "dry_run", json_boolean(dry_run));
	json_object_set_new(j, "from", json_string(ks_format_name(
	    info->from)));
	p = ks_profile_name(info->from_profile);
	json_object_set_new(j, "from_profile", p != NULL ? json_string(p) :
	    json_null());
	json_object_set_new(j, "format", json_string(ks_format_name(
	    r->format)));
	p = ks_profile_name(info->to_profile);
	json_object_set_new(j, "profile", p != NULL ? json_string(p) :
	    json_null());
	json_object_set_new(j, "scheme", info->scheme != NULL ?
	    json_string(info->scheme) : json_null());
	json_object_set_new(j, "created", json_boolean(r->created));
	json_object_set_new(j, "backup_id", r->backup_id != 0 ?
	    json_integer(r->backup_id) : json_null());
	a = json_array();
	for (i = 0; i < r->naliases; i++)
		json_array_append_new(a, out_json_cstr(r->aliases[i]));
	json_object_set_new(j, "aliases", a);
	json_object_set_new(j, "keys", json_integer((json_int_t)info->nkeys));
	json_object_set_new(j, "trusted",
	    json_integer((json_int_t)info->ntrusted));
	json_object_set_new(j, "secret_keys",
	    json_integer((json_int_t)info->nsecret));
	json_object_set_new(j, "rekeyed",
	    json_integer((json_int_t)info->nrekeyed));
	json_object_set_new(j, "dropped",
	    json_integer((json_int_t)info->ndropped));
	json_object_set_new(j, "properties", info->properties != NULL ?
	    out_json_cstr(info->properties) : json_null());
	json_object_set_new(j, "settings_backup_id",
	    info->settings_backup_id != 0 ?
	    json_integer(info->settings_backup_id) : json_null());
	a = json_array();
	for (i = 0; i < r->nnotes; i++)
		json_array_append_new(a, out_json_cstr(r->notes[i]));
	json_object_set_new(j, "plan", a);
	out_json_dump(j, stdout);
}

/* The result as text: the plan, then what was done (paths and names come
 * from files: escaped). */
static void
convert_text(const char *file, const struct step_result *r,
    const struct step_convert_info *info, bool dry_run)
{
	const char	*p = ks_profile_name(info->to_profile);
	struct cli_text	 tx;
	FILE		*f;
	size_t		 i;

	f = cli_text_begin(&tx);
	fprintf(f, "%s %s (%s) to %s%s%s%s:\n", dry_run ? "Would convert" :
	    "Converted", file, ks_format_name(info->from),
	    ks_format_name(r->format), p != NULL ? " (" : "",
	    p != NULL ? p : "", p != NULL ? " profile)" : "");
	for (i = 0; i < r->nnotes; i++)
		fprintf(f, "  %s\n", r->notes[i]);
	if (strcmp(info->written, file) != 0)
		fprintf(f, "%s %s\n", dry_run ? "Would write" : "Wrote",
		    info->written);
	if (r->backup_id != 0)
		fprintf(f, "Backup of the previous file: %u (tlsdeck history; "
		    "tlsdeck restore %u)\n", r->backup_id, r->backup_id);
	if (info->settings_backup_id != 0)
		fprintf(f, "Backup of the previous settings: %u (tlsdeck "
		    "restore %u)\n", info->settings_backup_id,
		    info->settings_backup_id);
	if (info->properties != NULL && !dry_run)
		fprintf(f, "Restart the server to use the new keystore.\n");
	cli_text_end(&tx, stdout);
}

/* tlsdeck convert --server DIR | --properties FILE --to pkcs12 */
static int
convert_server(struct cmd_ctx *c, struct convert_args *a)
{
	struct step_convert_server_opts	 o;
	struct step_convert_info	 info;
	struct step_result		 r;
	struct server_opts		 so;
	struct server_model		*m = NULL;
	struct convert_keys		 keys;
	char				*cause = NULL;
	int				 rc = EXIT_FAIL, tries;

	memset(&r, 0, sizeof r);
	memset(&info, 0, sizeof info);
	memset(&keys, 0, sizeof keys);
	if (a->to != KS_FMT_PKCS12)
		return (cli_usage(c->entry, "a server's keystore is converted "
		    "to PKCS12 (--to pkcs12)"));
	switch (cli_server_opts(&c->g, c->server_flags | SERVER_NO_LIVE,
	    &so, NULL, &cause)) {
	case -2:
		rc = cli_usage(c->entry, "%s", cause);
		goto out;
	case -1:
		cli_error("convert: %s", cause);
		goto out;
	}
	if (server_model_load(&so, &m, &cause) != 0) {
		cli_error("convert: %s", cause);
		goto out;
	}
	if (cli_pw_given(&c->store) &&
	    cli_password(&c->store, "", false, &c->pass, &cause) != 0) {
		cli_error("convert: %s", cause);
		goto out;
	}
	if (cli_pw_given(&c->key) &&
	    cli_password(&c->key, "", false, &c->kpass, &cause) != 0) {
		cli_error("convert: %s", cause);
		goto out;
	}
	memset(&o, 0, sizeof o);
	o.profile = a->profile;
	o.out = a->out;
	o.storepass = c->pass;
	o.keypass = c->kpass;
	o.dry_run = c->dry_run;
	for (tries = 0; ; tries++) {
		o.keypasses = keys.v;
		o.nkeypasses = keys.n;
		step_result_free(&r);
		step_convert_info_free(&info);
		if (step_convert_server(m, &o, &r, &info, &cause) == 0)
			break;
		if (info.need_keypass == NULL || tries > 1000 ||
		    convert_ask(&keys, info.need_keypass, &cause) != 0) {
			cli_error("convert: %s", cause);
			goto out;
		}
		free(cause);
		cause = NULL;
	}
	if (c->fmt == OUT_JSON)
		convert_json(m->served->path, &r, &info, c->dry_run);
	else
		convert_text(m->served->path, &r, &info, c->dry_run);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	free(cause);
	convert_keys_free(&keys);
	step_result_free(&r);
	step_convert_info_free(&info);
	server_model_free(m);
	return (rc);
}

/* tlsdeck convert FILE --to pkcs12|jks */
static int
cmd_convert_exec(struct cmd_ctx *c)
{
	struct convert_args		*a = c->data;
	struct step_convert_opts	 o;
	struct step_convert_info	 info;
	struct step_result		 r;
	struct convert_keys		 keys;
	const char			*file;
	char				*cause = NULL;
	int				 rc = EXIT_FAIL, tries;

	memset(&r, 0, sizeof r);
	memset(&info, 0, sizeof info);
	memset(&keys, 0, sizeof keys);
	if (a->to == KS_FMT_UNKNOWN)
		return (cli_usage(c->entry, "--to is needed (pkcs12 or jks)"));
	if (a->profile != KS_PROFILE_NONE && a->to != KS_FMT_PKCS12)
		return (cli_usage(c->entry, "--profile is for --to pkcs12"));
	if (c->g.server != NULL || c->g.properties != NULL) {
		if (c->argc > 0)
			return (cli_usage(c->entry, "give FILE or --server/"
			    "--properties, not both"));
		return (convert_server(c, a));
	}
	if (c->argc == 0)
		return (cli_usage(c->entry, "FILE is missing (or --server "
		    "DIR / --properties FILE)"));
	file = c->argv[0];
	if (cli_step_passwords(file, c, &cause) != 0) {
		cli_error("convert: %s", cause);
		goto out;
	}
	memset(&o, 0, sizeof o);
	o.to = a->to;
	o.profile = a->profile;
	o.out = a->out;
	o.out_uid = -1;
	o.out_gid = -1;
	o.keypass = c->kpass;
	o.dry_run = c->dry_run;
	/* A key no password given opens: ask for its own, entry by entry. */
	for (tries = 0; ; tries++) {
		o.keypasses = keys.v;
		o.nkeypasses = keys.n;
		step_result_free(&r);
		step_convert_info_free(&info);
		if (step_convert(file, c->pass, &o, &r, &info, &cause) == 0)
			break;
		if (info.need_keypass == NULL || tries > 1000 ||
		    convert_ask(&keys, info.need_keypass, &cause) != 0) {
			cli_error("convert: %s", cause);
			goto out;
		}
		free(cause);
		cause = NULL;
	}
	if (c->fmt == OUT_JSON)
		convert_json(file, &r, &info, c->dry_run);
	else
		convert_text(file, &r, &info, c->dry_run);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	free(cause);
	convert_keys_free(&keys);
	step_result_free(&r);
	step_convert_info_free(&info);
	return (rc);
}

const struct cmd_entry cmd_convert_entry = {
	.name = "convert",
	.usage = "FILE | --server DIR | --properties FILE --to pkcs12|jks "
	    "[-o OUT] [--profile modern|legacy|passwordless] [--dry-run] "
	    "[--format text|json] [PASSWORD OPTIONS]",
	.summary =
	"Convert a keystore (JKS, JCEKS, PKCS12) to PKCS12 or JKS, or a "
	"PKCS12 file to\nanother profile.  Every entry Java loads is kept; "
	"every key is protected with\nthe store password.  In place (the "
	"original backed up first) unless -o.\n"
	"With --server DIR or --properties FILE: the server's keystore "
	"becomes a PKCS12\nfile beside it (KEYSTORE.p12; the old one is "
	"kept) and its settings name it\n(key-store, key-store-type "
	"PKCS12, key-password removed), in one transaction;\nthe profile "
	"is the one the server's JRE reads.\n"
	"  --server DIR | --properties FILE   the server whose keystore to "
	"convert\n"
	"  --to pkcs12|jks          the new format\n"
	"  -o, --out OUT            write a new file OUT (refused when it "
	"exists)\n"
	"  --profile P              PKCS12: modern (default), legacy (JREs "
	"before 8u301 and\n"
	"                           11.0.12) or passwordless "
	"(truststores)\n"
	"  --dry-run                check everything and show the plan; "
	"write nothing\n"
	"  --format text|json       output format (default text)\n"
	"  --storepass-env VAR | --storepass-file FILE\n"
	"  --keypass-env VAR | --keypass-file FILE   the key password of "
	"keys the store\n"
	"                           password does not open (else asked on a "
	"terminal)",
	.options = convert_options,
	.flags = CMD_STOREPASS | CMD_KEYPASS | CMD_DRY_RUN | CMD_GLOBAL,
	.formats = OUT_F(OUT_TEXT) | OUT_F(OUT_JSON),
	.operands = { 0, 1, NULL },
	.size = sizeof (struct convert_args),
	.option = convert_option,
	.exec = cmd_convert_exec
};

/* SPDX-License-Identifier: ISC */
/*
 * cmd-configure.c -- tlsdeck configure: edit the server's settings in the
 * file whose value wins (cfg_plan: application.properties, a profile file,
 * a YAML document; refused when the running server's environment or
 * command line wins) through core's settings steps (every other byte kept,
 * the safe-write path, a backup), each shown first as a unified diff.
 * Passwords are never taken from argv (--set-env KEY=VAR) and are masked
 * in the diff.  A server kind with files of its own (Tomcat's server.xml,
 * Jetty's ini files) plans the edits itself (server_kind.plan_set; --fix
 * CODE: plan_fix) and core's step_conf makes them.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli.h"

#define CONF_CONTEXT	3		/* diff context lines */
#define CONF_LCS_MAX	4000000		/* cells of the LCS table */

enum {
	OPT_SET = OPT__CLI_MAX + 1,
	OPT_SET_ENV,
	OPT_UNSET,
	OPT_DEDUP,
	OPT_FIX,
};

static const struct option configure_options[] = {
	{ "set", required_argument, NULL, OPT_SET },
	{ "set-env", required_argument, NULL, OPT_SET_ENV },
	{ "unset", required_argument, NULL, OPT_UNSET },
	{ "dedup", no_argument, NULL, OPT_DEDUP },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "fix", required_argument, NULL, OPT_FIX },
	{ NULL, 0, NULL, 0 }
};

/* The edits, in command-line order (keys, values and secrets owned), and
 * --dedup: configure's ctx->data. */
struct conf_ops {
	struct step_prop *v;
	size_t		 n;
	bool		 dedup;
	const char	*fix;		/* --fix CODE */
};

/* Free the edits (values wiped); configure's ctx->data. */
static void
conf_ops_free(void *data)
{
	struct conf_ops	*o = data;
	char		*v;
	size_t		 i;

	for (i = 0; i < o->n; i++) {
		free((char *)o->v[i].key);
		if ((v = (char *)o->v[i].value) != NULL) {
			OPENSSL_cleanse(v, strlen(v));
			free(v);
		}
		secret_free((struct secret *)o->v[i].secret);
	}
	free(o->v);
}

/* Add an edit: value and secret NULL for --unset. */
static void
conf_ops_add(struct conf_ops *o, char *key, char *value,
    struct secret *secret)
{
	struct step_prop	*sp;

	o->v = xreallocarray(o->v, o->n + 1, sizeof *o->v);
	sp = &o->v[o->n++];
	sp->key = key;
	sp->value = value;
	sp->secret = secret;
}

/* ------------------------------------------------------------------ */
/* The diff */

struct conf_lines {
	const char	**s;		/* start of each line */
	size_t		 *len;		/* without its line end */
	const char	**show;		/* a secret's line: what to print */
	size_t		  n;
};

/* Split buf into lines; core's masks say which hold secrets. */
static void
conf_lines_init(struct conf_lines *l, const unsigned char *buf, size_t len,
    const struct step_mask *mask, size_t nmask)
{
	size_t	i, start = 0, cap = 0;

	memset(l, 0, sizeof *l);
	for (i = 0; i <= len; i++) {
		if (i < len && buf[i] != '\n' && buf[i] != '\r')
			continue;
		if (i == len && start == len)
			break;
		if (l->n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			l->s = xreallocarray(l->s, cap, sizeof *l->s);
			l->len = xreallocarray(l->len, cap, sizeof *l->len);
		}
		l->s[l->n] = (const char *)buf + start;
		l->len[l->n] = i - start;
		l->n++;
		if (i + 1 < len && buf[i] == '\r' && buf[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	l->show = xcalloc(l->n + 1, sizeof *l->show);
	for (i = 0; i < nmask; i++) {
		if (mask[i].line >= 1 && (size_t)mask[i].line <= l->n)
			l->show[mask[i].line - 1] = mask[i].show;
	}
}

/* Free what conf_lines_init made. */
static void
conf_lines_done(struct conf_lines *l)
{
	free(l->show);
	free(l->s);
	free(l->len);
}

/* Do line i of a and line j of b hold the same bytes? */
static bool
conf_line_eq(const struct conf_lines *a, size_t i, const struct conf_lines *b,
    size_t j)
{
	return (a->len[i] == b->len[j] &&
	    memcmp(a->s[i], b->s[j], a->len[i]) == 0);
}

/* Print one line of the diff with its mark, escaped for the terminal. */
static void
conf_print_line(FILE *f, char mark, const struct conf_lines *l, size_t i)
{
	char	*e;

	/* (A line holds no line end: TERMESC_LINES keeps its tabs.) */
	if (l->show[i] != NULL)
		e = termesc_str(l->show[i], TERMESC_LINES);
	else
		e = termesc(l->s[i], l->len[i], TERMESC_LINES);
	fprintf(f, "%c%s\n", mark, e);
	free(e);
}

/*
 * A unified diff of a -> b: common prefix and suffix trimmed, then an LCS
 * over the middle (both small for an edit), hunks with 3 lines of context.
 */
static void
conf_diff(FILE *f, const char *name, const struct conf_lines *a,
    const struct conf_lines *b)
{
	size_t	 pre = 0, suf = 0, n, m, i, j, k, ne = 0;
	size_t	 hs, he, ai, bi, ac, bc, x;
	unsigned int *t = NULL;
	char	*ops, *e;

	while (pre < a->n && pre < b->n && conf_line_eq(a, pre, b, pre))
		pre++;
	while (suf < a->n - pre && suf < b->n - pre &&
	    conf_line_eq(a, a->n - 1 - suf, b, b->n - 1 - suf))
		suf++;
	n = a->n - pre - suf;
	m = b->n - pre - suf;
	/* ops: ' ' keep, '-' a only, '+' b only; at most a->n + b->n */
	ops = xmalloc(a->n + b->n + 1);
	for (i = 0; i < pre; i++)
		ops[ne++] = ' ';
	if (n > 0 && m > 0 && (n + 1) * (m + 1) <= CONF_LCS_MAX) {
		t = xcalloc((n + 1) * (m + 1), sizeof *t);
		for (i = n; i-- > 0;)
			for (j = m; j-- > 0;)
				t[i * (m + 1) + j] = conf_line_eq(a, pre + i,
				    b, pre + j) ? t[(i + 1) * (m + 1) + j + 1] +
				    1 : t[(i + 1) * (m + 1) + j] >
				    t[i * (m + 1) + j + 1] ?
				    t[(i + 1) * (m + 1) + j] :
				    t[i * (m + 1) + j + 1];
		i = j = 0;
		while (i < n || j < m) {
			if (i < n && j < m && conf_line_eq(a, pre + i, b,
			    pre + j)) {
				ops[ne++] = ' ';
				i++;
				j++;
			} else if (i < n && (j == m ||
			    t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j +
			    1])) {
				ops[ne++] = '-';
				i++;
			} else {
				ops[ne++] = '+';
				j++;
			}
		}
		free(t);
	} else {
		for (i = 0; i < n; i++)
			ops[ne++] = '-';
		for (j = 0; j < m; j++)
			ops[ne++] = '+';
	}
	for (i = 0; i < suf; i++)
		ops[ne++] = ' ';

	e = termesc_str(name, 0);
	fprintf(f, "--- %s\n+++ %s (new)\n", e, e);
	free(e);
	k = 0;
	while (k < ne) {
		while (k < ne && ops[k] == ' ')
			k++;
		if (k == ne)
			break;
		/* A hunk: from k - context to the last change whose gap to
		 * the next change is short. */
		hs = k >= CONF_CONTEXT ? k - CONF_CONTEXT : 0;
		he = k;
		for (x = k; x < ne; x++) {
			if (ops[x] != ' ')
				he = x;
			else if (x - he > 2 * CONF_CONTEXT)
				break;
		}
		he = he + CONF_CONTEXT + 1 < ne ? he + CONF_CONTEXT + 1 : ne;
		ai = bi = 0;
		for (x = 0; x < hs; x++) {
			if (ops[x] != '+')
				ai++;
			if (ops[x] != '-')
				bi++;
		}
		ac = bc = 0;
		for (x = hs; x < he; x++) {
			if (ops[x] != '+')
				ac++;
			if (ops[x] != '-')
				bc++;
		}
		fprintf(f, "@@ -%zu,%zu +%zu,%zu @@\n", ac ? ai + 1 : ai, ac,
		    bc ? bi + 1 : bi, bc);
		for (x = hs; x < he; x++) {
			if (ops[x] == ' ') {
				conf_print_line(f, ' ', a, ai++);
				bi++;
			} else if (ops[x] == '-')
				conf_print_line(f, '-', a, ai++);
			else
				conf_print_line(f, '+', b, bi++);
		}
		k = he;
	}
	free(ops);
}

/* ------------------------------------------------------------------ */

/* Split "K=V" (the first '='): 0, or -1 (a usage error, c->rc set). */
static int
conf_split(struct cmd_ctx *c, const char *opt, const char *arg, char **k,
    char **v)
{
	const char	*eq = strchr(arg, '=');

	if (eq == NULL || eq == arg) {
		cmd_usage(c, "%s wants KEY=VALUE: %s", opt, arg);
		return (-1);
	}
	*k = xstrndup(arg, eq - arg);
	*v = xstrdup(eq + 1);
	if (!step_settings_key_ok(*k)) {
		cmd_usage(c, "%s: not a property name: %s", opt, *k);
		free(*k);
		free(*v);
		return (-1);
	}
	return (0);
}

/* What configure's step shows before it writes. */
struct conf_show {
	const char	*name;		/* the file, as found */
	bool		 shown;		/* the bytes change */
	char		*written;	/* the file written (links resolved) */
};

/* step_settings' show hook: the diff, on stdout, before the write. */
static void
conf_show(const struct step_settings_change *ch, void *arg)
{
	struct conf_show	*cs = arg;
	struct conf_lines	 la, lb;

	conf_lines_init(&la, ch->before, ch->beforelen, ch->before_mask,
	    ch->nbefore_mask);
	conf_lines_init(&lb, ch->after, ch->afterlen, ch->after_mask,
	    ch->nafter_mask);
	conf_diff(stdout, cs->name, &la, &lb);
	conf_lines_done(&la);
	conf_lines_done(&lb);
	fflush(stdout);
	cs->shown = true;
	free(cs->written);
	cs->written = xstrdup(ch->path);
}

/* Is a setting a password (NAME@SCOPE: its name)? */
static bool
conf_is_secret(const char *k)
{
	char	*n;
	bool	 r;

	n = xstrndup(k, strcspn(k, "@"));
	r = secret_key_name(n);
	free(n);
	return (r);
}

/* One --set or --set-env: 0, or -1 after a message (c->rc set). */
static int
conf_set_option(struct cmd_ctx *c, int ch, const char *arg,
    struct conf_ops *o)
{
	const char	*env;
	char		*k, *v;

	if (conf_split(c, ch == OPT_SET ? "--set" : "--set-env", arg, &k,
	    &v) != 0)
		return (-1);
	if (ch == OPT_SET && conf_is_secret(k)) {
		OPENSSL_cleanse(v, strlen(v));
		cmd_usage(c, "refusing %s on the command line (anyone "
		    "can read it with ps): put it in an environment variable "
		    "and use --set-env %s=VAR", k, k);
		free(k);
		free(v);
		return (-1);
	}
	if (ch == OPT_SET) {
		conf_ops_add(o, k, v, NULL);
		return (0);
	}
	if ((env = getenv(v)) == NULL) {
		cli_error("--set-env %s: environment variable %s is not set",
		    k, v);
		free(k);
		free(v);
		return (-1);
	}
	free(v);
	conf_ops_add(o, k, NULL, secret_from_str(env));
	return (0);
}

/* --set, --set-env, --unset, --dedup, -n/--dry-run */
static int
conf_option(struct cmd_ctx *c, int ch, char *arg)
{
	struct conf_ops	*ops = c->data;

	switch (ch) {
	case OPT_SET:
	case OPT_SET_ENV:
		return (conf_set_option(c, ch, arg, ops));
	case OPT_UNSET:
		if (!step_settings_key_ok(arg))
			return (cmd_usage(c, "--unset: not a property name: %s",
			    arg));
		conf_ops_add(ops, xstrdup(arg), NULL, NULL);
		break;
	case OPT_DEDUP:
		ops->dedup = true;
		break;
	case OPT_FIX:
		ops->fix = arg;
		break;
	case 'n':
		c->dry_run = true;
		break;
	}
	return (0);
}

/* The edits that go to one file. */
struct conf_group {
	const struct cfg_source	*src;	/* the file (its first target) */
	struct step_prop	*v;	/* borrowed from the conf_ops */
	int			*docs;	/* YAML: each edit's document */
	size_t			 n;
	bool			 dedup;
};

static void
conf_groups_free(struct conf_group *g, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(g[i].v);
		free(g[i].docs);
	}
	free(g);
}

/* The group for src (a new one at the end when there is none). */
static struct conf_group *
conf_group(struct conf_group **g, size_t *n, const struct cfg_source *src)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		if (strcmp((*g)[i].src->path, src->path) == 0)
			return (&(*g)[i]);
	*g = xreallocarray(*g, *n + 1, sizeof **g);
	memset(&(*g)[*n], 0, sizeof **g);
	(*g)[*n].src = src;
	return (&(*g)[(*n)++]);
}

/* Where each edit goes: the source that wins for its key (refused when
 * the running server's environment or command line wins). */
static int
conf_plan(const struct server_model *m, const struct conf_ops *ops,
    bool dedup, struct conf_group **gp, size_t *np, char **cause)
{
	const struct cfg_source	**t = NULL, *src = NULL;
	const struct key_material *mat;
	struct conf_group	*g;
	size_t			 i, j, nt;

	for (i = 0; i < ops->n; i++) {
		mat = key_material_of_setting(m, ops->v[i].key);
		if (mat != NULL && mat->role == KM_ROLE_ENCRYPTION) {
			cause_set(cause, "%s: not changed: it chooses the "
			    "encryption keystore, and %s", ops->v[i].key,
			    mat->not_renewable != NULL ? mat->not_renewable :
			    "it must not change");
			return (-1);
		}
		if (cfg_plan(m, ops->v[i].key, ops->v[i].value == NULL &&
		    ops->v[i].secret == NULL, &t, &nt, cause) != 0)
			return (-1);
		if (nt == 0 && ops->v[i].value == NULL &&
		    ops->v[i].secret == NULL) {
			/* not set anywhere: the main file says so */
			if (cfg_plan(m, ops->v[i].key, false, &t, &nt,
			    cause) != 0)
				return (-1);
		}
		for (j = 0; j < nt; j++) {
			g = conf_group(gp, np, t[j]);
			g->v = xreallocarray(g->v, g->n + 1, sizeof *g->v);
			g->docs = xreallocarray(g->docs, g->n + 1,
			    sizeof *g->docs);
			g->docs[g->n] = t[j]->doc;
			g->v[g->n++] = ops->v[i];
		}
		free(t);
	}
	if (!dedup)
		return (0);
	for (i = 0; i < m->nsources && src == NULL; i++)
		if (m->sources[i]->main &&
		    m->sources[i]->type == CFG_SRC_FILE)
			src = m->sources[i];
	if (src == NULL || src->format != CFG_FMT_PROPERTIES) {
		cause_set(cause, "%s: --dedup: only a properties file has "
		    "duplicate keys", m->properties);
		return (-1);
	}
	if (!src->writable) {
		cause_set(cause, "%s (nothing written)", src->error != NULL ?
		    src->error : src->path);
		return (-1);
	}
	conf_group(gp, np, src)->dedup = true;
	return (0);
}

/* Write one group: the diff, then the file. */
static int
conf_write(const struct conf_group *g, const struct step_settings_opts *base,
    size_t *wrote)
{
	struct step_settings_opts	 o = *base;
	struct step_result		 r;
	struct conf_show		 cs;
	char				*cause = NULL;
	size_t				 i;
	int				 rc = -1;

	memset(&cs, 0, sizeof cs);
	memset(&r, 0, sizeof r);
	o.props = g->v;
	o.nprops = g->n;
	o.dedup_all = g->dedup;
	o.show = conf_show;
	o.show_arg = &cs;
	cs.name = g->src->path;
	if (g->src->format == CFG_FMT_YAML) {
		if (step_settings_yaml(g->src->path, g->docs, &o, &r,
		    &cause) != 0) {
			cli_error("%s", cause);
			goto out;
		}
	} else if (step_settings(g->src->path, &o, &r, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (!cs.shown)
		printf("%s: nothing to change\n", g->src->path);
	else if (o.dry_run)
		printf("(dry run: %s not changed)\n", g->src->path);
	else {
		printf("wrote %s", cs.written);
		if (r.backup_id != 0)
			printf(" (backup %u: tlsdeck restore %u)", r.backup_id,
			    r.backup_id);
		printf("\n");
		(*wrote)++;
	}
	for (i = r.write_notes; i < r.nnotes; i++)
		fprintf(stderr, "%s: note: %s\n", TLSDECK_NAME, r.notes[i]);
	rc = 0;
out:
	step_result_free(&r);
	free(cs.written);
	free(cause);
	return (rc);
}

/* A kind's own plan: each file's edits, shown then written. */
static int
conf_kind(const struct server_model *m, const struct conf_ops *ops,
    const struct step_settings_opts *base, size_t *wrote)
{
	struct step_conf_plan		 plan;
	struct step_settings_opts	 o = *base;
	struct step_result		 r;
	struct conf_show		 cs;
	char				*cause = NULL;
	size_t				 i;
	int				 rc = -1;

	memset(&plan, 0, sizeof plan);
	if (ops->fix != NULL) {
		if (m->kind->plan_fix == NULL) {
			cli_error("%s: no fix for %s on %s", m->properties,
			    ops->fix, m->kind->title);
			return (-1);
		}
		if (m->kind->plan_fix(m, ops->fix, &plan, &cause) != 0)
			goto fail;
	}
	if (ops->n > 0 && m->kind->plan_set(m, ops->v, ops->n, &plan,
	    &cause) != 0)
		goto fail;
	for (i = 0; i < plan.nnotes; i++)
		printf("note: %s\n", plan.notes[i]);
	for (i = 0; i < plan.nfiles; i++) {
		memset(&cs, 0, sizeof cs);
		memset(&r, 0, sizeof r);
		o.show = conf_show;
		o.show_arg = &cs;
		cs.name = plan.files[i].path;
		if (step_conf(&plan.files[i], &o, &r, &cause) != 0) {
			free(cs.written);
			goto fail;
		}
		if (!cs.shown)
			printf("%s: nothing to change\n", plan.files[i].path);
		else if (o.dry_run)
			printf("(dry run: %s not changed)\n",
			    plan.files[i].path);
		else {
			printf("wrote %s", cs.written);
			if (r.backup_id != 0)
				printf(" (backup %u: tlsdeck restore %u)",
				    r.backup_id, r.backup_id);
			printf("\n");
			(*wrote)++;
		}
		step_result_free(&r);
		free(cs.written);
	}
	rc = 0;
	goto out;
fail:
	cli_error("%s", cause);
out:
	step_conf_plan_free(&plan);
	free(cause);
	return (rc);
}

/* tlsdeck configure */
static int
cmd_configure_exec(struct cmd_ctx *c)
{
	struct conf_ops			*ops = c->data;
	struct server_opts		 so;
	struct step_settings_opts	 o;
	struct km_apply			 ap;
	struct server_model		*m = NULL;
	struct conf_group		*groups = NULL;
	struct txn			*tx;
	size_t				 ngroups = 0, i, wrote = 0, nhint;
	char				*cause = NULL, **hint, *done = NULL;
	int				 rc = EXIT_FAIL;

	memset(&o, 0, sizeof o);
	o.dry_run = c->dry_run;
	if (ops->n == 0 && !ops->dedup && ops->fix == NULL) {
		rc = cli_usage(c->entry, "nothing to do: give --set, "
		    "--set-env, --unset, --dedup or --fix");
		goto out;
	}
	switch (cli_server_opts(&c->g, c->server_flags, &so, NULL, &cause)) {
	case -2:
		rc = cli_usage(c->entry, "%s", cause);
		goto out;
	case -1:
		cli_error("%s", cause);
		goto out;
	}
	if (ops->fix == NULL)
		so.flags |= SERVER_SOURCES_ONLY;
	if (server_model_load(&so, &m, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	/* Every file this changes is one transaction: a failure puts back
	 * the files written before it. */
	if (!o.dry_run && txn_begin("configure", &o.txn, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (m->kind->plan_set != NULL) {
		if (ops->dedup) {
			cli_error("%s: --dedup: only a properties file has "
			    "duplicate keys", m->properties);
			goto out;
		}
		if (conf_kind(m, ops, &o, &wrote) != 0)
			goto out;
	} else if (ops->fix != NULL) {
		cli_error("%s: no fix for %s on %s", m->properties, ops->fix,
		    m->kind->title);
		goto out;
	} else {
		if (conf_plan(m, ops, ops->dedup, &groups, &ngroups,
		    &cause) != 0) {
			cli_error("%s", cause);
			goto out;
		}
		/* Planned: the steps read the files again, one at a time. */
		cfg_sources_release(m);
		for (i = 0; i < ngroups; i++) {
			if (conf_write(&groups[i], &o, &wrote) != 0)
				goto out;
		}
	}
	tx = o.txn;
	o.txn = NULL;
	if (txn_commit(tx, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	if (o.dry_run || wrote == 0) {
		rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
		goto out;
	}
	/* Settings are read at start, even where files are reloaded. */
	key_material_apply(m, NULL, true, &ap);
	printf("%s\n", ap.line);
	km_apply_free(&ap);
	step_restart_hint(m, NULL, so.proc, &hint, &nhint);
	for (i = 0; i < nhint; i++) {
		printf("  %s\n", hint[i]);
		free(hint[i]);
	}
	free(hint);
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	if (o.txn != NULL) {
		free(cause);
		cause = NULL;
		(void)fflush(stdout);
		if (txn_abort(o.txn, &done, &cause) != 0)
			cli_error("%s", cause);
		if (done != NULL)
			cli_message("%s", done);
		free(done);
	}
	conf_groups_free(groups, ngroups);
	server_model_free(m);
	free(cause);
	return (rc);
}

const struct cmd_entry cmd_configure_entry = {
	.name = "configure",
	.usage = CLI_GLOBAL_USAGE " --set KEY=VALUE... [--set-env "
	"KEY=VAR] [--unset KEY] [--dedup] [--fix CODE] [--dry-run]",
	.summary =
	"Edit the server's settings where they win (application.properties, "
	"a profile file, application.yml, Tomcat's server.xml, Jetty's ini "
	"files; everything else kept byte for byte): shows the diff, then "
	"writes it with a backup.  Passwords only through --set-env.",
	.options = configure_options,
	.flags = CMD_GLOBAL | CMD_NAME_EXTRA,
	.operands = { 0, 0, NULL },
	.size = sizeof (struct conf_ops),
	.option = conf_option,
	.free = conf_ops_free,
	.exec = cmd_configure_exec
};

/* SPDX-License-Identifier: ISC */
/*
 * cmd-configure.c -- tlsdeck configure: edit application.properties,
 * keeping every other byte (props_set/unset/dedup), shown as a unified
 * diff first and written through the safe-write path with a backup.
 * Passwords are never taken from argv (--set-env KEY=VAR) and are masked
 * in the diff.
 */
#include <ctype.h>
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
	OPT_DRY_RUN,
};

static const struct option configure_options[] = {
	CLI_GLOBAL_OPTIONS,
	{ "set", required_argument, NULL, OPT_SET },
	{ "set-env", required_argument, NULL, OPT_SET_ENV },
	{ "unset", required_argument, NULL, OPT_UNSET },
	{ "dedup", no_argument, NULL, OPT_DEDUP },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* One edit, in command-line order. */
struct conf_op {
	int		 kind;		/* OPT_SET, OPT_SET_ENV, OPT_UNSET */
	char		*key;
	char		*value;		/* resolved value for sets */
	bool		 secret;
};

struct conf_ops {
	struct conf_op	*v;
	size_t		 n;
	bool		 dedup;
};

/* A secret-looking key (never on argv, masked in the diff). */
static bool
conf_secret_key(const char *key)
{
	char	*c = props_canon_key(key);
	bool	 r;

	r = strstr(c, "password") != NULL || strstr(c, "secret") != NULL ||
	    strstr(c, "passphrase") != NULL ||
	    (strlen(c) >= 4 && strcmp(c + strlen(c) - 4, "pass") == 0);
	free(c);
	return (r);
}

/* A property name that props_set can write (printable, no separators at
 * the edges). */
static bool
conf_key_ok(const char *k)
{
	if (*k == '\0')
		return (false);
	for (; *k != '\0'; k++)
		if ((unsigned char)*k < 0x21 || *k == 0x7f)
			return (false);
	return (true);
}

/* Free the edits (values wiped). */
static void
conf_ops_free(struct conf_ops *o)
{
	size_t	i;

	for (i = 0; i < o->n; i++) {
		free(o->v[i].key);
		if (o->v[i].value != NULL) {
			OPENSSL_cleanse(o->v[i].value, strlen(o->v[i].value));
			free(o->v[i].value);
		}
	}
	free(o->v);
}

/* Apply the edits to p. */
static int
conf_apply(struct props *p, const struct conf_ops *o, char **cause)
{
	const struct prop_entry	*pe;
	char			**keys = NULL;
	size_t			 i, j, nkeys = 0, removed;
	int			 rc = -1;

	for (i = 0; i < o->n; i++) {
		if (o->v[i].kind == OPT_UNSET) {
			if (props_unset(p, o->v[i].key, &removed, cause) != 0)
				goto out;
		} else if (props_set(p, o->v[i].key, o->v[i].value,
		    cause) != 0)
			goto out;
	}
	if (o->dedup) {
		/* Every key that occurs more than once (relaxed names). */
		for (i = 0; i < props_count(p); i++) {
			pe = props_entry(p, i);
			if (pe->key_len == 0 || memchr(pe->key, '\0',
			    pe->key_len) != NULL)
				continue;
			for (j = 0; j < nkeys; j++)
				if (strcmp(keys[j], pe->canon) == 0)
					break;
			if (j < nkeys)
				continue;
			keys = xreallocarray(keys, nkeys + 1, sizeof *keys);
			keys[nkeys++] = xstrdup(pe->canon);
		}
		for (j = 0; j < nkeys; j++)
			if (props_dedup(p, keys[j], &removed, cause) != 0)
				goto out;
	}
	rc = 0;
out:
	for (j = 0; j < nkeys; j++)
		free(keys[j]);
	free(keys);
	return (rc);
}

/* sw_commit's verifier: the new bytes read back hold every edit. */
static int
conf_verify(const unsigned char *buf, size_t len, void *arg, char **cause)
{
	const struct conf_ops	*o = arg;
	const struct prop_entry	**list = NULL;
	struct props		*p = NULL;
	size_t			 i, j, n, k;
	int			 rc = -1;
	bool			 later;

	if (props_parse(buf, len, "new application.properties", &p,
	    cause) != 0)
		return (-1);
	for (i = 0; i < o->n; i++) {
		/* Only the last edit of a key counts. */
		later = false;
		for (j = i + 1; j < o->n && !later; j++) {
			char	*a = props_canon_key(o->v[i].key);
			char	*b = props_canon_key(o->v[j].key);

			later = strcmp(a, b) == 0;
			free(a);
			free(b);
		}
		if (later)
			continue;
		n = props_find_all(p, o->v[i].key, &list);
		if (o->v[i].kind == OPT_UNSET && n != 0) {
			cause_set(cause, "%s is still set after the edit",
			    o->v[i].key);
			goto out;
		}
		if (o->v[i].kind != OPT_UNSET && (n == 0 ||
		    strcmp(list[n - 1]->value, o->v[i].value) != 0)) {
			cause_set(cause, "%s does not read back as written",
			    o->v[i].key);
			goto out;
		}
		free(list);
		list = NULL;
	}
	if (o->dedup) {
		for (k = 0; k < props_count(p); k++) {
			n = props_find_all(p, props_entry(p, k)->key, &list);
			free(list);
			list = NULL;
			if (n > 1 && props_entry(p, k)->key_len > 0) {
				cause_set(cause, "%s is still duplicated",
				    props_entry(p, k)->key);
				goto out;
			}
		}
	}
	rc = 0;
out:
	free(list);
	props_free(p);
	return (rc);
}

/* ------------------------------------------------------------------ */
/* The diff */

struct conf_lines {
	const char	**s;		/* start of each line */
	size_t		 *len;		/* without its line end */
	bool		 *mask;		/* a password's line */
	char		**show;		/* what to print when masked */
	size_t		  n;
};

/* Split buf into lines and mark those holding passwords. */
static void
conf_lines_init(struct conf_lines *l, const unsigned char *buf, size_t len,
    const struct props *p)
{
	const struct prop_entry	*pe;
	size_t			 i, start = 0, e;
	int			 ln;

	memset(l, 0, sizeof *l);
	for (i = 0; i <= len; i++) {
		if (i < len && buf[i] != '\n' && buf[i] != '\r')
			continue;
		if (i == len && start == len)
			break;
		l->s = xreallocarray(l->s, l->n + 1, sizeof *l->s);
		l->len = xreallocarray(l->len, l->n + 1, sizeof *l->len);
		l->s[l->n] = (const char *)buf + start;
		l->len[l->n] = i - start;
		l->n++;
		if (i + 1 < len && buf[i] == '\r' && buf[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	l->mask = xcalloc(l->n + 1, sizeof *l->mask);
	l->show = xcalloc(l->n + 1, sizeof *l->show);
	for (e = 0; p != NULL && e < props_count(p); e++) {
		pe = props_entry(p, e);
		if (!conf_secret_key(pe->key))
			continue;
		for (ln = pe->line; ln <= pe->last_line && ln >= 1 &&
		    (size_t)ln <= l->n; ln++) {
			l->mask[ln - 1] = true;
			if (ln == pe->line)
				xasprintf(&l->show[ln - 1], "%s=********",
				    pe->key);
			else
				l->show[ln - 1] = xstrdup("    ********");
		}
	}
}

/* Free what conf_lines_init made. */
static void
conf_lines_done(struct conf_lines *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->show[i]);
	free(l->show);
	free(l->mask);
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

/* Print one line of the diff with its mark, control bytes made visible. */
static void
conf_print_line(FILE *f, char mark, const struct conf_lines *l, size_t i)
{
	size_t		k;
	unsigned char	c;

	fputc(mark, f);
	if (l->mask[i]) {
		fprintf(f, "%s\n", l->show[i]);
		return;
	}
	for (k = 0; k < l->len[i]; k++) {
		c = (unsigned char)l->s[i][k];
		if (c < 0x20 && c != '\t')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('\n', f);
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
	char	*ops;

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

	fprintf(f, "--- %s\n+++ %s (new)\n", name, name);
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

/* Split "K=V" (the first '='). */
static int
conf_split(const struct cmd_entry *ce, const char *opt, const char *arg,
    char **k, char **v)
{
	const char	*eq = strchr(arg, '=');

	if (eq == NULL || eq == arg) {
		cli_usage(ce, "%s wants KEY=VALUE: %s", opt, arg);
		return (-1);
	}
	*k = xstrndup(arg, eq - arg);
	*v = xstrdup(eq + 1);
	if (!conf_key_ok(*k)) {
		cli_usage(ce, "%s: not a property name: %s", opt, *k);
		free(*k);
		free(*v);
		return (-1);
	}
	return (0);
}

/* A one-line description for the backup manifest (keys, no values). */
static char *
conf_describe(const struct conf_ops *o)
{
	char	*d = NULL, *t;
	size_t	 i;

	for (i = 0; i < o->n; i++) {
		xasprintf(&t, "%s%s%s %s", d != NULL ? d : "", d != NULL ?
		    ", " : "", o->v[i].kind == OPT_UNSET ? "unset" : "set",
		    o->v[i].key);
		free(d);
		d = t;
	}
	if (o->dedup) {
		xasprintf(&t, "%s%sdedup", d != NULL ? d : "", d != NULL ?
		    ", " : "");
		free(d);
		d = t;
	}
	return (d);
}

/* tlsdeck configure */
static int
cmd_configure_exec(int argc, char **argv)
{
	const struct cmd_entry	*ce = &cmd_configure_entry;
	struct global_opts	 g;
	struct server_opts	 so;
	struct conf_ops		 o;
	struct conf_op		*op;
	struct sw_file		*sw = NULL;
	struct props		*old = NULL, *p = NULL;
	struct conf_lines	 la, lb;
	struct sw_meta		 meta;
	const unsigned char	*cur;
	unsigned char		*out = NULL;
	const char		*env;
	char			*cause = NULL, *path = NULL, *how = NULL;
	char			*k, *v, *desc = NULL;
	size_t			 curlen, outlen = 0;
	int			 ch, flags = 0, rc = EXIT_FAIL;
	bool			 dry = false, lines = false;

	memset(&g, 0, sizeof g);
	memset(&o, 0, sizeof o);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "n", configure_options,
	    NULL)) != -1) {
		if (cli_global_option(ch, optarg, &g, &flags))
			continue;
		switch (ch) {
		case OPT_SET:
		case OPT_SET_ENV:
			if (conf_split(ce, ch == OPT_SET ? "--set" :
			    "--set-env", optarg, &k, &v) != 0) {
				rc = EXIT_USAGE;
				goto out;
			}
			if (ch == OPT_SET && conf_secret_key(k)) {
				OPENSSL_cleanse(v, strlen(v));
				rc = cli_usage(ce, "refusing %s on the command "
				    "line (anyone can read it with ps): put "
				    "it in an environment variable and use "
				    "--set-env %s=VAR", k, k);
				free(k);
				free(v);
				goto out;
			}
			if (ch == OPT_SET_ENV) {
				if ((env = getenv(v)) == NULL) {
					cli_error("--set-env %s: environment "
					    "variable %s is not set", k, v);
					free(k);
					free(v);
					goto out;
				}
				free(v);
				v = xstrdup(env);
			}
			o.v = xreallocarray(o.v, o.n + 1, sizeof *o.v);
			op = &o.v[o.n++];
			op->kind = ch;
			op->key = k;
			op->value = v;
			op->secret = conf_secret_key(k);
			break;
		case OPT_UNSET:
			if (!conf_key_ok(optarg)) {
				rc = cli_usage(ce, "--unset: not a property "
				    "name: %s", optarg);
				goto out;
			}
			o.v = xreallocarray(o.v, o.n + 1, sizeof *o.v);
			op = &o.v[o.n++];
			memset(op, 0, sizeof *op);
			op->kind = OPT_UNSET;
			op->key = xstrdup(optarg);
			break;
		case OPT_DEDUP:
			o.dedup = true;
			break;
		case 'n':
		case OPT_DRY_RUN:
			dry = true;
			break;
		case OPT_HELP:
			cli_help(ce, stdout);
			rc = EXIT_OK;
			goto out;
		default:
			rc = cli_usage(ce, "unknown or incomplete option: %s",
			    argv[optind - 1]);
			goto out;
		}
	}
	if (optind != argc) {
		rc = cli_usage(ce, "unexpected argument: %s", argv[optind]);
		goto out;
	}
	if (o.n == 0 && !o.dedup) {
		rc = cli_usage(ce, "nothing to do: give --set, --set-env, "
		    "--unset or --dedup");
		goto out;
	}
	switch (cli_server_opts(&g, flags, &so, NULL, &cause)) {
	case -2:
		rc = cli_usage(ce, "%s", cause);
		goto out;
	case -1:
		cli_error("%s", cause);
		goto out;
	}
	if (server_find_properties(&so, &path, &how, &cause) != 0 ||
	    sw_open(path, 0, &sw, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	sw_content(sw, &cur, &curlen);
	if (props_parse(cur, curlen, path, &old, &cause) != 0 ||
	    props_parse(cur, curlen, path, &p, &cause) != 0 ||
	    conf_apply(p, &o, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	props_serialize(p, &out, &outlen);
	if (outlen == curlen && memcmp(out, cur, curlen) == 0) {
		printf("%s: nothing to change\n", path);
		rc = EXIT_OK;
		goto out;
	}
	conf_lines_init(&la, cur, curlen, old);
	conf_lines_init(&lb, out, outlen, p);
	lines = true;
	conf_diff(stdout, path, &la, &lb);
	if (dry) {
		printf("(dry run: %s not changed)\n", path);
		rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
		goto out;
	}
	fflush(stdout);
	desc = conf_describe(&o);
	memset(&meta, 0, sizeof meta);
	meta.command = "configure";
	meta.description = desc;
	if (sw_commit(sw, out, outlen, conf_verify, &o, &meta, &cause) != 0) {
		cli_error("%s", cause);
		goto out;
	}
	printf("wrote %s", sw_path(sw));
	if (sw_backup_id(sw) != 0)
		printf(" (backup %u: tlsdeck restore %u)", sw_backup_id(sw),
		    sw_backup_id(sw));
	printf("\nrestart the server for the change to take effect\n");
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	if (lines) {
		conf_lines_done(&la);
		conf_lines_done(&lb);
	}
	if (out != NULL) {
		OPENSSL_cleanse(out, outlen);
		free(out);
	}
	props_free(old);
	props_free(p);
	sw_close(sw);
	conf_ops_free(&o);
	free(desc);
	free(path);
	free(how);
	free(cause);
	return (rc);
}

const struct cmd_entry cmd_configure_entry = {
	"configure", CLI_GLOBAL_USAGE " --set KEY=VALUE... [--set-env "
	"KEY=VAR] [--unset KEY] [--dedup] [--dry-run]",
	"Edit application.properties (everything else kept byte for byte): "
	"shows the diff, then writes it with a backup.  Passwords only "
	"through --set-env.", cmd_configure_exec
};

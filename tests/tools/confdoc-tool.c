/* SPDX-License-Identifier: ISC */
/*
 * confdoc-tool.c -- a test-only driver for the configuration documents
 * (core/yamldoc.c, xmldoc.c, inidoc.c, obf.c), for the shell tests and by
 * hand:
 *   confdoc-tool yaml FILE                 flattened entries
 *   confdoc-tool yaml-set FILE DOC KEY VALUE   edited file on stdout
 *   confdoc-tool yaml-unset FILE DOC KEY
 *   confdoc-tool xml FILE                  elements and attributes
 *   confdoc-tool xml-set FILE INDEX NAME VALUE
 *   confdoc-tool xml-insert FILE INDEX TEXT
 *   confdoc-tool ini FILE                  entries and modules
 *   confdoc-tool ini-set FILE KEY VALUE / ini-unset FILE KEY
 *   confdoc-tool obf-encode PASSWORD / obf-decode OBF
 * A failure prints its cause on stderr and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

static int
fail(char *cause)
{
	fprintf(stderr, "%s\n", cause != NULL ? cause : "failed");
	free(cause);
	return (1);
}

static void
out(const unsigned char *b, size_t n)
{
	fwrite(b, 1, n, stdout);
}

/* A value with control characters shown as \xNN. */
static void
show(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == '\\')
			printf("\\x%02x", (unsigned char)s[i]);
		else
			putchar(s[i]);
	}
}

static int
yaml(int argc, char **argv)
{
	struct yamldoc			*d;
	const struct yamldoc_entry	*e;
	unsigned char			*b;
	char				*cause = NULL;
	size_t				 i, n;

	if (yamldoc_load(argv[2], &d, &cause) != 0)
		return (fail(cause));
	if (strcmp(argv[1], "yaml") == 0) {
		for (i = 0; i < yamldoc_count(d); i++) {
			e = yamldoc_entry(d, i);
			printf("%d %s=", e->doc, e->key);
			show(e->value, e->value_len);
			printf("\t[line %d col %d style %d flags 0x%x "
			    "profile %s span %zu+%zu]\n", e->line, e->column,
			    e->style, e->flags, e->profile != NULL ?
			    e->profile : "-", e->off, e->len);
		}
	} else if (strcmp(argv[1], "yaml-set") == 0 && argc == 6) {
		if (yamldoc_set(d, atoi(argv[3]), argv[4], argv[5],
		    &cause) != 0) {
			yamldoc_free(d);
			return (fail(cause));
		}
	} else if (strcmp(argv[1], "yaml-unset") == 0 && argc == 5) {
		if (yamldoc_unset(d, atoi(argv[3]), argv[4], NULL,
		    &cause) != 0) {
			yamldoc_free(d);
			return (fail(cause));
		}
	} else {
		yamldoc_free(d);
		return (fail(NULL));
	}
	if (strcmp(argv[1], "yaml") != 0) {
		yamldoc_serialize(d, &b, &n);
		out(b, n);
		free(b);
	}
	yamldoc_free(d);
	return (0);
}

static int
xml(int argc, char **argv)
{
	struct xmldoc			*d;
	const struct xmldoc_elem	*e;
	unsigned char			*b;
	char				*cause = NULL;
	size_t				 i, j, n;

	if (xmldoc_load(argv[2], &d, &cause) != 0)
		return (fail(cause));
	if (strcmp(argv[1], "xml") == 0) {
		if (xmldoc_warning(d) != NULL)
			printf("warning: %s\n", xmldoc_warning(d));
		for (i = 0; i < xmldoc_count(d); i++) {
			e = xmldoc_elem(d, i);
			printf("%zu %*s<%s> line %d span %zu+%zu end %zu\n",
			    i, e->depth * 2, "", e->name, e->line, e->off,
			    e->len, e->end);
			for (j = 0; j < e->nattrs; j++) {
				printf("%*s  @%s=", e->depth * 2, "",
				    e->attrs[j].name);
				show(e->attrs[j].value,
				    strlen(e->attrs[j].value));
				printf(" [%c line %d]\n", e->attrs[j].quote,
				    e->attrs[j].line);
			}
		}
		xmldoc_free(d);
		return (0);
	}
	if (strcmp(argv[1], "xml-set") == 0 && argc == 6)
		i = xmldoc_set_attr(d, strtoul(argv[3], NULL, 10), argv[4],
		    argv[5], &cause);
	else if (strcmp(argv[1], "xml-remove") == 0 && argc == 5)
		i = xmldoc_remove_attr(d, strtoul(argv[3], NULL, 10), argv[4],
		    &cause);
	else if (strcmp(argv[1], "xml-insert") == 0 && argc == 5)
		i = xmldoc_insert_element_after(d, strtoul(argv[3], NULL, 10),
		    argv[4], &cause);
	else
		i = 1;
	if (i != 0) {
		xmldoc_free(d);
		return (fail(cause));
	}
	xmldoc_serialize(d, &b, &n);
	out(b, n);
	free(b);
	xmldoc_free(d);
	return (0);
}

static int
ini(int argc, char **argv)
{
	struct inidoc			*d;
	const struct inidoc_entry	*e;
	const char			**mods;
	unsigned char			*b;
	char				*cause = NULL;
	size_t				 i, n;
	int				 rc = 0;

	if (inidoc_load(argv[2], &d, &cause) != 0)
		return (fail(cause));
	if (strcmp(argv[1], "ini") == 0) {
		for (i = 0; i < inidoc_count(d); i++) {
			e = inidoc_entry(d, i);
			printf("%d kind %d op %c%s [%s]=[%s]\n", e->line,
			    e->kind, e->op, e->spaced ? " spaced" : "",
			    e->key, e->value);
		}
		n = inidoc_modules(d, &mods);
		for (i = 0; i < n; i++)
			printf("module %s\n", mods[i]);
		free(mods);
		inidoc_free(d);
		return (0);
	}
	if (strcmp(argv[1], "ini-set") == 0 && argc == 5)
		rc = inidoc_set(d, argv[3], argv[4], &cause);
	else if (strcmp(argv[1], "ini-unset") == 0 && argc == 4)
		rc = inidoc_unset(d, argv[3], NULL, &cause);
	else if (strcmp(argv[1], "ini-module") == 0 && argc == 4)
		rc = inidoc_add_module(d, argv[3], &cause);
	else
		rc = -1;
	if (rc != 0) {
		inidoc_free(d);
		return (fail(cause));
	}
	inidoc_serialize(d, &b, &n);
	out(b, n);
	free(b);
	inidoc_free(d);
	return (0);
}

int
main(int argc, char **argv)
{
	struct secret	*s, *o;
	char		*cause = NULL;

	if (argc < 3)
		return (fail(NULL));
	if (strncmp(argv[1], "yaml", 4) == 0)
		return (yaml(argc, argv));
	if (strncmp(argv[1], "xml", 3) == 0)
		return (xml(argc, argv));
	if (strncmp(argv[1], "ini", 3) == 0)
		return (ini(argc, argv));
	if (strcmp(argv[1], "obf-encode") == 0) {
		s = secret_from_str(argv[2]);
		o = obf_encode(s);
		printf("%s\n", o->buf);
		secret_free(s);
		secret_free(o);
		return (0);
	}
	if (strcmp(argv[1], "obf-decode") == 0) {
		if (obf_decode(argv[2], &s, &cause) != 0)
			return (fail(cause));
		printf("%s\n", s->buf);
		secret_free(s);
		return (0);
	}
	return (fail(NULL));
}

/* SPDX-License-Identifier: ISC */
/*
 * kind-spring.c -- the Spring Boot kind (Actian Integration Manager is
 * one): where Spring Boot takes its settings from and what its web
 * server loads (docs/server-model.md).
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* Neutral names to Spring's. */
static const char *const spring_names[][2] = {
	{ "port", "server.port" },
	{ "key-store", "server.ssl.key-store" },
	{ "key-store-password", "server.ssl.key-store-password" },
	{ "key-store-type", "server.ssl.key-store-type" },
	{ "key-alias", "server.ssl.key-alias" },
	{ "key-password", "server.ssl.key-password" },
	{ NULL, NULL }
};

const struct server_kind server_kind_spring = {
	.name = "spring",
	.title = "Spring Boot",
	.names = spring_names,
};

const struct server_kind *const server_kinds[] = {
	&server_kind_spring,
	NULL
};

const char *
server_kind_native(const struct server_kind *k, const char *name)
{
	size_t	i;

	for (i = 0; k->names != NULL && k->names[i][0] != NULL; i++)
		if (strcmp(k->names[i][0], name) == 0)
			return (k->names[i][1]);
	return (name);
}

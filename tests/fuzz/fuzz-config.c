/* SPDX-License-Identifier: ISC */
/*
 * fuzz-config.c -- tlsdeck's config.yaml (libcyaml, strict) on arbitrary
 * bytes; the same bytes as an im.base-url and a release JAVA_VERSION.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlsdeck_config	 c;
	char			*cause = NULL, *s, *scheme, *host;
	int			 port, major, update;

	memset(&c, 0, sizeof c);
	c.warn_days = c.crit_days = c.warn_percent = c.crit_percent = -1;
	if (config_parse(data, size, "fuzz.yaml", &c, &cause) == 0) {
		if (cause != NULL)
			abort();
		if (c.warn_days > 36500 || c.crit_days > 36500 ||
		    c.warn_percent > 100 || c.crit_percent > 100 ||
		    (c.warn_days >= 0 && c.crit_days > c.warn_days))
			abort();
	} else if (cause == NULL || strncmp(cause, "fuzz.yaml: ", 11) != 0)
		abort();
	free(cause);
	free(c.theme);
	free(c.properties);
	free(c.server);
	free(c.jre);
	free(c.cacerts);
	free(c.files);

	s = xstrndup((const char *)data, size);
	if (audit_parse_url(s, &scheme, &host, &port)) {
		if (scheme == NULL || host == NULL || *host == '\0' ||
		    port < -1 || port > 65535)
			abort();
		free(scheme);
		free(host);
	} else if (scheme != NULL || host != NULL)
		abort();
	if (jre_parse_version(s, &major, &update) && major <= 0)
		abort();
	(void)jre_reads_new_pkcs12(major, update);
	free(s);
	return (0);
}

/* SPDX-License-Identifier: ISC */
/*
 * fuzz-jar.c -- core/jar.c on arbitrary bytes: an entry of a jar (ZIP)
 * file is read, bounded, or refused with one line naming the jar; never
 * a crash, and never more than max bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	*names[] = {
	    "org/apache/catalina/util/ServerInfo.properties",
	    "META-INF/MANIFEST.MF", "a", "" };
	unsigned char		*out;
	size_t			 len, i, max;
	char			*cause;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		cause = NULL;
		max = i == 2 ? 16 : 65536;
		if (jar_read_mem(data, size, "fuzz.jar", names[i], max, &out,
		    &len, &cause) != 0) {
			if (out != NULL || cause == NULL ||
			    strncmp(cause, "fuzz.jar (", 10) != 0 ||
			    strchr(cause, '\n') != NULL)
				abort();
			free(cause);
			continue;
		}
		if (len > max || out == NULL || out[len] != '\0')
			abort();
		free(out);
	}
	return (0);
}

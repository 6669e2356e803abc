/* SPDX-License-Identifier: ISC */
/*
 * fuzz-report.c -- a host's status report (core/report.c, jansson) on
 * arbitrary bytes.  Every input gives a host: either with an error that
 * names its source, or a summary whose lists are consistent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct host_report	*h;
	size_t			 i;

	h = report_parse((const char *)data, size, "host.json", "r.json");
	if (h == NULL || h->name == NULL || h->source == NULL)
		abort();
	if (h->error != NULL) {
		if (strncmp(h->error, "r.json: ", 8) != 0)
			abort();
	} else {
		if (h->type == NULL)
			abort();
		if (h->ncrit + h->nwarn + h->ninfo > h->nfindings)
			abort();
		for (i = 1; i < h->ncerts; i++)
			if (h->certs[i - 1].not_after > h->certs[i].not_after)
				abort();
		for (i = 1; i < h->nfindings; i++)
			if (h->findings[i - 1].sev < h->findings[i].sev)
				abort();
		if (h->nearest != INT64_MAX && h->nearest_what == NULL)
			abort();
		(void)report_stale(h, 0, 24);
	}
	host_report_free(h);
	return (0);
}

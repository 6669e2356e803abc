/* SPDX-License-Identifier: ISC */
/*
 * fuzz-txn.c -- the transaction journal (txn.c) on arbitrary bytes: a
 * journal left by a killed tlsdeck is read back by the next one, which
 * puts files back by what it says.  What parses must write back to text
 * that parses to the same records.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct txn_journal	 j, j2;
	unsigned char		*text = NULL;
	size_t			 tlen = 0, i;
	char			*cause = NULL;

	if (txn_journal_parse("j.txn", data, size, &j, &cause) != 0) {
		if (cause == NULL || strncmp(cause, "j.txn: ", 7) != 0)
			abort();
		free(cause);
		return (0);
	}
	if (cause != NULL || j.pid <= 0 || j.time == NULL ||
	    j.command == NULL)
		abort();
	for (i = 0; i < j.nwrites; i++)
		if (j.writes[i].path[0] != '/' ||
		    strlen(j.writes[i].sha) != 64 ||
		    (!j.writes[i].created && strlen(j.writes[i].prev) != 64) ||
		    (j.writes[i].created && j.writes[i].backup_id != 0))
			abort();
	txn_journal_text(&j, &text, &tlen);
	if (txn_journal_parse("j.txn", text, tlen, &j2, &cause) != 0)
		abort();
	if (j2.pid != j.pid || j2.start != j.start ||
	    strcmp(j2.time, j.time) != 0 ||
	    strcmp(j2.command, j.command) != 0 || j2.nwrites != j.nwrites)
		abort();
	for (i = 0; i < j.nwrites; i++)
		if (strcmp(j.writes[i].path, j2.writes[i].path) != 0 ||
		    strcmp(j.writes[i].sha, j2.writes[i].sha) != 0 ||
		    strcmp(j.writes[i].prev, j2.writes[i].prev) != 0 ||
		    j.writes[i].created != j2.writes[i].created ||
		    j.writes[i].backup_id != j2.writes[i].backup_id)
			abort();
	free(text);
	txn_journal_done(&j);
	txn_journal_done(&j2);
	return (0);
}

/* SPDX-License-Identifier: ISC */
/*
 * replay-main.c -- run a libFuzzer target's LLVMFuzzerTestOneInput over
 * files given on the command line, without libFuzzer (so CI replays every
 * corpus with the ordinary compiler, and under ASan with --enable-asan).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
main(int argc, char **argv)
{
	unsigned char	*buf;
	size_t		 len;
	char		*cause = NULL;
	int		 i, n = 0;

	for (i = 1; i < argc; i++) {
		if (file_read(argv[i], &buf, &len, &cause) != 0) {
			fprintf(stderr, "%s\n", cause);
			free(cause);
			return (1);
		}
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		n++;
	}
	printf("replayed %d inputs\n", n);
	return (0);
}

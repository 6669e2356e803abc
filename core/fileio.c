/* SPDX-License-Identifier: ISC */
/* fileio.c -- bounded file reads. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"

/* Read a whole regular file into a malloc'd buffer (NUL-terminated). */
int
file_read(const char *path, unsigned char **bufp, size_t *lenp, char **cause)
{
	struct stat	 st;
	unsigned char	*buf = NULL;
	size_t		 off = 0, cap;
	ssize_t		 n;
	int		 fd, saved;

	*bufp = NULL;
	*lenp = 0;
	/*
	 * O_NONBLOCK: opening a FIFO nobody writes to must not hang.  Reads
	 * block again after the open, so a pipe (--storepass-file /dev/fd/N)
	 * is read in full, and a writerless FIFO reads as empty.
	 */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1) {
		cause_set(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == -1) {
		saved = errno;
		cause_set(cause, "%s: %s", path, strerror(saved));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		cause_set(cause, "%s: is a directory, not a file", path);
		errno = EISDIR;
		goto fail;
	}
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) &&
	    !S_ISCHR(st.st_mode)) {
		cause_set(cause, "%s: not a regular file", path);
		errno = EINVAL;
		goto fail;
	}
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size >
	    FILE_MAX_SIZE) {
		cause_set(cause, "%s: file too large (%lld bytes)", path,
		    (long long)st.st_size);
		errno = EFBIG;
		goto fail;
	}
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
	buf = xmalloc(cap);
	for (;;) {
		if (off + 1 >= cap) {
			if (cap >= FILE_MAX_SIZE) {
				cause_set(cause, "%s: file too large", path);
				errno = EFBIG;
				goto fail;
			}
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		n = read(fd, buf + off, cap - off - 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			cause_set(cause, "%s: %s", path, strerror(saved));
			errno = saved;
			goto fail;
		}
		if (n == 0)
			break;
		off += n;
	}
	buf[off] = '\0';
	close(fd);
	*bufp = buf;
	*lenp = off;
	return (0);
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return (-1);
}

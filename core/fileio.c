/* SPDX-License-Identifier: ISC */
/* fileio.c -- bounded file reads. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"

#define FILE_HUGE	(2UL * 1024 * 1024)

/*
 * A buffer for len bytes of a file, free()-able.  A large one is aligned
 * to 2 MB, rounded up to a multiple of it and advised to transparent huge
 * pages: a 10 MB truststore then faults in five 2 MB pages instead of
 * 2,700 4 kB ones, which on a virtual machine is most of the cost of
 * reading it.  The advice is a hint; its failure is harmless.
 */
static unsigned char *
file_alloc(size_t len)
{
	void	*p;
	size_t	 n;

	if (len < 2 * FILE_HUGE)
		return (xmalloc(len));
	n = (len + FILE_HUGE - 1) & ~(FILE_HUGE - 1);
	if (posix_memalign(&p, FILE_HUGE, n) != 0)
		return (xmalloc(len));
#ifdef MADV_HUGEPAGE
	(void)madvise(p, n, MADV_HUGEPAGE);
#endif
	return (p);
}

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
	/* A regular file: its size, a byte to see the end, and the NUL. */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 2 : 65536;
	buf = file_alloc(cap);
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

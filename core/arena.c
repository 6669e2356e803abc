/* SPDX-License-Identifier: ISC */
/*
 * arena.c -- a bump allocator for the many small objects of a loaded
 * keystore (entries, certificates, their strings), freed all at once with
 * the keystore.
 *
 * Listing 10,000 certificates made some 60,000 small allocations; the heap
 * they grew faulted in one 4 kB page at a time, and on a virtual machine a
 * page fault costs microseconds: that was a fifth of the listing.  The
 * first chunk is sized from a hint (a keystore's entries take about half
 * its file size); later chunks double up to 2 MB.  Chunks of 2 MB and more
 * are aligned and advised to transparent huge pages, so 10,000 entries
 * fault a handful of pages.  Pages never touched cost nothing, so the hint
 * may be generous.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core.h"

#define ARENA_FIRST	(16UL * 1024)
#define ARENA_HUGE	(2UL * 1024 * 1024)
#define ARENA_ALIGN	16

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 size;	/* usable bytes after the header */
	size_t			 used;
};

struct arena {
	struct arena_chunk	*head;	/* the chunk being filled */
	size_t			 next;	/* size of the next chunk */
};

#define ARENA_HDR	((sizeof (struct arena_chunk) + ARENA_ALIGN - 1) & \
			    ~(ARENA_ALIGN - 1))

static void	arena_grow(struct arena *, size_t);

struct arena *
arena_new(size_t hint)
{
	struct arena	*a;

	a = xcalloc(1, sizeof *a);
	a->next = ARENA_FIRST;
	if (hint > ARENA_FIRST)
		arena_grow(a, hint);
	return (a);
}

/* A new chunk with room for at least n bytes. */
static void
arena_grow(struct arena *a, size_t n)
{
	struct arena_chunk	*c;
	size_t			 size = a->next;
	void			*p;

	if (n > SIZE_MAX - ARENA_HDR - ARENA_HUGE)
		fatalx("out of memory (%zu bytes)", n);
	while (size < ARENA_HDR + n)
		size = size < ARENA_HUGE ? size * 2 :
		    (ARENA_HDR + n + ARENA_HUGE - 1) & ~(ARENA_HUGE - 1);
	if (size > ARENA_HUGE)
		size = (size + ARENA_HUGE - 1) & ~(ARENA_HUGE - 1);
	if (size >= ARENA_HUGE &&
	    posix_memalign(&p, ARENA_HUGE, size) == 0) {
#ifdef MADV_HUGEPAGE
		/* a hint; its failure is harmless */
		(void)madvise(p, size, MADV_HUGEPAGE);
#endif
	} else
		p = xmalloc(size);
	c = p;
	c->next = a->head;
	c->size = size - ARENA_HDR;
	c->used = 0;
	a->head = c;
	a->next = size < ARENA_HUGE ? size * 2 : ARENA_HUGE;
}

/* n bytes, 16-byte aligned, not zeroed; never NULL. */
void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk	*c;
	void			*p;

	n = n == 0 ? ARENA_ALIGN : n;
	if (n > SIZE_MAX - ARENA_ALIGN)
		fatalx("out of memory (%zu bytes)", n);
	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if ((c = a->head) == NULL || c->size - c->used < n) {
		arena_grow(a, n);
		c = a->head;
	}
	p = (char *)c + ARENA_HDR + c->used;
	c->used += n;
	return (p);
}

/* n zeroed bytes. */
void *
arena_calloc(struct arena *a, size_t n)
{
	return (memset(arena_alloc(a, n), 0, n));
}

/* A NUL-terminated copy of len bytes. */
char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	char	*d;

	if (len == SIZE_MAX)
		fatalx("out of memory (%zu bytes)", len);
	d = arena_alloc(a, len + 1);
	memcpy(d, s, len);
	d[len] = '\0';
	return (d);
}

/* Forget every allocation, keeping the newest chunk for the next ones
 * (a scratch arena reused entry after entry faults no new pages). */
void
arena_reset(struct arena *a)
{
	struct arena_chunk	*c, *next;

	if (a->head == NULL)
		return;
	for (c = a->head->next; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head->next = NULL;
	a->head->used = 0;
}

/* Free every chunk (NULL is fine). */
void
arena_free(struct arena *a)
{
	struct arena_chunk	*c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

/* SPDX-License-Identifier: ISC */
/*
 * kslist.c -- listing a JKS or JCEKS keystore without keeping it.
 *
 * keystore_load keeps the whole file (its certificates point into it) and
 * every entry until the listing is printed: 25 MB for a 10,000-entry
 * truststore of 11 MB.  Here the file is read in chunks of whole entries.
 * The thread that reads a chunk also feeds it to the keyed digest (in file
 * order: one reader at a time); then either thread parses the chunk's
 * entries, fingerprints their certificates, writes their text through the
 * caller's function into its own output region, and gives the chunk back.
 * What stays is the text (about half the file) and, in an index apart,
 * each entry's alias and number.  Nothing is shown before the digest
 * matched and every entry parsed: the texts are sorted and handed over
 * only then.
 *
 * For a file of 4 MB or more, the memory that grows is in huge pages
 * (chunks and text regions): on a virtual machine a 4 kB page fault costs
 * microseconds, and 6 MB of text in 4 kB pages faulted 1,500 times.  The
 * index, and a smaller file's text, are in 4 kB pages, faulted in at once
 * by the mmap that makes them.  Anything unusual gives up (-1, no
 * message): the caller loads the file with keystore_load, which reports
 * whatever is wrong the usual way.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core.h"

#define KL_CHUNK	(128UL * 1024)	/* bytes read at a time */
#define KL_SLOTS	16		/* chunk buffers in the pool */
#define KL_QUEUE	4		/* chunks read ahead of the parsing */
#define KL_THREAD_MIN	(512UL * 1024)	/* files this large: two threads */
#define KL_HUGE_MIN	(4UL * 1024 * 1024) /* and this large: huge pages */
#define KL_HUGE		(2UL * 1024 * 1024)
#define KL_PAGE		4096UL
#define KL_ALIGN(n)	(((n) + 7) & ~(size_t)7)

/*
 * A growing region of huge pages, or (small) of 4 kB pages faulted in at
 * once when it is made; offsets stay valid when it moves.
 */
struct kl_out {
	char	*base;
	size_t	 len;
	size_t	 cap;
	bool	 small;
};

/* A chunk of the file: whole entries (the first one also the header). */
struct kl_chunk {
	struct kl_chunk	*next;
	unsigned char	*buf;
	size_t		 cap;
	size_t		 len;
	bool		 slot;		/* buf is a slot of the pool */
	uint32_t	 first;		/* number of its first entry, 1-based */
	uint32_t	 n;		/* entries: [ent[i], ent[i + 1]) */
	size_t		*ent;
	size_t		 aent;
};

/* What stays of an entry, in a worker's index; alias bytes follow. */
struct kl_item {
	uint32_t	 n;		/* its number in the file, 1-based */
	uint32_t	 alias_len;
	uint32_t	 w;		/* the worker whose region has it */
	size_t		 text;		/* offset of its text in the worker's
					   text region */
	size_t		 text_len;
};

struct kl;

/*
 * A thread's share: its text region and the stream writing to it, the
 * index of its entries (apart from the texts: sorting and collecting them
 * reads a few hundred kB, not the texts' megabytes), a scratch keystore.
 */
struct kl_worker {
	struct kl	*kl;
	uint32_t	 id;
	struct kl_out	 out;
	struct kl_out	 idx;
	FILE		*f;
	struct keystore	*scratch;
	pthread_t	 th;
	bool		 started;
};

/* One listing. */
struct kl {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 fd;
	size_t			 chunk;
	size_t			 size;		/* fstat's, for sizing */
	ks_list_fn		 fn;
	void			*arg;

	/* The reader's (one thread at a time: reading). */
	struct jks_stream	 h;
	bool			 have_header;
	bool			 eof;
	uint32_t		 cut;		/* entries read */
	unsigned char		*pend;		/* read past the last whole
						   entry */
	size_t			 npend;
	size_t			 apend;
	EVP_MD_CTX		*md;
	unsigned char		 want[JKS_STREAM_DIGEST_LEN];

	/* Shared, under mu. */
	bool			 reading;
	bool			 read_done;
	bool			 failed;
	struct kl_chunk		*qhead;
	struct kl_chunk		*qtail;
	size_t			 nq;
	struct kl_chunk		*spare;		/* chunks to reuse */
	unsigned char		*slots;		/* KL_SLOTS * chunk bytes */
	size_t			 slots_len;
	size_t			 nslots;	/* slots handed out so far */

	struct kl_worker	 w[2];
	struct kl_item		**items;	/* by number, then sorted */
};

/* ------------------------------------------------------------------ */
/* Huge-page memory. */

/* len bytes, 2 MB aligned, advised to huge pages; NULL on failure. */
static void *
kl_map(size_t len)
{
	char	*p, *a;
	size_t	 head;

	p = mmap(NULL, len + KL_HUGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return (NULL);
	a = (char *)(((uintptr_t)p + KL_HUGE - 1) & ~(uintptr_t)(KL_HUGE - 1));
	head = (size_t)(a - p);
	if (head > 0)
		munmap(p, head);
	munmap(a + len, KL_HUGE - head);
#ifdef MADV_HUGEPAGE
	(void)madvise(a, len, MADV_HUGEPAGE);
#endif
	return (a);
}

/*
 * The pool of chunk buffers: a huge page; for a smaller file, 4 kB pages,
 * those the file's chunks can use faulted in at once (at most the chunks
 * queued, being read and being parsed are in use: spares are reused).
 */
static void
kl_slots_map(struct kl *kl)
{
	size_t	len = KL_SLOTS * kl->chunk, use;
	void	*p;

	if (kl->size >= KL_HUGE_MIN) {
		if ((kl->slots = kl_map(KL_HUGE)) != NULL)
			kl->slots_len = KL_HUGE;
		return;
	}
	len = (len + KL_PAGE - 1) & ~(KL_PAGE - 1);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	kl->slots = p;
	kl->slots_len = len;
#ifdef MADV_POPULATE_WRITE
	use = (KL_QUEUE + 3) * kl->chunk;
	if (use > kl->size + kl->chunk)
		use = kl->size + kl->chunk;
	if (use > len)
		use = len;
	(void)madvise(p, (use + KL_PAGE - 1) & ~(KL_PAGE - 1),
	    MADV_POPULATE_WRITE);
#else
	(void)use;
#endif
}

/* Room for n more bytes at the end of o; -1 when it cannot grow. */
static int
kl_out_room(struct kl_out *o, size_t n)
{
	size_t	 cap, align;
	void	*p;

	if (o->cap - o->len >= n)
		return (0);
	if (n > SIZE_MAX / 4 - o->len)
		return (-1);
	cap = o->cap * 2;
	if (cap < o->len + n)
		cap = o->len + n;
	align = o->small ? KL_PAGE : KL_HUGE;
	cap = (cap + align - 1) & ~(align - 1);
	if (o->base == NULL && o->small) {
		p = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		    MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			p = NULL;
	} else if (o->base == NULL)
		p = kl_map(cap);
	else {
		p = mremap(o->base, o->cap, cap, MREMAP_MAYMOVE);
		if (p == MAP_FAILED)
			p = NULL;
#ifdef MADV_HUGEPAGE
		else if (!o->small)
			(void)madvise(p, cap, MADV_HUGEPAGE);
#endif
	}
	if (p == NULL)
		return (-1);
	o->base = p;
	o->cap = cap;
	return (0);
}

/* The worker's stream writes here. */
static ssize_t
kl_out_write(void *cookie, const char *buf, size_t len)
{
	struct kl_out	*o = cookie;

	if (kl_out_room(o, len) != 0) {
		errno = ENOMEM;
		return (-1);
	}
	memcpy(o->base + o->len, buf, len);
	o->len += len;
	return ((ssize_t)len);
}

/* ------------------------------------------------------------------ */
/* Chunks. */

/* A chunk to read into (under mu). */
static struct kl_chunk *
kl_chunk_get(struct kl *kl)
{
	struct kl_chunk	*c;

	if ((c = kl->spare) != NULL) {
		kl->spare = c->next;
		c->next = NULL;
		return (c);
	}
	c = xcalloc(1, sizeof *c);
	if (kl->slots != NULL && kl->nslots < KL_SLOTS) {
		c->buf = kl->slots + kl->nslots++ * kl->chunk;
		c->slot = true;
	} else
		c->buf = xmalloc(kl->chunk);
	c->cap = kl->chunk;
	return (c);
}

/* Give a chunk back (under mu). */
static void
kl_chunk_put(struct kl *kl, struct kl_chunk *c)
{
	c->len = 0;
	c->n = 0;
	c->next = kl->spare;
	kl->spare = c;
}

static void
kl_chunk_free(struct kl_chunk *c)
{
	if (!c->slot)
		free(c->buf);
	free(c->ent);
	free(c);
}

/* Make room for len bytes in c, keeping what it holds. */
static void
kl_chunk_grow(struct kl_chunk *c, size_t len)
{
	unsigned char	*b;
	size_t		 cap = c->cap;

	while (cap < len)
		cap *= 2;
	if (cap == c->cap)
		return;
	if (c->slot) {
		/* a slot stays in the pool's region; this buffer is the
		 * chunk's own from now on */
		b = xmalloc(cap);
		memcpy(b, c->buf, c->len);
		c->buf = b;
		c->slot = false;
	} else
		c->buf = xreallocarray(c->buf, cap, 1);
	c->cap = cap;
}

/* Record that c's entries start at off (n = 0), or that one more ends at
 * off. */
static void
kl_chunk_mark(struct kl_chunk *c, size_t off, bool start)
{
	if (c->n + 2 > c->aent) {
		c->aent = c->aent == 0 ? 256 : c->aent * 2;
		c->ent = xreallocarray(c->ent, c->aent, sizeof *c->ent);
	}
	if (start) {
		c->n = 0;
		c->ent[0] = off;
	} else
		c->ent[++c->n] = off;
}

/* ------------------------------------------------------------------ */
/* Reading (one thread at a time). */

/* Read until c is full or the file ends; -1 on an error. */
static int
kl_fill(struct kl *kl, struct kl_chunk *c)
{
	ssize_t	n;

	while (c->len < c->cap && !kl->eof) {
		n = read(kl->fd, c->buf + c->len, c->cap - c->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (-1);
		if (n == 0)
			kl->eof = true;
		c->len += (size_t)n;
	}
	return (0);
}

/* After the last entry: the digest, exactly, and the end of the file. */
static int
kl_tail(struct kl *kl, const unsigned char *p, size_t len)
{
	unsigned char	extra;
	size_t		have = len;
	ssize_t		n;

	if (len > sizeof kl->want)
		return (-1);
	memcpy(kl->want, p, len);
	while (!kl->eof && have < sizeof kl->want) {
		n = read(kl->fd, kl->want + have, sizeof kl->want - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return (-1);
		have += (size_t)n;
	}
	if (have != sizeof kl->want)
		return (-1);
	while (!kl->eof) {
		n = read(kl->fd, &extra, 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n != 0)
			return (-1);
		kl->eof = true;
	}
	return (0);
}

/*
 * Read the next chunk into c: what was left over from the previous one,
 * then whole entries (at least one, the buffer grown if an entry is
 * larger); the bytes of the entries go to the digest.  -1 on anything
 * wrong.
 */
static int
kl_read(struct kl *kl, struct kl_chunk *c)
{
	size_t	off = 0, elen;
	int	r;

	c->first = kl->cut + 1;
	c->n = 0;
	c->len = 0;
	kl_chunk_grow(c, kl->npend);
	if (kl->npend > 0)
		memcpy(c->buf, kl->pend, kl->npend);
	c->len = kl->npend;
	kl->npend = 0;
	if (kl_fill(kl, c) != 0)
		return (-1);
	if (!kl->have_header) {
		if (jks_stream_header(c->buf, c->len, &kl->h) != 0)
			return (-1);
		kl->have_header = true;
		off = JKS_STREAM_HEADER_LEN;
	}
	kl_chunk_mark(c, off, true);
	for (;;) {
		while (kl->cut < kl->h.count) {
			r = jks_stream_skip(&kl->h, c->buf + off, c->len - off,
			    &elen);
			if (r < 0)
				return (-1);
			if (r == 0)
				break;
			off += elen;
			kl_chunk_mark(c, off, false);
			kl->cut++;
		}
		if (c->n > 0 || kl->cut == kl->h.count)
			break;
		/* not one whole entry: a larger buffer, unless it ended */
		if (kl->eof)
			return (-1);
		kl_chunk_grow(c, c->cap * 2);
		if (kl_fill(kl, c) != 0)
			return (-1);
	}
	if (kl->cut == kl->h.count) {
		if (kl_tail(kl, c->buf + off, c->len - off) != 0)
			return (-1);
		kl->read_done = true;
	} else {
		if (c->len - off > kl->apend) {
			kl->apend = c->len - off;
			kl->pend = xreallocarray(kl->pend, kl->apend, 1);
		}
		kl->npend = c->len - off;
		memcpy(kl->pend, c->buf + off, kl->npend);
	}
	c->len = off;
	if (kl->md != NULL && EVP_DigestUpdate(kl->md, c->buf, off) != 1)
		return (-1);
	return (0);
}

/* ------------------------------------------------------------------ */
/* Parsing and writing. */

/* Parse, fingerprint and write the entries of c; -1 on anything wrong. */
static int
kl_parse(struct kl_worker *w, struct kl_chunk *c)
{
	struct kl		*kl = w->kl;
	struct ks_entry		*e;
	struct kl_item		*it;
	char			*cause = NULL;
	size_t			 i, j, size;
	int			 rc = -1;

	w->scratch->backing = c->buf;
	w->scratch->backing_len = c->len;
	for (i = 0; i < c->n; i++) {
		e = NULL;
		if (jks_stream_entry(&kl->h, c->first + (uint32_t)i,
		    c->buf + c->ent[i], c->ent[i + 1] - c->ent[i], w->scratch,
		    &e, &cause) != 0) {
			free(cause);
			goto out;
		}
		/* Java's view of such an alias: keystore_load's to give */
		if (e->flags & KS_EF_ALIAS_NOT_LOWER)
			goto bad;
		for (j = 0; j < e->nchain; j++)
			(void)cert_sha256(e->chain[j]);
		size = KL_ALIGN(sizeof *it + e->alias_len + 1);
		if (kl_out_room(&w->idx, size) != 0)
			goto bad;
		it = (struct kl_item *)(void *)(w->idx.base + w->idx.len);
		w->idx.len += size;
		it->n = c->first + (uint32_t)i;
		it->alias_len = (uint32_t)e->alias_len;
		it->w = w->id;
		memcpy(it + 1, e->alias, e->alias_len);
		((char *)(it + 1))[e->alias_len] = '\0';
		it->text = w->out.len;
		kl->fn(w->f, e, kl->arg);
		if (fflush(w->f) != 0 || ferror(w->f))
			goto bad;
		it->text_len = w->out.len - it->text;
		ks_entry_free(e);
		arena_reset(w->scratch->arena);
	}
	rc = 0;
	goto out;
bad:
	ks_entry_free(e);
out:
	w->scratch->backing = NULL;
	w->scratch->backing_len = 0;
	return (rc);
}

/* A thread's loop: read when the queue is short, else parse, until done. */
static void *
kl_run(void *arg)
{
	struct kl_worker	*w = arg;
	struct kl		*kl = w->kl;
	struct kl_chunk		*c;
	int			 r;

	flockfile(w->f);
	pthread_mutex_lock(&kl->mu);
	while (!kl->failed) {
		if (!kl->reading && !kl->read_done && kl->nq < KL_QUEUE) {
			kl->reading = true;
			c = kl_chunk_get(kl);
			pthread_mutex_unlock(&kl->mu);
			r = kl_read(kl, c);
			pthread_mutex_lock(&kl->mu);
			kl->reading = false;
			if (r != 0) {
				kl->failed = true;
				kl_chunk_put(kl, c);
			} else {
				if (kl->qtail != NULL)
					kl->qtail->next = c;
				else
					kl->qhead = c;
				kl->qtail = c;
				kl->nq++;
			}
			pthread_cond_broadcast(&kl->cv);
			continue;
		}
		if ((c = kl->qhead) != NULL) {
			if ((kl->qhead = c->next) == NULL)
				kl->qtail = NULL;
			c->next = NULL;
			kl->nq--;
			pthread_mutex_unlock(&kl->mu);
			r = kl_parse(w, c);
			pthread_mutex_lock(&kl->mu);
			kl_chunk_put(kl, c);
			if (r != 0)
				kl->failed = true;
			pthread_cond_broadcast(&kl->cv);
			continue;
		}
		if (kl->read_done && !kl->reading)
			break;
		pthread_cond_wait(&kl->cv, &kl->mu);
	}
	pthread_mutex_unlock(&kl->mu);
	funlockfile(w->f);
	return (NULL);
}

/* ------------------------------------------------------------------ */
/* The listing. */

static int
kl_item_cmp(const void *a, const void *b)
{
	const struct kl_item	*x = *(struct kl_item *const *)a;
	const struct kl_item	*y = *(struct kl_item *const *)b;

	return (ks_alias_casecmp((const char *)(x + 1), x->alias_len,
	    (const char *)(y + 1), y->alias_len));
}

static const cookie_io_functions_t kl_out_io = { NULL, kl_out_write, NULL,
    NULL };

/* Set up worker i; -1 on failure. */
static int
kl_worker_init(struct kl *kl, int i)
{
	struct kl_worker	*w = &kl->w[i];

	w->kl = kl;
	w->id = (uint32_t)i;
	/*
	 * About 60% of the file is text, split between the threads: the
	 * region is made that large (huge pages: only those touched count).
	 * A small file's text, in 4 kB pages faulted in at once, is sized
	 * closer; a 2 MB page would be most of its memory.  The index: some
	 * 40 bytes an entry of 1 kB, split likewise.
	 */
	w->idx.small = true;
	w->out.small = kl->size < KL_HUGE_MIN;
	if (kl_out_room(&w->out, w->out.small ? kl->size * 5 / 16 + 8192 :
	    kl->size / 2 + 64 * 1024) != 0 ||
	    kl_out_room(&w->idx, kl->size / 64 + 4096) != 0)
		return (-1);
	if ((w->f = fopencookie(&w->out, "w", kl_out_io)) == NULL)
		return (-1);
	w->scratch = keystore_new(kl->h.format);
	w->scratch->arena = arena_new(64 * 1024);
	return (0);
}

static void
kl_free(struct kl *kl)
{
	struct kl_chunk	*c, *next;
	int		 i;

	for (i = 0; i < 2; i++) {
		if (kl->w[i].f != NULL)
			fclose(kl->w[i].f);
		keystore_free(kl->w[i].scratch);
		if (kl->w[i].out.base != NULL)
			munmap(kl->w[i].out.base, kl->w[i].out.cap);
		if (kl->w[i].idx.base != NULL)
			munmap(kl->w[i].idx.base, kl->w[i].idx.cap);
	}
	for (c = kl->qhead; c != NULL; c = next) {
		next = c->next;
		kl_chunk_free(c);
	}
	for (c = kl->spare; c != NULL; c = next) {
		next = c->next;
		kl_chunk_free(c);
	}
	if (kl->slots != NULL)
		munmap(kl->slots, kl->slots_len);
	free(kl->pend);
	free(kl->items);
	EVP_MD_CTX_free(kl->md);
	pthread_mutex_destroy(&kl->mu);
	pthread_cond_destroy(&kl->cv);
	free(kl);
}

/* Collect the items of both regions by number; -1 unless each is there
 * once. */
static int
kl_collect(struct kl *kl)
{
	struct kl_item	*it;
	struct kl_out	*o;
	size_t		 off;
	uint32_t	 n = kl->h.count, seen = 0;
	int		 i;

	kl->items = xcalloc(n + 1, sizeof *kl->items);
	for (i = 0; i < 2; i++) {
		o = &kl->w[i].idx;
		for (off = 0; off < o->len; off += KL_ALIGN(sizeof *it +
		    it->alias_len + 1)) {
			it = (struct kl_item *)(void *)(o->base + off);
			if (it->n < 1 || it->n > n || kl->items[it->n - 1])
				return (-1);
			kl->items[it->n - 1] = it;
			seen++;
		}
	}
	return (seen == n ? 0 : -1);
}

int
ks_list_fd(int fd, size_t chunk, const struct secret *pass, ks_list_fn fn,
    void *arg, struct ks_list **lp)
{
	struct kl	*kl;
	struct ks_list	*l;
	struct stat	 st;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	sigset_t	 all, old;
	size_t		 i, n;
	bool		 sorted = true;

	*lp = NULL;
	kl = xcalloc(1, sizeof *kl);
	pthread_mutex_init(&kl->mu, NULL);
	pthread_cond_init(&kl->cv, NULL);
	kl->fd = fd;
	kl->fn = fn;
	kl->arg = arg;
	kl->chunk = chunk != 0 ? chunk : KL_CHUNK;
	if (kl->chunk < JKS_STREAM_HEADER_LEN)
		kl->chunk = JKS_STREAM_HEADER_LEN;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		kl->size = (size_t)st.st_size;
	if (kl->chunk * KL_SLOTS <= KL_HUGE)
		kl_slots_map(kl);
	if (pass != NULL && (kl->md = jks_stream_digest(pass, NULL)) == NULL)
		goto fail;
	kl->h.format = KS_FMT_JKS;
	if (kl_worker_init(kl, 0) != 0)
		goto fail;
	if (kl->size >= KL_THREAD_MIN && kl_worker_init(kl, 1) == 0) {
		sigfillset(&all);
		if (pthread_sigmask(SIG_BLOCK, &all, &old) == 0) {
			kl->w[1].started = pthread_create(&kl->w[1].th, NULL,
			    kl_run, &kl->w[1]) == 0;
			pthread_sigmask(SIG_SETMASK, &old, NULL);
		}
	}
	kl_run(&kl->w[0]);
	if (kl->w[1].started)
		pthread_join(kl->w[1].th, NULL);
	if (kl->failed || !kl->read_done)
		goto fail;
	if (kl->md != NULL && (EVP_DigestFinal_ex(kl->md, md, NULL) != 1 ||
	    CRYPTO_memcmp(md, kl->want, sizeof kl->want) != 0))
		goto fail;
	if (kl_collect(kl) != 0)
		goto fail;
	n = kl->h.count;
	for (i = 1; i < n; i++) {
		if (kl_item_cmp(&kl->items[i - 1], &kl->items[i]) >= 0) {
			sorted = false;
			break;
		}
	}
	if (!sorted) {
		if (n > 1)
			qsort(kl->items, n, sizeof *kl->items,
			    kl_item_cmp);
		/* two aliases Java takes for one: keystore_load's to show */
		for (i = 1; i < n; i++)
			if (kl_item_cmp(&kl->items[i - 1], &kl->items[i]) == 0)
				goto fail;
	}

	l = xcalloc(1, sizeof *l);
	l->format = kl->h.format;
	l->verified = kl->md != NULL;
	l->n = n;
	l->texts = xcalloc(n + 1, sizeof *l->texts);
	for (i = 0; i < n; i++) {
		l->texts[i].s = kl->w[kl->items[i]->w].out.base +
		    kl->items[i]->text;
		l->texts[i].len = kl->items[i]->text_len;
	}
	l->priv = kl;
	*lp = l;
	return (0);
fail:
	kl_free(kl);
	return (-1);
}

int
ks_list_file(const char *path, const struct secret *pass, ks_list_fn fn,
    void *arg, struct ks_list **lp)
{
	struct file_at	 at;
	struct stat	 st;
	unsigned char	 magic[4];
	int		 fd, rc = -1;

	*lp = NULL;
	if (file_resolve(path, FILE_AT_PROC, &at, NULL) != 0)
		return (-1);
	/* as file_read opens it; anything but a regular file is its job */
	fd = at.proc ? -1 : openat(at.dirfd, at.base, O_RDONLY | O_CLOEXEC |
	    O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	file_at_free(&at);
	if (fd == -1)
		return (-1);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (unsigned long long)st.st_size > FILE_MAX_SIZE ||
	    pread(fd, magic, sizeof magic, 0) != (ssize_t)sizeof magic)
		goto out;
	if (keystore_sniff(magic, sizeof magic) != KS_FMT_JKS &&
	    keystore_sniff(magic, sizeof magic) != KS_FMT_JCEKS)
		goto out;
#ifdef POSIX_FADV_SEQUENTIAL
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	rc = ks_list_fd(fd, 0, pass, fn, arg, lp);
out:
	close(fd);
	return (rc);
}

void
ks_list_free(struct ks_list *l)
{
	if (l == NULL)
		return;
	kl_free(l->priv);
	free(l->texts);
	free(l);
}

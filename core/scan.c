/* SPDX-License-Identifier: ISC */
/*
 * scan.c -- tlsdeck scan: every server and every keystore or certificate
 * file under some directories (docs/architecture.md, Scan and fleet).
 *
 * The walk (one thread) opens each directory relative to its parent
 * (openat, fstatat), enters a directory it has seen before (device and
 * inode) never again, so a link out of a root or a loop is followed once
 * at most; it skips pseudo-filesystems by their statfs type and /proc,
 * /sys, /dev and /run by identity, stops at a depth, and lists the
 * regular files.  In each directory every server kind's detect runs.
 *
 * The servers are loaded one after the other as the dashboard loads one
 * (server_model_load: the passwords their configuration gives, their
 * JRE's cacerts); the files they use are theirs.  The other files are read
 * on SCAN_THREADS threads: each is opened without blocking (a FIFO that
 * appeared meanwhile is skipped), bounded in size, and judged by its
 * content: keystore_sniff, made stricter (a DER file must carry a
 * long-form length, a PEM file a certificate block), so a text file that
 * starts with "0" or mentions "-----BEGIN " is no certificate.  A file
 * whose content is no keystore but whose name says it is one (.jks,
 * .p12, ...) is reported as corrupt.  What is found is loaded without a
 * password (JKS listed unverified, PKCS#12's plain parts) and summarised;
 * the keystore is freed at once, so memory does not grow with the files.
 */
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

/* Files up to this size are read whole at once; larger ones sniffed first
 * from their first SCAN_HEAD bytes. */
#define SCAN_WHOLE	(1024UL * 1024)
#define SCAN_HEAD	(64UL * 1024)
/* Smaller files hold no keystore or certificate (an empty JKS is 32). */
#define SCAN_MIN_SIZE	32

/* Filesystems with nothing to scan (linux/magic.h). */
static const unsigned long scan_pseudo_fs[] = {
	0x9fa0,		/* proc */
	0x62656572,	/* sysfs */
	0x1cd1,		/* devpts */
	0x27e0eb,	/* cgroup */
	0x63677270,	/* cgroup2 */
	0x64626720,	/* debugfs */
	0x74726163,	/* tracefs */
	0x73636673,	/* securityfs */
	0x6165676c,	/* pstore */
	0xcafe4a11,	/* bpf */
	0x62656570,	/* configfs */
	0x65735543,	/* fusectl */
	0x958458f6,	/* hugetlbfs */
	0x19800202,	/* mqueue */
	0x42494e4d,	/* binfmt_misc */
	0xde5e81e4,	/* efivarfs */
	0xf97cff8c,	/* selinuxfs */
	0x6e736673,	/* nsfs */
	0x0187,		/* autofs */
	0x50495045,	/* pipefs */
	0x534f434b,	/* sockfs */
};

/* Names that say "keystore or certificate" (the name rule). */
static const char *const scan_exts[] = {
	".jks", ".jceks", ".p12", ".pfx", ".keystore", ".truststore",
	".pem", ".crt", ".cer", ".der", ".p7b", ".p7c", NULL
};

/* The usual install locations (globs). */
static const char *const scan_usual[] = {
	"/etc/opt", "/opt", "/srv", "/etc/tomcat*", "/var/lib/tomcat*",
	"/etc/jetty*", "/var/lib/jetty*", "/usr/local/tomcat",
	"/usr/local/jetty", NULL
};

/* ------------------------------------------------------------------ */
/* A set of (device, inode) pairs: open addressing, grown at half full. */

struct idset {
	struct scan_id {
		dev_t	dev;
		ino_t	ino;
		bool	used;
	}	*v;
	size_t	 cap;
	size_t	 n;
};

static size_t
idset_hash(dev_t dev, ino_t ino)
{
	uint64_t	h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL;

	h ^= (uint64_t)dev + 0x632be59bd9b4e019ULL + (h << 6) + (h >> 2);
	return ((size_t)(h ^ (h >> 29)));
}

static bool	idset_add(struct idset *, dev_t, ino_t);

static bool
idset_has(const struct idset *s, dev_t dev, ino_t ino)
{
	size_t	i;

	if (s->cap == 0)
		return (false);
	for (i = idset_hash(dev, ino) & (s->cap - 1); s->v[i].used;
	    i = (i + 1) & (s->cap - 1)) {
		if (s->v[i].dev == dev && s->v[i].ino == ino)
			return (true);
	}
	return (false);
}

static void
idset_grow(struct idset *s)
{
	struct scan_id	*old = s->v;
	size_t		 oldcap = s->cap, i;

	s->cap = oldcap == 0 ? 256 : oldcap * 2;
	s->v = xcalloc(s->cap, sizeof *s->v);
	s->n = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i].used)
			idset_add(s, old[i].dev, old[i].ino);
	free(old);
}

/* Add; false when it was there already. */
static bool
idset_add(struct idset *s, dev_t dev, ino_t ino)
{
	size_t	i;

	if ((s->n + 1) * 2 > s->cap)
		idset_grow(s);
	for (i = idset_hash(dev, ino) & (s->cap - 1); s->v[i].used;
	    i = (i + 1) & (s->cap - 1)) {
		if (s->v[i].dev == dev && s->v[i].ino == ino)
			return (false);
	}
	s->v[i].dev = dev;
	s->v[i].ino = ino;
	s->v[i].used = true;
	s->n++;
	return (true);
}

static void
idset_free(struct idset *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------------ */
/* Small helpers */

const char *
scan_error_name(enum scan_error e)
{
	static const char *names[SCAN_ERR__MAX] = {
		"", "bad_password", "no_password", "corrupt", "unreadable"
	};

	return (e < SCAN_ERR__MAX ? names[e] : "");
}

void
scan_opts_init(struct scan_opts *o)
{
	memset(o, 0, sizeof *o);
	o->max_depth = SCAN_MAX_DEPTH;
	o->max_size = SCAN_MAX_SIZE;
	o->threads = SCAN_THREADS;
	server_opts_init(&o->so);
}

/* A copy of s with control characters shown as <U+0000> (names from
 * files reach labels, lines and JSON). */
static char *
scan_printable(const char *s, size_t len)
{
	char	*o, *p;
	size_t	 i;

	o = p = xmalloc(len * 8 + 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			p += snprintf(p, 9, "<U+%04X>", c);
		else
			*p++ = (char)c;
	}
	*p = '\0';
	return (o);
}

/* "DIR/NAME" without a doubled slash. */
static char *
scan_join(const char *dir, const char *name)
{
	char	*p;
	size_t	 n = strlen(dir);

	if (n > 0 && dir[n - 1] == '/')
		xasprintf(&p, "%s%s", dir, name);
	else
		xasprintf(&p, "%s/%s", dir, name);
	return (p);
}

static void
scan_note(struct scan_result *r, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	/* a hostile tree could make many: keep the first thousand */
	if (r->nnotes >= 1000)
		return;
	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	r->notes = xreallocarray(r->notes, r->nnotes + 1, sizeof *r->notes);
	r->notes[r->nnotes++] = s;
}

/* Does the name end in a keystore or certificate extension? */
static bool
scan_name_says(const char *path)
{
	const char	*base = strrchr(path, '/'), *const *e;
	size_t		 n, k;

	base = base != NULL ? base + 1 : path;
	n = strlen(base);
	if (strcmp(base, "cacerts") == 0 || strcmp(base, "jssecacerts") == 0)
		return (true);
	for (e = scan_exts; *e != NULL; e++) {
		k = strlen(*e);
		if (n > k && strcasecmp(base + n - k, *e) == 0)
			return (true);
	}
	return (false);
}

/* ------------------------------------------------------------------ */
/* What a file is, by its content */

enum scan_kind {
	SCAN_K_NONE = 0,	/* not a keystore or certificate: skip */
	SCAN_K_STORE,		/* load it */
	SCAN_K_NAMED		/* no content we know, a keystore's name */
};

/* Is there a certificate block in this PEM text? */
static bool
scan_pem_has_cert(const unsigned char *p, size_t len)
{
	static const char *const labels[] = {
		"-----BEGIN CERTIFICATE-----",
		"-----BEGIN TRUSTED CERTIFICATE-----",
		"-----BEGIN X509 CERTIFICATE-----",
		"-----BEGIN PKCS7-----",
		NULL
	};
	const char *const	*l;

	for (l = labels; *l != NULL; l++)
		if (memmem(p, len, *l, strlen(*l)) != NULL)
			return (true);
	return (false);
}

/*
 * keystore_sniff, then stricter: DER (certificate, PKCS#12, PKCS#7) must
 * start with a SEQUENCE of long-form length (none is under 128 bytes),
 * PEM must hold a certificate block (a key or a request alone is no
 * certificate file).  head is the start of the file, size its size.
 */
static enum scan_kind
scan_sniff(const unsigned char *head, size_t n, const char *name)
{
	enum ks_format	f = keystore_sniff(head, n);

	switch (f) {
	case KS_FMT_JKS:
	case KS_FMT_JCEKS:
		return (SCAN_K_STORE);
	case KS_FMT_PKCS12:
	case KS_FMT_PKCS7:
	case KS_FMT_DER:
		if (n >= 4 && head[1] >= 0x81 && head[1] <= 0x84)
			return (SCAN_K_STORE);
		break;
	case KS_FMT_PEM:
		if (scan_pem_has_cert(head, n))
			return (SCAN_K_STORE);
		/* a key, a request, a text: not a certificate file */
		return (SCAN_K_NONE);
	default:
		break;
	}
	return (scan_name_says(name) ? SCAN_K_NAMED : SCAN_K_NONE);
}

/* ------------------------------------------------------------------ */
/* Standalone files */

static void
scan_finding_add(struct scan_file *f, const char *code, enum sev sev,
    const char *alias, const char *fmt, ...)
{
	struct scan_finding	*sf;
	va_list			 ap;

	f->findings = xreallocarray(f->findings, f->nfindings + 1,
	    sizeof *f->findings);
	sf = &f->findings[f->nfindings++];
	sf->code = xstrdup(code);
	sf->sev = sev;
	sf->alias = alias != NULL ? xstrdup(alias) : NULL;
	va_start(ap, fmt);
	xvasprintf(&sf->message, fmt, ap);
	va_end(ap);
	if (sev > f->sev)
		f->sev = sev;
}

static int
scan_finding_cmp(const void *a, const void *b)
{
	const struct scan_finding	*x = a, *y = b;

	if (x->sev != y->sev)
		return (x->sev > y->sev ? -1 : 1);
	return (strcmp(x->code, y->code));
}

static void
scan_file_error(struct scan_file *f, enum scan_error e, const char *msg)
{
	f->error = e;
	free(f->error_msg);
	f->error_msg = xstrdup(msg);
	/* each a literal: tests/check-findings.sh reads the codes */
	switch (e) {
	case SCAN_ERR_BAD_PASSWORD:
		scan_finding_add(f, "keystore-password-wrong", SEV_WARN, NULL,
		    "%s", msg);
		break;
	case SCAN_ERR_NO_PASSWORD:
		scan_finding_add(f, "keystore-password-missing", SEV_INFO,
		    NULL, "%s", msg);
		break;
	case SCAN_ERR_CORRUPT:
		scan_finding_add(f, "keystore-corrupt", SEV_WARN, NULL, "%s",
		    msg);
		break;
	case SCAN_ERR_UNREADABLE:
		scan_finding_add(f, "keystore-unreadable", SEV_WARN, NULL,
		    "%s", msg);
		break;
	default:
		break;
	}
}

void
scan_file_free(struct scan_file *f)
{
	size_t	i;

	if (f == NULL)
		return;
	for (i = 0; i < f->ncerts; i++) {
		free(f->certs[i].alias);
		free(f->certs[i].subject);
		free(f->certs[i].issuer);
		free(f->certs[i].serial);
	}
	free(f->certs);
	for (i = 0; i < f->nfindings; i++) {
		free(f->findings[i].code);
		free(f->findings[i].alias);
		free(f->findings[i].message);
	}
	free(f->findings);
	free(f->path);
	free(f->error_msg);
	free(f);
}

/*
 * The expiry severity of one certificate of a standalone file.  A
 * certificate that is no server's own -- a trusted entry, a CA in a
 * certificate file -- is at most a warning: an expired root in a store
 * breaks nothing by itself.
 */
static enum sev
scan_cert_sev(const struct server_opts *so, time_t now,
    const struct scan_cert *c)
{
	enum sev	sev = SEV_OK;
	int64_t		life, left;
	long		days = c->days_left;
	int		warn = so->warn_days, crit = so->crit_days;

	if (c->not_after <= (int64_t)now)
		sev = SEV_CRIT;
	else if (days <= crit)
		sev = SEV_CRIT;
	else if (days <= warn)
		sev = SEV_WARN;
	life = c->not_after - c->not_before;
	left = c->not_after - (int64_t)now;
	if (life > 0 && left > 0 && left < life) {
		if (so->crit_percent > 0 && left * 100 <= life *
		    so->crit_percent)
			sev = SEV_CRIT;
		else if (so->warn_percent > 0 && left * 100 <= life *
		    so->warn_percent && sev < SEV_WARN)
			sev = SEV_WARN;
	}
	if (c->type == KS_ENTRY_TRUSTED || c->ca)
		sev = sev > SEV_WARN ? SEV_WARN : sev;
	return (sev);
}

/* Summarise ks into f: every entry's chain, the expiry findings. */
static void
scan_file_summary(struct scan_file *f, struct keystore *ks,
    const struct server_opts *so, time_t now)
{
	struct ks_entry		*e;
	struct cert		*c;
	struct scan_cert	*sc;
	size_t			 i, k, n = 0;

	f->format = ks->format;
	f->verified = ks->verified;
	f->passwordless = ks->passwordless;
	f->nentries = ks->nentries;
	for (i = 0; i < ks->nentries; i++)
		n += ks->entries[i]->nchain;
	f->certs = n > 0 ? xcalloc(n, sizeof *f->certs) : NULL;
	for (i = 0; i < ks->nentries; i++) {
		e = ks->entries[i];
		for (k = 0; k < e->nchain; k++) {
			c = e->chain[k];
			sc = &f->certs[f->ncerts++];
			sc->alias = scan_printable(e->alias != NULL ?
			    e->alias : "", e->alias != NULL ? e->alias_len :
			    0);
			sc->type = e->type;
			sc->position = k;
			sc->subject = xstrdup(c->info.subject != NULL ?
			    c->info.subject : "");
			sc->issuer = xstrdup(c->info.issuer != NULL ?
			    c->info.issuer : "");
			sc->serial = xstrdup(c->info.serial != NULL ?
			    c->info.serial : "");
			sc->not_before = c->info.not_before;
			sc->not_after = c->info.not_after;
			sc->days_left = cert_days_left(c, now);
			sc->ca = c->info.ca;
			snprintf(sc->key, sizeof sc->key, "%s", c->info.key);
			memcpy(sc->sha256, cert_sha256(c), sizeof sc->sha256);
			sc->sev = scan_cert_sev(so, now, sc);
			if (sc->not_after < f->nearest)
				f->nearest = sc->not_after;
			if (sc->not_after <= (int64_t)now)
				scan_finding_add(f, "cert-expired", sc->sev,
				    sc->alias, "%s: entry \"%s\": %s expired "
				    "%ld day%s ago", f->path, sc->alias,
				    sc->subject, -sc->days_left,
				    sc->days_left == -1 ? "" : "s");
			else if (sc->not_before > (int64_t)now)
				scan_finding_add(f, "cert-not-yet-valid",
				    SEV_WARN, sc->alias, "%s: entry \"%s\": "
				    "%s is not valid yet", f->path, sc->alias,
				    sc->subject);
			else if (sc->sev != SEV_OK)
				scan_finding_add(f, "cert-expiring", sc->sev,
				    sc->alias, "%s: entry \"%s\": %s expires "
				    "in %ld day%s", f->path, sc->alias,
				    sc->subject, sc->days_left,
				    sc->days_left == 1 ? "" : "s");
		}
	}
	/* PKCS#12 read without its password: encrypted certificates were
	 * skipped (pkcs12_load leaves cert_pbe_nid at -1 when there were
	 * none). */
	if (ks->format == KS_FMT_PKCS12 && !ks->verified &&
	    ks->p12.cert_pbe_nid != -1)
		scan_file_error(f, SCAN_ERR_NO_PASSWORD, f->path);
}

int
scan_file_mem(unsigned char *buf, size_t len, const char *name,
    const struct server_opts *so, struct scan_file **fp)
{
	struct scan_file	*f;
	struct keystore		*ks = NULL;
	enum scan_kind		 kind;
	char			*cause = NULL, *msg;
	time_t			 now = so->now != 0 ? so->now : time(NULL);

	*fp = NULL;
	kind = scan_sniff(buf, len, name);
	if (kind == SCAN_K_NONE) {
		free(buf);
		return (0);
	}
	f = xcalloc(1, sizeof *f);
	f->path = xstrdup(name);
	f->nearest = INT64_MAX;
	f->format = keystore_sniff(buf, len);
	if (kind == SCAN_K_NAMED) {
		f->format = KS_FMT_UNKNOWN;
		xasprintf(&msg, "%s: not a keystore or certificate file by "
		    "its content (%zu bytes%s)", name, len, len == 0 ?
		    ", empty" : "");
		scan_file_error(f, SCAN_ERR_CORRUPT, msg);
		free(msg);
		free(buf);
		*fp = f;
		return (0);
	}
	if (keystore_load_owned(buf, len, name, NULL, KS_LOAD_NOVERIFY, &ks,
	    &cause) != 0) {
		scan_file_error(f, SCAN_ERR_CORRUPT, cause != NULL ? cause :
		    name);
		free(cause);
		*fp = f;
		return (0);
	}
	scan_file_summary(f, ks, so, now);
	if (f->error == SCAN_ERR_NO_PASSWORD) {
		free(f->error_msg);
		xasprintf(&f->error_msg, "%s: the certificates are encrypted: "
		    "the store password is needed", name);
		free(f->findings[f->nfindings - 1].message);
		f->findings[f->nfindings - 1].message = xstrdup(f->error_msg);
	}
	keystore_free(ks);
	if (f->nfindings > 1)
		qsort(f->findings, f->nfindings, sizeof *f->findings,
		    scan_finding_cmp);
	*fp = f;
	return (0);
}

/* ------------------------------------------------------------------ */
/* The walk */

struct scan_cand {
	char	*path;
	dev_t	 dev;
	ino_t	 ino;
};

struct scan_walk {
	const struct scan_opts	*o;
	struct scan_result	*r;
	struct idset		 dirs;	/* directories entered */
	struct idset		 files;	/* files listed */
	struct idset		 skip;	/* /proc, /sys, /dev, /run */
	struct scan_cand	*cand;
	size_t			 ncand;
	size_t			 capcand;
	/* the servers detected (their config files: once each) */
	struct idset		 configs;
};

static bool
scan_is_pseudo(int fd)
{
	struct statfs	sf;
	size_t		i;

	if (fstatfs(fd, &sf) == -1)
		return (false);
	for (i = 0; i < sizeof scan_pseudo_fs / sizeof scan_pseudo_fs[0];
	    i++)
		if ((unsigned long)sf.f_type == scan_pseudo_fs[i])
			return (true);
	return (false);
}

/*
 * Does DIR hold a server?  Each kind's detect; a configuration file seen
 * before (the same server found from another directory) counts once.
 */
static void	scan_detect(struct scan_walk *, const char *dir);

static void
scan_dir(struct scan_walk *w, int fd, const char *path, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st, st2;
	char		*sub;
	int		 cfd, dfd;
	bool		 link;

	w->r->ndirs++;
	if (!w->o->no_servers)
		scan_detect(w, path);
	if ((d = fdopendir(fd)) == NULL) {
		scan_note(w->r, "%s: %s", path, strerror(errno));
		close(fd);
		return;
	}
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		link = S_ISLNK(st.st_mode);
		/* a link is followed; a dangling one is nothing */
		if (link && fstatat(dfd, de->d_name, &st, 0) == -1)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth >= w->o->max_depth ||
			    idset_has(&w->dirs, st.st_dev, st.st_ino) ||
			    idset_has(&w->skip, st.st_dev, st.st_ino))
				continue;
			sub = scan_join(path, de->d_name);
			cfd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY |
			    O_CLOEXEC | O_NOCTTY | (link ? 0 : O_NOFOLLOW));
			if (cfd == -1) {
				scan_note(w->r, "%s: %s", sub,
				    strerror(errno));
				free(sub);
				continue;
			}
			/* what was opened, not what was looked at */
			if (fstat(cfd, &st2) == -1 ||
			    !idset_add(&w->dirs, st2.st_dev, st2.st_ino) ||
			    idset_has(&w->skip, st2.st_dev, st2.st_ino) ||
			    scan_is_pseudo(cfd)) {
				close(cfd);
				free(sub);
				continue;
			}
			scan_dir(w, cfd, sub, depth + 1);
			free(sub);
		} else if (S_ISREG(st.st_mode)) {
			w->r->nregular++;
			if (!idset_add(&w->files, st.st_dev, st.st_ino))
				continue;
			if (st.st_size < SCAN_MIN_SIZE &&
			    !scan_name_says(de->d_name))
				continue;
			if (w->ncand >= SCAN_MAX_FILES) {
				w->r->truncated = true;
				continue;
			}
			if (w->ncand == w->capcand) {
				w->capcand = w->capcand == 0 ? 256 :
				    w->capcand * 2;
				w->cand = xreallocarray(w->cand, w->capcand,
				    sizeof *w->cand);
			}
			w->cand[w->ncand].path = scan_join(path, de->d_name);
			w->cand[w->ncand].dev = st.st_dev;
			w->cand[w->ncand].ino = st.st_ino;
			w->ncand++;
		}
	}
	closedir(d);
}

/* Walk one root: 0, or -1 when it cannot be opened. */
static int
scan_root(struct scan_walk *w, const char *root, char **cause)
{
	struct stat	st;
	int		fd;

	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOCTTY)) == -1) {
		cause_set(cause, "%s: %s", root, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		cause_set(cause, "%s: %s", root, strerror(errno));
		close(fd);
		return (-1);
	}
	/* a root inside another, or named twice: walked already */
	if (!idset_add(&w->dirs, st.st_dev, st.st_ino)) {
		close(fd);
		return (0);
	}
	scan_dir(w, fd, root, 0);
	return (0);
}

/* ------------------------------------------------------------------ */
/* Servers */

/* Which files a loaded server uses (they are not standalone). */
static void	scan_server_files(const struct server_model *,
		    void (*)(const char *, void *), void *);

static void
scan_claim(const char *path, void *arg)
{
	struct idset	*s = arg;
	struct stat	 st;

	if (path != NULL && stat(path, &st) == 0)
		idset_add(s, st.st_dev, st.st_ino);
}

static int64_t
scan_model_nearest(const struct server_model *m)
{
	int64_t	n = INT64_MAX;
	size_t	i;

	for (i = 0; i < m->ncerts; i++)
		if (m->certs[i].cert->info.not_after < n)
			n = m->certs[i].cert->info.not_after;
	return (n);
}

static void
scan_server_add(struct scan_walk *w, const char *dir, const char *file,
    const char *kind, const char *why)
{
	struct scan_result	*r = w->r;
	struct scan_server	*s;

	s = xcalloc(1, sizeof *s);
	s->dir = xstrdup(dir);
	s->config = xstrdup(file);
	s->kind = kind;
	s->why = why != NULL ? xstrdup(why) : NULL;
	s->nearest = INT64_MAX;
	r->servers = xreallocarray(r->servers, r->nservers + 1,
	    sizeof *r->servers);
	r->servers[r->nservers++] = s;
}

static void
scan_server_load(const struct scan_opts *o, struct scan_server *s)
{
	struct server_opts	so = o->so;
	char			*cause = NULL;

	so.server = s->dir;
	so.properties = NULL;
	if (server_model_load(&so, &s->model, &cause) != 0) {
		s->error = cause != NULL ? cause : xstrdup(s->config);
		s->sev = SEV_CRIT;
		return;
	}
	s->sev = findings_worst(s->model);
	s->nearest = scan_model_nearest(s->model);
}

/*
 * Each server kind's detect, in the order of server_kinds[] (as --server
 * DIR asks them): the first that recognises DIR wins.  A new kind needs
 * no change here.
 */
static void
scan_detect(struct scan_walk *w, const char *dir)
{
	const struct server_kind *const	*k;
	struct stat			 st;
	char				*file, *why;

	for (k = server_kinds; *k != NULL; k++) {
		file = why = NULL;
		if ((*k)->detect == NULL || (*k)->detect(dir, &file,
		    &why) != 1) {
			free(file);
			free(why);
			continue;
		}
		/* the same server seen from another directory: once */
		if (file != NULL && stat(file, &st) == 0 &&
		    idset_add(&w->configs, st.st_dev, st.st_ino))
			scan_server_add(w, dir, file, (*k)->name, why);
		free(file);
		free(why);
		return;
	}
}

/* Every file a loaded server uses: its configuration files, its key
 * materials, its JRE's trust store. */
static void
scan_server_files(const struct server_model *m,
    void (*claim)(const char *, void *), void *arg)
{
	const struct key_material	*mat;
	size_t				 i;

	claim(m->properties, arg);
	for (i = 0; i < m->nsources; i++)
		claim(m->sources[i]->path, arg);
	for (i = 0; i < m->nmaterials; i++) {
		mat = m->materials[i];
		claim(mat->path, arg);
		claim(mat->cert_path, arg);
		claim(mat->key_path, arg);
	}
	claim(m->jre.cacerts, arg);
	claim(m->jre.cacerts_real, arg);
	claim(m->jre.jssecacerts_path, arg);
}

/* ------------------------------------------------------------------ */
/* Reading the files, on threads */

struct scan_job {
	const struct scan_opts	*o;
	struct scan_cand	*cand;
	size_t			 ncand;
	struct scan_file	**out;		/* one per candidate, or NULL */
	pthread_mutex_t		 lock;
	size_t			 next;
};

/* Read up to want bytes at off into buf; the count read, -1 on error. */
static ssize_t
scan_read(int fd, unsigned char *buf, size_t want, off_t off)
{
	size_t	got = 0;
	ssize_t	n;

	while (got < want) {
		n = pread(fd, buf + got, want - got, off + (off_t)got);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return ((ssize_t)got);
}

/* A file that could not be read, when its name says it should be one. */
static struct scan_file *
scan_unreadable(const char *path, const char *why)
{
	struct scan_file	*f;
	char			*msg;

	if (!scan_name_says(path))
		return (NULL);
	f = xcalloc(1, sizeof *f);
	f->path = xstrdup(path);
	f->nearest = INT64_MAX;
	xasprintf(&msg, "%s: %s", path, why);
	scan_file_error(f, SCAN_ERR_UNREADABLE, msg);
	free(msg);
	return (f);
}

static struct scan_file *
scan_one(const struct scan_opts *o, const struct scan_cand *c)
{
	struct scan_file	*f = NULL;
	struct stat		 st;
	enum scan_kind		 kind;
	unsigned char		*buf;
	size_t			 size, head;
	ssize_t			 n;
	char			*msg;
	int			 fd, saved;

	fd = open(c->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1)
		return (scan_unreadable(c->path, strerror(errno)));
	/* the file walked, still a regular file */
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_dev != c->dev || st.st_ino != c->ino) {
		close(fd);
		return (NULL);
	}
	size = (size_t)st.st_size;
	head = size <= SCAN_WHOLE ? size : SCAN_HEAD;
	buf = xmalloc(head + 1);
	if ((n = scan_read(fd, buf, head, 0)) == -1) {
		saved = errno;
		free(buf);
		close(fd);
		return (scan_unreadable(c->path, strerror(saved)));
	}
	if ((size_t)n < head)
		size = head = (size_t)n;	/* shrank meanwhile */
	if (size > head) {
		/* a big file: read on only when its first bytes look right */
		kind = scan_sniff(buf, head, c->path);
		if (kind == SCAN_K_NONE) {
			free(buf);
			close(fd);
			return (NULL);
		}
		if (kind == SCAN_K_NAMED) {
			close(fd);
			/* judged by its first bytes, as a small one */
			scan_file_mem(buf, head, c->path, &o->so, &f);
			if (f != NULL) {
				free(f->error_msg);
				xasprintf(&f->error_msg, "%s: not a keystore "
				    "or certificate file by its content (%zu "
				    "bytes)", c->path, size);
				free(f->findings[0].message);
				f->findings[0].message = xstrdup(
				    f->error_msg);
			}
			return (f);
		}
		if (size > o->max_size) {
			f = xcalloc(1, sizeof *f);
			f->path = xstrdup(c->path);
			f->nearest = INT64_MAX;
			f->format = keystore_sniff(buf, head);
			free(buf);
			close(fd);
			xasprintf(&msg, "%s: too large to read (%zu bytes, "
			    "more than %zu)", c->path, size, o->max_size);
			scan_file_error(f, SCAN_ERR_UNREADABLE, msg);
			free(msg);
			return (f);
		}
		buf = xreallocarray(buf, size + 1, 1);
		if ((n = scan_read(fd, buf + head, size - head,
		    (off_t)head)) == -1) {
			saved = errno;
			free(buf);
			close(fd);
			return (scan_unreadable(c->path, strerror(saved)));
		}
		size = head + (size_t)n;
	}
	close(fd);
	buf[size] = '\0';
	scan_file_mem(buf, size, c->path, &o->so, &f);
	return (f);
}

static void *
scan_worker(void *arg)
{
	struct scan_job	*j = arg;
	size_t		 i;

	for (;;) {
		pthread_mutex_lock(&j->lock);
		i = j->next++;
		pthread_mutex_unlock(&j->lock);
		if (i >= j->ncand)
			break;
		if (j->cand[i].path == NULL)
			continue;	/* a server's file */
		j->out[i] = scan_one(j->o, &j->cand[i]);
	}
	return (NULL);
}

static void
scan_files(const struct scan_opts *o, struct scan_walk *w)
{
	struct scan_job	 j;
	pthread_t	 th[8];
	sigset_t	 all, old;
	int		 nth, i, started = 0;
	size_t		 k;

	memset(&j, 0, sizeof j);
	j.o = o;
	j.cand = w->cand;
	j.ncand = w->ncand;
	j.out = xcalloc(w->ncand + 1, sizeof *j.out);
	pthread_mutex_init(&j.lock, NULL);
	nth = o->threads < 1 ? 1 : o->threads > 8 ? 8 : o->threads;
	if ((size_t)nth > w->ncand / 16 + 1)
		nth = (int)(w->ncand / 16 + 1);
	/* the workers take no signal: the caller's handlers stay its own */
	sigfillset(&all);
	if (nth > 1 && pthread_sigmask(SIG_BLOCK, &all, &old) == 0) {
		for (i = 0; i < nth - 1; i++) {
			if (pthread_create(&th[i], NULL, scan_worker,
			    &j) != 0)
				break;
			started++;
		}
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	scan_worker(&j);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&j.lock);
	for (k = 0; k < w->ncand; k++) {
		if (j.out[k] == NULL)
			continue;
		w->r->files = xreallocarray(w->r->files, w->r->nfiles + 1,
		    sizeof *w->r->files);
		w->r->files[w->r->nfiles++] = j.out[k];
	}
	free(j.out);
}

/* ------------------------------------------------------------------ */
/* Ordering: most urgent first */

static int
scan_server_cmp(const void *a, const void *b)
{
	const struct scan_server	*x = *(struct scan_server *const *)a;
	const struct scan_server	*y = *(struct scan_server *const *)b;

	if (x->sev != y->sev)
		return (x->sev > y->sev ? -1 : 1);
	if (x->nearest != y->nearest)
		return (x->nearest < y->nearest ? -1 : 1);
	return (strcmp(x->config, y->config));
}

static int
scan_file_cmp(const void *a, const void *b)
{
	const struct scan_file	*x = *(struct scan_file *const *)a;
	const struct scan_file	*y = *(struct scan_file *const *)b;

	if (x->sev != y->sev)
		return (x->sev > y->sev ? -1 : 1);
	if ((x->error != SCAN_ERR_NONE) != (y->error != SCAN_ERR_NONE))
		return (x->error != SCAN_ERR_NONE ? -1 : 1);
	if (x->nearest != y->nearest)
		return (x->nearest < y->nearest ? -1 : 1);
	return (strcmp(x->path, y->path));
}

/* ------------------------------------------------------------------ */
/* Default roots */

/* Add dir to the roots unless it is there already; a root found (not
 * given) must be absolute and not "/". */
static void
scan_root_add(char ***roots, size_t *n, const char *dir, bool given)
{
	size_t	i;

	if (dir == NULL || *dir == '\0' || (!given && (*dir != '/' ||
	    strcmp(dir, "/") == 0)))
		return;
	for (i = 0; i < *n; i++)
		if (strcmp((*roots)[i], dir) == 0)
			return;
	*roots = xreallocarray(*roots, *n + 1, sizeof **roots);
	(*roots)[(*n)++] = xstrdup(dir);
}

/* The directory a spring.config.location item names. */
static void
scan_root_location(char ***roots, size_t *n, const char *v)
{
	char		*copy, *item, *save, *p;
	struct stat	 st;

	copy = xstrdup(v);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		if (strncmp(item, "optional:", 9) == 0)
			item += 9;
		if (strncmp(item, "file:", 5) == 0)
			item += 5;
		if (*item != '/')
			continue;
		if (stat(item, &st) == 0 && !S_ISDIR(st.st_mode) &&
		    (p = strrchr(item, '/')) != NULL && p != item)
			*p = '\0';
		scan_root_add(roots, n, item, false);
	}
	free(copy);
}

void
scan_default_roots(const char *proc, char ***roots, size_t *n)
{
	static const char *const props[] = {
		"-Dcatalina.base=", "-Dcatalina.home=", "-Djetty.base=",
		"-Djetty.home=", "-Dspring.config.location=",
		"--spring.config.location=",
		"-Dspring.config.additional-location=",
		"--spring.config.additional-location=", NULL
	};
	const char *const	*pp;
	DIR			*d;
	struct dirent		*de;
	char			 path[PATH_MAX], cwd[PATH_MAX], comm[64];
	unsigned char		*buf;
	size_t			 len, off, k;
	ssize_t			 r;
	const char		*arg;
	char			*p, *root;
	FILE			*f;

	*roots = NULL;
	*n = 0;
	if (proc == NULL)
		proc = "/proc";
	if ((d = opendir(proc)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (!isdigit((unsigned char)de->d_name[0]))
				continue;
			snprintf(path, sizeof path, "%s/%s/comm", proc,
			    de->d_name);
			if ((f = fopen(path, "re")) == NULL)
				continue;
			if (fgets(comm, sizeof comm, f) == NULL)
				comm[0] = '\0';
			fclose(f);
			comm[strcspn(comm, "\n")] = '\0';
			if (strcmp(comm, "java") != 0)
				continue;
			snprintf(path, sizeof path, "%s/%s/cwd", proc,
			    de->d_name);
			if ((r = readlink(path, cwd, sizeof cwd - 1)) > 0) {
				cwd[r] = '\0';
				scan_root_add(roots, n, cwd, false);
			}
			snprintf(path, sizeof path, "%s/%s/cmdline", proc,
			    de->d_name);
			if (file_read(path, &buf, &len, NULL) != 0)
				continue;
			for (off = 0; off < len; off += strlen(arg) + 1) {
				arg = (const char *)buf + off;
				for (pp = props; *pp != NULL; pp++) {
					k = strlen(*pp);
					if (strncmp(arg, *pp, k) != 0)
						continue;
					if (strstr(*pp, "location") != NULL)
						scan_root_location(roots, n,
						    arg + k);
					else
						scan_root_add(roots, n,
						    arg + k, false);
				}
			}
			free(buf);
		}
		closedir(d);
	}
	for (pp = scan_usual; *pp != NULL; pp++) {
		if ((p = strchr(*pp, '*')) == NULL) {
			if (access(*pp, F_OK) == 0)
				scan_root_add(roots, n, *pp, false);
			continue;
		}
		/* "DIR/PREFIX*": the entries of DIR starting with PREFIX */
		root = xstrndup(*pp, (size_t)(strrchr(*pp, '/') - *pp));
		k = (size_t)(p - strrchr(*pp, '/') - 1);
		if ((d = opendir(root)) != NULL) {
			while ((de = readdir(d)) != NULL) {
				if (strncmp(de->d_name, strrchr(*pp, '/') + 1,
				    k) != 0 || de->d_name[0] == '.')
					continue;
				snprintf(path, sizeof path, "%s/%s", root,
				    de->d_name);
				scan_root_add(roots, n, path, false);
			}
			closedir(d);
		}
		free(root);
	}
}

/* ------------------------------------------------------------------ */

static double
scan_mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* /proc, /sys, /dev and /run: skipped wherever met, unless a root. */
static void
scan_skip_init(struct scan_walk *w)
{
	static const char *const skip[] = { "/proc", "/sys", "/dev", "/run",
	    NULL };
	const char *const	*s;
	struct stat		 st;

	for (s = skip; *s != NULL; s++)
		if (stat(*s, &st) == 0 && S_ISDIR(st.st_mode))
			idset_add(&w->skip, st.st_dev, st.st_ino);
}

int
scan_run(const struct scan_opts *o, struct scan_result **rp, char **cause)
{
	struct scan_walk	 w;
	struct scan_result	*r;
	struct idset		 claimed;
	char			**roots = NULL, *first = NULL;
	size_t			 nroots = 0, i, ok = 0;
	double			 t0 = scan_mono();

	*rp = NULL;
	memset(&w, 0, sizeof w);
	memset(&claimed, 0, sizeof claimed);
	r = xcalloc(1, sizeof *r);
	r->now = o->so.now != 0 ? o->so.now : time(NULL);
	r->warn_days = o->so.warn_days;
	r->crit_days = o->so.crit_days;
	w.o = o;
	w.r = r;
	scan_skip_init(&w);
	if (o->nroots > 0) {
		for (i = 0; i < o->nroots; i++)
			scan_root_add(&roots, &nroots, o->roots[i], true);
	} else
		scan_default_roots(o->so.proc, &roots, &nroots);
	r->roots = roots;
	r->nroots = nroots;

	for (i = 0; i < nroots; i++) {
		/* a root named explicitly is walked even if it is /run */
		if (scan_root(&w, roots[i], first == NULL ? &first :
		    NULL) == 0)
			ok++;
		else if (o->nroots > 0)
			scan_note(r, "%s: %s", roots[i], "cannot be read");
	}
	if (ok == 0 && nroots > 0) {
		cause_set(cause, "%s", first != NULL ? first :
		    "no root could be read");
		free(first);
		free(w.cand);
		idset_free(&w.dirs);
		idset_free(&w.files);
		idset_free(&w.skip);
		idset_free(&w.configs);
		scan_result_free(r);
		return (-1);
	}
	free(first);

	/* The servers, one by one; their files are theirs. */
	for (i = 0; i < r->nservers; i++) {
		scan_server_load(o, r->servers[i]);
		scan_claim(r->servers[i]->config, &claimed);
		if (r->servers[i]->model != NULL)
			scan_server_files(r->servers[i]->model, scan_claim,
			    &claimed);
	}
	for (i = 0; i < w.ncand; i++) {
		if (idset_has(&claimed, w.cand[i].dev, w.cand[i].ino)) {
			free(w.cand[i].path);
			w.cand[i].path = NULL;
		}
	}
	/* The legacy provider once, before the threads may want it. */
	(void)pkcs12_legacy_available();
	scan_files(o, &w);

	for (i = 0; i < w.ncand; i++)
		free(w.cand[i].path);
	free(w.cand);
	idset_free(&w.dirs);
	idset_free(&w.files);
	idset_free(&w.skip);
	idset_free(&w.configs);
	idset_free(&claimed);

	if (r->nservers > 1)
		qsort(r->servers, r->nservers, sizeof *r->servers,
		    scan_server_cmp);
	if (r->nfiles > 1)
		qsort(r->files, r->nfiles, sizeof *r->files, scan_file_cmp);
	r->worst = SEV_OK;
	for (i = 0; i < r->nservers; i++)
		if (r->servers[i]->sev > r->worst)
			r->worst = r->servers[i]->sev;
	for (i = 0; i < r->nfiles; i++)
		if (r->files[i]->sev > r->worst)
			r->worst = r->files[i]->sev;
	r->duration = scan_mono() - t0;
	*rp = r;
	return (0);
}

void
scan_result_free(struct scan_result *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nroots; i++)
		free(r->roots[i]);
	free(r->roots);
	for (i = 0; i < r->nservers; i++) {
		server_model_free(r->servers[i]->model);
		free(r->servers[i]->dir);
		free(r->servers[i]->config);
		free(r->servers[i]->why);
		free(r->servers[i]->error);
		free(r->servers[i]);
	}
	free(r->servers);
	for (i = 0; i < r->nfiles; i++)
		scan_file_free(r->files[i]);
	free(r->files);
	for (i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	free(r);
}

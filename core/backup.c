/* SPDX-License-Identifier: ISC */
/*
 * backup.c -- a copy of every file before tlsdeck replaces it, a manifest of
 * those copies (libcyaml), restore, and sw_commit: backup, then sw_replace
 * (docs/security.md).
 *
 * Layout of the backup directory (mode 0700, the user's):
 *	manifest.yaml				the list, oldest first
 *	20261129T151616Z-0001-keystore.p12	copies, mode 0600
 *
 * The directory is opened with file_private_dir and every entry in it must
 * be a regular file of the user's that no one else can write: otherwise
 * nothing is written or restored, so nobody can plant a manifest or a
 * copy.  Everything in it is opened relative to its descriptor with
 * O_NOFOLLOW.  The manifest is replaced with sw_replace under the backup
 * directory's lock.  A backup copy is written and fsync'd before the
 * manifest names it, and the manifest is replaced before the original is
 * touched; when the original's replace then fails, the entry is removed
 * again.  A crash in between leaves an unlisted copy, or an entry whose
 * copy holds the file's current content, never an entry without its copy.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cyaml/cyaml.h>

#include "core.h"

#define BACKUP_MANIFEST		"manifest.yaml"
#define BACKUP_MANIFEST_VERSION	1
#define BACKUP_BASE_MAX		200

/* The manifest as libcyaml sees it; copied into struct backup_rec. */
struct mf_rec {
	unsigned int	 id;
	char		*time;
	char		*command;
	char		*description;
	char		*path;
	char		*file;
	uint64_t	 size;
	char		*sha256;
	unsigned int	 uid;
	char		*mode;		/* octal, "0600" */
};

struct mf_doc {
	unsigned int	 version;
	struct mf_rec	*backups;
	unsigned int	 backups_count;
};

static const cyaml_schema_field_t mf_rec_fields[] = {
	CYAML_FIELD_UINT("id", CYAML_FLAG_DEFAULT, struct mf_rec, id),
	CYAML_FIELD_STRING_PTR("time", CYAML_FLAG_POINTER, struct mf_rec,
	    time, 1, 64),
	CYAML_FIELD_STRING_PTR("command", CYAML_FLAG_POINTER, struct mf_rec,
	    command, 0, 256),
	CYAML_FIELD_STRING_PTR("description", CYAML_FLAG_POINTER |
	    CYAML_FLAG_OPTIONAL, struct mf_rec, description, 0,
	    BACKUP_DESC_MAX * 4),
	CYAML_FIELD_STRING_PTR("path", CYAML_FLAG_POINTER, struct mf_rec,
	    path, 1, PATH_MAX),
	CYAML_FIELD_STRING_PTR("file", CYAML_FLAG_POINTER, struct mf_rec,
	    file, 1, 255),
	CYAML_FIELD_UINT("size", CYAML_FLAG_DEFAULT, struct mf_rec, size),
	CYAML_FIELD_STRING_PTR("sha256", CYAML_FLAG_POINTER, struct mf_rec,
	    sha256, 64, 64),
	CYAML_FIELD_UINT("uid", CYAML_FLAG_DEFAULT, struct mf_rec, uid),
	CYAML_FIELD_STRING_PTR("mode", CYAML_FLAG_POINTER |
	    CYAML_FLAG_OPTIONAL, struct mf_rec, mode, 1, 8),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t mf_rec_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mf_rec, mf_rec_fields),
};

static const cyaml_schema_field_t mf_doc_fields[] = {
	CYAML_FIELD_UINT("version", CYAML_FLAG_DEFAULT, struct mf_doc,
	    version),
	CYAML_FIELD_SEQUENCE("backups", CYAML_FLAG_POINTER, struct mf_doc,
	    backups, &mf_rec_schema, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

/* libcyaml flags for the manifest, loading and saving. */
#define MF_CYAML_FLAGS	(CYAML_CFG_NO_ALIAS | CYAML_CFG_STYLE_BLOCK)

static const cyaml_schema_value_t mf_doc_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct mf_doc, mf_doc_fields),
};

/* Free one record from backup_find (NULL-safe). */
void
backup_rec_free(struct backup_rec *r)
{
	if (r == NULL)
		return;
	backup_list_free(r, 1);
}

/* Free the strings of one record. */
static void
backup_rec_done(struct backup_rec *r)
{
	free(r->time);
	free(r->command);
	free(r->description);
	free(r->path);
	free(r->file);
	free(r->sha256);
}

/* Free an array of records. */
void
backup_list_free(struct backup_rec *recs, size_t n)
{
	size_t	i;

	if (recs == NULL)
		return;
	for (i = 0; i < n; i++)
		backup_rec_done(&recs[i]);
	free(recs);
}

/* Copy a record (strings duplicated). */
static void
backup_rec_copy(struct backup_rec *dst, const struct backup_rec *src)
{
	*dst = *src;
	dst->time = xstrdup(src->time);
	dst->command = xstrdup(src->command);
	dst->description = xstrdup(src->description);
	dst->path = xstrdup(src->path);
	dst->file = xstrdup(src->file);
	dst->sha256 = xstrdup(src->sha256);
}

/* Is s 64 lower-case hex digits? */
static bool
backup_is_sha(const char *s)
{
	size_t	i;

	for (i = 0; i < 64; i++)
		if (!isdigit((unsigned char)s[i]) && (s[i] < 'a' || s[i] > 'f'))
			return (false);
	return (s[64] == '\0');
}

/* Check one loaded entry and copy it into r. */
static int
mf_rec_take(const char *mpath, size_t i, const struct mf_rec *m,
    struct backup_rec *r, char **cause)
{
	char		*end;
	unsigned long	 mode = 0600;

	if (m->id == 0) {
		cause_set(cause, "%s: backup entry %zu: id must be 1 or more",
		    mpath, i + 1);
		return (-1);
	}
	if (m->file[0] == '\0' || strchr(m->file, '/') != NULL ||
	    m->file[0] == '.') {
		cause_set(cause, "%s: backup %u: invalid file name \"%s\"",
		    mpath, m->id, m->file);
		return (-1);
	}
	if (m->path[0] != '/') {
		cause_set(cause, "%s: backup %u: path is not absolute", mpath,
		    m->id);
		return (-1);
	}
	if (!backup_is_sha(m->sha256)) {
		cause_set(cause, "%s: backup %u: sha256 is not 64 lower-case "
		    "hex digits", mpath, m->id);
		return (-1);
	}
	if (m->mode != NULL) {
		errno = 0;
		mode = strtoul(m->mode, &end, 8);
		if (errno != 0 || *end != '\0' || mode > 07777) {
			cause_set(cause, "%s: backup %u: invalid mode \"%s\"",
			    mpath, m->id, m->mode);
			return (-1);
		}
	}
	r->id = m->id;
	r->time = xstrdup(m->time);
	r->command = xstrdup(m->command);
	r->description = xstrdup(m->description != NULL ? m->description :
	    "");
	r->path = xstrdup(m->path);
	r->file = xstrdup(m->file);
	r->size = m->size;
	r->sha256 = xstrdup(m->sha256);
	r->uid = m->uid;
	r->mode = (unsigned int)mode;
	return (0);
}

/* Is this manifest text empty (nothing but white space)? */
static bool
mf_blank(const unsigned char *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (!isspace(buf[i]))
			return (false);
	return (true);
}

/* Parse manifest text into records.  mpath is used in messages. */
int
backup_manifest_parse(const char *mpath, const unsigned char *buf, size_t len,
    struct backup_rec **recsp, size_t *np, char **cause)
{
	cyaml_config_t		 cfg;
	struct yamlerr		 lg;
	struct mf_doc		*doc = NULL;
	struct backup_rec	*recs = NULL;
	cyaml_err_t		 err;
	char			*why;
	size_t			 i, j, n = 0;
	int			 rc = -1;

	*recsp = NULL;
	*np = 0;
	if (buf == NULL || mf_blank(buf, len))
		return (0);
	yamlerr_setup(&cfg, &lg, MF_CYAML_FLAGS);
	err = cyaml_load_data(buf, len, &cfg, &mf_doc_schema,
	    (cyaml_data_t **)&doc, NULL);
	if (err != CYAML_OK) {
		why = yamlerr_joined(&lg);
		cause_set(cause, "%s: invalid backup manifest: %s%s%s (fix it "
		    "or move it away)", mpath, cyaml_strerror(err),
		    *why != '\0' ? ": " : "", why);
		free(why);
		return (-1);
	}
	if (doc == NULL)
		return (0);
	if (doc->version != BACKUP_MANIFEST_VERSION) {
		cause_set(cause, "%s: backup manifest version %u, this tlsdeck "
		    "knows version %d", mpath, doc->version,
		    BACKUP_MANIFEST_VERSION);
		goto out;
	}
	recs = xcalloc(doc->backups_count + 1, sizeof *recs);
	for (i = 0; i < doc->backups_count; i++) {
		if (mf_rec_take(mpath, i, &doc->backups[i], &recs[n],
		    cause) != 0)
			goto out;
		n++;
		for (j = 0; j + 1 < n; j++) {
			if (recs[j].id == recs[n - 1].id) {
				cause_set(cause, "%s: backup id %u appears "
				    "twice", mpath, recs[j].id);
				goto out;
			}
		}
	}
	*recsp = recs;
	*np = n;
	recs = NULL;
	rc = 0;
out:
	backup_list_free(recs, n);
	cyaml_free(&cfg, &mf_doc_schema, doc, 0);
	return (rc);
}

/* Manifest text for recs (malloc'd, NUL-terminated). */
int
backup_manifest_text(const char *mpath, const struct backup_rec *recs, size_t n,
    unsigned char **outp, size_t *lenp, char **cause)
{
	cyaml_config_t	 cfg;
	struct yamlerr	 lg;
	struct mf_doc	 doc;
	struct mf_rec	*m;
	char		*out = NULL, (*modes)[8], *why;
	size_t		 len = 0, i;
	cyaml_err_t	 err;
	int		 rc = -1;

	*outp = NULL;
	*lenp = 0;
	m = xcalloc(n + 1, sizeof *m);
	modes = xcalloc(n + 1, sizeof *modes);
	for (i = 0; i < n; i++) {
		m[i].id = recs[i].id;
		m[i].time = recs[i].time;
		m[i].command = recs[i].command;
		m[i].description = recs[i].description;
		m[i].path = recs[i].path;
		m[i].file = recs[i].file;
		m[i].size = recs[i].size;
		m[i].sha256 = recs[i].sha256;
		m[i].uid = recs[i].uid;
		snprintf(modes[i], sizeof modes[i], "%04o", recs[i].mode);
		m[i].mode = modes[i];
	}
	doc.version = BACKUP_MANIFEST_VERSION;
	doc.backups = m;
	doc.backups_count = (unsigned int)n;
	yamlerr_setup(&cfg, &lg, MF_CYAML_FLAGS);
	err = cyaml_save_data(&out, &len, &cfg, &mf_doc_schema, &doc, 0);
	if (err != CYAML_OK) {
		why = yamlerr_joined(&lg);
		cause_set(cause, "%s: cannot write the backup manifest: %s%s%s",
		    mpath, cyaml_strerror(err), *why != '\0' ? ": " : "", why);
		free(why);
		goto out;
	}
	*outp = xmalloc(len + 1);
	memcpy(*outp, out, len);
	(*outp)[len] = '\0';
	*lenp = len;
	rc = 0;
out:
	if (out != NULL)
		cfg.mem_fn(cfg.mem_ctx, out, 0);
	free(m);
	free(modes);
	return (rc);
}

/* The backup directory for this user (not created). */
int
backup_dir(char **dirp, char **cause)
{
	const char	*e;
	char		*st;

	*dirp = NULL;
	if ((e = getenv("TLSDECK_BACKUP_DIR")) != NULL && *e != '\0') {
		*dirp = xstrdup(e);
		return (0);
	}
	if (geteuid() == 0) {
		*dirp = xstrdup("/var/backups/tlsdeck");
		return (0);
	}
	if (state_dir(&st, cause) != 0)
		return (-1);
	xasprintf(dirp, "%s/backups", st);
	free(st);
	return (0);
}

/*
 * Is every entry of the backup directory a regular file of ours that no
 * one else can write?  Otherwise someone may have planted it.
 */
static int
backup_trust_entries(int fd, const char *dir, char **cause)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		 who[128], why[192];
	int		 dfd, rc = -1;

	if ((dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (d = fdopendir(dfd)) == NULL) {
		cause_set(cause, "backup directory %s: %s", dir,
		    strerror(errno));
		if (dfd != -1)
			close(dfd);
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
			if (errno == ENOENT)
				continue;
			cause_set(cause, "%s/%s: %s", dir, de->d_name,
			    strerror(errno));
			goto out;
		}
		*why = '\0';
		if (S_ISLNK(st.st_mode))
			snprintf(why, sizeof why, "is a symbolic link");
		else if (!S_ISREG(st.st_mode))
			snprintf(why, sizeof why, "is not a regular file");
		else if (st.st_uid != geteuid()) {
			file_who(st.st_uid, who, sizeof who);
			snprintf(why, sizeof why, "belongs to %s", who);
		} else if (st.st_mode & (S_IWGRP | S_IWOTH))
			snprintf(why, sizeof why, "can be written by others "
			    "(mode %04o)", (unsigned int)(st.st_mode & 07777));
		if (*why != '\0') {
			cause_set(cause, "%s/%s: in the backup directory but "
			    "%s: tlsdeck changes nothing while it is there "
			    "(remove it, or move the backup directory away)",
			    dir, de->d_name, why);
			goto out;
		}
	}
	rc = 0;
out:
	closedir(d);
	return (rc);
}

/*
 * Open the backup directory (created when create is set) and check what
 * is in it.  Returns 1 with *fdp -1 when it does not exist and create is
 * not set.
 */
static int
backup_open(bool create, int *fdp, char **realp, char **cause)
{
	struct file_at	 at;
	char		*dir = NULL;
	int		 rc = -1;

	*fdp = -1;
	*realp = NULL;
	if (backup_dir(&dir, cause) != 0)
		return (-1);
	if (!create) {
		if (file_resolve(dir, 0, &at, NULL) != 0 && errno == ENOENT) {
			free(dir);
			return (1);
		}
		file_at_free(&at);
	}
	if (file_private_dir(dir, "backup directory", fdp, realp, cause) != 0)
		goto out;
	if (backup_trust_entries(*fdp, *realp, cause) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0) {
		if (*fdp != -1)
			close(*fdp);
		*fdp = -1;
		free(*realp);
		*realp = NULL;
	}
	free(dir);
	return (rc);
}

/* What the manifest must hold after a change, for mf_verify. */
struct mf_expect {
	const char	*mpath;
	size_t		 count;
	unsigned int	 last_id;	/* 0: any */
};

/* sw_replace verify callback: the new manifest parses and ends as planned. */
static int
mf_verify(const unsigned char *buf, size_t len, void *arg, char **cause)
{
	struct mf_expect	*x = arg;
	struct backup_rec	*recs = NULL;
	size_t			 n = 0;
	int			 rc = -1;

	if (backup_manifest_parse(x->mpath, buf, len, &recs, &n, cause) != 0)
		return (-1);
	if (n != x->count || (x->last_id != 0 && (n == 0 ||
	    recs[n - 1].id != x->last_id)))
		cause_set(cause, "manifest has %zu entries, expected %zu", n,
		    x->count);
	else
		rc = 0;
	backup_list_free(recs, n);
	return (rc);
}

/* Write a backup copy in dirfd, mode 0600, fsync'd.  Picks a free name. */
static int
backup_write_copy(int dirfd, const char *rdir, const char *path,
    unsigned int *idp, const unsigned char *data, size_t len, char **namep,
    char **cause)
{
	struct tm	 tm;
	time_t		 now = time(NULL);
	const char	*base;
	char		 stamp[32], *name = NULL;
	ssize_t		 w;
	size_t		 off = 0;
	int		 fd = -1, tries, rc = -1, saved;

	*namep = NULL;
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	for (tries = 0; ; tries++) {
		free(name);
		xasprintf(&name, "%s-%04u-%.*s", stamp, *idp, BACKUP_BASE_MAX,
		    base);
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1)
			break;
		if (errno != EEXIST || tries >= 1000) {
			cause_set(cause, "%s/%s: cannot create backup: %s",
			    rdir, name, strerror(errno));
			goto out;
		}
		(*idp)++;
	}
	while (off < len) {
		w = write(fd, data + off, len - off);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	if (off != len || fsync(fd) == -1) {
		saved = errno;
		(void)close(fd);
		fd = -1;
	} else if ((fd = close(fd)) == -1)
		saved = errno;
	if (fd == -1) {
		cause_set(cause, "%s/%s: cannot write backup: %s", rdir, name,
		    strerror(saved));
		(void)unlinkat(dirfd, name, 0);
		goto out;
	}
	*namep = name;
	name = NULL;
	rc = 0;
out:
	free(name);
	return (rc);
}

/* Copy data (path's current content) into a new listed backup. */
int
backup_create(const char *path, const unsigned char *data, size_t len,
    unsigned int mode, const struct sw_meta *meta, unsigned int *idp,
    char **cause)
{
	struct sw_file		*mf = NULL;
	struct backup_rec	*recs = NULL, *r;
	struct mf_expect	 x;
	struct sw_meta		 mm = { "backup", "manifest", 0600, 0,
				     NULL };
	struct tm		 tm;
	const unsigned char	*mbuf;
	unsigned char		*yaml = NULL;
	const char		*desc;
	char			*rdir = NULL, *mpath = NULL, *pdir = NULL;
	char			*name = NULL, iso[32], sha[65];
	char			 dbuf[BACKUP_DESC_MAX + 1];
	size_t			 mlen, ylen, n = 0, i;
	unsigned int		 id = 1;
	time_t			 now;
	int			 bfd = -1, rc = -1;

	*idp = 0;
	if (backup_open(true, &bfd, &rdir, cause) != 0)
		goto out;
	pdir = xstrdup(path);
	if (strrchr(pdir, '/') != NULL)
		*strrchr(pdir, '/') = '\0';
	if (strcmp(pdir, rdir) == 0) {
		cause_set(cause, "%s: is in the backup directory; tlsdeck does "
		    "not back up its own backups", path);
		goto out;
	}
	xasprintf(&mpath, "%s/%s", rdir, BACKUP_MANIFEST);
	if (sw_openat(bfd, rdir, BACKUP_MANIFEST, SW_CREATE | SW_NOBACKUP,
	    &mf, cause) != 0)
		goto out;
	sw_content(mf, &mbuf, &mlen);
	if (backup_manifest_parse(mpath, mbuf, mlen, &recs, &n, cause) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if (recs[i].id >= id)
			id = recs[i].id + 1;
	if (backup_write_copy(bfd, rdir, path, &id, data, len, &name,
	    cause) != 0)
		goto out;

	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	sw_sha256_hex(data, len, sha);
	desc = meta != NULL && meta->description != NULL ?
	    meta->description : "";
	recs = xreallocarray(recs, n + 1, sizeof *recs);
	r = &recs[n++];
	memset(r, 0, sizeof *r);
	r->id = id;
	r->time = xstrdup(iso);
	r->command = xstrdup(meta != NULL && meta->command != NULL ?
	    meta->command : "unknown");
	r->description = xstrdup(cause_short(desc, dbuf, sizeof dbuf));
	r->path = xstrdup(path);
	r->file = xstrdup(name);
	r->size = len;
	r->sha256 = xstrdup(sha);
	r->uid = (unsigned int)getuid();
	r->mode = mode & 07777;

	x.mpath = mpath;
	x.count = n;
	x.last_id = id;
	if (backup_manifest_text(mpath, recs, n, &yaml, &ylen, cause) != 0 ||
	    sw_replace(mf, yaml, ylen, mf_verify, &x, &mm, cause) != 0) {
		(void)unlinkat(bfd, name, 0);
		goto out;
	}
	*idp = id;
	rc = 0;
out:
	sw_close(mf);
	backup_list_free(recs, n);
	free(yaml);
	if (bfd != -1)
		close(bfd);
	free(rdir);
	free(mpath);
	free(pdir);
	free(name);
	return (rc);
}

/* Remove backup id and its copy: the change it preceded did not happen. */
int
backup_forget(unsigned int id, char **cause)
{
	struct sw_file		*mf = NULL;
	struct backup_rec	*recs = NULL;
	struct mf_expect	 x;
	struct sw_meta		 mm = { "backup", "manifest", 0600, 0,
				     NULL };
	const unsigned char	*mbuf;
	unsigned char		*yaml = NULL;
	char			*rdir = NULL, *mpath = NULL, *file = NULL;
	size_t			 mlen, ylen, n = 0, i;
	int			 bfd = -1, rc = -1;

	if (backup_open(false, &bfd, &rdir, cause) != 0)
		goto out;
	xasprintf(&mpath, "%s/%s", rdir, BACKUP_MANIFEST);
	if (sw_openat(bfd, rdir, BACKUP_MANIFEST, SW_NOBACKUP, &mf,
	    cause) != 0)
		goto out;
	sw_content(mf, &mbuf, &mlen);
	if (backup_manifest_parse(mpath, mbuf, mlen, &recs, &n, cause) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if (recs[i].id == id)
			break;
	if (i == n) {
		rc = 0;
		goto out;
	}
	file = xstrdup(recs[i].file);
	backup_rec_done(&recs[i]);
	memmove(&recs[i], &recs[i + 1], (n - i - 1) * sizeof *recs);
	n--;
	x.mpath = mpath;
	x.count = n;
	x.last_id = 0;
	if (backup_manifest_text(mpath, recs, n, &yaml, &ylen, cause) != 0 ||
	    sw_replace(mf, yaml, ylen, mf_verify, &x, &mm, cause) != 0)
		goto out;
	(void)unlinkat(bfd, file, 0);
	rc = 0;
out:
	sw_close(mf);
	backup_list_free(recs, n);
	free(yaml);
	if (bfd != -1)
		close(bfd);
	free(rdir);
	free(mpath);
	free(file);
	return (rc);
}

/* Read the manifest: every backup, oldest first. */
int
backup_list(struct backup_rec **recsp, size_t *np, char **cause)
{
	unsigned char	*buf = NULL;
	size_t		 len = 0;
	char		*rdir = NULL, *mpath = NULL, *rcause = NULL;
	int		 bfd = -1, rc = -1, o;

	*recsp = NULL;
	*np = 0;
	if ((o = backup_open(false, &bfd, &rdir, cause)) != 0)
		return (o == 1 ? 0 : -1);
	xasprintf(&mpath, "%s/%s", rdir, BACKUP_MANIFEST);
	/* Replaced by rename, so an unlocked read sees a whole version. */
	if (file_read_at(bfd, BACKUP_MANIFEST, mpath, &buf, &len,
	    &rcause) != 0) {
		if (errno == ENOENT)
			rc = 0;
		else
			cause_set(cause, "%s", rcause);
		goto out;
	}
	rc = backup_manifest_parse(mpath, buf, len, recsp, np, cause);
out:
	free(rcause);
	free(buf);
	close(bfd);
	free(rdir);
	free(mpath);
	return (rc);
}

/* One backup by id or file name. */
int
backup_find(const char *spec, struct backup_rec **rp, char **cause)
{
	struct backup_rec	*recs = NULL;
	unsigned long		 id = 0;
	size_t			 n = 0, i;
	char			*end;
	int			 rc = -1;

	*rp = NULL;
	if (spec == NULL || *spec == '\0') {
		cause_set(cause, "no backup given");
		return (-1);
	}
	if (isdigit((unsigned char)spec[0])) {
		errno = 0;
		id = strtoul(spec, &end, 10);
		if (errno != 0 || *end != '\0' || id == 0 || id > UINT_MAX)
			id = 0;
	}
	if (backup_list(&recs, &n, cause) != 0)
		return (-1);
	for (i = 0; i < n; i++) {
		if ((id != 0 && recs[i].id == id) ||
		    strcmp(recs[i].file, spec) == 0) {
			*rp = xcalloc(1, sizeof **rp);
			backup_rec_copy(*rp, &recs[i]);
			rc = 0;
			break;
		}
	}
	if (rc != 0)
		cause_set(cause, "backup %s: no such backup (see tlsdeck "
		    "history)", spec);
	backup_list_free(recs, n);
	return (rc);
}

/* The bytes of a backup, checked against the manifest. */
int
backup_read(const struct backup_rec *r, unsigned char **bufp, size_t *lenp,
    char **cause)
{
	unsigned char	*buf = NULL;
	size_t		 len = 0;
	char		*rdir = NULL, *full = NULL, *rcause = NULL, sha[65];
	int		 bfd = -1, rc = -1, o;

	*bufp = NULL;
	*lenp = 0;
	if ((o = backup_open(false, &bfd, &rdir, cause)) != 0) {
		if (o == 1)
			cause_set(cause, "backup %u: there is no backup "
			    "directory", r->id);
		return (-1);
	}
	xasprintf(&full, "%s/%s", rdir, r->file);
	if (file_read_at(bfd, r->file, full, &buf, &len, &rcause) != 0) {
		cause_set(cause, "backup %u: %s", r->id, rcause);
		goto out;
	}
	sw_sha256_hex(buf, len, sha);
	if (len != r->size || strcmp(sha, r->sha256) != 0) {
		cause_set(cause, "backup %u: %s: content does not match the "
		    "manifest (size %zu, SHA-256 %.16s...; expected %llu, "
		    "%.16s...); refusing to use it", r->id, full, len, sha,
		    (unsigned long long)r->size, r->sha256);
		goto out;
	}
	*bufp = buf;
	*lenp = len;
	buf = NULL;
	rc = 0;
out:
	if (buf != NULL)
		explicit_bzero(buf, len);
	free(buf);
	free(rcause);
	close(bfd);
	free(rdir);
	free(full);
	return (rc);
}

/* sw_commit verify callback for restore: the bytes are the backup's. */
static int
backup_verify_sha(const unsigned char *buf, size_t len, void *arg,
    char **cause)
{
	const char	*want = arg;
	char		 sha[65];

	sw_sha256_hex(buf, len, sha);
	if (strcmp(sha, want) != 0) {
		cause_set(cause, "SHA-256 %s, expected %s", sha, want);
		return (-1);
	}
	return (0);
}

/*
 * The one commit with a backup: back the file up, then sw_replace; when
 * the replace fails, remove the backup's entry again (the change did not
 * happen), and keep another writer's version that could not be put back.
 */
int
sw_commit(struct sw_file *f, const unsigned char *data, size_t len,
    sw_verify_fn verify, void *arg, const struct sw_meta *meta, char **cause)
{
	struct sw_meta		 lm = { "conflict", "", 0600, 0, NULL };
	const unsigned char	*cur, *lost;
	char			*bcause = NULL, *c2 = NULL, *desc = NULL;
	size_t			 curlen, lostlen;
	unsigned int		 id = 0, lid = 0;
	int			 rc = -1;

	sw_set_backup_id(f, 0);
	if (sw_exists(f) && !(sw_flags(f) & SW_NOBACKUP)) {
		sw_content(f, &cur, &curlen);
		if (backup_create(sw_path(f), cur, curlen, sw_mode(f), meta,
		    &id, &bcause) != 0) {
			cause_set(cause, "%s: not changed: the backup failed: "
			    "%s", sw_name(f), bcause);
			goto out;
		}
	}
	/* Set before the replace: a transaction's journal records it. */
	sw_set_backup_id(f, id);
	if (sw_replace(f, data, len, verify, arg, meta, &c2) == 0) {
		rc = 0;
		goto out;
	}
	sw_set_backup_id(f, 0);
	if (id != 0 && backup_forget(id, &bcause) != 0) {
		cause_set(cause, "%s; and backup %u, made for it, stays in the "
		    "history: %s", c2 != NULL ? c2 : "not changed", id, bcause);
		goto out;
	}
	if ((lost = sw_lost(f, &lostlen)) != NULL) {
		xasprintf(&desc, "another program's version of %s, found while "
		    "tlsdeck replaced it", sw_path(f));
		lm.description = desc;
		free(bcause);
		bcause = NULL;
		if (backup_create(sw_path(f), lost, lostlen, sw_mode(f), &lm,
		    &lid, &bcause) == 0)
			cause_set(cause, "%s; it is saved as backup %u "
			    "(tlsdeck restore %u)", c2, lid, lid);
		else
			cause_set(cause, "%s; and saving it failed: %s", c2,
			    bcause);
	}
	cause_set(cause, "%s", c2 != NULL ? c2 : "not changed");
out:
	free(desc);
	free(bcause);
	free(c2);
	return (rc);
}

/* Put a backup back at its path through sw_commit. */
int
backup_restore(const struct backup_rec *r, int flags,
    struct backup_outcome *o, char **cause)
{
	struct sw_file		*f = NULL;
	struct sw_meta		 meta;
	const char *const	*notes;
	unsigned char		*data = NULL;
	char			*desc = NULL;
	size_t			 len = 0, nn, i, used;
	int			 rc = -1;

	memset(o, 0, sizeof *o);
	if (backup_read(r, &data, &len, cause) != 0)
		return (-1);
	if (sw_open(r->path, SW_CREATE, &f, cause) != 0)
		goto out;
	o->existed = sw_exists(f);
	if (o->existed && strcmp(sw_sha256(f), r->sha256) == 0) {
		o->same = true;
		rc = 0;
		goto out;
	}
	if (flags & BACKUP_DRY_RUN) {
		rc = 0;
		goto out;
	}
	xasprintf(&desc, "restore backup %u of %s", r->id, r->time);
	memset(&meta, 0, sizeof meta);
	meta.command = "restore";
	meta.description = desc;
	meta.mode = (r->mode != 0 ? r->mode : 0600) & BACKUP_MODE_MASK;
	if (sw_commit(f, data, len, backup_verify_sha, r->sha256, &meta,
	    cause) != 0)
		goto out;
	o->prev_id = sw_backup_id(f);
	nn = sw_notes(f, &notes);
	for (i = 0; i < nn; i++) {
		used = strlen(o->note);
		snprintf(o->note + used, sizeof o->note - used, "%s%s",
		    used != 0 ? "; " : "", notes[i]);
	}
	rc = 0;
out:
	sw_close(f);
	if (data != NULL)
		explicit_bzero(data, len);
	free(data);
	free(desc);
	return (rc);
}

/* SPDX-License-Identifier: ISC */
/*
 * fuzz-model.c -- the running server's sources, from a fake procfs: the
 * input is three parts separated by 0xff bytes, written as
 * conf/application.yml (profile documents, locations, bundles), the
 * process's cmdline (after "java", NUL-separated: -D system properties,
 * --name=value arguments) and its environ (relaxed binding,
 * SPRING_APPLICATION_JSON).  net/tcp says port 8080 listens, its socket
 * belongs to pid 77 whose cwd is the tree.  The model must load (or refuse
 * the file with one line), its findings be sorted and known, and no
 * password reach a settings row.
 */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 fz_dir[] = "/tmp/tlsdeck-fuzz-model.XXXXXX";
static char	*fz_proc;

/* nftw: remove one path. */
static int
fz_rm(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return (remove(p));
}

static void
fz_cleanup(void)
{
	nftw(fz_dir, fz_rm, 8, FTW_DEPTH | FTW_PHYS);
}

/* Write buf to DIR/REL. */
static void
fz_write(const char *rel, const void *buf, size_t len)
{
	char	*p;
	FILE	*f;

	xasprintf(&p, "%s/%s", fz_dir, rel);
	if ((f = fopen(p, "wb")) == NULL)
		abort();
	if (len > 0 && fwrite(buf, 1, len, f) != len)
		abort();
	fclose(f);
	free(p);
}

/* The tree and the fake procfs, once. */
static void
fz_init(void)
{
	static const char	*dirs[] = { "conf", "conf/ssl", "jre", "proc",
	    "proc/net", "proc/77", "proc/77/fd" };
	static const char	 tcp[] =
	    "  sl  local_address rem_address   st tx_queue rx_queue tr "
	    "tm->when retrnsmt   uid  timeout inode\n"
	    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
	    "00000000     0        0 4242 1 0 100 0 0 10 0\n";
	static const char	 status[] = "Name:\tjava\nUid:\t0\t0\t0\t0\n"
	    "Gid:\t0\t0\t0\t0\nGroups:\t4 27\n";
	char			*p, *q;
	size_t			 i;

	if (mkdtemp(fz_dir) == NULL)
		abort();
	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		xasprintf(&p, "%s/%s", fz_dir, dirs[i]);
		if (mkdir(p, 0755) != 0)
			abort();
		free(p);
	}
	fz_write("jre/release", "JAVA_VERSION=\"17.0.2\"\n", 22);
	fz_write("conf/ssl/keystore.p12", "\x30\x82\x01\x00\x02\x01\x03", 7);
	fz_write("proc/net/tcp", tcp, sizeof tcp - 1);
	fz_write("proc/77/status", status, sizeof status - 1);
	xasprintf(&p, "%s/proc/77/fd/3", fz_dir);
	if (symlink("socket:[4242]", p) != 0)
		abort();
	free(p);
	xasprintf(&p, "%s/proc/77/cwd", fz_dir);
	xasprintf(&q, "%s", fz_dir);
	if (symlink(q, p) != 0)
		abort();
	free(p);
	free(q);
	xasprintf(&fz_proc, "%s/proc", fz_dir);
	atexit(fz_cleanup);
}

/* The part of data up to the next 0xff (or the end). */
static size_t
fz_part(const uint8_t *data, size_t size, size_t *next)
{
	const uint8_t	*e;

	if ((e = memchr(data, 0xff, size)) == NULL) {
		*next = size;
		return (size);
	}
	*next = (size_t)(e - data) + 1;
	return ((size_t)(e - data));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct server_opts	 o;
	struct server_model	*m = NULL;
	char			*cause = NULL;
	unsigned char		*cmd;
	size_t			 i, n, next;

	if (fz_proc == NULL)
		fz_init();
	n = fz_part(data, size, &next);
	fz_write("conf/application.yml", data, n);
	data += next;
	size -= next;
	n = fz_part(data, size, &next);
	cmd = xmalloc(n + 5);
	memcpy(cmd, "java", 5);
	memcpy(cmd + 5, data, n);
	fz_write("proc/77/cmdline", cmd, n + 5);
	free(cmd);
	data += next;
	size -= next;
	fz_write("proc/77/environ", data, size);

	server_opts_init(&o);
	o.server = fz_dir;
	o.proc = fz_proc;
	o.now = 1800000000;
	if (server_model_load(&o, &m, &cause) != 0) {
		/* only a file that is no YAML is refused */
		if (cause == NULL || strchr(cause, '\n') != NULL)
			abort();
		free(cause);
		return (0);
	}
	for (i = 0; i < m->nfindings; i++) {
		if (audit_code_label(m->findings[i]->code)[0] == '\0')
			abort();
		if (i > 0 && m->findings[i - 1]->sev < m->findings[i]->sev)
			abort();
	}
	for (i = 0; i < m->nsettings; i++)
		if (m->settings[i]->secret && m->settings[i]->value != NULL)
			abort();
	if (m->served == NULL)
		abort();
	server_model_free(m);
	free(cause);
	return (0);
}

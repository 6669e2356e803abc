/* SPDX-License-Identifier: ISC */
/*
 * fuzz-server.c -- the whole server model (discovery, placeholders,
 * settings rows, every audit check) with arbitrary bytes as
 * application.properties, in a tree made once: conf/, conf/ssl/ holding a
 * junk keystore.p12, and a jre/ with a release file but no cacerts.  The
 * model must load (an unreadable file is an error), its findings be
 * sorted and each code known to audit.c; binary data, XML, JSON or an INI
 * file is refused with one line.
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

static char	 fz_dir[] = "/tmp/tlsdeck-fuzz-server.XXXXXX";
static char	*fz_props;

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

/* Write s to DIR/REL. */
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

/* The tree, once. */
static void
fz_init(void)
{
	static const char	*dirs[] = { "conf", "conf/ssl", "jre" };
	char			*p;
	size_t			 i;

	if (mkdtemp(fz_dir) == NULL)
		abort();
	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		xasprintf(&p, "%s/%s", fz_dir, dirs[i]);
		if (mkdir(p, 0755) != 0)
			abort();
		free(p);
	}
	fz_write("jre/release", "JAVA_VERSION=\"11.0.2\"\n", 22);
	fz_write("conf/ssl/keystore.p12", "\x30\x82\x01\x00\x02\x01\x03", 7);
	xasprintf(&fz_props, "%s/conf/application.properties", fz_dir);
	atexit(fz_cleanup);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct server_opts	 o;
	struct server_model	*m = NULL;
	char			*cause = NULL;
	size_t			 i;

	if (fz_props == NULL)
		fz_init();
	fz_write("conf/application.properties", data, size);
	server_opts_init(&o);
	o.server = fz_dir;
	o.flags = SERVER_NO_LIVE;
	o.now = 1800000000;
	if (server_model_load(&o, &m, &cause) != 0) {
		/* only what is plainly no properties file is refused */
		if (cause == NULL || strstr(cause, ": looks like ") == NULL)
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
	server_model_free(m);
	free(cause);
	return (0);
}

/* SPDX-License-Identifier: ISC */
/*
 * step-export.c -- export: an entry's certificate or chain as PEM or DER,
 * and the safe writing of new output files (export, csr).
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* export: see core.h. */
int
step_export(const struct keystore *ks, const char *alias, int flags,
    unsigned char **out, size_t *outlen, size_t *ncerts, char **cause)
{
	const char	*name = ks->path != NULL ? ks->path : "keystore";
	struct ks_entry	*e;
	char		*buf = NULL, *pem, sa[CAUSE_SHORT];
	size_t		 n, i, len = 0, pl;

	*out = NULL;
	*outlen = 0;
	*ncerts = 0;
	if (alias == NULL || *alias == '\0') {
		cause_set(cause, "an alias is needed");
		return (-1);
	}
	if ((e = keystore_find(ks, alias)) == NULL) {
		cause_set(cause, "%s: no entry with alias \"%s\"", name,
		    cause_short(alias, sa, sizeof sa));
		return (-1);
	}
	if (e->nchain == 0) {
		cause_set(cause, "%s: entry \"%s\" is a %s: it holds no "
		    "certificate", name, e->alias, ks_etype_name(e->type));
		return (-1);
	}
	n = (flags & STEP_EXPORT_CHAIN) ? e->nchain : 1;
	if (flags & STEP_EXPORT_DER) {
		if (n > 1) {
			cause_set(cause, "DER holds one certificate: the chain "
			    "of \"%s\" has %zu; export it as PEM", e->alias, n);
			return (-1);
		}
		*out = xmemdup(e->chain[0]->der, e->chain[0]->len);
		*outlen = e->chain[0]->len;
		*ncerts = 1;
		return (0);
	}
	for (i = 0; i < n; i++) {
		pem = cert_pem(e->chain[i]);
		pl = strlen(pem);
		buf = xreallocarray(buf, len + pl + 1, 1);
		memcpy(buf + len, pem, pl + 1);
		len += pl;
		free(pem);
	}
	*out = (unsigned char *)buf;
	*outlen = len;
	*ncerts = n;
	return (0);
}

/* Write a new output file through the safe path (see core.h). */
int
step_write_file(const char *path, const unsigned char *data, size_t len,
    bool force, unsigned int mode, const struct server_owner *owner,
    const char *command, const char *description, struct step_result *r,
    char **cause)
{
	struct sw_file	*sw = NULL;
	struct sw_meta	 meta;
	int		 rc = -1;

	if (sw_open(path, SW_CREATE, &sw, cause) != 0)
		goto out;
	if (sw_exists(sw) && !force) {
		cause_set(cause, "%s: already exists; not overwritten (force "
		    "it to replace the file; a backup is kept)", path);
		goto out;
	}
	memset(&meta, 0, sizeof meta);
	meta.command = command;
	meta.description = description;
	meta.mode = mode;
	meta.owner = owner;
	rc = sw_commit(sw, data, len, NULL, NULL, &meta, cause);
	if (rc == 0 && r != NULL)
		step_result_sw(r, sw);
out:
	sw_close(sw);
	return (rc);
}

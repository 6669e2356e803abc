/* SPDX-License-Identifier: ISC */
/*
 * step-pem.c -- renew a PEM key material self-signed: a new key and a
 * self-signed certificate as new PEM files beside the old ones (which
 * stay), written through the safe-write path for the server's user, then
 * the settings that name the files switched to them in the source that
 * wins (docs/server-model.md, Renewing PEM key material).  The settings
 * fail: the new files are removed again.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core.h"

/* "DIR/NAME-YYYYMMDD.EXT", a name no file has yet (malloc'd). */
static char *
sp_new_file(const char *path, const char *day)
{
	const char	*base, *dot;
	char		*p;
	size_t		 blen;
	int		 i;

	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	dot = strrchr(base, '.');
	if (dot == base)
		dot = NULL;
	blen = dot != NULL ? (size_t)(dot - base) : strlen(base);
	/* An earlier renewal's date is replaced, not appended to. */
	if (blen > 9 && base[blen - 9] == '-' &&
	    strspn(base + blen - 8, "0123456789") >= 8)
		blen -= 9;
	for (i = 1;; i++) {
		if (i == 1)
			xasprintf(&p, "%.*s%.*s-%s%s", (int)(base - path), path,
			    (int)blen, base, day, dot != NULL ? dot : "");
		else
			xasprintf(&p, "%.*s%.*s-%s-%d%s", (int)(base - path),
			    path, (int)blen, base, day, i, dot != NULL ? dot :
			    "");
		if (access(p, F_OK) != 0 && errno == ENOENT)
			return (p);
		free(p);
	}
}

/* Write the settings: the kind's plan, else the winning Spring files. */
static int
sp_settings(const struct server_model *m, const struct step_prop *p,
    size_t np, bool dry, struct step_result *r, char **cause)
{
	struct step_conf_plan		 plan;
	struct step_settings_opts	 o;
	struct step_result		 sr;
	struct cfg_plan_group		*g = NULL;
	size_t				 ng = 0, i, j;
	int				 rc = -1;

	memset(&plan, 0, sizeof plan);
	if (m->kind != NULL && m->kind->plan_set != NULL) {
		if (m->kind->plan_set(m, p, np, &plan, cause) != 0)
			goto out;
		for (i = 0; i < plan.nnotes; i++)
			step_note(r, "%s", plan.notes[i]);
		for (i = 0; i < plan.nfiles; i++) {
			memset(&o, 0, sizeof o);
			memset(&sr, 0, sizeof sr);
			o.dry_run = dry;
			if (step_conf(&plan.files[i], &o, &sr, cause) != 0)
				goto out;
			for (j = 0; j < sr.nnotes; j++)
				step_note(r, "%s", sr.notes[j]);
			step_result_free(&sr);
		}
		rc = 0;
		goto out;
	}
	if (cfg_plan_groups(m, p, np, &g, &ng, cause) != 0)
		goto out;
	for (i = 0; i < ng; i++) {
		memset(&o, 0, sizeof o);
		memset(&sr, 0, sizeof sr);
		o.props = g[i].props;
		o.nprops = g[i].n;
		o.dry_run = dry;
		if ((g[i].src->format == CFG_FMT_YAML ?
		    step_settings_yaml(g[i].src->path, g[i].docs, &o, &sr,
		    cause) : step_settings(g[i].src->path, &o, &sr,
		    cause)) != 0) {
			step_result_free(&sr);
			goto out;
		}
		for (j = 0; j < sr.nnotes; j++)
			step_note(r, "%s", sr.notes[j]);
		if (sr.backup_id != 0)
			step_note(r, "wrote %s (backup %u: tlsdeck restore %u)",
			    g[i].src->path, sr.backup_id, sr.backup_id);
		step_result_free(&sr);
	}
	rc = 0;
out:
	step_conf_plan_free(&plan);
	cfg_plan_groups_free(g, ng);
	return (rc);
}

/* A new file through the safe-write path (never over an existing one). */
static int
sp_write(const struct server_model *m, const char *path,
    const unsigned char *data, size_t len, bool private, const char *desc,
    struct step_result *r, char **cause)
{
	struct sw_file	*sw = NULL;
	struct sw_meta	 meta;
	int		 rc = -1;

	if (sw_open(path, SW_CREATE | SW_NOBACKUP, &sw, cause) != 0)
		return (-1);
	if (sw_exists(sw)) {
		cause_set(cause, "%s: appeared meanwhile; not overwritten",
		    path);
		goto out;
	}
	memset(&meta, 0, sizeof meta);
	meta.command = "renew";
	meta.description = desc;
	meta.mode = private ? 0600 : 0644;
	meta.flags = private ? SW_PRIVATE : 0;
	meta.owner = server_owner_for(m, path);
	if (sw_commit(sw, data, len, NULL, NULL, &meta, cause) != 0)
		goto out;
	step_result_sw(r, sw);
	rc = 0;
out:
	sw_close(sw);
	return (rc);
}

/* The key as PKCS#8 PEM (encrypted with pass when given); malloc'd. */
static int
sp_key_pem(EVP_PKEY *pk, const struct secret *pass, char **out, size_t *len,
    char **cause)
{
	BIO	*bio;
	BUF_MEM	*bm;
	int	 ok;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		fatalx("out of memory");
	if (pass != NULL && pass->len > 0)
		ok = PEM_write_bio_PKCS8PrivateKey(bio, pk, EVP_aes_256_cbc(),
		    pass->buf, (int)pass->len, NULL, NULL);
	else
		ok = PEM_write_bio_PKCS8PrivateKey(bio, pk, NULL, NULL, 0,
		    NULL, NULL);
	if (!ok) {
		cause_ssl(cause, "cannot encode the key");
		BIO_free(bio);
		return (-1);
	}
	BIO_get_mem_ptr(bio, &bm);
	*out = xmalloc(bm->length + 1);
	memcpy(*out, bm->data, bm->length);
	(*out)[bm->length] = '\0';
	*len = bm->length;
	OPENSSL_cleanse(bm->data, bm->length);
	BIO_free(bio);
	return (0);
}

void
step_renew_pem_info_free(struct step_renew_pem_info *info)
{
	if (info == NULL)
		return;
	free(info->cert_path);
	free(info->key_path);
	memset(info, 0, sizeof *info);
}

int
step_renew_pem(const struct server_model *m, const struct key_material *mat,
    const struct step_renew_pem_opts *o, struct step_result *r,
    struct step_renew_pem_info *info, char **cause)
{
	struct X509_name_st	*dn = NULL;
	struct san_list		*san = NULL;
	struct renew_facts	 nf;
	struct step_prop	 p[2];
	EVP_PKEY		*pk = NULL;
	X509			*x = NULL;
	struct cert		*c = NULL;
	char			 day[16], *keypem = NULL, *certpem = NULL;
	char			*v[2] = { NULL, NULL }, *desc = NULL;
	size_t			 keylen = 0;
	bool			 wrote_key = false, wrote_cert = false;
	struct tm		 tm;
	time_t			 now = time(NULL);
	int			 days = o->days > 0 ? o->days : 3650, n;
	int			 rc = -1;

	memset(r, 0, sizeof *r);
	memset(info, 0, sizeof *info);
	if (mat->role == KM_ROLE_ENCRYPTION) {
		cause_set(cause, "%s: the encryption key is never renewed: %s",
		    mat->path != NULL ? mat->path : "encryption",
		    mat->not_renewable != NULL ? mat->not_renewable :
		    "its key pair decrypts stored data");
		return (-1);
	}
	if (mat->where != KM_PEM || mat->cert_path == NULL ||
	    mat->key_path == NULL || mat->keys.cert == NULL ||
	    mat->keys.key == NULL) {
		cause_set(cause, "%s: not a PEM certificate and key in files "
		    "of their own, named by settings", mat->path != NULL ?
		    mat->path : "the key material");
		return (-1);
	}
	if (dn_parse(o->dname, &dn, cause) != 0)
		goto out;
	if (o->san != NULL && *o->san != '\0' &&
	    san_parse(o->san, &san, cause) != 0)
		goto out;
	gmtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y%m%d", &tm);
	info->cert_path = sp_new_file(mat->cert_path, day);
	info->key_path = sp_new_file(mat->key_path, day);
	if (strcmp(info->cert_path, info->key_path) == 0) {
		free(info->key_path);
		xasprintf(&info->key_path, "%s.key", info->cert_path);
	}

	if (keygen_generate_cancel(o->keyalg != NULL ? o->keyalg : "rsa",
	    o->keysize, o->curve, o->cancel, &pk, cause) != 0)
		goto out;
	if (keygen_selfsigned(pk, dn, san, days, &x, cause) != 0)
		goto out;
	if ((c = cert_from_x509(x, cause)) == NULL)
		goto out;
	if (mat->key_entry != NULL && mat->key_entry->nchain > 0) {
		if (renew_facts_cert(c, &nf, cause) != 0)
			goto out;
		n = renew_preflight(r, mat->key_entry->chain[0],
		    "the certificate in use", &nf, NULL, "give them",
		    o->accept_san_loss, o->dry_run, mat->cert_path, cause);
		renew_facts_done(&nf);
		if (n != 0)
			goto out;
	}
	if (sp_key_pem(pk, mat->keypass, &keypem, &keylen, cause) != 0)
		goto out;
	certpem = cert_pem(c);

	v[0] = cfg_value_renamed(m, mat->keys.cert, mat->cert_path, info->cert_path);
	v[1] = cfg_value_renamed(m, mat->keys.key, mat->key_path, info->key_path);
	p[0].key = mat->keys.cert;
	p[0].value = v[0];
	p[0].secret = NULL;
	p[1].key = mat->keys.key;
	p[1].value = v[1];
	p[1].secret = NULL;
	step_note(r, "new files %s and %s%s (the old ones stay)",
	    info->cert_path, info->key_path, mat->keypass != NULL &&
	    mat->keypass->len > 0 ? ", the key encrypted with the key "
	    "password" : "");
	if (o->dry_run) {
		rc = sp_settings(m, p, 2, true, r, cause);
		goto done;
	}

	xasprintf(&desc, "renewed private key (was %s)", mat->key_path);
	if (sp_write(m, info->key_path, (unsigned char *)keypem, keylen,
	    true, desc, r, cause) != 0)
		goto out;
	wrote_key = true;
	free(desc);
	xasprintf(&desc, "renewed certificate (was %s)", mat->cert_path);
	if (sp_write(m, info->cert_path, (unsigned char *)certpem,
	    strlen(certpem), false, desc, r, cause) != 0)
		goto out;
	wrote_cert = true;
	if (sp_settings(m, p, 2, false, r, cause) != 0)
		goto out;
	rc = 0;
done:
	r->chain = xcalloc(1, sizeof *r->chain);
	r->chain[r->nchain++] = c;
	c = NULL;
	r->anchor = STEP_ANCHOR_SELF;
	r->format = KS_FMT_PEM;
out:
	if (rc != 0) {
		/* Nothing half done: the new files go again. */
		if (wrote_cert)
			(void)unlink(info->cert_path);
		if (wrote_key)
			(void)unlink(info->key_path);
	}
	if (keypem != NULL) {
		explicit_bzero(keypem, keylen);
		free(keypem);
	}
	free(certpem);
	free(v[0]);
	free(v[1]);
	free(desc);
	if (c != NULL)
		cert_free(c);
	X509_free(x);
	EVP_PKEY_free(pk);
	X509_NAME_free(dn);
	san_list_free(san);
	return (rc);
}

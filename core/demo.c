/* SPDX-License-Identifier: ISC */
/*
 * demo.c -- tlsdeck demo: a complete server tree in the vendor's layout,
 * built with tlsdeck's own core (keys, certificates, PKCS#12 and JKS
 * writers, the .properties editor, the safe-write path), in a realistic
 * mix of states:
 *
 *   DIR/conf/application.properties   the seven HTTPS settings, with
 *                                      ${sharedDataPath} and server.port
 *                                      set twice (the usual mistake)
 *   DIR/conf/ssl/keystore.p12         "integration-manager": a chain of
 *                                      three (demo root -> issuing CA ->
 *                                      server); "old-server": expires in
 *                                      10 days; the two CAs as trusted
 *   DIR/jre/release                   JAVA_VERSION="17.0.15"
 *   DIR/jre/lib/security/cacerts      JKS, "changeit", the demo root
 *
 * Every key and certificate is new and fake.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core.h"

/* A certificate to make: who, signed by whom, for how long. */
struct demo_cert {
	const char	*dname;
	const char	*san;		/* or NULL */
	bool		 ca;
	int		 pathlen;	/* -1: none */
	long		 age;		/* days since notBefore */
	long		 left;		/* days until notAfter */
};

/* Add one extension by its OpenSSL config text. */
static int
demo_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value, char **cause)
{
	X509_EXTENSION	*ext;
	int		 ok;

	if ((ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value)) == NULL) {
		cause_ssl(cause, "demo certificate: extension %s",
		    OBJ_nid2sn(nid));
		return (-1);
	}
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (!ok) {
		cause_ssl(cause, "demo certificate: extension %s",
		    OBJ_nid2sn(nid));
		return (-1);
	}
	return (0);
}

/*
 * Make a certificate for pk signed by (issuer, ikey); issuer NULL makes it
 * self-signed.  Dates are relative to now, so the demo's days left are
 * exact.
 */
static struct cert *
demo_sign(const struct demo_cert *dc, EVP_PKEY *pk, X509 *issuer,
    EVP_PKEY *ikey, X509 **xout, char **cause)
{
	X509_NAME	*name = NULL;
	X509		*x = NULL;
	X509V3_CTX	 ctx;
	BIGNUM		*bn = NULL;
	struct san_list	*san = NULL;
	X509_EXTENSION	*sext = NULL;
	struct cert	*c = NULL;
	const char	*digest;
	unsigned char	 rnd[12];
	char		 bc[48];
	time_t		 now = time(NULL);

	*xout = NULL;
	if (dn_parse(dc->dname, &name, cause) != 0)
		goto out;
	if ((x = X509_new()) == NULL || !X509_set_version(x, X509_VERSION_3))
		goto ssl;
	if (RAND_bytes(rnd, sizeof rnd) != 1)
		goto ssl;
	rnd[0] &= 0x7f;
	rnd[0] |= 0x10;
	if ((bn = BN_bin2bn(rnd, sizeof rnd, NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto ssl;
	if (!X509_set_subject_name(x, name) || !X509_set_issuer_name(x,
	    issuer != NULL ? X509_get_subject_name(issuer) : name))
		goto ssl;
	if (X509_time_adj_ex(X509_getm_notBefore(x), -(int)dc->age, 0,
	    &now) == NULL || X509_time_adj_ex(X509_getm_notAfter(x),
	    (int)dc->left, 3600, &now) == NULL)
		goto ssl;
	if (!X509_set_pubkey(x, pk))
		goto ssl;

	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	if (dc->ca) {
		if (dc->pathlen >= 0)
			snprintf(bc, sizeof bc, "critical,CA:TRUE,pathlen:%d",
			    dc->pathlen);
		else
			snprintf(bc, sizeof bc, "critical,CA:TRUE");
	} else
		snprintf(bc, sizeof bc, "critical,CA:FALSE");
	if (demo_ext(x, &ctx, NID_basic_constraints, bc, cause) != 0 ||
	    demo_ext(x, &ctx, NID_key_usage, dc->ca ?
	    "critical,keyCertSign,cRLSign" : EVP_PKEY_get_base_id(pk) ==
	    EVP_PKEY_RSA ? "critical,digitalSignature,keyEncipherment" :
	    "critical,digitalSignature", cause) != 0 ||
	    demo_ext(x, &ctx, NID_subject_key_identifier, "hash",
	    cause) != 0)
		goto out;
	if (issuer != NULL && demo_ext(x, &ctx, NID_authority_key_identifier,
	    "keyid:always", cause) != 0)
		goto out;
	if (!dc->ca && demo_ext(x, &ctx, NID_ext_key_usage, "serverAuth",
	    cause) != 0)
		goto out;
	if (dc->san != NULL) {
		if (san_parse(dc->san, &san, cause) != 0 ||
		    (sext = san_list_ext(san, false, cause)) == NULL)
			goto out;
		if (!X509_add_ext(x, sext, -1))
			goto ssl;
	}
	digest = keygen_digest(ikey != NULL ? ikey : pk);
	if (X509_sign(x, ikey != NULL ? ikey : pk, digest != NULL ?
	    EVP_get_digestbyname(digest) : NULL) <= 0)
		goto ssl;
	if ((c = cert_from_x509(x, cause)) == NULL)
		goto out;
	*xout = x;
	x = NULL;
	goto out;
ssl:
	cause_ssl(cause, "demo certificate %s", dc->dname);
out:
	X509_EXTENSION_free(sext);
	san_list_free(san);
	BN_free(bn);
	X509_free(x);
	dn_free(name);
	return (c);
}

/* mkdir -p for one level, accepting an existing directory. */
static int
demo_mkdir(const char *path, char **cause)
{
	struct stat	sb;

	if (mkdir(path, 0755) == 0)
		return (0);
	if (errno == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return (0);
	cause_set(cause, "%s: %s", path, strerror(errno));
	return (-1);
}

/* Write a new file of the tree through the safe path. */
static int
demo_write(const char *dir, const char *rel, const void *data, size_t len,
    unsigned int mode, const char *what, char **cause)
{
	char	*path;
	int	 rc;

	xasprintf(&path, "%s/%s", dir, rel);
	rc = step_write_file(path, data, len, false, mode, NULL, "demo", what,
	    NULL, cause);
	free(path);
	return (rc);
}

/* A trusted entry holding a copy of c. */
static void
demo_trusted(struct keystore *ks, const char *alias, const struct cert *c)
{
	struct ks_entry	*e;

	e = ks_entry_new(alias, KS_ENTRY_TRUSTED);
	e->date_ms = step_now_ms();
	ks_entry_add_cert(e, cert_dup(c));
	keystore_add(ks, e);
}

/* Can a socket bind 127.0.0.1:port (0: any port; the port bound)? */
static int
demo_bind(int port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd, on = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (-1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
		close(fd);
		return (-1);
	}
	close(fd);
	return (ntohs(sin.sin_port));
}

/*
 * The demo's HTTPS port: one nothing listens on, so that the dashboard's
 * live probe finds no server there instead of a real one (a host running
 * a Java web server has 8443, 443 or 8080 taken).  8443 when it is free,
 * else 9443, 10443, ... 18443, else a port the kernel picks.
 */
static int
demo_port(void)
{
	int	port;

	for (port = 8443; port <= 18443; port += 1000) {
		if (server_port_listening(NULL, port, NULL) != 1 &&
		    demo_bind(port) == port)
			return (port);
	}
	if ((port = demo_bind(0)) > 0)
		return (port);
	return (8443);
}

/* The application.properties of the demo (sharedDataPath set by props). */
static int
demo_properties(const char *dir, unsigned char **out, size_t *outlen,
    char **cause)
{
	static const char	*head =
	    "# Actian DataConnect Integration Manager -- tlsdeck demo tree\n"
	    "# (built by 'tlsdeck demo': every key and certificate here is "
	    "fake)\n"
	    "sharedDataPath=/\n"
	    "installPath=/\n"
	    "\n"
	    "# web server\n"
	    "server.port=8080\n"
	    "spring.servlet.multipart.max-file-size=50MB\n"
	    "engine.licensePath=${sharedDataPath}/license/cosmos.slc\n"
	    "\n"
	    "# HTTPS (admin guide, \"Enabling HTTPS\")\n"
	    "security.require-ssl=true\n";
	static const char	*tail =
	    "server.ssl.key-store=${sharedDataPath}/conf/ssl/keystore.p12\n"
	    "server.ssl.key-store-password=" DEMO_STOREPASS "\n"
	    "server.ssl.key-store-type=PKCS12\n"
	    "server.ssl.key-alias=integration-manager\n"
	    "im.base-url=https://localhost:${server.port}\n";
	struct props	*p = NULL;
	char		*text;
	int		 rc = -1;

	xasprintf(&text, "%sserver.port=%d\n%s", head, demo_port(), tail);
	if (props_parse((const unsigned char *)text, strlen(text),
	    "demo application.properties", &p, cause) != 0) {
		free(text);
		return (-1);
	}
	free(text);
	if (props_set(p, "sharedDataPath", dir, cause) != 0 ||
	    props_set(p, "installPath", dir, cause) != 0)
		goto out;
	props_serialize(p, out, outlen);
	rc = 0;
out:
	props_free(p);
	return (rc);
}

/* Free what a demo_info holds. */
void
demo_info_done(struct demo_info *di)
{
	if (di == NULL)
		return;
	free(di->dir);
	free(di->properties);
	free(di->keystore);
	free(di->cacerts);
	memset(di, 0, sizeof *di);
}

/* demo: see core.h. */
int
demo_build(const char *dir, struct demo_info *di, char **cause)
{
	static const struct demo_cert	 root_dc = {
	    "CN=tlsdeck Demo Root CA, O=tlsdeck Demo, C=US", NULL, true,
	    -1, 400, 7300 };
	static const struct demo_cert	 ica_dc = {
	    "CN=tlsdeck Demo Issuing CA 1, O=tlsdeck Demo, C=US", NULL, true,
	    0, 380, 3650 };
	static const struct demo_cert	 srv_dc = {
	    "CN=localhost, OU=Integration, O=tlsdeck Demo, C=US",
	    "dns:localhost,ip:127.0.0.1", false, -1, 30, 367 };
	static const struct demo_cert	 old_dc = {
	    "CN=old.tlsdeck.example, O=tlsdeck Demo, C=US",
	    "dns:old.tlsdeck.example", false, -1, 355, 10 };
	static const char		*release =
	    "IMPLEMENTOR=\"Eclipse Adoptium\"\n"
	    "JAVA_VERSION=\"17.0.15\"\n"
	    "JAVA_VERSION_DATE=\"2025-04-15\"\n"
	    "OS_NAME=\"Linux\"\n"
	    "OS_ARCH=\"x86_64\"\n";
	static const char		*subdirs[] = { "conf", "conf/ssl",
	    "jre", "jre/lib", "jre/lib/security", "license", "logs" };
	EVP_PKEY	*rkey = NULL, *ikey = NULL, *skey = NULL, *okey = NULL;
	X509		*rx = NULL, *ix = NULL, *sx = NULL, *ox = NULL;
	struct cert	*rc_ = NULL, *ic = NULL, *sc = NULL, *oc = NULL;
	struct keystore	*ks = NULL, *cac = NULL;
	struct ks_entry	*e;
	struct secret	*pass = NULL, *cpass = NULL;
	unsigned char	*buf = NULL;
	size_t		 len = 0, i;
	char		*tmpl = NULL, *real = NULL, *sub;
	const char	*tmp;
	int		 rc = -1;

	memset(di, 0, sizeof *di);
	if (dir == NULL) {
		tmp = getenv("TMPDIR");
		xasprintf(&tmpl, "%s/tlsdeck-demo.XXXXXX", tmp != NULL &&
		    *tmp != '\0' ? tmp : "/tmp");
		if (mkdtemp(tmpl) == NULL) {
			cause_set(cause, "%s: %s", tmpl, strerror(errno));
			goto out;
		}
		dir = tmpl;
	} else if (demo_mkdir(dir, cause) != 0)
		goto out;
	if ((real = realpath(dir, NULL)) == NULL) {
		cause_set(cause, "%s: %s", dir, strerror(errno));
		goto out;
	}
	xasprintf(&sub, "%s/conf/application.properties", real);
	if (access(sub, F_OK) == 0) {
		cause_set(cause, "%s: already exists: give a new or empty "
		    "directory", sub);
		free(sub);
		goto out;
	}
	free(sub);
	for (i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
		xasprintf(&sub, "%s/%s", real, subdirs[i]);
		rc = demo_mkdir(sub, cause);
		free(sub);
		if (rc != 0)
			goto out;
	}
	rc = -1;

	/* Keys: EC for the CAs and the old server (fast), RSA for ours. */
	if (keygen_generate("ec", 0, "P-384", &rkey, cause) != 0 ||
	    keygen_generate("ec", 0, "P-384", &ikey, cause) != 0 ||
	    keygen_generate("rsa", 2048, NULL, &skey, cause) != 0 ||
	    keygen_generate("ec", 0, "P-256", &okey, cause) != 0)
		goto out;
	if ((rc_ = demo_sign(&root_dc, rkey, NULL, NULL, &rx, cause)) ==
	    NULL ||
	    (ic = demo_sign(&ica_dc, ikey, rx, rkey, &ix, cause)) == NULL ||
	    (sc = demo_sign(&srv_dc, skey, ix, ikey, &sx, cause)) == NULL ||
	    (oc = demo_sign(&old_dc, okey, NULL, NULL, &ox, cause)) == NULL)
		goto out;

	/* The server's keystore. */
	ks = keystore_new(KS_FMT_PKCS12);
	e = ks_entry_new("integration-manager", KS_ENTRY_KEY);
	e->date_ms = step_now_ms();
	ks_entry_add_cert(e, sc);
	ks_entry_add_cert(e, cert_dup(ic));
	ks_entry_add_cert(e, cert_dup(rc_));
	sc = NULL;
	e->pkey = skey;
	skey = NULL;
	keystore_add(ks, e);
	e = ks_entry_new("old-server", KS_ENTRY_KEY);
	e->date_ms = step_now_ms() - 355LL * SECS_PER_DAY * 1000;
	ks_entry_add_cert(e, oc);
	oc = NULL;
	e->pkey = okey;
	okey = NULL;
	keystore_add(ks, e);
	demo_trusted(ks, "tlsdeck-demo-root", rc_);
	demo_trusted(ks, "tlsdeck-demo-issuing-ca", ic);
	pass = secret_from_str(DEMO_STOREPASS);
	if (keystore_serialize(ks, pass, &buf, &len, cause) != 0 ||
	    demo_write(real, "conf/ssl/keystore.p12", buf, len, 0600,
	    "demo keystore", cause) != 0)
		goto out;
	free(buf);
	buf = NULL;

	/* The JRE: its release file and a JKS cacerts with the demo root. */
	cac = keystore_new(KS_FMT_JKS);
	demo_trusted(cac, "tlsdeck-demo-root", rc_);
	cpass = secret_from_str("changeit");
	if (keystore_serialize(cac, cpass, &buf, &len, cause) != 0 ||
	    demo_write(real, "jre/lib/security/cacerts", buf, len, 0644,
	    "demo cacerts", cause) != 0 ||
	    demo_write(real, "jre/release", release, strlen(release), 0644,
	    "demo JRE release file", cause) != 0)
		goto out;
	free(buf);
	buf = NULL;

	/* application.properties, last: the tree is complete once it is. */
	if (demo_properties(real, &buf, &len, cause) != 0 ||
	    demo_write(real, "conf/application.properties", buf, len, 0640,
	    "demo application.properties", cause) != 0)
		goto out;

	di->dir = xstrdup(real);
	xasprintf(&di->properties, "%s/conf/application.properties", real);
	xasprintf(&di->keystore, "%s/conf/ssl/keystore.p12", real);
	xasprintf(&di->cacerts, "%s/jre/lib/security/cacerts", real);
	rc = 0;
out:
	free(buf);
	keystore_free(ks);
	keystore_free(cac);
	secret_free(pass);
	secret_free(cpass);
	cert_free(rc_);
	cert_free(ic);
	cert_free(sc);
	cert_free(oc);
	X509_free(rx);
	X509_free(ix);
	X509_free(sx);
	X509_free(ox);
	EVP_PKEY_free(rkey);
	EVP_PKEY_free(ikey);
	EVP_PKEY_free(skey);
	EVP_PKEY_free(okey);
	free(real);
	free(tmpl);
	return (rc);
}

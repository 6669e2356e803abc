/* SPDX-License-Identifier: ISC */
/*
 * loader.c -- where the dashboard's struct server_model comes from:
 * core's server_model_load() (discovery and audit, core/server.c), with
 * the GLOBAL options and the configuration file.  Two stand-ins, reachable
 * only through hidden options, serve tests and demonstrations:
 *   --demo-model      a fixed, realistic model built in memory (no files);
 *   --keystore FILE   a model around one keystore file (password from
 *                     $TLSDECK_STOREPASS, or none), with expiry findings.
 * The screens draw any model.
 *
 * The live probe is here too: once the model is on the
 * screen, a worker thread fetches and verifies what server.port serves
 * (core/probe.c) while the screen stays responsive; the UI thread then
 * applies the result to the model.  The worker shares nothing with the
 * model the UI thread draws: it gets the target, a copy of the trust
 * store and the time, and fills its own struct probe_result.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

/* One probe in a worker thread: all of it is the job's own. */
struct live_job {
	struct probe_target	 tg;
	struct keystore		*trust;		/* probe_trust_copy() */
	time_t			 now;
	int			 fds[2];	/* a byte into fds[1]: cancel */
	pthread_t		 th;
	atomic_bool		 finished;
	struct probe_result	*res;		/* the worker's, until done */
	int			 rc;
};

/* A model with nothing loaded. */
struct server_model *
tui_model_empty(void)
{
	return (server_model_new());
}

/* A certificate without DER, for the demonstration model. */
static struct cert *
demo_cert(const char *subject, const char *issuer, const char *serial,
    time_t now, long age, long left, const char *key, bool ca,
    const char *san)
{
	struct cert	*c;

	c = xcalloc(1, sizeof *c);
	c->info.subject = xstrdup(subject);
	c->info.issuer = xstrdup(issuer);
	c->info.serial = xstrdup(serial);
	c->info.version = 3;
	/* An hour past the day, so days left is exactly left. */
	c->info.not_before = (int64_t)now - (int64_t)age * 86400;
	c->info.not_after = (int64_t)now + (int64_t)left * 86400 + 3600;
	snprintf(c->info.key, sizeof c->info.key, "%s", key);
	c->info.key_bits = atoi(strchr(key, ' ') != NULL ?
	    strchr(key, ' ') + 1 : "0");
	snprintf(c->info.sig_alg, sizeof c->info.sig_alg, "SHA256withRSA");
	c->info.ca = ca;
	c->info.pathlen = -1;
	c->info.self_signed = strcmp(subject, issuer) == 0;
	if (san != NULL) {
		c->info.san = xcalloc(1, sizeof *c->info.san);
		c->info.san[0] = xstrdup(san);
		c->info.nsan = 1;
	}
	return (c);
}

/* An entry with the given certificates (ownership taken). */
static struct ks_entry *
demo_entry(struct keystore *ks, const char *alias, enum ks_etype type,
    time_t now)
{
	struct ks_entry	*e;

	e = ks_entry_new(alias, type);
	e->date_ms = ((int64_t)now - 86400 * 300) * 1000;
	keystore_add(ks, e);
	return (e);
}

/* The demonstration model: a realistic server, built in memory. */
struct server_model *
tui_model_demo(time_t now)
{
	static const char	*dir = "/etc/opt/actian/integration-manager";
	static const char	*root =
	    "CN=Example Root CA, O=Example Corp, C=US";
	static const char	*ica =
	    "CN=Example Issuing CA 1, O=Example Corp, C=US";
	static const struct {
		const char	*alias;
		const char	*cn;
		long		 left;
	} anchors[] = {
		{ "digicertglobalrootg2", "CN=DigiCert Global Root G2, "
		    "OU=www.digicert.com, O=DigiCert Inc, C=US", 4444 },
		{ "isrgrootx1", "CN=ISRG Root X1, O=Internet Security "
		    "Research Group, C=US", 3084 },
		{ "usertrustrsaca", "CN=USERTrust RSA Certification "
		    "Authority, O=The USERTRUST Network, C=US", 4456 },
	};
	struct server_model	*m;
	struct keystore		*ks, *cac;
	struct ks_entry		*e;
	struct setting		*s;
	char			*p;
	size_t			 i;

	m = tui_model_empty();
	m->now = now;
	m->how = xstrdup("demonstration model (--demo-model)");
	m->shared_data_path = xstrdup(dir);
	xasprintf(&m->properties, "%s/conf/application.properties", dir);
	m->port = 443;
	m->base_url = xstrdup("https://im.example.com:443");
	xasprintf(&m->served->path, "%s/conf/ssl/keystore.p12", dir);
	m->served->declared_type = xstrdup("PKCS12");
	m->served->alias = xstrdup("integration-manager");

	/* The server's keystore: a CA-signed chain and some trouble. */
	ks = keystore_new(KS_FMT_PKCS12);
	ks->path = xstrdup(m->served->path);
	ks->verified = true;
	e = demo_entry(ks, "integration-manager", KS_ENTRY_KEY, now);
	ks_entry_add_cert(e, demo_cert("CN=im.example.com, O=Example Corp, "
	    "C=US", ica, "4a1f09c3", now, 318, 412, "RSA 2048", false,
	    "DNS:im.example.com"));
	ks_entry_add_cert(e, demo_cert(ica, root, "1002", now, 2000, 3620,
	    "RSA 4096", true, NULL));
	ks_entry_add_cert(e, demo_cert(root, root, "1001", now, 3650, 7290,
	    "RSA 4096", true, NULL));
	m->served->key_entry = e;
	e = demo_entry(ks, "old-server", KS_ENTRY_KEY, now);
	ks_entry_add_cert(e, demo_cert("CN=old.example.com", "CN=old.example."
	    "com", "5e2a", now, 356, 9, "RSA 2048", false,
	    "DNS:old.example.com"));
	e = demo_entry(ks, "root", KS_ENTRY_TRUSTED, now);
	ks_entry_add_cert(e, demo_cert(root, root, "1001", now, 3650, 7290,
	    "RSA 4096", true, NULL));
	e = demo_entry(ks, "intermediate", KS_ENTRY_TRUSTED, now);
	ks_entry_add_cert(e, demo_cert(ica, root, "1002", now, 2000, 3620,
	    "RSA 4096", true, NULL));
	e = demo_entry(ks, "caf\xc3\xa9-partner", KS_ENTRY_TRUSTED, now);
	ks_entry_add_cert(e, demo_cert("CN=Partner CA, O=Partner GmbH, C=DE",
	    "CN=Partner CA, O=Partner GmbH, C=DE", "77", now, 1800, 25,
	    "EC P-256", true, NULL));
	m->served->ks = ks;

	/* The seven settings, plus the usual mistake. */
	s = setting_add(m, "server.port", "443", false, 12);
	setting_check(s, SEV_OK, "HTTPS");
	s = setting_add(m, "server.ssl.enabled", "true", false, 13);
	setting_check(s, SEV_OK, "on");
	s = setting_add(m, "server.ssl.key-store", m->served->path, false,
	    14);
	setting_check(s, SEV_OK, "found");
	s = setting_add(m, "server.ssl.key-store-type", "PKCS12", false, 15);
	setting_check(s, SEV_OK, "matches");
	s = setting_add(m, "server.ssl.key-store-password", "x", true, 16);
	setting_check(s, SEV_OK, "opens");
	s = setting_add(m, "server.ssl.key-alias", "integration-manager",
	    false, 17);
	setting_check(s, SEV_OK, "key entry");
	s = setting_add(m, "server.ssl.key-password", "x", true, 18);
	setting_check(s, SEV_OK, "opens key");
	s = setting_add(m, "im.base-url", m->base_url, false, 20);
	setting_check(s, SEV_OK, "in SAN");
	s = setting_add(m, "security.require-ssl", "true", false, 21);
	setting_check(s, SEV_WARN, "no effect");

	/* The JRE and its cacerts (a distribution-managed symlink). */
	xasprintf(&m->jre.home, "%s/jre", dir);
	m->jre.how = xstrdup("${sharedDataPath}/jre");
	m->jre.version = xstrdup("17.0.15");
	m->jre.major = 17;
	xasprintf(&m->jre.cacerts, "%s/jre/lib/security/cacerts", dir);
	m->jre.cacerts_real = xstrdup("/etc/ssl/certs/java/cacerts");
	m->jre.cacerts_symlink = true;
	m->jre.cacerts_distro = true;
	cac = keystore_new(KS_FMT_JKS);
	cac->path = xstrdup(m->jre.cacerts_real);
	e = demo_entry(cac, "example-root", KS_ENTRY_TRUSTED, now);
	ks_entry_add_cert(e, demo_cert(root, root, "1001", now, 3650, 7290,
	    "RSA 4096", true, NULL));
	for (i = 0; i < sizeof anchors / sizeof anchors[0]; i++) {
		e = demo_entry(cac, anchors[i].alias, KS_ENTRY_TRUSTED, now);
		ks_entry_add_cert(e, demo_cert(anchors[i].cn, anchors[i].cn,
		    "1", now, 3000, anchors[i].left, "RSA 4096", true, NULL));
	}
	m->jre.trust = cac;
	m->served->trusted = true;
	m->served->trusted_alias = xstrdup("example-root");

	p = m->properties;
	finding_add(m, "cert-expiring", SEV_CRIT, m->served->path, 0,
	    "old-server", FORM_GENKEY, "renew it, or delete the entry if "
	    "nothing uses it", "old-server: certificate expires in 9 days "
	    "(CN=old.example.com)");
	finding_add(m, "cert-expiring", SEV_WARN, m->served->path, 0,
	    "caf\xc3\xa9-partner", FORM_IMPORT_CERT, "import the partner's "
	    "new CA certificate", "caf\xc3\xa9-partner: certificate expires "
	    "in 25 days (CN=Partner CA)");
	finding_add(m, "require-ssl-no-effect", SEV_WARN, p, 21, NULL,
	    FORM_SETTINGS, "remove the line; server.ssl.enabled=true is what "
	    "counts", "security.require-ssl has no effect on Spring Boot 2 "
	    "and later");
	finding_add(m, "cacerts-distro", SEV_INFO, m->jre.cacerts, 0, NULL,
	    FORM_TRUST, "re-run the trust step after ca-certificates-java "
	    "updates", "cacerts is managed by ca-certificates-java: updates "
	    "may drop imported certificates");
	findings_sort(m);
	return (m);
}

/* Stand-in: a model around one keystore file, expiry findings only. */
static int
loader_keystore(const char *path, struct server_model **mp, char **cause)
{
	struct server_model	*m;
	struct keystore		*ks = NULL;
	struct secret		*pass = NULL;
	struct ks_entry		*e;
	long			 days;
	enum sev		 sev;
	size_t			 i, j;

	if (getenv("TLSDECK_STOREPASS") != NULL &&
	    secret_from_env("TLSDECK_STOREPASS", &pass, cause) != 0)
		return (-1);
	if (keystore_load(path, pass, pass == NULL ? KS_LOAD_NOVERIFY : 0,
	    &ks, cause) != 0) {
		secret_free(pass);
		return (-1);
	}
	secret_free(pass);
	m = tui_model_empty();
	m->how = xstrdup("--keystore");
	m->served->path = xstrdup(path);
	m->served->declared_type = xstrdup(ks_format_name(ks->format));
	m->served->ks = ks;
	for (i = 0; i < ks->nentries; i++) {
		e = ks->entries[i];
		if (e->type == KS_ENTRY_KEY && m->served->key_entry == NULL) {
			m->served->key_entry = e;
			m->served->alias = xstrndup(e->alias, e->alias_len);
		}
		for (j = 0; j < e->nchain; j++) {
			days = cert_days_left(e->chain[j], m->now);
			sev = audit_cert_sev(m, e->chain[j]);
			if (sev == SEV_OK)
				continue;
			if (days < 0)
				finding_add(m, "cert-expired", SEV_CRIT, path,
				    0, e->alias, FORM_GENKEY, "renew it",
				    "%s: certificate %zu expired %ld days ago",
				    e->alias, j + 1, -days);
			else
				finding_add(m, "cert-expiring", sev, path, 0,
				    e->alias, FORM_GENKEY, "renew it",
				    "%s: certificate %zu expires in %ld days",
				    e->alias, j + 1, days);
		}
	}
	findings_sort(m);
	*mp = m;
	return (0);
}

/* Build the server model the options ask for. */
int
tui_model_load(const struct tui_opts *o, struct server_model **mp,
    char **cause)
{
	struct server_opts	so;

	*mp = NULL;
	if (o->demo) {
		*mp = tui_model_demo(time(NULL));
		return (0);
	}
	if (o->keystore != NULL)
		return (loader_keystore(o->keystore, mp, cause));

	/* The real thing: discovery, then the audit (core/server.c). */
	server_opts_init(&so);
	so.properties = o->properties;
	so.server = o->server;
	so.jre = o->jre;
	so.cacerts = o->cacerts;
	if (o->no_live)
		so.flags |= SERVER_NO_LIVE;
	config_apply(o->cfg, &so);
	return (server_model_load(&so, mp, cause));
}

/* ------------------------------------------------------------------ */
/* The live probe */

/* Monotonic milliseconds. */
static int64_t
live_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* The worker: fetch and verify, nothing else (no curses, no model). */
static void *
live_thread(void *arg)
{
	struct live_job	*j = arg;

	j->rc = probe_fetch_cancel(j->tg.host, j->tg.port, j->tg.sni, 0,
	    j->fds[0], &j->res, NULL);
	if (j->rc == 0)
		probe_verify(j->res, j->trust, j->now);
	atomic_store(&j->finished, true);
	return (NULL);
}

/* Free a job whose worker has ended (or never started). */
static void
live_job_free(struct live_job *j)
{
	if (j == NULL)
		return;
	probe_target_done(&j->tg);
	keystore_free(j->trust);
	probe_result_free(j->res);
	if (j->fds[0] != -1)
		close(j->fds[0]);
	if (j->fds[1] != -1)
		close(j->fds[1]);
	free(j);
}

/* Stop a running worker (it leaves its waits at once) and free it. */
static void
live_cancel(struct tui_live *l)
{
	struct live_job	*j = l->job;
	ssize_t		 n;

	if (j == NULL)
		return;
	do
		n = write(j->fds[1], "x", 1);
	while (n == -1 && errno == EINTR);
	pthread_join(j->th, NULL);
	live_job_free(j);
	l->job = NULL;
}

/* Forget the last result (the state stays). */
static void
live_clear(struct tui_live *l)
{
	free(l->where);
	free(l->error_msg);
	free(l->protocol);
	free(l->served);
	free(l->note);
	l->where = l->error_msg = l->protocol = l->served = l->note = NULL;
	l->match = -1;
	l->verified = -1;
	l->error = PROBE_OK;
	l->elapsed_ms = 0;
}

/* Probe t->model's server in a worker, or say why not. */
void
tui_live_start(struct tui *t)
{
	struct tui_live			*l = t->live;
	const struct server_model	*m = t->model;
	struct live_job			*j;
	sigset_t			 all, old;
	char				*cause = NULL;
	int				 r;

	if (l == NULL)
		return;
	live_cancel(l);
	live_clear(l);
	l->model = m;
	l->state = LIVE_OFF;
	l->port = m != NULL ? m->port : 0;
	if (m == NULL || !m->ssl)
		return;
	if (t->opts.no_live) {
		l->note = xstrdup("not checked (--no-live)");
		return;
	}
	if (m->listening == 0) {
		l->state = LIVE_CLOSED;
		return;
	}

	j = xcalloc(1, sizeof *j);
	j->fds[0] = j->fds[1] = -1;
	if (probe_target(m, NULL, NULL, NULL, &j->tg, &cause) != 0) {
		l->note = cause != NULL ? cause : xstrdup("no port to probe");
		live_job_free(j);
		return;
	}
	if (pipe2(j->fds, O_CLOEXEC) != 0) {
		xasprintf(&l->note, "cannot probe: %s", strerror(errno));
		live_job_free(j);
		return;
	}
	if (strchr(j->tg.host, ':') != NULL)
		xasprintf(&l->where, "[%s]:%s", j->tg.host, j->tg.port);
	else
		xasprintf(&l->where, "%s:%s", j->tg.host, j->tg.port);
	j->trust = probe_trust_copy(m->jre.trust);
	j->now = m->now;
	atomic_store(&j->finished, false);

	/* Signals stay with the UI thread (as wizard.c's worker). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&j->th, NULL, live_thread, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		xasprintf(&l->note, "cannot probe: %s", strerror(r));
		live_job_free(j);
		return;
	}
	l->job = j;
	l->state = LIVE_RUNNING;
	l->started_ms = live_now_ms();
	l->shown_s = 0;
}

/* The worker has finished: judge its result against the model. */
static void
live_apply(struct tui *t)
{
	struct tui_live		*l = t->live;
	struct live_job		*j = l->job;
	struct probe_result	*r;

	pthread_join(j->th, NULL);
	l->job = NULL;
	r = j->res;
	l->state = LIVE_DONE;
	if (r != NULL) {
		l->match = probe_compare(r, t->model);
		l->error = r->error;
		l->verified = r->verified;
		l->elapsed_ms = r->elapsed_ms;
		if (r->error_msg != NULL)
			l->error_msg = xstrdup(r->error_msg);
		if (r->protocol != NULL)
			l->protocol = xstrdup(r->protocol);
		if (r->nchain > 0)
			l->served = xstrdup(r->chain[0]->info.subject);
	}
	live_job_free(j);
}

/* The loop's poll; true when the screen should be drawn again. */
bool
tui_live_poll(struct tui *t)
{
	struct tui_live	*l = t->live;
	int		 s;

	if (l == NULL || t->model == NULL)
		return (false);
	/* A new model (r, a form's write): probe again. */
	if (l->model != t->model) {
		tui_live_start(t);
		return (true);
	}
	if (l->state != LIVE_RUNNING || l->job == NULL)
		return (false);
	if (atomic_load(&l->job->finished)) {
		live_apply(t);
		return (true);
	}
	/* Redraw when the seconds shown change. */
	s = (int)((live_now_ms() - l->started_ms) / 1000);
	if (s != l->shown_s) {
		l->shown_s = s;
		return (true);
	}
	return (false);
}

/* Is a probe running? */
bool
tui_live_busy(const struct tui *t)
{
	return (t->live != NULL && t->live->state == LIVE_RUNNING);
}

/* Seconds a running probe has taken so far. */
int
tui_live_seconds(const struct tui *t)
{
	if (!tui_live_busy(t))
		return (0);
	return ((int)((live_now_ms() - t->live->started_ms) / 1000));
}

/* A new, idle live state. */
struct tui_live *
tui_live_new(void)
{
	struct tui_live	*l;

	l = xcalloc(1, sizeof *l);
	l->match = -1;
	l->verified = -1;
	return (l);
}

/* Cancel a running probe and free everything. */
void
tui_live_free(struct tui_live *l)
{
	if (l == NULL)
		return;
	live_cancel(l);
	live_clear(l);
	free(l);
}

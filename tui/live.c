/* SPDX-License-Identifier: ISC */
/*
 * live.c -- the dashboard's live probe: once the model is on the screen,
 * a worker thread fetches and verifies what server.port serves
 * (core/probe.c) while the screen stays responsive; the UI thread then
 * applies the result to the model.  The worker shares nothing with
 * the model the UI thread draws: it gets the target, a copy of the trust
 * store and the time, and fills its own struct probe_result.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
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
	free(l->wait_why);
	l->where = l->error_msg = l->protocol = l->served = l->note = NULL;
	l->wait_why = NULL;
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
	struct km_apply			 ap;
	struct timespec			 ts;
	long				 ms;
	sigset_t			 all, old;
	char				*cause = NULL;
	int				 r;

	if (l == NULL)
		return;
	live_cancel(l);
	live_clear(l);
	l->model_gen = t->model_gen;
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
	/* Its files changed just now and the server reloads them: wait. */
	clock_gettime(CLOCK_REALTIME, &ts);
	if (!l->waited && (ms = key_material_settle_ms(m->served,
	    (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000)) > 0) {
		key_material_apply(m, m->served, false, &ap);
		l->wait_why = ap.line;
		l->state = LIVE_WAITING;
		l->wait_until_ms = live_now_ms() + ms;
		l->started_ms = live_now_ms();
		l->shown_s = -1;
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
	if (l->model_gen != t->model_gen) {
		tui_live_start(t);
		return (true);
	}
	if (l->state == LIVE_WAITING) {
		if (live_now_ms() >= l->wait_until_ms) {
			l->waited = true;
			tui_live_start(t);
			l->waited = false;
			return (true);
		}
		s = (int)((l->wait_until_ms - live_now_ms() + 999) / 1000);
		if (s != l->shown_s) {
			l->shown_s = s;
			return (true);
		}
		return (false);
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
	return (t->live != NULL && (t->live->state == LIVE_RUNNING ||
	    t->live->state == LIVE_WAITING));
}

/* Seconds a running probe has taken so far. */
int
tui_live_seconds(const struct tui *t)
{
	if (!tui_live_busy(t))
		return (0);
	if (t->live->state == LIVE_WAITING)
		return ((int)((t->live->wait_until_ms - live_now_ms() + 999) /
		    1000));
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

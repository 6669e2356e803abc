/* SPDX-License-Identifier: ISC */
/*
 * reload.c -- how the server takes a renewed key material
 * (docs/server-model.md, Reloading): the restart command given, the
 * server kind's own way (Tomcat's manager sslReload, Jetty's ssl-reload),
 * a server that re-reads its files, the systemd unit of the running
 * server; else a restart is needed and the plan says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"

#define SRV_RELOAD_WORDS	64

void
srv_reload_done(struct srv_reload *r)
{
	free(r->argv);		/* its words point into argv_buf */
	free(r->argv_buf);
	free(r->url);
	free(r->user);
	secret_free(r->pass);
	free(r->pins);
	free(r->text);
	memset(r, 0, sizeof *r);
}

/* Split cmd into words (no shell, no quotes). */
int
srv_reload_words(struct srv_reload *r, const char *cmd, char **cause)
{
	char	*p, *w;
	size_t	 n = 0;

	r->how = SRV_RELOAD_COMMAND;
	r->argv_buf = xstrdup(cmd);
	r->argv = xcalloc(SRV_RELOAD_WORDS + 1, sizeof *r->argv);
	for (p = r->argv_buf; (w = strsep(&p, " \t")) != NULL;) {
		if (*w == '\0')
			continue;
		if (n == SRV_RELOAD_WORDS) {
			cause_set(cause, "--restart: more than %d words",
			    SRV_RELOAD_WORDS);
			return (-1);
		}
		r->argv[n++] = w;
	}
	if (n == 0) {
		cause_set(cause, "--restart: an empty command");
		return (-1);
	}
	return (0);
}

int
srv_reload_plan(const struct server_model *m, const struct key_material *mat,
    const struct srv_reload_opts *o, struct srv_reload *r, char **cause)
{
	const char	*title = m->kind != NULL ? m->kind->title : "the server";
	char		*hint;
	int		 k;

	memset(r, 0, sizeof *r);
	if (o->restart != NULL && *o->restart != '\0') {
		r->how = SRV_RELOAD_COMMAND;
		if (srv_reload_words(r, o->restart, cause) != 0) {
			srv_reload_done(r);
			return (-1);
		}
		r->text = xstrdup(o->restart);
		return (0);
	}
	if (m->kind != NULL && m->kind->reload != NULL) {
		if ((k = m->kind->reload(m, mat, o, r, cause)) < 0) {
			srv_reload_done(r);
			return (-1);
		}
		if (k > 0 && o->manager_user != NULL &&
		    r->how != SRV_RELOAD_MANAGER) {
			srv_reload_done(r);
			cause_set(cause, "a manager user is for Tomcat's "
			    "manager; %s reloads without one", title);
			return (-1);
		}
		if (k > 0)
			return (0);
		srv_reload_done(r);
	}
	if (o->manager_user != NULL) {
		cause_set(cause, "a manager user is for Tomcat's manager; %s "
		    "has none", title);
		return (-1);
	}
	if (mat->reload_on_update) {
		r->how = SRV_RELOAD_FILES;
		r->wait_ms = 0;
		xasprintf(&r->text, "none: %s reloads the files itself (%s)",
		    title, mat->reload_how != NULL ? mat->reload_how :
		    "reload-on-update");
		return (0);
	}
	if (m->proc.unit != NULL) {
		r->how = SRV_RELOAD_COMMAND;
		xasprintf(&r->text, "systemctl restart %s", m->proc.unit);
		if (srv_reload_words(r, r->text, cause) != 0) {
			srv_reload_done(r);
			return (-1);
		}
		return (0);
	}
	r->how = SRV_RELOAD_NONE;
	hint = step_restart_cmds(m, false);
	xasprintf(&r->text, "a restart of %s is needed: it runs under no "
	    "systemd unit%s; give --restart CMD%s%s%s", title,
	    mat->reload_on_update ? "" : " and does not reload its files",
	    hint != NULL ? " (" : "", hint != NULL ? hint : "",
	    hint != NULL ? ")" : "");
	free(hint);
	return (0);
}

/* Sleep ms in 100 ms slices; -1 when cancelled. */
static int
srv_reload_sleep(long ms, atomic_int *cancel)
{
	struct timespec	ts;
	long		slice;

	while (ms > 0) {
		if (cancel != NULL && atomic_load(cancel))
			return (-1);
		slice = ms > 100 ? 100 : ms;
		ts.tv_sec = 0;
		ts.tv_nsec = slice * 1000000L;
		nanosleep(&ts, NULL);
		ms -= slice;
	}
	return (cancel != NULL && atomic_load(cancel) ? -1 : 0);
}

int
srv_reload_run(const struct srv_reload *r, int timeout, atomic_int *cancel,
    int cancel_fd, char **cause)
{
	char	*what, *body = NULL, *p;
	long	 status;
	int	 rc;

	switch (r->how) {
	case SRV_RELOAD_NONE:
		cause_set(cause, "%s", r->text);
		return (-1);
	case SRV_RELOAD_COMMAND:
		xasprintf(&what, "restart command %s", r->argv[0]);
		rc = acme_cmd_run(r->argv, what, timeout, cancel, cancel_fd,
		    cause);
		free(what);
		return (rc);
	case SRV_RELOAD_FILES:
		if (srv_reload_sleep(r->wait_ms, cancel) != 0) {
			cause_set(cause, "cancelled");
			return (-1);
		}
		return (0);
	case SRV_RELOAD_MANAGER:
		if (acme_local_get(r->url, r->user, r->pass, r->pins, timeout,
		    cancel, &status, &body, cause) != 0)
			return (-1);
		/* The first line of the answer: "OK - ..." or "FAIL - ...". */
		if ((p = strchr(body, '\n')) != NULL)
			*p = '\0';
		for (p = body; *p != '\0'; p++)
			if ((unsigned char)*p < ' ' || *p == 0x7f)
				*p = '?';
		if (strlen(body) > 200)
			body[200] = '\0';
		if (status == 401 || status == 403)
			cause_set(cause, "Tomcat's manager refused user %s "
			    "(HTTP %ld): check the user's manager-script "
			    "role and the password", r->user, status);
		else if (status != 200 || strncmp(body, "OK", 2) != 0)
			cause_set(cause, "Tomcat's manager: sslReload failed "
			    "(HTTP %ld): %s", status, *body != '\0' ? body :
			    "no answer");
		else {
			free(body);
			return (0);
		}
		free(body);
		return (-1);
	}
	cause_set(cause, "unknown reload");
	return (-1);
}

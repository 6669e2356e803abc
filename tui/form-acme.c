/* SPDX-License-Identifier: ISC */
/*
 * form-acme.c -- Renew by ACME (Let's Encrypt, an internal ACME CA): the
 * directory, the names (the current certificate's), the challenge, the
 * contact and terms, the restart; one step that runs core's step_acme
 * (order, new key inside the server's key material, settings switched,
 * restart, verification of what is served, rollback) on the worker
 * thread, its progress on the runner's line, ending with what is served.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui.h"

static const char *const ac_dirs[] = { "Let's Encrypt",
    "Let's Encrypt staging", "another ACME CA (URL)", NULL };
static const char *const ac_challs[] = { "http-01, tlsdeck answers on a port",
    "http-01, files in a web root", "dns-01, a hook program", NULL };
static const char *const ac_when[] = { "when due (30 days or a third of "
    "the lifetime left)", "now (--force)", NULL };

#define AC_RING		8	/* progress lines the runner may be showing */
#define AC_LINE		200

struct ac {
	int	 i_dir, i_url, i_names, i_chall, i_port, i_root, i_hook;
	int	 i_email, i_tos, i_cafile, i_restart, i_when;
};

struct ac_arg {
	const struct tui_opts	*opts;	/* to load the model on the worker */
	char			*directory;
	char			*ca_file;
	char			**names;
	size_t			 nnames;
	enum acme_chall		 chall;
	int			 port;
	char			*webroot;
	char			*hook;
	char			*email;
	bool			 tos;
	char			*restart;
	bool			 force;
	struct fstep		*s;
	char			 ring[AC_RING][AC_LINE];
	unsigned int		 next;
};

/* Progress from the worker: the runner shows s->doing, which points at
 * one of AC_RING buffers; the next line goes into another one before
 * the pointer moves, so the line on screen is never being written. */
static void
ac_doing(struct ac_arg *a, const char *line)
{
	char	*buf = a->ring[a->next++ % AC_RING];
	char	*p;

	snprintf(buf, AC_LINE, "%s", line);
	for (p = buf; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	__atomic_store_n(&a->s->doing, buf, __ATOMIC_RELEASE);
}

static void
ac_progress(const struct acme_event *ev, void *arg)
{
	ac_doing(arg, ev->text);
}

static void
ac_note(enum step_acme_phase ph, const char *line, void *arg)
{
	struct ac_arg	*a = arg;

	ac_doing(a, line);
	fstep_line(&a->s->out, &a->s->nout, "%s%s", ph == SA_P_ROLLBACK ?
	    "rollback: " : "", line);
}

/* Is item i for the chosen directory/challenge? */
static bool
ac_skip(struct form *f, int i)
{
	struct ac	*x = form_priv(f);
	int		 c = form_get_choice(f, x->i_chall);

	if (i == x->i_url)
		return (form_get_choice(f, x->i_dir) != 2);
	if (i == x->i_port)
		return (c != 0);
	if (i == x->i_root)
		return (c != 1);
	if (i == x->i_hook)
		return (c != 2);
	return (false);
}

static char *
ac_check_url(struct form *f, int i, enum sev *sev)
{
	const char	*v = form_get(f, i);

	if (ac_skip(f, i))
		return (NULL);
	if (strncmp(v, "https://", 8) != 0 || !acme_url_ok(v)) {
		*sev = SEV_CRIT;
		return (xstrdup("the directory URL must be https://"));
	}
	return (NULL);
}

static char *
ac_check_names(struct form *f, int i, enum sev *sev)
{
	char	*dup, *p, *n, *cause = NULL, *r = NULL;
	bool	 ip;
	int	 count = 0;

	dup = xstrdup(form_get(f, i));
	for (p = dup; (n = strsep(&p, ", ")) != NULL;) {
		if (*n == '\0')
			continue;
		if (strncasecmp(n, "dns:", 4) == 0 ||
		    strncasecmp(n, "ip:", 3) == 0)
			n = strchr(n, ':') + 1;
		count++;
		if (acme_name_check(n, &ip, &cause) != 0) {
			*sev = SEV_CRIT;
			r = cause;
			break;
		}
	}
	free(dup);
	if (r == NULL && count == 0) {
		*sev = SEV_CRIT;
		r = xstrdup("at least one name");
	}
	return (r);
}

static char *
ac_check_port(struct form *f, int i, enum sev *sev)
{
	int	n = atoi(form_get(f, i));

	if (ac_skip(f, i))
		return (NULL);
	if (n < 1 || n > 65535) {
		*sev = SEV_CRIT;
		return (xstrdup("a port, 1 to 65535"));
	}
	if (n < 1024) {
		*sev = SEV_INFO;
		return (xstrdup("below 1024: needs root or "
		    "CAP_NET_BIND_SERVICE"));
	}
	return (NULL);
}

static char *
ac_check_nonempty(struct form *f, int i, enum sev *sev)
{
	if (ac_skip(f, i) || *form_get(f, i) != '\0')
		return (NULL);
	*sev = SEV_CRIT;
	return (xstrdup("needed for this challenge"));
}

static char *
ac_check_cafile(struct form *f, int i, enum sev *sev)
{
	if (*form_get(f, i) == '\0')
		return (NULL);
	return (form_check_file(f, i, sev));
}

/* Add the items: the names from the current certificate. */
static void
ac_init(struct form *f)
{
	struct ac	*x;
	struct form_env	*env = form_env(f);
	char		**hint = NULL;
	size_t		 nhint = 0, i;
	const char	*restart = "";

	x = xcalloc(1, sizeof *x);
	form_set_priv(f, x);
	x->i_dir = form_choice(f, "Directory", ac_dirs, 0, NULL);
	x->i_url = form_text(f, "Directory URL", "https://", ac_check_url);
	x->i_names = form_text(f, "Names", env->cert_san != NULL ?
	    env->cert_san : env->san, ac_check_names);
	x->i_chall = form_choice(f, "Challenge", ac_challs, 0, NULL);
	x->i_port = form_text(f, "Port", "80", ac_check_port);
	x->i_root = form_text(f, "Web root", "", ac_check_nonempty);
	x->i_hook = form_text(f, "DNS hook", "", ac_check_nonempty);
	x->i_email = form_text(f, "Contact email", "", NULL);
	x->i_tos = form_choice(f, "Agree to the CA's terms", form_yn, 1,
	    NULL);
	x->i_cafile = form_text(f, "CA's roots (PEM)", "", ac_check_cafile);
	/* The restart the core would use is the unit's; say it here. */
	step_restart_hint(form_tui(f)->model, NULL, NULL, &hint, &nhint);
	if (nhint > 0 && strncmp(hint[0], "systemctl restart ", 18) == 0)
		restart = hint[0];
	x->i_restart = form_text(f, "Restart command", restart, NULL);
	for (i = 0; i < nhint; i++)
		free(hint[i]);
	free(hint);
	x->i_when = form_choice(f, "Renew", ac_when, 0, NULL);
}

static void
ac_arg_free(void *p)
{
	struct ac_arg	*a = p;
	size_t		 i;

	if (a == NULL)
		return;
	free(a->directory);
	free(a->ca_file);
	for (i = 0; i < a->nnames; i++)
		free(a->names[i]);
	free(a->names);
	free(a->webroot);
	free(a->hook);
	free(a->email);
	free(a->restart);
	free(a);
}

/* The worker: a model of its own, then the whole transaction. */
static int
ac_run(struct fstep *s, atomic_int *cancel, char **cause)
{
	struct ac_arg		*a = s->arg;
	struct server_model	*m = NULL;
	struct step_acme_opts	 o;
	struct step_acme_result	 r;
	char			 date[32];
	int			 rc;

	a->s = s;
	memset(&r, 0, sizeof r);
	if (tui_model_load(a->opts, &m, cause) != 0)
		return (-1);
	memset(&o, 0, sizeof o);
	o.acme.directory = a->directory;
	o.acme.ca_file = a->ca_file;
	o.acme.email = a->email;
	o.acme.agree_tos = a->tos;
	o.acme.chall = a->chall;
	o.acme.http_port = a->port;
	o.acme.webroot = a->webroot;
	o.acme.dns_hook = a->hook;
	o.acme.cancel = cancel;
	o.acme.cancel_fd = -1;
	o.acme.progress = ac_progress;
	o.acme.progress_arg = a;
	o.names = (const char *const *)a->names;
	o.nnames = a->nnames;
	o.renew_before = -1;
	o.force = a->force;
	o.restart = a->restart;
	o.note = ac_note;
	o.note_arg = a;
	rc = step_acme(m, &o, &r, cause);
	if (r.alias != NULL && r.outcome == SA_RENEWED)
		fstep_line(&s->out, &s->nout, "new key entry \"%s\"",
		    r.alias);
	if (r.cert_path != NULL && r.outcome == SA_RENEWED)
		fstep_line(&s->out, &s->nout, "new files %s, %s",
		    r.cert_path, r.key_path);
	if (r.served_sha256 != NULL) {
		time_iso8601(r.served_not_after, date, sizeof date);
		fstep_line(&s->out, &s->nout, "served now: %s, until %.10s, "
		    "SHA-256 %.16s...", r.served_subject, date,
		    r.served_sha256);
	} else if (r.served_error != NULL)
		fstep_line(&s->out, &s->nout, "served now: nothing (%s)",
		    r.served_error);
	if (r.account.need_tos && cause != NULL && *cause != NULL) {
		free(*cause);
		*cause = NULL;
		xasprintf(cause, "agree to the CA's terms first (%s)",
		    r.account.terms != NULL ? r.account.terms :
		    "the CA gives no URL");
	}
	__atomic_store_n(&s->doing, NULL, __ATOMIC_RELEASE);
	step_acme_result_free(&r);
	server_model_free(m);
	return (rc);
}

/* The step and its plan. */
static struct fstep *
ac_build(struct form *f, char **cause)
{
	struct ac		*x = form_priv(f);
	struct ac_arg		*a;
	struct fstep		*s;
	const struct key_material *mat = form_tui(f)->model->served;
	char			*dup, *p, *n;
	bool			 ip;

	a = xcalloc(1, sizeof *a);
	a->opts = &form_tui(f)->opts;
	switch (form_get_choice(f, x->i_dir)) {
	case 0:
		a->directory = xstrdup(ACME_LE_PRODUCTION);
		break;
	case 1:
		a->directory = xstrdup(ACME_LE_STAGING);
		break;
	default:
		a->directory = xstrdup(form_get(f, x->i_url));
		break;
	}
	if (*form_get(f, x->i_cafile) != '\0')
		a->ca_file = xstrdup(form_get(f, x->i_cafile));
	dup = xstrdup(form_get(f, x->i_names));
	for (p = dup; (n = strsep(&p, ", ")) != NULL;) {
		if (*n == '\0')
			continue;
		if (strncasecmp(n, "dns:", 4) == 0 ||
		    strncasecmp(n, "ip:", 3) == 0)
			n = strchr(n, ':') + 1;
		a->names = xreallocarray(a->names, a->nnames + 1,
		    sizeof *a->names);
		a->names[a->nnames] = xstrdup(n);
		(void)acme_name_check(a->names[a->nnames], &ip, NULL);
		a->nnames++;
	}
	free(dup);
	switch (form_get_choice(f, x->i_chall)) {
	case 0:
		a->chall = ACME_HTTP01;
		a->port = atoi(form_get(f, x->i_port));
		break;
	case 1:
		a->chall = ACME_WEBROOT;
		a->webroot = xstrdup(form_get(f, x->i_root));
		break;
	default:
		a->chall = ACME_DNS01;
		a->hook = xstrdup(form_get(f, x->i_hook));
		break;
	}
	if (*form_get(f, x->i_email) != '\0')
		a->email = xstrdup(form_get(f, x->i_email));
	a->tos = form_get_choice(f, x->i_tos) == 1;
	if (*form_get(f, x->i_restart) != '\0')
		a->restart = xstrdup(form_get(f, x->i_restart));
	a->force = form_get_choice(f, x->i_when) == 1;

	s = fstep_new("Renew by ACME from %s", a->directory);
	fstep_writes(s, a, ac_arg_free, ac_run);
	fstep_line(&s->plan, &s->nplan, "%s", a->force ? "order now, "
	    "whatever is left" : "decide first: nothing is done when this "
	    "CA issued the certificate and it is not due");
	fstep_line(&s->plan, &s->nplan, "order for %s%s by %s (the account "
	    "key is kept in tlsdeck's state directory)", a->names[0],
	    a->nnames > 1 ? " and the other names" : "",
	    acme_chall_name(a->chall));
	if (mat->where == KM_KEYSTORE)
		fstep_line(&s->plan, &s->nplan, "a new key entry beside "
		    "\"%s\" in %s, then %s switched to it", mat->alias !=
		    NULL ? mat->alias : "the old one", mat->path,
		    mat->keys.alias != NULL ? mat->keys.alias : "the alias");
	else
		fstep_line(&s->plan, &s->nplan, "new PEM files beside %s, "
		    "then the settings switched to them", mat->path != NULL ?
		    mat->path : "the old ones");
	fstep_line(&s->plan, &s->nplan, "restart: %s", a->restart != NULL ?
	    a->restart : "the server's own way (reload-on-update, its "
	    "systemd unit)");
	fstep_line(&s->plan, &s->nplan, "wait until the new certificate is "
	    "served (60 s), else put every file back and restart again");
	s->doing = NULL;
	(void)cause;
	return (s);
}

const struct form_def form_acme_def = {
	.kind = FORM_NONE,
	.title = "Renew by ACME",
	.about = "A certificate from Let's Encrypt or an internal ACME CA, "
	    "into the server's own key material.",
	.init = ac_init,
	.build = ac_build,
	.free = form_free_priv,
	.skip = ac_skip,
};

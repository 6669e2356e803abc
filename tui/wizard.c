/* SPDX-License-Identifier: ISC */
/*
 * wizard.c -- forms and wizards on screen.  A wizard is a
 * list of form pages; each page, once its checks pass, hands over a step.
 * Then the plan: every step and what it will do, asked once; then the
 * steps run one by one in a worker thread (key generation is slow: the
 * screen keeps drawing, a spinner turns, Esc cancels), each with its
 * result; then the command that restarts the server.  A form on its own
 * (F4-F7, a finding's fix) is a wizard of one page.
 *
 *   Enable HTTPS, self-signed:  key pair -> settings -> export -> trust
 *   Enable HTTPS, CA-signed:    1: key pair + CSR;  2: reply -> settings
 *                               -> trust
 *   Renew:                      the same with a new alias; key-alias is
 *                               switched only once the new certificate is
 *                               in place (self-signed, or part 2)
 *
 * Threads: curses is touched by the main thread only; the worker runs the
 * steps' core calls on copies of the forms' values.
 */
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui.h"

#define WIZ_PAGES_MAX	4

enum wiz_state {
	W_FORM = 0,		/* filling page `page` */
	W_PLAN,			/* the plan, asking once */
	W_BUSY,			/* the steps run */
	W_DONE			/* results and the restart command */
};

struct wiz_kind_def {
	const char		*title;
	const char		*menu;		/* the chooser's line */
	const struct form_def	*pages[WIZ_PAGES_MAX + 1];
	const char		*outro;		/* said at the end, or NULL */
};

static const struct wiz_kind_def wiz_kinds[WIZ__MAX] = {
	[WIZ_FORM] = { NULL, NULL, { NULL }, NULL },
	[WIZ_SELF_SIGNED] = {
	    "Enable HTTPS \xe2\x80\x94 self-signed",
	    "Self-signed: key pair, settings, export, trust in cacerts",
	    { &form_genkey_def, &form_settings_def, &form_export_def,
	      &form_trust_def, NULL }, NULL },
	[WIZ_CA_PART1] = {
	    "Enable HTTPS \xe2\x80\x94 CA-signed, part 1",
	    "CA-signed, part 1: key pair and a CSR for your CA",
	    { &form_genkey_def, &form_csr_def, NULL },
	    "Send the CSR to your CA.  When its reply comes: F2, "
	    "\"CA-signed, part 2\"." },
	[WIZ_CA_PART2] = {
	    "Enable HTTPS \xe2\x80\x94 CA-signed, part 2",
	    "CA-signed, part 2: import the CA's reply, settings, trust",
	    { &form_reply_def, &form_settings_def, &form_trust_def, NULL },
	    NULL },
	[WIZ_RENEW_SELF] = {
	    "Renew \xe2\x80\x94 self-signed",
	    "Self-signed: new key pair under a new alias, switch to it",
	    { &form_genkey_def, &form_settings_def, &form_export_def,
	      &form_trust_def, NULL }, NULL },
	[WIZ_RENEW_CA1] = {
	    "Renew \xe2\x80\x94 CA-signed, part 1",
	    "CA-signed, part 1: new key pair (new alias) and a CSR",
	    { &form_genkey_def, &form_csr_def, NULL },
	    "The server still uses the old certificate.  When the CA's "
	    "reply comes: F3, \"CA-signed, part 2\"." },
	[WIZ_RENEW_CA2] = {
	    "Renew \xe2\x80\x94 CA-signed, part 2",
	    "CA-signed, part 2: import the reply, then switch to it",
	    { &form_reply_def, &form_settings_def, &form_trust_def, NULL },
	    NULL },
	[WIZ_RENEW_ACME] = {
	    "Renew \xe2\x80\x94 ACME",
	    "ACME (Let's Encrypt, internal ACME CA)",
	    { &form_acme_def, NULL }, NULL },
};

/* The form of each form kind. */
static const struct form_def *const wiz_forms[FORM__MAX] = {
	[FORM_GENKEY] = &form_genkey_def,
	[FORM_CSR] = &form_csr_def,
	[FORM_IMPORT_REPLY] = &form_reply_def,
	[FORM_IMPORT_CERT] = &form_certs_def,
	[FORM_IMPORT_PEM] = &form_pem_def,
	[FORM_SETTINGS] = &form_settings_def,
	[FORM_EXPORT] = &form_export_def,
	[FORM_TRUST] = &form_trust_def,
	[FORM_CONVERT] = &form_convert_def,
};

struct wiz {
	enum wiz_kind		 kind;
	const char		*title;
	const struct form_def	*pages[WIZ_PAGES_MAX + 1];
	size_t			 npages;
	const char		*outro;
	struct wiz_ctx		 ctx;
	struct form_env		*env;
	char			*intro;		/* the finding being fixed */
	enum sev		 intro_sev;

	enum wiz_state		 state;
	size_t			 page;
	struct form		*forms[WIZ_PAGES_MAX];
	struct fstep		*steps[WIZ_PAGES_MAX];
	size_t			 nsteps;

	pthread_t		 th;
	bool			 th_live;
	atomic_int		 cancel;
	atomic_size_t		 progress;	/* steps finished */
	atomic_bool		 finished;
	unsigned int		 spin;
	char			**restart;
	size_t			 nrestart;
	char			*reload;	/* the served keystore reloads
					   itself: how, or NULL */
	int			 top;		/* scroll of plan/results */
	int			 ntext;		/* lines drawn last time */
	bool			 armed;		/* asked once; a plan with a
						   confirm2 step asks again */
};

/* The first step whose plan must be confirmed twice, or NULL. */
static struct fstep *
wiz_confirm2(struct wiz *w)
{
	size_t	i;

	for (i = 0; i < w->nsteps; i++)
		if (w->steps[i]->confirm2 != NULL)
			return (w->steps[i]);
	return (NULL);
}

/* ------------------------------------------------------------------ */
/* Pages */

/* Open page p (its form built now, from what earlier pages chose). */
static void
wiz_page_open(struct tui *t, struct wiz *w, size_t p)
{
	char	 sub[64];

	w->page = p;
	w->state = W_FORM;
	if (w->forms[p] == NULL) {
		w->forms[p] = form_new(t, w->pages[p], &w->ctx, w->env);
		if (w->npages > 1) {
			snprintf(sub, sizeof sub, "step %zu of %zu", p + 1,
			    w->npages);
			form_subtitle(w->forms[p], sub);
		}
		if (p == 0 && w->intro != NULL)
			form_status(w->forms[p], w->intro_sev, "%s",
			    w->intro);
	}
}

/* Back from page p: its form goes (later pages follow what earlier ones
 * chose), and the step of the page before is taken back. */
static bool
wiz_page_back(struct tui *t, struct wiz *w)
{
	size_t	p = w->page;

	if (p == 0)
		return (false);
	form_free(w->forms[p]);
	w->forms[p] = NULL;
	fstep_free(w->steps[p - 1]);
	w->steps[p - 1] = NULL;
	w->nsteps = p - 1;
	wiz_page_open(t, w, p - 1);
	return (true);
}

/* Does the server reload what the wizard changes by itself: the served
 * material reloads its files (reload-on-update) and no page changes the
 * settings, which it reads at start only? */
static bool
wiz_reloads(const struct wiz *w)
{
	size_t	i;

	if (!w->env->reloads || !w->env->served)
		return (false);
	for (i = 0; i < w->npages; i++)
		if (w->pages[i] == &form_settings_def)
			return (false);
	for (i = 0; i < w->npages; i++)
		if (w->pages[i] == &form_genkey_def ||
		    w->pages[i] == &form_reply_def ||
		    w->pages[i] == &form_certs_def ||
		    w->pages[i] == &form_pem_def)
			return (true);
	return (false);
}

/* The plan is ready: how to restart the server goes at its end. */
static void
wiz_plan(struct tui *t, struct wiz *w)
{
	size_t	i;
	bool	restart = false;

	w->state = W_PLAN;
	w->top = 0;
	w->armed = false;
	for (i = 0; i < w->nsteps; i++)
		restart = restart || w->steps[i]->restart;
	draw_lines_free(w->restart, w->nrestart);
	w->restart = NULL;
	w->nrestart = 0;
	if (restart)
		step_restart_hint(t->model, NULL, NULL, &w->restart,
		    &w->nrestart);
	free(w->reload);
	w->reload = t->model->served->reload_how != NULL ?
	    xstrdup(t->model->served->reload_how) : NULL;
}

/* ------------------------------------------------------------------ */
/* The runner */

/* The worker: every step in order, until one fails or Esc. */
static void *
wiz_thread(void *arg)
{
	struct wiz	*w = arg;
	struct fstep	*s, *last = NULL;
	struct txn	*tx = NULL;
	char		*c = NULL, *done = NULL, *msg;
	size_t		 i;
	bool		 whole = true;

	/* The steps' files are one transaction (txn.c): a step that fails,
	 * or Esc, puts back what the steps before it wrote.  Not ACME's,
	 * which rolls back its own files (its records must stay). */
	for (i = 0; w->pages[i] != NULL; i++)
		if (w->pages[i] == &form_acme_def)
			whole = false;
	if (whole && txn_begin("dashboard", &tx, &c) == 0)
		txn_enter(tx);
	free(c);
	c = NULL;
	for (i = 0; i < w->nsteps; i++) {
		s = w->steps[i];
		if (atomic_load(&w->cancel)) {
			whole = false;
			break;
		}
		s->rc = s->run(s, &w->cancel, &s->cause);
		s->ran = true;
		last = s;
		atomic_store(&w->progress, i + 1);
		if (s->rc != 0) {
			whole = false;
			break;
		}
	}
	txn_enter(NULL);
	if (tx != NULL && whole && txn_commit(tx, &c) != 0 && last != NULL) {
		last->rc = -1;
		free(last->cause);
		last->cause = c;
		c = NULL;
	} else if (tx != NULL && !whole) {
		(void)txn_abort(tx, &done, &c);
		if (last != NULL && (done != NULL || c != NULL)) {
			xasprintf(&msg, "%s%s%s%s%s", last->cause != NULL ?
			    last->cause : "cancelled", done != NULL ? "; " : "",
			    done != NULL ? done : "", c != NULL ? "; " : "",
			    c != NULL ? c : "");
			free(last->cause);
			last->cause = msg;
			if (last->rc == 0)
				last->rc = -1;
		}
	}
	free(c);
	free(done);
	atomic_store(&w->finished, true);
	return (NULL);
}

/* Start applying the plan. */
static void
wiz_start(struct tui *t, struct wiz *w)
{
	sigset_t	 all, old;
	int		 r;

	atomic_store(&w->cancel, 0);
	atomic_store(&w->progress, 0);
	atomic_store(&w->finished, false);
	w->state = W_BUSY;
	w->top = 0;
	/* Signals (SIGINT, SIGWINCH) stay with the main thread: the worker
	 * starts with them blocked, so its system calls are not cut short. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&w->th, NULL, wiz_thread, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		w->state = W_DONE;
		w->steps[0]->cause = xstrdup("cannot start a thread");
		w->steps[0]->rc = -1;
		w->steps[0]->ran = true;
		return;
	}
	w->th_live = true;
	t->busy++;
}

/* Wait for the worker (after it said it finished, or to cancel it). */
static void
wiz_join(struct tui *t, struct wiz *w)
{
	if (!w->th_live)
		return;
	pthread_join(w->th, NULL);
	w->th_live = false;
	t->busy--;
}

/* The loop's tick: spin, and notice the end of the steps. */
static bool
wiz_tick(struct tui *t, struct screen *sc)
{
	struct wiz	*w = sc->data;
	size_t		 i;
	bool		 wrote = false;

	/* A form's checks, once typing or a paste stops (form.c). */
	if (w != NULL && w->state == W_FORM)
		return (form_idle(w->forms[w->page]));
	if (w == NULL || w->state != W_BUSY)
		return (false);
	w->spin++;
	if (!atomic_load(&w->finished))
		return (true);
	wiz_join(t, w);
	w->state = W_DONE;
	for (i = 0; i < w->nsteps; i++)
		wrote = wrote || (w->steps[i]->ran && w->steps[i]->rc == 0 &&
		    w->steps[i]->writes);
	/* The dashboard underneath shows the new state. */
	if (wrote)
		tui_model_reload(t);
	w->top = INT_MAX;		/* the end in view */
	return (true);
}

/* A line of the plan/result text. */
struct wline {
	enum theme_role	 role;
	int		 indent;
	char		*text;
	bool		 cursor;	/* the hardware cursor goes here */
};

/* Append a line to the plan/result text. */
static void
wiz_text_add(struct wline **v, size_t *n, enum theme_role role, int indent,
    bool cursor, const char *fmt, ...)
{
	va_list	ap;

	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[*n].role = role;
	(*v)[*n].indent = indent;
	(*v)[*n].cursor = cursor;
	va_start(ap, fmt);
	xvasprintf(&(*v)[*n].text, fmt, ap);
	va_end(ap);
	(*n)++;
}

/* The spinner's frame. */
static const char *
wiz_spinner(struct tui *t, unsigned int n)
{
	static const char	*utf8[] = { "\xe2\xa0\x8b", "\xe2\xa0\x99",
	    "\xe2\xa0\xb9", "\xe2\xa0\xb8", "\xe2\xa0\xbc", "\xe2\xa0\xb4",
	    "\xe2\xa0\xa6", "\xe2\xa0\xa7", "\xe2\xa0\x87", "\xe2\xa0\x8f" };
	static const char	*ascii[] = { "|", "/", "-", "\\" };

	if (t->ascii || !t->utf8)
		return (ascii[n % 4]);
	return (utf8[n % 10]);
}

/* The plan or the results as lines. */
static void
wiz_text(struct tui *t, struct wiz *w, struct wline **v, size_t *n)
{
	struct fstep	*s;
	struct km_apply	 ap;
	const char	*mark;
	enum theme_role	 role;
	size_t		 i, j, done = atomic_load(&w->progress);
	size_t		 ok = 0, failed = 0;
	bool		 cur;

	if (w->state == W_PLAN)
		wiz_text_add(v, n, THEME_TEXT, 0, false, "Nothing has been "
		    "written yet.  The plan, %zu step%s:", w->nsteps,
		    w->nsteps == 1 ? "" : "s");
	for (i = 0; i < w->nsteps; i++) {
		s = w->steps[i];
		cur = false;
		if (w->state == W_PLAN) {
			mark = " ";
			role = THEME_TITLE;
			cur = i == 0;
		} else if (s->ran && s->rc == 0) {
			mark = t->g->ok;
			role = THEME_OK;
			ok++;
		} else if (s->ran) {
			mark = t->g->crit;
			role = THEME_CRIT;
			failed++;
		} else if (w->state == W_BUSY && i == done) {
			mark = wiz_spinner(t, w->spin);
			role = THEME_WARN;
			cur = true;
		} else {
			mark = "-";
			role = THEME_MUTED;
		}
		wiz_text_add(v, n, role, 0, cur, "%s %zu. %s", mark, i + 1,
		    s->title);
		if (w->state == W_PLAN || !s->ran) {
			for (j = 0; j < s->nplan; j++)
				wiz_text_add(v, n, w->state == W_PLAN ?
				    THEME_TEXT : THEME_MUTED, 5, false, "%s",
				    s->plan[j]);
			if (w->state == W_BUSY && i == done && s->doing != NULL)
				wiz_text_add(v, n, THEME_WARN, 5, false,
				    "%s%s", s->doing, atomic_load(&w->cancel) ?
				    " (cancelling)" : "");
			continue;
		}
		for (j = 0; j < s->nout; j++)
			wiz_text_add(v, n, THEME_TEXT, 5, false, "%s",
			    s->out[j]);
		if (s->rc != 0)
			wiz_text_add(v, n, THEME_CRIT, 5, false, "%s",
			    s->cause != NULL ? s->cause : "failed");
	}
	if (w->state == W_PLAN && (s = wiz_confirm2(w)) != NULL)
		wiz_text_add(v, n, THEME_WARN, 0, w->armed, "WARNING: %s%s",
		    s->confirm2, w->armed ? ": press y or F2 again to apply "
		    "anyway" : " (you are asked twice)");
	if (w->state != W_DONE) {
		if (w->nrestart > 0 && w->state == W_PLAN)
			wiz_text_add(v, n, THEME_MUTED, 0, false, "Then "
			    "restart the server (the command is shown at the "
			    "end).");
		return;
	}
	wiz_text_add(v, n, THEME_TEXT, 0, false, "%s", "");
	if (failed > 0 || ok < w->nsteps)
		wiz_text_add(v, n, atomic_load(&w->cancel) ? THEME_WARN :
		    THEME_CRIT, 0, true, "%s%zu of %zu steps done; the files "
		    "of the steps not done are unchanged",
		    atomic_load(&w->cancel) ? "Cancelled: " : "", ok,
		    w->nsteps);
	else
		wiz_text_add(v, n, THEME_OK, 0, true, "All %zu step%s done.",
		    w->nsteps, w->nsteps == 1 ? "" : "s");
	if (ok > 0 && wiz_reloads(w)) {
		/* The server reloads the changed files itself. */
		key_material_apply(t->model, NULL, false, &ap);
		wiz_text_add(v, n, THEME_OK, 0, false, "New certificate: %s; "
		    "the dashboard checks what is served after that.",
		    ap.line);
		km_apply_free(&ap);
		if (w->nrestart > 0)
			wiz_text_add(v, n, THEME_TEXT, 0, false, "Restart the "
			    "server for the other changes (the JRE reads "
			    "cacerts at start):");
	} else if (ok > 0 && w->nrestart > 0)
		wiz_text_add(v, n, THEME_TEXT, 0, false, "Restart the server "
		    "to use the new certificate and settings:");
	if (ok > 0 && w->nrestart > 0) {
		for (i = 0; i < w->nrestart; i++)
			wiz_text_add(v, n, THEME_KEY, 4, false, "%s",
			    w->restart[i]);
	}
	if (ok > 0 && w->reload != NULL)
		wiz_text_add(v, n, THEME_TEXT, 0, false, "A new certificate "
		    "in the keystore the server uses: %s.", w->reload);
	if (failed == 0 && ok == w->nsteps && w->outro != NULL)
		wiz_text_add(v, n, THEME_TEXT, 0, false, "%s", w->outro);
}

/* Draw the plan or the results, scrolled. */
static void
wiz_draw_runner(struct tui *t, struct wiz *w)
{
	struct wline	*v = NULL;
	char		**lines, sub[64];
	const char	*prompt;
	size_t		  n = 0, nl, i, j;
	int		  x, y, rows, total, cy = -1, cx = 2, first;

	wiz_text(t, w, &v, &n);
	snprintf(sub, sizeof sub, "%s", w->state == W_PLAN ? "the plan" :
	    w->state == W_BUSY ? "applying" : "done");
	draw_box(t, 0, 0, LINES - 1, COLS, THEME_FOCUS, w->title, sub);
	rows = LINES - 4;
	/* Wrap, then scroll. */
	total = 0;
	for (i = 0; i < n; i++) {
		nl = draw_wrap(v[i].text, COLS - 4 - v[i].indent -
		    (v[i].indent == 0 ? 5 : 2), &lines);
		total += nl > 0 ? (int)nl : 1;
		draw_lines_free(lines, nl);
	}
	w->ntext = total;
	if (w->top > total - rows)
		w->top = total - rows;
	if (w->top < 0)
		w->top = 0;
	y = 1;
	first = 0;
	for (i = 0; i < n; i++) {
		/* Continuation lines hang two columns in (five for the
		 * steps' titles, under their text). */
		nl = draw_wrap(v[i].text, COLS - 4 - v[i].indent -
		    (v[i].indent == 0 ? 5 : 2), &lines);
		for (j = 0; j < (nl > 0 ? nl : 1); j++, first++) {
			if (first < w->top || y > rows)
				continue;
			x = 2 + v[i].indent + (j == 0 ? 0 : v[i].indent == 0 ?
			    5 : 2);
			if (nl > 0)
				draw_text(t, y, x, COLS - 2 - x, v[i].role,
				    lines[j]);
			if (v[i].cursor && j == 0) {
				cy = y;
				cx = 2 + v[i].indent;
			}
			y++;
		}
		draw_lines_free(lines, nl);
		free(v[i].text);
	}
	free(v);
	if (w->top > 0)
		draw_text(t, 1, COLS - 2, 1, THEME_MUTED, t->g->up);
	if (w->top + rows < total)
		draw_text(t, rows, COLS - 2, 1, THEME_MUTED, t->g->down);
	switch (w->state) {
	case W_PLAN:
		if (w->armed)
			prompt = "Apply it ANYWAY?  y or F2 again: apply   "
			    "Esc: back to the forms";
		else
			prompt = "Apply this plan?  y or F2: apply   Esc: back "
			    "to the forms";
		break;
	case W_BUSY:
		prompt = "Working...  Esc: cancel (at the next safe point)";
		break;
	default:
		prompt = "Enter or Esc: close";
		break;
	}
	draw_text(t, LINES - 3, 2, COLS - 4, THEME_TITLE, prompt);
	if (cy < 0) {
		cy = LINES - 3;
		cx = 2;
	}
	tui_cursor(t, cy, cx);
	/* The prompt above says this page's keys; the form keys (Tab, F2
	 * Continue) would mislead here. */
	draw_hints(t, LINES - 1, SCOPE_GLOBAL);
}

/* ------------------------------------------------------------------ */
/* The screen */

/* Open (arg: the struct wiz, taken). */
static int
wiz_init(struct tui *t, struct screen *s, void *arg, char **cause)
{
	s->data = arg;
	return (0);
}

/* Draw the current page or the runner. */
static void
wiz_draw(struct tui *t, struct screen *s)
{
	struct wiz	*w = s->data;

	if (w->state == W_FORM)
		form_draw(w->forms[w->page]);
	else
		wiz_draw_runner(t, w);
}

/* Keys of a page. */
static int
wiz_key_form(struct tui *t, struct wiz *w, enum tui_action a, int ch)
{
	struct fstep	*st;

	switch (form_key(w->forms[w->page], a, ch)) {
	case FORM_K_HANDLED:
		return (KR_HANDLED);
	case FORM_K_BACK:
		if (!wiz_page_back(t, w))
			return (KR_POP);
		return (KR_HANDLED);
	case FORM_K_SUBMIT:
		if ((st = form_submit(w->forms[w->page])) == NULL)
			return (KR_HANDLED);
		fstep_free(w->steps[w->page]);
		w->steps[w->page] = st;
		w->nsteps = w->page + 1;
		if (w->page + 1 < w->npages)
			wiz_page_open(t, w, w->page + 1);
		else
			wiz_plan(t, w);
		return (KR_HANDLED);
	default:
		return (KR_UNHANDLED);
	}
}

/* Keys: the page's, or the runner's. */
static int
wiz_key(struct tui *t, struct screen *s, enum tui_action a, int ch)
{
	struct wiz	*w = s->data;

	if (w->state == W_FORM)
		return (wiz_key_form(t, w, a, ch));
	switch (a) {
	case ACT_PREV_PANEL:
		w->top--;
		return (KR_HANDLED);
	case ACT_NEXT_PANEL:
		w->top++;
		return (KR_HANDLED);
	default:
		break;
	}
	if (ch == TK(KEY_PPAGE) || ch == TK(KEY_NPAGE)) {
		w->top += (ch == TK(KEY_PPAGE) ? -1 : 1) * (LINES - 6);
		return (KR_HANDLED);
	}
	switch (w->state) {
	case W_PLAN:
		/* Asked once, deliberately: y or F2, not Enter; twice when
		 * a step loses something (SANs of a renewal). */
		if (a == ACT_SUBMIT && w->nsteps > 0) {
			if (wiz_confirm2(w) != NULL && !w->armed) {
				w->armed = true;
				return (KR_HANDLED);
			}
			wiz_start(t, w);
			return (KR_HANDLED);
		}
		if (a == ACT_BACK || ch == 'n') {
			w->armed = false;
			/* Back to the last page; its step is made again. */
			w->page = w->npages - 1;
			fstep_free(w->steps[w->page]);
			w->steps[w->page] = NULL;
			w->nsteps = w->page;
			w->state = W_FORM;
			return (KR_HANDLED);
		}
		break;
	case W_BUSY:
		if (a == ACT_BACK) {
			atomic_store(&w->cancel, 1);
			return (KR_HANDLED);
		}
		if (a == ACT_QUIT || a == ACT_HELP)
			return (KR_UNHANDLED);
		return (KR_HANDLED);
	case W_DONE:
		if (a == ACT_OPEN || a == ACT_BACK || ch == 'q')
			return (KR_POP);
		break;
	default:
		break;
	}
	return (KR_UNHANDLED);
}

/* Close: stop the worker first. */
static void
wiz_free(struct tui *t, struct screen *s)
{
	struct wiz	*w = s->data;
	size_t		 i;

	if (w == NULL)
		return;
	if (w->th_live) {
		atomic_store(&w->cancel, 1);
		wiz_join(t, w);
	}
	for (i = 0; i < WIZ_PAGES_MAX; i++) {
		form_free(w->forms[i]);
		fstep_free(w->steps[i]);
	}
	draw_lines_free(w->restart, w->nrestart);
	free(w->reload);
	form_env_free(w->env);
	free(w->ctx.keystore);
	secret_free(w->ctx.storepass);
	free(w->ctx.alias);
	free(w->ctx.old_alias);
	free(w->ctx.san);
	free(w->intro);
	free(w);
	s->data = NULL;
}

const struct screen_ops screen_wizard = {
	.name = "wizard",
	.scope = SCOPE_FORM,
	.overlay = false,
	.init = wiz_init,
	.draw = wiz_draw,
	.key = wiz_key,
	.free = wiz_free,
	.tick = wiz_tick,
};

/* The newest self-signed key entry other than the configured one (the
 * key a renewal made), or NULL. */
static const char *
wiz_renewed_alias(const struct key_material *mat)
{
	const struct ks_entry	*e, *best = NULL;
	size_t			 i;

	if (mat->ks == NULL)
		return (NULL);
	for (i = 0; i < mat->ks->nentries; i++) {
		e = mat->ks->entries[i];
		if (e->type != KS_ENTRY_KEY || e == mat->key_entry ||
		    e->nchain != 1 || !e->chain[0]->info.self_signed)
			continue;
		if (best == NULL || e->date_ms > best->date_ms)
			best = e;
	}
	return (best != NULL ? best->alias : NULL);
}

/* A wizard of kind (WIZ_FORM: the one form def), acting on the key
 * material the dashboard shows (a finding's own, when fixing one). */
static int
wiz_push(struct tui *t, enum wiz_kind kind, const struct form_def *def,
    const struct finding *fnd)
{
	struct wiz		*w;
	struct key_material	*mat;
	const char		*ra;
	size_t			 i;
	bool			 pem;

	mat = fnd != NULL && fnd->material != NULL ? fnd->material :
	    tui_material(t);
	/* The encryption key: shown, exported, never changed. */
	if (mat->role == KM_ROLE_ENCRYPTION && def != &form_export_def &&
	    def != &form_trust_def && def != &form_settings_def) {
		tui_message(t, SEV_WARN, "not for the encryption key: %s "
		    "(m: another key material)", mat->not_renewable != NULL ?
		    mat->not_renewable : "its key pair decrypts stored data");
		return (-1);
	}
	/* PEM files: renewed self-signed by new files (form-pemrenew.c). */
	if (mat->where == KM_PEM && kind != WIZ_RENEW_SELF &&
	    kind != WIZ_RENEW_ACME &&
	    def != &form_export_def && def != &form_settings_def) {
		tui_message(t, SEV_WARN, "PEM files: only \"Renew - "
		    "self-signed\" and ACME renew them (m: another key "
		    "material)");
		return (-1);
	}
	if (mat->where == KM_PEM && kind == WIZ_RENEW_SELF &&
	    !mat->renewable) {
		tui_message(t, SEV_WARN, "not renewed: %s",
		    mat->not_renewable != NULL ? mat->not_renewable :
		    "this key material cannot change");
		return (-1);
	}
	w = xcalloc(1, sizeof *w);
	w->kind = kind;
	w->ctx.kind = kind;
	w->env = form_env_new(t->model, mat);
	if (kind == WIZ_FORM) {
		w->title = def->title;
		w->pages[0] = def;
		w->npages = 1;
	} else {
		w->title = wiz_kinds[kind].title;
		w->outro = wiz_kinds[kind].outro;
		pem = mat->where == KM_PEM && kind == WIZ_RENEW_SELF;
		if (pem)
			w->pages[w->npages++] = &form_pemrenew_def;
		for (i = 0; !pem && wiz_kinds[kind].pages[i] != NULL; i++) {
			/* Another material than the one served, or one the
			 * server reloads itself whose key alias a setting
			 * names (a self-signed renewal): renewed in place,
			 * the server's settings stay. */
			if (wiz_kinds[kind].pages[i] == &form_settings_def &&
			    (!w->env->served || (w->env->reloads &&
			    w->env->alias_setting && kind == WIZ_RENEW_SELF)))
				continue;
			w->pages[w->npages++] = wiz_kinds[kind].pages[i];
		}
	}
	switch (kind) {
	case WIZ_RENEW_SELF:
	case WIZ_RENEW_CA1:
		/* The new entry gets a new alias (form-genkey.c). */
		w->ctx.old_alias = xstrdup(w->env->alias);
		xasprintf(&w->ctx.san, "%s", w->env->cert_san != NULL ?
		    w->env->cert_san : w->env->san);
		break;
	case WIZ_RENEW_CA2:
		w->ctx.old_alias = xstrdup(w->env->alias);
		if ((ra = wiz_renewed_alias(mat)) != NULL)
			w->ctx.alias = xstrdup(ra);
		break;
	default:
		break;
	}
	if (fnd != NULL) {
		xasprintf(&w->intro, "fixing: %s", fnd->message);
		w->intro_sev = fnd->sev;
	} else if (!w->env->served) {
		xasprintf(&w->intro, "the %s key material%s%s: %s",
		    km_role_name(mat->role), mat->name != NULL ? " " : "",
		    mat->name != NULL ? mat->name : "", mat->path != NULL ?
		    mat->path : "(no file)");
		w->intro_sev = SEV_INFO;
	}
	if (tui_push(t, &screen_wizard, w) != 0) {
		form_env_free(w->env);
		free(w->ctx.old_alias);
		free(w->ctx.san);
		free(w->ctx.alias);
		free(w->intro);
		free(w);
		return (-1);
	}
	wiz_page_open(t, w, 0);
	return (0);
}

/* The name of a form (its title), or NULL for none. */
const char *
form_name(int form)
{
	if (form < 0 || form >= FORM__MAX || wiz_forms[form] == NULL)
		return (NULL);
	return (wiz_forms[form]->title);
}

/* Open one form. */
int
form_open(struct tui *t, enum form_kind kind, const struct finding *f)
{
	if (kind < 0 || kind >= FORM__MAX || wiz_forms[kind] == NULL)
		return (-1);
	return (wiz_push(t, WIZ_FORM, wiz_forms[kind], f));
}

/* Open a wizard. */
int
wizard_open(struct tui *t, enum wiz_kind kind)
{
	if (kind <= WIZ_FORM || kind >= WIZ__MAX)
		return (-1);
	return (wiz_push(t, kind, NULL, NULL));
}

/* ------------------------------------------------------------------ */
/* The chooser (F2, F3, F8) */

struct menu_item {
	const char	*label;
	enum wiz_kind	 wiz;
	int		 form;		/* FORM_*, or -1 for a wizard */
};

struct menu {
	const char		*title;
	const char		*about;
	struct menu_item	 items[FORM__MAX];
	int			 n;
	int			 sel;
};

/* Open the chooser (arg: the struct menu, taken). */
static int
menu_init(struct tui *t, struct screen *s, void *arg, char **cause)
{
	s->data = arg;
	return (0);
}

/* A box over the dashboard with one line per choice. */
static void
menu_draw(struct tui *t, struct screen *s)
{
	struct menu	*m = s->data;
	int		 i, w, h, y, x, lw = 0;

	for (i = 0; i < m->n; i++)
		if (draw_width(m->items[i].label) + 4 > lw)
			lw = draw_width(m->items[i].label) + 4;
	if (draw_width(m->about) > lw)
		lw = draw_width(m->about);
	w = lw + 4 < COLS - 4 ? lw + 4 : COLS - 4;
	h = m->n + 6;
	if (h > LINES - 2)
		h = LINES - 2;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	for (i = 0; i < h; i++)
		draw_fill(t, y + i, x, w, THEME_TEXT);
	draw_box(t, y, x, h, w, THEME_FOCUS, m->title, NULL);
	draw_text(t, y + 1, x + 2, w - 4, THEME_MUTED, m->about);
	for (i = 0; i < m->n && y + 3 + i < y + h - 2; i++) {
		if (i == m->sel)
			draw_fill(t, y + 3 + i, x + 1, w - 2, THEME_SELECTED);
		draw_printf(t, y + 3 + i, x + 2, w - 4, i == m->sel ?
		    THEME_SELECTED : THEME_TEXT, "%d  %s", i + 1,
		    m->items[i].label);
	}
	draw_text_right(t, y + h - 2, x + 2, w - 4, THEME_MUTED,
	    "Enter: open   Esc: close");
	tui_cursor(t, y + 3 + m->sel, x + 2);
}

/* Up, Down, a digit, Enter; Esc closes. */
static int
menu_key(struct tui *t, struct screen *s, enum tui_action a, int ch)
{
	struct menu	*m = s->data;
	struct menu_item it;

	if (ch >= '1' && ch < '1' + m->n) {
		m->sel = ch - '1';
		a = ACT_OPEN;
	}
	switch (a) {
	case ACT_UP:
		if (m->sel > 0)
			m->sel--;
		return (KR_HANDLED);
	case ACT_DOWN:
		if (m->sel < m->n - 1)
			m->sel++;
		return (KR_HANDLED);
	case ACT_TOP:
		m->sel = 0;
		return (KR_HANDLED);
	case ACT_BOTTOM:
		m->sel = m->n - 1;
		return (KR_HANDLED);
	case ACT_OPEN:
		/* The menu goes first; the form takes its place. */
		it = m->items[m->sel];
		tui_pop(t);
		if (it.form >= 0)
			form_open(t, it.form, NULL);
		else
			wizard_open(t, it.wiz);
		return (KR_HANDLED);
	case ACT_BACK:
		return (KR_POP);
	case ACT_QUIT:
		return (ch == 'q' ? KR_POP : KR_QUIT);
	default:
		return (KR_UNHANDLED);
	}
}

/* Free the chooser. */
static void
menu_free(struct tui *t, struct screen *s)
{
	free(s->data);
	s->data = NULL;
}

const struct screen_ops screen_menu = {
	.name = "menu",
	.scope = SCOPE_LIST,
	.overlay = true,
	.init = menu_init,
	.draw = menu_draw,
	.key = menu_key,
	.free = menu_free,
};

/* The chooser of an action: F2, F3 or F8. */
int
wizard_menu(struct tui *t, enum tui_action a)
{
	struct menu	*m;
	int		 i, k;

	m = xcalloc(1, sizeof *m);
	switch (a) {
	case ACT_WIZ_ENABLE:
		m->title = "Enable HTTPS";
		m->about = "Which certificate will the server present?";
		for (k = WIZ_SELF_SIGNED; k <= WIZ_CA_PART2; k++) {
			m->items[m->n].label = wiz_kinds[k].menu;
			m->items[m->n].wiz = k;
			m->items[m->n++].form = -1;
		}
		break;
	case ACT_WIZ_RENEW:
		m->title = "Renew the server certificate";
		m->about = "The old key stays in use until the new "
		    "certificate is in place.";
		for (k = WIZ_RENEW_SELF; k <= WIZ_RENEW_ACME; k++) {
			m->items[m->n].label = wiz_kinds[k].menu;
			m->items[m->n].wiz = k;
			m->items[m->n++].form = -1;
		}
		break;
	default:
		m->title = "Forms";
		m->about = "One step at a time (each shows what it will do "
		    "before writing).";
		for (i = 0; i < FORM__MAX; i++) {
			m->items[m->n].label = form_name(i);
			m->items[m->n].wiz = WIZ_FORM;
			m->items[m->n++].form = i;
		}
		break;
	}
	if (tui_push(t, &screen_menu, m) != 0) {
		free(m);
		return (-1);
	}
	return (0);
}

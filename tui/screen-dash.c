/* SPDX-License-Identifier: ISC */
/*
 * screen-dash.c -- the dashboard: header, four panels (keystore, SSL
 * settings, expiry timeline, trust), the findings strip and the key-hint
 * bar, drawn from struct server_model only.
 *
 * The keystore panel shows one key material of the server at a time (m
 * and M switch: served, SNI, client trust, queue, encryption; the title
 * says which, and whether the port serves it); the settings panel shows
 * that material's rows and the general ones, each with its source in the
 * detail.
 *
 * Layout: a 2x2 grid from 80x22 up (the grid grows with the terminal and
 * panels show more columns when wide); below that, down to 60x15, one panel
 * at a time under a tab row; below that, tui.c's too-small message.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>
#include <wctype.h>

#include "tui.h"

enum dash_panel {
	P_KEYSTORE = 0,			/* tab order = reading order */
	P_SETTINGS,
	P_EXPIRY,
	P_TRUST,
	P_FINDINGS,			/* only when the terminal is tall */
	P__MAX
};

/* The panels the compact (tabs) layout cycles through. */
#define P_TABS	4

static const char *dash_panel_names[P__MAX] = {
	"Keystore", "SSL settings", "Expiry", "Trust", "Findings"
};

struct rect {
	int	y, x, h, w;
};

/* A keystore panel row: an entry (ci 0) or a chain certificate. */
struct ks_row {
	const struct ks_entry	*e;
	size_t			 ci;
};

/* An expiry panel row. */
struct exp_row {
	struct cert		*c;
	const struct ks_entry	*e;	/* NULL for the cacerts anchor */
	bool			 cacerts;
	long			 days;
	enum sev		 sev;
};

/* A trust panel line: "label    text". */
struct trust_line {
	enum theme_role	 role;
	const char	*label;		/* static, or NULL */
	char		*text;
	bool		 tail;		/* a path: crop its front */
};

struct dash {
	int			 focus;
	int			 sel[P__MAX];
	int			 top[P__MAX];
	struct rect		 r[P__MAX];
	bool			 visible[P__MAX];
	bool			 tabs;		/* one panel at a time */

	char			 filter[256];
	bool			 filtering;	/* typing the filter */

	int			 mat;		/* m->materials[mat] is shown */
	struct ks_row		*ks;
	size_t			 nks;
	const struct setting	**set;		/* the settings panel's rows */
	size_t			 nset;
	struct exp_row		*ex;
	size_t			 nex;
	struct trust_line	*tl;
	size_t			 ntl;

	/* certificates tlsdeck had issued by ACME (step_acme_issued_all),
	 * read once per model */
	char			**acme;
	size_t			 nacme;
	unsigned int		 acme_gen;
	bool			 acme_read;
};

static const char	*dash_sev_label(enum sev);

/* Thresholds of the model, or core's defaults. */
static void
dash_thresholds(const struct server_model *m, int *warn, int *crit)
{
	*warn = m->warn_days > 0 ? m->warn_days : SERVER_WARN_DAYS;
	*crit = m->crit_days > 0 ? m->crit_days : SERVER_CRIT_DAYS;
}

/* The bar role for a severity. */
static enum theme_role
dash_bar_role(enum sev s)
{
	if (s == SEV_CRIT)
		return (THEME_BAR_CRIT);
	if (s == SEV_WARN)
		return (THEME_BAR_WARN);
	return (THEME_BAR_OK);
}

/* The share of its lifetime a certificate has left (0..1). */
static double
dash_life_left(const struct cert *c, time_t now)
{
	double	total, left;

	total = (double)(c->info.not_after - c->info.not_before);
	left = (double)(c->info.not_after - (int64_t)now);
	if (total <= 0 || left <= 0)
		return (0);
	return (left > total ? 1 : left / total);
}

/* "412d" or "-3d". */
static void
dash_days(char *buf, size_t len, long days)
{
	snprintf(buf, len, "%ldd", days);
}

/* Case-insensitive substring test (ASCII folding; UTF-8 passes through). */
static bool
dash_match(const char *hay, size_t len, const char *needle)
{
	size_t	n = strlen(needle), i;

	if (n == 0)
		return (true);
	if (hay == NULL || n > len)
		return (false);
	for (i = 0; i + n <= len; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return (true);
	return (false);
}

/* Does an entry pass the keystore filter? */
static bool
dash_entry_matches(const struct dash *d, const struct ks_entry *e)
{
	size_t	i;

	if (d->filter[0] == '\0')
		return (true);
	if (dash_match(e->alias, e->alias_len, d->filter))
		return (true);
	for (i = 0; i < e->nchain; i++)
		if (dash_match(e->chain[i]->info.subject,
		    strlen(e->chain[i]->info.subject != NULL ?
		    e->chain[i]->info.subject : ""), d->filter))
			return (true);
	return (false);
}

/* Are two certificates the same one? */
static bool
dash_same_cert(const struct cert *a, const struct cert *b)
{
	if (a == b || (a->der != NULL && b->der != NULL))
		return (cert_equal(a, b));
	/* The demonstration model's certificates have no DER. */
	return (a->info.not_after == b->info.not_after &&
	    a->info.subject != NULL && b->info.subject != NULL &&
	    strcmp(a->info.subject, b->info.subject) == 0 &&
	    a->info.serial != NULL && b->info.serial != NULL &&
	    strcmp(a->info.serial, b->info.serial) == 0);
}

/* Sort expiry rows: soonest first. */
static int
dash_exp_cmp(const void *a, const void *b)
{
	const struct exp_row	*x = a, *y = b;

	if (x->days != y->days)
		return (x->days < y->days ? -1 : 1);
	return (x->cacerts - y->cacerts);
}

/* The cacerts certificate that anchors the server chain, or NULL. */
static struct cert *
dash_anchor(const struct server_model *m)
{
	struct ks_entry	*e;

	if (m->jre.trust == NULL || m->served->trusted_alias == NULL)
		return (NULL);
	e = keystore_find(m->jre.trust, m->served->trusted_alias);
	if (e == NULL || e->nchain == 0)
		return (NULL);
	return (e->chain[0]);
}

static void	dash_tl_add(struct dash *, enum theme_role, const char *,
		    bool, const char *, ...)
		    __attribute__((format(printf, 5, 6)));

/* Add a trust panel line. */
static void
dash_tl_add(struct dash *d, enum theme_role role, const char *label,
    bool tail, const char *fmt, ...)
{
	va_list	ap;

	d->tl = xreallocarray(d->tl, d->ntl + 1, sizeof *d->tl);
	d->tl[d->ntl].role = role;
	d->tl[d->ntl].label = label;
	d->tl[d->ntl].tail = tail;
	va_start(ap, fmt);
	xvasprintf(&d->tl[d->ntl].text, fmt, ap);
	va_end(ap);
	d->ntl++;
}

/* Free the row arrays. */
static void
dash_rows_free(struct dash *d)
{
	size_t	i;

	free(d->ks);
	free(d->ex);
	free(d->set);
	for (i = 0; i < d->ntl; i++)
		free(d->tl[i].text);
	free(d->tl);
	d->ks = NULL;
	d->ex = NULL;
	d->set = NULL;
	d->tl = NULL;
	d->nks = d->nex = d->nset = d->ntl = 0;
}

/* The key material the keystore panel shows (the served one unless m
 * chose another). */
static struct key_material *
dash_mat(const struct tui *t, const struct dash *d)
{
	const struct server_model	*m = t->model;

	if (d->mat > 0 && (size_t)d->mat < m->nmaterials)
		return (m->materials[d->mat]);
	return (m->served);
}

/* Does the settings panel show row s for material mat?  Its own rows
 * and the ones of no material. */
static bool
dash_set_shown(const struct setting *s, const struct key_material *mat)
{
	return (s->material == NULL || s->material == mat);
}

/* The live probe's line(s): what server.port really serves. */
static void
dash_live_lines(struct tui *t, struct dash *d)
{
	const struct tui_live	*l = t->live;
	char			*cn;

	if (l == NULL || l->model_gen != t->model_gen)
		return;
	switch (l->state) {
	case LIVE_OFF:
		if (l->note != NULL)
			dash_tl_add(d, THEME_MUTED, "served", false, "%s",
			    l->note);
		return;
	case LIVE_CLOSED:
		dash_tl_add(d, THEME_MUTED, "served", false, "nothing listens "
		    "on :%d (not running)", l->port);
		return;
	case LIVE_WAITING:
		dash_tl_add(d, THEME_MUTED, "served", false, "probed in %d s: "
		    "%s", tui_live_seconds(t), l->wait_why != NULL ?
		    l->wait_why : "the server reloads its files");
		return;
	case LIVE_RUNNING:
		if (tui_live_seconds(t) > 0)
			dash_tl_add(d, THEME_MUTED, "served", false,
			    "probing :%d%s %ds", l->port, t->g->ellipsis,
			    tui_live_seconds(t));
		else
			dash_tl_add(d, THEME_MUTED, "served", false,
			    "probing :%d%s", l->port, t->g->ellipsis);
		return;
	case LIVE_DONE:
		break;
	}
	if (l->match == 1)
		dash_tl_add(d, THEME_OK, "served", false,
		    "%s chain matches the keystore", t->g->ok);
	else if (l->match == 0) {
		cn = draw_cn(l->served != NULL ? l->served : "?");
		dash_tl_add(d, THEME_CRIT, "served", false, "%s :%d differs "
		    "from the keystore", t->g->crit, l->port);
		dash_tl_add(d, THEME_CRIT, "", false, "restart pending? (%s)",
		    cn);
		free(cn);
	} else if (l->error == PROBE_OK) {
		cn = draw_cn(l->served != NULL ? l->served : "?");
		dash_tl_add(d, THEME_TEXT, "served", false, ":%d serves %s",
		    l->port, cn);
		free(cn);
	} else if (l->error == PROBE_ERR_REFUSED)
		dash_tl_add(d, THEME_WARN, "served", false, "%s nothing "
		    "listens on :%d", t->g->warn, l->port);
	else if (l->error == PROBE_ERR_TIMEOUT)
		dash_tl_add(d, THEME_WARN, "served", false, "%s no TLS answer "
		    "from :%d in %ld s", t->g->warn, l->port,
		    (l->elapsed_ms + 500) / 1000);
	else if (l->error == PROBE_ERR_NOT_TLS)
		dash_tl_add(d, THEME_CRIT, "served", false, "%s :%d answers "
		    "without TLS", t->g->crit, l->port);
	else
		dash_tl_add(d, THEME_WARN, "served", false, "%s %s",
		    t->g->warn, l->error_msg != NULL ? l->error_msg :
		    "cannot check");
	if (l->error == PROBE_OK && l->verified == 0)
		dash_tl_add(d, THEME_WARN, NULL, false, "%s served chain NOT "
		    "trusted by this cacerts", t->g->warn);
}

/* Build the trust panel's lines. */
static void
dash_trust_lines(struct tui *t, struct dash *d)
{
	const struct server_model	*m = t->model;
	const struct jre_info		*j = &m->jre;
	struct cert			*anchor;
	char				*cn;

	if (m->served->key_entry == NULL)
		dash_tl_add(d, THEME_MUTED, NULL, false,
		    "no server certificate to check");
	else if (m->served->trusted)
		dash_tl_add(d, THEME_OK, NULL, false, "%s trusted as %s",
		    t->g->ok, m->served->trusted_alias != NULL ? m->served->trusted_alias :
		    "?");
	else
		dash_tl_add(d, THEME_CRIT, NULL, false, "%s NOT trusted by "
		    "this cacerts", t->g->crit);
	dash_live_lines(t, d);
	if ((anchor = dash_anchor(m)) != NULL) {
		cn = draw_cn(anchor->info.subject);
		dash_tl_add(d, THEME_TEXT, "root", false, "%s", cn);
		free(cn);
	} else if (m->served->key_entry != NULL && m->served->key_entry->nchain > 0) {
		cn = draw_cn(m->served->key_entry->chain[m->served->key_entry->nchain - 1]->
		    info.issuer);
		dash_tl_add(d, THEME_TEXT, "ends at", false, "%s", cn);
		free(cn);
	}
	if (j->cacerts == NULL) {
		dash_tl_add(d, THEME_MUTED, NULL, false,
		    "no cacerts found (no JRE)");
	} else {
		dash_tl_add(d, THEME_TEXT, "file", true, "%s", j->cacerts);
		if (j->trust != NULL)
			dash_tl_add(d, THEME_TEXT, "format", false,
			    "%s, %zu entries", ks_format_name(j->trust->format),
			    j->trust->nentries);
		else
			dash_tl_add(d, THEME_CRIT, "format", false, "%s %s",
			    t->g->crit, j->trust_error != NULL ?
			    j->trust_error : "cannot be read");
		if (j->trust != NULL && j->trust_pass_how != NULL)
			dash_tl_add(d, THEME_MUTED, "opened", false,
			    "with %s", j->trust_pass_how);
		else if (j->trust != NULL && !j->trust_verified &&
		    m->ncerts > 0)
			dash_tl_add(d, THEME_WARN, "opened", false,
			    "%s integrity not verified (password unknown)",
			    t->g->warn);
		if (j->cacerts_symlink)
			dash_tl_add(d, THEME_TEXT, "symlink", true, "%s %s",
			    t->g->arrow, j->cacerts_real != NULL ?
			    j->cacerts_real : "?");
		if (j->cacerts_distro)
			dash_tl_add(d, THEME_WARN, NULL, false,
			    "%s managed by ca-certificates-java", t->g->warn);
		if (j->jssecacerts)
			dash_tl_add(d, THEME_WARN, NULL, false,
			    "%s jssecacerts exists: the JRE uses it instead",
			    t->g->warn);
		if (j->jssecacerts_path != NULL)
			dash_tl_add(d, THEME_WARN, "used", true, "%s",
			    j->jssecacerts_path);
	}
	if (j->home != NULL)
		dash_tl_add(d, THEME_MUTED, "JRE", true, "%s%s%s",
		    j->version != NULL ? j->version : "",
		    j->version != NULL ? "  " : "", j->home);
	if (m->served->trust_note != NULL)
		dash_tl_add(d, THEME_MUTED, NULL, false, "%s", m->served->trust_note);
}

/* Add an expiry row. */
static void
dash_ex_add(struct dash *d, struct cert *c, const struct ks_entry *e,
    bool cacerts, long days, enum sev sev)
{
	d->ex = xreallocarray(d->ex, d->nex + 1, sizeof *d->ex);
	d->ex[d->nex].c = c;
	d->ex[d->nex].e = e;
	d->ex[d->nex].cacerts = cacerts;
	d->ex[d->nex].days = days;
	d->ex[d->nex].sev = sev;
	d->nex++;
}

/*
 * The timeline's rows: the audit's list of every certificate it looked at
 * (model->certs) when there is one; else every certificate of the
 * keystore once, plus the cacerts anchor of the server chain.
 */
static void
dash_ex_rows(struct tui *t, struct dash *d)
{
	const struct server_model	*m = t->model;
	const struct cert_ref		*r;
	struct ks_entry			*e;
	struct cert			*c;
	size_t				 i, j, k;

	if (m->ncerts > 0) {
		for (i = 0; i < m->ncerts; i++) {
			r = &m->certs[i];
			e = NULL;
			if (m->served->ks != NULL && r->alias != NULL &&
			    strcmp(r->position, "anchor") != 0)
				e = keystore_find(m->served->ks, r->alias);
			dash_ex_add(d, r->cert, e, strcmp(r->position,
			    "anchor") == 0, r->days_left, r->sev);
		}
		return;
	}
	for (i = 0; m->served->ks != NULL && i < m->served->ks->nentries; i++) {
		e = m->served->ks->entries[i];
		for (j = 0; j < e->nchain; j++) {
			for (k = 0; k < d->nex; k++)
				if (dash_same_cert(d->ex[k].c, e->chain[j]))
					break;
			if (k == d->nex)
				dash_ex_add(d, e->chain[j], e, false,
				    cert_days_left(e->chain[j], m->now),
				    audit_cert_sev(m, e->chain[j]));
		}
	}
	if ((c = dash_anchor(m)) != NULL) {
		for (k = 0; k < d->nex; k++)
			if (dash_same_cert(d->ex[k].c, c))
				break;
		if (k == d->nex)
			dash_ex_add(d, c, NULL, true, cert_days_left(c, m->now),
			    audit_cert_sev(m, c));
	}
	if (d->nex > 1)
		qsort(d->ex, d->nex, sizeof *d->ex, dash_exp_cmp);
}

/* Rebuild the panels' rows from the model (cheap; done every frame). */
static void
dash_rows(struct tui *t, struct dash *d)
{
	const struct server_model	*m = t->model;
	struct key_material		*mat;
	const struct keystore		*ks;
	struct ks_entry			*e;
	size_t				 i, j;

	dash_rows_free(d);
	if (d->mat < 0 || (size_t)d->mat >= m->nmaterials)
		d->mat = 0;
	t->material = d->mat;	/* forms act on it */
	mat = dash_mat(t, d);
	ks = mat->ks;
	for (i = 0; i < m->nsettings; i++) {
		if (!dash_set_shown(m->settings[i], mat))
			continue;
		d->set = xreallocarray(d->set, d->nset + 1, sizeof *d->set);
		d->set[d->nset++] = m->settings[i];
	}
	for (i = 0; ks != NULL && i < ks->nentries; i++) {
		e = ks->entries[i];
		if (!dash_entry_matches(d, e))
			continue;
		for (j = 0; j == 0 || j < e->nchain; j++) {
			d->ks = xreallocarray(d->ks, d->nks + 1, sizeof *d->ks);
			d->ks[d->nks].e = e;
			d->ks[d->nks++].ci = j;
			if (e->type != KS_ENTRY_KEY)
				break;
		}
	}
	dash_ex_rows(t, d);
	dash_trust_lines(t, d);
}

/* How many rows a panel has to select from. */
static int
dash_nrows(struct tui *t, struct dash *d, int p)
{
	switch (p) {
	case P_KEYSTORE:
		return ((int)d->nks);
	case P_SETTINGS:
		return ((int)d->nset);
	case P_EXPIRY:
		return ((int)d->nex);
	case P_FINDINGS:
		return ((int)t->model->nfindings);
	default:
		return ((int)d->ntl);
	}
}

/* Rows visible in a panel's body. */
static int
dash_body_rows(struct dash *d, int p)
{
	int	h = d->r[p].h - 2;

	if (p == P_EXPIRY)
		h -= 2;			/* the scale and the axis */
	return (h > 0 ? h : 0);
}

/* Keep selection and scroll of panel p inside its rows. */
static void
dash_clamp(struct tui *t, struct dash *d, int p)
{
	int	n = dash_nrows(t, d, p), vis = dash_body_rows(d, p);

	if (d->sel[p] >= n)
		d->sel[p] = n - 1;
	if (d->sel[p] < 0)
		d->sel[p] = 0;
	if (vis <= 0)
		return;
	if (d->sel[p] < d->top[p])
		d->top[p] = d->sel[p];
	if (d->sel[p] >= d->top[p] + vis)
		d->top[p] = d->sel[p] - vis + 1;
	if (d->top[p] > n - vis)
		d->top[p] = n - vis;
	if (d->top[p] < 0)
		d->top[p] = 0;
}

/*
 * Compute panel rectangles for the terminal size.  The grid gives the top
 * and bottom rows what their content needs; height left over beyond that
 * goes to a findings panel across the bottom.
 */
static void
dash_layout(struct tui *t, struct dash *d)
{
	int	ph, th, fh, lw, top_need, bot_need, extra, i;

	memset(d->visible, 0, sizeof d->visible);
	d->tabs = COLS < TUI_GRID_COLS || LINES < TUI_GRID_ROWS;
	if (d->tabs) {
		/* header, tab row, panel, strip, hints */
		if (d->focus >= P_TABS)
			d->focus = P_KEYSTORE;
		for (i = 0; i < P__MAX; i++) {
			d->r[i].y = 2;
			d->r[i].x = 0;
			d->r[i].h = LINES - 4;
			d->r[i].w = COLS;
		}
		d->visible[d->focus] = true;
		return;
	}

	/* Rows between the header and the strip. */
	ph = LINES - 3;
	top_need = (int)d->nks + 2;
	if ((int)d->nset + 2 > top_need)
		top_need = (int)d->nset + 2;
	bot_need = (int)d->nex + 4;
	if ((int)d->ntl + 2 > bot_need)
		bot_need = (int)d->ntl + 2;
	fh = 0;
	extra = ph - top_need - bot_need;
	if (t->model->nfindings > 0 && extra >= 5) {
		fh = (int)t->model->nfindings + 2;
		if (fh > extra)
			fh = extra;
		ph -= fh;
	}
	th = (ph + 1) / 2;
	if (top_need + bot_need <= ph)
		th = top_need + (ph - top_need - bot_need) / 2;
	else if (top_need < th)
		th = top_need;
	else if (bot_need < ph - th)
		th = ph - bot_need;
	if (th < 5)
		th = 5;
	if (ph - th < 6)
		th = ph - 6;
	lw = COLS / 2;

	d->r[P_KEYSTORE] = (struct rect){ 1, 0, th, lw };
	d->r[P_SETTINGS] = (struct rect){ 1, lw, th, COLS - lw };
	d->r[P_EXPIRY] = (struct rect){ 1 + th, 0, ph - th, lw };
	d->r[P_TRUST] = (struct rect){ 1 + th, lw, ph - th, COLS - lw };
	d->r[P_FINDINGS] = (struct rect){ 1 + ph, 0, fh, COLS };
	for (i = 0; i < P__MAX; i++)
		d->visible[i] = i != P_FINDINGS || fh > 0;
	if (!d->visible[d->focus])
		d->focus = P_KEYSTORE;
}

/* A path relative to the server directory when it is inside it. */
static const char *
dash_rel(const struct server_model *m, const char *path)
{
	size_t	n;

	if (path == NULL || m->shared_data_path == NULL)
		return (path);
	n = strlen(m->shared_data_path);
	if (n > 0 && strncmp(path, m->shared_data_path, n) == 0 &&
	    path[n] == '/' && path[n + 1] != '\0')
		return (path + n + 1);
	return (path);
}

/*
 * The keystore panel's title: which key material, when the server has
 * more than one ("Keystore 2/4 queue"), and whether the port serves it;
 * then the filter.
 */
static char *
dash_ks_title(struct tui *t, struct dash *d)
{
	const struct server_model	*m = t->model;
	const struct key_material	*mat = dash_mat(t, d);
	char				*title, *tmp;

	title = xstrdup(dash_panel_names[P_KEYSTORE]);
	if (m->nmaterials > 1) {
		xasprintf(&tmp, "%s %d/%zu %s%s%s", title, d->mat + 1,
		    m->nmaterials, km_role_name(mat->role),
		    mat->name != NULL ? " " : "",
		    mat->name != NULL ? mat->name : "");
		free(title);
		title = tmp;
	}
	if (mat == m->served && m->ssl) {
		xasprintf(&tmp, "%s, serves :%d", title, m->port);
		free(title);
		title = tmp;
	}
	if (d->filter[0] != '\0') {
		xasprintf(&tmp, "%s /%s", title, d->filter);
		free(title);
		title = tmp;
	}
	return (title);
}

/* Frame a panel; the focused one in the focus role. */
static void
dash_frame(struct tui *t, struct dash *d, int p, const char *subtitle)
{
	struct rect	*r = &d->r[p];
	char		*title;
	int		 n, vis;

	if (p == P_KEYSTORE)
		title = dash_ks_title(t, d);
	else
		title = xstrdup(dash_panel_names[p]);
	draw_box(t, r->y, r->x, r->h, r->w,
	    p == d->focus ? THEME_FOCUS : THEME_BORDER, title, subtitle);
	free(title);
	/* Scroll marks on the right edge. */
	n = dash_nrows(t, d, p);
	vis = dash_body_rows(d, p);
	if (d->top[p] > 0)
		draw_text(t, r->y + 1 + (p == P_EXPIRY ? 2 : 0),
		    r->x + r->w - 1, 1, THEME_MUTED, t->g->up);
	if (d->top[p] + vis < n)
		draw_text(t, r->y + r->h - 2, r->x + r->w - 1, 1,
		    THEME_MUTED, t->g->down);
}

/* Is row i of panel p the focused selection?  Then highlight it. */
static bool
dash_row_sel(struct tui *t, struct dash *d, int p, int i, int y)
{
	struct rect	*r = &d->r[p];

	if (p != d->focus || i != d->sel[p])
		return (false);
	draw_fill(t, y, r->x + 1, r->w - 2, THEME_SELECTED);
	tui_cursor(t, y, r->x + 1);
	return (true);
}

/* Keystore panel column widths. */
struct ks_cols {
	int	label, type, key, bar, days, date;
};

/* Keystore panel columns for a width. */
static void
dash_ks_cols(int w, struct ks_cols *c)
{
	int	rest;

	/* The alias first; then bar, type, key and date as room allows. */
	memset(c, 0, sizeof *c);
	c->days = 6;
	rest = w - 2 - c->days;		/* 2: the mark column */
	if (rest - 7 >= 16)
		c->bar = 7;
	rest -= c->bar;
	if (rest - 8 >= 19)
		c->type = 8;
	rest -= c->type;
	if (rest - 10 >= 19)
		c->key = 10;
	rest -= c->key;
	if (rest - 11 >= 24)
		c->date = 11;
	rest -= c->date;
	/* A very wide panel: longer bars rather than a sea of blanks. */
	if (c->bar > 0 && rest > 36) {
		c->bar += rest - 36 > 16 ? 16 : rest - 36;
		rest = w - 2 - c->days - c->bar - c->type - c->key - c->date;
	}
	c->label = rest;
}

/* One keystore row. */
static void
dash_ks_row(struct tui *t, struct dash *d, const struct ks_row *row, int y,
    int x, int w, bool sel)
{
	const struct server_model	*m = t->model;
	const struct key_material	*mat = dash_mat(t, d);
	const struct ks_entry		*e = row->e;
	struct cert			*c = NULL;
	struct ks_cols			 col;
	enum theme_role			 tr, mr;
	enum sev			 sev;
	char				 buf[64], *cn;
	const char			*type;
	long				 days;
	int				 cx, n;

	tr = sel ? THEME_SELECTED : THEME_TEXT;
	mr = sel ? THEME_SELECTED : THEME_MUTED;
	dash_ks_cols(w, &col);
	if (row->ci < e->nchain)
		c = e->chain[row->ci];
	cx = x;
	if (row->ci == 0) {
		if (e->type == KS_ENTRY_KEY && (e == mat->key_entry ||
		    (mat->alias != NULL && strlen(mat->alias) ==
		    e->alias_len && strncasecmp(mat->alias, e->alias,
		    e->alias_len) == 0)))
			draw_text(t, y, cx, 1, sel ? THEME_SELECTED :
			    THEME_MARK, t->g->star);
		cx += 2;
		draw_textn(t, y, cx, col.label - 1, tr, e->alias,
		    e->alias_len);
	} else {
		n = 2 * (int)row->ci - 1;
		cx += n;
		cx += draw_text(t, y, cx, col.label + 2 - n, mr, t->g->tree);
		cx += 1;
		cn = draw_cn(c->info.subject);
		draw_text(t, y, cx, x + 2 + col.label - 1 - cx, mr, cn);
		free(cn);
	}
	cx = x + 2 + col.label;
	if (col.type > 0) {
		if (row->ci == 0) {
			type = e->type == KS_ENTRY_KEY ? "key" :
			    e->type == KS_ENTRY_TRUSTED ? "trusted" : "secret";
			draw_text(t, y, cx, col.type - 1, mr, type);
		}
		cx += col.type;
	}
	if (col.key > 0) {
		if (c != NULL && (row->ci == 0 || col.date > 0))
			draw_text(t, y, cx, col.key - 1, mr, c->info.key);
		else if (c == NULL && e->secret_alg != NULL)
			draw_text(t, y, cx, col.key - 1, mr, e->secret_alg);
		cx += col.key;
	}
	if (c == NULL)
		return;
	days = cert_days_left(c, t->now);
	sev = audit_cert_sev(m, c);
	if (col.date > 0) {
		time_iso8601(c->info.not_after, buf, sizeof buf);
		buf[10] = '\0';
		draw_text(t, y, cx, col.date - 1, mr, buf);
		cx += col.date;
	}
	if (col.bar > 0) {
		draw_bar(t, y, cx, col.bar - 1, dash_life_left(c, t->now),
		    dash_bar_role(sev));
		cx += col.bar;
	}
	dash_days(buf, sizeof buf, days);
	draw_text_right(t, y, cx, col.days - 1, sel ? THEME_SELECTED :
	    sev == SEV_OK ? tr : colour_sev(sev), buf);
}

/* The keystore panel. */
static void
dash_keystore(struct tui *t, struct dash *d)
{
	const struct server_model	*m = t->model;
	const struct key_material	*mat = dash_mat(t, d);
	struct rect			*r = &d->r[P_KEYSTORE];
	const char			*prof, *path;
	char				*sub;
	int				 i, y, vis, room;
	bool				 sel;

	/* a PKCS#12 file's profile too: which JREs read it */
	prof = mat->ks != NULL ? ks_profile_name(keystore_profile(mat->ks)) :
	    NULL;
	path = mat->path != NULL ? mat->path : mat->raw;
	path = path != NULL ? dash_rel(m, path) : "";
	/*
	 * The path matters most: where the title has no room for all,
	 * the profile goes first, then the format (draw_box: the
	 * subtitle gets w - 6 columns less the title's).
	 */
	room = r->w - 6 - draw_width(dash_panel_names[P_KEYSTORE]);
	if (d->filter[0] != '\0')
		room -= 2 + draw_width(d->filter);
	xasprintf(&sub, "%s%s%s%s%s", path, mat->ks != NULL ? "  " : "",
	    mat->ks != NULL ? ks_format_name(mat->ks->format) : "",
	    prof != NULL ? " " : "", prof != NULL ? prof : "");
	if (prof != NULL && draw_width(sub) > room) {
		free(sub);
		xasprintf(&sub, "%s  %s", path,
		    ks_format_name(mat->ks->format));
	}
	if (mat->ks != NULL && draw_width(sub) > room) {
		free(sub);
		sub = xstrdup(path);
	}
	dash_frame(t, d, P_KEYSTORE, sub);
	free(sub);

	vis = dash_body_rows(d, P_KEYSTORE);
	if (mat->ks == NULL) {
		draw_text(t, r->y + 1, r->x + 1, r->w - 2, mat->role ==
		    KM_ROLE_SERVER || mat->ks_error != NULL ? THEME_CRIT :
		    THEME_MUTED, mat->ks_error != NULL ? mat->ks_error :
		    mat->where == KM_CLASSPATH ? "inside the application "
		    "(classpath:): not opened" : "no keystore loaded");
		if (P_KEYSTORE == d->focus)
			tui_cursor(t, r->y + 1, r->x + 1);
		return;
	}
	if (d->nks == 0) {
		draw_text(t, r->y + 1, r->x + 1, r->w - 2, THEME_MUTED,
		    d->filter[0] ? "no entry matches the filter" :
		    "the keystore is empty");
		if (P_KEYSTORE == d->focus)
			tui_cursor(t, r->y + 1, r->x + 1);
		return;
	}
	for (i = d->top[P_KEYSTORE]; i < (int)d->nks &&
	    i < d->top[P_KEYSTORE] + vis; i++) {
		y = r->y + 1 + i - d->top[P_KEYSTORE];
		sel = dash_row_sel(t, d, P_KEYSTORE, i, y);
		dash_ks_row(t, d, &d->ks[i], y, r->x + 1, r->w - 2, sel);
	}
}

/* A key as shown: without "server." when the full keys do not fit. */
static const char *
dash_key_text(const char *key, bool shrt)
{
	if (shrt && strncmp(key, "server.", 7) == 0 && key[7] != '\0')
		return (key + 7);
	return (key);
}

/* Settings panel columns. */
struct set_cols {
	int	key, value, check;	/* check 1: the mark only */
	int	src;			/* the source tag, or 0 */
	bool	mark;			/* src is a mark for overriding
					   rows, not the tag */
	bool	shrt;			/* keys without "server." */
};

/* A short tag for where a row's value comes from: "" for a plain file. */
static const char *
dash_src_tag(const struct setting *s)
{
	if (s->src == NULL)
		return ("");
	switch (s->src->type) {
	case CFG_SRC_ENV:
		return ("env");
	case CFG_SRC_CMDLINE:
		return ("args");
	case CFG_SRC_SYSPROP:
		return ("-D");
	case CFG_SRC_JSON:
		return ("json");
	case CFG_SRC_FILE:
		return (s->src->profile != NULL || s->noverrides > 0 ?
		    "file" : "");
	default:
		return ("");
	}
}

/* One settings row. */
static void
dash_setting_row(struct tui *t, const struct setting *s, int y, int x,
    const struct set_cols *c, bool sel)
{
	enum theme_role	 tr = sel ? THEME_SELECTED : THEME_TEXT;
	enum theme_role	 sr;
	const char	*mark;
	int		 cx;

	draw_text(t, y, x, c->key, tr, dash_key_text(s->key, c->shrt));
	cx = x + c->key + 1;
	if (c->src > 0 && (!c->mark || s->noverrides > 0)) {
		/* where it comes from; the values it overrides are not
		 * used: warn when it is no file, else info */
		draw_text(t, y, x + c->key + 1 + c->value + 1, c->src - 1,
		    sel ? tr : s->noverrides == 0 ? THEME_MUTED :
		    s->src != NULL && s->src->type != CFG_SRC_FILE ?
		    THEME_WARN : colour_sev(SEV_INFO),
		    c->mark ? t->g->over : dash_src_tag(s));
	}
	if (s->secret)
		draw_text(t, y, cx, c->value, tr, t->g->mask);
	else if (s->value == NULL)
		draw_text(t, y, cx, c->value, sel ? tr : THEME_MUTED,
		    "(unset)");
	else if (strchr(s->value, '/') != NULL ||
	    strchr(s->value, '\\') != NULL)
		draw_text_tail(t, y, cx, c->value, tr, s->value);
	else
		draw_text(t, y, cx, c->value, tr, s->value);
	cx += c->value + 1 + c->src;
	sr = sel ? THEME_SELECTED : colour_sev(s->sev);
	switch (s->sev) {
	case SEV_CRIT:
		mark = t->g->crit;
		break;
	case SEV_WARN:
		mark = t->g->warn;
		break;
	case SEV_INFO:
		mark = t->g->info;
		break;
	default:
		mark = t->g->ok;
		break;
	}
	if (s->check == NULL && s->sev == SEV_OK)
		return;
	cx += draw_text(t, y, cx, 1, sr, mark);
	if (s->check != NULL && c->check > 2)
		draw_text(t, y, cx + 1, c->check - 2, sr, s->check);
}

/*
 * Settings columns for width w: whole keys when they fit, else without
 * "server."; check texts from 52 columns, the mark alone below; a source
 * tag column ("env", "args", "-D", "json", "file") when a row's value is
 * not from a plain file and the value keeps 10 columns, else a mark on
 * the rows that override another value; the value gets the rest (at
 * least 10).
 */
static void
dash_set_cols(const struct setting **set, size_t nset, int w,
    struct set_cols *c)
{
	int	i, n, kfull = 0, kshort = 0, chk = 0, tag = 0;
	bool	over = false;

	for (i = 0; i < (int)nset; i++) {
		if ((n = draw_width(set[i]->key)) > kfull)
			kfull = n;
		n = draw_width(dash_key_text(set[i]->key, true));
		if (n > kshort)
			kshort = n;
		n = 2 + draw_width(set[i]->check);
		if (n > chk)
			chk = n;
		if ((n = draw_width(dash_src_tag(set[i]))) > 0 &&
		    n + 1 > tag)
			tag = n + 1;
		if (set[i]->noverrides > 0)
			over = true;
	}
	c->check = w >= 52 ? (chk > w * 30 / 100 ? w * 30 / 100 : chk) : 1;
	c->shrt = kfull + 1 + c->check + 1 + 10 > w;
	c->key = c->shrt ? kshort : kfull;
	if (c->key > w - c->check - 2 - 10)
		c->key = w - c->check - 2 - 10;
	if (c->key < 4)
		c->key = 4;
	c->value = w - c->key - c->check - 2;
	c->src = 0;
	c->mark = false;
	if (tag > 0 && c->value - tag >= 10) {
		c->src = tag;
		c->value -= tag;
	} else if (over && c->value - 2 >= 10) {
		c->src = 2;
		c->mark = true;
		c->value -= 2;
	}
}

/* The SSL settings panel. */
static void
dash_settings(struct tui *t, struct dash *d)
{
	const struct server_model	*m = t->model;
	struct rect			*r = &d->r[P_SETTINGS];
	struct set_cols			 c;
	int				 i, y, vis, w;
	bool				 sel;

	dash_frame(t, d, P_SETTINGS, dash_rel(m, m->properties));
	w = r->w - 2;
	vis = dash_body_rows(d, P_SETTINGS);
	if (d->nset == 0) {
		draw_text(t, r->y + 1, r->x + 1, w, THEME_MUTED,
		    m->properties == NULL ? "no application.properties "
		    "loaded" : "no SSL settings in this file");
		if (P_SETTINGS == d->focus)
			tui_cursor(t, r->y + 1, r->x + 1);
		return;
	}
	dash_set_cols(d->set, d->nset, w, &c);
	for (i = d->top[P_SETTINGS]; i < (int)d->nset &&
	    i < d->top[P_SETTINGS] + vis; i++) {
		y = r->y + 1 + i - d->top[P_SETTINGS];
		sel = dash_row_sel(t, d, P_SETTINGS, i, y);
		dash_setting_row(t, d->set[i], y, r->x + 1, &c, sel);
	}
}

/* The ACME record, read again when the model changed. */
static void
dash_acme_free(struct dash *d)
{
	size_t	i;

	for (i = 0; i < d->nacme; i++)
		free(d->acme[i]);
	free(d->acme);
	d->acme = NULL;
	d->nacme = 0;
}

static void
dash_acme_read(struct tui *t, struct dash *d)
{
	if (d->acme_read && d->acme_gen == t->model_gen)
		return;
	dash_acme_free(d);
	step_acme_issued_all(NULL, &d->acme, &d->nacme);
	d->acme_gen = t->model_gen;
	d->acme_read = true;
}

/* Did tlsdeck have this certificate issued by ACME? */
static bool
dash_acme_has(const struct dash *d, struct cert *c)
{
	const unsigned char	*fp;
	char			 hex[2 * CERT_SHA256_LEN + 1];
	size_t			 i;

	if (d->nacme == 0)
		return (false);
	fp = cert_sha256(c);
	for (i = 0; i < CERT_SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", fp[i]);
	for (i = 0; i < d->nacme; i++)
		if (strcmp(d->acme[i], hex) == 0)
			return (true);
	return (false);
}

/* The expiry panel: a timeline of every certificate (draw.c draws the
 * scale and the bars). */
static void
dash_expiry(struct tui *t, struct dash *d)
{
	const struct server_model	*m = t->model;
	struct rect			*r = &d->r[P_EXPIRY];
	const struct exp_row		*e;
	enum theme_role			 tr;
	char				 buf[96], *label, *cn, date[32];
	int64_t				 due, when;
	int				 x0, w, lw, sx, sw, i, y;
	int				 warn, crit, vis;
	size_t				 k;
	bool				 sel;

	dash_thresholds(m, &warn, &crit);
	dash_acme_read(t, d);
	due = 0;
	for (k = 0; k < d->nex; k++) {
		if (d->ex[k].cacerts || !dash_acme_has(d, d->ex[k].c))
			continue;
		when = d->ex[k].c->info.not_after -
		    step_acme_window(d->ex[k].c, -1);
		if (due == 0 || when < due)
			due = when;
	}
	if (due != 0) {
		time_iso8601(due, date, sizeof date);
		snprintf(buf, sizeof buf, "warn %dd  crit %dd  ACME due "
		    "%.10s", warn, crit, date);
	} else
		snprintf(buf, sizeof buf, "warn %dd  crit %dd", warn, crit);
	dash_frame(t, d, P_EXPIRY, buf);
	x0 = r->x + 1;
	w = r->w - 2;
	lw = w * 3 / 10 > 24 ? 24 : w * 3 / 10 < 8 ? 8 : w * 3 / 10;
	sx = x0 + lw + 1;
	sw = w - lw - 1 - 6;
	if (sw < 10 || r->h < 5)
		return;
	draw_timeline_scale(t, r->y + 1, x0, w, sx, sw, warn, crit);
	draw_text(t, r->y + 2, x0, lw, THEME_MUTED, "certificate");

	vis = dash_body_rows(d, P_EXPIRY);
	if (d->nex == 0) {
		draw_text(t, r->y + 3, x0, w, THEME_MUTED, "no certificates");
		if (P_EXPIRY == d->focus)
			tui_cursor(t, r->y + 3, x0);
		return;
	}
	for (i = d->top[P_EXPIRY]; i < (int)d->nex &&
	    i < d->top[P_EXPIRY] + vis; i++) {
		e = &d->ex[i];
		y = r->y + 3 + i - d->top[P_EXPIRY];
		sel = dash_row_sel(t, d, P_EXPIRY, i, y);
		tr = sel ? THEME_SELECTED : THEME_TEXT;
		cn = draw_cn(e->c->info.subject);
		if (e->cacerts)
			xasprintf(&label, "cacerts: %s", cn);
		else if (dash_acme_has(d, e->c))
			xasprintf(&label, "ACME %s", cn);
		else
			label = xstrdup(cn);
		free(cn);
		draw_text(t, y, x0, lw, e->cacerts && !sel ? THEME_MUTED : tr,
		    label);
		free(label);
		draw_timeline_bar(t, y, sx, sw, e->days < 0 ? w - lw - 1 :
		    sw + 6, e->days, e->sev, sel);
	}
}

/* The trust panel. */
static void
dash_trust(struct tui *t, struct dash *d)
{
	struct rect		*r = &d->r[P_TRUST];
	const struct trust_line	*l;
	enum theme_role		 role;
	int			 i, y, x, w, vis;
	bool			 sel;

	dash_frame(t, d, P_TRUST, dash_rel(t->model, t->model->jre.cacerts));
	vis = dash_body_rows(d, P_TRUST);
	for (i = d->top[P_TRUST]; i < (int)d->ntl &&
	    i < d->top[P_TRUST] + vis; i++) {
		l = &d->tl[i];
		y = r->y + 1 + i - d->top[P_TRUST];
		sel = dash_row_sel(t, d, P_TRUST, i, y);
		x = r->x + 1;
		w = r->w - 2;
		if (l->label != NULL) {
			draw_text(t, y, x, 8, sel ? THEME_SELECTED :
			    THEME_MUTED, l->label);
			x += 9;
			w -= 9;
		}
		role = sel ? THEME_SELECTED : l->role;
		if (l->tail)
			draw_text_tail(t, y, x, w, role, l->text);
		else
			draw_text(t, y, x, w, role, l->text);
	}
}

/* The findings panel (tall terminals): one line per finding. */
static void
dash_findings(struct tui *t, struct dash *d)
{
	const struct server_model	*m = t->model;
	const struct finding		*f;
	struct rect			*r = &d->r[P_FINDINGS];
	char				 sub[64];
	int				 i, y, x, vis;
	bool				 sel;

	snprintf(sub, sizeof sub, "%zu, Enter: how to fix", m->nfindings);
	dash_frame(t, d, P_FINDINGS, sub);
	vis = dash_body_rows(d, P_FINDINGS);
	for (i = d->top[P_FINDINGS]; i < (int)m->nfindings &&
	    i < d->top[P_FINDINGS] + vis; i++) {
		f = m->findings[i];
		y = r->y + 1 + i - d->top[P_FINDINGS];
		sel = dash_row_sel(t, d, P_FINDINGS, i, y);
		x = r->x + 1;
		draw_text(t, y, x, 5, sel ? THEME_SELECTED :
		    colour_sev(f->sev), dash_sev_label(f->sev));
		x += 6;
		x += draw_text(t, y, x, r->x + r->w - 1 - x, sel ?
		    THEME_SELECTED : THEME_TEXT, f->message);
		if (f->fix != NULL && r->x + r->w - 1 - x > 12)
			draw_printf(t, y, x + 2, r->x + r->w - 3 - x, sel ?
			    THEME_SELECTED : THEME_MUTED, "fix: %s", f->fix);
	}
}

/* Counts of findings by severity. */
static void
dash_counts(const struct server_model *m, int counts[SEV__MAX])
{
	size_t	i;

	memset(counts, 0, sizeof(int) * SEV__MAX);
	for (i = 0; i < m->nfindings; i++)
		if ((unsigned)m->findings[i]->sev < SEV__MAX)
			counts[m->findings[i]->sev]++;
}

/* The overall status: " ● 1 critical 2 warnings " (or short words). */
static void
dash_status(const struct tui *t, char *buf, size_t len, bool shrt)
{
	const struct server_model	*m = t->model;
	int				 c[SEV__MAX];
	size_t				 n;

	dash_counts(m, c);
	if (m->nfindings == 0) {
		snprintf(buf, len, " %s no findings ", t->g->ok);
		return;
	}
	snprintf(buf, len, " %s", t->g->bullet);
	if (c[SEV_CRIT] > 0 && (n = strlen(buf)) < len)
		snprintf(buf + n, len - n, " %d %s", c[SEV_CRIT],
		    shrt ? "crit" : "critical");
	if (c[SEV_WARN] > 0 && (n = strlen(buf)) < len)
		snprintf(buf + n, len - n, " %d %s%s", c[SEV_WARN],
		    shrt ? "warn" : "warning", !shrt && c[SEV_WARN] > 1 ?
		    "s" : "");
	if (c[SEV_INFO] > 0 && (n = strlen(buf)) < len)
		snprintf(buf + n, len - n, " %d info", c[SEV_INFO]);
	if ((n = strlen(buf)) < len)
		snprintf(buf + n, len - n, " ");
}

/*
 * The header line: tlsdeck, the server's kind and path, JRE and cacerts,
 * overall status.
 * When it does not fit: short status words, then a shorter JRE part, then
 * none; the server path gets the rest (its end kept).
 */
static void
dash_header(struct tui *t)
{
	const struct server_model	*m = t->model;
	const char			*where, *kind;
	char				 status[2][128], mid[3][128], cac[64];
	int				 sw, mw, x, pw, si, mi, kw;
	enum sev			 worst = findings_worst(m);

	draw_fill(t, 0, 0, COLS, THEME_HEADER);
	dash_status(t, status[0], sizeof status[0], false);
	dash_status(t, status[1], sizeof status[1], true);
	if (m->jre.trust != NULL)
		snprintf(cac, sizeof cac, "%s %zu",
		    ks_format_name(m->jre.trust->format),
		    m->jre.trust->nentries);
	else
		snprintf(cac, sizeof cac, "%s",
		    m->jre.cacerts != NULL ? "unreadable" : "none");
	snprintf(mid[0], sizeof mid[0], "JRE %s  cacerts %s",
	    m->jre.version != NULL ? m->jre.version : "?", cac);
	snprintf(mid[1], sizeof mid[1], "JRE %s  %s",
	    m->jre.version != NULL ? m->jre.version : "?", cac);
	mid[2][0] = '\0';

	x = 1 + draw_text(t, 0, 1, COLS - 1, THEME_HEADER, TLSDECK_NAME) + 2;
	/* room for the kind's short name beside the path comes before the
	 * JRE's details: which server it is matters more */
	kw = m->properties == NULL || m->kind == NULL ? 0 :
	    draw_width(m->kind->name) + 1;
	for (si = 0; si < 2; si++) {
		for (mi = 0; mi < 3; mi++) {
			sw = draw_width(status[si]);
			mw = mi < 2 ? draw_width(mid[mi]) + 2 : 0;
			if ((pw = COLS - x - sw - mw - 1) >= 16 + kw)
				goto fit;
		}
	}
	si = 1;
	mi = 2;
	sw = draw_width(status[si]);
	mw = 0;
	pw = COLS - x - sw - 1;
fit:
	where = m->shared_data_path != NULL ? m->shared_data_path :
	    m->properties != NULL ? m->properties :
	    m->served->path != NULL ? m->served->path : "(no server)";
	/* The server's kind first, when there is a server: its title, or
	 * its short name when room is short. */
	kind = m->properties == NULL || m->kind == NULL ? NULL :
	    draw_width(m->kind->title) + 17 <= pw ? m->kind->title :
	    draw_width(m->kind->name) + 17 <= pw ? m->kind->name : NULL;
	if (kind != NULL) {
		kw = draw_width(kind) + 1;
		draw_text(t, 0, x, kw - 1, THEME_HEADER, kind);
		x += kw;
		pw -= kw;
	}
	draw_text_tail(t, 0, x, pw, THEME_HEADER, where);
	if (mw > 0)
		draw_text(t, 0, COLS - sw - mw, mw - 2, THEME_HEADER, mid[mi]);
	draw_text(t, 0, COLS - sw, sw, m->nfindings == 0 ? THEME_HEADER :
	    colour_sev(worst), status[si]);
}

/* Severity labels for the strip and the findings list. */
static const char *
dash_sev_label(enum sev s)
{
	switch (s) {
	case SEV_CRIT:
		return ("CRIT");
	case SEV_WARN:
		return ("WARN");
	case SEV_INFO:
		return ("INFO");
	default:
		return ("OK");
	}
}

/* The findings strip (or the status message, or the filter prompt). */
static void
dash_strip(struct tui *t, struct dash *d, int y)
{
	const struct server_model	*m = t->model;
	const struct finding		*f;
	char				 right[64];
	int				 x, rw;

	if (d->filtering) {
		x = 1 + draw_text(t, y, 1, COLS - 2, THEME_KEY, "/");
		x += draw_text(t, y, x, COLS - x - 30, THEME_TEXT, d->filter);
		tui_cursor(t, y, x);
		draw_text_right(t, y, COLS - 31, 30, THEME_MUTED,
		    "Enter: keep  Esc: clear ");
		return;
	}
	if (t->msg != NULL) {
		draw_text(t, y, 1, 5, colour_sev(t->msg_sev),
		    dash_sev_label(t->msg_sev));
		draw_text(t, y, 7, COLS - 8, colour_sev(t->msg_sev), t->msg);
		return;
	}
	if (t->load_error != NULL) {
		draw_text(t, y, 1, 5, THEME_CRIT, "CRIT");
		draw_printf(t, y, 7, COLS - 8, THEME_CRIT, "not loaded: %s",
		    t->load_error);
		return;
	}
	if (m->nfindings == 0) {
		draw_printf(t, y, 1, COLS - 2, THEME_OK, "OK    %s no findings",
		    t->g->ok);
		return;
	}

	f = m->findings[0];
	snprintf(right, sizeof right, "f: all findings (%zu)", m->nfindings);
	rw = draw_width(right);
	draw_text(t, y, 1, 5, colour_sev(f->sev), dash_sev_label(f->sev));
	draw_text(t, y, 7, COLS - 7 - rw - 3, colour_sev(f->sev) == THEME_OK ?
	    THEME_TEXT : colour_sev(f->sev), f->message);
	draw_text_right(t, y, COLS - rw - 2, rw + 1, THEME_MUTED, right);
}

/* The tab row of the compact layout. */
static void
dash_tabs(struct tui *t, struct dash *d)
{
	int	i, x = 1;

	draw_fill(t, 1, 0, COLS, THEME_TEXT);
	for (i = 0; i < P_TABS; i++) {
		if (i > 0)
			x += draw_text(t, 1, x, COLS - x, THEME_MUTED, " | ");
		x += draw_printf(t, 1, x, COLS - x, i == d->focus ?
		    THEME_SELECTED : THEME_TEXT, " %s ", dash_panel_names[i]);
	}
}

/* Draw the whole dashboard. */
static void
dash_draw(struct tui *t, struct screen *s)
{
	struct dash	*d = s->data;
	int		 i;

	dash_rows(t, d);
	dash_layout(t, d);
	for (i = 0; i < P__MAX; i++)
		dash_clamp(t, d, i);
	dash_header(t);
	if (d->tabs)
		dash_tabs(t, d);
	if (d->visible[P_KEYSTORE])
		dash_keystore(t, d);
	if (d->visible[P_SETTINGS])
		dash_settings(t, d);
	if (d->visible[P_EXPIRY])
		dash_expiry(t, d);
	if (d->visible[P_TRUST])
		dash_trust(t, d);
	if (d->visible[P_FINDINGS])
		dash_findings(t, d);
	dash_strip(t, d, LINES - 2);
	draw_hints(t, LINES - 1, SCOPE_DASH);
}

/*
 * A setting's detail: its value (never a password), where it comes from
 * ("conf/application.properties:12", "environment of pid 4242
 * (SERVER_SSL_KEY_ALIAS)", "command line of pid 4242"), the values it
 * overrides, which key material it configures, its check.
 */
static char *
dash_setting_detail(struct tui *t, const struct setting *st)
{
	char	*text, *tmp;
	size_t	 i;
	bool	 file = st->src != NULL && st->src->type == CFG_SRC_FILE;
	bool	 set;

	set = st->value != NULL || st->source != NULL ||
	    (st->secret && st->line > 0);
	xasprintf(&text, "%s\n\nvalue: %s", st->key, !set ? "(unset)" :
	    st->secret ? t->g->mask : st->value);
	if (!st->secret && st->raw != NULL && st->value != NULL &&
	    strcmp(st->raw, st->value) != 0) {
		xasprintf(&tmp, "%s\nas written: %s", text, st->raw);
		free(text);
		text = tmp;
	}
	if (st->source != NULL)
		xasprintf(&tmp, "%s\nsource: %s", text, st->source);
	else if (set && st->line > 0)
		xasprintf(&tmp, "%s\nline:  %d", text, st->line);
	else
		xasprintf(&tmp, "%s%s", text, set ? "" :
		    "\nsource: none (the default applies)");
	free(text);
	text = tmp;
	for (i = 0; i < st->noverrides; i++) {
		xasprintf(&tmp, "%s\n%s %s%s", text, i == 0 ? "overrides:" :
		    "          ", st->overrides[i], file ? "" :
		    " (overridden)");
		free(text);
		text = tmp;
	}
	if (st->noverrides > 0) {
		xasprintf(&tmp, "%s\n\nThe server does not use the value%s "
		    "this one overrides: editing %s will not change what it "
		    "uses.%s", text, st->noverrides > 1 ? "s" : "",
		    st->noverrides > 1 ? "those" : "that one", file ? "" :
		    " configure refuses to write it: change it where the "
		    "server is started.");
		free(text);
		text = tmp;
	}
	if (st->material != NULL) {
		xasprintf(&tmp, "%s\nkey material: %s%s%s", text,
		    km_role_name(st->material->role), st->material->name !=
		    NULL ? " " : "", st->material->name != NULL ?
		    st->material->name : "");
		free(text);
		text = tmp;
	}
	xasprintf(&tmp, "%s\ncheck: %s %s", text, sev_name(st->sev),
	    st->check != NULL ? st->check : "");
	free(text);
	return (tmp);
}

/* Open the detail of the selected row's certificate. */
static void
dash_open(struct tui *t, struct dash *d)
{
	const struct server_model	*m = t->model;
	const struct ks_row		*kr;
	const struct exp_row		*er;
	const struct setting		*st;
	struct cert			*anchor;
	char				*text, *tmp;
	size_t				 i;
	int				 sel = d->sel[d->focus];

	switch (d->focus) {
	case P_KEYSTORE:
		if (sel >= (int)d->nks)
			return;
		kr = &d->ks[sel];
		if (kr->ci < kr->e->nchain)
			detail_open(t, kr->e, kr->e->chain[kr->ci], "keystore");
		else
			msg_open(t, "Entry", "%s has no certificate (a %s)",
			    kr->e->alias, ks_etype_name(kr->e->type));
		break;
	case P_EXPIRY:
		if (sel >= (int)d->nex)
			return;
		er = &d->ex[sel];
		detail_open(t, er->e, er->c, er->cacerts ? "cacerts" :
		    "keystore");
		break;
	case P_SETTINGS:
		if (sel >= (int)d->nset)
			return;
		st = d->set[sel];
		text = dash_setting_detail(t, st);
		for (i = 0; i < m->nfindings; i++) {
			if (st->line == 0 || m->findings[i]->line != st->line ||
			    st->src == NULL || st->src->path == NULL ||
			    m->findings[i]->file == NULL ||
			    strcmp(m->findings[i]->file, st->src->path) != 0)
				continue;
			xasprintf(&tmp, "%s\n\n%s: %s", text,
			    sev_name(m->findings[i]->sev),
			    m->findings[i]->message);
			free(text);
			text = tmp;
		}
		msg_open(t, "Setting", "%s", text);
		free(text);
		break;
	case P_FINDINGS:
		if (sel < (int)m->nfindings)
			findings_explain(t, m->findings[sel]);
		break;
	default:
		if ((anchor = dash_anchor(m)) != NULL)
			detail_open(t, NULL, anchor, "cacerts");
		break;
	}
}

/* Typing the filter: printable characters, Backspace, Enter, Esc. */
static int
dash_filter_key(struct tui *t, struct dash *d, enum tui_action a, int ch)
{
	char		 mb[MB_LEN_MAX + 1];
	mbstate_t	 st;
	size_t		 n, len = strlen(d->filter);

	if (ch == TK_ESC) {
		d->filtering = false;
		d->filter[0] = '\0';
		return (KR_HANDLED);
	}
	if (a == ACT_OPEN) {
		d->filtering = false;
		return (KR_HANDLED);
	}
	if (ch == TK(KEY_BACKSPACE) || ch == 127 || ch == 8) {
		/* Drop the last UTF-8 character. */
		while (len > 0 && ((unsigned char)d->filter[len - 1] & 0xc0) ==
		    0x80)
			len--;
		if (len > 0)
			len--;
		d->filter[len] = '\0';
		d->sel[P_KEYSTORE] = d->top[P_KEYSTORE] = 0;
		return (KR_HANDLED);
	}
	if (ch < TK(0) && ch >= 0x20 && iswprint((wint_t)ch)) {
		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, (wchar_t)ch, &st);
		if (n != (size_t)-1 && len + n < sizeof d->filter) {
			memcpy(d->filter + len, mb, n);
			d->filter[len + n] = '\0';
		}
		d->sel[P_KEYSTORE] = d->top[P_KEYSTORE] = 0;
		return (KR_HANDLED);
	}
	if (a == ACT_UP || a == ACT_DOWN || a == ACT_QUIT)
		return (KR_UNHANDLED);	/* navigation still works */
	return (KR_HANDLED);
}

/* Mouse: focus the panel under the click and select the row. */
static void
dash_click(struct tui *t, struct dash *d)
{
	struct rect	*r;
	int		 i, body;

	for (i = 0; i < P__MAX; i++) {
		r = &d->r[i];
		if (!d->visible[i] || t->mouse_y < r->y ||
		    t->mouse_y >= r->y + r->h || t->mouse_x < r->x ||
		    t->mouse_x >= r->x + r->w)
			continue;
		d->focus = i;
		body = r->y + 1 + (i == P_EXPIRY ? 2 : 0);
		if (t->mouse_y >= body && t->mouse_y < r->y + r->h - 1)
			d->sel[i] = d->top[i] + t->mouse_y - body;
		dash_clamp(t, d, i);
		return;
	}
}

/* Move the focus to the next (dir 1) or previous (-1) visible panel. */
static void
dash_focus_next(struct dash *d, int dir)
{
	int	i, n = d->tabs ? P_TABS : P__MAX;

	for (i = 0; i < n; i++) {
		d->focus = (d->focus + dir + n) % n;
		if (d->tabs || d->visible[d->focus])
			return;
	}
}

/* Show the next (dir 1) or previous (-1) key material. */
static void
dash_material_next(struct tui *t, struct dash *d, int dir)
{
	const struct server_model	*m = t->model;
	const struct key_material	*mat;
	int				 n = (int)m->nmaterials;

	if (n <= 1) {
		tui_message(t, SEV_INFO, "the server has one key material");
		return;
	}
	d->mat = (d->mat + dir + n) % n;
	t->material = d->mat;	/* forms act on it */
	d->sel[P_KEYSTORE] = d->top[P_KEYSTORE] = 0;
	d->sel[P_SETTINGS] = d->top[P_SETTINGS] = 0;
	mat = m->materials[d->mat];
	if (mat->role == KM_ROLE_ENCRYPTION)
		tui_message(t, SEV_INFO, "the encryption key: shown, never "
		    "renewed (%s)", mat->not_renewable != NULL ?
		    mat->not_renewable : "its key pair decrypts stored data");
}

/* The dashboard's keys. */
static int
dash_key(struct tui *t, struct screen *s, enum tui_action a, int ch)
{
	struct dash	*d = s->data;
	int		 p, r, page;

	if (d->filtering && (r = dash_filter_key(t, d, a, ch)) != KR_UNHANDLED)
		return (r);
	p = d->focus;
	page = dash_body_rows(d, p) > 1 ? dash_body_rows(d, p) - 1 : 1;
	switch (a) {
	case ACT_NEXT_PANEL:
		dash_focus_next(d, 1);
		break;
	case ACT_PREV_PANEL:
		dash_focus_next(d, -1);
		break;
	case ACT_LEFT:
		if (d->tabs)
			dash_focus_next(d, -1);
		else if (d->focus == P_SETTINGS || d->focus == P_TRUST)
			d->focus--;
		break;
	case ACT_RIGHT:
		if (d->tabs)
			dash_focus_next(d, 1);
		else if (d->focus == P_KEYSTORE || d->focus == P_EXPIRY)
			d->focus++;
		break;
	case ACT_UP:
		d->sel[p]--;
		break;
	case ACT_DOWN:
		d->sel[p]++;
		break;
	case ACT_PGUP:
		d->sel[p] -= page;
		break;
	case ACT_PGDN:
		d->sel[p] += page;
		break;
	case ACT_TOP:
		d->sel[p] = 0;
		break;
	case ACT_BOTTOM:
		d->sel[p] = dash_nrows(t, d, p) - 1;
		break;
	case ACT_OPEN:
		dash_open(t, d);
		break;
	case ACT_FILTER:
		d->filtering = true;
		d->focus = P_KEYSTORE;
		break;
	case ACT_BACK:
		d->filter[0] = '\0';
		break;
	case ACT_FINDINGS:
		tui_push(t, &screen_findings, NULL);
		break;
	case ACT_HISTORY:
		tui_push(t, &screen_history, NULL);
		break;
	case ACT_REFRESH:
		tui_reload(t);
		if (t->load_error == NULL)
			tui_message(t, SEV_OK, "reloaded");
		break;
	case ACT_WIZ_ENABLE:
	case ACT_WIZ_RENEW:
	case ACT_FORMS:
		wizard_menu(t, a);
		break;
	case ACT_FORM_REPLY:
	case ACT_FORM_SETTINGS:
	case ACT_FORM_EXPORT:
	case ACT_FORM_TRUST:
		form_open(t, a == ACT_FORM_REPLY ? FORM_IMPORT_REPLY :
		    a == ACT_FORM_SETTINGS ? FORM_SETTINGS :
		    a == ACT_FORM_EXPORT ? FORM_EXPORT : FORM_TRUST, NULL);
		break;
	case ACT_MOUSE:
		dash_click(t, d);
		break;
	case ACT_MATERIAL:
		dash_material_next(t, d, ch == 'M' ? -1 : 1);
		break;
	case ACT_QUIT:
		return (KR_QUIT);
	default:
		return (KR_UNHANDLED);
	}
	/* Rows may have changed (filter, reload): rebuild, then clamp. */
	dash_rows(t, d);
	dash_clamp(t, d, d->focus);
	return (KR_HANDLED);
}

/* Open the dashboard: all panels at their first row. */
static int
dash_init(struct tui *t, struct screen *s, void *arg, char **cause)
{
	s->data = xcalloc(1, sizeof(struct dash));
	return (0);
}

/* Close the dashboard. */
static void
dash_free(struct tui *t, struct screen *s)
{
	struct dash	*d = s->data;

	if (d == NULL)
		return;
	dash_rows_free(d);
	dash_acme_free(d);
	free(d);
	s->data = NULL;
}

const struct screen_ops screen_dash = {
	.name = "dashboard",
	.scope = SCOPE_DASH,
	.overlay = false,
	.init = dash_init,
	.draw = dash_draw,
	.key = dash_key,
	.free = dash_free,
};

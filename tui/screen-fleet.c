/* SPDX-License-Identifier: ISC */
/*
 * screen-fleet.c -- the fleet view (tlsdeck fleet): one row per host of
 * a directory of status reports (core/report.c), most urgent first, with
 * the expiry timeline of the dashboard; / filters; Enter opens the host's
 * panels (servers, settings, expiry, findings), read-only, from its
 * report.  The key bar shows the command that fixes the selected host's
 * most severe finding on that host.  Nothing here writes: the reports
 * are another machine's state.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "tui.h"

struct fleet_view {
	struct fleet		*fl;		/* taken */
	int			 stale;		/* hours */
	int			 warn, crit;	/* days: the timeline's marks */
	size_t			*rows;		/* hosts shown (filter) */
	size_t			 nrows;
	char			 filter[128];
	bool			 filtering;
	struct draw_list	 l;
	size_t			 ncrit, nwarn, nok, nstale;
};

/* Hosts on the screen: rows 3 .. LINES - 3. */
static int
fleet_vis(void)
{
	int	n = LINES - 5;

	return (n > 0 ? n : 1);
}

/* Days from now to t, rounded down (negative: in the past). */
static long
fleet_days(int64_t t, time_t now)
{
	int64_t	d = t - (int64_t)now;

	if (d < 0)
		return ((long)-((-d + SECS_PER_DAY - 1) / SECS_PER_DAY));
	return ((long)(d / SECS_PER_DAY));
}

static enum sev
fleet_days_sev(const struct fleet_view *v, long days)
{
	if (days <= v->crit)
		return (SEV_CRIT);
	if (days <= v->warn)
		return (SEV_WARN);
	return (SEV_OK);
}

/* Case-insensitive (ASCII) substring test. */
static bool
fleet_match(const char *hay, const char *needle)
{
	size_t	n = strlen(needle), i;

	if (hay == NULL)
		return (false);
	for (; *hay != '\0'; hay++) {
		for (i = 0; i < n && hay[i] != '\0'; i++) {
			if (((unsigned char)hay[i] | 0x20) !=
			    ((unsigned char)needle[i] | 0x20) &&
			    hay[i] != needle[i])
				break;
		}
		if (i == n)
			return (true);
	}
	return (false);
}

static const char *
fleet_sev_word(enum sev s)
{
	return (s == SEV_CRIT ? "critical" : s == SEV_WARN ? "warning" :
	    "ok");
}

/* Does the host show under the filter (name, kind, JRE, status, a
 * finding's code, "stale")? */
static bool
fleet_shown(struct tui *t, const struct fleet_view *v,
    const struct host_report *h)
{
	const char	*f = v->filter;
	size_t		 i;

	if (*f == '\0')
		return (true);
	if (fleet_match(h->name, f) || fleet_match(h->kind, f) ||
	    fleet_match(h->jre, f) || fleet_match(h->error, f))
		return (true);
	if (h->error == NULL && fleet_match(fleet_sev_word(h->sev), f))
		return (true);
	if (report_stale(h, t->now, v->stale) && fleet_match("stale", f))
		return (true);
	for (i = 0; i < h->nfindings; i++)
		if (fleet_match(h->findings[i].code, f))
			return (true);
	return (false);
}

static void
fleet_rebuild(struct tui *t, struct fleet_view *v)
{
	size_t	i;

	v->nrows = 0;
	for (i = 0; i < v->fl->nhosts; i++)
		if (fleet_shown(t, v, v->fl->hosts[i]))
			v->rows[v->nrows++] = i;
	draw_list_clamp(&v->l, (int)v->nrows, fleet_vis());
}

static int
fleet_init(struct tui *t, struct screen *s, void *arg, char **cause)
{
	struct fleet_view		*v;
	const struct host_report	*h;
	size_t				 i;

	v = xcalloc(1, sizeof *v);
	v->fl = arg;
	v->stale = t->opts.fleet_stale > 0 ? t->opts.fleet_stale :
	    REPORT_STALE_HOURS;
	v->warn = SERVER_WARN_DAYS;
	v->crit = SERVER_CRIT_DAYS;
	if (t->opts.cfg != NULL) {
		if (t->opts.cfg->warn_days > 0)
			v->warn = t->opts.cfg->warn_days;
		if (t->opts.cfg->crit_days > 0)
			v->crit = t->opts.cfg->crit_days;
	}
	v->rows = xcalloc(v->fl->nhosts + 1, sizeof *v->rows);
	for (i = 0; i < v->fl->nhosts; i++) {
		h = v->fl->hosts[i];
		if (h->error != NULL || h->sev == SEV_CRIT)
			v->ncrit++;
		else if (h->sev == SEV_WARN)
			v->nwarn++;
		else
			v->nok++;
		if (report_stale(h, t->now, v->stale))
			v->nstale++;
	}
	fleet_rebuild(t, v);
	s->data = v;
	return (0);
}

static void
fleet_free_screen(struct tui *t, struct screen *s)
{
	struct fleet_view	*v = s->data;

	if (v == NULL)
		return;
	fleet_free(v->fl);
	free(v->rows);
	free(v);
	s->data = NULL;
}

/* "45m", "5h", "3d" since the report was made. */
static void
fleet_age(char *buf, size_t len, int64_t then, time_t now)
{
	int64_t	d = (int64_t)now - then;

	if (then <= 0)
		snprintf(buf, len, "?");
	else if (d < 0)
		snprintf(buf, len, "future");
	else if (d < 3600)
		snprintf(buf, len, "%lldm", (long long)(d / 60));
	else if (d < 2 * SECS_PER_DAY)
		snprintf(buf, len, "%lldh", (long long)(d / 3600));
	else
		snprintf(buf, len, "%lldd", (long long)(d / SECS_PER_DAY));
}

/* Column widths of the host list for this terminal. */
struct fleet_cols {
	int	name, sx, sw, kind, jre, find, age;
};

static void
fleet_cols(struct fleet_cols *c)
{
	int	w = COLS - 2;

	c->name = COLS >= 160 ? 28 : COLS >= 100 ? 20 : 14;
	c->kind = COLS >= 160 ? 16 : 8;
	c->jre = COLS >= 100 ? 8 : 4;
	c->find = 5;
	c->age = 10;
	c->sx = 1 + 2 + c->name + 1;
	c->sw = w - 2 - c->name - 1 - 6 - 1 - c->kind - 1 - c->jre - 1 -
	    c->find - 1 - c->age;
	if (c->sw < 12) {
		c->sw += c->kind + 1 + c->jre + 1;
		c->kind = c->jre = 0;
	}
}

/* Columns right of the timeline: kind, jre, findings, report age. */
static int
fleet_right_x(const struct fleet_cols *c)
{
	return (c->sx + c->sw + 6 + 1);
}

static void
fleet_row(struct tui *t, struct fleet_view *v, const struct host_report *h,
    int y, bool sel)
{
	struct fleet_cols	 c;
	enum theme_role		 tr = sel ? THEME_SELECTED : THEME_TEXT;
	enum sev		 sev;
	char			 buf[64], age[32];
	const char		*g;
	long			 days;
	int			 x;

	fleet_cols(&c);
	if (sel) {
		draw_fill(t, y, 1, COLS - 2, THEME_SELECTED);
		tui_cursor(t, y, 1);
	}
	sev = h->error != NULL ? SEV_CRIT : h->sev;
	g = sev == SEV_CRIT ? t->g->crit : sev == SEV_WARN ? t->g->warn :
	    t->g->ok;
	draw_text(t, y, 1, 2, sel ? tr : colour_sev(sev), g);
	draw_text(t, y, 3, c.name, tr, h->name);
	if (h->error != NULL) {
		draw_text(t, y, c.sx, COLS - 1 - c.sx, sel ? tr : THEME_CRIT,
		    h->error);
		return;
	}
	if (h->nearest == INT64_MAX)
		draw_text(t, y, c.sx, c.sw + 6, sel ? tr : THEME_MUTED,
		    "no certificate");
	else {
		days = fleet_days(h->nearest, t->now);
		draw_timeline_bar(t, y, c.sx, c.sw, c.sw + 6, days,
		    fleet_days_sev(v, days), sel);
	}
	x = fleet_right_x(&c);
	if (c.kind > 0) {
		draw_text(t, y, x, c.kind, tr, h->kind != NULL ? h->kind :
		    "-");
		x += c.kind + 1;
		/* the major version when the whole one does not fit */
		draw_textn(t, y, x, c.jre, tr, h->jre != NULL ? h->jre : "-",
		    h->jre != NULL && draw_width(h->jre) > c.jre ?
		    strcspn(h->jre, ".") : strlen(h->jre != NULL ? h->jre :
		    "-"));
		x += c.jre + 1;
	}
	snprintf(buf, sizeof buf, "%zu", h->ncrit + h->nwarn);
	draw_text_right(t, y, x, c.find, sel ? tr : h->ncrit > 0 ?
	    THEME_CRIT : h->nwarn > 0 ? THEME_WARN : THEME_MUTED, buf);
	x += c.find + 1;
	if (report_stale(h, t->now, v->stale)) {
		fleet_age(age, sizeof age, h->time, t->now);
		snprintf(buf, sizeof buf, "%s stale", age);
		draw_text(t, y, x, c.age, sel ? tr : THEME_WARN, buf);
	} else {
		fleet_age(buf, sizeof buf, h->time, t->now);
		draw_text(t, y, x, c.age, sel ? tr : THEME_MUTED, buf);
	}
}

/*
 * The key bar: the keys, then the command that fixes what (host h) needs
 * most, on that host; the hint bar's roles.
 */
static void
fleet_keybar(struct tui *t, int y, const char *const *keys,
    const char *who, const char *cmd)
{
	int	x = 1, i;

	draw_fill(t, y, 0, COLS, THEME_HINT);
	for (i = 0; keys[i] != NULL; i += 2) {
		x += draw_text(t, y, x, COLS - x, THEME_KEY, keys[i]) + 1;
		x += draw_text(t, y, x, COLS - x, THEME_HINT, keys[i + 1]) +
		    2;
	}
	if (x >= COLS - 8)
		return;
	if (cmd != NULL) {
		x += draw_printf(t, y, x, COLS - x, THEME_KEY, "fix %s:", who);
		x++;
		draw_text(t, y, x, COLS - x, THEME_HINT, cmd);
	} else if (who != NULL)
		draw_printf(t, y, x, COLS - x, THEME_HINT, "%s: nothing to fix",
		    who);
}

static void
fleet_draw(struct tui *t, struct screen *s)
{
	static const char *const keys[] = {
		"Enter", "Open", "/", "Filter", "F1", "Help", "q", "Quit",
		NULL
	};
	static const char *const keys_narrow[] = {
		"Enter", "Open", "/", "Filter", NULL
	};
	struct fleet_view		*v = s->data;
	const struct host_report	*h = NULL;
	struct fleet_cols		 c;
	char				 sub[160], stale[48], *title;
	int				 i, y, x;

	fleet_cols(&c);
	draw_list_clamp(&v->l, (int)v->nrows, fleet_vis());
	if (v->nstale > 0)
		snprintf(stale, sizeof stale, ", %zu stale", v->nstale);
	else
		stale[0] = '\0';
	if (COLS >= 80)
		snprintf(sub, sizeof sub, "%zu host%s: %zu critical, %zu "
		    "warning, %zu ok%s", v->fl->nhosts, v->fl->nhosts == 1 ?
		    "" : "s", v->ncrit, v->nwarn, v->nok, stale);
	else
		snprintf(sub, sizeof sub, "%zu hosts, %zu crit, %zu warn",
		    v->fl->nhosts, v->ncrit, v->nwarn);
	if (v->filter[0] != '\0')
		xasprintf(&title, "Fleet /%s", v->filter);
	else
		title = xstrdup("Fleet");
	draw_box(t, 0, 0, LINES - 1, COLS, THEME_FOCUS, title, sub);
	free(title);

	/* the scale above the bars, the column titles beside it */
	draw_timeline_scale(t, 1, c.sx, c.sw + 6, c.sx, c.sw, v->warn,
	    v->crit);
	draw_text(t, 2, 3, c.name, THEME_MUTED, "host");
	x = fleet_right_x(&c);
	if (c.kind > 0) {
		draw_text(t, 2, x, c.kind, THEME_MUTED, "kind");
		x += c.kind + 1;
		draw_text(t, 2, x, c.jre, THEME_MUTED, "jre");
		x += c.jre + 1;
	}
	draw_text_right(t, 2, x, c.find, THEME_MUTED, "find");
	x += c.find + 1;
	draw_text(t, 2, x, c.age, THEME_MUTED, "report");

	if (v->nrows == 0) {
		draw_text(t, 3, 3, COLS - 4, THEME_MUTED, v->fl->nhosts == 0 ?
		    "no reports" : "no host matches the filter");
		tui_cursor(t, 3, 3);
	}
	for (i = v->l.top; i < (int)v->nrows && i < v->l.top + fleet_vis();
	    i++) {
		y = 3 + i - v->l.top;
		fleet_row(t, v, v->fl->hosts[v->rows[i]], y, i == v->l.sel);
	}
	draw_list_arrows(t, &v->l, (int)v->nrows, fleet_vis(), 3,
	    2 + fleet_vis());

	/* the bottom border: the filter prompt, or a message */
	y = LINES - 2;
	if (v->filtering) {
		draw_fill(t, y, 1, COLS - 2, THEME_TEXT);
		x = 1 + draw_text(t, y, 1, COLS - 2, THEME_KEY, "/");
		x += draw_text(t, y, x, COLS - x - 26, THEME_TEXT, v->filter);
		tui_cursor(t, y, x);
		draw_text_right(t, y, COLS - 27, 26, THEME_MUTED,
		    "Enter: keep  Esc: clear ");
	} else if (t->msg != NULL) {
		draw_fill(t, y, 1, COLS - 2, THEME_TEXT);
		draw_text(t, y, 1, COLS - 2, colour_sev(t->msg_sev), t->msg);
	}
	if (v->l.sel < (int)v->nrows)
		h = v->fl->hosts[v->rows[v->l.sel]];
	fleet_keybar(t, LINES - 1, COLS >= 120 ? keys : keys_narrow,
	    h != NULL ? h->name : NULL,
	    h != NULL ? h->fix_command : NULL);
}

/* Typing the filter. */
static int
fleet_filter_key(struct tui *t, struct fleet_view *v, enum tui_action a,
    int ch)
{
	char		 mb[MB_LEN_MAX + 1];
	mbstate_t	 st;
	size_t		 n, len = strlen(v->filter);

	if (ch == TK_ESC) {
		v->filtering = false;
		v->filter[0] = '\0';
	} else if (a == ACT_OPEN)
		v->filtering = false;
	else if (ch == TK(KEY_BACKSPACE) || ch == 127 || ch == 8) {
		while (len > 0 && ((unsigned char)v->filter[len - 1] &
		    0xc0) == 0x80)
			len--;
		if (len > 0)
			len--;
		v->filter[len] = '\0';
	} else if (ch < TK(0) && ch >= 0x20 && iswprint((wint_t)ch)) {
		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, (wchar_t)ch, &st);
		if (n != (size_t)-1 && len + n < sizeof v->filter) {
			memcpy(v->filter + len, mb, n);
			v->filter[len + n] = '\0';
		}
	} else if (a == ACT_UP || a == ACT_DOWN || a == ACT_PGUP ||
	    a == ACT_PGDN)
		return (KR_UNHANDLED);
	v->l.sel = v->l.top = 0;
	fleet_rebuild(t, v);
	return (KR_HANDLED);
}

static int
fleet_key(struct tui *t, struct screen *s, enum tui_action a, int ch)
{
	struct fleet_view	*v = s->data;
	int			 r;

	if (v->filtering && (r = fleet_filter_key(t, v, a, ch)) !=
	    KR_UNHANDLED)
		return (r);
	if (draw_list_move(&v->l, a, (int)v->nrows, fleet_vis()))
		return (KR_HANDLED);
	switch (a) {
	case ACT_FILTER:
		v->filtering = true;
		return (KR_HANDLED);
	case ACT_BACK:
		/* Esc clears the filter; with none it does nothing */
		v->filter[0] = '\0';
		fleet_rebuild(t, v);
		return (KR_HANDLED);
	case ACT_OPEN:
		if (v->l.sel < (int)v->nrows)
			fleet_host_open(t, v->fl->hosts[v->rows[v->l.sel]],
			    v->stale);
		return (KR_HANDLED);
	case ACT_QUIT:
		return (KR_QUIT);
	default:
		return (KR_UNHANDLED);
	}
}

const struct screen_ops screen_fleet = {
	.name = "fleet",
	.scope = SCOPE_FLEET,
	.overlay = false,
	.init = fleet_init,
	.draw = fleet_draw,
	.key = fleet_key,
	.free = fleet_free_screen,
};

/* ------------------------------------------------------------------ */
/* One host's panels, from its report */

enum {
	HP_SERVERS = 0,
	HP_SETTINGS,
	HP_EXPIRY,
	HP_FINDINGS,
	HP__MAX
};

static const char *const host_panel_names[HP__MAX] = {
	"Servers", "SSL settings", "Expiry", "Findings"
};

struct host_view {
	const struct host_report *h;	/* the fleet's */
	int			 stale;
	int			 warn, crit;
	int			 focus;
	struct draw_list	 l[HP__MAX];
	struct {
		int	y, x, h, w;
	}			 r[HP__MAX];
	bool			 grid;
};

struct host_arg {
	const struct host_report *h;
	int			 stale;
};

static int
host_nrows(const struct host_view *v, int p)
{
	const struct host_report	*h = v->h;

	switch (p) {
	case HP_SERVERS:
		return ((int)h->nservers + (h->nfiles > 0));
	case HP_SETTINGS:
		return ((int)h->nsettings);
	case HP_EXPIRY:
		return ((int)h->ncerts);
	default:
		return ((int)h->nfindings);
	}
}

/* Rows of panel p's body (the expiry panel's scale takes two). */
static int
host_body(const struct host_view *v, int p)
{
	int	n = v->r[p].h - 2 - (p == HP_EXPIRY ? 2 : 0);

	return (n > 0 ? n : 1);
}

/* The panels' places: a 2x2 grid, or one at a time below row 1. */
static void
host_layout(struct host_view *v)
{
	int	top = 1, hh = LINES - 2, lw = COLS / 2, th, p;

	v->grid = COLS >= TUI_GRID_COLS && LINES >= TUI_GRID_ROWS;
	if (!v->grid) {
		for (p = 0; p < HP__MAX; p++) {
			v->r[p].y = top + 1;
			v->r[p].x = 0;
			v->r[p].h = hh - 1;
			v->r[p].w = COLS;
		}
		return;
	}
	th = hh * 2 / 5;
	if (th < 6)
		th = 6;
	v->r[HP_SERVERS].y = v->r[HP_SETTINGS].y = top;
	v->r[HP_SERVERS].h = v->r[HP_SETTINGS].h = th;
	v->r[HP_EXPIRY].y = v->r[HP_FINDINGS].y = top + th;
	v->r[HP_EXPIRY].h = v->r[HP_FINDINGS].h = hh - th;
	v->r[HP_SERVERS].x = v->r[HP_EXPIRY].x = 0;
	v->r[HP_SERVERS].w = v->r[HP_EXPIRY].w = lw;
	v->r[HP_SETTINGS].x = v->r[HP_FINDINGS].x = lw;
	v->r[HP_SETTINGS].w = v->r[HP_FINDINGS].w = COLS - lw;
}

static int
host_init(struct tui *t, struct screen *s, void *arg, char **cause)
{
	struct host_arg		*a = arg;
	struct host_view	*v;

	v = xcalloc(1, sizeof *v);
	v->h = a->h;
	v->stale = a->stale;
	v->warn = SERVER_WARN_DAYS;
	v->crit = SERVER_CRIT_DAYS;
	if (t->opts.cfg != NULL) {
		if (t->opts.cfg->warn_days > 0)
			v->warn = t->opts.cfg->warn_days;
		if (t->opts.cfg->crit_days > 0)
			v->crit = t->opts.cfg->crit_days;
	}
	v->focus = v->h->nfindings > 0 ? HP_FINDINGS : HP_EXPIRY;
	s->data = v;
	return (0);
}

int
fleet_host_open(struct tui *t, const struct host_report *h, int stale)
{
	struct host_arg	a;

	a.h = h;
	a.stale = stale;
	return (tui_push(t, &screen_fleet_host, &a));
}

static void
host_free(struct tui *t, struct screen *s)
{
	free(s->data);
	s->data = NULL;
}

/* A panel's frame; the selected row's y for its first visible row. */
static void
host_frame(struct tui *t, struct host_view *v, int p, const char *sub)
{
	int	n = host_nrows(v, p), vis = host_body(v, p);

	draw_box(t, v->r[p].y, v->r[p].x, v->r[p].h, v->r[p].w,
	    p == v->focus ? THEME_FOCUS : THEME_BORDER, host_panel_names[p],
	    sub);
	draw_list_clamp(&v->l[p], n, vis);
	draw_list_arrows(t, &v->l[p], n, vis, v->r[p].y + 1 +
	    (p == HP_EXPIRY ? 2 : 0), v->r[p].y + v->r[p].h - 2);
}

/* Is row i of panel p selected (and then, the cursor on it)? */
static bool
host_sel(struct tui *t, struct host_view *v, int p, int i, int y)
{
	if (p != v->focus || i != v->l[p].sel)
		return (false);
	draw_fill(t, y, v->r[p].x + 1, v->r[p].w - 2, THEME_SELECTED);
	tui_cursor(t, y, v->r[p].x + 1);
	return (true);
}

static void
host_empty(struct tui *t, struct host_view *v, int p, const char *what)
{
	draw_text(t, v->r[p].y + 1 + (p == HP_EXPIRY ? 2 : 0),
	    v->r[p].x + 1, v->r[p].w - 2, THEME_MUTED, what);
	if (p == v->focus)
		tui_cursor(t, v->r[p].y + 1, v->r[p].x + 1);
}

static void
host_servers(struct tui *t, struct host_view *v)
{
	const struct host_report	*h = v->h;
	const struct report_server	*rs;
	int				 i, y, x, w, n;
	bool				 sel;
	enum theme_role			 tr;

	host_frame(t, v, HP_SERVERS, strcmp(h->type, "scan") == 0 ?
	    "scan report" : "status report");
	n = host_nrows(v, HP_SERVERS);
	if (n == 0) {
		host_empty(t, v, HP_SERVERS, "no server in this report");
		return;
	}
	x = v->r[HP_SERVERS].x + 1;
	w = v->r[HP_SERVERS].w - 2;
	for (i = v->l[HP_SERVERS].top; i < n &&
	    i < v->l[HP_SERVERS].top + host_body(v, HP_SERVERS); i++) {
		y = v->r[HP_SERVERS].y + 1 + i - v->l[HP_SERVERS].top;
		sel = host_sel(t, v, HP_SERVERS, i, y);
		tr = sel ? THEME_SELECTED : THEME_TEXT;
		if (i >= (int)h->nservers) {
			draw_printf(t, y, x, w, tr, "%zu standalone "
			    "certificate file%s", h->nfiles, h->nfiles == 1 ?
			    "" : "s");
			continue;
		}
		rs = &h->servers[i];
		draw_text(t, y, x, 2, sel ? tr : colour_sev(rs->sev),
		    rs->sev == SEV_CRIT ? t->g->crit : rs->sev == SEV_WARN ?
		    t->g->warn : t->g->ok);
		draw_printf(t, y, x + 2, w - 2, tr, "%s  JRE %s  %s",
		    rs->kind != NULL ? rs->kind : "?",
		    rs->jre != NULL ? rs->jre : "-",
		    rs->error != NULL ? rs->error : rs->config != NULL ?
		    rs->config : "-");
	}
}

static void
host_settings(struct tui *t, struct host_view *v)
{
	const struct host_report	*h = v->h;
	const struct report_setting	*st;
	int				 i, y, x, w, kw, n;
	bool				 sel;
	enum theme_role			 tr;

	host_frame(t, v, HP_SETTINGS, NULL);
	n = host_nrows(v, HP_SETTINGS);
	if (n == 0) {
		host_empty(t, v, HP_SETTINGS, "no settings in this report");
		return;
	}
	x = v->r[HP_SETTINGS].x + 1;
	w = v->r[HP_SETTINGS].w - 2;
	kw = w * 2 / 5;
	for (i = v->l[HP_SETTINGS].top; i < n &&
	    i < v->l[HP_SETTINGS].top + host_body(v, HP_SETTINGS); i++) {
		y = v->r[HP_SETTINGS].y + 1 + i - v->l[HP_SETTINGS].top;
		sel = host_sel(t, v, HP_SETTINGS, i, y);
		tr = sel ? THEME_SELECTED : THEME_TEXT;
		st = &h->settings[i];
		draw_text(t, y, x, 2, sel ? tr : colour_sev(st->sev),
		    st->sev == SEV_CRIT ? t->g->crit : st->sev == SEV_WARN ?
		    t->g->warn : t->g->ok);
		/* without "server." when the keys do not fit */
		draw_text(t, y, x + 2, kw - 3, tr, kw < 30 &&
		    strncmp(st->key, "server.", 7) == 0 && st->key[7] != '\0' ?
		    st->key + 7 : st->key);
		if (st->value == NULL)
			draw_text(t, y, x + kw, w - kw, sel ? tr : THEME_MUTED,
			    "(unset)");
		else
			draw_text_tail(t, y, x + kw, w - kw, tr, st->value);
	}
}

static void
host_expiry(struct tui *t, struct host_view *v)
{
	const struct host_report	*h = v->h;
	const struct report_cert	*rc;
	char				 sub[48], *cn, *label;
	int				 i, y, x0, w, lw, sx, sw, n;
	long				 days;
	bool				 sel;
	enum sev			 sev;

	snprintf(sub, sizeof sub, "warn %dd  crit %dd", v->warn, v->crit);
	host_frame(t, v, HP_EXPIRY, sub);
	x0 = v->r[HP_EXPIRY].x + 1;
	w = v->r[HP_EXPIRY].w - 2;
	lw = w * 3 / 10 > 24 ? 24 : w * 3 / 10 < 8 ? 8 : w * 3 / 10;
	sx = x0 + lw + 1;
	sw = w - lw - 1 - 6;
	if (sw < 10 || v->r[HP_EXPIRY].h < 5)
		return;
	draw_timeline_scale(t, v->r[HP_EXPIRY].y + 1, x0, w, sx, sw,
	    v->warn, v->crit);
	draw_text(t, v->r[HP_EXPIRY].y + 2, x0, lw, THEME_MUTED,
	    "certificate");
	n = host_nrows(v, HP_EXPIRY);
	if (n == 0) {
		host_empty(t, v, HP_EXPIRY, "no certificate in this report");
		return;
	}
	for (i = v->l[HP_EXPIRY].top; i < n &&
	    i < v->l[HP_EXPIRY].top + host_body(v, HP_EXPIRY); i++) {
		y = v->r[HP_EXPIRY].y + 3 + i - v->l[HP_EXPIRY].top;
		sel = host_sel(t, v, HP_EXPIRY, i, y);
		rc = &h->certs[i];
		cn = rc->subject != NULL ? draw_cn(rc->subject) : NULL;
		if (rc->alias != NULL)
			label = xstrdup(rc->alias);
		else
			xasprintf(&label, "%s", cn != NULL ? cn : "?");
		free(cn);
		draw_text(t, y, x0, lw, sel ? THEME_SELECTED : rc->trust ?
		    THEME_MUTED : THEME_TEXT, label);
		free(label);
		days = fleet_days(rc->not_after, t->now);
		sev = rc->trust ? (days < 0 ? SEV_WARN : SEV_OK) :
		    days <= v->crit ? SEV_CRIT : days <= v->warn ? SEV_WARN :
		    SEV_OK;
		draw_timeline_bar(t, y, sx, sw, days < 0 ? w - lw - 1 :
		    sw + 6, days, sev, sel);
	}
}

static void
host_findings(struct tui *t, struct host_view *v)
{
	const struct host_report	*h = v->h;
	const struct report_finding	*f;
	char				 sub[64];
	int				 i, y, x, w, n;
	bool				 sel;

	snprintf(sub, sizeof sub, "%zu critical, %zu warning", h->ncrit,
	    h->nwarn);
	host_frame(t, v, HP_FINDINGS, sub);
	n = host_nrows(v, HP_FINDINGS);
	if (n == 0) {
		host_empty(t, v, HP_FINDINGS, "no findings");
		return;
	}
	x = v->r[HP_FINDINGS].x + 1;
	w = v->r[HP_FINDINGS].w - 2;
	for (i = v->l[HP_FINDINGS].top; i < n &&
	    i < v->l[HP_FINDINGS].top + host_body(v, HP_FINDINGS); i++) {
		y = v->r[HP_FINDINGS].y + 1 + i - v->l[HP_FINDINGS].top;
		sel = host_sel(t, v, HP_FINDINGS, i, y);
		f = &h->findings[i];
		draw_text(t, y, x, 5, sel ? THEME_SELECTED : colour_sev(f->sev),
		    f->sev == SEV_CRIT ? "CRIT" : f->sev == SEV_WARN ? "WARN" :
		    f->sev == SEV_INFO ? "INFO" : "OK");
		draw_text(t, y, x + 5, w - 5, sel ? THEME_SELECTED :
		    THEME_TEXT, f->message);
	}
}

/* The finding whose fix the key bar shows: the selected one, else the
 * host's most severe. */
static const struct report_finding *
host_finding(const struct host_view *v)
{
	if (v->focus == HP_FINDINGS && v->l[HP_FINDINGS].sel <
	    (int)v->h->nfindings)
		return (&v->h->findings[v->l[HP_FINDINGS].sel]);
	if (v->h->nfindings > 0 && v->h->findings[0].sev >= SEV_WARN)
		return (&v->h->findings[0]);
	return (NULL);
}

static void
host_draw(struct tui *t, struct screen *s)
{
	static const char *const keys[] = {
		"Tab", "Panel", "Enter", "Fix", "Esc", "Back", NULL
	};
	struct host_view		*v = s->data;
	const struct host_report	*h = v->h;
	const struct report_finding	*f;
	char				 rt[24], *cmd;
	int				 p, x;

	host_layout(v);
	if (h->time > 0) {
		time_iso8601(h->time, rt, sizeof rt);
		rt[16] = '\0';
		rt[10] = ' ';
	} else
		snprintf(rt, sizeof rt, "time unknown");
	draw_fill(t, 0, 0, COLS, THEME_HEADER);
	x = draw_text(t, 0, 1, COLS - 2, THEME_HEADER, h->name) + 2;
	x += draw_text(t, 0, x, COLS - x, h->error != NULL ? THEME_CRIT :
	    colour_sev(h->sev), h->error != NULL ? "unreadable" :
	    fleet_sev_word(h->sev)) + 2;
	x += draw_printf(t, 0, x, COLS - x, THEME_HEADER, "report %s", rt);
	if (report_stale(h, t->now, v->stale))
		x += 2 + draw_text(t, 0, x + 2, COLS - x - 2, THEME_WARN,
		    "STALE");
	x += 2;
	draw_printf(t, 0, x, COLS - x, THEME_MUTED, "read-only  %s",
	    h->source);
	if (!v->grid) {
		/* the tabs */
		x = 1;
		for (p = 0; p < HP__MAX; p++)
			x += draw_text(t, 1, x, COLS - x, p == v->focus ?
			    THEME_FOCUS : THEME_MUTED, host_panel_names[p]) +
			    2;
	}
	if (h->error != NULL) {
		draw_text(t, 2, 1, COLS - 2, THEME_CRIT, h->error);
		tui_cursor(t, 2, 1);
	} else if (v->grid) {
		host_servers(t, v);
		host_settings(t, v);
		host_expiry(t, v);
		host_findings(t, v);
	} else if (v->focus == HP_SERVERS)
		host_servers(t, v);
	else if (v->focus == HP_SETTINGS)
		host_settings(t, v);
	else if (v->focus == HP_EXPIRY)
		host_expiry(t, v);
	else
		host_findings(t, v);
	f = host_finding(v);
	cmd = f != NULL ? report_fix_command(h, f) : NULL;
	fleet_keybar(t, LINES - 1, keys, h->name, cmd);
	free(cmd);
}

static int
host_key(struct tui *t, struct screen *s, enum tui_action a, int ch)
{
	struct host_view		*v = s->data;
	const struct report_finding	*f;
	char				*cmd;

	if (ch == '\t' || a == ACT_NEXT_PANEL) {
		v->focus = (v->focus + 1) % HP__MAX;
		return (KR_HANDLED);
	}
	if (ch == TK(KEY_BTAB) || a == ACT_PREV_PANEL) {
		v->focus = (v->focus + HP__MAX - 1) % HP__MAX;
		return (KR_HANDLED);
	}
	if (draw_list_move(&v->l[v->focus], a, host_nrows(v, v->focus),
	    host_body(v, v->focus)))
		return (KR_HANDLED);
	switch (a) {
	case ACT_OPEN:
		if (v->focus != HP_FINDINGS || (f = host_finding(v)) == NULL)
			return (KR_HANDLED);
		cmd = report_fix_command(v->h, f);
		msg_open(t, "Fix", "%s\n\n%s%s\n\n%s%s%s%s%s[%s]%s%s\n\n"
		    "On that host:\n  %s\n\n(read-only: this is %s's "
		    "report)", f->message, f->fix != NULL ? "fix: " : "",
		    f->fix != NULL ? f->fix : "no fix given",
		    f->file != NULL ? f->file : "", f->file != NULL ? "  " :
		    "", f->alias != NULL ? "alias " : "", f->alias != NULL ?
		    f->alias : "", f->alias != NULL ? "  " : "", f->code,
		    form_name(f->form) != NULL ?
		    "  form: " : "", form_name(f->form) != NULL ?
		    form_name(f->form) : "", cmd != NULL ? cmd : "(no "
		    "command: the report names no file)", v->h->name);
		free(cmd);
		return (KR_HANDLED);
	case ACT_BACK:
		return (KR_POP);
	default:
		return (KR_UNHANDLED);
	}
}

const struct screen_ops screen_fleet_host = {
	.name = "fleet-host",
	.scope = SCOPE_LIST,
	.overlay = false,
	.init = host_init,
	.draw = host_draw,
	.key = host_key,
	.free = host_free,
};

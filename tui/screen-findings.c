/* SPDX-License-Identifier: ISC */
/*
 * screen-findings.c -- every finding, most severe first: what is wrong,
 * what to do, where.  Enter opens the form that fixes it (wizard.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* Rows one finding takes: message, fix, where. */
#define FINDING_ROWS	3

/* Enter on a finding: the form that fixes it, or a message box. */
void
findings_explain(struct tui *t, const struct finding *f)
{
	if (form_name(f->form) != NULL && form_open(t, f->form, f) == 0)
		return;
	msg_open(t, "Fix", "%s\n\n%s", f->message,
	    f->fix != NULL ? f->fix : "No form fixes this.");
}

/* Findings that fit on the screen. */
static int
findings_vis(void)
{
	int	n = (LINES - 3) / FINDING_ROWS;

	return (n > 0 ? n : 1);
}

/* Open the findings list. */
static int
findings_init(struct tui *t, struct screen *s, void *arg, char **cause)
{
	s->data = xcalloc(1, sizeof(struct draw_list));
	return (0);
}

/* "FILE:LINE  alias A  [code]" for a finding (malloc'd). */
static char *
findings_where(const struct finding *f)
{
	char	*s, *tmp, line[32] = "";

	if (f->line > 0)
		snprintf(line, sizeof line, ":%d", f->line);
	s = xstrdup("");
	if (f->file != NULL) {
		xasprintf(&tmp, "%s%s  ", f->file, line);
		free(s);
		s = tmp;
	}
	if (f->alias != NULL) {
		xasprintf(&tmp, "%salias %s  ", s, f->alias);
		free(s);
		s = tmp;
	}
	xasprintf(&tmp, "%s[%s]", s, f->code != NULL ? f->code : "");
	free(s);
	return (tmp);
}

/* Draw the findings, three rows each. */
static void
findings_draw(struct tui *t, struct screen *s)
{
	const struct server_model	*m = t->model;
	struct draw_list		*v = s->data;
	const struct finding		*f;
	enum theme_role			 r, mr;
	char				 sub[64], *where, *fix;
	const char			*label;
	int				 i, y, w = COLS - 4;
	bool				 sel;

	draw_list_clamp(v, (int)m->nfindings, findings_vis());
	snprintf(sub, sizeof sub, "%zu, most severe first", m->nfindings);
	draw_box(t, 0, 0, LINES - 1, COLS, THEME_FOCUS, "Findings", sub);
	if (m->nfindings == 0) {
		draw_printf(t, 1, 2, w, THEME_OK, "%s no findings", t->g->ok);
		tui_cursor(t, 1, 2);
	}
	for (i = v->top; i < (int)m->nfindings &&
	    i < v->top + findings_vis(); i++) {
		f = m->findings[i];
		y = 1 + (i - v->top) * FINDING_ROWS;
		sel = i == v->sel;
		if (sel) {
			draw_fill(t, y, 1, COLS - 2, THEME_SELECTED);
			tui_cursor(t, y, 2);
		}
		r = sel ? THEME_SELECTED : colour_sev(f->sev);
		mr = sel ? THEME_SELECTED : THEME_TEXT;
		label = f->sev == SEV_CRIT ? "CRIT" : f->sev == SEV_WARN ?
		    "WARN" : f->sev == SEV_INFO ? "INFO" : "OK";
		draw_text(t, y, 2, 5, r, label);
		draw_text(t, y, 8, w - 6, mr, f->message);
		if (f->fix != NULL) {
			if (form_name(f->form) != NULL)
				xasprintf(&fix, "fix: %s  (form: %s)", f->fix,
				    form_name(f->form));
			else
				xasprintf(&fix, "fix: %s", f->fix);
			draw_text(t, y + 1, 8, w - 6, THEME_TEXT, fix);
			free(fix);
		}
		where = findings_where(f);
		draw_text(t, y + 2, 8, w - 6, THEME_MUTED, where);
		free(where);
	}
	draw_list_arrows(t, v, (int)m->nfindings, findings_vis(), 1,
	    LINES - 3);
	draw_hints(t, LINES - 1, SCOPE_LIST);
}

/* Keys of the findings list. */
static int
findings_key(struct tui *t, struct screen *s, enum tui_action a, int ch)
{
	struct draw_list	*v = s->data;
	int			 n = (int)t->model->nfindings;

	if (draw_list_move(v, a, n, findings_vis()))
		return (KR_HANDLED);
	switch (a) {
	case ACT_OPEN:
		if (v->sel < n)
			findings_explain(t, t->model->findings[v->sel]);
		break;
	case ACT_BACK:
		return (KR_POP);
	default:
		return (KR_UNHANDLED);
	}
	draw_list_clamp(v, (int)t->model->nfindings, findings_vis());
	return (KR_HANDLED);
}

/* Close the findings list. */
static void
findings_free(struct tui *t, struct screen *s)
{
	free(s->data);
	s->data = NULL;
}

const struct screen_ops screen_findings = {
	.name = "findings",
	.scope = SCOPE_LIST,
	.overlay = false,
	.init = findings_init,
	.draw = findings_draw,
	.key = findings_key,
	.free = findings_free,
};

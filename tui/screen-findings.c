/* SPDX-License-Identifier: ISC */
/*
 * screen-findings.c -- every finding, most severe first: what is wrong,
 * what to do, where.  Enter opens the form that fixes it (wizard.c).
 * Also the modal message box other screens use.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* Rows one finding takes: message, fix, where. */
#define FINDING_ROWS	3

/* The name of a form, or NULL for none. */
const char *
form_name(int form)
{
	static const char	*names[FORM__MAX] = {
		[FORM_GENKEY] = "New key pair",
		[FORM_CSR] = "Certificate request (CSR)",
		[FORM_IMPORT_REPLY] = "Import CA reply",
		[FORM_IMPORT_CERT] = "Import trusted certificates",
		[FORM_IMPORT_PEM] = "Import key and certificate (PEM)",
		[FORM_SETTINGS] = "SSL settings",
		[FORM_EXPORT] = "Export certificate",
		[FORM_TRUST] = "Trust in cacerts",
	};

	if (form < 0 || form >= FORM__MAX)
		return (NULL);
	return (names[form]);
}

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

/* The message box: a title and wrapped text over the screen below. */
struct msgbox {
	char	*title;
	char	*text;
};

/* Open a message box (arg: a struct msgbox, taken). */
static int
msg_init(struct tui *t, struct screen *s, void *arg, char **cause)
{
	s->data = arg;
	return (0);
}

/* Draw the box centred over the screen below. */
static void
msg_draw(struct tui *t, struct screen *s)
{
	struct msgbox	*mb = s->data;
	char		**lines;
	size_t		 n, i;
	int		 w, h, y, x, maxw = 0;

	w = COLS - 8 < 70 ? COLS - 8 : 70;
	n = draw_wrap(mb->text, w - 4, &lines);
	for (i = 0; i < n; i++)
		if (draw_width(lines[i]) > maxw)
			maxw = draw_width(lines[i]);
	if (maxw + 4 < w)
		w = maxw + 4 < 30 ? 30 : maxw + 4;
	h = (int)n + 4;
	if (h > LINES - 2)
		h = LINES - 2;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	for (i = 0; i < (size_t)h; i++)
		draw_fill(t, y + (int)i, x, w, THEME_TEXT);
	draw_box(t, y, x, h, w, THEME_FOCUS, mb->title, NULL);
	for (i = 0; i < n && (int)i < h - 4; i++)
		draw_text(t, y + 1 + (int)i, x + 2, w - 4, THEME_TEXT,
		    lines[i]);
	draw_text_right(t, y + h - 2, x + 2, w - 4, THEME_MUTED,
	    "any key: close");
	tui_cursor(t, y + 1, x + 2);
	draw_lines_free(lines, n);
}

/* Any key closes the box; F10 still quits. */
static int
msg_key(struct tui *t, struct screen *s, enum tui_action a, int ch)
{
	if (a == ACT_QUIT && ch != 'q')
		return (KR_QUIT);
	return (KR_POP);
}

/* Free the box. */
static void
msg_free(struct tui *t, struct screen *s)
{
	struct msgbox	*mb = s->data;

	if (mb == NULL)
		return;
	free(mb->title);
	free(mb->text);
	free(mb);
	s->data = NULL;
}

const struct screen_ops screen_msg = {
	.name = "message",
	.scope = SCOPE_LIST,
	.overlay = true,
	.init = msg_init,
	.draw = msg_draw,
	.key = msg_key,
	.free = msg_free,
};

/* Push a message box with formatted text. */
int
msg_open(struct tui *t, const char *title, const char *fmt, ...)
{
	struct msgbox	*mb;
	va_list		 ap;

	mb = xcalloc(1, sizeof *mb);
	mb->title = xstrdup(title);
	va_start(ap, fmt);
	xvasprintf(&mb->text, fmt, ap);
	va_end(ap);
	if (tui_push(t, &screen_msg, mb) != 0) {
		free(mb->title);
		free(mb->text);
		free(mb);
		return (-1);
	}
	return (0);
}

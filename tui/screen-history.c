/* SPDX-License-Identifier: ISC */
/*
 * screen-history.c -- the history of changes (H): every backup tlsdeck
 * made, newest first.  Enter shows what restoring one would do (a dry run
 * of backup_restore) and asks for y; the restore backs the current file up
 * first, and the dashboard's model is reloaded after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* Rows above the list inside the box: the directory and the header. */
#define HIST_HEAD	2

struct hview {
	struct backup_rec	*recs;		/* oldest first, as listed */
	size_t			 n;
	char			*dir;
	char			*error;		/* backup_list failed */
	struct draw_list	 list;		/* sel 0 is the newest */

	bool			 confirm;	/* asking y for recs[csel] */
	int			 csel;
	struct backup_outcome	 dry;
	char			*dry_error;	/* the dry run failed */

	char			*result;	/* the last restore's line */
	enum sev		 result_sev;
};

/* The backup shown on row i (newest first). */
static const struct backup_rec *
hist_rec(const struct hview *v, int i)
{
	return (&v->recs[v->n - 1 - (size_t)i]);
}

/* Rows of backups that fit inside the box. */
static int
hist_vis(void)
{
	int	n = LINES - 4 - HIST_HEAD;

	return (n > 0 ? n : 1);
}

/* (Re)read the manifest; a failure is kept to be shown. */
static void
hist_load(struct hview *v)
{
	char	*cause = NULL;

	backup_list_free(v->recs, v->n);
	v->recs = NULL;
	v->n = 0;
	free(v->error);
	v->error = NULL;
	if (v->dir == NULL && backup_dir(&v->dir, &cause) != 0) {
		v->error = cause;
		return;
	}
	if (backup_list(&v->recs, &v->n, &cause) != 0) {
		v->error = cause != NULL ? cause : xstrdup("cannot read the "
		    "backup manifest");
		v->recs = NULL;
		v->n = 0;
	}
}

/* Open the history: read the manifest. */
static int
hist_init(struct tui *t, struct screen *s, void *arg, char **cause)
{
	struct hview	*v;

	v = xcalloc(1, sizeof *v);
	hist_load(v);
	s->data = v;
	return (0);
}

/* One backup as a row: id, time, command, size, file. */
static void
hist_draw_row(struct tui *t, int y, const struct backup_rec *r, bool sel)
{
	enum theme_role	 tr = sel ? THEME_SELECTED : THEME_TEXT;
	enum theme_role	 mr = sel ? THEME_SELECTED : THEME_MUTED;
	int		 w = COLS - 2;

	if (sel) {
		draw_fill(t, y, 1, w, THEME_SELECTED);
		tui_cursor(t, y, 2);
	}
	draw_printf(t, y, 2, 5, tr, "%5u", r->id);
	draw_text(t, y, 8, 20, mr, r->time);
	draw_text(t, y, 30, 10, tr, r->command);
	draw_printf(t, y, 41, 9, mr, "%9llu", (unsigned long long)r->size);
	if (w - 51 > 0)
		draw_text_tail(t, y, 52, w - 51, tr, r->path);
}

/* The confirmation box over the list. */
static void
hist_draw_confirm(struct tui *t, struct hview *v)
{
	const struct backup_rec	*r = &v->recs[v->csel];
	char			*lines[5], **wl;
	size_t			 nl = 0, nw, i, k;
	int			 w, h, y, x, row;
	enum theme_role		 role = THEME_TEXT;

	w = COLS - 8 < 76 ? COLS - 8 : 76;
	xasprintf(&lines[nl++], "Backup %u: %s, %s, %llu bytes", r->id,
	    r->time, r->command, (unsigned long long)r->size);
	xasprintf(&lines[nl++], "Replaces: %s", r->path);
	if (v->dry_error != NULL) {
		xasprintf(&lines[nl++], "Cannot restore: %s", v->dry_error);
		role = THEME_CRIT;
	} else if (v->dry.same)
		lines[nl++] = xstrdup("The file already holds these bytes: "
		    "nothing to do.");
	else if (v->dry.existed)
		lines[nl++] = xstrdup("The current file differs from this "
		    "backup; it is backed up first.");
	else
		lines[nl++] = xstrdup("The file does not exist now; it will "
		    "be created.");
	/* wrap everything first to size the box */
	h = 4;
	for (i = 0; i < nl; i++) {
		nw = draw_wrap(lines[i], w - 4, &wl);
		h += (int)nw;
		draw_lines_free(wl, nw);
	}
	if (h > LINES - 2)
		h = LINES - 2;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	for (row = 0; row < h; row++)
		draw_fill(t, y + row, x, w, THEME_TEXT);
	draw_box(t, y, x, h, w, THEME_FOCUS, "Restore", NULL);
	row = y + 1;
	for (i = 0; i < nl; i++) {
		nw = draw_wrap(lines[i], w - 4, &wl);
		for (k = 0; k < nw && row < y + h - 2; k++)
			draw_text(t, row++, x + 2, w - 4,
			    i == nl - 1 ? role : THEME_TEXT, wl[k]);
		draw_lines_free(wl, nw);
		free(lines[i]);
	}
	draw_text_right(t, y + h - 2, x + 2, w - 4, THEME_MUTED,
	    v->dry_error != NULL || v->dry.same ? "any key: back" :
	    "y: restore   Esc: cancel");
	tui_cursor(t, y + 1, x + 2);
}

/* Draw the list (or why there is none) and the last result. */
static void
hist_draw(struct tui *t, struct screen *s)
{
	struct hview	*v = s->data;
	char		 sub[64], **wl;
	size_t		 nw, k;
	int		 i, y, h = LINES - 2, w = COLS - 4;

	draw_list_clamp(&v->list, (int)v->n, hist_vis());
	snprintf(sub, sizeof sub, "%zu, newest first", v->n);
	draw_box(t, 0, 0, h, COLS, THEME_FOCUS, "History of changes",
	    v->error == NULL ? sub : NULL);
	if (v->error != NULL) {
		nw = draw_wrap(v->error, w, &wl);
		for (k = 0; k < nw && (int)k + 1 < h - 1; k++)
			draw_text(t, 1 + (int)k, 2, w, THEME_CRIT, wl[k]);
		draw_lines_free(wl, nw);
		tui_cursor(t, 1, 2);
	} else if (v->n == 0) {
		draw_printf(t, 1, 2, w, THEME_TEXT, "no changes recorded yet "
		    "(backups in %s)", v->dir);
		tui_cursor(t, 1, 2);
	} else {
		draw_printf(t, 1, 2, w, THEME_MUTED, "backups in %s; Enter: "
		    "restore one", v->dir);
		draw_text(t, 2, 2, 5, THEME_HEADER, "   ID");
		draw_text(t, 2, 8, 20, THEME_HEADER, "WHEN (UTC)");
		draw_text(t, 2, 30, 10, THEME_HEADER, "COMMAND");
		draw_text(t, 2, 41, 9, THEME_HEADER, "     SIZE");
		if (COLS - 53 > 0)
			draw_text(t, 2, 52, COLS - 53, THEME_HEADER, "FILE");
	}
	for (i = v->list.top; v->error == NULL && i < (int)v->n &&
	    i < v->list.top + hist_vis(); i++) {
		y = 1 + HIST_HEAD + i - v->list.top;
		hist_draw_row(t, y, hist_rec(v, i), i == v->list.sel);
	}
	draw_list_arrows(t, &v->list, (int)v->n, hist_vis(), 1 + HIST_HEAD,
	    h - 2);
	if (v->result != NULL)
		draw_text(t, LINES - 2, 1, COLS - 2, colour_sev(v->result_sev),
		    v->result);
	draw_hints(t, LINES - 1, SCOPE_LIST);
	if (v->confirm)
		hist_draw_confirm(t, v);
}

/* Enter on a backup: a dry run, then the confirmation. */
static void
hist_ask(struct hview *v)
{
	v->csel = (int)v->n - 1 - v->list.sel;
	free(v->dry_error);
	v->dry_error = NULL;
	if (backup_restore(&v->recs[v->csel], BACKUP_DRY_RUN, &v->dry,
	    &v->dry_error) != 0 && v->dry_error == NULL)
		v->dry_error = xstrdup("the dry run failed");
	v->confirm = true;
}

/* y: restore for real, say what happened, reload list and model. */
static void
hist_restore(struct tui *t, struct hview *v)
{
	const struct backup_rec	*r = &v->recs[v->csel];
	struct backup_outcome	 o;
	char			*cause = NULL;

	free(v->result);
	if (backup_restore(r, 0, &o, &cause) != 0) {
		xasprintf(&v->result, "restore failed: %s", cause != NULL ?
		    cause : "unknown error");
		v->result_sev = SEV_CRIT;
		free(cause);
		return;
	}
	v->result_sev = SEV_OK;
	if (o.same)
		xasprintf(&v->result, "backup %u: nothing to do, the file "
		    "already holds it: %s", r->id, r->path);
	else if (o.prev_id != 0)
		xasprintf(&v->result, "restored backup %u (the replaced "
		    "content is backup %u): %s", r->id, o.prev_id, r->path);
	else
		xasprintf(&v->result, "restored backup %u (the file did not "
		    "exist): %s", r->id, r->path);
	hist_load(v);
	v->list.sel = 0;
	tui_model_reload(t);
}

/* Keys of the confirmation: y restores, anything else backs out. */
static int
hist_confirm_key(struct tui *t, struct hview *v, enum tui_action a, int ch)
{
	if (a == ACT_QUIT && ch != 'q')
		return (KR_QUIT);
	if (ch == TK(KEY_RESIZE))
		return (KR_HANDLED);
	if (v->dry_error == NULL && !v->dry.same) {
		if (ch == 'y' || ch == 'Y') {
			v->confirm = false;
			hist_restore(t, v);
			return (KR_HANDLED);
		}
		if (a != ACT_BACK)
			return (KR_HANDLED);	/* only y or Esc */
	}
	v->confirm = false;
	return (KR_HANDLED);
}

/* Keys of the history list. */
static int
hist_key(struct tui *t, struct screen *s, enum tui_action a, int ch)
{
	struct hview	*v = s->data;

	if (v->confirm)
		return (hist_confirm_key(t, v, a, ch));
	if (draw_list_move(&v->list, a, (int)v->n, hist_vis()))
		return (KR_HANDLED);
	switch (a) {
	case ACT_OPEN:
		if (v->error == NULL && v->list.sel < (int)v->n)
			hist_ask(v);
		break;
	case ACT_BACK:
		return (KR_POP);
	default:
		return (KR_UNHANDLED);
	}
	draw_list_clamp(&v->list, (int)v->n, hist_vis());
	return (KR_HANDLED);
}

/* Close the history. */
static void
hist_free(struct tui *t, struct screen *s)
{
	struct hview	*v = s->data;

	if (v == NULL)
		return;
	backup_list_free(v->recs, v->n);
	free(v->dir);
	free(v->error);
	free(v->dry_error);
	free(v->result);
	free(v);
	s->data = NULL;
}

const struct screen_ops screen_history = {
	.name = "history",
	.scope = SCOPE_LIST,
	.overlay = false,
	.init = hist_init,
	.draw = hist_draw,
	.key = hist_key,
	.free = hist_free,
};

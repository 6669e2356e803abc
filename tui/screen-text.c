/* SPDX-License-Identifier: ISC */
/*
 * screen-text.c -- a scrollable text viewer, and the two screens built on
 * it: certificate detail (like keytool -list -v, plus PEM) and help
 * (generated from the key table).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

struct text_view {
	char	*title;
	char	*text;
	char	**lines;	/* text wrapped at width */
	size_t	 nlines;
	int	 width;		/* the width lines were wrapped at */
	int	 top;
	bool	 help;
};

/* Rows of text the viewer shows. */
static int
text_rows(void)
{
	return (LINES - 3 > 1 ? LINES - 3 : 1);
}

/* Re-wrap when the width changed (resize). */
static void
text_wrap(struct text_view *v, int w)
{
	if (v->lines != NULL && v->width == w)
		return;
	draw_lines_free(v->lines, v->nlines);
	v->nlines = draw_wrap(v->text, w, &v->lines);
	v->width = w;
}

/* Keep the scroll position inside the text. */
static void
text_clamp(struct text_view *v)
{
	if (v->top > (int)v->nlines - text_rows())
		v->top = (int)v->nlines - text_rows();
	if (v->top < 0)
		v->top = 0;
}

/* Open the viewer on a struct text_arg (strings taken). */
static int
text_init(struct tui *t, struct screen *s, void *arg, char **cause)
{
	struct text_arg		*a = arg;
	struct text_view	*v;

	v = xcalloc(1, sizeof *v);
	v->title = a->title;
	v->text = a->text;
	v->help = a->help;
	s->data = v;
	return (0);
}

/* Draw the visible part of the text. */
static void
text_draw(struct tui *t, struct screen *s)
{
	struct text_view	*v = s->data;
	char			 pos[64];
	int			 i, w = COLS - 4;

	text_wrap(v, w);
	text_clamp(v);
	snprintf(pos, sizeof pos, "%d-%d of %zu", v->nlines == 0 ? 0 :
	    v->top + 1, v->top + text_rows() < (int)v->nlines ?
	    v->top + text_rows() : (int)v->nlines, v->nlines);
	draw_box(t, 0, 0, LINES - 1, COLS, THEME_FOCUS, v->title, pos);
	for (i = 0; i < text_rows() && v->top + i < (int)v->nlines; i++)
		draw_text(t, 1 + i, 2, w, THEME_TEXT, v->lines[v->top + i]);
	if (v->top > 0)
		draw_text(t, 1, COLS - 1, 1, THEME_MUTED, t->g->up);
	if (v->top + text_rows() < (int)v->nlines)
		draw_text(t, LINES - 3, COLS - 1, 1, THEME_MUTED, t->g->down);
	draw_hints(t, LINES - 1, SCOPE_LIST);
	tui_cursor(t, 1, 2);
}

/* Scroll keys; Esc, q and Left go back. */
static int
text_key(struct tui *t, struct screen *s, enum tui_action a, int ch)
{
	struct text_view	*v = s->data;
	int			 page = text_rows() > 1 ? text_rows() - 1 : 1;

	switch (a) {
	case ACT_UP:
		v->top--;
		break;
	case ACT_DOWN:
		v->top++;
		break;
	case ACT_PGUP:
		v->top -= page;
		break;
	case ACT_PGDN:
	case ACT_OPEN:
		v->top += page;
		break;
	case ACT_TOP:
		v->top = 0;
		break;
	case ACT_BOTTOM:
		v->top = (int)v->nlines;
		break;
	case ACT_BACK:
		return (KR_POP);
	case ACT_HELP:
		if (v->help)
			return (KR_HANDLED);	/* already here */
		return (KR_UNHANDLED);
	default:
		if (ch == ' ') {
			v->top += page;
			break;
		}
		return (KR_UNHANDLED);
	}
	text_clamp(v);
	return (KR_HANDLED);
}

/* Close the viewer. */
static void
text_free(struct tui *t, struct screen *s)
{
	struct text_view	*v = s->data;

	if (v == NULL)
		return;
	draw_lines_free(v->lines, v->nlines);
	free(v->title);
	free(v->text);
	free(v);
	s->data = NULL;
}

const struct screen_ops screen_text = {
	.name = "text",
	.scope = SCOPE_LIST,
	.overlay = false,
	.init = text_init,
	.draw = text_draw,
	.key = text_key,
	.free = text_free,
};

/* Our own summary of a certificate (for certificates without DER). */
static char *
detail_summary(struct cert *c, time_t now)
{
	const struct cert_info	*ci = &c->info;
	char			 nb[32], na[32], *s, *tmp;
	size_t			 i;

	time_iso8601(ci->not_before, nb, sizeof nb);
	time_iso8601(ci->not_after, na, sizeof na);
	xasprintf(&s, "Owner: %s\nIssuer: %s\nSerial number: %s\n"
	    "Valid from: %s until: %s (%ld days left)\n"
	    "Subject Public Key Algorithm: %s\nSignature algorithm name: %s\n"
	    "CA: %s%s\n",
	    ci->subject != NULL ? ci->subject : "?",
	    ci->issuer != NULL ? ci->issuer : "?",
	    ci->serial != NULL ? ci->serial : "?", nb, na,
	    cert_days_left(c, now), ci->key, ci->sig_alg,
	    ci->ca ? "yes" : "no", ci->self_signed ? " (self-signed)" : "");
	for (i = 0; i < ci->nsan; i++) {
		xasprintf(&tmp, "%s%s%s\n", s, i == 0 ?
		    "SubjectAlternativeName: " : "                        ",
		    ci->san[i]);
		free(s);
		s = tmp;
	}
	return (s);
}

/* Open the detail view of one certificate. */
int
detail_open(struct tui *t, const struct ks_entry *e, struct cert *c,
    const char *origin)
{
	struct text_arg	 a;
	char		*head, *body, *pem = NULL, *cn;
	size_t		 i, pos = 0;
	long		 days;
	enum sev	 sev;

	memset(&a, 0, sizeof a);
	days = cert_days_left(c, t->now);
	sev = audit_cert_sev(t->model, c);
	if (e != NULL) {
		for (i = 0; i < e->nchain; i++)
			if (e->chain[i] == c)
				pos = i + 1;
		xasprintf(&head, "Alias: %.*s (%s, %s, certificate %zu of "
		    "%zu)\nStatus: %s, %ld days left\n\n", (int)e->alias_len,
		    e->alias, origin, ks_etype_name(e->type), pos, e->nchain,
		    sev_name(sev), days);
	} else
		xasprintf(&head, "From: %s\nStatus: %s, %ld days left\n\n",
		    origin, sev_name(sev), days);
	if (c->der != NULL && c->len > 0) {
		if ((body = cert_describe(c, t->now)) == NULL)
			body = detail_summary(c, t->now);
		pem = cert_pem(c);
	} else
		body = detail_summary(c, t->now);
	xasprintf(&a.text, "%s%s\n%s", head, body, pem != NULL ? pem :
	    "(no DER: a demonstration certificate has no PEM)\n");
	free(head);
	free(body);
	free(pem);
	cn = draw_cn(c->info.subject);
	xasprintf(&a.title, "Certificate %s", cn);
	free(cn);
	if (tui_push(t, &screen_text, &a) != 0) {
		free(a.text);
		free(a.title);
		return (-1);
	}
	return (0);
}

/* Open the help screen. */
int
help_open(struct tui *t)
{
	struct text_arg	 a;
	char		*keys;

	memset(&a, 0, sizeof a);
	a.help = true;
	keys = tui_key_help();
	xasprintf(&a.text, "%s %s: the HTTPS control panel of a Java server."
	    "\n\n%s"
	    "Panels: Keystore (entries; %s marks the key the server uses; "
	    "chains as trees; days left), SSL settings (application."
	    "properties, checked against the files), Expiry (every "
	    "certificate on a timeline with the warning and critical "
	    "thresholds) and Trust (is the server chain trusted by the JRE's "
	    "cacerts).\n\nThe same checks without the screen: '%s status', "
	    "'%s audit'.\n", TLSDECK_NAME, PACKAGE_VERSION, keys, t->g->star,
	    TLSDECK_NAME, TLSDECK_NAME);
	free(keys);
	a.title = xstrdup("Help");
	if (tui_push(t, &screen_text, &a) != 0) {
		free(a.text);
		free(a.title);
		return (-1);
	}
	return (0);
}

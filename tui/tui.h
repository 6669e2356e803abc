/* SPDX-License-Identifier: ISC */
/*
 * tui.h -- the dashboard (ncurses).  Calls core; never OpenSSL or libcyaml.
 *
 * Structure (style.md b.6): a stack of screens, each a const struct
 * screen_ops; one key table (keys.c) that both the dispatcher and the help
 * screen read; colours by theme role only (colour.c); drawing primitives
 * that crop UTF-8 by display width (draw.c).  Everything draws into stdscr;
 * curses sends only the differences, so a frame is erase() + draw +
 * wnoutrefresh() + doupdate(), never clear().
 */
#ifndef TLSDECK_TUI_H
#define TLSDECK_TUI_H

#include <curses.h>

#include "core.h"

/* Open the dashboard; argv holds the GLOBAL options.  Returns exit code. */
int	tui_main(int argc, char **argv);

/* ------------------------------------------------------------------ */
/* Everything below is internal to tui/ (and its tests). */

/* The smallest terminal the dashboard draws in. */
#define TUI_MIN_COLS	60
#define TUI_MIN_ROWS	15
/* Below this the 2x2 grid gives way to one panel at a time (tabs). */
#define TUI_GRID_COLS	80
#define TUI_GRID_ROWS	22

/* Input codes: characters as themselves, curses key codes above Unicode. */
#define TK(k)		(0x110000 + (k))
#define TK_ESC		27
#define TK_CTRL(c)	((c) & 0x1f)

/* What a key does; the key table maps keys to these. */
enum tui_action {
	ACT_NONE = 0,
	ACT_HELP,
	ACT_QUIT,
	ACT_BACK,
	ACT_NEXT_PANEL,
	ACT_PREV_PANEL,
	ACT_UP,
	ACT_DOWN,
	ACT_LEFT,
	ACT_RIGHT,
	ACT_PGUP,
	ACT_PGDN,
	ACT_TOP,
	ACT_BOTTOM,
	ACT_OPEN,
	ACT_FILTER,
	ACT_FINDINGS,
	ACT_REFRESH,
	ACT_WIZ_ENABLE,
	ACT_WIZ_RENEW,
	ACT_FORM_REPLY,
	ACT_FORM_SETTINGS,
	ACT_FORM_EXPORT,
	ACT_FORM_TRUST,
	ACT_MOUSE,
	ACT__MAX
};

/* Key table scopes: where a binding applies. */
#define SCOPE_GLOBAL	0x01		/* every screen */
#define SCOPE_DASH	0x02		/* the dashboard */
#define SCOPE_LIST	0x04		/* viewers and lists (help, detail,
					   findings) */

struct tui_key {
	int		 key;		/* character or TK(KEY_...) */
	const char	*name;		/* "F1", "?", "Tab" */
	enum tui_action	 action;
	unsigned int	 scope;
	const char	*help;		/* for the help screen */
	const char	*hint;		/* hint bar label, or NULL */
	const char	*short_hint;	/* when the bar is narrow */
};

/* keys.c */
extern const struct tui_key tui_keys[];
/* The action bound to key in scope (SCOPE_GLOBAL always included). */
enum tui_action	 tui_key_action(int key, unsigned int scope);
/* The help text for the screens of scope, generated from tui_keys. */
char		*tui_key_help(void);
/* The key name of a key code, for messages ("F2", "q"). */
const char	*tui_key_name(enum tui_action, unsigned int scope);

/* Results of a screen's key function (a bit set; 0 = not handled). */
enum key_result {
	KR_UNHANDLED = 0,
	KR_HANDLED = 0x01,
	KR_REDRAW = 0x02,
	KR_POP = 0x04,
	KR_QUIT = 0x08,
};

struct tui;
struct screen;

/* One screen (tmux's window_mode; ncdu's init/draw/key). */
struct screen_ops {
	const char	*name;
	unsigned int	 scope;		/* key table scope */
	bool		 overlay;	/* drawn over the screen below */
	int		(*init)(struct tui *, struct screen *, void *arg,
			    char **cause);
	void		(*draw)(struct tui *, struct screen *);
	/* action from the key table, ch the raw input code */
	int		(*key)(struct tui *, struct screen *, enum tui_action,
			    int ch);
	void		(*free)(struct tui *, struct screen *);
};

struct screen {
	const struct screen_ops	*ops;
	void			*data;
};

/* Glyphs: Unicode, or ASCII with --ascii / a non-UTF-8 locale. */
struct tui_glyphs {
	const char	*star;		/* configured key alias */
	const char	*tree;		/* chain child */
	const char	*mask;		/* masked password */
	const char	*ok;
	const char	*warn;
	const char	*crit;
	const char	*info;
	const char	*bullet;	/* overall status */
	const char	*arrow;		/* symlink target */
	const char	*ellipsis;
	const char	*bar_full;
	const char	*bar_empty;
	const char	*tick;		/* timeline tick */
	const char	*axis;		/* timeline axis */
	const char	*up;
	const char	*down;
};

/* The options of tui_main (cli's GLOBAL options plus two hidden ones). */
struct tui_opts {
	const char	*properties;
	const char	*server;
	const char	*jre;
	const char	*cacerts;
	const char	*theme;
	const char	*config;
	bool		 no_color;
	bool		 ascii;
	bool		 mouse;
	const struct tlsdeck_config *cfg; /* loaded by tui_main, or NULL */
	/* hidden stand-ins for tests and demonstrations (loader.c) */
	bool		 demo;		/* --demo-model */
	const char	*keystore;	/* --keystore FILE */
};

#define TUI_STACK_MAX	16

struct tui {
	struct tui_opts		 opts;
	bool			 colour;	/* colours in use */
	bool			 ascii;		/* --ascii line drawing */
	bool			 utf8;		/* the locale is UTF-8 */
	struct theme		*theme;
	attr_t			 attr[THEME__MAX];
	const struct tui_glyphs	*g;

	struct server_model	*model;		/* never NULL once running */
	char			*load_error;	/* why the model is empty */
	time_t			 now;

	struct screen		 stack[TUI_STACK_MAX];
	int			 depth;

	char			*msg;		/* status line message */
	enum sev		 msg_sev;

	int			 cy, cx;	/* the hardware cursor: on the
						   focused item */
	int			 mouse_y, mouse_x;
	bool			 quit;
};

/* tui.c */
/* A tui with no terminal yet (tests make their own with newterm). */
struct tui	*tui_new(const struct tui_opts *);
void		 tui_free(struct tui *);
/* Colours and glyphs for the current terminal (after newterm). */
void		 tui_display_init(struct tui *);
int		 tui_push(struct tui *, const struct screen_ops *, void *arg);
void		 tui_pop(struct tui *);
/* Pop everything above the bottom screen. */
void		 tui_pop_all(struct tui *);
/* Draw the stack (or the too-small message) and update the terminal. */
void		 tui_draw(struct tui *);
/* Feed one input code (as the loop does); false once it should quit. */
bool		 tui_input(struct tui *, int ch);
/* Status line message (replaces the findings strip until a key). */
void		 tui_message(struct tui *, enum sev, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
/* Re-run the model loader; on failure keep an empty model. */
void		 tui_reload(struct tui *);
/* Place the hardware cursor (screen readers follow it). */
void		 tui_cursor(struct tui *, int y, int x);
/* Is the terminal too small to draw anything but the message? */
bool		 tui_too_small(void);

/* colour.c */
void		 colour_init(struct tui *);
/* The curses attribute of a role. */
attr_t		 colour_attr(const struct tui *, enum theme_role);
/* Role for a severity (ok, info, warn, crit). */
enum theme_role	 colour_sev(enum sev);

/* draw.c */
extern const struct tui_glyphs draw_glyphs_utf8;
extern const struct tui_glyphs draw_glyphs_ascii;
/* Display width of UTF-8 text (invalid bytes count as one column). */
int		 draw_width(const char *);
int		 draw_widthn(const char *, size_t);
/*
 * Draw UTF-8 text at y, x in at most w columns, in role; when it does not
 * fit, the last column is an ellipsis.  Control characters and invalid
 * bytes show as '?'.  Returns the columns used.
 */
int		 draw_text(struct tui *, int y, int x, int w, enum theme_role,
		     const char *);
int		 draw_textn(struct tui *, int y, int x, int w, enum theme_role,
		     const char *, size_t);
/* The same, but keep the end of the text ("…/conf/keystore.p12"). */
int		 draw_text_tail(struct tui *, int y, int x, int w,
		     enum theme_role, const char *);
/* Right-aligned in the w columns ending at x + w. */
int		 draw_text_right(struct tui *, int y, int x, int w,
		     enum theme_role, const char *);
int		 draw_printf(struct tui *, int y, int x, int w,
		     enum theme_role, const char *, ...)
		     __attribute__((format(printf, 6, 7)));
/* Fill w columns with blanks in role. */
void		 draw_fill(struct tui *, int y, int x, int w, enum theme_role);
/* A frame with a title in its top border. */
void		 draw_box(struct tui *, int y, int x, int h, int w,
		     enum theme_role, const char *title,
		     const char *subtitle);
/* A horizontal line of w columns. */
void		 draw_hline(struct tui *, int y, int x, int w, enum theme_role);
/* A bar w columns wide, frac (0..1) of it full. */
void		 draw_bar(struct tui *, int y, int x, int w, double frac,
		     enum theme_role);
/* The key-hint bar for the top screen's scope, on row y. */
void		 draw_hints(struct tui *, int y, unsigned int scope);
/* Split text into lines of at most w columns (at spaces when possible);
 * returns the count, *lines freed with draw_wrap_free. */
size_t		 draw_wrap(const char *text, int w, char ***lines);
void		 draw_wrap_free(char **, size_t);
/* The "CN=" value of a subject, or the subject (malloc'd). */
char		*draw_cn(const char *subject);

/* screen-dash.c */
extern const struct screen_ops screen_dash;

/* screen-text.c: a scrollable text viewer (detail, help). */
struct text_arg {
	char		*title;		/* taken */
	char		*text;		/* taken */
	bool		 help;		/* this is the help screen */
};
extern const struct screen_ops screen_text;
/* The detail view of one certificate (e may be NULL). */
int		 detail_open(struct tui *, const struct ks_entry *,
		     struct cert *, const char *origin);
/* The help screen. */
int		 help_open(struct tui *);

/* screen-findings.c */
extern const struct screen_ops screen_findings;
/* screen-msg.c: a modal message box; any key closes it. */
extern const struct screen_ops screen_msg;
int		 msg_open(struct tui *, const char *title, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));
/* Say what fixes a finding (a message box naming its form). */
void		 findings_explain(struct tui *, const struct finding *);
/* The name of a form ("Settings"), for messages until forms exist. */
const char	*form_name(int form);

/* loader.c: where the model comes from. */
/*
 * Build the server model for opts.  Returns 0 and *mp, or -1 with *cause
 * (then the dashboard shows an empty model and the cause).
 */
int		 tui_model_load(const struct tui_opts *, struct server_model **,
		     char **cause);
/* An empty model (nothing loaded). */
struct server_model *tui_model_empty(void);
/* A demonstration model with certificates relative to now (no DER). */
struct server_model *tui_model_demo(time_t now);

#endif /* TLSDECK_TUI_H */

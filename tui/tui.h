/* SPDX-License-Identifier: ISC */
/*
 * tui.h -- the dashboard (ncurses).  Calls core; never OpenSSL or libcyaml.
 *
 * Structure: a stack of screens, each a const struct
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
	ACT_FORMS,		/* the menu of every form */
	ACT_SUBMIT,		/* forms: continue (review, apply) */
	ACT_HISTORY,		/* the history of changes (backups) */
	ACT_MATERIAL,		/* the next key material of the server */
	ACT__MAX
};

/* Key table scopes: where a binding applies. */
#define SCOPE_GLOBAL	0x01		/* every screen */
#define SCOPE_DASH	0x02		/* the dashboard */
#define SCOPE_FORM	0x08		/* forms and wizards (form.c) */
#define SCOPE_LIST	0x04		/* viewers and lists (help, detail,
					   findings) */
#define SCOPE_FLEET	0x10		/* the fleet view's host list */

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
	/* while t->busy: called every TUI_TICK_MS without input; true
	   to redraw (may be NULL) */
	bool		(*tick)(struct tui *, struct screen *);
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
	const char	*over;		/* a setting overriding another value */
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
	bool		 no_live;	/* --no-live: no look at the server
					   (loader.c, live.c) */
	/* tlsdeck fleet (cli/cmd-fleet.c): the hidden --fleet DIR|- and
	 * --fleet-stale HOURS open the fleet view instead */
	const char	*fleet;
	int		 fleet_stale;
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
	unsigned int		 model_gen;	/* counts the models set
						   (tui_set_model) */
	char			*load_error;	/* why the model is empty */
	int			 material;	/* the key material the
						   dashboard shows (index in
						   model->materials): forms act
						   on it */
	time_t			 now;

	struct screen		 stack[TUI_STACK_MAX];
	int			 depth;

	char			*msg;		/* status line message */
	enum sev		 msg_sev;

	int			 cy, cx;	/* the hardware cursor: on the
						   focused item */
	int			 mouse_y, mouse_x;
	bool			 quit;
	int			 busy;		/* running jobs (form.c): the
						   loop ticks while > 0 */
	/* the live probe (live.c; never NULL after tui_new) */
	struct tui_live		*live;
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
/* Status line message (replaces the findings strip until a key). */
/* A line for the dashboard's first message (cli/main.c: the rolled-back
 * interrupted transactions); call before tui_main. */
void		 tui_start_note(const char *);
void		 tui_message(struct tui *, enum sev, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
/* Call the screens' tick functions (while t->busy); true to redraw. */
bool		 tui_tick(struct tui *);
/* How often the loop ticks while a job runs. */
#define TUI_TICK_MS	100
/* Place the hardware cursor (screen readers follow it). */
void		 tui_cursor(struct tui *, int y, int x);
/* Is the terminal too small to draw anything but the message? */
bool		 tui_too_small(void);

/* loop.c: tui_main (above), the input loop and the keys no screen takes. */
/* Feed one input code (as the loop does); false once it should quit. */
bool		 tui_input(struct tui *, int ch);

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
/* The expiry timeline (dashboard, fleet view): the column of a number of
 * days on a scale of w columns from x (logarithmic, 10 years); the scale
 * on rows y and y + 1 (labels, axis with the warn and crit marks) over
 * the w columns from x0, the timeline in sw columns from sx; one
 * certificate's bar and days left (or "expired N days ago") in avail
 * columns from sx. */
int		 draw_timeline_x(long days, int x, int w);
void		 draw_timeline_scale(struct tui *, int y, int x0, int w,
		     int sx, int sw, int warn, int crit);
void		 draw_timeline_bar(struct tui *, int y, int sx, int sw,
		     int avail, long days, enum sev, bool sel);
/* The key-hint bar for the top screen's scope, on row y. */
void		 draw_hints(struct tui *, int y, unsigned int scope);
/* Split text into lines of at most w columns (at spaces when possible);
 * returns the count, *lines freed with draw_lines_free. */
size_t		 draw_wrap(const char *text, int w, char ***lines);
/* Free an array of n malloc'd strings (draw_wrap's, fstep_line's). */
void		 draw_lines_free(char **, size_t);
/* The CN of a subject (dn_get: unescaped), or the subject (malloc'd). */
char		*draw_cn(const char *subject);
/* A list's selection and first row shown (findings, history). */
struct draw_list {
	int	sel;
	int	top;
};
/* Keep sel on one of n items and in view (vis items fit). */
void		 draw_list_clamp(struct draw_list *, int n, int vis);
/* Up, down, pages, top, bottom: move and clamp; false for other keys. */
bool		 draw_list_move(struct draw_list *, enum tui_action, int n,
		     int vis);
/* Arrows at the right edge (rows y_up, y_down) for hidden items. */
void		 draw_list_arrows(struct tui *, const struct draw_list *, int n,
		     int vis, int y_up, int y_down);

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

/* screen-fleet.c: the fleet view (hosts' reports, struct fleet taken as
 * the argument) and one host's panels from its report, read-only. */
extern const struct screen_ops screen_fleet;
extern const struct screen_ops screen_fleet_host;
int		 fleet_host_open(struct tui *, const struct host_report *,
		     int stale_hours);

/* screen-findings.c */
extern const struct screen_ops screen_findings;
/* screen-history.c: the backups, newest first; Enter restores one. */
extern const struct screen_ops screen_history;
/* Say what fixes a finding: its form, or a message box. */
void		 findings_explain(struct tui *, const struct finding *);
/* screen-msg.c: a modal message box; any key closes it. */
extern const struct screen_ops screen_msg;
int		 msg_open(struct tui *, const char *title, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));

/* loader.c: where the model comes from. */
/*
 * Build the server model for opts.  Returns 0 and *mp, or -1 with *cause
 * (then the dashboard shows an empty model and the cause).
 */
int		 tui_model_load(const struct tui_opts *, struct server_model **,
		     char **cause);
/* Make m (taken) the model: the old one is freed, model_gen counts on (the
 * live probe starts again), now follows the model.  Screens stay open. */
void		 tui_set_model(struct tui *, struct server_model *m);
/* Load the model again (tui_model_load, or an empty model and
 * load_error) and set it; after a form's write or a restore. */
void		 tui_model_reload(struct tui *);
/* r: close every screen above the dashboard, then tui_model_reload. */
void		 tui_reload(struct tui *);

/* ------------------------------------------------------------------ */
/* Forms and wizards: passwd.c, form.c, form-*.c,
 * wizard.c.  Nothing is written before the plan is confirmed; every write
 * is a core step (safe-write path, backups); the dashboard's model is
 * reloaded after. */

/* passwd.c: password entry into a buffer that is wiped (not libform). */
struct pw_entry;
struct pw_entry	*pw_new(const struct secret *prefill);
/* A key: printable appends, Backspace deletes, Ctrl-U clears; true when
 * the value changed. */
bool		 pw_key(struct pw_entry *, int ch);
/* The value as a secret view into the entry (never freed by callers). */
const struct secret *pw_secret(struct pw_entry *);
size_t		 pw_chars(const struct pw_entry *);
bool		 pw_prefilled(const struct pw_entry *);
void		 pw_clear(struct pw_entry *);
void		 pw_free(struct pw_entry *);
/* One mask glyph per character; returns the cursor column. */
int		 pw_draw(struct tui *, const struct pw_entry *, int y, int x,
		     int w, attr_t);

/* What the forms know about the server (copied from the model). */
struct form_env {
	char		*properties;
	char		*shared;	/* sharedDataPath, or NULL */
	char		*keystore;	/* the configured keystore, or where
					   a new one goes */
	char		*keystore_raw;	/* server.ssl.key-store as written */
	bool		 keystore_exists;
	enum ks_format	 format;	/* of the configured keystore */
	struct secret	*storepass;	/* from the server's settings */
	char		*storepass_from; /* where (the setting's source), or
					   NULL */
	bool		 served;	/* the material is the one served */
	bool		 reloads;	/* the server reloads its files
					   (reload-on-update) */
	enum km_role	 role;		/* the material's role */
	bool		 alias_setting;	/* a setting names its key entry */
	char		*alias;		/* key-alias, or the vendor's */
	char		*host;		/* of im.base-url, or this host */
	char		*san;		/* default SANs for a new key */
	char		*cert_san;	/* SANs of the configured key's
					   certificate, or NULL */
	int		 port;
	bool		 ssl;
	char		*base_url;
	char		*cacerts;	/* the server JRE's, or NULL */
	char		*jre_home;
	/* key materials no form may change (key_material_locked): path
	 * and why */
	char		**locked;
	char		**locked_why;
	size_t		 nlocked;
};

/* The wizards' shared values: what earlier pages chose. */
enum wiz_kind {
	WIZ_FORM = 0,		/* one form on its own */
	WIZ_SELF_SIGNED,	/* Enable HTTPS: self-signed */
	WIZ_CA_PART1,		/* Enable HTTPS: CA-signed, key + CSR */
	WIZ_CA_PART2,		/* ... import the reply, settings, trust */
	WIZ_RENEW_SELF,		/* Renew: new key, self-signed */
	WIZ_RENEW_CA1,		/* Renew: new key + CSR */
	WIZ_RENEW_CA2,		/* Renew: import the reply, switch */
	WIZ_RENEW_ACME,		/* Renew: by ACME (form-acme.c) */
	WIZ__MAX
};

struct wiz_ctx {
	enum wiz_kind	 kind;
	char		*keystore;	/* the keystore the plan writes */
	struct secret	*storepass;
	enum ks_format	 format;
	char		*alias;		/* the key entry the plan works on */
	char		*old_alias;	/* renew: the alias in use now */
	char		*san;
	bool		 ks_new;	/* an earlier step creates the file */
	bool		 entry_new;	/* ... or the entry */
	bool		 self_signed;	/* its certificate is self-signed */
};

/* A step: what a form does, run off the input loop by the runner. */
struct fstep {
	char		*title;
	char		**plan;		/* what will happen, one per line */
	size_t		 nplan;
	char		*doing;		/* progress text ("generating ...") */
	/* Runs in a worker thread: core calls only, no curses. */
	int		(*run)(struct fstep *, atomic_int *cancel,
			    char **cause);
	void		*arg;
	void		(*free_arg)(void *);
	char		**out;		/* result lines (run fills them) */
	size_t		 nout;
	char		*cause;		/* why it failed */
	int		 rc;
	bool		 ran;
	bool		 writes;	/* changes files: reload after */
	bool		 restart;	/* the server reads it at start */
	char		*confirm2;	/* why the plan is asked twice (a
					   renewal loses SANs), or NULL */
};
struct fstep	*fstep_new(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
void		 fstep_free(struct fstep *);
void		 fstep_line(char ***, size_t *, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
/* A step result's notes and backup as result lines. */
void		 fstep_notes(struct fstep *, const struct step_result *);

struct form;
/* An item's check, run as you type: NULL when there is nothing to say,
 * else a malloc'd message with *sev (SEV_CRIT blocks the form). */
typedef char	*(*form_check_fn)(struct form *, int item, enum sev *);

struct form_def {
	enum form_kind	 kind;
	const char	*title;
	const char	*about;		/* one line under the title */
	void		(*init)(struct form *);	/* add the items */
	/* the whole-form checks and the step; NULL with *cause */
	struct fstep	*(*build)(struct form *, char **cause);
	void		(*free)(struct form *);	/* form_priv, or NULL */
	/* an item that does not apply now (not checked), or NULL */
	bool		(*skip)(struct form *, int item);
};
extern const struct form_def form_genkey_def;
extern const struct form_def form_csr_def;
extern const struct form_def form_reply_def;
extern const struct form_def form_certs_def;
extern const struct form_def form_pem_def;
extern const struct form_def form_settings_def;
extern const struct form_def form_export_def;
extern const struct form_def form_trust_def;
extern const struct form_def form_acme_def;
extern const struct form_def form_convert_def;
extern const struct form_def form_pemrenew_def;

/* form_add_keystore flags */
#define FKS_CREATE	0x01	/* may be a new file (asks twice) */
#define FKS_ASK		0x02	/* ask even when a wizard chose it */
/* form_add_alias flags */
#define FKA_NEW		0x01	/* must be free (or Replace: yes) */
#define FKA_KEY		0x02	/* must be a key entry */
#define FKA_ASK		0x04	/* ask even when a wizard chose it */
#define FKA_REPLACE	0x08	/* Replace: yes to begin with */
/* form_key results */
#define FORM_K_UNHANDLED 0
#define FORM_K_HANDLED	1
#define FORM_K_SUBMIT	2
#define FORM_K_BACK	3

/* form.c */
/* The environment of forms acting on mat (NULL: the served one). */
struct form_env	*form_env_new(const struct server_model *,
		     const struct key_material *mat);
/* The key material the dashboard shows (the served one unless m chose
 * another). */
struct key_material *tui_material(const struct tui *);
void		 form_env_free(struct form_env *);
struct form	*form_new(struct tui *, const struct form_def *,
		     struct wiz_ctx *, struct form_env *);
void		 form_free(struct form *);
const struct form_def *form_def(struct form *);
void		 form_subtitle(struct form *, const char *);
void		 form_draw(struct form *);
int		 form_key(struct form *, enum tui_action, int ch);
/* All checks, then the form's step; NULL when it cannot go ahead. */
struct fstep	*form_submit(struct form *);
void		 form_focus(struct form *, int item);
void		 form_recheck(struct form *);
/* The loop's tick (wizard.c): the checks an edit made due, once the keys
 * have stopped; true when the form changed. */
bool		 form_idle(struct form *);
void		 form_status(struct form *, enum sev, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
/* Items (indices stay valid) */
int		 form_text(struct form *, const char *label, const char *value,
		     form_check_fn);
int		 form_choice(struct form *, const char *label,
		     const char *const *values, int sel, form_check_fn);
int		 form_password(struct form *, const char *label,
		     const struct secret *, form_check_fn);
int		 form_note(struct form *, const char *label, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));
const char	*form_get(struct form *, int item);
int		 form_get_choice(struct form *, int item);
const struct secret *form_get_secret(struct form *, int item);
bool		 form_get_prefilled(struct form *, int item);
void		 form_set(struct form *, int item, const char *);
size_t		 form_nitems(struct form *);
struct tui	*form_tui(struct form *);
struct form_env	*form_env(struct form *);
struct wiz_ctx	*form_ctx(struct form *);
void		*form_priv(struct form *);
void		 form_set_priv(struct form *, void *);
/* The keystore, its password and the alias a form works on. */
void		 form_add_keystore(struct form *, int flags);
void		 form_add_alias(struct form *, const char *label,
		     const char *value, int flags);
const char	*form_ks_path(struct form *);
/* Whom a new file at path is for (the server's user: server_owner_for),
 * a copy for the worker, or NULL; freed by form_owner_free. */
struct server_owner *form_owner(struct form *, const char *path);
void		 form_owner_free(struct server_owner *);
const struct secret *form_ks_pass(struct form *);
bool		 form_ks_later(struct form *);
struct keystore	*form_keystore(struct form *, const char **err);
const char	*form_alias(struct form *);
bool		 form_replace(struct form *);
/* Shared checks */
char		*form_check_file(struct form *, int, enum sev *);
char		*form_check_outfile(struct form *, int, enum sev *);
char		*form_check_certfiles(struct form *, int, enum sev *);
size_t		 form_split_files(const char *, char ***);
char		*form_dirname(const char *);
/* mkdir -p of a file's directory (the worker, before creating it). */
int		 form_mkdirs(const char *path, char **cause);

/* form helpers shared by the file forms (form-certs.c, form-pem.c,
 * form-reply.c; the others may use them too) */
/* The arguments their steps share (the rest is each form's own). */
struct form_farg {
	char		*path;		/* the keystore */
	struct secret	*pass;		/* its password (wiped) */
	char		*alias;		/* NULL: none given */
	char		**files;	/* the certificate files */
	size_t		 nfiles;
	char		*cacerts;	/* NULL: none */
	bool		 replace;
	enum ks_format	 storetype;
	struct server_owner *owner;	/* a new file's user, or NULL */
};
extern const char *const form_yn[];	/* "no", "yes": a choice item */
/* A choice of store type for a new keystore ("PKCS12", "JKS"), sel
 * preselected; form_get_storetype gives the format chosen. */
int		 form_storetype(struct form *, const char *label,
		     enum ks_format sel, form_check_fn);
enum ks_format	 form_get_storetype(struct form *, int item);
/* "alias exists (type): choose another", SEV_CRIT. */
char		*form_alias_taken(const struct ks_entry *, bool can_replace,
		     enum sev *);
/* Keystore, password, alias and cacerts (copied; NULL stays NULL), the
 * files of item; form_farg_clear frees them. */
void		 form_farg_init(struct form *, struct form_farg *, int item,
		     const char *alias, const char *cacerts);
void		 form_farg_clear(struct form_farg *);
/* A step that writes files: its argument, free function and worker. */
void		 fstep_writes(struct fstep *, void *arg, void (*)(void *),
		     int (*)(struct fstep *, atomic_int *, char **));
/* A dry run's notes as plan lines (fstep_notes: as result lines). */
void		 fstep_plan_notes(struct fstep *, const struct step_result *);
/* form_def.free when the form's own data is one allocation. */
void		 form_free_priv(struct form *);

/* wizard.c */
/* Open one form (F4..F7, a finding's fix); the finding may be NULL. */
int		 form_open(struct tui *, enum form_kind,
		     const struct finding *);
/* The name of a form ("SSL settings": its title), or NULL for
 * FORM_NONE. */
const char	*form_name(int form);
/* The chooser of F2 (Enable HTTPS), F3 (Renew) or F8 (every form). */
int		 wizard_menu(struct tui *, enum tui_action);
/* Open a wizard directly. */
int		 wizard_open(struct tui *, enum wiz_kind);
extern const struct screen_ops screen_wizard;
extern const struct screen_ops screen_menu;

/* ------------------------------------------------------------------ */
/* live.c: the live probe.  After the first paint, a
 * worker thread fetches and verifies what server.port serves
 * (probe_fetch_cancel, probe_verify with a private copy of the trust
 * store); the loop polls, and the UI thread applies the result to the
 * model (probe_compare: the live findings).  A new model (r, a form's
 * write) is probed again; quitting cancels the probe at once. */
enum live_state {
	LIVE_OFF = 0,		/* not probed: no HTTPS, --no-live (note) */
	LIVE_CLOSED,		/* nothing listens on server.port (/proc) */
	LIVE_WAITING,		/* the server reloads its changed files:
				   probed after the quiet period */
	LIVE_RUNNING,
	LIVE_DONE
};
struct live_job;
struct tui_live {
	enum live_state		 state;
	unsigned int		 model_gen;	/* the tui's model_gen it is
						   for */
	struct live_job		*job;		/* the worker, while running */
	int64_t			 started_ms;	/* monotonic */
	int64_t			 wait_until_ms;	/* LIVE_WAITING: monotonic */
	char			*wait_why;	/* LIVE_WAITING: one line */
	bool			 waited;	/* (starting after the wait) */
	int			 shown_s;	/* seconds last drawn */
	int			 port;		/* server.port */
	char			*where;		/* "localhost:8443" */
	char			*note;		/* why not probed, or NULL */
	/* LIVE_DONE: what the probe found */
	int			 match;		/* probe_compare: 1 the
						   keystore's certificate, 0
						   another, -1 nothing to
						   compare */
	enum probe_error	 error;
	char			*error_msg;
	int			 verified;	/* by the JRE's cacerts: 1, 0,
						   -1 */
	char			*protocol;
	char			*served;	/* the served leaf's subject */
	long			 elapsed_ms;
};
struct tui_live	*tui_live_new(void);
void		 tui_live_free(struct tui_live *);	/* cancels */
/* Probe t->model's server (cancelling a running probe), or note why not. */
void		 tui_live_start(struct tui *);
/* Apply a finished probe; start one for a new model; true to redraw. */
bool		 tui_live_poll(struct tui *);
/* Is a probe running (the loop then wakes every TUI_TICK_MS)? */
bool		 tui_live_busy(const struct tui *);
/* Seconds the running probe has taken so far (LIVE_WAITING: seconds
 * left to wait). */
int		 tui_live_seconds(const struct tui *);

#endif /* TLSDECK_TUI_H */

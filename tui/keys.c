/* SPDX-License-Identifier: ISC */
/*
 * keys.c -- the one key table.  The dispatcher (tui_key_action), the hint
 * bar (draw_hints) and the help screen (tui_key_help) all read it, so what
 * help says is what the keys do.
 */
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/*
 * Order matters twice: the hint bar lists hints in table order, and the
 * first binding of an action in a scope carries its help text.
 */
const struct tui_key tui_keys[] = {
	{ TK(KEY_F(1)), "F1", ACT_HELP, SCOPE_GLOBAL,
	  "this help, generated from the key table", "Help", "Help" },
	{ '?', "?", ACT_HELP, SCOPE_GLOBAL, NULL, NULL, NULL },
	{ 'm', "m", ACT_MATERIAL, SCOPE_DASH,
	  "next key material of the server (served, SNI, client trust, "
	  "queue, encryption); the settings follow (M: the previous one)",
	  "Keystores", "Stores" },
	{ 'M', "M", ACT_MATERIAL, SCOPE_DASH, NULL, NULL, NULL },

	{ TK(KEY_F(2)), "F2", ACT_WIZ_ENABLE, SCOPE_DASH,
	  "wizard: enable HTTPS (self-signed or CA-signed)",
	  "Enable HTTPS", "Enable" },
	{ TK(KEY_F(3)), "F3", ACT_WIZ_RENEW, SCOPE_DASH,
	  "wizard: renew the server certificate", "Renew", "Renew" },
	{ TK(KEY_F(4)), "F4", ACT_FORM_REPLY, SCOPE_DASH,
	  "import the CA's reply (signed certificate and chain)",
	  "Import reply", "Reply" },
	{ TK(KEY_F(5)), "F5", ACT_FORM_SETTINGS, SCOPE_DASH,
	  "edit the SSL settings in application.properties",
	  "Settings", "Settings" },
	{ TK(KEY_F(6)), "F6", ACT_FORM_EXPORT, SCOPE_DASH,
	  "export a certificate (PEM or DER)", "Export", "Export" },
	{ TK(KEY_F(7)), "F7", ACT_FORM_TRUST, SCOPE_DASH,
	  "trust the server certificate in the JRE's cacerts",
	  "Trust", "Trust" },
	{ TK(KEY_F(8)), "F8", ACT_FORMS, SCOPE_DASH,
	  "every form: key pair, CSR, imports, settings, export, trust",
	  "Forms", "Forms" },

	{ TK(KEY_F(2)), "F2", ACT_SUBMIT, SCOPE_FORM,
	  "continue: check, show the plan, then apply it (y in the plan)",
	  "Continue", "Go" },
	{ 'y', "y", ACT_SUBMIT, SCOPE_FORM, NULL, NULL, NULL },
	{ '\t', "Tab", ACT_NEXT_PANEL, SCOPE_FORM,
	  "next field", "Next", "Next" },
	{ TK(KEY_DOWN), "Down", ACT_NEXT_PANEL, SCOPE_FORM, NULL, NULL,
	  NULL },
	{ TK(KEY_BTAB), "Shift-Tab", ACT_PREV_PANEL, SCOPE_FORM,
	  "previous field", NULL, NULL },
	{ TK(KEY_UP), "Up", ACT_PREV_PANEL, SCOPE_FORM, NULL, NULL, NULL },
	{ '\r', "Enter", ACT_OPEN, SCOPE_FORM,
	  "next field; on the last field, continue", NULL, NULL },
	{ '\n', "Enter", ACT_OPEN, SCOPE_FORM, NULL, NULL, NULL },
	{ TK(KEY_ENTER), "Enter", ACT_OPEN, SCOPE_FORM, NULL, NULL, NULL },
	{ ' ', "Space", ACT_RIGHT, SCOPE_FORM,
	  "next choice of a choice field (Left: the previous one)", NULL,
	  NULL },
	{ TK(KEY_RIGHT), "Right", ACT_RIGHT, SCOPE_FORM, NULL, NULL, NULL },
	{ TK(KEY_LEFT), "Left", ACT_LEFT, SCOPE_FORM, NULL, NULL, NULL },
	{ TK_CTRL('u'), "Ctrl-U", ACT_NONE, SCOPE_FORM,
	  "clear the field", NULL, NULL },
	{ TK_ESC, "Esc", ACT_BACK, SCOPE_FORM,
	  "back: the previous page, or close (nothing is written); "
	  "cancels a running step", "Back", "Back" },

	{ '\t', "Tab", ACT_NEXT_PANEL, SCOPE_DASH,
	  "next panel", NULL, NULL },
	{ TK(KEY_BTAB), "Shift-Tab", ACT_PREV_PANEL, SCOPE_DASH,
	  "previous panel", NULL, NULL },
	{ TK(KEY_LEFT), "Left", ACT_LEFT, SCOPE_DASH,
	  "panel to the left", NULL, NULL },
	{ 'h', "h", ACT_LEFT, SCOPE_DASH, NULL, NULL, NULL },
	{ TK(KEY_RIGHT), "Right", ACT_RIGHT, SCOPE_DASH,
	  "panel to the right", NULL, NULL },
	{ 'l', "l", ACT_RIGHT, SCOPE_DASH, NULL, NULL, NULL },
	{ '/', "/", ACT_FILTER, SCOPE_DASH,
	  "filter the keystore rows (Enter keeps, Esc clears)", NULL, NULL },
	{ 'f', "f", ACT_FINDINGS, SCOPE_DASH,
	  "all findings", NULL, NULL },
	{ 'r', "r", ACT_REFRESH, SCOPE_DASH,
	  "reload the server state from disk", NULL, NULL },
	{ 'H', "H", ACT_HISTORY, SCOPE_DASH,
	  "history of changes: every backup, restore one (h is left)",
	  NULL, NULL },
	{ 'q', "q", ACT_QUIT, SCOPE_DASH, "quit", NULL, NULL },

	{ TK(KEY_UP), "Up", ACT_UP, SCOPE_DASH | SCOPE_LIST,
	  "previous row", NULL, NULL },
	{ 'k', "k", ACT_UP, SCOPE_DASH | SCOPE_LIST, NULL, NULL, NULL },
	{ TK(KEY_DOWN), "Down", ACT_DOWN, SCOPE_DASH | SCOPE_LIST,
	  "next row", NULL, NULL },
	{ 'j', "j", ACT_DOWN, SCOPE_DASH | SCOPE_LIST, NULL, NULL, NULL },
	{ TK(KEY_PPAGE), "PgUp", ACT_PGUP, SCOPE_DASH | SCOPE_LIST,
	  "page up", NULL, NULL },
	{ TK(KEY_NPAGE), "PgDn", ACT_PGDN, SCOPE_DASH | SCOPE_LIST,
	  "page down", NULL, NULL },
	{ 'g', "g", ACT_TOP, SCOPE_DASH | SCOPE_LIST, "first row", NULL,
	  NULL },
	{ TK(KEY_HOME), "Home", ACT_TOP, SCOPE_DASH | SCOPE_LIST, NULL,
	  NULL, NULL },
	{ 'G', "G", ACT_BOTTOM, SCOPE_DASH | SCOPE_LIST, "last row", NULL,
	  NULL },
	{ TK(KEY_END), "End", ACT_BOTTOM, SCOPE_DASH | SCOPE_LIST, NULL,
	  NULL, NULL },
	{ '\r', "Enter", ACT_OPEN, SCOPE_DASH | SCOPE_LIST,
	  "open: certificate detail (whole certificate and PEM), or the fix "
	  "of a finding", NULL, NULL },
	{ '\n', "Enter", ACT_OPEN, SCOPE_DASH | SCOPE_LIST, NULL, NULL, NULL },
	{ TK(KEY_ENTER), "Enter", ACT_OPEN, SCOPE_DASH | SCOPE_LIST, NULL,
	  NULL, NULL },

	{ TK_ESC, "Esc", ACT_BACK, SCOPE_LIST,
	  "back to the previous screen", "Back", "Back" },
	{ 'q', "q", ACT_BACK, SCOPE_LIST, NULL, NULL, NULL },
	{ TK(KEY_LEFT), "Left", ACT_BACK, SCOPE_LIST, NULL, NULL, NULL },
	{ 'h', "h", ACT_BACK, SCOPE_LIST, NULL, NULL, NULL },

	{ TK_ESC, "Esc", ACT_BACK, SCOPE_DASH,
	  "clear the filter", NULL, NULL },
	{ TK(KEY_MOUSE), "click", ACT_MOUSE, SCOPE_DASH | SCOPE_LIST,
	  "select (only with --mouse)", NULL, NULL },
	{ TK(KEY_F(10)), "F10", ACT_QUIT, SCOPE_GLOBAL,
	  "quit tlsdeck", "Quit", "Quit" },
	{ 0, NULL, ACT_NONE, 0, NULL, NULL, NULL }
};

/* Look a key up in the table for a scope. */
enum tui_action
tui_key_action(int key, unsigned int scope)
{
	const struct tui_key	*k;

	scope |= SCOPE_GLOBAL;
	for (k = tui_keys; k->name != NULL; k++)
		if (k->key == key && (k->scope & scope))
			return (k->action);
	return (ACT_NONE);
}

/* The first key name bound to an action in a scope. */
const char *
tui_key_name(enum tui_action a, unsigned int scope)
{
	const struct tui_key	*k;

	scope |= SCOPE_GLOBAL;
	for (k = tui_keys; k->name != NULL; k++)
		if (k->action == a && (k->scope & scope))
			return (k->name);
	return ("?");
}

/* Was the same action already bound under the same key name in scope? */
static bool
keys_named_before(const struct tui_key *k, unsigned int scope)
{
	const struct tui_key	*o;

	for (o = tui_keys; o != k; o++)
		if (o->action == k->action && (o->scope & scope) &&
		    strcmp(o->name, k->name) == 0)
			return (true);
	return (false);
}

/* Append one help section: every action of scope with all its keys. */
static void
keys_help_section(char **out, const char *title, unsigned int scope)
{
	const struct tui_key	*k, *o;
	char			*names, *tmp, *line;
	bool			 seen;

	xasprintf(&tmp, "%s%s\n", *out, title);
	free(*out);
	*out = tmp;
	for (k = tui_keys; k->name != NULL; k++) {
		if (!(k->scope & scope) || k->help == NULL)
			continue;
		/* the first help-carrying binding of this action in scope */
		seen = false;
		for (o = tui_keys; o != k; o++)
			if (o->action == k->action && (o->scope & scope) &&
			    o->help != NULL)
				seen = true;
		if (seen)
			continue;
		names = xstrdup("");
		for (o = tui_keys; o->name != NULL; o++) {
			if (o->action != k->action || !(o->scope & scope) ||
			    keys_named_before(o, scope))
				continue;	/* Enter is bound three times */
			xasprintf(&tmp, "%s%s%s", names, *names ? ", " : "",
			    o->name);
			free(names);
			names = tmp;
		}
		xasprintf(&line, "%s  %-18s %s\n", *out, names, k->help);
		free(names);
		free(*out);
		*out = line;
	}
	xasprintf(&tmp, "%s\n", *out);
	free(*out);
	*out = tmp;
}

/* The help text: every documented binding, by scope. */
char *
tui_key_help(void)
{
	char	*out = xstrdup("");

	keys_help_section(&out, "Everywhere", SCOPE_GLOBAL);
	keys_help_section(&out, "Dashboard", SCOPE_DASH);
	keys_help_section(&out, "Viewers and lists (detail, findings, help)",
	    SCOPE_LIST);
	keys_help_section(&out, "Forms and wizards (text fields take every "
	    "printable key)", SCOPE_FORM);
	return (out);
}

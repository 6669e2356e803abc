/* SPDX-License-Identifier: ISC */
/* tui.h -- the dashboard (ncurses).  Calls core; never OpenSSL or libcyaml. */
#ifndef TLSDECK_TUI_H
#define TLSDECK_TUI_H

#include "core.h"

/* Open the dashboard; argv holds the GLOBAL options.  Returns exit code. */
int	tui_main(int argc, char **argv);

#endif

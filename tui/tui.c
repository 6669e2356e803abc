/* SPDX-License-Identifier: ISC */
/* tui.c -- the dashboard.  (Placeholder until the dashboard issue.) */
#include <stdio.h>

#include <curses.h>

#include "tui.h"

int
tui_main(int argc, char **argv)
{
	fprintf(stderr, "tlsdeck: the dashboard is not built yet; "
	    "try 'tlsdeck list FILE'\n");
	return (1);
}

/* SPDX-License-Identifier: ISC */
/* output.c -- text and JSON renderings of core data. */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli.h"

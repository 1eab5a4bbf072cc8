/* SPDX-License-Identifier: MIT */
/* Shared between the files of the mseal command. */
#ifndef MSEAL_TOOL_H
#define MSEAL_TOOL_H

#include <stddef.h>

/* Exit statuses of `mseal run`, as env(1) and timeout(1) have them. */
#define EXIT_RUN_FAILED 125 /* mseal itself failed or refused */
#define EXIT_CANNOT_RUN 126 /* PROGRAM found but could not be run */
#define EXIT_NOT_FOUND 127  /* PROGRAM not found */

int cmd_run(int argc, char **argv);

/*
 * Finds libmseal-preload.so: $MSEAL_PRELOAD, else next to this program,
 * else in ../lib from it, else the LIBDIR it was built for.  Fills buf
 * with the absolute path and returns 0, or returns -errno with a message
 * for the user in buf.
 */
int tool_find_preload(char *buf, size_t size);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Shared between the files of the mseal command: the subcommands' entry
 * points and the conventions every subcommand follows (tools/tool.c):
 * usage errors as one line naming the problem, --version, and write errors
 * on stdout reported with exit status 1.
 */
#ifndef MSEAL_TOOL_H
#define MSEAL_TOOL_H

#include <getopt.h>
#include <stddef.h>

/* Usage errors, as util-linux and coreutils have them. */
#define EXIT_USAGE 2
/* Exit statuses of `mseal run`, as env(1) and timeout(1) have them. */
#define EXIT_RUN_FAILED 125 /* mseal itself failed or refused */
#define EXIT_CANNOT_RUN 126 /* PROGRAM found but could not be run */
#define EXIT_NOT_FOUND 127  /* PROGRAM not found */

int cmd_run(int argc, char **argv);
int cmd_maps(int argc, char **argv);
int cmd_system(int argc, char **argv);

/*
 * Finds libmseal-preload.so: $MSEAL_PRELOAD, else next to this program,
 * else in ../lib from it, else the LIBDIR it was built for.  Fills buf
 * with the absolute path and returns 0, or returns -errno with a message
 * for the user in buf.
 */
int tool_find_preload(char *buf, size_t size);

/*
 * "mseal: CMD: MESSAGE (see 'mseal CMD --help')" on stderr, without the
 * CMD parts when cmd is NULL; returns status (EXIT_USAGE, or
 * EXIT_RUN_FAILED for run).
 */
int tool_usage_error(const char *cmd, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The usage error for what getopt_long(3) returned as c ('?' or ':'),
 * called with opterr = 0 and an optstring that starts with ':' (or "+:").
 * Long options without a short one use a val of 256 or more.
 */
int tool_getopt_error(const char *cmd, int status, char **argv, int c,
		      const struct option *longopts);

/* Prints "mseal VERSION" and returns tool_finish_stdout()'s status. */
int tool_version(void);

/*
 * Flushes stdout: 0, or 1 after "mseal: cannot write output: ..." on
 * stderr when a write failed (a full disk, a closed pipe).
 */
int tool_finish_stdout(void);

#endif

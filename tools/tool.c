// SPDX-License-Identifier: MIT
/*
 * The conventions every mseal subcommand follows, in one place: options
 * parsed by getopt_long(3) with its own messages off (opterr = 0) so that
 * each usage error is one line that names the subcommand and the problem,
 * and output that counts as written only once stdout has been flushed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mseal.h"
#include "tool.h"

int tool_usage_error(const char *cmd, int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mseal: %s%s", cmd ? cmd : "", cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'mseal%s%s --help')\n", cmd ? " " : "",
		cmd ? cmd : "");
	return status;
}

/* Did the long option at arg (its value, if any, after '=') give val? */
static bool long_gave(const char *arg, const struct option *longopts, int val)
{
	size_t n;

	if (strncmp(arg, "--", 2) != 0)
		return false;
	arg += 2;
	n = strcspn(arg, "=");
	for (; longopts->name; longopts++)
		if (longopts->val == val &&
		    strncmp(longopts->name, arg, n) == 0)
			return true;
	return false;
}

/* How many long options begin with the name at arg ("--outp=x"). */
static int matches(const char *arg, const struct option *longopts)
{
	size_t n = strcspn(arg + 2, "=");
	int found = 0;

	for (; longopts->name; longopts++)
		found += strncmp(longopts->name, arg + 2, n) == 0;
	return found;
}

int tool_getopt_error(const char *cmd, int status, char **argv, int c,
		      const struct option *longopts)
{
	/*
	 * getopt_long leaves the letter in optopt for a short option and the
	 * option's val for a long one it recognised (0 for one it did not);
	 * after a long option optind has moved past it, inside a bundle of
	 * short ones ("-ax") it may not have.
	 */
	const char *arg = argv[optind - 1];

	if (optopt == 0 || optopt >= 256 || long_gave(arg, longopts, optopt)) {
		int n = (int)strcspn(arg, "=");

		if (c == ':')
			return tool_usage_error(cmd, status,
						"option '%.*s' needs a value",
						n, arg);
		if (optopt && arg[n] == '=')
			return tool_usage_error(cmd, status,
						"option '%.*s' takes no value",
						n, arg);
		if (!optopt && matches(arg, longopts) > 1)
			return tool_usage_error(
				cmd, status, "ambiguous option '%.*s'", n, arg);
		return tool_usage_error(cmd, status, "unknown option '%s'",
					arg);
	}
	if (c == ':')
		return tool_usage_error(cmd, status,
					"option '-%c' needs a value", optopt);
	return tool_usage_error(cmd, status, "unknown option '-%c'", optopt);
}

int tool_finish_stdout(void)
{
	/* fclose would report it too, but after the exit status is set. */
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	fprintf(stderr, "mseal: cannot write output: %s\n",
		strerror(errno ? errno : EIO));
	return 1;
}

int tool_version(void)
{
	printf("mseal %d.%d.%d\n", MSEAL_VERSION_MAJOR, MSEAL_VERSION_MINOR,
	       MSEAL_VERSION_PATCH);
	return tool_finish_stdout();
}

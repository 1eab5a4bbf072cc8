// SPDX-License-Identifier: MIT
/*
 * Start-up cost, side by side: runs each command N times, interleaved
 * (A B C A B C ...) so that drift hits all alike, and prints the median
 * and mean wall time of fork + exec + exit + wait per command, and each
 * median against the first's.  Never asserts on time.
 *
 *   startup N NAME=CMD [ARGS...] \; NAME=CMD [ARGS...] \; ...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 8

struct cmd {
	const char *name;
	char **argv;
	double *t;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double run_once(char **argv)
{
	double t0 = now();
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		fprintf(stderr, "startup: %s failed\n", argv[0]);
		exit(1);
	}
	return now() - t0;
}

int main(int argc, char **argv)
{
	struct cmd cmds[MAX_CMDS];
	int n, ncmds = 0, i, j;

	if (argc < 3 || (n = atoi(argv[1])) <= 0) {
		fprintf(stderr,
			"usage: startup N NAME=CMD [ARGS...] \\; ...\n");
		return 2;
	}
	for (i = 2; i < argc && ncmds < MAX_CMDS;) {
		char *eq = strchr(argv[i], '=');

		if (!eq)
			return 2;
		*eq = '\0';
		cmds[ncmds].name = argv[i];
		argv[i] = eq + 1;
		cmds[ncmds].argv = &argv[i];
		cmds[ncmds].t = calloc((size_t)n, sizeof(double));
		while (i < argc && strcmp(argv[i], ";"))
			i++;
		if (i < argc)
			argv[i++] = NULL;
		ncmds++;
	}
	for (j = 0; j < ncmds; j++) /* warm the page cache */
		run_once(cmds[j].argv);
	for (i = 0; i < n; i++)
		for (j = 0; j < ncmds; j++)
			cmds[j].t[i] = run_once(cmds[j].argv);
	printf("%-28s %10s %10s %10s %8s\n", "command", "median_us", "mean_us",
	       "added_us", "ratio");
	for (j = 0; j < ncmds; j++) {
		double sum = 0, med, base;

		for (i = 0; i < n; i++)
			sum += cmds[j].t[i];
		qsort(cmds[j].t, (size_t)n, sizeof(double), cmp_double);
		med = cmds[j].t[n / 2];
		base = cmds[0].t[n / 2];
		printf("%-28s %10.1f %10.1f %10.1f %8.3f\n", cmds[j].name, med,
		       sum / n, med - base, med / base);
	}
	return 0;
}

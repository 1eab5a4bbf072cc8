// SPDX-License-Identifier: MIT
/*
 * Shell tests: every test/shell/NAME.sh becomes test "sh_NAME", run by
 * sh(1) in the test's own child.  A script ending in ".once.sh" runs once;
 * any other runs once per backend with MSEAL_BACKEND set.
 *
 * A script sees MSEAL (the tool), MSEAL_BUILD (the build folder),
 * MSEAL_SRCDIR (the checkout) and a private TMPDIR.  Exit 0 passes, 77
 * skips (the last output line is the reason), anything else fails and
 * shows the script's output.
 */
#include <dirent.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "harness.h"

#define SHELL_OUT_MAX 16384

static char shell_dir[4096];

static void run_script(struct test_ctx *ctx)
{
	char path[4400], tmpl[] = "/tmp/mseal-sh-XXXXXX", out[SHELL_OUT_MAX];
	const char *script = ctx->name + 3; /* past "sh_" */
	size_t off = 0;
	int fds[2], st;
	ssize_t n;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", shell_dir, script);
	CHECK(mkdtemp(tmpl) != NULL);
	CHECK_SYS_OK(pipe(fds));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		setenv("TMPDIR", tmpl, 1);
		execl("/bin/sh", "sh", "-eu", path, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	/* Keep the tail when the output is long: the end says what failed. */
	while ((n = read(fds[0], out + off, sizeof(out) - 1 - off)) > 0) {
		off += (size_t)n;
		if (off == sizeof(out) - 1) {
			memmove(out, out + off / 2, off - off / 2);
			off -= off / 2;
		}
	}
	out[off] = '\0';
	close(fds[0]);
	CHECK(waitpid(pid, &st, 0) == pid);
	pid = fork();
	if (pid == 0) {
		execl("/bin/rm", "rm", "-rf", tmpl, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
		while (off && out[off - 1] == '\n')
			out[--off] = '\0';
		SKIP("%s", strrchr(out, '\n') ? strrchr(out, '\n') + 1 : out);
	}
	FAIL("%s: status %#x, output:\n%s", script, st, out);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

__attribute__((constructor)) static void register_shell_tests(void)
{
	const char *dir = getenv("MSEAL_SHELL_TESTS");
	char *names[256];
	size_t n = 0, len;
	struct dirent *e;
	DIR *d;

	if (!dir || !*dir || !(d = opendir(dir)))
		return;
	snprintf(shell_dir, sizeof(shell_dir), "%s", dir);
	while ((e = readdir(d)) && n < 256) {
		len = strlen(e->d_name);
		if (len > 3 && strcmp(e->d_name + len - 3, ".sh") == 0 &&
		    asprintf(&names[n], "sh_%s", e->d_name) > 0)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		len = strlen(names[i]);
		test_register(
			names[i], run_script,
			len > 8 && !strcmp(names[i] + len - 8, ".once.sh") ?
				T_ONCE :
				T_PER_BACKEND,
			NULL);
	}
}

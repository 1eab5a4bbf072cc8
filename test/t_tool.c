// SPDX-License-Identifier: MIT
/* The mseal command: probe output, exit codes and error messages. */
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "harness.h"

struct run_result {
	int status; /* exit code, or 128 + signal */
	char out[65536];
	char err[4096];
};

static const char *tool(void)
{
	const char *t = getenv("MSEAL_TOOL");

	if (!t || !*t)
		SKIP("MSEAL_TOOL is not set (run through make check)");
	return t;
}

static void slurp(int fd, char *buf, size_t size)
{
	size_t off = 0;
	ssize_t n;

	while (off < size - 1 && (n = read(fd, buf + off, size - 1 - off)) > 0)
		off += (size_t)n;
	buf[off] = '\0';
	close(fd);
}

/* Runs the tool with up to 3 arguments and MSEAL_BACKEND=env (or unset). */
static void run_tool(struct run_result *r, const char *env, const char *a1,
		     const char *a2)
{
	const char *path = tool();
	int out[2], err[2], st;
	pid_t pid;

	CHECK_SYS_OK(pipe(out));
	CHECK_SYS_OK(pipe(err));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		if (env)
			setenv("MSEAL_BACKEND", env, 1);
		else
			unsetenv("MSEAL_BACKEND");
		execl(path, "mseal", a1, a2, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	/* Outputs are small: reading one pipe to its end cannot block the
	 * tool on the other. */
	slurp(out[0], r->out, sizeof(r->out));
	slurp(err[0], r->err, sizeof(r->err));
	CHECK(waitpid(pid, &st, 0) == pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

TEST_ONCE(tool_probe_human_and_json)
{
	struct run_result r;
	struct mseal_features f;
	char want[64];

	CHECK_OK(mseal_probe(&f));
	run_tool(&r, NULL, "probe", NULL);
	CHECK(r.status == 0 && r.err[0] == '\0');
	snprintf(want, sizeof(want), "backend for MSEAL_ALL:     %s\n",
		 mseal_backend_name(f.backend));
	CHECK(strstr(r.out, want) != NULL);
	CHECK(strstr(r.out, (f.flags & MSEAL_FEAT_SYSCALL) ?
				    "mseal(2) syscall:          yes\n" :
				    "mseal(2) syscall:          no\n"));
	run_tool(&r, NULL, "probe", "--json");
	CHECK(r.status == 0);
	snprintf(want, sizeof(want), "\"mseal_syscall\":%s",
		 (f.flags & MSEAL_FEAT_SYSCALL) ? "true" : "false");
	CHECK(strstr(r.out, want) != NULL);
	snprintf(want, sizeof(want), "\"backend\":\"%s\"",
		 mseal_backend_name(f.backend));
	CHECK(strstr(r.out, want) != NULL);
	CHECK(r.out[0] == '{' && strcmp(r.out + strlen(r.out) - 2, "}\n") == 0);
}

TEST_ONCE(tool_probe_reports_env)
{
	struct run_result r;

	run_tool(&r, "seccomp", "probe", "--json");
	CHECK(r.status == 0);
	CHECK(strstr(r.out, "\"env_backend\":\"seccomp\"") != NULL);
	CHECK(strstr(r.out, prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 ?
				    "\"backend\":\"seccomp\"" :
				    "\"backend\":\"none\"") != NULL);
	/* Control: unset */
	run_tool(&r, NULL, "probe", "--json");
	CHECK(strstr(r.out, "\"env_backend\":null") != NULL);
}

TEST_ONCE(tool_invalid_backend_env_exits_1)
{
	struct run_result r;

	run_tool(&r, "bogus\"x", "probe", "--json");
	CHECK(r.status == 1);
	CHECK(strstr(r.err, "mseal: MSEAL_BACKEND='bogus\"x' is not one of "
			    "auto, native, seccomp\n") != NULL);
	/* The JSON stays valid with a quote in the value. */
	CHECK(strstr(r.out, "\"env_backend\":\"bogus\\\"x\"") != NULL);
	CHECK(strstr(r.out, "\"env_valid\":false") != NULL);
}

/* The filter the backend would install for the tool's own image. */
TEST_ONCE(tool_probe_dump_filter)
{
	struct run_result r;

	run_tool(&r, NULL, "probe", "--dump-filter");
	CHECK(r.status == 0 && !r.err[0]);
	CHECK(strncmp(r.out, "# filter 1 of ", 14) == 0);
	CHECK(strstr(r.out, "   0: ld   [4]") != NULL);
	CHECK(strstr(r.out, "ret  ERRNO(1)") != NULL);
	CHECK(strstr(r.out, "ret  ALLOW") != NULL);
}

TEST_ONCE(tool_usage_errors_exit_2)
{
	struct run_result r;
	char want[64];

	run_tool(&r, NULL, NULL, NULL);
	CHECK(r.status == 2 && strstr(r.err, "usage: mseal") && !r.out[0]);
	run_tool(&r, NULL, "frobnicate", NULL);
	CHECK(r.status == 2);
	CHECK(strstr(r.err, "mseal: unknown command 'frobnicate'\n"));
	run_tool(&r, NULL, "probe", "--bogus");
	CHECK(r.status == 2);
	CHECK(strstr(r.err, "mseal: probe: unknown option '--bogus'\n"));
	/* Controls */
	run_tool(&r, NULL, "--help", NULL);
	CHECK(r.status == 0 && strstr(r.out, "usage: mseal") && !r.err[0]);
	run_tool(&r, NULL, "--version", NULL);
	snprintf(want, sizeof(want), "mseal %d.%d.%d\n", LIBMSEAL_VERSION_MAJOR,
		 LIBMSEAL_VERSION_MINOR, LIBMSEAL_VERSION_PATCH);
	CHECK(r.status == 0 && strcmp(r.out, want) == 0);
}

TEST_ONCE(tool_write_error_exits_1)
{
	const char *path = tool();
	struct run_result r;
	int st;
	pid_t pid;
	int err[2];

	if (access("/dev/full", W_OK))
		SKIP("no /dev/full");
	CHECK_SYS_OK(pipe(err));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		if (!freopen("/dev/full", "w", stdout))
			_exit(99);
		dup2(err[1], 2);
		execl(path, "mseal", "probe", (char *)NULL);
		_exit(127);
	}
	close(err[1]);
	slurp(err[0], r.err, sizeof(r.err));
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	CHECK(strstr(r.err, "mseal: cannot write output") != NULL);
}

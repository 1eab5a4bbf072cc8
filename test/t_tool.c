// SPDX-License-Identifier: MIT
/* The mseal command: probe output, exit codes and error messages. */
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "abi.h"
#include "harness.h"

static const char *child_env;

static void set_backend_env(void)
{
	if (child_env)
		setenv("MSEAL_BACKEND", child_env, 1);
	else
		unsetenv("MSEAL_BACKEND");
}

/* The tool with up to 2 arguments and MSEAL_BACKEND=env (or unset). */
static void run_mseal(struct tool_run *r, const char *env, const char *a1,
		      const char *a2)
{
	char *argv[] = { "mseal", (char *)a1, (char *)a2, NULL };

	child_env = env;
	run_tool(r, argv, set_backend_env);
}

TEST_ONCE(tool_probe_human_and_json)
{
	struct tool_run r;
	struct mseal_features f;
	char want[64];

	CHECK_OK(mseal_probe(&f));
	run_mseal(&r, NULL, "probe", NULL);
	CHECK(r.status == 0 && r.err[0] == '\0');
	snprintf(want, sizeof(want), "backend for MSEAL_ALL:     %s\n",
		 mseal_backend_name(f.backend));
	CHECK(strstr(r.out, want) != NULL);
	CHECK(strstr(r.out, (f.flags & MSEAL_FEAT_SYSCALL) ?
				    "mseal(2) syscall:          yes\n" :
				    "mseal(2) syscall:          no\n"));
	run_mseal(&r, NULL, "probe", "--json");
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
	struct tool_run r;

	run_mseal(&r, "seccomp", "probe", "--json");
	CHECK(r.status == 0);
	CHECK(strstr(r.out, "\"env_backend\":\"seccomp\"") != NULL);
	CHECK(strstr(r.out, prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 &&
					    seal_filter_arch_known() ?
				    "\"backend\":\"seccomp\"" :
				    "\"backend\":\"none\"") != NULL);
	/* Control: unset */
	run_mseal(&r, NULL, "probe", "--json");
	CHECK(strstr(r.out, "\"env_backend\":null") != NULL);
}

TEST_ONCE(tool_invalid_backend_env_exits_1)
{
	struct tool_run r;

	run_mseal(&r, "bogus\"x", "probe", "--json");
	CHECK(r.status == 1);
	CHECK(strstr(r.err, "mseal: MSEAL_BACKEND='bogus\"x' is not one of "
			    "auto, native, seccomp\n") != NULL);
	/* The JSON stays valid with a quote in the value. */
	CHECK(strstr(r.out, "\"env_backend\":\"bogus\\\"x\"") != NULL);
	CHECK(strstr(r.out, "\"env_valid\":false") != NULL);
}

static void set_refuse_env(void)
{
	unsetenv("MSEAL_BACKEND");
	setenv("MSEAL_REFUSE", child_env, 1);
}

/* A bad MSEAL_REFUSE is named as such, and MSEAL_BACKEND stays valid. */
TEST_ONCE(tool_invalid_refuse_env_named)
{
	struct tool_run r;
	char *human[] = { "mseal", "probe", NULL };
	char *json[] = { "mseal", "probe", "--json", NULL };

	child_env = "bogus";
	run_tool(&r, human, set_refuse_env);
	CHECK(r.status == 1);
	CHECK(strstr(r.out, "MSEAL_BACKEND:             (unset)\n") != NULL);
	CHECK(strstr(r.out, "MSEAL_REFUSE:              bogus (invalid: use "
			    "io_uring, userfaultfd)\n") != NULL);
	CHECK(strcmp(r.err, "mseal: MSEAL_REFUSE='bogus' is not a "
			    "comma-separated list of io_uring, "
			    "userfaultfd\n") == 0);
	run_tool(&r, json, set_refuse_env);
	CHECK(r.status == 1);
	CHECK(strstr(r.out, "\"env_valid\":true,\"env_refuse\":\"bogus\","
			    "\"env_refuse_valid\":false") != NULL);
	/* Control: a valid list is shown, and probe succeeds. */
	child_env = "io_uring,userfaultfd";
	run_tool(&r, human, set_refuse_env);
	CHECK(r.status == 0 && !r.err[0]);
	CHECK(strstr(r.out,
		     "MSEAL_REFUSE:              io_uring,userfaultfd\n"));
	run_tool(&r, json, set_refuse_env);
	CHECK(strstr(r.out, "\"env_refuse\":\"io_uring,userfaultfd\","
			    "\"env_refuse_valid\":true") != NULL);
}

static void set_escape_envs(void)
{
	setenv("MSEAL_BACKEND", "x\033]0;t\007\xc2\x9b", 1);
	setenv("MSEAL_REFUSE", "\033[31m", 1);
}

/* Neither the report nor the message passes a value's escapes through. */
TEST_ONCE(tool_env_values_cannot_reach_the_terminal_raw)
{
	struct tool_run r;
	char *human[] = { "mseal", "probe", NULL };
	const char *p;

	run_tool(&r, human, set_escape_envs);
	CHECK(r.status == 1);
	for (p = r.out; *p; p++)
		CHECK(*p == '\n' ||
		      ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f));
	for (p = r.err; *p; p++)
		CHECK(*p == '\n' ||
		      ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f));
	CHECK(strstr(r.out, "MSEAL_BACKEND:             "
			    "x\\033]0;t\\007\\302\\233 (invalid") != NULL);
	CHECK(strstr(r.err, "MSEAL_REFUSE='\\033[31m' is not") != NULL);
	CHECK(strstr(r.err, "; MSEAL_BACKEND='x\\033]0;t\\007\\302\\233' "
			    "is not one of") != NULL);
}

/* The filter the backend would install for the tool's own image. */
TEST_ONCE(tool_probe_dump_filter)
{
	struct tool_run r;

	run_mseal(&r, NULL, "probe", "--dump-filter");
	CHECK(r.status == 0 && !r.err[0]);
	CHECK(strncmp(r.out, "# filter 1 of ", 14) == 0);
	CHECK(strstr(r.out, "   0: ld   [4]") != NULL);
	CHECK(strstr(r.out, "ret  ERRNO(1)") != NULL);
	CHECK(strstr(r.out, "ret  ALLOW") != NULL);
}

TEST_ONCE(tool_usage_errors_exit_2)
{
	struct tool_run r;
	char want[64];

	run_mseal(&r, NULL, NULL, NULL);
	CHECK(r.status == 2 && !r.out[0]);
	CHECK(!strcmp(r.err, "mseal: no command given (see 'mseal --help')\n"));
	run_mseal(&r, NULL, "frobnicate", NULL);
	CHECK(r.status == 2);
	CHECK(!strcmp(r.err, "mseal: unknown command 'frobnicate' (see 'mseal "
			     "--help')\n"));
	run_mseal(&r, NULL, "--bogus", NULL);
	CHECK(r.status == 2);
	CHECK(!strcmp(
		r.err,
		"mseal: unknown option '--bogus' (see 'mseal --help')\n"));
	run_mseal(&r, NULL, "probe", "--bogus");
	CHECK(r.status == 2);
	CHECK(!strcmp(r.err, "mseal: probe: unknown option '--bogus' (see "
			     "'mseal probe --help')\n"));
	run_mseal(&r, NULL, "probe", "-jx");
	CHECK(r.status == 2);
	CHECK(!strcmp(r.err, "mseal: probe: unknown option '-x' (see "
			     "'mseal probe --help')\n"));
	run_mseal(&r, NULL, "probe", "extra");
	CHECK(r.status == 2 && strstr(r.err, "unexpected argument 'extra'"));
	run_mseal(&r, NULL, "probe", "--json=yes");
	CHECK(r.status == 2 &&
	      strstr(r.err, "option '--json' takes no value") && !r.out[0]);
	/* Controls */
	run_mseal(&r, NULL, "--help", NULL);
	CHECK(r.status == 0 && strstr(r.out, "usage: mseal") && !r.err[0]);
	run_mseal(&r, NULL, "--version", NULL);
	snprintf(want, sizeof(want), "mseal %d.%d.%d\n", MSEAL_VERSION_MAJOR,
		 MSEAL_VERSION_MINOR, MSEAL_VERSION_PATCH);
	CHECK(r.status == 0 && strcmp(r.out, want) == 0);
}

static void stdout_to_full(void)
{
	if (!freopen("/dev/full", "w", stdout))
		_exit(99);
}

TEST_ONCE(tool_write_error_exits_1)
{
	char *argv[] = { "mseal", "probe", NULL };
	struct tool_run r;

	if (access("/dev/full", W_OK))
		SKIP("no /dev/full");
	run_tool(&r, argv, stdout_to_full);
	CHECK(r.status == 1);
	CHECK(strstr(r.err, "mseal: cannot write output") != NULL);
	/* Control: the same command to the pipe works. */
	run_tool(&r, argv, NULL);
	CHECK(r.status == 0 && r.out[0]);
}

/* Every subcommand: --help and --version on stdout, exit 0. */
TEST_ONCE(tool_help_and_version_everywhere)
{
	static const char *const cmds[] = { NULL, "probe", "run", "maps" };
	struct tool_run r;
	char want[64];
	size_t i;

	snprintf(want, sizeof(want), "mseal %d.%d.%d\n", MSEAL_VERSION_MAJOR,
		 MSEAL_VERSION_MINOR, MSEAL_VERSION_PATCH);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *c = cmds[i];

		run_mseal(&r, NULL, c ? c : "--help", c ? "--help" : NULL);
		CHECK(r.status == 0 && !r.err[0]);
		CHECK(strncmp(r.out, "usage: mseal", 12) == 0);
		run_mseal(&r, NULL, c ? c : "-h", c ? "-h" : NULL);
		CHECK(r.status == 0 && strncmp(r.out, "usage: mseal", 12) == 0);
		run_mseal(&r, NULL, c ? c : "--version",
			  c ? "--version" : NULL);
		CHECK(r.status == 0 && !r.err[0] && !strcmp(r.out, want));
		run_mseal(&r, NULL, c ? c : "-V", c ? "-V" : NULL);
		CHECK(r.status == 0 && !strcmp(r.out, want));
	}
}

/* A full disk on stdout is an error, for --help too. */
TEST_ONCE(tool_help_to_full_disk_exits_1)
{
	static const char *const cmds[] = { NULL, "probe", "run", "maps" };
	struct tool_run r;
	size_t i;

	if (access("/dev/full", W_OK))
		SKIP("no /dev/full");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char *argv[] = { "mseal",
				 (char *)(cmds[i] ? cmds[i] : "--help"),
				 cmds[i] ? "--help" : NULL, NULL };

		run_tool(&r, argv, stdout_to_full);
		CHECK(r.status == 1);
		CHECK(!strcmp(r.err, "mseal: cannot write output: No space "
				     "left on device\n"));
		argv[cmds[i] ? 2 : 1] = "--version";
		run_tool(&r, argv, stdout_to_full);
		CHECK(r.status == 1);
		/* Control: the same command to the pipe. */
		run_tool(&r, argv, NULL);
		CHECK(r.status == 0 && r.out[0]);
	}
}

TEST_ONCE(tool_probe_conflicting_options)
{
	char *argv[] = { "mseal", "probe", "--json", "--dump-filter", NULL };
	struct tool_run r;

	run_tool(&r, argv, NULL);
	CHECK(r.status == 2 && !r.out[0]);
	CHECK(!strcmp(r.err, "mseal: probe: --json and --dump-filter exclude "
			     "each other (see 'mseal probe --help')\n"));
	/* Controls: each alone, and -j for --json. */
	run_mseal(&r, NULL, "probe", "--dump-filter");
	CHECK(r.status == 0 && r.out[0] == '#');
	run_mseal(&r, NULL, "probe", "-j");
	CHECK(r.status == 0 && r.out[0] == '{');
}

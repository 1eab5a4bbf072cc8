// SPDX-License-Identifier: MIT
/*
 * mseal run: start a program with its start-up image sealed.
 *
 * The work happens in libmseal-preload.so, inside the program; this file
 * checks that the preload can reach the program (not static, not set-user-ID,
 * same ELF class and machine), puts the preload into LD_PRELOAD with the
 * settings as MSEAL_RUN_* variables, and execs the program as env(1) does,
 * so the program's exit status is ours.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "classes.h"
#include "mseal.h"
#include "tool.h"

#define PRELOAD_NAME "libmseal-preload.so"

#ifndef MSEAL_PRELOAD_DEFAULT
#define MSEAL_PRELOAD_DEFAULT "/usr/local/lib/" PRELOAD_NAME
#endif

static void run_usage(void)
{
	printf("usage: mseal run [OPTIONS] [--] PROGRAM [ARGS...]\n"
	       "\n"
	       "Runs PROGRAM with its text, read-only data and RELRO sealed.\n"
	       "\n"
	       "  --backend auto|native|seccomp  the backend (MSEAL_BACKEND)\n"
	       "  --seal LIST        what to seal: text,rodata,relro,data,stack,\n"
	       "                     system, default (text,rodata,relro) or "
	       "all\n"
	       "  --dlopen POLICY    dlopen'd objects: nodelete (default), pin, "
	       "off\n"
	       "  --report[=FILE]    print what was sealed (stderr or FILE)\n"
	       "  --json             the report as JSON Lines\n"
	       "  --dry-run          print the plan, seal nothing\n"
	       "  --no-inherit       do not seal programs PROGRAM executes\n"
	       "  --best-effort      run unsealed when sealing is impossible\n"
	       "  -h, --help         this text\n"
	       "  -V, --version      the version\n"
	       "\n"
	       "Exit status: PROGRAM's, or 125 (mseal failed), 126 (cannot "
	       "run), 127 (not found).\n"
	       "See mseal-run(1).\n");
}

__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mseal: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_RUN_FAILED;
}

static bool usable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, R_OK) == 0;
}

int tool_find_preload(char *buf, size_t size)
{
	const char *env = getenv("MSEAL_PRELOAD");
	char exe[PATH_MAX], cand[PATH_MAX + 64], real[PATH_MAX];
	ssize_t n;
	char *slash;
	int i;

	if (env && *env) {
		if (!usable_file(env) || !realpath(env, real)) {
			snprintf(buf, size, "MSEAL_PRELOAD=%s: %s", env,
				 strerror(errno ? errno : ENOENT));
			return -ENOENT;
		}
		snprintf(buf, size, "%s", real);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	for (i = 0; i < 3; i++) {
		if (i == 0 && slash)
			snprintf(cand, sizeof(cand), "%s/" PRELOAD_NAME, exe);
		else if (i == 1 && slash)
			snprintf(cand, sizeof(cand), "%s/../lib/" PRELOAD_NAME,
				 exe);
		else if (i == 2)
			snprintf(cand, sizeof(cand), "%s",
				 MSEAL_PRELOAD_DEFAULT);
		else
			continue;
		if (usable_file(cand) && realpath(cand, real)) {
			snprintf(buf, size, "%s", real);
			return 0;
		}
	}
	snprintf(buf, size,
		 "cannot find " PRELOAD_NAME " (looked next to %s, in "
		 "%s/../lib and %s; set MSEAL_PRELOAD)",
		 slash ? exe : "mseal", slash ? exe : "mseal",
		 MSEAL_PRELOAD_DEFAULT);
	return -ENOENT;
}

/* As execvp(3) looks it up; returns 0 or the exit status for the error. */
static int resolve(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH"), *p;
	bool denied = false;
	struct stat st;
	int err;

	if (strchr(name, '/')) {
		snprintf(out, size, "%s", name);
		if (stat(name, &st) == 0)
			return 0;
		err = errno;
		fail("%s: %s", name, strerror(err));
		return err == ENOENT || err == ENOTDIR ? EXIT_NOT_FOUND :
							 EXIT_CANNOT_RUN;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p++) {
		size_t n = strcspn(p, ":");

		snprintf(out, size, "%.*s%s%s", (int)n, p, n ? "/" : "", name);
		if (stat(out, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (access(out, X_OK) == 0)
				return 0;
			denied = true;
		}
		p += n;
		if (!*p)
			break;
	}
	if (denied) {
		fail("%s: %s", name, strerror(EACCES));
		return EXIT_CANNOT_RUN;
	}
	fail("%s: %s", name, "command not found");
	return EXIT_NOT_FOUND;
}

struct elf_id {
	unsigned char cls;
	unsigned short machine;
};

/* Reads the ELF header: 1 ELF, 0 not ELF, -errno unreadable. */
static int read_ehdr(int fd, Elf64_Ehdr *eh, struct elf_id *id)
{
	ssize_t n = pread(fd, eh, sizeof(*eh), 0);

	if (n < 0)
		return -errno;
	if (n < EI_NIDENT + 4 || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return 0;
	id->cls = eh->e_ident[EI_CLASS];
	id->machine = eh->e_machine; /* same offset in both classes */
	return 1;
}

static bool elf_has_interp(int fd, const Elf64_Ehdr *eh, unsigned char cls)
{
	unsigned int i, phnum;
	unsigned long off, entsize;

	if (cls == ELFCLASS64) {
		off = eh->e_phoff;
		phnum = eh->e_phnum;
		entsize = sizeof(Elf64_Phdr);
	} else {
		const Elf32_Ehdr *e32 = (const Elf32_Ehdr *)eh;

		off = e32->e_phoff;
		phnum = e32->e_phnum;
		entsize = sizeof(Elf32_Phdr);
	}
	for (i = 0; i < phnum && i < 4096; i++) {
		Elf64_Word type;

		if (pread(fd, &type, sizeof(type),
			  (off_t)(off + i * entsize)) != sizeof(type))
			return true; /* let the kernel judge a broken file */
		if (type == PT_INTERP)
			return true;
	}
	return false;
}

static const char *class_name(const struct elf_id *id)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s machine %u",
		 id->cls == ELFCLASS32 ? "32-bit" : "64-bit", id->machine);
	return buf;
}

/*
 * Refuses programs the preload cannot reach.  Returns 0 to go on, 1 to
 * run without the preload (--best-effort), or EXIT_RUN_FAILED.
 */
static int check_program(const char *path, const struct elf_id *want,
			 bool best_effort, int level)
{
	char head[256], interp[PATH_MAX];
	struct elf_id id;
	Elf64_Ehdr eh;
	struct stat st;
	const char *why = NULL;
	int fd, rc;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0; /* execve gives the error, or runs it unread */
	if (fstat(fd, &st) == 0 &&
	    (((st.st_mode & S_ISUID) && st.st_uid != getuid()) ||
	     ((st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP) &&
	      st.st_gid != getgid())))
		why = "set-user-ID or set-group-ID program: the loader ignores "
		      "LD_PRELOAD for it";
	else if (getuid() != 0 &&
		 fgetxattr(fd, "security.capability", NULL, 0) > 0)
		why = "program with file capabilities: the loader ignores "
		      "LD_PRELOAD for it";
	if (why) {
		close(fd);
		if (best_effort)
			return 1;
		fail("%s: %s, so nothing would be sealed (--best-effort runs "
		     "it unsealed)",
		     path, why);
		return EXIT_RUN_FAILED;
	}
	n = pread(fd, head, sizeof(head) - 1, 0);
	if (n >= 2 && head[0] == '#' && head[1] == '!' && level == 0) {
		size_t s, e;

		close(fd);
		head[n] = '\0';
		s = 2 + strspn(head + 2, " \t");
		e = s + strcspn(head + s, " \t\n");
		snprintf(interp, sizeof(interp), "%.*s", (int)(e - s),
			 head + s);
		return interp[0] ? check_program(interp, want, best_effort,
						 level + 1) :
				   0;
	}
	rc = read_ehdr(fd, &eh, &id);
	if (rc <= 0) {
		close(fd);
		return 0;
	}
	if (id.cls != want->cls || id.machine != want->machine) {
		char mine[64];

		close(fd);
		if (best_effort)
			return 1;
		snprintf(mine, sizeof(mine), "%s", class_name(want));
		fail("%s: a %s program, but " PRELOAD_NAME " is %s: the "
		     "loader would skip it, so nothing would be sealed",
		     path, class_name(&id), mine);
		return EXIT_RUN_FAILED;
	}
	if (!elf_has_interp(fd, &eh, id.cls)) {
		close(fd);
		if (best_effort)
			return 1;
		fail("%s: statically linked: nothing can be preloaded into it, "
		     "so nothing would be sealed (--best-effort runs it "
		     "unsealed)",
		     path);
		return EXIT_RUN_FAILED;
	}
	close(fd);
	return 0;
}

static int set_env(const char *name, const char *value)
{
	if (setenv(name, value, 1) == 0)
		return 0;
	return fail("cannot set %s: %s", name, strerror(errno));
}

enum {
	OPT_BACKEND = 256,
	OPT_SEAL,
	OPT_DLOPEN,
	OPT_REPORT,
	OPT_JSON,
	OPT_DRY_RUN,
	OPT_NO_INHERIT,
	OPT_BEST_EFFORT,
};

static const struct option run_options[] = {
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "seal", required_argument, NULL, OPT_SEAL },
	{ "dlopen", required_argument, NULL, OPT_DLOPEN },
	{ "report", optional_argument, NULL, OPT_REPORT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "no-inherit", no_argument, NULL, OPT_NO_INHERIT },
	{ "best-effort", no_argument, NULL, OPT_BEST_EFFORT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

int cmd_run(int argc, char **argv)
{
	const char *backend = NULL, *seal = NULL, *dlopen_policy = NULL;
	const char *report = NULL;
	bool json = false, dry_run = false, no_inherit = false;
	bool best_effort = false;
	char preload[PATH_MAX], prog[PATH_MAX + 256], report_abs[PATH_MAX * 2];
	struct elf_id want = { 0, 0 };
	Elf64_Ehdr eh;
	int i, rc, fd, opt;

	/* "+": the first word that is not an option is PROGRAM; what
	 * follows it is PROGRAM's. */
	while ((opt = getopt_long(argc, argv, "+:hV", run_options, NULL)) !=
	       -1) {
		const char *v = optarg;

		switch (opt) {
		case OPT_BACKEND:
			if (strcmp(v, "auto") && strcmp(v, "native") &&
			    strcmp(v, "seccomp"))
				return fail("run: unknown backend '%s' (use "
					    "auto, native or seccomp)",
					    v);
			backend = v;
			break;
		case OPT_SEAL: {
			unsigned int set;
			const char *bad;
			size_t badlen;
			char word[64];

			if (!msl_run_parse_seal(v, &set, &bad, &badlen)) {
				snprintf(word, sizeof(word), "%.*s",
					 (int)badlen, bad);
				return fail("run: unknown seal class '%s' (use "
					    "%s)",
					    word, MSL_RUN_SEAL_WORDS);
			}
			seal = v;
			break;
		}
		case OPT_DLOPEN:
			if (msl_run_parse_dlopen(v) < 0)
				return fail("run: unknown dlopen policy '%s' "
					    "(use nodelete, pin or off)",
					    v);
			dlopen_policy = v;
			break;
		case OPT_REPORT:
			report = v ? v : "stderr";
			if (!*report)
				return fail("run: --report= needs a file name");
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_DRY_RUN:
			dry_run = true;
			break;
		case OPT_NO_INHERIT:
			no_inherit = true;
			break;
		case OPT_BEST_EFFORT:
			best_effort = true;
			break;
		case 'h':
			run_usage();
			return tool_finish_stdout();
		case 'V':
			return tool_version();
		default:
			return tool_getopt_error("run", EXIT_RUN_FAILED, argv,
						 opt, run_options);
		}
	}
	i = optind;
	if (i >= argc)
		return tool_usage_error("run", EXIT_RUN_FAILED,
					"missing PROGRAM");
	if (json && !report && !dry_run)
		return tool_usage_error("run", EXIT_RUN_FAILED,
					"--json formats the report: give "
					"--report or --dry-run too");

	rc = tool_find_preload(preload, sizeof(preload));
	if (rc)
		return fail("%s", preload);
	if (strpbrk(preload, ": \t"))
		return fail("%s: LD_PRELOAD cannot hold a path with a colon or "
			    "a space (set MSEAL_PRELOAD)",
			    preload);
	fd = open(preload, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read_ehdr(fd, &eh, &want) != 1) {
		if (fd >= 0)
			close(fd);
		return fail("%s: not an ELF shared library", preload);
	}
	close(fd);

	rc = resolve(argv[i], prog, sizeof(prog));
	if (rc)
		return rc;
	rc = check_program(prog, &want, best_effort, 0);
	if (rc == EXIT_RUN_FAILED)
		return rc;
	if (rc == 0) {
		const char *old = getenv("LD_PRELOAD");
		char *value;

		if (old && *old) {
			if (asprintf(&value, "%s:%s", old, preload) < 0)
				return fail("%s", strerror(ENOMEM));
		} else {
			value = preload;
		}
		if (set_env("LD_PRELOAD", value))
			return EXIT_RUN_FAILED;
		if (value != preload)
			free(value);
	}

	if ((backend && set_env("MSEAL_BACKEND", backend)) ||
	    (seal && set_env("MSEAL_RUN_SEAL", seal)) ||
	    (dlopen_policy && set_env("MSEAL_RUN_DLOPEN", dlopen_policy)) ||
	    (dry_run && set_env("MSEAL_RUN_DRY_RUN", "1")) ||
	    (best_effort && set_env("MSEAL_RUN_BEST_EFFORT", "1")) ||
	    (no_inherit && set_env("MSEAL_RUN_INHERIT", "0")))
		return EXIT_RUN_FAILED;
	if (dry_run && !report)
		report = "stderr";
	if (report) {
		char pid[32];

		if (strcmp(report, "stderr") && strcmp(report, "-")) {
			/* Absolute: the program may change directory. */
			if (report[0] != '/') {
				char cwd[PATH_MAX];

				if (!getcwd(cwd, sizeof(cwd)))
					return fail("cannot get the current "
						    "directory: %s",
						    strerror(errno));
				snprintf(report_abs, sizeof(report_abs),
					 "%s/%s", cwd, report);
				report = report_abs;
			}
			fd = open(report,
				  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				  0644);
			if (fd < 0)
				return fail("cannot open report file %s: %s",
					    report, strerror(errno));
			close(fd);
		}
		snprintf(pid, sizeof(pid), "%ld", (long)getpid());
		if (set_env("MSEAL_RUN_REPORT", report) ||
		    set_env("MSEAL_RUN_REPORT_PID", pid) ||
		    set_env("MSEAL_RUN_REPORT_FORMAT", json ? "json" : "text"))
			return EXIT_RUN_FAILED;
	}

	fflush(NULL);
	execv(prog, argv + i);
	rc = errno;
	fail("%s: %s", argv[i], strerror(rc));
	return rc == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
}

// SPDX-License-Identifier: MIT
/*
 * mseal - the libmseal command.  This release has one subcommand, probe,
 * which prints what this kernel and process can seal.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mseal.h"

#define EXIT_USAGE 2

static void usage(FILE *f)
{
	fprintf(f, "usage: mseal probe [--json]\n"
		   "       mseal --help | --version\n"
		   "\n"
		   "  probe    print what this kernel and process can seal\n"
		   "\n"
		   "See mseal(1).\n");
}

static const char *yes_no(unsigned int flags, unsigned int bit)
{
	return (flags & bit) ? "yes" : "no";
}

static const char *json_bool(unsigned int flags, unsigned int bit)
{
	return (flags & bit) ? "true" : "false";
}

static void print_human(const struct mseal_features *f, const char *env,
			bool env_ok)
{
	printf("mseal(2) syscall:          %s\n",
	       yes_no(f->flags, MSEAL_FEAT_SYSCALL));
	printf("seccomp filters:           %s\n",
	       yes_no(f->flags, MSEAL_FEAT_SECCOMP));
	printf("  TSYNC_ESRCH flag:        %s\n",
	       yes_no(f->flags, MSEAL_FEAT_TSYNC_ESRCH));
	printf("  SPEC_ALLOW flag:         %s\n",
	       yes_no(f->flags, MSEAL_FEAT_SPEC_ALLOW));
	printf("seccomp backend built:     %s\n",
	       yes_no(f->flags, MSEAL_FEAT_SECCOMP_BACKEND));
	printf("system mappings sealed:    %s\n",
	       yes_no(f->flags, MSEAL_FEAT_SYSTEM_SEALED));
	printf("no_new_privs:              %s\n",
	       yes_no(f->flags, MSEAL_FEAT_NO_NEW_PRIVS));
	printf("CAP_SYS_ADMIN:             %s\n",
	       yes_no(f->flags, MSEAL_FEAT_CAP_SYS_ADMIN));
	printf("MSEAL_BACKEND:             %s%s\n", env ? env : "(unset)",
	       env_ok ? "" : " (invalid: use auto, native or seccomp)");
	printf("backend for MSEAL_ALL:     %s\n",
	       mseal_backend_name(f->backend));
	printf("backend for class subsets: %s\n",
	       mseal_backend_name(f->subset_backend));
}

static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_json(const struct mseal_features *f, const char *env,
		       bool env_ok)
{
	printf("{\"mseal_syscall\":%s,",
	       json_bool(f->flags, MSEAL_FEAT_SYSCALL));
	printf("\"seccomp\":%s,", json_bool(f->flags, MSEAL_FEAT_SECCOMP));
	printf("\"seccomp_tsync_esrch\":%s,",
	       json_bool(f->flags, MSEAL_FEAT_TSYNC_ESRCH));
	printf("\"seccomp_spec_allow\":%s,",
	       json_bool(f->flags, MSEAL_FEAT_SPEC_ALLOW));
	printf("\"seccomp_backend_built\":%s,",
	       json_bool(f->flags, MSEAL_FEAT_SECCOMP_BACKEND));
	printf("\"system_mappings_sealed\":%s,",
	       json_bool(f->flags, MSEAL_FEAT_SYSTEM_SEALED));
	printf("\"no_new_privs\":%s,",
	       json_bool(f->flags, MSEAL_FEAT_NO_NEW_PRIVS));
	printf("\"cap_sys_admin\":%s,",
	       json_bool(f->flags, MSEAL_FEAT_CAP_SYS_ADMIN));
	printf("\"env_backend\":");
	if (env)
		print_json_string(env);
	else
		printf("null");
	printf(",\"env_valid\":%s,", env_ok ? "true" : "false");
	printf("\"backend\":\"%s\",", mseal_backend_name(f->backend));
	printf("\"subset_backend\":\"%s\"}\n",
	       mseal_backend_name(f->subset_backend));
}

static int cmd_probe(int argc, char **argv)
{
	struct mseal_features f;
	/* As the library reads it: ignored in a setuid/setgid run. */
	const char *env = secure_getenv("MSEAL_BACKEND");
	bool json = false;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "mseal: probe: unknown option '%s'\n",
				argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	rc = mseal_probe(&f);
	if (rc && rc != -EINVAL) {
		fprintf(stderr, "mseal: probe failed: %s\n", strerror(-rc));
		return 1;
	}
	if (json)
		print_json(&f, env, rc == 0);
	else
		print_human(&f, env, rc == 0);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "mseal: cannot write output: %s\n",
			strerror(errno));
		return 1;
	}
	if (rc) {
		fprintf(stderr,
			"mseal: MSEAL_BACKEND='%s' is not one of auto, native, seccomp\n",
			env ? env : "");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("mseal %d.%d.%d\n", LIBMSEAL_VERSION_MAJOR,
		       LIBMSEAL_VERSION_MINOR, LIBMSEAL_VERSION_PATCH);
		return 0;
	}
	if (strcmp(argv[1], "probe") == 0)
		return cmd_probe(argc - 1, argv + 1);
	fprintf(stderr, "mseal: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}

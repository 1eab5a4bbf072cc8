// SPDX-License-Identifier: MIT
/*
 * mseal - the libmseal command: `probe` prints what this kernel and process
 * can seal, `run` (run.c) starts a program with its image sealed, `maps`
 * (maps.c) shows which mappings of a process are sealed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classes.h"
#include "mseal.h"
#include "bpf_dump.h"
#include "filter.h"
#include "internal.h"
#include "tool.h"

static void usage(void)
{
	printf("usage: mseal probe [--json | --dump-filter]\n"
	       "       mseal run [OPTIONS] [--] PROGRAM [ARGS...]\n"
	       "       mseal maps [OPTIONS] PID... | --all | --self\n"
	       "       mseal system enable | disable | status [...]\n"
	       "       mseal COMMAND --help | --version\n"
	       "       mseal --help | --version\n"
	       "\n"
	       "  probe    print what this kernel and process can seal\n"
	       "  run      run PROGRAM with its start-up image sealed\n"
	       "  maps     show which mappings of a process are sealed\n"
	       "  system   seal every program of a system at start-up\n"
	       "\n"
	       "See mseal(1).\n");
}

/* One row per feature bit: the human label and the JSON key. */
static const struct {
	unsigned int bit;
	const char *label;
	const char *key;
} feature_rows[] = {
	{ MSEAL_FEAT_SYSCALL, "mseal(2) syscall:", "mseal_syscall" },
	{ MSEAL_FEAT_SEAL_TYPES, "  seal types:", "seal_types" },
	{ MSEAL_FEAT_PROT_SEAL, "  PROT_SEAL:", "prot_seal" },
	{ MSEAL_FEAT_SECCOMP, "seccomp filters:", "seccomp" },
	{ MSEAL_FEAT_TSYNC_ESRCH,
	  "  TSYNC_ESRCH flag:", "seccomp_tsync_esrch" },
	{ MSEAL_FEAT_SPEC_ALLOW, "  SPEC_ALLOW flag:", "seccomp_spec_allow" },
	{ MSEAL_FEAT_SECCOMP_BACKEND,
	  "seccomp backend built:", "seccomp_backend_built" },
	{ MSEAL_FEAT_SYSTEM_SEALED,
	  "system mappings sealed:", "system_mappings_sealed" },
	{ MSEAL_FEAT_NO_NEW_PRIVS, "no_new_privs:", "no_new_privs" },
	{ MSEAL_FEAT_CAP_SYS_ADMIN, "CAP_SYS_ADMIN:", "cap_sys_admin" },
};

#define NROWS (sizeof(feature_rows) / sizeof(feature_rows[0]))

/* What `mseal run` would do here, from the same settings it reads. */
struct run_info {
	const char *backend;
	char seal[128];
	const char *dlopen;
	char preload[4096];
	bool preload_found;
};

static void get_run_info(const struct mseal_features *f, struct run_info *r)
{
	const char *v = getenv("MSEAL_RUN_SEAL"), *bad;
	unsigned int set = MSL_RUN_DEFAULT;
	size_t badlen, used = 0;
	int k, policy;

	r->backend = mseal_backend_name(f->backend);
	if (v && *v && !msl_run_parse_seal(v, &set, &bad, &badlen))
		set = 0;
	r->seal[0] = '\0';
	for (k = 0; k < MSL_RUN_NKINDS; k++)
		if (set & MSL_RUN_BIT(k))
			used += (size_t)snprintf(
				r->seal + used, sizeof(r->seal) - used, "%s%s",
				used ? "," : "", msl_run_kind_names[k]);
	if (!set)
		snprintf(r->seal, sizeof(r->seal), "(invalid MSEAL_RUN_SEAL)");
	v = getenv("MSEAL_RUN_DLOPEN");
	policy = v && *v ? msl_run_parse_dlopen(v) : MSL_DLOPEN_NODELETE;
	r->dlopen = policy < 0 ? "(invalid MSEAL_RUN_DLOPEN)" :
				 msl_run_dlopen_names[policy];
	r->preload_found =
		tool_find_preload(r->preload, sizeof(r->preload)) == 0;
}

/* The variables the library reads, as it reads them (see NOTES). */
struct env_info {
	const char *backend, *refuse;
	bool backend_ok, refuse_ok;
};

/* A variable's value for a terminal, escaped as in mseal maps' table. */
static void print_env_value(const char *v)
{
	const unsigned char *s = (const unsigned char *)v;
	char step[MSL_ESCAPE_MAX];

	if (!v) {
		fputs("(unset)", stdout);
		return;
	}
	while (*s) {
		s += msl_escape_step(s, MSL_ESCAPE_TEXT, step);
		fputs(step, stdout);
	}
}

static void print_human(const struct mseal_features *f,
			const struct env_info *e)
{
	struct run_info r;
	size_t i;

	for (i = 0; i < NROWS; i++)
		printf("%-27s%s\n", feature_rows[i].label,
		       (f->flags & feature_rows[i].bit) ? "yes" : "no");
	printf("%-27s", "MSEAL_BACKEND:");
	print_env_value(e->backend);
	printf("%s\n",
	       e->backend_ok ? "" : " (invalid: use auto, native or seccomp)");
	printf("%-27s", "MSEAL_REFUSE:");
	print_env_value(e->refuse);
	printf("%s\n",
	       e->refuse_ok ? "" : " (invalid: use io_uring, userfaultfd)");
	printf("%-27s%s\n",
	       "backend for MSEAL_ALL:", mseal_backend_name(f->backend));
	printf("%-27s%s\n", "backend for class subsets:",
	       mseal_backend_name(f->subset_backend));
	get_run_info(f, &r);
	printf("%-27s%s%s\n", "mseal run backend:", r.backend,
	       f->backend == MSEAL_BACKEND_NONE ? " (mseal run would fail)" :
						  "");
	printf("%-27s%s\n", "mseal run seals:", r.seal);
	printf("%-27s%s\n", "mseal run dlopen policy:", r.dlopen);
	printf("%-27s%s\n", "mseal run preload:",
	       r.preload_found ? r.preload : "(not found)");
}

/* As mseal maps writes JSON strings (src/utf8.c). */
static void print_json_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char step[MSL_ESCAPE_MAX];

	putchar('"');
	while (*s) {
		s += msl_escape_step(s, MSL_ESCAPE_JSON, step);
		fputs(step, stdout);
	}
	putchar('"');
}

static void print_json(const struct mseal_features *f, const struct env_info *e)
{
	struct run_info r;
	size_t i;

	putchar('{');
	for (i = 0; i < NROWS; i++)
		printf("\"%s\":%s,", feature_rows[i].key,
		       (f->flags & feature_rows[i].bit) ? "true" : "false");
	printf("\"env_backend\":");
	if (e->backend)
		print_json_string(e->backend);
	else
		printf("null");
	printf(",\"env_valid\":%s,", e->backend_ok ? "true" : "false");
	printf("\"env_refuse\":");
	if (e->refuse)
		print_json_string(e->refuse);
	else
		printf("null");
	printf(",\"env_refuse_valid\":%s,", e->refuse_ok ? "true" : "false");
	printf("\"backend\":\"%s\",", mseal_backend_name(f->backend));
	printf("\"subset_backend\":\"%s\",",
	       mseal_backend_name(f->subset_backend));
	get_run_info(f, &r);
	printf("\"run_backend\":\"%s\",\"run_seal\":", r.backend);
	print_json_string(r.seal);
	printf(",\"run_dlopen\":");
	print_json_string(r.dlopen);
	printf(",\"run_preload\":");
	if (r.preload_found)
		print_json_string(r.preload);
	else
		printf("null");
	printf("}\n");
}

/* The read-only file mappings of this process: its program and libraries. */
struct ro_spans {
	struct mseal_span s[512];
	size_t n;
};

static int ro_span_fn(const struct msl_vma *v, void *arg)
{
	struct ro_spans *r = arg;

	if (!msl_vma_is_real(v) || (v->flags & MSL_VMA_WRITE) || !v->inode ||
	    r->n == sizeof(r->s) / sizeof(r->s[0]))
		return 0;
	r->s[r->n++] =
		(struct mseal_span){ (void *)v->start, v->end - v->start };
	return 0;
}

/*
 * --dump-filter: the seccomp filter(s) that sealing this process's
 * read-only file mappings with MSEAL_ALL would install, disassembled.
 * Nothing is installed.
 */
static int dump_filter(void)
{
	static struct sock_filter prog[MSL_FILTER_MAX_INSNS];
	static struct ro_spans r;
	size_t k = 0, nfilters = 0;
	int len;

	if (msl_maps_read("/proc/self/maps", ro_span_fn, &r) < 0) {
		fprintf(stderr, "mseal: probe: cannot read /proc/self/maps\n");
		return 1;
	}
	do {
		len = msl_seccomp_preview(r.s, r.n, MSEAL_ALL, k, prog,
					  &nfilters);
		if (len < 0) {
			fprintf(stderr, "mseal: probe: cannot compile: %s\n",
				strerror(-len));
			return 1;
		}
		if (len == 0)
			break;
		printf("# filter %zu of %zu for %zu read-only mappings of "
		       "this process (MSEAL_ALL): %d instructions, %zu "
		       "after conversion to eBPF\n",
		       k + 1, nfilters, r.n, len,
		       msl_filter_ebpf_len(prog, (size_t)len));
		msl_bpf_dump(stdout, prog, (size_t)len);
	} while (++k < nfilters);
	return 0;
}

static void probe_usage(void)
{
	printf("usage: mseal probe [--json | --dump-filter]\n"
	       "\n"
	       "Prints what this kernel and process can seal.\n"
	       "\n"
	       "  -j, --json         JSON output\n"
	       "      --dump-filter  the seccomp filter MSEAL_ALL would install\n"
	       "                     on this process's read-only file mappings\n"
	       "  -h, --help         this text\n"
	       "  -V, --version      the version\n"
	       "\n"
	       "See mseal-probe(1).\n");
}

enum { OPT_DUMP_FILTER = 256 };

static const struct option probe_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "dump-filter", no_argument, NULL, OPT_DUMP_FILTER },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int cmd_probe(int argc, char **argv)
{
	struct mseal_features f;
	const struct msl_config *c;
	/* As the library reads them: ignored in a setuid/setgid run. */
	struct env_info e = { secure_getenv("MSEAL_BACKEND"),
			      secure_getenv("MSEAL_REFUSE"), true, true };
	bool json = false, dump = false;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, ":jhV", probe_options, NULL)) !=
	       -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case OPT_DUMP_FILTER:
			dump = true;
			break;
		case 'h':
			probe_usage();
			return tool_finish_stdout();
		case 'V':
			return tool_version();
		default:
			return tool_getopt_error("probe", EXIT_USAGE, argv, opt,
						 probe_options);
		}
	}
	if (optind < argc)
		return tool_usage_error("probe", EXIT_USAGE,
					"unexpected argument '%s'",
					argv[optind]);
	if (json && dump)
		return tool_usage_error("probe", EXIT_USAGE,
					"--json and --dump-filter exclude "
					"each other");
	if (dump) {
		rc = dump_filter();
		return rc ? rc : tool_finish_stdout();
	}
	rc = mseal_probe(&f);
	if (rc && rc != -EINVAL) {
		fprintf(stderr, "mseal: probe failed: %s\n", strerror(-rc));
		return 1;
	}
	c = msl_config();
	e.backend_ok = !c->env_backend_invalid;
	e.refuse_ok = !c->env_refuse_invalid;
	if (json)
		print_json(&f, &e);
	else
		print_human(&f, &e);
	if (tool_finish_stdout())
		return 1;
	if (rc) {
		fprintf(stderr, "mseal: %s\n", msl_env_error());
		return 1;
	}
	return 0;
}

static const struct option main_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

int main(int argc, char **argv)
{
	int opt;

	opterr = 0;
	/* "+": the options before the command are mseal's own. */
	while ((opt = getopt_long(argc, argv, "+:hV", main_options, NULL)) !=
	       -1) {
		switch (opt) {
		case 'h':
			usage();
			return tool_finish_stdout();
		case 'V':
			return tool_version();
		default:
			return tool_getopt_error(NULL, EXIT_USAGE, argv, opt,
						 main_options);
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "mseal: no command given (see 'mseal "
				"--help')\n");
		return EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	/* Each command parses its own options from argv[1] on. */
	optind = 0;
	if (strcmp(argv[0], "probe") == 0)
		return cmd_probe(argc, argv);
	if (strcmp(argv[0], "run") == 0)
		return cmd_run(argc, argv);
	if (strcmp(argv[0], "maps") == 0)
		return cmd_maps(argc, argv);
	if (strcmp(argv[0], "system") == 0)
		return cmd_system(argc, argv);
	fprintf(stderr, "mseal: unknown command '%s' (see 'mseal --help')\n",
		argv[0]);
	return EXIT_USAGE;
}

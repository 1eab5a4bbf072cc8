// SPDX-License-Identifier: MIT
/*
 * mseal maps: which mappings of a process are sealed.
 *
 * The kernel's only answer is the "sl" flag on the VmFlags line of
 * /proc/PID/smaps (smaps_rollup has no VmFlags), so each process costs one
 * read of its smaps, which makes the kernel walk every mapping's page
 * tables.  That walk dominates: the text is read in large chunks and fed to
 * libmseal's streaming parser, so the tool adds little to what `cat` of the
 * same files costs (bench/maps.sh measures it).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "maps.h"
#include "record.h"
#include "tool.h"

static void maps_usage(void)
{
	printf("usage: mseal maps [OPTIONS] PID...\n"
	       "       mseal maps [OPTIONS] --all | --self | --command NAME\n"
	       "\n"
	       "Shows which mappings of a process are sealed.\n"
	       "\n"
	       "  -a, --all              every process this user may read\n"
	       "      --self             the mseal process itself\n"
	       "  -c, --command NAME     the processes named NAME (as in\n"
	       "                         /proc/PID/comm; may be repeated)\n"
	       "  -s, --summary          one summary line per process\n"
	       "  -J, --json             JSON output\n"
	       "      --csv              CSV output (RFC 4180 quoting)\n"
	       "      --format FORMAT    table (default), json, csv or "
	       "prometheus\n"
	       "      --output-file PATH write to PATH.tmp, then rename it to "
	       "PATH\n"
	       "  -o, --output LIST      the table's columns: PID, COMMAND, "
	       "START,\n"
	       "                         END, SIZE, PERM, SEALED, CLASS, "
	       "OFFSET,\n"
	       "                         INODE, PATH\n"
	       "  -n, --noheadings       no heading line\n"
	       "  -r, --raw              fields separated by one space\n"
	       "  -b, --bytes            SIZE in bytes\n"
	       "      --color[=WHEN]     auto (default), always or never\n"
	       "      --check[=LIST]     exit 3 unless the classes in LIST are\n"
	       "                         fully sealed (default: text; image,\n"
	       "                         all or text,rodata,relro,writable,jit,\n"
	       "                         no-access,system)\n"
	       "      --strict           exit 1 when a process cannot be read\n"
	       "  -h, --help             this text\n"
	       "  -V, --version          the version\n"
	       "\n"
	       "See mseal-maps(1).\n");
}

/* A PID: decimal digits only, 1 to INT_MAX. */
static bool parse_pid(const char *s, pid_t *out)
{
	long long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return false;
	}
	if (v == 0)
		return false;
	*out = (pid_t)v;
	return true;
}

static bool grow(void **buf, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 64;
	void *nb;

	if (need <= *cap)
		return true;
	while (ncap < need)
		ncap *= 2;
	nb = realloc(*buf, ncap * elem);
	if (!nb)
		return false;
	*buf = nb;
	*cap = ncap;
	return true;
}

static int add_row(const struct msl_vma *v, void *arg)
{
	struct maps_proc *p = arg;
	struct maps_row *r;
	size_t len;

	if (!grow((void **)&p->rows, &p->rows_cap, p->nrows + 1, sizeof(*r))) {
		p->no_memory = true;
		return 1;
	}
	r = &p->rows[p->nrows++];
	r->start = v->start;
	r->end = v->end;
	r->offset = v->offset;
	r->inode = v->inode;
	r->flags = v->flags;
	/* The seal types of kernel/patches (sb sp sz sk sg); "sl" alone is
	 * the plain seal of every other kernel. */
	r->seals = (v->flags & MSL_VMA_SEALED) ? (v->seals ?: MSEAL_ALL) : 0;
	r->by_record = false;
	r->cls = maps_classify(v);
	r->path = 0; /* paths[0] is always "" */
	if (!p->keep_paths || !v->path[0])
		return 0;
	/* A library shows up four or five times in a row: store it once. */
	if (p->last_path && strcmp(p->paths + p->last_path, v->path) == 0) {
		r->path = p->last_path;
		return 0;
	}
	len = strlen(v->path) + 1;
	if (!grow((void **)&p->paths, &p->paths_cap, p->paths_len + len, 1)) {
		p->no_memory = true;
		return 1;
	}
	p->paths[0] = '\0';
	memcpy(p->paths + p->paths_len, v->path, len);
	r->path = p->last_path = p->paths_len;
	p->paths_len += len;
	return 0;
}

/* The kernel's text for a process that is gone, or going. */
static bool is_gone(int err)
{
	return err == ENOENT || err == ESRCH;
}

/* /proc/PID/comm without its newline; "" when it cannot be read. */
static int read_comm(pid_t pid, char *out, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, out, size - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	out[n] = '\0';
	if (n > 0 && out[n - 1] == '\n')
		out[n - 1] = '\0';
	return 0;
}

/*
 * Reads /proc/PID/smaps into p.  Returns 0, or -errno: -ENOENT/-ESRCH when
 * the process is gone, -EACCES/-EPERM when this user may not read it,
 * -EPROTO for text that does not parse, -ENOMEM.
 */
static int read_process(pid_t pid, struct maps_proc *p)
{
	/* Large reads: each read(2) of smaps makes the kernel find its place
	 * in the mapping tree again. */
	static char buf[128 * 1024];
	static struct msl_maps_parser parser;
	char path[64];
	int rc = 0, i;

	p->pid = pid;
	p->nrows = 0;
	p->paths_len = 1;
	p->last_path = 0;
	p->no_memory = false;
	for (i = 0; i < NCLASS; i++)
		p->total[i] = p->sealed[i] = 0;
	rc = read_comm(pid, p->comm, sizeof(p->comm));
	if (rc && is_gone(-rc))
		return rc;
	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	rc = msl_maps_read_with(path, add_row, p, &parser, buf, sizeof(buf));
	if (p->no_memory)
		return -ENOMEM;
	return rc > 0 ? 0 : rc;
}

/*
 * --self: seals this process's own libmseal knows of.  With the seccomp
 * backend those live in the library, not in smaps; with the native one
 * mseal_query() reads the same sl flag, so nothing changes.
 */
static void add_library_view(struct maps_proc *p)
{
	size_t i;

	for (i = 0; i < p->nrows; i++) {
		struct maps_row *r = &p->rows[i];
		unsigned int classes;

		if (r->cls != CLASS_VSYSCALL &&
		    mseal_query((void *)r->start, r->end - r->start,
				&classes) == 0)
			r->seals |= classes;
	}
}

/*
 * Seccomp seals: what the process's record claims (src/record.c), applied
 * to the rows it covers whole.  A record the kernel contradicts, or that
 * is not one, changes no row; its state is shown instead.
 */
static void add_record_view(struct maps_proc *p)
{
	struct msl_record rec;
	size_t i, j;

	p->record = msl_record_read(p->pid, &rec, &p->kernel_filters);
	p->record_ranges = 0;
	p->record_filters = 0;
	if (p->record != MSL_RECORD_OK)
		return;
	p->record_ranges = rec.n;
	p->record_filters = rec.filters;
	for (i = 0; i < p->nrows; i++) {
		struct maps_row *r = &p->rows[i];
		unsigned int all = MSEAL_ALL;
		uintptr_t pos = r->start;

		/* The classes on every byte: a sweep over the ranges. */
		while (pos < r->end && all) {
			unsigned int c = 0;
			uintptr_t next = r->end;

			for (j = 0; j < rec.n; j++) {
				if (rec.r[j].start <= pos &&
				    rec.r[j].end > pos) {
					c |= rec.r[j].classes;
					if (rec.r[j].end < next)
						next = rec.r[j].end;
				} else if (rec.r[j].start > pos &&
					   rec.r[j].start < next) {
					next = rec.r[j].start;
				}
			}
			all &= c;
			pos = next;
		}
		if (all && r->cls != CLASS_VSYSCALL &&
		    (r->seals | all) != r->seals) {
			r->seals |= all;
			r->by_record = true;
		}
	}
	msl_record_free(&rec);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Every process in /proc, in PID order. */
static int list_processes(pid_t **out, size_t *n)
{
	size_t cap = 0;
	struct dirent *e;
	DIR *d = opendir("/proc");

	*out = NULL;
	*n = 0;
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		pid_t pid;

		if (!parse_pid(e->d_name, &pid))
			continue;
		if (!grow((void **)out, &cap, *n + 1, sizeof(**out))) {
			closedir(d);
			free(*out);
			*out = NULL;
			return -ENOMEM;
		}
		(*out)[(*n)++] = pid;
	}
	closedir(d);
	qsort(*out, *n, sizeof(**out), cmp_pid);
	return 0;
}

static bool want_color(const char *when, bool *color)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (strcmp(when, "always") == 0)
		*color = true;
	else if (strcmp(when, "never") == 0)
		*color = false;
	else if (strcmp(when, "auto") == 0)
		*color = isatty(STDOUT_FILENO) && !(nc && *nc) &&
			 !(term && strcmp(term, "dumb") == 0);
	else
		return false;
	return true;
}

static bool record_failure(struct maps_failure **fail, size_t *n, size_t *cap,
			   const struct maps_proc *p, int err)
{
	if (!grow((void **)fail, cap, *n + 1, sizeof(**fail)))
		return false;
	(*fail)[*n].pid = p->pid;
	(*fail)[*n].err = err;
	memcpy((*fail)[*n].comm, p->comm, sizeof(p->comm));
	(*n)++;
	return true;
}

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* One line on stderr, exit status 2. */
static int usage_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tool_usage_error("maps", EXIT_USAGE, "%s", msg);
}

/* What the command line asks beside the writers' options. */
struct maps_args {
	pid_t *pids;
	size_t npids;
	const char **names; /* --command */
	size_t nnames;
	bool strict;
	const char *output_file;
};

enum {
	OPT_SELF = 256,
	OPT_CSV,
	OPT_FORMAT,
	OPT_OUTPUT_FILE,
	OPT_COLOR,
	OPT_CHECK,
	OPT_STRICT,
};

static const struct option maps_options[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "self", no_argument, NULL, OPT_SELF },
	{ "command", required_argument, NULL, 'c' },
	{ "summary", no_argument, NULL, 's' },
	{ "json", no_argument, NULL, 'J' },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "output-file", required_argument, NULL, OPT_OUTPUT_FILE },
	{ "output", required_argument, NULL, 'o' },
	{ "noheadings", no_argument, NULL, 'n' },
	{ "raw", no_argument, NULL, 'r' },
	{ "bytes", no_argument, NULL, 'b' },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "check", optional_argument, NULL, OPT_CHECK },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char *const format_names[] = {
	[FORMAT_TABLE] = "table",
	[FORMAT_JSON] = "json",
	[FORMAT_CSV] = "csv",
	[FORMAT_PROMETHEUS] = "prometheus",
};

/* The option that chose the format first; a different choice conflicts. */
static int set_format(struct maps_opts *o, const char **by, const char *opt,
		      enum maps_format f)
{
	if (*by && o->format != f)
		return usage_error("%s and %s exclude each other", *by, opt);
	*by = opt;
	o->format = f;
	return 0;
}

/* The columns of the table when -n or --raw come without -o. */
static const unsigned char default_columns[] = {
	COL_PID,  COL_COMMAND, COL_START, COL_END,  COL_SIZE,
	COL_PERM, COL_SEALED,  COL_CLASS, COL_PATH,
};

/*
 * Fills o and a from the command line.  Returns 0, EXIT_USAGE after its
 * one line on stderr, or -1 with the exit status in *status when --help or
 * --version was answered.
 */
static int parse_args(int argc, char **argv, struct maps_opts *o,
		      struct maps_args *a, int *status)
{
	const char *color = "auto", *format_by = NULL, *table_by = NULL;
	const char *bad;
	size_t badlen;
	int opt, n, rc;
	size_t i;

	while ((opt = getopt_long(argc, argv, ":ac:sJo:nrbhV", maps_options,
				  NULL)) != -1) {
		rc = 0;
		switch (opt) {
		case 'a':
			o->all = true;
			break;
		case OPT_SELF:
			o->self = true;
			break;
		case 'c':
			if (!*optarg)
				return usage_error("--command needs a name");
			a->names[a->nnames++] = optarg;
			break;
		case 's':
			o->summary = true;
			break;
		case 'J':
			rc = set_format(o, &format_by, "--json", FORMAT_JSON);
			break;
		case OPT_CSV:
			rc = set_format(o, &format_by, "--csv", FORMAT_CSV);
			break;
		case OPT_FORMAT:
			for (i = 0;
			     i < sizeof(format_names) / sizeof(format_names[0]);
			     i++)
				if (strcmp(optarg, format_names[i]) == 0)
					break;
			if (i == sizeof(format_names) / sizeof(format_names[0]))
				return usage_error("invalid --format '%s' (use "
						   "table, json, csv or "
						   "prometheus)",
						   optarg);
			rc = set_format(o, &format_by, "--format",
					(enum maps_format)i);
			break;
		case OPT_OUTPUT_FILE:
			if (!*optarg)
				return usage_error("--output-file needs a "
						   "path");
			a->output_file = optarg;
			break;
		case 'o':
			n = maps_parse_columns(optarg, o->columns, MAX_COLUMNS,
					       &bad, &badlen);
			if (n < 0)
				return usage_error("invalid column '%.*s' in "
						   "--output (use PID, "
						   "COMMAND, START, END, SIZE, "
						   "PERM, SEALED, CLASS, "
						   "OFFSET, INODE or PATH)",
						   (int)badlen, bad);
			o->ncolumns = (size_t)n;
			o->columns_mode = true;
			table_by = table_by ? table_by : "--output";
			break;
		case 'n':
			o->noheadings = o->columns_mode = true;
			table_by = table_by ? table_by : "--noheadings";
			break;
		case 'r':
			o->raw = o->columns_mode = true;
			table_by = table_by ? table_by : "--raw";
			break;
		case 'b':
			o->bytes = true;
			table_by = table_by ? table_by : "--bytes";
			break;
		case OPT_COLOR:
			color = optarg ? optarg : "always";
			break;
		case OPT_CHECK:
			o->check = 1u << CLASS_TEXT;
			if (optarg && !maps_parse_classes(optarg, &o->check))
				return usage_error("invalid --check list '%s'",
						   optarg);
			break;
		case OPT_STRICT:
			a->strict = true;
			break;
		case 'h':
			maps_usage();
			*status = tool_finish_stdout();
			return -1;
		case 'V':
			*status = tool_version();
			return -1;
		default:
			return tool_getopt_error("maps", EXIT_USAGE, argv, opt,
						 maps_options);
		}
		if (rc)
			return rc;
	}
	for (; optind < argc; optind++) {
		if (!parse_pid(argv[optind], &a->pids[a->npids]))
			return usage_error("invalid PID '%s'", argv[optind]);
		a->npids++;
	}
	if (!want_color(color, &o->color))
		return usage_error("invalid --color value '%s' (use auto, "
				   "always or never)",
				   color);
	if (table_by && (o->format != FORMAT_TABLE || o->summary))
		return usage_error("%s is for the table of mappings, not for "
				   "%s",
				   table_by,
				   o->summary ? "--summary" : format_by);
	if (o->columns_mode && !o->ncolumns) {
		memcpy(o->columns, default_columns, sizeof(default_columns));
		o->ncolumns = sizeof(default_columns);
	}
	if (o->raw)
		o->color = false;
	if (o->all && (o->self || a->npids))
		return usage_error("--all takes no PID and no --self");
	if (a->nnames && (o->self || a->npids))
		return usage_error("--command takes no PID and no --self");
	if (!o->all && !o->self && !a->npids && !a->nnames)
		return usage_error("no PID given (or --all, --self, "
				   "--command)");
	/* --command looks at every process, as --all does. */
	if (a->nnames)
		o->all = true;
	return 0;
}

/* NAME as /proc/PID/comm holds it: cut to 15 bytes by the kernel. */
static bool name_matches(const struct maps_args *a, const char *comm)
{
	size_t i, n;

	for (i = 0; i < a->nnames; i++) {
		n = strlen(a->names[i]);
		if (n > 15)
			n = 15;
		if (strlen(comm) == n && strncmp(comm, a->names[i], n) == 0)
			return true;
	}
	return false;
}

/*
 * --output-file: stdout goes to PATH.tmp, renamed to PATH once all of it
 * is written, so that a reader (node_exporter's textfile collector) sees
 * the old file or the new one, never a part.
 */
static int open_output_file(const char *path, char *tmp, size_t size)
{
	int fd;

	if ((size_t)snprintf(tmp, size, "%s.tmp", path) >= size) {
		fprintf(stderr, "mseal: maps: %s: %s\n", path,
			strerror(ENAMETOOLONG));
		return 1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	/* Readable by the collector whatever the umask. */
	if (fd < 0 || fchmod(fd, 0644) || dup2(fd, STDOUT_FILENO) < 0) {
		fprintf(stderr, "mseal: maps: cannot write %s: %s\n", tmp,
			strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return 1;
	}
	close(fd);
	return 0;
}

static int close_output_file(const char *path, const char *tmp)
{
	if (tool_finish_stdout() == 0 && fsync(STDOUT_FILENO) == 0 &&
	    rename(tmp, path) == 0)
		return 0;
	fprintf(stderr, "mseal: maps: cannot write %s: %s\n", path,
		strerror(errno));
	unlink(tmp);
	return 1;
}

int cmd_maps(int argc, char **argv)
{
	struct maps_opts o = { .format = FORMAT_TABLE };
	struct maps_args a = { 0 };
	struct maps_proc p = { .keep_paths = true };
	struct maps_failure *fail = NULL;
	size_t nfail = 0, fail_cap = 0, nmatched = 0, i;
	struct mseal_features f;
	bool failed = false, check_failed = false;
	char tmp[PATH_MAX + 8];
	int rc, status = 0;

	a.pids = calloc((size_t)argc + 1, sizeof(*a.pids));
	a.names = calloc((size_t)argc + 1, sizeof(*a.names));
	if (!a.pids || !a.names) {
		fprintf(stderr, "mseal: maps: out of memory\n");
		if (a.output_file)
			unlink(tmp);
		free(a.pids);
		free(a.names);
		return 1;
	}
	rc = parse_args(argc, argv, &o, &a, &status);
	if (rc) {
		free(a.pids);
		free(a.names);
		return rc < 0 ? status : rc;
	}
	if (o.self)
		a.pids[a.npids++] = getpid();
	if (o.all) {
		free(a.pids);
		rc = list_processes(&a.pids, &a.npids);
		if (rc) {
			free(a.pids);
			free(a.names);
			fprintf(stderr, "mseal: maps: cannot list /proc: %s\n",
				strerror(-rc));
			return 1;
		}
	}
	if (a.output_file &&
	    open_output_file(a.output_file, tmp, sizeof(tmp))) {
		free(a.pids);
		free(a.names);
		return 1;
	}

	/* Still filled in when MSEAL_BACKEND is invalid: only the kernel's
	 * flags matter here. */
	mseal_probe(&f);
	o.kernel_mseal = (f.flags & MSEAL_FEAT_SYSCALL) != 0;
	if (!o.kernel_mseal)
		fprintf(stderr,
			"mseal: maps: this kernel has no mseal(2): no mapping "
			"carries a kernel seal; seccomp-backend seals are "
			"shown as the process's record claims them%s\n",
			o.self ? " (shown for --self)" : " (try --self)");
	o.library_view = o.self;
	p.keep_paths = !o.summary && o.format != FORMAT_PROMETHEUS;
	setvbuf(stdout, NULL, _IOFBF, 64 * 1024);
	if (maps_out_begin(&o)) {
		fprintf(stderr, "mseal: maps: out of memory\n");
		if (a.output_file)
			unlink(tmp);
		free(a.pids);
		free(a.names);
		return 1;
	}

	for (i = 0; i < a.npids && !ferror(stdout); i++) {
		bool is_self = o.self && a.pids[i] == getpid();

		if (a.nnames) {
			if (read_comm(a.pids[i], p.comm, sizeof(p.comm)) ||
			    !name_matches(&a, p.comm))
				continue;
			nmatched++;
		}
		rc = read_process(a.pids[i], &p);
		/* Kernel threads and zombies: nothing to seal. */
		if (rc == 0 && p.nrows == 0 && o.all) {
			o.empty++;
			continue;
		}
		/* Exited since /proc was listed. */
		if (rc && o.all && is_gone(-rc))
			continue;
		if (rc == -EACCES || rc == -EPERM) {
			if (!record_failure(&fail, &nfail, &fail_cap, &p,
					    -rc)) {
				fprintf(stderr, "mseal: maps: out of memory\n");
				failed = true;
			} else if (!o.all) {
				fprintf(stderr,
					"mseal: cannot read the mappings of "
					"process %d (%s): %s\n",
					(int)p.pid, p.comm, strerror(-rc));
				failed = true;
			}
			continue;
		}
		if (rc) {
			if (is_gone(-rc))
				fprintf(stderr, "mseal: no process %d\n",
					(int)a.pids[i]);
			else
				fprintf(stderr, "mseal: process %d (%s): %s\n",
					(int)a.pids[i], p.comm,
					rc == -EPROTO ?
						"unexpected text in smaps" :
						strerror(-rc));
			failed = true;
			continue;
		}
		add_record_view(&p);
		if (is_self && o.library_view)
			add_library_view(&p);
		maps_count(&p);
		if (o.check && !maps_check_passes(&p, o.check))
			check_failed = true;
		maps_out_proc(&o, &p);
	}
	if (maps_out_end(&o, fail, nfail)) {
		fprintf(stderr, "mseal: maps: out of memory\n");
		failed = true;
	}
	if (a.nnames && !nmatched) {
		fprintf(stderr, "mseal: maps: no process named '%s'%s\n",
			a.names[0], a.nnames > 1 ? " or the others given" : "");
		failed = true;
	}
	if (o.all && nfail) {
		fprintf(stderr, "mseal: maps: %s%zu process%s not readable:",
			a.strict ? "--strict: " : "", nfail,
			nfail == 1 ? "" : "es");
		for (i = 0; i < nfail; i++)
			fprintf(stderr, "%s %d (%s)", i ? "," : "",
				(int)fail[i].pid, fail[i].comm);
		fputc('\n', stderr);
		if (a.strict)
			failed = true;
	}
	free(a.pids);
	free(a.names);
	free(fail);
	free(p.rows);
	free(p.paths);
	if (a.output_file ? close_output_file(a.output_file, tmp) :
			    tool_finish_stdout())
		return 1;
	if (failed)
		return 1;
	return check_failed ? EXIT_CHECK : 0;
}

/*
 * mseal system status: every process as `mseal maps --all` sees it, counted
 * by verdict (full, partial, none, n/a in that order); kernel threads,
 * processes gone meanwhile and those not readable are left out.  Returns
 * the number counted, or -errno when /proc cannot be listed.
 */
int maps_count_verdicts(unsigned int counts[NVERDICT])
{
	struct maps_proc p = { .keep_paths = false };
	size_t npids = 0, i;
	pid_t *pids = NULL;
	int rc, n = 0, k;

	rc = list_processes(&pids, &npids);
	if (rc) {
		free(pids);
		return rc;
	}
	for (k = 0; k < NVERDICT; k++)
		counts[k] = 0;
	for (i = 0; i < npids; i++) {
		if (read_process(pids[i], &p) || p.nrows == 0)
			continue;
		add_record_view(&p); /* as mseal maps --all does */
		maps_count(&p);
		counts[maps_verdict_of(&p)]++;
		n++;
	}
	free(pids);
	free(p.rows);
	free(p.paths);
	return n;
}

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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "maps.h"
#include "record.h"

const char *const maps_class_names[NCLASS] = {
	[CLASS_CODE] = "code",	   [CLASS_RODATA] = "rodata",
	[CLASS_RELRO] = "relro",   [CLASS_WRITABLE] = "writable",
	[CLASS_JIT] = "jit",	   [CLASS_NOACCESS] = "no-access",
	[CLASS_SYSTEM] = "system", [CLASS_VSYSCALL] = "vsyscall",
};

static void maps_usage(FILE *f)
{
	fprintf(f,
		"usage: mseal maps [OPTIONS] PID...\n"
		"       mseal maps [OPTIONS] --all | --self\n"
		"\n"
		"  -a, --all            every process this user may read\n"
		"      --self           the mseal process itself\n"
		"  -s, --summary        one summary line per process\n"
		"      --json           JSON output\n"
		"      --csv            CSV output (RFC 4180 quoting)\n"
		"      --color[=WHEN]   auto (default), always or never\n"
		"      --check[=LIST]   exit 3 unless the classes in LIST are\n"
		"                       fully sealed (default: code)\n"
		"  -h, --help           this text\n"
		"\n"
		"See mseal-maps(1).\n");
}

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* One line on stderr, exit status 2. */
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mseal: maps: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see 'mseal maps --help')\n", stderr);
	return EXIT_USAGE;
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

/* "code,relro" -> class bits; "image" is code, rodata and relro. */
static bool parse_check(const char *s, unsigned int *out)
{
	unsigned int bits = 0;

	while (*s) {
		size_t n = strcspn(s, ","), i;
		bool found = false;

		if (n == 5 && strncmp(s, "image", 5) == 0) {
			bits |= VERDICT_CLASSES;
			found = true;
		}
		for (i = 0; i < NCOUNTED && !found; i++) {
			if (strlen(maps_class_names[i]) == n &&
			    strncmp(s, maps_class_names[i], n) == 0) {
				bits |= 1u << i;
				found = true;
			}
		}
		if (!found)
			return false;
		s += n;
		if (*s == ',' && *++s == '\0')
			return false;
	}
	*out = bits;
	return bits != 0;
}

static bool is_system_mapping(const char *path)
{
	static const char *const names[] = { "[vdso]",	      "[vvar]",
					     "[vvar_vclock]", "[uprobes]",
					     "[sigpage]",     "[vectors]" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(path, names[i]) == 0)
			return true;
	return false;
}

/*
 * RELRO: ld.so maps the data segment writable, relocates, then makes its
 * PT_GNU_RELRO part read-only.  The kernel marks private writable mappings
 * as accounted ("ac") when they are made and keeps the mark when mprotect
 * drops the write bit, so a read-only private file mapping that carries it
 * was data once.  A plain read-only segment (rodata) never has it.
 */
static enum maps_class classify(const struct msl_vma *v)
{
	unsigned int perm =
		v->flags & (MSL_VMA_READ | MSL_VMA_WRITE | MSL_VMA_EXEC);

	if (!msl_vma_is_real(v))
		return CLASS_VSYSCALL;
	if (v->inode == 0 && is_system_mapping(v->path))
		return CLASS_SYSTEM;
	if (perm == 0)
		return CLASS_NOACCESS;
	if (perm & MSL_VMA_EXEC)
		return v->inode ? CLASS_CODE : CLASS_JIT;
	if (perm & MSL_VMA_WRITE)
		return CLASS_WRITABLE;
	if (v->inode && !(v->flags & MSL_VMA_SHARED) &&
	    (v->flags & MSL_VMA_ACCOUNTED))
		return CLASS_RELRO;
	return CLASS_RODATA;
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
	r->seals = (v->flags & MSL_VMA_SEALED) ? MSEAL_ALL : 0;
	r->by_record = false;
	r->cls = classify(v);
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

static void count(struct maps_proc *p)
{
	size_t i;

	for (i = 0; i < p->nrows; i++) {
		const struct maps_row *r = &p->rows[i];

		if (r->cls == CLASS_VSYSCALL)
			continue;
		p->total[r->cls]++;
		if (r->seals == MSEAL_ALL)
			p->sealed[r->cls]++;
	}
}

int maps_percent(const struct maps_proc *p, enum maps_class c)
{
	if (!p->total[c])
		return -1;
	return (int)((unsigned long long)p->sealed[c] * 100 / p->total[c]);
}

const char *maps_verdict(const struct maps_proc *p)
{
	unsigned int total = 0, sealed = 0;
	int c;

	for (c = 0; c < NCOUNTED; c++) {
		if (VERDICT_CLASSES & (1u << c)) {
			total += p->total[c];
			sealed += p->sealed[c];
		}
	}
	if (!total)
		return "n/a";
	return sealed == total ? "full" : sealed ? "partial" : "none";
}

static bool check_passes(const struct maps_proc *p, unsigned int check)
{
	int c;

	for (c = 0; c < NCOUNTED; c++)
		if ((check & (1u << c)) && p->sealed[c] != p->total[c])
			return false;
	return true;
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

/*
 * Fills o, pids and *npids from the command line.  Returns 0, EXIT_USAGE
 * after its one line on stderr, or -1 when --help was answered.
 */
static int parse_args(int argc, char **argv, struct maps_opts *o, pid_t *pids,
		      size_t *npids)
{
	const char *color = "auto";
	bool options = true, json = false, csv = false;
	int a;

	for (a = 1; a < argc; a++) {
		const char *s = argv[a];

		if (!options || s[0] != '-' || !s[1]) {
			if (!parse_pid(s, &pids[*npids]))
				return usage_error("invalid PID '%s'", s);
			(*npids)++;
		} else if (strcmp(s, "--") == 0) {
			options = false;
		} else if (!strcmp(s, "-a") || !strcmp(s, "--all")) {
			o->all = true;
		} else if (strcmp(s, "--self") == 0) {
			o->self = true;
		} else if (!strcmp(s, "-s") || !strcmp(s, "--summary")) {
			o->summary = true;
		} else if (strcmp(s, "--json") == 0) {
			json = true;
		} else if (strcmp(s, "--csv") == 0) {
			csv = true;
		} else if (strcmp(s, "--color") == 0) {
			color = "always";
		} else if (strncmp(s, "--color=", 8) == 0) {
			color = s + 8;
		} else if (strcmp(s, "--check") == 0) {
			o->check = 1u << CLASS_CODE;
		} else if (strncmp(s, "--check=", 8) == 0) {
			if (!parse_check(s + 8, &o->check))
				return usage_error("invalid --check list '%s'",
						   s + 8);
		} else if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
			maps_usage(stdout);
			return -1;
		} else {
			return usage_error("unknown option '%s'", s);
		}
	}
	if (json && csv)
		return usage_error("--json and --csv exclude each other");
	o->format = json ? FORMAT_JSON : csv ? FORMAT_CSV : FORMAT_TABLE;
	if (!want_color(color, &o->color))
		return usage_error("invalid --color value '%s' (use auto, "
				   "always or never)",
				   color);
	if (o->all && (o->self || *npids))
		return usage_error("--all takes no PID and no --self");
	if (!o->all && !o->self && !*npids)
		return usage_error("no PID given (or --all, --self)");
	return 0;
}

int cmd_maps(int argc, char **argv)
{
	struct maps_opts o = { .format = FORMAT_TABLE };
	struct maps_proc p = { .keep_paths = true };
	struct maps_failure *fail = NULL;
	size_t npids = 0, nfail = 0, fail_cap = 0, i;
	struct mseal_features f;
	bool failed = false, check_failed = false;
	pid_t *pids;
	int rc;

	pids = calloc((size_t)argc + 1, sizeof(*pids));
	if (!pids) {
		fprintf(stderr, "mseal: maps: out of memory\n");
		return 1;
	}
	rc = parse_args(argc, argv, &o, pids, &npids);
	if (rc) {
		free(pids);
		return rc < 0 ? 0 : rc;
	}
	if (o.self)
		pids[npids++] = getpid();
	if (o.all) {
		free(pids);
		rc = list_processes(&pids, &npids);
		if (rc) {
			free(pids);
			fprintf(stderr, "mseal: maps: cannot list /proc: %s\n",
				strerror(-rc));
			return 1;
		}
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
	p.keep_paths = !o.summary;
	setvbuf(stdout, NULL, _IOFBF, 64 * 1024);
	maps_out_begin(&o);

	for (i = 0; i < npids && !ferror(stdout); i++) {
		bool is_self = o.self && pids[i] == getpid();

		rc = read_process(pids[i], &p);
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
					(int)pids[i]);
			else
				fprintf(stderr, "mseal: process %d (%s): %s\n",
					(int)pids[i], p.comm,
					rc == -EPROTO ?
						"unexpected text in smaps" :
						strerror(-rc));
			failed = true;
			continue;
		}
		add_record_view(&p);
		if (is_self && o.library_view)
			add_library_view(&p);
		count(&p);
		if (o.check && !check_passes(&p, o.check))
			check_failed = true;
		maps_out_proc(&o, &p);
	}
	maps_out_end(&o, fail, nfail);
	if (o.all && nfail) {
		fprintf(stderr,
			"mseal: maps: %zu process%s not readable:", nfail,
			nfail == 1 ? "" : "es");
		for (i = 0; i < nfail; i++)
			fprintf(stderr, "%s %d (%s)", i ? "," : "",
				(int)fail[i].pid, fail[i].comm);
		fputc('\n', stderr);
	}
	free(pids);
	free(fail);
	free(p.rows);
	free(p.paths);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "mseal: cannot write output: %s\n",
			strerror(errno));
		return 1;
	}
	if (failed)
		return 1;
	return check_failed ? EXIT_CHECK : 0;
}

// SPDX-License-Identifier: MIT
/*
 * What seals cost the calls a program makes on memory it has not sealed.
 *
 * For each configuration -- no seals; native seals; one seccomp filter
 * holding 1, 16, 256 or 1024 sealed ranges (one mseal_ranges() batch, for
 * writable pages with MSEAL_ALL and for MSEAL_PROT alone, since the class
 * and the kind of memory change what a filter holds); and 1, 8 or 64
 * filters of one range each -- a fresh child process seals, then times
 * getppid, mprotect, munmap + mmap and madvise(MADV_DONTNEED) on an
 * unsealed page: several rounds of many calls, the median round in ns per
 * call, and that against the same call with no seals in the same run.
 *
 * Targets (SEMANTICS.md section 4): getppid <= 1.05x with any number of our
 * filters (the kernel's seccomp action cache skips them for non-memory
 * calls); mprotect <= 1.3x with one filter of 256 ranges; cost growing
 * logarithmically from 16 to 1024 ranges.  Prints numbers, never asserts
 * on them.
 *
 * Then what sealing itself costs, each round in fresh children between
 * the rounds above: a one-page seccomp seal (the child's first, and one
 * after another seal) and a 256-span one, each against mprotect calls
 * timed in the same child just before, and split into the kernel's part
 * (installing a like program: checking, converting and JIT-compiling it)
 * and ours (the rest: reading the memory's facts, compiling, the record);
 * mseal_range() on the native backend against the raw mseal(2), in
 * alternating blocks; and, once, how many separate one-page seals fit a
 * thread's seccomp budget.
 *
 *   bench [ROUNDS]        (default 21; `make bench` builds and runs it)
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "filter.h"
#include "mseal.h"

#define RW (PROT_READ | PROT_WRITE)

enum { OP_GETPPID, OP_MPROTECT, OP_REMAP, OP_MADVISE, NOPS };

static const char *const op_names[NOPS] = { "getppid", "mprotect",
					    "munmap+mmap", "madvise" };

/* Calls per round: about the same time for each. */
static const long op_iters[NOPS] = { 40000, 20000, 4000, 20000 };

struct config {
	const char *name;
	const char *backend; /* MSEAL_BACKEND, NULL: no seals */
	unsigned int classes;
	int ranges;	/* sealed one-page ranges */
	int per_filter; /* ranges per mseal call (seccomp) */
	int allow_all;	/* a one-instruction ALLOW filter, not ours */
	int readonly;	/* the sealed pages are read-only */
};

static const struct config configs[] = {
	{ "no seals", NULL, 0, 0, 0, 0, 0 },
	{ "native, 4 ranges", "native", MSEAL_ALL, 4, 1, 0, 0 },
	{ "allow-all filter (not ours)", NULL, 0, 0, 0, 1, 0 },
	{ "seccomp 1 range", "seccomp", MSEAL_ALL, 1, 1, 0, 0 },
	{ "seccomp 16 ranges/filter", "seccomp", MSEAL_ALL, 16, 16, 0, 0 },
	{ "seccomp 256 ranges/filter", "seccomp", MSEAL_ALL, 256, 256, 0, 0 },
	{ "seccomp 1024 ranges/filter", "seccomp", MSEAL_ALL, 1024, 1024, 0,
	  0 },
	{ "PROT 1 range", "seccomp", MSEAL_PROT, 1, 1, 0, 0 },
	{ "PROT 16 ranges/filter", "seccomp", MSEAL_PROT, 16, 16, 0, 0 },
	{ "PROT 256 ranges/filter", "seccomp", MSEAL_PROT, 256, 256, 0, 0 },
	{ "PROT 1024 ranges/filter", "seccomp", MSEAL_PROT, 1024, 1024, 0, 0 },
	{ "seccomp 8 x 1 range", "seccomp", MSEAL_ALL, 8, 1, 0, 0 },
	{ "seccomp 64 x 1 range", "seccomp", MSEAL_ALL, 64, 1, 0, 0 },
	{ "seccomp 1024 read-only", "seccomp", MSEAL_ALL, 1024, 1024, 0, 1 },
};

#define NCONFIGS (sizeof(configs) / sizeof(configs[0]))

#define MAX_ROUNDS 64

struct result {
	int ok;
	int filters; /* Seccomp_filters: of the child */
	char err[128];
	double round[NOPS][MAX_ROUNDS];
	double ns[NOPS]; /* the median round */
};

static size_t pg;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One round of n calls of op on the unsealed page p, in ns per call. */
static double round_ns(int op, char *p, long n)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++) {
		switch (op) {
		case OP_GETPPID:
			getppid();
			break;
		case OP_MPROTECT:
			mprotect(p, pg, i & 1 ? RW : PROT_READ);
			break;
		case OP_REMAP:
			munmap(p, pg);
			mmap(p, pg, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			     -1, 0);
			break;
		case OP_MADVISE:
			madvise(p, pg, MADV_DONTNEED);
			break;
		}
	}
	return (now_ns() - t0) / (double)n;
}

static int seccomp_filters(void)
{
	char line[256];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp_filters: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

/*
 * The sealed ranges: one page each, with an unmapped page between them so
 * that neither the kernel nor the filter compiler merges them.
 */
static int seal(const struct config *c, struct result *r)
{
	size_t n = (size_t)c->ranges;
	struct mseal_span *spans;
	char *base;
	int rc = 0;

	if (!n)
		return 0;
	base = mmap(NULL, 2 * n * pg, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	spans = calloc(n, sizeof(*spans));
	if (base == MAP_FAILED || !spans)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		munmap(base + (2 * i + 1) * pg, pg);
		spans[i] = (struct mseal_span){ base + 2 * i * pg, pg };
		if (c->readonly)
			mprotect(base + 2 * i * pg, pg, PROT_READ);
	}
	for (size_t i = 0; i < n && !rc; i += (size_t)c->per_filter) {
		size_t k = n - i < (size_t)c->per_filter ?
				   n - i :
				   (size_t)c->per_filter;

		rc = mseal_ranges(spans + i, k, c->classes);
	}
	free(spans);
	if (rc)
		snprintf(r->err, sizeof(r->err), "mseal_ranges: %s",
			 strerror(-rc));
	return rc;
}

/* What seccomp costs before any of our filters' logic runs. */
static int allow_all_filter(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/*
 * Each configuration's child seals, then runs one round of every call each
 * time the parent writes a byte to its pipe, and answers with a byte: the
 * parent goes round the children (A B C ... A B C ...), so that the load
 * of a shared machine and its drift hit every configuration alike.
 */
static void child(const struct config *c, struct result *r, int rounds, int go,
		  int done)
{
	char *p = NULL, b = 0;
	int k = 0;

	/* The measured page, between PROT_NONE guards, mapped before the
	 * seals: it never merges with a neighbour, and its place is the same
	 * in every configuration. */
	p = mmap(NULL, 3 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED && mprotect(p + pg, pg, RW) == 0)
		p += pg;
	else
		p = NULL;
	if (c->backend)
		setenv("MSEAL_BACKEND", c->backend, 1);
	if (c->allow_all && allow_all_filter())
		snprintf(r->err, sizeof(r->err), "seccomp: %s",
			 strerror(errno));
	else if (p && seal(c, r) == 0)
		r->ok = 1;
	r->filters = seccomp_filters();
	for (int op = 0; op < NOPS && r->ok; op++)
		round_ns(op, p, op_iters[op] / 10); /* warm up */
	if (write(done, &b, 1) != 1)
		_exit(1);
	/* Exactly rounds rounds: later children hold our pipe's write end,
	 * so end of file never comes. */
	while (k < rounds && r->ok && read(go, &b, 1) == 1) {
		for (int op = 0; op < NOPS; op++)
			r->round[op][k] = round_ns(op, p, op_iters[op]);
		k++;
		if (write(done, &b, 1) != 1)
			break;
	}
	_exit(0);
}

/* ---- what sealing costs ------------------------------------------- */

enum { SC_PAGE, SC_PAGE_AGAIN, SC_SPANS, SC_NATIVE, NSC };

#define SC_SPANS_N 256
#define SC_NATIVE_N 512 /* pages per native round, half through each */
#define SC_REF_CALLS 2000

struct seal_cost {
	double us[NSC][MAX_ROUNDS];  /* a seal; SC_NATIVE: ns per mseal_range */
	double ref[NSC][MAX_ROUNDS]; /* ns per mprotect; per raw mseal(2) */
	double kern[NSC][MAX_ROUNDS]; /* us: installing a like program */
	int ok[NSC];
	int capacity, capacity_err, capacity_filters;
	size_t capacity_insns;
};

static struct seal_cost *sc;

/* The kernel's count of this library's filters and their eBPF length. */
void msl_seccomp_stats(unsigned int *filters, size_t *insns);

/* n one-page ranges, an unmapped page after each: never merged. */
static struct mseal_span *pages(size_t n)
{
	char *base =
		mmap(NULL, 2 * n * pg, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct mseal_span *s = calloc(n, sizeof(*s));

	if (base == MAP_FAILED || !s)
		_exit(1);
	for (size_t i = 0; i < n; i++) {
		munmap(base + (2 * i + 1) * pg, pg);
		s[i] = (struct mseal_span){ base + 2 * i * pg, pg };
	}
	return s;
}

/*
 * The kernel's part of a seal: the time seccomp(2) takes to check, convert
 * and JIT a program compiled for the same spans, installed directly after
 * the seal (microseconds; -1 when it cannot be installed here).
 */
static double install_like(const struct mseal_span *s, size_t n)
{
	static struct sock_filter prog[MSL_FILTER_MAX_INSNS];
	struct msl_frange *r = calloc(n, sizeof(*r));
	struct sock_fprog fp;
	double t0, t1;
	int len;

	if (!r)
		return -1;
	for (size_t i = 0; i < n; i++) {
		r[i].start = (uintptr_t)s[i].addr;
		r[i].end = r[i].start + s[i].len;
	}
	len = msl_filter_compile(r, n, MSEAL_ALL, prog, MSL_FILTER_MAX_INSNS);
	free(r);
	if (len <= 0)
		return -1;
	fp = (struct sock_fprog){ .len = (unsigned short)len, .filter = prog };
	t0 = now_ns();
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_SPEC_ALLOW, &fp))
		return -1;
	t1 = now_ns();
	return (t1 - t0) / 1e3;
}

static void seal_cost_child(int what, int k)
{
	struct mseal_span *s;
	double t0, t1;
	size_t n;
	char *p;

	if (what == SC_NATIVE) {
		s = pages(SC_NATIVE_N);
		setenv("MSEAL_BACKEND", "native", 1);
		if (mseal_range(s[0].addr, pg, MSEAL_ALL))
			_exit(1);
		/* Blocks of 16 through each, alternating. */
		sc->us[what][k] = sc->ref[what][k] = 0;
		for (size_t i = 2; i + 32 <= SC_NATIVE_N; i += 32) {
			t0 = now_ns();
			for (size_t j = i; j < i + 16; j++)
				if (mseal_range(s[j].addr, pg, MSEAL_ALL))
					_exit(1);
			t1 = now_ns();
			for (size_t j = i + 16; j < i + 32; j++)
				if (syscall(462, s[j].addr, pg, 0))
					_exit(1);
			sc->us[what][k] += t1 - t0;
			sc->ref[what][k] += now_ns() - t1;
		}
		sc->ok[what] = 1;
		_exit(0);
	}
	n = what == SC_SPANS ? SC_SPANS_N : 1;
	/* SC_PAGE_AGAIN: s[1] is sealed first, s[0] (below it) is timed. */
	s = pages(what == SC_PAGE_AGAIN ? 2 : n);
	p = mmap(NULL, pg, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(1);
	setenv("MSEAL_BACKEND", "seccomp", 1);
	/* The library's one-time set-up (the probe) is not the seal's. */
	if (mseal_ranges(NULL, 0, MSEAL_ALL))
		_exit(1);
	if (what == SC_PAGE_AGAIN && mseal_ranges(s + 1, 1, MSEAL_ALL))
		_exit(1);
	sc->ref[what][k] = round_ns(OP_MPROTECT, p, SC_REF_CALLS);
	t0 = now_ns();
	if (mseal_ranges(s, n, MSEAL_ALL))
		_exit(1);
	sc->us[what][k] = (now_ns() - t0) / 1e3;
	sc->kern[what][k] = install_like(s, n);
	sc->ok[what] = 1;
	_exit(0);
}

/* Separate one-page seals until one fails (E2BIG: the budget). */
static void capacity_child(void)
{
	unsigned int filters;
	int rc = 0, n = 0;

	setenv("MSEAL_BACKEND", "seccomp", 1);
	while (!rc && n < 100000) {
		struct mseal_span *s = pages(1);

		rc = mseal_range(s->addr, pg, MSEAL_ALL) ? errno : 0;
		n += !rc;
		free(s);
	}
	sc->capacity = n;
	sc->capacity_err = rc;
	msl_seccomp_stats(&filters, &sc->capacity_insns);
	sc->capacity_filters = (int)filters;
	_exit(0);
}

static void in_child(void (*fn)(int, int), int what, int k)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		fn(what, k);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void capacity_fn(int what, int k)
{
	(void)what;
	(void)k;
	capacity_child();
}

static void seal_round(int k)
{
	if (!sc) {
		sc = mmap(NULL, sizeof(*sc), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (sc == MAP_FAILED)
			_exit(1);
		memset(sc, 0, sizeof(*sc));
		in_child(capacity_fn, 0, 0);
	}
	for (int what = 0; what < NSC; what++)
		in_child(seal_cost_child, what, k);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return v[n / 2];
}

static void seal_report(int rounds)
{
	static const char *const names[NSC] = { "one-page seccomp seal",
						"one-page seal after another",
						"256-span seccomp seal",
						"mseal_range, native" };
	double us, ref, kern, ours[MAX_ROUNDS];
	int nours;

	printf("\nsealing, median of %d rounds, each in a fresh child\n",
	       rounds);
	for (int what = 0; what < NSC; what++) {
		if (!sc->ok[what]) {
			printf("%-28s failed\n", names[what]);
			continue;
		}
		us = median(sc->us[what], rounds);
		ref = median(sc->ref[what], rounds);
		if (what == SC_NATIVE) {
			printf("%-28s %5.2fx the raw mseal(2)\n", names[what],
			       us / ref);
			continue;
		}
		/* Ours: each round's seal less its kernel's part. */
		nours = 0;
		for (int k = 0; k < rounds; k++)
			if (sc->kern[what][k] >= 0)
				ours[nours++] =
					sc->us[what][k] - sc->kern[what][k];
		printf("%-28s %7.0f us = %6.0f mprotect calls (%.0f ns each)\n",
		       names[what], us, us * 1e3 / ref, ref);
		if (nours * 2 <= rounds)
			continue;
		kern = median(sc->kern[what], rounds);
		printf("%-28s of which the kernel's install %.0f us (%.0f%%); "
		       "ours %.0f us = %.0f mprotect calls\n",
		       "", kern, 100 * kern / us, median(ours, nours),
		       median(ours, nours) * 1e3 / ref);
	}
	printf("%-28s %9d before %s (%d filters, %zu of 32768 eBPF "
	       "instructions, %.0f per filter with the kernel's 4)\n",
	       "separate one-page seals", sc->capacity,
	       sc->capacity_err ? strerror(sc->capacity_err) : "none failed",
	       sc->capacity_filters, sc->capacity_insns,
	       sc->capacity_filters ?
		       (double)sc->capacity_insns / sc->capacity_filters :
		       0.0);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 21;
	int go[NCONFIGS], done[NCONFIGS];
	pid_t pids[NCONFIGS];
	struct result *res;

	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: %s [ROUNDS (1-64)]\n", argv[0]);
		return 2;
	}
	pg = (size_t)sysconf(_SC_PAGESIZE);
	res = mmap(NULL, NCONFIGS * sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		return perror("mmap"), 1;
	/* The library must not pick a backend in this process. */
	unsetenv("MSEAL_BACKEND");
	for (size_t i = 0; i < NCONFIGS; i++) {
		int to[2], from[2];
		char b;

		if (pipe(to) || pipe(from))
			return perror("pipe"), 1;
		fflush(stdout);
		pids[i] = fork();
		if (pids[i] < 0)
			return perror("fork"), 1;
		if (pids[i] == 0) {
			close(to[1]);
			close(from[0]);
			child(&configs[i], &res[i], rounds, to[0], from[1]);
		}
		close(to[0]);
		close(from[1]);
		go[i] = to[1];
		done[i] = from[0];
		if (read(done[i], &b, 1) != 1)
			res[i].ok = 0;
	}
	for (int k = 0; k < rounds; k++) {
		seal_round(k);
		for (size_t i = 0; i < NCONFIGS; i++) {
			char b = 0;

			if (!res[i].ok)
				continue;
			if (write(go[i], &b, 1) != 1 ||
			    read(done[i], &b, 1) != 1)
				res[i].ok = 0;
		}
	}
	for (size_t i = 0; i < NCONFIGS; i++) {
		close(go[i]);
		waitpid(pids[i], NULL, 0);
		for (int op = 0; op < NOPS && res[i].ok; op++) {
			qsort(res[i].round[op], (size_t)rounds, sizeof(double),
			      cmp_double);
			res[i].ns[op] = res[i].round[op][rounds / 2];
		}
	}
	printf("median of %d interleaved rounds, ns per call "
	       "(x: against \"no seals\")\n",
	       rounds);
	printf("%-28s %7s", "config", "filters");
	for (int op = 0; op < NOPS; op++)
		printf(" %18s", op_names[op]);
	printf("\n");
	for (size_t i = 0; i < NCONFIGS; i++) {
		printf("%-28s", configs[i].name);
		if (!res[i].ok) {
			printf(" failed: %s\n",
			       res[i].err[0] ? res[i].err : "see stderr");
			continue;
		}
		printf(" %7d", res[i].filters);
		for (int op = 0; op < NOPS; op++)
			printf(" %9.1f (%5.2fx)", res[i].ns[op],
			       res[0].ok ? res[i].ns[op] / res[0].ns[op] : 0);
		printf("\n");
	}
	seal_report(rounds);
	return 0;
}

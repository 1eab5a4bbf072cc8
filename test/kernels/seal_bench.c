// SPDX-License-Identifier: MIT
/*
 * seal-bench: what the seal-types kernel (kernel/patches) charges for a
 * typed seal against upstream's seal, on the same kernel, in one run.
 *
 *   round r (of ROUNDS), the variants in an order that rotates each round:
 *     mseal  flags 0        upstream's seal (BASE | PROT | DISCARD)
 *     mseal  flags 0x07     the same three types, asked for by name
 *     mseal  flags 0x1f     every type (+ SEAL + DOWNGRADEABLE)
 *     mmap + mseal(0)       a sealed page in two calls
 *     mmap(PROT_SEAL)       a sealed page in one call
 *   each variant: NCALLS calls on fresh memory, ns per call
 *   per variant: the median over the rounds, and the median of its
 *   per-round ratio to the first variant of its group
 *
 * The mseal variants seal the even pages of an arena whose odd pages are
 * read-only, so every sealed page is a vma of its own that the seal
 * neither splits nor merges: the cost is the call and the flag update,
 * the same work for every variant.  Setting up an arena is not timed.
 * Sealed memory cannot be unmapped, so the address space grows during the
 * run (about 42k vmas in all, at 41 rounds); rotating the order gives every variant the
 * same share of that.  Each variant checks that its seal took (mprotect
 * refused with EPERM) on one page per round.
 *
 * Before that, what holding seals costs the other calls of a process
 * (run first, so that no child inherits a seal of the parent): three
 * children -- one that seals nothing, one holding 4 ranges sealed with
 * flags 0, one holding 4 ranges sealed with every type -- take turns,
 * round by round in rotating order, at NCALLS2 getppid() calls and
 * NCALLS2 mprotect() calls on a page of their own that is not sealed.
 * The kernel keeps seals in vma flags only, so neither should differ from
 * the process that seals nothing (the seccomp backend costs every call
 * of the process about 1.3x, bench/bench.c).  What the series costs a
 * process that seals nothing against an unpatched kernel cannot be seen
 * in one run on one kernel: kernel/README.md says what was done for it.
 *
 * Prints numbers and never asserts on them (the targets are stated in
 * kernel/README.md).  Exit status 77 when the kernel has no seal types,
 * 1 when a seal did not take or a call failed.
 *
 *   seal-bench [ROUNDS]     (default 41)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The series' uapi (include/uapi/asm-generic/mman-common.h with it). */
#define SB_MM_SEAL_BASE 0x01UL
#define SB_MM_SEAL_PROT 0x02UL
#define SB_MM_SEAL_DISCARD 0x04UL
#define SB_MM_SEAL_SEAL 0x08UL
#define SB_MM_SEAL_DOWNGRADEABLE 0x10UL
#define SB_PROT_SEAL 0x04000000

#ifndef __NR_mseal
#define __NR_mseal 462
#endif

#define NCALLS 128
#define NCALLS2 2000
#define RW (PROT_READ | PROT_WRITE)

enum kind { SEAL_ARENA, MMAP_THEN_SEAL, MMAP_PROT_SEAL };

struct variant {
	const char *name;
	enum kind kind;
	unsigned long flags;
	int base; /* the variant its ratio is taken against */
	double *ns;
};

static struct variant variants[] = {
	{ "mseal flags 0 (upstream)", SEAL_ARENA, 0, 0, NULL },
	{ "mseal flags 0x07 (BASE|PROT|DISCARD)", SEAL_ARENA,
	  SB_MM_SEAL_BASE | SB_MM_SEAL_PROT | SB_MM_SEAL_DISCARD, 0, NULL },
	{ "mseal flags 0x1f (all types)", SEAL_ARENA,
	  SB_MM_SEAL_BASE | SB_MM_SEAL_PROT | SB_MM_SEAL_DISCARD |
		  SB_MM_SEAL_SEAL | SB_MM_SEAL_DOWNGRADEABLE,
	  0, NULL },
	{ "mmap + mseal(0)", MMAP_THEN_SEAL, 0, 3, NULL },
	{ "mmap(PROT_SEAL)", MMAP_PROT_SEAL, 0, 3, NULL },
};
#define NVARIANTS (int)(sizeof(variants) / sizeof(variants[0]))

static long page;

static long sys_mseal(void *addr, size_t len, unsigned long flags)
{
	return syscall(__NR_mseal, addr, len, flags);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "seal-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* 2 * NCALLS pages, the odd ones read-only: NCALLS separate RW vmas. */
static char *arena(void)
{
	char *p = mmap(NULL, 2 * NCALLS * page, RW, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		die("mmap of an arena");
	for (int i = 1; i < 2 * NCALLS; i += 2)
		if (mprotect(p + i * page, page, PROT_READ))
			die("mprotect of an arena page");
	return p;
}

/* The seal took: a protection change is refused, nothing else. */
static void check_sealed(char *p, const char *name)
{
	if (mprotect(p, page, PROT_READ) == 0 || errno != EPERM) {
		fprintf(stderr, "seal-bench: %s: the page is not sealed\n",
			name);
		exit(1);
	}
}

/* One variant's NCALLS calls, in ns per call. */
static double run(const struct variant *v)
{
	char *pages[NCALLS];
	double t0, t1;

	switch (v->kind) {
	case SEAL_ARENA: {
		char *p = arena();

		t0 = now_ns();
		for (int i = 0; i < NCALLS; i++)
			if (sys_mseal(p + 2 * i * page, page, v->flags))
				die(v->name);
		t1 = now_ns();
		check_sealed(p, v->name);
		break;
	}
	case MMAP_THEN_SEAL:
		t0 = now_ns();
		for (int i = 0; i < NCALLS; i++) {
			pages[i] = mmap(NULL, page, RW,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (pages[i] == MAP_FAILED ||
			    sys_mseal(pages[i], page, 0))
				die(v->name);
		}
		t1 = now_ns();
		check_sealed(pages[0], v->name);
		break;
	case MMAP_PROT_SEAL:
	default:
		t0 = now_ns();
		for (int i = 0; i < NCALLS; i++) {
			pages[i] = mmap(NULL, page, RW | SB_PROT_SEAL,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (pages[i] == MAP_FAILED)
				die(v->name);
		}
		t1 = now_ns();
		check_sealed(pages[0], v->name);
		break;
	}
	return (t1 - t0) / NCALLS;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile (0.5: the median) of n values. */
static double quantile(const double *v, int n, double q)
{
	double *s = malloc(n * sizeof(*s));
	double m;

	if (!s)
		die("malloc");
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	m = s[(int)(q * (n - 1) + 0.5)];
	free(s);
	return m;
}

/*
 * The median and the quartiles of v, then of v[r] / base[r], then the
 * fastest round against base's fastest.  Under TCG on a busy host a
 * round is often stretched by the host's scheduler, never shortened: the
 * fastest round is the least disturbed.
 */
static void report(const char *name, const double *v, const double *base, int n,
		   const char *basename)
{
	double *ratio = malloc(n * sizeof(*ratio));

	if (!ratio)
		die("malloc");
	for (int r = 0; r < n; r++)
		ratio[r] = v[r] / base[r];
	printf("  %-38s %7.0f ns [%.0f..%.0f] %5.3fx [%.3f..%.3f]  "
	       "min %.0f ns %5.3fx  (x: %s)\n",
	       name, quantile(v, n, 0.5), quantile(v, n, 0.25),
	       quantile(v, n, 0.75), quantile(ratio, n, 0.5),
	       quantile(ratio, n, 0.25), quantile(ratio, n, 0.75),
	       quantile(v, n, 0), quantile(v, n, 0) / quantile(base, n, 0),
	       basename);
	free(ratio);
}

/* Part 2: the processes, their seals, and the calls they time. */
enum { NPROCS = 3, NSEALED = 4 };
static const char *const proc_names[NPROCS] = {
	"seals nothing",
	"4 ranges sealed, flags 0",
	"4 ranges sealed, flags 0x1f",
};
static const unsigned long proc_flags[NPROCS] = { 0, 0, 0x1f };

struct child {
	int cmd, res; /* pipe ends: a byte to go, two doubles back */
	pid_t pid;
};

/*
 * A child's life: seal (or not), then a timed batch per byte received.
 * The page it re-protects sits between two PROT_NONE pages, so that no
 * mprotect() merges it with a neighbour or splits it: every child does
 * the same work whatever else it mapped.
 */
static void child_loop(int k, int cmd, int res)
{
	char *own = mmap(NULL, 3 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	char go;

	if (own == MAP_FAILED)
		die("mmap");
	own += page;
	if (mprotect(own, page, RW))
		die("mprotect");
	for (int i = 0; k > 0 && i < NSEALED; i++) {
		char *p = mmap(NULL, page, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			       0);

		if (p == MAP_FAILED || sys_mseal(p, page, proc_flags[k]))
			die("sealing in a child");
		check_sealed(p, proc_names[k]);
	}
	while (read(cmd, &go, 1) == 1) {
		double t[2], t0;

		t0 = now_ns();
		for (int i = 0; i < NCALLS2; i++)
			syscall(SYS_getppid);
		t[0] = (now_ns() - t0) / NCALLS2;
		t0 = now_ns();
		for (int i = 0; i < NCALLS2; i++)
			if (mprotect(own, page, i % 2 ? RW : PROT_READ))
				die("mprotect of an unsealed page");
		t[1] = (now_ns() - t0) / NCALLS2;
		if (write(res, t, sizeof(t)) != sizeof(t))
			die("write");
	}
	_exit(0);
}

static void part2(int rounds)
{
	struct child c[NPROCS];
	double *ns[NPROCS][2];

	fflush(stdout);

	for (int k = 0; k < NPROCS; k++) {
		int a[2], b[2];

		if (pipe(a) || pipe(b))
			die("pipe");
		c[k].pid = fork();
		if (c[k].pid < 0)
			die("fork");
		if (c[k].pid == 0) {
			/* The older children's pipes: they see EOF only
			 * when every write end is closed. */
			for (int j = 0; j < k; j++) {
				close(c[j].cmd);
				close(c[j].res);
			}
			close(a[1]);
			close(b[0]);
			child_loop(k, a[0], b[1]);
		}
		close(a[0]);
		close(b[1]);
		c[k].cmd = a[1];
		c[k].res = b[0];
		ns[k][0] = malloc(rounds * sizeof(double));
		ns[k][1] = malloc(rounds * sizeof(double));
		if (!ns[k][0] || !ns[k][1])
			die("malloc");
	}
	for (int r = 0; r < rounds; r++)
		for (int j = 0; j < NPROCS; j++) {
			int k = (j + r) % NPROCS;
			double t[2];

			if (write(c[k].cmd, "g", 1) != 1 ||
			    read(c[k].res, t, sizeof(t)) != sizeof(t)) {
				fprintf(stderr, "seal-bench: child %d died\n",
					k);
				exit(1);
			}
			ns[k][0][r] = t[0];
			ns[k][1][r] = t[1];
		}
	for (int k = 0; k < NPROCS; k++) {
		int st;

		close(c[k].cmd);
		if (waitpid(c[k].pid, &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			die("a child failed");
	}
	printf("seal-bench: %d rounds of %d calls per process, on a page the "
	       "process did not seal\n",
	       rounds, NCALLS2);
	for (int op = 0; op < 2; op++)
		for (int k = 0; k < NPROCS; k++) {
			char name[80];

			snprintf(name, sizeof(name), "%s: %s",
				 op ? "mprotect" : "getppid", proc_names[k]);
			report(name, ns[k][op], ns[0][op], rounds,
			       proc_names[0]);
		}
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 41;
	struct timespec res;
	pid_t pid;
	int st;

	if (argc > 2 || rounds < 1 || rounds > 1000) {
		fprintf(stderr, "usage: seal-bench [ROUNDS (1..1000)]\n");
		return 2;
	}
	page = sysconf(_SC_PAGESIZE);
	/*
	 * A kernel without the series refuses any non-zero flag.  Asked in
	 * a child: the children of part 2 inherit this process's memory,
	 * and the one that seals nothing must hold no seal.
	 */
	pid = fork();
	if (pid == 0)
		_exit(sys_mseal(arena(), page, SB_MM_SEAL_PROT) ? 77 : 0);
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		die("the probe's child");
	if (WEXITSTATUS(st)) {
		fprintf(stderr, "seal-bench: mseal(MM_SEAL_PROT) fails: "
				"no seal types in this kernel\n");
		return 77;
	}
	clock_getres(CLOCK_MONOTONIC, &res);
	printf("seal-bench: CLOCK_MONOTONIC resolution %ld ns\n", res.tv_nsec);
	/* Part 2 first, while this process holds no seal. */
	part2(rounds);
	for (int v = 0; v < NVARIANTS; v++) {
		variants[v].ns = malloc(rounds * sizeof(double));
		if (!variants[v].ns)
			die("malloc");
	}
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < NVARIANTS; k++) {
			int v = (k + r) % NVARIANTS;

			variants[v].ns[r] = run(&variants[v]);
		}

	printf("seal-bench: %d rounds of %d calls: median ns per call "
	       "[quartiles], median per-round ratio [quartiles], fastest "
	       "round and its ratio\n",
	       rounds, NCALLS);
	for (int v = 0; v < NVARIANTS; v++) {
		const struct variant *b = &variants[variants[v].base];

		report(variants[v].name, variants[v].ns, b->ns, rounds,
		       b->name);
	}
	return 0;
}

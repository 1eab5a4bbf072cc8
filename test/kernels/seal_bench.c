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
 * run (about 16k vmas in all); rotating the order gives every variant the
 * same share of that.  Each variant checks that its seal took (mprotect
 * refused with EPERM) on one page per round.
 *
 * Prints numbers and never asserts on them (the target is stated in
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

#define NCALLS 64
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

static double median(const double *v, int n)
{
	double *s = malloc(n * sizeof(*s));
	double m;

	if (!s)
		die("malloc");
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 41;
	double *ratio;
	char *probe;

	if (argc > 2 || rounds < 1 || rounds > 1000) {
		fprintf(stderr, "usage: seal-bench [ROUNDS (1..1000)]\n");
		return 2;
	}
	page = sysconf(_SC_PAGESIZE);
	/* A kernel without the series refuses any non-zero flag. */
	probe = arena();
	if (sys_mseal(probe, page, SB_MM_SEAL_PROT)) {
		fprintf(stderr,
			"seal-bench: mseal(MM_SEAL_PROT): %s: "
			"no seal types in this kernel\n",
			strerror(errno));
		return 77;
	}
	ratio = malloc(rounds * sizeof(*ratio));
	if (!ratio)
		die("malloc");
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

	printf("seal-bench: %d rounds of %d calls, median ns per call, "
	       "median of the per-round ratios\n",
	       rounds, NCALLS);
	for (int v = 0; v < NVARIANTS; v++) {
		const struct variant *b = &variants[variants[v].base];

		for (int r = 0; r < rounds; r++)
			ratio[r] = variants[v].ns[r] / b->ns[r];
		printf("  %-40s %9.0f ns  %5.3fx %s\n", variants[v].name,
		       median(variants[v].ns, rounds), median(ratio, rounds),
		       b->name);
	}
	return 0;
}

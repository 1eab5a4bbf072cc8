// SPDX-License-Identifier: MIT
/*
 * The seal fuzzer's calls (see test/t_fuzz_seal.c for the whole picture).
 *
 *   fz_gen:    op by weight (minus MSEAL_FUZZ_SKIP) -> addresses from
 *              edge_addr() (sealed ranges, their edges and neighbours, the
 *              2 MiB and 1 GiB boundaries around them, sometimes tagged or
 *              unaligned) -> lengths from edge_len() (pages, distances to
 *              the edges, huge sizes, 0, unaligned, wrapping) -> flags
 *   fz_exec:   the raw system call (or int 0x80, the x32 bit, an io_uring
 *              request, a read that faults) -> res = value or -errno
 *
 * Every draw comes from the PRNG alone, never from an earlier result, so
 * that two runs of a seed make the same calls.  Lengths that would reach
 * memory outside the arena (the test's own code, libc, ASan's shadow) are
 * cut at the arena's safe zone, except lengths that wrap or leave the user
 * address space: those are the kernel's to refuse.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fuzz_seal.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef SHM_REMAP
#define SHM_REMAP 040000
#endif
#ifndef SHM_HUGETLB
#define SHM_HUGETLB 04000
#endif
#ifndef PR_SET_MM
#define PR_SET_MM 35
#endif
#define MM_START_BRK 6
#define MM_BRK 7
#define MM_MAP 14
#define MM_MAP_SIZE 15
#define X32_BIT 0x40000000L
#define NR_PROCESS_MADVISE 440
#define NR_PKEY_MPROTECT 329
#define PROT_GROWSDOWN_ 0x01000000
#define PROT_GROWSUP_ 0x02000000

#define MIB (1UL << 20)
#define GIB (1UL << 30)
#define TASK_TOP (1UL << 47)

struct fz_world fz;

/* ---- the PRNG: splitmix64, any seed works ------------------------------ */

static uint64_t rnd_state;

void fz_seed(uint64_t seed)
{
	rnd_state = seed;
}

static uint64_t rnd(void)
{
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int below(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

static bool skipped(unsigned int cat)
{
	return fz.skip & (1u << cat);
}

/* ---- names ------------------------------------------------------------ */

static const char *const cat_names[FZ_NCAT] = {
	"mmap",
	"munmap",
	"mprotect",
	"pkey_mprotect",
	"mremap",
	"madvise",
	"process_madvise",
	"brk",
	"prctl",
	"shm",
	"remap_file_pages",
	"touch",
	"io_uring",
	"i386",
	"x32",
	"aio",
	"hugetlb",
	"wrap",
	"tag",
	"growsdown",
};

const char *fz_cat_name(unsigned int cat)
{
	return cat < FZ_NCAT ? cat_names[cat] : "?";
}

int fz_parse_skip(const char *list, unsigned int *mask, char *bad, size_t size)
{
	char buf[512], *save = NULL;

	*mask = 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *w = strtok_r(buf, ", ", &save); w;
	     w = strtok_r(NULL, ", ", &save)) {
		unsigned int k;

		for (k = 0; k < FZ_NCAT; k++)
			if (!strcmp(w, cat_names[k]))
				break;
		if (k == FZ_NCAT) {
			snprintf(bad, size, "%s", w);
			return -1;
		}
		*mask |= 1u << k;
	}
	return 0;
}

/* ---- addresses and lengths -------------------------------------------- */

/* The heap's region is left out: around it lie malloc's heap and the
 * program's data, which the fuzzer must not hit. */
static const struct fz_region *any_region(void)
{
	const struct fz_region *r;

	do
		r = &fz.reg[below((unsigned int)fz.nreg)];
	while (r->quiet);
	return r;
}

/* A page-aligned address where a seal is most likely to be got wrong. */
static uint64_t edge_page(void)
{
	const struct fz_region *r = any_region();
	uint64_t pg = fz.pg, s = r->seal ? r->seal : r->map;
	uint64_t e = r->seal ? r->seal_end : r->map_end;
	uint64_t n = (e - s) / pg, twom = 2 * MIB;
	unsigned int k = below(100);

	if (k < 45) {
		switch (below(8)) {
		case 0:
			return s;
		case 1:
			return e;
		case 2:
			return s - pg * (1 + below(4));
		case 3:
			return e - pg * (1 + below(2));
		case 4:
			return s + pg * below((unsigned int)n);
		case 5:
			return r->map;
		case 6:
			return r->map_end;
		default:
			return e + pg * below(4);
		}
	}
	if (k < 60) {
		/* The 2 MiB boundaries around the region, give or take a page
		 * (hugetlb lengths round up to them). */
		uint64_t b = (below(2) ? s : e) & ~(twom - 1);

		b += (uint64_t)(int64_t)(below(3) - 1) * twom;
		switch (below(3)) {
		case 0:
			return b;
		case 1:
			return b - pg;
		default:
			return b + pg;
		}
	}
	if (k < 68)
		return fz.g + (uint64_t)(int64_t)((int)below(17) - 8) * pg +
		       (below(4) ? 0 : (below(2) ? twom : -twom));
	if (k < 90)
		return fz.win_lo +
		       pg * below((unsigned int)((fz.win_hi - fz.win_lo) / pg));
	if (k < 96) {
		/* Below a growsdown region, where it grows. */
		for (int i = 0; i < fz.nreg; i++)
			if (fz.reg[i].growsdown)
				return fz.reg[i].map - pg * (1 + below(16));
		return fz.g;
	}
	switch (below(6)) {
	case 0:
		return 0;
	case 1:
		return TASK_TOP - pg;
	case 2:
		return TASK_TOP;
	case 3:
		return -pg;
	case 4:
		return 0xffff800000000000UL;
	default:
		return (rnd() | (1UL << 63)) & ~(pg - 1);
	}
}

/* LAM tags (bits 57-62) or bit 63 on an arena address. */
static uint64_t tag(uint64_t a)
{
	if (skipped(FZ_TAG) || below(16))
		return a;
	if (below(4))
		return a | ((rnd() & 0x3f) << 57) | (1UL << 57);
	return a | (1UL << 63);
}

static uint64_t edge_addr(void)
{
	uint64_t a = tag(edge_page());

	if (below(24) == 0)
		a += 1 + below((unsigned int)fz.pg - 1);
	return a;
}

static bool in(uint64_t a, uint64_t lo, uint64_t hi)
{
	return a >= lo && a < hi;
}

/*
 * Keeps [a, a + len) off the test's own memory: a range inside the user
 * address space that leaves the arena's safe zone is cut at its end.
 * Wrapping ranges and ranges past the user address space stay whole: the
 * kernel refuses them, and must.
 */
static uint64_t safe_len(uint64_t a, uint64_t len)
{
	uint64_t e = a + len, lim;

	if (e < a || a >= TASK_TOP || e > TASK_TOP)
		return len;
	if (in(a, fz.safe_lo, fz.safe_hi))
		lim = fz.safe_hi;
	else if (fz.low && in(a, fz.low, fz.low_hi))
		lim = fz.low_hi;
	else
		lim = 65536 > a ? 65536 : a + fz.pg;
	return e > lim ? lim - a : len;
}

/*
 * madvise checks only that the range does not wrap: it walks every mapping
 * up to the end, past the top of the user address space too, so a long
 * advice would reach the test's own memory.  Cut at the safe zone too.
 */
static uint64_t madv_len(uint64_t a, uint64_t len)
{
	uint64_t e = a + len, lim;

	if (e < a || a >= TASK_TOP)
		return len;
	if (in(a, fz.safe_lo, fz.safe_hi))
		lim = fz.safe_hi;
	else if (fz.low && in(a, fz.low, fz.low_hi))
		lim = fz.low_hi;
	else
		lim = 65536 > a ? 65536 : a + fz.pg;
	return e > lim ? lim - a : len;
}

static uint64_t edge_len(uint64_t a)
{
	uint64_t pg = fz.pg, ua = a & ~(0x7fUL << 57) & ~(1UL << 63);
	const struct fz_region *r = any_region();
	unsigned int k = below(100);
	uint64_t len;

	/* From the top half: a short length that wraps past 2^64.  The
	 * kernel may act before it looks at the source (mremap unmaps a FIXED
	 * destination first). */
	if (a >= TASK_TOP && !skipped(FZ_WRAP) && below(2))
		return -a + pg * below(8);
	if (k < 38) {
		len = pg * (1 + below(8));
	} else if (k < 54) {
		/* To an edge of a sealed range, or just short of or past it. */
		uint64_t t = below(2) ? r->seal_end : r->seal;

		if (!t)
			t = r->map_end;
		len = t > ua ? t - ua : pg;
		len += (uint64_t)(int64_t)((int)below(3) - 1) * pg;
	} else if (k < 62) {
		static const uint64_t big[] = {
			2 * MIB, 2 * MIB - 4096, 2 * MIB + 4096, 4 * MIB,
			GIB,	 GIB + 2 * MIB
		};
		len = big[below(6)];
	} else if (k < 68) {
		len = pg * (1 + below(64));
	} else if (k < 72) {
		len = 0;
	} else if (k < 80) {
		len = pg * below(4) + 1 + below((unsigned int)pg - 1);
	} else if (k < 92 && !skipped(FZ_WRAP)) {
		switch (below(8)) {
		case 0:
			len = -a;
			break;
		case 1:
			len = -a + pg * (1 + below(8));
			break;
		case 2:
			len = -(uint64_t)(1 + below(4095)); /* aligns to 0 */
			break;
		case 3:
			len = 1UL << 63;
			break;
		case 4:
			len = (1UL << 32) + pg * (1 + below(4));
			break;
		case 5:
			len = -pg;
			break;
		case 6:
			len = TASK_TOP;
			break;
		default:
			len = -a - pg * below(4);
			break;
		}
	} else {
		len = pg * (1 + below(4));
	}
	return safe_len(ua, len);
}

/* ---- flags ------------------------------------------------------------- */

static int rnd_prot(void)
{
	static const int p[] = { PROT_NONE,
				 PROT_READ,
				 PROT_READ | PROT_WRITE,
				 PROT_READ | PROT_EXEC,
				 PROT_READ | PROT_WRITE | PROT_EXEC,
				 PROT_WRITE };
	int prot = p[below(6)];

	if (below(10) == 0 && !skipped(FZ_GROWSDOWN))
		prot |= below(2) ? PROT_GROWSDOWN_ : PROT_GROWSUP_;
	if (below(40) == 0)
		prot |= below(2) ? 0x8 /* PROT_SEM */ : 0x10000;
	return prot;
}

/* MAP_HUGE_2MB, _1GB, unsupported sizes and all six bits (63): as
 * unsigned, since 63 << 26 does not fit an int. */
static int huge_bits(void)
{
	static const unsigned int sh[] = { 0, 21, 30, 16, 12, 29, 63 };

	return (int)(sh[below(7)] << MAP_HUGE_SHIFT);
}

static const int advices[] = {
	0,  1,	2,  3,	4,  8,	9,  10, 11, 12,	 13,  14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 102, 103, 5,  26, -1,
};
#define NADV (sizeof(advices) / sizeof(advices[0]))
/* The destructive ones again, so that they come up more often; never
 * MADV_HWPOISON or MADV_SOFT_OFFLINE, which act on the machine's memory. */
static const int destructive[] = { 4, 8, 9, 10, 18, 24, 102 };

static uint64_t rnd_advice(void)
{
	uint64_t adv = below(2) ? (uint64_t)(int64_t)advices[below(NADV)] :
				  (uint64_t)destructive[below(7)];

	if (below(20) == 0)
		adv |= 1UL << 32; /* the kernel reads an int */
	return adv;
}

/* ---- the draw ---------------------------------------------------------- */

static const unsigned int weight[FZ_NOPS] = {
	[FZ_MMAP] = 16,
	[FZ_MUNMAP] = 9,
	[FZ_MPROTECT] = 10,
	[FZ_PKEY_MPROTECT] = 3,
	[FZ_MREMAP] = 14,
	[FZ_MADVISE] = 14,
	[FZ_PROCESS_MADVISE] = 3,
	[FZ_BRK] = 3,
	[FZ_PRCTL] = 3,
	[FZ_SHM] = 5,
	[FZ_REMAP_FILE_PAGES] = 2,
	[FZ_TOUCH] = 5,
	[FZ_IO_URING] = 4,
	[FZ_I386] = 5,
	[FZ_X32] = 3,
	[FZ_AIO] = 3,
};

static bool op_skipped(unsigned int op)
{
	if (skipped(op))
		return true;
	if (op == FZ_TOUCH && skipped(FZ_GROWSDOWN))
		return true;
	if (op == FZ_I386 && (!fz.have_i386 || !fz.low))
		return true;
	if (op == FZ_IO_URING && fz.ring_fd < 0)
		return true;
	return false;
}

static unsigned int draw_op(void)
{
	unsigned int total = 0, k;

	for (unsigned int op = 0; op < FZ_NOPS; op++)
		total += op_skipped(op) ? 0 : weight[op];
	if (!total)
		return FZ_TOUCH; /* everything skipped: reads only */
	k = below(total);
	for (unsigned int op = 0; op < FZ_NOPS; op++) {
		if (op_skipped(op))
			continue;
		if (k < weight[op])
			return op;
		k -= weight[op];
	}
	return FZ_TOUCH;
}

/* fd choices of mmap: sub holds the index. */
enum { FD_NONE, FD_MEMFD, FD_HUGE, FD_TMP, FD_ZERO, FD_BAD, NFD };
static const char *const fd_names[NFD] = { "-1",      "memfd",	   "hugememfd",
					   "tmpfile", "/dev/zero", "999" };

static int fd_of(unsigned int sub)
{
	switch (sub) {
	case FD_MEMFD:
		return fz.memfd;
	case FD_HUGE:
		return fz.hugefd;
	case FD_TMP:
		return fz.tmpfd;
	case FD_ZERO:
		return fz.zerofd;
	case FD_BAD:
		return 999;
	default:
		return -1;
	}
}

/* i386 and x32 variants: sub. */
enum { V_MUNMAP, V_MPROTECT, V_MADVISE, V_MREMAP, V_MMAP, NV };
static const char *const v_names[NV] = { "munmap", "mprotect", "madvise",
					 "mremap", "mmap" };

/* A low address for int 0x80: around the low arena, as 32 bits. */
static uint64_t low_addr(void)
{
	uint64_t pg = fz.pg;

	/* Never a truncated arena address: below 4 GiB lie a non-PIE
	 * test binary and ASan's shadow. */
	return fz.low + pg * below((unsigned int)((fz.low_hi - fz.low) / pg));
}

static void gen_mmap(struct fz_call *c)
{
	unsigned int k = below(100);
	int flags;

	c->a[0] = below(12) ? edge_addr() : 0;
	c->a[1] = edge_len(c->a[0]);
	c->a[2] = (uint64_t)rnd_prot();
	flags = below(4) ? MAP_PRIVATE :
			   (below(4) ? MAP_SHARED : MAP_SHARED_VALIDATE);
	if (k < 55)
		flags |= MAP_FIXED;
	else if (k < 75)
		flags |= MAP_FIXED_NOREPLACE;
	if (below(10) == 0)
		flags |= MAP_FIXED | MAP_FIXED_NOREPLACE;
	c->sub = below(2) ? FD_NONE : (uint8_t)below(NFD);
	if (c->sub == FD_NONE || below(8) == 0)
		flags |= MAP_ANONYMOUS;
	if (!skipped(FZ_HUGETLB) && below(6) == 0)
		flags |= MAP_HUGETLB | huge_bits();
	if (c->sub == FD_HUGE && skipped(FZ_HUGETLB))
		c->sub = FD_MEMFD;
	if (!skipped(FZ_GROWSDOWN) && below(10) == 0)
		flags |= MAP_GROWSDOWN;
	if (below(16) == 0)
		flags |= MAP_POPULATE;
	if (below(16) == 0)
		flags |= MAP_NORESERVE;
#ifdef MAP_32BIT
	if (below(32) == 0)
		flags |= MAP_32BIT;
#endif
	/* MAP_LOCKED is left out: a locked mapping that a later mremap
	 * grows is populated whole, and a length near 2^47 is all memory. */
	if (below(64) == 0)
		flags |= MAP_STACK;
	if (((flags & MAP_HUGETLB) || c->sub == FD_HUGE) && below(2)) {
		/* The attack: a short length at the huge page boundary below
		 * a seal, which the kernel rounds up over it. */
		const struct fz_region *r = any_region();
		uint64_t s = r->seal ? r->seal : r->map;

		c->a[0] = (s & ~(2 * MIB - 1)) - (below(4) ? 0 : 2 * MIB);
		c->a[1] = fz.pg * (1 + below(8));
	}
	/* Populating a length near 2^47 ends in the OOM killer (seen in a
	 * 1 GiB guest), not in a finding: only short mappings populate. */
	if (c->a[1] > 16 * MIB)
		flags &= ~MAP_POPULATE;
	c->a[3] = (uint64_t)(unsigned int)flags;
	switch (below(6)) {
	case 0:
		c->a[5] = fz.pg * below(16);
		break;
	case 1:
		c->a[5] = 2 * MIB * below(2);
		break;
	case 2:
		c->a[5] = 1 + below(4095);
		break;
	case 3:
		c->a[5] = -fz.pg;
		break;
	default:
		c->a[5] = 0;
	}
}

static void gen_mremap(struct fz_call *c)
{
	static const uint64_t fl[] = {
		0,
		MREMAP_MAYMOVE,
		MREMAP_MAYMOVE | MREMAP_FIXED,
		MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
		MREMAP_MAYMOVE | MREMAP_DONTUNMAP,
		MREMAP_FIXED,
		MREMAP_DONTUNMAP,
		MREMAP_FIXED | MREMAP_DONTUNMAP,
		8, /* unknown */
	};
	uint64_t pg = fz.pg;

	c->a[0] = edge_addr();
	if (!skipped(FZ_WRAP) && below(8) == 0) {
		/* A source that wraps past 2^64 from the top half. */
		static const uint64_t top[] = { -4096UL, -8192UL,
						0xffff800000000000UL,
						0xfffffffffff00000UL };

		c->a[0] = below(2) ? top[below(4)] : edge_page() | (1UL << 63);
	}
	c->a[1] = below(6) ? edge_len(c->a[0]) : 0; /* 0: a shm copy */
	switch (below(5)) {
	case 0: /* shrink */
		c->a[2] = c->a[1] > pg ? c->a[1] - pg * (1 + below(2)) : pg;
		break;
	case 1: /* grow */
		c->a[2] = c->a[1] + pg * (1 + below(8));
		break;
	case 2: /* same */
		c->a[2] = c->a[1];
		break;
	default:
		c->a[2] = edge_len(c->a[0]);
	}
	c->a[3] = fl[below(sizeof(fl) / sizeof(fl[0]))];
	/* Overlapping the source now and then, else anywhere on the edges. */
	if (below(4) == 0)
		c->a[4] = (c->a[0] & ~(pg - 1)) +
			  (uint64_t)(int64_t)((int)below(9) - 4) * pg;
	else
		c->a[4] = edge_addr();
	c->a[2] = safe_len(c->a[0] & ~(0xffUL << 56), c->a[2]);
	if (c->a[3] & MREMAP_FIXED)
		c->a[2] = safe_len(c->a[4] & ~(0xffUL << 56), c->a[2]);
}

void fz_gen(struct fz_call *c)
{
	memset(c, 0, sizeof(*c));
	c->op = (uint8_t)draw_op();
	switch (c->op) {
	case FZ_MMAP:
		gen_mmap(c);
		break;
	case FZ_MUNMAP:
		c->a[0] = edge_addr();
		c->a[1] = edge_len(c->a[0]);
		break;
	case FZ_MPROTECT:
	case FZ_PKEY_MPROTECT: {
		static const int pk[] = { -1, 0, 1, 15, -2 };

		c->a[0] = edge_addr();
		c->a[1] = edge_len(c->a[0]);
		c->a[2] = (uint64_t)rnd_prot();
		c->sub = (uint8_t)below(5);
		c->a[3] =
			(uint64_t)(int64_t)(c->sub == 4 ? fz.pkey : pk[c->sub]);
		break;
	}
	case FZ_MREMAP:
		gen_mremap(c);
		break;
	case FZ_MADVISE:
	case FZ_IO_URING:
		c->a[0] = edge_addr();
		c->a[1] = madv_len(c->a[0], edge_len(c->a[0]));
		if (c->op == FZ_IO_URING) /* sqe->len is 32 bits */
			c->a[1] = madv_len(c->a[0], (uint32_t)c->a[1]);
		c->a[2] = rnd_advice();
		break;
	case FZ_PROCESS_MADVISE:
		c->a[0] = edge_addr();
		c->a[1] = madv_len(c->a[0], edge_len(c->a[0]));
		c->a[2] = rnd_advice();
		c->a[3] = below(8) ? 0 : 1;
		break;
	case FZ_BRK:
		/* In the arena (after PR_SET_MM moved the heap there), in the
		 * pages added to the break, or 0. */
		if (fz.heap && below(3) == 0)
			c->a[0] = fz.heap +
				  fz.pg * below((unsigned int)((fz.heap_end -
								fz.heap) /
								       fz.pg +
							       4));
		else
			c->a[0] = below(10) ? edge_page() : 0;
		break;
	case FZ_AIO:
		/* An AIO ring shrunk, moved next to a seal and destroyed: the
		 * kernel unmaps the length it set up, at the new place. */
		c->sub = (uint8_t)below(4);
		c->a[0] = fz.aio_ctx;
		switch (c->sub) {
		case 0:
			c->a[0] = 1 + below(1000);
			break;
		case 1:
			c->a[1] = fz.pg * (1 + below(16));
			c->a[2] = fz.pg * (1 + below(2));
			break;
		case 2:
			c->a[1] = c->a[2] = fz.pg * (1 + below(2));
			c->a[4] = edge_page();
			break;
		default:
			if (below(4) == 0)
				c->a[0] = edge_page();
		}
		break;
	case FZ_PRCTL:
		c->sub = (uint8_t)below(3);
		c->a[0] = edge_page();
		c->a[1] = edge_page();
		break;
	case FZ_SHM: {
		static const int fl[] = { 0,	      SHM_RND,
					  SHM_REMAP,  SHM_REMAP | SHM_RDONLY,
					  SHM_RDONLY, SHM_EXEC | SHM_REMAP };

		c->sub = (uint8_t)(below(3) ? 0 : 1); /* shmat, shmdt */
		c->a[0] = (uint64_t)below(fz.nshm ? (unsigned int)fz.nshm : 1);
		c->a[1] = edge_addr();
		if (below(10) == 0)
			c->a[1] += 1 + below(8191); /* SHM_RND rounds */
		c->a[2] = (uint64_t)fl[below(6)];
		break;
	}
	case FZ_REMAP_FILE_PAGES:
		c->a[0] = edge_addr();
		c->a[1] = edge_len(c->a[0]);
		c->a[2] = below(8) ? 0 : PROT_READ;
		c->a[3] = below(16);
		c->a[4] = below(8) ? 0 : MAP_NONBLOCK;
		break;
	case FZ_TOUCH:
		c->a[0] = edge_page() + below(2) * (fz.pg - 1);
		c->a[1] = below(4) == 0; /* write */
		break;
	case FZ_I386:
	case FZ_X32:
		c->sub = (uint8_t)below(NV);
		c->a[0] = c->op == FZ_I386 ? low_addr() : edge_addr();
		c->a[1] = c->op == FZ_I386 ?
				  fz.pg * (1 + below(8)) +
					  (below(8) ? 0 : 1 + below(4095)) :
				  edge_len(c->a[0]);
		switch (c->sub) {
		case V_MPROTECT:
			c->a[2] = (uint64_t)rnd_prot();
			break;
		case V_MADVISE:
			c->a[1] = madv_len(c->a[0], c->a[1]);
			c->a[2] = (uint64_t)destructive[below(7)];
			break;
		case V_MREMAP:
			c->a[2] = c->a[1] + fz.pg * below(3);
			c->a[3] = below(2) ? MREMAP_MAYMOVE :
					     MREMAP_MAYMOVE | MREMAP_FIXED;
			c->a[4] = c->op == FZ_I386 ? low_addr() : edge_addr();
			break;
		case V_MMAP:
			c->a[2] = (uint64_t)rnd_prot();
			c->a[3] = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
			c->a[4] = (uint64_t)-1;
			break;
		}
		if (c->op == FZ_I386) {
			c->a[0] = (uint32_t)c->a[0];
			c->a[1] = safe_len(c->a[0], (uint32_t)c->a[1]);
			c->a[4] = c->sub == V_MREMAP ? (uint32_t)c->a[4] :
						       c->a[4];
		}
		break;
	}
}

/* ---- making the call --------------------------------------------------- */

static int64_t ret(long r)
{
	return r == -1 ? -(int64_t)errno : (int64_t)r;
}

static int64_t ret_ptr(void *p)
{
	return p == MAP_FAILED ? -(int64_t)errno : (int64_t)(uintptr_t)p;
}

static long int80(long nr, long a, long b, long c, long d, long e)
{
#if defined(__x86_64__)
	long r;

	/* ebp is the sixth argument (mmap2's page offset): 0.  The red zone
	 * below rsp may hold the caller's data, so step over it first. */
	__asm__ volatile("sub $128, %%rsp\n\tpush %%rbp\n\t"
			 "xor %%ebp, %%ebp\n\tint $0x80\n\t"
			 "pop %%rbp\n\tadd $128, %%rsp"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory", "cc", "r8", "r9", "r10", "r11");
	return r;
#else
	/* No int 0x80 here: fz_i386_works() says so before any call. */
	(void)nr, (void)a, (void)b, (void)c, (void)d, (void)e;
	return -ENOSYS;
#endif
}

static int64_t compat_call(const struct fz_call *c)
{
	static const long nr32[NV] = { 91, 125, 219, 163, 192 };
	static const long nr64[NV] = { SYS_munmap, SYS_mprotect, SYS_madvise,
				       SYS_mremap, SYS_mmap };
	const uint64_t *a = c->a;

	if (c->op == FZ_I386)
		return int80(nr32[c->sub], (long)a[0], (long)a[1], (long)a[2],
			     (long)a[3], (long)a[4]);
	return ret(syscall(X32_BIT | nr64[c->sub], a[0], a[1], a[2], a[3], a[4],
			   0));
}

static sigjmp_buf touch_jmp;
static volatile sig_atomic_t touching;

static void on_fault(int sig)
{
	if (touching)
		siglongjmp(touch_jmp, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_fault_handler(void)
{
	static bool installed;
	struct sigaction sa;

	if (installed)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	installed = true;
}

/* A read (or write) of one byte that may fault: 0, or -EFAULT. */
static int64_t touch(uint64_t addr, bool write)
{
	volatile char *p = (volatile char *)(uintptr_t)addr;

	install_fault_handler();
	if (sigsetjmp(touch_jmp, 1)) {
		touching = 0;
		return -EFAULT;
	}
	touching = 1;
	if (write)
		*p = *p;
	else
		(void)*p;
	touching = 0;
	return 0;
}

static void leave_arena_clean(int64_t r, uint64_t len)
{
	/* A mapping the kernel placed outside the arena: ours, unsealed;
	 * unmapped so that a long run does not pile them up. */
	if (r > 0 && !in((uint64_t)r, fz.safe_lo, fz.safe_hi) &&
	    !(fz.low && in((uint64_t)r, fz.low, fz.low_hi)))
		munmap((void *)(uintptr_t)r, len);
}

static int64_t uring_madvise(const struct fz_call *c)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	unsigned int tail = *fz.sq_tail, idx = tail & *fz.sq_mask, head;
	long r;

	sqe = (struct io_uring_sqe *)fz.sqes + idx;
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_MADVISE;
	sqe->addr = c->a[0];
	sqe->len = (uint32_t)c->a[1];
	sqe->fadvise_advice = (uint32_t)c->a[2];
	fz.sq_array[idx] = idx;
	__atomic_store_n(fz.sq_tail, tail + 1, __ATOMIC_RELEASE);
	r = syscall(SYS_io_uring_enter, fz.ring_fd, 1, 1,
		    IORING_ENTER_GETEVENTS, NULL, 0);
	if (r < 0)
		return -(int64_t)errno;
	head = *fz.cq_head;
	if (head == __atomic_load_n(fz.cq_tail, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	cqe = (struct io_uring_cqe *)fz.cqes + (head & *fz.cq_mask);
	r = cqe->res;
	__atomic_store_n(fz.cq_head, head + 1, __ATOMIC_RELEASE);
	return r;
}

/* Without ia32 emulation, int 0x80 is a general protection fault. */
bool fz_i386_works(void)
{
	long r;

	install_fault_handler();
	if (sigsetjmp(touch_jmp, 1)) {
		touching = 0;
		return false;
	}
	touching = 1;
	r = int80(20 /* getpid */, 0, 0, 0, 0, 0);
	touching = 0;
	return r == getpid();
}

bool fz_uring_setup(void)
{
	struct io_uring_params p;
	char *sq, *cq;
	int fd;

	memset(&p, 0, sizeof(p));
	fz.ring_fd = -1;
	fd = (int)syscall(SYS_io_uring_setup, 4, &p);
	if (fd < 0)
		return false;
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned int),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL,
		  p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		  IORING_OFF_CQ_RING);
	fz.sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		       IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || fz.sqes == MAP_FAILED) {
		close(fd);
		return false;
	}
	fz.sq_head = (unsigned int *)(sq + p.sq_off.head);
	fz.sq_tail = (unsigned int *)(sq + p.sq_off.tail);
	fz.sq_mask = (unsigned int *)(sq + p.sq_off.ring_mask);
	fz.sq_array = (unsigned int *)(sq + p.sq_off.array);
	fz.cq_head = (unsigned int *)(cq + p.cq_off.head);
	fz.cq_tail = (unsigned int *)(cq + p.cq_off.tail);
	fz.cq_mask = (unsigned int *)(cq + p.cq_off.ring_mask);
	fz.cqes = cq + p.cq_off.cqes;
	fz.ring_fd = fd;
	return true;
}

/* PR_SET_MM_MAP with the process's own values and a new heap. */
static int64_t prctl_mm_map(uint64_t start_brk, uint64_t brk)
{
	struct prctl_mm_map m;
	unsigned long long v[52];
	char buf[4096], *p;
	unsigned int size = 0;
	ssize_t n;
	int fd, i;

	if (prctl(PR_SET_MM, MM_MAP_SIZE, &size, 0, 0) != 0)
		return -(int64_t)errno;
	fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -(int64_t)errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	/* Fields after "(comm)": the 3rd of the line is the first here. */
	p = strrchr(buf, ')');
	if (!p)
		return -EIO;
	p += 2;
	for (i = 3; i <= 51 && *p; i++) {
		if (*p >= '0' && *p <= '9')
			v[i] = strtoull(p, &p, 10);
		else
			v[i] = 0, p = strchr(p, ' ') ? strchr(p, ' ') : p + 1;
		while (*p == ' ')
			p++;
	}
	if (i <= 51)
		return -EIO;
	memset(&m, 0, sizeof(m));
	m.start_code = v[26];
	m.end_code = v[27];
	m.start_stack = v[28];
	m.start_data = v[45];
	m.end_data = v[46];
	m.start_brk = start_brk;
	m.brk = brk;
	m.arg_start = v[48];
	m.arg_end = v[49];
	m.env_start = v[50];
	m.env_end = v[51];
	m.exe_fd = (uint32_t)-1;
	return ret(prctl(PR_SET_MM, MM_MAP, &m, sizeof(m), 0));
}

/* The length of the mapping that starts at addr, from /proc/self/maps. */
static uint64_t mapping_len(uint64_t addr)
{
	static char buf[1 << 18];
	char line[64];
	size_t n = 0;
	ssize_t r;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	char *p, *q;

	if (fd < 0)
		return 0;
	while ((r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = '\0';
	snprintf(line, sizeof(line), "%lx-", (unsigned long)addr);
	for (p = buf; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, line, strlen(line)))
			return strtoul(p + strlen(line), &q, 16) - addr;
	return 0;
}

/*
 * The AIO ring lives outside the arena until a move brings it in, so its
 * lengths are cut to what it has: a shrink past its end, or io_destroy of
 * a shrunk ring (which unmaps the length io_setup gave it), would unmap
 * the test's own memory.  A call left out answers -ECANCELED, the same in
 * both twins.
 */
static int64_t aio_call(struct fz_call *c)
{
	uint64_t *a = c->a, ctx = 0;
	bool inside = in(fz.aio_ctx, fz.safe_lo, fz.safe_hi);
	int64_t r;

	switch (c->sub) {
	case 0:
		if (fz.aio_ctx)
			return -ECANCELED; /* one ring at a time */
		r = ret(syscall(SYS_io_setup, a[0], &ctx));
		if (r == 0) {
			fz.aio_ctx = ctx;
			fz.aio_len = fz.aio_size = mapping_len(ctx);
		}
		return r;
	case 1:
	case 2:
		if (!fz.aio_ctx || !fz.aio_len)
			return -ECANCELED;
		a[0] = fz.aio_ctx;
		if (a[1] > fz.aio_len)
			a[1] = fz.aio_len;
		if (a[2] > a[1] && !inside)
			a[2] = a[1];
		r = ret(syscall(SYS_mremap, a[0], a[1], a[2],
				c->sub == 2 ? MREMAP_MAYMOVE | MREMAP_FIXED : 0,
				a[4]));
		if (r > 0) {
			fz.aio_ctx = (uint64_t)r;
			fz.aio_len = a[2];
		}
		return r;
	default:
		if (a[0] == fz.aio_ctx && !inside && fz.aio_len < fz.aio_size)
			return -ECANCELED;
		r = ret(syscall(SYS_io_destroy, a[0]));
		if (r == 0 && a[0] == fz.aio_ctx)
			fz.aio_ctx = 0;
		return r;
	}
}

void fz_exec(struct fz_call *c)
{
	const uint64_t *a = c->a;
	void *va = (void *)(uintptr_t)a[0];
	int64_t r = 0;

	errno = 0;
	switch (c->op) {
	case FZ_MMAP:
		r = ret_ptr(mmap(va, a[1], (int)a[2], (int)a[3], fd_of(c->sub),
				 (off_t)a[5]));
		leave_arena_clean(r, a[1]);
		break;
	case FZ_MUNMAP:
		r = ret(syscall(SYS_munmap, a[0], a[1]));
		break;
	case FZ_MPROTECT:
		r = ret(syscall(SYS_mprotect, a[0], a[1], a[2]));
		break;
	case FZ_PKEY_MPROTECT:
		r = ret(syscall(NR_PKEY_MPROTECT, a[0], a[1], a[2], a[3]));
		break;
	case FZ_MREMAP:
		r = ret(syscall(SYS_mremap, a[0], a[1], a[2], a[3], a[4]));
		leave_arena_clean(r, a[2]);
		break;
	case FZ_MADVISE:
		r = ret(syscall(SYS_madvise, a[0], a[1], a[2]));
		break;
	case FZ_PROCESS_MADVISE: {
		struct iovec iov = { va, a[1] };

		r = ret(syscall(NR_PROCESS_MADVISE, fz.pidfd, &iov, 1UL, a[2],
				a[3]));
		break;
	}
	case FZ_BRK:
		r = ret(syscall(SYS_brk, a[0]));
		break;
	case FZ_AIO:
		r = aio_call(c);
		break;
	case FZ_PRCTL:
		if (c->sub == 2)
			r = prctl_mm_map(a[0], a[1]);
		else
			r = ret(prctl(PR_SET_MM, c->sub ? MM_BRK : MM_START_BRK,
				      a[0], 0, 0));
		break;
	case FZ_SHM:
		if (c->sub == 0) {
			r = ret_ptr(shmat(fz.nshm ? fz.shmid[a[0]] : -1,
					  (void *)(uintptr_t)a[1], (int)a[2]));
			if (r > 0 && !in((uint64_t)r, fz.safe_lo, fz.safe_hi))
				shmdt((void *)(uintptr_t)r);
		} else {
			r = ret(syscall(SYS_shmdt, a[1]));
		}
		break;
	case FZ_REMAP_FILE_PAGES:
		r = ret(syscall(SYS_remap_file_pages, a[0], a[1], a[2], a[3],
				a[4]));
		break;
	case FZ_TOUCH:
		r = touch(a[0], a[1]);
		break;
	case FZ_IO_URING:
		r = uring_madvise(c);
		break;
	case FZ_I386:
	case FZ_X32:
		r = compat_call(c);
		break;
	}
	c->res = r;
}

void fz_format(const struct fz_call *c, char *buf, size_t size)
{
	const uint64_t *a = c->a;
	char res[64];

	if (c->res < 0)
		snprintf(res, sizeof(res), "-%s",
			 strerrorname_np((int)-c->res) ?
				 strerrorname_np((int)-c->res) :
				 "?");
	else
		snprintf(res, sizeof(res), "%#llx", (unsigned long long)c->res);
	switch (c->op) {
	case FZ_MMAP:
		snprintf(buf, size,
			 "mmap(%#lx, %#lx, prot %#lx, flags %#lx, fd %s, "
			 "off %#lx) = %s",
			 a[0], a[1], a[2], a[3], fd_names[c->sub], a[5], res);
		break;
	case FZ_SHM:
		if (c->sub == 0)
			snprintf(buf, size,
				 "shmat(segment %lu, %#lx, %#lx) = %s", a[0],
				 a[1], a[2], res);
		else
			snprintf(buf, size, "shmdt(%#lx) = %s", a[1], res);
		break;
	case FZ_PRCTL:
		if (c->sub == 2)
			snprintf(buf, size,
				 "prctl(PR_SET_MM, PR_SET_MM_MAP, start_brk "
				 "%#lx, brk %#lx) = %s",
				 a[0], a[1], res);
		else
			snprintf(buf, size, "prctl(PR_SET_MM, %s, %#lx) = %s",
				 c->sub ? "PR_SET_MM_BRK" :
					  "PR_SET_MM_START_BRK",
				 a[0], res);
		break;
	case FZ_IO_URING:
		snprintf(buf, size,
			 "io_uring IORING_OP_MADVISE(%#lx, %#lx, %lu) = %s",
			 a[0], a[1] & 0xffffffffUL, a[2] & 0xffffffffUL, res);
		break;
	case FZ_AIO:
		if (c->sub == 0)
			snprintf(buf, size, "io_setup(%lu) = %s", a[0], res);
		else if (c->sub == 3)
			snprintf(buf, size, "io_destroy(%#lx) = %s", a[0], res);
		else
			snprintf(
				buf, size,
				"mremap(aio ring %#lx, %#lx, %#lx, %s, %#lx) = %s",
				a[0], a[1], a[2],
				c->sub == 2 ? "MAYMOVE|FIXED" : "0", a[4], res);
		break;
	case FZ_TOUCH:
		snprintf(buf, size, "%s byte at %#lx = %s",
			 a[1] ? "write" : "read", a[0], res);
		break;
	case FZ_I386:
	case FZ_X32:
		snprintf(buf, size, "%s %s(%#lx, %#lx, %#lx, %#lx, %#lx) = %s",
			 c->op == FZ_I386 ? "int 0x80" : "x32", v_names[c->sub],
			 a[0], a[1], a[2], a[3], a[4], res);
		break;
	default:
		snprintf(buf, size, "%s(%#lx, %#lx, %#lx, %#lx, %#lx) = %s",
			 cat_names[c->op], a[0], a[1], a[2], a[3], a[4], res);
	}
}

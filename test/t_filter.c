// SPDX-License-Identifier: MIT
/*
 * Tests of the seccomp filter compiler (src/filter.c), run through the
 * test-side model of the kernel (test/bpf_interp.c): no filter is
 * installed.  Every verdict is compared with a reference model written
 * here from SEMANTICS.md sections 2-4, in plain 64-bit C, so that the
 * compiler's 32-bit tricks (carries, group dispatch, trees) are checked
 * against something that shares none of them.
 *
 * MSEAL_FILTER_SEED=n repeats a randomized run.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "harness.h"
#include "filter.h"
#include "bpf_interp.h"

#define PG 4096ull
#define X32 0x40000000u
#define ALLOW SECCOMP_RET_ALLOW
#define EPERM_RET (SECCOMP_RET_ERRNO | EPERM)
#define ZERO_RET (SECCOMP_RET_ERRNO | 0u)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define G4 (1ull << 32)

/* x86-64 numbers. */
enum {
	NR_MMAP = 9,
	NR_MPROTECT = 10,
	NR_MUNMAP = 11,
	NR_BRK = 12,
	NR_MREMAP = 25,
	NR_MADVISE = 28,
	NR_SHMAT = 30,
	NR_SHMDT = 67,
	NR_GETPPID = 110,
	NR_USELIB = 134,
	NR_PRCTL = 157,
	NR_IO_DESTROY = 207,
	NR_REMAP_FILE_PAGES = 216,
	NR_PKEY_MPROTECT = 329,
	NR_PROCESS_MADVISE = 440,
};

/*
 * The architecture under test.  The model names calls by their x86-64
 * numbers (NR_*); ta->nr[] gives each one's number on the architecture
 * (the same order as x86_calls[]), NO_NR where it has none.  The rest is
 * written again from docs/AUDIT.md section 1, not taken from the compiler.
 */
#define NO_NR UINT32_MAX
#define NCALLIDS 14

struct tarch {
	unsigned int arch; /* enum msl_arch */
	uint32_t audit, compat;
	bool x32;
	uint32_t nr[NCALLIDS];
};

static const int x86_calls[NCALLIDS] = {
	NR_MMAP,	  NR_MPROTECT,	      NR_MUNMAP,
	NR_BRK,		  NR_MREMAP,	      NR_MADVISE,
	NR_SHMAT,	  NR_SHMDT,	      NR_REMAP_FILE_PAGES,
	NR_PKEY_MPROTECT, NR_PROCESS_MADVISE, NR_PRCTL,
	NR_IO_DESTROY,	  NR_USELIB,
};

static const struct tarch t_x86 = {
	MSL_ARCH_X86_64,
	AUDIT_ARCH_X86_64,
	AUDIT_ARCH_I386,
	true,
	{ 9, 10, 11, 12, 25, 28, 30, 67, 216, 329, 440, 157, 207, 134 },
};

/* include/uapi/asm-generic/unistd.h: no uselib. */
static const struct tarch t_arm64 = {
	MSL_ARCH_ARM64,
	AUDIT_ARCH_AARCH64,
	AUDIT_ARCH_ARM,
	false,
	{ 222, 226, 215, 214, 216, 233, 196, 197, 234, 288, 440, 167, 1,
	  NO_NR },
};

static const struct tarch *ta = &t_x86;

/* The architecture's number of the call the model calls nr. */
static int arch_nr(int nr)
{
	for (size_t i = 0; i < NCALLIDS; i++)
		if (x86_calls[i] == nr)
			return (int)ta->nr[i];
	return nr;
}

/* The model's name of the architecture's call nr, -1 for another. */
static int model_nr(uint32_t nr)
{
	for (size_t i = 0; i < NCALLIDS; i++)
		if (ta->nr[i] == nr && nr != NO_NR)
			return x86_calls[i];
	return -1;
}

/* ---- the reference model ------------------------------------------ */

struct model {
	const struct msl_frange *r;
	size_t n;
	unsigned int classes;
};

static bool has_flag(const struct model *m, unsigned int f)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->r[i].flags & f)
			return true;
	return false;
}

static uint64_t heap_end(const struct model *m)
{
	uint64_t e = 0;

	for (size_t i = 0; i < m->n; i++)
		if ((m->r[i].flags & MSL_FR_HEAP) && m->r[i].end > e)
			e = m->r[i].end;
	return e;
}

/* Where range i's guard starts: a growsdown piece's down to grow, never
 * below the range before it. */
static uint64_t gstart(const struct model *m, size_t i)
{
	uint64_t s = m->r[i].start;

	if (m->r[i].grow && m->r[i].grow < s)
		s = m->r[i].grow;
	if (i && s < m->r[i - 1].end)
		s = m->r[i - 1].end;
	return s;
}

/* Whether [a, e) meets a range (with all of want in its flags). */
static bool overlaps(const struct model *m, uint64_t a, uint64_t e,
		     unsigned int want)
{
	for (size_t i = 0; i < m->n; i++)
		if ((m->r[i].flags & want) == want && a < m->r[i].end &&
		    gstart(m, i) < e)
			return true;
	return false;
}

/*
 * [a, a + roundup(len)) as the range calls see it; false when the kernel
 * rejects it before looking at seals (unaligned, empty, wrapping).
 */
static bool call_range(uint64_t a, uint64_t len, uint64_t *e)
{
	uint64_t rl;

	if (a % PG || len == 0 || len > UINT64_MAX - (PG - 1))
		return false;
	rl = (len + PG - 1) & ~(PG - 1);
	if (rl > UINT64_MAX - a)
		return false;
	*e = a + rl;
	return true;
}

/*
 * The largest page size the kernel may round a length to at an address:
 * a hugetlb mapping's address is aligned to its page size, 2 MiB or 1 GiB
 * on x86-64; 64 KiB, 2 MiB, 32 MiB or 1 GiB on arm64 (4 KiB granule).
 */
static uint64_t granule(uint64_t a)
{
	static const uint64_t x86[] = { 1ull << 30, 2ull << 20 };
	static const uint64_t arm64[] = { 1ull << 30, 32ull << 20, 2ull << 20,
					  64ull << 10 };
	bool arm = ta->arch == MSL_ARCH_ARM64;
	const uint64_t *h = arm ? arm64 : x86;

	for (size_t i = 0; i < (arm ? NELEM(arm64) : NELEM(x86)); i++)
		if (a % h[i] == 0)
			return h[i];
	return PG;
}

/* e rounded up to gr; false when that passes 2^64. */
static bool round_end(uint64_t e, uint64_t gr, uint64_t *out)
{
	uint64_t r = e % gr;

	if (!r) {
		*out = e;
		return true;
	}
	if (e - r > UINT64_MAX - gr)
		return false;
	*out = e - r + gr;
	return true;
}

static bool destructive(uint32_t advice)
{
	static const uint32_t adv[] = { 4, 8, 9, 10, 18, 24, 102 };

	for (size_t i = 0; i < NELEM(adv); i++)
		if (advice == adv[i])
			return true;
	return false;
}

static bool call_enabled(const struct model *m, uint32_t nr)
{
	switch (nr) {
	case NR_SHMDT:
		return (m->classes & MSEAL_BASE) && has_flag(m, MSL_FR_SHM);
	case NR_MUNMAP:
	case NR_MREMAP:
	case NR_MMAP:
	case NR_SHMAT:
	case NR_REMAP_FILE_PAGES:
	case NR_PRCTL:
	case NR_IO_DESTROY:
	case NR_USELIB:
		return m->classes & MSEAL_BASE;
	case NR_BRK:
		return (m->classes & MSEAL_BASE) && heap_end(m);
	case NR_MPROTECT:
	case NR_PKEY_MPROTECT:
		return m->classes & MSEAL_PROT;
	case NR_MADVISE:
	case NR_PROCESS_MADVISE:
		return (m->classes & MSEAL_DISCARD) &&
		       has_flag(m, MSL_FR_DISCARD);
	}
	return false;
}

static uint32_t lo(uint64_t v)
{
	return (uint32_t)v;
}

static uint32_t deny_if(bool refused)
{
	return refused ? EPERM_RET : ALLOW;
}

static uint32_t model_mremap(const struct model *m, const uint64_t *a)
{
	uint64_t flags = a[3], e, d;
	bool moving;

	if (flags & ~7ull)
		return ALLOW;
	if ((flags & 6) && !(flags & 1))
		return ALLOW; /* FIXED or DONTUNMAP without MAYMOVE */
	if ((flags & 2) && a[4] % PG)
		return ALLOW;
	if (a[0] % PG || a[2] == 0 || a[2] > UINT64_MAX - (PG - 1))
		return ALLOW; /* new_len 0 after rounding */
	/*
	 * The mapping at addr must not be sealed (one page); a FIXED or
	 * DONTUNMAP move takes all of [addr, addr + old_len), FIXED also
	 * replaces the destination; otherwise a shrink unmaps
	 * [addr + new_len, addr + old_len) and a growth with MAYMOVE may
	 * move all of [addr, addr + old_len): a seccomp seal does not split
	 * its mapping, so sealed pages may lie past an unsealed first one.
	 * old_len 0 (or rounding to 0) names the mapping at addr: one page.
	 * A hugetlb source rounds old_len and new_len up to its page size,
	 * which divides addr (and new_addr).  The kernel checks the seal
	 * at addr, then unmaps a FIXED destination, and only then rejects a
	 * source past 2^64: such a source counts as its first page, and the
	 * destination still counts.
	 */
	moving = (flags & 6) && a[1] && a[1] <= UINT64_MAX - (PG - 1) &&
		 call_range(a[0], a[1], &e);
	/* The page at an address in the top 4 GiB (no user memory there:
	 * the kernel's EFAULT) is not looked at. */
	if ((moving || a[0] >> 32 != 0xffffffff) &&
	    call_range(a[0], moving ? a[1] : PG, &e) &&
	    round_end(e, moving ? granule(a[0]) : PG, &e) &&
	    overlaps(m, a[0], e, 0))
		return EPERM_RET;
	if (flags & 2) {
		if (!call_range(a[4], a[2], &e) ||
		    !round_end(e, granule(a[0] | a[4]), &e))
			return ALLOW;
		return deny_if(overlaps(m, a[4], e, 0));
	}
	{
		uint64_t rold, rnew, t0, t1;

		if (a[1] == 0 || a[1] > UINT64_MAX - (PG - 1))
			return ALLOW;
		rold = (a[1] + PG - 1) & ~(PG - 1);
		rnew = (a[2] + PG - 1) & ~(PG - 1);
		if (a[0] > UINT64_MAX - rold || a[0] > UINT64_MAX - rnew)
			return ALLOW;
		t0 = a[0] + rnew;
		t1 = a[0] + rold;
		if (t0 > t1 && (flags & 1))
			return deny_if(overlaps(m, a[0], t1, 0));
		if (t0 >= t1 || !round_end(t1, granule(a[0]), &d))
			return ALLOW;
		return deny_if(overlaps(m, t0, d, 0));
	}
}

/* prot bits arch_validate_prot() may accept: arm64 adds PROT_BTI and
 * PROT_MTE where the CPU has them. */
static uint64_t prot_ok(void)
{
	return ta->arch == MSL_ARCH_ARM64 ? 0x3f : 0xf;
}

static uint32_t model_native(const struct model *m, uint32_t nr,
			     const uint64_t *a)
{
	uint64_t e, s, u[6];
	uint32_t f;

	if (!call_enabled(m, nr))
		return ALLOW;
	/*
	 * Calls that untag a user address: x86 LAM strips bits 57-62 (not
	 * from a kernel address, bit 63); arm64 sign-extends bit 55 into the
	 * top byte and keeps the address only where that is all ones.
	 */
	memcpy(u, a, sizeof(u));
	if (ta->arch == MSL_ARCH_ARM64) {
		if (!(a[0] >> 55 & 1))
			u[0] = a[0] & ~(0xffull << 56);
	} else if (!(a[0] >> 63)) {
		u[0] = a[0] & ~(0x3full << 57);
	}
	switch (nr) {
	case NR_MUNMAP:
		return deny_if(call_range(u[0], a[1], &e) &&
			       overlaps(m, u[0], e, 0));
	case NR_MREMAP:
		return model_mremap(m, u);
	case NR_MMAP:
		f = lo(a[3]);
		if (!(f & 0x10) || (f & 0x100000) || a[5] % PG)
			return ALLOW;
		if (!call_range(a[0], a[1], &e))
			return ALLOW;
		/* Anything but plain anonymous memory may be hugetlb. */
		if ((f & 0x40020) != 0x20 && !round_end(e, granule(a[0]), &e))
			return ALLOW;
		return deny_if(overlaps(m, a[0], e, 0));
	case NR_IO_DESTROY:
	case NR_USELIB:
		return EPERM_RET;
	case NR_PRCTL:
		/* PR_SET_MM, but PR_SET_MM_MAP_SIZE (high bits: EINVAL) */
		return deny_if(lo(a[0]) == 35 && lo(a[1]) != 15);
	case NR_SHMDT:
		/* The segment attached at a0 holds a sealed page. */
		for (size_t i = 0; i < m->n; i++)
			if ((m->r[i].flags & MSL_FR_SHM) && m->r[i].seg == a[0])
				return ZERO_RET;
		return ALLOW;
	case NR_SHMAT:
		f = lo(a[2]);
		if (!(f & 040000) || a[1] == 0)
			return ALLOW;
		if (a[1] % PG && !(f & 020000))
			return ALLOW;
		s = a[1] & ~(PG - 1);
		for (size_t i = 0; i < m->n; i++)
			if (m->r[i].end > s)
				return EPERM_RET;
		return ALLOW;
	case NR_REMAP_FILE_PAGES:
		if (a[2])
			return ALLOW;
		s = a[0] & ~(PG - 1);
		e = a[1] & ~(PG - 1);
		if (e == 0 || e > UINT64_MAX - s)
			return ALLOW;
		return deny_if(overlaps(m, s, s + e, 0));
	case NR_BRK:
		return a[0] && a[0] <= heap_end(m) - PG ? ZERO_RET : ALLOW;
	case NR_MPROTECT:
	case NR_PKEY_MPROTECT:
		if (a[2] >> 32 || (a[2] & ~(prot_ok() | 0x0f000000)) ||
		    (a[2] & 0x03000000) == 0x03000000)
			return ALLOW;
		if (!call_range(u[0], a[1], &e))
			return ALLOW;
		s = a[2] & 0x01000000 ? 0 : u[0];
		return deny_if(overlaps(m, s, e, 0));
	case NR_MADVISE:
		if (!destructive(lo(a[2])))
			return ALLOW;
		return deny_if(call_range(u[0], a[1], &e) &&
			       overlaps(m, u[0], e, MSL_FR_DISCARD));
	case NR_PROCESS_MADVISE:
		return deny_if(lo(a[4]) == 0 && destructive(lo(a[3])));
	}
	return ALLOW;
}

/*
 * int 0x80: arguments are the low halves of registers the filter sees in
 * full, so calls are refused by number.  A 32-bit range call reaches
 * below 8 GiB (a 4 GiB start plus a 4 GiB length); shmat and shmdt act
 * on a whole segment of invisible, unbounded size, and brk on the break,
 * so those are refused whatever the ranges' addresses.
 */
static uint32_t model_i386(const struct model *m, uint32_t nr)
{
	bool low = gstart(m, 0) < 2 * G4;
	bool base = m->classes & MSEAL_BASE;

	switch (nr) {
	case 397: /* shmat */
	case 117: /* ipc */
	case 172: /* prctl */
	case 246: /* io_destroy */
	case 86:  /* uselib */
		return deny_if(base);
	case 398: /* shmdt */
		return deny_if(call_enabled(m, NR_SHMDT));
	case 45: /* brk */
		return deny_if(call_enabled(m, NR_BRK));
	case 91:  /* munmap */
	case 163: /* mremap */
	case 90:  /* mmap */
	case 192: /* mmap2 */
	case 257: /* remap_file_pages */
		return deny_if(low && base);
	case 125: /* mprotect */
	case 380: /* pkey_mprotect */
		return deny_if(low && (m->classes & MSEAL_PROT));
	case 219: /* madvise */
	case 440: /* process_madvise */
		return deny_if(low && call_enabled(m, NR_MADVISE));
	}
	return ALLOW;
}

/*
 * AArch32 under arm64's compat layer (arch/arm64/include/asm/unistd32.h):
 * 32-bit arguments as for i386; no old mmap (90) and no ipc (117), both
 * sys_ni_syscall there.
 */
static uint32_t model_arm32(const struct model *m, uint32_t nr)
{
	bool low = gstart(m, 0) < 2 * G4;
	bool base = m->classes & MSEAL_BASE;

	switch (nr) {
	case 305: /* shmat */
	case 172: /* prctl */
	case 244: /* io_destroy */
	case 86:  /* uselib */
		return deny_if(base);
	case 306: /* shmdt */
		return deny_if(call_enabled(m, NR_SHMDT));
	case 45: /* brk */
		return deny_if(call_enabled(m, NR_BRK));
	case 91:  /* munmap */
	case 163: /* mremap */
	case 192: /* mmap2 */
	case 253: /* remap_file_pages */
		return deny_if(low && base);
	case 125: /* mprotect */
	case 394: /* pkey_mprotect */
		return deny_if(low && (m->classes & MSEAL_PROT));
	case 220: /* madvise */
	case 440: /* process_madvise */
		return deny_if(low && call_enabled(m, NR_MADVISE));
	}
	return ALLOW;
}

static uint32_t model(const struct model *m, const struct seccomp_data *d)
{
	uint64_t a[6];
	int nr;

	for (int i = 0; i < 6; i++)
		a[i] = d->args[i];
	if (d->arch == ta->compat)
		return ta->arch == MSL_ARCH_ARM64 ?
			       model_arm32(m, (uint32_t)d->nr) :
			       model_i386(m, (uint32_t)d->nr);
	if (d->arch != ta->audit)
		return ALLOW;
	if (ta->x32 && (uint32_t)d->nr >= X32)
		return deny_if((uint32_t)d->nr - X32 < 1024 &&
			       call_enabled(m, (uint32_t)d->nr - X32));
	nr = model_nr((uint32_t)d->nr);
	return nr < 0 ? ALLOW : model_native(m, (uint32_t)nr, a);
}

/* ---- running programs ---------------------------------------------- */

struct prog {
	struct sock_filter insns[MSL_FILTER_MAX_INSNS];
	size_t len;
	struct model m;
};

static uint64_t seed_used;

static int compile(struct prog *p, const struct msl_frange *r, size_t n,
		   unsigned int classes)
{
	char why[200];
	int len = msl_filter_compile_arch(ta->arch, r, n, classes, p->insns,
					  MSL_FILTER_MAX_INSNS);

	p->m = (struct model){ r, n, classes };
	if (len < 0)
		return len;
	p->len = (size_t)len;
	CHECK(p->len <= MSL_FILTER_MAX_INSNS);
	if (bpf_check(p->insns, p->len, why, sizeof(why)))
		FAIL("seed %#" PRIx64 ": %zu ranges, classes %#x: the kernel "
		     "would reject the program: %s",
		     seed_used, n, classes, why);
	return len;
}

static void compile_ok(struct prog *p, const struct msl_frange *r, size_t n,
		       unsigned int classes)
{
	int rc = compile(p, r, n, classes);

	if (rc < 0)
		FAIL("msl_filter_compile(%zu ranges, %#x) = %d", n, classes,
		     rc);
}

static void print_ranges(const struct model *m)
{
	for (size_t i = 0; i < m->n && i < 40; i++)
		fprintf(stderr,
			"  range %zu: [%#" PRIx64 ", %#" PRIx64 ") %#x\n", i,
			m->r[i].start, m->r[i].end, m->r[i].flags);
	if (m->n > 40)
		fprintf(stderr, "  ... %zu ranges\n", m->n);
}

static uint32_t run(const struct prog *p, const struct seccomp_data *d)
{
	uint32_t ret;

	if (bpf_run(p->insns, p->len, d, &ret))
		FAIL("seed %#" PRIx64 ": the program does something the "
		     "kernel never runs (nr %d)",
		     seed_used, d->nr);
	return ret;
}

/* Runs d through the program and the model; fails when they disagree. */
static void expect_model(const struct prog *p, const struct seccomp_data *d)
{
	uint32_t got = run(p, d), want = model(&p->m, d);

	if (got == want)
		return;
	print_ranges(&p->m);
	FAIL("seed %#" PRIx64 ": classes %#x, %zu ranges: arch %#x nr %d "
	     "args %#llx %#llx %#llx %#llx %#llx %#llx: filter %#x, "
	     "model %#x",
	     seed_used, p->m.classes, p->m.n, d->arch, d->nr,
	     (unsigned long long)d->args[0], (unsigned long long)d->args[1],
	     (unsigned long long)d->args[2], (unsigned long long)d->args[3],
	     (unsigned long long)d->args[4], (unsigned long long)d->args[5],
	     got, want);
}

static struct seccomp_data sd(uint32_t arch, int nr, uint64_t a0, uint64_t a1,
			      uint64_t a2, uint64_t a3, uint64_t a4,
			      uint64_t a5)
{
	struct seccomp_data d = { .nr = nr, .arch = arch };

	d.args[0] = a0;
	d.args[1] = a1;
	d.args[2] = a2;
	d.args[3] = a3;
	d.args[4] = a4;
	d.args[5] = a5;
	return d;
}

/*
 * A native call (nr as the model names it): its verdict must be want, and
 * the model's too.
 */
static void expect(const struct prog *p, uint32_t want, int nr,
		   const uint64_t a[6], int line)
{
	struct seccomp_data d =
		sd(ta->audit, arch_nr(nr), a[0], a[1], a[2], a[3], a[4], a[5]);
	uint32_t got = run(p, &d), mod = model(&p->m, &d);

	if (got != want || mod != want)
		FAIL("line %d: nr %d args %#llx %#llx %#llx %#llx %#llx: "
		     "filter %#x, model %#x, want %#x",
		     line, nr, (unsigned long long)a[0],
		     (unsigned long long)a[1], (unsigned long long)a[2],
		     (unsigned long long)a[3], (unsigned long long)a[4], got,
		     mod, want);
}

/* Arguments left out are 0. */
#define EXPECT(p, want, nr, ...) \
	expect(p, want, nr, (const uint64_t[6]){ __VA_ARGS__ }, __LINE__)

/* ---- hand-picked cases --------------------------------------------- */

/* Ranges in several 4 GiB windows, one crossing a window boundary. */
static const struct msl_frange edge_ranges[] = {
	{ 0x10000, 0x12000, 0, 0, 0 },
	{ 0xfffff000, 0x100001000, MSL_FR_DISCARD, 0, 0 }, /* crosses 4 GiB */
	{ 0x555555554000, 0x555555556000, 0, 0, 0 },
	{ 0x555555558000, 0x55555555a000, MSL_FR_DISCARD, 0, 0 },
	{ 0x55555555a000, 0x55555555c000, MSL_FR_HEAP, 0, 0 }, /* adjacent */
	{ 0x7ffff7ff0000, 0x7ffff7ff2000, MSL_FR_DISCARD, 0, 0 },
	{ 0x7ffffffde000, 0x7ffffffff000, 0, 0, 0 },
};

#define E_LO 0x10000ull
#define E_X 0xfffff000ull
#define E_PIE 0x555555554000ull
#define E_TOP 0x7ffffffde000ull

TEST_ONCE(filter_munmap_edges)
{
	static struct prog p;

	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_BASE);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, E_LO, PG);
	EXPECT(&p, ALLOW, NR_MUNMAP, E_LO - PG, PG); /* just below */
	EXPECT(&p, EPERM_RET, NR_MUNMAP, E_LO - PG, PG + 1);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, E_LO + PG, PG);
	EXPECT(&p, ALLOW, NR_MUNMAP, E_LO + 2 * PG, PG); /* just above */
	EXPECT(&p, ALLOW, NR_MUNMAP, 0, E_LO);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, 0, E_LO + 1);
	EXPECT(&p, ALLOW, NR_MUNMAP, E_LO + 1, PG); /* unaligned */
	/* LAM tags (bits 57-62) are stripped by the kernel: by us too; not
	 * from a kernel address (bit 63), nor for mmap's address. */
	EXPECT(&p, EPERM_RET, NR_MUNMAP, E_LO | 1ull << 57, PG);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, E_LO | 0x3full << 57, PG);
	EXPECT(&p, ALLOW, NR_MUNMAP, E_LO | 1ull << 63 | 1ull << 57, PG);
	EXPECT(&p, ALLOW, NR_MUNMAP, E_LO | 1ull << 56, PG);
	EXPECT(&p, ALLOW, NR_MUNMAP, E_LO, 0); /* empty */
	/* Round-up past 2^64, and an end past 2^64: the kernel's EINVAL. */
	EXPECT(&p, ALLOW, NR_MUNMAP, E_LO, UINT64_MAX);
	EXPECT(&p, ALLOW, NR_MUNMAP, E_LO, UINT64_MAX - PG + 2);
	EXPECT(&p, ALLOW, NR_MUNMAP, 0xfffffffffffff000, PG);
	EXPECT(&p, ALLOW, NR_MUNMAP, E_TOP, 0 - E_TOP);
	/* Long lengths reaching across windows. */
	EXPECT(&p, EPERM_RET, NR_MUNMAP, 0x20000, 0 - PG - 0x20000);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, 0x20000, 0x100000000);
	EXPECT(&p, ALLOW, NR_MUNMAP, 0x20000, E_X - 0x20000);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, 0x20000, E_X - 0x20000 + 1);
	/* The range crossing 4 GiB, from either side. */
	EXPECT(&p, EPERM_RET, NR_MUNMAP, 0x100000000, PG);
	EXPECT(&p, ALLOW, NR_MUNMAP, 0x100001000, PG);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, 0xffffe000, 0x2000);
	EXPECT(&p, ALLOW, NR_MUNMAP, 0xffffe000, 0x1000);
	EXPECT(&p, ALLOW, NR_MUNMAP, 0x200000000, 0x10000); /* between */
	/* 0x5555 window: between two ranges, and adjacent ones. */
	EXPECT(&p, ALLOW, NR_MUNMAP, E_PIE + 0x2000, 0x2000);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, E_PIE + 0x2000, 0x2001);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, E_PIE + 0x1000, 0x2000);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, 0x55555555b000, PG);
	EXPECT(&p, ALLOW, NR_MUNMAP, 0x55555555c000, PG);
	/* Low words that would overlap in another window do not. */
	EXPECT(&p, ALLOW, NR_MUNMAP, 0x7fff55554000, 0x2000);
	EXPECT(&p, ALLOW, NR_MUNMAP, 0x1000010000, 0x2000);
	/* Above all. */
	EXPECT(&p, ALLOW, NR_MUNMAP, 0x7ffffffff000, PG);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, 0x7fffffffe000, PG);
	EXPECT(&p, ALLOW, NR_MUNMAP, 0xffff800000000000, PG);
	/* A length with high bits set from below a window. */
	EXPECT(&p, EPERM_RET, NR_MUNMAP, 0x7ffff0000000, 0x100000000000);
	/* mmap with MAP_FIXED over the same ranges. */
	EXPECT(&p, EPERM_RET, NR_MMAP, E_LO, PG, 3, 0x12, 0, 0);
	EXPECT(&p, ALLOW, NR_MMAP, E_LO, PG, 3, 0x02, 0, 0); /* not FIXED */
	EXPECT(&p, ALLOW, NR_MMAP, E_LO, PG, 3, 0x100012, 0, 0);
	EXPECT(&p, ALLOW, NR_MMAP, E_LO, PG, 3, 0x12, 0, 1);
	EXPECT(&p, EPERM_RET, NR_MMAP, E_LO, PG, 3, 0x12, 0, 1ull << 32);
	EXPECT(&p, EPERM_RET, NR_MMAP, E_LO, PG, 3, 1ull << 32 | 0x12, 0, 0);
	EXPECT(&p, ALLOW, NR_MMAP, E_LO + 2 * PG, PG, 3, 0x12, 0, 0);
	/* mprotect and madvise belong to other classes. */
	EXPECT(&p, ALLOW, NR_MPROTECT, E_LO, PG, 1);
	EXPECT(&p, ALLOW, NR_MADVISE, E_X, PG, 4);
}

TEST_ONCE(filter_mremap)
{
	static struct prog p;
	uint64_t free_ = 0x20000;

	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_BASE);
	EXPECT(&p, EPERM_RET, NR_MREMAP, E_LO, PG, 2 * PG, 0, 0);
	EXPECT(&p, EPERM_RET, NR_MREMAP, E_LO, PG, PG, 1, 0);
	EXPECT(&p, ALLOW, NR_MREMAP, free_, PG, 2 * PG, 1, 0);
	/* A shrink unmaps the tail of the source: all of it counts. */
	EXPECT(&p, EPERM_RET, NR_MREMAP, E_LO - PG, 3 * PG, PG, 0, 0);
	EXPECT(&p, ALLOW, NR_MREMAP, E_LO - 2 * PG, 2 * PG, PG, 0, 0);
	/* A seccomp seal leaves its mapping whole: a growth, move or
	 * DONTUNMAP naming an unsealed first page takes the whole source. */
	EXPECT(&p, EPERM_RET, NR_MREMAP, E_LO - 2 * PG, 3 * PG, 6 * PG, 1, 0);
	EXPECT(&p, EPERM_RET, NR_MREMAP, E_LO - 2 * PG, 3 * PG, 3 * PG, 5, 0);
	EXPECT(&p, ALLOW, NR_MREMAP, E_LO - 2 * PG, 2 * PG, 6 * PG, 1, 0);
	/* Without MAYMOVE a growth stays in place; a same-size call with it
	 * changes nothing. */
	EXPECT(&p, ALLOW, NR_MREMAP, E_LO - 2 * PG, 3 * PG, 6 * PG, 0, 0);
	EXPECT(&p, ALLOW, NR_MREMAP, E_LO - 2 * PG, 3 * PG, 3 * PG, 1, 0);
	EXPECT(&p, ALLOW, NR_MREMAP, E_LO - 2 * PG, 3 * PG, 3 * PG, 0, 0);
	/* old_len 0 (duplicate a shared mapping) names the page at addr. */
	EXPECT(&p, EPERM_RET, NR_MREMAP, E_LO, 0, PG, 1, 0);
	EXPECT(&p, ALLOW, NR_MREMAP, E_LO - PG, 0, PG, 1, 0);
	/* Invalid flags and lengths: the kernel's EINVAL. */
	EXPECT(&p, ALLOW, NR_MREMAP, E_LO, PG, PG, 8, 0);
	EXPECT(&p, ALLOW, NR_MREMAP, E_LO, PG, PG, 1ull << 32 | 1, 0);
	EXPECT(&p, ALLOW, NR_MREMAP, E_LO, PG, PG, 2, free_);
	EXPECT(&p, ALLOW, NR_MREMAP, E_LO, PG, PG, 4, 0);
	EXPECT(&p, ALLOW, NR_MREMAP, E_LO, PG, 0, 1, 0);
	EXPECT(&p, ALLOW, NR_MREMAP, E_LO, PG, UINT64_MAX, 1, 0);
	EXPECT(&p, ALLOW, NR_MREMAP, E_LO + 1, PG, PG, 1, 0);
	EXPECT(&p, ALLOW, NR_MREMAP, E_LO, PG, PG, 3, free_ + 1);
	/* DONTUNMAP with MAYMOVE is a move of the source. */
	EXPECT(&p, EPERM_RET, NR_MREMAP, E_LO, PG, PG, 5, 0);
	/* The destination of MREMAP_FIXED. */
	EXPECT(&p, EPERM_RET, NR_MREMAP, free_, PG, PG, 3, E_LO + PG);
	EXPECT(&p, EPERM_RET, NR_MREMAP, free_, PG, 2 * PG, 3, E_LO - PG);
	EXPECT(&p, ALLOW, NR_MREMAP, free_, PG, PG, 3, E_LO - PG);
	EXPECT(&p, ALLOW, NR_MREMAP, free_, PG, PG, 3, E_LO + 2 * PG);
	EXPECT(&p, EPERM_RET, NR_MREMAP, free_, PG, PG, 7, 0x7fffffffe000);
	EXPECT(&p, ALLOW, NR_MREMAP, free_, PG, PG, 7, 0x7ffffffff000);
	/* Without FIXED, new_addr is a hint and overwrites nothing. */
	EXPECT(&p, ALLOW, NR_MREMAP, free_, PG, PG, 5, E_LO);
	EXPECT(&p, ALLOW, NR_MREMAP, free_, PG, PG, 1, E_LO);
}

/* Lengths the kernel rounds up to a huge page size (hugetlb). */
TEST_ONCE(filter_hugetlb_rounding)
{
	static struct prog p;
	const uint64_t M2 = 2ull << 20, G1 = 1ull << 30;
	const uint64_t x = 0x7f0000000000ull; /* 1 GiB aligned */
	static const struct msl_frange r[] = {
		{ 0x7f0000001000, 0x7f0000002000, 0, 0, 0 }, /* X + 4 KiB */
		{ 0x7f0020201000, 0x7f0020202000, 0, 0,
		  0 }, /* in a 2 MiB page */
	};
	const uint64_t huge = 0x40032; /* MAP_HUGETLB, ANONYMOUS, FIXED */

	compile_ok(&p, r, NELEM(r), MSEAL_BASE);
	/* MAP_HUGETLB at X replaces a whole huge page: the filter takes
	 * the largest one the address allows (1 GiB here). */
	EXPECT(&p, EPERM_RET, NR_MMAP, x, PG, 3, huge, -1, 0);
	EXPECT(&p, EPERM_RET, NR_MMAP, x, PG, 3, huge | 21u << 26, -1, 0);
	EXPECT(&p, EPERM_RET, NR_MMAP, x + 0x20200000, PG, 3, huge, -1, 0);
	/* A file (a hugetlbfs file or MFD_HUGETLB memfd may be one). */
	EXPECT(&p, EPERM_RET, NR_MMAP, x, PG, 3, 0x11, 3, 0);
	EXPECT(&p, EPERM_RET, NR_MMAP, x + 0x20200000, PG, 3, 0x11, 3, 0);
	/* Plain anonymous memory: base pages. */
	EXPECT(&p, ALLOW, NR_MMAP, x, PG, 3, 0x32, -1, 0);
	EXPECT(&p, EPERM_RET, NR_MMAP, x, 2 * PG, 3, 0x32, -1, 0);
	/* Not 2 MiB aligned: no huge page can start there. */
	EXPECT(&p, ALLOW, NR_MMAP, x + 0x20200000 - PG, PG, 3, huge, -1, 0);
	EXPECT(&p, ALLOW, NR_MMAP, x + 0x20200000 + 2 * PG, PG, 3, 0x11, 3, 0);
	/* 2 MiB aligned only: 2 MiB pages at most. */
	EXPECT(&p, ALLOW, NR_MMAP, x + 0x20000000, M2, 3, huge, -1, 0);
	EXPECT(&p, EPERM_RET, NR_MMAP, x + 0x20000000, M2 + 1, 3, huge, -1, 0);
	/* A length whose rounding passes 2^64: the kernel's ENOMEM. */
	EXPECT(&p, ALLOW, NR_MMAP, x, UINT64_MAX - G1, 3, huge, -1, 0);
	/* mremap of a hugetlb source: both lengths round up. */
	EXPECT(&p, EPERM_RET, NR_MREMAP, x, PG, PG, 3, x + G1, 0);
	EXPECT(&p, EPERM_RET, NR_MREMAP, x - G1, PG, PG, 3, x, 0);
	EXPECT(&p, ALLOW, NR_MREMAP, x - G1, PG, PG, 3, x + M2, 0);
	EXPECT(&p, EPERM_RET, NR_MREMAP, x - G1, PG, PG, 3, x + 0x20200000, 0);
	/* A shrink's tail ends at old_len rounded up. */
	EXPECT(&p, EPERM_RET, NR_MREMAP, x + 0x20000000, 2 * M2, M2, 0, 0);
	EXPECT(&p, ALLOW, NR_MREMAP, x + 0x20000000, 2 * PG, PG, 0, 0);
	EXPECT(&p, EPERM_RET, NR_MREMAP, x + 0x20200000, 2 * PG, PG, 0, 0);
	/* munmap, mprotect, madvise: the kernel rejects unaligned ends on
	 * hugetlb (no rounding up). */
	EXPECT(&p, ALLOW, NR_MUNMAP, x, PG, 0, 0, 0, 0);
}

/* The kernel unmaps a MREMAP_FIXED destination before it rejects a
 * source whose old_len reaches past 2^64. */
TEST_ONCE(filter_mremap_wrapping_source)
{
	static struct prog p;
	uint64_t free_ = 0x20000;

	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_BASE);
	EXPECT(&p, EPERM_RET, NR_MREMAP, free_, (uint64_t)-PG, PG, 3, E_LO);
	EXPECT(&p, EPERM_RET, NR_MREMAP, free_, (uint64_t)-PG - free_ + PG, PG,
	       3, E_LO);
	EXPECT(&p, EPERM_RET, NR_MREMAP, free_, UINT64_MAX, PG, 3, E_LO);
	EXPECT(&p, ALLOW, NR_MREMAP, free_, (uint64_t)-PG, PG, 3,
	       E_LO + PG * 2);
	/* The seal of the page at old_address is checked before anything
	 * (the kernel's EPERM): a wrapping source counts as that page. */
	EXPECT(&p, EPERM_RET, NR_MREMAP, E_LO, (uint64_t)-PG, PG, 3,
	       E_LO + PG * 2);
	EXPECT(&p, EPERM_RET, NR_MREMAP, E_LO, UINT64_MAX, PG, 3,
	       E_LO + PG * 2);
	/* Without FIXED nothing is unmapped first. */
	EXPECT(&p, ALLOW, NR_MREMAP, free_, (uint64_t)-PG, PG, 1, E_LO);
}

/* prctl(PR_SET_MM) moves the break around any range: refused with BASE. */
TEST_ONCE(filter_prctl_set_mm)
{
	static struct prog p;

	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_BASE);
	EXPECT(&p, EPERM_RET, NR_PRCTL, 35, 14 /* PR_SET_MM_MAP */, 0, 0, 0, 0);
	EXPECT(&p, EPERM_RET, NR_PRCTL, 35, 7 /* PR_SET_MM_BRK */, 0, 0, 0, 0);
	EXPECT(&p, EPERM_RET, NR_PRCTL, 35ull | 1ull << 32, 14, 0, 0, 0, 0);
	EXPECT(&p, ALLOW, NR_PRCTL, 35, 15 /* PR_SET_MM_MAP_SIZE */, 0, 0, 0,
	       0);
	EXPECT(&p, ALLOW, NR_PRCTL, 35, 15ull | 1ull << 32, 0, 0, 0, 0);
	EXPECT(&p, ALLOW, NR_PRCTL, 15 /* PR_SET_NAME */, 0, 0, 0, 0, 0);
	EXPECT(&p, ALLOW, NR_PRCTL, 36, 0, 0, 0, 0, 0);
	compile_ok(&p, edge_ranges, NELEM(edge_ranges),
		   MSEAL_PROT | MSEAL_DISCARD);
	EXPECT(&p, ALLOW, NR_PRCTL, 35, 14, 0, 0, 0, 0);
	CHECK(bpf_const_allow(p.insns, p.len, AUDIT_ARCH_X86_64, NR_PRCTL));
}

/* io_destroy and uselib unmap ranges a filter cannot see: refused with
 * BASE, on every ABI. */
TEST_ONCE(filter_io_destroy_uselib_refused)
{
	static struct prog p;
	static const uint64_t none[6] = { 0 };
	struct seccomp_data d;

	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_BASE);
	expect(&p, EPERM_RET, NR_IO_DESTROY, none, __LINE__);
	expect(&p, EPERM_RET, NR_USELIB, none, __LINE__);
	d = sd(AUDIT_ARCH_I386, 246, 0, 0, 0, 0, 0, 0);
	CHECK(run(&p, &d) == EPERM_RET);
	d = sd(AUDIT_ARCH_I386, 86, 0, 0, 0, 0, 0, 0);
	CHECK(run(&p, &d) == EPERM_RET);
	d = sd(AUDIT_ARCH_X86_64, NR_IO_DESTROY | (int)X32, 0, 0, 0, 0, 0, 0);
	CHECK(run(&p, &d) == EPERM_RET);
	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_PROT);
	expect(&p, ALLOW, NR_IO_DESTROY, none, __LINE__);
	CHECK(bpf_const_allow(p.insns, p.len, AUDIT_ARCH_X86_64, NR_USELIB));
}

/* A piece starting a growsdown mapping guards the pages it can gain. */
TEST_ONCE(filter_growsdown_guard)
{
	static struct prog p;
	static const struct msl_frange r[] = {
		{ 0x7f0000000000, 0x7f0000001000, 0, 0, 0 },
		{ 0x7f0000100000, 0x7f0000102000, MSL_FR_DISCARD, 0,
		  0x7f0000010000 },
		/* grow below the previous piece's end: clamped to it */
		{ 0x7f0000200000, 0x7f0000201000, 0, 0, 0x7f0000000000 },
	};

	compile_ok(&p, r, NELEM(r), MSEAL_ALL);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, 0x7f00000ff000, PG, 0, 0, 0, 0);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, 0x7f0000010000, PG, 0, 0, 0, 0);
	EXPECT(&p, ALLOW, NR_MUNMAP, 0x7f000000f000, PG, 0, 0, 0, 0);
	EXPECT(&p, EPERM_RET, NR_MPROTECT, 0x7f00000ff000, PG, 1, 0, 0, 0);
	EXPECT(&p, EPERM_RET, NR_MADVISE, 0x7f00000ff000, PG, 4, 0, 0, 0);
	EXPECT(&p, ALLOW, NR_MADVISE, 0x7f000000f000, PG, 4, 0, 0, 0);
	/* The third piece's guard starts at the second one's end. */
	EXPECT(&p, EPERM_RET, NR_MUNMAP, 0x7f0000102000, PG, 0, 0, 0, 0);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, 0x7f00001ff000, PG, 0, 0, 0, 0);
	EXPECT(&p, ALLOW, NR_MUNMAP, 0x7f0000001000, PG, 0, 0, 0, 0);
	/* grow must be page-aligned. */
	{
		struct msl_frange bad = { 0x10000, 0x11000, 0, 0, 0x1 };

		CHECK(msl_filter_compile(&bad, 1, MSEAL_ALL, p.insns,
					 MSL_FILTER_MAX_INSNS) == -EINVAL);
	}
}

TEST_ONCE(filter_shm_rfp_brk)
{
	static struct prog p;
	uint64_t heap_last = 0x55555555b000;

	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_BASE);
	/* shmdt: no sealed System V segment, nothing to refuse. */
	EXPECT(&p, ALLOW, NR_SHMDT, E_LO);
	EXPECT(&p, ALLOW, NR_SHMDT, E_LO + PG);
	/* shmat with SHM_REMAP: anything sealed at or above shmaddr. */
	EXPECT(&p, EPERM_RET, NR_SHMAT, 1, 0x20000, 040000);
	EXPECT(&p, ALLOW, NR_SHMAT, 1, 0x20000, 0);
	EXPECT(&p, ALLOW, NR_SHMAT, 1, 0, 040000);
	EXPECT(&p, ALLOW, NR_SHMAT, 1, 0x7ffffffff000, 040000);
	EXPECT(&p, EPERM_RET, NR_SHMAT, 1, 0x7fffffffe000, 040000);
	EXPECT(&p, EPERM_RET, NR_SHMAT, 1, 0x7fffffffefff, 060000);
	EXPECT(&p, ALLOW, NR_SHMAT, 1, 0x7fffffffefff, 040000);
	EXPECT(&p, EPERM_RET, NR_SHMAT, 1, 1ull << 32, 040000);
	EXPECT(&p, ALLOW, NR_SHMAT, 1, 0xffff800000000000, 040000);
	EXPECT(&p, EPERM_RET, NR_SHMAT, 1, 0x20000, 1ull << 32 | 040000);
	/* remap_file_pages: prot must be 0; start and size round down. */
	EXPECT(&p, EPERM_RET, NR_REMAP_FILE_PAGES, E_LO + 5, PG + 7, 0);
	EXPECT(&p, ALLOW, NR_REMAP_FILE_PAGES, E_LO, PG, 1);
	EXPECT(&p, ALLOW, NR_REMAP_FILE_PAGES, E_LO, PG, 1ull << 32);
	EXPECT(&p, ALLOW, NR_REMAP_FILE_PAGES, E_LO, PG - 1, 0);
	EXPECT(&p, ALLOW, NR_REMAP_FILE_PAGES, E_LO - PG, 2 * PG - 1, 0);
	EXPECT(&p, EPERM_RET, NR_REMAP_FILE_PAGES, E_LO - PG, 2 * PG, 0);
	EXPECT(&p, EPERM_RET, NR_REMAP_FILE_PAGES, E_LO - PG, 1ull << 32, 0);
	/* brk: refused (0) iff 0 < b <= heap_end - PAGE. */
	EXPECT(&p, ALLOW, NR_BRK, 0);
	EXPECT(&p, ZERO_RET, NR_BRK, 1);
	EXPECT(&p, ZERO_RET, NR_BRK, heap_last);
	EXPECT(&p, ALLOW, NR_BRK, heap_last + 1);
	EXPECT(&p, ALLOW, NR_BRK, 0x55555555c000);
	EXPECT(&p, ALLOW, NR_BRK, 0x555655554000);
	EXPECT(&p, ZERO_RET, NR_BRK, 0x545555554000);
}

/*
 * shmdt(addr) detaches the segment attached at addr whatever its size, so
 * it is refused (answering 0, as the kernel's shmdt does) exactly for the
 * attach addresses of segments that hold a sealed page, and only those.
 */
TEST_ONCE(filter_shmdt_by_attach_address)
{
	static struct prog p;
	static const struct msl_frange r[] = {
		/* the third page of a segment attached at 0x7f0000000000 */
		{ 0x7f0000002000, 0x7f0000003000, MSL_FR_SHM, 0x7f0000000000,
		  0 },
		/* a whole segment at 0x7f0000100000, in two pieces */
		{ 0x7f0000100000, 0x7f0000101000, MSL_FR_SHM, 0x7f0000100000,
		  0 },
		{ 0x7f0000101000, 0x7f0000102000, MSL_FR_SHM | MSL_FR_DISCARD,
		  0x7f0000100000, 0 },
		{ 0x7f0000200000, 0x7f0000201000, 0, 0, 0 },
	};

	compile_ok(&p, r, NELEM(r), MSEAL_ALL);
	EXPECT(&p, ZERO_RET, NR_SHMDT, 0x7f0000000000);
	EXPECT(&p, ZERO_RET, NR_SHMDT, 0x7f0000100000);
	/* Same low word, other high word: not that segment. */
	EXPECT(&p, ALLOW, NR_SHMDT, 0x7e0000000000);
	EXPECT(&p, ALLOW, NR_SHMDT, 0x7f0000002000);
	EXPECT(&p, ALLOW, NR_SHMDT, 0x7f0000200000);
	EXPECT(&p, ALLOW, NR_SHMDT, 0x7f0000101000);
	/* Without BASE there is nothing to refuse. */
	compile_ok(&p, r, NELEM(r), MSEAL_PROT);
	EXPECT(&p, ALLOW, NR_SHMDT, 0x7f0000000000);
}

TEST_ONCE(filter_mprotect_edges)
{
	static struct prog p;

	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_PROT);
	EXPECT(&p, EPERM_RET, NR_MPROTECT, E_LO, PG, 1);
	EXPECT(&p, EPERM_RET, NR_PKEY_MPROTECT, E_LO, PG, 1, 3);
	EXPECT(&p, EPERM_RET, NR_MPROTECT, E_LO, PG, 0);
	EXPECT(&p, ALLOW, NR_MPROTECT, E_LO - PG, PG, 1);
	EXPECT(&p, ALLOW, NR_MPROTECT, E_LO, PG, 0x10);
	EXPECT(&p, ALLOW, NR_MPROTECT, E_LO, PG, 1ull << 32 | 1);
	EXPECT(&p, ALLOW, NR_MPROTECT, E_LO, PG, 0x03000001);
	EXPECT(&p, EPERM_RET, NR_MPROTECT, E_LO, PG, 0x02000001);
	EXPECT(&p, EPERM_RET, NR_MPROTECT, E_LO, PG, 0x0000000f);
	/* GROWSDOWN reaches down to the mapping's start: all below. */
	EXPECT(&p, EPERM_RET, NR_MPROTECT, 0x100002000, PG, 0x01000001);
	EXPECT(&p, ALLOW, NR_MPROTECT, 0x100002000, PG, 1);
	EXPECT(&p, EPERM_RET, NR_MPROTECT, 0x100001000, PG, 0x01000000);
	EXPECT(&p, ALLOW, NR_MPROTECT, 0x100002000, 0, 0x01000001);
	/* Wrapping lengths. */
	EXPECT(&p, ALLOW, NR_MPROTECT, E_LO, UINT64_MAX, 1);
	EXPECT(&p, ALLOW, NR_MPROTECT, E_TOP, 0 - E_TOP, 1);
	EXPECT(&p, EPERM_RET, NR_MPROTECT, 0x7fffffffe000, 0x1fff, 1);
	/* BASE calls are not compiled in. */
	EXPECT(&p, ALLOW, NR_MUNMAP, E_LO, PG);
	EXPECT(&p, ALLOW, NR_BRK, 1);
}

TEST_ONCE(filter_madvise_edges)
{
	static struct prog p;

	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_DISCARD);
	/* Only the DISCARD-flagged ranges. */
	EXPECT(&p, ALLOW, NR_MADVISE, E_LO, PG, 4);
	EXPECT(&p, EPERM_RET, NR_MADVISE, E_X, PG, 4);
	EXPECT(&p, EPERM_RET, NR_MADVISE, 0x100000000, PG, 8);
	EXPECT(&p, ALLOW, NR_MADVISE, 0x100001000, PG, 8);
	EXPECT(&p, ALLOW, NR_MADVISE, E_X, PG, 3);    /* WILLNEED */
	EXPECT(&p, ALLOW, NR_MADVISE, E_X, PG, 0x15); /* PAGEOUT */
	/* advice is an int: the kernel sees 4 and 102. */
	EXPECT(&p, EPERM_RET, NR_MADVISE, E_X, PG, 0x100000004);
	EXPECT(&p, EPERM_RET, NR_MADVISE, E_X, PG, 0xffffffff00000066);
	/* The heap and the plain PIE range are not DISCARD; the one between
	 * is. */
	EXPECT(&p, ALLOW, NR_MADVISE, E_PIE, 0x2000, 4);
	EXPECT(&p, EPERM_RET, NR_MADVISE, E_PIE, 0x4001, 4);
	EXPECT(&p, ALLOW, NR_MADVISE, 0x55555555a000, 0x2000, 4);
	EXPECT(&p, EPERM_RET, NR_MADVISE, 0x7ffff7ff1000, 1, 9);
	EXPECT(&p, ALLOW, NR_MADVISE, 0x7ffff7ff1001, 1, 9);
	EXPECT(&p, ALLOW, NR_MADVISE, 0x7ffff7ff1000, 0, 9);
	/* process_madvise: the advice is visible, the addresses are not. */
	EXPECT(&p, EPERM_RET, NR_PROCESS_MADVISE, 3, 0, 1, 4, 0);
	EXPECT(&p, EPERM_RET, NR_PROCESS_MADVISE, 3, 0, 1, 1ull << 32 | 102, 0);
	EXPECT(&p, ALLOW, NR_PROCESS_MADVISE, 3, 0, 1, 4, 1);
	EXPECT(&p, EPERM_RET, NR_PROCESS_MADVISE, 3, 0, 1, 4, 1ull << 32);
	EXPECT(&p, ALLOW, NR_PROCESS_MADVISE, 3, 0, 1, 21, 0);
	EXPECT(&p, ALLOW, NR_MUNMAP, E_X, PG);
	EXPECT(&p, ALLOW, NR_MPROTECT, E_X, PG, 1);
}

/* No DISCARD range, no heap: madvise and brk are not even dispatched. */
TEST_ONCE(filter_calls_without_their_ranges)
{
	static const struct msl_frange r[] = { { 0x10000, 0x20000, 0, 0, 0 } };
	static struct prog p;

	compile_ok(&p, r, 1, MSEAL_ALL);
	EXPECT(&p, ALLOW, NR_MADVISE, 0x10000, PG, 4);
	EXPECT(&p, ALLOW, NR_PROCESS_MADVISE, 3, 0, 1, 4, 0);
	EXPECT(&p, ALLOW, NR_BRK, 1);
	CHECK(bpf_const_allow(p.insns, p.len, AUDIT_ARCH_X86_64, NR_MADVISE));
	CHECK(bpf_const_allow(p.insns, p.len, AUDIT_ARCH_X86_64, NR_BRK));
	CHECK(!bpf_const_allow(p.insns, p.len, AUDIT_ARCH_X86_64, NR_MUNMAP));
}

TEST_ONCE(filter_other_syscalls_cached)
{
	static struct prog p;
	static const unsigned int classes[] = { MSEAL_BASE, MSEAL_PROT,
						MSEAL_DISCARD, MSEAL_ALL };

	for (size_t c = 0; c < NELEM(classes); c++) {
		compile_ok(&p, edge_ranges, NELEM(edge_ranges), classes[c]);
		for (uint32_t nr = 0; nr <= 450; nr++) {
			int want = !call_enabled(&p.m, nr);

			if (bpf_const_allow(p.insns, p.len, AUDIT_ARCH_X86_64,
					    nr) != want)
				FAIL("classes %#x nr %u: cacheable %d, want %d",
				     classes[c], nr, !want, want);
		}
	}
}

TEST_ONCE(filter_abi_holes)
{
	static const struct msl_frange high[] = {
		{ 0x555555554000, 0x555555556000, MSL_FR_DISCARD, 0, 0 },
		{ 0x555555560000, 0x555555561000, MSL_FR_HEAP, 0, 0 },
	};
	/* Above 4 GiB, within reach of a 32-bit start plus length. */
	static const struct msl_frange mid[] = {
		{ 0x100000000, 0x100001000, 0, 0, 0 },
	};
	static const int nr32[] = { 91,	 163, 90,  192, 398, 117, 397,
				    257, 45,  125, 380, 219, 440, 20 };
	static const struct {
		const struct msl_frange *r;
		size_t n;
	} sets[] = { { edge_ranges, NELEM(edge_ranges) },
		     { high, NELEM(high) },
		     { mid, NELEM(mid) } };
	static struct prog p;
	struct seccomp_data d;

	for (size_t s = 0; s < NELEM(sets); s++) {
		for (unsigned int cl = 1; cl <= MSEAL_ALL; cl++) {
			compile_ok(&p, sets[s].r, sets[s].n, cl);
			for (size_t i = 0; i < NELEM(nr32); i++) {
				d = sd(AUDIT_ARCH_I386, nr32[i], 0x10000, PG, 1,
				       0x12, 0, 0);
				expect_model(&p, &d);
			}
			for (uint32_t nr = 0; nr <= 450; nr++) {
				d = sd(AUDIT_ARCH_X86_64, (int)(nr | X32),
				       0x7000, PG, 1, 0, 0, 0);
				expect_model(&p, &d);
				d.arch = AUDIT_ARCH_AARCH64;
				d.nr = (int)nr;
				CHECK(run(&p, &d) == ALLOW);
			}
		}
	}
	/* Spot checks that do not depend on the model. */
	compile_ok(&p, high, NELEM(high), MSEAL_ALL);
	d = sd(AUDIT_ARCH_X86_64, NR_MUNMAP | X32, 0, 0, 0, 0, 0, 0);
	CHECK(run(&p, &d) == EPERM_RET);
	d.nr = NR_GETPPID | X32;
	CHECK(run(&p, &d) == ALLOW);
	d = sd(AUDIT_ARCH_I386, 397, 0, 0, 0, 0, 0, 0); /* shmat */
	CHECK(run(&p, &d) == EPERM_RET);
	d.nr = 91; /* munmap cannot reach 0x5555... from 32 bits */
	CHECK(run(&p, &d) == ALLOW);
	compile_ok(&p, mid, NELEM(mid), MSEAL_BASE);
	d.nr = 91; /* munmap(0xfffff000, 0x2000) reaches 4 GiB */
	CHECK(run(&p, &d) == EPERM_RET);
	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_PROT);
	d.nr = 125;
	CHECK(run(&p, &d) == EPERM_RET);
	d.nr = 91;
	CHECK(run(&p, &d) == ALLOW);
}

/* ---- sizes, errors, cost ------------------------------------------- */

static struct msl_frange *plain_ranges(size_t n, uint64_t base, uint64_t stride,
				       unsigned int flags)
{
	struct msl_frange *r = calloc(n, sizeof(*r));

	CHECK(r);
	for (size_t i = 0; i < n; i++)
		r[i] = (struct msl_frange){ base + i * stride,
					    base + i * stride + PG, flags, 0,
					    0 };
	return r;
}

TEST_ONCE(filter_errors)
{
	static struct sock_filter out[MSL_FILTER_MAX_INSNS];
	struct msl_frange r[2] = { { 0x10000, 0x20000, 0, 0, 0 },
				   { 0x30000, 0x40000, 0, 0, 0 } };
	struct sock_filter *huge;
	struct msl_frange *big;
	int len;

	CHECK(msl_filter_compile(r, 0, MSEAL_ALL, out, NELEM(out)) == -EINVAL);
	CHECK(msl_filter_compile(r, 2, 0, out, NELEM(out)) == -EINVAL);
	CHECK(msl_filter_compile(r, 2, 8, out, NELEM(out)) == -EINVAL);
	r[1].start = 0x18000; /* overlapping */
	CHECK(msl_filter_compile(r, 2, MSEAL_ALL, out, NELEM(out)) == -EINVAL);
	r[1].start = 0x30001; /* unaligned */
	CHECK(msl_filter_compile(r, 2, MSEAL_ALL, out, NELEM(out)) == -EINVAL);
	r[1].start = 0x40000; /* empty */
	CHECK(msl_filter_compile(r, 2, MSEAL_ALL, out, NELEM(out)) == -EINVAL);
	r[1] = (struct msl_frange){ 0x0, 0x1000, 0, 0, 0 }; /* unsorted */
	CHECK(msl_filter_compile(r, 2, MSEAL_ALL, out, NELEM(out)) == -EINVAL);
	/* Too small a buffer, then the right one. */
	r[1] = (struct msl_frange){ 0x30000, 0x40000, 0, 0, 0 };
	len = msl_filter_compile(r, 2, MSEAL_ALL, out, NELEM(out));
	CHECK(len > 0);
	CHECK(msl_filter_compile(r, 2, MSEAL_ALL, out, (size_t)len - 1) ==
	      -E2BIG);
	CHECK(msl_filter_compile(r, 2, MSEAL_ALL, out, (size_t)len) == len);
	/* The kernel's 4096 bounds every program, whatever cap says. */
	big = plain_ranges(6000, 0x10000000, 2 * PG, MSL_FR_DISCARD);
	CHECK(msl_filter_compile(big, 6000, MSEAL_ALL, out, NELEM(out)) ==
	      -E2BIG);
	huge = calloc(1 << 16, sizeof(*huge));
	CHECK(huge);
	CHECK(msl_filter_compile(big, 6000, MSEAL_ALL, huge, 1 << 16) ==
	      -E2BIG);
	free(huge);
	free(big);
}

TEST_ONCE(filter_fits_1024_prot)
{
	static struct prog p;
	struct msl_frange *r = plain_ranges(1024, 0x7f0000000000, 3 * PG, 0);

	compile_ok(&p, r, 1024, MSEAL_PROT);
	CHECK(msl_filter_ebpf_len(p.insns, p.len) >= p.len);
	for (size_t i = 0; i < 1024; i++) {
		struct seccomp_data d =
			sd(AUDIT_ARCH_X86_64, NR_MPROTECT, r[i].start - PG,
			   PG * (i % 3), 1, 0, 0, 0);

		expect_model(&p, &d);
		d.args[0] = r[i].end;
		d.args[1] = PG;
		expect_model(&p, &d);
		d.args[0] = r[i].start;
		expect_model(&p, &d);
	}
	free(r);
}

/*
 * 512 read-only pages fit one MSEAL_ALL filter (so 1024 fit two): madvise
 * asks the main tree when every piece is discard-protected.  Control: with
 * every other piece writable, madvise's own tree answers, and allows it
 * on the writable ones.
 */
TEST_ONCE(filter_read_only_512_in_one)
{
	static struct prog p, mixed;
	struct msl_frange *r =
		plain_ranges(512, 0x7f0000000000, 3 * PG, MSL_FR_DISCARD);
	const int nrs[] = { NR_MADVISE, NR_MUNMAP, NR_MPROTECT, NR_MREMAP };

	compile_ok(&p, r, 512, MSEAL_ALL);
	for (size_t i = 0; i < 512; i++) {
		for (size_t k = 0; k < sizeof(nrs) / sizeof(nrs[0]); k++) {
			struct seccomp_data d = sd(
				AUDIT_ARCH_X86_64, nrs[k], r[i].start - PG,
				PG * (i % 3), 4 /* MADV_DONTNEED */, 0, 0, 0);

			expect_model(&p, &d);
			d.args[0] = r[i].end;
			d.args[1] = PG;
			expect_model(&p, &d);
			d.args[0] = r[i].start;
			expect_model(&p, &d);
			if (nrs[k] == NR_MADVISE)
				CHECK(run(&p, &d) == deny_if(true));
		}
	}
	for (size_t i = 1; i < 128; i += 2)
		r[i].flags = 0;
	compile_ok(&mixed, r, 128, MSEAL_ALL);
	for (size_t i = 0; i < 128; i++) {
		struct seccomp_data d = sd(AUDIT_ARCH_X86_64, NR_MADVISE,
					   r[i].start, PG, 4, 0, 0, 0);

		expect_model(&mixed, &d);
		CHECK(run(&mixed, &d) == deny_if(i % 2 == 0));
	}
	free(r);
}

/* Adjacent pieces merge: a thousand of them cost what one does. */
TEST_ONCE(filter_adjacent_merge)
{
	static struct prog one, many;
	struct msl_frange *r = plain_ranges(1000, 0x7f0000000000, PG, 0);
	struct msl_frange whole = { r[0].start, r[999].end, 0, 0, 0 };

	compile_ok(&many, r, 1000, MSEAL_ALL);
	compile_ok(&one, &whole, 1, MSEAL_ALL);
	CHECK(many.len == one.len);
	free(r);
}

static size_t steps_for(const struct prog *p, int nr, uint64_t a0)
{
	struct seccomp_data d = sd(AUDIT_ARCH_X86_64, nr, a0, PG, 1, 0, 0, 0);

	expect_model(p, &d);
	return bpf_last_steps();
}

TEST_ONCE(filter_cost_logarithmic)
{
	static struct prog p16, p1024;
	struct msl_frange *r16 = plain_ranges(16, 0x7f0000000000, 2 * PG, 0);
	struct msl_frange *r1024 =
		plain_ranges(1024, 0x7f0000000000, 2 * PG, 0);
	size_t worst16 = 0, worst1024 = 0, s;

	compile_ok(&p16, r16, 16, MSEAL_PROT);
	compile_ok(&p1024, r1024, 1024, MSEAL_PROT);
	for (size_t i = 0; i < 2 * 1024 + 2; i++) {
		uint64_t a = 0x7f0000000000 + (i - 1) * PG;

		if (i < 2 * 16 + 2) {
			s = steps_for(&p16, NR_MPROTECT, a);
			worst16 = s > worst16 ? s : worst16;
		}
		s = steps_for(&p1024, NR_MPROTECT, a);
		worst1024 = s > worst1024 ? s : worst1024;
	}
	if (worst1024 > worst16 + 40)
		FAIL("mprotect: %zu steps over 1024 ranges, %zu over 16",
		     worst1024, worst16);
	/* Everything else: arch, nr, dispatch, return. */
	s = steps_for(&p1024, NR_GETPPID, 0);
	if (s > 8)
		FAIL("getppid runs %zu instructions", s);
	free(r16);
	free(r1024);
}

/* ---- randomized ----------------------------------------------------- */

static uint64_t rng;

/* splitmix64 */
static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* Where ranges cluster: low, around 4 and 8 GiB, PIE, the mmap area, the
 * top of user space, non-canonical. */
static const uint64_t regions[] = {
	0x1000,		0x400000,	0xfff00000,	0x1fffe0000,
	0x555555554000, 0x7f0000000000, 0x7ffffff00000, 0xffffffff00000000,
};

static size_t random_ranges(struct msl_frange *r, size_t max)
{
	size_t n = 0, want = 1 + below(below(4) ? 64 : max);
	uint64_t cur = regions[below(NELEM(regions))];

	while (n < want) {
		uint64_t gap, len;
		size_t k;

		switch (below(8)) {
		case 0:
			gap = 0; /* adjacent */
			break;
		case 1:
			k = below(NELEM(regions));
			gap = regions[k] > cur ? regions[k] - cur : PG;
			break;
		case 2:
			gap = below(1ull << 34) & ~(PG - 1);
			break;
		default:
			gap = (1 + below(16)) * PG;
		}
		len = below(16) ? (1 + below(8)) * PG :
				  (1 + below(1ull << 22)) * PG;
		if (gap > UINT64_MAX - 4 * PG - cur)
			gap = 0;
		cur += gap;
		if (len > UINT64_MAX - 4 * PG - cur) {
			if (n)
				break;
			len = PG; /* at least one range */
		}
		r[n].start = cur;
		r[n].end = cur + len;
		r[n].flags = (unsigned int)below(8);
		/* Sometimes a growsdown piece, down into the gap or past it. */
		r[n].grow = below(6) ? 0 : cur - below(gap / PG + 3) * PG;
		if (r[n].grow > cur)
			r[n].grow = 0;
		/* A segment attached at or below the piece. */
		r[n].seg = (r[n].flags & MSL_FR_SHM) ?
				   cur - PG * below(cur / PG < 4 ? 1 : 4) :
				   0;
		cur += len;
		n++;
	}
	return n;
}

/* An address near something interesting. */
static uint64_t pick_addr(const struct model *m)
{
	const struct msl_frange *x = &m->r[below(m->n)];
	uint64_t base;

	switch (below(12)) {
	case 0:
		return rnd();
	case 1:
		return rnd() & ~(PG - 1);
	case 10: /* huge page boundaries at or below a range */
		base = below(2) ? x->start : x->end;
		if (ta->arch == MSL_ARCH_ARM64 && below(2))
			return (base &
				~((below(2) ? 32ull << 20 : 64ull << 10) - 1)) -
			       below(2) * (64ull << 10);
		return (base & ~((below(2) ? 1ull << 30 : 2ull << 20) - 1)) -
		       below(2) * (2ull << 20);
	case 2:
		return regions[below(NELEM(regions))] + (below(5) - 2) * PG;
	case 3:
		return (below(4) << 32) + (below(3) - 1) * PG;
	default:
		base = below(2) ? x->start : x->end;
		base += (below(7) - 3) * PG;
		if (!below(8))
			base += below(PG);
		if (!below(16))
			base ^= 1ull << (32 + below(32));
		return base;
	}
}

static uint64_t pick_len(const struct model *m, uint64_t a)
{
	const struct msl_frange *x = &m->r[below(m->n)];

	switch (below(10)) {
	case 0:
		return rnd();
	case 1:
		return 0;
	case 2:
		return UINT64_MAX - below(2 * PG);
	case 3:
		return (0 - a) - below(3) * PG + below(2); /* to 2^64 */
	case 4:
		return (1 + below(8)) * PG + (below(2) ? below(PG) : 0);
	case 5:
		return rnd() >> below(64);
	default:
		/* To just before, at or after a range's start or end. */
		return (below(2) ? x->start : x->end) - a +
		       (below(5) - 2) * PG + (below(4) ? 0 : below(PG));
	}
}

static uint64_t pick_flags(int nr)
{
	static const uint64_t mremap_f[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint64_t prot[] = { 0,	     1,		 3,
					 7,	     0xf,	 0x10,
					 0x21,	     0x35,	 0x40,
					 0x01000001, 0x02000001, 0x03000001 };
	static const uint64_t mmap_f[] = { 0x02,    0x12,	0x22,
					   0x32,    0x100012,	0x40032,
					   0x40012, 0x54040032, 0x78040032 };
	static const uint64_t shm_f[] = { 0, 040000, 060000, 020000 };
	static const uint64_t adv[] = { 4,   8, 9, 10, 18, 24,
					102, 0, 3, 21, 5,  101 };
	uint64_t v;

	switch (nr) {
	case NR_MREMAP:
		v = mremap_f[below(NELEM(mremap_f))];
		break;
	case NR_MPROTECT:
	case NR_PKEY_MPROTECT:
		v = prot[below(NELEM(prot))];
		break;
	case NR_MMAP:
		v = mmap_f[below(NELEM(mmap_f))];
		break;
	case NR_SHMAT:
		v = shm_f[below(NELEM(shm_f))];
		break;
	default:
		v = adv[below(NELEM(adv))];
	}
	if (!below(10))
		v |= below(2) ? (rnd() << 32) : rnd() & 0xffffffffull;
	return v;
}

static void random_query(const struct prog *p, struct seccomp_data *d)
{
	const struct model *m = &p->m;
	int nr = x86_calls[below(NELEM(x86_calls))];
	uint64_t a = pick_addr(m);

	*d = sd(ta->audit, nr, a, pick_len(m, a), 0, 0, 0, 0);
	switch (nr) {
	case NR_MMAP:
		d->args[2] = 3;
		d->args[3] = pick_flags(nr);
		d->args[5] = below(4) ? 0 : rnd() & ~(below(2) ? PG - 1 : 0);
		break;
	case NR_MREMAP:
		d->args[2] = below(3) ? pick_len(m, a) : d->args[1];
		d->args[3] = pick_flags(nr);
		d->args[4] = pick_addr(m);
		if (below(2))
			d->args[2] = pick_len(m, d->args[4]);
		break;
	case NR_MPROTECT:
	case NR_PKEY_MPROTECT:
	case NR_MADVISE:
		d->args[2] = pick_flags(nr);
		break;
	case NR_SHMAT:
		d->args[0] = 1;
		d->args[1] = below(8) ? a : 0;
		d->args[2] = pick_flags(nr);
		break;
	case NR_REMAP_FILE_PAGES:
		d->args[2] = below(6) ? 0 : rnd() >> below(64);
		break;
	case NR_BRK:
		if (!below(4))
			d->args[0] = heap_end(m) - PG + below(3) - 1;
		break;
	case NR_PROCESS_MADVISE:
		d->args[3] = pick_flags(nr);
		d->args[4] = below(4) ? 0 : rnd() >> below(64);
		break;
	case NR_PRCTL:
		d->args[0] = below(2) ? 35 : below(3) ? 15 : rnd();
		if (!below(4))
			d->args[0] |= rnd() << 32;
		d->args[1] = below(2) ? 14 + below(3) : rnd();
		if (!below(4))
			d->args[1] |= rnd() << 32;
		break;
	}
	d->nr = arch_nr(nr);
	switch (below(24)) {
	case 0:
		d->arch = ta->compat;
		d->nr = (int)below(450);
		break;
	case 1:
		d->nr |= (int)X32;
		break;
	case 2:
		d->nr = (int)below(500);
		break;
	case 3:
		d->arch = (uint32_t)rnd();
		break;
	}
}

static uint64_t initial_seed(void)
{
	const char *env = getenv("MSEAL_FILTER_SEED");

	if (env && *env)
		return strtoull(env, NULL, 0);
	return (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
}

/* 150 random sets of ranges for ta, 4000 random calls on each. */
static void random_rounds(void)
{
	static struct msl_frange r[1500];
	static struct prog p;
	size_t programs = 0, too_big = 0;
	uint64_t seed = initial_seed();

	for (int round = 0; round < 150; round++) {
		struct seccomp_data d;
		unsigned int classes;
		size_t n;
		int rc;

		seed_used = seed + (uint64_t)round;
		rng = seed_used;
		n = random_ranges(r, NELEM(r));
		classes = 1 + (unsigned int)below(MSEAL_ALL);
		rc = compile(&p, r, n, classes);
		if (rc == -E2BIG) {
			too_big++;
			continue;
		}
		if (rc < 0) {
			print_ranges(&p.m);
			FAIL("seed %#" PRIx64 ": compile = %d", seed_used, rc);
		}
		programs++;
		for (int q = 0; q < 4000; q++) {
			random_query(&p, &d);
			expect_model(&p, &d);
		}
	}
	if (programs < 75)
		FAIL("seed %#" PRIx64 ": only %zu of 150 programs fit (%zu "
		     "too big)",
		     seed, programs, too_big);
}

TEST_ONCE(filter_random)
{
	random_rounds();
}

/* The same for arm64's program, with AArch64 and AArch32 calls. */
TEST_ONCE(filter_arm64_random)
{
	ta = &t_arm64;
	random_rounds();
}

/* mseal_refuse()'s program: the refused numbers on each ABI, nothing
 * else, and every other number cacheable. */
TEST_ONCE(filter_refuse_program)
{
	static const struct {
		unsigned int what;
		uint32_t arch, nr, want;
	} cases[] = {
		{ MSEAL_REFUSE_IO_URING, AUDIT_ARCH_X86_64, 425, EPERM_RET },
		{ MSEAL_REFUSE_IO_URING, AUDIT_ARCH_X86_64, 323, ALLOW },
		{ MSEAL_REFUSE_IO_URING, AUDIT_ARCH_X86_64, 425 | X32,
		  EPERM_RET },
		{ MSEAL_REFUSE_IO_URING, AUDIT_ARCH_I386, 425, EPERM_RET },
		{ MSEAL_REFUSE_IO_URING, AUDIT_ARCH_I386, 374, ALLOW },
		{ MSEAL_REFUSE_USERFAULTFD, AUDIT_ARCH_X86_64, 323, EPERM_RET },
		{ MSEAL_REFUSE_USERFAULTFD, AUDIT_ARCH_X86_64, 425, ALLOW },
		{ MSEAL_REFUSE_USERFAULTFD, AUDIT_ARCH_X86_64, 323 | X32,
		  EPERM_RET },
		{ MSEAL_REFUSE_USERFAULTFD, AUDIT_ARCH_I386, 374, EPERM_RET },
		{ MSEAL_REFUSE_USERFAULTFD, AUDIT_ARCH_I386, 323, ALLOW },
		{ MSEAL_REFUSE_IO_URING | MSEAL_REFUSE_USERFAULTFD,
		  AUDIT_ARCH_I386, 425, EPERM_RET },
		{ MSEAL_REFUSE_IO_URING | MSEAL_REFUSE_USERFAULTFD,
		  AUDIT_ARCH_X86_64, 323, EPERM_RET },
		{ MSEAL_REFUSE_IO_URING | MSEAL_REFUSE_USERFAULTFD,
		  AUDIT_ARCH_AARCH64, 425, ALLOW },
		{ MSEAL_REFUSE_IO_URING | MSEAL_REFUSE_USERFAULTFD,
		  AUDIT_ARCH_X86_64, 39, ALLOW },
	};
	struct sock_filter f[16];
	char why[128];

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct seccomp_data d = { .nr = (int)cases[i].nr,
					  .arch = cases[i].arch };
		size_t len = msl_refuse_program_arch(MSL_ARCH_X86_64,
						     cases[i].what, f);
		uint32_t got;

		CHECK(len > 0 && len <= 16);
		if (bpf_check(f, len, why, sizeof(why)))
			FAIL("case %zu: %s", i, why);
		CHECK(bpf_run(f, len, &d, &got) == 0);
		if (got != cases[i].want)
			FAIL("case %zu: arch %#x nr %#x: %#x, want %#x", i,
			     cases[i].arch, cases[i].nr, got, cases[i].want);
		for (uint32_t nr = 0; nr < 450; nr++)
			if ((nr < 425 || nr > 427) && nr != 323 && nr != 374)
				CHECK(bpf_const_allow(f, len, AUDIT_ARCH_X86_64,
						      nr));
	}
}

/* ---- arm64 ----------------------------------------------------------- */

/*
 * A call with its number as the kernel sees it (not the model's name):
 * the filter's verdict must be want, and the model's too.
 */
static void expect_raw(const struct prog *p, uint32_t want, uint32_t arch,
		       uint32_t nr, const uint64_t a[6], int line)
{
	struct seccomp_data d =
		sd(arch, (int)nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	uint32_t got = run(p, &d), mod = model(&p->m, &d);

	if (got != want || mod != want)
		FAIL("line %d: arch %#x nr %u args %#llx %#llx %#llx: filter "
		     "%#x, model %#x, want %#x",
		     line, arch, nr, (unsigned long long)a[0],
		     (unsigned long long)a[1], (unsigned long long)a[2], got,
		     mod, want);
}

#define EXPECT_RAW(p, want, arch, nr, ...)                                \
	expect_raw(p, want, arch, nr, (const uint64_t[6]){ __VA_ARGS__ }, \
		   __LINE__)

#define A64 AUDIT_ARCH_AARCH64
#define A32 AUDIT_ARCH_ARM

/* The hand-picked cases whose rules arm64 shares, on AArch64's numbers. */
TEST_ONCE(filter_arm64_shared_rules)
{
	ta = &t_arm64;
	filter_mremap(ctx);
	filter_mremap_wrapping_source(ctx);
	filter_prctl_set_mm(ctx);
	filter_growsdown_guard(ctx);
	filter_shm_rfp_brk(ctx);
	filter_shmdt_by_attach_address(ctx);
	filter_madvise_edges(ctx);
}

/*
 * Every call on AArch64's own numbers (include/uapi/asm-generic/unistd.h),
 * written out here: refused over a sealed range, allowed over an unsealed
 * twin.  x86-64's numbers mean other calls there.
 */
TEST_ONCE(filter_arm64_calls)
{
	static struct prog p;
	static const struct msl_frange r[] = {
		{ 0x7f0000000000, 0x7f0000002000, MSL_FR_DISCARD | MSL_FR_SHM,
		  0x7f0000000000, 0 },
		{ 0x7f0000100000, 0x7f0000101000, MSL_FR_HEAP, 0, 0 },
	};
	const uint64_t s = 0x7f0000000000, u = 0x7e0000000000;

	ta = &t_arm64;
	compile_ok(&p, r, NELEM(r), MSEAL_ALL);
	EXPECT_RAW(&p, EPERM_RET, A64, 215, s, PG); /* munmap */
	EXPECT_RAW(&p, ALLOW, A64, 215, u, PG);
	EXPECT_RAW(&p, EPERM_RET, A64, 222, s, PG, 3, 0x32, -1, 0); /* mmap */
	EXPECT_RAW(&p, ALLOW, A64, 222, u, PG, 3, 0x32, -1, 0);
	EXPECT_RAW(&p, EPERM_RET, A64, 216, s, PG, 2 * PG, 1); /* mremap */
	EXPECT_RAW(&p, ALLOW, A64, 216, u, PG, 2 * PG, 1);
	EXPECT_RAW(&p, EPERM_RET, A64, 226, s, PG, 1); /* mprotect */
	EXPECT_RAW(&p, ALLOW, A64, 226, u, PG, 1);
	EXPECT_RAW(&p, EPERM_RET, A64, 288, s, PG, 1, 0); /* pkey_mprotect */
	EXPECT_RAW(&p, ALLOW, A64, 288, u, PG, 1, 0);
	EXPECT_RAW(&p, EPERM_RET, A64, 233, s, PG, 4); /* madvise */
	EXPECT_RAW(&p, ALLOW, A64, 233, u, PG, 4);
	EXPECT_RAW(&p, EPERM_RET, A64, 440, 3, 0, 1, 4,
		   0); /* process_madvise */
	EXPECT_RAW(&p, ALLOW, A64, 440, 3, 0, 1, 3, 0);
	EXPECT_RAW(&p, ZERO_RET, A64, 197, s); /* shmdt */
	EXPECT_RAW(&p, ALLOW, A64, 197, u);
	EXPECT_RAW(&p, EPERM_RET, A64, 196, 1, s, 040000); /* shmat */
	EXPECT_RAW(&p, ALLOW, A64, 196, 1, 0x7f0000200000, 040000);
	EXPECT_RAW(&p, EPERM_RET, A64, 234, s, PG, 0); /* remap_file_pages */
	EXPECT_RAW(&p, ALLOW, A64, 234, u, PG, 0);
	EXPECT_RAW(&p, ZERO_RET, A64, 214, 0x7f0000100000); /* brk */
	EXPECT_RAW(&p, ALLOW, A64, 214, 0x7f0000101000);
	EXPECT_RAW(&p, EPERM_RET, A64, 167, 35, 14); /* prctl(PR_SET_MM) */
	EXPECT_RAW(&p, ALLOW, A64, 167, 35, 15);
	EXPECT_RAW(&p, EPERM_RET, A64, 1, 0); /* io_destroy */
	/* x86-64's numbers: setxattr (11), rt_sigaction (134: no uselib),
	 * getrusage (165)...; mseal (462) itself only adds seals. */
	EXPECT_RAW(&p, ALLOW, A64, 11, s, PG);
	EXPECT_RAW(&p, ALLOW, A64, 134, 0);
	EXPECT_RAW(&p, ALLOW, A64, 9, s, PG, 3, 0x32, -1, 0);
	EXPECT_RAW(&p, ALLOW, A64, 462, s, PG, 0);
	/* x32 is an x86-64 ABI: on AArch64 the bit is just a large number. */
	EXPECT_RAW(&p, ALLOW, A64, 215 | X32, s, PG);
	/* Every number but the dispatched ones stays cacheable. */
	for (uint32_t nr = 0; nr <= 500; nr++) {
		int want = model_nr(nr) < 0 ||
			   !call_enabled(&p.m, (uint32_t)model_nr(nr));

		if (bpf_const_allow(p.insns, p.len, A64, nr) != want)
			FAIL("nr %u: cacheable %d, want %d", nr, !want, want);
	}
	/* Without BASE, io_destroy is not dispatched at all. */
	compile_ok(&p, r, NELEM(r), MSEAL_PROT);
	EXPECT_RAW(&p, ALLOW, A64, 1, 0);
	CHECK(bpf_const_allow(p.insns, p.len, A64, 1));
}

/*
 * AArch32 tasks (AUDIT_ARCH_ARM, arch/arm64/include/asm/unistd32.h): 32-bit
 * arguments, refused by number as int 0x80 is on x86-64.
 */
TEST_ONCE(filter_arm64_compat_refused)
{
	static const struct msl_frange high[] = {
		{ 0x555555554000, 0x555555556000, MSL_FR_DISCARD, 0, 0 },
		{ 0x555555560000, 0x555555561000, MSL_FR_HEAP, 0, 0 },
	};
	static const struct msl_frange mid[] = {
		{ 0x100000000, 0x100001000, 0, 0, 0 },
	};
	static const uint32_t nr32[] = { 91,  163, 192, 306, 305, 253,
					 45,  172, 244, 86,  125, 394,
					 220, 440, 90,	117, 219, 20 };
	static const struct {
		const struct msl_frange *r;
		size_t n;
	} sets[] = { { edge_ranges, NELEM(edge_ranges) },
		     { high, NELEM(high) },
		     { mid, NELEM(mid) } };
	static struct prog p;
	struct seccomp_data d;

	ta = &t_arm64;
	for (size_t s = 0; s < NELEM(sets); s++) {
		for (unsigned int cl = 1; cl <= MSEAL_ALL; cl++) {
			compile_ok(&p, sets[s].r, sets[s].n, cl);
			for (size_t i = 0; i < NELEM(nr32); i++) {
				d = sd(A32, (int)nr32[i], 0x10000, PG, 1, 0x12,
				       0, 0);
				expect_model(&p, &d);
			}
			/* The other programs' ABIs are not this one's. */
			for (uint32_t nr = 0; nr <= 450; nr++) {
				d = sd(AUDIT_ARCH_I386, (int)nr, 0x10000, PG, 1,
				       0x12, 0, 0);
				CHECK(run(&p, &d) == ALLOW);
			}
		}
	}
	/* Spot checks with the numbers written out. */
	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_BASE);
	EXPECT_RAW(&p, EPERM_RET, A32, 91, 0x10000, PG);  /* munmap */
	EXPECT_RAW(&p, EPERM_RET, A32, 192, 0x10000, PG); /* mmap2 */
	EXPECT_RAW(&p, EPERM_RET, A32, 163, 0x10000, PG); /* mremap */
	EXPECT_RAW(&p, EPERM_RET, A32, 253, 0x10000, PG); /* rfp */
	EXPECT_RAW(&p, ALLOW, A32, 90, 0x10000, PG);	  /* no old mmap */
	EXPECT_RAW(&p, ALLOW, A32, 117, 21, 0x10000);	  /* no ipc */
	EXPECT_RAW(&p, ALLOW, A32, 125, 0x10000, PG, 1);  /* PROT not sealed */
	compile_ok(&p, high, NELEM(high), MSEAL_ALL);
	/* Ranges above 8 GiB: a 32-bit range cannot reach them... */
	EXPECT_RAW(&p, ALLOW, A32, 91, 0x10000, PG);
	EXPECT_RAW(&p, ALLOW, A32, 125, 0x10000, PG, 1);
	EXPECT_RAW(&p, ALLOW, A32, 220, 0x10000, PG, 4);
	/* ...but the calls on kernel state reach anything. */
	EXPECT_RAW(&p, EPERM_RET, A32, 305, 1, 0x10000, 040000); /* shmat */
	EXPECT_RAW(&p, EPERM_RET, A32, 45, 0x10000);		 /* brk */
	EXPECT_RAW(&p, EPERM_RET, A32, 172, 35, 14);		 /* prctl */
	EXPECT_RAW(&p, EPERM_RET, A32, 244, 0);	  /* io_destroy */
	EXPECT_RAW(&p, EPERM_RET, A32, 86, 0);	  /* uselib */
	EXPECT_RAW(&p, ALLOW, A32, 306, 0x10000); /* shmdt: no segment */
	EXPECT_RAW(&p, ALLOW, A32, 20, 0);	  /* getpid */
	compile_ok(&p, mid, NELEM(mid), MSEAL_PROT);
	/* mprotect(0xfffff000, 0x2000) reaches 4 GiB. */
	EXPECT_RAW(&p, EPERM_RET, A32, 125, 0xfffff000, 0x2000, 1);
	EXPECT_RAW(&p, EPERM_RET, A32, 394, 0xfffff000, 0x2000, 1, 0);
	EXPECT_RAW(&p, ALLOW, A32, 91, 0xfffff000, 0x2000);
	/* x86-64's program does not take AArch32 calls for its own. */
	ta = &t_x86;
	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_ALL);
	d = sd(A32, 91, 0x10000, PG, 0, 0, 0, 0);
	CHECK(run(&p, &d) == ALLOW);
}

/*
 * Top-byte tags: arm64's untagged_addr() (always on, whatever
 * PR_SET_TAGGED_ADDR_CTRL says) clears bits 56-63 of an address whose bit
 * 55 is clear, for munmap, mprotect, madvise and mremap's old address; not
 * for mmap, mremap's new address, brk, shmat, remap_file_pages.
 */
TEST_ONCE(filter_arm64_top_byte_tags)
{
	static struct prog p;
	const uint64_t t1 = 1ull << 56, t5a = 0x5aull << 56, b55 = 1ull << 55;
	uint64_t free_ = 0x20000;

	ta = &t_arm64;
	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_ALL);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, E_LO | t1, PG);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, E_LO | 0xffull << 56, PG);
	EXPECT(&p, ALLOW, NR_MUNMAP, (E_LO - PG) | t1, PG); /* control */
	EXPECT(&p, ALLOW, NR_MUNMAP, E_LO | b55 | t1, PG);  /* kept: no map */
	EXPECT(&p, EPERM_RET, NR_MPROTECT, E_LO | t5a, PG, 1);
	EXPECT(&p, ALLOW, NR_MPROTECT, (E_LO - PG) | t5a, PG, 1);
	EXPECT(&p, EPERM_RET, NR_PKEY_MPROTECT, E_LO | t5a, PG, 1, 0);
	EXPECT(&p, EPERM_RET, NR_MADVISE, E_X | t1, PG, 4);
	EXPECT(&p, ALLOW, NR_MADVISE, (E_X - PG) | t1, PG, 4);
	EXPECT(&p, EPERM_RET, NR_MREMAP, E_LO | t1, PG, 2 * PG, 1, 0);
	EXPECT(&p, EPERM_RET, NR_MREMAP, (E_LO - PG) | t1, 3 * PG, PG, 0, 0);
	EXPECT(&p, ALLOW, NR_MREMAP, (E_LO - 2 * PG) | t1, 2 * PG, PG, 0, 0);
	/* Not untagged: the kernel's EINVAL or a new mapping elsewhere. */
	EXPECT(&p, ALLOW, NR_MMAP, E_LO | t1, PG, 3, 0x32, -1, 0);
	EXPECT(&p, ALLOW, NR_MREMAP, free_, PG, PG, 3, E_LO | t1);
	EXPECT(&p, EPERM_RET, NR_MREMAP, free_, PG, PG, 3, E_LO);
	EXPECT(&p, ALLOW, NR_REMAP_FILE_PAGES, E_LO | t1, PG, 0);
	EXPECT(&p, ALLOW, NR_SHMAT, 1, E_LO | t1, 040000);
	/* x86's LAM strips bits 57-62: bit 56 stays, a non-canonical
	 * address (EINVAL). */
	ta = &t_x86;
	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_ALL);
	EXPECT(&p, ALLOW, NR_MUNMAP, E_LO | t1, PG);
	EXPECT(&p, EPERM_RET, NR_MUNMAP, E_LO | t5a, PG);
}

/*
 * PROT_BTI (0x10) and PROT_MTE (0x20) are arm64 prot bits
 * (arch_validate_prot()): mprotect adding one to a sealed range changes
 * it, and the kernel's seal refuses it.  On x86-64 they are EINVAL.
 */
TEST_ONCE(filter_arm64_prot_bti_mte)
{
	static struct prog p;

	ta = &t_arm64;
	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_PROT);
	EXPECT(&p, EPERM_RET, NR_MPROTECT, E_LO, PG, 0x15); /* R|X|BTI */
	EXPECT(&p, EPERM_RET, NR_MPROTECT, E_LO, PG, 0x23); /* R|W|MTE */
	EXPECT(&p, EPERM_RET, NR_MPROTECT, E_LO, PG, 0x3f);
	EXPECT(&p, EPERM_RET, NR_PKEY_MPROTECT, E_LO, PG, 0x11, 0);
	EXPECT(&p, EPERM_RET, NR_MPROTECT, 0x100002000, PG, 0x01000011);
	EXPECT(&p, ALLOW, NR_MPROTECT, E_LO - PG, PG, 0x15); /* unsealed */
	EXPECT(&p, ALLOW, NR_MPROTECT, E_LO, PG, 0x40);	     /* EINVAL */
	EXPECT(&p, ALLOW, NR_MPROTECT, E_LO, PG, 0x03000010);
	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_BASE);
	EXPECT(&p, EPERM_RET, NR_MMAP, E_LO, PG, 0x15, 0x12, 3, 0);
	ta = &t_x86;
	compile_ok(&p, edge_ranges, NELEM(edge_ranges), MSEAL_PROT);
	EXPECT(&p, ALLOW, NR_MPROTECT, E_LO, PG, 0x15);
	EXPECT(&p, EPERM_RET, NR_MPROTECT, E_LO, PG, 0x5);
}

/*
 * arm64's huge page sizes with 4 KiB pages (arch/arm64/mm/hugetlbpage.c):
 * 64 KiB (contiguous PTEs), 2 MiB, 32 MiB (contiguous PMDs), 1 GiB.  A
 * hugetlb mapping's address is aligned to its size, so the filter rounds
 * by the largest size the address is aligned to.
 */
TEST_ONCE(filter_arm64_hugetlb_rounding)
{
	static struct prog p;
	const uint64_t x = 0x7f0000000000ull; /* 1 GiB aligned */
	static const struct msl_frange r[] = {
		{ 0x7f0000011000, 0x7f0000012000, 0, 0, 0 }, /* 64 KiB page */
		{ 0x7f0002201000, 0x7f0002202000, 0, 0,
		  0 }, /* in the 32 MiB page at X + 32 MiB */
	};
	const uint64_t huge = 0x40032; /* MAP_HUGETLB, ANONYMOUS, FIXED */

	ta = &t_arm64;
	compile_ok(&p, r, NELEM(r), MSEAL_BASE);
	EXPECT(&p, EPERM_RET, NR_MMAP, x + 0x10000, PG, 3, huge, -1, 0);
	EXPECT(&p, EPERM_RET, NR_MMAP, x + 0x10000, PG, 3, 0x11, 3, 0);
	EXPECT(&p, ALLOW, NR_MMAP, x + 0x10000, PG, 3, 0x32, -1, 0);
	EXPECT(&p, ALLOW, NR_MMAP, x + 0x20000, PG, 3, huge, -1, 0);
	EXPECT(&p, ALLOW, NR_MMAP, x + 0x10000 - PG, PG, 3, huge, -1, 0);
	EXPECT(&p, EPERM_RET, NR_MMAP, x + 0x2000000, PG, 3, huge, -1, 0);
	EXPECT(&p, EPERM_RET, NR_MMAP, x + 0x2200000, PG, 3, huge, -1, 0);
	EXPECT(&p, ALLOW, NR_MMAP, x + 0x2400000, PG, 3, huge, -1, 0);
	EXPECT(&p, ALLOW, NR_MMAP, x + 0x2010000, PG, 3, huge, -1, 0);
	/* The destination of a hugetlb move. */
	EXPECT(&p, EPERM_RET, NR_MREMAP, x - 0x10000, PG, PG, 3, x + 0x10000);
	EXPECT(&p, ALLOW, NR_MREMAP, x - 0x10000, PG, PG, 3, x + 0x20000);
	EXPECT(&p, ALLOW, NR_MREMAP, x - 0x10000 + PG, PG, PG, 3, x + 0x10000);
	/* x86-64 has neither 64 KiB nor 32 MiB pages. */
	ta = &t_x86;
	compile_ok(&p, r, NELEM(r), MSEAL_BASE);
	EXPECT(&p, ALLOW, NR_MMAP, x + 0x10000, PG, 3, huge, -1, 0);
	EXPECT(&p, ALLOW, NR_MMAP, x + 0x2000000, PG, 3, huge, -1, 0);
	EXPECT(&p, EPERM_RET, NR_MMAP, x + 0x2200000, PG, 3, huge, -1, 0);
}

/* mseal_refuse()'s program for arm64: asm-generic and AArch32 numbers. */
TEST_ONCE(filter_arm64_refuse_program)
{
	static const struct {
		unsigned int what;
		uint32_t arch, nr, want;
	} cases[] = {
		{ MSEAL_REFUSE_IO_URING, A64, 425, EPERM_RET },
		{ MSEAL_REFUSE_IO_URING, A64, 427, EPERM_RET },
		{ MSEAL_REFUSE_IO_URING, A64, 424, ALLOW },
		{ MSEAL_REFUSE_IO_URING, A64, 428, ALLOW },
		{ MSEAL_REFUSE_IO_URING, A64, 282, ALLOW },
		{ MSEAL_REFUSE_IO_URING, A32, 426, EPERM_RET },
		{ MSEAL_REFUSE_USERFAULTFD, A64, 282, EPERM_RET },
		{ MSEAL_REFUSE_USERFAULTFD, A64, 323, ALLOW },
		{ MSEAL_REFUSE_USERFAULTFD, A64, 282 | X32, ALLOW },
		{ MSEAL_REFUSE_USERFAULTFD, A32, 388, EPERM_RET },
		{ MSEAL_REFUSE_USERFAULTFD, A32, 374, ALLOW },
		{ MSEAL_REFUSE_IO_URING | MSEAL_REFUSE_USERFAULTFD,
		  AUDIT_ARCH_X86_64, 425, ALLOW },
		{ MSEAL_REFUSE_IO_URING | MSEAL_REFUSE_USERFAULTFD,
		  AUDIT_ARCH_I386, 374, ALLOW },
		{ MSEAL_REFUSE_IO_URING | MSEAL_REFUSE_USERFAULTFD, A32, 425,
		  EPERM_RET },
	};
	struct sock_filter f[16];
	char why[128];

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct seccomp_data d = { .nr = (int)cases[i].nr,
					  .arch = cases[i].arch };
		size_t len = msl_refuse_program_arch(MSL_ARCH_ARM64,
						     cases[i].what, f);
		uint32_t got;

		CHECK(len > 0 && len <= 16);
		if (bpf_check(f, len, why, sizeof(why)))
			FAIL("case %zu: %s", i, why);
		CHECK(bpf_run(f, len, &d, &got) == 0);
		if (got != cases[i].want)
			FAIL("case %zu: arch %#x nr %#x: %#x, want %#x", i,
			     cases[i].arch, cases[i].nr, got, cases[i].want);
		for (uint32_t nr = 0; nr < 450; nr++)
			if ((nr < 425 || nr > 427) && nr != 282)
				CHECK(bpf_const_allow(f, len, A64, nr));
	}
	CHECK(msl_refuse_program_arch(MSL_NARCH, MSEAL_REFUSE_IO_URING, f) ==
	      0);
	CHECK(msl_filter_compile_arch(MSL_NARCH, edge_ranges, 1, MSEAL_BASE, f,
				      16) == -EINVAL);
}

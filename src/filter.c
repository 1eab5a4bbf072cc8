// SPDX-License-Identifier: MIT
/*
 * The seccomp filter compiler.
 *
 * Shape of a program (one per seal operation):
 *
 *   ld arch; x86-64? -> ld nr; x32 bit? -> refuse memory calls
 *                       io_destroy, uselib? -> EPERM (BASE)
 *                       memory call? -> its handler; else ALLOW
 *            i386?   -> refuse shmat, shmdt, ipc, brk, prctl, io_destroy,
 *                       uselib outright; the other memory calls too when a
 *                       sealed range lies below 8 GiB (what a 32-bit start
 *                       and length can reach)
 *   handlers: check the arguments the kernel rejects before it changes
 *             anything (those calls are allowed: the kernel answers EINVAL
 *             itself; where it unmaps first and fails later, as mremap's
 *             FIXED destination, the range is checked all the same),
 *             compute the range the kernel acts on [a, e) -- rounded up to
 *             a huge page where it may be one (huge_end) -- as two 32-bit
 *             halves in M[0..3] with carries, and jump to a range tree
 *   trees:    binary search of a over the sealed ranges (a growsdown
 *             piece's reaching down to what it can grow into), then one
 *             compare of e against the candidate's start
 *
 * On arm64 (struct arch_desc arm64): ld arch; AArch64? -> the same
 * dispatch on asm-generic numbers (no x32 bit); AArch32 compat
 * (AUDIT_ARCH_ARM)? -> refused by number as i386 is on x86-64.  The
 * descriptor also holds the untag rule, the prot bits mprotect accepts and
 * the huge page sizes.
 *
 * Only nr and arch are read before the dispatch, and every other syscall
 * returns ALLOW at once: the kernel's action cache (5.11+) then skips the
 * filter for them entirely.
 *
 * cBPF jumps are forward only and conditional offsets are 8 bits, so code is
 * emitted with symbolic labels and laid out by a relaxation pass that turns
 * a conditional jump whose target is too far into a short jump over a
 * BPF_JA (32-bit offset).  Trees end each block of leaves with a local pair
 * of exits so that leaves stay one or two instructions.
 */
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

#define PAGE 4096u
#define PAGE_MASK32 0xfffff000u

/* seccomp_data: nr, arch, instruction_pointer, args[6], little-endian. */
#define OFF_NR 0u
#define OFF_ARCH 4u
#define ARG_LO(i) (16u + 8u * (i))
#define ARG_HI(i) (20u + 8u * (i))

#define X32_BIT 0x40000000u

#define RET_ALLOW SECCOMP_RET_ALLOW
#define RET_EPERM (SECCOMP_RET_ERRNO | EPERM)
/* ERRNO(0) makes the call return 0 without running: shmdt and brk. */
#define RET_ZERO (SECCOMP_RET_ERRNO | 0u)

/*
 * Scratch cells; M_T0/1: mremap_second's old end, M_GT: huge_end's,
 * M_RET: where the shared range block returns to (enum sub_ret).
 */
enum { M_ALO, M_AHI, M_ELO, M_EHI, M_TMP, M_CONT, M_T0, M_T1, M_GT, M_RET };

/*
 * The handlers that act on [args[0], args[0] + args[1]) share one block
 * that computes it (range01()), entered with where to go next in M_RET:
 * each such handler is a few checks and three instructions, not forty.
 */
enum { SUB_MAIN, SUB_MPROTECT, SUB_MMAP, SUB_DISC, NSUB };

/* What the main tree's exits do next (M_CONT). */
enum { CONT_PLAIN, CONT_MREMAP, CONT_ZERO };

/* Leaves per block before a local pair of exits. */
#define BLOCK 48

/* ---- a tiny assembler with labels and branch relaxation -------------- */

enum { P_INSN, P_LABEL, P_JCOND, P_JA };

#define NEXT UINT32_MAX /* "the next instruction" as a jump target */

struct pins {
	uint8_t kind;
	uint8_t far; /* bit 0: jt too far, bit 1: jf too far */
	uint16_t code;
	uint32_t k;
	uint32_t lt, lf; /* label ids (P_LABEL: its id; P_JA: lt) */
	uint32_t pos;
};

/*
 * What the program depends on besides call numbers (calls[] holds those
 * per enum msl_arch): docs/AUDIT.md section 1 has where each comes from.
 */
struct arch_desc {
	uint32_t audit;	 /* the native ABI's AUDIT_ARCH_* */
	uint32_t compat; /* the 32-bit ABI's: refused by number */
	bool x32;	 /* native numbers | X32_BIT are an ABI too */
	/*
	 * untagged_addr() on an address's high word: kept as it is when
	 * tag_kernel is set in it, else and-ed with tag_keep.
	 */
	uint32_t tag_kernel, tag_keep;
	uint32_t prot_ok; /* prot bits arch_validate_prot() may accept */
	uint32_t huge[4]; /* huge page sizes - 1, ascending, 0 after */
};

static const struct arch_desc arches[MSL_NARCH] = {
	[MSL_ARCH_X86_64] = {
		.audit = AUDIT_ARCH_X86_64,
		.compat = AUDIT_ARCH_I386,
		.x32 = true,
		/* LAM: bits 57-62, unless bit 63 is set. */
		.tag_kernel = 0x80000000u,
		.tag_keep = 0x81ffffffu,
		.prot_ok = 0xfu, /* READ, WRITE, EXEC, SEM */
		.huge = { 0x1fffffu, 0x3fffffffu }, /* 2 MiB, 1 GiB */
	},
	[MSL_ARCH_ARM64] = {
		.audit = AUDIT_ARCH_AARCH64,
		.compat = AUDIT_ARCH_ARM,
		.x32 = false,
		/* TBI: bits 56-63, unless bit 55 is set (sign extension). */
		.tag_kernel = 0x00800000u,
		.tag_keep = 0x00ffffffu,
		.prot_ok = 0x3fu, /* and PROT_BTI, PROT_MTE */
		/* 4 KiB granule: 64 KiB, 2 MiB, 32 MiB (contiguous), 1 GiB */
		.huge = { 0xffffu, 0x1fffffu, 0x1ffffffu, 0x3fffffffu },
	},
};

struct gen {
	struct pins *p;
	size_t n, cap;
	uint32_t *lpos;
	uint32_t nlabels, lcap;
	bool oom;

	/* input, normalised */
	struct msl_frange *main_r; /* every sealed range, merged */
	size_t nmain;
	struct msl_frange *disc_r; /* the discard-protected ones, merged */
	size_t ndisc;
	uint64_t heap_end; /* highest end of a [heap] piece, 0 if none */
	uint64_t *shm;	   /* attach addresses of sealed segments, sorted */
	size_t nshm;
	bool low; /* a range starts below 8 GiB */
	unsigned int classes;
	const struct arch_desc *arch;
	unsigned int ai; /* enum msl_arch */

	uint32_t l_allow, l_eperm, l_zero;
	uint32_t l_tmain, l_tmain_plain, l_tdest, l_tdisc;
	uint32_t l_main_deny, l_main_allow;
	uint32_t l_huge; /* huge_end() for mmap and mremap's source */
	uint32_t l_sub_untag, l_sub_plain; /* range01()'s entries */
	unsigned int sub_used;		   /* bit per enum sub_ret */
	bool share_range; /* two handlers or more use range01() */
};

static void push(struct gen *g, struct pins ins)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 1024;
		struct pins *p = realloc(g->p, cap * sizeof(*p));

		if (!p) {
			g->oom = true;
			return;
		}
		g->p = p;
		g->cap = cap;
	}
	g->p[g->n++] = ins;
}

static uint32_t label(struct gen *g)
{
	if (g->nlabels == g->lcap) {
		uint32_t cap = g->lcap ? g->lcap * 2 : 256;
		uint32_t *l = realloc(g->lpos, cap * sizeof(*l));

		if (!l) {
			g->oom = true;
			return 0;
		}
		g->lpos = l;
		g->lcap = cap;
	}
	return g->nlabels++;
}

static void place(struct gen *g, uint32_t l)
{
	push(g, (struct pins){ .kind = P_LABEL, .lt = l });
}

static void insn(struct gen *g, uint16_t code, uint32_t k)
{
	push(g, (struct pins){ .kind = P_INSN, .code = code, .k = k });
}

static void jcond(struct gen *g, uint16_t op, uint32_t k, uint32_t lt,
		  uint32_t lf)
{
	push(g, (struct pins){ .kind = P_JCOND,
			       .code = (uint16_t)(BPF_JMP | op | BPF_K),
			       .k = k,
			       .lt = lt,
			       .lf = lf });
}

/* The same with X as the right-hand side. */
static void jcond_x(struct gen *g, uint16_t op, uint32_t lt, uint32_t lf)
{
	push(g, (struct pins){ .kind = P_JCOND,
			       .code = (uint16_t)(BPF_JMP | op | BPF_X),
			       .lt = lt,
			       .lf = lf });
}

static void ja(struct gen *g, uint32_t l)
{
	push(g, (struct pins){ .kind = P_JA, .lt = l });
}

static size_t pins_size(const struct pins *p)
{
	switch (p->kind) {
	case P_LABEL:
		return 0;
	case P_JCOND:
		return 1 + (p->far & 1) + ((p->far >> 1) & 1);
	default:
		return 1;
	}
}

/* Where a jump of p to l lands. */
static uint32_t target(const struct gen *g, const struct pins *p, uint32_t l)
{
	return l == NEXT ? p->pos + (uint32_t)pins_size(p) : g->lpos[l];
}

/*
 * Lays the program out: starts with every conditional jump short and marks
 * jumps far until nothing changes.  Marking only ever grows the program, so
 * this ends.  Returns the length, or 0 on a backward jump (a compiler bug).
 */
static size_t layout(struct gen *g)
{
	bool changed;
	uint32_t pos;

	do {
		pos = 0;
		for (size_t i = 0; i < g->n; i++) {
			g->p[i].pos = pos;
			if (g->p[i].kind == P_LABEL)
				g->lpos[g->p[i].lt] = pos;
			pos += (uint32_t)pins_size(&g->p[i]);
		}
		changed = false;
		for (size_t i = 0; i < g->n; i++) {
			struct pins *p = &g->p[i];
			uint32_t t;

			if (p->kind != P_JCOND)
				continue;
			for (int b = 0; b < 2; b++) {
				uint32_t l = b ? p->lf : p->lt;

				if (l == NEXT || (p->far & (1u << b)))
					continue;
				t = g->lpos[l];
				if (t < p->pos + 1)
					return 0;
				if (t - (p->pos + 1) > 255) {
					p->far |= (uint8_t)(1u << b);
					changed = true;
				}
			}
		}
	} while (changed);
	return pos;
}

static struct sock_filter raw(uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	return (struct sock_filter){ code, jt, jf, k };
}

static void emit_out(const struct gen *g, struct sock_filter *out)
{
	for (size_t i = 0; i < g->n; i++) {
		const struct pins *p = &g->p[i];
		uint32_t at = p->pos, tt, tf;

		switch (p->kind) {
		case P_LABEL:
			break;
		case P_INSN:
			out[at] = raw(p->code, 0, 0, p->k);
			break;
		case P_JA:
			out[at] = raw(BPF_JMP | BPF_JA, 0, 0,
				      g->lpos[p->lt] - (at + 1));
			break;
		case P_JCOND:
			tt = target(g, p, p->lt);
			tf = target(g, p, p->lf);
			switch (p->far) {
			case 0:
				out[at] = raw(p->code, (uint8_t)(tt - at - 1),
					      (uint8_t)(tf - at - 1), p->k);
				break;
			case 1: /* jt far: jxx 0, jf; ja jt */
				out[at] = raw(p->code, 0,
					      (uint8_t)(tf - at - 1), p->k);
				out[at + 1] = raw(BPF_JMP | BPF_JA, 0, 0,
						  tt - (at + 2));
				break;
			case 2: /* jf far: jxx jt, 0; ja jf */
				out[at] = raw(p->code, (uint8_t)(tt - at - 1),
					      0, p->k);
				out[at + 1] = raw(BPF_JMP | BPF_JA, 0, 0,
						  tf - (at + 2));
				break;
			default: /* both far: jxx 0, 1; ja jt; ja jf */
				out[at] = raw(p->code, 0, 1, p->k);
				out[at + 1] = raw(BPF_JMP | BPF_JA, 0, 0,
						  tt - (at + 2));
				out[at + 2] = raw(BPF_JMP | BPF_JA, 0, 0,
						  tf - (at + 3));
				break;
			}
			break;
		}
	}
}

/* ---- small code patterns ------------------------------------------- */

static void ld_abs(struct gen *g, uint32_t off)
{
	insn(g, BPF_LD | BPF_W | BPF_ABS, off);
}

static void ld_mem(struct gen *g, uint32_t m)
{
	insn(g, BPF_LD | BPF_MEM, m);
}

static void ldx_mem(struct gen *g, uint32_t m)
{
	insn(g, BPF_LDX | BPF_MEM, m);
}

static void ld_imm(struct gen *g, uint32_t k)
{
	insn(g, BPF_LD | BPF_IMM, k);
}

static void st(struct gen *g, uint32_t m)
{
	insn(g, BPF_ST, m);
}

static void ret(struct gen *g, uint32_t k)
{
	insn(g, BPF_RET | BPF_K, k);
}

/* a = args[i]; unaligned means the kernel's EINVAL: allow. */
enum { RA_ALIGN = 1, RA_UNTAG = 2 };

/*
 * RA_UNTAG: the call strips tag bits from a user address (untagged_addr():
 * munmap, mprotect, madvise, mremap's source): x86's LAM bits 57-62 once
 * the process enables LAM, arm64's top byte always (bits 56-63 where bit
 * 55 is clear), so the filter strips them too.  Where the kernel would not
 * (x86 without LAM) such an address is its EINVAL; stripping only moves
 * that to EPERM when it lands on a seal.
 */
static void range_addr(struct gen *g, unsigned int i, unsigned int how)
{
	uint32_t l_st = label(g);

	ld_abs(g, ARG_LO(i));
	if (how & RA_ALIGN)
		jcond(g, BPF_JSET, PAGE - 1, g->l_allow, NEXT);
	st(g, M_ALO);
	ld_abs(g, ARG_HI(i));
	if (how & RA_UNTAG) {
		/* A kernel address is left as it is. */
		jcond(g, BPF_JSET, g->arch->tag_kernel, l_st, NEXT);
		insn(g, BPF_ALU | BPF_AND | BPF_K, g->arch->tag_keep);
	}
	place(g, l_st);
	st(g, M_AHI);
}

/* a = args[i] rounded down to a page. */
static void range_addr_down(struct gen *g, unsigned int i)
{
	ld_abs(g, ARG_LO(i));
	insn(g, BPF_ALU | BPF_AND | BPF_K, PAGE_MASK32);
	st(g, M_ALO);
	ld_abs(g, ARG_HI(i));
	st(g, M_AHI);
}

/*
 * Length args[i] rounded up to a page, into M_ELO (low) and M_TMP (high).
 * A length whose rounding overflows, or that is 0, jumps to l_bad.
 */
static void range_len_up_or(struct gen *g, unsigned int i, uint32_t l_bad)
{
	uint32_t l_carry = label(g), l_hi = label(g), l_ok = label(g);

	ld_abs(g, ARG_LO(i));
	insn(g, BPF_ALU | BPF_ADD | BPF_K, PAGE - 1);
	jcond(g, BPF_JGE, PAGE - 1, NEXT, l_carry);
	insn(g, BPF_ALU | BPF_AND | BPF_K, PAGE_MASK32);
	st(g, M_ELO);
	ld_abs(g, ARG_HI(i));
	ja(g, l_hi);
	place(g, l_carry);
	insn(g, BPF_ALU | BPF_AND | BPF_K, PAGE_MASK32);
	st(g, M_ELO);
	ld_abs(g, ARG_HI(i));
	insn(g, BPF_ALU | BPF_ADD | BPF_K, 1);
	jcond(g, BPF_JEQ, 0, l_bad, NEXT);
	place(g, l_hi);
	st(g, M_TMP);
	jcond(g, BPF_JEQ, 0, NEXT, l_ok);
	ld_mem(g, M_ELO);
	jcond(g, BPF_JEQ, 0, l_bad, NEXT);
	place(g, l_ok);
}

/*
 * Whether args[i] rounds up to 0 pages (0, or past 2^64 - PAGE): jumps to
 * l_bad if so.  range_len_up_or()'s test without its result.
 */
static void len_rounds_to_zero(struct gen *g, unsigned int i, uint32_t l_bad)
{
	uint32_t l_zero = label(g), l_ok = label(g);

	ld_abs(g, ARG_HI(i));
	jcond(g, BPF_JEQ, 0, l_zero, NEXT);
	jcond(g, BPF_JEQ, UINT32_MAX, NEXT, l_ok);
	ld_abs(g, ARG_LO(i));
	jcond(g, BPF_JGT, PAGE_MASK32, l_bad, l_ok);
	place(g, l_zero);
	ld_abs(g, ARG_LO(i));
	jcond(g, BPF_JEQ, 0, l_bad, l_ok);
	place(g, l_ok);
}

/*
 * The same where such a length is allowed: every dispatched call answers
 * it with EINVAL or 0 before looking at seals.
 */
static void range_len_up(struct gen *g, unsigned int i)
{
	range_len_up_or(g, i, g->l_allow);
}

/* Length args[i] rounded down (remap_file_pages); 0 is allowed. */
static void range_len_down(struct gen *g, unsigned int i)
{
	uint32_t l_ok = label(g);

	ld_abs(g, ARG_LO(i));
	insn(g, BPF_ALU | BPF_AND | BPF_K, PAGE_MASK32);
	st(g, M_ELO);
	ld_abs(g, ARG_HI(i));
	st(g, M_TMP);
	jcond(g, BPF_JEQ, 0, NEXT, l_ok);
	ld_mem(g, M_ELO);
	jcond(g, BPF_JEQ, 0, g->l_allow, NEXT);
	place(g, l_ok);
}

/* e = a + PAGE; a in the top 4 GiB (never user memory) jumps to l_wrap. */
static void range_end_page(struct gen *g, uint32_t l_wrap)
{
	uint32_t l_done = label(g);

	ld_mem(g, M_AHI);
	jcond(g, BPF_JEQ, UINT32_MAX, l_wrap, NEXT);
	st(g, M_EHI);
	ld_mem(g, M_ALO);
	insn(g, BPF_ALU | BPF_ADD | BPF_K, PAGE);
	st(g, M_ELO);
	jcond(g, BPF_JGE, PAGE, l_done, NEXT);
	ld_mem(g, M_EHI);
	insn(g, BPF_ALU | BPF_ADD | BPF_K, 1);
	st(g, M_EHI);
	place(g, l_done);
}

/*
 * e = a + len with a 64-bit carry, into M_ELO/M_EHI.  An end past 2^64
 * jumps to l_wrap.
 */
static void range_end_or(struct gen *g, uint32_t l_wrap)
{
	uint32_t l_carry = label(g), l_add = label(g);

	ld_mem(g, M_ALO);
	ldx_mem(g, M_ELO);
	insn(g, BPF_ALU | BPF_ADD | BPF_X, 0);
	st(g, M_ELO);
	jcond_x(g, BPF_JGE, NEXT, l_carry);
	ld_mem(g, M_AHI);
	ja(g, l_add);
	place(g, l_carry);
	ld_mem(g, M_AHI);
	insn(g, BPF_ALU | BPF_ADD | BPF_K, 1);
	jcond(g, BPF_JEQ, 0, l_wrap, NEXT);
	place(g, l_add);
	ldx_mem(g, M_TMP);
	insn(g, BPF_ALU | BPF_ADD | BPF_X, 0);
	jcond_x(g, BPF_JGE, NEXT, l_wrap);
	st(g, M_EHI);
}

/*
 * The same where such an end is allowed: every call that uses it rejects
 * the range before it changes anything (munmap, mprotect, madvise and
 * mmap check the length first; mremap's other ranges: see h_mremap).
 */
static void range_end(struct gen *g)
{
	range_end_or(g, g->l_allow);
}

/*
 * e (M_ELO/M_EHI) rounded up to the largest page size the kernel may
 * round a length to, given an address low word in A, then a jump to
 * l_done; an end past 2^64 jumps to l_wrap.  A hugetlb mapping's address
 * must be aligned to its huge page size (else EINVAL before anything
 * changes), so an address aligned to the largest of the architecture's
 * huge page sizes (arch_desc.huge) may have pages of that size, one
 * aligned to a smaller one only pages up to that size, and one aligned to
 * none only base pages (e is already a page boundary).  Which hstates
 * exist, and the default one, is not visible: this is the bound for every
 * size the architecture can have.  The address is aligned
 * to the granule G, so a + len rounded up to G is e rounded up to G.
 */
static void huge_end(struct gen *g, uint32_t l_done, uint32_t l_wrap)
{
	const uint32_t *h = g->arch->huge;
	uint32_t l_size[4], l_set = label(g), l_nc = label(g);
	size_t k = 0;

	while (k < 4 && h[k])
		k++;
	/* Not aligned to h[i]: pages of h[i - 1] at most. */
	jcond(g, BPF_JSET, h[0], l_done, NEXT);
	for (size_t i = 1; i < k; i++) {
		l_size[i - 1] = label(g);
		jcond(g, BPF_JSET, h[i], l_size[i - 1], NEXT);
	}
	insn(g, BPF_LDX | BPF_IMM, h[k - 1]);
	for (size_t i = k - 1; i-- > 0;) {
		ja(g, l_set);
		place(g, l_size[i]);
		insn(g, BPF_LDX | BPF_IMM, h[i]);
	}
	place(g, l_set);
	ld_mem(g, M_ELO);
	insn(g, BPF_ALU | BPF_ADD | BPF_X, 0);
	st(g, M_GT);
	jcond_x(g, BPF_JGE, l_nc, NEXT);
	ld_mem(g, M_EHI);
	insn(g, BPF_ALU | BPF_ADD | BPF_K, 1);
	jcond(g, BPF_JEQ, 0, l_wrap, NEXT);
	st(g, M_EHI);
	place(g, l_nc);
	/* low = (lo + G) - ((lo + G) & G) */
	ld_mem(g, M_GT);
	insn(g, BPF_ALU | BPF_AND | BPF_X, 0);
	insn(g, BPF_MISC | BPF_TAX, 0);
	ld_mem(g, M_GT);
	insn(g, BPF_ALU | BPF_SUB | BPF_X, 0);
	st(g, M_ELO);
	ja(g, l_done);
}

static void to_main(struct gen *g, uint32_t cont)
{
	if (cont == CONT_PLAIN) {
		ja(g, g->l_tmain_plain);
		return;
	}
	ld_imm(g, cont);
	st(g, M_CONT);
	ja(g, g->l_tmain);
}

/* ---- range trees --------------------------------------------------- */

static uint32_t hi32(uint64_t v)
{
	return (uint32_t)(v >> 32);
}

static uint32_t lo32(uint64_t v)
{
	return (uint32_t)v;
}

/* Deny iff e > r.start, comparing all 64 bits (A and X are free). */
static void leaf_generic(struct gen *g, const struct msl_frange *r,
			 uint32_t deny, uint32_t allow)
{
	ld_mem(g, M_EHI);
	jcond(g, BPF_JGT, hi32(r->start), deny, NEXT);
	jcond(g, BPF_JEQ, hi32(r->start), NEXT, allow);
	ld_mem(g, M_ELO);
	jcond(g, BPF_JGT, lo32(r->start), deny, allow);
}

struct tree {
	const struct msl_frange *r;
	size_t n;
	size_t g1;   /* end of the current group */
	uint32_t hi; /* its high word: a's and every last byte's */
	uint32_t deny, allow;
};

/*
 * The candidate i is the first range whose last byte is >= a.  Inside the
 * group, X holds e's low word, or all ones when e's high word is larger.
 */
static void leaf(struct gen *g, const struct tree *t, size_t i, uint32_t deny,
		 uint32_t allow)
{
	if (i == t->n) {
		ja(g, allow);
	} else if (i == t->g1) {
		leaf_generic(g, &t->r[i], deny, allow);
	} else if (hi32(t->r[i].start) < t->hi) {
		ja(g, deny); /* starts below a's 4 GiB window: a is inside */
	} else {
		insn(g, BPF_MISC | BPF_TXA, 0);
		jcond(g, BPF_JGT, lo32(t->r[i].start), deny, allow);
	}
}

static void search(struct gen *g, const struct tree *t, size_t lo, size_t hi,
		   bool in_block, uint32_t deny, uint32_t allow)
{
	size_t mid;
	uint32_t l_right;

	if (!in_block && hi - lo <= BLOCK) {
		uint32_t d = label(g), a = label(g);

		search(g, t, lo, hi, true, d, a);
		place(g, d);
		ja(g, deny);
		place(g, a);
		ja(g, allow);
		return;
	}
	if (lo == hi) {
		leaf(g, t, lo, deny, allow);
		return;
	}
	mid = lo + (hi - lo) / 2;
	l_right = label(g);
	jcond(g, BPF_JGT, lo32(t->r[mid].end - 1), l_right, NEXT);
	search(g, t, lo, mid, in_block, deny, allow);
	place(g, l_right);
	search(g, t, mid + 1, hi, in_block, deny, allow);
}

/* The same for one range: a <= its last byte and e > its start. */
static void tree_one(struct gen *g, const struct msl_frange *r, uint32_t deny,
		     uint32_t allow)
{
	uint32_t l_alo = label(g), l_e = label(g), l_elo = label(g);

	ld_mem(g, M_AHI);
	jcond(g, BPF_JGT, hi32(r->end - 1), allow, NEXT);
	jcond(g, BPF_JEQ, hi32(r->end - 1), l_alo, l_e);
	place(g, l_alo);
	ld_mem(g, M_ALO);
	jcond(g, BPF_JGT, lo32(r->end - 1), allow, l_e);
	place(g, l_e);
	ld_mem(g, M_EHI);
	jcond(g, BPF_JGT, hi32(r->start), deny, NEXT);
	jcond(g, BPF_JEQ, hi32(r->start), l_elo, allow);
	place(g, l_elo);
	ld_mem(g, M_ELO);
	jcond(g, BPF_JGT, lo32(r->start), deny, allow);
}

/*
 * Answers "does [a, e) overlap r[0..n)?" by jumping to deny or allow.
 * Ranges are grouped by the high word of their last byte; a's high word
 * picks the group (or, between groups, the next group's first range), then
 * a binary search on low words finds the candidate.
 */
static void tree(struct gen *g, const struct msl_frange *r, size_t n,
		 uint32_t deny, uint32_t allow)
{
	size_t ngroups = 0, i, k;
	uint32_t *l_grp, *l_gen;

	if (n == 1) {
		tree_one(g, r, deny, allow);
		return;
	}

	for (i = 0; i < n; i++)
		if (i == 0 || hi32(r[i].end - 1) != hi32(r[i - 1].end - 1))
			ngroups++;
	l_grp = calloc(ngroups ? ngroups : 1, sizeof(*l_grp));
	l_gen = calloc(ngroups ? ngroups : 1, sizeof(*l_gen));
	if (!l_grp || !l_gen) {
		free(l_grp);
		free(l_gen);
		g->oom = true;
		return;
	}
	/* Group dispatch on a's high word. */
	ld_mem(g, M_AHI);
	for (i = 0, k = 0; i < n; i++) {
		uint32_t h = hi32(r[i].end - 1), l_next;

		if (i && h == hi32(r[i - 1].end - 1))
			continue;
		l_grp[k] = label(g);
		l_gen[k] = label(g);
		l_next = label(g);
		jcond(g, BPF_JGT, h, l_next, NEXT);
		jcond(g, BPF_JEQ, h, l_grp[k], l_gen[k]);
		place(g, l_next);
		k++;
	}
	ja(g, allow);
	/* Group bodies. */
	for (i = 0, k = 0; i < n; k++) {
		struct tree t = { r, n, i, hi32(r[i].end - 1), deny, allow };
		uint32_t l_sat = label(g), l_desc = label(g);

		while (t.g1 < n && hi32(r[t.g1].end - 1) == t.hi)
			t.g1++;
		/* a's high word is below this group: first range decides. */
		place(g, l_gen[k]);
		leaf_generic(g, &r[i], deny, allow);
		place(g, l_grp[k]);
		ld_mem(g, M_EHI);
		jcond(g, BPF_JGT, t.hi, l_sat, NEXT);
		ld_mem(g, M_ELO);
		insn(g, BPF_MISC | BPF_TAX, 0);
		ja(g, l_desc);
		place(g, l_sat);
		ld_imm(g, UINT32_MAX);
		insn(g, BPF_MISC | BPF_TAX, 0);
		place(g, l_desc);
		ld_mem(g, M_ALO);
		search(g, &t, i, t.g1, false, deny, allow);
		i = t.g1;
	}
	free(l_grp);
	free(l_gen);
}

/* ---- the calls ------------------------------------------------------ */

static const uint32_t destructive_advice[] = {
	4,   /* MADV_DONTNEED */
	8,   /* MADV_FREE */
	9,   /* MADV_REMOVE */
	10,  /* MADV_DONTFORK */
	18,  /* MADV_WIPEONFORK */
	24,  /* MADV_DONTNEED_LOCKED */
	102, /* MADV_GUARD_INSTALL */
};

#define NADVICE (sizeof(destructive_advice) / sizeof(destructive_advice[0]))

/*
 * [a, e) from args[0] and args[1] in range01(), then on to where site
 * says.  untag: as range_addr()'s RA_UNTAG; a is always checked aligned.
 */
static void h_mprotect_range(struct gen *g);
static void h_mmap_range(struct gen *g);

static void call_range01(struct gen *g, bool untag, unsigned int site)
{
	if (!g->share_range) { /* one user: inline, no dispatch */
		range_addr(g, 0, RA_ALIGN | (untag ? RA_UNTAG : 0));
		range_len_up(g, 1);
		range_end(g);
		if (site == SUB_MPROTECT)
			h_mprotect_range(g);
		else if (site == SUB_MMAP)
			h_mmap_range(g);
		else if (site == SUB_DISC)
			ja(g, g->l_tdisc);
		else
			to_main(g, CONT_PLAIN);
		return;
	}
	g->sub_used |= 1u << site;
	ld_imm(g, site);
	st(g, M_RET);
	ja(g, untag ? g->l_sub_untag : g->l_sub_plain);
}

static void h_munmap(struct gen *g)
{
	call_range01(g, true, SUB_MAIN);
}

/* mprotect and pkey_mprotect: prot is args[2] for both. */
static void h_mprotect(struct gen *g)
{
	/*
	 * Bits the kernel rejects with EINVAL before any lookup; but for
	 * PROT_SEAL and PROT_DOWNGRADEABLE (0x0c000000), which the seal-types
	 * kernel of kernel/ accepts (and changes the protection with).
	 */
	ld_abs(g, ARG_HI(2));
	jcond(g, BPF_JEQ, 0, NEXT, g->l_allow);
	ld_abs(g, ARG_LO(2));
	jcond(g, BPF_JSET, ~(g->arch->prot_ok | 0x0f000000u), g->l_allow, NEXT);
	insn(g, BPF_ALU | BPF_AND | BPF_K, 0x03000000u);
	jcond(g, BPF_JEQ, 0x03000000u, g->l_allow, NEXT);
	call_range01(g, true, SUB_MPROTECT);
}

/* After range01(). */
static void h_mprotect_range(struct gen *g)
{
	uint32_t l_go = label(g);

	/* PROT_GROWSDOWN extends the range down to its mapping's start, which
	 * a filter cannot know: take everything below. */
	ld_abs(g, ARG_LO(2));
	jcond(g, BPF_JSET, 0x01000000u, NEXT, l_go);
	ld_imm(g, 0);
	st(g, M_ALO);
	st(g, M_AHI);
	place(g, l_go);
	to_main(g, CONT_PLAIN);
}

/*
 * mmap with MAP_FIXED replaces [addr, addr + len) -- with len rounded up
 * to the huge page size for MAP_HUGETLB and for a hugetlbfs file or
 * MFD_HUGETLB memfd (ksys_mmap_pgoff()), whose size the fd hides: so any
 * mapping but plain anonymous memory rounds by the address's granule.
 */
static void h_mmap(struct gen *g)
{
	ld_abs(g, ARG_LO(3));
	jcond(g, BPF_JSET, 0x10u /* MAP_FIXED */, NEXT, g->l_allow);
	/* MAP_FIXED_NOREPLACE answers EEXIST over any mapping. */
	jcond(g, BPF_JSET, 0x100000u, g->l_allow, NEXT);
	ld_abs(g, ARG_LO(5));
	jcond(g, BPF_JSET, PAGE - 1, g->l_allow, NEXT);
	call_range01(g, false, SUB_MMAP);
}

/* After range01(). */
static void h_mmap_range(struct gen *g)
{
	/* MAP_ANONYMOUS without MAP_HUGETLB: base pages. */
	ld_abs(g, ARG_LO(3));
	insn(g, BPF_ALU | BPF_AND | BPF_K, 0x40020u);
	jcond(g, BPF_JEQ, 0x20u, g->l_tmain_plain, NEXT);
	ld_imm(g, CONT_PLAIN);
	st(g, M_CONT);
	ld_abs(g, ARG_LO(0));
	ja(g, g->l_huge);
}

/*
 * mremap, as 6.18's mm/mremap.c does it, with seals that do not split
 * mappings:
 * - the mapping at old_address must not be sealed: the page there;
 * - MREMAP_FIXED and MREMAP_DONTUNMAP move the whole source
 *   [old_address, + old_len) (the kernel moves mapping by mapping and
 *   stops at a sealed one, after moving those before it; the filter
 *   refuses before anything moves); FIXED also replaces
 *   [new_address, + new_len);
 * - otherwise a shrink unmaps the tail [old_address + new_len, + old_len),
 *   a same-size call changes nothing, and a growth with MREMAP_MAYMOVE may
 *   move the whole source.  A seccomp seal leaves its mapping whole, so
 *   the source may hold sealed pages past an unsealed first page: all of
 *   it counts (the kernel, whose seal splits the mapping, refuses such a
 *   source too, with EFAULT).  A growth without MAYMOVE stays in place.
 * old_len 0 (or rounding to 0) names the mapping at old_address: a page.
 * A hugetlb source rounds both lengths up to its huge page size (and
 * needs both addresses aligned to it), so the source and the tail end
 * round by old_address's granule, the destination by that of
 * old_address | new_address.
 * The kernel checks the seal of the mapping at old_address, then unmaps a
 * FIXED destination, and only then looks at old_len (an old_len past 2^64
 * fails with EINVAL or EFAULT, the destination gone): so such a source
 * counts as its first page, and the destination is still checked.
 * The second range (destination, tail or moved source) is checked after
 * the main tree allows the first (CONT_MREMAP), in a second copy of the
 * tree.
 */
static void h_mremap(struct gen *g)
{
	uint32_t l_src = label(g), l_addr = label(g), l_wrap = label(g);
	uint32_t l_page = label(g);

	ld_abs(g, ARG_HI(3));
	jcond(g, BPF_JEQ, 0, NEXT, g->l_allow);
	ld_abs(g, ARG_LO(3));
	jcond(g, BPF_JSET, ~7u, g->l_allow, NEXT);
	/* FIXED or DONTUNMAP without MAYMOVE: EINVAL. */
	jcond(g, BPF_JSET, 1u, l_src, NEXT);
	jcond(g, BPF_JSET, 6u, g->l_allow, l_src);
	place(g, l_src);
	/* A FIXED destination must be aligned. */
	jcond(g, BPF_JSET, 2u, NEXT, l_addr);
	ld_abs(g, ARG_LO(4));
	jcond(g, BPF_JSET, PAGE - 1, g->l_allow, l_addr);
	place(g, l_addr);
	ld_imm(g, CONT_MREMAP);
	st(g, M_CONT);
	range_addr(g, 0, RA_ALIGN | RA_UNTAG);
	len_rounds_to_zero(g, 2, g->l_allow); /* new_len 0 is EINVAL */
	ld_abs(g, ARG_LO(3));
	jcond(g, BPF_JSET, 6u /* FIXED, DONTUNMAP */, NEXT, l_page);
	range_len_up_or(g, 1, l_page);
	range_end_or(g, l_page);
	ld_abs(g, ARG_LO(0));
	ja(g, g->l_huge);
	place(g, l_page);
	range_end_page(g, l_wrap);
	ja(g, g->l_tmain);
	/* The source's page reaches past 2^64: no mapping there, the kernel
	 * changes nothing of it; the destination still counts. */
	place(g, l_wrap);
	ja(g, g->l_main_allow);
}

static void mremap_second(struct gen *g)
{
	uint32_t l_dest = label(g), l_lo = label(g), l_grow = label(g);
	uint32_t l_shrink = label(g), l_huge = label(g), l_new = label(g);
	uint32_t l_dest_end = label(g);

	ld_abs(g, ARG_LO(3));
	jcond(g, BPF_JSET, 2u /* MREMAP_FIXED */, l_dest, NEXT);
	/*
	 * The tail a shrink unmaps: [a + new_len, a + old_len), compared by
	 * pages, its end then rounded to a's granule.  Ends past 2^64 lie
	 * past TASK_SIZE: the kernel's munmap of the tail, and its lookup of
	 * a source that long, reject them.
	 */
	range_addr(g, 0, RA_UNTAG);
	range_len_up_or(g, 1, g->l_allow);
	range_end(g);
	ld_mem(g, M_ELO);
	st(g, M_T0);
	ld_mem(g, M_EHI);
	st(g, M_T1);
	ja(g, l_new);
	/* MREMAP_FIXED: the destination [new_address, + new_len), whose end
	 * shares the tail's code for a + new_len and is then rounded (at
	 * l_dest_end) to the granule of both addresses (a huge page size
	 * divides both). */
	place(g, l_dest);
	range_addr(g, 4, 0);
	/* Never read on this path, but the kernel's check of scratch cells
	 * wants them written on every path that reaches their reads. */
	st(g, M_T0);
	st(g, M_T1);
	place(g, l_new);
	range_len_up(g, 2);
	range_end(g);
	ld_abs(g, ARG_LO(3));
	jcond(g, BPF_JSET, 2u /* MREMAP_FIXED */, l_dest_end, NEXT);
	ld_mem(g, M_ELO);
	st(g, M_ALO);
	ld_mem(g, M_EHI);
	st(g, M_AHI);
	ld_mem(g, M_T0);
	st(g, M_ELO);
	ld_mem(g, M_T1);
	st(g, M_EHI);
	/* a + new_len against a + old_len: growth, same size or shrink. */
	ldx_mem(g, M_T1);
	ld_mem(g, M_AHI);
	jcond_x(g, BPF_JGT, l_grow, NEXT);
	jcond_x(g, BPF_JEQ, l_lo, l_shrink);
	place(g, l_lo);
	ldx_mem(g, M_T0);
	ld_mem(g, M_ALO);
	jcond_x(g, BPF_JGT, l_grow, NEXT);
	jcond_x(g, BPF_JEQ, g->l_allow, l_shrink);
	place(g, l_shrink);
	ld_abs(g, ARG_LO(0));
	ja(g, l_huge);
	/* A growth with MAYMOVE may move [a, a + old_len), still in M_E*. */
	place(g, l_grow);
	ld_abs(g, ARG_LO(3));
	jcond(g, BPF_JSET, 1u /* MREMAP_MAYMOVE */, NEXT, g->l_allow);
	range_addr(g, 0, RA_UNTAG);
	ja(g, g->l_tdest);
	place(g, l_dest_end);
	ldx_mem(g, M_ALO);
	ld_abs(g, ARG_LO(0));
	insn(g, BPF_ALU | BPF_OR | BPF_X, 0);
	place(g, l_huge);
	huge_end(g, g->l_tdest, g->l_allow);
}

/*
 * shmdt(addr) detaches the whole segment attached at addr, whatever its
 * size: refused when addr is the attach address of a segment holding a
 * sealed page, known at seal time.  Refused, it answers 0, as the kernel's
 * does (ksys_shmdt() ignores the munmap error).
 */
static void h_shmdt(struct gen *g)
{
	for (size_t i = 0; i < g->nshm; i++) {
		uint32_t l_next = label(g);

		ld_abs(g, ARG_LO(0));
		jcond(g, BPF_JEQ, lo32(g->shm[i]), NEXT, l_next);
		ld_abs(g, ARG_HI(0));
		jcond(g, BPF_JEQ, hi32(g->shm[i]), g->l_zero, l_next);
		place(g, l_next);
	}
	ja(g, g->l_allow);
}

/*
 * shmat with SHM_REMAP replaces what lies at shmaddr; the segment's size is
 * not visible, so any sealed range above shmaddr counts.
 */
static void h_shmat(struct gen *g)
{
	uint32_t l_nz = label(g), l_go = label(g);

	ld_abs(g, ARG_LO(2));
	jcond(g, BPF_JSET, 040000u /* SHM_REMAP */, NEXT, g->l_allow);
	ld_abs(g, ARG_LO(1));
	jcond(g, BPF_JEQ, 0, NEXT, l_nz);
	ld_abs(g, ARG_HI(1));
	jcond(g, BPF_JEQ, 0, g->l_allow, l_nz);
	place(g, l_nz);
	ld_abs(g, ARG_LO(1));
	jcond(g, BPF_JSET, PAGE - 1, NEXT, l_go);
	ld_abs(g, ARG_LO(2));
	jcond(g, BPF_JSET, 020000u /* SHM_RND */, l_go, g->l_allow);
	place(g, l_go);
	range_addr_down(g, 1);
	ld_imm(g, UINT32_MAX);
	st(g, M_ELO);
	st(g, M_EHI);
	to_main(g, CONT_PLAIN);
}

static void h_remap_file_pages(struct gen *g)
{
	ld_abs(g, ARG_LO(2));
	jcond(g, BPF_JEQ, 0, NEXT, g->l_allow);
	ld_abs(g, ARG_HI(2));
	jcond(g, BPF_JEQ, 0, NEXT, g->l_allow);
	range_addr_down(g, 0);
	range_len_down(g, 1);
	range_end(g);
	to_main(g, CONT_PLAIN);
}

/*
 * brk(b) shrinks the heap onto a sealed page when page_align(b) < the end
 * of a sealed heap piece, i.e. 0 < b <= heap_end - PAGE.  The kernel then
 * returns the old break; a filter cannot know it and returns 0, which
 * glibc's brk() and sbrk() report as a failure.
 */
static void h_brk(struct gen *g)
{
	uint64_t lim = g->heap_end - PAGE;
	uint32_t l_nz = label(g);

	ld_abs(g, ARG_LO(0));
	jcond(g, BPF_JEQ, 0, NEXT, l_nz);
	ld_abs(g, ARG_HI(0));
	jcond(g, BPF_JEQ, 0, g->l_allow, l_nz);
	place(g, l_nz);
	ld_abs(g, ARG_HI(0));
	jcond(g, BPF_JGT, hi32(lim), g->l_allow, NEXT);
	jcond(g, BPF_JEQ, hi32(lim), NEXT, g->l_zero);
	ld_abs(g, ARG_LO(0));
	jcond(g, BPF_JGT, lo32(lim), g->l_allow, g->l_zero);
}

/*
 * prctl(PR_SET_MM, ...) rewrites the process's start_brk and brk
 * (PR_SET_MM_MAP needs no capability), after which brk(start_brk) unmaps
 * whatever lies between them, sealed or not: refused while a BASE seal
 * exists, but PR_SET_MM_MAP_SIZE, which only reports a size.  The option
 * is an int.
 */
static void h_prctl(struct gen *g)
{
	ld_abs(g, ARG_LO(0));
	jcond(g, BPF_JEQ, 35u /* PR_SET_MM */, NEXT, g->l_allow);
	/* With high bits it is no sub-option: EINVAL (or EPERM). */
	ld_abs(g, ARG_LO(1));
	jcond(g, BPF_JEQ, 15u /* PR_SET_MM_MAP_SIZE */, g->l_allow, g->l_eperm);
}

static void h_madvise(struct gen *g)
{
	uint32_t l_d = label(g);

	ld_abs(g, ARG_LO(2)); /* advice is an int */
	for (size_t i = 0; i < NADVICE; i++)
		jcond(g, BPF_JEQ, destructive_advice[i], l_d, NEXT);
	ja(g, g->l_allow);
	place(g, l_d);
	call_range01(g, true, SUB_DISC);
}

/*
 * The shared block: a = args[0] (untagged from l_sub_untag), allowed when
 * unaligned; e = a + args[1] rounded up, allowed when that is 0 or wraps;
 * then to M_RET's site.  The handlers' own code after it follows.
 */
static void range01(struct gen *g)
{
	uint32_t l_hi = label(g), l_ret[NSUB], last = 0;

	if (!g->sub_used)
		return;
	l_ret[SUB_MAIN] = g->l_tmain_plain;
	l_ret[SUB_MPROTECT] = label(g);
	l_ret[SUB_MMAP] = label(g);
	l_ret[SUB_DISC] = g->l_tdisc;
	place(g, g->l_sub_plain);
	ld_abs(g, ARG_HI(0));
	ja(g, l_hi);
	place(g, g->l_sub_untag);
	ld_abs(g, ARG_HI(0));
	/* A kernel address is left as it is (range_addr()). */
	jcond(g, BPF_JSET, g->arch->tag_kernel, l_hi, NEXT);
	insn(g, BPF_ALU | BPF_AND | BPF_K, g->arch->tag_keep);
	place(g, l_hi);
	st(g, M_AHI);
	ld_abs(g, ARG_LO(0));
	jcond(g, BPF_JSET, PAGE - 1, g->l_allow, NEXT);
	st(g, M_ALO);
	range_len_up(g, 1);
	range_end(g);
	for (unsigned int i = 0; i < NSUB; i++)
		if (g->sub_used & (1u << i))
			last = i;
	if (g->sub_used != 1u << last)
		ld_mem(g, M_RET);
	for (unsigned int i = 0; i < last; i++)
		if (g->sub_used & (1u << i))
			jcond(g, BPF_JEQ, i, l_ret[i], NEXT);
	ja(g, l_ret[last]);
	if (g->sub_used & (1u << SUB_MPROTECT)) {
		place(g, l_ret[SUB_MPROTECT]);
		h_mprotect_range(g);
	}
	if (g->sub_used & (1u << SUB_MMAP)) {
		place(g, l_ret[SUB_MMAP]);
		h_mmap_range(g);
	}
}

/* process_madvise: the advice is visible, the address list is not. */
static void h_process_madvise(struct gen *g)
{
	ld_abs(g, ARG_LO(4));
	jcond(g, BPF_JEQ, 0, NEXT, g->l_allow);
	ld_abs(g, ARG_LO(3));
	for (size_t i = 0; i < NADVICE; i++)
		jcond(g, BPF_JEQ, destructive_advice[i], g->l_eperm, NEXT);
	ja(g, g->l_allow);
}

/*
 * ANY32: through int 0x80 the call reaches any address, not just the 8 GiB
 * that a 32-bit start plus a 32-bit length can: shmat and shmdt act on a
 * whole segment of invisible size, brk on the whole break, prctl(PR_SET_MM)
 * on the break through a structure.
 */
enum { NEED_HEAP = 1, NEED_DISC = 2, ANY32 = 4, NEED_SHM = 8, REFUSE = 16 };

/*
 * REFUSE: calls that unmap a range the filter cannot see, refused outright
 * while a BASE seal exists.  io_destroy unmaps the AIO ring where the ring
 * now is (mremap moves it: aio_ring_mremap()) for the length it had at
 * io_setup; uselib (6.1/6.12 with CONFIG_USELIB) maps a library's bss with
 * vm_brk_flags(), which unmaps what lies there first.
 */

/* A number no ABI has: the call does not exist there. */
#define NO_NR UINT32_MAX

/*
 * Per enum msl_arch: the native number (x86-64: also the x32 number with
 * X32_BIT), the compat ABI's numbers (i386; AArch32), 0-terminated.
 * AArch64 has the asm-generic table: no mmap2, no ipc multiplexer, no
 * uselib.  AArch32 under arm64's compat layer has no old mmap (90) and no
 * ipc (117) either: both are sys_ni_syscall there.
 */
static const struct call {
	uint32_t nr[MSL_NARCH];
	uint32_t nr32[MSL_NARCH][3];
	unsigned int cls;  /* the class that refuses it */
	unsigned int need; /* NEED_* */
	void (*handler)(struct gen *g);
} calls[] = {
	{ { 11, 215 }, { { 91 }, { 91 } }, MSEAL_BASE, 0, h_munmap },
	{ { 25, 216 }, { { 163 }, { 163 } }, MSEAL_BASE, 0, h_mremap },
	{ { 9, 222 }, { { 90, 192 }, { 192 } }, MSEAL_BASE, 0, h_mmap },
	{ { 67, 197 },
	  { { 398 }, { 306 } },
	  MSEAL_BASE,
	  NEED_SHM | ANY32,
	  h_shmdt },
	{ { 30, 196 },
	  { { 397, 117 /* ipc */ }, { 305 } },
	  MSEAL_BASE,
	  ANY32,
	  h_shmat },
	{ { 216, 234 },
	  { { 257 }, { 253 } },
	  MSEAL_BASE,
	  0,
	  h_remap_file_pages },
	{ { 12, 214 },
	  { { 45 }, { 45 } },
	  MSEAL_BASE,
	  NEED_HEAP | ANY32,
	  h_brk },
	{ { 157, 167 }, { { 172 }, { 172 } }, MSEAL_BASE, ANY32, h_prctl },
	/* io_destroy */
	{ { 207, 1 }, { { 246 }, { 244 } }, MSEAL_BASE, ANY32 | REFUSE, NULL },
	/* uselib */
	{ { 134, NO_NR },
	  { { 86 }, { 86 } },
	  MSEAL_BASE,
	  ANY32 | REFUSE,
	  NULL },
	{ { 10, 226 }, { { 125 }, { 125 } }, MSEAL_PROT, 0, h_mprotect },
	/* pkey_mprotect */
	{ { 329, 288 }, { { 380 }, { 394 } }, MSEAL_PROT, 0, NULL },
	{ { 28, 233 },
	  { { 219 }, { 220 } },
	  MSEAL_DISCARD,
	  NEED_DISC,
	  h_madvise },
	{ { 440, 440 },
	  { { 440 }, { 440 } },
	  MSEAL_DISCARD,
	  NEED_DISC,
	  h_process_madvise },
};

#define NCALLS (sizeof(calls) / sizeof(calls[0]))

static bool call_enabled(const struct gen *g, const struct call *c)
{
	if (!(g->classes & c->cls))
		return false;
	if ((c->need & NEED_HEAP) && !g->heap_end)
		return false;
	if ((c->need & NEED_DISC) && !g->ndisc)
		return false;
	if ((c->need & NEED_SHM) && !g->nshm)
		return false;
	return true;
}

static void program(struct gen *g)
{
	uint32_t l_handler[NCALLS], l_not64 = label(g), l_x32 = label(g);
	uint32_t l_mprotect = 0, l_a32 = label(g), l_e32 = label(g);
	size_t i, j;

	g->l_allow = label(g);
	g->l_eperm = label(g);
	g->l_zero = label(g);
	g->l_tmain = label(g);
	g->l_tmain_plain = label(g);
	g->l_tdest = label(g);
	g->l_tdisc = label(g);
	g->l_main_deny = label(g);
	g->l_main_allow = label(g);
	g->l_huge = label(g);
	g->l_sub_untag = label(g);
	g->l_sub_plain = label(g);

	for (i = 0, j = 0; i < NCALLS; i++)
		j += call_enabled(g, &calls[i]) &&
		     (calls[i].handler == h_munmap ||
		      calls[i].handler == h_mprotect ||
		      calls[i].handler == h_mmap ||
		      calls[i].handler == h_madvise);
	g->share_range = j > 1;
	/*
	 * Every sealed piece discard-protected (read-only anonymous memory,
	 * the common case): the main tree answers madvise's question too,
	 * and the filter carries no third tree.
	 */
	if ((g->classes & (MSEAL_BASE | MSEAL_PROT)) && g->ndisc == g->nmain) {
		for (i = 0; i < g->nmain; i++)
			if (g->disc_r[i].start != g->main_r[i].start ||
			    g->disc_r[i].end != g->main_r[i].end)
				break;
		if (i == g->nmain)
			g->l_tdisc = g->l_tmain_plain;
	}

	/* Dispatch: reads only arch and nr. */
	ld_abs(g, OFF_ARCH);
	jcond(g, BPF_JEQ, g->arch->audit, NEXT, l_not64);
	ld_abs(g, OFF_NR);
	if (g->arch->x32)
		jcond(g, BPF_JGE, X32_BIT, l_x32, NEXT);
	for (i = 0; i < NCALLS; i++) {
		if (!call_enabled(g, &calls[i]) || calls[i].nr[g->ai] == NO_NR)
			continue;
		if (calls[i].need & REFUSE)
			l_handler[i] = l_e32;
		else if (calls[i].handler)
			l_handler[i] = label(g);
		else
			l_handler[i] = l_mprotect;
		if (calls[i].handler == h_mprotect)
			l_mprotect = l_handler[i];
		jcond(g, BPF_JEQ, calls[i].nr[g->ai], l_handler[i], NEXT);
	}
	ret(g, RET_ALLOW);

	/*
	 * int 0x80 from this 64-bit process, or an AArch32 task under the
	 * filter it inherited: the call sees the low halves of registers the
	 * filter sees in full, so it is refused by number.
	 */
	place(g, l_not64);
	jcond(g, BPF_JEQ, g->arch->compat, NEXT, l_a32);
	ld_abs(g, OFF_NR);
	for (i = 0; i < NCALLS; i++) {
		if (!call_enabled(g, &calls[i]) ||
		    !(g->low || (calls[i].need & ANY32)))
			continue;
		for (j = 0; j < 3 && calls[i].nr32[g->ai][j]; j++)
			jcond(g, BPF_JEQ, calls[i].nr32[g->ai][j], l_e32, NEXT);
	}
	place(g, l_a32);
	ret(g, RET_ALLOW);

	/* The x32 ABI: refused outright. */
	if (g->arch->x32) {
		place(g, l_x32);
		for (i = 0; i < NCALLS; i++)
			if (call_enabled(g, &calls[i]) &&
			    calls[i].nr[g->ai] != NO_NR)
				jcond(g, BPF_JEQ, calls[i].nr[g->ai] | X32_BIT,
				      l_e32, NEXT);
		ret(g, RET_ALLOW);
	}
	/* Near exits keep the jumps above short. */
	place(g, l_e32);
	ret(g, RET_EPERM);

	for (i = 0, j = NCALLS; i < NCALLS; i++)
		if (call_enabled(g, &calls[i]) && calls[i].handler)
			j = i;
	for (i = 0; i < NCALLS; i++) {
		uint32_t l_far = g->l_allow;

		if (!call_enabled(g, &calls[i]) || !calls[i].handler)
			continue;
		place(g, l_handler[i]);
		/*
		 * Each handler ends in a jump; its own ALLOW follows it, but
		 * for the last: the kernel's check of scratch cells carries
		 * the state before a RET on to the next instruction, and the
		 * code after the handlers reads cells at once.
		 */
		if (i != j)
			g->l_allow = label(g);
		calls[i].handler(g);
		if (i != j) {
			place(g, g->l_allow);
			ret(g, RET_ALLOW);
		}
		g->l_allow = l_far;
	}
	range01(g);
	if (g->classes & MSEAL_BASE) {
		place(g, g->l_huge);
		huge_end(g, g->l_tmain, g->l_main_allow);
	}

	if (g->classes & (MSEAL_BASE | MSEAL_PROT)) {
		place(g, g->l_tmain_plain);
		ld_imm(g, CONT_PLAIN);
		st(g, M_CONT);
		place(g, g->l_tmain);
		tree(g, g->main_r, g->nmain, g->l_main_deny, g->l_main_allow);
		place(g, g->l_main_deny);
		ld_mem(g, M_CONT);
		jcond(g, BPF_JEQ, CONT_ZERO, g->l_zero, g->l_eperm);
		place(g, g->l_main_allow);
		if (g->classes & MSEAL_BASE) {
			ld_mem(g, M_CONT);
			jcond(g, BPF_JEQ, CONT_MREMAP, NEXT, g->l_allow);
			mremap_second(g);
			place(g, g->l_tdest);
			tree(g, g->main_r, g->nmain, g->l_eperm, g->l_allow);
		} else {
			ja(g, g->l_allow);
		}
	}
	if ((g->classes & MSEAL_DISCARD) && g->ndisc &&
	    g->l_tdisc != g->l_tmain_plain) {
		place(g, g->l_tdisc);
		tree(g, g->disc_r, g->ndisc, g->l_eperm, g->l_allow);
	}
	place(g, g->l_allow);
	ret(g, RET_ALLOW);
	place(g, g->l_eperm);
	ret(g, RET_EPERM);
	place(g, g->l_zero);
	ret(g, RET_ZERO);
}

/* Where the guarded range of r[i] starts: down to grow for a growsdown
 * mapping, never below the previous piece's end. */
static uint64_t guard_start(const struct msl_frange *r, size_t i)
{
	uint64_t s = r[i].start;

	if (r[i].grow && r[i].grow < s)
		s = r[i].grow;
	if (i && s < r[i - 1].end)
		s = r[i - 1].end;
	return s;
}

/* Merges r[0..n) (sorted) keeping those with all of want set. */
static size_t merge(const struct msl_frange *r, size_t n, unsigned int want,
		    struct msl_frange *out)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t s = guard_start(r, i);

		if ((r[i].flags & want) != want)
			continue;
		if (m && out[m - 1].end >= s) {
			if (r[i].end > out[m - 1].end)
				out[m - 1].end = r[i].end;
			continue;
		}
		out[m] = r[i];
		out[m].start = s;
		out[m].flags = 0;
		out[m].grow = 0;
		m++;
	}
	return m;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int msl_filter_compile(const struct msl_frange *r, size_t n,
		       unsigned int classes, struct sock_filter *out,
		       size_t cap)
{
	return msl_filter_compile_arch(MSL_ARCH_HOST, r, n, classes, out, cap);
}

int msl_filter_compile_arch(unsigned int arch, const struct msl_frange *r,
			    size_t n, unsigned int classes,
			    struct sock_filter *out, size_t cap)
{
	struct gen g;
	size_t len;
	int rc;

	if (arch >= MSL_NARCH || !n || !classes || (classes & ~MSEAL_ALL))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (r[i].start >= r[i].end ||
		    ((r[i].start | r[i].end | r[i].grow) & 4095) ||
		    (i && r[i].start < r[i - 1].end))
			return -EINVAL;
	}
	memset(&g, 0, sizeof(g));
	g.classes = classes;
	g.arch = &arches[arch];
	g.ai = arch;
	g.main_r = malloc(n * sizeof(*g.main_r));
	g.disc_r = malloc(n * sizeof(*g.disc_r));
	if (!g.main_r || !g.disc_r) {
		rc = -EAGAIN;
		goto out;
	}
	g.nmain = merge(r, n, 0, g.main_r);
	g.ndisc = merge(r, n, MSL_FR_DISCARD, g.disc_r);
	g.shm = malloc(n * sizeof(*g.shm));
	if (!g.shm) {
		rc = -EAGAIN;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if ((r[i].flags & MSL_FR_HEAP) && r[i].end > g.heap_end)
			g.heap_end = r[i].end;
		if (r[i].flags & MSL_FR_SHM)
			g.shm[g.nshm++] = r[i].seg;
	}
	qsort(g.shm, g.nshm, sizeof(*g.shm), cmp_u64);
	for (size_t i = 0, m = 0; i < g.nshm; i++) {
		if (!m || g.shm[m - 1] != g.shm[i])
			g.shm[m++] = g.shm[i];
		if (i + 1 == g.nshm)
			g.nshm = m;
	}
	/* A 32-bit start plus a 32-bit length ends below 8 GiB. */
	g.low = g.main_r[0].start < (1ULL << 33);
	program(&g);
	if (g.oom) {
		rc = -EAGAIN;
		goto out;
	}
	len = layout(&g);
	if (!len) {
		rc = -EINVAL; /* a backward jump: cannot happen */
		goto out;
	}
	if (len > cap || len > MSL_FILTER_MAX_INSNS) {
		rc = -E2BIG;
		goto out;
	}
	emit_out(&g, out);
	rc = (int)len;
out:
	free(g.p);
	free(g.lpos);
	free(g.main_r);
	free(g.disc_r);
	free(g.shm);
	return rc;
}

/*
 * The kernel (bpf_convert_filter(), net/core/filter.c) converts each
 * classic instruction to one eBPF instruction, except: a conditional jump
 * with both branches taken becomes two, and so does JSET with only its
 * false branch taken (it cannot be inverted); one whose constant does not
 * fit a signed immediate needs a move first; RET becomes a move and an
 * exit.  The prologue is three: clear A, clear X, keep the context.
 * seccomp's loads of seccomp_data are plain loads (no packet prologue).
 * So this is the kernel's count, as seccomp_budget_is_the_kernels checks.
 */
size_t msl_filter_ebpf_len(const struct sock_filter *prog, size_t len)
{
	size_t total = 3;

	for (size_t i = 0; i < len; i++) {
		uint16_t c = prog[i].code;

		if (BPF_CLASS(c) == BPF_RET) {
			total += 2;
		} else if (BPF_CLASS(c) == BPF_JMP && BPF_OP(c) != BPF_JA) {
			total += 1;
			if (BPF_SRC(c) == BPF_K && prog[i].k >= 0x80000000u)
				total += 1;
			if (prog[i].jf && (prog[i].jt || BPF_OP(c) == BPF_JSET))
				total += 1;
		} else {
			total += 1;
		}
	}
	return total;
}

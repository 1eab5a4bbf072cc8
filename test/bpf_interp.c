// SPDX-License-Identifier: MIT
/*
 * A model of the kernel's handling of classic BPF seccomp filters; see
 * bpf_interp.h.  Written from the rules in net/core/filter.c and
 * kernel/seccomp.c, and kept honest by the tests in t_bpf.c that install
 * the same programs for real.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "bpf_interp.h"

#define SECCOMP_DATA_SIZE 64 /* sizeof(struct seccomp_data) */
#define MEMWORDS 16	     /* BPF_MEMWORDS: scratch cells M[0..15] */

/* net/core/filter.c chk_code_allowed(): the opcodes classic BPF knows. */
static bool classic_code(uint16_t code)
{
	switch (code) {
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_MOD | BPF_K:
	case BPF_ALU | BPF_MOD | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
	case BPF_LD | BPF_IMM:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_B | BPF_MSH:
	case BPF_LDX | BPF_IMM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_X:
		return true;
	}
	return false;
}

/*
 * kernel/seccomp.c seccomp_check_filter(): the subset seccomp runs.  No
 * packet loads but the aligned 32-bit LD ABS, no LDX MSH, and no BPF_MOD
 * (classic BPF has it, seccomp's list never gained it).
 */
static bool seccomp_code(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_X:
		return true;
	}
	return false;
}

static bool is_cond_jump(uint16_t code)
{
	return BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA;
}

static int reject(char *why, size_t whysize, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int reject(char *why, size_t whysize, const char *fmt, ...)
{
	va_list ap;

	if (why && whysize) {
		va_start(ap, fmt);
		vsnprintf(why, whysize, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * check_load_and_stores(), step for step: one linear pass (jumps only go
 * forward) that carries the set of written cells and, at each jump, meets
 * it into the target's mask.  After an unconditional or conditional jump
 * the fall-through state is "all written", so only the masks count; after
 * a RET it is *not* reset, and the kernel still checks instructions no
 * path reaches.  The verdict has to match, so the quirks stay.
 */
static int check_scratch(const struct sock_filter *prog, size_t len, char *why,
			 size_t whysize)
{
	static uint16_t masks[BPF_MAXINSNS];
	uint16_t valid = 0;
	size_t pc;

	memset(masks, 0xff, len * sizeof(masks[0]));
	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];

		valid &= masks[pc];
		switch (f->code) {
		case BPF_ST:
		case BPF_STX:
			valid |= (uint16_t)(1u << f->k);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			if (!(valid & (1u << f->k)))
				return reject(why, whysize,
					      "insn %zu: M[%u] read before "
					      "written on some path",
					      pc, f->k);
			break;
		case BPF_JMP | BPF_JA:
			masks[pc + 1 + f->k] &= valid;
			valid = 0xffff;
			break;
		default:
			if (!is_cond_jump(f->code))
				break;
			masks[pc + 1 + f->jt] &= valid;
			masks[pc + 1 + f->jf] &= valid;
			valid = 0xffff;
			break;
		}
	}
	return 0;
}

int bpf_check(const struct sock_filter *prog, size_t len, char *why,
	      size_t whysize)
{
	size_t pc;
	uint16_t last;

	if (why && whysize)
		why[0] = '\0';
	/* bpf_check_basics_ok() */
	if (!prog || len == 0 || len > BPF_MAXINSNS)
		return reject(why, whysize, "length %zu not in 1..%d", len,
			      BPF_MAXINSNS);

	/* bpf_check_classic() */
	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];

		if (!classic_code(f->code))
			return reject(why, whysize,
				      "insn %zu: 0x%04x is no classic BPF "
				      "opcode",
				      pc, f->code);
		switch (f->code) {
		case BPF_ALU | BPF_DIV | BPF_K:
		case BPF_ALU | BPF_MOD | BPF_K:
			if (f->k == 0)
				return reject(why, whysize,
					      "insn %zu: division by constant "
					      "0",
					      pc);
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_K:
			if (f->k >= 32)
				return reject(why, whysize,
					      "insn %zu: shift by %u >= 32", pc,
					      f->k);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
			if (f->k >= MEMWORDS)
				return reject(why, whysize,
					      "insn %zu: M[%u] out of M[0..15]",
					      pc, f->k);
			break;
		case BPF_JMP | BPF_JA:
			if (f->k >= len - pc - 1)
				return reject(why, whysize,
					      "insn %zu: ja +%u past the end",
					      pc, f->k);
			break;
		default:
			if (is_cond_jump(f->code) &&
			    (f->jt >= len - pc - 1 || f->jf >= len - pc - 1))
				return reject(why, whysize,
					      "insn %zu: jump +%u/+%u past "
					      "the end",
					      pc, f->jt, f->jf);
			/*
			 * LD ABS at SKF_AD_OFF and above (ancillary data)
			 * passes here for known extensions, but seccomp
			 * rejects every offset >= 64 below, so the verdict
			 * does not depend on modelling them.
			 */
			break;
		}
	}
	last = prog[len - 1].code;
	if (last != (BPF_RET | BPF_K) && last != (BPF_RET | BPF_A))
		return reject(why, whysize, "last insn %zu is not a RET",
			      len - 1);
	if (check_scratch(prog, len, why, whysize))
		return -1;

	/* seccomp_check_filter() */
	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];

		if (!seccomp_code(f->code))
			return reject(why, whysize,
				      "insn %zu: opcode 0x%04x not allowed in "
				      "seccomp",
				      pc, f->code);
		if (f->code == (BPF_LD | BPF_W | BPF_ABS) &&
		    (f->k >= SECCOMP_DATA_SIZE || (f->k & 3)))
			return reject(why, whysize,
				      "insn %zu: ld [%u] not an aligned word "
				      "of seccomp_data",
				      pc, f->k);
	}
	return 0;
}

static size_t last_steps;

size_t bpf_last_steps(void)
{
	return last_steps;
}

/* The target of a jump by off from pc, or len when out of range. */
static size_t jump(size_t pc, size_t len, uint32_t off)
{
	return off >= len - pc - 1 ? len : pc + 1 + off;
}

int bpf_run(const struct sock_filter *prog, size_t len,
	    const struct seccomp_data *d, uint32_t *ret)
{
	uint32_t a = 0, x = 0, mem[MEMWORDS] = { 0 };
	size_t pc = 0;

	last_steps = 0;
	while (pc < len) {
		const struct sock_filter *f = &prog[pc];
		uint32_t k = f->k, src = BPF_SRC(f->code) == BPF_X ? x : k;
		bool cond = false;

		last_steps++;
		if (!seccomp_code(f->code))
			return -1;
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k >= SECCOMP_DATA_SIZE || (k & 3))
				return -1;
			memcpy(&a, (const char *)d + k, sizeof(a));
			break;
		case BPF_LD | BPF_W | BPF_LEN:
			a = SECCOMP_DATA_SIZE;
			break;
		case BPF_LDX | BPF_W | BPF_LEN:
			x = SECCOMP_DATA_SIZE;
			break;
		case BPF_LD | BPF_IMM:
			a = k;
			break;
		case BPF_LDX | BPF_IMM:
			x = k;
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
			if (k >= MEMWORDS)
				return -1;
			if (f->code == (BPF_LD | BPF_MEM))
				a = mem[k];
			else if (f->code == (BPF_LDX | BPF_MEM))
				x = mem[k];
			else
				mem[k] = f->code == BPF_ST ? a : x;
			break;
		case BPF_ALU | BPF_ADD | BPF_K:
		case BPF_ALU | BPF_ADD | BPF_X:
			a += src;
			break;
		case BPF_ALU | BPF_SUB | BPF_K:
		case BPF_ALU | BPF_SUB | BPF_X:
			a -= src;
			break;
		case BPF_ALU | BPF_MUL | BPF_K:
		case BPF_ALU | BPF_MUL | BPF_X:
			a *= src;
			break;
		case BPF_ALU | BPF_DIV | BPF_K:
		case BPF_ALU | BPF_DIV | BPF_X:
			if (src == 0) {
				if (BPF_SRC(f->code) == BPF_K)
					return -1; /* bpf_check rejects it */
				/* bpf_convert_filter(): "return 0" */
				*ret = 0;
				return 0;
			}
			a /= src;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
		case BPF_ALU | BPF_AND | BPF_X:
			a &= src;
			break;
		case BPF_ALU | BPF_OR | BPF_K:
		case BPF_ALU | BPF_OR | BPF_X:
			a |= src;
			break;
		case BPF_ALU | BPF_XOR | BPF_K:
		case BPF_ALU | BPF_XOR | BPF_X:
			a ^= src;
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_K:
			if (k >= 32)
				return -1; /* bpf_check rejects it */
			a = BPF_OP(f->code) == BPF_LSH ? a << k : a >> k;
			break;
		case BPF_ALU | BPF_LSH | BPF_X:
			a <<= x & 31;
			break;
		case BPF_ALU | BPF_RSH | BPF_X:
			a >>= x & 31;
			break;
		case BPF_ALU | BPF_NEG:
			a = -a;
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_MISC | BPF_TXA:
			a = x;
			break;
		case BPF_RET | BPF_K:
			*ret = k;
			return 0;
		case BPF_RET | BPF_A:
			*ret = a;
			return 0;
		case BPF_JMP | BPF_JA:
			pc = jump(pc, len, k);
			if (pc == len)
				return -1;
			continue;
		default: /* the conditional jumps */
			switch (BPF_OP(f->code)) {
			case BPF_JEQ:
				cond = a == src;
				break;
			case BPF_JGT:
				cond = a > src;
				break;
			case BPF_JGE:
				cond = a >= src;
				break;
			case BPF_JSET:
				cond = (a & src) != 0;
				break;
			}
			pc = jump(pc, len, cond ? f->jt : f->jf);
			if (pc == len)
				return -1;
			continue;
		}
		pc++;
	}
	return -1; /* fell off the end: bpf_check rejects such programs */
}

/*
 * seccomp_is_const_allow(), kernel/seccomp.c.  It runs on the program as
 * the user passed it (orig_prog, saved before seccomp_check_filter()
 * rewrites LD ABS), starting with A = 0, and gives up on anything it does
 * not know.  Bounds checks are ours: the kernel relies on bpf_check_classic.
 */
int bpf_const_allow(const struct sock_filter *prog, size_t len, uint32_t arch,
		    uint32_t nr)
{
	uint32_t a = 0;
	size_t pc = 0;

	while (pc < len) {
		const struct sock_filter *f = &prog[pc];
		bool cond;

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k == offsetof(struct seccomp_data, nr))
				a = nr;
			else if (f->k == offsetof(struct seccomp_data, arch))
				a = arch;
			else
				return 0;
			break;
		case BPF_RET | BPF_K:
			return f->k == SECCOMP_RET_ALLOW;
		case BPF_JMP | BPF_JA:
			pc = jump(pc, len, f->k);
			continue;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			if (BPF_OP(f->code) == BPF_JEQ)
				cond = a == f->k;
			else if (BPF_OP(f->code) == BPF_JGE)
				cond = a >= f->k;
			else if (BPF_OP(f->code) == BPF_JGT)
				cond = a > f->k;
			else
				cond = (a & f->k) != 0;
			pc = jump(pc, len, cond ? f->jt : f->jf);
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= f->k;
			break;
		default:
			return 0;
		}
		pc++;
	}
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * Disassembler of classic BPF seccomp programs.  The output follows the
 * bpf_asm/libseccomp conventions closely enough to read side by side, with
 * two changes that make filter dumps easier to check by eye: jump targets
 * are absolute instruction indices, and loads of struct seccomp_data name
 * the field they read.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "bpf_dump.h"

/* Older uapi headers lack the newer actions. */
#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif
#ifndef SECCOMP_RET_KILL_THREAD
#define SECCOMP_RET_KILL_THREAD 0x00000000U
#endif
#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U
#endif
#ifndef SECCOMP_RET_LOG
#define SECCOMP_RET_LOG 0x7ffc0000U
#endif
#ifndef SECCOMP_RET_ACTION_FULL
#define SECCOMP_RET_ACTION_FULL 0xffff0000U
#endif

#define SECCOMP_DATA_SIZE 64 /* sizeof(struct seccomp_data) */

/* A bounded string builder: keeps counting past the end, like snprintf. */
struct line {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(l->len < l->size ? l->buf + l->len : NULL,
		      l->len < l->size ? l->size - l->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
}

/*
 * The seccomp_data field at byte offset k.  The kernel copies the 64-bit
 * instruction_pointer and args[] in host byte order ("endianness is
 * explicitly ignored", kernel/seccomp.c), so which half sits at the lower
 * offset depends on the host.
 */
static int field_name(uint32_t k, char *out, size_t size)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	static const char *const half[2] = { "lo", "hi" };
#else
	static const char *const half[2] = { "hi", "lo" };
#endif
	uint32_t word = k & ~3u, byte = k & 3u;
	char extra[8] = "";
	int n;

	if (k >= SECCOMP_DATA_SIZE)
		return 0;
	if (byte)
		snprintf(extra, sizeof(extra), "+%" PRIu32, byte);
	if (word == 0)
		n = snprintf(out, size, "nr%s", extra);
	else if (word == 4)
		n = snprintf(out, size, "arch%s", extra);
	else if (word < 16)
		n = snprintf(out, size, "instruction_pointer %s%s",
			     half[(word - 8) / 4], extra);
	else
		n = snprintf(out, size, "args[%" PRIu32 "] %s%s",
			     (word - 16) / 8, half[(word - 16) % 8 / 4], extra);
	return n > 0;
}

/* The AUDIT_ARCH_* name of a constant compared against, if it is one. */
static const char *arch_name(uint32_t k)
{
	switch (k) {
	case AUDIT_ARCH_X86_64:
		return "AUDIT_ARCH_X86_64";
	case AUDIT_ARCH_I386:
		return "AUDIT_ARCH_I386";
	case AUDIT_ARCH_AARCH64:
		return "AUDIT_ARCH_AARCH64";
	case AUDIT_ARCH_ARM:
		return "AUDIT_ARCH_ARM";
	case AUDIT_ARCH_PPC64LE:
		return "AUDIT_ARCH_PPC64LE";
	case AUDIT_ARCH_PPC64:
		return "AUDIT_ARCH_PPC64";
	case AUDIT_ARCH_S390X:
		return "AUDIT_ARCH_S390X";
#ifdef AUDIT_ARCH_RISCV64
	case AUDIT_ARCH_RISCV64:
		return "AUDIT_ARCH_RISCV64";
#endif
	}
	return NULL;
}

/*
 * The return value as an action.  Data bits that the action ignores are
 * shown too ("ALLOW|0x1"): the kernel's action cache only treats the
 * exact SECCOMP_RET_ALLOW as allow, so they matter.
 */
static void put_ret(struct line *l, uint32_t k, const char **comment)
{
	uint32_t data = k & SECCOMP_RET_DATA;
	const char *name;

	switch (k & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
		name = "KILL_PROCESS";
		break;
	case SECCOMP_RET_KILL_THREAD:
		name = "KILL_THREAD";
		break;
	case SECCOMP_RET_TRAP:
		put(l, data ? "TRAP(%" PRIu32 ")" : "TRAP", data);
		return;
	case SECCOMP_RET_ERRNO:
		put(l, "ERRNO(%" PRIu32 ")", data);
		return;
	case SECCOMP_RET_USER_NOTIF:
		name = "USER_NOTIF";
		break;
	case SECCOMP_RET_TRACE:
		put(l, "TRACE(%" PRIu32 ")", data);
		return;
	case SECCOMP_RET_LOG:
		name = "LOG";
		break;
	case SECCOMP_RET_ALLOW:
		name = "ALLOW";
		break;
	default:
		/* The kernel treats any other action as KILL_PROCESS. */
		put(l, "#0x%08" PRIx32, k);
		*comment = "unknown action: kills the process";
		return;
	}
	put(l, "%s", name);
	if (data)
		put(l, "|0x%" PRIx32, data);
}

static const char *alu_name(uint16_t op)
{
	switch (op) {
	case BPF_ADD:
		return "add";
	case BPF_SUB:
		return "sub";
	case BPF_MUL:
		return "mul";
	case BPF_DIV:
		return "div";
	case BPF_OR:
		return "or";
	case BPF_AND:
		return "and";
	case BPF_LSH:
		return "lsh";
	case BPF_RSH:
		return "rsh";
	case BPF_NEG:
		return "neg";
	case BPF_MOD:
		return "mod";
	case BPF_XOR:
		return "xor";
	}
	return NULL;
}

static const char *jmp_name(uint16_t op)
{
	switch (op) {
	case BPF_JA:
		return "ja";
	case BPF_JEQ:
		return "jeq";
	case BPF_JGT:
		return "jgt";
	case BPF_JGE:
		return "jge";
	case BPF_JSET:
		return "jset";
	}
	return NULL;
}

/* Arithmetic constants read best in decimal, masks and compares in hex. */
static bool alu_decimal(uint16_t op)
{
	return op == BPF_ADD || op == BPF_SUB || op == BPF_MUL ||
	       op == BPF_DIV || op == BPF_MOD || op == BPF_LSH || op == BPF_RSH;
}

/*
 * Decodes insn into mnemonic and operands.  Returns false for an opcode
 * that is no classic BPF instruction.
 */
static bool decode(const struct sock_filter *insn, size_t i, size_t len,
		   const char **mnem, struct line *ops, const char **comment,
		   char *field, size_t fieldsize)
{
	uint16_t code = insn->code;
	uint32_t k = insn->k;
	static const char *const ld_size[] = { "ld", "ldh", "ldb", NULL };

	if (code > 0xff) /* classic opcodes fit in a byte */
		return false;
	switch (BPF_CLASS(code)) {
	case BPF_LD:
		if (BPF_SIZE(code) == 0x18) /* BPF_DW: no classic load */
			return false;
		*mnem = ld_size[BPF_SIZE(code) >> 3];
		switch (BPF_MODE(code)) {
		case BPF_ABS:
			put(ops, "[%" PRIu32 "]", k);
			if (field_name(k, field, fieldsize))
				*comment = field;
			return true;
		case BPF_IND:
			put(ops, "[x+%" PRIu32 "]", k);
			return true;
		case BPF_LEN:
			if (BPF_SIZE(code) != BPF_W)
				return false;
			put(ops, "#len");
			return true;
		case BPF_IMM:
			if (BPF_SIZE(code) != BPF_W)
				return false;
			put(ops, "#0x%" PRIx32, k);
			return true;
		case BPF_MEM:
			if (BPF_SIZE(code) != BPF_W)
				return false;
			put(ops, "M[%" PRIu32 "]", k);
			return true;
		}
		return false;
	case BPF_LDX:
		*mnem = "ldx";
		if (code == (BPF_LDX | BPF_B | BPF_MSH)) {
			put(ops, "4*([%" PRIu32 "]&0xf)", k);
			return true;
		}
		if (BPF_SIZE(code) != BPF_W)
			return false;
		switch (BPF_MODE(code)) {
		case BPF_IMM:
			put(ops, "#0x%" PRIx32, k);
			return true;
		case BPF_MEM:
			put(ops, "M[%" PRIu32 "]", k);
			return true;
		case BPF_LEN:
			put(ops, "#len");
			return true;
		}
		return false;
	case BPF_ST:
	case BPF_STX:
		if (code != BPF_ST && code != BPF_STX)
			return false;
		*mnem = code == BPF_ST ? "st" : "stx";
		put(ops, "M[%" PRIu32 "]", k);
		return true;
	case BPF_ALU:
		*mnem = alu_name(BPF_OP(code));
		if (!*mnem)
			return false;
		if (BPF_OP(code) == BPF_NEG)
			return BPF_SRC(code) == BPF_K;
		if (BPF_SRC(code) == BPF_X)
			put(ops, "x");
		else if (alu_decimal(BPF_OP(code)))
			put(ops, "#%" PRIu32, k);
		else
			put(ops, "#0x%" PRIx32, k);
		return true;
	case BPF_JMP:
		*mnem = jmp_name(BPF_OP(code));
		if (!*mnem)
			return false;
		if (BPF_OP(code) == BPF_JA) {
			if (BPF_SRC(code) != BPF_K)
				return false;
			put(ops, "%zu", i + 1 + (size_t)k);
			if ((size_t)k >= len - i - 1)
				*comment = "past the end";
			return true;
		}
		if (BPF_SRC(code) == BPF_X) {
			put(ops, "x");
		} else {
			put(ops, "#0x%" PRIx32, k);
			if (BPF_OP(code) == BPF_JEQ && arch_name(k))
				*comment = arch_name(k);
		}
		put(ops, ", %zu, %zu", i + 1 + insn->jt, i + 1 + insn->jf);
		if (insn->jt >= len - i - 1 || insn->jf >= len - i - 1)
			*comment = "past the end";
		return true;
	case BPF_RET:
		*mnem = "ret";
		switch (code) {
		case BPF_RET | BPF_K:
			put_ret(ops, k, comment);
			return true;
		case BPF_RET | BPF_A:
			put(ops, "a");
			return true;
		}
		return false;
	case BPF_MISC:
		if (code == (BPF_MISC | BPF_TAX))
			*mnem = "tax";
		else if (code == (BPF_MISC | BPF_TXA))
			*mnem = "txa";
		else
			return false;
		return true;
	}
	return false;
}

int msl_bpf_disasm(const struct sock_filter *prog, size_t len, size_t i,
		   char *buf, size_t size)
{
	char opbuf[64], field[48];
	struct line ops = { opbuf, sizeof(opbuf), 0 };
	const char *mnem = NULL, *comment = NULL;
	const struct sock_filter *insn;

	if (i >= len || !prog) {
		if (size)
			buf[0] = '\0';
		return 0;
	}
	insn = &prog[i];
	opbuf[0] = '\0';
	if (!decode(insn, i, len, &mnem, &ops, &comment, field, sizeof(field)))
		return snprintf(buf, size,
				"%4zu: .word 0x%04x, %u, %u, 0x%08" PRIx32, i,
				insn->code, insn->jt, insn->jf, insn->k);
	if (!ops.len)
		return snprintf(buf, size, "%4zu: %s", i, mnem);
	if (!comment)
		return snprintf(buf, size, "%4zu: %-4s %s", i, mnem, opbuf);
	/* Comments line up in a column; a longer operand pushes its out. */
	return snprintf(buf, size, "%4zu: %-4s %-16s%s; %s", i, mnem, opbuf,
			ops.len >= 16 ? " " : "", comment);
}

int msl_bpf_dump(FILE *f, const struct sock_filter *prog, size_t len)
{
	char line[160];
	size_t i;

	for (i = 0; i < len; i++) {
		msl_bpf_disasm(prog, len, i, line, sizeof(line));
		if (fprintf(f, "%s\n", line) < 0)
			return -EIO;
	}
	return ferror(f) ? -EIO : 0;
}

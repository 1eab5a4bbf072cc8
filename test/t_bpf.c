// SPDX-License-Identifier: MIT
/*
 * Tests of the classic-BPF tooling: the disassembler (src/bpf_dump.c) and
 * the test-side model of the kernel (test/bpf_interp.c).  The model is only
 * worth its verdicts if the kernel agrees, so the bpf_kernel_* tests
 * install the same programs for real in a forked child and compare.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "harness.h"
#include "internal.h"
#include "bpf_dump.h"
#include "bpf_interp.h"

#define S(code, k) BPF_STMT(code, k)
#define J(code, k, jt, jf) BPF_JUMP(code, k, jt, jf)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define LD_ABS (BPF_LD | BPF_W | BPF_ABS)
#define RET_K (BPF_RET | BPF_K)
#define ERRNO(n) (SECCOMP_RET_ERRNO | (n))
#define ALLOW SECCOMP_RET_ALLOW
#define ARG_LO(n) (16 + 8 * (n) + (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__) * 4)
#define ARG_HI(n) (16 + 8 * (n) + (__BYTE_ORDER__ != __ORDER_BIG_ENDIAN__) * 4)

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#define NATIVE_ARCH 0 /* the kernel comparisons skip */
#endif

/* ---- the kernel, in a forked child ------------------------------------ */

/* What the child saw, in memory shared with the parent: the child may be
 * killed by its own filter before it could report through a pipe. */
struct kernel_result {
	int installed; /* 0, or errno of seccomp(); -1 until the child ran */
	long result;   /* the probe syscall's return value, or -errno */
	int done;      /* the probe syscall returned */
};

/*
 * Installs prog in a child and, if call is true, then runs
 * getppid(args...), which the filter sees as nr and args[].  Returns the
 * child's wait status.
 */
static int kernel_try(const struct sock_filter *prog, size_t len, bool call,
		      const uint64_t args[6], struct kernel_result *out)
{
	struct kernel_result *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct sock_fprog fprog = { (unsigned short)len,
				    (struct sock_filter *)prog };
	int status;
	pid_t pid;

	CHECK(r != MAP_FAILED);
	r->installed = -1;
	r->done = 0;
	/* sock_fprog.len is 16 bits: longer programs cannot be expressed. */
	CHECK(len <= 0xffff);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(1);
		r->installed = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0,
				       &fprog) ?
				       errno :
				       0;
		if (call && r->installed == 0) {
			long rc = syscall(SYS_getppid, args[0], args[1],
					  args[2], args[3], args[4], args[5]);

			r->result = rc == -1 ? -errno : rc;
			r->done = 1;
		}
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	*out = *r;
	munmap(r, sizeof(*r));
	if (out->installed == ENOSYS)
		SKIP("seccomp(2) not available");
	CHECK(out->installed != -1);
	return status;
}

/* 0 when the kernel accepts prog as a filter, else the errno. */
static int kernel_accepts(const struct sock_filter *prog, size_t len)
{
	struct kernel_result r;

	kernel_try(prog, len, false, NULL, &r);
	return r.installed;
}

/* ---- bpf_check --------------------------------------------------------- */

struct check_case {
	const char *name;
	size_t len;
	struct sock_filter prog[8];
	int want; /* bpf_check(): 0 or -1 */
};

static const struct check_case check_cases[] = {
	{ "allow all", 1, { S(RET_K, ALLOW) }, 0 },
	{ "ret a", 1, { S(BPF_RET | BPF_A, 0) }, 0 },
	{ "M[0] written on both branches",
	  7,
	  {
		  S(LD_ABS, 0),
		  J(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 2),
		  S(BPF_ST, 0),
		  S(BPF_JMP | BPF_JA, 1),
		  S(BPF_ST, 0),
		  S(BPF_LD | BPF_MEM, 0),
		  S(RET_K, ALLOW),
	  },
	  0 },
	{ "M[0] written on one branch only",
	  7,
	  {
		  S(LD_ABS, 0),
		  J(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 2),
		  S(BPF_ST, 0),
		  S(BPF_JMP | BPF_JA, 1),
		  S(BPF_LD | BPF_IMM, 0),
		  S(BPF_LD | BPF_MEM, 0),
		  S(RET_K, ALLOW),
	  },
	  -1 },
	{ "M[0] read before written",
	  2,
	  { S(BPF_LDX | BPF_MEM, 0), S(RET_K, ALLOW) },
	  -1 },
	/* No path reaches insn 1, and the kernel still checks it. */
	{ "unreachable read of M[0]",
	  3,
	  { S(RET_K, ALLOW), S(BPF_LD | BPF_MEM, 0), S(BPF_RET | BPF_A, 0) },
	  -1 },
	{ "M[16]", 2, { S(BPF_ST, 16), S(RET_K, ALLOW) }, -1 },
	{ "jeq past the end",
	  2,
	  { J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), S(RET_K, ALLOW) },
	  -1 },
	{ "jeq to the last insn",
	  2,
	  { J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0), S(RET_K, ALLOW) },
	  0 },
	{ "ja past the end",
	  2,
	  { S(BPF_JMP | BPF_JA, 1), S(RET_K, ALLOW) },
	  -1 },
	{ "ja -1 (k is unsigned)",
	  2,
	  { S(BPF_JMP | BPF_JA, 0xffffffff), S(RET_K, ALLOW) },
	  -1 },
	{ "ld [64]", 2, { S(LD_ABS, 64), S(RET_K, ALLOW) }, -1 },
	{ "ld [60]", 2, { S(LD_ABS, 60), S(RET_K, ALLOW) }, 0 },
	{ "ld [2] unaligned", 2, { S(LD_ABS, 2), S(RET_K, ALLOW) }, -1 },
	{ "ldh [0]",
	  2,
	  { S(BPF_LD | BPF_H | BPF_ABS, 0), S(RET_K, ALLOW) },
	  -1 },
	{ "ldb [0]",
	  2,
	  { S(BPF_LD | BPF_B | BPF_ABS, 0), S(RET_K, ALLOW) },
	  -1 },
	{ "ld [x+0]",
	  2,
	  { S(BPF_LD | BPF_W | BPF_IND, 0), S(RET_K, ALLOW) },
	  -1 },
	{ "ldx msh",
	  2,
	  { S(BPF_LDX | BPF_B | BPF_MSH, 0), S(RET_K, ALLOW) },
	  -1 },
	{ "ld #len",
	  2,
	  { S(BPF_LD | BPF_W | BPF_LEN, 0), S(RET_K, ALLOW) },
	  0 },
	{ "mod #3",
	  2,
	  { S(BPF_ALU | BPF_MOD | BPF_K, 3), S(RET_K, ALLOW) },
	  -1 },
	{ "mod x",
	  2,
	  { S(BPF_ALU | BPF_MOD | BPF_X, 0), S(RET_K, ALLOW) },
	  -1 },
	{ "div #0",
	  2,
	  { S(BPF_ALU | BPF_DIV | BPF_K, 0), S(RET_K, ALLOW) },
	  -1 },
	{ "div x", 2, { S(BPF_ALU | BPF_DIV | BPF_X, 0), S(RET_K, ALLOW) }, 0 },
	{ "lsh #32",
	  2,
	  { S(BPF_ALU | BPF_LSH | BPF_K, 32), S(RET_K, ALLOW) },
	  -1 },
	{ "rsh #31",
	  2,
	  { S(BPF_ALU | BPF_RSH | BPF_K, 31), S(RET_K, ALLOW) },
	  0 },
	{ "last insn not a ret",
	  2,
	  { S(RET_K, ALLOW), S(BPF_LD | BPF_IMM, 0) },
	  -1 },
	{ "unknown opcode", 2, { S(0xffff, 0), S(RET_K, ALLOW) }, -1 },
	{ "ret x (not Linux BPF)", 1, { S(BPF_RET | BPF_X, 0) }, -1 },
	{ "ret #unknown action", 1, { S(RET_K, 0x12340000) }, 0 },
};

TEST_ONCE(bpf_check_cases)
{
	char why[128];
	size_t i;

	for (i = 0; i < NELEM(check_cases); i++) {
		const struct check_case *c = &check_cases[i];
		int rc = bpf_check(c->prog, c->len, why, sizeof(why));

		if (rc != c->want)
			FAIL("%s: bpf_check = %d (%s), want %d", c->name, rc,
			     why, c->want);
		if (rc && !why[0])
			FAIL("%s: rejected without a reason", c->name);
	}
}

TEST_ONCE(bpf_check_length)
{
	struct sock_filter *big = calloc(BPF_MAXINSNS + 1, sizeof(*big));
	char why[128];
	size_t i;

	CHECK(big != NULL);
	for (i = 0; i <= BPF_MAXINSNS; i++)
		big[i] = (struct sock_filter)S(RET_K, ALLOW);
	CHECK(bpf_check(big, 0, why, sizeof(why)) == -1);
	CHECK(bpf_check(big, BPF_MAXINSNS, why, sizeof(why)) == 0);
	CHECK(bpf_check(big, BPF_MAXINSNS + 1, why, sizeof(why)) == -1);
	CHECK(strstr(why, "length") != NULL);
	CHECK(bpf_check(NULL, 1, NULL, 0) == -1);
	free(big);
}

/* Every verdict of bpf_check_cases, and the lengths, against the kernel. */
TEST_ONCE(bpf_kernel_agrees_with_check)
{
	struct sock_filter *big = calloc(BPF_MAXINSNS + 1, sizeof(*big));
	static const size_t lens[] = { 0, 1, BPF_MAXINSNS, BPF_MAXINSNS + 1 };
	size_t i;

	for (i = 0; i < NELEM(check_cases); i++) {
		const struct check_case *c = &check_cases[i];
		int rc = bpf_check(c->prog, c->len, NULL, 0);
		int err = kernel_accepts(c->prog, c->len);

		if (err != (rc ? EINVAL : 0) || rc != c->want)
			FAIL("%s: kernel says %s, bpf_check %d, table %d",
			     c->name, err ? strerror(err) : "accepted", rc,
			     c->want);
	}
	CHECK(big != NULL);
	for (i = 0; i <= BPF_MAXINSNS; i++)
		big[i] = (struct sock_filter)S(RET_K, ALLOW);
	for (i = 0; i < NELEM(lens); i++) {
		int want = bpf_check(big, lens[i], NULL, 0) ? EINVAL : 0;
		int err = kernel_accepts(big, lens[i]);

		if (err != want)
			FAIL("len %zu: kernel says %s, want %s", lens[i],
			     strerror(err), strerror(want));
	}
	free(big);
}

/* ---- bpf_run ----------------------------------------------------------- */

/* Runs "ld #a; ldx #x; op; ret a" and returns A. */
static uint32_t alu(uint32_t a, uint32_t x, uint16_t op, uint32_t k)
{
	struct sock_filter p[] = {
		S(BPF_LD | BPF_IMM, a),
		S(BPF_LDX | BPF_IMM, x),
		S(BPF_ALU | op, k),
		S(BPF_RET | BPF_A, 0),
	};
	struct seccomp_data d = { 0 };
	uint32_t ret = 0xdeadbeef;
	char why[128];

	if (bpf_check(p, NELEM(p), why, sizeof(why)))
		FAIL("op 0x%x: %s", op, why);
	CHECK(bpf_run(p, NELEM(p), &d, &ret) == 0);
	return ret;
}

TEST_ONCE(bpf_run_arithmetic)
{
	CHECK(alu(0xffffffff, 0, BPF_ADD | BPF_K, 2) == 1);
	CHECK(bpf_last_steps() == 4);
	CHECK(alu(0xfffffff0, 0x20, BPF_ADD | BPF_X, 0) == 0x10);
	CHECK(alu(1, 0, BPF_SUB | BPF_K, 2) == 0xffffffff);
	CHECK(alu(3, 5, BPF_SUB | BPF_X, 0) == 0xfffffffe);
	CHECK(alu(0x80000001, 0, BPF_MUL | BPF_K, 4) == 4);
	CHECK(alu(0xffffffff, 0, BPF_DIV | BPF_K, 2) == 0x7fffffff);
	CHECK(alu(0x12345678, 0, BPF_AND | BPF_K, 0xfffff000) == 0x12345000);
	CHECK(alu(0x12345678, 0xff, BPF_AND | BPF_X, 0) == 0x78);
	CHECK(alu(0x1200, 0, BPF_OR | BPF_K, 0x34) == 0x1234);
	CHECK(alu(0xff00, 0x0ff0, BPF_XOR | BPF_X, 0) == 0xf0f0);
	CHECK(alu(0x80000001, 0, BPF_LSH | BPF_K, 1) == 2);
	CHECK(alu(0x80000000, 0, BPF_RSH | BPF_K, 31) == 1);
	CHECK(alu(1, 33, BPF_LSH | BPF_X, 0) == 2); /* X & 31 */
	CHECK(alu(0x80000000, 4, BPF_RSH | BPF_X, 0) == 0x08000000);
	CHECK(alu(1, 0, BPF_NEG, 0) == 0xffffffff);
	/* Division by X == 0 ends the program with 0 (KILL_THREAD). */
	CHECK(alu(7, 0, BPF_DIV | BPF_X, 0) == 0);
	CHECK(bpf_last_steps() == 3);
}

/* "ld #a; ldx #x; jop k; ret 0; ret 1": 1 when the jump is taken. */
static int taken(uint32_t a, uint32_t x, uint16_t op, uint32_t k)
{
	struct sock_filter p[] = {
		S(BPF_LD | BPF_IMM, a),
		S(BPF_LDX | BPF_IMM, x),
		J(BPF_JMP | op, k, 1, 0),
		S(RET_K, 0),
		S(RET_K, 1),
	};
	struct seccomp_data d = { 0 };
	uint32_t ret = 7;

	CHECK(bpf_check(p, NELEM(p), NULL, 0) == 0);
	CHECK(bpf_run(p, NELEM(p), &d, &ret) == 0);
	CHECK(ret <= 1);
	return (int)ret;
}

TEST_ONCE(bpf_run_jumps)
{
	CHECK(taken(5, 0, BPF_JEQ | BPF_K, 5) == 1);
	CHECK(taken(5, 0, BPF_JEQ | BPF_K, 6) == 0);
	CHECK(taken(5, 5, BPF_JEQ | BPF_X, 0) == 1);
	CHECK(taken(0xffffffff, 0, BPF_JGT | BPF_K, 1) == 1); /* unsigned */
	CHECK(taken(5, 5, BPF_JGT | BPF_X, 0) == 0);
	CHECK(taken(5, 5, BPF_JGE | BPF_X, 0) == 1);
	CHECK(taken(4, 0, BPF_JGE | BPF_K, 5) == 0);
	CHECK(taken(0x1000, 0, BPF_JSET | BPF_K, 0xfff) == 0);
	CHECK(taken(0x1001, 0, BPF_JSET | BPF_K, 0xfff) == 1);
	CHECK(taken(6, 2, BPF_JSET | BPF_X, 0) == 1);
}

TEST_ONCE(bpf_run_loads)
{
	struct seccomp_data d = {
		.nr = 39,
		.arch = AUDIT_ARCH_X86_64,
		.instruction_pointer = 0x00007f0012345678ULL,
		.args = { 0x1122334455667788ULL, 0, 0, 0, 0,
			  0xfedcba9876543210ULL },
	};
	static const struct {
		uint32_t off, want;
	} loads[] = {
		{ 0, 39 },
		{ 4, AUDIT_ARCH_X86_64 },
		{ ARG_LO(0) - 8, 0x12345678 }, /* instruction_pointer */
		{ ARG_HI(0) - 8, 0x00007f00 },
		{ ARG_LO(0), 0x55667788 },
		{ ARG_HI(0), 0x11223344 },
		{ ARG_LO(5), 0x76543210 },
		{ ARG_HI(5), 0xfedcba98 },
	};
	struct sock_filter p[] = {
		S(LD_ABS, 0),
		S(BPF_ST, 3),
		S(BPF_LD | BPF_IMM, 0),
		S(BPF_LDX | BPF_MEM, 3),
		S(BPF_MISC | BPF_TXA, 0),
		S(BPF_RET | BPF_A, 0),
	};
	struct sock_filter len[] = {
		S(BPF_LDX | BPF_W | BPF_LEN, 0),
		S(BPF_MISC | BPF_TXA, 0),
		S(BPF_RET | BPF_A, 0),
	};
	uint32_t ret;
	size_t i;

	for (i = 0; i < NELEM(loads); i++) {
		p[0].k = loads[i].off;
		CHECK(bpf_check(p, NELEM(p), NULL, 0) == 0);
		CHECK(bpf_run(p, NELEM(p), &d, &ret) == 0);
		if (ret != loads[i].want)
			FAIL("ld [%u] = 0x%x, want 0x%x", loads[i].off, ret,
			     loads[i].want);
	}
	CHECK(bpf_run(len, NELEM(len), &d, &ret) == 0 && ret == 64);
	/* What the checker rejects, the interpreter refuses to run. */
	p[0].k = 64;
	CHECK(bpf_run(p, NELEM(p), &d, &ret) == -1);
	p[0] = (struct sock_filter)S(BPF_ALU | BPF_MOD | BPF_K, 3);
	CHECK(bpf_run(p, NELEM(p), &d, &ret) == -1);
}

/* A binary search over 256 values costs 8 compares, not 256. */
TEST_ONCE(bpf_run_counts_steps)
{
	struct sock_filter p[] = {
		S(LD_ABS, 0),
		J(BPF_JMP | BPF_JGE | BPF_K, 128, 0, 3),
		J(BPF_JMP | BPF_JGE | BPF_K, 192, 0, 1),
		S(RET_K, ERRNO(3)),
		S(RET_K, ERRNO(2)),
		J(BPF_JMP | BPF_JGE | BPF_K, 64, 0, 1),
		S(RET_K, ERRNO(1)),
		S(RET_K, ALLOW),
	};
	struct seccomp_data d = { .nr = 200 };
	uint32_t ret;

	CHECK(bpf_check(p, NELEM(p), NULL, 0) == 0);
	CHECK(bpf_run(p, NELEM(p), &d, &ret) == 0);
	CHECK(ret == ERRNO(3) && bpf_last_steps() == 4);
	d.nr = 10;
	CHECK(bpf_run(p, NELEM(p), &d, &ret) == 0);
	CHECK(ret == ALLOW && bpf_last_steps() == 4);
	d.nr = 100;
	CHECK(bpf_run(p, NELEM(p), &d, &ret) == 0);
	CHECK(ret == ERRNO(1) && bpf_last_steps() == 4);
	d.nr = 150;
	CHECK(bpf_run(p, NELEM(p), &d, &ret) == 0);
	CHECK(ret == ERRNO(2) && bpf_last_steps() == 4);
}

/*
 * Body programs run by the kernel and by bpf_run on the same input:
 * on getppid they compute A from args[], which the wrapper folds into
 * ERRNO(1..1024) so the result comes back as errno.
 */
struct run_case {
	const char *name;
	size_t len;
	struct sock_filter body[6];
};

static const struct run_case run_cases[] = {
	{ "add wraps",
	  2,
	  { S(LD_ABS, ARG_LO(0)), S(BPF_ALU | BPF_ADD | BPF_K, 0xffffffff) } },
	{ "args[0] hi", 1, { S(LD_ABS, ARG_HI(0)) } },
	{ "args[5] lo", 1, { S(LD_ABS, ARG_LO(5)) } },
	{ "lsh by x = 33",
	  3,
	  { S(BPF_LDX | BPF_IMM, 33), S(BPF_LD | BPF_IMM, 1),
	    S(BPF_ALU | BPF_LSH | BPF_X, 0) } },
	{ "rsh by x = 36",
	  3,
	  { S(BPF_LDX | BPF_IMM, 36), S(BPF_LD | BPF_IMM, 0x100),
	    S(BPF_ALU | BPF_RSH | BPF_X, 0) } },
	{ "mul, neg, xor",
	  4,
	  { S(LD_ABS, ARG_LO(1)), S(BPF_ALU | BPF_MUL | BPF_K, 0x10001),
	    S(BPF_ALU | BPF_NEG, 0), S(BPF_ALU | BPF_XOR | BPF_K, 0x5a5) } },
	{ "div x",
	  3,
	  { S(LD_ABS, ARG_LO(1)), S(BPF_LDX | BPF_IMM, 7),
	    S(BPF_ALU | BPF_DIV | BPF_X, 0) } },
	{ "ld #len", 1, { S(BPF_LD | BPF_W | BPF_LEN, 0) } },
	{ "scratch and jset",
	  5,
	  { S(LD_ABS, ARG_HI(0)), S(BPF_ST, 15),
	    J(BPF_JMP | BPF_JSET | BPF_K, 0x80000000, 0, 1),
	    S(BPF_LD | BPF_MEM, 15), S(BPF_ALU | BPF_RSH | BPF_K, 20) } },
	{ "div by x = 0 kills",
	  3,
	  { S(BPF_LDX | BPF_IMM, 0), S(BPF_LD | BPF_IMM, 9),
	    S(BPF_ALU | BPF_DIV | BPF_X, 0) } },
};

TEST_ONCE(bpf_kernel_agrees_with_run)
{
	static const uint64_t args[6] = {
		0x8000000500000001ULL, 0x00000000deadbeefULL, 0, 0, 0,
		0x0000012300000456ULL
	};
	struct seccomp_data d = { .nr = SYS_getppid, .arch = NATIVE_ARCH };
	size_t i, n;

	if (!NATIVE_ARCH)
		SKIP("no AUDIT_ARCH for this architecture in the test");
	memcpy(d.args, args, sizeof(args));
	for (i = 0; i < NELEM(run_cases); i++) {
		const struct run_case *c = &run_cases[i];
		struct sock_filter p[16] = {
			S(LD_ABS, 0),
			J(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 1, 0),
			S(RET_K, ALLOW),
		};
		struct kernel_result r;
		uint32_t ret;
		char why[128];
		int status;

		n = 3;
		memcpy(&p[n], c->body, c->len * sizeof(p[0]));
		n += c->len;
		p[n++] =
			(struct sock_filter)S(BPF_ALU | BPF_AND | BPF_K, 0x3ff);
		p[n++] = (struct sock_filter)S(BPF_ALU | BPF_ADD | BPF_K, 1);
		p[n++] = (struct sock_filter)S(BPF_ALU | BPF_OR | BPF_K,
					       SECCOMP_RET_ERRNO);
		p[n++] = (struct sock_filter)S(BPF_RET | BPF_A, 0);
		if (bpf_check(p, n, why, sizeof(why)))
			FAIL("%s: %s", c->name, why);
		CHECK(bpf_run(p, n, &d, &ret) == 0);
		status = kernel_try(p, n, true, args, &r);
		CHECK(r.installed == 0);
		if (ret == SECCOMP_RET_KILL_THREAD) {
			if (r.done || !WIFSIGNALED(status) ||
			    WTERMSIG(status) != SIGSYS)
				FAIL("%s: kernel did not kill (status 0x%x)",
				     c->name, status);
			continue;
		}
		CHECK((ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO);
		if (!r.done || r.result != -(long)(ret & SECCOMP_RET_DATA))
			FAIL("%s: kernel %ld, bpf_run -%u", c->name, r.result,
			     ret & SECCOMP_RET_DATA);
	}
}

/* ---- bpf_const_allow ---------------------------------------------------- */

TEST_ONCE(bpf_const_allow_cache)
{
	static const struct sock_filter by_nr[] = {
		S(LD_ABS, 4),
		J(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		S(RET_K, SECCOMP_RET_KILL_PROCESS),
		S(LD_ABS, 0),
		J(BPF_JMP | BPF_JEQ | BPF_K, 11, 0, 1),
		S(RET_K, ERRNO(1)),
		S(RET_K, ALLOW),
	};
	static const struct sock_filter by_arg[] = {
		S(LD_ABS, 4),
		J(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		S(RET_K, SECCOMP_RET_KILL_PROCESS),
		S(LD_ABS, 0),
		J(BPF_JMP | BPF_JEQ | BPF_K, 11, 0, 3),
		S(LD_ABS, ARG_LO(0)),
		J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
		S(RET_K, ERRNO(1)),
		S(RET_K, ALLOW),
	};
	/* The emulator follows "and #k", ja and jset too. */
	static const struct sock_filter masked[] = {
		S(LD_ABS, 0),
		S(BPF_ALU | BPF_AND | BPF_K, 0xff),
		J(BPF_JMP | BPF_JSET | BPF_K, 0x80, 0, 1),
		S(BPF_JMP | BPF_JA, 1),
		S(RET_K, ALLOW),
		S(RET_K, ERRNO(1)),
	};
	/* Allow with data bits is no constant allow for the cache. */
	static const struct sock_filter allow_data[] = { S(RET_K, ALLOW | 1) };
	static const struct sock_filter ret_a[] = {
		S(BPF_LD | BPF_IMM, ALLOW),
		S(BPF_RET | BPF_A, 0),
	};
	struct seccomp_data d = { .nr = 11, .arch = AUDIT_ARCH_X86_64 };
	uint32_t ret;

	CHECK(bpf_check(by_nr, NELEM(by_nr), NULL, 0) == 0);
	CHECK(bpf_check(by_arg, NELEM(by_arg), NULL, 0) == 0);
	CHECK(bpf_check(masked, NELEM(masked), NULL, 0) == 0);
	CHECK(bpf_const_allow(by_nr, NELEM(by_nr), AUDIT_ARCH_X86_64, 39));
	CHECK(!bpf_const_allow(by_nr, NELEM(by_nr), AUDIT_ARCH_X86_64, 11));
	CHECK(!bpf_const_allow(by_nr, NELEM(by_nr), AUDIT_ARCH_I386, 39));
	CHECK(bpf_const_allow(by_arg, NELEM(by_arg), AUDIT_ARCH_X86_64, 39));
	CHECK(!bpf_const_allow(by_arg, NELEM(by_arg), AUDIT_ARCH_X86_64, 11));
	/* by_arg does allow nr 11 with args[0] == 0, just not constantly. */
	CHECK(bpf_run(by_arg, NELEM(by_arg), &d, &ret) == 0 && ret == ALLOW);
	d.args[0] = 1;
	CHECK(bpf_run(by_arg, NELEM(by_arg), &d, &ret) == 0);
	CHECK(ret == ERRNO(1));
	CHECK(bpf_const_allow(masked, NELEM(masked), 0, 0x17f));
	CHECK(!bpf_const_allow(masked, NELEM(masked), 0, 0x80));
	CHECK(!bpf_const_allow(allow_data, 1, 0, 0));
	CHECK(!bpf_const_allow(ret_a, NELEM(ret_a), 0, 0));
}

/* ---- the disassembler --------------------------------------------------- */

static void expect_line(const struct sock_filter *p, size_t len, size_t i,
			const char *want)
{
	char buf[128];
	int n = msl_bpf_disasm(p, len, i, buf, sizeof(buf));

	if (strcmp(buf, want) != 0 || n != (int)strlen(want))
		FAIL("insn %zu: \"%s\" (%d), want \"%s\"", i, buf, n, want);
}

TEST_ONCE(bpf_disasm_lines)
{
	static const struct sock_filter p[] = {
		S(LD_ABS, 4),
		J(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		S(RET_K, SECCOMP_RET_KILL_PROCESS),
		S(LD_ABS, 0),
		J(BPF_JMP | BPF_JEQ | BPF_K, 9, 1, 0),
		S(RET_K, ERRNO(1)),
		S(LD_ABS, 16),
		S(BPF_ALU | BPF_ADD | BPF_K, 4095),
		S(BPF_ALU | BPF_AND | BPF_K, 0xfffff000),
		S(BPF_ST, 0),
		S(BPF_LD | BPF_MEM, 3),
		S(BPF_MISC | BPF_TAX, 0),
		S(BPF_MISC | BPF_TXA, 0),
		J(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 1),
		J(BPF_JMP | BPF_JSET | BPF_K, 0xfff, 2, 0),
		S(BPF_JMP | BPF_JA, 200),
		S(BPF_ALU | BPF_NEG, 0),
		S(0xffff, 0x12),
		S(RET_K, SECCOMP_RET_TRACE | 7),
		S(RET_K, ALLOW | 1),
		S(BPF_RET | BPF_A, 0),
		S(RET_K, ALLOW),
	};
	static const struct sock_filter lone[] = {
		S(LD_ABS, 20),
		S(LD_ABS, 8),
		S(BPF_LD | BPF_H | BPF_ABS, 6),
		S(BPF_LDX | BPF_B | BPF_MSH, 14),
		S(BPF_LD | BPF_W | BPF_LEN, 0),
		S(RET_K, 0x12340000),
		S(RET_K, SECCOMP_RET_KILL_THREAD),
		S(RET_K, SECCOMP_RET_TRAP),
		S(RET_K, SECCOMP_RET_LOG),
		S(RET_K, SECCOMP_RET_USER_NOTIF),
		S(BPF_ALU | BPF_MOD | BPF_X, 0),
		S(BPF_STX, 15),
	};
	char small[8];

	expect_line(p, NELEM(p), 0, "   0: ld   [4]             ; arch");
	expect_line(p, NELEM(p), 1,
		    "   1: jeq  #0xc000003e, 3, 2 ; AUDIT_ARCH_X86_64");
	expect_line(p, NELEM(p), 2, "   2: ret  KILL_PROCESS");
	expect_line(p, NELEM(p), 3, "   3: ld   [0]             ; nr");
	expect_line(p, NELEM(p), 4, "   4: jeq  #0x9, 6, 5");
	expect_line(p, NELEM(p), 5, "   5: ret  ERRNO(1)");
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	expect_line(p, NELEM(p), 6, "   6: ld   [16]            ; args[0] lo");
	expect_line(lone, NELEM(lone), 0,
		    "   0: ld   [20]            ; args[0] hi");
	expect_line(lone, NELEM(lone), 1,
		    "   1: ld   [8]             ; instruction_pointer lo");
#endif
	expect_line(p, NELEM(p), 7, "   7: add  #4095");
	expect_line(p, NELEM(p), 8, "   8: and  #0xfffff000");
	expect_line(p, NELEM(p), 9, "   9: st   M[0]");
	expect_line(p, NELEM(p), 10, "  10: ld   M[3]");
	expect_line(p, NELEM(p), 11, "  11: tax");
	expect_line(p, NELEM(p), 12, "  12: txa");
	expect_line(p, NELEM(p), 13, "  13: jgt  x, 14, 15");
	expect_line(p, NELEM(p), 14, "  14: jset #0xfff, 17, 15");
	expect_line(p, NELEM(p), 15,
		    "  15: ja   216             ; past the end");
	expect_line(p, NELEM(p), 16, "  16: neg");
	expect_line(p, NELEM(p), 17, "  17: .word 0xffff, 0, 0, 0x00000012");
	expect_line(p, NELEM(p), 18, "  18: ret  TRACE(7)");
	expect_line(p, NELEM(p), 19, "  19: ret  ALLOW|0x1");
	expect_line(p, NELEM(p), 20, "  20: ret  a");
	expect_line(p, NELEM(p), 21, "  21: ret  ALLOW");
	expect_line(lone, NELEM(lone), 2,
		    "   2: ldh  [6]             ; arch+2");
	expect_line(lone, NELEM(lone), 3, "   3: ldx  4*([14]&0xf)");
	expect_line(lone, NELEM(lone), 4, "   4: ld   #len");
	expect_line(lone, NELEM(lone), 5,
		    "   5: ret  #0x12340000     ; unknown action: kills the "
		    "process");
	expect_line(lone, NELEM(lone), 6, "   6: ret  KILL_THREAD");
	expect_line(lone, NELEM(lone), 7, "   7: ret  TRAP");
	expect_line(lone, NELEM(lone), 8, "   8: ret  LOG");
	expect_line(lone, NELEM(lone), 9, "   9: ret  USER_NOTIF");
	expect_line(lone, NELEM(lone), 10, "  10: mod  x");
	expect_line(lone, NELEM(lone), 11, "  11: stx  M[15]");

	/* snprintf's contract: the full length, a terminated prefix. */
	CHECK(msl_bpf_disasm(p, NELEM(p), 7, small, sizeof(small)) == 16);
	CHECK(strcmp(small, "   7: a") == 0);
	CHECK(msl_bpf_disasm(p, NELEM(p), NELEM(p), small, sizeof(small)) == 0);
	CHECK(small[0] == '\0');
}

TEST_ONCE(bpf_dump_lines)
{
	static const struct sock_filter p[] = {
		S(LD_ABS, 0),
		J(BPF_JMP | BPF_JEQ | BPF_K, 9, 0, 1),
		S(RET_K, ERRNO(1)),
		S(RET_K, ALLOW),
	};
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	CHECK(f != NULL);
	CHECK(msl_bpf_dump(f, p, NELEM(p)) == 0);
	CHECK(fclose(f) == 0);
	CHECK(strcmp(text, "   0: ld   [0]             ; nr\n"
			   "   1: jeq  #0x9, 2, 3\n"
			   "   2: ret  ERRNO(1)\n"
			   "   3: ret  ALLOW\n") == 0);
	free(text);
}

/* SPDX-License-Identifier: MIT */
/*
 * A model of how Linux treats a classic BPF seccomp filter, so that the
 * filter compiler can be tested without installing filters: the checks of
 * seccomp(SECCOMP_SET_MODE_FILTER) (net/core/filter.c bpf_check_classic()
 * plus kernel/seccomp.c seccomp_check_filter()), an interpreter, and the
 * action-cache emulator of kernel 5.11+ (seccomp_is_const_allow()).
 * test/t_bpf.c holds these to the real kernel.
 */
#ifndef MSEAL_TEST_BPF_INTERP_H
#define MSEAL_TEST_BPF_INTERP_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

/*
 * 0 when the kernel would accept prog as a seccomp filter; -1 when it would
 * fail with EINVAL, with the reason (and the instruction) in why.
 */
int bpf_check(const struct sock_filter *prog, size_t len, char *why,
	      size_t whysize);

/*
 * Runs prog on d: 0 and the filter's return value in *ret, or -1 when the
 * program does something the kernel never runs (an opcode seccomp rejects,
 * a jump or load out of range, falling off the end).  Loads read d in host
 * byte order, as the kernel does.  Division by X == 0 makes the program
 * return 0 (SECCOMP_RET_KILL_THREAD), the classic-BPF rule the kernel keeps.
 * Shifts by X use X's low five bits, which is what the x86-64 and arm64
 * JITs do (classic BPF leaves X >= 32 undefined).
 */
int bpf_run(const struct sock_filter *prog, size_t len,
	    const struct seccomp_data *d, uint32_t *ret);

/* Instructions executed by the last bpf_run(), its final RET included. */
size_t bpf_last_steps(void);

/*
 * 1 when the kernel's action cache would mark (arch, nr) as always
 * allowed by prog: its emulator, following only loads of nr and arch,
 * "and #k", JA, conditional jumps against constants, reaches "ret ALLOW"
 * (exactly SECCOMP_RET_ALLOW).  0 otherwise.  Meaningful for programs
 * bpf_check() accepts.  Leaves out the kernel's own exception (6.11+ on
 * x86-64: uretprobe and uprobe are always allowed, whatever the filter).
 */
int bpf_const_allow(const struct sock_filter *prog, size_t len, uint32_t arch,
		    uint32_t nr);

#endif

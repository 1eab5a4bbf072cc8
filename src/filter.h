/* SPDX-License-Identifier: MIT */
/*
 * The seccomp filter compiler: from a set of sealed ranges to a classic-BPF
 * program that refuses, with EPERM, the memory calls SEMANTICS.md section 2
 * refuses on them.  It has no side effects and needs no kernel support, so
 * the tests run its programs through their own interpreter.
 */
#ifndef LIBMSEAL_FILTER_H
#define LIBMSEAL_FILTER_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* A piece of a seal, with what was true of its memory at seal time. */
#define MSL_FR_DISCARD 0x1u /* private anonymous and not writable */
#define MSL_FR_HEAP 0x2u    /* in the brk area: brk may not shrink into it */
#define MSL_FR_SHM 0x4u	    /* part of a System V segment attached at seg */

struct msl_frange {
	uint64_t start; /* page-aligned */
	uint64_t end;	/* page-aligned, exclusive, > start */
	unsigned int flags;
	uint64_t seg; /* MSL_FR_SHM: the address shmdt(2) detaches it by */
	/*
	 * Non-zero, below start: the piece starts a growsdown mapping that
	 * can gain pages by faulting down to grow (the end of the mapping
	 * below it at seal time); the kernel seals those pages with it, so
	 * [grow, start) is guarded too.
	 */
	uint64_t grow;
};

/* The kernel's limit on one classic-BPF program. */
#define MSL_FILTER_MAX_INSNS 4096

/*
 * Compiles one filter for ranges r[0..n) (sorted by start, not
 * overlapping; adjacent pieces are merged here) sealed with classes.
 * Writes at most cap instructions to out and returns the program's length,
 * -E2BIG when it needs more than cap, -EINVAL for bad input, or -EAGAIN
 * when memory for the compiler's work ran out.
 */
int msl_filter_compile(const struct msl_frange *r, size_t n,
		       unsigned int classes, struct sock_filter *out,
		       size_t cap) MSL_HIDDEN;

/*
 * The architectures the compiler knows; MSL_ARCH_HOST is the one it was
 * built for (x86-64 unless __aarch64__), which msl_filter_compile() and
 * msl_refuse_program() use.  The tests run the other's programs through
 * their interpreter.
 */
enum msl_arch { MSL_ARCH_X86_64, MSL_ARCH_ARM64, MSL_NARCH };
#if defined(__aarch64__)
#define MSL_ARCH_HOST MSL_ARCH_ARM64
#else
#define MSL_ARCH_HOST MSL_ARCH_X86_64
#endif

/* msl_filter_compile() for arch (enum msl_arch); -EINVAL for another. */
int msl_filter_compile_arch(unsigned int arch, const struct msl_frange *r,
			    size_t n, unsigned int classes,
			    struct sock_filter *out, size_t cap) MSL_HIDDEN;

/*
 * The program of mseal_refuse(what), at most 16 instructions, into f:
 * returns its length.
 */
size_t msl_refuse_program(unsigned int what, struct sock_filter *f) MSL_HIDDEN;

/* The same for arch (enum msl_arch); 0 for another. */
size_t msl_refuse_program_arch(unsigned int arch, unsigned int what,
			       struct sock_filter *f) MSL_HIDDEN;

/*
 * The program's length once the kernel has converted it to eBPF, which is
 * what the per-thread budget of 32768 counts.
 */
size_t msl_filter_ebpf_len(const struct sock_filter *prog,
			   size_t len) MSL_HIDDEN;

#endif /* LIBMSEAL_FILTER_H */

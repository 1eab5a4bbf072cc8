/* SPDX-License-Identifier: MIT */
/*
 * The other entries into the kernel of an x86-64 process, for the tests
 * that try them against a seal: the i386 ABI through int 0x80.  Other
 * architectures have no int 0x80: int80() is -ENOSYS there and
 * int80_available() false.
 */
#ifndef MSEAL_TEST_ABI_H
#define MSEAL_TEST_ABI_H

#include <errno.h>
#include <stdbool.h>

/* A system call through the i386 entry (int 0x80) of this 64-bit process. */
static inline long int80(long nr, long a, long b, long c, long d, long e)
{
#if defined(__x86_64__)
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory", "cc", "r8", "r9", "r10", "r11");
	return ret;
#else
	(void)nr, (void)a, (void)b, (void)c, (void)d, (void)e;
	return -ENOSYS;
#endif
}

/*
 * Whether int 0x80 reaches the i386 system calls here.  A kernel without
 * IA32_EMULATION, or booted with ia32_emulation=0, does not install the
 * gate: int 0x80 then raises SIGSEGV rather than returning an error, so the
 * question is asked in a child.
 */
bool int80_available(void);

/*
 * Whether libmseal's seccomp filters know this architecture's system
 * calls: x86-64 and arm64.  Elsewhere mseal_refuse() is EOPNOTSUPP on
 * every kernel (src/internal.h), so the tests' own view of the kernel
 * (prctl) is not the whole answer there.
 */
static inline bool filter_arch_known(void)
{
#if defined(__x86_64__) || defined(__aarch64__)
	return true;
#else
	return false;
#endif
}

/*
 * Whether the seccomp backend seals here (MSL_SEAL_FILTER_ARCH in
 * src/internal.h): x86-64 and arm64.
 */
static inline bool seal_filter_arch_known(void)
{
#if defined(__x86_64__) || defined(__aarch64__)
	return true;
#else
	return false;
#endif
}

/*
 * The smallest huge page the seccomp filter rounds a MAP_FIXED file
 * mapping or an mremap up to at a boundary of its size (struct arch_desc
 * in src/filter.c; docs/SEMANTICS.md section 8): 64 KiB (contiguous PTEs)
 * on arm64, 2 MiB on x86-64.
 */
#if defined(__aarch64__)
#define HUGE_MIN 0x10000UL
#else
#define HUGE_MIN 0x200000UL
#endif

#endif

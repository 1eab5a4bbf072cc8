// SPDX-License-Identifier: MIT
/*
 * The native backend: the kernel's mseal(2), and on a kernel with the seal
 * types of kernel/patches, its typed seals and PROT_SEAL.
 *
 * The kernel checks its own arguments and holes and seals all or nothing,
 * so a single range needs nothing from user space but the system call.
 * libmseal's class bits are the series' MM_SEAL_* values, so a class set
 * passes through unchanged; MSEAL_ALL goes as flags 0, the only seal a
 * kernel without the series takes.
 */
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

int msl_native_seal(uintptr_t start, uintptr_t end, unsigned int classes)
{
	unsigned long flags = classes == MSEAL_ALL ? 0 : classes;

	if (syscall(__NR_mseal, start, end - start, flags) == 0)
		return 0;
	return -errno;
}

/*
 * PROT_SEAL seals with BASE | PROT | DISCARD, PROT_SEAL |
 * PROT_DOWNGRADEABLE with BASE | DISCARD | DOWNGRADEABLE: a class set
 * holding one of these gets it in the mmap/mprotect itself, and only what
 * is left over (MSEAL_SEAL, or DOWNGRADEABLE beside PROT, where PROT wins
 * anyway) in a mseal(2) after it, on a mapping that is already sealed
 * against being unmapped or replaced.
 */
int msl_native_prot_seal(unsigned int classes, unsigned int *rest)
{
	const unsigned int down =
		MSEAL_BASE | MSEAL_DISCARD | MSEAL_DOWNGRADEABLE;

	if (!(msl_config()->kernel_flags & MSEAL_FEAT_PROT_SEAL))
		return 0;
	if ((classes & MSEAL_ALL) == MSEAL_ALL) {
		*rest = classes & ~MSEAL_ALL;
		return PROT_SEAL;
	}
	if ((classes & down) == down) {
		*rest = classes & ~down;
		return PROT_SEAL | PROT_DOWNGRADEABLE;
	}
	return 0;
}

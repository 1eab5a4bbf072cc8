// SPDX-License-Identifier: MIT
/*
 * The native backend: the kernel's mseal(2).
 *
 * The kernel checks its own arguments and holes and seals all or nothing,
 * so a single range needs nothing from user space but the system call.
 */
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

int msl_native_seal(uintptr_t start, uintptr_t end)
{
	if (syscall(__NR_mseal, start, end - start, 0UL) == 0)
		return 0;
	return -errno;
}

// SPDX-License-Identifier: MIT
/*
 * One-shot "map it sealed" and "protect it sealed", the PROT_SEAL and
 * mprotect + mimmutable patterns of the 2023 mseal() thread.
 *
 * Everything that can fail for a reason of the caller's (class bits, no
 * backend, bad range) is checked before the mapping or protection changes,
 * so that the seal step afterwards fails only if another thread changed the
 * range in between.
 */
#include <sys/mman.h>

#include "internal.h"

MSL_EXPORT void *mseal_mmap(void *addr, size_t len, int prot, int flags, int fd,
			    off_t offset, unsigned int classes)
{
	uintptr_t start, end;
	int backend, rc;
	void *p;

	rc = msl_select_backend(classes, &backend);
	if (rc) {
		errno = -rc;
		return MAP_FAILED;
	}
	p = mmap(addr, len, prot, flags, fd, offset);
	if (p == MAP_FAILED)
		return MAP_FAILED;
	start = (uintptr_t)p;
	/* mmap succeeded, so len is non-zero and the rounded end fits. */
	rc = msl_check_range(start, len, &end);
	if (!rc)
		rc = msl_seal_checked(start, end, classes, backend);
	if (rc) {
		/* No mapping rather than an unsealed one. */
		munmap(p, len);
		errno = -rc;
		return MAP_FAILED;
	}
	return p;
}

MSL_EXPORT int mseal_mprotect(void *addr, size_t len, int prot,
			      unsigned int classes)
{
	uintptr_t end;
	int backend, rc;

	rc = msl_select_backend(classes, &backend);
	if (rc)
		return msl_fail(-rc);
	rc = msl_check_range((uintptr_t)addr, len, &end);
	if (rc)
		return msl_fail(-rc);
	if (mprotect(addr, len, prot) != 0)
		return msl_fail(errno);
	rc = msl_seal_checked((uintptr_t)addr, end, classes, backend);
	if (rc)
		return msl_fail(-rc);
	return 0;
}

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
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "internal.h"

#ifndef HUGETLBFS_MAGIC
#define HUGETLBFS_MAGIC 0x958458f6
#endif
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#ifndef MAP_HUGE_MASK
#define MAP_HUGE_MASK 0x3f
#endif

/* "Hugepagesize:    2048 kB" from /proc/meminfo, or 0. */
static size_t default_huge_page_size(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[128];
	unsigned long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return (size_t)kb * 1024;
}

/*
 * The length mmap(2) really mapped.  hugetlb mappings come in whole huge
 * pages: the kernel rounds len up to one, and refuses to seal or unmap a
 * part of one (EINVAL), so both must use the rounded length.
 */
static size_t mapped_len(size_t len, int flags, int fd)
{
	size_t unit = msl_page_size();
	struct statfs sfs;

	if (flags & MAP_HUGETLB) {
		unsigned int shift =
			((unsigned int)flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
		size_t huge =
			shift ? (size_t)1 << shift : default_huge_page_size();

		if (huge > unit)
			unit = huge;
	} else if (!(flags & MAP_ANONYMOUS) && fd >= 0 &&
		   fstatfs(fd, &sfs) == 0 && sfs.f_type == HUGETLBFS_MAGIC &&
		   (size_t)sfs.f_bsize > unit) {
		unit = (size_t)sfs.f_bsize;
	}
	return (len + unit - 1) & ~(unit - 1);
}

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
	/* mmap succeeded, so the mapped length is non-zero and fits. */
	len = mapped_len(len, flags, fd);
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
	if (!rc)
		rc = msl_check_mapped((uintptr_t)addr, end);
	if (rc)
		return msl_fail(-rc);
	/* mprotect(2) would report a hole too, but only after changing the
	 * mappings below it. */
	if (mprotect(addr, len, prot) != 0)
		return msl_fail(errno);
	rc = msl_seal_checked((uintptr_t)addr, end, classes, backend);
	if (rc)
		return msl_fail(-rc);
	return 0;
}

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
#include <stdio.h>
#include <sys/mman.h>
#include <sys/vfs.h>

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

/*
 * "Hugepagesize:    2048 kB" from /proc/meminfo.  Returns 0, -errno when
 * the file cannot be read, or -EINVAL when it names no huge page size.
 */
static int default_huge_page_size(size_t *size)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[128];
	unsigned long kb = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %lu kB", &kb) == 1)
			break;
	fclose(f);
	*size = (size_t)kb * 1024;
	return kb ? 0 : -EINVAL;
}

/*
 * The unit mmap(2) will map in, found before mapping so that a failure here
 * leaves nothing behind.  hugetlb mappings come in whole huge pages: the
 * kernel rounds len up to one and refuses to seal or unmap a part of one
 * (EINVAL), so the seal, and the unmap after a failed seal, must use the
 * rounded length.  As in the kernel, a file mapping takes the page size of
 * its file system (hugetlbfs) and ignores MAP_HUGETLB.  Returns 0 or -errno.
 */
static int map_unit(int flags, int fd, size_t *unit)
{
	struct statfs sfs;
	size_t huge = 0;
	unsigned int shift;
	int rc;

	*unit = msl_page_size();
	if (!(flags & MAP_ANONYMOUS)) {
		if (fstatfs(fd, &sfs) != 0)
			return -errno;
		if (sfs.f_type == HUGETLBFS_MAGIC &&
		    (size_t)sfs.f_bsize > *unit)
			*unit = (size_t)sfs.f_bsize;
		return 0;
	}
	if (!(flags & MAP_HUGETLB))
		return 0;
	shift = ((unsigned int)flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
	if (shift) {
		huge = (size_t)1 << shift;
	} else {
		rc = default_huge_page_size(&huge);
		if (rc)
			return rc;
	}
	if (huge > *unit)
		*unit = huge;
	return 0;
}

MSL_EXPORT void *mseal_mmap(void *addr, size_t len, int prot, int flags, int fd,
			    off_t offset, unsigned int classes)
{
	uintptr_t start, end;
	size_t unit;
	int backend, rc;
	void *p;

	rc = msl_select_backend(classes, &backend);
	if (!rc)
		rc = map_unit(flags, fd, &unit);
	if (rc) {
		errno = -rc;
		return MAP_FAILED;
	}
	p = mmap(addr, len, prot, flags, fd, offset);
	if (p == MAP_FAILED)
		return MAP_FAILED;
	/* mmap succeeded, so the rounded length is non-zero and fits. */
	len = (len + unit - 1) & ~(unit - 1);
	start = (uintptr_t)p;
	rc = msl_check_range(start, len, &end);
	if (!rc)
		rc = msl_seal_checked(start, end, classes, backend);
	if (rc) {
		/*
		 * No mapping rather than an unsealed one.  With the length
		 * right this can only fail if another thread changed the
		 * mapping in between; the seal's error is the one to report.
		 */
		munmap(p, len);
		errno = -rc;
		return MAP_FAILED;
	}
	return p;
}

MSL_EXPORT int mseal_mprotect(void *addr, size_t len, int prot,
			      unsigned int classes)
{
	unsigned int all, any;
	uintptr_t end;
	int backend, rc;

	rc = msl_select_backend(classes, &backend);
	if (rc)
		return msl_fail(-rc);
	/*
	 * mprotect(2) reports a hole, or (since 6.12) a sealed page, only
	 * after changing the mappings below it: find both first, so that a
	 * refused call changes nothing.
	 */
	rc = msl_check_range((uintptr_t)addr, len, &end);
	if (!rc)
		rc = msl_scan_seals((uintptr_t)addr, end, &all, &any);
	if (!rc && (any & MSEAL_PROT))
		rc = -EPERM;
	if (rc)
		return msl_fail(-rc);
	if (mprotect(addr, len, prot) != 0)
		return msl_fail(errno);
	rc = msl_seal_checked((uintptr_t)addr, end, classes, backend);
	if (rc)
		return msl_fail(-rc);
	return 0;
}

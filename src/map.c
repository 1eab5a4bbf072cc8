// SPDX-License-Identifier: MIT
/*
 * One-shot "map it sealed" and "protect it sealed", the PROT_SEAL and
 * mprotect + mimmutable patterns of the 2023 mseal() thread.
 *
 * On a kernel with PROT_SEAL (kernel/patches) each is one system call for
 * the class sets PROT_SEAL gives (native.c): the mapping is born sealed,
 * and the protection and seal change together, all or nothing.
 * Elsewhere:
 * Everything that can fail for a reason of the caller's (class bits, no
 * backend, bad range) is checked before the mapping or protection changes,
 * so that the seal step afterwards fails only if another thread changed the
 * range in between.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
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

/*
 * Whether the mapping mmap(2) makes from these arguments is what the
 * kernel protects from discard: private anonymous memory (a private
 * /dev/zero mapping is anonymous too; hugetlb memory is not), not
 * writable.  The same facts the seccomp backend reads from
 * /proc/self/maps once a mapping exists.
 */
static bool new_mapping_discard(int prot, int flags, int fd)
{
	struct stat st;
	bool anon;

	if ((flags & MAP_TYPE) != MAP_PRIVATE || (prot & PROT_WRITE))
		return false;
	if (flags & MAP_ANONYMOUS)
		anon = !(flags & MAP_HUGETLB);
	else
		anon = fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) &&
		       st.st_rdev == makedev(1, 5);
	return anon;
}

/*
 * MAP_FIXED replaces what lies at addr, and nothing can bring it back: on
 * the seccomp backend, whose seal can fail for more reasons than the
 * kernel's (the filter budget, the threads' filters, /proc), the seal is
 * prepared for the range the mapping will occupy before mmap runs, and
 * installed after.  *p is the mapping, or MAP_FAILED and errno.
 */
static int mmap_fixed_seccomp(void *addr, size_t len, int prot, int flags,
			      int fd, off_t offset, unsigned int classes,
			      void **p)
{
	struct msl_seccomp_prep *prep;
	uintptr_t end;
	int rc;

	*p = MAP_FAILED;
	rc = msl_check_range((uintptr_t)addr, len, &end);
	if (rc) {
		/* mmap gives its own error for these. */
		*p = mmap(addr, len, prot, flags, fd, offset);
		return *p == MAP_FAILED ? -errno : -EINVAL;
	}
	rc = msl_seccomp_prepare_new(
		(uintptr_t)addr, end, classes,
		new_mapping_discard(prot, flags, fd),
		(flags & MAP_GROWSDOWN) && (flags & MAP_TYPE) == MAP_PRIVATE &&
			(flags & MAP_ANONYMOUS),
		&prep);
	if (rc)
		return rc;
	*p = mmap(addr, len, prot, flags, fd, offset);
	if (*p == MAP_FAILED) {
		rc = -errno;
		msl_seccomp_abort(prep);
		return rc;
	}
	rc = msl_seccomp_commit(prep);
	/* As in mseal_mmap(): the filter seals an address, mapped or not. */
	return rc ?: msl_check_mapped((uintptr_t)addr, end);
}

/*
 * mmap(2) with PROT_SEAL: no instant at which another thread can unmap,
 * replace or re-protect the new mapping.  Classes PROT_SEAL leaves out
 * (MSEAL_SEAL) follow in a mseal(2) of a mapping already sealed against
 * unmapping, which therefore stays if that fails (it can fail only for
 * want of kernel memory).
 */
static void *mmap_prot_seal(void *addr, size_t len, int prot, int flags, int fd,
			    off_t offset, int sealprot, unsigned int rest)
{
	uintptr_t end;
	void *p;
	int rc;

	p = mmap(addr, len, prot | sealprot, flags, fd, offset);
	if (p == MAP_FAILED || !rest)
		return p;
	rc = msl_check_range((uintptr_t)p, len, &end);
	if (!rc)
		rc = msl_native_seal((uintptr_t)p, end, rest);
	if (!rc)
		return p;
	errno = -rc;
	return MAP_FAILED;
}

MSL_EXPORT void *mseal_mmap(void *addr, size_t len, int prot, int flags, int fd,
			    off_t offset, unsigned int classes)
{
	uintptr_t start, end;
	unsigned int rest = 0;
	size_t unit;
	int backend, rc, sealprot = 0;
	void *p;

	rc = msl_select_backend(classes, &backend);
	if (!rc)
		rc = map_unit(flags, fd, &unit);
	/* MSEAL_REFUSE's refusal comes with the first seal: before the
	 * mapping, so that its failure replaces nothing either. */
	if (!rc)
		rc = msl_refuse_from_env();
	if (rc) {
		errno = -rc;
		return MAP_FAILED;
	}
	/* The length the kernel maps (one that overflows is left for mmap
	 * to refuse). */
	if (len && ((len + unit - 1) & ~(unit - 1)) >= len)
		len = (len + unit - 1) & ~(unit - 1);
	if (backend == MSEAL_BACKEND_NATIVE)
		sealprot = msl_native_prot_seal(classes, &rest);
	if (sealprot)
		return mmap_prot_seal(addr, len, prot, flags, fd, offset,
				      sealprot, rest);
	if (backend == MSEAL_BACKEND_SECCOMP && (flags & MAP_FIXED) &&
	    !(flags & MAP_FIXED_NOREPLACE)) {
		rc = mmap_fixed_seccomp(addr, len, prot, flags, fd, offset,
					classes, &p);
		if (!rc)
			return p;
		if (p == MAP_FAILED) {
			errno = -rc;
			return MAP_FAILED;
		}
	} else {
		p = mmap(addr, len, prot, flags, fd, offset);
		if (p == MAP_FAILED)
			return MAP_FAILED;
		start = (uintptr_t)p;
		rc = msl_check_range(start, len, &end);
		if (!rc)
			rc = msl_seal_checked(start, end, classes, backend);
		/*
		 * A filter seals addresses, mapped or not: another thread
		 * that unmapped the new mapping before the seal leaves a
		 * guarded hole, which must not be returned as a mapping
		 * (found by types_mmap_prot_seal_race).  Once sealed, what
		 * is mapped stays.
		 */
		if (!rc)
			rc = msl_check_mapped(start, end);
		if (!rc)
			return p;
	}
	/*
	 * No mapping rather than an unsealed one.  With the length right
	 * this can only fail if another thread changed the mapping, or
	 * installed a seccomp filter of its own, in between; the seal's
	 * error is the one to report.
	 */
	munmap(p, len);
	errno = -rc;
	return MAP_FAILED;
}

/* The protection of each mapping of a range, to undo a failed mprotect. */
struct prot_piece {
	uintptr_t start, end;
	int prot;
};

struct prot_snapshot {
	uintptr_t start, end;
	struct prot_piece *p;
	size_t n, cap;
	int err;
};

static int snapshot_fn(const struct msl_vma *v, void *arg)
{
	struct prot_snapshot *s = arg;
	struct prot_piece *np;

	if (!msl_vma_is_real(v) || v->end <= s->start)
		return 0;
	if (v->start >= s->end)
		return 1;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		np = realloc(s->p, s->cap * sizeof(*np));
		if (!np) {
			s->err = -EAGAIN;
			return 1;
		}
		s->p = np;
	}
	s->p[s->n++] = (struct prot_piece){
		v->start > s->start ? v->start : s->start,
		v->end < s->end ? v->end : s->end,
		((v->flags & MSL_VMA_READ) ? PROT_READ : 0) |
			((v->flags & MSL_VMA_WRITE) ? PROT_WRITE : 0) |
			((v->flags & MSL_VMA_EXEC) ? PROT_EXEC : 0)
	};
	return 0;
}

/*
 * mprotect(2) changes mapping after mapping and can fail half-way (a
 * shared mapping of a file opened read-only refuses PROT_WRITE with
 * EACCES, accounting can fail with ENOMEM): the mappings before the
 * failure keep the new protection.  So the old ones are read first and
 * put back on failure.  Returns 0 or -errno of the mprotect.
 */
static int mprotect_whole(void *addr, size_t len, uintptr_t end, int prot)
{
	struct prot_snapshot s = { (uintptr_t)addr, end, NULL, 0, 0, 0 };
	int rc, err;

	if (end == (uintptr_t)addr)
		return mprotect(addr, len, prot) ? -errno : 0;
	rc = msl_maps_read("/proc/self/maps", snapshot_fn, &s);
	if (rc < 0 || s.err) {
		free(s.p);
		return rc < 0 ? (rc == -EPROTO ? -EIO : rc) : s.err;
	}
	rc = 0;
	if (mprotect(addr, len, prot) != 0) {
		err = errno;
		for (size_t i = 0; i < s.n; i++)
			mprotect((void *)s.p[i].start,
				 s.p[i].end - s.p[i].start, s.p[i].prot);
		rc = -err;
	}
	free(s.p);
	return rc;
}

/*
 * mprotect(2) with PROT_SEAL checks every mapping of the range (holes,
 * seals, rights) before it changes any, and changes protection and seal
 * together.  The classes it leaves out (MSEAL_SEAL) follow in a mseal(2).
 */
static int mprotect_prot_seal(void *addr, size_t len, int prot, int sealprot,
			      unsigned int rest)
{
	uintptr_t end;
	int rc;

	rc = msl_check_range((uintptr_t)addr, len, &end);
	if (!rc && end != (uintptr_t)addr)
		rc = msl_refuse_from_env();
	if (!rc && end != (uintptr_t)addr &&
	    mprotect(addr, len, prot | sealprot) != 0)
		rc = -errno;
	if (!rc && rest && end != (uintptr_t)addr)
		rc = msl_native_seal((uintptr_t)addr, end, rest);
	return rc ? msl_fail(-rc) : 0;
}

MSL_EXPORT int mseal_mprotect(void *addr, size_t len, int prot,
			      unsigned int classes)
{
	struct msl_seccomp_prep *prep = NULL;
	unsigned int all, any, rest = 0;
	uintptr_t end;
	int backend, rc, sealprot = 0;

	rc = msl_select_backend(classes, &backend);
	if (rc)
		return msl_fail(-rc);
	if (backend == MSEAL_BACKEND_NATIVE)
		sealprot = msl_native_prot_seal(classes, &rest);
	if (sealprot)
		return mprotect_prot_seal(addr, len, prot, sealprot, rest);
	/*
	 * mprotect(2) reports a hole, or (since 6.12) a sealed page, only
	 * after changing the mappings below it: find both first, so that a
	 * refused call changes nothing.
	 */
	rc = msl_check_range((uintptr_t)addr, len, &end);
	if (!rc)
		rc = msl_scan_seals((uintptr_t)addr, end, &all, &any);
	if (!rc && (any & (MSEAL_PROT | MSEAL_SEAL)))
		rc = -EPERM;
	if (!rc && end != (uintptr_t)addr)
		rc = msl_refuse_from_env();
	/* The seccomp seal is made ready before the protection changes:
	 * after that only another thread's doing can make it fail. */
	if (!rc && backend == MSEAL_BACKEND_SECCOMP && end != (uintptr_t)addr)
		rc = msl_seccomp_prepare_prot((uintptr_t)addr, end, classes,
					      prot, &prep);
	if (!rc)
		rc = mprotect_whole(addr, len, end, prot);
	if (rc) {
		if (prep)
			msl_seccomp_abort(prep);
		return msl_fail(-rc);
	}
	if (prep)
		rc = msl_seccomp_commit(prep);
	else
		rc = msl_seal_checked((uintptr_t)addr, end, classes, backend);
	if (rc)
		return msl_fail(-rc);
	return 0;
}

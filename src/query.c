// SPDX-License-Identifier: MIT
/*
 * Which seal classes hold on a range: mseal_query(), and the pre-check of
 * mseal_mprotect().
 *
 * The kernel has no syscall to ask; its only answer is the VmFlags line of
 * /proc/self/smaps ("sl", and with the seal types of kernel/patches
 * "sb sp sz sk sg"), so that is what native seals are read from.  Reading smaps makes the kernel walk each mapping's page tables, so
 * the scan stops reading as soon as it has passed the range: the kernel
 * formats smaps lazily, and mappings above the range then cost nothing.
 */
#include "internal.h"

struct seal_scan {
	uintptr_t end;
	uintptr_t cursor; /* everything below is known to be mapped */
	unsigned int all;
	unsigned int any;
};

static int scan_fn(const struct msl_vma *v, void *arg)
{
	struct seal_scan *s = arg;
	unsigned int all, any, native;

	if (!msl_vma_is_real(v) || v->end <= s->cursor)
		return 0;
	/* A hole: stop with the cursor short of the end. */
	if (v->start > s->cursor)
		return 1;
	/* Seccomp-backend seals are known from their records, native ones
	 * from the mapping's VmFlags: its types, or without the kernel's seal
	 * types ("sl" alone) all the classes, on the whole mapping. */
	msl_seccomp_classes(s->cursor, v->end < s->end ? v->end : s->end, &all,
			    &any);
	if (v->flags & MSL_VMA_SEALED) {
		native = v->seals ? v->seals : MSEAL_ALL;
		all |= native;
		any |= native;
	}
	s->all &= all;
	s->any |= any;
	s->cursor = v->end;
	return s->cursor >= s->end;
}

int msl_scan_seals(uintptr_t start, uintptr_t end, unsigned int *all,
		   unsigned int *any)
{
	struct seal_scan s = { end, start, MSL_CLASSES, 0 };
	int rc;

	*all = *any = 0;
	if (start == end)
		return 0;
	rc = msl_maps_read("/proc/self/smaps", scan_fn, &s);
	if (rc < 0)
		return rc == -EPROTO ? -EIO : rc;
	if (s.cursor < end)
		return -ENOMEM;
	*all = s.all;
	*any = s.any;
	return 0;
}

MSL_EXPORT int mseal_query(const void *addr, size_t len, unsigned int *classes)
{
	unsigned int all, any;
	uintptr_t end;
	int rc;

	if (!classes)
		return msl_fail(EFAULT);
	rc = msl_check_range((uintptr_t)addr, len, &end);
	if (!rc)
		rc = msl_scan_seals((uintptr_t)addr, end, &all, &any);
	if (rc)
		return msl_fail(-rc);
	/* Filters from before execve(2) have no records here: ask them. */
	if ((all & MSEAL_ALL) != MSEAL_ALL)
		all |= msl_seccomp_probe_classes((uintptr_t)addr, end);
	*classes = all;
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * mseal_query(): which classes hold on every page of a range.
 *
 * The kernel has no syscall to ask; its only answer is the "sl" flag on the
 * VmFlags line of /proc/self/smaps, so that is what native seals are read
 * from.  Reading smaps makes the kernel walk each mapping's page tables: a
 * query costs a system-wide-visible amount of work and is not meant for hot
 * paths.
 */
#include "internal.h"

struct query_state {
	uintptr_t start;
	uintptr_t end;
	uintptr_t cursor; /* everything below is known to be mapped */
	unsigned int classes;
};

/* The classes a mapping carries.  A native seal is all of them. */
static unsigned int vma_classes(const struct msl_vma *v)
{
	return (v->flags & MSL_VMA_SEALED) ? MSEAL_ALL : 0;
}

static int query_fn(const struct msl_vma *v, void *arg)
{
	struct query_state *q = arg;

	if (v->end <= q->cursor)
		return 0;
	/* A hole: stop with the cursor short of the end. */
	if (v->start > q->cursor)
		return 1;
	q->classes &= vma_classes(v);
	q->cursor = v->end;
	return q->cursor >= q->end;
}

MSL_EXPORT int mseal_query(const void *addr, size_t len, unsigned int *classes)
{
	struct query_state q;
	uintptr_t end;
	int rc;

	if (!classes)
		return msl_fail(EFAULT);
	rc = msl_check_range((uintptr_t)addr, len, &end);
	if (rc)
		return msl_fail(-rc);
	if (len == 0) {
		*classes = 0;
		return 0;
	}
	q.start = q.cursor = (uintptr_t)addr;
	q.end = end;
	q.classes = MSEAL_ALL;
	rc = msl_maps_read("/proc/self/smaps", query_fn, &q);
	if (rc < 0)
		return msl_fail(rc == -EPROTO ? EIO : -rc);
	if (q.cursor < q.end)
		return msl_fail(ENOMEM);
	*classes = q.classes;
	return 0;
}

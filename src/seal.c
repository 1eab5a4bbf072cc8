// SPDX-License-Identifier: MIT
/*
 * mseal_range(), mseal_ranges() and mseal_refuse(): the API's seals and
 * the dispatch to a backend.
 *
 * Layers, from the top: the API (this file, map.c, query.c), the argument
 * rules (rules.c), the backends (native.c, seccomp.c), the kernel.  Each
 * calls only downwards.
 */

#include "internal.h"

int msl_seal_checked(uintptr_t start, uintptr_t end, unsigned int classes,
		     int backend)
{
	struct mseal_span span = { (void *)start, end - start };
	int rc;

	if (start == end)
		return 0;
	rc = msl_refuse_from_env();
	if (rc)
		return rc;
	if (backend == MSEAL_BACKEND_NATIVE)
		return msl_native_seal(start, end, classes);
	if (backend == MSEAL_BACKEND_SECCOMP)
		return msl_seccomp_seal(&span, 1, classes);
	return -EOPNOTSUPP;
}

/*
 * The kernel refuses a span holding MM_SEAL_SEAL with nothing sealed, but
 * only that span: in a batch the spans before it would stay sealed, so
 * the whole batch is looked at first.  The seccomp backend checks its
 * records itself, under its lock.
 */
static int refuse_locked_span(uintptr_t start, uintptr_t end)
{
	unsigned int all, any;
	int rc = msl_scan_seals(start, end, &all, &any);

	if (!rc && (any & MSEAL_SEAL))
		rc = -EPERM;
	return rc;
}

/*
 * A range the seccomp backend recorded as MSEAL_SEAL (a class subset on a
 * kernel without the seal types) takes no further seal from the kernel
 * either: EPERM, as the seccomp backend answers itself.
 */
static int recorded_seal_class(uintptr_t start, uintptr_t end)
{
	unsigned int all, any;

	msl_seccomp_classes(start, end, &all, &any);
	return (any & MSEAL_SEAL) ? -EPERM : 0;
}

MSL_EXPORT int mseal_range(const void *addr, size_t len, unsigned int classes)
{
	struct mseal_span span = { addr, len };

	return mseal_ranges(&span, 1, classes);
}

MSL_EXPORT int mseal_ranges(const struct mseal_span *spans, size_t n,
			    unsigned int classes)
{
	uintptr_t end;
	size_t i;
	int backend, rc;

	rc = msl_select_backend(classes, &backend);
	if (rc)
		return msl_fail(-rc);
	if (n && !spans)
		return msl_fail(EFAULT);
	/* One range on the native backend is the system call alone: the
	 * kernel checks holes and seals all or nothing, and after the rules
	 * below its errors are ours.  MSEAL_REFUSE, applied before the first
	 * seal and only when nothing fails, takes the long way. */
	if (n == 1 && backend == MSEAL_BACKEND_NATIVE &&
	    !msl_config()->refuse) {
		rc = msl_check_range((uintptr_t)spans[0].addr, spans[0].len,
				     &end);
		if (!rc)
			rc = recorded_seal_class((uintptr_t)spans[0].addr, end);
		if (!rc && end != (uintptr_t)spans[0].addr)
			rc = msl_native_seal((uintptr_t)spans[0].addr, end,
					     classes);
		return rc ? msl_fail(-rc) : 0;
	}
	/* Every argument error of every span before any hole check, as the
	 * kernel checks arguments before it looks at the mappings. */
	for (i = 0; i < n; i++) {
		rc = msl_check_range((uintptr_t)spans[i].addr, spans[i].len,
				     &end);
		if (rc)
			return msl_fail(-rc);
	}
	/* The range is checked again in each pass rather than stored: no
	 * allocation, and a span array changed under us fails cleanly.  The
	 * seccomp backend finds every hole itself in its one read of
	 * /proc/self/maps, with the same ENOMEM and nothing sealed, so the
	 * msync pass (a system call per span) is skipped there, unless
	 * MSEAL_REFUSE, applied in between, must come after the holes. */
	for (i = 0; i < n &&
		    (backend != MSEAL_BACKEND_SECCOMP || msl_config()->refuse);
	     i++) {
		rc = msl_check_range((uintptr_t)spans[i].addr, spans[i].len,
				     &end);
		if (!rc)
			rc = msl_check_mapped((uintptr_t)spans[i].addr, end);
		if (!rc && n > 1 && backend == MSEAL_BACKEND_NATIVE &&
		    (msl_config()->kernel_flags & MSEAL_FEAT_SEAL_TYPES))
			rc = refuse_locked_span((uintptr_t)spans[i].addr, end);
		if (!rc && backend == MSEAL_BACKEND_NATIVE)
			rc = recorded_seal_class((uintptr_t)spans[i].addr, end);
		if (rc)
			return msl_fail(-rc);
	}
	rc = msl_refuse_from_env();
	if (rc)
		return msl_fail(-rc);
	/* The seccomp backend seals a batch as one filter. */
	if (backend == MSEAL_BACKEND_SECCOMP) {
		rc = msl_seccomp_seal(spans, n, classes);
		return rc ? msl_fail(-rc) : 0;
	}
	for (i = 0; i < n; i++) {
		rc = msl_check_range((uintptr_t)spans[i].addr, spans[i].len,
				     &end);
		if (!rc)
			rc = msl_seal_checked((uintptr_t)spans[i].addr, end,
					      classes, backend);
		if (rc)
			return msl_fail(-rc);
	}
	return 0;
}

MSL_EXPORT int mseal_refuse(unsigned int what)
{
	int rc;

	if (!what ||
	    (what & ~(MSEAL_REFUSE_IO_URING | MSEAL_REFUSE_USERFAULTFD)))
		return msl_fail(EINVAL);
	if (!(msl_config()->kernel_flags & MSEAL_FEAT_SECCOMP) ||
	    !MSL_FILTER_ARCH_KNOWN)
		return msl_fail(EOPNOTSUPP);
	rc = msl_seccomp_refuse(what);
	return rc ? msl_fail(-rc) : 0;
}

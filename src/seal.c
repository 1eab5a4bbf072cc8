// SPDX-License-Identifier: MIT
/*
 * mseal_range() and mseal_ranges(): argument rules and backend dispatch.
 *
 * The rules are checked in user space, in the kernel's order, for every
 * backend, so that a seccomp-backed seal (which the kernel does not check)
 * fails exactly like mseal(2) would, and so that mseal_ranges() can refuse
 * a bad batch before any of it is sealed.
 */
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

int msl_check_range(uintptr_t addr, size_t len, uintptr_t *end)
{
	uintptr_t mask = msl_page_size() - 1;
	uintptr_t rounded;

	if (addr & mask)
		return -EINVAL;
	/* len rounded up to a page; a non-zero len that rounds to 0, or an
	 * end past the top of the address space, is EINVAL as in mseal(2). */
	rounded = ((uintptr_t)len + mask) & ~mask;
	if (len && !rounded)
		return -EINVAL;
	if (addr + rounded < addr)
		return -EINVAL;
	*end = addr + rounded;
	return 0;
}

/*
 * msync(addr, len, 0) walks the range's mappings without touching them and
 * answers ENOMEM for any hole, at the start, middle or end.  It is allowed on
 * sealed memory.  This is the cheapest exact hole check the kernel offers.
 */
int msl_check_mapped(uintptr_t start, uintptr_t end)
{
	if (start == end)
		return 0;
	if (msync((void *)start, end - start, 0) == 0)
		return 0;
	return -errno;
}

static int seal_native(uintptr_t start, uintptr_t end)
{
	if (syscall(__NR_mseal, start, end - start, 0UL) == 0)
		return 0;
	return -errno;
}

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
		return seal_native(start, end); /* MSEAL_ALL only */
	if (backend == MSEAL_BACKEND_SECCOMP)
		return msl_seccomp_seal(&span, 1, classes);
	return -EOPNOTSUPP;
}

MSL_EXPORT int mseal_range(void *addr, size_t len, unsigned int classes)
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
	/* Every argument error of every span before any hole check, as the
	 * kernel checks arguments before it looks at the mappings. */
	for (i = 0; i < n; i++) {
		rc = msl_check_range((uintptr_t)spans[i].addr, spans[i].len,
				     &end);
		if (rc)
			return msl_fail(-rc);
	}
	/* The range is checked again in each pass rather than stored: no
	 * allocation, and a span array changed under us fails cleanly. */
	for (i = 0; i < n; i++) {
		rc = msl_check_range((uintptr_t)spans[i].addr, spans[i].len,
				     &end);
		if (!rc)
			rc = msl_check_mapped((uintptr_t)spans[i].addr, end);
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

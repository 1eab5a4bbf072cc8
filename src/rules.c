// SPDX-License-Identifier: MIT
/*
 * The argument rules every seal obeys, whatever backend does it.
 *
 * mseal(2) checks its range in this order; the library checks it the same
 * way before it picks a backend, so that a seccomp-backed seal (which the
 * kernel does not check) fails exactly like mseal(2) would, and so that a
 * batch can be refused before any of it is sealed.  The API (seal.c,
 * map.c, query.c) and the backends (native.c, seccomp.c) call down into
 * this file; it calls nothing of theirs.
 */
#include <sys/mman.h>

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

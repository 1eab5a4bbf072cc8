// SPDX-License-Identifier: MIT
/*
 * mimmutable(): OpenBSD's call on top of MSEAL_ALL.
 *
 * OpenBSD rounds the range outwards and skips holes, where mseal(2) refuses
 * both; so the mapped pieces are found in /proc/self/maps first and sealed
 * one by one afterwards (sealing while reading would split the mappings the
 * kernel is iterating over).
 */
#include <stdlib.h>

#include "internal.h"

struct piece_list {
	uintptr_t start;
	uintptr_t end;
	struct mseal_span *spans;
	size_t n;
	size_t cap;
	bool oom;
};

static int collect_fn(const struct msl_vma *v, void *arg)
{
	struct piece_list *l = arg;
	uintptr_t s, e;

	if (v->end <= l->start)
		return 0;
	if (v->start >= l->end)
		return 1;
	if (!msl_vma_is_real(v))
		return 0;
	s = v->start > l->start ? v->start : l->start;
	e = v->end < l->end ? v->end : l->end;
	/* Neighbouring mappings become one span: one seal for the run. */
	if (l->n &&
	    (uintptr_t)l->spans[l->n - 1].addr + l->spans[l->n - 1].len == s) {
		l->spans[l->n - 1].len += e - s;
		return 0;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct mseal_span *n = realloc(l->spans, cap * sizeof(*n));

		if (!n) {
			l->oom = true;
			return 1;
		}
		l->spans = n;
		l->cap = cap;
	}
	l->spans[l->n].addr = (void *)s;
	l->spans[l->n].len = e - s;
	l->n++;
	return 0;
}

MSL_EXPORT int mimmutable(void *addr, size_t len)
{
	uintptr_t mask, start, end;
	struct piece_list l = { 0 };
	int backend, rc;

	/* OpenBSD's one argument error comes first, whatever the backend. */
	mask = msl_page_size() - 1;
	start = (uintptr_t)addr & ~mask;
	end = (uintptr_t)addr + len;
	if (end < (uintptr_t)addr || end + mask < end) {
		rc = -EINVAL;
		goto fail;
	}
	end = (end + mask) & ~mask;
	rc = msl_select_backend(MSEAL_ALL, &backend);
	if (rc)
		goto fail;
	if (start == end)
		return 0;
	l.start = start;
	l.end = end;
	rc = msl_maps_read("/proc/self/maps", collect_fn, &l);
	if (rc > 0)
		rc = 0;
	if (l.oom)
		rc = -ENOMEM;
	if (!rc)
		rc = mseal_ranges(l.spans, l.n, MSEAL_ALL);
	free(l.spans);
	if (rc)
		goto fail;
	return 0;
fail:
	/* OpenBSD convention: -1 and errno, not -errno. */
	if (rc == -EPROTO)
		rc = -EIO;
	errno = -rc;
	return -1;
}

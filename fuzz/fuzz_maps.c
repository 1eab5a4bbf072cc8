// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the /proc maps/smaps parser.  The input is fed in
 * chunks whose sizes come from its first byte, so that line reassembly
 * across reads is fuzzed too.  Built by `make fuzz` (clang).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int check_vma(const struct msl_vma *v, void *arg)
{
	size_t *count = arg;

	/* Invariants every emitted mapping must hold. */
	if (v->start > v->end || strlen(v->path) >= sizeof(v->path))
		abort();
	if ((v->flags & (MSL_VMA_SEALED | MSL_VMA_ACCOUNTED) || v->seals) &&
	    !(v->flags & MSL_VMA_HAS_VMFLAGS))
		abort();
	if (v->seals & ~MSL_CLASSES)
		abort();
	return ++*count > 100000;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct msl_maps_parser p;
	size_t chunk, off = 0, count = 0;
	int rc = 0;

	if (size == 0)
		return 0;
	chunk = (size_t)data[0] * 7 + 1;
	data++;
	size--;
	msl_maps_init(&p, check_vma, &count);
	while (off < size && rc == 0) {
		size_t n = size - off < chunk ? size - off : chunk;

		rc = msl_maps_feed(&p, (const char *)data + off, n);
		off += n;
	}
	if (rc == 0)
		rc = msl_maps_finish(&p);
	if (rc != 0 && rc != 1 && rc != -EPROTO)
		abort();
	return 0;
}

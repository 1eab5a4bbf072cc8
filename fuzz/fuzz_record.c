// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the seccomp seal record's parser
 * (src/record_parse.c), which reads text another process wrote.  Besides
 * not crashing: every record it accepts has page-aligned, non-empty ranges
 * with classes 1-7 and a positive filter count, and writing it out again
 * gives back exactly the input (the grammar has one spelling per record).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msl_record rec;
	char *out;
	size_t len;

	if (msl_record_parse((const char *)data, size, 4096, &rec))
		return 0;
	if (rec.filters < 1)
		abort();
	for (size_t i = 0; i < rec.n; i++)
		if (rec.r[i].start >= rec.r[i].end ||
		    (rec.r[i].start | rec.r[i].end) & 4095 ||
		    rec.r[i].classes < 1 || rec.r[i].classes > 7)
			abort();
	out = malloc(size + 1);
	if (!out)
		abort();
	len = msl_record_format(&rec, out, size + 1);
	if (len != size || memcmp(out, data, size))
		abort();
	free(out);
	msl_record_free(&rec);
	return 0;
}

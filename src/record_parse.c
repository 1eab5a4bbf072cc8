// SPDX-License-Identifier: MIT
/*
 * The text of a seccomp seal record (src/record.c), written and parsed:
 *
 *     libmseal-seals 1
 *     filters 3
 *     7f3c1a000000-7f3c1a200000 7
 *     ...
 *
 * A header with the format version, the writer's count of seccomp filters,
 * then one line per sealed range: start and end in lower-case hex without
 * 0x, and the MSEAL_* classes as one digit 1-7.  Every line ends in '\n'.
 * The text comes from another process: the parser takes nothing on trust
 * and accepts exactly this grammar.  fuzz/fuzz_record.c drives it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

#define HEADER "libmseal-seals 1\nfilters "

/* A lower-case hex number of 1-16 digits ending at stop; advances *s. */
static int hex(const char **s, const char *end, char stop, uint64_t *v)
{
	const char *p = *s;
	uint64_t x = 0;
	int n = 0;

	while (p < end && *p != stop) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else
			return -1;
		if (++n > 16 ||
		    (n == 1 && d == 0 && p + 1 < end && p[1] != stop))
			return -1; /* too long, or a leading zero */
		x = x << 4 | (uint64_t)d;
		p++;
	}
	if (!n || p == end)
		return -1;
	*s = p + 1;
	*v = x;
	return 0;
}

static int parse_filters(const char **s, const char *end, long *out)
{
	const char *p = *s;
	long v = 0;
	int n = 0;

	while (p < end && *p >= '0' && *p <= '9') {
		if (++n > 7 ||
		    (n == 1 && *p == '0' && p + 1 < end && p[1] != '\n'))
			return -1;
		v = v * 10 + (*p - '0');
		p++;
	}
	if (!n || p == end || *p != '\n' || v < 1)
		return -1;
	*s = p + 1;
	*out = v;
	return 0;
}

int msl_record_parse(const char *text, size_t len, size_t page,
		     struct msl_record *rec)
{
	const char *s = text, *end = text + len;
	size_t cap = 0;

	memset(rec, 0, sizeof(*rec));
	if (len > MSL_RECORD_MAX_BYTES || len < sizeof(HEADER) - 1 ||
	    memcmp(s, HEADER, sizeof(HEADER) - 1))
		return -EPROTO;
	s += sizeof(HEADER) - 1;
	if (parse_filters(&s, end, &rec->filters))
		return -EPROTO;
	while (s < end) {
		struct msl_record_range r;
		uint64_t c;

		if (hex(&s, end, '-', &r.start) || hex(&s, end, ' ', &r.end) ||
		    end - s < 2 || s[0] < '1' || s[0] > '7' || s[1] != '\n')
			goto bad;
		c = (uint64_t)(s[0] - '0');
		s += 2;
		if (r.start >= r.end || (r.start | r.end) & (page - 1) ||
		    rec->n == MSL_RECORD_MAX_RANGES)
			goto bad;
		r.classes = (unsigned int)c;
		if (rec->n == cap) {
			struct msl_record_range *g;

			cap = cap ? cap * 2 : 16;
			g = realloc(rec->r, cap * sizeof(*g));
			if (!g) {
				msl_record_free(rec);
				return -ENOMEM;
			}
			rec->r = g;
		}
		rec->r[rec->n++] = r;
	}
	return 0;
bad:
	msl_record_free(rec);
	return -EPROTO;
}

void msl_record_free(struct msl_record *rec)
{
	free(rec->r);
	rec->r = NULL;
	rec->n = 0;
}

size_t msl_record_format(const struct msl_record *rec, char *buf, size_t size)
{
	size_t off;

	off = (size_t)snprintf(buf, size, HEADER "%ld\n", rec->filters);
	for (size_t i = 0; i < rec->n && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%llx-%llx %u\n",
					(unsigned long long)rec->r[i].start,
					(unsigned long long)rec->r[i].end,
					rec->r[i].classes);
	return off < size ? off : size;
}

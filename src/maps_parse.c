// SPDX-License-Identifier: MIT
/*
 * Parser of /proc/PID/maps and /proc/PID/smaps.
 *
 * The text comes from the kernel, but a tool may read another process's
 * files or a file handed to it, so every field is checked and nothing is
 * trusted: a line that is neither a mapping nor a "Name:" field is -EPROTO,
 * never a crash.  Fields other than "VmFlags:" are skipped, so new smaps
 * fields in later kernels do not break it.
 */
#include <string.h>

#include "internal.h"

void msl_maps_init(struct msl_maps_parser *p, msl_vma_fn fn, void *arg)
{
	p->fn = fn;
	p->arg = arg;
	p->status = 0;
	p->have_vma = false;
	p->line_overflow = false;
	p->line_len = 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses hex digits at *s; fails on no digits or on overflow. */
static bool parse_hex(const char **s, const char *end, unsigned long long *out)
{
	unsigned long long v = 0;
	const char *q = *s;
	int d;

	if (q == end || hex_value(*q) < 0)
		return false;
	for (; q < end && (d = hex_value(*q)) >= 0; q++) {
		if (v > (~0ULL >> 4))
			return false;
		v = (v << 4) | (unsigned long long)d;
	}
	*s = q;
	*out = v;
	return true;
}

static bool parse_dec(const char **s, const char *end, unsigned long long *out)
{
	unsigned long long v = 0;
	const char *q = *s;

	if (q == end || *q < '0' || *q > '9')
		return false;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		unsigned int d = (unsigned int)(*q - '0');

		if (v > (~0ULL - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*s = q;
	*out = v;
	return true;
}

static bool expect(const char **s, const char *end, char c)
{
	if (*s == end || **s != c)
		return false;
	(*s)++;
	return true;
}

static void skip_spaces(const char **s, const char *end)
{
	while (*s < end && **s == ' ')
		(*s)++;
}

static bool perm_char(char got, char want, unsigned int bit,
		      unsigned int *flags)
{
	if (got == want) {
		*flags |= bit;
		return true;
	}
	return got == '-';
}

/* "start-end perms offset major:minor inode [path]" */
static bool parse_header(const char *s, const char *end, struct msl_vma *v,
			 bool overflow)
{
	unsigned long long start, stop, dev;
	size_t n;

	if (!parse_hex(&s, end, &start) || !expect(&s, end, '-') ||
	    !parse_hex(&s, end, &stop) || !expect(&s, end, ' '))
		return false;
	if (start > stop || stop > UINTPTR_MAX)
		return false;
	if (end - s < 5)
		return false;
	v->flags = 0;
	v->seals = 0;
	if (!perm_char(s[0], 'r', MSL_VMA_READ, &v->flags) ||
	    !perm_char(s[1], 'w', MSL_VMA_WRITE, &v->flags) ||
	    !perm_char(s[2], 'x', MSL_VMA_EXEC, &v->flags))
		return false;
	if (s[3] == 's')
		v->flags |= MSL_VMA_SHARED;
	else if (s[3] != 'p')
		return false;
	s += 4;
	if (!expect(&s, end, ' ') || !parse_hex(&s, end, &v->offset) ||
	    !expect(&s, end, ' ') || !parse_hex(&s, end, &dev) ||
	    !expect(&s, end, ':') || !parse_hex(&s, end, &dev) ||
	    !expect(&s, end, ' ') || !parse_dec(&s, end, &v->inode))
		return false;
	if (s < end && *s != ' ')
		return false;
	skip_spaces(&s, end);
	n = (size_t)(end - s);
	if (n >= sizeof(v->path) || overflow) {
		if (n >= sizeof(v->path))
			n = sizeof(v->path) - 1;
		v->flags |= MSL_VMA_PATH_TRUNCATED;
	}
	memcpy(v->path, s, n);
	v->path[n] = '\0';
	v->start = (uintptr_t)start;
	v->end = (uintptr_t)stop;
	return true;
}

/* The two-letter VmFlags names this parser uses, and what they set. */
static const struct {
	char name[3];
	unsigned int flag; /* MSL_VMA_* */
	unsigned int seal; /* MSEAL_*: the seal types of kernel/patches */
} vmflag_names[] = {
	{ "sl", MSL_VMA_SEALED, 0 },	{ "ac", MSL_VMA_ACCOUNTED, 0 },
	{ "gd", MSL_VMA_GROWSDOWN, 0 }, { "sb", 0, MSEAL_BASE },
	{ "sp", 0, MSEAL_PROT },	{ "sz", 0, MSEAL_DISCARD },
	{ "sk", 0, MSEAL_SEAL },	{ "sg", 0, MSEAL_DOWNGRADEABLE },
};

/* "VmFlags: rd wr mr mw me ac sl sb sp sz " */
static void parse_vmflags(const char *s, const char *end, struct msl_vma *v)
{
	v->flags |= MSL_VMA_HAS_VMFLAGS;
	while (s < end) {
		const char *w;

		skip_spaces(&s, end);
		w = s;
		while (s < end && *s != ' ')
			s++;
		if (s - w != 2)
			continue;
		for (size_t i = 0;
		     i < sizeof(vmflag_names) / sizeof(vmflag_names[0]); i++)
			if (w[0] == vmflag_names[i].name[0] &&
			    w[1] == vmflag_names[i].name[1]) {
				v->flags |= vmflag_names[i].flag;
				v->seals |= vmflag_names[i].seal;
			}
	}
}

/* "Name:" at the start of an smaps field line. */
static bool is_field(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 ||
	    !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	while (i < n && s[i] != ':') {
		char c = s[i++];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return i < n;
}

static bool is_header(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && hex_value(s[i]) >= 0)
		i++;
	return i > 0 && i < n && s[i] == '-';
}

static int emit(struct msl_maps_parser *p)
{
	int rc;

	if (!p->have_vma)
		return 0;
	p->have_vma = false;
	rc = p->fn(&p->vma, p->arg);
	return rc;
}

static int handle_line(struct msl_maps_parser *p)
{
	const char *s = p->line, *end = p->line + p->line_len;
	static const char vmflags[] = "VmFlags:";
	int rc;

	if (is_header(s, p->line_len)) {
		rc = emit(p);
		if (rc)
			return rc;
		if (!parse_header(s, end, &p->vma, p->line_overflow))
			return -EPROTO;
		p->have_vma = true;
		return 0;
	}
	if (p->line_len >= sizeof(vmflags) - 1 &&
	    memcmp(s, vmflags, sizeof(vmflags) - 1) == 0) {
		/* Fields belong to the mapping above them. */
		if (!p->have_vma)
			return -EPROTO;
		parse_vmflags(s + sizeof(vmflags) - 1, end, &p->vma);
		return 0;
	}
	/* Any other line must be a field; anything else would make a
	 * mapping vanish silently (a hole to mseal_query()). */
	return is_field(s, p->line_len) ? 0 : -EPROTO;
}

int msl_maps_feed(struct msl_maps_parser *p, const char *buf, size_t n)
{
	size_t i;

	if (p->status)
		return p->status;
	for (i = 0; i < n; i++) {
		char c = buf[i];

		if (c != '\n') {
			/* Keep the head of an over-long line: the fields
			 * that matter come first; only a path can be cut. */
			if (p->line_len < sizeof(p->line))
				p->line[p->line_len++] = c;
			else
				p->line_overflow = true;
			continue;
		}
		p->status = handle_line(p);
		p->line_len = 0;
		p->line_overflow = false;
		if (p->status)
			return p->status;
	}
	return 0;
}

int msl_maps_finish(struct msl_maps_parser *p)
{
	if (p->status)
		return p->status;
	if (p->line_len) {
		p->status = handle_line(p);
		p->line_len = 0;
		if (p->status)
			return p->status;
	}
	p->status = emit(p);
	return p->status;
}

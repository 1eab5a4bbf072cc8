// SPDX-License-Identifier: MIT
/*
 * The report of `mseal run`: one block of text, or one JSON object on one
 * line (JSON Lines), per sealing event.  Written with write(2) from a
 * static buffer: stdio may not be usable yet in a constructor, and the
 * program's own stdout/stderr buffers must stay untouched.
 *
 * Paths go through put_text_str() and put_json_str(), never a format:
 * they can be PATH_MAX long and hold any byte but NUL, so both escape
 * them as `mseal maps` does (src/utf8.c): the text as \ooo per byte, JSON
 * as \uXXXX, or \udcXX for a byte that is not UTF-8.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "preload.h"

static char buf[16384];
static size_t used;
static int out_fd = -1;

static void flush(void)
{
	size_t off = 0;
	ssize_t n;

	while (off < used) {
		n = write(out_fd, buf + off, used - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	used = 0;
}

static void put(const char *s, size_t n)
{
	while (n) {
		size_t room = sizeof(buf) - used;
		size_t k = n < room ? n : room;

		memcpy(buf + used, s, k);
		used += k;
		s += k;
		n -= k;
		if (used == sizeof(buf))
			flush();
	}
}

__attribute__((format(printf, 1, 2))) static void putf(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(line,
		    (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void put_str(const char *s)
{
	put(s, strlen(s));
}

/* Untrusted text, one escaped character at a time (src/utf8.c). */
static void put_escaped(const char *str, enum msl_escape how)
{
	const unsigned char *s = (const unsigned char *)str;
	char step[MSL_ESCAPE_MAX];

	while (*s) {
		s += msl_escape_step(s, how, step);
		put_str(step);
	}
}

static void put_json_str(const char *s)
{
	if (!s) {
		put_str("null");
		return;
	}
	put_str("\"");
	put_escaped(s, MSL_ESCAPE_JSON);
	put_str("\"");
}

/* A path in the text report: one line stays one line. */
static void put_text_str(const char *s)
{
	put_escaped(s, MSL_ESCAPE_TEXT);
}

static const char *object_name(const char *o)
{
	return o && *o ? o : "?";
}

static void report_text(const struct msl_event *ev)
{
	const struct msl_plan *p = ev->plan;
	size_t i;

	putf("mseal run[%ld]: %s ", (long)getpid(), ev->event);
	put_text_str(ev->object ? ev->object : ev->program);
	putf(": %s", ev->status);
	if (ev->reason)
		putf(": %s", ev->reason);
	if (p) {
		putf(", %zu ranges of %zu objects in %zu spans, %zu bytes",
		     p->n, p->objects, p->nspans, p->bytes);
		if (p->dropped)
			putf(", %zu dropped (not as in /proc/self/maps)",
			     p->dropped);
		if (p->fixed)
			putf(", %zu fixed-address object left out (seccomp)",
			     p->fixed);
		if (p->overflow)
			putf(", %zu over the limit of %d", p->overflow,
			     MSL_PLAN_MAX);
		if (p->maps_err)
			putf(", not cross-checked (/proc/self/maps: %s)",
			     strerror(-p->maps_err));
	}
	putf(", backend %s", ev->backend);
	if (ev->usec >= 0)
		putf(", %ld us", ev->usec);
	put_str("\n");
	for (i = 0; p && i < p->n; i++) {
		const struct msl_range *r = &p->r[i];

		putf("  %-7s %012lx-%012lx %10lu  ",
		     msl_run_kind_names[r->kind], (unsigned long)r->start,
		     (unsigned long)r->end, (unsigned long)(r->end - r->start));
		put_text_str(object_name(r->object));
		put_str("\n");
	}
}

static void report_json(const struct msl_event *ev)
{
	const struct msl_plan *p = ev->plan;
	size_t i;

	putf("{\"pid\":%ld,\"event\":", (long)getpid());
	put_json_str(ev->event);
	put_str(",\"program\":");
	put_json_str(ev->program);
	put_str(",\"object\":");
	put_json_str(ev->object);
	put_str(",\"status\":");
	put_json_str(ev->status);
	put_str(",\"reason\":");
	put_json_str(ev->reason);
	put_str(",\"backend\":");
	put_json_str(ev->backend);
	put_str(",\"classes\":\"all\"");
	if (ev->usec >= 0)
		putf(",\"usec\":%ld", ev->usec);
	if (p) {
		putf(",\"ranges\":%zu,\"objects\":%zu,\"spans\":%zu,"
		     "\"size\":%zu,\"dropped\":%zu,\"overflow\":%zu,"
		     "\"fixed_skipped\":%zu,\"maps_checked\":%s,\"sealed\":[",
		     p->n, p->objects, p->nspans, p->bytes, p->dropped,
		     p->overflow, p->fixed, p->maps_err ? "false" : "true");
		for (i = 0; i < p->n; i++) {
			const struct msl_range *r = &p->r[i];

			putf("%s{\"class\":\"%s\",\"start\":\"0x%lx\","
			     "\"end\":\"0x%lx\",\"size\":%lu,\"path\":",
			     i ? "," : "", msl_run_kind_names[r->kind],
			     (unsigned long)r->start, (unsigned long)r->end,
			     (unsigned long)(r->end - r->start));
			put_json_str(object_name(r->object));
			put_str("}");
		}
		put_str("]");
	}
	put_str("}\n");
}

void msl_report(const struct msl_report_cfg *cfg, const struct msl_event *ev)
{
	int saved = errno;

	if (cfg->fd < 0)
		return;
	out_fd = cfg->fd;
	if (cfg->json)
		report_json(ev);
	else
		report_text(ev);
	flush();
	errno = saved;
}

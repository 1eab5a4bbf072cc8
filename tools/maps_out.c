// SPDX-License-Identifier: MIT
/*
 * mseal maps: the writers for the table, JSON and CSV.
 *
 * Paths and process names are whatever bytes a program chose, so each
 * format escapes them (src/utf8.c says which characters): the table and CSV
 * show them as \ooo per byte (the kernel itself shows a newline in a path
 * as \012), CSV then quotes as RFC 4180 says, JSON writes \uXXXX for
 * unsafe characters and \udcXX for a byte that is not UTF-8.  Nothing a
 * file name holds can break a row or send a terminal escape sequence.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "maps.h"
#include "record.h"

#define GREEN "\033[32m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

/* Labels of the summary line; JSON and CSV use maps_class_names. */
static const char *const summary_labels[NCOUNTED] = {
	"code", "rodata", "RELRO", "writable", "jit", "no-access", "system",
};

/* Untrusted text, one escaped character at a time (src/utf8.c). */
static void put_escaped(const char *str, enum msl_escape how)
{
	const unsigned char *s = (const unsigned char *)str;
	char step[MSL_ESCAPE_MAX];

	while (*s) {
		s += msl_escape_step(s, how, step);
		fputs(step, stdout);
	}
}

static void put_table_text(const char *s)
{
	put_escaped(s, MSL_ESCAPE_TEXT);
}

static void put_json_string(const char *s)
{
	putchar('"');
	put_escaped(s, MSL_ESCAPE_JSON);
	putchar('"');
}

/*
 * The table's escaped text, quoted as RFC 4180 says when it holds a comma
 * or a quote (CR and LF are escaped already, as every control is).
 */
static void put_csv_field(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char step[MSL_ESCAPE_MAX];
	bool quote = str[strcspn(str, ",\"")] != '\0';

	if (quote)
		putchar('"');
	while (*s) {
		if (*s == '"')
			putchar('"');
		s += msl_escape_step(s, MSL_ESCAPE_TEXT, step);
		fputs(step, stdout);
	}
	if (quote)
		putchar('"');
}

static void perms(const struct maps_row *r, char out[5])
{
	out[0] = (r->flags & MSL_VMA_READ) ? 'r' : '-';
	out[1] = (r->flags & MSL_VMA_WRITE) ? 'w' : '-';
	out[2] = (r->flags & MSL_VMA_EXEC) ? 'x' : '-';
	out[3] = (r->flags & MSL_VMA_SHARED) ? 's' : 'p';
	out[4] = '\0';
}

/* "yes" (all classes, as mseal(2)), "no", "n/a" or a subset "base+prot". */
static const char *sealed_text(const struct maps_row *r, char *buf, size_t size)
{
	static const char *const names[] = { "base", "prot", "discard" };
	size_t i, off = 0;

	if (r->cls == CLASS_VSYSCALL)
		return "n/a";
	if (r->seals == MSEAL_ALL)
		return "yes";
	if (!r->seals)
		return "no";
	buf[0] = '\0';
	for (i = 0; i < 3; i++)
		if (r->seals & (1u << i))
			off += (size_t)snprintf(buf + off, size - off, "%s%s",
						off ? "+" : "", names[i]);
	return buf;
}

/*
 * What the seccomp record said, for the summary: the seals marked '*' in
 * the table come from it, a claim of the process that the kernel's count
 * of filters does not contradict.  Empty when there are no filters.
 */
static void put_record_note(const struct maps_proc *p)
{
	switch (p->record) {
	case MSL_RECORD_NONE:
		return;
	case MSL_RECORD_OK:
		printf("; seccomp: %zu range%s in the record of %ld filter%s "
		       "(the kernel counts %ld), marked *",
		       p->record_ranges, p->record_ranges == 1 ? "" : "s",
		       p->record_filters, p->record_filters == 1 ? "" : "s",
		       p->kernel_filters);
		return;
	case MSL_RECORD_MISSING:
		printf("; seccomp: %ld filter%s, no record", p->kernel_filters,
		       p->kernel_filters == 1 ? "" : "s");
		return;
	default:
		printf("; seccomp: record %s, ignored",
		       msl_record_state_name(p->record));
	}
}

static void put_record_json(const struct maps_proc *p)
{
	printf(",\"seccomp_record\":{\"state\":\"%s\",\"ranges\":%zu,"
	       "\"filters\":%ld,\"kernel_filters\":%ld}",
	       msl_record_state_name(p->record), p->record_ranges,
	       p->record_filters, p->kernel_filters);
}

static const char *path_of(const struct maps_proc *p, const struct maps_row *r)
{
	return p->paths ? p->paths + r->path : "";
}

/* 4K, 132K, 1.5M, 2G: pmap-like sizes for people. */
static void human_size(unsigned long long n, char *out, size_t size)
{
	static const char units[] = "KMGTP";
	double v = (double)n / 1024;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v >= 100 || v == (double)(unsigned long long)v)
		snprintf(out, size, "%.0f%c", v, units[u]);
	else
		snprintf(out, size, "%.1f%c", v, units[u]);
}

static void color_on(const struct maps_opts *o, const char *c)
{
	if (o->color)
		fputs(c, stdout);
}

static void put_percent(const struct maps_opts *o, int pct)
{
	if (pct < 0) {
		fputs("n/a", stdout);
		return;
	}
	color_on(o, pct == 100 ? GREEN : pct == 0 ? RED : YELLOW);
	printf("%d%%", pct);
	color_on(o, RESET);
}

static unsigned int mapping_count(const struct maps_proc *p)
{
	unsigned int n = 0;
	int c;

	for (c = 0; c < NCOUNTED; c++)
		n += p->total[c];
	return n;
}

static void table_summary(const struct maps_opts *o, const struct maps_proc *p)
{
	const char *v = maps_verdict(p);
	int c;

	printf("PID %d (", (int)p->pid);
	put_table_text(p->comm);
	if (p->nrows == 0) {
		printf("): 0 mappings (kernel thread or zombie)\n");
		return;
	}
	printf("): %u mappings; sealed:", mapping_count(p));
	for (c = 0; c < NCOUNTED; c++) {
		/* The image classes and writable always, others when seen. */
		if (c > CLASS_WRITABLE && !p->total[c])
			continue;
		printf("%s %s %u/%u", c ? "," : "", summary_labels[c],
		       p->sealed[c], p->total[c]);
	}
	fputs("; verdict: ", stdout);
	color_on(o, !strcmp(v, "full")	  ? GREEN :
		    !strcmp(v, "partial") ? YELLOW :
		    !strcmp(v, "none")	  ? RED :
					    "");
	fputs(v, stdout);
	color_on(o, strcmp(v, "n/a") ? RESET : "");
	fputs(" (code sealed: ", stdout);
	put_percent(o, maps_percent(p, CLASS_CODE));
	fputs(", rodata ", stdout);
	put_percent(o, maps_percent(p, CLASS_RODATA));
	fputs(", RELRO ", stdout);
	put_percent(o, maps_percent(p, CLASS_RELRO));
	putchar(')');
	put_record_note(p);
	putchar('\n');
}

static void table_proc(struct maps_opts *o, const struct maps_proc *p)
{
	int aw = 8;
	size_t i;

	if (o->summary) {
		table_summary(o, p);
		return;
	}
	/* Addresses zero-padded to the widest one of the process. */
	for (i = 0; i < p->nrows; i++) {
		int w = snprintf(NULL, 0, "%lx", (unsigned long)p->rows[i].end);

		if (w > aw)
			aw = w;
	}
	if (o->shown > 1)
		putchar('\n');
	color_on(o, BOLD);
	printf("PID %d (", (int)p->pid);
	put_table_text(p->comm);
	printf(")\n%-*s %7s %-4s %-6s %-9s %s", 2 * aw + 1, "START-END", "SIZE",
	       "PERM", "SEALED", "CLASS", "PATH");
	color_on(o, RESET);
	putchar('\n');
	for (i = 0; i < p->nrows; i++) {
		const struct maps_row *r = &p->rows[i];
		char size[16], perm[5], sb[32], mark[40];
		const char *sealed = sealed_text(r, sb, sizeof(sb));

		human_size(r->end - r->start, size, sizeof(size));
		perms(r, perm);
		printf("%0*lx-%0*lx %7s %s ", aw, (unsigned long)r->start, aw,
		       (unsigned long)r->end, size, perm);
		if (r->seals == MSEAL_ALL && r->cls != CLASS_VSYSCALL)
			color_on(o, GREEN);
		else if (!r->seals && (VERDICT_CLASSES & (1u << r->cls)))
			color_on(o, RED);
		else
			color_on(o, "");
		snprintf(mark, sizeof(mark), "%s%s", sealed,
			 r->by_record ? "*" : "");
		printf("%-6s", mark);
		color_on(o, o->color ? RESET : "");
		/* No trailing blanks on anonymous rows. */
		if (*path_of(p, r)) {
			printf(" %-9s ", maps_class_names[r->cls]);
			put_table_text(path_of(p, r));
		} else {
			printf(" %s", maps_class_names[r->cls]);
		}
		putchar('\n');
	}
	table_summary(o, p);
}

static void json_counts(const struct maps_proc *p)
{
	int c, pct;

	fputs("\"counts\":{", stdout);
	for (c = 0; c < NCOUNTED; c++)
		printf("%s\"%s\":{\"total\":%u,\"sealed\":%u}", c ? "," : "",
		       maps_class_names[c], p->total[c], p->sealed[c]);
	fputs("},\"verdict\":{", stdout);
	for (c = 0; c < NCOUNTED; c++) {
		if (!(VERDICT_CLASSES & (1u << c)))
			continue;
		pct = maps_percent(p, (enum maps_class)c);
		printf("\"%s\":", maps_class_names[c]);
		if (pct < 0)
			fputs("null,", stdout);
		else
			printf("%d,", pct);
	}
	printf("\"level\":\"%s\"}", maps_verdict(p));
}

static void json_proc(struct maps_opts *o, const struct maps_proc *p)
{
	size_t i;

	printf("%s\n{\"pid\":%d,\"comm\":", o->shown > 1 ? "," : "",
	       (int)p->pid);
	put_json_string(p->comm);
	printf(",\"mapping_count\":%u,", mapping_count(p));
	if (!o->summary) {
		fputs("\"mappings\":[", stdout);
		for (i = 0; i < p->nrows; i++) {
			const struct maps_row *r = &p->rows[i];
			char perm[5], sb[32];

			perms(r, perm);
			printf("%s{\"start\":\"0x%lx\",\"end\":\"0x%lx\","
			       "\"size\":%lu,\"perms\":\"%s\","
			       "\"offset\":%llu,\"inode\":%llu,\"path\":",
			       i ? "," : "", (unsigned long)r->start,
			       (unsigned long)r->end,
			       (unsigned long)(r->end - r->start), perm,
			       r->offset, r->inode);
			put_json_string(path_of(p, r));
			printf(",\"class\":\"%s\",\"sealed\":%s,"
			       "\"by_record\":%s,\"seal_classes\":\"%s\"}",
			       maps_class_names[r->cls],
			       r->cls == CLASS_VSYSCALL ? "null" :
			       r->seals == MSEAL_ALL	? "true" :
							  "false",
			       r->by_record ? "true" : "false",
			       sealed_text(r, sb, sizeof(sb)));
		}
		fputs("],", stdout);
	}
	json_counts(p);
	put_record_json(p);
	putchar('}');
}

static void csv_proc(struct maps_opts *o, const struct maps_proc *p)
{
	char pid[16], sb[32];
	size_t i;
	int c;

	snprintf(pid, sizeof(pid), "%d", (int)p->pid);
	if (o->summary) {
		printf("%s,", pid);
		put_csv_field(p->comm);
		printf(",%u", mapping_count(p));
		for (c = 0; c < NCOUNTED; c++)
			printf(",%u,%u", p->sealed[c], p->total[c]);
		printf(",%s\n", maps_verdict(p));
		return;
	}
	for (i = 0; i < p->nrows; i++) {
		const struct maps_row *r = &p->rows[i];
		char perm[5];

		perms(r, perm);
		printf("%s,", pid);
		put_csv_field(p->comm);
		printf(",0x%lx,0x%lx,%lu,%s,%llu,%llu,%s,%s,",
		       (unsigned long)r->start, (unsigned long)r->end,
		       (unsigned long)(r->end - r->start), perm, r->offset,
		       r->inode, maps_class_names[r->cls],
		       sealed_text(r, sb, sizeof(sb)));
		put_csv_field(path_of(p, r));
		putchar('\n');
	}
}

void maps_out_begin(struct maps_opts *o)
{
	int c;

	switch (o->format) {
	case FORMAT_JSON:
		printf("{\"kernel_mseal\":%s,\"library_view\":%s,"
		       "\"processes\":[",
		       o->kernel_mseal ? "true" : "false",
		       o->library_view ? "true" : "false");
		break;
	case FORMAT_CSV:
		if (!o->summary) {
			fputs("pid,comm,start,end,size,perms,offset,inode,"
			      "class,sealed,path\n",
			      stdout);
			break;
		}
		fputs("pid,comm,mappings", stdout);
		for (c = 0; c < NCOUNTED; c++)
			printf(",%s_sealed,%s_total", maps_class_names[c],
			       maps_class_names[c]);
		fputs(",verdict\n", stdout);
		break;
	case FORMAT_TABLE:
		break;
	}
}

void maps_out_proc(struct maps_opts *o, const struct maps_proc *p)
{
	o->shown++;
	switch (o->format) {
	case FORMAT_JSON:
		json_proc(o, p);
		break;
	case FORMAT_CSV:
		csv_proc(o, p);
		break;
	case FORMAT_TABLE:
		table_proc(o, p);
		break;
	}
}

void maps_out_end(struct maps_opts *o, const struct maps_failure *fail,
		  size_t nfail)
{
	size_t i;

	switch (o->format) {
	case FORMAT_JSON:
		printf("\n],\"without_mappings\":%u,\"unreadable\":[",
		       o->empty);
		for (i = 0; i < nfail; i++) {
			printf("%s{\"pid\":%d,\"comm\":", i ? "," : "",
			       (int)fail[i].pid);
			put_json_string(fail[i].comm);
			fputs(",\"error\":", stdout);
			put_json_string(strerror(fail[i].err));
			putchar('}');
		}
		fputs("]}\n", stdout);
		break;
	case FORMAT_CSV:
		break;
	case FORMAT_TABLE:
		if (!o->all)
			break;
		if (!o->summary && o->shown)
			putchar('\n');
		printf("total: %u processes shown, %u without mappings "
		       "(kernel threads, zombies) skipped, %zu not readable\n",
		       o->shown, o->empty, nfail);
		break;
	}
}

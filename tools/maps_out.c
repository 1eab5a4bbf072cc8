// SPDX-License-Identifier: MIT
/*
 * mseal maps: the writers for the table (per process, or as columns), JSON,
 * CSV and the Prometheus text exposition.  They read the model (maps.h,
 * maps_model.c) and nothing of the command (maps.c).
 *
 * Paths and process names are whatever bytes a program chose, so each
 * format escapes them (src/utf8.c says which characters): the table and CSV
 * show them as \ooo per byte (the kernel itself shows a newline in a path
 * as \012), CSV then quotes as RFC 4180 says, JSON writes \uXXXX for
 * unsafe characters and \udcXX for a byte that is not UTF-8, --raw also
 * writes a space as \040, and a Prometheus label value is the table's text
 * with its backslashes doubled, as the exposition format reads them.
 * Nothing a file name holds can break a row or send a terminal escape
 * sequence.
 *
 * One escaper serves every format: json-c and jansson were weighed for
 * JSON, but neither writes \udcXX for a byte that is not UTF-8 (jansson
 * refuses such strings, json-c copies the byte raw) nor escapes C1 or
 * bidi controls, so the strings would still pass through msl_escape_step
 * first and the library would only add the brackets and commas.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "maps.h"
#include "record.h"

#define GREEN "\033[32m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

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

/*
 * "yes" (all classes, as mseal(2)), "no", "n/a", a subset "base+prot", and
 * the seal types beyond those: "yes+seal", "base+discard+downgradeable".
 */
static const char *sealed_text(const struct maps_row *r, char *buf, size_t size)
{
	static const char *const names[] = { "base", "prot", "discard", "seal",
					     "downgradeable" };
	unsigned int from = 0;
	size_t i, off = 0;

	if (r->cls == CLASS_VSYSCALL)
		return "n/a";
	if (r->seals == MSEAL_ALL)
		return "yes";
	if (!r->seals)
		return "no";
	buf[0] = '\0';
	if ((r->seals & MSEAL_ALL) == MSEAL_ALL) {
		off = (size_t)snprintf(buf, size, "yes");
		from = 3;
	}
	for (i = from; i < 5; i++)
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

/* SIZE: for people, or in bytes with -b. */
static void size_text(const struct maps_opts *o, const struct maps_row *r,
		      char *out, size_t size)
{
	unsigned long long n = r->end - r->start;

	if (o->bytes)
		snprintf(out, size, "%llu", n);
	else
		human_size(n, out, size);
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
	printf("): %u mappings; sealed:", maps_mapping_count(p));
	for (c = 0; c < NCOUNTED; c++) {
		/* The image classes and writable always, others when seen. */
		if (c > CLASS_WRITABLE && !p->total[c])
			continue;
		printf("%s %s %u/%u", c ? "," : "", maps_class_names[c],
		       p->sealed[c], p->total[c]);
	}
	fputs("; verdict: ", stdout);
	color_on(o, !strcmp(v, "full")	  ? GREEN :
		    !strcmp(v, "partial") ? YELLOW :
		    !strcmp(v, "none")	  ? RED :
					    "");
	fputs(v, stdout);
	color_on(o, strcmp(v, "n/a") ? RESET : "");
	fputs(" (text sealed: ", stdout);
	put_percent(o, maps_percent(p, CLASS_TEXT));
	fputs(", rodata ", stdout);
	put_percent(o, maps_percent(p, CLASS_RODATA));
	fputs(", relro ", stdout);
	put_percent(o, maps_percent(p, CLASS_RELRO));
	putchar(')');
	put_record_note(p);
	putchar('\n');
}

/* The colour of a SEALED field: green sealed, red an unsealed image. */
static const char *sealed_color(const struct maps_row *r)
{
	if ((r->seals & MSEAL_ALL) == MSEAL_ALL && r->cls != CLASS_VSYSCALL)
		return GREEN;
	if (!r->seals && (VERDICT_CLASSES & (1u << r->cls)))
		return RED;
	return "";
}

/* Width of each column (negative: left-aligned) in the padded table. */
static const int column_width[NCOLUMN] = {
	[COL_PID] = 7,	   [COL_COMMAND] = -15, [COL_START] = -12,
	[COL_END] = -12,   [COL_SIZE] = 7,	[COL_PERM] = -4,
	[COL_SEALED] = -6, [COL_CLASS] = -9,	[COL_OFFSET] = 10,
	[COL_INODE] = 10,  [COL_PATH] = -1,
};

/*
 * One field: escaped as in the table (and a space as \040 with --raw, so
 * that fields split on spaces), padded unless --raw.  The padding after a
 * left-aligned field waits for the next field, so that no line ends in
 * blanks; *pad carries it, and is -1 at the start of a line.
 */
static void put_column(const struct maps_opts *o, size_t k, const char *str,
		       const char *color, int *pad)
{
	static char buf[4 * 4096 + 1];
	const unsigned char *s = (const unsigned char *)str;
	char step[MSL_ESCAPE_MAX];
	int w = o->raw ? 0 : column_width[o->columns[k]];
	size_t len = 0;

	while (*s && len + MSL_ESCAPE_MAX < sizeof(buf)) {
		if (*s == ' ' && o->raw) {
			s++;
			memcpy(buf + len, "\\040", 5);
		} else {
			s += msl_escape_step(s, MSL_ESCAPE_TEXT, step);
			memcpy(buf + len, step, strlen(step) + 1);
		}
		len += strlen(buf + len);
	}
	buf[len] = '\0';
	if (!len && w <= 0 && !o->raw) {
		*pad = *pad >= 0 ? *pad + 1 - w : -w;
		return;
	}
	if (*pad >= 0)
		printf("%*s", *pad + 1, "");
	color_on(o, color);
	if (w > 0)
		printf("%*s", w, buf);
	else
		fputs(buf, stdout);
	color_on(o, *color ? RESET : "");
	*pad = w < 0 && (int)len < -w ? -w - (int)len : 0;
}

static void columns_heading(const struct maps_opts *o)
{
	size_t k;
	int pad = -1;

	color_on(o, BOLD);
	for (k = 0; k < o->ncolumns; k++)
		put_column(o, k, maps_column_names[o->columns[k]], "", &pad);
	color_on(o, RESET);
	putchar('\n');
}

/* -o, -n, --raw: one line per mapping, the process in its columns. */
static void columns_proc(const struct maps_opts *o, const struct maps_proc *p)
{
	size_t i, k;

	for (i = 0; i < p->nrows; i++) {
		const struct maps_row *r = &p->rows[i];
		char v[32], sb[32];
		int pad = -1;

		for (k = 0; k < o->ncolumns; k++) {
			const char *text = v, *color = "";

			switch ((enum maps_column)o->columns[k]) {
			case COL_PID:
				snprintf(v, sizeof(v), "%d", (int)p->pid);
				break;
			case COL_COMMAND:
				text = p->comm;
				break;
			case COL_START:
				snprintf(v, sizeof(v), "%012lx",
					 (unsigned long)r->start);
				break;
			case COL_END:
				snprintf(v, sizeof(v), "%012lx",
					 (unsigned long)r->end);
				break;
			case COL_SIZE:
				size_text(o, r, v, sizeof(v));
				break;
			case COL_PERM:
				perms(r, v);
				break;
			case COL_SEALED:
				snprintf(v, sizeof(v), "%s%s",
					 sealed_text(r, sb, sizeof(sb)),
					 r->by_record ? "*" : "");
				color = sealed_color(r);
				break;
			case COL_CLASS:
				text = maps_class_names[r->cls];
				break;
			case COL_OFFSET:
				snprintf(v, sizeof(v), "%llu", r->offset);
				break;
			case COL_INODE:
				snprintf(v, sizeof(v), "%llu", r->inode);
				break;
			case COL_PATH:
			case NCOLUMN:
				text = path_of(p, r);
				break;
			}
			put_column(o, k, text, color, &pad);
		}
		putchar('\n');
	}
}

static void table_proc(struct maps_opts *o, const struct maps_proc *p)
{
	int aw = 8;
	size_t i;

	if (o->summary) {
		table_summary(o, p);
		return;
	}
	if (o->columns_mode) {
		columns_proc(o, p);
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
		char size[24], perm[5], sb[32], mark[40];
		const char *sealed = sealed_text(r, sb, sizeof(sb));

		size_text(o, r, size, sizeof(size));
		perms(r, perm);
		printf("%0*lx-%0*lx %7s %s ", aw, (unsigned long)r->start, aw,
		       (unsigned long)r->end, size, perm);
		color_on(o, sealed_color(r));
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
	printf(",\"mapping_count\":%u,", maps_mapping_count(p));
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
			       r->cls == CLASS_VSYSCALL		   ? "null" :
			       (r->seals & MSEAL_ALL) == MSEAL_ALL ? "true" :
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
		printf(",%u", maps_mapping_count(p));
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

/*
 * The Prometheus text exposition (mseal-maps(1) lists the metrics).  The
 * format wants each metric's samples together, so the per-process ones are
 * gathered in memory, one stream per metric, and written at the end with
 * the node-level totals.
 */
enum { PROM_MAPPINGS, PROM_SEALED, PROM_FULLY, NPROM };

struct maps_prom {
	FILE *f[NPROM];
	char *buf[NPROM];
	size_t len[NPROM];
	unsigned long long total[NCOUNTED], sealed[NCOUNTED];
	unsigned int verdicts[NVERDICT];
};

static const char *const prom_help[NPROM][2] = {
	[PROM_MAPPINGS] = { "mseal_process_mappings",
			    "Mappings of the process in the class." },
	[PROM_SEALED] = { "mseal_process_sealed_mappings",
			  "Mappings of the process in the class sealed "
			  "against every operation mseal(2) blocks." },
	[PROM_FULLY] = { "mseal_process_image_sealed",
			 "1 when the text, rodata and relro mappings of the "
			 "process are all sealed, else 0." },
};

/* A label value: the table's escaped text, as the exposition reads it. */
static void put_prom_label(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char step[MSL_ESCAPE_MAX], *c;

	while (*s) {
		s += msl_escape_step(s, MSL_ESCAPE_TEXT, step);
		for (c = step; *c; c++) {
			if (*c == '\\' || *c == '"')
				fputc('\\', f);
			fputc(*c, f);
		}
	}
}

static void prom_head(const char *name, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void prom_proc(struct maps_prom *m, const struct maps_proc *p)
{
	enum maps_verdict v = maps_verdict_of(p);
	int c, k;

	m->verdicts[v]++;
	for (c = 0; c < NCOUNTED; c++) {
		m->total[c] += p->total[c];
		m->sealed[c] += p->sealed[c];
		for (k = PROM_MAPPINGS; k <= PROM_SEALED; k++) {
			fprintf(m->f[k], "%s{pid=\"%d\",comm=\"",
				prom_help[k][0], (int)p->pid);
			put_prom_label(m->f[k], p->comm);
			fprintf(m->f[k], "\",class=\"%s\"} %u\n",
				maps_class_names[c],
				k == PROM_MAPPINGS ? p->total[c] :
						     p->sealed[c]);
		}
	}
	/* Without text, rodata or relro there is no image to judge. */
	if (v == VERDICT_NA)
		return;
	fprintf(m->f[PROM_FULLY], "%s{pid=\"%d\",comm=\"",
		prom_help[PROM_FULLY][0], (int)p->pid);
	put_prom_label(m->f[PROM_FULLY], p->comm);
	fprintf(m->f[PROM_FULLY], "\"} %d\n", v == VERDICT_FULL);
}

static void prom_free(struct maps_prom *m)
{
	int k;

	for (k = 0; k < NPROM; k++) {
		if (m->f[k])
			fclose(m->f[k]);
		free(m->buf[k]);
	}
	free(m);
}

static int prom_begin(struct maps_opts *o)
{
	struct maps_prom *m = calloc(1, sizeof(*m));
	int k;

	if (!m)
		return -1;
	o->prom = m;
	for (k = 0; k < NPROM; k++) {
		m->f[k] = open_memstream(&m->buf[k], &m->len[k]);
		if (!m->f[k]) {
			prom_free(m);
			o->prom = NULL;
			return -1;
		}
	}
	return 0;
}

static int prom_end(struct maps_opts *o, size_t nfail)
{
	struct maps_prom *m = o->prom;
	int k, c;

	for (k = 0; k < NPROM; k++) {
		/* Out of memory: no exposition rather than a part of one. */
		if (fflush(m->f[k]) != 0 || ferror(m->f[k])) {
			prom_free(m);
			o->prom = NULL;
			return -1;
		}
	}
	for (k = 0; k < NPROM; k++) {
		prom_head(prom_help[k][0], prom_help[k][1]);
		fwrite(m->buf[k], 1, m->len[k], stdout);
	}
	prom_head("mseal_mappings",
		  "Mappings in the class, over every process shown.");
	for (c = 0; c < NCOUNTED; c++)
		printf("mseal_mappings{class=\"%s\"} %llu\n",
		       maps_class_names[c], m->total[c]);
	prom_head("mseal_sealed_mappings",
		  "Sealed mappings in the class, over every process shown.");
	for (c = 0; c < NCOUNTED; c++)
		printf("mseal_sealed_mappings{class=\"%s\"} %llu\n",
		       maps_class_names[c], m->sealed[c]);
	prom_head("mseal_processes",
		  "Processes shown, by how much of their image is sealed.");
	for (c = 0; c < NVERDICT; c++)
		printf("mseal_processes{verdict=\"%s\"} %u\n",
		       maps_verdict_names[c], m->verdicts[c]);
	prom_head("mseal_processes_unreadable",
		  "Processes whose mappings this user may not read.");
	printf("mseal_processes_unreadable %zu\n", nfail);
	prom_head("mseal_processes_without_mappings",
		  "Kernel threads and zombies, skipped.");
	printf("mseal_processes_without_mappings %u\n", o->empty);
	prom_head("mseal_kernel_mseal", "1 when the kernel has mseal(2).");
	printf("mseal_kernel_mseal %d\n", o->kernel_mseal);
	prom_free(m);
	o->prom = NULL;
	return 0;
}

int maps_out_begin(struct maps_opts *o)
{
	int c;

	switch (o->format) {
	case FORMAT_PROMETHEUS:
		return prom_begin(o);
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
		fputs("pid,comm,mapping_count", stdout);
		for (c = 0; c < NCOUNTED; c++)
			printf(",%s_sealed,%s_total", maps_class_names[c],
			       maps_class_names[c]);
		fputs(",verdict\n", stdout);
		break;
	case FORMAT_TABLE:
		if (o->columns_mode && !o->noheadings)
			columns_heading(o);
		break;
	}
	return 0;
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
	case FORMAT_PROMETHEUS:
		prom_proc(o->prom, p);
		break;
	case FORMAT_TABLE:
		table_proc(o, p);
		break;
	}
}

int maps_out_end(struct maps_opts *o, const struct maps_failure *fail,
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
	case FORMAT_PROMETHEUS:
		return prom_end(o, nfail);
	case FORMAT_TABLE:
		if (!o->all || o->columns_mode)
			break;
		if (!o->summary && o->shown)
			putchar('\n');
		printf("total: %u processes shown, %u without mappings "
		       "(kernel threads, zombies) skipped, %zu not readable\n",
		       o->shown, o->empty, nfail);
		break;
	}
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * mseal maps: the model shared by the scan (maps.c) and the writers
 * (maps_out.c): the mapping classes and their names, the columns of the
 * table, and what is computed from a process's rows (counts, shares,
 * verdict, the --check test).  Neither the scan nor any writer is here;
 * both depend on this file and on maps.h, never on each other.
 */
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "maps.h"

/* The same words as mseal run --seal (src/preload/classes.h). */
const char *const maps_class_names[NCLASS] = {
	[CLASS_TEXT] = "text",	   [CLASS_RODATA] = "rodata",
	[CLASS_RELRO] = "relro",   [CLASS_WRITABLE] = "writable",
	[CLASS_JIT] = "jit",	   [CLASS_NOACCESS] = "no-access",
	[CLASS_SYSTEM] = "system", [CLASS_VSYSCALL] = "vsyscall",
};

/* Words of a class list beside the class names, older spellings too. */
static const struct {
	const char *name;
	unsigned int bits;
} class_words[] = {
	{ "image", VERDICT_CLASSES },
	{ "all", (1u << NCOUNTED) - 1 },
	{ "code", 1u << CLASS_TEXT }, /* before 0.3 */
};

bool maps_parse_classes(const char *s, unsigned int *out)
{
	unsigned int bits = 0;

	while (*s) {
		size_t n = strcspn(s, ","), i;
		bool found = false;

		for (i = 0; i < sizeof(class_words) / sizeof(class_words[0]);
		     i++) {
			if (strlen(class_words[i].name) == n &&
			    strncmp(s, class_words[i].name, n) == 0) {
				bits |= class_words[i].bits;
				found = true;
			}
		}
		for (i = 0; i < NCOUNTED && !found; i++) {
			if (strlen(maps_class_names[i]) == n &&
			    strncmp(s, maps_class_names[i], n) == 0) {
				bits |= 1u << i;
				found = true;
			}
		}
		if (!found)
			return false;
		s += n;
		if (*s == ',' && *++s == '\0')
			return false;
	}
	*out = bits;
	return bits != 0;
}

const char *const maps_column_names[NCOLUMN] = {
	[COL_PID] = "PID",	 [COL_COMMAND] = "COMMAND",
	[COL_START] = "START",	 [COL_END] = "END",
	[COL_SIZE] = "SIZE",	 [COL_PERM] = "PERM",
	[COL_SEALED] = "SEALED", [COL_CLASS] = "CLASS",
	[COL_OFFSET] = "OFFSET", [COL_INODE] = "INODE",
	[COL_PATH] = "PATH",
};

int maps_parse_columns(const char *s, unsigned char *cols, size_t max,
		       const char **bad, size_t *badlen)
{
	size_t ncols = 0;

	*bad = s;
	*badlen = 0;
	if (!*s)
		return -1;
	while (*s) {
		size_t n = strcspn(s, ","), i;

		for (i = 0; i < NCOLUMN; i++)
			if (strlen(maps_column_names[i]) == n &&
			    strncasecmp(s, maps_column_names[i], n) == 0)
				break;
		if (i == NCOLUMN || ncols == max) {
			*bad = s;
			*badlen = n;
			return -1;
		}
		cols[ncols++] = (unsigned char)i;
		s += n;
		if (*s == ',' && *++s == '\0') {
			*bad = s;
			return -1;
		}
	}
	return (int)ncols;
}

static bool is_system_mapping(const char *path)
{
	static const char *const names[] = { "[vdso]",	      "[vvar]",
					     "[vvar_vclock]", "[uprobes]",
					     "[sigpage]",     "[vectors]" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(path, names[i]) == 0)
			return true;
	return false;
}

/*
 * RELRO: ld.so maps the data segment writable, relocates, then makes its
 * PT_GNU_RELRO part read-only.  The kernel marks private writable mappings
 * as accounted ("ac") when they are made and keeps the mark when mprotect
 * drops the write bit, so a read-only private file mapping that carries it
 * was data once.  A plain read-only segment (rodata) never has it.
 */
enum maps_class maps_classify(const struct msl_vma *v)
{
	unsigned int perm =
		v->flags & (MSL_VMA_READ | MSL_VMA_WRITE | MSL_VMA_EXEC);

	if (!msl_vma_is_real(v))
		return CLASS_VSYSCALL;
	if (v->inode == 0 && is_system_mapping(v->path))
		return CLASS_SYSTEM;
	if (perm == 0)
		return CLASS_NOACCESS;
	if (perm & MSL_VMA_EXEC)
		return v->inode ? CLASS_TEXT : CLASS_JIT;
	if (perm & MSL_VMA_WRITE)
		return CLASS_WRITABLE;
	if (v->inode && !(v->flags & MSL_VMA_SHARED) &&
	    (v->flags & MSL_VMA_ACCOUNTED))
		return CLASS_RELRO;
	return CLASS_RODATA;
}

void maps_count(struct maps_proc *p)
{
	size_t i;

	for (i = 0; i < p->nrows; i++) {
		const struct maps_row *r = &p->rows[i];

		if (r->cls == CLASS_VSYSCALL)
			continue;
		p->total[r->cls]++;
		if ((r->seals & MSEAL_ALL) == MSEAL_ALL)
			p->sealed[r->cls]++;
	}
}

unsigned int maps_mapping_count(const struct maps_proc *p)
{
	unsigned int n = 0;
	int c;

	for (c = 0; c < NCOUNTED; c++)
		n += p->total[c];
	return n;
}

int maps_percent(const struct maps_proc *p, enum maps_class c)
{
	if (!p->total[c])
		return -1;
	return (int)((unsigned long long)p->sealed[c] * 100 / p->total[c]);
}

const char *const maps_verdict_names[NVERDICT] = {
	[VERDICT_FULL] = "full",
	[VERDICT_PARTIAL] = "partial",
	[VERDICT_NONE] = "none",
	[VERDICT_NA] = "n/a",
};

enum maps_verdict maps_verdict_of(const struct maps_proc *p)
{
	unsigned int total = 0, sealed = 0;
	int c;

	for (c = 0; c < NCOUNTED; c++) {
		if (VERDICT_CLASSES & (1u << c)) {
			total += p->total[c];
			sealed += p->sealed[c];
		}
	}
	if (!total)
		return VERDICT_NA;
	return sealed == total ? VERDICT_FULL :
	       sealed	       ? VERDICT_PARTIAL :
				 VERDICT_NONE;
}

const char *maps_verdict(const struct maps_proc *p)
{
	return maps_verdict_names[maps_verdict_of(p)];
}

bool maps_check_passes(const struct maps_proc *p, unsigned int check)
{
	int c;

	for (c = 0; c < NCOUNTED; c++)
		if ((check & (1u << c)) && p->sealed[c] != p->total[c])
			return false;
	return true;
}

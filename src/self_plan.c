// SPDX-License-Identifier: MIT
/*
 * What to seal in a loaded object: its program headers give the segments,
 * /proc/self/maps confirms that each one is mapped the way ld.so left it.
 *
 * Nothing here allocates: the plan lives in static storage of the caller,
 * and the maps parser works on the stack.
 */
#include <elf.h>
#include <string.h>
#include <sys/auxv.h>

#include "self.h"

void msl_obj_from_info(struct msl_obj *o, const struct dl_phdr_info *info)
{
	ElfW(Half) i;

	memset(o, 0, sizeof(*o));
	o->phdr = info->dlpi_phdr;
	o->phnum = info->dlpi_phnum;
	o->addr = info->dlpi_addr;
	o->name = info->dlpi_name ? info->dlpi_name : "";
	/* Only a non-PIE program loads with bias 0. */
	o->fixed = info->dlpi_addr == 0;
	for (i = 0; i < o->phnum; i++) {
		const ElfW(Dyn) * d;

		if (o->phdr[i].p_type != PT_DYNAMIC)
			continue;
		d = (const ElfW(Dyn) *)(o->addr + o->phdr[i].p_vaddr);
		for (; d->d_tag != DT_NULL; d++) {
			if (d->d_tag == DT_FLAGS_1 &&
			    (d->d_un.d_val & DF_1_NODELETE))
				o->nodelete = true;
			if (d->d_tag == DT_RPATH)
				o->rpath = true;
		}
	}
}

bool msl_obj_is_vdso(const struct dl_phdr_info *info)
{
	uintptr_t ehdr = getauxval(AT_SYSINFO_EHDR);

	return ehdr && (uintptr_t)info->dlpi_phdr - ehdr < msl_page_size();
}

void msl_plan_reset(struct msl_plan *p)
{
	p->n = p->dropped = p->overflow = p->nspans = p->fixed = 0;
	p->bytes = p->objects = 0;
	p->maps_err = 0;
}

static void add_range(struct msl_plan *p, uintptr_t start, uintptr_t end,
		      const char *name, unsigned int kind)
{
	struct msl_range *r;

	if (end <= start)
		return;
	if (p->n == MSL_PLAN_MAX) {
		p->overflow++;
		return;
	}
	r = &p->r[p->n++];
	memset(r, 0, sizeof(*r));
	r->start = start;
	r->end = end;
	r->object = name;
	r->kind = (unsigned char)kind;
}

void msl_plan_add_object(struct msl_plan *p, const struct msl_obj *o,
			 const char *name, unsigned int set)
{
	uintptr_t mask = msl_page_size() - 1;
	uintptr_t relro_start = 0, relro_end = 0;
	ElfW(Half) i;

	/*
	 * glibc's _dl_protect_relro rounds both ends of PT_GNU_RELRO down to
	 * a page: the last, partial page stays writable, so it must not be
	 * sealed as RELRO.
	 */
	for (i = 0; i < o->phnum; i++) {
		if (o->phdr[i].p_type != PT_GNU_RELRO)
			continue;
		relro_start = (o->addr + o->phdr[i].p_vaddr) & ~mask;
		relro_end =
			(o->addr + o->phdr[i].p_vaddr + o->phdr[i].p_memsz) &
			~mask;
		if (set & MSL_RUN_BIT(MSL_RUN_RELRO))
			add_range(p, relro_start, relro_end, name,
				  MSL_RUN_RELRO);
	}
	for (i = 0; i < o->phnum; i++) {
		const ElfW(Phdr) *ph = &o->phdr[i];
		uintptr_t start, end;
		unsigned int kind;

		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		start = (o->addr + ph->p_vaddr) & ~mask;
		end = (o->addr + ph->p_vaddr + ph->p_memsz + mask) & ~mask;
		if (ph->p_flags & PF_W) {
			kind = MSL_RUN_DATA;
			/* RELRO sits at the start of the writable segment. */
			if (relro_end > start && relro_start <= start)
				start = relro_end;
		} else {
			kind = (ph->p_flags & PF_X) ? MSL_RUN_TEXT :
						      MSL_RUN_RODATA;
		}
		if (set & MSL_RUN_BIT(kind))
			add_range(p, start, end, name, kind);
	}
}

static void sort_ranges(struct msl_range *r, size_t n)
{
	size_t i, j;

	/* Insertion sort: a few hundred ranges, mostly in order already, and
	 * no allocation (glibc's qsort may call malloc). */
	for (i = 1; i < n; i++) {
		struct msl_range t = r[i];

		for (j = i; j > 0 && r[j - 1].start > t.start; j--)
			r[j] = r[j - 1];
		r[j] = t;
	}
}

struct maps_walk {
	struct msl_plan *p;
	unsigned int set;
	size_t first; /* ranges before it end before the current mapping */
};

/* The names as static strings: the parser's buffer is reused. */
static const char *system_mapping(const char *path)
{
	static const char *const names[] = { "[vdso]", "[vvar]",
					     "[vvar_vclock]" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(path, names[i]))
			return names[i];
	return NULL;
}

static int maps_fn(const struct msl_vma *v, void *arg)
{
	struct maps_walk *w = arg;
	struct msl_plan *p = w->p;
	size_t i;

	if (!msl_vma_is_real(v))
		return 0;
	if ((w->set & MSL_RUN_BIT(MSL_RUN_STACK)) &&
	    !strcmp(v->path, "[stack]"))
		add_range(p, v->start, v->end, "[stack]", MSL_RUN_STACK);
	if ((w->set & MSL_RUN_BIT(MSL_RUN_SYSTEM)) && system_mapping(v->path))
		add_range(p, v->start, v->end, system_mapping(v->path),
			  MSL_RUN_SYSTEM);
	while (w->first < p->n && p->r[w->first].end <= v->start &&
	       p->r[w->first].kind < MSL_RUN_STACK)
		w->first++;
	for (i = w->first; i < p->n && p->r[i].start < v->end; i++) {
		struct msl_range *r = &p->r[i];
		uintptr_t lo, hi;

		if (r->kind >= MSL_RUN_STACK || r->end <= v->start)
			continue;
		lo = r->start > v->start ? r->start : v->start;
		hi = r->end < v->end ? r->end : v->end;
		r->covered += hi - lo;
		/* ld.so leaves text, rodata and RELRO read-only; a writable
		 * page there means our reading of the headers is wrong. */
		if (r->kind != MSL_RUN_DATA && (v->flags & MSL_VMA_WRITE))
			r->bad = true;
	}
	return 0;
}

void msl_plan_finish(struct msl_plan *p, unsigned int set)
{
	struct maps_walk w = { p, set, 0 };
	size_t i, n = 0, nelf;
	int rc;

	sort_ranges(p->r, p->n);
	nelf = p->n;
	rc = msl_maps_read("/proc/self/maps", maps_fn, &w);
	if (rc < 0) {
		/* No /proc (a chroot, an early boot program): seal what the
		 * headers say; mseal_ranges() still refuses holes. */
		p->maps_err = rc;
		for (i = 0; i < nelf; i++)
			p->r[i].covered = p->r[i].end - p->r[i].start;
	}
	for (i = 0; i < p->n; i++) {
		struct msl_range *r = &p->r[i];

		if (i < nelf && (r->bad || r->covered != r->end - r->start)) {
			p->dropped++;
			continue;
		}
		p->r[n++] = *r;
	}
	p->n = n;
	sort_ranges(p->r, p->n);

	/* Neighbours merge into one span: fewer syscalls natively, fewer
	 * comparisons in the seccomp backend's filter. */
	p->nspans = 0;
	p->bytes = 0;
	p->objects = 0;
	for (i = 0; i < p->n; i++) {
		struct msl_range *r = &p->r[i];
		struct mseal_span *last =
			p->nspans ? &p->spans[p->nspans - 1] : NULL;
		uintptr_t last_end =
			last ? (uintptr_t)last->addr + last->len : 0;
		size_t j;
		bool seen = false;

		if (last && r->start <= last_end) {
			if (r->end > last_end)
				last->len = r->end - (uintptr_t)last->addr;
		} else {
			p->spans[p->nspans].addr = (void *)r->start;
			p->spans[p->nspans].len = r->end - r->start;
			p->nspans++;
		}
		for (j = 0; j < i && !seen; j++)
			seen = p->r[j].object == r->object;
		if (!seen)
			p->objects++;
	}
	for (i = 0; i < p->nspans; i++)
		p->bytes += p->spans[i].len;
}

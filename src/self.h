/* SPDX-License-Identifier: MIT */
/*
 * Sealing the program's own image (self.c, self_plan.c): the internals
 * behind mseal_self(), shared with libmseal-preload.so, which seals the
 * same plan at start-up and after dlopen.
 */
#ifndef LIBMSEAL_SELF_H
#define LIBMSEAL_SELF_H

#include <link.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* The classes of mapping, in the order of the MSEAL_SELF_* bits. */
enum msl_run_kind {
	MSL_RUN_TEXT,	/* executable PT_LOAD segments */
	MSL_RUN_RODATA, /* read-only, non-executable PT_LOAD segments */
	MSL_RUN_RELRO,	/* PT_GNU_RELRO, as ld.so protected it */
	MSL_RUN_DATA,	/* writable PT_LOAD segments (.data, .bss) */
	MSL_RUN_STACK,	/* the main thread's [stack] */
	MSL_RUN_SYSTEM, /* [vdso], [vvar], [vvar_vclock] */
	MSL_RUN_NKINDS
};

#define MSL_RUN_BIT(k) (1u << (k))
/* Never changed by a correct program after start-up; see mseal-run(1). */
#define MSL_RUN_DEFAULT MSEAL_SELF_DEFAULT
#define MSL_RUN_ALL MSEAL_SELF_ALL

_Static_assert(MSL_RUN_BIT(MSL_RUN_TEXT) == MSEAL_SELF_TEXT &&
		       MSL_RUN_BIT(MSL_RUN_RODATA) == MSEAL_SELF_RODATA &&
		       MSL_RUN_BIT(MSL_RUN_RELRO) == MSEAL_SELF_RELRO &&
		       MSL_RUN_BIT(MSL_RUN_DATA) == MSEAL_SELF_DATA &&
		       MSL_RUN_BIT(MSL_RUN_STACK) == MSEAL_SELF_STACK &&
		       MSL_RUN_BIT(MSL_RUN_SYSTEM) == MSEAL_SELF_SYSTEM &&
		       (1u << MSL_RUN_NKINDS) - 1 == MSEAL_SELF_ALL,
	       "MSEAL_SELF_* bits follow enum msl_run_kind");

/* One loaded object, as dl_iterate_phdr describes it. */
struct msl_obj {
	const ElfW(Phdr) * phdr;
	ElfW(Addr) addr;
	ElfW(Half) phnum;
	const char *name; /* "" for the main program */
	bool nodelete;	  /* DF_1_NODELETE in its dynamic section */
	bool rpath;	  /* DT_RPATH in its dynamic section */
	bool fixed;	  /* loaded at its link address (ET_EXEC) */
};

/* A range to seal, before the cross-check with /proc/self/maps. */
struct msl_range {
	uintptr_t start;
	uintptr_t end;
	uintptr_t covered; /* bytes found in suitable mappings */
	const char *object;
	unsigned char kind; /* enum msl_run_kind */
	bool bad;	    /* a mapping in it is writable or missing */
};

#define MSL_PLAN_MAX 4096
#define MSL_OBJ_MAX 1024

struct msl_plan {
	struct msl_range r[MSL_PLAN_MAX];
	size_t n;
	size_t dropped;	 /* ranges that did not match /proc/self/maps */
	size_t overflow; /* ranges that did not fit */
	size_t fixed;	 /* fixed-address objects left out (seccomp) */
	int maps_err;	 /* -errno when /proc/self/maps could not be read */
	struct mseal_span spans[MSL_PLAN_MAX];
	size_t nspans;	/* after merging neighbours */
	size_t bytes;	/* total length of spans */
	size_t objects; /* distinct objects with a range */
};

/* Fills *o from a dl_iterate_phdr record. */
void msl_obj_from_info(struct msl_obj *o,
		       const struct dl_phdr_info *info) MSL_HIDDEN;
/* Whether a dl_iterate_phdr record is the kernel's vDSO. */
bool msl_obj_is_vdso(const struct dl_phdr_info *info) MSL_HIDDEN;
void msl_plan_reset(struct msl_plan *p) MSL_HIDDEN;
/* Adds the ranges of the kinds in set of one object. */
void msl_plan_add_object(struct msl_plan *p, const struct msl_obj *o,
			 const char *name, unsigned int set) MSL_HIDDEN;
/*
 * Sorts the plan, checks every range against /proc/self/maps (dropping
 * those in a writable or missing mapping), adds [stack] and [vdso] ranges
 * when set asks for them, and merges what is left into spans.
 */
void msl_plan_finish(struct msl_plan *p, unsigned int set) MSL_HIDDEN;

/* Whether the address layout of this process is not randomised. */
bool msl_layout_not_random(void) MSL_HIDDEN;
/* Whether the fixed-address policy leaves object o out (see self.c). */
bool msl_self_leaves_out(const struct msl_obj *o, bool fixed_layout) MSL_HIDDEN;
/*
 * The whole plan for objs[0..n): every object the fixed-address policy
 * keeps, the kinds in set.  name(o) gives the name a report shows.
 */
void msl_self_plan(struct msl_plan *p, const struct msl_obj *objs, size_t n,
		   unsigned int set, bool fixed_layout,
		   const char *(*name)(const struct msl_obj *o)) MSL_HIDDEN;
/*
 * Seals a finished plan as mseal_self() does with flags (MSEAL_SELF_*
 * flags).  Returns 0 or -errno; sets no errno.
 */
int msl_self_seal(struct msl_plan *p, unsigned int flags) MSL_HIDDEN;
/* Tests only: called by mseal_self() between the plan and the seal. */
extern void (*msl_self_test_hook)(void) MSL_HIDDEN;

#endif

/* SPDX-License-Identifier: MIT */
/* Internal interfaces of libmseal-preload.so; nothing here is exported. */
#ifndef LIBMSEAL_PRELOAD_H
#define LIBMSEAL_PRELOAD_H

#include <link.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classes.h"
#include "internal.h"

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

/* Report output (report.c). */
struct msl_report_cfg {
	int fd; /* -1: no report */
	bool json;
};

struct msl_event {
	const char *event;   /* "startup" or "dlopen" */
	const char *program; /* the main program's path */
	const char *object;  /* dlopen: the file name asked for */
	const char *backend;
	const char *status; /* "sealed", "dry-run", "failed", "skipped" */
	const char *reason; /* failed/skipped: why, or NULL */
	const struct msl_plan *plan;
	long usec; /* time spent planning and sealing, or -1 */
};

void msl_report(const struct msl_report_cfg *cfg,
		const struct msl_event *ev) MSL_HIDDEN;

#endif

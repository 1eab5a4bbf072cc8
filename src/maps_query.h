/* SPDX-License-Identifier: MIT */
/*
 * One mapping at a time from the kernel (PROCMAP_QUERY), for callers that
 * need a few mappings of a large address space: see src/maps_query.c.
 * Internal.
 */
#ifndef LIBMSEAL_MAPS_QUERY_H
#define LIBMSEAL_MAPS_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include "internal.h"

/*
 * The mapping that holds addr, or with or_next the first one above it
 * when none does, from fd, an open /proc/self/maps, into *v (its path
 * from the kernel's name of the mapping; seals and VmFlags are not
 * known).  0; -ENOENT when there is none; -ENOTTY or -EINVAL when the
 * kernel cannot answer (before Linux 6.11); another -errno (a name of
 * 256 bytes or more: -ENAMETOOLONG) when it could not this time.
 */
int msl_maps_query(int fd, uint64_t addr, bool or_next,
		   struct msl_vma *v) MSL_HIDDEN;

/*
 * Tests only: when set, callers read /proc/self/maps whole instead; and
 * how many queries the kernel answered (with a mapping or -ENOENT).
 */
extern bool msl_maps_query_off MSL_HIDDEN;
extern unsigned long msl_maps_queries MSL_HIDDEN;

#endif

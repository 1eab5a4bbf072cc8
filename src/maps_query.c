// SPDX-License-Identifier: MIT
/*
 * PROCMAP_QUERY (Linux 6.11+): an ioctl on an open /proc/PID/maps that
 * answers for one address, the mapping that holds it or the next one, with
 * what a line of the maps file says.  A seal needs the few mappings under
 * its ranges and their neighbours; reading the whole file costs the kernel
 * a line of text per mapping of the process, a few ioctls do not grow
 * with it.  Before 6.11 the ioctl is ENOTTY and callers read the file.
 *
 * The structure is the kernel's UAPI (include/uapi/linux/fs.h), declared
 * here because the C library's headers of older systems lack it.
 */
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>

#include "maps_query.h"

struct msl_procmap_query {
	uint64_t size;
	uint64_t query_flags;
	uint64_t query_addr;
	uint64_t vma_start;
	uint64_t vma_end;
	uint64_t vma_flags;
	uint64_t vma_page_size;
	uint64_t vma_offset;
	uint64_t inode;
	uint32_t dev_major;
	uint32_t dev_minor;
	uint32_t vma_name_size;
	uint32_t build_id_size;
	uint64_t vma_name_addr;
	uint64_t build_id_addr;
};

_Static_assert(sizeof(struct msl_procmap_query) == 104,
	       "PROCMAP_QUERY's structure is 104 bytes");

#define MSL_PROCMAP_QUERY _IOWR('f', 17, struct msl_procmap_query)
#define QUERY_VMA_READABLE 0x01u
#define QUERY_VMA_WRITABLE 0x02u
#define QUERY_VMA_EXECUTABLE 0x04u
#define QUERY_VMA_SHARED 0x08u
#define QUERY_COVERING_OR_NEXT_VMA 0x10u

/*
 * Room for a mapping's name: the paths of libraries and programs fit; a
 * longer one is -ENAMETOOLONG, and callers read the file (a smaller
 * buffer keeps a fresh process's stack from faulting in more pages).
 */
#define QUERY_NAME_MAX 256u
_Static_assert(QUERY_NAME_MAX <= MSL_PATH_MAX, "a name fits struct msl_vma");

bool msl_maps_query_off;
unsigned long msl_maps_queries;

int msl_maps_query(int fd, uint64_t addr, bool or_next, struct msl_vma *v)
{
	struct msl_procmap_query q;

	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.query_flags = or_next ? QUERY_COVERING_OR_NEXT_VMA : 0;
	q.query_addr = addr;
	/* Zeroed first: memory checkers that do not know this ioctl
	 * (valgrind 3.19) do not see the kernel write the name. */
	memset(v->path, 0, QUERY_NAME_MAX);
	q.vma_name_addr = (uintptr_t)v->path;
	q.vma_name_size = QUERY_NAME_MAX;
	if (ioctl(fd, MSL_PROCMAP_QUERY, &q) != 0) {
		if (errno == ENOENT)
			__atomic_fetch_add(&msl_maps_queries, 1,
					   __ATOMIC_RELAXED);
		return -errno;
	}
	__atomic_fetch_add(&msl_maps_queries, 1, __ATOMIC_RELAXED);
	if (q.vma_start >= q.vma_end || q.vma_end > UINTPTR_MAX ||
	    q.vma_name_size > QUERY_NAME_MAX)
		return -EPROTO;
	v->start = (uintptr_t)q.vma_start;
	v->end = (uintptr_t)q.vma_end;
	v->offset = q.vma_offset;
	v->inode = q.inode;
	v->seals = 0;
	v->flags = ((q.vma_flags & QUERY_VMA_READABLE) ? MSL_VMA_READ : 0) |
		   ((q.vma_flags & QUERY_VMA_WRITABLE) ? MSL_VMA_WRITE : 0) |
		   ((q.vma_flags & QUERY_VMA_EXECUTABLE) ? MSL_VMA_EXEC : 0) |
		   ((q.vma_flags & QUERY_VMA_SHARED) ? MSL_VMA_SHARED : 0);
	/* The size counts the name's terminating NUL; 0: no name. */
	if (q.vma_name_size)
		v->path[q.vma_name_size - 1] = '\0';
	else
		v->path[0] = '\0';
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * PROCMAP_QUERY (src/maps_query.c), and the seccomp backend's two ways of
 * learning what it needs of the memory under a seal: asking the kernel
 * mapping by mapping (Linux 6.11+, a few spans), and reading
 * /proc/self/maps whole (older kernels, larger batches).  The filters
 * compiled each way must be the same, byte for byte, and so must the
 * errors.  Both skip where the kernel cannot be asked.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include "filter.h"
#include "harness.h"
#include "internal.h"
#include "maps_query.h"

#define RW (PROT_READ | PROT_WRITE)

/* An open /proc/self/maps that answers PROCMAP_QUERY; skips otherwise. */
static int query_fd(void)
{
	static struct msl_vma v;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	int rc;

	CHECK(fd >= 0);
	rc = msl_maps_query(fd, (uintptr_t)&v, false, &v);
	if (rc == -ENOTTY || rc == -EINVAL)
		SKIP("kernel lacks PROCMAP_QUERY (Linux 6.11+)");
	CHECK(rc == 0);
	return fd;
}

struct agree {
	int fd;
	int n;
	uintptr_t prev_end;
	struct msl_vma q;
};

static int agree_fn(const struct msl_vma *v, void *arg)
{
	struct agree *a = arg;
	int rc;

	/* [vsyscall] is listed but is no mapping: the kernel knows none. */
	if (!msl_vma_is_real(v)) {
		CHECK(msl_maps_query(a->fd, v->start, false, &a->q) == -ENOENT);
		return 0;
	}
	rc = msl_maps_query(a->fd, v->end - 1, false, &a->q);
	if (rc == -ENAMETOOLONG && strlen(v->path) >= 256)
		goto next; /* callers read the file for it */
	if (rc)
		FAIL("query %lx: %s", (unsigned long)v->start, strerror(-rc));
	if (a->q.start != v->start || a->q.end != v->end ||
	    a->q.flags != (v->flags & 0xfu) || a->q.offset != v->offset ||
	    a->q.inode != v->inode || strcmp(a->q.path, v->path) != 0)
		FAIL("%lx-%lx %x %llx %llu '%s': asked, %lx-%lx %x %llx %llu "
		     "'%s'",
		     (unsigned long)v->start, (unsigned long)v->end, v->flags,
		     v->offset, v->inode, v->path, (unsigned long)a->q.start,
		     (unsigned long)a->q.end, a->q.flags, a->q.offset,
		     a->q.inode, a->q.path);
	if (a->n && a->prev_end < v->start) {
		/* A hole: nothing holds it, the next mapping is this one. */
		rc = msl_maps_query(a->fd, a->prev_end, false, &a->q);
		if (rc != -ENOENT)
			FAIL("hole %lx-%lx: %d, %lx-%lx '%s'",
			     (unsigned long)a->prev_end,
			     (unsigned long)v->start, rc,
			     (unsigned long)a->q.start, (unsigned long)a->q.end,
			     a->q.path);
		CHECK(msl_maps_query(a->fd, a->prev_end, true, &a->q) == 0);
		CHECK(a->q.start == v->start);
	}
next:
	a->prev_end = v->end;
	a->n++;
	return 0;
}

/*
 * Every mapping as the file lists it: start, end, permissions, offset,
 * inode and path, asked at its last byte; the holes between them.
 */
TEST_ONCE(maps_query_agrees_with_the_maps_file)
{
	struct agree *a = calloc(1, sizeof(*a));
	char *file = map_file(2, PROT_READ, MAP_PRIVATE);
	char *ro = map_anon(1, PROT_READ);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	CHECK(a && file && ro && null >= 0);
	a->fd = query_fd();
	CHECK(msl_maps_read("/proc/self/maps", agree_fn, a) == 0);
	CHECK(a->n > 5);
	/* Not a maps file: the error callers take for "not here". */
	CHECK(msl_maps_query(null, (uintptr_t)ro, false, &a->q) == -ENOTTY);
	close(null);
	close(a->fd);
	free(a);
}

/* ---- the same filter either way ------------------------------------ */

static struct sock_filter by_query[MSL_FILTER_MAX_INSNS];
static struct sock_filter by_file[MSL_FILTER_MAX_INSNS];

/*
 * Compiles spans both ways (as a seal would, installing nothing) and
 * fails unless every filter and the error are the same.  Returns the
 * error (or the number of filters), for the caller's own check.
 */
static bool expect_asked = true;

static int same_both_ways(const char *what, const struct mseal_span *s,
			  size_t n, unsigned int classes)
{
	size_t nq = 0, nf = 0, k = 0;
	unsigned long before;
	int rq, rf;

	do {
		msl_maps_query_off = false;
		before = msl_maps_queries;
		rq = msl_seccomp_preview(s, n, classes, k, by_query, &nq);
		if ((msl_maps_queries != before) != expect_asked)
			FAIL("%s: the kernel was %sasked", what,
			     expect_asked ? "not " : "");
		msl_maps_query_off = true;
		rf = msl_seccomp_preview(s, n, classes, k, by_file, &nf);
		msl_maps_query_off = false;
		if (rq != rf || nq != nf)
			FAIL("%s, filter %zu: %d (%zu filters) asked, %d (%zu) "
			     "read",
			     what, k, rq, nq, rf, nf);
		if (rq > 0 && memcmp(by_query, by_file,
				     (size_t)rq * sizeof(by_query[0])) != 0)
			FAIL("%s, filter %zu: the programs differ", what, k);
	} while (rq >= 0 && ++k < nq);
	return rq < 0 ? rq : (int)nq;
}

/* A page of a file whose path is about 300 bytes long, mapped read-only. */
static char *map_long_name(size_t pg)
{
	char dir[256], path[400];
	char *p;
	int fd;

	snprintf(dir, sizeof(dir), "/tmp/mseal-test-%0180d-XXXXXX", 0);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/%080d-XXXXXX", dir, 0);
	fd = mkstemp(path);
	CHECK(fd >= 0);
	unlink(path);
	rmdir(dir);
	CHECK_SYS_OK(ftruncate(fd, (off_t)pg));
	p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	CHECK(p != MAP_FAILED);
	return p;
}

struct find_stack {
	uintptr_t start, top; /* [stack]'s start; the last mapping's end */
};

static int stack_fn(const struct msl_vma *v, void *arg)
{
	struct find_stack *f = arg;

	if (strcmp(v->path, "[stack]") == 0)
		f->start = v->start;
	if (msl_vma_is_real(v))
		f->top = v->end;
	return 0;
}

TEST_ONCE(seal_facts_same_asked_or_read)
{
	size_t pg = ctx->page;
	char *anon = map_anon(1, RW);
	char *two = map_anon(2, RW);
	char *shared = map_anon_shared(1, RW);
	char *file = map_file(1, PROT_READ, MAP_PRIVATE);
	char *g = map_growsdown(4UL << 20); /* 4 MiB hole below */
	char *heap = sbrk((intptr_t)(4 * pg));
	struct find_stack st = { 0 };
	int zfd = open("/dev/zero", O_RDWR | O_CLOEXEC);
	char *zero, *shm, *hole, *long_name;
	int shmid;

	close(query_fd());
	CHECK(zfd >= 0 && heap != (void *)-1);
	zero = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, zfd, 0);
	CHECK(zero != MAP_FAILED);
	close(zfd);
	shmid = shmget(IPC_PRIVATE, 2 * pg, IPC_CREAT | 0600);
	CHECK(shmid >= 0);
	shm = shmat(shmid, NULL, 0);
	shmctl(shmid, IPC_RMID, NULL);
	CHECK(shm != (void *)-1);
	CHECK_SYS_OK(mprotect(two, pg, PROT_READ));
	CHECK(msl_maps_read("/proc/self/maps", stack_fn, &st) == 0);
	CHECK(st.start != 0);
	heap = (char *)(((uintptr_t)heap + pg - 1) & ~(uintptr_t)(pg - 1));

	/* A page that starts its mapping, a hole below: smaps has "gd". */
	CHECK(same_both_ways("anon", (struct mseal_span[]){ { anon, pg } }, 1,
			     MSEAL_ALL) == 1);
	/* A growsdown mapping: guarded down to the fence below. */
	CHECK(same_both_ways("growsdown", (struct mseal_span[]){ { g, pg } }, 1,
			     MSEAL_ALL) == 1);
	CHECK(same_both_ways("stack",
			     (struct mseal_span[]){ { (void *)st.start, pg } },
			     1, MSEAL_ALL) == 1);
	/* Two mappings in one span, read-only then writable. */
	CHECK(same_both_ways("two", (struct mseal_span[]){ { two, 2 * pg } }, 1,
			     MSEAL_ALL) == 1);
	CHECK(same_both_ways("heap", (struct mseal_span[]){ { heap, pg } }, 1,
			     MSEAL_ALL) == 1);
	CHECK(same_both_ways("shared, file, /dev/zero, shm",
			     (struct mseal_span[]){ { shared, pg },
						    { file, pg },
						    { zero, pg },
						    { shm + pg, pg } },
			     4, MSEAL_ALL) >= 1);
	CHECK(same_both_ways("everything, PROT",
			     (struct mseal_span[]){ { anon, pg },
						    { g, 2 * pg },
						    { two, 2 * pg },
						    { heap, pg },
						    { shared, pg },
						    { file, pg },
						    { zero, pg },
						    { shm, 2 * pg } },
			     8, MSEAL_PROT) >= 1);
	/* Holes: after a page, before one, a span with no mapping. */
	hole = map_anon(3, RW);
	CHECK_SYS_OK(munmap(hole + pg, pg));
	CHECK(same_both_ways("hole after",
			     (struct mseal_span[]){ { hole, 2 * pg } }, 1,
			     MSEAL_ALL) == -ENOMEM);
	CHECK(same_both_ways("hole before",
			     (struct mseal_span[]){ { hole + pg, 2 * pg } }, 1,
			     MSEAL_ALL) == -ENOMEM);
	CHECK(same_both_ways(
		      "hole",
		      (struct mseal_span[]){ { hole, pg }, { hole + pg, pg } },
		      2, MSEAL_ALL) == -ENOMEM);
	CHECK(same_both_ways("two holes",
			     (struct mseal_span[]){ { hole, 3 * pg } }, 1,
			     MSEAL_ALL) == -ENOMEM);
	if (st.top + pg < (1UL << 47) - pg)
		CHECK(same_both_ways(
			      "nothing above",
			      (struct mseal_span[]){ { (void *)st.top, pg } },
			      1, MSEAL_ALL) == -ENOMEM);
	/* A name too long for the question (-ENAMETOOLONG): the file. */
	long_name = map_long_name(pg);
	expect_asked = false;
	CHECK(same_both_ways("long name",
			     (struct mseal_span[]){ { long_name, pg } }, 1,
			     MSEAL_ALL) == 1);
	expect_asked = true;
	shmdt(shm);
}

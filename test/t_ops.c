// SPDX-License-Identifier: MIT
/*
 * SEMANTICS.md section 2: the operations a seal refuses -- munmap,
 * mprotect, pkey_mprotect, mremap (as source and as destination), mmap
 * MAP_FIXED, brk, shmdt, shmat SHM_REMAP, remap_file_pages -- and the ones
 * it must still allow: mlock/munlock, msync, mbind, plain writes, writes
 * through /proc/self/mem and ptrace.
 *
 * Seals are observed through behaviour only (error codes, mincore,
 * contents, /proc perms), never through the smaps "sl" flag, so that every
 * test holds for any backend.  Each refusal has an unsealed control, and
 * each refused call is followed by a check that nothing changed.
 * madvise and process_madvise live in t_madvise.c.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "harness.h"

#define RW (PROT_READ | PROT_WRITE)

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MPOL_DEFAULT
#define MPOL_DEFAULT 0
#define MPOL_BIND 2
#endif

/* The first byte of [p, p + len) that is not c, or -1. */
static long first_diff(const char *p, size_t len, char c)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != c)
			return (long)i;
	return -1;
}

#define CHECK_BYTES(p, len, c)                                         \
	do {                                                           \
		long at_ = first_diff((const char *)(p), len, c);      \
		if (at_ >= 0)                                          \
			FAIL("%s[%ld] = 0x%02x, want 0x%02x", #p, at_, \
			     (unsigned char)((const char *)(p))[at_],  \
			     (unsigned char)(c));                      \
	} while (0)

#define CHECK_PERMS(p, want)                                                 \
	do {                                                                 \
		char perms_[5];                                              \
		maps_perms(p, perms_);                                       \
		if (strcmp(perms_, want))                                    \
			FAIL("%s: perms '%s', want '%s'", #p, perms_, want); \
	} while (0)

#define CHECK_MAPPED(p) CHECK(page_mapped(p))
#define CHECK_UNMAPPED(p) CHECK(!page_mapped(p))

/* n pages of private anonymous memory filled with c. */
static char *anon_filled(size_t npages, int prot, char c)
{
	size_t len = npages * (size_t)sysconf(_SC_PAGESIZE);
	char *p = map_anon(npages, RW);

	memset(p, c, len);
	if (prot != RW)
		CHECK_SYS_OK(mprotect(p, len, prot));
	return p;
}

/* The start of n free pages (reserved, then released). */
static char *free_range(size_t npages)
{
	size_t len = npages * (size_t)sysconf(_SC_PAGESIZE);
	char *p = map_anon(npages, PROT_NONE);

	CHECK_SYS_OK(munmap(p, len));
	return p;
}

/* ---- munmap ---------------------------------------------------------- */

TEST(munmap_sealed_eperm)
{
	size_t pg = ctx->page;
	char *c = anon_filled(2, RW, 'c');
	char *p = anon_filled(2, RW, 's');

	/* Control: an identical unsealed mapping unmaps. */
	CHECK_SYS_OK(munmap(c, 2 * pg));
	CHECK_UNMAPPED(c);
	CHECK_UNMAPPED(c + pg);

	SEAL(p, 2 * pg);
	CHECK_SYS_ERR(munmap(p, 2 * pg), EPERM);
	CHECK_SYS_ERR(munmap(p + pg, pg), EPERM);
	CHECK_MAPPED(p);
	CHECK_MAPPED(p + pg);
	CHECK_BYTES(p, 2 * pg, 's');
	CHECK_PERMS(p, "rw-p");
}

TEST(munmap_unsealed_then_sealed_is_atomic)
{
	size_t pg = ctx->page;
	char *p = anon_filled(2, RW, 'a');

	/* Page 1 sealed, page 0 not: one call over both unmaps neither. */
	SEAL(p + pg, pg);
	CHECK_SYS_ERR(munmap(p, 2 * pg), EPERM);
	CHECK_MAPPED(p);
	CHECK_MAPPED(p + pg);
	CHECK_BYTES(p, 2 * pg, 'a');
	/* Control: the unsealed page alone still unmaps. */
	CHECK_SYS_OK(munmap(p, pg));
	CHECK_UNMAPPED(p);
	CHECK_MAPPED(p + pg);
}

/* ---- mprotect, pkey_mprotect ------------------------------------------ */

TEST(mprotect_sealed_eperm)
{
	size_t pg = ctx->page;
	char *c = anon_filled(1, RW, 'c');
	char *p = anon_filled(1, RW, 's');

	/* Control: both a change and a no-op work on unsealed memory. */
	CHECK_SYS_OK(mprotect(c, pg, RW));
	CHECK_SYS_OK(mprotect(c, pg, PROT_READ));
	CHECK_PERMS(c, "r--p");

	SEAL(p, pg);
	CHECK_SYS_ERR(mprotect(p, pg, PROT_READ), EPERM);
	/* Refused even though the protection would not change. */
	CHECK_SYS_ERR(mprotect(p, pg, RW), EPERM);
	CHECK_PERMS(p, "rw-p");
	CHECK_BYTES(p, pg, 's');
	p[0] = 'w'; /* still writable */
	CHECK(p[0] == 'w');
}

TEST(pkey_mprotect_sealed_eperm)
{
	size_t pg = ctx->page;
	char *c = anon_filled(1, RW, 'c');
	char *p = anon_filled(1, RW, 's');

	/* pkey -1 means "keep the key": it works without PKU hardware, but
	 * not on a kernel without the call (arm64 before 6.12: ENOSYS). */
	if (syscall(SYS_pkey_mprotect, c, pg, RW, -1) != 0) {
		if (errno == ENOSYS)
			SKIP("no pkey_mprotect(2) in this kernel (ENOSYS)");
		FAIL("pkey_mprotect(RW) of unsealed memory: %s",
		     strerror(errno));
	}
	CHECK_SYS_OK(syscall(SYS_pkey_mprotect, c, pg, PROT_READ, -1));
	CHECK_PERMS(c, "r--p");

	SEAL(p, pg);
	CHECK_SYS_ERR(syscall(SYS_pkey_mprotect, p, pg, PROT_READ, -1), EPERM);
	CHECK_SYS_ERR(syscall(SYS_pkey_mprotect, p, pg, RW, -1), EPERM);
	CHECK_PERMS(p, "rw-p");
	CHECK_BYTES(p, pg, 's');
}

/* ---- mremap: sealed source ------------------------------------------- */

/*
 * The raw call for MREMAP_DONTUNMAP: glibc's variadic mremap() reads
 * new_address only for the flags it knows about (older releases only for
 * MREMAP_FIXED), so a hint could be dropped or garbage passed.
 */
static void *sys_mremap(void *old, size_t old_len, size_t new_len, int flags,
			void *new_addr)
{
	return (void *)syscall(SYS_mremap, old, old_len, new_len, flags,
			       new_addr);
}

TEST(mremap_shrink_sealed_eperm)
{
	size_t pg = ctx->page;
	char *c = anon_filled(2, RW, 'c');
	char *p = anon_filled(2, RW, 's');

	CHECK(mremap(c, 2 * pg, pg, 0) == c);
	CHECK_MAPPED(c);
	CHECK_UNMAPPED(c + pg);

	SEAL(p, 2 * pg);
	CHECK_SYS_ERR(mremap(p, 2 * pg, pg, 0), EPERM);
	CHECK_MAPPED(p + pg);
	CHECK_BYTES(p, 2 * pg, 's');
	CHECK_PERMS(p, "rw-p");
}

TEST(mremap_grow_in_place_sealed_eperm)
{
	size_t pg = ctx->page;
	char *c = anon_filled(4, RW, 'c');
	char *p = anon_filled(4, RW, 's');

	/* Pages 2-3 are freed so that growth in place has room. */
	CHECK_SYS_OK(munmap(c + 2 * pg, 2 * pg));
	CHECK(mremap(c, 2 * pg, 4 * pg, 0) == c);
	CHECK_MAPPED(c + 3 * pg);

	CHECK_SYS_OK(munmap(p + 2 * pg, 2 * pg));
	SEAL(p, 2 * pg);
	CHECK_SYS_ERR(mremap(p, 2 * pg, 4 * pg, 0), EPERM);
	CHECK_SYS_ERR(mremap(p, 2 * pg, 4 * pg, MREMAP_MAYMOVE), EPERM);
	CHECK_UNMAPPED(p + 2 * pg);
	CHECK_UNMAPPED(p + 3 * pg);
	CHECK_MAPPED(p + pg);
	CHECK_BYTES(p, 2 * pg, 's');
}

TEST(mremap_move_sealed_eperm)
{
	size_t pg = ctx->page;
	char *c = anon_filled(2, RW, 'c');
	char *p = anon_filled(2, RW, 's');
	char *dst = free_range(2);

	CHECK(mremap(c, 2 * pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, dst) ==
	      dst);
	CHECK_UNMAPPED(c);
	CHECK_BYTES(dst, 2 * pg, 'c');
	CHECK_SYS_OK(munmap(dst, 2 * pg));

	SEAL(p, 2 * pg);
	CHECK_SYS_ERR(
		mremap(p, 2 * pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, dst),
		EPERM);
	/* Moving only a part of the sealed range is refused too. */
	CHECK_SYS_ERR(
		mremap(p + pg, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, dst),
		EPERM);
	CHECK_UNMAPPED(dst);
	CHECK_UNMAPPED(dst + pg);
	CHECK_MAPPED(p);
	CHECK_MAPPED(p + pg);
	CHECK_BYTES(p, 2 * pg, 's');
}

TEST(mremap_dontunmap_sealed_source_eperm)
{
	size_t pg = ctx->page;
	char *c = anon_filled(2, RW, 'c');
	char *p = anon_filled(2, RW, 's');
	char *q;

	q = sys_mremap(c, 2 * pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_DONTUNMAP,
		       NULL);
	CHECK(q != MAP_FAILED && q != c);
	CHECK_BYTES(q, 2 * pg, 'c');
	CHECK_MAPPED(c); /* kept, but emptied */
	CHECK_BYTES(c, 2 * pg, 0);

	SEAL(p, 2 * pg);
	CHECK_SYS_ERR(sys_mremap(p, 2 * pg, 2 * pg,
				 MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL),
		      EPERM);
	CHECK_MAPPED(p);
	CHECK_BYTES(p, 2 * pg, 's');
	CHECK_PERMS(p, "rw-p");
}

/* ---- mremap: sealed destination -------------------------------------- */

TEST(mremap_fixed_onto_sealed_destination_eperm)
{
	size_t pg = ctx->page;
	char *src = anon_filled(2, RW, 'm');
	char *c = anon_filled(3, RW, 'c');
	char *d = anon_filled(3, RW, 'd');

	/* Control: onto the middle page of an unsealed mapping. */
	CHECK(mremap(src, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, c + pg) ==
	      c + pg);
	CHECK_BYTES(c + pg, pg, 'm');
	CHECK_UNMAPPED(src);

	SEAL(d, 3 * pg);
	/* Wholly inside the sealed mapping. */
	CHECK_SYS_ERR(
		mremap(src + pg, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, d + pg),
		EPERM);
	/* Starting in the free guard page below it, ending inside it. */
	CHECK_SYS_ERR(mremap(src + pg, pg, 2 * pg,
			     MREMAP_MAYMOVE | MREMAP_FIXED, d - pg),
		      EPERM);
	CHECK_BYTES(d, 3 * pg, 'd');
	CHECK_PERMS(d + pg, "rw-p");
	CHECK_UNMAPPED(d - pg);
	/* The unsealed source did not move either. */
	CHECK_MAPPED(src + pg);
	CHECK_BYTES(src + pg, pg, 'm');
}

TEST(mremap_dontunmap_onto_sealed_destination_eperm)
{
	size_t pg = ctx->page;
	char *src = anon_filled(1, RW, 'm');
	char *c = anon_filled(3, RW, 'c');
	char *d = anon_filled(3, RW, 'd');
	int fl = MREMAP_MAYMOVE | MREMAP_DONTUNMAP | MREMAP_FIXED;
	char *q;

	CHECK(sys_mremap(src, pg, pg, fl, c + pg) == c + pg);
	CHECK_BYTES(c + pg, pg, 'm');
	CHECK_MAPPED(src); /* DONTUNMAP keeps the source */
	memset(src, 'm', pg);

	SEAL(d, 3 * pg);
	CHECK_SYS_ERR(sys_mremap(src, pg, pg, fl, d + pg), EPERM);
	CHECK_BYTES(d, 3 * pg, 'd');
	CHECK_BYTES(src, pg, 'm');

	/*
	 * Without MREMAP_FIXED the address is only a hint (mm/mremap.c: "If
	 * only MREMAP_DONTUNMAP is set, then this is equivalent to providing
	 * a hint to mmap()"): the kernel picks a free place elsewhere and the
	 * seal is never touched, so this must not be refused.
	 */
	q = sys_mremap(src, pg, pg, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, d + pg);
	CHECK(q != MAP_FAILED);
	CHECK(q + pg <= d || q >= d + 3 * pg); /* not over the seal */
	CHECK_BYTES(q, pg, 'm');
	CHECK_BYTES(d, 3 * pg, 'd');
}

/* ---- mmap MAP_FIXED -------------------------------------------------- */

static void *map_fixed(void *addr, size_t len)
{
	return mmap(addr, len, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
		    0);
}

TEST(mmap_fixed_overwrite_sealed_eperm)
{
	size_t pg = ctx->page;
	char *c = anon_filled(2, RW, 'c');
	char *p = anon_filled(2, RW, 's');

	CHECK(map_fixed(c, 2 * pg) == c);
	CHECK_BYTES(c, 2 * pg, 0); /* a fresh mapping */

	SEAL(p, 2 * pg);
	CHECK_SYS_ERR(map_fixed(p, 2 * pg), EPERM);
	CHECK_BYTES(p, 2 * pg, 's');
	CHECK_PERMS(p, "rw-p");
}

TEST(mmap_fixed_grow_over_sealed_eperm)
{
	size_t pg = ctx->page;
	char *c = anon_filled(4, RW, 'c');
	char *p = anon_filled(4, RW, 's');

	/* The new mapping starts before and ends after pages 1-2. */
	CHECK(map_fixed(c, 4 * pg) == c);
	CHECK_BYTES(c, 4 * pg, 0);

	SEAL(p + pg, 2 * pg);
	CHECK_SYS_ERR(map_fixed(p, 4 * pg), EPERM);
	CHECK_SYS_ERR(map_fixed(p - pg, 6 * pg), EPERM);
	/* Neither the sealed pages nor their unsealed neighbours changed. */
	CHECK_BYTES(p, 4 * pg, 's');
	CHECK_UNMAPPED(p - pg);
	CHECK_UNMAPPED(p + 4 * pg);
}

TEST(mmap_fixed_shrink_over_sealed_eperm)
{
	size_t pg = ctx->page;
	char *c = anon_filled(3, RW, 'c');
	char *p = anon_filled(3, RW, 's');

	/* The new mapping covers only a part of the old one. */
	CHECK(map_fixed(c + pg, pg) == c + pg);
	CHECK_BYTES(c + pg, pg, 0);
	CHECK_BYTES(c, pg, 'c');

	SEAL(p, 3 * pg);
	CHECK_SYS_ERR(map_fixed(p + pg, pg), EPERM);
	CHECK_SYS_ERR(map_fixed(p, pg), EPERM);
	CHECK_SYS_ERR(map_fixed(p - pg, 2 * pg), EPERM);
	CHECK_BYTES(p, 3 * pg, 's');
	CHECK_UNMAPPED(p - pg);
	CHECK_PERMS(p + pg, "rw-p");
}

TEST(mmap_fixed_noreplace_sealed_eexist)
{
	size_t pg = ctx->page;
	char *c = anon_filled(1, RW, 'c');
	char *p = anon_filled(1, RW, 's');
	char *f = free_range(1);
	int fl = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;

	/* The seal does not change the answer: EEXIST, not EPERM. */
	CHECK(mmap(f, pg, RW, fl, -1, 0) == f);
	CHECK_SYS_ERR(mmap(c, pg, RW, fl, -1, 0), EEXIST);
	SEAL(p, pg);
	CHECK_SYS_ERR(mmap(p, pg, RW, fl, -1, 0), EEXIST);
	CHECK_BYTES(p, pg, 's');
}

/* ---- brk ------------------------------------------------------------- */

/*
 * Raw brk: glibc's sbrk() caches the break.  Nothing between the calls may
 * allocate with malloc (it could move the break): the checks only call
 * mincore until the end.
 */
static uintptr_t raw_brk(uintptr_t to)
{
	return (uintptr_t)syscall(SYS_brk, to);
}

TEST(brk_shrink_into_sealed_heap_page_keeps_break)
{
	size_t pg = ctx->page;
	bool native = backend_is_native(); /* before the break moves */
	uintptr_t base, top, rc;
	int err;

	base = (raw_brk(0) + pg - 1) & ~(uintptr_t)(pg - 1);
	top = base + 4 * pg;
	if (raw_brk(top) != top)
		SKIP("cannot grow the heap by 4 pages");
	/* Control: an unsealed shrink by one page works. */
	CHECK(raw_brk(top - pg) == top - pg);
	CHECK_UNMAPPED((char *)top - pg);
	CHECK(raw_brk(top) == top);
	memset((char *)base + pg, 'h', 3 * pg);

	/* Seal the top heap page, then shrink below it. */
	SEAL((char *)top - pg, pg);
	errno = 0;
	rc = raw_brk(base + pg);
	err = errno;
	/*
	 * The kernel's brk never fails: it answers the old break.  A seccomp
	 * filter cannot know the break and answers 0, which glibc's brk()
	 * and sbrk() report as failure (libmseal(7), "seccomp backend").
	 */
	if (native)
		CHECK(rc == top);
	else
		CHECK(rc == 0 && err == 0);
	CHECK(raw_brk(0) == top);
	/* Nothing below the sealed page was released either. */
	CHECK_MAPPED((char *)base + pg);
	CHECK_MAPPED((char *)top - 2 * pg);
	CHECK_MAPPED((char *)top - pg);
	CHECK_BYTES((char *)base + pg, 3 * pg, 'h');
}

/* ---- SysV shared memory ---------------------------------------------- */

/* Attach a fresh segment of n pages at addr (flags as shmat); it is marked
 * for removal at once so that nothing leaks when the test ends. */
static char *shm_new(size_t len, void *addr, int shmflg)
{
	int id = shmget(IPC_PRIVATE, len, IPC_CREAT | 0600);
	char *p;

	if (id < 0 && (errno == ENOSYS || errno == EPERM))
		SKIP("shmget: %s", strerror(errno));
	if (id < 0)
		FAIL("shmget: %s", strerror(errno));
	p = shmat(id, addr, shmflg);
	shmctl(id, IPC_RMID, NULL);
	return p;
}

TEST(shmdt_sealed_segment_stays_attached)
{
	size_t pg = ctx->page;
	char *c = shm_new(2 * pg, NULL, 0);
	char *p = shm_new(2 * pg, NULL, 0);
	int rc, err;

	CHECK(c != (char *)-1 && p != (char *)-1);
	CHECK_SYS_OK(shmdt(c));
	CHECK_UNMAPPED(c);

	memset(p, 'v', 2 * pg);
	SEAL(p, 2 * pg);
	errno = 0;
	rc = shmdt(p);
	err = errno;
	/*
	 * The kernel does not report the refusal: ksys_shmdt() (ipc/shm.c)
	 * ignores the result of its do_vma_munmap()/do_vmi_align_munmap()
	 * calls and returns 0 once it has found the segment, so shmdt()
	 * "succeeds" and the segment stays attached.  The seccomp backend's
	 * filter gives the same answer (SECCOMP_RET_ERRNO with 0).
	 */
	CHECK(rc == 0 && err == 0);
	CHECK_MAPPED(p);
	CHECK_MAPPED(p + pg);
	CHECK_BYTES(p, 2 * pg, 'v');
	CHECK_SYS_ERR(munmap(p, 2 * pg), EPERM);
}

/*
 * Only the last page sealed.  The kernel's shmdt unmaps the segment one
 * mapping at a time and ignores each failure: the unsealed pages go, the
 * sealed one stays.  The seccomp backend refuses the whole call (it knows
 * the attach address of every segment holding a sealed page, not the
 * segment's mappings), so nothing goes (libmseal(7)).  Both answer 0.
 */
TEST(shmdt_partly_sealed_segment_keeps_the_sealed_page)
{
	size_t pg = ctx->page;
	char *c = shm_new(3 * pg, NULL, 0);
	char *p = shm_new(3 * pg, NULL, 0);
	int rc;

	CHECK(c != (char *)-1 && p != (char *)-1);
	memset(p, 'v', 3 * pg);
	SEAL(p + 2 * pg, pg);
	errno = 0;
	rc = shmdt(p);
	CHECK(rc == 0 && errno == 0);
	CHECK_MAPPED(p + 2 * pg);
	CHECK_BYTES(p + 2 * pg, pg, 'v');
	if (backend_is_native()) {
		CHECK_UNMAPPED(p);
		CHECK_UNMAPPED(p + pg);
	} else {
		CHECK_BYTES(p, 2 * pg, 'v');
	}
	/* Control: the unsealed segment detaches. */
	CHECK_SYS_OK(shmdt(c));
	CHECK_UNMAPPED(c);
}

TEST(shmat_remap_over_sealed_eperm)
{
	size_t pg = ctx->page;
	char *c = backend_is_native() ? anon_filled(1, RW, 'c') :
					map_above_seals(1, RW);
	char *p = anon_filled(1, RW, 's');

	/* SHM_REMAP replaces whatever is mapped there, like MAP_FIXED (on
	 * the seccomp backend, above every sealed range: see below). */
	CHECK(shm_new(pg, c, SHM_REMAP) == c);
	CHECK_BYTES(c, pg, 0);

	SEAL(p, pg);
	errno = 0;
	CHECK(shm_new(pg, p, SHM_REMAP) == (char *)-1);
	CHECK(errno == EPERM);
	CHECK_BYTES(p, pg, 's');
	CHECK_PERMS(p, "rw-p");
	/*
	 * A filter cannot see the segment's size, so the seccomp backend
	 * refuses SHM_REMAP at any address below a sealed range
	 * (libmseal(7)).  The kernel refuses only an overlap.
	 */
	if (!backend_is_native()) {
		char *below = anon_filled(1, RW, 'b');

		CHECK((uintptr_t)below < (uintptr_t)p);
		errno = 0;
		CHECK(shm_new(pg, below, SHM_REMAP) == (char *)-1 &&
		      errno == EPERM);
		CHECK_BYTES(below, pg, 'b');
	}
}

/* ---- remap_file_pages ------------------------------------------------ */

/* A shared 2-page file mapping whose page i holds the byte 'A' + i. */
static char *file_two_pages(size_t pg)
{
	char *p = map_file(2, RW, MAP_SHARED);

	memset(p, 'A', pg);
	memset(p + pg, 'B', pg);
	return p;
}

TEST(remap_file_pages_sealed_eperm)
{
	size_t pg = ctx->page;
	char *c = file_two_pages(pg);
	char *p = file_two_pages(pg);

	/* Control: page 0 of the mapping now shows file page 1. */
	CHECK_SYS_OK(syscall(SYS_remap_file_pages, c, pg, 0, 1, 0));
	CHECK_BYTES(c, pg, 'B');

	SEAL(p, 2 * pg);
	CHECK_SYS_ERR(syscall(SYS_remap_file_pages, p, pg, 0, 1, 0), EPERM);
	CHECK_BYTES(p, pg, 'A');
	CHECK_BYTES(p + pg, pg, 'B');
	CHECK_PERMS(p, "rw-s");
}

/* ---- allowed on sealed memory ---------------------------------------- */

TEST(mlock_munlock_sealed_allowed)
{
	size_t pg = ctx->page;
	char *c = anon_filled(2, PROT_READ, 'c');
	char *p = anon_filled(2, PROT_READ, 's');

	CHECK_SYS_OK(mlock(c, 2 * pg));
	CHECK_SYS_OK(munlock(c, 2 * pg));
	SEAL(p, 2 * pg);
	CHECK_SYS_OK(mlock(p, 2 * pg));
	CHECK_SYS_OK(munlock(p, 2 * pg));
	CHECK_BYTES(p, 2 * pg, 's');
	CHECK_PERMS(p, "r--p");
}

TEST(msync_sealed_file_allowed)
{
	size_t pg = ctx->page;
	char *c = map_file(2, RW, MAP_SHARED);
	char *p = map_file(2, RW, MAP_SHARED);
	static const int modes[] = { MS_SYNC, MS_ASYNC,
				     MS_SYNC | MS_INVALIDATE };

	memset(c, 'c', 2 * pg);
	memset(p, 's', 2 * pg);
	SEAL(p, 2 * pg);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		CHECK_SYS_OK(msync(c, 2 * pg, modes[i]));
		CHECK_SYS_OK(msync(p, 2 * pg, modes[i]));
	}
	CHECK_BYTES(p, 2 * pg, 's');
}

TEST(mbind_sealed_allowed)
{
	size_t pg = ctx->page;
	char *c = anon_filled(1, RW, 'c');
	char *p = anon_filled(1, RW, 's');
	unsigned long node0 = 1;
	long rc;

	rc = syscall(SYS_mbind, c, pg, MPOL_BIND, &node0, 8 * sizeof(long), 0);
	if (rc == -1 && errno == ENOSYS)
		SKIP("mbind: kernel without NUMA (ENOSYS)");
	CHECK(rc == 0);
	CHECK_SYS_OK(syscall(SYS_mbind, c, pg, MPOL_DEFAULT, NULL, 0, 0));

	SEAL(p, pg);
	CHECK_SYS_OK(syscall(SYS_mbind, p, pg, MPOL_BIND, &node0,
			     8 * sizeof(long), 0));
	CHECK_SYS_OK(syscall(SYS_mbind, p, pg, MPOL_DEFAULT, NULL, 0, 0));
	CHECK_BYTES(p, pg, 's');
}

TEST(write_sealed_writable_allowed)
{
	size_t pg = ctx->page;
	char *c = anon_filled(1, RW, 'c');
	char *p = anon_filled(1, RW, 's');
	char *f = map_file(1, RW, MAP_SHARED);

	memset(c, 'w', pg);
	CHECK_BYTES(c, pg, 'w');
	SEAL(p, pg);
	SEAL(f, pg);
	memset(p, 'w', pg);
	memset(f, 'w', pg);
	CHECK_BYTES(p, pg, 'w');
	CHECK_BYTES(f, pg, 'w');
}

/*
 * /proc/PID/mem writes use FOLL_FORCE, which breaks copy-on-write into a
 * read-only private page; the seal does not stop it (SEMANTICS.md).
 */
TEST(proc_self_mem_write_sealed_ro_allowed)
{
	size_t pg = ctx->page;
	char *c = anon_filled(1, PROT_READ, 'c');
	char *p = anon_filled(1, PROT_READ, 's');
	char buf[16];
	int fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		SKIP("open /proc/self/mem: %s", strerror(errno));
	memset(buf, 'w', sizeof(buf));
	if (pwrite(fd, buf, sizeof(buf), (off_t)(uintptr_t)c) !=
	    (ssize_t)sizeof(buf))
		SKIP("/proc/self/mem refuses writes to read-only memory: %s",
		     strerror(errno));
	CHECK_BYTES(c, sizeof(buf), 'w');

	SEAL(p, pg);
	CHECK(pwrite(fd, buf, sizeof(buf), (off_t)(uintptr_t)p) ==
	      (ssize_t)sizeof(buf));
	CHECK_BYTES(p, sizeof(buf), 'w');
	CHECK_BYTES(p + sizeof(buf), pg - sizeof(buf), 's');
	CHECK_PERMS(p, "r--p");
	close(fd);
}

/* PTRACE_POKEDATA goes through the same FOLL_FORCE path. */
TEST(ptrace_poke_sealed_ro_allowed)
{
	size_t pg = ctx->page;
	char *c = anon_filled(1, PROT_READ, 'c');
	char *p = anon_filled(1, PROT_READ, 's');
	long word, poke_c, poke_p, peek_p;
	int status, err_c, err_p;
	pid_t pid;

	SEAL(p, pg);
	memset(&word, 'w', sizeof(word));
	pid = fork();
	if (pid < 0)
		FAIL("fork: %s", strerror(errno));
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(3);
		raise(SIGSTOP);
		/* The tracee sees both writes, in its own sealed page too. */
		_exit(memcmp(p, &word, sizeof(word)) ||
		      memcmp(c, &word, sizeof(word)));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		kill(pid, SIGKILL);
		FAIL("tracee did not stop (status 0x%x)", status);
	}
	errno = 0;
	poke_c = ptrace(PTRACE_POKEDATA, pid, c, (void *)word);
	err_c = errno;
	errno = 0;
	poke_p = ptrace(PTRACE_POKEDATA, pid, p, (void *)word);
	err_p = errno;
	errno = 0;
	peek_p = ptrace(PTRACE_PEEKDATA, pid, p, NULL);
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	if (waitpid(pid, &status, 0) != pid)
		FAIL("waitpid: %s", strerror(errno));
	if (poke_c != 0)
		FAIL("control POKEDATA: %s", strerror(err_c));
	if (poke_p != 0)
		FAIL("POKEDATA into sealed page: %s", strerror(err_p));
	CHECK(peek_p == word);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The tracer's own copy is untouched. */
	CHECK_BYTES(p, pg, 's');
}

// SPDX-License-Identifier: MIT
/*
 * Bypasses of the seccomp filter through the ways the kernel turns a
 * call's arguments into a range other than [addr, addr + len): huge page
 * rounding, a break moved by prctl(PR_SET_MM), an mremap destination
 * unmapped before the kernel rejects the source, pages a growsdown
 * mapping gains.  Each runs on both backends (the kernel's own seal must
 * refuse it too) with an unsealed control that sees the change.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/prctl.h>

#include "harness.h"

#define RO PROT_READ
#define RW (PROT_READ | PROT_WRITE)
#define M2 (2UL << 20)
#define G1 (1UL << 30)

#ifndef MAP_HUGETLB
#define MAP_HUGETLB 0x40000
#endif
#ifndef MFD_HUGETLB
#define MFD_HUGETLB 4U
#endif

/*
 * Two 2 MiB-aligned stretches of 2 MiB of read-only anonymous memory
 * filled with c, at x and x + 4 MiB, neither aligned to 1 GiB (where the
 * filter would assume 1 GiB pages), with unmapped space around.
 */
static void two_huge_slots(char c, char **x, char **y)
{
	size_t span = 16 * M2;
	char *r =
		mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	CHECK(r != MAP_FAILED);
	a = ((uintptr_t)r + M2 - 1) & ~(M2 - 1);
	/* No 1 GiB boundary anywhere in [a, a + 5 * M2): not at x or y, nor
	 * at the 2 MiB slots around them. */
	while (((a + 5 * M2 - 1) & ~(G1 - 1)) > (a & ~(G1 - 1)) || a % G1 == 0)
		a += M2;
	CHECK(a + 8 * M2 <= (uintptr_t)r + span);
	*x = (char *)a + M2;
	*y = (char *)a + 3 * M2;
	for (int i = 0; i < 2; i++) {
		char *p = i ? *y : *x;

		CHECK(mmap(p, M2, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			   -1, 0) == p);
		memset(p, c, M2);
		CHECK_SYS_OK(mprotect(p, M2, RO));
	}
	CHECK((uintptr_t)*x % G1 && (uintptr_t)*y % G1);
}

static void check_sealed_page(char *s, size_t pg, char c)
{
	CHECK(page_mapped(s));
	CHECK(all_bytes(s, pg, c));
	CHECK(prot_refused(s, pg, RO));
}

/*
 * mmap(MAP_HUGETLB) of one page at a 2 MiB boundary maps a whole huge page
 * (the kernel rounds len up to the huge page size before anything else),
 * replacing the sealed page 4 KiB above.  MAP_NORESERVE: no huge pages
 * need to be reserved.
 */
TEST(bypass_mmap_hugetlb_length_rounds_over_seal)
{
	size_t pg = ctx->page;
	int fl = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_HUGETLB |
		 MAP_NORESERVE;
	char *x, *y, perms[5];
	void *q;

	two_huge_slots('h', &x, &y);
	SEAL(x + pg, pg);
	CHECK_SYS_ERR(mmap(x, pg, RW, fl, -1, 0), EPERM);
	check_sealed_page(x + pg, pg, 'h');
	/* Control: at y the same call replaces the whole 2 MiB. */
	q = mmap(y, pg, RW, fl, -1, 0);
	if (q == MAP_FAILED &&
	    (errno == EINVAL || errno == ENOMEM || errno == ENOSYS))
		SKIP("no 2 MiB default hugetlb pages (mmap: %s)",
		     strerror(errno));
	CHECK(q == y);
	CHECK(strcmp(maps_perms(y + pg, perms), "rw-p") == 0);
	CHECK(strcmp(maps_perms(y + M2 - pg, perms), "rw-p") == 0);
}

/* The same through an MFD_HUGETLB memfd: the filter cannot see that the
 * fd is hugetlb, the kernel rounds the length all the same. */
TEST(bypass_mmap_hugetlb_file_length_rounds_over_seal)
{
	size_t pg = ctx->page;
	int fl = MAP_SHARED | MAP_FIXED | MAP_NORESERVE;
	int fd = (int)syscall(SYS_memfd_create, "mseal-huge", MFD_HUGETLB);
	char *x, *y, perms[5];
	void *q;

	if (fd < 0)
		SKIP("memfd_create(MFD_HUGETLB): %s", strerror(errno));
	if (ftruncate(fd, (off_t)M2))
		SKIP("ftruncate of a hugetlb memfd: %s", strerror(errno));
	two_huge_slots('f', &x, &y);
	SEAL(x + pg, pg);
	CHECK_SYS_ERR(mmap(x, pg, RW, fl, fd, 0), EPERM);
	check_sealed_page(x + pg, pg, 'f');
	q = mmap(y, pg, RW, fl, fd, 0);
	if (q == MAP_FAILED && (errno == EINVAL || errno == ENOMEM))
		SKIP("no 2 MiB hugetlb pages (mmap: %s)", strerror(errno));
	CHECK(q == y);
	CHECK(strcmp(maps_perms(y + pg, perms), "rw-s") == 0);
	close(fd);
}

/*
 * arm64 with 4 KiB pages has 64 KiB huge pages too (contiguous PTEs), and
 * any process can make a hugetlb memfd of them: with MAP_NORESERVE the
 * mmap needs none reserved.  One page mapped from it at a 64 KiB boundary
 * replaces 64 KiB, so the filter must count every MAP_FIXED file mapping
 * at such a boundary as 64 KiB long (docs/AUDIT.md A14), although the
 * loader's segments land on one in sixteen of them.
 */
TEST(bypass_mmap_hugetlb_64k_file_rounds_over_seal)
{
#if defined(__aarch64__)
	size_t pg = ctx->page, k64 = 0x10000;
	int fl = MAP_SHARED | MAP_FIXED | MAP_NORESERVE;
	int fd = (int)syscall(SYS_memfd_create, "mseal-huge64",
			      MFD_HUGETLB | (16U << 26) /* MFD_HUGE_64KB */);
	char *x, *y, perms[5];
	void *q;

	if (fd < 0)
		SKIP("memfd_create(MFD_HUGETLB|MFD_HUGE_64KB): %s",
		     strerror(errno));
	CHECK_SYS_OK(ftruncate(fd, (off_t)k64));
	/* 2 MiB slots: 64 KiB-aligned, and the control's 64 KiB holds no
	 * other huge page boundary the filter would round further by. */
	two_huge_slots('k', &x, &y);
	SEAL(x + pg, pg);
	CHECK_SYS_ERR(mmap(x, pg, RW, fl, fd, 0), EPERM);
	check_sealed_page(x + pg, pg, 'k');
	/* Control: at y the same call replaces the whole 64 KiB. */
	q = mmap(y, pg, RW, fl, fd, 0);
	CHECK(q == y);
	CHECK(strcmp(maps_perms(y + k64 - pg, perms), "rw-s") == 0);
	CHECK(strcmp(maps_perms(y + k64, perms), "r--p") == 0);
	close(fd);
#else
	(void)ctx;
	SKIP("64 KiB huge pages are arm64's");
#endif
}

/* mremap of a hugetlb source rounds both lengths up to the huge page:
 * the destination unmapped first is the whole 2 MiB. */
TEST(bypass_mremap_hugetlb_source_rounds_over_seal)
{
	size_t pg = ctx->page;
	int fd = (int)syscall(SYS_memfd_create, "mseal-huge", MFD_HUGETLB);
	char *x, *y, *h, perms[5];
	void *q;

	if (fd < 0)
		SKIP("memfd_create(MFD_HUGETLB): %s", strerror(errno));
	if (ftruncate(fd, (off_t)M2))
		SKIP("ftruncate of a hugetlb memfd: %s", strerror(errno));
	h = mmap(NULL, M2, RO, MAP_SHARED | MAP_NORESERVE, fd, 0);
	if (h == MAP_FAILED)
		SKIP("no 2 MiB hugetlb pages (mmap: %s)", strerror(errno));
	/*
	 * A source at a 1 GiB boundary counts as 1 GiB long (SEMANTICS.md
	 * section 8): with the seal within that, the control below would be
	 * refused too.  One in 512 placements; map again, elsewhere.
	 */
	if ((uintptr_t)h % G1 == 0) {
		char *h2 =
			mmap(NULL, M2, RO, MAP_SHARED | MAP_NORESERVE, fd, 0);

		CHECK(h2 != MAP_FAILED && (uintptr_t)h2 % G1);
		CHECK_SYS_OK(munmap(h, M2));
		h = h2;
	}
	close(fd);
	two_huge_slots('r', &x, &y);
	SEAL(x + pg, pg);
	q = mremap(h, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, x);
	CHECK(q == MAP_FAILED && errno == EPERM);
	check_sealed_page(x + pg, pg, 'r');
	/* Control: at y the huge page replaces the whole 2 MiB. */
	q = mremap(h, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, y);
	CHECK(q == y);
	CHECK(strcmp(maps_perms(y + M2 - pg, perms), "r--s") == 0);
}

/*
 * mremap(src, old_len past 2^64, pg, MAYMOVE | FIXED, dst): the kernel
 * unmaps dst first, then rejects the source (EINVAL/EFAULT).
 */
TEST(bypass_mremap_wrapping_source_unmaps_destination)
{
	size_t pg = ctx->page;
	char *src = map_anon(1, RW);
	char *d = map_anon(1, RW);
	char *c = map_anon(1, RW);
	void *q;

	memset(d, 'd', pg);
	CHECK_SYS_OK(mprotect(d, pg, RO));
	memset(c, 'c', pg);
	SEAL(d, pg);
	q = mremap(src, (size_t)-4096, pg, MREMAP_MAYMOVE | MREMAP_FIXED, d);
	CHECK(q == MAP_FAILED);
	check_sealed_page(d, pg, 'd');
	CHECK(page_mapped(src));
	/* A sealed source's seal is checked before the destination goes
	 * (found by fuzz_seal_diff): EPERM, the destination intact. */
	memset(src, 's', pg);
	CHECK_SYS_OK(mprotect(src, pg, RO));
	SEAL(src, pg);
	q = mremap(src, (size_t)-4096, pg, MREMAP_MAYMOVE | MREMAP_FIXED, c);
	CHECK(q == MAP_FAILED && errno == EPERM);
	CHECK(page_mapped(c) && all_bytes(c, pg, 'c'));
	check_sealed_page(src, pg, 's');
	/* Control: from an unsealed source the unsealed destination is
	 * gone, and the call failed. */
	src = map_anon(1, RW);
	q = mremap(src, (size_t)-4096, pg, MREMAP_MAYMOVE | MREMAP_FIXED, c);
	CHECK(q == MAP_FAILED);
	CHECK(!page_mapped(c));
	CHECK(page_mapped(src));
}

/* ---- prctl(PR_SET_MM) and brk ------------------------------------- */

/* The fields of /proc/self/stat that struct prctl_mm_map carries. */
static void current_mm_map(struct prctl_mm_map *m)
{
	char buf[4096], *p;
	unsigned long long v[52] = { 0 };
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	CHECK(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	CHECK(n > 0);
	buf[n] = '\0';
	/* Fields after the command name, which ends at the last ')'. */
	p = strrchr(buf, ')');
	CHECK(p != NULL);
	p += 2;
	for (int i = 3; i <= 51 && *p; i++) {
		if (*p >= '0' && *p <= '9')
			v[i] = strtoull(p, NULL, 10);
		p = strchr(p, ' ');
		if (!p)
			break;
		p++;
	}
	memset(m, 0, sizeof(*m));
	m->start_code = v[26];
	m->end_code = v[27];
	m->start_stack = v[28];
	m->start_data = v[45];
	m->end_data = v[46];
	m->start_brk = v[47];
	m->brk = (uint64_t)syscall(SYS_brk, 0);
	m->arg_start = v[48];
	m->arg_end = v[49];
	m->env_start = v[50];
	m->env_end = v[51];
	m->exe_fd = (uint32_t)-1;
	if (!m->start_code || !m->end_data || !m->start_brk)
		SKIP("/proc/self/stat does not show the memory layout");
}

/* Puts the break around [p, p + pg), then brk(p): 0, or -errno of the
 * prctl. */
static int brk_around(const struct prctl_mm_map *orig, char *p, size_t pg)
{
	struct prctl_mm_map m = *orig;

	m.start_brk = (uint64_t)(uintptr_t)p;
	m.brk = (uint64_t)(uintptr_t)p + pg;
	if (prctl(PR_SET_MM, PR_SET_MM_MAP, &m, sizeof(m), 0))
		return -errno;
	syscall(SYS_brk, p);
	return 0;
}

static bool have_set_mm_map(void)
{
	unsigned int size = 0;

	return prctl(PR_SET_MM, PR_SET_MM_MAP_SIZE, &size, 0, 0) == 0 &&
	       size == sizeof(struct prctl_mm_map);
}

/*
 * PR_SET_MM_MAP needs no capability: it can put start_brk and brk around
 * any range, and brk(start_brk) then unmaps exactly that range; a
 * MAP_FIXED_NOREPLACE can then put a writable page in its place.  The
 * seccomp backend refuses PR_SET_MM (but PR_SET_MM_MAP_SIZE) whenever a
 * BASE seal exists, whatever the range: its control is
 * seccomp_prctl_set_mm_refused_once_base_sealed.
 */
TEST(bypass_prctl_set_mm_map_then_brk)
{
	size_t pg = ctx->page;
	char *s = map_anon(1, RW);
	char *c = map_anon(1, RW);
	struct prctl_mm_map orig;
	int rc;

	if (!have_set_mm_map())
		SKIP("no PR_SET_MM_MAP (CONFIG_CHECKPOINT_RESTORE): %s",
		     strerror(errno));
	current_mm_map(&orig);
	memset(s, 's', pg);
	CHECK_SYS_OK(mprotect(s, pg, RO));
	SEAL(s, pg);
	rc = brk_around(&orig, s, pg);
	mmap(s, pg, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
	     0);
	check_sealed_page(s, pg, 's');
	prctl(PR_SET_MM, PR_SET_MM_MAP, &orig, sizeof(orig), 0);
	/* Control: the same on an unsealed page unmaps it (native); the
	 * seccomp backend refuses the prctl (SEMANTICS.md section 8). */
	if (backend_is_native()) {
		CHECK(rc == 0);
		CHECK(brk_around(&orig, c, pg) == 0);
		CHECK(!page_mapped(c));
	} else {
		CHECK(rc == -EPERM);
		CHECK(brk_around(&orig, c, pg) == -EPERM);
		CHECK(page_mapped(c));
	}
	prctl(PR_SET_MM, PR_SET_MM_MAP, &orig, sizeof(orig), 0);
}

/* Without seals the same prctl and brk unmap an unsealed page; PROT or
 * DISCARD seals leave PR_SET_MM alone, a BASE seal refuses it. */
TEST_ONCE(seccomp_prctl_set_mm_refused_once_base_sealed)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *s = map_anon(1, RW);
	char *c = map_anon(1, RW);
	char *d = map_anon(1, RW);
	struct prctl_mm_map orig;

	if (!have_set_mm_map())
		SKIP("no PR_SET_MM_MAP (CONFIG_CHECKPOINT_RESTORE): %s",
		     strerror(errno));
	current_mm_map(&orig);
	CHECK(brk_around(&orig, c, pg) == 0);
	CHECK(!page_mapped(c));
	CHECK_SYS_OK(prctl(PR_SET_MM, PR_SET_MM_MAP, &orig, sizeof(orig), 0));
	use_seccomp();
	memset(s, 's', pg);
	CHECK_SYS_OK(mprotect(s, pg, RO));
	CHECK_OK(mseal_range(s, pg, MSEAL_PROT | MSEAL_DISCARD));
	CHECK(brk_around(&orig, d, pg) == 0);
	CHECK(!page_mapped(d));
	CHECK_SYS_OK(prctl(PR_SET_MM, PR_SET_MM_MAP, &orig, sizeof(orig), 0));
	CHECK_OK(mseal_range(s, pg, MSEAL_BASE));
	CHECK(brk_around(&orig, s, pg) == -EPERM);
	check_sealed_page(s, pg, 's');
	CHECK(have_set_mm_map());
}

/* ---- io_destroy of a moved AIO ring ----------------------------- */

/* The length of the mapping that starts at p, from /proc/self/maps. */
static size_t mapping_len(const void *p)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	size_t len = 0;

	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		uintptr_t s, e;

		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR, &s, &e) == 2 &&
		    s == (uintptr_t)p) {
			len = e - s;
			break;
		}
	}
	fclose(f);
	return len;
}

/*
 * An AIO ring shrunk to one page and moved right below [s, s + n pages):
 * io_destroy unmaps the ring's old length from where the ring now is.
 * Returns io_destroy's result (0 or -errno).
 */
static long destroy_moved_ring(char *below, size_t pg)
{
	unsigned long ctx = 0;
	size_t len;
	void *q;

	if (syscall(SYS_io_setup, 1000, &ctx))
		SKIP("io_setup: %s", strerror(errno));
	len = mapping_len((void *)ctx);
	CHECK(len > pg);
	CHECK(mremap((void *)ctx, len, pg, 0) == (void *)ctx);
	q = mremap((void *)ctx, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, below);
	CHECK(q == below);
	return syscall(SYS_io_destroy, (unsigned long)below) ? -errno : 0;
}

/* The ring of 1000 events is 16 pages here; 32 sealed pages cover it. */
#define AIO_SPAN 32

/*
 * The kernel's seal makes io_destroy's unmap fail (and io_destroy ignore
 * it); the seccomp backend refuses io_destroy while a BASE seal exists,
 * whatever the ring (SEMANTICS.md section 8).
 */
TEST(bypass_aio_ring_moved_next_to_a_seal_then_destroyed)
{
	size_t pg = ctx->page;
	char *p = map_anon(AIO_SPAN + 1, RW);
	char *c = map_anon(AIO_SPAN + 1, RW);
	long rc;

	memset(p, 'a', (AIO_SPAN + 1) * pg);
	CHECK_SYS_OK(mprotect(p + pg, AIO_SPAN * pg, RO));
	SEAL(p + pg, AIO_SPAN * pg);
	rc = destroy_moved_ring(p, pg);
	CHECK(rc == 0 || (rc == -EPERM && !backend_is_native()));
	for (size_t i = 1; i <= AIO_SPAN; i++)
		check_sealed_page(p + i * pg, pg, 'a');
	/* Control: next to unsealed memory the ring's old length goes. */
	rc = destroy_moved_ring(c, pg);
	if (backend_is_native()) {
		CHECK(rc == 0);
		CHECK(!page_mapped(c + pg));
	} else {
		CHECK(rc == -EPERM);
		CHECK(page_mapped(c + pg));
	}
}

/* Without seals io_destroy unmaps past a moved ring; PROT seals leave it
 * alone, a BASE seal refuses it. */
TEST_ONCE(seccomp_io_destroy_refused_once_base_sealed)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *p = map_anon(AIO_SPAN + 1, RW);
	char *c = map_anon(AIO_SPAN + 1, RW);
	char *d = map_anon(AIO_SPAN + 1, RW);

	CHECK(destroy_moved_ring(c, pg) == 0);
	CHECK(!page_mapped(c + pg));
	use_seccomp();
	memset(p, 'a', (AIO_SPAN + 1) * pg);
	CHECK_SYS_OK(mprotect(p + pg, AIO_SPAN * pg, RO));
	CHECK_OK(mseal_range(p + pg, AIO_SPAN * pg, MSEAL_PROT));
	CHECK(destroy_moved_ring(d, pg) == 0);
	CHECK(!page_mapped(d + pg));
	CHECK_OK(mseal_range(p + pg, AIO_SPAN * pg, MSEAL_BASE));
	CHECK(destroy_moved_ring(p, pg) == -EPERM);
	for (size_t i = 1; i <= AIO_SPAN; i++)
		check_sealed_page(p + i * pg, pg, 'a');
}

/* ---- pages a growsdown mapping gains ------------------------------ */

/* map_growsdown() at the top of an 8 MiB hole, filled with c. */
static char *growsdown_mapping(size_t pg, char c)
{
	char *g = map_growsdown(8UL << 20);

	memset(g, c, 2 * pg);
	return g;
}

/* Reads the page below g: the mapping grows down over it. */
static void grow_below(char *g, size_t pg)
{
	volatile char *b = (volatile char *)(g - pg);

	CHECK(*b == 0);
	CHECK(page_mapped(g - pg));
}

/*
 * The kernel's seal covers the pages a sealed growsdown mapping gains by
 * faulting below its start; the seccomp backend guards the space down to
 * the mapping below (as it was at seal time) for that reason.
 */
TEST(bypass_growsdown_pages_gained_below_a_seal)
{
	size_t pg = ctx->page;
	char *g = growsdown_mapping(pg, 'g');
	char *c = growsdown_mapping(pg, 'c');

	SEAL(g, 2 * pg);
	grow_below(g, pg);
	CHECK_SYS_ERR(munmap(g - pg, pg), EPERM);
	CHECK_SYS_ERR(mprotect(g - pg, pg, RO), EPERM);
	CHECK(page_mapped(g - pg));
	CHECK(page_mapped(g) && all_bytes(g, 2 * pg, 'g'));
	CHECK(prot_refused(g, 2 * pg, RW));
	/* Control: below an unsealed growsdown mapping both work. */
	grow_below(c, pg);
	CHECK_SYS_OK(mprotect(c - pg, pg, RO));
	CHECK_SYS_OK(munmap(c - pg, pg));
	CHECK(!page_mapped(c - pg));
}

/*
 * The same for a growsdown mapping made and sealed by mseal_mmap(MAP_FIXED),
 * whose seccomp seal is prepared before the mapping exists: the prepared
 * filter must guard the space below as a seal of the mapping would.
 */
TEST(bypass_growsdown_pages_gained_below_a_mseal_mmap)
{
	size_t pg = ctx->page;
	char *c = growsdown_mapping(pg, 'c');
	char *g = growsdown_mapping(pg, 'g');

	/* Replace g's mapping by a sealed one at the same place. */
	CHECK(mseal_mmap(g, 2 * pg, RW,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN |
				 MAP_FIXED,
			 -1, 0, MSEAL_ALL) == g);
	memset(g, 'g', 2 * pg);
	grow_below(g, pg);
	CHECK_SYS_ERR(munmap(g - pg, pg), EPERM);
	CHECK_SYS_ERR(mprotect(g - pg, pg, RO), EPERM);
	CHECK(page_mapped(g - pg));
	CHECK(page_mapped(g) && all_bytes(g, 2 * pg, 'g'));
	/* Control: below an unsealed growsdown mapping both work. */
	grow_below(c, pg);
	CHECK_SYS_OK(mprotect(c - pg, pg, RO));
	CHECK_SYS_OK(munmap(c - pg, pg));
	CHECK(!page_mapped(c - pg));
}

/* ---- brk over a sealed mapping that is not the heap ---------------- */

/* A page of a temporary file filled with c, mapped read-only at p. */
static void file_page_at(char *p, size_t pg, char c)
{
	char path[] = "/tmp/mseal-brk-XXXXXX", buf[4096];
	int fd = mkstemp(path);

	CHECK(fd >= 0 && pg <= sizeof(buf));
	unlink(path);
	memset(buf, c, pg);
	CHECK(write(fd, buf, pg) == (ssize_t)pg);
	CHECK(mmap(p, pg, RO, MAP_PRIVATE | MAP_FIXED, fd, 0) == p);
	close(fd);
}

/*
 * Grows the break by 16 pages and puts a file page 8 pages in: brk's
 * shrink unmaps every mapping between the new and the old break, and
 * /proc/self/maps names that page by its file, not [heap].
 */
static char *file_page_in_heap_area(size_t pg, char c, char **base)
{
	char *s = sbrk((intptr_t)(16 * pg));

	CHECK(s != (char *)-1);
	*base = s;
	s = (char *)(((uintptr_t)s + pg - 1) & ~(uintptr_t)(pg - 1));
	file_page_at(s + 8 * pg, pg, c);
	return s + 8 * pg;
}

TEST(bypass_brk_shrink_over_sealed_file_mapping_in_heap_area)
{
	size_t pg = ctx->page;
	char *base, *f;
	long r;

	/* Control: an unsealed file page in the heap area goes with the
	 * shrink. */
	f = file_page_in_heap_area(pg, 'u', &base);
	CHECK(syscall(SYS_brk, base) == (long)base);
	CHECK(!page_mapped(f));
	f = file_page_in_heap_area(pg, 'f', &base);
	SEAL(f, pg);
	/* The kernel returns the old break, the filter 0 (section 8). */
	r = syscall(SYS_brk, base);
	CHECK(r == (long)sbrk(0) || (r == 0 && !backend_is_native()));
	CHECK(syscall(SYS_brk, 0) == (long)sbrk(0));
	check_sealed_page(f, pg, 'f');
}

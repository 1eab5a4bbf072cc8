// SPDX-License-Identifier: MIT
/*
 * The routes of docs/AUDIT.md that no other test pins: each one is a way,
 * other than the plain calls of t_ops.c and t_madvise.c, to reach the
 * kernel paths that unmap, replace, move or re-protect a mapping, or throw
 * away the contents of anonymous memory.  Every test runs on both backends
 * and asserts what the kernel's own seal does, with an unsealed control
 * showing the call really acts.
 *
 * AUDIT_OPEN tests are the routes the seccomp backend does not cover yet
 * (AUDIT.md says OPEN): they fail on the seccomp backend today, so they are
 * registered only with MSEAL_AUDIT_OPEN=1 in the environment.  Once the
 * backend covers a route, its test becomes a plain TEST.
 */
#include <elf.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <linux/userfaultfd.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

#include "filter.h"
#include "harness.h"

#define RO PROT_READ
#define RW (PROT_READ | PROT_WRITE)

#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004u
#endif
#ifndef MAP_HUGETLB
#define MAP_HUGETLB 0x40000
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_32BIT
#define MAP_32BIT 0x40
#endif
#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE (1 << 1)
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
/* Linux 6.8's UFFDIO_MOVE, newer than Debian 12's headers. */
#define AUDIT_UFFD_FEATURE_MOVE (1ULL << 16)
struct audit_uffdio_move {
	uint64_t dst, src, len, mode;
	int64_t move;
};
#define AUDIT_UFFDIO_MOVE _IOWR(UFFDIO, 0x05, struct audit_uffdio_move)
#define ARCH_MAP_VDSO_64 0x2003
#define NR_USELIB 134

/* Registered only with MSEAL_AUDIT_OPEN=1: a route not covered yet. */
#define AUDIT_OPEN(name)                                                 \
	static void name(struct test_ctx *ctx);                          \
	__attribute__((constructor)) static void register_##name(void)   \
	{                                                                \
		const char *e = getenv("MSEAL_AUDIT_OPEN");              \
		if (e && strcmp(e, "1") == 0)                            \
			test_register(#name, name, T_PER_BACKEND, NULL); \
	}                                                                \
	static void name(struct test_ctx *ctx)

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static void fill(char *p, size_t len, int prot, char c)
{
	memset(p, c, len);
	CHECK_SYS_OK(mprotect(p, len, prot));
}

/* n pages of PROT_NONE address space to lay mappings out in. */
static char *reserve(size_t npages)
{
	char *p = mmap(NULL, npages * page_size(), PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	CHECK(p != MAP_FAILED);
	return p;
}

/* The same, aligned to align (a power of two), at least npages long. */
static char *reserve_aligned(size_t len, size_t align)
{
	char *p = reserve((len + align) / page_size());
	uintptr_t a = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);

	return (char *)a;
}

/* An anonymous mapping of n pages at exactly p, filled with c. */
static char *anon_at(char *p, size_t npages, int prot, char c)
{
	size_t len = npages * page_size();
	char *q = mmap(p, len, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
		       0);

	CHECK(q == p);
	fill(q, len, prot, c);
	return q;
}

/* Whether the mapping holding addr is named with needle (maps' last field). */
static bool mapping_named(const void *addr, const char *needle)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	bool found = false;

	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;

		if (sscanf(line, "%lx-%lx", &s, &e) == 2 &&
		    s <= (uintptr_t)addr && (uintptr_t)addr < e) {
			found = strstr(line, needle) != NULL;
			break;
		}
	}
	fclose(f);
	return found;
}

/* The default huge page size, or 0 when the kernel has none. */
static size_t huge_size(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	size_t kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %zu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/* A hugetlbfs memfd of len bytes (needs no reserved huge pages when mapped
 * with MAP_NORESERVE), or skip. */
static int huge_memfd(size_t len)
{
	int fd = (int)syscall(SYS_memfd_create, "audit", MFD_HUGETLB);

	if (fd < 0)
		SKIP("memfd_create(MFD_HUGETLB): %s", strerror(errno));
	if (ftruncate(fd, (off_t)len) != 0)
		SKIP("ftruncate of a hugetlb memfd: %s", strerror(errno));
	return fd;
}

/* ---- kernel-remembered ranges --------------------------------------- */

/* A 2-page ELF64 file whose one PT_LOAD maps page 0 at vaddr and asks
 * for memsz bytes: the rest is "bss" that uselib maps with vm_brk. */
static void write_lib(const char *path, uintptr_t vaddr, size_t memsz)
{
	char buf[8192] = { 0 };
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));
	int fd;

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_W;
	ph->p_offset = 0;
	ph->p_vaddr = vaddr;
	ph->p_filesz = page_size();
	ph->p_memsz = memsz;
	ph->p_align = page_size();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	CHECK(fd >= 0);
	CHECK(write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf));
	CHECK_SYS_OK(fchmod(fd, 0755));
	close(fd);
}

/* A system call through the i386 entry (int 0x80) of this process. */
static long int80(long nr, long a)
{
#if defined(__x86_64__)
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a)
			 : "memory", "cc", "r8", "r9", "r10", "r11");
	return ret;
#else
	(void)nr, (void)a;
	return -ENOSYS;	  /* no int 0x80: the probe below says so */
#endif
}

#define I386_GETPID 20
#define I386_USELIB 86

static void int80_probe(void *arg)
{
	(void)arg;
	_exit(int80(I386_GETPID, 0) == getpid() ? 0 : 1);
}

/*
 * uselib(path): x86-64 has no such call (ENOSYS even with
 * CONFIG_USELIB); the i386 one, reached with int 0x80, loads a 64-bit
 * library all the same.  -errno, or -ENOSYS when neither exists (int 0x80
 * is probed in a child: some hypervisors kill it).
 */
static long uselib(const char *path)
{
	static int have80 = -1;
	char *low;
	long rc;

#if !defined(__x86_64__)
	/* 134 is x86-64's number; arm64 has no uselib at all. */
	(void)path, (void)have80, (void)low, (void)rc;
	return -ENOSYS;
#endif
	if (syscall(NR_USELIB, path) == 0)
		return 0;
	if (errno != ENOSYS)
		return -errno;
	if (have80 < 0)
		have80 = run_in_child(int80_probe, NULL) == 0;
	if (!have80)
		return -ENOSYS;
#if defined(__x86_64__)
	low = mmap(NULL, page_size(), RW,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
#else
	low = MAP_FAILED; /* not reached: int80_probe failed */
#endif
	CHECK(low != MAP_FAILED);
	strcpy(low, path);
	rc = int80(I386_USELIB, (long)(uintptr_t)low);
	munmap(low, page_size());
	return rc;
}

/*
 * uselib(2) (CONFIG_USELIB: Debian's 6.1 and 6.12, not 6.18 here) maps an
 * ELF library's file pages with MAP_FIXED_NOREPLACE, then its bss with
 * vm_brk_flags(), which unmaps the bss range first.
 */
TEST(audit_uselib_bss_over_a_seal)
{
	size_t pg = ctx->page;
	/* Below 2 GiB: 6.1's load_elf_library() keeps the mapped address
	 * in an int and gives up on a higher one before the bss. */
	char *arena = mmap(NULL, 32 * pg, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	char *s, *c;
	char path[] = "/tmp/mseal-audit-lib-XXXXXX";
	int fd = mkstemp(path);
	long rc;

	CHECK(arena != MAP_FAILED && fd >= 0);
	close(fd);
	s = anon_at(arena + 8 * pg, 4, RO, 's');
	c = anon_at(arena + 24 * pg, 4, RO, 'c');
	CHECK_SYS_OK(munmap(s - pg, pg));
	CHECK_SYS_OK(munmap(c - pg, pg));
	/* Control: over an unsealed range the bss replaces it.  The seccomp
	 * backend refuses uselib whenever a BASE seal exists, and the
	 * harness has sealed a scratch page. */
	write_lib(path, (uintptr_t)(c - pg), 5 * pg);
	rc = uselib(path);
	if (rc == -ENOSYS || rc == -EACCES) {
		unlink(path);
		SKIP("uselib: %s", strerror((int)-rc));
	}
	if (backend_is_native()) {
		CHECK(rc == 0);
		CHECK(page_mapped(c) && all_bytes(c, 4 * pg, 0));
	} else {
		CHECK(rc == -EPERM);
		CHECK(page_mapped(c) && all_bytes(c, 4 * pg, 'c'));
	}
	SEAL(s, 4 * pg);
	write_lib(path, (uintptr_t)(s - pg), 5 * pg);
	rc = uselib(path);
	unlink(path);
	if (rc != -EPERM)
		FAIL("uselib over the seal = %ld (%s), the sealed range %s", rc,
		     rc ? strerror((int)-rc) : "done",
		     page_mapped(s) && all_bytes(s, 4 * pg, 's') ? "intact" :
								   "replaced");
	CHECK(page_mapped(s) && all_bytes(s, 4 * pg, 's'));
	CHECK(prot_refused(s, 4 * pg, RO));
}

/* ---- huge page rounding ---------------------------------------------- */

/*
 * mremap of a hugetlb source rounds old_len and new_len up to the huge
 * page size (align_hugetlb()), so a MREMAP_FIXED move of one base page
 * unmaps a whole huge page at the destination.
 */
/* The filter's next huge page size above 2 MiB: arm64's 32 MiB
 * (contiguous PMDs), x86-64's 1 GiB. */
#if defined(__aarch64__)
#define HUGE_ABOVE_2M 0x2000000UL
#else
#define HUGE_ABOVE_2M 0x40000000UL
#endif

TEST(audit_mremap_hugetlb_source_rounds_len)
{
	size_t pg = ctx->page, h = huge_size();
	char *d, *e, *src, *r;
	int fd;

	if (!h)
		SKIP("no huge page size in /proc/meminfo");
	fd = huge_memfd(h);
	d = reserve_aligned(h, h);
	e = reserve_aligned(h, h);
	anon_at(d, h / pg, RO, 'd');
	anon_at(e, h / pg, RO, 'e');
	SEAL(d + h / 2, pg);
	src = mmap(NULL, h, RO, MAP_SHARED | MAP_NORESERVE, fd, 0);
	CHECK(src != MAP_FAILED);
	/*
	 * The filter rounds a source by the largest huge page its address
	 * allows (SEMANTICS.md section 8): at a boundary of the next size
	 * (arm64's 32 MiB: one 2 MiB-aligned address in 16) the control's
	 * source would reach the seal above it.  Map again, elsewhere.
	 */
	for (int k = 0;
	     k < 4 && h < HUGE_ABOVE_2M && (uintptr_t)src % HUGE_ABOVE_2M == 0;
	     k++) {
		src = mmap(NULL, h, RO, MAP_SHARED | MAP_NORESERVE, fd, 0);
		CHECK(src != MAP_FAILED);
	}
	CHECK(h >= HUGE_ABOVE_2M || (uintptr_t)src % HUGE_ABOVE_2M);
	r = mremap(src, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, d);
	CHECK(r == MAP_FAILED && errno == EPERM);
	CHECK(all_bytes(d + h / 2, pg, 'd'));
	CHECK(prot_refused(d + h / 2, pg, RO));
	/* Control: onto an unsealed range the huge page lands whole. */
	r = mremap(src, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, e);
	CHECK(r == e);
	CHECK(mapping_named(e + h / 2, "memfd:audit"));
	close(fd);
}

/*
 * A seal cannot split a huge page: the kernel answers EINVAL.  A seal of
 * one base page inside it would let a shrinking mremap (rounded to huge
 * pages) unmap it.
 */
/*
 * The seccomp backend's answer differs (SEMANTICS.md section 8): it seals
 * the base pages asked for, and the filter's rounding of an mremap shrink
 * keeps them.
 */
TEST(audit_hugetlb_partial_seal_einval)
{
	size_t pg = ctx->page, h = huge_size();
	char *m, *r;
	int fd;

	if (!h)
		SKIP("no huge page size in /proc/meminfo");
	fd = huge_memfd(2 * h);
	m = mmap(NULL, 2 * h, RO, MAP_SHARED | MAP_NORESERVE, fd, 0);
	CHECK(m != MAP_FAILED);
	if (backend_is_native()) {
		CHECK_ERR(mseal_range(m + h + pg, pg, MSEAL_ALL), EINVAL);
		/* Nothing sealed: the rounded shrink unmaps the second huge
		 * page. */
		r = mremap(m, h + pg, h, 0);
		CHECK(r == m);
		CHECK(!page_mapped(m + h + pg));
	} else {
		CHECK_OK(mseal_range(m + h + pg, pg, MSEAL_ALL));
		/* The shrink rounds to the huge page, over the seal. */
		r = mremap(m, h + pg, h, 0);
		CHECK(r == MAP_FAILED && errno == EPERM);
		CHECK(page_mapped(m + h + pg));
		CHECK(mapping_named(m + h + pg, "memfd:audit"));
	}
	/* Control: a whole huge page can be sealed. */
	CHECK_OK(mseal_range(m, h, MSEAL_ALL));
	CHECK(prot_refused(m, h, RO));
	close(fd);
}

/* ---- brk ------------------------------------------------------------ */

/* brk growth never replaces a mapping: it stops below the next one. */
TEST(audit_brk_growth_stops_below_a_seal)
{
	size_t pg = ctx->page;
	uintptr_t brk0 = (uintptr_t)syscall(SYS_brk, 0);
	uintptr_t top = (brk0 + pg - 1) & ~(uintptr_t)(pg - 1);
	char *s =
		mmap((void *)(top + 2 * pg), pg, RW,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (s != (char *)(top + 2 * pg))
		SKIP("the pages above the break are in use");
	fill(s, pg, RO, 's');
	SEAL(s, pg);
	CHECK((uintptr_t)syscall(SYS_brk, top + 4 * pg) == brk0);
	CHECK(page_mapped(s) && all_bytes(s, pg, 's'));
	/* Control: below the seal the break grows. */
	CHECK((uintptr_t)syscall(SYS_brk, top + pg) == top + pg);
	CHECK((uintptr_t)syscall(SYS_brk, brk0) == brk0);
}

/* ---- growsdown ------------------------------------------------------- */

/*
 * mprotect(PROT_GROWSDOWN) extends the range down to the start of the
 * mapping holding it (do_mprotect_pkey()).  The kernel's seal splits the
 * mapping, so the extension stops at the seal; a filter cannot know the
 * start and refuses when any PROT seal lies below (SEMANTICS.md section 8).
 */
TEST(audit_mprotect_growsdown_stops_at_the_seal)
{
	size_t pg = ctx->page;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN;
	char *arena = reserve(128), *c, *g, perms[5];

	/* The control lies below the seal. */
	c = mmap(arena + 16 * pg, 4 * pg, RW, flags, -1, 0);
	g = mmap(arena + 64 * pg, 4 * pg, RW, flags, -1, 0);
	CHECK(c == arena + 16 * pg && g == arena + 64 * pg);
	SEAL(g, pg);
	if (backend_is_native()) {
		CHECK_SYS_OK(mprotect(g + 3 * pg, pg, RO | PROT_GROWSDOWN));
		CHECK(strcmp(maps_perms(g + pg, perms), "r--p") == 0);
	} else {
		CHECK_SYS_ERR(mprotect(g + 3 * pg, pg, RO | PROT_GROWSDOWN),
			      EPERM);
		CHECK(strcmp(maps_perms(g + 3 * pg, perms), "rw-p") == 0);
	}
	CHECK(strcmp(maps_perms(g, perms), "rw-p") == 0);
	CHECK(prot_refused(g, pg, RW));
	/* Control: unsealed, the whole mapping changes. */
	CHECK_SYS_OK(mprotect(c + 3 * pg, pg, RO | PROT_GROWSDOWN));
	CHECK(strcmp(maps_perms(c, perms), "r--p") == 0);
}

/* ---- calls that never replace ------------------------------------- */

/* mmap without MAP_FIXED takes its address as a hint only. */
TEST(audit_mmap_hint_never_replaces_a_seal)
{
	size_t pg = ctx->page;
	char *s = map_anon(1, RW), *c = map_anon(1, RW), *r;

	fill(s, pg, RO, 's');
	SEAL(s, pg);
	r = mmap(s, pg, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(r != MAP_FAILED && r != s);
	CHECK(all_bytes(s, pg, 's'));
	/* Control: a free hint is taken. */
	CHECK_SYS_OK(munmap(c, pg));
	r = mmap(c, pg, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(r == c);
}

/*
 * ARCH_MAP_VDSO_* maps a vdso only when none is mapped (map_vdso_once()),
 * and then at an address get_unmapped_area() picks: never over a mapping.
 */
TEST(audit_arch_map_vdso_at_a_seal)
{
#if !defined(__x86_64__)
	SKIP("x86-64 only: arch_prctl(ARCH_MAP_VDSO_64)");
#else
	size_t pg = ctx->page;
	char *s = map_anon(1, RW);
	long rc;

	fill(s, pg, RO, 's');
	SEAL(s, pg);
	rc = syscall(SYS_arch_prctl, ARCH_MAP_VDSO_64, s);
	CHECK(rc == -1 && (errno == EEXIST || errno == EINVAL));
	CHECK(page_mapped(s) && all_bytes(s, pg, 's'));
	CHECK(prot_refused(s, pg, RO));
#endif
}

/* ---- calls the kernel's seal allows ---------------------------------- */

static int uffd_open(uint64_t features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int u = (int)syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);

	if (u < 0)
		SKIP("userfaultfd: %s", strerror(errno));
	if (ioctl(u, UFFDIO_API, &api) != 0)
		SKIP("UFFDIO_API with features 0x%llx: %s",
		     (unsigned long long)features, strerror(errno));
	return u;
}

static void uffd_register(int u, char *p, size_t len)
{
	struct uffdio_register r = {
		.range = { (uintptr_t)p, len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};

	CHECK_SYS_OK(ioctl(u, UFFDIO_REGISTER, &r));
}

static int uffd_move(int u, char *dst, char *src, size_t len)
{
	struct audit_uffdio_move m = { (uintptr_t)dst, (uintptr_t)src, len, 0,
				       0 };

	return ioctl(u, AUDIT_UFFDIO_MOVE, &m) == 0 ? 0 : errno;
}

/*
 * UFFDIO_MOVE takes pages out of the source mapping, but only between
 * writable mappings (validate_move_areas()): read-only sealed memory is
 * refused as any read-only memory is, and writable sealed memory may lose
 * its pages as it may to MADV_DONTNEED.  UFFDIO_ZEROPAGE and UFFDIO_COPY
 * fill only missing pages (-EEXIST on a present one).
 */
TEST(audit_userfaultfd_on_sealed_memory)
{
	size_t pg = ctx->page;
	int u = uffd_open(AUDIT_UFFD_FEATURE_MOVE);
	char *dst = map_anon(2, RW);
	char *ro = map_anon(1, RW), *rw = map_anon(1, RW);
	char *ro_c = map_anon(1, RW);
	struct uffdio_zeropage z = { .range = { (uintptr_t)ro, pg } };

	fill(ro, pg, RO, 'r');
	fill(ro_c, pg, RO, 'r');
	fill(rw, pg, RW, 'w');
	SEAL(ro, pg);
	SEAL(rw, pg);
	uffd_register(u, dst, 2 * pg);
	CHECK(uffd_move(u, dst, ro, pg) == EINVAL);
	CHECK(all_bytes(ro, pg, 'r'));
	CHECK(uffd_move(u, dst, ro_c, pg) == EINVAL); /* unsealed: same */
	CHECK(uffd_move(u, dst + pg, rw, pg) == 0);
	CHECK(all_bytes(dst + pg, pg, 'w') && all_bytes(rw, pg, 0));
	CHECK(prot_refused(rw, pg, RW));
	/* Registering sealed memory is allowed; filling is for holes only. */
	uffd_register(u, ro, pg);
	CHECK(ioctl(u, UFFDIO_ZEROPAGE, &z) == -1 && errno == EEXIST);
	CHECK(all_bytes(ro, pg, 'r'));
	close(u);
}

/* process_vm_writev honours the protection (no FOLL_FORCE): read-only
 * sealed memory is EFAULT as read-only memory is; writable is written. */
TEST(audit_process_vm_writev_respects_protection)
{
	size_t pg = ctx->page;
	char *ro = map_anon(1, RW), *rw = map_anon(1, RW);
	char *ro_c = map_anon(1, RW), buf[16] = "overwritten";
	struct iovec l = { buf, sizeof(buf) }, r = { ro, sizeof(buf) };

	fill(ro, pg, RO, 'r');
	fill(ro_c, pg, RO, 'r');
	fill(rw, pg, RW, 'w');
	SEAL(ro, pg);
	SEAL(rw, pg);
	errno = 0;
	CHECK(process_vm_writev(getpid(), &l, 1, &r, 1, 0) == -1);
	if (errno == ENOSYS || errno == EPERM)
		SKIP("process_vm_writev: %s", strerror(errno));
	CHECK(errno == EFAULT && all_bytes(ro, pg, 'r'));
	r.iov_base = ro_c;
	CHECK_SYS_ERR(process_vm_writev(getpid(), &l, 1, &r, 1, 0), EFAULT);
	r.iov_base = rw;
	CHECK(process_vm_writev(getpid(), &l, 1, &r, 1, 0) ==
	      (ssize_t)sizeof(buf));
	CHECK(memcmp(rw, "overwritten", 11) == 0);
}

/* move_pages migrates contents (here to the node they are on): allowed. */
TEST(audit_move_pages_sealed_allowed)
{
	size_t pg = ctx->page;
	char *s = map_anon(1, RW), *c = map_anon(1, RW);
	void *pages[1];
	int node = 0, status = -1;

	fill(s, pg, RO, 's');
	fill(c, pg, RO, 'c');
	SEAL(s, pg);
	pages[0] = c;
	if (syscall(SYS_move_pages, 0, 1, pages, &node, &status,
		    MPOL_MF_MOVE) != 0)
		SKIP("move_pages: %s", strerror(errno));
	pages[0] = s;
	CHECK_SYS_OK(syscall(SYS_move_pages, 0, 1, pages, &node, &status,
			     MPOL_MF_MOVE));
	CHECK(status == 0 && all_bytes(s, pg, 's'));
	CHECK(prot_refused(s, pg, RO));
}

/* shmctl changes the segment, not the mapping: IPC_RMID leaves it
 * attached, SHM_LOCK pins it. */
TEST(audit_shmctl_on_sealed_segment)
{
	size_t pg = ctx->page;
	int id = shmget(IPC_PRIVATE, pg, IPC_CREAT | 0600);
	char *s;

	if (id < 0)
		SKIP("shmget: %s", strerror(errno));
	s = shmat(id, NULL, 0);
	CHECK(s != (char *)-1);
	memset(s, 's', pg);
	SEAL(s, pg);
	CHECK_SYS_OK(shmctl(id, IPC_RMID, NULL));
	if (shmctl(id, SHM_LOCK, NULL) == 0)
		CHECK_SYS_OK(shmctl(id, SHM_UNLOCK, NULL));
	CHECK(page_mapped(s) && all_bytes(s, pg, 's'));
	CHECK_SYS_OK(shmdt(s)); /* 0 on both backends, nothing detached */
	CHECK(page_mapped(s) && all_bytes(s, pg, 's'));
	CHECK(prot_refused(s, pg, RW));
}

/*
 * mremap with old_len 0 duplicates a shared mapping (the "DOS-emu"
 * case): the source is looked up at old_address and, being sealed, the
 * call is refused.
 */
TEST(audit_mremap_old_len_zero_of_sealed_shared)
{
	size_t pg = ctx->page;
	char *s = map_anon_shared(1, RW), *c = map_anon_shared(1, RW), *r;

	memset(s, 's', pg);
	memset(c, 'c', pg);
	SEAL(s, pg);
	r = mremap(s, 0, pg, MREMAP_MAYMOVE);
	CHECK(r == MAP_FAILED && errno == EPERM);
	r = mremap(c, 0, pg, MREMAP_MAYMOVE);
	CHECK(r != MAP_FAILED && r != c && all_bytes(r, pg, 'c'));
}

/* shmat without SHM_REMAP never replaces: a mapped address is EINVAL
 * (do_shmat() checks find_vma_intersection()), sealed or not. */
TEST(audit_shmat_without_remap_never_replaces)
{
	size_t pg = ctx->page;
	int id = shmget(IPC_PRIVATE, pg, IPC_CREAT | 0600);
	char *s = map_anon(1, RW), *c = map_anon(1, RW), *r;

	if (id < 0)
		SKIP("shmget: %s", strerror(errno));
	fill(s, pg, RO, 's');
	fill(c, pg, RO, 'c');
	SEAL(s, pg);
	r = shmat(id, s, 0);
	CHECK(r == (char *)-1 && errno == EINVAL);
	CHECK(all_bytes(s, pg, 's'));
	r = shmat(id, c, 0); /* unsealed: the same */
	CHECK(r == (char *)-1 && errno == EINVAL);
	CHECK(all_bytes(c, pg, 'c'));
	/* Control: at a free address it attaches. */
	CHECK_SYS_OK(munmap(c, pg));
	r = shmat(id, c, 0);
	shmctl(id, IPC_RMID, NULL);
	CHECK(r == c);
}

/*
 * MSEAL_DISCARD without MSEAL_PROT (a seccomp-only subset): "not
 * writable" is decided at seal time, while the protection may still
 * change.  Memory writable then stays open to discard after it is made
 * read-only; memory read-only then stays guarded after it is made
 * writable (libmseal(7)).
 */
TEST_ONCE(audit_discard_alone_decides_writable_at_seal_time)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *rw = map_anon(1, RW), *ro = map_anon(1, RW);
	struct mseal_features f;

	setenv("MSEAL_BACKEND", "seccomp", 1);
	mseal_probe(&f);
	if (f.backend != MSEAL_BACKEND_SECCOMP)
		SKIP("no seccomp filters in this kernel");
	fill(rw, pg, RW, 'w');
	fill(ro, pg, RO, 'r');
	CHECK_OK(mseal_range(rw, pg, MSEAL_DISCARD));
	CHECK_OK(mseal_range(ro, pg, MSEAL_DISCARD));
	CHECK_SYS_OK(mprotect(rw, pg, RO));
	CHECK_SYS_OK(madvise(rw, pg, MADV_DONTNEED));
	CHECK(all_bytes(rw, pg, 0));
	CHECK_SYS_OK(mprotect(ro, pg, RW));
	CHECK_SYS_ERR(madvise(ro, pg, MADV_DONTNEED), EPERM);
	CHECK(all_bytes(ro, pg, 'r'));
}

/*
 * A tracer rewriting the first argument (A6, A17), at the syscall-entry
 * stop, after which seccomp runs, or at the seccomp stop of another
 * filter's SECCOMP_RET_TRACE, after which seccomp runs again.  x86-64's
 * seccomp_data reads the registers the tracer left.  arm64's reads the
 * first argument from orig_x0, saved before either stop, while the call
 * takes x0.  Kernels before "arm64: syscall: Ensure saved x0 is kept in-sync
 * with tracer updates" (upstream e057b9477232, 2026, and its stable
 * backports) do not copy a tracer's x0 to orig_x0 (gpr_set()): there the
 * filter judges the address the tracee passed and the kernel acts on the
 * one the tracer wrote, and these tests fail.  Debian's arm64 6.1.192 and
 * 6.12.117 have the fix: they pass there, at both stops.
 *
 * The tracee (a child of the tracer) calls munmap on an unsealed decoy
 * page twice; the tracer rewrites the first address to an unsealed
 * control page, which must go (the rewrite takes effect), and the second
 * to the sealed page, which must stay (EPERM).
 */
#if defined(__x86_64__)
#define FIRST_ARG(regs) ((regs).rdi)
#elif defined(__aarch64__)
#define FIRST_ARG(regs) ((regs).regs[0])
#endif

struct rewrite {
	char *decoy, *control, *sealed;
	bool filter;	 /* the tracee installs the seal filter itself */
	bool at_seccomp; /* rewrite at a seccomp stop, not at entry */
};

/* Exit statuses of a tracee whose set-up failed. */
enum { TRACEE_NO_TRACEME = 64, TRACEE_NO_SECCOMP = 65 };

static int install(struct sock_filter *f, size_t len)
{
	struct sock_fprog fp = { (unsigned short)len, f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp);
}

/* The tracee's part: never returns.  Exit status: the bits of what went
 * wrong, 0 when nothing did. */
static void rewrite_tracee(const struct rewrite *w, size_t pg)
{
	struct sock_filter trace[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_munmap, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	long r1, r2;
	int e2, bad;

	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		_exit(TRACEE_NO_TRACEME);
	if (w->filter) {
		struct msl_frange r = { (uintptr_t)w->sealed,
					(uintptr_t)w->sealed + pg, 0, 0, 0 };
		struct sock_filter f[MSL_FILTER_MAX_INSNS];
		int len = msl_filter_compile(&r, 1, MSEAL_BASE, f,
					     MSL_FILTER_MAX_INSNS);

		if (len <= 0 || install(f, (size_t)len))
			_exit(TRACEE_NO_SECCOMP);
	}
	if (w->at_seccomp && install(trace, sizeof(trace) / sizeof(*trace)))
		_exit(TRACEE_NO_SECCOMP);
	raise(SIGSTOP);
	r1 = syscall(SYS_munmap, w->decoy, pg);
	r2 = syscall(SYS_munmap, w->decoy, pg);
	e2 = errno;
	bad = (r1 != 0) | page_mapped(w->control) << 1 | (r2 == 0) << 2 |
	      (r2 != 0 && e2 != EPERM) << 3;
	if (!page_mapped(w->sealed))
		bad |= 16;
	else if (!all_bytes(w->sealed, pg, 's'))
		bad |= 32;
	_exit(bad);
}

/* Whether the stop in status is munmap(decoy)'s, where w rewrites. */
static bool rewrite_stop(const struct rewrite *w, pid_t pid, int status)
{
	struct __ptrace_syscall_info si;
	uint64_t nr, a0;

	if (w->at_seccomp ?
		    status >> 8 != (SIGTRAP | PTRACE_EVENT_SECCOMP << 8) :
		    WSTOPSIG(status) != (SIGTRAP | 0x80))
		return false;
	if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(si), &si) <= 0)
		FAIL("PTRACE_GET_SYSCALL_INFO: %s", strerror(errno));
	if (si.op == PTRACE_SYSCALL_INFO_ENTRY && !w->at_seccomp) {
		nr = si.entry.nr;
		a0 = si.entry.args[0];
	} else if (si.op == PTRACE_SYSCALL_INFO_SECCOMP && w->at_seccomp) {
		nr = si.seccomp.nr;
		a0 = si.seccomp.args[0];
	} else {
		return false;
	}
	return nr == SYS_munmap && a0 == (uintptr_t)w->decoy;
}

/* Runs the tracee to its end, rewriting munmap(decoy)'s address to the
 * control page, then to the sealed one.  Returns its wait status. */
static int rewrite_trace(const struct rewrite *w, pid_t pid)
{
	char *to[2] = { w->control, w->sealed };
	struct user_regs_struct regs;
	struct iovec iov = { &regs, sizeof(regs) };
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL |
		    (w->at_seccomp ? PTRACE_O_TRACESECCOMP : 0);
	int status, sig = 0;
	size_t k = 0;

	if (waitpid(pid, &status, 0) != pid)
		FAIL("waitpid: %s", strerror(errno));
	if (!WIFSTOPPED(status))
		return status;
	CHECK_SYS_OK(ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)opts));
	for (;;) {
		CHECK_SYS_OK(
			ptrace(w->at_seccomp ? PTRACE_CONT : PTRACE_SYSCALL,
			       pid, NULL, (void *)(long)sig));
		sig = 0;
		if (waitpid(pid, &status, 0) != pid)
			FAIL("waitpid: %s", strerror(errno));
		if (!WIFSTOPPED(status))
			return status;
		/* A signal for the tracee, not a syscall or event stop. */
		if (WSTOPSIG(status) != (SIGTRAP | 0x80) && status >> 16 == 0)
			sig = WSTOPSIG(status);
		if (k == 2 || !rewrite_stop(w, pid, status))
			continue;
		CHECK_SYS_OK(ptrace(PTRACE_GETREGSET, pid,
				    (void *)(long)NT_PRSTATUS, &iov));
		FIRST_ARG(regs) = (uintptr_t)to[k++];
		CHECK_SYS_OK(ptrace(PTRACE_SETREGSET, pid,
				    (void *)(long)NT_PRSTATUS, &iov));
	}
}

/* Both stops, each with a tracee of its own. */
static void rewrite_run(struct rewrite *w, size_t pg)
{
	static const char *const where[] = { "syscall-entry", "seccomp" };

	for (int m = 0; m < 2; m++) {
		int status, bad;
		pid_t pid;

		w->at_seccomp = m;
		pid = fork();
		if (pid < 0)
			FAIL("fork: %s", strerror(errno));
		if (pid == 0)
			rewrite_tracee(w, pg);
		status = rewrite_trace(w, pid);
		if (!WIFEXITED(status))
			FAIL("%s stop: tracee ended with status %#x", where[m],
			     status);
		bad = WEXITSTATUS(status);
		if (bad == TRACEE_NO_TRACEME)
			SKIP("PTRACE_TRACEME refused");
		if (bad == TRACEE_NO_SECCOMP)
			SKIP("no seccomp filter in the tracee");
		if (bad & 3)
			FAIL("%s stop, the control: munmap rewritten to the "
			     "unsealed page left it mapped (%#x)",
			     where[m], bad);
		if (bad)
			FAIL("%s stop: munmap rewritten to the sealed page: "
			     "%s (%#x)",
			     where[m], bad & 16 ? "unmapped" : "not EPERM",
			     bad);
	}
}

/*
 * The library's own trial of the same (src/tracer.c), which decides
 * whether arm64 gets the seccomp backend: on every kernel here the tests
 * above pass, so it must find the filter in step with the tracer, at both
 * stops, and leave no child behind.
 */
TEST_ONCE(audit_tracer_trial_finds_the_kernel_in_step)
{
	int r = msl_tracer_trial();

	CHECK(waitpid(-1, NULL, __WALL | WNOHANG) < 0 && errno == ECHILD);
	if (r != 1)
		FAIL("msl_tracer_trial() = %d, want 1: %s", r,
		     r ? "the trial failed" :
			 "a filter saw a first argument from before the "
			 "tracer rewrote it");
}

/* With the backend under test, sealed before the fork. */
TEST(audit_tracer_rewrites_the_first_argument)
{
	struct rewrite w = { map_anon(1, RW), map_anon(1, RW), map_anon(1, RW),
			     false, false };

	fill(w.control, ctx->page, RO, 'c');
	fill(w.sealed, ctx->page, RO, 's');
	SEAL(w.sealed, ctx->page);
	rewrite_run(&w, ctx->page);
}

/*
 * The same against the filter alone, installed by the tracee with no
 * backend in between: it runs wherever the filter compiles, whether or not
 * the library offers the seccomp backend there (MSL_SEAL_FILTER_ARCH).
 */
TEST_ONCE(audit_tracer_rewrites_the_first_argument_past_the_filter)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	struct rewrite w = { map_anon(1, RW), map_anon(1, RW), map_anon(1, RW),
			     true, false };

	fill(w.control, pg, RO, 'c');
	fill(w.sealed, pg, RO, 's');
	rewrite_run(&w, pg);
}

// SPDX-License-Identifier: MIT
/*
 * Kernel facts the filter's per-architecture rules rest on, tried on the
 * kernel itself (docs/AUDIT.md A12, A13).  No seal is involved: these are
 * the kernel's rules, the same on both backends; each call has a control
 * that acts where the asserted one must not.
 *
 * arm64: the filter strips a top-byte tag (bits 56-63, bit 55 clear) from
 * the addresses of munmap, mprotect, madvise and mremap's source, and
 * compares the others as given: mmap's, mremap's new address, shmat's,
 * shmdt's, remap_file_pages' and brk's.  That is right only if the kernel
 * never acts at the untagged address for the latter.  Elsewhere those
 * tests skip.
 *
 * Both: h_mprotect lets prot values through unchecked that it takes for
 * the kernel's EINVAL; that is right only if they are.  huge_end() rounds
 * by the huge page sizes the architecture can have (A14); that is right
 * only if the kernel has no other.
 */
#include <dirent.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>

#include "harness.h"

#define RW (PROT_READ | PROT_WRITE)

#if defined(__aarch64__)
/* A user address with tag 0x5a in its top byte. */
static void *tagged(const void *p)
{
	return (void *)((uintptr_t)p | 0x5aull << 56);
}
#endif

TEST_ONCE(arm64_tagged_mmap_mremap_shm_addresses_reach_nothing)
{
#if !defined(__aarch64__)
	SKIP("top-byte tags are arm64's");
#else
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *c = filled(1, RW, 'c'), *s = filled(1, RW, 's'), *r;
	int id;

	/* mmap with MAP_FIXED: no untagging since 5.6. */
	r = mmap(tagged(c), pg, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
		 0);
	CHECK(r == MAP_FAILED);
	CHECK(all_bytes(c, pg, 'c'));
	/* mremap's new address: the same. */
	r = mremap(s, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, tagged(c));
	CHECK(r == MAP_FAILED);
	CHECK(all_bytes(c, pg, 'c') && all_bytes(s, pg, 's'));
	/* shmat with SHM_REMAP, then shmdt: never untagged. */
	id = shmget(IPC_PRIVATE, pg, IPC_CREAT | 0600);
	if (id < 0)
		SKIP("shmget: %s", strerror(errno));
	r = shmat(id, tagged(c), SHM_REMAP);
	CHECK(r == (char *)-1);
	CHECK(all_bytes(c, pg, 'c'));
	r = shmat(id, c, SHM_REMAP); /* control */
	shmctl(id, IPC_RMID, NULL);
	CHECK(r == c && all_bytes(c, pg, 0));
	CHECK(shmdt(tagged(c)) == -1 && errno == EINVAL);
	CHECK(page_mapped(c));
	CHECK_SYS_OK(shmdt(c)); /* control */
	CHECK(!page_mapped(c));
	/* Controls for the first two: without the tag they act. */
	r = mremap(s, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, c);
	CHECK(r == c && all_bytes(c, pg, 's'));
	r = mmap(c, pg, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(r == c && all_bytes(c, pg, 0));
#endif
}

TEST_ONCE(arm64_tagged_remap_file_pages_and_brk_reach_nothing)
{
#if !defined(__aarch64__)
	SKIP("top-byte tags are arm64's");
#else
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *m = map_file(2, RW, MAP_SHARED);
	uintptr_t cur, grown;

	memset(m, 'a', pg);
	memset(m + pg, 'b', pg);
	/* remap_file_pages: the file's second page over the first. */
	CHECK(remap_file_pages(tagged(m), pg, 0, 1, 0) == -1);
	CHECK(all_bytes(m, pg, 'a'));
	CHECK_SYS_OK(remap_file_pages(m, pg, 0, 1, 0)); /* control */
	CHECK(all_bytes(m, pg, 'b'));
	/*
	 * brk: a tagged break below the current one must not shrink it
	 * (the kernel returns the break it keeps).  Only pages above the
	 * break the test found are moved.
	 */
	cur = (uintptr_t)syscall(SYS_brk, 0);
	grown = (uintptr_t)syscall(SYS_brk, cur + 4 * pg);
	if (grown != cur + 4 * pg)
		SKIP("brk cannot grow here");
	CHECK((uintptr_t)syscall(SYS_brk, tagged((void *)cur)) == grown);
	CHECK((uintptr_t)syscall(SYS_brk, cur) == cur); /* control */
#endif
}

/*
 * prot bits beyond what arch_validate_prot() may accept (x86-64: READ,
 * WRITE, EXEC, SEM; arm64: also BTI and MTE, where the CPU has them), in
 * either word, and GROWSDOWN with GROWSUP: EINVAL, nothing changed.
 */
TEST_ONCE(mprotect_prot_bits_the_filter_lets_through_are_einval)
{
#if defined(__aarch64__)
	const unsigned long ok = 0x3f;
#else
	const unsigned long ok = 0xf;
#endif
	const unsigned long grows = 0x03000000; /* GROWSDOWN, GROWSUP */
	/* PROT_SEAL, PROT_DOWNGRADEABLE: the seal-types kernel takes them,
	 * and the filter checks the range for them. */
	const unsigned long seal = 0x0c000000;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *c = filled(1, PROT_READ, 'c'), perms[5];

	for (unsigned int b = 0; b < 64; b++) {
		unsigned long bit = 1ul << b;

		if (bit & (ok | grows | seal))
			continue;
		errno = 0;
		if (syscall(SYS_mprotect, c, pg, RW | bit) != -1 ||
		    errno != EINVAL)
			FAIL("mprotect(prot %#lx): %s", RW | bit,
			     strerror(errno));
	}
	CHECK(syscall(SYS_mprotect, c, pg, RW | grows) == -1 &&
	      errno == EINVAL);
	CHECK(strcmp(maps_perms(c, perms), "r--p") == 0);
	CHECK_SYS_OK(syscall(SYS_mprotect, c, pg, RW)); /* control */
	CHECK(strcmp(maps_perms(c, perms), "rw-p") == 0);
}

/*
 * The kernel's hugetlb sizes (/sys/kernel/mm/hugepages, one directory per
 * size it supports, reserved or not) are among those huge_end() rounds by
 * (arch_desc.huge, written again here): with 4 KiB pages, 2 MiB and 1 GiB
 * on x86-64; 64 KiB, 2 MiB, 32 MiB and 1 GiB on arm64.
 */
TEST_ONCE(hugetlb_sizes_the_kernel_has_are_the_filters)
{
#if defined(__aarch64__)
	static const unsigned long known_kb[] = { 64, 2048, 32768, 1048576 };
#else
	static const unsigned long known_kb[] = { 2048, 1048576 };
#endif
	DIR *d = opendir("/sys/kernel/mm/hugepages");
	struct dirent *e;
	unsigned long kb;
	size_t n = 0, i;

	if (sysconf(_SC_PAGESIZE) != 4096)
		SKIP("not 4 KiB pages: no seccomp backend (AUDIT.md A15)");
	if (!d)
		SKIP("no /sys/kernel/mm/hugepages: %s", strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (sscanf(e->d_name, "hugepages-%lukB", &kb) != 1)
			continue;
		n++;
		for (i = 0; i < sizeof(known_kb) / sizeof(*known_kb); i++)
			if (known_kb[i] == kb)
				break;
		if (i == sizeof(known_kb) / sizeof(*known_kb))
			FAIL("huge page size %lu KiB unknown to the filter",
			     kb);
	}
	closedir(d);
	if (!n)
		SKIP("no huge page sizes in this kernel");
}

// SPDX-License-Identifier: MIT
/*
 * SEMANTICS.md section 2, the argument rules of the sealing call, in the
 * kernel's order: class bits (the kernel's flags), alignment, rounding and
 * overflow, len 0, holes, idempotence, mixed mappings, split and merge.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "harness.h"

TEST(args_unknown_class_bits_einval)
{
	char *p = map_anon(1, PROT_READ);

	CHECK_ERR(mseal_range(p, ctx->page, 0x20), EINVAL);
	CHECK_ERR(mseal_range(p, ctx->page, MSEAL_ALL | 0x80000000u), EINVAL);
	CHECK_ERR(mseal_range(p, ctx->page, 0), EINVAL);
	CHECK(!prot_refused(p, ctx->page, PROT_READ));
	/* Control: the valid classes seal. */
	CHECK_OK(mseal_range(p, ctx->page, MSEAL_ALL));
	CHECK(prot_refused(p, ctx->page, PROT_READ));
}

TEST(args_unaligned_addr_einval)
{
	char *p = map_anon(2, PROT_READ);

	CHECK_ERR(mseal_range(p + 1, ctx->page, MSEAL_ALL), EINVAL);
	CHECK_ERR(mseal_range(p + ctx->page - 1, 1, MSEAL_ALL), EINVAL);
	CHECK(!prot_refused(p, 2 * ctx->page, PROT_READ));
	CHECK_OK(mseal_range(p, ctx->page, MSEAL_ALL));
	CHECK(prot_refused(p, ctx->page, PROT_READ));
}

TEST(args_len_rounds_up_2_pages_minus_1)
{
	char *p = map_anon(3, PROT_READ);

	CHECK_OK(mseal_range(p, 2 * ctx->page - 1, MSEAL_ALL));
	CHECK(prot_refused(p, ctx->page, PROT_READ));
	CHECK(prot_refused(p + ctx->page, ctx->page, PROT_READ));
	/* Control: the third page was not part of the rounded range. */
	CHECK(!prot_refused(p + 2 * ctx->page, ctx->page, PROT_READ));
}

TEST(args_len_rounds_up_2_pages_plus_1)
{
	char *p = map_anon(4, PROT_READ);

	CHECK_OK(mseal_range(p, 2 * ctx->page + 1, MSEAL_ALL));
	CHECK(prot_refused(p + 2 * ctx->page, ctx->page, PROT_READ));
	CHECK(!prot_refused(p + 3 * ctx->page, ctx->page, PROT_READ));
}

TEST(args_len_overflow_einval)
{
	char *p = map_anon(1, PROT_READ);

	/* Rounds to 0. */
	CHECK_ERR(mseal_range(p, SIZE_MAX, MSEAL_ALL), EINVAL);
	CHECK_ERR(mseal_range(p, SIZE_MAX - ctx->page + 2, MSEAL_ALL), EINVAL);
	/* addr + len wraps past the top of the address space. */
	CHECK_ERR(mseal_range(p, SIZE_MAX - ctx->page + 1, MSEAL_ALL), EINVAL);
	CHECK_ERR(mseal_range(p, -(uintptr_t)p + ctx->page, MSEAL_ALL), EINVAL);
	CHECK(!prot_refused(p, ctx->page, PROT_READ));
	/* Control: a huge but non-wrapping length reaches the hole check. */
	CHECK_ERR(mseal_range(p, ((size_t)1 << 46), MSEAL_ALL), ENOMEM);
	CHECK(!prot_refused(p, ctx->page, PROT_READ));
}

TEST(args_len_zero_succeeds_anywhere)
{
	char *p = map_anon(1, PROT_READ);
	char *hole = p + ctx->page; /* the unmapped guard page */

	CHECK(!page_mapped(hole));
	CHECK_OK(mseal_range(hole, 0, MSEAL_ALL));
	CHECK_OK(mseal_range(NULL, 0, MSEAL_ALL));
	CHECK(!page_mapped(hole));
	/* len 0 seals nothing: the mapped page stays mutable. */
	CHECK_OK(mseal_range(p, 0, MSEAL_ALL));
	CHECK(!prot_refused(p, ctx->page, PROT_READ));
	/* The alignment rule still applies with len 0. */
	CHECK_ERR(mseal_range(p + 1, 0, MSEAL_ALL), EINVAL);
}

/* Three pages with page `hole` unmapped; sealing all fails, seals nothing. */
static void hole_case(struct test_ctx *ctx, int hole)
{
	char *p = map_anon(3, PROT_READ);
	int i;

	CHECK_SYS_OK(munmap(p + hole * ctx->page, ctx->page));
	CHECK_ERR(mseal_range(p, 3 * ctx->page, MSEAL_ALL), ENOMEM);
	for (i = 0; i < 3; i++)
		if (i != hole)
			CHECK(!prot_refused(p + i * ctx->page, ctx->page,
					    PROT_READ));
	/* Control: the mapped pieces seal one by one. */
	for (i = 0; i < 3; i++)
		if (i != hole)
			CHECK_OK(mseal_range(p + i * ctx->page, ctx->page,
					     MSEAL_ALL));
	for (i = 0; i < 3; i++)
		if (i != hole)
			CHECK(prot_refused(p + i * ctx->page, ctx->page,
					   PROT_READ));
}

TEST(args_hole_at_start_enomem)
{
	hole_case(ctx, 0);
}

TEST(args_hole_in_middle_enomem)
{
	hole_case(ctx, 1);
}

TEST(args_hole_at_end_enomem)
{
	hole_case(ctx, 2);
}

TEST(args_fully_unmapped_enomem)
{
	char *p = map_anon(1, PROT_READ);

	CHECK_ERR(mseal_range(p + ctx->page, ctx->page, MSEAL_ALL), ENOMEM);
	CHECK(!page_mapped(p + ctx->page));
	CHECK_OK(mseal_range(p, ctx->page, MSEAL_ALL));
}

TEST(args_reseal_is_idempotent)
{
	char *p = map_anon(2, PROT_READ);

	CHECK_OK(mseal_range(p, ctx->page, MSEAL_ALL));
	CHECK_OK(mseal_range(p, ctx->page, MSEAL_ALL));
	/* Overlapping a sealed and an unsealed page is fine too. */
	CHECK(!prot_refused(p + ctx->page, ctx->page, PROT_READ));
	CHECK_OK(mseal_range(p, 2 * ctx->page, MSEAL_ALL));
	CHECK(prot_refused(p + ctx->page, ctx->page, PROT_READ));
}

TEST(args_several_mappings_mixed_protections)
{
	char *p = map_anon(3, PROT_READ | PROT_WRITE);
	char perms[5];

	CHECK_SYS_OK(mprotect(p, ctx->page, PROT_READ));
	CHECK_SYS_OK(mprotect(p + 2 * ctx->page, ctx->page, PROT_NONE));
	CHECK(maps_count(p, 3 * ctx->page) == 3);
	CHECK_OK(mseal_range(p, 3 * ctx->page, MSEAL_ALL));
	CHECK(strcmp(maps_perms(p, perms), "r--p") == 0);
	CHECK(strcmp(maps_perms(p + ctx->page, perms), "rw-p") == 0);
	CHECK(strcmp(maps_perms(p + 2 * ctx->page, perms), "---p") == 0);
	CHECK(prot_refused(p, ctx->page, PROT_READ));
	CHECK(prot_refused(p + ctx->page, ctx->page, PROT_READ | PROT_WRITE));
	CHECK(prot_refused(p + 2 * ctx->page, ctx->page, PROT_NONE));
	/* The writable mapping is still writable. */
	p[ctx->page] = 1;
}

/*
 * A kernel seal is a flag on a mapping, so sealing part of one splits it.
 * A seccomp-backend seal lives in a filter: mappings are left as they are
 * (libmseal(7)), and the seal holds all the same.
 */
TEST(args_split_then_merge_in_maps)
{
	char *p = map_anon(3, PROT_READ);

	CHECK(maps_count(p, 3 * ctx->page) == 1);
	if (!backend_is_native()) {
		CHECK_OK(mseal_range(p + ctx->page, ctx->page, MSEAL_ALL));
		CHECK(maps_count(p, 3 * ctx->page) == 1);
		CHECK(!prot_refused(p, ctx->page, PROT_READ));
		CHECK(prot_refused(p + ctx->page, ctx->page, PROT_READ));
		CHECK(!prot_refused(p + 2 * ctx->page, ctx->page, PROT_READ));
		return;
	}
	CHECK_OK(mseal_range(p + ctx->page, ctx->page, MSEAL_ALL));
	/* Sealing the middle page split the mapping in three. */
	CHECK(maps_count(p, 3 * ctx->page) == 3);
	CHECK(!prot_refused(p, ctx->page, PROT_READ));
	CHECK_OK(mseal_range(p, ctx->page, MSEAL_ALL));
	CHECK_OK(mseal_range(p + 2 * ctx->page, ctx->page, MSEAL_ALL));
	/* All sealed alike: the kernel merged them again. */
	CHECK(maps_count(p, 3 * ctx->page) == 1);
}

/*
 * The library checks arguments itself (so that every backend and every span
 * of a batch fails alike); here each error case is put to the raw kernel
 * call too, and the answers must be the same.
 */
TEST(args_same_errors_as_raw_syscall)
{
	char *p = map_anon(3, PROT_READ);

	if (syscall(462, NULL, 0UL, 0UL) != 0)
		SKIP("the kernel lacks mseal(2): nothing to compare with");
	struct {
		char *addr;
		size_t len;
	} cases[] = {
		{ p + 1, ctx->page },
		{ p, SIZE_MAX },
		{ p, SIZE_MAX - ctx->page + 1 },
		{ p, -(uintptr_t)p },
		{ p + 3 * ctx->page, ctx->page },
		{ p, 4 * ctx->page },
		{ p - ctx->page, 2 * ctx->page },
		{ p + 3 * ctx->page, 0 },
		{ p + 1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long kr = syscall(462, cases[i].addr, cases[i].len, 0UL);
		int kerr = kr ? errno : 0;
		int lr = mseal_range(cases[i].addr, cases[i].len, MSEAL_ALL);

		if (lr != -kerr)
			FAIL("case %zu (%p, %#zx): library %d, kernel %d", i,
			     (void *)cases[i].addr, cases[i].len, lr, -kerr);
	}
	/* Flags past the seal types are refused by every kernel; flags at
	 * all only by one without the types of kernel/patches, which the
	 * probe tells apart. */
	struct mseal_features f;

	CHECK_OK(mseal_probe(&f));
	CHECK_SYS_ERR(syscall(462, p, ctx->page, 0x20UL), EINVAL);
	if (!(f.flags & MSEAL_FEAT_SEAL_TYPES))
		CHECK_SYS_ERR(syscall(462, p, ctx->page, 1UL), EINVAL);
	CHECK(!prot_refused(p, 3 * ctx->page, PROT_READ));
	if (f.flags & MSEAL_FEAT_SEAL_TYPES) {
		/* MM_SEAL_BASE alone: unmapping refused, mprotect not. */
		CHECK_SYS_OK(syscall(462, p + 2 * ctx->page, ctx->page, 1UL));
		CHECK(!prot_refused(p + 2 * ctx->page, ctx->page, PROT_READ));
		CHECK_SYS_ERR(munmap(p + 2 * ctx->page, ctx->page), EPERM);
	}
	/* Control: both seal a valid range. */
	CHECK_SYS_OK(syscall(462, p, ctx->page, 0UL));
	CHECK_OK(mseal_range(p + ctx->page, ctx->page, MSEAL_ALL));
	CHECK(prot_refused(p, ctx->page, PROT_READ));
	CHECK(prot_refused(p + ctx->page, ctx->page, PROT_READ));
}

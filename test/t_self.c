// SPDX-License-Identifier: MIT
/*
 * mseal_self(): what a failure leaves behind.  Without flags the call
 * seals all or nothing; with MSEAL_SELF_BEST_EFFORT it leaves out what
 * changed and seals object by object when the batch fails.  Each test
 * seals the test program itself, in its own child, after a control that
 * shows the same pages unsealed.  (What each class seals, and that
 * `mseal run` seals the same, is test/shell/self_sealed.sh.)
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "harness.h"
#include "self.h"

static const char self_rodata[] = "t_self read-only data";

static void *page_of(const void *p, size_t page)
{
	return (void *)((uintptr_t)p & ~(uintptr_t)(page - 1));
}

/* Whether mprotect to the page's own protection is refused (EPERM). */
static bool sealed(const void *p, int prot, size_t page)
{
	errno = 0;
	if (mprotect(page_of(p, page), page, prot) == 0)
		return false;
	if (errno != EPERM)
		FAIL("mprotect %p: %s", p, strerror(errno));
	return true;
}

#define TEXT(fn) ((const void *)(fn))
#define RX (PROT_READ | PROT_EXEC)

static int first_bias(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	*(uintptr_t *)arg = info->dlpi_addr;
	return 1; /* the program comes first */
}

/*
 * The seccomp backend leaves a fixed-address image out (a filter outlives
 * execve, and the next program would load at the same addresses:
 * SEMANTICS.md).  A static build of the suite (check-kernels' guests) is
 * not position-independent, so there these tests have nothing to seal.
 */
static void skip_fixed_image(void)
{
	uintptr_t bias = 1;

	dl_iterate_phdr(first_bias, &bias);
	if (!backend_is_native() && bias == 0)
		SKIP("this build of the suite is not position-independent: the "
		     "seccomp backend leaves its image out");
}

TEST(self_bad_arguments_seal_nothing)
{
	skip_fixed_image();
	CHECK(!sealed(TEXT(getpid), RX, ctx->page));
	CHECK_ERR(mseal_self(0, 0), EINVAL);
	CHECK_ERR(mseal_self(MSEAL_SELF_ALL + 1, 0), EINVAL);
	CHECK_ERR(mseal_self(MSEAL_SELF_TEXT, 0x2), EINVAL);
	CHECK(!sealed(TEXT(getpid), RX, ctx->page));
	CHECK(!sealed(TEXT(mseal_self), RX, ctx->page));
	CHECK_OK(mseal_self(MSEAL_SELF_TEXT, 0));
	CHECK(sealed(TEXT(getpid), RX, ctx->page));
	CHECK(sealed(TEXT(mseal_self), RX, ctx->page));
	CHECK(!sealed(self_rodata, PROT_READ, ctx->page));
}

/*
 * A page of the program's rodata made writable: not the way ld.so left
 * it.  All or nothing refuses with EBUSY and seals nothing; best effort
 * leaves that segment out and seals the rest.
 */
static void *make_rodata_writable(size_t page)
{
	void *p = page_of(self_rodata, page);

	CHECK(!sealed(self_rodata, PROT_READ, page));
	CHECK_SYS_OK(mprotect(p, page, PROT_READ | PROT_WRITE));
	return p;
}

TEST(self_changed_segment_fails_whole_call)
{
	skip_fixed_image();
	make_rodata_writable(ctx->page);
	CHECK_ERR(mseal_self(MSEAL_SELF_DEFAULT, 0), EBUSY);
	CHECK(!sealed(TEXT(mseal_self), RX, ctx->page));
	CHECK(!sealed(TEXT(getpid), RX, ctx->page));
}

TEST(self_best_effort_leaves_out_changed_segment)
{
	skip_fixed_image();
	void *p = make_rodata_writable(ctx->page);

	CHECK_OK(mseal_self(MSEAL_SELF_DEFAULT, MSEAL_SELF_BEST_EFFORT));
	CHECK(sealed(TEXT(mseal_self), RX, ctx->page));
	CHECK(sealed(TEXT(getpid), RX, ctx->page));
	CHECK(!sealed(p, PROT_READ | PROT_WRITE, ctx->page));
}

/*
 * A batch that fails after the plan: the hook unmaps the text of a
 * dlopen'd library between the check against /proc/self/maps and the
 * seal, as another thread's munmap could.
 */
static void *lib_text;
static size_t lib_page;

static void unmap_lib_text(void)
{
	munmap(lib_text, lib_page);
}

/* Opens the test library and returns its first page (its ELF header). */
static void *open_lib(struct test_ctx *ctx)
{
	const char *dir = getenv("MSEAL_BUILD");
	char path[4096];
	Dl_info info;
	void *h, *fn;

	if (!dir)
		SKIP("MSEAL_BUILD not set");
	snprintf(path, sizeof(path), "%s/test/libmsealtest.so", dir);
	h = dlopen(path, RTLD_NOW | RTLD_NODELETE);
	if (!h)
		SKIP("%s", dlerror());
	fn = dlsym(h, "msl_dltest_fn");
	CHECK(fn && dladdr(fn, &info) && info.dli_fbase);
	lib_text = page_of(fn, ctx->page);
	lib_page = ctx->page;
	CHECK(lib_text != info.dli_fbase);
	CHECK(!sealed(info.dli_fbase, PROT_READ, ctx->page));
	msl_self_test_hook = unmap_lib_text;
	return info.dli_fbase;
}

TEST(self_batch_failure_seals_nothing)
{
	skip_fixed_image();
	void *base = open_lib(ctx);

	/* Every span is checked before the first is sealed (both backends). */
	CHECK_ERR(mseal_self(MSEAL_SELF_DEFAULT, 0), ENOMEM);
	CHECK(!sealed(TEXT(mseal_self), RX, ctx->page));
	CHECK(!sealed(TEXT(getpid), RX, ctx->page));
	CHECK(!sealed(base, PROT_READ, ctx->page));
}

TEST(self_best_effort_seals_object_by_object)
{
	skip_fixed_image();
	void *base = open_lib(ctx);

	/* The first error is returned; every other object is sealed. */
	CHECK_ERR(mseal_self(MSEAL_SELF_DEFAULT, MSEAL_SELF_BEST_EFFORT),
		  ENOMEM);
	CHECK(sealed(TEXT(mseal_self), RX, ctx->page));
	CHECK(sealed(TEXT(getpid), RX, ctx->page));
	CHECK(sealed(self_rodata, PROT_READ, ctx->page));
	/* The library whose seal failed is left whole unsealed. */
	CHECK(!sealed(base, PROT_READ, ctx->page));
}

/*
 * Objects loaded after the call are not sealed by it (no dlopen hook in a
 * library); a second call seals them.
 */
TEST(self_later_dlopen_needs_another_call)
{
	skip_fixed_image();
	const char *dir = getenv("MSEAL_BUILD");
	char path[4096];
	void *h, *fn;

	if (!dir)
		SKIP("MSEAL_BUILD not set");
	CHECK_OK(mseal_self(MSEAL_SELF_DEFAULT, 0));
	CHECK(sealed(TEXT(getpid), RX, ctx->page));
	snprintf(path, sizeof(path), "%s/test/libmsealtest.so", dir);
	h = dlopen(path, RTLD_NOW | RTLD_NODELETE);
	if (!h)
		SKIP("%s", dlerror());
	fn = dlsym(h, "msl_dltest_fn");
	CHECK(fn != NULL);
	CHECK(!sealed(fn, RX, ctx->page));
	CHECK_OK(mseal_self(MSEAL_SELF_DEFAULT, 0));
	CHECK(sealed(fn, RX, ctx->page));
}

// SPDX-License-Identifier: MIT
/*
 * The library's own calls beyond mseal_range(): the one-shot
 * mseal_mmap()/mseal_mprotect(), the all-or-nothing batch mseal_ranges(),
 * mseal_query(), mimmutable(), classes and backend selection, threads.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "abi.h"
#include "harness.h"

static unsigned int query(void *p, size_t len)
{
	unsigned int c = 0xdead;

	CHECK_OK(mseal_query(p, len, &c));
	return c;
}

TEST(mmap_sealed_mapping)
{
	char *p = mseal_mmap(NULL, 2 * ctx->page, PROT_READ,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, MSEAL_ALL);
	char *q = mmap(NULL, ctx->page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	CHECK(p != MAP_FAILED && q != MAP_FAILED);
	CHECK(query(p, 2 * ctx->page) == MSEAL_ALL);
	CHECK_SYS_ERR(munmap(p, 2 * ctx->page), EPERM);
	CHECK(page_mapped(p) && page_mapped(p + ctx->page));
	/* Control: a plain mmap is not sealed. */
	CHECK(query(q, ctx->page) == 0);
	CHECK_SYS_OK(munmap(q, ctx->page));
}

TEST(mmap_rounds_len_up)
{
	char *p = mseal_mmap(NULL, ctx->page + 1, PROT_READ,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, MSEAL_ALL);

	char *q = mmap(NULL, ctx->page + 1, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED && q != MAP_FAILED);
	CHECK(query(p, 2 * ctx->page) == MSEAL_ALL);
	/* Control: the plain mapping of the same length is not sealed. */
	CHECK(query(q, 2 * ctx->page) == 0);
}

TEST(mmap_bad_classes_maps_nothing)
{
	char *hole = map_anon(1, PROT_NONE) + ctx->page; /* guard page */
	char *p;

	CHECK(!page_mapped(hole));
	errno = 0;
	p = mseal_mmap(hole, ctx->page, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0,
		       0x40);
	CHECK(p == MAP_FAILED && errno == EINVAL);
	CHECK(!page_mapped(hole));
	/* mmap's own errors pass through. */
	errno = 0;
	p = mseal_mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0,
		       MSEAL_ALL);
	CHECK(p == MAP_FAILED && errno == EINVAL);
	/* Control: the same call with valid classes maps it sealed. */
	p = mseal_mmap(hole, ctx->page, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0,
		       MSEAL_ALL);
	CHECK(p == hole);
	CHECK(prot_refused(p, ctx->page, PROT_READ));
}

TEST(mmap_fixed_over_sealed_eperm)
{
	char *p = mseal_mmap(NULL, ctx->page, PROT_READ,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, MSEAL_ALL);
	char *q = map_anon(1, PROT_READ);
	void *r;

	CHECK(p != MAP_FAILED);
	errno = 0;
	r = mseal_mmap(p, ctx->page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0,
		       MSEAL_ALL);
	CHECK(r == MAP_FAILED && errno == EPERM);
	CHECK(query(p, ctx->page) == MSEAL_ALL);
	/* Control: over an unsealed mapping it replaces and seals. */
	r = mseal_mmap(q, ctx->page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0,
		       MSEAL_ALL);
	CHECK(r == q);
	CHECK(prot_refused(q, ctx->page, PROT_READ | PROT_WRITE));
}

TEST(mprotect_then_seal)
{
	char *p = map_anon(2, PROT_READ | PROT_WRITE);
	char perms[5];

	p[0] = 42;
	CHECK_OK(mseal_mprotect(p, ctx->page, PROT_READ, MSEAL_ALL));
	CHECK(strcmp(maps_perms(p, perms), "r--p") == 0);
	CHECK(p[0] == 42);
	CHECK(prot_refused(p, ctx->page, PROT_READ | PROT_WRITE));
	/* Control: the neighbouring page kept its protection, unsealed. */
	CHECK(strcmp(maps_perms(p + ctx->page, perms), "rw-p") == 0);
	CHECK(!prot_refused(p + ctx->page, ctx->page, PROT_READ | PROT_WRITE));
	/* Once sealed, even the same protection is refused. */
	CHECK_ERR(mseal_mprotect(p, ctx->page, PROT_READ, MSEAL_ALL), EPERM);
}

TEST(mprotect_errors_change_nothing)
{
	char *p = map_anon(3, PROT_READ | PROT_WRITE);
	char perms[5];

	CHECK_ERR(mseal_mprotect(p, ctx->page, PROT_READ, 0x20), EINVAL);
	CHECK_ERR(mseal_mprotect(p + 1, ctx->page, PROT_READ, MSEAL_ALL),
		  EINVAL);
	CHECK(strcmp(maps_perms(p, perms), "rw-p") == 0);
	CHECK_SYS_OK(munmap(p + ctx->page, ctx->page));
	CHECK_ERR(mseal_mprotect(p, 3 * ctx->page, PROT_READ, MSEAL_ALL),
		  ENOMEM);
	/* Nothing changed, below the hole or above it. */
	CHECK(strcmp(maps_perms(p, perms), "rw-p") == 0);
	CHECK(strcmp(maps_perms(p + 2 * ctx->page, perms), "rw-p") == 0);
	CHECK(!prot_refused(p, ctx->page, PROT_READ | PROT_WRITE));
	CHECK(!prot_refused(p + 2 * ctx->page, ctx->page,
			    PROT_READ | PROT_WRITE));
	/* Control */
	CHECK_OK(mseal_mprotect(p, ctx->page, PROT_READ, MSEAL_ALL));
	CHECK(prot_refused(p, ctx->page, PROT_READ));
}

/* mprotect(2) itself would re-protect the unsealed page below a sealed one
 * before failing with EPERM (6.12+); mseal_mprotect must not. */
TEST(mprotect_over_sealed_page_changes_nothing)
{
	char *p = map_anon(2, PROT_READ | PROT_WRITE);
	char perms[5];

	SEAL(p + ctx->page, ctx->page);
	CHECK_ERR(mseal_mprotect(p, 2 * ctx->page, PROT_READ, MSEAL_ALL),
		  EPERM);
	CHECK(strcmp(maps_perms(p, perms), "rw-p") == 0);
	CHECK(!prot_refused(p, ctx->page, PROT_READ | PROT_WRITE));
	/* Control: the unsealed page alone. */
	CHECK_OK(mseal_mprotect(p, ctx->page, PROT_READ, MSEAL_ALL));
	CHECK(strcmp(maps_perms(p, perms), "r--p") == 0);
}

TEST(ranges_all_or_nothing_on_einval)
{
	char *a = map_anon(1, PROT_READ), *b = map_anon(1, PROT_READ);
	struct mseal_span s[3] = {
		{ a, ctx->page },
		{ b, ctx->page },
		{ b + 1, ctx->page },
	};

	CHECK_ERR(mseal_ranges(s, 3, MSEAL_ALL), EINVAL);
	CHECK(!prot_refused(a, ctx->page, PROT_READ));
	CHECK(!prot_refused(b, ctx->page, PROT_READ));
	s[2].addr = a; /* control: fixed, the whole batch seals */
	CHECK_OK(mseal_ranges(s, 3, MSEAL_ALL));
	CHECK(prot_refused(a, ctx->page, PROT_READ));
	CHECK(prot_refused(b, ctx->page, PROT_READ));
}

TEST(ranges_all_or_nothing_on_hole)
{
	char *a = map_anon(1, PROT_READ), *b = map_anon(2, PROT_READ);
	struct mseal_span s[2] = { { a, ctx->page }, { b, 2 * ctx->page } };

	CHECK_SYS_OK(munmap(b + ctx->page, ctx->page));
	CHECK_ERR(mseal_ranges(s, 2, MSEAL_ALL), ENOMEM);
	CHECK(!prot_refused(a, ctx->page, PROT_READ));
	CHECK(!prot_refused(b, ctx->page, PROT_READ));
	s[1].len = ctx->page;
	CHECK_OK(mseal_ranges(s, 2, MSEAL_ALL));
	CHECK(prot_refused(a, ctx->page, PROT_READ));
	CHECK(prot_refused(b, ctx->page, PROT_READ));
}

TEST(ranges_empty_and_null)
{
	char *a = map_anon(1, PROT_READ);
	struct mseal_span s = { a, 0 };

	CHECK_OK(mseal_ranges(NULL, 0, MSEAL_ALL));
	CHECK_ERR(mseal_ranges(NULL, 1, MSEAL_ALL), EFAULT);
	CHECK_ERR(mseal_ranges(&s, 1, 0x100), EINVAL);
	CHECK_OK(mseal_ranges(&s, 1, MSEAL_ALL));
	CHECK(!prot_refused(a, ctx->page, PROT_READ));
	s.len = 1;
	CHECK_OK(mseal_ranges(&s, 1, MSEAL_ALL));
	CHECK(prot_refused(a, ctx->page, PROT_READ));
}

TEST(query_sealed_unsealed_partial_holed)
{
	char *p = map_anon(4, PROT_READ);
	unsigned int c;

	CHECK(query(p, 4 * ctx->page) == 0);
	SEAL(p + ctx->page, 2 * ctx->page);
	CHECK(query(p + ctx->page, 2 * ctx->page) == MSEAL_ALL);
	CHECK(query(p + ctx->page, ctx->page + 1) == MSEAL_ALL);
	CHECK(query(p, ctx->page) == 0);
	CHECK(query(p, 2 * ctx->page) == 0); /* partly sealed */
	CHECK(query(p + ctx->page, 3 * ctx->page) == 0);
	CHECK(query(p, 0) == 0);
	/* A hole anywhere is ENOMEM, as for sealing. */
	CHECK_ERR(mseal_query(p - ctx->page, 2 * ctx->page, &c), ENOMEM);
	CHECK_ERR(mseal_query(p + ctx->page, 4 * ctx->page, &c), ENOMEM);
	CHECK_SYS_OK(munmap(p + 3 * ctx->page, ctx->page));
	CHECK_ERR(mseal_query(p + ctx->page, 3 * ctx->page, &c), ENOMEM);
	CHECK_ERR(mseal_query(p + 1, ctx->page, &c), EINVAL);
	CHECK_ERR(mseal_query(p, SIZE_MAX, &c), EINVAL);
	CHECK_ERR(mseal_query(p, ctx->page, NULL), EFAULT);
	/* x86-64's [vsyscall] is listed in maps but is a hole to mseal(2),
	 * and so to the query. */
	CHECK_ERR(mseal_query((void *)0xffffffffff600000UL, ctx->page, &c),
		  ENOMEM);
	CHECK_ERR(
		mseal_range((void *)0xffffffffff600000UL, ctx->page, MSEAL_ALL),
		ENOMEM);
}

TEST(mimmutable_rounds_outwards)
{
	char *p = map_anon(3, PROT_READ);

	/* [p + page + 100, +10) lies inside the middle page only. */
	CHECK(mimmutable(p + ctx->page + 100, 10) == 0);
	CHECK(prot_refused(p + ctx->page, ctx->page, PROT_READ));
	CHECK(!prot_refused(p, ctx->page, PROT_READ));
	CHECK(!prot_refused(p + 2 * ctx->page, ctx->page, PROT_READ));
	/* Straddling a page boundary seals both pages. */
	CHECK(mimmutable(p + 2 * ctx->page - 1, 2) == 0);
	CHECK(prot_refused(p + 2 * ctx->page, ctx->page, PROT_READ));
	CHECK(!prot_refused(p, ctx->page, PROT_READ));
}

TEST(mimmutable_skips_holes)
{
	char *p = map_anon(3, PROT_READ);
	char *q;

	CHECK_SYS_OK(munmap(p + ctx->page, ctx->page));
	/* From the guard hole before to the guard hole after. */
	CHECK(mimmutable(p - ctx->page, 5 * ctx->page) == 0);
	CHECK(prot_refused(p, ctx->page, PROT_READ));
	CHECK(prot_refused(p + 2 * ctx->page, ctx->page, PROT_READ));
	/* The hole stays a hole, and stays usable. */
	CHECK(!page_mapped(p + ctx->page));
	q = mmap(p + ctx->page, ctx->page, PROT_READ,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(q == p + ctx->page);
	CHECK(!prot_refused(q, ctx->page, PROT_READ));
	/* x86-64 lists [vsyscall], which is no mapping: a hole too. */
	CHECK(mimmutable((void *)0xffffffffff600000UL, ctx->page) == 0);
	/* Nothing mapped at all: still success. */
	CHECK(mimmutable(p + 3 * ctx->page, ctx->page) == 0);
	CHECK(mimmutable(p, 0) == 0);
}

TEST(mimmutable_errors_are_minus_one)
{
	char *p = map_anon(1, PROT_READ);

	errno = 0;
	CHECK(mimmutable(p, SIZE_MAX) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(mimmutable((void *)(UINTPTR_MAX - 10), 5) == -1 &&
	      errno == EINVAL);
	CHECK(!prot_refused(p, ctx->page, PROT_READ));
	CHECK(mimmutable(p, ctx->page) == 0);
	CHECK(prot_refused(p, ctx->page, PROT_READ));
}

/* Only MSEAL_ALL can use mseal(2): with MSEAL_BACKEND=native a subset is
 * refused, as it needs the seccomp backend. */
TEST_ONCE(class_subsets_unsupported_natively)
{
	char *p = map_anon(1, PROT_READ);

	if (syscall(462, NULL, 0UL, 0UL) != 0)
		SKIP("the kernel lacks mseal(2)");
	setenv("MSEAL_BACKEND", "native", 1); /* before the first call */
	unsigned int subsets[] = { MSEAL_BASE, MSEAL_PROT, MSEAL_DISCARD,
				   MSEAL_BASE | MSEAL_PROT,
				   MSEAL_PROT | MSEAL_DISCARD };
	size_t i;
	void *m;

	/* With the kernel's seal types (kernel/patches) native takes them. */
	if (syscall(462, NULL, 0UL, 1UL) == 0) {
		char *q = map_anon(5, PROT_READ);
		unsigned int got;

		for (i = 0; i < sizeof(subsets) / sizeof(subsets[0]); i++) {
			CHECK_OK(mseal_range(q + i * ctx->page, ctx->page,
					     subsets[i]));
			CHECK_OK(mseal_query(q + i * ctx->page, ctx->page,
					     &got));
			CHECK(got == subsets[i]);
			CHECK(prot_refused(q + i * ctx->page, ctx->page,
					   PROT_READ) ==
			      !!(subsets[i] & MSEAL_PROT));
		}
		CHECK(!prot_refused(p, ctx->page, PROT_READ));
		return;
	}
	for (i = 0; i < sizeof(subsets) / sizeof(subsets[0]); i++) {
		CHECK_ERR(mseal_range(p, ctx->page, subsets[i]), EOPNOTSUPP);
		CHECK_ERR(mseal_mprotect(p, ctx->page, PROT_READ, subsets[i]),
			  EOPNOTSUPP);
		errno = 0;
		m = mseal_mmap(NULL, ctx->page, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, subsets[i]);
		CHECK(m == MAP_FAILED && errno == EOPNOTSUPP);
	}
	CHECK(!prot_refused(p, ctx->page, PROT_READ));
	CHECK_OK(mseal_range(p, ctx->page, MSEAL_ALL));
	CHECK(prot_refused(p, ctx->page, PROT_READ));
}

/*
 * Many threads sealing neighbouring pages at once, in a fresh process image
 * so that they also race on the first, probing call.
 */
TEST(threads_seal_concurrently)
{
	char line[64];

	exec_helper_line("threads", ctx->backend, line, sizeof(line));
	if (strcmp(line, "16 sealed, 0 failed, control unsealed"))
		FAIL("threads: %s", line);
}

TEST_ONCE(backend_env_selects_and_rejects)
{
	bool has = syscall(462, 0UL, 0UL, 0UL) == 0;
	/* The seal types of kernel/patches: mseal() takes flags. */
	bool types = has && syscall(462, 0UL, 0UL, 1UL) == 0;
	bool sc = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 &&
		  seal_filter_arch_known();
	int no_sc = sc ? 0 : -EOPNOTSUPP;
	int no_typed = types ? 0 : no_sc;
	int no_all = has ? 0 : no_sc, no_native = has ? 0 : -ENOSYS;
	const char *auto_be = has ? "native" : sc ? "seccomp" : "none";
	/* What the exec helper prints for each MSEAL_BACKEND value: probe rc,
	 * backend, seal(ALL), seal(PROT), seal(len 0), mimmutable's errno on
	 * a wrapping range (EINVAL first, whatever the backend, as on
	 * OpenBSD).  A class subset takes the kernel's seal types where
	 * they exist, else the seccomp backend; MSEAL_BACKEND=native refuses
	 * it without the types. */
	const struct {
		const char *env;
		int probe;
		const char *backend;
		int all, subset, len0;
	} cases[] = {
		{ NULL, 0, auto_be, no_all, no_typed, no_all },
		{ "auto", 0, auto_be, no_all, no_typed, no_all },
		{ "native", 0, has ? "native" : "none", no_native,
		  types ? 0 : -EOPNOTSUPP, no_native },
		{ "seccomp", 0, sc ? "seccomp" : "none", no_sc, no_sc, no_sc },
		{ "bogus", -EINVAL, "none", -EINVAL, -EINVAL, -EINVAL },
	};
	char line[128], want[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		exec_helper_line("backend", cases[i].env, line, sizeof(line));
		snprintf(want, sizeof(want), "%d %s %d %d %d %d",
			 cases[i].probe, cases[i].backend, cases[i].all,
			 cases[i].subset, cases[i].len0, EINVAL);
		if (strcmp(line, want))
			FAIL("MSEAL_BACKEND=%s: got '%s', want '%s'",
			     cases[i].env ? cases[i].env : "(unset)", line,
			     want);
	}
}

static int prctl_nnp_for_test(void)
{
	return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
}

TEST_ONCE(probe_matches_kernel)
{
	struct mseal_features f;
	bool has = syscall(462, 0UL, 0UL, 0UL) == 0;
	bool sc = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 &&
		  seal_filter_arch_known();
	FILE *m;
	char line[512];
	bool vdso_sealed = false, in_vdso = false;

	CHECK_OK(mseal_probe(&f));
	CHECK(!!(f.flags & MSEAL_FEAT_SYSCALL) == has);
	CHECK(f.backend == (has ? MSEAL_BACKEND_NATIVE :
			    sc	? MSEAL_BACKEND_SECCOMP :
				  MSEAL_BACKEND_NONE));
	CHECK(f.subset_backend == (has && syscall(462, 0UL, 0UL, 1UL) == 0 ?
					   MSEAL_BACKEND_NATIVE :
				   sc ? MSEAL_BACKEND_SECCOMP :
					MSEAL_BACKEND_NONE));
	CHECK(f.backend_source == MSEAL_SOURCE_AUTO);
	CHECK(!!(f.flags & MSEAL_FEAT_SECCOMP_BACKEND) == sc);
	/* The kernel's seccomp filters, whatever the architecture. */
	CHECK(!!(f.flags & MSEAL_FEAT_SECCOMP) ==
	      (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0));
	CHECK(!!(f.flags & MSEAL_FEAT_NO_NEW_PRIVS) ==
	      (prctl_nnp_for_test() == 1));
	/* The system-mapping flag agrees with smaps. */
	m = fopen("/proc/self/smaps", "re");
	CHECK(m != NULL);
	while (fgets(line, sizeof(line), m)) {
		if (strchr(line, '-') &&
		    (strstr(line, " [vdso]\n") || strstr(line, " [vvar]\n") ||
		     strstr(line, " [vvar_vclock]\n")))
			in_vdso = true;
		else if (strchr(line, '-') && !strchr(line, ':'))
			in_vdso = false;
		else if (in_vdso && strncmp(line, "VmFlags:", 8) == 0) {
			vdso_sealed |= vmflags_has_sl(line);
			in_vdso = false;
		}
	}
	fclose(m);
	CHECK(!!(f.flags & MSEAL_FEAT_SYSTEM_SEALED) == vdso_sealed);
	CHECK_ERR(mseal_probe(NULL), EFAULT);
	CHECK(strcmp(mseal_backend_name(MSEAL_BACKEND_NATIVE), "native") == 0);
	CHECK(strcmp(mseal_backend_name(MSEAL_BACKEND_SECCOMP), "seccomp") ==
	      0);
}

/* Every backend value has its name; any other value says it is invalid
 * rather than passing for "none", which is a real answer of the probe. */
TEST_ONCE(backend_name_of_invalid_value)
{
	CHECK(strcmp(mseal_backend_name(MSEAL_BACKEND_NONE), "none") == 0);
	CHECK(strcmp(mseal_backend_name(MSEAL_BACKEND_NATIVE), "native") == 0);
	CHECK(strcmp(mseal_backend_name(MSEAL_BACKEND_SECCOMP), "seccomp") ==
	      0);
	CHECK(strcmp(mseal_backend_name(3), "invalid") == 0);
	CHECK(strcmp(mseal_backend_name(-1), "invalid") == 0);
	CHECK(strcmp(mseal_backend_name(INT_MAX), "invalid") == 0);
	CHECK(strcmp(mseal_backend_name(INT_MIN), "invalid") == 0);
}

/* The runtime version of the static library, and of the shared one through
 * its versioned symbol (what a program linked against the .so resolves),
 * equal the header's, and the header's equals libmseal.pc's. */
TEST_ONCE(version_runtime_matches_header)
{
	const struct mseal_version *v = mseal_version();
	const struct mseal_version *(*shared)(void);
	const char *build = getenv("MSEAL_BUILD");
	char path[PATH_MAX], line[128], want[64];
	bool pc_seen = false;
	void *h;
	FILE *pc;

	CHECK(v != NULL && v == mseal_version());
	CHECK(v->major == MSEAL_VERSION_MAJOR &&
	      v->minor == MSEAL_VERSION_MINOR &&
	      v->patch == MSEAL_VERSION_PATCH);
	CHECK(LIBMSEAL_VERSION_MAJOR == MSEAL_VERSION_MAJOR &&
	      LIBMSEAL_VERSION_MINOR == MSEAL_VERSION_MINOR &&
	      LIBMSEAL_VERSION_PATCH == MSEAL_VERSION_PATCH);
	if (!build)
		SKIP("MSEAL_BUILD is not set: no shared library to load");
	snprintf(path, sizeof(path), "%s/libmseal.so.0", build);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	CHECK(h != NULL);
	/* A node that does not exist finds nothing: the lookup below is
	 * a real test of the node. */
	CHECK(dlvsym(h, "mseal_version", "LIBMSEAL_0.1") == NULL);
	shared = (const struct mseal_version *(*)(void))dlvsym(
		h, "mseal_version", "LIBMSEAL_0.3");
	CHECK(shared != NULL);
	CHECK(shared() != v); /* the shared copy, not ours */
	CHECK(shared()->major == v->major && shared()->minor == v->minor &&
	      shared()->patch == v->patch);
	snprintf(path, sizeof(path), "%s/libmseal.pc", build);
	pc = fopen(path, "re");
	CHECK(pc != NULL);
	snprintf(want, sizeof(want), "Version: %u.%u.%u\n", v->major, v->minor,
		 v->patch);
	while (fgets(line, sizeof(line), pc))
		pc_seen |= strcmp(line, want) == 0;
	fclose(pc);
	CHECK(pc_seen);
}

/* const void * in mseal_range() and struct mseal_span: a static const
 * table (in the program's read-only data) is sealed without a cast, and a
 * const span array of such tables too. */
static const char const_table[2][4096] __attribute__((aligned(4096))) = {
	{ "sealed" },
	{ "control" },
};
static const char const_table2[4096] __attribute__((aligned(4096))) = {
	"batch",
};

TEST(const_tables_seal_without_cast)
{
	static const struct mseal_span spans[] = {
		{ const_table2, sizeof(const_table2) },
	};

	if (ctx->page != sizeof(const_table[0]))
		SKIP("the page is %zu bytes, the tables are 4096", ctx->page);
	CHECK_OK(
		mseal_range(const_table[0], sizeof(const_table[0]), MSEAL_ALL));
	CHECK_OK(mseal_ranges(spans, 1, MSEAL_ALL));
	CHECK(prot_refused(const_table[0], ctx->page, PROT_READ));
	CHECK(prot_refused(const_table2, ctx->page, PROT_READ));
	CHECK(strcmp(const_table[0], "sealed") == 0);
	CHECK(strcmp(const_table2, "batch") == 0);
	/* Control: the next page of the same table stays unsealed. */
	CHECK(!prot_refused(const_table[1], ctx->page, PROT_READ));
	CHECK(strcmp(const_table[1], "control") == 0);
}

/* hugetlb memory is mapped, sealed and unmapped in whole huge pages: the
 * library must seal the length the kernel mapped, not the one asked for. */
TEST(mmap_hugetlb_seals_whole_huge_page)
{
	size_t huge = 2u << 20;
	char *ctl = mmap(NULL, huge, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	char *p;

	if (ctl == MAP_FAILED)
		SKIP("no 2 MiB huge page available (vm.nr_hugepages): %s",
		     strerror(errno));
	/* Control: an unsealed huge page unmaps. */
	CHECK_SYS_OK(munmap(ctl, huge));
	p = mseal_mmap(NULL, ctx->page, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0,
		       MSEAL_ALL);
	if (p == MAP_FAILED)
		FAIL("mseal_mmap hugetlb: %s", strerror(errno));
	CHECK(query(p, huge) == MSEAL_ALL);
	CHECK_SYS_ERR(munmap(p, huge), EPERM);
	CHECK(page_mapped(p));
}

/*
 * Without MAP_HUGE_* bits the huge page size comes from /proc/meminfo.
 * When that cannot be read (no file descriptor left here), mseal_mmap must
 * fail before mapping anything, not leave an unsealed mapping behind.
 */
TEST(mmap_hugetlb_unknown_size_maps_nothing)
{
	size_t huge = 2u << 20;
	struct rlimit lim = { 64, 64 };
	int fds[4096], n = 0, before;
	char *p = mmap(NULL, huge, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);

	if (p == MAP_FAILED)
		SKIP("no 2 MiB huge page available (vm.nr_hugepages): %s",
		     strerror(errno));
	CHECK_SYS_OK(munmap(p, huge));
	before = maps_count(NULL, (size_t)-1);
	CHECK_SYS_OK(setrlimit(RLIMIT_NOFILE, &lim));
	while (n < 4096 && (fds[n] = dup(0)) >= 0)
		n++;
	CHECK(n < 4096 && errno == EMFILE);
	errno = 0;
	p = mseal_mmap(NULL, ctx->page, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0,
		       MSEAL_ALL);
	while (n > 0)
		close(fds[--n]);
	CHECK(p == MAP_FAILED && errno == EMFILE);
	CHECK(maps_count(NULL, (size_t)-1) == before);
	/* Control: with descriptors to spare, the same call seals. */
	p = mseal_mmap(NULL, ctx->page, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0,
		       MSEAL_ALL);
	CHECK(p != MAP_FAILED);
	CHECK(query(p, huge) == MSEAL_ALL);
}

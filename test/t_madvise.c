// SPDX-License-Identifier: MIT
/*
 * SEMANTICS.md section 2, madvise and process_madvise on sealed memory.
 *
 * The seven destructive advices are refused with EPERM only when the sealed
 * mapping is anonymous and not writable: read-only, PROT_NONE, or writable
 * but write-denied by its protection key.  On every other kind of mapping,
 * and for every other advice, the seal must not change the kernel's answer:
 * those tests compare the sealed mapping with an identical unsealed one.
 *
 * The kernel's test (mm/madvise.c, can_madvise_modify()) uses
 * vma_is_anonymous(), which is false for MAP_SHARED|MAP_ANONYMOUS memory
 * (shmem has vm_ops): read-only shared anonymous memory is not protected,
 * and the *_shmem cases below pin that.
 *
 * Seals are observed through behaviour only, never through smaps.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "harness.h"

#define RW (PROT_READ | PROT_WRITE)
#define FILL 'f'

#ifndef MADV_FREE
#define MADV_FREE 8
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED 24
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#define MADV_GUARD_REMOVE 103
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_process_madvise
#define SYS_process_madvise 440
#endif

/* ---- the kinds of mapping -------------------------------------------- */

enum kind {
	RO_ANON,      /* private anonymous, PROT_READ */
	NONE_ANON,    /* private anonymous, PROT_NONE */
	RW_ANON,      /* private anonymous, read-write */
	RO_SHMEM,     /* shared anonymous, PROT_READ */
	RW_SHMEM,     /* shared anonymous, read-write */
	RO_PRIV_FILE, /* private file, PROT_READ (with COW'd pages) */
	RW_PRIV_FILE,
	RO_SHARED_FILE,
	RW_SHARED_FILE,
};

static const struct {
	const char *name;
	int prot;
	bool refused; /* destructive advice refused once sealed */
} kinds[] = {
	[RO_ANON] = { "read-only private anon", PROT_READ, true },
	[NONE_ANON] = { "PROT_NONE private anon", PROT_NONE, true },
	[RW_ANON] = { "writable private anon", RW, false },
	[RO_SHMEM] = { "read-only shared anon", PROT_READ, false },
	[RW_SHMEM] = { "writable shared anon", RW, false },
	[RO_PRIV_FILE] = { "read-only private file", PROT_READ, false },
	[RW_PRIV_FILE] = { "writable private file", RW, false },
	[RO_SHARED_FILE] = { "read-only shared file", PROT_READ, false },
	[RW_SHARED_FILE] = { "writable shared file", RW, false },
};

#define NPAGES 2

/* A mapping of the given kind, every byte FILL, with its final protection. */
static char *make(enum kind k, size_t len)
{
	char *p;

	switch (k) {
	case RO_ANON:
	case NONE_ANON:
	case RW_ANON:
		p = map_anon(NPAGES, RW);
		break;
	case RO_SHMEM:
	case RW_SHMEM:
		p = map_anon_shared(NPAGES, RW);
		break;
	case RO_PRIV_FILE:
	case RW_PRIV_FILE:
		p = map_file(NPAGES, RW, MAP_PRIVATE);
		break;
	default:
		p = map_file(NPAGES, RW, MAP_SHARED);
		break;
	}
	memset(p, FILL, len);
	if (kinds[k].prot != RW)
		CHECK_SYS_OK(mprotect(p, len, kinds[k].prot));
	return p;
}

/*
 * Reads [p, p + len) even when it is PROT_NONE: /proc/self/mem reads with
 * FOLL_FORCE, which reaches any page the mapping may be made to read.
 */
static bool read_mem(const char *p, char *buf, size_t len)
{
	int fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = pread(fd, buf, len, (off_t)(uintptr_t)p);
	close(fd);
	return n == (ssize_t)len;
}

/* 1 if every byte of [p, p + len) is FILL, 0 if not, -1 if unreadable. */
static int all_fill(const char *p, size_t len)
{
	static char buf[NPAGES * 65536];

	if (len > sizeof(buf) || !read_mem(p, buf, len))
		return -1;
	for (size_t i = 0; i < len; i++)
		if (buf[i] != FILL)
			return 0;
	return 1;
}

/*
 * What a fork child sees at p: FILL (70) when the pages were inherited
 * intact, 0 when wiped, 1 for mixed, 3 when not inherited, 4 when
 * unreadable (a guard region).  This is where MADV_DONTFORK and
 * MADV_WIPEONFORK show.  The child reads through /proc/self/mem and never
 * faults: a SIGSEGV would be caught and reported by the sanitizers.
 */
static struct {
	const char *p;
	size_t len;
} child_arg;

static void child_view(void *unused)
{
	static char buf[NPAGES * 65536];
	size_t len = child_arg.len;

	(void)unused;
	if (!page_mapped(child_arg.p))
		_exit(3);
	if (len > sizeof(buf) || !read_mem(child_arg.p, buf, len))
		_exit(4);
	for (size_t i = 0; i < len; i++)
		if (buf[i] != buf[0])
			_exit(1);
	_exit((unsigned char)buf[0]);
}

static int view_in_child(const char *p, size_t len)
{
	child_arg.p = p;
	child_arg.len = len;
	return run_in_child(child_view, NULL);
}

static void check_perms(const char *what, const void *p, int prot, bool shared)
{
	char want[5], got[5];

	snprintf(want, sizeof(want), "%c%c-%c", prot & PROT_READ ? 'r' : '-',
		 prot & PROT_WRITE ? 'w' : '-', shared ? 's' : 'p');
	maps_perms(p, got);
	if (strcmp(got, want))
		FAIL("%s: perms '%s', want '%s'", what, got, want);
}

static bool kind_shared(enum kind k)
{
	return k == RO_SHMEM || k == RW_SHMEM || k == RO_SHARED_FILE ||
	       k == RW_SHARED_FILE;
}

/*
 * madvise(addr, 0, advice) answers 0 for an advice the kernel knows and
 * EINVAL for one it does not, without looking at any mapping.
 */
static bool advice_known(void *page_aligned, int advice)
{
	return madvise(page_aligned, 0, advice) == 0;
}

struct answer {
	int rc, err;
};

static struct answer advise(void *p, size_t len, int advice)
{
	struct answer a;

	errno = 0;
	a.rc = madvise(p, len, advice);
	a.err = a.rc ? errno : 0;
	return a;
}

/* ---- destructive advice ---------------------------------------------- */

static void destructive(struct test_ctx *ctx, int advice, const char *aname,
			enum kind k)
{
	size_t len = NPAGES * ctx->page;
	char *c = make(k, len);
	char *p = make(k, len);
	struct answer ac, ap;
	int vc, vp;

	if (!advice_known(c, advice))
		SKIP("this kernel does not know %s (EINVAL for len 0)", aname);
	SEAL(p, len);
	ac = advise(c, len, advice);
	ap = advise(p, len, advice);
	if (kinds[k].refused) {
		/*
		 * Refused whatever the unsealed answer: the kernel checks the
		 * seal before the advice's own checks, so an advice that does
		 * not apply to anonymous memory (MADV_REMOVE: EINVAL unsealed)
		 * still gets EPERM.
		 */
		if (ac.rc && ac.err == EPERM)
			FAIL("%s on unsealed %s: EPERM", aname, kinds[k].name);
		if (ap.rc != -1 || ap.err != EPERM)
			FAIL("%s on sealed %s = %d (%s), want EPERM "
			     "(unsealed: %d %s)",
			     aname, kinds[k].name, ap.rc, strerror(ap.err),
			     ac.rc, strerror(ac.err));
		CHECK(page_mapped(p) && page_mapped(p + len - 1));
		check_perms("sealed", p, kinds[k].prot, false);
		if (all_fill(p, len) != 1)
			FAIL("sealed %s lost its contents", kinds[k].name);
		/* Nothing deferred to fork either (DONTFORK, WIPEONFORK). */
		vp = view_in_child(p, len);
		if (vp != FILL)
			FAIL("fork child of sealed %s sees status %d, want %d",
			     kinds[k].name, vp, FILL);
		return;
	}
	/* Not protected by the seal: exactly the unsealed answer. */
	if (ap.rc != ac.rc || ap.err != ac.err)
		FAIL("%s on sealed %s = %d (%s), unsealed = %d (%s)", aname,
		     kinds[k].name, ap.rc, strerror(ap.err), ac.rc,
		     strerror(ac.err));
	CHECK(page_mapped(p) && page_mapped(p + len - 1));
	check_perms("sealed", p, kinds[k].prot, kind_shared(k));
	/*
	 * And the same effect, seen from a fork child (a guard region would
	 * kill the test itself if read here).  MADV_FREE is left out: when
	 * freed pages are reclaimed is up to memory pressure.
	 */
	if (advice != MADV_FREE) {
		vc = view_in_child(c, len);
		vp = view_in_child(p, len);
		if (vc != vp)
			FAIL("after %s a fork child sees status %d in sealed "
			     "%s, %d in the unsealed one",
			     aname, vp, kinds[k].name, vc);
	}
}

/* aname is passed in: A itself is expanded to a number by the time it
 * gets here, since the MADV_ names are macros. */
#define DESTRUCTIVE_CASE(a, A, aname, kname, K) \
	TEST(madvise_##a##_##kname)             \
	{                                       \
		destructive(ctx, A, aname, K);  \
	}

/* One test per advice and kind, so that a failure names its case. */
#define DESTRUCTIVE(a, A)                                                      \
	DESTRUCTIVE_CASE(a, A, #A, ro_anon_eperm, RO_ANON)                     \
	DESTRUCTIVE_CASE(a, A, #A, none_anon_eperm, NONE_ANON)                 \
	DESTRUCTIVE_CASE(a, A, #A, rw_anon_as_unsealed, RW_ANON)               \
	DESTRUCTIVE_CASE(a, A, #A, ro_shmem_as_unsealed, RO_SHMEM)             \
	DESTRUCTIVE_CASE(a, A, #A, rw_shmem_as_unsealed, RW_SHMEM)             \
	DESTRUCTIVE_CASE(a, A, #A, ro_priv_file_as_unsealed, RO_PRIV_FILE)     \
	DESTRUCTIVE_CASE(a, A, #A, rw_priv_file_as_unsealed, RW_PRIV_FILE)     \
	DESTRUCTIVE_CASE(a, A, #A, ro_shared_file_as_unsealed, RO_SHARED_FILE) \
	DESTRUCTIVE_CASE(a, A, #A, rw_shared_file_as_unsealed, RW_SHARED_FILE)

DESTRUCTIVE(free, MADV_FREE)
DESTRUCTIVE(dontneed, MADV_DONTNEED)
DESTRUCTIVE(dontneed_locked, MADV_DONTNEED_LOCKED)
DESTRUCTIVE(remove, MADV_REMOVE)
DESTRUCTIVE(dontfork, MADV_DONTFORK)
DESTRUCTIVE(wipeonfork, MADV_WIPEONFORK)
DESTRUCTIVE(guard_install, MADV_GUARD_INSTALL)

/* ---- protection keys ------------------------------------------------- */

/*
 * Writable by its protection, but not by its protection key: the kernel
 * asks arch_vma_access_permitted() and treats it as read-only.
 */
TEST(madvise_dontneed_pkey_write_denied_eperm)
{
	size_t len = NPAGES * ctx->page;
	char *c = make(RW_ANON, len);
	char *p = make(RW_ANON, len);
	int pkey = pkey_alloc(0, PKEY_DISABLE_WRITE);

	if (pkey < 0)
		SKIP("pkey_alloc: %s (no protection keys on this CPU/kernel)",
		     strerror(errno));
	CHECK_SYS_OK(pkey_mprotect(c, len, RW, pkey));
	CHECK_SYS_OK(pkey_mprotect(p, len, RW, pkey));
	SEAL(p, len);
	/* Control: the same advice on the unsealed twin discards. */
	CHECK_SYS_OK(madvise(c, len, MADV_DONTNEED));
	CHECK(c[0] == 0);
	if (!backend_is_native()) {
		/* Documented difference (libmseal(7), SECCOMP BACKEND):
		 * the filter decides "discard-protected" when the seal is
		 * made, from the protection alone; the key's write-deny
		 * bit, which the kernel consults at madvise time, is
		 * invisible to it.  So PROT_WRITE memory sealed under a
		 * write-denying key is discarded. */
		CHECK_SYS_OK(madvise(p, len, MADV_DONTNEED));
		CHECK(p[0] == 0);
		return;
	}
	CHECK_SYS_ERR(madvise(p, len, MADV_DONTNEED), EPERM);
	CHECK(all_fill(p, len) == 1);
	/* Once the key allows writes, the sealed mapping is writable anon
	 * memory again, and the advice is allowed. */
	CHECK_SYS_OK(pkey_set(pkey, 0));
	CHECK_SYS_OK(madvise(p, len, MADV_DONTNEED));
	CHECK(p[0] == 0);
}

/* ---- non-destructive advice ------------------------------------------ */

/*
 * Every other advice is allowed on sealed memory, read-only anon included:
 * the sealed answer equals the unsealed one (which may itself be an error,
 * e.g. MADV_COLLAPSE on a range too small for a huge page).  MADV_HWPOISON
 * and MADV_SOFT_OFFLINE are left out: they damage memory on purpose.
 */
static void harmless(struct test_ctx *ctx, int advice, const char *aname)
{
	size_t len = NPAGES * ctx->page;
	char *c = make(RO_ANON, len);
	char *p = make(RO_ANON, len);
	struct answer ac, ap;

	SEAL(p, len);
	ac = advise(c, len, advice);
	ap = advise(p, len, advice);
	if (ap.rc != ac.rc || ap.err != ac.err)
		FAIL("%s on sealed read-only anon = %d (%s), unsealed = %d "
		     "(%s)",
		     aname, ap.rc, strerror(ap.err), ac.rc, strerror(ac.err));
	if (all_fill(p, len) != 1)
		FAIL("%s changed the sealed contents", aname);
	check_perms("sealed", p, PROT_READ, false);
}

#define HARMLESS(a, A)                          \
	TEST(madvise_##a##_ro_anon_as_unsealed) \
	{                                       \
		harmless(ctx, A, #A);           \
	}

HARMLESS(normal, MADV_NORMAL)
HARMLESS(random, MADV_RANDOM)
HARMLESS(sequential, MADV_SEQUENTIAL)
HARMLESS(willneed, MADV_WILLNEED)
HARMLESS(cold, MADV_COLD)
HARMLESS(pageout, MADV_PAGEOUT)
HARMLESS(dontdump, MADV_DONTDUMP)
HARMLESS(dodump, MADV_DODUMP)
HARMLESS(mergeable, MADV_MERGEABLE)
HARMLESS(unmergeable, MADV_UNMERGEABLE)
HARMLESS(hugepage, MADV_HUGEPAGE)
HARMLESS(nohugepage, MADV_NOHUGEPAGE)
HARMLESS(collapse, MADV_COLLAPSE)
HARMLESS(populate_read, MADV_POPULATE_READ)
HARMLESS(populate_write, MADV_POPULATE_WRITE)
HARMLESS(dofork, MADV_DOFORK)
HARMLESS(keeponfork, MADV_KEEPONFORK)
HARMLESS(guard_remove, MADV_GUARD_REMOVE)

/* ---- process_madvise ------------------------------------------------- */

static int self_pidfd(void)
{
	long fd = syscall(SYS_pidfd_open, getpid(), 0);

	if (fd < 0 && errno == ENOSYS)
		SKIP("pidfd_open: ENOSYS");
	if (fd < 0)
		FAIL("pidfd_open: %s", strerror(errno));
	return (int)fd;
}

static struct answer padvise(int pidfd, void *p, size_t len, int advice)
{
	struct iovec iov = { p, len };
	struct answer a;
	long rc;

	errno = 0;
	rc = syscall(SYS_process_madvise, pidfd, &iov, 1, advice, 0);
	a.rc = (int)rc;
	a.err = rc < 0 ? errno : 0;
	return a;
}

static void padvise_as_unsealed(struct test_ctx *ctx, int advice,
				const char *aname)
{
	size_t len = NPAGES * ctx->page;
	char *c = make(RO_ANON, len);
	char *p = make(RO_ANON, len);
	int pidfd = self_pidfd();
	struct answer ac, ap;

	SEAL(p, len);
	ac = padvise(pidfd, c, len, advice);
	if (ac.rc < 0 && ac.err == ENOSYS)
		SKIP("process_madvise: ENOSYS");
	ap = padvise(pidfd, p, len, advice);
	if (ap.rc != ac.rc || ap.err != ac.err)
		FAIL("process_madvise %s on sealed = %d (%s), unsealed = %d "
		     "(%s)",
		     aname, ap.rc, strerror(ap.err), ac.rc, strerror(ac.err));
	CHECK(ac.rc == (int)len); /* bytes advised */
	CHECK(all_fill(p, len) == 1);
	close(pidfd);
}

TEST(process_madvise_pageout_sealed_as_unsealed)
{
	padvise_as_unsealed(ctx, MADV_PAGEOUT, "MADV_PAGEOUT");
}

TEST(process_madvise_cold_sealed_as_unsealed)
{
	padvise_as_unsealed(ctx, MADV_COLD, "MADV_COLD");
}

/*
 * For *another* process the kernel accepts only MADV_COLD, PAGEOUT,
 * WILLNEED and COLLAPSE through process_madvise (process_madvise_remote_
 * valid()): destructive advice is EINVAL there before any seal is looked
 * at.  Since Linux 6.13 a pidfd of the caller itself takes every advice,
 * and then the seal check applies exactly as for madvise().
 */
TEST(process_madvise_destructive_self_sealed_eperm)
{
	static const struct {
		int advice;
		const char *name;
	} adv[] = {
		{ MADV_FREE, "MADV_FREE" },
		{ MADV_DONTNEED, "MADV_DONTNEED" },
		{ MADV_DONTNEED_LOCKED, "MADV_DONTNEED_LOCKED" },
		{ MADV_REMOVE, "MADV_REMOVE" },
		{ MADV_DONTFORK, "MADV_DONTFORK" },
		{ MADV_WIPEONFORK, "MADV_WIPEONFORK" },
		{ MADV_GUARD_INSTALL, "MADV_GUARD_INSTALL" },
	};
	size_t len = NPAGES * ctx->page;
	int pidfd = self_pidfd();
	struct answer ac, ap;

	for (size_t i = 0; i < sizeof(adv) / sizeof(adv[0]); i++) {
		char *c = make(RO_ANON, len);
		char *p = make(RO_ANON, len);

		if (!advice_known(c, adv[i].advice))
			continue;
		ac = padvise(pidfd, c, len, adv[i].advice);
		if (ac.rc < 0 && ac.err == ENOSYS)
			SKIP("process_madvise: ENOSYS");
		/* MADV_FREE comes first and is as valid as MADV_DONTNEED on
		 * private anonymous memory: either one's EINVAL on the
		 * unsealed control is the pre-6.13 refusal. */
		if ((adv[i].advice == MADV_FREE ||
		     adv[i].advice == MADV_DONTNEED) &&
		    ac.rc < 0 && ac.err == EINVAL)
			SKIP("this kernel (before 6.13) refuses destructive "
			     "process_madvise even on itself");
		/*
		 * The address list is invisible to a filter: the seccomp
		 * backend refuses destructive process_madvise as soon as a
		 * discard-protected seal exists (the harness's scratch page
		 * is one), sealed target or not (libmseal(7)).
		 */
		if (!backend_is_native()) {
			if (ac.rc != -1 || ac.err != EPERM)
				FAIL("process_madvise %s on unsealed memory "
				     "= %d (%s), want the documented EPERM",
				     adv[i].name, ac.rc, strerror(ac.err));
			if (all_fill(c, len) != 1)
				FAIL("process_madvise %s: refused but the "
				     "unsealed contents changed",
				     adv[i].name);
		} else if (ac.rc < 0 && ac.err == EPERM) {
			FAIL("process_madvise %s on unsealed: EPERM",
			     adv[i].name);
		}
		SEAL(p, len);
		ap = padvise(pidfd, p, len, adv[i].advice);
		if (ap.rc != -1 || ap.err != EPERM)
			FAIL("process_madvise %s on sealed read-only anon = "
			     "%d (%s), want EPERM (unsealed: %d %s)",
			     adv[i].name, ap.rc, strerror(ap.err), ac.rc,
			     strerror(ac.err));
		if (all_fill(p, len) != 1)
			FAIL("process_madvise %s: sealed contents lost",
			     adv[i].name);
	}
	close(pidfd);
}

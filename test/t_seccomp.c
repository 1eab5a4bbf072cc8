// SPDX-License-Identifier: MIT
/*
 * Seal classes, attempted bypasses, threads, and what is particular to the
 * seccomp backend: the thread's filter budget, TSYNC, no_new_privs, and the
 * opt-in refusals.  Bypass tests run on every backend: the kernel's own
 * seals must refuse them too.
 */
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "abi.h"
#include "filter.h"
#include "harness.h"

#define RO PROT_READ
#define RW (PROT_READ | PROT_WRITE)

/* The number of filters on this thread, from /proc/self/status. */
static int seccomp_filters(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	int n = -1;

	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp_filters: %d", &n) == 1)
			break;
	fclose(f);
	if (n < 0)
		SKIP("no Seccomp_filters line in /proc/self/status");
	return n;
}

/* ---- classes (subsets always use the seccomp backend) ---------------- */

/*
 * Class subsets without seal types need the seccomp backend: on an
 * architecture the filter does not know yet a subset is EOPNOTSUPP and
 * changes nothing (the control: the page still goes), then the test
 * skips.
 */
static void need_filter_arch(void)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *p;

	if (seal_filter_arch_known() || syscall(462, 0UL, 0UL, 1UL) == 0)
		return;
	p = filled(1, RO, 'x');
	CHECK_ERR(mseal_range(p, pg, MSEAL_PROT), EOPNOTSUPP);
	CHECK_SYS_OK(mprotect(p, pg, RW));
	CHECK_SYS_OK(munmap(p, pg));
	SKIP("no seccomp backend on this architecture yet: class subsets "
	     "are EOPNOTSUPP, nothing installed");
}

TEST_ONCE(class_prot_alone_refuses_mprotect_not_munmap)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *p = filled(2, RO, 'p');
	unsigned int c;

	need_filter_arch();
	CHECK(!prot_refused(p, pg, RO));
	CHECK_OK(mseal_range(p, pg, MSEAL_PROT));
	CHECK_OK(mseal_query(p, pg, &c));
	CHECK(c == MSEAL_PROT);
	CHECK(prot_refused(p, pg, RO));
	CHECK_SYS_ERR(mprotect(p, pg, RW), EPERM);
	CHECK(!prot_refused(p + pg, pg, RO)); /* the neighbour: unsealed */
	/* Not BASE: the page can still be unmapped (SEMANTICS.md section 3:
	 * PROT alone does not stop a replacement). */
	CHECK_SYS_OK(munmap(p, pg));
	CHECK(!page_mapped(p));
}

TEST_ONCE(class_base_alone_refuses_munmap_not_mprotect)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *p = filled(1, RO, 'b');
	char *c = filled(1, RO, 'c');
	unsigned int cl;

	need_filter_arch();
	CHECK_OK(mseal_range(p, pg, MSEAL_BASE));
	CHECK_OK(mseal_query(p, pg, &cl));
	CHECK(cl == MSEAL_BASE);
	CHECK_SYS_ERR(munmap(p, pg), EPERM);
	CHECK(mremap(p, pg, 2 * pg, MREMAP_MAYMOVE) == MAP_FAILED &&
	      errno == EPERM);
	CHECK(mmap(p, pg, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		      MAP_FAILED &&
	      errno == EPERM);
	CHECK(all_bytes(p, pg, 'b'));
	/* Not PROT: the protection may change. */
	CHECK_SYS_OK(mprotect(p, pg, RW));
	p[0] = 'w';
	/* Control: the unsealed page goes. */
	CHECK_SYS_OK(munmap(c, pg));
}

TEST_ONCE(class_discard_alone_refuses_destructive_madvise_only)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *p = filled(1, RO, 'd');
	char *c = filled(1, RO, 'c');

	need_filter_arch();
	CHECK_OK(mseal_range(p, pg, MSEAL_DISCARD));
	CHECK_SYS_ERR(madvise(p, pg, MADV_DONTNEED), EPERM);
	CHECK(all_bytes(p, pg, 'd'));
	/* Control: the same advice drops an unsealed page's contents. */
	CHECK_SYS_OK(madvise(c, pg, MADV_DONTNEED));
	CHECK(all_bytes(c, pg, 0));
	/* Neither PROT nor BASE. */
	CHECK_SYS_OK(mprotect(p, pg, RO));
	CHECK_SYS_OK(munmap(p, pg));
}

TEST_ONCE(class_prot_then_base_accumulate)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *p = filled(1, RO, 'a');
	unsigned int c;

	need_filter_arch();
	CHECK_OK(mseal_range(p, pg, MSEAL_PROT));
	CHECK_OK(mseal_range(p, pg, MSEAL_BASE));
	CHECK_OK(mseal_query(p, pg, &c));
	CHECK(c == (MSEAL_PROT | MSEAL_BASE));
	CHECK_SYS_ERR(mprotect(p, pg, RO), EPERM);
	CHECK_SYS_ERR(munmap(p, pg), EPERM);
	/* DISCARD was never asked for. */
	CHECK_SYS_OK(madvise(p, pg, MADV_DONTNEED));
}

/* ---- bypass attempts -------------------------------------------------- */

#define I386_MUNMAP 91
#define I386_MPROTECT 125
#define I386_MREMAP 163
#ifndef MAP_32BIT
#define MAP_32BIT 0 /* x86 only; map_low() is then never called */
#endif

static char *map_low(size_t npages, int prot)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, npages * pg, prot,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	CHECK(p != MAP_FAILED);
	CHECK((uintptr_t)p + npages * pg <= (1ULL << 32));
	return p;
}

TEST(bypass_int80_i386_abi_refused)
{
	size_t pg = ctx->page;
	char *c, *p;

#if !defined(__x86_64__)
	SKIP("x86-64 only: no int 0x80 on this architecture");
#endif
	if (!int80_available())
		SKIP("no i386 system calls in this kernel: int 0x80 raises "
		     "SIGSEGV (IA32_EMULATION off, or ia32_emulation=0)");
	c = map_low(1, RO);
	p = map_low(1, RO);
	/* Control: the same path unmaps unsealed low memory. */
	CHECK(int80(I386_MUNMAP, (long)c, (long)pg, 0, 0, 0) == 0);
	CHECK(!page_mapped(c));
	SEAL(p, pg);
	CHECK(int80(I386_MUNMAP, (long)p, (long)pg, 0, 0, 0) == -EPERM);
	CHECK(int80(I386_MPROTECT, (long)p, (long)pg, RW, 0, 0) == -EPERM);
	CHECK(int80(I386_MREMAP, (long)p, (long)pg, (long)(2 * pg),
		    MREMAP_MAYMOVE, 0) == -EPERM);
	CHECK(page_mapped(p));
	CHECK(prot_refused(p, pg, RO));
}

#define X32 0x40000000L

TEST(bypass_x32_bit_refused)
{
	size_t pg = ctx->page;
	char *c = filled(1, RO, 'c');
	char *p = filled(1, RO, 'x');
	long r;

	SEAL(p, pg);
	/* The x32 entry: EPERM from a seal, or ENOSYS on kernels that do not
	 * enable x32.  Either way nothing may change. */
	r = syscall(X32 | SYS_munmap, p, pg);
	CHECK(r == -1 && (errno == EPERM || errno == ENOSYS));
	r = syscall(X32 | SYS_mprotect, p, pg, RW);
	CHECK(r == -1 && (errno == EPERM || errno == ENOSYS));
	r = syscall(X32 | SYS_mremap, p, pg, 2 * pg, MREMAP_MAYMOVE, 0);
	CHECK(r == -1 && (errno == EPERM || errno == ENOSYS));
	r = syscall(X32 | SYS_madvise, p, pg, MADV_DONTNEED);
	CHECK(r == -1 && (errno == EPERM || errno == ENOSYS));
	CHECK(page_mapped(p) && all_bytes(p, pg, 'x'));
	CHECK(prot_refused(p, pg, RO));
	/* Control: the 64-bit call unmaps the unsealed page. */
	CHECK_SYS_OK(munmap(c, pg));
}

TEST(bypass_advice_high_bits_refused)
{
	size_t pg = ctx->page;
	char *c = filled(1, RO, 'c');
	char *p = filled(1, RO, 'p');

	SEAL(p, pg);
	/* The kernel reads advice as an int: 0x100000004 is MADV_DONTNEED. */
	CHECK_SYS_ERR(syscall(SYS_madvise, p, pg, 0x100000004UL), EPERM);
	CHECK(all_bytes(p, pg, 'p'));
	/* Control: on unsealed memory it does drop the contents. */
	CHECK_SYS_OK(syscall(SYS_madvise, c, pg, 0x100000004UL));
	CHECK(all_bytes(c, pg, 0));
}

TEST(bypass_high_bits_and_wrapping_lengths)
{
	size_t pg = ctx->page;
	char *p = filled(1, RO, 'h');
	char *c = filled(1, RO, 'c');
	uintptr_t a = (uintptr_t)p;

	SEAL(p, pg);
	/* A length whose low word is one page but that covers the seal. */
	CHECK_SYS_ERR(syscall(SYS_munmap, a, (1UL << 32) + pg), EPERM);
	CHECK_SYS_ERR(syscall(SYS_mprotect, a, (1UL << 32) + pg, RW), EPERM);
	CHECK_SYS_ERR(syscall(SYS_madvise, a, (1UL << 32) + pg, MADV_DONTNEED),
		      EPERM);
	/* Lengths that wrap past the top, addresses with high bits set:
	 * the kernel's own argument errors, and nothing changes. */
	CHECK_SYS_ERR(syscall(SYS_munmap, a, -a), EINVAL);
	CHECK(syscall(SYS_mprotect, a, -a, RW) == -1);
#if defined(__aarch64__)
	/* arm64: the top byte is a tag the kernel strips (untagged_addr(),
	 * which keeps it only when bit 55 is set): bit 63 names the sealed
	 * page itself, bit 55 an address above user space. */
	CHECK_SYS_ERR(syscall(SYS_munmap, a | (1UL << 63), pg), EPERM);
	CHECK_SYS_ERR(syscall(SYS_munmap, a | (1UL << 55), pg), EINVAL);
#else
	CHECK_SYS_ERR(syscall(SYS_munmap, a | (1UL << 63), pg), EINVAL);
#endif
	CHECK_SYS_ERR(syscall(SYS_munmap, a, ~0UL), EINVAL);
	CHECK(mremap(p, pg, ~0UL - pg, MREMAP_MAYMOVE) == MAP_FAILED);
	CHECK(page_mapped(p) && all_bytes(p, pg, 'h'));
	CHECK(prot_refused(p, pg, RO));
	/* Control: an ordinary munmap of an unsealed page works. */
	CHECK_SYS_OK(munmap(c, pg));
}

/*
 * A seccomp seal does not split its mapping: a seal on the third page of
 * four leaves one mapping, and an mremap naming its first page moves (or,
 * with DONTUNMAP, empties) all four.  The kernel refuses it: the source
 * [old_address, + old_len) holds a sealed page (EPERM, or EFAULT where the
 * native seal split the mapping).
 */
TEST(bypass_mremap_source_beyond_its_first_page)
{
	size_t pg = ctx->page;
	char *p = filled(5, RO, 'm');
	char *s, *q;

	/* The fifth page, of another protection, keeps the growth from
	 * happening in place: the kernel must move. */
	CHECK_SYS_OK(mprotect(p + 4 * pg, pg, PROT_NONE));
	s = p + 2 * pg;
	SEAL(s, pg);
	q = mremap(p, 4 * pg, 8 * pg, MREMAP_MAYMOVE);
	CHECK(q == MAP_FAILED && (errno == EPERM || errno == EFAULT));
	q = mremap(p, 4 * pg, 4 * pg, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
	CHECK(q == MAP_FAILED);
	q = mremap(p, 4 * pg, 2 * pg, MREMAP_MAYMOVE);
	CHECK(q == MAP_FAILED);
	CHECK(page_mapped(s) && all_bytes(s, pg, 'm'));
	CHECK(prot_refused(s, pg, RO));
	/* Control: the unsealed first page alone moves. */
	q = mremap(p, pg, 2 * pg, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED && all_bytes(q, pg, 'm'));
}

struct thr {
	char *p;
	size_t pg;
	volatile int go, sealed, done;
	int munmap_err, mprotect_err;
	long before_ok;
};

static void try_sealed(struct thr *t)
{
	t->munmap_err = munmap(t->p, t->pg) == 0 ? 0 : errno;
	t->mprotect_err = mprotect(t->p, t->pg, RO) == 0 ? 0 : errno;
}

static void *waiter(void *arg)
{
	struct thr *t = arg;

	while (!__atomic_load_n(&t->go, __ATOMIC_ACQUIRE))
		sched_yield();
	try_sealed(t);
	return NULL;
}

TEST(threads_started_before_and_after_the_seal)
{
	struct thr before = { .pg = ctx->page }, after = { .pg = ctx->page };
	pthread_t tb, ta;

	before.p = filled(1, RO, 'b');
	after.p = before.p;
	CHECK(pthread_create(&tb, NULL, waiter, &before) == 0);
	SEAL(before.p, ctx->page);
	__atomic_store_n(&before.go, 1, __ATOMIC_RELEASE);
	CHECK(pthread_join(tb, NULL) == 0);
	CHECK(before.munmap_err == EPERM && before.mprotect_err == EPERM);

	after.go = 1;
	CHECK(pthread_create(&ta, NULL, waiter, &after) == 0);
	CHECK(pthread_join(ta, NULL) == 0);
	CHECK(after.munmap_err == EPERM && after.mprotect_err == EPERM);
	CHECK(page_mapped(before.p) && all_bytes(before.p, ctx->page, 'b'));
}

/* Loops on mprotect until the main thread says the seal has returned. */
static void *looper(void *arg)
{
	struct thr *t = arg;

	while (!__atomic_load_n(&t->sealed, __ATOMIC_ACQUIRE)) {
		if (mprotect(t->p, t->pg, RO) == 0)
			__atomic_add_fetch(&t->before_ok, 1, __ATOMIC_RELEASE);
	}
	try_sealed(t);
	return NULL;
}

TEST(thread_looping_on_mprotect_during_the_seal)
{
	struct thr t = { .pg = ctx->page };
	pthread_t th;

	t.p = filled(1, RO, 'l');
	CHECK(pthread_create(&th, NULL, looper, &t) == 0);
	/* Control: the loop's calls succeed before the seal. */
	while (__atomic_load_n(&t.before_ok, __ATOMIC_ACQUIRE) < 100)
		sched_yield();
	SEAL(t.p, ctx->page);
	__atomic_store_n(&t.sealed, 1, __ATOMIC_RELEASE);
	CHECK(pthread_join(th, NULL) == 0);
	CHECK(t.munmap_err == EPERM && t.mprotect_err == EPERM);
	CHECK(page_mapped(t.p));
}

/* ---- the seccomp backend's own limits -------------------------------- */

static int install_allow_filter(size_t len)
{
	struct sock_filter *f = calloc(len, sizeof(*f));
	struct sock_fprog fp = { (unsigned short)len, f };
	int rc;

	CHECK(f != NULL);
	for (size_t i = 0; i + 1 < len; i++)
		f[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						    0);
	f[len - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						  SECCOMP_RET_ALLOW);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		FAIL("no_new_privs: %s", strerror(errno));
	rc = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp);
	free(f);
	return rc ? -errno : 0;
}

/* Every other page of one mapping: n ranges that cannot merge. */
static struct mseal_span *sparse_spans(char *p, size_t n, size_t pg)
{
	struct mseal_span *s = calloc(n, sizeof(*s));

	CHECK(s != NULL);
	for (size_t i = 0; i < n; i++)
		s[i] = (struct mseal_span){ p + 2 * i * pg, pg };
	return s;
}

TEST_ONCE(seccomp_over_budget_seals_nothing)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), n = 6000;
	char *p, *q;
	struct mseal_span *s;
	int before;

	use_seccomp();
	p = map_anon(2 * n, RO);
	s = sparse_spans(p, n, pg);
	before = seccomp_filters();
	CHECK_ERR(mseal_ranges(s, n, MSEAL_ALL), E2BIG);
	CHECK(seccomp_filters() == before);
	CHECK(!prot_refused(p, pg, RO));
	CHECK(!prot_refused(p + 2 * (n - 1) * pg, pg, RO));
	/* Control: a batch that fits, split over several filters. */
	q = map_anon(2 * 1500, RO);
	free(s);
	s = sparse_spans(q, 1500, pg);
	CHECK_OK(mseal_ranges(s, 1500, MSEAL_ALL));
	CHECK(seccomp_filters() > before + 1);
	CHECK(prot_refused(q, pg, RO));
	CHECK(prot_refused(q + 2 * 1499 * pg, pg, RO));
	CHECK(!prot_refused(q + pg, pg, RO));
	free(s);
}

/*
 * In a child: 0 when a filter of len instructions (eBPF length len + 4)
 * goes in, else the errno.
 */
static int allow_filter_fits(size_t len)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0)
		_exit(-install_allow_filter(len) & 0x7f);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* The same for the one-page program of p. */
static int page_program_fits(const char *p, size_t pg, size_t *ebpf)
{
	static struct sock_filter prog[MSL_FILTER_MAX_INSNS];
	struct msl_frange r = { (uintptr_t)p, (uintptr_t)p + pg, 0, 0, 0 };
	int len = msl_filter_compile(&r, 1, MSEAL_ALL, prog,
				     MSL_FILTER_MAX_INSNS);
	struct sock_fprog fp;
	int status;
	pid_t pid;

	CHECK(len > 0);
	fp = (struct sock_fprog){ (unsigned short)len, prog };
	*ebpf = msl_filter_ebpf_len(prog, (size_t)len);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) ?
			      errno & 0x7f :
			      0);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/*
 * The library counts the budget as the kernel does: after one-page seals
 * until E2BIG, a filter exactly as long as the room left goes in and one
 * instruction more does not (the kernel counts each installed filter's
 * eBPF length plus 4, and the new one's length), and the program the
 * library refused is too long for the kernel as well.
 */
TEST_ONCE(seccomp_budget_is_the_kernels)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), used = 0, ebpf = 0;
	unsigned int filters = 0;
	int n = 0, rc = 0;
	long room;
	char *p = NULL, *first = NULL;

	use_seccomp();
	if (seccomp_filters() != 0)
		SKIP("this process already holds filters the library does "
		     "not count");
	while (!rc && n < 1000) {
		p = map_anon(1, RW);
		rc = mseal_range(p, pg, MSEAL_ALL) ? errno : 0;
		n += !rc;
		if (!first)
			first = p;
	}
	CHECK(rc == E2BIG);
	CHECK(n > 10);
	msl_seccomp_stats(&filters, &used);
	CHECK(filters == (unsigned int)n);
	CHECK(seccomp_filters() == n);
	room = 32768 - (long)used;
	CHECK(room >= 0);
	/* The refused program: longer than the room, refused by the kernel. */
	CHECK(page_program_fits(p, pg, &ebpf) == ENOMEM);
	CHECK((long)ebpf > room);
	/* The room, to the instruction (an allow filter of len is len + 4). */
	if (room >= 5)
		CHECK(allow_filter_fits((size_t)room - 4) == 0);
	CHECK(allow_filter_fits(room >= 4 ? (size_t)room - 3 : 1) == ENOMEM);
	/* The first page is sealed, the refused one was never sealed. */
	CHECK(prot_refused(first, pg, RW));
	CHECK(!prot_refused(p, pg, RW));
}

/* Filters installed by someone else share the budget: a batch that needs
 * several filters is tried in a child first, so it fails whole. */
TEST_ONCE(seccomp_foreign_filters_share_the_budget)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), n = 700;
	struct mseal_span *s;
	char *p, *c;
	int before, rc;

	use_seccomp();
	for (int i = 0; i < 7; i++) {
		rc = install_allow_filter(4000);
		if (rc)
			FAIL("foreign filter %d: %s", i, strerror(-rc));
	}
	p = map_anon(2 * n, RO);
	s = sparse_spans(p, n, pg);
	before = seccomp_filters();
	CHECK_ERR(mseal_ranges(s, n, MSEAL_ALL), E2BIG);
	CHECK(seccomp_filters() == before);
	CHECK(!prot_refused(p, pg, RO));
	CHECK(!prot_refused(p + 2 * (n - 1) * pg, pg, RO));
	/* Control: one small seal still fits. */
	c = map_anon(1, RO);
	CHECK_OK(mseal_range(c, pg, MSEAL_ALL));
	CHECK(prot_refused(c, pg, RO));
	free(s);
}

static pid_t own_filter_tid;

static void *own_filter_thread(void *arg)
{
	struct thr *t = arg;

	own_filter_tid = (pid_t)syscall(SYS_gettid);
	t->munmap_err = -install_allow_filter(2);
	__atomic_store_n(&t->go, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE))
		sched_yield();
	return NULL;
}

TEST_ONCE(seccomp_thread_with_own_filter_fails_cleanly)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	struct thr t = { 0 };
	char *p = map_anon(1, RO);
	char path[64];
	unsigned int c;
	pthread_t th;

	use_seccomp();
	CHECK(pthread_create(&th, NULL, own_filter_thread, &t) == 0);
	while (!__atomic_load_n(&t.go, __ATOMIC_ACQUIRE))
		sched_yield();
	CHECK(t.munmap_err == 0);
	/* TSYNC cannot bring that thread along: nothing is sealed. */
	CHECK_ERR(mseal_range(p, pg, MSEAL_ALL), EBUSY);
	CHECK(!prot_refused(p, pg, RO));
	CHECK_OK(mseal_query(p, pg, &c));
	CHECK(c == 0);
	__atomic_store_n(&t.done, 1, __ATOMIC_RELEASE);
	CHECK(pthread_join(th, NULL) == 0);
	/* pthread_join returns when the kernel clears the thread's TID, a
	 * little before the thread leaves the thread group that TSYNC
	 * walks: wait for its /proc entry to go (seen under QEMU on 6.1). */
	snprintf(path, sizeof(path), "/proc/self/task/%d", (int)own_filter_tid);
	for (int i = 0; access(path, F_OK) == 0 && i < 5000; i++)
		usleep(1000);
	CHECK(access(path, F_OK) != 0 && errno == ENOENT);
	/* Control: with the thread gone the same seal works. */
	CHECK_OK(mseal_range(p, pg, MSEAL_ALL));
	CHECK(prot_refused(p, pg, RO));
}

static bool drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return false;
	d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
	return syscall(SYS_capset, &h, d) == 0;
}

/* Without CAP_SYS_ADMIN a seal needs no_new_privs, which cannot be undone:
 * a seal that TSYNC will refuse must fail before setting it. */
TEST_ONCE(seccomp_failed_seal_leaves_no_new_privs_unset)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	struct thr t = { 0 };
	char *p = map_anon(1, RO);
	char path[64];
	pthread_t th;

	use_seccomp();
	if (!drop_cap_sys_admin())
		SKIP("cannot drop CAP_SYS_ADMIN");
	CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0);
	CHECK(pthread_create(&th, NULL, own_filter_thread, &t) == 0);
	while (!__atomic_load_n(&t.go, __ATOMIC_ACQUIRE))
		sched_yield();
	CHECK(t.munmap_err == 0);
	CHECK_ERR(mseal_range(p, pg, MSEAL_ALL), EBUSY);
	CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0);
	CHECK(!prot_refused(p, pg, RO));
	__atomic_store_n(&t.done, 1, __ATOMIC_RELEASE);
	CHECK(pthread_join(th, NULL) == 0);
	snprintf(path, sizeof(path), "/proc/self/task/%d", (int)own_filter_tid);
	for (int i = 0; access(path, F_OK) == 0 && i < 5000; i++)
		usleep(1000);
	/* Control: now the seal works, and sets no_new_privs. */
	CHECK_OK(mseal_range(p, pg, MSEAL_ALL));
	CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
	CHECK(prot_refused(p, pg, RO));
}

/*
 * A private /dev/zero mapping is anonymous memory (mmap_zero()): 6.18's
 * seal protects its read-only pages from discard (vma_is_anonymous()), as
 * the seccomp backend does on every kernel; 6.12's looked for a file
 * instead and let the advice through (docs/SEMANTICS.md section 8).
 */
TEST(discard_private_dev_zero_is_anonymous)
{
	size_t pg = ctx->page;
	int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	char *c, *p;

	if (fd < 0)
		SKIP("no /dev/zero");
	c = mmap(NULL, pg, RW, MAP_PRIVATE, fd, 0);
	p = mmap(NULL, pg, RW, MAP_PRIVATE, fd, 0);
	close(fd);
	CHECK(c != MAP_FAILED && p != MAP_FAILED);
	memset(c, 'c', pg);
	memset(p, 'z', pg);
	CHECK_SYS_OK(mprotect(c, pg, RO));
	CHECK_SYS_OK(mprotect(p, pg, RO));
	SEAL(p, pg);
	/* Control: unsealed, the advice drops the copy. */
	CHECK_SYS_OK(madvise(c, pg, MADV_DONTNEED));
	CHECK(all_bytes(c, pg, 0));
	if (backend_is_native() && madvise(p, pg, MADV_DONTNEED) == 0) {
		CHECK(all_bytes(p, pg, 0));
		SKIP("this kernel's seal does not count private /dev/zero as "
		     "anonymous (before vma_is_anonymous() in the check)");
	}
	CHECK_SYS_ERR(madvise(p, pg, MADV_DONTNEED), EPERM);
	CHECK(all_bytes(p, pg, 'z'));
}

TEST_ONCE(seccomp_no_new_privs_only_without_cap_sys_admin)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	struct mseal_features f;
	char *p = map_anon(2, RO);

	use_seccomp();
	CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0);
	mseal_probe(&f);
	if (f.flags & MSEAL_FEAT_CAP_SYS_ADMIN) {
		/* With the capability the filter needs no no_new_privs. */
		CHECK_OK(mseal_range(p, pg, MSEAL_ALL));
		CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0);
		if (!drop_cap_sys_admin())
			SKIP("cannot drop CAP_SYS_ADMIN");
	}
	mseal_probe(&f);
	CHECK(!(f.flags & MSEAL_FEAT_CAP_SYS_ADMIN));
	CHECK(!(f.flags & MSEAL_FEAT_NO_NEW_PRIVS));
	CHECK_OK(mseal_range(p + pg, pg, MSEAL_ALL));
	CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
	mseal_probe(&f);
	CHECK(f.flags & MSEAL_FEAT_NO_NEW_PRIVS);
	CHECK(prot_refused(p + pg, pg, RO));
}

/* ---- opt-in refusals ------------------------------------------------- */

static int uffd(void)
{
	int fd = (int)syscall(SYS_userfaultfd, 0);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

static int ring(void)
{
	char params[120];
	int fd;

	memset(params, 0, sizeof(params));
	fd = (int)syscall(425 /* io_uring_setup */, 1, params);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

/*
 * The refusal is a seccomp filter too: on an architecture the filter does
 * not know yet it is EOPNOTSUPP, nothing installed (the control: the
 * refused call still works), then the test skips.
 */
static void need_refuse_arch(void)
{
	int u = uffd();

	if (filter_arch_known())
		return;
	CHECK_ERR(mseal_refuse(MSEAL_REFUSE_USERFAULTFD), EOPNOTSUPP);
	CHECK(uffd() == u);
	SKIP("no seccomp filter for this architecture yet: mseal_refuse() is "
	     "EOPNOTSUPP, nothing installed");
}

TEST_ONCE(refuse_io_uring_and_userfaultfd)
{
	int u = uffd(), r = ring();

	need_refuse_arch();
	CHECK_ERR(mseal_refuse(0), EINVAL);
	CHECK_ERR(mseal_refuse(0x4), EINVAL);
	if (u && r)
		SKIP("neither userfaultfd (%s) nor io_uring (%s) works here",
		     strerror(u), strerror(r));
	CHECK_OK(mseal_refuse(MSEAL_REFUSE_USERFAULTFD));
	if (!u)
		CHECK(uffd() == EPERM);
	/* Only what was asked for. */
	CHECK(ring() == r);
	CHECK_OK(mseal_refuse(MSEAL_REFUSE_IO_URING));
	if (!r)
		CHECK(ring() == EPERM);
}

TEST_ONCE(refuse_from_environment_at_first_seal)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *p = map_anon(1, RO);

	struct mseal_features f;

	need_refuse_arch();
	if (uffd())
		SKIP("userfaultfd does not work here: %s", strerror(uffd()));
	setenv("MSEAL_REFUSE", "userfaultfd", 1);
	/* arm64 without mseal(2): no backend seals (SEMANTICS.md 4).  The
	 * probe reads the environment once: after the setenv. */
	CHECK_OK(mseal_probe(&f));
	if (f.backend == MSEAL_BACKEND_NONE)
		SKIP("no backend seals here: no first seal to refuse at");
	CHECK(uffd() == 0); /* nothing before the first seal */
	CHECK_OK(mseal_range(p, pg, MSEAL_ALL));
	CHECK(uffd() == EPERM);
}

TEST_ONCE(refuse_environment_invalid_fails_seals)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *p = map_anon(1, RO);

	setenv("MSEAL_REFUSE", "io_uring,bogus", 1);
	CHECK_ERR(mseal_range(p, pg, MSEAL_ALL), EINVAL);
	CHECK(!prot_refused(p, pg, RO));
}

/* ---- CLONE_VM processes ---------------------------------------------- */

struct vm_child {
	char *p;
	size_t pg;
	volatile int go;
	volatile long rc;
};

static int vm_child_fn(void *arg)
{
	struct vm_child *c = arg;

	while (!c->go)
		;
	c->rc = syscall(SYS_munmap, c->p, c->pg) == 0 ? 0 : -errno;
	return 0;
}

/*
 * A process sharing the address space (clone(CLONE_VM) without
 * CLONE_THREAD, as vfork and posix_spawn make) that exists before the seal:
 * the kernel's seal binds it, being on the memory; a seccomp filter binds
 * only the threads TSYNC reaches (libmseal(7)).
 */
TEST(clone_vm_process_created_before_the_seal)
{
	static char stack[65536] __attribute__((aligned(16)));
	struct vm_child c = { .pg = ctx->page };
	int st;
	pid_t pid;

	c.p = filled(1, RO, 'v');
	pid = clone(vm_child_fn, stack + sizeof(stack), CLONE_VM | SIGCHLD, &c);
	CHECK(pid > 0);
	SEAL(c.p, ctx->page);
	/* Control: this thread is bound. */
	CHECK_SYS_ERR(munmap(c.p, ctx->page), EPERM);
	c.go = 1;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	if (backend_is_native()) {
		CHECK(c.rc == -EPERM);
		CHECK(page_mapped(c.p) && all_bytes(c.p, ctx->page, 'v'));
	} else {
		CHECK(c.rc == 0);
		CHECK(!page_mapped(c.p));
	}
}

/*
 * Without /proc the seccomp backend cannot learn what memory a seal covers
 * and fails with the error of opening /proc/self/maps; the kernel's seal
 * needs no /proc (libmseal(7)).  /proc is hidden in a private mount
 * namespace of this test's own process.
 */
TEST(seal_without_proc)
{
	char *p = map_anon(1, RO);
	char *c = map_anon(1, RO);
	int rc, setup_errno;

	/* Control, before /proc goes: */
	CHECK(!prot_refused(c, ctx->page, RO));
	errno = 0;
	CHECK(syscall(425 /* io_uring_setup */, 0, NULL) == -1);
	setup_errno = errno;
	if (unshare(CLONE_NEWNS) != 0)
		SKIP("no private mount namespace: %s", strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("none", "/proc", "tmpfs", 0, NULL) != 0)
		SKIP("cannot hide /proc: %s", strerror(errno));
	rc = mseal_range(p, ctx->page, MSEAL_ALL);
	if (backend_is_native()) {
		CHECK(rc == 0);
		CHECK(prot_refused(p, ctx->page, RO));
	} else {
		CHECK(rc == -ENOENT);
		CHECK(!prot_refused(p, ctx->page, RO));
	}
	/* Nor can the io_uring refusal know whether a submission thread
	 * runs: it fails and installs nothing (io_uring_setup answers as
	 * before). */
	if (filter_arch_known())
		CHECK_ERR(mseal_refuse(MSEAL_REFUSE_IO_URING), ENOENT);
	errno = 0;
	CHECK(syscall(425 /* io_uring_setup */, 0, NULL) == -1 &&
	      errno == setup_errno);
}

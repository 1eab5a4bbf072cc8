// SPDX-License-Identifier: MIT
/*
 * Holes of the seccomp backend outside the filter itself, each with its
 * unsealed control, on both backends:
 *   fork       a child forked while another thread is inside a seal can
 *              seal (the backend's lock is not left held in the child);
 *   io_uring   a ring that exists before mseal_refuse(), taken from
 *              another process, cannot run IORING_OP_MADVISE;
 *   mmap       mseal_mmap(MAP_FIXED) that cannot seal leaves what it would
 *              have replaced in place;
 *   query      after execve, mseal_query() sees the filters the old image
 *              left, by asking them.
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "abi.h"
#include "bpf_interp.h"
#include "filter.h"
#include "harness.h"
#include "internal.h"

#define RO PROT_READ
#define RW (PROT_READ | PROT_WRITE)

/* ---- fork while another thread is inside a seal ----------------------- */

static struct {
	pid_t main_tid;
	int in[2];
	char *page;
	size_t pg;
	int rc;
} fk;

/* The system call a thread of this process is blocked in, or -1. */
static long blocked_in(pid_t tid)
{
	char path[64], buf[128];
	long nr = -1;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		if (sscanf(buf, "%ld", &nr) != 1)
			nr = -1; /* "running" */
	}
	return nr;
}

/*
 * Runs inside the sealing thread's seal, with the backend's lock held:
 * tells the main thread to fork, then waits until the main thread is
 * blocked on a futex, which, with the fix, is fork's prepare handler
 * waiting for this lock.  Without the fix fork does not wait, the child
 * inherits the lock held, and its seal hangs (its watchdog fires).
 */
static void hold_the_lock(void)
{
	msl_seccomp_test_hook = NULL;
	if (write(fk.in[1], "x", 1) != 1)
		_exit(3);
	while (blocked_in(fk.main_tid) != SYS_futex)
		sched_yield();
}

static void *sealing_thread(void *arg)
{
	(void)arg;
	fk.rc = mseal_range(fk.page, fk.pg, MSEAL_ALL);
	/* The native backend has no lock and never calls the hook. */
	if (msl_seccomp_test_hook && write(fk.in[1], "x", 1) != 1)
		_exit(3);
	return NULL;
}

TEST(fork_while_another_thread_seals)
{
	size_t pg = ctx->page;
	char *mine = filled(1, RO, 'm'), *ctl = filled(1, RO, 'c');
	pthread_t t;
	pid_t pid;
	char c;
	int st;

	fk.main_tid = (pid_t)syscall(SYS_gettid);
	fk.page = filled(1, RO, 't');
	fk.pg = pg;
	CHECK_SYS_OK(pipe(fk.in));
	msl_seccomp_test_hook = hold_the_lock;
	CHECK(pthread_create(&t, NULL, sealing_thread, NULL) == 0);
	CHECK(read(fk.in[0], &c, 1) == 1);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		alarm(20); /* a hang is the failure */
		if (mseal_range(mine, pg, MSEAL_ALL))
			_exit(1);
		/* The thread's seal was whole before the child was made. */
		if (!prot_refused(fk.page, pg, RO))
			_exit(2);
		if (!prot_refused(mine, pg, RO) || prot_refused(ctl, pg, RO))
			_exit(4);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		FAIL("the fork child's seal hung");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(fk.rc == 0);
	CHECK(prot_refused(fk.page, pg, RO));
	/* Control: the child's seal was the child's. */
	CHECK(!prot_refused(mine, pg, RO));
}

/* ---- io_uring: rings that exist before the refusal ------------------ */

#define NR_IO_URING_SETUP 425
#define NR_IO_URING_ENTER 426
#define NR_IO_URING_REGISTER 427
#define NR_PIDFD_OPEN 434
#define NR_PIDFD_GETFD 438

struct ring {
	int fd;
	struct io_uring_params p;
	unsigned int *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_cqe *cqes;
	struct io_uring_sqe *sqes;
};

/* Skips unless this kernel and process may use io_uring. */
static int ring_setup(struct io_uring_params *p, unsigned int flags)
{
	FILE *f = fopen("/proc/sys/kernel/io_uring_disabled", "re");
	int disabled = 0, fd;

	if (f) {
		if (fscanf(f, "%d", &disabled) != 1)
			disabled = 0;
		fclose(f);
	}
	if (disabled == 2)
		SKIP("io_uring is disabled (kernel.io_uring_disabled=2)");
	memset(p, 0, sizeof(*p));
	p->flags = flags;
	p->sq_thread_idle = 60000;
	fd = (int)syscall(NR_IO_URING_SETUP, 4, p);
	if (fd < 0)
		SKIP("io_uring_setup: %s (kernel.io_uring_disabled=%d)",
		     strerror(errno), disabled);
	return fd;
}

static void ring_map(struct ring *r)
{
	size_t sq = r->p.sq_off.array + r->p.sq_entries * sizeof(unsigned int);
	size_t cq = r->p.cq_off.cqes +
		    r->p.cq_entries * sizeof(struct io_uring_cqe);
	char *sqm, *cqm;

	if (!(r->p.features & IORING_FEAT_SINGLE_MMAP))
		SKIP("io_uring without IORING_FEAT_SINGLE_MMAP");
	sqm = mmap(NULL, sq > cq ? sq : cq, RW, MAP_SHARED | MAP_POPULATE,
		   r->fd, IORING_OFF_SQ_RING);
	r->sqes = mmap(NULL, r->p.sq_entries * sizeof(struct io_uring_sqe), RW,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	CHECK(sqm != MAP_FAILED && r->sqes != MAP_FAILED);
	cqm = sqm;
	r->sq_tail = (unsigned int *)(sqm + r->p.sq_off.tail);
	r->sq_mask = (unsigned int *)(sqm + r->p.sq_off.ring_mask);
	r->sq_array = (unsigned int *)(sqm + r->p.sq_off.array);
	r->cq_head = (unsigned int *)(cqm + r->p.cq_off.head);
	r->cq_tail = (unsigned int *)(cqm + r->p.cq_off.tail);
	r->cq_mask = (unsigned int *)(cqm + r->p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cqm + r->p.cq_off.cqes);
}

/*
 * IORING_OP_MADVISE of [addr, + len) through the ring: the request's
 * result, or -errno when io_uring_enter itself fails (the request is then
 * taken back, unseen by the kernel).
 */
static int ring_madvise(struct ring *r, void *addr, size_t len, int advice)
{
	unsigned int tail = *r->sq_tail, idx = tail & *r->sq_mask, head;
	struct io_uring_sqe *e = &r->sqes[idx];
	long n;
	int res;

	memset(e, 0, sizeof(*e));
	e->opcode = IORING_OP_MADVISE;
	e->fd = -1;
	e->addr = (uintptr_t)addr;
	e->len = (unsigned int)len;
	e->fadvise_advice = (unsigned int)advice;
	e->user_data = 42;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	n = syscall(NR_IO_URING_ENTER, r->fd, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0);
	if (n < 0) {
		res = -errno;
		__atomic_store_n(r->sq_tail, tail, __ATOMIC_RELEASE);
		return res;
	}
	CHECK(n == 1);
	head = __atomic_load_n(r->cq_head, __ATOMIC_ACQUIRE);
	CHECK(__atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) != head);
	CHECK(r->cqes[head & *r->cq_mask].user_data == 42);
	res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

/*
 * A ring made by a child process and taken with pidfd_getfd(2), as any
 * process of the same user may; where that is not allowed, a ring made
 * here, which is the same case: it exists before the refusal.
 */
static void foreign_ring(struct ring *r)
{
	int to_parent[2], to_child[2], pidfd, st;
	struct {
		int fd;
		struct io_uring_params p;
	} msg;
	pid_t pid;
	char c;

	CHECK_SYS_OK(pipe(to_parent));
	CHECK_SYS_OK(pipe(to_child));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(to_child[1]);
		memset(&msg, 0, sizeof(msg));
		msg.fd = (int)syscall(NR_IO_URING_SETUP, 4, &msg.p);
		if (msg.fd < 0)
			msg.fd = -errno;
		if (write(to_parent[1], &msg, sizeof(msg)) != sizeof(msg))
			_exit(1);
		_exit(read(to_child[0], &c, 1) < 0);
	}
	close(to_parent[1]);
	close(to_child[0]);
	CHECK(read(to_parent[0], &msg, sizeof(msg)) == sizeof(msg));
	r->fd = -1;
	if (msg.fd >= 0) {
		r->p = msg.p;
		pidfd = (int)syscall(NR_PIDFD_OPEN, pid, 0);
		if (pidfd >= 0)
			r->fd = (int)syscall(NR_PIDFD_GETFD, pidfd, msg.fd, 0);
		if (pidfd >= 0)
			close(pidfd);
	}
	close(to_child[1]);
	CHECK(waitpid(pid, &st, 0) == pid);
	if (r->fd < 0)
		r->fd = ring_setup(&r->p, 0);
	ring_map(r);
}

/*
 * mseal_refuse(MSEAL_REFUSE_IO_URING) closes io_uring for rings made
 * before it too: IORING_OP_MADVISE(MADV_DONTNEED), which a seccomp filter
 * cannot see, would otherwise wipe a sealed read-only page.
 */
TEST(refuse_io_uring_covers_a_ring_made_before)
{
	size_t pg = ctx->page;
	char *s = filled(1, RO, 's'), *c = filled(1, RO, 'c');
	struct io_uring_params p;
	struct ring r;

	if (!filter_arch_known())
		SKIP("no seccomp filter for this architecture yet: "
		     "mseal_refuse() is EOPNOTSUPP (refuse_io_uring_and_userfaultfd)");
	foreign_ring(&r);
	/* Control: the ring works, and wipes an unsealed page. */
	CHECK(ring_madvise(&r, c, pg, MADV_DONTNEED) == 0);
	CHECK(all_bytes(c, pg, 0));
	SEAL(s, pg);
	/* The kernel's seal holds against the ring by itself; a filter
	 * does not see the request (libmseal(7)), so that is not tried. */
	if (backend_is_native()) {
		CHECK(ring_madvise(&r, s, pg, MADV_DONTNEED) == -EPERM);
		CHECK(all_bytes(s, pg, 's'));
	}
	CHECK_OK(mseal_refuse(MSEAL_REFUSE_IO_URING));
	CHECK(ring_madvise(&r, s, pg, MADV_DONTNEED) == -EPERM);
	CHECK(all_bytes(s, pg, 's'));
	CHECK_SYS_ERR(syscall(NR_IO_URING_REGISTER, r.fd, IORING_REGISTER_PROBE,
			      NULL, 0),
		      EPERM);
	memset(&p, 0, sizeof(p));
	CHECK_SYS_ERR(syscall(NR_IO_URING_SETUP, 4, &p), EPERM);
}

/* An "iou-sqp-" thread of this process, as the library looks for it. */
static bool sqpoll_thread(void)
{
	FILE *f;
	char path[300], comm[64];
	bool found = false;
	struct dirent *e;
	DIR *d = opendir("/proc/self/task");

	CHECK(d != NULL);
	while (!found && (e = readdir(d))) {
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
			 e->d_name);
		f = e->d_name[0] == '.' ? NULL : fopen(path, "re");
		if (!f)
			continue;
		found = fgets(comm, sizeof(comm), f) &&
			!strncmp(comm, "iou-sqp-", 8);
		fclose(f);
	}
	closedir(d);
	return found;
}

/*
 * A ring with a submission thread (IORING_SETUP_SQPOLL) takes requests
 * with no system call at all: the refusal cannot stop it, so it refuses
 * to pretend (EBUSY, nothing installed) while one runs.
 */
TEST(refuse_io_uring_with_a_polling_ring_is_ebusy)
{
	struct io_uring_params p;
	int fd = ring_setup(&p, IORING_SETUP_SQPOLL), again;

	if (!filter_arch_known())
		SKIP("no seccomp filter for this architecture yet: "
		     "mseal_refuse() is EOPNOTSUPP (refuse_io_uring_and_userfaultfd)");
	/* The thread names itself once it runs (the library does not wait
	 * for that). */
	while (!sqpoll_thread())
		sched_yield();
	CHECK_ERR(mseal_refuse(MSEAL_REFUSE_IO_URING), EBUSY);
	/* Nothing was installed: rings can still be made. */
	again = ring_setup(&p, 0);
	close(again);
	/* Control: with the polling ring gone, the refusal works. */
	close(fd);
	while (sqpoll_thread())
		usleep(1000);
	CHECK_OK(mseal_refuse(MSEAL_REFUSE_IO_URING));
	CHECK_SYS_ERR(syscall(NR_IO_URING_SETUP, 4, &p), EPERM);
}

/* ---- map or protect and seal: all or nothing ------------------------- */

/*
 * Seals one page at a time until the seccomp budget runs out (E2BIG) or
 * max seals went in (the kernel's seals cost nothing).  Returns how many
 * failed: 0 or 1.
 */
static int spend_budget(size_t pg, int max)
{
	char *pool = map_anon(2 * (size_t)max, RO);
	int rc = 0;

	for (int i = 0; i < max && !rc; i++)
		rc = mseal_range(pool + 2 * (size_t)i * pg, pg, MSEAL_ALL);
	if (rc && rc != -E2BIG)
		FAIL("filling the budget: %s", strerror(-rc));
	return rc != 0;
}

/*
 * mseal_mmap(MAP_FIXED) replaces the caller's mapping: a seal that cannot
 * be made must be known before, so that the data stay (it used to map,
 * fail with E2BIG and unmap, leaving a hole).
 */
TEST(mmap_fixed_without_budget_keeps_the_data)
{
	size_t pg = ctx->page;
	char *data = filled(1, RW, 'd'), *ctl = filled(1, RW, 'c'), *p;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;

	/* Control, with budget: the mapping is replaced and sealed. */
	p = mseal_mmap(ctl, pg, RO, flags, -1, 0, MSEAL_ALL);
	CHECK(p == ctl && all_bytes(ctl, pg, 0));
	CHECK(prot_refused(ctl, pg, RO));
	if (!spend_budget(pg, 1000)) {
		CHECK(backend_is_native());
		p = mseal_mmap(data, pg, RO, flags, -1, 0, MSEAL_ALL);
		CHECK(p == data && all_bytes(data, pg, 0));
		return;
	}
	errno = 0;
	p = mseal_mmap(data, pg, RO, flags, -1, 0, MSEAL_ALL);
	CHECK(p == MAP_FAILED && errno == E2BIG);
	CHECK(page_mapped(data) && all_bytes(data, pg, 'd'));
	data[0] = 'w'; /* still the caller's writable page */
	CHECK(!prot_refused(data, pg, RW));
}

/* The same for mseal_mprotect(): the protection stays as it was. */
TEST(mprotect_without_budget_changes_nothing)
{
	size_t pg = ctx->page;
	char *data = filled(1, RW, 'd'), *ctl = filled(1, RW, 'c');

	CHECK_OK(mseal_mprotect(ctl, pg, RO, MSEAL_ALL));
	CHECK(prot_refused(ctl, pg, RO));
	if (!spend_budget(pg, 1000)) {
		CHECK(backend_is_native());
		CHECK_OK(mseal_mprotect(data, pg, RO, MSEAL_ALL));
		return;
	}
	CHECK_ERR(mseal_mprotect(data, pg, RO, MSEAL_ALL), E2BIG);
	data[0] = 'w'; /* still writable */
	CHECK(!prot_refused(data, pg, RW));
}

static void install_allow_filter(size_t len)
{
	struct sock_filter *f = calloc(len, sizeof(*f));
	struct sock_fprog fp = { (unsigned short)len, f };

	CHECK(f != NULL);
	for (size_t i = 0; i + 1 < len; i++)
		f[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						    0);
	f[len - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						  SECCOMP_RET_ALLOW);
	CHECK_SYS_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	CHECK_SYS_OK(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp));
	free(f);
}

/*
 * Filters the library did not install share the budget, out of its
 * count: the filter is tried in a child holding the same filters before
 * the mapping is replaced.
 */
TEST(mmap_fixed_with_foreign_filters_keeps_the_data)
{
	size_t pg = ctx->page;
	char *data = filled(1, RW, 'd'), *ctl = filled(1, RW, 'c'), *p;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;

	/* 8 * (4000 + overhead) leave less than a seal's filter needs. */
	for (int i = 0; i < 8; i++)
		install_allow_filter(4000);
	/* Control: a mapping with no seal to install is replaced. */
	p = mmap(ctl, pg, RO, flags, -1, 0);
	CHECK(p == ctl && all_bytes(ctl, pg, 0));
	errno = 0;
	p = mseal_mmap(data, pg, RO, flags, -1, 0, MSEAL_ALL);
	if (backend_is_native()) {
		CHECK(p == data && all_bytes(data, pg, 0));
		CHECK(prot_refused(data, pg, RO));
		return;
	}
	CHECK(p == MAP_FAILED && errno == E2BIG);
	CHECK(page_mapped(data) && all_bytes(data, pg, 'd'));
	CHECK(!prot_refused(data, pg, RW));
}

/* ---- mseal_query after execve ---------------------------------------- */

/*
 * This file's own exec helper, run before main when the test binary is
 * started as "mseal-tests --query-after-exec ADDR LEN" (hex): maps the
 * old range again (and a page below it, a hole before execve) and prints
 * "full C page C wider C control C", the classes mseal_query() gives for
 * the range, its second page, the range with the page below, and a fresh
 * page elsewhere.
 */
static void print_query_after_exec(unsigned long addr, unsigned long len)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	int fl = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
	unsigned int c[4] = { 99, 99, 99, 99 };
	char *p = (char *)addr, *ctl;

	if (mmap(p - pg, len + pg, RO, fl, -1, 0) != p - pg) {
		printf("range taken in the new image\n");
		return;
	}
	ctl = mmap(NULL, pg, RO, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ctl == MAP_FAILED || mseal_query(p, len, &c[0]) ||
	    mseal_query(p + pg, pg, &c[1]) ||
	    mseal_query(p - pg, len + pg, &c[2]) || mseal_query(ctl, pg, &c[3]))
		printf("query failed: %s\n", strerror(errno));
	else
		printf("full %u page %u wider %u control %u\n", c[0], c[1],
		       c[2], c[3]);
}

__attribute__((constructor)) static void query_after_exec_helper(void)
{
	char buf[512];
	char *arg[4] = { NULL };
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC), i = 0;
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *s = buf; s < buf + n && i < 4; s += strlen(s) + 1)
		arg[i++] = s;
	if (i < 4 || strcmp(arg[1], "--query-after-exec"))
		return;
	setvbuf(stdout, NULL, _IONBF, 0);
	print_query_after_exec(strtoul(arg[2], NULL, 16),
			       strtoul(arg[3], NULL, 16));
	_exit(0);
}

static void query_after_exec(char *p, size_t len, char *out, size_t size)
{
	char a[32], l[32];
	int fds[2], st;
	pid_t pid;

	snprintf(a, sizeof(a), "%lx", (unsigned long)p);
	snprintf(l, sizeof(l), "%lx", (unsigned long)len);
	CHECK_SYS_OK(pipe(fds));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		execl(self_exe(), self_exe(), "--query-after-exec", a, l,
		      (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	slurp(fds[0], out, size);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	      WEXITSTATUS(st) == 0);
	out[strcspn(out, "\n")] = '\0';
}

/*
 * Filters survive execve (libmseal(7)): the new image has no records of
 * them, so mseal_query() asks the filters.  The kernel's seals go with
 * the old image.
 */
TEST(query_after_exec_asks_the_inherited_filters)
{
	size_t pg = ctx->page;
	char *p = filled(4, RO, 'q');
	char line[256], want[128];

	/* Control: unsealed, nothing is found after execve either. */
	query_after_exec(p, 4 * pg, line, sizeof(line));
	if (!strcmp(line, "range taken in the new image"))
		SKIP("the new image put a mapping at %p", (void *)p);
	CHECK(!strcmp(line, "full 0 page 0 wider 0 control 0"));
	SEAL(p, 4 * pg);
	query_after_exec(p, 4 * pg, line, sizeof(line));
	if (!strcmp(line, "range taken in the new image"))
		SKIP("the new image put a mapping at %p", (void *)p);
	snprintf(want, sizeof(want), "full %u page %u wider 0 control 0",
		 backend_is_native() ? 0 : MSEAL_ALL,
		 backend_is_native() ? 0 : MSEAL_ALL);
	if (strcmp(line, want))
		FAIL("after execve: '%s', want '%s'", line, want);
}

/* The refusal program, through the test-side model of the kernel: every
 * io_uring call on each entry, nothing else, all of it cacheable. */
TEST_ONCE(refuse_program_covers_every_io_uring_call)
{
	static const uint32_t arches[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386 };
	struct sock_filter f[16];
	size_t len = msl_refuse_program_arch(MSL_ARCH_X86_64,
					     MSEAL_REFUSE_IO_URING, f);
	char why[128];

	CHECK(len > 0 && len <= 16);
	if (bpf_check(f, len, why, sizeof(why)))
		FAIL("%s", why);
	for (size_t a = 0; a < 2; a++) {
		for (uint32_t nr = 0; nr < 460; nr++) {
			struct seccomp_data d = { .nr = (int)nr,
						  .arch = arches[a] };
			bool io = nr >= 425 && nr <= 427;
			uint32_t got;

			CHECK(bpf_run(f, len, &d, &got) == 0);
			if (got != (io ? (SECCOMP_RET_ERRNO | EPERM) :
					 SECCOMP_RET_ALLOW))
				FAIL("arch %#x nr %u: %#x", arches[a], nr, got);
			CHECK(io != bpf_const_allow(f, len, arches[a], nr));
			if (a == 0) {
				d.nr = (int)(nr | 0x40000000u);
				CHECK(bpf_run(f, len, &d, &got) == 0);
				CHECK(got == (io ? (SECCOMP_RET_ERRNO | EPERM) :
						   SECCOMP_RET_ALLOW));
			}
		}
	}
}

/*
 * mprotect(2) changes mapping after mapping and stops at one it refuses:
 * PROT_WRITE on a shared mapping of a file opened read-only fails with
 * EACCES after the mappings before it changed.  mseal_mprotect puts the
 * old protections back.
 */
TEST(mprotect_failing_half_way_changes_nothing)
{
	size_t pg = ctx->page;
	char path[] = "/tmp/mseal-test-XXXXXX", perms[5];
	char *p = map_anon(2, RO), *q;
	int fd = mkstemp(path), ro;

	CHECK(fd >= 0);
	CHECK_SYS_OK(ftruncate(fd, (off_t)pg));
	ro = open(path, O_RDONLY | O_CLOEXEC);
	unlink(path);
	close(fd);
	CHECK(ro >= 0);
	q = mmap(p + pg, pg, RO, MAP_SHARED | MAP_FIXED, ro, 0);
	CHECK(q == p + pg);
	close(ro);
	/* Control: the kernel's call leaves the first page changed. */
	CHECK_SYS_ERR(mprotect(p, 2 * pg, RW), EACCES);
	CHECK(!strcmp(maps_perms(p, perms), "rw-p"));
	CHECK_SYS_OK(mprotect(p, pg, RO));
	CHECK_ERR(mseal_mprotect(p, 2 * pg, RW, MSEAL_ALL), EACCES);
	CHECK(!strcmp(maps_perms(p, perms), "r--p"));
	CHECK(!prot_refused(p, pg, RO));
}

static struct {
	volatile int ready, done;
	pid_t tid;
} own;

static void *own_filter_thread(void *arg)
{
	(void)arg;
	own.tid = (pid_t)syscall(SYS_gettid);
	install_allow_filter(2);
	__atomic_store_n(&own.ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&own.done, __ATOMIC_ACQUIRE))
		sched_yield();
	return NULL;
}

/*
 * Two threads that each installed a filter of their own hold as many
 * filters as each other, so counting them does not show that TSYNC will
 * fail; the allow-all filter tried with TSYNC before the mapping does.
 */
TEST(mmap_fixed_with_threads_out_of_step_keeps_the_data)
{
	size_t pg = ctx->page;
	char *data = filled(1, RW, 'd'), *p, path[64];
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
	pthread_t t;

	CHECK(pthread_create(&t, NULL, own_filter_thread, NULL) == 0);
	while (!__atomic_load_n(&own.ready, __ATOMIC_ACQUIRE))
		sched_yield();
	install_allow_filter(2);
	errno = 0;
	p = mseal_mmap(data, pg, RO, flags, -1, 0, MSEAL_ALL);
	if (!backend_is_native()) {
		CHECK(p == MAP_FAILED && errno == EBUSY);
		CHECK(page_mapped(data) && all_bytes(data, pg, 'd'));
		CHECK(!prot_refused(data, pg, RW));
	}
	__atomic_store_n(&own.done, 1, __ATOMIC_RELEASE);
	CHECK(pthread_join(t, NULL) == 0);
	if (backend_is_native()) {
		/* The kernel's seal needs no filter. */
		CHECK(p == data && all_bytes(data, pg, 0));
		CHECK(prot_refused(data, pg, RO));
		return;
	}
	/* Control: with the thread gone (its task too) the call works. */
	snprintf(path, sizeof(path), "/proc/self/task/%d", (int)own.tid);
	while (access(path, F_OK) == 0)
		sched_yield();
	p = mseal_mmap(data, pg, RO, flags, -1, 0, MSEAL_ALL);
	CHECK(p == data && all_bytes(data, pg, 0));
	CHECK(prot_refused(data, pg, RO));
}

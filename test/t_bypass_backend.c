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
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "harness.h"
#include "internal.h"

#define RO PROT_READ
#define RW (PROT_READ | PROT_WRITE)

static char *filled(size_t npages, int prot, char c)
{
	char *p = map_anon(npages, RW);
	size_t len = npages * (size_t)sysconf(_SC_PAGESIZE);

	memset(p, c, len);
	CHECK_SYS_OK(mprotect(p, len, prot));
	return p;
}

static bool all_bytes(const char *p, size_t len, char c)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != c)
			return false;
	return true;
}

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

// SPDX-License-Identifier: MIT
/*
 * Whether a seccomp filter sees a system call's first argument as a ptrace
 * tracer left it (docs/AUDIT.md rows A6 and A17).
 *
 * x86-64 builds seccomp_data from the registers after the tracer's stops.
 * arm64 gives seccomp orig_x0, a copy of x0 saved at entry, while the call
 * itself takes x0; kernels before "arm64: syscall: Ensure saved x0 is kept
 * in-sync with tracer updates" did not update that copy when a tracer
 * wrote x0.  On such a kernel the sealed process's own child, tracing it,
 * shows the filter an unsealed decoy address and hands the call a sealed
 * one: no filter can see that, so the seccomp backend is not offered
 * there.  Which kernels have the fix is not visible from a version (it went
 * into the stable series), so the trial tries it, once per process, at
 * both stops where a tracer can rewrite a call before seccomp judges it:
 * a child that its parent traces calls getpgid(0) under a filter that
 * refuses getpgid(its pid), and the parent rewrites the 0 to that pid at
 * the syscall-entry stop, or at the stop of a second filter's
 * SECCOMP_RET_TRACE (after which seccomp runs the filters again).
 */
#include <errno.h>
#include <linux/elf.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#if defined(__x86_64__) || defined(__aarch64__)

#if defined(__x86_64__)
typedef struct user_regs_struct regs_t;
#define REG_NR(r) ((r).orig_rax)
#define REG_ARG0(r) ((r).rdi)
#else
typedef struct user_regs_struct regs_t; /* glibc's name for user_pt_regs */
#define REG_NR(r) ((r).regs[8])
#define REG_ARG0(r) ((r).regs[0])
#endif

/* What the filter answers for getpgid(own pid): no call returns it. */
#define PROBE_ERRNO 4000

enum { CHILD_SYNC, CHILD_STALE, CHILD_NO_TRACE, CHILD_ERR };

static long install(struct sock_filter *f, size_t n)
{
	struct sock_fprog fp = { (unsigned short)n, f };

	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0L, &fp);
}

/* In the child: raw calls only (the parent may have threads). */
static void child(bool at_seccomp)
{
	pid_t self = (pid_t)syscall(SYS_getpid);
	struct sock_filter refuse[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpgid, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)self, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | PROBE_ERRNO),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter trace[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpgid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	long r;

	if (syscall(SYS_ptrace, PTRACE_TRACEME, 0L, 0L, 0L) != 0)
		_exit(CHILD_NO_TRACE);
	if (syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) != 0 ||
	    install(refuse, sizeof(refuse) / sizeof(refuse[0])) != 0 ||
	    (at_seccomp && install(trace, sizeof(trace) / sizeof(trace[0]))))
		_exit(CHILD_ERR);
	syscall(SYS_kill, self, SIGSTOP);
	r = syscall(SYS_getpgid, 0L);
	_exit(r == -1 && errno == PROBE_ERRNO ? CHILD_SYNC : CHILD_STALE);
}

/* Whether status is the stop where the parent rewrites. */
static bool rewrite_stop(int status, bool at_seccomp)
{
	if (at_seccomp)
		return status >> 8 == (SIGTRAP | PTRACE_EVENT_SECCOMP << 8);
	return WIFSTOPPED(status) && WSTOPSIG(status) == (SIGTRAP | 0x80);
}

/* The parent's side: 1, 0 or -1 as msl_tracer_trial(). */
static int trace(pid_t pid, bool at_seccomp)
{
	regs_t regs;
	struct iovec io = { &regs, sizeof(regs) };
	bool rewritten = false;
	long sig = 0;
	int status;

	if (waitpid(pid, &status, __WALL) != pid)
		return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status) == CHILD_NO_TRACE ? 1 : -1;
	if (!WIFSTOPPED(status) ||
	    ptrace(PTRACE_SETOPTIONS, pid, 0L,
		   PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL |
			   (at_seccomp ? PTRACE_O_TRACESECCOMP : 0)) != 0)
		return -1;
	/* kill's exit stop, getpgid's entry, seccomp and exit stops... */
	for (int stops = 0; stops < 16; stops++) {
		if (ptrace(at_seccomp ? PTRACE_CONT : PTRACE_SYSCALL, pid, 0L,
			   sig) != 0 ||
		    waitpid(pid, &status, __WALL) != pid)
			return -1;
		if (WIFEXITED(status)) {
			if (!rewritten)
				return -1;
			if (WEXITSTATUS(status) == CHILD_SYNC)
				return 1;
			return WEXITSTATUS(status) == CHILD_STALE ? 0 : -1;
		}
		if (!WIFSTOPPED(status))
			return -1;
		/* A signal stop passes the signal on; SIGSTOP is ours. */
		sig = WSTOPSIG(status) != (SIGTRAP | 0x80) &&
				      WSTOPSIG(status) != SIGSTOP &&
				      status >> 16 == 0 ?
			      WSTOPSIG(status) :
			      0;
		if (rewritten || !rewrite_stop(status, at_seccomp) ||
		    ptrace(PTRACE_GETREGSET, pid, (void *)NT_PRSTATUS, &io) !=
			    0 ||
		    REG_NR(regs) != SYS_getpgid || REG_ARG0(regs) != 0)
			continue;
		REG_ARG0(regs) = (uint64_t)pid;
		if (ptrace(PTRACE_SETREGSET, pid, (void *)NT_PRSTATUS, &io))
			return -1;
		rewritten = true;
	}
	return -1;
}

/*
 * The child is a plain copy of this process without fork()'s atfork
 * handlers and with no exit signal, so its exit sends the program no
 * SIGCHLD.  Its ptrace stops do, and while it is traced a wait(-1) of the
 * program's could take its status (the trial then fails: -1); it lasts a
 * few system calls.
 */
static int trial(bool at_seccomp)
{
	pid_t pid = (pid_t)syscall(SYS_clone, 0L, 0L, 0L, 0L, 0L);
	int rc;

	if (pid < 0)
		return -1;
	if (pid == 0)
		child(at_seccomp);
	rc = trace(pid, at_seccomp);
	if (rc < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
		;
	return rc;
}

int msl_tracer_trial(void)
{
	int saved = errno, entry = trial(false), sec = trial(true);

	errno = saved;
	if (entry == 0 || sec == 0)
		return 0;
	return entry < 0 || sec < 0 ? -1 : 1;
}
#else
int msl_tracer_trial(void)
{
	return -1;
}
#endif

int msl_tracer_args_in_sync(void)
{
#if defined(__x86_64__)
	return 1; /* the registers as the tracer left them (A6) */
#else
	return msl_tracer_trial();
#endif
}

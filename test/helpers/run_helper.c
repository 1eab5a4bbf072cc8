// SPDX-License-Identifier: MIT
/*
 * A program for the shell tests of `mseal run`.  It tells which parts of
 * itself are sealed by behaviour, not through /proc/PID/smaps, so that it
 * works for both backends: mprotect(2) to the protection a page already
 * has changes nothing, and fails with EPERM exactly when the page is sealed.
 *
 *   run-helper check                 one line "KIND sealed|unsealed" per part
 *   run-helper dlopen PATH [nodelete] open, check, close, check
 *   run-helper dlopen-bare NAME      dlopen a bare name found via RUNPATH
 *   run-helper fork-dlopen PATH      fork while another thread is inside
 *                                    the preload's dlopen wrapper, then
 *                                    dlopen in the child
 *   run-helper self WHAT [FLAGS]     check ("before" lines), mseal_self(),
 *                                    check again ("after" lines)
 *   run-helper wait [WHAT]           mseal_self() when WHAT is given, then
 *                                    "ready", then waits for EOF on stdin
 *
 * WHAT and FLAGS are numbers (strtoul base 0).  The helper links its own
 * copy of libmseal (the preload's, built without sanitizers).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mseal.h"

static const char rodata[] = "read-only data of run-helper";
static char data[64] = "writable data";
static uintptr_t relro_page;

static uintptr_t page_of(const void *p)
{
	return (uintptr_t)p & ~((uintptr_t)sysconf(_SC_PAGESIZE) - 1);
}

static const char *state(const void *addr, int prot)
{
	void *page = (void *)page_of(addr);

	if (mprotect(page, (size_t)sysconf(_SC_PAGESIZE), prot) == 0)
		return "unsealed";
	if (errno == EPERM)
		return "sealed";
	return strerror(errno);
}

static int relro_fn(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t ps = (uintptr_t)sysconf(_SC_PAGESIZE);
	int i;

	(void)size;
	(void)arg;
	/* The first object is the program itself. */
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		uintptr_t start = info->dlpi_addr + ph->p_vaddr;

		/* ld.so protects whole pages only: both ends round down. */
		if (ph->p_type == PT_GNU_RELRO &&
		    ((start + ph->p_memsz) & ~(ps - 1)) > (start & ~(ps - 1)))
			relro_page = start & ~(ps - 1);
	}
	return 1;
}

/*
 * Whether munmap(2) of addr's page is refused, tried in a child: an
 * unsealed page is gone there, the parent keeps it.  The child leaves by
 * the system call itself, not through code on a page it may have unmapped
 * (a fault then counts as "unsealed" as well).
 */
static const char *unmap_state(const void *addr)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		long rc = syscall(SYS_munmap, page_of(addr),
				  (size_t)sysconf(_SC_PAGESIZE));

		syscall(SYS_exit_group, rc == 0 ? 0 : errno == EPERM ? 1 : 2);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return "fork-failed";
	if (WIFEXITED(st) && WEXITSTATUS(st) == 1)
		return "sealed";
	if (WIFEXITED(st) && WEXITSTATUS(st) == 2)
		return "munmap-failed";
	return "unsealed";
}

/* Code in libc: not &getpid, which in a non-PIE program is its PLT. */
static const void *libc_text(void)
{
	void *libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
	void *fn = libc ? dlsym(libc, "getpid") : NULL;

	return fn ? fn : (const void *)getpid;
}

static int check_as(const char *prefix)
{
	int local = 0;

	dl_iterate_phdr(relro_fn, NULL);
	printf("%stext %s\n", prefix,
	       state((const void *)check_as, PROT_READ | PROT_EXEC));
	printf("%srodata %s\n", prefix, state(rodata, PROT_READ));
	if (relro_page)
		printf("%srelro %s\n", prefix,
		       state((void *)relro_page, PROT_READ));
	else
		printf("%srelro none\n", prefix);
	printf("%sdata %s\n", prefix, state(data, PROT_READ | PROT_WRITE));
	printf("%sstack %s\n", prefix, state(&local, PROT_READ | PROT_WRITE));
	printf("%slibc-text %s\n", prefix,
	       state(libc_text(), PROT_READ | PROT_EXEC));
	return 0;
}

static int check(void)
{
	return check_as("");
}

static int self(const char *what, const char *flags)
{
	int rc;

	check_as("before ");
	printf("before text-munmap %s\n", unmap_state((const void *)self));
	printf("before rodata-munmap %s\n", unmap_state(rodata));
	rc = mseal_self((unsigned int)strtoul(what, NULL, 0),
			flags ? (unsigned int)strtoul(flags, NULL, 0) : 0);
	printf("mseal_self %d%s%s\n", rc, rc ? " " : "",
	       rc ? strerror(errno) : "");
	check_as("after ");
	printf("after text-munmap %s\n", unmap_state((const void *)self));
	printf("after rodata-munmap %s\n", unmap_state(rodata));
	return 0;
}

/* For `mseal maps PID`: sealed (or not), then alive until stdin ends. */
static int wait_sealed(const char *what)
{
	char buf[64];
	int rc = 0;

	if (what)
		rc = mseal_self((unsigned int)strtoul(what, NULL, 0), 0);
	printf("%s\n", rc ? strerror(errno) : "ready");
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return rc ? 1 : 0;
}

static int do_dlopen(const char *path, int nodelete)
{
	int (*fn)(int);
	void *h = dlopen(path, RTLD_NOW | (nodelete ? RTLD_NODELETE : 0));
	uintptr_t page;

	if (!h) {
		printf("dlopen failed: %s\n", dlerror());
		return 1;
	}
	fn = (int (*)(int))dlsym(h, "msl_dltest_fn");
	if (!fn || fn(1) != 2) {
		printf("dlsym failed\n");
		return 1;
	}
	page = page_of((const void *)fn);
	printf("dlopen-text %s\n",
	       state((const void *)page, PROT_READ | PROT_EXEC));
	printf("dlclose %s\n", dlclose(h) == 0 ? "ok" : dlerror());
	printf("after-dlclose %s\n",
	       msync((void *)page, 1, 0) == 0 ? "mapped" : "unmapped");
	return 0;
}

static volatile pid_t dlopen_tid;

static void *dlopen_thread(void *path)
{
	dlopen_tid = (pid_t)syscall(SYS_gettid);
	return dlopen(path, RTLD_NOW);
}

/* Whether thread tid is inside openat(2): the report FIFO's open. */
static int in_openat(pid_t tid)
{
	char p[64], buf[64];
	int fd, n;

	snprintf(p, sizeof(p), "/proc/self/task/%d/syscall", (int)tid);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return atol(buf) == SYS_openat && buf[0] != 'r';
}

/*
 * The preload writes its report with the lock of its dlopen wrapper held;
 * the report file, turned into a FIFO after start-up, holds the other
 * thread there until the parent opens it for reading.  A child forked
 * meanwhile must still be able to dlopen.
 */
static int fork_dlopen(char *path)
{
	const char *rep = getenv("MSEAL_RUN_REPORT");
	char buf[4096];
	pthread_t t;
	pid_t pid;
	int fd, st;

	if (!rep || unlink(rep) || mkfifo(rep, 0600)) {
		printf("fork-dlopen: no report FIFO\n");
		return 1;
	}
	if (pthread_create(&t, NULL, dlopen_thread, path))
		return 1;
	/* No timing: wait until the thread blocks opening the FIFO. */
	while (!dlopen_tid || !in_openat(dlopen_tid))
		sched_yield();
	pid = fork();
	if (pid == 0) {
		const char *sd = getenv("MSEAL_TEST_SLOWDOWN");
		double slow = sd ? atof(sd) : 1.0;
		const char *err;

		/* A hang ends in SIGALRM; seconds as many as the machine is
		 * slow (the runner's measure), so that a slow one is not one. */
		alarm(5 + (unsigned int)(5 * (slow > 1.0 ? slow : 1.0)));
		if (dlopen(path, RTLD_NOW))
			_exit(0);
		/* The loader's reason, with write(2): stdio's buffer is the
		 * parent's too. */
		err = dlerror();
		if (err && write(1, err, strlen(err)) >= 0)
			(void)!write(1, "\n", 1);
		_exit(1);
	}
	fd = open(rep, O_RDONLY | O_NONBLOCK);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	pthread_join(t, NULL);
	while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
		;
	printf("fork-dlopen child %s\n",
	       WIFEXITED(st)	       ? (WEXITSTATUS(st) ? "failed" : "ok") :
	       WTERMSIG(st) == SIGALRM ? "hung" :
					 "killed");
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "check"))
		return check();
	if (argc >= 3 && !strcmp(argv[1], "dlopen"))
		return do_dlopen(argv[2],
				 argc > 3 && !strcmp(argv[3], "nodelete"));
	if (argc == 3 && !strcmp(argv[1], "dlopen-bare")) {
		void *h = dlopen(argv[2], RTLD_NOW);

		printf("dlopen-bare %s\n", h ? "ok" : dlerror());
		return h ? 0 : 1;
	}
	if (argc == 3 && !strcmp(argv[1], "fork-dlopen"))
		return fork_dlopen(argv[2]);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "self"))
		return self(argv[2], argc == 4 ? argv[3] : NULL);
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "wait"))
		return wait_sealed(argc == 3 ? argv[2] : NULL);
	fprintf(stderr,
		"usage: run-helper check | dlopen PATH [nodelete] | "
		"dlopen-bare NAME | fork-dlopen PATH | self WHAT [FLAGS] | "
		"wait [WHAT]\n");
	return 2;
}

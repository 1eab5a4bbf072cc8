// SPDX-License-Identifier: MIT
/*
 * The test runner: forks a child per (test, backend), watches it, and ends
 * with one line "N passed, N failed, N skipped".
 *
 * usage: mseal-tests [-lv] [-t SUBSTRING] [-b BACKEND[,BACKEND...]]
 *                    [-T SECS] [-R NS] [-H FILE]
 *        mseal-tests --calibrate
 * Backends default to MSEAL_BACKEND when set, else "native,seccomp".
 *
 * The per-test timeout -T counts effective seconds, not wall seconds: the
 * same test takes ten times longer under QEMU's software emulation than on
 * its host, and several times longer again when the host is busy, so a
 * wall-clock limit decides the verdict by the machine's speed.  While it
 * waits for a test, the runner times a fixed piece of work (calibrate(),
 * under a ms at full speed) about twice a second and divides the wall time
 * since the last tick by the slowdown it measured, the calibration's time
 * over the reference time -R (the fastest of many calibrations on the
 * host, given by check-kernels.sh; without -R, the fastest this run has
 * seen and never more than CALIB_NOMINAL_NS).  A hung test still runs out
 * of effective seconds, only later in wall time on a slow machine.  -H
 * names a file (a second serial port in the kernel matrix) that gets a
 * line at every test and every tick: the sign of life the host watches.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "harness.h"
#include "internal.h"

#define MAX_TESTS 2048
#define EXIT_SKIP 77

struct test_case {
	const char *name;
	test_fn fn;
	unsigned int flags;
	const char *why;
};

static struct test_case tests[MAX_TESTS];
static size_t ntests;
static int skip_fd = -1;    /* where a child writes its skip reason */
static char exe_path[4096]; /* this binary, for exec tests */
static const char *cur_test;

void test_register(const char *name, test_fn fn, unsigned int flags,
		   const char *why)
{
	if (ntests == MAX_TESTS) {
		fprintf(stderr, "harness: more than %d tests\n", MAX_TESTS);
		abort();
	}
	tests[ntests++] = (struct test_case){ name, fn, flags, why };
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  %s:%d: %s: ", file, line, cur_test);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	_exit(1);
}

void test_skip(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (skip_fd >= 0 && n > 0 && write(skip_fd, buf, strlen(buf)) < 0)
		_exit(1);
	_exit(EXIT_SKIP);
}

/* ---- helpers ---------------------------------------------------------- */

static size_t page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static char *isolate(char *p, size_t npages)
{
	size_t ps = page();

	if (p == MAP_FAILED)
		FAIL("mmap: %s", strerror(errno));
	if (munmap(p, ps) || munmap(p + (npages + 1) * ps, ps))
		FAIL("munmap guard: %s", strerror(errno));
	return p + ps;
}

char *map_anon(size_t npages, int prot)
{
	return isolate(mmap(NULL, (npages + 2) * page(), prot,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		       npages);
}

char *map_growsdown(size_t span)
{
	size_t pg = page();
	char *r =
		mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *g;

	CHECK(r != MAP_FAILED);
	CHECK_SYS_OK(munmap(r + pg, span - pg));
	g = mmap(r + span - 2 * pg, 2 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN |
			 MAP_FIXED_NOREPLACE,
		 -1, 0);
	CHECK(g == r + span - 2 * pg);
	return g;
}

char *filled(size_t npages, int prot, char c)
{
	size_t len = npages * page();
	char *p = map_anon(npages, PROT_READ | PROT_WRITE);

	memset(p, c, len);
	CHECK_SYS_OK(mprotect(p, len, prot));
	return p;
}

bool all_bytes(const char *p, size_t len, char c)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != c)
			return false;
	return true;
}

void use_seccomp(void)
{
	struct mseal_features f;

	setenv("MSEAL_BACKEND", "seccomp", 1);
	mseal_probe(&f);
	if (f.backend != MSEAL_BACKEND_SECCOMP)
		SKIP("no seccomp filters in this kernel");
}

char *map_anon_shared(size_t npages, int prot)
{
	return isolate(mmap(NULL, (npages + 2) * page(), prot,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0),
		       npages);
}

char *map_file(size_t npages, int prot, int flags)
{
	char path[] = "/tmp/mseal-test-XXXXXX";
	size_t ps = page();
	char *res, *p;
	int fd = mkstemp(path);

	if (fd < 0)
		FAIL("mkstemp: %s", strerror(errno));
	unlink(path);
	if (ftruncate(fd, (off_t)((npages + 2) * ps)))
		FAIL("ftruncate: %s", strerror(errno));
	/* Reserve with guards, then put the file over the middle. */
	res = map_anon(npages, PROT_NONE);
	p = mmap(res, npages * ps, prot, flags | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED)
		FAIL("mmap file: %s", strerror(errno));
	close(fd);
	return p;
}

int page_mapped(const void *addr)
{
	unsigned char vec;
	uintptr_t a = (uintptr_t)addr & ~(page() - 1);

	return mincore((void *)a, 1, &vec) == 0;
}

struct maps_line {
	uintptr_t start, end;
	char perms[5];
	char name[256];
};

/* Calls fn for each mapping in /proc/self/smaps with its sl flag. */
static void each_smaps(void (*fn)(const struct maps_line *, int, void *),
		       void *arg)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	char line[4352];
	struct maps_line cur;
	bool have = false;

	if (!f)
		FAIL("open smaps: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		char perms[5];
		int off = 0;

		if (sscanf(line, "%lx-%lx %4s %*s %*s %*s%n", &s, &e, perms,
			   &off) == 3) {
			char *n = line + off;

			while (*n == ' ')
				n++;
			n[strcspn(n, "\n")] = '\0';
			cur.start = s;
			cur.end = e;
			memcpy(cur.perms, perms, 5);
			snprintf(cur.name, sizeof(cur.name), "%s", n);
			have = true;
		} else if (have && strncmp(line, "VmFlags:", 8) == 0) {
			fn(&cur, vmflags_has_sl(line), arg);
			have = false;
		}
	}
	fclose(f);
}

struct find_arg {
	uintptr_t addr, end;
	int sealed;
	int count;
	int user_sealed;
	char perms[5];
};

static void find_fn(const struct maps_line *m, int sl, void *arg)
{
	struct find_arg *a = arg;

	if (m->start <= a->addr && a->addr < m->end) {
		a->sealed = sl;
		memcpy(a->perms, m->perms, 5);
	}
	if (m->start < a->end && a->addr < m->end)
		a->count++;
	if (sl && strcmp(m->name, "[vdso]") && strcmp(m->name, "[vvar]") &&
	    strcmp(m->name, "[vvar_vclock]") && strcmp(m->name, "[uprobes]"))
		a->user_sealed++;
}

static struct find_arg find(const void *addr, size_t len)
{
	struct find_arg a = {
		(uintptr_t)addr, (uintptr_t)addr + len, -1, 0, 0, ""
	};

	each_smaps(find_fn, &a);
	return a;
}

int smaps_sealed(const void *addr)
{
	return find(addr, 1).sealed;
}

int maps_count(const void *addr, size_t len)
{
	return find(addr, len).count;
}

const char *maps_perms(const void *addr, char out[5])
{
	struct find_arg a = find(addr, 1);

	memcpy(out, a.perms, 5);
	return out;
}

int count_user_sealed(void)
{
	return find(NULL, 0).user_sealed;
}

void seal_or_fail(const char *file, int line, void *addr, size_t len,
		  unsigned int classes)
{
	int rc = mseal_range(addr, len, classes);

	if (rc)
		test_fail(file, line, "set-up seal of %p+%zu failed: %s", addr,
			  len, strerror(-rc));
}

bool vmflags_has_sl(const char *line)
{
	const char *s = line;

	while ((s = strstr(s, " sl")) != NULL) {
		if (s[3] == ' ' || s[3] == '\n' || s[3] == '\0')
			return true;
		s += 3;
	}
	return false;
}

bool prot_refused(const void *addr, size_t len, int prot)
{
	if (mprotect((void *)addr, len, prot) == 0)
		return false;
	if (errno != EPERM)
		FAIL("mprotect(%p): %s, want 0 or EPERM", addr,
		     strerror(errno));
	return true;
}

void exec_helper_line(const char *mode, const char *backend, char *out,
		      size_t size)
{
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	CHECK_SYS_OK(pipe(fds));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		if (backend)
			setenv("MSEAL_BACKEND", backend, 1);
		else
			unsetenv("MSEAL_BACKEND");
		execl(exe_path, exe_path, "--exec-helper", mode, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	n = read(fds[0], out, size - 1);
	close(fds[0]);
	CHECK(waitpid(pid, &status, 0) == pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n <= 0)
		FAIL("exec helper '%s' failed (status %#x)", mode, status);
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

struct top_seal {
	uintptr_t top;
};

static int top_seal_fn(const struct msl_vma *v, void *arg)
{
	struct top_seal *t = arg;
	unsigned int all, any;

	if (msl_vma_is_real(v) &&
	    msl_scan_seals(v->start, v->end, &all, &any) == 0 && any)
		t->top = v->end;
	return 0;
}

char *map_above_seals(size_t npages, int prot)
{
	struct top_seal t = { 0 };
	uintptr_t at;
	char *p;

	if (msl_maps_read("/proc/self/maps", top_seal_fn, &t) != 0)
		FAIL("reading /proc/self/maps");
	for (at = t.top + 64 * page(); at > t.top && at < t.top + 4096 * page();
	     at += 64 * page()) {
		p = mmap((void *)at, npages * page(), prot,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
			 0);
		if (p == (char *)at)
			return p;
		if (p != MAP_FAILED)
			munmap(p, npages * page());
	}
	SKIP("no free room above the highest sealed range");
}

static const char *tool(void)
{
	const char *t = getenv("MSEAL_TOOL");

	if (!t || !*t)
		SKIP("MSEAL_TOOL is not set (run through make check)");
	return t;
}

void slurp(int fd, char *buf, size_t size)
{
	size_t off = 0;
	ssize_t n;

	while (off < size - 1 && (n = read(fd, buf + off, size - 1 - off)) > 0)
		off += (size_t)n;
	buf[off] = '\0';
	close(fd);
}

/* Runs the tool with argv (argv[0] included), optionally after a set-up
 * step in the child. */
void run_tool(struct tool_run *r, char *const argv[], void (*setup)(void))
{
	const char *path = tool();
	int out[2], err[2], st;
	pid_t pid;

	CHECK_SYS_OK(pipe(out));
	CHECK_SYS_OK(pipe(err));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		if (setup)
			setup();
		execv(path, argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	/* stderr is a few lines: it cannot fill its pipe while stdout is
	 * read to its end. */
	slurp(out[0], r->out, sizeof(r->out));
	slurp(err[0], r->err, sizeof(r->err));
	CHECK(waitpid(pid, &st, 0) == pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

bool backend_is_native(void)
{
	struct mseal_features f;

	return mseal_probe(&f) == 0 && f.backend == MSEAL_BACKEND_NATIVE;
}

const char *self_exe(void)
{
	return exe_path;
}

int run_in_child(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		FAIL("fork: %s", strerror(errno));
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		FAIL("waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* ---- watchdog: time in effective seconds ------------------------------ */

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/*
 * The calibration is a miniature of the tests' own work: CALIB_MAPPINGS
 * mappings made (mprotect splits one reservation), /proc/self/maps read
 * CALIB_READS times with fgets and sscanf, the reservation unmapped.  What
 * it times matters: under QEMU's TCG, on the machine this was written on,
 * arithmetic runs at host speed, system calls and page faults faster than
 * the host's own, snprintf 25 times slower, memcpy 190 times, the kernel's
 * maps read and its parsing 7 times, and the differential test, which is
 * mostly that, 10 to 15 times.  Timing arithmetic alone would call the
 * guest as fast as its host.
 */
#define CALIB_MAPPINGS 32
#define CALIB_READS 8
/* Without -R the reference is never above this, about what the
 * calibration takes on the two-core VM this was tuned on, busy or not: a
 * machine slower than that gets proportionally more time from the start,
 * a faster one measures itself. */
#define CALIB_NOMINAL_NS 500000ULL
/* Calibrations at least this far apart, and at least 50 times their own
 * length, so that they cost under 2% of a CPU however slow the machine. */
#define TICK_MIN_NS 500000000ULL
/* How long a killed test may take to be reaped before the runner gives up
 * on it and goes on (wall seconds). */
#define REAP_WAIT_S 60

struct watch {
	uint64_t ref_ns;  /* the calibration's time at full speed */
	bool ref_given;	  /* -R: fixed; else the fastest seen */
	uint64_t best_ns; /* the fastest calibration of this process */
	double slowdown;  /* the latest calibration over ref_ns, >= 1 */
	double speed;	  /* 1 / slowdown, averaged over recent ticks */
	uint64_t last_ns; /* when the latest calibration ended */
	uint64_t tick_ns; /* wall time between calibrations */
	int hb_fd;	  /* -H: the heartbeat file, or -1 */
	bool verbose;	  /* -v: durations and slowdowns */
};

static struct watch watch = {
	.best_ns = UINT64_MAX, .slowdown = 1.0, .speed = 1.0, .hb_fd = -1
};
static volatile uint64_t calib_sink;
static volatile pid_t cur_pid; /* the test running, for signals */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t calibrate(void)
{
	size_t ps = page(), len = 2 * CALIB_MAPPINGS * ps;
	uint64_t x = 0, t0 = now_ns();
	char line[512], *p;

	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return now_ns() - t0;
	for (int i = 0; i < CALIB_MAPPINGS; i++)
		mprotect(p + 2 * (size_t)i * ps, ps, PROT_READ | PROT_WRITE);
	for (int r = 0; r < CALIB_READS; r++) {
		FILE *f = fopen("/proc/self/maps", "re");

		while (f && fgets(line, sizeof(line), f)) {
			unsigned long s, e, off, ino;
			char perms[8];

			if (sscanf(line, "%lx-%lx %7s %lx %*s %lu", &s, &e,
				   perms, &off, &ino) == 5)
				x += s ^ e ^ ino;
		}
		if (f)
			fclose(f);
	}
	munmap(p, len);
	calib_sink = x;
	return now_ns() - t0;
}

/* The fastest of n calibrations, a short sleep apart: a moment when a CPU
 * is free shows the machine's own speed even when it is busy. */
static uint64_t calib_fastest(int n)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < n; i++) {
		uint64_t c = calibrate();

		if (c < best)
			best = c;
		if (i + 1 < n)
			usleep(2000);
	}
	return best;
}

/*
 * Measures the slowdown now and schedules the next tick.  One calibration
 * is a few ms of work, and a busy host often stops a vCPU for tens of ms:
 * a single slowdown varies tenfold from one tick to the next.  The test
 * progresses at the average speed, which the sum of a test's ticks gets
 * right when they are many: so they come every TICK_MIN_NS, spaced by the
 * work a calibration is (the fastest one), not by how long the last one
 * was held up.
 */
static void watch_tick(void)
{
	uint64_t c = calibrate();
	uint64_t every;

	if (!watch.ref_given && c < watch.ref_ns)
		watch.ref_ns = c;
	if (c < watch.best_ns)
		watch.best_ns = c;
	watch.slowdown = (double)c / (double)watch.ref_ns;
	if (watch.slowdown < 1.0)
		watch.slowdown = 1.0;
	watch.speed = 0.8 * watch.speed + 0.2 / watch.slowdown;
	watch.last_ns = now_ns();
	every = 50 * watch.best_ns;
	watch.tick_ns = every > TICK_MIN_NS ? every : TICK_MIN_NS;
}

static void watch_init(uint64_t ref_ns)
{
	uint64_t c;

	watch.ref_given = ref_ns != 0;
	if (watch.ref_given) {
		watch.ref_ns = ref_ns;
	} else {
		c = calib_fastest(10);
		watch.ref_ns = c < CALIB_NOMINAL_NS ? c : CALIB_NOMINAL_NS;
	}
	/* A first average from a few ticks, not one. */
	watch_tick();
	watch.speed = 1.0 / watch.slowdown;
	for (int i = 0; i < 4; i++)
		watch_tick();
	if (watch.verbose)
		printf("# calibration: reference %.2f ms (%s), fastest here "
		       "%.2f ms, slowdown now %.1fx\n",
		       (double)watch.ref_ns / 1e6,
		       watch.ref_given ? "-R" : "measured here",
		       (double)watch.best_ns / 1e6, 1.0 / watch.speed);
}

static void heartbeat(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void heartbeat(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	if (watch.hb_fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = (int)sizeof(buf) - 1;
	if (n > 0 && write(watch.hb_fd, buf, (size_t)n) < 0) {
		/* A sign of life nobody reads is no reason to stop. */
		close(watch.hb_fd);
		watch.hb_fd = -1;
	}
}

/* Ctrl-C or a kill of the runner takes the test's process group along. */
static void on_fatal_signal(int sig)
{
	if (cur_pid > 0)
		kill(-cur_pid, SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Waits for a killed test; false if it is still there after REAP_WAIT_S. */
static bool reap_killed(pid_t pid, int pidfd, int *status)
{
	for (int i = 0; i < REAP_WAIT_S * 10; i++) {
		struct pollfd pf = { pidfd, POLLIN, 0 };

		if (waitpid(pid, status, WNOHANG) == pid)
			return true;
		poll(&pf, 1, 100);
		if (i % 10 == 0)
			heartbeat("reaping %d\n", (int)pid);
	}
	return false;
}

/* --calibrate: the reference for -R, the fastest of many calibrations
 * (on stderr as it is, for logs), and as without -R never above
 * CALIB_NOMINAL_NS: a host kept busy the whole time (stress-ng beside it
 * measured 0.77 ms here for 0.47 idle) must not make its guests' tests
 * look fast. */
static int print_calibration(void)
{
	uint64_t c = calib_fastest(50);

	printf("%llu\n",
	       (unsigned long long)(c < CALIB_NOMINAL_NS ? c :
							   CALIB_NOMINAL_NS));
	fprintf(stderr, "(fastest %llu ns)\n", (unsigned long long)c);
	return 0;
}

/* ---- runner ----------------------------------------------------------- */

/*
 * Before a test, seal one scratch page with the run's backend: a backend
 * that cannot seal here skips every test with the reason, so that a
 * missing backend never reads as a pass.
 */
static void require_backend(const struct test_case *t, struct test_ctx *ctx)
{
	/*
	 * The scratch page is the first mapping of the test, so it takes the
	 * highest free page and the test's own mappings lie below it (a test
	 * whose unsealed control is an mprotect(PROT_GROWSDOWN) needs no
	 * seal below it: the filter cannot see where the extension stops).
	 * Right below it, where there is room, an unsealed PROT_NONE reserve
	 * of 32 MiB that nothing else is put in: the seccomp filter counts a
	 * MAP_FIXED file mapping, and an mremap, at a huge page boundary as
	 * a huge page long (up to 32 MiB below a 1 GiB boundary: SEMANTICS.md
	 * section 8), and a test's unsealed control must not reach the
	 * scratch seal that way (arm64's 64 KiB pages start at one page in
	 * 16).  A reserve mapped as one piece with the page would instead go
	 * to the highest hole of 32 MiB, and the test's mappings into smaller
	 * holes above it (ASan's layout has them).
	 */
	size_t reserve = 32UL << 20;
	struct mseal_features f;
	char *p = mmap(NULL, page(), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	int rc;

	if (p == MAP_FAILED)
		FAIL("mmap scratch page: %s", strerror(errno));
	if ((uintptr_t)p > reserve) {
		char *r = mmap(p - reserve, reserve, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
				       MAP_FIXED_NOREPLACE,
			       -1, 0);

		/* Before 4.17 the flag is a hint: elsewhere is no use. */
		if (r != MAP_FAILED && r != p - reserve)
			munmap(r, reserve);
	}
	rc = mseal_range(p, page(), MSEAL_ALL);
	if (rc == -EOPNOTSUPP)
		SKIP("backend %s cannot seal in this build (EOPNOTSUPP)",
		     ctx->backend);
	if (rc == -ENOSYS)
		SKIP("kernel lacks mseal(2) (ENOSYS)");
	if (rc)
		FAIL("scratch seal with backend %s: %s", ctx->backend,
		     strerror(-rc));
	munmap(p, page()); /* fails: sealed; the page stays */
	if (t->flags & T_NATIVE_ONLY) {
		mseal_probe(&f);
		if (f.backend != MSEAL_BACKEND_NATIVE)
			SKIP("%s", t->why);
	}
}

/* Prints the verdict line; verbose mode adds the test's times. */
static void verdict(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static uint64_t verdict_wall_ns;
static double verdict_eff_s;

static void verdict(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (watch.verbose)
		printf("  [%.2f s wall, %.2f eff s]",
		       (double)verdict_wall_ns / 1e9, verdict_eff_s);
	putchar('\n');
}

static int run_one(const struct test_case *t, const char *backend,
		   unsigned int timeout)
{
	char name[256], reason[512], slow[32];
	struct test_ctx ctx = { backend, page(), t->name };
	int fds[2], status, pidfd, result = 1;
	siginfo_t si;
	uint64_t start, last;
	size_t rlen = 0;
	double eff = 0;
	bool timed_out = false;
	ssize_t n;
	pid_t pid;

	if (backend)
		snprintf(name, sizeof(name), "%s[%s]", t->name, backend);
	else
		snprintf(name, sizeof(name), "%s", t->name);
	if (now_ns() - watch.last_ns >= watch.tick_ns)
		watch_tick();
	snprintf(slow, sizeof(slow), "%.1f", 1.0 / watch.speed);
	heartbeat("%s\n", name);
	fflush(stdout);
	if (pipe2(fds, O_CLOEXEC))
		return perror("pipe"), 1;
	pid = fork();
	if (pid < 0)
		return perror("fork"), 1;
	if (pid == 0) {
		/* Its own process group: a timeout kills what it forked too. */
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (watch.hb_fd >= 0)
			close(watch.hb_fd);
		close(fds[0]);
		skip_fd = fds[1];
		cur_test = name;
		setenv("MSEAL_TEST_SLOWDOWN", slow, 1);
		if (backend) {
			setenv("MSEAL_BACKEND", backend, 1);
			require_backend(t, &ctx);
		} else {
			/* Backend-independent tests see the default. */
			unsetenv("MSEAL_BACKEND");
		}
		t->fn(&ctx);
		_exit(0);
	}
	setpgid(pid, pid); /* whichever of the two runs first */
	cur_pid = pid;
	close(fds[1]);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	start = last = now_ns();
	for (;;) {
		/* A test's children may keep the pipe open after it exits:
		 * its end is the pidfd's, or without one, waitpid's. */
		struct pollfd pf[2] = { { fds[0], POLLIN, 0 },
					{ pidfd, POLLIN, 0 } };
		uint64_t now = now_ns(), next = last + watch.tick_ns;
		int wait_ms;

		if (now >= next) {
			watch_tick();
			eff += (double)(now - last) / 1e9 / watch.slowdown;
			last = now;
			heartbeat("%s %.1f/%u eff s, slowdown %.1fx (%.1fx)\n",
				  name, eff, timeout, watch.slowdown,
				  1.0 / watch.speed);
			if (timeout && eff > timeout) {
				timed_out = true;
				kill(-pid, SIGKILL);
				kill(pid, SIGKILL);
				break;
			}
			continue;
		}
		wait_ms = (int)((next - now) / 1000000) + 1;
		if (pidfd < 0 && wait_ms > 10)
			wait_ms = 10;
		poll(pf, 2, wait_ms);
		if (fds[0] >= 0 && pf[0].revents) {
			n = read(fds[0], reason + rlen,
				 sizeof(reason) - 1 - rlen);
			if (n > 0) {
				rlen += (size_t)n;
			} else {
				close(fds[0]);
				fds[0] = -1;
			}
		}
		/* Not reaped yet: while it is a zombie, its process group
		 * is still its own to kill. */
		si.si_pid = 0;
		if (waitid(P_PID, (id_t)pid, &si,
			   WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == pid)
			break;
	}
	verdict_wall_ns = now_ns() - start;
	verdict_eff_s = eff + (double)(now_ns() - last) / 1e9 * watch.speed;
	if (timed_out && !reap_killed(pid, pidfd, &status)) {
		verdict("FAIL  %s: timed out after %u effective s (%.0f s "
			"wall, slowdown %.1fx): hung, and SIGKILL did not end it",
			name, timeout, (double)verdict_wall_ns / 1e9,
			(double)verdict_wall_ns / 1e9 / eff);
		goto out;
	}
	if (!timed_out) {
		/* Nothing a test started outlives it. */
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	/* The reason was written before the exit: it is in the pipe. */
	if (fds[0] >= 0 && fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0)
		while (rlen < sizeof(reason) - 1 &&
		       (n = read(fds[0], reason + rlen,
				 sizeof(reason) - 1 - rlen)) > 0)
			rlen += (size_t)n;
	reason[rlen] = '\0';
	if (timed_out) {
		verdict("FAIL  %s: timed out after %u effective s (%.0f s "
			"wall, slowdown %.1fx): hung",
			name, timeout, (double)verdict_wall_ns / 1e9,
			(double)verdict_wall_ns / 1e9 / eff);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		verdict("PASS  %s", name);
		result = 0;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_SKIP) {
		verdict("SKIP  %s: %s", name, reason);
		result = 2;
	} else if (WIFSIGNALED(status)) {
		verdict("FAIL  %s: killed by signal %d (%s)", name,
			WTERMSIG(status), strsignal(WTERMSIG(status)));
	} else {
		verdict("FAIL  %s: exit status %d", name, WEXITSTATUS(status));
	}
out:
	cur_pid = 0;
	if (fds[0] >= 0)
		close(fds[0]);
	if (pidfd >= 0)
		close(pidfd);
	return result;
}

static int cmp_tests(const void *a, const void *b)
{
	const struct test_case *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int exec_helper(const char *mode);

int main(int argc, char **argv)
{
	const char *filter = NULL, *env = getenv("MSEAL_BACKEND");
	char backends_buf[256], *backends[8];
	const char *hb_path = getenv("MSEAL_TEST_HEARTBEAT");
	unsigned long long ref_ns = 0;
	unsigned int timeout = 30;
	int i, nb = 0, opt, counts[3] = { 0, 0, 0 };
	size_t matched = 0;
	bool list = false;
	ssize_t n;

	if (argc == 3 && strcmp(argv[1], "--exec-helper") == 0)
		return exec_helper(argv[2]);
	if (argc == 2 && strcmp(argv[1], "--calibrate") == 0)
		return print_calibration();
	snprintf(backends_buf, sizeof(backends_buf), "%s",
		 env && *env ? env : "native,seccomp");
	while ((opt = getopt(argc, argv, "lvt:b:T:R:H:")) != -1) {
		switch (opt) {
		case 'l':
			list = true;
			break;
		case 'v':
			watch.verbose = true;
			break;
		case 'R':
			ref_ns = strtoull(optarg, NULL, 0);
			break;
		case 'H':
			hb_path = optarg;
			break;
		case 't':
			filter = optarg;
			break;
		case 'b':
			snprintf(backends_buf, sizeof(backends_buf), "%s",
				 optarg);
			break;
		case 'T':
			timeout = (unsigned int)atoi(optarg);
			break;
		default:
			fprintf(stderr,
				"usage: %s [-lv] [-t SUBSTRING] "
				"[-b BACKEND[,BACKEND...]] [-T EFFECTIVE_SECONDS] "
				"[-R REFERENCE_NS] [-H HEARTBEAT_FILE]\n"
				"       %s --calibrate\n",
				argv[0], argv[0]);
			return 2;
		}
	}
	for (char *s = strtok(backends_buf, ","); s && nb < 8;
	     s = strtok(NULL, ","))
		backends[nb++] = s;
	n = readlink("/proc/self/exe", exe_path, sizeof(exe_path) - 1);
	if (n < 0) {
		perror("readlink /proc/self/exe");
		return 1;
	}
	exe_path[n] = '\0';
	qsort(tests, ntests, sizeof(tests[0]), cmp_tests);
	/* No buffered output may be duplicated into the children. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!list) {
		if (hb_path && *hb_path) {
			watch.hb_fd = open(hb_path,
					   O_WRONLY | O_CREAT | O_APPEND |
						   O_NOCTTY | O_CLOEXEC,
					   0644);
			if (watch.hb_fd < 0)
				fprintf(stderr, "harness: %s: %s\n", hb_path,
					strerror(errno));
		}
		signal(SIGINT, on_fatal_signal);
		signal(SIGTERM, on_fatal_signal);
		signal(SIGHUP, on_fatal_signal);
		watch_init(ref_ns);
	}
	for (size_t t = 0; t < ntests; t++) {
		if (filter && !strstr(tests[t].name, filter))
			continue;
		matched++;
		if (tests[t].flags & T_ONCE) {
			if (list)
				printf("%s\n", tests[t].name);
			else
				counts[run_one(&tests[t], NULL, timeout)]++;
			continue;
		}
		for (i = 0; i < nb; i++) {
			if (list)
				printf("%s[%s]\n", tests[t].name, backends[i]);
			else
				counts[run_one(&tests[t], backends[i],
					       timeout)]++;
		}
	}
	/* A name that matches nothing is a mistake, not a clean run. */
	if (filter && !matched) {
		fprintf(stderr,
			"%s: no test name contains '%s' (-l lists them)\n",
			argv[0], filter);
		return 2;
	}
	if (list)
		return 0;
	heartbeat("runner done\n");
	printf("%d passed, %d failed, %d skipped\n", counts[0], counts[1],
	       counts[2]);
	return counts[1] ? 1 : 0;
}

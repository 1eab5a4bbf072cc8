// SPDX-License-Identifier: MIT
/*
 * The test runner: forks a child per (test, backend), applies a per-test
 * timeout, and ends with one line "N passed, N failed, N skipped".
 *
 * usage: mseal-tests [-l] [-t SUBSTRING] [-b BACKEND[,BACKEND...]] [-T SECS]
 * Backends default to MSEAL_BACKEND when set, else "native,seccomp".
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

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

bool prot_refused(void *addr, size_t len, int prot)
{
	if (mprotect(addr, len, prot) == 0)
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

/* ---- runner ----------------------------------------------------------- */

/*
 * Before a test, seal one scratch page with the run's backend: a backend
 * that cannot seal here skips every test with the reason, so that a
 * missing backend never reads as a pass.
 */
static void require_backend(const struct test_case *t, struct test_ctx *ctx)
{
	struct mseal_features f;
	char *p = mmap(NULL, page(), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	int rc;

	if (p == MAP_FAILED)
		FAIL("mmap scratch page: %s", strerror(errno));
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

static int run_one(const struct test_case *t, const char *backend,
		   unsigned int timeout)
{
	char name[256], reason[512];
	struct test_ctx ctx = { backend, page(), t->name };
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (backend)
		snprintf(name, sizeof(name), "%s[%s]", t->name, backend);
	else
		snprintf(name, sizeof(name), "%s", t->name);
	fflush(stdout);
	if (pipe2(fds, O_CLOEXEC))
		return perror("pipe"), 1;
	pid = fork();
	if (pid < 0)
		return perror("fork"), 1;
	if (pid == 0) {
		close(fds[0]);
		skip_fd = fds[1];
		cur_test = name;
		alarm(timeout);
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
	close(fds[1]);
	n = read(fds[0], reason, sizeof(reason) - 1);
	reason[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		return perror("waitpid"), 1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("PASS  %s\n", name);
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_SKIP) {
		printf("SKIP  %s: %s\n", name, reason);
		return 2;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		printf("FAIL  %s: timed out after %us\n", name, timeout);
	else if (WIFSIGNALED(status))
		printf("FAIL  %s: killed by signal %d (%s)\n", name,
		       WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		printf("FAIL  %s: exit status %d\n", name, WEXITSTATUS(status));
	return 1;
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
	unsigned int timeout = 30;
	int i, nb = 0, opt, counts[3] = { 0, 0, 0 };
	bool list = false;
	ssize_t n;

	if (argc == 3 && strcmp(argv[1], "--exec-helper") == 0)
		return exec_helper(argv[2]);
	snprintf(backends_buf, sizeof(backends_buf), "%s",
		 env && *env ? env : "native,seccomp");
	while ((opt = getopt(argc, argv, "lt:b:T:")) != -1) {
		switch (opt) {
		case 'l':
			list = true;
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
				"usage: %s [-l] [-t SUBSTRING] "
				"[-b BACKEND[,BACKEND...]] [-T SECONDS]\n",
				argv[0]);
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
	for (size_t t = 0; t < ntests; t++) {
		if (filter && !strstr(tests[t].name, filter))
			continue;
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
	if (list)
		return 0;
	printf("%d passed, %d failed, %d skipped\n", counts[0], counts[1],
	       counts[2]);
	return counts[1] ? 1 : 0;
}

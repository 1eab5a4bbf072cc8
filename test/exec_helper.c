// SPDX-License-Identifier: MIT
/*
 * Modes of the test binary run through execve by tests that need a fresh
 * process image: after exec nothing is sealed and libmseal's cached probe
 * (and its one reading of MSEAL_BACKEND) starts anew.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "harness.h"
#include "record.h"

int exec_helper(const char *mode);

#define NTHREADS 16

struct thread_arg {
	char *p;
	size_t page;
	int rc;
};

static void *seal_thread(void *arg)
{
	struct thread_arg *a = arg;

	a->rc = mseal_range(a->p, a->page, MSEAL_ALL);
	return NULL;
}

/* NTHREADS threads seal one page each, all starting at once on a library
 * that has not probed yet; one page past them stays unsealed. */
static int threads_mode(void)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, (NTHREADS + 1) * ps, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct thread_arg a[NTHREADS];
	pthread_t t[NTHREADS];
	int i, sealed = 0, failed = 0;

	if (p == MAP_FAILED)
		return 1;
	for (i = 0; i < NTHREADS; i++) {
		a[i] = (struct thread_arg){ p + i * ps, ps, 1 };
		if (pthread_create(&t[i], NULL, seal_thread, &a[i]))
			return 1;
	}
	for (i = 0; i < NTHREADS; i++) {
		if (pthread_join(t[i], NULL))
			return 1;
		failed += a[i].rc != 0;
	}
	for (i = 0; i < NTHREADS; i++)
		sealed += prot_refused(p + i * ps, ps, PROT_READ);
	printf("%d sealed, %d failed, control %s\n", sealed, failed,
	       prot_refused(p + NTHREADS * ps, ps, PROT_READ) ? "sealed" :
								"unsealed");
	return 0;
}

/*
 * "old E control E": the errno of munmap on an address range the process
 * had before execve, and of munmap on a fresh page outside it.  The old
 * range is checked for being free in this image first: unmapping our own
 * memory there would crash us.
 */
static int after_exec_mode(const char *arg)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	unsigned long addr, len;
	int old, control;
	char *c;

	if (sscanf(arg, "%lx:%lx", &addr, &len) != 2)
		return 2;
	for (unsigned long a = addr; a < addr + len; a += ps)
		if (page_mapped((void *)a))
			return 3;
	old = munmap((void *)addr, len) == 0 ? 0 : errno;
	c = mmap((void *)(addr + len + 1024 * ps), ps, PROT_READ,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED ||
	    ((uintptr_t)c + ps > addr && (uintptr_t)c < addr + len))
		return 4;
	control = munmap(c, ps) == 0 ? 0 : errno;
	printf("old %d control %d\n", old, control);
	return 0;
}

/*
 * "record-after-exec:ADDR:LEN:CLASSES": seals a fresh page with CLASSES,
 * then prints "STATE old Y|N new Y|N" from this process's own record:
 * whether it lists [ADDR, ADDR+LEN), which the image before execve
 * sealed, and the new page.
 */
static int record_after_exec_mode(const char *arg)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	unsigned long addr, len;
	unsigned int classes;
	struct msl_record rec;
	bool old = false, new = false;
	long filters;
	int state;
	char *p;

	if (sscanf(arg, "%lx:%lx:%u", &addr, &len, &classes) != 3)
		return 2;
	p = mmap(NULL, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || mseal_range(p, ps, classes))
		return 3;
	state = msl_record_read(0, &rec, &filters);
	for (size_t i = 0; state == MSL_RECORD_OK && i < rec.n; i++) {
		old |= rec.r[i].start == addr && rec.r[i].end == addr + len;
		new |= rec.r[i].start == (uintptr_t)p &&rec.r[i].end ==
		       (uintptr_t)p + ps;
	}
	printf("%s old %c new %c\n", msl_record_state_name(state),
	       old ? 'Y' : 'N', new ? 'Y' : 'N');
	msl_record_free(&rec);
	return 0;
}

int exec_helper(const char *mode)
{
	if (strcmp(mode, "count-sealed") == 0) {
		printf("%d\n", count_user_sealed());
		return 0;
	}
	if (strcmp(mode, "threads") == 0)
		return threads_mode();
	if (strncmp(mode, "after-exec:", 11) == 0)
		return after_exec_mode(mode + 11);
	if (strncmp(mode, "record-after-exec:", 18) == 0)
		return record_after_exec_mode(mode + 18);
	/* "probe-rc backend all-rc subset-rc len0-rc wrap-errno" for the
	 * environment's MSEAL_BACKEND; wrap-errno is mimmutable's on a range
	 * that wraps around. */
	if (strcmp(mode, "backend") == 0) {
		struct mseal_features f;
		size_t ps = (size_t)sysconf(_SC_PAGESIZE);
		char *p = mmap(NULL, 2 * ps, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int rc = mseal_probe(&f);

		if (p == MAP_FAILED)
			return 1;
		int all = mseal_range(p, ps, MSEAL_ALL);
		int subset = mseal_range(p + ps, ps, MSEAL_PROT);
		int len0 = mseal_range(NULL, 0, MSEAL_ALL);
		int wrap = mimmutable(p, SIZE_MAX) == -1 ? errno : 0;

		printf("%d %s %d %d %d %d\n", rc, mseal_backend_name(f.backend),
		       all, subset, len0, wrap);
		return 0;
	}
	fprintf(stderr, "exec helper: unknown mode '%s'\n", mode);
	return 2;
}

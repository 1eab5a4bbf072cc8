// SPDX-License-Identifier: MIT
/* Seals across fork and execve, and the kernel's "sl" flag in smaps. */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "harness.h"

static void child_munmap(void *arg)
{
	void **a = arg;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	/* a[0] sealed, a[1] unsealed control */
	if (munmap(a[0], page) != -1 || errno != EPERM)
		_exit(10);
	if (mprotect(a[0], page, PROT_READ | PROT_WRITE) != -1 ||
	    errno != EPERM)
		_exit(11);
	if (!page_mapped(a[0]))
		_exit(12);
	if (munmap(a[1], page) != 0)
		_exit(13);
	_exit(0);
}

TEST(fork_child_inherits_seals)
{
	char *sealed = map_anon(1, PROT_READ);
	char *open_ = map_anon(1, PROT_READ);
	void *arg[2] = { sealed, open_ };
	int st;

	SEAL(sealed, ctx->page);
	st = run_in_child(child_munmap, arg);
	if (st)
		FAIL("child check %d failed (10-12 sealed, 13 control)", st);
	/* The parent is unchanged by the child's attempts. */
	CHECK(page_mapped(sealed));
	CHECK(page_mapped(open_));
}

/* exec the test binary itself: how many sealed mappings does it start with? */
static int sealed_after_exec(void)
{
	char line[32];

	exec_helper_line("count-sealed", NULL, line, sizeof(line));
	return atoi(line);
}

/*
 * The kernel's seals go with the address space at execve.  Seccomp filters
 * stay with the task: the new program finds the old addresses still
 * guarded (libmseal(7)).  The helper tries munmap on them, and on a fresh
 * page of its own as the control.
 */
TEST(exec_clears_seals)
{
	char *p = map_anon(4, PROT_READ);
	int before = count_user_sealed();
	char mode[96], line[64];

	if (!backend_is_native()) {
		snprintf(mode, sizeof(mode), "after-exec:%lx:%lx",
			 (unsigned long)p, (unsigned long)(4 * ctx->page));
		exec_helper_line(mode, ctx->backend, line, sizeof(line));
		CHECK(strcmp(line, "old 0 control 0") == 0);
		SEAL(p, 4 * ctx->page);
		exec_helper_line(mode, ctx->backend, line, sizeof(line));
		if (strcmp(line, "old 1 control 0"))
			FAIL("after execve: '%s', want 'old 1 control 0' "
			     "(EPERM on the old range)",
			     line);
		return;
	}
	SEAL(p, 4 * ctx->page);
	/* Control: the seal is visible in this image... */
	CHECK(count_user_sealed() > before);
	CHECK(smaps_sealed(p) == 1);
	/* ...and a fresh image after execve starts with none of it. */
	CHECK(sealed_after_exec() == 0);
}

/* The sl flag marks kernel seals only; mseal_query() answers for both. */
TEST(smaps_shows_sl_flag)
{
	char *a = map_anon(1, PROT_READ);
	char *b = map_anon(1, PROT_READ);
	unsigned int ca, cb;

	SEAL(a, ctx->page);
	CHECK(smaps_sealed(a) == (backend_is_native() ? 1 : 0));
	CHECK(smaps_sealed(b) == 0);
	CHECK_OK(mseal_query(a, ctx->page, &ca));
	CHECK_OK(mseal_query(b, ctx->page, &cb));
	CHECK(ca == MSEAL_ALL && cb == 0);
}

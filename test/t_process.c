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

TEST_NATIVE(exec_clears_seals, "the seccomp backend's filters survive execve")
{
	char *p = map_anon(4, PROT_READ);
	int before = count_user_sealed();

	SEAL(p, 4 * ctx->page);
	/* Control: the seal is visible in this image... */
	CHECK(count_user_sealed() > before);
	CHECK(smaps_sealed(p) == 1);
	/* ...and a fresh image after execve starts with none of it. */
	CHECK(sealed_after_exec() == 0);
}

TEST_NATIVE(smaps_shows_sl_flag, "the sl flag exists only for kernel seals")
{
	char *a = map_anon(1, PROT_READ);
	char *b = map_anon(1, PROT_READ);

	SEAL(a, ctx->page);
	CHECK(smaps_sealed(a) == 1);
	CHECK(smaps_sealed(b) == 0);
}

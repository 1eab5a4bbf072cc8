// SPDX-License-Identifier: MIT
/*
 * Modes of the test binary run through execve by tests that need a fresh
 * process image: after exec nothing is sealed and libmseal's cached probe
 * (and its one reading of MSEAL_BACKEND) starts anew.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "harness.h"

int exec_helper(const char *mode);

int exec_helper(const char *mode)
{
	if (strcmp(mode, "count-sealed") == 0) {
		printf("%d\n", count_user_sealed());
		return 0;
	}
	/* "probe-rc backend all-rc subset-rc len0-rc" for the environment's
	 * MSEAL_BACKEND. */
	if (strcmp(mode, "backend") == 0) {
		struct mseal_features f;
		size_t ps = (size_t)sysconf(_SC_PAGESIZE);
		char *p = mmap(NULL, 2 * ps, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int rc = mseal_probe(&f);

		if (p == MAP_FAILED)
			return 1;
		printf("%d %s %d %d %d\n", rc, mseal_backend_name(f.backend),
		       mseal_range(p, ps, MSEAL_ALL),
		       mseal_range(p + ps, ps, MSEAL_PROT),
		       mseal_range(NULL, 0, MSEAL_ALL));
		return 0;
	}
	fprintf(stderr, "exec helper: unknown mode '%s'\n", mode);
	return 2;
}

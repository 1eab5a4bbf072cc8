// SPDX-License-Identifier: MIT
/* See abi.h. */
#include <sys/wait.h>
#include <unistd.h>

#include "abi.h"

#define I386_GETPID 20

bool int80_available(void)
{
	static int known; /* 0: not asked yet, 1: no, 2: yes */
	pid_t pid;
	int status;

	if (known)
		return known == 2;
#if !defined(__x86_64__)
	known = 1;
	return false;
#endif
	pid = fork();
	if (pid == 0)
		_exit(int80(I386_GETPID, 0, 0, 0, 0, 0) == getpid() ? 0 : 1);
	known = 1;
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)
		known = 2;
	return known == 2;
}

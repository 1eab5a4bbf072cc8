// SPDX-License-Identifier: MIT
/*
 * A program that seals its own image at the top of main, without
 * `mseal run`: the text, read-only data and RELRO of the program and of
 * every library loaded so far.  Afterwards its code can neither be made
 * writable nor unmapped.
 *
 *   cc seal_self.c $(pkg-config --cflags --libs libmseal)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mseal.h>

int main(void)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	void *text = (void *)((uintptr_t)main & ~(page - 1));
	int rc;

	rc = mseal_self(MSEAL_SELF_DEFAULT, 0);
	if (rc) {
		fprintf(stderr, "mseal_self: %s\n", strerror(-rc));
		return 1;
	}
	if (mprotect(text, page, PROT_READ | PROT_WRITE | PROT_EXEC) == 0) {
		fprintf(stderr, "main's text could be made writable\n");
		return 1;
	}
	printf("sealed: mprotect of main's text: %s\n", strerror(errno));
	if (munmap(text, page) == 0)
		return 1; /* not reached: the code would be gone */
	printf("sealed: munmap of main's text: %s\n", strerror(errno));
	return 0;
}

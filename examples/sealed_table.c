// SPDX-License-Identifier: MIT
/*
 * A table of function pointers that must never change after start-up:
 * build it in writable memory, then make it read-only and sealed in one
 * call.  Afterwards neither mprotect nor munmap can touch it.
 *
 *   cc sealed_table.c $(pkg-config --cflags --libs libmseal)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mseal.h>

typedef int (*handler_fn)(int);

static int twice(int x)
{
	return 2 * x;
}

int main(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned int classes;
	handler_fn *table;
	int rc;

	table = mmap(NULL, page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (table == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	table[0] = twice;

	rc = mseal_mprotect(table, page, PROT_READ, MSEAL_ALL);
	if (rc) {
		fprintf(stderr, "sealed_table: cannot seal: %s\n",
			strerror(-rc));
		return 1;
	}
	rc = mseal_query(table, page, &classes);
	printf("sealed: %s\n", rc == 0 && classes == MSEAL_ALL ? "yes" : "no");
	if (mprotect(table, page, PROT_READ | PROT_WRITE) == -1)
		printf("mprotect: %s\n", strerror(errno));
	if (munmap(table, page) == -1)
		printf("munmap: %s\n", strerror(errno));
	printf("table[0](21) = %d\n", table[0](21));
	return 0;
}

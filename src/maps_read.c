// SPDX-License-Identifier: MIT
/* Reads a /proc maps or smaps file through the streaming parser. */
#include <fcntl.h>
#include <unistd.h>

#include "internal.h"

int msl_maps_read_with(const char *path, msl_vma_fn fn, void *arg,
		       struct msl_maps_parser *p, char *buf, size_t size)
{
	int fd, rc = 0;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	msl_maps_init(p, fn, arg);
	for (;;) {
		n = read(fd, buf, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0) {
			rc = msl_maps_finish(p);
			break;
		}
		rc = msl_maps_feed(p, buf, (size_t)n);
		if (rc)
			break;
	}
	close(fd);
	return rc;
}

int msl_maps_read(const char *path, msl_vma_fn fn, void *arg)
{
	/* On the stack: a failed malloc would read as ENOMEM, which callers
	 * report as a hole. */
	struct msl_maps_parser parser;
	char buf[4096];

	return msl_maps_read_with(path, fn, arg, &parser, buf, sizeof(buf));
}

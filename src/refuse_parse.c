// SPDX-License-Identifier: MIT
/* MSEAL_REFUSE: "io_uring" and "userfaultfd", comma-separated. */
#include <string.h>

#include "internal.h"

int msl_parse_refuse(const char *s, unsigned int *out)
{
	unsigned int set = 0;

	*out = 0;
	if (!s || !*s)
		return 0;
	while (*s) {
		size_t n = strcspn(s, ",");

		if (n == 8 && !strncmp(s, "io_uring", 8))
			set |= MSEAL_REFUSE_IO_URING;
		else if (n == 11 && !strncmp(s, "userfaultfd", 11))
			set |= MSEAL_REFUSE_USERFAULTFD;
		else
			return -EINVAL; /* also an empty word: "a,,b" */
		s += n;
		if (*s == ',' && !*++s)
			return -EINVAL; /* a trailing comma */
	}
	*out = set;
	return 0;
}

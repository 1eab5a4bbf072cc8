// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the system policy parser (src/preload/sysconf.c).
 * Besides not crashing: an error names a line that exists and holds no
 * control character; a success yields a valid policy whose exclude paths
 * are absolute, NUL-terminated inside paths[], and each found again by
 * msl_sysconf_excludes(); the same input parses the same way twice.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classes.h"
#include "sysconf.h"

static struct msl_sysconf a, b;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[300], err2[300];
	unsigned long line, lines = 1;
	size_t i;
	int rc;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	rc = msl_sysconf_parse((const char *)data, size, &a, err, sizeof(err));
	if (rc != msl_sysconf_parse((const char *)data, size, &b, err2,
				    sizeof(err2)) ||
	    strcmp(err, err2))
		abort();
	if (rc) {
		if (rc != -22 || strncmp(err, "line ", 5))
			abort();
		line = strtoul(err + 5, NULL, 10);
		if (line < 1 || line > lines)
			abort();
		for (i = 0; err[i]; i++)
			if ((unsigned char)err[i] < 0x20 ||
			    (unsigned char)err[i] >= 0x7f)
				abort();
		return 0;
	}
	if (!a.set || (a.set & ~MSL_RUN_ALL) || a.dlopen_policy < 0 ||
	    a.dlopen_policy > MSL_DLOPEN_OFF ||
	    a.nexclude > MSL_SYSCONF_MAX_EXCLUDE ||
	    a.paths_len > sizeof(a.paths))
		abort();
	for (i = 0; i < a.nexclude; i++) {
		const char *p = a.paths + a.exclude[i];

		if (a.exclude[i] >= a.paths_len || p[0] != '/' ||
		    !memchr(p, '\0', a.paths_len - a.exclude[i]) ||
		    !msl_sysconf_excludes(&a, p))
			abort();
	}
	return 0;
}

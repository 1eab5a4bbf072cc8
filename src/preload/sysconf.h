/* SPDX-License-Identifier: MIT */
/*
 * The system policy, /etc/mseal/system.conf (see mseal-system(8)): parsed
 * by the preload in system mode and by `mseal system`.  Fixed-size, so the
 * preload parses it without the heap, in set-user-ID programs too.
 */
#ifndef LIBMSEAL_PRELOAD_SYSCONF_H
#define LIBMSEAL_PRELOAD_SYSCONF_H

#include <stdbool.h>
#include <stddef.h>

#define MSL_SYSCONF_PATH "/etc/mseal/system.conf"
#define MSL_SYSCONF_MAX_BYTES 65536
#define MSL_SYSCONF_MAX_EXCLUDE 256
#define MSL_SYSCONF_PATHS 32768

struct msl_sysconf {
	unsigned int set;  /* MSL_RUN_BIT()s to seal */
	int dlopen_policy; /* enum msl_run_dlopen */
	size_t nexclude;
	unsigned short exclude[MSL_SYSCONF_MAX_EXCLUDE]; /* offsets in paths */
	size_t paths_len;
	char paths[MSL_SYSCONF_PATHS];
};

/*
 * Parses len bytes of text into *c.  Returns 0, or -EINVAL with a message
 * that names the line in err ("line 3: unknown key 'sael' ...").
 */
int msl_sysconf_parse(const char *text, size_t len, struct msl_sysconf *c,
		      char *err, size_t errsize);
/* Reads and parses a file: -errno (message in err) when it cannot. */
int msl_sysconf_read(const char *path, struct msl_sysconf *c, char *err,
		     size_t errsize);
/* Whether the policy leaves the program at path out. */
bool msl_sysconf_excludes(const struct msl_sysconf *c, const char *path);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The things `mseal run` can seal, by name.  Shared by the preload library
 * and the tool, so that `--seal` and MSEAL_RUN_SEAL accept the same words.
 * The names are those of the mapping classes of `mseal maps` (text, rodata,
 * relro, system); data and stack are parts of its class writable.  The
 * older spellings stay accepted: code for text, vdso for system.
 */
#ifndef LIBMSEAL_PRELOAD_CLASSES_H
#define LIBMSEAL_PRELOAD_CLASSES_H

#include <stdbool.h>
#include <string.h>

#include "self.h"

static const char *const msl_run_kind_names[MSL_RUN_NKINDS] = {
	"text", "rodata", "relro", "data", "stack", "system",
};

/* For the messages that list what --seal and MSEAL_RUN_SEAL accept. */
#define MSL_RUN_SEAL_WORDS \
	"text, rodata, relro, data, stack, system, default or all"

/* Older spellings, still accepted. */
static const struct {
	const char *name;
	enum msl_run_kind kind;
} msl_run_kind_aliases[] = {
	{ "code", MSL_RUN_TEXT },
	{ "vdso", MSL_RUN_SYSTEM },
};

/*
 * Parses a comma-separated list of kind names, "default" and "all" into a
 * set of MSL_RUN_BIT()s.  On an unknown word returns false and points *bad
 * at it (its length in *badlen).  An empty list is an error too.
 */
static inline bool msl_run_parse_seal(const char *s, unsigned int *set,
				      const char **bad, size_t *badlen)
{
	unsigned int out = 0;

	*bad = s;
	*badlen = 0;
	if (!s || !*s)
		return false;
	while (*s) {
		size_t n = strcspn(s, ",");
		unsigned int k;
		bool found = false;

		if (n == 7 && !strncmp(s, "default", 7)) {
			out |= MSL_RUN_DEFAULT;
			found = true;
		} else if (n == 3 && !strncmp(s, "all", 3)) {
			out |= MSL_RUN_ALL;
			found = true;
		}
		for (k = 0; !found && k < MSL_RUN_NKINDS; k++) {
			if (strlen(msl_run_kind_names[k]) == n &&
			    !strncmp(s, msl_run_kind_names[k], n)) {
				out |= MSL_RUN_BIT(k);
				found = true;
			}
		}
		for (k = 0;
		     !found && k < sizeof(msl_run_kind_aliases) /
					       sizeof(msl_run_kind_aliases[0]);
		     k++) {
			const char *a = msl_run_kind_aliases[k].name;

			if (strlen(a) == n && !strncmp(s, a, n)) {
				out |= MSL_RUN_BIT(
					msl_run_kind_aliases[k].kind);
				found = true;
			}
		}
		if (!found) {
			*bad = s;
			*badlen = n;
			return false;
		}
		s += n;
		if (*s == ',')
			s++;
	}
	*set = out;
	return out != 0;
}

/* The dlopen policies of MSEAL_RUN_DLOPEN / --dlopen. */
enum msl_run_dlopen {
	MSL_DLOPEN_NODELETE, /* seal only what can never be unloaded */
	MSL_DLOPEN_PIN,	     /* make every object NODELETE, then seal */
	MSL_DLOPEN_OFF,	     /* never seal dlopen'd objects */
};

static const char *const msl_run_dlopen_names[] = { "nodelete", "pin", "off" };

static inline int msl_run_parse_dlopen(const char *s)
{
	int i;

	for (i = 0; i < 3; i++)
		if (s && !strcmp(s, msl_run_dlopen_names[i]))
			return i;
	return -1;
}

#endif

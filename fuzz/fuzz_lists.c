// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the word-list parsers: MSEAL_REFUSE, mseal run's
 * --seal / MSEAL_RUN_SEAL and --dlopen / MSEAL_RUN_DLOPEN.  Besides not
 * crashing, each answer is checked against a second, simpler reading.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classes.h"
#include "internal.h"

/* Each word of s, split at commas, handed to fn; false stops. */
static bool words(const char *s, bool (*fn)(const char *w, void *arg),
		  void *arg)
{
	char *copy = strdup(s), *p = copy, *c;
	bool ok = true;

	if (!copy)
		abort();
	for (;;) {
		c = strchr(p, ',');
		if (c)
			*c = '\0';
		if (!fn(p, arg)) {
			ok = false;
			break;
		}
		if (!c)
			break;
		p = c + 1;
	}
	free(copy);
	return ok;
}

static bool refuse_word(const char *w, void *arg)
{
	unsigned int *set = arg;

	if (!strcmp(w, "io_uring"))
		*set |= MSEAL_REFUSE_IO_URING;
	else if (!strcmp(w, "userfaultfd"))
		*set |= MSEAL_REFUSE_USERFAULTFD;
	else
		return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	unsigned int got, want = 0, set = 0;
	const char *bad;
	size_t badlen;
	bool ok;
	int rc;

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';

	rc = msl_parse_refuse(s, &got);
	ok = !*s || words(s, refuse_word, &want);
	if ((rc == 0) != ok || (rc == 0 && got != want) ||
	    (rc != 0 && got != 0))
		abort();

	if (msl_run_parse_seal(s, &set, &bad, &badlen)) {
		if (!set || (set & ~MSL_RUN_ALL))
			abort();
	} else if (*s && (bad < s || bad + badlen > s + strlen(s))) {
		abort();
	}
	rc = msl_run_parse_dlopen(s);
	if (rc < -1 || rc > 2 ||
	    (rc >= 0 && strcmp(s, msl_run_dlopen_names[rc])))
		abort();
	free(s);
	return 0;
}

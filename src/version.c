// SPDX-License-Identifier: MIT
/*
 * mseal_version(): the library's own version, for a program that wants to
 * know which libmseal it runs with rather than which header it was built
 * against (MSEAL_VERSION_* in mseal.h).  The two differ after the shared
 * library is upgraded under a program; the Makefile takes the release
 * number from the header, so the header, the library, the soname's file
 * and libmseal.pc cannot disagree within one build.
 */
#include "internal.h"

MSL_EXPORT const struct mseal_version *mseal_version(void)
{
	static const struct mseal_version v = {
		MSEAL_VERSION_MAJOR,
		MSEAL_VERSION_MINOR,
		MSEAL_VERSION_PATCH,
	};

	return &v;
}

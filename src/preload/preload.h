/* SPDX-License-Identifier: MIT */
/* Internal interfaces of libmseal-preload.so; nothing here is exported. */
#ifndef LIBMSEAL_PRELOAD_H
#define LIBMSEAL_PRELOAD_H

#include <link.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classes.h"
#include "self.h"

/* Report output (report.c). */
struct msl_report_cfg {
	int fd; /* -1: no report */
	bool json;
};

struct msl_event {
	const char *event;   /* "startup" or "dlopen" */
	const char *program; /* the main program's path */
	const char *object;  /* dlopen: the file name asked for */
	const char *backend;
	const char *status; /* "sealed", "dry-run", "failed", "skipped" */
	const char *reason; /* failed/skipped: why, or NULL */
	const struct msl_plan *plan;
	long usec; /* time spent planning and sealing, or -1 */
};

void msl_report(const struct msl_report_cfg *cfg,
		const struct msl_event *ev) MSL_HIDDEN;

#endif

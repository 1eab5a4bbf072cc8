/* SPDX-License-Identifier: MIT */
/*
 * The record of seccomp seals a process publishes for others to read (and
 * for its own image after execve): see src/record.c.  Internal.
 */
#ifndef LIBMSEAL_RECORD_H
#define LIBMSEAL_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "internal.h"

/* The memfd's name, as /proc/PID/fd shows it: "/memfd:" NAME " (deleted)". */
#define MSL_RECORD_NAME "libmseal-seals"
#define MSL_RECORD_MAX_RANGES 65536u
#define MSL_RECORD_MAX_BYTES (64u + 40u * MSL_RECORD_MAX_RANGES)

struct msl_record_range {
	uint64_t start, end;
	unsigned int classes; /* MSEAL_* */
};

struct msl_record {
	long filters; /* the writer's filter count when it wrote the record */
	struct msl_record_range *r;
	size_t n;
};

/*
 * Parses a record's text: 0, -EPROTO for text that is not a record (any
 * deviation from the format, ranges not page-aligned or empty, classes out
 * of range, more than MSL_RECORD_MAX_RANGES), -ENOMEM.  On success rec->r
 * is malloc'd (NULL when n is 0); free it with msl_record_free().
 */
int msl_record_parse(const char *text, size_t len, size_t page,
		     struct msl_record *rec) MSL_HIDDEN;
void msl_record_free(struct msl_record *rec) MSL_HIDDEN;
/* The text of a record into buf (MSL_RECORD_MAX_BYTES suffice); its length. */
size_t msl_record_format(const struct msl_record *rec, char *buf,
			 size_t size) MSL_HIDDEN;

/* What reading a process's record found (msl_record_read()). */
enum msl_record_state {
	MSL_RECORD_NONE,     /* no record, and no filter */
	MSL_RECORD_OK,	     /* a record that agrees with the kernel */
	MSL_RECORD_MISSING,  /* filters, but no record (closed, or not ours) */
	MSL_RECORD_CORRUPT,  /* text that is not a record */
	MSL_RECORD_WRITABLE, /* a memfd still open to writes: not ours */
	MSL_RECORD_EXCESS,   /* claims more filters than the kernel holds */
	MSL_RECORD_SEVERAL,  /* more than one record: none is believed */
};

/*
 * Finds and reads the record of process pid (0: this process) through
 * /proc/PID/fd, with the permissions of `mseal maps PID`; *filters gets the
 * kernel's count of seccomp filters of its main thread, -1 if unknown.
 * Only MSL_RECORD_OK fills rec.  Returns the state, or -errno when
 * /proc/PID cannot be read at all.
 */
int msl_record_read(pid_t pid, struct msl_record *rec,
		    long *filters) MSL_HIDDEN;
const char *msl_record_state_name(int state) MSL_HIDDEN;

/*
 * Publishes rec as this process's record: a new sealed memfd, not closed
 * on execve, put in place of the previous record.  0 or -errno; nothing
 * changes on error.
 */
int msl_record_publish(const struct msl_record *rec) MSL_HIDDEN;

#endif

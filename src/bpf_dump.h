/* SPDX-License-Identifier: MIT */
/*
 * A disassembler of classic BPF seccomp programs, for debugging the filter
 * backend and for `mseal` diagnostics.  Library-internal.
 */
#ifndef LIBMSEAL_BPF_DUMP_H
#define LIBMSEAL_BPF_DUMP_H

#include <stddef.h>
#include <stdio.h>
#include <linux/filter.h>

#include "internal.h"

/*
 * Writes instruction i of prog (len instructions) as one line without a
 * newline, for example "  12: ld   [16]            ; args[0] lo".  Jump
 * targets are absolute instruction indices; loads of struct seccomp_data
 * name the field, returns decode the SECCOMP_RET_* action.  Returns the
 * length of the whole line, like snprintf: a result >= size means buf
 * holds a truncated line.  i >= len gives an empty line.
 */
int msl_bpf_disasm(const struct sock_filter *prog, size_t len, size_t i,
		   char *buf, size_t size) MSL_HIDDEN;

/* Prints every instruction, one line each.  Returns 0 or -EIO. */
int msl_bpf_dump(FILE *f, const struct sock_filter *prog,
		 size_t len) MSL_HIDDEN;

#endif /* LIBMSEAL_BPF_DUMP_H */

/* SPDX-License-Identifier: MIT */
/*
 * mseal maps: what the scan (tools/maps.c) hands to the writers
 * (tools/maps_out.c), and the subcommand's entry point for tools/mseal.c.
 */
#ifndef MSEAL_TOOLS_MAPS_H
#define MSEAL_TOOLS_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define EXIT_USAGE 2
/* mseal maps --check: every process was read, but one fails the check. */
#define EXIT_CHECK 3

int cmd_maps(int argc, char **argv);

/*
 * What a mapping is, for the summary.  Every mapping is in exactly one
 * class; the order is the order of the summary and of the JSON keys.
 */
enum maps_class {
	CLASS_CODE,	/* executable, file-backed */
	CLASS_RODATA,	/* readable, not writable or executable, not RELRO */
	CLASS_RELRO,	/* read-only private file mapping that was writable */
	CLASS_WRITABLE, /* writable, not executable */
	CLASS_JIT,	/* executable anonymous memory */
	CLASS_NOACCESS, /* no permission at all: gaps, reservations */
	CLASS_SYSTEM,	/* [vdso], [vvar], [vvar_vclock], [uprobes], ... */
	CLASS_VSYSCALL, /* [vsyscall]: not a mapping, never counted */
	NCLASS
};

#define NCOUNTED CLASS_VSYSCALL
/* The classes the verdict is about: the program's image. */
#define VERDICT_CLASSES \
	((1u << CLASS_CODE) | (1u << CLASS_RODATA) | (1u << CLASS_RELRO))

struct maps_row {
	uintptr_t start;
	uintptr_t end;
	unsigned long long offset;
	unsigned long long inode;
	unsigned int flags; /* MSL_VMA_* */
	unsigned int seals; /* MSEAL_* classes in force */
	bool by_record;	    /* seals include the seccomp record's claim */
	enum maps_class cls;
	size_t path; /* offset of the path in maps_proc.paths */
};

struct maps_proc {
	pid_t pid;
	char comm[64];
	struct maps_row *rows;
	size_t nrows;
	size_t rows_cap;
	char *paths;
	size_t paths_len;
	size_t paths_cap;
	size_t last_path; /* offset of the last path stored, for reuse */
	bool keep_paths;
	bool no_memory;
	unsigned int total[NCLASS];
	unsigned int sealed[NCLASS];
	int record;	      /* MSL_RECORD_* (src/record.h), or -errno */
	size_t record_ranges; /* ranges of an MSL_RECORD_OK record */
	long record_filters;  /* filters it claims */
	long kernel_filters;  /* the kernel's count, -1 unknown */
};

enum maps_format { FORMAT_TABLE, FORMAT_JSON, FORMAT_CSV };

struct maps_opts {
	enum maps_format format;
	bool summary;
	bool color;
	bool all;
	bool self;
	bool kernel_mseal;  /* the kernel has mseal(2) */
	unsigned int check; /* classes --check wants fully sealed, as bits */
	bool library_view;  /* seals also asked of this process's libmseal */
	bool any_output;    /* a process was written (JSON commas) */
	unsigned int shown; /* processes written */
	unsigned int empty; /* --all: processes without mappings, skipped */
};

/* A process that could not be read. */
struct maps_failure {
	pid_t pid;
	char comm[64];
	int err;
};

extern const char *const maps_class_names[NCLASS];

/* The share of sealed mappings, rounded down; -1 when there are none. */
int maps_percent(const struct maps_proc *p, enum maps_class c);
/* "full", "partial", "none" or "n/a" for the image classes. */
const char *maps_verdict(const struct maps_proc *p);

void maps_out_begin(struct maps_opts *o);
void maps_out_proc(struct maps_opts *o, const struct maps_proc *p);
void maps_out_end(struct maps_opts *o, const struct maps_failure *fail,
		  size_t nfail);

#endif

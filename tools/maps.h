/* SPDX-License-Identifier: MIT */
/*
 * mseal maps: the model (tools/maps_model.c) that the scan (tools/maps.c)
 * fills in and the writers (tools/maps_out.c) read: rows, classes, columns
 * and the options that shape the output.  The command's entry point is in
 * tool.h.
 */
#ifndef MSEAL_TOOLS_MAPS_H
#define MSEAL_TOOLS_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* mseal maps --check: every process was read, but one fails the check. */
#define EXIT_CHECK 3

struct msl_vma;

/*
 * What a mapping is, for the summary.  Every mapping is in exactly one
 * class; the order is the order of the summary and of the JSON keys.
 */
enum maps_class {
	CLASS_TEXT,	/* executable, file-backed */
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
	((1u << CLASS_TEXT) | (1u << CLASS_RODATA) | (1u << CLASS_RELRO))

enum maps_verdict { VERDICT_FULL, VERDICT_PARTIAL, VERDICT_NONE, VERDICT_NA };
#define NVERDICT 4

/* The columns of the table (-o), in the order of the default. */
enum maps_column {
	COL_PID,
	COL_COMMAND,
	COL_START,
	COL_END,
	COL_SIZE,
	COL_PERM,
	COL_SEALED,
	COL_CLASS,
	COL_OFFSET,
	COL_INODE,
	COL_PATH,
	NCOLUMN
};
#define MAX_COLUMNS 32

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

enum maps_format { FORMAT_TABLE, FORMAT_JSON, FORMAT_CSV, FORMAT_PROMETHEUS };

struct maps_opts {
	enum maps_format format;
	bool summary;
	bool color;
	bool all;
	bool self;
	bool kernel_mseal;  /* the kernel has mseal(2) */
	unsigned int check; /* classes --check wants fully sealed, as bits */
	bool library_view;  /* seals also asked of this process's libmseal */
	/* The table as columns (-o, -n, --raw): no per-process lines. */
	bool columns_mode;
	bool raw;	 /* --raw: one space between fields, no padding */
	bool noheadings; /* -n */
	bool bytes;	 /* -b: SIZE in bytes */
	unsigned char columns[MAX_COLUMNS];
	size_t ncolumns;
	/* The writers' state. */
	unsigned int shown;	/* processes written */
	unsigned int empty;	/* --all: processes without mappings, skipped */
	struct maps_prom *prom; /* --format=prometheus, maps_out.c's */
};

/* A process that could not be read. */
struct maps_failure {
	pid_t pid;
	char comm[64];
	int err;
};

extern const char *const maps_class_names[NCLASS];
extern const char *const maps_column_names[NCOLUMN];
extern const char *const maps_verdict_names[NVERDICT];

/*
 * "text,relro" -> class bits; "image" is text, rodata and relro, "all"
 * every class, "code" the older name of text.  False for an empty list or
 * an unknown word.
 */
bool maps_parse_classes(const char *s, unsigned int *out);
/*
 * "pid,start,path" (any case) -> up to max columns; returns their number,
 * or -1 with the first bad word at *bad (*badlen long).
 */
int maps_parse_columns(const char *s, unsigned char *cols, size_t max,
		       const char **bad, size_t *badlen);
enum maps_class maps_classify(const struct msl_vma *v);
/* Fills p->total and p->sealed from the rows. */
void maps_count(struct maps_proc *p);
/* Mappings counted in the classes (all but [vsyscall]). */
unsigned int maps_mapping_count(const struct maps_proc *p);
/* The share of sealed mappings, rounded down; -1 when there are none. */
int maps_percent(const struct maps_proc *p, enum maps_class c);
/* Full, partial, none or n/a, for the image classes. */
enum maps_verdict maps_verdict_of(const struct maps_proc *p);
/* mseal system status: the processes of `mseal maps --all` counted by
 * verdict (indexed by enum maps_verdict); returns how many, or -errno. */
int maps_count_verdicts(unsigned int counts[NVERDICT]);
const char *maps_verdict(const struct maps_proc *p);
/* Whether every class in check is fully sealed. */
bool maps_check_passes(const struct maps_proc *p, unsigned int check);

/* The writers: begin, once per process shown, end; -1 out of memory. */
int maps_out_begin(struct maps_opts *o);
void maps_out_proc(struct maps_opts *o, const struct maps_proc *p);
int maps_out_end(struct maps_opts *o, const struct maps_failure *fail,
		 size_t nfail);

#endif

/* SPDX-License-Identifier: MIT */
/* Internal interfaces of libmseal; nothing here is exported. */
#ifndef LIBMSEAL_INTERNAL_H
#define LIBMSEAL_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mseal.h"

#define MSL_EXPORT __attribute__((visibility("default")))
#define MSL_HIDDEN __attribute__((visibility("hidden")))

/* The kernel's mseal(2) number in the unified syscall table (6.10+). */
#ifndef __NR_mseal
#define __NR_mseal 462
#endif

/*
 * Whether this build's seccomp filters (src/filter.c, and the refusal
 * program of src/seccomp.c) know the architecture's system calls: x86-64
 * and arm64.  Elsewhere a filter would be built for x86-64 (MSL_ARCH_HOST),
 * compare AUDIT_ARCH_X86_64, miss, and let every call through, a seal that
 * is none: so there the seccomp backend is absent (no
 * MSEAL_FEAT_SECCOMP_BACKEND) and mseal_refuse() is EOPNOTSUPP, nothing
 * installed.
 */
#if defined(__x86_64__) || defined(__aarch64__)
#define MSL_FILTER_ARCH_KNOWN 1
#else
#define MSL_FILTER_ARCH_KNOWN 0
#endif

/*
 * Whether the seccomp backend seals here: x86-64, and arm64, whose program
 * is tested through the interpreter and, with the whole suite and the
 * seal fuzzer, in arm64 guests (make check-kernels ARCH=arm64).  Kept
 * apart from MSL_FILTER_ARCH_KNOWN so that an architecture can have the
 * refusal program (mseal_refuse()) before its seal filter is offered.
 */
#if defined(__x86_64__) || defined(__aarch64__)
#define MSL_SEAL_FILTER_ARCH 1
#else
#define MSL_SEAL_FILTER_ARCH 0
#endif

/*
 * Every class bit the API takes.  MSEAL_ALL is the kernel's plain seal;
 * MSEAL_SEAL and MSEAL_DOWNGRADEABLE exist only with seal types, or (SEAL)
 * as the seccomp backend's own records.
 */
#define MSL_CLASSES                                             \
	(MSEAL_BASE | MSEAL_PROT | MSEAL_DISCARD | MSEAL_SEAL | \
	 MSEAL_DOWNGRADEABLE)

/* The kernel series' prot bits (kernel/patches, SEMANTICS.md section 9). */
#ifndef PROT_SEAL
#define PROT_SEAL 0x04000000
#endif
#ifndef PROT_DOWNGRADEABLE
#define PROT_DOWNGRADEABLE 0x08000000
#endif

/*
 * The one error boundary: every public call that fails goes through here, so
 * the return value and errno always agree.
 */
static inline int msl_fail(int err)
{
	errno = err;
	return -err;
}

/* Cached facts about the kernel and the MSEAL_BACKEND choice. */
struct msl_config {
	unsigned int kernel_flags; /* MSEAL_FEAT_* that cannot change */
	int backend_all;	   /* MSEAL_BACKEND_* for MSEAL_ALL */
	int backend_subset;	   /* MSEAL_BACKEND_* for a class subset */
	int source;		   /* MSEAL_SOURCE_* */
	bool env_invalid;	   /* either variable below held a bad value */
	bool env_backend_invalid;  /* MSEAL_BACKEND held a bad value */
	bool env_refuse_invalid;   /* MSEAL_REFUSE held a bad value */
	bool env_native;	   /* MSEAL_BACKEND=native */
	unsigned int refuse;	   /* MSEAL_REFUSE_* from MSEAL_REFUSE */
	int mseal_refused; /* errno of a seccomp filter refusing mseal(2) */
};

const struct msl_config *msl_config(void) MSL_HIDDEN;
size_t msl_page_size(void) MSL_HIDDEN;

/*
 * Checks the class bits and that a backend can seal them; on success
 * *backend is the MSEAL_BACKEND_* to use.  Returns 0 or -errno.
 */
int msl_select_backend(unsigned int classes, int *backend) MSL_HIDDEN;

/*
 * Applies the kernel's range rules (SEMANTICS.md section 2, rules 2-3):
 * on success *end is the page-rounded end.  Returns 0 or -EINVAL.
 */
int msl_check_range(uintptr_t addr, size_t len, uintptr_t *end) MSL_HIDDEN;

/* -ENOMEM when [start, end) holds an unmapped hole, else 0. */
int msl_check_mapped(uintptr_t start, uintptr_t end) MSL_HIDDEN;

/*
 * The classes sealed on every page (*all) and on any page (*any) of
 * [start, end), from /proc/self/smaps.  Returns 0, -ENOMEM for a hole, -EIO
 * for text that does not parse, or -errno from reading it.
 */
int msl_scan_seals(uintptr_t start, uintptr_t end, unsigned int *all,
		   unsigned int *any) MSL_HIDDEN;

/*
 * The native backend (native.c).  msl_native_seal(): mseal(2) of
 * [start, end) with the classes (MSEAL_ALL as the plain seal, others as
 * seal types), 0 or -errno.  msl_native_prot_seal(): the PROT_SEAL bits
 * that give exactly these classes in one mmap(2)/mprotect(2), and in
 * *rest the classes a mseal(2) must add afterwards; 0 when no PROT_SEAL
 * call fits (the kernel lacks it, or the classes need PROT without BASE).
 */
int msl_native_seal(uintptr_t start, uintptr_t end,
		    unsigned int classes) MSL_HIDDEN;
int msl_native_prot_seal(unsigned int classes, unsigned int *rest) MSL_HIDDEN;

/* Seals a validated, mapped range with the chosen backend: 0 or -errno. */
int msl_seal_checked(uintptr_t start, uintptr_t end, unsigned int classes,
		     int backend) MSL_HIDDEN;

/*
 * The length of the valid UTF-8 sequence at s (1 for ASCII), 0 when it is
 * not one: overlong forms, surrogates and code points above U+10FFFF.
 */
size_t msl_utf8_len(const unsigned char *s) MSL_HIDDEN;

/*
 * One character of untrusted text, escaped for a terminal (\ooo per byte)
 * or for a JSON string: see src/utf8.c.  Writes a NUL-terminated string to
 * out and returns how many bytes of s (at least 1) it stands for.
 */
enum msl_escape { MSL_ESCAPE_TEXT, MSL_ESCAPE_JSON };
#define MSL_ESCAPE_MAX 17 /* four bytes as \ooo, and the NUL */
size_t msl_escape_step(const unsigned char *s, enum msl_escape how,
		       char out[MSL_ESCAPE_MAX]) MSL_HIDDEN;

/* Whether CAP_SYS_ADMIN is in the effective set. */
bool msl_has_cap_sys_admin(void) MSL_HIDDEN;

/*
 * 1 when a seccomp filter sees a call's first argument as a ptrace tracer
 * rewrote it (always on x86-64; tried in a child on arm64: docs/AUDIT.md
 * A17), or when this process cannot make itself a tracee; 0 when the
 * filter sees the value from before the tracer; -1 when the trial failed.
 */
int msl_tracer_args_in_sync(void) MSL_HIDDEN;
/* The trial itself, on x86-64 too (for the tests): the same answers. */
int msl_tracer_trial(void) MSL_HIDDEN;

/*
 * The seccomp backend (seccomp.c).  msl_seccomp_seal() seals a batch whose
 * arguments and holes were checked: 0 or -errno, and nothing sealed on
 * error.  msl_seccomp_classes() gives the recorded classes of [a, b), as
 * msl_scan_seals() does.
 */
int msl_seccomp_seal(const struct mseal_span *spans, size_t n,
		     unsigned int classes) MSL_HIDDEN;
void msl_seccomp_classes(uint64_t a, uint64_t b, unsigned int *all,
			 unsigned int *any) MSL_HIDDEN;
void msl_seccomp_stats(unsigned int *filters, size_t *insns) MSL_HIDDEN;
/*
 * When this thread holds seccomp filters this process image did not
 * install (after execve(2), say), the classes those and ours refuse on
 * every page of [a, b), found by asking them with calls that change
 * nothing (seccomp.c says which); 0 otherwise.  A sound under-estimate:
 * DISCARD is found only on private BASE-sealed memory.
 */
unsigned int msl_seccomp_probe_classes(uint64_t a, uint64_t b) MSL_HIDDEN;
/*
 * A seccomp seal of one range prepared before the memory changes, for
 * mseal_mmap(MAP_FIXED) and mseal_mprotect(): everything that can fail
 * (/proc, compiling, the budget with every filter of the thread counted,
 * the other threads' filters, TSYNC) is done by prepare, which returns
 * with the backend's lock held; the caller then changes the memory and
 * calls commit (it installs: 0, or -errno only if another thread installed
 * a filter of its own in between) or abort.  _new seals a mapping about to
 * be made, whose kind the caller gives (discard: private anonymous and not
 * writable); _prot the mappings there, about to get protection prot.
 * 0 or -errno, with nothing changed and the lock free on error.
 */
struct msl_seccomp_prep;
int msl_seccomp_prepare_new(uint64_t start, uint64_t end, unsigned int classes,
			    bool discard, bool growsdown,
			    struct msl_seccomp_prep **out) MSL_HIDDEN;
int msl_seccomp_prepare_prot(uint64_t start, uint64_t end, unsigned int classes,
			     int prot,
			     struct msl_seccomp_prep **out) MSL_HIDDEN;
int msl_seccomp_commit(struct msl_seccomp_prep *prep) MSL_HIDDEN;
void msl_seccomp_abort(struct msl_seccomp_prep *prep) MSL_HIDDEN;
/*
 * Registers the backend's fork handlers, which hold its lock across
 * fork(2) (once; the first use of the lock does it too).  Code that seals
 * under a lock of its own and takes that lock in a prepare handler must
 * call this first: prepare handlers run last-registered first, and must
 * take the locks in the order a seal does.
 */
void msl_seccomp_fork_init(void) MSL_HIDDEN;
/* Tests only: called inside msl_seccomp_seal() with the backend's lock
 * held, before anything else. */
extern void (*msl_seccomp_test_hook)(void) MSL_HIDDEN;
/*
 * Compiles a batch as msl_seccomp_seal() would, installs nothing: copies
 * filter k (at most MSL_FILTER_MAX_INSNS instructions) to out and returns
 * its length; *nfilters is how many the batch needs.  0 when k is past the
 * last, or -errno.
 */
struct sock_filter;
int msl_seccomp_preview(const struct mseal_span *spans, size_t n,
			unsigned int classes, size_t k, struct sock_filter *out,
			size_t *nfilters) MSL_HIDDEN;
/*
 * When MSEAL_BACKEND or MSEAL_REFUSE holds a bad value: a sentence naming
 * the variable and its value, for error messages.  "" otherwise.
 */
const char *msl_env_error(void) MSL_HIDDEN;
/* Parses MSEAL_REFUSE's value (NULL or "" is none): 0 or -EINVAL. */
int msl_parse_refuse(const char *s, unsigned int *out) MSL_HIDDEN;
/* mseal_refuse()'s work, with what already checked: 0 or -errno. */
int msl_seccomp_refuse(unsigned int what) MSL_HIDDEN;
/* Applies MSEAL_REFUSE once, before the first seal: 0 or -errno. */
int msl_refuse_from_env(void) MSL_HIDDEN;

/* Flags of a parsed mapping (struct msl_vma.flags). */
#define MSL_VMA_READ 0x01u
#define MSL_VMA_WRITE 0x02u
#define MSL_VMA_EXEC 0x04u
#define MSL_VMA_SHARED 0x08u
#define MSL_VMA_HAS_VMFLAGS 0x10u    /* a VmFlags: line was seen */
#define MSL_VMA_SEALED 0x20u	     /* VmFlags holds "sl" */
#define MSL_VMA_PATH_TRUNCATED 0x40u /* the path did not fit */
/* VmFlags holds "ac": the kernel accounted the mapping as private and
 * writable when it was made, and keeps the mark after mprotect makes it
 * read-only, so a read-only private file mapping with it is former data
 * (ld.so's RELRO). */
#define MSL_VMA_ACCOUNTED 0x80u
#define MSL_VMA_GROWSDOWN 0x100u /* VmFlags holds "gd" (MAP_GROWSDOWN) */

#define MSL_PATH_MAX 4352

struct msl_vma {
	uintptr_t start;
	uintptr_t end;
	unsigned long long offset;
	unsigned long long inode;
	unsigned int flags;	 /* MSL_VMA_* */
	unsigned int seals;	 /* MSEAL_* from VmFlags sb sp sz sk sg */
	char path[MSL_PATH_MAX]; /* "" for anonymous memory */
};

/*
 * x86-64 lists the legacy [vsyscall] page in /proc/PID/maps, but it is no
 * mapping of the process: mseal(2) and every other call see a hole there.
 */
static inline bool msl_vma_is_real(const struct msl_vma *v)
{
	return !(v->start == 0xffffffffff600000ULL &&
		 __builtin_strcmp(v->path, "[vsyscall]") == 0);
}

/* Called once per mapping, in address order; a non-zero return stops. */
typedef int (*msl_vma_fn)(const struct msl_vma *vma, void *arg);

/*
 * A streaming parser of /proc/PID/maps and /proc/PID/smaps text.  Feed it
 * any chunks; it calls fn for each mapping once the mapping is complete.
 */
struct msl_maps_parser {
	msl_vma_fn fn;
	void *arg;
	int status; /* 0, a callback's stop value, or -EPROTO */
	bool have_vma;
	bool line_overflow;
	size_t line_len;
	struct msl_vma vma;
	char line[MSL_PATH_MAX + 128];
};

void msl_maps_init(struct msl_maps_parser *p, msl_vma_fn fn,
		   void *arg) MSL_HIDDEN;
/* Returns 0 to go on, a callback's non-zero value, or -EPROTO. */
int msl_maps_feed(struct msl_maps_parser *p, const char *buf,
		  size_t n) MSL_HIDDEN;
/* Flushes the last line and mapping; same return values as feed. */
int msl_maps_finish(struct msl_maps_parser *p) MSL_HIDDEN;
/*
 * Parses a whole file ("/proc/self/smaps", ...).  Returns 0, a callback's
 * non-zero value, -EPROTO, or -errno from open/read.  Allocates nothing:
 * it needs about 13 KiB of stack.
 */
int msl_maps_read(const char *path, msl_vma_fn fn, void *arg) MSL_HIDDEN;
/* The same with the caller's parser and read buffer (larger reads cost the
 * kernel fewer walks of the mapping tree). */
int msl_maps_read_with(const char *path, msl_vma_fn fn, void *arg,
		       struct msl_maps_parser *p, char *buf,
		       size_t size) MSL_HIDDEN;

#endif /* LIBMSEAL_INTERNAL_H */

/* SPDX-License-Identifier: MIT */
/*
 * The conformance suite's harness.  Each test runs in its own forked child
 * (a seal cannot be undone and is inherited by fork), once per backend
 * unless it says otherwise, with MSEAL_BACKEND set before the library is
 * first used.  A test fails by calling one of the CHECK macros, skips with
 * SKIP(reason), passes by returning.
 *
 * Time.  A test that does not end within the runner's -T (30) effective
 * seconds is killed with everything it forked (its own process group) and
 * fails as hung.  Effective seconds are wall seconds divided by how much
 * slower than its reference the machine runs right now, measured all along
 * by the runner (test/harness.c): a test gets ten times the wall time in a
 * guest under QEMU's emulation, more again on a busy host, so no test
 * needs a timeout of its own, and none may assume a speed.  A test that
 * sizes its work to the time it has may read:
 *   MSEAL_TEST_SLOWDOWN  the machine's slowdown when the test started, a
 *                        decimal >= 1.0 ("12.5": a second of work on the
 *                        reference machine takes 12.5 s here).
 * Helpers with a wall-clock timeout of their own (alarm(), timeout(1))
 * should multiply it by this.
 */
#ifndef MSEAL_TEST_HARNESS_H
#define MSEAL_TEST_HARNESS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mseal.h"

struct test_ctx {
	const char *backend; /* MSEAL_BACKEND value of this run */
	size_t page;	     /* page size */
	const char *name;    /* the test's registered name */
};

typedef void (*test_fn)(struct test_ctx *ctx);

#define T_PER_BACKEND 0x0u /* run once per backend (the default) */
#define T_ONCE 0x1u	   /* backend-independent: run once */
#define T_NATIVE_ONLY 0x2u /* observes the kernel's own seal state */

void test_register(const char *name, test_fn fn, unsigned int flags,
		   const char *why);

#define TEST_FLAGS(name, flags, why)                                   \
	static void name(struct test_ctx *ctx);                        \
	__attribute__((constructor)) static void register_##name(void) \
	{                                                              \
		test_register(#name, name, flags, why);                \
	}                                                              \
	static void name(struct test_ctx *ctx)

#define TEST(name) TEST_FLAGS(name, T_PER_BACKEND, NULL)
#define TEST_ONCE(name) TEST_FLAGS(name, T_ONCE, NULL)
/* why: the reason printed when another backend skips it. */
#define TEST_NATIVE(name, why) TEST_FLAGS(name, T_NATIVE_ONLY, why)

void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
void test_skip(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

#define FAIL(...) test_fail(__FILE__, __LINE__, __VA_ARGS__)
#define SKIP(...) test_skip(__VA_ARGS__)

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond))                                                 \
			FAIL("CHECK(%s) failed (errno %d %s)", #cond, errno, \
			     strerror(errno));                               \
	} while (0)

/* A libmseal call (returns 0 or -errno) that must succeed. */
#define CHECK_OK(expr)                                             \
	do {                                                       \
		long rc_ = (long)(expr);                           \
		if (rc_ != 0)                                      \
			FAIL("%s = %ld (%s), want 0", #expr, rc_,  \
			     rc_ < 0 ? strerror((int)-rc_) : "?"); \
	} while (0)

/* A libmseal call that must fail with -err and set errno to err. */
#define CHECK_ERR(expr, err)                                                 \
	do {                                                                 \
		long rc_;                                                    \
		errno = 0;                                                   \
		rc_ = (long)(expr);                                          \
		if (rc_ != -(long)(err) || errno != (err))                   \
			FAIL("%s = %ld errno %d (%s), want -%s", #expr, rc_, \
			     errno, strerror(errno), #err);                  \
	} while (0)

/* A raw system call (-1 and errno on failure) that must succeed. */
#define CHECK_SYS_OK(expr)                                             \
	do {                                                           \
		errno = 0;                                             \
		if ((long)(expr) == -1)                                \
			FAIL("%s failed: %s", #expr, strerror(errno)); \
	} while (0)

/* A raw system call that must fail with err. */
#define CHECK_SYS_ERR(expr, err)                                            \
	do {                                                                \
		long rc_;                                                   \
		errno = 0;                                                  \
		rc_ = (long)(expr);                                         \
		if (rc_ != -1 || errno != (err))                            \
			FAIL("%s = %ld errno %d (%s), want %s", #expr, rc_, \
			     errno, strerror(errno), #err);                 \
	} while (0)

/*
 * Helpers.  They use their own /proc reader, not libmseal's parser, so that
 * a parser bug cannot hide a seal bug.
 */

/* n pages of anonymous private memory with unmapped pages on both sides,
 * so it never merges with a neighbour. */
char *map_anon(size_t npages, int prot);
/* The same, shared anonymous (shmem). */
char *map_anon_shared(size_t npages, int prot);
/*
 * A two-page read-write MAP_GROWSDOWN mapping at the top of an unmapped
 * hole of span bytes, above a one-page PROT_NONE fence (inaccessible: no
 * stack guard gap applies to it).
 */
char *map_growsdown(size_t span);
/* n pages of a temporary file, mapped with prot and flags. */
char *map_file(size_t npages, int prot, int flags);
/* 1 if the page at addr is mapped, 0 if not. */
int page_mapped(const void *addr);
/* The sl flag of the mapping holding addr: 1, 0, or -1 if unmapped. */
int smaps_sealed(const void *addr);
/* The number of mappings that overlap [addr, addr + len). */
int maps_count(const void *addr, size_t len);
/* The protection letters ("r--p") of the mapping holding addr. */
const char *maps_perms(const void *addr, char out[5]);
/* Number of mappings with sl set, not counting ones the kernel seals
 * itself ([vdso], [vvar], [vvar_vclock], [uprobes]). */
int count_user_sealed(void);
/* Seal with libmseal and check it worked, for test set-up. */
void seal_or_fail(const char *file, int line, void *addr, size_t len,
		  unsigned int classes);
#define SEAL(addr, len) seal_or_fail(__FILE__, __LINE__, addr, len, MSEAL_ALL)
/*
 * mprotect to the same protection: true when refused with EPERM (the page is
 * sealed against it), false when it succeeds; any other error fails.
 */
bool prot_refused(const void *addr, size_t len, int prot);
/*
 * Runs this test binary again through execve, as
 * "--exec-helper MODE" with MSEAL_BACKEND=backend (unset when NULL), and
 * stores its first output line, without the newline, in out.
 */
void exec_helper_line(const char *mode, const char *backend, char *out,
		      size_t size);
/* Whether an smaps "VmFlags:" line holds the whole flag "sl". */
bool vmflags_has_sl(const char *line);
/* Reads fd to its end (at most size - 1 bytes), NUL-terminates, closes. */
void slurp(int fd, char *buf, size_t size);
/* What the mseal tool printed and how it ended. */
struct tool_run {
	int status; /* exit code, or 128 + signal */
	char out[65536];
	char err[4096];
};
/*
 * Runs the mseal tool ($MSEAL_TOOL, set by make check; skips without it)
 * with argv (argv[0] included), after setup() in the child when given.
 * stderr must stay small: stdout is read to its end first.
 */
void run_tool(struct tool_run *r, char *const argv[], void (*setup)(void));
/* Run fn in a forked child; returns its exit status or 128+signal. */
int run_in_child(void (*fn)(void *), void *arg);
/*
 * n pages of anonymous memory above every sealed range of the process
 * (native or recorded by the seccomp backend): the control for calls the
 * seccomp backend refuses below any sealed range.  Skips when there is no
 * room.
 */
char *map_above_seals(size_t npages, int prot);
/*
 * Whether this run's MSEAL_ALL seals use the kernel's mseal(2).  Tests
 * branch on it only for the differences libmseal(7) documents.
 */
bool backend_is_native(void);
/* n pages of map_anon() memory filled with c, then given prot. */
char *filled(size_t npages, int prot, char c);
/* Whether all len bytes at p are c. */
bool all_bytes(const char *p, size_t len, char c);
/* For TEST_ONCE tests: chooses the seccomp backend before the library's
 * first call; skips where the kernel has no seccomp filters. */
void use_seccomp(void);
/* Path of the test binary, for exec tests. */
const char *self_exe(void);

#endif

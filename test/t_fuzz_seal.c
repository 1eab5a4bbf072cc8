// SPDX-License-Identifier: MIT
/*
 * Adversarial seal fuzzer: seeded random sequences of every memory call an
 * attacker could aim at a seal, with arguments biased to the seals' edges,
 * and after every call the invariant
 *
 *   every sealed page keeps its mapping, its protection and, when it is
 *   protected from discard, its contents.
 *
 *   parent (the test)    picks the arena: 10 MiB around a 1 GiB boundary G
 *                        inside a free 2 GiB safe zone (away from ASan's
 *                        heap and shadow), 64 pages below 4 GiB for int
 *                        0x80, and SysV segments
 *   fuzz child           maps the regions (read-only, writable, PROT_NONE,
 *                        memfd, shared anonymous, SysV, growsdown, hugetlb
 *                        when huge pages are reserved, a file page among
 *                        pages added to the break, and unsealed
 *                        neighbours), sets up an io_uring ring (before the
 *                        seals, as an attacker would), fills the regions,
 *                        seals most of them with
 *                        mseal_ranges(MSEAL_ALL) and class subsets (BASE,
 *                        PROT, BASE|DISCARD, BASE|PROT: always seccomp),
 *                        then per call: draw (fuzz_seal_gen.c), make it,
 *                        read /proc/self/maps and check every sealed page
 *                        (mapping kind, inode, offset, protection),
 *                        checksum the discard-protected ones through
 *                        /proc/self/mem; nothing is skipped
 *   fuzz_seal            one fuzz child per backend (the harness's)
 *   fuzz_seal_diff       where mseal(2) exists: a native twin (auto: the
 *                        kernel seals MSEAL_ALL, seccomp the subsets) and a
 *                        seccomp twin make the same calls in lockstep; while
 *                        their arenas agree, a call the native twin refused
 *                        with EPERM must not succeed in the seccomp twin
 *                        (unless it changes nothing: brk, a read, a same-
 *                        length mremap), and a page under a seal or in such
 *                        a call must end as it was or as the native twin
 *                        made it.  Afterwards the seccomp twin copies the
 *                        native arena's unsealed pages, so that a refusal
 *                        that section 8 of docs/SEMANTICS.md allows does not
 *                        end the comparison (the summary says how many
 *                        calls were compared).
 *
 * Limits: a private anonymous page replaced by another with the same rights
 * looks the same in /proc/self/maps (this kernel has no anon VMA names), so
 * a writable sealed page's mapping is checked by kind and rights only; the
 * discard-protected ones are caught by their contents.  With
 * MSEAL_BACKEND=native the subsets cannot be sealed and stay unsealed.
 *
 * Environment:
 *   MSEAL_FUZZ_CALLS=N   calls per run (default 3000; 1000 for the twins)
 *   MSEAL_FUZZ_DIFF_CALLS=N  calls of the twins, when it should differ
 *   MSEAL_FUZZ_SEED=S    the seed (default 0x5ea1f00d; "random": from the
 *                        clock); a failure prints it with the call index
 *   MSEAL_FUZZ_SKIP=a,b  categories never drawn, for hunting a second bug
 *                        while a first is open: mmap munmap mprotect
 *                        pkey_mprotect mremap madvise process_madvise brk
 *                        prctl shm remap_file_pages touch io_uring i386 x32
 *                        aio hugetlb wrap tag growsdown.  Default: none.
 *   MSEAL_FUZZ_VERBOSE=1 prints every call
 * A failure prints the command that repeats it.  `make fuzz-seal
 * FUZZ_CALLS=100000` is the long run.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "abi.h"
#include "fuzz_seal.h"
#include "harness.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MFD_HUGETLB
#define MFD_HUGETLB 4
#endif
#ifndef SHM_HUGETLB
#define SHM_HUGETLB 04000
#endif

#define DEFAULT_CALLS 3000
/* The twins run in lockstep, two processes and two pipe messages a call:
 * under TCG (make check-kernels) about 60 calls/s. */
#define DEFAULT_DIFF_CALLS 1000
#define DEFAULT_SEED 0x5ea1f00dULL
#define MIB (1UL << 20)
#define GIB (1UL << 30)
#define WIN_BELOW (4 * MIB) /* the arena: [G - 4 MiB, G + 6 MiB) */
#define WIN_ABOVE (6 * MIB)
#define LOW_PAGES 64
#define MAX_SP 2048    /* sealed pages watched */
#define MAX_LINES 4096 /* maps lines in the arena */
#define NST ((WIN_BELOW + WIN_ABOVE) / 4096 + LOW_PAGES)
#define MSG 12288

/* ---- what the parent and the fuzz children share ------------------------ */

struct shared {
	uint64_t seed;
	long calls;
	unsigned int skip;
	bool verbose;
	uintptr_t g, low;
	int shmid[FZ_MAX_SHM], nshm, sealed_shmid;
	/* results */
	long done, current;		 /* calls made; the call being made */
	struct fz_call last[16];	 /* the last calls, by index % 16 */
	struct fz_call last_ok[FZ_NOPS]; /* the last that succeeded, by op */
	long last_ok_at[FZ_NOPS];
	char msg[MSG];
	char summary[1024];
	/* the differential twins: the native twin's answer to the call */
	int64_t nres;
	struct fz_call ncall; /* the call as the native twin made it */
	char npost[NST][8];
};

/* A page of the arena as /proc/self/maps shows it: "rwxp" + kind + offset
 * in pages (low 16 bits), or all '-' when unmapped. */
typedef char pstate[8];

struct line {
	uintptr_t start, end;
	char perms[5];
	char kind;
	uint64_t ino, off;
};

struct spage {
	uintptr_t a;
	int reg;
	char perms[5];
	char kind;
	uint64_t ino, off;
};

static struct shared *sh;
static struct line lines[MAX_LINES];
static int nlines;
static struct spage sp[MAX_SP];
static int nsp;
static uint64_t sums[FZ_MAX_REGIONS];
static bool replaced[FZ_MAX_REGIONS]; /* a PROT-only seal's mapping left */
static uintptr_t gd_start[FZ_MAX_REGIONS];
static int memfd_prot = -1, mem_fd = -1;
static char mapsbuf[1 << 20];
static unsigned char membuf[64 * 4096];
static const char *backend_name = "";
static char repeat_args[128]; /* the runner's arguments that repeat a run */

/* ---- reading /proc/self/maps ---------------------------------------------- */

static char kind_of(uint64_t ino, const char *name)
{
	if (!ino)
		return 'a';
	if (!strncmp(name, "/dev/zero", 9))
		return 'z';
	if (!strncmp(name, "/memfd:fuzzhuge", 15) ||
	    !strncmp(name, "/anon_hugepage", 14))
		return 'h';
	if (!strncmp(name, "/memfd:fuzzprot", 15))
		return 'p';
	if (!strncmp(name, "/memfd:fuzz", 11))
		return 'm';
	if (!strncmp(name, "/SYSV", 5))
		return 's';
	return 'f';
}

static bool in_arena(uintptr_t s, uintptr_t e)
{
	return (s < fz.win_hi && e > fz.win_lo) ||
	       (fz.low && s < fz.low_hi && e > fz.low) ||
	       (fz.heap && s < fz.heap_end && e > fz.heap);
}

/* All of it, with read(2): no stdio, no malloc (brk may be anywhere). */
static bool read_maps(void)
{
	size_t n = 0;
	ssize_t r;
	char *p;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	while ((r = read(fd, mapsbuf + n, sizeof(mapsbuf) - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	mapsbuf[n] = '\0';
	nlines = 0;
	for (p = mapsbuf; *p && nlines < MAX_LINES;) {
		char *nl = strchr(p, '\n'), *q;
		struct line *l = &lines[nlines];

		if (nl)
			*nl = '\0';
		l->start = strtoul(p, &q, 16);
		l->end = strtoul(q + 1, &q, 16);
		if (in_arena(l->start, l->end)) {
			memcpy(l->perms, q + 1, 4);
			l->perms[4] = '\0';
			l->off = strtoull(q + 6, &q, 16);
			q = strchr(q + 1, ' '); /* dev */
			l->ino = q ? strtoull(q + 1, &q, 10) : 0;
			while (q && *q == ' ')
				q++;
			l->kind = kind_of(l->ino, q ? q : "");
			nlines++;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return true;
}

static const struct line *line_at(uintptr_t a)
{
	int lo = 0, hi = nlines;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (lines[mid].end <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nlines && lines[lo].start <= a ? &lines[lo] : NULL;
}

static uint64_t page_off(const struct line *l, uintptr_t a)
{
	return l->ino ? l->off / fz.pg + (a - l->start) / fz.pg : 0;
}

static void arena_state(pstate *st)
{
	size_t n = 0;

	for (int part = 0; part < 2; part++) {
		uintptr_t lo = part ? fz.low : fz.win_lo;
		uintptr_t hi = part ? fz.low_hi : fz.win_hi;

		for (uintptr_t a = lo; lo && a < hi && n < NST; a += fz.pg) {
			const struct line *l = line_at(a);
			char *s = st[n++];

			if (!l) {
				memcpy(s, "-------", 8);
				continue;
			}
			memcpy(s, l->perms, 4);
			s[4] = l->kind;
			s[5] = (char)(page_off(l, a) & 0xff);
			s[6] = (char)((page_off(l, a) >> 8) & 0xff);
			s[7] = 0;
			/* SysV: which segment, by its id (the inode). */
			for (int k = 0; l->kind == 's' && k < sh->nshm; k++)
				if ((uint64_t)sh->shmid[k] == l->ino)
					s[7] = (char)(k + 1);
		}
	}
}

static uintptr_t state_addr(size_t i)
{
	size_t win = (fz.win_hi - fz.win_lo) / fz.pg;

	return i < win ? fz.win_lo + i * fz.pg : fz.low + (i - win) * fz.pg;
}

/* ---- contents ------------------------------------------------------------ */

static uint64_t hash_bytes(uint64_t h, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/*
 * The region's contents through /proc/self/mem, which reads PROT_NONE pages
 * too and never faults; a hugetlb region by its first and last page (a
 * discard drops whole huge pages).  false when a page cannot be read.
 */
static bool region_sum(const struct fz_region *r, uint64_t *sum)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	uintptr_t parts[2][2] = { { r->seal, r->seal_end }, { 0, 0 } };

	if (r->huge) {
		parts[0][1] = r->seal + fz.pg;
		parts[1][0] = r->seal_end - fz.pg;
		parts[1][1] = r->seal_end;
	}
	for (int k = 0; k < 2 && parts[k][1]; k++) {
		size_t len = parts[k][1] - parts[k][0];

		if (len > sizeof(membuf) ||
		    pread(mem_fd, membuf, len, (off_t)parts[k][0]) !=
			    (ssize_t)len)
			return false;
		h = hash_bytes(h, membuf, len);
	}
	*sum = h;
	return true;
}

/* ---- the invariant --------------------------------------------------------- */

static bool fmt(char *why, size_t size, const char *f, ...)
	__attribute__((format(printf, 3, 4)));

static bool fmt(char *why, size_t size, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(why, size, f, ap);
	va_end(ap);
	return false;
}

static void add_spage(uintptr_t a, int reg, const struct line *l)
{
	if (nsp == MAX_SP)
		FAIL("more than %d sealed pages", MAX_SP);
	sp[nsp].a = a;
	sp[nsp].reg = reg;
	memcpy(sp[nsp].perms, l->perms, 5);
	sp[nsp].kind = l->kind;
	sp[nsp].ino = l->ino;
	sp[nsp].off = page_off(l, a);
	nsp++;
}

/*
 * The kernel grows a sealed growsdown mapping by faults, and the pages it
 * grows into are sealed with it: after a touch that moved the mapping's
 * start down, they join the watched pages.  Only a touch: a mapping the
 * fuzzer placed below may merge with it under a filter, and those pages
 * are not sealed.
 */
static void follow_growth(bool touched)
{
	for (int i = 0; i < fz.nreg; i++) {
		const struct fz_region *r = &fz.reg[i];
		const struct line *l;

		if (!r->growsdown || !r->seal)
			continue;
		l = line_at(gd_start[i]);
		if (!l)
			continue;
		if (touched && l->start < gd_start[i]) {
			for (uintptr_t a = l->start; a < gd_start[i];
			     a += fz.pg)
				add_spage(a, i, l);
			gd_start[i] = l->start;
		}
	}
}

static bool check_invariant(char *why, size_t size)
{
	for (int i = 0; i < nsp; i++) {
		const struct spage *s = &sp[i];
		const struct fz_region *r = &fz.reg[s->reg];
		const struct line *l = line_at(s->a);
		bool same;

		if (replaced[s->reg])
			continue;
		if (!l) {
			if (!(r->classes & MSEAL_BASE)) {
				replaced[s->reg] = true;
				continue;
			}
			return fmt(why, size,
				   "sealed page %#lx (%s) is no longer mapped",
				   (unsigned long)s->a, r->name);
		}
		same = l->kind == s->kind && l->ino == s->ino &&
		       page_off(l, s->a) == s->off;
		if (!same && (r->classes & MSEAL_BASE))
			return fmt(why, size,
				   "sealed page %#lx (%s) was replaced: kind "
				   "%c inode %" PRIu64 " page %" PRIu64
				   ", was %c %" PRIu64 " %" PRIu64,
				   (unsigned long)s->a, r->name, l->kind,
				   l->ino, page_off(l, s->a), s->kind, s->ino,
				   s->off);
		if (!same) {
			/* PROT without BASE: the mapping may go. */
			replaced[s->reg] = true;
			continue;
		}
		if ((r->classes & MSEAL_PROT) && strcmp(l->perms, s->perms))
			return fmt(why, size,
				   "sealed page %#lx (%s) is %s, was %s",
				   (unsigned long)s->a, r->name, l->perms,
				   s->perms);
	}
	for (int i = 0; i < fz.nreg; i++) {
		const struct fz_region *r = &fz.reg[i];
		uint64_t sum;

		if (!r->content || !sums[i])
			continue;
		if (!region_sum(r, &sum))
			return fmt(why, size,
				   "sealed contents of %s at %#lx cannot be "
				   "read any more",
				   r->name, (unsigned long)r->seal);
		if (sum != sums[i])
			return fmt(why, size,
				   "sealed contents of %s at %#lx changed",
				   r->name, (unsigned long)r->seal);
	}
	return true;
}

/* ---- setting up the arena --------------------------------------------------- */

static void fill(char *p, size_t len, unsigned int salt)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (char)(0x21 + (i * 7 + salt * 13 + i / 4096) % 90);
}

static char *at(long pages)
{
	return (char *)(fz.g + (uintptr_t)(pages * (long)fz.pg));
}

static char *fixed(void *addr, size_t len, int prot, int flags, int fd,
		   off_t off)
{
	char *p = mmap(addr, len, prot,
		       flags & MAP_FIXED ? flags : flags | MAP_FIXED_NOREPLACE,
		       fd, off);

	if (p != addr)
		FAIL("mmap at %p: %s", addr, strerror(errno));
	return p;
}

enum { R_CONTENT = 1, R_GD = 2, R_HUGE = 4 };

/*
 * A region: mapped (when map is set) and filled while writable, then given
 * its protection; sealing comes later, all at once.
 */
static struct fz_region *region(const char *name, char *addr, size_t len,
				int prot, int flags, int fd, off_t off,
				long seal_from, long seal_pages,
				unsigned int classes, unsigned int opts)
{
	struct fz_region *r = &fz.reg[fz.nreg++];
	size_t pg = fz.pg;

	if (flags) {
		fixed(addr, len, PROT_READ | PROT_WRITE, flags, fd, off);
		if (!(flags & MAP_SHARED) || fd < 0)
			fill(addr, len, (unsigned int)fz.nreg);
		if (mprotect(addr, len, prot))
			FAIL("mprotect %s: %s", name, strerror(errno));
	}
	*r = (struct fz_region){ name,
				 (uintptr_t)addr,
				 (uintptr_t)addr + len,
				 0,
				 0,
				 classes,
				 !!(opts & R_CONTENT),
				 !!(opts & R_GD),
				 !!(opts & R_HUGE),
				 false };
	if (seal_pages) {
		r->seal = (uintptr_t)addr + (uintptr_t)seal_from * pg;
		r->seal_end = r->seal + (uintptr_t)seal_pages * pg;
	}
	return r;
}

static int memfd(const char *name, unsigned int flags, off_t size)
{
	int fd = memfd_create(name, flags);

	if (fd >= 0 && ftruncate(fd, size)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void setup(void)
{
	const int PA = MAP_PRIVATE | MAP_ANONYMOUS, RO = PROT_READ;
	const int RW = PROT_READ | PROT_WRITE;
	struct mseal_span all[FZ_MAX_REGIONS];
	struct mseal_features feat;
	size_t pg = fz.pg, nall = 0;
	bool by_seccomp = false;
	char *p;
	int rc;

	fz.memfd = memfd("fuzz", 0, (off_t)(1024 * pg));
	fz.hugefd = memfd("fuzzhuge", MFD_HUGETLB, (off_t)(4 * MIB));
	memfd_prot = memfd("fuzzprot", 0, (off_t)(16 * pg));
	fz.tmpfd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fz.tmpfd >= 0 && ftruncate(fz.tmpfd, (off_t)(64 * pg)))
		fz.tmpfd = -1;
	fz.zerofd = open("/dev/zero", O_RDWR | O_CLOEXEC);
	fz.pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	mem_fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	if (fz.memfd < 0 || memfd_prot < 0 || mem_fd < 0)
		FAIL("memfd or /proc/self/mem: %s", strerror(errno));
	fz.pkey = (int)syscall(SYS_pkey_alloc, 0, 0);
	fz.have_i386 = fz_i386_works();
	/* Before the seals, so that it holds nothing back: the ring is the
	 * one an attacker set up early (or was passed). */
	fz_uring_setup();

	region("ro_anon", at(-8), 16 * pg, RO, PA, -1, 0, 4, 8, MSEAL_ALL,
	       R_CONTENT);
	region("rw_anon", at(16), 16 * pg, RW, PA, -1, 0, 4, 8, MSEAL_ALL, 0);
	region("none", at(40), 4 * pg, PROT_NONE, PA, -1, 0, 0, 4, MSEAL_ALL,
	       R_CONTENT);
	region("file_ro", at(48), 8 * pg, RO, MAP_PRIVATE, fz.memfd, 0, 0, 8,
	       MSEAL_ALL, 0);
	region("shm_anon_ro", at(60), 4 * pg, RO, MAP_SHARED | MAP_ANONYMOUS,
	       -1, 0, 0, 4, MSEAL_ALL, 0);
	p = shmat(sh->sealed_shmid, at(72), SHM_RDONLY);
	if (p != at(72))
		FAIL("shmat at %p: %s", (void *)at(72), strerror(errno));
	region("sysv_ro", p, 4 * pg, RO, 0, -1, 0, 0, 4, MSEAL_ALL, 0);
	region("base", at(80), 4 * pg, RO, PA, -1, 0, 0, 4, MSEAL_BASE, 0);
	region("prot", at(88), 4 * pg, RO, MAP_SHARED, memfd_prot, 0, 0, 4,
	       MSEAL_PROT, 0);
	region("base_discard", at(96), 4 * pg, RO, PA, -1, 0, 0, 4,
	       MSEAL_BASE | MSEAL_DISCARD, R_CONTENT);
	region("base_prot", at(104), 4 * pg, RO, PA, -1, 0, 0, 4,
	       MSEAL_BASE | MSEAL_PROT, 0);
	region("play_anon", at(120), 40 * pg, RW, PA, -1, 0, 0, 0, 0, 0);
	region("file_shared", at(200), 8 * pg, RW, MAP_SHARED, fz.memfd,
	       (off_t)(16 * pg), 0, 8, MSEAL_ALL, 0);
	region("play_file", at(300), 40 * pg, RW, MAP_SHARED, fz.memfd,
	       (off_t)(64 * pg), 0, 0, 0, 0);
	region("play_ro", at(400), 20 * pg, RO, PA, -1, 0, 0, 0, 0, 0);
	region("ro_2m", at(510), 4 * pg, RO, PA, -1, 0, 0, 4, MSEAL_ALL,
	       R_CONTENT);
	region("growsdown", at(-576), 4 * pg, RW, PA | MAP_GROWSDOWN, -1, 0, 0,
	       4, MSEAL_ALL, R_GD);
	p = mmap(at(1024), 2 * MIB, RW, PA | MAP_HUGETLB | MAP_FIXED_NOREPLACE,
		 -1, 0);
	if (p == at(1024)) {
		munmap(p, 2 * MIB);
		/* Not protected from discard: a hugetlb mapping is not
		 * vma_is_anonymous() (the kernel's seal lets MADV_DONTNEED
		 * drop it, seen on 6.1 and 6.12 with huge pages reserved). */
		region("hugetlb", at(1024), 2 * MIB, RO,
		       PA | MAP_HUGETLB | (21 << MAP_HUGE_SHIFT), -1, 0, 0,
		       (long)(2 * MIB / pg), MSEAL_ALL, R_HUGE);
	} else if (p != MAP_FAILED) {
		munmap(p, 2 * MIB);
	}
	/* A sealed file page among pages added to the break: brk shrinks
	 * unmap whatever lies in [new break, old break). */
	p = sbrk((intptr_t)(16 * pg));
	if (p != (void *)-1 && !((uintptr_t)p & (pg - 1))) {
		fz.heap = (uintptr_t)p;
		fz.heap_end = fz.heap + 16 * pg;
		region("heap_file", p + 8 * pg, 4 * pg, RO,
		       MAP_PRIVATE | MAP_FIXED, fz.memfd, (off_t)(128 * pg), 0,
		       4, MSEAL_ALL, 0)
			->quiet = true;
	}
	if (fz.low)
		region("low_ro", (char *)fz.low + 8 * pg, 16 * pg, RO, PA, -1,
		       0, 4, 8, MSEAL_ALL, R_CONTENT);

	/* The MSEAL_ALL seals as one batch (one filter), the subsets one by
	 * one. */
	for (int i = 0; i < fz.nreg; i++) {
		struct fz_region *r = &fz.reg[i];

		if (r->seal && r->classes == MSEAL_ALL)
			all[nall++] =
				(struct mseal_span){ (void *)r->seal,
						     r->seal_end - r->seal };
	}
	rc = mseal_ranges(all, nall, MSEAL_ALL);
	if (rc)
		FAIL("mseal_ranges: %s", strerror(-rc));
	for (int i = 0; i < fz.nreg; i++) {
		struct fz_region *r = &fz.reg[i];

		if (r->seal && r->classes != MSEAL_ALL) {
			rc = mseal_range((void *)r->seal, r->seal_end - r->seal,
					 r->classes);
			if (rc == -EOPNOTSUPP) {
				/* MSEAL_BACKEND=native cannot seal a subset:
				 * the region stays, unsealed. */
				r->seal = r->seal_end = 0;
				r->classes = 0;
				continue;
			}
			if (rc)
				FAIL("mseal_range %s: %s", r->name,
				     strerror(-rc));
			by_seccomp = true;
		}
	}
	/*
	 * io_uring's requests travel through shared memory, past any filter:
	 * the seccomp backend covers them only with the refusal in force
	 * (mseal_refuse(3), libmseal(7)), which also stops the ring made
	 * before the seals.  Without it this is the documented gap, not a
	 * finding, so every run with a seccomp seal refuses io_uring, as a
	 * user relying on the seccomp backend must.
	 */
	if (mseal_probe(&feat) == 0 && feat.backend == MSEAL_BACKEND_SECCOMP)
		by_seccomp = true;
	if (by_seccomp && fz.ring_fd >= 0) {
		rc = mseal_refuse(MSEAL_REFUSE_IO_URING);
		if (rc)
			FAIL("mseal_refuse(MSEAL_REFUSE_IO_URING): %s",
			     strerror(-rc));
	}

	if (!read_maps())
		FAIL("/proc/self/maps: %s", strerror(errno));
	for (int i = 0; i < fz.nreg; i++) {
		struct fz_region *r = &fz.reg[i];

		for (uintptr_t a = r->seal; a < r->seal_end; a += pg) {
			const struct line *l = line_at(a);

			if (!l)
				FAIL("%s at %#lx is not mapped", r->name,
				     (unsigned long)a);
			add_spage(a, i, l);
		}
		gd_start[i] = r->seal;
		/* A kernel that hides PROT_NONE pages from /proc/self/mem
		 * leaves that region without a content check: said below. */
		if (r->content && !region_sum(r, &sums[i]))
			sums[i] = 0;
	}
}

/* ---- one run ---------------------------------------------------------------- */

static void report(long i, const struct fz_call *c, const char *why)
{
	char call[512];
	size_t n;
	int k;

	fz_format(c, call, sizeof(call));
	n = (size_t)snprintf(
		sh->msg, MSG,
		"%s: seed %#" PRIx64 ", call %ld: %s\n"
		"    %s\n"
		"  repeat: MSEAL_FUZZ_SEED=%#" PRIx64
		" MSEAL_FUZZ_CALLS=%ld%s%s build/test/"
		"mseal-tests %s\n"
		"  calls before it:\n",
		backend_name, sh->seed, i, why, call, sh->seed, i + 1,
		getenv("MSEAL_FUZZ_SKIP") ? " MSEAL_FUZZ_SKIP=" : "",
		getenv("MSEAL_FUZZ_SKIP") ? getenv("MSEAL_FUZZ_SKIP") : "",
		repeat_args);
	for (long j = i - 12 > 0 ? i - 12 : 0; j < i && n < MSG; j++) {
		fz_format(&sh->last[j % 16], call, sizeof(call));
		n += (size_t)snprintf(sh->msg + n, MSG - n, "    %ld: %s\n", j,
				      call);
	}
	n += (size_t)snprintf(sh->msg + n, MSG - n,
			      "  the last call of each kind that succeeded:\n");
	for (k = 0; k < FZ_NOPS && n < MSG; k++)
		if (sh->last_ok_at[k] && sh->last_ok_at[k] < i) {
			fz_format(&sh->last_ok[k], call, sizeof(call));
			n += (size_t)snprintf(sh->msg + n, MSG - n,
					      "    %ld: %s\n",
					      sh->last_ok_at[k], call);
		}
	for (k = 0; k < fz.nreg && n < MSG; k++)
		if (fz.reg[k].seal)
			n += (size_t)snprintf(
				sh->msg + n, MSG - n,
				"  sealed %-12s %#lx-%#lx classes %#x\n",
				fz.reg[k].name, (unsigned long)fz.reg[k].seal,
				(unsigned long)fz.reg[k].seal_end,
				fz.reg[k].classes);
	for (k = 0; k < nlines && n < MSG - 200; k++)
		n += (size_t)snprintf(sh->msg + n, MSG - n,
				      "  maps %#lx-%#lx %s %c ino %" PRIu64
				      " off %#" PRIx64 "\n",
				      (unsigned long)lines[k].start,
				      (unsigned long)lines[k].end,
				      lines[k].perms, lines[k].kind,
				      lines[k].ino, lines[k].off);
}

/* A watched page, unless its PROT-only seal's mapping has gone. */
static bool sealed_page(uintptr_t a)
{
	for (int k = 0; k < nsp; k++)
		if (sp[k].a == a)
			return !replaced[sp[k].reg];
	return false;
}

/* Makes the native twin's page i of the arena here, when this run can. */
static void copy_page(size_t i, const char *have, const char *want)
{
	uintptr_t a = state_addr(i);
	int prot = 0, flags = MAP_FIXED;
	off_t off =
		(off_t)(((unsigned char)want[5] | (unsigned char)want[6] << 8) *
			fz.pg);

	if (sealed_page(a))
		return; /* never touched */
	if (want[4] == '-') {
		munmap((void *)a, fz.pg);
		return;
	}
	prot |= want[0] == 'r' ? PROT_READ : 0;
	prot |= want[1] == 'w' ? PROT_WRITE : 0;
	prot |= want[2] == 'x' ? PROT_EXEC : 0;
	/* The same page with other rights: mprotect, unless the object
	 * forbids them (a SysV segment attached read-only). */
	if (!memcmp(have + 3, want + 3, 5) && !mprotect((void *)a, fz.pg, prot))
		return;
	flags |= want[3] == 's' ? MAP_SHARED : MAP_PRIVATE;
	switch (want[4]) {
	case 'a':
		mmap((void *)a, fz.pg, prot, flags | MAP_ANONYMOUS, -1, 0);
		break;
	case 'z':
		if (want[3] == 's')
			mmap((void *)a, fz.pg, prot, flags | MAP_ANONYMOUS, -1,
			     0);
		else
			mmap((void *)a, fz.pg, prot, flags, fz.zerofd, off);
		break;
	case 'm':
		mmap((void *)a, fz.pg, prot, flags, fz.memfd, off);
		break;
	case 'f':
		mmap((void *)a, fz.pg, prot, flags, fz.tmpfd, off);
		break;
	case 's': {
		/* A whole segment goes where its page lies, in a place made
		 * free page by page (shmat with SHM_REMAP is refused below a
		 * seal); the next copy trims what the native twin lacks. */
		struct shmid_ds ds;
		int id = want[7] > 0 && want[7] <= sh->nshm ?
				 sh->shmid[want[7] - 1] :
				 -1;
		uintptr_t base = a - (uintptr_t)off;

		if (id < 0 || shmctl(id, IPC_STAT, &ds))
			break;
		for (uintptr_t p = base; p < base + ds.shm_segsz; p += fz.pg)
			munmap((void *)p, fz.pg);
		if (shmat(id, (void *)base,
			  want[0] == 'r' && want[1] != 'w' ? SHM_RDONLY : 0) !=
		    MAP_FAILED)
			mprotect((void *)a, fz.pg, prot);
		break;
	}
	}
}

/*
 * Calls whose success changes nothing, so that the seccomp twin may make
 * them where the kernel's seal refuses: brk answers with the break, a read
 * is no change, and an mremap to the same length without flags leaves the
 * mapping where it is (the kernel checks the seal first, a filter lets
 * it through).  The page comparison still sees any change they make.
 */
static bool no_op(const struct fz_call *c)
{
	uint64_t pgm = fz.pg - 1;

	if (c->op == FZ_BRK || c->op == FZ_TOUCH)
		return true;
	return c->op == FZ_MREMAP && c->a[3] == 0 &&
	       (uint64_t)c->res == c->a[0] &&
	       ((c->a[1] + pgm) & ~pgm) == ((c->a[2] + pgm) & ~pgm);
}

/* The twins' arenas agree, but for the pages set aside. */
static bool same_arena(pstate *a, pstate *b, const bool *aside)
{
	for (size_t k = 0; k < NST; k++)
		if (!aside[k] && memcmp(a[k], b[k], 8))
			return false;
	return true;
}

enum twin { SOLO, NATIVE_TWIN, SECCOMP_TWIN };

struct counts {
	long ok, eperm, compared, out_of_sync, copied, aside;
	long per_op[FZ_NOPS];
};

static void fuzz_run(enum twin twin, int rd, int wr)
{
	static pstate pre[NST], post[NST], npre[NST];
	static bool aside[NST];
	long naside = 0;
	char why[512];
	struct counts n = { 0 };
	struct timespec t0, t1;
	double secs;

	setup();
	fz_seed(sh->seed);
	arena_state(pre);
	memcpy(npre, pre, sizeof(pre));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < sh->calls; i++) {
		struct fz_call c;
		char b;

		fz_gen(&c);
		sh->last[i % 16] = c;
		sh->current = i;
		fz_exec(&c);
		sh->last[i % 16] = c;
		if (c.res >= 0) {
			sh->last_ok[c.op] = c;
			sh->last_ok_at[c.op] = i;
		}
		sh->done = i + 1;
		n.per_op[c.op]++;
		n.ok += c.res >= 0;
		n.eperm += c.res == -EPERM;
		if (sh->verbose) {
			char call[512];

			fz_format(&c, call, sizeof(call));
			fprintf(stderr, "%s %ld: %s\n", backend_name, i, call);
		}
		if (!read_maps()) {
			report(i, &c, "/proc/self/maps cannot be read");
			_exit(1);
		}
		follow_growth(c.op == FZ_TOUCH && c.res == 0);
		if (!check_invariant(why, sizeof(why))) {
			report(i, &c, why);
			_exit(1);
		}
		if (twin == SOLO)
			continue;
		arena_state(post);
		if (twin == NATIVE_TWIN) {
			sh->nres = c.res;
			sh->ncall = c;
			memcpy(sh->npost, post, sizeof(post));
			if (write(wr, "n", 1) != 1 || read(rd, &b, 1) != 1)
				_exit(0); /* the other twin failed */
			continue;
		}
		/* The seccomp twin: the native twin's answer to this call. */
		if (read(rd, &b, 1) != 1)
			_exit(0);
		/* The AIO calls take the ring's address from earlier
		 * results: the twins may make different calls. */
		if (same_arena(pre, npre, aside) &&
		    !memcmp(c.a, sh->ncall.a, sizeof(c.a))) {
			n.compared++;
			n.aside += naside;
			if (sh->nres == -EPERM && c.res >= 0 && !no_op(&c)) {
				report(i, &c,
				       "the native twin refused this call "
				       "with EPERM, the seccomp twin made it");
				_exit(1);
			}
			/*
			 * A page the seccomp twin changed otherwise than the
			 * native twin: under a seal, or in a call the native
			 * twin refused with the seal's EPERM.  Elsewhere the
			 * twins may differ in what maps cannot show (a copied
			 * page's maximum rights, where a kernel seal split a
			 * mapping), which is not the seal's business.  A
			 * read that grows a stack in one twin only grew it
			 * where the other twin had a neighbour set aside.
			 */
			for (size_t k = 0; k < NST; k++)
				if (!aside[k] && c.op != FZ_TOUCH &&
				    memcmp(post[k], pre[k], 8) &&
				    memcmp(post[k], sh->npost[k], 8) &&
				    (sh->nres == -EPERM ||
				     sealed_page(state_addr(k)))) {
					snprintf(why, sizeof(why),
						 "the seccomp twin made page "
						 "%#lx %.5s, the native twin "
						 "%.5s (before: %.5s)",
						 (unsigned long)state_addr(k),
						 post[k], sh->npost[k], pre[k]);
					report(i, &c, why);
					_exit(1);
				}
		} else {
			n.out_of_sync++;
			if (sh->verbose)
				for (size_t k = 0; k < NST; k++)
					if (!aside[k] &&
					    memcmp(pre[k], npre[k], 8)) {
						fprintf(stderr,
							"out of step at %#lx: "
							"%.5s native %.5s\n",
							(unsigned long)
								state_addr(k),
							pre[k], npre[k]);
						break;
					}
		}
		memcpy(npre, sh->npost, sizeof(npre));
		if (memcmp(post, npre, sizeof(post))) {
			/* A refusal the native twin did not make: take over
			 * its arena where it is not sealed. */
			n.copied++;
			for (size_t k = 0; k < NST; k++)
				if (memcmp(post[k], npre[k], 8))
					copy_page(k, post[k], npre[k]);
			read_maps();
			arena_state(post);
		}
		/* Pages this twin cannot copy (refused by a filter that
		 * guards more than the kernel's seal, a SysV segment that
		 * does not fit) are set aside until the twins agree on them
		 * again, so that they do not stop the comparison of the
		 * rest; the summary counts them. */
		naside = 0;
		for (size_t k = 0; k < NST; k++) {
			aside[k] = memcmp(post[k], npre[k], 8) != 0;
			naside += aside[k];
		}
		memcpy(pre, post, sizeof(pre));
		if (write(wr, "s", 1) != 1)
			_exit(0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (twin == NATIVE_TWIN)
		_exit(0); /* the seccomp twin writes the summary */
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	snprintf(sh->summary, sizeof(sh->summary),
		 "%s: seed %#" PRIx64 ", %ld calls (%ld succeeded, %ld EPERM), "
		 "%d sealed pages checked after each, %.0f calls/s%s%s%s%s",
		 backend_name, sh->seed, sh->calls, n.ok, n.eperm, nsp,
		 secs > 0 ? (double)sh->calls / secs : 0.0,
		 fz.ring_fd < 0 ? "; no io_uring" : "",
		 fz.have_i386 ? "" : "; no int 0x80",
		 fz.hugefd < 0 ? "; no hugetlb memfd" : "",
		 twin == SECCOMP_TWIN ? "" : "");
	if (twin == SECCOMP_TWIN) {
		size_t l = strlen(sh->summary);

		snprintf(sh->summary + l, sizeof(sh->summary) - l,
			 "; compared with the native twin: %ld calls (%ld "
			 "page-calls set aside), %ld out of step, arena "
			 "copied %ld times",
			 n.compared, n.aside, n.out_of_sync, n.copied);
	}
	for (int i = 0; i < fz.nreg; i++)
		if (fz.reg[i].content && !sums[i]) {
			size_t l = strlen(sh->summary);

			snprintf(sh->summary + l, sizeof(sh->summary) - l,
				 "; %s: contents unreadable, not checked",
				 fz.reg[i].name);
		}
	_exit(0);
}

/* ---- the parent --------------------------------------------------------------- */

static const uintptr_t g_candidates[] = { 0x500040000000UL, 0x3f0040000000UL,
					  0x280040000000UL, 0x200040000000UL };
static const uintptr_t low_candidates[] = { 0x30000000UL, 0x38000000UL,
					    0x28000000UL, 0x20000000UL };

/* Whether [lo, hi) holds no mapping of this process. */
static bool free_range(uintptr_t lo, uintptr_t hi)
{
	if (!read_maps())
		return false;
	for (const char *p = mapsbuf; *p;) {
		char *q;
		uintptr_t s = strtoul(p, &q, 16), e = strtoul(q + 1, &q, 16);
		const char *nl = strchr(p, '\n');

		if (s < hi && e > lo)
			return false;
		if (!nl)
			break;
		p = nl + 1;
	}
	return true;
}

static void prepare(long default_calls)
{
	const char *env;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char bad[64];

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED);
	memset(sh, 0, sizeof(*sh));
	env = getenv("MSEAL_FUZZ_SEED");
	if (env && !strcmp(env, "random")) {
		struct timespec t;

		clock_gettime(CLOCK_REALTIME, &t);
		sh->seed = (uint64_t)t.tv_nsec ^ ((uint64_t)t.tv_sec << 20);
		printf("      MSEAL_FUZZ_SEED=%#" PRIx64 "\n", sh->seed);
	} else {
		sh->seed = env ? strtoull(env, NULL, 0) : DEFAULT_SEED;
	}
	env = default_calls == DEFAULT_DIFF_CALLS ?
		      getenv("MSEAL_FUZZ_DIFF_CALLS") :
		      NULL;
	if (!env)
		env = getenv("MSEAL_FUZZ_CALLS");
	sh->calls = env ? strtol(env, NULL, 0) : default_calls;
	if (sh->calls <= 0)
		FAIL("MSEAL_FUZZ_CALLS=%s: want a positive number", env);
	env = getenv("MSEAL_FUZZ_SKIP");
	if (env && fz_parse_skip(env, &sh->skip, bad, sizeof(bad)))
		FAIL("MSEAL_FUZZ_SKIP: unknown category '%s'", bad);
	sh->verbose = getenv("MSEAL_FUZZ_VERBOSE") != NULL;

	memset(&fz, 0, sizeof(fz));
	fz.pg = pg;
	fz.skip = sh->skip;
	for (size_t k = 0; k < sizeof(g_candidates) / sizeof(*g_candidates);
	     k++)
		if (free_range(g_candidates[k] - GIB,
			       g_candidates[k] + GIB + 64 * MIB)) {
			fz.g = g_candidates[k];
			break;
		}
	if (!fz.g)
		FAIL("no free 2 GiB for the arena");
	fz.win_lo = fz.g - WIN_BELOW;
	fz.win_hi = fz.g + WIN_ABOVE;
	fz.safe_lo = fz.g - GIB;
	fz.safe_hi = fz.g + GIB + 64 * MIB;
	for (size_t k = 0; k < sizeof(low_candidates) / sizeof(*low_candidates);
	     k++)
		if (free_range(low_candidates[k],
			       low_candidates[k] + LOW_PAGES * pg)) {
			fz.low = low_candidates[k];
			fz.low_hi = fz.low + LOW_PAGES * pg;
			break;
		}
	/* SysV segments, made here so that the parent removes them. */
	sh->sealed_shmid = shmget(IPC_PRIVATE, 4 * pg, IPC_CREAT | 0600);
	CHECK(sh->sealed_shmid >= 0);
	sh->shmid[sh->nshm++] = sh->sealed_shmid;
	sh->shmid[sh->nshm++] = shmget(IPC_PRIVATE, pg, IPC_CREAT | 0600);
	sh->shmid[sh->nshm++] = shmget(IPC_PRIVATE, 4 * pg, IPC_CREAT | 0600);
	sh->shmid[sh->nshm] =
		shmget(IPC_PRIVATE, 2 * MIB, IPC_CREAT | SHM_HUGETLB | 0600);
	if (sh->shmid[sh->nshm] >= 0 && !(sh->skip & (1u << FZ_HUGETLB)))
		sh->nshm++;
	for (int k = 0; k < sh->nshm; k++)
		fz.shmid[k] = sh->shmid[k];
	fz.nshm = sh->nshm;
}

static void cleanup(void)
{
	for (int k = 0; k < FZ_MAX_SHM; k++)
		if (sh->shmid[k] > 0)
			shmctl(sh->shmid[k], IPC_RMID, NULL);
	munmap(sh, sizeof(*sh));
}

/* The exit of a fuzz child: a failure prints what it found. */
static void judge(pid_t pid, int status, const char *who)
{
	char call[512];

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !sh->msg[0])
		return;
	if (sh->msg[0])
		FAIL("%s", sh->msg);
	if (sh->done == 0)
		FAIL("%s: the fuzz child %d died during set-up (status %#x)",
		     who, (int)pid, status);
	fz_format(&sh->last[sh->current % 16], call, sizeof(call));
	FAIL("%s: seed %#" PRIx64 ": the fuzz child %d died (status %#x) "
	     "at call %ld: %s\n  repeat: MSEAL_FUZZ_SEED=%#" PRIx64
	     " MSEAL_FUZZ_CALLS=%ld build/test/mseal-tests %s",
	     who, sh->seed, (int)pid, status, sh->current, call, sh->seed,
	     sh->current + 1, repeat_args);
}

TEST(fuzz_seal)
{
	pid_t pid;
	int status;

	prepare(DEFAULT_CALLS);
	backend_name = ctx->backend ? ctx->backend : "default";
	snprintf(repeat_args, sizeof(repeat_args), "-t fuzz_seal -b %s",
		 backend_name);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		fuzz_run(SOLO, -1, -1);
	CHECK(waitpid(pid, &status, 0) == pid);
	judge(pid, status, backend_name);
	printf("      %s\n", sh->summary);
	CHECK(sh->done == sh->calls);
	cleanup();
}

TEST_ONCE(fuzz_seal_diff)
{
	int n2s[2], s2n[2], status[2] = { 0, 0 };
	pid_t pid[2];
	struct mseal_features f;

	(void)ctx;
	if (syscall(462, NULL, 0UL, 0UL) != 0)
		SKIP("the kernel lacks mseal(2): no native twin");
	if (!seal_filter_arch_known())
		SKIP("no seccomp backend on this architecture yet: no seccomp "
		     "twin");
	prepare(DEFAULT_DIFF_CALLS);
	snprintf(repeat_args, sizeof(repeat_args), "-t fuzz_seal_diff");
	CHECK(pipe(n2s) == 0 && pipe(s2n) == 0);
	for (int t = 0; t < 2; t++) {
		pid[t] = fork();
		CHECK(pid[t] >= 0);
		if (pid[t])
			continue;
		backend_name = t ? "seccomp twin" : "native twin";
		/* auto: MSEAL_ALL native, the subsets seccomp in both twins */
		if (t)
			setenv("MSEAL_BACKEND", "seccomp", 1);
		else
			unsetenv("MSEAL_BACKEND");
		if (mseal_probe(&f) ||
		    f.backend != (t ? MSEAL_BACKEND_SECCOMP :
				      MSEAL_BACKEND_NATIVE)) {
			snprintf(sh->msg, MSG, "%s: backend %d", backend_name,
				 f.backend);
			_exit(1);
		}
		if (t)
			fuzz_run(SECCOMP_TWIN, n2s[0], s2n[1]);
		else
			fuzz_run(NATIVE_TWIN, s2n[0], n2s[1]);
	}
	close(n2s[0]);
	close(n2s[1]);
	close(s2n[0]);
	close(s2n[1]);
	for (int done = 0; done < 2; done++) {
		int st;
		pid_t w = wait(&st);

		CHECK(w == pid[0] || w == pid[1]);
		status[w == pid[1]] = st;
		if (st && done == 0)
			kill(w == pid[0] ? pid[1] : pid[0], SIGKILL);
	}
	judge(pid[1], status[1], "seccomp twin");
	judge(pid[0], status[0], "native twin");
	printf("      %s\n", sh->summary);
	CHECK(sh->done == sh->calls);
	cleanup();
}

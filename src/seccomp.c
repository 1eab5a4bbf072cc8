// SPDX-License-Identifier: MIT
/*
 * The seccomp backend: a seal is a seccomp filter that refuses the calls
 * that would change the sealed ranges.  Filters can never be removed, which
 * is what makes the seal irrevocable; they apply to every thread (TSYNC).
 *
 * One batch (mseal_ranges) becomes one filter, or several when its ranges
 * do not fit the kernel's 4096 instructions.  Before anything is installed
 * the batch is compiled whole and, when it needs more than one filter,
 * tried in a short-lived CLONE_VM child, so that running out of the
 * thread's filter budget is a clean error with nothing sealed.
 *
 * What was sealed, and with which classes, is recorded here: the kernel
 * cannot be asked, and mseal_query() answers from these records.
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter.h"
#include "internal.h"
#include "maps_query.h"
#include "record.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif

/* The kernel's budget per thread, in eBPF instructions, and per filter. */
#define BUDGET_INSNS 32768u
#define BUDGET_PER_FILTER 4u

struct record {
	uint64_t start, end;
	unsigned int classes;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;
static struct record *records;
static size_t nrecords, records_cap;
static size_t budget_used; /* our filters' eBPF lengths + 4 each */
static unsigned int nfilters_installed;
/* The thread held filters when this image installed its first. */
static bool filters_before_ours;

void (*msl_seccomp_test_hook)(void);

/*
 * fork(2) copies only the calling thread: a child forked while another
 * thread holds lock (inside a seal, a query or a refusal) would find it
 * held for ever, and its next seal would hang.  The prepare handler waits
 * for the seal to end, so the child also inherits records that match its
 * filters; nothing here forks or waits for another lock under lock, so
 * this cannot deadlock.  (fork from a signal handler that interrupted a
 * seal would: fork is not async-signal-safe once atfork handlers exist.)
 */
static void fork_prepare(void)
{
	pthread_mutex_lock(&lock);
}

static void fork_release(void)
{
	pthread_mutex_unlock(&lock);
}

static void fork_register(void)
{
	pthread_atfork(fork_prepare, fork_release, fork_release);
}

void msl_seccomp_fork_init(void)
{
	pthread_once(&fork_once, fork_register);
}

/* Takes lock; every taker goes through here. */
static void lock_take(void)
{
	msl_seccomp_fork_init();
	pthread_mutex_lock(&lock);
}

/* ---- the ranges of a batch ---------------------------------------- */

struct span64 {
	uint64_t start, end;
};

static int cmp_span(const void *a, const void *b)
{
	const struct span64 *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

struct pieces {
	const struct span64 *spans;
	size_t nspans, cur;
	struct msl_frange *r;
	size_t n, cap;
	uint64_t covered;  /* everything below is accounted for */
	uint64_t prev_end; /* end of the mapping before the current one */
	bool gd_unknown;   /* a piece's grow waits for smaps's "gd" */
	size_t gd_cur;	   /* gd_fn()'s place in r[] */
	uint64_t gd_below; /* gd_fn(): the end of the mapping before */
	int prot;	   /* the protection the pieces will have, or -1 */
	int err;
};

/* A piece whose grow holds until smaps says its mapping is not growsdown. */
#define FR_GD_CHECK 0x80000000u
/* ... and whose grow (the end of the mapping below) smaps gives too. */
#define FR_GD_BELOW 0x40000000u

/*
 * What the kernel's can_madvise_modify() protects: private anonymous
 * memory (no file, no special mapping) that is not writable.
 */
static unsigned int vma_flags(const struct msl_vma *v, int prot)
{
	bool private = !(v->flags & MSL_VMA_SHARED);
	bool writable = prot < 0 ? (v->flags & MSL_VMA_WRITE) != 0 :
				   (prot & PROT_WRITE) != 0;
	/* A private /dev/zero mapping is anonymous memory (mmap_zero()). */
	bool anon = private &&
		    ((v->inode == 0 &&
		      (v->path[0] == '\0' || strcmp(v->path, "[heap]") == 0 ||
		       strcmp(v->path, "[stack]") == 0 ||
		       strncmp(v->path, "[anon:", 6) == 0)) ||
		     strcmp(v->path, "/dev/zero") == 0);
	unsigned int f = 0;

	if (anon && !writable)
		f |= MSL_FR_DISCARD;
	if (strcmp(v->path, "[heap]") == 0)
		f |= MSL_FR_HEAP;
	if ((v->flags & MSL_VMA_SHARED) && strncmp(v->path, "/SYSV", 5) == 0)
		f |= MSL_FR_SHM;
	return f;
}

static int add_piece(struct pieces *p, uint64_t s, uint64_t e,
		     unsigned int flags, uint64_t seg)
{
	if (p->n && p->r[p->n - 1].end == s && p->r[p->n - 1].flags == flags &&
	    p->r[p->n - 1].seg == seg) {
		p->r[p->n - 1].end = e;
		return 0;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct msl_frange *r = realloc(p->r, cap * sizeof(*r));

		if (!r)
			return -EAGAIN;
		p->r = r;
		p->cap = cap;
	}
	p->r[p->n++] = (struct msl_frange){ s, e, flags, seg, 0 };
	return 0;
}

static int piece_in(const struct msl_vma *v, struct pieces *p)
{
	unsigned int f;

	while (p->cur < p->nspans) {
		const struct span64 *sp = &p->spans[p->cur];
		uint64_t s = sp->start > v->start ? sp->start : v->start;
		uint64_t e = sp->end < v->end ? sp->end : v->end;

		if (v->end <= sp->start)
			return 0; /* this mapping is below the span */
		if (s < e) {
			/* A gap between what is covered and this mapping. */
			if (s >
			    (p->covered > sp->start ? p->covered : sp->start)) {
				p->err = -ENOMEM;
				return 1;
			}
			/* A segment's mappings carry their offset in it. */
			f = vma_flags(v, p->prot);
			p->err = add_piece(
				p, s, e, f,
				(f & MSL_FR_SHM) ? v->start - v->offset : 0);
			if (p->err)
				return 1;
			p->covered = e;
		}
		if (v->end < sp->end)
			return 0; /* the span goes on in the next mapping */
		if (p->covered < sp->end) {
			p->err = -ENOMEM;
			return 1;
		}
		p->cur++;
	}
	return 1;
}

/*
 * A piece that starts a private mapping with unmapped space below it: if
 * the mapping is growsdown ([stack], MAP_GROWSDOWN), faults below it add
 * pages the kernel's seal covers, down to the mapping below (less the
 * stack guard gap): the filter guards [prev_end, start) too.  /proc/self/
 * maps does not show "gd"; smaps does, read only when needed.
 */
static bool may_grow_down(const struct msl_frange *r, const struct msl_vma *v)
{
	/* Only private anonymous memory can grow down (do_mmap()). */
	return r->start == v->start && !(v->flags & MSL_VMA_SHARED) &&
	       !v->inode &&
	       (!v->path[0] || strcmp(v->path, "[stack]") == 0 ||
		strncmp(v->path, "[anon:", 6) == 0);
}

static void grows_below(struct pieces *p, const struct msl_vma *v, size_t n0)
{
	for (size_t i = n0; i < p->n; i++) {
		struct msl_frange *r = &p->r[i];

		if (!may_grow_down(r, v) || v->start <= p->prev_end)
			continue;
		if (strcmp(v->path, "[stack]") == 0 ||
		    (v->flags & MSL_VMA_GROWSDOWN)) {
			r->grow = p->prev_end ? p->prev_end : 4096;
		} else if (!(v->flags & MSL_VMA_HAS_VMFLAGS)) {
			r->grow = p->prev_end ? p->prev_end : 4096;
			r->flags |= FR_GD_CHECK;
			p->gd_unknown = true;
		}
	}
}

static int piece_fn(const struct msl_vma *v, void *arg)
{
	struct pieces *p = arg;
	size_t n0 = p->n;
	int rc;

	if (!msl_vma_is_real(v))
		return 0;
	rc = piece_in(v, p);
	grows_below(p, v, n0);
	p->prev_end = v->end;
	return rc;
}

/*
 * smaps: drops grow from pieces whose mapping is not growsdown, and for
 * FR_GD_BELOW pieces sets it where it is.  Pieces and mappings both come
 * sorted by address: one pass, which ends with the last piece in question
 * (smaps costs the kernel a page-table walk per mapping, the bulk of a
 * seal's time with many pieces).
 */
static int gd_fn(const struct msl_vma *v, void *arg)
{
	struct pieces *p = arg;
	uint64_t below = p->gd_below;
	struct msl_frange *r;
	bool gd;

	if (!msl_vma_is_real(v))
		return 0;
	p->gd_below = v->end;
	while (p->gd_cur < p->n && (p->r[p->gd_cur].start < v->start ||
				    !(p->r[p->gd_cur].flags & FR_GD_CHECK)))
		p->gd_cur++;
	if (p->gd_cur == p->n)
		return 1;
	r = &p->r[p->gd_cur];
	if (r->start != v->start || !(v->flags & MSL_VMA_HAS_VMFLAGS))
		return 0;
	gd = (v->flags & MSL_VMA_GROWSDOWN) || strcmp(v->path, "[stack]") == 0;
	if (r->flags & FR_GD_BELOW) {
		/* As grows_below(), with the mapping below from smaps. */
		r->grow = gd && below < v->start ? (below ? below : 4096) : 0;
		r->flags &= ~(FR_GD_CHECK | FR_GD_BELOW);
		return 0;
	}
	if (gd)
		return 0;
	r->grow = 0;
	r->flags &= ~FR_GD_CHECK;
	return 0;
}

/*
 * The lowest break brk() accepts: start_brk (field 47 of /proc/self/stat),
 * or end_data (field 46) where the break is not randomized; the lower of
 * the two.  0 when they cannot be read.
 */
static uint64_t read_brk_floor(void)
{
	char buf[2048], *q;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	uint64_t end_data = 0, start_brk;
	ssize_t n;
	int field;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* Fields after the command name (which may hold ") ") start at 3. */
	q = strrchr(buf, ')');
	for (field = 2; field < 47 && q; field++) {
		q = strchr(q + 1, ' ');
		if (q && field + 1 == 46)
			end_data = strtoull(q + 1, NULL, 10);
	}
	if (!q)
		return 0;
	start_brk = strtoull(q + 1, NULL, 10);
	return end_data && end_data < start_brk ? end_data : start_brk;
}

/*
 * brk's shrink unmaps every mapping in [new break, old break), not only
 * the heap's: any piece between the lowest break and brk counts as heap
 * for the brk guard.  The break cannot later grow over a mapping above it (brk
 * refuses a collision), and PR_SET_MM, which could move it, is refused
 * while BASE seals exist.  Not knowing start_brk, every piece below the
 * break counts.  Pieces at or above the break (mmap's memory, as a rule)
 * are out of its reach whatever start_brk is: /proc/self/stat, which
 * costs the kernel more than the rest of this, is read only for a piece
 * below the break.
 */
static void heap_area(struct pieces *p)
{
	uint64_t brk = (uint64_t)syscall(SYS_brk, 0);
	uint64_t sb;

	brk = (brk + 4095) & ~(uint64_t)4095;
	/* Pieces come sorted by address. */
	if (!p->n || p->r[0].start >= brk)
		return;
	sb = read_brk_floor();
	for (size_t i = 0; i < p->n; i++)
		if (p->r[i].start < brk && (!sb || p->r[i].end > sb))
			p->r[i].flags |= MSL_FR_HEAP;
}

/*
 * piece_fn() for the mappings that meet the spans, asked of the kernel one
 * at a time (PROCMAP_QUERY) through fd, an open /proc/self/maps: from the
 * first span's start, each time the mapping that holds the next address
 * the spans need, or the next mapping above it (which piece_in() finds to
 * leave a hole).  What the full read learns from the mapping before, this
 * asks only for a piece that may grow down: whether a mapping ends where
 * its own starts; if not, the end of the one below comes with "gd" from
 * smaps (FR_GD_BELOW).  0 when done (p->err set on a hole), or the
 * kernel's error when it did not answer: the caller reads the whole file.
 *
 * An ioctl costs about what the kernel takes to print 13 lines of the
 * file (1.4 us against 0.11 us a line, plus a few us per 4 KiB read, on
 * the 6.18 machine of `make bench`), so for more than QUERY_MAX_SPANS
 * spans, or past QUERY_MAX_CALLS calls (-E2BIG), the whole file is read
 * instead: a batch of many spans, or a span over many mappings.
 */
#define QUERY_MAX_SPANS 8
#define QUERY_MAX_CALLS 24

static int collect_query(int fd, struct pieces *p)
{
	struct msl_vma v;
	uint64_t pos = 0;
	unsigned int calls = 0;
	size_t n0;
	int rc, below;

	while (p->cur < p->nspans) {
		if (pos < p->spans[p->cur].start)
			pos = p->spans[p->cur].start;
		if (++calls > QUERY_MAX_CALLS)
			return -E2BIG;
		rc = msl_maps_query(fd, pos, true, &v);
		if (rc == -ENOENT)
			return 0; /* no mapping left: the span is a hole */
		if (rc)
			return rc;
		n0 = p->n;
		rc = piece_in(&v, p);
		below = -1; /* not asked yet */
		for (size_t i = n0; i < p->n; i++) {
			if (!may_grow_down(&p->r[i], &v))
				continue;
			if (below < 0) {
				struct msl_vma b;
				int q = ++calls > QUERY_MAX_CALLS ?
						-E2BIG :
						msl_maps_query(fd, v.start - 1,
							       false, &b);

				if (q && q != -ENOENT)
					return q;
				below = q == 0;
			}
			if (below)
				continue; /* a mapping ends where it starts */
			p->r[i].flags |= FR_GD_CHECK | FR_GD_BELOW;
			p->gd_unknown = true;
		}
		if (rc)
			return 0;
		pos = v.end;
	}
	return 0;
}

static void pieces_init(struct pieces *p, const struct span64 *spans, size_t n,
			int prot)
{
	memset(p, 0, sizeof(*p));
	p->spans = spans;
	p->nspans = n;
	p->prot = prot;
}

/*
 * Splits the batch into pieces with the facts the compiler needs; prot,
 * when not -1, is the protection they are about to get (mseal_mprotect).
 */
static int collect(const struct span64 *spans, size_t n, int prot,
		   struct pieces *p)
{
	static bool query_missing; /* the kernel has no PROCMAP_QUERY */
	bool query = n <= QUERY_MAX_SPANS && !msl_maps_query_off &&
		     !__atomic_load_n(&query_missing, __ATOMIC_RELAXED);
	int rc, fd;

	pieces_init(p, spans, n, prot);
	if (query) {
		fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		rc = collect_query(fd, p);
		close(fd);
		if (rc == -ENOTTY || rc == -EINVAL)
			__atomic_store_n(&query_missing, true,
					 __ATOMIC_RELAXED);
		query = rc == 0;
	}
	if (query && !p->err && p->cur == p->nspans && p->gd_unknown) {
		msl_maps_read("/proc/self/smaps", gd_fn, p);
		/* Not readable, or the mapping was gone: ask the file. */
		for (size_t i = 0; i < p->n && query; i++)
			query = !(p->r[i].flags & FR_GD_BELOW);
	}
	if (!query) {
		free(p->r);
		pieces_init(p, spans, n, prot);
		rc = msl_maps_read("/proc/self/maps", piece_fn, p);
		if (rc < 0)
			return rc == -EPROTO ? -EIO : rc;
	}
	if (p->err)
		return p->err;
	/* A span left over lies above the last mapping. */
	if (p->cur < p->nspans)
		return -ENOMEM;
	if (p->gd_unknown && !query) {
		/* Not readable: every candidate keeps its grow (safe side). */
		msl_maps_read("/proc/self/smaps", gd_fn, p);
	}
	for (size_t i = 0; i < p->n; i++)
		p->r[i].flags &= ~FR_GD_CHECK;
	heap_area(p);
	return 0;
}

/* ---- compiling ----------------------------------------------------- */

struct prog {
	struct sock_filter *insns;
	unsigned short len;
};

struct progs {
	struct prog *p;
	size_t n, cap;
};

static void progs_free(struct progs *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->p[i].insns);
	free(ps->p);
	memset(ps, 0, sizeof(*ps));
}

/* Compiles r[0..n); splits it in halves while a part does not fit. */
static int compile_split(const struct msl_frange *r, size_t n,
			 unsigned int classes, struct progs *ps)
{
	struct sock_filter *buf;
	int len;

	/* MSEAL_SEAL needs no filter: it is a record the library checks. */
	classes &= MSEAL_ALL;
	if (!classes)
		return 0;
	buf = malloc(MSL_FILTER_MAX_INSNS * sizeof(*buf));
	if (!buf)
		return -EAGAIN;
	len = msl_filter_compile(r, n, classes, buf, MSL_FILTER_MAX_INSNS);
	if (len == -E2BIG && n > 1) {
		free(buf);
		len = compile_split(r, n / 2, classes, ps);
		return len ? len :
			     compile_split(r + n / 2, n - n / 2, classes, ps);
	}
	if (len < 0) {
		free(buf);
		return len;
	}
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 4;
		struct prog *p = realloc(ps->p, cap * sizeof(*p));

		if (!p) {
			free(buf);
			return -EAGAIN;
		}
		ps->p = p;
		ps->cap = cap;
	}
	ps->p[ps->n++] = (struct prog){ buf, (unsigned short)len };
	return 0;
}

/* ---- installing ---------------------------------------------------- */

static long seccomp_install(const struct prog *p, unsigned long flags)
{
	struct sock_fprog fp = { p->len, p->insns };

	return syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fp);
}

struct trial {
	const struct progs *ps;
	const struct prog *first; /* installed before ps, or NULL */
	int err;
};

/*
 * Runs in a CLONE_VM|CLONE_VFORK child: raw system calls only.  It holds
 * the caller's filters, so installing the new ones here meets exactly the
 * budget the real installation will.
 */
static int trial_fn(void *arg)
{
	struct trial *t = arg;

	t->err = 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		t->err = errno;
		_exit(1);
	}
	if (t->first && seccomp_install(t->first, 0) != 0) {
		t->err = errno;
		_exit(1);
	}
	for (size_t i = 0; i < t->ps->n; i++) {
		if (seccomp_install(&t->ps->p[i], 0) != 0) {
			t->err = errno;
			_exit(1);
		}
	}
	_exit(0);
}

static int trial_install(const struct progs *ps, const struct prog *first)
{
	static char stack[16384] __attribute__((aligned(16)));
	struct trial t = { ps, first, EIO };
	int status;
	pid_t pid;

	pid = clone(trial_fn, stack + sizeof(stack), CLONE_VM | CLONE_VFORK,
		    &t);
	if (pid < 0)
		return -errno;
	if (waitpid(pid, &status, __WCLONE) != pid)
		return -EIO;
	if (t.err == ENOMEM)
		return -E2BIG;
	return -t.err;
}

/* Maps the kernel's answer to a seal's error. */
static int install_error(long rc, int err)
{
	if (rc > 0)
		return -EBUSY; /* TSYNC without ESRCH: the TID of a thread */
	switch (err) {
	case ESRCH:
		return -EBUSY; /* a thread has a filter we are not part of */
	case ENOMEM:
		return -E2BIG; /* the thread's filter budget */
	case EACCES:
		return -EPERM;
	default:
		return -err;
	}
}

/* The "Seccomp_filters:" count of /proc/self/task/TID/status, or -1. */
static long task_filters(const char *tid)
{
	char path[64], buf[2048], *l;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%s/status", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	l = strstr(buf, "\nSeccomp_filters:");
	return l ? strtol(l + 17, NULL, 10) : -1;
}

/*
 * Whether a thread holds a different number of filters than this one: it
 * installed its own, and TSYNC will fail.  Threads that vanish, or a
 * kernel without the line, count as no.
 */
static bool threads_have_own_filters(void)
{
	char self[24];
	struct dirent *e;
	long mine, theirs;
	bool differ = false;
	DIR *d;

	snprintf(self, sizeof(self), "%ld", (long)syscall(SYS_gettid));
	mine = task_filters(self);
	d = mine < 0 ? NULL : opendir("/proc/self/task");
	if (!d)
		return false;
	while (!differ && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, self))
			continue;
		theirs = task_filters(e->d_name);
		differ = theirs >= 0 && theirs != mine;
	}
	closedir(d);
	return differ;
}

/* Whether this process has a thread besides the caller. */
static bool other_threads(void)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir("/proc/self/task");

	if (!d)
		return true;
	while (n < 2 && (e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n > 1;
}

static int ensure_privilege(void)
{
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ||
	    msl_has_cap_sys_admin())
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	return 0;
}

static int install_all(const struct progs *ps)
{
	unsigned int feat = msl_config()->kernel_flags;
	unsigned long flags = SECCOMP_FILTER_FLAG_TSYNC;
	long rc;
	int err;

	if (feat & MSEAL_FEAT_TSYNC_ESRCH)
		flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	if (feat & MSEAL_FEAT_SPEC_ALLOW)
		flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	if (!nfilters_installed)
		filters_before_ours = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2;
	for (size_t i = 0; i < ps->n; i++) {
		rc = seccomp_install(&ps->p[i], flags);
		if (rc != 0) {
			err = errno;
			return install_error(rc, err);
		}
		budget_used +=
			msl_filter_ebpf_len(ps->p[i].insns, ps->p[i].len) +
			BUDGET_PER_FILTER;
		nfilters_installed++;
	}
	return 0;
}

/*
 * Whether this thread holds seccomp filters this process image did not
 * install: those of the program before execve(2) (filters survive it, the
 * records do not), or of whoever started the process.  Caller holds lock.
 */
static bool foreign_filters_locked(void)
{
	char buf[4096], *l;
	unsigned int mine;
	long theirs = -1, mode = -1;
	ssize_t n;
	int fd;

	/* No filter at all (the common case): no need to read /proc. */
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2)
		return false;
	fd = open("/proc/thread-self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	l = strstr(buf, "\nSeccomp_filters:");
	if (l)
		theirs = strtol(l + 17, NULL, 10);
	l = strstr(buf, "\nSeccomp:");
	if (l)
		mode = strtol(l + 9, NULL, 10);
	mine = nfilters_installed;
	if (theirs < 0) /* before Linux 5.9: only the mode */
		return mode == 2 && mine == 0;
	return theirs > (long)mine;
}

/*
 * Everything that can make install_all(ps) fail, checked before it and
 * before anything else changes: the budget, and, where no_new_privs has to
 * be set (which cannot be undone) or sure is asked for (the caller is about
 * to replace memory), the filters tried in a child and the other threads.
 * With sure, in a process with other threads, TSYNC itself is tried too:
 * an allow-all filter is installed for every thread (no_new_privs set for
 * it; it costs 13 instructions of the budget and nothing at run time: the
 * action cache skips it), so that the real filters meet threads already in
 * step.  Otherwise the caller sets no_new_privs, with ensure_privilege(),
 * just before install_all().  Afterwards install_all() can fail only if
 * another thread installs a filter of its own in between.
 */
static int prepare_install(const struct progs *ps, bool sure)
{
	static struct sock_filter allow_all[1] = { BPF_STMT(
		BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct prog sync = { allow_all, 1 };
	struct progs one = { &sync, 1, 1 };
	size_t need = 0;
	bool need_nnp, threads;
	int rc;

	for (size_t i = 0; i < ps->n; i++)
		need += msl_filter_ebpf_len(ps->p[i].insns, ps->p[i].len) +
			BUDGET_PER_FILTER;
	threads = sure && other_threads();
	if (threads)
		need += msl_filter_ebpf_len(allow_all, 1) + BUDGET_PER_FILTER;
	/* The kernel counts the 4 of the filters already installed only. */
	if (budget_used + need - BUDGET_PER_FILTER > BUDGET_INSNS)
		return -E2BIG;
	/*
	 * Several filters must all fit, or none go in: the budget is shared
	 * with filters this library did not install, so they are tried in
	 * a child that holds the same ones.  Without such filters the count
	 * is exact and sure needs no trial.
	 */
	need_nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1 &&
		   !msl_has_cap_sys_admin();
	if (ps->n > 1 || need_nnp || (sure && foreign_filters_locked())) {
		rc = trial_install(ps, threads ? &sync : NULL);
		if (rc)
			return rc;
	}
	if ((need_nnp || sure) && threads_have_own_filters())
		return -EBUSY;
	if (!threads)
		return 0;
	rc = ensure_privilege();
	return rc ?: install_all(&one);
}

/* Room for extra more records, so that recording cannot fail later. */
static int records_reserve(size_t extra)
{
	size_t cap = records_cap ? records_cap : 64;
	struct record *r;

	if (nrecords + extra <= records_cap)
		return 0;
	while (cap < nrecords + extra)
		cap *= 2;
	r = realloc(records, cap * sizeof(*r));
	if (!r)
		return -EAGAIN;
	records = r;
	records_cap = cap;
	return 0;
}

/*
 * Publishes every range this task's filters guard (record.c): those the
 * image before execve(2) published, read before this image's first record
 * replaces theirs, and this image's.  Best effort, after the seal: a
 * record that cannot be written leaves the last one, which lists less.
 * A record comes with the filters it lists, so only a thread that held
 * filters before this image's first can have one to read.
 */
static void publish_locked(void)
{
	static struct msl_record inherited;
	static bool inherited_read;
	struct msl_record rec;
	long kernel;

	if (!inherited_read) {
		inherited_read = true;
		if ((!nfilters_installed || filters_before_ours) &&
		    foreign_filters_locked() &&
		    msl_record_read(0, &inherited, &kernel) != MSL_RECORD_OK)
			msl_record_free(&inherited);
	}
	rec.n = inherited.n + nrecords;
	rec.filters = inherited.filters + (long)nfilters_installed;
	if (rec.n > MSL_RECORD_MAX_RANGES)
		return;
	rec.r = malloc(rec.n * sizeof(*rec.r));
	if (!rec.r)
		return;
	if (inherited.n)
		memcpy(rec.r, inherited.r, inherited.n * sizeof(*rec.r));
	rec.n = inherited.n;
	/* What the filters guard: MSEAL_SEAL is the library's own rule, no
	 * filter's, and the record's classes are MSEAL_ALL's bits. */
	for (size_t i = 0; i < nrecords; i++)
		if (records[i].classes & MSEAL_ALL)
			rec.r[rec.n++] = (struct msl_record_range){
				records[i].start, records[i].end,
				records[i].classes & MSEAL_ALL
			};
	msl_record_publish(&rec);
	free(rec.r);
}

/*
 * MSEAL_SEAL: no further seal of a range recorded with it (the kernel's
 * MM_SEAL_SEAL, SEMANTICS.md section 10).  Caller holds lock.  -EPERM or 0.
 */
static int seal_type_refuses(const struct span64 *spans, size_t n)
{
	for (size_t i = 0; i < nrecords; i++) {
		if (!(records[i].classes & MSEAL_SEAL))
			continue;
		for (size_t j = 0; j < n; j++)
			if (records[i].start < spans[j].end &&
			    spans[j].start < records[i].end)
				return -EPERM;
	}
	return 0;
}

static int seal_locked(const struct span64 *spans, size_t n,
		       unsigned int classes)
{
	struct pieces p = { 0 };
	struct progs ps = { 0 };
	int rc;

	rc = seal_type_refuses(spans, n);
	if (rc)
		return rc;
	rc = collect(spans, n, -1, &p);
	if (rc)
		goto out;
	if (!p.n)
		goto out;
	rc = compile_split(p.r, p.n, classes, &ps);
	if (rc)
		goto out;
	/* The record table grows first: after the filters nothing may fail. */
	rc = records_reserve(p.n);
	if (!rc && ps.n)
		rc = prepare_install(&ps, false);
	if (!rc && ps.n)
		rc = ensure_privilege() ?: install_all(&ps);
	for (size_t i = 0; !rc && i < p.n; i++)
		records[nrecords++] =
			(struct record){ p.r[i].start, p.r[i].end, classes };
	if (!rc)
		publish_locked();
out:
	progs_free(&ps);
	free(p.r);
	return rc;
}

/* ---- a seal prepared before the memory changes ---------------------- */

struct msl_seccomp_prep {
	struct pieces p;
	struct progs ps;
	unsigned int classes;
	struct span64 span;
};

/* Compiles and checks everything for the pieces; lock is held. */
static int prepare(struct msl_seccomp_prep *prep, struct msl_seccomp_prep **out)
{
	struct msl_seccomp_prep *copy = NULL;
	int rc;

	rc = seal_type_refuses(&prep->span, 1);
	if (!rc)
		rc = compile_split(prep->p.r, prep->p.n, prep->classes,
				   &prep->ps);
	if (!rc)
		rc = records_reserve(prep->p.n);
	if (!rc && prep->ps.n)
		rc = prepare_install(&prep->ps, true);
	if (!rc) {
		copy = malloc(sizeof(*copy));
		rc = copy ? 0 : -EAGAIN;
	}
	if (rc) {
		pthread_mutex_unlock(&lock);
		progs_free(&prep->ps);
		free(prep->p.r);
		return rc;
	}
	*copy = *prep;
	copy->p.spans = NULL; /* pointed into the caller's frame */
	*out = copy;
	return 0;
}

/* Where the mapping below start ends (start when one reaches past it). */
struct below {
	uint64_t start, end;
};

static int below_fn(const struct msl_vma *v, void *arg)
{
	struct below *b = arg;

	if (!msl_vma_is_real(v))
		return 0;
	if (v->start >= b->start)
		return 1;
	b->end = v->end < b->start ? v->end : b->start;
	return 0;
}

/*
 * The facts of a mapping mmap(2) is about to make, as collect() will read
 * them once it exists: discard-protected from the arguments, in the brk
 * area from the break, and for MAP_GROWSDOWN guarded down to the mapping
 * below, so that the filter prepared now is the one committed.
 */
int msl_seccomp_prepare_new(uint64_t start, uint64_t end, unsigned int classes,
			    bool discard, bool growsdown,
			    struct msl_seccomp_prep **out)
{
	struct msl_seccomp_prep prep = { .classes = classes,
					 .span = { start, end } };
	int rc;

	rc = add_piece(&prep.p, start, end, discard ? MSL_FR_DISCARD : 0, 0);
	if (!rc && growsdown) {
		struct below b = { start, 0 };

		rc = msl_maps_read("/proc/self/maps", below_fn, &b);
		if (rc >= 0) {
			rc = 0;
			/* As grows_below(): no gap below, nothing to guard. */
			if (b.end < start)
				prep.p.r[0].grow = b.end ? b.end : 4096;
		}
	}
	if (rc) {
		free(prep.p.r);
		return rc == -EPROTO ? -EIO : rc;
	}
	heap_area(&prep.p);
	lock_take();
	return prepare(&prep, out);
}

int msl_seccomp_prepare_prot(uint64_t start, uint64_t end, unsigned int classes,
			     int prot, struct msl_seccomp_prep **out)
{
	struct msl_seccomp_prep prep = { .classes = classes,
					 .span = { start, end } };
	int rc;

	lock_take();
	rc = collect(&prep.span, 1, prot, &prep.p);
	if (!rc && !prep.p.n)
		rc = -ENOMEM;
	if (rc) {
		pthread_mutex_unlock(&lock);
		free(prep.p.r);
		return rc;
	}
	return prepare(&prep, out);
}

static bool same_progs(const struct progs *a, const struct progs *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->p[i].len != b->p[i].len ||
		    memcmp(a->p[i].insns, b->p[i].insns,
			   a->p[i].len * sizeof(a->p[i].insns[0])))
			return false;
	return true;
}

/*
 * The prepared filter was compiled from a prediction of the memory's
 * facts; the one installed is compiled from what /proc/self/maps shows
 * now, like any seal's.  They match unless the prediction missed a fact
 * (a mapping that can grow down, one inside the brk area, another
 * thread's change): then the new filter goes in after the usual checks,
 * which can fail only in such a case.
 */
int msl_seccomp_commit(struct msl_seccomp_prep *prep)
{
	struct pieces now;
	struct progs ps = { 0 };
	const struct pieces *use = &prep->p;
	const struct progs *prog = &prep->ps;
	int rc = 0;

	if (collect(&prep->span, 1, -1, &now) == 0 && now.n &&
	    compile_split(now.r, now.n, prep->classes, &ps) == 0 &&
	    !same_progs(&ps, &prep->ps)) {
		use = &now;
		prog = &ps;
		rc = records_reserve(now.n) ?:
			     (ps.n ? prepare_install(&ps, false) : 0);
	}
	if (!rc && prog->n)
		rc = ensure_privilege() ?: install_all(prog);
	for (size_t i = 0; !rc && i < use->n; i++)
		records[nrecords++] =
			(struct record){ use->r[i].start, use->r[i].end,
					 prep->classes };
	if (!rc)
		publish_locked();
	progs_free(&ps);
	free(now.r);
	msl_seccomp_abort(prep);
	return rc;
}

void msl_seccomp_abort(struct msl_seccomp_prep *prep)
{
	pthread_mutex_unlock(&lock);
	progs_free(&prep->ps);
	free(prep->p.r);
	free(prep);
}

/*
 * The batch as sorted, merged, non-empty spans (the maps walk then needs
 * one pass): *out is malloc'ed, *m its length.  0 or -errno.
 */
static int normalise(const struct mseal_span *spans, size_t n,
		     struct span64 **out, size_t *m)
{
	struct span64 *s;
	size_t k = 0, j = 0;
	uintptr_t end;
	int rc;

	s = malloc((n ? n : 1) * sizeof(*s));
	if (!s)
		return -EAGAIN;
	for (size_t i = 0; i < n; i++) {
		rc = msl_check_range((uintptr_t)spans[i].addr, spans[i].len,
				     &end);
		if (rc) {
			free(s);
			return rc;
		}
		if ((uintptr_t)spans[i].addr != end)
			s[k++] = (struct span64){ (uintptr_t)spans[i].addr,
						  end };
	}
	qsort(s, k, sizeof(*s), cmp_span);
	for (size_t i = 0; i < k; i++) {
		if (j && s[j - 1].end >= s[i].start) {
			if (s[i].end > s[j - 1].end)
				s[j - 1].end = s[i].end;
		} else {
			s[j++] = s[i];
		}
	}
	*out = s;
	*m = j;
	return 0;
}

int msl_seccomp_seal(const struct mseal_span *spans, size_t n,
		     unsigned int classes)
{
	struct span64 *s;
	size_t m;
	int rc;

	rc = normalise(spans, n, &s, &m);
	if (rc)
		return rc;
	if (m) {
		lock_take();
		if (msl_seccomp_test_hook)
			msl_seccomp_test_hook();
		rc = seal_locked(s, m, classes);
		pthread_mutex_unlock(&lock);
	}
	free(s);
	return rc;
}

int msl_seccomp_preview(const struct mseal_span *spans, size_t n,
			unsigned int classes, size_t k, struct sock_filter *out,
			size_t *nfilters)
{
	struct pieces p = { 0 };
	struct progs ps = { 0 };
	struct span64 *s;
	size_t m;
	int rc;

	*nfilters = 0;
	rc = normalise(spans, n, &s, &m);
	if (rc)
		return rc;
	if (m)
		rc = collect(s, m, -1, &p);
	if (!rc && p.n)
		rc = compile_split(p.r, p.n, classes, &ps);
	if (!rc) {
		*nfilters = ps.n;
		if (k < ps.n) {
			memcpy(out, ps.p[k].insns, ps.p[k].len * sizeof(*out));
			rc = ps.p[k].len;
		}
	}
	progs_free(&ps);
	free(p.r);
	free(s);
	return rc;
}

/*
 * The classes recorded on every byte (*all) and on any byte (*any) of
 * [a, b): a sweep over the record boundaries.
 */
void msl_seccomp_classes(uint64_t a, uint64_t b, unsigned int *all,
			 unsigned int *any)
{
	unsigned int c;
	uint64_t pos = a, next;

	*all = MSL_CLASSES;
	*any = 0;
	lock_take();
	while (pos < b) {
		c = 0;
		next = b;
		for (size_t i = 0; i < nrecords; i++) {
			const struct record *r = &records[i];

			if (r->start <= pos && r->end > pos) {
				c |= r->classes;
				if (r->end < next)
					next = r->end;
			} else if (r->start > pos && r->start < next) {
				next = r->start;
			}
		}
		*all &= c;
		*any |= c;
		pos = next;
	}
	pthread_mutex_unlock(&lock);
	if (a >= b)
		*all = 0;
}

void msl_seccomp_stats(unsigned int *filters, size_t *insns)
{
	lock_take();
	*filters = nfilters_installed;
	*insns = budget_used;
	pthread_mutex_unlock(&lock);
}

/* ---- asking the filters themselves --------------------------------- */

/*
 * The probes: calls that every libmseal filter judges by their range, and
 * that change nothing if let through, whatever lies there:
 * - PROT: pkey_mprotect(a, len, PROT_READ, INT_MAX).  The kernel checks
 *   that the key is allocated before it looks at a mapping, and INT_MAX
 *   never is (EINVAL); the filter judges pkey_mprotect by its range and
 *   protection only, and answers EPERM where a PROT seal lies.
 * - BASE, one page: mremap(a, page, page, 0).  The same size without flags
 *   is a no-op for the kernel (or EFAULT for a hole); the filter answers
 *   EPERM when the page at a is BASE-sealed.
 * - BASE, any page of a range: mremap(a, len, len, MREMAP_MAYMOVE |
 *   MREMAP_FIXED, a).  The kernel refuses a destination that overlaps the
 *   source (EINVAL), or a hole at a (EFAULT), before it moves or unmaps
 *   anything; the filter answers EPERM where a page of the source is
 *   BASE-sealed, and may answer it for pages past the end too (it rounds
 *   the end up to a huge page for an address aligned to one, as the
 *   kernel does for hugetlb mappings), so only its ALLOW is taken as an
 *   answer: no page of the range is BASE-sealed.
 * - DISCARD: madvise(a, len, MADV_REMOVE).  The kernel punches a hole only
 *   in a shared writable mapping and answers EINVAL or EACCES for private
 *   ones; the filter answers EPERM where a discard-protected piece lies.
 *   Only asked where every page is private and BASE-sealed, so that no
 *   shared mapping can have been put there meanwhile.
 * EPERM from anything else (a policy refusing the call outright) would be
 * misread, so each probe is first asked at address 0, which nothing can
 * map or seal: a probe that answers EPERM there is not used.
 */
enum { PROBE_PROT, PROBE_BASE, PROBE_BASE_ANY, PROBE_DISCARD };

static bool probe(int kind, uint64_t a, uint64_t len)
{
	long rc;

	switch (kind) {
	case PROBE_PROT:
		rc = syscall(SYS_pkey_mprotect, a, len, PROT_READ, 0x7fffffff);
		break;
	case PROBE_BASE:
		rc = syscall(SYS_mremap, a, len, len, 0, 0);
		break;
	case PROBE_BASE_ANY:
		rc = syscall(SYS_mremap, a, len, len,
			     MREMAP_MAYMOVE | MREMAP_FIXED, a);
		break;
	default:
		rc = syscall(SYS_madvise, a, len, MADV_REMOVE);
		break;
	}
	return rc == -1 && errno == EPERM;
}

/*
 * Whether every page of [a, b) answers EPERM: one call for the range (an
 * ALLOW there means no page is sealed), then page by page up to the first
 * that is not.  Halving would find the sealed pages of a sparse range
 * faster, but the answer needs every page, so it would cost twice as many
 * calls on a sealed range and end no sooner on an unsealed page.
 */
static bool probe_all(int kind, uint64_t a, uint64_t b, uint64_t page)
{
	if (!probe(kind, a, b - a))
		return false;
	for (uint64_t x = a; b - a > page && x < b; x += page)
		if (!probe(kind, x, page))
			return false;
	return true;
}

struct private_scan {
	uint64_t a, b;
	bool all_private;
};

static int private_fn(const struct msl_vma *v, void *arg)
{
	struct private_scan *s = arg;

	if (!msl_vma_is_real(v) || v->end <= s->a)
		return 0;
	if (v->start >= s->b)
		return 1;
	if (v->flags & MSL_VMA_SHARED)
		s->all_private = false;
	return !s->all_private;
}

/* Whether every page of [a, b) is BASE-sealed: page by page, after the
 * quick answer for a range with none. */
static bool base_all(uint64_t a, uint64_t b, uint64_t page)
{
	if (!probe(PROBE_BASE_ANY, a, b - a))
		return false;
	for (uint64_t x = a; x < b; x += page)
		if (!probe(PROBE_BASE, x, page))
			return false;
	return true;
}

unsigned int msl_seccomp_probe_classes(uint64_t a, uint64_t b)
{
	struct private_scan ps = { a, b, true };
	uint64_t page = msl_page_size();
	unsigned int c = 0;
	int saved = errno;
	bool foreign;

	lock_take();
	foreign = foreign_filters_locked();
	pthread_mutex_unlock(&lock);
	if (a >= b || !foreign)
		return 0;
	if (!probe(PROBE_PROT, 0, page) && probe_all(PROBE_PROT, a, b, page))
		c |= MSEAL_PROT;
	if (!probe(PROBE_BASE, 0, page) && base_all(a, b, page))
		c |= MSEAL_BASE;
	if ((c & MSEAL_BASE) && !probe(PROBE_DISCARD, 0, page) &&
	    msl_maps_read("/proc/self/maps", private_fn, &ps) >= 0 &&
	    ps.all_private && probe_all(PROBE_DISCARD, a, b, page))
		c |= MSEAL_DISCARD;
	errno = saved;
	return c;
}

/* ---- opt-in refusals ------------------------------------------------ */

/*
 * io_uring_setup, io_uring_enter and io_uring_register are 425-427 on
 * x86-64, x32 and i386 alike, and on AArch64 and AArch32 (every ABI's
 * table is shared from 424 up); userfaultfd is 323 (x86-64), 374 (i386),
 * 282 (AArch64, asm-generic) and 388 (AArch32).  Refusing setup alone is
 * not enough: a ring made before the refusal, inherited across fork or
 * exec, passed over a unix socket or taken with pidfd_getfd(2) would still
 * run IORING_OP_MADVISE on sealed memory; without io_uring_enter it gets
 * no new requests, without io_uring_register no new buffers or files.
 */
#define NR_IO_URING_FIRST 425u
#define NR_IO_URING_LAST 427u

/* Per enum msl_arch: the native ABI and the compat one. */
static const struct {
	uint32_t audit, audit32, uffd, uffd32;
	bool x32;
} refuse_abi[MSL_NARCH] = {
	[MSL_ARCH_X86_64] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, 323, 374,
			      true },
	[MSL_ARCH_ARM64] = { AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM, 282, 388,
			     false },
};

static bool refuse_env_done;

/*
 * One architecture's part of the refusal program, at f[at]: jeq arch (or
 * skip the part), ld nr (and the x32 bit cleared: x32 numbers are refused
 * alike), the io_uring numbers as one interval, userfaultfd's number, each
 * to the EPERM at f[eperm], ret ALLOW.  Returns the index after it.  Only
 * instructions the kernel's action cache can evaluate (ld, and, jeq, jgt,
 * jge, ret), so every other system call stays cached as allowed.
 */
static size_t refuse_arch(struct sock_filter *f, size_t at, uint32_t arch,
			  unsigned int what, bool x32, uint32_t uffd_nr,
			  size_t eperm)
{
	size_t len = 3 + x32 + ((what & MSEAL_REFUSE_IO_URING) ? 2 : 0) +
		     ((what & MSEAL_REFUSE_USERFAULTFD) ? 1 : 0);

	f[at] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0,
					     (uint8_t)(len - 1));
	at++;
	f[at++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0);
	if (x32)
		f[at++] = (struct sock_filter)BPF_STMT(
			BPF_ALU | BPF_AND | BPF_K, ~0x40000000u);
	if (what & MSEAL_REFUSE_IO_URING) {
		f[at] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K,
						     NR_IO_URING_LAST, 1, 0);
		at++;
		f[at] = (struct sock_filter)BPF_JUMP(
			BPF_JMP | BPF_JGE | BPF_K, NR_IO_URING_FIRST,
			(uint8_t)(eperm - at - 1), 0);
		at++;
	}
	if (what & MSEAL_REFUSE_USERFAULTFD) {
		f[at] = (struct sock_filter)BPF_JUMP(
			BPF_JMP | BPF_JEQ | BPF_K, uffd_nr,
			(uint8_t)(eperm - at - 1), 0);
		at++;
	}
	f[at++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					       SECCOMP_RET_ALLOW);
	return at;
}

/* ld arch; the native part (x86-64: with x32), the compat part (i386,
 * AArch32), ALLOW, EPERM: at most 16 instructions. */
size_t msl_refuse_program_arch(unsigned int arch, unsigned int what,
			       struct sock_filter *f)
{
	size_t body = ((what & MSEAL_REFUSE_IO_URING) ? 2 : 0) +
		      ((what & MSEAL_REFUSE_USERFAULTFD) ? 1 : 0);
	size_t eperm, at;

	if (arch >= MSL_NARCH)
		return 0;
	eperm = 1 + (body + 3 + refuse_abi[arch].x32) + (body + 3) + 1;
	f[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4);
	at = refuse_arch(f, 1, refuse_abi[arch].audit, what,
			 refuse_abi[arch].x32, refuse_abi[arch].uffd, eperm);
	at = refuse_arch(f, at, refuse_abi[arch].audit32, what, false,
			 refuse_abi[arch].uffd32, eperm);
	f[at++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					       SECCOMP_RET_ALLOW);
	f[at++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					       SECCOMP_RET_ERRNO | EPERM);
	return at;
}

size_t msl_refuse_program(unsigned int what, struct sock_filter *f)
{
	return msl_refuse_program_arch(MSL_ARCH_HOST, what, f);
}

/*
 * Whether an io_uring submission thread (IORING_SETUP_SQPOLL) may run in
 * this process: an I/O thread (PF_IO_WORKER in the flags of its stat) that
 * is not an io-wq worker ("iou-wrk-PID").  The submission thread names
 * itself "iou-sqp-PID" once it runs, so a nameless I/O thread counts too.
 * It takes requests from its ring's shared memory with no system call of
 * the process, so refusing io_uring_enter does not stop it.  Its requests
 * act on this process's memory only: the kernel lets rings share a
 * submission thread only within one thread group.  (io-wq workers run
 * requests already submitted, and take no new ones.)
 */
static int sqpoll_thread_running(void)
{
	char path[300], buf[512], *p;
	unsigned long flags;
	struct dirent *e;
	bool found = false;
	ssize_t n;
	DIR *d;
	int fd;

	/* Not knowing is not "none": the refusal fails, as a seal without
	 * /proc does. */
	d = opendir("/proc/self/task");
	if (!d)
		return -errno;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat",
			 e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* "TID (comm) S ppid pgrp session tty tpgid flags ..." */
		p = strrchr(buf, ')');
		if (strstr(buf, "(iou-wrk-") || !p ||
		    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
			continue;
		found = flags & 0x10; /* PF_IO_WORKER */
	}
	closedir(d);
	return found;
}

static int refuse_locked(unsigned int what)
{
	struct sock_filter f[16];
	struct prog p = { f, 0 };
	struct progs ps = { &p, 1, 1 };
	int rc;

	if (what & MSEAL_REFUSE_IO_URING) {
		rc = sqpoll_thread_running();
		if (rc)
			return rc > 0 ? -EBUSY : rc;
	}
	p.len = (unsigned short)msl_refuse_program(what, f);
	rc = prepare_install(&ps, false);
	return rc ?: ensure_privilege() ?: install_all(&ps);
}

int msl_seccomp_refuse(unsigned int what)
{
	int rc;

	lock_take();
	rc = refuse_locked(what);
	pthread_mutex_unlock(&lock);
	return rc;
}

int msl_refuse_from_env(void)
{
	const struct msl_config *c = msl_config();
	int rc = 0;

	if (!c->refuse || __atomic_load_n(&refuse_env_done, __ATOMIC_ACQUIRE))
		return 0;
	lock_take();
	if (!refuse_env_done) {
		rc = (c->kernel_flags & MSEAL_FEAT_SECCOMP) &&
				     MSL_FILTER_ARCH_KNOWN ?
			     refuse_locked(c->refuse) :
			     -EOPNOTSUPP;
		if (!rc)
			__atomic_store_n(&refuse_env_done, true,
					 __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

// SPDX-License-Identifier: MIT
/*
 * mseal_self(): seal the program's own image, in process.
 *
 *   dl_iterate_phdr  ->  objects (program, libraries; not the vDSO)
 *   fixed-address policy  ->  objects kept (seccomp: see below)
 *   program headers  ->  plan: text / rodata / RELRO / data ranges
 *   /proc/self/maps  ->  ranges confirmed, [stack] / [vdso] added, merged
 *   mseal_ranges(MSEAL_ALL)  ->  one batch; best effort: object by object
 *
 * libmseal-preload.so runs the same plan and the same seal (its start-up
 * objects, and after dlopen the new ones it may seal), so `mseal run` and
 * a program calling mseal_self() at the top of main seal the same ranges.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/personality.h>
#include <unistd.h>

#include "self.h"

/*
 * Whether this process runs without address randomisation: setarch -R and
 * gdb set ADDR_NO_RANDOMIZE, which children inherit; an administrator can
 * turn it off for everyone.  Every object is then at the same address in
 * each program this one execs, as a non-PIE image always is.
 */
bool msl_layout_not_random(void)
{
	char c = '2';
	int fd, p = personality(0xffffffff);

	if (p != -1 && (p & ADDR_NO_RANDOMIZE))
		return true;
	fd = open("/proc/sys/kernel/randomize_va_space", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = '2';
	close(fd);
	return c == '0';
}

/*
 * Seccomp filters outlive execve, and a fixed-address object is at the
 * same address in the next program this process execs: sealing it would
 * make that program (gcc's collect2, any child of `setarch -R sh`) fail to
 * load.  Native seals end at execve and need no such care.
 */
bool msl_self_leaves_out(const struct msl_obj *o, bool fixed_layout)
{
	return (o->fixed || fixed_layout) &&
	       msl_config()->backend_all == MSEAL_BACKEND_SECCOMP;
}

static void plan_object(struct msl_plan *p, const struct msl_obj *o,
			const char *name, unsigned int set, bool fixed_layout)
{
	if (msl_self_leaves_out(o, fixed_layout))
		p->fixed++;
	else
		msl_plan_add_object(p, o, name, set);
}

void msl_self_plan(struct msl_plan *p, const struct msl_obj *objs, size_t n,
		   unsigned int set, bool fixed_layout,
		   const char *(*name)(const struct msl_obj *o))
{
	size_t i;

	msl_plan_reset(p);
	for (i = 0; i < n; i++)
		plan_object(p, &objs[i], name(&objs[i]), set, fixed_layout);
	msl_plan_finish(p, set);
}

/* Seals the ranges of one object (its ranges need not be adjacent). */
static int seal_object(const struct msl_plan *p, const char *object)
{
	struct mseal_span s[64] = { { 0, 0 } };
	size_t i, n = 0;
	int rc = 0, r;

	for (i = 0; i < p->n; i++) {
		if (p->r[i].object != object)
			continue;
		if (n == sizeof(s) / sizeof(s[0])) {
			r = mseal_ranges(s, n, MSEAL_ALL);
			rc = rc ? rc : r;
			n = 0;
		}
		s[n].addr = (void *)p->r[i].start;
		s[n].len = p->r[i].end - p->r[i].start;
		n++;
	}
	r = mseal_ranges(s, n, MSEAL_ALL);
	return rc ? rc : r;
}

int msl_self_seal(struct msl_plan *p, unsigned int flags)
{
	int saved = errno, rc, first = 0;
	size_t i, j;

	if (!(flags & MSEAL_SELF_BEST_EFFORT)) {
		if (p->overflow)
			return -E2BIG;
		if (p->dropped)
			return -EBUSY;
	}
	rc = mseal_ranges(p->spans, p->nspans, MSEAL_ALL);
	if (!rc || !(flags & MSEAL_SELF_BEST_EFFORT) || rc == -EINVAL ||
	    rc == -EOPNOTSUPP || rc == -ENOSYS) {
		errno = saved;
		return rc;
	}
	/* The batch failed as a whole: one object at a time, so that one
	 * object that cannot be sealed leaves the others sealed. */
	for (i = 0; i < p->n; i++) {
		bool seen = false;

		for (j = 0; j < i && !seen; j++)
			seen = p->r[j].object == p->r[i].object;
		if (seen)
			continue;
		rc = seal_object(p, p->r[i].object);
		if (rc && !first)
			first = rc;
	}
	errno = saved;
	return first;
}

struct collect {
	struct msl_plan *p;
	unsigned int set;
	bool fixed_layout;
	size_t n;
	bool overflow;
};

/*
 * Plans each object inside dl_iterate_phdr, which holds the loader's lock:
 * its program headers cannot be unmapped by a dlclose in another thread
 * while they are read.
 */
static int collect_fn(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct collect *c = arg;
	struct msl_obj o;

	(void)size;
	if (msl_obj_is_vdso(info))
		return 0;
	if (c->n == MSL_OBJ_MAX) {
		c->overflow = true;
		return 1;
	}
	c->n++;
	msl_obj_from_info(&o, info);
	plan_object(c->p, &o, o.name, c->set, c->fixed_layout);
	return 0;
}

/*
 * Static storage: the plan is some 230 KiB, too much for a caller's stack
 * at the top of main in a thread, and nothing here may allocate.  The lock
 * serialises concurrent calls.
 */
void (*msl_self_test_hook)(void);

static pthread_mutex_t self_lock = PTHREAD_MUTEX_INITIALIZER;
static struct msl_plan self_plan;

MSL_EXPORT int mseal_self(unsigned int what, unsigned int flags)
{
	struct collect c = { &self_plan, what, false, 0, false };
	int rc;

	if (!what || (what & ~MSEAL_SELF_ALL) ||
	    (flags & ~MSEAL_SELF_BEST_EFFORT))
		return msl_fail(EINVAL);
	rc = msl_select_backend(MSEAL_ALL, &(int){ 0 });
	if (rc)
		return msl_fail(-rc);
	pthread_mutex_lock(&self_lock);
	c.fixed_layout = msl_layout_not_random();
	msl_plan_reset(&self_plan);
	dl_iterate_phdr(collect_fn, &c);
	if (c.overflow && !(flags & MSEAL_SELF_BEST_EFFORT)) {
		rc = -E2BIG;
	} else {
		msl_plan_finish(&self_plan, what);
		if (msl_self_test_hook)
			msl_self_test_hook();
		rc = msl_self_seal(&self_plan, flags);
	}
	pthread_mutex_unlock(&self_lock);
	return rc ? msl_fail(-rc) : 0;
}

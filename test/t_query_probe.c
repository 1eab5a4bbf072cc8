// SPDX-License-Identifier: MIT
/*
 * What mseal_query()'s probes (src/seccomp.c, "asking the filters
 * themselves") rely on in the filter compiler, pinned through the
 * test-side model of the kernel (test/bpf_interp.c) so that a change of
 * src/filter.c cannot break them silently.  For a filter of any classes:
 *
 *   pkey_mprotect(a, len, PROT_READ, INT_MAX)      EPERM iff [a, a + len)
 *                                                  meets a range sealed
 *                                                  with PROT; the key is
 *                                                  not looked at
 *   mremap(a, PAGE, PAGE, 0)                       EPERM iff the page at a
 *                                                  is sealed with BASE
 *   mremap(a, len, len, MAYMOVE | FIXED, a)        EPERM when it meets a
 *                                                  range sealed with BASE
 *                                                  (it may also where the
 *                                                  filter rounds to a huge
 *                                                  page: only its ALLOW is
 *                                                  taken as an answer)
 *   madvise(a, len, MADV_REMOVE)                   EPERM iff it meets a
 *                                                  discard-protected piece
 *                                                  sealed with DISCARD
 *
 * and the single-page ones ALLOW at address 0 (the probes' calibration).
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>

#include "harness.h"
#include "filter.h"
#include "bpf_interp.h"

#define PG 4096ull
#define ALLOW SECCOMP_RET_ALLOW
#define EPERM_RET (SECCOMP_RET_ERRNO | EPERM)

/* The probes' calls on each architecture the compiler knows. */
static const struct {
	uint32_t audit, mremap, madvise, pkey_mprotect;
} abi[MSL_NARCH] = {
	[MSL_ARCH_X86_64] = { AUDIT_ARCH_X86_64, 25, 28, 329 },
	[MSL_ARCH_ARM64] = { AUDIT_ARCH_AARCH64, 216, 233, 288 },
};

static unsigned int arch; /* enum msl_arch under test */

#define NR_MREMAP ((int)abi[arch].mremap)
#define NR_MADVISE ((int)abi[arch].madvise)
#define NR_PKEY_MPROTECT ((int)abi[arch].pkey_mprotect)
enum { P_PROT, P_BASE, P_BASE_ANY, P_DISCARD };

/* Sealed: a discard-protected piece, and far above it a writable one. */
static const struct msl_frange ranges[] = {
	{ .start = 0x10000000, .end = 0x10004000, .flags = MSL_FR_DISCARD },
	{ .start = 0x7f0000000000, .end = 0x7f0000002000 },
};

static uint32_t run(const struct sock_filter *f, size_t len, int kind,
		    uint64_t a, uint64_t l, uint64_t pkey)
{
	struct seccomp_data d = { .arch = abi[arch].audit };
	uint32_t ret;

	switch (kind) {
	case P_PROT:
		d.nr = NR_PKEY_MPROTECT;
		d.args[0] = a;
		d.args[1] = l;
		d.args[2] = PROT_READ;
		d.args[3] = pkey;
		break;
	case P_BASE:
		d.nr = NR_MREMAP;
		d.args[0] = a;
		d.args[1] = l;
		d.args[2] = l;
		break;
	case P_BASE_ANY:
		d.nr = NR_MREMAP;
		d.args[0] = a;
		d.args[1] = l;
		d.args[2] = l;
		d.args[3] = MREMAP_MAYMOVE | MREMAP_FIXED;
		d.args[4] = a;
		break;
	default:
		d.nr = NR_MADVISE;
		d.args[0] = a;
		d.args[1] = l;
		d.args[2] = MADV_REMOVE;
		break;
	}
	if (bpf_run(f, len, &d, &ret))
		FAIL("the program did not run (kind %d, a %#llx)", kind,
		     (unsigned long long)a);
	return ret;
}

/* The probe of kind on (a, l) against a filter of classes. */
static bool refused(unsigned int classes, int kind, uint64_t a, uint64_t l)
{
	static struct sock_filter f[MSL_FILTER_MAX_INSNS];
	char why[128];
	int len = msl_filter_compile_arch(arch, ranges, 2, classes, f,
					  MSL_FILTER_MAX_INSNS);
	uint32_t r, other;

	CHECK(len > 0);
	if (bpf_check(f, (size_t)len, why, sizeof(why)))
		FAIL("classes %#x: %s", classes, why);
	r = run(f, (size_t)len, kind, a, l, 0x7fffffff);
	CHECK(r == ALLOW || r == EPERM_RET);
	/* The key is not what decides. */
	if (kind == P_PROT) {
		other = run(f, (size_t)len, kind, a, l, (uint64_t)-1);
		CHECK(other == r);
	}
	return r == EPERM_RET;
}

/* The checks below on arch's program. */
static void probe_behaviour(void)
{
	const uint64_t r0 = ranges[0].start, r0e = ranges[0].end;
	const uint64_t r1 = ranges[1].start, r1e = ranges[1].end;
	static const unsigned int sets[] = {
		MSEAL_PROT,
		MSEAL_BASE,
		MSEAL_DISCARD,
		MSEAL_PROT | MSEAL_BASE,
		MSEAL_BASE | MSEAL_DISCARD,
		MSEAL_ALL,
	};

	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		unsigned int c = sets[i];
		bool prot = c & MSEAL_PROT, base = c & MSEAL_BASE;
		bool disc = c & MSEAL_DISCARD;

		/* Calibration: address 0 is never refused. */
		CHECK(!refused(c, P_PROT, 0, PG));
		CHECK(!refused(c, P_BASE, 0, PG));
		CHECK(!refused(c, P_DISCARD, 0, PG));
		/* PROT: any page of the range, either sealed range. */
		CHECK(refused(c, P_PROT, r0, PG) == prot);
		CHECK(refused(c, P_PROT, r0e - PG, PG) == prot);
		CHECK(refused(c, P_PROT, r0 - 2 * PG, 3 * PG) == prot);
		CHECK(refused(c, P_PROT, r1 + PG, PG) == prot);
		CHECK(!refused(c, P_PROT, r0e, PG));
		CHECK(!refused(c, P_PROT, r0 - PG, PG));
		CHECK(!refused(c, P_PROT, r1e, 16 * PG));
		/* BASE, one page: the page at a, exactly. */
		CHECK(refused(c, P_BASE, r0, PG) == base);
		CHECK(refused(c, P_BASE, r0e - PG, PG) == base);
		CHECK(refused(c, P_BASE, r1 + PG, PG) == base);
		CHECK(!refused(c, P_BASE, r0e, PG));
		CHECK(!refused(c, P_BASE, r0 - PG, PG));
		/* BASE, any page: the whole source counts, not only its first
		 * page (ALLOW where nothing is sealed is not pinned: the filter
		 * may round up to a huge page). */
		CHECK(refused(c, P_BASE_ANY, r0 + PG, PG) == base);
		CHECK(refused(c, P_BASE_ANY, r0 - 2 * PG, 3 * PG) == base);
		CHECK(refused(c, P_BASE_ANY, r1, 2 * PG) == base);
		if (!base)
			CHECK(!refused(c, P_BASE_ANY, r0, PG));
		/* DISCARD: discard-protected pieces only. */
		CHECK(refused(c, P_DISCARD, r0, PG) == disc);
		CHECK(refused(c, P_DISCARD, r0 - PG, 2 * PG) == disc);
		CHECK(!refused(c, P_DISCARD, r1, PG));
		CHECK(!refused(c, P_DISCARD, r0e, PG));
	}
}

TEST_ONCE(query_probe_filter_behaviour)
{
	for (arch = 0; arch < MSL_NARCH; arch++)
		probe_behaviour();
}

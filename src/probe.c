// SPDX-License-Identifier: MIT
/*
 * The one cached probe of what the kernel can do, and the backend choice.
 *
 * The probe runs once per process (pthread_once), on the first call that
 * needs it: no constructor, so merely linking libmseal costs nothing and
 * changes nothing.  MSEAL_BACKEND is read at the same moment and never again,
 * so a seal cannot switch backends half-way through a program.
 */
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif

static struct msl_config config;
static char env_error[320];
static size_t page_size;
static pthread_once_t config_once = PTHREAD_ONCE_INIT;
/*
 * Only mseal_probe() asks about system mappings: reading smaps walks every
 * mapping's page tables, a cost the first seal should not pay.  0: not
 * known yet (or the last read failed, so try again), 1: no, 2: yes.
 */
static int system_state;

/*
 * mseal(0, 0, 0) answers 0 on 6.10+ and ENOSYS before.  A container's own
 * seccomp policy may answer EPERM for an unknown syscall: that is "no
 * mseal" too, since every real seal would fail the same way.
 */
static bool kernel_has_mseal(int *refused)
{
	if (syscall(__NR_mseal, 0UL, 0UL, 0UL) == 0)
		return true;
	/* Any answer but ENOSYS came from a filter, not from the kernel. */
	*refused = errno == ENOSYS ? 0 : errno;
	return false;
}

/*
 * The seal types of kernel/patches: mseal() with every type flag and
 * len == 0 answers 0 on a kernel that knows the flags and EINVAL on one
 * that does not, which checks flags first.  Nothing is sealed.
 */
static bool kernel_has_seal_types(void)
{
	return syscall(__NR_mseal, 0UL, 0UL, (unsigned long)MSL_CLASSES) == 0;
}

/*
 * PROT_SEAL: an mprotect() of a page in the kernel's half of the address
 * space, where no mapping can be.  The series takes the prot bits and then
 * finds no mapping (ENOMEM); a stock kernel refuses the unknown bits first
 * (EINVAL).  mprotect() with len 0 would answer 0 on both, and a real
 * mapping would be sealed.
 */
static bool kernel_has_prot_seal(size_t page)
{
	uintptr_t nowhere = (uintptr_t)0 - 16 * page;

	return syscall(__NR_mprotect, nowhere, page,
		       PROT_READ | PROT_SEAL | PROT_DOWNGRADEABLE) < 0 &&
	       errno == ENOMEM;
}

/*
 * A NULL filter with one flag answers EFAULT when the kernel knows the flag
 * and EINVAL when it does not; nothing is installed either way.
 */
static bool seccomp_flag_known(unsigned long flag)
{
	return syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 &&
	       errno == EFAULT;
}

/* PR_GET_SECCOMP fails with EINVAL on kernels built without seccomp. */
static bool kernel_has_seccomp_filter(void)
{
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 && seccomp_flag_known(0);
}

static int system_mapping_fn(const struct msl_vma *v, void *arg)
{
	bool *sealed = arg;

	if ((strcmp(v->path, "[vdso]") == 0 || strcmp(v->path, "[vvar]") == 0 ||
	     strcmp(v->path, "[vvar_vclock]") == 0) &&
	    (v->flags & MSL_VMA_SEALED))
		*sealed = true;
	return 0;
}

static bool system_mappings_sealed(void)
{
	int state = __atomic_load_n(&system_state, __ATOMIC_RELAXED);
	bool sealed = false;

	if (state)
		return state == 2;
	if (msl_maps_read("/proc/self/smaps", system_mapping_fn, &sealed))
		return false;
	__atomic_store_n(&system_state, sealed ? 2 : 1, __ATOMIC_RELAXED);
	return sealed;
}

/*
 * An environment variable's value as an error message quotes it: at most
 * 64 bytes of it, escaped as every writer of untrusted text does
 * (src/utf8.c), so that the message cannot send escape sequences to a
 * terminal.
 */
static const char *quote_env(const char *v, char *buf, size_t size)
{
	char head[65], step[MSL_ESCAPE_MAX];
	const unsigned char *s = (const unsigned char *)head;
	size_t used = 0;

	snprintf(head, sizeof(head), "%s", v);
	buf[0] = '\0';
	while (*s) {
		size_t k;

		s += msl_escape_step(s, MSL_ESCAPE_TEXT, step);
		k = strlen(step);
		if (used + k >= size)
			break;
		memcpy(buf + used, step, k + 1);
		used += k;
	}
	return buf;
}

static void probe_once(void)
{
	int saved = errno;
	const char *env = secure_getenv("MSEAL_BACKEND");
	const char *refuse = secure_getenv("MSEAL_REFUSE");
	unsigned int flags = 0;
	int seccomp, native, typed;
	char quoted[64 * 4 + 1]; /* \\ooo per byte */
	long ps = sysconf(_SC_PAGESIZE);

	page_size = ps > 0 ? (size_t)ps : 4096;
	if (kernel_has_mseal(&config.mseal_refused))
		flags |= MSEAL_FEAT_SYSCALL;
	if ((flags & MSEAL_FEAT_SYSCALL) && kernel_has_seal_types())
		flags |= MSEAL_FEAT_SEAL_TYPES;
	if ((flags & MSEAL_FEAT_SYSCALL) && kernel_has_prot_seal(page_size))
		flags |= MSEAL_FEAT_PROT_SEAL;
	if (kernel_has_seccomp_filter()) {
		flags |= MSEAL_FEAT_SECCOMP;
		if (seccomp_flag_known(SECCOMP_FILTER_FLAG_TSYNC_ESRCH))
			flags |= MSEAL_FEAT_TSYNC_ESRCH;
		if (seccomp_flag_known(SECCOMP_FILTER_FLAG_SPEC_ALLOW))
			flags |= MSEAL_FEAT_SPEC_ALLOW;
		/*
		 * The filter lets MAP_FIXED|MAP_FIXED_NOREPLACE through for
		 * the kernel's EEXIST; before 4.17 the flag is unknown and it
		 * would overwrite.  SPEC_ALLOW came in the same release.
		 * The filter rounds lengths to 4 KiB pages: an arm64 kernel
		 * with 16 or 64 KiB pages gets no seccomp backend.  Nor does a
		 * kernel whose filters see a first argument from before a
		 * tracer rewrote it (older arm64 ones, AUDIT.md A17).
		 */
		if ((flags & MSEAL_FEAT_SPEC_ALLOW) && page_size == 4096 &&
		    MSL_SEAL_FILTER_ARCH && msl_tracer_args_in_sync() == 1)
			flags |= MSEAL_FEAT_SECCOMP_BACKEND;
	}
	config.kernel_flags = flags;

	if (msl_parse_refuse(refuse, &config.refuse)) {
		config.env_invalid = true;
		config.env_refuse_invalid = true;
		snprintf(env_error, sizeof(env_error),
			 "MSEAL_REFUSE='%s' is not a comma-separated list of "
			 "io_uring, userfaultfd",
			 quote_env(refuse, quoted, sizeof(quoted)));
	}
	config.source = MSEAL_SOURCE_AUTO;
	if (env && *env && strcmp(env, "auto") != 0) {
		config.source = MSEAL_SOURCE_ENV;
		if (strcmp(env, "native") == 0) {
			config.env_native = true;
		} else if (strcmp(env, "seccomp") != 0) {
			size_t used = strlen(env_error);

			/* Both bad: one line naming both, MSEAL_REFUSE first. */
			config.env_invalid = true;
			config.env_backend_invalid = true;
			snprintf(env_error + used, sizeof(env_error) - used,
				 "%sMSEAL_BACKEND='%s' is not one of auto, "
				 "native, seccomp",
				 used ? "; " : "",
				 quote_env(env, quoted, sizeof(quoted)));
		}
	}

	/*
	 * A stock mseal(2) takes only the full set of classes; any other set
	 * needs the kernel's seal types or the seccomp backend, which is also
	 * what MSEAL_ALL uses on a kernel without mseal(2), or when
	 * MSEAL_BACKEND=seccomp forces it.
	 */
	seccomp = (flags & MSEAL_FEAT_SECCOMP_BACKEND) ? MSEAL_BACKEND_SECCOMP :
							 MSEAL_BACKEND_NONE;
	native = (flags & MSEAL_FEAT_SYSCALL) ? MSEAL_BACKEND_NATIVE :
						MSEAL_BACKEND_NONE;
	typed = (flags & MSEAL_FEAT_SEAL_TYPES) ? MSEAL_BACKEND_NATIVE :
						  MSEAL_BACKEND_NONE;
	if (config.env_invalid) {
		config.backend_all = MSEAL_BACKEND_NONE;
		config.backend_subset = MSEAL_BACKEND_NONE;
	} else if (config.env_native) {
		config.backend_all = native;
		config.backend_subset = typed;
	} else if (config.source == MSEAL_SOURCE_ENV) {
		config.backend_all = seccomp;
		config.backend_subset = seccomp;
	} else {
		config.backend_all = native ? native : seccomp;
		config.backend_subset = typed ? typed : seccomp;
	}
	errno = saved;
}

const char *msl_env_error(void)
{
	pthread_once(&config_once, probe_once);
	return env_error;
}

const struct msl_config *msl_config(void)
{
	pthread_once(&config_once, probe_once);
	return &config;
}

size_t msl_page_size(void)
{
	pthread_once(&config_once, probe_once);
	return page_size;
}

int msl_select_backend(unsigned int classes, int *backend)
{
	const struct msl_config *c;

	if (classes == 0 || (classes & ~MSL_CLASSES))
		return -EINVAL;
	c = msl_config();
	if (c->env_invalid)
		return -EINVAL;
	*backend = classes == MSEAL_ALL ? c->backend_all : c->backend_subset;
	/* A filter sees the new protection, never the current one: it cannot
	 * tell lowering from raising back (SEMANTICS.md section 10). */
	if (*backend == MSEAL_BACKEND_SECCOMP &&
	    (classes & MSEAL_DOWNGRADEABLE))
		return -EOPNOTSUPP;
	if (*backend != MSEAL_BACKEND_NONE)
		return 0;
	/* Forcing native on a kernel without mseal(2): the kernel's own
	 * answer.  A subset with MSEAL_BACKEND=native on a kernel without
	 * seal types, MSEAL_DOWNGRADEABLE without them, or any seal on a
	 * kernel without seccomp filters, cannot be done at all. */
	if (classes == MSEAL_ALL && c->env_native)
		return -ENOSYS;
	return -EOPNOTSUPP;
}

bool msl_has_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(__NR_capget, &hdr, data) != 0)
		return false;
	return data[CAP_SYS_ADMIN / 32].effective &
	       (1u << (CAP_SYS_ADMIN % 32));
}

MSL_EXPORT int mseal_probe(struct mseal_features *out)
{
	const struct msl_config *c = msl_config();
	int saved = errno;

	if (!out)
		return msl_fail(EFAULT);
	memset(out, 0, sizeof(*out));
	out->flags = c->kernel_flags;
	if ((c->kernel_flags & MSEAL_FEAT_SYSCALL) && system_mappings_sealed())
		out->flags |= MSEAL_FEAT_SYSTEM_SEALED;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
		out->flags |= MSEAL_FEAT_NO_NEW_PRIVS;
	if (msl_has_cap_sys_admin())
		out->flags |= MSEAL_FEAT_CAP_SYS_ADMIN;
	out->backend = c->backend_all;
	out->subset_backend = c->backend_subset;
	out->backend_source = c->source;
	errno = saved;
	if (c->env_invalid)
		return msl_fail(EINVAL);
	return 0;
}

MSL_EXPORT const char *mseal_backend_name(int backend)
{
	switch (backend) {
	case MSEAL_BACKEND_NONE:
		return "none";
	case MSEAL_BACKEND_NATIVE:
		return "native";
	case MSEAL_BACKEND_SECCOMP:
		return "seccomp";
	default:
		/* Not NULL: callers print the result, and a value no backend
		 * has must not read as "none", a real answer of the probe. */
		return "invalid";
	}
}

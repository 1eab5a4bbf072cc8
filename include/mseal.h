/* SPDX-License-Identifier: MIT */
/*
 * mseal.h - memory sealing for every Linux process.
 *
 * A sealed range of the address space can no longer be unmapped, moved,
 * resized, replaced or re-protected until the process exits or calls
 * execve(2).  libmseal uses the kernel's mseal(2) (Linux 6.10+) and a
 * seccomp-BPF backend for older kernels and for seal class subsets.
 *
 * Every function returns 0 (or a value) on success and a negative errno
 * value on failure, and also sets errno; the exceptions are mseal_mmap(),
 * which follows mmap(2), and mimmutable(), which follows OpenBSD.
 * See libmseal(7) for the overview and the man3 pages for each call.
 */
#ifndef LIBMSEAL_MSEAL_H
#define LIBMSEAL_MSEAL_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The version of this header.  mseal_version() gives the version of the
 * library the program runs with, which can be newer.
 */
#define MSEAL_VERSION_MAJOR 0
#define MSEAL_VERSION_MINOR 3
#define MSEAL_VERSION_PATCH 0
/* Older spellings, kept for programs that use them. */
#define LIBMSEAL_VERSION_MAJOR MSEAL_VERSION_MAJOR
#define LIBMSEAL_VERSION_MINOR MSEAL_VERSION_MINOR
#define LIBMSEAL_VERSION_PATCH MSEAL_VERSION_PATCH

struct mseal_version {
	unsigned int major;
	unsigned int minor;
	unsigned int patch;
};

/*
 * mseal_version - the version of the library running this program (the
 * header's MSEAL_VERSION_* name the one it was compiled against).  Always
 * succeeds; the result is static and never NULL.
 */
const struct mseal_version *mseal_version(void);

/*
 * Seal classes.  They accumulate: sealing a range with MSEAL_PROT and later
 * with MSEAL_BASE leaves it sealed with both.  Nothing is ever removed.
 */
/* Refuse munmap, mremap (source and destination), MAP_FIXED overwrite,
 * shmdt, brk shrink and remap_file_pages. */
#define MSEAL_BASE 0x1u
/* Refuse mprotect and pkey_mprotect, even when the protection is unchanged. */
#define MSEAL_PROT 0x2u
/* Refuse destructive madvise/process_madvise advice on memory that is
 * anonymous and not writable. */
#define MSEAL_DISCARD 0x4u
/* All three: exactly what the kernel's mseal(2) does. */
#define MSEAL_ALL (MSEAL_BASE | MSEAL_PROT | MSEAL_DISCARD)
/* No further seal: a later seal of any class, or a sealing mseal_mprotect(),
 * touching the range fails with -EPERM and changes nothing.  Refuses
 * nothing else.  Kernel: MM_SEAL_SEAL; seccomp backend: the library refuses
 * its own later seals (docs/SEMANTICS.md section 10). */
#define MSEAL_SEAL 0x8u
/* mprotect and pkey_mprotect may only lower the protection: clear some of
 * PROT_READ, PROT_WRITE, PROT_EXEC, nothing else (MSEAL_PROT, when also
 * set, wins).  Needs the kernel's seal types (MSEAL_FEAT_SEAL_TYPES):
 * -EOPNOTSUPP on the seccomp backend, whose filter cannot know the current
 * protection. */
#define MSEAL_DOWNGRADEABLE 0x10u

/* addr is const: sealing a static const table needs no cast.  Only the
 * address is used; the memory is never written. */
struct mseal_span {
	const void *addr;
	size_t len;
};

/*
 * mseal_range - seal [addr, addr + len) with the given classes.
 *
 * Follows the kernel's argument rules: addr must be page-aligned, len is
 * rounded up to a page, len == 0 succeeds at once, any unmapped hole in the
 * range fails with -ENOMEM and seals nothing, a range holding MSEAL_SEAL
 * fails with -EPERM.  Unknown or zero class bits fail with -EINVAL.
 * Returns 0 or -errno (errno is set too).
 */
int mseal_range(const void *addr, size_t len, unsigned int classes);

/*
 * mseal_ranges - seal several ranges as one operation.
 *
 * Every span is validated (arguments, then holes) before anything is
 * sealed, so bad input seals nothing.  Two cases can still leave a batch
 * partly sealed: another thread unmapping a span between the check and the
 * seal, and a span that starts or ends inside a huge page of a hugetlb
 * mapping, which only the kernel's seal refuses (EINVAL).
 * n == 0 succeeds once classes and backend are valid.  Returns 0 or -errno.
 */
int mseal_ranges(const struct mseal_span *spans, size_t n,
		 unsigned int classes);

/*
 * mseal_mmap - mmap(2) a new mapping and seal it in one call.
 *
 * Either the caller gets a sealed mapping or no mapping.  Everything that
 * can make the seal fail (classes, backend, and on the seccomp backend the
 * filter, its budget and the threads) is checked before mmap(2) runs, so
 * such an error leaves any mapping that MAP_FIXED would have replaced in
 * place; a seal that still fails after the mmap (another thread changed
 * the range in between) unmaps the new mapping.  hugetlb mappings are
 * sealed in whole huge pages.  With MSEAL_FEAT_PROT_SEAL, on the native
 * backend, classes holding MSEAL_ALL (or MSEAL_BASE | MSEAL_DISCARD |
 * MSEAL_DOWNGRADEABLE) make it one mmap(2) with PROT_SEAL: the mapping is
 * never visible unsealed.  Elsewhere another thread can change it between
 * the map and the seal (docs/SEMANTICS.md section 10).
 * Returns the address, or MAP_FAILED with errno set, like mmap(2).
 */
void *mseal_mmap(void *addr, size_t len, int prot, int flags, int fd,
		 off_t offset, unsigned int classes);

/*
 * mseal_mprotect - set the final protection of a range and seal it, the
 * loader's "mprotect + mimmutable" pattern.  Holes, PROT seals and (on the
 * seccomp backend) every reason the seal could fail are found before the
 * protection changes; a failed mprotect(2) has the old protections put
 * back.  With MSEAL_FEAT_PROT_SEAL, for the classes mseal_mmap() names,
 * one mprotect(2) with PROT_SEAL that the kernel does all or nothing.
 * A range holding MSEAL_SEAL fails with -EPERM.  Returns 0 or -errno.
 */
int mseal_mprotect(void *addr, size_t len, int prot, unsigned int classes);

/*
 * mseal_query - the seal classes in force on every page of a range.
 *
 * *classes receives the classes that hold for all pages of
 * [addr, addr + len) (0 when any page is unsealed, or when len == 0).
 * classes == NULL fails with -EFAULT; then the range rules of mseal_range()
 * apply (no class or backend check); a hole fails with -ENOMEM.
 * Returns 0 or -errno.
 */
int mseal_query(const void *addr, size_t len, unsigned int *classes);

/* Backends, as reported by mseal_probe(). */
#define MSEAL_BACKEND_NONE 0	/* no backend can seal in this process */
#define MSEAL_BACKEND_NATIVE 1	/* the kernel's mseal(2) */
#define MSEAL_BACKEND_SECCOMP 2 /* libmseal's seccomp-BPF filters */

/* Feature bits of struct mseal_features.flags. */
#define MSEAL_FEAT_SYSCALL 0x01u       /* the kernel has mseal(2) */
#define MSEAL_FEAT_SECCOMP 0x02u       /* the kernel has seccomp filters */
#define MSEAL_FEAT_TSYNC_ESRCH 0x04u   /* SECCOMP_FILTER_FLAG_TSYNC_ESRCH */
#define MSEAL_FEAT_SPEC_ALLOW 0x08u    /* SECCOMP_FILTER_FLAG_SPEC_ALLOW */
#define MSEAL_FEAT_SYSTEM_SEALED 0x10u /* kernel sealed [vdso]/[vvar]... */
#define MSEAL_FEAT_NO_NEW_PRIVS 0x20u  /* no_new_privs is set */
#define MSEAL_FEAT_CAP_SYS_ADMIN 0x40u /* CAP_SYS_ADMIN is effective */
#define MSEAL_FEAT_SECCOMP_BACKEND \
	0x80u /* this build has the seccomp backend */
/* mseal(2) takes seal types (MM_SEAL_BASE...): class subsets, MSEAL_SEAL
 * and MSEAL_DOWNGRADEABLE go to the kernel (the kernel/ patch series). */
#define MSEAL_FEAT_SEAL_TYPES 0x100u
/* mmap(2) and mprotect(2) take PROT_SEAL and PROT_DOWNGRADEABLE:
 * mseal_mmap() and mseal_mprotect() are one system call. */
#define MSEAL_FEAT_PROT_SEAL 0x200u

/* Where the backend choice came from (struct mseal_features.backend_source). */
#define MSEAL_SOURCE_AUTO 0 /* chosen from the kernel's features */
#define MSEAL_SOURCE_ENV 1  /* forced by MSEAL_BACKEND */

struct mseal_features {
	unsigned int flags;	   /* MSEAL_FEAT_* */
	int backend;		   /* MSEAL_BACKEND_* used for MSEAL_ALL */
	int subset_backend;	   /* MSEAL_BACKEND_* used for class subsets */
	int backend_source;	   /* MSEAL_SOURCE_* */
	unsigned int reserved[12]; /* zero; room for later fields */
};

/*
 * mseal_probe - what this kernel and process can do.
 *
 * The kernel's features are probed once and cached; MSEAL_BACKEND is read
 * at the same time.  MSEAL_FEAT_NO_NEW_PRIVS and MSEAL_FEAT_CAP_SYS_ADMIN
 * are read afresh on each call.  Returns 0, or -EINVAL when MSEAL_BACKEND
 * holds a value other than auto, native or seccomp (out is still filled in,
 * with backend MSEAL_BACKEND_NONE).
 */
int mseal_probe(struct mseal_features *out);

/*
 * mseal_refuse - opt-in refusal of calls that act on memory where a seccomp
 * filter cannot see them: io_uring_setup(2), io_uring_enter(2) and
 * io_uring_register(2) (io_uring's IORING_OP_MADVISE and friends, also
 * through rings made before the call or taken from another process) and
 * userfaultfd(2).  Installs one seccomp filter answering EPERM, for every
 * thread; like a seal it cannot be undone.  userfaultfd descriptors that
 * exist already keep working, and /dev/userfaultfd is not covered.  The
 * environment variable MSEAL_REFUSE ("io_uring", "userfaultfd",
 * comma-separated) does the same at the process's first seal.  Returns 0
 * or -errno (EINVAL for unknown bits, EOPNOTSUPP without seccomp filters,
 * EBUSY while an io_uring submission thread (IORING_SETUP_SQPOLL), which
 * needs no system call, runs in the process).
 */
#define MSEAL_REFUSE_IO_URING 0x1u
#define MSEAL_REFUSE_USERFAULTFD 0x2u
int mseal_refuse(unsigned int what);

/*
 * mseal_backend_name - "none", "native" or "seccomp" for the
 * MSEAL_BACKEND_* values, "invalid" for any other value.  Never NULL.
 */
const char *mseal_backend_name(int backend);

/* What mseal_self() seals, in the program and every loaded object. */
#define MSEAL_SELF_TEXT 0x01u	/* executable segments */
#define MSEAL_SELF_RODATA 0x02u /* read-only, non-executable segments */
#define MSEAL_SELF_RELRO 0x04u	/* PT_GNU_RELRO, once ld.so protected it */
#define MSEAL_SELF_DATA 0x08u	/* writable segments (.data, .bss) */
#define MSEAL_SELF_STACK 0x10u	/* the main thread's [stack] */
#define MSEAL_SELF_SYSTEM 0x20u /* [vdso], [vvar], [vvar_vclock] */
#define MSEAL_SELF_DEFAULT \
	(MSEAL_SELF_TEXT | MSEAL_SELF_RODATA | MSEAL_SELF_RELRO)
#define MSEAL_SELF_ALL 0x3fu
/* Flags of mseal_self(). */
#define MSEAL_SELF_BEST_EFFORT 0x1u /* seal what can be sealed */

/*
 * mseal_self - seal the program's own image, as `mseal run` does at
 * start-up (the same code): the segments named by what of the program and
 * of every object loaded at the time of the call, checked against
 * /proc/self/maps, sealed with MSEAL_ALL.  On the seccomp backend, objects
 * at a fixed address (a non-PIE program; every object when address
 * randomisation is off) are left out: the filter outlives execve(2).
 * Objects dlopen'd later are not sealed: call again after a dlopen with
 * RTLD_NODELETE, and never seal an object that will be dlclose'd.
 *
 * flags 0, all or nothing: a segment not the way ld.so left it (writable,
 * unmapped) fails with -EBUSY, more than 1024 objects or 4096 ranges with
 * -E2BIG, and the batch is checked for holes before anything is sealed;
 * the native backend then seals range by range, so only a range that
 * another thread unmaps in between can leave the batch partly sealed.
 * MSEAL_SELF_BEST_EFFORT leaves such segments out; if the batch fails, it
 * seals object by object and returns the first object's error.
 * Thread-safe (calls are serialised), not async-signal-safe; allocates
 * nothing.  See mseal_self(3).  Returns 0 or -errno.
 */
int mseal_self(unsigned int what, unsigned int flags);

/*
 * mimmutable - OpenBSD's mimmutable(2).
 *
 * Rounds addr down and len up to pages and seals every mapped page in the
 * range with MSEAL_ALL; unmapped holes are allowed and stay mutable.
 * Returns 0, or -1 with errno set, as on OpenBSD: EINVAL when the range
 * wraps around; the backend errors of mseal_range() (EOPNOTSUPP, ENOSYS,
 * EINVAL for a bad MSEAL_BACKEND); ENOMEM, EIO or an open/read error of
 * /proc/self/maps.
 */
int mimmutable(void *addr, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* LIBMSEAL_MSEAL_H */

/* SPDX-License-Identifier: MIT */
/*
 * The adversarial seal fuzzer (test/t_fuzz_seal.c) in two halves: this
 * header is what they share.  t_fuzz_seal.c builds the arena, seals parts of
 * it, checks the invariant after every call and runs the differential
 * twins; fuzz_seal_gen.c draws the calls with edge-biased arguments and
 * makes them.
 */
#ifndef MSEAL_TEST_FUZZ_SEAL_H
#define MSEAL_TEST_FUZZ_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Categories: the first FZ_NOPS are the calls, the rest argument features
 * that run through several calls.  MSEAL_FUZZ_SKIP names them.
 */
enum fz_cat {
	FZ_MMAP,
	FZ_MUNMAP,
	FZ_MPROTECT,
	FZ_PKEY_MPROTECT,
	FZ_MREMAP,
	FZ_MADVISE,
	FZ_PROCESS_MADVISE,
	FZ_BRK,
	FZ_PRCTL,
	FZ_SHM,
	FZ_REMAP_FILE_PAGES,
	FZ_TOUCH,
	FZ_IO_URING,
	FZ_I386,
	FZ_X32,
	FZ_AIO,
	FZ_NOPS,
	FZ_HUGETLB = FZ_NOPS, /* MAP_HUGETLB, MFD_HUGETLB, SHM_HUGETLB */
	FZ_WRAP,	      /* lengths that wrap past the top */
	FZ_TAG,		      /* LAM tag bits 57-62 and bit 63 */
	FZ_GROWSDOWN,	      /* MAP_GROWSDOWN, PROT_GROWS*, the touch call */
	FZ_NCAT
};

/* One call: op is an FZ_* call, sub picks a variant, a[] the arguments. */
struct fz_call {
	uint8_t op, sub;
	uint64_t a[6];
	int64_t res; /* >= 0, or -errno */
};

/* A mapping set up in the arena and the part of it that is sealed. */
struct fz_region {
	const char *name;
	uintptr_t map, map_end;	  /* what was mapped */
	uintptr_t seal, seal_end; /* what was sealed (0, 0: nothing) */
	unsigned int classes;	  /* MSEAL_* */
	bool content;		  /* contents are discard-protected */
	bool growsdown;		  /* grows down: the seal follows */
	bool huge;		  /* hugetlb */
	bool quiet;		  /* no edge addresses: only brk aims here */
};

#define FZ_MAX_REGIONS 24
#define FZ_MAX_SHM 4

struct fz_world {
	size_t pg;
	uintptr_t g;		  /* the 1 GiB boundary at the arena's middle */
	uintptr_t win_lo, win_hi; /* the arena */
	uintptr_t safe_lo, safe_hi; /* no mapping but the arena's in here */
	uintptr_t low, low_hi;	    /* the arena below 4 GiB (int 0x80) */
	struct fz_region reg[FZ_MAX_REGIONS];
	int nreg;
	int memfd, hugefd, tmpfd, zerofd, pidfd; /* -1 when absent */
	int shmid[FZ_MAX_SHM];
	int nshm;
	int pkey;
	bool have_i386;
	uintptr_t heap, heap_end;   /* pages we added to the break */
	uint64_t aio_ctx;	    /* the AIO ring, wherever it went */
	uint64_t aio_len, aio_size; /* its length now, and at io_setup */
	unsigned int skip;	    /* 1u << FZ_* not drawn */
	/* io_uring: a ring set up before the seals (ring_fd -1: none) */
	int ring_fd;
	unsigned int *sq_head, *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	void *sqes, *cqes;
};

extern struct fz_world fz;

void fz_seed(uint64_t seed);
void fz_gen(struct fz_call *c);
void fz_exec(struct fz_call *c);
void fz_format(const struct fz_call *c, char *buf, size_t size);
const char *fz_cat_name(unsigned int cat);
/* Parses a comma-separated MSEAL_FUZZ_SKIP list: 0, or -1 and the bad word
 * in bad. */
int fz_parse_skip(const char *list, unsigned int *mask, char *bad, size_t size);
/* Whether int 0x80 reaches the kernel (ia32 emulation). */
bool fz_i386_works(void);
/* Sets up the ring when the kernel lets us; false when it does not. */
bool fz_uring_setup(void);

#endif

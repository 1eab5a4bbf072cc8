// SPDX-License-Identifier: MIT
/*
 * Unit tests of the /proc maps/smaps parser (src/maps_parse.c), the one
 * parser of untrusted text in the library.  fuzz/fuzz_maps.c fuzzes it.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include <sys/syscall.h>

#include "harness.h"
#include "internal.h"

#define MAX_VMAS 16

struct collected {
	struct msl_vma v[MAX_VMAS];
	int n;
	int stop_after; /* return 1 after this many, 0 = never */
};

static int collect(const struct msl_vma *v, void *arg)
{
	struct collected *c = arg;

	if (c->n == MAX_VMAS)
		FAIL("too many mappings");
	c->v[c->n++] = *v;
	return c->stop_after && c->n >= c->stop_after;
}

/* Feeds text in chunks of `chunk` bytes (0: all at once). */
static int parse(const char *text, size_t chunk, struct collected *c)
{
	struct msl_maps_parser *p = malloc(sizeof(*p));
	size_t len = strlen(text), off = 0;
	int rc = 0;

	CHECK(p != NULL);
	msl_maps_init(p, collect, c);
	if (!chunk)
		chunk = len ? len : 1;
	while (off < len && rc == 0) {
		size_t n = len - off < chunk ? len - off : chunk;

		rc = msl_maps_feed(p, text + off, n);
		off += n;
	}
	if (rc == 0)
		rc = msl_maps_finish(p);
	free(p);
	return rc;
}

static const char smaps_text[] =
	"55d0c0a00000-55d0c0a02000 r--p 00000000 fe:01 1234567   /usr/bin/x\n"
	"Size:                  8 kB\n"
	"VmFlags: rd mr mw me dw sd \n"
	"7f0000000000-7f0000001000 rw-s 00001000 00:05 42    /dev/zero (deleted)\n"
	"Size:                  4 kB\n"
	"VmFlags: rd wr sh mr mw me ms sd sl \n"
	"7ffd00000000-7ffd00021000 r-xp 00000000 00:00 0 \n"
	"ProtectionKey:         0\n"
	"VmFlags: rd ex mr mw me slx ac \n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]\n"
	"VmFlags: ex \n";

static void check_smaps(const struct collected *c)
{
	CHECK(c->n == 4);
	CHECK(c->v[0].start == 0x55d0c0a00000 && c->v[0].end == 0x55d0c0a02000);
	CHECK(c->v[0].flags == (MSL_VMA_READ | MSL_VMA_HAS_VMFLAGS));
	CHECK(c->v[0].inode == 1234567 && c->v[0].offset == 0);
	CHECK(strcmp(c->v[0].path, "/usr/bin/x") == 0);
	CHECK(c->v[1].flags == (MSL_VMA_READ | MSL_VMA_WRITE | MSL_VMA_SHARED |
				MSL_VMA_HAS_VMFLAGS | MSL_VMA_SEALED));
	CHECK(c->v[1].offset == 0x1000);
	CHECK(strcmp(c->v[1].path, "/dev/zero (deleted)") == 0);
	/* "slx" is not "sl"; "ac" is its own flag. */
	CHECK(c->v[2].flags == (MSL_VMA_READ | MSL_VMA_EXEC |
				MSL_VMA_HAS_VMFLAGS | MSL_VMA_ACCOUNTED));
	CHECK(c->v[2].path[0] == '\0');
	CHECK(c->v[3].start == 0xffffffffff600000);
	CHECK(strcmp(c->v[3].path, "[vsyscall]") == 0);
}

TEST_ONCE(parser_smaps_fields)
{
	struct collected c = { .n = 0 };

	CHECK(parse(smaps_text, 0, &c) == 0);
	check_smaps(&c);
}

TEST_ONCE(parser_any_chunking)
{
	size_t chunk;

	/* Every chunk size, down to one byte a call. */
	for (chunk = 1; chunk <= sizeof(smaps_text); chunk++) {
		struct collected c = { .n = 0 };

		CHECK(parse(smaps_text, chunk, &c) == 0);
		check_smaps(&c);
	}
}

TEST_ONCE(parser_maps_without_vmflags_and_final_newline)
{
	struct collected c = { .n = 0 };

	CHECK(parse("1000-2000 r--p 00000000 00:00 0\n"
		    "3000-5000 ---p 00000000 00:00 0   [heap]",
		    0, &c) == 0);
	CHECK(c.n == 2);
	CHECK(c.v[0].flags == MSL_VMA_READ);
	CHECK(c.v[1].start == 0x3000 && c.v[1].end == 0x5000);
	CHECK(strcmp(c.v[1].path, "[heap]") == 0);
}

TEST_ONCE(parser_rejects_malformed)
{
	static const char *bad[] = {
		"1000-2000 r--p 00000000 00:00\n", /* no inode */
		"1000-2000 rw 0 00:00 0\n",	   /* short perms */
		"1000-2000 rwxq 0 00:00 0\n",	   /* p/s */
		"1000-2000 a--p 0 00:00 0\n",	   /* perm letter */
		"2000-1000 r--p 0 00:00 0\n",	   /* start > end */
		"1000-x r--p 0 00:00 0\n",
		"1000-2000 r--p 0 0000 0\n",		/* device */
		"1000-2000 r--p 0 00:00 1x\n",		/* inode */
		"10000000000000000-2 r--p 0 00:00 0\n", /* overflow */
		"1000-2000 r--p 0 00:00 99999999999999999999999\n",
		"VmFlags: sl\n",			 /* before a header */
		" 1000-2000 r--p 0 00:00 0\n",		 /* mangled header */
		"1000-2000 r--p 0 00:00 0\nhello\n",	 /* not a field */
		"1000-2000 r--p 0 00:00 0\n\n",		 /* empty line */
		"1000-2000 r--p 0 00:00 0\nSize 4 kB\n", /* no colon */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct collected c = { .n = 0 };
		int rc = parse(bad[i], 0, &c);

		if (rc != -EPROTO)
			FAIL("case %zu: rc %d, want -EPROTO", i, rc);
	}
	/* Control: the well-formed line. */
	{
		struct collected c = { .n = 0 };

		CHECK(parse("1000-2000 r--p 0 00:00 0\n", 0, &c) == 0);
		CHECK(c.n == 1);
	}
}

TEST_ONCE(parser_long_path_truncated)
{
	size_t len = MSL_PATH_MAX + 1000;
	char *text = malloc(len + 128);
	struct collected c = { .n = 0 };
	int n;

	CHECK(text != NULL);
	n = sprintf(text, "1000-2000 r--p 0 00:00 7 /");
	memset(text + n, 'a', len);
	strcpy(text + n + len, "\nVmFlags: sl\n4000-5000 r--p 0 00:00 0\n");
	CHECK(parse(text, 100, &c) == 0);
	CHECK(c.n == 2);
	CHECK(c.v[0].flags & MSL_VMA_PATH_TRUNCATED);
	CHECK(c.v[0].flags & MSL_VMA_SEALED);
	CHECK(strlen(c.v[0].path) < MSL_PATH_MAX);
	CHECK(!(c.v[1].flags & MSL_VMA_PATH_TRUNCATED));
	free(text);
}

TEST_ONCE(parser_callback_stops)
{
	struct collected c = { .n = 0, .stop_after = 2 };

	CHECK(parse(smaps_text, 7, &c) == 1);
	CHECK(c.n == 2);
}

struct live_count {
	int n, sealed;
};

static int live_fn(const struct msl_vma *v, void *arg)
{
	struct live_count *l = arg;

	l->n++;
	l->sealed += !!(v->flags & MSL_VMA_SEALED);
	return 0;
}

/* The parser and the harness's independent sscanf reader agree on this
 * process's real smaps, with one seal made for the purpose. */
TEST_ONCE(parser_agrees_on_live_smaps)
{
	struct live_count l = { 0, 0 };
	char *p = map_anon(1, PROT_READ);
	int all;

	/* The kernel's own seal, for an sl flag to read. */
	if (syscall(462, p, ctx->page, 0UL) != 0)
		SKIP("the kernel lacks mseal(2): no sl flag to read (%s)",
		     strerror(errno));
	all = maps_count(NULL, (size_t)-1);
	CHECK(msl_maps_read("/proc/self/smaps", live_fn, &l) == 0);
	CHECK(l.n == all);
	CHECK(l.sealed >= 1);
	CHECK(l.sealed >= count_user_sealed());
	CHECK(msl_maps_read("/nonexistent/smaps", live_fn, &l) == -ENOENT);
}

// SPDX-License-Identifier: MIT
/*
 * The record of seccomp seals (src/record.c): its parser on good and bad
 * text, `mseal maps PID` of a child that sealed (both backends, with an
 * unsealed control), across execve, and records forged or corrupted by
 * the process itself, which must be shown as such and change no row.
 * fuzz/fuzz_record.c fuzzes the parser.
 */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "harness.h"
#include "record.h"

#define PAGE 4096u

static int parse_text(const char *text, struct msl_record *rec)
{
	return msl_record_parse(text, strlen(text), PAGE, rec);
}

TEST_ONCE(record_parses_what_it_writes)
{
	struct msl_record_range r[3] = {
		{ 0x1000, 0x3000, MSEAL_ALL },
		{ 0x7fff00000000, 0x7fff00001000, MSEAL_PROT },
		{ 0x0, 0x1000, MSEAL_BASE | MSEAL_DISCARD },
	};
	struct msl_record in = { 12, r, 3 }, out;
	char buf[512];
	size_t len = msl_record_format(&in, buf, sizeof(buf));

	buf[len] = '\0';
	CHECK(!strcmp(buf, "libmseal-seals 1\nfilters 12\n1000-3000 7\n"
			   "7fff00000000-7fff00001000 2\n0-1000 5\n"));
	CHECK_OK(msl_record_parse(buf, len, PAGE, &out));
	CHECK(out.filters == 12 && out.n == 3);
	for (size_t i = 0; i < 3; i++)
		CHECK(out.r[i].start == r[i].start &&
		      out.r[i].end == r[i].end &&
		      out.r[i].classes == r[i].classes);
	msl_record_free(&out);
	/* No ranges at all is a record too. */
	CHECK_OK(parse_text("libmseal-seals 1\nfilters 1\n", &out));
	CHECK(out.n == 0 && out.r == NULL);
}

TEST_ONCE(record_parser_refuses_anything_else)
{
	static const char *const bad[] = {
		"",
		"libmseal-seals 2\nfilters 1\n",
		"libmseal-seals 1\nfilters 0\n",
		"libmseal-seals 1\nfilters 01\n",
		"libmseal-seals 1\nfilters 12345678\n",
		"libmseal-seals 1\nfilters 1",
		"libmseal-seals 1\nfilters -1\n",
		"libmseal-seals 1\nfilters 1\n1000-2000 7",
		"libmseal-seals 1\nfilters 1\n1000-2000 0\n",
		"libmseal-seals 1\nfilters 1\n1000-2000 8\n",
		"libmseal-seals 1\nfilters 1\n1000-2000 77\n",
		"libmseal-seals 1\nfilters 1\n1000-2000  7\n",
		"libmseal-seals 1\nfilters 1\n2000-1000 7\n",
		"libmseal-seals 1\nfilters 1\n1000-1000 7\n",
		"libmseal-seals 1\nfilters 1\n1001-2000 7\n",
		"libmseal-seals 1\nfilters 1\n1000-2800 7\n",
		"libmseal-seals 1\nfilters 1\n01000-2000 7\n",
		"libmseal-seals 1\nfilters 1\n0x1000-2000 7\n",
		"libmseal-seals 1\nfilters 1\n1000-2000 7\n\n",
		"libmseal-seals 1\nfilters 1\nA000-B000 7\n",
		"libmseal-seals 1\nfilters 1\n1000-10000000000000000 7\n",
		"libmseal-seals 1\nfilters 1\n-2000 7\n",
		"libmseal-seals 1\nfilters 1\n1000- 7\n",
		"libmseal-seals 1\r\nfilters 1\n",
	};
	struct msl_record rec;
	char nul[] = "libmseal-seals 1\nfilters 1\n1000-2000 7\n";

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_text(bad[i], &rec) != -EPROTO)
			FAIL("accepted bad record %zu: %s", i, bad[i]);
	/* A NUL inside, and the same text cut short. */
	nul[30] = '\0';
	CHECK(msl_record_parse(nul, sizeof(nul) - 1, PAGE, &rec) == -EPROTO);
	/* Control: the good line is good. */
	nul[30] = '0';
	CHECK_OK(msl_record_parse(nul, sizeof(nul) - 1, PAGE, &rec));
	CHECK(rec.n == 1);
	msl_record_free(&rec);
}

/*
 * A child that maps a sealed page and an unsealed control page (separate
 * mappings, each one page), seals the first, then optionally execs a
 * shell that waits: the test reads it with the tool while it waits.
 */
struct held {
	pid_t pid;
	int hold;
	char *sealed, *control;
};

static void hold_child(struct test_ctx *ctx, struct held *h, bool exec)
{
	int ready[2], hold[2];
	char buf[8];

	h->sealed = map_anon(1, PROT_READ);
	h->control = map_anon(1, PROT_READ);
	/* Not neighbours: one mapping each, whatever the backend. */
	CHECK(maps_count(h->sealed, ctx->page) == 1);
	CHECK_SYS_OK(pipe(ready));
	CHECK_SYS_OK(pipe(hold));
	h->pid = fork();
	CHECK(h->pid >= 0);
	if (h->pid == 0) {
		close(ready[0]);
		close(hold[1]);
		if (mseal_range(h->sealed, ctx->page, MSEAL_ALL) ||
		    !prot_refused(h->sealed, ctx->page, PROT_READ) ||
		    prot_refused(h->control, ctx->page, PROT_READ))
			_exit(1);
		if (exec) {
			dup2(hold[0], 0);
			dup2(ready[1], 1);
			execl("/bin/sh", "sh", "-c", "echo ok; read x", NULL);
			_exit(127);
		}
		(void)!write(ready[1], "ok\n", 3);
		(void)!read(hold[0], buf, 1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	/* One line: the child keeps its end open. */
	memset(buf, 0, sizeof(buf));
	CHECK(read(ready[0], buf, 3) == 3 && !strcmp(buf, "ok\n"));
	close(ready[0]);
	h->hold = hold[1];
}

static void release(struct held *h)
{
	int status;

	close(h->hold);
	CHECK(waitpid(h->pid, &status, 0) == h->pid);
}

static const char *json_row(char *out, const void *addr)
{
	char key[64], *p, *e;

	snprintf(key, sizeof(key), "{\"start\":\"0x%lx\"", (unsigned long)addr);
	p = strstr(out, key);
	if (!p)
		FAIL("no mapping at %p in:\n%.2000s", addr, out);
	e = strchr(p, '}');
	CHECK(e != NULL);
	*e = '\0';
	return p;
}

TEST(maps_shows_a_childs_seccomp_seal_and_its_classes)
{
	struct tool_run *r = malloc(sizeof(*r));
	struct held h;
	char pid[16];
	const char *m;

	CHECK(r != NULL);
	hold_child(ctx, &h, false);
	snprintf(pid, sizeof(pid), "%d", (int)h.pid);
	run_tool(r, (char *[]){ "mseal", "maps", "--json", pid, NULL }, NULL);
	CHECK(r->status == 0);
	if (backend_is_native()) {
		/* The kernel's seal; no record, no filter. */
		CHECK(strstr(r->out, "\"seccomp_record\":{\"state\":\"none\""));
		m = json_row(r->out, h.sealed);
		CHECK(strstr(m, "\"sealed\":true,\"by_record\":false"));
	} else {
		CHECK(strstr(r->out, "\"seccomp_record\":{\"state\":\"ok\","));
		m = json_row(r->out, h.sealed);
		CHECK(strstr(m, "\"sealed\":true,\"by_record\":true,"
				"\"seal_classes\":\"yes\""));
	}
	/* Control: the page beside it. */
	m = json_row(r->out, h.control);
	CHECK(strstr(m, "\"sealed\":false,\"by_record\":false"));
	run_tool(r, (char *[]){ "mseal", "maps", pid, NULL }, NULL);
	CHECK(r->status == 0);
	if (!backend_is_native())
		CHECK(strstr(r->out, "; seccomp: ") &&
		      strstr(r->out, " in the record of ") &&
		      strstr(r->out, ", marked *"));
	release(&h);
	free(r);
}

TEST(maps_shows_seccomp_seals_after_execve)
{
	struct tool_run *r = malloc(sizeof(*r));
	struct held h;
	char pid[16];

	CHECK(r != NULL);
	hold_child(ctx, &h, true);
	snprintf(pid, sizeof(pid), "%d", (int)h.pid);
	run_tool(r, (char *[]){ "mseal", "maps", "--json", "-s", pid, NULL },
		 NULL);
	CHECK(r->status == 0);
	if (backend_is_native())
		/* The seal ended with the old address space. */
		CHECK(strstr(r->out, "\"seccomp_record\":{\"state\":\"none\""));
	else
		CHECK(strstr(r->out, "\"seccomp_record\":{\"state\":\"ok\","));
	release(&h);
	free(r);
}

/*
 * A program exec'd under inherited filters republishes the ranges its
 * predecessor sealed with its own, whether its seal installs a filter
 * (MSEAL_ALL) or only a record (MSEAL_SEAL alone).  Control: the classes
 * in force; a page of its own sealed without a filter is not listed.
 */
TEST_ONCE(record_after_execve_keeps_the_inherited_ranges)
{
	char *p = map_anon(1, PROT_READ);
	char mode[96], line[64];

	use_seccomp();
	SEAL(p, ctx->page);
	snprintf(mode, sizeof(mode), "record-after-exec:%lx:%lx:%u",
		 (unsigned long)p, (unsigned long)ctx->page, MSEAL_ALL);
	exec_helper_line(mode, "seccomp", line, sizeof(line));
	if (strcmp(line, "ok old Y new Y") != 0)
		FAIL("MSEAL_ALL after execve: '%s'", line);
	snprintf(mode, sizeof(mode), "record-after-exec:%lx:%lx:%u",
		 (unsigned long)p, (unsigned long)ctx->page, MSEAL_SEAL);
	exec_helper_line(mode, "seccomp", line, sizeof(line));
	if (strcmp(line, "ok old Y new N") != 0)
		FAIL("MSEAL_SEAL after execve: '%s'", line);
}

/* Publishes text as a record, sealed or not, in this (forked) process. */
static void forge(const char *text, bool seal)
{
	int fd = memfd_create(MSL_RECORD_NAME, MFD_ALLOW_SEALING);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		_exit(126);
	if (seal &&
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK))
		_exit(126);
}

static char forged[256];

static void forge_corrupt(void)
{
	forge("libmseal-seals 1\nfilters 1\nnot a range\n", true);
}

static void forge_writable(void)
{
	forge(forged, false);
}

static void forge_excess(void)
{
	forge(forged, true);
}

static void forge_two(void)
{
	forge(forged, true);
	forge(forged, true);
}

/* The same claim, and one filter of any kind that makes it plausible. */
static void forge_with_a_filter(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		_exit(126);
	forge(forged, true);
}

TEST_ONCE(maps_shows_a_forged_or_corrupt_record_as_such)
{
	static const struct {
		void (*setup)(void);
		const char *state, *note;
	} cases[] = {
		{ forge_corrupt, "corrupt",
		  "; seccomp: record corrupt, ignored" },
		{ forge_writable, "writable",
		  "; seccomp: record writable, ignored" },
		{ forge_excess, "excess", "; seccomp: record excess, ignored" },
		{ forge_two, "several", "; seccomp: record several, ignored" },
	};
	struct tool_run *r = malloc(sizeof(*r));
	char want[96];

	CHECK(r != NULL);
	/* Claims the tool's own pages (its stack among them) with 3
	 * filters, where the kernel counts none. */
	snprintf(forged, sizeof(forged),
		 "libmseal-seals 1\nfilters 3\n1000-7ffffffff000 7\n");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_tool(
			r,
			(char *[]){ "mseal", "maps", "--self", "--json", NULL },
			cases[i].setup);
		CHECK(r->status == 0);
		snprintf(want, sizeof(want),
			 "\"seccomp_record\":{\"state\":\"%s\"",
			 cases[i].state);
		if (!strstr(r->out, want))
			FAIL("case %s: %.3000s", cases[i].state, r->out);
		/* Nothing taken from it. */
		CHECK(!strstr(r->out, "\"by_record\":true"));
		run_tool(r, (char *[]){ "mseal", "maps", "--self", "-s", NULL },
			 cases[i].setup);
		CHECK(r->status == 0 && strstr(r->out, cases[i].note));
	}
	/*
	 * The limit, as libmseal(7) says: a process that holds filters can
	 * claim any ranges for them.  With one real seal the claim of one
	 * filter is believed (the row is marked as the record's).
	 */
	snprintf(forged, sizeof(forged),
		 "libmseal-seals 1\nfilters 1\n1000-7ffffffff000 7\n");
	run_tool(r, (char *[]){ "mseal", "maps", "--self", "--json", NULL },
		 forge_with_a_filter);
	if (r->status == 126)
		SKIP("cannot install a seccomp filter here");
	CHECK(r->status == 0);
	CHECK(strstr(r->out, "\"seccomp_record\":{\"state\":\"ok\""));
	CHECK(strstr(r->out, "\"by_record\":true"));
	free(r);
}

/*
 * mseal_query never answers from a record, which the process can forge:
 * after execve it asks the filters (libmseal(7)).  Here a forged record
 * claims a page that an allow-all filter does not guard.
 */
TEST_ONCE(query_does_not_believe_a_record)
{
	char *claimed = map_anon(1, PROT_READ),
	     *sealed = map_anon(1, PROT_READ);
	unsigned int c;

	use_seccomp();
	snprintf(forged, sizeof(forged),
		 "libmseal-seals 1\nfilters 1\n%lx-%lx 7\n",
		 (unsigned long)claimed, (unsigned long)claimed + ctx->page);
	forge_with_a_filter();
	CHECK_OK(mseal_query(claimed, ctx->page, &c));
	CHECK(c == 0);
	CHECK(!prot_refused(claimed, ctx->page, PROT_READ));
	/* Control: a real seal beside it is answered. */
	SEAL(sealed, ctx->page);
	CHECK_OK(mseal_query(sealed, ctx->page, &c));
	CHECK(c == MSEAL_ALL);
	CHECK_OK(mseal_query(claimed, ctx->page, &c));
	CHECK(c == 0);
}

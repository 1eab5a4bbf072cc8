// SPDX-License-Identifier: MIT
/*
 * mseal maps on a process whose seals are known: a child seals one page
 * and every code mapping, leaves a control page unsealed, and the tool must
 * report exactly that.  Also the tool on a kernel without mseal(2),
 * simulated by a seccomp filter that answers ENOSYS.  The exit codes and
 * output formats are tested by the scripts in test/shell/maps-*.sh.
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "harness.h"

#ifndef __NR_mseal
#define __NR_mseal 462
#endif

/* Seals every file-backed executable mapping of this process. */
static int seal_code(void)
{
	char line[4608];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end, inode;
		char perms[5];

		if (sscanf(line, "%lx-%lx %4s %*s %*s %lu", &start, &end, perms,
			   &inode) != 4)
			continue;
		if (perms[2] != 'x' || inode == 0)
			continue;
		if (mseal_range((void *)start, end - start, MSEAL_ALL))
			return -1;
		n++;
	}
	fclose(f);
	return n;
}

/* The JSON object of the mapping that starts at addr, cut at its end. */
static const char *json_mapping(char *out, const void *addr)
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

/*
 * On the seccomp backend the child's seals are filters: the tool shows
 * them from the record the child published (src/record.c, libmseal(7)).
 */
/* stderr is empty, or without mseal(2) holds the tool's one-line note. */
static void check_no_mseal_note(const struct tool_run *r)
{
	if (syscall(462, NULL, 0UL, 0UL) == 0)
		CHECK(r->err[0] == '\0');
	else
		CHECK(strstr(r->err, "no mseal(2)") &&
		      strchr(r->err, '\n') == r->err + strlen(r->err) - 1);
}

TEST(maps_reports_a_childs_seals)
{
	char *sealed = map_anon(1, PROT_READ),
	     *control = map_anon(1, PROT_READ);
	char pidbuf[16], buf[64], line[256];
	int ready[2], hold[2], ncode;
	struct tool_run *r = malloc(sizeof(*r));
	const char *m;
	pid_t child;

	CHECK(r != NULL);
	CHECK_SYS_OK(pipe(ready));
	CHECK_SYS_OK(pipe(hold));
	child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		close(ready[0]);
		close(hold[1]);
		ncode = seal_code();
		if (ncode <= 0 || mseal_range(sealed, ctx->page, MSEAL_ALL))
			_exit(1);
		if (!prot_refused(sealed, ctx->page, PROT_READ) ||
		    prot_refused(control, ctx->page, PROT_READ))
			_exit(1);
		dprintf(ready[1], "%d\n", ncode);
		close(ready[1]);
		/* Until the parent closes its end. */
		(void)!read(hold[0], buf, 1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	slurp(ready[0], buf, sizeof(buf));
	ncode = atoi(buf);
	CHECK(ncode > 0);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)child);

	run_tool(r, (char *[]){ "mseal", "maps", "--json", pidbuf, NULL },
		 NULL);
	/* Without mseal(2) the tool says so, on one line. */
	CHECK(r->status == 0);
	check_no_mseal_note(r);
	m = json_mapping(r->out, sealed);
	CHECK(strstr(m, "\"sealed\":true") &&
	      strstr(m, "\"class\":\"rodata\""));
	/* On the seccomp backend, as the child's record claims it. */
	CHECK(strstr(m, backend_is_native() ? "\"by_record\":false" :
					      "\"by_record\":true"));
	m = json_mapping(r->out, control);
	/* Control: the page beside it, mapped the same way, unsealed. */
	CHECK(strstr(m, "\"sealed\":false") &&
	      strstr(m, "\"class\":\"rodata\""));

	run_tool(r, (char *[]){ "mseal", "maps", "--csv", pidbuf, NULL }, NULL);
	CHECK(r->status == 0);
	snprintf(line, sizeof(line), ",0x%lx,0x%lx,%zu,r--p,0,0,rodata,yes,\n",
		 (unsigned long)sealed, (unsigned long)sealed + ctx->page,
		 ctx->page);
	CHECK(strstr(r->out, line) != NULL);
	snprintf(line, sizeof(line), ",0x%lx,0x%lx,%zu,r--p,0,0,rodata,no,\n",
		 (unsigned long)control, (unsigned long)control + ctx->page,
		 ctx->page);
	CHECK(strstr(r->out, line) != NULL);

	/* Every code mapping is sealed, the writable ones are not. */
	run_tool(r, (char *[]){ "mseal", "maps", "-s", pidbuf, NULL }, NULL);
	snprintf(line, sizeof(line), "sealed: text %d/%d,", ncode, ncode);
	CHECK(r->status == 0 && strstr(r->out, line));
	CHECK(strstr(r->out, "(text sealed: 100%, rodata "));
	run_tool(r, (char *[]){ "mseal", "maps", "--check", pidbuf, NULL },
		 NULL);
	CHECK(r->status == 0);
	run_tool(r,
		 (char *[]){ "mseal", "maps", "--check=code,writable", pidbuf,
			     NULL },
		 NULL);
	CHECK(r->status == 3);
	/* Nothing on stderr but, without mseal(2), the tool's one line. */
	check_no_mseal_note(r);

	close(hold[1]);
	CHECK(waitpid(child, NULL, 0) == child);
	free(r);
}

/* What a kernel before 6.10 answers: ENOSYS for mseal(2), nothing else. */
static void hide_mseal(void)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mseal, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(insns) / sizeof(insns[0]), insns };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		_exit(126);
}

TEST_ONCE(maps_says_when_the_kernel_lacks_mseal)
{
	struct tool_run *r = malloc(sizeof(*r));

#ifndef __x86_64__
	SKIP("the ENOSYS filter is written for x86-64");
#endif
	CHECK(r != NULL);
	run_tool(r, (char *[]){ "mseal", "maps", "--self", "--json", NULL },
		 hide_mseal);
	if (r->status == 126)
		SKIP("cannot install a seccomp filter here");
	CHECK(r->status == 0);
	CHECK(strstr(r->err, "mseal: maps: this kernel has no mseal(2)"));
	CHECK(strstr(r->err, "(shown for --self)\n"));
	CHECK(strstr(r->out, "{\"kernel_mseal\":false,\"library_view\":true,"));
	run_tool(r, (char *[]){ "mseal", "maps", "-s", "--all", NULL },
		 hide_mseal);
	CHECK(r->status == 0);
	CHECK(strstr(r->err, "(try --self)\n"));
	/* Control: without the filter, the note exactly when this kernel
	 * lacks mseal(2), asked here rather than of the library: a 0-length
	 * mseal(2) succeeds wherever the call exists. */
	run_tool(r, (char *[]){ "mseal", "maps", "--self", "--json", NULL },
		 NULL);
	CHECK(r->status == 0);
	if (syscall(__NR_mseal, 0UL, 0UL, 0UL) == 0) {
		CHECK(!strstr(r->err, "no mseal(2)"));
		CHECK(strstr(r->out,
			     "{\"kernel_mseal\":true,\"library_view\":true,"));
	} else {
		CHECK(errno == ENOSYS);
		CHECK(strstr(r->err,
			     "mseal: maps: this kernel has no mseal(2)"));
		CHECK(strstr(r->out,
			     "{\"kernel_mseal\":false,\"library_view\":true,"));
	}
	free(r);
}

/*
 * With the kernel's seal types (kernel/patches) the tool reads each
 * mapping's types from another process's smaps (sb sp sz sk sg).  On the
 * seccomp backend it reads the process's record, which lists what the
 * filters guard: MSEAL_SEAL, the library's own rule, is not in it (and a
 * record with it must still parse).
 */
TEST(maps_shows_a_childs_seal_types)
{
	/* Three mappings apart (different protections never merge): the
	 * seccomp backend does not split a mapping where a seal ends. */
	struct {
		char *addr;
		unsigned int classes;
		const char *native, *seccomp;
	} m3[3] = {
		{ map_anon(1, PROT_READ), MSEAL_BASE | MSEAL_DISCARD,
		  "\"seal_classes\":\"base+discard\"",
		  "\"seal_classes\":\"base+discard\"" },
		{ map_anon(1, PROT_READ | PROT_WRITE), MSEAL_ALL | MSEAL_SEAL,
		  "\"seal_classes\":\"yes+seal\"", "\"seal_classes\":\"yes\"" },
		/* Control: unsealed. */
		{ map_anon(1, PROT_NONE), 0, "\"seal_classes\":\"no\"",
		  "\"seal_classes\":\"no\"" },
	};
	struct tool_run *r = malloc(sizeof(*r));
	char pidbuf[16], buf[8];
	int ready[2], hold[2];
	struct mseal_features f;
	bool native;
	pid_t child;

	CHECK(r != NULL);
	CHECK_OK(mseal_probe(&f));
	if (f.subset_backend == MSEAL_BACKEND_NONE)
		SKIP("class sets cannot be sealed here (no seal types; "
		     "MSEAL_BACKEND=native)");
	native = f.subset_backend == MSEAL_BACKEND_NATIVE;
	CHECK_SYS_OK(pipe(ready));
	CHECK_SYS_OK(pipe(hold));
	child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		close(ready[0]);
		close(hold[1]);
		for (int i = 0; i < 2; i++)
			if (mseal_range(m3[i].addr, ctx->page, m3[i].classes))
				_exit(1);
		(void)!write(ready[1], "1", 1);
		close(ready[1]);
		(void)!read(hold[0], buf, 1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	slurp(ready[0], buf, sizeof(buf));
	CHECK(buf[0] == '1');
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)child);
	run_tool(r, (char *[]){ "mseal", "maps", "--json", pidbuf, NULL },
		 NULL);
	close(hold[1]);
	CHECK(waitpid(child, NULL, 0) == child);
	CHECK(r->status == 0);
	/* From the highest address: json_mapping() cuts the text after the
	 * mapping it finds. */
	for (int k = 0; k < 3; k++) {
		int hi = -1;

		for (int i = 0; i < 3; i++)
			if (m3[i].addr && (hi < 0 || m3[i].addr > m3[hi].addr))
				hi = i;
		const char *m = json_mapping(r->out, m3[hi].addr);

		if (!strstr(m, native ? m3[hi].native : m3[hi].seccomp))
			FAIL("mapping %d: %s", hi, m);
		CHECK(!!strstr(m, "\"sealed\":true") ==
		      ((m3[hi].classes & MSEAL_ALL) == MSEAL_ALL));
		m3[hi].addr = NULL;
	}
	free(r);
}

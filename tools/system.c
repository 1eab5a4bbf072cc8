// SPDX-License-Identifier: MIT
/*
 * mseal system enable | disable | status [--root DIR]: libmseal's system
 * mode (mseal-system(8)).  Everything lives in three files under DIR:
 *
 *   /etc/ld.so.preload        one line of ours: the preload's path
 *   /etc/mseal/system.conf    the policy (kept if the admin had one)
 *   /etc/mseal/system.state   the record of what enable changed
 *
 * enable writes them in that order backwards (the line last, so the
 * preload never runs without its policy); disable reads the record and
 * undoes exactly what it lists (the line first).  Files are replaced by a
 * rename of a sibling, never rewritten in place: a crash leaves the old or
 * the new file, and ld.so never reads half a line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "classes.h"
#include "internal.h"
#include "maps.h"
#include "mseal.h"
#include "sysconf.h"
#include "tool.h"

#define PRELOAD_LIST "/etc/ld.so.preload"
#define CONF_DIR "/etc/mseal"
#define CONF_FILE MSL_SYSCONF_PATH
#define STATE_FILE "/etc/mseal/system.state"
#define PRELOAD_BASE "libmseal-preload.so"
#define TEXT_MAX (1024 * 1024)

static const char default_conf[] =
	"# libmseal system mode: what every program started is sealed with.\n"
	"# See mseal-system(8).  Written by `mseal system enable`; `mseal\n"
	"# system disable` removes it again unless it was edited.\n"
	"seal = default\n"
	"dlopen = pin\n"
	"# Programs left out, one absolute path per line (a path ending in /\n"
	"# leaves out everything under it), for example:\n"
	"# exclude = /usr/local/bin/jit-that-reprotects-its-text\n";

/* What the record says enable did. */
struct state {
	char line[4096];   /* the line added to PRELOAD_LIST, "" if none */
	bool created_list; /* PRELOAD_LIST did not exist */
	bool list_unended; /* PRELOAD_LIST did not end in a newline */
	bool created_dir;  /* CONF_DIR did not exist */
	bool created_conf; /* CONF_FILE did not exist */
};

struct opts {
	const char *root;
	const char *preload;
	bool force;
	bool live; /* root is / */
};

__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("mseal: system: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static void system_usage(FILE *f)
{
	fprintf(f, "usage: mseal system enable [--root DIR] [--preload PATH] "
		   "[--force]\n"
		   "       mseal system disable [--root DIR]\n"
		   "       mseal system status [--root DIR]\n"
		   "See mseal-system(8).\n");
}

/* DIR + path, "/etc/x" under "/" staying "/etc/x". */
static const char *in_root(const struct opts *o, const char *path, char *buf,
			   size_t size)
{
	size_t n = strlen(o->root);

	while (n > 1 && o->root[n - 1] == '/')
		n--;
	if (n == 1 && o->root[0] == '/')
		n = 0;
	snprintf(buf, size, "%.*s%s", (int)n, o->root, path);
	return buf;
}

/*
 * Reads a whole (small) file; -ENOENT when missing.  Never through a
 * symbolic link (ELOOP): under --root an absolute link would lead out of
 * the image, and a file it reads is one it may replace.
 */
static int read_text(const char *path, char **text, size_t *len)
{
	char *buf = malloc(TEXT_MAX + 1);
	size_t used = 0;
	ssize_t n;
	int fd, e;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0) {
		e = errno;
		free(buf);
		return -e;
	}
	do {
		n = read(fd, buf + used, TEXT_MAX + 1 - used);
		if (n > 0)
			used += (size_t)n;
	} while ((n > 0 && used <= TEXT_MAX) || (n < 0 && errno == EINTR));
	e = n < 0 ? errno : used > TEXT_MAX ? EFBIG : 0;
	close(fd);
	if (e) {
		free(buf);
		return -e;
	}
	buf[used] = '\0';
	*text = buf;
	*len = used;
	return 0;
}

/*
 * Replaces path with len bytes of text: written to path.mseal-new, synced,
 * given the old file's mode and owner (or mode), renamed over path.
 */
static int write_text(const char *path, const char *text, size_t len,
		      mode_t mode)
{
	char tmp[4200];
	struct stat st;
	bool had = stat(path, &st) == 0;
	size_t done = 0;
	int fd, e = 0;

	snprintf(tmp, sizeof(tmp), "%s.mseal-new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return -errno;
	while (done < len && !e) {
		ssize_t n = write(fd, text + done, len - done);

		if (n > 0)
			done += (size_t)n;
		else if (n < 0 && errno != EINTR)
			e = errno;
	}
	if (!e && fchmod(fd, had ? st.st_mode & 07777 : mode))
		e = errno;
	if (!e && had && fchown(fd, st.st_uid, st.st_gid) && errno != EPERM)
		e = errno;
	if (!e && fsync(fd))
		e = errno;
	if (close(fd) && !e)
		e = errno;
	if (!e && rename(tmp, path))
		e = errno;
	if (e)
		unlink(tmp);
	return -e;
}

/* The line, without blanks around it, of text[start, end). */
static bool line_is(const char *s, size_t n, const char *want)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return strlen(want) == n && !strncmp(s, want, n);
}

/*
 * Finds the last line of text equal to want (or, want == NULL, the last
 * one whose file name is libmseal-preload.so, copied to found).  Returns
 * its offset, or -1.
 */
static long find_line(const char *text, size_t len, const char *want,
		      char *found, size_t size)
{
	size_t pos = 0;
	long at = -1;

	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		const char *base;

		if (want && line_is(s, n, want)) {
			at = (long)pos;
		} else if (!want && n < size) {
			memcpy(found, s, n);
			found[n] = '\0';
			found[strcspn(found, " \t\r")] = '\0';
			base = strrchr(found, '/');
			if (line_is(base ? base + 1 : found,
				    strlen(base ? base + 1 : found),
				    PRELOAD_BASE))
				at = (long)pos;
		}
		pos += n + (nl != NULL);
	}
	if (!want && at >= 0) {
		const char *s = text + at, *nl = memchr(s, '\n', len - at);
		size_t n = nl ? (size_t)(nl - s) : len - at;

		snprintf(found, size, "%.*s", (int)n, s);
		found[strcspn(found, " \t\r")] = '\0';
	}
	return at;
}

static int read_state(const char *path, struct state *st)
{
	char *text, *line, *save = NULL;
	size_t len;
	int rc;

	memset(st, 0, sizeof(*st));
	rc = read_text(path, &text, &len);
	if (rc)
		return rc;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "preload-line ", 13))
			snprintf(st->line, sizeof(st->line), "%s", line + 13);
		else if (!strcmp(line, "created " PRELOAD_LIST))
			st->created_list = true;
		else if (!strcmp(line, "unended " PRELOAD_LIST))
			st->list_unended = true;
		else if (!strcmp(line, "created " CONF_DIR))
			st->created_dir = true;
		else if (!strcmp(line, "created " CONF_FILE))
			st->created_conf = true;
		else if (line[0] != '#') {
			free(text);
			return -EPROTO;
		}
	}
	free(text);
	return 0;
}

static int write_state(const char *path, const struct state *st)
{
	char text[4600];
	int n;

	n = snprintf(text, sizeof(text),
		     "# Written by mseal system enable, read by mseal system "
		     "disable: what enable changed.\n"
		     "preload-line %s\n%s%s%s%s",
		     st->line,
		     st->created_list ? "created " PRELOAD_LIST "\n" : "",
		     st->list_unended ? "unended " PRELOAD_LIST "\n" : "",
		     st->created_dir ? "created " CONF_DIR "\n" : "",
		     st->created_conf ? "created " CONF_FILE "\n" : "");
	return write_text(path, text, (size_t)n, 0644);
}

static bool kernel_can_seal(void)
{
	struct mseal_features f;

	mseal_probe(&f);
	return (f.flags & MSEAL_FEAT_SYSCALL) &&
	       msl_config()->backend_all == MSEAL_BACKEND_NATIVE;
}

/*
 * On a live system: /bin/true with the preload and the policy, as every
 * program will run.  Anything on its stderr (ld.so cannot load the
 * preload, the preload cannot seal) or a failure refuses the enable.
 */
static int trial_run(const char *preload, const char *conf)
{
	char errpath[] = "/tmp/mseal-system-trial-XXXXXX", buf[512];
	int fd = mkstemp(errpath), status;
	ssize_t n = 0;
	pid_t pid;

	if (fd < 0)
		return fail("cannot make a temporary file: %s",
			    strerror(errno));
	unlink(errpath);
	pid = fork();
	if (pid == 0) {
		dup2(fd, 2);
		setenv("LD_PRELOAD", preload, 1);
		setenv("MSEAL_SYSTEM_CONF", conf, 1);
		setenv("MSEAL_SYSTEM_LOG", "stderr", 1);
		unsetenv("MSEAL_BACKEND");
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		close(fd);
		return fail("cannot run /bin/true: %s", strerror(errno));
	}
	if (lseek(fd, 0, SEEK_SET) == 0)
		n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) || n > 0)
		return fail("refusing: /bin/true with %s %s%s%s", preload,
			    n > 0 ? "said: " : "failed", n > 0 ? buf : "",
			    n > 0 ? "" : " (status unknown)");
	return 0;
}

static int check_preload_path(const struct opts *o)
{
	char path[4200];
	unsigned char magic[4];
	struct stat st;
	int fd;

	if (o->preload[0] != '/' || strpbrk(o->preload, " \t\n\r:"))
		return fail("--preload '%s': an absolute path without white "
			    "space or colons is needed (ld.so.preload splits "
			    "at them)",
			    o->preload);
	in_root(o, o->preload, path, sizeof(path));
	if (stat(path, &st))
		return fail("%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail("%s: not a regular file", path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, magic, 4) != 4 || memcmp(magic, "\177ELF", 4)) {
		if (fd >= 0)
			close(fd);
		return fail("%s: not an ELF shared object", path);
	}
	close(fd);
	return 0;
}

static int cmd_enable(const struct opts *o)
{
	char list[4200], conf[4200], dir[4200], statep[4200], err[400];
	static struct msl_sysconf sc;
	struct state st = { 0 }, old;
	char *text = NULL, *out;
	size_t len = 0;
	struct stat sb;
	int rc;

	if (check_preload_path(o))
		return 1;
	if (!kernel_can_seal()) {
		const char *why =
			"the running kernel has no mseal(2) (or MSEAL_BACKEND "
			"picks another backend), and system mode seals with "
			"mseal(2) only: the seccomp backend's filters outlive "
			"execve and would pile up in every program";

		if (o->live || !o->force)
			return fail("refusing to enable: %s%s", why,
				    o->live ? "" :
					      " (--force: for an image that "
					      "boots another kernel)");
		fprintf(stderr,
			"mseal: system: warning: %s; enabling in %s "
			"anyway (--force)\n",
			why, o->root);
	}
	in_root(o, PRELOAD_LIST, list, sizeof(list));
	in_root(o, CONF_FILE, conf, sizeof(conf));
	in_root(o, CONF_DIR, dir, sizeof(dir));
	in_root(o, STATE_FILE, statep, sizeof(statep));
	rc = read_text(list, &text, &len);
	if (rc && rc != -ENOENT)
		return fail("%s: %s", list, strerror(-rc));
	rc = read_state(statep, &old);
	if (rc == 0) {
		bool there =
			text && find_line(text, len, old.line, NULL, 0) >= 0;

		free(text);
		if (there && !strcmp(old.line, o->preload)) {
			printf("mseal system: already enabled in %s (%s)\n",
			       o->root, o->preload);
			return 0;
		}
		return fail("%s records another or an unfinished enable "
			    "(line '%s'): run mseal system disable first",
			    statep, old.line);
	}
	if (rc != -ENOENT) {
		free(text);
		return fail("%s: %s", statep,
			    rc == -EPROTO ? "not a record of mseal system" :
					    strerror(-rc));
	}
	if (text && find_line(text, len, NULL, err, sizeof(err)) >= 0) {
		free(text);
		return fail("%s names %s already, without a record of "
			    "mseal system enable: remove that line first",
			    list, err);
	}
	st.created_list = !text;
	st.list_unended = text && len && text[len - 1] != '\n';
	snprintf(st.line, sizeof(st.line), "%s", o->preload);

	if (lstat(conf, &sb) == 0) {
		if (S_ISLNK(sb.st_mode)) {
			free(text);
			return fail("%s: a symbolic link: refusing", conf);
		}
		if (msl_sysconf_read(conf, &sc, err, sizeof(err))) {
			free(text);
			return fail("refusing to enable: %s", err);
		}
	}
	st.created_dir = stat(dir, &sb) != 0;
	if (st.created_dir && mkdir(dir, 0755)) {
		free(text);
		return fail("%s: %s", dir, strerror(errno));
	}
	st.created_conf = stat(conf, &sb) != 0;
	rc = st.created_conf ? write_text(conf, default_conf,
					  sizeof(default_conf) - 1, 0644) :
			       0;
	if (!rc && o->live && trial_run(o->preload, conf))
		rc = -ECANCELED;
	if (!rc)
		rc = write_state(statep, &st);
	out = malloc(len + strlen(o->preload) + 3);
	if (!rc && !out)
		rc = -ENOMEM;
	if (!rc) {
		size_t n = len;

		if (len)
			memcpy(out, text, len);
		if (st.list_unended)
			out[n++] = '\n';
		n += (size_t)sprintf(out + n, "%s\n", o->preload);
		rc = write_text(list, out, n, 0644);
	}
	free(out);
	free(text);
	if (rc) {
		/* Undo: nothing half installed stays behind. */
		unlink(statep);
		if (st.created_conf)
			unlink(conf);
		if (st.created_dir)
			rmdir(dir);
		if (rc == -ECANCELED)
			return 1;
		return fail("cannot enable: %s", strerror(-rc));
	}
	printf("mseal system: enabled in %s: %s added to %s%s\n", o->root,
	       o->preload, PRELOAD_LIST,
	       st.created_conf ? ", default policy in " CONF_FILE :
				 ", policy " CONF_FILE " kept");
	return 0;
}

/* Text without the line at offset at (and the newline enable added). */
static size_t drop_line(char *text, size_t len, long at, bool unended)
{
	char *s = text + at, *nl = memchr(s, '\n', len - (size_t)at);
	size_t n = nl ? (size_t)(nl - s) + 1 : len - (size_t)at;

	memmove(s, s + n, len - (size_t)at - n);
	len -= n;
	if (unended && len && text[len - 1] == '\n' && (size_t)at == len)
		len--;
	return len;
}

static int cmd_disable(const struct opts *o)
{
	char list[4200], conf[4200], dir[4200], statep[4200], name[4200];
	struct state st;
	char *text = NULL, *cur = NULL;
	size_t len = 0, clen;
	int rc, removed = 0;
	long at;

	in_root(o, PRELOAD_LIST, list, sizeof(list));
	in_root(o, CONF_FILE, conf, sizeof(conf));
	in_root(o, CONF_DIR, dir, sizeof(dir));
	in_root(o, STATE_FILE, statep, sizeof(statep));
	rc = read_state(statep, &st);
	if (rc && rc != -ENOENT)
		return fail("%s: %s", statep,
			    rc == -EPROTO ? "not a record of mseal system" :
					    strerror(-rc));
	rc = read_text(list, &text, &len);
	if (rc && rc != -ENOENT)
		return fail("%s: %s", list, strerror(-rc));
	/* The line first: from here on no new program loads the preload.
	 * Without a record, every line naming the preload goes. */
	while (text && !(st.line[0] && removed)) {
		at = st.line[0] ?
			     find_line(text, len, st.line, NULL, 0) :
			     find_line(text, len, NULL, name, sizeof(name));
		if (at < 0)
			break;
		len = drop_line(text, len, at, st.list_unended);
		removed++;
	}
	if (removed) {
		rc = st.created_list && len == 0 && st.line[0] ?
			     (unlink(list) ? -errno : 0) :
			     write_text(list, text, len, 0644);
		if (rc) {
			free(text);
			return fail("%s: %s", list, strerror(-rc));
		}
	}
	free(text);
	if (!st.line[0]) {
		if (removed)
			printf("mseal system: no record in %s; removed %d "
			       "line%s naming %s from %s\n",
			       statep, removed, removed == 1 ? "" : "s",
			       PRELOAD_BASE, PRELOAD_LIST);
		else
			printf("mseal system: not enabled in %s\n", o->root);
		return 0;
	}
	if (st.created_conf) {
		rc = read_text(conf, &cur, &clen);
		if (!rc && clen == sizeof(default_conf) - 1 &&
		    !memcmp(cur, default_conf, clen))
			unlink(conf);
		else if (!rc)
			printf("mseal system: %s was edited: kept\n",
			       CONF_FILE);
		free(cur);
	}
	if (unlink(statep) && errno != ENOENT)
		return fail("%s: %s", statep, strerror(errno));
	if (st.created_dir)
		rmdir(dir); /* only when empty */
	printf("mseal system: disabled in %s\n", o->root);
	return 0;
}

static int cmd_status(const struct opts *o)
{
	char list[4200], conf[4200], statep[4200], line[4200], pre[4200];
	char err[400], seal[128] = "";
	static struct msl_sysconf sc;
	unsigned int counts[NVERDICT], k;
	struct state st;
	bool has_line = false, has_file = false, has_state, conf_ok;
	char *text;
	size_t len;
	int rc, verdict = 1;

	in_root(o, PRELOAD_LIST, list, sizeof(list));
	in_root(o, CONF_FILE, conf, sizeof(conf));
	in_root(o, STATE_FILE, statep, sizeof(statep));
	rc = read_text(list, &text, &len);
	if (rc && rc != -ENOENT)
		return fail("%s: %s", list, strerror(-rc));
	if (!rc) {
		has_line = find_line(text, len, NULL, line, sizeof(line)) >= 0;
		free(text);
	}
	if (has_line)
		has_file =
			access(in_root(o, line, pre, sizeof(pre)), R_OK) == 0;
	has_state = read_state(statep, &st) == 0;
	rc = msl_sysconf_read(conf, &sc, err, sizeof(err));
	conf_ok = rc == 0;
	if (!has_line && !has_state)
		verdict = 3;
	else if (has_line && has_file && has_state && conf_ok &&
		 !strcmp(st.line, line))
		verdict = 0;
	printf("state:         %s\n", verdict == 3 ? "disabled" :
				      verdict == 0 ? "enabled" :
						     "inconsistent");
	printf("root:          %s\n", o->root);
	printf("preload line:  %s%s\n", has_line ? line : "none",
	       has_line ? " (in " PRELOAD_LIST ")" : "");
	if (has_line)
		printf("preload file:  %s\n", has_file ? "present" : "missing");
	printf("record:        %s\n", has_state ? STATE_FILE : "none");
	if (rc == -ENOENT)
		printf("policy:        %s: missing\n", CONF_FILE);
	else if (rc)
		printf("policy:        %s\n",
		       err + (strncmp(err, conf, strlen(conf)) ?
				      0 :
				      strlen(conf) - strlen(CONF_FILE)));
	else
		printf("policy:        %s: valid\n", CONF_FILE);
	if (conf_ok) {
		for (k = 0; k < MSL_RUN_NKINDS; k++)
			if (sc.set & MSL_RUN_BIT(k))
				snprintf(seal + strlen(seal),
					 sizeof(seal) - strlen(seal), "%s%s",
					 seal[0] ? "," : "",
					 msl_run_kind_names[k]);
		printf("seal:          %s\n", seal);
		printf("dlopen:        %s\n",
		       msl_run_dlopen_names[sc.dlopen_policy]);
		printf("excluded:      %zu program%s\n", sc.nexclude,
		       sc.nexclude == 1 ? "" : "s");
		for (k = 0; k < sc.nexclude; k++)
			printf("exclude:       %s\n", sc.paths + sc.exclude[k]);
	}
	printf("kernel mseal:  %s\n", kernel_can_seal() ? "yes" : "no");
	if (o->live) {
		rc = maps_count_verdicts(counts);
		if (rc < 0)
			printf("processes:     cannot list /proc: %s\n",
			       strerror(-rc));
		else
			printf("processes:     %d read: %u full, %u partial, "
			       "%u none, %u n/a\n",
			       rc, counts[VERDICT_FULL],
			       counts[VERDICT_PARTIAL], counts[VERDICT_NONE],
			       counts[VERDICT_NA]);
	}
	if (fflush(stdout) || ferror(stdout))
		return fail("cannot write output: %s", strerror(errno));
	return verdict;
}

int cmd_system(int argc, char **argv)
{
	struct opts o = { .root = "/", .preload = MSEAL_PRELOAD_DEFAULT };
	const char *cmd;
	char real[4096];
	struct stat st;
	int i;

	if (argc < 2) {
		system_usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help")) {
		system_usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version"))
		return tool_version();
	if (strcmp(cmd, "enable") && strcmp(cmd, "disable") &&
	    strcmp(cmd, "status")) {
		fprintf(stderr, "mseal: system: unknown subcommand '%s'\n",
			cmd);
		system_usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 2; i < argc; i++) {
		const char **val = NULL;
		const char *a = argv[i];

		if (!strcmp(a, "--root") || !strncmp(a, "--root=", 7))
			val = &o.root;
		else if (!strcmp(cmd, "enable") &&
			 (!strcmp(a, "--preload") ||
			  !strncmp(a, "--preload=", 10)))
			val = &o.preload;
		else if (!strcmp(cmd, "enable") && !strcmp(a, "--force"))
			o.force = true;
		else if (!strcmp(a, "--help")) {
			system_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--version")) {
			return tool_version();
		} else {
			fprintf(stderr,
				"mseal: system %s: unknown option '%s'\n", cmd,
				a);
			system_usage(stderr);
			return EXIT_USAGE;
		}
		if (val && strchr(a, '='))
			*val = strchr(a, '=') + 1;
		else if (val && i + 1 < argc)
			*val = argv[++i];
		else if (val) {
			fprintf(stderr, "mseal: system %s: %s needs a value\n",
				cmd, a);
			return EXIT_USAGE;
		}
	}
	if (!*o.root || stat(o.root, &st) || !S_ISDIR(st.st_mode))
		return fail("--root '%s': not a directory", o.root);
	o.live = realpath(o.root, real) && !strcmp(real, "/");
	if (o.live)
		o.root = "/";
	if (o.force && o.live)
		return fail("--force is for an image (--root DIR), not for the "
			    "running system");
	if (!strcmp(cmd, "enable"))
		return cmd_enable(&o);
	if (!strcmp(cmd, "disable"))
		return cmd_disable(&o);
	return cmd_status(&o);
}

// SPDX-License-Identifier: MIT
/*
 * The record of seccomp seals, published where another process can read
 * it.  A seccomp seal lives in a filter, and the kernel lists no filter's
 * ranges: without a record `mseal maps PID` sees nothing, and a program
 * after execve(2) does not know what its inherited filters guard.
 *
 * After each seal the seccomp backend publishes every range its filters in
 * this task guard, with their classes (record_parse.c has the text), as a
 * memfd named MSL_RECORD_NAME:
 *
 *   - not close-on-exec: it survives execve, as the filters do, and fork
 *     copies it with them;
 *   - sealed against writes, growth and shrinking once written (memfd
 *     F_SEAL_*): no one changes a published record; the next seal puts a
 *     new memfd in the same descriptor (dup3), above MSL_RECORD_FD_FLOOR so
 *     that it keeps out of the way of the descriptors programs number;
 *   - read by others through /proc/PID/fd/N, which asks for the same
 *     ptrace read access as /proc/PID/maps.
 *
 * CONFIG_ANON_VMA_NAME (a named mapping) would show in /proc/PID/maps, but
 * is off in this machine's kernel and in Debian's 6.1 and 6.12 cloud
 * kernels, and a mapping does not survive execve.
 *
 * The record proves nothing: the process can publish any memfd by this
 * name, or close it.  The filter is what enforces.  Readers check what the
 * kernel can confirm: one record, sealed against writes, claiming no more
 * filters than /proc/PID/status counts (msl_record_read()).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record.h"

#define MSL_RECORD_FD_FLOOR 256
#define LINK_NAME "/memfd:" MSL_RECORD_NAME " (deleted)"
#define SEALS_NEEDED (F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK)

static bool is_record_link(const char *fd_path)
{
	char l[sizeof(LINK_NAME) + 1];
	ssize_t n = readlink(fd_path, l, sizeof(l));

	return n == (ssize_t)sizeof(LINK_NAME) - 1 &&
	       !memcmp(l, LINK_NAME, sizeof(LINK_NAME) - 1);
}

/*
 * The descriptors of pid that are records: the count, the last in *fd.
 * In this process, a descriptor that takes no file seals (F_GET_SEALS
 * fails for anything but a memfd or a tmpfs file) is not looked up in
 * /proc: a program with many descriptors pays one fcntl(2) for each.
 */
static int find_records(pid_t pid, int *fd)
{
	char dir[48], path[320];
	struct dirent *e;
	int n = 0;
	DIR *d;

	if (pid)
		snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	else
		snprintf(dir, sizeof(dir), "/proc/self/fd");
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (!pid && fcntl(atoi(e->d_name), F_GET_SEALS) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (is_record_link(path)) {
			*fd = atoi(e->d_name);
			n++;
		}
	}
	closedir(d);
	return n;
}

/* The "Seccomp_filters:" count of /proc/PID/status, or -1. */
static long kernel_filters(pid_t pid)
{
	char path[48], buf[4096], *l;
	ssize_t n;
	int fd;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
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

static int read_record(int fd, struct msl_record *rec)
{
	struct stat st;
	size_t got = 0;
	char *text;
	int rc;

	if (fcntl(fd, F_GET_SEALS) < 0 ||
	    (fcntl(fd, F_GET_SEALS) & SEALS_NEEDED) != SEALS_NEEDED)
		return MSL_RECORD_WRITABLE;
	if (fstat(fd, &st) || st.st_size <= 0 ||
	    st.st_size > (off_t)MSL_RECORD_MAX_BYTES)
		return MSL_RECORD_CORRUPT;
	text = malloc((size_t)st.st_size);
	if (!text)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t n = pread(fd, text + got, (size_t)st.st_size - got,
				  (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	rc = msl_record_parse(text, got, msl_page_size(), rec);
	free(text);
	if (rc == -ENOMEM)
		return rc;
	return rc ? MSL_RECORD_CORRUPT : MSL_RECORD_OK;
}

int msl_record_read(pid_t pid, struct msl_record *rec, long *filters)
{
	char path[64];
	int n, fd = -1, rc;

	memset(rec, 0, sizeof(*rec));
	*filters = kernel_filters(pid);
	n = find_records(pid, &fd);
	if (n < 0)
		return n;
	if (n == 0)
		return *filters > 0 ? MSL_RECORD_MISSING : MSL_RECORD_NONE;
	if (n > 1)
		return MSL_RECORD_SEVERAL;
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	else
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? MSL_RECORD_MISSING : -errno;
	rc = read_record(fd, rec);
	close(fd);
	if (rc == MSL_RECORD_OK && rec->filters > *filters) {
		msl_record_free(rec);
		rc = MSL_RECORD_EXCESS;
	}
	return rc;
}

const char *msl_record_state_name(int state)
{
	static const char *const names[] = {
		[MSL_RECORD_NONE] = "none",
		[MSL_RECORD_OK] = "ok",
		[MSL_RECORD_MISSING] = "missing",
		[MSL_RECORD_CORRUPT] = "corrupt",
		[MSL_RECORD_WRITABLE] = "writable",
		[MSL_RECORD_EXCESS] = "excess",
		[MSL_RECORD_SEVERAL] = "several",
	};

	if (state < 0 || state > MSL_RECORD_SEVERAL)
		return "unreadable";
	return names[state];
}

/*
 * The descriptor that holds this process's record, as the last publish
 * left it or a search found it; -1 before.  Callers hold the seccomp
 * backend's lock.
 */
static int slot = -1;

/* The descriptor that holds this process's record, or -1. */
static int record_slot(void)
{
	char path[48];
	int fd = -1;

	if (slot >= 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", slot);
		if (is_record_link(path))
			return slot;
		slot = -1; /* closed by the program */
	}
	if (find_records(0, &fd) == 1)
		slot = fd;
	return slot;
}

int msl_record_publish(const struct msl_record *rec)
{
	size_t size = 64 + 40 * rec->n, len, off = 0;
	char *text = malloc(size);
	int tmp, fd, rc = 0;

	if (!text)
		return -ENOMEM;
	/* Looked up before the new memfd exists, which has the same name. */
	fd = record_slot();
	len = msl_record_format(rec, text, size);
	tmp = memfd_create(MSL_RECORD_NAME, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (tmp < 0) {
		free(text);
		return -errno;
	}
	while (!rc && off < len) {
		ssize_t n = write(tmp, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = n < 0 ? -errno : -EIO;
		else
			off += (size_t)n;
	}
	free(text);
	if (!rc && fcntl(tmp, F_ADD_SEALS, SEALS_NEEDED | F_SEAL_SEAL))
		rc = -errno;
	/* Without O_CLOEXEC in the slot: it outlives execve. */
	if (!rc && fd >= 0 && dup3(tmp, fd, 0) < 0)
		rc = -errno;
	if (!rc && fd < 0) {
		fd = fcntl(tmp, F_DUPFD, MSL_RECORD_FD_FLOOR);
		if (fd < 0 && errno == EINVAL)
			fd = fcntl(tmp, F_DUPFD, 3);
		if (fd < 0)
			rc = -errno;
		else
			slot = fd; /* the next publish needs no search */
	}
	close(tmp);
	return rc;
}

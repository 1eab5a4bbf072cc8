// SPDX-License-Identifier: MIT
/*
 * The system policy parser.  Line by line:
 *
 *   [blanks] ["#" anything]                      ignored
 *   [blanks] key [blanks] "=" [blanks] value [blanks]
 *
 * with key one of seal (a class list, as --seal), dlopen (as --dlopen),
 * exclude (an absolute path; repeats).  Every error names its line and
 * stops the parse: a half-read policy is never used.  Bytes that are not
 * printable ASCII are errors outside comments (and shown escaped), so no
 * message can carry a control character to a terminal or a log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "classes.h"
#include "sysconf.h"

__attribute__((format(printf, 4, 5))) static int bad(char *err, size_t size,
						     unsigned int line,
						     const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, size, "line %u: ", line);
	if (n >= 0 && (size_t)n < size) {
		va_start(ap, fmt);
		vsnprintf(err + n, size - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* The value, shown safely: at most 40 bytes, others as \xNN. */
static const char *shown(const char *s, size_t n, char *buf, size_t size)
{
	size_t i, w = 0;

	for (i = 0; i < n && i < 40 && w + 5 < size; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch < 0x7f)
			buf[w++] = (char)ch;
		else
			w += (size_t)snprintf(buf + w, size - w, "\\x%02x", ch);
	}
	if (i < n && w + 4 < size) {
		memcpy(buf + w, "...", 3);
		w += 3;
	}
	buf[w] = '\0';
	return buf;
}

static int parse_line(const char *s, size_t n, unsigned int line,
		      struct msl_sysconf *c, unsigned int *seen, char *err,
		      size_t size)
{
	const char *key, *val, *badw;
	size_t klen, vlen, i, badlen;
	char word[256], buf[200];

	while (n && is_blank(*s))
		s++, n--;
	if (!n || *s == '#')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\r')
			return bad(err, size, line, "control character \\x%02x",
				   (unsigned char)s[i]);
		else if ((unsigned char)s[i] >= 0x7f)
			return bad(err, size, line,
				   "byte \\x%02x is not printable ASCII",
				   (unsigned char)s[i]);
	while (n && is_blank(s[n - 1]))
		n--;
	key = s;
	for (klen = 0; klen < n && s[klen] != '=' && !is_blank(s[klen]);)
		klen++;
	val = key + klen;
	vlen = n - klen;
	while (vlen && is_blank(*val))
		val++, vlen--;
	if (!vlen || *val != '=')
		return bad(err, size, line, "'%s' is not 'key = value'",
			   shown(s, n, buf, sizeof(buf)));
	val++, vlen--;
	while (vlen && is_blank(*val))
		val++, vlen--;
	if (!vlen)
		return bad(err, size, line, "'%.*s' has no value", (int)klen,
			   key);
	if (vlen >= sizeof(word))
		return bad(err, size, line, "value longer than %zu bytes",
			   sizeof(word) - 1);
	memcpy(word, val, vlen);
	word[vlen] = '\0';
	if (klen == 4 && !memcmp(key, "seal", 4)) {
		if (*seen & 1)
			return bad(err, size, line, "'seal' given twice");
		*seen |= 1;
		if (!msl_run_parse_seal(word, &c->set, &badw, &badlen))
			return bad(err, size, line,
				   "unknown class '%s' (use " MSL_RUN_SEAL_WORDS
				   ")",
				   shown(badw, badlen, buf, sizeof(buf)));
	} else if (klen == 6 && !memcmp(key, "dlopen", 6)) {
		if (*seen & 2)
			return bad(err, size, line, "'dlopen' given twice");
		*seen |= 2;
		c->dlopen_policy = msl_run_parse_dlopen(word);
		if (c->dlopen_policy < 0)
			return bad(err, size, line,
				   "unknown dlopen policy '%s' (use "
				   "nodelete, pin or off)",
				   shown(word, vlen, buf, sizeof(buf)));
	} else if (klen == 7 && !memcmp(key, "exclude", 7)) {
		if (word[0] != '/')
			return bad(err, size, line,
				   "exclude '%s' is not an absolute path",
				   shown(word, vlen, buf, sizeof(buf)));
		if (c->nexclude == MSL_SYSCONF_MAX_EXCLUDE)
			return bad(err, size, line,
				   "more than %d exclude lines",
				   MSL_SYSCONF_MAX_EXCLUDE);
		if (c->paths_len + vlen + 1 > sizeof(c->paths))
			return bad(err, size, line,
				   "exclude paths longer than %zu bytes in all",
				   sizeof(c->paths));
		c->exclude[c->nexclude++] = (unsigned short)c->paths_len;
		memcpy(c->paths + c->paths_len, word, vlen + 1);
		c->paths_len += vlen + 1;
	} else {
		return bad(err, size, line,
			   "unknown key '%s' (use seal, dlopen, exclude)",
			   shown(key, klen, buf, sizeof(buf)));
	}
	return 0;
}

int msl_sysconf_parse(const char *text, size_t len, struct msl_sysconf *c,
		      char *err, size_t errsize)
{
	unsigned int line = 1, seen = 0;
	size_t pos = 0;
	int rc;

	c->set = MSL_RUN_DEFAULT;
	c->dlopen_policy = MSL_DLOPEN_PIN; /* see mseal-system(8) */
	c->nexclude = 0;
	c->paths_len = 0;
	if (errsize)
		err[0] = '\0';
	while (pos < len) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		if (memchr(s, '\0', n))
			return bad(err, errsize, line, "NUL byte");
		rc = parse_line(s, n, line, c, &seen, err, errsize);
		if (rc)
			return rc;
		pos += n + (nl != NULL);
		line++;
	}
	return 0;
}

int msl_sysconf_read(const char *path, struct msl_sysconf *c, char *err,
		     size_t errsize)
{
	static char text[MSL_SYSCONF_MAX_BYTES + 1];
	size_t len = 0;
	ssize_t n;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		e = errno;
		snprintf(err, errsize, "%s: %s", path, strerror(e));
		return -e;
	}
	do {
		n = read(fd, text + len, sizeof(text) - len);
		if (n > 0)
			len += (size_t)n;
	} while ((n > 0 && len < sizeof(text)) || (n < 0 && errno == EINTR));
	e = n < 0 ? errno : 0;
	close(fd);
	if (e) {
		snprintf(err, errsize, "%s: %s", path, strerror(e));
		return -e;
	}
	if (len > MSL_SYSCONF_MAX_BYTES) {
		snprintf(err, errsize, "%s: longer than %d bytes", path,
			 MSL_SYSCONF_MAX_BYTES);
		return -EFBIG;
	}
	if (msl_sysconf_parse(text, len, c, err, errsize)) {
		char msg[300];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errsize, "%s: %s", path, msg);
		return -EINVAL;
	}
	return 0;
}

bool msl_sysconf_excludes(const struct msl_sysconf *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->nexclude; i++) {
		const char *e = c->paths + c->exclude[i];
		size_t n = strlen(e);

		if (e[n - 1] == '/' ? !strncmp(path, e, n) : !strcmp(path, e))
			return true;
	}
	return false;
}

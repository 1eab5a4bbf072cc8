// SPDX-License-Identifier: MIT
/*
 * Untrusted text (paths, process names, environment values) for people and
 * for JSON: UTF-8 validation and one escaping step per character, shared
 * by the writers of mseal run and mseal maps so that they cannot disagree.
 *
 * Unsafe for a terminal, and so escaped everywhere: C0 controls, DEL, C1
 * controls (U+0080-U+009F: a terminal may take U+009B as CSI) and the
 * bidirectional formatting characters (U+061C, U+200E, U+200F,
 * U+202A-U+202E, U+2066-U+2069: they reorder what follows them on the
 * line).  Bytes that are not UTF-8 are escaped too: in text as \ooo, in JSON
 * as \udcXX, the lone low surrogate U+DC00+byte, which no valid UTF-8 can
 * produce, so the escape names that byte and nothing else (Python's
 * "surrogateescape" reads it back: s.encode("utf-8", "surrogateescape")).
 */
#include <stdio.h>

#include "internal.h"

size_t msl_utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* Overlong forms, surrogates and code points above U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* The code point of a valid sequence of n bytes. */
static unsigned int code_point(const unsigned char *s, size_t n)
{
	static const unsigned char lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	unsigned int cp = s[0] & lead_mask[n];
	size_t i;

	for (i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

static bool unsafe_for_terminal(unsigned int cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x61c ||
	       cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

size_t msl_escape_step(const unsigned char *s, enum msl_escape how,
		       char out[MSL_ESCAPE_MAX])
{
	size_t n = msl_utf8_len(s), i, used = 0;
	unsigned int cp;

	if (n == 0) {
		if (how == MSL_ESCAPE_JSON)
			snprintf(out, MSL_ESCAPE_MAX, "\\udc%02x", s[0]);
		else
			snprintf(out, MSL_ESCAPE_MAX, "\\%03o", s[0]);
		return 1;
	}
	cp = code_point(s, n);
	if (how == MSL_ESCAPE_JSON && (cp == '"' || cp == '\\')) {
		snprintf(out, MSL_ESCAPE_MAX, "\\%c", (char)cp);
	} else if (!unsafe_for_terminal(cp)) {
		for (i = 0; i < n; i++)
			out[i] = (char)s[i];
		out[n] = '\0';
	} else if (how == MSL_ESCAPE_JSON) {
		snprintf(out, MSL_ESCAPE_MAX, "\\u%04x", cp);
	} else {
		for (i = 0; i < n; i++)
			used += (size_t)snprintf(out + used,
						 MSL_ESCAPE_MAX - used,
						 "\\%03o", s[i]);
	}
	return n;
}

// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for mseal maps: smaps text from any process, with any
 * bytes in its paths, goes through the parser into the tool's rows and out
 * through every writer (the table, its columns with --raw, JSON, CSV and
 * the Prometheus exposition); the head of the input is also a PID, a
 * --check list and an --output column list.  It includes tools/maps.c to
 * reach its static functions.  Built by `make fuzz-tool` (clang).
 */
#include <stdio.h>

#include "../tools/maps.c"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static struct maps_proc proc = { .keep_paths = true };

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct msl_maps_parser parser;
	static bool quiet;
	struct maps_opts o = { .format = FORMAT_TABLE };
	const char *bad;
	size_t badlen;
	int ncols;
	char arg[64];
	size_t n, i;
	unsigned int check;
	long long v = 0;
	pid_t pid;
	bool ok;
	int f;

	if (!quiet) {
		/* The writers print to stdout; only their memory safety and
		 * the parsers' answers matter here. */
		if (!freopen("/dev/null", "w", stdout))
			abort();
		quiet = true;
	}
	/* The first bytes, up to a NUL, are a command-line argument. */
	n = strnlen((const char *)data,
		    size < sizeof(arg) ? size : sizeof(arg) - 1);
	memcpy(arg, data, n);
	arg[n] = '\0';
	/* A PID is digits only, 1 to INT_MAX, leading zeros allowed. */
	ok = n > 0 && strspn(arg, "0123456789") == n;
	if (ok) {
		errno = 0;
		v = strtoll(arg, NULL, 10);
		ok = errno == 0 && v >= 1 && v <= INT_MAX;
	}
	if (parse_pid(arg, &pid) != ok || (ok && pid != v))
		abort();
	if (maps_parse_classes(arg, &check) &&
	    (check == 0 || check >= 1u << NCOUNTED))
		abort();
	ncols = maps_parse_columns(arg, o.columns, MAX_COLUMNS, &bad, &badlen);
	if (ncols > MAX_COLUMNS || (ncols < 0 && bad + badlen > arg + n))
		abort();
	for (f = 0; f < ncols; f++)
		if (o.columns[f] >= NCOLUMN)
			abort();
	if (n < size)
		n++;
	data += n;
	size -= n;

	proc.nrows = 0;
	proc.paths_len = 1;
	proc.last_path = 0;
	proc.no_memory = false;
	memset(proc.total, 0, sizeof(proc.total));
	memset(proc.sealed, 0, sizeof(proc.sealed));
	snprintf(proc.comm, sizeof(proc.comm), "%.*s",
		 (int)(size < 15 ? size : 15), (const char *)data);
	msl_maps_init(&parser, add_row, &proc);
	if (msl_maps_feed(&parser, (const char *)data, size) ||
	    msl_maps_finish(&parser))
		return 0;
	maps_count(&proc);
	for (i = 0; i < proc.nrows; i++)
		if (proc.rows[i].cls >= NCLASS ||
		    proc.rows[i].path >= proc.paths_len)
			abort();
	if (maps_percent(&proc, CLASS_TEXT) > 100)
		abort();
	if (ncols <= 0) {
		memcpy(o.columns,
		       (unsigned char[]){ COL_PID, COL_COMMAND, COL_PATH,
					  COL_SEALED },
		       4);
		ncols = 4;
	}
	o.ncolumns = (size_t)ncols;
	for (f = FORMAT_TABLE; f <= FORMAT_PROMETHEUS; f++) {
		o.format = (enum maps_format)f;
		o.summary = false;
		o.color = f == FORMAT_TABLE;
		if (maps_out_begin(&o))
			abort();
		maps_out_proc(&o, &proc);
		o.summary = true;
		maps_out_proc(&o, &proc);
		if (maps_out_end(&o, NULL, 0))
			abort();
	}
	/* The table as columns, padded and --raw. */
	o.format = FORMAT_TABLE;
	o.summary = false;
	o.columns_mode = true;
	for (f = 0; f < 2; f++) {
		o.raw = f;
		o.bytes = f;
		maps_out_begin(&o);
		maps_out_proc(&o, &proc);
		maps_out_end(&o, NULL, 0);
	}
	return 0;
}

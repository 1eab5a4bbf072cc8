# libmseal - plain GNU make.  `make V=1` shows the commands.
# The release number lives in one place, the public header.
VERSION    := $(shell sed -n 's/^\#define MSEAL_VERSION_\(MAJOR\|MINOR\|PATCH\) //p' \
	include/mseal.h | paste -sd.)
ifeq ($(shell echo '$(VERSION)' | grep -xE '[0-9]+\.[0-9]+\.[0-9]+'),)
$(error cannot read MSEAL_VERSION_* from include/mseal.h: '$(VERSION)')
endif
SOVERSION  := 0

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
# Where `make install` puts the preload and `mseal run` looks for it; a
# distribution may keep it out of the linker's path, e.g.
# PRELOADDIR=/usr/lib/x86_64-linux-gnu/libmseal (see debian/rules).
PRELOADDIR ?= $(LIBDIR)
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR    ?=

# Cross builds for AArch64: `make ARCH=arm64` builds everything (the
# library, the tool, the preload, the suite and its helpers) with the
# aarch64-linux-gnu- tools (Debian: gcc-aarch64-linux-gnu and
# libc6-dev-arm64-cross) in build-arm64; CROSS_COMPILE=PREFIX- picks other
# tools, and an explicit CC or AR wins.  The suite does not run on the
# build machine: `make check-kernels ARCH=arm64` runs it under
# qemu-system-aarch64.
ARCH       ?=
ifeq ($(ARCH),arm64)
ifneq ($(shell uname -m),aarch64)
CROSS_COMPILE ?= aarch64-linux-gnu-
endif
B          ?= build-arm64
else ifneq ($(filter-out x86_64 amd64,$(ARCH)),)
$(error ARCH=$(ARCH): only arm64 is known (or none: the host's))
endif
ifneq ($(CROSS_COMPILE),)
ifeq ($(origin CC),default)
CC         := $(CROSS_COMPILE)gcc
endif
ifeq ($(origin AR),default)
AR         := $(CROSS_COMPILE)ar
endif
endif

# Out-of-tree builds: `make B=build-asan EXTRA_CFLAGS=-fsanitize=address`.
B          ?= build
CC         ?= cc
CFLAGS     ?= -O2 -g
WARNFLAGS  := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
              -Wpointer-arith -Wformat=2 -Wno-unused-parameter
BASEFLAGS  := -std=gnu11 -D_GNU_SOURCE -Iinclude $(WARNFLAGS)
LIBFLAGS   := -fPIC -fvisibility=hidden
ALL_CFLAGS  = $(BASEFLAGS) $(CPPFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(EXTRA_LDFLAGS)

ifeq ($(V),1)
Q :=
else
Q := @
endif

# The install paths that the build compiles in (the tool's preload path)
# and writes out (libmseal.pc), kept in a file that changes only when they
# do: `make && make install PREFIX=/usr` then rebuilds exactly what names
# them, so the prefix given at install time wins.
PATHS_STAMP := $(B)/paths.stamp
PATHS_NOW   := prefix=$(PREFIX) libdir=$(LIBDIR) includedir=$(INCLUDEDIR) \
	preloaddir=$(PRELOADDIR)
ifeq ($(findstring ',$(PATHS_NOW)),)
$(shell mkdir -p '$(B)' && { [ "$$(cat '$(PATHS_STAMP)' 2>/dev/null)" = \
	'$(PATHS_NOW)' ] || printf '%s\n' '$(PATHS_NOW)' >'$(PATHS_STAMP)'; })
else
$(error install paths may not contain a single quote: $(PATHS_NOW))
endif

LIB_SRCS := $(wildcard src/*.c)
LIB_OBJS := $(LIB_SRCS:src/%.c=$(B)/src/%.o)
SHLIB    := $(B)/libmseal.so.$(VERSION)
SONAME   := libmseal.so.$(SOVERSION)
STLIB    := $(B)/libmseal.a
TOOL     := $(B)/mseal
# The tool parses the system policy with the preload's parser.
TOOL_OBJS := $(patsubst tools/%.c,$(B)/tools/%.o,$(wildcard tools/*.c)) \
	$(B)/tools/sysconf.o
PRELOAD  := $(B)/libmseal-preload.so
PRELOAD_SRCS := $(wildcard src/preload/*.c)
# The preload links its own copy of the library, built without sanitizers:
# an instrumented library cannot be preloaded into an uninstrumented program.
PRELOAD_OBJS := $(PRELOAD_SRCS:src/preload/%.c=$(B)/preload/%.o) \
	$(LIB_SRCS:src/%.c=$(B)/preload/lib/%.o)
PRELOAD_CFLAGS = $(filter-out -fsanitize=% -fno-sanitize%,$(ALL_CFLAGS))
PRELOAD_LDFLAGS = $(filter-out -fsanitize=% -fno-sanitize%,$(ALL_LDFLAGS))

TEST_SRCS := $(wildcard test/*.c)
TEST_OBJS := $(TEST_SRCS:test/%.c=$(B)/test/%.o)
TEST_BIN  := $(B)/test/mseal-tests

all: $(SHLIB) $(B)/libmseal.so $(STLIB) $(TOOL) $(PRELOAD) $(B)/libmseal.pc

$(B)/src/%.o: src/%.c src/internal.h src/self.h include/mseal.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LIBFLAGS) -Isrc -c -o $@ $<

$(SHLIB): $(LIB_OBJS) src/libmseal.map
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -shared -Wl,-soname,$(SONAME) \
		-Wl,--version-script,src/libmseal.map -Wl,-z,relro,-z,now \
		-o $@ $(LIB_OBJS) $(ALL_LDFLAGS)

$(B)/libmseal.so: $(SHLIB)
	$(Q)ln -sf libmseal.so.$(VERSION) $(B)/$(SONAME)
	$(Q)ln -sf $(SONAME) $@

$(STLIB): $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(AR) rcs $@ $(LIB_OBJS)

# The tool reuses the library's internals (the /proc parser): -Isrc.
# `mseal run` looks for the preload next to itself, in ../lib, then here.
$(B)/tools/sysconf.o: src/preload/sysconf.c src/preload/sysconf.h \
		src/preload/classes.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -c -o $@ $<

$(B)/tools/%.o: tools/%.c $(wildcard tools/*.h) include/mseal.h \
		src/internal.h src/self.h src/preload/classes.h \
		src/preload/sysconf.h $(PATHS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -Itools -Isrc/preload \
		-DMSEAL_PRELOAD_DEFAULT='"$(PRELOADDIR)/libmseal-preload.so"' \
		-c -o $@ $<

# The tool links the static library: it must work before `make install`.
$(TOOL): $(TOOL_OBJS) $(STLIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS)

$(B)/preload/%.o: src/preload/%.c src/preload/preload.h \
		src/preload/classes.h src/preload/sysconf.h src/self.h \
		src/internal.h include/mseal.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(PRELOAD_CFLAGS) $(LIBFLAGS) -Isrc -c -o $@ $<

$(B)/preload/lib/%.o: src/%.c src/internal.h src/self.h include/mseal.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(PRELOAD_CFLAGS) $(LIBFLAGS) -Isrc -c -o $@ $<

$(PRELOAD): $(PRELOAD_OBJS) src/preload/preload.map
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(PRELOAD_CFLAGS) -shared \
		-Wl,--version-script,src/preload/preload.map \
		-Wl,-z,relro,-z,now -o $@ $(PRELOAD_OBJS) \
		$(PRELOAD_LDFLAGS) -ldl

$(B)/libmseal.pc: libmseal.pc.in Makefile $(PATHS_STAMP)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		$< > $@

# Examples link the static library, as a user's program would the shared one.
EXAMPLES := $(patsubst examples/%.c,$(B)/examples/%,$(wildcard examples/*.c))

$(B)/examples/%: examples/%.c include/mseal.h $(STLIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(STLIB) $(ALL_LDFLAGS)

examples: $(EXAMPLES)

# Tests link the static library plus its internals (the parser tests call
# hidden functions).
$(B)/test/%.o: test/%.c $(wildcard test/*.h) include/mseal.h src/internal.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -Itest -c -o $@ $<

# The suite's layout tests (mseal_self, `mseal run`'s rodata) expect
# .rodata in a segment of its own, where x86-64's linker puts it; AArch64's
# puts it into the text segment unless told to separate them.  Programs
# laid out the other way are Debian's own, which the shell tests start.
ifneq ($(findstring aarch64,$(shell $(CC) -dumpmachine 2>/dev/null)),)
TEST_LAYOUT_LDFLAGS := -Wl,-z,separate-code
endif

$(TEST_BIN): $(TEST_OBJS) $(STLIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(TEST_LAYOUT_LDFLAGS)

# MSEAL_BACKEND (if set) picks the backends to run; default: both.
# Scripts under test/shell run as tests too (see test/t_shell.c).
TEST_ENV = MSEAL_TOOL=$(abspath $(TOOL)) MSEAL=$(abspath $(TOOL)) \
	MSEAL_BUILD=$(abspath $(B)) MSEAL_SRCDIR=$(CURDIR) \
	MSEAL_SHELL_TESTS=$(CURDIR)/test/shell

# Programs and libraries the shell tests of `mseal run` use; built without
# sanitizers, like the preload, which they run with.
HELPERS := $(B)/test/run-helper $(B)/test/run-helper-nopie \
	$(B)/test/libmsealtest.so \
	$(B)/test/libmsealtest-nodelete.so

# run-helper links the preload's copy of the library (for mseal_self).
PRELOAD_LIB_OBJS := $(filter $(B)/preload/lib/%,$(PRELOAD_OBJS))

$(B)/test/run-helper: test/helpers/run_helper.c include/mseal.h \
		$(PRELOAD_LIB_OBJS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(PRELOAD_CFLAGS) -o $@ $< $(PRELOAD_LIB_OBJS) \
		-Wl,--enable-new-dtags,-rpath,'$$ORIGIN' $(PRELOAD_LDFLAGS) -ldl \
		$(TEST_LAYOUT_LDFLAGS)

# The same, not position-independent: a fixed-address program.
$(B)/test/run-helper-nopie: test/helpers/run_helper.c include/mseal.h \
		$(PRELOAD_LIB_OBJS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(PRELOAD_CFLAGS) -fno-pie -no-pie -o $@ $< \
		$(PRELOAD_LIB_OBJS) $(PRELOAD_LDFLAGS) -ldl $(TEST_LAYOUT_LDFLAGS)

$(B)/test/libmsealtest.so: test/helpers/dltest.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(PRELOAD_CFLAGS) -fPIC -shared -Wl,-z,relro,-z,now \
		-o $@ $< $(PRELOAD_LDFLAGS) $(TEST_LAYOUT_LDFLAGS)

$(B)/test/libmsealtest-nodelete.so: test/helpers/dltest.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(PRELOAD_CFLAGS) -fPIC -shared -Wl,-z,relro,-z,now \
		-Wl,-z,nodelete -o $@ $< $(PRELOAD_LDFLAGS) $(TEST_LAYOUT_LDFLAGS)

check: all $(TEST_BIN) $(HELPERS)
ifneq ($(CROSS_COMPILE),)
	@echo "check: a cross build ($(CROSS_COMPILE)) does not run here;" \
		"make check-kernels ARCH=arm64 runs it under QEMU" >&2; exit 1
endif
	$(Q)$(TEST_ENV) $(TEST_BIN) $(TESTFLAGS)

# The adversarial seal fuzzer's long run (test/t_fuzz_seal.c): FUZZ_CALLS
# calls per backend, FUZZ_DIFF_CALLS for the differential twins (they run
# in lockstep at a third of the speed); FUZZ_SEED and FUZZ_SKIP become
# MSEAL_FUZZ_SEED and MSEAL_FUZZ_SKIP when set.
FUZZ_CALLS ?= 100000
FUZZ_DIFF_CALLS ?= 30000
FUZZ_TIMEOUT ?= 3600
fuzz-seal: $(TEST_BIN)
	$(Q)MSEAL_FUZZ_CALLS=$(FUZZ_CALLS) \
		MSEAL_FUZZ_DIFF_CALLS=$(FUZZ_DIFF_CALLS) \
		$(if $(FUZZ_SEED),MSEAL_FUZZ_SEED=$(FUZZ_SEED)) \
		$(if $(FUZZ_SKIP),MSEAL_FUZZ_SKIP=$(FUZZ_SKIP)) \
		$(TEST_BIN) -t fuzz_seal -T $(FUZZ_TIMEOUT)

# Start-up cost of `mseal run`, side by side with the bare program.
bench-run: $(TOOL) $(PRELOAD)
	$(Q)MSEAL=$(abspath $(TOOL)) bench/run-startup.sh

# What seals cost memory calls on unsealed memory, per backend and filter
# size, side by side in one run (bench/bench.c).  Not part of check.
$(B)/bench/bench: bench/bench.c include/mseal.h src/filter.h $(STLIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(STLIB) $(ALL_LDFLAGS)

bench: $(B)/bench/bench
	$(Q)$(B)/bench/bench $(BENCHFLAGS)

# Typed seals against upstream's on the seal-types kernel, in one run
# (KERNELS_BENCH=1 make check-kernels runs it there).  Not part of check.
$(B)/test/seal-bench: test/kernels/seal_bench.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS)

# The suite on Debian's 6.1 (no mseal) and 6.12 kernels and on 6.12 with
# the seal-types series (kernel/) under QEMU, with a static build;
# downloads and images are cached in $(B)/kernels, the patched kernel by
# kernel/build.sh.  With ARCH=arm64, Debian's arm64 6.1 and 6.12 under
# qemu-system-aarch64, cached in $(B)/kernels-arm64.
check-kernels:
	$(Q)MAKE="$(MAKE)" KERNELS_ARCH=$(if $(ARCH),$(ARCH:amd64=x86_64),x86_64) \
		test/kernels/check-kernels.sh \
		$(B)/kernels$(if $(filter arm64,$(ARCH)),-arm64)

# A Debian 12 system with systemd booted under QEMU, plain and sealed
# system-wide, compared (test/system/check-system.sh; root only).  The
# kernel and the root file system are cached in
# ${SYSTEM_CACHE:-/var/cache/libmseal/system}, the rest is in $(B)/system.
check-system:
	$(Q)MAKE="$(MAKE)" test/system/check-system.sh $(B)/system

# Linux 6.12 with the seal-types series (kernel/patches) for QEMU; cached
# outside the tree, in ${MSEAL_KERNEL_CACHE:-/var/cache/libmseal/kernel}.
kernel:
	$(Q)kernel/build.sh

# The Debian packages (debian/): built from a copy of the tree, lintian,
# installed into a clean Debian root, the example built against them.
# Root only; see test/check-deb.sh.
check-deb:
	$(Q)test/check-deb.sh

check-exports: $(SHLIB) $(PRELOAD)
	$(Q)test/check-exports.sh $(SHLIB) src/libmseal.map include/mseal.h
	$(Q)test -z "$$(nm -D --defined-only $(PRELOAD) | \
		awk '$$2 ~ /[TDBRVW]/ && $$3 != "dlopen"')" || \
		{ echo "check-exports: $(PRELOAD) exports more than dlopen" >&2; \
		  exit 1; }
	$(Q)echo "check-exports: $(PRELOAD) exports dlopen only"

STYLE_FILES = include/*.h src/*.c src/*.h src/preload/*.c src/preload/*.h \
	tools/*.c tools/*.h test/*.c test/*.h test/helpers/*.c test/kernels/*.c \
	fuzz/*.c bench/*.c

check-style:
	$(Q)clang-format --dry-run --Werror $(STYLE_FILES)

# libFuzzer target for the maps/smaps parser (clang only).
FUZZ_BIN := $(B)/fuzz/fuzz-maps
FUZZ_SECONDS ?= 30
$(FUZZ_BIN): fuzz/fuzz_maps.c src/maps_parse.c src/internal.h
	@mkdir -p $(@D)
	$(Q)clang $(BASEFLAGS) -g -O1 -Isrc -fsanitize=fuzzer,address,undefined \
		-o $@ fuzz/fuzz_maps.c src/maps_parse.c

fuzz: $(FUZZ_BIN)
	$(Q)mkdir -p $(B)/fuzz/corpus
	$(Q)$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=16384 \
		$(B)/fuzz/corpus fuzz/seeds

# libFuzzer target for mseal maps: parser, rows and the three writers.
FUZZ_TOOL_BIN := $(B)/fuzz/fuzz-maps-tool
$(FUZZ_TOOL_BIN): fuzz/fuzz_maps_tool.c tools/maps.c tools/maps_out.c \
		tools/maps_model.c tools/tool.c \
		tools/maps.h $(LIB_SRCS) src/internal.h include/mseal.h
	@mkdir -p $(@D)
	$(Q)clang $(BASEFLAGS) -g -O1 -Isrc -Itools \
		-fsanitize=fuzzer,address,undefined -o $@ \
		fuzz/fuzz_maps_tool.c tools/maps_out.c tools/maps_model.c \
		tools/tool.c $(LIB_SRCS)

fuzz-tool: $(FUZZ_TOOL_BIN)
	$(Q)mkdir -p $(B)/fuzz/corpus-tool
	$(Q)$(FUZZ_TOOL_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=16384 \
		$(B)/fuzz/corpus-tool fuzz/seeds-tool

# libFuzzer target for the word lists: MSEAL_REFUSE, --seal, --dlopen.
FUZZ_LISTS_BIN := $(B)/fuzz/fuzz-lists
$(FUZZ_LISTS_BIN): fuzz/fuzz_lists.c src/refuse_parse.c src/internal.h src/self.h \
		src/preload/classes.h
	@mkdir -p $(@D)
	$(Q)clang $(BASEFLAGS) -g -O1 -Isrc -Isrc/preload \
		-fsanitize=fuzzer,address,undefined \
		-o $@ fuzz/fuzz_lists.c src/refuse_parse.c

fuzz-lists: $(FUZZ_LISTS_BIN)
	$(Q)mkdir -p $(B)/fuzz/corpus-lists
	$(Q)$(FUZZ_LISTS_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=256 \
		$(B)/fuzz/corpus-lists fuzz/seeds-lists

# libFuzzer target for the seccomp seal record (src/record_parse.c).
FUZZ_RECORD_BIN := $(B)/fuzz/fuzz-record
$(FUZZ_RECORD_BIN): fuzz/fuzz_record.c src/record_parse.c src/record.h \
		src/internal.h
	@mkdir -p $(@D)
	$(Q)clang $(BASEFLAGS) -g -O1 -Isrc -fsanitize=fuzzer,address,undefined \
		-o $@ fuzz/fuzz_record.c src/record_parse.c

fuzz-record: $(FUZZ_RECORD_BIN)
	$(Q)mkdir -p $(B)/fuzz/corpus-record
	$(Q)$(FUZZ_RECORD_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		$(B)/fuzz/corpus-record fuzz/seeds-record

# libFuzzer target for the system policy parser (mseal-system(8)).
FUZZ_SYSCONF_BIN := $(B)/fuzz/fuzz-sysconf
$(FUZZ_SYSCONF_BIN): fuzz/fuzz_sysconf.c src/preload/sysconf.c \
		src/preload/sysconf.h src/preload/classes.h
	@mkdir -p $(@D)
	$(Q)clang $(BASEFLAGS) -g -O1 -Isrc -Isrc/preload \
		-fsanitize=fuzzer,address,undefined \
		-o $@ fuzz/fuzz_sysconf.c src/preload/sysconf.c

fuzz-sysconf: $(FUZZ_SYSCONF_BIN)
	$(Q)mkdir -p $(B)/fuzz/corpus-sysconf
	$(Q)$(FUZZ_SYSCONF_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		$(B)/fuzz/corpus-sysconf fuzz/seeds-sysconf

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
		$(DESTDIR)$(BINDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(PRELOADDIR)
	install -m 0755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libmseal.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libmseal.so
	install -m 0644 $(STLIB) $(DESTDIR)$(LIBDIR)/
	install -m 0644 include/mseal.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 0755 $(TOOL) $(DESTDIR)$(BINDIR)/
	install -m 0755 $(PRELOAD) $(DESTDIR)$(PRELOADDIR)/
	install -m 0644 $(B)/libmseal.pc $(DESTDIR)$(PKGCONFIGDIR)/
	install -m 0644 man/man1/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 man/man3/*.3 $(DESTDIR)$(MANDIR)/man3/
	install -m 0644 man/man7/*.7 $(DESTDIR)$(MANDIR)/man7/
	install -m 0644 man/man8/*.8 $(DESTDIR)$(MANDIR)/man8/

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libmseal.so.$(VERSION) \
		$(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libmseal.so \
		$(DESTDIR)$(LIBDIR)/libmseal.a $(DESTDIR)$(INCLUDEDIR)/mseal.h \
		$(DESTDIR)$(BINDIR)/mseal $(DESTDIR)$(PKGCONFIGDIR)/libmseal.pc \
		$(DESTDIR)$(PRELOADDIR)/libmseal-preload.so
	for f in man/man1/*.1 man/man3/*.3 man/man7/*.7 man/man8/*.8; do \
		rm -f $(DESTDIR)$(MANDIR)/$${f#man/}; done

clean:
	rm -rf $(B) build-*

.PHONY: all examples check check-kernels check-system kernel bench-run \
	check-exports check-deb check-style bench fuzz fuzz-tool fuzz-lists \
	fuzz-record fuzz-seal fuzz-sysconf \
	install uninstall clean

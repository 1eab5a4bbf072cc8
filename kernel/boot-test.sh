#!/bin/sh
# SPDX-License-Identifier: MIT
#
# boot-test.sh - boot the seal-types kernel under QEMU (TCG) and run in it
# what make check-kernels runs there: the upstream mseal_test, the series'
# mseal_types_test and the libmseal suite on each backend.  It is
# check-kernels with only the patched kernel selected.
#
# usage: kernel/boot-test.sh OUTDIR [KERNEL_DIR]
#
# KERNEL_DIR holds bzImage, mseal_test and mseal_types_test (a kernel
# built from your own tree); by default kernel/build.sh's, built when
# needed.  The environment of test/kernels/check-kernels.sh applies
# (KERNELS_BACKENDS, KERNELS_FILTER, KERNELS_BENCH=1, QEMU_FLAGS...).
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 OUTDIR [KERNEL_DIR]" >&2
	exit 1
fi
if [ $# -eq 2 ]; then
	KERNELS_SEAL_DIR=$2
	export KERNELS_SEAL_DIR
fi
KERNELS_ONLY=6.12+seal KERNELS_SEAL_REQUIRED=1 \
	exec "$(dirname "$0")/../test/kernels/check-kernels.sh" "$1"

#!/usr/bin/env bash
# One real-programs guest by hand: stage the initramfs additions, boot.
#
#   tests/realprog/run.sh --arch x86_64|ppc64le [--build DIR] [--out DIR]
#       [--seed N] [--points N] [--tests rp_gzip,rp_sort,...] [run-vm.sh options]
#
# Defaults: --build build/ARCH, --out /tmp/realprog-ARCH, every rp_* case,
# a new seed (printed; give it back with --seed to rerun the same delays).
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
arch= build= out= tests= rest=()
while [[ $# -gt 0 ]]; do
	case "$1" in
	--arch) arch=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--seed) export CRMOD_RP_SEED=$2; shift 2 ;;
	--points) export CRMOD_RP_POINTS=$2; shift 2 ;;
	--tests) tests=$2; shift 2 ;;
	*) rest+=("$1"); shift ;;
	esac
done
[[ -n $arch ]] || { echo "run.sh: --arch x86_64|ppc64le is required" >&2; exit 2; }
build=${build:-$src/build/$arch}
out=${out:-/tmp/realprog-$arch}
if [[ -z $tests ]]; then
	tests=$(sed -n '/^set(crmod_realprog_tests/,/)/p' "$src/tests/realprog/realprog.cmake" |
		grep -o 'rp_[a-z0-9]*' | paste -sd,)
fi
"$src/tests/realprog/stage.sh" "$arch" "$out.extra"
# the CPUs and watchdogs of the ctest boots (realprog.cmake)
timeout=900 cpu=()
if [[ $arch == ppc64le ]]; then
	timeout=1500
	[[ " ${rest[*]} " == *" --cpu "* ]] || cpu=(--cpu power10)
fi
CRMOD_INITRAMFS_EXTRA=$out.extra exec "$src/tests/vm/run-vm.sh" --arch "$arch" --build "$build" \
	--out "$out" --tests "$tests" --timeout "$timeout" "${cpu[@]}" "${rest[@]}"

#!/usr/bin/env bash
# The long run of the guest fuzzer of restart images (cr_fuzz_short's cr-fuzz,
# tests/guest/cr_fuzz.c): one guest, every seed image, many mutants.
#
#   tests/fuzz-guest/run-long.sh --arch x86_64|ppc64le [--build DIR] [--out DIR]
#       [--seed S] [--n N] [--seeds all|"S:mix T:count ..."] [--minutes M]
#       [run-vm.sh options: --kernel, --cpu, ...]
#
# Defaults: --build build/ARCH, --out /tmp/fuzz-long-ARCH, a new seed
# (printed), every seed image (CR_FUZZ_SEEDS=all), N 20000 mutants,
# --minutes 60 (the guest's limit for the case; the watchdog a little more).
# A failure names its seed; the mutants it saved are in the shared disk's
# fuzz/ folder (OUT/disk.img, a tar archive). Rerun with the same --seed.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
arch= build= out= seed= n=20000 seeds=all minutes=60 rest=()
while [[ $# -gt 0 ]]; do
	case "$1" in
	--arch) arch=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--n) n=$2; shift 2 ;;
	--seeds) seeds=$2; shift 2 ;;
	--minutes) minutes=$2; shift 2 ;;
	*) rest+=("$1"); shift ;;
	esac
done
[[ -n $arch ]] || { echo "run-long.sh: --arch x86_64|ppc64le is required" >&2; exit 2; }
build=${build:-$src/build/$arch}
out=${out:-/tmp/fuzz-long-$arch}
seed=${seed:-$(od -A n -N 4 -t u4 /dev/urandom | tr -d ' ')}
echo "run-long.sh: seed $seed, $n mutants, seeds $seeds (rerun: --seed $seed)" >&2
extra=$out.extra
rm -rf "$extra"
mkdir -p "$extra/tests" "$out"
chmod 755 "$extra" "$extra/tests"
# a case of its own: cr_fuzz_short with the long run's settings
cat > "$extra/tests/cr_fuzz_long" <<CASE
#!/bin/sh
export CR_FUZZ_SEED='$seed' CR_FUZZ_N='$n' CR_FUZZ_SEEDS='$seeds'
exec /tests/cr_fuzz_short
CASE
chmod 755 "$extra/tests/cr_fuzz_long"
secs=$((minutes * 60))
CRMOD_INITRAMFS_EXTRA=$extra exec "$src/tests/vm/run-vm.sh" --arch "$arch" --build "$build" \
	--out "$out" --tests cr_fuzz_long --test-timeout "$secs" --timeout $((secs + 300)) \
	"${rest[@]}"

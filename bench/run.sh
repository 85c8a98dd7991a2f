#!/usr/bin/env bash
# The checkpoint/restart benchmark: boots one x86_64 guest (-cpu
# max,erms=off, 2 GiB) and prints crmod checkpoint and restart times for
# processes of 1, 64 and 256 MiB of touched anonymous memory, median of 5,
# beside dd writing the same bytes to tmpfs in the same boot. Every
# restored process checks its memory; a wrong result stops the run.
#
#   bench/run.sh [--runs N] [--sizes "1 64 256"]
#
# Needs the test build (tests/build.sh). Not a test: it times, it does not
# judge. Output: the table, and bench/results/crmod-<date>.json.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${CRMOD_BUILD:-$src/build}/x86_64
runs=5 sizes="1 64 256"
while [[ $# -gt 0 ]]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	*) echo "bench: unknown argument $1" >&2; exit 2 ;;
	esac
done
[[ -x $build/userspace/crctl ]] || { echo "bench: build first: tests/build.sh" >&2; exit 1; }
out=$build/bench
rm -rf "$out" && mkdir -p "$out/disk"
printf 'runs=%s\nsizes="%s"\n' "$runs" "$sizes" > "$out/disk/bench.conf"
tar -C "$out/disk" -cf "$out/disk.tar" .
disk=$out/disk.img
truncate -s 64M "$disk"
dd if="$out/disk.tar" of="$disk" conv=notrunc status=none
cpu="max,erms=off"
"$src/tests/vm/run-vm.sh" --arch x86_64 --build "$build" --out "$out/vm" \
	--tests bench_cr --cpu "$cpu" --mem 2048 --timeout 1800 --disk-in "$disk" || {
	cat "$out/vm/results/bench_cr.log" 2>/dev/null; exit 1; }
log=$out/vm/results/bench_cr.log
grep -v '^JSON ' "$log"
mkdir -p "$src/bench/results"
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
json=$src/bench/results/crmod-${date//:/}.json
{
	printf '{"date": "%s", "guest": "x86_64 TCG, -cpu %s, 2 GiB, 1 vCPU, kernel %s", "runs": %s,\n' \
		"$date" "$cpu" "$(grep -m1 -o 'Linux version [^ ]*' "$out/vm/console.log" | cut -d' ' -f3)" "$runs"
	printf ' "cpu": "%s",\n' "$(grep -m1 '^cpu:' "$log" | cut -d' ' -f2-)"
	printf ' "sizes": {'
	sep=
	grep '^JSON ' "$log" | sed 's/^JSON //' | while read -r line; do
		mib=$(echo "$line" | sed 's/.*"mib": \([0-9]*\).*/\1/')
		printf '%s\n  "%s": %s' "$sep" "$mib" "$line"
		sep=,
	done
	printf '\n }}\n'
} > "$json"
cp "$json" "$src/bench/results/latest.json"
echo "bench: $json"

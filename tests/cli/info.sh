#!/usr/bin/env bash
# crctl info on the host: images of both arches decode; a truncated, a
# bit-flipped and a foreign file are refused with exit 7 and a precise reason.
set -uo pipefail
crctl=$1 make_image=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for arch in x86 ppc; do
	"$make_image" "$arch" "$dir/$arch.cr" || fail "make_test_image $arch"
	"$crctl" info "$dir/$arch.cr" > "$dir/out" || fail "crctl info $arch.cr exited $?"
	cat "$dir/out"
	"$crctl" info --json - < "$dir/$arch.cr" > "$dir/out.json" || fail "crctl info --json - ($arch)"
	grep -q '"valid": true' "$dir/out.json" || fail "--json does not say valid"
done
grep -q power10 "$dir/out" || fail "ppc image: platform not shown"

expect_refused() { # file, text the reason must contain
	local status=0
	"$crctl" info "$1" > /dev/null 2> "$dir/err" || status=$?
	cat "$dir/err"
	[[ $status == 7 ]] || fail "$1: exit status $status, want 7"
	grep -q -- "$2" "$dir/err" || fail "$1: reason lacks '$2'"
}
head -c 1000 "$dir/x86.cr" > "$dir/truncated.cr"
expect_refused "$dir/truncated.cr" "section 1 (unknown type 0x200) at offset 416: truncated"
cp "$dir/x86.cr" "$dir/flipped.cr"
printf '\x00' | dd of="$dir/flipped.cr" bs=1 seek=500 conv=notrunc status=none
expect_refused "$dir/flipped.cr" "payload CRC32C mismatch: stored"
echo "not an image" > "$dir/foreign.cr"
expect_refused "$dir/foreign.cr" "header at offset 0: truncated"
status=0
"$crctl" info "$dir/missing.cr" 2>/dev/null || status=$?
[[ $status == 1 ]] || fail "a missing file: exit status $status, want 1"
echo "crctl info: all cases behave"

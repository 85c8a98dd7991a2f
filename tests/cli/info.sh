#!/usr/bin/env bash
# crctl info on the host: images of both arches decode, with the sections of
# a whole process; a truncated, a bit-flipped and a foreign file are refused
# with exit 7 and a precise reason, by info and by restart's own check
# (which needs no module).
set -uo pipefail
crctl=$1 make_image=$2
version=$("$crctl" --version | sed -n 's/^crctl \([^ ]*\) .*/\1/p')
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

for arch in x86 ppc; do
	"$make_image" "$arch" "$dir/$arch-process.cr" process || fail "make_test_image $arch process"
	"$crctl" info "$dir/$arch-process.cr" > "$dir/out" || fail "crctl info $arch-process.cr exited $?"
	grep -q '^  comm  *counter$' "$dir/out" || fail "$arch process: no comm"
	grep -q '^pages: 2 runs, 3 pages' "$dir/out" || fail "$arch process: no pages summary"
	grep -q 'file 2 (/var/log/counter.log)$' "$dir/out" || fail "$arch process: fd 4's file not shown"
	"$crctl" info --json "$dir/$arch-process.cr" > "$dir/out.json" || fail "crctl info --json ($arch process)"
	for key in task cgroup files file_data vmas pages signals pending creds pipes timers ofds fds locks; do
		grep -q "^  \"$key\": " "$dir/out.json" || fail "$arch process: no \"$key\" in the JSON"
	done
done
grep -q '^x86_64 registers:' <("$crctl" info "$dir/x86-process.cr") || fail "x86 registers not shown"
"$crctl" info "$dir/x86-process.cr" > "$dir/out"
for line in '^cgroup: /user.slice/counter.scope$' '  memfd  .* memfd:cache  content 1 extent, 4096 bytes' \
	'^open files: 10$' '^locks: 2$' '^  ITIMER_REAL  *expires in 1500000000 ns' '  CPU affinity  *CPUs 0-3,8$' \
	'growsdown,locked'; do
	grep -q -- "$line" "$dir/out" || fail "x86 process: no line like '$line'"
done
grep -q '^ppc64 registers:' <("$crctl" info "$dir/ppc-process.cr") || fail "ppc registers not shown"
for arch in x86 ppc; do
	"$make_image" "$arch" "$dir/$arch-threads.cr" threads || fail "make_test_image $arch threads"
	"$crctl" info "$dir/$arch-threads.cr" > "$dir/out" || fail "crctl info $arch-threads.cr exited $?"
	grep -q '^threads: 3: 4242 (leader) 4243 4244$' "$dir/out" || fail "$arch threads: no threads line"
	grep -q '^threads: 1: 4242 (leader)$' <("$crctl" info "$dir/$arch-process.cr") ||
		fail "$arch process: no threads line"
	"$crctl" info --json "$dir/$arch-threads.cr" > "$dir/out.json" || fail "crctl info --json ($arch threads)"
	tr -d ' \n' < "$dir/out.json" | grep -q '"threads":{"count":3,"tids":\[4242,4243,4244\]}' ||
		fail "$arch threads: no threads in the JSON"
done

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
"$make_image" x86 "$dir/format1.cr" format1 || fail "make_test_image format1"
expect_refused "$dir/format1.cr" "image format 1: this crctl (crmod $version) reads formats 2 to 6"
echo "not an image" > "$dir/foreign.cr"
expect_refused "$dir/foreign.cr" "header at offset 0: truncated"
status=0
"$crctl" info "$dir/missing.cr" 2>/dev/null || status=$?
[[ $status == 1 ]] || fail "a missing file: exit status $status, want 1"

# restart checks the image itself before it opens the device: one line, exit 7
restart_refused() { # file, text the reason must contain
	local status=0
	"$crctl" restart - < "$1" > "$dir/out" 2> "$dir/err" || status=$?
	cat "$dir/err"
	[[ $status == 7 ]] || fail "restart $1: exit status $status, want 7"
	[[ $(wc -l < "$dir/err") == 1 ]] && grep -q -- "^crctl: restart refused: .*$2" "$dir/err" ||
		fail "restart $1: want one line 'crctl: restart refused: ...$2'"
	[[ ! -s $dir/out ]] || fail "restart $1: printed on stdout"
}
head -c 5000 "$dir/x86-process.cr" > "$dir/truncated.cr"
restart_refused "$dir/truncated.cr" "truncated"
restart_refused "$dir/flipped.cr" "payload CRC32C mismatch: stored"
restart_refused "$dir/x86.cr" "section 0 (unknown type 0x100) at offset 384: restart does not know this section type"

# crctl validate checks the image itself first, as restart does
status=0
"$crctl" validate "$dir/truncated.cr" > "$dir/out" 2> "$dir/err" || status=$?
cat "$dir/err"
[[ $status == 7 ]] || fail "validate of a truncated image: exit status $status, want 7"
grep -q '^crctl: image refused: .*truncated' "$dir/err" || fail "validate: want 'crctl: image refused: ...truncated'"
status=0
"$crctl" validate --json - < "$dir/format1.cr" > "$dir/out.json" 2> /dev/null || status=$?
[[ $status == 7 ]] || fail "validate --json of a format 1 image: exit status $status, want 7"
grep -q '"valid": false' "$dir/out.json" && grep -q '"reason": "image refused: .*image format 1' "$dir/out.json" ||
	{ cat "$dir/out.json"; fail "validate --json: want valid false and the reason"; }
echo "crctl info: all cases behave"

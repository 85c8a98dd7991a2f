#!/usr/bin/env bash
# crctl info on the host, on a real image a guest wrote (cr_fresh_boot_save
# leaves it on the shared disk, a tar archive): it decodes whatever the
# guest's arch, names the process and its registers, and --json is valid.
set -uo pipefail
crctl=$1 jsoncheck=$2 disk=$3 arch=$4
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
tar -xOf "$disk" ./fresh.cr > "$dir/fresh.cr" 2>/dev/null || fail "no fresh.cr on $disk"
"$crctl" info "$dir/fresh.cr" > "$dir/out" || { cat "$dir/out"; fail "crctl info exited $?"; }
cat "$dir/out"
grep -q "cr-target" "$dir/out" || fail "the process's name is not shown"
case $arch in
x86_64) key=x86_regs ;;
ppc64le) key=ppc_regs ;;
esac
"$crctl" info --json "$dir/fresh.cr" > "$dir/out.json" || fail "crctl info --json exited $?"
"$jsoncheck" validate "$dir/out.json" || fail "--json is not JSON"
grep -q "\"$key\"" "$dir/out.json" || fail "no \"$key\" in the JSON of a $arch image"
grep -q '"valid": true' "$dir/out.json" || fail "--json does not say valid"
echo "ok: a $arch image from a guest, $(wc -c < "$dir/fresh.cr") bytes, decoded on $(uname -m)"

#!/usr/bin/env bash
# Prove the harness fails when it should: run a boot that must go wrong and
# check that run-vm.sh exits non-zero for the stated reason.
#   expect-failure.sh PATTERN -- run-vm.sh arguments (with --out)
set -uo pipefail
pattern=$1
shift
[[ $1 == -- ]] && shift
here=$(cd "$(dirname "$0")" && pwd)
out=
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
	[[ ${args[i]} == --out ]] && out=${args[i + 1]}
done

if "$here/run-vm.sh" "$@"; then
	echo "FAIL: run-vm.sh passed a boot that had to fail ($pattern)"
	exit 1
fi
if ! grep -q -- "$pattern" "$out/problems.txt" 2>/dev/null; then
	echo "FAIL: run-vm.sh failed, but not with '$pattern':"
	cat "$out/problems.txt" 2>/dev/null
	exit 1
fi
echo "ok: run-vm.sh failed as it must: $(grep -m1 -- "$pattern" "$out/problems.txt")"

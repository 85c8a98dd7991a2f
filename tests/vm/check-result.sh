#!/usr/bin/env bash
# Report one in-guest test's result, as collected by run-vm.sh, to ctest.
#   check-result.sh OUT TEST     exit 0 pass, 77 skip, 1 fail
#   check-result.sh OUT --guest  the boot itself: finished, no kernel trouble
set -uo pipefail
out=$1 name=$2

if [[ $name == --guest ]]; then
	if [[ ! -f $out/results.txt ]]; then
		echo "FAIL: no results from this boot (see the boot test's output)"
		exit 1
	fi
	if [[ -f $out/problems.txt ]]; then
		echo "FAIL: $(cat "$out/problems.txt")"
		echo "--- the kernel's log (last 80 lines of $out/console.log) ---"
		tail -n 80 "$out/console.log"
		exit 1
	fi
	grep '^BOOTED' "$out/results.txt"
	echo "guest ran all its tests and powered off cleanly"
	exit 0
fi

log=$out/results/$name.log
status=$(cat "$out/results/$name.status" 2>/dev/null || echo "FAIL no result recorded")
[[ -f $log ]] && cat "$log"
echo "result: $status"
case "$status" in
PASS*) exit 0 ;;
SKIP*) exit 77 ;;
*) exit 1 ;;
esac

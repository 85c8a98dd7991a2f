#!/usr/bin/env bash
# The main job: install everything, build, boot an x86_64 guest with Debian's
# kernel and show crmod in it: the module loads, a program runs, crctl
# checkpoints it to a file and kills it, and crctl restart brings it back.
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
build=${CRMOD_BUILD:-$src/build}
"$src/tests/install-deps.sh"
# The demo boots bookworm's kernel: build the module for that one only.
CRMOD_KERNELS=${CRMOD_KERNELS:-bookworm} "$src/tests/build.sh" >/dev/null
out=$build/demo
status=0
"$src/tests/vm/run-vm.sh" --arch x86_64 --build "$build/x86_64" --out "$out" --tests demo || status=$?
echo
cat "$out/results/demo.log"
echo
echo "demo: $(cat "$out/results/demo.status")"
exit "$status"

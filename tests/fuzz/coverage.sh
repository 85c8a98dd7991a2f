#!/usr/bin/env bash
# Which of the module's restart code the corpus reaches: builds the harness
# with clang's source-based coverage (no sanitizers), runs every input once,
# prints llvm-cov's report per file and per function of phase 1.
#   tests/fuzz/coverage.sh [--build-dir DIR] CORPUS_DIR...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${CRMOD_BUILD:-$src/build}/fuzz-coverage
if [[ ${1:-} == --build-dir ]]; then build=$2; shift 2; fi
(($#)) || { echo "usage: $0 [--build-dir DIR] CORPUS_DIR..." >&2; exit 2; }
cov="-fprofile-instr-generate -fcoverage-mapping"
make -s -C "$here" O="$build" SAN_ONLY="$cov" SAN="-fsanitize=fuzzer-no-link $cov" -j "$(nproc)" >&2
rm -f "$build"/cov.profraw
LLVM_PROFILE_FILE=$build/cov.profraw "$build/fuzz_restart_image" -runs=0 "$@" >&2
llvm-profdata-14 merge -o "$build/cov.profdata" "$build/cov.profraw"
cd "$src/module"
files=(*.c arch/x86/regs.c)
llvm-cov-14 report "$build/fuzz_restart_image" -instr-profile="$build/cov.profdata" "${files[@]}"
echo
echo "Phase 1 functions (line and branch coverage):"
llvm-cov-14 report "$build/fuzz_restart_image" -instr-profile="$build/cov.profdata" \
	-show-functions "${files[@]}" 2>/dev/null |
	awk 'NF >= 10 && $1 ~ /(^|:)cr_(read|check|plan|arch_check_regs)/ { printf "  %-32s %8s %8s\n", $1, $(NF-6), $NF }'

#!/usr/bin/env bash
# The whole test suite: install dependencies, build for both arches, run the
# unit tests and every guest test (x86_64 and ppc64le), end with ctest's
# summary. Exit non-zero on any failure.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${CRMOD_BUILD:-$src/build}
"$src/tests/install-deps.sh"
"$src/tests/build.sh"
# Two guests at a time: TCG runs each on one core.
ctest --test-dir "$build/x86_64" --output-on-failure -j 2 "$@"

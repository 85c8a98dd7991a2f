#!/usr/bin/env bash
# The whole test suite: install dependencies, build for both arches and
# every kernel (Debian 12's 6.1, Debian 13's 6.12, sid's 7.x), run the unit
# tests and every guest test (x86_64 and ppc64le), end with ctest's
# summary. Exit non-zero on any failure, a module that does not build for
# one of the kernels included.
#   CRMOD_KERNELS="bookworm trixie sid bookworm-old"   the kernels (tests/build.sh)
#   CRMOD_CTEST_JOBS=2                    tests at a time (TCG: a core each)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${CRMOD_BUILD:-$src/build}
"$src/tests/install-deps.sh"
"$src/tests/build.sh"
ctest --test-dir "$build/x86_64" --output-on-failure -j "${CRMOD_CTEST_JOBS:-2}" "$@"

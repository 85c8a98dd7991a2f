#!/usr/bin/env bash
# Build crmod for the test guests: build/x86_64 natively and build/ppc64le
# cross, each against Debian's 6.1 kernel headers from the cache, with the
# module's test hooks, static user space and the in-guest programs.
# build/x86_64 also registers the guest tests of both arches with ctest.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${CRMOD_BUILD:-$src/build}
jobs=$(nproc)

hdrs() {
	local root
	root=$("$src/tests/vm/fetch-kernels.sh" "$1")
	echo "$root/usr/src/linux-headers-$(cat "$root/release")"
}
common=(-DCRMOD_MODULE_TEST_HOOKS=ON -DCRMOD_GUEST_PROGRAMS=ON -DCRMOD_STATIC_USERSPACE=ON)

cmake -S "$src" -B "$build/ppc64le" \
	-DCMAKE_TOOLCHAIN_FILE="$src/cmake/ppc64le-toolchain.cmake" \
	-DCRMOD_KERNEL_DIR="$(hdrs ppc64el)" "${common[@]}" -DBUILD_TESTING=OFF
cmake --build "$build/ppc64le" -j "$jobs"

cmake -S "$src" -B "$build/x86_64" -DCRMOD_KERNEL_DIR="$(hdrs amd64)" "${common[@]}" \
	-DCRMOD_VM_TESTS=ON -DCRMOD_VM_PPC64LE_BUILD="$build/ppc64le"
cmake --build "$build/x86_64" -j "$jobs"

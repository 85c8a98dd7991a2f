#!/usr/bin/env bash
# Build crmod for the test guests: the user space once per arch
# (build/x86_64 natively, build/ppc64le cross; static, with the in-guest
# programs) and crmod.ko once per arch and kernel, with the module's test
# hooks (CRMOD_TEST=1), into build/<arch>/kmod-<suite>/crmod.ko:
#   bookworm      Debian 12's 6.1     (also build/<arch>/kmod/module/crmod.ko, CMake's)
#   trixie        Debian 13's 6.12
#   sid           unstable's 7.x
#   bookworm-old  an older build of Debian 12's 6.1 (only its images cross
#                 to and from bookworm's: tests/vm/CMakeLists.txt)
# Kernels and headers come from the cache (tests/vm/fetch-kernels.sh), the
# compilers of trixie and sid from their build roots (tests/vm/kbuild.sh).
# build/x86_64 also registers the guest tests of every arch and kernel.
#
# CRMOD_KERNELS="bookworm trixie sid bookworm-old" (the default; spaces or commas): the
# kernels to build the module for and to register guest tests of. A module
# that does not build fails this script (after trying every pair, so that
# all the compiler's errors show), naming the arch and kernel.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${CRMOD_BUILD:-$src/build}
jobs=$(nproc)

IFS=', ' read -r -a kernels <<< "${CRMOD_KERNELS:-bookworm trixie sid bookworm-old}"
((${#kernels[@]})) || { echo "build: CRMOD_KERNELS names no kernel" >&2; exit 2; }
for k in "${kernels[@]}"; do
	[[ $k =~ ^(bookworm|bookworm-old|trixie|sid)$ ]] ||
		{ echo "build: unknown kernel '$k' in CRMOD_KERNELS (bookworm, trixie, sid, bookworm-old)" >&2; exit 2; }
done
has_bookworm=0
[[ " ${kernels[*]} " == *" bookworm "* ]] && has_bookworm=1
echo "build: kernels: ${kernels[*]}" >&2

hdrs() {
	local root
	root=$("$src/tests/vm/fetch-kernels.sh" "$1" bookworm)
	echo "$root/usr/src/linux-headers-$(cat "$root/release")"
}
common=(-DCRMOD_GUEST_PROGRAMS=ON -DCRMOD_STATIC_USERSPACE=ON
	"-DCRMOD_VM_KERNELS=$(IFS=';'; echo "${kernels[*]}")")
# CMake's own module build (bookworm's 6.1) stays for demo.sh, bench/ and
# hand builds; the guest tests boot kmod-<suite>/crmod.ko.
cmake_module() {
	if ((has_bookworm)); then
		echo -DCRMOD_BUILD_MODULE=ON -DCRMOD_MODULE_TEST_HOOKS=ON -DCRMOD_KERNEL_DIR="$(hdrs "$1")"
	else
		echo -DCRMOD_BUILD_MODULE=OFF
	fi
}

failed=()
kmods() {
	local arch=$1 suite
	for suite in "${kernels[@]}"; do
		"$src/tests/vm/kbuild.sh" "$arch" "$suite" "$src" "$build/$arch/kmod-$suite" CRMOD_TEST=1 ||
			failed+=("$arch/$suite")
	done
}

# shellcheck disable=SC2046 # cmake_module's words are separate arguments
cmake -S "$src" -B "$build/ppc64le" \
	-DCMAKE_TOOLCHAIN_FILE="$src/cmake/ppc64le-toolchain.cmake" \
	$(cmake_module ppc64el) "${common[@]}" -DBUILD_TESTING=OFF
cmake --build "$build/ppc64le" -j "$jobs"
kmods ppc64le

# shellcheck disable=SC2046
cmake -S "$src" -B "$build/x86_64" $(cmake_module amd64) "${common[@]}" \
	-DCRMOD_VM_TESTS=ON -DCRMOD_VM_PPC64LE_BUILD="$build/ppc64le"
cmake --build "$build/x86_64" -j "$jobs"
kmods x86_64

if ((${#failed[@]})); then
	echo "build: FAILED: crmod.ko does not build for ${failed[*]} (the compiler's errors are above;" \
		"CRMOD_KERNELS=... builds only the kernels named)" >&2
	exit 1
fi
echo "build: crmod.ko built for ${kernels[*]} on x86_64 and ppc64le" >&2

#!/usr/bin/env bash
# Install what building crmod and running its guest tests needs, on Debian 12
# as root. Kernels and headers for the guests are fetched separately, into a
# cache, by tests/vm/fetch-kernels.sh; the build roots of trixie's and sid's
# compilers and the dkms roots are made there with debootstrap.
set -euo pipefail
pkgs=(
	cmake make gcc g++ pkg-config
	libcli11-dev libfmt-dev nlohmann-json3-dev libgtest-dev libboost-dev
	gcc-powerpc64le-linux-gnu g++-powerpc64le-linux-gnu
	qemu-system-x86 qemu-system-ppc busybox-static cpio gzip xz-utils kmod
	linux-source-6.1 git dkms openssl debootstrap
	clang llvm libclang-rt-14-dev
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
	echo "install-deps: installing ${missing[*]}" >&2
	apt-get update -q >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

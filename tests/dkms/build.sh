#!/usr/bin/env bash
# `dkms install` of the shipped module, as a user does it, on one Debian
# release's kernel, without changing the host.
#
#   build.sh SUITE OUT [ARCH]     leaves OUT/crmod.ko (decompressed)
#
# SUITE: bookworm|trixie|sid; ARCH: x86_64 (the default and, today, the
# only one: see below). The kernel is the one the guests boot
# (fetch-kernels.sh amd64 SUITE, release R). The user's machine is a
# debootstrap root of SUITE with `apt-get install dkms linux-headers-R`
# (Debian's own packages, their own paths and compiler), built once in
# $CRMOD_CACHE/dkmsroot-SUITE-R and never changed: each run works in an
# overlay over it (OUT/overlay, in a mount namespace of its own), copies
# module/, include/ and dkms.conf to /usr/src/crmod-VERSION, and runs
# `dkms add` and `dkms install -k R` there. The module dkms installed
# (updates/dkms/crmod.ko, compressed as the kernel's own are) is copied
# out for a guest of that kernel to load.
#
# ppc64le: Debian's ppc64el headers packages depend on that arch's
# compiler (gcc-12:ppc64el, gcc-14:ppc64el; sid's on gcc-16-for-host),
# which an amd64 machine cannot install, so apt cannot set up a ppc64el
# dkms on amd64 as a user would; the ppc64le guests test the module that
# tests/build.sh cross-builds instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
. "$src/tests/vm/kernel-root.sh"
suite=${1:?usage: build.sh SUITE OUT [ARCH]} out=${2:?usage: build.sh SUITE OUT [ARCH]}
arch=${3:-x86_64}
[[ $arch == x86_64 ]] || {
	echo "dkms: only x86_64: apt cannot install ppc64el headers on amd64 (see $0)" >&2; exit 2; }
cache=${CRMOD_CACHE:-/var/cache/crmod}
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$src/dkms.conf")
log() { echo "dkms[$suite]: $*" >&2; }

kroot=$("$src/tests/vm/fetch-kernels.sh" amd64 "$suite")
release=$(kroot_release "$kroot")
droot=$("$src/tests/vm/debootstrap-root.sh" "$suite" "$cache/dkmsroot-$suite-$release" \
	dkms "linux-headers-$release")
log "dkms root $droot: $(chroot "$droot" dpkg-query -W -f='${Package} ${Version}\n' dkms "linux-headers-$release" | tr '\n' ' ')"

rm -rf "$out"
mkdir -p "$out/overlay/upper" "$out/overlay/work" "$out/overlay/merged"
out=$(cd "$out" && pwd)
status=0
unshare --mount --propagation private bash -euo pipefail -c '
	droot=$1 ov=$2 src=$3 version=$4 release=$5
	m=$ov/merged
	mount -t overlay overlay -o "lowerdir=$droot,upperdir=$ov/upper,workdir=$ov/work" "$m"
	mount -t proc proc "$m/proc"
	mount --bind /dev "$m/dev"
	mkdir -p "$m/usr/src/crmod-$version"
	cp -r "$src/module" "$src/include" "$src/dkms.conf" "$m/usr/src/crmod-$version/"
	in_root() { chroot "$m" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 "$@"; }
	echo "+ dkms add crmod/$version"
	in_root dkms add "crmod/$version"
	echo "+ dkms install crmod/$version -k $release"
	st=0
	in_root dkms install "crmod/$version" -k "$release" || st=$?
	if [ "$st" != 0 ]; then
		for f in "$m"/var/lib/dkms/crmod/"$version"/build/make.log; do
			[ -f "$f" ] && { echo "--- $f"; cat "$f"; }
		done
		exit "$st"
	fi
	in_root dkms status
	# The installed module, out of the overlay before it goes.
	for d in lib usr/lib; do
		for f in "$m/$d/modules/$release"/updates/dkms/crmod.ko*; do
			[ -f "$f" ] && cp "$f" "$ov/"
		done
	done
	true
' dkms-build "$droot" "$out/overlay" "$src" "$version" "$release" >&2 || status=$?
((status == 0)) || { log "FAILED: dkms install did not build crmod/$version for $release (status $status)"; exit 1; }

ko=$(find "$out/overlay" -maxdepth 1 -name 'crmod.ko*' | head -n1)
[[ -n $ko ]] || { log "FAILED: dkms install left no updates/dkms/crmod.ko for $release"; exit 1; }
case "$ko" in
*.ko.xz) xz -dc "$ko" > "$out/crmod.ko" ;;
*.ko.zst) zstd -q -dc "$ko" > "$out/crmod.ko" ;;
*.ko.gz) gzip -dc "$ko" > "$out/crmod.ko" ;;
*.ko) cp "$ko" "$out/crmod.ko" ;;
*) log "FAILED: unknown module file $ko"; exit 1 ;;
esac
rm -rf "$out/overlay/merged" "$out/overlay/work"
vermagic=$(modinfo -F vermagic "$out/crmod.ko")
[[ $vermagic == "$release "* ]] || { log "FAILED: the module's vermagic is '$vermagic', not $release"; exit 1; }
modinfo "$out/crmod.ko" | grep -E '^(version|vermagic|signer):' || true
log "dkms installed $(basename "$ko") for $release; copied to $out/crmod.ko"

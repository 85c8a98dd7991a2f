#!/usr/bin/env bash
# `dkms install` of the shipped module, as a user does it, on one Debian
# release's kernel, without changing the host.
#
#   build.sh SUITE OUT [ARCH]     leaves OUT/crmod.ko (decompressed)
#
# SUITE: bookworm|trixie|sid; ARCH: x86_64 (the default) or, on sid only,
# ppc64le (see below). The kernel is the one the guests boot
# (fetch-kernels.sh amd64|ppc64el SUITE, release R). The user's machine is
# a debootstrap root of SUITE (amd64) with `apt-get install dkms
# linux-headers-R` (Debian's own packages, their own paths and compiler),
# built once in $CRMOD_CACHE/dkmsroot-SUITE-R and never changed: each run works in an
# overlay over it (OUT/overlay, in a mount namespace of its own), copies
# module/, include/ and dkms.conf to /usr/src/crmod-VERSION, and runs
# `dkms add` and `dkms install -k R` there. The module dkms installed
# (updates/dkms/crmod.ko, compressed as the kernel's own are) is copied
# out for a guest of that kernel to load.
#
# ppc64le, a cross build as a user on amd64 would set it up: `dpkg
# --add-architecture ppc64el` and `apt-get install dkms
# linux-headers-R:ppc64el`; sid's headers depend on gcc-16-for-host:ppc64el,
# which the amd64 cross compiler satisfies, and their .kernelvariables make
# dkms's make cross-compile. bookworm's and trixie's depend on gcc-12:ppc64el
# and gcc-14:ppc64el instead, which drag in that arch's libc and more (not
# all served by the mirror here): refused, the ppc64le guests of those
# kernels test the module tests/build.sh cross-builds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
. "$src/tests/vm/kernel-root.sh"
# CRMOD_DKMS_SRC: another tree with module/, include/ and dkms.conf (to
# check this script itself with a module that builds everywhere).
msrc=${CRMOD_DKMS_SRC:-$src}
suite=${1:?usage: build.sh SUITE OUT [ARCH]} out=${2:?usage: build.sh SUITE OUT [ARCH]}
arch=${3:-x86_64}
case "$arch/$suite" in
x86_64/*) debarch=amd64 hdrs_pkg_arch= ;;
ppc64le/sid) debarch=ppc64el hdrs_pkg_arch=:ppc64el ;;
*) echo "dkms: $arch only on sid: apt cannot install $suite's ppc64el headers on amd64 (see $0)" >&2; exit 2 ;;
esac
cache=${CRMOD_CACHE:-/var/cache/crmod}
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$msrc/dkms.conf")
log() { echo "dkms[$arch/$suite]: $*" >&2; }

kroot=$("$src/tests/vm/fetch-kernels.sh" "$debarch" "$suite")
release=$(kroot_release "$kroot")
droot=$(CRMOD_ROOT_FOREIGN_ARCH=${hdrs_pkg_arch#:} "$src/tests/vm/debootstrap-root.sh" "$suite" \
	"$cache/dkmsroot-$suite-$release" dkms "linux-headers-$release$hdrs_pkg_arch")
log "dkms root $droot: $(chroot "$droot" dpkg-query -W -f='${Package}:${Architecture} ${Version}\n' dkms "linux-headers-$release" | tr '\n' ' ')"

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
' dkms-build "$droot" "$out/overlay" "$msrc" "$version" "$release" >&2 || status=$?
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

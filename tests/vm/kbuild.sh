#!/usr/bin/env bash
# Build crmod.ko from a module source folder against one Debian release's
# kernel headers, with the compiler that kernel was built with.
#
#   kbuild.sh ARCH SUITE SRC OUT [MAKE_VAR=value ...]
#
# ARCH: x86_64 (or amd64) | ppc64le (or ppc64el);
# SUITE: bookworm|bookworm-old|trixie|sid.
# SRC: a folder holding module/ and include/ (the repository, or a dkms
# source tree such as /usr/src/crmod-0.7.0), or the module/ folder itself.
# They are copied to OUT/src first, so builds never share object files.
# MAKE_VAR=value pairs go to make, e.g. CRMOD_TEST=1 for the test hooks.
# Leaves OUT/crmod.ko; the compiler's diagnostics go to stderr; non-zero
# exit if the module does not build.
#
# bookworm and bookworm-old (6.1, gcc-12) build with the host's gcc and
# cross compiler, as
# Debian 12's own. trixie (6.12, gcc-14) and sid (7.x, gcc-16) build inside
# a build root of that release (mkbuildroot.sh) entered with chroot, in a
# mount namespace of its own where the kernel root (read-only) and OUT are
# bound at the same paths as outside. Kernels: fetch-kernels.sh, cached.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernel-root.sh"

usage="usage: kbuild.sh x86_64|ppc64le bookworm|bookworm-old|trixie|sid SRC OUT [VAR=value ...]"
arch=${1:?$usage} suite=${2:?$usage} src=${3:?$usage} out=${4:?$usage}
shift 4
for v in "$@"; do
	[[ $v == *=* ]] || { echo "kbuild: '$v' is not a MAKE_VAR=value" >&2; exit 2; }
done
case "$arch" in
x86_64 | amd64) arch=x86_64 debarch=amd64 cross=() ;;
ppc64le | ppc64el) arch=ppc64le debarch=ppc64el cross=(ARCH=powerpc CROSS_COMPILE=powerpc64le-linux-gnu-) ;;
*) echo "kbuild: unknown arch '$arch'" >&2; exit 2 ;;
esac
log() { echo "kbuild[$arch/$suite]: $*" >&2; }

src=$(cd "$src" && pwd)
if [[ -f $src/Kbuild && -d $src/../include/uapi ]]; then
	src=$(dirname "$src")
fi
[[ -f $src/module/Kbuild && -d $src/include/uapi ]] || {
	log "$src holds no module/Kbuild and include/uapi"; exit 2; }

root=$("$here/fetch-kernels.sh" "$debarch" "$suite")
hdrs=$(kroot_headers "$root")
release=$(kroot_release "$root")

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/src" "$out/crmod.ko"
mkdir -p "$out/src"
cp -r "$src/module" "$src/include" "$out/src/"
mdir=$out/src/module
make_args=(-C "$hdrs" M="$mdir" "${cross[@]}" "$@" modules)

log "building against $release ($hdrs)"
status=0
if [[ $suite == bookworm* ]]; then
	make "${make_args[@]}" || status=$?
else
	gcc=$(sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)[0-9][0-9][0-9][0-9]$/\1/p' "$hdrs/.config")
	[[ -n $gcc ]] || { log "cannot read CONFIG_GCC_VERSION in $hdrs/.config"; exit 1; }
	broot=$("$here/mkbuildroot.sh" "$suite" "$gcc")
	log "compiler: $(cat "$broot/gcc-version") in $broot"
	mkdir -p "$broot$root" "$broot$out"
	unshare --mount --propagation private bash -euo pipefail -c '
		broot=$1 root=$2 out=$3
		shift 3
		mount -t proc proc "$broot/proc"
		mount --bind /dev "$broot/dev"
		mount --bind "$root" "$broot$root"
		mount -o remount,bind,ro "$broot$root"
		mount --bind "$out" "$broot$out"
		exec chroot "$broot" env -i PATH=/usr/bin:/bin HOME=/tmp LC_ALL=C.UTF-8 make "$@"
	' kbuild "$broot" "$root" "$out" "${make_args[@]}" || status=$?
fi
if ((status)) || [[ ! -f $mdir/crmod.ko ]]; then
	log "FAILED: crmod.ko does not build against $release (make status $status)"
	exit 1
fi
cp "$mdir/crmod.ko" "$out/crmod.ko"
log "built $out/crmod.ko ($(modinfo -F vermagic "$out/crmod.ko"))"

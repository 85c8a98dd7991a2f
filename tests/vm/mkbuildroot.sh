#!/usr/bin/env bash
# Make (once) a Debian build root for building modules against a newer
# Debian's kernel headers, which expect the compiler their kernel was built
# with (trixie's 6.12: gcc-14; sid's 7.x: gcc-16) and pahole.
#
#   mkbuildroot.sh SUITE GCC_MAJOR      prints the root's path
#
# The root is $CRMOD_CACHE/buildroot-SUITE-gccN (default cache
# /var/cache/crmod): a debootstrap of SUITE with gcc-N, its powerpc64le
# cross compiler, make, bc, bison, flex, libelf-dev, dwarves, kmod and
# xz-utils. A root with its "ready" stamp is reused as it is; nothing is
# rebuilt per run. Takes about 2 minutes the first time.
set -euo pipefail

suite=${1:?usage: mkbuildroot.sh trixie|sid GCC_MAJOR}
gcc=${2:?usage: mkbuildroot.sh trixie|sid GCC_MAJOR}
[[ $suite =~ ^(trixie|sid)$ ]] || { echo "mkbuildroot: unknown suite '$suite'" >&2; exit 2; }
[[ $gcc =~ ^[0-9]+$ ]] || { echo "mkbuildroot: GCC_MAJOR must be a number, not '$gcc'" >&2; exit 2; }
cache=${CRMOD_CACHE:-/var/cache/crmod}
root=$cache/buildroot-$suite-gcc$gcc
log() { echo "mkbuildroot[$suite]: $*" >&2; }

if [[ -f $root/ready ]]; then
	echo "$root"
	exit 0
fi
"$(dirname "$0")/debootstrap-root.sh" "$suite" "$root" gcc-"$gcc" gcc-"$gcc"-powerpc64le-linux-gnu \
	make bc bison flex libelf-dev dwarves kmod xz-utils libc6-dev > /dev/null
for tool in gcc-"$gcc" powerpc64le-linux-gnu-gcc-"$gcc" make pahole bc bison flex; do
	[[ -x $root/usr/bin/$tool ]] || { log "$root lacks /usr/bin/$tool"; exit 1; }
done
[[ -f $root/gcc-version ]] || chroot "$root" gcc-"$gcc" --version | head -n1 > "$root/gcc-version"
log "$(cat "$root/gcc-version")"
echo "$root"

#!/usr/bin/env bash
# Fetch one Debian release's kernel (image, modules), its headers (with the
# common half and the kbuild tools they need) and a static busybox for one
# guest architecture, with apt, into a cache that later runs reuse.
#
#   fetch-kernels.sh amd64|ppc64el [bookworm|bookworm-old|trixie|sid]
#                                                  prints the root's path
#
# bookworm (the default) is Debian 12's 6.1, unpacked in $CRMOD_CACHE/root-ARCH;
# bookworm-old an older build of it, the oldest ABI whose image and headers
# bookworm-security still carries (6.1.0-53 when this was written), in
# $CRMOD_CACHE/root-bookworm-old-ARCH; trixie (Debian 13, 6.12) and sid
# (unstable, 7.x today) in $CRMOD_CACHE/root-SUITE-ARCH, fetched with a
# sources list of their own.
# Nothing is installed on the host: the .debs are downloaded with apt and
# unpacked with dpkg -x under $CRMOD_CACHE (default /var/cache/crmod). Once a
# root is complete (its "ready" stamp), no apt call is made.
# tests/vm/kernel-root.sh says where the image, modules and headers are.
set -euo pipefail

arch=${1:?usage: fetch-kernels.sh amd64|ppc64el [bookworm|bookworm-old|trixie|sid]}
suite=${2:-bookworm}
cache=${CRMOD_CACHE:-/var/cache/crmod}
case "$arch" in
amd64) flavour=amd64 ;;
ppc64el) flavour=powerpc64le ;;
*) echo "fetch-kernels: unknown architecture '$arch'" >&2; exit 2 ;;
esac
case "$suite" in
bookworm | bookworm-old | trixie | sid) ;;
*) echo "fetch-kernels: unknown suite '$suite' (bookworm, bookworm-old, trixie or sid)" >&2; exit 2 ;;
esac
if [[ $suite != bookworm* ]]; then
	exec "$(dirname "$0")/fetch-kernels-newer.sh" "$arch" "$suite"
fi

root=$cache/root-$arch
[[ $suite == bookworm ]] || root=$cache/root-$suite-$arch
if [[ -f $root/ready ]]; then
	echo "$root"
	exit 0
fi

log() { echo "fetch-kernels[$arch]: $*" >&2; }

# apt for one architecture, with package lists of its own under the cache.
apt_for() {
	local a=$1 tool=$2
	shift 2
	"$tool" -q -oAPT::Sandbox::User=root -oAPT::Architecture="$a" \
		-oAPT::Architectures="$a" -oDir::State::Lists="$cache/apt-lists-$a" \
		-oDir::Cache="$cache/apt-cache-$a" "$@"
}
update_lists() {
	mkdir -p "$cache/apt-lists-$1/partial" "$cache/apt-cache-$1/archives/partial"
	local try
	for try in 1 2 3; do
		log "updating $1 package lists (try $try)"
		# Error-Mode=any: a half-synced mirror index is an error worth retrying.
		apt_for "$1" apt-get -oAPT::Update::Error-Mode=any update >&2 && return 0
		sleep 5
	done
	# A mirror can serve one stale index for hours (seen: bookworm-security's
	# ppc64el list). Carry on with the indexes that did download; the kernel
	# then comes from the newest suite that answered.
	log "WARNING: some $1 package lists would not download; using those that did"
	apt_for "$1" apt-get update >&2 || true
}

update_lists "$arch"
[[ $arch == amd64 ]] || update_lists amd64

# The meta package names the current kernel ABI, e.g. linux-image-6.1.0-56-amd64.
image_pkg=$(apt_for "$arch" apt-cache depends "linux-image-$flavour" |
	sed -n 's/^ *Depends: \(linux-image-6\.1\.[0-9.-]*-'"$flavour"'\)$/\1/p' | head -n1)
[[ -n $image_pkg ]] || { log "cannot find the kernel ABI behind linux-image-$flavour"; exit 1; }
release=${image_pkg#linux-image-}
if [[ $suite == bookworm-old ]]; then
	# the oldest other ABI with an image, headers and their common half
	current=$release release=
	for n in $(apt_for "$arch" apt-cache pkgnames linux-headers-6.1.0- |
		sed -n 's/^linux-headers-6\.1\.0-\([0-9]*\)-'"$flavour"'$/\1/p' | sort -n); do
		r=6.1.0-$n-$flavour
		[[ $r != "$current" ]] || continue
		apt_for "$arch" apt-cache show "linux-image-$r" "linux-headers-6.1.0-$n-common" \
			> /dev/null 2>&1 || continue
		release=$r
		break
	done
	[[ -n $release ]] || { log "no 6.1 ABI but $current has an image and headers in the lists"; exit 1; }
	image_pkg=linux-image-$release
fi
abi=${release%-"$flavour"}
log "kernel $release"

debs=$cache/debs-$suite-$arch
rm -rf "$debs"
mkdir -p "$debs"
(cd "$debs" && apt_for "$arch" apt-get download "$image_pkg" "linux-headers-$release" \
	"linux-headers-$abi-common" busybox-static >&2)
# kbuild's tools run on the build host, so they always come from amd64; the
# headers ask for a kbuild of at least their own version, so the newest fits.
(cd "$debs" && apt_for amd64 apt-get download linux-kbuild-6.1 >&2)

rm -rf "$root.tmp"
mkdir -p "$root.tmp"
for deb in "$debs"/*.deb; do
	log "unpacking $(basename "$deb")"
	dpkg -x "$deb" "$root.tmp"
done

# The headers' Makefile includes the common half by an absolute /usr/src path;
# point it into this root so the tree builds where it is.
sed -i "s|/usr/src/linux-headers-$abi-common|$root/usr/src/linux-headers-$abi-common|g" \
	"$root.tmp/usr/src/linux-headers-$release/Makefile"
echo "$release" > "$root.tmp/release"
touch "$root.tmp/ready"
rm -rf "$root" "$debs"
mv "$root.tmp" "$root"
echo "$root"

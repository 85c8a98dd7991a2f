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
mirror=${CRMOD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
root=$cache/buildroot-$suite-gcc$gcc
log() { echo "mkbuildroot[$suite]: $*" >&2; }

if [[ -f $root/ready ]]; then
	echo "$root"
	exit 0
fi
mkdir -p "$cache"
# One builder at a time; a second caller waits and then finds it ready.
exec 9> "$cache/buildroot-$suite-gcc$gcc.lock"
flock 9
if [[ -f $root/ready ]]; then
	echo "$root"
	exit 0
fi
command -v debootstrap > /dev/null || {
	log "debootstrap is missing (tests/install-deps.sh installs it)"; exit 1; }

pkgs=(gcc-"$gcc" gcc-"$gcc"-powerpc64le-linux-gnu make bc bison flex libelf-dev
	dwarves kmod xz-utils libc6-dev)
tmp=$root.tmp
rm -rf "$tmp"
start=$SECONDS
log "debootstrap of $suite into $tmp"
debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
	"$suite" "$tmp" "$mirror" > "$tmp.log" 2>&1 || {
	tail -n 30 "$tmp.log" >&2; log "debootstrap failed (log: $tmp.log)"; exit 1; }

if [[ $suite == trixie ]]; then
	cat > "$tmp/etc/apt/sources.list" <<-EOF
	deb $mirror trixie main
	deb $mirror trixie-updates main
	deb http://deb.debian.org/debian-security trixie-security main
	EOF
else
	echo "deb $mirror $suite main" > "$tmp/etc/apt/sources.list"
fi
log "installing ${pkgs[*]}"
# In a mount namespace of its own: the binds vanish with it, whatever happens.
unshare --mount --propagation private bash -euo pipefail -c '
	root=$1; shift
	mount -t proc proc "$root/proc"
	mount --bind /dev "$root/dev"
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	# The mirror may serve a sid index past its Valid-Until (seen: a month
	# old); the signature is still checked.
	chroot "$root" apt-get -q -oAcquire::Check-Valid-Until=false update
	DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -q \
		--no-install-recommends "$@"
	chroot "$root" apt-get clean
' mkbuildroot "$tmp" "${pkgs[@]}" >> "$tmp.log" 2>&1 || {
	tail -n 30 "$tmp.log" >&2; log "installing the build tools failed (log: $tmp.log)"; exit 1; }

for tool in gcc-"$gcc" powerpc64le-linux-gnu-gcc-"$gcc" make pahole bc bison flex; do
	[[ -x $tmp/usr/bin/$tool ]] || { log "the root lacks /usr/bin/$tool"; exit 1; }
done
chroot "$tmp" gcc-"$gcc" --version | head -n1 > "$tmp/gcc-version"
log "$(cat "$tmp/gcc-version"); built in $((SECONDS - start))s"
touch "$tmp/ready"
rm -rf "$root"
mv "$tmp" "$root"
rm -f "$tmp.log"
echo "$root"

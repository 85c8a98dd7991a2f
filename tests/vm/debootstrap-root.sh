#!/usr/bin/env bash
# Make (once) a Debian root of one release with some packages installed by
# its own apt, for mkbuildroot.sh (compilers) and tests/dkms (dkms and the
# kernel headers, as a user installs them).
#
#   debootstrap-root.sh SUITE ROOT PACKAGE...      prints ROOT
#
# SUITE: bookworm|trixie|sid. CRMOD_ROOT_FOREIGN_ARCH=ppc64el (unset by
# default): dpkg --add-architecture that before installing, so that
# PACKAGE:ppc64el can be named. A ROOT with its "ready" stamp is reused as it
# is: nothing is rebuilt per run. Built in ROOT.tmp, moved into place when
# complete; one builder at a time (ROOT.lock).
set -euo pipefail

suite=${1:?usage: debootstrap-root.sh SUITE ROOT PACKAGE...}
root=${2:?usage: debootstrap-root.sh SUITE ROOT PACKAGE...}
shift 2
(($#)) || { echo "debootstrap-root: no packages named" >&2; exit 2; }
mirror=${CRMOD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${CRMOD_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
log() { echo "debootstrap-root[$suite]: $*" >&2; }
case "$suite" in
bookworm | trixie)
	sources="deb $mirror $suite main
deb $mirror $suite-updates main
deb $security $suite-security main" ;;
sid) sources="deb $mirror sid main" ;;
*) log "unknown suite '$suite'"; exit 2 ;;
esac

if [[ -f $root/ready ]]; then
	echo "$root"
	exit 0
fi
mkdir -p "$(dirname "$root")"
exec 9> "$root.lock"
flock 9
if [[ -f $root/ready ]]; then
	echo "$root"
	exit 0
fi
command -v debootstrap > /dev/null || {
	log "debootstrap is missing (tests/install-deps.sh installs it)"; exit 1; }

tmp=$root.tmp
rm -rf "$tmp"
start=$SECONDS
log "debootstrap of $suite into $tmp"
debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
	"$suite" "$tmp" "$mirror" > "$tmp.log" 2>&1 || {
	tail -n 30 "$tmp.log" >&2; log "debootstrap failed (log: $tmp.log)"; exit 1; }
echo "$sources" > "$tmp/etc/apt/sources.list"

log "installing $*"
# In a mount namespace of its own: the mounts vanish with it, whatever happens.
unshare --mount --propagation private bash -euo pipefail -c '
	root=$1 foreign=$2; shift 2
	mount -t proc proc "$root/proc"
	mount --bind /dev "$root/dev"
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	[ -z "$foreign" ] || chroot "$root" dpkg --add-architecture "$foreign"
	# The mirror may serve a sid index past its Valid-Until (seen: a month
	# old); the signature is still checked.
	chroot "$root" apt-get -q -oAcquire::Check-Valid-Until=false update
	DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -q \
		--no-install-recommends "$@"
	chroot "$root" apt-get clean
' debootstrap-root "$tmp" "${CRMOD_ROOT_FOREIGN_ARCH:-}" "$@" >> "$tmp.log" 2>&1 || {
	tail -n 30 "$tmp.log" >&2; log "installing $* failed (log: $tmp.log)"; exit 1; }
log "built in $((SECONDS - start))s"
touch "$tmp/ready"
rm -rf "$root"
mv "$tmp" "$root"
rm -f "$tmp.log"
echo "$root"

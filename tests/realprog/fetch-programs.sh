#!/usr/bin/env bash
# Fetch Debian 12's own programs for the "real programs" guest suite, for one
# architecture, with apt, into a cache that later runs reuse.
#
#   fetch-programs.sh amd64|ppc64el      prints the unpacked root's path
#
# Like tests/vm/fetch-kernels.sh: nothing is installed on the host. The .debs
# of the programs below and, recursively, of the libraries they depend on are
# downloaded with apt (package lists of their own under the cache) and
# unpacked with dpkg -x under $CRMOD_CACHE/realprog-ARCH (default
# /var/cache/crmod). Once that root is complete (its "ready" stamp), no apt
# call is made. The programs are never run on the host: stage.sh resolves
# their shared libraries from their ELF headers.
set -euo pipefail

arch=${1:?usage: fetch-programs.sh amd64|ppc64el}
cache=${CRMOD_CACHE:-/var/cache/crmod}
case "$arch" in
amd64 | ppc64el) ;;
*) echo "fetch-programs: unknown architecture '$arch'" >&2; exit 2 ;;
esac
# The programs the suite runs (tests/realprog/jobs.txt) and what they need
# beyond their libraries: python's minimal stdlib, perl-base's modules.
programs=(gzip bzip2 xz-utils coreutils diffutils sed mawk gawk bc dash bash
	sqlite3 perl-base python3.11-minimal libpython3.11-minimal lua5.4 libc6)

root=$cache/realprog-$arch
if [[ -f $root/ready ]]; then
	echo "$root"
	exit 0
fi
log() { echo "fetch-programs[$arch]: $*" >&2; }

lists=$cache/apt-lists-realprog-$arch
apt_for() {
	local tool=$1
	shift
	"$tool" -q -oAPT::Sandbox::User=root -oAPT::Architecture="$arch" \
		-oAPT::Architectures="$arch" -oDir::State::Lists="$lists" \
		-oDir::Cache="$cache/apt-cache-realprog-$arch" "$@"
}
update_lists() {
	mkdir -p "$lists/partial" "$cache/apt-cache-realprog-$arch/archives/partial"
	local try
	for try in 1 2 3; do
		log "updating $arch package lists (try $try)"
		apt_for apt-get -oAPT::Update::Error-Mode=any update >&2 && return 0
		sleep 5
	done
	# as fetch-kernels.sh: a stale mirror index is skipped, not fatal
	log "WARNING: some $arch package lists would not download; using those that did"
	apt_for apt-get update >&2 || true
}

# The programs and, recursively, the library packages they depend on
# (lib*, zlib1g): not their documentation, alternatives or maintainer tools.
closure() {
	local -A seen=()
	local queue=("${programs[@]}") p d
	while ((${#queue[@]})); do
		p=${queue[0]}
		queue=("${queue[@]:1}")
		[[ -z ${seen[$p]:-} ]] || continue
		seen[$p]=1
		echo "$p"
		for d in $(apt_for apt-cache depends --no-recommends --no-suggests \
			--no-conflicts --no-breaks --no-replaces --no-enhances "$p" |
			sed -n 's/^ *|\?\(Pre\)\?Depends: \([a-z0-9][^ ]*\)$/\2/p' |
			grep -E '^(lib|zlib1g$)'); do
			queue+=("$d")
		done
	done
}

update_lists
pkgs=$(closure | sort -u)
log "fetching $(echo $pkgs)"
debs=$cache/debs-realprog-$arch
rm -rf "$debs" "$root.tmp"
mkdir -p "$debs" "$root.tmp"
# shellcheck disable=SC2086
(cd "$debs" && apt_for apt-get download $pkgs >&2) || {
	log "download failed; updating the package lists and trying again"
	update_lists
	(cd "$debs" && apt_for apt-get download $pkgs >&2)
}
for deb in "$debs"/*.deb; do
	dpkg -x "$deb" "$root.tmp"
	dpkg-deb -f "$deb" Package Version | paste -sd' ' >> "$root.tmp/packages"
done
touch "$root.tmp/ready"
rm -rf "$root" "$debs"
mv "$root.tmp" "$root"
echo "$root"

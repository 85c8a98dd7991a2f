#!/usr/bin/env bash
# Fetch trixie's (Debian 13, 6.12) or sid's (7.x) kernel for one guest
# architecture into the cache; fetch-kernels.sh ARCH SUITE calls this.
#
#   fetch-kernels-newer.sh amd64|ppc64el trixie|sid    prints the root's path
#
# apt runs with a sources list, package lists and status of its own under
# $CRMOD_CACHE/apt-SUITE (both architectures in one set of lists), so the
# host's apt is neither used nor changed. Downloaded: the kernel image and
# every linux-* package of the same ABI it and its headers depend on (sid
# splits the image into linux-image, linux-binary, linux-modules and
# linux-base packages), the headers' common half, the kbuild tools (always
# amd64: they run on the build host) and busybox-static. Unpacked with
# dpkg -x into $CRMOD_CACHE/root-SUITE-ARCH, with a "ready" stamp.
#
# A mirror index can list versions whose .debs are not served yet (seen:
# trixie-security's ppc64el kernel, 404): the newest version that downloads
# is taken, with a warning on stderr naming what was skipped.
set -euo pipefail

arch=${1:?usage: fetch-kernels-newer.sh amd64|ppc64el trixie|sid}
suite=${2:?usage: fetch-kernels-newer.sh amd64|ppc64el trixie|sid}
cache=${CRMOD_CACHE:-/var/cache/crmod}
mirror=${CRMOD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${CRMOD_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
case "$arch" in
amd64) flavour=amd64 ;;
ppc64el) flavour=powerpc64le ;;
*) echo "fetch-kernels: unknown architecture '$arch'" >&2; exit 2 ;;
esac
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
case "$suite" in
trixie)
	sources="deb [signed-by=$keyring] $mirror trixie main
deb [signed-by=$keyring] $mirror trixie-updates main
deb [signed-by=$keyring] $security trixie-security main" ;;
sid) sources="deb [signed-by=$keyring] $mirror sid main" ;;
*) echo "fetch-kernels: unknown suite '$suite' (trixie or sid here)" >&2; exit 2 ;;
esac

root=$cache/root-$suite-$arch
if [[ -f $root/ready ]]; then
	echo "$root"
	exit 0
fi
log() { echo "fetch-kernels[$suite/$arch]: $*" >&2; }

apt_dir=$cache/apt-$suite
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/preferences.d"
# One fetch per suite at a time (the lists are shared by both arches).
exec 9> "$apt_dir/lock"
flock 9
if [[ -f $root/ready ]]; then
	echo "$root"
	exit 0
fi
echo "$sources" > "$apt_dir/sources.list"
: > "$apt_dir/status"
# Check-Valid-Until=false: the mirror may serve a sid index past its
# Valid-Until (seen: a month old); signatures are still checked.
apt_opts=(-q -oAPT::Sandbox::User=root -oAcquire::Check-Valid-Until=false -oAPT::Architecture=amd64
	-oAPT::Architectures::=amd64 -oAPT::Architectures::=ppc64el
	-oDir::Etc::SourceList="$apt_dir/sources.list" -oDir::Etc::SourceParts=/nonexistent
	-oDir::State::Lists="$apt_dir/lists" -oDir::Cache="$apt_dir/cache"
	-oDir::State::status="$apt_dir/status" -oDir::Etc::Preferences="$apt_dir/preferences"
	-oDir::Etc::PreferencesParts="$apt_dir/preferences.d")
aptget() { apt-get "${apt_opts[@]}" "$@"; }
aptcache() { apt-cache "${apt_opts[@]}" "$@"; }

updated=0
for try in 1 2 3; do
	log "updating the $suite package lists (try $try)"
	if aptget -oAPT::Update::Error-Mode=any update >&2; then
		updated=1
		break
	fi
	sleep 5
done
if ((!updated)); then
	log "WARNING: some $suite package lists would not download; using those that did"
	aptget update >&2 || true
fi

# Packages of the guest's arch are named pkg:ppc64el in these lists; the
# native (amd64) view needs no suffix.
q=
[[ $arch == amd64 ]] || q=:$arch

# The meta package names the newest kernel ABI, e.g.
# linux-image-6.12.118+deb13-amd64; the lists (trixie-security's) may hold
# older ABIs of the same series too, the fallbacks, newest first.
newest=$(aptcache show "linux-image-$flavour$q" |
	sed -n 's/^Depends: .*\(linux-image-[^ ,]*-'"$flavour"'\)\([ ,].*\)\{0,1\}$/\1/p' |
	sort -Vr | head -n1)
[[ -n $newest ]] || { log "no linux-image-$flavour in the $suite lists"; exit 1; }
series=$(echo "${newest#linux-image-}" | cut -d. -f1,2)
mapfile -t cands < <( (echo "$newest"; aptcache pkgnames "linux-image-$series." |
	grep -E "^linux-image-${series//./\\.}\.[0-9]+\+[a-z0-9.]+-$flavour\$") | sort -Vr -u)

# deps_of PKG: the linux-* packages of the same ABI that PKG depends on.
deps_of() {
	aptcache depends "$1" 2> /dev/null |
		sed -n 's/^ *|\{0,1\}\(Pre\)\{0,1\}Depends: <\{0,1\}\([^ >]*\)>\{0,1\}$/\2/p' |
		sed 's/:[a-z0-9]*$//' | grep -F -- "$stem" | grep -v -- '-unsigned$' || true
}
# qualify NAME: which arch's package to download. kbuild's tools run on the
# build host; the common headers are arch-independent.
qualify() {
	case "$1" in
	linux-kbuild-* | *-common) echo "$1" ;;
	*) echo "$1$q" ;;
	esac
}

debs=$apt_dir/debs-$arch
chosen=
for image_pkg in "${cands[@]}"; do
	# Listed by name only (a package others mention) is not a candidate.
	version=$(aptcache madison "$image_pkg$q" | awk '{ print $3; exit }')
	[[ -n $version ]] || continue
	release=${image_pkg#linux-image-}
	stem=${release%-"$flavour"}
	# Every linux-* package of this ABI reachable from the image and headers.
	want=("$image_pkg" "linux-headers-$release")
	declare -A seen=()
	while ((${#want[@]})); do
		p=${want[0]}
		want=("${want[@]:1}")
		[[ -z ${seen[$p]:-} ]] || continue
		seen[$p]=1
		mapfile -t -O "${#want[@]}" want < <(deps_of "$(qualify "$p")")
	done
	pkgs=()
	for p in "${!seen[@]}"; do pkgs+=("$(qualify "$p")"); done
	unset seen
	mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | sort)
	log "kernel $release ($version): ${pkgs[*]}"
	rm -rf "$debs"
	mkdir -p "$debs"
	if (cd "$debs" && aptget download "${pkgs[@]}" "busybox-static$q" >&2); then
		chosen=$release
		break
	fi
	log "WARNING: $release ($version) is listed but would not download; trying an older version"
done
[[ -n $chosen ]] || { log "no version of linux-image-$flavour downloads"; exit 1; }
[[ $image_pkg == "$newest" ]] ||
	log "WARNING: fell back from $newest (the newest listed) to $image_pkg: newer ones would not download"

rm -rf "$root.tmp"
mkdir -p "$root.tmp"
for deb in "$debs"/*.deb; do
	log "unpacking $(basename "$deb")"
	dpkg -x "$deb" "$root.tmp"
done

# The headers' Makefile refers to itself (sid: KBUILD_OUTPUT=) and to its
# common half by absolute /usr/src paths; point those into this root so that
# the tree builds where it is (and at the same path inside a build root that
# binds it there, see kbuild.sh).
hdrs=$root.tmp/usr/src/linux-headers-$release
[[ -f $hdrs/Makefile ]] || { log "the headers package left no $hdrs/Makefile"; exit 1; }
sed -i "s#\(^\|[ =]\)/usr/src/linux-headers-#\1$root/usr/src/linux-headers-#g" "$hdrs/Makefile"
if grep -n '/usr/src' "$hdrs/Makefile" | grep -vF "$root/usr/src/" >&2; then
	log "the headers' Makefile still names /usr/src paths outside $root (above)"
	exit 1
fi
echo "$release" > "$root.tmp/release"
echo "$version" > "$root.tmp/version"
echo "$suite" > "$root.tmp/suite"
touch "$root.tmp/ready"
rm -rf "$root" "$debs"
mv "$root.tmp" "$root"
log "ready: $root"
echo "$root"

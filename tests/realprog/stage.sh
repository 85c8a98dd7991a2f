#!/usr/bin/env bash
# Lay out the "real programs" suite's additions to a guest's initramfs, for
# mkinitramfs.sh's CRMOD_INITRAMFS_EXTRA: Debian 12's own programs (from
# fetch-programs.sh's cache) in /usr/bin, their shared libraries and the
# loader, python's minimal stdlib and perl-base's modules, the suite's guest
# library, job scripts and cases under /tests, and the run's seed.
#
#   stage.sh x86_64|ppc64le OUT_DIR
#
# CRMOD_RP_SEED=N   the seed of the random checkpoint points (default: a new
#                   one, printed here and in every case's log)
# CRMOD_RP_POINTS=N random checkpoint points per program (default 3)
#
# Shared libraries are found from the ELF headers (readelf -d NEEDED,
# recursively, in the unpacked root's library folders); no program is run
# on the host. A NEEDED library that is not there stops the staging.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
arch=${1:?usage: stage.sh x86_64|ppc64le OUT_DIR} out=${2:?usage: stage.sh x86_64|ppc64le OUT_DIR}
case "$arch" in
x86_64) debarch=amd64 triplet=x86_64-linux-gnu ;;
ppc64le) debarch=ppc64el triplet=powerpc64le-linux-gnu ;;
*) echo "stage: unknown arch $arch" >&2; exit 2 ;;
esac
log() { echo "realprog-stage[$arch]: $*" >&2; }
root=$("$here/fetch-programs.sh" "$debarch")

# The programs: where the package put them -> /usr/bin/<name> in the guest
# (the guest's /bin is busybox's: real programs are always called by path).
programs=(bin/gzip bin/bzip2 usr/bin/xz usr/bin/sort usr/bin/sha256sum usr/bin/tr
	bin/sed usr/bin/cmp usr/bin/mawk usr/bin/gawk usr/bin/bc bin/dash bin/bash
	usr/bin/sqlite3 usr/bin/perl usr/bin/python3.11 usr/bin/lua5.4)

rm -rf "$out"
mkdir -p "$out/usr/bin" "$out/lib/$triplet" "$out/tests/rp-jobs"
chmod 755 "$out"

# A path inside the root, symlinks followed within the root (the packages'
# links are often absolute, e.g. /lib64/ld-linux-x86-64.so.2).
in_root() {
	local p=$1 t n=0
	while [[ -L $root/$p ]]; do
		t=$(readlink "$root/$p")
		if [[ $t == /* ]]; then p=${t#/}; else p=$(dirname "$p")/$t; fi
		n=$((n + 1))
		((n < 20)) || { log "symlink loop at $1"; exit 1; }
	done
	[[ -f $root/$p ]] || return 1
	echo "$root/$p"
}
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'; }

declare -A have=()
add_libs() {
	local lib file
	for lib in $(needed "$1"); do
		[[ -z ${have[$lib]:-} ]] || continue
		file=$(in_root "lib/$triplet/$lib" || in_root "usr/lib/$triplet/$lib") ||
			{ log "$1 needs $lib, which no package in $root provides"; exit 1; }
		have[$lib]=1
		cp "$file" "$out/lib/$triplet/$lib"
		add_libs "$file"
	done
}

interp=
for p in "${programs[@]}"; do
	file=$(in_root "$p") || { log "missing $p in $root"; exit 1; }
	cp "$file" "$out/usr/bin/$(basename "$p")"
	add_libs "$file"
	i=$(readelf -l "$file" | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]$/\1/p')
	[[ -n $i ]] || { log "$p has no program interpreter"; exit 1; }
	[[ -z $interp || $interp == "$i" ]] || { log "$p asks for $i, others for $interp"; exit 1; }
	interp=$i
done
loader=$(in_root "${interp#/}") || { log "no loader $interp in $root"; exit 1; }
mkdir -p "$out/$(dirname "$interp")"
cp "$loader" "$out/$interp"
add_libs "$loader"

# Interpreters' own files: python's minimal stdlib (lib-dynload left empty:
# its modules need libssl, and the jobs use built-in modules only; python
# wants the folder, as its exec_prefix landmark), perl-base.
mkdir -p "$out/usr/lib" "$out/usr/lib/$triplet"
cp -a "$root/usr/lib/python3.11" "$out/usr/lib/python3.11"
rm -rf "$out/usr/lib/python3.11/lib-dynload"
mkdir "$out/usr/lib/python3.11/lib-dynload"
mkdir -p "$out/etc"
cp -a "$root/etc/python3.11" "$out/etc/python3.11"	# sitecustomize.py links there
cp -a "$root/usr/lib/$triplet/perl-base" "$out/usr/lib/$triplet/perl-base"

# The suite in the guest.
cp "$here/guest-lib.sh" "$out/tests/rp-lib.sh"
cp "$here"/jobs/* "$out/tests/rp-jobs/"
cp "$here"/cases/* "$out/tests/"
seed=${CRMOD_RP_SEED:-$(( $(od -An -N4 -tu4 /dev/urandom) % 1000000000 ))}
[[ $seed =~ ^[0-9]+$ ]] || { log "CRMOD_RP_SEED must be a number"; exit 2; }
points=${CRMOD_RP_POINTS:-3}
printf 'RP_SEED=%s\nRP_POINTS=%s\n' "$seed" "$points" > "$out/tests/rp.conf"
sed -n 's/^Package: \(.*\) Version: \(.*\)$/\1 \2/p' "$root/packages" > "$out/tests/rp-packages.txt"
log "staged $(du -sh "$out" | cut -f1) in $out: seed $seed, $points points per program"

#!/usr/bin/env bash
# crmod beside CRIU, in ONE x86_64 guest (-cpu max,erms=off, 6 GiB, 1 vCPU,
# TCG) with Debian's criu (bookworm: 3.17.1) and the crmod module. For
# processes of 1, 16, 64, 256 and 1024 MiB of touched anonymous memory it
# times crmod checkpoint and restart, criu dump and restore, and dd writing
# the same bytes to tmpfs: median and min-max of RUNS runs, images on tmpfs
# for both tools, CRIU's kernel probe cache warm. Also a 1 MiB process with
# 100 small VMAs and 50 open files, and a 1 MiB process checkpointed and
# restarted CHAIN times in a row. Every restored process checks its memory
# (and mappings and files) and must say PASS, or the run stops. Also a 1
# MiB process of 64 threads (each answers with its tid after restart).
#
#   bench/compare.sh [--runs N] [--chain N] [--sizes "1 16 64 256 1024"]
#                    [--mem MiB]
#
# Needs the x86_64 test build (tests/build.sh) and gcc; criu is not
# installed on the host: its .deb and its libraries' .debs are fetched with
# apt and unpacked under $CRMOD_CACHE/criu-amd64 (default /var/cache/crmod),
# like tests/vm/fetch-kernels.sh does with kernels, and put into this boot's
# initramfs only (CRMOD_INITRAMFS_EXTRA).
# Output: the table, bench/results/criu-<date>.json and a copy of it in
# bench/results/latest-criu.json.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${CRMOD_BUILD:-$src/build}/x86_64
cache=${CRMOD_CACHE:-/var/cache/crmod}
runs=5 chain=20 sizes="1 16 64 256 1024" mem=6144
while [[ $# -gt 0 ]]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--chain) chain=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	*) echo "compare: unknown argument $1" >&2; exit 2 ;;
	esac
done
log() { echo "compare: $*" >&2; }
[[ -x $build/userspace/crctl && -f $build/kmod/module/crmod.ko ]] ||
	{ log "build first: tests/build.sh"; exit 1; }
# the largest size's target, its image and the restored copy all live in RAM
max=0
for s in $sizes; do if ((s > max)); then max=$s; fi; done
((mem >= 2048 && mem >= 3 * max + 1536)) ||
	{ log "--mem $mem is too small for $max MiB: give at least $((3 * max + 1536 > 2048 ? 3 * max + 1536 : 2048))"; exit 2; }

root=$("$src/tests/vm/fetch-kernels.sh" amd64)
release=$(cat "$root/release")

# ---- CRIU from Debian, unpacked, not installed
apt_amd64() {
	local tool=$1
	shift
	"$tool" -q -oAPT::Sandbox::User=root -oAPT::Architecture=amd64 \
		-oAPT::Architectures=amd64 -oDir::State::Lists="$cache/apt-lists-amd64" \
		-oDir::Cache="$cache/apt-cache-amd64" "$@"
}
# criu and, recursively, the lib* packages it depends on (not python: that is
# for crit, which is not needed here)
criu_packages() {
	local -A seen=()
	local queue=(criu) p d
	while ((${#queue[@]})); do
		p=${queue[0]}
		queue=("${queue[@]:1}")
		[[ -z ${seen[$p]:-} ]] || continue
		seen[$p]=1
		echo "$p"
		for d in $(apt_amd64 apt-cache depends --no-recommends --no-suggests \
			--no-conflicts --no-breaks --no-replaces --no-enhances "$p" |
			sed -n 's/^ *|\?\(Pre\)\?Depends: \([a-z0-9][^ ]*\)$/\2/p' | grep '^lib'); do
			queue+=("$d")
		done
	done
}
fetch_criu() {
	local dir=$cache/criu-amd64 debs=$cache/debs-criu pkgs deb
	[[ -f $dir/ready ]] && return 0
	mkdir -p "$cache/apt-lists-amd64/partial" "$cache/apt-cache-amd64/archives/partial"
	pkgs=$(criu_packages)
	if [[ $pkgs != *libc6* ]]; then
		log "updating the amd64 package lists"
		apt_amd64 apt-get update >&2
		pkgs=$(criu_packages)
	fi
	log "fetching ${pkgs//$'\n'/ }"
	rm -rf "$debs" "$dir.tmp"
	mkdir -p "$debs" "$dir.tmp"
	# shellcheck disable=SC2086
	(cd "$debs" && apt_amd64 apt-get download $pkgs >&2) || {
		log "download failed; updating the package lists and trying again"
		apt_amd64 apt-get update >&2
		(cd "$debs" && apt_amd64 apt-get download $pkgs >&2)
	}
	for deb in "$debs"/*.deb; do
		dpkg -x "$deb" "$dir.tmp"
	done
	dpkg-deb -f "$debs"/criu_*.deb Version > "$dir.tmp/version"
	touch "$dir.tmp/ready"
	rm -rf "$dir" "$debs"
	mv "$dir.tmp" "$dir"
}
fetch_criu
criu_root=$cache/criu-amd64
criu_version=$(cat "$criu_root/version")

out=$build/compare
rm -rf "$out"
mkdir -p "$out/disk" "$out/extra"/{bin,usr/sbin,lib64,lib/x86_64-linux-gnu,lib/modules/criu,tests,run}
extra=$out/extra

# A snapshot of the build: what boots is what the JSON names, even if the
# build folder is rebuilt meanwhile.
snap=$out/build
mkdir -p "$snap"/{userspace,kmod/module,tests/guest}
cp "$build"/userspace/{crctl,jsoncheck} "$snap/userspace/"
cp "$build/kmod/module/crmod.ko" "$snap/kmod/module/"
# every in-guest program the build made (mkinitramfs.sh installs them all)
find "$build/tests/guest" -maxdepth 1 -type f -perm -u+x -exec cp {} "$snap/tests/guest/" \;
crmod_ko_sha=$(sha256sum "$snap/kmod/module/crmod.ko" | cut -d' ' -f1)
crctl_sha=$(sha256sum "$snap/userspace/crctl" | cut -d' ' -f1)
crmod_rev=$(git -C "$src" describe --always --dirty 2>/dev/null || echo unknown)

# criu, its libraries as the loader resolves them, and the loader
cp "$criu_root/usr/sbin/criu" "$extra/usr/sbin/criu"
libdirs=$criu_root/lib/x86_64-linux-gnu:$criu_root/usr/lib/x86_64-linux-gnu
loader=
for f in "$criu_root"/{,usr/}lib/x86_64-linux-gnu/ld-linux-x86-64.so.2; do
	[[ -n $loader || ! -e $f ]] || loader=$f
done
[[ -n $loader ]] || { log "no loader in $criu_root"; exit 1; }
cp -L "$loader" "$extra/lib64/ld-linux-x86-64.so.2"
listing=$("$loader" --library-path "$libdirs" --list "$criu_root/usr/sbin/criu")
if grep -q 'not found' <<< "$listing"; then
	log "criu's libraries are incomplete:"; echo "$listing" >&2; exit 1
fi
for lib in $(sed -n 's/.*=> \([^ ]*\) (.*/\1/p' <<< "$listing"); do
	[[ $lib == "$criu_root"/* ]] || { log "criu resolved $lib outside $criu_root"; exit 1; }
	cp -L "$lib" "$extra/lib/x86_64-linux-gnu/$(basename "$lib")"
done

# the kernel modules CRIU needs, in load order
n=0
for mod in crc32c_generic libcrc32c nfnetlink nf_tables inet_diag tcp_diag udp_diag \
	raw_diag unix_diag netlink_diag af_packet_diag tun veth; do
	file=$(find "$root/lib/modules/$release/kernel" -name "$mod.ko" | head -n1)
	[[ -n $file ]] || { log "no $mod.ko in $root"; exit 1; }
	cp "$file" "$extra/lib/modules/criu/$(printf %02d $n)-$mod.ko"
	n=$((n + 1))
done

# the driver and target, and the guest script
gcc -static -O2 -pthread -Wall -Wextra -Werror "$src/bench/compare/crcmp.c" -o "$extra/bin/crcmp"
install -m 755 "$src/bench/compare/criu_compare" "$extra/tests/criu_compare"

printf 'runs=%s\nchain=%s\nsizes="%s"\n' "$runs" "$chain" "$sizes" > "$out/disk/compare.conf"
disk=$out/disk.img
truncate -s 64M "$disk"
tar -C "$out/disk" -cf - . | dd of="$disk" conv=notrunc status=none

cpu="max,erms=off"
log "one guest: -cpu $cpu, $mem MiB, criu $criu_version, sizes $sizes MiB, $runs runs, chain $chain"
status=0
CRMOD_INITRAMFS_EXTRA=$extra "$src/tests/vm/run-vm.sh" --arch x86_64 --build "$snap" \
	--out "$out/vm" --tests criu_compare --cpu "$cpu" --mem "$mem" \
	--timeout 10800 --test-timeout 10700 --disk-in "$disk" || status=$?
vmlog=$out/vm/results/criu_compare.log
if ((status)); then
	cat "$vmlog" 2>/dev/null
	log "FAILED: see above and $out/vm"
	exit 1
fi
cat "$vmlog"

mkdir -p "$out/shared"
tar -C "$out/shared" -xf "$out/vm/disk.img"
body=$out/shared/criu-compare.json
[[ -s $body ]] || { log "the guest wrote no results"; exit 1; }
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
mkdir -p "$src/bench/results"
json=$src/bench/results/criu-${date//:/}.json
{
	printf '{"date": "%s",\n' "$date"
	printf '"guest": {"arch": "x86_64", "accel": "tcg", "cpu_option": "%s", "mem_mib": %s, "vcpus": 1, "qemu": "%s"},\n' \
		"$cpu" "$mem" "$(qemu-system-x86_64 --version | head -n1)"
	printf '"tools": {"criu": "%s", "crmod": "%s", "crmod_ko_sha256": "%s", "crctl_sha256": "%s"},\n' \
		"$criu_version" "$crmod_rev" "$crmod_ko_sha" "$crctl_sha"
	printf '"method": "median and [min, max] of runs; wall time of the command (fork to exit): crctl checkpoint PID -o IMAGE --kill, crctl restart --detach IMAGE, criu dump -t PID -D DIR, criu restore -d -D DIR, dd if=/dev/zero of=FILE bs=1M count=MiB conv=fsync; images and dd on tmpfs; criu check run first (kdat cache warm); one untimed warm-up round of each tool first; tool order alternates between runs; every restored process verified its state",\n'
	cat "$body"
	printf '}\n'
} > "$json"
cp "$json" "$src/bench/results/latest-criu.json"
log "results: $json (and bench/results/latest-criu.json)"

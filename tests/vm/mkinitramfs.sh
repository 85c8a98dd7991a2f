#!/usr/bin/env bash
# Build the test guest's initramfs: a static busybox, our init as PID 1, the
# module, crctl, the in-guest test programs and cases, and the kernel's
# virtio disk modules.
#
#   mkinitramfs.sh KERNEL_ROOT BUILD_DIR SOURCE_DIR OUTPUT.gz CRMOD.KO|none
#
# KERNEL_ROOT: a root fetch-kernels.sh unpacked (any suite). CRMOD.KO none:
# no crmod.ko in the guest (a kernel the module does not build for yet).
# Compressed kernel modules (.ko.xz, 6.12 on) are decompressed here, as
# init loads them with finit_module and no flags; a driver the kernel has
# built in (modules.builtin: the virtio core on 6.12 on) is not loaded.
#
# CRMOD_INITRAMFS_EXTRA=DIR (unset by default): DIR's contents are copied over
# the initramfs root last (bench/compare.sh adds CRIU and its modules so).
set -euo pipefail

root=$1 build=$2 src=$3 output=$4 module=$5
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernel-root.sh"
modules=$(kroot_modules "$root")
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# mktemp made it 0700: the guest's / would shut out every user but root
chmod 755 "$stage"

mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,shared,tests,lib/modules/boot}
install_file() { [[ -f $1 ]] || { echo "mkinitramfs: missing $1" >&2; exit 1; }; cp "$1" "$2"; }

install_file "$(kroot_busybox "$root")" "$stage/bin/busybox"
# The guest's busybox may be of another arch: ask the host's which links to
# make (trixie's and sid's busybox have every applet bookworm's has).
for applet in $(busybox --list | grep -vx busybox); do
	ln -sf busybox "$stage/bin/$applet"
done
install_file "$build/tests/guest/crmod-init" "$stage/init"
install_file "$build/tests/guest/crmod-ioctl-test" "$stage/bin/crmod-ioctl-test"
for prog in cr-target cr-state cr-fault cr-image-tool cr-restart-probe cr-runas cr-fuzz cr-threads crmod-bench; do
	install_file "$build/tests/guest/$prog" "$stage/bin/$prog"
done
for prog in cr-spin32 cr-ioctl32 cr-ioctl64; do
	[[ ! -f $build/tests/guest/$prog ]] || install_file "$build/tests/guest/$prog" "$stage/bin/$prog"
done
install_file "$build/userspace/crctl" "$stage/bin/crctl"
install_file "$build/userspace/jsoncheck" "$stage/bin/jsoncheck"
[[ $module == none ]] || install_file "$module" "$stage/lib/modules/crmod.ko"
install_file "$src/tests/guest/lib.sh" "$stage/tests/lib.sh"
cp "$src"/tests/guest/cases/* "$src"/bench/guest/* "$stage/tests/"

# The shared disk's driver stack, in load order (virtio_blk needs the rest),
# each a module or built in, never neither.
n=0
for mod in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk; do
	file=$(find "$modules/kernel/drivers" \( -name "$mod.ko" -o -name "$mod.ko.xz" \) | head -n1)
	dest=$stage/lib/modules/boot/$(printf %02d $n)-$mod.ko
	case "$file" in
	*.ko.xz) xz -dc "$file" > "$dest" ;;
	*.ko) cp "$file" "$dest" ;;
	*)
		grep -q "/$mod\.ko\$" "$modules/modules.builtin" || {
			echo "mkinitramfs: $mod is neither a module nor built in ($modules)" >&2; exit 1; }
		continue ;;
	esac
	n=$((n + 1))
done

if [[ -n ${CRMOD_INITRAMFS_EXTRA:-} ]]; then
	[[ -d $CRMOD_INITRAMFS_EXTRA ]] || { echo "mkinitramfs: CRMOD_INITRAMFS_EXTRA=$CRMOD_INITRAMFS_EXTRA is not a folder" >&2; exit 1; }
	cp -a "$CRMOD_INITRAMFS_EXTRA"/. "$stage"/
fi

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 > "$output"

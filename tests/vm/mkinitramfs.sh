#!/usr/bin/env bash
# Build the test guest's initramfs: a static busybox, our init as PID 1, the
# module, crctl, the in-guest test programs and cases, and the kernel's
# virtio disk modules.
#
#   mkinitramfs.sh KERNEL_ROOT BUILD_DIR SOURCE_DIR OUTPUT.gz CRMOD.KO
#
# CRMOD_INITRAMFS_EXTRA=DIR (unset by default): DIR's contents are copied over
# the initramfs root last (bench/compare.sh adds CRIU and its modules so).
set -euo pipefail

root=$1 build=$2 src=$3 output=$4 module=$5
release=$(cat "$root/release")
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# mktemp made it 0700: the guest's / would shut out every user but root
chmod 755 "$stage"

mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,shared,tests,lib/modules/boot}
install_file() { [[ -f $1 ]] || { echo "mkinitramfs: missing $1" >&2; exit 1; }; cp "$1" "$2"; }

install_file "$root/bin/busybox" "$stage/bin/busybox"
# The guest's busybox may be of another arch: ask the host's (same Debian
# version, same applets) which links to make.
for applet in $(busybox --list | grep -vx busybox); do
	ln -sf busybox "$stage/bin/$applet"
done
install_file "$build/tests/guest/crmod-init" "$stage/init"
install_file "$build/tests/guest/crmod-ioctl-test" "$stage/bin/crmod-ioctl-test"
for prog in cr-target cr-state cr-fault cr-image-tool cr-restart-probe cr-runas crmod-bench; do
	install_file "$build/tests/guest/$prog" "$stage/bin/$prog"
done
install_file "$build/userspace/crctl" "$stage/bin/crctl"
install_file "$build/userspace/jsoncheck" "$stage/bin/jsoncheck"
install_file "$module" "$stage/lib/modules/crmod.ko"
install_file "$src/tests/guest/lib.sh" "$stage/tests/lib.sh"
cp "$src"/tests/guest/cases/* "$src"/bench/guest/* "$stage/tests/"

# The shared disk's driver stack, in load order (virtio_blk needs the rest).
n=0
for mod in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk; do
	file=$(find "$root/lib/modules/$release/kernel/drivers" -name "$mod.ko" | head -n1)
	install_file "$file" "$stage/lib/modules/boot/$(printf %02d $n)-$mod.ko"
	n=$((n + 1))
done

if [[ -n ${CRMOD_INITRAMFS_EXTRA:-} ]]; then
	[[ -d $CRMOD_INITRAMFS_EXTRA ]] || { echo "mkinitramfs: CRMOD_INITRAMFS_EXTRA=$CRMOD_INITRAMFS_EXTRA is not a folder" >&2; exit 1; }
	cp -a "$CRMOD_INITRAMFS_EXTRA"/. "$stage"/
fi

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 > "$output"

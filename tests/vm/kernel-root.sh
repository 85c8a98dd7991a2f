# shellcheck shell=bash
# Sourced by the harness: where things are in a kernel root that
# fetch-kernels.sh unpacked. The layouts differ by Debian release: bookworm
# has boot/vmlinuz-R (x86) or boot/vmlinux-R (powerpc) and lib/modules/R;
# sid ships the image inside usr/lib/modules/R.

# kroot_release ROOT: the kernel release, e.g. 6.12.118+deb13-amd64
kroot_release() { cat "$1/release"; }

# kroot_kernel ROOT: the image QEMU boots (vmlinuz on x86, the uncompressed
# ELF vmlinux on powerpc when there is one).
kroot_kernel() {
	local root=$1 r f
	r=$(kroot_release "$root")
	for f in boot/vmlinux-"$r" usr/lib/modules/"$r"/vmlinux lib/modules/"$r"/vmlinux \
		boot/vmlinuz-"$r" usr/lib/modules/"$r"/vmlinuz lib/modules/"$r"/vmlinuz; do
		[[ -f $root/$f ]] && { echo "$root/$f"; return 0; }
	done
	echo "kernel-root: no kernel image for $r in $root" >&2
	return 1
}

# kroot_modules ROOT: the folder of the kernel's modules (kernel/, modules.*)
kroot_modules() {
	local root=$1 r d
	r=$(kroot_release "$root")
	for d in lib/modules/"$r" usr/lib/modules/"$r"; do
		[[ -d $root/$d/kernel ]] && { echo "$root/$d"; return 0; }
	done
	echo "kernel-root: no modules for $r in $root" >&2
	return 1
}

# kroot_headers ROOT: the kernel build folder for out-of-tree modules
kroot_headers() {
	local root=$1 d
	d=$root/usr/src/linux-headers-$(kroot_release "$root")
	[[ -f $d/Makefile ]] || { echo "kernel-root: no headers in $d" >&2; return 1; }
	echo "$d"
}

# kroot_busybox ROOT: the static busybox of the guest's arch
kroot_busybox() {
	local root=$1 f
	for f in bin/busybox usr/bin/busybox; do
		[[ -f $root/$f ]] && { echo "$root/$f"; return 0; }
	done
	echo "kernel-root: no busybox in $root" >&2
	return 1
}

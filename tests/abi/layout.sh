#!/usr/bin/env bash
# The uapi header's structures (ioctl arguments and the image format) have
# one layout, whatever the word size and arch: a 32-bit crctl talks to the
# module through compat_ioctl with the same structures, and an image
# written on one arch is decoded on another. clang lays out every
# `struct crmod_*` for i386, x86_64 and ppc64le (-fdump-record-layouts);
# each field's offset and each size must agree (alignment may not: a
# __u64 is 4-aligned on i386, and the explicit padding makes that moot).
# A control structure with implicit padding must disagree, or the check
# proves nothing.
#   layout.sh WORKDIR
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: layout.sh WORKDIR}
mkdir -p "$out"
uapi=$src/include/uapi

# one use of each structure, so that clang lays it out
{
	echo '#include <linux/crmod.h>'
	grep -ho '^struct crmod_[a-z0-9_]* {' "$uapi"/linux/crmod*.h | sed 's/ {$//' | sort -u |
		awk '{ print "int size_" $2 "[sizeof(" $0 ")];" }'
} > "$out/uapi.c"
n=$(grep -c '^int size_' "$out/uapi.c")
((n > 20)) || { echo "layout: only $n structures found in $uapi/linux" >&2; exit 1; }
printf '%s\n' '#include <linux/types.h>' 'struct control { __u32 a; __u64 b; };' \
	'int size_control[sizeof(struct control)];' > "$out/control.c"

layout() {	# FILE TARGET INCLUDE -> the layouts, alignment left out
	clang --target="$2" -ffreestanding -fsyntax-only -I"$uapi" -I"$3" \
		-Xclang -fdump-record-layouts "$1" | sed 's/, align=[0-9]*//'
}
targets=("i386-linux-gnu /usr/include/x86_64-linux-gnu"
	 "x86_64-linux-gnu /usr/include/x86_64-linux-gnu"
	 "powerpc64le-linux-gnu /usr/powerpc64le-linux-gnu/include")
for t in "${targets[@]}"; do
	read -r target inc <<< "$t"
	layout "$out/uapi.c" "$target" "$inc" > "$out/uapi-$target.txt"
	layout "$out/control.c" "$target" "$inc" > "$out/control-$target.txt"
	[[ $(grep -c 'sizeof=' "$out/uapi-$target.txt") -ge $n ]] ||
		{ echo "layout: clang laid out fewer than $n structures for $target" >&2; exit 1; }
done
if cmp -s "$out/control-i386-linux-gnu.txt" "$out/control-x86_64-linux-gnu.txt"; then
	echo "layout: the control structure has one layout on i386 and x86_64: the check proves nothing" >&2
	exit 1
fi
status=0
for target in i386-linux-gnu powerpc64le-linux-gnu; do
	if ! diff -u "$out/uapi-x86_64-linux-gnu.txt" "$out/uapi-$target.txt"; then
		echo "layout: the uapi structures differ between x86_64 and $target (above)" >&2
		status=1
	fi
done
((status)) || echo "layout: $n structures, one layout on i386, x86_64 and ppc64le"
exit $status

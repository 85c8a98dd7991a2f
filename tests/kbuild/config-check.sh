#!/usr/bin/env bash
# module/Kbuild refuses a kernel that lacks what crmod needs, in one line.
#
#   config-check.sh SYMBOL OUT     SYMBOL: KPROBES, KALLSYMS, or none
#
# Builds the module against a copy of bookworm's amd64 headers (the host's
# compiler, no guest) with CONFIG_SYMBOL switched off in
# include/config/auto.conf and include/generated/autoconf.h: the build must
# fail before compiling anything, with one line naming CONFIG_SYMBOL=y. With
# none, nothing is switched off and the same copy must build crmod.ko: the
# copy itself is sound, so the refusals are the check's doing.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
. "$src/tests/vm/kernel-root.sh"
sym=${1:?usage: config-check.sh KPROBES|KALLSYMS|none OUT} out=${2:?usage: config-check.sh SYMBOL OUT}
fail() { echo "FAIL: $*"; exit 1; }

root=$("$src/tests/vm/fetch-kernels.sh" amd64 bookworm)
hdrs=$(kroot_headers "$root")
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
copy=$out/headers
cp -a "$hdrs" "$copy"
# Relative links (scripts, tools) into the kbuild package: make them absolute.
for l in "$copy"/*; do
	[[ -L $l ]] && ln -sfn "$(readlink -f "$hdrs/$(basename "$l")")" "$l"
done
# A Makefile naming its own folder (sid's KBUILD_OUTPUT) must name the copy.
sed -i "s#$hdrs\\b#$copy#g" "$copy/Makefile"

if [[ $sym != none ]]; then
	grep -qx "CONFIG_$sym=y" "$copy/include/config/auto.conf" ||
		fail "CONFIG_$sym=y is not in $hdrs's auto.conf: nothing to switch off"
	sed -i "/^CONFIG_$sym=y\$/d" "$copy/include/config/auto.conf"
	sed -i "/^#define CONFIG_$sym 1\$/d" "$copy/include/generated/autoconf.h"
	grep -q "CONFIG_${sym}[= ]" "$copy/include/config/auto.conf" "$copy/include/generated/autoconf.h" &&
		fail "could not switch CONFIG_$sym off in the copy"
fi

mkdir -p "$out/src"
cp -r "$src/module" "$src/include" "$out/src/"
status=0
make -C "$copy" M="$out/src/module" modules > "$out/build.log" 2>&1 || status=$?
cat "$out/build.log"
if [[ $sym == none ]]; then
	((status == 0)) && [[ -f $out/src/module/crmod.ko ]] ||
		fail "the unchanged copy of the headers does not build crmod.ko (status $status)"
	echo "ok: the unchanged copy builds crmod.ko"
	exit 0
fi
((status != 0)) || fail "crmod built against a kernel without CONFIG_$sym"
lines=$(grep -c "crmod needs a kernel with CONFIG_$sym=y" "$out/build.log" || true)
[[ $lines == 1 ]] || fail "want one line naming CONFIG_$sym=y, found $lines"
! grep -q 'CC \[M\]' "$out/build.log" || fail "the compiler ran before the refusal"
echo "ok: refused in one line: $(grep "crmod needs a kernel with CONFIG_$sym=y" "$out/build.log")"

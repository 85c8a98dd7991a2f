#!/usr/bin/env bash
# Build crmod.ko the way a user does, with dkms and the repository's
# dkms.conf, but in a private dkms tree so that nothing on the host changes.
#   build.sh KERNEL_BUILD_DIR OUT_DIR      leaves OUT_DIR/crmod.ko
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
kdir=$1 out=$2
release=$(basename "$kdir")
release=${release#linux-headers-}
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$src/dkms.conf")

rm -rf "$out"
mkdir -p "$out/tree" "$out/src/crmod-$version"
cp -r "$src/module" "$src/include" "$src/dkms.conf" "$out/src/crmod-$version/"
trees=(--dkmstree "$out/tree" --sourcetree "$out/src")
dkms add "${trees[@]}" "crmod/$version"
dkms build "${trees[@]}" "crmod/$version" -k "$release" --kernelsourcedir "$kdir"
ko=$(find "$out/tree/crmod/$version/$release" -name crmod.ko | head -n1)
[[ -n $ko ]] || { echo "FAIL: dkms build left no crmod.ko"; exit 1; }
cp "$ko" "$out/crmod.ko"
modinfo "$out/crmod.ko" | grep -E '^(version|vermagic):'
echo "dkms built $out/crmod.ko for $release"

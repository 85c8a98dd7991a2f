#!/usr/bin/env bash
# The module and the uapi header must be checkpatch-clean (--strict).
# checkpatch.pl comes from Debian's linux-source-6.1, extracted once into
# the cache.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
cache=${CRMOD_CACHE:-/var/cache/crmod}/checkpatch
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1)
if [[ ! -x $cache/scripts/checkpatch.pl ]]; then
	[[ -n $tarball ]] || { echo "FAIL: no /usr/src/linux-source-6.1.tar.*: apt-get install linux-source-6.1"; exit 1; }
	mkdir -p "$cache.tmp"
	tar -xf "$tarball" -C "$cache.tmp" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	rm -rf "$cache" && mv "$cache.tmp" "$cache"
fi
cd "$src"
mapfile -t files < <(git ls-files 'module/*.c' 'module/*.h' 'include/uapi/*.h' 2>/dev/null ||
	find module include/uapi -name '*.[ch]')
mapfile -t files < <(printf "%s\n" "${files[@]}" | grep -vx module/compat.h)
"$cache/scripts/checkpatch.pl" --no-tree --strict --quiet -f "${files[@]}"
# compat.h is where kernel versions are told apart, by LINUX_VERSION_CODE.
"$cache/scripts/checkpatch.pl" --no-tree --strict --quiet \
	--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f module/compat.h
echo "checkpatch: ${#files[@]} files clean"

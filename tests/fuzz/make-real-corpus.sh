#!/usr/bin/env bash
# Boot one x86_64 guest that checkpoints cr-target and cr-state processes
# (tests/fuzz/guest/fuzz_corpus_save) and put its images in the fuzzer's
# corpus: a few whole (real-MODE.cr), and every one without its PAGES runs
# (real-MODE-nopages.cr) or, for the files that carry content, without
# FILE_DATA either (real-MODE-nocontent.cr), their checksums made right:
# the records are what the fuzzer works on, and libFuzzer keeps inputs of
# up to 64 KiB.
#
#   tests/fuzz/make-real-corpus.sh BUILD   (an x86_64 build folder with the
#                                           module, crctl and guest programs)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: make-real-corpus.sh BUILD}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/extra/tests"
cp "$here/guest/fuzz_corpus_save" "$work/extra/tests/"
CRMOD_INITRAMFS_EXTRA=$work/extra "$src/tests/vm/run-vm.sh" --arch x86_64 --build "$build" \
	--out "$work/vm" --tests fuzz_corpus_save --timeout 900
mkdir -p "$work/disk"
tar -xf "$work/vm/disk.img" -C "$work/disk"
python3 - "$work/disk/corpus" "$here/corpus" "$here/fix-crcs.py" <<'PY'
import glob, os, struct, subprocess, sys
src, out, fix = sys.argv[1:]
def without(path, types, name):
    img = open(path, 'rb').read()
    o = bytearray(img[:384])
    pos = 384
    while pos + 24 <= len(img):
        t, _, l, _, _ = struct.unpack_from('<IIQII', img, pos)
        end = pos + 24 + l + (-l) % 8
        if t not in types:
            o += img[pos:end]
        pos = end
    tmp = name + '.tmp'
    open(tmp, 'wb').write(o)
    subprocess.run([sys.executable, fix, tmp, name], check=True)
    os.unlink(tmp)
for path in sorted(glob.glob(os.path.join(src, '*.cr'))):
    mode = os.path.basename(path)[:-3]
    if mode in ('memfd', 'sharedanon', 'unlinked'):
        without(path, (5, 14), os.path.join(out, 'real-%s-nocontent.cr' % mode))
    else:
        without(path, (5,), os.path.join(out, 'real-%s-nopages.cr' % mode))
    if mode in ('sleep', 'pipe', 'sigpending'):
        subprocess.run(['cp', path, os.path.join(out, 'real-%s.cr' % mode)], check=True)
PY
echo "make-real-corpus: images in $here/corpus" >&2

#!/usr/bin/env bash
# Build the user-space fuzzer of the module's restart image reader and run it
# (tests/fuzz/README.md). Exits non-zero on a crash, a sanitizer report, a
# leak, a timeout or running out of memory; the input is left in the
# artifacts folder and its path printed.
#
#   tests/fuzz/run.sh [--runs N | --seconds S] [--build-dir DIR] [--corpus DIR]
#                     [--target restart_image|differential] [--no-install]
#                     [-- libFuzzer options...]
#   tests/fuzz/run.sh --reproduce FILE...   run inputs once, verbosely
#   KNOWN_BUGS=0 tests/fuzz/run.sh ...      without stepping around the
#                                           module's known bugs (crashes/)
#
# Default: 60 seconds, the committed corpus (copied: the run's new inputs go
# to the build folder's corpus, not into the source tree). One process, at
# nice 10: the machine is shared.
set -euo pipefail

# All in a function, read whole before it runs: a long run goes on as it
# began when the script is edited meanwhile.
main() {
	here=$(cd "$(dirname "$0")" && pwd)
	src=$(cd "$here/../.." && pwd)
	build=${CRMOD_BUILD:-$src/build}/fuzz
	runs= seconds=60 corpus= install=1 reproduce=0 target=restart_image
	extra=()
	while (($#)); do
		case $1 in
		--runs) runs=$2; seconds=; shift 2 ;;
		--seconds) seconds=$2; runs=; shift 2 ;;
		--build-dir) build=$2; shift 2 ;;
		--corpus) corpus=$2; shift 2 ;;
		--no-install) install=0; shift ;;
		--target) target=$2; shift 2 ;;
		--reproduce) reproduce=1; shift; break ;;
		--) shift; extra=("$@"); break ;;
		*) echo "usage: $0 [--runs N | --seconds S] [--build-dir DIR] [--corpus DIR] [--target restart_image|differential] [--no-install] [-- libFuzzer options]" >&2
		   exit 2 ;;
		esac
	done

	# clang 14 with libFuzzer and the sanitizers (Debian 12), and what the seed
	# generator needs (g++, Boost's CRC).
	need=(clang llvm libclang-rt-14-dev make g++ libboost-dev libfmt-dev nlohmann-json3-dev)
	if ((install)) && command -v dpkg-query >/dev/null; then
		missing=()
		for p in "${need[@]}"; do
			dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
		done
		if ((${#missing[@]})); then
			echo "fuzz: installing ${missing[*]}" >&2
			apt-get update -q >&2
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
		fi
	fi

	# A build that does not step around known bugs is a build of its own.
	[[ ${KNOWN_BUGS:-1} == 0 ]] && build=$build-no-known-bugs
	echo "fuzz: building in $build" >&2
	case $target in
	restart_image) make -s -C "$here" O="$build" KNOWN_BUGS="${KNOWN_BUGS:-1}" -j "$(nproc)" >&2 ;;
	differential) make -s -C "$here" O="$build" KNOWN_BUGS="${KNOWN_BUGS:-1}" -j "$(nproc)" differential >&2 ;;
	*) echo "fuzz: unknown target $target" >&2; exit 2 ;;
	esac
	fuzzer=$build/fuzz_$target

	if ((reproduce)); then
		CRMOD_FUZZ_VERBOSE=1 exec "$fuzzer" "$@"
	fi

	# The seeds: the committed corpus (real and synthetic images), and the
	# synthetic ones made afresh from userspace/tests/image_builder.hpp.
	work=$build/corpus-$target
	mkdir -p "$work" "$build/seeds" "$build/artifacts"
	if [[ -z $corpus ]]; then
		corpus=$work
		cp -n "$here"/corpus/* "$work"/ 2>/dev/null || true
	fi
	seeds=$build/seeds
	if g++ -std=c++20 -O1 -I"$src/userspace/tests" -I"$src/userspace/include" -I"$src/include/uapi" \
		"$here/make_seeds.cpp" -o "$build/make_seeds" 2>"$build/make_seeds.log"; then
		"$build/make_seeds" "$seeds"
	else
		echo "fuzz: the seed generator did not build (see $build/make_seeds.log); using the committed corpus" >&2
	fi

	limit=()
	if [[ -n $runs ]]; then
		limit=(-runs="$runs")
	else
		limit=(-max_total_time="$seconds")
	fi
	# Timeouts and memory: a plan of the largest image the module reads whole
	# takes well under a second; 2 GiB is far above what it may allocate.
	opts=(-dict="$here/crmod.dict" -max_len=65536 -timeout=10 -rss_limit_mb=2048
	      -malloc_limit_mb=2048 -print_final_stats=1
	      -artifact_prefix="$build/artifacts/" "${limit[@]}")
	log=$build/fuzz.log
	echo "fuzz: running ${runs:+$runs runs}${seconds:+$seconds s}, corpus $corpus, log $log" >&2
	set +e
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:allocator_may_return_null=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		nice -n 10 "$fuzzer" "${opts[@]}" "${extra[@]}" "$corpus" "$seeds" 2>&1 | tee "$log" |
		grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^Done|^stat::|ERROR|SUMMARY|artifact|crmod fuzz:|shim:' >&2
	status=${PIPESTATUS[0]}
	set -e
	if ((status)); then
		echo "fuzz: FAILED (exit $status); the input: $(ls -t "$build"/artifacts/* 2>/dev/null | head -n1)" >&2
		echo "fuzz: reproduce with: $0 --reproduce FILE" >&2
		exit 1
	fi
	echo "fuzz: no crash" >&2
}

main "$@"
exit

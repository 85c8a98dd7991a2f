#!/usr/bin/env bash
# Boot one QEMU guest (TCG) with crmod's test initramfs, run in-guest tests,
# and collect each test's result from the guest's result channel.
#
#   run-vm.sh --arch x86_64|ppc64le --build DIR --out DIR --tests a,b,c
#             [--cpu MODEL] [--disk-in FILE] [--timeout SECONDS] [--hang]
#             [--module crmod.ko|none] [--mem MiB] [--test-timeout SECONDS]
#             [--kernel bookworm|bookworm-old|trixie|sid]
#
# --build is that arch's CMake build folder (crctl, guest programs, and
# the module tests/build.sh built for each kernel: kmod-SUITE/crmod.ko);
# --module boots another crmod.ko than that one (e.g. dkms's), or none.
# --kernel: which Debian's kernel boots (default bookworm, Debian 12's 6.1;
# bookworm-old: an older build of that 6.1; trixie: Debian 13's 6.12; sid:
# 7.x), from fetch-kernels.sh's cache.
# --test-timeout: the guest's limit for each test (crmod.timeout, default 300).
# Writes OUT/results/<test>.{status,log}, OUT/console.log, OUT/disk.img (the
# shared disk after the boot, for a following boot's --disk-in).
# Exit 0 only if the guest ran every test and powered off, the kernel neither
# warned nor oopsed, and every test passed or skipped.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
arch= build= out= tests= cpu= disk_in= timeout= hang=0 module= mem=1024 test_timeout=
suite=bookworm
while [[ $# -gt 0 ]]; do
	case "$1" in
	--arch) arch=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--tests) tests=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	--disk-in) disk_in=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--hang) hang=1; shift ;;
	--module) module=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--test-timeout) test_timeout=$2; shift 2 ;;
	--kernel) suite=$2; shift 2 ;;
	*) echo "run-vm: unknown argument $1" >&2; exit 2 ;;
	esac
done
[[ -n $arch && -n $build && -n $out && -n $tests ]] || {
	echo "run-vm: --arch, --build, --out and --tests are required" >&2; exit 2; }

case "$arch" in
x86_64)
	debarch=amd64
	qemu=(qemu-system-x86_64 -accel tcg -cpu "${cpu:-max,erms=off}" -m "$mem")
	console=ttyS0 results_dev=/dev/ttyS1
	: "${timeout:=240}" ;;
ppc64le)
	debarch=ppc64el
	qemu=(qemu-system-ppc64 -accel tcg -M pseries -cpu "${cpu:-power9}" -m "$mem" -vga none)
	console=hvc0 results_dev=/dev/hvc1
	: "${timeout:=420}" ;;
*) echo "run-vm: unknown arch $arch" >&2; exit 2 ;;
esac

case "$suite" in
bookworm | bookworm-old | trixie | sid) ;;
*) echo "run-vm: unknown --kernel $suite (bookworm, bookworm-old, trixie or sid)" >&2; exit 2 ;;
esac
. "$here/kernel-root.sh"
root=$("$here/fetch-kernels.sh" "$debarch" "$suite")
release=$(kroot_release "$root")
kernel=$(kroot_kernel "$root")
# The module built for this kernel; a bookworm build made by CMake alone
# (no tests/build.sh) has it in kmod/module.
if [[ -z $module ]]; then
	module=$build/kmod-$suite/crmod.ko
	[[ -f $module || $suite != bookworm ]] || module=$build/kmod/module/crmod.ko
fi

rm -rf "$out"
mkdir -p "$out/results"
"$here/mkinitramfs.sh" "$root" "$build" "$src" "$out/initrd.gz" "$module" >&2

# The shared disk: a tar archive on a raw virtio disk, no filesystem needed.
if [[ -n $disk_in ]]; then
	cp "$disk_in" "$out/disk.img"
else
	truncate -s 64M "$out/disk.img"
fi

append="console=$console panic=-1 panic_on_warn=1 loglevel=7"
append+=" crmod.tests=$tests crmod.results=$results_dev"
((hang)) && append+=" crmod.hang=1"
[[ -z $test_timeout ]] || append+=" crmod.timeout=$test_timeout"

: > "$out/results.txt"
echo "run-vm: booting $arch ($suite: $release, cpu ${cpu:-default}), watchdog ${timeout}s: $tests" >&2
start=$SECONDS
status=0
timeout --kill-after=10 "$timeout" "${qemu[@]}" -smp 1 -no-reboot \
	-kernel "$kernel" -initrd "$out/initrd.gz" -append "$append" \
	-display none -monitor none \
	-serial "file:$out/console.log" -serial "file:$out/results.txt" \
	-drive "file=$out/disk.img,format=raw,if=virtio" \
	> "$out/qemu.log" 2>&1 || status=$?
echo "run-vm: guest ended after $((SECONDS - start))s (qemu status $status)" >&2

problems=()
if [[ $status == 124 || $status == 137 ]]; then
	problems+=("watchdog: the guest did not power off within ${timeout}s; stopped it")
elif [[ $status != 0 ]]; then
	problems+=("qemu exited with status $status: $(tail -n 3 "$out/qemu.log" | tr '\n' ' ')")
fi
grep -q '^DONE' "$out/results.txt" || problems+=("the guest did not finish its tests")
kernel_trouble=$(grep -E 'WARNING:|BUG:|Oops|Kernel panic|general protection fault|Call Trace:|soft lockup|hung_task' \
	"$out/console.log" | head -n 5 || true)
[[ -z $kernel_trouble ]] || problems+=("the kernel reported trouble: $kernel_trouble")

# One status and log per test, from the result channel.
IFS=, read -r -a names <<< "$tests"
failed=0
for name in "${names[@]}"; do
	sed -n "s/^LOG $name //p" "$out/results.txt" > "$out/results/$name.log"
	line=$(grep "^RESULT $name " "$out/results.txt" | tail -n1 || true)
	if [[ -z $line ]]; then
		if grep -q "^BEGIN $name\$" "$out/results.txt"; then
			result="FAIL the guest died during this test"
		else
			result="FAIL never ran"
		fi
	else
		result=${line#RESULT "$name" }
	fi
	echo "$result" > "$out/results/$name.status"
	[[ $result == PASS* || $result == SKIP* ]] || failed=$((failed + 1))
	printf 'run-vm: %-28s %s\n' "$name" "$result" >&2
done
if ((${#problems[@]})); then
	printf '%s\n' "${problems[@]}" > "$out/problems.txt"
	for p in "${problems[@]}"; do echo "run-vm: FAILED: $p" >&2; done
	echo "run-vm: the kernel's log (last 60 lines of $out/console.log):" >&2
	tail -n 60 "$out/console.log" >&2
	exit 1
fi
((failed == 0)) || exit 1
exit 0

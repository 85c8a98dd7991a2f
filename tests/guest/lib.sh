# Sourced by the in-guest test cases (busybox sh).
set -eu
MODULE=/lib/modules/crmod.ko
SHARED=/shared

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
ok() { echo "ok: $*"; }

load_module() {
	[ -d /sys/module/crmod ] || insmod "$MODULE" || fail "insmod $MODULE"
	[ -c /dev/crctl ] || fail "/dev/crctl missing after load"
}
unload_module() {
	if [ -d /sys/module/crmod ]; then rmmod crmod || fail "rmmod crmod"; fi
	return 0
}
# The arch-specific JSON object of the machine description.
arch_key() {
	case "$(uname -m)" in
	x86_64) echo x86 ;;
	ppc64le) echo ppc ;;
	*) fail "unknown arch $(uname -m)" ;;
	esac
}

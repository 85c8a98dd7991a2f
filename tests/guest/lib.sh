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

# ---- checkpoint/restart (the cr_* cases) ----
# cr-target (tests/guest/cr_target.c) sets up state, writes its pid to a
# ready file, waits to be checkpointed and, restarted, checks that state and
# prints "PASS <mode>" or "FAIL <mode>: ...".
TARGET_PID=
TARGET_MODE=
TARGET_LOG=
TARGET_IN=/dev/null	# the target's stdin
TARGET_BIN=cr-target
TARGET_AS=		# e.g. "cr-runas 65534 65534"
RESTART_STATUS=
# how long an unrestarted target waits before it gives up (TCG is slow)
export CR_TARGET_TIMEOUT=${CR_TARGET_TIMEOUT:-120}

# State letter of /proc/PID/stat (R, S, T, t, Z, ...), empty when gone.
proc_state() {
	sed -n 's/.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null || true
}

# wait_fd_open PID FD: until process PID has FD open (a shell's redirection
# is made in the child, after the shell goes on)
wait_fd_open() {
	_i=0
	while [ ! -e "/proc/$1/fd/$2" ]; do
		_i=$((_i + 1)); [ $_i -le 100 ] || fail "process $1 never opened fd $2"
		sleep 0.1
	done
}

# start_writer FILE: a process of its own (busybox timeout's watchers would
# inherit a shell's fd) holding FILE open for writing, in WRITER_PID. A
# process of FILE that was just killed may keep it busy a moment (ETXTBSY).
start_writer() {
	_i=0
	until (exec 8>> "$1") 2> /dev/null; do
		_i=$((_i + 1)); [ $_i -le 100 ] || fail "$1 stays busy: it cannot be opened for writing"
		sleep 0.1
	done
	sleep 600 8>> "$1" &
	WRITER_PID=$!
	wait_fd_open "$WRITER_PID" 8
}

# start_target MODE [ARG...]: start cr-target MODE in the background and
# return once it is ready. Sets TARGET_PID (not printed for a command
# substitution: the target would be a subshell's child, and the case could
# not reap it or tell a zombie from a live process).
# Its stdout and stderr are a FIFO that a cat copies to $TARGET_LOG: a
# checkpoint records stdio that is a pipe or terminal as inherited, so the
# restarted process writes to crctl's stdout; a regular file there would be
# reopened by path instead.
start_target() {
	TARGET_MODE=$1
	shift
	TARGET_LOG=/tmp/target-$TARGET_MODE.log
	_ready=/tmp/ready-$TARGET_MODE
	_fifo=/tmp/target-$TARGET_MODE.fifo
	rm -f "$_ready" "$_ready.tmp" "$_fifo"
	mkfifo "$_fifo"
	cat "$_fifo" > "$TARGET_LOG" 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	# only 0-2: a case's own descriptors would become part of the image
	$TARGET_AS "$TARGET_BIN" "$TARGET_MODE" "$_ready" "$@" \
		< "$TARGET_IN" > "$_fifo" 2>&1 \
		3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	TARGET_PID=$!
	_i=0
	while [ ! -s "$_ready" ]; do
		case "$(proc_state "$TARGET_PID")" in
		'' | Z) cat "$TARGET_LOG" 2>/dev/null; fail "cr-target $TARGET_MODE exited before it was ready" ;;
		esac
		_i=$((_i + 1))
		[ $_i -le 600 ] || fail "cr-target $TARGET_MODE not ready after 60 s"
		sleep 0.1
	done
	[ "$(cat "$_ready")" = "$TARGET_PID" ] ||
		fail "the ready file says pid $(cat "$_ready"), but cr-target was started as $TARGET_PID"
	# into its wait (regs: its spin loop) before anyone checkpoints it
	sleep 1
	ok "cr-target $TARGET_MODE $* ready, pid $TARGET_PID"
}

# target_gone: the target is dead (or a zombie) within 10 s; reaps it and
# checks that SIGKILL ended it.
target_gone() {
	_i=0
	while :; do
		case "$(proc_state "$TARGET_PID")" in
		'' | Z) break ;;
		esac
		_i=$((_i + 1))
		[ $_i -le 100 ] || fail "pid $TARGET_PID still running (state $(proc_state "$TARGET_PID"))"
		sleep 0.1
	done
	_st=0
	wait "$TARGET_PID" || _st=$?
	[ "$_st" = 137 ] || { cat "$TARGET_LOG"; fail "pid $TARGET_PID ended with status $_st, want 137 (SIGKILL)"; }
}

# checkpoint_kill IMAGE: crctl checkpoint --kill the target into IMAGE;
# exit 0, an image crctl info accepts, and the original is gone.
checkpoint_kill() {
	_st=0
	crctl checkpoint "$TARGET_PID" -o "$1" --kill 2> /tmp/checkpoint.err || _st=$?
	cat /tmp/checkpoint.err
	[ "$_st" = 0 ] || { cat "$TARGET_LOG"; fail "crctl checkpoint $TARGET_PID -o $1 --kill exited $_st"; }
	[ -s "$1" ] || fail "crctl checkpoint wrote nothing to $1"
	target_gone
	check_image "$1"
	ok "checkpointed pid $TARGET_PID to $1 ($(wc -c < "$1") bytes); the original is gone"
}

# check_image IMAGE: crctl info decodes it.
check_image() {
	crctl info "$1" > /tmp/info.txt 2>&1 || { cat /tmp/info.txt; fail "crctl info refuses $1, which crctl checkpoint wrote"; }
}

# restart_image IMAGE OUT [STDIN]: crctl restart IMAGE, stdout to OUT,
# stderr to OUT.err (both shown); its exit status in RESTART_STATUS.
restart_image() {
	RESTART_STATUS=0
	timeout 120 crctl restart "$1" < "${3:-/dev/null}" > "$2" 2> "$2.err" || RESTART_STATUS=$?
	cat "$2" "$2.err"
}

# expect_pass MODE OUT: crctl restart exited 0 and the restarted target,
# with its own pid again (in crctl's container), said PASS MODE.
expect_pass() {
	[ "$RESTART_STATUS" = 0 ] || fail "crctl restart exited $RESTART_STATUS, want 0"
	grep -qx "PASS $1" "$2" || fail "no 'PASS $1' from the restarted target"
	_line=$(grep '^restarted: pid ' "$2" | head -n 1)
	[ -n "$_line" ] || fail "the restarted target did not report its pid"
	_old=$(echo "$_line" | cut -d' ' -f3)
	_new=$(echo "$_line" | cut -d' ' -f5)
	[ "$_old" = "$TARGET_PID" ] || fail "restarted from pid $_old, but pid $TARGET_PID was checkpointed"
	[ "$_new" = "$_old" ] || fail "the restarted process has pid $_new, not its own $_old"
	ok "restarted with its own pid $_new: PASS $1"
}

# checkpoint_restart MODE [ARG...]: the plain round trip: start, checkpoint
# --kill, restart, PASS.
checkpoint_restart() {
	start_target "$@"
	checkpoint_kill "/tmp/$1.cr"
	restart_image "/tmp/$1.cr" "/tmp/$1.out"
	expect_pass "$1" "/tmp/$1.out"
}

# count_value FILE: the number count mode last wrote (0 if none yet).
count_value() {
	cat "$1" 2>/dev/null || echo 0
}

# wait_count FILE N: until count mode has counted to N (at most 30 s).
wait_count() {
	_i=0
	while [ "$(count_value "$1")" -lt "$2" ]; do
		_i=$((_i + 1))
		[ $_i -le 300 ] || fail "the counter in $1 is at $(count_value "$1") after 30 s, want $2"
		sleep 0.1
	done
}

# restarted_at OUT: the counter value a restarted count target reported.
restarted_at() {
	sed -n 's/^count: restarted at \([0-9]*\)$/\1/p' "$1"
}

# expect_refused IMAGE WHAT [PATTERN]: crctl restart refuses IMAGE: exit 7,
# one line (crctl's own checks say "FILE: image refused: ...", the
# module's refusal "restart refused: ..."), matching PATTERN if given, and
# nothing runs. crctl checks an image before the module sees it, so the
# module's own checks get it from cr-restart-probe, a direct
# CRCTL_IOC_RESTART caller, which must come out intact. WHAT names it.
expect_refused() {
	_st=0
	timeout 60 crctl restart "$1" < /dev/null > /tmp/refused.out 2> /tmp/refused.err || _st=$?
	[ "$_st" = 7 ] || { cat /tmp/refused.out /tmp/refused.err; fail "$2: crctl restart exited $_st, want 7"; }
	if [ "$(wc -l < /tmp/refused.err)" != 1 ] ||
		! grep -Eq '^crctl: (restart refused|.*: image refused): ' /tmp/refused.err; then
		cat /tmp/refused.err
		fail "$2: want one line 'crctl: restart refused: ...' on stderr"
	fi
	[ -z "${3:-}" ] || grep -qi -- "$3" /tmp/refused.err ||
		{ cat /tmp/refused.err; fail "$2: the refusal does not say '$3'"; }
	[ ! -s /tmp/refused.out ] || { cat /tmp/refused.out; fail "$2: the refused image ran"; }
	_st=0
	timeout 60 cr-restart-probe "$1" > /tmp/probe.out 2>&1 || _st=$?
	if [ "$_st" != 0 ] || ! grep -qx INTACT /tmp/probe.out; then
		cat /tmp/probe.out
		fail "$2: CRCTL_IOC_RESTART's caller: cr-restart-probe exited $_st"
	fi
	ok "$2: $(cat /tmp/refused.err); the module $(grep '^refused: ' /tmp/probe.out)"
}

# kernel_quiet: the kernel has not warned, oopsed or complained since boot.
kernel_quiet() {
	if dmesg | grep -E 'WARNING|BUG|Oops|Call Trace'; then
		fail "the kernel complained"
	fi
}

# ---- restart on another CPU (the cr_cpu_* cases) ----
# cpu_features MACHINE_TEXT: the CPU features a machine description (crctl
# check's "machine:", crctl info's "taken on:") lists, one per line, named
# as the module names them when it refuses: x86 CPUID flags and XSAVE
# components ("avx state"), powerpc AT_HWCAP and AT_HWCAP2 names. What the
# module ignores is left out: bits of the OS (osxsave, ospke), those that
# only say an instruction is fast (erms, fsrm), the x87 and SSE state every
# x86_64 CPU has, and powerpc bits that describe the machine.
cpu_features() {
	{
		sed -n 's/^  flags  *//p' "$1" | tr ' ' '\n'
		sed -n 's/^  xcr0  *0x[0-9a-f]* (\(.*\))$/\1/p' "$1" | tr ' ' '\n' | sed 's/$/ state/'
		if [ "$(arch_key)" = ppc ]; then
			sed -n 's/^  hwcap2\{0,1\}  *0x[0-9a-f]* (\(.*\))$/\1/p' "$1" | tr ' ' '\n'
		fi
	} | grep -vxE 'osxsave|ospke|erms|fsrm|x87 state|sse state|none|none state|smt|ic_snoop|archpmu|mmu|ucache|notb|' | sort -u
}

# cpu_lacking IMAGE: what this CPU lacks of the features IMAGE's had, one
# per line (nothing: this CPU has them all).
cpu_lacking() {
	crctl info "$1" | sed -n '/^taken on:/,/^sections:/p' > /tmp/cpu-image.txt
	crctl check > /tmp/cpu-here.txt || fail "crctl check"
	grep -q '^  kernel release' /tmp/cpu-image.txt || fail "crctl info $1 shows no machine"
	cpu_features /tmp/cpu-image.txt > /tmp/cpu-image.names
	cpu_features /tmp/cpu-here.txt > /tmp/cpu-here.names
	[ -s /tmp/cpu-here.names ] || fail "crctl check names no CPU feature"
	grep -vxF -f /tmp/cpu-here.names /tmp/cpu-image.names || true
}

# cpu_state_lacking IMAGE: the XSAVE components IMAGE's registers hold
# that this CPU lacks ("avx state"), one per line; powerpc: none, the
# vector units of POWER8, 9 and 10 are the same. Not needed: components in
# their initial configuration (crctl info's "xsave initial"), and PKRU: a
# process crmod checkpoints allocated no protection keys, and the module
# leaves out a PKRU that leaves key 0 open (Linux's default does).
cpu_state_lacking() {
	[ "$(arch_key)" = x86 ] || return 0
	crctl info "$1" > /tmp/cpu-info.txt
	sed -n 's/^  xsave initial  *//p' /tmp/cpu-info.txt | tr ' ' '\n' | sed 's/$/ state/' > /tmp/cpu-init.names
	echo "pkru state" >> /tmp/cpu-init.names
	sed -n 's/.*XSTATE_BV 0x[0-9a-f]* (\(.*\))$/\1/p' /tmp/cpu-info.txt | tr ' ' '\n' |
		sed 's/$/ state/' | grep -vxE 'x87 state|sse state|none state' |
		grep -vxF -f /tmp/cpu-init.names > /tmp/cpu-bv.names || true
	grep -vxF -f /tmp/cpu-here.names /tmp/cpu-bv.names || true
}

# cpu_refused_case [fpu_runs]: the second boot of a CPU pair, on a CPU that
# lacks features the first had: restart refuses the image cr_cpu_save took
# there, naming each missing feature, and changes nothing; crctl validate
# says the same. --cpu-cap=fpu checks only what the registers need: refused
# naming each XSAVE component this CPU lacks, valid if none; fpu_runs: and
# the image then restarts with its registers intact.
cpu_refused_case() {
	dir=$SHARED/cpu
	[ -f "$dir/regs.cr" ] || fail "no $dir/regs.cr: the first boot's disk did not arrive"
	touch -d @1577836800 "$dir/cr-target" "$dir"
	TARGET_PID=$(cat "$dir/regs.pid")
	cpu_lacking "$dir/regs.cr" > /tmp/lacking
	[ -s /tmp/lacking ] || fail "this CPU has every feature the image's CPU had: the pair tests nothing"
	ok "this CPU lacks: $(tr '\n' ',' < /tmp/lacking)"
	expect_refused "$dir/regs.cr" "restart on a CPU that lacks features" "this CPU lacks what the image's CPU had: "
	# each feature by name (past the room of one line: "and N more")
	more=$(sed -n 's/.*, and \([0-9]*\) more$/\1/p' /tmp/refused.err)
	sed -e 's/^.*had: //' -e 's/, and [0-9]* more$//' /tmp/refused.err |
		awk -F', ' '{ for (i = 1; i <= NF; i++) print $i }' > /tmp/named
	missing=$(grep -cvxF -f /tmp/named /tmp/lacking || true)
	[ "$missing" = "${more:-0}" ] ||
		fail "$missing lacking features not named (the message says ${more:-0} more): $(grep -vxF -f /tmp/named /tmp/lacking | tr '\n' ' ')"
	extra=$(grep -vxF -f /tmp/lacking /tmp/named || true)
	[ -z "$extra" ] || fail "named but not lacking: $extra"
	# validate: the same verdict, the same reason, exit 7
	st=0
	crctl validate "$dir/regs.cr" > /tmp/validate.out 2>&1 || st=$?
	cat /tmp/validate.out
	[ "$st" = 7 ] || fail "crctl validate exited $st, want 7"
	grep -qF "$(sed 's/^crctl: restart refused: //' /tmp/refused.err)" /tmp/validate.out ||
		fail "crctl validate gives another reason than restart"
	# the looser policy
	cpu_state_lacking "$dir/regs.cr" > /tmp/state-lacking
	if [ -s /tmp/state-lacking ]; then
		st=0
		crctl restart --cpu-cap=fpu "$dir/regs.cr" < /dev/null > /tmp/fpu.out 2> /tmp/fpu.err || st=$?
		cat /tmp/fpu.out /tmp/fpu.err
		[ "$st" = 7 ] || fail "crctl restart --cpu-cap=fpu exited $st, want 7: the registers need $(tr '\n' ',' < /tmp/state-lacking)"
		grep -q "this CPU cannot load the image's registers: it lacks " /tmp/fpu.err || fail "--cpu-cap=fpu: not refused for the registers"
		while read -r name; do
			grep -qF "$name" /tmp/fpu.err || fail "--cpu-cap=fpu: '$name' not named"
		done < /tmp/state-lacking
		ok "--cpu-cap=fpu refused: $(cat /tmp/fpu.err)"
	else
		st=0
		crctl validate --cpu-cap=fpu "$dir/regs.cr" > /tmp/validate.out 2>&1 || st=$?
		cat /tmp/validate.out
		[ "$st" = 0 ] || fail "crctl validate --cpu-cap=fpu exited $st, want 0: this CPU can hold the registers"
		ok "--cpu-cap=fpu: valid here"
		# Only where the program chose no code by what this CPU lacks (glibc
		# picks its string functions by AVX2, POWER9, ... at startup) can it
		# run on; the pair's boot says so.
		if [ "${1:-}" = fpu_runs ]; then
			RESTART_STATUS=0
			timeout 120 crctl restart --cpu-cap=fpu "$dir/regs.cr" < /dev/null > /tmp/fpu.out 2> /tmp/fpu.err || RESTART_STATUS=$?
			cat /tmp/fpu.out /tmp/fpu.err
			expect_pass regs /tmp/fpu.out
		fi
	fi
	kernel_quiet
}

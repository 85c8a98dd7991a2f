# The "real programs" suite in the guest (busybox sh), sourced by the rp_*
# cases after /tests/lib.sh: Debian's own programs, run once uninterrupted
# (the reference) and again checkpointed with --kill at random points of
# their run and restarted; what each run leaves (stdout, stderr, every file
# it writes, its exit status) must be byte-identical to the reference of the
# same boot.
#
# Per program (rp_run NAME):
#   ref      the uninterrupted run; its time T sets the range of the points
#   control  a second uninterrupted run: must equal ref (the job is
#            deterministic, so a difference later is crmod's)
#   p1..pN   launched, checkpointed --kill after a random delay in [0, 0.9 T) (T: the shorter
#            uninterrupted run; after a miss, below the missed delay),
#            restarted from the image
#   chain    checkpointed --kill, restarted, the restarted process
#            checkpointed --kill again, restarted from that second image
# Every run has a folder of its own, its cwd, holding stdout and stderr
# (regular files: a checkpoint records them by path and identity and the
# restarted process writes to them again) and whatever else it writes.
#
# Delays come from a seeded generator: the seed is in /tests/rp.conf
# (stage.sh, CRMOD_RP_SEED) and printed in every log. The same seed gives the
# same delays; under TCG the instruction a delay lands on still varies with
# the host's load.
#
# RP_CORRUPT=1 (the selftest): flip one byte of a restarted run's stdout
# before the comparison, which must then fail.
. /tests/rp.conf
RP=/tmp/rp
RP_IN=$RP/in
RP_CORRUPT=${RP_CORRUPT:-0}
# one run at a time: the jobs are single-threaded, the guest has one vCPU
export PYTHONHASHSEED=0 PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 LC_ALL=C

rp_ms() {
	read -r _up _rest < /proc/uptime
	echo $((${_up%.*} * 1000 + (1${_up#*.} - 100) * 10))
}
rp_sleep_ms() {
	sleep "$(($1 / 1000)).$(printf %03d $(($1 % 1000)))"
}
# A 31-bit LCG, the same on every arch and busybox: RP_R in [0, 32768).
rp_srand() { RP_STATE=$(($1 % 2147483648)); }
rp_rand() {
	RP_STATE=$(((RP_STATE * 1103515245 + 12345) % 2147483648))
	RP_R=$((RP_STATE / 65536))
}
# rp_between LO HI: RP_V in [LO, HI)
rp_between() {
	rp_rand
	RP_V=$(($1 + RP_R * ($2 - $1) / 32768))
}
rp_signame() {
	case "$1" in
	4) echo SIGILL ;; 5) echo SIGTRAP ;; 6) echo SIGABRT ;; 7) echo SIGBUS ;;
	8) echo SIGFPE ;; 9) echo SIGKILL ;; 11) echo SIGSEGV ;; 13) echo SIGPIPE ;;
	15) echo SIGTERM ;; 31) echo SIGSYS ;; *) echo "signal $1" ;;
	esac
}
# rp_status_text STATUS: how a run ended, in words.
rp_status_text() {
	if [ "$1" -gt 128 ]; then
		echo "status $1 (killed by $(rp_signame $(($1 - 128))))"
	else
		echo "status $1"
	fi
}

# ---- inputs: made once per boot, from files every guest has
# rp_text BYTES: RP_FILE, BYTES bytes of python's stdlib sources (real text,
# 4.8 MB of it), concatenated in a fixed order, repeated as needed.
rp_text() {
	mkdir -p "$RP_IN"
	if [ ! -s "$RP_IN/all.txt" ]; then
		find /usr/lib/python3.11 -type f -name '*.py' | LC_ALL=C sort > "$RP_IN/all.list"
		while read -r _f; do cat "$_f"; done < "$RP_IN/all.list" > "$RP_IN/all.tmp"
		mv "$RP_IN/all.tmp" "$RP_IN/all.txt"
	fi
	RP_FILE=$RP_IN/text-$1.txt
	rp_cut "$RP_IN/all.txt" "$1"
}
# rp_binary BYTES: RP_FILE, BYTES bytes of the guest's programs and libraries.
rp_binary() {
	mkdir -p "$RP_IN"
	if [ ! -s "$RP_IN/all.bin" ]; then
		cat /usr/bin/* /lib/*-linux-gnu/* > "$RP_IN/all.tmp"
		mv "$RP_IN/all.tmp" "$RP_IN/all.bin"
	fi
	RP_FILE=$RP_IN/binary-$1.bin
	rp_cut "$RP_IN/all.bin" "$1"
}
# rp_cut FROM BYTES: RP_FILE, the first BYTES bytes of FROM repeated.
rp_cut() {
	[ -s "$RP_FILE" ] && return 0
	: > "$RP_IN/rep.tmp"
	while [ "$(wc -c < "$RP_IN/rep.tmp")" -lt "$2" ]; do cat "$1" >> "$RP_IN/rep.tmp"; done
	head -c "$2" "$RP_IN/rep.tmp" > "$RP_FILE.tmp"
	rm "$RP_IN/rep.tmp"
	mv "$RP_FILE.tmp" "$RP_FILE"
	[ "$(wc -c < "$RP_FILE")" = "$2" ] || fail "$RP_FILE: $(wc -c < "$RP_FILE") bytes, want $2"
}

# ---- the jobs: rp_job NAME sets JOB_EXE, JOB_ARGS, JOB_STDIN.
# One process each: no pipelines, no subshells, no threads.
J=/tests/rp-jobs
rp_job() {
	JOB_NAME=$1 JOB_STDIN=/dev/null
	case "$1" in
	gzip) rp_text 4000000; JOB_EXE=/usr/bin/gzip JOB_ARGS="-9 -c $RP_FILE" ;;
	bzip2) rp_text 3000000; JOB_EXE=/usr/bin/bzip2 JOB_ARGS="-9 -c $RP_FILE" ;;
	xz) rp_text 800000; JOB_EXE=/usr/bin/xz JOB_ARGS="-T1 -6 -c $RP_FILE" ;;
	sort) rp_text 16000000; JOB_EXE=/usr/bin/sort JOB_ARGS="--parallel=1 -k2 $RP_FILE" ;;
	sha256sum) rp_binary 20000000; JOB_EXE=/usr/bin/sha256sum JOB_ARGS="$RP_FILE $RP_FILE $RP_FILE $RP_FILE" ;;
	sed) rp_text 5000000; JOB_EXE=/usr/bin/sed JOB_ARGS="-E -f $J/job.sed $RP_FILE" ;;
	tr) rp_text 64000000; JOB_EXE=/usr/bin/tr JOB_ARGS="a-zA-Z n-za-mN-ZA-M" JOB_STDIN=$RP_FILE ;;
	mawk) rp_text 3500000; JOB_EXE=/usr/bin/mawk JOB_ARGS="-f $J/job.awk $RP_FILE" ;;
	gawk) rp_text 2000000; JOB_EXE=/usr/bin/gawk JOB_ARGS="-f $J/job.awk $RP_FILE" ;;
	bc) JOB_EXE=/usr/bin/bc JOB_ARGS="-l $J/job.bc" ;;
	dash) JOB_EXE=/usr/bin/dash JOB_ARGS="$J/job.sh 900" ;;
	bash) JOB_EXE=/usr/bin/bash JOB_ARGS="$J/job.bash 6000" ;;
	python3) JOB_EXE=/usr/bin/python3.11 JOB_ARGS="-B $J/job.py 8000" ;;
	perl) rp_text 1300000; JOB_EXE=/usr/bin/perl JOB_ARGS="$J/job.pl $RP_FILE" ;;
	lua) JOB_EXE=/usr/bin/lua5.4 JOB_ARGS="$J/job.lua 120000" ;;
	sqlite3) JOB_EXE=/usr/bin/sqlite3 JOB_ARGS="test.db" JOB_STDIN=$J/job.sql ;;
	*) fail "no job $1" ;;
	esac
	[ -x "$JOB_EXE" ] || fail "$JOB_EXE is not in this guest (tests/realprog/stage.sh)"
}

# rp_launch DIR: start the job in DIR (its cwd), in the background; JOB_PID.
# Only fds 0-2: the case's own descriptors would become part of the image.
rp_launch() {
	rm -rf "$1"
	mkdir -p "$1"
	cd "$1"
	# shellcheck disable=SC2086
	"$JOB_EXE" $JOB_ARGS < "$JOB_STDIN" > stdout 2> stderr \
		3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	JOB_PID=$!
	cd /
}
rp_alive() {
	case "$(proc_state "$1")" in
	'' | Z) return 1 ;;
	esac
	return 0
}
# rp_wait_exec PID: until PID runs JOB_EXE (the shell's fork has exec'd).
rp_wait_exec() {
	_i=0
	while [ "$(readlink "/proc/$1/exe" 2>/dev/null || true)" != "$JOB_EXE" ]; do
		rp_alive "$1" || return 1
		_i=$((_i + 1))
		[ $_i -le 500 ] || fail "pid $1 does not run $JOB_EXE after 5 s ($(readlink "/proc/$1/exe" 2>&1 || true))"
		sleep 0.01
	done
}

# rp_compare REF DIR: the same files, byte for byte; says what differs.
rp_compare() {
	(cd "$1" && find . | LC_ALL=C sort) > /tmp/rp-cmp-ref.list
	(cd "$2" && find . | LC_ALL=C sort) > /tmp/rp-cmp-run.list
	_bad=0
	if ! cmp -s /tmp/rp-cmp-ref.list /tmp/rp-cmp-run.list; then
		echo "  the files differ from the reference's:"
		diff /tmp/rp-cmp-ref.list /tmp/rp-cmp-run.list | grep '^[-+]\.' | sed 's/^/    /' | head -n 20 || true
		_bad=1
	fi
	while read -r _f; do
		[ -f "$1/$_f" ] && [ -f "$2/$_f" ] || continue
		cmp -s "$1/$_f" "$2/$_f" && continue
		_bad=1
		echo "  ${_f#./} differs: $(wc -c < "$2/$_f") bytes, reference $(wc -c < "$1/$_f"); $(cmp "$1/$_f" "$2/$_f" 2>&1 | head -n 1)"
		echo "    first differing bytes (offset, reference octal, this run octal):"
		cmp -l "$1/$_f" "$2/$_f" 2>&1 | head -n 4 | sed 's/^/      /'
		if [ "${_f#./}" = stderr ] || [ "${_f#./}" = stdout ]; then
			echo "    diff (first lines):"
			diff "$1/$_f" "$2/$_f" 2>&1 | head -n 8 | cut -c1-160 | sed 's/^/      /' || true
		fi
	done < /tmp/rp-cmp-ref.list
	return $_bad
}

# rp_checkpoint PID IMAGE [notchild]: crctl checkpoint PID -o IMAGE --kill.
# 0: done, PID killed and reaped. 1: crmod refused or crctl failed (said
# why, PID killed). 2: missed: PID ended on its own first (reaped).
# notchild: PID is not this shell's child (a restarted process, crctl
# restart's child): wait until it is gone instead; its status is crctl
# restart's, which the caller checks.
rp_checkpoint() {
	if [ "${3:-}" = notchild ]; then
		rp_checkpoint_other "$1" "$2"
		return
	fi
	_st=0
	crctl checkpoint "$1" -o "$2" --kill > "$2.ckpt.out" 2> "$2.ckpt.err" || _st=$?
	if [ $_st != 0 ]; then
		if rp_alive "$1"; then
			echo "  crctl checkpoint $1 (running $JOB_EXE) exited $_st: $(cat "$2.ckpt.err" "$2.ckpt.out" | tr '\n' ' ')"
			kill -9 "$1" 2>/dev/null || true
			wait "$1" 2>/dev/null || true
			return 1
		fi
		_w=0
		wait "$1" 2>/dev/null || _w=$?
		[ $_w = 137 ] || return 2
		echo "  crctl checkpoint $1 exited $_st and the process was killed: $(cat "$2.ckpt.err" | tr '\n' ' ')"
		return 1
	fi
	_w=0
	wait "$1" 2>/dev/null || _w=$?
	if [ $_w != 137 ]; then
		echo "  checkpointed pid $1 ended with $(rp_status_text $_w), want 137 (SIGKILL by --kill)"
		return 1
	fi
	return 0
}

rp_checkpoint_other() {
	_st=0
	crctl checkpoint "$1" -o "$2" --kill > "$2.ckpt.out" 2> "$2.ckpt.err" || _st=$?
	if [ $_st != 0 ]; then
		rp_alive "$1" || return 2
		echo "  crctl checkpoint $1 (restarted, running $JOB_EXE) exited $_st: $(cat "$2.ckpt.err" "$2.ckpt.out" | tr '\n' ' ')"
		kill -9 "$1" 2>/dev/null || true
		return 1
	fi
	_i=0
	while rp_alive "$1"; do
		_i=$((_i + 1))
		[ $_i -le 500 ] || { echo "  restarted pid $1 still alive 5 s after checkpoint --kill"; return 1; }
		sleep 0.01
	done
	return 0
}

# rp_restart IMAGE DIR: crctl restart IMAGE (foreground, with a timeout);
# then the checks against the reference: exit status, then DIR's files.
rp_restart_check() {
	_rs=0
	_t0=$(rp_ms)
	timeout "$RP_RESTART_TIMEOUT" crctl restart "$1" < /dev/null > "$1.rst.out" 2> "$1.rst.err" || _rs=$?
	_el=$(($(rp_ms) - _t0))
	rp_check_run "$1" "$2" $_rs $_el
}
# rp_check_run IMAGE DIR STATUS ELAPSED_MS: judge a finished restart.
rp_check_run() {
	_ok=0
	if [ "$4" -ge $((RP_RESTART_TIMEOUT * 1000)) ]; then
		echo "  crctl restart $1 did not finish within ${RP_RESTART_TIMEOUT}s (the reference ran ${RP_T} ms); killed"
		rp_kill_leftovers
		_ok=1
	elif [ "$3" != "$REF_STATUS" ]; then
		echo "  crctl restart exited $(rp_status_text "$3"), the reference $REF_STATUS"
		case "$3" in
		7) echo "    (crctl: 7 = image refused, nothing changed)" ;;
		8) echo "    (crctl: 8 = restart failed after the point of no return)" ;;
		esac
		# the kernel's line on a crash: the faulting address and ip
		dmesg | grep -E "$(basename "$JOB_EXE")\[[0-9]+\]: (segfault|trap|general protection)" |
			tail -n 1 | cut -c1-200 | sed 's/^/    kernel: /' || true
		_ok=1
	fi
	if [ -s "$1.rst.err" ] || [ -s "$1.rst.out" ]; then
		echo "  crctl restart said: $(cat "$1.rst.err" "$1.rst.out" | head -n 5 | tr '\n' ' ')"
	fi
	if [ "$RP_CORRUPT" = 1 ] && [ -s "$2/stdout" ]; then
		_cn=$(($(wc -c < "$2/stdout") / 2))
		printf '\001' | dd of="$2/stdout" bs=1 seek=$_cn conv=notrunc 2>/dev/null
		echo "  RP_CORRUPT=1: overwrote byte $_cn of the restarted run's stdout"
	fi
	if ! rp_compare "$RP_DIR/ref" "$2"; then
		_ok=1
	fi
	if [ -s "$2/stderr" ] && ! cmp -s "$2/stderr" "$RP_DIR/ref/stderr"; then
		echo "  the restarted $JOB_NAME wrote to stderr: $(head -c 400 "$2/stderr" | tr '\n' ' ')"
	fi
	return $_ok
}
rp_kill_leftovers() {
	for _p in $(ls /proc | grep '^[0-9]*$'); do
		[ "$(readlink "/proc/$_p/exe" 2>/dev/null || true)" = "$JOB_EXE" ] || continue
		echo "  killing leftover pid $_p ($JOB_EXE)"
		kill -9 "$_p" 2>/dev/null || true
	done
}
rp_info() {
	if [ "$RP_INFO_SHOWN" = 0 ] && [ -f "$1" ]; then
		RP_INFO_SHOWN=1
		echo "  crctl info $1 (the first failing image of $JOB_NAME: its task, files and registers):"
		crctl info "$1" 2>&1 | sed -n '/^task:/,/^credentials:/p; /^files:/,/^vmas:/p; /registers:$/,/^signals:/p' |
			grep -v '^credentials:\|^vmas:\|^signals:' | head -n "${RP_INFO_LINES:-60}" | sed 's/^/    /'
	fi
}

# rp_point N DELAY_MS: one random point. 0 pass, 1 fail, 2 missed.
rp_point() {
	_dir=$RP_DIR/p$1
	_img=$RP_DIR/img/p$1.cr
	rp_launch "$_dir"
	_pid=$JOB_PID
	rp_wait_exec $_pid || true
	rp_sleep_ms "$2"
	_c=0
	rp_checkpoint $_pid "$_img" || _c=$?
	[ $_c = 0 ] || { rm -rf "$_img"* "$_dir"; return $_c; }
	echo "  p$1: checkpointed pid $_pid after ${2} ms ($(wc -c < "$_img") bytes); restarting"
	if rp_restart_check "$_img" "$_dir"; then
		rm -rf "$_img"* "$_dir"
		return 0
	fi
	rp_info "$_img"
	rm -rf "$_img"* "$_dir"
	return 1
}

# rp_chain D1 D2: checkpoint after D1 ms, restart, checkpoint the restarted
# process D2 ms after it is back, restart that. 0 pass, 1 fail, 2 missed.
rp_chain() {
	_dir=$RP_DIR/chain
	_img1=$RP_DIR/img/chain1.cr _img2=$RP_DIR/img/chain2.cr
	rp_launch "$_dir"
	_pid=$JOB_PID
	rp_wait_exec $_pid || true
	rp_sleep_ms "$1"
	_c=0
	rp_checkpoint $_pid "$_img1" || _c=$?
	[ $_c = 0 ] || return $_c
	echo "  chain: checkpointed pid $_pid after $1 ms ($(wc -c < "$_img1") bytes); restarting it"
	_t0=$(rp_ms)
	crctl restart "$_img1" < /dev/null > "$_img1.rst.out" 2> "$_img1.rst.err" &
	_rpid=$!
	# the restored process is the child of crctl's child, its container's pid 1
	_child= _i=0
	while :; do
		_init=$(cat "/proc/$_rpid/task/$_rpid/children" 2>/dev/null | tr -d ' ' || true)
		_child=
		[ -z "$_init" ] || _child=$(cat "/proc/$_init/task/$_init/children" 2>/dev/null | tr -d ' ' || true)
		if [ -n "$_child" ] && [ "$(readlink "/proc/$_child/exe" 2>/dev/null || true)" = "$JOB_EXE" ]; then
			break
		fi
		if ! rp_alive $_rpid; then
			_rs=0
			wait $_rpid || _rs=$?
			echo "  chain: crctl restart $_img1 ended before its process could be checkpointed again"
			if rp_check_run "$_img1" "$_dir" $_rs $(($(rp_ms) - _t0)); then
				return 2
			fi
			rp_info "$_img1"
			return 1
		fi
		_i=$((_i + 1))
		[ $_i -le 1000 ] || { echo "  chain: no restored process under crctl restart (pid $_rpid) after 10 s"; return 1; }
		sleep 0.01
	done
	rp_sleep_ms "$2"
	_c=0
	rp_checkpoint "$_child" "$_img2" notchild || _c=$?
	if [ $_c = 2 ]; then
		_rs=0
		wait $_rpid || _rs=$?
		echo "  chain: the restarted pid $_child finished before the second checkpoint"
		rp_check_run "$_img1" "$_dir" $_rs $(($(rp_ms) - _t0)) && return 2
		rp_info "$_img1"
		return 1
	fi
	_rs1=0
	wait $_rpid || _rs1=$?
	if [ $_c = 1 ]; then
		echo "  chain: the second checkpoint, of restarted pid $_child, failed (above)"
		return 1
	fi
	[ $_rs1 = 137 ] || echo "  chain: the first crctl restart exited $(rp_status_text $_rs1), want 137 (its process was killed)"
	echo "  chain: checkpointed the restarted pid $_child after $2 ms ($(wc -c < "$_img2") bytes); restarting that"
	if rp_restart_check "$_img2" "$_dir" && [ $_rs1 = 137 ]; then
		rm -rf "$_img1" "$_img2" "$_dir"
		return 0
	fi
	rp_info "$_img2"
	return 1
}

# rp_setup NAME: the job, its folder, its seeded generator.
rp_setup() {
	load_module
	rp_job "$1"
	RP_DIR=$RP/$1
	RP_INFO_SHOWN=0
	rm -rf "$RP_DIR"
	mkdir -p "$RP_DIR/img"
	_hash=$(printf %s "$1" | sha256sum | cut -c1-7)
	rp_srand $((RP_SEED + 0x$_hash))
}
# rp_reference NAME: the uninterrupted run (RP_T, REF_STATUS), and a control
# run that must equal it.
rp_reference() {
	_t0=$(rp_ms)
	rp_launch "$RP_DIR/ref"
	REF_STATUS=0
	wait $JOB_PID || REF_STATUS=$?
	RP_T=$(($(rp_ms) - _t0))
	[ $REF_STATUS = 0 ] || { cat "$RP_DIR/ref/stderr"; fail "the uninterrupted $1 ended with $(rp_status_text $REF_STATUS)"; }
	echo "rp: $1: reference ran ${RP_T} ms: $(cd "$RP_DIR/ref" && for f in *; do printf '%s %s B; ' "$f" "$(wc -c < "$f")"; done)"
	RP_RESTART_TIMEOUT=$((RP_T * 4 / 1000 + 30))
	_t0=$(rp_ms)
	rp_launch "$RP_DIR/control"
	_cs=0
	wait $JOB_PID || _cs=$?
	# the shorter of the two: under TCG one run can take twice another's time
	_tc=$(($(rp_ms) - _t0))
	[ $_tc -ge $RP_T ] || RP_T=$_tc
	echo "rp: $1: control ran ${_tc} ms; the points are drawn from [0, 0.9 x ${RP_T} ms)"
	[ $_cs = $REF_STATUS ] || fail "a second uninterrupted $1 ended with $(rp_status_text $_cs), the first with $REF_STATUS"
	rp_compare "$RP_DIR/ref" "$RP_DIR/control" ||
		fail "two uninterrupted runs of $1 differ: the job is not deterministic (a harness problem, not crmod's)"
	rm -rf "$RP_DIR/control"
}

# rp_run NAME: the whole test of one program.
rp_run() {
	rp_setup "$1"
	echo "rp: $1: seed $RP_SEED (rerun: CRMOD_RP_SEED=$RP_SEED), $RP_POINTS points + a chain"
	echo "rp: $1: $JOB_EXE $JOB_ARGS < $JOB_STDIN (cwd: its run folder)"
	rp_reference "$1"
	if [ "$RP_POINTS" = 0 ]; then
		ok "$1: RP_POINTS=0: the uninterrupted runs only"
		return 0
	fi
	_fails=0 _passes=0 _summary=
	_n=1
	while [ $_n -le "$RP_POINTS" ]; do
		_try=1 _hi=$((RP_T * 9 / 10))
		while :; do
			rp_between 0 $_hi
			_d=$RP_V
			_r=0
			rp_point $_n $_d || _r=$?
			[ $_r = 2 ] || break
			# it ran faster than the reference: draw again, below this delay
			_hi=$((_d * 4 / 5))
			echo "  p$_n: $1 finished before the checkpoint at $_d ms (try $_try); drawing again from [0, $_hi ms)"
			_try=$((_try + 1))
			[ $_try -le 3 ] || { _r=3; break; }
		done
		case $_r in
		0) _passes=$((_passes + 1)) _summary="$_summary p$_n@${_d}ms:PASS" ;;
		3) _fails=$((_fails + 1)) _summary="$_summary p$_n:MISSED"
		   echo "  p$_n: FAIL: $1 finished before every checkpoint (3 tries)" ;;
		*) _fails=$((_fails + 1)) _summary="$_summary p$_n@${_d}ms:FAIL"
		   echo "  p$_n: FAIL: checkpoint after $_d ms" ;;
		esac
		[ $_r != 0 ] || echo "  p$_n: PASS: checkpoint after $_d ms, restart, identical output"
		_n=$((_n + 1))
	done
	_try=1 _hi=$((RP_T / 2))
	while :; do
		rp_between 0 $_hi
		_d1=$RP_V
		rp_between 0 $((_hi * 4 / 5))
		_d2=$RP_V
		_r=0
		rp_chain $_d1 $_d2 || _r=$?
		rm -rf "$RP_DIR/chain" "$RP_DIR"/img/chain*
		[ $_r = 2 ] || break
		_hi=$((_hi * 3 / 5))
		echo "  chain: missed (try $_try); drawing again from [0, $_hi ms)"
		_try=$((_try + 1))
		[ $_try -le 3 ] || { _r=3; break; }
	done
	case $_r in
	0) _passes=$((_passes + 1)) _summary="$_summary chain@${_d1}+${_d2}ms:PASS"
	   echo "  chain: PASS: checkpoint, restart, checkpoint, restart, identical output" ;;
	3) _fails=$((_fails + 1)) _summary="$_summary chain:MISSED"
	   echo "  chain: FAIL: $1 finished before the checkpoints (3 tries)" ;;
	*) _fails=$((_fails + 1)) _summary="$_summary chain@${_d1}+${_d2}ms:FAIL"
	   echo "  chain: FAIL" ;;
	esac
	echo "rp: $1: $_passes passed, $_fails failed:$_summary (seed $RP_SEED)"
	rm -rf "$RP_DIR" "$RP_IN"/text-* "$RP_IN"/binary-*
	[ $_fails = 0 ] || fail "$1: $_fails of $((RP_POINTS + 1)) checkpoint/restart runs differ from the uninterrupted run (above)"
	rm -rf "$RP_DIR"
	ok "$1: every checkpointed and restarted run equals the uninterrupted one"
}

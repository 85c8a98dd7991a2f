#!/usr/bin/env bash
# crctl's command line: help and version succeed; a bad command line exits 1
# with a message and no output on stdout.
set -uo pipefail
crctl=$1
fail() { echo "FAIL: $*"; exit 1; }

"$crctl" --help > /tmp/crctl-help.$$ || fail "--help exited $?"
grep -q "Exit status" /tmp/crctl-help.$$ || fail "--help lacks the exit statuses"
grep -q "validate" /tmp/crctl-help.$$ || fail "--help lacks the validate command"
"$crctl" restart --help | grep -q -- "--any-cgroup" || fail "restart --help lacks --any-cgroup"
"$crctl" validate --help | grep -q -- "--json" || fail "validate --help lacks --json"
rm -f /tmp/crctl-help.$$
"$crctl" --version | grep -q "crmod ABI 3" || fail "--version"

refused() {
	local status=0 out
	out=$("$crctl" "$@" 2>/tmp/crctl-err.$$) || status=$?
	echo "crctl $*: exit $status: $(head -n1 /tmp/crctl-err.$$)"
	[[ $status == 1 ]] || fail "crctl $*: exit status $status, want 1"
	[[ -s /tmp/crctl-err.$$ ]] || fail "crctl $*: no message on stderr"
	[[ -z $out ]] || fail "crctl $*: printed on stdout: $out"
	rm -f /tmp/crctl-err.$$
}
refused
refused frobnicate
refused checkpoint
refused checkpoint notapid
refused checkpoint 0
refused checkpoint 1 --no-such-flag
refused restart
refused restart /nonexistent/x.cr
refused restart --stdin
refused restart --any-cgroup
refused restart x.cr --any-cgroup=yes
refused validate
refused validate x.cr --detach
refused validate /nonexistent/x.cr
refused check --no-such-flag
refused info
echo "crctl usage: all cases behave"

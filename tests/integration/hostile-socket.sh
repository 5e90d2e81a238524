# hostile-socket.sh: who may use the socket, and what happens to the
# files at its path. The daemon makes its directory 0700 and the socket
# 0600, serves only its own user (SO_PEERCRED, checked on each
# connection) or the group named by allow_group (socket 0660, directory
# 0710, of that group); it replaces a stale socket, never a live
# daemon's, and never a file that is not a socket.
#
# Another user is played by "nobody" (uid 65534) through setpriv, which
# needs root: CI runs as root. The scratch directory is made traversable
# (0711) so that nobody can reach the socket at all; each step then opens
# only what it tests.
. "$(dirname "$0")/lib.sh"

examples=$(cd "$(dirname "$0")/../../examples/videos" && pwd)
c=$work/content
cp -r "$examples" "$c"
chmod 0711 "$work"

# as_nobody [SETPRIV ARGS] -- CMD...: runs CMD as uid 65534.
as_nobody() {
	local args=()
	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	shift
	setpriv --reuid=65534 "${args[@]}" "$@"
}

# status_code [SETPRIV ARGS]: the HTTP status nobody gets for /status,
# or "curl N" when it could not connect.
status_code() {
	local code rc=0
	code=$(as_nobody "$@" -- curl -s -o /dev/null -w '%{http_code}' \
		--max-time 5 --unix-socket "$sock" http://localhost/status) ||
		rc=$?
	[ "$rc" -eq 0 ] && echo "$code" || echo "curl $rc"
}

mode_of() {
	stat -c '%a %G' "$1"
}

# --- Private by default ---------------------------------------------------
sock=$work/run/epsearch/epsearchd.sock
start_daemon "$c"
wait_ready
expect_eq "socket directory 0700" "$(mode_of "$work/run/epsearch")" \
	"700 $(id -gn)"
expect_eq "socket 0600" "$(mode_of "$sock")" "600 $(id -gn)"
expect_eq "own user served" "$(api /status | jq -r .files)" 8

if [ "$(id -u)" -eq 0 ] && setpriv --reuid=65534 true 2>/dev/null; then
	can_switch=1
else
	can_switch=0
	echo "not root: the checks as another user are skipped"
fi

if [ $can_switch = 1 ]; then
	chmod 0711 "$work/run"
	expect_eq "other user: kept out by the modes" \
		"$(status_code --regid=65534 --clear-groups)" "curl 7"
	# Opened wide, as a careless chmod or unit file might: the daemon's
	# own check still refuses.
	chmod 0711 "$work/run/epsearch"
	chmod 0666 "$sock"
	expect_eq "other user: refused by SO_PEERCRED" \
		"$(status_code --regid=65534 --clear-groups)" 403
	expect_eq "other user: the refusal says why" \
		"$(as_nobody --regid=65534 --clear-groups -- curl -s \
			--max-time 5 --unix-socket "$sock" \
			http://localhost/search?q=cache | jq -r .error)" \
		"forbidden: this socket serves only the daemon's user (and allow_group)"
	check "other user: refusal logged with its uid" \
		grep -q 'refused a client: uid 65534' "$log"
	expect_eq "own user still served" "$(api /status | jq -r .files)" 8
fi

# --- A stale socket is replaced; a live one never ----------------------------
kill -KILL "$daemon_pid"
wait "$daemon_pid" || true
daemon_pid=
check "after kill -9: the socket file is left" test -S "$sock"
start_daemon "$c"
wait_ready
expect_eq "stale socket replaced: served" "$(api /status | jq -r .files)" 8

rc=0
"$EPSEARCHD" --content "$c" --socket "$sock" --db "$work/second.sqlite3" \
	2>"$work/second.err" || rc=$?
expect_eq "second instance: exit status" "$rc" 1
expect_eq "second instance: names the path" "$(cat "$work/second.err")" \
	"epsearchd: error: $sock: another epsearchd is listening there: Address already in use"
expect_eq "first instance still served" "$(api /status | jq -r .files)" 8
check "first instance's socket kept" test -S "$sock"
check "daemon exits cleanly" stop_daemon

# --- A file that is not a socket is never removed ---------------------------
echo "precious" >"$work/run/epsearch/not-a-socket"
rc=0
"$EPSEARCHD" --content "$c" --socket "$work/run/epsearch/not-a-socket" \
	--db "$work/third.sqlite3" 2>"$work/third.err" || rc=$?
expect_eq "regular file: exit status" "$rc" 1
expect_eq "regular file: message" "$(cat "$work/third.err")" \
	"epsearchd: error: $work/run/epsearch/not-a-socket: is not a socket, refusing to replace it: File exists"
expect_eq "regular file: kept" "$(cat "$work/run/epsearch/not-a-socket")" \
	precious

# --- allow_group ----------------------------------------------------------
mkdir -p "$XDG_CONFIG_HOME/epsearch"
printf 'allow_group: no-such-group-here\n' >"$XDG_CONFIG_HOME/epsearch/config.yaml"
rc=0
"$EPSEARCHD" --content "$c" --socket "$work/g/x.sock" --db "$work/g.sqlite3" \
	2>"$work/group.err" || rc=$?
expect_eq "unknown group: exit status" "$rc" 1
expect_eq "unknown group: message" "$(cat "$work/group.err")" \
	"epsearchd: error: $XDG_CONFIG_HOME/epsearch/config.yaml:1: allow_group: no group named 'no-such-group-here'"

group=$(getent group 65534 | cut -d: -f1)
printf 'allow_group: %s\n' "$group" >"$XDG_CONFIG_HOME/epsearch/config.yaml"
sock=$work/shared/epsearch/epsearchd.sock
start_daemon "$c"
wait_ready
expect_eq "allow_group: directory 0710 of the group" \
	"$(mode_of "$work/shared/epsearch")" "710 $group"
expect_eq "allow_group: socket 0660 of the group" "$(mode_of "$sock")" \
	"660 $group"
if [ $can_switch = 1 ]; then
	chmod 0711 "$work/shared"
	expect_eq "allow_group: member by its group served" \
		"$(status_code --regid=65534 --clear-groups)" 200
	expect_eq "allow_group: member by a supplementary group served" \
		"$(status_code --regid=12345 --groups=65534)" 200
	expect_eq "allow_group: non-member kept out by the modes" \
		"$(status_code --regid=12345 --clear-groups)" "curl 7"
	chmod 0666 "$sock"
	chmod 0711 "$work/shared/epsearch"
	expect_eq "allow_group: non-member refused by SO_PEERCRED" \
		"$(status_code --regid=12345 --clear-groups)" 403
fi
expect_eq "allow_group: own user served" "$(api /status | jq -r .files)" 8
check "daemon exits cleanly" stop_daemon
finish

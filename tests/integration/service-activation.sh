# service-activation.sh: epsearchd as systemd runs it. The socket is
# handed over by systemd-socket-activate (LISTEN_FDS) and the daemon's
# notifications go to a NOTIFY_SOCKET this script reads with socat: the
# daemon answers on the inherited socket, reports READY, scan progress and
# a summary, RELOADING then READY on SIGHUP, STOPPING on SIGTERM, exits 0,
# and leaves the socket file to its owner.
. "$(dirname "$0")/lib.sh"

notify=$work/notify.sock
heard=$work/notify.log
listener=

cp -r "$EPSEARCH_CORPUS/rawkode-2025-11" "$work/content"

# listen: collects the datagrams sent to $notify; socat -v writes each
# one after a header line of its own.
listen() {
	rm -f "$notify" "$heard"
	socat -u -v "UNIX-RECV:$notify" OPEN:/dev/null 2>"$heard" &
	listener=$!
	for _ in $(seq 100); do
		[ -S "$notify" ] && return 0
		sleep 0.02
	done
	echo "socat did not listen on $notify" >&2
	exit 1
}

# messages: what the daemon said so far, one assignment a line.
messages() {
	local header='> [0-9/]+ [0-9:.]+ +length=[0-9]+ from=[0-9]+ to=[0-9]+$'
	sed -E "s|$header||" "$heard" | grep -v '^$' || true
}

# wait_message PATTERN: waits until a line matching PATTERN came after
# the lines already seen (the count is in $seen).
seen=0
wait_message() {
	for _ in $(seq 200); do
		if messages | tail -n +$((seen + 1)) | grep -- "$1" >/dev/null; then
			seen=$(messages | grep -n -- "$1" | tail -1 | cut -d: -f1)
			return 0
		fi
		sleep 0.05
	done
	echo "no '$1' after line $seen; heard:" >&2
	messages >&2
	return 1
}

# activate: the daemon behind systemd-socket-activate on $sock, without
# XDG_RUNTIME_DIR (an inherited socket needs no path).
activate() {
	env -u XDG_RUNTIME_DIR NOTIFY_SOCKET="$notify" \
		systemd-socket-activate -l "$sock" -E NOTIFY_SOCKET \
		"$EPSEARCHD" --content "$work/content" --db "$db" \
		--log-level info 2>>"$log" &
	daemon_pid=$!
	for _ in $(seq 100); do
		[ -S "$sock" ] && return 0
		sleep 0.05
	done
	echo "systemd-socket-activate did not listen" >&2
	exit 1
}

listen
activate
seen=0
# The first request starts the daemon, which answers it on the socket.
expect_eq "answers on the inherited socket" \
	"$(search "cache mount" | jq -r '.hits[0].slug')" \
	hands-on-with-buildkit-and-buildx
check "READY=1" wait_message '^READY=1$'
check "a summary after the first scan" \
	wait_message '^STATUS=309 episodes, 8971 chapters from 309 files'
check "progress during the first scan" \
	grep -q '^STATUS=scanning: 200 files$' <(messages)
check "said it was served the inherited socket" \
	grep -q 'on the inherited socket' "$log"

kill -HUP "$daemon_pid"
check "RELOADING=1 on SIGHUP" wait_message '^RELOADING=1$'
check "READY=1 after the reload" wait_message '^READY=1$'
check "a summary after the reload's scan" wait_message '^STATUS=309 episodes'
expect_eq "still answers after the reload" \
	"$(search "cache mount" | jq -r '.hits[0].slug')" \
	hands-on-with-buildkit-and-buildx

kill -TERM "$daemon_pid"
rc=0
wait "$daemon_pid" || rc=$?
daemon_pid=
expect_eq "exit status after SIGTERM" "$rc" 0
check "STOPPING=1 on SIGTERM" wait_message '^STOPPING=1$'
check "the socket file is left to its owner" test -S "$sock"
check "the index was closed cleanly" test ! -e "$db-wal"

# Started again on the kept index: progress counts against what it held.
rm -f "$sock"
activate
wait_ready
check "progress against the known count" \
	grep -q '^STATUS=scanning: 200/309 files$' <(messages)
stop_daemon
kill "$listener"
wait "$listener" 2>/dev/null || true

finish

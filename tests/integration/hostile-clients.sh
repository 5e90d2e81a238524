# hostile-clients.sh: clients that misbehave on the socket: a request line
# or a header over the limit, a huge query, one that trickles a byte
# every 50 ms, ones that connect and say nothing, one that never reads
# its answers, and 200 that ask and hang up at once. During each, an
# ordinary client must still get its answer (curl --max-time 5), the
# daemon's memory must stay bounded, and SIGPIPE must not kill it.
# The idle timeout is lowered to 2 s with the hidden --test-idle-timeout.
. "$(dirname "$0")/lib.sh"

# Bounded memory: 16 MB of growth, or 64 MB under AddressSanitizer, whose
# quarantine holds freed memory back on purpose (CTest sets ASAN_OPTIONS
# in the sanitizer build only).
grow_limit=16384
[ -n "${ASAN_OPTIONS:-}" ] && grow_limit=65536

c=$work/content
cp -r "$EPSEARCH_CORPUS/rawkode-2025-11" "$c"
start_daemon "$c" --test-idle-timeout 2
wait_ready

# served NAME: an ordinary client gets a search answered within 5 s.
served() {
	local got
	got=$(curl -s --max-time 5 --unix-socket "$sock" \
		'http://localhost/search?q=kubernetes&limit=3' | jq -r '.total')
	check "$NAME: an ordinary client is served ($got)" test "${got:-0}" -gt 0
}

rss_kb() {
	awk '/^VmRSS/ {print $2}' "/proc/$daemon_pid/status"
}

now_ms() {
	date +%s%3N
}

# code_and_close CURL ARGS...: "STATUS close" when the daemon answered
# STATUS and said it closes the connection.
code_and_close() {
	curl -s -D - -o /dev/null --max-time 5 --unix-socket "$sock" "$@" |
		tr -d '\r' | awk '/^HTTP/ {code = $2}
			tolower($0) == "connection: close" {cl = " close"}
			END {print code cl}'
}

rss0=$(rss_kb)
long=$(head -c 40000 /dev/zero | tr '\0' a)

# --- Over the limits ---------------------------------------------------------
NAME="request line of 40 KB"
expect_eq "$NAME: 414, closed" \
	"$(code_and_close "http://localhost/search?q=$long")" "414 close"
NAME="header of 40 KB"
expect_eq "$NAME: 431, closed" \
	"$(code_and_close -H "X-Long: $long" http://localhost/status)" \
	"431 close"
NAME="query of 100 KB"
# It cannot reach the query check: the request line alone is over the
# 32 KiB a connection may use.
expect_eq "$NAME: 414, closed" \
	"$(code_and_close "http://localhost/search?q=$long$long$long")" \
	"414 close"
NAME="query of 20 KB"
expect_eq "$NAME: 400 naming q" \
	"$(curl -s -w ' %{http_code}' --max-time 5 --unix-socket "$sock" \
		"http://localhost/search?q=${long:0:20000}" | tr -d '\n')" \
	'{"error":"q: longer than 32 words or 1024 bytes"} 400'
served

# --- Slow and silent clients ---------------------------------------------------
NAME="slowloris"
t0=$(now_ms)
(
	(for i in $(seq 300); do printf G; sleep 0.05; done) 2>/dev/null |
		socat -t 0.1 - "UNIX-CONNECT:$sock" >/dev/null 2>&1 || true
	now_ms >"$work/slow.end"
) &
slow=$!
sleep 0.5
served
NAME="silent clients"
pids=()
for i in $(seq 100); do
	(
		timeout 20 socat -u "UNIX-CONNECT:$sock" - >/dev/null 2>&1 || true
		now_ms >"$work/silent.$i"
	) &
	pids+=($!)
done
sleep 0.5
served
wait "$slow" "${pids[@]}" # not plain wait: the daemon is a job too
slow_ms=$(($(cat "$work/slow.end") - t0))
silent_ms=$(($(sort -n "$work"/silent.* | tail -1) - t0))
echo "slowloris cut after $slow_ms ms; 100 silent clients closed by $silent_ms ms"
check "slowloris: cut off well before its 15 s of trickling" \
	test "$slow_ms" -lt 8000
check "silent: all closed well before 20 s" test "$silent_ms" -lt 8000

# --- A client that never reads its answers ------------------------------
# 40 pipelined searches of ~170 KB answers each: far more than the socket
# buffers hold. socat -u sends and never reads.
NAME="never reads"
(
	for i in $(seq 40); do
		printf 'GET /search?q=the&limit=100 HTTP/1.1\r\nHost: x\r\n\r\n'
	done
	sleep 6
) | timeout 20 socat -u - "UNIX-CONNECT:$sock" 2>/dev/null &
reader=$!
sleep 1
served
rss1=$(rss_kb)
wait "$reader" || true
echo "memory: $rss0 kB at start, $rss1 kB while an answer was unread"
check "$NAME: memory grew by less than $((grow_limit / 1024)) MB" \
	test $((rss1 - rss0)) -lt $grow_limit

# --- 200 clients that ask and hang up at once ---------------------------
NAME="200 hang-ups"
pids=()
for i in $(seq 200); do
	printf 'GET /search?q=the&limit=100 HTTP/1.1\r\nHost: x\r\n\r\n' |
		socat -u - "UNIX-CONNECT:$sock" 2>/dev/null &
	pids+=($!)
done
wait "${pids[@]}" || true
served
check "$NAME: daemon alive (SIGPIPE ignored)" kill -0 "$daemon_pid"
rss2=$(rss_kb)
echo "memory after 200 hang-ups: $rss2 kB"
check "$NAME: memory grew by less than $((grow_limit / 1024)) MB" \
	test $((rss2 - rss0)) -lt $grow_limit

check "daemon alive" kill -0 "$daemon_pid"
expect_eq "nothing logged as an error" "$(grep -c ': error: ' "$log" || true)" 0
check "daemon exits cleanly" stop_daemon
finish

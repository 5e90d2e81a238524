# lib.sh: what every integration script shares. Each script gets a private
# scratch directory, socket and index, starts the real epsearchd on them,
# and cleans up on exit, whatever happened.
set -euo pipefail

: "${EPSEARCHD:?set EPSEARCHD to the daemon binary}"
: "${EPSEARCH:?set EPSEARCH to the client binary}"
: "${EPSEARCH_CORPUS:?set EPSEARCH_CORPUS to ../shared/corpus}"

work=$(mktemp -d "${TMPDIR:-/tmp}/epsearch-test.XXXXXX")
# No settings file of the user running the tests is read (the directory
# is never created; a script that wants one writes it there).
export XDG_CONFIG_HOME=$work/config
sock=$work/epsearchd.sock
db=$work/index.sqlite3
log=$work/daemon.log
daemon_pid=
passed=0
failed=0
# What a sanitizer build (EPSEARCH_SANITIZE) writes when it finds a fault.
sanitizer_report='ERROR: AddressSanitizer|runtime error:|LeakSanitizer'

# cleanup: stops the daemon; a sanitizer report in its log fails the
# script whatever the checks said (otherwise its status stands).
cleanup() {
	local clean=0
	stop_daemon || true
	sanitizer_clean || clean=1
	rm -rf "$work"
	[ "$clean" -eq 0 ] || exit 1
}
trap cleanup EXIT

# sanitizer_clean: 1, and the report on stderr, when the daemon's log
# holds a sanitizer report.
sanitizer_clean() {
	[ -f "$log" ] && grep -qE "$sanitizer_report" "$log" || return 0
	[ -z "${sanitizer_said:-}" ] || return 1
	sanitizer_said=1
	echo "FAIL: a sanitizer report in the daemon's log:" >&2
	grep -E -A40 "$sanitizer_report" "$log" | head -80 >&2
	return 1
}

# start_daemon DIR [ARGS...]: runs epsearchd on DIR and waits until its
# socket answers (a stale socket file left by a killed daemon does not).
start_daemon() {
	local content=$1 i
	shift
	"$EPSEARCHD" --content "$content" --socket "$sock" --db "$db" \
		--log-level info "$@" 2>>"$log" &
	daemon_pid=$!
	for i in $(seq 100); do
		[ -S "$sock" ] && curl -s -o /dev/null --max-time 5 \
			--unix-socket "$sock" http://localhost/status && return 0
		kill -0 "$daemon_pid" 2>/dev/null || break
		sleep 0.05
	done
	echo "epsearchd did not start; its log:" >&2
	cat "$log" >&2
	exit 1
}

# stop_daemon: SIGTERM, then waits; returns the daemon's exit status, or
# 1 when its log holds a sanitizer report (a leak found at exit also
# makes the status non-zero).
stop_daemon() {
	local rc=0
	[ -n "$daemon_pid" ] || return 0
	kill -TERM "$daemon_pid" 2>/dev/null || true
	wait "$daemon_pid" || rc=$?
	daemon_pid=
	sanitizer_clean || rc=1
	if [ "$rc" -ne 0 ]; then
		echo "epsearchd stopped with status $rc; the end of its log:" >&2
		tail -20 "$log" >&2
	fi
	return $rc
}

# api PATH [CURL ARGS...]: GET from the daemon; prints the body.
api() {
	local path=$1
	shift
	curl -sS --max-time 30 --unix-socket "$sock" "$@" "http://localhost$path"
}

# search WORDS [LIMIT]: the JSON answer to a search.
search() {
	api /search -G --data-urlencode "q=$1" --data-urlencode "limit=${2:-10}"
}

# wait_ready: returns once the first scan is committed (searches wait
# for it; an empty one costs nothing else).
wait_ready() {
	search "" >/dev/null
}

# check NAME CONDITION-EXIT-STATUS...: counts and reports one check.
check() {
	local name=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $name" >&2
	fi
}

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $1: got '$2', want '$3'" >&2
	fi
}

# finish: the closing line CTest logs, and the exit status.
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# dump_index DB: every row a search can reach, in a canonical order
# (mtimes left out: a fresh scan sees the same files at other times).
dump_index() {
	sqlite3 -batch -cmd '.timeout 5000' "$1" <<'SQL'
SELECT f.path, f.hash, f.error_line, f.error_message, e.slug, e.title,
       e.description, e.show, e.published, e.duration, e.technologies,
       e.guests
  FROM files f LEFT JOIN episodes e ON e.file_id = f.id ORDER BY f.path;
SELECT f.path, m.kind, m.start, m."end", t.text, t.title, t.tags
  FROM moments m JOIN files f ON f.id = m.file_id
  JOIN moment_text t ON t.rowid = m.id
 ORDER BY f.path, m.kind, m.start, t.text;
SQL
}

# same_as_fresh_scan NAME DIR: the live index equals what a fresh full
# scan of DIR gives, and both pass SQLite's and FTS5's integrity checks.
same_as_fresh_scan() {
	local name=$1 content=$2 fresh=$work/fresh.sqlite3
	rm -f "$fresh" "$fresh-wal" "$fresh-shm"
	"$EPSEARCHD" --content "$content" --db "$fresh" --scan-once >/dev/null
	if diff <(dump_index "$db") <(dump_index "$fresh") >"$work/diff"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $name: the live index differs from a fresh scan:" >&2
		head -20 "$work/diff" >&2
	fi
	expect_eq "$name: integrity" "$(sqlite3 -cmd '.timeout 5000' "$db" \
		"PRAGMA integrity_check;
		 INSERT INTO moment_text(moment_text) VALUES('integrity-check');")" ok
}

# sync_search WORDS: a search that reflects every change made before it,
# exact (no loose matching), so its counts are what holds every word.
sync_search() {
	api /search -G --data-urlencode "q=$1" --data-urlencode sync=1 \
		--data-urlencode limit=100 --data-urlencode exact=1
}

# hits WORDS: "path|title" of every hit of a sync=1 search, sorted.
hits() {
	sync_search "$1" | jq -r '.hits[] | "\(.path)|\(.title)"' | sort
}

# status_field NAME: one field of /status.
status_field() {
	api /status | jq -r ".$1"
}

# episode TITLE [CHAPTER]: a small valid episode file on stdout.
episode() {
	printf -- '---\ntitle: %s\nduration: 600\nchapters:\n' "$1"
	printf '  - startTime: 0\n    title: %s\n---\n' "${2:-Intro}"
}

# retitle FILE TITLE: sets an episode file's title, a folded one's
# continuation lines included, in place.
retitle() {
	awk -v t="$2" '
		done == 0 && /^title:/ { print "title: " t; skip = 1; done = 1; next }
		skip && /^[ \t]/ { next }
		{ skip = 0; print }' "$1" >"$1.new"
	mv "$1.new" "$1"
}

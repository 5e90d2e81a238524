# fault-disk-full.sh: the index lives on a small tmpfs that a filler file
# fills up. A batch that cannot be written is rolled back: searches still
# find the old content, the log says what to free, /status shows
# last_error. Once space is back the batch is written again, by the retry
# timer (round 1) or at the next change (round 2), and the index equals a
# fresh full scan: nothing was lost.
#
# The tmpfs is mounted in a private mount namespace (unshare), so it goes
# away with the test whatever happens, and a user who is not root can run
# it where user namespaces are allowed.
if [ -z "${EPSEARCH_UNSHARED:-}" ] && unshare -rm true 2>/dev/null; then
	EPSEARCH_UNSHARED=1 exec unshare -rm bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

fs=$work/fs
mkdir -p "$fs"
if ! mount -t tmpfs -o size=12m tmpfs "$fs"; then
	echo "cannot mount a tmpfs here (needs root or user namespaces)" >&2
	exit 1
fi
trap 'stop_daemon; umount "$fs"; rm -rf "$work"' EXIT
db=$fs/index.sqlite3

c=$work/content
cp -r "$EPSEARCH_CORPUS/rawkode-2025-11" "$c"
mapfile -t all < <(cd "$c" && find . -name '*.md' | sed 's|^\./||' | sort)
# fill: takes every free byte of the tmpfs.
fill() {
	dd if=/dev/zero of="$fs/filler" bs=64k status=none 2>/dev/null || true
}
# wait_for SECONDS COMMAND...: polls every 0.1 s; prints the seconds taken.
wait_for() {
	local limit=$1 t0 now
	shift
	t0=$(date +%s%N)
	while ! "$@"; do
		now=$(date +%s%N)
		if (((now - t0) / 1000000000 >= limit)); then
			echo timeout
			return 0
		fi
		sleep 0.1
	done
	now=$(date +%s%N)
	echo "$(((now - t0) / 1000000)) ms"
}
no_last_error() {
	[ "$(status_field last_error)" = null ]
}
# found WORDS N: a plain (not sync) search finds N episodes.
found() {
	[ "$(search "$1" | jq .total)" = "$2" ]
}

# A first scan, then a restart, so the write-ahead log starts empty.
start_daemon "$c" --log-level debug
wait_ready
stop_daemon
start_daemon "$c" --log-level debug
wait_ready
old_title=$(sed -n 's/^title: //p' "$c/${all[0]}" | sed -n 1p | tr -d "'\"")
old_slug=$(search "$old_title" | jq -r '.hits[0].slug')

# Round 1: the disk fills, 100 files change; the retry timer writes them.
fill
echo "tmpfs full: $(df -k "$fs" | tail -1)"
for ((i = 0; i < 100; i++)); do
	retitle "$c/${all[i]}" "Diskfull Episode $i"
done
expect_eq "full: new titles not searchable" \
	"$(sync_search diskfull | jq .total)" 0
expect_eq "full: the old title still found" \
	"$(search "$old_title" | jq -r '.hits[0].slug')" "$old_slug"
expect_eq "full: the old episodes all there" "$(status_field episodes)" 309
check "full: status shows last_error" \
	grep -q "full" <<<"$(status_field last_error)"
check "full: the log says what to free" \
	grep -q "free space on the file system of $db" "$log"
# The backoff doubles only when the timer's own retry fails: wait (bounded,
# not timed) until it has doubled twice, 1 s then 2 s then 4 s.
for _ in $(seq 200); do
	grep -q "trying again in 4 s" "$log" && break
	sleep 0.1
done
echo "failures so far: $(grep -o "trying again in [0-9]* s" "$log" |
	uniq -c | tr -s ' \n' ' ')"
check "full: the timer retried after 1 s, then 2 s" \
	grep -q "trying again in 4 s" "$log"
check "full: and no sooner" \
	test "$(grep -c "trying again in 8 s" "$log")" = 0
rm "$fs/filler"
echo "space back: the retry timer wrote it after $(wait_for 70 found diskfull 100)"
expect_eq "space back: all 100 new titles" "$(search diskfull | jq .total)" 100
expect_eq "space back: last_error cleared" "$(status_field last_error)" null
same_as_fresh_scan "round 1" "$c"

# Round 2: full again; once the backoff is long, space comes back and
# one more change brings the failed batch with it at once.
: >"$log"
fill
for ((i = 100; i < 120; i++)); do
	retitle "$c/${all[i]}" "Spacegone Episode $i"
done
expect_eq "full again: new titles not searchable" \
	"$(sync_search spacegone | jq .total)" 0
waited=$(wait_for 30 grep -q "trying again in 8 s" "$log")
echo "backoff reached 8 s after $waited"
rm "$fs/filler"
retitle "$c/${all[120]}" "Spacegone Episode 120"
took=$(wait_for 3 found spacegone 21)
echo "space back: the next change wrote both after $took"
check "next change: written before the 8 s retry ($took)" \
	test "$took" != timeout
same_as_fresh_scan "round 2" "$c"
expect_eq "last_error cleared" "$(status_field last_error)" null
check "daemon exits cleanly" stop_daemon
finish

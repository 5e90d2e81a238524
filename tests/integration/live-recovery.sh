# live-recovery.sh: the daemon catches up when inotify loses events, and
# keeps the index right when the watch limit leaves directories unwatched.
#   1. The test hook (POST /debug/overflow) throws queued events away.
#   2. A real queue overflow: the daemon is stopped (SIGSTOP) while more
#      events than fs.inotify.max_queued_events arrive, then the changes
#      come, so the kernel drops their events; on SIGCONT only the
#      overflow remains. Directories renamed, moved out and deleted
#      meanwhile must not leave stale watches behind.
#   3. --test-max-watches 3 --sweep-interval 0.5: degraded status and the
#      sysctl named in the log, and changes in unwatched directories found
#      by the sweep.
. "$(dirname "$0")/lib.sh"

c=$work/content
outside=$work/outside
cp -r "$EPSEARCH_CORPUS/rawkode-2025-11" "$c"
mkdir "$outside"

dirs_in_tree() {
	find "$c" -type d ! -path '*/.*' | wc -l
}
# caught_up GEN: polls /status (at most 10 s) until a batch after GEN has
# committed and nothing is left to index.
caught_up() {
	local i s
	for i in $(seq 100); do
		s=$(api /status)
		if [ "$(jq .generation <<<"$s")" -gt "$1" ] &&
			[ "$(jq .indexing <<<"$s")" = false ]; then
			return 0
		fi
		sleep 0.1
	done
	echo "  not caught up after 10 s: $s" >&2
	return 1
}

# --- 1. The test hook ---------------------------------------------------
start_daemon "$c" --test-hooks
wait_ready
files0=$(status_field files)

f=shows/klustered/2022/adobe-and-zapier.md
sed -i 's/^title: .*/title: Hookedit Adobe and Zapier/' "$c/$f"
rm "$c/shows/klustered/2022/ibm-and-nisum.md"
episode "Hookcreate New Episode" >"$c/shows/klustered/2022/hook-new.md"
gen=$(status_field generation)
expect_eq "hook: answered" "$(api /debug/overflow -X POST | jq -c .)" \
	'{"injected":true}'
check "hook: a full scan catches up" caught_up "$gen"
expect_eq "hook: edit found" "$(hits hookedit)" "$f|Hookedit Adobe and Zapier"
expect_eq "hook: new file found" "$(hits hookcreate)" \
	"shows/klustered/2022/hook-new.md|Hookcreate New Episode"
expect_eq "hook: files" "$(status_field files)" "$files0"
check "hook: the log names the overflow" \
	grep -q 'warning: changes may have been missed (the inotify queue overflowed)' "$log"
check "hook: the log names the test hook" \
	grep -q 'warning: test hook: dropped the queued inotify events' "$log"
expect_eq "hook: watched directories" "$(status_field watched_directories)" \
	"$(dirs_in_tree)"
same_as_fresh_scan "hook" "$c"
# And live events work after it.
episode "Afterhook Episode" >"$c/standalone/2024/after-hook.md"
expect_eq "hook: events flow after it" "$(hits afterhook)" \
	"standalone/2024/after-hook.md|Afterhook Episode"

# --- 2. A real overflow ---------------------------------------------------
max_queued=$(cat /proc/sys/fs/inotify/max_queued_events)
sync_search "" >/dev/null
files0=$(status_field files)
gen=$(status_field generation)
kill -STOP "$daemon_pid"
# Fill the queue: close-after-write on two hidden names in turn (the
# kernel merges only identical neighbours; the daemon ignores the names).
python3 - "$c" "$max_queued" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2]) + 100
for i in range(n):
    with open(os.path.join(root, ".flood-%d" % (i % 2)), "w"):
        pass
PY
rm "$c/.flood-0" "$c/.flood-1"
# These changes' events are dropped: the queue is full.
sed -i 's/^title: .*/title: Overflowedit Klustered/' \
	"$c/shows/klustered/2022/klustered-20.md"
episode "Overflowcreate Episode" >"$c/standalone/2024/overflow-new.md"
rm "$c/shows/klustered/2022/klustered-21.md"
mv "$c/shows/cloud-native-compass" "$c/shows/compass-renamed"
mv "$c/shows/rawkode-live/2020" "$outside/rawkode-live-2020"
rm -rf "$c/standalone/2023"
mkdir -p "$c/shows/after-overflow/2026"
episode "Overflowdir Episode" >"$c/shows/after-overflow/2026/deep.md"
kill -CONT "$daemon_pid"
check "overflow: a full scan catches up" caught_up "$gen"
check "overflow: the log names the overflow (twice: hook, then real)" \
	test "$(grep -c 'changes may have been missed (the inotify queue overflowed)' "$log")" -ge 2
expect_eq "overflow: edit found" "$(hits overflowedit)" \
	"shows/klustered/2022/klustered-20.md|Overflowedit Klustered"
expect_eq "overflow: new file found" "$(hits overflowcreate)" \
	"standalone/2024/overflow-new.md|Overflowcreate Episode"
expect_eq "overflow: file in a new directory found" "$(hits overflowdir)" \
	"shows/after-overflow/2026/deep.md|Overflowdir Episode"
expect_eq "overflow: nothing under the renamed, moved or deleted paths" \
	"$(sqlite3 "$db" "SELECT count(*) FROM files WHERE
		path LIKE 'shows/cloud-native-compass/%' OR
		path LIKE 'shows/rawkode-live/2020/%' OR
		path LIKE 'standalone/2023/%'")" 0
expect_eq "overflow: files" "$(status_field files)" \
	"$(find "$c" -name '*.md' ! -path '*/.*' | wc -l)"
same_as_fresh_scan "overflow" "$c"
# The watches afterwards: each directory of the tree watched once, none
# left over for directories gone or moved out, and edits in a renamed
# directory reported under its new path.
expect_eq "overflow: watched directories = directories in the tree" \
	"$(status_field watched_directories)" "$(dirs_in_tree)"
f=$(cd "$c" && find shows/compass-renamed -name '*.md' | sort | sed -n 1p)
sed -i 's/^title: .*/title: Renamedwatch Compass/' "$c/$f"
expect_eq "overflow: edit in the renamed directory, by its event" \
	"$(hits renamedwatch)" "$f|Renamedwatch Compass"
same_as_fresh_scan "overflow, then an edit" "$c"
check "overflow: no errors logged" \
	test "$(grep -c ': error: ' "$log" || true)" = 0
check "overflow: daemon exits cleanly" stop_daemon

# --- 3. The watch limit -------------------------------------------------
rm -f "$db" "$db-wal" "$db-shm"
: >"$log"
start_daemon "$c" --test-max-watches 3 --sweep-interval 0.5
wait_ready
total_dirs=$(dirs_in_tree)
s=$(api /status)
echo "watch limit at start: $(jq -c '{watched_directories,
	unwatched_directories, degraded, degraded_reason}' <<<"$s")" \
	"of $total_dirs directories"
expect_eq "limit: degraded" "$(jq .degraded <<<"$s")" true
check "limit: a reason is given" \
	grep -q 'watch limit' <<<"$(jq -r .degraded_reason <<<"$s")"
check "limit: some directories unwatched" \
	test "$(jq .unwatched_directories <<<"$s")" -gt 0
expect_eq "limit: watched directories" "$(jq .watched_directories <<<"$s")" 3
check "limit: the log names fs.inotify.max_user_watches" \
	grep -q 'warning: .*fs\.inotify\.max_user_watches' "$log"
# The whole tree is indexed all the same.
expect_eq "limit: files" "$(jq .files <<<"$s")" \
	"$(find "$c" -name '*.md' ! -path '*/.*' | wc -l)"

# Changes in every year directory: most are unwatched, so only a sweep
# finds them. A plain search is polled, at most 10 s.
mapfile -t leaves < <(cd "$c" && find . -mindepth 2 -type d -name '20[0-9][0-9]' |
	sed 's|^\./||' | sort)
for d in "${leaves[@]}"; do
	episode "Sweeptoken ${d//\//-}" >"$c/$d/swept.md"
done
mkdir -p "$c/shows/klustered/2022/new-under-unwatched"
episode "Sweepdeep Episode" >"$c/shows/klustered/2022/new-under-unwatched/deep.md"
seen_now=$(sync_search sweeptoken | jq .total)
found=0
for i in $(seq 100); do
	got=$(search sweeptoken 100 | jq .total)
	deep=$(search sweepdeep | jq .total)
	if [ "$got" = "${#leaves[@]}" ] && [ "$deep" = 1 ]; then
		found=1
		break
	fi
	sleep 0.1
done
echo "limit: ${#leaves[@]} files in year directories; $seen_now found" \
	"by their events at once, all found after $((i / 10)).$((i % 10)) s"
check "limit: changes in unwatched directories found by a sweep" \
	test "$found" = 1
expect_eq "limit: all the new files" "$(search sweeptoken 100 |
	jq -r '.hits[].path' | sort)" \
	"$(printf '%s/swept.md\n' "${leaves[@]}" | sort)"
# Both halves counted right after sweeps: every directory of the tree is
# either watched or unwatched, and none is both.
s=$(api /status)
echo "watch limit after sweeps: $(jq -c '{watched_directories,
	unwatched_directories}' <<<"$s") of $(dirs_in_tree) directories"
expect_eq "limit: watched + unwatched = directories in the tree" \
	$(($(jq .watched_directories <<<"$s") + $(jq .unwatched_directories <<<"$s"))) \
	"$(dirs_in_tree)"
expect_eq "limit: still degraded" "$(jq .degraded <<<"$s")" true
sweeps=$(grep -c 'max_user_watches' "$log" || true)
echo "limit: the max_user_watches warning was logged $sweeps times"
check "limit: the sysctl advice is logged once, not at every sweep" \
	test "$sweeps" -le 1
same_as_fresh_scan "watch limit" "$c"
check "limit: no errors logged" \
	test "$(grep -c ': error: ' "$log" || true)" = 0
check "limit: daemon exits cleanly" stop_daemon
finish

# fault-kill.sh: `kill -9` at random points of a large reindex, ten times
# over, on a tree of four copies of the catalogue (about 1236 files). Odd
# rounds kill the first scan of an empty index; even rounds kill during a
# git branch switch that rewrites about 1200 files. After each restart the
# index must pass SQLite's and FTS5's integrity checks and equal a fresh
# full scan once the restart's own scan has ended.
. "$(dirname "$0")/lib.sh"

c=$work/content
mkdir -p "$c"
for i in 1 2 3 4; do
	cp -r "$EPSEARCH_CORPUS/rawkode-2025-11" "$c/copy$i"
done
g() {
	git -C "$c" -c user.name=epsearch-test -c user.email=test@invalid \
		-c commit.gpgsign=false -c core.hooksPath=/dev/null "$@"
}
g init -q -b branch-a
g add -A
g commit -q -m "branch A"
g checkout -q -b branch-b
# Branch B: every title changed, 40 files deleted, 40 added.
mapfile -t all < <(cd "$c" && find . -name '*.md' | sed 's|^\./||' | sort)
total=${#all[@]}
expect_eq "tree files" "$total" 1236
for ((i = 0; i < total; i++)); do
	retitle "$c/${all[i]}" "Killbee Episode $i"
done
for ((i = 0; i < 40; i++)); do
	g rm -qf "${all[i * 30]}"
	printf -- '---\ntitle: Killadded Episode %d\n---\n' "$i" \
		>"$c/copy1/killadded-$i.md"
done
g add -A
g commit -q -m "branch B"
g checkout -q branch-a

# kill_daemon: SIGKILL, no clean-up of any kind.
kill_daemon() {
	kill -KILL "$daemon_pid" 2>/dev/null || true
	wait "$daemon_pid" 2>/dev/null || true
	daemon_pid=
	rm -f "$sock" # left behind: a new daemon binds it again
}
# random_sleep MAX_MS: sleeps a random time from 0 to MAX_MS.
random_sleep() {
	local ms=$((RANDOM % $1))
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	echo $ms
}
at_kill() {
	sqlite3 -cmd '.timeout 5000' "$db" "SELECT (SELECT count(*) FROM
		files) || ' files, ' || (SELECT count(*) FROM episodes WHERE
		title LIKE 'Killbee%') || ' Killbee titles'" 2>&1 || true
}

branch=branch-a
for round in $(seq 10); do
	if ((round % 2)); then
		rm -f "$db" "$db-wal" "$db-shm"
		start_daemon "$c"
		ms=$(random_sleep 1300)
		kill_daemon
		what="first scan, killed after $ms ms"
	else
		start_daemon "$c"
		wait_ready
		if [ $branch = branch-a ]; then branch=branch-b; else branch=branch-a; fi
		g checkout -q "$branch" &
		ms=$(random_sleep 1200)
		kill_daemon
		wait $! # the checkout
		what="switch to $branch, killed after $ms ms"
	fi
	echo "round $round: $what; at the kill: $(at_kill)"
	start_daemon "$c"
	wait_ready
	if [ $branch = branch-b ]; then want=$((total - 40)) added=40; else want=0 added=0; fi
	expect_eq "round $round: Killbee titles" \
		"$(sync_search killbee | jq .total)" "$want"
	expect_eq "round $round: added" \
		"$(sync_search killadded | jq .total)" "$added"
	same_as_fresh_scan "round $round" "$c"
	check "round $round: stops cleanly" stop_daemon
done
check "no damage found at any start" \
	test "$(grep -c 'damaged\|not a usable index' "$log" || true)" = 0
finish

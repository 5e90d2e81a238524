# fault-corrupt.sh: a damaged index is moved aside, rebuilt from the tree
# and said so in the log, while the daemon keeps serving. Four kinds of
# damage: pages overwritten with dd and rows deleted from FTS5's term
# index, both found by the check at start; FTS5 segments deleted under the
# running daemon, found by the next search; FTS5's structure record
# overwritten under it, found by the next batch. Each time the searches
# that met it (or came during the rebuild) are answered from the new index,
# which must equal a fresh full scan.
. "$(dirname "$0")/lib.sh"

c=$work/content
cp -r "$EPSEARCH_CORPUS/rawkode-2025-11" "$c"
q=kubernetes

# broken_count: how many damaged indexes were moved aside so far.
broken_count() {
	find "$work" -maxdepth 1 -name 'index.sqlite3.broken-*' ! -name '*-wal' \
		! -name '*-shm' | wc -l
}
# checks NAME: the damage is something SQLite or FTS5 can tell.
detectable() {
	local answer
	answer=$(sqlite3 "$db" "PRAGMA quick_check(1);
		INSERT INTO moment_text(moment_text) VALUES('integrity-check');" \
		2>&1 || true)
	[ "$answer" != ok ]
}
# rebuilt NAME BROKEN-BEFORE: the damage was logged, the index moved aside
# and rebuilt, and it answers like a fresh scan.
rebuilt() {
	local i
	expect_eq "$1: search answered from the new index" \
		"$(search "$q" | jq .total)" "$want"
	# The move is logged by the loop once the batch that met the damage
	# ends: wait for it, bounded, rather than race it.
	for i in $(seq 100); do
		[ "$(broken_count)" -gt "$2" ] && break
		sleep 0.1
	done
	expect_eq "$1: moved aside" "$(broken_count)" $(($2 + 1))
	check "$1: logged" grep -q "is damaged; moved it to" "$log"
	same_as_fresh_scan "$1" "$c"
	expect_eq "$1: status" "$(api /status | jq -r '.files')" 309
}

start_daemon "$c"
want=$(search "$q" | jq .total)
check "a search finds $q ($want episodes)" test "$want" -gt 10
stop_daemon

# 1. Pages in the middle of the file overwritten; found at start.
pages=$(($(stat -c %s "$db") / 4096))
for skip in 2 3 4 5 6; do
	dd if=/dev/urandom of="$db" bs=4096 seek=$((pages * skip / 8)) \
		count=4 conv=notrunc status=none
	detectable && break
done
check "dd: damage that quick_check or FTS5 can tell" detectable
before=$(broken_count)
: >"$log"
start_daemon "$c"
rebuilt "dd pages" "$before"
stop_daemon

# 2. Rows deleted from FTS5's term index (a shadow table); found at start.
sqlite3 "$db" "DELETE FROM moment_text_idx WHERE pgno % 2 = 0"
check "idx rows: damage FTS5 can tell" detectable
before=$(broken_count)
: >"$log"
start_daemon "$c"
rebuilt "FTS5 idx rows" "$before"

# 3. FTS5 segments deleted while serving: the next search meets them.
before=$(broken_count)
: >"$log"
sqlite3 -cmd '.timeout 5000' "$db" "DELETE FROM moment_text_data WHERE id > 10"
expect_eq "segments gone: the search that met it waits for the rebuild" \
	"$(search "$q" | jq .total)" "$want"
check "segments gone: a search met it" grep -q "a read met" "$log"
rebuilt "FTS5 segments while serving" "$before"

# 4. FTS5's structure record overwritten while serving, then a file
# edited: the batch that writes it meets the damage.
before=$(broken_count)
: >"$log"
sqlite3 -cmd '.timeout 5000' "$db" \
	"UPDATE moment_text_data SET block = x'0000000090000000' WHERE id = 10"
f=$(cd "$c" && find . -name '*.md' | sort | sed -n 1p)
sed -i '0,/^title:.*/s//title: Structurebroke Episode/' "$c/$f"
expect_eq "structure: an edit after the damage is found" \
	"$(sync_search structurebroke | jq .total)" 1
check "structure: the batch met it" grep -q "damaged: write the index" "$log"
rebuilt "FTS5 structure while serving" "$before"

check "daemon exits cleanly" stop_daemon
finish

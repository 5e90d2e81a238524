# fault-long-reader.sh: a reader that holds a snapshot open (the sqlite3
# shell inside BEGIN, as a backup or a curious user might) does not stop
# indexing: batches still commit and searches see them. The write-ahead
# log grows meanwhile (no checkpoint can pass that reader), and once the
# reader ends it comes back under the limit (4 MiB) with no further change.
. "$(dirname "$0")/lib.sh"

c=$work/content
cp -r "$EPSEARCH_CORPUS/rawkode-2025-11" "$c"
mapfile -t all < <(cd "$c" && find . -name '*.md' | sed 's|^\./||' | sort)
wal_kib() {
	echo $(($(stat -c %s "$db-wal" 2>/dev/null || echo 0) / 1024))
}
limit_kib=4096

start_daemon "$c"
wait_ready
echo "WAL after the first scan: $(wal_kib) KiB"

mkfifo "$work/reader"
sqlite3 "$db" <"$work/reader" >"$work/reader.out" &
reader=$!
exec 3>"$work/reader"
echo "BEGIN; SELECT count(*) FROM moments;" >&3
sizes=
for round in 1 2 3 4; do
	for f in "${all[@]}"; do
		retitle "$c/$f" "Heldround$round Episode"
	done
	expect_eq "round $round: batch committed under the reader" \
		"$(sync_search "heldround$round" | jq .total)" 309
	sizes="$sizes $(wal_kib)"
done
echo "WAL during the reader, after each round (KiB):$sizes"
check "the WAL grew while the reader held it" \
	test "$(wal_kib)" -gt $limit_kib
echo "SELECT count(*) FROM moments; COMMIT;" >&3
exec 3>&-
wait $reader
check "the reader saw one snapshot" test "$(sort -u "$work/reader.out" | wc -l)" = 1

t0=$(date +%s)
while [ "$(wal_kib)" -gt $limit_kib ] && [ $(($(date +%s) - t0)) -lt 20 ]; do
	sleep 0.5
done
echo "WAL $(($(date +%s) - t0)) s after the reader ended: $(wal_kib) KiB"
check "the WAL came back under $limit_kib KiB" test "$(wal_kib)" -le $limit_kib
same_as_fresh_scan "after the reader" "$c"
check "daemon exits cleanly" stop_daemon
finish

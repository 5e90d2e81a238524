# load-search-while-switching.sh: 32 clients search without pause (a fixed
# list of queries) for 20 s while git switches the tree between two
# branches every 1.5 s. Every answer must be HTTP 200 with valid JSON;
# after the switches stop, sync=1 searches must find exactly each branch's
# marker episodes; and the daemon's memory (VmRSS, sampled every second)
# must stay flat: at most 50% above the sample at 5 s, once the index,
# SQLite's page caches and the connection pools are warm. A leak of a few
# hundred bytes per request (tens of thousands of requests) or per batch
# would pass that bound; the sanitizer build's LeakSanitizer is the finer
# net for those. This catches growth without bound under load.
. "$(dirname "$0")/lib.sh"

clients=32 seconds=20
c=$work/content
cp -r "$EPSEARCH_CORPUS/rawkode-2025-11" "$c"
g() {
	git -C "$c" -c user.name=epsearch-test -c user.email=test@invalid \
		-c commit.gpgsign=false -c core.hooksPath=/dev/null "$@"
}
mapfile -t all < <(cd "$c" && find . -name '*.md' | sed 's|^\./||' | sort)
# Branch A: 60 titles "Loadalpha"; branch B: those "Loadbravo", 20 other
# files deleted and 20 "Loadbravo" files added.
for ((i = 0; i < 60; i++)); do retitle "$c/${all[i]}" "Loadalpha Episode $i"; done
g init -q -b branch-a
g add -A
g commit -q -m "branch A"
g checkout -q -b branch-b
for ((i = 0; i < 60; i++)); do retitle "$c/${all[i]}" "Loadbravo Episode $i"; done
for ((i = 100; i < 120; i++)); do g rm -q "${all[i]}"; done
for ((i = 0; i < 20; i++)); do
	printf -- '---\ntitle: Loadbravo Added %d\n---\n' "$i" >"$c/loadbravo-$i.md"
done
g add -A
g commit -q -m "branch B"
g checkout -q branch-a
# expected BRANCH MARKER: the sorted paths that branch gives the marker.
expected() {
	g ls-tree -r --name-only "$1" | while read -r f; do
		if g show "$1:$f" | grep -i "^title: $2" >/dev/null; then
			echo "$f"
		fi
	done | sort | tr '\n' ' '
}
want_a_alpha=$(expected branch-a loadalpha)
want_b_bravo=$(expected branch-b loadbravo)

start_daemon "$c"
wait_ready

queries=(cache+mount kubernetes loadalpha loadbravo rust+wasm "\"service+mesh\""
	cilium talos helm+chart kube%2A observability ebpf "Q%26A" platform+engineering)
mkdir "$work/load"
client() {
	local n=$1 i=0 q
	while [ ! -e "$work/load/stop" ]; do
		q=${queries[(n + i) % ${#queries[@]}]}
		curl -sS --max-time 30 --unix-socket "$sock" \
			-w '%{stderr}%{http_code}\n' \
			"http://localhost/search?q=$q&limit=5" \
			>>"$work/load/body.$n" 2>>"$work/load/code.$n"
		echo >>"$work/load/body.$n"
		i=$((i + 1))
	done
}
for ((n = 0; n < clients; n++)); do client $n & done
rss=()
branch=branch-a switches=0
t0=$(date +%s)
next_switch=0
for ((s = 0; s < seconds; s++)); do
	rss+=("$(awk '/^VmRSS/ { print $2 }' /proc/$daemon_pid/status)")
	for half in 0 1; do
		if [ $branch = branch-a ]; then branch=branch-b; else branch=branch-a; fi
		g checkout -q "$branch"
		switches=$((switches + 1))
		sleep 0.5
	done
	while (($(date +%s) - t0 < s + 1)); do sleep 0.1; done
done
touch "$work/load/stop"
wait $(jobs -p | grep -v "^$daemon_pid$") 2>/dev/null || true
rss+=("$(awk '/^VmRSS/ { print $2 }' /proc/$daemon_pid/status)")

requests=$(cat "$work"/load/code.* | wc -l)
echo "$requests requests from $clients clients in $seconds s;" \
	"$switches branch switches"
# Any other answer is shown, with its body, to say what went wrong.
{ grep -hv '^200$' "$work"/load/code.* || true; } | sort | uniq -c |
	sed 's/^/not 200: /'
cat "$work"/load/body.* | jq -c 'select(has("hits") | not)' 2>&1 | head -5 ||
	true
expect_eq "every answer HTTP 200" \
	"$(grep -vc '^200$' "$work"/load/code.* | awk -F: '{ s += $2 } END { print s }')" 0
expect_eq "every answer valid JSON with hits" \
	"$(cat "$work"/load/body.* | jq -c 'has("hits") and has("total")' |
		grep -c true)" "$requests"

# After the switches: each branch's markers exactly.
paths_of() {
	sync_search "$1" | jq -r '[.hits[].path] | sort | join(" ")'
}
for b in branch-a branch-b; do
	g checkout -q "$b"
	if [ $b = branch-a ]; then
		expect_eq "$b: loadalpha" "$(paths_of loadalpha) " "$want_a_alpha"
		expect_eq "$b: loadbravo" "$(sync_search loadbravo | jq .total)" 0
	else
		expect_eq "$b: loadbravo" "$(paths_of loadbravo) " "$want_b_bravo"
		expect_eq "$b: loadalpha" "$(sync_search loadalpha | jq .total)" 0
	fi
done
same_as_fresh_scan "after the load" "$c"

echo "VmRSS each second (KiB): ${rss[*]}"
base=${rss[5]} peak=0
for ((s = 5; s < ${#rss[@]}; s++)); do
	((rss[s] > peak)) && peak=${rss[s]}
done
check "memory flat: peak $peak KiB <= 1.5 x $base KiB (the sample at 5 s)" \
	test "$peak" -le $((base * 3 / 2))
check "daemon exits cleanly" stop_daemon
finish

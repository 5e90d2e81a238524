# catalogue.sh: the whole real catalogue through the real daemon and
# client: counts in status, the timestamped answer the README promises,
# and a restart that reads nothing again.
. "$(dirname "$0")/lib.sh"

cp -r "$EPSEARCH_CORPUS/rawkode-2025-11" "$work/content"
start_daemon "$work/content"
wait_ready

status=$("$EPSEARCH" --socket "$sock" --status --json)
expect_eq episodes "$(jq .episodes <<<"$status")" 309
expect_eq chapters "$(jq .chapters <<<"$status")" 8971
expect_eq files "$(jq .files <<<"$status")" 309
expect_eq errors "$(jq '.errors | length' <<<"$status")" 0

out=$("$EPSEARCH" --socket "$sock" "cache mount")
first_hit=$(awk 'NF == 0 { exit } { print }' <<<"$out")
check "first hit is the BuildKit episode" \
	grep -q '^Hands-on with BuildKit & buildx · rawkode-live · 2021-08-25$' \
	<<<"$first_hit"
check "27:00 chapter in the first hit" \
	grep -q '^  *27:00  Build caching with mounts$' <<<"$first_hit"
check "backticks dropped" \
	grep -q -- '--mount=type=cache)$' <<<"$first_hit"

json=$(search "cache mount")
expect_eq "hit slug" "$(jq -r '.hits[0].slug' <<<"$json")" \
	hands-on-with-buildkit-and-buildx
expect_eq "moment fields" "$(jq -c '.hits[0].moments[:3][]
	| select(.start == 1620) | [.start, .end, .timestamp, .kind, .text]' \
	<<<"$json")" \
	'[1620,1687,"27:00","chapter","Build caching with mounts"]'
expect_eq "hit path" "$(jq -r '.hits[0].path' <<<"$json")" \
	shows/rawkode-live/2021/hands-on-with-buildkit-and-buildx.md

# An hour and more prints as H:MM:SS.
expect_eq "H:MM:SS" "$(search 'Bake with HCL' | jq -r '
	.hits[] | select(.slug == "hands-on-with-buildkit-and-buildx")
	| .moments[] | select(.start == 3840) | .timestamp' | head -1)" \
	1:04:00

# A restart with nothing changed parses nothing.
stop_daemon
start_daemon "$work/content"
wait_ready
check "restart reads nothing again" \
	grep -q 'scanned 309 files in [0-9]* ms: 0 indexed, 309 unchanged' "$log"

# A file gone while the daemon was down is dropped at start.
stop_daemon
rm "$work/content/shows/rawkode-live/2021/hands-on-with-buildkit-and-buildx.md"
start_daemon "$work/content"
wait_ready
expect_eq "vanished file dropped" \
	"$("$EPSEARCH" --socket "$sock" --status --json | jq .episodes)" 308
expect_eq "and no longer found" "$(search 'cache mount' |
	jq '[.hits[] | select(.slug == "hands-on-with-buildkit-and-buildx")]
	| length')" 0

finish

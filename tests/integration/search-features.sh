# search-features.sh: what a searcher sees through the HTTP API and the
# client on the real catalogue: highlights, snippets, filters, paging,
# as-you-type prefixes, folding of near-duplicate moments, suggestions,
# loose matching when nothing has every word, and Unicode forms.
. "$(dirname "$0")/lib.sh"

cp -r "$EPSEARCH_CORPUS/rawkode-2025-11" "$work/content"
start_daemon "$work/content"
wait_ready

# q_json WORDS [PARAMS...]: the answer, with extra name=value parameters.
q_json() {
	local words=$1 p args=()
	shift
	for p in "$@"; do args+=(--data-urlencode "$p"); done
	api /search -G --data-urlencode "q=$words" "${args[@]}"
}

# Highlights: matched words in <mark>, the rest HTML-escaped.
json=$(q_json "cache mount" limit=1)
expect_eq "highlight of the 27:00 chapter" "$(jq -r '.hits[0].moments[]
	| select(.start == 1620) | .highlight' <<<"$json")" \
	'Build <mark>caching</mark> with <mark>mounts</mark>'
expect_eq "text stays plain" "$(jq -r '.hits[0].moments[]
	| select(.start == 1620) | .text' <<<"$json")" \
	'Build caching with mounts'
json=$(q_json "Q&A dockerignore" limit=1)
expect_eq "escaped around the marks" "$(jq -r '.hits[0].moments[0].highlight' \
	<<<"$json")" '<mark>Q&amp;A</mark>: <mark>Dockerignore</mark> with BuildKit'
check "episode snippet marks its words" \
	grep -q '<mark>Tõnis</mark> <mark>Tiigi</mark>' \
	<<<"$(q_json "tonis tiigi" limit=1 | jq -r '.hits[0].snippet')"

# Near-duplicates: 24:00 "Troubleshooting eBPF" and 24:01 "... Programs"
# are one moment; the chapter and the timeline line at 24:00 too.
json=$(q_json "troubleshooting ebpf" limit=1)
expect_eq "near-duplicate moments fold" "$(jq -c '[.hits[0].moments[]
	| select(.start != null and .start >= 1435 and .start <= 1450)
	| .start] | length' <<<"$json")" 1

# A moment that holds every word beats one that holds some ("Bake with
# HCL" has only bake in its own words, docker and buildx in its title).
expect_eq "all words first" "$(q_json "docker buildx bake" limit=1 |
	jq -r '.hits[0].moments[0].text')" \
	'Docker Buildx Bake (Declarative Builds)'

# Filters, as words and as parameters; total counts what is filtered.
klustered=$(find "$work/content/shows/klustered" -name '*.md' | wc -l)
expect_eq "show: alone lists the show" \
	"$(q_json "show:klustered" | jq .total)" "$klustered"
expect_eq "show= parameter alike" \
	"$(q_json "" show=klustered | jq .total)" "$klustered"
expect_eq "filters narrow words" "$(q_json "kubernetes show:klustered" |
	jq '[.hits[].show] | unique')" '[
  "klustered"
]'
expect_eq "before: is before" "$(q_json "kubernetes before:2021" limit=100 |
	jq '[.hits[].published | select(. >= "2021")] | length')" 0
expect_eq "after: is on or after" "$(q_json "kubernetes after:2024-06" \
	limit=100 | jq '[.hits[].published | select(. < "2024-06-01")] |
	length')" 0
expect_eq "tech: filter" "$(q_json "tech:buildkit" | jq -r '.hits[0].slug')" \
	hands-on-with-buildkit-and-buildx
expect_eq "an empty filter parameter is no filter" \
	"$(q_json docker show= tech= guest= after= before= | jq .total)" \
	"$(q_json docker | jq .total)"
expect_eq "unknown prefix is text" "$(q_json "colour:red" | jq .total)" \
	"$(q_json '"colour red"' | jq .total)"
expect_eq "a bad date is refused, named" \
	"$(q_json "x after:soon" | jq -r .error)" \
	'after: expected YYYY, YYYY-MM or YYYY-MM-DD, got "soon"'

# Paging: offset walks the same ranking.
all=$(q_json kubernetes limit=6 | jq -c '[.hits[].slug]')
page=$(q_json kubernetes limit=3 offset=3 | jq -c '[.hits[].slug]')
expect_eq "offset pages" "$page" "$(jq -c '.[3:]' <<<"$all")"

# As-you-type: the last word is a prefix.
expect_eq "prefix=1" "$(q_json "cache mo" prefix=1 limit=1 |
	jq -r '.hits[0].slug')" hands-on-with-buildkit-and-buildx
expect_eq "without prefix=1, mo is a word" \
	"$(q_json "cache mou" limit=1 | jq -r '.relaxed // "exact"')" \
	"word beginnings"

# Suggestions from the index's own words.
json=$(q_json "litestram")
check "did you mean litestream" \
	jq -e '.suggestions | index("litestream")' <<<"$json"
expect_eq "kubernets still finds kubernetes" \
	"$(q_json kubernets | jq '.total > 0')" true
out=$("$EPSEARCH" --socket "$sock" -- "zzqqxx vvbbnn" || true)
check "the client says nothing matched" grep -q '^No episodes match' <<<"$out"
out=$("$EPSEARCH" --socket "$sock" litestram || true)
check "the client offers suggestions" grep -q '"litestream"' <<<"$out"

# Loose matching when no moment has every word.
json=$(q_json "canary deployments" limit=3)
expect_eq "close spellings" "$(jq -r .relaxed <<<"$json")" "close spellings"
check "finds the linkerd canary chapter" jq -e \
	'[.hits[] | select(.slug == "introduction-to-linkerd")] | length > 0' \
	<<<"$json"

# Unicode: NFC and NFD, and case beyond ASCII, find each other.
nfd=$(printf 'To\xcc\x83nis')
expect_eq "NFD query" "$(q_json "$nfd" limit=1 | jq -r '.hits[0].slug')" \
	hands-on-with-buildkit-and-buildx
expect_eq "upper case beyond ASCII" "$(q_json "TÕNIS" limit=1 |
	jq -r '.hits[0].slug')" hands-on-with-buildkit-and-buildx

# The client: bold only on a terminal and without NO_COLOR.
out=$("$EPSEARCH" --socket "$sock" cache mount)
check "no escapes when piped" bash -c '! grep -q $'"'"'\e'"'"' <<<"$1"' _ "$out"
if command -v script >/dev/null; then
	tty_out=$(script -qc "'$EPSEARCH' --socket '$sock' cache mount" /dev/null)
	check "bold on a terminal" grep -q $'\e\[1mcaching\e\[22m' <<<"$tty_out"
	tty_out=$(NO_COLOR=1 script -qc "'$EPSEARCH' --socket '$sock' cache mount" \
		/dev/null)
	check "plain with NO_COLOR" bash -c '! grep -q $'"'"'\e'"'"' <<<"$1"' _ \
		"$tty_out"
fi

finish

#!/usr/bin/env bash
# run.sh: runs the libFuzzer targets of a fuzz build (EPSEARCH_FUZZ) for a
# bounded time, all at once, and fails when any of them finds a crash, a
# leak or a timeout, naming the input that reproduces it.
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS CORPUS_DIR [TARGET...]
#
# Seeds: tests/fuzz/seeds/TARGET, the regressions, and, built at run time
# in a scratch directory, the episode files of $EPSEARCH_CORPUS (default
# ../shared/corpus) and the judged queries of its queries.tsv and of
# tests/relevance/queries.tsv. CORPUS_DIR/TARGET keeps what the fuzzer
# learns (a scratch one for a one-off run). Findings go to
# BUILD_DIR/fuzz-findings/TARGET/.
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
seconds=$2
corpus=$3
shift 3
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(frontmatter query http)
shared=${EPSEARCH_CORPUS:-$source_dir/../shared/corpus}
fuzz=$source_dir/tests/fuzz
seeds=$(mktemp -d "${TMPDIR:-/tmp}/epsearch-fuzz-seeds.XXXXXX")
trap 'rm -rf "$seeds"' EXIT

# The query column of a judged-queries file, one query a line.
judged_queries() {
	[ -f "$1" ] && grep -v '^#' "$1" | cut -f1 | grep -v '^$' || true
}

# seed_files DIR: the shared episode files and the examples, by copy.
seed_episodes() {
	local n=0 f
	mkdir -p "$1"
	while IFS= read -r -d '' f; do
		n=$((n + 1))
		cp "$f" "$1/episode-$n.md"
	done < <(find "$shared" "$source_dir/examples/videos" -name '*.md' \
		-type f -print0 2>/dev/null)
}

# seed_queries DIR FORMAT: each judged query as one file, through the
# printf FORMAT (%s: the query, URL-encoded for the http target).
seed_queries() {
	local dir=$1 encode=$2 n=0 q
	mkdir -p "$dir"
	while IFS= read -r q; do
		n=$((n + 1))
		if [ "$encode" = url ]; then
			q=$(jq -rn --arg q "$q" '$q | @uri')
			printf 'GET /search?q=%s&limit=5' "$q" >"$dir/judged-$n"
		else
			printf '%s' "$q" >"$dir/judged-$n"
		fi
	done < <(judged_queries "$shared/queries.tsv"
		judged_queries "$source_dir/tests/relevance/queries.tsv")
}

seed_episodes "$seeds/frontmatter"
seed_queries "$seeds/query" plain
seed_queries "$seeds/http" url

# Per target: the flags that fit its inputs.
max_len() {
	case $1 in
	frontmatter) echo 65536 ;;
	query) echo 2048 ;;
	*) echo 4096 ;;
	esac
}

export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
pids=()
for t in "${targets[@]}"; do
	bin=$build/tests/fuzz/fuzz-$t
	findings=$build/fuzz-findings/$t
	mkdir -p "$corpus/$t" "$findings"
	dirs=("$corpus/$t" "$seeds/$t")
	for d in "$fuzz/seeds/$t" "$fuzz/regressions/$t"; do
		[ -d "$d" ] && dirs+=("$d")
	done
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-max_len="$(max_len "$t")" -print_final_stats=1 \
		-artifact_prefix="$findings/" "${dirs[@]}" \
		>"$findings/log" 2>&1 &
	pids+=($!)
done

failed=0
for i in "${!targets[@]}"; do
	t=${targets[$i]}
	findings=$build/fuzz-findings/$t
	if wait "${pids[$i]}"; then
		echo "fuzz-$t: $(grep -E '^stat::number_of_executed_units' \
			"$findings/log" | awk '{print $2}') runs," \
			"$(grep -cE '^#[0-9]+.*(NEW|REDUCE)' "$findings/log")" \
			"new inputs, no finding"
		continue
	fi
	failed=1
	echo "FAIL: fuzz-$t found a fault; the end of its log:" >&2
	grep -E -B2 -A30 'ERROR: |runtime error|contract broken|==ERROR' \
		"$findings/log" | head -60 >&2 || tail -40 "$findings/log" >&2
	for f in $(grep -oE "Test unit written to [^ ]+" "$findings/log" |
		awk '{print $NF}'); do
		echo "reproducer: $f" >&2
		echo "  replay: $build/tests/fuzz/fuzz-$t $f" >&2
		echo "  keep it: cp $f $fuzz/regressions/$t/" >&2
	done
done
exit $failed

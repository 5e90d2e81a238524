# judged-queries.sh: the real daemon on a scratch copy of the real
# catalogue answers every judged query, the shared ones
# (../shared/corpus/queries.tsv) and ours (tests/relevance/queries.tsv):
# the episode among the first 3 hits, the moment among that hit's first 3
# moments ("-": the episode itself). Prints the pass rate of each file.
. "$(dirname "$0")/lib.sh"

cp -r "$EPSEARCH_CORPUS/rawkode-2025-11" "$work/content"
start_daemon "$work/content"

# Asks the query; prints "ok" or why not.
judge() {
	local query=$1 slug=$2 start=$3
	search "$query" 3 | jq -r --arg slug "$slug" --arg start "$start" '
		[.hits[] | select(.slug == $slug)] as $hit
		| if ($hit | length) == 0 then
			"not in the first 3 hits: " + ([.hits[].slug] | join(", "))
		  else
			[$hit[0].moments[:3][]
			 | if .kind == "episode" then "-" else (.start | tostring) end]
			as $starts
			| if ($starts | index($start)) != null then "ok"
			  else "moment " + $start + " not among " + ($starts | join(", "))
			  end
		  end'
}

# judge_file FILE: judges every query of FILE; prints its pass rate.
judge_file() {
	local file=$1 query slug start verdict ok=0 all=0
	while IFS=$'\t' read -r query slug start; do
		case "$query" in '#'* | '') continue ;; esac
		verdict=$(judge "$query" "$slug" "$start")
		expect_eq "\"$query\"" "$verdict" ok
		all=$((all + 1))
		[ "$verdict" = ok ] && ok=$((ok + 1))
	done <"$file"
	echo "$(basename "$(dirname "$file")")/$(basename "$file"):" \
		"$ok of $all judged queries pass"
	[ "$all" -gt 0 ]
}

check "shared queries read" judge_file "$EPSEARCH_CORPUS/queries.tsv"
check "our queries read" judge_file "$EPSEARCH_SOURCE/tests/relevance/queries.tsv"

finish

# judged-queries.sh: the real daemon on a scratch copy of the real
# catalogue answers every judged query of queries.tsv: the episode among
# the first 3 hits, the moment among that hit's first 3 moments.
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
			 | if .start == null then "-" else (.start | tostring) end]
			as $starts
			| if ($starts | index($start)) != null then "ok"
			  else "moment " + $start + " not among " + ($starts | join(", "))
			  end
		  end'
}

while IFS=$'\t' read -r query slug start; do
	case "$query" in '#'* | '') continue ;; esac
	verdict=$(judge "$query" "$slug" "$start")
	expect_eq "\"$query\"" "$verdict" ok
done <"$EPSEARCH_CORPUS/queries.tsv"

finish

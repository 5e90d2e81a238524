# live-branch-switch.sh: `git checkout` between two branches of the real
# catalogue that differ in about 300 files (titles edited, files deleted,
# renamed and added), back and forth four times under the running daemon.
# After each switch a sync=1 search must see that branch exactly, the
# index must equal a fresh full scan, and the switch must have taken few
# batches: /status generation grows, but by far less than the number of
# files changed.
. "$(dirname "$0")/lib.sh"

c=$work/content
cp -r "$EPSEARCH_CORPUS/rawkode-2025-11" "$c"
g() {
	git -C "$c" -c user.name=epsearch-test -c user.email=test@invalid \
		-c commit.gpgsign=false -c core.hooksPath=/dev/null "$@"
}
g init -q -b branch-a
g add -A
g commit -q -m "branch A: the catalogue as it is"
g checkout -q -b branch-b

mapfile -t all < <(cd "$c" && find . -name '*.md' ! -path './.git/*' |
	sed 's|^\./||' | sort)
total=${#all[@]}
expect_eq "corpus files" "$total" 309

# Branch B: titles of 200 files edited, 40 deleted, 30 renamed (half into
# a new directory, half to a new name beside them), 30 added.
edited=200 deleted=40 renamed=30 added=30
for ((i = 0; i < edited; i++)); do
	retitle "$c/${all[i]}" "Branchbee Edited Episode $i"
done
for ((i = edited; i < edited + deleted; i++)); do
	g rm -q "${all[i]}"
done
mkdir -p "$c/shows/moved-on-b/2025"
renamed_from=() renamed_to=()
for ((i = edited + deleted; i < edited + deleted + renamed; i++)); do
	f=${all[i]}
	if ((i % 2)); then
		to=shows/moved-on-b/2025/$(basename "$f")
	else
		to=${f%.md}-renamed-on-b.md
	fi
	g mv "$f" "$to"
	renamed_from+=("$f") renamed_to+=("$to")
done
mkdir -p "$c/shows/added-on-b/2025"
for ((i = 0; i < added; i++)); do
	if ((i % 3)); then
		f=shows/added-on-b/2025/added-$i.md
	else
		f=shows/klustered/2022/added-on-b-$i.md
	fi
	printf -- '---\ntitle: Addedonb Episode %d\nduration: 900\nchapters:\n  - startTime: 0\n    title: Addedchapter intro %d\n---\n' \
		"$i" "$i" >"$c/$f"
done
g add -A
g commit -q -m "branch B: ~300 files changed"
changed=$((edited + deleted + renamed + added))
echo "branch B differs from A in $changed files" \
	"($(g diff --name-only branch-a branch-b | wc -l) paths)"
g checkout -q branch-a

start_daemon "$c"
wait_ready

# total WORDS: how many episodes a sync=1 search finds.
total() {
	sync_search "$1" | jq '.total'
}
# path_of WORDS: the path of the single hit of a sync=1 search.
path_of() {
	sync_search "$1" | jq -r '[.hits[].path] | join(" ")'
}

expect_eq "branch A at start: files" "$(status_field files)" "$total"

# A title from a file renamed on B, to find it by on both branches.
probe_from=${renamed_from[1]} probe_to=${renamed_to[1]}
probe_title=$(sed -n 's/^title: //p' "$c/$probe_from" | sed -n 1p |
	sed "s/^['\"]//; s/['\"]$//")
probe_slug=$(sqlite3 "$db" "SELECT e.slug FROM episodes e JOIN files f
	ON f.id = e.file_id WHERE f.path = '$probe_from'")
# A title deleted on B.
gone_from=${all[edited]}
gone_slug=$(sqlite3 "$db" "SELECT e.slug FROM episodes e JOIN files f
	ON f.id = e.file_id WHERE f.path = '$gone_from'")
echo "probes: renamed $probe_from -> $probe_to ('$probe_title');" \
	"deleted $gone_from ($gone_slug)"

# slug_paths WORDS SLUG: the paths of the hits with that slug.
slug_paths() {
	sync_search "$1" | jq -r --arg s "$2" \
		'[.hits[] | select(.slug == $s) | .path] | join(" ")'
}

gen=$(status_field generation)
for round in 1 2 3 4; do
	if ((round % 2)); then branch=branch-b; else branch=branch-a; fi
	t0=$(date +%s%N)
	g checkout -q "$branch"
	t1=$(date +%s%N)
	n_edit=$(total branchbee)
	t2=$(date +%s%N)
	now=$(status_field generation)
	batches=$((now - gen))
	echo "round $round: checkout $branch took $(((t1 - t0) / 1000000)) ms," \
		"caught up $(((t2 - t1) / 1000000)) ms later;" \
		"generation $gen -> $now ($batches batches for $changed files)"
	check "round $round: generation rose" test "$now" -gt "$gen"
	check "round $round: few batches ($batches < $((changed / 10)))" \
		test "$batches" -lt $((changed / 10))
	gen=$now
	if [ $branch = branch-b ]; then
		expect_eq "round $round ($branch): edited titles" "$n_edit" $edited
		expect_eq "round $round ($branch): added episodes" \
			"$(total addedonb)" $added
		expect_eq "round $round ($branch): added chapters" \
			"$(total addedchapter)" $added
		expect_eq "round $round ($branch): files" \
			"$(status_field files)" $((total - deleted + added))
		expect_eq "round $round ($branch): renamed file at its new path" \
			"$(slug_paths "$probe_title" "$probe_slug")" "$probe_to"
		expect_eq "round $round ($branch): deleted file gone" \
			"$(sqlite3 "$db" "SELECT count(*) FROM files
				WHERE path = '$gone_from'")" 0
	else
		expect_eq "round $round ($branch): edited titles" "$n_edit" 0
		expect_eq "round $round ($branch): added episodes" \
			"$(total addedonb)" 0
		expect_eq "round $round ($branch): files" \
			"$(status_field files)" "$total"
		expect_eq "round $round ($branch): renamed file at its old path" \
			"$(slug_paths "$probe_title" "$probe_slug")" "$probe_from"
		expect_eq "round $round ($branch): deleted file back" \
			"$(sqlite3 "$db" "SELECT count(*) FROM files
				WHERE path = '$gone_from'")" 1
	fi
	expect_eq "round $round ($branch): no errors" \
		"$(api /status | jq '.errors | length')" 0
	expect_eq "round $round ($branch): watched directories" \
		"$(status_field watched_directories)" \
		"$(find "$c" -type d ! -path '*/.*' | wc -l)"
	same_as_fresh_scan "round $round ($branch)" "$c"
done

# no_sanitizer_reports: the daemon's log holds no ASan/LSan/UBSan report
# (only a daemon built with -fsanitize writes any); shows them if it does.
no_sanitizer_reports() {
	local pattern='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:'
	grep -q -E "$pattern" "$log" || return 0
	grep -E -A12 "$pattern" "$log" >&2
	return 1
}
check "no errors logged" test "$(grep -c ': error: ' "$log" || true)" = 0
check "no sanitizer reports while running" no_sanitizer_reports
check "daemon exits cleanly" stop_daemon
check "no sanitizer reports at exit" no_sanitizer_reports
finish

# live-directories.sh: directories changed under the running daemon: made
# (one, and a deep mkdir -p with a file at once), renamed (and then a file
# in it edited, which must be found under the new path), moved in from
# outside with episodes and out again, and deleted with rm -rf. After each,
# a sync=1 search must see it, the index must equal a fresh full scan, and
# /status must count the directories really there.
. "$(dirname "$0")/lib.sh"

examples=$(cd "$(dirname "$0")/../../examples/videos" && pwd)
c=$work/content
outside=$work/outside
cp -r "$examples" "$c"
mkdir "$outside"
start_daemon "$c"
wait_ready

# watched_all NAME: /status watches exactly the tree's (non-hidden)
# directories; asked after a sync search, so every event is handled.
watched_all() {
	sync_search "" >/dev/null
	expect_eq "$1: watched directories" \
		"$(status_field watched_directories)" \
		"$(find "$c" -type d ! -path '*/.*' | wc -l)"
}

files0=$(status_field files)
watched_all "at start"

# --- New directories --------------------------------------------------
mkdir "$c/shows/new-show"
episode "Newdirtoken Pilot" >"$c/shows/new-show/pilot.md"
expect_eq "new directory: file in it found" "$(hits newdirtoken)" \
	"shows/new-show/pilot.md|Newdirtoken Pilot"
watched_all "new directory"
same_as_fresh_scan "new directory" "$c"

# mkdir -p and a file deep inside at once, several times over, so some
# rounds race the watches being added.
for i in 1 2 3 4 5; do
	mkdir -p "$c/shows/deep$i/a/b/c"
	episode "Deeptoken$i Bottom" >"$c/shows/deep$i/a/b/c/bottom.md"
done
episode "Deeptoken6 Later" >"$c/shows/deep1/a/b/c/later.md"
expect_eq "mkdir -p: files deep inside found" \
	"$(hits 'deeptoken*')" \
	"shows/deep1/a/b/c/bottom.md|Deeptoken1 Bottom
shows/deep1/a/b/c/later.md|Deeptoken6 Later
shows/deep2/a/b/c/bottom.md|Deeptoken2 Bottom
shows/deep3/a/b/c/bottom.md|Deeptoken3 Bottom
shows/deep4/a/b/c/bottom.md|Deeptoken4 Bottom
shows/deep5/a/b/c/bottom.md|Deeptoken5 Bottom"
watched_all "mkdir -p"
# A file written later in the deepest directory proves it is watched.
episode "Deeptoken7 After" >"$c/shows/deep5/a/b/c/after.md"
expect_eq "mkdir -p: later file in the deepest directory found" \
	"$(hits deeptoken7)" "shows/deep5/a/b/c/after.md|Deeptoken7 After"
same_as_fresh_scan "mkdir -p" "$c"

# --- Renamed directories ------------------------------------------------
mv "$c/shows/datastore-diaries" "$c/shows/database-diaries"
expect_eq "dir rename: episodes under the new path" \
	"$(sync_search 'parquet' | jq -r '.hits[].path' | sort)" \
	"shows/database-diaries/2025/compacting-time-series-in-parquet.md"
f=shows/database-diaries/2025/postgres-logical-decoding-for-humans.md
sed -i 's/^title: .*/title: Renamededit Logical Decoding/' "$c/$f"
expect_eq "dir rename: edit inside found under the new path" \
	"$(hits renamededit)" "$f|Renamededit Logical Decoding"
episode "Renamednew Episode" >"$c/shows/database-diaries/2024/new.md"
expect_eq "dir rename: new file in a subdirectory under the new path" \
	"$(hits renamednew)" \
	"shows/database-diaries/2024/new.md|Renamednew Episode"
expect_eq "dir rename: no path under the old name" \
	"$(sync_search '' 100 >/dev/null; sqlite3 "$db" \
		"SELECT count(*) FROM files WHERE path LIKE 'shows/datastore-diaries/%'")" 0
watched_all "dir rename"
same_as_fresh_scan "dir rename then edit" "$c"

# Renamed twice over in quick succession, then edited.
mv "$c/shows/database-diaries" "$c/shows/dd1"
mv "$c/shows/dd1" "$c/standalone/dd2"
sed -i 's/^title: .*/title: Twicerenamed Logical Decoding/' \
	"$c/standalone/dd2/2025/postgres-logical-decoding-for-humans.md"
expect_eq "renamed twice: edit found under the last path" \
	"$(hits twicerenamed)" \
	"standalone/dd2/2025/postgres-logical-decoding-for-humans.md|Twicerenamed Logical Decoding"
watched_all "renamed twice"
same_as_fresh_scan "renamed twice" "$c"

# --- Moved in and out -------------------------------------------------
mkdir -p "$outside/imported/2020" "$outside/imported/2021"
episode "Importedtoken One" >"$outside/imported/2020/one.md"
episode "Importedtoken Two" >"$outside/imported/2021/two.md"
mv "$outside/imported" "$c/shows/imported"
expect_eq "dir moved in: its episodes found" "$(hits importedtoken)" \
	"shows/imported/2020/one.md|Importedtoken One
shows/imported/2021/two.md|Importedtoken Two"
episode "Importedtoken Three" >"$c/shows/imported/2021/three.md"
expect_eq "dir moved in: a later file in it found" \
	"$(hits 'importedtoken three')" \
	"shows/imported/2021/three.md|Importedtoken Three"
watched_all "dir moved in"
same_as_fresh_scan "dir moved in" "$c"

mv "$c/shows/build-and-break" "$outside/build-and-break"
expect_eq "dir moved out: its episodes gone" \
	"$(sync_search 'flaky pipelines' | jq -r '.hits[].path' |
		grep -c build-and-break || true)" 0
watched_all "dir moved out"
same_as_fresh_scan "dir moved out" "$c"
# Edits behind it, now outside, change nothing.
episode "Outsideedit Nix" \
	>"$outside/build-and-break/2024/reproducible-images-with-nix.md"
expect_eq "dir moved out: edits outside not found" "$(hits outsideedit)" ""
same_as_fresh_scan "edit in a directory moved out" "$c"
# And moved back in: everything found again, with the edit.
mv "$outside/build-and-break" "$c/shows/build-and-break"
expect_eq "dir moved back in: the edit found" "$(hits outsideedit)" \
	"shows/build-and-break/2024/reproducible-images-with-nix.md|Outsideedit Nix"
watched_all "dir moved back in"
same_as_fresh_scan "dir moved back in" "$c"

# --- Deleted ------------------------------------------------------------
before=$(status_field files)
gone=$(find "$c/shows/imported" -name '*.md' | wc -l)
rm -rf "$c/shows/imported"
expect_eq "rm -rf: its episodes gone" "$(hits importedtoken)" ""
expect_eq "rm -rf: file count" "$(status_field files)" $((before - gone))
watched_all "rm -rf"
same_as_fresh_scan "rm -rf" "$c"
# A directory of the same name made again is watched afresh.
mkdir -p "$c/shows/imported/2022"
episode "Reborntoken Again" >"$c/shows/imported/2022/again.md"
expect_eq "rm -rf then remade: found" "$(hits reborntoken)" \
	"shows/imported/2022/again.md|Reborntoken Again"
watched_all "remade"
same_as_fresh_scan "rm -rf then remade" "$c"

# A directory replaced by a file of the same name and back.
rm -rf "$c/shows/deep2"
episode "Shapeshift File" >"$c/shows/deep2"
mkdir "$c/shows/deep3.md"
episode "Shapeshift Inside" >"$c/shows/deep3.md/inside.md"
expect_eq "dir named like an episode: its file found" "$(hits shapeshift)" \
	"shows/deep3.md/inside.md|Shapeshift Inside"
same_as_fresh_scan "directory replaced" "$c"

# A new directory is scanned when it appears, and with it any file a
# writer still has open (cp -r, tar, git checkout all do this). Such a file
# is read when its writer closes it, not before: no parse error may be
# reported for its first half-written bytes.
mkdir "$c/shows/being-copied"
exec 3>"$c/shows/being-copied/half.md"
printf -- '---\ntitle: Halfwritten Epis' >&3
sync_search "" >/dev/null
expect_eq "half-written file in a new directory: no error while open" \
	"$(api /status | jq -c '[.errors[].path]')" '[]'
expect_eq "half-written file in a new directory: nothing logged" \
	"$(grep -c 'warning: shows/being-copied/half.md' "$log" || true)" 0
printf 'ode\nduration: 60\n---\n' >&3
exec 3>&-
expect_eq "half-written file: found once closed" "$(hits halfwritten)" \
	"shows/being-copied/half.md|Halfwritten Episode"
expect_eq "half-written file: no error once closed" \
	"$(api /status | jq '.errors | length')" 0
same_as_fresh_scan "half-written file in a new directory" "$c"

check "no errors logged" test "$(grep -c ': error: ' "$log" || true)" = 0
check "daemon exits cleanly" stop_daemon
finish

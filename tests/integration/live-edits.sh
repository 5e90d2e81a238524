# live-edits.sh: files changed under the running daemon, the ways editors
# and shells change them: written in place, saved atomically, vim's and
# JetBrains' save sequences, deleted, created, renamed, moved in and out,
# and a path that vanishes between its event and its read. After each,
# a sync=1 search must see the change and the index must equal a fresh
# full scan.
. "$(dirname "$0")/lib.sh"

examples=$(cd "$(dirname "$0")/../../examples/videos" && pwd)
c=$work/content
outside=$work/outside
cp -r "$examples" "$c"
mkdir "$outside"
start_daemon "$c"
wait_ready

# episode TITLE [CHAPTER]: a small valid episode file on stdout.
episode() {
	printf -- '---\ntitle: %s\ndescription: An episode written by a test.\n' "$1"
	printf 'duration: 600\nchapters:\n  - startTime: 0\n    title: %s\n' \
		"${2:-Intro}"
	printf '  - startTime: 120\n    title: Second part\n---\n\nNotes.\n'
}

files0=$(status_field files)
expect_eq "files at start" "$files0" 8

# --- Written in place -------------------------------------------------
f=standalone/2025/cold-starts-at-the-edge.md
sed -i 's/^title: Cold Starts at the Edge$/title: Quetzalsed Cold Starts/' "$c/$f"
expect_eq "sed -i: new title found" "$(hits quetzalsed)" \
	"$f|Quetzalsed Cold Starts"
expect_eq "sed -i: old title gone" \
	"$(sync_search 'cold starts at the edge' | jq -r '.hits[].title' |
		grep -c '^Cold Starts at the Edge$' || true)" 0
same_as_fresh_scan "sed -i" "$c"

episode "Catwrite Truncated Title" "Pangolin chapter" >"$c/$f"
expect_eq "cat >: new title found" "$(hits catwrite)" \
	"$f|Catwrite Truncated Title"
expect_eq "cat >: new chapter found" "$(hits pangolin)" \
	"$f|Catwrite Truncated Title"
expect_eq "cat >: sed's title gone" "$(hits quetzalsed)" ""
same_as_fresh_scan "cat >" "$c"

# --- Editors' saves ---------------------------------------------------
# Atomic save: a temporary file, renamed over the original.
f=shows/build-and-break/2024/reproducible-images-with-nix.md
episode "Atomicrename Nix Images" >"$c/$f.tmp.4711"
mv "$c/$f.tmp.4711" "$c/$f"
expect_eq "atomic save: new title found" "$(hits atomicrename)" \
	"$f|Atomicrename Nix Images"
expect_eq "atomic save: old title gone" \
	"$(hits 'reproducible images nix' | grep -c '|Reproducible' || true)" 0
expect_eq "atomic save: no temporary indexed" \
	"$(sync_search atomicrename | jq '.total')" 1
same_as_fresh_scan "atomic save" "$c"

# vim with backupcopy=no: probe 4913, original renamed to file~, the new
# file written under the name, the backup deleted.
d=$c/shows/build-and-break/2024
f=shows/build-and-break/2024/faster-container-builds-with-cache-mounts.md
: >"$d/4913"
rm "$d/4913"
mv "$c/$f" "$c/$f~"
episode "Vimbackup Cache Mounts" >"$c/$f"
rm "$c/$f~"
expect_eq "vim save: new title found" "$(hits vimbackup)" \
	"$f|Vimbackup Cache Mounts"
expect_eq "vim save: file count unchanged" "$(status_field files)" "$files0"
same_as_fresh_scan "vim save" "$c"

# JetBrains' safe write: the new text to a ___jb_tmp___ file, the
# original renamed away to ___jb_old___, the new one renamed in, the old
# one deleted.
f=shows/build-and-break/2025/taming-flaky-ci-pipelines.md
episode "Jetbrainsafe Flaky Pipelines" >"$c/${f}___jb_tmp___"
mv "$c/$f" "$c/${f}___jb_old___"
mv "$c/${f}___jb_tmp___" "$c/$f"
rm "$c/${f}___jb_old___"
expect_eq "rename-away save: new title found" "$(hits jetbrainsafe)" \
	"$f|Jetbrainsafe Flaky Pipelines"
expect_eq "rename-away save: file count unchanged" "$(status_field files)" \
	"$files0"
same_as_fresh_scan "rename-away save" "$c"

# The same with a sync search between the halves: the episode is gone
# while the original is away, and back after.
mv "$c/$f" "$c/$f.orig"
expect_eq "renamed away: not found meanwhile" "$(hits jetbrainsafe)" ""
episode "Jetbrainsecond Flaky Pipelines" >"$c/$f.new"
mv "$c/$f.new" "$c/$f"
rm "$c/$f.orig"
expect_eq "renamed back in: found" "$(hits jetbrainsecond)" \
	"$f|Jetbrainsecond Flaky Pipelines"
same_as_fresh_scan "rename away, then in" "$c"

# --- Delete, create, rename ---------------------------------------------
f=shows/datastore-diaries/2024/sqlite-replication-with-wal-shipping.md
rm "$c/$f"
expect_eq "delete: not found" \
	"$(sync_search 'wal shipping' | jq -r --arg p "$f" \
		'[.hits[] | select(.path == $p)] | length')" 0
expect_eq "delete: file count" "$(status_field files)" $((files0 - 1))
same_as_fresh_scan "delete" "$c"

f=shows/datastore-diaries/2024/brand-new-episode.md
episode "Freshcreate Brand New" "Axolotl chapter" >"$c/$f"
expect_eq "create: found" "$(hits freshcreate)" "$f|Freshcreate Brand New"
expect_eq "create: chapter found" "$(hits axolotl)" "$f|Freshcreate Brand New"
expect_eq "create: file count" "$(status_field files)" "$files0"
same_as_fresh_scan "create" "$c"

g=standalone/2023/renamed-episode.md
mv "$c/$f" "$c/$g"
expect_eq "rename: found under the new path" "$(hits freshcreate)" \
	"$g|Freshcreate Brand New"
expect_eq "rename: file count" "$(status_field files)" "$files0"
same_as_fresh_scan "rename within the tree" "$c"

episode "Immigrant From Outside" >"$outside/immigrant.md"
mv "$outside/immigrant.md" "$c/standalone/2025/immigrant.md"
expect_eq "moved in: found" "$(hits immigrant)" \
	"standalone/2025/immigrant.md|Immigrant From Outside"
expect_eq "moved in: file count" "$(status_field files)" $((files0 + 1))
same_as_fresh_scan "moved in from outside" "$c"

mv "$c/$g" "$outside/"
expect_eq "moved out: not found" "$(hits freshcreate)" ""
expect_eq "moved out: file count" "$(status_field files)" "$files0"
same_as_fresh_scan "moved out of the tree" "$c"

# --- A path that vanishes between event and read ------------------------
# Each round makes a whole episode appear at once (moved in, or a second
# hard link) and removes it at once, so whenever the daemon looks the path
# is there whole or gone: nothing may be logged about it.
episode "Ephemeral Flicker Episode" >"$outside/ephemeral.md"
for i in $(seq 300); do
	cp "$outside/ephemeral.md" "$outside/flicker.md"
	mv "$outside/flicker.md" "$c/standalone/2025/flicker.md"
	rm "$c/standalone/2025/flicker.md"
	ln "$outside/ephemeral.md" "$c/standalone/2025/flicker-link.md"
	rm "$c/standalone/2025/flicker-link.md"
done
expect_eq "vanishing: nothing left found" "$(hits flicker)" ""
check "vanishing: daemon alive" kill -0 "$daemon_pid"
expect_eq "vanishing: file count" "$(status_field files)" "$files0"
expect_eq "vanishing: no errors in status" \
	"$(api /status | jq '.errors | length')" 0
expect_eq "vanishing: nothing logged about it" \
	"$(grep -E 'error|warning' "$log" | grep -c flicker || true)" 0
same_as_fresh_scan "vanishing path" "$c"

# The shell's way: written (created empty, then filled) and removed at
# once, many times. The daemon may catch a round half written, but it
# must not log an error, crash, or keep anything.
for i in $(seq 300); do
	episode "Ephemeral Shellwrite Episode" >"$c/standalone/2025/shellwrite.md"
	rm "$c/standalone/2025/shellwrite.md"
done
expect_eq "write+rm loop: nothing left found" "$(hits shellwrite)" ""
check "write+rm loop: daemon alive" kill -0 "$daemon_pid"
expect_eq "write+rm loop: no errors in status" \
	"$(api /status | jq '.errors | length')" 0
expect_eq "write+rm loop: no error logged" \
	"$(grep ': error: ' "$log" | grep -c shellwrite || true)" 0
echo "write+rm loop: $(grep -c 'warning: .*shellwrite' "$log" || true)" \
	"warnings about half-written rounds (informational)"
same_as_fresh_scan "write+rm loop" "$c"

check "no errors logged" test "$(grep -c ': error: ' "$log" || true)" = 0
check "daemon exits cleanly" stop_daemon
finish

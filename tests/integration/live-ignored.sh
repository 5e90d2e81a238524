# live-ignored.sh: names the daemon must not index while it runs (hidden
# files, editor backups, swap and probe files, JetBrains temporaries,
# other extensions, Emacs lock links), symlinks it must not follow out of
# the tree, and symlink loops that must not hang it. Each holds a whole
# valid episode, so only the name keeps it out.
. "$(dirname "$0")/lib.sh"

examples=$(cd "$(dirname "$0")/../../examples/videos" && pwd)
c=$work/content
outside=$work/outside
cp -r "$examples" "$c"
mkdir -p "$outside/episodes"
start_daemon "$c"
wait_ready

files0=$(status_field files)
d=$c/standalone/2025

# ignored NAME DESCRIPTION: creates NAME (relative to $d) holding an
# episode titled "Ignoredtoken DESCRIPTION", plus a control episode in
# the same batch, then checks the control is found and NAME is not.
n=0
ignored() {
	local name=$1 what=$2
	n=$((n + 1))
	episode "Ignoredtoken $what" >"$d/$name"
	episode "Controltoken$n $what" >"$d/control-$n.md"
	expect_eq "$what: the control beside it is found" \
		"$(hits "controltoken$n")" \
		"standalone/2025/control-$n.md|Controltoken$n $what"
	expect_eq "$what: not indexed" "$(hits ignoredtoken)" ""
}

ignored .hidden.md "dotfile"
ignored x.md~ "backup x.md~"
ignored .x.md.swp "vim swap file"
ignored 4913 "vim probe file 4913"
ignored 'x.md___jb_tmp___' "JetBrains ___jb_tmp___"
ignored 'x.md___jb_old___' "JetBrains ___jb_old___"
ignored notes.txt "a .txt file"
ignored x.markdown "a .markdown file"
ignored .md "the bare name .md"
mkdir "$d/.hidden-dir"
ignored .hidden-dir/inside.md "a file in a hidden directory"
expect_eq "file count: only the controls" "$(status_field files)" \
	$((files0 + n))
same_as_fresh_scan "ignored names" "$c"

# Emacs' lock: a dangling symlink named .#x.md.
ln -s user@host.12345:1700000000 "$d/.#x.md"
episode "Controltokenlock lock link" >"$d/control-lock.md"
expect_eq "lock link: control found" "$(hits controltokenlock)" \
	"standalone/2025/control-lock.md|Controltokenlock lock link"
expect_eq "lock link: nothing else indexed" "$(status_field files)" \
	$((files0 + n + 1))
expect_eq "lock link: no errors" "$(api /status | jq '.errors | length')" 0
same_as_fresh_scan "lock link" "$c"

# A symlink to a directory outside the tree is not followed: not when it
# appears, not when files appear behind it.
episode "Outsidetoken Before Link" >"$outside/episodes/before.md"
ln -s "$outside/episodes" "$c/standalone/external"
ln -s "$outside/episodes" "$c/standalone/external.md"
ln -s "$outside/episodes/before.md" "$d/external-file.md"
episode "Controltokenext outside link" >"$d/control-ext.md"
expect_eq "outside link: control found" "$(hits controltokenext)" \
	"standalone/2025/control-ext.md|Controltokenext outside link"
episode "Outsidetoken After Link" >"$outside/episodes/after.md"
episode "Outsidetoken Through Link" >"$c/standalone/external/through.md"
expect_eq "outside link: nothing behind it found" "$(hits outsidetoken)" ""
expect_eq "outside link: watched directories unchanged" \
	"$(status_field watched_directories)" \
	"$(find "$c" -type d ! -path '*/.*' | wc -l)"
same_as_fresh_scan "symlink out of the tree" "$c"

# Symlink loops: file links that point at each other or themselves, a
# directory link to its own parent, and a two-directory cycle. Searches
# and status must still answer (curl gives up after 30 s), and nothing
# behind a loop is indexed twice.
ln -s loop-b.md "$d/loop-a.md"
ln -s loop-a.md "$d/loop-b.md"
ln -s self.md "$d/self.md"
ln -s .. "$d/up"
mkdir "$c/standalone/cyc1" "$c/standalone/cyc2"
ln -s ../cyc2 "$c/standalone/cyc1/to2"
ln -s ../cyc1 "$c/standalone/cyc2/to1"
episode "Looptoken Inside Cycle" >"$c/standalone/cyc1/real.md"
expect_eq "loops: the real file found once" "$(hits looptoken)" \
	"standalone/cyc1/real.md|Looptoken Inside Cycle"
expect_eq "loops: status answers" "$(status_field files)" \
	$((files0 + n + 3))
check "loops: daemon alive" kill -0 "$daemon_pid"
same_as_fresh_scan "symlink loops" "$c"

# A full rescan over all of it (what a restart does) also ends.
stop_daemon
start_daemon "$c"
wait_ready
expect_eq "restart over loops: file count" "$(status_field files)" \
	$((files0 + n + 3))
same_as_fresh_scan "restart over loops" "$c"

# Symbolic links are never followed, not even to an episode inside the
# tree: the target is indexed under its own name once, and an edit of it
# cannot leave a stale copy behind under the link's name.
episode "Aliastarget First Version" >"$d/alias-target.md"
ln -s alias-target.md "$d/alias.md"
expect_eq "in-tree link: indexed once, under the target's name" \
	"$(hits aliastarget)" \
	"standalone/2025/alias-target.md|Aliastarget First Version"
episode "Aliastarget Second Edition" >"$d/alias-target.md"
expect_eq "in-tree link: the edit of the target is found" \
	"$(hits 'aliastarget second')" \
	"standalone/2025/alias-target.md|Aliastarget Second Edition"
same_as_fresh_scan "in-tree link after its target changed" "$c"

check "no errors logged" test "$(grep -c ': error: ' "$log" || true)" = 0
check "daemon exits cleanly" stop_daemon
finish

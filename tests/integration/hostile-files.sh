# hostile-files.sh: episode files no editor should write, met by the real
# daemon at its first scan and again live. Each is indexed, or refused
# with one error in /status naming its path, line and field; the daemon
# lives on, the good files stay searchable, and a good file later spoilt
# keeps its last good version. CRLF text is indexed exactly like LF.
. "$(dirname "$0")/lib.sh"

examples=$(cd "$(dirname "$0")/../../examples/videos" && pwd)
c=$work/content
h=$c/hostile
cp -r "$examples" "$c"
mkdir "$h"

# episode TITLE: a small valid episode file on stdout.
episode() {
	printf -- '---\ntitle: %s\ndescription: Written by a test.\n' "$1"
	printf 'duration: 600\nchapters:\n  - startTime: 0\n    title: Intro\n---\n'
}

# chapter_at VALUE: an episode whose one chapter starts at VALUE.
chapter_at() {
	printf -- '---\ntitle: Chapterstart %s\nchapters:\n' "$1"
	printf '  - startTime: %s\n    title: Timed chapter\n---\n' "$1"
}

# --- The files, made before the daemon starts -----------------------------
printf -- '---\ntitle: Caf\xe9 in Latin-1\n---\n' >"$h/latin1.md"
printf -- '---\ntitle: Fine\ndescription: broken \xc3( text\n---\n' \
	>"$h/bad-utf8.md"
printf -- '---\ntitle: Nul\0byte\n---\n' >"$h/nul.md"
printf -- '\xef\xbb\xbf---\ntitle: Bomzebra Title\n---\n' >"$h/bom.md"
printf -- '---\ntitle: Tabbed\nchapters:\n\t- startTime: 0\n\t  title: x\n---\n' \
	>"$h/tabs.md"
printf -- '---\ntitle: Never closed\ndescription: x\n' >"$h/unclosed.md"
: >"$h/empty.md"
printf -- '---\n- a list\n- not a mapping\n---\n' >"$h/list.md"
printf -- '---\njust a scalar\n---\n' >"$h/scalar.md"
printf -- '---\ntitle: x\nchapters: 5\n---\n' >"$h/chapters-scalar.md"
chapter_at -5 >"$h/start-negative.md"
chapter_at soon >"$h/start-text.md"
chapter_at 1e30 >"$h/start-1e30.md"
chapter_at 99999999999 >"$h/start-huge.md"
chapter_at 1:04:00 >"$h/start-hms.md"
printf -- '---\ntitle: One\ntitle: Two\n---\n' >"$h/duplicate.md"
{
	# A billion laughs: nine levels of nine aliases.
	printf -- '---\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n'
	for i in 1 2 3 4 5 6 7 8; do
		p="*l$((i - 1))"
		printf 'l%d: &l%d [%s, %s, %s, %s, %s, %s, %s, %s, %s]\n' \
			"$i" "$i" "$p" "$p" "$p" "$p" "$p" "$p" "$p" "$p" "$p"
	done
	printf 'title: *l8\n---\n'
} >"$h/alias-bomb.md"
{
	printf -- '---\ntitle: Deep\nextra: '
	head -c 100000 /dev/zero | tr '\0' '['
	head -c 100000 /dev/zero | tr '\0' ']'
	printf '\n---\n'
} >"$h/deep.md"
{
	episode "Sizable Fifty Megabytes"
	head -c 50000000 /dev/zero | tr '\0' 'a'
} >"$h/huge.md"
ln -s nowhere.md "$h/broken-link.md"
mkdir "$h/directory.md"
mkfifo "$h/fifo.md"
episode "Steadfast Victim" >"$h/victim.md"

# CRLF: the same two episodes with CRLF and with LF line ends, in two
# directories under the same names (so the default slugs agree).
mkdir "$h/lf" "$h/crlf"
cp "$examples/shows/build-and-break/2024/faster-container-builds-with-cache-mounts.md" \
	"$h/lf/cache.md"
{
	printf -- '---\ntitle: Blockscalar Episode\ndescription: |\n'
	printf '  First line of the notes.\n  00:50 - Introductions\n'
	printf '  1:04:00 Bake with HCL\nshow: >\n  folded\n  show\n'
	printf 'technologies:\n  - one\n  - two\nchapters:\n'
	printf '  - startTime: "1:00"\n    title: |\n      A literal\n'
	printf '      chapter title\n---\n\nBody.\n'
} >"$h/lf/block.md"
for f in cache block; do
	sed 's/$/\r/' "$h/lf/$f.md" >"$h/crlf/$f.md"
done

# Older than the settle time: a broken file is reported at once.
find "$h" -exec touch -h -d '1 hour ago' {} +

# --- The first scan ---------------------------------------------------
start_daemon "$c"
wait_ready

# error_of FILE: "line|message" of the one error about hostile/FILE.
error_of() {
	api /status | jq -r --arg p "hostile/$1" \
		'[.errors[] | select(.path == $p)] |
		 if length == 1 then "\(.[0].line)|\(.[0].message)"
		 else "\(length) errors" end'
}

# refused FILE LINE TEXT: FILE has one error, at LINE, containing TEXT.
refused() {
	local got
	got=$(error_of "$1")
	case $got in
	"$2|"*"$3"*) passed=$((passed + 1)) ;;
	*)
		failed=$((failed + 1))
		echo "FAIL: $1: got '$got', want '$2|...$3...'" >&2
		;;
	esac
}

# found WORDS: the titles a search finds.
found() {
	sync_search "$1" | jq -r '.hits[].title' | sort
}

refused latin1.md 2 "invalid trailing UTF-8 octet (in title)"
refused bad-utf8.md 3 "invalid trailing UTF-8 octet (in description)"
refused nul.md 2 "control characters are not allowed (in title)"
refused tabs.md 4 "a tab indents this line; indent with spaces (in chapters)"
refused unclosed.md 1 "front matter is not closed by a --- line"
refused empty.md 1 "no front matter"
refused list.md 2 "front matter is a list, expected a mapping"
refused scalar.md 2 "front matter is a scalar, expected a mapping"
refused chapters-scalar.md 3 "chapters: expected a list"
refused start-negative.md 4 'chapters[0].startTime: expected seconds, got "-5"'
refused start-text.md 4 'chapters[0].startTime: expected seconds, got "soon"'
refused start-1e30.md 4 'chapters[0].startTime: expected seconds, got "1e30"'
refused start-huge.md 4 \
	'chapters[0].startTime: expected seconds, got "99999999999"'
refused duplicate.md 3 "title: duplicate key"
# An alias is reported at the line of the value it stands for.
refused alias-bomb.md 10 "title: expected a string, got a list"
refused deep.md 3 "front matter nests deeper than 32 levels"
refused huge.md 0 "file is larger than 8 MiB"

expect_eq "BOM: indexed" "$(found bomzebra)" "Bomzebra Title"
expect_eq "1:04:00: indexed" \
	"$(sync_search 'timed chapter chapterstart' | jq -c \
		'[.hits[].moments[] | select(.kind == "chapter") | .start]')" \
	"[3840]"
expect_eq "not episodes: no error for the link, directory, FIFO" \
	"$(error_of broken-link.md),$(error_of directory.md),$(error_of fifo.md)" \
	"0 errors,0 errors,0 errors"
expect_eq "hostile: error count" "$(api /status | jq '.errors | length')" 17
expect_eq "good files still found" "$(found 'cache mounts' | head -1)" \
	"Faster Container Builds with Cache Mounts"
expect_eq "victim found" "$(found steadfast)" "Steadfast Victim"

# The 50 MB file is refused from its size: the daemon never read it.
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$daemon_pid/status")
echo "peak memory after the first scan: $hwm kB (informational)"
check "50 MB file not read: peak memory under 40 MB" test "$hwm" -lt 40960

# --- CRLF is indexed exactly like LF ------------------------------------
# rows DIR: every indexed field of the episodes under hostile/DIR, with
# the path's directory and the hash left out.
rows() {
	sqlite3 -batch -cmd '.timeout 5000' "$db" "
SELECT substr(f.path, length('hostile/$1/') + 1), e.slug, e.title,
       e.description, e.show, e.published, e.duration, e.technologies,
       e.guests
  FROM files f JOIN episodes e ON e.file_id = f.id
 WHERE f.path LIKE 'hostile/$1/%' ORDER BY 1;
SELECT substr(f.path, length('hostile/$1/') + 1), m.kind, m.start,
       m.\"end\", t.text, t.title, t.tags
  FROM moments m JOIN files f ON f.id = m.file_id
  JOIN moment_text t ON t.rowid = m.id
 WHERE f.path LIKE 'hostile/$1/%' ORDER BY 1, 2, 3, 5;"
}
rows lf >"$work/lf.rows"
rows crlf >"$work/crlf.rows"
check "CRLF: rows present" test "$(wc -l <"$work/lf.rows")" -gt 20
check "CRLF: the same rows as LF" cmp -s "$work/lf.rows" "$work/crlf.rows"
expect_eq "CRLF: no carriage return in any field" \
	"$(tr -cd '\r' <"$work/crlf.rows" | wc -c)" 0
expect_eq "CRLF: block scalar kept its line break" \
	"$(found 'literal chapter' | sort -u)" "Blockscalar Episode"

# --- Live: the same kinds of file written under the running daemon ---------
cp "$h/nul.md" "$h/live-nul.md"
cp "$h/alias-bomb.md" "$h/live-bomb.md"
cp "$h/huge.md" "$h/live-huge.md"
mkfifo "$h/live-fifo.md"
ln -s "$h/victim.md" "$h/live-link.md"
printf -- '---\ntitle: Spoilt\0 again\n---\n' >"$h/victim.md"
sync_search anything >/dev/null
refused live-nul.md 2 "control characters are not allowed (in title)"
refused live-bomb.md 10 "title: expected a string, got a list"
refused live-huge.md 0 "file is larger than 8 MiB"
refused victim.md 2 "control characters are not allowed (in title)"
expect_eq "spoilt victim keeps its last good version" "$(found steadfast)" \
	"Steadfast Victim"
expect_eq "live link and FIFO: no error" \
	"$(error_of live-link.md),$(error_of live-fifo.md)" "0 errors,0 errors"
expect_eq "live: good files still found" "$(found 'cache mounts' | head -1)" \
	"Faster Container Builds with Cache Mounts"

# A file that vanishes while it is read: a large one, renamed in and out.
episode "Vanishing Act" >"$work/vanish.md"
head -c 7000000 /dev/zero | tr '\0' 'v' >>"$work/vanish.md"
for i in $(seq 50); do
	ln "$work/vanish.md" "$h/vanish.md"
	rm "$h/vanish.md"
done
expect_eq "vanished: nothing left found" "$(found vanishing)" ""
expect_eq "vanished: no error" "$(error_of vanish.md)" "0 errors"

# Mended, the victim is read again (a fresh scan has no last good version).
episode "Steadfast Mended" >"$h/victim.md"
expect_eq "mended victim found" "$(found steadfast)" "Steadfast Mended"
expect_eq "mended victim: no error" "$(error_of victim.md)" "0 errors"

check "daemon alive" kill -0 "$daemon_pid"
expect_eq "nothing logged as an error" "$(grep -c ': error: ' "$log" || true)" 0
same_as_fresh_scan "hostile tree" "$c"
check "daemon exits cleanly" stop_daemon
finish

# service-config.sh: the settings file as the real daemon reads it: a
# refused file stops the start with its path, line and key; flags win over
# the file; url_template puts links in /search answers; SIGHUP reads the
# file again, keeps the settings in force when it is wrong, and moves to
# a new content tree when it names one.
. "$(dirname "$0")/lib.sh"

cfg=$work/config.yaml
cp -r "$EPSEARCH_CORPUS/rawkode-2025-11" "$work/content"
mkdir -p "$work/other/2030"
cat >"$work/other/2030/sourdough.md" <<'MD'
---
title: Sourdough at scale
slug: sourdough-at-scale
chapters:
  - startTime: 90
    title: Feeding the starter
---
MD

# refuse NAME WANT-IN-MESSAGE ARGS...: the daemon will not start, exits 1
# and says why on one line.
refuse() {
	local name=$1 want=$2 rc=0
	shift 2
	"$EPSEARCHD" "$@" >"$work/out" 2>"$work/err" </dev/null || rc=$?
	expect_eq "$name: exit status" "$rc" 1
	check "$name: says '$want'" grep -qF -- "$want" "$work/err"
	expect_eq "$name: one line" "$(wc -l <"$work/err")" 1
}

printf 'content: %s\ncolour: blue\n' "$work/content" >"$cfg"
refuse "unknown key" "$cfg:2: colour: unknown key" --config "$cfg" \
	--socket "$sock" --db "$db"
printf 'content: %s\nurl_template: "/w/{slug}?t={time}"\n' "$work/content" \
	>"$cfg"
refuse "unknown placeholder" \
	"$cfg:2: url_template: unknown placeholder {time}" --config "$cfg" \
	--socket "$sock" --db "$db"
refuse "missing --config file" "$work/none.yaml: cannot read" \
	--config "$work/none.yaml" --content "$work/content" --socket "$sock"
refuse "no content anywhere" "no content tree" --config /dev/null \
	--socket "$sock" --db "$db"
XDG_RUNTIME_DIR='' refuse "XDG_RUNTIME_DIR unset" \
	"XDG_RUNTIME_DIR is not set to an absolute path; give the socket with" \
	--content "$work/content" --db "$db"
env -u XDG_RUNTIME_DIR "$EPSEARCHD" \
	--content "$work/content" --db "$db" 2>"$work/err" || true
check "XDG_RUNTIME_DIR removed: same message" \
	grep -q 'XDG_RUNTIME_DIR is not set' "$work/err"

# A missing default file is fine: the daemon starts on flags alone.
start_daemon "$work/content"
wait_ready
expect_eq "no default file, flags only" "$(api /status | jq -r .content)" \
	"$work/content"
expect_eq "no default file, no url" \
	"$(search "cache mount" | jq '.hits[0] | has("url")')" false
stop_daemon

# The default file is $XDG_CONFIG_HOME/epsearch/config.yaml.
mkdir -p "$XDG_CONFIG_HOME/epsearch"
echo 'url_template: /d/{slug}' >"$XDG_CONFIG_HOME/epsearch/config.yaml"
start_daemon "$work/content"
wait_ready
expect_eq "the default file is read" \
	"$(search "cache mount" | jq -r '.hits[0].url')" \
	/d/hands-on-with-buildkit-and-buildx
stop_daemon
rm "$XDG_CONFIG_HOME/epsearch/config.yaml"

# Flags win over the file; the file's url_template applies.
cat >"$cfg" <<YAML
content: $work/other
socket: $work/from-file.sock
log_level: error
url_template: https://example.org/watch/{slug}?t={start}
YAML
start_daemon "$work/content" --config "$cfg"
wait_ready
expect_eq "--content wins over content:" "$(api /status | jq -r .content)" \
	"$work/content"
check "--socket wins over socket:" test ! -e "$work/from-file.sock"
check "--log-level wins over log_level:" grep -q 'scanned 309 files' "$log"

json=$(search "cache mount")
expect_eq "hit url ({start} 0)" "$(jq -r '.hits[0].url' <<<"$json")" \
	https://example.org/watch/hands-on-with-buildkit-and-buildx?t=0
expect_eq "27:00 chapter url" "$(jq -r '.hits[0].moments[]
	| select(.start == 1620) | .url' <<<"$json")" \
	https://example.org/watch/hands-on-with-buildkit-and-buildx?t=1620
expect_eq "every hit and moment has a url" "$(jq '[.hits[], .hits[].moments[]]
	| map(select(.url | not)) | length' <<<"$json")" 0
expect_eq "episode moments get t=0" "$(search "buildkit" 100 | jq -r '
	[.hits[].moments[] | select(.kind == "episode")
	 | .url | test("[?]t=0$")] | all')" true

# SIGHUP with a broken file: logged, and everything stays as it was.
printf 'content: %s\nurl_template: "{nope}"\n' "$work/content" >"$cfg"
kill -HUP "$daemon_pid"
for _ in $(seq 100); do
	grep -q 'reload:' "$log" && break
	sleep 0.05
done
check "a broken file on reload is logged with its line" \
	grep -q "reload: $cfg:2: url_template: unknown placeholder {nope};"\
" .*; the settings in force are kept$" "$log"
expect_eq "and the old url_template is kept" \
	"$(search "cache mount" | jq -r '.hits[0].url')" \
	https://example.org/watch/hands-on-with-buildkit-and-buildx?t=0

# SIGHUP with a new tree, template and socket, the daemon started on the
# file alone: it moves to the new tree; the socket waits for a restart.
stop_daemon
cat >"$cfg" <<YAML
content: $work/content
socket: $sock
db: $db
url_template: /a/{path}
YAML
"$EPSEARCHD" --config "$cfg" 2>>"$log" &
daemon_pid=$!
for _ in $(seq 100); do
	[ -S "$sock" ] && break
	sleep 0.05
done
expect_eq "started on the file alone" \
	"$(search "cache mount" | jq -r '.hits[0].url')" \
	/a/shows/rawkode-live/2021/hands-on-with-buildkit-and-buildx.md
cat >"$cfg" <<YAML
content: $work/other
socket: $work/elsewhere.sock
db: $db
url_template: /b/{slug}#{start}
YAML
kill -HUP "$daemon_pid"
for _ in $(seq 100); do
	[ "$(api /status | jq -r .content)" = "$work/other" ] && break
	sleep 0.05
done
expect_eq "moved to the new tree" "$(api /status | jq -r .content)" \
	"$work/other"
expect_eq "the new tree is searched, with the new template" \
	"$(search "starter" | jq -c '[.hits[0].slug, .hits[0].moments[0].url]')" \
	'["sourdough-at-scale","/b/sourdough-at-scale#90"]'
expect_eq "the old tree is gone from the index" \
	"$(api /status | jq .episodes)" 1
check "a new socket path needs a restart" \
	grep -q "socket: $work/elsewhere.sock takes effect when epsearchd" \
	"$log"
check "still on the old socket" test -S "$sock"

# The new tree is watched, the old one no longer.
printf -- '---\ntitle: Rye bread\n---\n' >"$work/other/2030/rye.md"
expect_eq "the new tree is watched" \
	"$(sync_search "rye" | jq -r '.hits[0].url')" /b/rye#0
touch "$work/content/shows/new.md"
printf -- '---\ntitle: Rye in the old tree\n---\n' >"$work/content/shows/new.md"
expect_eq "the old tree is not" "$(sync_search "rye" | jq '.total')" 1
rc=0
stop_daemon || rc=$?
expect_eq "exit status after SIGTERM" "$rc" 0

finish

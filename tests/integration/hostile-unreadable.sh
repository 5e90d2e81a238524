# hostile-unreadable.sh: an episode file the daemon may not read (mode
# 000) is refused with one error naming it, at the first scan and live;
# the rest of the tree is indexed.
#
# Root reads a mode-000 file all the same, and CI runs as root, so there
# the daemon itself runs as "nobody" (setpriv; its socket and index in a
# directory nobody owns): open() then really fails with EACCES, as it
# would for any user. Run as another user, the daemon runs as that user.
. "$(dirname "$0")/lib.sh"

examples=$(cd "$(dirname "$0")/../../examples/videos" && pwd)
c=$work/content
cp -r "$examples" "$c"
chmod -R a+rX "$c"
printf -- '---\ntitle: Forbidden Fruit\n---\n' >"$c/standalone/locked.md"
chmod 000 "$c/standalone/locked.md"
touch -d '1 hour ago' "$c/standalone/locked.md"

if [ "$(id -u)" -eq 0 ]; then
	chmod 0711 "$work"
	mkdir "$work/nobody"
	chown 65534:65534 "$work/nobody"
	sock=$work/nobody/epsearchd.sock
	db=$work/nobody/index.sqlite3
	wrapper=$work/epsearchd-as-nobody
	printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups %q "$@"\n' \
		"$EPSEARCHD" >"$wrapper"
	chmod 0755 "$wrapper"
	real_daemon=$EPSEARCHD
	EPSEARCHD=$wrapper
fi

start_daemon "$c"
# Root, the test's user, is not the daemon's: open the socket to it.
[ "$(id -u)" -eq 0 ] && chmod 0666 "$sock" && chmod 0711 "$work/nobody"
# ... but the daemon serves its own user only; run the client as it too.
client() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		"$@"
	fi
}
ask() {
	client curl -sS --max-time 30 --unix-socket "$sock" "http://localhost$1"
}
ask '/search?q=' >/dev/null

errors() {
	ask /status | jq -c '[.errors[] | [.path, .line, .message]]'
}
expect_eq "mode 000: one error" "$(errors)" \
	'[["standalone/locked.md",0,"Permission denied"]]'
expect_eq "others indexed" "$(ask /status | jq .episodes)" 8

# Live: a second one, written then locked.
printf -- '---\ntitle: Forbidden Too\n---\n' >"$c/standalone/locked-too.md"
chmod 000 "$c/standalone/locked-too.md"
ask '/search?q=x&sync=1' >/dev/null
expect_eq "live mode 000: errors" "$(errors)" \
	'[["standalone/locked-too.md",0,"Permission denied"],["standalone/locked.md",0,"Permission denied"]]'

# Unlocked, it is read.
chmod 0644 "$c/standalone/locked.md"
expect_eq "unlocked: found" \
	"$(ask '/search?q=forbidden+fruit&sync=1' | jq -r '.hits[].title')" \
	"Forbidden Fruit"

check "daemon alive" kill -0 "$daemon_pid"
check "daemon exits cleanly" stop_daemon
finish

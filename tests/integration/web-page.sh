# web-page.sh: the search page in Debian's headless Chromium (driven by
# playwright-core, which downloads no browser) through nginx and the real
# daemon on the real catalogue. web-page.js does the clicking and typing
# and says what it saw; each of its lines is one check here.
#
# EPSEARCH_SCREENSHOT=web/screenshot.png keeps the picture of the
# "cache mount" results; without it the picture stays in the scratch
# directory.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.bash"

for tool in node npm /usr/bin/chromium; do
	command -v "$tool" >/dev/null || {
		echo "$tool is not installed (./dev installs it)" >&2
		exit 1
	}
done

# playwright-core at the version web/test/package-lock.json pins, in the
# scratch directory; --ignore-scripts: nothing runs, nothing downloads.
mkdir -p "$work/playwright"
cp "$source_dir/web/test/package.json" \
	"$source_dir/web/test/package-lock.json" "$work/playwright/"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$work/playwright" \
	--ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null

# A daemon that reads a configuration file is given links to make;
# web-page.js then expects url fields, and checks the page's links.
daemon_args=()
urls_expected=0
if "$EPSEARCHD" --help 2>&1 | grep -- '--config' >/dev/null; then
	echo 'url_template: https://example.org/watch/{slug}?t={start}' \
		>"$work/config.yaml"
	daemon_args=(--config "$work/config.yaml")
	urls_expected=1
fi

cp -r "$EPSEARCH_CORPUS/rawkode-2025-11" "$work/content"
start_daemon "$work/content" "${daemon_args[@]}"
wait_ready
start_nginx

# drive PHASE: runs web-page.js in a fresh browser profile and turns
# each line it prints into a check.
drive() {
	local out=$work/drive-$1.out name got want note

	rm -rf "$work/profile"
	mkdir "$work/profile"
	if ! WEB_URL="http://127.0.0.1:$nginx_port/" \
		PLAYWRIGHT_DIR="$work/playwright" PROFILE_DIR="$work/profile" \
		SCREENSHOT="${EPSEARCH_SCREENSHOT:-$work/screenshot.png}" \
		URLS_EXPECTED=$urls_expected \
		node "$(dirname "$0")/web-page.js" "$1" >"$out" \
		2>"$work/drive-$1.err"; then
		failed=$((failed + 1))
		echo "FAIL: the browser run '$1' stopped:" >&2
		cat "$work/drive-$1.err" >&2
	fi
	while IFS=$'\t' read -r name got want; do
		case $name in
		'#'*) echo "$name" ;;
		*) expect_eq "$name" "$got" "$want" ;;
		esac
	done <"$out"
}

drive search

stop_daemon
drive down

stop_nginx
finish

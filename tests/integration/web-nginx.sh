# web-nginx.sh: web/nginx.conf.example in a real nginx, in front of the
# real daemon on the real catalogue: searches and status pass through with
# /api removed, the page is served, writes are refused, and a daemon that
# is gone gives 502.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.bash"

cp -r "$EPSEARCH_CORPUS/rawkode-2025-11" "$work/content"
start_daemon "$work/content"
wait_ready
start_nginx

# A search through /api/ is the daemon's /search.
json=$(web '/api/search?q=cache+mount')
expect_eq "search: first hit" "$(jq -r '.hits[0].slug' <<<"$json")" \
	hands-on-with-buildkit-and-buildx
expect_eq "search: the 27:00 moment" "$(jq -c '.hits[0].moments[]
	| select(.start == 1620) | [.timestamp, .text]' <<<"$json")" \
	'["27:00","Build caching with mounts"]'
expect_eq "search: same answer as the socket" "$json" \
	"$(api '/search?q=cache+mount')"
expect_eq "search: query string kept" \
	"$(web '/api/search?q=caching&limit=2' | jq '.hits | length')" 2

expect_eq "status" "$(web /api/status | jq .episodes)" 309
expect_eq "unknown API path is the daemon's 404" \
	"$(web /api/nowhere -o /dev/null -w '%{http_code}')" 404

# The page and its two files, and nothing else of web/.
headers=$(web / -o /dev/null -D - | tr -d '\r')
check "page: 200" grep -q '^HTTP/1.1 200' <<<"$headers"
check "page: text/html" grep -qi '^content-type: text/html' <<<"$headers"
check "page: strict CSP" \
	grep -qi "^content-security-policy: default-src 'none'" <<<"$headers"
check "page: the search box" grep -q '<input id="q"' <<<"$(web /)"
expect_eq "search.js" "$(web /search.js -o /dev/null \
	-w '%{http_code} %{content_type}')" \
	"200 application/javascript; charset=utf-8"
expect_eq "search.css" "$(web /search.css -o /dev/null \
	-w '%{http_code} %{content_type}')" "200 text/css"
expect_eq "the example configuration is not published" \
	"$(web /nginx.conf.example -o /dev/null -w '%{http_code}')" 404
expect_eq "the test tools are not published" \
	"$(web /test/package.json -o /dev/null -w '%{http_code}')" 404

# Only GET reaches the daemon.
for method in POST PUT DELETE; do
	expect_eq "$method refused" "$(web '/api/search?q=cache' -X "$method" \
		-d q=cache -o /dev/null -w '%{http_code}')" 405
done
headers=$(web '/api/search?q=cache' -X POST -d q=cache -o "$work/post" -D - |
	tr -d '\r')
check "POST refused by nginx, which names GET" grep -qi '^allow: GET$' \
	<<<"$headers"
expect_eq "POST: JSON error" "$(jq -r .error "$work/post")" \
	"only GET is served"

# The daemon gone: 502, with a JSON body the page can read.
stop_daemon
expect_eq "daemon stopped: 502" \
	"$(web '/api/search?q=cache+mount' -o "$work/down" \
	-w '%{http_code} %{content_type}')" "502 application/json"
expect_eq "daemon stopped: JSON error" "$(jq -r .error "$work/down")" \
	"the search service is not answering"
expect_eq "daemon stopped: the page still served" \
	"$(web / -o /dev/null -w '%{http_code}')" 200

stop_nginx
finish

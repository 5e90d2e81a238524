# web-lib.bash: a real nginx in front of the test's daemon, for the web-*
# scripts (sourced after lib.sh). nginx runs in the foreground with every
# file it writes under $work/nginx and listens on 127.0.0.1 only; its
# site is web/nginx.conf.example with the port, root and socket changed.
# Not named *.sh: every .sh here but lib.sh is a test of its own.

source_dir=${EPSEARCH_SOURCE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." &&
	pwd)}
nginx_dir=$work/nginx
nginx_pid=
nginx_port=

# stop_nginx: stops the nginx this script started, if it runs.
stop_nginx() {
	[ -n "$nginx_pid" ] || return 0
	kill -TERM "$nginx_pid" 2>/dev/null || true
	wait "$nginx_pid" 2>/dev/null || true
	nginx_pid=
}

# The site of the example, pointed at this test's port, web/ and socket.
nginx_site() {
	sed -e "s|listen 127\.0\.0\.1:8080;|listen 127.0.0.1:$1;|" \
		-e "s|root /srv/epsearch/web;|root $source_dir/web;|" \
		-e "s|unix:/run/user/1000/epsearch/epsearchd\.sock:|unix:$sock:|" \
		"$source_dir/web/nginx.conf.example"
}

# The main configuration around the site. The workers run as this user,
# as the socket (0600) is this user's: as root, that is `user root`.
nginx_main_conf() {
	cat <<EOF
user $(id -un) $(id -gn);
worker_processes 1;
pid $nginx_dir/nginx.pid;
error_log $nginx_dir/error.log info;
events { worker_connections 64; }
http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	access_log $nginx_dir/access.log;
	client_body_temp_path $nginx_dir/client_body;
	proxy_temp_path $nginx_dir/proxy;
	fastcgi_temp_path $nginx_dir/fastcgi;
	uwsgi_temp_path $nginx_dir/uwsgi;
	scgi_temp_path $nginx_dir/scgi;
	include $nginx_dir/site.conf;
}
EOF
}

# start_nginx: starts nginx on a free port of 127.0.0.1 and sets
# nginx_port; tries other ports while the chosen one is taken.
start_nginx() {
	local try i

	command -v nginx >/dev/null || {
		echo "nginx is not installed (./dev installs it)" >&2
		exit 1
	}
	mkdir -p "$nginx_dir"
	nginx_main_conf >"$nginx_dir/nginx.conf"
	for try in $(seq 20); do
		nginx_port=$((20000 + RANDOM % 40000))
		nginx_site "$nginx_port" >"$nginx_dir/site.conf"
		: >"$nginx_dir/error.log"
		: >"$nginx_dir/stderr"
		rm -f "$nginx_dir/nginx.pid"
		nginx -e "$nginx_dir/error.log" -p "$nginx_dir" \
			-c "$nginx_dir/nginx.conf" -g 'daemon off;' \
			2>>"$nginx_dir/stderr" &
		nginx_pid=$!
		# The pid file is written once the port is bound: before it,
		# an answer on the port could come from someone else.
		for i in $(seq 100); do
			[ -s "$nginx_dir/nginx.pid" ] &&
				curl -s -o /dev/null --max-time 1 \
					"http://127.0.0.1:$nginx_port/" && return 0
			kill -0 "$nginx_pid" 2>/dev/null || break
			sleep 0.05
		done
		stop_nginx
		grep -qs "Address already in use" "$nginx_dir/error.log" \
			"$nginx_dir/stderr" || break
	done
	echo "nginx did not start; its log:" >&2
	cat "$nginx_dir/stderr" "$nginx_dir/error.log" >&2
	exit 1
}

# web GET-PATH [CURL ARGS...]: a request through nginx; prints the body.
web() {
	local path=$1

	shift
	curl -sS --max-time 30 "$@" "http://127.0.0.1:$nginx_port$path"
}

# Both the daemon and nginx go when the script ends, whatever happened.
trap 'stop_nginx; cleanup' EXIT

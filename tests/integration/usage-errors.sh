# usage-errors.sh: a bad flag stops epsearchd and epsearch with status 64
# and one line saying why, before anything starts. In the sanitizer
# build this is also where the flags read before the bad one must have
# been freed (a leak turns the status into LeakSanitizer's).
. "$(dirname "$0")/lib.sh"

# usage NAME WANT-IN-MESSAGE PROGRAM ARGS...
usage() {
	local name=$1 want=$2 rc=0
	shift 2
	"$@" >"$work/out" 2>"$work/err" </dev/null || rc=$?
	expect_eq "$name: exit status" "$rc" 64
	check "$name: says '$want'" grep -qF -- "$want" "$work/err"
	expect_eq "$name: one line" "$(wc -l <"$work/err")" 1
}

usage "unknown level" "unknown level 'loud'" \
	"$EPSEARCHD" --content "$work" --db "$db" --log-level loud
usage "bad url template" "--url-template" \
	"$EPSEARCHD" --content "$work" --url-template '/x/{colour}'
usage "unknown flag after others" "unrecognized option" \
	"$EPSEARCHD" --content "$work" --db "$db" --socket "$sock" --colour
usage "bad sweep interval" "--sweep-interval" \
	"$EPSEARCHD" --content "$work" --sweep-interval 0
usage "client: bad limit" "limit" \
	"$EPSEARCH" --socket "$sock" --limit 0 cache
finish

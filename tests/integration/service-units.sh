# service-units.sh: `cmake --install` into a scratch prefix puts the
# binaries, the systemd user units and the example settings where the
# user manager and the README say, the service's ExecStart names the
# installed daemon, and `systemd-analyze verify` finds nothing to say.
. "$(dirname "$0")/lib.sh"

: "${EPSEARCH_BUILD:?set EPSEARCH_BUILD to the build directory}"
prefix=$work/prefix
units=$prefix/share/systemd/user

cmake --install "$EPSEARCH_BUILD" --prefix "$prefix" >"$work/install.log"
for f in bin/epsearchd bin/epsearch share/systemd/user/epsearchd.service \
	share/systemd/user/epsearchd.socket \
	share/doc/epsearch/config.yaml.example; do
	check "installed $f" test -s "$prefix/$f"
done
expect_eq ExecStart "$(sed -n 's/^ExecStart=//p' "$units/epsearchd.service")" \
	"$prefix/bin/epsearchd"
expect_eq "the installed daemon runs" \
	"$("$prefix/bin/epsearchd" --version | cut -d' ' -f1)" epsearchd
expect_eq "no placeholder left" \
	"$(grep -c '@[A-Z_]*@' "$units/epsearchd.service" || true)" 0

# The user manager's specifiers (%t) need a runtime directory.
mkdir -m 0700 "$work/runtime"
verify() {
	XDG_RUNTIME_DIR=$work/runtime systemd-analyze --user verify "$@" \
		>"$work/verify.log" 2>&1
}
check "systemd-analyze verify passes" verify "$units/epsearchd.socket" \
	"$units/epsearchd.service"
expect_eq "systemd-analyze verify is silent" "$(cat "$work/verify.log")" ""

# verify is not silent about everything: a wrong key is reported.
sed 's/^Type=notify$/Type=notyfi/' "$units/epsearchd.service" \
	>"$work/broken.service"
verify "$units/epsearchd.socket" "$work/broken.service" || true
check "verify reports a broken unit" grep -q 'notyfi' "$work/verify.log"

# The example settings file is one the daemon accepts.
mkdir "$work/content"
sed "s|^content: .*|content: $work/content|" \
	"$prefix/share/doc/epsearch/config.yaml.example" >"$work/config.yaml"
expect_eq "the example settings load" "$("$EPSEARCHD" --config \
	"$work/config.yaml" --db "$db" --scan-once)" \
	"0 files: 0 indexed, 0 unchanged, 0 removed, 0 failed"

finish

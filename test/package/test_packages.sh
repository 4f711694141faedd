#!/usr/bin/env bash
# The Debian packages end to end, on this machine, as root:
#
#   1. build postgresql-NN-callboard and callboard-gateway from a clean copy of
#      HEAD (git archive) with dpkg-buildpackage -us -uc -b, and run lintian;
#   2. install them with apt-get install ./...deb; check the files, the
#      systemd unit (systemd-analyze verify), the example config (a conffile
#      with no secret), the secrets file and the callboard user;
#   3. on a throwaway cluster: CREATE EXTENSION callboard from the installed
#      files, roles.sql as shipped, and the installed gateway run as the unit
#      runs it (as callboard, /etc/callboard/postgrest.conf, the secrets from
#      gateway.env, NOTIFY_SOCKET) answering a request with a token;
#   4. apt-get purge both and check that nothing they installed is left.
#
# Prints TAP and ends with "N passed, M failed".  Uncommitted changes are not
# in the packages.
#
# The system's PostgreSQL directories are shared with other builds on this
# machine: from install to purge the test holds /tmp/callboard-install.lock
# (unless a process it runs under holds it already), and it never leaves the
# packages installed.  The purge also removes callboard files that a
# `make install` had put in the same paths; run `make install` again after.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
LOCK=/tmp/callboard-install.lock
GATEWAY_PACKAGE=callboard-gateway
. scripts/pg_cluster.sh
# Not the cluster of a script that runs this one (scripts/test): ours only.
unset CLUSTER_DIR PGHOST PGPORT

n=0
passed=0
failed=0

# check DESCRIPTION COMMAND...: one TAP line; the command's output as
# diagnostics when it fails.  The command runs in this shell, so what it
# sets (the cluster's PGPORT, say) stays set.
check() {
	local what=$1
	shift
	n=$((n + 1))
	if "$@" >"$WORK/check.out" 2>&1; then
		passed=$((passed + 1))
		echo "ok $n - $what"
	else
		failed=$((failed + 1))
		echo "not ok $n - $what"
		sed 's/^/#   /' "$WORK/check.out" | head -n 40
	fi
	return 0
}

finish() {
	echo "1..$n"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

bail_out() {
	failed=$((failed + 1))
	echo "Bail out! $*"
	finish
}

[ "$(id -u)" -eq 0 ] || bail_out "run as root: the test installs packages"

WORK=$(mktemp -d /tmp/callboard-package.XXXXXX)
# The server (user postgres) loads test/guard's probe from the source tree
# during installcheck, so the tree must be readable to it.
chmod 755 "$WORK"
SRC=$WORK/callboard
locked=no
installed=no

cleanup() {
	cluster_stop 9>&-
	[ "$installed" = yes ] && purge >/dev/null 2>&1
	[ "$locked" = yes ] && exec 9>&-
	if [ "$failed" -eq 0 ]; then
		rm -rf "$WORK"
	else
		echo "# build log, lintian and gateway output kept in $WORK"
	fi
}
trap cleanup EXIT

apt_get() {
	DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300 "$@" 9>&-
}

# ---- 1. build -------------------------------------------------------------

git archive --prefix=callboard/ HEAD | tar -x -C "$WORK" || bail_out "git archive HEAD failed"
echo "# packages from $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ', without the uncommitted changes')"

# The build dependencies (debian/control), and what the test itself uses.
(cd "$SRC" && dpkg-checkbuilddeps) >/dev/null 2>&1 || apt_get build-dep "$SRC" >"$WORK/apt-build-dep.log" 2>&1 ||
	bail_out "cannot install the build dependencies (apt-get build-dep): see $WORK/apt-build-dep.log"
for tool in lintian systemd python3-requests python3-jwt; do
	dpkg-query -W -f='${Status}' "$tool" 2>/dev/null | grep -q "install ok installed" ||
		apt_get install "$tool" >>"$WORK/apt-build-dep.log" 2>&1 || bail_out "cannot install $tool"
done

# nocheck: the build's own tests (dh_pgxs_test) load the extension through
# extension_destdir, which PostgreSQL reads after its own directories, so on
# a machine where another build of callboard is installed they would test
# that one.  The same tests run below against the installed packages.
build() {
	(cd "$SRC" && DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" dpkg-buildpackage -us -uc -b -j"$(nproc)") \
		>"$WORK/build.log" 2>&1 || {
		tail -n 30 "$WORK/build.log"
		return 1
	}
}
check "dpkg-buildpackage -us -uc -b builds the packages from a clean copy" build
[ "$failed" -eq 0 ] || bail_out "no packages to test"

debs=()
packages=()
for deb in "$WORK"/*.deb; do
	case $deb in *-dbgsym_*) continue ;; esac
	debs+=("$deb")
	packages+=("$(dpkg-deb -f "$deb" Package)")
done
echo "# built: ${packages[*]}"
ext_package=$(printf '%s\n' "${packages[@]}" | grep -E '^postgresql-[0-9]+-callboard$' | tail -n 1)
pgversion=$(sed -E 's/^postgresql-([0-9]+)-callboard$/\1/' <<<"$ext_package")

check "two packages: postgresql-NN-callboard and $GATEWAY_PACKAGE" \
	test "$(printf '%s\n' "${packages[@]}" | sort | tr '\n' ' ')" = "$GATEWAY_PACKAGE $ext_package "

# Errors and warnings fail, but initial-upload-closes-no-bugs (these packages
# are not uploaded to Debian); debian/README.source explains every tag.
lintian_clean() {
	lintian -EvIL +pedantic --tag-display-limit 0 "$WORK"/*.changes >"$WORK/lintian.log" 2>&1
	! grep -E '^[EW]: ' "$WORK/lintian.log" | grep -v ' initial-upload-closes-no-bugs '
}
check "lintian: no error, no warning but initial-upload-closes-no-bugs" lintian_clean
sed -n 's/^\([EWIP]: .*\)/# lintian: \1/p' "$WORK/lintian.log"

# ---- the lock -------------------------------------------------------------

# True when a process we run under holds $LOCK (`flock $LOCK scripts/test`):
# waiting for it would never end.
lock_held_by_ancestor() {
	local inode holders pid
	inode=$(stat -c %i "$LOCK") || return 1
	holders=$(awk -v inode="$inode" '$2 == "FLOCK" && $6 ~ (":" inode "$") { print $5 }' /proc/locks)
	pid=$$
	while [ -n "$pid" ] && [ "$pid" -gt 1 ]; do
		grep -qx "$pid" <<<"$holders" && return 0
		pid=$(ps -o ppid= -p "$pid" | tr -d ' ')
	done
	return 1
}

exec 9>>"$LOCK"
if lock_held_by_ancestor; then
	echo "# $LOCK is held by a process this test runs under"
else
	echo "# waiting for $LOCK"
	flock 9
fi
locked=yes

purge() {
	apt_get purge "${packages[@]}"
}

# A previous run that was killed may have left them; its user goes too, so
# that postinst creates it again here.
for p in "${packages[@]}"; do
	dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^[ic]' && installed=yes
done
if [ "$installed" = yes ]; then
	echo "# purging packages left installed by an earlier run"
	purge >/dev/null 2>&1
	installed=no
fi
if getent passwd callboard >/dev/null; then
	deluser --system --quiet callboard >/dev/null 2>&1
	delgroup --system --quiet callboard >/dev/null 2>&1
fi

# ---- 2. install -----------------------------------------------------------

install_packages() {
	installed=yes
	apt_get install "${debs[@]}" >"$WORK/apt-install.log" 2>&1 || {
		tail -n 30 "$WORK/apt-install.log"
		return 1
	}
}
check "apt-get install ./${ext_package}_*.deb ./${GATEWAY_PACKAGE}_*.deb" install_packages

verify_files() {
	local out
	out=$(dpkg --verify "${packages[@]}" 2>&1)
	echo "$out"
	[ -z "$out" ]
}
check "the installed files are the packages' (dpkg --verify)" verify_files

EXTDIR=/usr/share/postgresql/$pgversion/extension
default_version=$(sed -nE "s/^default_version *= *'([^']*)'.*/\1/p" "$EXTDIR/callboard.control")
# The module, and a script that installs or reaches default_version.
extension_files() {
	local script
	[ -n "$default_version" ] && [ -f "/usr/lib/postgresql/$pgversion/lib/callboard.so" ] || return 1
	for script in "$EXTDIR/callboard--$default_version.sql" "$EXTDIR"/callboard--*--"$default_version".sql; do
		[ -f "$script" ] && return 0
	done
	return 1
}
check "$ext_package: callboard.control, callboard.so, the SQL scripts" extension_files

check "/usr/bin/callboard-gateway --version names the extension's default_version ($default_version)" \
	bash -c '[ "$(/usr/bin/callboard-gateway --version)" = "callboard-gateway $1" ]' _ "$default_version"

UNIT=/lib/systemd/system/callboard-gateway.service
unit_verifies() {
	local out
	out=$(systemd-analyze verify "$UNIT" 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	[ -z "$out" ]
}
check "systemd-analyze verify $UNIT: no error, no warning" unit_verifies

# unit_has KEY=VALUE...: each line is in the unit as written.
unit_has() {
	local missing=0 line
	for line in "$@"; do
		grep -qxF "$line" "$UNIT" || { echo "missing: $line"; missing=1; }
	done
	return $missing
}
check "the unit runs /usr/bin/callboard-gateway /etc/callboard/postgrest.conf as callboard, Type=notify" \
	unit_has "Type=notify" "NotifyAccess=main" "User=callboard" "Group=callboard" \
	"ExecStart=/usr/bin/callboard-gateway /etc/callboard/postgrest.conf" \
	"EnvironmentFile=/etc/callboard/gateway.env" "Restart=on-failure" "KillSignal=SIGTERM"
check "the unit's sandbox" \
	unit_has "NoNewPrivileges=yes" "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" \
	"PrivateDevices=yes" "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" "CapabilityBoundingSet="

CONF=/etc/callboard/postgrest.conf
# callboard-shutdown-grace from the config, else the gateway's default (20 s).
grace=$(sed -nE 's/^[[:space:]]*callboard-shutdown-grace[[:space:]]*=[[:space:]]*"?([0-9]+).*/\1/p' "$CONF")
grace=${grace:-20}
stop_timeout=$(sed -nE 's/^TimeoutStopSec=([0-9]+)s?$/\1/p' "$UNIT")
check "TimeoutStopSec (${stop_timeout:-unset} s) is above callboard-shutdown-grace ($grace s) + 10 s" \
	test "${stop_timeout:-0}" -gt $((grace + 10))
check "the unit has MemoryMax= and LimitNOFILE=" \
	bash -c 'grep -qE "^MemoryMax=[0-9]+[KMG]$" "$1" && grep -qE "^LimitNOFILE=[0-9]+$" "$1"' _ "$UNIT"
check "the unit is not enabled on installation" \
	test ! -e /etc/systemd/system/multi-user.target.wants/callboard-gateway.service

check "$CONF is a conffile" \
	bash -c 'dpkg-query -W -f="\${Conffiles}\n" "$1" | grep -qE "^ $2 [0-9a-f]{32}$"' _ "$GATEWAY_PACKAGE" "$CONF"

# A secret in a config is a jwt-secret, or a password in a connection URI or
# conninfo string, that is not a $(NAME) reference to the environment.
no_secret_in() {
	local ref='\$\([A-Za-z_][A-Za-z0-9_]*\)' settings
	settings=$(grep -vE '^[[:space:]]*(#|$)' "$1")
	grep -E '^[[:space:]]*jwt-secret[[:space:]]*=' <<<"$settings" |
		grep -vE "^[[:space:]]*jwt-secret[[:space:]]*=[[:space:]]*\"?$ref\"?[[:space:]]*(#.*)?$" && return 1
	grep -oE '://[^/@" ]*@' <<<"$settings" | grep -vE "^://[^:@]*(:$ref)?@$" && return 1
	grep -oiE 'password[[:space:]]*=[[:space:]]*[^ "]*' <<<"$settings" | grep -viE "=[[:space:]]*'?$ref" && return 1
	return 0
}
check "$CONF holds no secret (jwt-secret and the password are \$(NAME) references)" no_secret_in "$CONF"
check "its jwt-secret and db-uri name DJANGO_SECRET_KEY and AUTHENTICATOR_PASSWORD" \
	bash -c 'grep -qF "\$(DJANGO_SECRET_KEY)" "$1" && grep -qF "\$(AUTHENTICATOR_PASSWORD)" "$1"' _ "$CONF"

ENV_FILE=/etc/callboard/gateway.env
check "$ENV_FILE: mode 0640, root:callboard, no value set" \
	bash -c '[ "$(stat -c "%a %U %G" "$1")" = "640 root callboard" ] && ! grep -qE "^[[:space:]]*[A-Za-z_]+=" "$1"' _ "$ENV_FILE"

system_user() {
	local uid shell home
	IFS=: read -r _ _ uid _ _ home shell < <(getent passwd callboard) || { echo "no user callboard"; return 1; }
	echo "uid $uid, home $home, shell $shell"
	[ "$uid" -lt 1000 ] && [ "$home" = /nonexistent ] && [ "$shell" = /usr/sbin/nologin ] &&
		getent group callboard >/dev/null
}
check "postinst created the system user and group callboard" system_user

check "roles.sql is in /usr/share/$GATEWAY_PACKAGE" test -f "/usr/share/$GATEWAY_PACKAGE/roles.sql"
check "nginx-callboard.conf is in /usr/share/$GATEWAY_PACKAGE" cmp "$ROOT/deploy/nginx-callboard.conf" "/usr/share/$GATEWAY_PACKAGE/nginx-callboard.conf"

# ---- 3. use them ----------------------------------------------------------

AUTHENTICATOR_PASSWORD=$(openssl rand -hex 16)
DJANGO_SECRET_KEY=$(openssl rand -hex 24)

create_extension() {
	cluster_start 9>&- || return 1
	psql -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE app" &&
		psql -X -q -v ON_ERROR_STOP=1 -d app -f test/fixtures/django_schema.sql &&
		python3 scripts/gen_calls.py agents | psql -X -q -v ON_ERROR_STOP=1 -d app -c "COPY hume_agents FROM STDIN" &&
		python3 scripts/gen_calls.py calls 200 | psql -X -q -v ON_ERROR_STOP=1 -d app -c "COPY twilio_calls FROM STDIN" &&
		psql -X -q -v ON_ERROR_STOP=1 -d app -c "CREATE SCHEMA api" -c "CREATE EXTENSION callboard SCHEMA api" &&
		psql -X -At -v ON_ERROR_STOP=1 -d app -c "SELECT extversion = '$default_version' FROM pg_extension WHERE extname = 'callboard'" | grep -qx t
}
check "CREATE EXTENSION callboard from the installed files, at $default_version" create_extension

# pg_regress and the isolation test, as the build would run them.
installcheck() {
	make -C "$SRC" -s installcheck >"$WORK/installcheck.log" 2>&1 || {
		grep -E 'FAILED|failed' "$WORK/installcheck.log"
		head -n 40 "$SRC/regression.diffs" 2>/dev/null
		return 1
	}
}
check "make installcheck (pg_regress, isolation) against the installed extension" installcheck

roles() {
	psql -X -q -v ON_ERROR_STOP=1 -d app -v api_schema=api -v app_schema=public -f "/usr/share/$GATEWAY_PACKAGE/roles.sql" &&
		psql -X -q -v ON_ERROR_STOP=1 -d app -c "ALTER ROLE authenticator PASSWORD '$AUTHENTICATOR_PASSWORD'"
}
check "roles.sql as shipped" roles

# The administrator's step: the secrets into gateway.env.
printf 'AUTHENTICATOR_PASSWORD=%s\nDJANGO_SECRET_KEY=%s\n' "$AUTHENTICATOR_PASSWORD" "$DJANGO_SECRET_KEY" >>"$ENV_FILE"

if [ -z "${PGPORT:-}" ]; then
	check "the installed gateway on the cluster (there is no cluster)" false
else
	expected=$(psql -X -At -d app -c "SELECT api.scheduled_outbound_calls_summary()")
	port=$(free_port)
	# As the unit runs it: a clean environment with gateway.env's variables, the
	# callboard user, no new privileges, the shipped config.  The database and
	# the port are this test's, through PGRST_* (which override the file).
	mapfile -t secrets < <(grep -E '^[A-Za-z_]+=' "$ENV_FILE")
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${secrets[@]}" \
		PGRST_DB_URI="postgres://authenticator:$AUTHENTICATOR_PASSWORD@127.0.0.1:$PGPORT/app" \
		PGRST_SERVER_PORT="$port" \
		python3 test/package/gateway_run.py "$port" "$DJANGO_SECRET_KEY" "$stop_timeout" "$expected" "$WORK/gateway.log" -- \
		setpriv --reuid=callboard --regid=callboard --init-groups --no-new-privs \
		/usr/bin/callboard-gateway "$CONF" >"$WORK/gateway_run.out" 9>&-
	status=$?
	while IFS= read -r line; do
		case $line in
		"ok - "*) check "${line#ok - }" true ;;
		"not ok - "*) check "${line#not ok - }" false ;;
		esac
	done <"$WORK/gateway_run.out"
	check "test/package/gateway_run.py ran to the end" test "$status" -eq 0
	[ "$status" -eq 0 ] || tail -n 20 "$WORK/gateway.log" | sed 's/^/#   gateway: /'
fi

cluster_stop 9>&-

# ---- 4. purge -------------------------------------------------------------

: >"$WORK/files.list"
: >"$WORK/dirs.list"
for p in "${packages[@]}"; do
	dpkg -L "$p" | grep -vx '/\.' | while IFS= read -r f; do
		if [ -d "$f" ]; then
			[ -L "$f" ] || echo "$f" >>"$WORK/dirs.list"
		else
			echo "$f" >>"$WORK/files.list"
		fi
	done
done
echo "# $(wc -l <"$WORK/files.list") files installed"

purge_packages() {
	apt_get purge "${packages[@]}" >"$WORK/apt-purge.log" 2>&1 || {
		tail -n 30 "$WORK/apt-purge.log"
		return 1
	}
	installed=no
}
check "apt-get purge -y ${packages[*]}" purge_packages

nothing_left() {
	local left=0 f p
	while IFS= read -r f; do
		if [ -e "$f" ] || [ -L "$f" ]; then
			echo "left: $f"
			left=1
		fi
	done <"$WORK/files.list"
	# A directory no other package owns goes with the last file in it.
	while IFS= read -r f; do
		if [ -d "$f" ] && ! dpkg -S "$f" >/dev/null 2>&1; then
			echo "left: $f/"
			left=1
		fi
	done <"$WORK/dirs.list"
	for p in "${packages[@]}"; do
		if dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -qv '^un'; then
			echo "still known to dpkg: $p ($(dpkg-query -W -f='${db:Status-Abbrev}' "$p"))"
			left=1
		fi
	done
	return $left
}
check "no file of either package is left, and dpkg knows neither" nothing_left
check "/etc/callboard is gone, gateway.env with it" test ! -e /etc/callboard
check "no systemd state is left (deb-systemd-helper)" \
	bash -c '! ls /var/lib/systemd/deb-systemd-helper-enabled/ /var/lib/systemd/deb-systemd-helper-masked/ 2>/dev/null | grep -q callboard-gateway'
check "the callboard user is kept, as Debian keeps system users (debian/README.source)" \
	getent passwd callboard

exec 9>&-
locked=no

finish

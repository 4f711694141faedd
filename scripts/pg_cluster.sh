# pg_cluster.sh: a throwaway PostgreSQL cluster on a free loopback port.
# Source it, then:
#
#   cluster_start [name=value ...]   initdb + start, with extra server settings;
#                                    exports PGHOST, PGPORT, PGUSER, CLUSTER_DIR
#   cluster_ctl stop|start|restart   the same server, same settings (to test outages)
#   cluster_stop                     stop it and remove its directory
#   cluster_start_replica PORT       a hot standby of the cluster on PORT, made with
#                                    pg_basebackup and streaming over loopback; it is
#                                    a cluster like the others (same exports, same stop)
#
# The server runs as the `postgres` OS user when we are root (initdb refuses
# root), in a directory it owns, listening on 127.0.0.1 only, with trust
# authentication: it is never reachable from outside the machine and never
# outlives the script that started it.  It never touches another cluster.

PG_BIN=${PG_BIN:-$(pg_config --bindir)}

as_server_user() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

free_port() {
	local port
	for _ in $(seq 1 50); do
		port=$(( 20000 + RANDOM % 20000 ))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	echo "no free port found" >&2
	return 1
}

# cluster_start [extra postgres -c settings...]
cluster_start() {
	CLUSTER_DIR=$(mktemp -d /tmp/callboard-pg.XXXXXX)
	chmod 755 "$CLUSTER_DIR"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$CLUSTER_DIR"
	as_server_user "$PG_BIN/initdb" -D "$CLUSTER_DIR/data" -U postgres --auth=trust \
		--encoding=UTF8 --locale=C.UTF-8 >"$CLUSTER_DIR/initdb.log" 2>&1 || {
		cat "$CLUSTER_DIR/initdb.log" >&2
		rm -rf "$CLUSTER_DIR"
		return 1
	}
	local opts="-c listen_addresses=127.0.0.1 -k $CLUSTER_DIR -c fsync=off"
	for setting in "$@"; do
		opts="$opts -c $setting"
	done
	for _ in 1 2 3; do
		PGPORT=$(free_port) || return 1
		echo "-p $PGPORT $opts" >"$CLUSTER_DIR/options"
		if cluster_ctl start; then
			export PGHOST=127.0.0.1 PGPORT PGUSER=postgres CLUSTER_DIR
			return 0
		fi
	done
	cat "$CLUSTER_DIR/server.log" >&2
	rm -rf "$CLUSTER_DIR"
	return 1
}

cluster_start_replica() {
	local primary_port=$1
	CLUSTER_DIR=$(mktemp -d /tmp/callboard-pg.XXXXXX)
	chmod 755 "$CLUSTER_DIR"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$CLUSTER_DIR"
	as_server_user "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres \
		-D "$CLUSTER_DIR/data" -R -X stream -c fast >"$CLUSTER_DIR/basebackup.log" 2>&1 || {
		cat "$CLUSTER_DIR/basebackup.log" >&2
		rm -rf "$CLUSTER_DIR"
		return 1
	}
	PGPORT=$(free_port) || return 1
	# A standby needs at least its primary's max_prepared_transactions (the
	# clusters here allow a few, for tests of prepared transactions).
	echo "-p $PGPORT -c listen_addresses=127.0.0.1 -k $CLUSTER_DIR -c max_prepared_transactions=16" >"$CLUSTER_DIR/options"
	cluster_ctl start || {
		cat "$CLUSTER_DIR/server.log" >&2
		rm -rf "$CLUSTER_DIR"
		return 1
	}
	export PGHOST=127.0.0.1 PGPORT PGUSER=postgres CLUSTER_DIR
}

cluster_ctl() {
	as_server_user "$PG_BIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" \
		-o "$(cat "$CLUSTER_DIR/options")" -m fast -w -t 60 "$1" >/dev/null
}

cluster_stop() {
	[ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR/data" ] || return 0
	as_server_user "$PG_BIN/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w stop >/dev/null 2>&1
	rm -rf "$CLUSTER_DIR"
	CLUSTER_DIR=
}

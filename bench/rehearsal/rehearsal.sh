#!/usr/bin/env bash
# A rehearsal of running Folio on many machines, on one (issue 19): on
# loopback, with ports and a data folder of its own, it starts
#
#   PostgreSQL primary + streaming replica   (FOLIO_DATABASE_REPLICA_URLS)
#   Redis primary + replica + 3 sentinels    (FOLIO_REDIS_URL ?master_name=)
#   MinIO in distributed mode: 4 server processes, one drive each,
#     erasure-coded (EC:2), behind an nginx upstream like a load balancer
#   2 × folio serve behind nginx (passive health checks, next upstream)
#   2 × folio worker
#
# then runs bench/rehearsal (the public page mix with vegeta plus uploads
# through the API, a ledger of each), which kills the Redis primary, one
# MinIO node and one API process during the run, verifies that nothing
# acknowledged was lost and prints the report. Everything it started is
# stopped and its folder removed on exit (KEEP=1 keeps the folder).
#
#   make rehearsal     RATE=40 DURATION=3m USERS=1000 UPLOADERS=3 UPLOAD_EVERY=6s
#
# It never touches the shared development stack: its ports start at
# REHEARSAL_PORT (default 47000) and each is checked free first.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BASE=${REHEARSAL_PORT:-47000}
RATE=${RATE:-40}
DURATION=${DURATION:-3m}
USERS=${USERS:-1000}
UPLOADERS=${UPLOADERS:-3}
UPLOAD_EVERY=${UPLOAD_EVERY:-6s}

PG_PORT=$((BASE + 432)) PG_REPLICA_PORT=$((BASE + 433))
REDIS_PORTS=($((BASE + 379)) $((BASE + 380)))
SENTINEL_PORTS=($((BASE + 381)) $((BASE + 382)) $((BASE + 383)))
MINIO_LB_PORT=$((BASE + 900))
MINIO_PORTS=($((BASE + 901)) $((BASE + 902)) $((BASE + 903)) $((BASE + 904)))
API_LB_PORT=$((BASE + 80))
API_PORTS=($((BASE + 81)) $((BASE + 82)))

DB_USER=folio DB_PASSWORD=rehearsal-password DB_NAME=folio_scale_rehearsal
S3_ACCESS_KEY=rehearsal S3_SECRET_KEY=rehearsal-secret-key S3_BUCKET=folio

say() { printf 'rehearsal: %s\n' "$*" >&2; }
die() { printf 'rehearsal: %s\n' "$*" >&2; exit 1; }

# start NAME COMMAND... runs a process in its own session, logging to
# $LOG/NAME.log, and records its pid in $RUN/NAME.pid: the cleanup (and
# the fault injector) act on those pids only.
start() {
	local name=$1
	shift
	setsid "$@" >"$LOG/$name.log" 2>&1 </dev/null &
	echo $! >"$RUN/$name.pid"
}

wait_for() {
	local name=$1 secs=$2
	shift 2
	local deadline=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || die "$name did not come up within $secs s; see $LOG"
		sleep 0.2
	done
}

as_pg() { (cd / && runuser -u postgres -- "$@"); }

pg_bindir() {
	ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# folio_env writes the environment every Folio process of the rehearsal
# shares (sourced again by `rehearsal.sh restart-api`).
folio_env() {
	cat <<ENV
FOLIO_ENV=prod
FOLIO_BASE_URL=http://127.0.0.1:$API_LB_PORT
FOLIO_DATABASE_URL=postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/$DB_NAME?sslmode=disable
FOLIO_DATABASE_REPLICA_URLS=postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_REPLICA_PORT/$DB_NAME?sslmode=disable
FOLIO_REDIS_URL='redis://127.0.0.1:${SENTINEL_PORTS[0]}?master_name=folio&addr=127.0.0.1:${SENTINEL_PORTS[1]}&addr=127.0.0.1:${SENTINEL_PORTS[2]}'
FOLIO_S3_ENDPOINT=127.0.0.1:$MINIO_LB_PORT
FOLIO_S3_ACCESS_KEY=$S3_ACCESS_KEY
FOLIO_S3_SECRET_KEY=$S3_SECRET_KEY
FOLIO_S3_BUCKET=$S3_BUCKET
FOLIO_S3_USE_SSL=false
FOLIO_METRICS_ADDR=127.0.0.1:0
FOLIO_PUBLIC_RATE_LIMIT=100000000
FOLIO_WORKER_CONCURRENCY=1
FOLIO_FFMPEG_THREADS=1
FOLIO_DB_MAX_CONNS=10
ENV
}

start_api() {
	local i=$1
	(
		set -a
		. "$RUN/folio.env"
		set +a
		FOLIO_HTTP_ADDR=127.0.0.1:${API_PORTS[$((i - 1))]} start "api$i" "$ROOT/bin/folio" serve
	)
}

start_worker() {
	local i=$1
	(
		set -a
		. "$RUN/folio.env"
		set +a
		start "worker$i" "$ROOT/bin/folio" worker
	)
}

# `rehearsal.sh restart-api N DIR` is how the driver brings a killed API
# process back.
if [ "${1:-}" = restart-api ]; then
	WORK=$3 RUN=$3/run LOG=$3/log
	start_api "$2"
	exit 0
fi

for p in $PG_PORT $PG_REPLICA_PORT "${REDIS_PORTS[@]}" "${SENTINEL_PORTS[@]}" $MINIO_LB_PORT "${MINIO_PORTS[@]}" \
	$((MINIO_PORTS[0] + 10)) $((MINIO_PORTS[1] + 10)) $((MINIO_PORTS[2] + 10)) $((MINIO_PORTS[3] + 10)) $API_LB_PORT "${API_PORTS[@]}"; do
	if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then die "port $p is in use; set REHEARSAL_PORT to move the rehearsal's ports"; fi
done
[ "$(id -u)" = 0 ] || die "run as root: nginx and the postgres user need it (the rehearsal stays on loopback)"
command -v nginx >/dev/null || die "nginx is missing: apt-get install nginx-light"
command -v redis-server >/dev/null || die "redis-server is missing"
PGBIN=$(pg_bindir)
[ -n "$PGBIN" ] || die "PostgreSQL server tools are missing"
MINIO=$(command -v minio || echo "$(go env GOPATH)/bin/minio")
[ -x "$MINIO" ] || die "the MinIO server is missing (deploy/stack.sh up installs it)"
[ -x "$ROOT/bin/folio" ] || die "bin/folio is missing: make build"

# /var/tmp: the postgres user and nginx's workers must reach the folder.
WORK=$(mktemp -d /var/tmp/folio-rehearsal.XXXXXX)
chmod 755 "$WORK"
RUN=$WORK/run LOG=$WORK/log
mkdir -p "$RUN" "$LOG"

# ours PID PIDFILE: whether PID is still the process the pid file names (a
# pid reused by another process is left alone). Folio and MinIO name the
# rehearsal's folder or binary on their command line; Redis rewrites its
# own to "redis-server 127.0.0.1:PORT", the port in the pid file's name.
ours() {
	local cmd port
	cmd=$({ tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null) || return 1
	port=$(basename "$2" .pid)
	port=${port##*-}
	case $cmd in
	*"$WORK"* | *"$ROOT/bin/folio"*) return 0 ;;
	"redis-server 127.0.0.1:$port"*) return 0 ;;
	esac
	return 1
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	say "stopping everything it started"
	local f pid
	for f in "$RUN"/*.pid; do
		[ -e "$f" ] || continue
		pid=$(cat "$f" 2>/dev/null || true)
		# Only a live process whose command line names this rehearsal's
		# folder or binary: a pid reused by another process is left alone.
		if [ -n "$pid" ] && ours "$pid" "$f"; then
			kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
		fi
	done
	[ -f "$WORK/nginx/nginx.pid" ] && kill -QUIT "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
	for d in "$WORK/pg/replica" "$WORK/pg/primary"; do
		[ -f "$d/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1 || true
	done
	local deadline=$((SECONDS + 15))
	for f in "$RUN"/*.pid; do
		[ -e "$f" ] || continue
		pid=$(cat "$f" 2>/dev/null || true)
		while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
		if [ -n "$pid" ] && ours "$pid" "$f"; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
	if [ "${KEEP:-0}" = 1 ]; then say "logs kept in $WORK"; else rm -rf "$WORK"; fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- PostgreSQL: a primary and a streaming replica of it.
say "PostgreSQL primary on :$PG_PORT, replica on :$PG_REPLICA_PORT"
mkdir -p "$WORK/pg/sock"
chown -R postgres: "$WORK/pg"
printf '%s\n' "$DB_PASSWORD" >"$WORK/pg/pwfile"
chown postgres: "$WORK/pg/pwfile"
as_pg "$PGBIN/initdb" -D "$WORK/pg/primary" -U "$DB_USER" --pwfile="$WORK/pg/pwfile" \
	--auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$LOG/initdb.log" 2>&1 || die "initdb failed; see $LOG/initdb.log"
as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/primary" -l "$WORK/pg/primary.log" -w -t 60 start -o \
	"-p $PG_PORT -k $WORK/pg/sock -c listen_addresses=127.0.0.1 -c max_connections=200 -c wal_keep_size=256MB" >/dev/null ||
	die "postgres did not start; see $WORK/pg/primary.log"
printf '127.0.0.1:%s:*:%s:%s\n' "$PG_PORT" "$DB_USER" "$DB_PASSWORD" >"$WORK/pg/pgpass"
chmod 600 "$WORK/pg/pgpass"
chown postgres: "$WORK/pg/pgpass"
as_pg env PGPASSFILE="$WORK/pg/pgpass" "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" \
	-D "$WORK/pg/replica" -R -X stream -c fast >"$LOG/pg_basebackup.log" 2>&1 || die "pg_basebackup failed; see $LOG/pg_basebackup.log"
as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/replica" -l "$WORK/pg/replica.log" -w -t 60 start -o \
	"-p $PG_REPLICA_PORT -k $WORK/pg/sock -c listen_addresses=127.0.0.1 -c max_connections=200 -c hot_standby_feedback=on" >/dev/null ||
	die "the postgres replica did not start; see $WORK/pg/replica.log"

# ---- Redis: a primary, a replica and three sentinels (quorum 2).
say "Redis primary :${REDIS_PORTS[0]}, replica :${REDIS_PORTS[1]}, sentinels :${SENTINEL_PORTS[*]}"
for i in 0 1; do
	p=${REDIS_PORTS[$i]}
	mkdir -p "$WORK/redis/$p"
	extra=()
	[ "$i" = 1 ] && extra=(--replicaof 127.0.0.1 "${REDIS_PORTS[0]}")
	start "redis-$p" redis-server --bind 127.0.0.1 --port "$p" --dir "$WORK/redis/$p" \
		--appendonly yes --appendfsync everysec --save "" --protected-mode yes "${extra[@]}"
	wait_for "redis :$p" 20 redis-cli -p "$p" ping
done
for p in "${SENTINEL_PORTS[@]}"; do
	mkdir -p "$WORK/sentinel/$p"
	cat >"$WORK/sentinel/$p/sentinel.conf" <<CONF
bind 127.0.0.1
port $p
dir $WORK/sentinel/$p
sentinel monitor folio 127.0.0.1 ${REDIS_PORTS[0]} 2
sentinel down-after-milliseconds folio 2000
sentinel failover-timeout folio 10000
sentinel parallel-syncs folio 1
CONF
	start "sentinel-$p" redis-server "$WORK/sentinel/$p/sentinel.conf" --sentinel
	wait_for "sentinel :$p" 20 redis-cli -p "$p" ping
done
sentinels_ready() {
	redis-cli -p "${REDIS_PORTS[1]}" info replication | grep -q master_link_status:up || return 1
	local p
	for p in "${SENTINEL_PORTS[@]}"; do
		[ "$(redis-cli -p "$p" sentinel replicas folio 2>/dev/null | grep -c "^name$")" -ge 1 ] || return 1
		[ "$(redis-cli -p "$p" sentinel sentinels folio 2>/dev/null | grep -c "^name$")" -ge 2 ] || return 1
	done
}
wait_for "the sentinel group" 60 sentinels_ready

# ---- MinIO: four server processes, one drive each, one erasure set.
say "MinIO distributed on :${MINIO_PORTS[*]} (load balancer :$MINIO_LB_PORT)"
endpoints=()
for i in 0 1 2 3; do endpoints+=("http://127.0.0.1:${MINIO_PORTS[$i]}$WORK/minio/d$((i + 1))"); done
for i in 0 1 2 3; do
	mkdir -p "$WORK/minio/d$((i + 1))"
	# MINIO_CI_CD lets four drives share one disk, as they do here;
	# _MINIO_SERVER_LOCAL names the node's own endpoint, which MinIO
	# otherwise refuses to find on loopback inside a container.
	_MINIO_SERVER_LOCAL=127.0.0.1:${MINIO_PORTS[$i]} MINIO_ROOT_USER=$S3_ACCESS_KEY MINIO_ROOT_PASSWORD=$S3_SECRET_KEY MINIO_CI_CD=on \
		MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off MINIO_API_CORS_ALLOW_ORIGIN="*" \
		start "minio-${MINIO_PORTS[$i]}" "$MINIO" server --quiet --address "127.0.0.1:${MINIO_PORTS[$i]}" \
		--console-address "127.0.0.1:$((MINIO_PORTS[i] + 10))" "${endpoints[@]}"
done

# ---- nginx: the load balancer in front of the API processes and MinIO.
mkdir -p "$WORK/nginx/tmp"
chown -R www-data: "$WORK/nginx/tmp" 2>/dev/null || chmod 777 "$WORK/nginx/tmp"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $LOG/nginx-error.log warn;
events { worker_connections 8192; }
http {
	access_log off;
	client_body_temp_path $WORK/nginx/tmp/body;
	proxy_temp_path $WORK/nginx/tmp/proxy;
	fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
	uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
	scgi_temp_path $WORK/nginx/tmp/scgi;
	# Passive health checks: a server that refuses or resets a connection
	# is skipped for fail_timeout, and the request goes to the next one.
	upstream folio {
		server 127.0.0.1:${API_PORTS[0]} max_fails=1 fail_timeout=3s;
		server 127.0.0.1:${API_PORTS[1]} max_fails=1 fail_timeout=3s;
		keepalive 64;
	}
	upstream minio {
		least_conn;
		server 127.0.0.1:${MINIO_PORTS[0]} max_fails=1 fail_timeout=3s;
		server 127.0.0.1:${MINIO_PORTS[1]} max_fails=1 fail_timeout=3s;
		server 127.0.0.1:${MINIO_PORTS[2]} max_fails=1 fail_timeout=3s;
		server 127.0.0.1:${MINIO_PORTS[3]} max_fails=1 fail_timeout=3s;
		keepalive 32;
	}
	server {
		listen 127.0.0.1:$API_LB_PORT;
		client_max_body_size 0;
		# Upload bodies stream through; nginx keeps no copy.
		proxy_request_buffering off;
		proxy_http_version 1.1;
		proxy_set_header Connection "";
		proxy_set_header Host \$http_host;
		proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
		proxy_connect_timeout 1s;
		proxy_read_timeout 120s;
		# A refused or reset connection is tried on the other server; a
		# POST only when nothing was sent to the dead one (nginx's rule).
		proxy_next_upstream error timeout;
		proxy_next_upstream_tries 2;
		location / { proxy_pass http://folio; }
	}
	server {
		listen 127.0.0.1:$MINIO_LB_PORT;
		client_max_body_size 0;
		ignore_invalid_headers off;
		proxy_buffering off;
		proxy_request_buffering off;
		proxy_http_version 1.1;
		proxy_set_header Connection "";
		# S3 signatures cover the Host header: it must pass unchanged.
		proxy_set_header Host \$http_host;
		proxy_connect_timeout 1s;
		proxy_read_timeout 120s;
		proxy_next_upstream error timeout;
		location / { proxy_pass http://minio; }
	}
}
CONF
nginx -t -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" >"$LOG/nginx-test.log" 2>&1 || die "nginx rejected its config; see $LOG/nginx-test.log"
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -g "daemon on;" || die "nginx did not start; see $LOG/nginx-error.log"

minio_ready() { curl -fs -o /dev/null "http://127.0.0.1:$MINIO_LB_PORT/minio/health/cluster"; }
wait_for "the MinIO cluster" 120 minio_ready
bucket() {
	local code
	code=$(curl -sS -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" \
		-u "$S3_ACCESS_KEY:$S3_SECRET_KEY" -X PUT "http://127.0.0.1:$MINIO_LB_PORT/$S3_BUCKET" || true)
	[ "$code" = 200 ] || [ "$code" = 409 ]
}
wait_for "the bucket" 60 bucket

# ---- Data: synthetic portfolios (bench/scale), migrated, on the primary.
folio_env >"$RUN/folio.env"
set -a
. "$RUN/folio.env"
set +a
say "generating $USERS portfolios (bench/scale)"
go build -o "$WORK/scale" "$ROOT/bench/scale"
go build -o "$WORK/driver" "$ROOT/bench/rehearsal"
FOLIO_DATABASE_URL=postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/postgres?sslmode=disable \
	"$WORK/scale" -users "$USERS" -runs 1 -keep "$DB_NAME" >"$LOG/scale.log" 2>&1 || die "generating data failed; see $LOG/scale.log"

# ---- Folio: two API processes and two workers.
say "folio serve on :${API_PORTS[*]} behind nginx :$API_LB_PORT; two folio workers"
start_api 1
start_api 2
start_worker 1
start_worker 2
for p in "${API_PORTS[@]}"; do wait_for "folio serve :$p" 60 curl -fs "http://127.0.0.1:$p/readyz"; done

# Test media: a screenshot and a short screencast.
ffmpeg -v error -f lavfi -i testsrc2=size=800x500 -frames:v 1 "$WORK/screenshot.png"
ffmpeg -v error -f lavfi -i testsrc2=size=480x270:rate=24 -f lavfi -i sine=frequency=440 -t 3 \
	-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest "$WORK/screencast.mp4"

say "running: $RATE req/s of the public mix for $DURATION, $UPLOADERS uploaders, three faults"
"$WORK/driver" -url "http://127.0.0.1:$API_LB_PORT" -users "$USERS" -rate "$RATE" -duration "$DURATION" \
	-uploaders "$UPLOADERS" -upload-every "$UPLOAD_EVERY" -verify-within 20m -run "$RUN" -work "$WORK" \
	-screenshot "$WORK/screenshot.png" -screencast "$WORK/screencast.mp4" \
	-sentinels "127.0.0.1:${SENTINEL_PORTS[0]},127.0.0.1:${SENTINEL_PORTS[1]},127.0.0.1:${SENTINEL_PORTS[2]}" \
	-minio "127.0.0.1:${MINIO_PORTS[0]},127.0.0.1:${MINIO_PORTS[1]},127.0.0.1:${MINIO_PORTS[2]},127.0.0.1:${MINIO_PORTS[3]}" \
	-minio-lb "127.0.0.1:$MINIO_LB_PORT" \
	-api "127.0.0.1:${API_PORTS[0]},127.0.0.1:${API_PORTS[1]}" \
	-restart-api "$ROOT/bench/rehearsal/rehearsal.sh restart-api {n} $WORK"

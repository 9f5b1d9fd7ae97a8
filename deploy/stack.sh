#!/usr/bin/env bash
# Local stack without Docker: PostgreSQL (and a streaming replica of it, for
# the read-replica tests), Redis, MinIO and Mailpit (a mail
# server that keeps every message for reading in its web UI) on loopback, on
# non-standard ports so they never collide with a system-wide install, with
# their data under .data/ in the checkout.
#
#   deploy/stack.sh up      install what is missing, start what is stopped,
#                           wait until each answers, create the bucket and
#                           write .data/stack.env (a no-op when all run)
#   deploy/stack.sh down    stop all four (data is kept)
#   deploy/stack.sh status  say what runs
#   deploy/stack.sh env     print the FOLIO_* variables for this stack
#
# Ports and the data folder can be moved with FOLIO_STACK_DIR,
# FOLIO_STACK_PG_PORT, FOLIO_STACK_PG_REPLICA_PORT, FOLIO_STACK_REDIS_PORT, FOLIO_STACK_MINIO_PORT,
# FOLIO_STACK_MAILPIT_SMTP_PORT and FOLIO_STACK_MAILPIT_PORT (its web UI
# and API).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${FOLIO_STACK_DIR:-$ROOT/.data}
PG_PORT=${FOLIO_STACK_PG_PORT:-55432}
PG_REPLICA_PORT=${FOLIO_STACK_PG_REPLICA_PORT:-$((PG_PORT + 1))}
REDIS_PORT=${FOLIO_STACK_REDIS_PORT:-56379}
MINIO_PORT=${FOLIO_STACK_MINIO_PORT:-59000}
MINIO_CONSOLE_PORT=$((MINIO_PORT + 1))
# A pseudo-version known to build with the Go release this project uses.
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
MAILPIT_SMTP_PORT=${FOLIO_STACK_MAILPIT_SMTP_PORT:-51025}
MAILPIT_PORT=${FOLIO_STACK_MAILPIT_PORT:-58025}
MAILPIT_VERSION=v1.33.1
# Pebble (a local ACME server) and pebble-challtestsrv (its DNS server),
# which the custom domain tests start per test (internal/testenv).
PEBBLE_VERSION=v2.8.0

DB_USER=folio
DB_PASSWORD=folio-dev-password
DB_NAME=folio
S3_ACCESS_KEY=folio-dev
S3_SECRET_KEY=folio-dev-secret-key
S3_BUCKET=folio
# Mailpit accepts any login on loopback; Folio sends these to exercise its
# SMTP authentication.
SMTP_USER=folio
SMTP_PASSWORD=folio-dev-mail
MAIL_FROM=folio@localhost

LOG=$DATA/log
RUN=$DATA/run

say() { printf 'stack: %s\n' "$*" >&2; }
die() { printf 'stack: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

# PostgreSQL refuses to run as root, so as root its processes run as the
# postgres system user that the Debian package creates.
as_pg() {
	# From /, since the postgres user may not be allowed into the caller's folder.
	if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pg_bindir() {
	# The server tools sit together in one folder; pg_ctl on the PATH may be
	# a lone symlink to it.
	if command -v pg_ctl >/dev/null 2>&1; then
		local d
		d=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
		if [ -x "$d/initdb" ] && [ -x "$d/pg_isready" ] && [ -x "$d/psql" ]; then
			echo "$d"
			return
		fi
	fi
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
	[ -n "$d" ] && [ -x "$d/pg_ctl" ] && echo "$d"
}

minio_bin() {
	local gobin
	gobin=$(go env GOBIN 2>/dev/null || true)
	[ -n "$gobin" ] || gobin=$(go env GOPATH 2>/dev/null)/bin
	for c in "${FOLIO_MINIO_BIN:-}" "$DATA/bin/minio" "$gobin/minio" "$(command -v minio 2>/dev/null || true)"; do
		if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return; fi
	done
}

mailpit_bin() {
	local gobin
	gobin=$(go env GOBIN 2>/dev/null || true)
	[ -n "$gobin" ] || gobin=$(go env GOPATH 2>/dev/null)/bin
	for c in "${FOLIO_MAILPIT_BIN:-}" "$DATA/bin/mailpit" "$gobin/mailpit" "$(command -v mailpit 2>/dev/null || true)"; do
		if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return; fi
	done
}

install_missing() {
	local pkgs=()
	[ -n "$(pg_bindir)" ] || pkgs+=(postgresql)
	command -v redis-server >/dev/null 2>&1 || pkgs+=(redis-server)
	command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || pkgs+=(ffmpeg)
	command -v git >/dev/null 2>&1 || pkgs+=(git)
	if [ ${#pkgs[@]} -gt 0 ]; then
		if command -v apt-get >/dev/null 2>&1; then
			local sudo=()
			if ! is_root; then
				command -v sudo >/dev/null 2>&1 || die "missing ${pkgs[*]}; install them with: sudo apt-get install -y ${pkgs[*]}"
				sudo=(sudo)
			fi
			say "installing ${pkgs[*]} from the distribution's packages"
			"${sudo[@]}" apt-get update -qq
			DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
		elif command -v brew >/dev/null 2>&1; then
			die "missing ${pkgs[*]}; install them with: brew install postgresql@16 redis ffmpeg"
		elif command -v dnf >/dev/null 2>&1; then
			die "missing ${pkgs[*]}; install them with: sudo dnf install -y postgresql-server redis ffmpeg"
		else
			die "missing ${pkgs[*]}; install PostgreSQL 15+, Redis 7 and ffmpeg with your package manager, then run this again"
		fi
	fi
	if [ -z "$(minio_bin)" ]; then
		command -v go >/dev/null 2>&1 || die "the MinIO server is missing and so is Go to build it; install Go from https://go.dev/dl/"
		say "building the MinIO server (once, about 3 minutes; cached in $(go env GOPATH)/bin)"
		go install "github.com/minio/minio@$MINIO_VERSION"
	fi
	if [ -z "$(mailpit_bin)" ]; then
		command -v go >/dev/null 2>&1 || die "Mailpit is missing and so is Go to build it; install Go from https://go.dev/dl/"
		say "building Mailpit $MAILPIT_VERSION (once; cached in $(go env GOPATH)/bin)"
		go install "github.com/axllent/mailpit@$MAILPIT_VERSION"
	fi
	local gobin
	gobin=$(go env GOBIN 2>/dev/null || true)
	[ -n "$gobin" ] || gobin=$(go env GOPATH 2>/dev/null)/bin
	for tool in pebble pebble-challtestsrv; do
		if [ ! -x "$gobin/$tool" ] && ! command -v "$tool" >/dev/null 2>&1; then
			command -v go >/dev/null 2>&1 || die "$tool is missing and so is Go to build it; install Go from https://go.dev/dl/"
			say "building $tool $PEBBLE_VERSION for the TLS tests (once; cached in $gobin)"
			go install "github.com/letsencrypt/pebble/v2/cmd/$tool@$PEBBLE_VERSION"
		fi
	done
}

# wait_for NAME LOGFILE COMMAND... polls COMMAND until it succeeds or 30 s pass.
wait_for() {
	local name=$1 logfile=$2
	shift 2
	local deadline=$((SECONDS + 30))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || die "$name did not answer within 30 s; see $logfile"
		sleep 0.1
	done
}

pg_home() {
	# The postgres user must be able to reach its data folder. When the
	# checkout sits below a folder it cannot enter (a root-only home),
	# the cluster lives in /var/tmp instead and .data/postgres points to it.
	local home=$DATA/postgres
	if is_root && [ ! -L "$home" ] && [ ! -d "$home" ]; then
		mkdir -p "$home"
		chown postgres: "$home"
		if ! runuser -u postgres -- test -w "$home"; then
			rmdir "$home"
			local alt
			alt=/var/tmp/folio-stack-$(printf '%s' "$DATA" | md5sum | cut -c1-12)/postgres
			mkdir -p "$alt"
			chown postgres: "$alt" "$(dirname "$alt")"
			ln -s "$alt" "$home"
		fi
	fi
	mkdir -p "$home"
	# The postgres user reaches the cluster by its real path, never through
	# the link in a folder it may not enter.
	readlink -f "$home"
}

pg_running() {
	local bin=$1 home=$2
	[ -f "$home/data/PG_VERSION" ] && as_pg "$bin/pg_ctl" status -D "$home/data" >/dev/null 2>&1
}

# PostgreSQL's shared memory goes in huge pages when the kernel has them.
# Without, every new backend maps each shared buffer it touches with page
# faults 4 KB at a time: a pool of fresh connections served the portfolio
# query at 500 a second in its first second and 6,000 after ten, where with
# huge pages it serves 11,000 from the second second (see deploy/README,
# "Give PostgreSQL huge pages"). As root the stack reserves the pages a server needs
# (postgres -C shared_memory_size_in_huge_pages), beyond those free
# already, and returns them when it stops the server; otherwise the server
# runs without (huge_pages=try) and the stack says how to give it them.
HUGEPAGES=/proc/sys/vm/nr_hugepages
# Held while counting and changing the reservation.
HUGEPAGES_LOCK=${TMPDIR:-/tmp}/folio-stack-hugepages.lock

# hugepages_reserve bin datadir name [server options]: reserve what the
# stopped server at datadir needs, noted in $RUN/hugepages-name.
hugepages_reserve() {
	local bin=$1 dir=$2 name=$3 need free
	shift 3
	[ -w "$HUGEPAGES" ] || return 0
	need=$(as_pg "$bin/postgres" -D "$dir" "$@" -C shared_memory_size_in_huge_pages 2>/dev/null) || return 0
	[[ $need =~ ^[0-9]+$ ]] && [ "$need" -gt 0 ] || return 0
	(
		# Two stacks starting at once must not both count the same free pages.
		flock 9
		free=$(awk '/^HugePages_Free/ {f=$2} /^HugePages_Rsvd/ {r=$2} END {print f-r}' /proc/meminfo)
		if [ "$free" -lt "$need" ]; then
			local add=$((need - free))
			echo $(($(cat "$HUGEPAGES") + add)) >"$HUGEPAGES"
			echo "$add" >"$RUN/hugepages-$name"
		fi
	) 9>"$HUGEPAGES_LOCK"
}

# hugepages_release name: give back what hugepages_reserve noted.
hugepages_release() {
	local note=$RUN/hugepages-$1
	[ -f "$note" ] || return 0
	if [ -w "$HUGEPAGES" ]; then
		(
			flock 9
			local n
			n=$(($(cat "$HUGEPAGES") - $(cat "$note")))
			echo $((n < 0 ? 0 : n)) >"$HUGEPAGES"
		) 9>"$HUGEPAGES_LOCK"
	fi
	rm -f "$note"
}

# pg_huge_pages datadir: whether the server running there has its shared
# memory in huge pages (PostgreSQL 15 does not report it itself).
pg_huge_pages() {
	local pid
	pid=$(as_pg head -n 1 "$1/postmaster.pid" 2>/dev/null) || return 1
	as_pg grep -q '^KernelPageSize: *2048 kB' "/proc/$pid/smaps" 2>/dev/null
}

pg_say_huge_pages() {
	local dir=$1 name=$2
	[ -e "$HUGEPAGES" ] || return 0
	if ! pg_huge_pages "$dir"; then
		say "$name runs without huge pages, so new connections start slowly; as root the stack reserves them (or: sysctl vm.nr_hugepages, see deploy/README)"
	fi
}

pg_up() {
	local bin home
	bin=$(pg_bindir)
	home=$(pg_home)
	if is_root; then chown postgres: "$home"; fi
	if [ ! -f "$home/data/PG_VERSION" ]; then
		say "creating the PostgreSQL cluster"
		local pwfile=$home/pwfile
		printf '%s\n' "$DB_PASSWORD" >"$pwfile"
		if is_root; then chown postgres: "$pwfile"; fi
		as_pg "$bin/initdb" -D "$home/data" -U "$DB_USER" --pwfile="$pwfile" \
			--auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$LOG/initdb.log" 2>&1 ||
			die "initdb failed; see $LOG/initdb.log"
		rm -f "$pwfile"
	fi
	if pg_running "$bin" "$home"; then
		say "postgres already running on 127.0.0.1:$PG_PORT"
	else
		as_pg mkdir -p "$home/sock"
		# Tests open a pool per test database, hence the connection limit;
		# synchronous_commit=off trades the last few ms of commits on a host
		# crash for speed, which suits a development stack.
		hugepages_reserve "$bin" "$home/data" postgres -c max_connections=400
		as_pg "$bin/pg_ctl" -D "$home/data" -l "$home/postgres.log" -w -t 30 start -o \
			"-p $PG_PORT -k $home/sock -c listen_addresses=127.0.0.1 -c max_connections=400 -c huge_pages=try -c synchronous_commit=off -c wal_keep_size=512MB" >/dev/null ||
			die "postgres did not start; see $home/postgres.log"
		say "postgres started on 127.0.0.1:$PG_PORT"
		pg_say_huge_pages "$home/data" postgres
	fi
	wait_for postgres "$home/postgres.log" "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
	if ! PGPASSWORD=$DB_PASSWORD "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d postgres -tAc \
		"SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
		PGPASSWORD=$DB_PASSWORD "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" "$DB_NAME"
	fi
}

# The replica is a copy made by pg_basebackup that follows the primary's
# WAL stream (hot standby, read-only). It is disposable: when it is not
# running it is made afresh, so a replica left behind while the stack was
# down never needs repairing. wal_keep_size above lets it catch up after a
# pause without a replication slot, which would keep WAL forever for a
# replica that is gone.
pg_replica_up() {
	local bin home dir
	bin=$(pg_bindir)
	home=$(pg_home)
	dir=$home/replica
	if [ -f "$dir/PG_VERSION" ] && as_pg "$bin/pg_ctl" status -D "$dir" >/dev/null 2>&1; then
		say "postgres replica already running on 127.0.0.1:$PG_REPLICA_PORT"
		return
	fi
	as_pg rm -rf "$dir"
	local pass=$home/pgpass
	printf '127.0.0.1:%s:*:%s:%s\n' "$PG_PORT" "$DB_USER" "$DB_PASSWORD" >"$pass"
	chmod 600 "$pass"
	if is_root; then chown postgres: "$pass"; fi
	as_pg env PGPASSFILE="$pass" "$bin/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" \
		-D "$dir" -R -X stream -c fast >"$LOG/pg_basebackup.log" 2>&1 ||
		die "pg_basebackup failed; see $LOG/pg_basebackup.log"
	# The copy's connection string names the password file, which stays.
	hugepages_reserve "$bin" "$dir" replica -c max_connections=400
	as_pg "$bin/pg_ctl" -D "$dir" -l "$home/replica.log" -w -t 30 start -o \
		"-p $PG_REPLICA_PORT -k $home/sock -c listen_addresses=127.0.0.1 -c max_connections=400 -c huge_pages=try -c hot_standby_feedback=on" >/dev/null ||
		die "postgres replica did not start; see $home/replica.log"
	wait_for "postgres replica" "$home/replica.log" "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_REPLICA_PORT"
	say "postgres replica started on 127.0.0.1:$PG_REPLICA_PORT"
	pg_say_huge_pages "$dir" "postgres replica"
}

redis_running() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

redis_up() {
	if redis_running; then
		say "redis already running on 127.0.0.1:$REDIS_PORT"
		return
	fi
	mkdir -p "$DATA/redis"
	# Many logical databases so that each test can claim one of its own;
	# the append-only file persists, RDB snapshots are off.
	redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$DATA/redis" \
		--daemonize yes --pidfile "$RUN/redis.pid" --logfile "$LOG/redis.log" \
		--appendonly yes --save "" --databases 1024 --protected-mode yes
	wait_for redis "$LOG/redis.log" redis_running
	say "redis started on 127.0.0.1:$REDIS_PORT"
}

minio_running() { curl -fs -o /dev/null "http://127.0.0.1:$MINIO_PORT/minio/health/live"; }

minio_up() {
	if minio_running; then
		say "minio already running on 127.0.0.1:$MINIO_PORT"
	else
		mkdir -p "$DATA/minio"
		# CORS lets the browser on the app's origin PUT upload parts straight
		# to MinIO with presigned URLs. This MinIO listens on loopback only
		# and every request is signed, so any local origin may (tests run the
		# app on random ports); a production store lists its one origin.
		MINIO_ROOT_USER=$S3_ACCESS_KEY MINIO_ROOT_PASSWORD=$S3_SECRET_KEY \
			MINIO_API_CORS_ALLOW_ORIGIN="*" \
			MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off \
			setsid nohup "$(minio_bin)" server --quiet --address "127.0.0.1:$MINIO_PORT" \
			--console-address "127.0.0.1:$MINIO_CONSOLE_PORT" "$DATA/minio" \
			>"$LOG/minio.log" 2>&1 </dev/null &
		echo $! >"$RUN/minio.pid"
		wait_for minio "$LOG/minio.log" minio_running
		say "minio started on 127.0.0.1:$MINIO_PORT (console on :$MINIO_CONSOLE_PORT)"
	fi
	# S3 answers 409 when the bucket already exists, which is what we want.
	# A MinIO that is alive may still answer 503 while it initializes (slowly
	# on a busy machine), so a 5xx is retried for a while.
	local code deadline=$((SECONDS + 60))
	while :; do
		code=$(curl -sS -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" \
			-u "$S3_ACCESS_KEY:$S3_SECRET_KEY" -X PUT "http://127.0.0.1:$MINIO_PORT/$S3_BUCKET" || true)
		case $code in
		200 | 409) return ;;
		5* | 000) [ $SECONDS -lt $deadline ] || die "could not create bucket $S3_BUCKET (HTTP $code); see $LOG/minio.log" ;;
		*) die "could not create bucket $S3_BUCKET (HTTP $code)" ;;
		esac
		sleep 0.5
	done
}

mailpit_running() { curl -fs -o /dev/null "http://127.0.0.1:$MAILPIT_PORT/livez"; }

mailpit_up() {
	if mailpit_running; then
		say "mailpit already running (SMTP 127.0.0.1:$MAILPIT_SMTP_PORT, mail at http://127.0.0.1:$MAILPIT_PORT)"
		return
	fi
	mkdir -p "$DATA/mailpit"
	# Any login is accepted and no TLS is offered: it listens on loopback
	# only, and Folio sends without TLS only to a loopback server. --max
	# keeps the newest 5000 messages, as tests add some on every run.
	setsid nohup "$(mailpit_bin)" --smtp "127.0.0.1:$MAILPIT_SMTP_PORT" --listen "127.0.0.1:$MAILPIT_PORT" \
		--database "$DATA/mailpit/mailpit.db" --smtp-auth-accept-any --smtp-auth-allow-insecure --max 5000 \
		>"$LOG/mailpit.log" 2>&1 </dev/null &
	echo $! >"$RUN/mailpit.pid"
	wait_for mailpit "$LOG/mailpit.log" mailpit_running
	say "mailpit started (SMTP 127.0.0.1:$MAILPIT_SMTP_PORT; read the mail at http://127.0.0.1:$MAILPIT_PORT)"
}

print_env() {
	cat <<ENV
FOLIO_DATABASE_URL=postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/$DB_NAME?sslmode=disable
FOLIO_STACK_REPLICA_ADDR=127.0.0.1:$PG_REPLICA_PORT
FOLIO_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
FOLIO_S3_ENDPOINT=127.0.0.1:$MINIO_PORT
FOLIO_S3_ACCESS_KEY=$S3_ACCESS_KEY
FOLIO_S3_SECRET_KEY=$S3_SECRET_KEY
FOLIO_S3_BUCKET=$S3_BUCKET
FOLIO_S3_USE_SSL=false
FOLIO_SMTP_URL=smtp://$SMTP_USER:$SMTP_PASSWORD@127.0.0.1:$MAILPIT_SMTP_PORT
FOLIO_MAIL_FROM=$MAIL_FROM
FOLIO_MAILPIT_URL=http://127.0.0.1:$MAILPIT_PORT
ENV
}

up() {
	mkdir -p "$DATA" "$LOG" "$RUN"
	install_missing
	pg_up
	pg_replica_up
	redis_up
	minio_up
	mailpit_up
	print_env >"$DATA/stack.env.tmp"
	mv "$DATA/stack.env.tmp" "$DATA/stack.env"
	say "ready; environment in ${DATA#"$ROOT"/}/stack.env"
}

down() {
	local bin home
	home=$(readlink -f "$DATA/postgres" 2>/dev/null || echo "$DATA/postgres")
	bin=$(pg_bindir || true)
	if [ -n "$bin" ] && [ -f "$home/replica/PG_VERSION" ] && as_pg "$bin/pg_ctl" status -D "$home/replica" >/dev/null 2>&1; then
		as_pg "$bin/pg_ctl" -D "$home/replica" -m fast -w stop >/dev/null && say "postgres replica stopped"
	fi
	hugepages_release replica
	if [ -n "$bin" ] && pg_running "$bin" "$home"; then
		as_pg "$bin/pg_ctl" -D "$home/data" -m fast -w stop >/dev/null && say "postgres stopped"
	fi
	hugepages_release postgres
	if redis_running; then
		redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
		say "redis stopped"
	fi
	if [ -f "$RUN/minio.pid" ] && kill "$(cat "$RUN/minio.pid")" 2>/dev/null; then
		local deadline=$((SECONDS + 10))
		while minio_running && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
		say "minio stopped"
	fi
	rm -f "$RUN/minio.pid"
	if [ -f "$RUN/mailpit.pid" ] && kill "$(cat "$RUN/mailpit.pid")" 2>/dev/null; then
		local deadline=$((SECONDS + 10))
		while mailpit_running && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
		say "mailpit stopped"
	fi
	rm -f "$RUN/mailpit.pid"
}

status() {
	local bin
	bin=$(pg_bindir || true)
	if [ -n "$bin" ] && pg_running "$bin" "$(readlink -f "$DATA/postgres" 2>/dev/null || echo "$DATA/postgres")"; then
		say "postgres: running on :$PG_PORT"
		pg_say_huge_pages "$(readlink -f "$DATA/postgres")/data" postgres
	else say "postgres: stopped"; fi
	if [ -n "$bin" ] && as_pg "$bin/pg_ctl" status -D "$(readlink -f "$DATA/postgres" 2>/dev/null || echo "$DATA/postgres")/replica" >/dev/null 2>&1; then say "postgres replica: running on :$PG_REPLICA_PORT"; else say "postgres replica: stopped"; fi
	if redis_running; then say "redis: running on :$REDIS_PORT"; else say "redis: stopped"; fi
	if minio_running; then say "minio: running on :$MINIO_PORT"; else say "minio: stopped"; fi
	if mailpit_running; then say "mailpit: running, SMTP on :$MAILPIT_SMTP_PORT, mail at http://127.0.0.1:$MAILPIT_PORT"; else say "mailpit: stopped"; fi
}

case ${1:-up} in
up) up ;;
down) down ;;
status) status ;;
env) print_env ;;
*) die "usage: deploy/stack.sh up|down|status|env" ;;
esac

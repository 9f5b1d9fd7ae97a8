#!/usr/bin/env bash
# Loads synthetic portfolios into a database of its own (bench/scale), then
# serves them from `folio serve` on loopback and sends the public mix of
# issue 19 at a fixed rate with vegeta (bench/mixed), cold cache at start.
# Prints the per-query table and the mixed-load result, then what one
# uncached render costs (bench/renders, on a fresh process and an empty
# cache); drops the database.
# Run with `make bench-scale`; USERS (10000), RATE (500) and DURATION (10m)
# change the run. KEEP_DB=folio_scale_<name> keeps the generated database
# (reused by the next run given the same name, dropped by neither); RUNS=0
# skips the per-query table; PROFILE=<dir> saves a CPU profile of `folio
# serve` over the load's middle 30 s and a heap (allocations) profile at
# its end there, from the metrics listener's /debug/pprof. FOLIO_BIN runs
# another build of folio (an earlier commit's, for a before/after).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
USERS=${USERS:-10000}
RATE=${RATE:-500}
DURATION=${DURATION:-10m}
RUNS=${RUNS:-50}
DB=${KEEP_DB:-folio_scale_bench_$$}
# A Redis database of the bench's own (claimed like the tests' testenv),
# emptied before and after, so the run starts with a cold page cache.
REDIS_DB=1022
work=$(mktemp -d)
cleanup() {
	kill $(jobs -p) 2>/dev/null || true
	wait 2>/dev/null || true
	[ -z "${CACHE_PORT:-}" ] || redis-cli -p "$CACHE_PORT" shutdown nosave >/dev/null 2>&1 || true
	[ -n "${KEEP_DB:-}" ] || go run "$ROOT/bench/scale" -drop "$DB" || true
	redis-cli -u "$FOLIO_REDIS_URL" -n "$REDIS_DB" FLUSHDB >/dev/null || true
	redis-cli -u "$FOLIO_REDIS_URL" DEL "testenv:redis-db:$REDIS_DB" >/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
if [ "$(redis-cli -u "$FOLIO_REDIS_URL" SET "testenv:redis-db:$REDIS_DB" bench NX EX 7200)" != "OK" ]; then
	echo "bench: Redis database $REDIS_DB is in use" >&2; exit 1
fi
redis-cli -u "$FOLIO_REDIS_URL" -n "$REDIS_DB" FLUSHDB >/dev/null

# Built first, so that compiling them does not load the server's first seconds.
go build -o "$work/mixed" "$ROOT/bench/mixed"
go build -o "$work/renders" "$ROOT/bench/renders"
go run "$ROOT/bench/scale" -users "$USERS" -runs "$RUNS" -keep "$DB"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
DB_URL=$(python3 -c 'import sys, urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$FOLIO_DATABASE_URL" "$DB")
REDIS_URL=$(python3 -c 'import sys, urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$FOLIO_REDIS_URL" "$REDIS_DB")
# The page cache in a Redis of its own that writes nothing to disk, as
# deploy/README advises: in the stack's Redis (append-only file on) the
# cached pages made it rewrite its file every minute or two, and each
# rewrite stalled renders for a second or more.
CACHE_PORT=$(free_port)
redis-server --bind 127.0.0.1 --port "$CACHE_PORT" --dir "$work" --save "" --appendonly no \
	--maxmemory 4gb --maxmemory-policy allkeys-lru --daemonize yes --pidfile "$work/cache.pid" --logfile "$work/cache.log"
until redis-cli -p "$CACHE_PORT" ping >/dev/null 2>&1; do sleep 0.1; done
start_server() {
	FOLIO_DATABASE_URL=$DB_URL FOLIO_REDIS_URL=$REDIS_URL FOLIO_CACHE_REDIS_URL=redis://127.0.0.1:$CACHE_PORT/0 FOLIO_HTTP_ADDR=127.0.0.1:$PORT FOLIO_METRICS_ADDR=127.0.0.1:0 \
		FOLIO_PUBLIC_RATE_LIMIT=100000000 "${FOLIO_BIN:-$ROOT/bin/folio}" serve 2>"$work/serve.log" &
	server=$!
	until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null; do
		kill -0 "$server" 2>/dev/null || { tail -5 "$work/serve.log" >&2; exit 1; }
		sleep 0.1
	done
}
start_server
if [ -n "${PROFILE:-}" ]; then
	mkdir -p "$PROFILE"
	METRICS=$(grep -m1 'metrics listening' "$work/serve.log" | grep -oE '127\.0\.0\.1:[0-9]+')
	# The middle of the run: past the cold start, before the end.
	secs=$(python3 -c 'import sys, re; m=re.fullmatch(r"(\d+)([smh])", sys.argv[1]); n=int(m[1])*{"s":1,"m":60,"h":3600}[m[2]]; print(max(1, min(30, n//2)), max(0, (n-min(30, n//2))//2))' "$DURATION")
	read -r cpu_secs cpu_wait <<<"$secs"
	( sleep "$cpu_wait"; curl -fsS -o "$PROFILE/cpu.pprof" "http://$METRICS/debug/pprof/profile?seconds=$cpu_secs" ) &
	profiler=$!
fi
"$work/mixed" -url "http://127.0.0.1:$PORT" -users "$USERS" -rate "$RATE" -duration "$DURATION"
if [ -n "${PROFILE:-}" ]; then
	curl -fsS -o "$PROFILE/allocs.pprof" "http://$METRICS/debug/pprof/allocs"
	wait "$profiler"
	echo "profiles in $PROFILE (go tool pprof -top bin/folio $PROFILE/cpu.pprof)"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# What one cache miss costs: a fresh process on an empty cache renders
# pages nobody asked for yet, a few at a time.
kill "$server"
wait "$server" 2>/dev/null || true
redis-cli -u "$FOLIO_REDIS_URL" -n "$REDIS_DB" FLUSHDB >/dev/null
redis-cli -p "$CACHE_PORT" FLUSHALL >/dev/null
start_server
"$work/renders" -url "http://127.0.0.1:$PORT" -users "$USERS" -pages "$(( USERS / 4 < 3000 ? USERS / 4 : 3000 ))" -pid "$server" \
	-redis-pid "$(cat "$work/cache.pid")" -database-url "$DB_URL"

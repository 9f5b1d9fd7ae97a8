#!/usr/bin/env bash
# Serves the seeded demo portfolio (/demo) from Folio and the very same HTML
# bytes as a static file from nginx, both on loopback, and loads each with
# wrk in the same run. Prints requests/s and latency percentiles for both
# and Folio's share of nginx's throughput. A tailored share link to the
# same portfolio (/s/{token}) is loaded in the same run next to the public
# page: every share-link view finds its link (memoized for a second) before
# the page cache answers. Run with `make bench-pages`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
# The binary under test; `make bench-pages` builds bin/folio.
FOLIO=${FOLIO_BIN:-$ROOT/bin/folio}
for tool in wrk nginx; do
	if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
		if command -v apt-get >/dev/null 2>&1; then
			sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
			"${sudo[@]}" apt-get install -y -qq --no-install-recommends wrk nginx-light >/dev/null
		else
			echo "bench: install wrk and nginx first" >&2; exit 1
		fi
	fi
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
FOLIO_PORT=$(free_port)
QUIET_PORT=$(free_port)
NGINX_PORT=$(free_port)

"$FOLIO" migrate up >/dev/null
"$FOLIO" seed >/dev/null
# A share link to the demo portfolio: its featured projects in reverse
# order, with a note.
TOKEN=$(cd "$ROOT" && go run ./bench/sharelink -handle demo)
FOLIO_HTTP_ADDR=127.0.0.1:$FOLIO_PORT FOLIO_METRICS_ADDR=127.0.0.1:0 FOLIO_PUBLIC_RATE_LIMIT=100000000 \
	"$FOLIO" serve 2>/dev/null &
# The same Folio with analytics off, to measure what counting costs.
FOLIO_HTTP_ADDR=127.0.0.1:$QUIET_PORT FOLIO_METRICS_ADDR=127.0.0.1:0 FOLIO_PUBLIC_RATE_LIMIT=100000000 FOLIO_ANALYTICS=false \
	"$FOLIO" serve 2>/dev/null &
until curl -fs "http://127.0.0.1:$FOLIO_PORT/readyz" >/dev/null; do sleep 0.1; done
until curl -fs "http://127.0.0.1:$QUIET_PORT/readyz" >/dev/null; do sleep 0.1; done
curl -fs "http://127.0.0.1:$FOLIO_PORT/s/$TOKEN" -o /dev/null

mkdir -p "$work/html"
curl -fs "http://127.0.0.1:$FOLIO_PORT/demo" -o "$work/html/demo.html"
cat >"$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  types { text/html html; }
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  server { listen 127.0.0.1:$NGINX_PORT; root $work/html; location = /demo { default_type text/html; try_files /demo.html =404; } }
}
NGINX
"$NGINX" -c "$work/nginx.conf"
until curl -fs "http://127.0.0.1:$NGINX_PORT/demo" >/dev/null; do sleep 0.1; done

# A browser's User-Agent, so that analytics count the requests as people
# (wrk's own would be dropped as a bot before any work is done).
UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
run() {
	local out
	out=$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency -H "User-Agent: $UA" "$1")
	# Every answer must be a 200: a server that answers errors fast wins nothing.
	if grep -q "Non-2xx" <<<"$out"; then echo "bench: $1 answered non-2xx:" >&2; echo "$out" >&2; exit 1; fi
	echo "$out"
}
parse() { # requests/s and p99 in ms from wrk's output
	rps=$(awk '/Requests\/sec/ {print $2}' <<<"$1")
	p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$1")
	p50=$(awk '$1 == "50%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$1")
	echo "$rps $p50 $p99"
}
bytes=$(wc -c <"$work/html/demo.html")
echo "page: /demo, $bytes bytes; wrk -t2 -c$CONNS -d$DURATION; both servers on loopback, this run"
read -r frps fp50 fp99 <<<"$(parse "$(run "http://127.0.0.1:$FOLIO_PORT/demo")")"
read -r srps sp50 sp99 <<<"$(parse "$(run "http://127.0.0.1:$FOLIO_PORT/s/$TOKEN")")"
read -r qrps qp50 qp99 <<<"$(parse "$(run "http://127.0.0.1:$QUIET_PORT/demo")")"
read -r nrps np50 np99 <<<"$(parse "$(run "http://127.0.0.1:$NGINX_PORT/demo")")"
printf 'folio                %10.0f req/s  p50 %6.2f ms  p99 %6.2f ms\n' "$frps" "$fp50" "$fp99"
printf 'folio, share link    %10.0f req/s  p50 %6.2f ms  p99 %6.2f ms\n' "$srps" "$sp50" "$sp99"
printf 'folio, analytics off %10.0f req/s  p50 %6.2f ms  p99 %6.2f ms\n' "$qrps" "$qp50" "$qp99"
printf 'nginx                %10.0f req/s  p50 %6.2f ms  p99 %6.2f ms\n' "$nrps" "$np50" "$np99"
awk -v f="$frps" -v n="$nrps" 'BEGIN { printf "folio / nginx throughput: %.0f%%\n", 100*f/n }'
awk -v f="$frps" -v q="$qrps" 'BEGIN { printf "analytics on / off throughput: %.0f%%\n", 100*f/q }'
awk -v f="$frps" -v s="$srps" 'BEGIN { printf "share link / public page throughput: %.0f%%\n", 100*s/f }'
printf 'folio at a steady rate: '
(cd "$ROOT" && go run ./bench/paced -url "http://127.0.0.1:$FOLIO_PORT/demo" -rate 1000 -duration 10s)

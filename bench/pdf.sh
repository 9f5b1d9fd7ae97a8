#!/usr/bin/env bash
# The PDF portfolio's two figures, on the seeded portfolio (/demo):
#   1. generation as the worker does it (read, render, store): p95 must be
#      under 1 s (bench/pdfgen);
#   2. the cached PDF's requests/s against the public page's (served from
#      the memo and the Redis page cache), loaded with wrk in the same run
#      against the same `folio serve`, in turn for ROUNDS rounds (the
#      machine's other load shifts between runs; turns share it fairly):
#      the PDF must reach 80% of the page. Every answer must be a 200.
# Run with `make bench-pdf`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
FOLIO=${FOLIO_BIN:-$ROOT/bin/folio}
if ! command -v wrk >/dev/null 2>&1; then
	if command -v apt-get >/dev/null 2>&1; then
		sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
		"${sudo[@]}" apt-get install -y -qq --no-install-recommends wrk >/dev/null
	else
		echo "bench: install wrk first" >&2; exit 1
	fi
fi
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
export FOLIO_BASE_URL=http://127.0.0.1:$PORT

"$FOLIO" migrate up >/dev/null
"$FOLIO" seed >/dev/null
(cd "$ROOT" && go run ./bench/pdfgen -handle demo -runs "${RUNS:-40}" -max 1s)

FOLIO_HTTP_ADDR=127.0.0.1:$PORT FOLIO_METRICS_ADDR=127.0.0.1:0 FOLIO_PUBLIC_RATE_LIMIT=100000000 "$FOLIO" serve 2>/dev/null &
FOLIO_METRICS_ADDR=127.0.0.1:0 "$FOLIO" worker 2>/dev/null &
until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null; do sleep 0.1; done
PAGE=http://127.0.0.1:$PORT/demo
PDF=http://127.0.0.1:$PORT/demo.pdf
# The first request has the worker build the PDF. A worker still starting
# may miss the request's wait (503): ask again, for a minute at most.
start=$(date +%s%N)
for _ in $(seq 60); do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$PDF" || true)
	[ "$code" = 200 ] && break
	sleep 1
done
[ "$code" = 200 ] || { echo "bench: /demo.pdf answered $code for a minute: is the worker running?" >&2; exit 1; }
first=$((($(date +%s%N) - start) / 1000000))
# The worker processes the seed's media meanwhile, and each step moves the
# portfolio's content version (a new page and PDF each time): measure once
# every media item is done and the PDF is current and unchanged over three
# seconds.
for _ in $(seq 300); do
	left=$(psql "$FOLIO_DATABASE_URL" -Atc "SELECT count(*) FROM media WHERE status NOT IN ('ready', 'failed')" </dev/null)
	[ "$left" = 0 ] && break
	sleep 2
done
prev=""
for _ in $(seq 100); do
	headers=$(curl -s -D - -o /dev/null --max-time 20 "$PDF" || true)
	etag=$(awk -F': ' 'tolower($1) == "etag" {print $2}' <<<"$headers" | tr -d '\r')
	if grep -q "^HTTP/1.1 200" <<<"$headers" && ! grep -qi "^X-Folio-Stale" <<<"$headers" && [ -n "$etag" ] && [ "$etag" = "$prev" ]; then
		break
	fi
	prev=$etag
	sleep 3
done
curl -fs -o /dev/null "$PAGE"
pdf_bytes=$(curl -fs "$PDF" | wc -c)
page_bytes=$(curl -fs "$PAGE" | wc -c)
echo "first /demo.pdf (queued, built by the worker, stored, served): $first ms"

UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
rps() {
	local out
	out=$(wrk -t2 -c"$CONNS" -d"$DURATION" -H "User-Agent: $UA" "$1")
	if grep -q "Non-2xx" <<<"$out"; then echo "bench: $1 answered non-2xx:" >&2; echo "$out" >&2; exit 1; fi
	awk '/Requests\/sec/ {print $2}' <<<"$out"
}
ROUNDS=${ROUNDS:-3}
echo "wrk -t2 -c$CONNS -d$DURATION, the two URLs in turn, $ROUNDS rounds; page $page_bytes bytes, PDF $pdf_bytes bytes"
pages=(); pdfs=()
for _ in $(seq "$ROUNDS"); do pages+=("$(rps "$PAGE")"); pdfs+=("$(rps "$PDF")"); done
mean() { printf '%s\n' "$@" | awk '{s+=$1} END {print s/NR}'; }
page=$(mean "${pages[@]}"); pdf=$(mean "${pdfs[@]}")
printf 'public page /demo      %8.0f req/s  (rounds: %s)\n' "$page" "$(printf '%.0f ' "${pages[@]}")"
printf 'cached PDF /demo.pdf   %8.0f req/s  (rounds: %s)\n' "$pdf" "$(printf '%.0f ' "${pdfs[@]}")"
ratio=$(awk -v d="$pdf" -v p="$page" 'BEGIN{printf "%.0f", 100*d/p}')
echo "PDF / public page throughput: $ratio%"
if [ "$ratio" -lt 80 ]; then echo "bench: the cached PDF is under 80% of the public page's requests/s" >&2; exit 1; fi

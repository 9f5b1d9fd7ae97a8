#!/usr/bin/env bash
# Lighthouse audits of the public pages: the seeded portfolio (/demo) and a
# project page with API docs (/demo/orders-api), in every theme and colour
# mode, in Lighthouse's mobile mode (its default form factor and simulated
# throttling). Folio runs on loopback against a database and a Redis
# database of the audit's own, with the demo seeded and its media processed
# by a worker; the theme is set in portfolio_appearance before each round.
# Prints a table page × theme × category and fails when accessibility,
# best practices or SEO is under 100, or performance under 95.
#
# Run with `make audit`. THEMES ("theme/mode ..."; "default" for the
# portfolio with no appearance row), RUNS (Lighthouse runs per page, the
# median by performance is kept; 3) and REPORTS (where the full JSON
# reports go; .data/audit) change the run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/bench/audit
FOLIO=${FOLIO_BIN:-$ROOT/bin/folio}
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export RUNS=${RUNS:-3}
export REPORTS=${REPORTS:-$ROOT/.data/audit}
if [ -z "${THEMES:-}" ]; then
	# Every theme, light and dark, once the theme package exists.
	if [ -d "$ROOT/internal/theme" ]; then
		THEMES="studio/light studio/dark editorial/light editorial/dark spotlight/light spotlight/dark"
	else
		THEMES=default
	fi
fi
PAGES=(/demo /demo/orders-api)

[ -x "$CHROMIUM" ] || { echo "audit: Chromium is not at $CHROMIUM (set CHROMIUM)" >&2; exit 1; }
if [ ! -d "$HERE/node_modules/lighthouse" ]; then
	npm ci --prefix "$HERE" --no-audit --no-fund >/dev/null
fi

DB=folio_audit_$$
# A Redis database of the audit's own (claimed like the tests' testenv):
# its page cache and its queue, which the worker below alone consumes.
REDIS_DB=1021
work=$(mktemp -d)
ADMIN_URL=$FOLIO_DATABASE_URL
admin_sql() { psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -qAtc "$1" </dev/null; }
cleanup() {
	kill $(jobs -p) 2>/dev/null || true
	wait 2>/dev/null || true
	admin_sql "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
	redis-cli -u "$FOLIO_REDIS_URL" -n "$REDIS_DB" FLUSHDB >/dev/null || true
	redis-cli -u "$FOLIO_REDIS_URL" DEL "testenv:redis-db:$REDIS_DB" >/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
if [ "$(redis-cli -u "$FOLIO_REDIS_URL" SET "testenv:redis-db:$REDIS_DB" audit NX EX 7200)" != "OK" ]; then
	echo "audit: Redis database $REDIS_DB is in use" >&2; exit 1
fi
redis-cli -u "$FOLIO_REDIS_URL" -n "$REDIS_DB" FLUSHDB >/dev/null
admin_sql "CREATE DATABASE $DB"

with_path() { python3 -c 'import sys, urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$1" "$2"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
export FOLIO_DATABASE_URL; FOLIO_DATABASE_URL=$(with_path "$FOLIO_DATABASE_URL" "$DB")
export FOLIO_REDIS_URL; FOLIO_REDIS_URL=$(with_path "$FOLIO_REDIS_URL" "$REDIS_DB")
export FOLIO_BASE_URL=http://127.0.0.1:$PORT
sql() { psql "$FOLIO_DATABASE_URL" -v ON_ERROR_STOP=1 -qAtc "$1" </dev/null; }

"$FOLIO" migrate up >/dev/null 2>"$work/setup.log" || { cat "$work/setup.log" >&2; exit 1; }
"$FOLIO" seed >/dev/null 2>>"$work/setup.log" || { cat "$work/setup.log" >&2; exit 1; }
FOLIO_HTTP_ADDR=127.0.0.1:$PORT FOLIO_METRICS_ADDR=127.0.0.1:0 "$FOLIO" serve 2>"$work/serve.log" &
FOLIO_METRICS_ADDR=127.0.0.1:0 "$FOLIO" worker 2>"$work/worker.log" &
until curl -fs "$FOLIO_BASE_URL/readyz" >/dev/null; do sleep 0.1; done
# The seed's screencasts and API documents are processed by the worker:
# audit the pages visitors get once that is done (five minutes at most).
for i in $(seq 150); do
	left=$(sql "SELECT (SELECT count(*) FROM media WHERE status NOT IN ('ready', 'failed')) + (SELECT count(*) FROM apidocs WHERE status NOT IN ('ready', 'failed'))")
	[ "$left" = 0 ] && break
	[ "$i" = 150 ] && { echo "audit: the worker left $left media items or documents unprocessed" >&2; tail -20 "$work/worker.log" >&2; exit 1; }
	sleep 2
done
[ "$(sql "SELECT count(*) FROM apidocs WHERE status = 'ready'")" -gt 0 ] || { echo "audit: the demo has no ready API docs" >&2; exit 1; }

echo "Lighthouse $(node -p 'require(process.argv[1]).version' "$HERE/node_modules/lighthouse/package.json"), mobile (simulated throttling), median of $RUNS runs by performance; load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
results=$work/results.jsonl
for theme in $THEMES; do
	if [ "$theme" != default ]; then
		sql "INSERT INTO portfolio_appearance (owner_id, theme, color_mode)
			SELECT id, '${theme%/*}', '${theme#*/}' FROM users WHERE handle = 'demo'
			ON CONFLICT (owner_id) DO UPDATE SET theme = EXCLUDED.theme, color_mode = EXCLUDED.color_mode, updated_at = now()"
	fi
	urls=()
	for p in "${PAGES[@]}"; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "$FOLIO_BASE_URL$p")
		[ "$code" = 200 ] || { echo "audit: $p answered $code" >&2; exit 1; }
		urls+=("$FOLIO_BASE_URL$p")
	done
	LABEL=${theme//\//-} node "$HERE/run.mjs" "${urls[@]}" >>"$results"
done

node - "$results" <<'NODE'
const lines = require('fs').readFileSync(process.argv[2], 'utf8').trim().split('\n').map(JSON.parse);
const row = (c) => '| ' + c.join(' | ') + ' |';
console.log(row(['page', 'theme', 'performance', 'accessibility', 'best practices', 'SEO', 'performance runs']));
console.log(row(['---', '---', '---:', '---:', '---:', '---:', '---']));
let failed = [];
for (const r of lines) {
  const s = r.scores;
  // With the API docs opened, a snapshot: no performance score.
  const page = new URL(r.url).pathname + (r.docsOpen ? ', API docs opened' : '');
  const perf = s.performance ?? '–';
  console.log(row([page, r.label, perf, s.accessibility, s['best-practices'], s.seo, r.runs.join(' ')]));
  if ((!r.docsOpen && s.performance < 95) || s.accessibility < 100 || s['best-practices'] < 100 || s.seo < 100) {
    failed.push(`${page} (${r.label}): ${r.failing.join(', ')}`);
  }
}
if (failed.length) {
  console.error('audit: under 100 in accessibility, best practices or SEO, or under 95 in performance:');
  for (const f of failed) console.error('  ' + f);
  process.exit(1);
}
NODE
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

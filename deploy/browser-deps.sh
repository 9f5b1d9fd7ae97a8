#!/usr/bin/env bash
# Installs what the browser tests need: Debian's Chromium (Playwright's own
# browser download is not used) and the test scripts' npm dependencies (playwright-core, @axe-core/playwright);
# and poppler-utils (pdftotext, pdfimages), which the PDF portfolio tests
# read PDFs with. Idempotent: a second run does nothing.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { printf 'browser-deps: %s\n' "$*" >&2; }

if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	if command -v apt-get >/dev/null 2>&1; then
		sudo=()
		[ "$(id -u)" = 0 ] || sudo=(sudo)
		say "installing chromium from the distribution's packages"
		"${sudo[@]}" apt-get update -qq
		DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
	else
		say "Chromium is missing; install it (or set CHROMIUM to its path) and run this again"
		exit 1
	fi
fi
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdfimages >/dev/null 2>&1; then
	if command -v apt-get >/dev/null 2>&1; then
		sudo=()
		[ "$(id -u)" = 0 ] || sudo=(sudo)
		say "installing poppler-utils from the distribution's packages"
		"${sudo[@]}" apt-get update -qq
		DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null
	else
		say "pdftotext and pdfimages are missing; install poppler-utils and run this again"
		exit 1
	fi
fi
command -v npm >/dev/null 2>&1 || { say "npm is missing; install Node.js 20 or later"; exit 1; }
if [ ! -d "$ROOT/web/e2e/node_modules/playwright-core" ] || [ ! -d "$ROOT/web/e2e/node_modules/@axe-core/playwright" ]; then
	say "installing playwright-core and @axe-core/playwright"
	npm ci --prefix "$ROOT/web/e2e" --no-audit --no-fund --loglevel=error >/dev/null
fi

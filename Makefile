# The two commands a newcomer needs: `make dev` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: dev test stack stack-down build docs docs-check lint bench bench-upload bench-process bench-demo bench-pages bench-analytics bench-csv bench-scale bench-archive bench-pdf bench-cards audit rehearsal

## dev: start the local stack, migrate, seed demo data and run Folio on :8080
dev: build
	@FOLIO_ENV=$${FOLIO_ENV:-dev} deploy/with-stack.sh bash -c './bin/folio migrate up && ./bin/folio seed && exec ./bin/folio dev'

## test: start the local stack, then lint and run every test with the race
## detector, the browser tests in headless Chromium among them
# The browser tests run one after another in one package, longer than go
# test's default 10-minute limit on a busy 2-core machine.
# Fuzz budgets are counts (about 10 s each here), not durations: with a
# duration Go 1.26's coordinator can report its own deadline as a failure
# when a busy machine delays a worker (golang/go#75804).
test: lint
	deploy/browser-deps.sh
	deploy/with-stack.sh $(GO) test -race -count=1 -timeout 30m ./...
	$(GO) test -run '^$$' -fuzz FuzzDecodeProjectInput -fuzztime 40000x ./internal/api/
	$(GO) test -run '^$$' -fuzz FuzzRender -fuzztime 40000x ./internal/markdown/

## stack / stack-down: start or stop PostgreSQL, Redis, MinIO and Mailpit under .data/
stack:
	@deploy/stack.sh up
stack-down:
	@deploy/stack.sh down

## bench: upload throughput and memory, and processing overhead (minutes)
bench: bench-upload bench-process bench-demo bench-pages bench-analytics bench-csv bench-scale bench-archive bench-pdf bench-cards audit
bench-upload: build
	deploy/with-stack.sh $(GO) run ./bench/upload -folio bin/folio -sizes 256,1024
bench-process:
	deploy/with-stack.sh $(GO) run ./bench/process -seconds 60
bench-pages: build
	deploy/with-stack.sh bench/pages.sh
bench-demo:
	deploy/with-stack.sh $(GO) run ./bench/democheck -checks 2000
## bench-scale: synthetic portfolios (USERS, default 10000): per-query p50/p99, queries and blocks, then RATE req/s of the public mix for DURATION, then the CPU cost of one uncached render
bench-scale: build
	deploy/with-stack.sh bench/scale.sh
bench-analytics:
	deploy/with-stack.sh $(GO) run ./bench/analytics -events 10000000 -owners 1000 -days 90
# Fails when importing 10,000 CSV rows through the API takes over 5 s.
bench-csv:
	deploy/with-stack.sh $(GO) run ./bench/csvimport -rows 10000 -runs 5 -max 5s

# Exports a 2 GiB account as the worker does (about 3 minutes here) and
# fails when the process's peak RSS during the export passes 128 MiB.
bench-archive:
	deploy/with-stack.sh $(GO) run ./bench/archive -gib 2 -max-rss-mib 128

## bench-pdf: PDF generation p95 for the seeded portfolio (fails over 1 s), then cached PDF req/s against the public page's in one run (fails under 80%)
bench-pdf: build
	deploy/with-stack.sh bench/pdf.sh

## bench-cards: social card render time (decode the poster, draw, encode the PNG) over 200 cards; fails when p95 reaches 300 ms
bench-cards:
	$(GO) run ./bench/cards -cards 200 -max 300ms

## audit: Lighthouse (mobile) on /demo and /demo/orders-api in every theme; fails under 100 in accessibility, best practices or SEO, or under 95 in performance
audit: build
	deploy/with-stack.sh bench/audit/audit.sh

## rehearsal: many machines on one (issue 19): PostgreSQL + replica, Redis + Sentinel, 4-node MinIO, 2 API + 2 workers behind nginx; public mix (RATE, DURATION) and uploads while the Redis primary, a MinIO node and an API process are killed; fails if anything is lost. Its own ports (REHEARSAL_PORT), never the stack's.
rehearsal: build
	bench/rehearsal/rehearsal.sh

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/folio ./cmd/folio

# The packages swag reads: one per line, so that branches adding one merge.
SWAG_DIRS := internal/api
SWAG_DIRS := $(SWAG_DIRS),internal/api/stats
SWAG_DIRS := $(SWAG_DIRS),internal/api/preview
SWAG_DIRS := $(SWAG_DIRS),internal/api/applications
SWAG_DIRS := $(SWAG_DIRS),internal/api/notifications
SWAG_DIRS := $(SWAG_DIRS),internal/api/accountapi
SWAG_DIRS := $(SWAG_DIRS),internal/api/appearanceapi
SWAG_DIRS := $(SWAG_DIRS),internal/api/repoimportapi
SWAG_DIRS := $(SWAG_DIRS),internal/api/archiveapi
SWAG_DIRS := $(SWAG_DIRS),internal/archive
SWAG_DIRS := $(SWAG_DIRS),internal/jobsearch
SWAG_DIRS := $(SWAG_DIRS),internal/apispec
SWAG_DIRS := $(SWAG_DIRS),internal/api/mfaapi
SWAG_DIRS := $(SWAG_DIRS),internal/api/ssoapi
SWAG_DIRS := $(SWAG_DIRS),internal/api/exportapi
SWAG_DIRS := $(SWAG_DIRS),internal/api/securityapi
SWAG_DIRS := $(SWAG_DIRS),internal/api/adminapi
SWAG_DIRS := $(SWAG_DIRS),internal/site/cardpages
SWAG_DIRS := $(SWAG_DIRS),internal/api/domainapi
SWAG_DIRS := $(SWAG_DIRS),internal/resume
SWAG_DIRS := $(SWAG_DIRS),internal/site
SWAG_DIRS := $(SWAG_DIRS),internal/server
SWAG_DIRS := $(SWAG_DIRS),internal/folio

## docs: regenerate the platform's OpenAPI document from the swag annotations
docs:
	$(GO) tool swag init -q -g doc.go -d $(SWAG_DIRS) -o docs --outputTypes json,yaml
## docs-check: fail when the committed docs differ from the annotations
docs-check:
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	$(GO) tool swag init -q -g doc.go -d $(SWAG_DIRS) -o $$tmp --outputTypes json,yaml; \
	for f in swagger.json swagger.yaml; do \
		diff -q $$tmp/$$f docs/$$f >/dev/null || { echo "docs/$$f is stale: run 'make docs' and commit the result"; exit 1; }; \
	done

lint: docs-check
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.data/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

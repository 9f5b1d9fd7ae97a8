# The two commands a newcomer needs: `make dev` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: dev test stack stack-down build docs docs-check lint bench bench-upload bench-process bench-demo bench-pages bench-analytics bench-csv bench-scale bench-archive bench-pdf audit

## dev: start the local stack, migrate, seed demo data and run Folio on :8080
dev: build
	@FOLIO_ENV=$${FOLIO_ENV:-dev} deploy/with-stack.sh bash -c './bin/folio migrate up && ./bin/folio seed && exec ./bin/folio dev'

## test: start the local stack, then lint and run every test with the race
## detector, the browser tests in headless Chromium among them
# Fuzz budgets are counts (about 10 s each here), not durations: with a
# duration Go 1.26's coordinator can report its own deadline as a failure
# when a busy machine delays a worker (golang/go#75804).
test: lint
	deploy/browser-deps.sh
	deploy/with-stack.sh $(GO) test -race -count=1 ./...
	$(GO) test -run '^$$' -fuzz FuzzDecodeProjectInput -fuzztime 40000x ./internal/api/
	$(GO) test -run '^$$' -fuzz FuzzRender -fuzztime 40000x ./internal/markdown/

## stack / stack-down: start or stop PostgreSQL, Redis, MinIO and Mailpit under .data/
stack:
	@deploy/stack.sh up
stack-down:
	@deploy/stack.sh down

## bench: upload throughput and memory, and processing overhead (minutes)
bench: bench-upload bench-process bench-demo bench-pages bench-analytics bench-csv bench-scale bench-archive bench-pdf audit
bench-upload: build
	deploy/with-stack.sh $(GO) run ./bench/upload -folio bin/folio -sizes 256,1024
bench-process:
	deploy/with-stack.sh $(GO) run ./bench/process -seconds 60
bench-pages: build
	deploy/with-stack.sh bench/pages.sh
bench-demo:
	deploy/with-stack.sh $(GO) run ./bench/democheck -checks 2000
## bench-scale: synthetic portfolios (USERS, default 10000): per-query p50/p99, queries and blocks, then RATE req/s of the public mix for DURATION
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

## audit: Lighthouse (mobile) on /demo and /demo/orders-api in every theme; fails under 100 in accessibility, best practices or SEO, or under 95 in performance
audit: build
	deploy/with-stack.sh bench/audit/audit.sh

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/folio ./cmd/folio

## docs: regenerate the platform's OpenAPI document from the swag annotations
docs:
	$(GO) tool swag init -q -g doc.go -d internal/api,internal/api/stats,internal/api/preview,internal/api/applications,internal/api/notifications,internal/api/accountapi,internal/api/repoimportapi,internal/api/archiveapi,internal/archive,internal/jobsearch,internal/apispec,internal/api/mfaapi,internal/api/ssoapi,internal/api/exportapi,internal/api/securityapi,internal/api/adminapi,internal/resume,internal/site,internal/server,internal/folio -o docs --outputTypes json,yaml

## docs-check: fail when the committed docs differ from the annotations
docs-check:
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	$(GO) tool swag init -q -g doc.go -d internal/api,internal/api/stats,internal/api/preview,internal/api/applications,internal/api/notifications,internal/api/accountapi,internal/api/repoimportapi,internal/api/archiveapi,internal/archive,internal/jobsearch,internal/apispec,internal/api/mfaapi,internal/api/ssoapi,internal/api/exportapi,internal/api/securityapi,internal/api/adminapi,internal/resume,internal/site,internal/server,internal/folio -o $$tmp --outputTypes json,yaml; \
	for f in swagger.json swagger.yaml; do \
		diff -q $$tmp/$$f docs/$$f >/dev/null || { echo "docs/$$f is stale: run 'make docs' and commit the result"; exit 1; }; \
	done

lint: docs-check
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.data/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

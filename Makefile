# perpx — the operator's entry points. Each target wraps an npm script or a script in scripts/ and says
# what it does. `make run` and `make test` do all the set-up they need on a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM ?= npm
STAMP := node_modules/.perpx-installed
# Node/V8 flags of the processes that run the engine (embedded exchange, engine, replay) — the list in
# engine/src/runtime/node-flags.ts (a unit test keeps both equal; the engine benchmark runs with it):
# one V8 worker thread, so a GC's helpers do not crowd the event loop and the journal's write thread on
# 2 cores (p99 at 100k/s with the journal on 13 → 6 ms), and a 64 MiB young generation (~3× fewer
# scavenges). docs/engine-performance.md "Node flags"
ENGINE_NODE_FLAGS ?= --v8-pool-size=1 --max-semi-space-size=64

.PHONY: help setup build build-web chromium run test test-unit test-integration test-stress test-reliability test-e2e lint \
        format typecheck up down status bench clean replay admin-key curl-flow snapshot logs kafka-topics \
        migrate topics lag run-engine run-gateway run-savers

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): package.json shared/package.json engine/package.json gateway/package.json web/package.json
	@echo "==> installing npm dependencies"
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); if(a<20||(a===20&&b<10)){console.error("Node >= 20.10 is required, found "+process.version);process.exit(1)}'
	@if [ -f package-lock.json ]; then $(NPM) ci --no-audit --no-fund; else $(NPM) install --no-audit --no-fund; fi
	@touch $(STAMP)

setup: $(STAMP) ## install npm dependencies (once; again when a package.json changes)

build: setup ## compile and type check every workspace (tsc -b; web/ is type-checked here, bundled by build-web)
	@echo "==> tsc -b"
	@$(NPM) run -s build

# the UI is rebuilt only when its sources (or the shared code it bundles) changed
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/admin.html \
               web/vite.config.mjs web/package.json $(wildcard shared/src/*.ts shared/src/codec/*.ts)
web/dist/index.html: $(WEB_SOURCES) | build
	@echo "==> vite build (web/dist)"
	@$(NPM) run -s build:web

build-web: build web/dist/index.html ## bundle the web UI into web/dist (Vite), served by the gateway at / and /admin

typecheck: build ## type check (same as build: tsc -b is the type check)

lint: setup ## lint and format check (Biome)
	@echo "==> biome check"
	@$(NPM) run -s lint

format: setup ## apply Biome formatting and safe fixes
	@$(NPM) run -s format

run: build-web ## start the exchange on the embedded default (no external service), UI at http://127.0.0.1:8080/
	@echo "==> starting the embedded exchange (Ctrl-C stops it; log also in $${DATA_DIR:-./data}/perpx.log)"
	@mkdir -p $${DATA_DIR:-./data} && set -o pipefail && node $(ENGINE_NODE_FLAGS) gateway/dist/src/main.js 2>&1 | tee -i -a $${DATA_DIR:-./data}/perpx.log

test: build lint test-unit up test-integration test-e2e ## everything: lint, type check, unit, services, integration, browser
	@echo "==> all tests passed"

test-unit: build ## unit, scenario and short stress tests
	@echo "==> unit tests"
	@$(NPM) run -s test:unit

test-integration: build ## integration tests and short reliability variants against real MariaDB, Redis, Kafka (run `make up` first)
	@echo "==> integration tests"
	@$(NPM) run -s test:integration

test-e2e: build-web chromium ## the web UI end to end in headless Chromium (screenshots in artifacts/e2e/)
	@echo "==> browser tests"
	@$(NPM) run -s test:e2e

chromium: ## install Debian's chromium for the browser tests if /usr/bin/chromium is missing (needs root)
	@scripts/install-chromium.sh

test-stress: build ## long stress variants (ring, differential)
	@echo "==> stress tests (long variants)"
	@$(NPM) run -s test:stress

# bounded: the whole suite is cut at 30 min (the embedded tests take ≤ 12, the distributed ones ≤ 15)
test-reliability: build up ## long reliability variants: kills under load, storage faults, money soak (≤ 30 min; docs/RELIABILITY.md)
	@echo "==> reliability tests (long variants; reports in artifacts/reliability/)"
	@timeout --signal=TERM 1800 node scripts/run-tests.mjs reliability

up: ## make MariaDB, Redis and Kafka reachable on 127.0.0.1 (idempotent)
	@echo "==> services up"
	@scripts/services.sh up

down: ## stop the services this project started
	@echo "==> services down"
	@scripts/services.sh down

status: ## say which services are up and where
	@scripts/services.sh status

kafka-topics: build ## create the Kafka topics of the distributed mode (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX)
	@node scripts/kafka-topics.mjs create

topics: kafka-topics ## same as kafka-topics (issue 9 name)

lag: build ## consumer lag of every perpx consumer group (KAFKA_BROKERS)
	@node scripts/kafka-topics.mjs lag

migrate: build ## apply the MySQL migrations of the read side (MYSQL_URL)
	@node scripts/migrate.mjs

run-engine: build ## distributed: the engine process (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, DATA_DIR; topics must exist)
	@KAFKA_BROKERS=$${KAFKA_BROKERS:-127.0.0.1:9092} DATA_DIR=$${DATA_DIR:-./data/engine} node $(ENGINE_NODE_FLAGS) engine/dist/src/bin/engine.js

run-gateway: build ## distributed: a gateway (REST + WS) on Kafka (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, DATA_DIR, GATEWAY_NODE_ID)
	@KAFKA_BROKERS=$${KAFKA_BROKERS:-127.0.0.1:9092} DATA_DIR=$${DATA_DIR:-./data/gateway} node gateway/dist/src/main.js

run-savers: build ## distributed: the four MySQL savers and the Redis notifier (KAFKA_BROKERS, MYSQL_URL, REDIS_URL)
	@KAFKA_BROKERS=$${KAFKA_BROKERS:-127.0.0.1:9092} node gateway/dist/src/persistence/run.js all

.PHONY: loadtest test-targets
# the whole `make loadtest` stays within 3 min: the run itself is ≤ 60 s (LOADTEST_SECONDS, default 30)
loadtest: build ## seeded load test on a fresh embedded exchange (LOADTEST_SECONDS/RATE/SEED); report in artifacts/loadtest/
	@timeout --signal=TERM 170 node scripts/loadtest.mjs

test-targets: build up ## exercise the README's cheap targets and a 5 s load test on temp dirs and ports (scripts/check-make-targets.sh)
	@echo "==> make targets check"
	@scripts/check-make-targets.sh

test: test-targets

bench: build ## run the benchmarks and print results
	@echo "==> benchmarks"
	@node scripts/bench.mjs

replay: build ## rebuild state from the journal in DATA_DIR (exchange stopped) and print the state hash
	@echo "==> replaying $${DATA_DIR:-./data}/journal"
	@node $(ENGINE_NODE_FLAGS) engine/dist/src/tools/replay.js $${DATA_DIR:-./data}

admin-key: ## say where the admin credential is and how to use it
	@f=$${DATA_DIR:-./data}/admin-key.json; \
	if [ -n "$${EXCHANGE_ADMIN_KEY:-}" ]; then echo "admin key: EXCHANGE_ADMIN_KEY (secret in EXCHANGE_ADMIN_SECRET)"; \
	elif [ -r "$$f" ]; then echo "admin key file: $$f (mode 0600, JSON {apiKey, apiSecret});"; \
	  echo "sign requests as in SPEC §8.1, e.g. scripts/curl-flow.sh reads it"; \
	else echo "no admin key yet: 'make run' creates $$f on first start (or set EXCHANGE_ADMIN_KEY/SECRET)"; fi

snapshot: ## ask the running exchange for an engine snapshot now (admin API)
	@scripts/admin-call.sh POST /api/v1/admin/snapshot '{}'

logs: ## follow the exchange log written by `make run` ($$DATA_DIR/perpx.log)
	@f=$${DATA_DIR:-./data}/perpx.log; [ -f "$$f" ] || { echo "no $$f yet: start the exchange with 'make run'"; exit 1; }; tail -n 100 -F "$$f"

curl-flow: ## run the README's curl walk-through against a running exchange
	@scripts/curl-flow.sh

clean: ## remove build output (keeps node_modules, the Kafka cache and data/)
	@echo "==> clean"
	@rm -rf shared/dist engine/dist gateway/dist web/dist web/.tsc

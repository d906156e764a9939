# jhtbatch — `make` or `make help` lists the targets. The scripts in scripts/ do the work, so the
# commands in the README (bash scripts/run.sh, bash scripts/test.sh) and these targets stay the same.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
export PATH := $(PATH):/usr/local/go/bin

FUZZTIME ?= 30s
BENCH ?= .
BENCHTIME ?= 1s
ROWS ?= 100000
WORKERS ?=
REPEAT ?= 1
KILL ?=
HISTORY ?=

.PHONY: help
help: ## Show the targets
	@echo 'Usage: make <target> [FUZZTIME=30s] [BENCH=regexp] [BENCHTIME=1s] [ROWS=100000] [WORKERS=1,2,4] [KILL=1] [HISTORY=1] [REPEAT=1]'
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_\/-]+:.*## / {printf "  %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: ## Run the whole service locally (services, migrate, demo data, API + workers on :8080)
	bash scripts/run.sh

.PHONY: test
test: ## go vet + all tests, without the race detector (quick)
	RACE=0 bash scripts/test.sh

.PHONY: test/race
test/race: ## go vet + all tests with -race: what CI runs
	bash scripts/test.sh

.PHONY: lint
lint: ## gofmt -l (fails on unformatted files) and go vet
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt: not formatted (run gofmt -w):"; echo "$$out"; exit 1; fi
	go vet ./...

.PHONY: fuzz
fuzz: ## Fuzz every Fuzz* target (FuzzDecode, FuzzJudge, …) for FUZZTIME each
	FUZZTIME=$(FUZZTIME) bash scripts/fuzz.sh

.PHONY: build
build: ## Build the binary into bin/jhtbatch
	go build -o bin/jhtbatch ./cmd/jhtbatch

.PHONY: bench
bench: build ## End-to-end benchmark against a bare COPY (ROWS=100000, WORKERS=1,2,4 for serve+N work, KILL=1 to kill -9 a worker mid-batch (needs WORKERS), HISTORY=1 on a database holding 1M claims, REPEAT=3 for medians); docs/benchmarks.md
	bash scripts/services.sh
	source .local/env && go run ./cmd/jhtbench -bin bin/jhtbatch -rows $(ROWS) -repeat $(REPEAT) $(if $(WORKERS),-workers $(WORKERS)) $(if $(KILL),-kill) $(if $(HISTORY),-history)

.PHONY: bench-go
bench-go: ## Go micro-benchmarks (BENCH=regexp, BENCHTIME=1s) against the local services
	bash scripts/services.sh
	source .local/env && go test -run='^$$' -bench='$(BENCH)' -benchtime=$(BENCHTIME) -benchmem ./...

.PHONY: services
services: ## Start (or reuse) PostgreSQL and Redis; writes .local/env
	bash scripts/services.sh

.PHONY: services/stop
services/stop: ## Stop the project-local PostgreSQL and Redis (system servers are left alone)
	bash scripts/services.sh stop

.PHONY: services/clean
services/clean: ## Stop the project-local servers and delete .local/ (their data)
	bash scripts/services.sh clean

.PHONY: clean
clean: ## Remove build output (bin/)
	rm -rf bin

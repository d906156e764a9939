#!/usr/bin/env bash
# run.sh — the one command that runs the whole service locally: PostgreSQL and Redis (reused or
# project-local), migrations, a demo company with sample data, then API + web page + workers +
# scheduler in one process (`jhtbatch all`) until Ctrl-C. Extra arguments go to `jhtbatch all`.
set -euo pipefail
JHT_SCRIPT=run
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$JHT_ROOT"

bash scripts/services.sh
load_env
check_go

say "go build -o bin/jhtbatch ./cmd/jhtbatch"
go build -o bin/jhtbatch ./cmd/jhtbatch
say "jhtbatch migrate"
bin/jhtbatch migrate
say "jhtbatch demo"
bin/jhtbatch demo
say "jhtbatch all (HTTP on ${HTTP_ADDR:-127.0.0.1:8080}; Ctrl-C stops it)"
exec bin/jhtbatch all "$@"

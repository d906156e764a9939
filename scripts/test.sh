#!/usr/bin/env bash
# test.sh — the one command that runs jhtbatch's tests (CI runs exactly this through .ci/run).
#
#   bash scripts/test.sh                          go vet, then every package's tests with -race
#   bash scripts/test.sh -run TestDecode ./batch/ extra arguments go to `go test`; packages given
#                                                 (./...) replace the default ./...
#   RACE=0 bash scripts/test.sh                   without the race detector (quicker, used by `make test`)
#   TEST_TIMEOUT=40m bash scripts/test.sh         go test -timeout (default 20m per package)
#   JHT_NO_BROWSER=1 bash scripts/test.sh         skip the browser test (else Chromium is installed with apt)
#   JHT_BROWSER_ARTIFACTS=DIR bash scripts/test.sh keep the browser test's screenshots in DIR
#
# It exits non-zero when vet or a test fails, and also when no test ran at all: a suite that silently
# tests nothing must not pass.
set -euo pipefail
JHT_SCRIPT="test"
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$JHT_ROOT"

bash scripts/services.sh
load_env
check_go

args=(-count=1 -p 2 -timeout "${TEST_TIMEOUT:-20m}")
if [ "${RACE:-1}" != 0 ]; then
  ensure_cmd gcc gcc libc6-dev # the race detector needs cgo
  args+=(-race)
fi
# The browser test (cmd/jhtbatch TestBrowser) drives the web page in a headless Chromium; it fails
# when none can start, unless JHT_NO_BROWSER=1 says this machine has none on purpose.
if [ "${JHT_NO_BROWSER:-0}" != 1 ]; then
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 ||
    command -v google-chrome >/dev/null 2>&1 || ensure_cmd chromium chromium
fi
pkgs=(./...) # appended to the go test command line unless the arguments name packages
vetpkgs=()
json=0
for a in "$@"; do
  case "$a" in
    ./* | jhtbatch | jhtbatch/*)
      pkgs=()
      vetpkgs+=("$a")
      ;;
    -json | -json=true) json=1 ;;
  esac
done
[ "${#vetpkgs[@]}" -gt 0 ] || vetpkgs=(./...)

# The alerting rules are checked and unit-tested with promtool (Debian's prometheus package has it);
# deploy's Go test runs the same checks and fails under CI=true when promtool is missing.
if ! command -v promtool >/dev/null 2>&1; then
  ensure_cmd promtool prometheus
  # The package brings a Prometheus server too; only promtool is wanted, so on a machine whose init
  # started it (systemd), stop it and keep it from starting again.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled prometheus >/dev/null 2>&1; then
    systemctl disable --now prometheus >/dev/null 2>&1 || say "could not stop the prometheus service the package started"
  fi
fi
say "promtool check rules / test rules deploy/prometheus"
(cd deploy/prometheus && promtool check config prometheus.yml && promtool check rules alerts.yml &&
  promtool test rules alerts_test.yml) >&2

say "go vet ${vetpkgs[*]}"
go vet "${vetpkgs[@]}"

log=$(mktemp "${TMPDIR:-/tmp}/jhtbatch-test.XXXXXX")
trap 'rm -f "$log"' EXIT
say "go test ${args[*]} $* ${pkgs[*]}"
set +e
go test "${args[@]}" "$@" "${pkgs[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

if [ "$status" -ne 0 ]; then
  say "FAIL: go test exited with status $status"
  exit "$status"
fi
[ "$json" -eq 1 ] && exit 0
# "ok <pkg> 0.1s" means tests ran; "[no tests to run]" and "[no test files]" mean they did not.
tested=$(grep -E '^ok[[:space:]]' "$log" | grep -cvE '\[no test(s to run| files)\]' || true)
untested=$(grep -cE '\[no test(s to run| files)\]' "$log" || true)
if [ "$tested" -eq 0 ]; then
  say "FAIL: no test ran (0 packages with tests) — check the package pattern and -run filter"
  exit 1
fi
say "PASS: $tested package(s) tested, $untested without tests"

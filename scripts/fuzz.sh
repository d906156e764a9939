#!/usr/bin/env bash
# fuzz.sh — run every Fuzz* target in the module for FUZZTIME each (default 30s).
#
#   bash scripts/fuzz.sh              all targets (found by `func Fuzz…` in *_test.go files)
#   FUZZTIME=5m bash scripts/fuzz.sh  longer
#
# Go fuzzes one target of one package per run, so targets run one after another. A failure leaves
# its input under the package's testdata/fuzz/ (commit it: it becomes a regression test).
set -euo pipefail
JHT_SCRIPT=fuzz
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$JHT_ROOT"
check_go

fuzztime=${FUZZTIME:-30s}
failed=()
count=0
while IFS= read -r file; do
  dir=$(dirname "$file")
  while IFS= read -r target; do
    count=$((count + 1))
    say "go test -run='^\$' -fuzz='^$target\$' -fuzztime=$fuzztime ./$dir/"
    go test -run='^$' -fuzz="^$target\$" -fuzztime="$fuzztime" "./$dir/" </dev/null || failed+=("$dir:$target")
  done < <(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file")
done < <(grep -rlE --include='*_test.go' '^func Fuzz' . | sed 's#^\./##' | grep -v '^\.local/' | sort)

[ "$count" -gt 0 ] || die "no Fuzz* targets found"
if [ "${#failed[@]}" -gt 0 ]; then
  die "fuzzing found failures in: ${failed[*]}"
fi
say "PASS: $count fuzz target(s), $fuzztime each"

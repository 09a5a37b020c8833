#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine and ends with one line: "tests: N passed, N failed[, N skipped]".
# Installs what the tests need itself (NuGet restore; PostgreSQL and Chromium where a suite needs them).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/artifacts/test-results"
rm -rf "$results" && mkdir -p "$results"

fail() { echo "$1" >&2; echo "tests: 0 passed, 1 failed"; exit 1; }

# Optional services (PostgreSQL, Chromium) are prepared by their own scripts when present.
for setup in eng/setup-*.sh; do
  [ -f "$setup" ] || continue
  # shellcheck disable=SC1090
  source "$setup" || fail "setup step $setup failed"
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet restore Evertoken.slnx || fail "dotnet restore failed"
dotnet build Evertoken.slnx -c Release --no-restore || fail "dotnet build failed"

# The package test (IntegrationTests/Library/PackageTests) packs the Release build above and installs the tool.
export EVERTOKEN_TEST_PACK=1
# EVERTOKEN_TEST_TRX makes each project write <project>.trx (tests/Directory.Build.props).
EVERTOKEN_TEST_TRX=1 dotnet test --solution Evertoken.slnx -c Release --no-build --results-directory "$results" "$@"
rc=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  p=$(get passed); f=$(get failed); e=$(get error); t=$(get total); x=$(get executed)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
  skipped=$((skipped + ${t:-0} - ${x:-0}))
done
# Each test project writes <project>.trx (tests/Directory.Build.props); a missing file means a project's results are lost.
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  if [ ! -f "$results/$name.trx" ]; then echo "no test results from $name" >&2; failed=$((failed + 1)); fi
done
if [ "$failed" -gt 0 ] && command -v python3 >/dev/null; then
  echo "---- failed tests ----"
  python3 eng/failed-tests.py "$results"/*.trx
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
[ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && failed=1
line="tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]

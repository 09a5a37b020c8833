#!/usr/bin/env bash
# Token reads and webhook ingest (the inbox called directly) against SQLite and PostgreSQL in one run
# (bench/Evertoken.Bench/StoreBench.cs).
# Uses EVERTOKEN_TEST_POSTGRES when set, else starts a throwaway server with eng/setup-postgres.sh (stopped on exit).
# Extra arguments go to the bench: --ops N (default 20000), --concurrency C (default 16), --webhooks N (default 20000),
# --webhook-concurrency C (default 64).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC1091
source eng/setup-postgres.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet run -c Release --project bench/Evertoken.Bench -- store "$@"

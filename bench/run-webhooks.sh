#!/usr/bin/env bash
# Webhook ingest (verify + durable insert + 200, synchronous=NORMAL and FULL) and send throughput of evertoken serve,
# each next to a baseline in the same process. Extra arguments go to the bench: --seconds N --concurrency N --warmup N.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/Evertoken.Bench -c Release -v quiet -nologo
exec dotnet bench/Evertoken.Bench/bin/Release/net10.0/Evertoken.Bench.dll webhooks "$@"

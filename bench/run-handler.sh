#!/usr/bin/env bash
# What the Evertoken TokenHandler adds per request, against the same HttpClient without it, in one run:
# loopback HTTP to a local Kestrel upstream (requests/s, p50/p99, bytes per request) and the handler alone.
# Usage: bench/run-handler.sh [--requests N] [--concurrency C] [--rounds R]
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/Evertoken.Bench -c Release -v quiet -nologo
dotnet bench/Evertoken.Bench/bin/Release/net10.0/Evertoken.Bench.dll handler "$@"

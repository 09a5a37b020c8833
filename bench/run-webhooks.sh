#!/usr/bin/env bash
# Webhook ingest of evertoken serve: wrk posts pre-signed distinct ~2 KB payloads to a verify-only baseline endpoint
# and to /webhooks/whatsapp (verify + durable group-committed insert + 200), synchronous=NORMAL and FULL, each server
# in its own process; then the send-throughput phase (/v1/messages against the emulator directly). Extra arguments go
# to the bench: --seconds N --concurrency N --warmup N --threads N --max-rate N --no-send (--micro: no HTTP).
# Installs wrk with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "Installing wrk with apt-get..."
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
dotnet build bench/Evertoken.Bench -c Release -v quiet -nologo -clp:ErrorsOnly
exec bench/Evertoken.Bench/bin/Release/net10.0/Evertoken.Bench webhooks "$@"

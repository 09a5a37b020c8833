#!/usr/bin/env bash
# The Graph proxy benchmark: wrk against the upstream directly, the Evertoken proxy, bare YARP and nginx, all on
# loopback in one run, plus a fixed-rate latency run, token reads and TokenKeeper.GetAsync. Prints a table.
#   bash bench/run-proxy.sh [--duration 10] [--warmup 8] [--threads 2] [--connections 32] [--rate 1000] [--rounds 3] [--only reads]
# Installs wrk and nginx-light with apt-get when missing. The run itself takes about eight minutes (after the build; three interleaved rounds);
# --only reads runs just the token-read rows (GET /v1/tokens/{name}/value vs a plain Kestrel JSON endpoint), under a minute.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "Installing ${missing[*]} with apt-get..."
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dotnet build bench/Evertoken.Bench -c Release -nologo -v quiet -clp:ErrorsOnly
exec bench/Evertoken.Bench/bin/Release/net10.0/Evertoken.Bench proxy "$@"

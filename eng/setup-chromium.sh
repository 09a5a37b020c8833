#!/usr/bin/env bash
# Sourced by eng/test.sh: the browser tests drive Debian's Chromium (never a Playwright browser download).
# Installs the `chromium` package when /usr/bin/chromium is missing. Exports nothing.
if [ ! -x /usr/bin/chromium ]; then
  echo "setup-chromium: installing Debian's chromium" >&2
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo_cmd="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get update -qq >/dev/null \
    && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null \
    || { echo "setup-chromium: apt-get install chromium failed" >&2; unset sudo_cmd; return 1 2>/dev/null || exit 1; }
  unset sudo_cmd
fi
[ -x /usr/bin/chromium ]

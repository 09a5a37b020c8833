#!/usr/bin/env bash
# Sourced by eng/test.sh (and bench/run-postgres.sh): gives the PostgreSQL tests a throwaway server.
# When EVERTOKEN_TEST_POSTGRES is already set, does nothing (point it at your own server to reuse one).
# Otherwise: installs Debian's `postgresql` when initdb is missing, initialises a temp cluster (trust auth, loopback
# only, owned by the `postgres` user because the server refuses to run as root), starts it on a free port from 55432,
# creates the database evertoken_test and exports
#   EVERTOKEN_TEST_POSTGRES="Host=127.0.0.1;Port=<port>;Username=postgres;Database=evertoken_test"
# The server is stopped and its folder deleted when the sourcing shell exits: an EXIT trap chained after the caller's
# own, plus a watchdog that also covers a trap replaced later or a shell killed with -9. Silent on success.
# Run by hand: `source eng/setup-postgres.sh` (stops when that shell exits) or `eng/setup-postgres.sh --print` (prints
# the exports and the stop command and leaves the server running).

_evertoken_pg_setup() {
  local bin="" dir port as_pg=() log i

  for i in /usr/lib/postgresql/*/bin; do
    [ -x "$i/initdb" ] && bin="$i"
  done
  if [ -z "$bin" ] && command -v initdb >/dev/null 2>&1; then
    bin=$(dirname "$(command -v initdb)")
  fi
  if [ -z "$bin" ]; then
    local sudo_cmd=""
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo_cmd="sudo -n"; fi
    echo "setup-postgres: installing Debian's postgresql" >&2
    { DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get update -qq \
        && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends postgresql; } \
      </dev/null >/dev/null 2>&1 || { echo "setup-postgres: apt-get install postgresql failed" >&2; return 1; }
    for i in /usr/lib/postgresql/*/bin; do
      [ -x "$i/initdb" ] && bin="$i"
    done
    [ -n "$bin" ] || { echo "setup-postgres: initdb not found after installing postgresql" >&2; return 1; }
  fi

  dir=$(mktemp -d "${TMPDIR:-/tmp}/evertoken-pg.XXXXXX") || return 1
  if [ "$(id -u)" -eq 0 ]; then
    # The server refuses to run as root: run it as the postgres system user (the package creates it).
    if ! id postgres >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin postgres >/dev/null 2>&1 \
        || { echo "setup-postgres: no postgres user and useradd failed" >&2; rm -rf "$dir"; return 1; }
    fi
    chown postgres "$dir"
    if command -v runuser >/dev/null 2>&1; then as_pg=(runuser -u postgres --); else as_pg=(su postgres -s /bin/sh -c '"$0" "$@"'); fi
  fi
  chmod 0700 "$dir"
  log="$dir/server.log"

  if ! "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --no-locale --no-sync \
      </dev/null >"$dir/initdb.log" 2>&1; then
    echo "setup-postgres: initdb failed:" >&2; tail -n 20 "$dir/initdb.log" >&2; rm -rf "$dir"; return 1
  fi

  # A free port from 55432; another run may take the same one between the check and the start, so retry.
  local started=""
  for port in $(seq 55432 55531); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    rm -f "$log"
    if "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$log" -w -t 60 -s \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=400" start </dev/null >/dev/null 2>&1; then
      started=1
      break
    fi
    grep -q "could not bind\|Address already in use\|already in use" "$log" 2>/dev/null || break
  done
  if [ -z "$started" ]; then
    echo "setup-postgres: the server did not start:" >&2; tail -n 20 "$log" >&2; rm -rf "$dir"; return 1
  fi

  for i in $(seq 1 60); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    sleep 0.5
  done
  if ! "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres evertoken_test </dev/null >/dev/null 2>"$dir/createdb.log"; then
    echo "setup-postgres: createdb failed:" >&2; cat "$dir/createdb.log" >&2
    "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -s stop </dev/null >/dev/null 2>&1
    rm -rf "$dir"; return 1
  fi

  # The stop command, for the trap, the watchdog and anyone who wants to stop it early.
  EVERTOKEN_TEST_POSTGRES_STOP="$(printf '%q ' "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -s -t 30 stop) >/dev/null 2>&1 </dev/null; rm -rf $(printf '%q' "$dir")"
  EVERTOKEN_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=evertoken_test"
  export EVERTOKEN_TEST_POSTGRES EVERTOKEN_TEST_POSTGRES_STOP
  _evertoken_pg_dir="$dir"
}

# Adds the stop after the caller's EXIT trap. In a function so `set --` does not touch the caller's arguments.
_evertoken_pg_chain_trap() {
  local previous
  previous=$(trap -p EXIT)
  if [ -n "$previous" ]; then
    # trap -p prints `trap -- '<command>' EXIT`, shell-quoted: `set --` unquotes it into $3.
    eval "set -- $previous"
    trap -- "$3"$'\n''_evertoken_pg_stop' EXIT
  else
    trap -- '_evertoken_pg_stop' EXIT
  fi
}

_evertoken_pg_stop() {
  if [ -n "${EVERTOKEN_TEST_POSTGRES_STOP:-}" ] && [ -d "${_evertoken_pg_dir:-/nonexistent}" ]; then
    eval "$EVERTOKEN_TEST_POSTGRES_STOP"
  fi
}

if [ -z "${EVERTOKEN_TEST_POSTGRES:-}" ]; then
  if _evertoken_pg_setup; then
    if [ "${1:-}" = "--print" ]; then
      printf 'export EVERTOKEN_TEST_POSTGRES=%q\n# stop: %s\n' "$EVERTOKEN_TEST_POSTGRES" "$EVERTOKEN_TEST_POSTGRES_STOP"
    else
      _evertoken_pg_chain_trap
      # The watchdog stops the server once the sourcing shell is gone, however it went.
      (
        trap '' HUP INT
        parent=$$
        while kill -0 "$parent" 2>/dev/null; do sleep 2; done
        eval "$EVERTOKEN_TEST_POSTGRES_STOP"
      ) </dev/null >/dev/null 2>&1 &
      disown $! 2>/dev/null || true
    fi
  else
    unset -f _evertoken_pg_setup _evertoken_pg_stop _evertoken_pg_chain_trap
    return 1 2>/dev/null || exit 1
  fi
fi
unset -f _evertoken_pg_setup _evertoken_pg_chain_trap
true

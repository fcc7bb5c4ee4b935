#!/usr/bin/env bash
# Runs the browser suite against a hub of its own: a fresh SQLite database seeded with the demo
# data, one token per role, Debian's Chromium driven by playwright-core.
#
#   tests/browser/run.sh [BINARY] [extra node --test arguments...]
#
# BINARY defaults to target/debug/romt-hub. Screenshots go to target/browser/screenshots/, page
# metrics to target/browser/metrics.json. Exits with the suite's status.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-target/debug/romt-hub}"
shift || true
# A relative binary path is taken from the repository root, as in `tests/browser/run.sh target/release/romt-hub`.
case "$bin" in
  /*) ;;
  *) if [[ -x "$bin" ]]; then bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"; else bin="$root/$bin"; fi ;;
esac
if [[ ! -x "$bin" ]]; then
  echo "run.sh: no hub binary at $bin (build it first, or pass its path)" >&2
  exit 2
fi
if [[ ! -x /usr/bin/chromium ]]; then
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "run.sh: installing Debian's chromium" >&2
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else
    echo "run.sh: /usr/bin/chromium is missing (apt-get install -y chromium)" >&2
    exit 2
  fi
fi

work="$(mktemp -d /tmp/romt-browser.XXXXXX)"
hub_pid=""
cleanup() {
  if [[ -n "$hub_pid" ]] && kill -0 "$hub_pid" 2>/dev/null; then
    kill "$hub_pid" 2>/dev/null || true
    wait "$hub_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# A free port on the loopback interface: the kernel picks one, the socket is closed again.
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')"
export HUB_DATABASE_URL="sqlite://$work/hub.db?mode=rwc"
url="http://127.0.0.1:$port"

HUB_BIND="127.0.0.1:$port" HUB_SEED=demo HUB_RATE_LIMIT_PER_MINUTE=0 \
  HUB_FEDERATION_SCHEDULER=false RUST_LOG="${RUST_LOG:-warn}" \
  "$bin" serve >"$work/hub.log" 2>&1 &
hub_pid=$!

ready=""
for _ in $(seq 1 240); do
  if curl -fsS -o /dev/null "$url/readyz" 2>/dev/null; then ready=yes; break; fi
  if ! kill -0 "$hub_pid" 2>/dev/null; then break; fi
  sleep 0.5
done
if [[ -z "$ready" ]]; then
  echo "run.sh: the hub did not become ready at $url within 120 s; its log:" >&2
  grep -v 'rhub_' "$work/hub.log" >&2 || true
  exit 1
fi

# The command prints the token alone on stdout; its notes on stderr go to the log.
token() {
  if ! "$bin" token create "$@" 2>>"$work/hub.log"; then
    echo "run.sh: token create $* failed:" >&2
    grep -v 'rhub_' "$work/hub.log" | tail -n 20 >&2 || true
    return 1
  fi
}
ADMIN_TOKEN="$(token --role ADMIN --label browser-admin)"
ANALYST_TOKEN="$(token --role ANALYST --label browser-analyst)"
COUNTRY_TOKEN="$(token --role COUNTRY --country COL --label browser-country-col)"
ROMT_TOKEN="$(token --role ROMT --agency RCO --label browser-romt)"
RCP_TOKEN="$(token --role RCP --agency UNDP --label browser-rcp-undp)"
export HUB_URL="$url" ADMIN_TOKEN ANALYST_TOKEN COUNTRY_TOKEN ROMT_TOKEN RCP_TOKEN

if [[ ! -d "$here/node_modules" ]]; then
  npm ci --prefix "$here" --no-audit --no-fund
fi

mkdir -p "$root/target/browser/screenshots"
cd "$root"
status=0
node --test --test-concurrency=1 "$@" tests/browser/ || status=$?
if [[ $status -ne 0 ]]; then
  echo "run.sh: the suite failed (status $status); the hub's log (warnings and errors, tokens left out):" >&2
  grep -v 'rhub_' "$work/hub.log" | tail -n 50 >&2 || true
fi
exit "$status"

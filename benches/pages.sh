#!/usr/bin/env bash
# Server time of the web application's pages: the median time to first byte of 25 warm requests
# per page against a release hub on a fresh demo database, with `/healthz` (no work) as the
# floor measured in the same run. Prints a markdown table for docs/benchmarks.md.
#
#   cargo build --release && benches/pages.sh [target/release/romt-hub]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/romt-hub}
work=$(mktemp -d)
port=${PAGES_PORT:-18491}
HUB_DATABASE_URL="sqlite://${work}/hub.db?mode=rwc" HUB_BIND="127.0.0.1:${port}" HUB_SEED=demo \
  HUB_RATE_LIMIT_PER_MINUTE=0 HUB_FEDERATION_SCHEDULER=false RUST_LOG=warn \
  "$bin" serve >"${work}/hub.log" 2>&1 &
hub=$!
trap 'kill $hub 2>/dev/null || true; wait $hub 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 240); do curl -fsS "127.0.0.1:${port}/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
median_ms() { # median_ms PATH: warm (the first request, which computes the figures, is left out)
  curl -s -o /dev/null "127.0.0.1:${port}$1"
  for _ in $(seq 1 25); do curl -s -o /dev/null -w '%{time_starttransfer}\n' "127.0.0.1:${port}$1"; done \
    | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)] * 1000}'
}
floor=$(median_ms /healthz)
echo "| page | bytes (gzip) | bytes | server time, warm (ms) | / floor (/healthz ${floor} ms) |"
echo "|---|---:|---:|---:|---:|"
for path in / "/?lang=es" /kpis /kpis/CA /countries/COL /submissions /governance/workplans/1 /governance/meetings /exports; do
  gzip_bytes=$(curl -s -H 'accept-encoding: gzip' -o /dev/null -w '%{size_download}' "127.0.0.1:${port}${path}")
  bytes=$(curl -s -o /dev/null -w '%{size_download}' "127.0.0.1:${port}${path}")
  ms=$(median_ms "$path")
  ratio=$(awk -v a="$ms" -v b="$floor" 'BEGIN {printf "%.1f", a / b}')
  echo "| \`${path}\` | ${gzip_bytes} | ${bytes} | ${ms} | ${ratio}× |"
done

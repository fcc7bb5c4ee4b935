#!/usr/bin/env bash
# Requests per second of the hub over HTTP against two floors, measured side by side in one run
# on one fresh PostgreSQL database with the demo data:
#   - nginx serving the very bytes of the hub's cached answer (the most a server could do),
#   - PostGraphile 4 (npm, pinned in benches/load) over the hub's own tables, the peer,
#   - the hub's own /healthz (no work) for reference.
# Each target is driven by wrk for DURATION with CONNECTIONS connections; the targets are run one
# after another, RUNS times interleaved, and the median of each is kept. Prints a markdown table
# for docs/benchmarks.md.
#
#   benches/load.sh [target/release/romt-hub]       (builds the release binary when missing)
#   DURATION=5s RUNS=5 CONNECTIONS=32 benches/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/romt-hub}
duration=${DURATION:-5s}
runs=${RUNS:-5}
connections=${CONNECTIONS:-32}
pg=${PG_URL:-postgres://postgres@127.0.0.1:5432}
hub_port=${HUB_PORT:-18591}
nginx_port=$((hub_port + 1))
peer_port=$((hub_port + 2))

need() { # need COMMAND DEBIAN-PACKAGE: installs the package when the command is missing
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "$1 is missing; installing $2" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
need wrk wrk
need nginx nginx-light
need psql postgresql-client
need node nodejs
[ -x "$bin" ] || cargo build --release --locked
(cd benches/load && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

work=$(mktemp -d)
db="romt_load_$$"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
psql -q "$pg/postgres" -c "CREATE DATABASE $db" >/dev/null

# The hub: demo data, no rate limit (wrk is one caller), no scheduler, warnings only.
HUB_DATABASE_URL="$pg/$db" HUB_BIND="127.0.0.1:${hub_port}" HUB_SEED=demo \
  HUB_RATE_LIMIT_PER_MINUTE=0 HUB_FEDERATION_SCHEDULER=false RUST_LOG=warn \
  "$bin" serve >"$work/hub.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 240); do curl -fsS "127.0.0.1:${hub_port}/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "127.0.0.1:${hub_port}/readyz" >/dev/null || { cat "$work/hub.log" >&2; exit 1; }

# The peer, over the same tables, with as many workers as the machine has cores.
node benches/load/node_modules/postgraphile/cli.js -c "$pg/$db" --schema public \
  --host 127.0.0.1 --port "$peer_port" --disable-query-log --cluster-workers "$(nproc)" \
  >"$work/peer.log" 2>&1 &
pids+=($!)

post() { # post PORT QUERY: the answer of a GraphQL query
  jq -n --arg q "$2" '{query: $q}' | curl -fsS "127.0.0.1:$1/graphql" \
    -H 'content-type: application/json' --data-binary @-
}
dashboard='{ dashboard(year: 2025) { year costAvoidanceUsd plannedCostAvoidanceUsd realizationRate completeness expectedCountries reportingCountries byServiceLine { serviceLine costAvoidanceUsd } byCountry { country costAvoidanceUsd } dataQuality { flag count } } }'
countries='{ countries { code name currency } }'
regional='{ regionalKpi(kpi: "CA", period: "2025") { value reportingCountries expectedCountries } }'
peer_countries='{ allCountryTeams { nodes { code name currency } } }'
peer_rows='{'
for q in 1 2 3 4; do
  peer_rows+=" q$q: allKpiValues(condition: {kpi: \"CA\", isCurrent: true, period: \"2025-Q$q\"}) { nodes { country period serviceLine value } }"
done
peer_rows+=' }'

# nginx serves the hub's own dashboard bytes.
mkdir -p "$work/www" "$work/nginx"
chmod a+rx "$work" "$work/www" # nginx's workers drop root's rights
post "$hub_port" "$dashboard" >"$work/www/dashboard.json"
grep -q '"errors"' "$work/www/dashboard.json" && { cat "$work/www/dashboard.json" >&2; exit 1; }
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes $(nproc);
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx;
  scgi_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    default_type application/json;
  }
}
EOF
nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)

for _ in $(seq 1 240); do
  curl -fsS "127.0.0.1:${peer_port}/graphql" -H 'content-type: application/json' \
    -d '{"query":"{ __typename }"}' >/dev/null 2>&1 && curl -fsS "127.0.0.1:${nginx_port}/dashboard.json" >/dev/null 2>&1 && break
  sleep 0.5
done
for check in "$peer_port|$peer_countries" "$peer_port|$peer_rows" "$hub_port|$countries" "$hub_port|$regional"; do
  answer=$(post "${check%%|*}" "${check#*|}") || { cat "$work/peer.log" >&2; exit 1; }
  grep -q '"errors"' <<<"$answer" && { echo "$answer" >&2; exit 1; }
done

# wrk scripts: a POST of one GraphQL query each.
script() { # script NAME QUERY
  local body
  body=$(jq -cn --arg q "$2" '{query: $q}' | sed 's/\\/\\\\/g; s/"/\\"/g')
  cat >"$work/$1.lua" <<EOF
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.body = "$body"
EOF
}
script hub_dashboard "$dashboard"
script hub_countries "$countries"
script hub_regional "$regional"
script peer_countries "$peer_countries"
script peer_rows "$peer_rows"

targets=(
  "nginx_dashboard|http://127.0.0.1:${nginx_port}/dashboard.json|"
  "hub_healthz|http://127.0.0.1:${hub_port}/healthz|"
  "hub_dashboard|http://127.0.0.1:${hub_port}/graphql|hub_dashboard"
  "hub_countries|http://127.0.0.1:${hub_port}/graphql|hub_countries"
  "peer_countries|http://127.0.0.1:${peer_port}/graphql|peer_countries"
  "hub_regional|http://127.0.0.1:${hub_port}/graphql|hub_regional"
  "peer_rows|http://127.0.0.1:${peer_port}/graphql|peer_rows"
)
rps() { # rps URL SCRIPT: requests per second, failing on any error answer
  local out
  if [ -n "$2" ]; then
    out=$(wrk -t2 -c"$connections" -d"$duration" -s "$work/$2.lua" "$1")
  else
    out=$(wrk -t2 -c"$connections" -d"$duration" "$1")
  fi
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then echo "$out" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}
declare -A samples
for run in $(seq 1 "$runs"); do
  for target in "${targets[@]}"; do
    IFS='|' read -r name url lua <<<"$target"
    samples[$name]+="$(rps "$url" "$lua") "
  done
  echo "run $run of $runs done" >&2
done
median() { tr ' ' '\n' <<<"${samples[$1]}" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A m
for target in "${targets[@]}"; do m[${target%%|*}]=$(median "${target%%|*}"); done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

echo
echo "| question | hub (req/s) | floor | floor (req/s) | hub / floor |"
echo "|---|---:|---|---:|---:|"
echo "| \`dashboard(year: 2025)\`, cached | ${m[hub_dashboard]} | nginx, same $(wc -c <"$work/www/dashboard.json") bytes | ${m[nginx_dashboard]} | $(ratio "${m[hub_dashboard]}" "${m[nginx_dashboard]}")× |"
echo "| \`/healthz\` | ${m[hub_healthz]} | nginx, the dashboard bytes | ${m[nginx_dashboard]} | $(ratio "${m[hub_healthz]}" "${m[nginx_dashboard]}")× |"
echo "| \`{ countries { code name currency } }\` | ${m[hub_countries]} | PostGraphile \`allCountryTeams\` | ${m[peer_countries]} | $(ratio "${m[hub_countries]}" "${m[peer_countries]}")× |"
echo "| \`regionalKpi(CA, 2025)\` | ${m[hub_regional]} | PostGraphile, the 2025 CA rows | ${m[peer_rows]} | $(ratio "${m[hub_regional]}" "${m[peer_rows]}")× |"
echo
echo "wrk -t2 -c${connections} -d${duration}, medians of ${runs} interleaved runs, $(nproc) cores; hub, nginx, PostGraphile and wrk share them."

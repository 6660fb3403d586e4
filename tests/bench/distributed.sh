#!/usr/bin/env bash
# End-to-end benchmark of the production shape on this machine: a throwaway RabbitMQ and PostgreSQL
# (tests/infra.sh, on their own ports so nothing else running here is touched), then Selectivity,
# N Fitting processes and Ingestion as separate processes over them (Release build), then
# `screen bench` against them, metering every service, PostgreSQL and RabbitMQ. Stops it all on exit.
#
#   bash tests/bench/distributed.sh [--fitting N] [--plates N] [--format 96|384|1536] [--concurrency C] [-- more bench options]
#   bash tests/bench/distributed.sh --fitting 2 --plates 2000 -- --rate 40 --json
#
# Environment: BENCH_ARTIFACTS (build output, default /tmp/screening-bench-artifacts), BENCH_PORT
# (first of the services' ports, default 5780), INFRA_PG_PORT / INFRA_AMQP_PORT / INFRA_NODE (default
# 55452 / 5693 / screeningbench@localhost). Service settings such as Fitting__ConcurrentPlates pass through.
# Service logs are kept in a temporary folder, printed (and left behind) when the bench fails.
set -euo pipefail
cd "$(dirname "$0")/../.."

fitting=1 plates=2000 format=384 concurrency=8
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --fitting) fitting=$2; shift 2 ;;
    --plates) plates=$2; shift 2 ;;
    --format) format=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "usage: $0 [--fitting N] [--plates N] [--format 96|384|1536] [--concurrency C] [-- bench options]" >&2; exit 2 ;;
  esac
done
[[ "$fitting" =~ ^[1-9][0-9]*$ ]] || { echo "--fitting must be a number of processes, at least 1" >&2; exit 2; }

artifacts=${BENCH_ARTIFACTS:-/tmp/screening-bench-artifacts}
port=${BENCH_PORT:-5780}
export INFRA_PG_PORT=${INFRA_PG_PORT:-55452} INFRA_AMQP_PORT=${INFRA_AMQP_PORT:-5693} INFRA_NODE=${INFRA_NODE:-screeningbench@localhost}
# shellcheck source=tests/infra.sh
source tests/infra.sh

logs=$(mktemp -d /tmp/screening-bench-logs.XXXXXX)
pids=()
status=1
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  infra_stop
  if [ "$status" -eq 0 ]; then rm -rf "$logs"; else echo "bench: service logs kept in $logs" >&2; fi
}
trap cleanup EXIT

echo "bench: building (Release) into $artifacts"
dotnet build services/Screening.Cli -c Release --artifacts-path "$artifacts" -nologo -v:q >"$logs/build.log" 2>&1 \
  || { cat "$logs/build.log" >&2; exit 1; }
bin="$artifacts/bin"

infra_start
"$INFRA_PGBIN/createdb" -h 127.0.0.1 -p "$INFRA_PG_PORT" -U postgres bench_ingestion
"$INFRA_PGBIN/createdb" -h 127.0.0.1 -p "$INFRA_PG_PORT" -U postgres bench_selectivity

token=$(openssl rand -hex 24)
export SCREEN_TOKEN=$token
# Every service: RabbitMQ and PostgreSQL, one key with every permission. The bench is one caller, so the
# per-caller submission limit is lifted: it would measure the policy, not the pipeline.
export Bus__Transport=RabbitMq Bus__Host=127.0.0.1 Bus__Port="$INFRA_AMQP_PORT" Bus__Username=guest Bus__Password=guest \
  Storage__Provider=Postgres \
  ConnectionStrings__ingestion="Host=127.0.0.1;Port=$INFRA_PG_PORT;Username=postgres;Database=bench_ingestion" \
  ConnectionStrings__selectivity="Host=127.0.0.1;Port=$INFRA_PG_PORT;Username=postgres;Database=bench_selectivity" \
  Selectivity__IngestionUrl="http://127.0.0.1:$port" \
  Auth__Keys__0__Name=bench Auth__Keys__0__Token="$token" \
  Auth__Keys__0__Permissions__0=submit Auth__Keys__0__Permissions__1=read Auth__Keys__0__Permissions__2=admin \
  Auth__SubmitPlatesPerSecond=1000000 \
  ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1 MASSTRANSIT_USAGE_TELEMETRY=false \
  Logging__LogLevel__Default=Warning

# start NAME LABEL GRPC_PORT HTTP_PORT: runs the service in the background and waits for /health.
start() {
  local name=$1 label=$2 grpc=$3 http=$4 i
  Endpoints__Grpc="http://127.0.0.1:$grpc" Endpoints__Http="http://127.0.0.1:$http" \
    dotnet "$bin/$name/release/$name.dll" >"$logs/$label.log" 2>&1 &
  pids+=($!)
  measure+=(--measure "$label=$!")
  for i in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$http/health" >/dev/null 2>&1 && { echo "bench: $label up (pid $!, gRPC :$grpc)"; return 0; }
    kill -0 "$!" 2>/dev/null || { cat "$logs/$label.log" >&2; return 1; }
    sleep 0.5
  done
  echo "bench: $label not healthy within 60 s" >&2
  cat "$logs/$label.log" >&2
  return 1
}

measure=()
# Consumers first, so their queues are bound before Ingestion publishes.
start Screening.Selectivity selectivity $((port + 3)) $((port + 13))
for i in $(seq 1 "$fitting"); do
  start Screening.Fitting "fitting-$i" $((port + 20 + i)) $((port + 40 + i))
done
start Screening.Ingestion ingestion "$port" $((port + 10))
measure+=(--measure "postgres=$(head -n 1 "$INFRA_STATE/pg/data/postmaster.pid")")
[ -s "$INFRA_STATE/rabbit/pid" ] && measure+=(--measure "rabbitmq=$(cat "$INFRA_STATE/rabbit/pid")")

echo "bench: $fitting fitting process(es), $plates $format-well plates, concurrency $concurrency; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
set +e
dotnet "$bin/Screening.Cli/release/screen.dll" bench --server "http://127.0.0.1:$port" --selectivity "http://127.0.0.1:$((port + 3))" \
  --plates "$plates" --format "$format" --concurrency "$concurrency" "${measure[@]}" "${extra[@]}"
status=$?
set -e
exit "$status"

#!/usr/bin/env bash
# Throwaway RabbitMQ and PostgreSQL on loopback for the system tests (and chromium for the browser test).
#   source tests/infra.sh && infra_start    # installs them with apt-get if missing, starts them, exports SCREENING_* variables
#   infra_stop                              # stops what infra_start started and removes its state
#   infra_pg_stop / infra_pg_start          # take PostgreSQL down and up again (fault tests; state kept)
#   infra_rabbit_stop / infra_rabbit_start  # the same for RabbitMQ (stop_app / start_app on the node)
# Everything lives in one temporary directory; nothing touches the machine's own
# broker or clusters (none are started by the Debian packages in a container anyway).

INFRA_PG_PORT=${INFRA_PG_PORT:-55432}
INFRA_AMQP_PORT=${INFRA_AMQP_PORT:-5673}
INFRA_NODE=${INFRA_NODE:-screeningtest@localhost}
INFRA_SCRIPT=${INFRA_SCRIPT:-$(readlink -f "${BASH_SOURCE[0]}")}

infra_install() {
  local missing=()
  command -v /usr/lib/rabbitmq/bin/rabbitmq-server >/dev/null 2>&1 || missing+=(rabbitmq-server)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
  # Headless browser for the web view's browser test (tests/Screening.Services.Tests/BrowserTests.cs).
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "infra: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

infra_start() {
  infra_install
  INFRA_STATE=$(mktemp -d /tmp/screening-infra.XXXXXX)
  export INFRA_STATE
  chmod 755 "$INFRA_STATE"

  # PostgreSQL: a fresh cluster owned by the postgres user, trust auth on loopback only.
  local pgbin
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  mkdir -p "$INFRA_STATE/pg"
  chown postgres:postgres "$INFRA_STATE/pg"
  runuser -u postgres -- "$pgbin/initdb" -D "$INFRA_STATE/pg/data" -A trust -U postgres >/dev/null
  INFRA_PGBIN=$pgbin
  export INFRA_PGBIN INFRA_PG_PORT INFRA_AMQP_PORT INFRA_NODE INFRA_SCRIPT
  infra_pg_start

  # RabbitMQ: its own node name, ports and state directories.
  mkdir -p "$INFRA_STATE/rabbit"
  echo "[]." > "$INFRA_STATE/rabbit/enabled_plugins"
  echo "loopback_users = none" > "$INFRA_STATE/rabbit/rabbitmq.conf"
  (
    export RABBITMQ_MNESIA_BASE="$INFRA_STATE/rabbit/mnesia" RABBITMQ_LOG_BASE="$INFRA_STATE/rabbit/log" \
      RABBITMQ_NODENAME="$INFRA_NODE" RABBITMQ_NODE_PORT="$INFRA_AMQP_PORT" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
      RABBITMQ_DIST_PORT=$((INFRA_AMQP_PORT + 20000)) RABBITMQ_PID_FILE="$INFRA_STATE/rabbit/pid" \
      RABBITMQ_ENABLED_PLUGINS_FILE="$INFRA_STATE/rabbit/enabled_plugins" RABBITMQ_CONFIG_FILE="$INFRA_STATE/rabbit/rabbitmq"
    setsid /usr/lib/rabbitmq/bin/rabbitmq-server >"$INFRA_STATE/rabbit/server.log" 2>&1 </dev/null &
  )
  local i
  for i in $(seq 1 60); do
    /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$INFRA_NODE" await_startup --timeout 5 >/dev/null 2>&1 && break
    sleep 1
  done
  /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$INFRA_NODE" await_startup --timeout 5 >/dev/null

  export SCREENING_RABBITMQ="amqp://guest:guest@127.0.0.1:$INFRA_AMQP_PORT/"
  export SCREENING_POSTGRES="Host=127.0.0.1;Port=$INFRA_PG_PORT;Username=postgres"
  export SCREENING_RABBITMQCTL="/usr/lib/rabbitmq/bin/rabbitmqctl -n $INFRA_NODE"
  echo "infra: PostgreSQL on 127.0.0.1:$INFRA_PG_PORT, RabbitMQ on 127.0.0.1:$INFRA_AMQP_PORT (state in $INFRA_STATE)"
}

infra_pg_start() {
  runuser -u postgres -- "$INFRA_PGBIN/pg_ctl" -D "$INFRA_STATE/pg/data" -l "$INFRA_STATE/pg/server.log" -w -t 60 \
    -o "-p $INFRA_PG_PORT -k $INFRA_STATE/pg -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null
}

infra_pg_stop() {
  runuser -u postgres -- "$INFRA_PGBIN/pg_ctl" -D "$INFRA_STATE/pg/data" -m fast -w -t 60 stop >/dev/null
}

infra_rabbit_stop() {
  /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$INFRA_NODE" stop_app >/dev/null
}

infra_rabbit_start() {
  /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$INFRA_NODE" start_app >/dev/null
  /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$INFRA_NODE" await_startup --timeout 60 >/dev/null
}

infra_stop() {
  [ -n "${INFRA_STATE:-}" ] || return 0
  /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$INFRA_NODE" stop >/dev/null 2>&1 || true
  runuser -u postgres -- "$INFRA_PGBIN/pg_ctl" -D "$INFRA_STATE/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$INFRA_STATE"
  # The Erlang port mapper the node started, unless another node still uses it.
  local epmd
  epmd=$(ls /usr/lib/erlang/erts-*/bin/epmd 2>/dev/null | head -n 1)
  if [ -n "$epmd" ] && ! "$epmd" -names 2>/dev/null | grep -q '^name '; then
    "$epmd" -kill >/dev/null 2>&1 || true
  fi
  unset INFRA_STATE SCREENING_RABBITMQ SCREENING_POSTGRES SCREENING_RABBITMQCTL
}

#!/usr/bin/env bash
# Makes MariaDB, Redis and Kafka reachable on 127.0.0.1 for the distributed mode and the integration tests.
#   scripts/services.sh up      start what is not reachable (idempotent: a running service is reused)
#   scripts/services.sh down    stop only what this script started
#   scripts/services.sh status  say what is up and where
# MYSQL_URL / REDIS_URL / KAFKA_BROKERS point at existing services instead; then nothing local is started
# for that service. No Docker, no systemd: Debian packages and plain daemons, Kafka from Maven Central jars.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE="${PERPX_CACHE_DIR:-$ROOT/.cache}"
RUN="$CACHE/run"
KAFKA_HOME="$CACHE/kafka"
mkdir -p "$RUN"

MYSQL_HOST=127.0.0.1 MYSQL_PORT=3306
REDIS_HOST=127.0.0.1 REDIS_PORT=6379
KAFKA_HOST=127.0.0.1 KAFKA_PORT=9092 KAFKA_CONTROLLER_PORT=9093
# The app's database user: TCP login with a password (root on Debian may use unix-socket auth only).
APP_DB_USER=perpx APP_DB_PASS=perpx

log() { printf '[services] %s\n' "$*"; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# host port -> 0 when something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_port() { # host port seconds name
  local i
  for ((i = 0; i < $3 * 10; i++)); do port_open "$1" "$2" && return 0; sleep 0.1; done
  return 1
}

apt_install() { # packages...
  command -v apt-get >/dev/null || die "apt-get not found: install $* yourself or set the *_URL env vars"
  log "installing Debian packages: $*"
  if [ ! -f "$RUN/apt-updated" ]; then apt-get update -qq >/dev/null && touch "$RUN/apt-updated"; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# ---------------------------------------------------------------- MariaDB
mysql_up() {
  if [ -n "${MYSQL_URL:-}" ]; then log "mysql: using MYSQL_URL (not starting a local server)"; return; fi
  if ! port_open $MYSQL_HOST $MYSQL_PORT; then
    command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || apt_install mariadb-server
    log "mysql: starting mariadbd on $MYSQL_HOST:$MYSQL_PORT"
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
    if [ ! -d /var/lib/mysql/mysql ]; then
      mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
    fi
    start-stop-daemon --start --oknodo --background --make-pidfile --pidfile "$RUN/mariadb.pid" \
      --chuid mysql --exec /usr/sbin/mariadbd -- --bind-address=$MYSQL_HOST --port=$MYSQL_PORT \
      --socket=/run/mysqld/mysqld.sock
    touch "$RUN/mariadb.started-here"
    wait_port $MYSQL_HOST $MYSQL_PORT 30 || die "mysql: mariadbd did not open $MYSQL_PORT within 30 s"
  else
    log "mysql: reachable on $MYSQL_HOST:$MYSQL_PORT (reused)"
  fi
  ensure_app_user
}

ensure_app_user() {
  local sql="CREATE USER IF NOT EXISTS '$APP_DB_USER'@'127.0.0.1' IDENTIFIED BY '$APP_DB_PASS';
CREATE USER IF NOT EXISTS '$APP_DB_USER'@'localhost' IDENTIFIED BY '$APP_DB_PASS';
GRANT ALL PRIVILEGES ON *.* TO '$APP_DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO '$APP_DB_USER'@'localhost';"
  # Already there? Then nothing to do (and no root access needed).
  if mariadb -h $MYSQL_HOST -P $MYSQL_PORT -u $APP_DB_USER -p$APP_DB_PASS -e 'SELECT 1' >/dev/null 2>&1; then return; fi
  if mariadb -h $MYSQL_HOST -P $MYSQL_PORT -u root -e "$sql" 2>/dev/null \
    || mariadb -u root -e "$sql" 2>/dev/null; then
    log "mysql: user $APP_DB_USER ready"
  else
    die "mysql: cannot create user $APP_DB_USER (need root over TCP or the unix socket); set MYSQL_URL"
  fi
}

mysql_down() {
  if [ -f "$RUN/mariadb.started-here" ]; then
    log "mysql: stopping the mariadbd this script started"
    start-stop-daemon --stop --oknodo --pidfile "$RUN/mariadb.pid" --retry 20 >/dev/null || true
    rm -f "$RUN/mariadb.started-here" "$RUN/mariadb.pid"
  else
    log "mysql: not started by this script; left running"
  fi
}

# A daemon started here outlives this script: it must not keep the caller's other open files (a CI
# job's pipe, whose reader then never sees EOF; a lock taken with `flock`, which then stays held while
# the broker runs). Closes every descriptor above 2 in the (sub)shell it runs in.
without_inherited_fds() {
  local fd
  for fd in /proc/$BASHPID/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
}

# ---------------------------------------------------------------- Redis
redis_up() {
  if [ -n "${REDIS_URL:-}" ]; then log "redis: using REDIS_URL (not starting a local server)"; return; fi
  if port_open $REDIS_HOST $REDIS_PORT; then log "redis: reachable on $REDIS_HOST:$REDIS_PORT (reused)"; return; fi
  command -v redis-server >/dev/null || apt_install redis-server
  log "redis: starting redis-server on $REDIS_HOST:$REDIS_PORT"
  (
    without_inherited_fds
    exec redis-server --daemonize yes --bind $REDIS_HOST --port $REDIS_PORT --save '' --appendonly no \
      --pidfile "$RUN/redis.pid" --logfile "$RUN/redis.log" --dir "$RUN" </dev/null
  )
  touch "$RUN/redis.started-here"
  wait_port $REDIS_HOST $REDIS_PORT 10 || die "redis: did not open $REDIS_PORT within 10 s (see $RUN/redis.log)"
}

redis_down() {
  if [ -f "$RUN/redis.started-here" ]; then
    log "redis: stopping the redis-server this script started"
    redis-cli -h $REDIS_HOST -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true
    rm -f "$RUN/redis.started-here"
  else
    log "redis: not started by this script; left running"
  fi
}

# ---------------------------------------------------------------- Kafka (KRaft, one node)
# kafka_fetch, kafka_config, kafka_format, kafka_java: scripts/lib/kafka-broker.sh
KAFKA_POM="$ROOT/scripts/kafka/pom.xml"
KAFKA_CONF_DIR="$KAFKA_HOME" KAFKA_DATA_DIR="$KAFKA_HOME/data" KAFKA_LOG_FILE="$RUN/kafka.log"
# shellcheck source=lib/kafka-broker.sh
source "$ROOT/scripts/lib/kafka-broker.sh"

kafka_up() {
  if [ -n "${KAFKA_BROKERS:-}" ]; then log "kafka: using KAFKA_BROKERS (not starting a local broker)"; return; fi
  if port_open $KAFKA_HOST $KAFKA_PORT; then log "kafka: reachable on $KAFKA_HOST:$KAFKA_PORT (reused)"; return; fi
  kafka_fetch
  kafka_config
  kafka_format
  log "kafka: starting one KRaft broker+controller on $KAFKA_HOST:$KAFKA_PORT (log: $RUN/kafka.log)"
  (
    without_inherited_fds
    exec nohup java -Xms256m -Xmx768m -XX:+UseG1GC -Dlog4j.configuration="file:$KAFKA_HOME/log4j.properties" \
      -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$KAFKA_HOME/server.properties" >>"$RUN/kafka.out" 2>&1 </dev/null
  ) &
  echo $! >"$RUN/kafka.pid"
  wait_port $KAFKA_HOST $KAFKA_PORT 90 || die "kafka: broker did not open $KAFKA_PORT within 90 s (see $RUN/kafka.log, $RUN/kafka.out)"
  log "kafka: up (pid $(cat "$RUN/kafka.pid"))"
}

kafka_down() {
  if [ -f "$RUN/kafka.pid" ] && kill -0 "$(cat "$RUN/kafka.pid")" 2>/dev/null; then
    local pid; pid=$(cat "$RUN/kafka.pid")
    log "kafka: stopping broker pid $pid"
    kill "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    rm -f "$RUN/kafka.pid"
  else
    log "kafka: not started by this script; left running"
  fi
}

# ---------------------------------------------------------------- status
status_line() { # name host port env-name
  local envval="${!4:-}"
  if [ -n "$envval" ]; then printf '  %-8s external  %s=%s\n' "$1" "$4" "$envval"
  elif port_open "$2" "$3"; then printf '  %-8s up        %s:%s\n' "$1" "$2" "$3"
  else printf '  %-8s down      %s:%s\n' "$1" "$2" "$3"; fi
}

status() {
  echo "services:"
  status_line mariadb $MYSQL_HOST $MYSQL_PORT MYSQL_URL
  status_line redis $REDIS_HOST $REDIS_PORT REDIS_URL
  status_line kafka $KAFKA_HOST $KAFKA_PORT KAFKA_BROKERS
}

case "${1:-}" in
  up) mysql_up; redis_up; kafka_up; status ;;
  down) kafka_down; redis_down; mysql_down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# One Kafka KRaft node (broker + controller), shared by scripts/services.sh (the shared broker on 9092)
# and the reliability tests (private brokers on other ports with their own log dirs).
#
# Sourced: defines kafka_fetch, kafka_config, kafka_format, kafka_java, KAFKA_VERSION. The caller sets
#   KAFKA_HOME (jars in $KAFKA_HOME/libs), KAFKA_CONF_DIR (server.properties, log4j.properties),
#   KAFKA_DATA_DIR, KAFKA_LOG_FILE, KAFKA_HOST, KAFKA_PORT, KAFKA_CONTROLLER_PORT,
#   and log/die/apt_install (services.sh has them; the CLI below defines minimal ones).
# Run directly:
#   scripts/lib/kafka-broker.sh run DIR PORT CONTROLLER_PORT
#     fetches the jars into .cache/kafka/libs if missing, writes the config into DIR, formats DIR/data
#     if new, then replaces itself with the broker's JVM (foreground: kill the pid to stop it).
KAFKA_VERSION=3.9.1

kafka_fetch() {
  if [ -f "$KAFKA_HOME/libs/kafka_2.13-$KAFKA_VERSION.jar" ]; then return; fi
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null || apt_install maven
  log "kafka: resolving Apache Kafka $KAFKA_VERSION jars with Maven into $KAFKA_HOME/libs"
  mvn -q -B -f "$KAFKA_POM" dependency:copy-dependencies -DincludeScope=runtime \
    -Dkafka.version=$KAFKA_VERSION -DoutputDirectory="$KAFKA_HOME/libs" \
    || die "kafka: maven could not resolve the Kafka jars"
}

kafka_config() {
  mkdir -p "$KAFKA_DATA_DIR" "$KAFKA_CONF_DIR"
  cat >"$KAFKA_CONF_DIR/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DATA_DIR
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
EOF
  cat >"$KAFKA_CONF_DIR/log4j.properties" <<EOF
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$KAFKA_LOG_FILE
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
EOF
}

kafka_java() { # main-class args...
  java -Xms256m -Xmx768m -XX:+UseG1GC -Dlog4j.configuration="file:$KAFKA_CONF_DIR/log4j.properties" \
    -cp "$KAFKA_HOME/libs/*" "$@"
}

kafka_format() {
  if [ ! -f "$KAFKA_DATA_DIR/meta.properties" ]; then
    log "kafka: formatting KRaft storage in $KAFKA_DATA_DIR"
    local id
    id=$(kafka_java kafka.tools.StorageTool random-uuid)
    kafka_java kafka.tools.StorageTool format -t "$id" -c "$KAFKA_CONF_DIR/server.properties" >/dev/null
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  ROOT=$(cd "$(dirname "$0")/../.." && pwd)
  log() { printf '[kafka-broker] %s\n' "$*"; }
  die() { printf '[kafka-broker] ERROR: %s\n' "$*" >&2; exit 1; }
  apt_install() { die "missing $*: run scripts/services.sh up once (it installs them)"; }
  [ "${1:-}" = run ] && [ $# -eq 4 ] || { echo "usage: $0 run DIR PORT CONTROLLER_PORT" >&2; exit 2; }
  KAFKA_HOME="${PERPX_CACHE_DIR:-$ROOT/.cache}/kafka"
  KAFKA_POM="$ROOT/scripts/kafka/pom.xml"
  KAFKA_CONF_DIR="$2" KAFKA_DATA_DIR="$2/data" KAFKA_LOG_FILE="$2/kafka.log"
  KAFKA_HOST=127.0.0.1 KAFKA_PORT="$3" KAFKA_CONTROLLER_PORT="$4"
  kafka_fetch
  kafka_config
  kafka_format
  log "starting on $KAFKA_HOST:$KAFKA_PORT (data $KAFKA_DATA_DIR)"
  exec java -Xms128m -Xmx512m -XX:+UseG1GC -Dlog4j.configuration="file:$KAFKA_CONF_DIR/log4j.properties" \
    -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$KAFKA_CONF_DIR/server.properties"
fi

#!/usr/bin/env bash
# Exercises the cheap Makefile targets the README lists, as an operator would, on this checkout (run by
# `make test` after `make up`; about 40 s): help, status, admin-key, migrate, topics, lag, then an
# embedded exchange on a temp DATA_DIR and free loopback ports for curl-flow, snapshot and logs, replay
# once it is stopped, and a 5 s load test whose report must match /metrics and pass the solvency check.
# Everything it creates is removed on exit: the data dir, the exchange process, a MySQL database
# perpx_targets_<pid> and Kafka topics prefixed targets-<pid>-.
#   scripts/check-make-targets.sh        (after `make build` and `make up`)
set -euo pipefail
cd "$(dirname "$0")/.."
# `build` is a prerequisite of several targets: built once here, then assumed (make -o build)
MAKE_CMD=(make --no-print-directory -o build -o setup)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/perpx-targets-XXXXXX")
data=$tmp/data
prefix="targets-$$-"
db="perpx_targets_$$"
mysql_url=${MYSQL_ROOT_URL:-mysql://root@127.0.0.1:3306}/$db
pid=
t0=$(date +%s)

cleanup() {
  local rc=$?
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  node --input-type=module -e '
    import { brokersFromEnv, makeKafka } from "./engine/dist/src/log/kafka/client.js";
    import { KafkaNames, TOPIC_SPECS } from "./engine/dist/src/log/kafka/topics.js";
    const names = new KafkaNames(process.argv[1]);
    const admin = makeKafka({ brokers: brokersFromEnv(), clientId: "perpx-targets-cleanup" }).admin();
    try {
      await admin.connect();
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(names.prefix));
      if (mine.length) await admin.deleteTopics({ topics: mine });
    } catch { /* Kafka was not reachable: nothing was created */ }
    await admin.disconnect();
  ' "$prefix" >/dev/null 2>&1 || true
  node --input-type=module -e '
    import { createConnection } from "mysql2/promise";
    const u = new URL(process.argv[1]);
    const c = await createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) });
    await c.query("DROP DATABASE IF EXISTS `" + u.pathname.slice(1) + "`");
    await c.end();
  ' "$mysql_url" >/dev/null 2>&1 || true
  rm -rf "$tmp"
  if [ "$rc" -ne 0 ]; then echo "!! make targets check FAILED (exit $rc)" >&2; fi
}
trap cleanup EXIT

step() { echo "--> $*"; }
fail() {
  echo "!! $*" >&2
  exit 1
}
# expect NAME PATTERN OUTPUT: the output must contain the (extended) regex
expect() { grep -Eq -- "$2" <<<"$3" || fail "$1: expected /$2/ in:"$'\n'"$3"; }
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

step "make build (once; the targets below assume it)"
make --no-print-directory build >/dev/null

step "make help lists every target the README names"
out=$("${MAKE_CMD[@]}" help)
expect "make help" "make kafka-topics " "$out"
for t in setup build build-web lint format test test-unit test-integration test-stress test-e2e chromium up down \
  status bench loadtest test-reliability test-targets snapshot logs run-engine run-gateway run-savers replay admin-key curl-flow topics \
  migrate lag clean run; do
  expect "make help" "make $t " "$out"
  grep -Eq "make $t( |\`)" README.md || fail "README does not name make $t"
done

step "make status"
out=$("${MAKE_CMD[@]}" status)
expect "make status" "mariadb +up" "$out"
expect "make status" "kafka +up" "$out"

step "make admin-key (no key yet)"
out=$(DATA_DIR=$data "${MAKE_CMD[@]}" admin-key)
expect "make admin-key" "no admin key yet" "$out"

step "make migrate (database $db)"
out=$(MYSQL_URL=$mysql_url "${MAKE_CMD[@]}" migrate)
expect "make migrate" "schema version [0-9]+" "$out"
out=$(MYSQL_URL=$mysql_url "${MAKE_CMD[@]}" migrate)
expect "make migrate (again)" "\(0 applied now\)" "$out"

step "make topics / make lag (prefix $prefix)"
out=$(KAFKA_TOPIC_PREFIX=$prefix "${MAKE_CMD[@]}" topics)
expect "make topics" "created: ${prefix}" "$out"
out=$(KAFKA_TOPIC_PREFIX=$prefix "${MAKE_CMD[@]}" kafka-topics)
expect "make kafka-topics (again)" "all topics exist" "$out"
# right after a broker starts, the group coordinator may not be elected yet (NOT_COORDINATOR): retry
for i in 1 2 3 4 5; do
  out=$(KAFKA_TOPIC_PREFIX=$prefix "${MAKE_CMD[@]}" lag 2>&1) && break
  [ "$i" -lt 5 ] || fail "make lag: $out"
  sleep 1
done

step "an embedded exchange on $data"
http=$(free_port)
ws=$(free_port)
mkdir -p "$data"
(
  unset KAFKA_BROKERS EXCHANGE_ADMIN_KEY EXCHANGE_ADMIN_SECRET
  # what `make run` starts (without the UI bundle), its output to the file `make logs` follows
  exec env HOST=127.0.0.1 HTTP_PORT="$http" WS_PORT="$ws" DATA_DIR="$data" DEMO_FEED=off WEB_DIR= \
    node gateway/dist/src/main.js >>"$data/perpx.log" 2>&1
) &
pid=$!
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$http/health/ready" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || fail "the exchange exited while starting: $(tail -n 20 "$data/perpx.log")"
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$http/health/ready" >/dev/null || fail "the exchange did not become ready"

step "make admin-key"
out=$(DATA_DIR=$data "${MAKE_CMD[@]}" admin-key)
expect "make admin-key" "admin key file: $data/admin-key.json" "$out"

step "make curl-flow"
out=$(DATA_DIR=$data HTTP_PORT=$http "${MAKE_CMD[@]}" curl-flow)
expect "make curl-flow" '"status":"FILLED"' "$out"
expect "make curl-flow" '"difference":"0\.000000"' "$out"

step "make snapshot"
out=$(DATA_DIR=$data HTTP_PORT=$http "${MAKE_CMD[@]}" snapshot)
expect "make snapshot" '"status":"TAKEN"' "$out"

step "make logs (follows the log: stopped after 2 s)"
set +e
out=$(DATA_DIR=$data timeout 2 "${MAKE_CMD[@]}" logs 2>/dev/null)
rc=$?
set -e
[ "$rc" -eq 124 ] || fail "make logs: expected to be still following after 2 s (timeout), exit $rc"
expect "make logs" "perpx embedded exchange is up" "$out"

step "stop the exchange (SIGTERM)"
kill -TERM "$pid"
set +e
wait "$pid"
rc=$?
set -e
pid=
[ "$rc" -eq 0 ] || fail "the exchange exited with $rc on SIGTERM"

step "make replay"
out=$(DATA_DIR=$data "${MAKE_CMD[@]}" replay)
expect "make replay" "hash" "$out"

step "make loadtest (5 s at 50 req/s)"
out=$(LOADTEST_SECONDS=5 LOADTEST_RATE=50 LOADTEST_MAKERS=2 LOADTEST_TAKERS=4 LOADTEST_OUT=$tmp/loadtest \
  "${MAKE_CMD[@]}" loadtest) || fail "make loadtest failed:"$'\n'"$out"
expect "make loadtest" '\*\*PASS\*\*' "$out"
grep -q '"ok": true' "$tmp/loadtest/report.json" || fail "report.json is not ok"
[ -s "$tmp/loadtest/loadtest.svg" ] || fail "no loadtest.svg"

echo "==> make targets check passed in $(($(date +%s) - t0)) s"

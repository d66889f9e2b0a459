#!/usr/bin/env bash
# A scripted walk through the REST API with plain curl + openssl, against a running exchange
# (`make run` in another terminal). It creates two users with keys and deposits, trades between them,
# and prints positions, balances and the solvency check. Safe to re-run: ids come from the exchange.
#   scripts/curl-flow.sh [BASE_URL]      default http://127.0.0.1:8080; admin key from $DATA_DIR/admin-key.json
set -euo pipefail
BASE=${1:-http://${HOST:-127.0.0.1}:${HTTP_PORT:-8080}}
# shellcheck source=lib/signed-curl.sh
. "$(dirname "$0")/lib/signed-curl.sh"
load_admin_key
call() { signed_call "$@"; }
admin() { call "$1" "$2" "${3:-}" "$ADMIN_KEY" "$ADMIN_SECRET"; }
field() { sed -n "s/.*\"$1\": *\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p"; }

echo "== server time";            curl -sS "$BASE/api/v1/time"; echo
echo "== index price 50000.0";    admin POST /api/v1/admin/index-price '{"symbol":"BTCUSDT","price":"50000.0"}'
run=$(date +%s%N)
declare -A KEY SECRET
for u in maker taker; do
  uid=$(admin POST /api/v1/admin/users "{\"name\":\"$u\"}" | field userId)
  keys=$(admin POST /api/v1/admin/api-keys "{\"userId\":$uid}")
  KEY[$u]=$(echo "$keys" | field apiKey); SECRET[$u]=$(echo "$keys" | field apiSecret)
  echo "== user $u = $uid; deposit 10000 USDT"
  admin POST /api/v1/admin/deposits "{\"userId\":$uid,\"asset\":\"USDT\",\"amount\":\"10000\",\"txId\":\"curl-$run-$u\"}"
done
m() { call "$1" "$2" "${3:-}" "${KEY[maker]}" "${SECRET[maker]}"; }
t() { call "$1" "$2" "${3:-}" "${KEY[taker]}" "${SECRET[taker]}"; }
echo "== maker rests SELL 0.100 @ 50000.0"
m POST '/api/v1/order?wait=true' '{"symbol":"BTCUSDT","side":"SELL","type":"LIMIT","quantity":"0.100","price":"50000.0"}'
echo "== taker BUY 0.100 @ 50000.0 IOC"
t POST '/api/v1/order?wait=true' '{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","timeInForce":"IOC","quantity":"0.100","price":"50000.0"}'
echo "== taker positions";        t GET /api/v1/positions
echo "== taker account";          t GET /api/v1/account
echo "== taker trades";           t GET '/api/v1/trades?symbol=BTCUSDT'
echo "== depth";                  curl -sS "$BASE/api/v1/depth?symbol=BTCUSDT&limit=5"; echo
echo "== solvency (difference must be 0.000000)"; admin GET /api/v1/admin/solvency

# Sourced by scripts that call the REST API with an API key (SPEC §8.1):
#   signature = hex HMAC-SHA256(secret, timestamp + METHOD + pathWithQuery + body)
# Sets BASE and ADMIN_KEY/ADMIN_SECRET (from EXCHANGE_ADMIN_KEY/SECRET or $DATA_DIR/admin-key.json).
BASE=${BASE:-http://${HOST:-127.0.0.1}:${HTTP_PORT:-8080}}

load_admin_key() {
  local file=${DATA_DIR:-./data}/admin-key.json
  if [ -n "${EXCHANGE_ADMIN_KEY:-}" ]; then
    ADMIN_KEY=$EXCHANGE_ADMIN_KEY ADMIN_SECRET=$EXCHANGE_ADMIN_SECRET
  else
    [ -r "$file" ] || { echo "no $file: start the exchange with 'make run' first" >&2; exit 1; }
    ADMIN_KEY=$(sed -n 's/.*"apiKey": *"\([^"]*\)".*/\1/p' "$file")
    ADMIN_SECRET=$(sed -n 's/.*"apiSecret": *"\([^"]*\)".*/\1/p' "$file")
  fi
}

# signed_call METHOD PATH BODY KEY SECRET — prints the response body and a newline
signed_call() {
  local method=$1 path=$2 body=$3 key=$4 secret=$5 ts sig
  ts=$(date +%s%3N)
  sig=$(printf '%s' "$ts$method$path$body" | openssl dgst -sha256 -hmac "$secret" | sed 's/^.* //')
  if [ -n "$body" ]; then
    curl -sS -X "$method" "$BASE$path" -H "APIKEY: $key" -H "timestamp: $ts" -H "signature: $sig" \
      -H 'content-type: application/json' --data-raw "$body"
  else
    curl -sS -X "$method" "$BASE$path" -H "APIKEY: $key" -H "timestamp: $ts" -H "signature: $sig"
  fi
  echo
}

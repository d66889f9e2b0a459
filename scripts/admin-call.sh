#!/usr/bin/env bash
# One signed admin REST call against a running exchange, e.g.
#   scripts/admin-call.sh POST /api/v1/admin/snapshot '{}'
#   scripts/admin-call.sh GET /api/v1/admin/solvency
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 METHOD PATH [JSON-BODY]" >&2; exit 2; }
# shellcheck source=lib/signed-curl.sh
. "$(dirname "$0")/lib/signed-curl.sh"
load_admin_key
signed_call "$1" "$2" "${3:-}" "$ADMIN_KEY" "$ADMIN_SECRET"

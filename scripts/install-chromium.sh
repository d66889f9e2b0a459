#!/usr/bin/env bash
# Installs Debian's chromium for the end-to-end browser tests (playwright-core drives it through
# executablePath; `npx playwright install` cannot download browsers on this network). Idempotent: does
# nothing when the browser is already there. Needs root (or sudo) on a machine without it.
#   CHROMIUM_PATH  where the tests look for the browser (default /usr/bin/chromium)
set -euo pipefail

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$CHROMIUM_PATH" ]; then
  echo "chromium: $("$CHROMIUM_PATH" --version 2>/dev/null || echo present) at $CHROMIUM_PATH"
  exit 0
fi
if [ "$CHROMIUM_PATH" != /usr/bin/chromium ]; then
  echo "CHROMIUM_PATH=$CHROMIUM_PATH does not exist; unset it to install Debian's chromium" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "installing chromium needs root: run as root or install the Debian package chromium" >&2
    exit 1
  fi
fi

echo "==> installing Debian's chromium (apt-get)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-liberation
echo "chromium: $("$CHROMIUM_PATH" --version)"

#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run them.
# Chromium comes from Debian (Playwright drives it; `playwright install` is never run).
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! command -v chromium >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
# Redis for the cross-host rate-limit tests (tests/test_redis.py skips, saying so, if it cannot be installed)
if ! command -v redis-server >/dev/null 2>&1; then
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null; } \
    || echo "scripts/test.sh: could not install redis-server; tests/test_redis.py will be skipped" >&2
fi
python3 -m pip install -q --disable-pip-version-check -e '.[test]'
export BOT_TEST_REQUIRE_BROWSER=1   # a missing browser is a failure here, not a skip
export BOT_TEST_REQUIRE_BENCH=1     # so is a missing benchmark pack (../shared/bench)
exec python3 -m pytest "$@"

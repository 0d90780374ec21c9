#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run them.
# Python packages come from requirements-test.lock (every version and hash pinned), into the active virtualenv,
# or into ./.venv (made here) when none is active: never into the system's Python.
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
if [ -z "${VIRTUAL_ENV:-}" ]; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  # shellcheck disable=SC1091
  . .venv/bin/activate
fi
pip_install() {  # pip's own exit status; its notes on this machine's empty local mirrors are left out
  python -m pip install -q --disable-pip-version-check "$@" 2> >(grep -v "^WARNING: Location" >&2)
}
pip_install --require-hashes -r requirements-test.lock
pip_install --no-deps -e .
python -m pip check >/dev/null || { python -m pip check; exit 1; }
export BOT_TEST_REQUIRE_BROWSER=1   # a missing browser is a failure here, not a skip
export BOT_TEST_REQUIRE_BENCH=1     # so is a missing benchmark pack (../shared/bench)
export BOT_TEST_LOCKED=1            # the installed versions must be the locked ones (tests/test_lock.py)
exec python -m pytest "$@"

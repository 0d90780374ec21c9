#!/usr/bin/env bash
# Re-lock the whole dependency tree from pyproject.toml (both lock files, with hashes), then run the tests:
#   bash scripts/lock.sh            # keep the locked versions that still fit pyproject.toml, add what is new
#   bash scripts/lock.sh --upgrade  # take the newest versions that fit
#   bash scripts/test.sh            # then the tests, in a venv installed from the new lock
# requirements-test.lock: the product and its test tools; requirements.lock: the product alone, the same versions.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v uv >/dev/null 2>&1 || python3 -m pip install -q uv
UV=(uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet
    --index-url https://pypi.org/simple --custom-compile-command "bash scripts/lock.sh")
[ "${1:-}" = "--upgrade" ] && UV+=(--upgrade)
"${UV[@]}" --extra test -o requirements-test.lock
"${UV[@]}" -c requirements-test.lock -o requirements.lock
echo "locked: $(grep -c '==' requirements.lock) packages (requirements.lock), $(grep -c '==' requirements-test.lock) with the test tools"

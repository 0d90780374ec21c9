"""The `slow` marker handling in tests/conftest.py: skipped unless --run-slow or BOT_RUN_SLOW=1."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

SAMPLE = """
import pytest

@pytest.mark.slow
def test_slow_one():
    pass

def test_fast_one():
    pass
"""


@pytest.fixture
def project(tmp_path):
    shutil.copyfile(HERE / "conftest.py", tmp_path / "conftest.py")
    shutil.copyfile(HERE / "_support.py", tmp_path / "_support.py")
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    slow: slow tests\n", encoding="utf-8")
    (tmp_path / "test_sample.py").write_text(SAMPLE, encoding="utf-8")
    return tmp_path


def outcome(project: Path, args: list[str], run_slow_env: str | None) -> dict[str, int]:
    env = {k: v for k, v in os.environ.items() if k != "BOT_RUN_SLOW"}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # third-party plugins cost seconds and are not under test
    env["PYTHONPATH"] = str(HERE.parent) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if run_slow_env is not None:
        env["BOT_RUN_SLOW"] = run_slow_env
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    counts = {k: int(n) for n, k in re.findall(r"(\d+) (passed|skipped|failed)", r.stdout)}
    if counts.get("skipped"):
        assert "--run-slow" in r.stdout and "BOT_RUN_SLOW=1" in r.stdout  # the skip reason says how
    return counts


@pytest.mark.parametrize(
    "args, env, expected",
    [
        ([], None, {"passed": 1, "skipped": 1}),
        ([], "0", {"passed": 1, "skipped": 1}),
        (["--run-slow"], None, {"passed": 2}),
        ([], "1", {"passed": 2}),
    ],
    ids=["default", "env-0", "--run-slow", "env-1"],
)
def test_slow_marker(project, args, env, expected):
    assert outcome(project, args, env) == expected


@pytest.mark.parametrize("env", [{"CI": "true"}, {"BOT_TEST_REQUIRE_BENCH": "1"}, {}])
def test_a_missing_benchmark_pack_fails_in_ci_and_skips_elsewhere(tmp_path, env):
    """The main quality gate (tests/test_eval.py) must not pass silently where its pack is missing."""
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "BOT_TEST_REQUIRE_BENCH")}
    run_env = {**base, **env, "BOT_BENCH_DIR": str(tmp_path / "no-such-pack"), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(HERE / "test_eval.py"),
            "-k",
            "squad_subset",
            "-rs",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        env=run_env,
        cwd=HERE.parent,
        timeout=300,
    )
    if env:
        assert r.returncode != 0 and "1 failed" in r.stdout and "pack not found" in r.stdout, r.stdout[-1500:]
    else:
        assert r.returncode == 0 and "1 skipped" in r.stdout, r.stdout[-1500:]

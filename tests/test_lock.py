"""The lock files and pyproject.toml agree, and the tests run on the locked versions.

`bash scripts/lock.sh` writes requirements-test.lock (the product and its test tools) and requirements.lock (the
product alone) from pyproject.toml; both README commands and CI install from them.
"""

from __future__ import annotations

import os
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?\s*$")


def read_lock(path: Path) -> list[tuple[str, str, str | None, int]]:
    """(name, version, marker, number of hashes) for every pin of a lock file (a universal lock pins some
    packages once per Python version, each pin with its marker)."""
    out: list[tuple[str, str, str | None, int]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = PIN.match(line)
        if m:
            out.append((canonicalize_name(m.group(1)), m.group(2), m.group(3), 0))
        elif out and line.strip().startswith("--hash=sha256:"):
            name, v, marker, n = out[-1]
            out[-1] = (name, v, marker, n + 1)
        elif line.strip() and not line.startswith((" ", "#")):
            raise AssertionError(f"{path.name}: a line that is not a pin: {line!r}")
    return out


def pins_for(lock: list, env: dict) -> dict[str, str]:
    """name -> version of the pins whose marker holds in `env`; a package pinned twice for one env is an error."""
    out: dict[str, str] = {}
    for name, version, marker, _ in lock:
        if marker and not Requirement(f"x; {marker}").marker.evaluate(env):
            continue
        assert name not in out, f"{name} pinned twice for Python {env['python_full_version']}"
        out[name] = version
    return out


def environments() -> list[dict]:
    """This interpreter's marker environment, and the same for each Python the project allows."""
    envs = [default_environment()]
    for minor in ("3.11", "3.12", "3.13"):
        envs.append({**envs[0], "python_version": minor, "python_full_version": minor + ".0"})
    return envs


def project_requirements(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    if extra:
        reqs += project["optional-dependencies"][extra]
    return [Requirement(r) for r in reqs]


def _disagreements(reqs: list[Requirement], pins: dict[str, str], env: dict | None = None) -> list[str]:
    env = env or default_environment()
    bad = []
    for r in reqs:
        if r.marker is not None and not r.marker.evaluate(env):
            continue
        name = canonicalize_name(r.name)
        if name not in pins:
            bad.append(f"{r} is not in the lock")
        elif not r.specifier.contains(pins[name], prereleases=True):
            bad.append(f"{r} but the lock has {pins[name]}")
    return bad


@pytest.mark.parametrize(("lock", "extra"), [("requirements.lock", None), ("requirements-test.lock", "test")])
def test_every_requirement_of_pyproject_is_locked_at_a_version_it_allows(lock, extra):
    pins = read_lock(ROOT / lock)
    for env in environments():
        bad = _disagreements(project_requirements(extra), pins_for(pins, env), env)
        assert not bad, f"pyproject.toml and {lock} disagree ({bad}): run `bash scripts/lock.sh`, then the tests"


def test_the_check_sees_a_disagreement():
    assert _disagreements([Requirement("numpy>=1.26")], {"numpy": "1.0"}) == ["numpy>=1.26 but the lock has 1.0"]
    assert _disagreements([Requirement("numpy>=1.26"), Requirement("redis>=5")], {"numpy": "2.4"}) == [
        "redis>=5 is not in the lock"
    ]
    lock = [("deprecated", "1.3.1", "python_full_version < '3.12'", 1), ("deprecated", "3.0.1", None, 1)]
    with pytest.raises(AssertionError, match="pinned twice"):
        pins_for(lock, environments()[1])


def test_every_pin_has_hashes_and_the_product_lock_is_the_test_lock_without_the_tools():
    product, full = read_lock(ROOT / "requirements.lock"), read_lock(ROOT / "requirements-test.lock")
    assert all(n >= 1 for *_, n in full) and all(n >= 1 for *_, n in product)
    for env in environments():
        p, f = pins_for(product, env), pins_for(full, env)
        assert set(p) <= set(f) and p == {k: f[k] for k in p}  # the same versions
        assert not {"pytest", "playwright", "hypothesis", "ruff", "fpdf2", "langchain-tests"} & set(p)


@pytest.mark.skipif(not os.environ.get("BOT_TEST_LOCKED"), reason="set by scripts/test.sh, which installs the lock")
def test_the_installed_versions_are_the_locked_ones():
    wrong = []
    for name, version in pins_for(read_lock(ROOT / "requirements-test.lock"), default_environment()).items():
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong.append(f"{name} {version} is not installed")
            continue
        if have != version:
            wrong.append(f"{name}: {have} installed, {version} locked")
    assert not wrong, wrong

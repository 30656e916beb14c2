"""The lock files agree with pyproject.toml, so a dependency added without `make lock` fails
here instead of as an ImportError on a fresh machine (the project is installed --no-deps)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def pins(name: str) -> dict[str, Requirement]:
    """The pins of requirements/NAME.txt that apply here (a universal lock forks some by
    Python version), by canonical package name."""
    text = (ROOT / "requirements" / f"{name}.txt").read_text(encoding="utf-8")
    found: dict[str, Requirement] = {}
    for line in text.splitlines():
        spec = line.removesuffix("\\").strip()
        if not spec or spec.startswith(("#", "--")):
            continue
        requirement = Requirement(spec)
        if requirement.marker is None or requirement.marker.evaluate():
            found[canonicalize_name(requirement.name)] = requirement
    return found


@pytest.mark.parametrize(
    ("lock", "wanted"),
    [
        ("run", PROJECT["dependencies"]),
        ("dev", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
    ],
)
def test_every_dependency_is_pinned_within_its_range(lock: str, wanted: list[str]) -> None:
    pinned = pins(lock)
    for line in wanted:
        requirement = Requirement(line)
        pin = pinned.get(canonicalize_name(requirement.name))
        assert pin is not None, f"{requirement.name} is not in requirements/{lock}.txt: make lock"
        (version,) = (spec.version for spec in pin.specifier)
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements/{lock}.txt pins {requirement.name}=={version}, outside "
            f"{requirement.specifier}: make lock"
        )


def test_development_installs_the_runtime_versions() -> None:
    run, dev = pins("run"), pins("dev")
    # The versions must agree; the platform markers may be wider in dev.txt (a dev tool can
    # need a package on more platforms than the bot does).
    assert {n: str(run[n].specifier) for n in run} == {n: str(dev[n].specifier) for n in run}
    assert not {"pytest", "mypy", "ruff", "hypothesis"} & run.keys()

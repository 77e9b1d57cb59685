"""The installed dependencies are at or past the fixes of the reviewed advisories (security/advisories.json).

This is the offline half of the audit: it needs no network. ``make audit`` runs pip-audit against
the lock with the same allowlist where the vulnerability service can be reached.
"""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version

import pytest
from packaging.version import Version

from tests.conftest import ROOT

ADVISORIES = json.loads((ROOT / "security" / "advisories.json").read_text())


@pytest.mark.parametrize("entry", ADVISORIES["fixed"], ids=lambda e: f"{e['package']}-{e['advisory']}")
def test_installed_version_has_the_fix(entry: dict[str, str]) -> None:
    installed = Version(version(entry["package"]))
    assert installed >= Version(entry["fixed_in"]), (
        f"{entry['package']} {installed} predates the fix of {entry['advisory']}"
    )


@pytest.mark.parametrize("entry", ADVISORIES["absent"], ids=lambda e: f"{e['package']}-{e['advisory']}")
def test_package_that_must_not_be_installed(entry: dict[str, str]) -> None:
    with pytest.raises(PackageNotFoundError):
        version(entry["package"])


def test_lock_pins_the_same_versions() -> None:
    pins = dict(
        line.split("==", 1) for line in (ROOT / "requirements.lock").read_text().splitlines() if "==" in line
    )
    pins = {k.lower().replace("_", "-"): v for k, v in pins.items()}
    for entry in ADVISORIES["fixed"]:
        name = entry["package"].lower()
        assert name in pins, f"{name} is not pinned in requirements.lock"
        assert Version(pins[name]) >= Version(entry["fixed_in"])


@pytest.mark.parametrize("entry", ADVISORIES["open"], ids=lambda e: f"{e['package']}-{e['advisory']}")
def test_open_advisory_is_reviewed_for_the_installed_version(entry: dict[str, str]) -> None:
    # an advisory with no fix yet is accepted with a mitigation for the version it was reviewed at;
    # after an upgrade, check whether the new version carries the fix and move the entry to 'fixed'
    assert entry["mitigation"]
    assert version(entry["package"]) == entry["reviewed_version"], (
        f"{entry['package']} is now {version(entry['package'])}: review {entry['advisory']} again"
    )

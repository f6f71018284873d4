"""Known-vulnerable versions in requirements.lock fail CI (scripts/audit.sh, pip-audit) unless excused.

The excuses live in security/audit-exceptions.yml; each must name a package==version still pinned in
requirements.lock, so an exception goes stale, and fails here, once its package is upgraded.
security/refused-versions.yml lists versions refused without asking any service (rasa below 3.6.21).

pip-audit reads PyPI's per-version JSON API. Where the network serves the package index but not that
API (this one answers 404 for every package), pip-audit would skip every package and report "no known
vulnerabilities"; scripts/audit.sh fails closed instead (exit 2), and the test says it could not audit.
"""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml
from packaging.version import Version

from bot.settings import PROJECT_ROOT

AUDIT = PROJECT_ROOT / "scripts" / "audit.sh"
EXCEPTIONS = PROJECT_ROOT / "security" / "audit-exceptions.yml"
LOCK = PROJECT_ROOT / "requirements.lock"
REFUSED = PROJECT_ROOT / "security" / "refused-versions.yml"
NO_SERVICE = "no package could be audited"
REQUIRED_KEYS = ("id", "package", "version", "reason", "impact")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock_text: str) -> set[tuple[str, str]]:
    found = set()
    for line in lock_text.splitlines():
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line.strip())
        if match:
            found.add((canonical(match[1]), match[2]))
    return found


def exception_problems(exceptions_text: str, lock_text: str) -> list[str]:
    data = yaml.safe_load(exceptions_text)
    if not isinstance(data, dict) or not isinstance(data.get("exceptions"), list):
        return ["the file must be a mapping with an 'exceptions' list"]
    pinned = pins(lock_text)
    problems, seen = [], set()
    for number, entry in enumerate(data["exceptions"], 1):
        if not isinstance(entry, dict):
            problems.append(f"entry {number}: not a mapping")
            continue
        label = f"entry {number} ({entry.get('id', 'no id')})"
        for key in REQUIRED_KEYS:
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                problems.append(f"{label}: '{key}' missing, empty or not a string (quote versions like 1.10)")
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            problems.append(f"{label}: 'aliases' must be a list of ids")
        if entry.get("id") in seen:
            problems.append(f"{label}: listed twice")
        seen.add(entry.get("id"))
        package, version = entry.get("package"), entry.get("version")
        if isinstance(package, str) and isinstance(version, str) and (canonical(package), version) not in pinned:
            problems.append(
                f"{label}: {package}=={version} is not pinned in requirements.lock: "
                "stale exception, remove it or re-check the advisory against the new version"
            )
    return problems


def test_audit_of_the_lock_finds_no_vulnerability_without_an_exception() -> None:
    try:
        result = subprocess.run(
            ["bash", str(AUDIT)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900, check=False
        )
    except subprocess.TimeoutExpired as timeout:
        pytest.fail(f"scripts/audit.sh took over {timeout.timeout} s (PyPI slow or unreachable?)")
    if result.returncode == 2 and NO_SERVICE in result.stderr:
        pytest.skip(f"the vulnerability service does not answer from this network: {result.stderr.strip()[-300:]}")
    meaning = {
        1: "known vulnerabilities not in security/audit-exceptions.yml, or packages that could not be audited",
        2: "no audit at all: PyPI (its per-version JSON API) unreachable? CI needs it for this check",
    }.get(result.returncode, "unexpected failure")
    assert result.returncode == 0, (
        f"scripts/audit.sh exited {result.returncode}: {meaning}\n{result.stdout}{result.stderr}"
    )


def test_the_exceptions_file_is_well_formed_and_names_pinned_versions() -> None:
    text = EXCEPTIONS.read_text(encoding="utf-8")
    assert exception_problems(text, LOCK.read_text(encoding="utf-8")) == []
    # scripts/audit.sh reads the ids without PyYAML: it must see exactly the ids YAML sees.
    listed = subprocess.run(
        ["bash", str(AUDIT), "--print-ignored"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert listed == [entry["id"] for entry in yaml.safe_load(text)["exceptions"]]


def test_a_stale_or_incomplete_exception_is_caught() -> None:
    lock = "aiohttp==3.9.5\nSQLAlchemy==1.4.54\n"
    entry = "  - id: PYSEC-0000-1\n    package: {package}\n    version: {version}\n    reason: r\n    impact: i\n"
    good = "exceptions:\n" + entry.format(package="sqlalchemy", version="1.4.54")
    assert exception_problems(good, lock) == []
    stale = "exceptions:\n" + entry.format(package="aiohttp", version="3.9.4")
    assert ["not pinned in requirements.lock" in p for p in exception_problems(stale, lock)] == [True]
    unquoted = "exceptions:\n" + entry.format(package="aiohttp", version="3.10")
    assert any("'version'" in p for p in exception_problems(unquoted, lock))
    no_reason = "exceptions:\n  - id: PYSEC-0000-1\n    package: aiohttp\n    version: 3.9.5\n    impact: i\n"
    assert any("'reason'" in p for p in exception_problems(no_reason, lock))


def refused_pins(refused_text: str, lock_text: str) -> list[str]:
    pinned = dict(pins(lock_text))
    found = []
    for rule in yaml.safe_load(refused_text)["refused"]:
        version = pinned.get(canonical(rule["package"]))
        if version is not None and Version(version) < Version(rule["below"]):
            found.append(f"{rule['package']}=={version} ({rule['id']}: use {rule['below']} or later)")
    return found


def test_no_refused_version_is_pinned() -> None:
    assert refused_pins(REFUSED.read_text(encoding="utf-8"), LOCK.read_text(encoding="utf-8")) == []


def test_a_refused_version_would_be_caught() -> None:
    text = REFUSED.read_text(encoding="utf-8")
    assert refused_pins(text, "rasa==3.6.20\nsanic==21.12.2\n") == [
        "rasa==3.6.20 (CVE-2024-49375: use 3.6.21 or later)"
    ]
    assert refused_pins(text, "rasa==3.6.21\n") == []

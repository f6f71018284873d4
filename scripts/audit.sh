#!/usr/bin/env bash
# Dependency vulnerability audit: pip-audit checks every name==version in requirements.lock against
# PyPI's vulnerability data. Known findings that cannot be upgraded away are listed, with their reasons,
# in security/audit-exceptions.yml and ignored; anything else, or any package that could not be
# audited, fails (exit 1). No audit at all (PyPI unreachable, or it answered for no package) exits 2.
# scripts/audit.sh --print-ignored prints the ids it would ignore, and exits.
#
# pip-audit lives in its own venv (build/audit-venv, made with the machine's python3), never in the
# project's .venv, so the audit tool cannot change the project's dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

PIP_AUDIT_VERSION=2.10.1
VENV=build/audit-venv
LOCK=requirements.lock
EXCEPTIONS=security/audit-exceptions.yml
PYTHON=${AUDIT_PYTHON:-python3}
# The tool venv is isolated from the project: no project modules on its path.
unset PYTHONPATH PYTHONHOME

# The ids are the "- id: ..." lines of the exceptions file (flat YAML, read without PyYAML).
mapfile -t ignored < <("$PYTHON" -c 'import re, sys; print("\n".join(re.findall(r"^\s*-\s*id:\s*[\"\x27]?([A-Za-z0-9._:-]+)", open(sys.argv[1]).read(), re.M)))' "$EXCEPTIONS" | sed '/^$/d')
if [ "${1:-}" = --print-ignored ]; then
  [ "${#ignored[@]}" -eq 0 ] || printf '%s\n' "${ignored[@]}"
  exit 0
fi

if [ "$("$VENV/bin/pip-audit" --version 2>/dev/null)" != "pip-audit $PIP_AUDIT_VERSION" ]; then
  echo "audit: installing pip-audit $PIP_AUDIT_VERSION into $VENV" >&2
  "$PYTHON" -m venv --clear "$VENV"
  if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "pip-audit==$PIP_AUDIT_VERSION" \
    >"$VENV/install.log" 2>&1; then
    echo "audit: FAILED: could not install pip-audit $PIP_AUDIT_VERSION (is PyPI reachable?):" >&2
    grep -v 'is ignored: it is neither a file nor a directory' "$VENV/install.log" | tail -n 20 >&2
    exit 2
  fi
fi

ignore_args=()
for id in "${ignored[@]}"; do ignore_args+=(--ignore-vuln "$id"); done

report=$(mktemp)
errors=$(mktemp)
trap 'rm -f "$report" "$errors"' EXIT

rc=0
"$VENV/bin/pip-audit" -r "$LOCK" --no-deps --disable-pip --progress-spinner off \
  --format json --output "$report" "${ignore_args[@]}" 2>"$errors" || rc=$?

if [ ! -s "$report" ]; then
  echo "audit: FAILED: pip-audit exited $rc without a report (is PyPI reachable?):" >&2
  grep -v -e "--no-deps is supported" -e "Consider using a tool like" "$errors" | tail -n 5 >&2
  exit 2
fi

"$PYTHON" - "$report" "${#ignored[@]}" "$EXCEPTIONS" <<'PY'
import json
import sys

report, n_ignored, exceptions = sys.argv[1], int(sys.argv[2]), sys.argv[3]
deps = json.load(open(report))["dependencies"]
skipped = [d for d in deps if "skip_reason" in d]
findings = [(d, v) for d in deps for v in d.get("vulns", [])]
audited = len(deps) - len(skipped)

for d, v in findings:
    ids = ", ".join([v["id"], *v.get("aliases", [])])
    fixes = ", ".join(v.get("fix_versions", [])) or "none"
    print(f"audit: FINDING {d['name']}=={d['version']}: {ids} (fixed in: {fixes})", file=sys.stderr)
for d in skipped[:10]:
    print(f"audit: NOT AUDITED {d['skip_reason']}", file=sys.stderr)
if len(skipped) > 10:
    print(f"audit: NOT AUDITED ... and {len(skipped) - 10} more", file=sys.stderr)
if deps and len(skipped) == len(deps):
    print(
        "audit: no package could be audited: PyPI's per-version JSON API (/pypi/NAME/VERSION/json), "
        "which pip-audit's 'pypi' service reads, did not answer for any of them from this network.",
        file=sys.stderr,
    )

print(
    f"audit: {len(deps)} packages, {audited} audited, {len(skipped)} not audited, "
    f"{len(findings)} findings, {n_ignored} ignored (reasons in {exceptions})"
)
sys.exit(2 if deps and len(skipped) == len(deps) else 1 if findings or skipped else 0)
PY
if [ "$rc" -ne 0 ]; then
  echo "audit: FAILED: pip-audit exited $rc:" >&2
  tail -n 20 "$errors" >&2
  exit 1
fi

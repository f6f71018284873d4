#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 needs Python 3.8-3.10; we pin 3.10).
# Looks at $PYTHON310, python3.10 on PATH, then pyenv's versions. Fails with a clear message.
set -euo pipefail

is_310() { [ -x "$1" ] && "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; }

candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
for dir in "$pyenv_root"/versions/3.10*; do
  [ -d "$dir" ] && candidates+=("$dir/bin/python3.10" "$dir/bin/python")
done
candidates+=(/usr/bin/python3.10 /usr/local/bin/python3.10)

for candidate in "${candidates[@]}"; do
  if is_310 "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done
echo "error: Python 3.10 not found. Rasa 3.6 needs Python 3.8-3.10." >&2
echo "Install it (for example 'pyenv install 3.10.13') or set PYTHON310=/path/to/python3.10." >&2
exit 1

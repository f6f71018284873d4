"""Every path and command the README names exists."""

from __future__ import annotations

import re
import shlex

from bot.cli import build_parser
from bot.settings import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_paths_named_in_the_readme_exist() -> None:
    for path in sorted(set(re.findall(r"`((?:bot|actions|data|tests|scripts|docs|demo|\.ci)/[^`*<> ]*)`", README))):
        assert (PROJECT_ROOT / path.rstrip("/")).exists(), path


def test_make_targets_named_in_the_readme_exist() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    for target in sorted(set(re.findall(r"`make (\w+)`", README))):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target


def test_bot_commands_named_in_the_readme_and_the_maintainer_guide_parse() -> None:
    parser = build_parser()
    guide = (PROJECT_ROOT / "docs" / "maintainers.md").read_text(encoding="utf-8")
    # A command runs to the end of its code span or line, or to a diagram's arrow or a "/".
    for command in sorted({c.strip() for c in re.findall(r"python -m bot ([a-z][^`\n─/]*)", README + guide)}):
        # Placeholders (FILE, NAME, <id>, GROUP ANSWER_ID) stand for any value: give one of the right type.
        words = [
            ("1" if w in ("GROUP", "DAYS") else "x") if w.isupper() or w.startswith("<") else w
            for w in shlex.split(command)
        ]
        parser.parse_args(words)

"""The README's embed snippet is what the demo pages use, and it documents every option the widget reads."""

from __future__ import annotations

import re

import pytest

from bot.channels.static_files import STATIC_DIR
from bot.settings import PROJECT_ROOT
from demo.serve import DEMO_DIR, SNIPPET_BOT_URL

SECTION = "## Add the chat to your website"


def readme_section() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert SECTION in readme
    return readme.split(SECTION, 1)[1].split("\n## ", 1)[0]


def readme_snippet() -> str:
    match = re.search(r"```html\n(.*?)\n```", readme_section(), re.DOTALL)
    assert match, "the section shows the snippet in an html code block"
    return match.group(1)


def widget_options() -> set[str]:
    """The data- attributes widget.js reads (`pick('clinicName')` reads data-clinic-name)."""
    script = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    names = re.findall(r"pick\('(\w+)'\)", script)
    return {"data-" + re.sub(r"([A-Z])", r"-\1", name).lower() for name in names}


@pytest.mark.parametrize("page", sorted(p.name for p in DEMO_DIR.glob("*.html")))
def test_demo_pages_embed_the_readme_snippet_exactly(page: str) -> None:
    assert readme_snippet() in (DEMO_DIR / page).read_text(encoding="utf-8")


def test_the_snippet_loads_the_widget_from_the_assistant_server() -> None:
    assert re.match(rf'<script src="{SNIPPET_BOT_URL}/webhooks/widget/widget\.js"', readme_snippet())
    assert readme_snippet().count("<script") == 1


def test_every_option_is_documented_and_the_snippet_uses_no_unknown_option() -> None:
    options = widget_options()
    assert {"data-clinic-name", "data-accent", "data-emergency-number", "data-lang", "data-position"} <= options
    documented = set(re.findall(r"^\| `(data-[a-z-]+)` \|", readme_section(), re.MULTILINE))
    assert documented == options
    assert set(re.findall(r"(data-[a-z-]+)=", readme_snippet())) <= options


def test_the_readme_shows_a_screenshot_of_the_widget() -> None:
    images = re.findall(r"!\[[^\]]+\]\((docs/[^)]+\.png)\)", readme_section())
    assert images
    for image in images:
        assert (PROJECT_ROOT / image).read_bytes().startswith(b"\x89PNG")

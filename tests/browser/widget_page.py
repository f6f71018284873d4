"""The chat widget as a patient sees it: find its parts by role and name, as assistive technology does."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

AXE_BLOCKING = ("serious", "critical")


class ChatWidget:
    """Page object for the embedded widget (its open shadow root is pierced by Playwright's locators)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.launcher = page.get_by_role("button", name=re.compile("chat", re.I))
        self.panel = page.get_by_role("dialog")
        self.box = page.get_by_role("textbox", name=re.compile("message", re.I))
        self.log = page.get_by_role("log")
        self.emergency_strip = page.locator(".il2-emergency")
        self.typing = page.locator(".il2-typing")
        self.messages = page.locator(".il2-msg")
        self.bot_messages = page.locator(".il2-msg--bot")
        self.user_messages = page.locator(".il2-msg--user")

    def open(self) -> None:
        """Open the panel with a click and wait for the assistant's greeting and topic buttons."""
        self.launcher.click()
        self.wait_for_reply()

    def ask(self, text: str) -> None:
        """Type a message and press Enter, then wait until the assistant has answered."""
        self.box.fill(text)
        self.box.press("Enter")
        expect(self.user_messages.last).to_contain_text(text[:40])
        self.wait_for_reply()

    def wait_for_reply(self) -> None:
        """The last message is the assistant's and it is not typing any more."""
        expect(self.messages.last).to_have_class(re.compile(r"\bil2-msg--bot\b"))
        expect(self.typing).to_be_hidden()

    def kind(self, kind: str) -> Locator:
        """Bot messages of one kind (answer, emergency, topic_menu, error, ...)."""
        return self.page.locator(f".il2-msg--bot.il2-kind-{kind}")

    def feedback(self, message: Locator) -> Locator:
        """The "Was this helpful?" control under one bot message (only the assistant's answers have one)."""
        return message.get_by_role("group", name="Was this helpful?")

    def helpful(self, message: Locator) -> Locator:
        """The thumbs up button under one bot message."""
        return message.get_by_role("button", name="Helpful", exact=True)

    def not_helpful(self, message: Locator) -> Locator:
        """The thumbs down button under one bot message."""
        return message.get_by_role("button", name="Not helpful", exact=True)

    def is_focused(self, locator: Locator) -> bool:
        """True when the element has keyboard focus (inside the widget's shadow root too)."""
        return bool(locator.evaluate("el => el.getRootNode().activeElement === el"))


def axe_violations(page: Page, axe_path: str) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations on the page, as axe-core reports them."""
    page.add_script_tag(path=axe_path)
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
            resultTypes: ['violations'],
        })"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in AXE_BLOCKING
    ]

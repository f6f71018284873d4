"""Thumbs up / thumbs down under the assistant's answers in the widget, against the real running assistant."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Request, expect

from tests.browser.conftest import AXE, DESKTOP, PHONE, PageProblems
from tests.browser.test_widget import ANSWER_ID, QUESTION, wait_until, widget_webhook
from tests.browser.widget_page import ChatWidget, axe_violations
from tests.fixtures.servers import RunningBot

pytestmark = pytest.mark.e2e

NOT_HELPFUL = '/feedback{"answer_id":"about.what_is_il2","helpful":"no"}'
EMERGENCY = "my dad is confused after his infusion"


def capture_bodies(page: Page, bot: RunningBot) -> list[str]:
    """Every request body the page posts to the assistant, in order (the requests go on unchanged)."""
    bodies: list[str] = []

    def seen(request: Request) -> None:
        if request.method == "POST" and request.url == widget_webhook(bot):
            bodies.append(request.post_data or "")

    page.on("request", seen)
    return bodies


def feedback_bodies(bodies: list[str]) -> list[str]:
    return [b for b in bodies if json.loads(b)["message"].startswith("/feedback")]


def stored_messages(page: Page) -> list[dict]:
    """The transcript the widget keeps in the tab's session storage."""
    return page.evaluate(
        """() => {
            const key = Object.keys(sessionStorage).find(k => k.startsWith('il2chat:v1:'));
            return key ? JSON.parse(sessionStorage.getItem(key)).messages : [];
        }"""
    )


def test_answers_offer_helpful_and_not_helpful_and_system_replies_do_not(
    page: Page, demo_site: str, problems: PageProblems
) -> None:
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.open()
    expect(widget.kind("topic_menu")).to_have_count(1)
    expect(page.locator(".il2-feedback")).to_have_count(0)  # not under the greeting and its topics

    widget.ask(QUESTION)
    answer = widget.kind("answer").last
    expect(answer).to_have_attribute("data-answer-id", ANSWER_ID)
    expect(widget.feedback(answer)).to_be_visible()
    expect(widget.feedback(answer).get_by_role("button")).to_have_count(2)
    for button in (widget.helpful(answer), widget.not_helpful(answer)):
        expect(button).to_be_visible()
        expect(button).to_be_enabled()
        expect(button).to_have_attribute("aria-pressed", "false")
    icons = answer.locator(".il2-feedback svg")
    expect(icons).to_have_count(2)
    assert icons.evaluate_all("els => els.map(e => e.getAttribute('aria-hidden'))") == ["true", "true"]

    widget.helpful(answer).focus()  # reachable with the keyboard, thumbs up then thumbs down
    page.keyboard.press("Tab")
    assert widget.is_focused(widget.not_helpful(answer))

    widget.ask(EMERGENCY)
    expect(widget.kind("emergency").last).to_contain_text("911")
    expect(widget.feedback(widget.kind("emergency").last)).to_have_count(0)
    expect(page.locator(".il2-feedback")).to_have_count(1)  # still only the one under the answer
    assert problems.errors == []


def test_not_helpful_sends_its_payload_once_and_is_remembered_after_a_reload(
    page: Page, demo_site: str, running_bot: RunningBot, problems: PageProblems
) -> None:
    bodies = capture_bodies(page, running_bot)
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.open()
    widget.ask(QUESTION)
    answer = widget.kind("answer").last
    widget.not_helpful(answer).click()

    wait_until(page, lambda: feedback_bodies(bodies))
    [body] = feedback_bodies(bodies)
    sent = json.loads(body)
    # The conversation, the payload and the message's own id (for a safe "Try again"), nothing else.
    assert set(sent) == {"sender", "message", "message_id"} and sent["message"] == NOT_HELPFUL
    assert re.fullmatch(r"[0-9a-f]{32}", sent["message_id"])

    for button in (widget.helpful(answer), widget.not_helpful(answer)):
        expect(button).to_be_disabled()
    expect(widget.not_helpful(answer)).to_have_attribute("aria-pressed", "true")
    expect(widget.helpful(answer)).to_have_attribute("aria-pressed", "false")
    expect(widget.user_messages.last.locator(".il2-bubble")).to_have_text("Not helpful")  # like a chip's title
    expect(widget.user_messages.filter(has_text="feedback")).to_have_count(0)  # never the payload

    # The assistant's reply (needs the backend's `feedback` intent and action_feedback in the trained model):
    widget.wait_for_reply()
    thanks = widget.kind("feedback").last
    expect(thanks).to_contain_text("Thank you")
    expect(thanks.get_by_role("button").first).to_be_visible()  # "not helpful" also offers a way on
    expect(widget.feedback(thanks)).to_have_count(0)

    count = widget.messages.count()
    page.reload()
    expect(widget.panel).to_be_visible()
    expect(widget.messages).to_have_count(count)
    answer = widget.kind("answer").last
    expect(widget.not_helpful(answer)).to_have_attribute("aria-pressed", "true")
    expect(widget.helpful(answer)).to_have_attribute("aria-pressed", "false")
    for button in (widget.helpful(answer), widget.not_helpful(answer)):
        expect(button).to_be_disabled()
    assert [m.get("feedback") for m in stored_messages(page) if m.get("answer_id") == ANSWER_ID] == ["no"]

    widget.not_helpful(answer).click(force=True)  # a disabled button does nothing, even when forced
    page.wait_for_timeout(300)
    assert len(feedback_bodies(bodies)) == 1
    assert problems.errors == []


def test_helpful_from_the_keyboard_under_a_detail_keeps_focus_and_is_thanked(
    page: Page, demo_site: str, running_bot: RunningBot
) -> None:
    bodies = capture_bodies(page, running_bot)
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.open()
    widget.ask(QUESTION)
    widget.ask("tell me more")
    detail = widget.kind("detail").last
    expect(detail).to_have_attribute("data-answer-id", ANSWER_ID)

    widget.helpful(detail).focus()
    page.keyboard.press("Enter")
    wait_until(page, lambda: feedback_bodies(bodies))
    assert json.loads(feedback_bodies(bodies)[0])["message"] == (
        '/feedback{"answer_id":"about.what_is_il2","helpful":"yes"}'
    )
    expect(widget.helpful(detail)).to_have_attribute("aria-pressed", "true")
    expect(widget.helpful(detail)).to_be_disabled()
    assert widget.is_focused(widget.feedback(detail)), "focus stays on the control, not back at the page's top"
    expect(widget.feedback(widget.kind("answer").last).get_by_role("button").first).to_be_enabled()  # per message
    expect(widget.user_messages.last.locator(".il2-bubble")).to_have_text("Helpful")

    # The assistant's reply (needs the backend's `feedback` intent and action_feedback in the trained model):
    widget.wait_for_reply()
    expect(widget.kind("feedback").last).to_contain_text("Thank you")


OLD_TRANSCRIPT = """
(() => {
  const key = 'il2chat:v1:' + %(webhook)s;
  if (sessionStorage.getItem(key)) return;
  const bot = (kind, answer_id, extra) => Object.assign(
    {role: 'bot', text: 'Text of ' + kind, buttons: [], sources: [], kind: kind, answer_id: answer_id}, extra);
  sessionStorage.setItem(key, JSON.stringify({sender: 'a'.repeat(32), open: true, messages: [
    bot('greeting', 'system.greeting'),
    {role: 'user', text: 'what is il2', buttons: [], sources: [], kind: 'message', answer_id: ''},
    bot('answer', 'about.what_is_il2'),
    bot('detail', 'about.what_is_il2', {feedback: 'yes'}),
    bot('education', 'about.side_effects', {feedback: '<img src=x onerror=alert(1)>'}),
    bot('answer', 'Not An Id!'),
    {role: 'user', text: 'old', kind: 'message'}
  ]}));
})();
"""


def test_a_transcript_stored_by_an_older_widget_still_loads(
    page: Page, demo_site: str, running_bot: RunningBot, problems: PageProblems
) -> None:
    page.add_init_script(OLD_TRANSCRIPT % {"webhook": json.dumps(widget_webhook(running_bot))})
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    expect(widget.panel).to_be_visible()
    expect(widget.messages).to_have_count(7)
    expect(page.locator(".il2-feedback")).to_have_count(3)  # answer, detail and education; not the bad id

    old = widget.kind("answer").first  # stored before there was feedback: offered
    expect(widget.helpful(old)).to_be_enabled()
    expect(widget.not_helpful(old)).to_have_attribute("aria-pressed", "false")
    rated = widget.kind("detail").last
    expect(widget.helpful(rated)).to_have_attribute("aria-pressed", "true")
    expect(widget.not_helpful(rated)).to_be_disabled()
    tampered = widget.kind("education").last  # an unknown stored value counts as no choice
    expect(widget.helpful(tampered)).to_be_enabled()
    expect(widget.feedback(widget.kind("answer").last)).to_have_count(0)  # its id is not a valid answer id
    assert problems.errors == []
    assert problems.dialogs == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_serious_accessibility_violations_with_the_feedback_control(
    viewport: dict[str, int], open_tab: Callable[[dict[str, int]], Page], demo_site: str
) -> None:
    tab = open_tab(viewport)
    tab.goto(f"{demo_site}/")
    widget = ChatWidget(tab)
    widget.open()
    widget.ask(QUESTION)
    answer = widget.kind("answer").last
    expect(widget.feedback(answer)).to_be_visible()
    assert axe_violations(tab, str(AXE)) == []  # open, with an answer and its feedback buttons

    right = widget.feedback(answer).evaluate("el => el.getBoundingClientRect().right")
    assert right <= viewport["width"]
    assert tab.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    widget.not_helpful(answer).click()
    expect(widget.not_helpful(answer)).to_have_attribute("aria-pressed", "true")
    widget.wait_for_reply()
    assert axe_violations(tab, str(AXE)) == []  # after the choice: pressed and disabled

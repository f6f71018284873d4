"""The chat widget on the demo clinic website, in headless Chromium, against the real running assistant."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import AXE, DESKTOP, PHONE, PageProblems
from tests.browser.widget_page import ChatWidget, axe_violations
from tests.fixtures.servers import RunningBot

pytestmark = pytest.mark.e2e

QUESTION = "what is il2"  # answered with about.what_is_il2 (the REST end-to-end tests ask similar)
ANSWER_ID = "about.what_is_il2"


def widget_webhook(bot: RunningBot) -> str:
    return f"{bot.base_url}/webhooks/widget/webhook"


def wait_until(page: Page, condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Let the page run until `condition()` is true (for events a Playwright expect cannot watch)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        page.wait_for_timeout(50)


def test_keyboard_patient_opens_the_chat_and_gets_an_answer_with_its_source(
    page: Page, demo_site: str, problems: PageProblems
) -> None:
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    for _ in range(20):
        page.keyboard.press("Tab")
        if widget.is_focused(widget.launcher):
            break
    else:
        pytest.fail("the chat launcher cannot be reached with the Tab key")
    page.keyboard.press("Enter")

    expect(widget.panel).to_be_visible()
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")
    assert widget.is_focused(widget.box), "opening the chat puts the cursor in the message box"
    widget.wait_for_reply()
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")

    answer = widget.kind("answer").last
    expect(answer).to_have_attribute("data-answer-id", ANSWER_ID)
    expect(answer.locator(".il2-bubble")).to_contain_text("aldesleukin")
    expect(answer.locator(".il2-bubble")).not_to_contain_text("Source")  # shown once, under the bubble
    source = answer.locator(".il2-source")
    expect(source).to_contain_text(re.compile(r"Sources?:"))
    link = source.get_by_role("link").first
    expect(link).to_have_attribute("href", re.compile(r"^https?://"))
    expect(link).to_have_attribute("rel", "noopener noreferrer")

    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    assert widget.is_focused(widget.launcher), "closing the chat returns focus to the launcher"
    assert problems.errors == []


def test_emergency_reply_and_the_emergency_strip_never_scrolls_away(page: Page, demo_site: str) -> None:
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.open()
    widget.ask("my dad is confused after his infusion")

    emergency = widget.kind("emergency").last
    expect(emergency).to_contain_text("911")
    expect(widget.emergency_strip).to_contain_text("In an emergency, call 911")
    expect(widget.emergency_strip.get_by_role("link", name="911")).to_have_attribute("href", "tel:911")

    log = page.locator(".il2-log")
    assert log.evaluate("el => el.scrollHeight > el.clientHeight"), "the conversation should be long enough to scroll"
    log.evaluate("el => { el.scrollTop = 0; }")
    top = widget.emergency_strip.bounding_box()
    log.evaluate("el => { el.scrollTop = el.scrollHeight; }")
    expect(widget.emergency_strip).to_be_in_viewport(ratio=1)
    assert widget.emergency_strip.bounding_box() == top


def test_suggestion_buttons_send_their_choice_and_show_its_title(page: Page, demo_site: str) -> None:
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.open()

    topics = widget.kind("topic_menu").last.get_by_role("button")
    expect(topics.first).to_be_visible()
    title = topics.first.inner_text()
    topics.first.click()
    expect(widget.user_messages.last.locator(".il2-bubble")).to_have_text(title)  # the title, not the payload
    widget.wait_for_reply()
    expect(widget.kind("topic_menu")).to_have_count(2)  # the topic's questions, as buttons

    widget.kind("topic_menu").last.get_by_role("button").first.focus()
    page.keyboard.press("Enter")  # buttons work from the keyboard too
    widget.wait_for_reply()
    expect(widget.kind("answer").last.locator(".il2-source")).to_be_visible()
    expect(widget.user_messages.last).not_to_contain_text("/choose")


def test_conversation_is_kept_across_reloads_and_pages_until_start_over(page: Page, demo_site: str) -> None:
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.open()
    widget.ask(QUESTION)
    count = widget.messages.count()

    page.reload()
    expect(widget.panel).to_be_visible()  # still open
    expect(widget.messages).to_have_count(count)
    expect(widget.kind("answer").last).to_have_attribute("data-answer-id", ANSWER_ID)

    page.get_by_role("link", name="Your IL-2 treatment").click()
    expect(page).to_have_url(re.compile(r"/about\.html$"))
    expect(widget.messages).to_have_count(count)
    widget.ask("tell me more")  # the assistant still knows what the conversation is about
    expect(page.locator(".il2-msg--bot").last).to_have_class(re.compile(r"il2-kind-(detail|no_more_detail)"))

    page.get_by_role("button", name="Start over").click()
    expect(widget.user_messages).to_have_count(0)
    widget.wait_for_reply()
    expect(widget.kind("topic_menu")).to_have_count(1)
    assert widget.is_focused(widget.box)


def test_markup_typed_by_a_patient_is_shown_as_text_and_never_runs(
    page: Page, demo_site: str, problems: PageProblems
) -> None:
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.open()
    markup = "<img src=x onerror=alert(1)>"
    widget.ask(markup)

    expect(widget.user_messages.last.locator(".il2-bubble")).to_have_text(markup)
    expect(page.locator("#il2-chat-widget img")).to_have_count(0)
    assert problems.dialogs == []
    assert problems.errors == []


def test_bot_text_is_shown_as_text_and_only_http_links_are_clickable(
    page: Page, demo_site: str, running_bot: RunningBot, problems: PageProblems
) -> None:
    reply = [
        {
            "text": "Read https://example.org/il2_(info). <img src=x onerror=alert(2)> javascript:alert(3) "
            "<a href='javascript:alert(4)'>click</a>",
            "buttons": [{"title": "<b>More</b>", "payload": "/help"}],
            "kind": "answer",
            "answer_id": "about.test",
            "sources": [{"name": "Bad", "url": "javascript:alert(5)"}, {"name": "Good", "url": "https://example.org/"}],
        }
    ]
    page.route(
        widget_webhook(running_bot),
        lambda route: route.fulfill(json=reply, headers={"Access-Control-Allow-Origin": demo_site}),
    )
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.open()

    message = widget.kind("answer").last
    expect(message.locator(".il2-bubble")).to_contain_text("<img src=x onerror=alert(2)>")
    expect(message.get_by_role("button", name="<b>More</b>")).to_be_visible()
    hrefs = message.get_by_role("link").evaluate_all("links => links.map(a => a.href)")
    assert hrefs == ["https://example.org/il2_(info)", "https://example.org/"]
    expect(message.locator(".il2-source")).to_contain_text("Bad")  # named, but not a link
    expect(page.locator("#il2-chat-widget img, #il2-chat-widget b")).to_have_count(0)
    assert problems.dialogs == []


def test_friendly_error_with_the_clinic_phone_when_the_assistant_cannot_be_reached(
    page: Page, demo_site: str, running_bot: RunningBot
) -> None:
    page.route(widget_webhook(running_bot), lambda route: route.abort("connectionrefused"))
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.launcher.click()

    error = widget.kind("error").last
    expect(error).to_contain_text("cannot be reached")
    expect(error).to_contain_text("555-0100")  # data-clinic-phone of the demo page
    expect(error).to_contain_text("911")

    page.unroute(widget_webhook(running_bot))
    error.get_by_role("button", name="Try again").click()
    expect(widget.kind("topic_menu")).to_have_count(1)
    expect(widget.kind("error")).to_have_count(0)
    expect(widget.kind("greeting")).to_have_count(1)


def test_what_was_said_before_a_failure_is_shown_then_the_error_with_try_again(
    page: Page, demo_site: str, running_bot: RunningBot
) -> None:
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.open()
    emergency = {
        "text": "This could be an emergency. Call 911 now.",
        "buttons": [],
        "kind": "emergency",
        "answer_id": None,
        "sources": [],
    }
    failed = {"error": "unavailable", "message": "Sorry.", "messages": [emergency]}
    page.route(
        widget_webhook(running_bot),
        lambda route: route.fulfill(status=503, json=failed, headers={"Access-Control-Allow-Origin": demo_site}),
    )
    widget.ask("i cant breathe")
    expect(widget.kind("emergency").last).to_contain_text("Call 911 now")
    error = widget.kind("error").last
    expect(error).to_contain_text("555-0100")
    expect(error.get_by_role("button", name="Try again")).to_be_visible()


def test_a_rate_limited_message_gets_the_wait_message_not_cannot_be_reached(
    page: Page, demo_site: str, running_bot: RunningBot
) -> None:
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.open()
    refused = {"error": "rate_limited", "message": "Wait.", "messages": []}
    page.route(
        widget_webhook(running_bot),
        lambda route: route.fulfill(status=429, json=refused, headers={"Access-Control-Allow-Origin": demo_site}),
    )
    widget.ask("what is il2")
    error = widget.kind("error").last
    expect(error).to_contain_text("very fast")
    expect(error).not_to_contain_text("cannot be reached")
    expect(error).to_contain_text("911")


def test_try_again_sends_the_same_message_id_marked_as_a_retry(
    page: Page, demo_site: str, running_bot: RunningBot
) -> None:
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.open()
    bodies: list[dict] = []

    def refuse(route: Route) -> None:
        bodies.append(json.loads(route.request.post_data or "{}"))
        route.abort("connectionrefused")

    page.route(widget_webhook(running_bot), refuse)
    widget.box.fill("what is il2")
    widget.box.press("Enter")
    error = widget.kind("error").last
    expect(error).to_be_visible()
    page.unroute(widget_webhook(running_bot))
    page.on(
        "request",
        lambda r: bodies.append(json.loads(r.post_data or "{}")) if r.url == widget_webhook(running_bot) else None,
    )
    error.get_by_role("button", name="Try again").click()
    expect(widget.kind("answer").last).to_be_visible()
    first, again = bodies[0], bodies[-1]
    assert first["message"] == again["message"] == "what is il2"
    assert first["message_id"] == again["message_id"] and "retry" not in first and again["retry"] is True


def test_typing_indicator_while_waiting_and_no_animation_for_reduced_motion(
    page: Page, demo_site: str, running_bot: RunningBot
) -> None:
    page.emulate_media(reduced_motion="reduce")
    held: list[Route] = []
    page.route(widget_webhook(running_bot), lambda route: held.append(route))
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.launcher.click()

    wait_until(page, lambda: held)
    expect(widget.typing).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("The assistant is typing\u2026")
    dot = widget.typing.locator("span").first
    assert dot.evaluate("el => getComputedStyle(el).animationName") == "none"

    held[0].continue_()  # now let the assistant answer
    widget.wait_for_reply()
    expect(page.get_by_role("status")).to_have_text("")
    page.emulate_media(reduced_motion="no-preference")
    assert dot.evaluate("el => getComputedStyle(el).animationName") == "il2-blink"


def test_a_page_on_a_website_that_is_not_allowed_is_refused(
    page: Page, foreign_site: str, running_bot: RunningBot
) -> None:
    page.goto(f"{foreign_site}/")
    widget = ChatWidget(page)
    with page.expect_event("requestfailed", lambda request: request.url == widget_webhook(running_bot)):
        widget.launcher.click()  # the browser blocks the answer: no Access-Control-Allow-Origin for this site
    error = widget.kind("error").last
    expect(error).to_contain_text("cannot be reached")
    expect(error).to_contain_text("555-0100")
    expect(widget.kind("topic_menu")).to_have_count(0)

    direct = requests.post(
        widget_webhook(running_bot),
        data=json.dumps({"sender": "a" * 32, "message": "what is il2"}),
        headers={"Origin": foreign_site, "Content-Type": "text/plain"},
        timeout=30,
    )
    assert direct.status_code == 403
    assert direct.json()["error"] == "origin_not_allowed"
    assert "Access-Control-Allow-Origin" not in direct.headers


def test_the_page_talks_only_to_its_own_site_and_the_assistant_and_sets_no_cookies(
    page: Page, demo_site: str, running_bot: RunningBot
) -> None:
    origins: set[str] = set()
    page.on("request", lambda request: origins.add("{0.scheme}://{0.netloc}".format(urlsplit(request.url))))
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.open()
    widget.ask(QUESTION)
    expect(widget.kind("answer")).to_have_count(1)

    assert origins == {demo_site, running_bot.base_url}
    assert page.context.cookies() == []


def test_message_length_is_capped_in_the_browser(page: Page, demo_site: str) -> None:
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.open()
    widget.box.focus()
    page.keyboard.insert_text("a" * 1200)
    assert len(widget.box.input_value()) == 1000
    expect(page.locator(".il2-counter")).to_have_text("1000/1000")


def test_phone_layout_fills_the_screen_without_sideways_scrolling(phone_page: Page, demo_site: str) -> None:
    phone_page.goto(f"{demo_site}/")
    widget = ChatWidget(phone_page)
    widget.open()
    widget.ask(QUESTION)

    # The panel rises into place (a 160 ms animation): measure it once it has settled, which under
    # load can take longer than the answer does. Rounded for sub-pixel layout.
    expected = {"x": 0, "y": 0, "width": 360, "height": 740}
    wait_until(
        phone_page,
        lambda: {key: round(value) for key, value in (widget.panel.bounding_box() or {}).items()} == expected,
    )
    expect(widget.emergency_strip).to_be_in_viewport(ratio=1)
    expect(widget.box).to_be_in_viewport(ratio=1)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    chips = phone_page.locator(".il2-chip").evaluate_all("els => els.map(e => e.getBoundingClientRect().right)")
    assert chips and max(chips) <= 360


SET_OPTIONS_BEFORE_THE_WIDGET_RUNS = """
window.IL2ChatConfig = {position: 'left'};
new MutationObserver((records, observer) => {
  const tag = document.querySelector('script[src$="/widget.js"]');
  if (!tag) return;
  Object.assign(tag.dataset, {lang: 'es', emergencyNumber: '112', accent: '#ffd60a'});
  delete tag.dataset.position;  // taken from the config object instead
  observer.disconnect();
}).observe(document, {childList: true, subtree: true});
"""


def test_clinic_options_set_language_position_colours_and_emergency_number(page: Page, demo_site: str) -> None:
    page.add_init_script(SET_OPTIONS_BEFORE_THE_WIDGET_RUNS)  # as if the clinic had written these options
    page.goto(f"{demo_site}/")

    launcher = page.get_by_role("button", name="Chatear con nosotros")
    expect(launcher).to_be_visible()
    assert launcher.bounding_box()["x"] < 100  # bottom left
    assert launcher.evaluate("el => getComputedStyle(el).color") == "rgb(0, 0, 0)"  # dark text on a light accent
    launcher.click()
    expect(page.get_by_role("textbox", name="Escriba su mensaje")).to_be_focused()
    strip = ChatWidget(page).emergency_strip
    expect(strip).to_contain_text("llame al 112")
    expect(strip.get_by_role("link", name="112")).to_have_attribute("href", "tel:112")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_serious_accessibility_violations(
    viewport: dict[str, int], open_tab: Callable[[dict[str, int]], Page], demo_site: str
) -> None:
    tab = open_tab(viewport)
    tab.goto(f"{demo_site}/")
    assert axe_violations(tab, str(AXE)) == []  # closed: the launcher on the clinic's page
    widget = ChatWidget(tab)
    widget.open()
    widget.ask(QUESTION)
    expect(widget.kind("answer")).to_have_count(1)
    assert axe_violations(tab, str(AXE)) == []  # open, with buttons, links and an answer's source

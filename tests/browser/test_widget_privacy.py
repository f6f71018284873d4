"""What the widget keeps in the browser: a stored conversation expires when idle; `persist=none` keeps nothing."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from tests.browser.test_widget import QUESTION, widget_webhook
from tests.browser.widget_page import ChatWidget
from tests.fixtures.servers import RunningBot

STORED = """
(() => {
  const key = 'il2chat:v1:' + %(webhook)s;
  if (sessionStorage.getItem('seeded')) return;  // once: a reload must see what the widget did with it
  sessionStorage.setItem('seeded', '1');
  const earlier = {role: 'user', text: 'a question from earlier', buttons: [], sources: [], kind: 'message'};
  sessionStorage.setItem(key, JSON.stringify(
    {sender: 'b'.repeat(32), open: true, savedAt: Date.now() - %(age_ms)d, messages: [earlier]}));
})();
"""
OPTIONS = """
new MutationObserver((records, observer) => {
  const tag = document.querySelector('script[src$="/widget.js"]');
  if (!tag) return;
  Object.assign(tag.dataset, %(options)s);
  observer.disconnect();
}).observe(document, {childList: true, subtree: true});
"""


def _stored_keys(page: Page) -> list[str]:
    return page.evaluate(
        "() => [...Object.keys(sessionStorage), ...Object.keys(localStorage)].filter(k => k.startsWith('il2chat'))"
    )


def _stored_text(page: Page) -> str:
    return page.evaluate(
        "() => Object.keys(sessionStorage).filter(k => k.startsWith('il2chat')).map(k => sessionStorage[k]).join()"
    )


def _seed(page: Page, running_bot: RunningBot, minutes_ago: float) -> None:
    webhook = json.dumps(widget_webhook(running_bot))
    page.add_init_script(STORED % {"webhook": webhook, "age_ms": int(minutes_ago * 60_000)})


def test_a_conversation_idle_for_longer_than_30_minutes_is_deleted_not_shown(
    page: Page, demo_site: str, running_bot: RunningBot
) -> None:
    _seed(page, running_bot, minutes_ago=31)
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.open()
    expect(page.get_by_text("a question from earlier")).to_have_count(0)
    stored = _stored_text(page)  # a new conversation may be stored; the old one is gone
    assert "a question from earlier" not in stored and "b" * 32 not in stored


def test_a_recent_conversation_is_still_there(page: Page, demo_site: str, running_bot: RunningBot) -> None:
    _seed(page, running_bot, minutes_ago=5)
    page.goto(f"{demo_site}/")
    expect(page.get_by_text("a question from earlier")).to_have_count(1)


def test_the_clinic_can_shorten_the_idle_time(page: Page, demo_site: str, running_bot: RunningBot) -> None:
    page.add_init_script(OPTIONS % {"options": json.dumps({"expireMinutes": "2"})})
    _seed(page, running_bot, minutes_ago=5)
    page.goto(f"{demo_site}/")
    ChatWidget(page).open()
    expect(page.get_by_text("a question from earlier")).to_have_count(0)


def test_persist_none_keeps_nothing_in_the_browser(page: Page, demo_site: str) -> None:
    page.add_init_script(OPTIONS % {"options": json.dumps({"persist": "none"})})
    page.goto(f"{demo_site}/")
    widget = ChatWidget(page)
    widget.open()
    widget.ask(QUESTION)
    expect(widget.kind("answer")).to_have_count(1)
    assert _stored_keys(page) == []
    page.reload()
    ChatWidget(page).open()
    expect(page.get_by_text(QUESTION)).to_have_count(0)  # nothing to come back to

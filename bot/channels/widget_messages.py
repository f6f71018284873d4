"""The widget's message format: one object per bot message, its text, buttons, kind and cited sources.

Rasa's REST channel sends a bot message as a text element followed by a separate `custom` element (and
splits paragraphs into more elements). The widget gets each message whole instead:

    {"text": "...", "buttons": [{"title": "...", "payload": "/choose_answer{...}"}],
     "kind": "answer", "answer_id": "about.what_is_il2", "sources": [{"name": "...", "url": "https://..."}]}

`sources` lists only the sources the message cites; the widget shows them under the bubble, so the
trailing "Source: ..." line is taken out of `text` rather than shown twice.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel

from bot.answers.entries import Source
from bot.dialogue import format_sources


def _sources(raw: object) -> list[dict[str, str]]:
    """The well-formed sources of a message's metadata (name, and url or file)."""
    result = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            result.append({k: str(item[k]) for k in ("name", "url", "file") if isinstance(item.get(k), str)})
    return result


def _source_line(sources: list[dict[str, str]]) -> str:
    """The exact "Source: ..." line `bot.dialogue` appends to an answer citing these sources."""
    return format_sources(tuple(Source(**s) for s in sources))


def to_widget_message(message: dict[str, Any]) -> dict[str, Any]:
    """One Rasa bot message (text, buttons, custom metadata) as the widget shows it."""
    raw_text, raw_custom = message.get("text"), message.get("custom")
    text: str = raw_text if isinstance(raw_text, str) else ""
    custom: dict[str, Any] = raw_custom if isinstance(raw_custom, dict) else {}
    sources = _sources(custom.get("sources"))
    cited: list[dict[str, str]] = []
    if sources:
        line = _source_line(sources)
        if text.rstrip().endswith(line):
            text, cited = text.rstrip()[: -len(line)].rstrip(), sources
    buttons = [
        {"title": str(b["title"]), "payload": str(b["payload"])}
        for b in message.get("buttons") or []
        if isinstance(b, dict) and b.get("title") and b.get("payload")
    ]
    answer_id = custom.get("answer_id")
    return {
        "text": text,
        "buttons": buttons,
        "kind": str(custom.get("kind") or "message"),
        "answer_id": answer_id if isinstance(answer_id, str) else None,
        "sources": cited,
    }


class WidgetOutputChannel(CollectingOutputChannel):
    """Collects the bot's messages of one turn whole, in the widget's format."""

    @classmethod
    def name(cls) -> str:
        """Name of the output channel."""
        return "widget"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Keep text, buttons and metadata of one bot message together (REST splits them)."""
        if message.get("text") or message.get("buttons") or message.get("custom"):
            await self._persist_message(to_widget_message(message))

"""A message sent again is answered once: a retry of a turn that was already kept gets its replies again.

The ids are read by `bot.channels.widget_requests.delivery_of`.

A turn can be kept while its reply is lost on the way: a Rasa replica killed just after saving it,
a connection dropped. When the widget's "Try again" (or any client) sends the message again, it
sends the same `message_id` with `"retry": true`. Under the conversation's lock, the channel looks
for that id in the conversation: if the turn is there, its replies go out again and nothing is
handled twice; if not (the usual case: the first attempt failed before anything was kept), the
message is handled as new, with that id. Only retries pay for the look-up. Two retries of one
message at the same moment could still both be handled: the lock is released between the look-up
and the turn.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker


def replies_to(tracker: DialogueStateTracker | None, message_id: str) -> list[dict[str, Any]] | None:
    """The bot messages that answered the user message `message_id`; None when it is not in the conversation."""
    events = list(tracker.events) if tracker is not None else []
    for index, event in enumerate(events):
        if isinstance(event, UserUttered) and event.message_id == message_id:
            replies = []
            for later in events[index + 1 :]:
                if isinstance(later, UserUttered):
                    break
                if isinstance(later, BotUttered):
                    replies.append(later.message())
            return replies
    return None


async def send_earlier_replies(agent: Any, sender: str, message_id: str, output: OutputChannel) -> bool:
    """Send again the replies a kept message got, looked up under the conversation's lock; whether it was kept."""
    lock_store, tracker_store = getattr(agent, "lock_store", None), getattr(agent, "tracker_store", None)
    if lock_store is None or tracker_store is None:
        return False
    async with lock_store.lock(sender):
        tracker = await tracker_store.retrieve(sender)
    replies = replies_to(tracker, message_id)
    if replies is None:
        return False
    for reply in replies:
        await output.send_response(sender, reply)
    return True

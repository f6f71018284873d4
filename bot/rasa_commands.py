"""Typed commands: Rasa turns only the assistant's own button payloads into intents.

Rasa reads any message that starts with "/" as an intent with entities (`/clinical_decision`,
`/faq{"answer_id": ...}`), on every channel, before any policy sees it, and when such a message does
not parse it logs the whole message ("Failed to parse arguments in line '...'", and `user_text` in a
structured warning): patient words in the log. Here the payloads of the assistant's own buttons are
unpacked as before; any other message starting with "/" stays plain text, which the triage policy
refuses as a typed command (the bad-input reply), and which nothing logs.

Installed when `bot.rasa_policy` is imported (every model of this project does).
"""

from typing import List, Optional

from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safety.triage import is_button_payload


# Rasa's graph validation reads this signature at run time, as Rasa's own: no annotation on `self`,
# typing's generics, and no postponed evaluation in this module.
def process(  # type: ignore[no-untyped-def]
    self,
    messages: List[Message],
    domain: Optional[Domain] = None,  # noqa: UP045
) -> List[Message]:
    """Rasa's `RegexMessageHandler.process` for button payloads; every other message passes unchanged."""
    return [
        YAMLStoryReader.unpack_regex_message(message, domain, entity_extractor_name=self.name)
        if is_button_payload(str(message.get(TEXT) or ""))
        else message
        for message in messages
    ]


def install() -> None:
    """Put the restricted handler in place of Rasa's (idempotent)."""
    RegexMessageHandler.process = process  # type: ignore[method-assign]


def installed() -> bool:
    """Whether it is in place."""
    return RegexMessageHandler.process is process

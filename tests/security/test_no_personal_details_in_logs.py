"""No personal detail a patient types reaches a log, through either channel, also when handling fails.

A conversation through the REST channel and the website widget seeds made-up personal details (name,
phone number, email, date of birth, medical record number, street address, a symptom sentence with
a random token), also in messages the servers fail to handle or refuse: a null message, a 20 KB body,
bytes that are not UTF-8, a message of the wrong type, a lone surrogate (the turn fails inside Rasa),
JSON nested too deep, a page that is not allowed; and an emergency and a clinical question. Then every
log the servers write (`running_bot.logs`, any other *.log next to them or under the session's tmp
dirs, and var/) must hold none of them.

The servers are shared by the whole session, so the details are made up fresh for each run
(random digits, a random surname and token), and nothing another test sends can match them.
"""

from __future__ import annotations

import json
import random
import re
import secrets
import string
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e

SETTLE_SECONDS = 1.0
"""The servers log synchronously while handling a request (each record flushed), so what a turn logs is
on disk when its reply comes; this is slack for anything logged after the reply."""


@dataclass(frozen=True)
class Person:
    """Made-up personal details, unique to one run."""

    name: str
    surname: str
    phone: str
    email: str
    birth_date: str
    record_number: str
    address: str
    street: str
    token: str

    @classmethod
    def make(cls) -> Person:
        rng = random.Random(secrets.randbits(64))
        syllables = ["thistle", "quen", "by", "wood", "mar", "vane", "brook", "holm", "rav", "ick"]
        surname = "Quenby-" + "".join(rng.choice(syllables) for _ in range(3)).capitalize()
        token = "zq" + "".join(rng.choice(string.ascii_lowercase) for _ in range(10))
        street = f"{rng.choice(['Wisteria', 'Larkspur', 'Foxglove'])} {token[2:8].capitalize()} Lane"
        number = rng.randint(100, 9999)
        return cls(
            name=f"Marigold {surname}",
            surname=surname,
            phone=f"({rng.randint(201, 989)}) {rng.randint(200, 989)}-{rng.randint(1000, 9999)}",
            email=f"marigold.{token}@example.org",
            birth_date=f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(1930, 1999)}",
            record_number=f"MRN {rng.randint(10_000_000, 99_999_999)}",
            address=f"{number} {street}, Apt {rng.randint(2, 99)}",
            street=street,
            token=token,
        )

    def needles(self) -> dict[str, str]:
        """What must not be in any log (each checked case-insensitively)."""
        return {
            "name": self.name,
            "surname": self.surname,
            "phone": self.phone,
            "email": self.email,
            "email user": self.email.split("@")[0],
            "date of birth": self.birth_date,
            "record number": self.record_number,
            "record number digits": self.record_number.split()[1],
            "address": self.address,
            "street": self.street,
            "token": self.token,
        }

    def phone_digits(self) -> str:
        return re.sub(r"\D", "", self.phone)


def conversation(person: Person) -> list[str]:
    """What the patient types, in order: every detail, a symptom, an emergency, a clinical question."""
    return [
        f"Hi, my name is {person.name}.",
        f"You can call me on {person.phone} or email {person.email}.",
        f"I was born on {person.birth_date} and my medical record number is {person.record_number}.",
        f"I live at {person.address}.",
        f"Since my infusion I have a {person.token} tingling in my hands and a rash on my arms",
        f"This is {person.name}, I can't breathe and my lips are turning blue",
        f"Should I skip my next IL-2 dose? I'm {person.name}, born {person.birth_date}, {person.record_number}",
        f"Is it normal to feel tired after IL-2? Text me at {person.phone}",
    ]


def failing_bodies(person: Person, sender: str) -> list[bytes]:
    """Bodies the channels refuse or fail on (the REST channel takes a name as conversation id), with details."""
    details = f"{person.name}, {person.phone}, {person.email}, {person.record_number}, {person.address}"
    return [
        json.dumps({"sender": sender, "message": None, "note": details}).encode(),
        json.dumps({"sender": sender, "message": f"{details} {person.token} " * 200}).encode(),  # over 16 KB
        json.dumps({"sender": sender, "message": f"{details} {person.token} " * 40}).encode(),  # over the chars read
        f'{{"sender": "{sender}", "message": "{details} {person.token} café"}}'.encode("latin-1"),  # not UTF-8
        json.dumps({"sender": sender, "message": {"name": person.name, "phone": person.phone}}).encode(),
        json.dumps({"sender": sender, "message": [person.email, person.record_number, person.token]}).encode(),
        json.dumps({"sender": person.name, "message": f"my email is {person.email}"}).encode(),  # a name as the id
        b"[" * 1_000 + json.dumps(details).encode() + b"]" * 1_000,  # JSON nested too deep
    ]


def post(bot, channel: str, payload: bytes, *, origin: str | None = None) -> requests.Response:
    headers = {"Content-Type": "application/json" if channel == "rest" else "text/plain"}
    if channel == "widget":
        headers["Origin"] = origin or bot.demo_origin
    return requests.post(f"{bot.base_url}/webhooks/{channel}/webhook", data=payload, headers=headers, timeout=60)


def say(bot, channel: str, sender: str, text: str) -> list[dict]:
    response = post(bot, channel, json.dumps({"sender": sender, "message": text}).encode())
    assert response.status_code == 200, (channel, response.status_code, response.text[:300])
    return response.json()


def kinds(messages: list[dict]) -> list[str]:
    found = []
    for message in messages:
        custom = message.get("custom")
        found.append(custom.get("kind") if isinstance(custom, dict) else message.get("kind"))
    return [k for k in found if k]


def log_files(bot, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every log the servers write: theirs, any other *.log beside them, in the session's tmp dirs, in var/."""
    found = {Path(p) for p in bot.logs}
    for log in list(found):
        found.update(log.parent.rglob("*.log"))
    found.update(tmp_path_factory.getbasetemp().rglob("*.log"))
    found.update((PROJECT_ROOT / "var").rglob("*.log"))
    return sorted(p for p in found if p.is_file())


def read_logs(files: list[Path]) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)


def leaks(person: Person, text: str) -> list[str]:
    """The details found in `text` (case-insensitive; the phone also as bare digits)."""
    lowered = text.lower()
    found = [what for what, needle in person.needles().items() if needle.lower() in lowered]
    if person.phone_digits() in re.sub(r"[^0-9a-z]", "", lowered):
        found.append("phone digits")
    return found


def test_needles_would_be_found() -> None:
    """The check itself: every detail, and the phone written without punctuation, is caught."""
    person = Person.make()
    for needle in person.needles().values():
        assert leaks(person, f"x {needle.upper()} y")
    assert leaks(person, f"called {person.phone_digits()[:3]} {person.phone_digits()[3:]}") == ["phone digits"]
    assert not leaks(Person.make(), "\n".join(conversation(person)))


def test_no_personal_details_in_any_log(running_bot, tmp_path_factory) -> None:
    person = Person.make()
    senders = {"rest": f"rest-{uuid.uuid4().hex}", "widget": uuid.uuid4().hex}

    for channel, sender in senders.items():
        replies = [kinds(say(running_bot, channel, sender, text)) for text in conversation(person)]
        assert "emergency" in replies[5], (channel, replies[5])
        assert "redirect" in replies[6], (channel, replies[6])
        statuses = [post(running_bot, channel, payload).status_code for payload in failing_bodies(person, sender)]
        assert statuses[:6] == [400, 413, 413, 400, 400, 400], (channel, statuses)
        refused = json.dumps({"sender": sender, "message": person.name}).encode()
        assert post(running_bot, "widget", refused, origin="https://evil.example").status_code == 403
        # A lone surrogate makes the turn fail inside Rasa today (503, and the channel logs the failure).
        failing = json.dumps({"sender": sender, "message": f"{person.record_number} {person.token} \ud800"})
        assert post(running_bot, channel, failing.encode()).status_code in {200, 503}

    time.sleep(SETTLE_SECONDS)
    files = log_files(running_bot, tmp_path_factory)
    assert {Path(p) for p in running_bot.logs} <= set(files)
    assert all(Path(p).stat().st_size > 0 for p in running_bot.logs), "the servers write their logs there"
    found = {str(path): leaks(person, read_logs([path])) for path in files}
    assert not any(found.values()), f"personal details in the logs: { {k: v for k, v in found.items() if v} }"


@pytest.mark.parametrize("channel", ["rest", "widget"])
def test_a_message_typed_with_a_leading_slash_is_not_logged(running_bot, tmp_path_factory, channel: str) -> None:
    person = Person.make()
    sender = uuid.uuid4().hex
    replies = kinds(say(running_bot, channel, sender, f"/ my name is {person.name}, {person.record_number}"))
    assert replies[0] == "bad_input"
    say(running_bot, channel, sender, f"/{{{person.email} {person.token}")
    time.sleep(SETTLE_SECONDS)
    found = leaks(person, read_logs(log_files(running_bot, tmp_path_factory)))
    assert not found, f"in the logs: {found}"

"""Normalising a patient's message before the safety check reads it.

Everything here is linear in the length of the text and bounded (`MAX_SCAN_CHARS`), so no input can
make the check slow. Tricks that would hide a red flag are undone first: invisible characters,
soft hyphens, accents typed as apostrophes, full-width letters and look-alike letters from other
scripts ("сhest" with a Cyrillic "с"). Only real markup tags are removed, never ordinary text
("<3 my chest hurts >" keeps every word).
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

import yaml
from confusable_homoglyphs import confusables
from unidecode import unidecode

from bot.safety.lexicon import SAFETY_DIR
from bot.safety.spoken_numbers import digits_for_number_words

SPELLINGS_FILE = SAFETY_DIR / "spellings.yml"

MAX_SCAN_CHARS = 2000
"""The safety check reads this much of any message: twice what the assistant answers
(MAX_MESSAGE_CHARS). The channels refuse longer messages unread, with the emergency number in the
reply, so every character the assistant accepts is read."""

_APOSTROPHES = "'\u2019\u2018\u00b4`\u02bc\u02b9\u2032\u0060\u02bb\uff07"
_TO_APOSTROPHE = str.maketrans({c: "'" for c in _APOSTROPHES})
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]{0,20}(?:\s[^<>]{0,200})?/?>")
_WORD_HYPHEN = re.compile(r"(?<=[a-z])[-\u2010\u2011\u2012\u2013\u2014_/]+(?=[a-z])")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_TOKEN = re.compile(r"[a-z]+\d*|\d+(?:[.,]\d+)?|[.!?;,]|[%/]")
_DO_NOT = re.compile(r"\b(do|does|did) not\b")
"""The phrases are written with "dont", "doesnt", "didnt"; "she does not know where she is" says the same."""
_WILL = re.compile(r"\b(he|she|we|they|it|you|that|who|there)'ll\b")
""""he'll" would lose its apostrophe and read as "hell", so it is spelled out; "i'll" stays "ill", as the
phrases have it."""
_PLUS_NUMBER = re.compile(r"(?<![\w+])\+ ?(?=\d)")
""""+3kg since sat" is a gain: the sign reads as "up" (the tokens keep no "+")."""
_CLOCK_MARK = re.compile(r"(?<=\d) ?([ap])\. ?m\b\.?")
""""5 a.m." and "7 p. m.": the dots would split the mark into letters the clock readings never see."""
_PER_CENT = re.compile(r"\bper ?cent\b")
""""88 per cent" is "88%", the way an oximeter shows it."""
_ING_TYPO = re.compile(r"\b([a-z]{2,}ing)g+\b")
"""A key held a moment too long: "poundingg", "bleedingg" (three or more repeats are folded already)."""
_REPEATED_WORDS = re.compile(r"(?<!\S)((?:\S+ ){1,4}?)\1{2,}")
_CLAUSE_MARKS = frozenset(".!?;,")
_GROWTH = 6
"""The most one character can grow to when folded and tokenised (" haha " for a laughing face)."""
_LAUGHING = frozenset(
    "\U0001f602\U0001f923\U0001f605\U0001f606\U0001f604\U0001f601\U0001f643\U0001f61c\U0001f61d\U0001f644"
)


@lru_cache(maxsize=4096)
def _latin_lookalike(char: str) -> str:
    """The Latin letter a look-alike from another script stands for, or the character itself."""
    found = confusables.is_confusable(char, preferred_aliases=["latin"], greedy=True)
    if found:
        for glyph in found[0]["homoglyphs"]:
            candidate = glyph["c"]
            if len(candidate) == 1 and candidate.isascii() and candidate.isalpha():
                return candidate
    return char


def _fold_char(char: str) -> str:
    if char.isascii():
        return char
    category = unicodedata.category(char)
    if category in ("Cf", "Mn", "Me"):  # zero-width, soft hyphen, combining accents: invisible
        return ""
    if char in _APOSTROPHES:
        return "'"
    if char.isalpha():
        lookalike = _latin_lookalike(char)
        if lookalike != char:
            return lookalike
        if unicodedata.name(char, "").startswith("LATIN"):
            return unidecode(char)  # accents: "fièvre" -> "fievre"
        return char  # other scripts stay as they are (the "not English" check counts them)
    if char in "\u00b0\u2103\u2109":  # degree signs
        return " deg "
    if char in _LAUGHING:  # laughter marks a figure of speech ("nearly had a heart attack 😂")
        return " haha "
    return unidecode(char) or " "


class _FoldTable(dict):  # type: ignore[type-arg]
    """str.translate table that folds each character once, the first time it is seen."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Unicode folded to plain lowercase ASCII where a look-alike or accent allows it."""
    # Apostrophe look-alikes first: NFKC would turn an acute accent into a space and a combining mark.
    text = text[:MAX_SCAN_CHARS].translate(_TO_APOSTROPHE)
    text = unicodedata.normalize("NFKC", text)  # full-width letters become ASCII
    text = html.unescape(text)
    return (text if text.isascii() else text.translate(_FOLD)).lower()


def normalise(text: str | None) -> str:
    """The message as the safety check reads it: folded, markup tags removed, apostrophes dropped."""
    return normalise_folded(fold(text or ""))


def normalise_folded(folded: str) -> str:
    """`normalise` for a text already folded (the safety check folds once and uses it twice)."""
    # Folding lengthens ("😂" -> " haha ", "°" -> " deg ", "!" -> "! "): the bounds are in what it can
    # become, never less, so every character of the first MAX_SCAN_CHARS is read.
    folded = _TAG.sub(" ", folded)[: _GROWTH * MAX_SCAN_CHARS]
    folded = _PLUS_NUMBER.sub(" up ", _WILL.sub(r"\1 will", folded).replace("'", ""))
    folded = _WORD_HYPHEN.sub(" ", _PER_CENT.sub("%", _CLOCK_MARK.sub(r" \1m", folded)))
    folded = _ING_TYPO.sub(r"\1", _REPEATS.sub(r"\1\1", folded))
    respelled = spellings()
    words = (respelled.get(word, word) for word in _TOKEN.findall(folded))
    clean = digits_for_number_words(_DO_NOT.sub(r"\1nt", " ".join(words))[: _GROWTH * MAX_SCAN_CHARS])
    # "chest pain chest pain chest pain ...": a run of the same one to four words says nothing more
    # after its second time, and would only make the check slow.
    return _REPEATED_WORDS.sub(r"\1\1", clean + " ").rstrip()


@lru_cache(maxsize=1)
def spellings() -> dict[str, str]:
    """Words typed by sound or autocorrected, and the word the phrases use (data/safety/spellings.yml)."""
    data = yaml.safe_load(SPELLINGS_FILE.read_text(encoding="utf-8"))
    return {str(typed): str(meant) for typed, meant in data["spellings"].items()}


def tokens(clean: str) -> list[str]:
    """The tokens of a normalised message (words, numbers and clause marks)."""
    return clean.split(" ") if clean else []


def is_clause_mark(token: str) -> bool:
    """Punctuation that ends a clause (negation and context do not reach past it)."""
    return token in _CLAUSE_MARKS


def non_latin_share(text: str) -> float:
    """Share of letters in the folded text that are not ASCII (another script)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if not c.isascii()) / len(letters)

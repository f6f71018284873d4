"""A small phrase language for the safety data, compiled to regular expressions over normalised text.

Reviewers read and write phrases, not regular expressions:

- `chest pain` matches those two words in a row; `breath*` matches any word starting with "breath";
- `$pain` stands for every word or phrase of the word class `pain` (data/safety/words.yml);
- `~` allows up to 3 other words (or commas) in between, `~5` up to 5 (never across a full stop);
- every plain word also matches its regular inflections: `kill` matches kills, killed, killing
  and the g-dropped killin; `faint` fainted; `breathe` breathing; `cry` cries, cried (a phrase need
  not list them);
- `a|b` either word, `a|b_c` either "a" or "b c"; `[really]` an optional word; `!the|a` not followed by "the" or "a"
  ("collapsed" but not "collapsed the boxes");
- `=say` only the word itself, without its inflections (a supposition "say i ...", not "says he ...").

Every compiled pattern is anchored on word boundaries and has no nested repetition, so matching is
linear in the length of the message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_GAP = re.compile(r"^~(\d*)$")
_WORD = re.compile(r"^=?[a-z0-9]+\*?$")
DEFAULT_GAP = 3


class PatternError(ValueError):
    """A phrase that cannot be compiled (unknown word class, bad syntax)."""


_VOWELS = frozenset("aeiou")
_UNINFLECTED = frozenset(
    # Words whose "inflections" are other words or nonsense: pronouns, articles, particles, numbers.
    """all and any are but can did for had has her him his its nor not now off one our out own the
    too two was who why how you yet she they them this that than then with from into onto over very
    much more most some such what when where which while your their there these those
    patient""".split()  # "patients" are people in general, not the person the message is about
)

_NOT_FORMS = frozenset({"confusing", "fitting", "fitted", "shocking", "striking", "alarming", "passing", "dated"})
"""Generated forms that mean something else ("the forms were confusing", "a fitted sheet"); a phrase
that wants one lists it itself."""


def inflections(word: str) -> tuple[str, ...]:
    """The word and its regular inflections (-s, -es, -ed, -ing, with the usual spelling changes).

    Only forms are added, never stems: "bleed" also matches "bleeding", but "fitting" never "fit".
    """
    if len(word) < 3 or not word.isalpha() or word in _UNINFLECTED:
        return (word,)
    forms = {word, word + "s", word + "es", word + "ed", word + "ing"}
    if word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}  # breathe -> breathed, breathing
    if word.endswith("ie"):
        forms.add(word[:-2] + "ying")  # die -> dying
    if word.endswith("y") and word[-2] not in _VOWELS:
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}  # cry -> cries, cried
    if word[-1] not in _VOWELS | set("wxy") and word[-2] in _VOWELS and word[-3] not in _VOWELS:
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}  # stop -> stopped, cut -> cutting
    forms = {f for f in forms if f == word or f not in _NOT_FORMS}
    # The dropped g people type ("makin sense", "talkin to ppl", "bleedin"); the apostrophe of
    # "talkin'" is gone after normalising.
    forms |= {f[:-1] for f in forms if f.endswith("ing") and len(f) >= 6}  # not "thing" -> "thin"
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


def _word(word: str) -> str:
    if not _WORD.match(word):
        raise PatternError(f"not a plain word: {word!r}")
    if word.startswith("="):
        return re.escape(word[1:].rstrip("*"))
    if word.endswith("*"):
        return re.escape(word[:-1]) + "[a-z0-9]*"
    forms = inflections(word)
    return re.escape(word) if len(forms) == 1 else "(?:" + "|".join(re.escape(f) for f in forms) + ")"


def _phrase(phrase: str) -> str:
    """A word or several words (a class member such as 'can not' or 'short of breath*').

    Members are written as people type them and normalised like messages: "flu-like" is "flu like".
    """
    return " ".join(_word(w) for w in _member_words(phrase))


def _member_words(member: str) -> list[str]:
    """The words of a class member or alternative, normalised like messages ("flu-like" -> flu like)."""
    return member.lower().replace("'", "").replace("-", " ").replace("_", " ").split()


def _alternatives(options: Sequence[str]) -> str:
    # Longest first, so "short of breath" wins over "short" when both are listed.
    ordered = sorted({o.strip() for o in options if o.strip()}, key=len, reverse=True)
    return "(?:" + "|".join(_phrase(o) for o in ordered) + ")"


def _class(name: str, classes: Mapping[str, Sequence[str]]) -> Sequence[str]:
    if name not in classes:
        raise PatternError(f"unknown word class ${name}")
    return classes[name]


def _element(element: str, classes: Mapping[str, Sequence[str]]) -> str:
    options: list[str] = []
    for option in element.split("|"):
        options.extend(_class(option[1:], classes) if option.startswith("$") else [option])
    if len(options) == 1 and not element.startswith("$"):
        return _word(options[0])
    return _alternatives(options)


def compile_phrase(phrase: str, classes: Mapping[str, Sequence[str]]) -> str:
    """The regular expression (text) for one phrase."""
    parts = phrase.lower().split()
    if not parts or _GAP.match(parts[0]) or parts[0].startswith("["):
        raise PatternError(f"a phrase must start with a word: {phrase!r}")
    if _GAP.match(parts[-1]):
        raise PatternError(f"a phrase must end with a word: {phrase!r}")
    out = _element(parts[0], classes)
    for part in parts[1:]:
        gap = _GAP.match(part)
        if gap:
            out += f"(?: (?:[a-z0-9%][a-z0-9%.,]*|,)){{0,{int(gap.group(1) or DEFAULT_GAP)}}}"
        elif part.startswith("!"):
            out += f"(?! {_element(part[1:], classes)}(?![a-z0-9]))"
        elif part.startswith("[") and part.endswith("]"):
            out += f"(?: {_element(part[1:-1], classes)})?"
        else:
            out += " " + _element(part, classes)
    return out


def _first_options(phrase: str, classes: Mapping[str, Sequence[str]]) -> list[str]:
    """The words a phrase can start with (`breath*` stays a prefix), for the index."""
    first = phrase.lower().split()[0]
    options: list[str] = []
    for option in first.split("|"):
        options.extend(_class(option[1:], classes) if option.startswith("$") else [option])
    return [_member_words(o)[0].lstrip("=") for o in options if o.strip()]


@dataclass(frozen=True)
class Matcher:
    """All phrases of one concept: one expression for a whole text, and one anchored per phrase.

    The anchored expressions are tried only where a message has a word a phrase can start with
    (see `PhraseIndex`), so the cost follows the words a message has, not its length times the
    number of phrases.
    """

    name: str
    regex: re.Pattern[str]
    anchored: tuple[re.Pattern[str], ...]
    first_words: tuple[tuple[str, ...], ...]

    @classmethod
    def build(cls, name: str, phrases: Sequence[str], classes: Mapping[str, Sequence[str]]) -> Matcher:
        """Compile the phrases of one concept."""
        compiled = [compile_phrase(p, classes) for p in phrases]
        body = "|".join(f"(?:{c})" for c in compiled)
        return cls(
            name=name,
            regex=re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])"),
            anchored=tuple(re.compile(rf"(?:{c})(?![a-z0-9])") for c in compiled),
            first_words=tuple(tuple(_first_options(p, classes)) for p in phrases),
        )

    def spans(self, clean: str, index: PhraseIndex | None = None) -> list[tuple[int, int]]:
        """Character spans of every match in a normalised message (through `index` when given)."""
        if index is None:
            return [m.span() for m in self.regex.finditer(clean)]
        found = set()
        for phrase, offset in index.candidates(clean).get(self.name, ()):
            match = self.anchored[phrase].match(clean, offset)
            if match:
                found.add(match.span())
        return sorted(found)

    def matches(self, clean: str, index: PhraseIndex | None = None) -> bool:
        """Whether any phrase occurs in a normalised message."""
        return bool(self.spans(clean, index)) if index is not None else self.regex.search(clean) is not None


class PhraseIndex:
    """Which phrase of which matcher can start at which word of a message, for all matchers at once."""

    def __init__(self, matchers: Sequence[Matcher]) -> None:
        """Invert every matcher's first words: word (or prefix) -> (matcher, phrase)."""
        self._exact: dict[str, list[tuple[str, int]]] = {}
        self._prefix: dict[str, list[tuple[str, int]]] = {}
        for matcher in matchers:
            for phrase, words in enumerate(matcher.first_words):
                for word in words:
                    if word.endswith("*"):
                        self._prefix.setdefault(word.rstrip("*"), []).append((matcher.name, phrase))
                        continue
                    for form in inflections(word):
                        self._exact.setdefault(form, []).append((matcher.name, phrase))
        self._lengths = sorted({len(p) for p in self._prefix})
        self._last: tuple[str, dict[str, list[tuple[int, int]]]] | None = None

    def candidates(self, clean: str) -> dict[str, list[tuple[int, int]]]:
        """Matcher name -> [(phrase, character offset)] where that phrase may start."""
        last = self._last  # one read: another thread may replace it
        if last is not None and last[0] == clean:
            return last[1]
        where: dict[str, list[int]] = {}
        offset = 0
        for word in clean.split(" "):
            where.setdefault(word, []).append(offset)
            offset += len(word) + 1
        result: dict[str, list[tuple[int, int]]] = {}
        for word, offsets in where.items():
            hits = list(self._exact.get(word, ()))
            for length in self._lengths:
                if length > len(word):
                    break
                hits.extend(self._prefix.get(word[:length], ()))
            for name, phrase in hits:
                result.setdefault(name, []).extend((phrase, o) for o in offsets)
        self._last = (clean, result)
        return result

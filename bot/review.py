"""Group the review queue by similarity and suggest the existing answer each group most likely belongs to.

Groups are built greedily in queue order: a question joins the first group whose centre is close
enough (cosine over TF-IDF of word and character n-grams, so typos still group), else starts a new
one. That is deterministic and linear in groups x questions, which is plenty for a clinic's queue.
The suggestion is the answer whose example questions are closest to the group's centre; the model's
own best guesses at the time are shown next to it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize

from bot.activity import QueueItem
from bot.answers.entries import SYSTEM_TOPIC, AnswerEntry

GROUP_SIMILARITY = 0.25
"""Cosine similarity to a group's centre at which a question joins the group. Chosen on a dozen
hand-written queue questions (tests/bot/test_review.py), not on a benchmark: from 0.2 to 0.25
"wher do i park", "is there parking for visitors" and "where do i park for il2" group, and
unrelated ones ("wifi in my room", "can pets visit") stay apart; at 0.3 the parking ones split."""
SUGGEST_SIMILARITY = 0.2
"""Below this no existing answer is suggested: the group probably needs a new FAQ."""
_PLACEHOLDER = re.compile(r"\[(?:name|email|link|number|date|id|measure|n)\]")
_WORD = re.compile(r"[a-z0-9]+")
_SUFFIXES = ("ing", "ed", "es", "s")


@dataclass(frozen=True)
class ReviewGroup:
    """Similar queued questions (redacted), and the answer they most likely belong to."""

    group_id: int
    """The smallest item id of the group: stays the same while the group does."""
    items: tuple[QueueItem, ...]
    suggestion: str | None
    """The existing answer id closest to the group, or None when nothing is close."""
    similarity: float
    model_guesses: tuple[tuple[str, int], ...]
    """The model's best guesses when the questions were asked, most frequent first."""

    @property
    def size(self) -> int:
        """How many questions the group holds."""
        return len(self.items)

    @property
    def not_helpful(self) -> int:
        """How many of them are answers a patient marked "not helpful"."""
        return sum(1 for item in self.items if item.reason == "not_helpful")


def example_text(redacted: str) -> str:
    """A queued question as a training example: the redaction placeholders left out."""
    return " ".join(_PLACEHOLDER.sub(" ", redacted).split())


def _stem(word: str) -> str:
    """A crude stem ("parking" -> "park"): enough for questions to meet on their content words."""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _content_words(text: str) -> list[str]:
    """Stemmed words without English function words, and their pairs."""
    words = [_stem(w) for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def _vectorizer() -> FeatureUnion:
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer=_content_words, sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True)),
        ]
    )


def group_questions(items: Sequence[QueueItem], entries: Sequence[AnswerEntry]) -> list[ReviewGroup]:
    """The open queue as groups, largest first (ties: oldest first)."""
    if not items:
        return []
    faq = [e for e in entries if e.topic != SYSTEM_TOPIC and e.examples]
    texts = [example_text(item.text) or item.text for item in items]
    vectorizer = _vectorizer()
    vectorizer.fit(texts + [example for entry in faq for example in entry.examples])
    questions = csr_matrix(normalize(vectorizer.transform(texts)))

    members: list[list[int]] = []
    centres: list[np.ndarray] = []
    for row in range(questions.shape[0]):
        vector = questions[row].toarray().ravel()
        scores = [float(vector @ centre) for centre in centres]
        best = int(np.argmax(scores)) if scores else -1
        if best >= 0 and scores[best] >= GROUP_SIMILARITY:
            members[best].append(row)
            mean = np.asarray(questions[members[best]].mean(axis=0)).ravel()
            centres[best] = mean / (np.linalg.norm(mean) or 1.0)
        else:
            members.append([row])
            centres.append(vector)

    answer_centres = None
    if faq:
        # Each answer's centre: the mean of its examples' unit vectors, made a unit vector again.
        answer_rows = [np.asarray(normalize(vectorizer.transform(list(e.examples))).mean(axis=0)) for e in faq]
        answer_centres = normalize(np.vstack(answer_rows))

    groups = []
    for rows, centre in zip(members, centres, strict=True):
        group_items = tuple(items[r] for r in rows)
        suggestion, similarity = None, 0.0
        if answer_centres is not None:
            scores = answer_centres @ centre
            best = int(np.argmax(scores))
            similarity = float(scores[best])
            if similarity >= SUGGEST_SIMILARITY:
                suggestion = faq[best].id
        guesses = Counter(item.best_guess for item in group_items if item.best_guess)
        groups.append(
            ReviewGroup(
                group_id=min(item.id for item in group_items),
                items=group_items,
                suggestion=suggestion,
                similarity=round(similarity, 3),
                model_guesses=tuple(sorted(guesses.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    return sorted(groups, key=lambda g: (-g.size, g.group_id))

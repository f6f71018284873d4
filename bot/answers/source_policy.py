"""Which sources may carry a medical fact: the reviewed policy in `data/source_kinds.yml`.

A patient trusts an answer because of its source, so the kind of each source is decided by a reviewer
once, per publisher, not by whoever writes an answer. The answer checker asks this module three
things: is the publisher known, does the answer rest on at least one authoritative source, and is a
patient story labelled as one. Seed documents are shown under a descriptive title, never a file name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from bot.answers.entries import Source

HARD_CODED_EMERGENCY_NUMBER = re.compile(r"(?<![\d,.])\b(911|999|112|000)\b(?![,.]?\d)")
"""An emergency number typed into an answer instead of `{emergency_number}` (the clinic's own)."""

PROJECT_KIND = "project"
"""The assistant's own documentation: enough for messages about the assistant, never for a medical fact."""
CLINIC_KIND = "clinic"
"""The clinic's own pages: enough for clinic-specific answers (parking, visiting), never for a medical fact."""


@dataclass(frozen=True)
class SourceKind:
    """One kind of publisher and what it may do in an answer."""

    name: str
    authoritative: bool
    label: str | None = None
    """Text a source name of this kind must start with (patient stories), if any."""


@dataclass(frozen=True)
class SourcePolicy:
    """The reviewed publisher list, source kinds and seed-document titles."""

    kinds: dict[str, SourceKind]
    publishers: dict[str, str]
    document_kinds: dict[str, str]
    document_titles: dict[str, str]
    """Title a document cited by file must be shown under (seed documents); absent for the project's own."""

    def kind_of(self, source: Source) -> SourceKind | None:
        """The kind of a source: by seed file, or by the publisher host (or a parent domain) of its url."""
        if source.file:
            kind_name = self.document_kinds.get(source.file)
            return self.kinds.get(kind_name) if kind_name else None
        try:
            parts = urlsplit(source.url or "")
            hostname = parts.hostname
        except ValueError:  # not a web address at all ("https://[oops"): no known kind
            return None
        host = (hostname or "").lower().removeprefix("www.")
        address = f"{host}{parts.path}"
        # One part of a site (a charity's patient forum) can be of another kind than the rest of it.
        for key in sorted((k for k in self.publishers if "/" in k), key=len, reverse=True):
            if address.startswith(key):
                return self.kinds.get(self.publishers[key])
        labels = host.split(".")
        for start in range(len(labels)):
            kind_name = self.publishers.get(".".join(labels[start:]))
            if kind_name:
                return self.kinds.get(kind_name)
        return None

    def problems(self, sources: tuple[Source, ...]) -> list[str]:
        """Everything wrong with one answer's sources, in words a content editor can act on."""
        found = []
        kinds = []
        for source in sources:
            kind = self.kind_of(source)
            if kind is None:
                what = f"document {source.file}" if source.file else f"publisher of {source.url}"
                found.append(f"source '{source.name}': unknown {what}; a reviewer adds it to data/source_kinds.yml")
                continue
            kinds.append(kind)
            if kind.label and not source.name.startswith(f"{kind.label}:"):
                found.append(f"source '{source.name}' is a {kind.name}; its name must start with '{kind.label}:'")
            title = self.document_titles.get(source.file or "")
            if title and source.name != title:
                found.append(f"source '{source.name}' must be shown under its title '{title}', not a file name")
        # Answers about the assistant, or about the clinic itself, carry no medical fact.
        no_medical_fact = all(kind.name == PROJECT_KIND for kind in kinds) or all(
            kind.name == CLINIC_KIND for kind in kinds
        )
        if kinds and not no_medical_fact and not any(kind.authoritative for kind in kinds):
            found.append(
                "no authoritative source (label, agency, cancer charity, guideline, cancer centre or journal); "
                "supporting sources and patient stories cannot carry a medical fact alone"
            )
        return found


def load_source_policy(path: Path) -> SourcePolicy:
    """Read `data/source_kinds.yml`; a malformed file raises, since no answer can be checked without it."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    kinds = {
        name: SourceKind(name=name, authoritative=bool(raw["authoritative"]), label=raw.get("label"))
        for name, raw in data["kinds"].items()
    }
    publishers = {str(host).lower(): str(kind) for host, kind in data["publishers"].items()}
    documents = data.get("documents") or {}
    unknown = {k for k in [*publishers.values(), *(d["kind"] for d in documents.values())] if k not in kinds}
    if unknown or PROJECT_KIND not in kinds:
        raise ValueError(f"{path.name}: unknown source kinds {sorted(unknown)} or no '{PROJECT_KIND}' kind")
    return SourcePolicy(
        kinds=kinds,
        publishers=publishers,
        document_kinds={str(f): str(d["kind"]) for f, d in documents.items()},
        document_titles={str(f): str(d["title"]) for f, d in documents.items() if d.get("title")},
    )

"""The clinic staff report (`python -m bot report`): one self-contained, printable HTML page.

The page makes no request at all: no CDN, web font or remote image, the chart is inline SVG, and a
Content-Security-Policy forbids anything else, so it can be emailed or opened from a shared drive. The
only patient words on it are the review queue's examples: redacted when queued, and redacted again
here before they are escaped, in case a row was written by something that forgot.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.activity import ANSWERED, CATEGORIES, OTHER, ActivityLog, AnswerFeedback
from bot.answers.store import AnswerStore
from bot.redaction import redact
from bot.review import ReviewGroup

LABELS = {  # category (bot.activity.CATEGORIES): (column header, what it means in plain words)
    "answered": ("Answered", "Answered directly"),
    "did_you_mean": ("Did you mean", 'Offered a short list to pick from ("did you mean...?")'),
    "unsure": ("Unsure", "Not understood: offered the topics and a person to contact"),
    "out_of_scope": ("Out of scope", "Not about IL-2 treatment"),
    "referral": ("Care team", "Sent to the care team (a personal decision or symptom)"),
    "urgent": ("Urgent", "Urgent: told to call the care team today"),
    "emergency": ("Emergency", "Emergency: told to call the emergency number now"),
    "other": ("Other", "Other (greetings, thanks, menus)"),
}
TOP_ANSWERS = 10
LEAST_HELPFUL = 10
GROUPS_SHOWN = 5
EXAMPLES_SHOWN = 3
INK = "#1f4e79"  # 8.6:1 on white: bars, rules and headings stay readable in print and for low vision

_CSS = f"""
:root {{ color: #1b1b1b; background: #fff; font: 16px/1.5 system-ui, "Segoe UI", Roboto, Arial, sans-serif; }}
body {{ max-width: 62rem; margin: 0 auto; padding: 1.5rem; }}
h1 {{ font-size: 1.7rem; margin: 0 0 .25rem; color: {INK}; }}
h2 {{ font-size: 1.3rem; margin: 2rem 0 .5rem; padding-bottom: .2rem; border-bottom: 2px solid {INK}; }}
h3 {{ font-size: 1.05rem; margin: 0 0 .3rem; }}
.meta, .explain {{ color: #3d4852; }}
.headline {{ font-size: 1.15rem; background: #eef3f8; border-left: 6px solid {INK}; padding: .6rem 1rem; }}
table {{ border-collapse: collapse; width: 100%; max-width: 48rem; margin: .5rem 0 1rem; }}
td {{ font-variant-numeric: tabular-nums; }}
caption {{ text-align: left; font-weight: 600; padding: .25rem 0; }}
th, td {{ border: 1px solid #8a96a3; padding: .3rem .5rem; text-align: left; vertical-align: top; }}
thead th {{ background: #e3ebf3; }}
tbody th {{ font-weight: normal; }}
.n {{ text-align: right; }} td.n {{ white-space: nowrap; }}
.shares thead th:last-child {{ width: 25%; text-align: left; }}
.bar {{ display: block; height: .8em; margin-top: .35em; background: {INK};
        -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
.scroll {{ overflow-x: auto; }} .daily {{ max-width: none; font-size: .85rem; }}
.daily th, .daily td {{ padding: .1rem .4rem; white-space: nowrap; }}
svg.chart {{ width: 100%; height: auto; }}
/* matplotlib names its font in quotes, which browsers read as a font called "sans-serif" */
svg.chart text {{ font-family: system-ui, "Segoe UI", Roboto, Arial, sans-serif !important; }}
figure {{ margin: 0; }}
.group {{ border: 1px solid #8a96a3; border-radius: 4px; padding: .5rem 1rem; margin: .75rem 0; max-width: 46rem; }}
.group p, .group ul {{ margin: .25rem 0; }}
footer {{ margin-top: 2.5rem; font-size: .9rem; color: #3d4852; }}
@media (max-width: 30rem) {{  /* phones: the tables fit without scrolling the page sideways */
  body {{ padding: .75rem; }} table {{ font-size: .9rem; }} th, td {{ padding: .25rem .3rem; }}
}}
@media print {{
  :root {{ font-size: 11pt; }} body {{ max-width: none; padding: 0; }} .scroll {{ overflow: visible; }}
  h2, h3 {{ break-after: avoid; }} tr, figure, .group, .headline {{ break-inside: avoid; }}
}}
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
"""No scripts, fetches, fonts or images from anywhere: only the inline styles the page and chart carry."""


def render_staff_report(
    log: ActivityLog, store: AnswerStore, groups: Sequence[ReviewGroup], *, today: date, days: int = 30
) -> str:
    """The HTML text of the staff report for the `days` days up to `today`.

    Args:
        log: The activity tables (turn outcomes, feedback).
        store: The answer base, for answer titles (a retired answer is shown by its id).
        groups: The review queue's groups, largest first (`bot.review.group_questions`).
        today: The last day of the period, also shown as the day the report was made.
        days: How many days the period covers, `today` included.

    Raises:
        ValueError: When `days` is less than 1.

    """
    if days < 1:
        raise ValueError(f"a report covers at least one day, not {days}")
    since = today - timedelta(days=days - 1)
    daily = _daily(log, since, today)
    totals = {category: sum(row[category] for _, row in daily) for category in CATEGORIES}
    total = sum(totals.values())
    top = log.top_answers(since, TOP_ANSWERS, until=today)
    unhelpful = [f for f in log.feedback(since, until=today) if f.not_helpful][:LEAST_HELPFUL]
    period = f"{_day(since)} to {_day(today)}"

    parts = [
        "<h1>IL-2 patient assistant: report for clinic staff</h1>",
        f"<p class=meta>Period: {period} ({_count(days, 'day')}). Report made on {_day(today)}.</p>",
    ]
    if total:
        parts.append(
            f"<p class=headline>Patients asked {_count(total, 'question')} in this period. "
            f"The assistant answered {_share(totals[ANSWERED], total)} of them directly.</p>"
        )
        parts += [_shares_section(totals, total), _daily_section(daily, period)]
    else:
        parts.append(
            "<h2>No questions yet</h2>\n<p>No patient has asked the assistant anything in this period yet. Once "
            "they do, this page will show how many questions came in each day, how the assistant replied, and "
            "which questions it could not answer.</p>"
        )
    if total or top:
        parts.append(_top_section(top, store))
    if total or unhelpful:
        parts.append(_unhelpful_section(unhelpful, store))
    if total or groups:
        parts.append(_groups_section(groups, store))
    parts.append(
        "<footer><p>Made by the IL-2 patient assistant. Patient questions are shown with names, contact "
        "details, dates and numbers replaced by placeholders such as [name] or [number].</p></footer>"
    )
    return (
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Staff report: IL-2 patient assistant, {period}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n" + "\n".join(parts) + "\n</main>\n</body>\n</html>\n"
    )


def write_staff_report(
    path: Path, log: ActivityLog, store: AnswerStore, groups: Sequence[ReviewGroup], *, today: date, days: int = 30
) -> Path:
    """Write the staff report (see `render_staff_report`) to `path`, creating its folder; returns `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_staff_report(log, store, groups, today=today, days=days), encoding="utf-8")
    return path


def _daily(log: ActivityLog, since: date, today: date) -> list[tuple[date, dict[str, int]]]:
    """Every day of the period, days without questions as zeros (a gap in the chart is a real quiet day)."""
    counts = dict(log.questions_per_day(since))
    rows = []
    for offset in range((today - since).days + 1):
        day = since + timedelta(days=offset)
        found = counts.get(day, {})
        row = {category: found.get(category, 0) for category in CATEGORIES}
        row[OTHER] += sum(n for kind, n in found.items() if kind not in CATEGORIES)  # e.g. a kind added later
        rows.append((day, row))
    return rows


def _section(heading: str, explain: str, body: str) -> str:
    return f"<h2>{heading}</h2>\n<p class=explain>{explain}</p>\n{body}"


def _table(caption: str, columns: Sequence[str], rows: Sequence[tuple[str, Sequence[object]]], css: str = "") -> str:
    """A data table: a row header then number cells in each row (every text given already escaped)."""
    head = "".join(f'<th scope="col"{" class=n" if i else ""}>{c}</th>' for i, c in enumerate(columns))
    body = "".join(
        f'<tr><th scope="row">{header}</th>' + "".join(f"<td class=n>{cell}</td>" for cell in cells) + "</tr>\n"
        for header, cells in rows
    )
    return f"<table{css}><caption>{caption}</caption>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table>"


def _shares_section(totals: dict[str, int], total: int) -> str:
    rows = [
        (_esc(LABELS[c][1]), [totals[c], _share(totals[c], total), _bar(100 * totals[c] / total)]) for c in CATEGORIES
    ]
    columns = ["What the question got", "Questions", "Share", "Share as a bar"]
    return _section(
        "What the questions got",
        "For every question in the period, what the assistant did: answered it, offered a choice, sent the "
        "patient to the care team, or told them to get help urgently.",
        _table(f"Share of the {_count(total, 'question')} in the period", columns, rows, " class=shares"),
    )


def _bar(percent: float) -> str:
    return f'<span class=bar style="width:{percent:.1f}%" aria-hidden="true"></span>'  # the number is beside it


def _daily_section(daily: list[tuple[date, dict[str, int]]], period: str) -> str:
    busiest_day, busiest = max(daily, key=lambda d: (sum(d[1].values()), d[0]))
    description = (
        f"Bar chart of questions per day from {period}. The solid part of each bar is the questions answered "
        f"directly, the striped part everything else. The busiest day was {_day(busiest_day)} with "
        f"{_count(sum(busiest.values()), 'question')}. The table below gives every number."
    )
    columns = ["Day", "All", *(_esc(LABELS[c][0]) for c in CATEGORIES)]
    rows = [(f"{day:%a} {day.day} {day:%b}", [sum(row.values()), *(row[c] for c in CATEGORIES)]) for day, row in daily]
    caption = 'Questions per day, by what they got (see "What the questions got" above for what each column means)'
    return _section(
        "Questions per day",
        "Each bar is one day: its height is how many questions patients asked, and the solid part is how many "
        "the assistant answered directly.",
        f"<figure>{_chart(daily, description)}</figure>\n"
        # A phone scrolls the wide table on its own, not the whole page; focusable so keyboards can scroll it.
        '<div class=scroll role=region aria-label="Questions per day, table" tabindex=0>'
        f"{_table(caption, columns, rows, ' class=daily')}</div>",
    )


def _chart(daily: list[tuple[date, dict[str, int]]], description: str) -> str:
    """Stacked bars as inline SVG: answered (solid) and the rest (striped), so no meaning hangs on colour."""
    answered = [row[ANSWERED] for _, row in daily]
    rest = [sum(row.values()) - row[ANSWERED] for _, row in daily]
    positions = list(range(len(daily)))
    # Text stays text (searchable, scales in print); a fixed salt keeps the SVG ids the same run to run.
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "il2-staff-report", "font.size": 9, "patch.linewidth": 0.6}
    ):
        figure = Figure(figsize=(8.5, 3.0))  # no pyplot: nothing touches a GUI backend or global figure state
        axes = figure.add_subplot()
        axes.bar(positions, answered, color=INK, edgecolor=INK, label="Answered directly")
        axes.bar(positions, rest, bottom=answered, color="white", edgecolor=INK, hatch="////", label="Everything else")
        step = max(1, len(daily) // 12)  # about a dozen date labels, whatever the period
        axes.set_xticks(positions[::step], [f"{day.day} {day:%b}" for day, _ in daily][::step])
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel("Questions")
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1), ncol=2)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    # Inline SVG needs no XML prolog, namespaces or RDF metadata, and they name outside URLs.
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(?::\w+)?="[^"]*"', "", svg)
    view_box = re.search(r'viewBox="[^"]*"', svg)
    opening = (
        f'<svg {view_box.group(0) if view_box else ""} class="chart" role="img" '
        'aria-labelledby="chart-title" aria-describedby="chart-desc" focusable="false">'
        f'<title id="chart-title">Questions per day</title><desc id="chart-desc">{_esc(description)}</desc>'
    )
    return opening + svg[svg.index(">") + 1 :]


def _top_section(top: Sequence[tuple[str, int]], store: AnswerStore) -> str:
    rows = [(_title(store, answer_id), [n]) for answer_id, n in top]
    table = _table(f"Top {_count(len(top), 'answer')}", ["Answer", "Times given"], rows)
    return _section(
        "Most given answers",
        "The answers the assistant gave most often, most first: the topics patients ask about the most.",
        table if top else "<p>No answer was given in this period.</p>",
    )


def _unhelpful_section(unhelpful: Sequence[AnswerFeedback], store: AnswerStore) -> str:
    rows = [(_title(store, f.answer_id), [f.helpful, f.not_helpful]) for f in unhelpful]
    table = _table("Helpful and not helpful votes", ["Answer", "Helpful", "Not helpful"], rows)
    return _section(
        "Answers patients found least helpful",
        'Under each answer patients can press "helpful" or "not helpful"; these answers got the most '
        '"not helpful" and may need rewording.',
        table if unhelpful else '<p>No answer was marked "not helpful" in this period.</p>',
    )


def _groups_section(groups: Sequence[ReviewGroup], store: AnswerStore) -> str:
    blocks = []
    for number, group in enumerate(groups[:GROUPS_SHOWN], start=1):
        examples = list(dict.fromkeys(_patient_text(item.text) for item in group.items))[:EXAMPLES_SHOWN]
        suggestion = _title(store, group.suggestion) if group.suggestion else "none (this may need a new answer)"
        after = f" ({group.not_helpful} of them after a &ldquo;not helpful&rdquo;)" if group.not_helpful else ""
        blocks.append(
            f'<section class=group aria-labelledby="group-{number}"><h3 id="group-{number}">'
            f"Group {number}: {_count(group.size, 'question')}{after}</h3>\n"
            f"<p>Closest existing answer: {suggestion}</p>\n<p>Examples:</p><ul>"
            + "".join(f"<li>&ldquo;{text}&rdquo;</li>" for text in examples)
            + "</ul></section>"
        )
    if len(groups) > GROUPS_SHOWN:
        blocks.append(f"<p>{_count(len(groups) - GROUPS_SHOWN, 'smaller group')} not shown.</p>")
    return _section(
        "Questions the assistant could not answer",
        "Questions waiting for review, grouped when they ask much the same thing, the largest groups first: a "
        "new or better answer for these would help the most patients.",
        "\n".join(blocks) or "<p>No questions are waiting for review.</p>",
    )


def _patient_text(text: str) -> str:
    """Patient words for the page: redacted again (defence in depth), then escaped.

    Escaping first would let the number rule eat the digits of entities such as &#x27;.
    """
    return _esc(redact(text))


def _title(store: AnswerStore, answer_id: str) -> str:
    answer = store.get(answer_id)
    return _esc(answer.title) if answer else f"{_esc(answer_id)} (answer no longer in use)"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _share(count: int, total: int) -> str:
    """A whole percentage; "under 1%" rather than a misleading "0%" for a rare but real outcome."""
    percent = 100 * count / total if total else 0.0
    return "under 1%" if 0 < percent < 0.5 else f"{round(percent)}%"

"""The benchmark's table, `BENCHMARKS.md` and `docs/bench.png`, rendered from `docs/bench.json`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.settings import PROJECT_ROOT

MARKDOWN = PROJECT_ROOT / "BENCHMARKS.md"
PLOT = PROJECT_ROOT / "docs" / "bench.png"
TARGETS = {
    "p50_ms at c=10": ("<=", 25.0),
    "p95_ms at c=10": ("<=", 80.0),
    "throughput at c=10": (">=", 60.0),
    "throughput vs stock config at c=10": (">=", 4.0),
    "p95 vs stock config at c=10": ("<=", 0.25),
    "start_to_first_answer_s": ("<=", 15.0),
    "memory after load (Rasa + actions), MB": ("<=", 600.0),
    "training_s": ("<=", 180.0),
}


def _level(system: dict[str, Any], concurrency: int) -> dict[str, Any]:
    return next(level for level in system["levels"] if level["concurrency"] == concurrency)


def _by_key(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {system["key"]: system for system in report["systems"]}


def ratios(report: dict[str, Any]) -> list[tuple[str, str, float, float]]:
    """(comparison, level, throughput ratio, p95 ratio) of each assistant setup against each stock system."""
    systems = _by_key(report)
    rows: list[tuple[str, str, float, float]] = []
    mine_all = [s for k, s in systems.items() if k.startswith("assistant")]
    others = [s for k, s in systems.items() if not k.startswith("assistant")]
    for ours, other in ((a, b) for a in mine_all for b in others):
        for concurrency in report["levels"]:
            mine, theirs = _level(ours, concurrency), _level(other, concurrency)
            rows.append(
                (
                    f"{ours['title']} vs {other['title']}",
                    f"c={concurrency}",
                    mine["throughput"] / theirs["throughput"] if theirs["throughput"] else float("inf"),
                    mine["p95_ms"] / theirs["p95_ms"] if theirs["p95_ms"] else float("inf"),
                )
            )
    return rows


def target_rows(report: dict[str, Any]) -> list[tuple[str, str, float, bool]]:
    """(target, bar, measured, met) for this assistant."""
    systems = _by_key(report)
    ours, stock = systems.get("assistant"), systems.get("stock_on_ours")
    if ours is None:
        return []
    at10 = _level(ours, 10)
    measured = {
        "p50_ms at c=10": at10["p50_ms"],
        "p95_ms at c=10": at10["p95_ms"],
        "throughput at c=10": at10["throughput"],
        "start_to_first_answer_s": ours["start_to_first_answer_s"],
        "memory after load (Rasa + actions), MB": ours["memory_mb"]["after_load"]["all"],
        "training_s": ours["training"]["seconds"],
    }
    if stock is not None:
        stock10 = _level(stock, 10)
        measured["throughput vs stock config at c=10"] = at10["throughput"] / stock10["throughput"]
        measured["p95 vs stock config at c=10"] = at10["p95_ms"] / stock10["p95_ms"]
    rows = []
    for name, (sign, bar) in TARGETS.items():
        if name in measured:
            value = measured[name]
            rows.append((name, f"{sign} {bar:g}", value, value <= bar if sign == "<=" else value >= bar))
    return rows


def _system_rows(report: dict[str, Any]) -> list[str]:
    lines = [
        "| System | Measured | Training | Start to first answer | Memory after warm-up (Rasa / all) "
        "| After load (Rasa / all) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for s in report["systems"]:
        warm, after = s["memory_mb"]["after_warm_up"], s["memory_mb"]["after_load"]
        lines.append(
            f"| {s['title']} | {s.get('measured_at', '?')} | {s['training']['seconds']:.0f} s "
            f"| {s['start_to_first_answer_s']:.1f} s "
            f"| {warm['rasa']} / {warm['all']} MB | {after['rasa']} / {after['all']} MB |"
        )
    return lines


def _level_rows(report: dict[str, Any]) -> list[str]:
    lines = [
        "| System | Concurrency | Messages/s | p50 | p95 | p99 | Messages | Errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in report["systems"]:
        for level in s["levels"]:
            lines.append(
                f"| {s['title']} | {level['concurrency']} | {level['throughput']:.1f} | {level['p50_ms']:.0f} ms "
                f"| {level['p95_ms']:.0f} ms | {level['p99_ms']:.0f} ms | {level['messages']} | {level['errors']} |"
            )
    return lines


def print_table(report: dict[str, Any]) -> None:
    """The figures on the terminal."""
    print()
    for line in _system_rows(report) + [""] + _level_rows(report):
        print(line)
    print()
    for other, level, throughput, p95 in ratios(report):
        print(f"{other}, {level}: {throughput:.1f}x throughput, p95 x{p95:.2f}")
    for name, bar, value, met in target_rows(report):
        print(f"  target {name} {bar}: {value:.2f} {'met' if met else 'MISSED'}")


def write_markdown(report: dict[str, Any], path: Path = MARKDOWN) -> None:
    """Write BENCHMARKS.md."""
    path.write_text(render_markdown(report), encoding="utf-8")


def render_markdown(report: dict[str, Any]) -> str:
    """BENCHMARKS.md: machine, versions, date, figures, ratios and targets."""
    m = report["machine"]
    training = {s["title"]: s["training"] for s in report["systems"]}
    lines = [
        "# Benchmarks",
        "",
        "GENERATED by `make bench` (`python -m evaluation bench`); do not edit by hand. The figures come",
        "from that command on the machine below; each system's row says when it was measured (a run with",
        "`--only` measures some systems again and keeps the others). See README.md for the assistant.",
        "",
        "## Machine",
        "",
        f"- Date: {m['date']}",
        f"- CPU: {m['cpus']} x {m['cpu']}; memory {m['memory_gb']} GB",
        f"- Python {m['python']}, Rasa {m['rasa']}, rasa-sdk {m['rasa_sdk']}, scikit-learn {m['scikit_learn']}",
        f"- Load: {m['load_tool']}; {report['seconds_per_level']:.0f} s per level; client on the same machine",
        "",
        "## Systems",
        "",
        "- **This assistant**: started by `scripts/run.sh` exactly as `make run` starts it (action server,",
        "  Rasa server, demo page), trained from this project's `config.yml`.",
        "- **This assistant, 2 Rasa workers + Redis**: the same model, started by `scripts/run.sh` with",
        "  `IL2BOT_RASA_WORKERS=2` (two Rasa processes; conversations and locks in the local Redis).",
        "- **Stock Rasa config, our data**: the `rasa init` `config.yml` (Rasa's default pipeline and",
        "  policies) trained on this project's domain, NLU data and rules, with the same action server.",
        "- **Stock rasa init bot**: the moodbot `rasa init` creates, as Rasa ships it.",
        "",
        "Training times are from a cold Rasa cache, measured when the model was trained (models are",
        "reused while their inputs are unchanged).",
        "",
        *_system_rows(report),
        "",
        "Training time by component (seconds):",
        "",
    ]
    for title, record in training.items():
        parts = ", ".join(f"{name} {seconds}" for name, seconds in record.get("components", {}).items())
        note = f" Note: {record['note']}" if record.get("note") else ""
        lines.append(f"- {title} (trained {record.get('trained_at', '?')}): {parts or 'n/a'}.{note}")
    lines += [
        "",
        "## Latency and throughput (REST webhook, multi-turn conversations, no think time)",
        "",
        *_level_rows(report),
        "",
        "![Latency against concurrency](docs/bench.png)",
        "",
        "## Ratios",
        "",
        "| Comparison | Level | Throughput ratio | p95 ratio |",
        "|---|---|---:|---:|",
    ]
    lines += [f"| {o} | {lv} | {t:.1f}x | {p:.2f} |" for o, lv, t, p in ratios(report)]
    lines += ["", "## Targets (issue: performance)", "", "| Target | Bar | Measured | |", "|---|---|---:|---|"]
    lines += [f"| {n} | {b} | {v:.2f} | {'met' if ok else 'missed'} |" for n, b, v, ok in target_rows(report)]
    return "\n".join(lines) + "\n"


def write_plot(report: dict[str, Any], path: Path = PLOT) -> None:
    """Median and p95 latency against concurrency, one line pair per system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.2), dpi=110)
    for system in report["systems"]:
        levels = [level["concurrency"] for level in system["levels"]]
        (line,) = axis.plot(
            levels, [lv["p50_ms"] for lv in system["levels"]], marker="o", label=f"{system['title']} p50"
        )
        axis.plot(
            levels,
            [lv["p95_ms"] for lv in system["levels"]],
            marker="s",
            linestyle="--",
            color=line.get_color(),
            label=f"{system['title']} p95",
        )
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xticks(report["levels"])
    axis.set_xticklabels([str(level) for level in report["levels"]])
    axis.set_xlabel("concurrent conversations")
    axis.set_ylabel("latency per message (ms)")
    axis.set_title("REST webhook latency, multi-turn conversations")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=7)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)

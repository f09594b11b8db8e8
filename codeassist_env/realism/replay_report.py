"""A replay's report: ``replay.md`` (the figures), ``replay.csv`` (one row per decision), ``replay.png``
(acceptance by length, the programmer's beside the people's) and ``replay.json`` (the figures a bench
report quotes, ``validation``)."""

from __future__ import annotations

import csv
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeassist_env.files import replaced_whole
from codeassist_env.realism.curve import BUCKETS, bucket_label, bucket_of
from codeassist_env.realism.programmer import Cost
from codeassist_env.realism.replay import Estimate, Replayed, ReplayFigures
from codeassist_env.realism.validation import ProgrammerValidation

CSV_FIELDS = (
    "index",
    "participant",
    "task",
    "chars",
    "bucket",
    "real_accepted",
    "choice",
    "score",
    "score_kind",
    "failure",
)


@dataclass(frozen=True)
class ReplaySetup:
    human: str
    model: str | None
    acceptor_mode: str | None
    log: Path
    log_decisions: int
    limit: int | None
    command: str
    resamples: int


def cell(value: Estimate | None) -> str:
    if value is None or math.isnan(value[0]):
        return "n/a"
    point, low, high = value
    return f"{point:.3f} [{low:.3f}, {high:.3f}]"


def markdown(setup: ReplaySetup, result: ReplayFigures, cost: Cost) -> str:
    who = setup.human + (
        f" (model {setup.model}" + (f", {setup.acceptor_mode}" if setup.acceptor_mode else "") + ")"
        if setup.model
        else ""
    )
    subset = (
        f"a stratified subset of {result.cases} (by length bucket and participant; `--limit {setup.limit}`)"
        if result.cases < setup.log_decisions
        else f"all {result.cases}"
    )
    kinds = ", ".join(f"{n} from {kind}" for kind, n in sorted(result.score_kinds.items())) or "none"
    lines = [
        f"# Replay of real decisions: {who}",
        "",
        f"- Log: {setup.log.name}, {subset} of its {setup.log_decisions} decisions, "
        f"{result.participants} participants.",
        f"- Command: `{setup.command}`",
        f"- Intervals: 95%, {setup.resamples} resamples of whole participants.",
        f"- Cost: {cost.line()}.",
        "",
        "| figure | value [95% interval] |",
        "|---|---|",
        f"| real acceptance rate | {cell(result.real_rate)} |",
        f"| programmer's acceptance rate | {cell(result.simulated_rate)} |",
        f"| balanced accuracy vs the person | {cell(result.balanced_accuracy)} |",
        f"| Cohen's kappa vs the person | {cell(result.kappa)} |",
        f"| AUC of the programmer's P(accept) | {cell(result.auc)} |",
        f"| realism gap (mean absolute rate difference by bucket) | "
        f"{'n/a' if result.realism_gap is None else f'{result.realism_gap:.3f}'} |",
        "",
        f"Scores behind the AUC: {kinds} ({result.scored} of {result.cases} decisions scored; logprobs = "
        "P(ACCEPT) from the decision token's log-probabilities, samples = ACCEPT's share over seeded samples). "
        "A programmer failure counts as a reject, as in an episode.",
        "",
        "## Acceptance by suggestion length",
        "",
        "| length (chars) | decisions | real | programmer |",
        "|---|---|---|---|",
    ]
    for b in range(len(BUCKETS)):
        lines.append(
            f"| {bucket_label(b)} | {result.bucket_counts[b]} | {cell(result.real_curve[b])} | "
            f"{cell(result.simulated_curve[b])} |"
        )
    lines += [
        "",
        "Kappa 0 is chance (a programmer that always answers the same gets 0); 1 is the person's every "
        "decision. Balanced accuracy 0.5 is chance whatever the acceptance rate. AUC 0.5: the programmer's "
        "confidence does not order the decisions the person took above those they turned down.",
        "",
    ]
    return "\n".join(lines)


def write_csv(path: Path, replayed: list[Replayed]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_FIELDS)
        for r in replayed:
            d, a = r.decision, r.answer
            writer.writerow(
                [
                    r.index,
                    d.participant,
                    d.task or "",
                    d.chars,
                    bucket_label(bucket_of(d.chars)),
                    int(d.accepted),
                    a.choice,
                    "" if a.score is None else f"{a.score:.6f}",
                    a.score_kind or "",
                    a.failure or "",
                ]
            )


def plot(path: Path, setup: ReplaySetup, result: ReplayFigures) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(8, 4.5))
    # Per curve: its x offset, its estimates, its legend and errorbar's other keyword arguments.
    curves: tuple[tuple[float, list[Estimate | None], str, dict[str, Any]], ...] = (
        (-0.06, result.real_curve, "real programmers", dict(fmt="s--", color="black")),
        (0.06, result.simulated_curve, setup.model or setup.human, dict(fmt="o-")),
    )
    for offset, curve, label, style in curves:
        shown = [(b, e) for b, e in enumerate(curve) if e is not None and not math.isnan(e[0])]
        ax.errorbar(
            [b + offset for b, _ in shown],
            [e[0] for _, e in shown],
            yerr=[[max(0.0, e[0] - e[1]) for _, e in shown], [max(0.0, e[2] - e[0]) for _, e in shown]],
            capsize=3,
            label=label,
            **style,
        )
    ax.set_xticks(range(len(BUCKETS)), [bucket_label(i) for i in range(len(BUCKETS))])
    ax.set_xlabel("suggestion length (characters)")
    ax.set_ylabel("acceptance rate")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(fontsize="small")
    ax.set_title(f"replayed decisions ({result.cases}): 95% intervals, participants resampled", fontsize="medium")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def write(out: Path, setup: ReplaySetup, replayed: list[Replayed], result: ReplayFigures, cost: Cost) -> dict:
    """Every file of the report, each written whole (a temporary file renamed)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"md": out / "replay.md", "csv": out / "replay.csv", "png": out / "replay.png"}
    for key, writer in (
        ("md", lambda p: p.write_text(markdown(setup, result, cost), encoding="utf-8")),
        ("csv", lambda p: write_csv(p, replayed)),
        ("png", lambda p: plot(p, setup, result)),
    ):
        with replaced_whole(paths[key]) as temporary:
            writer(temporary)
    kind = max(result.score_kinds, key=result.score_kinds.__getitem__) if result.score_kinds else None
    paths["json"] = ProgrammerValidation(
        "replay",
        setup.human,
        setup.model,
        setup.acceptor_mode,
        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        result.cases,
        setup.log.name,
        kappa=result.kappa,
        balanced_accuracy=result.balanced_accuracy,
        auc=result.auc,
        auc_kind=kind,
    ).write(out)
    return paths

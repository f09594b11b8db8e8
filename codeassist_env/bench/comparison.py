"""The report's views below the per-agent means: one cell per (agent, problem), each agent's paired
difference to a baseline agent, and warnings where a number rests on too little.

All of them use the headline episodes only (finished, and the simulated human did not fail), like the
per-agent table.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeassist_env.bench import stats
from codeassist_env.episode import EpisodeRecord, EpisodeResult
from codeassist_env.errors import InputError

DEFAULT_BASELINE = "none"
PAIRED_METRICS = (("pass_at_1", "Pass@1"), ("dpr", "DPR"), ("tokens_written", "tokens written"))
FOREST_METRICS = (("dpr", "DPR"), ("pass_at_1", "Pass@1"))  # the forest plot's panels, the headline first
HARDLY_SUGGESTS = 0.10  # share of rounds with a suggestion below which an agent is flagged
FEW_SHOWN = 10  # shown suggestions below which accept ratio and characters per suggestion are flagged


def headline(records: list[EpisodeRecord]) -> list[EpisodeRecord]:
    return [r for r in records if r.headline]


def headline_results(records: list[EpisodeRecord]) -> list[EpisodeResult]:
    """The results of the headline episodes, in order. A headline record always has a result
    (``EpisodeRecord.headline``); the ``is not None`` test tells the type checker so."""
    return [r.result for r in records if r.headline and r.result is not None]


# ---- per problem ---------------------------------------------------------------------------------
@dataclass
class ProblemCell:
    agent: str
    problem_id: str
    episodes: int  # headline episodes (one per seed)
    excluded: int  # errored or simulator-failed
    passed: int
    dpr: float | None  # mean over the episodes
    shown: int  # suggestions shown, all episodes
    accepted: int
    tokens_written: float | None  # mean over the episodes


def per_problem(records: list[EpisodeRecord], agents: list[str], problem_ids: list[str]) -> list[ProblemCell]:
    """One cell per (agent, problem), problems in run order (then any others the records hold)."""
    order = list(problem_ids) + sorted({r.problem_id for r in records} - set(problem_ids))
    cells = []
    for problem_id in order:
        for agent in agents:
            mine = [r for r in records if r.agent == agent and r.problem_id == problem_id]
            head = headline_results(mine)
            n = len(head)
            cells.append(
                ProblemCell(
                    agent,
                    problem_id,
                    n,
                    len(mine) - n,
                    sum(bool(r.passed) for r in head),
                    sum(r.dpr for r in head) / n if n else None,
                    sum(r.suggestions_shown for r in head),
                    sum(r.accepted for r in head),
                    sum(r.tokens_written for r in head) / n if n else None,
                )
            )
    return cells


def _cell_text(cell: ProblemCell) -> str:
    if not cell.episodes:
        return f"— ({cell.excluded} excluded)" if cell.excluded else "—"
    text = f"{cell.passed}/{cell.episodes} · {cell.dpr:.3f} · {cell.shown}/{cell.accepted} · {cell.tokens_written:.0f}"
    return text + (f" (+{cell.excluded} excluded)" if cell.excluded else "")


def per_problem_section(cells: list[ProblemCell], agents: list[str]) -> list[str]:
    lines = [
        "## Per problem",
        "",
        "Each cell: episodes passed / episodes · DPR (mean) · suggestions shown / accepted · tokens the "
        "human wrote (mean). Excluded: errored or simulator-failed episodes, left out of the cell.",
        "",
        "| problem | " + " | ".join(agents) + " |",
        "|---|" + "---|" * len(agents),
    ]
    by_key = {(c.problem_id, c.agent): c for c in cells}
    for problem_id in dict.fromkeys(c.problem_id for c in cells):
        lines.append(f"| {problem_id} | " + " | ".join(_cell_text(by_key[problem_id, a]) for a in agents) + " |")
    return lines


def write_per_problem_csv(cells: list[ProblemCell], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "agent",
                "problem_id",
                "episodes",
                "passed",
                "pass_at_1",
                "dpr",
                "suggestions_shown",
                "suggestions_accepted",
                "human_tokens_written",
                "excluded",
            ]
        )
        for c in cells:
            writer.writerow(
                [
                    c.agent,
                    c.problem_id,
                    c.episodes,
                    c.passed,
                    c.passed / c.episodes if c.episodes else None,
                    c.dpr,
                    c.shown,
                    c.accepted,
                    c.tokens_written,
                    c.excluded,
                ]
            )


# ---- paired to a baseline ------------------------------------------------------------------------
def choose_baseline(requested: str | None, agents: Sequence[str]) -> tuple[str | None, str | None]:
    """The baseline agent, or None and the reason there is no paired section. A baseline asked for by
    name that did not run is bad input."""
    if requested is not None:
        if requested not in agents:
            raise InputError(f"baseline {requested!r} is not an agent of this run (agents: {', '.join(agents)})")
        baseline = requested
    elif DEFAULT_BASELINE in agents:
        baseline = DEFAULT_BASELINE
    else:
        return None, (
            f"no paired comparison: the default baseline `{DEFAULT_BASELINE}` did not run "
            f"(agents: {', '.join(agents)}); name one as the baseline"
        )
    if len(agents) == 1:
        return None, f"no paired comparison: `{baseline}` is the only agent"
    return baseline, None


def paired(
    records: list[EpisodeRecord],
    agents: list[str],
    baseline: str,
    *,
    resamples: int = stats.BOOTSTRAP_RESAMPLES,
    seed: int = stats.BOOTSTRAP_SEED,
) -> dict[str, list[stats.PairedDifference]]:
    """For every agent but the baseline, its paired differences on the (problem, seed) pairs that both
    have a headline episode for (an empty list when there is none)."""

    def by_pair(agent: str) -> dict[tuple[str, int], Any]:
        return {(r.problem_id, r.seed): r.result for r in headline(records) if r.agent == agent}

    base = by_pair(baseline)
    result: dict[str, list[stats.PairedDifference]] = {}
    for agent in agents:
        if agent == baseline:
            continue
        mine = by_pair(agent)
        common = sorted(set(mine) & set(base))
        result[agent] = (
            [
                stats.paired_difference(
                    metric,
                    agent,
                    baseline,
                    [float(getattr(mine[k], metric)) for k in common],
                    [float(getattr(base[k], metric)) for k in common],
                    resamples=resamples,
                    seed=seed,
                )
                for metric, _ in PAIRED_METRICS
            ]
            if common
            else []
        )
    return result


def _signed(value: float, digits: int) -> str:
    text = f"{value:+.{digits}f}"
    return text[1:] if float(text) == 0 else text  # no sign on a zero (nor on "-0.000")


def paired_section(
    differences: dict[str, list[stats.PairedDifference]],
    baseline: str,
    resamples: int = stats.BOOTSTRAP_RESAMPLES,
    seed: int = stats.BOOTSTRAP_SEED,
) -> list[str]:
    labels = dict(PAIRED_METRICS)
    lines = [
        f"## Paired differences to `{baseline}`",
        "",
        f"Each agent minus `{baseline}` on the same (problem, seed) pairs (pairs where either episode "
        f"errored or its simulated human failed are left out). Mean difference; "
        f"{stats.CONFIDENCE:.0%} percentile bootstrap interval ({resamples:,} resamples of the pairs, "
        f"seed {seed}); exact two-sided sign test on the non-zero differences: ties (equal values) "
        "are dropped and counted in + / − / ties. Fewer tokens written means the human typed less.",
        "",
        "| agent | metric | pairs | mean difference | 95% CI | + / − / ties | sign-test p |",
        "|---|---|---|---|---|---|---|",
    ]
    for agent, rows in differences.items():
        if not rows:
            lines.append(f"| {agent} | — | 0 | no (problem, seed) pair in common with `{baseline}` | | | |")
        for d in rows:
            digits = 1 if d.metric == "tokens_written" else 3
            p = "n/a (all ties)" if d.p_value is None else f"{d.p_value:.4g}"
            lines.append(
                f"| {agent} | {labels[d.metric]} | {d.pairs} | {_signed(d.mean, digits)} | "
                f"[{_signed(d.ci_low, digits)}, {_signed(d.ci_high, digits)}] | "
                f"{d.positive} / {d.negative} / {d.ties} | {p} |"
            )
    return lines


def write_paired_csv(differences: dict[str, list[stats.PairedDifference]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "agent",
                "baseline",
                "metric",
                "pairs",
                "mean_difference",
                "ci95_low",
                "ci95_high",
                "positive",
                "negative",
                "ties",
                "sign_test_p",
            ]
        )
        for rows in differences.values():
            for d in rows:
                writer.writerow(
                    [
                        d.agent,
                        d.baseline,
                        d.metric,
                        d.pairs,
                        d.mean,
                        d.ci_low,
                        d.ci_high,
                        d.positive,
                        d.negative,
                        d.ties,
                        d.p_value,
                    ]
                )


def plot_paired(differences: dict[str, list[stats.PairedDifference]], baseline: str, path: Path) -> list[str]:
    """A forest plot of the paired differences: a panel per metric of ``FOREST_METRICS``, a row per agent
    (its mean difference to ``baseline`` and the 95% bootstrap interval) and a line at no difference.
    Returns the rows' labels, top to bottom."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    agents = list(differences)
    rows = range(len(agents) - 1, -1, -1)  # the first agent at the top
    figure, axes = plt.subplots(
        1, len(FOREST_METRICS), figsize=(5 * len(FOREST_METRICS), 1.2 + 0.45 * len(agents)), squeeze=False, sharey=True
    )
    for ax, (metric, label) in zip(axes[0], FOREST_METRICS):
        for y, agent in zip(rows, agents):
            found = [d for d in differences[agent] if d.metric == metric]
            if not found:  # no (problem, seed) pair in common with the baseline
                ax.text(
                    0,
                    y,
                    "no pairs",
                    ha="center",
                    va="center",
                    color="tab:gray",
                    fontsize=8,
                    bbox={"facecolor": "white", "edgecolor": "none"},
                )
                continue
            d = found[0]
            ax.errorbar(
                d.mean, y, xerr=[[d.mean - d.ci_low], [d.ci_high - d.mean]], fmt="o", color="tab:blue", capsize=4
            )
        ax.axvline(0, color="tab:gray", linestyle="--", linewidth=1)
        ax.set_title(f"{label}: agent − {baseline}")
        ax.set_xlabel(f"mean paired difference, {stats.CONFIDENCE:.0%} interval")
        ax.set_yticks(list(rows), agents)
        ax.set_ylim(-0.7, len(agents) - 0.3)
        # Few ticks, and tiny differences (a small run's 0.0008) as multiples of a power of ten shown once.
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4), useMathText=True)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    ax = axes[0, 0]
    drawn = sorted(zip(ax.get_yticks(), (tick.get_text() for tick in ax.get_yticklabels())), reverse=True)
    plt.close(figure)
    return [label for _, label in drawn]


# ---- warnings ------------------------------------------------------------------------------------
def warnings(records: list[EpisodeRecord], agents: list[str], agent_facts: dict[str, Any] | None = None) -> list[str]:
    """A line per agent that suggested in fewer than 10% of its rounds, and per agent whose accept
    ratio and characters per suggestion rest on 1 to 9 shown suggestions (none shown: they are n/a)."""
    facts = agent_facts or {}
    lines = []
    for agent in agents:
        head = headline_results([r for r in records if r.agent == agent])
        rounds = sum(r.rounds for r in head)
        shown = sum(r.suggestions_shown for r in head)
        if rounds and shown < HARDLY_SUGGESTS * rounds:
            expected = " (expected: it never suggests)" if facts.get(agent, {}).get("class") == "NullAgent" else ""
            lines.append(
                f"**Warning:** `{agent}` suggested in {shown} of {rounds} rounds ({shown / rounds:.1%}, "
                f"under {HARDLY_SUGGESTS:.0%}): it hardly suggests, so its numbers say more about the "
                f"human than about the assistant{expected}."
            )
        if 0 < shown < FEW_SHOWN:
            lines.append(
                f"**Warning:** `{agent}`'s accept ratio and characters per suggestion rest on {shown} "
                f"shown suggestion{'s' if shown > 1 else ''} (fewer than {FEW_SHOWN})."
            )
    return lines

"""``codeassist report``: merge one or more run directories (shards of one run) and write a table per
agent (markdown and CSV) and PNG plots.

Episodes whose simulated human failed (docs/protocol.md §7) are counted apart and left out of the headline
metrics; so are episodes whose sandbox failed (status ``infra_error``: the hidden tests never ran) and episodes
that the harness or the human raised in, each counted in a column of its own. Episodes the assistant failed
itself (status ``agent_error``: past its deadline, raised, an invalid action) count, scored 0, and have a
column and a warning of their own. Means come with their standard error
over episodes (``metrics.mean_stderr``). Below them: warnings where a number rests on too little, a
table per problem, the simulated programmer's acceptance by suggestion length beside real programmers'
(``realism``) and each agent's paired difference to a baseline agent (``comparison``), as a table and a
forest plot.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codeassist_env import metrics
from codeassist_env.bench import comparison, paper
from codeassist_env.bench.realism import RealismSection, load_real_logs
from codeassist_env.bench.describe import setup_lines
from codeassist_env.bench.fingerprints import FINGERPRINTS_FILE, write_fingerprints
from codeassist_env.bench.store import (
    EPISODES_FILE,
    RunStoreError,
    changed_keys,
    latest_by_triple,
    load_episodes,
    read_run,
)
from codeassist_env.episode import EpisodeRecord, EpisodeStatus
from codeassist_env.realism.validation import for_run as validation_lines

PLOTTED = (
    ("pass_at_1", "Pass@1"),
    ("accept_ratio", "accept ratio"),
    ("dpr", "DPR"),
    ("suggestions", "suggestions / episode"),
    ("chars_per_suggestion", "characters / suggestion"),
)


@dataclass
class MergedRun:
    run: dict[str, Any]  # run.json of the first directory
    directories: list[Path]
    records: list[EpisodeRecord]  # one per (agent, problem, seed)
    notes: list[str] = field(default_factory=list)


def merge_runs(directories: list[Path]) -> MergedRun:
    """The episodes of every directory, one per triple; directories must share one config."""
    if not directories:
        raise RunStoreError("give at least one run directory")
    first = read_run(directories[0])
    notes: list[str] = []
    records: list[dict[str, Any]] = []
    for directory in directories:
        run = read_run(directory)
        if run["config_hash"] != first["config_hash"]:
            keys = changed_keys(first["config"], run["config"])
            raise RunStoreError(
                f"{directory} has another config than {directories[0]} "
                f"(differs in {', '.join(keys)}); only shards of one run can be merged"
            )
        loaded = load_episodes(directory / EPISODES_FILE)
        notes += loaded.notes
        records += loaded.records
    chosen = latest_by_triple(records)
    config = first["config"]
    expected = len(config["agents"]) * len(first.get("problem_ids", [])) * config["seeds"]
    if expected and len(chosen) < expected:
        notes.append(
            f"incomplete: {len(chosen)} of {expected} episodes present "
            "(a shard missing, or a run stopped early: continue it with --resume)"
        )
    return MergedRun(first, list(directories), [EpisodeRecord.from_json(chosen[k]) for k in sorted(chosen)], notes)


@dataclass
class AgentRow:
    agent: str
    episodes: int  # counted in the headline
    simulator_failed: int
    infra_errors: int  # the hidden tests could not run (status infra_error): no verdict on the agent
    errors: int
    agent_failures: int  # the assistant failed (status agent_error): counted in the headline, scored 0
    pass_at_1: tuple[float | None, float | None]
    accept_ratio: tuple[float | None, float | None]
    dpr: tuple[float | None, float | None]
    pass_fraction: float | None
    suggestions: tuple[float | None, float | None]
    chars_per_suggestion: float | None
    tokens_written: float | None
    rounds: float | None
    prompt_tokens: float | None  # LLM human, per episode
    completion_tokens: float | None
    suggestion_lengths: list[int]


def _mean(values: list[float]) -> float | None:
    return metrics.mean_stderr(values)[0]


def summarize(records: list[EpisodeRecord], agents: list[str]) -> list[AgentRow]:
    rows = []
    for agent in agents:
        mine = [r for r in records if r.agent == agent]
        final = sum(r.status.final for r in mine)
        head = comparison.headline_results(mine)
        shown = sum(r.suggestions_shown for r in head)
        usage = [r.human_usage for r in head if r.human_usage]
        lengths = [len(t["suggestion"]) for r in head for t in r.transcript if t["suggestion"]]
        rows.append(
            AgentRow(
                agent=agent,
                episodes=len(head),
                simulator_failed=final - len(head),
                infra_errors=sum(r.status == EpisodeStatus.INFRA_ERROR for r in mine),
                errors=sum(r.status == EpisodeStatus.ERROR for r in mine),
                agent_failures=sum(r.headline and r.status == EpisodeStatus.AGENT_ERROR for r in mine),
                pass_at_1=metrics.mean_stderr(r.pass_at_1 for r in head),
                accept_ratio=metrics.mean_stderr(r.accept_ratio for r in head),
                dpr=metrics.mean_stderr(r.dpr for r in head),
                pass_fraction=_mean([r.pass_fraction for r in head]),
                suggestions=metrics.mean_stderr(r.suggestions_shown for r in head),
                chars_per_suggestion=sum(r.suggestion_chars for r in head) / shown if shown else None,
                tokens_written=_mean([r.tokens_written for r in head]),
                rounds=_mean([r.rounds for r in head]),
                prompt_tokens=_mean([u.get("prompt_tokens", 0) for u in usage]) if usage else None,
                completion_tokens=_mean([u.get("completion_tokens", 0) for u in usage]) if usage else None,
                suggestion_lengths=lengths,
            )
        )
    return rows


def _pm(value: tuple[float | None, float | None], digits: int = 3) -> str:
    mean, stderr = value
    return "n/a" if mean is None else f"{mean:.{digits}f} ± {stderr:.{digits}f}"


def _num(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def markdown_table(rows: list[AgentRow]) -> list[str]:
    lines = [
        "| agent | episodes | Pass@1 | accept ratio | DPR | suggestions/ep | chars/suggestion | "
        "human tokens written | rounds | simulator-failed (excluded) | sandbox-failed (excluded) | "
        "errors (excluded) | assistant failed (scored 0) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.agent} | {r.episodes} | {_pm(r.pass_at_1)} | {_pm(r.accept_ratio)} | {_pm(r.dpr)} | "
            f"{_pm(r.suggestions, 1)} | {_num(r.chars_per_suggestion)} | {_num(r.tokens_written)} | "
            f"{_num(r.rounds)} | {r.simulator_failed} | {r.infra_errors} | {r.errors} | {r.agent_failures} |"
        )
    return lines


def agent_failure_warnings(rows: list[AgentRow]) -> list[str]:
    """A line per agent that failed episodes itself (docs/protocol.md §2.6): they count, as 0."""
    return [
        f"**Warning:** `{r.agent}` failed {r.agent_failures} of its {r.episodes} episodes itself (past its "
        "deadline, raised, or an invalid action; see the error of its agent_error records in episodes.jsonl): "
        "each is scored Pass@1 0 and DPR 0."
        for r in rows
        if r.agent_failures
    ]


def paper_section(rows: list[AgentRow]) -> list[str]:
    lines = [
        "## The paper's numbers, beside ours",
        "",
        f"*Caption: the right-hand columns are the paper's ({paper.CITATION}), not ours: different "
        f"(much larger) models, a different simulated human and different problems. {paper.SETUP}. "
        "Read them as the shape to look for, not as a target to match.*",
        "",
        "| our agent | ours: Pass@1 / accept / DPR | paper column | "
        + " | ".join(f"paper {a}: Pass@1 / accept / DPR" for a in paper.ASSISTANTS)
        + " |",
        "|---|---|---|" + "---|" * len(paper.ASSISTANTS),
    ]
    for r in rows:
        column = paper.paper_column(r.agent)
        ours = " / ".join(_num(v[0], 3) for v in (r.pass_at_1, r.accept_ratio, r.dpr))
        if column in paper.GEMMA_HUMAN:
            theirs = [" / ".join(f"{v:.3f}" for v in paper.GEMMA_HUMAN[column][a]) for a in paper.ASSISTANTS]
        else:
            theirs = ["(not in the paper)"] * len(paper.ASSISTANTS)
        lines.append(f"| {r.agent} | {ours} | {column or '-'} | " + " | ".join(theirs) + " |")
    llama = ", ".join(f"{k} {v:.3f}" for k, v in paper.LLAMA70B_HUMAN_PASS.items())
    lines += [
        "",
        f"- paper, Llama-3.3-70B human, Llama-3.1-8B assistant, Pass@1: {llama}",
        f"- paper, {paper.USER_STUDY}",
    ]
    return lines


def write_csv(rows: list[AgentRow], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        # sandbox_failed_excluded counts infra_error episodes: the column keeps the name readers' scripts know.
        writer.writerow(
            [
                "agent",
                "episodes",
                "pass_at_1",
                "pass_at_1_stderr",
                "accept_ratio",
                "accept_ratio_stderr",
                "dpr",
                "dpr_stderr",
                "test_pass_fraction",
                "suggestions_per_episode",
                "suggestions_per_episode_stderr",
                "chars_per_suggestion",
                "human_tokens_written",
                "rounds",
                "human_prompt_tokens",
                "human_completion_tokens",
                "simulator_failed_excluded",
                "sandbox_failed_excluded",
                "errors_excluded",
                "agent_failed_scored_0",
            ]
        )
        for r in rows:
            writer.writerow(
                [
                    r.agent,
                    r.episodes,
                    *r.pass_at_1,
                    *r.accept_ratio,
                    *r.dpr,
                    r.pass_fraction,
                    *r.suggestions,
                    r.chars_per_suggestion,
                    r.tokens_written,
                    r.rounds,
                    r.prompt_tokens,
                    r.completion_tokens,
                    r.simulator_failed,
                    r.infra_errors,
                    r.errors,
                    r.agent_failures,
                ]
            )


def plot(rows: list[AgentRow], out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    names = [r.agent for r in rows]
    figure, axes = plt.subplots(1, len(PLOTTED), figsize=(4 * len(PLOTTED), 4), squeeze=False)
    for ax, (key, label) in zip(axes[0], PLOTTED):
        values = [getattr(r, key) for r in rows]
        means = [(v[0] if isinstance(v, tuple) else v) or 0.0 for v in values]
        errors = [(v[1] or 0.0) if isinstance(v, tuple) else 0.0 for v in values]
        ax.bar(range(len(names)), means, yerr=errors, capsize=4, color="tab:blue")
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
        ax.set_title(label)
    figure.suptitle("per agent, mean ± standard error over episodes (simulator failures excluded)")
    figure.tight_layout()
    metrics_png = out / "metrics.png"
    figure.savefig(metrics_png, dpi=100)
    plt.close(figure)

    # One set of bins for every agent, so that bars compare (and a lone suggestion is not a hairline).
    longest = max((n for r in rows for n in r.suggestion_lengths), default=1)
    bins = [longest * i / 30 for i in range(31)]
    figure, axes = plt.subplots(len(rows), 1, figsize=(7, 2.2 * len(rows)), squeeze=False, sharex=True)
    for ax, r in zip(axes[:, 0], rows):
        if r.suggestion_lengths:
            ax.hist(r.suggestion_lengths, bins=bins, color="tab:orange")
        else:
            ax.text(0.5, 0.5, "no suggestions", ha="center", va="center", transform=ax.transAxes)
        ax.set_ylabel(r.agent)
    axes[-1, 0].set_xlabel("suggestion length (characters)")
    figure.suptitle("suggestion lengths per agent")
    figure.tight_layout()
    lengths_png = out / "suggestion_lengths.png"
    figure.savefig(lengths_png, dpi=100)
    plt.close(figure)
    return [metrics_png, lengths_png]


def write_report(
    directories: list[Path],
    out: Path | None = None,
    with_paper: bool = False,
    baseline: str | None = None,
    real: Sequence[Path] | None = None,
    programmer_validation: Path | None = None,
) -> dict[str, Any]:
    """Write ``report.md``, ``report.csv``, ``per_problem.csv``, ``paired.csv`` and ``paired.png`` (when
    there is a baseline), ``realism.csv``, ``metrics.png``, ``suggestion_lengths.png`` and ``realism.png`` into
    ``out`` (default: the first directory); return the rows, the paths, the warnings, the notes and the
    realism section's lines. ``baseline``: the agent the others are paired with (default ``none`` when it
    ran). ``real``: the real decision logs to compare with (None: the Copilot study's, when its file is
    found; [] none). ``programmer_validation``: a folder with the programmer's replay or judge result to quote
    (default: its response cache's folder, ``realism.validation``)."""
    merged = merge_runs([Path(d) for d in directories])
    agents = list(merged.run["config"]["agents"])
    chosen, no_baseline = comparison.choose_baseline(baseline, agents)  # a bad name fails before any file
    logs = load_real_logs(real)  # so does a bad real log: every one is read in full here
    validated = validation_lines(merged.run, programmer_validation)  # and a folder with no result
    out = Path(out) if out else merged.directories[0]
    out.mkdir(parents=True, exist_ok=True)
    rows = summarize(merged.records, agents)
    warnings = [*agent_failure_warnings(rows), *comparison.warnings(merged.records, agents, merged.run.get("agents"))]
    excluded = sum(r.simulator_failed for r in rows)
    lines = [
        "# Benchmark report",
        "",
        "## Setup",
        "",
        *setup_lines(merged.run, merged.directories),
        *validated,
        "",
        f"Episode fingerprints: {FINGERPRINTS_FILE} (check a rerun against this one: "
        f"`codeassist report RERUN --compare {FINGERPRINTS_FILE}`)",
        "",
        "## Per agent",
        "",
        *markdown_table(rows),
        "",
        "Pass@1, accept ratio, DPR and suggestions per episode: mean ± standard error over episodes. "
        "Characters per suggestion: all suggestion characters over all suggestions shown.",
    ]
    if excluded:
        lines.append(
            f"Note: {excluded} episode(s) whose simulated human failed (timeouts, HTTP errors, refusals, "
            "unparseable answers) are counted in 'simulator-failed' and left out of every headline column."
        )
    lines += [f"Note: {n}" for n in merged.notes]
    if warnings:
        lines += ["", *(f"- {w}" for w in warnings)]  # a list, so that each warning keeps its own line
    cells = comparison.per_problem(merged.records, agents, merged.run.get("problem_ids", []))
    lines += ["", *comparison.per_problem_section(cells, agents), ""]
    realism = RealismSection.build(merged.run, merged.records, agents, logs)
    realism_lines = realism.lines()
    lines += [*realism_lines, ""]
    paths = {
        "markdown": out / "report.md",
        "csv": out / "report.csv",
        "per_problem_csv": out / "per_problem.csv",
        "fingerprints": write_fingerprints(merged.records, out / FINGERPRINTS_FILE),
    }
    paired_png: list[Path] = []
    if chosen is None:
        if no_baseline is None:  # choose_baseline gives its reason whenever it gives no baseline
            raise TypeError("choose_baseline gave neither a baseline nor a reason")
        lines += ["## Paired differences", "", no_baseline + "."]
        for stale in ("paired.csv", "paired.png"):  # a stale one from an earlier report would mislead
            (out / stale).unlink(missing_ok=True)
    else:
        differences = comparison.paired(merged.records, agents, chosen)
        lines += comparison.paired_section(differences, chosen)
        lines += ["", f"![Each agent's paired difference to `{chosen}`, with its 95% interval](paired.png)"]
        paths["paired_csv"], paths["paired_png"] = out / "paired.csv", out / "paired.png"
        comparison.write_paired_csv(differences, paths["paired_csv"])
        comparison.plot_paired(differences, chosen, paths["paired_png"])
        paired_png.append(paths["paired_png"])
    if with_paper:
        lines += ["", *paper_section(rows)]
    paths["markdown"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_csv(rows, paths["csv"])
    comparison.write_per_problem_csv(cells, paths["per_problem_csv"])
    pngs = plot(rows, out) + paired_png
    if realism.empty:  # stale ones from an earlier report would mislead
        (out / "realism.csv").unlink(missing_ok=True)
        (out / "realism.png").unlink(missing_ok=True)
    else:
        paths["realism_csv"] = out / "realism.csv"
        realism.write_csv(paths["realism_csv"])
        realism.plot(out / "realism.png")
        pngs.append(out / "realism.png")
    return {
        "rows": rows,
        **paths,
        "plots": pngs,
        "warnings": warnings,
        "notes": merged.notes,
        "realism": realism_lines,
        "text": "\n".join(lines),
    }

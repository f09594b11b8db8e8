"""``codeassist study report DIR``: the paper's user-study table from a study's log.

Per assistant (unblinded: the log knows which agent hid behind each label): the share of answered
pairs in which people preferred it, with an exact binomial test against 50/50; the acceptance rate
(accepted / suggestions shown, pooled over problems, as a rate of all suggestions); suggestions shown
per problem; characters per suggestion shown; Pass@1 on the hidden tests; and minutes per problem
(first view to submit). The paper's numbers stand in their own labelled columns: they come from other
people, other models and other problems.

The paper's p = 0.015 for 14 of 18 (78%) is the one-sided binomial tail (0.0154); the two-sided test
gives 0.031. Both are printed for our data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from codeassist_env.bench.paper import CITATION, paper_column
from codeassist_env.episode import EpisodeStatus
from codeassist_env.study.assist import SuggestionStatus
from codeassist_env.study.log import LOG_FILE, read_config, read_log

# The paper's user study (18 people, Llama-3.1-8B assistants): Empower (eta = 4) against Base-20.
PAPER_STUDY = {
    "Empower": {"preference": 0.78, "p_value": 0.015, "acceptance": 0.0808, "chars": 43.6},
    "Base-20": {"preference": 0.22, "p_value": 0.015, "acceptance": 0.0618, "chars": 82.2},
}
PAPER_NOTE = (
    f"paper ({CITATION}): 18 people, Llama-3.1-8B; Empower preferred 78% (p = 0.015), 38% fewer "
    "suggestions than Base-20; it gives no absolute suggestions per problem, Pass@1 or time"
)


def paper_role(agent: str) -> str | None:
    """The paper's study arm an agent of ours stands for: Empower, or the Base-N baseline."""
    if paper_column(agent) == "Empower":
        return "Empower"
    return "Base-20" if agent.split(":", 1)[0].split("-")[0] == "base" else None


def binomial_p(successes: int, n: int, *, two_sided: bool = True) -> float | None:
    """Exact binomial test of ``successes`` out of ``n`` against p = 1/2 (None when n = 0). Two-sided:
    twice the smaller tail, capped at 1 (the distribution is symmetric); one-sided: P(X >= successes)."""
    if not 0 <= successes <= n:
        raise ValueError(f"binomial_p: need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return None
    if not two_sided:
        return float(Fraction(sum(math.comb(n, k) for k in range(successes, n + 1)), 2**n))
    low = min(successes, n - successes)
    tail = sum(math.comb(n, k) for k in range(low + 1))
    return float(min(Fraction(1), Fraction(2 * tail, 2**n)))


@dataclass
class Row:
    agent: str
    preferred: int
    answered: int  # pairs with a preference answer involving this agent
    p_two_sided: float | None
    p_one_sided: float | None
    shown: int
    accepted: int
    problems: int
    chars: int
    passed: int
    graded: int  # problems whose hidden tests ran (no sandbox failure)
    seconds: float

    @property
    def preference(self) -> float | None:
        return self.preferred / self.answered if self.answered else None

    @property
    def acceptance(self) -> float | None:
        return self.accepted / self.shown if self.shown else None

    @property
    def per_problem(self) -> float | None:
        return self.shown / self.problems if self.problems else None

    @property
    def chars_per(self) -> float | None:
        return self.chars / self.shown if self.shown else None

    @property
    def pass_at_1(self) -> float | None:
        return self.passed / self.graded if self.graded else None

    @property
    def minutes(self) -> float | None:
        return self.seconds / 60 / self.problems if self.problems else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "preference": self.preference,
            "preferred": self.preferred,
            "answered": self.answered,
            "p_two_sided": self.p_two_sided,
            "p_one_sided": self.p_one_sided,
            "acceptance": self.acceptance,
            "suggestions_shown": self.shown,
            "accepted": self.accepted,
            "problems": self.problems,
            "suggestions_per_problem": self.per_problem,
            "chars_per_suggestion": self.chars_per,
            "pass_at_1": self.pass_at_1,
            "minutes_per_problem": self.minutes,
            "paper_role": paper_role(self.agent),
        }


def summarize(directory: Path) -> tuple[dict[str, Any], list[Row], list[str]]:
    """The study's configuration, one row per agent, and notes (participants, repaired log lines)."""
    config = read_config(directory)
    loaded = read_log(directory / LOG_FILE)
    records = loaded.records
    rows = {agent: Row(agent, 0, 0, None, None, 0, 0, 0, 0, 0, 0, 0.0) for agent in config["agents"]}
    for r in records:
        if r["type"] == "problem" and r["agent"] in rows:
            row = rows[r["agent"]]
            row.problems += 1
            row.shown += r["suggestions_shown"]
            row.accepted += r["accepted"]
            row.chars += r["suggestion_chars"]
            row.seconds += r["elapsed_s"]
            if r["status"] == EpisodeStatus.OK:
                row.graded += 1
                row.passed += bool(r["passed"])
        elif r["type"] == "preference":
            for agent in (r["agent"], r["other_agent"]):
                if agent in rows:
                    rows[agent].answered += 1
            if r["agent"] in rows:
                rows[r["agent"]].preferred += 1
    for row in rows.values():
        row.p_two_sided = binomial_p(row.preferred, row.answered)
        row.p_one_sided = binomial_p(row.preferred, row.answered, two_sided=False) if row.answered else None
    people = {r["participant"] for r in records if r["type"] == "join"}
    notes = [
        f"{len(people)} participant(s), {sum(r['type'] == 'problem' for r in records)} problem(s) finished, "
        f"{sum(r['type'] == 'preference' for r in records)} preference(s) answered"
    ] + loaded.notes
    errors = sum(r["type"] == "suggestion" and r["status"] != SuggestionStatus.OK for r in records)
    if errors:
        notes.append(f"{errors} suggestion request(s) ended without a suggestion (assistant error, timeout or busy)")
    return config, list(rows.values()), notes


def _fmt(value: float | None, kind: str) -> str:
    if value is None:
        return "-"
    return {
        "pct": f"{100 * value:.1f}%",
        "pct2": f"{100 * value:.2f}%",
        "p": f"{value:.3f}",
        "f1": f"{value:.1f}",
        "f2": f"{value:.2f}",
    }[kind]


def render(directory: Path) -> str:
    """The markdown report."""
    config, rows, notes = summarize(directory)
    lines = [
        f"# Study {directory}",
        "",
        f"assistants: {', '.join(config['agents'])}; problems: {config['problems']}"
        f"{' (solo mode)' if config.get('solo') else ''}",
        "",
    ]
    lines += [f"- {note}" for note in notes] + [""]
    lines += [
        "| metric | " + " | ".join(r.agent for r in rows) + " | paper Empower | paper Base-20 |",
        "|---|" + "---|" * (len(rows) + 2),
    ]
    paper_e, paper_b = PAPER_STUDY["Empower"], PAPER_STUDY["Base-20"]
    table = [
        (
            "preferred (share of pairs)",
            [f"{_fmt(r.preference, 'pct')} ({r.preferred}/{r.answered})" for r in rows],
            "78%",
            "22%",
        ),
        ("p, exact binomial, two-sided", [_fmt(r.p_two_sided, "p") for r in rows], "-", "-"),
        ("p, exact binomial, one-sided", [_fmt(r.p_one_sided, "p") for r in rows], "0.015", "-"),
        (
            "acceptance rate",
            [f"{_fmt(r.acceptance, 'pct2')} ({r.accepted}/{r.shown})" for r in rows],
            _fmt(paper_e["acceptance"], "pct2"),
            _fmt(paper_b["acceptance"], "pct2"),
        ),
        ("suggestions per problem", [_fmt(r.per_problem, "f2") for r in rows], "38% fewer", "-"),
        (
            "characters per suggestion",
            [_fmt(r.chars_per, "f1") for r in rows],
            _fmt(paper_e["chars"], "f1"),
            _fmt(paper_b["chars"], "f1"),
        ),
        ("Pass@1 (hidden tests)", [f"{_fmt(r.pass_at_1, 'pct')} ({r.passed}/{r.graded})" for r in rows], "-", "-"),
        ("minutes per problem", [_fmt(r.minutes, "f2") for r in rows], "-", "-"),
        ("problems", [str(r.problems) for r in rows], "-", "-"),
    ]
    for name, ours, e, b in table:
        lines.append(f"| {name} | " + " | ".join(ours) + f" | {e} | {b} |")
    lines += [
        "",
        f"Paper columns: {PAPER_NOTE}. The paper's p = 0.015 matches the one-sided test; "
        "its arms map to ours by name (empower* -> Empower, base* -> Base-20): "
        + ", ".join(f"{r.agent} -> {paper_role(r.agent) or 'none'}" for r in rows)
        + ".",
    ]
    return "\n".join(lines) + "\n"

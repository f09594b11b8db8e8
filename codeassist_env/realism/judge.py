"""Known answers put to a simulated programmer (``codeassist realism judge``): per label, how often it accepts,
and its *cooperativeness*, the acceptance of wrong and plausible-wrong pieces over that of right ones (0 =
it takes no wrong piece, 1 = it cannot tell wrong from right).

The programmer sees each case as in an episode: ``reset`` on the case's problem, then ``decide`` on the
program so far and the piece (an LLM programmer reads the problem statement too). A decision the programmer
could not give (``SimulatorFailure``) is counted apart and left out of the rates: it is the simulator's
failure, not an answer. Rates carry Wilson 95% intervals; cooperativeness, balanced accuracy and Cohen's κ
(against "the piece is right") carry intervals from resampling whole problems (``agreement.cluster_bootstrap``),
since the pieces of one problem are not independent.
"""

from __future__ import annotations

import csv
import json
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from codeassist_env.errors import InputError
from codeassist_env.humans.base import Choice, FailureReason, SimulatorFailure
from codeassist_env.problems.loading import load_problems
from codeassist_env.problem import Problem
from codeassist_env.realism.agreement import acceptance_rate_interval, balanced_accuracy, cluster_bootstrap, cohen_kappa
from codeassist_env.realism.curve import BUCKETS, bucket_label, bucket_of
from codeassist_env.realism.known_answers import LABELS, RIGHT, KnownAnswer, KnownAnswerError

CSV_FIELDS = (
    "id",
    "problems",
    "problem_id",
    "label",
    "origin",
    "chars",
    "bucket",
    "decision",
    "accepted",
    "failure",
    "decide_s",
)


class EndpointDown(InputError):
    """The LLM programmer's server does not answer: bad input (a missing endpoint), not a decision."""


@dataclass(frozen=True)
class Judged:
    case: KnownAnswer
    decision: str | None  # accept, reject or finish; None when the programmer failed
    failure: str | None = None  # SimulatorFailure.reason
    decide_s: float = 0.0

    @property
    def accepted(self) -> bool:
        return self.decision == Choice.ACCEPT


@dataclass
class JudgeRun:
    human: str
    judged: list[Judged]
    wall_s: float
    usage: dict[str, float] = field(default_factory=dict)  # an LLM programmer's requests and tokens

    @property
    def answered(self) -> list[Judged]:
        return [j for j in self.judged if j.decision is not None]


def stratified(cases: list[KnownAnswer], limit: int | None) -> list[KnownAnswer]:
    """``limit`` cases taken in turn from each label, each label in the order of its case ids (hashes of the
    content, so a spread over problems and origins), so that a subset keeps the classes balanced; all of them
    when ``limit`` is None."""
    if limit is None or limit >= len(cases):
        return list(cases)
    queues = {label: sorted((c for c in cases if c.label == label), key=lambda c: c.id) for label in LABELS}
    chosen: list[KnownAnswer] = []
    while len(chosen) < limit:
        for label in LABELS:
            if queues[label] and len(chosen) < limit:
                chosen.append(queues[label].pop(0))
    return chosen


def problems_of(cases: list[KnownAnswer]) -> dict[tuple[str, str], Problem]:
    """(set, id) -> problem for every case; a case whose problem is not in its set is bad input."""
    found: dict[tuple[str, str], Problem] = {}
    for name in sorted({case.problems for case in cases}):
        found.update({(name, p.id): p for p in load_problems(name)})
    for case in cases:
        if (case.problems, case.problem_id) not in found:
            raise KnownAnswerError(f"case {case.id}: problem {case.problem_id!r} is not in set {case.problems!r}")
    return found


def judge(
    human: Any, cases: list[KnownAnswer], name: str, progress: Callable[[int, int], None] | None = None
) -> JudgeRun:
    """Put every case to ``human`` (one episode each, seeded by its position)."""
    problems = problems_of(cases)
    usage: dict[str, float] = {}
    judged, started = [], time.monotonic()
    for index, case in enumerate(cases):
        problem = problems[case.problems, case.problem_id]
        human.reset(problem, seed=index)
        began = time.monotonic()
        try:
            decision, failure = human.decide(problem, case.code, case.piece).choice, None
        except SimulatorFailure as error:
            if error.reason == FailureReason.CONNECTION:  # no answer will come: stop now (recorded ones stay cached)
                raise EndpointDown(f"the programmer's endpoint cannot be reached ({error.detail[:200]})") from None
            decision, failure = None, error.reason
        judged.append(Judged(case, decision, failure, time.monotonic() - began))
        for key, value in (human.usage() if hasattr(human, "usage") else {}).items():
            usage[key] = usage.get(key, 0) + value  # usage() counts from the last reset
        if progress is not None:
            progress(index + 1, len(cases))
    return JudgeRun(name, judged, time.monotonic() - started, usage)


# ---- figures -----------------------------------------------------------------------------------------------


def cooperativeness(accepted: np.ndarray, right: np.ndarray) -> float:
    """Acceptance of wrong and plausible-wrong pieces over acceptance of right ones (two boolean arrays, one
    entry a case); NaN when no right piece is accepted, or no right or no wrong piece was shown."""
    if right.all() or not right.any() or not accepted[right].any():
        return math.nan
    return float(accepted[~right].mean() / accepted[right].mean())


def figures(run: JudgeRun) -> dict[str, Any]:
    """Every number the report gives, as plain data (judge.json)."""
    answered = run.answered
    groups = [(j.case.problems, j.case.problem_id) for j in answered]
    accepted = np.array([j.accepted for j in answered], dtype=bool)
    truth = np.array([j.case.label == RIGHT for j in answered], dtype=bool)

    def over(indices: np.ndarray, statistic: Callable[[np.ndarray, np.ndarray], float]) -> float:
        if not len(indices) or truth[indices].all() or not truth[indices].any():
            return math.nan  # a resample without right or without wrong pieces
        return statistic(accepted[indices], truth[indices])

    per_label = {}
    for label in LABELS:
        rate, interval = acceptance_rate_interval([j.accepted for j in answered if j.case.label == label])
        per_label[label] = {"shown": sum(j.case.label == label for j in answered), "rate": rate, "interval": interval}
    per_bucket: dict[str, dict[str, dict[str, Any]]] = {label: {} for label in LABELS}
    for label in LABELS:
        for index in range(len(BUCKETS)):
            chosen = [j.accepted for j in answered if j.case.label == label and bucket_of(len(j.case.piece)) == index]
            rate, interval = acceptance_rate_interval(chosen)
            per_bucket[label][bucket_label(index)] = {"shown": len(chosen), "rate": rate, "interval": interval}
    everything = np.arange(len(answered))
    result = {
        "human": run.human,
        "cases": len(run.judged),
        "answered": len(answered),
        "failures": dict(sorted(Counter(j.failure for j in run.judged if j.failure).items())),
        "per_label": per_label,
        "per_label_and_bucket": per_bucket,
        "cooperativeness": {
            "value": over(everything, cooperativeness),
            "interval": cluster_bootstrap(lambda idx: over(idx, cooperativeness), groups),
        },
        "balanced_accuracy": {
            "value": over(everything, balanced_accuracy),
            "interval": cluster_bootstrap(lambda idx: over(idx, balanced_accuracy), groups),
        },
        "kappa": {
            "value": over(everything, cohen_kappa),
            "interval": cluster_bootstrap(lambda idx: over(idx, cohen_kappa), groups),
        },
        "problems": len(set(groups)),
        "wall_s": run.wall_s,
        "usage": run.usage,
    }
    return result


def _cell(rate: float, interval: tuple[float, float], shown: int | None = None) -> str:
    if shown == 0 or math.isnan(rate):
        return "n=0" if shown == 0 else "undefined"
    text = f"{rate:.2f} [{interval[0]:.2f}, {interval[1]:.2f}]"
    return f"{text} (n={shown})" if shown is not None else text


def markdown(result: dict[str, Any], command: str, cases_path: str) -> str:
    per_label = result["per_label"]
    coop, ba, kappa = result["cooperativeness"], result["balanced_accuracy"], result["kappa"]
    lines = [
        f"# Known answers: {result['human']}",
        "",
        f"{result['answered']} of {result['cases']} cases answered, from {result['problems']} problems "
        f"(cases: `{cases_path}`); command: `{command}`.",
        "",
        "Acceptance per label, Wilson 95% interval; cooperativeness = acceptance of wrong and plausible-wrong "
        "pieces over acceptance of right ones, and balanced accuracy and Cohen's κ against \"the piece is "
        "right\", each with a 95% interval from resampling problems.",
        "",
        "| right | plausible-wrong | wrong | cooperativeness | balanced accuracy | κ |",
        "|---|---|---|---|---|---|",
        "| "
        + " | ".join(
            _cell(per_label[label]["rate"], per_label[label]["interval"], per_label[label]["shown"]) for label in LABELS
        )
        + f" | {_cell(coop['value'], coop['interval'])} | {_cell(ba['value'], ba['interval'])} "
        f"| {_cell(kappa['value'], kappa['interval'])} |",
        "",
        "## Acceptance by length bucket (characters)",
        "",
        "| label | " + " | ".join(bucket_label(i) for i in range(len(BUCKETS))) + " |",
        "|---|" + "---|" * len(BUCKETS),
    ]
    for label in LABELS:
        cells = [_cell(c["rate"], c["interval"], c["shown"]) for c in result["per_label_and_bucket"][label].values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    failures = ", ".join(f"{reason} {n}" for reason, n in result["failures"].items()) or "none"
    usage = result["usage"]
    lines += [
        "",
        f"Failures of the programmer (left out of every figure): {failures}.",
        f"Wall time {result['wall_s']:.0f} s"
        + (
            f"; {usage.get('requests', 0):.0f} requests, {usage.get('cache_hits', 0):.0f} answered from the "
            f"response cache, {usage.get('prompt_tokens', 0):.0f} prompt and "
            f"{usage.get('completion_tokens', 0):.0f} completion tokens"
            if usage
            else ""
        )
        + ".",
        "",
    ]
    return "\n".join(lines)


def write_report(run: JudgeRun, out: Path, command: str, cases_path: str) -> dict[str, Any]:
    """DIR/judge.md, DIR/judge.csv (one row a case) and DIR/judge.json (the figures)."""
    out.mkdir(parents=True, exist_ok=True)
    result = figures(run)
    result["command"], result["cases_file"] = command, cases_path
    with open(out / "judge.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, CSV_FIELDS)
        writer.writeheader()
        for j in run.judged:
            c = j.case
            writer.writerow(
                {
                    "id": c.id,
                    "problems": c.problems,
                    "problem_id": c.problem_id,
                    "label": c.label,
                    "origin": c.origin,
                    "chars": len(c.piece),
                    "bucket": bucket_label(bucket_of(len(c.piece))),
                    "decision": j.decision or "",
                    "accepted": int(j.accepted),
                    "failure": j.failure or "",
                    "decide_s": f"{j.decide_s:.3f}",
                }
            )
    (out / "judge.json").write_text(json.dumps(result, indent=1, default=float) + "\n", encoding="utf-8")
    (out / "judge.md").write_text(markdown(result, command, cases_path), encoding="utf-8")
    return result

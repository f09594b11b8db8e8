"""The calibrated programmer (docs/protocol.md §7.6): the expert, who also weighs whether a suggestion is
worth taking, as real programmers do, and who may take a suggestion whose last line is unfinished.

Correctness is judged exactly as the expert judges it (``ExpertHuman``). Before that, a suggestion is
worth taking with the probability the real-decision model gives it (``realism.worth``, fitted on the
Copilot study's decisions; docs/realism.md). That draw comes from a generator of its own, seeded from
the episode's seed, so the episode stays deterministic given its seed and the expert's miss draws are
not shifted by it. Whitespace-only suggestions are never worth taking.

An unfinished last line: when the expert rejects a suggestion only because of it (its finished lines
would be accepted and the last line parses as the start of a statement), the calibrated programmer does
what a person would, finishing the line its own way: it completes the line from the reference line at
that point, after the longest run of the line's last tokens found there, and takes the suggestion when
the completed program passes the public tests. It then types that completion and the rest of its
reference.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from codeassist_env.humans.base import Choice, Decision
from codeassist_env.humans.expert import ExpertHuman
from codeassist_env.problem import Problem
from codeassist_env.realism.worth import SHIPPED, WorthModel

_TOKEN = re.compile(r"\w+|[^\w\s]")
WORTH_STREAM = 0x5EED  # the worth draws' generator is seeded with (episode seed, this)


def line_completion(last_line: str, reference_line: str) -> str | None:
    """What to type after ``last_line`` to finish it as ``reference_line`` ends: the text of the reference
    line after the longest run of ``last_line``'s final tokens that occurs in it (its last occurrence);
    None when not even the final token occurs."""
    tokens = _TOKEN.findall(last_line)
    spans = [(m.group(), m.end()) for m in _TOKEN.finditer(reference_line)]
    words = [word for word, _ in spans]
    for size in range(len(tokens), 0, -1):
        tail = tokens[-size:]
        ends = [spans[i + size - 1][1] for i in range(len(words) - size + 1) if words[i : i + size] == tail]
        if ends:
            return reference_line[ends[-1] :]
    return None


class CalibratedHuman(ExpertHuman):
    """The expert with a calibrated sense of what is worth taking (see the module doc)."""

    def __init__(self, miss_rate: float = 0.0, worth: WorthModel | None = None, **options: Any):
        super().__init__(miss_rate=miss_rate, **options)
        self.worth = worth or WorthModel.load(SHIPPED)
        self._worth_rng = np.random.default_rng()

    def reset(self, problem: Problem, seed: int | None = None) -> None:
        super().reset(problem, seed)
        self._worth_rng = np.random.default_rng(None if seed is None else [abs(seed), WORTH_STREAM])

    def decide(self, problem: Problem, code: str, suggestion: str) -> Decision:
        self._sync(problem, code)
        if suggestion and self._reference[self._resume :].strip():
            chance = self.worth.probability(suggestion)
            if self._worth_rng.random() >= chance:
                return Decision(Choice.REJECT, f"not worth taking (worth it with probability {chance:.2f})")
        return super().decide(problem, code, suggestion)

    def _unfinished_line(self, problem: Problem, code: str, suggestion: str, head_point: int, reason: str) -> Decision:
        """Take ``suggestion`` and finish its last line from the reference, when that program passes the
        public tests; otherwise the expert's marked rejection stands."""
        rejected = super()._unfinished_line(problem, code, suggestion, head_point, reason)
        end_of_line = self._reference.find("\n", head_point)
        end_of_line = len(self._reference) if end_of_line == -1 else end_of_line
        last_line = suggestion[suggestion.rfind("\n") + 1 :]
        completion = line_completion(last_line, self._reference[head_point:end_of_line])
        if completion is None:
            return rejected
        taken = code + suggestion
        plan = taken + completion + self._reference[end_of_line:]
        if not self.judge(problem, plan).passed:
            return rejected
        self._reference = plan  # reset() restores the problem's reference
        return self._accept(taken, len(taken), f"finishes its last line as {(last_line + completion).strip()!r}")

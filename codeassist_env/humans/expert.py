"""The expert programmer (the rule in words: docs/protocol.md §7.3): it types the problem's
reference solution and judges a suggestion by what the code does, not by how it is spelled; offline, and
deterministic given the episode's seed.

Its state is one number, the *resume point*: the offset in the reference from which it will go on typing,
so the program it is heading for is always ``code + reference[resume:]``. A suggestion is accepted when it
is the reference's next text, or when a later resume point (:func:`resume_candidates`) gives a program that
passes the problem's public tests in the sandbox; with ``miss_rate`` a plausible wrong one slips through.
"""

from __future__ import annotations

import ast
import codeop
import os
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from codeassist_env.errors import InputError
from codeassist_env.humans.base import Choice, Decision, FailureReason, SimulatorFailure
from codeassist_env.humans.reference import reference_program
from codeassist_env.problem import Problem, TestCase, TestKind
from codeassist_env.sandbox import DEFAULT_BACKEND
from codeassist_env.sandbox.result import TestResult, TestStatus
from codeassist_env.tokenizer import Tokenizer, get_tokenizer

DEFAULT_MAX_RUNS = 6  # candidate programs run in the sandbox per decision, at most
MAX_FRAGMENT_MATCHES = 4  # places an unfinished last line is looked up in the reference, at most
DEFAULT_MISS_LIKENESS = 0.5  # a wrong suggestion is missed only where it is this like what it replaces
# Appended to a rejection's reason when only the suggestion's unfinished last line stood in the way (its
# finished lines alone would be accepted and the last line parses as the start of a statement); the
# report counts these per agent.
UNFINISHED_LAST_LINE = " [only the unfinished last line]"
# How the reason of an acceptance starts when the expert missed a plausible wrong suggestion (a slip), so
# that a reader of episodes.jsonl can count slips.
SLIP_REASON = "missed a wrong suggestion"
RAN_EVERYWHERE = frozenset({TestStatus.PASSED, TestStatus.WRONG_ANSWER})  # a test that ran to its answer


@dataclass(frozen=True)
class Judgement:
    """What running one candidate program on the public tests showed."""

    passed: bool
    plausible: bool  # ran everywhere, only wrong answers
    reason: str
    ran: bool = True  # False: a static check settled it, no sandbox run


def resume_candidates(reference: str, resume: int, suggestion: str, tokenizer: Tokenizer) -> list[tuple[int, float]]:
    """Resume points for ``suggestion`` with their likeness (0 to 1), best first (see the module doc)."""
    departs = resume + len(os.path.commonprefix([suggestion, reference[resume:]]))
    points = {len(reference)}
    start = departs
    while (newline := reference.find("\n", start)) != -1:  # every line start after resume
        points.add(newline + 1)
        start = newline + 1
    fragment = suggestion[suggestion.rfind("\n") + 1 :].lstrip()
    if fragment:
        found, start = 0, departs
        while found < MAX_FRAGMENT_MATCHES and (at := reference.find(fragment, start)) != -1:
            points.add(at + len(fragment))
            found, start = found + 1, at + 1
    wanted = Counter(p for p in tokenizer.encode(suggestion) if not p.isspace())

    def likeness(point: int) -> float:  # Dice overlap of the non-space tokens skipped and suggested
        skipped = Counter(p for p in tokenizer.encode(reference[resume:point]) if not p.isspace())
        total = sum(skipped.values()) + sum(wanted.values())
        return 2 * sum((skipped & wanted).values()) / total if total else 1.0

    ranked = sorted((-likeness(p), p) for p in points if departs < p <= len(reference))
    return [(p, -negated) for negated, p in ranked]


def static_problem(program: str, problem: Problem) -> str | None:
    """Why ``program`` cannot pass without running it, or None. Parsing only: nothing is executed."""
    try:
        tree = ast.parse(program)
    except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
        return f"does not compile ({type(error).__name__})"
    if problem.test_kind != TestKind.STDIN and problem.entry_point:
        names = {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        }
        if problem.entry_point not in names:  # methods of class Solution are walked too
            return f"no longer defines {problem.entry_point}"
    return None


# A line is the start of a statement when, in one of these places and followed by one of these endings,
# Python reads it as valid or as incomplete (codeop). The places let ``return``, ``else:``, ``elif``
# and ``except`` stand where they may; the endings close an expression or a block header cut short.
_STATEMENT_PLACES = ("{}", "def _f():\n    {}", "if 1:\n    pass\n{}", "try:\n    pass\n{}")
_STATEMENT_ENDINGS = ("", " _", ":", " _:")


def starts_statement(line: str) -> bool:
    """Whether ``line`` (one line of code, possibly cut short) parses as the start of a statement:
    ``for i in range(n +`` does, ``1)`` and ``foo bar`` do not."""
    text = line.strip()
    if not text or "\n" in text:
        return False
    for place in _STATEMENT_PLACES:
        for ending in _STATEMENT_ENDINGS:
            try:
                codeop.compile_command(place.format(text + ending), symbol="exec")
                return True
            except (SyntaxError, ValueError, OverflowError):
                continue
    return False


class ExpertHuman:
    """Types the reference; accepts any suggestion it can still finish correctly (see module doc).

    ``sandbox`` is a backend name (opened on first use, closed by ``close()``) or an open ``Sandbox``
    shared with the caller (the environment passes its own spec)."""

    def __init__(
        self,
        miss_rate: float = 0.0,
        tokenizer: Tokenizer | str | None = None,
        sandbox: Any = DEFAULT_BACKEND,
        max_runs: int = DEFAULT_MAX_RUNS,
        miss_likeness: float = DEFAULT_MISS_LIKENESS,
    ):
        if not 0.0 <= miss_rate <= 1.0:
            raise InputError(f"expert human: miss_rate must be in [0, 1], got {miss_rate!r}")
        if not 0.0 <= miss_likeness <= 1.0:
            raise InputError(f"expert human: miss_likeness must be in [0, 1], got {miss_likeness!r}")
        if max_runs < 1:
            raise InputError(f"expert human: max_runs must be >= 1, got {max_runs!r}")
        self.miss_rate = miss_rate
        self.miss_likeness = miss_likeness
        self.max_runs = max_runs
        self.tokenizer = get_tokenizer(tokenizer)
        self._sandbox_spec = sandbox
        self._sandbox = None if isinstance(sandbox, str) else sandbox
        self._problem: Problem | None = None
        self._rng = np.random.default_rng()
        self._trusted_examples: dict[str, list[TestCase]] = {}  # problem id -> public tests its reference passes
        self.sandbox_runs = 0  # candidate programs run, over this human's life (for benchmarks)

    # ---- the Human protocol ----------------------------------------------------------------------
    def reset(self, problem: Problem, seed: int | None = None) -> None:
        if self._problem is None or problem.id != self._problem.id:
            self._judged: dict[str, Judgement] = {}  # candidate program -> judgement, for this problem
        self._problem = problem
        self._reference = reference_program(problem)
        self._code, self._resume = problem.starter_code, len(problem.starter_code)
        self._rng = np.random.default_rng(seed)

    def decide(self, problem: Problem, code: str, suggestion: str) -> Decision:
        self._sync(problem, code)
        if not self._reference[self._resume :].strip():
            return Decision(Choice.FINISH, "the program is complete")
        if not suggestion:
            return Decision(Choice.REJECT, "no suggestion")
        point, reason = self._resume_point(problem, code, suggestion)
        if point is not None:
            return self._accept(code + suggestion, point, reason)
        head_point = self._unfinished_line_head(problem, code, suggestion)
        if head_point is not None:
            return self._unfinished_line(problem, code, suggestion, head_point, reason)
        return Decision(Choice.REJECT, reason)

    def _unfinished_line(self, problem: Problem, code: str, suggestion: str, head_point: int, reason: str) -> Decision:
        """A suggestion rejected only for its unfinished last line (its finished lines would resume at
        ``head_point``): the expert rejects it, marked for the reports to count."""
        return Decision(Choice.REJECT, reason + UNFINISHED_LAST_LINE)

    def write(self, problem: Problem, code: str, max_tokens: int, tokenizer: Tokenizer) -> str:
        self._sync(problem, code)
        text = tokenizer.truncate(self._reference[self._resume :], max_tokens)
        self._code, self._resume = code + text, self._resume + len(text)
        return text

    def close(self) -> None:
        if self._sandbox is not None and isinstance(self._sandbox_spec, str):
            self._sandbox.close()
            self._sandbox = None

    # ---- internals -------------------------------------------------------------------------------
    def _sync(self, problem: Problem, code: str) -> None:
        """Check that ``code`` is the program this human has been building (it keeps its resume point
        between calls); a new problem starts a new episode with an unseeded generator."""
        if self._problem is None or problem.id != self._problem.id:
            self.reset(problem)
        if code != self._code:
            if not self._reference.startswith(code):
                raise ValueError(
                    f"expert human: the program is not the one it has been writing for problem "
                    f"{problem.id!r} (call reset() at the start of each episode)"
                )
            self._code, self._resume = code, len(code)

    def _resume_point(
        self, problem: Problem, code: str, suggestion: str, may_miss: bool = True
    ) -> tuple[int | None, str]:
        """Where the expert would go on typing its reference after ``code + suggestion``, and why; (None,
        the reason) when it would reject. Changes nothing but the seeded draw of a miss (``may_miss``)."""
        if self._reference[self._resume :].startswith(suggestion):
            return self._resume + len(suggestion), "exact prefix"
        if not self._examples(problem):
            return None, "differs from the reference (no public tests to judge it by)"
        first_reason, plausible = None, None
        runs = 0
        for point, likeness in resume_candidates(self._reference, self._resume, suggestion, self.tokenizer):
            judgement = self.judge(problem, code + suggestion + self._reference[point:])
            if not judgement.ran:  # a static check failed: costs no run
                first_reason = first_reason or judgement.reason
                continue
            runs += 1
            if judgement.passed:
                return point, f"finishes correctly from resume point {point}"
            first_reason = first_reason or judgement.reason
            if judgement.plausible and plausible is None and likeness >= self.miss_likeness:
                plausible = point
            if runs >= self.max_runs:
                break
        if plausible is not None and may_miss and self.miss_rate > 0 and self._rng.random() < self.miss_rate:
            return plausible, f"{SLIP_REASON} (would resume at point {plausible})"
        return None, first_reason or "no resume point to finish from"

    def _unfinished_line_head(self, problem: Problem, code: str, suggestion: str) -> int | None:
        """For a rejected suggestion whose last line is unfinished: the resume point after its finished
        lines when those alone would be accepted and the last line parses as the start of a statement
        (only that line stood in the way); None otherwise. No seeded draw is taken."""
        cut = suggestion.rfind("\n") + 1
        head, last_line = suggestion[:cut], suggestion[cut:]
        if not head.strip() or not starts_statement(last_line):
            return None
        return self._resume_point(problem, code, head, may_miss=False)[0]

    def _accept(self, program: str, resume: int, reason: str) -> Decision:
        self._code, self._resume = program, resume
        return Decision(Choice.ACCEPT, reason)

    def _run(self, problem: Problem, program: str, test: TestCase) -> TestResult:
        if self._sandbox is None:
            from codeassist_env.sandbox import open_sandbox

            self._sandbox = open_sandbox(self._sandbox_spec)
        result = self._sandbox.run(problem, program, tests=[test]).tests[0]
        if result.status == TestStatus.INFRA_ERROR:  # the sandbox's failure, not the suggestion's
            raise SimulatorFailure(
                FailureReason.SANDBOX, f"the expert's public-test run failed: {result.stderr[-300:]}"
            )
        return result

    def _examples(self, problem: Problem) -> list[TestCase]:
        """The public tests the reference itself passes. Docstring examples are sometimes wrong
        (HumanEval/47, /116, /130, /148): the expert trusts its solution over a contradicting example."""
        if problem.id not in self._trusted_examples:
            self._trusted_examples[problem.id] = [
                test
                for test in problem.public_tests
                if self._run(problem, self._reference, test).status == TestStatus.PASSED
            ]
        return self._trusted_examples[problem.id]

    def judge(self, problem: Problem, program: str) -> Judgement:
        """Check ``program`` statically, then run it on the public tests it trusts (cached per problem;
        the known-answer labels use it too)."""
        if program in self._judged:
            return self._judged[program]
        if (reason := static_problem(program, problem)) is not None:
            self._judged[program] = Judgement(False, False, reason, ran=False)
            return self._judged[program]
        # Test by test, stopping at the first failure that is not a wrong answer: "plausible" needs
        # every public test to run, a crash or time-out settles it at once.
        statuses = []
        for test in self._examples(problem):
            result = self._run(problem, program, test)
            statuses.append(result.status)
            if result.status not in RAN_EVERYWHERE:
                break
        self.sandbox_runs += 1
        failing = next((i for i, status in enumerate(statuses) if status != TestStatus.PASSED), None)
        if failing is None:
            judgement = Judgement(True, False, "passes the public tests")
        else:
            judgement = Judgement(
                False, set(statuses) <= RAN_EVERYWHERE, f"would fail public test {failing + 1} ({statuses[failing]})"
            )
        self._judged[program] = judgement
        return judgement

"""Known answers: (program so far, piece) cases whose rightness the hidden tests decide, to measure how often a
simulated programmer takes a wrong piece (``codeassist realism judge``; docs/realism.md).

The program so far is always a prefix of the problem's reference, so the expert's resume points
(``humans.expert.resume_candidates``) say how the reference would go on after the piece. The label rule
(``label_piece``), with the expert's own public-test judgement:

- ``right``: some resume point finishes the program with the piece into one that passes every hidden test
  (a piece that is the reference's next text is right without a run);
- ``plausible-wrong``: some resume point passes the public tests, none passes the hidden tests;
- ``wrong``: no resume point passes even the public tests;
- left out (``LEFT_OUT``): not right, and the piece binds a name the reference never uses (a renamed
  variable): the reference cannot continue it, yet it may be right, so no label is given.

The set ships in the package (``DEFAULT_CASES``) with its provenance beside it (``DEFAULT_PROVENANCE``);
``codeassist realism known-answers build`` regenerates it (``realism/known_build.py``).
"""

from __future__ import annotations

import keyword
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from codeassist_env.errors import InputError
from codeassist_env.files import json_lines
from codeassist_env.humans.expert import DEFAULT_MAX_RUNS, ExpertHuman, resume_candidates
from codeassist_env.humans.reference import reference_program
from codeassist_env.package_data import data_path
from codeassist_env.problem import Problem

RIGHT, PLAUSIBLE_WRONG, WRONG = "right", "plausible-wrong", "wrong"
LABELS: tuple[str, ...] = (RIGHT, PLAUSIBLE_WRONG, WRONG)
LEFT_OUT = "left-out"
DATA_DIR = data_path("realism")
DEFAULT_CASES = DATA_DIR / "known-answers.jsonl.gz"
DEFAULT_PROVENANCE = DATA_DIR / "known-answers.json"


class KnownAnswerError(InputError):
    """A case file that cannot be used: the message names the file, the line and the field."""


@dataclass(frozen=True)
class Labelled:
    label: str  # one of LABELS, or LEFT_OUT
    reason: str
    resume: int | None = None  # the resume point that decided it (right, plausible-wrong), else None


@dataclass(frozen=True)
class KnownAnswer:
    id: str
    problems: str  # the problem set (a name load_problems takes)
    problem_id: str
    code: str  # the program so far: a prefix of the problem's reference
    piece: str
    label: str  # one of LABELS
    origin: str  # who suggested the piece: an agent of a recorded run, "oracle", or "mutant-..." of a right piece
    reason: str = ""
    resume: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


_FIELDS = {"id": str, "problems": str, "problem_id": str, "code": str, "piece": str, "label": str, "origin": str}


def load_cases(path: str | Path | None = None) -> list[KnownAnswer]:
    """The cases of a known-answer file (JSON Lines, gzip-compressed when it ends in .gz); default: the
    shipped set. Every error names the file, the line and the field."""
    path = Path(path) if path is not None else DEFAULT_CASES
    if not path.is_file():
        raise KnownAnswerError(f"known-answer file {str(path)!r} does not exist or is not a file")
    cases = [_parse_case(record, f"{path}:{number}") for number, record in json_lines(path, KnownAnswerError)]
    if not cases:
        raise KnownAnswerError(f"known-answer file {str(path)!r} holds no case")
    return cases


def _parse_case(record: Any, where: str) -> KnownAnswer:
    if not isinstance(record, dict):
        raise KnownAnswerError(f"{where}: not a JSON object")
    for name, kind in _FIELDS.items():
        if not isinstance(record.get(name), kind):
            raise KnownAnswerError(f"{where}: field {name!r} must be a string, got {record.get(name)!r}")
    if record["label"] not in LABELS:
        raise KnownAnswerError(f"{where}: field 'label' is {record['label']!r}, not one of {', '.join(LABELS)}")
    known = {"reason", "resume", *_FIELDS}
    if unknown := sorted(set(record) - known):
        raise KnownAnswerError(f"{where}: unknown field {unknown[0]!r}")
    return KnownAnswer(**record)


# A name the piece binds: an assignment's target (not ==), a for loop's or comprehension's, a def, an
# import's alias, a with's, a lambda's parameters are left to the reference (they rarely matter here).
_BINDINGS = (
    re.compile(r"(?:^|[\s;(,])([A-Za-z_]\w*)\s*(?:[-+*/%&|^@]|//|\*\*|<<|>>)?=(?!=)"),
    re.compile(r"\bfor\s+([A-Za-z_][\w\s,()]*?)\s+in\b"),
    re.compile(r"\b(?:def|class)\s+([A-Za-z_]\w*)"),
    re.compile(r"\bas\s+([A-Za-z_]\w*)"),
)


def new_names(piece: str, reference: str) -> list[str]:
    """Names ``piece`` binds that the reference never uses, sorted."""
    bound = set()
    for pattern in _BINDINGS:
        for match in pattern.finditer(piece):
            bound.update(re.findall(r"[A-Za-z_]\w*", match.group(1)))
    used = set(re.findall(r"[A-Za-z_]\w*", reference))
    return sorted(name for name in bound - used if not keyword.iskeyword(name))


def label_piece(
    expert: ExpertHuman, sandbox: Any, problem: Problem, code: str, piece: str, max_runs: int = DEFAULT_MAX_RUNS
) -> Labelled:
    """The label of ``piece`` after ``code`` (see the module doc). ``expert`` judges the public tests (its
    trusted examples and its cache of judged programs); ``sandbox`` (an open ``Sandbox``) runs the hidden
    tests. At most ``max_runs`` resume points are run, the expert's own bound per decision."""
    reference = reference_program(problem)
    if not reference.startswith(code):
        raise ValueError(f"known answers: the program so far is not a prefix of {problem.id!r}'s reference")
    if not piece:
        raise ValueError("known answers: an empty piece has no label")
    resume = len(code)
    if reference[resume:].startswith(piece):
        return Labelled(RIGHT, "the reference's next text", resume + len(piece))
    expert.reset(problem)
    plausible, runs = None, 0
    for point, _likeness in resume_candidates(reference, resume, piece, expert.tokenizer):
        program = code + piece + reference[point:]
        judgement = expert.judge(problem, program)
        if not judgement.ran:  # a static check settled it: no run spent
            continue
        runs += 1
        if judgement.passed:
            verdict = sandbox.run(problem, program, fail_fast=True)
            if verdict.infra_error:
                raise RuntimeError(f"known answers: the hidden tests of {problem.id!r} could not run")
            if verdict.passed:
                return Labelled(RIGHT, f"passes every hidden test from resume point {point}", point)
            plausible = point if plausible is None else plausible
        if runs >= max_runs:
            break
    if plausible is not None:
        return Labelled(
            PLAUSIBLE_WRONG,
            f"passes the public tests from resume point {plausible}, no resume point passes the hidden tests",
            plausible,
        )
    if names := new_names(piece, reference):
        return Labelled(LEFT_OUT, f"binds {', '.join(names)}, which the reference never uses")
    return Labelled(WRONG, "no resume point passes the public tests")


# Mutants of a right piece: one edit that keeps it looking right.
_COMPARISON = re.compile(r"(?<![<>=!\-])(<=|>=|==|!=|<|>)(?![<>=])")
_FLIPPED = {"<=": "<", "<": "<=", ">=": ">", ">": ">=", "==": "!=", "!=": "=="}
_INTEGER = re.compile(r"(?<![\w.])(\d+)(?![\w.])")


MAX_MUTANTS_PER_KIND = 3  # sites of one kind mutated in a piece, at most (the first ones)


def mutants(piece: str) -> list[tuple[str, str]]:
    """(origin, mutant) pairs of the piece, one edit each: a comparison flipped (``mutant-flip``: < and <=, >
    and >=, == and !=) or an integer literal off by one (``mutant-off-by-one``: 0 becomes 1, n becomes n - 1),
    at each of the first ``MAX_MUTANTS_PER_KIND`` places of each kind. Inside a string literal too: the
    label rule decides what the edit did."""
    found = []
    for match in list(_COMPARISON.finditer(piece))[:MAX_MUTANTS_PER_KIND]:
        found.append(("mutant-flip", piece[: match.start()] + _FLIPPED[match.group(1)] + piece[match.end() :]))
    for match in list(_INTEGER.finditer(piece))[:MAX_MUTANTS_PER_KIND]:
        value = int(match.group(1))
        found.append(
            ("mutant-off-by-one", piece[: match.start()] + str(value - 1 if value else 1) + piece[match.end() :])
        )
    return found

"""The known-answer set: the label rule on hand-made pieces of each class, the mutants, the case file's
checks, and the shipped set (balanced, every problem found, its provenance's counts true)."""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest

from codeassist_env.humans.expert import ExpertHuman
from codeassist_env.problem import Problem
from codeassist_env.problem import TestCase as Case
from codeassist_env.realism.curve import bucket_label, bucket_of
from codeassist_env.realism.known_answers import (
    DEFAULT_CASES,
    DEFAULT_PROVENANCE,
    LABELS,
    LEFT_OUT,
    PLAUSIBLE_WRONG,
    RIGHT,
    WRONG,
    KnownAnswerError,
    label_piece,
    load_cases,
    mutants,
    new_names,
)

# "big" from 10 on: the public tests (3 and 15) cannot tell >= 10 from > 10, the hidden test at 10 can.
REFERENCE = 'n = int(input())\nif n >= 10:\n    print("big")\nelse:\n    print("small")\n'
THRESHOLD = Problem(
    id="threshold",
    statement="Print big when n is at least 10, else small.",
    test_kind="stdin",
    hidden_tests=[Case("3\n", "small\n"), Case("15\n", "big\n"), Case("10\n", "big\n"), Case("9\n", "small\n")],
    public_tests=[Case("3\n", "small\n"), Case("15\n", "big\n")],
    reference_solution=REFERENCE,
)
FIRST_LINE = "n = int(input())\n"

# (program so far, piece, label): one or more of each class, and one left out
HAND_MADE = [
    (FIRST_LINE, "if n >= 10:\n", RIGHT),  # the reference's next text: no run needed
    (FIRST_LINE, "if n > 9:\n", RIGHT),  # not the reference's text, right under the hidden tests
    (FIRST_LINE, "if n > 10:\n", PLAUSIBLE_WRONG),  # passes 3 and 15, fails 10
    (FIRST_LINE, "if n < 10:\n", WRONG),  # fails the public tests
    ("", "count = int(input())\n", LEFT_OUT),  # a renamed variable: the reference cannot go on from it
]


@pytest.fixture(scope="module")
def sandbox():
    from codeassist_env.sandbox import open_sandbox

    with open_sandbox("bwrap") as opened:
        yield opened


@pytest.mark.bwrap
@pytest.mark.parametrize(
    "code, piece, label", HAND_MADE, ids=[f"{label}:{piece.strip()}" for _, piece, label in HAND_MADE]
)
def test_the_label_rule_on_hand_made_pieces(sandbox, code, piece, label):
    labelled = label_piece(ExpertHuman(sandbox=sandbox), sandbox, THRESHOLD, code, piece)
    assert labelled.label == label, labelled.reason
    if label in (RIGHT, PLAUSIBLE_WRONG):  # the resume point it was decided at finishes the program
        assert labelled.resume is not None and REFERENCE[labelled.resume :].lstrip().startswith(("print", "else"))


def test_the_label_rule_refuses_a_program_off_the_reference():
    with pytest.raises(ValueError, match="not a prefix"):
        label_piece(ExpertHuman(sandbox="process"), None, THRESHOLD, "m = 1\n", "x")


def test_mutants_flip_a_comparison_and_shift_an_integer():
    assert mutants("if n >= 10:\n") == [("mutant-flip", "if n > 10:\n"), ("mutant-off-by-one", "if n >= 9:\n")]
    assert mutants("return a[0] == b < 2") == [
        ("mutant-flip", "return a[0] != b < 2"),
        ("mutant-flip", "return a[0] == b <= 2"),
        ("mutant-off-by-one", "return a[1] == b < 2"),
        ("mutant-off-by-one", "return a[0] == b < 1"),
    ]
    assert mutants("def f(x) -> int:") == []  # an arrow is no comparison
    assert mutants("y = x << 2.5") == []  # nor a shift; a float is no integer


def test_new_names_are_the_bound_names_the_reference_never_uses():
    assert new_names("count = int(input())\n", REFERENCE) == ["count"]
    assert new_names("for i, total in enumerate(n):", REFERENCE) == ["i", "total"]
    assert new_names("if count == n:", REFERENCE) == []  # compared, not bound
    assert new_names("n += 1", REFERENCE) == []


def _write(path, records):
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(record) + "\n" for record in records)


def test_a_bad_case_file_names_the_line_and_the_field(tmp_path):
    good = {
        "id": "a",
        "problems": "humaneval",
        "problem_id": "HumanEval/0",
        "code": "",
        "piece": "x",
        "label": RIGHT,
        "origin": "oracle",
    }
    path = tmp_path / "cases.jsonl.gz"
    _write(path, [good, {**good, "label": "maybe"}])
    with pytest.raises(KnownAnswerError, match=r"cases.jsonl.gz:2: field 'label' is 'maybe'"):
        load_cases(path)
    _write(path, [{**good, "piece": 3}])
    with pytest.raises(KnownAnswerError, match=r":1: field 'piece' must be a string"):
        load_cases(path)
    with pytest.raises(KnownAnswerError, match="does not exist"):
        load_cases(tmp_path / "none.jsonl.gz")


def test_the_shipped_set_is_balanced_and_its_provenance_true():
    from codeassist_env.realism.judge import problems_of

    cases = load_cases()
    about = json.loads(DEFAULT_PROVENANCE.read_text())
    labels = Counter(case.label for case in cases)
    assert len(cases) >= 600 and set(labels) == set(LABELS) and len(set(labels.values())) == 1
    assert about["per_label"] == dict(labels) and about["cases"] == len(cases)
    buckets = {
        label: Counter(bucket_label(bucket_of(len(c.piece))) for c in cases if c.label == label) for label in LABELS
    }
    assert {label: {k: v for k, v in row.items() if v} for label, row in about["per_label_and_bucket"].items()} == {
        label: dict(counts) for label, counts in buckets.items()
    }
    assert about["left_out"] > 0 and set(about["licences"]) == {"codeassist-core", "humaneval"}
    problems = problems_of(cases)  # every case's problem is found, and its program so far is its reference's
    assert all(problems[c.problems, c.problem_id].reference_solution.startswith(c.code) for c in cases)
    assert len({case.id for case in cases}) == len(cases)
    assert DEFAULT_CASES.stat().st_size < 1_000_000

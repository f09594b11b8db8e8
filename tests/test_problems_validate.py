"""``codeassist problems validate`` and the LiveCodeBench fixtures' verdicts, in the real sandboxes
(bwrap; docker where marked)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from codeassist_env.cli import main
from codeassist_env.problems import load_problems, write_problems
from codeassist_env.sandbox import open_sandbox
from test_problems import sample_problems

FIXTURES = Path(__file__).parent / "fixtures"
SOLUTIONS = FIXTURES / "lcb_solutions"
PROGRAM_FAULTS = {"wrong_answer", "runtime_error", "time_limit", "memory_limit"}
BACKENDS = [pytest.param("bwrap", marks=pytest.mark.bwrap), pytest.param("docker", marks=pytest.mark.docker)]


def validate_json(capsys, *args: str, backend: str = "bwrap") -> tuple[int, dict]:
    code = main(["problems", "validate", "--sandbox", backend, "--json", *args])
    captured = capsys.readouterr()
    assert captured.out, f"exit {code}, no report: {captured.err[-2000:]}"
    return code, json.loads(captured.out)


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_humaneval_references_all_pass(capsys, backend):
    code, report = validate_json(capsys, "--problems", "humaneval", backend=backend)
    assert (code, report["n_passed"], report["n_total"], report["backend"]) == (0, 164, 164, backend)
    assert report["checked"] == "references" and report["skipped"] == []


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_humaneval_return_none_set_passes_none(capsys, tmp_path, backend):
    solutions = tmp_path / "return_none.jsonl"
    subprocess.run([sys.executable, str(FIXTURES / "make_return_none_humaneval.py"), str(solutions)], check=True)
    code, report = validate_json(capsys, "--problems", "humaneval", "--solutions", str(solutions), backend=backend)
    assert (code, report["n_passed"], report["n_total"]) == (1, 0, 164)
    statuses = {test["status"] for problem in report["problems"] for test in problem["tests"]}
    assert statuses <= PROGRAM_FAULTS  # failed on its answers: no syntax errors, no infrastructure errors


@pytest.mark.bwrap
def test_validate_prints_failures_and_the_count(capsys, tmp_path):
    solutions = tmp_path / "mixed.jsonl"
    reference = {p.id: p.reference_solution for p in load_problems("humaneval")}
    solutions.write_text(
        json.dumps({"id": "HumanEval/2", "code": reference["HumanEval/2"]})
        + "\n"
        + json.dumps({"id": "HumanEval/3", "code": "def below_zero(operations):\n    return 1/0\n"})
        + "\n"
    )
    assert (
        main(["problems", "validate", "--problems", "humaneval", "--sandbox", "bwrap", "--solutions", str(solutions)])
        == 1
    )
    out = capsys.readouterr().out
    assert "FAIL HumanEval/3: runtime_error, 0/1 tests passed" in out and "ZeroDivisionError" in out
    assert "FAIL HumanEval/2" not in out
    assert out.rstrip().splitlines()[-1].startswith("1/2 solutions pass (bwrap sandbox")
    assert "skipped 162 problems without solution" in out


def solution(name: str) -> str:
    return (SOLUTIONS / f"{name}.py").read_text()


@pytest.mark.bwrap
@pytest.mark.parametrize("fixture", ["lcb_plain.jsonl", "lcb_compressed.jsonl"])
def test_livecodebench_right_solutions_pass_through_the_cli(capsys, tmp_path, fixture):
    solutions = tmp_path / "right.jsonl"
    rights = (("fixture_pairs", "pairs_right"), ("fixture_window", "window_right"))
    solutions.write_text("".join(json.dumps({"id": pid, "code": solution(name)}) + "\n" for pid, name in rights))
    code, report = validate_json(capsys, "--problems", str(FIXTURES / fixture), "--solutions", str(solutions))
    assert (code, report["n_passed"], report["n_total"]) == (0, 2, 2)
    assert [p["n_total"] for p in report["problems"]] == [7, 6]


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("problem_id, prefix", [("fixture_pairs", "pairs"), ("fixture_window", "window")])
def test_livecodebench_verdicts_for_right_wrong_and_too_slow(problem_id, prefix, backend):
    [problem] = [p for p in load_problems(FIXTURES / "lcb_compressed.jsonl") if p.id == problem_id]
    # 1 s instead of LiveCodeBench's 6 s keeps the test short; the slow solutions need well over 6 s anyway.
    problem = dataclasses.replace(problem, time_limit_s=1.0)
    with open_sandbox(backend) as sandbox:
        right = sandbox.run(problem, solution(f"{prefix}_right"))
        wrong = sandbox.run(problem, solution(f"{prefix}_wrong"))
        slow = sandbox.run(problem, solution(f"{prefix}_slow"))
    assert right.passed and right.n_total == len(problem.hidden_tests)
    assert not wrong.passed and "wrong_answer" in {t.status for t in wrong.tests} <= {"passed", "wrong_answer"}
    assert not slow.passed and [t.status for t in slow.tests] == ["passed"] * (slow.n_total - 1) + ["time_limit"]


@pytest.mark.bwrap
def test_own_schema_set_with_split_and_a_solutions_file_covering_both_splits(capsys, tmp_path):
    # The schema tests' sample set: s1 (train, stdin), f1 (test, functional), a1 (test, assert, no reference).
    problems = tmp_path / "set.jsonl"
    write_problems(problems, sample_problems())
    code, report = validate_json(capsys, "--problems", str(problems), "--split", "test")
    assert (code, report["n_passed"], report["n_total"], report["skipped"]) == (0, 1, 1, ["a1"])
    solutions = tmp_path / "solutions.jsonl"
    solutions.write_text(
        "".join(json.dumps({"id": p.id, "code": p.reference_solution or ""}) + "\n" for p in sample_problems())
    )
    code, report = validate_json(capsys, "--problems", str(problems), "--split", "train", "--solutions", str(solutions))
    assert (code, report["n_passed"], report["n_total"]) == (0, 1, 1)
    assert report["problems"][0]["problem_id"] == "s1"

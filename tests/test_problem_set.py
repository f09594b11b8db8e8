"""The bundled ``codeassist-core`` set: its shape, byte-identical regeneration from problems/generators/,
every reference passing and every known-wrong solution failing in the real bwrap sandbox."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codeassist_env.cli import main as codeassist
from codeassist_env.problems import load_problems
from codeassist_env.sandbox import open_sandbox

REPO = Path(__file__).resolve().parents[1]
PROBLEMS_DIR = REPO / "problems"
GENERATORS = PROBLEMS_DIR / "generators"
DATA = REPO / "codeassist_env" / "data" / "problems" / "codeassist-core.jsonl"
TOPICS = {
    "strings",
    "greedy",
    "sorting",
    "two pointers",
    "prefix sums",
    "hashing",
    "graphs",
    "bfs",
    "dp",
    "math",
    "simulation",
}

sys.path.insert(0, str(PROBLEMS_DIR))
import build  # noqa: E402  (problems/build.py: the set's build script)

PROBLEMS = load_problems("codeassist-core")
IDS = [p.id for p in PROBLEMS]


def wrong_solutions() -> list[tuple[str, str]]:
    return [(path.parent.name, path.name) for path in sorted(GENERATORS.glob("cc*/wrong_*.py"))]


def test_set_shape():
    assert IDS == sorted(IDS) == build.problem_ids() and len(IDS) >= 40
    assert sum(p.test_kind == "functional" for p in PROBLEMS) >= 10
    assert all(p.test_kind in ("stdin", "functional") for p in PROBLEMS)
    splits = {p.id: p.metadata["split"] for p in PROBLEMS}
    assert [i for i, s in splits.items() if s == "train"] == [f"cc{n:03d}" for n in range(1, 11)]
    assert sum(s == "test" for s in splits.values()) >= 30
    assert {p.metadata["difficulty"] for p in PROBLEMS} == {"easy", "medium", "hard"}
    assert TOPICS <= {tag for p in PROBLEMS for tag in p.metadata["tags"]}
    assert DATA.stat().st_size < 25 * 2**20
    for p in PROBLEMS:
        assert p.source == "codeassist-core" and p.metadata["title"]
        assert len(p.hidden_tests) >= 20 and 1 <= len(p.public_tests) <= 3, p.id
        for section in ("## Input", "## Output", "## Constraints", "## Examples"):
            assert section in p.statement, (p.id, section)
        assert p.reference_solution.startswith(p.starter_code), p.id
        assert (p.test_kind == "functional") == ("class Solution" in p.starter_code), p.id
        assert p.time_limit_s >= 1.0 and p.time_limit_s * 2 % 1 == 0, p.id
        assert p.reference_solution == (GENERATORS / p.id / "solution.py").read_text(encoding="utf-8")
    with_wrong = {pid for pid, _ in wrong_solutions()}
    with_slow = {pid for pid, name in wrong_solutions() if name.startswith("wrong_slow_")}
    assert with_wrong == set(IDS) and len(with_slow) >= 8


def test_examples_in_statement_are_the_public_tests():
    stdin_problem = next(p for p in PROBLEMS if p.test_kind == "stdin")
    for case in stdin_problem.public_tests:
        assert f"```\n{case.input.rstrip()}\n```" in stdin_problem.statement
        assert f"```\n{case.output.rstrip()}\n```" in stdin_problem.statement
    functional = next(p for p in PROBLEMS if p.test_kind == "functional")
    for case in functional.public_tests:
        assert f"Output: `{case.output}`" in functional.statement


def test_readme_table_lists_every_problem():
    readme = (PROBLEMS_DIR / "README.md").read_text(encoding="utf-8")
    for p in PROBLEMS:
        m = p.metadata
        assert f"| {p.id} | {m['title']} | {p.test_kind} | {m['difficulty']} | {', '.join(m['tags'])} |" in readme


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("difficulty", "tricky", "field 'difficulty' = 'tricky'"),
        ("entry_point", "solve", "field 'entry_point' = 'solve'"),
        ("colour", "red", "unknown fields ['colour']"),
    ],
)
def test_bad_source_names_file_and_field(tmp_path, field, value, message):
    copy = tmp_path / "cc001"
    shutil.copytree(GENERATORS / "cc001", copy)
    meta = json.loads((copy / "problem.json").read_text())
    meta[field] = value
    (copy / "problem.json").write_text(json.dumps(meta))
    with pytest.raises(build.ProblemSourceError, match=str(copy / "problem.json")) as error:
        build.load_source(copy)
    assert message in str(error.value)


def test_missing_wrong_solution_and_few_tests_are_errors(tmp_path):
    copy = tmp_path / "cc003"
    shutil.copytree(GENERATORS / "cc003", copy)
    for path in copy.glob("wrong_*.py"):
        path.unlink()
    with pytest.raises(build.ProblemSourceError, match="at least one known-wrong solution"):
        build.load_source(copy)
    (copy / "wrong_x.py").write_text("class Solution:\n    pass\n")
    (copy / "gen.py").write_text('EXAMPLES = ["[1]\\n0\\n"]\n\ndef generate(rng):\n    return ["[1]\\n0\\n"] * 19\n')
    with pytest.raises(build.ProblemSourceError, match=r"gen.py: generate\(rng\) returned 19 tests"):
        build.load_source(copy)


@pytest.mark.slow
def test_regeneration_is_byte_identical():
    proc = subprocess.run(
        [sys.executable, str(PROBLEMS_DIR / "build.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"up to date ({len(IDS)} problems)" in proc.stderr


@pytest.fixture(scope="module")
def bwrap_sandbox():
    with open_sandbox("bwrap") as sandbox:
        yield sandbox


@pytest.mark.bwrap
@pytest.mark.slow
@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_reference_passes_in_bwrap(bwrap_sandbox, problem):
    for tests in (problem.hidden_tests, problem.public_tests):
        verdict = bwrap_sandbox.run(problem, problem.reference_solution, fail_fast=True, tests=tests)
        assert verdict.passed, (problem.id, verdict.status, [t.stderr for t in verdict.tests][-1:])


@pytest.mark.docker
@pytest.mark.slow
def test_references_pass_in_docker(capsys):
    code = codeassist(["problems", "validate", "--problems", "codeassist-core", "--sandbox", "docker", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert (code, report["backend"], report["n_passed"], report["n_total"]) == (0, "docker", len(IDS), len(IDS))


@pytest.mark.bwrap
@pytest.mark.slow
@pytest.mark.parametrize("problem_id, name", wrong_solutions(), ids=[f"{i}/{n}" for i, n in wrong_solutions()])
def test_known_wrong_solution_fails_in_bwrap(bwrap_sandbox, problem_id, name):
    problem = PROBLEMS[IDS.index(problem_id)]
    code = (GENERATORS / problem_id / name).read_text(encoding="utf-8")
    verdict = bwrap_sandbox.run(problem, code, fail_fast=True)
    assert not verdict.passed, f"{problem_id}/{name} passes every hidden test"
    if name.startswith("wrong_slow_"):
        # correct but too slow: every test before the first failure passed, and that failure is the time limit
        assert verdict.status == "time_limit", (problem_id, name, verdict.status, verdict.tests[-1].stderr)
    else:
        assert verdict.status in ("wrong_answer", "runtime_error", "time_limit"), (problem_id, name, verdict.status)

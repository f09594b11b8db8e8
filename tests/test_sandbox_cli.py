"""``codeassist check`` and ``codeassist sandbox``: verdicts, exit codes, JSON shape and bad-input messages,
against HumanEval and the LiveCodeBench fixtures in the real bwrap sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codeassist_env.cli import main
from codeassist_env.problems import get_problem

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.bwrap


@pytest.fixture(scope="module")
def humaneval0(tmp_path_factory) -> dict[str, Path]:
    reference = get_problem("humaneval", "HumanEval/0").reference_solution
    d = tmp_path_factory.mktemp("code")
    (d / "right.py").write_text(reference)
    (d / "wrong.py").write_text(reference + "\n\ndef has_close_elements(numbers, threshold):\n    return None\n")
    (d / "broken.py").write_text("def has_close_elements(:\n")
    return {name: d / f"{name}.py" for name in ("right", "wrong", "broken")}


def check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--sandbox", "bwrap", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_json_verdicts_and_exit_codes(capsys, humaneval0):
    code, out, _ = check(
        capsys, "--problems", "humaneval", "--id", "HumanEval/0", "--code", str(humaneval0["right"]), "--json"
    )
    verdict = json.loads(out)
    assert code == 0 and verdict["passed"] is True and verdict["backend"] == "bwrap"
    assert verdict["problem_id"] == "HumanEval/0" and verdict["n_passed"] == verdict["n_total"] == 1
    assert verdict["tests"][0]["status"] == "passed" and verdict["tests"][0]["time_s"] > 0

    code, out, _ = check(
        capsys, "--problems", "humaneval", "--id", "HumanEval/0", "--code", str(humaneval0["wrong"]), "--json"
    )
    assert code == 1 and json.loads(out)["tests"][0]["status"] == "wrong_answer"

    code, out, _ = check(capsys, "--problems", "humaneval", "--id", "HumanEval/0", "--code", str(humaneval0["broken"]))
    assert code == 1 and "syntax_error" in out and "SyntaxError" in out


@pytest.mark.parametrize("fixture", ["lcb_plain.jsonl", "lcb_compressed.jsonl"])
@pytest.mark.parametrize("name", ["pairs", "window"])  # stdin and functional
def test_check_livecodebench_fixtures(capsys, fixture, name):
    codes = {
        kind: main(
            [
                "check",
                "--sandbox",
                "bwrap",
                "--problems",
                str(FIXTURES / fixture),
                "--id",
                f"fixture_{name}",
                "--code",
                str(FIXTURES / "lcb_solutions" / f"{name}_{kind}.py"),
            ]
        )
        for kind in ("right", "wrong")
    }
    capsys.readouterr()
    assert codes == {"right": 0, "wrong": 1}


def test_check_bad_input_exits_2_and_names_the_problem(capsys, humaneval0, tmp_path):
    code, _, err = check(capsys, "--problems", "humaneval", "--id", "HumanEval/999", "--code", str(humaneval0["right"]))
    assert code == 2 and "HumanEval/999" in err
    code, _, err = check(
        capsys, "--problems", "humaneval", "--id", "HumanEval/0", "--code", str(tmp_path / "missing.py")
    )
    assert code == 2 and "missing.py" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "test_kind": "stdin", "statement": "", "hidden_tests": "nope"}\n')
    code, _, err = check(capsys, "--problems", str(bad), "--id", "x", "--code", str(humaneval0["right"]))
    assert code == 2 and "bad.jsonl" in err and "hidden_tests" in err


def test_sandbox_status_names_each_backend(capsys):
    main(["sandbox", "status"])
    out = capsys.readouterr().out
    assert "bwrap: available" in out and "docker:" in out and "auto ->" in out

"""Input a hostile but realistic user gives: each is refused with one line naming it and exit status 2 (the
command line), or the documented typed error (Python), never a traceback; and the environment stays usable.
A bug of the package, by contrast, shows its traceback and asks to be reported."""

from __future__ import annotations

import json
from pathlib import Path

import gymnasium as gym
import pytest

import codeassist_env  # noqa: F401  (registers CodeAssist-v0)
from codeassist_env.bench.store import RunStoreError, load_episodes
from codeassist_env.cli import main
from codeassist_env.cli.errors import run_script
from codeassist_env.errors import InputError
from codeassist_env.problems import Problem, ProblemError, load_problems
from codeassist_env.problems import TestCase as HiddenTest

REPO = Path(__file__).resolve().parents[1]
NEG = Problem(
    id="neg",
    statement="Return -x.",
    test_kind="assert",
    hidden_tests=[HiddenTest("def check(f):\n    assert f(3) == -3\n")],
    starter_code="",
    reference_solution="def neg(x):\n    return -x\n",
    entry_point="neg",
)


def one_line(capsys, code: int) -> str:
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


def test_a_refused_reset_leaves_the_environment_usable_under_the_passive_checker():
    env = gym.make("CodeAssist-v0", problems=[NEG], human="reference")
    with pytest.raises(ValueError, match="problem_id 'nope' is not in"):
        env.reset(options={"problem_id": "nope"})
    env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step("")  # a TypeError inside gymnasium's checker before
    assert (obs["round"], terminated) == (1, False)
    env.reset(seed=1)
    assert env.step("")[0]["round"] == 1


def test_unclear_environment_arguments_are_named():
    with pytest.raises(
        TypeError, match="problems must be a problem set's name, a file's path or Problem objects, got int 42"
    ):
        gym.make("CodeAssist-v0", problems=42)
    with pytest.raises(ValueError, match="max_rounds must be an int >= 1, got True"):
        gym.make("CodeAssist-v0", problems=[NEG], max_rounds=True)
    env = gym.make("CodeAssist-v0", problems=[NEG], human="reference")
    with pytest.raises(ValueError, match="reset options must be a dict"):
        env.reset(options="x")


@pytest.mark.parametrize("field, value", [("time_limit_s", 1e12), ("memory_limit_mb", 9 * 10**12)])
def test_problem_limits_beyond_what_the_sandbox_applies_are_refused(tmp_path, capsys, field, value):
    record = {**NEG.to_dict(), field: value}
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(
        ProblemError, match=f"field '{field}': must be a positive .*, at most .*the most the sandbox applies"
    ):
        load_problems(path)
    err = one_line(capsys, main(["problems", "validate", "--problems", str(path), "--sandbox", "process"]))
    assert f"{path}:1" in err and field in err
    with pytest.raises(InputError, match=field):
        Problem(**{**NEG.__dict__, field: value})


def test_command_line_values_out_of_range_are_one_line(tmp_path, capsys):
    assert "must be a TCP port, 0 to 65535, got '99999'" in one_line(
        capsys, main(["study", "serve", "--port", "99999", "--agents", "none", "--out", str(tmp_path / "s")])
    )
    existing = tmp_path / "a-file"
    existing.write_text("x")
    assert "is a file, not a directory" in one_line(capsys, main(["bench", "--agents", "none", "--out", str(existing)]))
    assert "is a file, not a directory" in one_line(capsys, main(["report", str(tmp_path), "--out", str(existing)]))
    assert existing.read_text() == "x"


def test_realism_logs_without_what_a_command_needs_say_what_is_missing(tmp_path, capsys):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert "none both read a decided suggestion and typed text" in one_line(
        capsys, main(["realism", "times", "--real", str(empty)])
    )
    event = {
        "StateName": "Accepted",
        "CurrentSuggestion": "x = 1\n",
        "CurrentPrompt": "",
        "UserId": "u1",
        "TimeSpentInState": 1.0,
    }
    alone = tmp_path / "alone.jsonl"
    alone.write_text("\n".join(json.dumps({**event, "StateName": s}) for s in ("Accepted", "Rejected")) + "\n")
    assert "2 decisions of 1 participant(s); fitting needs accepted and rejected decisions of at least 2" in one_line(
        capsys, main(["realism", "fit", "--real", str(alone)])
    )


def test_a_malformed_episode_record_names_its_file_and_line(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / "run.json").write_text(json.dumps({"config": {"agents": ["none"], "seeds": 1}, "config_hash": "x"}))
    good = {"agent": "none", "problem_id": "p", "seed": 0, "status": "error"}
    lines = [good, {**good, "seed": 1, "status": "ok", "passed": True}, {**good, "seed": 2}]
    (run / "episodes.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    with pytest.raises(RunStoreError, match=r"episodes.jsonl:2: not an episode record"):
        load_episodes(run / "episodes.jsonl")
    assert "episodes.jsonl:2: not an episode record" in one_line(capsys, main(["report", str(run)]))
    (run / "episodes.jsonl").write_text(json.dumps({**good, "seed": "zero"}) + "\n" + json.dumps(good) + "\n")
    assert "episodes.jsonl:1: episode record field 'seed' is not a integer" in one_line(
        capsys, main(["report", str(run)])
    )


def test_only_the_packages_input_errors_are_one_line_anything_else_is_a_reported_bug(capsys):
    def bad_input():
        raise InputError("--thing 'x' is not a thing")

    assert run_script(bad_input, "script") == 2
    assert capsys.readouterr().err == "script: --thing 'x' is not a thing\n"

    def internal_bug():
        return {}["missing"] + int("not a number")

    assert run_script(internal_bug, "script") == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "KeyError: 'missing'" in err
    assert "this is a bug in codeassist_env, not a problem with your input" in err

    def internal_value_error():
        raise ValueError("an internal invariant broke")  # before, shown as a misleading one-line "bad input"

    assert run_script(internal_value_error, "script") == 1
    assert "Traceback" in capsys.readouterr().err


@pytest.mark.bwrap
@pytest.mark.parametrize("kind", ["stdin", "functional"])
def test_a_program_too_big_to_compile_in_its_memory_is_a_memory_limit_not_a_syntax_error(kind):
    from codeassist_env.sandbox import open_sandbox

    problem = Problem(
        id="big",
        statement="s",
        test_kind=kind,
        entry_point="f" if kind == "functional" else None,
        hidden_tests=[HiddenTest("1" if kind == "functional" else "", "1\n" if kind == "stdin" else "1")],
        memory_limit_mb=64,
    )
    program = "x = [" + "1," * 3_000_000 + "]\nprint(1)\ndef f(a):\n    return a\n"
    with open_sandbox("bwrap") as sandbox:
        assert sandbox.run(problem, program).status == "memory_limit"

"""The calibrated programmer (expert-real): the expert's judgement of correctness, a seeded judgement of
what is worth taking fitted on real decisions, and unfinished last lines finished its own way."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from codeassist_env.cli import main as codeassist
from codeassist_env.humans import ExpertHuman, make_human
from codeassist_env.humans.calibrated import CalibratedHuman, line_completion
from codeassist_env.humans.expert import UNFINISHED_LAST_LINE, starts_statement
from codeassist_env.realism.logs import default_logs
from codeassist_env.realism.worth import SHIPPED, WorthModel

pytestmark = pytest.mark.bwrap  # the expert's judgements run in the sandbox

# The expert's tests' wrong piece, on the fixtures problem and prefix (cc021 up to "total = 0": tests/conftest.py).
from test_expert_human import OFF_BY_ONE  # noqa: E402

# Its loop header written differently, then the next line cut short where the reference line is not.
CUT_SHORT = "        for i in range(len(s) // 2):\n            d = abs(ord(s[i]) - ord(s[-1 -"
ALWAYS_WORTH = WorthModel("constant", (40.0,), 1, 1, "test", "")


def copilot_log() -> Path:
    found = default_logs()
    if not found and os.environ.get("CI") != "true":
        pytest.skip("the Copilot study's copilot_events.jsonl.gz is not in the data folder")
    assert found, "CI must have the Copilot study's log in the data folder beside the checkout"
    return found[0]


@pytest.mark.parametrize(
    "line, starts",
    [
        ("for i in range(n +", True),
        ("x = foo(a,", True),
        ("return x", True),
        ("else:", True),
        ("elif x >", True),
        ("if a and", True),
        ("except ValueError", True),
        ("total += 1", True),
        ("1)", False),
        (")", False),
        ("foo bar baz", False),
        ("", False),
        ("   ", False),
    ],
)
def test_which_lines_parse_as_the_start_of_a_statement(line, starts):
    assert starts_statement(line) is starts


def test_line_completion_finishes_after_the_longest_run_of_final_tokens():
    line = "            d = abs(ord(s[i]) - ord(s[-1 -"
    assert line_completion(line, "            d = abs(ord(s[i]) - ord(s[n - 1 - i]))") == " i]))"
    assert line_completion("for i in range(n +", "        for i in range(1, n + 1):") == " 1):"
    assert line_completion("while x <", "        for i in range(3):") is None


def test_the_shipped_model_is_what_the_fit_command_makes_of_the_copilot_log(tmp_path, capsys):
    out = tmp_path / "worth.json"
    assert codeassist(["realism", "fit", "--real", str(copilot_log()), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert out.read_text(encoding="utf-8") == SHIPPED.read_text(encoding="utf-8")
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert (shipped["decisions"], shipped["accepted"], shipped["features"]) == (1096, 386, "saved")
    # the cross-validation table: the shipped features beat a constant rate on held-out participants
    losses = {
        row.split("|")[1].strip(): float(row.split("|")[2])
        for row in printed.splitlines()
        if row.startswith("| ") and not row.startswith("| features")
    }
    assert set(losses) == {"constant", "length", "saved"}
    assert losses["saved"] < losses["constant"]


def test_the_shipped_model_grows_with_what_a_suggestion_saves_and_never_takes_whitespace():
    model = WorthModel.load()
    short, line, block = "x", "total += min(d, 26 - d)", "for i in range(n):\n    total += a[i] * b[i]\n"
    assert model.probability("\n        ") == 0.0
    assert 0.05 < model.probability(short) < model.probability(line) < model.probability(block) < 0.95


def test_worth_draws_are_seeded_and_follow_the_model(problem, prefix):
    next_line = problem.reference_solution[len(prefix) :].split("\n")[0] + "\n"
    human = CalibratedHuman(sandbox="bwrap")

    def choice(seed):
        human.reset(problem, seed=seed)
        return human.decide(problem, prefix, next_line).choice

    choices = [choice(seed) for seed in range(300)]
    assert choices == [choice(seed) for seed in range(300)]  # the same seeds, the same decisions
    expected = human.worth.probability(next_line)
    assert abs(choices.count("accept") / 300 - expected) < 0.09, (choices.count("accept"), expected)
    human.reset(problem, seed=1)
    whitespace = human.decide(problem, prefix, "        \n")
    assert whitespace.choice == "reject" and whitespace.reasoning.startswith("not worth taking")
    human.close()


def test_the_expert_marks_a_rejection_due_only_to_the_unfinished_last_line(problem, prefix):
    human = ExpertHuman(sandbox="bwrap")
    human.reset(problem, seed=0)
    decision = human.decide(problem, prefix, CUT_SHORT)
    assert decision.choice == "reject" and decision.reasoning.endswith(UNFINISHED_LAST_LINE)
    # a wrong finished line: the unfinished one is not all that stands in the way
    wrong_head = "        for i in range(n):\n            d = abs(ord(s[i]) - ord(s[-1 -"
    assert not human.decide(problem, prefix, wrong_head).reasoning.endswith(UNFINISHED_LAST_LINE)
    human.close()


def test_the_calibrated_programmer_finishes_the_line_its_own_way_and_passes(problem, prefix):
    human = CalibratedHuman(worth=ALWAYS_WORTH, sandbox="bwrap")
    human.reset(problem, seed=0)
    decision = human.decide(problem, prefix, CUT_SHORT)
    assert decision == decision.__class__("accept", "finishes its last line as 'd = abs(ord(s[i]) - ord(s[-1 - i]))'")
    code = prefix + CUT_SHORT
    while (decision := human.decide(problem, code, "")).choice != "finish":
        code += human.write(problem, code, 16, human.tokenizer)
    assert code.startswith(prefix + CUT_SHORT + " i]))\n")
    human.close()
    from codeassist_env.sandbox import evaluate

    assert evaluate(problem, code, backend="bwrap").passed


def test_expert_real_misses_a_plausible_wrong_suggestion_as_expert_miss_does(problem, prefix):
    for miss_rate, choice in ((1.0, "accept"), (0.0, "reject")):
        human = CalibratedHuman(miss_rate=miss_rate, worth=ALWAYS_WORTH, sandbox="bwrap")
        human.reset(problem, seed=0)
        decision = human.decide(problem, prefix, OFF_BY_ONE)
        assert decision.choice == choice, (miss_rate, decision)
        human.close()
    assert decision.reasoning.startswith("would fail public test")


def test_names_and_bad_arguments():
    assert isinstance(make_human("expert-real", sandbox="bwrap"), CalibratedHuman)
    assert make_human("expert-real-0.2", sandbox="bwrap").miss_rate == 0.2
    assert type(make_human("expert-0.2", sandbox="bwrap")) is ExpertHuman
    with pytest.raises(ValueError, match=r"human 'expert-real-lots': the part after 'expert-real-' is the miss rate"):
        make_human("expert-real-lots")


def test_fit_on_a_missing_or_malformed_log_is_one_line_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "worth.json"
    assert codeassist(["realism", "fit", "--real", str(tmp_path / "nope.jsonl"), "--out", str(out)]) == 2
    assert "nope.jsonl: no such decision log" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"StateName": "Accepted", "CurrentSuggestion": "x", "CurrentPrompt": ""}\nnot json\n')
    assert codeassist(["realism", "fit", "--real", str(bad), "--out", str(out)]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "bad.jsonl:2" in error
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]

"""Property-based tests (hypothesis): whatever text an assistant sends, whatever JSON a problem file or a
results file holds, whatever lines a real decision log has, each input either works or raises the
documented typed error, never anything else. Few examples and a deadline each, to keep CI short."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codeassist_env.bench.store import RunStoreError, load_episodes
from codeassist_env.env import MAX_SUGGESTION_CHARS, CodeAssistEnv, InvalidAction
from codeassist_env.problems import Problem, ProblemError
from codeassist_env.problems import TestCase as HiddenTest
from codeassist_env.problems.schema import parse_problem_record
from codeassist_env.realism.logs import DecisionLogError, load_decisions
from codeassist_env.realism.timing import reading_vs_writing
from codeassist_env.sandbox.result import Verdict

FEW = settings(
    max_examples=25, deadline=5000, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
NEG = Problem(
    id="neg",
    statement="Return -x.",
    test_kind="assert",
    hidden_tests=[HiddenTest("def check(f):\n    assert f(3) == -3\n")],
    starter_code="",
    reference_solution="def neg(x):\n    return -x\n",
    entry_point="neg",
)
# Any Unicode code point, lone surrogates and NUL included, and strings around the length limit.
ANY_TEXT = st.one_of(
    st.text(st.characters(codec=None), max_size=200),
    st.text(st.sampled_from("a\n\x00\ud800"), min_size=MAX_SUGGESTION_CHARS - 2, max_size=MAX_SUGGESTION_CHARS + 2),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def env():
    environment = CodeAssistEnv(problems=[NEG], human="reference", max_rounds=1000)
    yield environment
    environment.close()


@FEW
@given(action=st.one_of(ANY_TEXT, JSON))
def test_any_action_is_played_or_refused_as_an_invalid_action(env, action):
    obs, _ = env.reset(seed=0)
    try:
        obs, reward, terminated, truncated, info = env.step(action)
    except InvalidAction:
        assert not isinstance(action, str) or len(action) > MAX_SUGGESTION_CHARS or not _encodable(action)
        assert env.step("")[0]["round"] == 1  # the refused action played no round
        return
    assert isinstance(action, str) and len(action) <= MAX_SUGGESTION_CHARS and _encodable(action)
    json.dumps(info, ensure_ascii=False, default=Verdict.to_dict).encode("utf-8")  # whatever was played can be stored


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


PROBLEM_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=8), JSON),
        "statement": st.one_of(st.text(max_size=8), JSON),
        "test_kind": st.one_of(st.sampled_from(["stdin", "functional", "assert", "call"]), JSON),
        "hidden_tests": st.one_of(
            st.lists(
                st.fixed_dictionaries({"input": st.text(max_size=5)}, optional={"output": st.text(max_size=5)}),
                max_size=2,
            ),
            JSON,
        ),
        "entry_point": st.one_of(st.sampled_from(["f", "neg", "1x"]), JSON),
        "time_limit_s": st.one_of(st.floats(), st.integers(), JSON),
        "memory_limit_mb": st.one_of(st.integers(), JSON),
        "metadata": JSON,
        "starter_code": JSON,
    },
)


@FEW
@given(record=st.one_of(PROBLEM_FIELDS, st.dictionaries(st.text(max_size=12), JSON, max_size=6)))
def test_any_problem_record_is_a_problem_or_a_problem_error(record):
    try:
        problem = parse_problem_record(record, "problems.jsonl:1")
    except ProblemError as error:
        assert str(error).startswith("problems.jsonl:1")
        return
    assert isinstance(problem, Problem) and 0 < problem.time_limit_s <= 3600


EPISODE_LINE = st.one_of(
    st.fixed_dictionaries(
        {
            "agent": st.one_of(st.text(max_size=5), JSON),
            "problem_id": st.text(max_size=5),
            "seed": st.one_of(st.integers(-3, 3), JSON),
            "status": st.one_of(st.sampled_from(["ok", "error", "infra_error", "agent_error", "infra"]), JSON),
        },
        optional={"passed": st.booleans(), "transcript": JSON, "verdict": JSON},
    ),
    JSON,
)


@FEW
@given(lines=st.lists(EPISODE_LINE, min_size=1, max_size=4), tail=st.binary(max_size=30))
def test_any_episodes_file_loads_or_names_its_bad_line(tmp_path_factory, lines, tail):
    path = tmp_path_factory.mktemp("run") / "episodes.jsonl"
    path.write_bytes(b"".join(json.dumps(line).encode() + b"\n" for line in lines) + tail)
    try:
        loaded = load_episodes(path)
    except RunStoreError as error:
        assert f"{path}:" in str(error)
        return
    assert len(loaded.records) <= len(lines)


COPILOT_EVENT = st.fixed_dictionaries(
    {},
    optional={
        "StateName": st.one_of(st.sampled_from(["Accepted", "Rejected", "Shown"]), JSON),
        "CurrentSuggestion": st.one_of(st.text(max_size=8), JSON),
        "CurrentPrompt": st.one_of(st.text(max_size=8), JSON),
        "UserId": JSON,
        "TimeSpentInState": JSON,
        "TimeGenerated": JSON,
        "LabeledState": JSON,
        "Measurements": st.one_of(JSON, st.fixed_dictionaries({"documentLength": JSON})),
    },
)


@FEW
@given(events=st.lists(st.one_of(COPILOT_EVENT, JSON), max_size=5))
def test_any_decision_log_is_read_or_refused_with_a_decision_log_error(tmp_path_factory, events):
    path = tmp_path_factory.mktemp("log") / "copilot_events.jsonl"
    path.write_text("".join(json.dumps(event) + "\n" for event in events), encoding="utf-8")
    for read in (load_decisions, lambda p: reading_vs_writing(p, resamples=20)):
        try:
            read(path)
        except DecisionLogError as error:
            assert str(path) in str(error)

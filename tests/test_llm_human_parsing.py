"""Reading decisions and code out of LLM replies, and the LLM human's configuration precedence."""

import email.utils
import time

import pytest

from codeassist_env.humans.llm import FAILURE_REASONS, LLMHumanConfig, retry_after_s
from codeassist_env.humans.llm_parsing import extract_code, looks_like_refusal, parse_decision, strip_retyped_code


@pytest.mark.parametrize(
    "reply, expected",
    [
        ("ACCEPT", "accept"),
        ("Accept.", "accept"),
        ("**REJECT**", "reject"),
        ("`finish`", "finish"),
        ("```\nReject\n```", "reject"),
        ("I would accept this suggestion", "accept"),
        ("Decision: finish", "finish"),
        ("After thinking it over.\nFINAL ANSWER: Reject", "reject"),
        ("I would not accept it, the loop bound is off by one.", "reject"),
        ("My program is not finished yet, so I accept.", "accept"),
        ("The suggestion is correct. I accept it.\n\nDECISION: ACCEPT", "accept"),
        ("I think so: accepted!", "accept"),
        ("Reasoning mentions accept and reject.\nDecision: **reject**", "reject"),
        ("CONTINUE", "reject"),
        ("yes", "accept"),
    ],
)
def test_parse_decision_reads_the_decision(reply, expected):
    assert parse_decision(reply) == expected


@pytest.mark.parametrize(
    "reply", ["", "maybe", "I am not sure what to do here.", "I could accept or reject it.", "Decision: perhaps"]
)
def test_parse_decision_gives_none_when_absent_or_ambiguous(reply):
    assert parse_decision(reply) is None


def test_refusal_wording_is_recognised():
    assert looks_like_refusal("I'm sorry, but I can't help with that.")
    assert looks_like_refusal("As an AI language model, I cannot write code for you.")
    assert not looks_like_refusal("return sorted(xs)")


@pytest.mark.parametrize(
    "reply, code",
    [
        ("```python\nreturn a + b\n```", "return a + b\n"),
        ("Here is the next part:\n```python\nreturn a + b\n```\nThis adds them.", "return a + b\n"),
        ("```python\nreturn a + b", "return a + b"),  # unclosed fence (cut by max_tokens)
        ("Sure! Here's the continuation:\nreturn a + b", "return a + b"),
        ("    return a + b", "    return a + b"),
        ("def f(x):\n    return x", "def f(x):\n    return x"),  # a line ending in ':' is code, not prose
    ],
)
def test_extract_code(reply, code):
    assert extract_code(reply) == code


def test_strip_retyped_whole_program():
    code = "def add(a, b):\n    "
    assert strip_retyped_code(code, "def add(a, b):\n    return a + b\n") == "return a + b\n"


def test_strip_retyped_tail_and_unfinished_line():
    code = "import sys\n\ndef solve():\n    n = int(sys.std"
    text = "def solve():\n    n = int(sys.stdin.readline())\n"
    assert strip_retyped_code(code, text) == "in.readline())\n"


def test_strip_retyped_ignores_trailing_spaces_in_complete_lines():
    code = "def f(xs):  \n    total = 0\n"
    assert strip_retyped_code(code, "def f(xs):\n    total = 0\n    for x in xs:") == "    for x in xs:"


def test_strip_retyped_keeps_genuine_continuations():
    code = "def f(x):\n    y = x * 2\n"
    assert strip_retyped_code(code, "    return y\n") == "    return y\n"
    # a short coincidental overlap ("    ") is not a re-type
    assert strip_retyped_code("def f(x):\n    ", "    return x") == "    return x"
    assert strip_retyped_code("", "print(1)") == "print(1)"


def test_config_precedence_argument_env_openai_default():
    env = {
        "OPENAI_BASE_URL": "http://openai-var/v1",
        "OPENAI_API_KEY": "sk-openai",
        "CODEASSIST_HUMAN_API_KEY": "sk-ours",
        "CODEASSIST_HUMAN_TEMPERATURE": "0.7",
        "CODEASSIST_HUMAN_SEED": "none",
    }
    c = LLMHumanConfig.from_env(env)
    assert (c.base_url, c.api_key, c.temperature, c.seed, c.model) == (
        "http://openai-var/v1",
        "sk-ours",
        0.7,
        None,
        "smollm2",
    )
    c = LLMHumanConfig.from_env(env, base_url="http://arg/v1", temperature=0.0, model=None)
    assert (c.base_url, c.temperature, c.model) == ("http://arg/v1", 0.0, "smollm2")
    assert LLMHumanConfig.from_env({}).base_url == "http://127.0.0.1:8000/v1"


def test_config_rejects_bad_values_naming_them():
    with pytest.raises(ValueError, match="CODEASSIST_HUMAN_TIMEOUT_S='soon'"):
        LLMHumanConfig.from_env({"CODEASSIST_HUMAN_TIMEOUT_S": "soon"})
    with pytest.raises(ValueError, match="cache_mode 'replay' needs a cache_path"):
        LLMHumanConfig(cache_mode="replay")
    with pytest.raises(ValueError, match="acceptor_mode 'three'"):
        LLMHumanConfig(acceptor_mode="three")
    with pytest.raises(TypeError, match="bogus"):
        LLMHumanConfig.from_env({}, bogus=1)


def test_retry_after_reads_seconds_milliseconds_and_http_dates():
    assert retry_after_s({"retry-after": "2"}) == 2.0
    assert retry_after_s({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    in_ten_s = email.utils.formatdate(time.time() + 10, usegmt=True)
    assert 8 <= retry_after_s({"retry-after": in_ten_s}) <= 10
    assert retry_after_s({"retry-after": "soon"}) is None
    assert retry_after_s({}) is None and retry_after_s(None) is None


def test_a_failure_reason_is_one_of_the_closed_vocabulary():
    from codeassist_env.humans.base import FailureReason, SimulatorFailure

    assert SimulatorFailure("connection", "down").reason is FailureReason.CONNECTION
    assert SimulatorFailure(FailureReason.SANDBOX).reason == "sandbox"  # the expert's, counted like the others
    with pytest.raises(ValueError, match="'flaky' is not one of timeout, connection"):
        SimulatorFailure("flaky")
    assert set(FAILURE_REASONS) == set(FailureReason) - {FailureReason.SANDBOX}

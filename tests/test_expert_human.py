"""The expert programmer on real problems through the real sandbox: it accepts what finishes correctly,
however it is written, rejects what does not, and misses plausible wrong code at its miss rate."""

from __future__ import annotations

import pytest

from codeassist_env.agents import make_agent, play_episode
from codeassist_env.env import CodeAssistEnv
from codeassist_env.humans import ExpertHuman, make_human
from codeassist_env.problems import load_problems

pytestmark = pytest.mark.bwrap

# cc021 (mirrorCost), the fixtures problem and prefix (tests/conftest.py): after "total = 0" the reference
# loops over the pairs.
DIFFERENT_BUT_RIGHT = "        for i in range(n // 2):\n            d = abs(ord(s[i]) - ord(s[-1 - i]))\n"
OFF_BY_ONE = "        for i in range(n // 2 - 1):\n            d = abs(ord(s[i]) - ord(s[n - 1 - i]))\n"


class SuggestOnce:
    """Brings the program to ``prefix`` with the reference's own text, then suggests ``text`` once."""

    def __init__(self, prefix: str, text: str):
        self.prefix, self.text, self.done = prefix, text, False

    def reset(self, info=None) -> None:
        self.done = False

    def act(self, observation: dict) -> str:
        code = observation["code"]
        if self.done or not self.prefix.startswith(code):
            return ""
        self.done = True
        return self.prefix[len(code) :] + self.text


def episode(problem, prefix, text, human, seed=0) -> dict:
    env = CodeAssistEnv(problems=[problem], human=human, sandbox="bwrap", max_rounds=50)
    try:
        return play_episode(env, SuggestOnce(prefix, text), problem_id=problem.id, seed=seed)
    finally:
        env.close()


def test_accepts_the_references_own_next_tokens_without_running_anything(problem, prefix):
    human = ExpertHuman(sandbox="bwrap")
    human.reset(problem, seed=0)
    next_line = problem.reference_solution[len(prefix) :].split("\n")[0] + "\n"
    decision = human.decide(problem, prefix, next_line)
    assert (decision.choice, decision.reasoning) == ("accept", "exact prefix")
    assert human.sandbox_runs == 0
    human.close()


def test_accepts_a_correct_continuation_written_differently_and_the_episode_passes(problem, prefix):
    assert not problem.reference_solution.startswith(prefix + DIFFERENT_BUT_RIGHT)  # really different
    info = episode(problem, prefix, DIFFERENT_BUT_RIGHT, "expert")
    shown = [r for r in info["transcript"] if r["suggestion"]]
    assert len(shown) == 1 and shown[0]["decision"] == "accept"
    assert shown[0]["reasoning"].startswith("finishes correctly from resume point")
    assert DIFFERENT_BUT_RIGHT in info["code"] and info["finished"]
    assert info["passed"] is True


def test_rejects_an_off_by_one_variant_naming_the_public_test(problem, prefix):
    info = episode(problem, prefix, OFF_BY_ONE, "expert")
    shown = [r for r in info["transcript"] if r["suggestion"]]
    assert shown[0]["decision"] == "reject"
    assert shown[0]["reasoning"].startswith("would fail public test")
    assert OFF_BY_ONE not in info["code"] and info["passed"] is True


def test_with_miss_rate_one_it_accepts_the_off_by_one_and_the_episode_fails(problem, prefix):
    info = episode(problem, prefix, OFF_BY_ONE, "expert-1")
    shown = [r for r in info["transcript"] if r["suggestion"]]
    assert shown[0]["decision"] == "accept"
    assert shown[0]["reasoning"].startswith("missed a wrong suggestion")
    assert OFF_BY_ONE in info["code"] and info["finished"]
    assert info["passed"] is False


def test_a_suggestion_that_does_not_run_is_never_missed(problem, prefix):
    human = ExpertHuman(miss_rate=1.0, sandbox="bwrap")
    human.reset(problem, seed=0)
    crashing = "        for i in range(n // 2):\n            d = abs(ord(s[i]) - ord(s[n - i]))\n"  # IndexError
    decision = human.decide(problem, prefix, crashing)
    assert decision.choice == "reject" and "runtime_error" in decision.reasoning
    assert human.decide(problem, prefix, "        for i in range(\n").choice == "reject"  # does not compile
    human.close()


@pytest.mark.parametrize("giving_up", ["        return total\n", "\n", "        # Your code here\n"])
def test_a_suggestion_that_replaces_code_it_does_not_resemble_is_never_missed(problem, prefix, giving_up):
    # Each of these, with the rest of the reference skipped, runs on every public test and answers 0 or
    # None: a wrong answer. Accepting it would end the episode at once; a slip looks like what it replaces.
    for bound, choice in (({"miss_likeness": 0.0}, "accept"), ({}, "reject")):  # no bound; the default
        human = ExpertHuman(miss_rate=1.0, sandbox="bwrap", **bound)
        human.reset(problem, seed=0)
        assert human.decide(problem, prefix, giving_up).choice == choice, (bound, giving_up)
        human.close()


def test_miss_share_over_seeded_decisions_matches_the_miss_rate(problem, prefix):
    human = ExpertHuman(miss_rate=0.3, sandbox="bwrap")
    choices = []
    for seed in range(300):
        human.reset(problem, seed=seed)
        choices.append(human.decide(problem, prefix, OFF_BY_ONE).choice)
    human.close()
    share = choices.count("accept") / len(choices)
    assert 0.2 <= share <= 0.4, share


def test_same_seed_same_transcript(problem, prefix):
    def transcript(seed):
        info = episode(problem, prefix, OFF_BY_ONE, "expert-0.5", seed=seed)
        return [{k: v for k, v in r.items() if not k.endswith("_s")} for r in info["transcript"]]

    assert transcript(3) == transcript(3)
    decisions = {tuple(r["decision"] for r in transcript(seed) if r["suggestion"]) for seed in range(8)}
    assert decisions == {("accept",), ("reject",)}  # the seed matters


def test_miss_rate_is_validated():
    with pytest.raises(ValueError, match="miss rate"):
        make_human("expert-lots")
    with pytest.raises(ValueError, match=r"human 'expert-1.5': .* miss rate, a number in \[0, 1\]"):
        make_human("expert-1.5")
    with pytest.raises(ValueError, match="miss_rate"):
        ExpertHuman(miss_rate=1.5)
    with pytest.raises(ValueError, match="miss_likeness must be in"):
        ExpertHuman(miss_likeness=-0.1)


def test_humaneval_examples_become_public_tests_the_reference_passes():
    problems = {p.id: p for p in load_problems("humaneval")}
    assert len(problems["HumanEval/0"].public_tests) == 2  # the two >>> examples
    human = ExpertHuman(sandbox="bwrap")
    # HumanEval/47's docstring example is wrong (median of [-10, 4, 6, 1000, 10, 20] is 8.0, not 15.0):
    # the expert trusts its reference over it.
    median = problems["HumanEval/47"]
    human.reset(median, seed=0)
    assert len(human._examples(median)) == len(median.public_tests) - 1
    human.close()


@pytest.mark.slow
@pytest.mark.parametrize("agent_name", ["none", "oracle-10"])
def test_none_and_oracle_pass_every_test_problem_whose_reference_fits_the_budget(agent_name):
    """50 rounds of K_H = 10 tokens: the programmer alone types 500 tokens. Four references of the test
    split are longer (cc012 533 tokens, cc020 528, cc032 648, cc036 915), so alone it cannot finish them;
    with the oracle's 10 tokens a round it can."""
    problems = load_problems("codeassist-core", "test")
    env = CodeAssistEnv(problems=problems, human="expert", sandbox="bwrap", max_rounds=50, human_tokens=10)
    agent = make_agent(agent_name, problems=problems)
    too_long = sorted(
        p.id for p in problems if env.tokenizer.count(p.reference_solution[len(p.starter_code) :]) > 50 * 10
    )
    assert too_long == ["cc012", "cc020", "cc032", "cc036"]
    try:
        failed = sorted(p.id for p in problems if not play_episode(env, agent, problem_id=p.id, seed=0)["passed"])
    finally:
        env.close()
    assert failed == (too_long if agent_name == "none" else [])

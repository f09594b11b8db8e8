"""CodeAssist-v0: gymnasium compliance and the interaction protocol of docs/protocol.md §2 (real bwrap sandbox)."""

from __future__ import annotations

import math
import string
import subprocess
import sys
import warnings

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import codeassist_env  # noqa: F401  (registers CodeAssist-v0)
from codeassist_env import metrics
from codeassist_env.agents import make_agent, play_episode
from codeassist_env.env import MAX_SUGGESTION_CHARS, CodeAssistEnv
from codeassist_env.episode import EpisodeResult
from codeassist_env.humans import Decision, ReferenceHuman, SimulatorFailure
from codeassist_env.problems import Problem, load_problems
from codeassist_env.problems import TestCase as HiddenTest

STARTER = "def add(a, b):\n"
REFERENCE = "def add(a, b):\n    return a + b\n"
CHECK = "def check(candidate):\n    assert candidate(2, 3) == 5\n    assert candidate(-1, 1) == 0\n"
ADD = Problem(
    id="add",
    statement="Écrivez add(a, b) — renvoie a + b. 漢字 ✓\n",
    test_kind="assert",
    hidden_tests=[HiddenTest(CHECK)],
    starter_code=STARTER,
    reference_solution=REFERENCE,
    entry_point="add",
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


def without_timings(transcript):
    return [{k: v for k, v in r.items() if not k.endswith("_s")} for r in transcript]


def play(env, agent, **reset_kwargs):
    obs, info = env.reset(**reset_kwargs)
    agent.reset(info)
    observations = [obs]
    while True:
        obs, reward, terminated, truncated, info = env.step(agent.act(obs))
        observations.append(obs)
        if terminated or truncated:
            return observations, reward, terminated, truncated, info


@pytest.mark.bwrap
def test_play_episode_runs_to_the_end_and_asks_through_act():
    env = CodeAssistEnv(problems=[ADD, NEG], sandbox="bwrap", max_rounds=6)
    oracle = make_agent("oracle-2", problems=env.problems)
    asked = []

    def act(observation):
        asked.append(observation["code"])
        return oracle.act(observation)

    try:
        info = play_episode(env, oracle, problem_id="neg", seed=3, act=act)
    finally:
        env.close()
    assert info["problem_id"] == "neg" and info["passed"] and env.evaluations == 1
    assert len(asked) == info["rounds"] == len(info["transcript"])
    assert (
        asked[0] == ""
    )  # NEG has no starter code; the oracle was reset for this problem (play_episode calls reset(info))
    assert info["transcript"][0]["suggestion"].startswith("def")


@pytest.mark.bwrap
@pytest.mark.parametrize("problems", [None, "humaneval"])  # None: the default (bundled) set
def test_check_env_passes_on_the_made_env_and_unwrapped(problems):
    env = gym.make("codeassist_env:CodeAssist-v0", problems=problems, sandbox="bwrap")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            check_env(env.unwrapped)
            check_env(env)
        messages = [str(w.message) for w in caught]
        # The only remark allowed: check_env(env) itself notes that a wrapped env was passed.
        assert all("different from the unwrapped version" in m for m in messages), messages
        if problems == "humaneval":
            assert env.unwrapped.evaluations >= 1  # short HumanEval episodes ended and ran their tests
    finally:
        env.close()


def test_make_by_module_path_without_prior_import():
    code = (
        "import sys, gymnasium as gym\n"
        "assert 'codeassist_env' not in sys.modules\n"
        "env = gym.make('codeassist_env:CodeAssist-v0', problems='humaneval')\n"
        "obs, info = env.reset(seed=0)\n"
        "print(type(env.unwrapped).__name__, info['problem_id'].startswith('HumanEval/'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["CodeAssistEnv", "True"]


def test_spaces_hold_any_text_and_non_ascii_statements():
    env = CodeAssistEnv(problems=[ADD, NEG], show_problem_to_agent=True)
    obs, info = env.reset(options={"problem_id": "add"})
    assert obs["statement"] == ADD.statement and obs in env.observation_space
    assert obs == {"code": STARTER, "round": 0, "last_decision": "", "last_human_text": "", "statement": ADD.statement}
    assert info == {"problem_id": "add", "starter_code": STARTER, "tokenizer": "codeassist-code-v1", "seed": None}
    for text in ["", "\n", "x = '漢字'\n\tpass\n", "a" * MAX_SUGGESTION_CHARS]:
        assert text in env.action_space
    assert "a" * (MAX_SUGGESTION_CHARS + 1) not in env.action_space and b"x" not in env.action_space
    env.action_space.seed(0)
    samples = [env.action_space.sample() for _ in range(20)]
    assert all(s in env.action_space and set(s) <= set(string.printable) for s in samples)
    assert any("\n" in s for s in samples)
    hidden = CodeAssistEnv(problems=[ADD, NEG])
    assert hidden.reset(options={"problem_id": "add"})[0]["statement"] == ""


def test_bad_actions_and_bad_arguments_are_clear_errors():
    env = CodeAssistEnv(problems=[ADD])
    with pytest.raises(RuntimeError, match="call reset"):
        env.step("")
    env.reset(seed=0)
    for action in [None, b"x", 3, ["x"]]:
        with pytest.raises(TypeError, match="action must be a str"):
            env.step(action)
    with pytest.raises(ValueError, match=f"exceeds MAX_SUGGESTION_CHARS={MAX_SUGGESTION_CHARS}"):
        env.step("x" * (MAX_SUGGESTION_CHARS + 1))
    obs, reward, terminated, truncated, info = env.step("x" * MAX_SUGGESTION_CHARS)  # the limit itself is fine
    assert (info["decision"], info["round_tokens_read"], terminated, truncated) == ("reject", 1, False, False)
    with pytest.raises(ValueError, match="problem_id 'nope' is not in"):
        env.reset(options={"problem_id": "nope"})
    with pytest.raises(ValueError, match="unknown reset options"):
        env.reset(options={"problem": "add"})
    for kwargs, message in [
        ({"reward": "win"}, "reward 'win'"),
        ({"max_rounds": 0}, "max_rounds"),
        ({"render_mode": "human"}, "render_mode 'human'"),
        ({"human": "robot"}, "unknown human"),
        ({"sandbox": "vm"}, "unknown sandbox backend 'vm'"),
    ]:
        with pytest.raises(ValueError, match=message):
            CodeAssistEnv(problems=[ADD], **kwargs)
    no_reference = Problem(
        id="bare", statement="s", test_kind="assert", hidden_tests=[HiddenTest(CHECK)], entry_point="add"
    )
    with pytest.raises(ValueError, match="problem 'bare' has no reference_solution"):
        CodeAssistEnv(problems=[no_reference]).reset(seed=0)


@pytest.mark.bwrap
def test_hand_computed_episode_dpr_finish_and_reject_semantics():
    env = CodeAssistEnv(problems=[ADD], sandbox="bwrap", human_tokens=4, reward="dpr", render_mode="ansi")
    try:
        obs, _ = env.reset(seed=0)
        # Round 1: a wrong suggestion (4 tokens read) is rejected; only the human's 4 tokens are appended.
        obs, reward, terminated, truncated, info = env.step("    return b")
        assert obs["code"] == STARTER + "    return a" and obs["last_decision"] == "reject"
        assert (info["round_tokens_read"], info["round_tokens_written"], reward) == (4, 4, 0.0)
        # Round 2: a correct suggestion (4 tokens) is accepted; the human adds the final "\n" (1 token).
        obs, reward, terminated, truncated, info = env.step(" + b")
        assert obs["code"] == REFERENCE and obs["last_human_text"] == "\n" and not (terminated or truncated)
        # Round 3: the program is complete; FINISH does not apply the pending suggestion (1 token read).
        obs, reward, terminated, truncated, info = env.step("pass")
        assert terminated and not truncated and obs["last_decision"] == "finish"
        assert obs["code"] == REFERENCE == info["code"]
        assert info["passed"] and info["pass_at_1"] == 1.0 and info["pass_fraction"] == 1.0
        assert info["verdict"].n_total == 1 and info["verdict"].status == "passed"
        assert (info["tokens_read"], info["tokens_written"]) == (9, 5)
        assert (info["suggestions_shown"], info["accepted"], info["rejected"]) == (3, 1, 1)
        assert info["accept_ratio"] == pytest.approx(1 / 3) and info["suggestion_chars"] == 12 + 4 + 4
        expected = 0.999 ** (0.1 * 9 + 0.5 * 5)  # docs/protocol.md §3 by hand: gamma^(alpha*read + beta*written)
        assert math.isclose(info["dpr"], expected) and math.isclose(expected, 0.9966041, rel_tol=1e-6)
        assert reward == info["dpr"] and info["finished"] and info["rounds"] == 3
        assert [r["decision"] for r in info["transcript"]] == ["reject", "accept", "finish"]
        assert info["transcript"][2]["human_text"] == "" and not info["simulator_failed"]
        text = env.render()
        assert "problem add" in text and "'    return b' -> reject" in text and text.endswith(REFERENCE + "\n")
        assert env.evaluations == 1
        with pytest.raises(RuntimeError, match="episode has ended"):
            env.step("")
    finally:
        env.close()


@pytest.mark.bwrap
def test_truncation_at_max_rounds_runs_the_tests_once():
    env = CodeAssistEnv(problems=[ADD], sandbox="bwrap", max_rounds=2, human_tokens=1, reward="pass_fraction")
    try:
        observations, reward, terminated, truncated, info = play(env, make_agent("none"), seed=0)
        assert truncated and not terminated and info["rounds"] == 2 and not info["finished"]
        assert observations[-1]["code"] == STARTER + "    return"
        assert env.evaluations == 1 and info["verdict"].n_total == 1
        assert not info["passed"] and info["verdict"].status != "passed"
        assert reward == info["pass_fraction"] == 0.0 and info["dpr"] == 0.0
        assert info["accept_ratio"] is None and info["suggestions_shown"] == 0
        with pytest.raises(RuntimeError, match="call reset"):
            env.step("")
        assert env.evaluations == 1
        play(env, make_agent("none"), seed=1)
        assert env.evaluations == 2  # one run per episode, the sandbox reused
    finally:
        env.close()


@pytest.mark.bwrap
def test_reward_is_a_function_of_the_episode_result_and_the_three_names_are_such_functions():
    results = []

    def shaped(result: EpisodeResult) -> float:
        results.append(result)
        return result.pass_fraction - 0.01 * result.rounds

    env = CodeAssistEnv(problems=[ADD], sandbox="bwrap", human_tokens=4, reward=shaped)
    try:
        _, reward, terminated, truncated, info = play(env, make_agent("oracle-4", problems=env.problems), seed=0)
    finally:
        env.close()
    assert terminated and info["passed"] and info["rounds"] >= 2
    (result,) = results  # asked once, on the last step, with the record the last info spreads out
    assert {key: info[key] for key in result.to_info()} == result.to_info()
    assert reward == pytest.approx(1.0 - 0.01 * info["rounds"])
    named = {name: function(result) for name, function in metrics.REWARDS.items()}
    assert named == {"pass": 1.0, "dpr": info["dpr"], "pass_fraction": 1.0} and 0 < info["dpr"] < 1
    with pytest.raises(TypeError, match="reward must be a name or a function"):
        CodeAssistEnv(problems=[ADD], reward=1.0)


@pytest.mark.bwrap
@pytest.mark.parametrize("human", ["reference", "reference-whitespace"])
def test_same_seed_same_transcript_and_the_human_only_appends(human):
    def run(seed):
        env = gym.make("CodeAssist-v0", problems="humaneval", sandbox="bwrap", human=human, max_rounds=8)
        env.action_space.seed(seed)
        oracle = make_agent("oracle-4", problems=env.unwrapped.problems)
        obs, info = env.reset(seed=seed)
        oracle.reset(info)
        codes = [obs["code"]]
        for round_ in range(8):
            # Mix random text, oracle tokens and nothing, so every decision kind occurs.
            action = [env.action_space.sample()[:40], oracle.act(obs), ""][round_ % 3]
            obs, _, terminated, truncated, info = env.step(action)
            codes.append(obs["code"])
            if terminated or truncated:
                break
        env.close()
        return info, codes

    first, codes = run(7)
    second, _ = run(7)
    assert without_timings(first["transcript"]) == without_timings(second["transcript"])
    assert first["problem_id"] == second["problem_id"] and first["code"] == second["code"]
    assert {r["decision"] for r in first["transcript"]} >= {"accept", "reject"}
    for before, after in zip(codes, codes[1:]):
        assert after.startswith(before)  # nothing earlier is ever edited or deleted
    assert len({run(seed)[0]["problem_id"] for seed in (1, 2, 3)}) > 1


class FlakyHuman:
    """A human implementation that injects simulator failures on chosen rounds (decide on round 1,
    write on round 2) and writes far more than K_H tokens otherwise; reports usage like the LLM human."""

    def __init__(self):
        self.inner = ReferenceHuman()
        self.calls = 0

    def reset(self, problem, seed=None):
        self.inner.reset(problem)
        self.rounds = 0

    def decide(self, problem, code, suggestion) -> Decision:
        self.rounds += 1
        if self.rounds == 1:
            raise SimulatorFailure("timeout", "no answer in 30 s")
        return self.inner.decide(problem, code, suggestion)

    def write(self, problem, code, max_tokens, tokenizer) -> str:
        if self.rounds == 2:
            raise SimulatorFailure("unparseable", "no code in the reply")
        return self.inner.write(problem, code, 100, tokenizer)

    def usage(self):
        return {"requests": self.rounds, "tokens": 0}


@pytest.mark.bwrap
def test_simulator_failures_fall_back_and_flag_the_episode_and_k_h_is_enforced():
    env = CodeAssistEnv(problems=[NEG], human=FlakyHuman(), sandbox="bwrap", human_tokens=3)
    try:
        observations, reward, terminated, truncated, info = play(env, make_agent("none"), seed=0)
        first, second, third = info["transcript"][:3]
        assert (first["decision"], first["simulator_failure"], first["human_text"]) == ("reject", "timeout", "")
        assert (second["decision"], second["simulator_failure"], second["human_text"]) == ("reject", "unparseable", "")
        assert third["simulator_failure"] is None and third["human_text"] == "def neg"  # cut to K_H = 3
        assert info["simulator_failed"] and info["passed"] and terminated
        assert info["human_usage"] == {"requests": info["rounds"], "tokens": 0}
        assert all(r["tokens_written"] <= 3 for r in info["transcript"])
    finally:
        env.close()


@pytest.mark.bwrap
@pytest.mark.model
def test_a_hugging_face_tokenizer_counts_k_h_and_is_recorded():
    problems = [p for p in load_problems("humaneval") if p.id in {"HumanEval/0", "HumanEval/2", "HumanEval/12"}]
    env = CodeAssistEnv(problems=problems, tokenizer="smollm2", sandbox="bwrap", human_tokens=10)
    try:
        written = {}
        for name in ("none", "oracle-10"):
            agent = make_agent(name, problems=problems, tokenizer=env.tokenizer)
            written[name] = 0
            for problem in problems:
                _, _, terminated, _, info = play(env, agent, options={"problem_id": problem.id})
                assert terminated and info["passed"] and info["tokenizer"] == "smollm2"
                assert all(r["tokens_written"] <= 10 for r in info["transcript"])
                written[name] += info["tokens_written"]
        assert 0 < written["oracle-10"] < written["none"]
    finally:
        env.close()


def test_runs_as_a_gymnasium_vector_env():
    envs = gym.make_vec("CodeAssist-v0", num_envs=2, vectorization_mode="sync", problems=[ADD, NEG])
    try:
        obs, info = envs.reset(seed=0)
        assert len(obs["code"]) == 2 and list(obs["round"]) == [0, 0]
        obs, reward, terminated, truncated, info = envs.step(("    return a + b", ""))
        assert list(obs["round"]) == [1, 1] and not terminated.any() and not truncated.any()
        assert all(code in envs.single_observation_space["code"] for code in obs["code"])
    finally:
        envs.close()

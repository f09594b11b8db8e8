"""All 164 HumanEval problems through CodeAssist-v0 with the reference human and the real bwrap sandbox:
the Oracle reaches Pass@1 = 1.0 with fewer human-written tokens than the Null agent, and the human alone
(Null) also reaches 1.0 once max_rounds is large enough."""

from __future__ import annotations

import pytest

from codeassist_env.agents import make_agent, play_episode
from codeassist_env.env import CodeAssistEnv
from codeassist_env.metrics import mean_stderr
from codeassist_env.problems import load_problems


def sweep(agent_name: str, max_rounds: int) -> list[dict]:
    problems = load_problems("humaneval")
    env = CodeAssistEnv(problems=problems, sandbox="bwrap", max_rounds=max_rounds)
    agent = make_agent(agent_name, problems=problems)
    try:
        results = [play_episode(env, agent, problem_id=problem.id) for problem in problems]
        assert env.evaluations == len(problems)
    finally:
        env.close()
    return results


def summary(name: str, results: list[dict]) -> str:
    pass_at_1, se = mean_stderr(r["pass_at_1"] for r in results)
    dpr, _ = mean_stderr(r["dpr"] for r in results)
    accept, _ = mean_stderr(r["accept_ratio"] for r in results)
    accept_text = "n/a" if accept is None else f"{accept:.3f}"
    return (
        f"{name:>10}: Pass@1 {pass_at_1:.3f}±{se:.3f}  DPR {dpr:.3f}  accept {accept_text}"
        f"  written {sum(r['tokens_written'] for r in results)}  read {sum(r['tokens_read'] for r in results)}"
        f"  rounds {sum(r['rounds'] for r in results)}  finished {sum(r['finished'] for r in results)}/{len(results)}"
    )


@pytest.mark.bwrap
@pytest.mark.slow
def test_oracle_beats_null_on_all_of_humaneval():
    oracle = sweep("oracle-10", max_rounds=50)
    null = sweep("none", max_rounds=50)  # the default R; the longest reference needs about 30 rounds alone
    print()
    for name, results in [("oracle-10", oracle), ("none", null)]:
        print(summary(name, results))
    print(f"most rounds used: oracle-10 {max(r['rounds'] for r in oracle)}, none {max(r['rounds'] for r in null)}")
    assert len(oracle) == len(null) == 164
    failed = [r["problem_id"] for r in oracle + null if not r["passed"]]
    assert not failed, failed
    assert all(r["finished"] and not r["simulator_failed"] for r in oracle + null)
    assert all(r["accept_ratio"] == 1.0 for r in oracle if r["suggestions_shown"])
    assert sum(r["tokens_written"] for r in oracle) < sum(r["tokens_written"] for r in null)
    assert mean_stderr(r["dpr"] for r in oracle)[0] > mean_stderr(r["dpr"] for r in null)[0]

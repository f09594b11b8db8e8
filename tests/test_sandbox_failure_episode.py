"""A sandbox that dies for good mid-run is an infrastructure failure: the episode says so
(``infra_error``), the bench records it with status ``infra_error`` (retried by --resume), and the report
keeps it out of every agent mean and counts it apart. Never the agent's failure."""

from __future__ import annotations

import pytest

from codeassist_env.agents import play_episode
from codeassist_env.bench.report import summarize
from codeassist_env.episode import EpisodeRecord, EpisodeResult
from codeassist_env.env import CodeAssistEnv
from codeassist_env.problems import load_problems
from codeassist_env.sandbox import open_sandbox
from codeassist_env.sandbox.docker_backend import client, default_image
from codeassist_env.sandbox.result import Verdict

DOOMED = "codeassist-sandbox:doomed-by-test"


class Saboteur:
    """In round 2, removes the sandbox's container and the only image a new one could start from."""

    def __init__(self, sandbox):
        self.sandbox = sandbox

    def reset(self, info=None) -> None:
        pass

    def act(self, observation: dict) -> str:
        if observation["round"] == 1:
            self.sandbox.worker.container.remove(force=True)
            client().images.remove(DOOMED)
        return ""


@pytest.mark.docker
def test_a_sandbox_that_dies_for_good_is_an_infrastructure_failure_not_the_agents():
    client().images.get(default_image()).tag(DOOMED)
    problem = load_problems("codeassist-core", "test")[0]
    sandbox = open_sandbox("docker", image=DOOMED)
    env = CodeAssistEnv(problems=[problem], human="reference", sandbox=sandbox, max_rounds=3)
    try:
        info = play_episode(env, Saboteur(sandbox), problem_id=problem.id, seed=0)
    finally:
        env.close()
        sandbox.close()
        if any(DOOMED in image.tags for image in client().images.list()):
            client().images.remove(DOOMED)
    assert info["infra_error"] is True and info["passed"] is False
    assert {t.status for t in info["verdict"].tests} == {"infra_error"}


def test_the_report_keeps_sandbox_failures_out_of_the_means_and_counts_them():
    def record(problem_id, status, passed):
        return EpisodeRecord(
            "a",
            problem_id,
            0,
            status,
            result=EpisodeResult(
                problem_id,
                verdict=Verdict(problem_id, "none"),
                passed=passed,
                pass_fraction=float(passed),
                pass_at_1=float(passed),
                dpr=float(passed),
                accepted=0,
                rejected=0,
                suggestions_shown=0,
                suggestion_chars=0,
                accept_ratio=None,
                tokens_read=0,
                tokens_written=5,
                rounds=3,
                finished=True,
                simulator_failed=False,
                code="",
                tokenizer="code",
                transcript=[],
                infra_error=status == "infra_error",
            ),
        )

    (row,) = summarize([record("p1", "ok", True), record("p2", "infra_error", False)], ["a"])
    assert row.episodes == 1 and row.pass_at_1[0] == 1.0
    assert row.infra_errors == 1 and row.errors == 0

"""The episode record (codeassist_env.episode) is the one account of an episode: the env's docstring lists
its keys, the env's last step produces it, the bench writes it and the report reads it back, also from
lines written before the record had all of today's fields."""
from __future__ import annotations

import dataclasses
import json
import re
import typing

import pytest

from codeassist_env.bench.report import merge_runs, write_report
from codeassist_env.env import CodeAssistEnv
from codeassist_env.episode import EpisodeRecord, EnvRound, EpisodeResult, ResetInfo, Round, StepInfo
from test_bench_report import episode, make_run

DOC_PARTS = {"reset": r"``reset``:(.*?)Every step:", "step": r"Every step:(.*?)The last step adds",
             "last": r"The last step adds(.*?)Each ``transcript`` round:",
             "round": r"Each ``transcript`` round:(.*?)A non-empty"}


def doc_keys(part: str) -> set[str]:
    section = CodeAssistEnv.__doc__.split("## Information", 1)[1].split("## Arguments", 1)[0]
    text = re.search(DOC_PARTS[part], section, re.DOTALL).group(1)
    return set(re.findall(r"``(\w+)``", text)) - {"EpisodeResult"}


def test_the_env_docstring_lists_exactly_the_record_keys():
    assert doc_keys("reset") == set(typing.get_type_hints(ResetInfo))
    assert doc_keys("step") == set(typing.get_type_hints(StepInfo))
    step = set(typing.get_type_hints(StepInfo))
    assert doc_keys("last") == {f.name for f in dataclasses.fields(EpisodeResult)} - step
    assert doc_keys("round") == Round.__required_keys__ == set(typing.get_type_hints(EnvRound))


@pytest.mark.bwrap
def test_the_last_step_info_is_the_result_and_survives_a_round_trip(tmp_path):
    from codeassist_env.agents import make_agent, play_episode
    from codeassist_env.problems import load_problems

    problems = load_problems("codeassist-core", "test")[:1]
    env = CodeAssistEnv(problems=problems, sandbox="bwrap", max_rounds=4)
    try:
        info = play_episode(env, make_agent("oracle-5", problems=problems), seed=0)
    finally:
        env.close()
    result = EpisodeResult.from_info(info)
    assert set(info) == set(result.to_info()) | set(typing.get_type_hints(StepInfo))
    assert {k: info[k] for k in result.to_info()} == result.to_info()
    record = EpisodeRecord("oracle-5", result.problem_id, 0, "ok", result=result)
    assert EpisodeRecord.from_json(json.loads(json.dumps(record.to_json()))) == record


def test_lines_written_before_sandbox_failed_existed_still_load_and_report(tmp_path):
    """A line as the bench wrote it before the record had ``sandbox_failed`` (and without human_usage)."""
    old = episode("none", "p1", passed=True, dpr=0.8).to_json()
    del old["sandbox_failed"]
    errored = {"agent": "none", "problem_id": "p2", "seed": 0, "worker": "episode_0", "status": "error",
               "error": "RuntimeError: boom", "traceback": "...", "elapsed_s": 0.1, "started_at": "2026-11-26"}
    run = make_run(tmp_path / "run", [], ["none"], ["p1", "p2"])
    (run / "episodes.jsonl").write_text(json.dumps(old) + "\n" + json.dumps(errored) + "\n", encoding="utf-8")
    merged = merge_runs([run])
    assert [(r.problem_id, r.status, r.result is None) for r in merged.records] == [("p1", "ok", False),
                                                                                   ("p2", "error", True)]
    assert merged.records[0].result.sandbox_failed is False and merged.records[1].error == "RuntimeError: boom"
    (row,) = write_report([run])["rows"]
    assert (row.episodes, row.errors, row.dpr[0]) == (1, 1, 0.8)

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
from codeassist_env.episode import EpisodeRecord, EnvRound, EpisodeResult, EpisodeStatus, ResetInfo, Round, StepInfo
from codeassist_env.sandbox.result import TestResult as Result  # a Test* name would be collected by pytest
from codeassist_env.sandbox.result import TestStatus as Status
from test_bench_report import episode, make_run

DOC_PARTS = {
    "reset": r"``reset``:(.*?)Every step:",
    "step": r"Every step:(.*?)The last step adds",
    "last": r"The last step adds(.*?)Each ``transcript`` round:",
    "round": r"Each ``transcript`` round:(.*?)A non-empty",
}


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


def test_lines_written_before_today_s_fields_and_names_still_load_and_report(tmp_path):
    """Lines as the bench wrote them before: without the infrastructure flag (and without human_usage), and
    with the flag and the status under their old names (``sandbox_failed``, ``infra``)."""
    old = episode("none", "p1", passed=True, dpr=0.8).to_json()
    del old["infra_error"], old["format"]  # format 1: lines without the number
    errored = {
        "agent": "none",
        "problem_id": "p2",
        "seed": 0,
        "worker": "episode_0",
        "status": "error",
        "error": "RuntimeError: boom",
        "traceback": "...",
        "elapsed_s": 0.1,
        "started_at": "2026-11-26",
    }
    renamed = episode("none", "p3", passed=False).to_json()
    del renamed["infra_error"], renamed["format"]
    renamed.update(status="infra", sandbox_failed=True)
    run = make_run(tmp_path / "run", [], ["none"], ["p1", "p2", "p3"])
    (run / "episodes.jsonl").write_text(
        "".join(json.dumps(line) + "\n" for line in (old, errored, renamed)), encoding="utf-8"
    )
    merged = merge_runs([run])
    assert [(r.problem_id, r.status, r.result is None) for r in merged.records] == [
        ("p1", EpisodeStatus.OK, False),
        ("p2", EpisodeStatus.ERROR, True),
        ("p3", EpisodeStatus.INFRA_ERROR, False),
    ]
    assert merged.records[0].result.infra_error is False and merged.records[1].error == "RuntimeError: boom"
    assert merged.records[2].result.infra_error is True
    assert json.loads(json.dumps(merged.records[2].to_json()))["status"] == "infra_error"  # written as today's
    (row,) = write_report([run])["rows"]
    assert (row.episodes, row.errors, row.infra_errors, row.dpr[0]) == (1, 1, 1, 0.8)


def test_statuses_are_one_vocabulary_and_a_word_outside_it_is_refused():
    assert EpisodeRecord("a", "p", 0, "ok").status is EpisodeStatus.OK
    assert Result("passed", 0.1).status is Status.PASSED
    with pytest.raises(ValueError, match="'infra'"):
        EpisodeRecord("a", "p", 0, "infra")  # only a line read from disk may use the old word
    with pytest.raises(ValueError, match="'pass'"):
        Result("pass", 0.1)


def test_each_format_of_an_episode_line_and_of_run_json_is_read_as_today_s(tmp_path):
    """Format 1 of both files (no format number in an episode line; no engine in run.json) is migrated, and a
    format newer than this package's is refused with the file's name."""
    from codeassist_env.bench.store import RUN_FORMAT, RunStoreError, read_run
    from codeassist_env.episode import EPISODE_FORMAT, migrate_episode_line

    line = episode("none", "p1", passed=True, dpr=0.8).to_json()
    assert line["format"] == EPISODE_FORMAT == 2
    old = {k: v for k, v in line.items() if k not in ("format", "infra_error")}
    old.update(status="infra", sandbox_failed=True)
    migrated = migrate_episode_line(old)
    assert (migrated["status"], migrated["infra_error"], migrated["format"], "sandbox_failed" in migrated) == (
        "infra_error",
        True,
        EPISODE_FORMAT,
        False,
    )
    with pytest.raises(ValueError, match="format 3"):
        EpisodeRecord.from_json({**line, "format": 3})

    run = tmp_path / "run"
    run.mkdir()
    local = {"backend": "transformers:smollm2"}
    for agents, engine in (
        (
            {"sft-10": local, "none": {"class": "NullAgent"}},
            {"name": "transformers", "where": "local", "batched": False},
        ),
        ({"none": {"class": "NullAgent"}}, None),
        ({"llm": {"backend": "openai:http://127.0.0.1:8000/v1"}}, "unknown"),
    ):
        (run / "run.json").write_text(json.dumps({"format": 1, "config": {}, "config_hash": "x", "agents": agents}))
        read = read_run(run)
        assert read["format"] == RUN_FORMAT == 2
        if engine == "unknown":
            assert read["engine"]["name"] is None and "before engines were recorded" in read["engine"]["unknown"]
        else:
            assert read["engine"] == engine
    (run / "run.json").write_text(json.dumps({"format": 3, "config": {}, "config_hash": "x"}))
    with pytest.raises(RunStoreError, match=r"run\.json: format 3; this codeassist_env reads formats 1 to 2"):
        read_run(run)

"""The assistant's own failures (docs/protocol.md §2.6): a hang, a raise and an action that is not valid
Unicode each end the episode charged to the assistant (Pass@1 0, DPR 0), never the run, and never anyone
else's episode. Plug-in agents from tests/plugin_faulty.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codeassist_env.agents import play_episode
from codeassist_env.bench.store import load_episodes
from codeassist_env.env import CodeAssistEnv, InvalidAction
from codeassist_env.jsonl_log import LineWriter, LoadedLines, UnstorableRecord
from codeassist_env.problems import Problem
from codeassist_env.problems import TestCase as HiddenTest
from codeassist_env.sandbox.result import Verdict

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from plugin_faulty import FaultyAgent  # noqa: E402

NEG = Problem(
    id="neg",
    statement="Return -x.",
    test_kind="assert",
    hidden_tests=[HiddenTest("def check(f):\n    assert f(3) == -3\n")],
    starter_code="",
    reference_solution="def neg(x):\n    return -x\n",
    entry_point="neg",
)


@pytest.mark.parametrize("fault, kind", [("hang", "timeout"), ("crash", "raised"), ("surrogate", "invalid_action")])
def test_a_failing_assistant_fails_its_episode_not_the_caller(fault, kind):
    env = CodeAssistEnv(problems=[NEG], human="reference", max_rounds=6)
    started = time.monotonic()
    info = play_episode(env, FaultyAgent(fault), problem_id="neg", seed=0, agent_timeout=0.5)
    assert time.monotonic() - started < 10
    assert info["agent_failure"].startswith(f"{kind}: ")
    assert (info["passed"], info["pass_at_1"], info["dpr"], info["rounds"]) == (False, 0.0, 0.0, 1)
    assert env.evaluations == 0  # the hidden tests are not run for a failed assistant
    assert "\ud800" not in json.dumps(info, ensure_ascii=False, default=Verdict.to_dict)
    json.dumps(info, ensure_ascii=False, default=Verdict.to_dict).encode("utf-8")  # storable
    env.reset(seed=0)  # the environment goes on
    assert env.step("")[0]["round"] == 1


def test_step_refuses_a_lone_surrogate_with_the_invalid_action_error_and_changes_nothing():
    env = CodeAssistEnv(problems=[NEG], human="reference")
    obs, _ = env.reset(seed=0)
    with pytest.raises(InvalidAction, match=r"not valid Unicode text: surrogates not allowed U\+D800 at index 2"):
        env.step("# \ud800\n")
    assert issubclass(InvalidAction, TypeError) and issubclass(InvalidAction, ValueError)
    assert env.step("")[0]["round"] == 1  # the refused action played no round
    assert env.step("\x00 nul is text\n")[0]["round"] == 2


def test_a_record_writer_writes_whole_records_or_names_the_one_it_refuses(tmp_path):
    path = tmp_path / "log.jsonl"
    with LineWriter(path, LoadedLines()) as writer:
        writer.append({"a": 1}, name="record one")
        with pytest.raises(UnstorableRecord, match="record two cannot be stored, nothing written"):
            writer.append({"b": "\udcff"}, name="record two")
        with pytest.raises(UnstorableRecord, match="record three"):
            writer.append({"c": object()}, name="record three")
        writer.append({"d": 4})
    assert path.read_text(encoding="utf-8") == '{"a":1}\n{"d":4}\n'


def _bench(out: Path, agents: list[str]) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "codeassist_env.cli",
        "--plugin",
        str(REPO / "tests" / "plugin_faulty.py"),
        "bench",
        "--agents",
        *agents,
        "--human",
        "reference",
        "--sandbox",
        "bwrap",
        "--problems",
        "codeassist-core",
        "--split",
        "test",
        "--limit",
        "2",
        "--max-rounds",
        "4",
        "--agent-timeout",
        "1",
        "--concurrency",
        "2",
        "--no-progress",
        "--out",
        str(out),
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)}
    )


def _comparable(record: dict) -> dict:
    timed = ("worker", "started_at", "elapsed_s", "verdict")
    return {
        **{k: v for k, v in record.items() if k not in timed and k != "transcript"},
        "transcript": [{k: v for k, v in r.items() if not k.endswith("_s")} for r in record["transcript"]],
        "verdict": [t["status"] for t in record["verdict"]["tests"]],
    }


@pytest.mark.bwrap
def test_a_bench_with_a_hanging_a_crashing_and_a_surrogate_assistant_finishes_and_charges_them(tmp_path):
    """The issue's benchmark: the three faulty assistants beside none and oracle-10; the run ends, they
    score 0 with a warning, and every other episode is the one a run without them records."""
    faulty = _bench(tmp_path / "faulty", ["none", "oracle-10", "hang", "crash", "surrogate"])
    assert faulty.returncode == 0, faulty.stderr
    clean = _bench(tmp_path / "clean", ["none", "oracle-10"])
    assert clean.returncode == 0, clean.stderr
    records = load_episodes(tmp_path / "faulty" / "episodes.jsonl").records
    charged = [r for r in records if r["agent"] in ("hang", "crash", "surrogate")]
    assert len(charged) == 6
    assert all(r["status"] == "agent_error" and r["pass_at_1"] == 0 and r["dpr"] == 0 for r in charged)
    assert {r["agent_failure"].split(":")[0] for r in charged} == {"timeout", "raised", "invalid_action"}
    others = {(r["agent"], r["problem_id"]): _comparable(r) for r in records if r not in charged}
    expected = {
        (r["agent"], r["problem_id"]): _comparable(r)
        for r in load_episodes(tmp_path / "clean" / "episodes.jsonl").records
    }
    assert others == expected
    report = (tmp_path / "faulty" / "report.md").read_text(encoding="utf-8")
    assert "assistant failed (scored 0)" in report
    for agent in ("hang", "crash", "surrogate"):
        assert f"| {agent} | 2 | 0.000 ± 0.000 |" in report
        assert f"`{agent}` failed 2 of its 2 episodes itself" in report


def test_the_response_cache_stores_a_whole_response_or_names_the_one_it_refuses(tmp_path):
    from codeassist_env.humans.cache import ResponseCache

    cache = ResponseCache(tmp_path / "cache.sqlite", mode="record")
    try:
        with pytest.raises(UnstorableRecord, match="the response to request k1 cannot be stored, nothing written"):
            cache.put("k1", "m", {"messages": []}, {"text": "accept \ud800"})
        assert len(cache) == 0 and cache.get("k1") is None
        assert cache.put("k2", "m", {"messages": []}, {"text": "accept"}) == {"text": "accept"}
    finally:
        cache.close()

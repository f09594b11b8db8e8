"""``codeassist bench`` / ``codeassist report`` end to end on the real bwrap sandbox with the deterministic
reference human: kill -9 and --resume, shards merged, config changes refused, the report's files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codeassist_env.bench.report import merge_runs, write_report
from codeassist_env.bench.store import load_episodes, triple_of
from codeassist_env.cli import main
from codeassist_env.problems import load_problems

pytestmark = pytest.mark.bwrap

FAST = [
    "--agents",
    "none",
    "oracle-5",
    "--human",
    "reference",
    "--sandbox",
    "bwrap",
    "--problems",
    "codeassist-core",
    "--split",
    "test",
    "--no-progress",
]


def expected_triples(limit: int, agents=("none", "oracle-5"), seeds: int = 1) -> set:
    ids = [p.id for p in load_problems("codeassist-core", "test")[:limit]]
    return {(a, i, s) for a in agents for i in ids for s in range(seeds)}


def without_timings(transcript):
    return [{k: v for k, v in r.items() if not k.endswith("_s")} for r in transcript]


def bench(*args: str) -> int:
    return main(["bench", *FAST, *args])


def test_kill_9_then_resume_runs_every_triple_exactly_once(tmp_path, capfd):
    out = tmp_path / "run"
    command = [
        sys.executable,
        "-m",
        "codeassist_env.cli",
        "bench",
        *FAST,
        "--limit",
        "10",
        "--max-rounds",
        "40",
        "--concurrency",
        "2",
        "--no-report",
        "--out",
        str(out),
    ]
    # Own session: the kill takes the bench and its sandbox workers at once, as a crash would.
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    episodes = out / "episodes.jsonl"
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if episodes.is_file() and episodes.read_bytes().count(b"\n") >= 4:
                break
            time.sleep(0.05)
        assert process.poll() is None, f"bench ended before it could be killed: {process.stderr.read()!r}"
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        process.stderr.close()
    before = load_episodes(episodes)
    assert 4 <= len(before.records) < 20, "the kill came too late to test anything"
    # A kill during the write of a line leaves its first part behind: add one, as such a kill would.
    unfinished = json.dumps(
        {
            "agent": "oracle-5",
            "problem_id": "cc099",
            "seed": 0,
            "status": "ok",
            "transcript": [{"suggestion": "x" * 200}],
        }
    )
    with episodes.open("ab") as f:
        f.write(unfinished[:90].encode())

    capfd.readouterr()
    assert bench("--limit", "10", "--max-rounds", "40", "--concurrency", "2", "--out", str(out), "--resume") == 0
    err = capfd.readouterr().err
    assert "truncated last line" in err and "episodes.jsonl" in err
    assert f"{len(before.records)} already done" in err

    after = load_episodes(episodes)
    assert not after.truncated_tail
    triples = [triple_of(r) for r in after.records]
    assert len(triples) == len(set(triples)), "a triple was written twice"
    assert set(triples) == expected_triples(10), "a triple was lost"
    assert all(r["status"] == "ok" for r in after.records)
    # The records written before the kill are untouched, in their places.
    assert after.records[: len(before.records)] == before.records
    assert (out / "report.md").is_file() and (out / "metrics.png").is_file()


def test_two_shards_merged_equal_the_unsharded_run(tmp_path):
    common = ["--limit", "5", "--max-rounds", "40", "--seeds", "2", "--no-report"]
    assert bench(*common, "--out", str(tmp_path / "all"), "--concurrency", "3") == 0
    assert bench(*common, "--out", str(tmp_path / "s1"), "--shard", "1/2") == 0
    assert bench(*common, "--out", str(tmp_path / "s2"), "--shard", "2/2") == 0

    whole = {triple_of(r): r for r in load_episodes(tmp_path / "all" / "episodes.jsonl").records}
    shard1 = {triple_of(r) for r in load_episodes(tmp_path / "s1" / "episodes.jsonl").records}
    shard2 = {triple_of(r) for r in load_episodes(tmp_path / "s2" / "episodes.jsonl").records}
    assert shard1 and shard2 and not shard1 & shard2
    assert set(whole) == expected_triples(5, seeds=2)

    merged = merge_runs([tmp_path / "s1", tmp_path / "s2"])
    assert {(r.agent, r.problem_id, r.seed) for r in merged.records} == set(whole)
    for r in merged.records:
        w = whole[r.agent, r.problem_id, r.seed]
        assert without_timings(r.result.transcript) == without_timings(w["transcript"])
        assert (r.result.code, r.result.passed, r.result.dpr) == (w["code"], w["passed"], w["dpr"])
    assert not merged.notes

    # Duplicates across directories count once; the merged report equals the unsharded one.
    merged_rows = write_report([tmp_path / "s1", tmp_path / "s2", tmp_path / "s1"], out=tmp_path / "merged")["rows"]
    whole_rows = write_report([tmp_path / "all"])["rows"]
    assert [(r.agent, r.episodes, r.pass_at_1, r.dpr, r.accept_ratio) for r in merged_rows] == [
        (r.agent, r.episodes, r.pass_at_1, r.dpr, r.accept_ratio) for r in whole_rows
    ]
    assert merged_rows[0].episodes == 10

    # One shard alone is reported as incomplete.
    assert any("incomplete: 10 of 20" in n for n in merge_runs([tmp_path / "s1"]).notes)


def test_changed_config_refuses_to_resume_and_mixed_configs_refuse_to_merge(tmp_path, capfd):
    out = tmp_path / "run"
    assert bench("--limit", "2", "--max-rounds", "5", "--out", str(out), "--no-report") == 0
    lines_before = (out / "episodes.jsonl").read_bytes()

    capfd.readouterr()
    assert bench("--limit", "2", "--max-rounds", "6", "--out", str(out), "--resume") == 2
    err = capfd.readouterr().err
    assert "config changed" in err and "max_rounds: 5 -> 6" in err
    assert (out / "episodes.jsonl").read_bytes() == lines_before

    assert bench("--limit", "2", "--max-rounds", "5", "--out", str(out)) == 2  # no --resume: refuse to mix
    assert "already holds a run; set resume to continue it" in capfd.readouterr().err

    assert bench("--limit", "2", "--max-rounds", "5", "--out", str(out), "--resume") == 0  # same config: fine
    assert "4 already done" in capfd.readouterr().err
    assert len(load_episodes(out / "episodes.jsonl").records) == 4

    other = tmp_path / "other"
    assert bench("--limit", "2", "--max-rounds", "6", "--out", str(other), "--no-report") == 0
    capfd.readouterr()
    assert main(["report", str(out), str(other)]) == 2
    assert "differs in max_rounds" in capfd.readouterr().err


def test_report_files_and_the_simulator_failure_rule(tmp_path, capfd):
    out = tmp_path / "run"
    assert bench("--limit", "3", "--max-rounds", "40", "--out", str(out), "--paper") == 0
    # Flag one finished episode as simulator-failed (what an LLM human's failure records): the headline
    # must leave it out and count it apart.
    episodes = out / "episodes.jsonl"
    records = [json.loads(line) for line in episodes.read_text(encoding="utf-8").splitlines()]
    victim = next(r for r in records if r["agent"] == "oracle-5")
    victim["simulator_failed"] = True
    episodes.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

    capfd.readouterr()
    assert main(["report", str(out), "--paper", "--out", str(tmp_path / "rep")]) == 0
    text = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| oracle-5 |"))
    assert row.startswith("| oracle-5 | 2 |") and row.rstrip().endswith("| 1 | 0 | 0 | 0 |")
    assert "left out of every headline column" in text
    assert "not ours" in text and "Qwen3-8B" in text  # the paper's numbers, labelled as the paper's
    csv_lines = (tmp_path / "rep" / "report.csv").read_text(encoding="utf-8").splitlines()
    assert csv_lines[0].startswith("agent,episodes,pass_at_1,pass_at_1_stderr")
    assert len(csv_lines) == 3
    for name in ("metrics.png", "suggestion_lengths.png"):
        assert (tmp_path / "rep" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_input_is_named(tmp_path, capfd):
    assert bench("--limit", "0", "--out", str(tmp_path / "a")) == 2
    assert capfd.readouterr().err == (
        "codeassist bench: argument --limit: must be an integer >= 1, got '0' (see codeassist bench --help)\n"
    )  # one line, the prefix once
    assert bench("--shard", "3/2", "--out", str(tmp_path / "b")) == 2
    assert "argument --shard: expected i/n with 1 <= i <= n, e.g. 1/4, got '3/2'" in capfd.readouterr().err
    assert main(["bench", "--agents", "nobody", "--limit", "1", "--out", str(tmp_path / "c"), "--no-progress"]) == 2
    assert "unknown agent 'nobody'" in capfd.readouterr().err
    assert main(["report", str(tmp_path / "missing")]) == 2
    assert "has no run.json" in capfd.readouterr().err
    assert not Path(tmp_path / "c" / "episodes.jsonl").exists()


@pytest.mark.model
@pytest.mark.slow
def test_main_job_shortened_writes_the_report_and_plots(tmp_path, capfd):
    """`codeassist bench` with no agents: the README's main job on local transformers, shortened to one problem
    and 4 rounds (tests/test_vllm.py runs it on vLLM)."""
    from codeassist_env.bench.main_job import main_job

    out = tmp_path / "main"
    assert (
        main(
            [
                "bench",
                "--engine",
                "transformers",
                "--limit",
                "1",
                "--max-rounds",
                "4",
                "--out",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )
    job = main_job()
    err = capfd.readouterr().err
    assert all(note in err for note in job.notes)  # a missing shipped adapter is said, not hidden
    assert "none" in job.agents and "base-10" in job.agents and any(a.startswith("empower") for a in job.agents)

    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["config"]["agents"] == list(job.agents) and run["config"]["split"] == "test"
    assert run["config"]["sandbox"] == "bwrap" and run["config"]["human"] == "expert"
    assert run["agents"]["base-10"]["backend"].startswith("transformers:smollm2")
    # what the report's setup line needs: the GGUF file's quantisation, the compute dtype, the length rule
    base = run["agents"]["base-10"]
    assert base["weights"]["dtype"] == "float32" and base["weights"]["file_type"]
    assert base["length_rule"] == {"rule": "TokenCap", "n": 10}
    assert run["engine"] == base["engine"] and run["engine"]["name"] == "transformers"
    assert run["engine"]["where"] == "local" and run["engine"]["dtype"] == "float32" and run["engine"]["version"]
    assert run["machine"]["cpu_count"] == os.cpu_count() and run["packages"]["torch"]

    records = load_episodes(out / "episodes.jsonl").records
    assert sorted(r["agent"] for r in records) == sorted(job.agents)
    assert all(r["status"] == "ok" and (r["rounds"] == 4 or r["finished"]) for r in records)
    lm = next(r for r in records if r["agent"] == "base-10")
    assert all(t["agent_info"]["mode"] == "prefill" and t["act_s"] > 0 for t in lm["transcript"])

    report = (out / "report.md").read_text(encoding="utf-8")
    assert all(f"| {a} |" in report for a in job.agents)
    assert (
        "`base-10`: model `SmolLM2-135M-Instruct." in report and "prompt mode prefill; at most N = 10 tokens" in report
    )
    assert f"- engine of the agents: transformers {run['engine']['version']}, local (cpu, float32, batched)\n" in report
    assert (out / "metrics.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "suggestion_lengths.png").read_bytes()[:4] == b"\x89PNG"


def llm_bench(server_url: str | None, out: Path, *extra: str) -> int:
    url = ["--human-base-url", server_url] if server_url else []
    return main(
        [
            "bench",
            "--agents",
            "oracle-5",
            "--human",
            "llm",
            *url,
            "--human-model",
            "fault-model",
            "--problems",
            "codeassist-core",
            "--split",
            "test",
            "--limit",
            "2",
            "--concurrency",
            "1",
            "--sandbox",
            "bwrap",
            "--out",
            str(out),
            "--no-progress",
            *extra,
        ]
    )


def test_llm_human_failure_is_flagged_and_left_out_of_the_headline(tmp_path):
    from fault_server import FaultServer, Reply, Status

    # The first request of the first episode (cc011: concurrency 1, problem order) gets a 400.
    with FaultServer(script=[Status(400)], default=Reply("ACCEPT")) as server:
        assert llm_bench(server.base_url, tmp_path / "run", "--max-rounds", "3") == 0
    records = {r["problem_id"]: r for r in load_episodes(tmp_path / "run" / "episodes.jsonl").records}
    assert (
        records["cc011"]["simulator_failed"] and records["cc011"]["transcript"][0]["simulator_failure"] == "http_error"
    )
    assert not records["cc012"]["simulator_failed"]
    assert records["cc012"]["human_usage"]["requests"] > 0
    (row,) = write_report([tmp_path / "run"])["rows"]
    assert (row.episodes, row.simulator_failed, row.errors) == (1, 1, 0)
    assert row.prompt_tokens == records["cc012"]["human_usage"]["prompt_tokens"]


def test_llm_human_recorded_run_replays_without_the_server(tmp_path, capfd):
    from fault_server import FaultServer, Reply

    cache = str(tmp_path / "human.sqlite")
    with FaultServer(default=Reply("ACCEPT")) as server:
        assert (
            llm_bench(
                server.base_url, tmp_path / "rec", "--max-rounds", "3", "--cache", "record", "--cache-path", cache
            )
            == 0
        )
        asked = len(server.requests)
    # The server is gone: replay answers from the cache alone, with the same episodes.
    dead = "http://127.0.0.1:9/v1"
    assert llm_bench(dead, tmp_path / "rep", "--max-rounds", "3", "--cache", "replay", "--cache-path", cache) == 0
    recorded = load_episodes(tmp_path / "rec" / "episodes.jsonl").records
    replayed = load_episodes(tmp_path / "rep" / "episodes.jsonl").records
    assert [without_timings(r["transcript"]) for r in recorded] == [without_timings(r["transcript"]) for r in replayed]
    assert all(r["human_usage"]["cache_hits"] > 0 and r["human_usage"]["requests"] == 0 for r in replayed)
    assert asked > 0

    # A request the cache never saw (a longer episode) stops the run instead of reaching the network.
    capfd.readouterr()
    assert llm_bench(dead, tmp_path / "miss", "--max-rounds", "4", "--cache", "replay", "--cache-path", cache) == 1
    assert (
        "run stopped" in capfd.readouterr().err
        and "not in replay cache" in load_episodes(tmp_path / "miss" / "episodes.jsonl").records[-1]["error"]
    )


def test_episodes_run_block_by_block_and_agent_by_agent():
    """A block of problems is finished by every agent before the next starts (a stopped run stays
    comparable), and in a block one agent's episodes run together (a local model batches them)."""
    from codeassist_env.bench.runner import PROBLEMS_PER_BLOCK, run_order

    problems = [f"p{i:02d}" for i in range(PROBLEMS_PER_BLOCK + 3)]
    agents = ("none", "base-10")
    triples = [(agent, problem, seed) for problem in problems for agent in agents for seed in (0, 1)][::-1]
    order = run_order(triples, agents)
    assert sorted(order) == sorted(triples)
    block = order[: 2 * 2 * PROBLEMS_PER_BLOCK]
    assert {t[1] for t in block} == set(problems[:PROBLEMS_PER_BLOCK])
    assert [t[0] for t in block] == ["none"] * 2 * PROBLEMS_PER_BLOCK + ["base-10"] * 2 * PROBLEMS_PER_BLOCK

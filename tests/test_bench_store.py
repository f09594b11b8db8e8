"""episodes.jsonl: atomic appends from many threads, truncated last lines, corruption, run.json merging rules."""

from __future__ import annotations

import json
import threading

import pytest

from codeassist_env.bench.store import (
    EpisodeWriter,
    RunStoreError,
    config_hash,
    latest_by_triple,
    load_episodes,
    triple_of,
)


def record(agent="none", problem="p1", seed=0, status="ok", **extra):
    return {"agent": agent, "problem_id": problem, "seed": seed, "status": status, **extra}


def test_hand_truncated_last_line_is_reported_ignored_and_cut_before_the_next_append(tmp_path):
    path = tmp_path / "episodes.jsonl"
    whole = "".join(json.dumps(record(problem=f"p{i}")) + "\n" for i in range(3))
    cut = json.dumps(record(problem="p3", transcript=["x" * 50]))[:37]  # a write cut short by kill -9
    path.write_text(whole + cut, encoding="utf-8")

    loaded = load_episodes(path)
    assert [r["problem_id"] for r in loaded.records] == ["p0", "p1", "p2"]
    assert loaded.truncated_tail and loaded.good_bytes == len(whole.encode())
    assert len(loaded.notes) == 1 and "episodes.jsonl:4: truncated last line" in loaded.notes[0]

    with EpisodeWriter(path) as writer:
        assert writer.repair_notes == loaded.notes
        writer.append(record(problem="p3"))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["problem_id"] for line in lines] == ["p0", "p1", "p2", "p3"]
    assert not load_episodes(path).truncated_tail


def test_whole_json_last_line_without_its_newline_counts_as_truncated(tmp_path):
    path = tmp_path / "episodes.jsonl"
    path.write_text(json.dumps(record(problem="a")) + "\n" + json.dumps(record(problem="b")), encoding="utf-8")
    loaded = load_episodes(path)
    assert [r["problem_id"] for r in loaded.records] == ["a"]
    assert loaded.truncated_tail and "no final newline" in loaded.notes[0]


def test_corrupt_line_before_the_last_raises_naming_file_and_line(tmp_path):
    path = tmp_path / "episodes.jsonl"
    path.write_text(json.dumps(record()) + "\n{broken\n" + json.dumps(record(problem="p2")) + "\n", encoding="utf-8")
    with pytest.raises(RunStoreError, match=r"episodes.jsonl:2: corrupt line"):
        load_episodes(path)


def test_record_missing_a_field_is_named(tmp_path):
    path = tmp_path / "episodes.jsonl"
    path.write_text(json.dumps({"agent": "none", "seed": 0, "status": "ok"}) + "\n", encoding="utf-8")
    with pytest.raises(RunStoreError, match=r"episodes.jsonl:1: .*problem_id"):
        load_episodes(path)


def test_concurrent_appends_from_two_writers_and_many_threads_never_interleave(tmp_path):
    path = tmp_path / "episodes.jsonl"
    writers = [EpisodeWriter(path), EpisodeWriter(path)]  # two descriptors, as two processes would have
    big = "y" * 70_000  # far above PIPE_BUF: atomicity must come from one write() on O_APPEND

    def work(t):
        for i in range(40):
            writers[t % 2].append(record(agent=f"a{t}", problem=f"p{i}", payload=big if i % 5 == 0 else "z"))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for w in writers:
        w.close()
    loaded = load_episodes(path)
    assert not loaded.truncated_tail
    assert sorted(triple_of(r) for r in loaded.records) == sorted(
        (f"a{t}", f"p{i}", 0) for t in range(8) for i in range(40)
    )


def test_latest_by_triple_prefers_a_finished_attempt_over_errored_ones():
    records = [
        record(status="error", error="boom"),
        record(status="ok", n=1),
        record(status="error", error="late"),
        record(problem="p2", status="error", error="only"),
    ]
    chosen = latest_by_triple(records)
    assert chosen[("none", "p1", 0)]["n"] == 1
    assert chosen[("none", "p2", 0)]["error"] == "only"


def test_config_hash_ignores_key_order_and_sees_values():
    assert config_hash({"a": 1, "b": [1, 2]}) == config_hash({"b": [1, 2], "a": 1})
    assert config_hash({"a": 1}) != config_hash({"a": 2})

"""``codeassist realism replay`` against fake OpenAI-compatible servers on 127.0.0.1 (tests/fault_server.py):
one that always accepts comes out at kappa 0 and balanced accuracy 0.5, one that answers from the person's
label comes out perfect, and the AUC of P(accept) read from log-probabilities matches a hand computation. A
recorded replay reruns offline from the response cache with the same figures. Bad input is one line and
exit status 2 with nothing written; the stratified subset keeps its strata; the decision token's
log-probabilities are read as documented; and the bundled llama.cpp server really returns them."""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from pathlib import Path

import pytest

from codeassist_env.cli import main
from codeassist_env.humans.llm_scoring import accept_probability, decision_of_token, decision_position
from codeassist_env.realism.curve import bucket_of
from codeassist_env.realism.logs import load_decisions
from codeassist_env.realism.replay import stratified_subset
from fault_server import Computed, FaultServer, Reply

# (participant, accepted, P(accept) the scoring server gives): three people, both labels each.
CASES = [
    (0, True, 0.9),
    (0, True, 0.7),
    (0, False, 0.2),
    (0, False, 0.8),
    (1, True, 0.6),
    (1, False, 0.3),
    (1, False, 0.1),
    (2, True, 0.4),
    (2, True, 0.95),
    (2, False, 0.5),
    (2, True, 0.55),
    (1, True, 0.35),
]


def suggestion(i: int) -> str:
    return f"value_{i:02d} = compute({i})" + " + 1" * i  # unique, of growing length


def write_log(path: Path, cases=CASES) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for i, (person, accepted, _) in enumerate(cases):
            handle.write(
                json.dumps(
                    {
                        "UserId": person,
                        "StateName": "Shown",
                        "CurrentSuggestion": suggestion(i),
                        "CurrentPrompt": "import numpy as np\n",
                    }
                )
                + "\n"
            )
            handle.write(
                json.dumps(
                    {
                        "UserId": person,
                        "StateName": "Accepted" if accepted else "Rejected",
                        "TimeSpentInState": 1.5,
                        "CurrentSuggestion": suggestion(i),
                        "CurrentPrompt": f"import numpy as np\n# step {i}\n",
                        "Task": "Data Manipulation",
                    }
                )
                + "\n"
            )
    return path


def case_in(body: dict) -> int:
    """Which case a request is about: the suggestion's number, wherever the conversation quotes it."""
    text = "\n".join(m["content"] for m in body["messages"])
    return int(re.findall(r"value_(\d\d) = compute", text)[-1])


def logprobs_of(word: str, p_accept: float) -> dict:
    top = [
        {"token": "ACCEPT", "logprob": math.log(p_accept), "bytes": None},
        {"token": "REJECT", "logprob": math.log(1 - p_accept), "bytes": None},
    ]
    chosen = next(t for t in top if t["token"] == word)
    return {"content": [{**chosen, "top_logprobs": top}]}


def labelled(body: dict):
    """The person's own decision, with P(accept) from CASES in the decision token's log-probabilities."""
    i = case_in(body)
    _, accepted, p = CASES[i]
    word = "ACCEPT" if accepted else "REJECT"
    if body["messages"][0]["content"].startswith("You answer with exactly one word"):
        return word, logprobs_of(word, p) if body.get("logprobs") else None
    return f"About value_{i:02d} = compute: I would {word.lower()} it."  # the reasoning request


def replay_args(server_url: str, log: Path, out: Path, *extra: str) -> list[str]:
    return [
        "realism",
        "replay",
        "--human",
        "llm",
        "--base-url",
        server_url,
        "--model",
        "fault-model",
        "--real",
        str(log),
        "--out",
        str(out),
        "--resamples",
        "200",
        *extra,
    ]


def figures(out: Path) -> dict:
    return json.loads((out / "replay.json").read_text())


def test_always_accept_is_chance(tmp_path):
    log = write_log(tmp_path / "events.jsonl.gz")
    with FaultServer(default=Reply("ACCEPT")) as server:
        assert main(replay_args(server.base_url, log, tmp_path / "out", "--score-samples", "2")) == 0
    result = figures(tmp_path / "out")
    assert result["kappa"][0] == 0.0 and result["balanced_accuracy"][0] == 0.5
    assert result["auc"][0] == 0.5 and result["auc_kind"] == "samples"  # every sample accepts: all tied
    report = (tmp_path / "out" / "replay.md").read_text()
    assert "| programmer's acceptance rate | 1.000 [1.000, 1.000] |" in report
    assert "12 from samples" in report
    # 12 decisions x (reasoning + decision + 2 samples): the 12 reasonings differ, the decision request
    # that quotes the reasoning "ACCEPT" and its 2 samples are asked once and then answered by the cache.
    assert len(server.requests) == 15 and "15 requests to the endpoint (33 answered from the response cache)" in report


def test_label_server_is_perfect_and_auc_matches_hand_computation(tmp_path):
    log = write_log(tmp_path / "events.jsonl.gz")
    with FaultServer(default=Computed(labelled)) as server:
        assert main(replay_args(server.base_url, log, tmp_path / "out")) == 0
    result = figures(tmp_path / "out")
    assert result["kappa"][:3] == [1.0, 1.0, 1.0] and result["balanced_accuracy"][0] == 1.0
    assert result["auc_kind"] == "logprobs" and result["model"] == "fault-model"
    positives = [p for _, accepted, p in CASES if accepted]
    negatives = [p for _, accepted, p in CASES if not accepted]
    wins = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in positives for b in negatives)
    assert result["auc"][0] == pytest.approx(wins / (len(positives) * len(negatives)))
    assert 0 < result["auc"][1] <= result["auc"][0] <= result["auc"][2] <= 1
    rows = (tmp_path / "out" / "replay.csv").read_text().splitlines()
    assert len(rows) == 1 + len(CASES) and rows[1].startswith("0,0,Data Manipulation,")
    assert (tmp_path / "out" / "replay.png").stat().st_size > 0


def test_recorded_replay_reruns_offline_with_the_same_figures(tmp_path):
    log = write_log(tmp_path / "events.jsonl.gz")
    cache = tmp_path / "cache.sqlite"
    with FaultServer(default=Computed(labelled)) as server:
        assert (
            main(replay_args(server.base_url, log, tmp_path / "first", "--cache-path", str(cache), "--limit", "8")) == 0
        )
        url, asked = server.base_url, len(server.requests)
    # The server is gone: the second run can only answer from the cache.
    assert (
        main(
            replay_args(url, log, tmp_path / "second", "--cache-path", str(cache), "--limit", "8", "--cache", "replay")
        )
        == 0
    )
    first, second = figures(tmp_path / "first"), figures(tmp_path / "second")
    for key in ("kappa", "balanced_accuracy", "auc", "cases"):
        assert first[key] == second[key]
    assert asked == 16 and "0 requests to the endpoint (16 answered" in (tmp_path / "second" / "replay.md").read_text()


def test_bad_input_is_one_line_and_exit_2(tmp_path, capfd):
    log = write_log(tmp_path / "events.jsonl.gz")
    unknown = tmp_path / "events.parquet"
    unknown.write_text("x")
    with FaultServer() as server:
        url = server.base_url
    cases = [
        (["--human", "nobody"], "nobody"),
        (["--human", "expert"], "reference"),
        (["--human", "expert-real-0.2"], "reference"),
        (["--human", "llm", "--real", str(unknown)], "unknown decision log format"),
        (["--human", "llm", "--base-url", url], "no OpenAI-compatible server answers"),
        (["--human", "llm", "--cache", "replay", "--cache-path", str(tmp_path / "none.sqlite")], "no response cache"),
    ]
    for options, message in cases:
        out = tmp_path / "out"
        argv = [
            "realism",
            "replay",
            "--no-progress",
            "--real",
            str(log),
            "--out",
            str(out),
            "--base-url",
            url,
            *options,
        ]
        assert main(argv) == 2, options
        err = capfd.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and message in err, (options, err)
        assert not out.exists()


def test_stratified_subset_keeps_buckets_and_participants(tmp_path):
    decisions = load_decisions(write_log(tmp_path / "events.jsonl.gz", CASES * 5))
    chosen = stratified_subset(decisions, 30, seed=3)
    assert len(set(chosen)) == 30 and chosen == stratified_subset(decisions, 30, seed=3)
    assert stratified_subset(decisions, 20, seed=3) == chosen[:20]  # a larger limit extends a smaller one
    strata = Counter((bucket_of(d.chars), d.participant) for d in decisions)
    for m in (12, 30, 45):
        picked = Counter(
            (bucket_of(decisions[i].chars), decisions[i].participant) for i in stratified_subset(decisions, m, seed=3)
        )
        for stratum, n in strata.items():  # each stratum gets its share, within a decision or so
            assert abs(picked[stratum] - m * n / len(decisions)) < 2, (m, stratum)
    assert stratified_subset(decisions, None) == list(range(len(decisions)))


def test_decision_token_and_probability():
    assert [decision_of_token(t) for t in (" AC", "REJECT", "fin", "a", " F", "Decl", "hello", " rejected")] == [
        "accept",
        "reject",
        "finish",
        None,
        "finish",
        "reject",
        None,
        "reject",
    ]
    tokens = ["I", " think", " it", " is", " fine", ".\n", "DEC", "ISION", ":", " AC", "CEPT"]
    assert decision_position(tokens) == 9
    assert decision_position(["**", "Reject", "**"]) == 1
    assert decision_position(["The", " code", " is", " rejected", " because"]) == 3  # small models' prose
    assert decision_position(["The", " answer", " is", ":", " F", "INISH"]) == 4
    lp = [(t, [(t, 0.0)]) for t in tokens[:9]] + [
        (" AC", [(" AC", math.log(0.6)), (" RE", math.log(0.3)), (" the", math.log(0.05)), (" FIN", math.log(0.05))]),
        ("CEPT", [("CEPT", 0.0)]),
    ]
    assert accept_probability(lp) == pytest.approx(0.6 / 0.95)
    assert accept_probability([("Maybe", [("Maybe", 0.0)])]) is None


@pytest.mark.llm
def test_llama_cpp_server_returns_decision_logprobs(local_llm_server, tmp_path):
    log = write_log(tmp_path / "events.jsonl.gz", CASES[:3])
    out = tmp_path / "out"
    assert (
        main(
            [
                "realism",
                "replay",
                "--human",
                "llm",
                "--base-url",
                local_llm_server.base_url,
                "--model",
                local_llm_server.model,
                "--real",
                str(log),
                "--out",
                str(out),
                "--resamples",
                "50",
            ]
        )
        == 0
    )
    rows = (out / "replay.csv").read_text().splitlines()[1:]
    kinds = Counter(row.split(",")[8] for row in rows)
    assert kinds["logprobs"] >= 1, rows  # llama.cpp answers logprobs on chat completions


def test_bench_report_quotes_the_programmers_validation(tmp_path, capfd):
    from codeassist_env.bench.report import write_report
    from test_bench_report import episode, make_run

    log = write_log(tmp_path / "events.jsonl.gz")
    folder = tmp_path / "programmer"
    with FaultServer(default=Computed(labelled)) as server:
        assert main(replay_args(server.base_url, log, folder)) == 0
    settings = {
        "model": "fault-model",
        "acceptor_mode": "two_requests",
        "cache_mode": "record",
        "cache_path": str(folder / "human-cache.sqlite"),
    }
    run = make_run(
        tmp_path / "run",
        [episode("none", "p1", passed=True)],
        ["none"],
        ["p1"],
        human_name="llm",
        human={"class": "LLMHuman", "settings": settings},
    )
    text = write_report([run], real=[])["markdown"].read_text()
    quoted = [line for line in text.splitlines() if line.startswith("- Programmer validated")]
    assert len(quoted) == 1 and "12 cases of events.jsonl.gz" in quoted[0]
    assert "kappa 1.00 [1.00, 1.00]" in quoted[0] and "AUC (logprobs) 0.80" in quoted[0]
    # The known-answer judge's result beside it (judge.json, as `codeassist realism judge` writes it) is quoted too.
    (folder / "judge.json").write_text(
        json.dumps(
            {
                "human": "llm",
                "cases": 600,
                "answered": 598,
                "cases_file": "known-answers.jsonl.gz",
                "command": "codeassist realism judge --human llm --model fault-model --acceptor-mode two_requests --out x",
                "kappa": {"value": 0.1, "interval": [0.0, 0.2]},
                "balanced_accuracy": {"value": 0.55, "interval": [0.5, 0.6]},
                "cooperativeness": {"value": 0.9, "interval": [0.8, 1.0]},
            }
        )
    )
    text = write_report([run], real=[])["markdown"].read_text()
    quoted = [line for line in text.splitlines() if line.startswith("- Programmer validated")]
    assert len(quoted) == 2 and "known-answer set, 598 cases" in quoted[1]
    assert "cooperativeness 0.90 [0.80, 1.00]" in quoted[1]
    # Another model's result in that folder is not this programmer's: not quoted.
    other = make_run(
        tmp_path / "other",
        [episode("none", "p1", passed=True)],
        ["none"],
        ["p1"],
        human_name="llm",
        human={"class": "LLMHuman", "settings": {**settings, "model": "another"}},
    )
    assert "Programmer validated" not in write_report([other], real=[])["markdown"].read_text()
    # Named, it is quoted with a note; a folder with no result is bad input.
    assert main(["report", str(other), "--programmer-validation", str(folder)]) == 0
    assert "Note: this run's programmer model is another." in (other / "report.md").read_text()
    capfd.readouterr()
    assert main(["report", str(other), "--programmer-validation", str(tmp_path)]) == 2
    assert "no replay.json or judge.json" in capfd.readouterr().err

"""``codeassist realism judge``: the extremes on fake OpenAI-compatible servers on 127.0.0.1 (one that always
accepts is fully cooperative; one that answers from the hidden label is perfect), the response cache's
offline rerun, the expert on the same pieces, and bad input."""

from __future__ import annotations

import csv
import gzip
import json

import pytest

from codeassist_env.cli import main
from codeassist_env.realism.known_answers import PLAUSIBLE_WRONG, RIGHT, WRONG, KnownAnswer
from tests.fault_server import FaultServer, Reply
from tests.test_known_answers import FIRST_LINE, THRESHOLD

PIECES = [
    ("if n >= 10:\n", RIGHT),
    ("if n > 9:\n", RIGHT),
    ("if n > 10:\n", PLAUSIBLE_WRONG),
    ("if 10 < n:\n", PLAUSIBLE_WRONG),
    ("if n < 10:\n", WRONG),
    ("if n <= 10:\n", WRONG),
]


@pytest.fixture
def cases_file(tmp_path):
    problems = tmp_path / "threshold.jsonl"
    record = {
        "id": THRESHOLD.id,
        "statement": THRESHOLD.statement,
        "test_kind": THRESHOLD.test_kind,
        "reference_solution": THRESHOLD.reference_solution,
        **{
            kind: [{"input": t.input, "output": t.output} for t in getattr(THRESHOLD, kind)]
            for kind in ("hidden_tests", "public_tests")
        },
    }
    problems.write_text(json.dumps(record) + "\n")
    path = tmp_path / "cases.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for number, (piece, label) in enumerate(PIECES):
            case = KnownAnswer(f"case-{number}", str(problems), THRESHOLD.id, FIRST_LINE, piece, label, "hand")
            handle.write(json.dumps(case.to_json()) + "\n")
    return path


class LabelServer(FaultServer):
    """Accepts exactly the right pieces: it finds the case whose piece the request shows."""

    def next_behaviour(self, body: dict) -> Reply:
        super().next_behaviour(body)
        prompt = body["messages"][-1]["content"]
        shown = max((piece for piece, _ in PIECES if piece.strip() in prompt), key=len)
        return Reply("ACCEPT" if dict(PIECES)[shown] == RIGHT else "REJECT")


def _judge(cases_file, out, *options):
    return main(["realism", "judge", "--cases", str(cases_file), "--out", str(out), "--no-progress", *options])


def _figures(out):
    return json.loads((out / "judge.json").read_text())


def _decisions(out):
    with open(out / "judge.csv", newline="") as handle:
        return [(row["id"], row["label"], row["decision"]) for row in csv.DictReader(handle)]


def test_a_server_that_always_accepts_is_fully_cooperative_and_replays_offline(cases_file, tmp_path):
    out = tmp_path / "always"
    with FaultServer(default=Reply("ACCEPT")) as server:
        assert _judge(cases_file, out, "--human", "llm", "--base-url", server.base_url) == 0
        # Two requests a decision (the default acceptor), none asked twice: the second request of each holds
        # only the reasoning, the same here every time, so the cache answers it after the first.
        asked = [json.dumps(body, sort_keys=True) for body in server.requests]
        assert len(set(asked)) == len(asked) == len(PIECES) + 1
    figures = _figures(out)
    assert {label: cell["rate"] for label, cell in figures["per_label"].items()} == {
        RIGHT: 1.0,
        PLAUSIBLE_WRONG: 1.0,
        WRONG: 1.0,
    }
    assert figures["cooperativeness"]["value"] == 1.0 and figures["kappa"]["value"] == 0.0
    assert "| 1.00 [0.34, 1.00] (n=2) |" in (out / "judge.md").read_text()
    # The server is gone: the rerun answers from the recorded cache, or it would stop on the endpoint.
    again = tmp_path / "again"
    assert (
        _judge(
            cases_file,
            again,
            "--human",
            "llm",
            "--base-url",
            server.base_url,
            "--cache",
            "replay",
            "--cache-path",
            str(out / "human-cache.sqlite"),
        )
        == 0
    )
    assert _decisions(again) == _decisions(out)
    assert _figures(again)["usage"]["cache_hits"] == 2 * len(PIECES) and _figures(again)["usage"]["requests"] == 0


def test_a_server_that_answers_from_the_label_is_perfect(cases_file, tmp_path):
    out = tmp_path / "label"
    with LabelServer() as server:
        assert (
            _judge(cases_file, out, "--human", "llm", "--base-url", server.base_url, "--acceptor-mode", "one_request")
            == 0
        )
        assert len(server.requests) == len(PIECES)
    figures = _figures(out)
    assert {label: cell["rate"] for label, cell in figures["per_label"].items()} == {
        RIGHT: 1.0,
        PLAUSIBLE_WRONG: 0.0,
        WRONG: 0.0,
    }
    assert figures["cooperativeness"]["value"] == 0.0
    assert figures["kappa"]["value"] == 1.0 and figures["balanced_accuracy"]["value"] == 1.0


@pytest.mark.bwrap
def test_the_expert_takes_the_plausible_wrong_pieces(cases_file, tmp_path):
    """It judges by the public tests, which a plausible-wrong piece passes: a measured number, not a guess."""
    out = tmp_path / "expert"
    assert _judge(cases_file, out, "--human", "expert", "--sandbox", "bwrap") == 0
    figures = _figures(out)
    assert {label: cell["rate"] for label, cell in figures["per_label"].items()} == {
        RIGHT: 1.0,
        PLAUSIBLE_WRONG: 1.0,
        WRONG: 0.0,
    }
    assert figures["cooperativeness"]["value"] == 0.5


def test_bad_input_is_one_line_and_status_2(cases_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CODEASSIST_HUMAN_MAX_RETRIES", "0")  # the refused connection, at once
    assert _judge(cases_file, tmp_path / "a", "--human", "nobody") == 2
    assert "nobody" in capsys.readouterr().err
    server = FaultServer()
    server.stop()  # nothing answers there now
    assert _judge(cases_file, tmp_path / "b", "--human", "llm", "--base-url", server.base_url) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no OpenAI-compatible server answers" in err
    assert not (tmp_path / "b").exists()  # refused before anything is written
    broken = tmp_path / "broken.jsonl.gz"
    with gzip.open(broken, "wt") as handle:
        handle.write('{"id": "x"}\n')
    assert _judge(broken, tmp_path / "c", "--human", "expert") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "broken.jsonl.gz:1: field 'problems'" in err


def test_a_limited_judge_takes_the_labels_in_turn():
    from codeassist_env.realism.judge import stratified

    cases = [
        KnownAnswer(f"{n:02d}", "s", "p", "", "x", label, "o")
        for n, label in enumerate([RIGHT] * 5 + [WRONG] * 3 + [PLAUSIBLE_WRONG] * 2)
    ]
    assert [c.label for c in stratified(cases, 7)] == [RIGHT, PLAUSIBLE_WRONG, WRONG] * 2 + [RIGHT]
    assert [c.id for c in stratified(cases, 3)] == ["00", "08", "05"]  # each label's first id
    assert stratified(cases, None) == cases

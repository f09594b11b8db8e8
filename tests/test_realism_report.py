"""Realism in every report (docs/protocol.md §7.5): the length buckets, Wilson intervals and realism gap on
hand-made decisions; the real-log loader on both formats and on bad input; the Copilot study's counts when
its file is here; the report's section, CSV and plot on a hand-made run and on a small real bench; and bad
real logs refused by the command line with nothing written."""

from __future__ import annotations

import csv
import gzip
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from codeassist_env.bench.realism import judged_rounds, load_real_logs
from codeassist_env.bench.report import write_report
from codeassist_env.cli import main
from codeassist_env.episode import EpisodeRecord, EpisodeResult
from codeassist_env.humans.expert import UNFINISHED_LAST_LINE
from codeassist_env.realism.curve import (
    BucketRate,
    Rate,
    acceptance_curve,
    bucket_label,
    bucket_of,
    only_whitespace,
    realism_gap,
    total,
    wilson,
)
from codeassist_env.realism.logs import REALHUMANEVAL_COLUMNS, DecisionLogError, default_logs, load_decisions
from codeassist_env.sandbox.result import Verdict
from test_bench_report import make_run

REPORT_FILES = (
    "report.md",
    "report.csv",
    "per_problem.csv",
    "paired.csv",
    "realism.csv",
    "metrics.png",
    "suggestion_lengths.png",
    "realism.png",
)


# ---- buckets, intervals, the gap --------------------------------------------------------------------
def test_bucket_boundaries():
    assert [bucket_of(n) for n in (0, 1, 10, 11, 20, 21, 40, 41, 80, 81, 160, 161, 5000)] == [
        0,
        0,
        0,
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
        5,
        5,
    ]
    assert [bucket_label(i) for i in range(6)] == ["0-10", "11-20", "21-40", "41-80", "81-160", "161+"]


def test_curve_counts_and_rates_on_hand_made_decisions():
    decisions = [
        ("x" * 10, True),
        ("x" * 11, False),
        ("x" * 11, True),
        ("x" * 20, True),
        ("x" * 21, False),
        ("x" * 160, False),
        ("x" * 161, True),
        ("x" * 161, True),
        ("x" * 161, False),
        ("ab", False),
    ]
    curve = acceptance_curve(decisions)
    assert [(c.accepted, c.shown) for c in curve] == [(1, 2), (2, 3), (0, 1), (0, 0), (0, 1), (2, 3)]
    assert [c.rate for c in curve] == [0.5, 2 / 3, 0.0, None, 0.0, 2 / 3]
    assert total(curve) == Rate(5, 10) and total(curve).rate == 0.5
    assert curve[3].cell() == "n=0" and curve[1].label == "11-20"


def test_wilson_interval_values():
    # 0 of n: the upper bound is z^2 / (n + z^2); n of n: its mirror; both ends exact, never past [0, 1].
    assert wilson(0, 10) == (0.0, pytest.approx(1.959964**2 / (10 + 1.959964**2)))
    assert wilson(0, 10)[1] == pytest.approx(0.27753, abs=1e-5)
    assert wilson(10, 10) == (pytest.approx(0.72247, abs=1e-5), 1.0)
    # 1 of 2: the textbook Wilson interval [0.0945, 0.9055].
    low, high = wilson(1, 2)
    assert (round(low, 4), round(high, 4)) == (0.0945, 0.9055)
    assert BucketRate(0, 40, 198).cell() == "0.20 [0.15, 0.26] (n=198)"
    assert Rate(3, 4).cell() == "0.75 [0.30, 0.95] (n=4)"


def test_realism_gap_by_hand_and_buckets_without_real_data_left_out():
    simulated = acceptance_curve(
        [("a" * 5, True)] * 3
        + [("a" * 5, False)]  # 0-10: 3/4
        + [("b" * 15, True), ("b" * 15, False)]  # 11-20: 1/2
        + [("c" * 200, True)] * 2
    )  # 161+: 2/2, no real decision there
    real = acceptance_curve(
        [("a" * 5, True)]
        + [("a" * 5, False)] * 4
        + [("b" * 15, True)]  # 1/5 and 1/1
        + [("d" * 50, False)] * 3
    )  # 41-80: the agent has none there
    # (4 * |0.75 - 0.2| + 2 * |0.5 - 1.0|) / (4 + 2); the 161+ bucket weighs nothing.
    assert realism_gap(simulated, real) == pytest.approx((4 * 0.55 + 2 * 0.5) / 6)
    assert realism_gap(simulated, simulated) == 0.0
    assert realism_gap(acceptance_curve([("c" * 200, True)]), real) is None  # no bucket in common


def test_only_whitespace():
    assert only_whitespace("\n    ") and only_whitespace(" ")
    assert not only_whitespace("") and not only_whitespace("  x\n")


# ---- the loader ---------------------------------------------------------------------------------------
def write_realhumaneval(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=REALHUMANEVAL_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    "suffix_code": "",
                    "logprobs": "[-0.1]",
                    "timestamp": "2023-10-01 10:00:00",
                    "task_name": "even_odd_count",
                    "requested": "False",
                    **row,
                }
            )
    return path


def test_realhumaneval_csv_with_multi_line_code(tmp_path):
    prefix = 'def f(x):\n    """Say "hi", twice."""\n'
    path = write_realhumaneval(
        tmp_path / "autocomplete_data.csv",
        [
            {
                "prefix_code": prefix,
                "suggestion": "    return x,\n    x",
                "accepted": "True",
                "programmer_id": "p1",
                "model": "gpt35",
            },
            {
                "prefix_code": "",
                "suggestion": "pass",
                "accepted": "False",
                "programmer_id": "p2",
                "model": "codellama34",
            },
        ],
    )
    first, second = load_decisions(path)
    assert (first.prefix, first.suggestion, first.accepted, first.participant, first.model) == (
        prefix,
        "    return x,\n    x",
        True,
        "p1",
        "gpt35",
    )
    assert (second.accepted, second.participant, second.seconds, second.source) == (
        False,
        "p2",
        None,
        "autocomplete_data.csv",
    )
    assert first.chars == len("    return x,\n    x")


def write_copilot(path: Path, events: list) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for event in events:
            f.write((event if isinstance(event, str) else json.dumps(event)) + "\n")
    return path


def copilot_event(state: str, suggestion: str = "x = 1", user: str = "u1", seconds: float = 2.5) -> dict:
    return {
        "UserId": user,
        "StateName": state,
        "CurrentSuggestion": suggestion,
        "CurrentPrompt": "import os\n",
        "TimeSpentInState": seconds,
    }


def test_copilot_jsonl_keeps_accepted_and_rejected_events_only(tmp_path):
    path = write_copilot(
        tmp_path / "copilot_events.jsonl.gz",
        [
            copilot_event("Shown"),
            copilot_event("Accepted", "for i in range(3):\n", seconds=1.5),
            copilot_event("Replay"),
            copilot_event("Rejected", "y", user="u2"),
            "",
        ],
    )
    accepted, rejected = load_decisions(path)
    assert (accepted.suggestion, accepted.accepted, accepted.seconds, accepted.prefix, accepted.participant) == (
        "for i in range(3):\n",
        True,
        1.5,
        "import os\n",
        "u1",
    )
    assert (rejected.accepted, rejected.participant, rejected.model, rejected.source) == (
        False,
        "u2",
        "copilot",
        "copilot_events.jsonl.gz",
    )


@pytest.mark.parametrize(
    "name, content, message",
    [
        (
            "copilot_events.jsonl.gz",
            [copilot_event("Accepted"), "{not json"],
            "copilot_events.jsonl.gz:2: not valid JSON",
        ),
        ("copilot_events.jsonl.gz", [copilot_event("Rejected"), {"UserId": "u"}], ":2: no StateName field"),
        (
            "copilot_events.jsonl.gz",
            [{**copilot_event("Accepted"), "TimeSpentInState": "slow"}],
            ":1: TimeSpentInState must be a number",
        ),
        (
            "autocomplete_data.csv",
            [{"accepted": "True"}, {"accepted": "maybe"}],
            "autocomplete_data.csv, row 2 (line 3): accepted must be True or False, got 'maybe'",
        ),
    ],
)
def test_a_malformed_row_names_the_file_and_the_row(tmp_path, name, content, message):
    if name.endswith(".csv"):
        path = write_realhumaneval(
            tmp_path / name,
            [{"prefix_code": "", "suggestion": "s", "programmer_id": "p", "model": "m", **row} for row in content],
        )
    else:
        path = write_copilot(tmp_path / name, content)
    with pytest.raises(DecisionLogError) as error:
        load_decisions(path)
    assert str(path) in str(error.value) and message in str(error.value) and "\n" not in str(error.value)


def test_missing_unknown_and_unreadable_logs(tmp_path):
    with pytest.raises(DecisionLogError, match=r"missing\.jsonl: no such decision log"):
        load_decisions(tmp_path / "missing.jsonl")
    (tmp_path / "log.txt").write_text("accepted\n", encoding="utf-8")
    with pytest.raises(DecisionLogError, match=r"log\.txt: unknown decision log format"):
        load_decisions(tmp_path / "log.txt")
    (tmp_path / "plain.jsonl.gz").write_text(json.dumps(copilot_event("Accepted")), encoding="utf-8")
    with pytest.raises(DecisionLogError, match=r"plain\.jsonl\.gz: cannot be read \(BadGzipFile"):
        load_decisions(tmp_path / "plain.jsonl.gz")
    (tmp_path / "other.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DecisionLogError, match=r"other\.csv: not RealHumanEval's autocomplete_data\.csv \(no column"):
        load_decisions(tmp_path / "other.csv")
    (tmp_path / "short.csv").write_text(",".join(REALHUMANEVAL_COLUMNS) + "\n,,s,,True\n", encoding="utf-8")
    with pytest.raises(DecisionLogError, match=r"short\.csv, row 1 \(line 2\): 10 columns expected"):
        load_decisions(tmp_path / "short.csv")
    write_copilot(tmp_path / "shown.jsonl.gz", [copilot_event("Shown")])
    with pytest.raises(DecisionLogError, match="no accept/reject decisions"):
        load_decisions(tmp_path / "shown.jsonl.gz")


# ---- the Copilot study itself ----------------------------------------------------------------------
def test_the_copilot_study_counts_when_its_file_is_here():
    found = default_logs()
    if os.environ.get("CI") == "true":
        assert found, "CI must have the Copilot study's copilot_events.jsonl.gz ($CODEASSIST_DATA_DIR)"
    elif not found:
        pytest.skip("the Copilot study's copilot_events.jsonl.gz is not on this machine")
    decisions = load_decisions(found[0])
    assert (len(decisions), sum(d.accepted for d in decisions), len({d.participant for d in decisions})) == (
        1096,
        386,
        21,
    )
    curve = acceptance_curve((d.suggestion, d.accepted) for d in decisions)
    assert [round(c.rate, 2) for c in curve] == [0.20, 0.37, 0.39, 0.29, 0.50, 0.63]
    assert [c.shown for c in curve] == [198, 234, 355, 185, 78, 46]
    assert round(total(curve).rate, 2) == 0.35
    assert load_real_logs(None)[0].path == found[0]


# ---- the report section on a hand-made run -------------------------------------------------------------
def record(
    agent: str, problem: str, rounds: list[tuple[str, str, str]], status: str = "ok", failures: tuple[int, ...] = ()
) -> EpisodeRecord:
    """An episode whose transcript has these (suggestion, decision, reasoning) rounds."""
    transcript = [
        {
            "round": i + 1,
            "suggestion": s,
            "decision": d,
            "reasoning": why,
            "simulator_failure": "timeout" if i in failures else None,
        }
        for i, (s, d, why) in enumerate(rounds)
    ]
    shown = [s for s, _, _ in rounds if s]
    return EpisodeRecord(
        agent,
        problem,
        0,
        status,
        result=EpisodeResult(
            problem_id=problem,
            verdict=Verdict(problem, "none"),
            passed=True,
            pass_fraction=1.0,
            pass_at_1=1.0,
            dpr=0.5,
            accepted=sum(d == "accept" for _, d, _ in rounds),
            rejected=sum(d == "reject" for _, d, _ in rounds),
            suggestions_shown=len(shown),
            suggestion_chars=sum(map(len, shown)),
            accept_ratio=None,
            tokens_read=0,
            tokens_written=10,
            rounds=len(rounds),
            finished=True,
            simulator_failed=bool(failures),
            code="",
            tokenizer="code",
            transcript=transcript,
        ),
    )


UNFINISHED = "does not compile" + UNFINISHED_LAST_LINE
A_RUN = [
    record(
        "a",
        "p1",
        [
            ("x = 1\n", "accept", "exact prefix"),
            ("", "reject", "no suggestion"),
            ("y = [i for i in range(3)]\n", "reject", UNFINISHED),
            ("\n    ", "accept", "exact prefix"),
            ("z = 2\n", "finish", "the program is complete"),
        ],
    ),
    record(
        "a",
        "p2",
        [
            ("q" * 30, "reject", "wrong answer"),
            ("w" * 30, "reject", "timed out"),
            ("e" * 200, "accept", "finishes correctly"),
        ],
        failures=(1,),
    ),
    record("a", "p3", [("r" * 5, "accept", "exact prefix")], status="error"),  # not counted
    record("none", "p1", [("", "reject", "no suggestion")]),
    record("none", "p2", [("", "finish", "done")]),
]


def test_section_counts_tables_and_files_on_a_hand_made_run(tmp_path):
    run = make_run(tmp_path / "run", A_RUN, ["none", "a"], ["p1", "p2", "p3"], human_name="expert")
    log = write_copilot(
        tmp_path / "copilot_events.jsonl.gz",
        [
            copilot_event("Accepted", "x" * 6),
            copilot_event("Rejected", "x" * 6),
            copilot_event("Rejected", "x" * 8),
            copilot_event("Accepted", "y" * 25),
        ],
    )
    result = write_report([run], real=[log])
    text = result["markdown"].read_text(encoding="utf-8")
    # a: 0-10 has "x = 1\n" (6, accepted) and "\n    " (5, accepted); 21-40 has the unfinished rejection (26)
    # and q*30 (rejected); 161+ the accepted e*200. w*30 (simulator failure), FINISH and p3 are left out.
    assert "| length (characters) | `a` | copilot_events.jsonl.gz (real) |" in text
    assert "| 0-10 | 1.00 [0.34, 1.00] (n=2) | 0.33 [0.06, 0.79] (n=3) |" in text
    assert "| 21-40 | 0.00 [0.00, 0.66] (n=2) | 1.00 [0.21, 1.00] (n=1) |" in text
    assert "| 161+ | 1.00 [0.21, 1.00] (n=1) | n=0 |" in text
    assert "| all | 0.60 [0.23, 0.88] (n=5) | 0.50 [0.15, 0.85] (n=4) |" in text
    assert "| only whitespace | 1.00 [0.21, 1.00] (n=1) | none of 4 decisions |" in text
    assert "No suggestion judged (left out of the table): `none`." in text
    assert f"read from `{log}` (4 decisions of 1 participants)" in text
    # gap: (2 * |1 - 1/3| + 2 * |0 - 1|) / 4; 161+ has no real decision. One of two rejections is marked.
    gap = (2 * (2 / 3) + 2 * 1.0) / 4
    assert f"| `a` | {gap:.3f} | 1 of 2 |" in text
    assert text.index("## Per problem") < text.index("## Realism") < text.index("## Paired differences")
    assert result["realism"][0] == "## Realism: acceptance by suggestion length"
    rows = {(r["source"], r["bucket"]): r for r in csv.DictReader((run / "realism.csv").open(encoding="utf-8"))}
    middle = rows["a", "21-40"]
    assert (middle["accepted"], middle["shown"], middle["rate"], middle["low"]) == ("0", "2", "0.0000", "0.0000")
    assert rows["copilot_events.jsonl.gz", "0-10"]["kind"] == "real"
    assert (rows["a", "whitespace only"]["shown"], rows["a", "all"]["shown"]) == ("1", "5")
    assert (run / "realism.png").read_bytes()[:4] == b"\x89PNG"
    assert run / "realism.png" in result["plots"]


def test_without_real_logs_the_section_still_shows_the_simulated_curve(tmp_path):
    run = make_run(tmp_path / "run", A_RUN, ["none", "a"], ["p1", "p2", "p3"], human_name="expert")
    text = write_report([run], real=[])["text"]
    assert "| length (characters) | `a` |" in text and "- real: none (no log named)" in text
    assert "| `a` | 1 of 2 |" in text and "realism gap to" not in text
    # Nothing judged and nothing real: no section files, and stale ones go.
    quiet = make_run(tmp_path / "quiet", [A_RUN[3]], ["none"], ["p1"])
    (quiet / "realism.png").write_bytes(b"old")
    (quiet / "realism.csv").write_text("old", encoding="utf-8")
    result = write_report([quiet], real=[])
    assert "nothing to compare" in result["text"]
    assert not (quiet / "realism.png").exists() and not (quiet / "realism.csv").exists()


def test_judged_rounds_follow_the_rules():
    assert [r["suggestion"] for r in judged_rounds(A_RUN[0])] == ["x = 1\n", "y = [i for i in range(3)]\n", "\n    "]
    assert [r["suggestion"] for r in judged_rounds(A_RUN[1])] == ["q" * 30, "e" * 200]
    assert judged_rounds(A_RUN[2]) == []


# ---- bad real logs on the command line ---------------------------------------------------------------
def test_bad_real_logs_exit_2_with_one_line_and_nothing_written(tmp_path, capfd):
    run = make_run(tmp_path / "run", A_RUN, ["none", "a"], ["p1", "p2", "p3"], human_name="expert")
    bad = write_realhumaneval(
        tmp_path / "bad.csv",
        [
            {"prefix_code": "", "suggestion": "s", "accepted": "yes", "programmer_id": "p", "model": "m"},
            {"prefix_code": "", "suggestion": "s", "accepted": "nope", "programmer_id": "p", "model": "m"},
        ],
    )
    for real, message in (
        (tmp_path / "missing.jsonl", "missing.jsonl: no such decision log"),
        (bad, "bad.csv, row 2 (line 3): accepted must be True or False"),
    ):
        assert main(["report", str(run), "--real", str(real)]) == 2
        err = capfd.readouterr().err
        assert err.startswith("codeassist report: ") and str(real) in err and message in err, err
        assert err.count("\n") == 1
        assert not any((run / name).exists() for name in REPORT_FILES)
    # A report already there stays as it was.
    good = write_copilot(tmp_path / "good.jsonl.gz", [copilot_event("Accepted")])
    assert main(["report", str(run), "--real", str(good)]) == 0
    assert "good.jsonl.gz (real)" in capfd.readouterr().out
    before = {name: (run / name).read_bytes() for name in REPORT_FILES if (run / name).exists()}
    assert "realism.csv" in before and "realism.png" in before
    assert main(["report", str(run), "--real", str(bad)]) == 2
    assert {name: (run / name).read_bytes() for name in REPORT_FILES if (run / name).exists()} == before
    # bench reads its real logs before running anything
    assert main(["bench", "--agents", "none", "--real", str(bad), "--out", str(tmp_path / "b"), "--no-progress"]) == 2
    assert "bad.csv, row 2" in capfd.readouterr().err and not (tmp_path / "b").exists()


# ---- a small real bench ----------------------------------------------------------------------------
@pytest.mark.bwrap
def test_bench_writes_and_prints_the_realism_section(tmp_path, capfd):
    out = tmp_path / "run"
    assert (
        main(
            [
                "bench",
                "--agents",
                "none",
                "oracle-10",
                "--problems",
                "codeassist-core",
                "--split",
                "test",
                "--limit",
                "2",
                "--max-rounds",
                "5",
                "--human",
                "expert",
                "--sandbox",
                "bwrap",
                "--out",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )
    printed = capfd.readouterr().out
    assert "## Realism: acceptance by suggestion length" in printed and "| `oracle-10` |" in printed
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "## Realism: acceptance by suggestion length" in text and "programmer `expert`" in text
    assert (out / "realism.png").is_file() and (out / "realism.csv").is_file()
    # The CSV's counts are the episodes file's, counted here from its raw lines.
    expected: Counter = Counter()
    for line in (out / "episodes.jsonl").read_text(encoding="utf-8").splitlines():
        episode = json.loads(line)
        for r in episode["transcript"] if episode["status"] == "ok" else []:
            if r["suggestion"] and r["decision"] in ("accept", "reject") and not r["simulator_failure"]:
                expected[episode["agent"], bucket_label(bucket_of(len(r["suggestion"]))), "shown"] += 1
                expected[episode["agent"], bucket_label(bucket_of(len(r["suggestion"]))), "accepted"] += (
                    r["decision"] == "accept"
                )
    assert expected, "the oracle's suggestions were judged"
    rows = [r for r in csv.DictReader((out / "realism.csv").open(encoding="utf-8")) if r["kind"] == "agent"]
    found = Counter()
    for r in rows:
        if r["bucket"] not in ("all", "whitespace only"):
            found[r["source"], r["bucket"], "shown"] += int(r["shown"])
            found[r["source"], r["bucket"], "accepted"] += int(r["accepted"])
    assert +found == +expected
    if default_logs():
        assert "copilot_events.jsonl.gz (real)" in text and "realism gap to copilot_events.jsonl.gz" in printed

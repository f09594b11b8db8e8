"""The study page in a real headless Chromium: a scripted participant works through a blinded study
(oracle-40 against none, so that every suggestion is known in advance), and a server killed in the
middle of a session is restarted without losing anything answered."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from codeassist_env.humans.reference import reference_program
from codeassist_env.problems import get_problem
from codeassist_env.local_server import free_port
from codeassist_env.study.driver import PageParticipant, chrome, read_records, start_server
from codeassist_env.tokenizer import get_tokenizer

pytestmark = [pytest.mark.browser, pytest.mark.bwrap]

AGENTS = ["oracle-40", "none"]


def serve_args(out, port: int = 0) -> list[str]:
    return [
        "study",
        "serve",
        "--agents",
        *AGENTS,
        "--problems",
        "codeassist-core",
        "--pairs",
        "1",
        "--seed",
        "3",
        "--sandbox",
        "bwrap",
        "--pause-ms",
        "150",
        "--port",
        str(port),
        "--out",
        str(out),
    ]


def expected_suggestion(problem_id: str, code: str) -> str:
    reference = reference_program(get_problem("codeassist-core", problem_id))
    assert reference.startswith(code)
    return get_tokenizer(None).truncate(reference[len(code) :], 40)


def report_json(out) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "codeassist_env.cli", "study", "report", str(out), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {row["agent"]: row for row in json.loads(done.stdout)["rows"]}


def solve_with_oracle(person: PageParticipant) -> int:
    """Type the reference's first characters, accept a suggestion, reject the next, then take the rest
    with Tab; returns how many suggestions were accepted."""
    problem_id = person.problem_id()
    reference = reference_program(get_problem("codeassist-core", problem_id))
    start = person.code()  # the starter code, a prefix of the reference
    person.type(reference[len(start) : len(start) + 3])
    first = person.wait_ghost()
    assert first == expected_suggestion(problem_id, person.code())
    person.press("\t")
    assert person.code() == reference[: len(person.code())] and person.code().endswith(first)
    second = person.wait_ghost()
    assert second == expected_suggestion(problem_id, person.code())
    person.press("\ue00c")  # Esc: rejected, and the ghost text is gone
    person._wait(lambda d: person.ghost() is None, message="the ghost text to go")
    # Typing asks again: one character and its deletion within the pause leave the program a prefix.
    person.press("x\ue003")
    accepted = 1
    while person.code() != reference:
        assert person.wait_ghost(10)
        person.press("\t")
        accepted += 1
    return accepted


def test_a_scripted_participant_completes_a_blinded_study(tmp_path):
    out = tmp_path / "s1"
    with start_server(serve_args(out)) as server, chrome() as browser:
        person = PageParticipant(browser, server.url)
        person.open()
        assert person.stage() == "consent"
        person.join("P01")
        labels = read_records(out)[0]["labels"]
        oracle_label = next(label for label, agent in labels.items() if agent == "oracle-40")
        accepted = {}
        for _ in range(2):
            label = browser.execute_script("return view.label")
            assert browser.execute_script("return document.getElementById('label').textContent") == f"Assistant {label}"
            assert "oracle" not in browser.page_source.split("<body")[1]  # blinded: no agent name on the page
            if label == oracle_label:
                accepted["oracle-40"] = solve_with_oracle(person)
                assert person.run_tests().startswith("Public tests: 3 of 3 passed")
            else:
                person.type("print(1)")
                person.idle()
                assert person.ghost() is None  # the 'none' assistant never suggests
                assert "passed" in person.run_tests()
            person.idle()
            person.submit()
        assert person.stage() == "prefer"
        person.prefer(oracle_label, "its code ran")
        assert person.stage() == "done"

    records = read_records(out)
    problems = {r["agent"]: r for r in records if r["type"] == "problem"}
    oracle, alone = problems["oracle-40"], problems["none"]
    assert oracle["passed"] and oracle["pass_at_1"] == 1.0 and oracle["status"] == "ok"
    assert (oracle["accepted"], oracle["rejected"]) == (accepted["oracle-40"], 1)
    assert oracle["suggestions_shown"] == oracle["accepted"] + 1  # the rejected one came back and was taken
    assert oracle["accept_ratio"] == oracle["accepted"] / oracle["suggestions_shown"]
    assert oracle["code"] == reference_program(get_problem("codeassist-core", oracle["problem_id"]))
    assert oracle["tokens_written"] >= 2 and oracle["tokens_read"] > 0 and oracle["elapsed_s"] > 0
    assert (alone["suggestions_shown"], alone["passed"]) == (0, False) and alone["code"].endswith("print(1)")
    decisions = [(r["decision"], r["how"]) for r in records if r["type"] == "decision"]
    assert decisions[:2] == [("accept", "tab"), ("reject", "esc")] and decisions.count(("reject", "esc")) == 1
    assert all(d == ("accept", "tab") for d in decisions[2:])
    runs = [r for r in records if r["type"] == "run"]
    assert len(runs) == 2 and {r["agent"] for r in runs} == set(AGENTS)
    (preference,) = [r for r in records if r["type"] == "preference"]
    assert (preference["choice"], preference["agent"], preference["why"]) == (oracle_label, "oracle-40", "its code ran")

    rows = report_json(out)
    assert rows["oracle-40"]["preference"] == 1.0 and rows["none"]["preference"] == 0.0
    assert rows["oracle-40"]["p_two_sided"] == 1.0  # one answer says nothing
    assert rows["oracle-40"]["acceptance"] == pytest.approx(oracle["accepted"] / oracle["suggestions_shown"])
    chars_per = oracle["suggestion_chars"] / oracle["suggestions_shown"]
    assert rows["oracle-40"]["chars_per_suggestion"] == pytest.approx(chars_per)
    assert rows["oracle-40"]["suggestions_per_problem"] == oracle["suggestions_shown"]
    assert (rows["oracle-40"]["pass_at_1"], rows["none"]["pass_at_1"]) == (1.0, 0.0)
    assert rows["none"]["acceptance"] is None and rows["none"]["problems"] == 1
    assert rows["oracle-40"]["minutes_per_problem"] == pytest.approx(oracle["elapsed_s"] / 60)


def test_a_server_killed_mid_session_resumes_where_the_participant_was(tmp_path):
    out, port = tmp_path / "s2", free_port()
    with chrome() as browser:
        server = start_server(serve_args(out, port))
        try:
            person = PageParticipant(browser, server.url)
            person.open()
            person.join("P02")
            first_problem = person.problem_id()
            person.type("# my plan")
            person.run_tests()
            person.idle()
            draft = person.code()
            before = (out / "study.jsonl").read_bytes()
        finally:
            server.stop(kill=True)  # a crash: no shutdown code runs
        server = start_server(serve_args(out, port))
        try:
            person.open()  # a reload: the page finds its participant code and resumes
            assert person.stage() == "work"
            assert (person.problem_id(), person.code()) == (first_problem, draft)
            assert (out / "study.jsonl").read_bytes().startswith(before)
            person.idle()
            person.submit()
            assert browser.execute_script("return view.done") == 1
        finally:
            server.stop()
    records = read_records(out)
    assert [r["type"] for r in records].count("join") == 1
    assert [r["type"] for r in records].count("start") == 2  # the resumed problem was not started again
    (finished,) = [r for r in records if r["type"] == "problem"]
    assert finished["problem_id"] == first_problem and finished["code"] == draft and finished["public_runs"] == 1

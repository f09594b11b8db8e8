"""``codeassist study try`` with a real language model: SmolLM2's suggestion reaches the page as ghost text
and Tab puts it in the program."""

from __future__ import annotations

import pytest

from codeassist_env.study.driver import PageParticipant, chrome, read_records, start_server

# Slow: the server loads SmolLM2 before it serves (about 40 s of the test on a busy 2-core machine).
pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.bwrap, pytest.mark.slow]


def test_base10_suggests_in_the_browser_and_tab_accepts_it(tmp_path):
    out = tmp_path / "try"
    with (
        start_server(
            [
                "study",
                "try",
                "--agent",
                "base-10",
                "--out",
                str(out),
                "--port",
                "0",
                "--sandbox",
                "bwrap",
                "--pause-ms",
                "300",
            ],
            env={"OMP_NUM_THREADS": "1"},
        ) as server,
        chrome() as browser,
    ):
        person = PageParticipant(browser, server.url)
        person.open()
        assert person.stage() == "work"  # try mode: no participant code, no consent screen
        assert browser.find_element("id", "label").text == "Assistant: base-10"
        person.type("import sys")
        person.press("\n")
        ghost = person.wait_ghost(60)
        before = person.code()
        person.press("\t")
        assert person.code() == before + ghost
        person.idle()
    (suggestion,) = [r for r in read_records(out) if r["type"] == "suggestion" and r["text"]][:1]
    assert suggestion["agent"] == "base-10" and suggestion["text"] == ghost and suggestion["status"] == "ok"
    decision = next(r for r in read_records(out) if r["type"] == "decision")
    assert (decision["decision"], decision["how"], decision["code"]) == ("accept", "tab", before + ghost)

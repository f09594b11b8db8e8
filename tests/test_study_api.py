"""The study's JSON API, its log and its failure handling, through Starlette's test client (the browser
tests drive the same API from the real page)."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from codeassist_env import metrics
from codeassist_env.episode import EpisodeResult
from codeassist_env.sandbox.result import Verdict
from codeassist_env.study.app import create_app
from codeassist_env.study.core import StudyConfig
from codeassist_env.study.log import LOG_FILE, StudyLogError, read_log
from codeassist_env.study.server import build_study, serve
from codeassist_env.study.statement import statement_html
from codeassist_env.tokenizer import get_tokenizer

sys.path.insert(0, str(Path(__file__).parent))
from fault_server import FaultServer, Slow, Status  # noqa: E402

pytestmark = pytest.mark.bwrap


class Client:
    """A study and a test client on it; ``reopen`` is a server restart on the same directory."""

    def __init__(self, directory: Path, config: StudyConfig, **agent_options):
        self.directory, self.config, self.agent_options = directory, config, agent_options
        self.study, self._close = build_study(config, directory, sandbox="bwrap", agent_options=agent_options)
        self.http = TestClient(create_app(self.study))

    def reopen(self) -> "Client":
        self.close()
        return Client(self.directory, self.config, **self.agent_options)

    def close(self) -> None:
        self._close()

    def post(self, path: str, **body):
        return self.http.post(f"/api/{path}", json=body)

    def state(self, participant: str) -> dict:
        return self.http.get("/api/state", params={"participant": participant}).json()

    def records(self) -> list[dict]:
        return read_log(self.directory / LOG_FILE).records


@pytest.fixture
def client(tmp_path):
    c = Client(tmp_path / "study", StudyConfig(agents=("oracle-40", "none"), problems="codeassist-core", pairs=1))
    yield c
    c.close()


def test_bad_input_gets_a_clear_4xx_and_changes_nothing(client):
    http = client.http
    assert http.post("/api/join", content=b"{not json").status_code == 400
    assert "not JSON" in http.post("/api/join", content=b"{not json").json()["error"]
    assert http.post("/api/join", content=b"[1, 2]").json()["error"] == "request body must be a JSON object, got a list"
    assert client.post("join", participant="Jane Doe <jane@x.org>", consent=True).status_code == 422
    assert client.post("join", participant="P1", consent=False).status_code == 422
    unknown = client.post("suggest", participant="nobody", problem_id="cc001", prefix="", code="", typed="")
    assert unknown.status_code == 404 and "unknown participant 'nobody'" in unknown.json()["error"]
    assert http.get("/api/state").status_code == 404
    assert client.records() == []  # none of that was logged

    view = client.post("join", participant="P1", consent=True).json()
    pid = view["problem_id"]
    huge = "x" * (client.config.max_program_chars + 1)
    too_big = client.post("run", participant="P1", problem_id=pid, code=huge, typed="")
    assert too_big.status_code == 413 and "'code' has 100001 characters" in too_big.json()["error"]
    assert http.post("/api/run", content=b"[" + b"0," * 600_000 + b"0]").status_code == 413
    assert client.post("run", participant="P1", problem_id=pid, code=123, typed="").status_code == 422
    assert client.post("submit", participant="P1", problem_id="cc999", code="", typed="").status_code == 409
    assert (
        client.post(
            "decision",
            participant="P1",
            problem_id=pid,
            suggestion_id=0,
            decision="accept",
            how="tab",
            code="",
            typed="",
        ).status_code
        == 422
    )  # nothing was shown
    assert client.post("prefer", participant="P1", pair=0, choice="A").status_code == 409  # not due yet
    assert [r["type"] for r in client.records()] == ["join", "start"]
    assert client.state("P1")["problem_id"] == pid  # the session goes on


def test_the_statement_arrives_as_html_and_its_raw_html_escaped(client):
    view = client.post("join", participant="P1", consent=True).json()
    statement = client.study.problems[view["problem_id"]].statement
    assert "## Input" in statement and "`" in statement and "statement" not in view
    html = view["statement_html"]
    assert "<h2>Input</h2>" in html and "<code>" in html and "## " not in html and "`" not in html
    rendered = statement_html(
        "# Bursts\n\nA *burst* is `a < b` long.\n\n## Input\n<script>alert(1)</script>\n\n"
        "Print <b>one</b> line.\n\n```\n2\naab\n```\n"
    )
    assert "<h1>Bursts</h1>" in rendered and "<h2>Input</h2>" in rendered
    assert "<em>burst</em>" in rendered and "<code>a &lt; b</code>" in rendered  # escaped once, not twice
    assert "<pre><code>2\naab\n</code></pre>" in rendered
    assert "<script>" not in rendered and "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "<b>" not in rendered and "&lt;b&gt;one&lt;/b&gt;" in rendered


def play(client: Client, participant: str, typed: str = "pass") -> list[dict]:
    """Work through one pair: take every oracle suggestion; type ``typed`` where none come (and submit
    the typed text too, so that it counts as written)."""
    views = []
    view = client.post("join", participant=participant, consent=True).json()
    while view["stage"] == "solve":
        views.append(view)
        pid, code = view["problem_id"], view["code"]
        while True:
            answer = client.post(
                "suggest", participant=participant, problem_id=pid, prefix=code, code=code, typed=""
            ).json()
            if not answer["text"]:
                break
            code += answer["text"]
            client.post(
                "decision",
                participant=participant,
                problem_id=pid,
                suggestion_id=answer["suggestion_id"],
                decision="accept",
                how="tab",
                code=code,
                typed="",
            )
        if code == view["code"]:  # the 'none' assistant: the person types alone
            code += typed
        assert client.post("submit", participant=participant, problem_id=pid, code=code, typed=typed).status_code == 200
        view = client.state(participant)
    return views


def test_restart_rebuilds_every_participant_and_repairs_a_cut_short_line(client):
    play(client, "P1")
    second = client.post("join", participant="P2", consent=True).json()
    client.post("run", participant="P2", problem_id=second["problem_id"], code="print(2)", typed="print(2)")
    before = {p: client.state(p) for p in ("P1", "P2")}
    assert before["P1"]["stage"] == "prefer" and before["P2"]["code"] == "print(2)"
    with open(client.directory / LOG_FILE, "ab") as log:
        log.write(b'{"type":"preference","participant":"P1"')  # a crash in the middle of a write

    client = client.reopen()
    assert any("cut-short last line" in note for note in client.study.repair_notes)
    assert {p: client.state(p) for p in ("P1", "P2")} == before
    assert client.post("prefer", participant="P1", pair=0, choice="B", why="").json()["stage"] == "done"
    assert read_log(client.directory / LOG_FILE).truncated_tail is False
    assert client.records()[-1]["type"] == "preference"


def test_the_announced_url_takes_a_connection_at_once(client):
    """A browser opened on the announced line connects before uvicorn has started: it must wait in the
    backlog, not be refused (a refused first page load failed a restarted-server test)."""

    class Announced(Exception):
        pass

    def connect_at_once(line: str) -> None:
        url = urlsplit(line.rsplit(" ", 1)[1])
        socket.create_connection((url.hostname, url.port), timeout=5).close()
        raise Announced  # stop here, before uvicorn starts

    with pytest.raises(Announced):
        serve(client.study, port=0, announce=connect_at_once)


def test_a_study_directory_refuses_other_settings(client, tmp_path):
    client.close()
    with pytest.raises(StudyLogError, match="started with other settings.*agents"):
        build_study(
            StudyConfig(agents=("oracle-10", "none"), problems="codeassist-core", pairs=1),
            client.directory,
            sandbox="bwrap",
        )
    client.study, client._close = build_study(client.config, client.directory, sandbox="bwrap")


def test_an_assistant_that_fails_or_hangs_shows_no_suggestion_and_the_session_goes_on(tmp_path):
    from codeassist_env.agents.factories import BackendOptions

    with FaultServer(script=[Status(400), Slow(3.0, "x")], default=Status(400)) as server:
        options = BackendOptions(base_url=server.base_url, model="fault-model", prompt_mode="chat")
        client = Client(
            tmp_path / "faults",
            StudyConfig(agents=("base-10",), problems="codeassist-core", solo=True, suggest_timeout_s=1.0),
            backend_options=options,
        )
        try:
            view = client.post("join", participant="solo", consent=True).json()
            assert view["solo"] and view["label"] == "base-10"
            ask = dict(
                participant="solo",
                problem_id=view["problem_id"],
                prefix="import sys\n",
                code="import sys\n",
                typed="import sys\n",
            )
            answers = [client.post("suggest", **ask).json() for _ in range(3)]
            assert [(a["status"], a["text"]) for a in answers] == [("error", ""), ("timeout", ""), ("busy", "")]
            submitted = client.post(
                "submit", participant="solo", problem_id=view["problem_id"], code="import sys\n", typed=""
            )
            assert submitted.status_code == 200 and client.state("solo")["done"] == 1
        finally:
            client.close()
    logged = [r for r in client.records() if r["type"] == "suggestion"]
    assert "400" in logged[0]["error"] and logged[1]["error"] == "no answer within 1 s"
    (problem,) = [r for r in client.records() if r["type"] == "problem"]
    typed_each_time = get_tokenizer(None).count("import sys\n")
    assert (problem["suggestions_shown"], problem["rounds"], problem["tokens_written"]) == (0, 3, 3 * typed_each_time)


def test_a_submitted_problem_is_scored_by_the_environments_builder(client):
    """A problem line reads back as an ``EpisodeResult`` (verdict typed) whose scores are those the environment
    computes from the log's own suggestions, decisions and tokens."""
    play(client, "P1")
    records = client.records()
    problems = [r for r in records if r["type"] == "problem"]
    assert len(problems) == 2
    for line in problems:
        result = EpisodeResult.from_info({**line, "transcript": []})
        assert isinstance(result.verdict, Verdict) and result.verdict.n_total == line["verdict"]["n_total"] > 0
        shown = [r for r in records if r["type"] == "suggestion" and r["slot"] == line["slot"] and r["text"]]
        decided = [r for r in records if r["type"] == "decision" and r["slot"] == line["slot"]]
        assert result.suggestions_shown == len(shown) and result.tokens_read == sum(r["tokens"] for r in shown)
        assert result.accepted == sum(r["decision"] == "accept" for r in decided)
        assert result.accept_ratio == metrics.accept_ratio(result.accepted, len(shown))
        assert result.dpr == metrics.discounted_pass_rate(result.passed, result.tokens_read, result.tokens_written)
        assert result.pass_at_1 == float(result.verdict.passed) and not result.simulator_failed


def test_report_numbers_and_the_papers_columns(tmp_path, capsys):
    from codeassist_env.cli import main

    client = Client(tmp_path / "r", StudyConfig(agents=("oracle-40", "none"), problems="codeassist-core", pairs=1))
    try:
        for person in ("P1", "P2", "P3"):
            play(client, person)
            labels = client.records()[[r.get("participant") for r in client.records()].index(person)]["labels"]
            liked = "A" if labels["A"] == "oracle-40" else "B"
            client.post("prefer", participant=person, pair=0, choice=liked if person != "P3" else "AB"[liked == "A"])
    finally:
        client.close()
    assert main(["study", "report", str(client.directory), "--json"]) == 0
    rows = {r["agent"]: r for r in json.loads(capsys.readouterr().out)["rows"]}
    oracle, alone = rows["oracle-40"], rows["none"]
    assert (oracle["preferred"], oracle["answered"], alone["preferred"]) == (2, 3, 1)
    assert oracle["p_two_sided"] == 1.0 and oracle["p_one_sided"] == 0.5
    assert oracle["acceptance"] == 1.0 and oracle["pass_at_1"] == 1.0 and alone["pass_at_1"] == 0.0
    problems = [r for r in client.records() if r["type"] == "problem" and r["agent"] == "oracle-40"]
    assert oracle["suggestions_per_problem"] == sum(r["suggestions_shown"] for r in problems) / 3
    assert oracle["chars_per_suggestion"] == sum(r["suggestion_chars"] for r in problems) / oracle["suggestions_shown"]
    assert main(["study", "report", str(client.directory)]) == 0
    table = capsys.readouterr().out
    assert "| preferred (share of pairs) | 66.7% (2/3) | 33.3% (1/3) | 78% | 22% |" in table
    assert "| acceptance rate | 100.00% (" in table and "| 8.08% | 6.18% |" in table
    assert "| 43.6 | 82.2 |" in table and "0.015" in table
